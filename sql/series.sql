-- Recurring bookings: one request, every N days, each occurrence held to
-- every rule of a single booking.

-- The most occurrences one series may have.
CREATE OR REPLACE FUNCTION rb_series_max() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 52 $$;

-- The answer for a series that exists: its occurrences (companions left
-- out) and what it skipped, by occurrence.
CREATE OR REPLACE FUNCTION rb_series_rows(p_series bigint, p_replayed boolean) RETURNS SETOF rb_series_row
LANGUAGE sql AS $$
  SELECT * FROM (
    SELECT bs.id, b.series_no, b.id, rb_epoch(lower(b.during)), rb_epoch(upper(b.during)),
           NULL::text, NULL::text, p_replayed, bs.occurrences
      FROM booking_series bs JOIN bookings b ON b.series_id = bs.id AND b.parent_id IS NULL
     WHERE bs.id = p_series
    UNION ALL
    SELECT bs.id, (k->>'n')::int, NULL, (k->>'start')::bigint, (k->>'end')::bigint,
           k->>'code', k->>'reason', p_replayed, bs.occurrences
      FROM booking_series bs, jsonb_array_elements(bs.skipped) k
     WHERE bs.id = p_series
  ) x (series_id, n, booking_id, occ_start, occ_end, code, reason, replayed, occurrences)
  ORDER BY n, booking_id
$$;

-- Book a series: the window [p_start, p_end) and then every p_every days,
-- at the same local times in the resource's zone, p_count times (0: as
-- many as fit before p_until) and never starting at or after p_until (0: no
-- such bound).  Each occurrence is booked by rb_book in a subtransaction;
-- a refusal of the occurrence (taken, closed, outside the hours, a limit)
-- is collected with its reason.  Unless p_skip, any refusal undoes the
-- whole series and the answer lists every refused occurrence; with p_skip
-- the others stay booked and the refused ones are recorded as skipped.
-- Refusals of the request itself (no such resource, an override by a
-- member, a bad argument) are raised as they are.
CREATE OR REPLACE FUNCTION rb_book_series(p_member bigint, p_code text, p_start bigint, p_end bigint,
                               p_every int, p_count int, p_until bigint, p_skip boolean,
                               p_note text, p_override text, p_key text, p_peer text)
