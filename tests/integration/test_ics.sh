# bookings --ics with the real client: the stream is checked line by line
# (CRLF, 75 octets, UTF-8 kept whole, BEGIN/END balanced) and each event
# against its row in the database.  Resources: ics-*.

# ics_check FILE: fail unless FILE is a well-formed iCalendar stream; print
# one line per VEVENT: "UID DTSTART DTEND STATUS", then "SUMMARY<TAB>text"
# and "DESCRIPTION<TAB>text" (unfolded, unescaped, newlines as " | ").
ics_check() {
	python3 - "$1" <<'PY'
import sys

def fail(why):
    print("ics: " + why, file=sys.stderr)
    sys.exit(1)

data = open(sys.argv[1], "rb").read()
if not data.endswith(b"\r\n"):
    fail("the stream does not end in CRLF")
raw = data[:-2].split(b"\r\n")
for i, line in enumerate(raw, 1):
    if b"\r" in line or b"\n" in line:
        fail("line %d: a CR or LF outside a CRLF" % i)
    if len(line) > 75:
        fail("line %d: %d octets" % (i, len(line)))
    try:
        line.decode("utf-8")  # a fold inside a UTF-8 sequence fails here
    except UnicodeDecodeError as e:
        fail("line %d: not UTF-8 on its own: %s" % (i, e))
    if i > 1 and line.startswith(b" ") and len(line) < 2:
        fail("line %d: an empty continuation" % i)

lines = []
for line in raw:
    if line.startswith((b" ", b"\t")):
        if not lines:
            fail("the stream starts with a continuation")
        lines[-1] += line[1:]
    else:
        lines.append(line)
lines = [l.decode("utf-8") for l in lines]

def unescape(v):
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\":
            if i + 1 >= len(v) or v[i + 1] not in "\\;,nN":
                fail("a bad escape in %r" % v)
            out.append("\n" if v[i + 1] in "nN" else v[i + 1])
            i += 2
        else:
            if c in ";,":
                fail("an unescaped %r in %r" % (c, v))
            out.append(c)
            i += 1
    return "".join(out)

stack, events, cal = [], [], {}
for line in lines:
    name, sep, value = line.partition(":")
    if not sep or not name or not name.replace("-", "").isalnum() or name != name.upper():
        fail("not a content line: %r" % line)
    if name == "BEGIN":
        stack.append(value)
        if value == "VEVENT":
            if stack != ["VCALENDAR", "VEVENT"]:
                fail("a VEVENT outside the VCALENDAR")
            events.append({})
        elif value != "VCALENDAR" or len(stack) != 1:
            fail("unexpected BEGIN:%s" % value)
    elif name == "END":
        if not stack or stack.pop() != value:
            fail("END:%s does not close what is open" % value)
    elif stack == ["VCALENDAR", "VEVENT"]:
        if name in events[-1]:
            fail("%s twice in one VEVENT" % name)
        events[-1][name] = value
    elif stack == ["VCALENDAR"]:
        cal[name] = value
    else:
        fail("a property outside the VCALENDAR: %r" % line)
if stack:
    fail("left open: %s" % stack)
if lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
    fail("not one VCALENDAR")
for k, v in (("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")):
    if cal.get(k) != v:
        fail("%s is %r" % (k, cal.get(k)))
if not cal.get("PRODID"):
    fail("no PRODID")
uids = set()
for e in events:
    for k in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS"):
        if k not in e:
            fail("a VEVENT without %s" % k)
    for k in ("DTSTAMP", "DTSTART", "DTEND"):
        v = e[k]
        if len(v) != 16 or v[8] != "T" or v[15] != "Z" or not (v[:8] + v[9:15]).isdigit():
            fail("%s is not a UTC date-time: %r" % (k, v))
    if e["UID"] in uids:
        fail("UID %s twice" % e["UID"])
    uids.add(e["UID"])
    print(e["UID"], e["DTSTART"], e["DTEND"], e["STATUS"])
    print("SUMMARY\t" + unescape(e["SUMMARY"]))
    print("DESCRIPTION\t" + unescape(e.get("DESCRIPTION", "")).replace("\n", " | "))
PY
}

# ics_contains TEXT: the last stdout holds TEXT, octet for octet (CR and LF
# included, which grep cannot check).
ics_contains() {
	if ! python3 -c 'import sys; sys.exit(sys.argv[2].encode() not in open(sys.argv[1], "rb").read())' \
		"$RB_OUT" "$1"; then
		printf 'stdout does not contain %q:\n' "$1"
		cat -A "$RB_OUT"
		return 1
	fi
}

# ics_local_utc ZONE "YYYY-MM-DD HH:MM": that wall time in ZONE as iCalendar UTC.
ics_local_utc() {
	date -u -d "TZ=\"$1\" $2" +%Y%m%dT%H%M%SZ
}

# ics_utc ID start|end: the booking's start or end in the database, as iCalendar UTC.
ics_utc() {
	psql_q "SELECT to_char($2(during) AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"') FROM bookings WHERE id = $1"
}

# ics_event ID STATUS: the event line ics_check prints for a booking.
ics_event() {
	printf 'booking-%s@test-space %s %s %s' "$1" "$(ics_utc "$1" lower)" "$(ics_utc "$1" upper)" "$2"
}

