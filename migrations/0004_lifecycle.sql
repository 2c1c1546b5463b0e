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

-- ------------------------------------------------------------------ helpers

-- A booking for p_member to act on, locked, with its resource locked first
-- (the resource's advisory lock, then the row: the order every booking path
-- takes, so that a change queues behind a booking in progress instead of
-- deadlocking on the exclusion constraint).
CREATE FUNCTION rb_lock_booking(p_booking bigint) RETURNS bookings
LANGUAGE plpgsql AS $$
DECLARE
  b bookings;
  rid bigint;
BEGIN
  SELECT resource_id INTO rid FROM bookings WHERE id = p_booking;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s', p_booking);
  END IF;
  -- the resource and its companions, in id order
  PERFORM pg_advisory_xact_lock(x)
     FROM (SELECT rid AS x UNION SELECT required_id FROM resource_requires
            WHERE resource_requires.resource_id = rid ORDER BY 1) ids;
  SELECT * INTO b FROM bookings WHERE id = p_booking FOR UPDATE;
  RETURN b;
END $$;

-- Staff of the resource a booking is of.
CREATE FUNCTION rb_staff_of_booking(m members, b bookings) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT rb_is_staff(m, i.id, i.space_id)
    FROM resources r JOIN institutions i ON i.id = r.institution_id
   WHERE r.id = b.resource_id
$$;

-- The institution's name for messages.
CREATE FUNCTION rb_institution_name(p_resource bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT i.name FROM resources r JOIN institutions i ON i.id = r.institution_id WHERE r.id = p_resource
$$;

-- Resources that need approval take bookings as requested, except from their
-- own staff.  A trigger, so that every path that books (a single booking, a
-- series, a promotion from the waitlist) does the same.
CREATE FUNCTION rb_booking_needs_approval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  m members;
  b bookings := NEW;
BEGIN
  IF NEW.state = 'confirmed' AND NEW.parent_id IS NULL
     AND (SELECT needs_approval FROM resources WHERE id = NEW.resource_id) THEN
    SELECT * INTO m FROM members WHERE id = NEW.member_id;
    IF NOT rb_staff_of_booking(m, b) THEN
      NEW.state := 'requested';
    END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER booking_needs_approval BEFORE INSERT ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_booking_needs_approval();

-- Companions follow their parent's state when it is decided.
-- (A requested parent's companions are requested too.)
CREATE FUNCTION rb_companion_state() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT CASE p.state WHEN 'requested' THEN 'requested'::booking_state ELSE NEW.state END
      INTO NEW.state FROM bookings p WHERE p.id = NEW.parent_id;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER booking_companion_state BEFORE INSERT ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_companion_state();

-- ------------------------------------------------------------------ cancel

-- Cancel a booking (and the companions booked with it).  The owner, or staff
-- of the resource, with a reason; a cancellation inside the resource's
-- late-cancellation window stays on record as cancelled late.  Returns the
-- booking's id.
DROP FUNCTION rb_cancel(bigint, bigint, text, text, text);
CREATE FUNCTION rb_cancel(p_member bigint, p_booking bigint, p_reason text,
                          p_key text, p_peer text)
RETURNS TABLE (id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  r resources;
  fp text := p_booking || ' ' || coalesce(p_reason, '');
  prev bigint;
  late boolean;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'cancel', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  b := rb_lock_booking(p_booking);
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    IF m.startup_id IS NOT DISTINCT FROM b.startup_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
        MESSAGE = format('booking %s belongs to another member of your startup; only they or a manager of %s can cancel it',
                         b.id, rb_institution_name(r.id));
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s belongs to another startup; you can cancel only your own bookings', b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; cancel that one', b.id, b.parent_id);
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be cancelled', b.id,
                       replace(b.state::text, '_', ' '));
  END IF;
  IF upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s has already ended', b.id);
  END IF;
  IF b.member_id <> m.id AND coalesce(p_reason, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why you cancel booking %s; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE members.id = b.member_id));
  END IF;
  -- A confirmed booking given up inside the window is charged as late.
  late := b.state = 'confirmed' AND r.late_cancel_minutes > 0
          AND lower(b.during) - now() < r.late_cancel_minutes * interval '1 minute';

  UPDATE bookings SET state = 'cancelled', cancelled_at = now(), cancelled_by = m.id,
         cancel_reason = coalesce(p_reason, ''), cancelled_late = late
   WHERE bookings.id = b.id OR (bookings.parent_id = b.id AND bookings.state IN ('requested', 'confirmed'));

  PERFORM rb_idem_store(p_member, p_key, 'cancel', fp, b.id);
  PERFORM rb_audit(m.id, 'cancel', 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, ''), 'late', late));
  RETURN QUERY SELECT b.id, false;
