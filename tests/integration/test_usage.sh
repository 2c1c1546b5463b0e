# Using the equipment with the real client: qualifications (required,
# granted, expired, revoked, and on every path that gives a booking to
# someone), check-in and check-out with their windows and every forbidden
# transition, overruns up to the next booking, corrections of the usage
# record, no-shows by staff, and the no-show sweep of two daemons on one
# database.  Resources: use-*.
#
# Bookings are made ahead with the client, then moved into place around
# the present in the database, since the daemon refuses bookings in the
# past.

use_refuse() {
	local code=$1 phrase=$2 before
	shift 2
	before=$(bookings_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after the refusal"
}

# use_book WHO CODE FROM TO: WHO books CODE, then the booking (and what came
# with it) is moved to [now + FROM s, now + TO s).  Prints its id.
use_book() {
	local who=$1 code=$2 from=$3 to=$4 d id
	d=$(rb_day 500)
	expect_exit 0 rb_as "$who" book "$code" --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	use_place "$id" "$from" "$to"
	printf '%s\n' "$id"
}

# use_place ID FROM TO: move booking ID (and its companions) to
# [now + FROM s, now + TO s) in the database.
use_place() {
	psql_q "UPDATE bookings SET during = tstzrange(now() + $2 * interval '1 second',
		now() + $3 * interval '1 second') WHERE id = $1 OR parent_id = $1" >/dev/null
}

use_state() {
	booking_field "$1" state
}

# use_utc EPOCH: the instant as the client reads it.
use_utc() {
	date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'
}

t_usage_checkin_checkout() {
	local id id2 bid
	expect_exit 0 rb_as mgr rules use-in --checkin-early 10m --no-show-grace 15m
	id=$(use_book alice use-in 60 300)
	# Only the holder or staff; another startup does not even see it.
	use_refuse NOT_FOUND "there is no booking $id that you can see" rb_as carol checkin "$id"
	use_refuse PERMISSION_DENIED "booking $id is held by alice; only they or a manager of Test Engine Works can check it in" rb_as bob checkin "$id"
	# Checking out before checking in.
	use_refuse FAILED_PRECONDITION "booking $id is confirmed but not checked in; check in first: rigbook checkin $id" rb_as alice checkout "$id"
	expect_exit 0 rb_as alice checkin "$id"
	expect_stdout_contains "checked in $id: use-in"
	expect_stdout_contains "checked in at "
	expect_eq "checked_in|true" "$(psql_q "SELECT state || '|' || (checked_in_at BETWEEN now() - interval '1 minute' AND now()) FROM bookings WHERE id = $id")" "after check-in"
	# Twice: refused, naming the state.
	use_refuse FAILED_PRECONDITION "booking $id is already checked in (since " rb_as alice checkin "$id"
	use_refuse PERMISSION_DENIED "booking $id is held by alice; only they or a manager of Test Engine Works can check it out" rb_as bob checkout "$id"
	expect_exit 0 rb_as alice checkout "$id"
	expect_stdout_contains "checked out $id: use-in"
	expect_stdout_contains "  used "
	expect_eq "completed|true|" "$(psql_q "SELECT state || '|' || (checked_out_at > checked_in_at AND checked_out_at <= now()) || '|' || usage_note FROM bookings WHERE id = $id")" "after check-out"
	use_refuse FAILED_PRECONDITION "booking $id is already checked out (at " rb_as alice checkout "$id"
	use_refuse FAILED_PRECONDITION "booking $id is completed (checked out) and cannot be checked in" rb_as alice checkin "$id"
	expect_eq "1 1" "$(psql_q "SELECT count(*) FILTER (WHERE action = 'checkin') || ' ' || count(*) FILTER (WHERE action = 'checkout') FROM audit WHERE object = 'booking' AND object_id = $id")" "audit rows"
	# The usage shows in the bookings list.
	expect_exit 0 rb_as alice bookings --resource use-in
	expect_stdout_contains "used "
	# Staff check in and out on the holder's behalf.
	id2=$(use_book alice use-in 310 900)
	use_refuse PERMISSION_DENIED "booking $id2 is held by alice" rb_as bob checkin "$id2"
	use_refuse NOT_FOUND "there is no booking $id2 that you can see" rb_as mgr-other checkin "$id2"
	expect_exit 0 rb_as mgr checkin "$id2"
	expect_exit 0 rb_as mgr checkout "$id2" --json
	expect_eq "completed" "$(json 'd["state"]')" "state after staff check-out"
	expect_eq "1" "$(psql_q "SELECT count(*) FROM audit WHERE action = 'checkin' AND object_id = $id2 AND member_id = (SELECT id FROM members WHERE handle = 'mgr')")" "the manager's check-in on record"
	# Requested, declined and cancelled bookings are never checked in.
	expect_exit 0 rb_as mgr rules use-in --approval
	bid=$(use_book alice use-in 7200 8000)
	expect_eq requested "$(use_state "$bid")" "a booking that waits for approval"
	use_place "$bid" 1000 2000
	use_refuse FAILED_PRECONDITION "booking $bid is requested (waiting for approval) and cannot be checked in" rb_as alice checkin "$bid"
	expect_exit 0 rb_as mgr decline "$bid" --reason "rig reserved for calibration"
	use_refuse FAILED_PRECONDITION "booking $bid is declined and cannot be checked in" rb_as alice checkin "$bid"
	expect_exit 0 rb_as mgr rules use-in --no-approval
	bid=$(use_book alice use-in 8000 9000)
	expect_exit 0 rb_as alice cancel "$bid"
	use_place "$bid" 2100 3000
	use_refuse FAILED_PRECONDITION "booking $bid is cancelled and cannot be checked in" rb_as alice checkin "$bid"
	use_refuse FAILED_PRECONDITION "booking $bid is cancelled and cannot be checked out" rb_as alice checkout "$bid"
	use_refuse NOT_FOUND "there is no booking 999999999" rb_as alice checkin 999999999
	expect_exit 2 rb_as alice checkin abc
	expect_stderr_contains "is not a booking id"
}

