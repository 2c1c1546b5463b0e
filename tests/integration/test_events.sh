# Live events with the real client: `rigbook watch` sees bookings and
# closures change as they are committed, filtered per resource and per role,
# across two daemons on one database, through a database outage, and a
# watcher that never reads cannot make the daemon hold its events without
# bound.  Resources: evt-*.

# evt_watch NAME SERVER HANDLE ARGS...: `rigbook watch ARGS` in the
# background, once the server has answered the WatchRequest with its events
# flowing; its output is $RB_CASE_DIR/NAME.out and .err, its pid EVT_PID.
evt_watch() {
	local name=$1 server=$2 who=$3 i try err
	shift 3
	err=$RB_CASE_DIR/$name.err
	for ((try = 0; try < 50; try++)); do
		"$RB_CLIENT" --server "$server" --token "tok-$who" --ca "$RB_CA" watch "$@" \
			>"$RB_CASE_DIR/$name.out" 2>"$err" &
		EVT_PID=$!
		rb_register_pid "$EVT_PID"
		for ((i = 0; i < 100; i++)); do
			grep -qs '^rigbook: watching ' "$err" && break
			kill -0 "$EVT_PID" 2>/dev/null || break
			sleep 0.1
		done
		if ! grep -qs '^rigbook: watching ' "$err"; then
			echo "rigbook watch $* did not start:"
			cat "$err"
			return 1
		fi
		grep -qs '^rigbook: watching .*reconnecting' "$err" || return 0
		# the server's events do not flow yet (a daemon just started makes its
		# replication slot): what is done now would not be heard; again
		kill -INT "$EVT_PID"
		wait "$EVT_PID" 2>/dev/null || true
		sleep 0.2
	done
	echo "the events of $server did not flow within 10 s"
	return 1
}

# evt_wait NAME TEXT [SECONDS]: until NAME's output holds TEXT.
evt_wait() {
	local file=$RB_CASE_DIR/$1.out limit=${3:-10} i
	for ((i = 0; i < limit * 10; i++)); do
		grep -F -qs -- "$2" "$file" && return 0
		sleep 0.1
	done
	echo "watch output $1 does not show \"$2\" after ${limit}s:"
	cat "$file"
	return 1
}

# evt_stop PID: SIGINT ends a watch cleanly, at once, with status 0.
evt_stop() {
	local rc=0
	kill -INT "$1"
	rb_wait_gone "$1" 5 || { echo "watch did not end on SIGINT"; return 1; }
	wait "$1" || rc=$?
	expect_eq 0 "$rc" "watch exit status after SIGINT"
}

# evt_lines NAME: the event lines of NAME's output without their time (the
# first two words), for exact comparison.
evt_lines() {
	sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+Z?  //' "$RB_CASE_DIR/$1.out"
}

