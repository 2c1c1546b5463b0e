-- Bookings: the wire form, booking, cancelling, moving, handing over and
-- reading one.  The rules a booking is held to: sql/rules.sql.

-- The booking as the wire shows it, with its place in its series
-- (column order: daemon/sql.h BC_*).
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
       b.decision_reason,
       coalesce(b.series_no, 0) AS series_no,
       coalesce((SELECT bs.occurrences FROM booking_series bs WHERE bs.id = b.series_id), 0) AS series_of
FROM bookings b
JOIN resources r ON r.id = b.resource_id
JOIN members m ON m.id = b.member_id
JOIN resource_units u ON u.id = b.unit_id
LEFT JOIN startups s ON s.id = b.startup_id;

-- The wire row of a booking just made, from the values its maker holds: what
-- booking_view shows of it, without reading it back (a new booking is not
-- cancelled, decided, checked in or part of a series yet; rb_series_book
-- answers through the view).  Column for column booking_view's; the book
-- request's answer is compared with the view's in test_bookings.
CREATE OR REPLACE FUNCTION rb_new_booking_wire(n bookings, r resources, m members, p_scode text,
                                               p_unit_no int)
RETURNS booking_view LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- one expression, no query: plpgsql evaluates it without the executor (a
  -- LANGUAGE sql function returning a row is planned again at every call)
  RETURN ROW(n.id, r.code::text, r.name, r.time_zone,
             rb_epoch(lower(n.during)), rb_epoch(upper(n.during)),  -- start_epoch, end_epoch
             n.state::text, m.handle::text, coalesce(p_scode, ''),  -- state, member, startup
             rb_epoch(n.created_at), n.note,
             0::bigint, n.cancel_reason,                              -- cancelled_epoch, cancel_reason
             n.member_id, n.startup_id, n.resource_id, n.during,
             p_unit_no, n.override_reason, coalesce(n.parent_id, 0),
             ''::text, n.cancelled_late,                              -- cancelled_by, cancelled_late
             0::bigint, 0::bigint,                                    -- checked_in_epoch, checked_out_epoch
             n.usage_note, 0::bigint,                                 -- usage_note, series_id
             ''::text, n.decision_reason,                             -- decided_by, decision_reason
             0, 0)::booking_view;                                     -- series_no, series_of
END $$;

-- ------------------------------------------------------------------ the state machine

-- The states a booking moves through, and who moves it.  A change not in
-- this table is refused by rb_booking_write, whoever asks; each request
-- function checks who asks, with its own message.
--
--   requested -> confirmed | declined | cancelled
--   confirmed -> cancelled | checked_in | no_show | requested | completed
--   no_show   -> checked_in | completed
--   checked_in -> completed;  completed -> checked_in (a corrected record)
CREATE OR REPLACE FUNCTION rb_transition(p_from booking_state, p_to booking_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT t.who FROM (VALUES
    ('requested',  'confirmed',  'staff of the resource, approving'),
    ('requested',  'declined',   'staff of the resource, declining with a reason'),
    ('requested',  'cancelled',  'the holder, or staff with a reason (also closing the time)'),
    ('confirmed',  'cancelled',  'the holder, or staff with a reason (also closing the time)'),
    ('confirmed',  'requested',  'the holder, moving a booking of a resource that needs approval'),
    ('confirmed',  'checked_in', 'the holder or staff, checking in'),
    ('confirmed',  'no_show',    'staff, or the no-show sweep after the grace period'),
    ('confirmed',  'completed',  'staff, correcting the usage record'),
    ('no_show',    'checked_in', 'the holder or staff (a late arrival), or staff correcting'),
    ('no_show',    'completed',  'staff, correcting the usage record'),
    ('checked_in', 'completed',  'the holder or staff checking out, or staff correcting'),
    ('completed',  'checked_in', 'staff, correcting the usage record')
  ) AS t(f, t, who)
  WHERE t.f = p_from::text AND t.t = p_to::text
$$;

-- A new booking: unit p_unit (number p_unit_no) of r, as rb_rules chose
-- it, for m over w, in the state rb_first_state gives it.  Every booking is
-- made here.  p_space is r's space and p_scode m's startup's code, as the
-- caller holds them.  Returns the new booking as the wire shows it;
-- watchers hear of it (events.sql).
CREATE OR REPLACE FUNCTION rb_booking_insert(m members, r resources, w tstzrange, p_unit bigint,
                                             p_unit_no int, p_note text, p_override text,
                                             p_parent bigint, p_space bigint, p_scode text)
RETURNS booking_view LANGUAGE plpgsql AS $$
DECLARE
  n bookings;
  done text;  -- what a void function gives (see rb_idem_lookup)
BEGIN
  INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, state, note,
                        override_reason, parent_id)
  VALUES (r.id, p_unit, m.id, m.startup_id, w, rb_first_state(m, r, p_parent),
          coalesce(p_note, ''), coalesce(p_override, ''), p_parent)
  RETURNING * INTO n;
  done := rb_booking_event(NULL, n, ROW(r.code, r.time_zone, r.institution_id, p_space, m.handle,
                                        p_scode)::rb_event_context);
  RETURN rb_new_booking_wire(n, r, m, p_scode, p_unit_no);