# Check-in opens checkin_early_minutes before the start and closes at the end.
t_usage_checkin_window() {
	local id id2
	expect_exit 0 rb_as mgr rules use-edge --checkin-early 10m --no-show-grace 20m
	expect_exit 0 rb_as alice show use-edge
	expect_stdout_contains "check-in     from 10 min before the start until the end; a no-show 20 min after the start"
	id=$(use_book alice use-edge 630 4000)
	use_refuse FAILED_PRECONDITION "check-in for booking $id opens at " rb_as alice checkin "$id"
	expect_stderr_contains ", 10 min before its start"
	expect_eq confirmed "$(use_state "$id")" "before the window"
	use_place "$id" 570 4000
	expect_exit 0 rb_as alice checkin "$id"
	expect_eq checked_in "$(use_state "$id")" "just inside the window"
	# An ended booking is not checked in, not even a moment after its end.
	id2=$(use_book alice use-edge 5000 6000)
	use_place "$id2" -3600 -20
	use_refuse FAILED_PRECONDITION "booking $id2 ended at " rb_as alice checkin "$id2"
	expect_stderr_contains "and can no longer be checked in"
	# ... while one that ends a moment from now still is.
	use_place "$id2" -3600 -3000
	psql_q "UPDATE bookings SET during = tstzrange(lower(during), now() + interval '30 seconds') WHERE id = $id2" >/dev/null
	expect_exit 0 rb_as alice checkin "$id2"
	expect_eq checked_in "$(use_state "$id2")" "just before the end"
}

