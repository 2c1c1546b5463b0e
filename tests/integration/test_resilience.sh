# What a flaky network, a second daemon and slow peers must not break.

# rb_second_daemon PORT ARGS...: another rigbookd on the same database; sets EXTRA_PID.
rb_second_daemon() {
	local port=$1
	shift
	"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --log_level=debug "$@" \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	EXTRA_PID=$!
	rb_register_pid "$EXTRA_PID"
	if ! rb_wait_ready "$EXTRA_PID" "127.0.0.1:$port" tok-alice 60; then
		echo "second rigbookd did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
}

rb_second_daemon_stop() {
	local rc=0
	kill -TERM "$EXTRA_PID"
	wait "$EXTRA_PID" || rc=$?
	expect_eq 0 "$rc" "second rigbookd exit status after SIGTERM"
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log" >/dev/null; then
		echo "sanitizer report from the second rigbookd:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
}

# The answer to a booking is lost on the way back: the client reconnects and
# retries once with the same idempotency key, and the server answers with the
# first result instead of booking twice.
t_client_retry_after_lost_answer() {
	local portfile=$RB_CASE_DIR/proxy.port day pport id before after i
	python3 "$RB_SRC/tests/integration/dropproxy.py" "$portfile" 127.0.0.1 "${RB_SERVER##*:}" 4 \
		2>"$RB_CASE_DIR/proxy.log" &
	rb_register_pid $!
	for ((i = 0; i < 50; i++)); do
		[[ -s $portfile ]] && break
		sleep 0.1
	done
	pport=$(cat "$portfile")
	day=$(rb_day 200)
	before=$(grep -c ': book id=' "$RB_DAEMON_LOG" || true)
	# TLS records from the client: Finished, Hello, ListResources, Book (the 4th).
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$pport" --token tok-alice --ca "$RB_CA" \
		--json book dyno-2 --from "$day 09:00" --to "$day 11:00"
	id=$(booking_id <"$RB_OUT")
	after=$(grep -c ': book id=' "$RB_DAEMON_LOG" || true)
	expect_eq 2 "$((after - before))" "Book requests the daemon received (first try and retry)"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-2' AND lower(b.during) = '$day 09:00+08'")" "bookings made"
	expect_eq "$id" "$(psql_q "SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-2' AND lower(b.during) = '$day 09:00+08'")" "the booking the client reports"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM audit WHERE action = 'book' AND object_id = $id")" \
		"audit rows for the booking"
}

# Two daemons on one database: members spread over both race for the same
# windows, and still exactly one wins each.
t_two_daemons_race() {
	local tool=$RB_BUILD/tests/integration/rb-race port
	[[ -x $tool ]] || rb_skip "rb-race is not built"
	port=$(rb_free_port)
	rb_second_daemon "$port"
	expect_exit 0 "$tool" --server "$RB_SERVER" --server "127.0.0.1:$port" --ca "$RB_CA" \
		--token-prefix tok-race --members 32 --windows 30 --resource race-rig \
		--mode=cancel-rebook --pg-dsn "$RB_PG_DSN"
	rb_second_daemon_stop
}

# TLS and Hello must finish by a fixed deadline, however slowly bytes trickle in.
t_handshake_deadline() {
	local tool=$RB_BUILD/tests/integration/rb-badinput port
	[[ -x $tool ]] || rb_skip "rb-badinput is not built"
	port=$(rb_free_port)
	rb_second_daemon "$port" --handshake_timeout=2
	expect_exit 0 "$tool" --server "127.0.0.1:$port" --ca "$RB_CA" --token tok-alice \
		--handshake-timeout 2
	rb_second_daemon_stop
}

# The database goes away and comes back: requests fail fast with UNAVAILABLE
# meanwhile, rigbookd stays up, and serves again once the pool has reconnected.
t_database_outage() {
	local t0 t1 i ok=0
	rb_pg_run "$RB_PG_BINDIR/pg_ctl" -D "$RB_PG_DATA" -m fast -w stop >/dev/null
	t0=$(date +%s%N)
	expect_exit 4 rb_as alice bookings
	t1=$(date +%s%N)
	expect_stderr_contains UNAVAILABLE
	if (((t1 - t0) / 1000000 > 5000)); then
		echo "a request during the outage took $(((t1 - t0) / 1000000)) ms to fail"
		return 1
	fi
	rb_pg_ctl_start
	for ((i = 0; i < 100; i++)); do
		if rb_as alice bookings >/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 0.1
	done
	expect_eq 1 "$ok" "served again within 10 s of the database coming back"
	kill -0 "$RB_DAEMON_PID"
	# Connections cut under the daemon's feet are replaced too.
	psql_q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
	ok=0
	for ((i = 0; i < 100; i++)); do
		if rb_as alice bookings >/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 0.1
	done
	expect_eq 1 "$ok" "served again after its database connections were terminated"
}

