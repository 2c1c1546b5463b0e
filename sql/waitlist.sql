-- The waitlist: queueing for a taken window, and promotion when time frees
-- up, inside the transaction that freed it.

-- ------------------------------------------------------------------ promotion

-- Time on p_resource around p_freed came free (freed by p_member's or
-- p_startup's booking, when it was one): rb_booking_write and
-- rb_remove_closure call this, in the transaction that freed it.  Every
-- waiting entry of the resource's requirement group that could use it, in
-- queue order, is asked of the rules (rb_rules, for the resource and its
-- companions): the first that fits is booked, one that does not stays
-- waiting with the reason.  Entries near the window (buffer and gap
-- included) are tried, and those of the member or startup whose booking
-- went (their limits changed).  Returns how many were booked.
CREATE OR REPLACE FUNCTION rb_waitlist_offer(p_resource bigint, p_freed tstzrange, p_member bigint,
                                  p_startup bigint)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  e record;
  em members;
  er resources;
  q resources;
  v record;
  v_refusal text;
  nb bigint;
  n int := 0;
BEGIN
  PERFORM rb_lock_resources(p_resource);
  FOR e IN
    SELECT w.id, w.member_id, w.resource_id, w.during, w.note
      FROM waitlist w
      JOIN resources r ON r.id = w.resource_id
      JOIN members m ON m.id = w.member_id
     WHERE w.state = 'waiting' AND lower(w.during) > now()
       AND w.resource_id IN (SELECT g FROM rb_resource_group(p_resource) g)
       AND (w.during && tstzrange(lower(p_freed) - greatest(r.buffer_minutes, r.min_gap_minutes) * interval '1 minute',
                                  upper(p_freed) + greatest(r.buffer_minutes, r.min_gap_minutes) * interval '1 minute')
            OR w.member_id = p_member OR m.startup_id = p_startup)
     ORDER BY w.created_at, w.id
  LOOP
    SELECT * INTO em FROM members x WHERE x.id = e.member_id;
    SELECT * INTO er FROM resources x WHERE x.id = e.resource_id;
    SELECT * INTO v FROM rb_rules(em, er, e.during, NULL);
    v_refusal := v.message;
    IF v_refusal IS NULL THEN
      FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
                WHERE rq.resource_id = er.id ORDER BY x.id LOOP
        SELECT * INTO v FROM rb_rules(em, q, e.during, NULL);
        v_refusal := v.message;
        EXIT WHEN v_refusal IS NOT NULL;
      END LOOP;
    END IF;
    IF v_refusal IS NOT NULL THEN
      -- still does not fit: it keeps waiting, with the reason
      UPDATE waitlist SET refusal = v_refusal, tried_at = now() WHERE id = e.id;
      CONTINUE;
    END IF;
    nb := (rb_book_group(em, er, e.during, e.note, NULL))[1].id;
    PERFORM rb_audit(em.id, 'book', 'booking', nb, 'waitlist',
                     jsonb_build_object('resource', er.code, 'start', rb_epoch(lower(e.during)),
                                        'end', rb_epoch(upper(e.during)), 'override', ''));
    UPDATE waitlist SET state = 'promoted', booking_id = nb, promoted_at = now(),
           refusal = '', tried_at = now()
     WHERE id = e.id;
    PERFORM rb_emit_event('promoted', er.id, nb, em.id, em.startup_id, e.during);
    PERFORM rb_audit(e.member_id, 'promote', 'waitlist', e.id, 'waitlist',
                     jsonb_build_object('booking', nb));
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;

-- ------------------------------------------------------------------ requests

-- The entries as the wire shows them; position is the place in the
-- resource's queue while waiting (1: next), else 0.
CREATE OR REPLACE VIEW waitlist_view AS
SELECT w.id, r.code::text AS resource_code, r.name AS resource_name, r.time_zone,
       rb_epoch(lower(w.during)) AS start_epoch, rb_epoch(upper(w.during)) AS end_epoch,
       w.state, m.handle::text AS member_handle, coalesce(s.code::text, '') AS startup_code,
       rb_epoch(w.created_at) AS created_epoch, w.note,
       CASE WHEN w.state = 'waiting' THEN
         (SELECT count(*) FROM waitlist o
           WHERE o.resource_id = w.resource_id AND o.state = 'waiting' AND lower(o.during) > now()
             AND (o.created_at, o.id) <= (w.created_at, w.id))
       ELSE 0 END AS position,
       coalesce(w.booking_id, 0) AS booking_id, coalesce(rb_epoch(w.promoted_at), 0) AS promoted_epoch,
       coalesce(rb_epoch(w.withdrawn_at), 0) AS withdrawn_epoch, w.refusal,
       w.member_id, w.resource_id, w.during, w.created_at
FROM waitlist w
JOIN resources r ON r.id = w.resource_id
JOIN members m ON m.id = w.member_id
LEFT JOIN startups s ON s.id = m.startup_id;

-- One entry as the wire shows it; VOLATILE to see the change a call just
-- made (as rb_booking_wire).
CREATE OR REPLACE FUNCTION rb_waitlist_wire(p_id bigint) RETURNS SETOF waitlist_view
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- plpgsql keeps the plan for the session; VOLATILE: sees the row this
  -- statement's other function just wrote
  RETURN QUERY SELECT * FROM waitlist_view WHERE id = p_id;
END $$;

-- Queue p_member for a window of p_code that is taken.  Checked like a
-- booking wherever the answer does not depend on what holds the window: the
-- rules (rb_rules) are asked twice, once with other members' bookings and
-- the closures of the window left out (they must accept: the rules allow
-- the booking), once as things are (they must refuse: otherwise the window
-- is free and is booked instead).
CREATE OR REPLACE FUNCTION rb_wait(p_member bigint, p_code text, p_start bigint, p_end bigint,
                        p_note text, p_key text, p_peer text)
RETURNS TABLE (id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  q resources;
  w tstzrange;
  fp text := p_code || ' ' || p_start || ' ' || p_end || ' ' || coalesce(p_note, '');
  prev bigint;
  other record;
  v record;
  ids bigint[];
  widen interval;
  taken text;
  new_id bigint;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'wait', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  SELECT * INTO r FROM resources WHERE resources.code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  IF r.retired_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'resource_retired', 'resource_code',
                      format('%s is retired and takes no new bookings', r.code),
                      jsonb_build_object('resource', r.code::text));
  END IF;
  w := rb_booking_window(r, p_start, p_end);

  -- the same locks as a booking of the resource: a cancellation that would
  -- free the window either happened before (and the window is free) or
  -- comes after (and finds this entry)
  PERFORM rb_lock_resources(r.id);
  SELECT * INTO r FROM resources WHERE resources.id = r.id;

  SELECT x.id, x.during INTO other FROM waitlist x
   WHERE x.member_id = m.id AND x.resource_id = r.id AND x.state = 'waiting' AND x.during && w
   ORDER BY x.created_at LIMIT 1;
  IF FOUND THEN
    PERFORM rb_refuse('RB412', 'already_waiting', 'start',
                      format('you already wait for %s %s (entry %s)', r.code,
                             rb_window_text(other.during, r.time_zone), other.id),
                      jsonb_build_object('resource', r.code::text, 'start', rb_epoch(lower(other.during)),
                                         'end', rb_epoch(upper(other.during)), 'entry', other.id,
                                          'time_zone', r.time_zone));
  END IF;

  SELECT array_agg(x ORDER BY x) INTO ids
    FROM (SELECT r.id AS x UNION SELECT required_id FROM resource_requires rq WHERE rq.resource_id = r.id) s;
  SELECT max(buffer_minutes) * interval '1 minute' INTO widen FROM resources x WHERE x.id = ANY (ids);

  -- Would the rules take it if nobody else held the time (other members'
  -- bookings near the window and the closures over it left out)?  They
  -- must: a window the rules refuse is not worth waiting for.
  PERFORM rb_rules_hold(rb_rules(m, r, w, NULL, '{}', tstzrange(lower(w) - widen, upper(w) + widen)),
                        format('no waiting for %s %s: ', r.code, rb_window_text(w, r.time_zone)));
  FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
            WHERE rq.resource_id = r.id ORDER BY x.id LOOP
    PERFORM rb_rules_hold(rb_rules(m, q, w, NULL, '{}', tstzrange(lower(w) - widen, upper(w) + widen)),
                          format('no waiting for %s %s: ', r.code, rb_window_text(w, r.time_zone)));
  END LOOP;

  -- And as things are?  They must refuse: otherwise the window is free and
  -- is booked instead.  The refusal is what the entry waits on.
  SELECT * INTO v FROM rb_rules(m, r, w, NULL);
  taken := v.message;
  IF taken IS NULL THEN
    FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
              WHERE rq.resource_id = r.id ORDER BY x.id LOOP
      SELECT * INTO v FROM rb_rules(m, q, w, NULL);
      taken := v.message;
      EXIT WHEN taken IS NOT NULL;
    END LOOP;
  END IF;
  IF taken IS NULL THEN
    PERFORM rb_refuse('RB412', 'window_free', 'start',
                      format('%s is free %s: book it (rigbook book %s) instead of waiting', r.code,
                             rb_window_text(w, r.time_zone), r.code),
                      jsonb_build_object('resource', r.code, 'start', rb_epoch(lower(w)), 'end', rb_epoch(upper(w)),
                                         'time_zone', r.time_zone));
  END IF;

  INSERT INTO waitlist (resource_id, member_id, during, note, refusal, tried_at)
  VALUES (r.id, m.id, w, coalesce(p_note, ''), taken, now())
  RETURNING waitlist.id INTO new_id;
  PERFORM rb_idem_store(p_member, p_key, 'wait', fp, new_id);
  PERFORM rb_audit(m.id, 'wait', 'waitlist', new_id, p_peer,
                   jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end));
  RETURN QUERY SELECT new_id, false;
