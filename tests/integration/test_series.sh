# Recurring bookings with the real client: a series is booked through the
# booking path occurrence by occurrence, in one transaction; all or nothing
# unless --skip-conflicts; the local time holds across DST; rules count the
# series' own occurrences; a series is cancelled whole or one by one.
# Resources: ser-*.

ser_refuse() {
	local code=$1 phrase=$2 before
	shift 2
	before=$(bookings_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after the refusal"
}

# ser_usage PHRASE ARGS...: a usage error (exit 2) that changes nothing.
ser_usage() {
	local phrase=$1 before
	shift
	before=$(bookings_digest)
	expect_exit 2 rb_as alice "$@"
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after a usage error"
}

# ser_local CODE: the local start of every active booking of a resource, in order.
ser_local() {
	psql_q "SELECT string_agg(to_char(lower(b.during) AT TIME ZONE r.time_zone, 'YYYY-MM-DD HH24:MI'), ',' ORDER BY lower(b.during))
	          FROM bookings b JOIN resources r ON r.id = b.resource_id
	         WHERE r.code = '$1' AND b.state NOT IN ('cancelled', 'declined')"
}

ser_count() {
	psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
	         WHERE r.code = '$1' AND b.state NOT IN ('cancelled', 'declined')"
}

t_series_weekly() {
	local d sid
	d=$(rb_day 400)
	expect_exit 0 rb_as alice book ser-weekly --from "$d 10:00" --to "$d 12:00" --every week --count 4 --note "endurance run"
	expect_stdout_contains "booked series "
	expect_stdout_contains "every week: 4 of 4 bookings (Asia/Shanghai)"
	expect_stdout_contains "$(date -u -d "$d + 21 days" +%F) 10:00"
	sid=$(psql_q "SELECT max(id) FROM booking_series")
	expect_eq "$(date -u -d "$d" +%F) 10:00,$(date -u -d "$d + 7 days" +%F) 10:00,$(date -u -d "$d + 14 days" +%F) 10:00,$(date -u -d "$d + 21 days" +%F) 10:00" \
		"$(ser_local ser-weekly)" "the occurrences"
	expect_eq "4|1,2,3,4|endurance run|confirmed" \
		"$(psql_q "SELECT count(*) || '|' || string_agg(series_no::text, ',' ORDER BY series_no) || '|' || min(note) || '|' || min(state::text)
		             FROM bookings WHERE series_id = $sid")" "the series' bookings"
	expect_eq "4|7|alice" "$(psql_q "SELECT s.occurrences || '|' || s.every_days || '|' || m.handle
	                                   FROM booking_series s JOIN members m ON m.id = s.member_id WHERE s.id = $sid")" "the series row"
	# bookings shows where each stands in its series
	expect_exit 0 rb_as alice bookings --resource ser-weekly
	expect_stdout_contains "series $sid, 1 of 4"
	expect_stdout_contains "series $sid, 4 of 4"
	# --json: the bookings in order, nothing skipped
	expect_exit 0 rb_as alice book ser-weekly --from "$d 14:00" --to "$d 15:00" --every "2 weeks" --count 2 --json
	expect_eq "2|14|[]" "$(json 'str(len(d["bookings"])) + "|" + str((d["bookings"][1]["start"] - d["bookings"][0]["start"]) // 86400) + "|" + str(d["skipped"])')" "json series"
	expect_eq "1,2" "$(json '",".join(str(b["series_no"]) for b in d["bookings"])')" "json series_no"
	expect_eq false "$(json 'd["replayed"]')" "replayed"
}

t_series_all_or_nothing() {
	local d d2 d3 before
	d=$(rb_day 410)
	d2=$(date -u -d "$d + 7 days" +%F)
	d3=$(date -u -d "$d + 21 days" +%F)
	expect_exit 0 rb_as carol book ser-clash --from "$d2 11:00" --to "$d2 13:00"
	expect_exit 0 rb_as mgr hours ser-clash 'mon-sun 08:00-18:00'
	expect_exit 0 rb_as carol book ser-clash --from "$d3 09:00" --to "$d3 10:30"
	before=$(psql_q "SELECT count(*) FROM booking_series")
	ser_refuse CONFLICT "nothing was booked: 2 of the 6 bookings of ser-clash every week are refused" \
		rb_as alice book ser-clash --from "$d 10:00" --to "$d 12:00" --every week --count 6
	expect_stderr_contains "2  $d2 10:00-12:00: ser-clash is already booked 11:00-13:00 on $d2 (Asia/Shanghai)"
	expect_stderr_contains "4  $d3 10:00-12:00: ser-clash is already booked 09:00-10:30 on $d3 (Asia/Shanghai)"
	expect_eq 2 "$(ser_count ser-clash)" "bookings of ser-clash"
	expect_eq "$before" "$(psql_q "SELECT count(*) FROM booking_series")" "series rows"
	# refusals by the hours are listed with their reason too: the weekend of a daily series
	expect_exit 0 rb_as mgr hours ser-clash 'mon-fri 08:00-18:00'
	ser_refuse FAILED_PRECONDITION "nothing was booked: 2 of the 7 bookings of ser-clash every day are refused" \
		rb_as alice book ser-clash --from "$(date -u -d "$d + 40 days" +%F) 10:00" --to "$(date -u -d "$d + 40 days" +%F) 12:00" --every day --count 7
	expect_stderr_contains "is outside the opening hours of ser-clash"
	# (all three are outside the hours: each is listed)
	expect_exit 1 rb_as alice book ser-clash --from "$(date -u -d "$d + 30 days" +%F) 17:00" --to "$(date -u -d "$d + 30 days" +%F) 19:00" --every day --count 3 --json
	expect_eq "null|0|3" "$(json 'str(d["series_id"]).replace("None", "null") + "|" + str(len(d["bookings"])) + "|" + str(len(d["refused"]))')" "json refusal"
	expect_eq "FAILED_PRECONDITION|outside the opening hours of ser-clash" \
		"$(json 'd["refused"][2]["code"] + "|" + ("outside the opening hours of ser-clash" if "outside the opening hours of ser-clash" in d["refused"][2]["reason"] else d["refused"][2]["reason"])')" "json reason"
	expect_eq 2 "$(ser_count ser-clash)" "bookings of ser-clash after the refusals"
}

t_series_skip_conflicts() {
	local d d2 sid
	d=$(rb_day 420)
	d2=$(date -u -d "$d + 14 days" +%F)
	expect_exit 0 rb_as carol book ser-skip --from "$d2 09:00" --to "$d2 11:00"
	expect_exit 0 rb_as alice book ser-skip --from "$d 10:00" --to "$d 12:00" --every week --count 4 --skip-conflicts
	expect_stdout_contains "3 of 4 bookings"
	expect_stdout_contains "skipped 1:"
	expect_stdout_contains "3  $d2 10:00-12:00: ser-skip is already booked 09:00-11:00 on $d2 (Asia/Shanghai)"
	sid=$(psql_q "SELECT max(id) FROM booking_series")
	expect_eq "1,2,4" "$(psql_q "SELECT string_agg(series_no::text, ',' ORDER BY series_no) FROM bookings WHERE series_id = $sid")" "booked occurrences"
	expect_eq "3|RB409" "$(psql_q "SELECT (skipped->0->>'n') || '|' || (skipped->0->>'code') FROM booking_series WHERE id = $sid")" "recorded skip"
	expect_exit 0 rb_as alice bookings --resource ser-skip
	expect_stdout_contains "series $sid, 4 of 4"
	# every occurrence refused: nothing is booked, even when skipping
	ser_refuse CONFLICT "nothing was booked: 1 of the 1 bookings" \
		rb_as alice book ser-skip --from "$d2 10:00" --to "$d2 12:00" --every week --count 1 --skip-conflicts
}

t_series_dst() {
	local y sid
	y=$(($(date -u +%Y) + 2))
	# four weeks from 10 March: three before the last Sunday of March, when
	# DST starts in Berlin, and one after it
	expect_exit 0 rb_as alice book ser-berlin --from "$y-03-10 10:00" --to "$y-03-10 11:30" --every week --count 4 --json
	sid=$(json 'd["series_id"]')
	expect_eq "$y-03-10 10:00,$y-03-17 10:00,$y-03-24 10:00,$y-03-31 10:00" "$(ser_local ser-berlin)" "local starts in Berlin"
	expect_eq "09:00-10:30,09:00-10:30,09:00-10:30,08:00-09:30" \
		"$(psql_q "SELECT string_agg(to_char(lower(during) AT TIME ZONE 'UTC', 'HH24:MI') || '-' || to_char(upper(during) AT TIME ZONE 'UTC', 'HH24:MI'), ',' ORDER BY series_no) FROM bookings WHERE series_id = $sid")" \
		"UTC windows"
	expect_eq "$y-03-31 10:00" "$(json 'd["bookings"][3]["start_local"]')" "the client shows the local time"
	# across the autumn change too, every two weeks
	expect_exit 0 rb_as alice book ser-berlin --from "$y-10-10 18:00" --to "$y-10-10 19:00" --every "2 weeks" --count 3
	expect_eq "$y-10-10 18:00,$y-10-24 18:00,$y-11-07 18:00" \
		"$(psql_q "SELECT string_agg(to_char(lower(during) AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD HH24:MI'), ',' ORDER BY lower(during)) FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE r.code = 'ser-berlin' AND lower(during) > '$y-06-01'")" \
		"autumn"
}

t_series_rule_limits() {
	local d
	d=$(rb_day 430)
	expect_exit 0 rb_as mgr rules ser-limit --max-active 3
	# the series' own earlier occurrences count towards the cap
	ser_refuse FAILED_PRECONDITION "nothing was booked: 2 of the 5 bookings" \
		rb_as alice book ser-limit --from "$d 10:00" --to "$d 11:00" --every day --count 5
	expect_stderr_contains "4  $(date -u -d "$d + 3 days" +%F) 10:00-11:00: you already hold 3 future bookings of ser-limit; the limit is 3 per member"
	expect_stderr_contains "5  $(date -u -d "$d + 4 days" +%F) 10:00-11:00: you already hold 3 future bookings"
	expect_exit 0 rb_as alice book ser-limit --from "$d 10:00" --to "$d 11:00" --every day --count 5 --skip-conflicts
	expect_stdout_contains "3 of 5 bookings"
	expect_eq 3 "$(ser_count ser-limit)" "bookings of ser-limit"
	# and a single booking afterwards meets the same cap
	ser_refuse FAILED_PRECONDITION "you already hold 3 future bookings of ser-limit" \
		rb_as alice book ser-limit --from "$d 14:00" --to "$d 15:00"
	# another member has their own allowance
	expect_exit 0 rb_as bob book ser-limit --from "$d 14:00" --to "$d 15:00" --every day --count 3
}

t_series_cancel() {
	local d sid ids one
	d=$(rb_day 440)
	expect_exit 0 rb_as alice book ser-cancel --from "$d 10:00" --to "$d 12:00" --every week --count 4 --json
	sid=$(json 'd["series_id"]')
	one=$(json 'd["bookings"][1]["id"]')
	# others may not cancel it
	ser_refuse NOT_FOUND "there is no series $sid" rb_as carol cancel --series "$sid"
	ser_refuse PERMISSION_DENIED "series $sid belongs to another member of your startup" rb_as bob cancel --series "$sid"
	ser_refuse NOT_FOUND "there is no series 999999" rb_as alice cancel --series 999999
	# staff must say why
	ser_refuse INVALID_ARGUMENT "say why you cancel booking" rb_as mgr cancel --series "$sid"
	# one occurrence on its own
	expect_exit 0 rb_as alice cancel "$one"
	expect_eq cancelled "$(booking_field "$one" state)" "the one occurrence"
	expect_eq 3 "$(ser_count ser-cancel)" "after cancelling one"
	expect_exit 0 rb_as alice bookings --resource ser-cancel --all-states
	expect_stdout_contains "series $sid, 2 of 4"
	# the rest at once
	expect_exit 0 rb_as alice cancel --series "$sid" --reason "project paused"
	expect_stdout_contains "cancelled series $sid: 3 bookings"
	expect_eq 0 "$(ser_count ser-cancel)" "after cancelling the series"
	expect_eq "3|alice|project paused" "$(psql_q "SELECT count(*) || '|' || min(m.handle) || '|' || max(b.cancel_reason) FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.series_id = $sid AND b.id <> $one")" "who and why"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM audit WHERE action = 'cancel_series' AND object_id = $sid")" "audit"
	ser_refuse FAILED_PRECONDITION "series $sid has no bookings left to cancel" rb_as alice cancel --series "$sid"
	# a manager cancels another member's series with a reason
	expect_exit 0 rb_as bob book ser-cancel --from "$d 14:00" --to "$d 15:00" --every day --count 2 --json
	sid=$(json 'd["series_id"]')
	expect_exit 0 rb_as mgr cancel --series "$sid" --reason "rig recalled" --json
	expect_eq "2|cancelled" "$(json 'str(len(d["cancelled"])) + "|" + d["cancelled"][0]["state"]')" "staff cancel"
	expect_eq "mgr|rig recalled" "$(psql_q "SELECT DISTINCT m.handle || '|' || b.cancel_reason FROM bookings b JOIN members m ON m.id = b.cancelled_by WHERE b.series_id = $sid")" "staff who and why"
}

t_series_cap() {
	local d y
	d=$(rb_day 450)
	y=$(($(date -u +%Y) + 3))
	ser_refuse INVALID_ARGUMENT "a series has at most 52 bookings, not 53" \
		rb_as alice book ser-cap --from "$d 10:00" --to "$d 11:00" --every week --count 53
	ser_refuse INVALID_ARGUMENT "a series has at most 52 bookings; until $y-12-31 it would have more" \
		rb_as alice book ser-cap --from "$d 10:00" --to "$d 11:00" --every day --until "$y-12-31"
	ser_refuse INVALID_ARGUMENT "each booking of a series repeating every 1 day(s) must fit in that time" \
		rb_as alice book ser-cap --from "$d 10:00" --to "$(date -u -d "$d + 2 days" +%F) 11:00" --every day --count 2
	# --until alone bounds the series (a bare date: that whole day)
	expect_exit 0 rb_as alice book ser-cap --from "$d 10:00" --to "$d 11:00" --every day --until "$(date -u -d "$d + 2 days" +%F)"
	expect_stdout_contains "3 of 3 bookings"
	# --count and --until: whichever ends first
	expect_exit 0 rb_as alice book ser-cap --from "$d 12:00" --to "$d 13:00" --every day --count 10 --until "$(date -u -d "$d + 1 days" +%F)"
	expect_stdout_contains "2 of 2 bookings"
}

t_series_usage() {
	local d
	d=$(rb_day 460)
	ser_usage "--every takes day, week, 'N days' or 'N weeks'" book ser-cap --from "$d 10:00" --to "$d 11:00" --every fortnight --count 2
	ser_usage "not '0 days'" book ser-cap --from "$d 10:00" --to "$d 11:00" --every "0 days" --count 2
	ser_usage "not '2 months'" book ser-cap --from "$d 10:00" --to "$d 11:00" --every "2 months" --count 2
	ser_usage "not '53 weeks'" book ser-cap --from "$d 10:00" --to "$d 11:00" --every "53 weeks" --count 2
	ser_usage "not 'weekly'" book ser-cap --from "$d 10:00" --to "$d 11:00" --every weekly --count 2
	expect_exit 0 "$RB_CLIENT" help
	expect_stdout_contains "the charges of bookings: a member's startup's, or those staff may see"
	ser_usage "--every needs --count N or --until DATE" book ser-cap --from "$d 10:00" --to "$d 11:00" --every week
	ser_usage "--count, --until and --skip-conflicts go with --every" book ser-cap --from "$d 10:00" --to "$d 11:00" --count 3
	ser_usage "--count must be a whole number" book ser-cap --from "$d 10:00" --to "$d 11:00" --every week --count x
	ser_usage "--until" book ser-cap --from "$d 10:00" --to "$d 11:00" --every week --until tomorrow
	ser_usage "give a booking id or --series, not both" cancel 12 --series 3
	ser_usage "is not a series id" cancel --series abc
	ser_usage "say which booking to cancel" cancel
}

# A retried request (same idempotency key) answers with the first result
# and books nothing more; the same key for a different request is refused.
t_series_idempotent() {
	local d s e args first
	d=$(rb_day 470)
	s=$(date -u -d "$d 02:00" +%s)
	e=$((s + 3600))
	args="(SELECT id FROM members WHERE handle = 'alice'), 'ser-idem', $s, $e, 7, 3, 0, false, '', '', 'ser-key-1', 'test'"
	first=$(psql_q "SELECT string_agg(series_id || ':' || booking_id || ':' || replayed, ',' ORDER BY n) FROM rb_book_series($args)")
	expect_eq 3 "$(ser_count ser-idem)" "first request"
	expect_eq "${first//false/true}" "$(psql_q "SELECT string_agg(series_id || ':' || booking_id || ':' || replayed, ',' ORDER BY n) FROM rb_book_series($args)")" "the retry"
	expect_eq 3 "$(ser_count ser-idem)" "after the retry"
	expect_eq "idempotency key 'ser-key-1' was already used for a different request" \
		"$(psql_q "DO \$\$ BEGIN PERFORM rb_book_series((SELECT id FROM members WHERE handle = 'alice'), 'ser-idem', $s, $e, 7, 4, 0, false, '', '', 'ser-key-1', 'test'); EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLERRM; END \$\$" 2>&1 | sed -n 's/^NOTICE:  //p')" "a different request"
}

# Occurrences go through the whole booking path: approval, the resources
# booked along, units.
t_series_booking_path() {
	local d sid id
	d=$(rb_day 480)
	expect_exit 0 rb_as mgr rules ser-approve --approval
	expect_exit 0 rb_as alice book ser-approve --from "$d 10:00" --to "$d 11:00" --every week --count 2
	expect_stdout_contains "requested bookings hold their time until staff approve or decline them"
	sid=$(psql_q "SELECT max(id) FROM booking_series")
	expect_eq "requested,requested" "$(psql_q "SELECT string_agg(state::text, ',' ORDER BY series_no) FROM bookings WHERE series_id = $sid")" "states"
	id=$(psql_q "SELECT id FROM bookings WHERE series_id = $sid AND series_no = 2")
	expect_exit 0 rb_as mgr approve "$id"
	expect_eq "requested,confirmed" "$(psql_q "SELECT string_agg(state::text, ',' ORDER BY series_no) FROM bookings WHERE series_id = $sid")" "after approving one"
	# companions are booked with every occurrence and belong to it
	expect_exit 0 rb_as mgr requires ser-main ser-chiller
	expect_exit 0 rb_as carol book ser-chiller --from "$(date -u -d "$d + 2 days" +%F) 10:30" --to "$(date -u -d "$d + 2 days" +%F) 11:00"
	ser_refuse CONFLICT "ser-chiller is already booked" \
		rb_as alice book ser-main --from "$d 10:00" --to "$d 11:00" --every day --count 3
	expect_exit 0 rb_as alice book ser-main --from "$d 10:00" --to "$d 11:00" --every day --count 3 --skip-conflicts
	sid=$(psql_q "SELECT max(id) FROM booking_series")
	expect_eq "ser-chiller:1,ser-chiller:2,ser-main:1,ser-main:2" \
		"$(psql_q "SELECT string_agg(r.code || ':' || b.series_no, ',' ORDER BY r.code, b.series_no) FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE b.series_id = $sid")" \
		"occurrences and companions"
	# cancelling the series cancels the companions with their occurrences
	expect_exit 0 rb_as alice cancel --series "$sid"
	expect_stdout_contains "cancelled series $sid: 2 bookings"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings WHERE series_id = $sid AND state <> 'cancelled'")" "after cancelling"
	# units: two series fit side by side on two units, a third does not
	expect_exit 0 rb_as mgr units ser-units 2
	expect_exit 0 rb_as alice book ser-units --from "$d 10:00" --to "$d 11:00" --every week --count 3
	expect_exit 0 rb_as carol book ser-units --from "$d 10:00" --to "$d 11:00" --every week --count 3
	expect_eq "1,1,1|2,2,2" "$(psql_q "SELECT string_agg(x, '|' ORDER BY x) FROM (SELECT string_agg(u.unit_no::text, ',' ORDER BY b.series_no) AS x FROM bookings b JOIN resource_units u ON u.id = b.unit_id JOIN resources r ON r.id = b.resource_id WHERE r.code = 'ser-units' GROUP BY b.series_id) q")" "units"
	ser_refuse CONFLICT "nothing was booked: 3 of the 3 bookings" \
		rb_as bob book ser-units --from "$d 10:00" --to "$d 11:00" --every week --count 3
	# leave no overlapping bookings of one resource for the checks that scan them all
	for sid in $(psql_q "SELECT DISTINCT b.series_id FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE r.code = 'ser-units'"); do
		expect_exit 0 rb_as mgr cancel --series "$sid" --reason "units test done"
	done
	expect_eq 0 "$(ser_count ser-units)" "bookings of ser-units left"
}

# help book says what book takes: --every with --count, --until or both.
t_series_help_says_count_or_until() {
	expect_exit 0 "$RB_CLIENT" help book
	expect_stdout_contains "--every day|week|'N days'|'N weeks' (--count N | --until DATE | --count N --until DATE)"
	grep -q -- "--count N \[--until DATE\]" "$RB_OUT" && { echo "help book still says --count is required"; return 1; }
	expect_exit 0 "$RB_CLIENT" help
	expect_stdout_contains "the charges of bookings: a member's startup's, or those staff may see"
	ser_usage "--every needs --count N or --until DATE" book ser-cap --from "$(rb_day 300) 10:00" --to "$(rb_day 300) 11:00" --every day
}