END $$;

-- Every change to existing bookings: ns are os changed (same order, same
-- ids; the rows are locked by the caller).  A state change must be in
-- rb_transition's table, and whoever holds an active booking of a resource
-- that needs qualification must be qualified until its end (checked when
-- the holder or the window changes).  All rows are written first; then,
-- for each row in order:
--   1. charging (billing.sql): a state change may owe a charge or undo one;
--   2. events (events.sql): watchers are told what changed;
--   3. the waitlist (waitlist.sql): time the booking stopped holding
--      (cancelled, declined, or moved away) is offered to whoever waits
--      for it, which may book it in this same transaction.
CREATE OR REPLACE FUNCTION rb_booking_write(os bookings[], ns bookings[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  o bookings;
  n bookings;
  r resources;
  q record;
BEGIN
  FOR i IN 1 .. coalesce(array_length(os, 1), 0) LOOP
    o := os[i];
    n := ns[i];
    IF n.state <> o.state AND rb_transition(o.state, n.state) IS NULL THEN
      PERFORM rb_refuse('RB412', 'booking_state', 'booking_id',
                        format('booking %s is %s and cannot become %s', o.id,
                               replace(o.state::text, '_', ' '), replace(n.state::text, '_', ' ')),
                        jsonb_build_object('booking', o.id, 'state', o.state, 'to', n.state));
    END IF;
    IF n.state IN ('requested', 'confirmed', 'checked_in')
       AND (n.member_id <> o.member_id OR n.during <> o.during) THEN
      SELECT * INTO r FROM resources x WHERE x.id = n.resource_id;
      IF r.needs_qualification THEN
        SELECT * INTO q FROM rb_unqualified(n.member_id, r, upper(n.during));
        IF q.reason IS NOT NULL THEN
          PERFORM rb_refuse('RB412', q.reason,
                            CASE WHEN n.member_id <> o.member_id THEN 'to_member' ELSE 'start' END,
                            q.message, q.args);
        END IF;
      END IF;
    END IF;
    UPDATE bookings b
       SET unit_id = n.unit_id, member_id = n.member_id, during = n.during, state = n.state,
           cancelled_at = n.cancelled_at, cancelled_by = n.cancelled_by,
           cancel_reason = n.cancel_reason, cancelled_late = n.cancelled_late,
           decided_by = n.decided_by, decided_at = n.decided_at,
           decision_reason = n.decision_reason, checked_in_at = n.checked_in_at,
           checked_out_at = n.checked_out_at, usage_note = n.usage_note,
           series_id = n.series_id, series_no = n.series_no
     WHERE b.id = o.id;
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(os, 1), 0) LOOP
    o := os[i];
    n := ns[i];
    IF n.state <> o.state THEN
      PERFORM rb_booking_charge(o, n);
    END IF;
    PERFORM rb_booking_event(o, n);
    IF o.state NOT IN ('cancelled', 'declined') AND upper(o.during) > now()
       AND (n.state IN ('cancelled', 'declined') OR n.during <> o.during) THEN
      PERFORM rb_waitlist_offer(o.resource_id, o.during, o.member_id, o.startup_id);
    END IF;
  END LOOP;
END $$;

-- Booking p_booking and those of its companions in p_states, locked, the
-- booking first and its companions in resource order.  The caller holds
-- the booking (rb_lock_booking).
CREATE OR REPLACE FUNCTION rb_booking_family(p_booking bigint, p_states booking_state[])
RETURNS bookings[] LANGUAGE sql AS $$
  SELECT array_agg(x.b ORDER BY (x.b).parent_id IS NOT NULL, (x.b).resource_id, (x.b).id)
    FROM (SELECT b FROM bookings b
           WHERE b.id = p_booking
              OR (b.parent_id = p_booking AND b.state = ANY (p_states))
           FOR NO KEY UPDATE) x
$$;

-- Book w on r for m, with r's required companions: every one is asked of
-- rb_rules first (the first refusal is raised), then all are made.  The
-- caller holds the requirement group's advisory locks.  p_space (r's
-- space), p_scode (m's startup's code) and p_requires (whether r requires
-- anything) are what the caller already read, or NULL to look up.  Returns
-- the new bookings as the wire shows them, the booking of r first, its
-- companions in resource order.
CREATE OR REPLACE FUNCTION rb_book_group(m members, r resources, w tstzrange, p_note text,
                                         p_override text, p_space bigint DEFAULT NULL,
                                         p_scode text DEFAULT NULL, p_requires boolean DEFAULT NULL)
