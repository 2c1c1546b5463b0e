-- rb_booking_wire (0004) answers every request that changes a booking.  As
-- a LANGUAGE sql set-returning function that cannot be inlined (VOLATILE, so
-- it sees the row written by the function beside it in the same statement),
-- its query over booking_view was planned afresh on every call: about
-- 1.6 ms, more than the booking itself.  In plpgsql the plan is prepared
-- once per session and kept.

CREATE OR REPLACE FUNCTION rb_booking_wire(p_id bigint) RETURNS SETOF booking_view
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY SELECT * FROM booking_view WHERE id = p_id;
END $$;
