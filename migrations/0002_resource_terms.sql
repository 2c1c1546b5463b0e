-- A host institution opens its equipment on its own terms: opening hours,
-- date exceptions, closures and maintenance, booking rules, identical units,
-- required companion resources and terms to accept.  Every booking is held
-- to them inside its transaction.

ALTER TABLE resources
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}'
    CHECK (array_position(tags, NULL) IS NULL AND cardinality(tags) <= 32),
  ADD COLUMN slot_minutes int NOT NULL DEFAULT 0 CHECK (slot_minutes BETWEEN 0 AND 1440),
  ADD COLUMN min_minutes int NOT NULL DEFAULT 0 CHECK (min_minutes BETWEEN 0 AND 527040),
  ADD COLUMN max_minutes int NOT NULL DEFAULT 0 CHECK (max_minutes BETWEEN 0 AND 527040),
  ADD COLUMN min_notice_minutes int NOT NULL DEFAULT 0 CHECK (min_notice_minutes BETWEEN 0 AND 527040),
  ADD COLUMN max_ahead_days int NOT NULL DEFAULT 0 CHECK (max_ahead_days BETWEEN 0 AND 3660),
  ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 10080),
  ADD COLUMN max_active_per_member int NOT NULL DEFAULT 0 CHECK (max_active_per_member BETWEEN 0 AND 10000),
  ADD COLUMN weekly_minutes_per_startup int NOT NULL DEFAULT 0
    CHECK (weekly_minutes_per_startup BETWEEN 0 AND 10080),
  ADD COLUMN whole_days boolean NOT NULL DEFAULT false,
  ADD COLUMN min_gap_minutes int NOT NULL DEFAULT 0 CHECK (min_gap_minutes BETWEEN 0 AND 527040),
  ADD COLUMN terms_seq int NOT NULL DEFAULT 0,
  ADD COLUMN terms_version int NOT NULL DEFAULT 0,
  ADD COLUMN terms_text text NOT NULL DEFAULT '' CHECK (length(terms_text) <= 20000),
  ADD COLUMN retire_reason text NOT NULL DEFAULT '',
  ADD CONSTRAINT resource_min_le_max CHECK (max_minutes = 0 OR min_minutes <= max_minutes);
CREATE INDEX resources_tags ON resources USING gin (tags);

-- Identical units (six benches, four chamber ports).  Unit rows are never
-- deleted (bookings refer to them); fewer units retires the highest.
CREATE TABLE resource_units (
  id          bigserial PRIMARY KEY,
  resource_id bigint NOT NULL REFERENCES resources,
  unit_no     int NOT NULL CHECK (unit_no BETWEEN 1 AND 1000),
  retired_at  timestamptz,
  UNIQUE (resource_id, unit_no)
);
INSERT INTO resource_units (resource_id, unit_no) SELECT id, 1 FROM resources;

CREATE FUNCTION rb_resource_first_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO resource_units (resource_id, unit_no) VALUES (NEW.id, 1);
  RETURN NEW;
END $$;
CREATE TRIGGER resource_first_unit AFTER INSERT ON resources
  FOR EACH ROW EXECUTE FUNCTION rb_resource_first_unit();

ALTER TABLE bookings
  ADD COLUMN unit_id bigint REFERENCES resource_units,
  ADD COLUMN override_reason text NOT NULL DEFAULT '',
  ADD COLUMN parent_id bigint REFERENCES bookings;
UPDATE bookings b SET unit_id = u.id
  FROM resource_units u WHERE u.resource_id = b.resource_id AND u.unit_no = 1;
ALTER TABLE bookings ALTER COLUMN unit_id SET NOT NULL;

-- The guarantee, now per unit: two active bookings of one unit never overlap.
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist
  (unit_id WITH =, during WITH &&) WHERE (state NOT IN ('cancelled', 'declined'));
-- Reads of one resource over a window (availability, slots, rules).
CREATE INDEX bookings_resource_during ON bookings USING gist (resource_id, during)
  WHERE (state NOT IN ('cancelled', 'declined'));
CREATE INDEX bookings_parent ON bookings (parent_id) WHERE parent_id IS NOT NULL;

-- Weekly windows in the resource's zone, minutes after local midnight.
CREATE TABLE opening_hours (
  resource_id bigint NOT NULL REFERENCES resources,
  kind        text NOT NULL CHECK (kind IN ('open', 'offpeak')),
  weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens       int NOT NULL CHECK (opens BETWEEN 0 AND 1439),
  closes      int NOT NULL CHECK (closes BETWEEN 1 AND 1440),
  PRIMARY KEY (resource_id, kind, weekday, opens),
  CHECK (opens < closes)
);

CREATE TABLE date_exceptions (
  resource_id bigint NOT NULL REFERENCES resources,
  day         date NOT NULL,
  closed      boolean NOT NULL,
  windows     int4multirange NOT NULL DEFAULT '{}',
  reason      text NOT NULL DEFAULT '',
  PRIMARY KEY (resource_id, day),
  CHECK (closed = isempty(windows)),
  CHECK (windows <@ int4multirange(int4range(0, 1440)))
);

CREATE TABLE closures (
  id          bigserial PRIMARY KEY,
  resource_id bigint NOT NULL REFERENCES resources,
  during      tstzrange NOT NULL CHECK (NOT isempty(during) AND NOT lower_inf(during)
                                        AND NOT upper_inf(during)),
  kind        text NOT NULL CHECK (kind IN ('closure', 'maintenance')),
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_by  bigint NOT NULL REFERENCES members,
  created_at  timestamptz NOT NULL DEFAULT now(),
  removed_at  timestamptz,
  removed_by  bigint REFERENCES members
);
CREATE INDEX closures_active ON closures USING gist (resource_id, during) WHERE removed_at IS NULL;