RETURNS booking_view[] LANGUAGE plpgsql AS $$
DECLARE
  a record := rb_rules(m, r, w, p_override);
  b record;
  q resources;
  qs resources[];
  units bigint[];
  unit_nos int[];
  vs booking_view[];
BEGIN
  a.unit_id := rb_rules_hold(a);
  IF p_requires IS NOT FALSE THEN
    FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
              WHERE rq.resource_id = r.id ORDER BY x.id LOOP
      b := rb_rules(m, q, w, p_override);
      units := units || rb_rules_hold(b);
      unit_nos := unit_nos || b.unit_no;
      qs := qs || q;
    END LOOP;
  END IF;
  IF p_space IS NULL OR (p_scode IS NULL AND m.startup_id IS NOT NULL) THEN
    SELECT i.space_id, (SELECT s.code::text FROM startups s WHERE s.id = m.startup_id)
      INTO p_space, p_scode
      FROM institutions i WHERE i.id = r.institution_id;
  END IF;
  vs := ARRAY[rb_booking_insert(m, r, w, a.unit_id, a.unit_no, p_note, p_override, NULL, p_space,
                                p_scode)];
  FOR i IN 1 .. coalesce(array_length(qs, 1), 0) LOOP
    vs := vs || rb_booking_insert(m, qs[i], w, units[i], unit_nos[i],
                                  format('with %s booking %s', r.code, vs[1].id), p_override, vs[1].id,
                                  CASE WHEN qs[i].institution_id = r.institution_id THEN p_space END,
                                  p_scode);
  END LOOP;
  RETURN vs;
END $$;

-- One call, one transaction: the booking, its required companions, the
-- idempotency record and the audit row, under the advisory locks of the
-- resource's whole requirement group.  Every read here is one query that
-- fetches all that the booking needs of its rows (a query costs far more to
-- start than to run).
CREATE OR REPLACE FUNCTION rb_book(p_member bigint, p_code text, p_start bigint, p_end bigint,
                                   p_note text, p_override text, p_key text, p_peer text)
