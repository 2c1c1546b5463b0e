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

CREATE DOMAIN rb_code AS text
  CHECK (VALUE ~ '^[a-z0-9][a-z0-9-]{0,39}$');

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
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resources_institution ON resources (institution_id);

CREATE TABLE startups (
  id          bigserial PRIMARY KEY,
  space_id    bigint NOT NULL REFERENCES spaces,
  code        rb_code NOT NULL UNIQUE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

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
  revoked_at  timestamptz
);
CREATE INDEX tokens_member ON tokens (member_id);

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
  CONSTRAINT booking_window CHECK (
    NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
    AND NOT lower_inf(during) AND NOT upper_inf(during)),
  -- The guarantee: two active bookings of one resource never overlap.
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist
    (resource_id WITH =, during WITH &&)
    WHERE (state NOT IN ('cancelled', 'declined'))
);
CREATE INDEX bookings_member ON bookings (member_id, lower(during));
CREATE INDEX bookings_startup ON bookings (startup_id, lower(during));

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

-- ------------------------------------------------------------------ errors
-- Functions raise SQLSTATEs of class RB; rigbookd maps them to wire codes
-- and passes MESSAGE through to the user (COLUMN names the request field):
--   RB400 INVALID_ARGUMENT   RB403 PERMISSION_DENIED   RB404 NOT_FOUND
--   RB409 CONFLICT (DETAIL: "<booking id> <start epoch> <end epoch>")
--   RB412 FAILED_PRECONDITION

