-- Resources and their terms: the resource row and detail, opening hours,
-- date exceptions, closures, units, requirements, rules, terms, and the
-- requirement-group locks every booking path takes.

CREATE OR REPLACE FUNCTION rb_resource_first_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO resource_units (resource_id, unit_no) VALUES (NEW.id, 1);
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER resource_first_unit AFTER INSERT ON resources
  FOR EACH ROW EXECUTE FUNCTION rb_resource_first_unit();

-- ------------------------------------------------------------------ views

-- A resource as the wire shows it, rules and all (column order is the
-- daemon's: keep in step with daemon/sql.h RES_*).
CREATE OR REPLACE VIEW resource_view AS
SELECT r.id, r.code::text AS code, r.name, r.kind::text AS kind, i.code::text AS institution_code,
       i.name AS institution_name, s.code::text AS space_code, r.time_zone, r.description,
       r.location, r.retired_at IS NOT NULL AS retired, array_to_string(r.tags, ',') AS tags,
       (SELECT count(*) FROM resource_units u WHERE u.resource_id = r.id AND u.retired_at IS NULL)::int AS units,
       r.slot_minutes, r.min_minutes, r.max_minutes, r.min_notice_minutes, r.max_ahead_days,
       r.buffer_minutes, r.max_active_per_member, r.weekly_minutes_per_startup, r.whole_days,
       r.min_gap_minutes, r.terms_version,
       coalesce((SELECT string_agg(q.code::text, ',' ORDER BY q.code) FROM resource_requires rq
                 JOIN resources q ON q.id = rq.required_id WHERE rq.resource_id = r.id), '') AS requires,
       r.institution_id, i.space_id, r.tags AS tag_array,
       r.name_zh, i.name_zh AS institution_name_zh, s.name AS space_name,
       s.name_zh AS space_name_zh, r.max_active_per_startup, r.weekly_minutes_per_member
FROM resources r
JOIN institutions i ON i.id = r.institution_id
JOIN spaces s ON s.id = i.space_id;

-- The resource a staff member may change: its group locked, then its row
-- (the row after the advisory locks, as every other path, so that a staff
-- change never holds the row a booking's foreign key check waits for while
-- it waits for that booking's lock).
CREATE OR REPLACE FUNCTION rb_staff_resource(m members, p_code text) RETURNS resources
LANGUAGE plpgsql AS $$
DECLARE
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'code',
                      format('only a manager of %s, an operator of its space or an admin can change %s',
                             i.name, r.code),
                      jsonb_build_object('institution', i.name, 'action', 'change', 'resource', r.code::text));
  END IF;
  -- bookings of this resource wait while its terms change
  PERFORM rb_lock_resources(r.id);
  SELECT * INTO r FROM resources WHERE id = r.id FOR UPDATE;
  RETURN r;
END $$;

-- Create or change a resource; returns its id.
CREATE OR REPLACE FUNCTION rb_put_resource(p_member bigint, p_code text, p_name text, p_kind text,
                                p_institution text, p_description text, p_location text,
                                p_tz text, p_tags text[], p_create_only boolean, p_peer text,
                                p_name_zh text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
  t text;
BEGIN
  FOREACH t IN ARRAY coalesce(p_tags, '{}') LOOP
    IF t !~ '^[a-z0-9][a-z0-9_.-]{0,39}$' THEN
      PERFORM rb_refuse('RB400', 'invalid_tag', 'tags',
                        format('tag %L: tags are lowercase letters, digits, ".", "_" and "-", at most 40', t),
                        jsonb_build_object('tag', t));
    END IF;
  END LOOP;
  IF p_code !~ '^[a-z0-9][a-z0-9-]{0,39}$' THEN
    PERFORM rb_refuse('RB400', 'invalid_code', 'code',
                      'a resource code is lowercase letters, digits and "-", at most 40, like rig-7',
                      jsonb_build_object('value', p_code, 'what', 'resource_code'));
  END IF;
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF FOUND THEN
    IF p_create_only THEN
      PERFORM rb_refuse('RB409', 'resource_exists', 'code', format('a resource called %s already exists', p_code),
                        jsonb_build_object('resource', p_code));
    END IF;
    r := rb_staff_resource(m, p_code);
    IF coalesce(p_institution, '') <> '' AND p_institution <> (SELECT code FROM institutions WHERE id = r.institution_id) THEN
      PERFORM rb_refuse('RB412', 'resource_institution_fixed', 'institution_code',
                        format('%s belongs to %s and cannot move to another institution', r.code,
                               (SELECT name FROM institutions WHERE id = r.institution_id)),
                        jsonb_build_object('resource', r.code::text,
                                           'institution', (SELECT name FROM institutions WHERE id = r.institution_id)));
    END IF;
    IF coalesce(p_tz, '') <> '' THEN
      PERFORM rb_tz_ok(p_tz);
    END IF;
    UPDATE resources SET
      name = coalesce(nullif(p_name, ''), name),
      name_zh = CASE WHEN p_name_zh = '-' THEN '' ELSE coalesce(nullif(p_name_zh, ''), name_zh) END,
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
      PERFORM rb_refuse('RB400', 'institution_required', 'institution_code',
                        'say which host institution the resource belongs to',
                        jsonb_build_object('resource', p_code, 'object', 'resource'));
    END IF;
  ELSE
    SELECT * INTO i FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'institution_not_found', 'institution_code',
                        format('no host institution is called %s', p_institution),
                        jsonb_build_object('institution', p_institution, 'host', true));
    END IF;
  END IF;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'institution_code',
                      format('only a manager of %s, an operator of its space or an admin can add its resources', i.name),
                      jsonb_build_object('institution', i.name, 'action', 'add_resource'));
  END IF;
  IF coalesce(p_name, '') = '' THEN
    PERFORM rb_refuse('RB400', 'name_required', 'name', 'a new resource needs a name',
                      jsonb_build_object('resource', p_code, 'object', 'resource'));
  END IF;
  IF coalesce(p_kind, '') = '' THEN
    PERFORM rb_refuse('RB400', 'kind_required', 'kind',
                      'a new resource needs a kind: instrument, test_facility, machining, pilot_line or workspace',
                      jsonb_build_object('resource', p_code));
  END IF;
  PERFORM rb_tz_ok(coalesce(nullif(p_tz, ''), 'Asia/Shanghai'));
  INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone, tags,
                         name_zh)
  VALUES (i.id, p_code, p_name, p_kind::resource_kind, coalesce(p_description, ''),
          coalesce(p_location, ''), coalesce(nullif(p_tz, ''), 'Asia/Shanghai'), coalesce(p_tags, '{}'),
          CASE WHEN p_name_zh = '-' THEN '' ELSE coalesce(p_name_zh, '') END)
  RETURNING * INTO r;
  PERFORM rb_audit(m.id, 'create', 'resource', r.id, p_peer, jsonb_build_object('code', p_code));
  RETURN r.id;