# A checked-in booking may run past its end until the next booking of its
# unit begins: checking out later records that instant and says so.
t_usage_overrun() {
	local o3 o4 o1 o2 lim
	expect_exit 0 rb_as mgr rules use-over --checkin-early 15m
	# o3 was used from 3 h ago; carol's o4 began 110 min ago; alice checks out only now.
	o3=$(use_book alice use-over 60 3600)
	expect_exit 0 rb_as alice checkin "$o3"
	psql_q "UPDATE bookings SET during = tstzrange(now() - interval '3 hours', now() - interval '2 hours'),
		checked_in_at = now() - interval '175 minutes' WHERE id = $o3" >/dev/null
	o4=$(use_book carol use-over -6600 -3600)
	expect_exit 0 rb_as alice checkout "$o3"
	expect_stdout_contains "when the next booking of use-over began"
	lim=$(psql_q "SELECT lower(during) FROM bookings WHERE id = $o4")
	expect_eq "completed|true" "$(psql_q "SELECT state || '|' || (checked_out_at = '$lim'::timestamptz) FROM bookings WHERE id = $o3")" "check-out clamped to the next booking's start"
	expect_eq "t" "$(psql_q "SELECT usage_note LIKE 'checked out at % the usage ends at %' FROM bookings WHERE id = $o3")" "the usage note says why"
	expect_eq "true" "$(psql_q "SELECT detail->>'clamped' FROM audit WHERE action = 'checkout' AND object_id = $o3")" "audit of the clamped check-out"
	# o1 ended 10 min ago and nothing follows until o2 in 5 min: the overrun counts to now.
	o1=$(use_book alice use-over 60 3600)
	expect_exit 0 rb_as alice checkin "$o1"
	use_place "$o1" -3000 -600
	o2=$(use_book carol use-over 300 3600)
	expect_exit 0 rb_as alice checkout "$o1"
	expect_stdout_lacks "next booking"
	expect_eq "completed|true|true|" "$(psql_q "SELECT state || '|' || (checked_out_at > upper(during)) || '|' || (checked_out_at BETWEEN now() - interval '1 minute' AND now()) || '|' || usage_note FROM bookings WHERE id = $o1")" "an overrun before the next booking"
	expect_eq "true" "$(psql_q "SELECT detail->>'overrun' FROM audit WHERE action = 'checkout' AND object_id = $o1")" "audit of the overrun"
	expect_eq confirmed "$(use_state "$o2")" "the next booking"
}

t_usage_correct() {
	local f1 f2 f3 s in out before
	f1=$(use_book alice use-fix -7200 -3600)
	s=$(psql_q "SELECT rb_epoch(lower(during)) FROM bookings WHERE id = $f1")
	in=$(use_utc $((s + 300)))
	out=$(use_utc $((s + 3000)))
	# Members and other institutions' managers may not; a reason is required.
	use_refuse PERMISSION_DENIED "usage is for managers of the host institution" rb_as alice usage "$f1" --in "$in" --out "$out" --reason "I was there"
	use_refuse NOT_FOUND "there is no booking $f1 that you can see" rb_as mgr-other usage "$f1" --in "$in" --out "$out" --reason "x"
	before=$(bookings_digest)
	expect_exit 2 rb_as mgr usage "$f1" --in "$in" --out "$out"
	expect_stderr_contains "--reason is required"
	expect_exit 2 rb_as mgr usage "$f1" --reason "x"
	expect_stderr_contains "give --in, --out or both"
	expect_eq "$before" "$(bookings_digest)" "bookings after usage errors"
	use_refuse INVALID_ARGUMENT "say why the usage of booking $f1 changes; alice will see the reason" rb_as mgr usage "$f1" --in "$in" --out "$out" --reason "   "
	use_refuse INVALID_ARGUMENT "must be after the check-in" rb_as mgr usage "$f1" --in "$out" --out "$in" --reason "swapped"
	use_refuse INVALID_ARGUMENT "cannot reach into the future" rb_as mgr usage "$f1" --in "$in" --out "$(use_utc $(($(date -u +%s) + 3600)))" --reason "future"
	use_refuse INVALID_ARGUMENT "was never checked in; give the check-in time too" rb_as mgr usage "$f1" --out "$out" --reason "no in"
	expect_exit 0 rb_as mgr usage "$f1" --in "$in" --out "$out" --reason "badge reader was down; log book says 10:05-10:50"
	expect_stdout_contains "corrected $f1: use-fix"
	expect_stdout_contains "note: badge reader was down"
	expect_eq "completed|$((s + 300))|$((s + 3000))|badge reader was down; log book says 10:05-10:50" \
		"$(psql_q "SELECT state || '|' || rb_epoch(checked_in_at) || '|' || rb_epoch(checked_out_at) || '|' || usage_note FROM bookings WHERE id = $f1")" "the corrected record"
	expect_eq "confirmed|badge reader was down; log book says 10:05-10:50" "$(psql_q "SELECT detail->>'state' || '|' || (detail->>'reason') FROM audit WHERE action = 'usage' AND object_id = $f1")" "audit of the correction"
	# The member sees the usage and why it was corrected.
	expect_exit 0 rb_as alice bookings --resource use-fix --from "$(date -u -d '-1 day' +%F)" --all-states
	expect_stdout_contains "used "
	expect_stdout_contains "usage: badge reader was down"
	# Only the check-out changes; the check-in stays.
	expect_exit 0 rb_as oper usage "$f1" --out "$(use_utc $((s + 3300)))" --reason "left at 10:55"
	expect_eq "$((s + 300))|$((s + 3300))|left at 10:55" "$(psql_q "SELECT rb_epoch(checked_in_at) || '|' || rb_epoch(checked_out_at) || '|' || usage_note FROM bookings WHERE id = $f1")" "after the operator's correction"
	# Not past the next booking of the unit.
	f3=$(use_book carol use-fix -3500 -600)
	use_refuse FAILED_PRECONDITION "cannot run past" rb_as mgr usage "$f1" --out "$(use_utc $((s + 5000)))" --reason "stayed late"
	# Nothing to correct on a booking that has not begun.
	f2=$(use_book alice use-fix 7200 9000)
	use_refuse FAILED_PRECONDITION "booking $f2 is confirmed and has no usage to correct" rb_as mgr usage "$f2" --in "$in" --reason "early"
	expect_eq confirmed "$(use_state "$f3")" "the next booking"
}