CREATE FUNCTION rb_epoch(t timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(extract(epoch FROM t))::bigint $$;

CREATE FUNCTION rb_from_epoch(s bigint) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'epoch'::timestamptz + s * interval '1 second' $$;

-- "10:00-12:00 on 2026-12-03" in the resource's zone.
CREATE FUNCTION rb_window_text(w tstzrange, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN (lower(w) AT TIME ZONE tz)::date = ((upper(w) - interval '1 microsecond') AT TIME ZONE tz)::date
      THEN to_char(lower(w) AT TIME ZONE tz, 'HH24:MI') || '-' ||
           to_char(upper(w) AT TIME ZONE tz, 'HH24:MI') || ' on ' ||
           to_char(lower(w) AT TIME ZONE tz, 'YYYY-MM-DD')
    ELSE to_char(lower(w) AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI') || ' to ' ||
         to_char(upper(w) AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI')
  END || ' (' || tz || ')'
$$;

-- The booking as the wire shows it.
CREATE VIEW booking_view AS
SELECT b.id, r.code::text AS resource_code, r.name AS resource_name, r.time_zone,
       rb_epoch(lower(b.during)) AS start_epoch, rb_epoch(upper(b.during)) AS end_epoch,
       b.state::text AS state, m.handle::text AS member_handle,
       coalesce(s.code::text, '') AS startup_code, rb_epoch(b.created_at) AS created_epoch,
       b.note, coalesce(rb_epoch(b.cancelled_at), 0) AS cancelled_epoch, b.cancel_reason,
       b.member_id, b.startup_id, b.resource_id, b.during
FROM bookings b
JOIN resources r ON r.id = b.resource_id
JOIN members m ON m.id = b.member_id
LEFT JOIN startups s ON s.id = b.startup_id;

-- Look up or claim an idempotency key.  Returns the stored result id when the
-- key was used before for the same request, NULL when the caller should act
-- (the key row is then inserted by rb_idem_store in the same transaction).
-- A concurrent first use of the same key waits on the unique index.
CREATE FUNCTION rb_idem_lookup(p_member bigint, p_key text, p_op text, p_fp text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  k idempotency_keys;
BEGIN
  IF p_key IS NULL OR p_key = '' THEN
    RETURN NULL;
  END IF;
  -- Serialise uses of one key so that two retries racing each other see one
  -- first result.
  PERFORM pg_advisory_xact_lock(hashtextextended('idem:' || p_member || ':' || p_key, 0));
  SELECT * INTO k FROM idempotency_keys WHERE member_id = p_member AND key = p_key;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF k.operation <> p_op OR k.fingerprint <> p_fp THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'idempotency_key',
      MESSAGE = format('idempotency key %L was already used for a different request', p_key);
  END IF;
  RETURN k.result_id;
END $$;

CREATE FUNCTION rb_idem_store(p_member bigint, p_key text, p_op text, p_fp text, p_result bigint)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO idempotency_keys (member_id, key, operation, fingerprint, result_id)
  SELECT p_member, p_key, p_op, p_fp, p_result
  WHERE p_key IS NOT NULL AND p_key <> ''
$$;

-- ------------------------------------------------------------------ book
-- One call, one transaction.  Returns the booking row and whether it is a
-- replay of an earlier request with the same idempotency key.
CREATE FUNCTION rb_book(p_member bigint, p_code text, p_start bigint, p_end bigint,
                        p_note text, p_key text, p_peer text)
RETURNS TABLE (id bigint, resource_code text, resource_name text, time_zone text,
               start_epoch bigint, end_epoch bigint, state text, member_handle text,
               startup_code text, created_epoch bigint, note text,
               cancelled_epoch bigint, cancel_reason text, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members;
  r resources;
  w tstzrange;
  fp text := p_code || ' ' || p_start || ' ' || p_end || ' ' || coalesce(p_note, '');
  prev bigint;
  other record;
  new_id bigint;
BEGIN
  SELECT * INTO m FROM members WHERE members.id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'your account is disabled';
  END IF;

  prev := rb_idem_lookup(p_member, p_key, 'book', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch,
      v.end_epoch, v.state, v.member_handle, v.startup_code, v.created_epoch, v.note,
      v.cancelled_epoch, v.cancel_reason, true FROM booking_view v WHERE v.id = prev;
    RETURN;
  END IF;

  SELECT * INTO r FROM resources WHERE resources.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF r.retired_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
      MESSAGE = format('%s is retired and takes no new bookings', r.code);
  END IF;
  IF p_end <= p_start THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'the end of a booking must be after its start';
  END IF;
  IF p_end - p_start > 366 * 86400 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'a booking cannot be longer than 366 days';
  END IF;
  w := tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  IF lower(w) < now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
      MESSAGE = format('%s cannot be booked in the past (%s)', r.code, rb_window_text(w, r.time_zone));
  END IF;

  -- Competing requests for one resource queue here instead of deadlocking
  -- on the exclusion constraint.  The check below then sees every booking
  -- committed before this lock was granted.
  PERFORM pg_advisory_xact_lock(r.id);

  SELECT b.id, b.during, b.startup_id INTO other FROM bookings b
   WHERE b.resource_id = r.id AND b.during && w AND b.state NOT IN ('cancelled', 'declined')
   ORDER BY lower(b.during) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
      MESSAGE = format('%s is already booked %s', r.code, rb_window_text(other.during, r.time_zone)),
      DETAIL = other.id || ' ' || rb_epoch(lower(other.during)) || ' ' || rb_epoch(upper(other.during));
  END IF;

  INSERT INTO bookings (resource_id, member_id, startup_id, during, note)
  VALUES (r.id, m.id, m.startup_id, w, coalesce(p_note, ''))
  RETURNING bookings.id INTO new_id;

  PERFORM rb_idem_store(p_member, p_key, 'book', fp, new_id);
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (m.id, 'book', 'booking', new_id, coalesce(p_peer, ''),
          jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end));

  RETURN QUERY SELECT v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch,
    v.end_epoch, v.state, v.member_handle, v.startup_code, v.created_epoch, v.note,
    v.cancelled_epoch, v.cancel_reason, false FROM booking_view v WHERE v.id = new_id;
END $$;

-- ------------------------------------------------------------------ cancel
-- Members cancel their own bookings; managers those on their institution's
-- resources; operators those in their space; admins any.
CREATE FUNCTION rb_cancel(p_member bigint, p_booking bigint, p_reason text,
                          p_key text, p_peer text)
RETURNS TABLE (id bigint, resource_code text, resource_name text, time_zone text,
               start_epoch bigint, end_epoch bigint, state text, member_handle text,
               startup_code text, created_epoch bigint, note text,
               cancelled_epoch bigint, cancel_reason text, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  m members;
  b bookings;
  r resources;
  i institutions;
  fp text := p_booking || ' ' || coalesce(p_reason, '');
  prev bigint;
BEGIN
  SELECT * INTO m FROM members WHERE members.id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'your account is disabled';
  END IF;

  prev := rb_idem_lookup(p_member, p_key, 'cancel', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch,
      v.end_epoch, v.state, v.member_handle, v.startup_code, v.created_epoch, v.note,
      v.cancelled_epoch, v.cancel_reason, true FROM booking_view v WHERE v.id = prev;
    RETURN;
  END IF;

  SELECT * INTO b FROM bookings WHERE bookings.id = p_booking FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s', p_booking);
  END IF;
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  SELECT * INTO i FROM institutions WHERE institutions.id = r.institution_id;

  IF NOT (b.member_id = m.id
          OR m.role = 'admin'
          OR (m.role = 'operator' AND m.space_id = i.space_id)
          OR (m.role = 'manager' AND m.institution_id = r.institution_id)) THEN
    IF m.startup_id IS NOT DISTINCT FROM b.startup_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
        MESSAGE = format('booking %s belongs to another member of your startup; only they or a manager of %s can cancel it', b.id, r.code);
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s belongs to another startup; you can cancel only your own bookings', b.id);
  END IF;

  IF b.state NOT IN ('requested', 'confirmed') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be cancelled', b.id, b.state);
  END IF;
  IF upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s has already ended', b.id);
  END IF;

  UPDATE bookings SET state = 'cancelled', cancelled_at = now(), cancelled_by = m.id,
         cancel_reason = coalesce(p_reason, '')
   WHERE bookings.id = b.id;

  PERFORM rb_idem_store(p_member, p_key, 'cancel', fp, b.id);
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (m.id, 'cancel', 'booking', b.id, coalesce(p_peer, ''),
          jsonb_build_object('reason', coalesce(p_reason, '')));

  RETURN QUERY SELECT v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch,
    v.end_epoch, v.state, v.member_handle, v.startup_code, v.created_epoch, v.note,
    v.cancelled_epoch, v.cancel_reason, false FROM booking_view v WHERE v.id = b.id;
END $$;