END $$;

CREATE OR REPLACE FUNCTION rb_retire_resource(p_member bigint, p_code text, p_reason text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF r.retired_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'resource_already_retired', 'code', format('%s is already retired', r.code),
                      jsonb_build_object('resource', r.code::text, 'at', rb_epoch(r.retired_at)));
  END IF;
  UPDATE resources SET retired_at = now(), retire_reason = coalesce(p_reason, '') WHERE id = r.id;
  PERFORM rb_audit(m.id, 'retire', 'resource', r.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));
  RETURN r.id;
END $$;

-- The bookings of r that a change of its hours may strand: requested or
-- confirmed, not ended, and inside the opening hours as they stand (a
-- booking staff made outside them stays as it was).  Asked before the
-- change; rb_hours_strand asks again after it.
CREATE OR REPLACE FUNCTION rb_hours_held(r resources) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(b.id ORDER BY b.id), '{}') FROM bookings b
   WHERE b.resource_id = r.id AND b.state IN ('requested', 'confirmed') AND upper(b.during) > now()
     AND rb_windows(r.id, r.time_zone, 'open', lower(b.during), upper(b.during)) @> b.during
$$;

-- After a change of r's opening hours or date exceptions: the bookings of
-- p_held that now fall outside the hours.  Without p_force they refuse the
-- change (CONFLICT, listing them, as a closure does); forced, they are
-- cancelled with p_why, which their holders see.  Returns their ids,
-- comma-separated ('' when none).
CREATE OR REPLACE FUNCTION rb_hours_strand(m members, r resources, p_held bigint[], p_force boolean,
                                           p_what text, p_why text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  hit text;
  hits text;
  held text;
  os bookings[];
  ns bookings[];
BEGIN
  SELECT string_agg(format('booking %s (%s, %s)', v.id, rb_window_text(v.during, v.time_zone),
                           v.member_handle), '; ' ORDER BY lower(v.during)),
         string_agg(v.id::text, ',' ORDER BY lower(v.during)),
         string_agg(format('%s %s %s %s', v.id, rb_epoch(lower(v.during)), rb_epoch(upper(v.during)),
                           v.member_handle), ',' ORDER BY lower(v.during))
    INTO hit, hits, held
    FROM booking_view v
   WHERE v.id = ANY (p_held)
     AND NOT rb_windows(r.id, r.time_zone, 'open', lower(v.during), upper(v.during)) @> v.during;
  IF hit IS NULL THEN
    RETURN '';
  END IF;
  IF NOT p_force THEN
    PERFORM rb_refuse('RB409', 'hours_hit_bookings', 'windows',
                      format('%s would leave bookings of %s outside its opening hours: %s; force it to cancel them',
                             p_what, r.code, hit),
                      jsonb_build_object('resource', r.code::text, 'bookings', hits, 'time_zone', r.time_zone,
                                         'held', CASE WHEN length(held) <= 500 THEN held END,
                                         'which', CASE WHEN p_what LIKE 'the weekly hours on %' THEN 'weekly'
                                                       WHEN p_what LIKE 'closing on %' THEN 'closing'
                                                       WHEN p_what LIKE 'these hours on %' THEN 'day_hours'
                                                       ELSE 'hours' END,
                                         'date', substring(p_what from '[0-9]{4}-[0-9]{2}-[0-9]{2}$')));
  END IF;
  SELECT coalesce(array_agg(x.b ORDER BY (x.b).id), '{}') INTO os
    FROM (SELECT b FROM bookings b
           WHERE b.id = ANY (string_to_array(hits, ',')::bigint[])
           FOR NO KEY UPDATE) x;
  ns := os;
  FOR i IN 1 .. coalesce(array_length(ns, 1), 0) LOOP
    ns[i].state := 'cancelled';
    ns[i].cancelled_at := now();
    ns[i].cancelled_by := m.id;
    ns[i].cancel_reason := p_why;
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  RETURN hits;
END $$;

-- Replace the weekly windows of one kind.  The arrays are parallel.
-- Opening hours that would leave bookings outside them are refused unless
-- p_force, which cancels those bookings (rb_hours_strand).  Returns the
-- resource and the bookings cancelled.
CREATE OR REPLACE FUNCTION rb_set_hours(p_member bigint, p_code text, p_kind text, p_weekdays int[],
                             p_opens int[], p_closes int[], p_force boolean, p_peer text,
                             OUT resource_id bigint, OUT cancelled text)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  held bigint[];
BEGIN
  IF p_kind NOT IN ('open', 'offpeak') THEN
    PERFORM rb_refuse('RB400', 'invalid_hours_kind', 'kind', 'hours are open or offpeak',
                      jsonb_build_object('kind', p_kind));
  END IF;
  IF cardinality(p_weekdays) <> cardinality(p_opens) OR cardinality(p_opens) <> cardinality(p_closes)
     OR cardinality(p_weekdays) > 100 THEN
    PERFORM rb_refuse('RB400', 'too_many_windows', 'windows', 'at most 100 windows',
                      jsonb_build_object('limit', 100));
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_weekdays, p_opens, p_closes) AS x(d, o, c)
              WHERE d NOT BETWEEN 1 AND 7 OR o NOT BETWEEN 0 AND 1439 OR c NOT BETWEEN 1 AND 1440
                 OR o >= c) THEN
    PERFORM rb_refuse('RB400', 'invalid_window', 'windows',
                      'a window is a weekday 1-7 (Monday-Sunday) and opens before it closes, within 00:00-24:00',
                      jsonb_build_object('which', 'weekly'));
  END IF;
  IF p_kind = 'open' THEN
    held := rb_hours_held(r);
  END IF;
  DELETE FROM opening_hours WHERE opening_hours.resource_id = r.id AND kind = p_kind;
  INSERT INTO opening_hours (resource_id, kind, weekday, opens, closes)
  SELECT r.id, p_kind, d, o, c FROM unnest(p_weekdays, p_opens, p_closes) AS x(d, o, c)
  ON CONFLICT ON CONSTRAINT opening_hours_pkey DO UPDATE SET closes = greatest(opening_hours.closes, EXCLUDED.closes);
  cancelled := '';
  IF p_kind = 'open' THEN
    cancelled := rb_hours_strand(m, r, held, p_force, 'the new opening hours',
                                 'opening hours changed');
  END IF;
  PERFORM rb_audit(m.id, 'hours', 'resource', r.id, p_peer,
                   jsonb_build_object('kind', p_kind, 'weekdays', p_weekdays, 'opens', p_opens, 'closes', p_closes,
                                      'force', p_force, 'cancelled', cancelled));
  resource_id := r.id;
