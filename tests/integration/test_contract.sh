# The contract between the C code and the SQL: rigbookd reads every result
# column by name (each statement's entry in daemon/sql.c declares the columns
# it reads), looks the names up once when its pool has prepared and described
# the statements, and refuses to start on a database whose results lack one,
# naming the statement and the column.  Each test alters a database of its
# own and starts a second rigbookd on it; the shared one is never touched.

# ct_db NAME [fixture]: a fresh database with the whole schema (and the test
# fixture when asked): a copy of the run's fixture template when there is
# one, else migrated here; sets CT_DB, CT_URL and CT_STATE.
ct_db() {
	CT_DB=${1}_$$ # $$: the file's run, so that runs sharing a cluster cannot clash
	CT_URL="postgresql://postgres@/$CT_DB?host=$RB_PG_DIR&port=$RB_PG_PORT"
	CT_STATE=$RB_CASE_DIR/state
	mkdir -p "$CT_STATE"
	rb_give_to_run_as "$CT_STATE"
	ct_drop
	if [[ -n ${RB_IT_TEMPLATE:-} ]] &&
		rb_pg_psql postgres -c "CREATE DATABASE $CT_DB TEMPLATE $RB_IT_TEMPLATE" >/dev/null 2>&1; then
		return 0
	fi
	rb_pg_psql postgres -c "CREATE DATABASE $CT_DB" >/dev/null
	if ! "$RB_DAEMON" --database_url="$CT_URL" --state_dir="$CT_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		migrate >"$RB_CASE_DIR/migrate.log" 2>&1; then
		echo "rigbookd migrate failed on $CT_DB:"
		cat "$RB_CASE_DIR/migrate.log"
		return 1
	fi
	if [[ ${2:-} == fixture ]] &&
		! rb_pg_psql "$CT_DB" -f "$RB_SRC/tests/integration/fixture.sql" \
			>"$RB_CASE_DIR/fixture.log" 2>&1; then
		echo "loading fixture.sql into $CT_DB failed:"
		cat "$RB_CASE_DIR/fixture.log"
		return 1
	fi
}

# ct_sql SQL: change the test's database.
ct_sql() {
	rb_pg_psql "$CT_DB" -c "$1" >/dev/null
}

ct_drop() {
	rb_pg_psql postgres -c "DROP DATABASE IF EXISTS $CT_DB WITH (FORCE)" >/dev/null 2>&1 || true
}

# ct_refused TEXT...: rigbookd on the test's database stops by itself with
# status 1, before it was ever ready, and its log says each TEXT.
ct_refused() {
	local port t
	port=$(rb_free_port)
	# without the contract it would wait for the schema for ever: timeout says so.
	# migrate=off: a start re-applies sql/ and would undo the test's change;
	# this is a database whose code does not match the daemon's.
	expect_exit 1 timeout 60 "$RB_DAEMON" --database_url="$CT_URL" --state_dir="$CT_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --no_show_interval=0 --migrate=off run
	expect_stderr_contains "refusing to start"
	for t in "$@"; do
		expect_stderr_contains "$t"
	done
	if grep -E -q 'rigbookd [^ ]+ ready$' "$RB_ERR"; then
		echo "rigbookd said it was ready before refusing:"
		cat "$RB_ERR"
		return 1
	fi
	ct_drop
}

# A function answered through SELECT * loses a column the code reads.
t_contract_function_lost_column() {
	ct_db contract_lost
	ct_sql "DROP FUNCTION rb_set_tier(bigint, text, text, text, text);
		CREATE FUNCTION rb_set_tier(p_member bigint, p_startup text, p_tier text, p_space text, p_peer text,
		                            OUT startup_code text, OUT price_tier text, OUT previous text)
		LANGUAGE sql AS \$\$ SELECT p_startup, p_tier, NULL::text \$\$"
	ct_refused "statement STMT_SET_TIER: result has no column 'tier'"
}

# The rows of a resource's availability are read by name too, each column
# meaning one thing whatever the row's tag: a function that answers them
# under other names is refused for every name the code reads.
t_contract_resource_rows_renamed() {
	ct_db contract_rows
	ct_sql "DROP FUNCTION rb_availability(text, bigint, bigint, bigint, bigint);
		CREATE FUNCTION rb_availability(p_code text, p_from bigint, p_to bigint, p_startup bigint,
		                                p_member bigint)
		RETURNS TABLE (id bigint, tag text, n1 bigint, n2 bigint)
		LANGUAGE sql AS \$\$ SELECT 1::bigint, 'resource'::text, NULL::bigint, NULL::bigint \$\$"
	ct_refused "statement STMT_AVAILABILITY: result has no column 'busy_start'" \
		"statement STMT_AVAILABILITY: result has no column 'open_end'" \
		"statement STMT_AVAILABILITY: result has no column 'closure_id'"
}

