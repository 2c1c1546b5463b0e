-- The rules a booking is held to (window, notice, limits, units, terms,
-- approval, qualification) and qualifications themselves.

-- ------------------------------------------------------------------ the rules

-- The one question every path that books asks: which rule, if any, would
-- a booking of resource r by member m over window w break?  Read-only: it
-- writes nothing and takes no lock (the caller holds the requirement
-- group's advisory locks, so the answer still holds when it books).
--
--   p_override  staff's reason to book past the rules (closures, overlaps,
--               units and qualification still hold)
--   p_ignore    bookings to leave out, as if they were not there: a move
--               asks with the booking being moved and its companions
--   p_free      a window in which other members' bookings and closures are
--               left out: joining a waitlist asks "would the rules take it
--               if nobody else held the time?"
--
-- The answer: unit_id and unit_no, the unit to book, when nothing is
-- broken; otherwise
-- the first broken rule as a refusal (code, reason, field, message, args,
-- detail) for rb_refuse.  The order of the checks is the order in which
-- they are reported.
CREATE OR REPLACE FUNCTION rb_rules(m members, r resources, w tstzrange, p_override text,
                                    p_ignore bigint[] DEFAULT '{}', p_free tstzrange DEFAULT NULL,
                                    OUT unit_id bigint, OUT unit_no int, OUT code text,
                                    OUT reason text, OUT field text, OUT message text,
                                    OUT args jsonb, OUT detail text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  tz text := r.time_zone;
  len_min numeric;
  enforce boolean := coalesce(p_override, '') = '';
  c closures;
  other record;
  n bigint;
  wh record;
  buf interval;
  q record;
  v_closure bigint;
  v_hours boolean;
  v_rules boolean;
BEGIN
  -- What the rules need from the tables, in one read (a query costs more
  -- to start than to run, and so does each plpgsql expression, once per
  -- transaction): the first closure in the window; whether the resource has
  -- opening hours or date exceptions near it (most have neither and are
  -- open around the clock); whether any rule that is not a closure, an
  -- overlap or a qualification applies; and the lowest unit with nothing
  -- overlapping, the buffer kept free unless overridden.
  SELECT (SELECT x.id FROM closures x
           WHERE p_free IS NULL AND x.resource_id = r.id AND x.removed_at IS NULL AND x.during && w
           ORDER BY lower(x.during) LIMIT 1),
         h.hours,
         enforce AND (h.hours OR r.terms_version > 0 OR r.slot_minutes > 0 OR r.min_minutes > 0
                      OR r.max_minutes > 0 OR r.min_notice_minutes > 0 OR r.max_ahead_days > 0
                      OR r.whole_days OR r.max_active_per_member > 0 OR r.min_gap_minutes > 0
                      OR r.weekly_minutes_per_member > 0
                      OR (m.startup_id IS NOT NULL
                          AND (r.weekly_minutes_per_startup > 0 OR r.max_active_per_startup > 0))),
         fu.id, fu.unit_no
    INTO v_closure, v_hours, v_rules, unit_id, unit_no
    FROM (SELECT enforce AND (EXISTS (SELECT 1 FROM opening_hours o
                                       WHERE o.resource_id = r.id AND o.kind = 'open')
                              OR EXISTS (SELECT 1 FROM date_exceptions e
                                          WHERE e.resource_id = r.id
                                            AND e.day BETWEEN (lower(w) AT TIME ZONE tz)::date - 1
                                                          AND (upper(w) AT TIME ZONE tz)::date + 1))
                 AS hours) h
    -- A unit's active bookings never overlap one another (the exclusion
    -- constraint), so of those starting before the window (widened by the
    -- buffer) ends, only the latest can reach into it: one step down a
    -- btree (bookings_unit_start) instead of a search of the GiST index.
    -- Leaving bookings out keeps the rest apart.
    LEFT JOIN LATERAL (
      SELECT u.id, u.unit_no FROM resource_units u
       WHERE u.resource_id = r.id AND u.retired_at IS NULL
         AND NOT coalesce((SELECT upper(b.during) > lower(w) - CASE WHEN enforce THEN r.buffer_minutes
                                                                     ELSE 0 END * interval '1 minute'
                             FROM bookings b
                            WHERE b.resource_id = r.id AND b.unit_id = u.id
                              AND b.state NOT IN ('cancelled', 'declined')
                              AND lower(b.during) < upper(w) + CASE WHEN enforce THEN r.buffer_minutes
                                                                    ELSE 0 END * interval '1 minute'
                              AND b.id <> ALL (p_ignore)
                              AND (p_free IS NULL OR b.member_id = m.id OR NOT b.during && p_free)
                            ORDER BY lower(b.during) DESC LIMIT 1), false)
       ORDER BY u.unit_no LIMIT 1) fu ON true;

  IF NOT (r.retired_at IS NOT NULL OR v_closure IS NOT NULL OR v_rules OR unit_id IS NULL
          OR r.needs_qualification) THEN
    RETURN;  -- nothing else to ask: the unit is the answer
  END IF;

  -- Something may be broken: each rule in turn, in the order reported.
  len_min := extract(epoch FROM upper(w) - lower(w)) / 60;
  buf := CASE WHEN enforce THEN r.buffer_minutes * interval '1 minute' ELSE interval '0' END;
  args := '{}';
  <<checks>>
  BEGIN
    IF r.retired_at IS NOT NULL THEN
      code := 'RB412'; reason := 'resource_retired'; field := 'resource_code';
      message := format('%s is retired and takes no new bookings', r.code);
      EXIT checks;
    END IF;

    -- Closures block like bookings, for everyone.
    IF v_closure IS NOT NULL THEN
      SELECT * INTO c FROM closures x WHERE x.id = v_closure;
      code := 'RB409'; reason := 'resource_closed'; field := 'start';
      message := format('%s is closed%s %s: %s', r.code,
                        CASE c.kind WHEN 'maintenance' THEN ' for maintenance' ELSE '' END,
                        rb_window_text(c.during, tz), c.reason);
      args := args || jsonb_build_object('kind', c.kind, 'start', rb_epoch(lower(c.during)),
                                         'end', rb_epoch(upper(c.during)), 'why', c.reason);
      detail := '0 ' || rb_epoch(lower(c.during)) || ' ' || rb_epoch(upper(c.during));
      EXIT checks;
    END IF;

    IF enforce THEN
      IF v_hours AND NOT rb_windows(r.id, tz, 'open', lower(w), upper(w)) @> w THEN
        code := 'RB412'; reason := 'outside_opening_hours'; field := 'start';
        message := format('%s is outside the opening hours of %s (rigbook show %s lists them)',
                          rb_window_text(w, tz), r.code, r.code);
        args := args || jsonb_build_object('start', rb_epoch(lower(w)), 'end', rb_epoch(upper(w)));
        EXIT checks;
      END IF;
      IF r.terms_version > 0 AND NOT EXISTS (
           SELECT 1 FROM terms_acceptances t
            WHERE t.member_id = m.id AND t.resource_id = r.id AND t.version = r.terms_version) THEN
        code := 'RB412'; reason := 'terms_not_accepted'; field := 'resource_code';
        message := format('accept the terms of %s (version %s) first: rigbook terms accept %s',
                          r.code, r.terms_version, r.code);
        args := args || jsonb_build_object('version', r.terms_version);
        EXIT checks;
      END IF;
      IF r.slot_minutes > 0 AND (rb_local_minute(lower(w), tz) % r.slot_minutes <> 0
                                 OR len_min % r.slot_minutes <> 0) THEN
        code := 'RB412'; reason := 'rule_slot'; field := 'start';
        message := format('%s is booked in steps of %s: start and length must be multiples of it',
                          r.code, rb_minutes_text(r.slot_minutes));
        args := args || jsonb_build_object('minutes', r.slot_minutes);
        EXIT checks;
      END IF;
      IF r.min_minutes > 0 AND len_min < r.min_minutes THEN
        code := 'RB412'; reason := 'rule_min_length'; field := 'end';
        message := format('%s must be booked for at least %s', r.code, rb_minutes_text(r.min_minutes));
        args := args || jsonb_build_object('minutes', r.min_minutes);
        EXIT checks;
      END IF;
      IF r.max_minutes > 0 AND len_min > r.max_minutes THEN
        code := 'RB412'; reason := 'rule_max_length'; field := 'end';
        message := format('%s can be booked for at most %s', r.code, rb_minutes_text(r.max_minutes));
        args := args || jsonb_build_object('minutes', r.max_minutes);
        EXIT checks;
      END IF;
      IF r.min_notice_minutes > 0 AND lower(w) < now() + r.min_notice_minutes * interval '1 minute' THEN
        code := 'RB412'; reason := 'rule_min_notice'; field := 'start';
        message := format('%s must be booked at least %s ahead', r.code,
                          rb_minutes_text(r.min_notice_minutes));
        args := args || jsonb_build_object('minutes', r.min_notice_minutes);
        EXIT checks;
      END IF;
      IF r.max_ahead_days > 0 AND lower(w) > now() + r.max_ahead_days * interval '1 day' THEN
        code := 'RB412'; reason := 'rule_max_ahead'; field := 'start';
        message := format('%s can be booked at most %s days ahead', r.code, r.max_ahead_days);
        args := args || jsonb_build_object('days', r.max_ahead_days);
        EXIT checks;
      END IF;
      IF r.whole_days AND (rb_local_minute(lower(w), tz) <> 0 OR rb_local_minute(upper(w), tz) <> 0) THEN
        code := 'RB412'; reason := 'rule_whole_days'; field := 'start';
        message := format('%s is booked in whole days, midnight to midnight (%s)', r.code, tz);
        args := args || jsonb_build_object('time_zone', tz);
        EXIT checks;
      END IF;

      -- The limits below do not count off-peak time.
      IF (r.max_active_per_member > 0 OR r.min_gap_minutes > 0 OR r.weekly_minutes_per_member > 0
          OR (r.weekly_minutes_per_startup > 0 AND m.startup_id IS NOT NULL)
          OR (r.max_active_per_startup > 0 AND m.startup_id IS NOT NULL))
         AND NOT rb_windows(r.id, tz, 'offpeak', lower(w), upper(w)) @> w THEN
        IF r.max_active_per_member > 0 THEN
          n := rb_peak_held(r, m.id, p_ignore);
          IF n >= r.max_active_per_member THEN
            code := 'RB412'; reason := 'rule_max_active'; field := 'resource_code';
            message := rb_max_active_text('you already hold', n, r);
            args := args || jsonb_build_object('held', n, 'limit', r.max_active_per_member,
                                               'offpeak', EXISTS (SELECT 1 FROM opening_hours o
                                                      WHERE o.resource_id = r.id AND o.kind = 'offpeak'));
            EXIT checks;
          END IF;
        END IF;
        IF r.max_active_per_startup > 0 AND m.startup_id IS NOT NULL THEN
          SELECT count(*) INTO n FROM bookings b
           WHERE b.resource_id = r.id AND b.startup_id = m.startup_id AND upper(b.during) > now()
             AND b.state NOT IN ('cancelled', 'declined') AND b.id <> ALL (p_ignore)
             AND (p_free IS NULL OR b.member_id = m.id OR NOT b.during && p_free)
             AND NOT rb_offpeak(r, b.during);
          IF n >= r.max_active_per_startup THEN
            code := 'RB412'; reason := 'rule_max_active_startup'; field := 'resource_code';
            message := format('%s already holds %s future %s of %s%s; the limit is %s per startup',
                              (SELECT s.code FROM startups s WHERE s.id = m.startup_id), n,
                              CASE WHEN n = 1 THEN 'booking' ELSE 'bookings' END, r.code,
                              CASE WHEN EXISTS (SELECT 1 FROM opening_hours o
                                                 WHERE o.resource_id = r.id AND o.kind = 'offpeak')
                                   THEN ' outside off-peak hours' ELSE '' END,
                              r.max_active_per_startup);
            args := args || jsonb_build_object(
                      'startup', (SELECT s.code FROM startups s WHERE s.id = m.startup_id),
                      'held', n, 'limit', r.max_active_per_startup,
                      'offpeak', EXISTS (SELECT 1 FROM opening_hours o
                                          WHERE o.resource_id = r.id AND o.kind = 'offpeak'));
            EXIT checks;
          END IF;
        END IF;
        IF r.min_gap_minutes > 0 THEN
          SELECT b.during INTO other FROM bookings b
           WHERE b.resource_id = r.id AND b.member_id = m.id
             AND b.state NOT IN ('cancelled', 'declined') AND b.id <> ALL (p_ignore)
             AND b.during && tstzrange(lower(w) - r.min_gap_minutes * interval '1 minute',
                                       upper(w) + r.min_gap_minutes * interval '1 minute')
           LIMIT 1;
          IF FOUND THEN
            code := 'RB412'; reason := 'rule_min_gap'; field := 'start';
            message := format('your bookings of %s must be at least %s apart (you hold %s)', r.code,
                              rb_minutes_text(r.min_gap_minutes), rb_window_text(other.during, tz));
            args := args || jsonb_build_object('minutes', r.min_gap_minutes,
                                               'start', rb_epoch(lower(other.during)),
                                               'end', rb_epoch(upper(other.during)));
            EXIT checks;
          END IF;
        END IF;
        IF r.weekly_minutes_per_startup > 0 AND m.startup_id IS NOT NULL THEN
          SELECT * INTO wh FROM rb_week_hours(r, w, m.id, m.startup_id, p_ignore, p_free) x
           WHERE x.used + x.mine > r.weekly_minutes_per_startup ORDER BY x.week LIMIT 1;
          IF FOUND THEN
            code := 'RB412'; reason := 'rule_weekly_hours'; field := 'end';
            message := format('%s would use %s of %s in week %s; the limit is %s',
                              (SELECT s.code FROM startups s WHERE s.id = m.startup_id),
                              rb_minutes_text(ceil(wh.used + wh.mine)::bigint), r.code,
                              to_char(wh.week, 'IYYY-"W"IW'),
                              rb_minutes_text(r.weekly_minutes_per_startup));
            args := args || jsonb_build_object(
                      'startup', (SELECT s.code FROM startups s WHERE s.id = m.startup_id),
                      'minutes', ceil(wh.used + wh.mine)::bigint,
                      'week', to_char(wh.week, 'IYYY-"W"IW'),
                      'limit', r.weekly_minutes_per_startup);
            EXIT checks;
          END IF;
        END IF;
        IF r.weekly_minutes_per_member > 0 THEN
          SELECT * INTO wh FROM rb_week_hours(r, w, m.id, NULL, p_ignore, p_free) x
           WHERE x.used + x.mine > r.weekly_minutes_per_member ORDER BY x.week LIMIT 1;
          IF FOUND THEN
            code := 'RB412'; reason := 'rule_weekly_member_hours'; field := 'end';
            message := format('you would use %s of %s in week %s; the limit is %s per member',
                              rb_minutes_text(ceil(wh.used + wh.mine)::bigint), r.code,
                              to_char(wh.week, 'IYYY-"W"IW'),
                              rb_minutes_text(r.weekly_minutes_per_member));
            args := args || jsonb_build_object(
                      'member', m.handle::text, 'minutes', ceil(wh.used + wh.mine)::bigint,
                      'week', to_char(wh.week, 'IYYY-"W"IW'), 'limit', r.weekly_minutes_per_member);
            EXIT checks;
          END IF;
        END IF;
      END IF;
    END IF;

    -- No unit free (read above): the booking, or else the buffer, in the way.
    IF unit_id IS NULL THEN
      SELECT b.id, b.during, b.member_id, b.startup_id INTO other FROM bookings b
       WHERE b.resource_id = r.id AND b.during && w AND b.state NOT IN ('cancelled', 'declined')
         AND b.id <> ALL (p_ignore)
         AND (p_free IS NULL OR b.member_id = m.id OR NOT b.during && p_free)
       ORDER BY lower(b.during) LIMIT 1;
      IF FOUND AND NOT EXISTS (
           SELECT 1 FROM resource_units u
            WHERE u.resource_id = r.id AND u.retired_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM bookings b
                               WHERE b.resource_id = r.id AND b.unit_id = u.id
                                 AND b.state NOT IN ('cancelled', 'declined')
                                 AND b.id <> ALL (p_ignore)
                                 AND (p_free IS NULL OR b.member_id = m.id OR NOT b.during && p_free)
                                 AND b.during && w)) THEN
        code := 'RB409'; reason := 'booking_overlap'; field := 'start';
        message := format('%s is already booked %s', r.code, rb_window_text(other.during, tz));
        args := args || jsonb_build_object('start', rb_epoch(lower(other.during)),
                                           'end', rb_epoch(upper(other.during)));
        -- the booking's id only to whoever may see that booking
        IF rb_may_see(m, other.member_id, other.startup_id, r) THEN
          args := args || jsonb_build_object('booking', other.id);
          detail := other.id || ' ' || rb_epoch(lower(other.during)) || ' ' || rb_epoch(upper(other.during));
        ELSE
          detail := '0 ' || rb_epoch(lower(other.during)) || ' ' || rb_epoch(upper(other.during));
        END IF;
        EXIT checks;
      END IF;
      SELECT b.id, b.during, b.member_id, b.startup_id INTO other FROM bookings b
       WHERE b.resource_id = r.id AND b.state NOT IN ('cancelled', 'declined')
         AND b.id <> ALL (p_ignore)
         AND (p_free IS NULL OR b.member_id = m.id OR NOT b.during && p_free)
         AND b.during && tstzrange(lower(w) - buf, upper(w) + buf)
       ORDER BY lower(b.during) LIMIT 1;
      code := 'RB412'; reason := 'rule_buffer'; field := 'start';
      args := args || jsonb_build_object('minutes', r.buffer_minutes,
                                         'start', rb_epoch(lower(other.during)),
                                         'end', rb_epoch(upper(other.during)));
      IF rb_may_see(m, other.member_id, other.startup_id, r) THEN
        message := format('%s keeps %s free between bookings; booking %s is %s', r.code,
                          rb_minutes_text(r.buffer_minutes), other.id, rb_window_text(other.during, tz));
        args := args || jsonb_build_object('booking', other.id);
      ELSE
        message := format('%s keeps %s free between bookings; another booking is %s', r.code,
                          rb_minutes_text(r.buffer_minutes), rb_window_text(other.during, tz));
      END IF;
      EXIT checks;
    END IF;

    -- Who may run it: staff are held to this like everyone else, overridden or not.
    IF r.needs_qualification THEN
      SELECT * INTO q FROM rb_unqualified(m.id, r, upper(w));
      IF q.reason IS NOT NULL THEN
        code := 'RB412'; reason := q.reason; field := 'resource_code'; message := q.message;
        args := args || q.args;
        EXIT checks;
      END IF;
    END IF;
  END;

  IF reason IS NULL THEN
    args := NULL;
    RETURN;
  END IF;
  unit_id := NULL;
  unit_no := NULL;
  args := jsonb_build_object('resource', r.code::text, 'time_zone', r.time_zone) || args;
