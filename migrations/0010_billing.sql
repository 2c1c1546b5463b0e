-- Billing: rate cards, the charge ledger, innovation vouchers (科技创新券),
-- invoices and credit notes.
--
-- Money is bigint fen (minor units) with an ISO 4217 currency code, never
-- a floating-point number.  Rounding is explicit: usage is rounded UP to
-- the rate's increment, a fraction of a fen (an hourly rate times minutes,
-- a percentage) rounds half up.
--
--   rate_cards           per resource, price tier and effective date
--   charges              the ledger: one line per booking and kind,
--                        written by triggers on bookings; append-only
--   vouchers             a startup's innovation vouchers: coverage %, cap
--   invoices             one per space, startup and month; credit notes
--   invoice_lines        one per charge; the voucher share and the rest
--   voucher_redemptions  what each voucher paid on which invoice line
--
-- Locking: the invoice run takes an advisory lock per space (the two-key
-- form, class 7310, so it never meets the per-resource locks), then the
-- startup's vouchers in id order, then the space's invoice counter row.

CREATE TYPE price_tier AS ENUM ('member_startup', 'host_internal', 'external');
CREATE TYPE charge_basis AS ENUM ('booked', 'used', 'greater');
CREATE TYPE charge_kind AS ENUM ('usage', 'late_cancel', 'no_show', 'no_show_reversal', 'credit');

ALTER TABLE startups ADD COLUMN tier price_tier NOT NULL DEFAULT 'member_startup';

CREATE DOMAIN rb_currency AS text CHECK (VALUE ~ '^[A-Z]{3}$');

-- ------------------------------------------------------------------ rate cards

-- A rate applies to bookings starting (in the resource's zone) on or after
-- effective_from, until a later rate of the same resource and tier.
-- day_fen: a charged duration of at least day_hours is charged per started
-- 24 hours at day_fen instead of by the hour (pilot lines, workshops).
CREATE TABLE rate_cards (
  id                bigserial PRIMARY KEY,
  resource_id       bigint NOT NULL REFERENCES resources,
  tier              price_tier NOT NULL,
  currency          rb_currency NOT NULL DEFAULT 'CNY',
  hourly_fen        bigint NOT NULL CHECK (hourly_fen >= 0),
  increment_minutes int NOT NULL CHECK (increment_minutes BETWEEN 1 AND 1440),
  minimum_fen       bigint NOT NULL DEFAULT 0 CHECK (minimum_fen >= 0),
  day_fen           bigint CHECK (day_fen IS NULL OR day_fen >= 0),
  day_hours         int NOT NULL DEFAULT 8 CHECK (day_hours BETWEEN 1 AND 24),
  basis             charge_basis NOT NULL DEFAULT 'booked',
  late_fee_pct      int NOT NULL DEFAULT 0 CHECK (late_fee_pct BETWEEN 0 AND 100),
  no_show_fee_pct   int NOT NULL DEFAULT 0 CHECK (no_show_fee_pct BETWEEN 0 AND 100),
  effective_from    date NOT NULL,
  created_by        bigint REFERENCES members,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (resource_id, tier, effective_from)
);

-- ------------------------------------------------------------------ charges

-- The ledger.  Lines of a booking are written by booking_charges (below);
-- each kind at most once per booking.  Credit lines (kind credit, no
-- booking) come with credit notes.  Amounts of credits and reversals are
-- negative.  charged_on is the local date of the booking's start (of the
-- credit note for credits): the month it is invoiced in.
CREATE TABLE charges (
  id             bigserial PRIMARY KEY,
  booking_id     bigint REFERENCES bookings,
  kind           charge_kind NOT NULL,
  startup_id     bigint NOT NULL REFERENCES startups,
  space_id       bigint NOT NULL REFERENCES spaces,
  resource_id    bigint REFERENCES resources,
  institution_id bigint REFERENCES institutions,
  rate_card_id   bigint REFERENCES rate_cards,
  tier           price_tier NOT NULL,
  currency       rb_currency NOT NULL,
  charged_on     date NOT NULL,
  minutes        bigint NOT NULL DEFAULT 0,   -- the duration charged, after rounding
  amount_fen     bigint NOT NULL,
  credit_of      bigint REFERENCES charges,   -- a reversal: the line it reverses
  description    text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (booking_id, kind),
  CONSTRAINT charge_booking CHECK ((kind = 'credit') = (booking_id IS NULL)),
  CONSTRAINT charge_sign CHECK (CASE WHEN kind IN ('credit', 'no_show_reversal')
                                     THEN amount_fen < 0 ELSE amount_fen >= 0 END)
);
CREATE INDEX charges_space_date ON charges (space_id, charged_on);
CREATE INDEX charges_startup_date ON charges (startup_id, charged_on);

