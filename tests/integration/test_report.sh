# The filing report with the real client: a known week (2-6 March 2026,
# Asia/Shanghai) of the fixture's space rep-space, whose figures are worked
# out by hand below; clipping at the edges of the range; a resource without
# opening hours; CSV read back by Python's csv module; who may report on
# what; dates refused.  Resources: rep-*.
#
# The week, local times (UTC+8), Monday 2 to Friday 6 March:
#
# rep-lathe (rep-works): Mon-Fri 09:00-17:00; Wed 4 an exception 09:00-12:00;
#   Thu 5 a maintenance closure 13:00-15:00.
#   open = 8 (Mon) + 8 (Tue) + 3 (Wed) + (8 - 2) (Thu) + 8 (Fri) = 33 h = 118800 s
#   L1 Mon 09:00-12:00 completed, rep-a, in 09:10 out 11:40: booked 3 h, used 2 h 30
#   L2 Tue 13:00-17:00 no-show, rep-b: booked 4 h, used 0
#   L3 Thu 09:00-11:00 completed, rep-b, in 08:50 out 11:30: booked 2 h, used 2 h 40
#   L4 Fri 10:00-12:00 cancelled: not counted
#   booked = 3 + 4 + 2 = 9 h = 32400 s; used = 2:30 + 2:40 = 5 h 10 = 18600 s (5.17 h)
#   used/open = 18600 / 118800 = 15.66 %; booked/open = 9 / 33 = 27.27 %
#   startups served: rep-a, rep-b = 2; bookings 3; no-shows 1
#   revenue: L1 150.00 + L2 (no-show fee) 40.00 + L3 1,234.50 = 1,424.50
#   vouchers: half of L1 75.00 + half of L3 617.25 = 692.25
#
# rep-oven (rep-works): no opening hours, so open around the clock.
#   open = 5 x 24 h = 120 h = 432000 s
#   O1 Sun 1 20:00 - Mon 2 04:00 completed, rep-a, used throughout: clipped to
#      Mon 00:00-04:00, booked 4 h, used 4 h (charged on Sun 1: not in range)
#   O2 Fri 6 18:00 - Sat 7 06:00 completed, rep-c, in 18:30 out Sat 05:00:
#      clipped to Fri 24:00, booked 6 h, used 5 h 30
#   O3 Wed 10:00-14:00 no-show, rep-c: booked 4 h, used 0
#   O4 Tue 08:00-09:00 no-show, rep-a: booked 1 h
#   O5 Mon 9 10:00-12:00: after the range, not counted
#   booked = 4 + 6 + 4 + 1 = 15 h = 54000 s; used = 4 + 5.5 = 9.5 h = 34200 s
#   used/open = 9.5 / 120 = 7.92 %; booked/open = 15 / 120 = 12.50 %
#   startups served: rep-a (O1), rep-c (O2) = 2; bookings 4; no-shows 2
#   revenue: O2 120.00; vouchers 0
#
# rep-scope (rep-univ): every day 08:00-20:00.
#   open = 5 x 12 h = 60 h = 216000 s
#   S1 Mon 10:00-12:00 completed, rep-c, used 2 h; S2 requested: not counted
#   booked 2 h = 7200 s, used 2 h; 3.33 % and 3.33 %; startups 1; bookings 1
#   revenue 50.00; vouchers 0
#
# total: open 33 + 120 + 60 = 213 h = 766800 s; booked 9 + 15 + 2 = 26 h =
#   93600 s; used 18600 + 34200 + 7200 = 60000 s = 16.67 h;
#   used/open = 60000 / 766800 = 7.82 %; booked/open = 93600 / 766800 = 12.21 %
#   startups served: rep-a, rep-b, rep-c = 3 (each counted once, not 2+2+1)
#   bookings 3 + 4 + 1 = 8; no-shows 1 + 2 = 3
#   revenue 1,424.50 + 120.00 + 50.00 = 1,594.50; vouchers 692.25

REP_FROM=2026-03-02
REP_TO=2026-03-06

# rep_csv_rows: the last stdout as CSV, one line per row, fields joined by |
# (Python's csv module reads it; a quoting mistake shows up here).
rep_csv_rows() {
	python3 - "$RB_OUT" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    raw = f.read()
assert raw.endswith("\r\n"), "CSV lines end with CRLF"
rows = list(csv.reader(raw.splitlines(keepends=True)))
width = len(rows[0])
assert all(len(r) == width for r in rows), "every row has the header's width"
for r in rows:
    print("|".join(r))
PY
}