RETURNS TABLE (id bigint, replayed boolean, wire booking_view)
LANGUAGE plpgsql AS $$
DECLARE
  x record;
  m members;
  r resources;
  w tstzrange;
  fp text := p_code || ' ' || p_start || ' ' || p_end || ' ' || coalesce(p_note, '') || ' '
             || coalesce(p_override, '');
  prev bigint;
  vs booking_view[];
  done text;  -- what a void function gives (see rb_idem_lookup)
BEGIN
  SELECT * INTO m FROM members mm WHERE mm.id = p_member AND mm.disabled_at IS NULL;
  IF NOT FOUND THEN
    m := rb_member(p_member);  -- refuses
  END IF;

  prev := rb_idem_lookup(p_member, p_key, 'book', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true, v FROM rb_booking_family_wire(prev) v;
    RETURN;
  END IF;

  SELECT q.id, EXISTS (SELECT 1 FROM resource_requires rq
                        WHERE rq.resource_id = q.id OR rq.required_id = q.id) AS requires
    INTO x FROM resources q WHERE q.code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code',
      format('no resource is called %s', p_code),
      jsonb_build_object('resource', p_code));
  END IF;

  -- Competing requests queue on the resources they touch, always in id
  -- order, instead of deadlocking on the exclusion constraint.  Most
  -- resources require nothing and are required by nothing: their own lock.
  IF x.requires THEN
    done := rb_lock_resources(x.id);
  ELSE
    done := pg_advisory_xact_lock(x.id);
  END IF;
  -- The resource as it is now that we hold it (its rules may have changed
  -- while we waited), with its space, whether it requires anything, and the
  -- member's startup's code for the booking's answer and event.
  SELECT q AS r, i.space_id, i.name AS institution,
         EXISTS (SELECT 1 FROM resource_requires rq
                  WHERE rq.resource_id = q.id OR rq.required_id = q.id) AS requires,
         (SELECT s.code::text FROM startups s WHERE s.id = m.startup_id) AS scode
    INTO x FROM resources q JOIN institutions i ON i.id = q.institution_id WHERE q.id = x.id;
  r := x.r;
  IF x.requires THEN
    PERFORM rb_lock_resources(r.id);  -- taken again, the locks cost nothing
  END IF;

  IF coalesce(p_override, '') <> '' AND NOT rb_is_staff(m, r.institution_id, x.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'override_reason',
      format('only a manager of %s, an operator of its space or an admin can book %s past its rules',
                       x.institution, r.code),
      jsonb_build_object('action', 'book_past_rules', 'institution', x.institution, 'resource', r.code::text));
  END IF;
  w := rb_booking_window(r, p_start, p_end);

  vs := rb_book_group(m, r, w, p_note, p_override, x.space_id, x.scode, x.requires);
  done := rb_idem_store(p_member, p_key, 'book', fp, vs[1].id);
  done := rb_audit(m.id, 'book', 'booking', vs[1].id, p_peer,
                   jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end,
                                      'override', coalesce(p_override, '')),
                   r.id, r.institution_id, x.space_id);

  -- the booking of r first, then its companions: the wire rows as made
  id := vs[1].id;
  replayed := false;
  FOREACH wire IN ARRAY vs LOOP
    RETURN NEXT;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION rb_cancel(p_member bigint, p_booking bigint, p_reason text,
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
  os bookings[];
  ns bookings[];
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'cancel', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  b := rb_lock_booking_for(p_booking, m, 'cancel', 'cancel');
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  PERFORM rb_staff_elsewhere(m, b, 'cancel', 'cancel');
  IF NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    PERFORM rb_refuse('RB403', 'booking_not_yours', 'booking_id',
      format('booking %s belongs to another member of your startup; only they or a manager of %s can cancel it',
                       b.id, rb_institution_name(r.id)),
      jsonb_build_object('booking', b.id, 'action', 'cancel', 'same_startup', true, 'institution', rb_institution_name(r.id)));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
      format('booking %s comes with booking %s; cancel that one', b.id, b.parent_id),
      jsonb_build_object('booking', b.id, 'parent', b.parent_id, 'action', 'cancel'));
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
      format('booking %s is %s and can no longer be cancelled', b.id,
                       replace(b.state::text, '_', ' ')),
      jsonb_build_object('booking', b.id, 'state', b.state, 'action', 'cancel'));
  END IF;
  IF upper(b.during) <= now() THEN
    PERFORM rb_refuse('RB412', 'booking_over', 'booking_id',
      format('booking %s has already ended', b.id),
      jsonb_build_object('booking', b.id, 'at', rb_epoch(upper(b.during)), 'action', 'cancel'));
  END IF;
  IF b.member_id <> m.id AND coalesce(p_reason, '') = '' THEN
    PERFORM rb_refuse('RB400', 'reason_required', 'reason',
      format('say why you cancel booking %s; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE members.id = b.member_id)),
      jsonb_build_object('booking', b.id, 'action', 'cancel', 'member', (SELECT handle::text FROM members WHERE members.id = b.member_id)));
  END IF;
  -- A confirmed booking given up inside the window is charged as late.
  late := b.state = 'confirmed' AND r.late_cancel_minutes > 0
          AND lower(b.during) - now() < r.late_cancel_minutes * interval '1 minute';

  os := rb_booking_family(b.id, '{requested,confirmed}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].state := 'cancelled';
    ns[i].cancelled_at := now();
    ns[i].cancelled_by := m.id;
    ns[i].cancel_reason := coalesce(p_reason, '');
    ns[i].cancelled_late := late;
  END LOOP;
  PERFORM rb_booking_write(os, ns);

  PERFORM rb_idem_store(p_member, p_key, 'cancel', fp, b.id);
  PERFORM rb_audit(m.id, 'cancel', 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, ''), 'late', late));
  RETURN QUERY SELECT b.id, false;
