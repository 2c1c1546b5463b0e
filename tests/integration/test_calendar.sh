# Reading a resource's time: free slots for a booking of some length, the
# earliest fits across resources, and the week calendar grid.  Each is
# checked against a setup whose answer is known.  Resources: fixture.sql,
# codes rule-*.

cal_plus() {
	date -u -d "$1 + $2 days" +%F
}

# cal_monday N: the Monday on or after rb_day N.
cal_monday() {
	local d
	d=$(rb_day "$1")
	date -u -d "$d + $(((8 - $(date -u -d "$d" +%u)) % 7)) days" +%F
}

# cal_free: the free windows of the last `slots --json`, as
# "START_LOCAL-END_LOCAL" joined by ", ".
cal_free() {
	json '", ".join(f["start_local"] + "-" + f["end_local"] for f in d["free"])'
}

# cal_fits: the fits of the last `find --json`, as "CODE@START_LOCAL" joined by ", ".
cal_fits() {
	json '", ".join(f["resource"] + "@" + f["start_local"] for f in d["fits"])'
}

# Hours 09-12 and a booking 10-11: the 1 h slots are 09-10 and 11-12.
t_calendar_slots() {
	local d d1 d2
	d=$(rb_day 230)
	d1=$(cal_plus "$d" 1)
	d2=$(cal_plus "$d" 2)
	expect_exit 0 rb_as mgr hours rule-rig-slots 'mon-sun 09:00-12:00'
	expect_exit 0 rb_as alice book rule-rig-slots --from "$d 10:00" --to "$d 11:00"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --length 1h --json
	expect_eq "$d 09:00-$d 10:00, $d 11:00-$d 12:00" "$(cal_free)" "1 h slots"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --json
	expect_eq "$d 09:00-$d 10:00, $d 11:00-$d 12:00" "$(cal_free)" "slots of the default length (1 h)"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --length 1h
	expect_stdout_contains "$d 09:00"
	expect_stdout_contains "$d 11:00"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --length 2h --json
	expect_eq "" "$(cal_free)" "2 h slots that day"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 2 --length 2h --json
	expect_eq "$d1 09:00-$d1 12:00" "$(cal_free)" "2 h slots over two days"
	# A buffer keeps 15 min free around the booking ...
	expect_exit 0 rb_as mgr rules rule-rig-slots --buffer 15m
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --length 30m --json
	expect_eq "$d 09:00-$d 09:45, $d 11:15-$d 12:00" "$(cal_free)" "30 min slots with a buffer"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --length 1h --json
	expect_eq "" "$(cal_free)" "1 h slots with a buffer"
	# ... and a 30 min grid clips the windows to it.
	expect_exit 0 rb_as mgr rules rule-rig-slots --slot 30m
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d" --days 1 --length 30m --json
	expect_eq "$d 09:00-$d 09:30, $d 11:30-$d 12:00" "$(cal_free)" "30 min slots on the grid"
	# Maintenance and a closed day are not free.
	expect_exit 0 rb_as mgr closure add rule-rig-slots --from "$d1 09:00" --to "$d1 10:00" --maintenance --reason "filters"
	expect_exit 0 rb_as mgr exception rule-rig-slots "$d2" --closed --reason "holiday"
	expect_exit 0 rb_as bob slots rule-rig-slots --from "$d1" --days 2 --length 1h --json
	expect_eq "$d1 10:00-$d1 12:00" "$(cal_free)" "slots around maintenance and a closed day"
	# Every slot offered can be booked.
	expect_exit 0 rb_as bob book rule-rig-slots --from "$d1 10:00" --to "$d1 12:00"
}

