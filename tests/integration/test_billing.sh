# Billing with the real client: rate cards, the charge ledger written by
# triggers on bookings, innovation vouchers, invoices with gapless numbers,
# credit notes and the settlement.  Resources: bill-*, in a space of their
# own (bill-space) with one startup per test.
#
# Completed bookings lie in the past, which the daemon refuses to book:
# they are inserted confirmed in the database, then taken through the real
# state changes (check-out, no-show, late cancellation) by UPDATE, so that
# the charging triggers run as on every real path.

# bill_past STARTUP_MEMBER CODE START END: a confirmed booking in the past
# (times in Asia/Shanghai, "2026-03-02 10:00"); prints its id.
bill_past() {
	psql_q "INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, state)
		SELECT r.id, (SELECT u.id FROM resource_units u WHERE u.resource_id = r.id ORDER BY u.unit_no LIMIT 1),
		       m.id, m.startup_id,
		       tstzrange('$3+08'::timestamptz, '$4+08'::timestamptz, '[)'), 'confirmed'
		  FROM resources r, members m WHERE r.code = '$2' AND m.handle = '$1'
		RETURNING id"
}

# bill_complete ID IN OUT: checked in and out at these local times.
bill_complete() {
	psql_q "UPDATE bookings SET state = 'checked_in', checked_in_at = '$2+08' WHERE id = $1" >/dev/null
	psql_q "UPDATE bookings SET state = 'completed', checked_out_at = '$3+08' WHERE id = $1" >/dev/null
}

# bill_charge ID KIND: the amount in fen of the booking's charge line of KIND.
bill_charge() {
	psql_q "SELECT coalesce((SELECT amount_fen FROM charges WHERE booking_id = $1 AND kind = '$2'), -1)"
}

t_billing_schema_charges_once() {
	local rid id
	rid=$(psql_q "SELECT id FROM resources WHERE code = 'bill-race'")
	psql_q "INSERT INTO rate_cards (resource_id, tier, hourly_fen, increment_minutes, minimum_fen, basis,
		late_fee_pct, no_show_fee_pct, effective_from)
		VALUES ($rid, 'member_startup', 12000, 15, 3000, 'booked', 50, 100, '2026-01-01')" >/dev/null
	id=$(bill_past bill-fa bill-race '2026-02-02 10:00' '2026-02-02 11:10')
	bill_complete "$id" '2026-02-02 10:05' '2026-02-02 11:00'
	# 70 minutes booked, rounded up to 75: 75/60 * 120.00
	expect_eq 15000 "$(bill_charge "$id" usage)" "usage charge"
	# The ledger refuses changes, in the database.
	expect_exit 1 psql_q "UPDATE charges SET amount_fen = 1 WHERE booking_id = $id"
	expect_exit 1 psql_q "DELETE FROM charges WHERE booking_id = $id"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM charges WHERE booking_id = $id")" "charge lines"
}

