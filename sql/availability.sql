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
--            busy_mine
--   open     open_start, open_end (opening hours; closures not taken out)
--   closure  closure_id, closure_start, closure_end, closure_kind,
--            closure_reason, closure_by
-- Every column means one thing whatever the row (NULL where the row has no
-- use for it).  The hottest read there is: each part is its own small query
-- over its own index (one plan of unions and sorts cost more to start than
-- to run), and the resource row is made from lookups by key.
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
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  r resources;
  w tstzrange := tstzrange(rb_from_epoch(p_from), rb_from_epoch(p_to));
  v_staff boolean;
BEGIN
  SELECT * INTO r FROM resources x WHERE x.code = p_code;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- staff of the resource see whose each booking is, as in its events
  SELECT rb_is_staff(m, r.institution_id, i.space_id) INTO v_staff
    FROM members m, institutions i WHERE m.id = p_member AND i.id = r.institution_id;
  RETURN QUERY
  SELECT r.id, r.code::text, r.name, r.kind::text, i.code::text, i.name, s.code::text,
         r.time_zone, r.description, r.location, r.retired_at IS NOT NULL,
         array_to_string(r.tags, ','),
         (SELECT count(*) FROM resource_units u WHERE u.resource_id = r.id AND u.retired_at IS NULL)::int,
         r.slot_minutes, r.min_minutes, r.max_minutes, r.min_notice_minutes, r.max_ahead_days,
         r.buffer_minutes, r.max_active_per_member, r.weekly_minutes_per_startup, r.whole_days,
         r.min_gap_minutes, r.terms_version,
         coalesce((SELECT string_agg(q.code::text, ',' ORDER BY q.code) FROM resource_requires rq
                   JOIN resources q ON q.id = rq.required_id WHERE rq.resource_id = r.id), ''),
         r.name_zh, i.name_zh, s.name, s.name_zh,
         'resource'::text,
         NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::boolean,
         NULL::bigint, NULL::bigint,
         NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text,
         r.max_active_per_startup, r.weekly_minutes_per_member
    FROM institutions i, spaces s
   WHERE i.id = r.institution_id AND s.id = i.space_id;
  RETURN QUERY
  SELECT r.id, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
         NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::int, NULL::int, NULL::int,
         NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::boolean,
         NULL::int, NULL::int, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
         'busy'::text,
         rb_epoch(lower(b.during)), rb_epoch(upper(b.during)),
         CASE WHEN v_staff OR b.startup_id = p_startup OR b.member_id = p_member THEN b.id ELSE 0 END,
         b.state::text, b.member_id = p_member,
         NULL::bigint, NULL::bigint,
         NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text,
         NULL::int, NULL::int
    FROM bookings b
   WHERE b.resource_id = r.id AND b.during && w AND b.state NOT IN ('cancelled', 'declined')
   ORDER BY lower(b.during) LIMIT 5000;
  RETURN QUERY
  SELECT r.id, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
         NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::int, NULL::int, NULL::int,
         NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::boolean,
         NULL::int, NULL::int, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
         'open'::text,
         NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::boolean,
         rb_epoch(lower(x)), rb_epoch(upper(x)),
         NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text,
         NULL::int, NULL::int
    FROM unnest(rb_windows(r.id, r.time_zone, 'open', lower(w), upper(w))) x;
  RETURN QUERY
  SELECT r.id, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
         NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::int, NULL::int, NULL::int,
         NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::boolean,
         NULL::int, NULL::int, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
         'closure'::text,
         NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::boolean,
         NULL::bigint, NULL::bigint,
         c.id, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind, c.reason,
         (SELECT m.handle::text FROM members m WHERE m.id = c.created_by),
         NULL::int, NULL::int
    FROM closures c
   WHERE c.resource_id = r.id AND c.removed_at IS NULL AND c.during && w
   ORDER BY c.id;
END $$;