# The earliest fit on each matching resource, earliest first.
t_calendar_find() {
	local d d1
	d=$(rb_day 232)
	d1=$(cal_plus "$d" 1)
	expect_exit 0 rb_as mgr hours rule-find-a 'mon-sun 09:00-17:00'
	expect_exit 0 rb_as mgr hours rule-find-b 'mon-sun 13:00-15:00'
	expect_exit 0 rb_as alice book rule-find-a --from "$d 09:00" --to "$d 17:00"
	expect_exit 0 rb_as carol find --search zzfind --length 2h --from "$d" --within 5d --json
	expect_eq "rule-find-b@$d 13:00, rule-find-a@$d1 09:00" "$(cal_fits)" "2 h fits"
	expect_exit 0 rb_as carol find --search zzfind --length 2h --from "$d" --within 5d
	expect_stdout_contains rule-find-a
	expect_stdout_contains rule-find-b
	# Longer than rule-find-b ever opens.
	expect_exit 0 rb_as carol find --search zzfind --length 3h --from "$d" --within 5d --json
	expect_eq "rule-find-a@$d1 09:00" "$(cal_fits)" "3 h fits"
	# By tag and by kind.
	expect_exit 0 rb_as carol find --tag zztag --length 1h --from "$d" --within 5d --json
	expect_eq "rule-find-a@$d1 09:00" "$(cal_fits)" "fits tagged zztag"
	expect_exit 0 rb_as carol find --kind instrument --search zzfind --length 2h --from "$d" --within 5d --json
	expect_eq "rule-find-b@$d 13:00, rule-find-a@$d1 09:00" "$(cal_fits)" "instrument fits"
	expect_exit 0 rb_as carol find --kind workspace --search zzfind --length 2h --from "$d" --within 5d --json
	expect_eq "" "$(cal_fits)" "workspace fits"
	# Too short a span for anything.
	expect_exit 0 rb_as mgr closure add rule-find-b --from "$d 00:00" --to "$(cal_plus "$d" 5) 00:00" --reason "moving"
	expect_exit 0 rb_as carol find --search zzfind --length 2h --from "$d" --within 1d --json
	expect_eq "" "$(cal_fits)" "fits within one day"
}

# cal_fill FILE MONDAY: the expected grid in FILE with the week's dates put
# in: @WEEK@ (2028-W37), @FIRST@ and @LAST@ (YYYY-MM-DD), @D1@ .. @D7@ (MM-DD).
cal_fill() {
	local f=$1 mon=$2 i args=()
	args+=(-e "s/@WEEK@/$(date -u -d "$mon" +%G-W%V)/g")
	args+=(-e "s/@FIRST@/$mon/g" -e "s/@LAST@/$(cal_plus "$mon" 6)/g")
	for i in 1 2 3 4 5 6 7; do
		args+=(-e "s/@D$i@/$(date -u -d "$mon + $((i - 1)) days" +%m-%d)/g")
	done
	sed "${args[@]}" "$f"
}

# A known week: opening hours Mon-Fri 09-17, Friday closed by exception,
# alice's booking (#), bookings of others (x, also bob of her own startup),
# maintenance (M), and a cell only a third booked (still free).
t_calendar_week_grid() {
	local mon wk
	mon=$(cal_monday 240)
	wk=$(date -u -d "$mon" +%G-W%V)
	expect_exit 0 rb_as mgr hours rule-rig-cal 'mon-fri 09:00-17:00'
	expect_exit 0 rb_as mgr exception rule-rig-cal "$(cal_plus "$mon" 4)" --closed --reason "works outing"
	expect_exit 0 rb_as alice book rule-rig-cal --from "$(cal_plus "$mon" 1) 10:00" --to "$(cal_plus "$mon" 1) 12:00"
	expect_exit 0 rb_as alice book rule-rig-cal --from "$mon 16:40" --to "$mon 17:00"
	expect_exit 0 rb_as bob book rule-rig-cal --from "$mon 09:00" --to "$mon 10:00"
	expect_exit 0 rb_as carol book rule-rig-cal --from "$(cal_plus "$mon" 2) 13:00" --to "$(cal_plus "$mon" 2) 14:45"
	expect_exit 0 rb_as mgr closure add rule-rig-cal --from "$(cal_plus "$mon" 3) 09:00" \
		--to "$(cal_plus "$mon" 3) 11:00" --maintenance --reason "recalibration"

	NO_COLOR=1 expect_exit 0 rb_as alice calendar rule-rig-cal --week "$wk"
	cal_fill "$RB_SRC/tests/integration/calendar-week.expected" "$mon" >"$RB_CASE_DIR/want"
	if ! diff -u "$RB_CASE_DIR/want" "$RB_OUT"; then
		echo "calendar differs from calendar-week.expected (- expected, + got)"
		return 1
	fi
	expect_eq 0 "$(awk 'length($0) > 80' "$RB_OUT" | wc -l)" "lines wider than 80 columns"

	# The same week as data, and as another member of alice's startup sees it.
	expect_exit 0 rb_as alice calendar rule-rig-cal --week "$wk" --json
	expect_eq "$wk|9,10,11,12,13,14,15,16" "$(json 'd["week"] + "|" + ",".join(str(r["hour"]) for r in d["rows"])')" "week and rows"
	expect_eq "x..M   |.#.M   |.#..   |....   |..x.   |..x.   |....   |....   " \
		"$(json '"|".join(r["marks"] for r in d["rows"])')" "alice's marks"
	expect_exit 0 rb_as bob calendar rule-rig-cal --week "$wk" --json
	expect_eq "#..M   |.x.M   |.x..   |....   |..x.   |..x.   |....   |....   " \
		"$(json '"|".join(r["marks"] for r in d["rows"])')" "bob's marks"

	# Colour only for a terminal, and never with NO_COLOR.
	expect_exit 0 script -qec "$RB_CLIENT --server $RB_SERVER --token tok-alice --ca $RB_CA calendar rule-rig-cal --week $wk" /dev/null
	grep -q $'\033\\[' "$RB_OUT"
	expect_exit 0 env NO_COLOR=1 script -qec "$RB_CLIENT --server $RB_SERVER --token tok-alice --ca $RB_CA calendar rule-rig-cal --week $wk" /dev/null
	if grep -q $'\033' "$RB_OUT"; then
		echo "colour despite NO_COLOR"
		return 1
	fi
	expect_stdout_contains "legend:"

	# Without hours the whole day is shown, and a bad week is a usage error.
	expect_exit 0 rb_as alice calendar rule-rig-gap --week "$wk" --json
	expect_eq 24 "$(json 'len(d["rows"])')" "rows of a resource open around the clock"
	expect_exit 2 rb_as alice calendar rule-rig-cal --week 2028-W54
	expect_exit 0 rb_as alice calendar rule-rig-cal
}

