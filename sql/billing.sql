-- Billing: rate cards, the charge ledger (written as bookings change
-- state), innovation vouchers, invoices and credit notes, settlement.
-- Tables and their rules: migrations/0001_baseline.sql.

CREATE OR REPLACE TRIGGER charges_append_only BEFORE UPDATE OR DELETE ON charges
  FOR EACH ROW EXECUTE FUNCTION rb_append_only();

CREATE OR REPLACE FUNCTION rb_invoice_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.issued_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'invoice_frozen', NULL,
                      format('invoice %s is issued and never changes; correct it with a credit note (rigbook invoice credit %s)',
                             OLD.number, OLD.number),
                      jsonb_build_object('invoice', OLD.number));
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER invoices_frozen BEFORE UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION rb_invoice_frozen();

CREATE OR REPLACE FUNCTION rb_invoice_line_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices;
BEGIN
  SELECT * INTO inv FROM invoices
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
  IF TG_OP <> 'INSERT' OR inv.issued_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'invoice_frozen', NULL,
                      format('invoice %s is issued and never changes; correct it with a credit note (rigbook invoice credit %s)',
                             inv.number, inv.number),
                      jsonb_build_object('invoice', inv.number));
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER invoice_lines_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION rb_invoice_line_frozen();

CREATE OR REPLACE TRIGGER voucher_redemptions_append_only BEFORE UPDATE OR DELETE ON voucher_redemptions
  FOR EACH ROW EXECUTE FUNCTION rb_append_only();

-- The rate in force for a resource and tier on a local date.
CREATE OR REPLACE FUNCTION rb_rate_for(p_resource bigint, p_tier price_tier, p_day date) RETURNS rate_cards
LANGUAGE sql STABLE AS $$
  SELECT * FROM rate_cards
   WHERE resource_id = p_resource AND tier = p_tier AND effective_from <= p_day
   ORDER BY effective_from DESC LIMIT 1
$$;

-- The charge for p_secs seconds under rate c: the minutes charged (rounded
-- up to the increment) and the amount.  A duration of at least day_hours,
-- when the rate has a day rate, is charged per started 24 hours at it;
-- otherwise by the hour (half a fen rounds up), never below the minimum.
CREATE OR REPLACE FUNCTION rb_rate_amount(c rate_cards, p_secs bigint, OUT minutes bigint, OUT amount bigint)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  inc bigint := c.increment_minutes * 60;
BEGIN
  minutes := ((greatest(p_secs, 0) + inc - 1) / inc) * c.increment_minutes;
  IF c.day_fen IS NOT NULL AND minutes >= c.day_hours * 60 THEN
    amount := ((minutes + 1439) / 1440) * c.day_fen;
  ELSE
    amount := greatest((minutes * c.hourly_fen + 30) / 60, c.minimum_fen);
  END IF;
END $$;

-- The price tier a booking of resource r by startup s is charged at: the
-- tier r's space set for that startup, when it is another space's
-- (startup_tiers); a team of the host institution itself (the booking's
-- member belongs to r's institution) host_internal, unless the startup's
-- own space set it another tier than member_startup; a startup of another
-- space external; otherwise the tier the startup's space set (rigbook rate
-- tier).
CREATE OR REPLACE FUNCTION rb_booking_tier(n bookings, r resources, s startups) RETURNS price_tier
LANGUAGE sql STABLE AS $$
  SELECT CASE
           WHEN t.tier IS NOT NULL THEN t.tier
           WHEN s.space_id = i.space_id AND s.tier <> 'member_startup' THEN s.tier
           WHEN EXISTS (SELECT 1 FROM members x WHERE x.id = n.member_id
                                               AND x.institution_id = r.institution_id)
             THEN 'host_internal'::price_tier
           WHEN s.space_id <> i.space_id THEN 'external'::price_tier
           ELSE s.tier
         END
    FROM institutions i
    LEFT JOIN startup_tiers t ON t.startup_id = s.id AND t.space_id = i.space_id
   WHERE i.id = r.institution_id
$$;

-- Charge a booking whose state went from o's to n's, when it completed,
-- became a no-show or was cancelled late: rb_booking_write calls it for
-- every state change, so every path (check-out, usage corrections, staff,
-- the no-show sweep, cancellation with companions) charges, and the unique
-- (booking_id, kind) makes it exactly once.  A no-show checked in after
-- all has its no-show line reversed.  Bookings without a startup, and
-- resources without a rate for the startup's tier, are not charged.
CREATE OR REPLACE FUNCTION rb_booking_charge(o bookings, n bookings) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r resources;
  s startups;
  c rate_cards;
  sp bigint;
  v_kind charge_kind;
  v_tier price_tier;
  v_day date;
  booked bigint := rb_epoch(upper(n.during)) - rb_epoch(lower(n.during));
  used bigint;
  secs bigint;
  a record;
  amt bigint;
  v_desc text;
  prev charges;
