# Reads on a streaming replica (read_database_url): a real hot standby made
# with pg_basebackup -R from this file's own cluster.  Reads are served by
# it (the counters say so, and a paused standby serves stale data to other
# connections), a connection reads its own writes, a standby further behind
# than max_replica_lag is skipped, a stopped one falls back to the primary
# and is used again once it is back, and nothing that books goes to it.

RP_DIR=$RB_TMP/replica
RP_DATA=$RP_DIR/data

# The standby, made once and started when it is not running; its port is kept in a file.
rp_start() {
	local opts
	if [[ ! -d $RP_DATA ]]; then
		mkdir -p "$RP_DIR"
		rb_is_root && chown postgres: "$RP_DIR"
		rb_free_port >"$RB_TMP/replica.port"
		rb_pg_run "$RB_PG_BINDIR/pg_basebackup" -h "$RB_PG_DIR" -p "$RB_PG_PORT" -U postgres \
			-D "$RP_DATA" -R -X stream -c fast >"$RP_DIR/basebackup.log" 2>&1 ||
			{ cat "$RP_DIR/basebackup.log"; return 1; }
	fi
	if [[ -f $RP_DATA/postmaster.pid ]]; then
		rp_psql "SELECT pg_wal_replay_resume()" >/dev/null # left paused by a case that failed
		return 0
	fi
	opts=$(RB_PG_DIR=$RP_DIR RB_PG_PORT=$(rp_port) rb_pg_settings 100 64)
	rb_pg_run env -u MALLOC_PERTURB_ "$RB_PG_BINDIR/pg_ctl" -D "$RP_DATA" -l "$RP_DIR/server.log" \
		-w -t 60 -o "$opts -c hot_standby=on" start >"$RP_DIR/pg_ctl.log" 2>&1 ||
		{ cat "$RP_DIR/pg_ctl.log" "$RP_DIR/server.log"; return 1; }
	rb_register_pid "$(head -n1 "$RP_DATA/postmaster.pid")"
}

rp_port() {
	cat "$RB_TMP/replica.port"
}

rp_stop() {
	rb_pg_run "$RB_PG_BINDIR/pg_ctl" -D "$RP_DATA" -m immediate -w stop >/dev/null
}

# rp_psql SQL: one query on the standby's copy of this file's database.
rp_psql() {
	"$RB_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$RP_DIR" -p "$(rp_port)" -U postgres \
		-d "$RB_PG_DB" -A -t -c "$1"
}

# rp_daemon NAME ARGS...: a rigbookd reading from the standby, with metrics;
# sets RP_SERVER and RP_METRICS.
rp_daemon() {
	local name=$1 port mport
	shift
	port=$(rb_free_port)
	mport=$(rb_free_port)
	rb_extra_daemon "$name" "$port" --metrics_listen="127.0.0.1:$mport" --log_level=debug \
		--read_database_url="postgresql://postgres@/$RB_PG_DB?host=$RP_DIR&port=$(rp_port)" "$@"
	RP_SERVER=127.0.0.1:$port
	RP_METRICS=http://127.0.0.1:$mport/metrics
	RP_LOG=$RB_CASE_DIR/rigbookd-$name.log
}

rp_daemon_stop() {
	rb_stop_daemon "$RB_EXTRA_PID" 30
	expect_eq 0 "$RB_STOP_RC" "exit status of the replica's rigbookd after SIGTERM"
	if rb_sanitizer_reports "$RP_LOG"; then
		return 1
	fi
}

# rp_metric SERIES: its value on the replica daemon's /metrics.
rp_metric() {
	python3 - "$RP_METRICS" "$1" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
    for line in r.read().decode().splitlines():
        name, _, value = line.rpartition(" ")
        if name == sys.argv[2]:
            print(value)
            break
    else:
        print("missing")
PY
}

# rp_wait_metric SERIES VALUE [SECONDS]: until it has that value.
rp_wait_metric() {
	local i v
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		v=$(rp_metric "$1")
		[[ $v == "$2" ]] && return 0
		sleep 0.1
	done
	echo "$1 is $v, not $2, after ${3:-20} s"
	return 1
}

# Scans of rigbook's tables the standby counts (rigbookd's probes and these
# questions read none).
rp_scans() {
	rp_psql "SELECT sum(seq_scan + coalesce(idx_scan, 0)) FROM pg_stat_user_tables"
}

rp_reads() {
	rp_metric "rigbook_db_reads_total{server=\"$1\"}"
}

# rp_calls TOKEN REQUEST... -- FILL...: requests in turn on one connection of the replica's daemon.
rp_calls() {
	"$RB_BUILD/tests/integration/rb-access" --server "$RP_SERVER" --ca "$RB_CA" calls "$@"
}

# Epoch seconds of a local (UTC+8) time on day $1.
rp_at() {
	date -u -d "$1 $2 +08:00" +%s
}

