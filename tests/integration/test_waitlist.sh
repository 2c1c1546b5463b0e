# The waitlist with the real client: queueing for a taken window, what is
# refused, promotion when time frees up (cancel, decline, move, closure
# removed), fair order, withdrawing, racing cancellations, who sees which
# queue.  Resources: wait-*.

# A digest of the waitlist: refused requests must not change it.
wl_digest() {
	psql_q "SELECT count(*) || ':' || coalesce(md5(string_agg(w::text, ',' ORDER BY w.id)), '-') FROM waitlist w"
}

wl_refuse() {
	local code=$1 phrase=$2 before wbefore
	shift 2
	before=$(bookings_digest)
	wbefore=$(wl_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after the refusal"
	expect_eq "$wbefore" "$(wl_digest)" "waitlist after the refusal"
}

# wl_wait HANDLE CODE FROM TO: queue, print the entry's id.
wl_wait() {
	expect_exit 0 rb_as "$1" wait "$2" --from "$3" --to "$4" --json || return 1
	json 'd["id"]'
}

# wl_field ID COLUMN: one column of a waitlist row, as text.
wl_field() {
	psql_q "SELECT $2 FROM waitlist WHERE id = $1"
}

# wl_active CODE [DAY]: the active bookings of a resource (starting on DAY):
# "member start-end, ..." in Shanghai time.
wl_active() {
	psql_q "SELECT string_agg(m.handle || ' ' || to_char(lower(b.during) AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') || '-' ||
		to_char(upper(b.during) AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'), ', ' ORDER BY lower(b.during), m.handle)
		FROM bookings b JOIN resources r ON r.id = b.resource_id JOIN members m ON m.id = b.member_id
		WHERE r.code = '$1' AND b.state NOT IN ('cancelled', 'declined')
		AND ('${2:-}' = '' OR (lower(b.during) AT TIME ZONE 'Asia/Shanghai')::date::text = '${2:-}')"
}

# No two active bookings of one unit overlap, anywhere.
wl_no_overlap() {
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings a JOIN bookings b ON a.unit_id = b.unit_id AND a.id < b.id
		AND a.during && b.during WHERE a.state NOT IN ('cancelled', 'declined')
		AND b.state NOT IN ('cancelled', 'declined')")" "overlapping active bookings"
}

t_waitlist_promote_on_cancel() {
	local d id e1 e2 nb
	d=$(rb_day 400)
	expect_exit 0 rb_as alice book wait-basic --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as carol wait wait-basic --from "$d 10:00" --to "$d 12:00" --note "thermal soak"
	expect_stdout_contains "waiting: entry "
	expect_stdout_contains "wait-basic 10:00-12:00 on $d (Asia/Shanghai)"
	expect_stdout_contains "place 1 in the queue of wait-basic"
	expect_stdout_contains "now: wait-basic is already booked 10:00-12:00 on $d"
	e1=$(psql_q "SELECT max(id) FROM waitlist WHERE member_id = (SELECT id FROM members WHERE handle = 'carol')")
	# A later waiter for an overlapping window queues behind.
	e2=$(wl_wait race00 wait-basic "$d 11:00" "$d 12:00")
	expect_exit 0 rb_as race00 waitlist --json
	expect_eq "$e2 2" "$(json '"%s %s" % (d[0]["id"], d[0]["position"])')" "second place"
	expect_eq "waiting|waiting" "$(wl_field "$e1" state)|$(wl_field "$e2" state)" "states before"
	expect_exit 0 rb_as carol waitlist
	expect_stdout_contains "waiting"
	expect_stdout_contains "wait-basic"
	# The holder cancels: in the same transaction the first in line is booked.
	expect_exit 0 rb_as alice cancel "$id"
	expect_eq promoted "$(wl_field "$e1" state)" "first entry"
	nb=$(wl_field "$e1" booking_id)
	expect_eq "carol|confirmed|thermal soak" "$(psql_q "SELECT m.handle || '|' || b.state || '|' || b.note FROM bookings b
		JOIN members m ON m.id = b.member_id WHERE b.id = $nb")" "the booking made for carol"
	expect_eq "carol 10:00-12:00" "$(wl_active wait-basic)" "active bookings"
	# The second waiter's window is taken again: still waiting, now first.
	expect_eq waiting "$(wl_field "$e2" state)" "second entry"
	expect_exit 0 rb_as race00 waitlist --json
	expect_eq "1|waiting" "$(json '"%s|%s" % (d[0]["position"], d[0]["state"])')" "race00's place"
	# Carol is told: the entry shows the booking; bookings shows it.
	expect_exit 0 rb_as carol waitlist
	expect_stdout_contains "promoted"
	expect_stdout_contains "booked: booking $nb"
	expect_exit 0 rb_as carol waitlist --json
	expect_eq "promoted|$nb" "$(json '"%s|%s" % ([e for e in d if e["id"] == '"$e1"'][0]["state"], [e for e in d if e["id"] == '"$e1"'][0]["booking_id"])')" "entry as JSON"
	expect_exit 0 rb_as carol bookings
	expect_stdout_contains "$nb"
	expect_stdout_contains "wait-basic"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM audit WHERE action = 'promote' AND object_id = $e1")" "audit of the promotion"
	wl_no_overlap
}

t_waitlist_refused() {
	local d e
	d=$(rb_day 401)
	# A free window is booked, not waited for.
	wl_refuse FAILED_PRECONDITION "wait-refuse is free 10:00-12:00 on $d (Asia/Shanghai): book it" \
		rb_as carol wait wait-refuse --from "$d 10:00" --to "$d 12:00"
	expect_exit 0 rb_as alice book wait-refuse --from "$d 10:00" --to "$d 12:00"
	wl_refuse NOT_FOUND "no resource is called wait-nope" rb_as carol wait wait-nope --from "$d 10:00" --to "$d 12:00"
	wl_refuse FAILED_PRECONDITION "wait-retired is retired" rb_as carol wait wait-retired --from "$d 10:00" --to "$d 12:00"
	wl_refuse FAILED_PRECONDITION "cannot be booked in the past" rb_as carol wait wait-refuse --from "2020-01-01 10:00" --to "2020-01-01 12:00"
	# an end before the start: the client says so itself (a usage error)
	expect_exit 2 rb_as carol wait wait-refuse --from "$d 12:00" --to "$d 10:00"
	expect_stderr_contains "--to $d 10:00 is not after --from $d 12:00"
	# Rules that do not depend on who holds the window refuse as they would a booking.
	expect_exit 0 rb_as mgr rules wait-refuse --max 2h
	wl_refuse FAILED_PRECONDITION "wait-refuse can be booked for at most 2 h" \
		rb_as carol wait wait-refuse --from "$d 09:00" --to "$d 12:00"
	expect_exit 0 rb_as mgr hours wait-refuse 'mon-sun 08:00-20:00'
	wl_refuse FAILED_PRECONDITION "outside the opening hours of wait-refuse" \
		rb_as carol wait wait-refuse --from "$d 19:00" --to "$d 21:00"
	# Waiting for one's own booking: refused, naming it.
	wl_refuse CONFLICT "wait-refuse is already booked 10:00-12:00 on $d" \
		rb_as alice wait wait-refuse --from "$d 10:00" --to "$d 12:00"
	# Twice for the same window: refused.
	e=$(wl_wait carol wait-refuse "$d 10:00" "$d 12:00")
	wl_refuse FAILED_PRECONDITION "you already wait for wait-refuse 10:00-12:00 on $d (Asia/Shanghai) (entry $e)" \
		rb_as carol wait wait-refuse --from "$d 11:00" --to "$d 12:00"
	# Usage errors change nothing either.
	expect_exit 2 rb_as carol wait wait-refuse --from "$d 10:00"
	expect_stderr_contains "--to is required"
	expect_exit 2 rb_as carol unwait abc
	expect_eq 1 "$(psql_q "SELECT count(*) FROM waitlist w JOIN resources r ON r.id = w.resource_id WHERE r.code = 'wait-refuse'")" "entries"
}

# The first waiter no longer fits the rules when the time frees up: it is
# skipped and stays waiting with the reason; the next one gets the window.
t_waitlist_skip_unfit() {
	local d id e1 e2
	d=$(rb_day 402)
	expect_exit 0 rb_as mgr rules wait-skip --max-active 1
	expect_exit 0 rb_as alice book wait-skip --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	e1=$(wl_wait carol wait-skip "$d 10:00" "$d 12:00")
	e2=$(wl_wait race01 wait-skip "$d 10:00" "$d 12:00")
	# Carol books something else on the rig: now she holds the most allowed.
	expect_exit 0 rb_as carol book wait-skip --from "$d 14:00" --to "$d 15:00"
	expect_exit 0 rb_as alice cancel "$id"
	expect_eq "waiting|promoted" "$(wl_field "$e1" state)|$(wl_field "$e2" state)" "states after the cancellation"
	expect_eq "race01 10:00-12:00, carol 14:00-15:00" "$(wl_active wait-skip)" "active bookings"
	expect_exit 0 rb_as carol waitlist
	expect_stdout_contains "you already hold 1 future booking of wait-skip; the limit is 1 per member"
	wl_no_overlap
}

t_waitlist_decline_promotes() {
	local d id e nb
	d=$(rb_day 403)
	expect_exit 0 rb_as mgr rules wait-decline --approval
	expect_exit 0 rb_as alice book wait-decline --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	expect_eq requested "$(booking_field "$id" state)" "alice's request"
	e=$(wl_wait carol wait-decline "$d 10:00" "$d 12:00")
	expect_exit 0 rb_as mgr decline "$id" --reason "rig reserved for calibration"
	expect_eq promoted "$(wl_field "$e" state)" "entry after the decline"
	nb=$(wl_field "$e" booking_id)
	# Booked through the booking path: the rig still needs approval.
	expect_eq "carol|requested" "$(psql_q "SELECT m.handle || '|' || b.state FROM bookings b JOIN members m ON m.id = b.member_id WHERE b.id = $nb")" "carol's booking"
	expect_exit 0 rb_as mgr approvals wait-decline
	expect_stdout_contains carol
}

t_waitlist_move_promotes() {
	local d id e0 e
	d=$(rb_day 404)
	expect_exit 0 rb_as alice book wait-move --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	e0=$(wl_wait race03 wait-move "$d 10:00" "$d 12:00")
	e=$(wl_wait carol wait-move "$d 10:00" "$d 11:00")
	# A move refused (into a taken window) frees nothing.
	expect_exit 0 rb_as race02 book wait-move --from "$d 14:00" --to "$d 16:00"
	wl_refuse CONFLICT "booking $id stays" rb_as alice move "$id" --from "$d 14:00" --to "$d 16:00"
	expect_eq "waiting|waiting" "$(wl_field "$e0" state)|$(wl_field "$e" state)" "entries after a refused move"
	# Moving over part of its old window: the move's probe of the booking
	# path (booking set aside) frees nothing, so the first waiter cannot take
	# the time the move wants; after the move it no longer fits and stays,
	# the second one fits the part given up.
	expect_exit 0 rb_as alice move "$id" --from "$d 11:00" --to "$d 13:00"
	expect_eq "waiting|promoted" "$(wl_field "$e0" state)|$(wl_field "$e" state)" "entries after the move"
	expect_eq "carol 10:00-11:00, alice 11:00-13:00, race02 14:00-16:00" "$(wl_active wait-move)" "active bookings"
	wl_no_overlap
}

t_waitlist_closure_removed() {
	local d cid e
	d=$(rb_day 405)
	expect_exit 0 rb_as mgr closure add wait-close --from "$d 08:00" --to "$d 18:00" --reason "floor resurfacing"
	cid=$(psql_q "SELECT c.id FROM closures c JOIN resources r ON r.id = c.resource_id WHERE r.code = 'wait-close' AND c.removed_at IS NULL")
	e=$(wl_wait carol wait-close "$d 10:00" "$d 12:00")
	expect_exit 0 rb_as carol waitlist
	expect_stdout_contains "wait-close is closed 08:00-18:00 on $d (Asia/Shanghai): floor resurfacing"
	expect_exit 0 rb_as mgr closure rm "$cid"
	expect_eq promoted "$(wl_field "$e" state)" "entry after the closure is removed"
	expect_eq "carol 10:00-12:00" "$(wl_active wait-close)" "active bookings"
}

t_waitlist_withdrawn_skipped() {
	local d id e1 e2
	d=$(rb_day 406)
	expect_exit 0 rb_as alice book wait-gone --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	e1=$(wl_wait carol wait-gone "$d 10:00" "$d 12:00")
	e2=$(wl_wait race02 wait-gone "$d 10:00" "$d 12:00")
	# Nobody else withdraws carol's entry; a member sees no entry of another.
	wl_refuse NOT_FOUND "there is no waitlist entry $e1 of yours" rb_as race02 unwait "$e1"
	expect_exit 0 rb_as carol unwait "$e1"
	expect_stdout_contains "withdrawn: entry $e1: wait-gone 10:00-12:00 on $d (Asia/Shanghai)"
	wl_refuse FAILED_PRECONDITION "waitlist entry $e1 is already withdrawn" rb_as carol unwait "$e1"
	expect_exit 0 rb_as alice cancel "$id"
	expect_eq "withdrawn|promoted" "$(wl_field "$e1" state)|$(wl_field "$e2" state)" "states after the cancellation"
	expect_eq "race02 10:00-12:00" "$(wl_active wait-gone)" "active bookings"
	wl_refuse FAILED_PRECONDITION "waitlist entry $e2 was already booked as booking $(wl_field "$e2" booking_id)" \
		rb_as race02 unwait "$e2"
}

# A waiter for the companion alone queued before a waiter for the rig that
# needs it: time freed on both goes to the earlier one, in one queue.
t_waitlist_companions_fair() {
	local d id e1 e2
	d=$(rb_day 407)
	expect_exit 0 rb_as mgr requires wait-pair wait-pair-b
	expect_exit 0 rb_as alice book wait-pair --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	e1=$(wl_wait carol wait-pair-b "$d 10:00" "$d 12:00")
	e2=$(wl_wait race03 wait-pair "$d 10:00" "$d 12:00")
	expect_exit 0 rb_as alice cancel "$id"
	expect_eq "promoted|waiting" "$(wl_field "$e1" state)|$(wl_field "$e2" state)" "states after the cancellation"
	expect_eq "" "$(wl_active wait-pair)" "wait-pair"
	expect_eq "carol 10:00-12:00" "$(wl_active wait-pair-b)" "wait-pair-b"
	# Carol gives it up: now the rig's waiter gets the rig and its chiller.
	expect_exit 0 rb_as carol cancel "$(wl_field "$e1" booking_id)"
	expect_eq promoted "$(wl_field "$e2" state)" "rig waiter"
	expect_eq "race03 10:00-12:00" "$(wl_active wait-pair)" "wait-pair"
	expect_eq "race03 10:00-12:00" "$(wl_active wait-pair-b)" "wait-pair-b"
	wl_no_overlap
}

# Four windows, each held by one member and waited for by two (and one
# waiter for two windows at once, first in line): cancelled all at once
# from background clients, each window goes to its first waiter, exactly
# once, and nothing overlaps.  The same with companions, whose locks span
# two resources.
t_waitlist_race() {
	local d i h ids=() e=() span got want pids=() rc=0
	d=$(rb_day 408)
	for i in 0 1 2 3; do
		expect_exit 0 rb_as "race1$i" book wait-race --from "$d 1$i:00" --to "$d 1$i:30" --json
		ids+=("$(booking_id)")
	done
	span=$(wl_wait race30 wait-race "$d 10:00" "$d 11:30")
	for i in 0 1 2 3; do
		e+=("$(wl_wait "race2$i" wait-race "$d 1$i:00" "$d 1$i:30")")
	done
	for i in 0 1 2 3; do
		e+=("$(wl_wait "race2$((i + 4))" wait-race "$d 1$i:00" "$d 1$i:30")")
	done
	for i in 0 1 2 3; do
		rb_as "race1$i" cancel "${ids[$i]}" >"$RB_CASE_DIR/c.$i" 2>&1 &
		pids+=($!)
	done
	for i in 0 1 2 3; do
		wait "${pids[$i]}" || { rc=1; cat "$RB_CASE_DIR/c.$i"; }
	done
	expect_eq 0 "$rc" "cancellations"
	want="race20 10:00-10:30, race21 11:00-11:30, race22 12:00-12:30, race23 13:00-13:30"
	expect_eq "$want" "$(wl_active wait-race)" "active bookings after the race"
	got=$(psql_q "SELECT string_agg(w.state, ',' ORDER BY w.created_at, w.id) FROM waitlist w JOIN resources r ON r.id = w.resource_id WHERE r.code = 'wait-race'")
	expect_eq "waiting,promoted,promoted,promoted,promoted,waiting,waiting,waiting,waiting" "$got" "entries in queue order"
	expect_eq 4 "$(psql_q "SELECT count(DISTINCT booking_id) FROM waitlist WHERE booking_id IS NOT NULL
		AND resource_id = (SELECT id FROM resources WHERE code = 'wait-race')")" "bookings made"
	# With companions: bookings of the rig (and its chiller) and of the
	# chiller alone, cancelled together; waiters for both.
	expect_exit 0 rb_as mgr requires wait-pair wait-pair-b
	ids=()
	pids=()
	for i in 0 1 2; do
		expect_exit 0 rb_as "race1$i" book wait-pair --from "$(rb_day 409) 1$i:00" --to "$(rb_day 409) 1$i:30" --json
		ids+=("$(booking_id)")
	done
	for i in 3 4 5; do
		expect_exit 0 rb_as "race1$i" book wait-pair-b --from "$(rb_day 409) 1$i:00" --to "$(rb_day 409) 1$i:30" --json
		ids+=("$(booking_id)")
	done
	for i in 0 1 2 3 4 5; do
		h=$([[ $i -lt 3 ]] && echo wait-pair-b || echo wait-pair)
		wl_wait "race2$i" "$h" "$(rb_day 409) 1$i:00" "$(rb_day 409) 1$i:30" >/dev/null
	done
	for i in 0 1 2 3 4 5; do
		rb_as "race1$i" cancel "${ids[$i]}" >"$RB_CASE_DIR/p.$i" 2>&1 &
		pids+=($!)
	done
	rc=0
	for i in 0 1 2 3 4 5; do
		wait "${pids[$i]}" || { rc=1; cat "$RB_CASE_DIR/p.$i"; }
	done
	expect_eq 0 "$rc" "cancellations with companions"
	expect_eq "race23 13:00-13:30, race24 14:00-14:30, race25 15:00-15:30" "$(wl_active wait-pair "$(rb_day 409)")" "wait-pair after the race"
	expect_eq "race20 10:00-10:30, race21 11:00-11:30, race22 12:00-12:30, race23 13:00-13:30, race24 14:00-14:30, race25 15:00-15:30" \
		"$(wl_active wait-pair-b "$(rb_day 409)")" "wait-pair-b after the race"
	wl_no_overlap
}

t_waitlist_staff_view() {
	local d e1 e2 e3
	d=$(rb_day 410)
	expect_exit 0 rb_as race05 book wait-staff --from "$d 08:00" --to "$d 18:00"
	e1=$(wl_wait alice wait-staff "$d 10:00" "$d 12:00")
	e2=$(wl_wait carol wait-staff "$d 09:00" "$d 10:00")
	e3=$(wl_wait race06 wait-staff "$d 14:00" "$d 15:00")
	# Staff of the resource: its queue, in order, with places.
	expect_exit 0 rb_as mgr waitlist wait-staff --json
	expect_eq "$e1 1 alice,$e2 2 carol,$e3 3 race06" "$(json '",".join("%s %s %s" % (e["id"], e["position"], e["member"]) for e in d)')" "the queue"
	expect_exit 0 rb_as mgr waitlist wait-staff
	expect_stdout_contains "PLACE"
	expect_stdout_contains "race06"
	# Members see only their own entries.
	expect_exit 0 rb_as carol waitlist wait-staff --json
	expect_eq "$e2 carol" "$(json '",".join("%s %s" % (e["id"], e["member"]) for e in d)')" "carol's view"
	expect_exit 0 rb_as carol waitlist
	expect_stdout_lacks alice
	expect_stdout_lacks race06
	expect_exit 0 rb_as bob waitlist wait-staff
	expect_stdout_contains "nobody waits"
	# A manager of another institution sees no queue of it.
	expect_exit 0 rb_as mgr-other waitlist wait-staff
	expect_stdout_contains "nobody waits"
	wl_refuse NOT_FOUND "no resource is called wait-nope" rb_as mgr waitlist wait-nope
	# Staff of the resource may thin the queue; withdrawn entries leave it.
	expect_exit 0 rb_as mgr unwait "$e2"
	expect_exit 0 rb_as mgr waitlist wait-staff --json
	expect_eq "$e1 1,$e3 2" "$(json '",".join("%s %s" % (e["id"], e["position"]) for e in d)')" "queue after the withdrawal"
}