BEGIN
  IF n.startup_id IS NULL THEN
    RETURN;
  END IF;
  IF n.state = 'completed' AND o.state <> 'completed' THEN
    v_kind := 'usage';
  ELSIF n.state = 'no_show' AND o.state <> 'no_show' THEN
    v_kind := 'no_show';
  ELSIF n.state = 'cancelled' AND n.cancelled_late AND o.state <> 'cancelled' THEN
    v_kind := 'late_cancel';
  ELSIF o.state = 'no_show' AND n.state IN ('checked_in', 'completed') THEN
    v_kind := 'no_show_reversal';
  ELSE
    RETURN;
  END IF;

  IF v_kind = 'no_show_reversal' OR (v_kind = 'usage' AND o.state = 'no_show') THEN
    SELECT * INTO prev FROM charges WHERE booking_id = n.id AND kind = 'no_show';
    IF FOUND AND NOT EXISTS (SELECT 1 FROM charges WHERE booking_id = n.id AND kind = 'no_show_reversal') THEN
      INSERT INTO charges (booking_id, kind, startup_id, space_id, resource_id, institution_id,
                           rate_card_id, tier, currency, charged_on, minutes, amount_fen,
                           credit_of, description)
      VALUES (n.id, 'no_show_reversal', prev.startup_id, prev.space_id, prev.resource_id,
              prev.institution_id, prev.rate_card_id, prev.tier, prev.currency, prev.charged_on,
              0, -prev.amount_fen, prev.id, 'no-show fee reversed: checked in after all');
    END IF;
    IF v_kind = 'no_show_reversal' THEN
      RETURN;
    END IF;
  END IF;

  SELECT * INTO r FROM resources WHERE id = n.resource_id;
  SELECT * INTO s FROM startups WHERE id = n.startup_id;
  SELECT space_id INTO sp FROM institutions WHERE id = r.institution_id;
  v_day := (lower(n.during) AT TIME ZONE r.time_zone)::date;
  v_tier := rb_booking_tier(n, r, s);
  c := rb_rate_for(r.id, v_tier, v_day);
  IF c.id IS NULL THEN
    RETURN;
  END IF;

  IF v_kind = 'usage' THEN
    used := coalesce(rb_epoch(n.checked_out_at) - rb_epoch(n.checked_in_at), 0);
    secs := CASE c.basis WHEN 'booked' THEN booked WHEN 'used' THEN used
                         ELSE greatest(booked, used) END;
    a := rb_rate_amount(c, secs);
    amt := a.amount;
    v_desc := format('%s %s, %s %s, charged %s', r.code,
                     rb_window_text(n.during, r.time_zone),
                     CASE c.basis WHEN 'booked' THEN 'booked' WHEN 'used' THEN 'used'
                          ELSE CASE WHEN used > booked THEN 'used' ELSE 'booked' END END,
                     rb_hm((secs + 59) / 60), rb_hm(a.minutes));
  ELSE
    a := rb_rate_amount(c, booked);
    amt := rb_pct(a.amount, CASE v_kind WHEN 'no_show' THEN c.no_show_fee_pct ELSE c.late_fee_pct END);
    v_desc := format('%s %s, %s fee %s%% of %s booked', r.code,
                     rb_window_text(n.during, r.time_zone),
                     CASE v_kind WHEN 'no_show' THEN 'no-show' ELSE 'late cancellation' END,
                     CASE v_kind WHEN 'no_show' THEN c.no_show_fee_pct ELSE c.late_fee_pct END,
                     rb_hm(a.minutes));
  END IF;
  IF amt = 0 THEN
    RETURN;
  END IF;
  INSERT INTO charges (booking_id, kind, startup_id, space_id, resource_id, institution_id,
                       rate_card_id, tier, currency, charged_on, minutes, amount_fen, description)
  VALUES (n.id, v_kind, s.id, sp, r.id, r.institution_id, c.id, v_tier, c.currency, v_day,
          a.minutes, amt, v_desc)
  ON CONFLICT (booking_id, kind) DO NOTHING;
  RETURN;
END $$;


-- What a late cancellation of booking p_id (and its companions) was
-- charged: the fee, its currency ('' and 0 when nothing was charged), and
-- the resource's late-cancellation window.  VOLATILE: called on the id a
-- cancellation just returned, it sees the lines that cancellation wrote.
CREATE OR REPLACE FUNCTION rb_late_fee(p_id bigint, OUT late_fee_fen bigint, OUT late_currency text,
                                       OUT late_minutes int)
LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(sum(c.amount_fen), 0)::bigint, coalesce(min(c.currency::text), ''),
         (SELECT r.late_cancel_minutes FROM bookings b JOIN resources r ON r.id = b.resource_id
           WHERE b.id = p_id)
    FROM charges c JOIN bookings b ON b.id = c.booking_id
   WHERE c.kind = 'late_cancel' AND (b.id = p_id OR b.parent_id = p_id)
$$;

-- ------------------------------------------------------------------ rates

CREATE OR REPLACE VIEW rate_view AS
SELECT c.id, r.code::text AS resource_code, c.tier::text AS tier, c.currency::text AS currency,
       c.hourly_fen, c.increment_minutes, c.minimum_fen, coalesce(c.day_fen, -1) AS day_fen,
       c.day_hours, c.basis::text AS basis, c.late_fee_pct, c.no_show_fee_pct,
       to_char(c.effective_from, 'YYYY-MM-DD') AS effective_from,
       coalesce((SELECT handle::text FROM members WHERE id = c.created_by), '') AS set_by,
       c.resource_id, c.effective_from AS from_date
FROM rate_cards c JOIN resources r ON r.id = c.resource_id;

CREATE OR REPLACE FUNCTION rb_rate_wire(p_id bigint) RETURNS SETOF rate_view
LANGUAGE sql VOLATILE AS $$ SELECT * FROM rate_view WHERE id = p_id $$;

