# Logging in, roles, configuration sources and transport failures.

# rb_whoami_is HANDLE ROLE: the last stdout is whoami --json for HANDLE/ROLE.
rb_whoami_is() {
	expect_eq "$1" "$(json 'd["handle"]')" "handle"
	expect_eq "$2" "$(json 'd["role"]')" "role"
}

t_whoami_each_role() {
	expect_exit 0 rb_as alice whoami --json
	rb_whoami_is alice member
	expect_eq acme "$(json 'd["startup"]')" "startup"
	expect_exit 0 rb_as carol whoami --json
	rb_whoami_is carol member
	expect_eq beta "$(json 'd["startup"]')" "startup"
	expect_exit 0 rb_as mgr whoami --json
	rb_whoami_is mgr manager
	expect_eq test-works "$(json 'd["institution"]')" "institution"
	expect_exit 0 rb_as oper whoami --json
	rb_whoami_is oper operator
	expect_eq test-space "$(json 'd["space"]')" "space"
	expect_exit 0 rb_as adm whoami --json
	rb_whoami_is adm admin
	# The human form names the member and the role too.
	expect_exit 0 rb_as mgr whoami
	expect_stdout_contains mgr
	expect_stdout_contains manager
}

t_ping() {
	expect_exit 0 rb_as bob ping
	expect_exit 0 rb_as bob ping --json
	[[ $(json 'd["server_time"]') -gt 1700000000 ]]
}

t_wrong_token_is_unauthenticated() {
	local before
	before=$(bookings_digest)
	expect_exit 1 "$RB_CLIENT" --server "$RB_SERVER" --token tok-nobody --ca "$RB_CA" whoami
	expect_stderr_contains UNAUTHENTICATED
	expect_exit 1 "$RB_CLIENT" --server "$RB_SERVER" --token tok-nobody --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 30) 10:00" --to "$(rb_day 30) 11:00"
	expect_stderr_contains UNAUTHENTICATED
	expect_eq "$before" "$(bookings_digest)" "bookings table"
}

t_usage_errors_exit_2() {
	expect_exit 2 rb_as alice no-such-command
	expect_exit 2 rb_as alice book dyno-1 --from "$(rb_day 30) 10:00"
	expect_exit 2 rb_as alice cancel not-a-number
}

t_untrusted_server_certificate() {
	"$RB_SRC/scripts/mkcerts" "$RB_CASE_DIR/other" >/dev/null
	expect_exit 3 "$RB_CLIENT" --server "$RB_SERVER" --token tok-alice \
		--ca "$RB_CASE_DIR/other/ca.crt" ping
	# Nothing listening is a connection failure, too.
	expect_exit 3 "$RB_CLIENT" --server "127.0.0.1:$(rb_free_port)" --token tok-alice \
		--ca "$RB_CA" ping
}

t_config_file_and_environment() {
	local conf=$RB_CASE_DIR/alice.conf
	printf '# test\nserver = %s\ntoken = tok-alice\nca = %s\n' "$RB_SERVER" "$RB_CA" >"$conf"
	chmod 600 "$conf"

	# RIGBOOK_CONFIG names the file.
	expect_exit 0 env RIGBOOK_CONFIG="$conf" "$RB_CLIENT" whoami --json
	expect_eq alice "$(json 'd["handle"]')" "handle from RIGBOOK_CONFIG"
	# --config names it too.
	expect_exit 0 "$RB_CLIENT" --config "$conf" whoami --json
	expect_eq alice "$(json 'd["handle"]')" "handle from --config"
	# The environment alone is enough.
	expect_exit 0 env RIGBOOK_SERVER="$RB_SERVER" RIGBOOK_TOKEN=tok-bob RIGBOOK_CA="$RB_CA" \
		"$RB_CLIENT" whoami --json
	expect_eq bob "$(json 'd["handle"]')" "handle from RIGBOOK_SERVER/TOKEN/CA"
	# The environment wins over the file ...
	expect_exit 0 env RIGBOOK_CONFIG="$conf" RIGBOOK_TOKEN=tok-carol "$RB_CLIENT" whoami --json
	expect_eq carol "$(json 'd["handle"]')" "RIGBOOK_TOKEN over the file"
	# ... and flags win over the environment.
	expect_exit 0 env RIGBOOK_CONFIG="$conf" RIGBOOK_TOKEN=tok-carol "$RB_CLIENT" \
		--token tok-mgr whoami --json
	expect_eq mgr "$(json 'd["handle"]')" "--token over RIGBOOK_TOKEN"
	# A wrong CA in the environment is used (and fails) ...
	"$RB_SRC/scripts/mkcerts" "$RB_CASE_DIR/other" >/dev/null
	expect_exit 3 env RIGBOOK_CONFIG="$conf" RIGBOOK_CA="$RB_CASE_DIR/other/ca.crt" \
		"$RB_CLIENT" ping
	# ... unless a flag overrides it.
	expect_exit 0 env RIGBOOK_CONFIG="$conf" RIGBOOK_CA="$RB_CASE_DIR/other/ca.crt" \
		"$RB_CLIENT" --ca "$RB_CA" ping
}

