-- The rules a booking is held to (window, notice, limits, units, terms,
-- approval, qualification) and qualifications themselves.

-- ------------------------------------------------------------------ booking

-- Check one resource's terms for window w and book a free unit.  The caller
-- holds the resource's advisory lock.  Returns the new booking's id.
CREATE OR REPLACE FUNCTION rb_book_one(m members, r resources, w tstzrange, p_note text, p_override text,
                            p_parent bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  tz text := r.time_zone;
  len_min numeric := extract(epoch FROM upper(w) - lower(w)) / 60;
  enforce boolean := coalesce(p_override, '') = '';
  offpeak boolean;
  c closures;
  other record;
  unit bigint;
  n bigint;
  wk date;
  used numeric;
  mine numeric;
  new_id bigint;
  buf interval := r.buffer_minutes * interval '1 minute';
  s startups;
BEGIN
  IF r.retired_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
      MESSAGE = format('%s is retired and takes no new bookings', r.code);
  END IF;

  -- Closures block like bookings, for everyone.
  SELECT * INTO c FROM closures
   WHERE resource_id = r.id AND removed_at IS NULL AND during && w ORDER BY lower(during) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
      MESSAGE = format('%s is closed%s %s: %s', r.code,
                       CASE c.kind WHEN 'maintenance' THEN ' for maintenance' ELSE '' END,
                       rb_window_text(c.during, tz), c.reason),
      DETAIL = '0 ' || rb_epoch(lower(c.during)) || ' ' || rb_epoch(upper(c.during));
  END IF;

  IF enforce THEN
    IF NOT rb_windows(r.id, tz, 'open', lower(w), upper(w)) @> w THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s is outside the opening hours of %s (rigbook show %s lists them)',
                         rb_window_text(w, tz), r.code, r.code);
    END IF;
    IF r.terms_version > 0 AND NOT EXISTS (
         SELECT 1 FROM terms_acceptances
          WHERE member_id = m.id AND resource_id = r.id AND version = r.terms_version) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
        MESSAGE = format('accept the terms of %s (version %s) first: rigbook terms accept %s',
                         r.code, r.terms_version, r.code);
    END IF;
    IF r.slot_minutes > 0 AND (rb_local_minute(lower(w), tz) % r.slot_minutes <> 0
                               OR len_min % r.slot_minutes <> 0) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s is booked in steps of %s: start and length must be multiples of it',
                         r.code, rb_minutes_text(r.slot_minutes));
    END IF;
    IF r.min_minutes > 0 AND len_min < r.min_minutes THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'end',
        MESSAGE = format('%s must be booked for at least %s', r.code, rb_minutes_text(r.min_minutes));
    END IF;
    IF r.max_minutes > 0 AND len_min > r.max_minutes THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'end',
        MESSAGE = format('%s can be booked for at most %s', r.code, rb_minutes_text(r.max_minutes));
    END IF;
    IF r.min_notice_minutes > 0 AND lower(w) < now() + r.min_notice_minutes * interval '1 minute' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s must be booked at least %s ahead', r.code,
                         rb_minutes_text(r.min_notice_minutes));
    END IF;
    IF r.max_ahead_days > 0 AND lower(w) > now() + r.max_ahead_days * interval '1 day' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s can be booked at most %s days ahead', r.code, r.max_ahead_days);
    END IF;
    IF r.whole_days AND (rb_local_minute(lower(w), tz) <> 0 OR rb_local_minute(upper(w), tz) <> 0) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s is booked in whole days, midnight to midnight (%s)', r.code, tz);
    END IF;

    offpeak := rb_windows(r.id, tz, 'offpeak', lower(w), upper(w)) @> w;
    IF NOT offpeak THEN
      IF r.max_active_per_member > 0 THEN
        SELECT count(*) INTO n FROM bookings b
         WHERE b.resource_id = r.id AND b.member_id = m.id AND upper(b.during) > now()
           AND b.state NOT IN ('cancelled', 'declined');
        IF n >= r.max_active_per_member THEN
          RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
            MESSAGE = format('you already hold %s future bookings of %s, the most allowed',
                             n, r.code);
        END IF;
      END IF;
      IF r.min_gap_minutes > 0 THEN
        SELECT b.during INTO other FROM bookings b
         WHERE b.resource_id = r.id AND b.member_id = m.id
           AND b.state NOT IN ('cancelled', 'declined')
           AND b.during && tstzrange(lower(w) - r.min_gap_minutes * interval '1 minute',
                                     upper(w) + r.min_gap_minutes * interval '1 minute')
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
            MESSAGE = format('your bookings of %s must be at least %s apart (you hold %s)', r.code,
                             rb_minutes_text(r.min_gap_minutes), rb_window_text(other.during, tz));
        END IF;
      END IF;
      IF r.weekly_minutes_per_startup > 0 AND m.startup_id IS NOT NULL THEN
        -- every ISO week (in the resource's zone) the booking touches
        FOR wk IN SELECT g::date FROM generate_series(
                    date_trunc('week', lower(w) AT TIME ZONE tz),
                    date_trunc('week', (upper(w) - interval '1 microsecond') AT TIME ZONE tz),
                    interval '1 week') g LOOP
          SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x)) / 60), 0) INTO used
            FROM (SELECT b.during * tstzrange(wk::timestamp AT TIME ZONE tz,
                                              (wk + 7)::timestamp AT TIME ZONE tz) AS x
                    FROM bookings b
                   WHERE b.resource_id = r.id AND b.startup_id = m.startup_id
                     AND b.state NOT IN ('cancelled', 'declined')
                     AND b.during && tstzrange(wk::timestamp AT TIME ZONE tz,
                                               (wk + 7)::timestamp AT TIME ZONE tz)) q;
          mine := extract(epoch FROM upper(w * tstzrange(wk::timestamp AT TIME ZONE tz,
                                                         (wk + 7)::timestamp AT TIME ZONE tz))
                                   - lower(w * tstzrange(wk::timestamp AT TIME ZONE tz,
                                                         (wk + 7)::timestamp AT TIME ZONE tz))) / 60;
          IF used + mine > r.weekly_minutes_per_startup THEN
            SELECT * INTO s FROM startups WHERE id = m.startup_id;
            RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'end',
              MESSAGE = format('%s would use %s of %s in week %s; the limit is %s', s.code,
                               rb_minutes_text(ceil(used + mine)::bigint), r.code,
                               to_char(wk, 'IYYY-"W"IW'),
                               rb_minutes_text(r.weekly_minutes_per_startup));
          END IF;
        END LOOP;
      END IF;
    END IF;
  END IF;

  -- The lowest unit with nothing overlapping; with the buffer kept free unless overridden.
  SELECT u.id INTO unit FROM resource_units u
   WHERE u.resource_id = r.id AND u.retired_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM bookings b
                      WHERE b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
                        AND b.during && tstzrange(lower(w) - CASE WHEN enforce THEN buf ELSE interval '0' END,
                                                  upper(w) + CASE WHEN enforce THEN buf ELSE interval '0' END))
   ORDER BY u.unit_no LIMIT 1;
  IF unit IS NULL THEN
    SELECT b.id, b.during INTO other FROM bookings b
     WHERE b.resource_id = r.id AND b.during && w AND b.state NOT IN ('cancelled', 'declined')
     ORDER BY lower(b.during) LIMIT 1;
    IF FOUND AND NOT EXISTS (
         SELECT 1 FROM resource_units u
          WHERE u.resource_id = r.id AND u.retired_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM bookings b
                             WHERE b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
                               AND b.during && w)) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
        MESSAGE = format('%s is already booked %s', r.code, rb_window_text(other.during, tz)),
        DETAIL = other.id || ' ' || rb_epoch(lower(other.during)) || ' ' || rb_epoch(upper(other.during));
    END IF;
    SELECT b.id, b.during INTO other FROM bookings b
     WHERE b.resource_id = r.id AND b.state NOT IN ('cancelled', 'declined')
       AND b.during && tstzrange(lower(w) - buf, upper(w) + buf)
     ORDER BY lower(b.during) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
      MESSAGE = format('%s keeps %s free between bookings; booking %s is %s', r.code,
                       rb_minutes_text(r.buffer_minutes), other.id, rb_window_text(other.during, tz));
  END IF;

  INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, note, override_reason,
                        parent_id)
  VALUES (r.id, unit, m.id, m.startup_id, w, coalesce(p_note, ''), coalesce(p_override, ''), p_parent)
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;