END $$;

-- ------------------------------------------------------------------ approval

-- The queue: requested bookings of the resources p_member is staff of,
-- oldest request first.
CREATE FUNCTION rb_approvals(p_member bigint, p_code text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
BEGIN
  RETURN QUERY
    SELECT b.id FROM bookings b
      JOIN resources r ON r.id = b.resource_id
      JOIN institutions i ON i.id = r.institution_id
     WHERE b.state = 'requested' AND b.parent_id IS NULL AND upper(b.during) > now()
       AND rb_is_staff(m, i.id, i.space_id)
       AND (p_code IS NULL OR r.code = p_code)
     ORDER BY b.created_at, b.id
     LIMIT 1000;
END $$;

-- Approve or decline a requested booking (staff of its resource).  Its time
-- was held while it waited, so approving cannot collide with anything.
CREATE FUNCTION rb_decide(p_member bigint, p_booking bigint, p_approve boolean, p_reason text,
                          p_peer text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  verb text := CASE WHEN p_approve THEN 'approve' ELSE 'decline' END;
BEGIN
  b := rb_lock_booking(p_booking);
  IF NOT rb_staff_of_booking(m, b) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can %s booking %s',
                       rb_institution_name(b.resource_id), verb, b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; %s that one', b.id, b.parent_id, verb);
  END IF;
  IF b.state <> 'requested' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s, not waiting for approval; only a requested booking can be %sd',
                       b.id, replace(b.state::text, '_', ' '), verb);
  END IF;
  IF upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('the time of booking %s has passed', b.id);
  END IF;
  IF NOT p_approve AND coalesce(p_reason, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why booking %s is declined; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE id = b.member_id));
  END IF;
  UPDATE bookings
     SET state = CASE WHEN p_approve THEN 'confirmed'::booking_state ELSE 'declined'::booking_state END,
         decided_by = m.id, decided_at = now(), decision_reason = coalesce(p_reason, '')
   WHERE id = b.id OR (parent_id = b.id AND state = 'requested');
  PERFORM rb_audit(m.id, verb, 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));
  RETURN b.id;
END $$;

-- ------------------------------------------------------------------ move

-- Move a booking (and its companions) to another window of the same
-- resource, atomically: it takes the new window under every rule the new
-- booking would face, or stays where it was.  The id stays.
CREATE FUNCTION rb_move(p_member bigint, p_booking bigint, p_start bigint, p_end bigint,
                        p_key text, p_peer text)