t_report_week_csv() {
	expect_exit 0 rb_as rep-oper report --space rep-space --from "$REP_FROM" --to "$REP_TO" --csv
	expect_eq "space|institution|resource|name|time_zone|units|hours_open|hours_booked|hours_used|used_pct|booked_pct|startups_served|bookings|no_shows|currency|revenue_fen|revenue|voucher_subsidy_fen|voucher_subsidy
rep-space|rep-works|rep-lathe|CNC lathe, \"Turn, 1\"|Asia/Shanghai|1|33.00|9.00|5.17|15.66|27.27|2|3|1|CNY|142450|1424.50|69225|692.25
rep-space|rep-works|rep-oven|Curing oven|Asia/Shanghai|1|120.00|15.00|9.50|7.92|12.50|2|4|2|CNY|12000|120.00|0|0.00
rep-space|rep-univ|rep-scope|Electron microscope|Asia/Shanghai|1|60.00|2.00|2.00|3.33|3.33|1|1|0|CNY|5000|50.00|0|0.00
rep-space|||total||3|213.00|26.00|16.67|7.82|12.21|3|8|3|CNY|159450|1594.50|69225|692.25" \
		"$(rep_csv_rows)" "report CSV"
	# The name with a comma and quotes is quoted as RFC 4180 says.
	expect_stdout_contains 'rep-lathe,"CNC lathe, ""Turn, 1""",Asia/Shanghai'
}

t_report_week_table() {
	# Not a terminal: the bars are ASCII; money as people read it.
	expect_exit 0 rb_as rep-oper report --from "$REP_FROM" --to "$REP_TO"
	expect_eq "report 2026-03-02 to 2026-03-06, every space you report on
RESOURCE   INSTITUTION  OPEN H  BOOKED H  USED H  USED/OPEN        BOOKED/OPEN  STARTUPS  BOOKINGS  NO-SHOWS  REVENUE    VOUCHERS
rep-lathe  rep-works    33.00   9.00      5.17    ##          16%  27%          2         3         1         ¥1,424.50  ¥692.25
rep-oven   rep-works    120.00  15.00     9.50    #            8%  13%          2         4         2         ¥120.00    ¥0.00
rep-scope  rep-univ     60.00   2.00      2.00                 3%  3%           1         1         0         ¥50.00     ¥0.00
total                   213.00  26.00     16.67   #            8%  12%          3         8         3         ¥1,594.50  ¥692.25" \
		"$(cat "$RB_OUT")" "report table"
	# --ascii says the same on any output.
	expect_exit 0 rb_as rep-oper report --from "$REP_FROM" --to "$REP_TO" --ascii
	expect_stdout_contains "rep-lathe  rep-works    33.00   9.00      5.17    ##          16%"
}

t_report_utf8_bars() {
	local out
	# A UTF-8 terminal gets eighths of a block: 15.66 % of ten cells is
	# 1.566 cells = 12.5 eighths -> 13: one full block and five eighths.
	out=$(LANG=C.UTF-8 LC_ALL= LC_CTYPE= script -qec \
		"'$RB_CLIENT' --server '$RB_SERVER' --token tok-rep-oper --ca '$RB_CA' report --from $REP_FROM --to $REP_TO" \
		/dev/null | tr -d '\r')
	case $out in
	*"rep-lathe  rep-works    33.00   9.00      5.17    █▋          16%"*) ;;
	*) printf 'no UTF-8 bar for rep-lathe:\n%s\n' "$out"; return 1 ;;
	esac
	# 7.92 %: 6.3 eighths -> 6: three quarters of a block.
	case $out in
	*"rep-oven   rep-works    120.00  15.00     9.50    ▊            8%"*) ;;
	*) printf 'no UTF-8 bar for rep-oven:\n%s\n' "$out"; return 1 ;;
	esac
	# A terminal whose locale is not UTF-8, or --ascii, gets '#'.
	out=$(LANG=C LC_ALL= LC_CTYPE= script -qec \
		"'$RB_CLIENT' --server '$RB_SERVER' --token tok-rep-oper --ca '$RB_CA' report --from $REP_FROM --to $REP_TO" \
		/dev/null | tr -d '\r')
	case $out in
	*"rep-lathe  rep-works    33.00   9.00      5.17    ##          16%"*) ;;
	*) printf 'C locale should get ASCII bars:\n%s\n' "$out"; return 1 ;;
	esac
	out=$(LANG=C.UTF-8 LC_ALL= LC_CTYPE= script -qec \
		"'$RB_CLIENT' --server '$RB_SERVER' --token tok-rep-oper --ca '$RB_CA' report --from $REP_FROM --to $REP_TO --ascii" \
		/dev/null | tr -d '\r')
	case $out in
	*"█"*) printf -- '--ascii drew blocks:\n%s\n' "$out"; return 1 ;;
	esac
}