# Every read the dispatch table sends to the standby runs there: each answers
# (or refuses with its reason, never INTERNAL), the standby's count grows by
# one a query, and none had to be handed to the primary.
t_reads_served_by_replica() {
	local day before after scans0 scans i
	rp_start
	rp_daemon serve --max_replica_lag=5
	rp_wait_metric rigbook_replica_up 1
	rp_wait_metric rigbook_replica_in_use 1
	day=$(rb_day 300)
	before=$(rp_reads replica)
	scans0=$(rp_scans)
	expect_exit 0 rp_calls tok-adm list_resources list_bookings availability slots find \
		list_approvals list_waitlist list_qualifications list_startups list_members list_tokens \
		list_rates list_charges list_vouchers list_invoices settlement report list_audit -- \
		availability.resource_code=dyno-1 list_rates.resource_code=dyno-1 \
		"availability.from=$(rp_at "$day" 00:00)" \
		"availability.to=$(rp_at "$day" 23:00)" slots.code=dyno-1 \
		"slots.from=$(rp_at "$day" 00:00)" slots.days=1 length_minutes=60 \
		"find.from=$(rp_at "$day" 00:00)" settlement.period=2026-03 report.space_code=test-space \
		report.from=2026-03-01 report.to=2026-03-31
	cat "$RB_OUT"
	expect_eq 18 "$(wc -l <"$RB_OUT")" "answers"
	expect_eq 18 "$(grep -c '^[a-z_]* OK' "$RB_OUT")" "answers that are OK"
	after=$(rp_reads replica)
	expect_eq 18 "$((after - before))" "queries the standby answered"
	if grep -E 'replica: statement|cannot run it' "$RP_LOG"; then
		echo "a read was handed to the primary"
		return 1
	fi
	# the standby did the work: it counts at least a scan of rigbook's tables a read
	# (backends report theirs within seconds of going idle)
	for ((i = 0; i < 200; i++)); do
		scans=$(($(rp_scans) - scans0))
		[[ $scans -ge 18 ]] && break
		sleep 0.1
	done
	echo "the standby counts $scans scans of rigbook's tables"
	[[ $scans -ge 18 ]]
	rp_daemon_stop
}

# Replay paused: another member reads the standby's stale copy while the
# member who booked, right after the booking, reads the primary and sees it
# (on the same connection and on a new one); bookings and their rules run on
# the primary meanwhile; once the standby is further behind than
# max_replica_lag, every read is fresh.
t_paused_replica() {
	local day from to k a before i
	rp_start
	rp_daemon paused --max_replica_lag=6
	rp_wait_metric rigbook_replica_in_use 1
	day=$(rb_day 301)
	from=$(rp_at "$day" 10:00)
	to=$(rp_at "$day" 12:00)
	set -- availability.resource_code=dyno-1 "availability.from=$(rp_at "$day" 00:00)" \
		"availability.to=$(rp_at "$day" 23:00)" list_bookings.resource_code=dyno-1 \
		book.resource_code=dyno-1 "book.start=$from" "book.end=$to"
	expect_exit 0 rp_calls tok-alice list_bookings -- "$@"
	k=$(sed -n 's/^list_bookings OK n=//p' "$RB_OUT")
	expect_exit 0 rp_calls tok-carol availability -- "$@"
	a=$(sed -n 's/^availability OK n=//p' "$RB_OUT")
	[[ -n $k && -n $a ]]
	rp_psql "SELECT pg_wal_replay_pause()" >/dev/null

	# the member's own reads after the booking go to the primary
	expect_exit 0 rp_calls tok-alice list_bookings book list_bookings -- "$@"
	cat "$RB_OUT"
	expect_eq "list_bookings OK n=$k" "$(sed -n 1p "$RB_OUT")" "before the booking"
	[[ $(sed -n 2p "$RB_OUT") == "book OK"* ]] ||
		{ echo "the booking, with replay paused, was refused"; return 1; }
	expect_eq "list_bookings OK n=$((k + 1))" "$(sed -n 3p "$RB_OUT")" \
		"the member's read right after the booking, on its connection"
	expect_exit 0 rp_calls tok-alice list_bookings -- "$@"
	expect_eq "list_bookings OK n=$((k + 1))" "$(cat "$RB_OUT")" \
		"the member's read right after the booking, on a new connection"
	# another member, within max_replica_lag: the standby's copy, without it
	expect_exit 0 rp_calls tok-carol availability -- "$@"
	expect_eq "availability OK n=$a" "$(cat "$RB_OUT")" "another member's read from the paused standby"
	expect_eq 0 "$(rp_psql "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-1' AND lower(b.during) = '$day 10:00+08'")" "the booking on the standby"
	# the rule against double booking is the primary's: the standby knows nothing of the first
	expect_exit 0 rp_calls tok-carol book -- "$@"
	cat "$RB_OUT"
	[[ $(cat "$RB_OUT") == "book CONFLICT "* ]]

	# past max_replica_lag the standby is skipped: fresh reads for everyone
	rp_wait_metric rigbook_replica_in_use 0 15
	for ((i = 0; i < 100; i++)); do
		awk -v lag="$(rp_metric rigbook_replica_lag_seconds)" 'BEGIN { exit !(lag > 6) }' && break
		sleep 0.1
	done
	awk -v lag="$(rp_metric rigbook_replica_lag_seconds)" 'BEGIN { exit !(lag > 6) }' ||
		{ echo "lag $(rp_metric rigbook_replica_lag_seconds)"; return 1; }
	expect_eq 1 "$(rp_metric rigbook_replica_up)" "the paused standby is up"
	expect_exit 0 rp_calls tok-bob availability -- "$@"
	expect_eq "availability OK n=$((a + 1))" "$(cat "$RB_OUT")" "a read once the standby lags too far"

	rp_psql "SELECT pg_wal_replay_resume()" >/dev/null
	rp_wait_metric rigbook_replica_in_use 1
	before=$(rp_reads replica)
	expect_exit 0 rp_calls tok-bob availability -- "$@"
	expect_eq "availability OK n=$((a + 1))" "$(cat "$RB_OUT")" "a read from the standby caught up"
	expect_eq $((before + 1)) "$(rp_reads replica)" "reads the standby answered"
	rp_daemon_stop
}