END $$;

-- A date's own hours (or its closing), or their removal.  Hours that
-- would leave bookings outside them are refused unless p_force, which
-- cancels those bookings with the reason (rb_hours_strand).  Returns the
-- resource and the bookings cancelled.
CREATE OR REPLACE FUNCTION rb_set_exception(p_member bigint, p_code text, p_day date, p_closed boolean,
                                 p_opens int[], p_closes int[], p_reason text, p_remove boolean,
                                 p_force boolean, p_peer text,
                                 OUT resource_id bigint, OUT cancelled text)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  mr int4multirange;
  held bigint[] := rb_hours_held(r);
BEGIN
  IF p_remove THEN
    DELETE FROM date_exceptions WHERE date_exceptions.resource_id = r.id AND day = p_day;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'exception_not_found', 'date', format('%s has no exception on %s', r.code, p_day),
                        jsonb_build_object('resource', r.code::text, 'date', to_char(p_day, 'YYYY-MM-DD')));
    END IF;
  ELSE
    IF NOT p_closed AND coalesce(cardinality(p_opens), 0) = 0 THEN
      PERFORM rb_refuse('RB400', 'windows_required', 'windows',
                        'an exception either closes the day or gives its opening windows');
    END IF;
    IF cardinality(p_opens) <> cardinality(p_closes) OR EXISTS (
         SELECT 1 FROM unnest(p_opens, p_closes) AS x(o, c)
          WHERE o NOT BETWEEN 0 AND 1439 OR c NOT BETWEEN 1 AND 1440 OR o >= c) THEN
      PERFORM rb_refuse('RB400', 'invalid_window', 'windows',
                        'each window opens before it closes, within 00:00-24:00',
                        jsonb_build_object('which', 'day'));
    END IF;
    SELECT coalesce(range_agg(int4range(o, c)), '{}') INTO mr FROM unnest(p_opens, p_closes) AS x(o, c);
    INSERT INTO date_exceptions (resource_id, day, closed, windows, reason)
    VALUES (r.id, p_day, p_closed, CASE WHEN p_closed THEN '{}' ELSE mr END, coalesce(p_reason, ''))
    ON CONFLICT ON CONSTRAINT date_exceptions_pkey DO UPDATE
      SET closed = EXCLUDED.closed, windows = EXCLUDED.windows, reason = EXCLUDED.reason;
  END IF;
  cancelled := rb_hours_strand(m, r, held, p_force,
                 format('%s on %s', CASE WHEN p_remove THEN 'the weekly hours'
                                         WHEN p_closed THEN 'closing'
                                         ELSE 'these hours' END, to_char(p_day, 'YYYY-MM-DD')),
                 format('%s on %s%s', CASE WHEN p_closed THEN 'closed' ELSE 'opening hours changed' END,
                        to_char(p_day, 'YYYY-MM-DD'),
                        CASE WHEN coalesce(p_reason, '') = '' THEN '' ELSE ': ' || p_reason END));
  PERFORM rb_audit(m.id, 'exception', 'resource', r.id, p_peer,
                   jsonb_build_object('day', p_day, 'closed', p_closed, 'remove', p_remove,
                                      'force', p_force, 'cancelled', cancelled));
  resource_id := r.id;