END $$;

-- The hours a weekly limit counts: for every ISO week (in r's zone) that w
-- touches, the minutes of it already held outside off-peak hours, by member
-- p_member's bookings (p_startup NULL) or by startup p_startup's, leaving
-- out p_ignore and, within p_free, other members' bookings (as rb_rules takes
-- them); and the minutes w itself takes of the week.
CREATE OR REPLACE FUNCTION rb_week_hours(r resources, w tstzrange, p_member bigint, p_startup bigint,
                                         p_ignore bigint[], p_free tstzrange)
RETURNS TABLE (week date, used numeric, mine numeric)
LANGUAGE sql STABLE AS $$
  SELECT g::date,
         (SELECT coalesce(sum(extract(epoch FROM upper(b.during * k.wr) - lower(b.during * k.wr)) / 60), 0)
            FROM bookings b
           WHERE b.resource_id = r.id
             AND CASE WHEN p_startup IS NULL THEN b.member_id = p_member
                      ELSE b.startup_id = p_startup END
             AND b.state NOT IN ('cancelled', 'declined') AND b.id <> ALL (p_ignore)
             AND (p_free IS NULL OR b.member_id = p_member OR NOT b.during && p_free)
             AND b.during && k.wr
             AND NOT rb_offpeak(r, b.during)),
         extract(epoch FROM upper(w * k.wr) - lower(w * k.wr)) / 60
    FROM generate_series(date_trunc('week', lower(w) AT TIME ZONE r.time_zone),
                         date_trunc('week', (upper(w) - interval '1 microsecond') AT TIME ZONE r.time_zone),
                         interval '1 week') g,
         LATERAL (SELECT tstzrange(g::date::timestamp AT TIME ZONE r.time_zone,
                                   (g::date + 7)::timestamp AT TIME ZONE r.time_zone) AS wr) k