t_usage_no_show() {
	local n1 n2
	expect_exit 0 rb_as mgr rules use-late --no-show-grace 15m --checkin-early 15m
	n1=$(use_book alice use-late -600 3000)
	use_refuse PERMISSION_DENIED "noshow is for managers of the host institution" rb_as alice noshow "$n1"
	use_refuse NOT_FOUND "there is no booking $n1 that you can see" rb_as mgr-other noshow "$n1"
	# Not before the grace period has passed.
	use_refuse FAILED_PRECONDITION "booking $n1 can be marked a no-show from " rb_as mgr noshow "$n1"
	expect_stderr_contains "15 min after its start"
	use_place "$n1" -960 3000
	expect_exit 0 rb_as mgr noshow "$n1"
	expect_stdout_contains "no-show $n1: use-late"
	expect_eq no_show "$(use_state "$n1")" "marked by hand"
	expect_eq "1|staff" "$(psql_q "SELECT count(*) || '|' || max(detail->>'by') FROM audit WHERE action = 'no_show' AND object_id = $n1")" "audit of the no-show"
	use_refuse FAILED_PRECONDITION "booking $n1 is a no-show; only a confirmed booking nobody checked in for can be a no-show" rb_as mgr noshow "$n1"
	use_refuse FAILED_PRECONDITION "booking $n1 is a no-show and cannot be checked out" rb_as alice checkout "$n1"
	# A late arrival before the end is checked in after all.
	expect_exit 0 rb_as alice checkin "$n1"
	expect_eq "checked_in|no_show|true" "$(psql_q "SELECT b.state || '|' || (a.detail->>'was') || '|' || (a.detail->>'late') FROM bookings b JOIN audit a ON a.object_id = b.id AND a.action = 'checkin' WHERE b.id = $n1")" "late check-in"
	use_refuse FAILED_PRECONDITION "booking $n1 is already checked in; only a confirmed booking" rb_as mgr noshow "$n1"
	expect_exit 0 rb_as alice checkout "$n1"
	use_refuse FAILED_PRECONDITION "booking $n1 is completed (checked out); only a confirmed booking" rb_as mgr noshow "$n1"
	# The shared daemon does not sweep: an overdue booking stays confirmed until staff act.
	n2=$(use_book alice use-late 3600 4000)
	use_place "$n2" -7200 -4000
	expect_eq confirmed "$(use_state "$n2")" "overdue, with the sweep off"
}

