-- Using the equipment: who is qualified on what, checking in and out,
-- corrections of the usage record, and no-shows.
--
--   confirmed -> checked_in  (the holder or staff, from checkin_early_minutes
--                             before the start until the end)
--   no_show   -> checked_in  (a late arrival before the end)
--   checked_in -> completed  (checked out; an overrun ends when the next
--                             booking of the unit begins)
--   confirmed -> no_show     (nobody checked in by start + no_show_grace_minutes:
--                             staff by hand, or rb_mark_no_shows() on a timer)
--
-- Every change takes the resource's advisory lock and then the booking row
-- (rb_lock_booking), like every other change to a booking.  The no-show
-- sweep takes no advisory lock but never waits either: it skips rows that
-- are locked, so it cannot deadlock and two sweeps never mark one booking.

-- ------------------------------------------------------------------ qualification

-- One row per member and resource; granting again renews it, revoking keeps
-- it on record.  The audit trail keeps every grant and revocation.
CREATE TABLE qualifications (
  id          bigserial PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES members,
  resource_id bigint NOT NULL REFERENCES resources,
  granted_by  bigint NOT NULL REFERENCES members,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,            -- NULL: does not expire
  revoked_at  timestamptz,
  revoked_by  bigint REFERENCES members,
  UNIQUE (member_id, resource_id),
  CONSTRAINT qualification_revoked CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX qualifications_resource ON qualifications (resource_id);

-- "14:05 on 2026-12-03" in the resource's zone.
CREATE FUNCTION rb_at_text(t timestamptz, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE tz, 'HH24:MI "on" YYYY-MM-DD') || ' (' || tz || ')'
$$;

-- Why p_member may not use resource r until p_until, or NULL when they may.
-- Staff are held to it like everyone else: a qualification says who may run
-- the equipment, not who may change its settings.
CREATE FUNCTION rb_unqualified(p_member bigint, r resources, p_until timestamptz)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  q qualifications;
  who text := (SELECT handle FROM members WHERE id = p_member);
BEGIN
  IF NOT r.needs_qualification THEN
    RETURN NULL;
  END IF;
  SELECT * INTO q FROM qualifications WHERE member_id = p_member AND resource_id = r.id;
  IF NOT FOUND THEN
    RETURN format('%s is not qualified on %s (a manager of %s grants it: rigbook qualify %s %s)',
                  who, r.code, rb_institution_name(r.id), who, r.code);
  END IF;
  IF q.revoked_at IS NOT NULL THEN
    RETURN format('%s''s qualification on %s was revoked on %s (a manager of %s grants it again: rigbook qualify %s %s)',
                  who, r.code, to_char(q.revoked_at AT TIME ZONE r.time_zone, 'YYYY-MM-DD'),
                  rb_institution_name(r.id), who, r.code);
  END IF;
  IF q.expires_at IS NOT NULL AND q.expires_at <= now() THEN
    RETURN format('%s''s qualification on %s ended at %s (a manager of %s renews it: rigbook qualify %s %s)',
                  who, r.code, rb_at_text(q.expires_at, r.time_zone), rb_institution_name(r.id), who, r.code);
  END IF;
  IF q.expires_at IS NOT NULL AND q.expires_at < p_until THEN
    RETURN format('%s''s qualification on %s ends at %s, before the booking ends (a manager of %s renews it: rigbook qualify %s %s --until DATE)',
                  who, r.code, rb_at_text(q.expires_at, r.time_zone), rb_institution_name(r.id), who, r.code);
  END IF;
  RETURN NULL;
END $$;

-- Every active booking of a resource that needs qualification is held by
-- a member qualified on it until the booking's end: on every path that
-- writes one (book, move, hand over, companions, whatever comes later).
CREATE FUNCTION rb_booking_qualified() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r resources;
  why text;
BEGIN
  IF NEW.state IN ('cancelled', 'declined', 'completed', 'no_show') THEN
    RETURN NEW;
  END IF;
  SELECT * INTO r FROM resources WHERE id = NEW.resource_id;
  IF NOT r.needs_qualification THEN
    RETURN NEW;
  END IF;
  why := rb_unqualified(NEW.member_id, r, upper(NEW.during));
  IF why IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', MESSAGE = why,
      COLUMN = CASE WHEN TG_OP = 'INSERT' THEN 'resource_code'
                    WHEN NEW.member_id <> OLD.member_id THEN 'to_member'
                    ELSE 'start' END;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER booking_qualified BEFORE INSERT OR UPDATE OF member_id, during ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_booking_qualified();

-- The resource staff member m looks after, or an error.
CREATE FUNCTION rb_qual_resource(m members, p_code text) RETURNS resources
LANGUAGE plpgsql STABLE AS $$
DECLARE
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'resource_code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can qualify members on %s',
                       i.name, r.code);
  END IF;
  RETURN r;