-- Set the rate of a resource for a tier from a date on.  Operators of the
-- resource's space and admins.  Setting it again for the same date
-- replaces it until it has charged a booking; after that a change takes a
-- later date, so that what was charged stays as it was.
CREATE OR REPLACE FUNCTION rb_rate_set(p_member bigint, p_code text, p_tier text, p_currency text,
                            p_hourly bigint, p_increment int, p_minimum bigint, p_day bigint,
                            p_day_hours int, p_basis text, p_late int, p_no_show int,
                            p_from text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
  v_from date := rb_date_arg(p_from, 'effective_from');
  old rate_cards;
  cid bigint;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_operator(m, i.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_operator', 'resource_code',
                      format('only an operator of %s or an admin can set the rates of %s',
                             (SELECT name FROM spaces WHERE id = i.space_id), r.code),
                      jsonb_build_object('space', (SELECT name FROM spaces WHERE id = i.space_id),
                                         'action', 'set_rates', 'resource', r.code::text));
  END IF;
  IF p_tier IS NULL OR p_tier NOT IN ('member_startup', 'host_internal', 'external') THEN
    PERFORM rb_refuse('RB400', 'invalid_tier', 'tier',
                      format('%s is not a price tier (member_startup, host_internal or external)', coalesce(p_tier, 'nothing')),
                      jsonb_build_object('tier', p_tier));
  END IF;
  IF p_basis IS NULL OR p_basis NOT IN ('booked', 'used', 'greater') THEN
    PERFORM rb_refuse('RB400', 'invalid_basis', 'basis',
                      format('%s is not a charge basis (booked, used or greater)', coalesce(p_basis, 'nothing')),
                      jsonb_build_object('basis', p_basis));
  END IF;
  IF coalesce(p_currency, '') !~ '^[A-Z]{3}$' THEN
    PERFORM rb_refuse('RB400', 'invalid_currency', 'currency',
                      format('%s is not a currency code (three capital letters, like CNY)', coalesce(p_currency, 'nothing')),
                      jsonb_build_object('currency', p_currency));
  END IF;
  IF p_hourly < 0 OR p_minimum < 0 OR coalesce(p_day, 0) < 0 THEN
    PERFORM rb_refuse('RB400', 'negative_rate', 'hourly', 'rates are 0 or more',
                      jsonb_build_object('hourly', p_hourly, 'minimum', p_minimum, 'day', p_day));
  END IF;
  IF p_increment NOT BETWEEN 1 AND 1440 THEN
    PERFORM rb_refuse('RB400', 'invalid_increment', 'increment_minutes',
                      'the billing increment is 1 minute to 1 day',
                      jsonb_build_object('minutes', p_increment));
  END IF;
  IF p_day_hours NOT BETWEEN 1 AND 24 THEN
    PERFORM rb_refuse('RB400', 'invalid_day_hours', 'day_hours', 'the day rate starts at 1 to 24 hours',
                      jsonb_build_object('hours', p_day_hours));
  END IF;
  IF p_late NOT BETWEEN 0 AND 100 OR p_no_show NOT BETWEEN 0 AND 100 THEN
    PERFORM rb_refuse('RB400', 'invalid_fee_pct',
                      CASE WHEN p_late NOT BETWEEN 0 AND 100 THEN 'late_fee_pct' ELSE 'no_show_fee_pct' END,
                      'fees are 0% to 100% of the booked charge',
                      jsonb_build_object('pct', CASE WHEN p_late NOT BETWEEN 0 AND 100 THEN p_late ELSE p_no_show END));
  END IF;
  -- NO KEY: a check-out charging with this rate (a key-share lock) is not held up
  SELECT * INTO old FROM rate_cards
   WHERE resource_id = r.id AND tier = p_tier::price_tier AND effective_from = v_from
     FOR NO KEY UPDATE;
  IF FOUND AND EXISTS (SELECT 1 FROM charges WHERE rate_card_id = old.id) THEN
    PERFORM rb_refuse('RB412', 'rate_in_use', 'effective_from',
                      format('the %s rate of %s from %s has charged bookings already; set the new rate from a later date',
                             p_tier, r.code, v_from),
                      jsonb_build_object('tier', p_tier, 'resource', r.code::text,
                                         'from', to_char(v_from, 'YYYY-MM-DD')));
  END IF;
  IF old.id IS NOT NULL THEN
    UPDATE rate_cards
       SET currency = p_currency, hourly_fen = p_hourly, increment_minutes = p_increment,
           minimum_fen = p_minimum, day_fen = p_day, day_hours = p_day_hours,
           basis = p_basis::charge_basis, late_fee_pct = p_late, no_show_fee_pct = p_no_show,
           created_by = m.id, created_at = now()
     WHERE id = old.id RETURNING id INTO cid;
  ELSE
    INSERT INTO rate_cards (resource_id, tier, currency, hourly_fen, increment_minutes, minimum_fen,
                            day_fen, day_hours, basis, late_fee_pct, no_show_fee_pct, effective_from,
                            created_by)
    VALUES (r.id, p_tier::price_tier, p_currency, p_hourly, p_increment, p_minimum, p_day,
            p_day_hours, p_basis::charge_basis, p_late, p_no_show, v_from, m.id)
    RETURNING id INTO cid;
  END IF;
  PERFORM rb_audit(m.id, 'rate_set', 'rate_card', cid, p_peer,
                   jsonb_build_object('resource', r.code, 'tier', p_tier, 'hourly', p_hourly,
                                      'from', v_from, 'replaced', old.id));
  RETURN cid;
END $$;

-- The rates of a resource, newest first per tier: staff of the resource.
CREATE OR REPLACE FUNCTION rb_rates(p_member bigint, p_code text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code', format('no resource is called %s', p_code),
                      jsonb_build_object('resource', p_code));
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_staff', 'resource_code',
                      format('only a manager of %s, an operator of its space or an admin can read the rates of %s',
                             i.name, r.code),
                      jsonb_build_object('institution', i.name, 'action', 'read_rates', 'resource', r.code::text));
  END IF;
  RETURN QUERY SELECT c.id FROM rate_cards c WHERE c.resource_id = r.id
                ORDER BY c.tier, c.effective_from DESC;
END $$;

-- ------------------------------------------------------------------ charges

CREATE OR REPLACE VIEW charge_view AS
SELECT c.id, coalesce(c.booking_id, 0) AS booking_id, c.kind::text AS kind,
       s.code::text AS startup_code, coalesce(r.code::text, '') AS resource_code,
       coalesce(i.code::text, '') AS institution_code, c.tier::text AS tier,
       c.currency::text AS currency, to_char(c.charged_on, 'YYYY-MM-DD') AS charged_on,
       c.minutes, c.amount_fen, coalesce(c.rate_card_id, 0) AS rate_card_id, c.description,
       coalesce(inv.number, '') AS invoice_number,
       c.space_id, c.startup_id, c.institution_id, c.charged_on AS charged_date
FROM charges c
JOIN startups s ON s.id = c.startup_id
LEFT JOIN resources r ON r.id = c.resource_id
LEFT JOIN institutions i ON i.id = c.institution_id
LEFT JOIN invoice_lines l ON l.charge_id = c.id
LEFT JOIN invoices inv ON inv.id = l.invoice_id;

-- The ledger lines p_member may read: members their startup's, managers
-- their institution's, operators their space's, admins all; of one month
-- and one startup when given.
CREATE OR REPLACE FUNCTION rb_charges(p_member bigint, p_period text, p_startup text)
RETURNS SETOF charge_view LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := CASE WHEN p_period IS NULL THEN NULL ELSE rb_period(p_period, 'period') END;
  s startups;
BEGIN
  IF p_startup IS NOT NULL THEN
    s := rb_startup_seen(m, p_startup);
    IF m.role = 'member' AND s.id IS DISTINCT FROM m.startup_id THEN
      PERFORM rb_refuse('RB403', 'startup_not_yours', 'startup_code',
                        format('members see only their own startup''s charges, not those of %s', s.code),
                        jsonb_build_object('startup', s.code::text, 'action', 'read_charges'));
    END IF;
  END IF;
  RETURN QUERY
    SELECT v.* FROM charge_view v
     WHERE (m.role = 'admin'
            OR (m.role = 'operator' AND v.space_id = m.space_id)
            OR (m.role = 'manager' AND v.institution_id = m.institution_id)
            OR (m.role = 'member' AND v.startup_id = m.startup_id))
       AND (v_from IS NULL OR (v.charged_date >= v_from AND v.charged_date < v_from + interval '1 month'))
       AND (s.id IS NULL OR v.startup_id = s.id)
     ORDER BY v.charged_date, v.id
     LIMIT 10000;
END $$;

-- ------------------------------------------------------------------ vouchers

