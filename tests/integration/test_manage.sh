# Managing resources with the real client: who may change what, closures and
# maintenance, identical units, required companion resources, retiring, and
# what `show` tells.  The database is the judge.  Resources: fixture.sql,
# codes rule-*.

# mg_refuse CODE PHRASE CMD...: CMD exits 1 with "rigbook: CODE: ..." naming
# PHRASE on stderr, and the bookings table is what it was before.
mg_refuse() {
	local code=$1 phrase=$2 before
	shift 2
	before=$(bookings_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after the refusal"
}

mg_plus() {
	date -u -d "$1 + $2 days" +%F
}

# mg_state CODE: a digest of everything stored about a resource: its row,
# hours, exceptions, closures, units and required resources.
mg_state() {
	psql_q "WITH r AS (SELECT * FROM resources WHERE code = '$1')
		SELECT md5(concat_ws('#',
		  (SELECT r::text FROM r),
		  (SELECT string_agg(h::text, ',' ORDER BY h.kind, h.weekday, h.opens) FROM opening_hours h, r WHERE h.resource_id = r.id),
		  (SELECT string_agg(e::text, ',' ORDER BY e.day) FROM date_exceptions e, r WHERE e.resource_id = r.id),
		  (SELECT string_agg(c::text, ',' ORDER BY c.id) FROM closures c, r WHERE c.resource_id = r.id),
		  (SELECT string_agg(u::text, ',' ORDER BY u.unit_no) FROM resource_units u, r WHERE u.resource_id = r.id),
		  (SELECT string_agg(q::text, ',' ORDER BY q.required_id) FROM resource_requires q, r WHERE q.resource_id = r.id)))"
}

# mg_closure_id CODE REASON: the id of the closure in force with that reason.
mg_closure_id() {
	psql_q "SELECT c.id FROM closures c JOIN resources r ON r.id = c.resource_id
		WHERE r.code = '$1' AND c.reason = '$2' AND c.removed_at IS NULL"
}

# Members and managers of another institution may change nothing; the
# manager of the resource's institution, an operator of its space and an
# admin may change everything.
t_manage_scoping() {
	local d cid state cmd cmds
	d=$(rb_day 210)
	expect_exit 0 rb_as mgr hours rule-rig-scope 'mon-fri 09:00-17:00'
	expect_exit 0 rb_as mgr closure add rule-rig-scope --from "$d 09:00" --to "$d 10:00" --reason "scope check"
	cid=$(mg_closure_id rule-rig-scope "scope check")
	[[ -n $cid ]]
	state=$(mg_state rule-rig-scope)
	cmds=(
		"resource edit rule-rig-scope --name Hijacked"
		"resource retire rule-rig-scope --reason gone"
		"hours rule-rig-scope 'mon-sun 00:00-24:00'"
		"hours rule-rig-scope --offpeak 'mon-sun 18:00-24:00'"
		"hours rule-rig-scope --always"
		"exception rule-rig-scope $(mg_plus "$d" 1) --closed --reason holiday"
		"exception rule-rig-scope $(mg_plus "$d" 3) --open '09:00-12:00'"
		"closure add rule-rig-scope --from '$(mg_plus "$d" 2) 09:00' --to '$(mg_plus "$d" 2) 10:00' --reason mine"
		"closure rm $cid"
		"rules rule-rig-scope --max 1h"
		"rules rule-rig-scope --clear"
		"units rule-rig-scope 5"
		"requires rule-rig-scope rule-rig-child"
		"terms rule-rig-scope --set 'Our terms'"
		"resource add rule-scope-new --name 'Not theirs' --kind instrument --institution test-works"
	)
	# A manager of another institution, told whose resource it is.
	for cmd in "${cmds[@]}"; do
		eval "mg_refuse PERMISSION_DENIED 'Test Engine Works' rb_as mgr-other $cmd"
	done
	# A member.
	for cmd in "${cmds[@]}"; do
		eval "mg_refuse PERMISSION_DENIED 'not for a member' rb_as alice $cmd"
	done
	expect_eq "$state" "$(mg_state rule-rig-scope)" "rule-rig-scope after the refusals"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM resources WHERE code = 'rule-scope-new'")" "resource added"

	# The operator of the space and the institution's manager may.
	expect_exit 0 rb_as oper resource edit rule-rig-scope --name "Scoped rig"
	expect_eq "Scoped rig" "$(psql_q "SELECT name FROM resources WHERE code = 'rule-rig-scope'")" "name"
	expect_exit 0 rb_as mgr hours rule-rig-scope 'mon-sat 08:00-18:00'
	expect_eq 6 "$(psql_q "SELECT count(*) FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-scope' AND h.kind = 'open' AND h.opens = 480 AND h.closes = 1080")" "weekly windows"
	expect_exit 0 rb_as oper hours rule-rig-scope --offpeak 'sat-sun 00:00-24:00'
	expect_eq 2 "$(psql_q "SELECT count(*) FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-scope' AND h.kind = 'offpeak'")" "off-peak windows"
	expect_exit 0 rb_as oper exception rule-rig-scope "$(mg_plus "$d" 1)" --closed --reason holiday
	expect_eq 1 "$(psql_q "SELECT count(*) FROM date_exceptions e JOIN resources r ON r.id = e.resource_id
		WHERE r.code = 'rule-rig-scope' AND e.closed")" "closed days"
	expect_exit 0 rb_as oper closure rm "$cid"
	expect_eq t "$(psql_q "SELECT removed_at IS NOT NULL FROM closures WHERE id = $cid")" "closure removed"
	expect_exit 0 rb_as mgr closure add rule-rig-scope --from "$(mg_plus "$d" 2) 09:00" --to "$(mg_plus "$d" 2) 10:00" --reason "by the manager"
	[[ -n $(mg_closure_id rule-rig-scope "by the manager") ]]
	expect_exit 0 rb_as oper rules rule-rig-scope --max 4h
	expect_eq 240 "$(psql_q "SELECT max_minutes FROM resources WHERE code = 'rule-rig-scope'")" "max_minutes"
	expect_exit 0 rb_as mgr units rule-rig-scope 2
	expect_eq 2 "$(psql_q "SELECT count(*) FROM resource_units u JOIN resources r ON r.id = u.resource_id
		WHERE r.code = 'rule-rig-scope' AND u.retired_at IS NULL")" "units"
	expect_exit 0 rb_as oper requires rule-rig-scope rule-rig-child
	expect_eq rule-rig-child "$(psql_q "SELECT q.code FROM resource_requires rq JOIN resources r ON r.id = rq.resource_id
		JOIN resources q ON q.id = rq.required_id WHERE r.code = 'rule-rig-scope'")" "required"
	expect_exit 0 rb_as mgr requires rule-rig-scope
	expect_eq 0 "$(psql_q "SELECT count(*) FROM resource_requires rq JOIN resources r ON r.id = rq.resource_id
		WHERE r.code = 'rule-rig-scope'")" "required after clearing"
	expect_exit 0 rb_as mgr terms rule-rig-scope --set "Sign the log book."
	expect_eq 1 "$(psql_q "SELECT terms_version FROM resources WHERE code = 'rule-rig-scope'")" "terms version"
	# Accepting terms is for everybody.
	expect_exit 0 rb_as mgr-other terms accept rule-rig-scope
	expect_exit 0 rb_as alice terms accept rule-rig-scope
	expect_eq 2 "$(psql_q "SELECT count(*) FROM terms_acceptances a JOIN resources r ON r.id = a.resource_id
		WHERE r.code = 'rule-rig-scope' AND a.version = 1")" "acceptances"
	# An admin, too.
	expect_exit 0 rb_as adm resource retire rule-rig-scope --reason "scope test over"
	expect_eq "true|scope test over" "$(psql_q "SELECT (retired_at IS NOT NULL) || '|' || retire_reason FROM resources
		WHERE code = 'rule-rig-scope'")" "retired"
	# A member is told who may.
	mg_refuse PERMISSION_DENIED "for managers of the host institution, operators of the space and admins, not for a member" \
		rb_as alice rules rule-rig-scope --max 1h
}

t_manage_resource_add_edit() {
	expect_exit 0 rb_as mgr resource add rule-new-rig --name "New laser rig" --kind instrument \
		--tz Europe/Berlin --description "Fresh from the crate" --location "Hall 9" --tag laser --tag iso17025
	expect_eq "test-works|New laser rig|instrument|Europe/Berlin|Fresh from the crate|Hall 9|{iso17025,laser}" \
		"$(psql_q "SELECT i.code || '|' || r.name || '|' || r.kind || '|' || r.time_zone || '|' || r.description
			|| '|' || r.location || '|' || (SELECT array_agg(t ORDER BY t) FROM unnest(r.tags) t)::text
			FROM resources r JOIN institutions i ON i.id = r.institution_id WHERE r.code = 'rule-new-rig'")" "new resource"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM resource_units u JOIN resources r ON r.id = u.resource_id
		WHERE r.code = 'rule-new-rig'")" "units of a new resource"
	# The code is taken.
	expect_exit 1 rb_as mgr resource add rule-new-rig --name "Again" --kind instrument
	expect_stderr_contains "rigbook: CONFLICT: "
	# An edit changes only what it names.
	expect_exit 0 rb_as mgr resource edit rule-new-rig --location "Hall 10"
	expect_eq "New laser rig|Hall 10|Europe/Berlin" "$(psql_q "SELECT name || '|' || location || '|' || time_zone
		FROM resources WHERE code = 'rule-new-rig'")" "after the edit"
	expect_exit 1 rb_as mgr resource edit rule-new-rig --tz Mars/Olympus_Mons
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: "
	expect_exit 0 rb_as alice resources --search "New laser rig" --json
	expect_eq rule-new-rig "$(json '",".join(r["code"] for r in d["resources"])')" "listed"
	# Out of the way of other tests' listings.
	expect_exit 0 rb_as mgr resource retire rule-new-rig
}

t_manage_closure_force_cancels() {
	local d id other before
	d=$(rb_day 220)
	expect_exit 0 rb_as alice book rule-rig-close --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as carol book rule-rig-close --from "$d 14:00" --to "$d 15:00" --json
	other=$(booking_id)
	before=$(mg_state rule-rig-close)
	mg_refuse CONFLICT "booking $id (10:00-12:00 on $d (Asia/Shanghai), alice)" \
		rb_as mgr closure add rule-rig-close --from "$d 09:00" --to "$d 13:00" --reason "floor repair"
	expect_stderr_contains "force"
	expect_eq "$before" "$(mg_state rule-rig-close)" "resource after the refused closure"
	# Forced: the booking is cancelled with the reason, and named.
	expect_exit 0 rb_as mgr closure add rule-rig-close --from "$d 09:00" --to "$d 13:00" --reason "floor repair" --force
	expect_stdout_contains "$id"
	expect_stdout_contains "10:00-12:00 on $d"
	expect_eq "cancelled|closed: floor repair|mgr" "$(psql_q "SELECT b.state || '|' || b.cancel_reason || '|' || m.handle
		FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.id = $id")" "the hit booking"
	expect_eq confirmed "$(booking_field "$other" state)" "the booking outside the closure"
	expect_eq "closure|floor repair|mgr" "$(psql_q "SELECT c.kind || '|' || c.reason || '|' || m.handle
		FROM closures c JOIN members m ON m.id = c.created_by JOIN resources r ON r.id = c.resource_id
		WHERE r.code = 'rule-rig-close' AND c.removed_at IS NULL")" "closure row"
	# The owner sees why.
	expect_exit 0 rb_as alice bookings --all-states --json
	expect_eq "cancelled|closed: floor repair" \
		"$(json "[b[\"state\"] + \"|\" + b[\"cancel_reason\"] for b in d[\"bookings\"] if int(b[\"id\"]) == $id][0]")" \
		"the owner's listing"
	# Closed for everybody.
	mg_refuse CONFLICT "rule-rig-close is closed 09:00-13:00 on $d (Asia/Shanghai): floor repair" \
		rb_as alice book rule-rig-close --from "$d 12:00" --to "$d 12:30"
	# Lifted, it books again.
	expect_exit 0 rb_as mgr closure rm "$(mg_closure_id rule-rig-close "floor repair")"
	expect_exit 0 rb_as alice book rule-rig-close --from "$d 10:00" --to "$d 12:00"
	# The reason in the owner's list as people read it.
	expect_exit 0 rb_as alice bookings --all-states
	expect_stdout_contains "closed: floor repair"
}

t_manage_maintenance_blocks() {
	local d cid
	d=$(rb_day 221)
	expect_exit 0 rb_as mgr closure add rule-rig-maint --from "$d 14:00" --to "$d 16:00" --maintenance --reason "spindle service"
	cid=$(mg_closure_id rule-rig-maint "spindle service")
	expect_eq maintenance "$(psql_q "SELECT kind FROM closures WHERE id = $cid")" "kind"
	mg_refuse CONFLICT "rule-rig-maint is closed for maintenance 14:00-16:00 on $d (Asia/Shanghai): spindle service" \
		rb_as alice book rule-rig-maint --from "$d 15:00" --to "$d 17:00"
	mg_refuse CONFLICT "closed for maintenance" \
		rb_as alice book rule-rig-maint --from "$d 13:00" --to "$d 14:01"
	# Right before and right after.
	expect_exit 0 rb_as alice book rule-rig-maint --from "$d 13:00" --to "$d 14:00"
	expect_exit 0 rb_as carol book rule-rig-maint --from "$d 16:00" --to "$d 17:00"
	# Shown to everybody.
	expect_exit 0 rb_as carol show rule-rig-maint
	expect_stdout_contains "spindle service"
	expect_exit 0 rb_as carol availability rule-rig-maint --from "$d 00:00" --to "$(mg_plus "$d" 1) 00:00" --json
	expect_eq "$cid maintenance spindle service" \
		"$(json '" ".join(str(c[k]) for c in d["closures"] for k in ("id", "kind", "reason"))')" "closures in availability"
	# Lifted: the window books.
	expect_exit 0 rb_as mgr closure rm "$cid"
	expect_eq t "$(psql_q "SELECT removed_at IS NOT NULL FROM closures WHERE id = $cid")" "removed"
	expect_exit 0 rb_as alice book rule-rig-maint --from "$d 14:00" --to "$d 16:00"
	mg_refuse NOT_FOUND "$cid" rb_as mgr closure rm "$cid"
}

t_manage_units() {
	local d a b c id res
	d=$(rb_day 222)
	expect_exit 0 rb_as mgr units rule-rig-units 3
	expect_eq 3 "$(psql_q "SELECT count(*) FROM resource_units u JOIN resources r ON r.id = u.resource_id
		WHERE r.code = 'rule-rig-units' AND u.retired_at IS NULL")" "units"
	expect_exit 0 rb_as alice book rule-rig-units --from "$d 10:00" --to "$d 12:00" --json
	a=$(booking_id)
	expect_exit 0 rb_as bob book rule-rig-units --from "$d 11:00" --to "$d 13:00" --json
	b=$(booking_id)
	expect_exit 0 rb_as carol book rule-rig-units --from "$d 09:00" --to "$d 11:30" --json
	c=$(booking_id)
	expect_eq 3 "$(json '(d.get("booking") or d)["unit"]')" "unit in the reply"
	expect_eq "1 2 3" "$(psql_q "SELECT string_agg(u.unit_no::text, ' ' ORDER BY b.id) FROM bookings b
		JOIN resource_units u ON u.id = b.unit_id WHERE b.id IN ($a, $b, $c)")" "units taken"
	# All three taken at 11:00-11:30.
	mg_refuse CONFLICT "rule-rig-units is already booked" \
		rb_as race00 book rule-rig-units --from "$d 11:00" --to "$d 11:30"
	# Two are free at 12:00-12:30 (alice's ended): the lowest is taken.
	expect_exit 0 rb_as race00 book rule-rig-units --from "$d 12:00" --to "$d 12:30" --json
	id=$(booking_id)
	expect_eq 1 "$(psql_q "SELECT u.unit_no FROM bookings b JOIN resource_units u ON u.id = b.unit_id WHERE b.id = $id")" \
		"lowest free unit"
	res="(SELECT id FROM resources WHERE code = 'rule-rig-units')"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings x JOIN bookings y ON x.unit_id = y.unit_id AND x.id < y.id
		AND x.during && y.during
		WHERE x.resource_id = $res AND x.state NOT IN ('cancelled', 'declined')
		AND y.state NOT IN ('cancelled', 'declined')")" "overlaps on one unit"
	# Unit 3 holds a future booking: no going down to 2.
	mg_refuse FAILED_PRECONDITION "unit 3 of rule-rig-units has future bookings; cancel or move them before going down to 2 units" rb_as mgr units rule-rig-units 2
	mg_refuse FAILED_PRECONDITION "before going down to 1 unit" rb_as mgr units rule-rig-units 1
	grep -q "1 units" "$RB_ERR" && { echo "1 units"; return 1; }
	expect_eq 3 "$(psql_q "SELECT count(*) FROM resource_units WHERE resource_id = $res AND retired_at IS NULL")" \
		"units after the refusal"
	expect_exit 0 rb_as carol cancel "$c"
	expect_exit 0 rb_as mgr units rule-rig-units 2
	expect_exit 0 rb_as alice show rule-rig-units --json
	expect_eq 2 "$(json '(d.get("resource") or d)["units"]')" "units shown"
	# Two units now: a third overlapping booking is refused.
	expect_exit 0 rb_as carol book rule-rig-units --from "$d 10:30" --to "$d 11:00" --json
	mg_refuse CONFLICT "rule-rig-units is already booked" \
		rb_as race01 book rule-rig-units --from "$d 10:30" --to "$d 10:45"
	# Leave no overlapping active bookings of one resource behind: other
	# tests check the whole table for them, resource by resource.
	for id in $(psql_q "SELECT id FROM bookings WHERE resource_id = $res AND state = 'confirmed' ORDER BY id"); do
		expect_exit 0 rb_as mgr cancel "$id" --reason "units test over"
	done
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings WHERE resource_id = $res AND state = 'confirmed'")" \
		"active bookings left"
}

t_manage_requires_books_both() {
	local d id child before
	d=$(rb_day 223)
	expect_exit 0 rb_as mgr requires rule-rig-parent rule-rig-child
	expect_exit 0 rb_as alice book rule-rig-parent --from "$d 10:00" --to "$d 12:00" --json
	id=$(booking_id)
	child=$(psql_q "SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'rule-rig-child' AND b.parent_id = $id")
	[[ -n $child ]]
	expect_eq "confirmed|alice|true" "$(psql_q "SELECT c.state || '|' || m.handle || '|' || (c.during = p.during)
		FROM bookings c JOIN bookings p ON p.id = c.parent_id JOIN members m ON m.id = c.member_id
		WHERE c.id = $child")" "the required resource's booking"
	# book says what it booked with it.
	expect_eq "[$child]" "$(json '[c["id"] for c in d["companions"]]')" "companions in JSON"
	expect_exit 0 rb_as alice book rule-rig-parent --from "$d 16:00" --to "$d 17:00"
	expect_stdout_contains "  with companion booking $(psql_q "SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'rule-rig-child' AND b.parent_id IS NOT NULL ORDER BY b.id DESC LIMIT 1"): rule-rig-child 16:00-17:00 on $d"
	# The required resource is taken: neither is booked.
	expect_exit 0 rb_as carol book rule-rig-child --from "$d 14:00" --to "$d 15:00"
	before=$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'rule-rig-parent'")
	mg_refuse CONFLICT "rule-rig-child is already booked 14:00-15:00 on $d" \
		rb_as alice book rule-rig-parent --from "$d 14:30" --to "$d 15:30"
	expect_eq "$before" "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'rule-rig-parent'")" "bookings of the parent"
	# Cancelling the booking cancels what came with it.
	expect_exit 0 rb_as alice cancel "$id" --reason "test postponed"
	expect_eq "cancelled|cancelled" "$(booking_field "$id" state)|$(booking_field "$child" state)" "both states"
	# No longer required: the parent books alone.
	expect_exit 0 rb_as mgr requires rule-rig-parent
	expect_exit 0 rb_as alice book rule-rig-parent --from "$d 14:30" --to "$d 15:30" --json
	id=$(booking_id)
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings WHERE parent_id = $id")" "companion bookings"
}

t_manage_retire_keeps_history() {
	local d id
	d=$(rb_day 224)
	expect_exit 0 rb_as alice book rule-rig-retire --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as mgr resource retire rule-rig-retire --reason "replaced by a newer rig"
	expect_eq "true|replaced by a newer rig" "$(psql_q "SELECT (retired_at IS NOT NULL) || '|' || retire_reason
		FROM resources WHERE code = 'rule-rig-retire'")" "retired"
	mg_refuse FAILED_PRECONDITION "rule-rig-retire is retired" \
		rb_as alice book rule-rig-retire --from "$d 12:00" --to "$d 13:00"
	mg_refuse FAILED_PRECONDITION "rule-rig-retire is retired" \
		rb_as mgr book rule-rig-retire --from "$d 12:00" --to "$d 13:00" --override "one more run"
	# The booking made before is still there.
	expect_eq confirmed "$(booking_field "$id" state)" "the earlier booking"
	expect_exit 0 rb_as alice bookings --json
	expect_eq true "$(json "any(int(b[\"id\"]) == $id for b in d[\"bookings\"])")" "listed to its owner"
	expect_exit 0 rb_as alice resources --json
	expect_eq false "$(json 'any(r["code"] == "rule-rig-retire" for r in d["resources"])')" "offered"
	expect_exit 0 rb_as alice resources --all --json
	expect_eq true "$(json 'any(r["code"] == "rule-rig-retire" and r["retired"] for r in d["resources"])')" "listed with --all"
	mg_refuse FAILED_PRECONDITION "already retired" rb_as mgr resource retire rule-rig-retire
}

t_manage_show() {
	local d
	d=$(rb_day 225)
	expect_exit 0 rb_as mgr hours rule-rig-show 'mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00'
	expect_exit 0 rb_as mgr rules rule-rig-show --max 8h --slot 30m --buffer 15m --max-active 3
	expect_exit 0 rb_as mgr exception rule-rig-show "$d" --closed --reason "stock taking"
	expect_exit 0 rb_as mgr closure add rule-rig-show --from "$(mg_plus "$d" 1) 08:30" \
		--to "$(mg_plus "$d" 1) 12:00" --maintenance --reason "laser alignment" --json
	# The closure names its resource, also when it cancelled nothing.
	expect_eq "rule-rig-show|0" "$(json '(d.get("closure") or {}).get("resource", "") + "|" + str(len(d.get("cancelled", [])))')" \
		"closure in JSON"
	expect_exit 0 rb_as mgr terms rule-rig-show --set "Log every run in the bench book."
	expect_exit 0 rb_as alice show rule-rig-show
	for want in rule-rig-show "Rig shown in full" Asia/Shanghai "08:30-12:00" "13:30-18:00" "09:00-12:00" \
		"8 h" "30 min" "15 min" "$d" "stock taking" "laser alignment" "version 1"; do
		expect_stdout_contains "$want"
	done
	# An unknown code is named back.
	for cmd in show slots calendar; do
		mg_refuse NOT_FOUND "no resource is called rule-rig-nope" rb_as alice $cmd rule-rig-nope
	done
	expect_exit 0 rb_as alice show rule-rig-show --json
	expect_eq "480 30 15 3" "$(json '" ".join(str((d.get("resource") or d)["rules"][k]) for k in
		("max_minutes", "slot_minutes", "buffer_minutes", "max_active_per_member"))')" "rules in JSON"
}

# mg_avail CODE FROM TO HANDLE: rb_availability's rows as the daemon asks
# for them (the caller's member and startup), one line each: the tag, then
# the columns that row uses, times in minutes from FROM.
mg_avail() {
	psql_q "SELECT a.tag || ':' || CASE a.tag
		  WHEN 'resource' THEN concat_ws(' ', a.code, a.institution_code, a.space_code, a.time_zone,
		                                 a.units, '[' || a.requires || ']', a.retired)
		  WHEN 'busy' THEN concat_ws(' ', (a.busy_start - $2) / 60, (a.busy_end - $2) / 60,
		                             a.busy_booking_id, a.busy_state, a.busy_mine)
		  WHEN 'open' THEN concat_ws(' ', (a.open_start - $2) / 60, (a.open_end - $2) / 60)
		  WHEN 'closure' THEN concat_ws(' ', a.closure_id, (a.closure_start - $2) / 60,
		                                (a.closure_end - $2) / 60, a.closure_kind, a.closure_reason,
		                                a.closure_by) END
		  || CASE WHEN a.tag <> 'resource' AND num_nonnulls(a.code, a.units, a.requires) > 0
		          THEN ' (and resource columns)' ELSE '' END
		FROM members m, rb_availability('$1', $2, $3, coalesce(m.startup_id, 0), m.id) a
		WHERE m.handle = '$4'"
}

# The whole availability answer, row by row and in order, for a resource
# with opening hours, a date exception, a closure, two units, a required
# resource and bookings of two startups: each caller sees the ids of their
# own and their startup's bookings, staff of the resource every id, staff
# elsewhere none.  Without opening hours the window is open around the
# clock but for the exception's day, and a window far from it is open whole.
t_manage_availability_rows() {
	local d n f t a b c cid want
	n=250
	d=$(rb_day $n)
	while [[ $(date -u -d "$d" +%u) != 1 ]]; do
		n=$((n + 1))
		d=$(rb_day $n)
	done
	f=$(date -u -d "$d 00:00 +0800" +%s)
	t=$((f + 2 * 86400))
	expect_exit 0 rb_as mgr resource add rule-rig-avail --name "Rig read in full" --kind instrument
	expect_exit 0 rb_as mgr hours rule-rig-avail 'mon-fri 09:00-12:00'
	expect_exit 0 rb_as mgr exception rule-rig-avail "$(mg_plus "$d" 1)" --open '14:00-15:00' --reason "short day"
	expect_exit 0 rb_as mgr units rule-rig-avail 2
	expect_exit 0 rb_as alice book rule-rig-avail --from "$d 09:00" --to "$d 10:00" --json
	a=$(booking_id)
	expect_exit 0 rb_as carol book rule-rig-avail --from "$d 09:30" --to "$d 11:00" --json
	c=$(booking_id)
	expect_exit 0 rb_as bob book rule-rig-avail --from "$d 10:00" --to "$d 10:30" --json
	b=$(booking_id)
	expect_exit 0 rb_as bob cancel "$b"
	expect_exit 0 rb_as mgr closure add rule-rig-avail --from "$d 11:00" --to "$d 12:00" --reason "calibration"
	cid=$(mg_closure_id rule-rig-avail calibration)
	expect_exit 0 rb_as mgr requires rule-rig-avail rule-rig-child
	# alice: hers named; bob, of her startup, sees its id but it is not his;
	# carol hers only; staff of the resource all; staff elsewhere none.
	for who in "alice $a t 0 f" "bob $a f 0 f" "carol 0 f $c t" "mgr $a f $c f" "oper $a f $c f" \
		"adm $a f $c f" "mgr-other 0 f 0 f"; do
		set -- $who
		want="resource:rule-rig-avail test-works test-space Asia/Shanghai 2 [rule-rig-child] f
busy:540 600 $2 confirmed $3
busy:570 660 $4 confirmed $5
open:540 720
open:2280 2340
closure:$cid 660 720 closure calibration mgr"
		expect_eq "$want" "$(mg_avail rule-rig-avail "$f" "$t" "$1")" "rows for $1"
	done
	expect_exit 0 rb_as mgr hours rule-rig-avail --always
	expect_eq "resource:rule-rig-avail test-works test-space Asia/Shanghai 2 [rule-rig-child] f
busy:540 600 $a confirmed t
busy:570 660 0 confirmed f
open:0 1440
open:2280 2340
closure:$cid 660 720 closure calibration mgr" "$(mg_avail rule-rig-avail "$f" "$t" alice)" "rows around the clock"
	expect_eq "resource:rule-rig-avail test-works test-space Asia/Shanghai 2 [rule-rig-child] f
open:0 2880" "$(mg_avail rule-rig-avail "$((f + 7 * 86400))" "$((t + 7 * 86400))" alice)" "rows a week later"
	expect_eq "resource:rule-rig-avail test-works test-space Asia/Shanghai 2 [rule-rig-child] f
open:0 90" "$(mg_avail rule-rig-avail "$t" "$((t + 5400))" alice)" "rows the day after the exception's"
	expect_eq "" "$(mg_avail rule-rig-nope "$f" "$t" alice)" "rows of no resource"
	# The daemon reads the same.
	expect_exit 0 rb_as carol availability rule-rig-avail --from "$d 00:00" --to "$(mg_plus "$d" 2) 00:00" --json
	expect_eq "2 $c 2 $cid" "$(json 'str(len(d["busy"])) + " " + str(d["busy"][1]["booking_id"]) + " " + str(len(d["open"])) + " " + str(d["closures"][0]["id"])')" "carol's answer"
	# Out of the way of other tests' listings.
	expect_exit 0 rb_as mgr requires rule-rig-avail
	expect_exit 0 rb_as mgr resource retire rule-rig-avail
}

# `rules` changes only the flags given; 0 switches one off; --clear all.
t_manage_rules_flags() {
	local cols="slot_minutes || ' ' || min_minutes || ' ' || max_minutes || ' ' || min_notice_minutes || ' ' ||
		max_ahead_days || ' ' || buffer_minutes || ' ' || max_active_per_member || ' ' ||
		weekly_minutes_per_startup || ' ' || whole_days || ' ' || min_gap_minutes"
	expect_exit 0 rb_as mgr rules rule-rig-flags --min 1h --max 8h
	expect_eq "0 60 480 0 0 0 0 0 false 0" "$(psql_q "SELECT $cols FROM resources WHERE code = 'rule-rig-flags'")" "after min/max"
	expect_stdout_contains "8 h"
	expect_exit 0 rb_as mgr rules rule-rig-flags --slot 15m --notice 2d --ahead 60d --buffer 10m --max-active 2 \
		--weekly 12h --min-gap 90m
	expect_eq "15 60 480 2880 60 10 2 720 false 90" "$(psql_q "SELECT $cols FROM resources WHERE code = 'rule-rig-flags'")" \
		"after the rest"
	expect_exit 0 rb_as mgr rules rule-rig-flags --max 0 --buffer off
	expect_eq "15 60 0 2880 60 0 2 720 false 90" "$(psql_q "SELECT $cols FROM resources WHERE code = 'rule-rig-flags'")" \
		"after switching two off"
	# Shown without changing anything, to anyone.
	expect_exit 0 rb_as alice rules rule-rig-flags
	expect_stdout_contains "15 min"
	expect_eq "15 60 0 2880 60 0 2 720 false 90" "$(psql_q "SELECT $cols FROM resources WHERE code = 'rule-rig-flags'")" \
		"after looking"
	expect_exit 1 rb_as mgr rules rule-rig-flags --min 9h --max 8h
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: "
	expect_exit 2 rb_as mgr rules rule-rig-flags --max eight
	expect_exit 0 rb_as mgr rules rule-rig-flags --clear
	expect_eq "0 0 0 0 0 0 0 0 false 0" "$(psql_q "SELECT $cols FROM resources WHERE code = 'rule-rig-flags'")" "after --clear"
}
