# rigbookd under a service manager: what it tells systemd through
# NOTIFY_SOCKET (sd_notify(3)), played by notify-listen.py.

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
	rb_wait_line "$out" '^listening$' 10 || return 1

	NOTIFY_SOCKET=$dir/sock WATCHDOG_USEC=400000 "$RB_DAEMON" --database_url="$RB_DB_URL" \
		--state_dir="$dir/state" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --no_show_interval=0 run 2>"$RB_CASE_DIR/rigbookd.log" &
	pid=$!
	rb_register_pid "$pid"
	rb_wait_line "$out" 'READY=1' 60 || { cat "$RB_CASE_DIR/rigbookd.log"; return 1; }
	expect_eq "connect ok" "$(grep -m1 '^connect' "$out")" "a connection right after READY=1"
	rb_ping "127.0.0.1:$port" tok-alice || { echo "no answer after READY=1"; return 1; }

	# pinged every 0.2 s: a few within a second
	sleep 1.2
	n=$(grep -c '^WATCHDOG=1$' "$out")
	[[ $n -ge 3 ]] || { echo "$n watchdog pings in 1.2 s at WATCHDOG_USEC=400000"; cat "$out"; return 1; }

	kill -HUP "$pid"
	rb_wait_line "$out" '^RELOADING=1 MONOTONIC_USEC=[0-9]+$' 10 || return 1
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

# svc_http URL: the status and the body of a GET, as "STATUS\nBODY".
svc_http() {
	python3 - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        print(r.status); sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); sys.stdout.write(e.read().decode())
except OSError as e:
    print(0); print(e)
PY
}

# svc_status URL: the status of a GET (0: no answer).
svc_status() {
	svc_http "$1" >"$RB_CASE_DIR/http.last"
	head -n1 "$RB_CASE_DIR/http.last"
}

# svc_metric FILE SERIES: the value of one series in promparse.py's output
# (labels sorted, NAME{a=x,b=y}), or nothing.
svc_metric() {
	awk -v s="$2" '$1 == s { print $2 }' "$1"
}

# The metrics listener: /metrics is a valid Prometheus exposition (checked by
# promparse.py and by promtool when installed) that counts what happened;
# /healthz answers 200 while the database answers and 503 while it is
# stopped, and 200 again when it is back; other paths are 404.
t_service_metrics() {
	local port mport pid d i out=$RB_CASE_DIR/metrics
	port=$(rb_free_port)
	mport=$(rb_free_port)
	rb_extra_daemon metrics "$port" --metrics_listen="127.0.0.1:$mport" --no_show_interval=1 || return 1
	pid=$RB_EXTRA_PID
	for ((i = 0; i < 100; i++)); do
		[[ $(svc_status "http://127.0.0.1:$mport/healthz") == 200 ]] && break
		sleep 0.1
	done
	expect_eq 200 "$(svc_status "http://127.0.0.1:$mport/healthz")" "/healthz with the database up"

	d=$(rb_day 60)
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" \
		book dyno-1 --from "$d 10:00" --to "$d 11:00"
	expect_exit 1 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$d 10:30" --to "$d 11:30"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" resources
	sleep 1.5 # a sweep runs

	svc_http "http://127.0.0.1:$mport/metrics" >"$out.http"
	expect_eq 200 "$(head -n1 "$out.http")" "/metrics status"
	tail -n +2 "$out.http" >"$out.txt"
	python3 "$RB_SRC/tests/integration/promparse.py" "$out.txt" >"$out.samples" ||
		{ cat "$out.samples"; return 1; }
	if command -v promtool >/dev/null 2>&1; then
		promtool check metrics <"$out.txt" || { echo "promtool refuses /metrics"; return 1; }
	fi
	expect_eq 1 "$(svc_metric "$out.samples" 'rigbook_requests_total{code=OK,type=book}')" "books answered OK"
	expect_eq 1 "$(svc_metric "$out.samples" 'rigbook_requests_total{code=CONFLICT,type=book}')" "books refused"
	expect_eq 1 "$(svc_metric "$out.samples" 'rigbook_bookings_total{outcome=made}')" "bookings made"
	[[ -n $(svc_metric "$out.samples" 'rigbook_booking_refusals_total{reason=booking_overlap}') ||
		-n $(grep '^rigbook_booking_refusals_total{reason=' "$out.samples") ]] ||
		{ echo "no booking refusal by reason"; grep refusal "$out.samples"; return 1; }
	[[ $(svc_metric "$out.samples" 'rigbook_request_duration_seconds_count{type=hello}') -ge 3 ]] ||
		{ echo "fewer than 3 hellos timed"; grep hello "$out.samples"; return 1; }
	[[ $(svc_metric "$out.samples" 'rigbook_no_show_sweeps_total{}') -ge 1 ]] || { echo "no sweep counted"; return 1; }
	[[ $(svc_metric "$out.samples" 'process_resident_memory_bytes{}') -gt 1000000 ]] || { echo "no RSS"; return 1; }
	expect_eq 1 "$(svc_metric "$out.samples" 'rigbook_db_up{}')" "rigbook_db_up"
	# no ids or member names in labels
	if grep -o '[a-z_]*="[^"]*"' "$out.txt" | grep -v '^le=' | grep -E '="[0-9]+"|alice|carol|acme'; then
		echo "a label names a person or an id"
		return 1
	fi
	expect_eq 404 "$(svc_status "http://127.0.0.1:$mport/other")" "another path"

	# the database goes away: 503, then back: 200
	rb_pg_run "$RB_PG_BINDIR/pg_ctl" -D "$RB_PG_DATA" -m fast -w stop >/dev/null
	for ((i = 0; i < 150; i++)); do
		[[ $(svc_status "http://127.0.0.1:$mport/healthz") == 503 ]] && break
		sleep 0.1
	done
	svc_http "http://127.0.0.1:$mport/healthz" >"$out.down"
	rb_pg_ctl_start
	expect_eq 503 "$(head -n1 "$out.down")" "/healthz with the database stopped"
	grep -q '^database unavailable' "$out.down" || { cat "$out.down"; return 1; }
	for ((i = 0; i < 200; i++)); do
		[[ $(svc_status "http://127.0.0.1:$mport/healthz") == 200 ]] && break
		sleep 0.1
	done
	expect_eq 200 "$(svc_status "http://127.0.0.1:$mport/healthz")" "/healthz after the database is back"
	rb_stop_daemon "$pid" 30
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd-metrics.log" >/dev/null; then
		cat "$RB_CASE_DIR/rigbookd-metrics.log"
		return 1
	fi
}