# find reads --from in each resource's own zone, as every other command
# reads times, whatever the client's zone; an offset still means an instant.
# What the client can check it refuses as a usage error (exit 2).
t_calendar_find_from_in_resource_zone() {
	local d
	d=$(rb_day 240)
	expect_exit 0 rb_as mgr hours rule-find-a 'mon-sun 09:00-17:00'
	expect_exit 0 rb_as mgr hours rule-find-b 'mon-sun 13:00-15:00'
	expect_exit 0 env TZ=America/New_York "$RB_CLIENT" --server "$RB_SERVER" --token tok-carol --ca "$RB_CA" \
		find --search zzfind --length 1h --from "$d 14:00" --within 1d --json
	expect_eq "rule-find-a@$d 14:00, rule-find-b@$d 14:00" "$(cal_fits)" "14:00 in Asia/Shanghai, from New York"
	expect_exit 0 env TZ=Asia/Shanghai "$RB_CLIENT" --server "$RB_SERVER" --token tok-carol --ca "$RB_CA" \
		find --search zzfind --length 1h --from "$d 14:00" --within 1d --json
	expect_eq "rule-find-a@$d 14:00, rule-find-b@$d 14:00" "$(cal_fits)" "14:00 in Asia/Shanghai, from Shanghai"
	# An offset is an instant: 06:00Z is 14:00 in Shanghai.
	expect_exit 0 env TZ=America/New_York "$RB_CLIENT" --server "$RB_SERVER" --token tok-carol --ca "$RB_CA" \
		find --search zzfind --length 1h --from "$d 06:00Z" --within 1d --json
	expect_eq "rule-find-a@$d 14:00, rule-find-b@$d 14:00" "$(cal_fits)" "an instant"
	# Usage errors, not the server's refusals.
	expect_exit 2 rb_as carol find --search zzfind --length 1h --within 100d
	expect_stderr_contains "--within: find searches at most 92 days ahead"
	grep -q -- "--limit" "$RB_ERR" && { echo "names a --limit nobody gave"; return 1; }
	expect_exit 2 rb_as carol book rule-find-a --from "$d 12:00" --to "$d 10:00"
	expect_stderr_contains "--to $d 10:00 is not after --from $d 12:00"
	expect_exit 2 rb_as carol slots rule-find-a --days 100 --length 1h
	return 0
}

# This week's hours already gone by are not shown free: they are past ('-').
t_calendar_past_hours_shaded() {
	local now
	now=$(date +%s)
	expect_exit 0 rb_as carol calendar mill-5ax --json
	expect_eq "" "$(python3 - "$RB_OUT" "$now" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
now = int(sys.argv[2])
bad = []
for row in d["rows"]:
    h = int(row["hour"]) if "hour" in row else int(row["time"][:2])
    for i, cell in enumerate(row["cells"]):
        end = d["days"][i]["start"] + (h + 1) * 3600  # Asia/Shanghai has no DST
        if end <= now and cell == "free":
            bad.append("%s %02d:00" % (d["days"][i]["date"], h))
        if end > now + 3600 and cell == "past":
            bad.append("past but ahead: %s %02d:00" % (d["days"][i]["date"], h))
print(", ".join(bad))
PY
)" "hours gone by shown free"
	# The text grid says what '-' is when it shows one.
	if (( now - $(json 'd["days"][0]["start"]') >= 3600 )); then
		expect_exit 0 rb_as carol calendar mill-5ax
		expect_stdout_contains "'-' past"
	fi
}