# A configuration file that holds a token and that others may read or change
# is used, with one warning on stderr, as ssh does; chmod 600 silences it.
t_config_mode_warning() {
	local conf=$RB_CASE_DIR/open.conf
	printf 'server = %s\ntoken = tok-alice\nca = %s\n' "$RB_SERVER" "$RB_CA" >"$conf"
	chmod 644 "$conf"
	expect_exit 0 "$RB_CLIENT" --config "$conf" whoami --json
	expect_eq alice "$(json 'd["handle"]')" "handle from a readable file"
	expect_eq 1 "$(grep -c 'warning' "$RB_ERR")" "warnings about a world-readable file"
	expect_stderr_contains "rigbook: warning: $conf holds your token and others can read it (mode 0644); run: chmod 600 $conf"
	chmod 602 "$conf"
	expect_exit 0 "$RB_CLIENT" --config "$conf" whoami
	expect_stderr_contains "others can change it (mode 0602)"
	chmod 600 "$conf"
	expect_exit 0 "$RB_CLIENT" --config "$conf" whoami
	expect_eq 0 "$(grep -c 'warning' "$RB_ERR" || true)" "warnings about a file only its owner reads"
	# A file without a token may be read by anyone.
	printf 'server = %s\nca = %s\n' "$RB_SERVER" "$RB_CA" >"$conf"
	chmod 644 "$conf"
	expect_exit 0 env RIGBOOK_TOKEN=tok-alice "$RB_CLIENT" --config "$conf" whoami
	expect_eq 0 "$(grep -c 'warning' "$RB_ERR" || true)" "warnings about a file without a token"
}

# --token-file and token_file keep the token off the command line.
t_token_file() {
	local tok=$RB_CASE_DIR/tokens/alice conf=$RB_CASE_DIR/tokens/alice.conf
	mkdir -p "$RB_CASE_DIR/tokens"
	printf 'tok-alice\n' >"$tok"
	chmod 600 "$tok"
	expect_exit 0 "$RB_CLIENT" --server "$RB_SERVER" --ca "$RB_CA" --token-file "$tok" whoami --json
	expect_eq alice "$(json 'd["handle"]')" "handle from --token-file"
	expect_eq 0 "$(grep -c 'warning' "$RB_ERR" || true)" "warnings about a private token file"
	# token_file in the configuration file, relative to its directory.
	printf 'server = %s\ntoken_file = alice\nca = %s\n' "$RB_SERVER" "$RB_CA" >"$conf"
	chmod 644 "$conf"
	expect_exit 0 "$RB_CLIENT" --config "$conf" whoami --json
	expect_eq alice "$(json 'd["handle"]')" "handle from token_file"
	expect_eq 0 "$(grep -c 'warning' "$RB_ERR" || true)" "warnings about a readable file naming a private token file"
	# RIGBOOK_TOKEN wins over the file's token_file, --token-file over RIGBOOK_TOKEN.
	expect_exit 0 env RIGBOOK_TOKEN=tok-bob "$RB_CLIENT" --config "$conf" whoami --json
	expect_eq bob "$(json 'd["handle"]')" "RIGBOOK_TOKEN over token_file"
	expect_exit 0 env RIGBOOK_TOKEN=tok-bob "$RB_CLIENT" --config "$conf" --token-file "$tok" whoami --json
	expect_eq alice "$(json 'd["handle"]')" "--token-file over RIGBOOK_TOKEN"
	# A token file others can read is used, with a warning.
	chmod 640 "$tok"
	expect_exit 0 "$RB_CLIENT" --config "$conf" whoami
	expect_stderr_contains "rigbook: warning: $tok holds your token and others can read it (mode 0640)"
	# Wrong uses are usage errors.
	expect_exit 2 "$RB_CLIENT" --config "$conf" --token tok-alice --token-file "$tok" whoami
	expect_stderr_contains "give --token or --token-file, not both"
	: >"$RB_CASE_DIR/tokens/empty"
	expect_exit 2 "$RB_CLIENT" --config "$conf" --token-file "$RB_CASE_DIR/tokens/empty" whoami
	expect_stderr_contains "holds no token"
	expect_exit 2 "$RB_CLIENT" --config "$conf" --token-file "$RB_CASE_DIR/tokens/none" whoami
	expect_stderr_contains "cannot read the token file"
	printf 'token = tok-alice\ntoken_file = alice\n' >"$conf"
	expect_exit 2 "$RB_CLIENT" --config "$conf" whoami
	expect_stderr_contains "give token or token_file, not both"
}