CREATE OR REPLACE VIEW voucher_view AS
SELECT v.id, s.code::text AS startup_code, v.issuer, v.coverage_pct, v.currency::text AS currency,
       v.cap_fen, v.used_fen, v.cap_fen - v.used_fen AS balance_fen,
       to_char(v.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(v.valid_to, 'YYYY-MM-DD') AS valid_to,
       coalesce((SELECT string_agg(i.code, ',' ORDER BY i.code) FROM institutions i
                  WHERE i.id = ANY (v.institutions)), '') AS institutions,
       array_to_string(v.kinds, ',') AS kinds,
       v.startup_id, s.space_id
FROM vouchers v JOIN startups s ON s.id = v.startup_id;

CREATE OR REPLACE FUNCTION rb_voucher_wire(p_id bigint) RETURNS SETOF voucher_view
LANGUAGE sql VOLATILE AS $$ SELECT * FROM voucher_view WHERE id = p_id $$;

-- Record a startup's voucher: operators of its space and admins.
CREATE OR REPLACE FUNCTION rb_voucher_add(p_member bigint, p_startup text, p_issuer text, p_pct int,
                               p_currency text, p_cap bigint, p_from text, p_to text,
                               p_institutions text[], p_kinds text[], p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  s startups := rb_startup_seen(m, p_startup);
  v_from date := rb_date_arg(p_from, 'valid_from');
  v_to date := rb_date_arg(p_to, 'valid_to');
  insts bigint[] := '{}';
  x text;
  iid bigint;
  vid bigint;
BEGIN
  IF NOT rb_is_operator(m, s.space_id) THEN
    PERFORM rb_refuse('RB403', 'not_operator', 'startup_code',
                      format('only an operator of %s or an admin can record vouchers of %s',
                             (SELECT name FROM spaces WHERE id = s.space_id), s.code),
                      jsonb_build_object('space', (SELECT name FROM spaces WHERE id = s.space_id),
                                         'action', 'record_vouchers', 'startup', s.code::text));
  END IF;
  IF coalesce(btrim(p_issuer), '') = '' THEN
    PERFORM rb_refuse('RB400', 'issuer_required', 'issuer', 'say who issued the voucher (the body that pays it)');
  END IF;
  IF p_pct NOT BETWEEN 1 AND 100 THEN
    PERFORM rb_refuse('RB400', 'invalid_coverage_pct', 'coverage_pct', 'a voucher covers 1% to 100% of a charge',
                      jsonb_build_object('pct', p_pct));
  END IF;
  IF p_cap <= 0 THEN
    PERFORM rb_refuse('RB400', 'invalid_amount', 'cap', 'a voucher''s cap is more than 0',
                      jsonb_build_object('amount', p_cap, 'what', 'voucher_cap'));
  END IF;
  IF coalesce(p_currency, '') !~ '^[A-Z]{3}$' THEN
    PERFORM rb_refuse('RB400', 'invalid_currency', 'currency',
                      format('%s is not a currency code (three capital letters, like CNY)', coalesce(p_currency, 'nothing')),
                      jsonb_build_object('currency', p_currency));
  END IF;
  IF v_to < v_from THEN
    PERFORM rb_refuse('RB400', 'date_range_reversed', 'valid_to',
                      format('the voucher would end (%s) before it begins (%s)', v_to, v_from),
                      jsonb_build_object('from', to_char(v_from, 'YYYY-MM-DD'), 'to', to_char(v_to, 'YYYY-MM-DD'),
                                          'action', 'record_vouchers'));
  END IF;
  FOREACH x IN ARRAY coalesce(p_institutions, '{}') LOOP
    SELECT id INTO iid FROM institutions WHERE code = x;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'institution_not_found', 'institutions', format('no institution is called %s', x),
                        jsonb_build_object('institution', x));
    END IF;
    insts := insts || iid;
  END LOOP;
  FOREACH x IN ARRAY coalesce(p_kinds, '{}') LOOP
    IF x NOT IN (SELECT unnest(enum_range(NULL::resource_kind))::text) THEN
      PERFORM rb_refuse('RB400', 'invalid_resource_kind', 'kinds',
                        format('%s is not a kind of resource (instrument, test_facility, machining, pilot_line, workspace)', x),
                        jsonb_build_object('kind', x));
    END IF;
  END LOOP;
  INSERT INTO vouchers (startup_id, issuer, coverage_pct, currency, cap_fen, valid_from, valid_to,
                        institutions, kinds, created_by)
  VALUES (s.id, btrim(p_issuer), p_pct, p_currency, p_cap, v_from, v_to, insts,
          coalesce(p_kinds, '{}')::resource_kind[], m.id)
  RETURNING id INTO vid;
  PERFORM rb_audit(m.id, 'voucher_add', 'voucher', vid, p_peer,
                   jsonb_build_object('startup', s.code, 'issuer', p_issuer, 'cap', p_cap));
  RETURN vid;
END $$;

-- Vouchers p_member may read (of one startup when given).
CREATE OR REPLACE FUNCTION rb_vouchers(p_member bigint, p_startup text, p_id bigint) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  s startups;
BEGIN
  IF p_startup IS NOT NULL THEN
    s := rb_startup_seen(m, p_startup);
    IF NOT rb_may_read_startup(m, s) THEN
      PERFORM rb_refuse('RB403', 'startup_private', 'startup_code',
                        format('the vouchers of %s are for its members, the operators of its space and admins', s.code),
                        jsonb_build_object('startup', s.code::text, 'action', 'read_vouchers'));
    END IF;
  END IF;
  IF p_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM vouchers v JOIN startups x ON x.id = v.startup_id
        WHERE v.id = p_id AND rb_may_read_startup(m, x)) THEN
    PERFORM rb_refuse('RB404', 'voucher_not_found', 'voucher_id',
                      format('there is no voucher %s that you can see', p_id),
                      jsonb_build_object('voucher', p_id));
  END IF;
  RETURN QUERY SELECT v.id FROM vouchers v JOIN startups x ON x.id = v.startup_id
    WHERE rb_may_read_startup(m, x) AND (s.id IS NULL OR v.startup_id = s.id)
      AND (p_id IS NULL OR v.id = p_id)
    ORDER BY x.code, v.valid_to, v.id LIMIT 1000;
END $$;

-- What a voucher paid: one row per redemption.
CREATE OR REPLACE VIEW redemption_view AS
SELECT d.id, d.voucher_id, inv.number AS invoice_number, to_char(inv.period, 'YYYY-MM') AS period,
       coalesce(r.code::text, '') AS resource_code, to_char(c.charged_on, 'YYYY-MM-DD') AS charged_on,
       l.amount_fen AS line_fen, d.amount_fen, coalesce(c.booking_id, 0) AS booking_id
FROM voucher_redemptions d
JOIN invoice_lines l ON l.id = d.invoice_line_id
JOIN invoices inv ON inv.id = l.invoice_id
JOIN charges c ON c.id = l.charge_id
LEFT JOIN resources r ON r.id = c.resource_id;

