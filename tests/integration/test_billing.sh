# Billing with the real client: rate cards, the charge ledger written by
# triggers on bookings, innovation vouchers, invoices with gapless numbers,
# credit notes and the settlement.  Resources: bill-*, in a space of their
# own (bill-space) with one startup per test.
#
# Completed bookings lie in the past, which the daemon refuses to book:
# they are inserted confirmed in the database, then taken through the real
# state changes (check-out, no-show, late cancellation) by UPDATE, so that
# the charging triggers run as on every real path.

# bill_insert MEMBER CODE START END STATE [EXTRA_SET]: a booking in the past
# (local times in Asia/Shanghai, "2026-03-02 10:00") inserted in STATE;
# prints its id.
bill_insert() {
	psql_q "INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, state, checked_in_at)
		SELECT r.id, (SELECT u.id FROM resource_units u WHERE u.resource_id = r.id ORDER BY u.unit_no LIMIT 1),
		       m.id, m.startup_id, tstzrange('$3+08'::timestamptz, '$4+08'::timestamptz, '[)'),
		       '$5', ${6:-NULL}
		  FROM resources r, members m WHERE r.code = '$2' AND m.handle = '$1'
		RETURNING id"
}

# bill_done MEMBER CODE START END IN OUT: a booking used from IN to OUT and
# checked out (the UPDATE a check-out makes); prints its id.
bill_done() {
	local id
	id=$(bill_insert "$1" "$2" "$3" "$4" checked_in "'$5+08'::timestamptz")
	psql_q "UPDATE bookings SET state = 'completed', checked_out_at = '$6+08' WHERE id = $id" >/dev/null
	printf '%s\n' "$id"
}

# bill_late MEMBER CODE START END: cancelled late (the UPDATE rb_cancel makes).
bill_late() {
	local id
	id=$(bill_insert "$1" "$2" "$3" "$4" confirmed)
	psql_q "UPDATE bookings SET state = 'cancelled', cancelled_at = lower(during) - interval '1 hour',
		cancelled_late = true WHERE id = $id" >/dev/null
	printf '%s\n' "$id"
}

# bill_noshow MEMBER CODE START END: confirmed, then marked by the no-show sweep.
bill_noshow() {
	local id
	id=$(bill_insert "$1" "$2" "$3" "$4" confirmed)
	psql_q "SELECT count(*) FROM rb_mark_no_shows(1000)" >/dev/null
	expect_eq no_show "$(booking_field "$id" state)" "state of $id after the sweep"
	printf '%s\n' "$id"
}

# bill_charge ID KIND: the amount in fen of the booking's line of KIND (-1: none).
bill_charge() {
	psql_q "SELECT coalesce((SELECT amount_fen FROM charges WHERE booking_id = $1 AND kind = '$2'), -1)"
}

bill_oper() {
	rb_as bill-oper "$@"
}

# Rates of the billing tests, set through the client.
bill_rates() {
	[[ -n $(psql_q "SELECT 1 FROM rate_cards c JOIN resources r ON r.id = c.resource_id WHERE r.code = 'bill-rig' LIMIT 1") ]] && return 0
	expect_exit 0 bill_oper rate set bill-rig --tier member_startup --hourly 120.00 --increment 15m \
		--minimum 50.00 --basis booked --late-fee 50% --no-show-fee 100% --from 2026-01-01
	expect_exit 0 bill_oper rate set bill-rig --tier host_internal --hourly 60 --increment 15m \
		--basis booked --from 2026-01-01
	expect_exit 0 bill_oper rate set bill-rig --tier external --hourly 200.00 --increment 30m \
		--basis booked --from 2026-01-01
	# the rate changes in the middle of March
	expect_exit 0 bill_oper rate set bill-rig --tier member_startup --hourly 150.00 --increment 15m \
		--minimum 50.00 --basis booked --late-fee 50% --no-show-fee 100% --from 2026-03-16
	expect_exit 0 bill_oper rate set bill-used --tier member_startup --hourly 100.00 --increment 15m \
		--basis used --from 2026-01-01
	expect_exit 0 bill_oper rate set bill-used --tier host_internal --hourly 100.00 --increment 15m \
		--basis greater --from 2026-01-01
	expect_exit 0 bill_oper rate set bill-used --tier external --hourly 100.00 --increment 15m \
		--basis booked --from 2026-01-01
	expect_exit 0 bill_oper rate set bill-line --tier member_startup --hourly 100.00 --increment 1h \
		--day 800.00 --day-after 8h --basis booked --from 2026-01-01
	expect_exit 0 bill_oper rate set bill-scope --tier member_startup --hourly 100.00 --increment 1h \
		--basis booked --from 2026-01-01
}

