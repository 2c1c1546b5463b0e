-- Availability: opening hours, exceptions and closures as instants, free
-- time, slots and the search for a window.  Read-only.

-- The weekly (or off-peak) windows of a resource, with date exceptions, as
-- instants within [p_from, p_to).  Computed per local date, so 08:30 stays
-- 08:30 local across a DST change.  No opening hours at all: open around the
-- clock (but closed exception days still close).
CREATE OR REPLACE FUNCTION rb_windows(p_resource bigint, p_tz text, p_kind text,
                           p_from timestamptz, p_to timestamptz) RETURNS tstzmultirange
LANGUAGE plpgsql STABLE AS $$
DECLARE
  result tstzmultirange;
BEGIN
  -- Most resources have no hours of this kind and no exceptions near the
  -- window: answer without building the days.  (rb_availability asks the
  -- same question before it calls this.)
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
CREATE OR REPLACE FUNCTION rb_closed(p_resource bigint, p_from timestamptz, p_to timestamptz)
RETURNS tstzmultirange LANGUAGE sql STABLE AS $$
  SELECT coalesce(range_agg(during), '{}'::tstzmultirange) FROM closures
  WHERE resource_id = p_resource AND removed_at IS NULL AND during && tstzrange(p_from, p_to)
$$;

-- Minutes from local midnight of t in zone tz (fractional when t has seconds).
CREATE OR REPLACE FUNCTION rb_local_minute(t timestamptz, tz text) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
  SELECT extract(epoch FROM (t AT TIME ZONE tz) - date_trunc('day', t AT TIME ZONE tz)) / 60
$$;

-- ------------------------------------------------------------------ free time

-- Free time of a resource for a booking: open windows minus closures minus
-- each unit's bookings (with the buffer around them), any unit will do;
-- notice and reach applied.
CREATE OR REPLACE FUNCTION rb_free(p_resource bigint, p_from timestamptz, p_to timestamptz)
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
     WHERE b.resource_id = r.id AND b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
       AND b.during && tstzrange(lo - buf, hi + buf);
    result := result + (base - busy);
  END LOOP;
  RETURN result;
END $$;

