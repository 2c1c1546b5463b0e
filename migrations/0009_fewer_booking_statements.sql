-- A booking in fewer statements: the rules answer the unit's number with
-- the unit, the requirement group takes what the booking already read, a
-- booking is inserted with that number, and the audit log takes the scope
-- its caller passes.  The functions whose arguments or results change are
-- dropped here; rigbookd makes them anew from sql/ in the same transaction.
DROP FUNCTION IF EXISTS rb_rules(members, resources, tstzrange, text, bigint[], tstzrange);
DROP FUNCTION IF EXISTS rb_book_group(members, resources, tstzrange, text, text);
DROP FUNCTION IF EXISTS rb_booking_insert(members, resources, tstzrange, bigint, text, text, bigint,
                                          bigint, text);
DROP FUNCTION IF EXISTS rb_audit(bigint, text, text, bigint, text, jsonb);

-- The search for a free unit asks, per unit, for the latest active booking
-- that starts before the window ends (sql/rules.sql, rb_rules).  A unit and
-- its resource go together, which the planner learns from the statistics:
-- without them it takes (resource, unit) for a rare pair and prefers the
-- GiST index and a sort.
CREATE INDEX bookings_unit_start ON bookings (resource_id, unit_id, lower(during))
  WHERE state NOT IN ('cancelled', 'declined');
CREATE STATISTICS bookings_unit_resource (dependencies) ON resource_id, unit_id FROM bookings;
ANALYZE bookings;

-- A member is disabled, never deleted (the members_kept trigger, sql/core.sql),
-- so the audit log's and the idempotency keys' member needs no foreign key:
-- each was one more query with a row lock in every booking.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_member_id_fkey;
ALTER TABLE audit DROP CONSTRAINT audit_member_id_fkey;