t_billing_rates() {
	expect_exit 0 bill_oper rate set bill-race --tier external --hourly 1234.50 --increment 30m \
		--minimum 10 --day 8000 --day-after 6h --basis greater --late-fee 25% --no-show-fee 75% \
		--from 2026-01-01
	expect_stdout_contains "for external from 2026-01-01: ¥1,234.50 an hour in 30-minute steps, at least ¥10.00, ¥8,000.00 a day from 6 hours; charged on greater time; late cancellation 25%, no-show 75%"
	# Set again for the same date before it charged anything: replaced.
	expect_exit 0 bill_oper rate set bill-race --tier external --hourly 99.99 --increment 30m \
		--basis booked --from 2026-01-01
	expect_eq 1 "$(psql_q "SELECT count(*) FROM rate_cards c JOIN resources r ON r.id = c.resource_id WHERE r.code = 'bill-race' AND tier = 'external'")" "external rates of bill-race"
	# The institution's manager reads them; a member may not; another space's operator may not set them.
	expect_exit 0 rb_as bill-mgr rate list bill-race
	expect_stdout_contains "¥99.99"
	expect_exit 0 rb_as bill-mgr rate list bill-race --json
	expect_eq 9999 "$(json 'd[0]["hourly"]')" "hourly in fen"
	expect_eq "¥99.99" "$(json 'd[0]["hourly_text"]')" "hourly as text"
	expect_exit 1 rb_as bill-ann rate list bill-race
	expect_stderr_contains "rigbook: PERMISSION_DENIED: list_rates is for managers of the host institution"
	expect_exit 1 rb_as bill-mgr rate set bill-race --tier external --hourly 1 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "set_rate is for operators of the space and admins, not for a manager"
	expect_exit 1 rb_as oper rate set bill-race --tier external --hourly 1 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "rigbook: PERMISSION_DENIED: only an operator of Billing Test Space or an admin can set the rates of bill-race"
	# Bad input: refused, nothing changes.
	expect_exit 2 bill_oper rate set bill-race --tier external --hourly 12.345 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "--hourly: '12.345' is not an amount"
	expect_exit 2 bill_oper rate set bill-race --tier external --hourly 12 --increment 15m --basis booked --late-fee 120% --from 2026-01-01
	expect_stderr_contains "--late-fee: '120%' is not a percentage from 0% to 100%"
	expect_exit 1 bill_oper rate set bill-race --tier vip --hourly 12 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "rigbook: INVALID_ARGUMENT: vip is not a price tier (member_startup, host_internal or external)"
	expect_exit 1 bill_oper rate set bill-race --tier external --hourly 12 --increment 15m --basis sometimes --from 2026-01-01
	expect_stderr_contains "sometimes is not a charge basis (booked, used or greater)"
	expect_exit 1 bill_oper rate set bill-race --tier external --hourly 12 --increment 15m --basis booked --from 2026-02-30
	expect_stderr_contains "2026-02-30 is not a date of the calendar"
	expect_exit 1 bill_oper rate set no-such-rig --tier external --hourly 12 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "rigbook: NOT_FOUND: no resource is called no-such-rig"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM rate_cards c JOIN resources r ON r.id = c.resource_id WHERE r.code = 'bill-race'")" "rates of bill-race after refusals"
}