# Started as root with a run_as user that does not exist, rigbookd refuses
# to run (it used to serve as root after a warning).
t_root_refuses_without_run_as_user() {
	local port rc=0
	rb_is_root || rb_skip "needs root"
	port=$(rb_free_port)
	timeout 60 "$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --run_as=rb-no-such-user run 2>"$RB_CASE_DIR/root.log" || rc=$?
	cat "$RB_CASE_DIR/root.log"
	expect_eq 1 "$rc" "exit status as root without its run_as user"
	grep -q "refusing to run as root: user 'rb-no-such-user' does not exist" "$RB_CASE_DIR/root.log"
}

# rb_wait_file FILE: until FILE has something in it (5 s).
rb_wait_file() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

# The database stops answering without closing anything (a network that
# drops every packet): a request fails with UNAVAILABLE at the deadline
# instead of hanging, and service returns when the database answers again.
# The database is reached by the name localhost, which rigbookd resolves
# without blocking.
t_database_blackholed() {
	local portfile=$RB_CASE_DIR/bh.port hold=$RB_CASE_DIR/hold pport port t0 t1 i ok=0
	python3 "$RB_SRC/tests/integration/blackhole.py" "$portfile" \
		"$RB_PG_DIR/.s.PGSQL.$RB_PG_PORT" "$hold" 2>"$RB_CASE_DIR/bh.log" &
	rb_register_pid $!
	rb_wait_file "$portfile"
	pport=$(cat "$portfile")
	port=$(rb_free_port)
	"$RB_DAEMON" --database_url="host=localhost port=$pport dbname=$RB_PG_DB user=postgres" \
		--state_dir="$RB_DAEMON_STATE" --tls_cert="$RB_TLS/server.crt" \
		--tls_key="$RB_TLS/server.key" --listen="127.0.0.1:$port" --log_level=debug \
		--db_timeout=2 --pool_size=2 --no_show_interval=0 run 2>"$RB_CASE_DIR/rigbookd.log" &
	EXTRA_PID=$!
	rb_register_pid "$EXTRA_PID"
	if ! rb_wait_ready "$EXTRA_PID" "127.0.0.1:$port" tok-alice 60; then
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" bookings
	touch "$hold"
	t0=$(date +%s%N)
	expect_exit 4 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" bookings
	t1=$(date +%s%N)
	expect_stderr_contains UNAVAILABLE
	echo "failed after $(((t1 - t0) / 1000000)) ms"
	if (((t1 - t0) / 1000000 > 6000)); then
		echo "a request to a silent database took $(((t1 - t0) / 1000000)) ms to fail"
		return 1
	fi
	grep -q "no answer from the database within 2000 ms" "$RB_CASE_DIR/rigbookd.log"
	rm -f "$hold"
	for ((i = 0; i < 150; i++)); do
		if "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" bookings \
			>/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 0.1
	done
	expect_eq 1 "$ok" "served again within 15 s of the database answering again"
	rb_second_daemon_stop
}

# A connection the server drops is logged with the cause (the server's word),
# not with the error of the statement before it, and on one line.
t_lost_connection_reason() {
	local day from i ok=0
	day=$(rb_day 320)
	from=$(wc -l <"$RB_DAEMON_LOG")
	expect_exit 0 rb_as alice book dyno-2 --from "$day 09:00" --to "$day 10:00"
	expect_exit 1 rb_as alice book dyno-2 --from "$day 09:30" --to "$day 10:30"
	expect_stderr_contains "already booked"
	psql_q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND backend_type = 'client backend' AND application_name = 'rigbookd'" >/dev/null
	for ((i = 0; i < 100; i++)); do
		if rb_as alice bookings >/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 0.1
	done
	expect_eq 1 "$ok" "served again after its connections were terminated"
	tail -n +"$((from + 1))" "$RB_DAEMON_LOG" >"$RB_CASE_DIR/new.log"
	grep 'database connection [0-9]*: .*terminating connection due to administrator command' \
		"$RB_CASE_DIR/new.log"
	if grep 'database connection [0-9]*: .*already booked' "$RB_CASE_DIR/new.log"; then
		echo "a lost connection is logged with an earlier statement's refusal"
		return 1
	fi
	if grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$RB_CASE_DIR/new.log"; then
		echo "log lines without a timestamp (above)"
		return 1
	fi
}