END $$;

-- rb_booking_wire answers every request that changes a booking.  As
-- a LANGUAGE sql set-returning function that cannot be inlined (VOLATILE, so
-- it sees the row written by the function beside it in the same statement),
-- its query over booking_view was planned afresh on every call: about
-- 1.6 ms, more than the booking itself.  In plpgsql the plan is prepared
-- once per session and kept.

--
-- One row by its key: index lookups beat the hash joins the planner picks
-- for booking_view's small tables (a hash of every resource, unit and
-- startup built for one booking), so those are off inside this function.
CREATE OR REPLACE FUNCTION rb_booking_wire(p_id bigint) RETURNS SETOF booking_view
LANGUAGE plpgsql VOLATILE SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  RETURN QUERY SELECT * FROM booking_view WHERE id = p_id;
END $$;

-- A booking as the wire shows it, then the companions booked with it
-- (requires), by id; VOLATILE as rb_booking_wire.
CREATE OR REPLACE FUNCTION rb_booking_family_wire(p_id bigint) RETURNS SETOF booking_view
LANGUAGE plpgsql VOLATILE SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  RETURN QUERY SELECT * FROM booking_view WHERE id = p_id;
  -- the view's parent_id is coalesced (0 for none): the companions are
  -- found by the table's own column and its index, then shown through it;
  -- most bookings have none, and a probe of that index is far cheaper
  -- than starting the view's plan for nothing
  IF EXISTS (SELECT 1 FROM bookings c WHERE c.parent_id = p_id) THEN
    RETURN QUERY SELECT * FROM booking_view
                  WHERE id IN (SELECT c.id FROM bookings c WHERE c.parent_id = p_id) ORDER BY id;
  END IF;
END $$;

-- A booking to act on: its resource group locked first, then the row.
CREATE OR REPLACE FUNCTION rb_lock_booking(p_booking bigint) RETURNS bookings
LANGUAGE plpgsql AS $$
DECLARE
  b bookings;
  rid bigint;