# Bookings made along with another follow it in and out.
t_usage_companions() {
	local id kid
	expect_exit 0 rb_as mgr requires use-pair use-pair-b
	id=$(use_book alice use-pair 60 3600)
	kid=$(psql_q "SELECT id FROM bookings WHERE parent_id = $id")
	[[ -n $kid ]]
	use_refuse FAILED_PRECONDITION "booking $kid comes with booking $id; check in that one" rb_as alice checkin "$kid"
	expect_exit 0 rb_as alice checkin "$id"
	expect_eq "checked_in|true" "$(psql_q "SELECT state || '|' || (checked_in_at IS NOT NULL) FROM bookings WHERE id = $kid")" "the companion after check-in"
	expect_exit 0 rb_as alice checkout "$id"
	expect_eq "completed" "$(use_state "$kid")" "the companion after check-out"
	expect_eq "$(booking_field "$id" checked_out_at)" "$(booking_field "$kid" checked_out_at)" "the companion's check-out"
}

t_usage_qualification() {
	local d id id2 before
	d=$(rb_day 200)
	expect_exit 0 rb_as mgr rules use-qual --qualification
	# Unqualified: refused, naming the missing qualification.
	use_refuse FAILED_PRECONDITION "alice is not qualified on use-qual (a manager of Test Engine Works grants it: rigbook qualify alice use-qual)" \
		rb_as alice book use-qual --from "$d 10:00" --to "$d 12:00"
	# Staff are held to it too, for their own bookings.
	use_refuse FAILED_PRECONDITION "mgr is not qualified on use-qual" rb_as mgr book use-qual --from "$d 10:00" --to "$d 12:00"
	use_refuse FAILED_PRECONDITION "mgr is not qualified on use-qual" rb_as mgr book use-qual --from "$d 10:00" --to "$d 12:00" --override "calibration"
	# Who grants.
	use_refuse PERMISSION_DENIED "qualify is for managers of the host institution" rb_as alice qualify alice use-qual
	use_refuse PERMISSION_DENIED "only a manager of Test Engine Works, an operator of its space or an admin can qualify members on use-qual" rb_as mgr-other qualify alice use-qual
	use_refuse NOT_FOUND "no member is called nobody" rb_as mgr qualify nobody use-qual
	use_refuse NOT_FOUND "no resource is called use-none" rb_as mgr qualify alice use-none
	use_refuse INVALID_ARGUMENT "would already have ended" rb_as mgr qualify alice use-qual --until 2020-01-01
	expect_exit 0 rb_as mgr qualify alice use-qual --until "$d"
	expect_stdout_contains "alice is qualified on use-qual until the end of $d (Asia/Shanghai)"
	expect_eq "mgr|false" "$(psql_q "SELECT g.handle || '|' || (q.revoked_at IS NOT NULL) FROM qualifications q JOIN members g ON g.id = q.granted_by JOIN members m ON m.id = q.member_id WHERE m.handle = 'alice' AND q.resource_id = (SELECT id FROM resources WHERE code = 'use-qual')")" "the grant"
	# Until the end of that day, not after.
	expect_exit 0 rb_as alice book use-qual --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	use_refuse FAILED_PRECONDITION "alice's qualification on use-qual ends at " rb_as alice book use-qual --from "$d 22:00" --to "$(date -u -d "$d + 1 day" +%F) 02:00"
	# A move past the end of the qualification is refused too.
	use_refuse FAILED_PRECONDITION "booking $id stays" rb_as alice move "$id" --from "$(date -u -d "$d + 3 day" +%F) 10:00" --to "$(date -u -d "$d + 3 day" +%F) 12:00"
	expect_stderr_contains "alice's qualification on use-qual ends at"
	# Members see their own, staff those on their resources.
	expect_exit 0 rb_as alice qualifications
	expect_stdout_contains "use-qual"
	expect_stdout_contains "valid"
	use_refuse PERMISSION_DENIED "members see only their own qualifications" rb_as alice qualifications --member bob
	expect_exit 0 rb_as carol qualifications
	expect_stdout_contains "no qualifications"
	expect_exit 0 rb_as mgr qualifications use-qual --json
	expect_eq "alice" "$(json '",".join(q["member"] for q in d)')" "staff's list"
	expect_exit 0 rb_as mgr-other qualifications use-qual --json
	expect_eq "0" "$(json 'len(d)')" "another institution's manager"
	# Handing over to an unqualified member is refused.
	use_refuse FAILED_PRECONDITION "bob is not qualified on use-qual" rb_as alice handover "$id" bob
	expect_eq alice "$(psql_q "SELECT m.handle FROM bookings b JOIN members m ON m.id = b.member_id WHERE b.id = $id")" "holder after the refusal"
	expect_exit 0 rb_as oper qualify bob use-qual
	expect_stdout_contains "bob is qualified on use-qual with no end"
	expect_exit 0 rb_as alice handover "$id" bob
	# Expired: refused, saying when it ended.
	psql_q "UPDATE qualifications SET expires_at = now() - interval '1 hour' WHERE member_id = (SELECT id FROM members WHERE handle = 'alice')" >/dev/null
	use_refuse FAILED_PRECONDITION "alice's qualification on use-qual ended at " rb_as alice book use-qual --from "$d 14:00" --to "$d 15:00"
	expect_exit 0 rb_as alice qualifications
	expect_stdout_contains "no qualifications"
	expect_exit 0 rb_as alice qualifications --all
	expect_stdout_contains "expired"
	# Renewed: fine again.
	expect_exit 0 rb_as mgr qualify alice use-qual
	expect_exit 0 rb_as alice book use-qual --from "$d 14:00" --to "$d 15:00"
	# Revoked: bookings made stay, but their holder cannot check in.
	id2=$(use_book bob use-qual 60 3600)
	expect_exit 0 rb_as mgr unqualify bob use-qual
	expect_stdout_contains "bob is no longer qualified on use-qual"
	use_refuse NOT_FOUND "bob is not qualified on use-qual" rb_as mgr unqualify bob use-qual
	use_refuse FAILED_PRECONDITION "bob's qualification on use-qual was revoked on " rb_as bob checkin "$id2"
	use_refuse FAILED_PRECONDITION "bob's qualification on use-qual was revoked on " rb_as mgr checkin "$id2"
	use_refuse FAILED_PRECONDITION "bob's qualification on use-qual was revoked" rb_as bob book use-qual --from "$d 16:00" --to "$d 17:00"
	expect_exit 0 rb_as mgr qualifications use-qual --all
	expect_stdout_contains "revoked by mgr"
	expect_eq "2 1" "$(psql_q "SELECT count(*) FILTER (WHERE action = 'qualify' AND detail->>'member' = 'alice') || ' ' || count(*) FILTER (WHERE action = 'unqualify') FROM audit WHERE object = 'qualification'")" "audit of grants and revocations"
	# Granted again: checks in.
	expect_exit 0 rb_as mgr qualify bob use-qual
	expect_exit 0 rb_as bob checkin "$id2"
	# Off again: anyone books.
	expect_exit 0 rb_as mgr rules use-qual --no-qualification
	expect_exit 0 rb_as carol book use-qual --from "$d 18:00" --to "$d 19:00"
	before=$(bookings_digest)
	expect_exit 2 rb_as mgr qualify alice
	expect_eq "$before" "$(bookings_digest)" "bookings after a usage error"
}

