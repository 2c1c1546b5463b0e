# The default a newcomer gets: no database_url, rigbookd runs its own
# PostgreSQL under state_dir, stops it on SIGTERM and reuses it next time.

# rb_embedded_start STATE PORT [ARGS...]: sets EMB_PID.
rb_embedded_start() {
	local state=$1 port=$2
	shift 2
	"$RB_DAEMON" --state_dir="$state" --listen="127.0.0.1:$port" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" "$@" \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	EMB_PID=$!
	rb_register_pid "$EMB_PID"
}

# The postmaster of the cluster under STATE, from its pid file.
rb_embedded_postmaster() {
	local f
	f=$(find "$1" -name postmaster.pid -print -quit 2>/dev/null || true)
	if [[ -n $f ]]; then
		head -n 1 "$f"
	fi
}

t_embedded_postgres() {
	local state=$RB_CASE_DIR/state port seed=$RB_CASE_DIR/seed.sql pg
	mkdir -p "$state"
	rb_give_to_run_as "$state"
	install -m 644 "$RB_SRC/tests/integration/fixture.sql" "$seed"
	port=$(rb_free_port)

	# First start: initdb, migrate, seed.
	rb_embedded_start "$state" "$port" --seed="$seed"
	if ! rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120; then
		echo "embedded rigbookd did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	pg=$(rb_embedded_postmaster "$state")
	if [[ -z $pg ]] || ! kill -0 "$pg" 2>/dev/null; then
		echo "no running postmaster under $state"
		return 1
	fi
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" whoami --json
	expect_eq carol "$(json 'd["handle"]')" "handle"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 50) 10:00" --to "$(rb_day 50) 11:00"

	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	if ! rb_wait_gone "$pg" 10; then
		echo "postmaster $pg of $state still runs after rigbookd exited"
		return 1
	fi
	expect_eq "" "$(rb_embedded_postmaster "$state")" "postmaster.pid left behind"

	# Second start: the same cluster, the same data, no seed.
	rb_embedded_start "$state" "$port"
	if ! rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120; then
		echo "embedded rigbookd did not come back:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		bookings --json
	expect_eq 1 "$(json 'len(d["bookings"] if isinstance(d, dict) else d)')" "carol's bookings kept"
	pg=$(rb_embedded_postmaster "$state")
	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after the second SIGTERM"
	if [[ -n $pg ]] && ! rb_wait_gone "$pg" 10; then
		echo "postmaster $pg still runs after the second stop"
		return 1
	fi
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log"; then
		return 1
	fi
}