CREATE TABLE terms_acceptances (
  member_id   bigint NOT NULL REFERENCES members,
  resource_id bigint NOT NULL REFERENCES resources,
  version     int NOT NULL,
  accepted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, resource_id, version)
);

CREATE TABLE resource_requires (
  resource_id bigint NOT NULL REFERENCES resources,
  required_id bigint NOT NULL REFERENCES resources,
  PRIMARY KEY (resource_id, required_id),
  CHECK (resource_id <> required_id)
);

-- ------------------------------------------------------------------ views

-- A resource as the wire shows it, rules and all (column order is the
-- daemon's: keep in step with daemon/sql.h RES_*).
CREATE VIEW resource_view AS
SELECT r.id, r.code::text AS code, r.name, r.kind::text AS kind, i.code::text AS institution_code,
       i.name AS institution_name, s.code::text AS space_code, r.time_zone, r.description,
       r.location, r.retired_at IS NOT NULL AS retired, array_to_string(r.tags, ',') AS tags,
       (SELECT count(*) FROM resource_units u WHERE u.resource_id = r.id AND u.retired_at IS NULL)::int AS units,
       r.slot_minutes, r.min_minutes, r.max_minutes, r.min_notice_minutes, r.max_ahead_days,
       r.buffer_minutes, r.max_active_per_member, r.weekly_minutes_per_startup, r.whole_days,
       r.min_gap_minutes, r.terms_version,
       coalesce((SELECT string_agg(q.code::text, ',' ORDER BY q.code) FROM resource_requires rq
                 JOIN resources q ON q.id = rq.required_id WHERE rq.resource_id = r.id), '') AS requires,
       r.institution_id, i.space_id, r.tags AS tag_array
FROM resources r
JOIN institutions i ON i.id = r.institution_id
JOIN spaces s ON s.id = i.space_id;

-- The booking as the wire shows it (now with unit, override and parent).
CREATE OR REPLACE VIEW booking_view AS
SELECT b.id, r.code::text AS resource_code, r.name AS resource_name, r.time_zone,
       rb_epoch(lower(b.during)) AS start_epoch, rb_epoch(upper(b.during)) AS end_epoch,
       b.state::text AS state, m.handle::text AS member_handle,
       coalesce(s.code::text, '') AS startup_code, rb_epoch(b.created_at) AS created_epoch,
       b.note, coalesce(rb_epoch(b.cancelled_at), 0) AS cancelled_epoch, b.cancel_reason,
       b.member_id, b.startup_id, b.resource_id, b.during,
       u.unit_no, b.override_reason, coalesce(b.parent_id, 0) AS parent_id
FROM bookings b
JOIN resources r ON r.id = b.resource_id
JOIN members m ON m.id = b.member_id
JOIN resource_units u ON u.id = b.unit_id
LEFT JOIN startups s ON s.id = b.startup_id;

-- ------------------------------------------------------------------ helpers

-- "8 h", "90 min" -> "1 h 30 min", "3 d"
CREATE FUNCTION rb_minutes_text(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN n % 1440 = 0 AND n >= 2880 THEN (n / 1440) || ' d'
    WHEN n % 60 = 0 AND n >= 60 THEN (n / 60) || ' h'
    WHEN n > 60 THEN (n / 60) || ' h ' || (n % 60) || ' min'
    ELSE n || ' min'
  END
$$;

-- Staff for a resource: a manager of its institution, an operator of its
-- space, an admin.
CREATE FUNCTION rb_is_staff(m members, p_institution bigint, p_space bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT m.role = 'admin'
      OR (m.role = 'operator' AND m.space_id = p_space)
      OR (m.role = 'manager' AND m.institution_id = p_institution)
$$;

CREATE FUNCTION rb_member(p_member bigint) RETURNS members
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members;
BEGIN
  SELECT * INTO m FROM members WHERE id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'your account is disabled';
  END IF;
  RETURN m;
END $$;

-- The resource a staff member may change, locked for the change.
CREATE FUNCTION rb_staff_resource(m members, p_code text) RETURNS resources
LANGUAGE plpgsql AS $$
DECLARE
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can change %s',
                       i.name, r.code);
  END IF;
  -- bookings of this resource wait while its terms change
  PERFORM pg_advisory_xact_lock(r.id);
  RETURN r;
END $$;

CREATE FUNCTION rb_audit(p_member bigint, p_action text, p_object text, p_id bigint,
                         p_peer text, p_detail jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (p_member, p_action, p_object, p_id, coalesce(p_peer, ''), coalesce(p_detail, '{}'))
$$;

-- The weekly (or off-peak) windows of a resource, with date exceptions, as
-- instants within [p_from, p_to).  Computed per local date, so 08:30 stays
-- 08:30 local across a DST change.  No opening hours at all: open around the
-- clock (but closed exception days still close).
CREATE FUNCTION rb_windows(p_resource bigint, p_tz text, p_kind text,
                           p_from timestamptz, p_to timestamptz) RETURNS tstzmultirange
LANGUAGE plpgsql STABLE AS $$
DECLARE
  result tstzmultirange;
BEGIN
  -- Most resources have no hours of this kind and no exceptions near the
  -- window: answer without building the days.
  IF NOT EXISTS (SELECT 1 FROM opening_hours WHERE resource_id = p_resource AND kind = p_kind)
     AND (p_kind <> 'open' OR NOT EXISTS (
            SELECT 1 FROM date_exceptions
             WHERE resource_id = p_resource
               AND day BETWEEN (p_from AT TIME ZONE p_tz)::date - 1 AND (p_to AT TIME ZONE p_tz)::date + 1)) THEN
    IF p_kind = 'open' AND p_from < p_to THEN
      RETURN tstzmultirange(tstzrange(p_from, p_to));
    END IF;
    RETURN '{}'::tstzmultirange;
  END IF;
  -- plpgsql, not sql: the plan is cached per session instead of made per call
  WITH days AS (
    SELECT d::date AS day
    FROM generate_series((p_from AT TIME ZONE p_tz)::date - 1,
                         (p_to AT TIME ZONE p_tz)::date + 1, interval '1 day') d
  ), weekly AS (
    SELECT EXISTS (SELECT 1 FROM opening_hours
                   WHERE resource_id = p_resource AND kind = p_kind) AS yes
  ), exc AS (
    SELECT e.* FROM date_exceptions e, days
    WHERE p_kind = 'open' AND e.resource_id = p_resource AND e.day = days.day
  ), mins AS (
    SELECT exc.day, lower(w) AS a, upper(w) AS b
      FROM exc CROSS JOIN LATERAL unnest(exc.windows) w
    UNION ALL
    SELECT days.day, h.opens, h.closes
      FROM days JOIN opening_hours h
        ON h.resource_id = p_resource AND h.kind = p_kind
       AND h.weekday = extract(isodow FROM days.day)
     WHERE NOT EXISTS (SELECT 1 FROM exc WHERE exc.day = days.day)
    UNION ALL
    SELECT days.day, 0, 1440 FROM days, weekly
     WHERE p_kind = 'open' AND NOT weekly.yes
       AND NOT EXISTS (SELECT 1 FROM exc WHERE exc.day = days.day)
  )
  SELECT coalesce(range_agg(tstzrange((day + a * interval '1 minute') AT TIME ZONE p_tz,
                                      (day + b * interval '1 minute') AT TIME ZONE p_tz)),
                  '{}'::tstzmultirange)
         * tstzmultirange(tstzrange(p_from, p_to))
  INTO result
  FROM mins;
  RETURN result;
END $$;

-- Active closures of a resource overlapping [p_from, p_to).
CREATE FUNCTION rb_closed(p_resource bigint, p_from timestamptz, p_to timestamptz)
RETURNS tstzmultirange LANGUAGE sql STABLE AS $$
  SELECT coalesce(range_agg(during), '{}'::tstzmultirange) FROM closures
  WHERE resource_id = p_resource AND removed_at IS NULL AND during && tstzrange(p_from, p_to)
$$;

-- Minutes from local midnight of t in zone tz (fractional when t has seconds).
CREATE FUNCTION rb_local_minute(t timestamptz, tz text) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
  SELECT extract(epoch FROM (t AT TIME ZONE tz) - date_trunc('day', t AT TIME ZONE tz)) / 60
$$;

-- ------------------------------------------------------------------ booking

-- Check one resource's terms for window w and book a free unit.  The caller
-- holds the resource's advisory lock.  Returns the new booking's id.
CREATE FUNCTION rb_book_one(m members, r resources, w tstzrange, p_note text, p_override text,
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

DROP FUNCTION rb_book(bigint, text, bigint, bigint, text, text, text);

-- One call, one transaction: the booking, its required companions, the
-- idempotency record and the audit row.
CREATE FUNCTION rb_book(p_member bigint, p_code text, p_start bigint, p_end bigint,
                        p_note text, p_override text, p_key text, p_peer text)
RETURNS TABLE (id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  q resources;
  i institutions;
  w tstzrange;
  fp text := p_code || ' ' || p_start || ' ' || p_end || ' ' || coalesce(p_note, '') || ' '
             || coalesce(p_override, '');
  prev bigint;
  new_id bigint;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'book', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  SELECT * INTO r FROM resources WHERE resources.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF coalesce(p_override, '') <> '' THEN
    SELECT * INTO i FROM institutions WHERE institutions.id = r.institution_id;
    IF NOT rb_is_staff(m, i.id, i.space_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'override_reason',
        MESSAGE = format('only a manager of %s, an operator of its space or an admin can book %s past its rules',
                         i.name, r.code);
    END IF;
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

  -- Competing requests queue on the resources they touch, always in id
  -- order, instead of deadlocking on the exclusion constraint.
  PERFORM pg_advisory_xact_lock(x)
     FROM (SELECT r.id AS x UNION SELECT required_id FROM resource_requires
            WHERE resource_requires.resource_id = r.id ORDER BY 1) ids;
  -- rules may have changed while we waited
  SELECT * INTO r FROM resources WHERE resources.id = r.id;

  new_id := rb_book_one(m, r, w, p_note, p_override, NULL);
  FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
            WHERE rq.resource_id = r.id ORDER BY x.id LOOP
    PERFORM rb_book_one(m, q, w, format('with %s booking %s', r.code, new_id), p_override, new_id);
  END LOOP;

  PERFORM rb_idem_store(p_member, p_key, 'book', fp, new_id);
  PERFORM rb_audit(m.id, 'book', 'booking', new_id, p_peer,
                   jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end,
                                      'override', coalesce(p_override, '')));

  RETURN QUERY SELECT new_id, false;
END $$;

DROP FUNCTION rb_cancel(bigint, bigint, text, text, text);

CREATE FUNCTION rb_cancel(p_member bigint, p_booking bigint, p_reason text,
                          p_key text, p_peer text)
RETURNS TABLE (id bigint, resource_code text, resource_name text, time_zone text,
               start_epoch bigint, end_epoch bigint, state text, member_handle text,
               startup_code text, created_epoch bigint, note text,
               cancelled_epoch bigint, cancel_reason text, unit_no int, override_reason text,
               parent_id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  r resources;
  i institutions;
  fp text := p_booking || ' ' || coalesce(p_reason, '');
  prev bigint;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'cancel', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch,
      v.end_epoch, v.state, v.member_handle, v.startup_code, v.created_epoch, v.note,
      v.cancelled_epoch, v.cancel_reason, v.unit_no, v.override_reason, v.parent_id, true
      FROM booking_view v WHERE v.id = prev;
    RETURN;
  END IF;

  SELECT * INTO b FROM bookings WHERE bookings.id = p_booking FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s', p_booking);
  END IF;
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  SELECT * INTO i FROM institutions WHERE institutions.id = r.institution_id;

  IF NOT (b.member_id = m.id OR rb_is_staff(m, i.id, i.space_id)) THEN
    IF m.startup_id IS NOT DISTINCT FROM b.startup_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
        MESSAGE = format('booking %s belongs to another member of your startup; only they or a manager of %s can cancel it', b.id, r.code);
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
      MESSAGE = format('booking %s is %s and can no longer be cancelled', b.id, b.state);
  END IF;
  IF upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s has already ended', b.id);
  END IF;

  UPDATE bookings SET state = 'cancelled', cancelled_at = now(), cancelled_by = m.id,
         cancel_reason = coalesce(p_reason, '')
   WHERE bookings.id = b.id OR (bookings.parent_id = b.id AND bookings.state IN ('requested', 'confirmed'));

  PERFORM rb_idem_store(p_member, p_key, 'cancel', fp, b.id);
  PERFORM rb_audit(m.id, 'cancel', 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));

  RETURN QUERY SELECT v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch,
    v.end_epoch, v.state, v.member_handle, v.startup_code, v.created_epoch, v.note,
    v.cancelled_epoch, v.cancel_reason, v.unit_no, v.override_reason, v.parent_id, false
    FROM booking_view v WHERE v.id = b.id;
END $$;

-- ------------------------------------------------------------------ managing

CREATE FUNCTION rb_tz_ok(tz text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rb_valid_tz(tz) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'time_zone',
      MESSAGE = format('%s is not an IANA time zone (like Asia/Shanghai)', tz);
  END IF;
END $$;

-- Create or change a resource; returns its id.
CREATE FUNCTION rb_put_resource(p_member bigint, p_code text, p_name text, p_kind text,
                                p_institution text, p_description text, p_location text,
                                p_tz text, p_tags text[], p_create_only boolean, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
  t text;
BEGIN
  FOREACH t IN ARRAY coalesce(p_tags, '{}') LOOP
    IF t !~ '^[a-z0-9][a-z0-9_.-]{0,39}$' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'tags',
        MESSAGE = format('tag %L: tags are lowercase letters, digits, ".", "_" and "-", at most 40', t);
    END IF;
  END LOOP;
  IF p_code !~ '^[a-z0-9][a-z0-9-]{0,39}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'code',
      MESSAGE = 'a resource code is lowercase letters, digits and "-", at most 40, like rig-7';
  END IF;
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF FOUND THEN
    IF p_create_only THEN
      RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'code',
        MESSAGE = format('a resource called %s already exists', p_code);
    END IF;
    r := rb_staff_resource(m, p_code);
    IF coalesce(p_institution, '') <> '' AND p_institution <> (SELECT code FROM institutions WHERE id = r.institution_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'institution_code',
        MESSAGE = format('%s belongs to %s and cannot move to another institution', r.code,
                         (SELECT name FROM institutions WHERE id = r.institution_id));
    END IF;
    IF coalesce(p_tz, '') <> '' THEN
      PERFORM rb_tz_ok(p_tz);
    END IF;
    UPDATE resources SET
      name = coalesce(nullif(p_name, ''), name),
      kind = coalesce(nullif(p_kind, '')::resource_kind, kind),
      description = coalesce(p_description, description),
      location = coalesce(p_location, location),
      time_zone = coalesce(nullif(p_tz, ''), time_zone),
      tags = coalesce(p_tags, tags)
    WHERE id = r.id;
    PERFORM rb_audit(m.id, 'edit', 'resource', r.id, p_peer, jsonb_build_object('code', p_code));
    RETURN r.id;
  END IF;

  IF coalesce(p_institution, '') = '' THEN
    SELECT * INTO i FROM institutions WHERE id = m.institution_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'institution_code',
        MESSAGE = 'say which host institution the resource belongs to';
    END IF;
  ELSE
    SELECT * INTO i FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'institution_code',
        MESSAGE = format('no host institution is called %s', p_institution);
    END IF;
  END IF;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'institution_code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can add its resources', i.name);
  END IF;
  IF coalesce(p_name, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'name', MESSAGE = 'a new resource needs a name';
  END IF;
  IF coalesce(p_kind, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kind',
      MESSAGE = 'a new resource needs a kind: instrument, test_facility, machining, pilot_line or workspace';
  END IF;
  PERFORM rb_tz_ok(coalesce(nullif(p_tz, ''), 'Asia/Shanghai'));
  INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone, tags)
  VALUES (i.id, p_code, p_name, p_kind::resource_kind, coalesce(p_description, ''),
          coalesce(p_location, ''), coalesce(nullif(p_tz, ''), 'Asia/Shanghai'), coalesce(p_tags, '{}'))
  RETURNING * INTO r;
  PERFORM rb_audit(m.id, 'create', 'resource', r.id, p_peer, jsonb_build_object('code', p_code));
  RETURN r.id;
END $$;

CREATE FUNCTION rb_retire_resource(p_member bigint, p_code text, p_reason text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF r.retired_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'code',
      MESSAGE = format('%s is already retired', r.code);
  END IF;
  UPDATE resources SET retired_at = now(), retire_reason = coalesce(p_reason, '') WHERE id = r.id;
  PERFORM rb_audit(m.id, 'retire', 'resource', r.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));
  RETURN r.id;
END $$;

-- Replace the weekly windows of one kind.  The arrays are parallel.
CREATE FUNCTION rb_set_hours(p_member bigint, p_code text, p_kind text, p_weekdays int[],
                             p_opens int[], p_closes int[], p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF p_kind NOT IN ('open', 'offpeak') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kind', MESSAGE = 'hours are open or offpeak';
  END IF;
  IF cardinality(p_weekdays) <> cardinality(p_opens) OR cardinality(p_opens) <> cardinality(p_closes)
     OR cardinality(p_weekdays) > 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows', MESSAGE = 'at most 100 windows';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_weekdays, p_opens, p_closes) AS x(d, o, c)
              WHERE d NOT BETWEEN 1 AND 7 OR o NOT BETWEEN 0 AND 1439 OR c NOT BETWEEN 1 AND 1440
                 OR o >= c) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows',
      MESSAGE = 'a window is a weekday 1-7 (Monday-Sunday) and opens before it closes, within 00:00-24:00';
  END IF;
  DELETE FROM opening_hours WHERE resource_id = r.id AND kind = p_kind;
  INSERT INTO opening_hours (resource_id, kind, weekday, opens, closes)
  SELECT r.id, p_kind, d, o, c FROM unnest(p_weekdays, p_opens, p_closes) AS x(d, o, c)
  ON CONFLICT (resource_id, kind, weekday, opens) DO UPDATE SET closes = greatest(opening_hours.closes, EXCLUDED.closes);
  PERFORM rb_audit(m.id, 'hours', 'resource', r.id, p_peer,
                   jsonb_build_object('kind', p_kind, 'weekdays', p_weekdays, 'opens', p_opens, 'closes', p_closes));
  RETURN r.id;
END $$;

CREATE FUNCTION rb_set_exception(p_member bigint, p_code text, p_day date, p_closed boolean,
                                 p_opens int[], p_closes int[], p_reason text, p_remove boolean,
                                 p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  mr int4multirange;
BEGIN
  IF p_remove THEN
    DELETE FROM date_exceptions WHERE resource_id = r.id AND day = p_day;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'date',
        MESSAGE = format('%s has no exception on %s', r.code, p_day);
    END IF;
  ELSE
    IF NOT p_closed AND coalesce(cardinality(p_opens), 0) = 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows',
        MESSAGE = 'an exception either closes the day or gives its opening windows';
    END IF;
    IF cardinality(p_opens) <> cardinality(p_closes) OR EXISTS (
         SELECT 1 FROM unnest(p_opens, p_closes) AS x(o, c)
          WHERE o NOT BETWEEN 0 AND 1439 OR c NOT BETWEEN 1 AND 1440 OR o >= c) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows',
        MESSAGE = 'each window opens before it closes, within 00:00-24:00';
    END IF;
    SELECT coalesce(range_agg(int4range(o, c)), '{}') INTO mr FROM unnest(p_opens, p_closes) AS x(o, c);
    INSERT INTO date_exceptions (resource_id, day, closed, windows, reason)
    VALUES (r.id, p_day, p_closed, CASE WHEN p_closed THEN '{}' ELSE mr END, coalesce(p_reason, ''))
    ON CONFLICT (resource_id, day) DO UPDATE
      SET closed = EXCLUDED.closed, windows = EXCLUDED.windows, reason = EXCLUDED.reason;
  END IF;
  PERFORM rb_audit(m.id, 'exception', 'resource', r.id, p_peer,
                   jsonb_build_object('day', p_day, 'closed', p_closed, 'remove', p_remove));
  RETURN r.id;
END $$;

-- A closure or maintenance window.  Overlapping active bookings refuse it
-- (CONFLICT, listing them) unless forced; forced, they are cancelled with
-- the reason recorded.  Returns the closure, and with it each booking it
-- cancelled (booking columns NULL on the closure's own row).
CREATE FUNCTION rb_add_closure(p_member bigint, p_code text, p_start bigint, p_end bigint,
                               p_kind text, p_reason text, p_force boolean, p_peer text)
RETURNS TABLE (closure_id bigint, c_start bigint, c_end bigint, c_kind text, c_reason text,
               c_by text, id bigint, resource_code text, resource_name text, time_zone text,
               start_epoch bigint, end_epoch bigint, state text, member_handle text,
               startup_code text, created_epoch bigint, note text,
               cancelled_epoch bigint, cancel_reason text, unit_no int, override_reason text,
               parent_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  w tstzrange;
  hit text;
  cid bigint;
  ids bigint[];
BEGIN
  IF p_end <= p_start THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'the end of a closure must be after its start';
  END IF;
  IF coalesce(p_reason, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = 'say why the resource is closed; members see the reason';
  END IF;
  IF p_kind NOT IN ('closure', 'maintenance') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kind', MESSAGE = 'a closure is a closure or maintenance';
  END IF;
  w := tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  SELECT string_agg(format('booking %s (%s, %s)', v.id, rb_window_text(v.during, v.time_zone),
                           v.member_handle), '; ' ORDER BY lower(v.during)) INTO hit
    FROM booking_view v
   WHERE v.resource_id = r.id AND v.during && w AND v.state IN ('requested', 'confirmed')
     AND upper(v.during) > now();
  IF hit IS NOT NULL AND NOT p_force THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
      MESSAGE = format('%s has bookings in %s: %s; force the closure to cancel them', r.code,
                       rb_window_text(w, r.time_zone), hit);
  END IF;
  INSERT INTO closures (resource_id, during, kind, reason, created_by)
  VALUES (r.id, w, p_kind, p_reason, m.id) RETURNING closures.id INTO cid;
  WITH hit AS (
    UPDATE bookings b SET state = 'cancelled', cancelled_at = now(), cancelled_by = m.id,
           cancel_reason = CASE p_kind WHEN 'maintenance' THEN 'maintenance: ' ELSE 'closed: ' END || p_reason
     WHERE b.resource_id = r.id AND b.during && w AND b.state IN ('requested', 'confirmed')
       AND upper(b.during) > now()
    RETURNING b.id
  ) SELECT coalesce(array_agg(hit.id), '{}') INTO ids FROM hit;
  PERFORM rb_audit(m.id, 'close', 'resource', r.id, p_peer,
                   jsonb_build_object('closure', cid, 'kind', p_kind, 'reason', p_reason,
                                      'start', p_start, 'end', p_end, 'force', p_force,
                                      'cancelled', ids));
  RETURN QUERY
    SELECT cid, p_start, p_end, p_kind, p_reason, m.handle::text, NULL::bigint, r.code::text,
           NULL::text, NULL::text, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text,
           NULL::bigint, NULL::text, NULL::bigint, NULL::text, NULL::int, NULL::text, NULL::bigint
    UNION ALL
    SELECT cid, p_start, p_end, p_kind, p_reason, m.handle::text, v.id, v.resource_code,
           v.resource_name, v.time_zone, v.start_epoch, v.end_epoch, v.state, v.member_handle,
           v.startup_code, v.created_epoch, v.note, v.cancelled_epoch, v.cancel_reason, v.unit_no,
           v.override_reason, v.parent_id
      FROM booking_view v WHERE v.id = ANY (ids);
END $$;

CREATE FUNCTION rb_remove_closure(p_member bigint, p_closure bigint, p_peer text)
RETURNS TABLE (closure_id bigint, resource_code text, c_start bigint, c_end bigint, c_kind text,
               c_reason text, c_by text)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  c closures;
  r resources;
BEGIN
  SELECT * INTO c FROM closures WHERE id = p_closure AND removed_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'closure_id',
      MESSAGE = format('there is no closure %s in force', p_closure);
  END IF;
  r := rb_staff_resource(m, (SELECT code FROM resources WHERE id = c.resource_id));
  UPDATE closures SET removed_at = now(), removed_by = m.id WHERE id = c.id;
  PERFORM rb_audit(m.id, 'reopen', 'resource', r.id, p_peer, jsonb_build_object('closure', c.id));
  RETURN QUERY SELECT c.id, r.code::text, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
    c.reason, (SELECT handle::text FROM members WHERE id = c.created_by);
END $$;

CREATE FUNCTION rb_set_rules(p_member bigint, p_code text, p_slot int, p_min int, p_max int,
                             p_notice int, p_ahead int, p_buffer int, p_active int, p_weekly int,
                             p_whole_days boolean, p_gap int, p_peer text)
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
         whole_days = p_whole_days, min_gap_minutes = p_gap
   WHERE id = r.id;
  PERFORM rb_audit(m.id, 'rules', 'resource', r.id, p_peer,
                   jsonb_build_object('slot', p_slot, 'min', p_min, 'max', p_max, 'notice', p_notice,
                                      'ahead', p_ahead, 'buffer', p_buffer, 'active', p_active,
                                      'weekly', p_weekly, 'whole_days', p_whole_days, 'gap', p_gap));
  RETURN r.id;
END $$;

CREATE FUNCTION rb_set_units(p_member bigint, p_code text, p_units int, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  busy int;
BEGIN
  IF p_units NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'units', MESSAGE = 'a resource has 1 to 1000 units';
  END IF;
  SELECT max(u.unit_no) INTO busy FROM resource_units u
   WHERE u.resource_id = r.id AND u.unit_no > p_units
     AND EXISTS (SELECT 1 FROM bookings b WHERE b.unit_id = u.id AND upper(b.during) > now()
                   AND b.state NOT IN ('cancelled', 'declined'));
  IF busy IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'units',
      MESSAGE = format('unit %s of %s has future bookings; cancel or move them before going down to %s units',
                       busy, r.code, p_units);
  END IF;
  INSERT INTO resource_units (resource_id, unit_no)
  SELECT r.id, g FROM generate_series(1, p_units) g
  ON CONFLICT (resource_id, unit_no) DO UPDATE SET retired_at = NULL;
  UPDATE resource_units SET retired_at = now()
   WHERE resource_id = r.id AND unit_no > p_units AND retired_at IS NULL;
  PERFORM rb_audit(m.id, 'units', 'resource', r.id, p_peer, jsonb_build_object('units', p_units));
  RETURN r.id;
END $$;

CREATE FUNCTION rb_set_requires(p_member bigint, p_code text, p_requires text[], p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  missing text;
BEGIN
  SELECT string_agg(c, ', ') INTO missing FROM unnest(coalesce(p_requires, '{}')) c
   WHERE NOT EXISTS (SELECT 1 FROM resources x WHERE x.code = c AND x.retired_at IS NULL);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'requires',
      MESSAGE = format('no bookable resource is called %s', missing);
  END IF;
  IF p_code = ANY (coalesce(p_requires, '{}')) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'requires',
      MESSAGE = format('%s cannot require itself', p_code);
  END IF;
  IF EXISTS (SELECT 1 FROM resource_requires rq JOIN resources x ON x.id = rq.resource_id
              WHERE x.code = ANY (p_requires) AND rq.required_id = r.id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'requires',
      MESSAGE = format('a resource that requires %s cannot be required by it', p_code);
  END IF;
  DELETE FROM resource_requires WHERE resource_id = r.id;
  INSERT INTO resource_requires (resource_id, required_id)
  SELECT DISTINCT r.id, x.id FROM resources x WHERE x.code = ANY (coalesce(p_requires, '{}'));
  PERFORM rb_audit(m.id, 'requires', 'resource', r.id, p_peer,
                   jsonb_build_object('requires', coalesce(p_requires, '{}')));
  RETURN r.id;
END $$;

CREATE FUNCTION rb_set_terms(p_member bigint, p_code text, p_text text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF coalesce(p_text, '') = '' THEN
    UPDATE resources SET terms_version = 0, terms_text = '' WHERE id = r.id;
  ELSIF p_text IS DISTINCT FROM r.terms_text OR r.terms_version = 0 THEN
    UPDATE resources SET terms_seq = terms_seq + 1, terms_version = terms_seq + 1, terms_text = p_text
     WHERE id = r.id;
  END IF;
  PERFORM rb_audit(m.id, 'terms', 'resource', r.id, p_peer, jsonb_build_object('length', length(coalesce(p_text, ''))));
  RETURN r.id;
END $$;

CREATE FUNCTION rb_accept_terms(p_member bigint, p_code text, p_version int, p_peer text)
RETURNS TABLE (resource_code text, version int)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF r.terms_version = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'code',
      MESSAGE = format('%s has no terms to accept', r.code);
  END IF;
  IF p_version <> r.terms_version THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'version',
      MESSAGE = format('the current terms of %s are version %s; read them with rigbook terms %s',
                       r.code, r.terms_version, r.code);
  END IF;
  INSERT INTO terms_acceptances (member_id, resource_id, version) VALUES (m.id, r.id, p_version)
  ON CONFLICT DO NOTHING;
  PERFORM rb_audit(m.id, 'accept_terms', 'resource', r.id, p_peer, jsonb_build_object('version', p_version));
  RETURN QUERY SELECT r.code::text, p_version;
END $$;

-- ------------------------------------------------------------------ free time

-- Free time of a resource for a booking: open windows minus closures minus
-- each unit's bookings (with the buffer around them), any unit will do;
-- notice and reach applied.
CREATE FUNCTION rb_free(p_resource bigint, p_from timestamptz, p_to timestamptz)
RETURNS tstzmultirange LANGUAGE plpgsql STABLE AS $$
DECLARE
  r resources;
  lo timestamptz;
  hi timestamptz;
  base tstzmultirange;
  result tstzmultirange := '{}';
  busy tstzmultirange;
  u record;
  buf interval;
BEGIN
  SELECT * INTO r FROM resources WHERE id = p_resource;
  buf := r.buffer_minutes * interval '1 minute';
  lo := greatest(p_from, now() + r.min_notice_minutes * interval '1 minute');
  hi := p_to;
  IF r.max_ahead_days > 0 THEN
    hi := least(hi, now() + r.max_ahead_days * interval '1 day' + coalesce(nullif(r.max_minutes, 0), 1440 * 366) * interval '1 minute');
  END IF;
  IF lo >= hi OR r.retired_at IS NOT NULL THEN
    RETURN '{}';
  END IF;
  base := rb_windows(r.id, r.time_zone, 'open', lo, hi) - rb_closed(r.id, lo, hi);
  FOR u IN SELECT id FROM resource_units WHERE resource_id = r.id AND retired_at IS NULL LOOP
    SELECT coalesce(range_agg(tstzrange(lower(b.during) - buf, upper(b.during) + buf)), '{}')
      INTO busy FROM bookings b
     WHERE b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
       AND b.during && tstzrange(lo - buf, hi + buf);
    result := result + (base - busy);
  END LOOP;
  RETURN result;
END $$;

-- Round a free window to the resource's grid and keep it if a booking of
-- p_len minutes fits.  NULL when it does not.
CREATE FUNCTION rb_fit(r resources, w tstzrange, p_len int) RETURNS tstzrange
LANGUAGE plpgsql STABLE AS $$
DECLARE
  a timestamptz := lower(w);
  b timestamptz := upper(w);
  step int := CASE WHEN r.whole_days THEN 1440 ELSE r.slot_minutes END;
  m numeric;
BEGIN
  IF step > 0 THEN
    m := rb_local_minute(a, r.time_zone);
    IF m % step <> 0 THEN
      a := a + (step - m % step) * interval '1 minute';
    END IF;
    m := rb_local_minute(b, r.time_zone);
    b := b - (m % step) * interval '1 minute';
  END IF;
  IF b - a < p_len * interval '1 minute' THEN
    RETURN NULL;
  END IF;
  RETURN tstzrange(a, b);
END $$;

-- The free windows of one resource in [p_from, p_from + p_days) that fit a
-- booking of p_len minutes.
CREATE FUNCTION rb_slots(p_code text, p_from bigint, p_days int, p_len int)
RETURNS TABLE (start_epoch bigint, end_epoch bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  r resources;
  lo timestamptz := coalesce(rb_from_epoch(nullif(p_from, 0)), now());
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF p_len <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'length_minutes',
      MESSAGE = 'say how long the booking would be';
  END IF;
  IF r.max_minutes > 0 AND p_len > r.max_minutes THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'length_minutes',
      MESSAGE = format('%s can be booked for at most %s', r.code, rb_minutes_text(r.max_minutes));
  END IF;
  IF r.min_minutes > 0 AND p_len < r.min_minutes THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'length_minutes',
      MESSAGE = format('%s must be booked for at least %s', r.code, rb_minutes_text(r.min_minutes));
  END IF;
  RETURN QUERY
    SELECT rb_epoch(lower(f)), rb_epoch(upper(f))
      FROM unnest(rb_free(r.id, lo, lo + p_days * interval '1 day')) x,
           LATERAL rb_fit(r, x, p_len) f
     WHERE f IS NOT NULL
     ORDER BY lower(f);
END $$;

-- The earliest fit on each matching resource, earliest first.
CREATE FUNCTION rb_find(p_kind text, p_tag text, p_text text, p_len int, p_from bigint,
                        p_days int, p_limit int)
RETURNS TABLE (resource_id bigint, start_epoch bigint, end_epoch bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  lo timestamptz := coalesce(rb_from_epoch(nullif(p_from, 0)), now());
BEGIN
  IF p_len <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'length_minutes',
      MESSAGE = 'say how long the booking would be';
  END IF;
  RETURN QUERY
    SELECT r.id, rb_epoch(lower(f.w)), rb_epoch(upper(f.w))
      FROM resources r
      CROSS JOIN LATERAL (
        SELECT rb_fit(r, x, p_len) AS w
          FROM unnest(rb_free(r.id, lo, lo + p_days * interval '1 day')) x
         WHERE rb_fit(r, x, p_len) IS NOT NULL
         ORDER BY lower(x) LIMIT 1) f
     WHERE r.retired_at IS NULL
       AND (p_kind IS NULL OR r.kind = p_kind::resource_kind)
       AND (p_tag IS NULL OR r.tags @> ARRAY[p_tag])
       AND (p_text IS NULL OR strpos(lower(r.code || ' ' || r.name || ' ' || r.description),
                                     lower(p_text)) > 0)
       AND (r.max_minutes = 0 OR r.max_minutes >= p_len)
       AND r.min_minutes <= p_len
     ORDER BY lower(f.w), r.code
     LIMIT p_limit;
END $$;

-- ------------------------------------------------------------------ detail

-- The tagged-row form of resource reads (the daemon's wire form): every row
-- carries the resource (resource_view's first 25 columns), then a tag that
-- says what the other columns hold.
CREATE TYPE rb_res_row AS (
  id bigint, code text, name text, kind text, institution_code text, institution_name text,
  space_code text, time_zone text, description text, location text, retired boolean, tags text,
  units int, slot_minutes int, min_minutes int, max_minutes int, min_notice_minutes int,
  max_ahead_days int, buffer_minutes int, max_active_per_member int,
  weekly_minutes_per_startup int, whole_days boolean, min_gap_minutes int, terms_version int,
  requires text,
  tag text, n1 bigint, n2 bigint, n3 bigint, t1 text, t2 text, t3 text, b1 boolean);

-- Everything about one resource for p_member:
--   resource                          (always, first)
--   open | offpeak   n1 weekday, n2 opens, n3 closes (minutes)
--   exception        t1 day, t2 windows "540-720,780-900", t3 reason, b1 closed
--   closure          n1 id, n2 start, n3 end, t1 kind, t2 reason, t3 created by
--   terms            n1 version, t1 text, b1 accepted by p_member
-- VOLATILE on purpose: called on the id a change just returned, it must see
-- that change.
CREATE FUNCTION rb_resource_detail(p_id bigint, p_member bigint) RETURNS SETOF rb_res_row
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
  ) d (o, tag, n1, n2, n3, t1, t2, t3, b1)
  WHERE v.id = p_id
  ORDER BY d.o, d.tag, d.n1, d.n2, d.t1
$$;

-- When one resource is open, closed and taken over [p_from, p_to):
--   resource
--   busy     n1 start, n2 end, n3 booking id (0 unless the caller's startup's), t1 state, b1 mine
--   open     n1 start, n2 end (opening hours; closures not taken out)
--   closure  as in rb_resource_detail
CREATE FUNCTION rb_availability(p_code text, p_from bigint, p_to bigint, p_startup bigint,
                                p_member bigint) RETURNS SETOF rb_res_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- plpgsql, not sql: the plan is cached per session instead of made per call
  RETURN QUERY
  SELECT v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code,
         v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes,
         v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes,
         v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes,
         v.terms_version, v.requires, d.tag, d.n1, d.n2, d.n3, d.t1, d.t2, d.t3, d.b1
  FROM resource_view v CROSS JOIN LATERAL (
    SELECT 0 AS o, 'resource' AS tag, NULL::bigint AS n1, NULL::bigint AS n2, NULL::bigint AS n3,
           NULL::text AS t1, NULL::text AS t2, NULL::text AS t3, NULL::boolean AS b1
    UNION ALL
    (SELECT 1, 'busy', rb_epoch(lower(b.during)), rb_epoch(upper(b.during)),
            CASE WHEN b.startup_id = p_startup OR b.member_id = p_member THEN b.id ELSE 0 END,
            b.state::text, NULL, NULL, b.member_id = p_member
       FROM bookings b
      WHERE b.resource_id = v.id
        AND b.during && tstzrange(rb_from_epoch(p_from), rb_from_epoch(p_to))
        AND b.state NOT IN ('cancelled', 'declined')
      ORDER BY lower(b.during) LIMIT 5000)
    UNION ALL
    SELECT 2, 'open', rb_epoch(lower(x)), rb_epoch(upper(x)), NULL, NULL, NULL, NULL, NULL
      FROM unnest(rb_windows(v.id, v.time_zone, 'open', rb_from_epoch(p_from), rb_from_epoch(p_to))) x
    UNION ALL
    SELECT 3, 'closure', c.id, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
           c.reason, m.handle::text, NULL
      FROM closures c JOIN members m ON m.id = c.created_by
     WHERE c.resource_id = v.id AND c.removed_at IS NULL
       AND c.during && tstzrange(rb_from_epoch(p_from), rb_from_epoch(p_to))
  ) d
  WHERE v.code = p_code
  ORDER BY d.o, d.n1;
END $$;
