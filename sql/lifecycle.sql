-- The booking lifecycle after booking: approval, check-in and check-out,
-- usage corrections and no-shows.

-- ------------------------------------------------------------------ approval

-- The queue: requested bookings of the resources p_member is staff of,
-- oldest request first.
CREATE OR REPLACE FUNCTION rb_approvals(p_member bigint, p_code text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  res resources;
  inst institutions;
BEGIN
  -- one resource: it exists, and the caller looks after it
  IF p_code IS NOT NULL THEN
    SELECT * INTO res FROM resources x WHERE x.code = p_code;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code',
                        format('no resource is called %s', p_code),
                        jsonb_build_object('resource', p_code));
    END IF;
    SELECT * INTO inst FROM institutions x WHERE x.id = res.institution_id;
    IF NOT rb_is_staff(m, inst.id, inst.space_id) THEN
      PERFORM rb_refuse('RB403', 'not_staff', 'resource_code',
                        format('you are not staff of %s: its bookings wait for a manager of %s, an operator of its space or an admin',
                               res.code, inst.name),
                        jsonb_build_object('action', 'approve', 'institution', inst.name, 'resource', res.code::text));
    END IF;
  END IF;
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
CREATE OR REPLACE FUNCTION rb_decide(p_member bigint, p_booking bigint, p_approve boolean, p_reason text,
                          p_peer text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  verb text := CASE WHEN p_approve THEN 'approve' ELSE 'decline' END;
  os bookings[];
  ns bookings[];
BEGIN
  b := rb_lock_booking(p_booking);
  IF NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF NOT rb_staff_of_booking(m, b) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'booking_id',
                      format('only a manager of %s, an operator of its space or an admin can %s booking %s',
                             rb_institution_name(b.resource_id), verb, b.id),
                      jsonb_build_object('institution', rb_institution_name(b.resource_id), 'action', verb,
                                         'booking', b.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
                      format('booking %s comes with booking %s; %s that one', b.id, b.parent_id, verb),
                      jsonb_build_object('booking', b.id, 'parent', b.parent_id, 'action', verb));
  END IF;
  IF b.state <> 'requested' THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
                      format('booking %s is %s, not waiting for approval; only a requested booking can be %sd',
                             b.id, replace(b.state::text, '_', ' '), verb),
                      jsonb_build_object('booking', b.id, 'state', b.state, 'action', verb));
  END IF;
  IF upper(b.during) <= now() THEN
    PERFORM rb_refuse('RB412', 'booking_over', 'booking_id', format('the time of booking %s has passed', b.id),
                      jsonb_build_object('booking', b.id, 'at', rb_epoch(upper(b.during)), 'action', verb));
  END IF;
  IF NOT p_approve AND coalesce(p_reason, '') = '' THEN
    PERFORM rb_refuse('RB400', 'reason_required', 'reason',
                      format('say why booking %s is declined; %s will see the reason', b.id,
                             (SELECT handle FROM members WHERE id = b.member_id)),
                      jsonb_build_object('booking', b.id, 'action', verb,
                                         'member', (SELECT handle::text FROM members WHERE id = b.member_id)));
  END IF;
  os := rb_booking_family(b.id, '{requested}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].state := CASE WHEN p_approve THEN 'confirmed'::booking_state ELSE 'declined'::booking_state END;
    ns[i].decided_by := m.id;
    ns[i].decided_at := now();
    ns[i].decision_reason := coalesce(p_reason, '');
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  PERFORM rb_audit(m.id, verb, 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));
  RETURN b.id;
END $$;

-- ------------------------------------------------------------------ check in and out

-- The booking p_member acts on for its usage: the holder or staff of the
-- resource, never a companion (those follow their parent).
CREATE OR REPLACE FUNCTION rb_usage_booking(m members, p_booking bigint, p_verb text) RETURNS bookings
LANGUAGE plpgsql AS $$
DECLARE
  b bookings := rb_lock_booking_for(p_booking, m, replace(p_verb, ' ', '_'), p_verb);