-- What each issuing body owes the space: every redemption of its vouchers
-- on invoices of one month (all months when p_period is NULL), for the
-- operators of a space (their space's startups) and admins.
CREATE OR REPLACE FUNCTION rb_voucher_statement(p_member bigint, p_issuer text, p_period text)
RETURNS TABLE (issuer text, voucher_id bigint, startup_code text, period text,
               invoice_number text, currency text, amount_fen bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := CASE WHEN p_period IS NULL THEN NULL ELSE rb_period(p_period, 'period') END;
BEGIN
  IF m.role NOT IN ('operator', 'admin') THEN
    PERFORM rb_refuse('RB403', 'not_operator', NULL,
                      'voucher statements are for the operators of the space and admins',
                      jsonb_build_object('action', 'read_voucher_statements'));
  END IF;
  RETURN QUERY
    SELECT v.issuer, v.id, s.code::text, to_char(inv.period, 'YYYY-MM'), inv.number,
           v.currency::text, sum(d.amount_fen)::bigint
      FROM voucher_redemptions d
      JOIN vouchers v ON v.id = d.voucher_id
      JOIN startups s ON s.id = v.startup_id
      JOIN invoice_lines l ON l.id = d.invoice_line_id
      JOIN invoices inv ON inv.id = l.invoice_id
     WHERE (p_issuer IS NULL OR v.issuer = p_issuer)
       AND (v_from IS NULL OR inv.period = v_from)
       AND (m.role = 'admin' OR inv.space_id = m.space_id)
     GROUP BY v.issuer, v.id, s.code, inv.period, inv.number, v.currency
     ORDER BY v.issuer, inv.period, inv.number, v.id;
END $$;

-- ------------------------------------------------------------------ invoices

-- The next invoice number of a space for a year: "<SPACE>-2026-0007".  The
-- counter row stays locked until the transaction ends, so numbers are
-- gapless (a rollback gives the number back) and never repeat.
CREATE OR REPLACE FUNCTION rb_next_invoice_number(p_space bigint, p_year int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  n int;
BEGIN
  INSERT INTO invoice_counters (space_id, year) VALUES (p_space, p_year) ON CONFLICT DO NOTHING;
  SELECT last_no INTO n FROM invoice_counters WHERE space_id = p_space AND year = p_year FOR UPDATE;
  n := n + 1;
  UPDATE invoice_counters SET last_no = n WHERE space_id = p_space AND year = p_year;
  RETURN upper((SELECT code FROM spaces WHERE id = p_space)) || '-' || p_year || '-' || lpad(n::text, 4, '0');
END $$;

-- Invoice one startup's uninvoiced charges of a space up to the end of
-- p_period (older ones that missed their month included).  The caller
-- holds the space's advisory lock.  Returns the invoice's id, NULL when
-- there is nothing to invoice or the month is invoiced already.
--
-- Vouchers: each line is paid by the startup's vouchers valid on the
-- line's date (and for its institution and kind when the voucher says so),
-- earliest expiry first: each pays up to its coverage of the line, less
-- what vouchers before it paid, and never more than its balance.  A
-- reversal gives back to the vouchers what they paid on the line it
-- reverses.
CREATE OR REPLACE FUNCTION rb_invoice_startup(p_space bigint, p_startup bigint, p_period date, p_by bigint,
                                              p_until date)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  -- lines dated before p_until: the month's end, or the day after today
  -- for a month invoiced before it ends
  v_end date := p_until;
  inv_id bigint;
  cur text;
  ch record;
  vo record;
  share bigint;
  covered bigint;
  ids bigint[];
  amts bigint[];
  line_id bigint;
  orig bigint;
  mixed boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM invoices WHERE space_id = p_space AND startup_id = p_startup
                AND period = p_period AND kind = 'invoice') THEN
    RETURN NULL;
  END IF;
  SELECT min(c.currency), count(DISTINCT c.currency) > 1 INTO cur, mixed
    FROM charges c WHERE c.space_id = p_space AND c.startup_id = p_startup AND c.charged_on < v_end
     AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = c.id);
  IF cur IS NULL THEN
    RETURN NULL;
  END IF;
  IF mixed THEN
    PERFORM rb_refuse('RB412', 'mixed_currencies', 'period',
                      format('%s has charges in more than one currency in %s; one invoice holds one currency',
                             (SELECT code FROM startups WHERE id = p_startup), to_char(p_period, 'YYYY-MM')),
                      jsonb_build_object('startup', (SELECT code::text FROM startups WHERE id = p_startup),
                                         'period', to_char(p_period, 'YYYY-MM')));
  END IF;
  -- the startup's vouchers, in id order, before the counter row
  PERFORM 1 FROM vouchers WHERE startup_id = p_startup ORDER BY id FOR UPDATE;

  INSERT INTO invoices (number, kind, space_id, startup_id, period, currency, created_by)
  VALUES (rb_next_invoice_number(p_space, extract(year FROM p_period)::int), 'invoice',
          p_space, p_startup, p_period, cur, p_by)
  RETURNING id INTO inv_id;

  FOR ch IN SELECT c.*, r.kind AS resource_kind FROM charges c
              LEFT JOIN resources r ON r.id = c.resource_id
             WHERE c.space_id = p_space AND c.startup_id = p_startup AND c.charged_on < v_end
               AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = c.id)
             ORDER BY c.charged_on, c.id LOOP
    ids := '{}';
    amts := '{}';
    covered := 0;
    IF ch.credit_of IS NOT NULL THEN
      SELECT l.id INTO orig FROM invoice_lines l WHERE l.charge_id = ch.credit_of;
      FOR vo IN SELECT d.voucher_id, sum(d.amount_fen)::bigint AS paid FROM voucher_redemptions d
                 WHERE d.invoice_line_id = orig GROUP BY d.voucher_id ORDER BY d.voucher_id LOOP
        IF vo.paid > 0 THEN
          ids := ids || vo.voucher_id;
          amts := amts || (-vo.paid);
          covered := covered - vo.paid;
        END IF;
      END LOOP;
    ELSIF ch.amount_fen > 0 THEN
      FOR vo IN SELECT v.* FROM vouchers v
                 WHERE v.startup_id = p_startup AND v.currency = ch.currency
                   AND ch.charged_on BETWEEN v.valid_from AND v.valid_to
                   AND v.used_fen < v.cap_fen
                   AND (v.institutions = '{}' OR ch.institution_id = ANY (v.institutions))
                   AND (v.kinds = '{}' OR ch.resource_kind = ANY (v.kinds))
                 ORDER BY v.valid_to, v.id LOOP
        share := least(rb_pct(ch.amount_fen, vo.coverage_pct) - covered, vo.cap_fen - vo.used_fen);
        IF share > 0 THEN
          ids := ids || vo.id;
          amts := amts || share;
          covered := covered + share;
        END IF;
      END LOOP;
    END IF;
    INSERT INTO invoice_lines (invoice_id, charge_id, amount_fen, voucher_fen, startup_fen)
    VALUES (inv_id, ch.id, ch.amount_fen, covered, ch.amount_fen - covered)
    RETURNING id INTO line_id;
    FOR i IN 1 .. coalesce(cardinality(ids), 0) LOOP
      UPDATE vouchers SET used_fen = used_fen + amts[i] WHERE id = ids[i];
      INSERT INTO voucher_redemptions (voucher_id, invoice_line_id, amount_fen)
      VALUES (ids[i], line_id, amts[i]);
    END LOOP;
  END LOOP;

  UPDATE invoices SET issued_at = now(),
         total_fen = (SELECT coalesce(sum(amount_fen), 0) FROM invoice_lines WHERE invoice_id = inv_id),
         voucher_fen = (SELECT coalesce(sum(voucher_fen), 0) FROM invoice_lines WHERE invoice_id = inv_id),
         startup_fen = (SELECT coalesce(sum(startup_fen), 0) FROM invoice_lines WHERE invoice_id = inv_id)
   WHERE id = inv_id;
  RETURN inv_id;
