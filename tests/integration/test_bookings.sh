# Booking, listing and cancelling with the real client; the database is the
# judge of what happened.

t_book_list_cancel() {
	local d id
	d=$(rb_day 40)
	expect_exit 0 rb_as alice book dyno-2 --from "$d 10:00" --to "$d 12:00" --note "cold start" --json
	id=$(booking_id)
	expect_eq confirmed "$(booking_field "$id" state)" "state after book"
	expect_eq alice "$(psql_q "SELECT m.handle FROM bookings b JOIN members m ON m.id = b.member_id WHERE b.id = $id")" "member"
	expect_eq acme "$(psql_q "SELECT s.code FROM bookings b JOIN startups s ON s.id = b.startup_id WHERE b.id = $id")" "startup"
	expect_eq "cold start" "$(booking_field "$id" note)" "note"

	expect_exit 0 rb_as alice bookings --json
	expect_eq true "$(json "any(int(b[\"id\"]) == $id for b in (d[\"bookings\"] if isinstance(d, dict) else d))")" "listed"
	expect_exit 0 rb_as alice bookings
	expect_stdout_contains dyno-2
	expect_stdout_contains "10:00"

	expect_exit 0 rb_as alice cancel "$id" --reason "plans changed"
	expect_eq cancelled "$(booking_field "$id" state)" "state after cancel"
	expect_eq "plans changed" "$(booking_field "$id" cancel_reason)" "cancel reason"
	expect_eq alice "$(psql_q "SELECT m.handle FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.id = $id")" "cancelled by"

	# The window is free again.
	expect_exit 0 rb_as carol book dyno-2 --from "$d 10:00" --to "$d 12:00"
}

t_overlap_is_conflict() {
	local d before
	d=$(rb_day 41)
	expect_exit 0 rb_as alice book dyno-1 --from "$d 10:00" --to "$d 12:00"
	before=$(bookings_digest)
	expect_exit 1 rb_as carol book dyno-1 --from "$d 11:00" --to "$d 13:00"
	expect_stderr_contains CONFLICT
	expect_stderr_contains "10:00-12:00 on $d"
	# Inside, around, and the same window.
	expect_exit 1 rb_as bob book dyno-1 --from "$d 10:30" --to "$d 11:00"
	expect_stderr_contains CONFLICT
	expect_exit 1 rb_as bob book dyno-1 --from "$d 09:00" --to "$d 15:00"
	expect_stderr_contains CONFLICT
	expect_exit 1 rb_as alice book dyno-1 --from "$d 10:00" --to "$d 12:00"
	expect_stderr_contains CONFLICT
	expect_eq "$before" "$(bookings_digest)" "bookings table after refusals"
}

t_adjacent_windows_both_accepted() {
	local d
	d=$(rb_day 42)
	expect_exit 0 rb_as alice book dyno-1 --from "$d 10:00" --to "$d 12:00"
	expect_exit 0 rb_as carol book dyno-1 --from "$d 12:00" --to "$d 14:00"
	expect_exit 0 rb_as bob book dyno-1 --from "$d 08:00" --to "$d 10:00"
	expect_eq 3 "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-1' AND b.state = 'confirmed'
		AND b.during && tstzrange('$d 00:00+08', '$d 23:59+08')")" "active bookings that day"
}

t_refusals_leave_table_unchanged() {
	local d past before
	d=$(rb_day 43)
	past=$(date -u -d '3 days ago' +%F)
	before=$(bookings_digest)

	# a window that ends before it starts: the client says so (a usage error)
	expect_exit 2 rb_as alice book dyno-1 --from "$d 12:00" --to "$d 10:00"
	expect_stderr_contains "is not after --from"
	expect_exit 2 rb_as alice book dyno-1 --from "$d 12:00" --to "$d 12:00"
	expect_stderr_contains "is not after --from"
	expect_exit 1 rb_as alice book no-such-rig --from "$d 10:00" --to "$d 12:00"
	expect_stderr_contains NOT_FOUND
	expect_stderr_contains no-such-rig
	expect_exit 1 rb_as alice book old-scope --from "$d 10:00" --to "$d 12:00"
	expect_stderr_contains FAILED_PRECONDITION
	expect_stderr_contains retired
	expect_exit 1 rb_as alice book dyno-1 --from "$past 10:00" --to "$past 12:00"
	expect_stderr_contains FAILED_PRECONDITION
	expect_exit 1 rb_as alice cancel 999999999
	expect_stderr_contains NOT_FOUND

	expect_eq "$before" "$(bookings_digest)" "bookings table after refusals"
}

t_cannot_cancel_others_booking() {
	local d id row before
	d=$(rb_day 44)
	expect_exit 0 rb_as alice book mill-5ax --from "$d 09:00" --to "$d 17:00" --json
	id=$(booking_id)
	row=$(psql_q "SELECT b::text FROM bookings b WHERE id = $id")
	before=$(bookings_digest)

	# Another startup: to them it does not exist.
	expect_exit 1 rb_as carol cancel "$id"
	expect_stderr_contains "NOT_FOUND: there is no booking $id that you can see"
	# Another member of the same startup.
	expect_exit 1 rb_as bob cancel "$id"
	expect_stderr_contains PERMISSION_DENIED
	expect_eq "$row" "$(psql_q "SELECT b::text FROM bookings b WHERE id = $id")" "booking row"
	expect_eq "$before" "$(bookings_digest)" "bookings table"

	# Carol does not see it in her list either.
	expect_exit 0 rb_as carol bookings --json
	expect_eq false "$(json "any(int(b[\"id\"]) == $id for b in (d[\"bookings\"] if isinstance(d, dict) else d))")" "visible to carol"

	# The manager of the resource's institution may cancel it.
	expect_exit 0 rb_as mgr cancel "$id" --reason "maintenance"
	expect_eq cancelled "$(booking_field "$id" state)" "state"
	expect_eq mgr "$(psql_q "SELECT m.handle FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.id = $id")" "cancelled by"
	# Cancelling twice is refused.
	expect_exit 1 rb_as alice cancel "$id"
	expect_stderr_contains FAILED_PRECONDITION
}

t_operator_cancels_in_space() {
	local d id
	d=$(rb_day 45)
	expect_exit 0 rb_as carol book desk-a --from "$d 09:00" --to "$d 12:00" --json
	id=$(booking_id)
	# Someone else's booking is cancelled with a reason that its owner sees.
	expect_exit 1 rb_as oper cancel "$id"
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: say why you cancel booking $id; carol will see the reason"
	expect_eq confirmed "$(booking_field "$id" state)" "state after the refusal"
	expect_exit 0 rb_as oper cancel "$id" --reason "space closed for the audit"
	expect_eq "cancelled|oper|space closed for the audit" "$(psql_q "SELECT b.state || '|' || m.handle || '|' || b.cancel_reason
		FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.id = $id")" "state"
}

t_time_zone_of_resource() {
	local winter summer id
	winter=$(rb_day 14)  # January: Berlin is UTC+1
	summer=$(rb_day 195) # July: Berlin is UTC+2
	expect_exit 0 rb_as alice book berlin-bench --from "$winter 10:00" --to "$winter 11:30" --json
	id=$(booking_id)
	expect_eq "$winter 09:00:00|$winter 10:30:00" \
		"$(psql_q "SELECT to_char(lower(during) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '|' || to_char(upper(during) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM bookings WHERE id = $id")" \
		"winter window in UTC"
	expect_exit 0 rb_as alice book berlin-bench --from "$summer 10:00" --to "$summer 11:00" --json
	id=$(booking_id)
	expect_eq "$summer 08:00:00" \
		"$(psql_q "SELECT to_char(lower(during) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM bookings WHERE id = $id")" \
		"summer start in UTC"
	# Shanghai resources are UTC+8 all year.
	expect_exit 0 rb_as alice book dyno-2 --from "$summer 10:00" --to "$summer 11:00" --json
	id=$(booking_id)
	expect_eq "$summer 02:00:00" \
		"$(psql_q "SELECT to_char(lower(during) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM bookings WHERE id = $id")" \
		"Shanghai start in UTC"
	# An explicit offset wins over the resource's zone.
	expect_exit 0 rb_as alice book dyno-2 --from "$summer 14:00Z" --to "$summer 15:00Z" --json
	id=$(booking_id)
	expect_eq "$summer 14:00:00" \
		"$(psql_q "SELECT to_char(lower(during) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM bookings WHERE id = $id")" \
		"start given in UTC"
	# The conflict message speaks the resource's local time.
	expect_exit 1 rb_as carol book berlin-bench --from "$winter 10:30" --to "$winter 12:00"
	expect_stderr_contains CONFLICT
	expect_stderr_contains "10:00-11:30 on $winter"
}

# Sixteen clients at once for one window: exactly one wins.
t_parallel_clients_one_winner() {
	local d i wins=0 conflicts=0 rc
	d=$(rb_day 60)
	for i in $(seq -w 0 15); do
		(
			rc=0
			"$RB_CLIENT" --server "$RB_SERVER" --token "tok-race$i" --ca "$RB_CA" \
				book dyno-2 --from "$d 10:00" --to "$d 12:00" \
				>"$RB_CASE_DIR/p$i.out" 2>"$RB_CASE_DIR/p$i.err" || rc=$?
			echo "$rc" >"$RB_CASE_DIR/p$i.rc"
		) &
	done
	wait
	for i in $(seq -w 0 15); do
		rc=$(cat "$RB_CASE_DIR/p$i.rc")
		if [[ $rc -eq 0 ]]; then
			wins=$((wins + 1))
		elif [[ $rc -eq 1 ]] && grep -q CONFLICT "$RB_CASE_DIR/p$i.err"; then
			conflicts=$((conflicts + 1))
		else
			echo "client $i exited $rc:"
			cat "$RB_CASE_DIR/p$i.err"
		fi
	done
	expect_eq 1 "$wins" "winners"
	expect_eq 15 "$conflicts" "conflicts"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-2' AND b.state = 'confirmed'
		AND b.during && tstzrange('$d 10:00+08', '$d 12:00+08')")" "rows in the window"
}

# Free and busy time: one's own booking is named, another startup's is not.
t_availability() {
	local d mine theirs
	d=$(rb_day 70)
	expect_exit 0 rb_as alice book dyno-1 --from "$d 10:00" --to "$d 12:00" --json
	mine=$(booking_id)
	expect_exit 0 rb_as carol book dyno-1 --from "$d 13:00" --to "$d 14:30" --json
	theirs=$(booking_id)
	expect_exit 0 rb_as carol cancel "$theirs"
	expect_exit 0 rb_as carol book dyno-1 --from "$d 14:00" --to "$d 15:00" --json
	theirs=$(booking_id)

	expect_exit 0 rb_as alice availability dyno-1 --from "$d 00:00" --to "$d 23:59" --json
	expect_eq 2 "$(json 'len(d["busy"])')" "busy stretches (the cancelled one is free)"
	expect_eq "$(psql_q "SELECT rb_epoch(lower(during)) || ' ' || rb_epoch(upper(during)) FROM bookings WHERE id = $mine")" \
		"$(json '"%d %d" % (d["busy"][0]["start"], d["busy"][0]["end"])')" "first stretch"
	expect_eq "true $mine" "$(json '("true" if d["busy"][0]["mine"] else "false") + " " + str(d["busy"][0]["booking_id"])')" "own booking"
	expect_eq "$d 14:00-$d 15:00" "$(json 'd["busy"][1]["start_local"] + "-" + d["busy"][1]["end_local"]')" "second stretch"
	expect_eq "false None" "$(json '("true" if d["busy"][1]["mine"] else "false") + " " + str(d["busy"][1]["booking_id"])')" "another startup's booking"
	expect_exit 0 rb_as alice availability dyno-1 --from "$d 00:00" --to "$d 23:59"
	expect_stdout_contains free
	expect_stdout_contains "10:00-12:00 on $d"
}

# Staff of another institution or space get the answer for a booking they
# may not see, in staff's terms (what their role lets them act on), not a
# member's "only your own".
t_staff_elsewhere_told_why() {
	local d id before
	d=$(rb_day 46)
	expect_exit 0 rb_as alice book mill-5ax --from "$d 09:00" --to "$d 11:00" --json
	id=$(booking_id)
	before=$(bookings_digest)
	expect_exit 1 rb_as mgr-other cancel "$id" --reason "not mine"
	expect_stderr_contains "rigbook: NOT_FOUND: there is no booking $id that you can see; as a manager of Test Institute of Optics you can cancel the bookings of its resources only"
	grep -q -E "only your own|mill-5ax|alice" "$RB_ERR" && { echo "a member's wording, or the booking's details"; return 1; }
	expect_exit 1 rb_as ppl-oper-other cancel "$id" --reason "not mine"
	expect_stderr_contains "rigbook: NOT_FOUND: there is no booking $id that you can see; as an operator of Other Optics Maker Space you can cancel the bookings in that space only"
	# move reads the booking first (its zone): a booking they may not see is not found
	expect_exit 1 rb_as mgr-other move "$id" --from "$d 13:00" --to "$d 15:00"
	expect_stderr_contains "rigbook: NOT_FOUND: there is no booking $id that you can see"
	expect_exit 1 rb_as mgr-other handover "$id" bob
	expect_stderr_contains "as a manager of Test Institute of Optics you can hand over the bookings of its resources only"
	expect_eq "$before" "$(bookings_digest)" "bookings table"
	# Members keep a member's answer.
	expect_exit 1 rb_as carol cancel "$id"
	grep -q "as a manager" "$RB_ERR" && { echo "staff's wording for a member"; return 1; }
	return 0
}

# A booking's answer is made from the values in hand, not read back: it must
# say exactly what the booking's own view says, for the booking and for the
# companions made with it, on a resource of several units whose second unit
# is taken, for a member with a startup and for one without.
t_book_answer_is_the_view() {
	local d who out n=61
	expect_exit 0 rb_as mgr requires life-move life-move-b
	expect_exit 0 rb_as mgr units life-move-b 2
	for who in alice mgr; do
		d=$(rb_day $n)
		n=$((n + 1))
		expect_exit 0 rb_as carol book life-move-b --from "$d 09:00" --to "$d 11:00"
		expect_exit 0 rb_as "$who" book life-move --from "$d 10:00" --to "$d 11:00" --note "answer $who" --json
		out=$(cat "$RB_OUT")
		expect_exit 0 rb_as "$who" bookings --json
		python3 - "$out" "$RB_OUT" <<'PY' || return 1
import json, sys
def rows(d):
    if isinstance(d, list):
        return d
    for k in ("bookings", "booking"):
        if k in d:
            return rows(d[k]) if isinstance(d[k], (list, dict)) and k == "bookings" else [d[k]]
    return [d]
made = rows(json.loads(sys.argv[1]))
made = made + made[0].get("companions", [])
listed = {int(b["id"]): b for b in rows(json.load(open(sys.argv[2], encoding="utf-8")))}
if len(made) != 2:
    print("expected the booking and its companion in the answer: %r" % made)
    sys.exit(1)
for b in made:
    v = listed.get(int(b["id"]))
    if v is None:
        print("booking %s is not listed" % b["id"])
        sys.exit(1)
    # every field the answer gives (the companions' are all of the view's)
    diff = {k: (b[k], v.get(k, "(missing)")) for k in b
            if k not in ("replayed", "companions") and b[k] != v.get(k, "(missing)")}
    if diff:
        print("booking %s: the answer differs from the view: %r" % (b["id"], diff))
        sys.exit(1)
if len(made[1]) < 20:
    print("the companion's answer is not a whole booking: %r" % made[1])
    sys.exit(1)
PY
		expect_eq 2 "$(psql_q "SELECT u.unit_no FROM bookings b JOIN resource_units u ON u.id = b.unit_id
			WHERE b.parent_id = (SELECT id FROM bookings WHERE note = 'answer $who')")" \
			"the companion's unit (unit 1 is taken)"
	done
}
