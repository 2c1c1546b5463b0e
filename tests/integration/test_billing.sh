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

# bill_write ID ASSIGNMENTS: change booking ID as a request would, through
# the one function every change of a booking goes through (rb_booking_write,
# which charges); ASSIGNMENTS are plpgsql statements on n, the new row.
bill_write() {
	psql_q "DO \$\$DECLARE o bookings; n bookings; BEGIN
		SELECT * INTO o FROM bookings WHERE id = $1 FOR UPDATE;
		n := o; $2
		PERFORM rb_booking_write(ARRAY[o], ARRAY[n]); END \$\$" >/dev/null
}

# bill_done MEMBER CODE START END IN OUT: a booking used from IN to OUT and
# checked out (the change a check-out makes); prints its id.
bill_done() {
	local id
	id=$(bill_insert "$1" "$2" "$3" "$4" checked_in "'$5+08'::timestamptz")
	bill_write "$id" "n.state := 'completed'; n.checked_out_at := '$6+08';"
	printf '%s\n' "$id"
}

# bill_late MEMBER CODE START END: cancelled late (the change rb_cancel makes).
bill_late() {
	local id
	id=$(bill_insert "$1" "$2" "$3" "$4" confirmed)
	bill_write "$id" "n.state := 'cancelled'; n.cancelled_at := lower(n.during) - interval '1 hour'; n.cancelled_late := true;"
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
	expect_stderr_contains "rigbook: PERMISSION_DENIED: rate list is for managers of the host institution"
	expect_exit 1 rb_as bill-mgr rate set bill-race --tier external --hourly 1 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "rate set is for operators of the space and admins, not for a manager"
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

# A startup's price tier: set by operators, used by the charges written after.
t_billing_tier() {
	local id
	expect_exit 0 bill_oper rate set bill-race --tier external --hourly 99.99 --increment 30m \
		--basis booked --from 2026-01-01
	expect_exit 0 bill_oper rate tier bill-f external
	expect_stdout_contains "bill-f is charged at external rates (was member_startup)"
	# December: a month no test invoices
	id=$(bill_done bill-fa bill-race '2026-12-02 10:00' '2026-12-02 11:00' '2026-12-02 10:00' '2026-12-02 11:00')
	expect_eq "external|9999" "$(psql_q "SELECT tier || '|' || amount_fen FROM charges WHERE booking_id = $id")" "charge at the external tier"
	expect_exit 0 bill_oper rate tier bill-f member_startup --json
	expect_eq external "$(json 'd["previous"]')" "previous tier"
	expect_eq "external" "$(psql_q "SELECT tier FROM charges WHERE booking_id = $id")" "the line keeps its tier"
	expect_exit 1 rb_as bill-fa rate tier bill-f external
	expect_stderr_contains "rate tier is for operators of the space and admins, not for a member"
	expect_exit 1 rb_as oper rate tier bill-f external
	# a startup of another space is, to its operators, one that does not exist
	expect_stderr_contains "rigbook: NOT_FOUND: no startup is called bill-f"
	expect_exit 1 bill_oper rate tier bill-f gold
	expect_stderr_contains "gold is not a price tier"
	expect_eq member_startup "$(psql_q "SELECT tier FROM startups WHERE code = 'bill-f'")" "tier after refusals"
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
	# check-out charges once, and a repeated change charges nothing more.
	id=$(bill_noshow bill-ann bill-rig '2026-03-20 10:00' '2026-03-20 11:00')
	bill_write "$id" "n.state := 'checked_in'; n.checked_in_at := '2026-03-20 10:30+08';"
	bill_write "$id" "n.state := 'completed'; n.checked_out_at := '2026-03-20 11:00+08';"
	bill_write "$id" "n.state := 'completed'; n.usage_note := 'again';"
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
	expect_stderr_contains "rigbook: NOT_FOUND: no startup is called bill-b"
	expect_exit 0 bill_oper charges --period 2026-03 --startup bill-c --csv
	expect_stdout_contains "id,date,startup,resource,institution,booking,kind,tier,minutes,currency,amount,rate,invoice,description"
	expect_stdout_contains ",bill-c,bill-rig,bill-works,"
	expect_stdout_contains ",usage,external,60,CNY,200.00,"
	expect_exit 2 bill_oper charges --period 2026-13
	expect_stderr_contains "--period: '2026-13' is not a month"
}

# The tier by default: a startup of another space pays the external rate,
# a team of the host institution itself the host_internal one, the space's
# own startups the tier their space set (member_startup unless changed); an
# operator's tier for a startup of the space still holds.
t_billing_tier_defaults() {
	local id
	expect_exit 0 rb_as adm rate set bill-far-rig --tier member_startup --hourly 100 --increment 1h \
		--basis booked --from 2026-10-01
	expect_exit 0 rb_as adm rate set bill-far-rig --tier external --hourly 200 --increment 1h \
		--basis booked --from 2026-10-01
	expect_exit 0 rb_as adm rate set bill-far-rig --tier host_internal --hourly 50 --increment 1h \
		--basis booked --from 2026-10-01
	# bill-fa's startup is of Billing Test Space: external
	id=$(bill_done bill-fa bill-far-rig '2026-10-05 10:00' '2026-10-05 11:00' '2026-10-05 10:00' '2026-10-05 11:00')
	expect_eq "external|20000" "$(psql_q "SELECT tier || '|' || amount_fen FROM charges WHERE booking_id = $id")" "another space's startup"
	# bill-ho's startup is of the space: its tier, member_startup
	id=$(bill_done bill-ho bill-far-rig '2026-10-05 12:00' '2026-10-05 13:00' '2026-10-05 12:00' '2026-10-05 13:00')
	expect_eq "member_startup|10000" "$(psql_q "SELECT tier || '|' || amount_fen FROM charges WHERE booking_id = $id")" "the space's startup"
	# bill-hu belongs to bill-far, the resource's institution: host_internal
	id=$(bill_done bill-hu bill-far-rig '2026-10-05 14:00' '2026-10-05 15:00' '2026-10-05 14:00' '2026-10-05 15:00')
	expect_eq "host_internal|5000" "$(psql_q "SELECT tier || '|' || amount_fen FROM charges WHERE booking_id = $id")" "the host institution's team"
	# The space's operator sets bill-h external: that holds for its team too.
	expect_exit 0 rb_as adm rate tier bill-h external
	id=$(bill_done bill-hu bill-far-rig '2026-10-06 14:00' '2026-10-06 15:00' '2026-10-06 14:00' '2026-10-06 15:00')
	expect_eq "external|20000" "$(psql_q "SELECT tier || '|' || amount_fen FROM charges WHERE booking_id = $id")" "the tier the operator set"
	# Per space: Billing Other Space charges bill-f (of Billing Test Space)
	# its member_startup rate, as its operators say; Billing Test Space's
	# operator cannot say so for the other space.
	expect_exit 1 bill_oper rate tier bill-f member_startup --space bill-other
	expect_stderr_contains "only an operator of Billing Other Space or an admin can set the price tier of bill-f there"
	expect_exit 0 rb_as adm rate tier bill-f member_startup --space bill-other
	expect_stdout_contains "bill-f is charged at member_startup rates in bill-other (was external)"
	expect_eq member_startup "$(psql_q "SELECT tier FROM startups WHERE code = 'bill-f'")" "its own space's tier unchanged"
	id=$(bill_done bill-fa bill-far-rig '2026-10-07 10:00' '2026-10-07 11:00' '2026-10-07 10:00' '2026-10-07 11:00')
	expect_eq "member_startup|10000" "$(psql_q "SELECT tier || '|' || amount_fen FROM charges WHERE booking_id = $id")" "the tier set for that space"
	# back to what other tests expect of bill-f there
	expect_exit 0 rb_as adm rate tier bill-f external --space bill-other
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

# Vouchers: coverage, a cap reached in the middle of an invoice, two
# vouchers (earliest expiry first), expiry, eligibility by institution and
# kind, the balance that never goes below zero.
t_billing_vouchers() {
	local v1 v2 v3 v4 inv
	bill_rates
	# bill-scope (Billing University, instrument) 100.00/h; bill-rig (Billing Works) 150.00/h
	expect_exit 0 bill_oper voucher add --startup bill-d --issuer "Test Science Bureau" --coverage 50% \
		--cap 150.00 --from 2026-04-01 --to 2026-04-30 --institution bill-univ --json
	v1=$(json 'd["id"]')
	expect_exit 0 bill_oper voucher add --startup bill-d --issuer "Test Science Bureau" --coverage 50% \
		--cap 1,000.00 --from 2026-04-01 --to 2026-05-31
	expect_stdout_contains "from Test Science Bureau: 50% of each charge up to ¥1,000.00, 2026-04-01 to 2026-05-31"
	v2=$(psql_q "SELECT max(id) FROM vouchers")
	# for pilot lines only; and one that ended before April
	expect_exit 0 bill_oper voucher add --startup bill-d --issuer "District Fund" --coverage 30% \
		--cap 500 --from 2026-04-01 --to 2026-12-31 --kind pilot_line --json
	v3=$(json 'd["id"]')
	expect_exit 0 bill_oper voucher add --startup bill-d --issuer "District Fund" --coverage 80% \
		--cap 500 --from 2026-01-01 --to 2026-03-31 --json
	v4=$(json 'd["id"]')
	# Refusals.
	expect_exit 1 rb_as bill-di voucher add --startup bill-d --issuer X --coverage 50% --cap 1 --from 2026-04-01 --to 2026-04-30
	expect_stderr_contains "voucher add is for operators of the space and admins, not for a member"
	expect_exit 1 bill_oper voucher add --startup bill-d --issuer X --coverage 50% --cap 1 --from 2026-04-30 --to 2026-04-01
	expect_stderr_contains "the voucher would end (2026-04-01) before it begins (2026-04-30)"
	expect_exit 1 bill_oper voucher add --startup bill-d --issuer X --coverage 50% --cap 1 --from 2026-04-01 --to 2026-04-30 --institution nowhere
	expect_stderr_contains "no institution is called nowhere"
	expect_exit 1 bill_oper voucher add --startup bill-d --issuer X --coverage 50% --cap 1 --from 2026-04-01 --to 2026-04-30 --kind spaceship
	expect_stderr_contains "spaceship is not a kind of resource"
	expect_exit 2 bill_oper voucher add --startup bill-d --issuer X --coverage 50% --cap 0.001 --from 2026-04-01 --to 2026-04-30
	expect_eq 4 "$(psql_q "SELECT count(*) FROM vouchers v JOIN startups s ON s.id = v.startup_id WHERE s.code = 'bill-d'")" "vouchers of bill-d"

	bill_done bill-di bill-scope '2026-04-02 10:00' '2026-04-02 12:00' '2026-04-02 10:00' '2026-04-02 12:00' >/dev/null
	bill_done bill-di bill-scope '2026-04-03 10:00' '2026-04-03 12:00' '2026-04-03 10:00' '2026-04-03 12:00' >/dev/null
	bill_done bill-di bill-rig '2026-04-04 10:00' '2026-04-04 12:00' '2026-04-04 10:00' '2026-04-04 12:00' >/dev/null
	bill_done bill-di bill-scope '2026-05-10 10:00' '2026-05-10 11:00' '2026-05-10 10:00' '2026-05-10 11:00' >/dev/null

	expect_exit 0 bill_oper invoice run --period 2026-04 --json
	inv=$(json '[i["number"] for i in d if i["startup"] == "bill-d"][0]')
	expect_exit 0 rb_as bill-di invoice show "$inv" --json
	# line 1: 200.00, v1 pays its 50%; line 2: v1 has 50.00 left, v2 tops up
	# to 50%; line 3 (Billing Works): v1 does not cover it, v2 pays 50%.
	expect_eq '[[20000, 10000, 10000], [20000, 10000, 10000], [30000, 15000, 15000]]' \
		"$(json '[[l["amount"], l["voucher"], l["startup_pays"]] for l in d[0]["lines"]]')" "April lines"
	expect_eq '70000 35000 35000' "$(json '" ".join(str(d[0][k]) for k in ("total", "voucher", "startup_pays"))')" "April totals"
	expect_eq "$v1:15000,$v2:20000,$v3:0,$v4:0" \
		"$(psql_q "SELECT string_agg(id || ':' || used_fen, ',' ORDER BY id) FROM vouchers WHERE id IN ($v1, $v2, $v3, $v4)")" "vouchers used"
	expect_exit 0 rb_as bill-di invoice show "$inv"
	expect_stdout_contains "Invoice $inv for 2026-04, issued "
	expect_stdout_contains "to: Billing D Vouchers (bill-d)"
	expect_stdout_contains "total ¥700.00"
	expect_stdout_contains "vouchers pay ¥350.00"
	expect_stdout_contains "startup pays ¥350.00"
	# May: v1 has expired, v2 pays.
	expect_exit 0 bill_oper invoice run --period 2026-05 --json
	inv=$(json '[i["number"] for i in d if i["startup"] == "bill-d"][0]')
	expect_eq '10000 5000 5000' "$(json '" ".join(str(d[[i["number"] for i in d].index("'"$inv"'")][k]) for k in ("total", "voucher", "startup_pays"))')" "May totals"
	expect_exit 0 rb_as bill-di voucher show "$v1"
	expect_stdout_contains "used ¥150.00, balance ¥0.00"
	expect_stdout_contains "for: bill-univ"
	expect_exit 0 rb_as bill-di voucher show "$v2" --json
	expect_eq '[5000, 15000, 5000]' "$(json '[r["amount"] for r in d["redemptions"]]')" "redemptions of v2"
	expect_eq 75000 "$(json 'd["balance"]')" "balance of v2"
	expect_exit 1 rb_as bill-ann voucher show "$v2"
	expect_stderr_contains "rigbook: NOT_FOUND: there is no voucher $v2 that you can see"
	expect_exit 0 rb_as bill-di voucher list
	expect_stdout_contains "District Fund"
	expect_stdout_contains "pilot_line"
	# What the issuers owe the space.
	expect_exit 0 bill_oper voucher statement --issuer "Test Science Bureau"
	expect_stdout_contains "Test Science Bureau owes ¥400.00"
	expect_exit 0 bill_oper voucher statement --issuer "Test Science Bureau" --period 2026-05 --json
	expect_eq 5000 "$(json 'sum(x["amount"] for x in d)')" "owed for May"
	expect_exit 1 rb_as bill-di voucher statement
	# The balance never goes below zero, in the database.
	expect_exit 1 psql_q "UPDATE vouchers SET used_fen = cap_fen + 1 WHERE id = $v1"
	expect_stderr_contains "voucher_balance"
	expect_exit 1 psql_q "DELETE FROM voucher_redemptions WHERE voucher_id = $v1"
}

# Invoices: once per month however often the run runs, numbered without
# gaps, never changed once issued (in the database), credit notes.
t_billing_invoices() {
	local inv n next left id
	bill_rates
	bill_done bill-ed bill-rig '2026-06-02 10:00' '2026-06-02 11:00' '2026-06-02 10:00' '2026-06-02 11:00' >/dev/null
	bill_done bill-ed bill-scope '2026-06-03 10:00' '2026-06-03 12:00' '2026-06-03 10:00' '2026-06-03 12:00' >/dev/null
	expect_exit 1 rb_as bill-ed invoice run --period 2026-06
	expect_stderr_contains "invoice run is for operators of the space and admins, not for a member"
	expect_exit 1 rb_as oper invoice run --period 2026-06 --space bill-space
	expect_stderr_contains "only an operator of Billing Test Space or an admin can invoice it"
	expect_exit 1 bill_oper invoice run --period 2099-01
	expect_stderr_contains "2099-01 has not begun; a month is invoiced once it has begun"
	expect_exit 0 bill_oper invoice run --period 2026-06
	expect_stdout_contains "issued 1 invoice for 2026-06"
	expect_stdout_contains "bill-e"
	expect_stdout_contains "¥350.00"
	inv=$(psql_q "SELECT number FROM invoices i JOIN startups s ON s.id = i.startup_id WHERE s.code = 'bill-e' AND period = '2026-06-01'")
	[[ $inv =~ ^BILL-SPACE-2026-[0-9]{4}$ ]] || { echo "invoice number $inv"; return 1; }
	expect_exit 0 bill_oper invoice run --period 2026-06
	expect_stdout_contains "nothing to invoice for 2026-06: every startup's charges are invoiced"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM invoices i JOIN startups s ON s.id = i.startup_id WHERE s.code = 'bill-e'")" "invoices of bill-e"
	# The charges now name their invoice.
	expect_exit 0 rb_as bill-ed charges --period 2026-06 --json
	expect_eq "$inv $inv" "$(json '" ".join(c["invoice"] for c in d)')" "invoice of the charges"
	# Issued invoices never change, in the database.
	expect_exit 1 psql_q "UPDATE invoices SET total_fen = 1, startup_fen = 1 - voucher_fen WHERE number = '$inv'"
	expect_stderr_contains "invoice $inv is issued and never changes"
	expect_exit 1 psql_q "UPDATE invoice_lines SET amount_fen = amount_fen WHERE invoice_id = (SELECT id FROM invoices WHERE number = '$inv')"
	expect_exit 1 psql_q "DELETE FROM invoice_lines WHERE invoice_id = (SELECT id FROM invoices WHERE number = '$inv')"
	expect_exit 1 psql_q "DELETE FROM invoices WHERE number = '$inv'"
	# nor is a line added to it (a charge of December, which no test invoices)
	id=$(bill_done bill-ed bill-rig '2026-12-01 10:00' '2026-12-01 11:00' '2026-12-01 10:00' '2026-12-01 11:00')
	expect_exit 1 psql_q "INSERT INTO invoice_lines (invoice_id, charge_id, amount_fen, startup_fen)
		SELECT (SELECT id FROM invoices WHERE number = '$inv'), id, amount_fen, amount_fen FROM charges WHERE booking_id = $id"
	expect_stderr_contains "invoice $inv is issued and never changes"
	# Members read their own; others do not see it.
	expect_exit 0 rb_as bill-ed invoice list --csv
	expect_stdout_contains "number,kind,period,startup,currency,total,voucher,startup_pays,credit_of"
	expect_stdout_contains "$inv,invoice,2026-06,bill-e,CNY,350.00,0.00,350.00,"
	expect_exit 1 rb_as bill-ann invoice show "$inv"
	expect_stderr_contains "rigbook: NOT_FOUND: there is no invoice $inv that you can see"
	expect_exit 0 rb_as bill-ed invoice show "$inv" --csv
	expect_stdout_contains ",bill-rig,"
	# The startup's invoice details, as recorded for it.
	psql_q "UPDATE startups SET legal_name = '计费E科技有限公司', credit_code = '91110000802100433B',
		address = '2 Bill Road, Shanghai' WHERE code = 'bill-e'" >/dev/null
	expect_exit 0 rb_as bill-ed invoice show "$inv"
	expect_stdout_contains "  legal name: 计费E科技有限公司"
	expect_stdout_contains "  unified social credit code: 91110000802100433B"
	expect_stdout_contains "  address: 2 Bill Road, Shanghai"
	# Credit notes: numbered next, never more than the startup paid.
	n=${inv##*-}
	expect_exit 1 rb_as bill-ed invoice credit "$inv" --amount 10 --reason "x"
	expect_exit 2 bill_oper invoice credit "$inv" --amount 10.00
	expect_exit 0 bill_oper invoice credit "$inv" --amount 50.00 --reason "rig stopped for 20 minutes"
	expect_stdout_contains "Credit note BILL-SPACE-2026-"
	expect_stdout_contains "credits invoice $inv: rig stopped for 20 minutes"
	expect_stdout_contains "total -¥50.00"
	# the credit line charges no time: no "0h00" in the charges
	expect_exit 0 rb_as bill-ed charges
	expect_stdout_contains "credit"
	expect_stdout_lacks "0h00"
	next=$(psql_q "SELECT number FROM invoices WHERE credit_of = (SELECT id FROM invoices WHERE number = '$inv')")
	[[ ${next##*-} -gt $n ]] || { echo "credit note $next after $inv"; return 1; }
	expect_exit 1 bill_oper invoice credit "$inv" --amount 300.01 --reason "too much"
	expect_stderr_contains "invoice $inv has ¥300.00 left to credit"
	# worded from its arguments (the amount in fen and its currency): the
	# server's words in English, the reader's in Chinese
	expect_exit 1 env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=C "$RB_CLIENT" --server "$RB_SERVER" \
		--token tok-bill-oper --ca "$RB_CA" invoice credit "$inv" --amount 300.01 --reason "too much" || return 1
	m="invoice $inv has ¥300.00 left to credit (what the startup pays, less earlier credit notes)"
	grep -qxF "rigbook: FAILED_PRECONDITION: $m" "$RB_ERR" || { echo "not the server's words: $(cat "$RB_ERR")"; return 1; }
	# counted, not -q: see test_zh's server_said
	[[ $(LC_ALL=C sed -n 's/^.* ERROR:  //p' "$RB_PG_DIR/server.log" | LC_ALL=C grep -acxF -- "$m") -gt 0 ]] ||
		{ echo "the server never said: $m"; return 1; }
	if locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
		expect_exit 1 env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$RB_CLIENT" --server "$RB_SERVER" \
			--token tok-bill-oper --ca "$RB_CA" invoice credit "$inv" --amount 300.01 --reason "too much" || return 1
		expect_stderr_contains "rigbook: FAILED_PRECONDITION: 账单 $inv 还可冲红 ¥300.00（企业应付金额减去已开的红字账单）" || return 1
	fi
	expect_exit 1 bill_oper invoice credit "$next" --amount 1 --reason "a credit of a credit"
	expect_stderr_contains "$next is a credit note; credit the invoice it belongs to"
	expect_exit 0 rb_as bill-ed invoice show "$inv"
	expect_stdout_contains "Invoice $inv"
	expect_stdout_contains "Credit note $next"
	# The settlement: per host institution.
	expect_exit 0 bill_oper settlement --period 2026-06 --json
	expect_eq '{"-": [-5000, 0, -5000], "bill-univ": [20000, 0, 20000], "bill-works": [15000, 0, 15000]}' \
		"$(json '{(x["institution"] or "-"): [x["earned"], x["voucher"], x["startup_pays"]] for x in d}')" "June settlement"
	expect_exit 0 rb_as bill-mgr settlement --period 2026-06
	expect_stdout_contains "bill-works"
	expect_stdout_lacks "bill-univ"
	expect_exit 1 rb_as bill-mgr settlement --period 2026-06 --institution bill-univ
	expect_stderr_contains "the settlement of Billing University is for its managers"
	expect_exit 0 bill_oper settlement --period 2026-04 --institution bill-univ
	expect_stdout_contains "bill-univ    Billing University  ¥400.00  ¥200.00        ¥200.00"
}

# Concurrent runs of one month make one set; numbers stay gapless when runs
# and credit notes race.
t_billing_concurrent_runs() {
	local pids=() i k=0 who h rc=0 nums
	bill_rates
	psql_q "INSERT INTO rate_cards (resource_id, tier, hourly_fen, increment_minutes, basis, effective_from)
		SELECT r.id, t, 10000, 15, 'booked', '2026-07-01' FROM resources r,
		       unnest(ARRAY['member_startup', 'host_internal', 'external']::price_tier[]) t
		 WHERE r.code = 'bill-race' ON CONFLICT DO NOTHING" >/dev/null
	for who in bill-fa bill-ann bill-bo bill-cy; do
		k=$((k + 1))
		for h in 10 12 14; do
			bill_done "$who" bill-race "2026-07-0$k $h:00" "2026-07-0$k $h:30" \
				"2026-07-0$k $h:00" "2026-07-0$k $h:30" >/dev/null
		done
	done
	expect_eq 4 "$(psql_q "SELECT count(DISTINCT startup_id) FROM charges c JOIN resources r ON r.id = c.resource_id
		WHERE r.code = 'bill-race' AND c.charged_on >= '2026-07-01'")" "startups charged in July"
	for i in 1 2 3 4 5 6; do
		bill_oper invoice run --period 2026-07 --json >"$RB_CASE_DIR/run.$i" 2>&1 &
		pids+=($!)
		rb_register_pid $!
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=1
	done
	expect_eq 0 "$rc" "every run succeeded"
	expect_eq 4 "$(python3 -c 'import json,sys; print(sum(len(json.load(open(f))) for f in sys.argv[1:]))' "$RB_CASE_DIR"/run.*)" "invoices issued by all runs together"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM (SELECT space_id, startup_id, period FROM invoices WHERE kind = 'invoice' GROUP BY 1, 2, 3 HAVING count(*) > 1) x")" "duplicate invoices"
	# Credit notes racing each other and a run: numbers stay gapless.
	pids=()
	for nums in $(psql_q "SELECT number FROM invoices WHERE period = '2026-07-01' AND kind = 'invoice' ORDER BY number"); do
		bill_oper invoice credit "$nums" --amount 1.00 --reason "race" >/dev/null 2>&1 &
		pids+=($!)
		rb_register_pid $!
	done
	bill_oper invoice run --period 2026-08 >/dev/null 2>&1 &
	pids+=($!)
	for i in "${pids[@]}"; do
		wait "$i" || rc=1
	done
	expect_eq 0 "$rc" "credit notes succeeded"
	expect_eq "t" "$(psql_q "SELECT count(*) = max(split_part(number, '-', 4)::int) AND count(DISTINCT number) = count(*)
		FROM invoices WHERE number LIKE 'BILL-SPACE-2026-%'")" "gapless numbers"
	expect_eq "$(psql_q "SELECT count(*) FROM invoices WHERE number LIKE 'BILL-SPACE-2026-%'")" \
		"$(psql_q "SELECT last_no FROM invoice_counters c JOIN spaces s ON s.id = c.space_id WHERE s.code = 'bill-space' AND year = 2026")" "counter"
}

# Two spaces invoicing the same startup at the same time never spend more
# of a voucher than its cap: the voucher row is locked while it pays.
t_billing_voucher_two_spaces() {
	local v pids=() i rc=0
	bill_rates
	# bill-f is of another space: bill-far-rig charges it the external tier
	expect_exit 0 rb_as adm rate set bill-far-rig --tier external --hourly 100 --increment 1h \
		--basis booked --from 2026-09-01
	expect_exit 0 bill_oper voucher add --startup bill-f --issuer "Two Spaces Fund" --coverage 50% \
		--cap 150.00 --from 2026-09-01 --to 2026-09-30 --json
	v=$(json 'd["id"]')
	for i in 1 2 3; do
		bill_done bill-fa bill-rig "2026-09-0$i 10:00" "2026-09-0$i 12:00" "2026-09-0$i 10:00" "2026-09-0$i 12:00" >/dev/null
		bill_done bill-fa bill-far-rig "2026-09-0$i 10:00" "2026-09-0$i 12:00" "2026-09-0$i 10:00" "2026-09-0$i 12:00" >/dev/null
	done
	for i in bill-space bill-other; do
		rb_as adm invoice run --period 2026-09 --space "$i" >/dev/null 2>"$RB_CASE_DIR/run.$i" &
		pids+=($!)
		rb_register_pid $!
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=1
	done
	expect_eq 0 "$rc" "both runs succeeded"
	expect_eq "15000 15000 15000" "$(psql_q "SELECT v.used_fen || ' ' || (SELECT sum(amount_fen) FROM voucher_redemptions
		WHERE voucher_id = v.id) || ' ' || (SELECT sum(l.voucher_fen) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
		JOIN startups s ON s.id = i.startup_id WHERE s.code = 'bill-f' AND i.period = '2026-09-01')
		FROM vouchers v WHERE v.id = $v")" "voucher used, redeemed, on invoices"
	expect_eq 2 "$(psql_q "SELECT count(DISTINCT i.space_id) FROM invoices i JOIN startups s ON s.id = i.startup_id
		WHERE s.code = 'bill-f' AND i.period = '2026-09-01'")" "spaces that invoiced bill-f"
	expect_exit 1 rb_as bill-oper invoice run --period 2026-09 --space bill-other
	expect_stderr_contains "only an operator of Billing Other Space or an admin can invoice it"
}

# A month that has not ended (in the space's zone, Asia/Shanghai) is not
# invoiced, and the refusal says from when it can be; --before-month-end
# invoices the lines dated up to today and lists those it leaves for the
# next run.  Runs last: an early run invoices whatever the space has.
t_billing_run_unfinished_month() {
	local today month next later id1 id2="" before
	bill_rates
	today=$(TZ=Asia/Shanghai date +%F)
	month=${today:0:7}
	next=$(date -u -d "$month-01 + 1 month" +%F)
	later=$(date -u -d "$today + 1 day" +%F)
	# a late cancellation today (25.00: half the 50.00 minimum) and, unless
	# today is the month's last day, one tomorrow
	id1=$(bill_late bill-gu bill-rig "$today 00:00" "$today 00:15")
	if [[ ${later:0:7} == "$month" ]]; then
		id2=$(bill_late bill-gu bill-rig "$later 10:00" "$later 10:15")
	fi
	before=$(psql_q "SELECT count(*) FROM invoices")
	expect_exit 1 bill_oper invoice run --period "$month"
	expect_stderr_contains "rigbook: FAILED_PRECONDITION: $month has not ended in Billing Test Space (Asia/Shanghai); it can be invoiced from $next 00:00 on"
	expect_eq "$before" "$(psql_q "SELECT count(*) FROM invoices")" "invoices after the refusal"
	expect_exit 0 bill_oper invoice run --period "$month" --before-month-end --json
	expect_eq "2500" "$(json '[i["total"] for i in d["invoices"] if i["startup"] == "bill-g"][0]')" \
		"bill-g's invoice: today's line only"
	if [[ -n $id2 ]]; then
		expect_eq "[$id2]" "$(json '[l["booking"] for l in d["left"] if l["startup"] == "bill-g"]')" "left for the next run"
		expect_exit 0 bill_oper invoice run --period "$month" --before-month-end
		expect_stdout_contains "left for the next run: "
		expect_stdout_contains "$later"
		expect_stdout_contains "bill-g"
		expect_stdout_contains "late cancellation"
	fi
	expect_eq "$id1" "$(psql_q "SELECT c.booking_id FROM charges c JOIN invoice_lines l ON l.charge_id = c.id
		JOIN startups s ON s.id = c.startup_id WHERE s.code = 'bill-g'")" "the line invoiced"
}
