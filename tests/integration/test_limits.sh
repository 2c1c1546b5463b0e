# The connection limits that keep hostile or broken peers from taking the
# daemon's memory or its connection slots from everyone else: each case runs
# a rigbookd of its own with the limit small, and rb-flood.py plays the peer.

LIM_FLOOD=$RB_SRC/tests/integration/rb-flood.py

# lim_daemon ARGS...: a rigbookd on this file's database with ARGS; sets
# LIM_PID and LIM_SERVER.
lim_daemon() {
	local port
	port=$(rb_free_port)
	LIM_SERVER=127.0.0.1:$port
	"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="$LIM_SERVER" --log_level=debug --no_show_interval=0 "$@" \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	LIM_PID=$!
	rb_register_pid "$LIM_PID"
	if ! rb_wait_ready "$LIM_PID" "$LIM_SERVER" tok-alice 60; then
		echo "rigbookd $* did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
}

# It drains and exits 0, with nothing from the sanitizers in its log.
lim_daemon_stop() {
	local rc=0
	kill -TERM "$LIM_PID"
	wait "$LIM_PID" || rc=$?
	expect_eq 0 "$rc" "rigbookd exit status after SIGTERM"
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log" >/dev/null; then
		echo "sanitizer report from rigbookd:"
		rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
}

# flood MODE ARGS...: rb-flood.py against the case's daemon.
flood() {
	python3 "$LIM_FLOOD" "$@" --server "$LIM_SERVER" --ca "$RB_CA"
}

# wait_line FILE TEXT [SECONDS]: until FILE has a line starting with TEXT.
wait_line() {
	local i
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		grep -q "^$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line '$2' in $1 after ${3:-30} s:"
	cat "$1"
	return 1
}

# status_kb PID FIELD: VmRSS or VmHWM (the peak) of PID, in kB.
status_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# Connections that never finish TLS hold at most unauthenticated_share of
# max_connections; a member from another address is still served while
# they do, and the flood's address cannot push it out again.
t_unauthenticated_share() {
	local out=$RB_CASE_DIR/flood.out
	lim_daemon --max_connections=30 --unauthenticated_share=25 --handshake_timeout=30
	flood plain 40 --hold 30 >"$out" &
	rb_register_pid $!
	wait_line "$out" "open "
	# 25 % of 30
	expect_eq "open 7" "$(cat "$out")" "plain connections the server kept"
	expect_exit 0 flood signin --src 127.0.0.2 --token tok-alice --ping
	expect_eq ok "$(cat "$RB_OUT")" "a member from 127.0.0.2 while the flood holds its share"
	expect_exit 0 flood signin --src 127.0.0.3 --token tok-bob --ping
	expect_eq ok "$(cat "$RB_OUT")" "a member from 127.0.0.3 while the flood holds its share"
	grep -q 'refusing connections: connections not signed in hold their share' \
		"$RB_CASE_DIR/rigbookd.log"
	lim_daemon_stop
}

# One address holds at most max_per_address connections; others get theirs.
t_per_address_cap() {
	local out=$RB_CASE_DIR/flood.out
	lim_daemon --max_per_address=5
	flood plain 10 --src 127.0.0.4 --hold 30 >"$out" &
	rb_register_pid $!
	wait_line "$out" "open "
	expect_eq "open 5" "$(cat "$out")" "connections 127.0.0.4 could hold"
	expect_exit 0 flood signin --src 127.0.0.4 --token tok-alice --ping
	expect_stdout_contains "error"
	expect_exit 0 flood signin --src 127.0.0.5 --token tok-alice --ping
	expect_eq ok "$(cat "$RB_OUT")" "a member from 127.0.0.5"
	lim_daemon_stop
}

# One member holds at most max_per_member signed-in connections: the next
# Hello is refused with the limit, other members are not touched, and the
# member signs in again once a connection has closed.
t_per_member_cap() {
	local out=$RB_CASE_DIR/hold.out pid
	lim_daemon --max_per_member=3
	flood hold 5 --token tok-carol --hold 5 >"$out" &
	pid=$!
	rb_register_pid "$pid"
	wait_line "$out" "held "
	expect_eq 3 "$(grep -c '^ok$' "$out")" "connections carol could sign in"
	expect_eq 2 "$(grep -c '^refused too_many_connections member=carol limit=3$' "$out")" \
		"carol's Hellos refused with too_many_connections"
	expect_exit 0 flood signin --token tok-bob --ping
	expect_eq ok "$(cat "$RB_OUT")" "bob while carol holds her limit"
	expect_exit 1 "$RB_CLIENT" --server "$LIM_SERVER" --token tok-carol --ca "$RB_CA" ping
	wait "$pid"
	expect_exit 0 flood signin --token tok-carol --ping
	expect_eq ok "$(cat "$RB_OUT")" "carol once her connections closed"
	lim_daemon_stop
}