END $$;

-- Withdraw a waiting entry: its member, or staff of its resource.
CREATE OR REPLACE FUNCTION rb_unwait(p_member bigint, p_entry bigint, p_peer text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  e waitlist;
  i institutions;
BEGIN
  SELECT * INTO e FROM waitlist WHERE id = p_entry;
  IF FOUND THEN
    SELECT x.* INTO i FROM institutions x JOIN resources r ON r.institution_id = x.id
     WHERE r.id = e.resource_id;
  END IF;
  IF NOT FOUND OR NOT (e.member_id = m.id OR rb_is_staff(m, i.id, i.space_id)) THEN
    -- the same answer whether it does not exist or is not theirs to see
    PERFORM rb_refuse('RB404', 'waitlist_entry_not_found', 'entry_id',
                      format('there is no waitlist entry %s of yours', p_entry),
                      jsonb_build_object('entry', p_entry));
  END IF;
  PERFORM rb_lock_resources(e.resource_id);
  SELECT * INTO e FROM waitlist WHERE id = p_entry FOR UPDATE;
  IF e.state = 'promoted' THEN
    PERFORM rb_refuse('RB412', 'waitlist_entry_promoted', 'entry_id',
                      format('waitlist entry %s was already booked as booking %s; cancel that booking instead',
                             e.id, e.booking_id),
                      jsonb_build_object('entry', e.id, 'booking', e.booking_id));
  END IF;
  IF e.state = 'withdrawn' THEN
    PERFORM rb_refuse('RB412', 'waitlist_entry_withdrawn', 'entry_id',
                      format('waitlist entry %s is already withdrawn', e.id),
                      jsonb_build_object('entry', e.id, 'at', rb_epoch(e.withdrawn_at)));
  END IF;
  UPDATE waitlist SET state = 'withdrawn', withdrawn_at = now(), withdrawn_by = m.id
   WHERE id = e.id;
  PERFORM rb_audit(m.id, 'unwait', 'waitlist', e.id, p_peer, '{}');
  RETURN e.id;
END $$;

-- Entries p_member may read, in the order to show them.  Without a code:
-- their own entries whose window has not ended.  With a code: staff of the
-- resource get its queue (waiting entries, next first); anyone else their
-- own entries for it.
CREATE OR REPLACE FUNCTION rb_waitlist(p_member bigint, p_code text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
BEGIN
  IF p_code IS NULL THEN
    RETURN QUERY SELECT w.id FROM waitlist w
      WHERE w.member_id = m.id AND upper(w.during) > now()
      ORDER BY lower(w.during), w.created_at, w.id LIMIT 1000;
    RETURN;
  END IF;
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF rb_is_staff(m, i.id, i.space_id) THEN
    RETURN QUERY SELECT w.id FROM waitlist w
      WHERE w.resource_id = r.id AND w.state = 'waiting' AND lower(w.during) > now()
      ORDER BY w.created_at, w.id LIMIT 1000;
    RETURN;
  END IF;
  RETURN QUERY SELECT w.id FROM waitlist w
    WHERE w.member_id = m.id AND w.resource_id = r.id AND upper(w.during) > now()
    ORDER BY lower(w.during), w.created_at, w.id LIMIT 1000;
END $$;