END $$;

-- A closure or maintenance window.  Overlapping active bookings refuse it
-- (CONFLICT, listing them) unless forced; forced, they are cancelled with
-- the reason recorded.  Returns the closure, and with it each booking it
-- cancelled (booking columns NULL on the closure's own row).
CREATE OR REPLACE FUNCTION rb_add_closure(p_member bigint, p_code text, p_start bigint, p_end bigint,
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
  hits text;
  held text;
  cid bigint;
  ids bigint[];
  os bookings[];
  ns bookings[];
BEGIN
  IF p_end <= p_start THEN
    PERFORM rb_refuse('RB400', 'end_before_start', 'end', 'the end of a closure must be after its start',
                      jsonb_build_object('start', p_start, 'end', p_end, 'what', 'closure'));
  END IF;
  IF coalesce(p_reason, '') = '' THEN
    PERFORM rb_refuse('RB400', 'reason_required', 'reason',
                      'say why the resource is closed; members see the reason',
                      jsonb_build_object('resource', r.code::text, 'what', 'closure'));
  END IF;
  IF p_kind NOT IN ('closure', 'maintenance') THEN
    PERFORM rb_refuse('RB400', 'invalid_closure_kind', 'kind', 'a closure is a closure or maintenance',
                      jsonb_build_object('kind', p_kind));
  END IF;
  w := tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  SELECT string_agg(format('booking %s (%s, %s)', v.id, rb_window_text(v.during, v.time_zone),
                           v.member_handle), '; ' ORDER BY lower(v.during)),
         string_agg(v.id::text, ',' ORDER BY lower(v.during)),
         string_agg(format('%s %s %s %s', v.id, rb_epoch(lower(v.during)), rb_epoch(upper(v.during)),
                           v.member_handle), ',' ORDER BY lower(v.during))
    INTO hit, hits, held
    FROM booking_view v
   WHERE v.resource_id = r.id AND v.during && w AND v.state IN ('requested', 'confirmed')
     AND upper(v.during) > now();
  IF hit IS NOT NULL AND NOT p_force THEN
    PERFORM rb_refuse('RB409', 'closure_hits_bookings', 'start',
                      format('%s has bookings in %s: %s; force the closure to cancel them', r.code,
                             rb_window_text(w, r.time_zone), hit),
                      jsonb_build_object('resource', r.code::text, 'start', p_start, 'end', p_end,
                                         'bookings', hits, 'time_zone', r.time_zone,
                                         'held', CASE WHEN length(held) <= 500 THEN held END));
  END IF;
  INSERT INTO closures (resource_id, during, kind, reason, created_by)
  VALUES (r.id, w, p_kind, p_reason, m.id) RETURNING closures.id INTO cid;
  PERFORM rb_emit_event('closure_added', r.id, NULL, NULL, NULL, w, cid);
  SELECT coalesce(array_agg(x.b ORDER BY (x.b).id), '{}') INTO os
    FROM (SELECT b FROM bookings b
           WHERE b.resource_id = r.id AND b.during && w AND b.state IN ('requested', 'confirmed')
             AND upper(b.during) > now()
           FOR NO KEY UPDATE) x;
  ns := os;
  FOR i IN 1 .. coalesce(array_length(ns, 1), 0) LOOP
    ns[i].state := 'cancelled';
    ns[i].cancelled_at := now();
    ns[i].cancelled_by := m.id;
    ns[i].cancel_reason := CASE p_kind WHEN 'maintenance' THEN 'maintenance: ' ELSE 'closed: ' END || p_reason;
  END LOOP;
  PERFORM rb_booking_write(os, ns);
  SELECT coalesce(array_agg(x.id ORDER BY x.id), '{}') INTO ids FROM unnest(os) x;
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

CREATE OR REPLACE FUNCTION rb_remove_closure(p_member bigint, p_closure bigint, p_peer text)
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
    PERFORM rb_refuse('RB404', 'closure_not_found', 'closure_id',
                      format('there is no closure %s in force', p_closure),
                      jsonb_build_object('closure', p_closure));
  END IF;
  r := rb_staff_resource(m, (SELECT code FROM resources WHERE id = c.resource_id));
  UPDATE closures SET removed_at = now(), removed_by = m.id WHERE id = c.id;
  -- watchers hear it; then the time it held is offered to whoever waits
  PERFORM rb_emit_event('closure_lifted', c.resource_id, NULL, NULL, NULL, c.during, c.id);
  IF upper(c.during) > now() THEN
    PERFORM rb_waitlist_offer(c.resource_id, c.during, NULL, NULL);
  END IF;
  PERFORM rb_audit(m.id, 'reopen', 'resource', r.id, p_peer, jsonb_build_object('closure', c.id));
  RETURN QUERY SELECT c.id, r.code::text, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
    c.reason, (SELECT handle::text FROM members WHERE id = c.created_by);
END $$;

CREATE OR REPLACE FUNCTION rb_set_rules(p_member bigint, p_code text, p_slot int, p_min int, p_max int,
                             p_notice int, p_ahead int, p_buffer int, p_active int, p_weekly int,
                             p_whole_days boolean, p_gap int, p_approval boolean,
                             p_qualification boolean, p_late int, p_early int, p_grace int,
                             p_active_startup int, p_weekly_member int, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF p_max > 0 AND p_min > p_max THEN
    PERFORM rb_refuse('RB400', 'min_above_max', 'min_minutes', 'the minimum length cannot be above the maximum',
                      jsonb_build_object('min', p_min, 'max', p_max));
  END IF;
  IF p_slot > 0 AND 1440 % p_slot <> 0 THEN
    PERFORM rb_refuse('RB400', 'invalid_slot', 'slot_minutes',
                      'a slot must divide a day evenly (5, 10, 15, 30, 60 min ...)',
                      jsonb_build_object('minutes', p_slot));
  END IF;
  UPDATE resources SET slot_minutes = p_slot, min_minutes = p_min, max_minutes = p_max,
         min_notice_minutes = p_notice, max_ahead_days = p_ahead, buffer_minutes = p_buffer,
         max_active_per_member = p_active, weekly_minutes_per_startup = p_weekly,
         whole_days = p_whole_days, min_gap_minutes = p_gap, needs_approval = p_approval,
         needs_qualification = p_qualification, late_cancel_minutes = p_late,
         checkin_early_minutes = p_early, no_show_grace_minutes = p_grace,
         max_active_per_startup = p_active_startup, weekly_minutes_per_member = p_weekly_member
   WHERE id = r.id;
  PERFORM rb_audit(m.id, 'rules', 'resource', r.id, p_peer,
                   jsonb_build_object('slot', p_slot, 'min', p_min, 'max', p_max, 'notice', p_notice,
                                      'ahead', p_ahead, 'buffer', p_buffer, 'active', p_active,
                                      'weekly', p_weekly, 'whole_days', p_whole_days, 'gap', p_gap,
                                      'approval', p_approval, 'qualification', p_qualification,
                                      'late_cancel', p_late, 'checkin_early', p_early,
                                      'no_show_grace', p_grace, 'active_startup', p_active_startup,
                                      'weekly_member', p_weekly_member));
  RETURN r.id;
END $$;

CREATE OR REPLACE FUNCTION rb_set_units(p_member bigint, p_code text, p_units int, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  busy int;
BEGIN
  IF p_units NOT BETWEEN 1 AND 1000 THEN
    PERFORM rb_refuse('RB400', 'invalid_units', 'units', 'a resource has 1 to 1000 units',
                      jsonb_build_object('units', p_units, 'limit', 1000));
  END IF;
  SELECT max(u.unit_no) INTO busy FROM resource_units u
   WHERE u.resource_id = r.id AND u.unit_no > p_units
     AND EXISTS (SELECT 1 FROM bookings b WHERE b.resource_id = r.id AND b.unit_id = u.id
                   AND upper(b.during) > now()
                   AND b.state NOT IN ('cancelled', 'declined'));
  IF busy IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'unit_has_bookings', 'units',
                      format('unit %s of %s has future bookings; cancel or move them before going down to %s %s',
                             busy, r.code, p_units, CASE WHEN p_units = 1 THEN 'unit' ELSE 'units' END),
                      jsonb_build_object('unit', busy, 'resource', r.code::text, 'units', p_units));
  END IF;
  INSERT INTO resource_units (resource_id, unit_no)
  SELECT r.id, g FROM generate_series(1, p_units) g
  ON CONFLICT (resource_id, unit_no) DO UPDATE SET retired_at = NULL;
  UPDATE resource_units SET retired_at = now()
   WHERE resource_id = r.id AND unit_no > p_units AND retired_at IS NULL;
  PERFORM rb_audit(m.id, 'units', 'resource', r.id, p_peer, jsonb_build_object('units', p_units));
  RETURN r.id;
END $$;

-- The resources a resource requires, with the requirement
-- groups it joins locked together, ascending, before anything else: a
-- transaction that took a group's locks before the change never needs a
-- lock of the other group out of order afterwards.
CREATE OR REPLACE FUNCTION rb_set_requires(p_member bigint, p_code text, p_requires text[], p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  missing text;
  missing_codes text;
  gid bigint;
BEGIN
  FOR gid IN SELECT DISTINCT g FROM resources y, rb_resource_group(y.id) g
            WHERE y.code = p_code OR y.code = ANY (coalesce(p_requires, '{}'))
            ORDER BY g LOOP
    PERFORM pg_advisory_xact_lock(gid);
  END LOOP;
  r := rb_staff_resource(m, p_code);
  SELECT string_agg(c, ', '), string_agg(c, ',') INTO missing, missing_codes FROM unnest(coalesce(p_requires, '{}')) c
   WHERE NOT EXISTS (SELECT 1 FROM resources x WHERE x.code = c AND x.retired_at IS NULL);
  IF missing IS NOT NULL THEN
    PERFORM rb_refuse('RB404', 'required_resource_not_found', 'requires',
                      format('no bookable resource is called %s', missing),
                      jsonb_build_object('resources', missing_codes));
  END IF;
  IF p_code = ANY (coalesce(p_requires, '{}')) THEN
    PERFORM rb_refuse('RB400', 'requires_itself', 'requires', format('%s cannot require itself', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  IF EXISTS (SELECT 1 FROM resource_requires rq JOIN resources x ON x.id = rq.resource_id
              WHERE x.code = ANY (p_requires) AND rq.required_id = r.id) THEN
    PERFORM rb_refuse('RB400', 'requires_cycle', 'requires',
                      format('a resource that requires %s cannot be required by it', p_code),
                      jsonb_build_object('resource', p_code,
                                         'requiring', (SELECT string_agg(x.code::text, ',' ORDER BY x.code)
                                                         FROM resource_requires rq
                                                         JOIN resources x ON x.id = rq.resource_id
                                                        WHERE x.code = ANY (p_requires)
                                                          AND rq.required_id = r.id)));
  END IF;
  DELETE FROM resource_requires WHERE resource_id = r.id;
  INSERT INTO resource_requires (resource_id, required_id)
  SELECT DISTINCT r.id, x.id FROM resources x WHERE x.code = ANY (coalesce(p_requires, '{}'));
  PERFORM rb_audit(m.id, 'requires', 'resource', r.id, p_peer,
                   jsonb_build_object('requires', coalesce(p_requires, '{}')));
  RETURN r.id;
END $$;

CREATE OR REPLACE FUNCTION rb_set_terms(p_member bigint, p_code text, p_text text, p_peer text)
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

CREATE OR REPLACE FUNCTION rb_accept_terms(p_member bigint, p_code text, p_version int, p_peer text)
RETURNS TABLE (resource_code text, version int)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  IF r.terms_version = 0 THEN
    PERFORM rb_refuse('RB412', 'no_terms', 'code', format('%s has no terms to accept', r.code),
                      jsonb_build_object('resource', r.code::text));
  END IF;
  IF p_version <> r.terms_version THEN
    PERFORM rb_refuse('RB412', 'terms_version_mismatch', 'version',
                      format('the current terms of %s are version %s; read them with rigbook terms %s',
                             r.code, r.terms_version, r.code),
                      jsonb_build_object('resource', r.code::text, 'version', r.terms_version,
                                         'given', p_version));
  END IF;
  INSERT INTO terms_acceptances (member_id, resource_id, version) VALUES (m.id, r.id, p_version)
  ON CONFLICT DO NOTHING;
  PERFORM rb_audit(m.id, 'accept_terms', 'resource', r.id, p_peer, jsonb_build_object('version', p_version));
  RETURN QUERY SELECT r.code::text, p_version;
END $$;

-- Everything about one resource for p_member: a 'resource' row first, then
--   open | offpeak   weekday, opens, closes (minutes of the day)
--   exception        exception_day, exception_windows "540-720,780-900",
--                    exception_reason, exception_closed
--   closure          closure_id, closure_start, closure_end, closure_kind,
--                    closure_reason, closure_by
--   terms            terms_text, terms_accepted (by p_member, this version)
--   lifecycle        late_cancel_minutes, checkin_early_minutes,
--                    no_show_grace_minutes, needs_qualification, needs_approval
-- VOLATILE on purpose: called on the id a change just returned, it must see
-- that change.
CREATE OR REPLACE FUNCTION rb_resource_detail(p_id bigint, p_member bigint)
RETURNS TABLE (
  id bigint, code text, name text, kind text, institution_code text, institution_name text,
  space_code text, time_zone text, description text, location text, retired boolean, tags text,
  units int, slot_minutes int, min_minutes int, max_minutes int, min_notice_minutes int,
  max_ahead_days int, buffer_minutes int, max_active_per_member int,
  weekly_minutes_per_startup int, whole_days boolean, min_gap_minutes int, terms_version int,
  requires text, name_zh text, institution_name_zh text, space_name text, space_name_zh text,
  tag text,
  weekday int, opens int, closes int,
  exception_day text, exception_windows text, exception_reason text, exception_closed boolean,
  closure_id bigint, closure_start bigint, closure_end bigint, closure_kind text,
  closure_reason text, closure_by text,
  terms_text text, terms_accepted boolean,
  late_cancel_minutes int, checkin_early_minutes int, no_show_grace_minutes int,
  needs_qualification boolean, needs_approval boolean,
  max_active_per_startup int, weekly_minutes_per_member int)
LANGUAGE sql AS $$
  SELECT v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code,
         v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes,
         v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes,
         v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes,
         v.terms_version, v.requires, v.name_zh, v.institution_name_zh, v.space_name,
         v.space_name_zh, d.tag,
         d.weekday, d.opens, d.closes,
         d.exception_day, d.exception_windows, d.exception_reason, d.exception_closed,
         d.closure_id, d.closure_start, d.closure_end, d.closure_kind, d.closure_reason,
         d.closure_by,
         d.terms_text, d.terms_accepted,
         d.late_cancel_minutes, d.checkin_early_minutes, d.no_show_grace_minutes,
         d.needs_qualification, d.needs_approval,
         v.max_active_per_startup, v.weekly_minutes_per_member
  FROM resource_view v CROSS JOIN (
    -- o, k1, k2, k3: the order of the rows (as before: tag, then what was n1, n2, t1)
    SELECT 0 AS o, 'resource' AS tag, NULL::bigint AS k1, NULL::bigint AS k2, NULL::text AS k3,
           NULL::int AS weekday, NULL::int AS opens, NULL::int AS closes,
           NULL::text AS exception_day, NULL::text AS exception_windows,
           NULL::text AS exception_reason, NULL::boolean AS exception_closed,
           NULL::bigint AS closure_id, NULL::bigint AS closure_start, NULL::bigint AS closure_end,
           NULL::text AS closure_kind, NULL::text AS closure_reason, NULL::text AS closure_by,
           NULL::text AS terms_text, NULL::boolean AS terms_accepted,
           NULL::int AS late_cancel_minutes, NULL::int AS checkin_early_minutes,
           NULL::int AS no_show_grace_minutes, NULL::boolean AS needs_qualification,
           NULL::boolean AS needs_approval
    UNION ALL
    SELECT 1, h.kind, h.weekday, h.opens, NULL,
           h.weekday::int, h.opens, h.closes,
           NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL,
           NULL, NULL, NULL, NULL, NULL
      FROM opening_hours h WHERE h.resource_id = p_id
    UNION ALL
    SELECT 2, 'exception', NULL, NULL, to_char(e.day, 'YYYY-MM-DD'),
           NULL, NULL, NULL,
           to_char(e.day, 'YYYY-MM-DD'),
           coalesce((SELECT string_agg(lower(x) || '-' || upper(x), ',' ORDER BY lower(x))
                       FROM unnest(e.windows) x), ''), e.reason, e.closed,
           NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL,
           NULL, NULL, NULL, NULL, NULL
      FROM date_exceptions e JOIN resources r ON r.id = e.resource_id
     WHERE e.resource_id = p_id AND e.day >= (now() AT TIME ZONE r.time_zone)::date
    UNION ALL
    SELECT 3, 'closure', c.id, rb_epoch(lower(c.during)), c.kind,
           NULL, NULL, NULL,
           NULL, NULL, NULL, NULL,
           c.id, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind, c.reason,
           m.handle::text,
           NULL, NULL,
           NULL, NULL, NULL, NULL, NULL
      FROM closures c JOIN members m ON m.id = c.created_by
     WHERE c.resource_id = p_id AND c.removed_at IS NULL AND upper(c.during) > now()
    UNION ALL
    SELECT 4, 'terms', r.terms_version, NULL, r.terms_text,
           NULL, NULL, NULL,
           NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL,
           r.terms_text,
           EXISTS (SELECT 1 FROM terms_acceptances a WHERE a.member_id = p_member
                      AND a.resource_id = r.id AND a.version = r.terms_version),
           NULL, NULL, NULL, NULL, NULL
      FROM resources r WHERE r.id = p_id AND r.terms_version > 0
    UNION ALL
    SELECT 5, 'lifecycle', r.late_cancel_minutes, r.checkin_early_minutes,
           r.needs_qualification::text,
           NULL, NULL, NULL,
           NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL,
           r.late_cancel_minutes, r.checkin_early_minutes, r.no_show_grace_minutes,
           r.needs_qualification, r.needs_approval
      FROM resources r WHERE r.id = p_id
  ) d
  WHERE v.id = p_id
  ORDER BY d.o, d.tag, d.k1, d.k2, d.k3
$$;

-- ------------------------------------------------------------------ locking

-- The requirement group of a resource: itself and every resource linked to
-- it through resource_requires, in either direction, in id order.
CREATE OR REPLACE FUNCTION rb_resource_group(p_resource bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE g(id) AS (
    SELECT p_resource
    UNION
    SELECT CASE WHEN rq.resource_id = g.id THEN rq.required_id ELSE rq.resource_id END
      FROM resource_requires rq JOIN g ON g.id IN (rq.resource_id, rq.required_id)
  ) SELECT id FROM g ORDER BY id
$$;

-- The advisory locks of a resource's requirement group, ascending.  Taken
-- again by the same transaction they cost nothing.
CREATE OR REPLACE FUNCTION rb_lock_resources(p_resource bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  x bigint;
BEGIN
  -- most resources require nothing and are required by nothing
  IF NOT EXISTS (SELECT 1 FROM resource_requires rq
                  WHERE rq.resource_id = p_resource OR rq.required_id = p_resource) THEN
    PERFORM pg_advisory_xact_lock(p_resource);
    RETURN;
  END IF;
  FOR x IN SELECT g FROM rb_resource_group(p_resource) g ORDER BY g LOOP
    PERFORM pg_advisory_xact_lock(x);
  END LOOP;
END $$;