END $$;

-- Qualify a member on a resource until p_until (NULL: no end); granting
-- again renews (or restores) it.  Returns the qualification's id.
CREATE FUNCTION rb_qualify(p_member bigint, p_handle text, p_code text, p_until bigint,
                           p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_qual_resource(m, p_code);
  t members;
  v_until timestamptz := rb_from_epoch(p_until);
  qid bigint;
BEGIN
  SELECT * INTO t FROM members WHERE handle = p_handle AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('no member is called %s', p_handle);
  END IF;
  IF v_until IS NOT NULL AND v_until <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'expires_at',
      MESSAGE = format('a qualification until %s (%s) would already have ended',
                       to_char(v_until AT TIME ZONE r.time_zone, 'YYYY-MM-DD HH24:MI'), r.time_zone);
  END IF;
  INSERT INTO qualifications AS q (member_id, resource_id, granted_by, expires_at)
  VALUES (t.id, r.id, m.id, v_until)
  ON CONFLICT (member_id, resource_id) DO UPDATE
     SET granted_by = m.id, granted_at = now(), expires_at = v_until,
         revoked_at = NULL, revoked_by = NULL
  RETURNING q.id INTO qid;
  PERFORM rb_audit(m.id, 'qualify', 'qualification', qid, p_peer,
                   jsonb_build_object('member', t.handle, 'resource', r.code, 'until', p_until));
  RETURN qid;
END $$;

-- Revoke a qualification.  Bookings already made stay, but their holder
-- cannot check in without a valid qualification.
CREATE FUNCTION rb_unqualify(p_member bigint, p_handle text, p_code text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_qual_resource(m, p_code);
  q qualifications;
BEGIN
  SELECT q2.* INTO q FROM qualifications q2 JOIN members t ON t.id = q2.member_id
   WHERE t.handle = p_handle AND q2.resource_id = r.id AND q2.revoked_at IS NULL
   FOR UPDATE OF q2;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('%s is not qualified on %s', p_handle, r.code);
  END IF;
  UPDATE qualifications SET revoked_at = now(), revoked_by = m.id WHERE id = q.id;
  PERFORM rb_audit(m.id, 'unqualify', 'qualification', q.id, p_peer,
                   jsonb_build_object('member', p_handle, 'resource', r.code));
  RETURN q.id;
END $$;

-- Qualifications as the wire shows them (column order: daemon/sql.h QC_*).
CREATE VIEW qualification_view AS
SELECT q.id, m.handle::text AS member_handle, r.code::text AS resource_code, r.time_zone,
       g.handle::text AS granted_by, rb_epoch(q.granted_at) AS granted_epoch,
       coalesce(rb_epoch(q.expires_at), 0) AS expires_epoch,
       coalesce(rb_epoch(q.revoked_at), 0) AS revoked_epoch,
       coalesce(v.handle::text, '') AS revoked_by,
       (q.revoked_at IS NULL AND (q.expires_at IS NULL OR q.expires_at > now())) AS valid,
       q.member_id, q.resource_id, r.institution_id
FROM qualifications q
JOIN members m ON m.id = q.member_id
JOIN resources r ON r.id = q.resource_id
JOIN members g ON g.id = q.granted_by
LEFT JOIN members v ON v.id = q.revoked_by;

-- One qualification as the wire shows it; VOLATILE so that, called on the
-- id a change just returned, it sees that change (as rb_booking_wire).
CREATE FUNCTION rb_qualification_wire(p_id bigint) RETURNS SETOF qualification_view
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- plpgsql keeps the plan for the session; VOLATILE: sees the row this
  -- statement's other function just wrote
  RETURN QUERY SELECT * FROM qualification_view WHERE id = p_id;
END $$;

-- The qualifications p_member may see: members their own, staff those on
-- the resources they look after (and their own).  Valid ones only unless
-- p_all.
CREATE FUNCTION rb_qualifications(p_member bigint, p_code text, p_handle text, p_all boolean)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
BEGIN
  IF p_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resources WHERE code = p_code) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF p_handle IS NOT NULL AND NOT EXISTS (SELECT 1 FROM members WHERE handle = p_handle) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('no member is called %s', p_handle);
  END IF;
  IF m.role = 'member' AND p_handle IS NOT NULL AND p_handle <> m.handle THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'member_handle',
      MESSAGE = 'members see only their own qualifications';
  END IF;
  RETURN QUERY
    SELECT v.id FROM qualification_view v
      JOIN institutions i ON i.id = v.institution_id
     WHERE (v.member_id = m.id OR rb_is_staff(m, i.id, i.space_id))
       AND (p_code IS NULL OR v.resource_code = p_code)
       AND (p_handle IS NULL OR v.member_handle = p_handle)
       AND (p_all OR v.valid)
     ORDER BY v.resource_code, v.member_handle
     LIMIT 1000;
END $$;

-- ------------------------------------------------------------------ check in and out

-- The booking p_member acts on for its usage: the holder or staff of the
-- resource, never a companion (those follow their parent).
CREATE FUNCTION rb_usage_booking(m members, p_booking bigint, p_verb text) RETURNS bookings
LANGUAGE plpgsql AS $$
DECLARE
  b bookings := rb_lock_booking(p_booking);
BEGIN
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    IF b.startup_id IS NOT DISTINCT FROM m.startup_id AND m.startup_id IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
        MESSAGE = format('booking %s is held by %s; only they or a manager of %s can %s',
                         b.id, (SELECT handle FROM members WHERE id = b.member_id),
                         rb_institution_name(b.resource_id), replace(p_verb, ' ', ' it '));
    END IF;
    -- the same answer as for a booking that does not exist
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s that you can see', b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; %s that one', b.id, b.parent_id, p_verb);
  END IF;
  RETURN b;