BEGIN
  SELECT resource_id INTO rid FROM bookings WHERE id = p_booking;
  IF NOT FOUND THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  PERFORM rb_lock_resources(rid);
  SELECT * INTO b FROM bookings WHERE id = p_booking FOR UPDATE;
  RETURN b;
END $$;

-- The same, for m acting on it: an id that does not exist is refused in
-- m's terms (rb_refuse_no_booking with the caller).
CREATE OR REPLACE FUNCTION rb_lock_booking_for(p_booking bigint, m members, p_action text, p_verb text)
RETURNS bookings LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM bookings WHERE id = p_booking) THEN
    PERFORM rb_refuse_no_booking_for(p_booking, m, p_action, p_verb);
  END IF;
  RETURN rb_lock_booking(p_booking);
END $$;

-- Staff of the resource a booking is of.
CREATE OR REPLACE FUNCTION rb_staff_of_booking(m members, b bookings) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT rb_is_staff(m, i.id, i.space_id)
    FROM resources r JOIN institutions i ON i.id = r.institution_id
   WHERE r.id = b.resource_id
$$;

-- Whether m may see booking b at all: its holder, their startup, staff of
-- its resource.  To anyone else it does not exist.
CREATE OR REPLACE FUNCTION rb_may_see_booking(m members, b bookings) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT b.member_id = m.id
      OR (m.startup_id IS NOT NULL AND b.startup_id IS NOT DISTINCT FROM m.startup_id)
      OR coalesce(rb_staff_of_booking(m, b), false)
$$;