RETURNS SETOF rb_series_row
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  tz text;
  fp text := concat_ws(' ', p_code, p_start, p_end, p_every, p_count, p_until, p_skip,
                       coalesce(p_note, ''), coalesce(p_override, ''));
  prev bigint;
  ls timestamp;
  le timestamp;
  nocc int;
  k int;
  s timestamptz;
  e timestamptz;
  sid bigint;
  bid bigint;
  booked int := 0;
  answer rb_series_row[] := '{}';
  skips jsonb := '[]';
  fst text;
  fmsg text;
  undone boolean := false;
  os bookings[];
  ns bookings[];
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'book_series', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT * FROM rb_series_rows(prev, true);
    RETURN;
  END IF;

  SELECT * INTO r FROM resources WHERE resources.code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  tz := r.time_zone;
  IF p_end <= p_start THEN
    PERFORM rb_refuse('RB400', 'end_before_start', 'end', 'the end of a booking must be after its start',
                      jsonb_build_object('start', p_start, 'end', p_end, 'what', 'booking'));
  END IF;
  IF p_every IS NULL OR p_every < 1 OR p_every > 366 THEN
    PERFORM rb_refuse('RB400', 'invalid_every', 'every_days', 'a series repeats every 1 to 366 days',
                      jsonb_build_object('every_days', p_every, 'limit', 366));
  END IF;
  IF p_end - p_start > p_every * 86400 THEN
    PERFORM rb_refuse('RB400', 'series_occurrence_too_long', 'end',
                      format('each booking of a series repeating every %s must fit in that time',
                             CASE WHEN p_every % 7 = 0 THEN (p_every / 7) || ' week(s)' ELSE p_every || ' day(s)' END),
                      jsonb_build_object('every_days', p_every, 'start', p_start, 'end', p_end));
  END IF;
  IF coalesce(p_count, 0) = 0 AND coalesce(p_until, 0) = 0 THEN
    PERFORM rb_refuse('RB400', 'series_count_required', 'count',
                      'say how many times the booking repeats (a count) or until when');
  END IF;
  IF p_count < 0 OR p_count > rb_series_max() THEN
    PERFORM rb_refuse('RB400', 'series_too_many', 'count',
                      format('a series has at most %s bookings, not %s', rb_series_max(), p_count),
                      jsonb_build_object('limit', rb_series_max(), 'count', p_count));
  END IF;
  IF coalesce(p_until, 0) <> 0 AND p_until <= p_start THEN
    PERFORM rb_refuse('RB400', 'series_until_before_start', 'until',
                      'the series must end after its first booking starts',
                      jsonb_build_object('until', p_until, 'start', p_start));
  END IF;

  -- The occurrences: the same local times, every p_every days.
  ls := rb_from_epoch(p_start) AT TIME ZONE tz;
  le := rb_from_epoch(p_end) AT TIME ZONE tz;
  IF coalesce(p_count, 0) > 0 THEN
    nocc := p_count;
  ELSE
    nocc := 0;
    LOOP
      EXIT WHEN ((ls + (nocc * p_every) * interval '1 day') AT TIME ZONE tz) >= rb_from_epoch(p_until);
      nocc := nocc + 1;
      IF nocc > rb_series_max() THEN
        PERFORM rb_refuse('RB400', 'series_too_many', 'until',
                          format('a series has at most %s bookings; until %s it would have more',
                                 rb_series_max(),
                                 to_char((rb_from_epoch(p_until) - interval '1 second') AT TIME ZONE tz, 'YYYY-MM-DD')),
                          jsonb_build_object('limit', rb_series_max(), 'until', p_until, 'time_zone', tz));
      END IF;
    END LOOP;
  END IF;

  BEGIN
    INSERT INTO booking_series (member_id, resource_id, first_start, first_end, every_days,
                                occurrences, skip_conflicts)
    VALUES (m.id, r.id, rb_from_epoch(p_start), rb_from_epoch(p_end), p_every, nocc, p_skip)
    RETURNING id INTO sid;

    FOR k IN 0 .. nocc - 1 LOOP
      s := (ls + (k * p_every) * interval '1 day') AT TIME ZONE tz;
      e := (le + (k * p_every) * interval '1 day') AT TIME ZONE tz;
      IF coalesce(p_until, 0) <> 0 AND s >= rb_from_epoch(p_until) THEN
        nocc := k;
        EXIT;
      END IF;
      BEGIN
        SELECT x.id INTO bid
          FROM rb_book(p_member, p_code, rb_epoch(s), rb_epoch(e), p_note, p_override, NULL, p_peer) x;
        os := rb_booking_family(bid, '{requested,confirmed}');
        ns := os;
        FOR i IN 1 .. array_length(ns, 1) LOOP
          ns[i].series_id := sid;
          ns[i].series_no := k + 1;
        END LOOP;
        PERFORM rb_booking_write(os, ns);
        booked := booked + 1;
        answer := answer || ROW(sid, k + 1, bid, rb_epoch(s), rb_epoch(e), NULL, NULL, false, nocc)::rb_series_row;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS fst = RETURNED_SQLSTATE, fmsg = MESSAGE_TEXT;
        -- only a refusal of this occurrence is collected; anything about
        -- the request as a whole (or not ours) stops the series here
        IF fst NOT IN ('RB409', 'RB412') THEN
          RAISE;
        END IF;
        answer := answer || ROW(sid, k + 1, NULL, rb_epoch(s), rb_epoch(e), fst, fmsg, false, nocc)::rb_series_row;
        skips := skips || jsonb_build_object('n', k + 1, 'start', rb_epoch(s), 'end', rb_epoch(e),
                                                 'code', fst, 'reason', fmsg);
      END;
    END LOOP;

    IF booked = 0 OR (jsonb_array_length(skips) > 0 AND NOT p_skip) THEN
      RAISE EXCEPTION USING ERRCODE = 'RBP02'; -- undo the whole series (not a class code)
    END IF;
  EXCEPTION WHEN SQLSTATE 'RBP02' THEN
    undone := true;
  END;

  IF undone THEN
    -- nothing is booked: answer with every refused occurrence
    RETURN QUERY SELECT 0::bigint, o.n, NULL::bigint, o.occ_start, o.occ_end, o.code, o.reason,
                        false, nocc
                   FROM unnest(answer) o WHERE o.booking_id IS NULL ORDER BY o.n;
    RETURN;
  END IF;

  UPDATE booking_series SET occurrences = nocc, skipped = skips WHERE id = sid;
  PERFORM rb_idem_store(p_member, p_key, 'book_series', fp, sid);
  PERFORM rb_audit(m.id, 'book_series', 'series', sid, p_peer,
                   jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end,
                                      'every_days', p_every, 'occurrences', nocc, 'booked', booked,
                                      'skipped', jsonb_array_length(skips)));
  RETURN QUERY SELECT * FROM rb_series_rows(sid, false);