CREATE FUNCTION rb_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'RB412',
    MESSAGE = format('%s is append-only: a charge never changes; correct it with a credit note (rigbook invoice credit)',
                     TG_TABLE_NAME);
END $$;

CREATE TRIGGER charges_append_only BEFORE UPDATE OR DELETE ON charges
  FOR EACH ROW EXECUTE FUNCTION rb_append_only();

-- ------------------------------------------------------------------ vouchers

-- An innovation voucher: pays coverage_pct of each eligible line up to
-- cap_fen in all.  used_fen <= cap_fen is the balance that never goes
-- below zero; invoicing locks the row before it spends.
CREATE TABLE vouchers (
  id             bigserial PRIMARY KEY,
  startup_id     bigint NOT NULL REFERENCES startups,
  issuer         text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
  coverage_pct   int NOT NULL CHECK (coverage_pct BETWEEN 1 AND 100),
  currency       rb_currency NOT NULL DEFAULT 'CNY',
  cap_fen        bigint NOT NULL CHECK (cap_fen > 0),
  used_fen       bigint NOT NULL DEFAULT 0,
  valid_from     date NOT NULL,
  valid_to       date NOT NULL,               -- inclusive
  institutions   bigint[] NOT NULL DEFAULT '{}', -- empty: any host institution
  kinds          resource_kind[] NOT NULL DEFAULT '{}', -- empty: any kind of resource
  created_by     bigint REFERENCES members,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT voucher_balance CHECK (used_fen >= 0 AND used_fen <= cap_fen),
  CONSTRAINT voucher_dates CHECK (valid_to >= valid_from)
);
CREATE INDEX vouchers_startup ON vouchers (startup_id);

-- ------------------------------------------------------------------ invoices

-- Invoices and credit notes.  A row is written with issued_at NULL, its
-- lines added, then issued in the same transaction: from then on neither
-- the row nor its lines change.
CREATE TABLE invoices (
  id           bigserial PRIMARY KEY,
  number       text NOT NULL UNIQUE,
  kind         text NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
  space_id     bigint NOT NULL REFERENCES spaces,
  startup_id   bigint NOT NULL REFERENCES startups,
  period       date NOT NULL CHECK (extract(day FROM period) = 1),
  currency     rb_currency NOT NULL DEFAULT 'CNY',
  total_fen    bigint NOT NULL DEFAULT 0,
  voucher_fen  bigint NOT NULL DEFAULT 0,
  startup_fen  bigint NOT NULL DEFAULT 0,
  credit_of    bigint REFERENCES invoices,
  reason       text NOT NULL DEFAULT '',
  created_by   bigint REFERENCES members,
  issued_at    timestamptz,
  CONSTRAINT invoice_sum CHECK (total_fen = voucher_fen + startup_fen),
  CONSTRAINT credit_note_of CHECK ((kind = 'credit_note') = (credit_of IS NOT NULL))
);
-- One invoice per space, startup and month, however often the run runs.
CREATE UNIQUE INDEX invoices_once ON invoices (space_id, startup_id, period) WHERE kind = 'invoice';
CREATE INDEX invoices_startup ON invoices (startup_id, period);

-- Gapless numbers per space and year: the row is locked FOR UPDATE by the
-- transaction that issues, so a rolled-back invoice gives its number back.
CREATE TABLE invoice_counters (
  space_id  bigint NOT NULL REFERENCES spaces,
  year      int NOT NULL,
  last_no   int NOT NULL DEFAULT 0,
  PRIMARY KEY (space_id, year)
);