t_report_edges() {
	# Monday alone: O1 (Sun 20:00 - Mon 04:00) counts from midnight: 4 h
	# booked and used of 24 h open; L1 3 h booked, 2.5 h used of 8 h;
	# S1 2 h of 12 h.
	expect_exit 0 rb_as rep-oper report --from 2026-03-02 --to 2026-03-02 --csv
	expect_eq "rep-lathe|8.00|3.00|2.50|1|1|0
rep-oven|24.00|4.00|4.00|1|1|0
rep-scope|12.00|2.00|2.00|1|1|0
|44.00|9.00|8.50|2|3|0" "$(rep_csv_rows | tail -n +2 | cut -d'|' -f3,7,8,9,12,13,14)" "Monday"
	# Saturday alone: the lathe has no hours (open 0, no utilisation);
	# O2 (Fri 18:00 - Sat 06:00, used to 05:00) counts until 06:00 booked,
	# 05:00 used, of 24 h; O2 was counted on Friday too, and charged there.
	expect_exit 0 rb_as rep-oper report --from 2026-03-07 --to 2026-03-07 --csv
	expect_eq "rep-lathe|0.00|0.00|0.00|||0|0|0|0
rep-oven|24.00|6.00|5.00|20.83|25.00|1|1|0|0
rep-scope|12.00|0.00|0.00|0.00|0.00|0|0|0|0
|36.00|6.00|5.00|13.89|16.67|1|1|0|0" \
		"$(rep_csv_rows | tail -n +2 | cut -d'|' -f3,7,8,9,10,11,12,13,14,16)" "Saturday"
	# Friday alone: O2 from 18:00 to midnight, 6 h booked, 5.5 h used.
	expect_exit 0 rb_as rep-oper report --from 2026-03-06 --to 2026-03-06 --csv
	expect_eq "rep-oven|24.00|6.00|5.50|1|12000" \
		"$(rep_csv_rows | grep '^rep-space|rep-works|rep-oven' | cut -d'|' -f3,7,8,9,12,16)" "Friday"
}

t_report_scope() {
	local all
	# A manager: the resources of their institution only (rep-scope is
	# rep-univ's): 33 + 120 = 153 h open; startups rep-a, rep-b, rep-c.
	expect_exit 0 rb_as rep-mgr report --from "$REP_FROM" --to "$REP_TO" --csv
	expect_eq "rep-lathe
rep-oven" "$(rep_csv_rows | tail -n +2 | cut -d'|' -f3)" "a manager's resources"
	expect_eq "153.00|24.00|14.67|3|7|3" \
		"$(rep_csv_rows | tail -n 1 | cut -d'|' -f7,8,9,12,13,14)" "a manager's total"
	# An admin: any space, one with --space.
	expect_exit 0 rb_as adm report --space rep-space --from "$REP_FROM" --to "$REP_TO" --csv
	expect_eq "rep-space|||total||3|213.00|26.00|16.67|7.82|12.21|3|8|3|CNY|159450|1594.50|69225|692.25" \
		"$(rep_csv_rows | tail -n 1)" "admin, one space"
	expect_exit 0 rb_as adm report --from "$REP_FROM" --to "$REP_TO" --csv
	all=$(rep_csv_rows)
	grep -q '^rep-space|rep-works|rep-lathe|' <<<"$all" || { echo "admin misses rep-lathe"; return 1; }
	grep -q '^test-space|test-works|dyno-1|' <<<"$all" || { echo "admin misses dyno-1"; return 1; }
	grep -q '^other-space|optics-inst|coater|' <<<"$all" || { echo "admin misses coater"; return 1; }
	# An operator of another space.
	expect_exit 1 rb_as oper report --space rep-space --from "$REP_FROM" --to "$REP_TO"
	expect_stderr_contains "rigbook: PERMISSION_DENIED: the report of Report Test Space is for its operators and admins"
	# ... and without --space sees only their own.
	expect_exit 0 rb_as oper report --from "$REP_FROM" --to "$REP_TO" --csv
	expect_stdout_lacks "rep-lathe"
	expect_stdout_contains "test-space,test-works,dyno-1,"
	# A manager of another space's institution.
	expect_exit 1 rb_as mgr-other report --space rep-space --from "$REP_FROM" --to "$REP_TO"
	expect_stderr_contains "rigbook: PERMISSION_DENIED: a manager reports on the resources of their own institution, which is not in Report Test Space"
	# Members are refused in the dispatch table, by the rule.
	expect_exit 1 rb_as rep-ann report --from "$REP_FROM" --to "$REP_TO"
	expect_stderr_contains "rigbook: PERMISSION_DENIED: report is for managers of the host institution, operators of the space and admins, not for a member"
	expect_exit 1 rb_as adm report --space no-such-space --from "$REP_FROM" --to "$REP_TO"
	expect_stderr_contains "rigbook: NOT_FOUND: no space is called no-such-space"
}