-- The one refusal for a booking id that does not exist and for a booking
-- the caller may not see (rb_may_see_booking): code, reason, field,
-- message and arguments are the same, so that an id tells nothing.
CREATE OR REPLACE FUNCTION rb_refuse_no_booking(p_booking bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rb_refuse('RB404', 'booking_not_found', 'booking_id',
    format('there is no booking %s that you can see', p_booking),
    jsonb_build_object('booking', p_booking));
END $$;

-- The same refusal for staff (managers, operators), in staff's terms: what
-- their role lets them act on.  Given for an id that does not exist and for
-- a booking of a resource they do not look after alike, so that it tells
-- them nothing either.  Members (and admins) get rb_refuse_no_booking's.
CREATE OR REPLACE FUNCTION rb_refuse_no_booking_for(p_booking bigint, m members, p_action text,
                                                    p_verb text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF m.role NOT IN ('manager', 'operator') THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  PERFORM rb_refuse('RB404', 'booking_not_found', 'booking_id',
    format('there is no booking %s that you can see; %s', p_booking,
           CASE m.role
             WHEN 'manager' THEN format('as a manager of %s you can %s the bookings of its resources only',
                                        (SELECT name FROM institutions WHERE id = m.institution_id), p_verb)
             ELSE format('as an operator of %s you can %s the bookings in that space only',
                         (SELECT name FROM spaces WHERE id = m.space_id), p_verb)
           END),
    jsonb_build_object('booking', p_booking, 'action', p_action, 'role', m.role::text,
                       'institution', (SELECT name FROM institutions WHERE id = m.institution_id),
                       'space', (SELECT name FROM spaces WHERE id = m.space_id)));
END $$;

-- Staff acting on a booking of a resource they do not look after (and do
-- not hold): the not-found answer in staff's terms.  Others are left to the
-- caller's own checks.
CREATE OR REPLACE FUNCTION rb_staff_elsewhere(m members, b bookings, p_action text, p_verb text)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF m.role NOT IN ('manager', 'operator') OR m.id = b.member_id OR rb_staff_of_booking(m, b) THEN
    RETURN;
  END IF;
  PERFORM rb_refuse_no_booking_for(b.id, m, p_action, p_verb);
END $$;

-- ------------------------------------------------------------------ move

-- Move a booking (and its companions) to another window of the same
-- resource, atomically: it takes the new window under every rule the new
-- booking would face, or stays where it was.  The id stays.
CREATE OR REPLACE FUNCTION rb_move(p_member bigint, p_booking bigint, p_start bigint, p_end bigint,
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
  new_state booking_state;
  units bigint[] := '{}';
  ignore bigint[];
  os bookings[];
  ns bookings[];
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'move', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  b := rb_lock_booking_for(p_booking, m, 'move', 'move');
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  staff := rb_staff_of_booking(m, b);
  PERFORM rb_staff_elsewhere(m, b, 'move', 'move');
  IF NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF NOT (b.member_id = m.id OR staff) THEN
    PERFORM rb_refuse('RB403', 'booking_not_yours', 'booking_id',
      format('booking %s is not yours; only its owner or a manager of %s can move it',
                       b.id, rb_institution_name(r.id)),
      jsonb_build_object('booking', b.id, 'action', 'move', 'same_startup', true, 'institution', rb_institution_name(r.id)));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
      format('booking %s comes with booking %s; move that one', b.id, b.parent_id),
      jsonb_build_object('booking', b.id, 'parent', b.parent_id, 'action', 'move'));
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
      format('booking %s is %s and can no longer be moved', b.id,
                       replace(b.state::text, '_', ' ')),
      jsonb_build_object('booking', b.id, 'state', b.state, 'action', 'move'));
  END IF;
  IF lower(b.during) <= now() THEN
    PERFORM rb_refuse('RB412', 'booking_started', 'booking_id',
      format('booking %s has already started and can no longer be moved', b.id),
      jsonb_build_object('booking', b.id, 'at', rb_epoch(lower(b.during)), 'action', 'move'));
  END IF;
  w := rb_booking_window(r, p_start, p_end);
  IF w = b.during THEN
    PERFORM rb_refuse('RB400', 'booking_unchanged', 'start',
      format('booking %s is already %s', b.id, rb_window_text(w, r.time_zone)),
      jsonb_build_object('booking', b.id, 'start', rb_epoch(lower(w)), 'end', rb_epoch(upper(w)),
                         'time_zone', r.time_zone));
  END IF;
  SELECT * INTO owner FROM members WHERE members.id = b.member_id;

  -- Ask the rules whether the owner could book the new window with this
  -- booking and its companions out of the way.
  os := rb_booking_family(b.id, '{requested,confirmed}');
  SELECT coalesce(array_agg(x.id), '{}') INTO ignore FROM unnest(os) x;
  units := units || rb_rules_hold(rb_rules(owner, r, w, NULL, ignore),
                                  format('booking %s stays %s: ', b.id, rb_window_text(b.during, r.time_zone)));
  FOR i IN 2 .. coalesce(array_length(os, 1), 0) LOOP
    SELECT * INTO q FROM resources x WHERE x.id = os[i].resource_id;
    units := units || rb_rules_hold(rb_rules(owner, q, w, NULL, ignore),
                                    format('booking %s stays %s: ', b.id, rb_window_text(b.during, r.time_zone)));
  END LOOP;

  -- A member's move of a booking that needed approval asks again; staff's does not.
  new_state := b.state;
  IF b.state = 'confirmed' AND rb_first_state(owner, r, NULL) = 'requested' THEN
    new_state := 'requested';
  END IF;
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].during := w;
    ns[i].unit_id := units[i];
    ns[i].state := new_state;
    IF new_state = 'requested' THEN
      ns[i].decided_by := NULL;
    END IF;
  END LOOP;
  PERFORM rb_booking_write(os, ns);

  PERFORM rb_idem_store(p_member, p_key, 'move', fp, b.id);
  PERFORM rb_audit(m.id, 'move', 'booking', b.id, p_peer,
                   jsonb_build_object('from', jsonb_build_array(rb_epoch(lower(b.during)), rb_epoch(upper(b.during))),
                                      'to', jsonb_build_array(p_start, p_end)));
  RETURN QUERY SELECT b.id, false;
END $$;

-- ------------------------------------------------------------------ hand over

