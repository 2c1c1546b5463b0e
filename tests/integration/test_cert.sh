# Client certificates (mutual TLS): a certificate registered to a member
# signs in without a token where rigbookd asks for certificates
# (tls_client_auth = optional or require, tls_client_ca); who may register,
# list and revoke them; revoking one ends the connections it signed in, on
# every daemon; only the fingerprint is stored.

# ct_ca NAME: a CA of its own under $RB_TMP/ca-NAME (ca.crt, ca.key), made once.
ct_ca() {
	local d=$RB_TMP/ca-$1
	[[ -s $d/ca.crt ]] || "$RB_SRC/scripts/mkcerts" "$d" >/dev/null 2>&1
	chmod 755 "$d"
	chmod 644 "$d/ca.crt"
	rb_give_to_run_as "$d"
	printf '%s\n' "$d"
}

# ct_cert NAME [CA]: a client certificate NAME.crt and its key NAME.key,
# signed by CA (default: the clients' CA), and NAME.conf naming them (with
# the server's CA); prints the directory.  Made once per name.
ct_cert() {
	local name=$1 ca d=$RB_TMP/client-certs
	ca=$(ct_ca "${2:-clients}")
	mkdir -p "$d"
	if [[ ! -s $d/$name.crt ]]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$name.key" 2>/dev/null
		openssl req -new -key "$d/$name.key" -subj "/O=rigbook tests/CN=$name" -out "$d/$name.csr" 2>/dev/null
		printf 'basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\n' >"$d/$name.ext"
		openssl x509 -req -in "$d/$name.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
			-CAserial "$ca/ca.srl" -sha256 -days 30 -extfile "$d/$name.ext" -out "$d/$name.crt" 2>/dev/null
		chmod 600 "$d/$name.key"
		printf 'ca = %s\ntls_cert = %s\ntls_key = %s\n' "$RB_CA" "$name.crt" "$name.key" >"$d/$name.conf"
	fi
	printf '%s\n' "$d"
}