# use_daemon PORT LOG: another rigbookd on the test database that sweeps
# every second; sets USE_PID.
use_daemon() {
	"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$1" --log_level=debug --no_show_interval=1 \
		run 2>>"$2" &
	USE_PID=$!
	rb_register_pid "$USE_PID"
	if ! rb_wait_ready "$USE_PID" "127.0.0.1:$1" tok-alice 60; then
		echo "rigbookd on port $1 did not become ready:"
		cat "$2"
		return 1
	fi
}

# The sweep is off at no_show_interval 0 and starts on a reload.
t_usage_sweep_reload() {
	local conf=$RB_CASE_DIR/rigbookd.conf log=$RB_CASE_DIR/r.log port pid id i
	expect_exit 0 rb_as mgr rules use-late --no-show-grace 0
	id=$(use_book alice use-late 86400 90000)
	use_place "$id" -30000 -20000
	echo "no_show_interval = 0" >"$conf"
	rb_give_to_run_as "$conf"
	port=$(rb_free_port)
	"$RB_DAEMON" -c "$conf" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --log_level=debug run 2>>"$log" &
	pid=$!
	rb_register_pid "$pid"
	rb_wait_ready "$pid" "127.0.0.1:$port" tok-alice 60
	sleep 2
	expect_eq confirmed "$(use_state "$id")" "overdue, with the sweep off"
	echo "no_show_interval = 1" >"$conf"
	kill -HUP "$pid"
	for ((i = 0; i < 50; i++)); do
		[[ $(use_state "$id") == no_show ]] && break
		sleep 0.2
	done
	expect_eq no_show "$(use_state "$id")" "after the reload"
	grep -q "marking no-shows every 1 s" "$log"
	use_daemon_stop "$pid" "$log"
}

