-- The booking lifecycle: approval, moving, handing over, cancelling late,
-- using the equipment (check-in/out) and not turning up.
--
--   requested -> confirmed | declined
--   confirmed -> cancelled | checked_in -> completed
--   confirmed -> no_show    (nobody checked in within the grace period)
--
-- Requested bookings hold their time like confirmed ones (the exclusion
-- constraint covers every state but cancelled and declined).

ALTER TABLE resources
  ADD COLUMN needs_approval boolean NOT NULL DEFAULT false,
  ADD COLUMN needs_qualification boolean NOT NULL DEFAULT false,
  -- a cancellation fewer than this many minutes before the start is late
  ADD COLUMN late_cancel_minutes int NOT NULL DEFAULT 0 CHECK (late_cancel_minutes >= 0),
  -- check-in opens this many minutes before the start
  ADD COLUMN checkin_early_minutes int NOT NULL DEFAULT 15 CHECK (checkin_early_minutes >= 0),
  -- nobody checked in this many minutes after the start: a no-show
  ADD COLUMN no_show_grace_minutes int NOT NULL DEFAULT 15 CHECK (no_show_grace_minutes >= 0);

ALTER TABLE bookings
  ADD COLUMN cancelled_late boolean NOT NULL DEFAULT false,
  ADD COLUMN decided_by bigint REFERENCES members,
  ADD COLUMN decided_at timestamptz,
  ADD COLUMN decision_reason text NOT NULL DEFAULT '',
  ADD COLUMN checked_in_at timestamptz,
  ADD COLUMN checked_out_at timestamptz,
  ADD COLUMN usage_note text NOT NULL DEFAULT '',
  ADD COLUMN series_id bigint,
  ADD CONSTRAINT booking_usage CHECK (checked_out_at IS NULL OR
                                      (checked_in_at IS NOT NULL AND checked_out_at > checked_in_at));

-- The no-show sweep and the approval queue read these.
CREATE INDEX bookings_confirmed_start ON bookings (lower(during)) WHERE state = 'confirmed';
CREATE INDEX bookings_requested ON bookings (resource_id, lower(during)) WHERE state = 'requested';
CREATE INDEX bookings_series ON bookings (series_id) WHERE series_id IS NOT NULL;

-- The booking as the wire shows it (column order: daemon/sql.h BC_*).
CREATE OR REPLACE VIEW booking_view AS
SELECT b.id, r.code::text AS resource_code, r.name AS resource_name, r.time_zone,
       rb_epoch(lower(b.during)) AS start_epoch, rb_epoch(upper(b.during)) AS end_epoch,
       b.state::text AS state, m.handle::text AS member_handle,
       coalesce(s.code::text, '') AS startup_code, rb_epoch(b.created_at) AS created_epoch,
       b.note, coalesce(rb_epoch(b.cancelled_at), 0) AS cancelled_epoch, b.cancel_reason,
       b.member_id, b.startup_id, b.resource_id, b.during,
       u.unit_no, b.override_reason, coalesce(b.parent_id, 0) AS parent_id,
       coalesce((SELECT c.handle::text FROM members c WHERE c.id = b.cancelled_by), '') AS cancelled_by,
       b.cancelled_late,
       coalesce(rb_epoch(b.checked_in_at), 0) AS checked_in_epoch,
       coalesce(rb_epoch(b.checked_out_at), 0) AS checked_out_epoch,
       b.usage_note, coalesce(b.series_id, 0) AS series_id,
       coalesce((SELECT d.handle::text FROM members d WHERE d.id = b.decided_by), '') AS decided_by,
       b.decision_reason
FROM bookings b
JOIN resources r ON r.id = b.resource_id
JOIN members m ON m.id = b.member_id
JOIN resource_units u ON u.id = b.unit_id
LEFT JOIN startups s ON s.id = b.startup_id;

-- One booking as the wire shows it.  VOLATILE on purpose: called on the id a
-- change just returned (SELECT ... FROM rb_x(...) x, rb_booking_wire(x.id) v),
-- it must see that change.
CREATE FUNCTION rb_booking_wire(p_id bigint) RETURNS SETOF booking_view
LANGUAGE sql VOLATILE AS $$
  SELECT * FROM booking_view WHERE id = p_id
$$;