$$;

-- Whether window w of resource r lies wholly in its off-peak hours: such a
-- booking is exempt from the limits that count bookings and hours.
CREATE OR REPLACE FUNCTION rb_offpeak(r resources, w tstzrange) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT rb_windows(r.id, r.time_zone, 'offpeak', lower(w), upper(w)) @> w
$$;

-- The future bookings of resource r that p_member holds and that count
-- against the per-member limit: active, not wholly off-peak, not in
-- p_ignore.
CREATE OR REPLACE FUNCTION rb_peak_held(r resources, p_member bigint, p_ignore bigint[] DEFAULT '{}')
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM bookings b
   WHERE b.resource_id = r.id AND b.member_id = p_member AND upper(b.during) > now()
     AND b.state NOT IN ('cancelled', 'declined') AND b.id <> ALL (p_ignore)
     AND NOT rb_offpeak(r, b.during)
$$;

-- The refusal of the per-member limit: who already holds n bookings that
-- count, and the limit.
CREATE OR REPLACE FUNCTION rb_max_active_text(p_who text, n bigint, r resources) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT format('%s %s future %s of %s%s; the limit is %s per member', p_who, n,
                CASE WHEN n = 1 THEN 'booking' ELSE 'bookings' END, r.code,
                CASE WHEN EXISTS (SELECT 1 FROM opening_hours o
                                   WHERE o.resource_id = r.id AND o.kind = 'offpeak')
                     THEN ' outside off-peak hours' ELSE '' END,
                r.max_active_per_member)
