-- The filing report: hours opened, booked and used per resource.

-- Seconds covered by a multirange.
CREATE OR REPLACE FUNCTION rb_multirange_secs(m tstzmultirange) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(sum(rb_epoch(upper(x)) - rb_epoch(lower(x))), 0)::bigint FROM unnest(m) x
$$;

-- The report from p_from to p_to (local dates, both included) of the
-- resources p_member may report on: admins any (one space with p_space,
-- else all), operators their space, managers their institution's.  A row
-- per resource, then the total (resource_code '').  Seconds and fen.
-- A resource is open only while it exists: from its creation (created_at,
-- the day it was put in service) to its retirement; one created after the
-- range or retired before it has no row.
CREATE OR REPLACE FUNCTION rb_report(p_member bigint, p_space text, p_from text, p_to text)
RETURNS TABLE (resource_code text, resource_name text, institution_code text, space_code text,
               time_zone text, units int, open_secs bigint, booked_secs bigint, used_secs bigint,
               startups int, bookings int, no_shows int, currency text, revenue_fen bigint,
               subsidy_fen bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := rb_date_arg(p_from, 'from');
  v_to date := rb_date_arg(p_to, 'to');
  sp spaces;
BEGIN
  IF v_to < v_from THEN
    PERFORM rb_refuse('RB400', 'date_range_reversed', 'to',
                      format('the report ends (to %s) before it begins (from %s)', v_to, v_from),
                      jsonb_build_object('from', to_char(v_from, 'YYYY-MM-DD'), 'to', to_char(v_to, 'YYYY-MM-DD'),
                                         'action', 'report'));
  END IF;
  IF v_to - v_from + 1 > 366 THEN
    PERFORM rb_refuse('RB400', 'range_too_long', 'to',
                      format('a report covers at most 366 days; from %s to %s is %s days',
                             v_from, v_to, v_to - v_from + 1),
                      jsonb_build_object('from', to_char(v_from, 'YYYY-MM-DD'), 'to', to_char(v_to, 'YYYY-MM-DD'),
                                         'days', v_to - v_from + 1, 'limit', 366));
  END IF;
  IF m.role = 'member' THEN
    PERFORM rb_refuse('RB403', 'not_staff', NULL,
                      'the report is for managers of the host institutions, operators of the space and admins',
                      jsonb_build_object('action', 'report'));
  END IF;
  IF p_space IS NOT NULL THEN
    SELECT * INTO sp FROM spaces s WHERE s.code = p_space;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'space_not_found', 'space_code', format('no space is called %s', p_space),
                        jsonb_build_object('space', p_space));
    END IF;
    IF m.role = 'operator' AND m.space_id IS DISTINCT FROM sp.id THEN
      PERFORM rb_refuse('RB403', 'not_operator', 'space_code',
                        format('the report of %s is for its operators and admins', sp.name),
                        jsonb_build_object('space', sp.name, 'action', 'report'));
    END IF;
    IF m.role = 'manager' AND NOT EXISTS (SELECT 1 FROM institutions i
                                           WHERE i.id = m.institution_id AND i.space_id = sp.id) THEN
      PERFORM rb_refuse('RB403', 'institution_not_in_space', 'space_code',
                        format('a manager reports on the resources of their own institution, which is not in %s',
                               sp.name),
                        jsonb_build_object('space', sp.name, 'action', 'report'));
    END IF;
  END IF;

  RETURN QUERY
  WITH res AS (
    -- the resources in scope, each with the range as instants of its zone
    SELECT r.id, r.code::text AS code, r.name, i.code::text AS inst, s.code::text AS space,
           r.time_zone AS tz, s.id AS space_id,
           (SELECT count(*) FROM resource_units u
             WHERE u.resource_id = r.id AND u.retired_at IS NULL)::int AS units,
           -- open time runs from the resource's creation to its retirement
           tstzrange(greatest(v_from::timestamp AT TIME ZONE r.time_zone, r.created_at),
                     least((v_to + 1)::timestamp AT TIME ZONE r.time_zone,
                           coalesce(r.retired_at, 'infinity'))) AS rng
      FROM resources r
      JOIN institutions i ON i.id = r.institution_id
      JOIN spaces s ON s.id = i.space_id
     WHERE (r.retired_at IS NULL OR r.retired_at > v_from::timestamp AT TIME ZONE r.time_zone)
       AND r.created_at < (v_to + 1)::timestamp AT TIME ZONE r.time_zone
       AND coalesce(r.retired_at, 'infinity') > r.created_at
       AND (sp.id IS NULL OR s.id = sp.id)
       AND (m.role = 'admin'
            OR (m.role = 'operator' AND s.id = m.space_id)
            OR (m.role = 'manager' AND i.id = m.institution_id))
  ), opened AS (
    SELECT res.id,
           res.units * rb_multirange_secs(
             rb_windows(res.id, res.tz, 'open', lower(res.rng), upper(res.rng))
             - rb_closed(res.id, lower(res.rng), upper(res.rng))) AS secs
      FROM res
  ), bk0 AS (
    -- every counted booking near the range: a day either side catches time
    -- used before the start (early check-in) or after the end (overrun)
    SELECT b.resource_id, b.startup_id, b.state, b.during && res.rng AS inside,
           coalesce(extract(epoch FROM upper(b.during * res.rng) - lower(b.during * res.rng)), 0) AS booked,
           CASE WHEN b.checked_in_at IS NULL THEN 0
                ELSE extract(epoch FROM least(coalesce(b.checked_out_at, now()), upper(res.rng))
                                        - greatest(b.checked_in_at, lower(res.rng))) END AS used0
      FROM res
      JOIN bookings b ON b.resource_id = res.id
       AND b.during && tstzrange(lower(res.rng) - interval '1 day', upper(res.rng) + interval '1 day')
       AND b.state NOT IN ('cancelled', 'declined')
       AND b.state IN ('confirmed', 'checked_in', 'completed', 'no_show')
  ), bk AS (
    SELECT bk0.resource_id, bk0.startup_id, bk0.state, bk0.inside, bk0.booked,
           greatest(bk0.used0, 0) AS used
      FROM bk0
  ), agg AS (
    SELECT bk.resource_id, grouping(bk.resource_id) = 1 AS total,
           round(sum(bk.booked))::bigint AS booked, round(sum(bk.used))::bigint AS used,
           (count(DISTINCT bk.startup_id) FILTER (WHERE bk.used > 0))::int AS startups,
           (count(*) FILTER (WHERE bk.inside))::int AS n,
           (count(*) FILTER (WHERE bk.inside AND bk.state = 'no_show'))::int AS no_shows
      FROM bk
     GROUP BY GROUPING SETS ((bk.resource_id), ())
  ), ch AS (
    -- the ledger's lines of the range: charged on the booking's local date
    SELECT c.id, c.resource_id, c.currency, c.amount_fen
      FROM res
      JOIN charges c ON c.resource_id = res.id AND c.charged_on BETWEEN v_from AND v_to
  ), revenue AS (
    SELECT ch.resource_id, grouping(ch.resource_id) = 1 AS total, min(ch.currency)::text AS currency,
           sum(ch.amount_fen)::bigint AS fen
      FROM ch
     GROUP BY GROUPING SETS ((ch.resource_id), ())
  ), subsidy AS (
    -- what vouchers paid of those lines (a line once invoiced; a voucher
    -- given back by a reversal counts negative)
    SELECT ch.resource_id, grouping(ch.resource_id) = 1 AS total, sum(vr.amount_fen)::bigint AS fen
      FROM ch
      JOIN invoice_lines l ON l.charge_id = ch.id
      JOIN voucher_redemptions vr ON vr.invoice_line_id = l.id
     GROUP BY GROUPING SETS ((ch.resource_id), ())
  ), line AS (
    SELECT false AS tot, res.code AS rcode, res.name AS rname, res.inst AS rinst,
           res.space AS rspace, res.tz AS rtz, res.units AS runits, o.secs AS ropen,
           a.booked, a.used, a.startups AS served, a.n, a.no_shows AS ns,
           rv.currency AS cur, rv.fen AS rev, sb.fen AS sub
      FROM res
      JOIN opened o ON o.id = res.id
      LEFT JOIN agg a ON a.resource_id = res.id AND NOT a.total
      LEFT JOIN revenue rv ON rv.resource_id = res.id AND NOT rv.total
      LEFT JOIN subsidy sb ON sb.resource_id = res.id AND NOT sb.total
    UNION ALL
    SELECT true, '', 'total', '', coalesce(sp.code::text, ''), '',
           (SELECT coalesce(sum(res.units), 0)::int FROM res),
           (SELECT coalesce(sum(o.secs), 0)::bigint FROM opened o),
           a.booked, a.used, a.startups, a.n, a.no_shows, rv.currency, rv.fen, sb.fen
      FROM (SELECT 1) one
      LEFT JOIN agg a ON a.total
      LEFT JOIN revenue rv ON rv.total
      LEFT JOIN subsidy sb ON sb.total
  )
  SELECT line.rcode, line.rname, line.rinst, line.rspace, line.rtz, line.runits, line.ropen,
         coalesce(line.booked, 0), coalesce(line.used, 0), coalesce(line.served, 0),
         coalesce(line.n, 0), coalesce(line.ns, 0), coalesce(line.cur, ''), coalesce(line.rev, 0),
         coalesce(line.sub, 0)
    FROM line
   ORDER BY line.tot, line.rcode;
END $$;

