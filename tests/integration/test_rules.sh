# Booking rules, opening hours and date exceptions, set by a manager with the
# real client and enforced on members' bookings.  Every rule: accepted at the
# limit, refused one unit past it with FAILED_PRECONDITION naming the rule,
# and the bookings table unchanged by the refusal.  Each test has its own
# resource (fixture.sql, codes rule-*), so rules never leak between tests.

# rl_refuse CODE PHRASE CMD...: CMD exits 1 with "rigbook: CODE: ..." naming
# PHRASE on stderr, and the bookings table is what it was before.
rl_refuse() {
	local code=$1 phrase=$2 before
	shift 2
	before=$(bookings_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(bookings_digest)" "bookings table after the refusal"
}

# rl_monday N: the Monday on or after rb_day N.
rl_monday() {
	local d
	d=$(rb_day "$1")
	date -u -d "$d + $(((8 - $(date -u -d "$d" +%u)) % 7)) days" +%F
}

# rl_plus DATE N: DATE plus N days.
rl_plus() {
	date -u -d "$1 + $2 days" +%F
}

# rl_utc EPOCH: that instant as a client time in UTC ("YYYY-MM-DD HH:MMZ").
rl_utc() {
	date -u -d "@$1" '+%F %H:%MZ'
}

# rl_utc_of ID: start and end of booking ID in UTC, "YYYY-MM-DD HH:MM-HH:MM".
rl_utc_of() {
	psql_q "SELECT to_char(lower(during) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || '-' ||
		       to_char(upper(during) AT TIME ZONE 'UTC', 'HH24:MI') FROM bookings WHERE id = $1"
}

# rl_rule CODE COLUMN: one rule column of a resource.
rl_rule() {
	psql_q "SELECT $2 FROM resources WHERE code = '$1'"
}

t_rules_slot_grid() {
	local d
	d=$(rb_day 100)
	expect_exit 0 rb_as mgr rules rule-rig-slot --slot 30m
	expect_eq 30 "$(rl_rule rule-rig-slot slot_minutes)" "slot_minutes"
	# Start on the grid, length a multiple: accepted.
	expect_exit 0 rb_as alice book rule-rig-slot --from "$d 10:30" --to "$d 11:00"
	# A start one minute off the grid.
	rl_refuse FAILED_PRECONDITION "rule-rig-slot is booked in steps of 30 min" \
		rb_as alice book rule-rig-slot --from "$d 11:31" --to "$d 12:01"
	# A length one minute past a multiple.
	rl_refuse FAILED_PRECONDITION "rule-rig-slot is booked in steps of 30 min" \
		rb_as alice book rule-rig-slot --from "$d 12:00" --to "$d 13:31"
	expect_exit 0 rb_as alice book rule-rig-slot --from "$d 12:00" --to "$d 13:30"
}

t_rules_min_max_length() {
	local d
	d=$(rb_day 101)
	expect_exit 0 rb_as mgr rules rule-rig-len --min 1h --max 8h
	expect_eq "60|480" "$(rl_rule rule-rig-len "min_minutes || '|' || max_minutes")" "min|max"
	expect_exit 0 rb_as alice book rule-rig-len --from "$d 08:00" --to "$d 16:00"
	rl_refuse FAILED_PRECONDITION "rule-rig-len can be booked for at most 8 h" \
		rb_as alice book rule-rig-len --from "$(rl_plus "$d" 1) 08:00" --to "$(rl_plus "$d" 1) 16:01"
	expect_exit 0 rb_as alice book rule-rig-len --from "$(rl_plus "$d" 2) 10:00" --to "$(rl_plus "$d" 2) 11:00"
	rl_refuse FAILED_PRECONDITION "rule-rig-len must be booked for at least 1 h" \
		rb_as alice book rule-rig-len --from "$(rl_plus "$d" 2) 12:00" --to "$(rl_plus "$d" 2) 12:59"
}

# Notice and reach are measured from now: the windows are computed from the
# clock, in UTC, a few minutes either side of the limit.
t_rules_min_notice() {
	local now base ok bad
	expect_exit 0 rb_as mgr rules rule-rig-notice --notice 24h
	expect_eq 1440 "$(rl_rule rule-rig-notice min_notice_minutes)" "min_notice_minutes"
	now=$(date -u +%s)
	base=$((now - now % 60))
	ok=$((base + 86400 + 180))
	bad=$((base + 86400 - 60))
	expect_exit 0 rb_as alice book rule-rig-notice --from "$(rl_utc $ok)" --to "$(rl_utc $((ok + 3600)))"
	rl_refuse FAILED_PRECONDITION "rule-rig-notice must be booked at least " \
		rb_as alice book rule-rig-notice --from "$(rl_utc $bad)" --to "$(rl_utc $((bad + 120)))"
	# The limit, as people say it.
	expect_stderr_contains "must be booked at least 24 h ahead"
}

t_rules_max_ahead() {
	local now base ok bad
	expect_exit 0 rb_as mgr rules rule-rig-ahead --ahead 30d
	expect_eq 30 "$(rl_rule rule-rig-ahead max_ahead_days)" "max_ahead_days"
	now=$(date -u +%s)
	base=$((now - now % 60))
	ok=$((base + 30 * 86400 - 180))
	bad=$((base + 30 * 86400 + 180))
	expect_exit 0 rb_as alice book rule-rig-ahead --from "$(rl_utc $ok)" --to "$(rl_utc $((ok + 120)))"
	rl_refuse FAILED_PRECONDITION "rule-rig-ahead can be booked at most 30 days ahead" \
		rb_as alice book rule-rig-ahead --from "$(rl_utc $bad)" --to "$(rl_utc $((bad + 3600)))"
	# Far in the future is far past the reach.
	rl_refuse FAILED_PRECONDITION "at most 30 days ahead" \
		rb_as alice book rule-rig-ahead --from "$(rb_day 102) 10:00" --to "$(rb_day 102) 11:00"
}

t_rules_buffer() {
	local d first
	d=$(rb_day 103)
	expect_exit 0 rb_as mgr rules rule-rig-buffer --buffer 15m
	expect_eq 15 "$(rl_rule rule-rig-buffer buffer_minutes)" "buffer_minutes"
	expect_exit 0 rb_as alice book rule-rig-buffer --from "$d 10:00" --to "$d 11:00" --json
	first=$(booking_id)
	# 14 minutes after it, and 14 minutes before it: refused; another
	# startup is not told the booking's id, its own members are.
	rl_refuse FAILED_PRECONDITION "rule-rig-buffer keeps 15 min free between bookings; another booking is 10:00-11:00 on $d" \
		rb_as carol book rule-rig-buffer --from "$d 11:14" --to "$d 12:00"
	if grep -F -q "booking $first" "$RB_ERR"; then
		echo "another startup was told the id of booking $first:"
		cat "$RB_ERR"
		return 1
	fi
	rl_refuse FAILED_PRECONDITION "rule-rig-buffer keeps 15 min free between bookings; another booking is" \
		rb_as carol book rule-rig-buffer --from "$d 08:00" --to "$d 09:46"
	rl_refuse FAILED_PRECONDITION "rule-rig-buffer keeps 15 min free between bookings; booking $first" \
		rb_as bob book rule-rig-buffer --from "$d 08:00" --to "$d 09:46"
	# The same member is held to it too.
	rl_refuse FAILED_PRECONDITION "keeps 15 min free between bookings; booking $first" \
		rb_as alice book rule-rig-buffer --from "$d 11:10" --to "$d 11:40"
	# Exactly 15 minutes either side.
	expect_exit 0 rb_as carol book rule-rig-buffer --from "$d 11:15" --to "$d 12:00"
	expect_exit 0 rb_as carol book rule-rig-buffer --from "$d 08:00" --to "$d 09:45"
}

# The free unit is found by one btree step per unit (bookings_unit_start):
# a unit's active bookings never overlap, so of those starting before a window
# ends only the latest can reach into it.  Against the plain definition (the
# lowest unit with no active booking overlapping the window widened by the
# buffer), for 400 windows over a crowded stretch of three units, with and
# without a buffer, with bookings left out and with other members' bookings
# set aside as a waitlist asks.
t_rules_free_unit_by_latest_start() {
	local out free none
	expect_exit 0 rb_as mgr units rule-rig-free 3
	out=$(psql_q "
CREATE TEMP TABLE rl_free_seen (answer text);
DO \$\$
DECLARE
  r resources; m members; u record; t timestamptz; len interval;
  w tstzrange; buf int; ign bigint[]; fr tstzrange; got bigint; want bigint; who text;
BEGIN
  PERFORM setseed(0.42);
  SELECT * INTO r FROM resources WHERE code = 'rule-rig-free';
  SELECT * INTO m FROM members WHERE handle = 'alice';
  -- each unit's bookings: back to back or with gaps, of many lengths, some
  -- cancelled (they hold nothing), held by three members
  FOR u IN SELECT id FROM resource_units WHERE resource_id = r.id ORDER BY unit_no LOOP
    t := '2031-03-03 00:00+00';
    WHILE t < '2031-03-10 00:00+00' LOOP
      t := t + floor(random() * 4) * interval '30 minutes';
      len := (15 + floor(random() * 12) * 45) * interval '1 minute';
      who := (ARRAY['alice', 'bob', 'carol'])[1 + floor(random() * 3)::int];
      INSERT INTO bookings (resource_id, unit_id, member_id, during, state, note, override_reason)
      SELECT r.id, u.id, x.id, tstzrange(t, t + len),
             CASE WHEN random() < 0.15 THEN 'cancelled' ELSE 'confirmed' END::booking_state, '', ''
        FROM members x WHERE x.handle = who;
      t := t + len;
    END LOOP;
  END LOOP;
  FOR k IN 1 .. 400 LOOP
    buf := (ARRAY[0, 0, 30])[1 + k % 3];
    UPDATE resources SET buffer_minutes = buf WHERE id = r.id RETURNING * INTO r;
    t := '2031-03-02 22:00+00'::timestamptz + floor(random() * 8 * 24 * 4) * interval '15 minutes';
    w := tstzrange(t, t + (15 + floor(random() * 10) * 20) * interval '1 minute');
    ign := CASE WHEN k % 4 = 1
                THEN ARRAY(SELECT b.id FROM bookings b WHERE b.resource_id = r.id AND b.state = 'confirmed'
                            ORDER BY random() LIMIT 20)
                ELSE '{}' END;
    fr := CASE WHEN k % 5 = 2 THEN tstzrange(lower(w) - interval '1 hour', upper(w) + interval '1 hour') END;
    got := (rb_rules(m, r, w, '', ign, fr)).unit_id;
    want := (SELECT x.id FROM resource_units x
              WHERE x.resource_id = r.id AND x.retired_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM bookings b
                                 WHERE b.resource_id = r.id AND b.unit_id = x.id
                                   AND b.state NOT IN ('cancelled', 'declined') AND b.id <> ALL (ign)
                                   AND (fr IS NULL OR b.member_id = m.id OR NOT b.during && fr)
                                   AND b.during && tstzrange(lower(w) - buf * interval '1 minute',
                                                             upper(w) + buf * interval '1 minute'))
              ORDER BY x.unit_no LIMIT 1);
    IF got IS DISTINCT FROM want THEN
      RAISE EXCEPTION 'window % (buffer %, leaving out %, free %): rb_rules gives unit %, the definition %',
        w, buf, ign, fr, got, want;
    END IF;
    INSERT INTO rl_free_seen VALUES (CASE WHEN want IS NULL THEN 'none' ELSE 'unit' END);
  END LOOP;
END \$\$;
SELECT count(*) FILTER (WHERE answer = 'unit') || ' ' || count(*) FILTER (WHERE answer = 'none')
  FROM rl_free_seen;" | tail -n 1) || return 1
	# both answers, many times each, or the comparison proved little
	read -r free none <<<"$out"
	[[ ${free:-0} -ge 50 && ${none:-0} -ge 50 ]] ||
		{ echo "windows with a free unit / none: $out"; return 1; }
}

t_rules_max_active_per_member() {
	local d id
	d=$(rb_day 104)
	expect_exit 0 rb_as mgr rules rule-rig-active --max-active 3
	expect_eq 3 "$(rl_rule rule-rig-active max_active_per_member)" "max_active_per_member"
	expect_exit 0 rb_as alice book rule-rig-active --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as alice book rule-rig-active --from "$(rl_plus "$d" 1) 10:00" --to "$(rl_plus "$d" 1) 11:00"
	expect_exit 0 rb_as alice book rule-rig-active --from "$(rl_plus "$d" 2) 10:00" --to "$(rl_plus "$d" 2) 11:00"
	rl_refuse FAILED_PRECONDITION "you already hold 3 future bookings of rule-rig-active; the limit is 3 per member" \
		rb_as alice book rule-rig-active --from "$(rl_plus "$d" 3) 10:00" --to "$(rl_plus "$d" 3) 11:00"
	# Per member: another member of the same startup still may.
	expect_exit 0 rb_as bob book rule-rig-active --from "$(rl_plus "$d" 3) 10:00" --to "$(rl_plus "$d" 3) 11:00"
	# A cancelled booking no longer counts.
	expect_exit 0 rb_as alice cancel "$id"
	expect_exit 0 rb_as alice book rule-rig-active --from "$(rl_plus "$d" 3) 11:00" --to "$(rl_plus "$d" 3) 12:00"
}

t_rules_weekly_per_startup() {
	local mon next wk id
	mon=$(rl_monday 110)
	next=$(rl_plus "$mon" 7)
	wk=$(date -u -d "$mon" +%G-W%V)
	expect_exit 0 rb_as mgr rules rule-rig-weekly --weekly 8h
	expect_eq 480 "$(rl_rule rule-rig-weekly weekly_minutes_per_startup)" "weekly_minutes_per_startup"
	# Two members of acme: 4 h + 4 h is exactly the limit.
	expect_exit 0 rb_as alice book rule-rig-weekly --from "$mon 09:00" --to "$mon 13:00" --json
	id=$(booking_id)
	expect_exit 0 rb_as bob book rule-rig-weekly --from "$(rl_plus "$mon" 1) 09:00" --to "$(rl_plus "$mon" 1) 13:00"
	rl_refuse FAILED_PRECONDITION "acme would use 8 h 1 min of rule-rig-weekly in week $wk; the limit is 8 h" \
		rb_as alice book rule-rig-weekly --from "$(rl_plus "$mon" 2) 09:00" --to "$(rl_plus "$mon" 2) 09:01"
	# A booking across the week's end counts in the week it overlaps.
	rl_refuse FAILED_PRECONDITION "acme would use 10 h of rule-rig-weekly in week $wk" \
		rb_as bob book rule-rig-weekly --from "$(rl_plus "$mon" 6) 22:00" --to "$next 02:00"
	# Another startup has its own quota: 9 h refused, 8 h accepted.
	rl_refuse FAILED_PRECONDITION "beta would use 9 h of rule-rig-weekly in week $wk; the limit is 8 h" \
		rb_as carol book rule-rig-weekly --from "$(rl_plus "$mon" 3) 09:00" --to "$(rl_plus "$mon" 3) 18:00"
	expect_exit 0 rb_as carol book rule-rig-weekly --from "$(rl_plus "$mon" 3) 09:00" --to "$(rl_plus "$mon" 3) 17:00"
	# The next week starts from nothing.
	expect_exit 0 rb_as alice book rule-rig-weekly --from "$next 09:00" --to "$next 17:00"
	# Cancelling gives the time back.
	expect_exit 0 rb_as alice cancel "$id"
	expect_exit 0 rb_as alice book rule-rig-weekly --from "$(rl_plus "$mon" 2) 09:00" --to "$(rl_plus "$mon" 2) 13:00"
	expect_eq 480 "$(psql_q "SELECT sum(extract(epoch FROM upper(b.during) - lower(b.during)) / 60)::int
		FROM bookings b JOIN resources r ON r.id = b.resource_id JOIN startups s ON s.id = b.startup_id
		WHERE r.code = 'rule-rig-weekly' AND s.code = 'acme' AND b.state = 'confirmed'
		AND b.during && tstzrange('$mon 00:00+08', '$next 00:00+08')")" "acme minutes in $wk"
}

t_rules_whole_days() {
	local d
	d=$(rb_day 105)
	expect_exit 0 rb_as mgr rules rule-rig-days --whole-days
	expect_eq t "$(rl_rule rule-rig-days whole_days)" "whole_days"
	expect_exit 0 rb_as alice book rule-rig-days --from "$d 00:00" --to "$(rl_plus "$d" 1) 00:00"
	rl_refuse FAILED_PRECONDITION "rule-rig-days is booked in whole days, midnight to midnight (Asia/Shanghai)" \
		rb_as alice book rule-rig-days --from "$(rl_plus "$d" 2) 00:00" --to "$(rl_plus "$d" 3) 00:01"
	rl_refuse FAILED_PRECONDITION "rule-rig-days is booked in whole days" \
		rb_as alice book rule-rig-days --from "$(rl_plus "$d" 2) 00:01" --to "$(rl_plus "$d" 3) 00:00"
	# Several days at once.
	expect_exit 0 rb_as alice book rule-rig-days --from "$(rl_plus "$d" 3) 00:00" --to "$(rl_plus "$d" 5) 00:00"
	# Switched off again: any window.
	expect_exit 0 rb_as mgr rules rule-rig-days --no-whole-days
	expect_eq f "$(rl_rule rule-rig-days whole_days)" "whole_days after --no-whole-days"
	expect_exit 0 rb_as alice book rule-rig-days --from "$(rl_plus "$d" 2) 00:01" --to "$(rl_plus "$d" 2) 10:00"
}

t_rules_min_gap() {
	local d
	d=$(rb_day 106)
	expect_exit 0 rb_as mgr rules rule-rig-gap --min-gap 2h
	expect_eq 120 "$(rl_rule rule-rig-gap min_gap_minutes)" "min_gap_minutes"
	expect_exit 0 rb_as alice book rule-rig-gap --from "$d 10:00" --to "$d 11:00"
	# Exactly 2 h after.
	expect_exit 0 rb_as alice book rule-rig-gap --from "$d 13:00" --to "$d 14:00"
	# 1 h 59 min after, and 1 h 59 min before.
	rl_refuse FAILED_PRECONDITION "your bookings of rule-rig-gap must be at least 2 h apart" \
		rb_as alice book rule-rig-gap --from "$d 15:59" --to "$d 16:30"
	rl_refuse FAILED_PRECONDITION "your bookings of rule-rig-gap must be at least 2 h apart" \
		rb_as alice book rule-rig-gap --from "$d 07:00" --to "$d 08:01"
	expect_exit 0 rb_as alice book rule-rig-gap --from "$d 07:00" --to "$d 08:00"
	# Other members are not held to alice's gap.
	expect_exit 0 rb_as bob book rule-rig-gap --from "$d 11:00" --to "$d 12:00"
}

# Inside off-peak windows the per-member and per-startup limits do not apply.
t_rules_offpeak_relaxes_limits() {
	local d
	d=$(rb_day 107)
	expect_exit 0 rb_as mgr rules rule-rig-offpeak --max-active 1 --weekly 2h --min-gap 2h
	expect_exit 0 rb_as mgr hours rule-rig-offpeak --offpeak 'mon-sun 18:00-24:00'
	expect_eq 7 "$(psql_q "SELECT count(*) FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-offpeak' AND h.kind = 'offpeak' AND h.opens = 1080 AND h.closes = 1440")" \
		"off-peak windows"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-offpeak' AND h.kind = 'open'")" "opening windows (open all day)"
	expect_exit 0 rb_as alice book rule-rig-offpeak --from "$d 10:00" --to "$d 11:00"
	rl_refuse FAILED_PRECONDITION "you already hold 1 future booking of rule-rig-offpeak outside off-peak hours; the limit is 1 per member" \
		rb_as alice book rule-rig-offpeak --from "$(rl_plus "$d" 1) 10:00" --to "$(rl_plus "$d" 1) 11:00"
	# Entirely off-peak: past the active cap, the weekly quota and the gap.
	expect_exit 0 rb_as alice book rule-rig-offpeak --from "$d 18:00" --to "$d 22:00"
	expect_exit 0 rb_as alice book rule-rig-offpeak --from "$(rl_plus "$d" 1) 18:00" --to "$(rl_plus "$d" 2) 00:00"
	# Partly off-peak is not off-peak; the off-peak bookings held are not
	# counted against the limit, nor named in the refusal.
	rl_refuse FAILED_PRECONDITION "you already hold 1 future booking of rule-rig-offpeak outside off-peak hours; the limit is 1 per member" \
		rb_as alice book rule-rig-offpeak --from "$(rl_plus "$d" 2) 17:59" --to "$(rl_plus "$d" 2) 19:00"
	# With a limit of 2, the second booking outside off-peak hours is taken
	# although alice holds three in all.
	expect_exit 0 rb_as mgr rules rule-rig-offpeak --max-active 2 --weekly 8h
	expect_exit 0 rb_as alice book rule-rig-offpeak --from "$(rl_plus "$d" 2) 17:00" --to "$(rl_plus "$d" 2) 19:00"
	rl_refuse FAILED_PRECONDITION "you already hold 2 future bookings of rule-rig-offpeak outside off-peak hours; the limit is 2 per member" \
		rb_as alice book rule-rig-offpeak --from "$(rl_plus "$d" 5) 10:00" --to "$(rl_plus "$d" 5) 11:00"
	# Clearing the off-peak windows brings the limits back.
	expect_exit 0 rb_as mgr hours rule-rig-offpeak --offpeak --always
	rl_refuse FAILED_PRECONDITION "rule-rig-offpeak" \
		rb_as alice book rule-rig-offpeak --from "$(rl_plus "$d" 3) 18:00" --to "$(rl_plus "$d" 3) 19:00"
}

# Eight members of one startup, a 4 h weekly quota, eight 1 h bookings on
# distinct windows of one week at once: exactly four fit.
t_rules_weekly_quota_parallel() {
	local mon i day from wins=0 refused=0 rc
	mon=$(rl_monday 130)
	expect_exit 0 rb_as mgr rules rule-rig-quota --weekly 4h
	for i in 0 1 2 3 4 5 6 7; do
		day=$(rl_plus "$mon" $((i / 2)))
		from=$((9 + (i % 2) * 5))
		(
			rc=0
			"$RB_CLIENT" --server "$RB_SERVER" --token "tok-rq$i" --ca "$RB_CA" \
				book rule-rig-quota --from "$(printf '%s %02d:00' "$day" "$from")" \
				--to "$(printf '%s %02d:00' "$day" $((from + 1)))" \
				>"$RB_CASE_DIR/q$i.out" 2>"$RB_CASE_DIR/q$i.err" || rc=$?
			echo "$rc" >"$RB_CASE_DIR/q$i.rc"
		) &
	done
	wait
	for i in 0 1 2 3 4 5 6 7; do
		rc=$(cat "$RB_CASE_DIR/q$i.rc")
		if [[ $rc -eq 0 ]]; then
			wins=$((wins + 1))
		elif [[ $rc -eq 1 ]] && grep -q 'rigbook: FAILED_PRECONDITION: rules-co would use 5 h of rule-rig-quota' \
			"$RB_CASE_DIR/q$i.err"; then
			refused=$((refused + 1))
		else
			echo "client rq$i exited $rc:"
			cat "$RB_CASE_DIR/q$i.err"
		fi
	done
	expect_eq 4 "$wins" "bookings accepted"
	expect_eq 4 "$refused" "bookings refused by the quota"
	expect_eq "4|240" "$(psql_q "SELECT count(*) || '|' || coalesce(sum(extract(epoch FROM upper(b.during) - lower(b.during)) / 60)::int, 0)
		FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'rule-rig-quota' AND b.state = 'confirmed'")" "bookings|minutes in SQL"
}

t_rules_terms() {
	local d
	d=$(rb_day 108)
	expect_exit 0 rb_as mgr terms rule-rig-terms --set "Wear safety glasses. Log every run."
	expect_eq "1|Wear safety glasses. Log every run." "$(rl_rule rule-rig-terms "terms_version || '|' || terms_text")" "terms"
	rl_refuse FAILED_PRECONDITION "accept the terms of rule-rig-terms (version 1) first: rigbook terms accept rule-rig-terms" \
		rb_as alice book rule-rig-terms --from "$d 10:00" --to "$d 11:00"
	expect_exit 0 rb_as alice terms rule-rig-terms
	expect_stdout_contains "Wear safety glasses. Log every run."
	expect_exit 0 rb_as alice terms rule-rig-terms --json
	expect_eq "1 false" "$(json '"%d %s" % (d["terms"]["version"], "true" if d["terms"]["accepted"] else "false")')" "terms before accepting"
	expect_exit 0 rb_as alice terms accept rule-rig-terms
	expect_exit 0 rb_as alice terms rule-rig-terms --json
	expect_eq "1 true" "$(json '"%d %s" % (d["terms"]["version"], "true" if d["terms"]["accepted"] else "false")')" "terms after accepting"
	expect_eq 1 "$(psql_q "SELECT a.version FROM terms_acceptances a JOIN members m ON m.id = a.member_id
		JOIN resources r ON r.id = a.resource_id WHERE m.handle = 'alice' AND r.code = 'rule-rig-terms'")" \
		"accepted version"
	expect_exit 0 rb_as alice book rule-rig-terms --from "$d 10:00" --to "$d 11:00"
	# Acceptance is personal.
	rl_refuse FAILED_PRECONDITION "accept the terms of rule-rig-terms (version 1) first" \
		rb_as bob book rule-rig-terms --from "$d 12:00" --to "$d 13:00"
	# A new text is a new version, asked for again.
	expect_exit 0 rb_as mgr terms rule-rig-terms --set "Wear safety glasses and ear protection."
	expect_eq 2 "$(rl_rule rule-rig-terms terms_version)" "version after a new text"
	rl_refuse FAILED_PRECONDITION "accept the terms of rule-rig-terms (version 2) first" \
		rb_as alice book rule-rig-terms --from "$d 12:00" --to "$d 13:00"
	expect_exit 0 rb_as alice terms accept rule-rig-terms
	expect_exit 0 rb_as alice book rule-rig-terms --from "$d 12:00" --to "$d 13:00"
	# Empty text: no terms.
	expect_exit 0 rb_as mgr terms rule-rig-terms --set ""
	expect_eq 0 "$(rl_rule rule-rig-terms terms_version)" "version after clearing"
	expect_exit 0 rb_as bob book rule-rig-terms --from "$d 14:00" --to "$d 15:00"
}

# Staff may book past the rules and opening hours with a reason; never past
# an overlap or a closure.  Members may not.
t_rules_staff_override() {
	local d sat id before
	d=$(rl_monday 140)
	sat=$(rl_plus "$d" 5)
	expect_exit 0 rb_as mgr rules rule-rig-override --max 2h
	expect_exit 0 rb_as mgr hours rule-rig-override 'mon-fri 09:00-17:00'
	before=$(bookings_digest)
	expect_exit 1 rb_as alice book rule-rig-override --from "$d 09:00" --to "$d 13:00" --override "urgent"
	expect_stderr_contains "rigbook: PERMISSION_DENIED: "
	expect_stderr_contains "Test Engine Works"
	expect_exit 1 rb_as mgr-other book rule-rig-override --from "$d 09:00" --to "$d 13:00" --override "urgent"
	expect_stderr_contains "rigbook: PERMISSION_DENIED: "
	expect_eq "$before" "$(bookings_digest)" "bookings table after refused overrides"
	# Without a reason staff are held to the rules like everybody.
	rl_refuse FAILED_PRECONDITION "rule-rig-override can be booked for at most 2 h" \
		rb_as mgr book rule-rig-override --from "$d 09:00" --to "$d 13:00"
	expect_exit 0 rb_as mgr book rule-rig-override --from "$d 09:00" --to "$d 13:00" --override "calibration run" --json
	id=$(booking_id)
	expect_eq "calibration run|4" "$(psql_q "SELECT override_reason || '|' || extract(epoch FROM upper(during) - lower(during))::int / 3600
		FROM bookings WHERE id = $id")" "override recorded"
	expect_exit 0 rb_as mgr bookings --all-states --json
	expect_eq "calibration run" "$(json "[b for b in d[\"bookings\"] if int(b[\"id\"]) == $id][0][\"override_reason\"]")" "override shown"
	# Outside the opening hours, on a Saturday, by an operator.
	expect_exit 0 rb_as oper book rule-rig-override --from "$sat 08:00" --to "$sat 20:00" --override "weekend campaign"
	# Never over another booking.
	rl_refuse CONFLICT "rule-rig-override is already booked 09:00-13:00 on $d" \
		rb_as mgr book rule-rig-override --from "$d 12:00" --to "$d 14:00" --override "squeeze in"
	# Never into a closure.
	expect_exit 0 rb_as mgr closure add rule-rig-override --from "$(rl_plus "$d" 1) 09:00" \
		--to "$(rl_plus "$d" 1) 17:00" --maintenance --reason "annual inspection"
	rl_refuse CONFLICT "rule-rig-override is closed for maintenance 09:00-17:00 on $(rl_plus "$d" 1) (Asia/Shanghai): annual inspection" \
		rb_as mgr book rule-rig-override --from "$(rl_plus "$d" 1) 10:00" --to "$(rl_plus "$d" 1) 11:00" --override "squeeze in"
}

# Opening hours in Asia/Shanghai (no daylight saving): windows are local.
t_rules_hours_shanghai() {
	local mon tue sat a b
	mon=$(rl_monday 150)
	tue=$(rl_plus "$mon" 1)
	sat=$(rl_plus "$mon" 5)
	expect_exit 0 rb_as mgr hours rule-rig-hours 'mon-fri 09:00-12:00,13:00-17:00'
	expect_eq "1 540 720,1 780 1020,5 540 720,5 780 1020" "$(psql_q "SELECT string_agg(weekday || ' ' || opens || ' ' || closes, ',' ORDER BY weekday, opens)
		FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-hours' AND h.kind = 'open' AND weekday IN (1, 5)")" "stored windows (Mon, Fri)"
	# A whole window, exactly.
	expect_exit 0 rb_as alice book rule-rig-hours --from "$mon 09:00" --to "$mon 12:00" --json
	a=$(booking_id)
	# One minute before it opens, one minute past closing, over lunch, a Saturday.
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-hours" \
		rb_as alice book rule-rig-hours --from "$tue 08:59" --to "$tue 10:00"
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-hours" \
		rb_as alice book rule-rig-hours --from "$tue 16:00" --to "$tue 17:01"
	rl_refuse FAILED_PRECONDITION "11:30-13:30 on $tue (Asia/Shanghai) is outside the opening hours of rule-rig-hours" \
		rb_as alice book rule-rig-hours --from "$tue 11:30" --to "$tue 13:30"
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-hours" \
		rb_as alice book rule-rig-hours --from "$sat 10:00" --to "$sat 11:00"
	expect_exit 0 rb_as alice book rule-rig-hours --from "$tue 09:00" --to "$tue 10:00" --json
	b=$(booking_id)
	# 09:00 in Shanghai is 01:00 UTC every day of the year.
	expect_eq "$mon 01:00-04:00" "$(rl_utc_of "$a")" "Monday in UTC"
	expect_eq "$tue 01:00-02:00" "$(rl_utc_of "$b")" "Tuesday in UTC"
	# The same instant given in UTC is inside too; an hour earlier is not.
	expect_exit 0 rb_as alice book rule-rig-hours --from "$tue 05:00Z" --to "$tue 06:00Z"
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-hours" \
		rb_as alice book rule-rig-hours --from "$tue 00:00Z" --to "$tue 01:00Z"
	# Adjacent windows join: open around the clock, a booking may run for days.
	expect_exit 0 rb_as mgr hours rule-rig-hours 'mon-sun 00:00-24:00'
	expect_exit 0 rb_as alice book rule-rig-hours --from "$(rl_plus "$mon" 2) 20:00" --to "$(rl_plus "$mon" 4) 08:00"
	# No hours at all: open around the clock as well.
	expect_exit 0 rb_as mgr hours rule-rig-hours --always
	expect_eq 0 "$(psql_q "SELECT count(*) FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-hours' AND h.kind = 'open'")" "windows after --always"
	expect_exit 0 rb_as alice book rule-rig-hours --from "$sat 03:00" --to "$sat 04:00"
}

# Opening hours across the spring change in Europe/Berlin: 09:00 local on
# both sides, so the UTC instants move by the hour the clocks move.
t_rules_hours_berlin_dst() {
	local year sun sat mon tue day a b c x
	year=$(date -u -d "$(rb_day 0)" +%Y)
	for day in 31 30 29 28 27 26 25; do
		if [[ $(date -u -d "$year-03-$day" +%u) -eq 7 ]]; then
			sun=$year-03-$day
			break
		fi
	done
	sat=$(rl_plus "$sun" -1)
	mon=$(rl_plus "$sun" 1)
	tue=$(rl_plus "$sun" 2)
	expect_exit 0 rb_as mgr hours rule-rig-berlin 'mon-sun 09:00-12:00'
	expect_exit 0 rb_as alice book rule-rig-berlin --from "$sat 09:00" --to "$sat 10:00" --json
	a=$(booking_id)
	expect_exit 0 rb_as alice book rule-rig-berlin --from "$mon 09:00" --to "$mon 10:00" --json
	b=$(booking_id)
	expect_eq "$sat 08:00-09:00" "$(rl_utc_of "$a")" "Saturday (CET) in UTC"
	expect_eq "$mon 07:00-08:00" "$(rl_utc_of "$b")" "Monday (CEST) in UTC"
	expect_eq 47 "$(psql_q "SELECT extract(epoch FROM (SELECT lower(during) FROM bookings WHERE id = $b)
		- (SELECT lower(during) FROM bookings WHERE id = $a))::int / 3600")" "hours between the two starts"
	# The day of the change itself opens at 09:00 summer time.
	expect_exit 0 rb_as alice book rule-rig-berlin --from "$sun 09:00" --to "$sun 12:00" --json
	c=$(booking_id)
	expect_eq "$sun 07:00-10:00" "$(rl_utc_of "$c")" "the change day in UTC"
	# One UTC window, open on one side of the change only: 10:30Z is 11:30
	# in winter (open) but 12:30 in summer (closed) ...
	expect_exit 0 rb_as bob book rule-rig-berlin --from "$sat 10:30Z" --to "$sat 11:00Z"
	rl_refuse FAILED_PRECONDITION "12:30-13:00 on $tue (Europe/Berlin) is outside the opening hours of rule-rig-berlin" \
		rb_as bob book rule-rig-berlin --from "$tue 10:30Z" --to "$tue 11:00Z"
	# ... and 07:30Z is 08:30 in winter (closed) but 09:30 in summer (open).
	rl_refuse FAILED_PRECONDITION "08:30-09:00 on $sat (Europe/Berlin) is outside the opening hours of rule-rig-berlin" \
		rb_as bob book rule-rig-berlin --from "$sat 07:30Z" --to "$sat 08:00Z"
	expect_exit 0 rb_as bob book rule-rig-berlin --from "$tue 07:30Z" --to "$tue 08:00Z"
	# A window over the skipped hour: 01:00-04:00 local that night is two
	# hours.  Alice's booking that day is then outside the hours: cancelled.
	expect_exit 0 rb_as mgr exception rule-rig-berlin "$sun" --open '01:00-04:00' --reason "night run" --force
	expect_stdout_contains "cancelled booking $c: its holder sees why"
	expect_exit 0 rb_as carol book rule-rig-berlin --from "$sun 01:00" --to "$sun 04:00" --json
	x=$(booking_id)
	expect_eq "$sun 00:00-02:00" "$(rl_utc_of "$x")" "the night of the change in UTC"
}

t_rules_date_exceptions() {
	local mon tue sat before
	mon=$(rl_monday 160)
	tue=$(rl_plus "$mon" 1)
	sat=$(rl_plus "$mon" 5)
	expect_exit 0 rb_as mgr hours rule-rig-exc 'mon-fri 09:00-17:00'
	# A closed day.
	expect_exit 0 rb_as mgr exception rule-rig-exc "$mon" --closed --reason "public holiday"
	expect_eq "true|public holiday" "$(psql_q "SELECT e.closed || '|' || e.reason FROM date_exceptions e
		JOIN resources r ON r.id = e.resource_id WHERE r.code = 'rule-rig-exc' AND e.day = '$mon'")" "closed day row"
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-exc" \
		rb_as alice book rule-rig-exc --from "$mon 10:00" --to "$mon 11:00"
	# An extra opening on a Saturday.
	expect_exit 0 rb_as mgr exception rule-rig-exc "$sat" --open '09:00-12:00' --reason "open day"
	expect_exit 0 rb_as alice book rule-rig-exc --from "$sat 09:00" --to "$sat 12:00"
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-exc" \
		rb_as alice book rule-rig-exc --from "$sat 12:00" --to "$sat 13:00"
	# Different hours replace the day's weekly windows.
	expect_exit 0 rb_as mgr exception rule-rig-exc "$tue" --open '13:00-15:00,16:00-18:00'
	rl_refuse FAILED_PRECONDITION "outside the opening hours of rule-rig-exc" \
		rb_as alice book rule-rig-exc --from "$tue 10:00" --to "$tue 11:00"
	expect_exit 0 rb_as alice book rule-rig-exc --from "$tue 13:00" --to "$tue 15:00"
	expect_exit 0 rb_as alice book rule-rig-exc --from "$tue 17:00" --to "$tue 18:00"
	# Removed, the weekly hours apply again.
	expect_exit 0 rb_as mgr exception rule-rig-exc "$mon" --remove
	expect_exit 0 rb_as alice book rule-rig-exc --from "$mon 10:00" --to "$mon 11:00"
	before=$(bookings_digest)
	expect_exit 1 rb_as mgr exception rule-rig-exc "$mon" --remove
	expect_stderr_contains "rigbook: NOT_FOUND: "
	expect_eq "$before" "$(bookings_digest)" "bookings table"
}

# Closing a day, or changing the hours, over bookings: refused naming them,
# as a closure is; forced, they are cancelled with the reason their holders
# see.  Bookings that stay inside the hours, and staff's own bookings made
# outside them before, are left alone.
t_rules_hours_over_bookings() {
	local mon tue id1 id2 id3 before
	mon=$(rl_monday 170)
	tue=$(rl_plus "$mon" 1)
	expect_exit 0 rb_as alice book rule-rig-strand --from "$mon 10:00" --to "$mon 12:00" --json
	id1=$(booking_id)
	expect_exit 0 rb_as carol book rule-rig-strand --from "$tue 19:00" --to "$tue 20:00" --json
	id2=$(booking_id)
	expect_exit 0 rb_as carol book rule-rig-strand --from "$tue 10:00" --to "$tue 11:00" --json
	id3=$(booking_id)
	rl_refuse CONFLICT "closing on $mon would leave bookings of rule-rig-strand outside its opening hours: booking $id1 (10:00-12:00 on $mon (Asia/Shanghai), alice)" \
		rb_as mgr exception rule-rig-strand "$mon" --closed --reason "power cut"
	expect_stderr_contains "force it to cancel them"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM date_exceptions e JOIN resources r ON r.id = e.resource_id
		WHERE r.code = 'rule-rig-strand'")" "no exception written"
	expect_eq confirmed "$(booking_field "$id1" state)" "booking after the refusal"
	expect_exit 0 rb_as mgr exception rule-rig-strand "$mon" --closed --reason "power cut" --force
	expect_stdout_contains "cancelled booking $id1: its holder sees why"
	expect_eq "cancelled|closed on $mon: power cut" \
		"$(psql_q "SELECT state || '|' || cancel_reason FROM bookings WHERE id = $id1")" "the forced cancellation"
	expect_exit 0 rb_as alice bookings --resource rule-rig-strand --all-states --json
	expect_eq "closed on $mon: power cut" \
		"$(json "[b['cancel_reason'] for b in (d if isinstance(d, list) else d['bookings']) if b['id'] == $id1][0]")" \
		"what alice sees"
	# Opening hours that leave the evening booking out: refused, then forced.
	before=$(bookings_digest)
	expect_exit 1 rb_as mgr hours rule-rig-strand 'mon-sun 08:00-18:00'
	expect_stderr_contains "rigbook: CONFLICT: the new opening hours would leave bookings of rule-rig-strand outside its opening hours: booking $id2 (19:00-20:00 on $tue (Asia/Shanghai), carol)"
	expect_eq "$before" "$(bookings_digest)" "bookings after the refusal"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM opening_hours h JOIN resources r ON r.id = h.resource_id
		WHERE r.code = 'rule-rig-strand'")" "hours unchanged"
	expect_exit 0 rb_as mgr hours rule-rig-strand 'mon-sun 08:00-18:00' --force
	expect_stdout_contains "cancelled booking $id2: its holder sees why"
	expect_stdout_lacks "cancelled booking $id3"
	expect_eq "cancelled|opening hours changed" \
		"$(psql_q "SELECT state || '|' || cancel_reason FROM bookings WHERE id = $id2")" "the evening booking"
	expect_eq confirmed "$(booking_field "$id3" state)" "the booking inside the hours"
	# A change that strands nothing needs no force.
	expect_exit 0 rb_as mgr exception rule-rig-strand "$tue" --open '09:00-12:00' --reason "short day"
	expect_stdout_lacks "cancelled booking"
}

# Per startup: the future bookings all its members hold together.
t_rules_max_active_per_startup() {
	local d
	d=$(rb_day 180)
	expect_exit 0 rb_as mgr rules rule-rig-scap --max-active-startup 2
	expect_eq 2 "$(rl_rule rule-rig-scap max_active_per_startup)" "max_active_per_startup"
	expect_exit 0 rb_as mgr rules rule-rig-scap --json
	expect_eq 2 "$(json '(d.get("resource") or d)["rules"]["max_active_per_startup"]')" "in JSON"
	expect_exit 0 rb_as mgr rules rule-rig-scap
	expect_stdout_contains "at most 2 future bookings per startup"
	expect_exit 0 rb_as alice book rule-rig-scap --from "$d 10:00" --to "$d 11:00"
	expect_exit 0 rb_as bob book rule-rig-scap --from "$(rl_plus "$d" 1) 10:00" --to "$(rl_plus "$d" 1) 11:00"
	rl_refuse FAILED_PRECONDITION "acme already holds 2 future bookings of rule-rig-scap; the limit is 2 per startup" \
		rb_as alice book rule-rig-scap --from "$(rl_plus "$d" 2) 10:00" --to "$(rl_plus "$d" 2) 11:00"
	# Another startup has a cap of its own.
	expect_exit 0 rb_as carol book rule-rig-scap --from "$(rl_plus "$d" 2) 10:00" --to "$(rl_plus "$d" 2) 11:00"
	# Off: back to no cap.
	expect_exit 0 rb_as mgr rules rule-rig-scap --max-active-startup 0
	expect_exit 0 rb_as alice book rule-rig-scap --from "$(rl_plus "$d" 3) 10:00" --to "$(rl_plus "$d" 3) 11:00"
}

# Per member: the hours one member books in an ISO week.
t_rules_weekly_per_member() {
	local mon wk
	mon=$(rl_monday 190)
	wk=$(date -u -d "$mon" +%G-W%V)
	expect_exit 0 rb_as mgr rules rule-rig-mweek --weekly-member 4h
	expect_eq 240 "$(rl_rule rule-rig-mweek weekly_minutes_per_member)" "weekly_minutes_per_member"
	expect_exit 0 rb_as mgr rules rule-rig-mweek
	expect_stdout_contains "4 h a week per member"
	expect_exit 0 rb_as alice book rule-rig-mweek --from "$mon 09:00" --to "$mon 12:00"
	rl_refuse FAILED_PRECONDITION "you would use 5 h of rule-rig-mweek in week $wk; the limit is 4 h per member" \
		rb_as alice book rule-rig-mweek --from "$(rl_plus "$mon" 1) 09:00" --to "$(rl_plus "$mon" 1) 11:00"
	expect_exit 0 rb_as alice book rule-rig-mweek --from "$(rl_plus "$mon" 1) 09:00" --to "$(rl_plus "$mon" 1) 10:00"
	# Another member of the same startup has hours of their own.
	expect_exit 0 rb_as bob book rule-rig-mweek --from "$(rl_plus "$mon" 2) 09:00" --to "$(rl_plus "$mon" 2) 13:00"
	# The next week starts from nothing.
	expect_exit 0 rb_as alice book rule-rig-mweek --from "$(rl_plus "$mon" 7) 09:00" --to "$(rl_plus "$mon" 7) 13:00"
}