# A column keeps its name but changes its type to one the code does not read
# it as: a bigint where the code keeps 32 bits.
t_contract_column_type_changed() {
	ct_db contract_type
	ct_sql "DROP FUNCTION rb_accept_terms(bigint, text, int, text);
		CREATE FUNCTION rb_accept_terms(p_member bigint, p_code text, p_version int, p_peer text)
		RETURNS TABLE (resource_code text, version bigint)
		LANGUAGE sql AS \$\$ SELECT p_code, p_version::bigint \$\$"
	ct_refused "statement STMT_ACCEPT_TERMS: column 'version' is bigint, but the code reads it (AT_VERSION) as a 32-bit integer"
}

# A column the statement names in its SQL is renamed in a view: the
# statement cannot even be prepared, and that too stops start-up instead of
# retrying for ever.
t_contract_view_column_renamed() {
	ct_db contract_view
	ct_sql "ALTER VIEW booking_view RENAME COLUMN note TO remark"
	ct_refused "statement STMT_BOOK: cannot prepare: column v.note does not exist"
}

# What used to shift every field silently: rb_auth's columns come back in
# another order with a new one in front.  Read by name, every field of the
# session is still right.
t_contract_columns_moved_and_added() {
	local port pid who h id
	ct_db contract_moved fixture
	ct_sql "ALTER FUNCTION rb_auth(bytea) RENAME TO rb_auth_as_migrated;
		CREATE FUNCTION rb_auth(p_hash bytea)
		RETURNS TABLE (shifted text, institution_id bigint, startup_id bigint, space_code text,
		               institution_code text, startup_code text, role text, name text,
		               handle text, id bigint)
		LANGUAGE sql AS \$\$
		  SELECT 'a column the code does not read', a.institution_id, a.startup_id,
		         a.space_code, a.institution_code, a.startup_code, a.role, a.name, a.handle, a.id
		    FROM rb_auth_as_migrated(p_hash) a
		\$\$"
	port=$(rb_free_port)
	"$RB_DAEMON" --database_url="$CT_URL" --state_dir="$CT_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --log_level=debug --no_show_interval=0 \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	pid=$!
	rb_register_pid "$pid"
	if ! rb_wait_ready "$pid" "127.0.0.1:$port" tok-alice 60; then
		echo "rigbookd did not become ready on the reordered rb_auth:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	for who in alice mgr oper; do
		expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token "tok-$who" --ca "$RB_CA" \
			--json whoami
		id=$(psql_q_ct "SELECT id FROM members WHERE handle = '$who'")
		expect_eq "$id" "$(json 'd["member_id"]')" "$who: member_id"
		h=$(psql_q_ct "SELECT m.handle || '|' || m.name || '|' || m.role || '|' ||
			coalesce(s.code, '') || '|' || coalesce(i.code, '') || '|' ||
			coalesce(sp.code, '')
			FROM members m LEFT JOIN startups s ON s.id = m.startup_id
			LEFT JOIN institutions i ON i.id = m.institution_id
			LEFT JOIN spaces sp ON sp.id = coalesce(m.space_id, s.space_id, i.space_id)
			WHERE m.handle = '$who'")
		expect_eq "$h" "$(json 'd["handle"] + "|" + d["name"] + "|" + d["role"] + "|" + d["startup"] + "|" + d["institution"] + "|" + d["space"]')" \
			"$who: handle|name|role|startup|institution|space"
	done
	# the session's ids are read by name as well: alice's own startup bookings list
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" \
		bookings --startup
	rb_stop_daemon "$pid" 30
	expect_eq 0 "$RB_STOP_RC" "rigbookd exit status after SIGTERM"
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log" >/dev/null; then
		echo "sanitizer report from the second rigbookd:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	ct_drop
}

# psql_q_ct SQL: one query on the test's database, rows unaligned.
psql_q_ct() {
	rb_pg_psql "$CT_DB" -A -t -c "$1"
}