END $$;

-- The time zone of a space: that of most of its resources (the space has
-- none of its own), Asia/Shanghai when it has none.
CREATE OR REPLACE FUNCTION rb_space_zone(p_space bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT r.time_zone FROM resources r JOIN institutions i ON i.id = r.institution_id
                    WHERE i.space_id = p_space
                    GROUP BY r.time_zone ORDER BY count(*) DESC, r.time_zone LIMIT 1),
                  'Asia/Shanghai')
$$;

-- Invoice a month: every startup with uninvoiced charges in each space
-- p_member operates (one space when p_space is given), once.  Two runs at
-- the same time queue on the space's advisory lock; the second finds the
-- month invoiced (and the unique index would refuse a second set anyway).
-- A month that has not ended in the space's zone is refused, unless
-- p_early: then the invoices take the lines dated up to today, and the
-- month's later lines (and whatever is charged later) go to the next run.
-- Returns the invoices issued now.
CREATE OR REPLACE FUNCTION rb_invoice_run(p_member bigint, p_period text, p_space text, p_early boolean,
                                          p_peer text)
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  v_period date := rb_period(p_period, 'period');
  v_next date := v_period + interval '1 month';
  sp spaces;
  v_space bigint;
  v_tz text;
  v_today date;
  v_until date;
  st bigint;
  inv bigint;
  n int := 0;
BEGIN
  IF p_space IS NOT NULL THEN
    SELECT * INTO sp FROM spaces WHERE code = p_space;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'space_not_found', 'space_code', format('no space is called %s', p_space),
                        jsonb_build_object('space', p_space));
    END IF;
    IF NOT rb_is_operator(m, sp.id) THEN
      PERFORM rb_refuse('RB403', 'not_operator', 'space_code',
                        format('only an operator of %s or an admin can invoice it', sp.name),
                        jsonb_build_object('space', sp.name, 'action', 'invoice'));
    END IF;
    v_space := sp.id;
  ELSIF m.role = 'operator' THEN
    v_space := m.space_id;
  ELSIF m.role <> 'admin' THEN
    PERFORM rb_refuse('RB403', 'not_operator', NULL,
                      'invoice runs are for the operators of the space and admins',
                      jsonb_build_object('action', 'invoice'));
  END IF;
  FOR sp IN SELECT * FROM spaces WHERE v_space IS NULL OR spaces.id = v_space ORDER BY spaces.id LOOP
    v_tz := rb_space_zone(sp.id);
    v_today := (now() AT TIME ZONE v_tz)::date;
    IF v_period > v_today THEN
      PERFORM rb_refuse('RB412', 'period_not_begun', 'period',
                        format('%s has not begun; a month is invoiced once it has begun', p_period),
                        jsonb_build_object('period', p_period));
    END IF;
    IF v_next > v_today AND NOT p_early THEN
      PERFORM rb_refuse('RB412', 'period_not_ended', 'period',
                        format('%s has not ended in %s (%s); it can be invoiced from %s 00:00 on, or before the month ends if asked to',
                               p_period, sp.name, v_tz, to_char(v_next, 'YYYY-MM-DD')),
                        jsonb_build_object('period', p_period, 'space', sp.name, 'time_zone', v_tz,
                                           'from', to_char(v_next, 'YYYY-MM-DD')));
    END IF;
    v_until := least(v_next, v_today + 1);
    PERFORM pg_advisory_xact_lock(7310, sp.id::int);
    FOR st IN SELECT DISTINCT c.startup_id FROM charges c
               WHERE c.space_id = sp.id AND c.charged_on < v_until
                 AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = c.id)
               ORDER BY 1 LOOP
      inv := rb_invoice_startup(sp.id, st, v_period, m.id, v_until);
      IF inv IS NOT NULL THEN
        n := n + 1;
        RETURN NEXT inv;
      END IF;
    END LOOP;
  END LOOP;
  PERFORM rb_audit(m.id, 'invoice_run', 'space', v_space, p_peer,
                   jsonb_build_object('period', p_period, 'invoices', n, 'before_month_end', p_early));
END $$;

-- What an invoice run of p_period (as rb_invoice_run) issued, as
-- rb_invoice_rows shows it, then what it left for the next run: the
-- uninvoiced lines of the month in the spaces it ran for (invoice columns
-- empty, id 0), which only a run before the month's end leaves.
CREATE OR REPLACE FUNCTION rb_invoice_run_rows(p_member bigint, p_period text, p_space text,
                                               p_early boolean, p_peer text)
RETURNS TABLE (id bigint, number text, kind text, space_code text, startup_code text,
               startup_name text, period text, currency text, total_fen bigint,
               voucher_fen bigint, startup_fen bigint, credit_of text, reason text,
               issued_epoch bigint, legal_name text, credit_code text, address text,
               line_charge bigint, line_booking bigint, line_kind text, line_resource text,
               line_date text, line_description text, line_amount bigint, line_voucher bigint,
               line_startup bigint)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  ids bigint[];
  v_period date;
BEGIN
  SELECT coalesce(array_agg(x), '{}') INTO ids FROM rb_invoice_run(p_member, p_period, p_space, p_early, p_peer) x;
  RETURN QUERY SELECT * FROM rb_invoice_rows(ids, false);
  IF NOT p_early THEN
    RETURN;
  END IF;
  v_period := rb_period(p_period, 'period');
  RETURN QUERY
    SELECT 0::bigint, ''::text, ''::text, sp.code::text, s.code::text, s.name, p_period, c.currency::text,
           0::bigint, 0::bigint, 0::bigint, ''::text, ''::text, 0::bigint, ''::text, ''::text, ''::text,
           c.id, coalesce(c.booking_id, 0), c.kind::text, coalesce(r.code::text, ''),
           to_char(c.charged_on, 'YYYY-MM-DD'), c.description, c.amount_fen, 0::bigint, c.amount_fen
      FROM charges c
      JOIN spaces sp ON sp.id = c.space_id
      JOIN startups s ON s.id = c.startup_id
      LEFT JOIN resources r ON r.id = c.resource_id
     WHERE c.charged_on >= v_period AND c.charged_on < v_period + interval '1 month'
       AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = c.id)
       AND (CASE WHEN p_space IS NOT NULL THEN sp.code = p_space
                 WHEN m.role = 'operator' THEN sp.id = m.space_id
                 ELSE true END)
     ORDER BY c.charged_on, c.id;