# use_daemon_stop PID LOG: SIGTERM; it must drain and exit 0 with a clean log.
use_daemon_stop() {
	local rc=0
	kill -TERM "$1"
	wait "$1" || rc=$?
	expect_eq 0 "$rc" "rigbookd exit status after SIGTERM"
	if rb_sanitizer_reports "$2" >/dev/null; then
		cat "$2"
		return 1
	fi
}

# use_marked LOG: bookings a daemon's sweep says it marked.
use_marked() {
	sed -n 's/.*no-show sweep: marked \([0-9]*\) booking.*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }'
}

# Two daemons on one database both sweep every second: every overdue
# booking is marked exactly once, nothing else is touched.
t_usage_sweep() {
	local n=10000 la=$RB_CASE_DIR/a.log lb=$RB_CASE_DIR/b.log pa pb i left res early busy
	res=$(psql_q "SELECT id FROM resources WHERE code = 'use-sweep'")
	# One not yet due (grace 15 min) and one in use: left alone.
	early=$(use_book alice use-sweep 3600 7200)
	use_place "$early" -300 3600
	busy=$(use_book alice use-sweep 7200 9000)
	use_place "$busy" 3600 5400
	psql_q "UPDATE bookings SET state = 'checked_in', checked_in_at = now() WHERE id = $busy" >/dev/null
	use_daemon "$(rb_free_port)" "$la"
	pa=$USE_PID
	use_daemon "$(rb_free_port)" "$lb"
	pb=$USE_PID
	# All overdue at once, in one transaction, while both sweep.
	psql_q "INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during)
		SELECT $res, u.id, m.id, m.startup_id,
		       tstzrange(now() - (g + 1) * interval '1 hour', now() - g * interval '1 hour' - interval '30 minutes')
		  FROM generate_series(1, $n) g, resource_units u, members m
		 WHERE u.resource_id = $res AND u.unit_no = 1 AND m.handle = 'carol'" >/dev/null
	for ((i = 0; i < 300; i++)); do
		left=$(psql_q "SELECT count(*) FROM bookings WHERE resource_id = $res AND state = 'confirmed' AND id <> $early")
		[[ $left -eq 0 ]] && break
		sleep 0.2
	done
	expect_eq 0 "$left" "overdue bookings still confirmed"
	expect_eq "$n" "$(psql_q "SELECT count(*) FROM bookings WHERE resource_id = $res AND state = 'no_show'")" "no-shows"
	# Each marked once: one audit row per booking, by the sweep.
	expect_eq "$n $n sweep" "$(psql_q "SELECT count(*) || ' ' || count(DISTINCT a.object_id) || ' ' || string_agg(DISTINCT a.detail->>'by', ',')
		FROM audit a JOIN bookings b ON b.id = a.object_id
		WHERE a.action = 'no_show' AND a.object = 'booking' AND b.resource_id = $res")" "audit rows, bookings, who"
	expect_eq "confirmed checked_in" "$(use_state "$early") $(use_state "$busy")" "the booking not yet due and the one in use"
	# Both took part (a sweep marks 500 a round, so the work spans several
	# seconds of one-second ticks), and what they say they marked adds up
	# (other tests' overdue bookings may add to it).
	rb_log "marked by the two daemons: $(use_marked "$la") and $(use_marked "$lb")"
	(( $(use_marked "$la") > 0 && $(use_marked "$lb") > 0 ))
	(( $(use_marked "$la") + $(use_marked "$lb") >= n ))
	# Both drain and exit cleanly with their sweeps running.
	use_daemon_stop "$pa" "$la"
	use_daemon_stop "$pb" "$lb"
}