# Failed sign-ins from one address: max_failed_signins in a burst reach the
# database, the rest are refused with signin_throttled and retry_after,
# logged once; another address is not throttled.
t_failed_signin_throttle() {
	local before i pids
	lim_daemon --max_failed_signins=3 --failed_signin_interval=60
	before=$(grep -c 'sign-in refused' "$RB_CASE_DIR/rigbookd.log" || true)
	expect_exit 0 flood badtokens 12 --src 127.0.0.6
	# the database's reason for an unknown token is its own; 3 get it
	expect_eq "signin_throttled 9" "$(grep '^signin_throttled ' "$RB_OUT")" \
		"bad tokens refused before the database was asked"
	expect_eq 3 "$(awk '$1 != "signin_throttled" && $1 != "ok" { n += $2 } END { print n + 0 }' "$RB_OUT")" \
		"bad tokens the database refused"
	expect_eq 3 "$(($(grep -c 'sign-in refused' "$RB_CASE_DIR/rigbookd.log") - before))" \
		"tokens the database was asked about"
	expect_eq 1 "$(grep -c '127.0.0.6:[0-9]*: 3 failed sign-ins from this address' \
		"$RB_CASE_DIR/rigbookd.log")" "log lines about the burst"
	# the address is throttled, whatever the token; another one is not
	expect_exit 0 flood signin --src 127.0.0.6 --token tok-alice
	if ! grep -Eq '^refused signin_throttled retry_after=(5[0-9]|60)$' "$RB_OUT"; then
		echo "a good token from the throttled address: $(cat "$RB_OUT")"
		return 1
	fi
	expect_exit 0 flood signin --src 127.0.0.7 --token tok-alice --ping
	expect_eq ok "$(cat "$RB_OUT")" "a member from another address"
	# sign-ins that succeed cost nothing, one after another or many at once
	for i in 1 2 3 4 5; do
		expect_exit 0 flood signin --src 127.0.0.7 --token tok-alice
		expect_eq ok "$(cat "$RB_OUT")" "sign-in $i from 127.0.0.7"
	done
	pids=()
	for i in 1 2 3 4 5 6 7 8; do
		flood signin --src 127.0.0.8 --token tok-alice >"$RB_CASE_DIR/at-once.$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	expect_eq 8 "$(cat "$RB_CASE_DIR"/at-once.* | grep -c '^ok$')" "sign-ins at once from 127.0.0.8"
	lim_daemon_stop
}

# Clients that sign in, pipeline reads with large answers and never read
# them: each holds at most about max_output plus max_inflight answers, and
# is closed once it has read nothing for write_timeout.  (The daemon runs
# without ASan's quarantine here: freed memory held back to catch its use
# would count as memory the clients pinned.)
t_nonreading_clients_bounded() {
	local out=$RB_CASE_DIR/noread.out rss0 peak pid i n=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=0 \
		lim_daemon --max_output=65536 --max_inflight=8 --write_timeout=3
	rss0=$(status_kb "$LIM_PID" VmRSS)
	flood noread 20 --token tok-alice --requests 400 --hold 60 >"$out" &
	pid=$!
	rb_register_pid "$pid"
	wait_line "$out" sent
	for ((i = 0; i < 600; i++)); do
		n=$(grep -c 'closing: the peer read nothing' "$RB_CASE_DIR/rigbookd.log" || true)
		((n >= 20)) && break
		sleep 0.1
	done
	peak=$(status_kb "$LIM_PID" VmHWM)
	kill "$pid" 2>/dev/null || true
	echo "RSS ${rss0} kB at the start, at most ${peak} kB with 20 clients that do not read"
	expect_eq 20 "$n" "non-reading clients the server closed for write_timeout"
	if ((peak - rss0 > 24 * 1024)); then
		echo "RSS grew by $(((peak - rss0) / 1024)) MiB"
		return 1
	fi
	expect_exit 0 flood signin --token tok-alice --ping
	expect_eq ok "$(cat "$RB_OUT")" "a member afterwards"
	lim_daemon_stop
}

# After Hello, a frame announced and then trickled a byte a second is cut
# off by frame_timeout, however each byte keeps the connection from idling.
t_trickled_frame() {
	lim_daemon --frame_timeout=2
	expect_exit 0 flood trickle --token tok-alice --hold 15
	if ! grep -Eq '^closed [2-5] frame_timeout$' "$RB_OUT"; then
		echo "trickled frame: $(cat "$RB_OUT")"
		return 1
	fi
	lim_daemon_stop
}

# A watcher whose peer stops reading while events keep coming is closed as
# an event is pushed to it (write_timeout): its watcher's memory is freed
# once, when the connection is reaped (ASan would report a double free).
t_watcher_peer_fails_while_events_flow() {
	local out=$RB_CASE_DIR/watch.out rid pid
	rid=$(psql_q "SELECT id FROM resources ORDER BY id LIMIT 1")
	lim_daemon --write_timeout=2 --max_output=65536 --max_inflight=4
	flood watchstall --token tok-alice --requests 300 --hold 60 >"$out" &
	pid=$!
	rb_register_pid "$pid"
	wait_line "$out" watching
	for ((i = 0; i < 120; i++)); do
		echo "SELECT rb_emit_event('closure_added', $rid); SELECT pg_sleep(0.04);"
	done | rb_pg_psql "$RB_PG_DB" -o /dev/null
	wait_line "$RB_CASE_DIR/rigbookd.log" '.*closing: the peer read nothing' 10
	kill "$pid" 2>/dev/null || true
	kill -0 "$LIM_PID"
	expect_exit 0 flood signin --token tok-alice --ping
	expect_eq ok "$(cat "$RB_OUT")" "a member afterwards"
	lim_daemon_stop
}