END $$;

-- "booking 42 is cancelled" and the like, for refusals.
CREATE FUNCTION rb_state_words(b bookings) RETURNS text
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
CREATE FUNCTION rb_check_in(p_member bigint, p_booking bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_usage_booking(m, p_booking, 'check in');
  r resources;
  why text;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF b.state = 'checked_in' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is already checked in (since %s)', b.id,
                       rb_at_text(b.checked_in_at, r.time_zone));
  END IF;
  IF b.state NOT IN ('confirmed', 'no_show') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and cannot be checked in', b.id, rb_state_words(b));
  END IF;
  IF now() < lower(b.during) - r.checkin_early_minutes * interval '1 minute' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('check-in for booking %s opens at %s, %s before its start', b.id,
                       rb_at_text(lower(b.during) - r.checkin_early_minutes * interval '1 minute', r.time_zone),
                       rb_minutes_text(r.checkin_early_minutes));
  END IF;
  IF now() >= upper(b.during) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s ended at %s and can no longer be checked in', b.id,
                       rb_at_text(upper(b.during), r.time_zone));
  END IF;
  why := rb_unqualified(b.member_id, r, now());
  IF why IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id', MESSAGE = why;
  END IF;
  UPDATE bookings SET state = 'checked_in', checked_in_at = now()
   WHERE id = b.id OR (parent_id = b.id AND state IN ('confirmed', 'no_show'));
  PERFORM rb_audit(m.id, 'checkin', 'booking', b.id, p_peer,
                   jsonb_build_object('was', b.state,
                                      'late', now() > lower(b.during) + r.no_show_grace_minutes * interval '1 minute'));
  RETURN b.id;
END $$;

-- When the usage of booking b must end at the latest: the start of the
-- next booking of its unit, or of the next closure of its resource.
-- NULL when nothing follows.
CREATE FUNCTION rb_usage_limit(b bookings) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT min(t) FROM (
    SELECT lower(x.during) AS t FROM bookings x
     WHERE x.unit_id = b.unit_id AND x.id <> b.id AND x.state NOT IN ('cancelled', 'declined')
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
CREATE FUNCTION rb_check_out(p_member bigint, p_booking bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_usage_booking(m, p_booking, 'check out');
  r resources;
  lim timestamptz;
  out_at timestamptz := now();
  v_note text;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF b.state = 'confirmed' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is confirmed but not checked in; check in first: rigbook checkin %s',
                       b.id, b.id);
  END IF;
  IF b.state = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is already checked out (at %s)', b.id,
                       rb_at_text(b.checked_out_at, r.time_zone));
  END IF;
  IF b.state <> 'checked_in' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and cannot be checked out', b.id, rb_state_words(b));
  END IF;
  lim := rb_usage_limit(b);
  IF lim IS NOT NULL AND out_at > lim THEN
    out_at := greatest(lim, b.checked_in_at + interval '1 second');
    v_note := format('checked out at %s; the usage ends at %s, when the next booking of %s began',
                   rb_at_text(now(), r.time_zone), rb_at_text(out_at, r.time_zone), r.code);
  END IF;
  UPDATE bookings SET state = 'completed', checked_out_at = out_at,
         usage_note = coalesce(v_note, usage_note)
   WHERE id = b.id OR (parent_id = b.id AND state = 'checked_in');
  PERFORM rb_audit(m.id, 'checkout', 'booking', b.id, p_peer,
                   jsonb_build_object('at', rb_epoch(out_at), 'clamped', v_note IS NOT NULL,
                                      'overrun', out_at > upper(b.during)));
  RETURN b.id;