# ct_fp NAME: the SHA-256 fingerprint of NAME.crt as openssl computes it, lower-case hex.
ct_fp() {
	openssl x509 -in "$RB_TMP/client-certs/$1.crt" -noout -fingerprint -sha256 |
		sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# ct_daemon MODE [READY-CONF]: a rigbookd asking for client certificates
# signed by the clients' CA; sets CT_SERVER.  With require, READY-CONF is a
# client configuration whose certificate is registered (to see it answer).
ct_daemon() {
	local port ca
	ca=$(ct_ca clients)
	port=$(rb_free_port)
	RB_READY_CONFIG=${2:-} rb_extra_daemon "ct-$1" "$port" --tls_client_ca="$ca/ca.crt" \
		--tls_client_auth="$1" --log_level=debug || return 1
	CT_SERVER=127.0.0.1:$port
	CT_LOG=$RB_CASE_DIR/rigbookd-ct-$1.log
	CT_PID=$RB_EXTRA_PID
}

# ct_stop [PID LOG]: the case's rigbookd ends with status 0 on SIGTERM, and its
# log holds no sanitizer report.
ct_stop() {
	local pid=${1:-$CT_PID} log=${2:-$CT_LOG} rc=0
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	expect_eq 0 "$rc" "the exit status of the rigbookd asking for certificates"
	if rb_sanitizer_reports "$log" >/dev/null; then
		cat "$log"
		return 1
	fi
}

# ct_as NAME ARGS...: the client with NAME's certificate on CT_SERVER, no token.
ct_as() {
	local name=$1
	shift
	env -u RIGBOOK_TOKEN -u RIGBOOK_CONFIG "$RB_CLIENT" --config "$RB_TMP/client-certs/$name.conf" \
		--server "$CT_SERVER" "$@"
}

# ct_cert_id NAME: the id of NAME's certificate in the database.
ct_cert_id() {
	psql_q "SELECT id FROM client_certs WHERE fingerprint = '\\x$(ct_fp "$1")'::bytea"
}

t_cert_signs_in_without_token() {
	ct_cert ct-alice >/dev/null
	expect_exit 0 rb_as alice cert add "$RB_TMP/client-certs/ct-alice.crt" --label laptop --json
	expect_eq alice "$(json 'd["member"]')" "member"
	expect_eq "$(ct_fp ct-alice)" "$(json 'd["fingerprint"]')" "fingerprint"
	expect_eq "CN=ct-alice,O=rigbook tests" "$(json 'd["subject"]')" "subject"
	expect_eq active "$(json 'd["status"]')" "status"
	ct_daemon optional
	expect_exit 0 ct_as ct-alice whoami --json
	expect_eq alice "$(json 'd["handle"]')" "handle"
	expect_exit 0 ct_as ct-alice whoami
	expect_stdout_contains alice
	[[ ! -s $RB_ERR ]] || { echo "a warning for a key of mode 0600:"; cat "$RB_ERR"; return 1; }
	# a key others may read: a warning, and on it goes
	chmod 644 "$RB_TMP/client-certs/ct-alice.key"
	expect_exit 0 ct_as ct-alice whoami
	expect_stderr_contains "holds your private key and others can read or change it (mode 0644)"
	chmod 600 "$RB_TMP/client-certs/ct-alice.key"
	rb_wait_line "$CT_LOG" "alice \(member\) signed in by a client certificate"
	# the same certificate where none is asked for: no token, no sign-in
	expect_exit 1 env -u RIGBOOK_TOKEN "$RB_CLIENT" --config "$RB_TMP/client-certs/ct-alice.conf" \
		--server "$RB_SERVER" whoami
	expect_stderr_contains "a token is required"

	# the list, the last use, the audit log
	expect_exit 0 rb_as alice cert list --json
	expect_eq 1 "$(json 'len(d)')" "certificates listed"
	expect_eq laptop "$(json 'd[0]["label"]')" "label"
	[[ $(json 'd[0]["last_used_at"]') -gt 0 ]] || { echo "last_used_at not set"; return 1; }
	expect_exit 0 rb_as alice cert list
	expect_stdout_contains "$(ct_fp ct-alice)"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM audit WHERE action = 'cert_add' AND object = 'client_cert'
		AND detail->>'member' = 'alice' AND space_id IS NOT NULL")" "audit rows of cert_add"

	# only the fingerprint: no key, no certificate body, in any column
	expect_eq "created_at created_by fingerprint id label last_used_at member_id revoked_at revoked_by subject" \
		"$(psql_q "SELECT string_agg(column_name, ' ' ORDER BY column_name) FROM information_schema.columns
			WHERE table_name = 'client_certs'")" "the columns of client_certs"
	expect_eq 32 "$(psql_q "SELECT length(fingerprint) FROM client_certs WHERE id = $(ct_cert_id ct-alice)")" \
		"bytes of the stored fingerprint"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM client_certs c, audit a
		WHERE c::text ~* 'PRIVATE|BEGIN|MII' OR a.detail::text ~* 'PRIVATE KEY|BEGIN'")" \
		"rows holding key or certificate text"

	# the same certificate again: once, ever
	expect_exit 1 rb_as oper cert add "$RB_TMP/client-certs/ct-alice.crt" --member alice
	expect_stderr_contains "already registered"
	ct_stop
}

t_cert_unregistered_falls_back_to_token() {
	ct_cert ct-stranger >/dev/null
	ct_daemon optional
	# a token given with it signs in as before
	expect_exit 0 ct_as ct-stranger --token tok-bob whoami --json
	expect_eq bob "$(json 'd["handle"]')" "handle"
	# without one, the certificate alone does not
	expect_exit 1 ct_as ct-stranger whoami
	expect_stderr_contains UNAUTHENTICATED
	expect_stderr_contains "the client certificate does not sign in"
	rb_wait_line "$CT_LOG" "is not registered"
	ct_stop
}

t_cert_require_refuses_token_only() {
	ct_cert ct-ready >/dev/null
	expect_exit 0 rb_as mgr cert add "$RB_TMP/client-certs/ct-ready.crt"
	ct_daemon require "$RB_TMP/client-certs/ct-ready.conf"
	# a token alone: a clear refusal, exit status 1
	expect_exit 1 "$RB_CLIENT" --server "$CT_SERVER" --token tok-alice --ca "$RB_CA" whoami
	expect_stderr_contains UNAUTHENTICATED
	expect_stderr_contains "signs in only with a client certificate registered to a member"
	expect_stderr_contains tls_cert
	# the registered certificate signs in, whatever token comes with it
	expect_exit 0 ct_as ct-ready whoami --json
	expect_eq mgr "$(json 'd["handle"]')" "handle"
	expect_exit 0 ct_as ct-ready --token tok-alice whoami --json
	expect_eq mgr "$(json 'd["handle"]')" "the certificate decides, not the token"
	# an unregistered one does not, with a token or without
	ct_cert ct-unknown >/dev/null
	expect_exit 1 ct_as ct-unknown --token tok-alice whoami
	expect_stderr_contains "the client certificate does not sign in"
	ct_stop
}

t_cert_from_another_ca_is_refused() {
	ct_cert ct-foreign other >/dev/null
	ct_daemon optional
	# registered or not, a certificate the clients' CA did not sign ends the handshake
	expect_exit 0 rb_as carol cert add "$RB_TMP/client-certs/ct-foreign.crt"
	expect_exit 3 ct_as ct-foreign whoami
	expect_stderr_contains "the server may have refused the client certificate"
	expect_exit 3 ct_as ct-foreign --token tok-carol whoami
	rb_wait_line "$CT_LOG" "TLS handshake failed"
	ct_stop
}

t_cert_revoke_ends_watch_and_sign_in() {
	local pid rc=0 id
	ct_cert ct-watch >/dev/null
	expect_exit 0 rb_as bob cert add "$RB_TMP/client-certs/ct-watch.crt" --label watcher
	id=$(ct_cert_id ct-watch)
	ct_daemon optional
	ct_as ct-watch watch >"$RB_CASE_DIR/watch.out" 2>"$RB_CASE_DIR/watch.err" &
	pid=$!
	rb_register_pid "$pid"
	rb_wait_line "$CT_LOG" "bob \(member\) signed in by a client certificate"
	rb_wait_line "$CT_LOG" " watch id="
	# revoked through the other daemon (by its fingerprint, as openssl prints it)
	expect_exit 0 rb_as bob cert revoke "$(openssl x509 -in "$RB_TMP/client-certs/ct-watch.crt" -noout \
		-fingerprint -sha256 | sed 's/.*=//')"
	expect_stdout_contains "revoked client certificate $id of bob"
	rb_wait_gone "$pid" 20 || { echo "watch did not end"; cat "$RB_CASE_DIR/watch.err"; return 1; }
	wait "$pid" || rc=$?
	expect_eq 1 "$rc" "watch's exit status after the revoke"
	grep -q "access ended" "$RB_CASE_DIR/watch.err" || { cat "$RB_CASE_DIR/watch.err"; return 1; }
	rb_wait_line "$CT_LOG" "access ended: the client certificate was revoked"
	# and it signs in no more
	expect_exit 1 ct_as ct-watch whoami
	expect_stderr_contains "the client certificate does not sign in"
	expect_exit 1 rb_as bob cert revoke "$id"
	expect_stderr_contains "already revoked"
	expect_exit 0 rb_as bob cert list --json
	expect_eq revoked "$(json 'd[0]["status"]')" "status"
	expect_eq bob "$(json 'd[0]["revoked_by"]')" "revoked by"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM audit WHERE action = 'cert_revoke' AND object_id = $id")" \
		"audit rows of cert_revoke"
	ct_stop
}

t_cert_of_disabled_member_does_not_sign_in() {
	local pid rc=0
	ct_cert ct-dis >/dev/null
	expect_exit 0 rb_as oper member add ct-dis --name "Cert Disabled" --role member --startup acme
	expect_exit 0 rb_as oper cert add "$RB_TMP/client-certs/ct-dis.crt" --member ct-dis
	ct_daemon optional
	expect_exit 0 ct_as ct-dis whoami --json
	expect_eq ct-dis "$(json 'd["handle"]')" "handle"
	# a watch it signed in ends when the member is disabled (through the other daemon)
	ct_as ct-dis watch >"$RB_CASE_DIR/watch.out" 2>"$RB_CASE_DIR/watch.err" &
	pid=$!
	rb_register_pid "$pid"
	rb_wait_line "$CT_LOG" " watch id="
	expect_exit 0 rb_as oper member disable ct-dis
	rb_wait_gone "$pid" 20 || { echo "watch did not end"; cat "$RB_CASE_DIR/watch.err"; return 1; }
	wait "$pid" || rc=$?
	expect_eq 1 "$rc" "watch's exit status after the member was disabled"
	rb_wait_line "$CT_LOG" "access ended: the account was disabled"
	expect_exit 1 ct_as ct-dis whoami
	expect_stderr_contains "the client certificate does not sign in"
	rb_wait_line "$CT_LOG" "whose account is disabled"
	ct_cert ct-dis2 >/dev/null
	expect_exit 1 rb_as oper cert add "$RB_TMP/client-certs/ct-dis2.crt" --member ct-dis
	expect_stderr_contains "disabled"
	ct_stop
}

t_cert_only_own_or_administered() {
	local id
	ct_cert ct-bob >/dev/null
	ct_cert ct-alice2 >/dev/null
	# a colleague's: refused in words; another startup's member: not seen at all
	expect_exit 1 rb_as alice cert add "$RB_TMP/client-certs/ct-bob.crt" --member bob
	expect_stderr_contains PERMISSION_DENIED
	expect_stderr_contains "client certificates of bob"
	expect_exit 1 rb_as carol cert add "$RB_TMP/client-certs/ct-bob.crt" --member bob
	expect_stderr_contains NOT_FOUND
	expect_exit 1 rb_as mgr cert list --member bob
	expect_stderr_contains PERMISSION_DENIED
	# the operator of their space registers it; bob lists it, alice cannot revoke it
	expect_exit 0 rb_as oper cert add "$RB_TMP/client-certs/ct-bob.crt" --member bob --json
	expect_eq oper "$(json 'd["created_by"]')" "created by"
	id=$(ct_cert_id ct-bob)
	expect_exit 0 rb_as bob cert list --json
	expect_eq "$id" "$(json 'd[-1]["id"]')" "bob's certificate"
	expect_exit 1 rb_as alice cert revoke "$id"
	expect_stderr_contains NOT_FOUND
	expect_exit 1 rb_as alice cert list --member bob
	expect_stderr_contains PERMISSION_DENIED
	expect_exit 0 rb_as adm cert revoke "$id"
	# usage errors
	expect_exit 2 rb_as alice cert revoke nonsense
	expect_exit 2 rb_as alice cert add /nonexistent.crt
	expect_exit 2 rb_as alice cert add "$RB_TMP/client-certs/ct-alice2.key"
	expect_stderr_contains "no PEM certificate"
}

t_cert_config_is_checked() {
	local ca
	ca=$(ct_ca clients)
	expect_exit 1 "$RB_DAEMON" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--tls_client_auth=require check
	expect_stderr_contains tls_client_ca
	expect_exit 1 "$RB_DAEMON" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--tls_client_auth=optional check
	expect_stderr_contains "tls_client_auth = optional needs tls_client_ca"
	expect_exit 1 "$RB_DAEMON" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--tls_client_auth=sometimes check
	expect_stderr_contains tls_client_auth
	expect_exit 1 "$RB_DAEMON" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--tls_client_ca=/nonexistent/ca.crt --tls_client_auth=require check
	expect_stderr_contains "tls_client_ca /nonexistent/ca.crt"
	expect_exit 0 "$RB_DAEMON" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--tls_client_ca="$ca/ca.crt" --tls_client_auth=require check
}

# tls_client_auth and tls_client_ca follow SIGHUP; a reload that would ask
# for certificates without a CA is refused whole and changes nothing.
t_cert_mode_follows_reload() {
	local ca conf port pid
	ca=$(ct_ca clients)
	conf=$RB_CASE_DIR/rigbookd.conf
	printf 'tls_client_ca = %s\ntls_client_auth = optional\n' "$ca/ca.crt" >"$conf"
	port=$(rb_free_port)
	rb_extra_daemon reload "$port" -c "$conf" || return 1
	pid=$RB_EXTRA_PID
	CT_SERVER=127.0.0.1:$port
	ct_cert ct-reload >/dev/null
	expect_exit 0 rb_as race05 cert add "$RB_TMP/client-certs/ct-reload.crt"
	expect_exit 0 "$RB_CLIENT" --server "$CT_SERVER" --token tok-alice --ca "$RB_CA" whoami

	printf 'tls_client_auth = require\n' >"$conf"
	kill -HUP "$pid"
	rb_wait_line "$RB_CASE_DIR/rigbookd-reload.log" "reload refused.*tls_client_auth = require needs tls_client_ca"
	expect_exit 0 "$RB_CLIENT" --server "$CT_SERVER" --token tok-alice --ca "$RB_CA" whoami

	printf 'tls_client_ca = %s\ntls_client_auth = require\n' "$ca/ca.crt" >"$conf"
	kill -HUP "$pid"
	rb_wait_line "$RB_CASE_DIR/rigbookd-reload.log" "configuration and TLS certificate reloaded"
	expect_exit 1 "$RB_CLIENT" --server "$CT_SERVER" --token tok-alice --ca "$RB_CA" whoami
	expect_stderr_contains "signs in only with a client certificate"
	expect_exit 0 ct_as ct-reload whoami --json
	expect_eq race05 "$(json 'd["handle"]')" "handle"
	ct_stop "$pid" "$RB_CASE_DIR/rigbookd-reload.log"
}