$$;

-- Whether member m may see a booking held by p_member of p_startup on
-- resource r: its holder, their startup, and staff of the resource.  A
-- refusal names another booking (its id) only to them.
CREATE OR REPLACE FUNCTION rb_may_see(m members, p_member bigint, p_startup bigint, r resources)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN m.id = p_member
      OR (m.startup_id IS NOT NULL AND m.startup_id = p_startup)
      OR rb_is_staff(m, r.institution_id,
                     (SELECT i.space_id FROM institutions i WHERE i.id = r.institution_id));
END $$;

-- The window [p_start, p_end) of a booking of r, as book, move and wait
-- take it: it ends after it starts, lasts at most 366 days and has not
-- begun.  Otherwise the refusal.
CREATE OR REPLACE FUNCTION rb_booking_window(r resources, p_start bigint, p_end bigint)
RETURNS tstzrange LANGUAGE plpgsql STABLE AS $$
DECLARE
  w tstzrange;
BEGIN
  -- one test for the usual window that breaks none of these
  IF p_end > p_start AND p_end - p_start <= 366 * 86400 AND rb_from_epoch(p_start) >= now() THEN
    RETURN tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  END IF;
  IF p_end <= p_start THEN
    PERFORM rb_refuse('RB400', 'end_before_start', 'end',
      'the end of a booking must be after its start',
      jsonb_build_object('start', p_start, 'end', p_end, 'what', 'booking'));
  END IF;
  IF p_end - p_start > 366 * 86400 THEN
    PERFORM rb_refuse('RB400', 'booking_too_long', 'end',
      'a booking cannot be longer than 366 days',
      jsonb_build_object('days', 366));
  END IF;
  w := tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  IF lower(w) < now() THEN
    PERFORM rb_refuse('RB412', 'booking_in_past', 'start',
      format('%s cannot be booked in the past (%s)', r.code, rb_window_text(w, r.time_zone)),
      jsonb_build_object('resource', r.code::text, 'start', p_start, 'end', p_end, 'time_zone', r.time_zone));
  END IF;
  RETURN w;
