
-- rigbook core schema: spaces, institutions, resources, startups, members,
-- tokens, bookings (no double booking, enforced here), idempotency keys and
-- the audit trail.  Applied by rigbookd in one transaction.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE resource_kind AS ENUM
  ('instrument', 'test_facility', 'machining', 'pilot_line', 'workspace');
CREATE TYPE member_role AS ENUM ('member', 'manager', 'operator', 'admin');
CREATE TYPE booking_state AS ENUM
  ('requested', 'confirmed', 'declined', 'cancelled', 'checked_in', 'completed', 'no_show');
CREATE TYPE institution_kind AS ENUM ('enterprise', 'institute', 'university');
CREATE TYPE price_tier AS ENUM ('member_startup', 'host_internal', 'external');

CREATE DOMAIN rb_code AS text
  CHECK (VALUE ~ '^[a-z0-9][a-z0-9-]{0,39}$');

-- The two functions the tables' CHECK constraints call.  They are part of
-- the schema (a constraint depends on them), so they live here and not in
-- sql/, and change only through a migration.
-- An IANA zone name ("Asia/Shanghai", "Europe/Berlin", "UTC") that
-- PostgreSQL knows.  Area/Location names only, so no abbreviation ("CST") or
-- POSIX rule ("UTC+8") slips in; asking AT TIME ZONE is cheap, where
-- scanning pg_timezone_names reads the whole zone database.
CREATE FUNCTION rb_valid_tz(tz text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF tz IS NULL OR NOT (tz = 'UTC' OR tz ~ '^[A-Z][A-Za-z_-]+(/[A-Za-z0-9_+-]+){1,2}$') THEN
    RETURN false;
  END IF;
  PERFORM now() AT TIME ZONE tz;
  RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN false;
END $$;

-- People and access: the startups of a space with the details printed on
-- their invoices (legal name, unified social credit code, address), the
-- members who book for them, and the bearer tokens members sign in with.
-- Operators manage the startups and members of their own space; admins
-- everything.  Who may do what is decided here, in the function that acts.

-- ------------------------------------------------------------------ USCC
-- The unified social credit code (统一社会信用代码, GB 32100-2015): 18
-- characters from 0-9 and the capitals without I, O, S, V and Z; characters
-- 3-8 are the administrative division code (digits); the 18th is a check
-- character over the first 17 with weights 3^(i-1) mod 31.  NULL when code
-- is well formed, else the rule it breaks, for people.
CREATE FUNCTION rb_uscc_problem(code text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  cs constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
  w constant int[] := ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  total int := 0;
  v int;
  want text;
BEGIN
  IF code IS NULL THEN
    RETURN 'a unified social credit code is required';
  END IF;
  IF length(code) <> 18 THEN
    RETURN format('a unified social credit code has 18 characters; %s has %s', code, length(code));
  END IF;
  FOR i IN 1..18 LOOP
    IF strpos(cs, substr(code, i, 1)) = 0 THEN
      RETURN format('character %s of %s (%s) is not allowed: a unified social credit code uses the digits and the capitals A-Y without I, O, S, V and Z',
                    i, code, substr(code, i, 1));
    END IF;
  END LOOP;
  IF substr(code, 3, 6) !~ '^[0-9]{6}$' THEN
    RETURN format('characters 3-8 of %s (%s) must be digits: they are the administrative division code',
                  code, substr(code, 3, 6));
  END IF;
  FOR i IN 1..17 LOOP
    v := strpos(cs, substr(code, i, 1)) - 1;
    total := total + v * w[i];
  END LOOP;
  want := substr(cs, (31 - total % 31) % 31 + 1, 1);
  IF substr(code, 18, 1) <> want THEN
    RETURN format('the check character of %s is wrong: by GB 32100-2015 it must be %s, not %s',
                  code, want, substr(code, 18, 1));
  END IF;
  RETURN NULL;
END $$;

CREATE TABLE spaces (
  id          bigserial PRIMARY KEY,
  code        rb_code NOT NULL UNIQUE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_zh     text NOT NULL DEFAULT '',
  field       text NOT NULL DEFAULT '',
  field_zh    text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE institutions (
  id          bigserial PRIMARY KEY,
  space_id    bigint NOT NULL REFERENCES spaces,
  code        rb_code NOT NULL UNIQUE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_zh     text NOT NULL DEFAULT '',
  kind        institution_kind NOT NULL DEFAULT 'enterprise',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX institutions_space ON institutions (space_id);

CREATE TABLE resources (
  id             bigserial PRIMARY KEY,
  institution_id bigint NOT NULL REFERENCES institutions,
  code           rb_code NOT NULL UNIQUE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind           resource_kind NOT NULL,
  description    text NOT NULL DEFAULT '',
  location       text NOT NULL DEFAULT '',
  time_zone      text NOT NULL DEFAULT 'Asia/Shanghai' CHECK (rb_valid_tz(time_zone)),
  retired_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- rules and terms (rigbook rules, rigbook terms)
  tags text[] NOT NULL DEFAULT '{}'
    CHECK (array_position(tags, NULL) IS NULL AND cardinality(tags) <= 32),
  slot_minutes int NOT NULL DEFAULT 0 CHECK (slot_minutes BETWEEN 0 AND 1440),
  min_minutes int NOT NULL DEFAULT 0 CHECK (min_minutes BETWEEN 0 AND 527040),
  max_minutes int NOT NULL DEFAULT 0 CHECK (max_minutes BETWEEN 0 AND 527040),
  min_notice_minutes int NOT NULL DEFAULT 0 CHECK (min_notice_minutes BETWEEN 0 AND 527040),
  max_ahead_days int NOT NULL DEFAULT 0 CHECK (max_ahead_days BETWEEN 0 AND 3660),
  buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 10080),
  max_active_per_member int NOT NULL DEFAULT 0 CHECK (max_active_per_member BETWEEN 0 AND 10000),
  weekly_minutes_per_startup int NOT NULL DEFAULT 0
    CHECK (weekly_minutes_per_startup BETWEEN 0 AND 10080),
  whole_days boolean NOT NULL DEFAULT false,
  min_gap_minutes int NOT NULL DEFAULT 0 CHECK (min_gap_minutes BETWEEN 0 AND 527040),
  terms_seq int NOT NULL DEFAULT 0,
  terms_version int NOT NULL DEFAULT 0,
  terms_text text NOT NULL DEFAULT '' CHECK (length(terms_text) <= 20000),
  retire_reason text NOT NULL DEFAULT '',
  CONSTRAINT resource_min_le_max CHECK (max_minutes = 0 OR min_minutes <= max_minutes),
  -- the booking lifecycle
  needs_approval boolean NOT NULL DEFAULT false,
  needs_qualification boolean NOT NULL DEFAULT false,
  -- a cancellation fewer than this many minutes before the start is late
  late_cancel_minutes int NOT NULL DEFAULT 0 CHECK (late_cancel_minutes >= 0),
  -- check-in opens this many minutes before the start
  checkin_early_minutes int NOT NULL DEFAULT 15 CHECK (checkin_early_minutes >= 0),
  -- nobody checked in this many minutes after the start: a no-show
  no_show_grace_minutes int NOT NULL DEFAULT 15 CHECK (no_show_grace_minutes >= 0)
);
CREATE INDEX resources_institution ON resources (institution_id);

CREATE TABLE startups (
  id          bigserial PRIMARY KEY,
  space_id    bigint NOT NULL REFERENCES spaces,
  code        rb_code NOT NULL UNIQUE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- what the invoices print; '' while unknown
  legal_name  text NOT NULL DEFAULT '' CHECK (length(legal_name) <= 200),
  credit_code text NOT NULL DEFAULT '',
  address     text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
  -- the price tier its own space charges (rigbook rate tier)
  tier        price_tier NOT NULL DEFAULT 'member_startup',
  CONSTRAINT startup_credit_code_valid
    CHECK (credit_code = '' OR rb_uscc_problem(credit_code) IS NULL)
);
CREATE INDEX startups_space ON startups (space_id);

CREATE TABLE members (
  id             bigserial PRIMARY KEY,
  handle         rb_code NOT NULL UNIQUE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email          text NOT NULL DEFAULT '',
  role           member_role NOT NULL,
  space_id       bigint REFERENCES spaces,
  startup_id     bigint REFERENCES startups,
  institution_id bigint REFERENCES institutions,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT member_has_startup CHECK (role <> 'member' OR startup_id IS NOT NULL),
  CONSTRAINT manager_has_institution CHECK (role <> 'manager' OR institution_id IS NOT NULL)
);
CREATE INDEX members_startup ON members (startup_id);

-- Bearer tokens.  Only the SHA-256 of the secret is kept: tokens are 256-bit
-- random strings, so a fast hash is enough and a database dump reveals none.
CREATE TABLE tokens (
  id          bigserial PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES members,
  hash        bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
  label       text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,
  revoked_at  timestamptz,
  issued_by   bigint REFERENCES members,
  -- the last sign-in, to the minute (rb_auth writes it at most once a
  -- minute per token)
  last_used_at timestamptz,
  CONSTRAINT token_label_length CHECK (length(label) <= 200)
);
CREATE INDEX tokens_member ON tokens (member_id);

-- Identical units (six benches, four chamber ports).  Unit rows are never
-- deleted (bookings refer to them); fewer units retires the highest.
CREATE TABLE resource_units (
  id          bigserial PRIMARY KEY,
  resource_id bigint NOT NULL REFERENCES resources,
  unit_no     int NOT NULL CHECK (unit_no BETWEEN 1 AND 1000),
  retired_at  timestamptz,
  UNIQUE (resource_id, unit_no)
);

-- Recurring bookings: one request books a window every N days, keeping the
-- local wall-clock time in the resource's zone across daylight-saving
-- changes.  Each occurrence goes through rb_book, so every rule of a single
-- booking holds for it, and rules that count bookings count the series' own
-- earlier occurrences.  All or nothing unless asked to skip what is refused.

CREATE TABLE booking_series (
  id bigserial PRIMARY KEY,
  member_id bigint NOT NULL REFERENCES members,
  resource_id bigint NOT NULL REFERENCES resources,
  first_start timestamptz NOT NULL,
  first_end timestamptz NOT NULL,
  every_days int NOT NULL CHECK (every_days BETWEEN 1 AND 366),
  occurrences int NOT NULL CHECK (occurrences BETWEEN 1 AND 52),  -- asked for
  skip_conflicts boolean NOT NULL,
  -- occurrences refused and skipped: [{n, start, end, code, reason}]
  skipped jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  CHECK (first_end > first_start)
);

CREATE TABLE bookings (
  id            bigserial PRIMARY KEY,
  resource_id   bigint NOT NULL REFERENCES resources,
  member_id     bigint NOT NULL REFERENCES members,
  startup_id    bigint REFERENCES startups,
  during        tstzrange NOT NULL,
  state         booking_state NOT NULL DEFAULT 'confirmed',
  note          text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  cancelled_at  timestamptz,
  cancelled_by  bigint REFERENCES members,
  cancel_reason text NOT NULL DEFAULT '',
  -- the unit of the resource it holds; parent: the booking whose companion
  -- (a required resource) this is; override: why staff booked past a rule
  unit_id       bigint NOT NULL REFERENCES resource_units,
  override_reason text NOT NULL DEFAULT '',
  parent_id     bigint REFERENCES bookings,
  -- the lifecycle (sql/lifecycle.sql)
  cancelled_late boolean NOT NULL DEFAULT false,
  decided_by    bigint REFERENCES members,
  decided_at    timestamptz,
  decision_reason text NOT NULL DEFAULT '',
  checked_in_at timestamptz,
  checked_out_at timestamptz,
  usage_note    text NOT NULL DEFAULT '',
  series_id     bigint,
  series_no     int CHECK (series_no >= 1),
  CONSTRAINT booking_window CHECK (
    NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
    AND NOT lower_inf(during) AND NOT upper_inf(during)),
  -- The guarantee: two active bookings of one unit never overlap.
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist
    (unit_id WITH =, during WITH &&) WHERE (state NOT IN ('cancelled', 'declined')),
  CONSTRAINT booking_usage CHECK (checked_out_at IS NULL OR
                                  (checked_in_at IS NOT NULL AND checked_out_at > checked_in_at)),
  CONSTRAINT bookings_series_fk FOREIGN KEY (series_id) REFERENCES booking_series,
  CONSTRAINT booking_series_no CHECK ((series_id IS NULL) = (series_no IS NULL))
);
CREATE INDEX bookings_member ON bookings (member_id, lower(during));
CREATE INDEX bookings_startup ON bookings (startup_id, lower(during));
-- Reads of one resource over a window (availability, slots, rules).
CREATE INDEX bookings_resource_during ON bookings USING gist (resource_id, during)
  WHERE (state NOT IN ('cancelled', 'declined'));
CREATE INDEX bookings_parent ON bookings (parent_id) WHERE parent_id IS NOT NULL;

-- A retried mutation with the same key returns the first result.
CREATE TABLE idempotency_keys (
  member_id   bigint NOT NULL REFERENCES members,
  key         text NOT NULL,
  operation   text NOT NULL,
  fingerprint text NOT NULL,
  result_id   bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, key)
);

-- One row per mutation, written in the mutation's transaction.
CREATE TABLE audit (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  member_id  bigint REFERENCES members,
  action     text NOT NULL,
  object     text NOT NULL,
  object_id  bigint,
  peer       text NOT NULL DEFAULT '',
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_object ON audit (object, object_id);
-- A host institution opens its equipment on its own terms: opening hours,
-- date exceptions, closures and maintenance, booking rules, identical units,
-- required companion resources and terms to accept.  Every booking is held
-- to them inside its transaction.


CREATE INDEX resources_tags ON resources USING gin (tags);


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
-- The booking lifecycle: approval, moving, handing over, cancelling late,
-- using the equipment (check-in/out) and not turning up.
--
--   requested -> confirmed | declined
--   confirmed -> cancelled | checked_in -> completed
--   confirmed -> no_show    (nobody checked in within the grace period)
--
-- Requested bookings hold their time like confirmed ones (the exclusion
-- constraint covers every state but cancelled and declined).


-- The no-show sweep and the approval queue read these.
CREATE INDEX bookings_confirmed_start ON bookings (lower(during)) WHERE state = 'confirmed';
CREATE INDEX bookings_requested ON bookings (resource_id, lower(during)) WHERE state = 'requested';
CREATE INDEX bookings_series ON bookings (series_id) WHERE series_id IS NOT NULL;
-- Using the equipment: who is qualified on what, checking in and out,
-- corrections of the usage record, and no-shows.
--
--   confirmed -> checked_in  (the holder or staff, from checkin_early_minutes
--                             before the start until the end)
--   no_show   -> checked_in  (a late arrival before the end)
--   checked_in -> completed  (checked out; an overrun ends when the next
--                             booking of the unit begins)
--   confirmed -> no_show     (nobody checked in by start + no_show_grace_minutes:
--                             staff by hand, or rb_mark_no_shows() on a timer)
--
-- Every change takes the resource's advisory lock and then the booking row
-- (rb_lock_booking), like every other change to a booking.  The no-show
-- sweep takes no advisory lock but never waits either: it skips rows that
-- are locked, so it cannot deadlock and two sweeps never mark one booking.

-- ------------------------------------------------------------------ qualification

-- One row per member and resource; granting again renews it, revoking keeps
-- it on record.  The audit trail keeps every grant and revocation.
CREATE TABLE qualifications (
  id          bigserial PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES members,
  resource_id bigint NOT NULL REFERENCES resources,
  granted_by  bigint NOT NULL REFERENCES members,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,            -- NULL: does not expire
  revoked_at  timestamptz,
  revoked_by  bigint REFERENCES members,
  UNIQUE (member_id, resource_id),
  CONSTRAINT qualification_revoked CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX qualifications_resource ON qualifications (resource_id);
-- The waitlist: a member queues for a window that is taken.  When time frees
-- up on a resource (a booking cancelled, declined or moved away, a closure
-- removed), the first waiting entry, in the order entries were made, whose
-- window now passes every booking rule is booked through rb_book, inside the
-- transaction that freed the time.  An entry that still does not fit stays
-- waiting; a later one that fits may go first.
--
--   waiting -> promoted (booking_id)  |  withdrawn
--
-- Locking: every path that books, or changes a booking or a resource, takes
-- the advisory locks of the resource's whole requirement group (the
-- resources linked to it by resource_requires, either way) in ascending id
-- order before any row lock.  A promotion can only book resources of the
-- group whose time was freed, so it never takes a lock out of that order.

CREATE TABLE waitlist (
  id           bigserial PRIMARY KEY,
  resource_id  bigint NOT NULL REFERENCES resources,
  member_id    bigint NOT NULL REFERENCES members,
  during       tstzrange NOT NULL CHECK (NOT isempty(during) AND NOT lower_inf(during)
                                         AND NOT upper_inf(during)),
  note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  state        text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'promoted', 'withdrawn')),
  booking_id   bigint REFERENCES bookings,
  promoted_at  timestamptz,
  withdrawn_at timestamptz,
  withdrawn_by bigint REFERENCES members,
  -- why the window could not be booked when the entry was made or last tried
  refusal      text NOT NULL DEFAULT '',
  tried_at     timestamptz,
  CHECK ((state = 'promoted') = (booking_id IS NOT NULL AND promoted_at IS NOT NULL)),
  CHECK ((state = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
-- The queue of a resource, in fair order.
CREATE INDEX waitlist_queue ON waitlist (resource_id, created_at, id) WHERE state = 'waiting';
CREATE INDEX waitlist_member ON waitlist (member_id, created_at);
CREATE INDEX resource_required_by ON resource_requires (required_id);

-- One row per occurrence of a series: booked (booking_id) or refused (code
-- and reason).  series_id is 0 when nothing was booked.
CREATE TYPE rb_series_row AS (
  series_id bigint, n int, booking_id bigint, occ_start bigint, occ_end bigint,
  code text, reason text, replayed boolean, occurrences int
);




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

CREATE TYPE charge_basis AS ENUM ('booked', 'used', 'greater');
CREATE TYPE charge_kind AS ENUM ('usage', 'late_cancel', 'no_show', 'no_show_reversal', 'credit');

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
-- The filing report: per resource and in total, over whole local days, the
-- hours a resource was open, booked and used, how many startups used it,
-- its bookings and no-shows, what it charged and what vouchers paid of it.
--
-- One statement, set-based: the resources in scope with their range in
-- their own zone, then every booking that touches the range (through the
-- GiST index on resource and window), aggregated per resource and in total
-- with GROUPING SETS, so that startups served in total are counted once
-- however many resources they used.  Opening hours are computed per
-- resource (rb_windows less closures), never per booking.

-- The ledger of one resource over a range of dates.
CREATE INDEX charges_resource_date ON charges (resource_id, charged_on);