# evt_no_reports: no sanitizer report from any client of this test.
evt_no_reports() {
	local f
	for f in "$RB_CASE_DIR"/*.err; do
		[[ -e $f ]] || continue
		if rb_sanitizer_reports "$f" >/dev/null; then
			echo "sanitizer report in $f:"
			cat "$f"
			return 1
		fi
	done
}

# evt_second_daemon PORT ARGS...: another rigbookd on the same database; EVT_DAEMON_PID.
evt_second_daemon() {
	local port=$1
	shift
	"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --log_level=debug "$@" \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	EVT_DAEMON_PID=$!
	rb_register_pid "$EVT_DAEMON_PID"
	if ! rb_wait_ready "$EVT_DAEMON_PID" "127.0.0.1:$port" tok-alice 60; then
		echo "second rigbookd did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	# and its events flow (watchers that come before would hear a resync)
	evt_watch "probe-$port" "127.0.0.1:$port" alice
	evt_stop "$EVT_PID"
}

evt_second_daemon_stop() {
	local rc=0
	kill -TERM "$EVT_DAEMON_PID"
	wait "$EVT_DAEMON_PID" || rc=$?
	expect_eq 0 "$rc" "second rigbookd exit status after SIGTERM"
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log" >/dev/null; then
		echo "sanitizer report from the second rigbookd:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
}

# evt_transport: what rb_emit_event() announces by now, logical or notify.
evt_transport() {
	psql_q "SELECT rb_event_transport()"
}

# evt_emitter: the start of a call that announces a payload the way
# rb_emit_event() does on this database, to be completed with "payload)".
evt_emitter() {
	if [[ $(evt_transport) == logical ]]; then
		printf "pg_logical_emit_message(true, 'rigbook', "
	else
		printf "pg_notify('rigbook_events', "
	fi
}

# evt_readers: the daemons' event connections as "LISTENING STREAMING":
# sessions in LISTEN, and walsenders streaming a temporary pgoutput slot.
evt_readers() {
	psql_q "SELECT (SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'rigbookd-events'
			AND backend_type = 'client backend' AND query LIKE 'LISTEN rigbook\_events%')
		|| ' ' || (SELECT count(*) FROM pg_stat_replication r
			JOIN pg_replication_slots s ON s.active_pid = r.pid
			WHERE s.database = current_database() AND r.application_name = 'rigbookd-events'
			AND s.temporary AND s.plugin = 'pgoutput')"
}

# evt_walsenders: the daemons' walsenders on this database (pg_stat_replication).
evt_walsenders() {
	psql_q "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_activity a USING (pid)
		WHERE a.datname = current_database() AND r.application_name = 'rigbookd-events'"
}

# evt_wait_readers "L S" [SECONDS]: until evt_readers says so.
evt_wait_readers() {
	local limit=${2:-10} i got
	for ((i = 0; i < limit * 10; i++)); do
		got=$(evt_readers)
		[[ $got == "$1" ]] && return 0
		sleep 0.1
	done
	echo "event connections (listening, streaming): expected \"$1\", got \"$got\""
	psql_q "SELECT pid, backend_type, application_name, state, query FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'rigbookd-events'"
	return 1
}

# Every kind a watcher sees, in order, with staff seeing who holds each
# booking: booked, cancelled, moved, requested, approved, declined, closure
# added and lifted.
t_events_kinds() {
	local d id id2 id3 cid pid jpid w
	d=$(rb_day 400)
	evt_watch staff "$RB_SERVER" mgr
	pid=$EVT_PID
	evt_watch json "$RB_SERVER" adm evt-rig --json
	jpid=$EVT_PID
	expect_exit 0 rb_as alice book evt-rig --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as alice move "$id" --from "$d 13:00" --to "$d 14:00"
	expect_exit 0 rb_as alice cancel "$id"
	expect_exit 0 rb_as alice book evt-approve --from "$d 10:00" --to "$d 11:00" --json
	id2=$(booking_id)
	expect_exit 0 rb_as mgr approve "$id2"
	expect_exit 0 rb_as carol book evt-approve --from "$d 12:00" --to "$d 13:00" --json
	id3=$(booking_id)
	expect_exit 0 rb_as mgr decline "$id3" --reason "the rig is calibrated that day"
	expect_exit 0 rb_as mgr closure add evt-rig --from "$d 15:00" --to "$d 16:00" --reason "filter change" --json
	cid=$(json 'd["closure"]["id"]')
	expect_exit 0 rb_as mgr closure rm "$cid"
	evt_wait staff "closure_lifted  evt-rig  closure $cid"
	w="(Asia/Shanghai)"
	expect_eq "booked  evt-rig  booking $id  10:00-12:00 on $d $w  alice of acme
moved  evt-rig  booking $id  13:00-14:00 on $d $w  alice of acme
cancelled  evt-rig  booking $id  13:00-14:00 on $d $w  alice of acme
requested  evt-approve  booking $id2  10:00-11:00 on $d $w  alice of acme
approved  evt-approve  booking $id2  10:00-11:00 on $d $w  alice of acme
requested  evt-approve  booking $id3  12:00-13:00 on $d $w  carol of beta
declined  evt-approve  booking $id3  12:00-13:00 on $d $w  carol of beta
closure_added  evt-rig  closure $cid  15:00-16:00 on $d $w
closure_lifted  evt-rig  closure $cid  15:00-16:00 on $d $w" "$(evt_lines staff)" "the manager's watch"
	# The time of each event is in the resource's zone, close to now.
	expect_eq "$(TZ=Asia/Shanghai date +%Y-%m-%d)" "$(head -n 1 "$RB_CASE_DIR/staff.out" | cut -c1-10)" "the date of an event"
	# JSON, one object per line; the admin's filtered watch saw only evt-rig.
	evt_wait json '"closure_lifted"'
	RB_OUT=$RB_CASE_DIR/json.out
	expect_eq "booked,moved,cancelled,closure_added,closure_lifted" \
		"$(python3 -c 'import json,sys; print(",".join(json.loads(l)["kind"] for l in open(sys.argv[1])))' "$RB_OUT")" "kinds in JSON"
	expect_eq "$id|alice|acme|$d 10:00|Asia/Shanghai" "$(head -n 1 "$RB_OUT" | python3 -c 'import json,sys; e=json.load(sys.stdin); print("%s|%s|%s|%s|%s" % (e["booking_id"], e["member"], e["startup"], e["start_local"], e["time_zone"]))')" "the first JSON event"
	evt_stop "$pid"
	evt_stop "$jpid"
	evt_no_reports
	# Nothing about events went to the database's log as an error.
	psql_q "SELECT 1" >/dev/null
}

# A watch of one resource shows only that resource; a member sees other
# startups' bookings without who holds them, and their own startup's with.
t_events_filter_and_member_view() {
	local d id id2 cpid bpid apid
	d=$(rb_day 401)
	evt_watch carol-other "$RB_SERVER" carol evt-other
	cpid=$EVT_PID
	evt_watch carol-all "$RB_SERVER" carol --json
	apid=$EVT_PID
	evt_watch bob "$RB_SERVER" bob
	bpid=$EVT_PID
	expect_exit 0 rb_as alice book evt-rig --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as alice book evt-other --from "$d 10:00" --to "$d 11:00" --json
	id2=$(booking_id)
	evt_wait carol-other "booked  evt-other"
	evt_wait carol-all "evt-other"
	evt_wait bob "booking $id2"
	expect_eq "booked  evt-other  a booking  10:00-11:00 on $d (Europe/Berlin)  another startup" \
		"$(evt_lines carol-other)" "carol's watch of evt-other"
	RB_OUT=$RB_CASE_DIR/carol-all.out
	expect_stdout_lacks alice
	expect_stdout_lacks acme
	expect_stdout_lacks "\"booking_id\":$id"
	expect_eq "evt-rig||None,evt-other||None" "$(python3 -c 'import json,sys; print(",".join("%s|%s|%s" % (e["resource"], e["member"], e["booking_id"]) for e in map(json.loads, open(sys.argv[1]))))' "$RB_OUT")" "what carol sees of alice's bookings"
	expect_eq "booked  evt-rig  booking $id  10:00-11:00 on $d (Asia/Shanghai)  alice of acme
booked  evt-other  booking $id2  10:00-11:00 on $d (Europe/Berlin)  alice of acme" "$(evt_lines bob)" "bob sees his startup's bookings"
	evt_stop "$cpid"
	evt_stop "$apid"
	evt_stop "$bpid"
	# An unknown resource is refused by name.
	expect_exit 1 rb_as carol watch evt-nonesuch
	expect_stderr_contains "rigbook: NOT_FOUND: no resource is called evt-nonesuch"
	evt_no_reports
}

# Unwatch stops the events (and says whether there were any to stop); the
# connection goes on answering.
t_watch_unwatch() {
	local tool=$RB_BUILD/tests/integration/rb-watch d upid wpid rc=0
	[[ -x $tool ]] || rb_skip "rb-watch is not built"
	d=$(rb_day 405)
	"$tool" --server "$RB_SERVER" --ca "$RB_CA" --token tok-alice --resource evt-rig unwatch \
		>"$RB_CASE_DIR/unwatch.out" 2>"$RB_CASE_DIR/unwatch.err" &
	upid=$!
	rb_register_pid "$upid"
	evt_wait unwatch unwatched
	evt_watch still "$RB_SERVER" alice evt-rig
	wpid=$EVT_PID
	expect_exit 0 rb_as alice book evt-rig --from "$d 10:00" --to "$d 11:00"
	# the daemon has passed this event on once the other watcher has it
	evt_wait still "booked  evt-rig"
	kill -USR1 "$upid"
	rb_wait_gone "$upid" 10
	wait "$upid" || rc=$?
	expect_eq 0 "$rc" "rb-watch unwatch exit status"
	expect_eq "was_watching 1
was_watching 0
unwatched
events 0" "$(cat "$RB_CASE_DIR/unwatch.out")" "events after unwatch"
	evt_stop "$wpid"
	evt_no_reports
}

# A watcher that never reads: past watch_backlog bytes of unsent events the
# daemon stops its events (a last 'dropped' event queued) instead of holding
# them all; other watchers get every event; the daemon keeps serving.
t_watch_slow_watcher() {
	local tool=$RB_BUILD/tests/integration/rb-watch port n=${EVT_FLOOD:-150000} spid fpid rpid rc=0 d id got emit
	[[ -x $tool ]] || rb_skip "rb-watch is not built"
	d=$(rb_day 402)
	port=$(rb_free_port)
	evt_second_daemon "$port" --watch_backlog=65536
	"$tool" --server "127.0.0.1:$port" --ca "$RB_CA" --token tok-carol --resource evt-flood slow \
		>"$RB_CASE_DIR/slow.out" 2>"$RB_CASE_DIR/slow.err" &
	spid=$!
	rb_register_pid "$spid"
	"$tool" --server "127.0.0.1:$port" --ca "$RB_CA" --token tok-carol --resource evt-flood \
		count closure_added >"$RB_CASE_DIR/fast.out" 2>"$RB_CASE_DIR/fast.err" &
	fpid=$!
	rb_register_pid "$fpid"
	evt_watch real "127.0.0.1:$port" bob evt-other
	rpid=$EVT_PID
	evt_wait slow watching
	evt_wait fast watching
	# n distinct events (some 9 MB on the wire: more than the kernel's
	# socket buffers hold) in one transaction, worded as rb_emit_event words
	# them and sent by its transport (straight away: the emitter is not what
	# is tested here), then one closure_added to mark the end
	emit=$(evt_emitter)
	psql_q "SELECT count($emit 'v1 kind=booked at=1893463200 res=' || r.id ||
			' code=evt-flood tz=Asia/Shanghai inst=' || r.institution_id || ' space=1 booking=' || g ||
			' start=1893463200 end=1893466800'))
		FROM resources r, generate_series(1, $n) g WHERE r.code = 'evt-flood'" >/dev/null
	psql_q "SELECT $emit 'v1 kind=closure_added at=1893463200 res=' || id ||
			' code=evt-flood tz=Asia/Shanghai closure=1 start=1893463200 end=1893466800')
		FROM resources WHERE code = 'evt-flood'" >/dev/null
	rb_wait_gone "$fpid" 60 || { echo "the reading watcher did not see the end"; return 1; }
	wait "$fpid" || rc=$?
	expect_eq 0 "$rc" "the reading watcher's exit status"
	expect_eq "watching
booked $n
closure_added 1" "$(cat "$RB_CASE_DIR/fast.out")" "what the reading watcher got"
	grep -q "stopping its events: more than 65536 bytes of them unread" "$RB_CASE_DIR/rigbookd.log" ||
		{ echo "the daemon did not stop the slow watcher's events"; tail -n 20 "$RB_CASE_DIR/rigbookd.log"; return 1; }
	echo "rigbookd: $(grep -E '^Vm(RSS|HWM)' "/proc/$EVT_DAEMON_PID/status" | tr -s ' \n' ' ')"
	# The daemon serves, and its other watchers hear what comes next.
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" \
		book evt-other --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	evt_wait real "booked  evt-other  booking $id"
	# The slow watcher reads at last: what was queued before it fell behind,
	# then the last event, which says why the rest did not come.
	kill -USR1 "$spid"
	rb_wait_gone "$spid" 60 || { echo "the slow watcher did not end"; return 1; }
	rc=0
	wait "$spid" || rc=$?
	expect_eq 0 "$rc" "the slow watcher's exit status"
	grep -q "^dropped: the server stopped sending events: this connection did not read them fast enough" \
		"$RB_CASE_DIR/slow.out" || { cat "$RB_CASE_DIR/slow.out" "$RB_CASE_DIR/slow.err"; return 1; }
	got=$(awk '$1 == "events" { print $2 }' "$RB_CASE_DIR/slow.out")
	echo "the slow watcher got $got of $n events before it was dropped"
	[[ $got -lt $n ]]
	evt_stop "$rpid"
	evt_second_daemon_stop
	evt_no_reports
}

# evt_wait_count NAME TEXT N [SECONDS]: until NAME's output has N lines holding TEXT.
evt_wait_count() {
	local file=$RB_CASE_DIR/$1.out limit=${4:-20} i
	for ((i = 0; i < limit * 10; i++)); do
		[[ $(grep -F -c -- "$2" "$file" 2>/dev/null || true) -ge $3 ]] && return 0
		sleep 0.1
	done
	echo "watch output $1 does not show \"$2\" $3 times after ${limit}s:"
	cat "$file"
	return 1
}

# Two daemons on one database: a change made through one reaches the
# watchers of the other, and the other way round.  A watcher outlives the
# idle timeout.
t_watch_two_daemons() {
	local port d id bpid apid rc
	d=$(rb_day 403)
	port=$(rb_free_port)
	evt_second_daemon "$port" --idle_timeout=1
	evt_watch on-b "127.0.0.1:$port" mgr evt-far --once
	bpid=$EVT_PID
	evt_watch on-a "$RB_SERVER" carol evt-far
	apid=$EVT_PID
	# a watching connection is not idle, however long nothing happens
	sleep 2.5
	kill -0 "$bpid"
	expect_exit 0 rb_as alice book evt-far --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	evt_wait on-b "booked  evt-far  booking $id"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" cancel "$id"
	evt_wait on-a "cancelled  evt-far"
	evt_wait on-b "cancelled  evt-far  booking $id"
	expect_eq "booked  evt-far  booking $id  10:00-12:00 on $d (Asia/Shanghai)  alice of acme
cancelled  evt-far  booking $id  10:00-12:00 on $d (Asia/Shanghai)  alice of acme" "$(evt_lines on-b)" "the watcher on the second daemon"
	expect_eq "booked  evt-far  a booking  10:00-12:00 on $d (Asia/Shanghai)  another startup
cancelled  evt-far  a booking  10:00-12:00 on $d (Asia/Shanghai)  another startup" "$(evt_lines on-a)" "the watcher on the first daemon"
	evt_stop "$apid"
	# The second daemon stops: its watcher is told, and says so.
	evt_second_daemon_stop
	rb_wait_gone "$bpid" 5 || { echo "the watcher did not end with its server"; return 1; }
	rc=0
	wait "$bpid" || rc=$?
	expect_eq 3 "$rc" "the watcher's exit status when its server stops"
	expect_eq "rigbook: watch: the server closes the connection: UNAVAILABLE: the server is shutting down; events after this are not shown (run watch again)" \
		"$(tail -n 1 "$RB_CASE_DIR/on-b.err")" "what the watcher says"
	evt_no_reports
}

# evt_book_when_up SERVER ARGS...: book as alice, retrying for 10 s while the
# daemon's pool reconnects; $RB_OUT holds the answer.
evt_book_when_up() {
	local server=$1 i
	shift
	for ((i = 0; i < 100; i++)); do
		if expect_exit 0 "$RB_CLIENT" --server "$server" --token tok-alice --ca "$RB_CA" book "$@" \
			--json >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "could not book after the database came back:"
	cat "$RB_ERR"
	return 1
}

# The listening connection is cut, then the whole database restarts: the
# daemon stays up and listens again, its watchers stay connected and hear a
# resync (events may have been missed), and then events again.
t_watch_database_outage() {
	local d id pid
	d=$(rb_day 404)
	evt_watch outage "$RB_SERVER" mgr evt-far --json
	pid=$EVT_PID
	# the shared daemon's one event connection, by the database's transport
	if [[ $(evt_transport) == logical ]]; then
		evt_wait_readers "0 1"
	else
		evt_wait_readers "1 0"
	fi
	psql_q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'rigbookd-events'" >/dev/null
	evt_wait_count outage '"kind":"resync"' 1
	evt_book_when_up "$RB_SERVER" evt-far --from "$d 10:00" --to "$d 11:00"
	id=$(booking_id)
	evt_wait outage "\"booking_id\":$id"
	# The database stops; the watch stays, the daemon answers (UNAVAILABLE).
	rb_pg_run "$RB_PG_BINDIR/pg_ctl" -D "$RB_PG_DATA" -m fast -w stop >/dev/null
	sleep 1
	kill -0 "$pid"
	kill -0 "$RB_DAEMON_PID"
	expect_exit 4 rb_as alice bookings
	expect_stderr_contains UNAVAILABLE
	rb_pg_ctl_start
	evt_wait_count outage '"kind":"resync"' 2
	evt_book_when_up "$RB_SERVER" evt-far --from "$d 12:00" --to "$d 13:00"
	id=$(booking_id)
	evt_wait outage "\"booking_id\":$id"
	RB_OUT=$RB_CASE_DIR/outage.out
	expect_eq "resync,booked,resync,booked" \
		"$(python3 -c 'import json,sys; print(",".join(json.loads(l)["kind"] for l in open(sys.argv[1])))' "$RB_OUT")" "what the watcher heard"
	expect_stdout_contains "events may have been missed"
	evt_stop "$pid"
	grep -q "event connection lost, reconnecting" "$RB_DAEMON_LOG"
	evt_no_reports
}

# A freed window booked for the first waiter: the waiter's own watch hears
# the booking and then that it was promoted, with the booking it became.
t_events_waitlist_promoted() {
	local d id nid pid
	d=$(rb_day 402)
	expect_exit 0 rb_as alice book evt-wait --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as carol wait evt-wait --from "$d 10:00" --to "$d 12:00"
	evt_watch carol "$RB_SERVER" carol evt-wait
	pid=$EVT_PID
	expect_exit 0 rb_as alice cancel "$id"
	nid=$(psql_q "SELECT booking_id FROM waitlist w JOIN members m ON m.id = w.member_id WHERE m.handle = 'carol' AND w.state = 'promoted' AND lower(w.during) = (SELECT lower(during) FROM bookings WHERE id = $id)")
	[[ $nid =~ ^[0-9]+$ ]] || { echo "carol's entry was not promoted: '$nid'"; return 1; }
	evt_wait carol "promoted  evt-wait  booking $nid"
	expect_eq "booked  evt-wait  booking $nid  10:00-12:00 on $d (Asia/Shanghai)  carol of beta
promoted  evt-wait  booking $nid  10:00-12:00 on $d (Asia/Shanghai)  carol of beta" \
		"$(evt_lines carol | grep -F "booking $nid")" "the waiter's watch"
	evt_stop "$pid"
	expect_exit 0 rb_as carol cancel "$nid"
	evt_no_reports
}

# evt_kinds_ids NAME: "kind:booking" of each event in NAME's JSON output.
evt_kinds_ids() {
	python3 -c 'import json,sys; print(" ".join("%s:%s" % (e["kind"], e.get("booking_id") or "") for e in map(json.loads, open(sys.argv[1]))))' \
		"$RB_CASE_DIR/$1.out"
}

# With the logical transport each daemon streams a temporary pgoutput slot
# of its own (walsenders in pg_stat_replication, no LISTEN anywhere), and
# the events of a burst of concurrent bookings, then of changes made through
# one daemon and the other in turn, reach the watchers of both daemons in
# one order: that of their commits.  A daemon that stops takes its slot.
t_events_logical_two_daemons() {
	local port d i id id2 apid bpid pids=() res who want got lsn
	[[ $(psql_q "SHOW wal_level") == logical ]] || rb_skip "the test cluster's wal_level is not logical"
	expect_eq logical "$(evt_transport)" "the transport on a database with wal_level logical"
	d=$(rb_day 406)
	port=$(rb_free_port)
	evt_second_daemon "$port" --events_transport=logical
	evt_wait_readers "0 2"
	expect_eq 2 "$(evt_walsenders)" "walsenders of the two daemons"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND query ILIKE 'LISTEN%'")" "sessions that LISTEN"
	evt_watch on-a "$RB_SERVER" mgr --json
	apid=$EVT_PID
	evt_watch on-b "127.0.0.1:$port" mgr --json
	bpid=$EVT_PID
	# the reference: logical decoding's own account of the commits, in order
	psql_q "SELECT pg_create_logical_replication_slot('rb_test_order', 'test_decoding')" >/dev/null
	# eight bookings at once, of four resources (their transactions do not
	# queue on one resource's lock), from three members, through both daemons
	res=(evt-rig evt-far evt-other evt-flood)
	who=(alice bob carol)
	for i in 0 1 2 3 4 5 6 7; do
		"$RB_CLIENT" --server "$([[ $((i % 2)) -eq 0 ]] && echo "$RB_SERVER" || echo "127.0.0.1:$port")" \
			--token "tok-${who[i % 3]}" --ca "$RB_CA" \
			book "${res[i % 4]}" --from "$d 1$i:00" --to "$d 1$i:30" --json \
			>"$RB_CASE_DIR/book$i.out" 2>"$RB_CASE_DIR/book$i.err" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || { echo "a concurrent booking failed:"; cat "$RB_CASE_DIR"/book*.err; return 1; }
	done
	# then one booking changed through one daemon and the other, in turn
	expect_exit 0 rb_as alice book evt-rig --from "$d 20:00" --to "$d 21:00" --json
	id=$(booking_id)
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" \
		move "$id" --from "$d 21:00" --to "$d 22:00"
	expect_exit 0 rb_as alice cancel "$id"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-bob --ca "$RB_CA" \
		book evt-rig --from "$d 21:00" --to "$d 22:00" --json
	id2=$(booking_id)
	evt_wait on-a "\"booking_id\":$id2"
	evt_wait on-b "\"booking_id\":$id2"
	got=$(evt_kinds_ids on-a)
	expect_eq "$got" "$(evt_kinds_ids on-b)" "the order of events on the second daemon"
	# all eight, each once, then the four changes in the order they were made
	expect_eq 8 "$(tr ' ' '\n' <<<"$got" | head -n 8 | grep -c '^booked:')" "concurrent bookings heard first"
	expect_eq 8 "$(tr ' ' '\n' <<<"$got" | head -n 8 | sort -u | wc -l)" "distinct concurrent bookings"
	want="booked:$id moved:$id cancelled:$id booked:$id2"
	expect_eq "$want" "$(tr ' ' '\n' <<<"$got" | tail -n 4 | tr '\n' ' ' | sed 's/ $//')" "the changes in turn"
	expect_eq "$(psql_q "SELECT string_agg(substring(data FROM ' kind=([a-z_]+)') || ':' ||
			substring(data FROM ' booking=([0-9]+)'), ' ' ORDER BY n)
		FROM pg_logical_slot_get_changes('rb_test_order', NULL, NULL) WITH ORDINALITY AS c (lsn, xid, data, n)
		WHERE data LIKE 'message: transactional: 1 prefix: rigbook,%'")" \
		"$got" "the order of events against the order of commits"
	psql_q "SELECT pg_drop_replication_slot('rb_test_order')" >/dev/null
	# and nothing was missed on the way
	expect_eq "" "$(grep -c resync "$RB_CASE_DIR/on-a.out" "$RB_CASE_DIR/on-b.out" | grep -v ':0$' || true)" \
		"resync events"
	# both daemons confirm what they read (status updates every few
	# seconds): their slots hold no WAL back
	lsn=$(psql_q "SELECT pg_current_wal_lsn()")
	for ((i = 0; i < 150; i++)); do
		[[ $(psql_q "SELECT count(*) FROM pg_replication_slots
			WHERE database = current_database() AND slot_name LIKE 'rigbookd\_%'
			AND confirmed_flush_lsn >= '$lsn'") == 2 ]] && break
		sleep 0.1
	done
	expect_eq 2 "$(psql_q "SELECT count(*) FROM pg_replication_slots
		WHERE database = current_database() AND slot_name LIKE 'rigbookd\_%'
		AND confirmed_flush_lsn >= '$lsn'")" \
		"slots confirmed past the WAL of the events after 15 s"
	evt_stop "$apid"
	evt_stop "$bpid"
	evt_second_daemon_stop
	evt_wait_readers "0 1"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM pg_replication_slots
		WHERE database = current_database() AND slot_name LIKE 'rigbookd\_%'")" \
		"replication slots left (the shared daemon's)"
	evt_no_reports
}

# events_transport = notify: a daemon started with it puts the database
# back on NOTIFY for every daemon (the running one is told, LISTENs and its
# watchers hear a resync), and events reach the watchers of both, without a
# walsender; a later start with logical brings the streams back.  logical
# where it cannot be is refused, saying why.
t_events_notify_fallback() {
	local port d id id2 apid bpid url
	[[ $(psql_q "SHOW wal_level") == logical ]] || rb_skip "the test cluster's wal_level is not logical"
	d=$(rb_day 407)
	evt_watch on-a "$RB_SERVER" mgr evt-other --json
	apid=$EVT_PID
	port=$(rb_free_port)
	evt_second_daemon "$port" --events_transport=notify
	expect_eq notify "$(evt_transport)" "the transport after a daemon started with notify"
	evt_wait_readers "2 0"
	expect_eq 0 "$(evt_walsenders)" "walsenders"
	evt_wait on-a '"kind":"resync"'
	evt_watch on-b "127.0.0.1:$port" mgr evt-other --json
	bpid=$EVT_PID
	expect_exit 0 rb_as alice book evt-other --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-alice --ca "$RB_CA" cancel "$id"
	evt_wait on-a "\"kind\":\"cancelled\""
	evt_wait on-b "\"kind\":\"cancelled\""
	expect_eq "resync: booked:$id cancelled:$id" "$(evt_kinds_ids on-a)" "the first daemon's watcher"
	expect_eq "booked:$id cancelled:$id" "$(evt_kinds_ids on-b)" "the second daemon's watcher"
	evt_stop "$bpid"
	evt_second_daemon_stop
	grep -q "live events: NOTIFY" "$RB_CASE_DIR/rigbookd.log" ||
		{ echo "the second daemon did not say it uses NOTIFY"; return 1; }
	# Back to logical: the running daemon is told again.
	expect_exit 0 "$RB_DAEMON" --database_url="$RB_DB_URL" --events_transport=logical \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" migrate
	expect_eq logical "$(evt_transport)" "the transport after a migrate with logical"
	evt_wait_readers "0 1"
	evt_wait_count on-a '"kind":"resync"' 2
	expect_exit 0 rb_as alice book evt-other --from "$d 12:00" --to "$d 13:00" --json
	id2=$(booking_id)
	evt_wait on-a "\"booking_id\":$id2"
	expect_eq "resync: booked:$id cancelled:$id resync: booked:$id2" "$(evt_kinds_ids on-a)" \
		"the first daemon's watcher, back on logical"
	evt_stop "$apid"
	# logical where the role may not replicate: refused, saying why, and
	# the database keeps its transport
	psql_q "CREATE ROLE rb_norepl LOGIN NOREPLICATION NOSUPERUSER;
		GRANT CREATE ON SCHEMA public TO rb_norepl; GRANT SELECT ON schema_migrations TO rb_norepl" >/dev/null
	url=${RB_DB_URL/postgres@/rb_norepl@}
	expect_exit 1 "$RB_DAEMON" --database_url="$url" --events_transport=logical \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" migrate
	expect_stderr_contains "events_transport is logical, but role rb_norepl has neither REPLICATION nor SUPERUSER"
	psql_q "DROP OWNED BY rb_norepl; DROP ROLE rb_norepl" >/dev/null
	expect_eq logical "$(evt_transport)" "the transport after the refusal"
	expect_exit 1 "$RB_DAEMON" --database_url="$RB_DB_URL" --events_transport=sometimes migrate
	expect_stderr_contains "events_transport must be one of auto logical notify, not 'sometimes'"
	evt_no_reports
}