END $$;

-- Raise the refusal rb_rules answered, if it answered one.
CREATE OR REPLACE FUNCTION rb_rules_hold(v record, p_prefix text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF v.reason IS NOT NULL THEN
    PERFORM rb_refuse(v.code, v.reason, v.field,
                      CASE WHEN p_prefix IS NULL THEN v.message ELSE p_prefix || v.message END,
                      v.args, v.detail);
  END IF;
  RETURN v.unit_id;
END $$;

-- The state a new booking starts in: a resource that needs approval takes
-- bookings as requested, except from its own staff; a companion follows
-- its parent (requested while the parent waits for approval).
CREATE OR REPLACE FUNCTION rb_first_state(m members, r resources, p_parent bigint) RETURNS booking_state
LANGUAGE plpgsql STABLE AS $$
DECLARE
  b bookings;
BEGIN
  IF p_parent IS NOT NULL THEN
    RETURN CASE (SELECT p.state FROM bookings p WHERE p.id = p_parent)
             WHEN 'requested' THEN 'requested' ELSE 'confirmed' END;
  END IF;
  IF NOT r.needs_approval THEN
    RETURN 'confirmed';
  END IF;
  b.resource_id := r.id;
  RETURN CASE WHEN rb_staff_of_booking(m, b) THEN 'confirmed' ELSE 'requested' END;
END $$;

-- Why p_member may not use resource r until p_until, or NULLs when they
-- may: the reason (not_qualified, qualification_revoked,
-- qualification_expired, qualification_ends_early), the message and its
-- arguments.  Staff are held to it like everyone else: a qualification
-- says who may run the equipment, not who may change its settings.
CREATE OR REPLACE FUNCTION rb_unqualified(p_member bigint, r resources, p_until timestamptz,
                                          OUT reason text, OUT message text, OUT args jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  q qualifications;
  who text;
BEGIN
  IF NOT r.needs_qualification THEN
    RETURN;
  END IF;
  SELECT * INTO q FROM qualifications x WHERE x.member_id = p_member AND x.resource_id = r.id;
  IF FOUND AND q.revoked_at IS NULL AND (q.expires_at IS NULL OR q.expires_at >= p_until) THEN
    RETURN;
  END IF;
  who := (SELECT handle FROM members WHERE id = p_member);
  args := jsonb_build_object('member', who, 'resource', r.code::text,
                             'institution', rb_institution_name(r.id));
  IF NOT FOUND THEN
    reason := 'not_qualified';
    message := format('%s is not qualified on %s (a manager of %s grants it: rigbook qualify %s %s)',
                      who, r.code, rb_institution_name(r.id), who, r.code);
  ELSIF q.revoked_at IS NOT NULL THEN
    reason := 'qualification_revoked';
    args := args || jsonb_build_object('at', rb_epoch(q.revoked_at), 'time_zone', r.time_zone);
    message := format('%s''s qualification on %s was revoked on %s (a manager of %s grants it again: rigbook qualify %s %s)',
                      who, r.code, to_char(q.revoked_at AT TIME ZONE r.time_zone, 'YYYY-MM-DD'),
                      rb_institution_name(r.id), who, r.code);
  ELSIF q.expires_at <= now() THEN
    reason := 'qualification_expired';
    args := args || jsonb_build_object('at', rb_epoch(q.expires_at));
    message := format('%s''s qualification on %s ended at %s (a manager of %s renews it: rigbook qualify %s %s)',
                      who, r.code, rb_at_text(q.expires_at, r.time_zone), rb_institution_name(r.id), who, r.code);
  ELSE
    reason := 'qualification_ends_early';
    args := args || jsonb_build_object('at', rb_epoch(q.expires_at));
    message := format('%s''s qualification on %s ends at %s, before the booking ends (a manager of %s renews it: rigbook qualify %s %s --until DATE)',
                      who, r.code, rb_at_text(q.expires_at, r.time_zone), rb_institution_name(r.id), who, r.code);
  END IF;
END $$;

-- The resource staff member m looks after, or an error.
CREATE OR REPLACE FUNCTION rb_qual_resource(m members, p_code text) RETURNS resources
LANGUAGE plpgsql STABLE AS $$
DECLARE
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code',
      format('no resource is called %s', p_code),
      jsonb_build_object('resource', p_code));
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'resource_code',
      format('only a manager of %s, an operator of its space or an admin can qualify members on %s',
                       i.name, r.code),
      jsonb_build_object('action', 'qualify', 'institution', i.name, 'resource', r.code::text));
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
    PERFORM rb_refuse('RB404', 'member_not_found', 'member_handle',
      format('no member is called %s', p_handle),
      jsonb_build_object('member', p_handle));
  END IF;
  IF v_until IS NOT NULL AND v_until <= now() THEN
    PERFORM rb_refuse('RB400', 'expiry_in_past', 'expires_at',
      format('a qualification until %s (%s) would already have ended',
                       to_char(v_until AT TIME ZONE r.time_zone, 'YYYY-MM-DD HH24:MI'), r.time_zone),
      jsonb_build_object('expires_at', rb_epoch(v_until), 'time_zone', r.time_zone, 'what', 'qualification'));
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
    PERFORM rb_refuse('RB404', 'qualification_not_found', 'member_handle',
      format('%s is not qualified on %s', p_handle, r.code),
      jsonb_build_object('member', p_handle, 'resource', r.code::text));
  END IF;
  UPDATE qualifications SET revoked_at = now(), revoked_by = m.id WHERE id = q.id;
  PERFORM rb_audit(m.id, 'unqualify', 'qualification', q.id, p_peer,
                   jsonb_build_object('member', p_handle, 'resource', r.code));
  RETURN q.id;
END $$;

-- Qualifications as the wire shows them (column order: daemon/sql.h QC_*).
CREATE OR REPLACE VIEW qualification_view AS
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
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code',
      format('no resource is called %s', p_code),
      jsonb_build_object('resource', p_code));
  END IF;
  IF p_handle IS NOT NULL AND NOT EXISTS (SELECT 1 FROM members x WHERE x.handle = p_handle
                                                 AND rb_may_see_member(m, x)) THEN
    PERFORM rb_refuse('RB404', 'member_not_found', 'member_handle',
      format('no member is called %s', p_handle),
      jsonb_build_object('member', p_handle));
  END IF;
  IF m.role = 'member' AND p_handle IS NOT NULL AND p_handle <> m.handle THEN
    PERFORM rb_refuse('RB403', 'qualifications_not_yours', 'member_handle',
      'members see only their own qualifications',
      '{}'::jsonb);
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

