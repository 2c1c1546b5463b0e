# rigbookd under a service manager: what it tells systemd through
# NOTIFY_SOCKET (sd_notify(3)), played by notify-listen.py.

# svc_wait_line FILE REGEX [SECONDS]: until a line of FILE matches.
svc_wait_line() {
	local i
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line matching '$2' in $1:"
	cat "$1"
	return 1
}

# READY=1 comes only once rigbookd accepts connections; the watchdog is
# pinged from the event loop at half of WATCHDOG_USEC; SIGHUP is framed by
# RELOADING=1 and READY=1; SIGTERM says STOPPING=1 before the drain.
t_service_notify() {
	local port dir out pid lpid n
	port=$(rb_free_port)
	dir=$RB_CASE_DIR/notify
	out=$dir/messages
	mkdir -p "$dir/state"
	chmod 777 "$dir"
	rb_give_to_run_as "$dir/state"
	python3 "$RB_SRC/tests/integration/notify-listen.py" "$dir/sock" "$out" "$port" &
	lpid=$!
	rb_register_pid "$lpid"
	svc_wait_line "$out" '^listening$' 10 || return 1

	NOTIFY_SOCKET=$dir/sock WATCHDOG_USEC=400000 "$RB_DAEMON" --database_url="$RB_DB_URL" \
		--state_dir="$dir/state" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --no_show_interval=0 run 2>"$RB_CASE_DIR/rigbookd.log" &
	pid=$!
	rb_register_pid "$pid"
	svc_wait_line "$out" 'READY=1' 60 || { cat "$RB_CASE_DIR/rigbookd.log"; return 1; }
	expect_eq "connect ok" "$(grep -m1 '^connect' "$out")" "a connection right after READY=1"
	rb_ping "127.0.0.1:$port" tok-alice || { echo "no answer after READY=1"; return 1; }

	# pinged every 0.2 s: a few within a second
	sleep 1.2
	n=$(grep -c '^WATCHDOG=1$' "$out")
	[[ $n -ge 3 ]] || { echo "$n watchdog pings in 1.2 s at WATCHDOG_USEC=400000"; cat "$out"; return 1; }

	kill -HUP "$pid"
	svc_wait_line "$out" '^RELOADING=1 MONOTONIC_USEC=[0-9]+$' 10 || return 1
	# the READY after the reload is the second one
	for ((n = 0; n < 100; n++)); do
		[[ $(grep -c 'READY=1' "$out") -ge 2 ]] && break
		sleep 0.1
	done
	expect_eq 2 "$(grep -c 'READY=1' "$out")" "READY=1 after the reload"
	[[ $(grep -n 'RELOADING=1' "$out" | cut -d: -f1) -lt $(grep -n 'READY=1' "$out" | tail -n1 | cut -d: -f1) ]] ||
		{ echo "READY=1 came before RELOADING=1"; cat "$out"; return 1; }

	rb_stop_daemon "$pid" 30
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	grep -q '^STOPPING=1 STATUS=draining$' "$out" || { echo "no STOPPING=1"; cat "$out"; return 1; }
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null || true
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log" >/dev/null; then
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	return 0
}

# Without NOTIFY_SOCKET (not under systemd) nothing is sent and nothing breaks.
t_service_without_manager() {
	rb_ping "$RB_SERVER" tok-alice || { echo "the file's rigbookd does not answer"; return 1; }
	! grep -q 'watchdog' "$RB_DAEMON_LOG"
}