# Table-driven: each row is a booking and the charge it must make.
t_billing_charges() {
	local row who code start end in out kind want id got rate_early rate_late n
	bill_rates
	while IFS='|' read -r who code start end in out kind want; do
		[[ -z $who || $who == \#* ]] && continue
		case $kind in
		usage) id=$(bill_done "$who" "$code" "2026-03-$start" "2026-03-$end" "2026-03-$in" "2026-03-$out") ;;
		late_cancel) id=$(bill_late "$who" "$code" "2026-03-$start" "2026-03-$end") ;;
		no_show) id=$(bill_noshow "$who" "$code" "2026-03-$start" "2026-03-$end") ;;
		none) id=$(bill_insert "$who" "$code" "2026-03-$start" "2026-03-$end" confirmed)
		      psql_q "UPDATE bookings SET state = 'cancelled', cancelled_at = now() WHERE id = $id" >/dev/null ;;
		esac
		got=$(psql_q "SELECT coalesce(sum(amount_fen), -1) FROM charges WHERE booking_id = $id")
		expect_eq "$want" "$got" "$who $code $start-$end ($kind)"
		if [[ $want != -1 ]]; then
			expect_eq "$kind" "$(psql_q "SELECT string_agg(kind::text, ',') FROM charges WHERE booking_id = $id")" "kind of $id"
		fi
	done <<'EOF_CASES'