-- Round a free window to the resource's grid and keep it if a booking of
-- p_len minutes fits.  NULL when it does not.
CREATE OR REPLACE FUNCTION rb_fit(r resources, w tstzrange, p_len int) RETURNS tstzrange
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
CREATE OR REPLACE FUNCTION rb_slots(p_code text, p_from bigint, p_days int, p_len int)
RETURNS TABLE (start_epoch bigint, end_epoch bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  r resources;
  lo timestamptz := coalesce(rb_from_epoch(nullif(p_from, 0)), now());
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  IF p_len <= 0 THEN
    PERFORM rb_refuse('RB400', 'length_required', 'length_minutes', 'say how long the booking would be');
  END IF;
  IF r.max_minutes > 0 AND p_len > r.max_minutes THEN
    PERFORM rb_refuse('RB412', 'rule_max_length', 'length_minutes',
                      format('%s can be booked for at most %s', r.code, rb_minutes_text(r.max_minutes)),
                      jsonb_build_object('resource', r.code::text, 'minutes', r.max_minutes));
  END IF;
  IF r.min_minutes > 0 AND p_len < r.min_minutes THEN
    PERFORM rb_refuse('RB412', 'rule_min_length', 'length_minutes',
                      format('%s must be booked for at least %s', r.code, rb_minutes_text(r.min_minutes)),
                      jsonb_build_object('resource', r.code::text, 'minutes', r.min_minutes));
  END IF;
  RETURN QUERY
    SELECT rb_epoch(lower(f)), rb_epoch(upper(f))
      FROM unnest(rb_free(r.id, lo, lo + p_days * interval '1 day')) x,
           LATERAL rb_fit(r, x, p_len) f
     WHERE f IS NOT NULL
     ORDER BY lower(f);
END $$;

-- The earliest fit on each matching resource, earliest first.
-- p_from_local, when given, is a wall-clock time read in each resource's
-- own zone (instead of the instant p_from).
CREATE OR REPLACE FUNCTION rb_find(p_kind text, p_tag text, p_text text, p_len int, p_from bigint,
                        p_days int, p_limit int, p_from_local text)
RETURNS TABLE (resource_id bigint, start_epoch bigint, end_epoch bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  lo timestamptz := coalesce(rb_from_epoch(nullif(p_from, 0)), now());
  wall timestamp;
BEGIN
  IF p_len <= 0 THEN
    PERFORM rb_refuse('RB400', 'length_required', 'length_minutes', 'say how long the booking would be');
  END IF;
  IF p_from_local IS NOT NULL THEN
    BEGIN
      wall := to_timestamp(p_from_local, 'YYYY-MM-DD HH24:MI')::timestamp;
      IF to_char(wall, 'YYYY-MM-DD HH24:MI') <> p_from_local THEN
        RAISE invalid_datetime_format;
      END IF;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
      PERFORM rb_refuse('RB400', 'invalid_time', 'from_local',
                        format('%s is not a time of the calendar (YYYY-MM-DD HH:MM)', p_from_local),
                        jsonb_build_object('time', p_from_local));
    END;
  END IF;
  RETURN QUERY
    SELECT r.id, rb_epoch(lower(f.w)), rb_epoch(upper(f.w))
      FROM resources r
      CROSS JOIN LATERAL (SELECT coalesce(wall AT TIME ZONE r.time_zone, lo) AS lo) z
      CROSS JOIN LATERAL (
        SELECT rb_fit(r, x, p_len) AS w
          FROM unnest(rb_free(r.id, z.lo, z.lo + p_days * interval '1 day')) x
         WHERE rb_fit(r, x, p_len) IS NOT NULL
         ORDER BY lower(x) LIMIT 1) f
     WHERE r.retired_at IS NULL
       AND (p_kind IS NULL OR r.kind = p_kind::resource_kind)
       AND (p_tag IS NULL OR r.tags @> ARRAY[p_tag])
       AND (p_text IS NULL OR strpos(lower(r.code || ' ' || r.name || ' ' || r.name_zh || ' ' || r.description),
                                     lower(p_text)) > 0)
       AND (r.max_minutes = 0 OR r.max_minutes >= p_len)
       AND r.min_minutes <= p_len
     ORDER BY lower(f.w), r.code
     LIMIT p_limit;
END $$;

-- One resource's week (or any window) for p_member: the resource row, then
--   busy     busy_start, busy_end, busy_booking_id (0 unless the caller's
--            startup's or the caller is staff of the resource), busy_state,
--            busy_mine; by start (then end), at most 5000
--   open     open_start, open_end (opening hours; closures not taken out)
--   closure  closure_id, closure_start, closure_end, closure_kind,
--            closure_reason, closure_by; by id
-- Every column means one thing whatever the row (NULL where the row has no
-- use for it).
--
-- The hottest read there is, and what it costs is starting and ending the
-- executor over each plan node, not the little each node reads.  So it is
-- one SELECT, which PostgreSQL inlines into the caller's prepared statement
-- (LANGUAGE sql, STABLE, not STRICT, no SET: keep it so, or every call is
-- planned afresh), with as few nodes as the rows need:
--  - the resource is looked up once and each part is a lateral branch over
--    it, run in order (one outer row, branches of one Append: the rows come
--    out resource, busy, open, closures); the branches are narrow and the
--    resource's columns are filled in on its own row only;
--  - the caller's staff check is an InitPlan, run only for a booking that is
--    neither the caller's nor the caller's startup's;
--  - rb_windows (plpgsql) is called only when the resource has opening hours
--    or a date exception near the window; otherwise it would answer the
--    whole window, and so does this, without the call;
--  - the institution is read by key (an index range on a one-value range):
--    an equality would hash the whole table at every read, a few rows or not.
CREATE OR REPLACE FUNCTION rb_availability(p_code text, p_from bigint, p_to bigint, p_startup bigint,
                                           p_member bigint)
RETURNS TABLE (
  id bigint, code text, name text, kind text, institution_code text, institution_name text,
  space_code text, time_zone text, description text, location text, retired boolean, tags text,
  units int, slot_minutes int, min_minutes int, max_minutes int, min_notice_minutes int,
  max_ahead_days int, buffer_minutes int, max_active_per_member int,
  weekly_minutes_per_startup int, whole_days boolean, min_gap_minutes int, terms_version int,
  requires text, name_zh text, institution_name_zh text, space_name text, space_name_zh text,
  tag text,
  busy_start bigint, busy_end bigint, busy_booking_id bigint, busy_state text, busy_mine boolean,
  open_start bigint, open_end bigint,
  closure_id bigint, closure_start bigint, closure_end bigint, closure_kind text,
  closure_reason text, closure_by text,
  max_active_per_startup int, weekly_minutes_per_member int)
LANGUAGE sql STABLE AS $$
  SELECT r.id,
         CASE WHEN p.head THEN r.code END, CASE WHEN p.head THEN r.name END,
         CASE WHEN p.head THEN r.kind END, CASE WHEN p.head THEN r.institution_code END,
         CASE WHEN p.head THEN r.institution_name END, CASE WHEN p.head THEN r.space_code END,
         CASE WHEN p.head THEN r.time_zone END, CASE WHEN p.head THEN r.description END,
         CASE WHEN p.head THEN r.location END, CASE WHEN p.head THEN r.retired END,
         CASE WHEN p.head THEN r.tags END, CASE WHEN p.head THEN r.units END,
         CASE WHEN p.head THEN r.slot_minutes END, CASE WHEN p.head THEN r.min_minutes END,
         CASE WHEN p.head THEN r.max_minutes END, CASE WHEN p.head THEN r.min_notice_minutes END,
         CASE WHEN p.head THEN r.max_ahead_days END, CASE WHEN p.head THEN r.buffer_minutes END,
         CASE WHEN p.head THEN r.max_active_per_member END,
         CASE WHEN p.head THEN r.weekly_minutes_per_startup END,
         CASE WHEN p.head THEN r.whole_days END, CASE WHEN p.head THEN r.min_gap_minutes END,
         CASE WHEN p.head THEN r.terms_version END, CASE WHEN p.head THEN r.requires END,
         CASE WHEN p.head THEN r.name_zh END, CASE WHEN p.head THEN r.institution_name_zh END,
         CASE WHEN p.head THEN r.space_name END, CASE WHEN p.head THEN r.space_name_zh END,
         p.tag,
         rb_epoch(lower(p.busy)), rb_epoch(upper(p.busy)), p.booking_id, p.state, p.mine,
         rb_epoch(lower(p.open)), rb_epoch(upper(p.open)),
         p.closure_id, rb_epoch(lower(p.closure)), rb_epoch(upper(p.closure)), p.closure_kind,
         p.closure_reason, p.closure_by,
         CASE WHEN p.head THEN r.max_active_per_startup END,
         CASE WHEN p.head THEN r.weekly_minutes_per_member END
    FROM (SELECT x.id, x.code::text AS code, x.name, x.kind::text AS kind,
                 i.code::text AS institution_code, i.name AS institution_name,
                 s.code::text AS space_code, x.time_zone, x.description, x.location,
                 x.retired_at IS NOT NULL AS retired, array_to_string(x.tags, ',') AS tags,
                 (SELECT count(*) FROM resource_units u
                   WHERE u.resource_id = x.id AND u.retired_at IS NULL)::int AS units,
                 x.slot_minutes, x.min_minutes, x.max_minutes, x.min_notice_minutes,
                 x.max_ahead_days, x.buffer_minutes, x.max_active_per_member,
                 x.weekly_minutes_per_startup, x.whole_days, x.min_gap_minutes, x.terms_version,
                 coalesce((SELECT string_agg(q.code::text, ',' ORDER BY q.code)
                             FROM resource_requires rq JOIN resources q ON q.id = rq.required_id
                            WHERE rq.resource_id = x.id), '') AS requires,
                 x.name_zh, i.name_zh AS institution_name_zh, s.name AS space_name,
                 s.name_zh AS space_name_zh, x.max_active_per_startup, x.weekly_minutes_per_member,
                 tstzrange(rb_from_epoch(p_from), rb_from_epoch(p_to)) AS w,
                 -- staff of the resource see whose each booking is, as in its events
                 (SELECT rb_is_staff(m, x.institution_id, i.space_id) FROM members m
                   WHERE m.id = p_member) AS staff
            FROM resources x
            JOIN institutions i ON i.id >= x.institution_id AND i.id <= x.institution_id
            JOIN spaces s ON s.id = i.space_id
           WHERE x.code = p_code) r
   -- the parts' columns in the order the list above reads them (so that no
   -- branch needs a node of its own to reorder them)
   CROSS JOIN LATERAL (
      SELECT true AS head, 'resource'::text AS tag, NULL::tstzrange AS busy,
             NULL::bigint AS booking_id, NULL::text AS state, NULL::boolean AS mine,
             NULL::tstzrange AS open, NULL::bigint AS closure_id, NULL::tstzrange AS closure,
             NULL::text AS closure_kind, NULL::text AS closure_reason, NULL::text AS closure_by
      UNION ALL
      (SELECT false, 'busy'::text, b.during,
              CASE WHEN b.startup_id = p_startup OR b.member_id = p_member OR r.staff
                   THEN b.id ELSE 0 END,
              b.state::text, b.member_id = p_member, NULL::tstzrange, NULL::bigint,
              NULL::tstzrange, NULL::text, NULL::text, NULL::text
         FROM bookings b
        WHERE b.resource_id = r.id AND b.during && r.w AND b.state NOT IN ('cancelled', 'declined')
        ORDER BY b.during LIMIT 5000)
      UNION ALL
      SELECT false, 'open'::text, NULL::tstzrange, NULL::bigint, NULL::text, NULL::boolean,
             unnest(CASE
               WHEN EXISTS (SELECT 1 FROM opening_hours h
                             WHERE h.resource_id = r.id AND h.kind = 'open')
                 OR EXISTS (SELECT 1 FROM date_exceptions e
                             WHERE e.resource_id = r.id
                               AND e.day BETWEEN (lower(r.w) AT TIME ZONE r.time_zone)::date - 1
                                             AND (upper(r.w) AT TIME ZONE r.time_zone)::date + 1)
                 THEN rb_windows(r.id, r.time_zone, 'open', lower(r.w), upper(r.w))
               WHEN p_from < p_to THEN tstzmultirange(r.w)
               ELSE '{}'::tstzmultirange END),
             NULL::bigint, NULL::tstzrange, NULL::text, NULL::text, NULL::text
      UNION ALL
      (SELECT false, 'closure'::text, NULL::tstzrange, NULL::bigint, NULL::text, NULL::boolean,
              NULL::tstzrange, c.id, c.during, c.kind, c.reason,
              (SELECT m.handle::text FROM members m WHERE m.id = c.created_by)
         FROM closures c
        WHERE c.resource_id = r.id AND c.removed_at IS NULL AND c.during && r.w
        ORDER BY c.id)) p
$$;