-- Resources that need approval take bookings as requested, except from their
-- own staff.  A trigger, so that every path that books (a single booking, a
-- series, a promotion from the waitlist) does the same.
CREATE OR REPLACE FUNCTION rb_booking_needs_approval() RETURNS trigger
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

CREATE OR REPLACE TRIGGER booking_needs_approval BEFORE INSERT ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_booking_needs_approval();

-- Companions follow their parent's state when it is decided.
-- (A requested parent's companions are requested too.)
CREATE OR REPLACE FUNCTION rb_companion_state() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT CASE p.state WHEN 'requested' THEN 'requested'::booking_state ELSE NEW.state END
      INTO NEW.state FROM bookings p WHERE p.id = NEW.parent_id;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER booking_companion_state BEFORE INSERT ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_companion_state();

-- Why p_member may not use resource r until p_until, or NULL when they may.
-- Staff are held to it like everyone else: a qualification says who may run
-- the equipment, not who may change its settings.
CREATE OR REPLACE FUNCTION rb_unqualified(p_member bigint, r resources, p_until timestamptz)
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
CREATE OR REPLACE FUNCTION rb_booking_qualified() RETURNS trigger
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

CREATE OR REPLACE TRIGGER booking_qualified BEFORE INSERT OR UPDATE OF member_id, during ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_booking_qualified();

-- The resource staff member m looks after, or an error.
CREATE OR REPLACE FUNCTION rb_qual_resource(m members, p_code text) RETURNS resources
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
CREATE OR REPLACE FUNCTION rb_qualify(p_member bigint, p_handle text, p_code text, p_until bigint,
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
CREATE OR REPLACE FUNCTION rb_unqualify(p_member bigint, p_handle text, p_code text, p_peer text)
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
CREATE OR REPLACE FUNCTION rb_qualification_wire(p_id bigint) RETURNS SETOF qualification_view
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- plpgsql keeps the plan for the session; VOLATILE: sees the row this
  -- statement's other function just wrote
  RETURN QUERY SELECT * FROM qualification_view WHERE id = p_id;
END $$;

-- The qualifications p_member may see: members their own, staff those on
-- the resources they look after (and their own).  Valid ones only unless
-- p_all.
CREATE OR REPLACE FUNCTION rb_qualifications(p_member bigint, p_code text, p_handle text, p_all boolean)
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