t_report_bad_dates() {
	local before
	before=$(bookings_digest)
	expect_exit 1 rb_as rep-oper report --from 2026-03-06 --to 2026-03-05
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: the report ends (to 2026-03-05) before it begins (from 2026-03-06)"
	# 366 days are allowed (2024 was a leap year), 367 are not.
	expect_exit 0 rb_as rep-oper report --from 2024-01-01 --to 2024-12-31 --csv
	expect_exit 1 rb_as rep-oper report --from 2025-03-01 --to 2026-03-02
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: a report covers at most 366 days; from 2025-03-01 to 2026-03-02 is 367 days"
	expect_exit 1 rb_as rep-oper report --from 2026-02-30 --to 2026-03-02
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: 2026-02-30 is not a date of the calendar"
	# Not dates at all: the client says so before asking.
	expect_exit 2 rb_as rep-oper report --from 2026-3-1 --to 2026-03-02
	expect_stderr_contains "--from: '2026-3-1' is not a date; give it as YYYY-MM-DD"
	expect_exit 2 rb_as rep-oper report --from 2026-03-01
	expect_stderr_contains "report needs --from DATE and --to DATE"
	expect_exit 2 rb_as rep-oper report --from 2026-03-01 --to 2026-03-02 --csv --json
	expect_eq "$before" "$(bookings_digest)" "bookings after the refusals"
}

t_report_json() {
	expect_exit 0 rb_as rep-oper report --space rep-space --from "$REP_FROM" --to "$REP_TO" --json
	expect_eq "[118800, 32400, 18600, 142450, 69225]" \
		"$(json '[d["resources"][0][k] for k in ("open_seconds", "booked_seconds", "used_seconds", "revenue", "voucher_subsidy")]')" \
		"rep-lathe in JSON"
	expect_eq "¥1,594.50|3|15.66" \
		"$(json 'd["total"]["revenue_text"] + "|" + str(d["total"]["startups_served"]) + "|" + str(d["resources"][0]["used_pct"])')" \
		"JSON total"
}

t_report_units() {
	# rep-bench has two units and no hours: Monday is 2 x 24 = 48 h open;
	# two 4 h bookings (unit 1 10:00-14:00, unit 2 14:00-18:00) are 8 h
	# booked and used: 8 / 48 = 16.67 %.
	expect_exit 0 rb_as adm report --space rep-other --from 2026-03-02 --to 2026-03-02 --csv
	expect_eq "rep-bench|2|48.00|8.00|8.00|16.67|16.67|1|2
|2|48.00|8.00|8.00|16.67|16.67|1|2" \
		"$(rep_csv_rows | tail -n +2 | cut -d'|' -f3,6,7,8,9,10,11,12,13)" "two units"
}

t_report_open_from_creation() {
	# rep-new is created (put in service) on Wednesday 4 March at noon: no
	# hours, so open around the clock from then on; the week counts
	# Wed 12 h + Thu 24 h + Fri 24 h = 60 h, times two units = 120 h (the
	# day of creation alone 2 x 12 h = 24 h), not
	# the whole week; a range before its creation has no line for it, and
	# Monday 2 March (t_report_units) none either.
	expect_exit 0 rb_as adm resource add rep-new --name "Bench put in service" --kind instrument \
		--institution rep-lab
	psql_q "UPDATE resources SET created_at = '2026-03-04 12:00+08' WHERE code = 'rep-new'" >/dev/null
	psql_q "INSERT INTO resource_units (resource_id, unit_no) SELECT id, 2 FROM resources WHERE code = 'rep-new'" >/dev/null
	expect_exit 0 rb_as adm report --space rep-other --from "$REP_FROM" --to "$REP_TO" --csv
	expect_eq "rep-new|2|120.00|0.00" \
		"$(rep_csv_rows | grep '^rep-other|rep-lab|rep-new|' | cut -d'|' -f3,6,7,8)" "open from creation"
	expect_exit 0 rb_as adm report --space rep-other --from 2026-03-04 --to 2026-03-04 --csv
	expect_eq "rep-new|24.00" \
		"$(rep_csv_rows | grep '^rep-other|rep-lab|rep-new|' | cut -d'|' -f3,7)" "the day of creation"
	expect_exit 0 rb_as adm report --space rep-other --from 2025-01-01 --to 2025-12-31 --csv
	expect_stdout_lacks "rep-new"
	expect_exit 0 rb_as adm report --space rep-other --from 2026-03-01 --to 2026-03-03 --csv
	expect_stdout_lacks "rep-new"
}