END $$;

-- A manager's correction of the usage record, with the reason (kept as the
-- usage note, shown to the member).  In and out default to what is on
-- record; with an out time the booking is completed, without one it stays
-- checked in.
CREATE FUNCTION rb_correct_usage(p_member bigint, p_booking bigint, p_in bigint, p_out bigint,
                                 p_reason text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_lock_booking(p_booking);
  r resources;
  t_in timestamptz;
  t_out timestamptz;
  lim timestamptz;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT rb_staff_of_booking(m, b) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can correct the usage of booking %s',
                       rb_institution_name(r.id), b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; correct that one', b.id, b.parent_id);
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why the usage of booking %s changes; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE id = b.member_id));
  END IF;
  IF p_in IS NULL AND p_out IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'checked_in_at',
      MESSAGE = 'give the check-in time, the check-out time or both';
  END IF;
  IF b.state NOT IN ('checked_in', 'completed', 'no_show')
     AND NOT (b.state = 'confirmed' AND lower(b.during) <= now()) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and has no usage to correct', b.id, rb_state_words(b));
  END IF;
  t_in := coalesce(rb_from_epoch(p_in), b.checked_in_at);
  t_out := coalesce(rb_from_epoch(p_out), b.checked_out_at);
  IF t_in IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'checked_in_at',
      MESSAGE = format('booking %s was never checked in; give the check-in time too', b.id);
  END IF;
  IF t_in > now() OR t_out > now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400',
      COLUMN = CASE WHEN t_in > now() THEN 'checked_in_at' ELSE 'checked_out_at' END,
      MESSAGE = 'a usage record cannot reach into the future';
  END IF;
  IF t_out IS NOT NULL AND t_out <= t_in THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'checked_out_at',
      MESSAGE = format('the check-out (%s) must be after the check-in (%s)',
                       rb_at_text(t_out, r.time_zone), rb_at_text(t_in, r.time_zone));
  END IF;
  lim := rb_usage_limit(b);
  IF lim IS NOT NULL AND coalesce(t_out, t_in) > lim THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412',
      COLUMN = CASE WHEN t_out IS NULL THEN 'checked_in_at' ELSE 'checked_out_at' END,
      MESSAGE = format('the usage of booking %s cannot run past %s, when the next booking of %s begins',
                       b.id, rb_at_text(lim, r.time_zone), r.code);
  END IF;
  UPDATE bookings
     SET checked_in_at = t_in, checked_out_at = t_out, usage_note = btrim(p_reason),
         state = CASE WHEN t_out IS NULL THEN 'checked_in'::booking_state ELSE 'completed'::booking_state END
   WHERE id = b.id OR (parent_id = b.id AND state IN ('confirmed', 'checked_in', 'completed', 'no_show'));
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
CREATE FUNCTION rb_mark_no_show(p_member bigint, p_booking bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_lock_booking(p_booking);
  r resources;
  due timestamptz;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT rb_staff_of_booking(m, b) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can mark booking %s a no-show',
                       rb_institution_name(r.id), b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; mark that one', b.id, b.parent_id);
  END IF;
  IF b.state <> 'confirmed' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s; only a confirmed booking nobody checked in for can be a no-show',
                       b.id, rb_state_words(b));
  END IF;
  due := lower(b.during) + r.no_show_grace_minutes * interval '1 minute';
  IF now() < due THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s can be marked a no-show from %s, %s after its start', b.id,
                       rb_at_text(due, r.time_zone), rb_minutes_text(r.no_show_grace_minutes));
  END IF;
  UPDATE bookings SET state = 'no_show'
   WHERE id = b.id OR (parent_id = b.id AND state = 'confirmed');
  PERFORM rb_audit(m.id, 'no_show', 'booking', b.id, p_peer, '{"by": "staff"}');
  RETURN b.id;
END $$;

-- The sweep: every confirmed booking nobody checked in for by its start
-- plus the grace becomes a no-show (with its companions), at most p_limit
-- per call.  Rows another transaction holds are skipped, never waited for
-- (a booking being checked in right now, or one another daemon's sweep is
-- marking), so any number of daemons can run it at once: each booking is
-- marked by exactly one of them.  Returns the ids marked.
CREATE FUNCTION rb_mark_no_shows(p_limit int) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE
  p bigint;
  kids bigint[];
  nkids bigint;
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
    UPDATE bookings SET state = 'no_show' WHERE id = p OR id = ANY (kids);
    PERFORM rb_audit(NULL, 'no_show', 'booking', p, '', '{"by": "sweep"}');
    RETURN NEXT p;
  END LOOP;
END $$;