BEGIN
  PERFORM rb_staff_elsewhere(m, b, replace(p_verb, ' ', '_'), p_verb);
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    IF b.startup_id IS NOT DISTINCT FROM m.startup_id AND m.startup_id IS NOT NULL THEN
      PERFORM rb_refuse('RB403', 'booking_not_yours', 'booking_id',
                        format('booking %s is held by %s; only they or a manager of %s can %s',
                               b.id, (SELECT handle FROM members WHERE id = b.member_id),
                               rb_institution_name(b.resource_id), replace(p_verb, ' ', ' it ')),
                        jsonb_build_object('booking', b.id, 'action', replace(p_verb, ' ', '_'),
                                           'same_startup', true,
                                           'member', (SELECT handle::text FROM members WHERE id = b.member_id),
                                           'institution', rb_institution_name(b.resource_id)));
    END IF;
    -- the same answer as for a booking that does not exist
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
                      format('booking %s comes with booking %s; %s that one', b.id, b.parent_id, p_verb),
                      jsonb_build_object('booking', b.id, 'parent', b.parent_id,
                                         'action', replace(p_verb, ' ', '_')));
  END IF;
  RETURN b;
END $$;

-- "booking 42 is cancelled" and the like, for refusals.
CREATE OR REPLACE FUNCTION rb_state_words(b bookings) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE b.state
    WHEN 'requested' THEN 'requested (waiting for approval)'
    WHEN 'checked_in' THEN 'already checked in'
    WHEN 'completed' THEN 'completed (checked out)'
    WHEN 'no_show' THEN 'a no-show'
    ELSE b.state::text END
$$;