CREATE TABLE invoice_lines (
  id           bigserial PRIMARY KEY,
  invoice_id   bigint NOT NULL REFERENCES invoices,
  charge_id    bigint NOT NULL UNIQUE REFERENCES charges,  -- a charge is invoiced once
  amount_fen   bigint NOT NULL,
  voucher_fen  bigint NOT NULL DEFAULT 0,
  startup_fen  bigint NOT NULL,
  CONSTRAINT line_sum CHECK (amount_fen = voucher_fen + startup_fen)
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id);

CREATE TABLE voucher_redemptions (
  id              bigserial PRIMARY KEY,
  voucher_id      bigint NOT NULL REFERENCES vouchers,
  invoice_line_id bigint NOT NULL REFERENCES invoice_lines,
  amount_fen      bigint NOT NULL CHECK (amount_fen <> 0), -- negative: given back by a reversal
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voucher_redemptions_voucher ON voucher_redemptions (voucher_id);
CREATE INDEX voucher_redemptions_line ON voucher_redemptions (invoice_line_id);

CREATE FUNCTION rb_invoice_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.issued_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412',
      MESSAGE = format('invoice %s is issued and never changes; correct it with a credit note (rigbook invoice credit %s)',
                       OLD.number, OLD.number);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER invoices_frozen BEFORE UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION rb_invoice_frozen();

CREATE FUNCTION rb_invoice_line_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices;
BEGIN
  SELECT * INTO inv FROM invoices
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
  IF TG_OP <> 'INSERT' OR inv.issued_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412',
      MESSAGE = format('invoice %s is issued and never changes; correct it with a credit note (rigbook invoice credit %s)',
                       inv.number, inv.number);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER invoice_lines_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION rb_invoice_line_frozen();

CREATE TRIGGER voucher_redemptions_append_only BEFORE UPDATE OR DELETE ON voucher_redemptions
  FOR EACH ROW EXECUTE FUNCTION rb_append_only();

-- ------------------------------------------------------------------ charging

-- Operators of a space (and admins) set its prices and invoice it.
CREATE FUNCTION rb_is_operator(m members, p_space bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT m.role = 'admin' OR (m.role = 'operator' AND m.space_id = p_space)
$$;

-- The rate in force for a resource and tier on a local date.
CREATE FUNCTION rb_rate_for(p_resource bigint, p_tier price_tier, p_day date) RETURNS rate_cards
LANGUAGE sql STABLE AS $$
  SELECT * FROM rate_cards
   WHERE resource_id = p_resource AND tier = p_tier AND effective_from <= p_day
   ORDER BY effective_from DESC LIMIT 1
$$;

-- The charge for p_secs seconds under rate c: the minutes charged (rounded
-- up to the increment) and the amount.  A duration of at least day_hours,
-- when the rate has a day rate, is charged per started 24 hours at it;
-- otherwise by the hour (half a fen rounds up), never below the minimum.
CREATE FUNCTION rb_rate_amount(c rate_cards, p_secs bigint, OUT minutes bigint, OUT amount bigint)
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

-- p% of an amount, half a fen up.
CREATE FUNCTION rb_pct(p_amount bigint, p_pct int) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT (p_amount * p_pct + 50) / 100 $$;

-- Minutes as "1h45".
CREATE FUNCTION rb_hm(p_minutes bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_minutes / 60) || 'h' || lpad((p_minutes % 60)::text, 2, '0')
$$;

-- Charge a booking when it completes, becomes a no-show or is cancelled
-- late: a trigger, so every path (check-out, usage corrections, staff, the
-- no-show sweep, cancellation with companions) charges, and the unique
-- (booking_id, kind) makes it exactly once.  A no-show checked in after
-- all has its no-show line reversed.  Bookings without a startup, and
-- resources without a rate for the startup's tier, are not charged.
CREATE FUNCTION rb_booking_charge() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r resources;
  s startups;
  c rate_cards;
  sp bigint;
  v_kind charge_kind;
  v_day date;
  booked bigint := rb_epoch(upper(NEW.during)) - rb_epoch(lower(NEW.during));
  used bigint;
  secs bigint;
  a record;
  amt bigint;
  v_desc text;
  prev charges;
BEGIN
  IF NEW.startup_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF NEW.state = 'completed' AND OLD.state <> 'completed' THEN
    v_kind := 'usage';
  ELSIF NEW.state = 'no_show' AND OLD.state <> 'no_show' THEN
    v_kind := 'no_show';
  ELSIF NEW.state = 'cancelled' AND NEW.cancelled_late AND OLD.state <> 'cancelled' THEN
    v_kind := 'late_cancel';
  ELSIF OLD.state = 'no_show' AND NEW.state IN ('checked_in', 'completed') THEN
    v_kind := 'no_show_reversal';
  ELSE
    RETURN NULL;
  END IF;

  IF v_kind = 'no_show_reversal' OR (v_kind = 'usage' AND OLD.state = 'no_show') THEN
    SELECT * INTO prev FROM charges WHERE booking_id = NEW.id AND kind = 'no_show';
    IF FOUND AND NOT EXISTS (SELECT 1 FROM charges WHERE booking_id = NEW.id AND kind = 'no_show_reversal') THEN
      INSERT INTO charges (booking_id, kind, startup_id, space_id, resource_id, institution_id,
                           rate_card_id, tier, currency, charged_on, minutes, amount_fen,
                           credit_of, description)
      VALUES (NEW.id, 'no_show_reversal', prev.startup_id, prev.space_id, prev.resource_id,
              prev.institution_id, prev.rate_card_id, prev.tier, prev.currency, prev.charged_on,
              0, -prev.amount_fen, prev.id, 'no-show fee reversed: checked in after all');
    END IF;
    IF v_kind = 'no_show_reversal' THEN
      RETURN NULL;
    END IF;
  END IF;

  SELECT * INTO r FROM resources WHERE id = NEW.resource_id;
  SELECT * INTO s FROM startups WHERE id = NEW.startup_id;
  SELECT space_id INTO sp FROM institutions WHERE id = r.institution_id;
  v_day := (lower(NEW.during) AT TIME ZONE r.time_zone)::date;
  c := rb_rate_for(r.id, s.tier, v_day);
  IF c.id IS NULL THEN
    RETURN NULL;
  END IF;

  IF v_kind = 'usage' THEN
    used := coalesce(rb_epoch(NEW.checked_out_at) - rb_epoch(NEW.checked_in_at), 0);
    secs := CASE c.basis WHEN 'booked' THEN booked WHEN 'used' THEN used
                         ELSE greatest(booked, used) END;
    a := rb_rate_amount(c, secs);
    amt := a.amount;
    v_desc := format('%s %s, %s %s, charged %s', r.code,
                     rb_window_text(NEW.during, r.time_zone),
                     CASE c.basis WHEN 'booked' THEN 'booked' WHEN 'used' THEN 'used'
                          ELSE CASE WHEN used > booked THEN 'used' ELSE 'booked' END END,
                     rb_hm((secs + 59) / 60), rb_hm(a.minutes));
  ELSE
    a := rb_rate_amount(c, booked);
    amt := rb_pct(a.amount, CASE v_kind WHEN 'no_show' THEN c.no_show_fee_pct ELSE c.late_fee_pct END);
    v_desc := format('%s %s, %s fee %s%% of %s booked', r.code,
                     rb_window_text(NEW.during, r.time_zone),
                     CASE v_kind WHEN 'no_show' THEN 'no-show' ELSE 'late cancellation' END,
                     CASE v_kind WHEN 'no_show' THEN c.no_show_fee_pct ELSE c.late_fee_pct END,
                     rb_hm(a.minutes));
  END IF;
  IF amt = 0 THEN
    RETURN NULL;
  END IF;
  INSERT INTO charges (booking_id, kind, startup_id, space_id, resource_id, institution_id,
                       rate_card_id, tier, currency, charged_on, minutes, amount_fen, description)
  VALUES (NEW.id, v_kind, s.id, sp, r.id, r.institution_id, c.id, s.tier, c.currency, v_day,
          a.minutes, amt, v_desc)
  ON CONFLICT (booking_id, kind) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER booking_charges AFTER UPDATE OF state, cancelled_late ON bookings
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION rb_booking_charge();