t_ics_two_bookings() {
	local d id1 id2 out
	d=$(rb_day 530)
	expect_exit 0 rb_as alice book ics-rig --from "$d 10:00" --to "$d 12:00" \
		--note $'bring gloves, goggles; and the log\\book\nsecond line' --json
	id1=$(booking_id)
	expect_exit 0 rb_as alice book ics-berlin --from "$d 09:00" --to "$d 10:30" --json
	id2=$(booking_id)
	# Someone else's booking that day is not the caller's.
	expect_exit 0 rb_as carol book ics-berlin --from "$d 14:00" --to "$d 15:00"

	expect_exit 0 rb_as alice bookings --ics --from "$d" --to "$d"
	out=$(ics_check "$RB_OUT")
	expect_eq 2 "$(grep -c '^booking-' <<<"$out")" "VEVENTs"
	expect_eq "$(ics_event "$id1" CONFIRMED)" "$(grep "^booking-$id1@" <<<"$out")" "event of $id1"
	expect_eq "$(ics_event "$id2" CONFIRMED)" "$(grep "^booking-$id2@" <<<"$out")" "event of $id2"
	# Shanghai 10:00 and Berlin 09:00, in UTC.
	ics_contains $'\r\nDTSTART:'"$(ics_local_utc Asia/Shanghai "$d 10:00")"$'\r\n'
	ics_contains $'\r\nDTSTART:'"$(ics_local_utc Europe/Berlin "$d 09:00")"$'\r\n'
	expect_eq "$(psql_q "SELECT name FROM resources WHERE code = 'ics-rig'") (ics-rig)" \
		"$(grep -m1 $'^SUMMARY\t' <<<"$out" | cut -f2)" "summary of $id1"
	expect_eq "Booking $id1, confirmed | Member: alice | Note: bring gloves, goggles; and the log\\book | second line" \
		"$(grep -m1 $'^DESCRIPTION\t' <<<"$out" | cut -f2)" "description of $id1"
	# The long name is folded at 73 octets: 行 (3 octets) would end at 76.
	ics_contains $'\r\nSUMMARY:Calendar rig\\, bay 1\\; 日历导出测试台架，用于检验折\r\n 行与转义的长名称 (ics-rig)\r\n'
	ics_contains $'\r\nUID:booking-'"$id1"$'@test-space\r\n'
}

t_ics_states() {
	local d id1 id2 id3 out
	d=$(rb_day 531)
	expect_exit 0 rb_as mgr rules ics-ask --approval
	expect_exit 0 rb_as alice book ics-ask --from "$d 10:00" --to "$d 11:00" --json
	id1=$(booking_id)
	expect_eq requested "$(booking_field "$id1" state)" "state after booking"
	expect_exit 0 rb_as alice book ics-rig --from "$d 10:00" --to "$d 11:00" --json
	id2=$(booking_id)
	expect_exit 0 rb_as alice book ics-berlin --from "$d 10:00" --to "$d 11:00" --json
	id3=$(booking_id)
	expect_exit 0 rb_as alice cancel "$id3" --reason "plans changed"

	# Cancelled bookings only with --all-states, as in the table.
	expect_exit 0 rb_as alice bookings --ics --from "$d" --to "$d"
	out=$(ics_check "$RB_OUT")
	expect_eq "$(ics_event "$id1" TENTATIVE)
$(ics_event "$id2" CONFIRMED)" "$(grep '^booking-' <<<"$out")" "active events"
	expect_exit 0 rb_as alice bookings --ics --from "$d" --to "$d" --all-states
	out=$(ics_check "$RB_OUT")
	expect_eq 3 "$(grep -c '^booking-' <<<"$out")" "VEVENTs with --all-states"
	expect_eq "$(ics_event "$id3" CANCELLED)" "$(grep "^booking-$id3@" <<<"$out")" "cancelled event"
	ics_contains $'\r\nSTATUS:CANCELLED\r\nTRANSP:TRANSPARENT\r\n'
	expect_eq "Booking $id3, cancelled | Member: alice | Cancelled: plans changed" \
		"$(grep $'^DESCRIPTION\t' <<<"$out" | grep -F "Booking $id3," | cut -f2)" "description of $id3"
	# --resource narrows it as it narrows the table.
	expect_exit 0 rb_as alice bookings --ics --from "$d" --to "$d" --resource ics-rig
	out=$(ics_check "$RB_OUT")
	expect_eq "$(ics_event "$id2" CONFIRMED)" "$(grep '^booking-' <<<"$out")" "one resource"
	# The startup's bookings: bob sees alice's, under the same UID.
	expect_exit 0 rb_as bob bookings --ics --startup --from "$d" --to "$d" --resource ics-rig
	out=$(ics_check "$RB_OUT")
	expect_eq "$(ics_event "$id2" CONFIRMED)" "$(grep '^booking-' <<<"$out")" "the startup's"
}

t_ics_empty_and_usage() {
	local d
	d=$(rb_day 532)
	expect_exit 0 rb_as alice bookings --ics --from "$d" --to "$d"
	expect_eq "" "$(ics_check "$RB_OUT")" "events"
	expect_eq "$(printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rigbook//rigbook %s//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n_' \
		"$("$RB_CLIENT" --version | awk '{print $2}')")" "$(cat "$RB_OUT"; printf _)" "empty calendar"

	expect_exit 2 rb_as alice bookings --ics --json
	expect_stderr_contains "--ics and --json do not go together"
	expect_exit 2 rb_as alice --json bookings --ics
	expect_stderr_contains "--ics and --json do not go together"
	expect_eq "" "$(cat "$RB_OUT")" "stdout of a usage error"
	expect_exit 2 rb_as alice bookings --ics=yes
}