RETURNS TABLE (id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  owner members;
  b bookings;
  r resources;
  q resources;
  w tstzrange;
  fp text := p_booking || ' ' || p_start || ' ' || p_end;
  prev bigint;
  staff boolean;
  probe bigint;
  new_state booking_state;
  units bigint[] := '{}';
  kids bigint[] := '{}';
  k bigint;
  failure_state text;
  failure_msg text;
  failure_col text;
  failure_detail text;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'move', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  b := rb_lock_booking(p_booking);
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  staff := rb_staff_of_booking(m, b);
  IF NOT (b.member_id = m.id OR staff) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is not yours; only its owner or a manager of %s can move it',
                       b.id, rb_institution_name(r.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; move that one', b.id, b.parent_id);
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be moved', b.id,
                       replace(b.state::text, '_', ' '));
  END IF;
  IF lower(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s has already started and can no longer be moved', b.id);
  END IF;
  IF p_end <= p_start THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'the end of a booking must be after its start';
  END IF;
  IF p_end - p_start > 366 * 86400 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'a booking cannot be longer than 366 days';
  END IF;
  w := tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  IF lower(w) < now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
      MESSAGE = format('%s cannot be booked in the past (%s)', r.code, rb_window_text(w, r.time_zone));
  END IF;
  IF w = b.during THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'start',
      MESSAGE = format('booking %s is already %s', b.id, rb_window_text(w, r.time_zone));
  END IF;
  SELECT * INTO owner FROM members WHERE members.id = b.member_id;

  -- Ask the booking path itself whether the new window would be accepted
  -- for the owner with this booking out of the way, inside a subtransaction
  -- that is always rolled back: the rules are the booking path's, not a
  -- copy.  What it chose (units, state) survives in variables.
  -- rigbook.probe tells triggers (the waitlist's) that this is not a real change.
  BEGIN
    PERFORM set_config('rigbook.probe', 'on', true);
    UPDATE bookings SET state = 'cancelled'
     WHERE bookings.id = b.id OR (bookings.parent_id = b.id AND bookings.state IN ('requested', 'confirmed'));
    probe := rb_book_one(owner, r, w, b.note, NULL, NULL);
    SELECT state INTO new_state FROM bookings WHERE bookings.id = probe;
    SELECT unit_id INTO k FROM bookings WHERE bookings.id = probe;
    units := units || k;
    FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
              WHERE rq.resource_id = r.id ORDER BY x.id LOOP
      k := rb_book_one(owner, q, w, '', NULL, probe);
      units := units || (SELECT unit_id FROM bookings WHERE bookings.id = k);
    END LOOP;
    RAISE EXCEPTION USING ERRCODE = 'RBP01'; -- not a class code: 'RB000' would catch every RB error
  EXCEPTION
    WHEN SQLSTATE 'RBP01' THEN
      NULL; -- the probe succeeded; everything it did is undone
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure_msg = MESSAGE_TEXT,
                              failure_col = COLUMN_NAME, failure_detail = PG_EXCEPTION_DETAIL;
      IF failure_state NOT LIKE 'RB%' THEN
        RAISE;
      END IF;
      RAISE EXCEPTION USING ERRCODE = failure_state, COLUMN = failure_col, DETAIL = failure_detail,
        MESSAGE = format('booking %s stays %s: %s', b.id, rb_window_text(b.during, r.time_zone),
                         failure_msg);
  END;

  -- A member's move of a booking that needed approval asks again; staff's does not.
  IF b.state = 'confirmed' AND new_state = 'requested' THEN
    b.state := 'requested';
  END IF;
  UPDATE bookings SET during = w, unit_id = units[1], state = b.state,
         decided_by = CASE WHEN b.state = 'requested' THEN NULL ELSE decided_by END
   WHERE bookings.id = b.id;
  SELECT coalesce(array_agg(c.id ORDER BY c.resource_id), '{}') INTO kids
    FROM bookings c WHERE c.parent_id = b.id AND c.state IN ('requested', 'confirmed');
  FOR i IN 1 .. coalesce(array_length(kids, 1), 0) LOOP
    UPDATE bookings SET during = w, unit_id = units[i + 1], state = b.state WHERE bookings.id = kids[i];
  END LOOP;

  PERFORM rb_idem_store(p_member, p_key, 'move', fp, b.id);
  PERFORM rb_audit(m.id, 'move', 'booking', b.id, p_peer,
                   jsonb_build_object('from', jsonb_build_array(rb_epoch(lower(b.during)), rb_epoch(upper(b.during))),
                                      'to', jsonb_build_array(p_start, p_end)));
  RETURN QUERY SELECT b.id, false;
END $$;

-- ------------------------------------------------------------------ hand over

-- Give a booking to another member of the same startup (owner or staff).
CREATE FUNCTION rb_hand_over(p_member bigint, p_booking bigint, p_to text, p_peer text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  r resources;
  t members;
  n bigint;
BEGIN
  b := rb_lock_booking(p_booking);
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is not yours; only its owner or a manager of %s can hand it over',
                       b.id, rb_institution_name(r.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; hand over that one', b.id, b.parent_id);
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') OR upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be handed over', b.id,
                       CASE WHEN upper(b.during) <= now() THEN 'over' ELSE replace(b.state::text, '_', ' ') END);
  END IF;
  SELECT * INTO t FROM members WHERE handle = p_to AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'to',
      MESSAGE = format('no member is called %s', p_to);
  END IF;
  IF t.id = b.member_id THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'to',
      MESSAGE = format('booking %s already belongs to %s', b.id, t.handle);
  END IF;
  IF t.startup_id IS DISTINCT FROM b.startup_id THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'to',
      MESSAGE = format('%s is not a member of the startup that holds booking %s', t.handle, b.id);
  END IF;
  -- the per-member limit holds for the new holder too
  IF r.max_active_per_member > 0 AND NOT rb_windows(r.id, r.time_zone, 'offpeak', lower(b.during), upper(b.during)) @> b.during THEN
    SELECT count(*) INTO n FROM bookings x
     WHERE x.resource_id = r.id AND x.member_id = t.id AND upper(x.during) > now()
       AND x.state NOT IN ('cancelled', 'declined');
    IF n >= r.max_active_per_member THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'to',
        MESSAGE = format('%s already holds %s future bookings of %s, the most allowed', t.handle, n, r.code);
    END IF;
  END IF;
  UPDATE bookings SET member_id = t.id
   WHERE id = b.id OR (parent_id = b.id AND state IN ('requested', 'confirmed'));
  PERFORM rb_audit(m.id, 'hand_over', 'booking', b.id, p_peer,
                   jsonb_build_object('to', t.handle));
  RETURN b.id;
END $$;

-- ------------------------------------------------------------------ rules

-- The booking rules and the lifecycle settings of a resource.
DROP FUNCTION rb_set_rules(bigint, text, int, int, int, int, int, int, int, int, boolean, int, text);
CREATE FUNCTION rb_set_rules(p_member bigint, p_code text, p_slot int, p_min int, p_max int,
                             p_notice int, p_ahead int, p_buffer int, p_active int, p_weekly int,
                             p_whole_days boolean, p_gap int, p_approval boolean,
                             p_qualification boolean, p_late int, p_early int, p_grace int,
                             p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF p_max > 0 AND p_min > p_max THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'min_minutes',
      MESSAGE = 'the minimum length cannot be above the maximum';
  END IF;
  IF p_slot > 0 AND 1440 % p_slot <> 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'slot_minutes',
      MESSAGE = 'a slot must divide a day evenly (5, 10, 15, 30, 60 min ...)';
  END IF;
  UPDATE resources SET slot_minutes = p_slot, min_minutes = p_min, max_minutes = p_max,
         min_notice_minutes = p_notice, max_ahead_days = p_ahead, buffer_minutes = p_buffer,
         max_active_per_member = p_active, weekly_minutes_per_startup = p_weekly,
         whole_days = p_whole_days, min_gap_minutes = p_gap, needs_approval = p_approval,
         needs_qualification = p_qualification, late_cancel_minutes = p_late,
         checkin_early_minutes = p_early, no_show_grace_minutes = p_grace
   WHERE id = r.id;
  PERFORM rb_audit(m.id, 'rules', 'resource', r.id, p_peer,
                   jsonb_build_object('slot', p_slot, 'min', p_min, 'max', p_max, 'notice', p_notice,
                                      'ahead', p_ahead, 'buffer', p_buffer, 'active', p_active,
                                      'weekly', p_weekly, 'whole_days', p_whole_days, 'gap', p_gap,
                                      'approval', p_approval, 'qualification', p_qualification,
                                      'late_cancel', p_late, 'checkin_early', p_early,
                                      'no_show_grace', p_grace));
  RETURN r.id;
END $$;

-- Resource detail, now with a lifecycle row:
--   lifecycle  n1 late-cancel minutes, n2 check-in early minutes, n3 no-show
--              grace minutes, t1 needs qualification ('true'/'false'), b1 needs approval
CREATE OR REPLACE FUNCTION rb_resource_detail(p_id bigint, p_member bigint) RETURNS SETOF rb_res_row
LANGUAGE sql AS $$
  SELECT v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code,
         v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes,
         v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes,
         v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes,
         v.terms_version, v.requires, d.tag, d.n1, d.n2, d.n3, d.t1, d.t2, d.t3, d.b1
  FROM resource_view v CROSS JOIN (
    SELECT 0 AS o, 'resource' AS tag, NULL::bigint AS n1, NULL::bigint AS n2, NULL::bigint AS n3,
           NULL::text AS t1, NULL::text AS t2, NULL::text AS t3, NULL::boolean AS b1
    UNION ALL
    SELECT 1, h.kind, h.weekday, h.opens, h.closes, NULL, NULL, NULL, NULL
      FROM opening_hours h WHERE h.resource_id = p_id
    UNION ALL
    SELECT 2, 'exception', NULL, NULL, NULL, to_char(e.day, 'YYYY-MM-DD'),
           coalesce((SELECT string_agg(lower(x) || '-' || upper(x), ',' ORDER BY lower(x))
                       FROM unnest(e.windows) x), ''), e.reason, e.closed
      FROM date_exceptions e JOIN resources r ON r.id = e.resource_id
     WHERE e.resource_id = p_id AND e.day >= (now() AT TIME ZONE r.time_zone)::date
    UNION ALL
    SELECT 3, 'closure', c.id, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
           c.reason, m.handle::text, NULL
      FROM closures c JOIN members m ON m.id = c.created_by
     WHERE c.resource_id = p_id AND c.removed_at IS NULL AND upper(c.during) > now()
    UNION ALL
    SELECT 4, 'terms', r.terms_version, NULL, NULL, r.terms_text, NULL, NULL,
           EXISTS (SELECT 1 FROM terms_acceptances a WHERE a.member_id = p_member
                      AND a.resource_id = r.id AND a.version = r.terms_version)
      FROM resources r WHERE r.id = p_id AND r.terms_version > 0
    UNION ALL
    SELECT 5, 'lifecycle', r.late_cancel_minutes, r.checkin_early_minutes, r.no_show_grace_minutes,
           r.needs_qualification::text, NULL, NULL, r.needs_approval
      FROM resources r WHERE r.id = p_id
  ) d (o, tag, n1, n2, n3, t1, t2, t3, b1)
  WHERE v.id = p_id
  ORDER BY d.o, d.tag, d.n1, d.n2, d.t1
$$;

-- ------------------------------------------------------------------ reading one

-- A booking p_member may see: their own, their startup's, or one of a
-- resource they are staff of.  Returns its id.
CREATE FUNCTION rb_get_booking(p_member bigint, p_booking bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
BEGIN
  SELECT * INTO b FROM bookings WHERE id = p_booking;
  IF NOT FOUND OR NOT (b.member_id = m.id OR b.startup_id = m.startup_id OR rb_staff_of_booking(m, b)) THEN
    -- the same answer whether it does not exist or is not theirs to see
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s that you can see', p_booking);
  END IF;
  RETURN b.id;
END $$;