# member    resource   start        end          in           out          kind         fen
# rounding up to the 15-minute increment: 70 booked -> 75 minutes at 120.00
bill-ann|bill-rig|02 10:00|02 11:10|02 10:05|02 11:00|usage|15000
# the minimum: 15 minutes would be 30.00, the minimum is 50.00
bill-ann|bill-rig|03 10:00|03 10:10|03 10:00|03 10:10|usage|5000
# each tier: host_internal 60.00/h, external 200.00/h in 30-minute steps
bill-bo|bill-rig|04 10:00|04 12:00|04 10:00|04 12:00|usage|12000
bill-cy|bill-rig|04 13:00|04 13:40|04 13:00|04 13:40|usage|20000
# the rate changes on the 16th: 150.00/h from then on
bill-ann|bill-rig|15 10:00|15 11:00|15 10:00|15 11:00|usage|12000
bill-ann|bill-rig|16 10:00|16 11:00|16 10:00|16 11:00|usage|15000
# late cancellation: 50% of the booked 2 hours at 120.00
bill-ann|bill-rig|05 10:00|05 12:00|||late_cancel|12000
# a cancellation in time costs nothing
bill-ann|bill-rig|05 14:00|05 16:00|||none|-1
# no-show (by the sweep): 100% of the booked hour
bill-ann|bill-rig|06 10:00|06 11:00|||no_show|12000
# basis used: booked 2h, used 65 minutes -> 75 at 100.00
bill-ann|bill-used|07 10:00|07 12:00|07 10:00|07 11:05|usage|12500
# basis greater: booked 1h, used 80 minutes -> 90
bill-bo|bill-used|07 13:00|07 14:00|07 13:00|07 14:20|usage|15000
# basis booked: booked 1h, used 20 minutes
bill-cy|bill-used|07 15:00|07 16:00|07 15:00|07 15:20|usage|10000
# day rate: under 8 hours by the hour, from 8 hours per started day
bill-ann|bill-line|08 08:00|08 12:00|08 08:00|08 12:00|usage|40000
bill-ann|bill-line|09 08:00|09 16:00|09 08:00|09 16:00|usage|80000
bill-ann|bill-line|10 08:00|11 14:00|10 08:00|11 14:00|usage|160000
# no rate for the tier: not charged
bill-bo|bill-line|12 08:00|12 09:00|12 08:00|12 09:00|usage|-1
EOF_CASES
	# The rate used is stored with the line; the mid-month change did not touch the lines before it.
	rate_early=$(psql_q "SELECT count(DISTINCT rate_card_id) FROM charges c JOIN resources r ON r.id = c.resource_id
		WHERE r.code = 'bill-rig' AND c.tier = 'member_startup'")
	expect_eq 2 "$rate_early" "member_startup rates used on bill-rig"
	# A rate that charged bookings cannot be replaced for its date.
	expect_exit 1 bill_oper rate set bill-rig --tier member_startup --hourly 1 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "rigbook: FAILED_PRECONDITION: the member_startup rate of bill-rig from 2026-01-01 has charged bookings already; set the new rate from a later date"
	# Exactly once: the no-show checked in after all is reversed once, the
	# check-out charges once, and a repeated UPDATE charges nothing more.
	id=$(bill_noshow bill-ann bill-rig '2026-03-20 10:00' '2026-03-20 11:00')
	psql_q "UPDATE bookings SET state = 'checked_in', checked_in_at = '2026-03-20 10:30+08' WHERE id = $id" >/dev/null
	psql_q "UPDATE bookings SET state = 'completed', checked_out_at = '2026-03-20 11:00+08' WHERE id = $id" >/dev/null
	psql_q "UPDATE bookings SET state = 'completed', usage_note = 'again' WHERE id = $id" >/dev/null
	expect_eq "no_show:15000,no_show_reversal:-15000,usage:15000" \
		"$(psql_q "SELECT string_agg(kind || ':' || amount_fen, ',' ORDER BY id) FROM charges WHERE booking_id = $id")" "lines of $id"
	# The ledger refuses changes, in the database.
	expect_exit 1 psql_q "UPDATE charges SET amount_fen = 1 WHERE booking_id = $id"
	expect_stderr_contains "charges is append-only"
	expect_exit 1 psql_q "DELETE FROM charges WHERE booking_id = $id"
	expect_exit 1 psql_q "INSERT INTO charges (booking_id, kind, startup_id, space_id, tier, currency, charged_on, amount_fen)
		SELECT id, 'usage', startup_id, 1, 'member_startup', 'CNY', '2026-03-20', 1 FROM bookings WHERE id = $id"
	# What members and staff see.
	expect_exit 0 rb_as bill-ann charges --period 2026-03
	expect_stdout_contains "bill-rig"
	expect_stdout_contains "¥150.00"
	expect_stdout_lacks "bill-bo"
	n=$(psql_q "SELECT count(*) FROM charges c JOIN startups s ON s.id = c.startup_id WHERE s.code = 'bill-a' AND c.charged_on BETWEEN '2026-03-01' AND '2026-03-31'")
	expect_exit 0 rb_as bill-ann charges --period 2026-03 --json
	expect_eq "$n" "$(json 'len(d)')" "bill-a's March lines"
	expect_exit 1 rb_as bill-ann charges --startup bill-b
	expect_stderr_contains "members see only their own startup's charges, not those of bill-b"
	expect_exit 0 bill_oper charges --period 2026-03 --startup bill-c --csv
	expect_stdout_contains "id,date,startup,resource,institution,booking,kind,tier,minutes,currency,amount,rate,invoice,description"
	expect_stdout_contains ",bill-c,bill-rig,bill-works,"
	expect_stdout_contains ",usage,external,60,CNY,200.00,"
	expect_exit 2 bill_oper charges --period 2026-13
	expect_stderr_contains "--period: '2026-13' is not a month"
}

# The real path: booked with the client, checked in and out with the client.
t_billing_checkout_charges() {
	local d id
	bill_rates
	d=$(rb_day 600)
	expect_exit 0 rb_as bill-ann book bill-rig --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	psql_q "UPDATE bookings SET during = tstzrange(now() - interval '10 minutes', now() + interval '50 minutes') WHERE id = $id" >/dev/null
	expect_exit 0 rb_as bill-ann checkin "$id"
	expect_eq -1 "$(bill_charge "$id" usage)" "charge before the check-out"
	expect_exit 0 rb_as bill-ann checkout "$id"
	# an hour booked at 150.00 (the rate from 2026-03-16)
	expect_eq 15000 "$(bill_charge "$id" usage)" "charge after the check-out"
	expect_exit 0 rb_as bill-ann charges --json
	expect_eq "usage" "$(json "[c['kind'] for c in d if c['booking_id'] == $id][0]")" "the member sees the line"
}