-- Give a booking to another member of the same startup (owner or staff).
CREATE OR REPLACE FUNCTION rb_hand_over(p_member bigint, p_booking bigint, p_to text, p_peer text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  r resources;
  t members;
  n bigint;
  os bookings[];
  ns bookings[];
BEGIN
  b := rb_lock_booking_for(p_booking, m, 'hand_over', 'hand over');
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  PERFORM rb_staff_elsewhere(m, b, 'hand_over', 'hand over');
  IF NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    PERFORM rb_refuse('RB403', 'booking_not_yours', 'booking_id',
      format('booking %s is not yours; only its owner or a manager of %s can hand it over',
                       b.id, rb_institution_name(r.id)),
      jsonb_build_object('booking', b.id, 'action', 'hand_over', 'same_startup', true, 'institution', rb_institution_name(r.id)));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
      format('booking %s comes with booking %s; hand over that one', b.id, b.parent_id),
      jsonb_build_object('booking', b.id, 'parent', b.parent_id, 'action', 'hand_over'));
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') OR upper(b.during) <= now() THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
      format('booking %s is %s and can no longer be handed over', b.id,
                       CASE WHEN upper(b.during) <= now() THEN 'over' ELSE replace(b.state::text, '_', ' ') END),
      jsonb_build_object('booking', b.id, 'state', CASE WHEN upper(b.during) <= now() THEN 'over' ELSE b.state::text END, 'action', 'hand_over'));
  END IF;
  SELECT * INTO t FROM members WHERE handle = p_to AND disabled_at IS NULL;
  -- a member of another startup is, to a member, one that does not exist;
  -- staff of the resource are told why
  IF NOT FOUND OR (t.startup_id IS DISTINCT FROM b.startup_id AND NOT rb_staff_of_booking(m, b)) THEN
    PERFORM rb_refuse('RB404', 'member_not_found', 'to',
      format('no member is called %s', p_to),
      jsonb_build_object('member', p_to));
  END IF;
  IF t.id = b.member_id THEN
    PERFORM rb_refuse('RB400', 'booking_already_theirs', 'to',
      format('booking %s already belongs to %s', b.id, t.handle),
      jsonb_build_object('booking', b.id, 'member', t.handle::text));
  END IF;
  IF t.startup_id IS DISTINCT FROM b.startup_id THEN
    PERFORM rb_refuse('RB412', 'member_other_startup', 'to',
      format('%s is not a member of the startup that holds booking %s', t.handle, b.id),
      jsonb_build_object('booking', b.id, 'member', t.handle::text));
  END IF;
  -- the per-member limit holds for the new holder too
  IF r.max_active_per_member > 0 AND NOT rb_offpeak(r, b.during) THEN
    n := rb_peak_held(r, t.id);
    IF n >= r.max_active_per_member THEN
      PERFORM rb_refuse('RB412', 'rule_max_active', 'to',
        rb_max_active_text(t.handle || ' already holds', n, r),
        jsonb_build_object('resource', r.code::text, 'member', t.handle::text, 'held', n, 'limit', r.max_active_per_member,
                           'action', 'hand_over',
                           'offpeak', EXISTS (SELECT 1 FROM opening_hours o
                                               WHERE o.resource_id = r.id AND o.kind = 'offpeak')));
    END IF;
  END IF;
  os := rb_booking_family(b.id, '{requested,confirmed}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].member_id := t.id;
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  PERFORM rb_audit(m.id, 'hand_over', 'booking', b.id, p_peer,
                   jsonb_build_object('to', t.handle));
  RETURN b.id;
END $$;

-- ------------------------------------------------------------------ reading one

-- A booking p_member may see: their own, their startup's, or one of a
-- resource they are staff of.  Returns its id.
CREATE OR REPLACE FUNCTION rb_get_booking(p_member bigint, p_booking bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
BEGIN
  SELECT * INTO b FROM bookings WHERE id = p_booking;
  IF NOT FOUND OR NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  RETURN b.id;
END $$;