-- Check in: from checkin_early_minutes before the start until the end, by
-- the holder or staff on their behalf; the holder must be qualified now.
-- A no-show that turns up before the end is checked in after all.
CREATE OR REPLACE FUNCTION rb_check_in(p_member bigint, p_booking bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_usage_booking(m, p_booking, 'check in');
  r resources;
  why record;
  os bookings[];
  ns bookings[];
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF b.state = 'checked_in' THEN
    PERFORM rb_refuse('RB412', 'booking_checked_in', 'booking_id',
                      format('booking %s is already checked in (since %s)', b.id,
                             rb_at_text(b.checked_in_at, r.time_zone)),
                      jsonb_build_object('booking', b.id, 'at', rb_epoch(b.checked_in_at),
                                         'time_zone', r.time_zone));
  END IF;
  IF b.state NOT IN ('confirmed', 'no_show') THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
                      format('booking %s is %s and cannot be checked in', b.id, rb_state_words(b)),
                      jsonb_build_object('booking', b.id, 'state', b.state, 'action', 'check_in'));
  END IF;
  IF now() < lower(b.during) - r.checkin_early_minutes * interval '1 minute' THEN
    PERFORM rb_refuse('RB412', 'checkin_not_open', 'booking_id',
                      format('check-in for booking %s opens at %s, %s before its start', b.id,
                             rb_at_text(lower(b.during) - r.checkin_early_minutes * interval '1 minute', r.time_zone),
                             rb_minutes_text(r.checkin_early_minutes)),
                      jsonb_build_object('booking', b.id,
                                         'at', rb_epoch(lower(b.during) - r.checkin_early_minutes * interval '1 minute'),
                                         'minutes', r.checkin_early_minutes, 'time_zone', r.time_zone));
  END IF;
  IF now() >= upper(b.during) THEN
    PERFORM rb_refuse('RB412', 'booking_over', 'booking_id',
                      format('booking %s ended at %s and can no longer be checked in', b.id,
                             rb_at_text(upper(b.during), r.time_zone)),
                      jsonb_build_object('booking', b.id, 'at', rb_epoch(upper(b.during)),
                                         'action', 'check_in', 'time_zone', r.time_zone));
  END IF;
  SELECT * INTO why FROM rb_unqualified(b.member_id, r, now());
  IF why.reason IS NOT NULL THEN
    PERFORM rb_refuse('RB412', why.reason, 'booking_id', why.message, why.args);
  END IF;
  os := rb_booking_family(b.id, '{confirmed,no_show}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].state := 'checked_in';
    ns[i].checked_in_at := now();
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  PERFORM rb_audit(m.id, 'checkin', 'booking', b.id, p_peer,
                   jsonb_build_object('was', b.state,
                                      'late', now() > lower(b.during) + r.no_show_grace_minutes * interval '1 minute'));
  RETURN b.id;
END $$;

-- When the usage of booking b must end at the latest: the start of the
-- next booking of its unit, or of the next closure of its resource.
-- NULL when nothing follows.
CREATE OR REPLACE FUNCTION rb_usage_limit(b bookings) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT min(t) FROM (
    SELECT lower(x.during) AS t FROM bookings x
     WHERE x.resource_id = b.resource_id AND x.unit_id = b.unit_id AND x.id <> b.id AND x.state NOT IN ('cancelled', 'declined')
       AND lower(x.during) >= upper(b.during)
    UNION ALL
    SELECT lower(c.during) FROM closures c
     WHERE c.resource_id = b.resource_id AND c.removed_at IS NULL
       AND lower(c.during) >= upper(b.during)
  ) s
$$;

-- Check out.  An overrun past the end counts until the next booking of the
-- unit (or a closure) begins: checking out later records that instant, and
-- the usage note says so.
CREATE OR REPLACE FUNCTION rb_check_out(p_member bigint, p_booking bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_usage_booking(m, p_booking, 'check out');
  r resources;
  lim timestamptz;
  out_at timestamptz := now();
  v_note text;
  os bookings[];
  ns bookings[];
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF b.state = 'confirmed' THEN
    PERFORM rb_refuse('RB412', 'booking_not_checked_in', 'booking_id',
                      format('booking %s is confirmed but not checked in; check in first: rigbook checkin %s',
                             b.id, b.id),
                      jsonb_build_object('booking', b.id));
  END IF;
  IF b.state = 'completed' THEN
    PERFORM rb_refuse('RB412', 'booking_checked_out', 'booking_id',
                      format('booking %s is already checked out (at %s)', b.id,
                             rb_at_text(b.checked_out_at, r.time_zone)),
                      jsonb_build_object('booking', b.id, 'at', rb_epoch(b.checked_out_at),
                                         'time_zone', r.time_zone));
  END IF;
  IF b.state <> 'checked_in' THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
                      format('booking %s is %s and cannot be checked out', b.id, rb_state_words(b)),
                      jsonb_build_object('booking', b.id, 'state', b.state, 'action', 'check_out'));
  END IF;
  lim := rb_usage_limit(b);
  IF lim IS NOT NULL AND out_at > lim THEN
    out_at := greatest(lim, b.checked_in_at + interval '1 second');
    v_note := format('checked out at %s; the usage ends at %s, when the next booking of %s began',
                   rb_at_text(now(), r.time_zone), rb_at_text(out_at, r.time_zone), r.code);
  END IF;
  os := rb_booking_family(b.id, '{checked_in}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].state := 'completed';
    ns[i].checked_out_at := out_at;
    ns[i].usage_note := coalesce(v_note, ns[i].usage_note);
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  PERFORM rb_audit(m.id, 'checkout', 'booking', b.id, p_peer,
                   jsonb_build_object('at', rb_epoch(out_at), 'clamped', v_note IS NOT NULL,
                                      'overrun', out_at > upper(b.during)));
  RETURN b.id;
END $$;

-- A manager's correction of the usage record, with the reason (kept as the
-- usage note, shown to the member).  In and out default to what is on
-- record; with an out time the booking is completed, without one it stays
-- checked in.
CREATE OR REPLACE FUNCTION rb_correct_usage(p_member bigint, p_booking bigint, p_in bigint, p_out bigint,
                                 p_reason text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_lock_booking(p_booking);
  r resources;
  t_in timestamptz;
  t_out timestamptz;
  lim timestamptz;
  os bookings[];
  ns bookings[];
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF NOT rb_staff_of_booking(m, b) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'booking_id',
                      format('only a manager of %s, an operator of its space or an admin can correct the usage of booking %s',
                             rb_institution_name(r.id), b.id),
                      jsonb_build_object('institution', rb_institution_name(r.id), 'action', 'correct_usage',
                                         'booking', b.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
                      format('booking %s comes with booking %s; correct that one', b.id, b.parent_id),
                      jsonb_build_object('booking', b.id, 'parent', b.parent_id, 'action', 'correct_usage'));
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    PERFORM rb_refuse('RB400', 'reason_required', 'reason',
                      format('say why the usage of booking %s changes; %s will see the reason', b.id,
                             (SELECT handle FROM members WHERE id = b.member_id)),
                      jsonb_build_object('booking', b.id, 'action', 'correct_usage',
                                         'member', (SELECT handle::text FROM members WHERE id = b.member_id)));
  END IF;
  IF p_in IS NULL AND p_out IS NULL THEN
    PERFORM rb_refuse('RB400', 'usage_time_required', 'checked_in_at',
                      'give the check-in time, the check-out time or both');
  END IF;
  IF b.state NOT IN ('checked_in', 'completed', 'no_show')
     AND NOT (b.state = 'confirmed' AND lower(b.during) <= now()) THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
                      format('booking %s is %s and has no usage to correct', b.id, rb_state_words(b)),
                      jsonb_build_object('booking', b.id, 'state', b.state, 'action', 'correct_usage'));
  END IF;
  t_in := coalesce(rb_from_epoch(p_in), b.checked_in_at);
  t_out := coalesce(rb_from_epoch(p_out), b.checked_out_at);
  IF t_in IS NULL THEN
    PERFORM rb_refuse('RB400', 'checkin_time_required', 'checked_in_at',
                      format('booking %s was never checked in; give the check-in time too', b.id),
                      jsonb_build_object('booking', b.id));
  END IF;
  IF t_in > now() OR t_out > now() THEN
    PERFORM rb_refuse('RB400', 'usage_in_future',
                      CASE WHEN t_in > now() THEN 'checked_in_at' ELSE 'checked_out_at' END,
                      'a usage record cannot reach into the future',
                      jsonb_build_object('checked_in_at', rb_epoch(t_in), 'checked_out_at', rb_epoch(t_out)));
  END IF;
  IF t_out IS NOT NULL AND t_out <= t_in THEN
    PERFORM rb_refuse('RB400', 'checkout_before_checkin', 'checked_out_at',
                      format('the check-out (%s) must be after the check-in (%s)',
                             rb_at_text(t_out, r.time_zone), rb_at_text(t_in, r.time_zone)),
                      jsonb_build_object('checked_in_at', rb_epoch(t_in), 'checked_out_at', rb_epoch(t_out),
                                         'time_zone', r.time_zone));
  END IF;
  lim := rb_usage_limit(b);
  IF lim IS NOT NULL AND coalesce(t_out, t_in) > lim THEN
    PERFORM rb_refuse('RB412', 'usage_overlaps_next',
                      CASE WHEN t_out IS NULL THEN 'checked_in_at' ELSE 'checked_out_at' END,
                      format('the usage of booking %s cannot run past %s, when the next booking of %s begins',
                             b.id, rb_at_text(lim, r.time_zone), r.code),
                      jsonb_build_object('booking', b.id, 'at', rb_epoch(lim), 'resource', r.code::text,
                                         'time_zone', r.time_zone));
  END IF;
  os := rb_booking_family(b.id, '{confirmed,checked_in,completed,no_show}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].checked_in_at := t_in;
    ns[i].checked_out_at := t_out;
    ns[i].usage_note := btrim(p_reason);
    ns[i].state := CASE WHEN t_out IS NULL THEN 'checked_in'::booking_state ELSE 'completed'::booking_state END;
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  PERFORM rb_audit(m.id, 'usage', 'booking', b.id, p_peer,
                   jsonb_build_object('reason', btrim(p_reason), 'state', b.state,
                                      'in', rb_epoch(t_in), 'out', rb_epoch(t_out),
                                      'was_in', rb_epoch(b.checked_in_at),
                                      'was_out', rb_epoch(b.checked_out_at)));
  RETURN b.id;
END $$;

-- ------------------------------------------------------------------ no-shows

-- Staff mark a confirmed booking nobody checked in for as a no-show, once
-- the grace period after its start has passed.
CREATE OR REPLACE FUNCTION rb_mark_no_show(p_member bigint, p_booking bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_lock_booking(p_booking);
  r resources;
  due timestamptz;
  os bookings[];
  ns bookings[];
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT rb_may_see_booking(m, b) THEN
    PERFORM rb_refuse_no_booking(p_booking);
  END IF;
  IF NOT rb_staff_of_booking(m, b) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'booking_id',
                      format('only a manager of %s, an operator of its space or an admin can mark booking %s a no-show',
                             rb_institution_name(r.id), b.id),
                      jsonb_build_object('institution', rb_institution_name(r.id), 'action', 'mark_no_show',
                                         'booking', b.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'booking_has_parent', 'booking_id',
                      format('booking %s comes with booking %s; mark that one', b.id, b.parent_id),
                      jsonb_build_object('booking', b.id, 'parent', b.parent_id, 'action', 'mark_no_show'));
  END IF;
  IF b.state <> 'confirmed' THEN
    PERFORM rb_refuse('RB412', 'booking_wrong_state', 'booking_id',
                      format('booking %s is %s; only a confirmed booking nobody checked in for can be a no-show',
                             b.id, rb_state_words(b)),
                      jsonb_build_object('booking', b.id, 'state', b.state, 'action', 'mark_no_show'));
  END IF;
  due := lower(b.during) + r.no_show_grace_minutes * interval '1 minute';
  IF now() < due THEN
    PERFORM rb_refuse('RB412', 'no_show_too_early', 'booking_id',
                      format('booking %s can be marked a no-show from %s, %s after its start', b.id,
                             rb_at_text(due, r.time_zone), rb_minutes_text(r.no_show_grace_minutes)),
                      jsonb_build_object('booking', b.id, 'at', rb_epoch(due),
                                         'minutes', r.no_show_grace_minutes, 'time_zone', r.time_zone));
  END IF;
  os := rb_booking_family(b.id, '{confirmed}');
  ns := os;
  FOR i IN 1 .. array_length(ns, 1) LOOP
    ns[i].state := 'no_show';
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  PERFORM rb_audit(m.id, 'no_show', 'booking', b.id, p_peer, '{"by": "staff"}');
  RETURN b.id;
END $$;

-- The sweep: every confirmed booking nobody checked in for by its start
-- plus the grace becomes a no-show (with its companions), at most p_limit
-- per call.  Rows another transaction holds are skipped, never waited for
-- (a booking being checked in right now, or one another daemon's sweep is
-- marking), so any number of daemons can run it at once: each booking is
-- marked by exactly one of them.  Returns the ids marked.
CREATE OR REPLACE FUNCTION rb_mark_no_shows(p_limit int) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE
  p bigint;
  kids bigint[];
  nkids bigint;
  os bookings[];
  ns bookings[];
BEGIN
  FOR p IN SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
            WHERE b.state = 'confirmed' AND b.parent_id IS NULL
              AND lower(b.during) <= now() -- bookings_confirmed_start: started ones only
              AND lower(b.during) + r.no_show_grace_minutes * interval '1 minute' <= now()
            ORDER BY lower(b.during), b.id
            LIMIT p_limit
              FOR NO KEY UPDATE OF b SKIP LOCKED LOOP
    SELECT coalesce(array_agg(k.id), '{}') INTO kids
      FROM (SELECT id FROM bookings WHERE parent_id = p AND state = 'confirmed'
              FOR NO KEY UPDATE SKIP LOCKED) k;
    SELECT count(*) INTO nkids FROM bookings WHERE parent_id = p AND state = 'confirmed';
    IF nkids <> cardinality(kids) THEN
      CONTINUE; -- a companion is busy elsewhere: the next sweep takes it
    END IF;
    SELECT array_agg(x ORDER BY x.parent_id IS NOT NULL, x.resource_id, x.id) INTO os
      FROM bookings x WHERE x.id = p OR x.id = ANY (kids);
    ns := os;
    FOR i IN 1 .. array_length(ns, 1) LOOP
      ns[i].state := 'no_show';
    END LOOP;
    PERFORM rb_booking_write(os, ns);
    PERFORM rb_audit(NULL, 'no_show', 'booking', p, '', '{"by": "sweep"}');
    RETURN NEXT p;
  END LOOP;
END $$;

