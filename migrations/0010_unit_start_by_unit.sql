-- bookings_unit_start (0009) led with the resource, and so could answer any
-- query that names a resource: the planner read one resource's bookings in a
-- window (the availability read) through it, every booking of the resource
-- with the window as a filter, instead of through the GiST index.  A unit's
-- id is unique on its own, so the index leads with the unit: only a query
-- that names the unit (the search for a free unit, the start of a unit's
-- next booking) can use it.
DROP INDEX bookings_unit_start;
CREATE INDEX bookings_unit_start ON bookings (unit_id, lower(during))
  WHERE state NOT IN ('cancelled', 'declined');
ANALYZE bookings;
