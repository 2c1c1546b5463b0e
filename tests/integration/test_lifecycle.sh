# The booking lifecycle with the real client: requests that wait for
# approval, approving and declining (and what may not be), moving a booking
# atomically, cancelling late, handing a booking over.  Resources: life-*.

lf_refuse() {
	local code=$1 phrase=$2 before
	shift 2
	before=$(bookings_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after the refusal"
}

# lf_utc EPOCH: the instant as the client reads it.
lf_utc() {
	date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'
}

t_lifecycle_approval() {
	local d id id2
	d=$(rb_day 300)
	expect_exit 0 rb_as mgr rules life-approve --approval
	expect_stdout_contains "staff approve each booking"
	expect_exit 0 rb_as alice book life-approve --from "$d 10:00" --to "$d 12:00"
	expect_stdout_contains "requested"
	expect_stdout_contains "held until staff approve"
	expect_exit 0 rb_as alice bookings --json
	id=$(json '[b["id"] for b in d["bookings"] if b["resource"] == "life-approve"][0]')
	expect_eq requested "$(booking_field "$id" state)" "state after booking"
	# The requested booking holds its time.
	lf_refuse CONFLICT "life-approve is already booked" rb_as carol book life-approve --from "$d 11:00" --to "$d 13:00"
	# The queue shows it to the manager, not to members; other managers see none of it.
	expect_exit 0 rb_as mgr approvals
	expect_stdout_contains "life-approve"
	expect_stdout_contains alice
	lf_refuse PERMISSION_DENIED "not for a member" rb_as alice approvals
	expect_exit 0 rb_as mgr-other approvals --json
	expect_eq 0 "$(json 'len([b for b in d if b["resource"] == "life-approve"])')" "approvals of another institution"
	# Asked for a resource they do not look after, they are told so, not
	# that nothing waits.
	lf_refuse PERMISSION_DENIED "you are not staff of life-approve: its bookings wait for a manager of Test Engine Works, an operator of its space or an admin" \
		rb_as mgr-other approvals life-approve
	lf_refuse NOT_FOUND "no resource is called life-nowhere" rb_as mgr approvals life-nowhere
	expect_exit 0 rb_as mgr approvals life-approve
	expect_stdout_contains alice
	# a manager of another institution does not see it at all
	lf_refuse NOT_FOUND "there is no booking $id that you can see" rb_as mgr-other approve "$id"
	lf_refuse PERMISSION_DENIED "not for a member" rb_as alice approve "$id"
	expect_exit 0 rb_as mgr approve "$id"
	expect_stdout_contains approved
	expect_eq "confirmed|mgr" "$(psql_q "SELECT b.state || '|' || m.handle FROM bookings b JOIN members m ON m.id = b.decided_by WHERE b.id = $id")" "after approval"
	# Approving twice, or declining an approved booking: refused, naming the state.
	lf_refuse FAILED_PRECONDITION "booking $id is confirmed, not waiting for approval" rb_as mgr approve "$id"
	# A second request, declined with a reason the member sees.
	expect_exit 0 rb_as carol book life-approve --from "$d 14:00" --to "$d 15:00" --json
	id2=$(booking_id)
	expect_exit 2 rb_as mgr decline "$id2"
	expect_stderr_contains "--reason is required"
	expect_exit 0 rb_as mgr decline "$id2" --reason "calibration run booked that afternoon"
	expect_eq declined "$(booking_field "$id2" state)" "after decline"
	expect_exit 0 rb_as carol bookings --all-states
	expect_stdout_contains "declined by mgr: calibration run booked that afternoon"
	# A declined booking cannot be approved; its time is free again.
	lf_refuse FAILED_PRECONDITION "booking $id2 is declined" rb_as mgr approve "$id2"
	expect_exit 0 rb_as carol book life-approve --from "$d 14:00" --to "$d 15:00" --json
	# Staff of the resource book it confirmed straight away.
	expect_exit 0 rb_as mgr book life-approve --from "$d 16:00" --to "$d 17:00" --json
	expect_eq confirmed "$(booking_field "$(booking_id)" state)" "a manager's own booking"
	expect_exit 0 rb_as mgr rules life-approve --no-approval
	expect_exit 0 rb_as carol book life-approve --from "$d 18:00" --to "$d 19:00" --json
	expect_eq confirmed "$(booking_field "$(booking_id)" state)" "after approval is switched off"
}

# Two requests race for one window of a rig that needs approval: one holds
# it, the other is refused; approving the holder cannot collide.
t_lifecycle_approval_race() {
	local d i ok=0 conflict=0 id
	d=$(rb_day 301)
	expect_exit 0 rb_as mgr rules life-race --approval
	for i in 0 1 2 3 4 5 6 7; do
		rb_as "race0$i" book life-race --from "$d 10:00" --to "$d 12:00" --json \
			>"$RB_CASE_DIR/out.$i" 2>"$RB_CASE_DIR/err.$i" &
	done
	wait
	for i in 0 1 2 3 4 5 6 7; do
		if grep -q '"id"' "$RB_CASE_DIR/out.$i"; then
			ok=$((ok + 1))
		elif grep -q "rigbook: CONFLICT: " "$RB_CASE_DIR/err.$i"; then
			conflict=$((conflict + 1))
		fi
	done
	expect_eq "1 7" "$ok $conflict" "requests held / refused"
	id=$(psql_q "SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'life-race' AND b.state = 'requested'")
	expect_exit 0 rb_as mgr approve "$id"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'life-race' AND b.state NOT IN ('cancelled', 'declined')")" "active bookings of the window"
}

t_lifecycle_move() {
	local d id before kid
	d=$(rb_day 302)
	expect_exit 0 rb_as mgr requires life-move life-move-b
	expect_exit 0 rb_as mgr hours life-move 'mon-sun 08:00-20:00'
	expect_exit 0 rb_as alice book life-move --from "$d 09:00" --to "$d 11:00" --json
	id=$(booking_id)
	kid=$(psql_q "SELECT id FROM bookings WHERE parent_id = $id")
	[[ -n $kid ]]
	expect_exit 0 rb_as carol book life-move --from "$d 14:00" --to "$d 15:00"
	# Into a taken window: refused, and the booking stays where it was.
	lf_refuse CONFLICT "booking $id stays" rb_as alice move "$id" --from "$d 13:00" --to "$d 15:00"
	# Outside the opening hours: the rules of a new booking apply.
	lf_refuse FAILED_PRECONDITION "outside the opening hours" rb_as alice move "$id" --from "$d 19:00" --to "$d 21:00"
	# Someone else's booking: another startup's is not even visible; a
	# colleague's is, but only its owner or staff move it.
	lf_refuse NOT_FOUND "there is no booking $id that you can see" rb_as carol move "$id" --from "$d 16:00" --to "$d 18:00"
	lf_refuse PERMISSION_DENIED "only its owner or a manager" rb_as bob move "$id" --from "$d 16:00" --to "$d 18:00"
	# Overlapping its own old window is fine; the id stays; the companion moves too.
	expect_exit 0 rb_as alice move "$id" --from "$d 10:00" --to "$d 12:00"
	expect_stdout_contains moved
	expect_stdout_contains "was "
	expect_eq "$d 10:00|$d 12:00|confirmed" "$(psql_q "SELECT to_char(lower(during) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '|' ||
		to_char(upper(during) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '|' || state FROM bookings WHERE id = $id")" "moved booking"
	expect_eq "$(booking_field "$id" during)" "$(booking_field "$kid" during)" "the companion's window"
	# The old time is free for others.
	expect_exit 0 rb_as carol book life-move --from "$d 09:00" --to "$d 10:00"
	# A manager moves it on the member's behalf.
	expect_exit 0 rb_as mgr move "$id" --from "$d 16:00" --to "$d 18:00"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM audit WHERE action = 'move' AND object_id = $id AND member_id = (SELECT id FROM members WHERE handle = 'mgr')")" "audit of the manager's move"
	# Bad input changes nothing.
	lf_refuse NOT_FOUND "there is no booking 999999999 that you can see" rb_as alice move 999999999 --from "$d 16:00" --to "$d 18:00"
	before=$(bookings_digest)
	expect_exit 2 rb_as alice move "$id" --from "$d 16:00"
	expect_eq "$before" "$(bookings_digest)" "bookings after a usage error"
	lf_refuse FAILED_PRECONDITION "comes with booking $id" rb_as alice move "$kid" --from "$d 12:00" --to "$d 13:00"
}

t_lifecycle_cancel_late() {
	local now start id id2
	expect_exit 0 rb_as mgr rules life-late --late-cancel 48h
	expect_exit 0 rb_as mgr show life-late
	expect_stdout_contains "cancelling under 2 days before the start is late"
	now=$(date -u +%s)
	start=$(( (now / 3600 + 24) * 3600 ))
	expect_exit 0 rb_as alice book life-late --from "$(lf_utc $start)" --to "$(lf_utc $((start + 3600)))" --json
	id=$(booking_id)
	expect_exit 0 rb_as oper rate set life-late --tier member_startup --hourly 100.00 --increment 1h \
		--basis booked --late-fee 50% --from 2026-01-01
	expect_exit 0 rb_as alice cancel "$id" --reason "supplier late"
	# cancel says it was late and what it costs: half of the hour at 100.00
	expect_stdout_contains "cancelled $id: life-late"
	expect_stdout_contains "  cancelled late: less than 2 days before its start; a late-cancellation fee of ¥50.00 is charged to the startup"
	expect_eq "true|alice|supplier late" "$(psql_q "SELECT b.cancelled_late || '|' || m.handle || '|' || b.cancel_reason
		FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.id = $id")" "late cancellation on record"
	expect_exit 0 rb_as alice bookings --all-states
	expect_stdout_contains "cancelled late"
	# Well ahead of the window: not late.
	start=$(( (now / 3600 + 24 * 5) * 3600 ))
	expect_exit 0 rb_as alice book life-late --from "$(lf_utc $start)" --to "$(lf_utc $((start + 3600)))" --json
	id2=$(booking_id)
	# Staff cancel someone else's booking only with a reason, which is shown.
	lf_refuse INVALID_ARGUMENT "say why you cancel booking $id2" rb_as mgr cancel "$id2"
	expect_exit 0 rb_as mgr cancel "$id2" --reason "rig recalled by the vendor"
	expect_stdout_lacks "cancelled late"
	expect_eq "false|mgr" "$(psql_q "SELECT b.cancelled_late || '|' || m.handle FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.id = $id2")" "cancelled by staff, not late"
	expect_exit 0 rb_as alice bookings --all-states --json
	expect_eq "mgr|rig recalled by the vendor" "$(json '[b["cancelled_by"] + "|" + b["cancel_reason"] for b in d["bookings"] if b["id"] == '"$id2"'][0]')" "what alice sees"
}

t_lifecycle_hand_over() {
	local d id
	d=$(rb_day 303)
	expect_exit 0 rb_as alice book life-hand --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	# Not to another startup's member, not by someone else.
	# to a member, one of another startup is one that does not exist; staff are told why
	lf_refuse NOT_FOUND "no member is called carol" rb_as alice handover "$id" carol
	lf_refuse FAILED_PRECONDITION "carol is not a member of the startup that holds booking $id" rb_as mgr handover "$id" carol
	lf_refuse NOT_FOUND "there is no booking $id that you can see" rb_as carol handover "$id" carol
	lf_refuse NOT_FOUND "no member is called nobody" rb_as alice handover "$id" nobody
	expect_exit 0 rb_as alice handover "$id" bob
	expect_stdout_contains "now held by bob"
	expect_eq bob "$(psql_q "SELECT m.handle FROM bookings b JOIN members m ON m.id = b.member_id WHERE b.id = $id")" "holder"
	# Now bob's: alice can no longer cancel it alone.
	lf_refuse PERMISSION_DENIED "belongs to another member of your startup" rb_as alice cancel "$id"
	expect_exit 0 rb_as bob cancel "$id"
}
