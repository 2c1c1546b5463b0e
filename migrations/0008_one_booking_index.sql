-- One GiST index on bookings instead of two, and one foreign-key check for
-- the unit and its resource instead of two.
--
-- The exclusion constraint was over (unit_id, during) and reads of one
-- resource over a window had their own GiST index over (resource_id,
-- during), with the same predicate.  Every booking paid for both, and a
-- query that named a unit but not its resource could be planned on the
-- resource index with the unit as a mere filter, scanning every entry whose
-- window overlapped.  Now the constraint's own index is over (resource_id,
-- unit_id, during): it answers reads by resource (the unit left open) and
-- by unit (its resource given), and guarantees the same thing, since a unit
-- belongs to one resource.
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist
  (resource_id WITH =, unit_id WITH =, during WITH &&) WHERE (state NOT IN ('cancelled', 'declined'));
DROP INDEX bookings_resource_during;

-- A booking's unit is a unit of the booking's resource, and both exist:
-- one check through resource_units (whose resource_id refers to resources).
ALTER TABLE resource_units ADD CONSTRAINT resource_units_resource_unit UNIQUE (resource_id, id);
ALTER TABLE bookings DROP CONSTRAINT bookings_unit_id_fkey;
ALTER TABLE bookings DROP CONSTRAINT bookings_resource_id_fkey;
ALTER TABLE bookings ADD CONSTRAINT bookings_unit_fkey
  FOREIGN KEY (resource_id, unit_id) REFERENCES resource_units (resource_id, id);

-- The audit log's scope columns are copies the audit_scope trigger makes
-- from rows that exist at the time (and rows of these tables are never
-- deleted).  As foreign keys they made every audited change lock its space
-- and institution rows FOR KEY SHARE: every concurrent change in a space
-- shared one row lock.  The member who acted stays a foreign key.
ALTER TABLE audit DROP CONSTRAINT audit_resource_id_fkey;
ALTER TABLE audit DROP CONSTRAINT audit_institution_id_fkey;
ALTER TABLE audit DROP CONSTRAINT audit_space_id_fkey;

-- A booking's answer and its event are made from the values its maker
-- holds instead of being read back: the functions whose arguments or
-- results change are dropped here, and rigbookd makes them anew from sql/ in
-- the same transaction.  rb_event_context carries what the event writer
-- would otherwise look up.
CREATE TYPE rb_event_context AS (
  code           text,
  time_zone      text,
  institution_id bigint,
  space_id       bigint,
  handle         text,
  startup_code   text
);
DROP FUNCTION IF EXISTS rb_book(bigint, text, bigint, bigint, text, text, text, text);
DROP FUNCTION IF EXISTS rb_book_group(members, resources, tstzrange, text, text);
DROP FUNCTION IF EXISTS rb_booking_insert(members, resources, tstzrange, bigint, text, text, bigint);
DROP FUNCTION IF EXISTS rb_booking_event(bookings, bookings);
DROP FUNCTION IF EXISTS rb_emit_event(text, bigint, bigint, bigint, bigint, tstzrange, bigint);