END $$;

-- A credit note for part or all of what a startup pays on an invoice: a
-- credit line in the ledger and a numbered credit note holding it.  The
-- credit notes of an invoice never add up to more than the startup paid.
CREATE OR REPLACE FUNCTION rb_invoice_credit(p_member bigint, p_number text, p_amount bigint, p_reason text,
                                  p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  inv invoices;
  s startups;
  left_fen bigint;
  cid bigint;
  nid bigint;
  cur_text text;
BEGIN
  SELECT * INTO inv FROM invoices WHERE number = p_number;
  -- an invoice of another space is answered as one that does not exist
  IF NOT FOUND OR NOT rb_is_operator(m, inv.space_id) THEN
    PERFORM rb_refuse('RB404', 'invoice_not_found', 'number',
                      format('there is no invoice %s that you can see', p_number),
                      jsonb_build_object('invoice', p_number));
  END IF;
  IF inv.kind <> 'invoice' THEN
    PERFORM rb_refuse('RB412', 'invoice_is_credit_note', 'number',
                      format('%s is a credit note; credit the invoice it belongs to', inv.number),
                      jsonb_build_object('invoice', inv.number,
                                         'credit_of', (SELECT o.number FROM invoices o WHERE o.id = inv.credit_of)));
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    PERFORM rb_refuse('RB400', 'reason_required', 'reason',
                      format('say why invoice %s is credited; the startup sees the reason', inv.number),
                      jsonb_build_object('invoice', inv.number, 'action', 'credit_invoice'));
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    PERFORM rb_refuse('RB400', 'invalid_amount', 'amount', 'a credit is more than 0',
                      jsonb_build_object('amount', p_amount, 'what', 'credit'));
  END IF;
  -- credits of one invoice queue here
  PERFORM pg_advisory_xact_lock(7311, inv.id::int);
  SELECT inv.startup_fen + coalesce(sum(x.startup_fen), 0) INTO left_fen
    FROM invoices x WHERE x.credit_of = inv.id;
  IF p_amount > left_fen THEN
    cur_text := CASE WHEN inv.currency = 'CNY' THEN '¥' ELSE inv.currency || ' ' END;
    PERFORM rb_refuse('RB412', 'credit_exceeds_balance', 'amount',
                      format('invoice %s has %s left to credit (what the startup pays, less earlier credit notes)',
                             inv.number, cur_text || to_char(left_fen / 100.0, 'FM999,999,999,999,990.00')),
                      jsonb_build_object('invoice', inv.number, 'left_fen', left_fen,
                                         'currency', inv.currency::text, 'amount', p_amount));
  END IF;
  SELECT * INTO s FROM startups WHERE id = inv.startup_id;
  INSERT INTO charges (kind, startup_id, space_id, tier, currency, charged_on, amount_fen, description)
  VALUES ('credit', s.id, inv.space_id, s.tier, inv.currency, (now() AT TIME ZONE 'Asia/Shanghai')::date,
          -p_amount, format('credit on %s: %s', inv.number, btrim(p_reason)))
  RETURNING id INTO cid;
  INSERT INTO invoices (number, kind, space_id, startup_id, period, currency, credit_of, reason, created_by)
  VALUES (rb_next_invoice_number(inv.space_id, extract(year FROM inv.period)::int), 'credit_note',
          inv.space_id, inv.startup_id, inv.period, inv.currency, inv.id, btrim(p_reason), m.id)
  RETURNING id INTO nid;
  INSERT INTO invoice_lines (invoice_id, charge_id, amount_fen, voucher_fen, startup_fen)
  VALUES (nid, cid, -p_amount, 0, -p_amount);
  UPDATE invoices SET issued_at = now(), total_fen = -p_amount, voucher_fen = 0, startup_fen = -p_amount
   WHERE id = nid;
  PERFORM rb_audit(m.id, 'invoice_credit', 'invoice', nid, p_peer,
                   jsonb_build_object('of', inv.number, 'amount', p_amount, 'reason', btrim(p_reason)));
  RETURN nid;
END $$;

-- Invoices as the wire shows them, with their lines (line columns NULL
-- when lines are not asked for).  Column order: daemon/sql.h IV_*.
CREATE OR REPLACE FUNCTION rb_invoice_rows(p_ids bigint[], p_lines boolean)
RETURNS TABLE (id bigint, number text, kind text, space_code text, startup_code text,
               startup_name text, period text, currency text, total_fen bigint,
               voucher_fen bigint, startup_fen bigint, credit_of text, reason text,
               issued_epoch bigint, legal_name text, credit_code text, address text,
               line_charge bigint, line_booking bigint, line_kind text, line_resource text,
               line_date text, line_description text, line_amount bigint, line_voucher bigint,
               line_startup bigint)
LANGUAGE sql VOLATILE AS $$
  SELECT i.id, i.number, i.kind, sp.code::text, s.code::text, s.name, to_char(i.period, 'YYYY-MM'),
         i.currency::text, i.total_fen, i.voucher_fen, i.startup_fen,
         coalesce((SELECT o.number FROM invoices o WHERE o.id = i.credit_of), ''), i.reason,
         coalesce(rb_epoch(i.issued_at), 0),
         coalesce(to_jsonb(s) ->> 'legal_name', ''), coalesce(to_jsonb(s) ->> 'credit_code', ''),
         coalesce(to_jsonb(s) ->> 'address', ''),
         c.id, coalesce(c.booking_id, 0), c.kind::text, coalesce(r.code::text, ''),
         to_char(c.charged_on, 'YYYY-MM-DD'), c.description, l.amount_fen, l.voucher_fen, l.startup_fen
    FROM invoices i
    JOIN spaces sp ON sp.id = i.space_id
    JOIN startups s ON s.id = i.startup_id
    LEFT JOIN invoice_lines l ON p_lines AND l.invoice_id = i.id
    LEFT JOIN charges c ON c.id = l.charge_id
    LEFT JOIN resources r ON r.id = c.resource_id
   WHERE i.id = ANY (p_ids)
   ORDER BY i.number, c.charged_on, c.id
$$;

-- Invoices p_member may read: members their startup's, operators their
-- space's, admins all; of one month and startup when given.
CREATE OR REPLACE FUNCTION rb_invoices(p_member bigint, p_period text, p_startup text, p_number text)
RETURNS bigint[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := CASE WHEN p_period IS NULL THEN NULL ELSE rb_period(p_period, 'period') END;
  s startups;
  ids bigint[];
BEGIN
  IF p_startup IS NOT NULL THEN
    s := rb_startup_seen(m, p_startup);
    IF NOT rb_may_read_startup(m, s) THEN
      PERFORM rb_refuse('RB403', 'startup_private', 'startup_code',
                        format('the invoices of %s are for its members, the operators of its space and admins', s.code),
                        jsonb_build_object('startup', s.code::text, 'action', 'read_invoices'));
    END IF;
  END IF;
  SELECT coalesce(array_agg(i.id ORDER BY i.number), '{}') INTO ids
    FROM (SELECT i.id, i.number FROM invoices i JOIN startups x ON x.id = i.startup_id
           WHERE (m.role = 'admin' OR (m.role = 'operator' AND i.space_id = m.space_id)
                  OR (m.role = 'member' AND i.startup_id = m.startup_id))
             AND (v_from IS NULL OR i.period = v_from)
             AND (s.id IS NULL OR i.startup_id = s.id)
             AND (p_number IS NULL OR i.number = p_number OR i.credit_of =
                    (SELECT o.id FROM invoices o WHERE o.number = p_number))
           ORDER BY i.number LIMIT 5000) i;
  IF p_number IS NOT NULL AND cardinality(ids) = 0 THEN
    PERFORM rb_refuse('RB404', 'invoice_not_found', 'number',
                      format('there is no invoice %s that you can see', p_number),
                      jsonb_build_object('invoice', p_number));
  END IF;
  RETURN ids;
END $$;

-- ------------------------------------------------------------------ settlement

-- Per host institution: what its resources earned on the invoices of a
-- month, what vouchers paid of it and what the startups paid.  Credit
-- notes (no institution) are a row of their own.  Operators: their
-- space's institutions; managers: their own; admins: all.
CREATE OR REPLACE FUNCTION rb_settlement(p_member bigint, p_period text, p_institution text)
RETURNS TABLE (institution_code text, institution_name text, currency text,
               earned_fen bigint, voucher_fen bigint, startup_fen bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members := rb_member(p_member);
  v_period date := rb_period(p_period, 'period');
  ins institutions;
BEGIN
  IF m.role = 'member' THEN
    PERFORM rb_refuse('RB403', 'not_staff', NULL,
                      'the settlement is for managers of the host institutions, operators of the space and admins',
                      jsonb_build_object('action', 'read_settlement'));
  END IF;
  IF p_institution IS NOT NULL THEN
    SELECT * INTO ins FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'institution_not_found', 'institution_code',
                        format('no institution is called %s', p_institution),
                        jsonb_build_object('institution', p_institution));
    END IF;
    IF NOT rb_is_staff(m, ins.id, ins.space_id) THEN
      PERFORM rb_refuse('RB403', 'not_staff', 'institution_code',
                        format('the settlement of %s is for its managers, the operators of its space and admins', ins.name),
                        jsonb_build_object('institution', ins.name, 'action', 'read_settlement'));
    END IF;
  END IF;
  RETURN QUERY
    SELECT coalesce(i.code::text, ''), coalesce(i.name, 'credit notes'), inv.currency::text,
           sum(l.amount_fen)::bigint, sum(l.voucher_fen)::bigint, sum(l.startup_fen)::bigint
      FROM invoices inv
      JOIN invoice_lines l ON l.invoice_id = inv.id
      JOIN charges c ON c.id = l.charge_id
      LEFT JOIN institutions i ON i.id = c.institution_id
     WHERE inv.period = v_period
       AND (ins.id IS NULL OR c.institution_id = ins.id)
       AND (m.role = 'admin' OR (m.role = 'operator' AND inv.space_id = m.space_id)
            OR (m.role = 'manager' AND c.institution_id = m.institution_id))
     GROUP BY i.code, i.name, inv.currency
     ORDER BY i.code NULLS LAST, inv.currency;
END $$;

-- ------------------------------------------------------------------ tiers

-- Set a startup's price tier: in its own space (operators of that space
-- and admins), or with p_space in another space (that space's operators
-- and admins: what the startup pays there instead of external).  Lines
-- already charged keep the tier they were charged at.
CREATE OR REPLACE FUNCTION rb_set_tier(p_member bigint, p_startup text, p_tier text, p_space text,
                            p_peer text, OUT startup_code text, OUT tier text, OUT previous text)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  s startups;
  sp spaces;
BEGIN
  -- its own space's tier: a startup the caller may see.  Another space's
  -- (p_space): that space's operators name any startup, whose tier there
  -- they set; anyone else gets the startup as they may see it, so that the
  -- refusal tells them nothing of startups elsewhere.
  IF coalesce(p_space, '') <> '' THEN
    SELECT * INTO sp FROM spaces x WHERE x.code = p_space;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'space_not_found', 'space_code', format('no space is called %s', p_space),
                        jsonb_build_object('space', p_space));
    END IF;
  END IF;
  IF coalesce(p_space, '') <> '' AND rb_is_operator(m, sp.id) THEN
    s := rb_startup(p_startup);
  ELSE
    s := rb_startup_seen(m, p_startup);
  END IF;
  IF coalesce(p_space, '') = '' THEN
    SELECT * INTO sp FROM spaces x WHERE x.id = s.space_id;
  END IF;
  IF NOT rb_is_operator(m, sp.id) THEN
    PERFORM rb_refuse('RB403', 'not_operator', CASE WHEN p_space IS NULL THEN 'startup_code' ELSE 'space_code' END,
                      format('only an operator of %s or an admin can set the price tier of %s%s',
                             sp.name, s.code, CASE WHEN sp.id = s.space_id THEN '' ELSE ' there' END),
                      jsonb_build_object('space', sp.name, 'action', 'set_tier', 'startup', s.code::text,
                                         'there', sp.id <> s.space_id));
  END IF;
  IF p_tier IS NULL OR p_tier NOT IN ('member_startup', 'host_internal', 'external') THEN
    PERFORM rb_refuse('RB400', 'invalid_tier', 'tier',
                      format('%s is not a price tier (member_startup, host_internal or external)', coalesce(p_tier, 'nothing')),
                      jsonb_build_object('tier', p_tier));
  END IF;
  IF sp.id = s.space_id THEN
    SELECT x.tier::text INTO previous FROM startups x WHERE x.id = s.id FOR NO KEY UPDATE;
    UPDATE startups SET tier = p_tier::price_tier WHERE id = s.id;
  ELSE
    SELECT coalesce((SELECT t.tier::text FROM startup_tiers t
                      WHERE t.startup_id = s.id AND t.space_id = sp.id FOR UPDATE), 'external')
      INTO previous;
    INSERT INTO startup_tiers AS t (startup_id, space_id, tier) VALUES (s.id, sp.id, p_tier::price_tier)
    ON CONFLICT (startup_id, space_id) DO UPDATE SET tier = EXCLUDED.tier;
  END IF;
  PERFORM rb_audit(m.id, 'tier_set', 'startup', s.id, p_peer,
                   jsonb_build_object('tier', p_tier, 'previous', previous, 'space', sp.code));
  startup_code := s.code;
  tier := p_tier;
END $$;