# The standby stopped at once, with a read in flight on it: that read and
# every later one are answered, by the primary; started again, the standby is
# used again.
t_replica_stopped() {
	local i before after p0 p1 lockpid callpid
	rp_start
	rp_daemon stopped --max_replica_lag=5
	rp_wait_metric rigbook_replica_in_use 1
	# the read is held on the standby behind a lock replayed from the primary,
	# which holds it 4 s: the primary answers it after that
	rb_pg_psql "$RB_PG_DB" -c "BEGIN; LOCK TABLE resources IN ACCESS EXCLUSIVE MODE;
		SELECT pg_sleep(4); COMMIT" >/dev/null &
	lockpid=$!
	for ((i = 0; i < 50; i++)); do
		[[ $(psql_q "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock'
			AND relation = 'resources'::regclass") -gt 0 ]] && break
		sleep 0.1
	done
	# a commit that waits for its WAL to be flushed sends the lock's record on too
	rb_pg_psql "$RB_PG_DB" -c "SET synchronous_commit = on" -c "SELECT txid_current()" >/dev/null
	for ((i = 0; i < 50; i++)); do
		[[ $(rp_psql "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock'
			AND relation = 'resources'::regclass") -gt 0 ]] && break
		sleep 0.1
	done
	rp_wait_metric rigbook_replica_in_use 1
	p0=$(rp_reads primary)
	rp_calls tok-alice list_resources >"$RB_CASE_DIR/inflight.out" 2>&1 &
	callpid=$!
	for ((i = 0; i < 50; i++)); do
		[[ $(rp_psql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rigbookd'
			AND wait_event_type = 'Lock'") -gt 0 ]] && break
		sleep 0.1
	done
	expect_eq 1 "$(rp_psql "SELECT count(*) FROM pg_stat_activity
		WHERE application_name = 'rigbookd' AND wait_event_type = 'Lock'")" "reads waiting on the standby"
	rp_stop
	wait "$callpid" || { cat "$RB_CASE_DIR/inflight.out"; return 1; }
	wait "$lockpid"
	cat "$RB_CASE_DIR/inflight.out"
	[[ $(cat "$RB_CASE_DIR/inflight.out") == "list_resources OK n="* ]]
	expect_eq 1 "$(($(rp_reads primary) - p0))" "reads the primary answered for the standby"

	before=$(rp_reads replica)
	p0=$(rp_reads primary)
	for ((i = 0; i < 10; i++)); do
		expect_exit 0 rp_calls tok-alice list_bookings list_resources availability -- \
			availability.resource_code=dyno-1 "availability.from=$(rp_at "$(rb_day 302)" 00:00)" \
			"availability.to=$(rp_at "$(rb_day 302)" 23:00)"
		expect_stdout_lacks UNAVAILABLE
		expect_eq 3 "$(grep -c ' OK' "$RB_OUT")" "reads answered with the standby gone (round $i)"
	done
	after=$(rp_reads replica)
	p1=$(rp_reads primary)
	expect_eq "$before" "$after" "reads the stopped standby answered"
	[[ $((p1 - p0)) -ge 30 ]] || { echo "the primary answered $((p1 - p0)) reads"; return 1; }
	rp_wait_metric rigbook_replica_up 0
	rp_wait_metric rigbook_replica_in_use 0
	expect_eq NaN "$(rp_metric rigbook_replica_lag_seconds)" "lag of a standby that is gone"

	rp_start
	rp_wait_metric rigbook_replica_in_use 1 30
	before=$(rp_reads replica)
	expect_exit 0 rp_calls tok-alice list_bookings -- list_bookings.resource_code=dyno-1
	[[ $(rp_reads replica) -gt $before ]] || { echo "the standby is not used again"; return 1; }
	rp_daemon_stop
	rp_stop
}