END $$;

-- Cancel what is left of a series: every occurrence that has not started
-- and is still requested or confirmed, each through rb_cancel (so who may
-- cancel, the reason staff must give and late cancellations are as for one
-- booking).  The series' owner or staff of its resource.  Returns the ids
-- of the cancelled bookings.
CREATE OR REPLACE FUNCTION rb_cancel_series(p_member bigint, p_series bigint, p_reason text,
                                 p_key text, p_peer text)
RETURNS TABLE (id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  bs booking_series;
  fp text := p_series || ' ' || coalesce(p_reason, '');
  prev bigint;
  ids bigint[];
  b bookings;
  x bigint;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'cancel_series', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT c.id, true FROM bookings c
                  WHERE c.series_id = prev AND c.parent_id IS NULL AND c.state = 'cancelled'
                  ORDER BY c.series_no;
    RETURN;
  END IF;

  SELECT * INTO bs FROM booking_series WHERE booking_series.id = p_series;
  IF FOUND THEN
    SELECT * INTO b FROM bookings WHERE series_id = bs.id AND parent_id IS NULL ORDER BY series_no LIMIT 1;
  END IF;
  -- a series the caller may not see is answered as one that does not exist
  IF bs.id IS NULL OR NOT (bs.member_id = m.id OR coalesce(rb_may_see_booking(m, b), false)) THEN
    PERFORM rb_refuse('RB404', 'series_not_found', 'series_id',
                      format('there is no series %s', p_series),
                      jsonb_build_object('series', p_series));
  END IF;
  -- who may: as for its bookings (rb_cancel checks each again)
  IF NOT (bs.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    PERFORM rb_refuse('RB403', 'series_not_yours', 'series_id',
                      format('series %s belongs to another member of your startup; only they or a manager of %s can cancel it',
                             bs.id, rb_institution_name(bs.resource_id)),
                      jsonb_build_object('series', bs.id, 'action', 'cancel', 'same_startup', true,
                                         'institution', rb_institution_name(bs.resource_id)));
  END IF;

  SELECT coalesce(array_agg(c.id ORDER BY c.series_no), '{}') INTO ids
    FROM bookings c
   WHERE c.series_id = bs.id AND c.parent_id IS NULL
     AND c.state IN ('requested', 'confirmed') AND lower(c.during) > now();
  IF cardinality(ids) = 0 THEN
    PERFORM rb_refuse('RB412', 'series_nothing_to_cancel', 'series_id',
                      format('series %s has no bookings left to cancel (none still to come is requested or confirmed)',
                             bs.id),
                      jsonb_build_object('series', bs.id));
  END IF;
  FOREACH x IN ARRAY ids LOOP
    PERFORM rb_cancel(p_member, x, p_reason, NULL, p_peer);
  END LOOP;
  UPDATE booking_series SET cancelled_at = now() WHERE booking_series.id = bs.id;

  PERFORM rb_idem_store(p_member, p_key, 'cancel_series', fp, bs.id);
  PERFORM rb_audit(m.id, 'cancel_series', 'series', bs.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, ''), 'bookings', to_jsonb(ids)));
  RETURN QUERY SELECT u.x, false FROM unnest(ids) WITH ORDINALITY u(x, o) ORDER BY u.o;
END $$;

