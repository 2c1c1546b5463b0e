-- The database rigbookd v0.2.0 leaves behind: migrated by it, with its
-- test fixture loaded.  Made by tests/integration/upgrade/make.sh v0.2.0.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;


--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';


--
-- Name: booking_state; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.booking_state AS ENUM (
    'requested',
    'confirmed',
    'declined',
    'cancelled',
    'checked_in',
    'completed',
    'no_show'
);


--
-- Name: charge_basis; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.charge_basis AS ENUM (
    'booked',
    'used',
    'greater'
);


--
-- Name: charge_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.charge_kind AS ENUM (
    'usage',
    'late_cancel',
    'no_show',
    'no_show_reversal',
    'credit'
);


--
-- Name: institution_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.institution_kind AS ENUM (
    'enterprise',
    'institute',
    'university'
);


--
-- Name: member_role; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.member_role AS ENUM (
    'member',
    'manager',
    'operator',
    'admin'
);


--
-- Name: price_tier; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.price_tier AS ENUM (
    'member_startup',
    'host_internal',
    'external'
);


--
-- Name: rb_code; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.rb_code AS text
	CONSTRAINT rb_code_check CHECK ((VALUE ~ '^[a-z0-9][a-z0-9-]{0,39}$'::text));


--
-- Name: rb_currency; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.rb_currency AS text
	CONSTRAINT rb_currency_check CHECK ((VALUE ~ '^[A-Z]{3}$'::text));


--
-- Name: rb_res_row; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.rb_res_row AS (
	id bigint,
	code text,
	name text,
	kind text,
	institution_code text,
	institution_name text,
	space_code text,
	time_zone text,
	description text,
	location text,
	retired boolean,
	tags text,
	units integer,
	slot_minutes integer,
	min_minutes integer,
	max_minutes integer,
	min_notice_minutes integer,
	max_ahead_days integer,
	buffer_minutes integer,
	max_active_per_member integer,
	weekly_minutes_per_startup integer,
	whole_days boolean,
	min_gap_minutes integer,
	terms_version integer,
	requires text,
	tag text,
	n1 bigint,
	n2 bigint,
	n3 bigint,
	t1 text,
	t2 text,
	t3 text,
	b1 boolean
);


--
-- Name: rb_series_row; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.rb_series_row AS (
	series_id bigint,
	n integer,
	booking_id bigint,
	occ_start bigint,
	occ_end bigint,
	code text,
	reason text,
	replayed boolean,
	occurrences integer
);


--
-- Name: resource_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.resource_kind AS ENUM (
    'instrument',
    'test_facility',
    'machining',
    'pilot_line',
    'workspace'
);


--
-- Name: rb_accept_terms(bigint, text, integer, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_accept_terms(p_member bigint, p_code text, p_version integer, p_peer text) RETURNS TABLE(resource_code text, version integer)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF r.terms_version = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'code',
      MESSAGE = format('%s has no terms to accept', r.code);
  END IF;
  IF p_version <> r.terms_version THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'version',
      MESSAGE = format('the current terms of %s are version %s; read them with rigbook terms %s',
                       r.code, r.terms_version, r.code);
  END IF;
  INSERT INTO terms_acceptances (member_id, resource_id, version) VALUES (m.id, r.id, p_version)
  ON CONFLICT DO NOTHING;
  PERFORM rb_audit(m.id, 'accept_terms', 'resource', r.id, p_peer, jsonb_build_object('version', p_version));
  RETURN QUERY SELECT r.code::text, p_version;
END $$;


--
-- Name: rb_add_closure(bigint, text, bigint, bigint, text, text, boolean, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_add_closure(p_member bigint, p_code text, p_start bigint, p_end bigint, p_kind text, p_reason text, p_force boolean, p_peer text) RETURNS TABLE(closure_id bigint, c_start bigint, c_end bigint, c_kind text, c_reason text, c_by text, id bigint, resource_code text, resource_name text, time_zone text, start_epoch bigint, end_epoch bigint, state text, member_handle text, startup_code text, created_epoch bigint, note text, cancelled_epoch bigint, cancel_reason text, unit_no integer, override_reason text, parent_id bigint)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  w tstzrange;
  hit text;
  cid bigint;
  ids bigint[];
BEGIN
  IF p_end <= p_start THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'the end of a closure must be after its start';
  END IF;
  IF coalesce(p_reason, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = 'say why the resource is closed; members see the reason';
  END IF;
  IF p_kind NOT IN ('closure', 'maintenance') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kind', MESSAGE = 'a closure is a closure or maintenance';
  END IF;
  w := tstzrange(rb_from_epoch(p_start), rb_from_epoch(p_end), '[)');
  SELECT string_agg(format('booking %s (%s, %s)', v.id, rb_window_text(v.during, v.time_zone),
                           v.member_handle), '; ' ORDER BY lower(v.during)) INTO hit
    FROM booking_view v
   WHERE v.resource_id = r.id AND v.during && w AND v.state IN ('requested', 'confirmed')
     AND upper(v.during) > now();
  IF hit IS NOT NULL AND NOT p_force THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
      MESSAGE = format('%s has bookings in %s: %s; force the closure to cancel them', r.code,
                       rb_window_text(w, r.time_zone), hit);
  END IF;
  INSERT INTO closures (resource_id, during, kind, reason, created_by)
  VALUES (r.id, w, p_kind, p_reason, m.id) RETURNING closures.id INTO cid;
  WITH hit AS (
    UPDATE bookings b SET state = 'cancelled', cancelled_at = now(), cancelled_by = m.id,
           cancel_reason = CASE p_kind WHEN 'maintenance' THEN 'maintenance: ' ELSE 'closed: ' END || p_reason
     WHERE b.resource_id = r.id AND b.during && w AND b.state IN ('requested', 'confirmed')
       AND upper(b.during) > now()
    RETURNING b.id
  ) SELECT coalesce(array_agg(hit.id), '{}') INTO ids FROM hit;
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


--
-- Name: rb_add_member(bigint, text, text, text, text, text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_add_member(p_member bigint, p_handle text, p_name text, p_email text, p_role text, p_startup text, p_institution text, p_space text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $_$
DECLARE
  a members := rb_people_actor(p_member);
  s startups;
  i institutions;
  sp_id bigint;
  v_name text := rb_people_text(p_name, 200, 'a member''s name', 'name');
  v_email text := rb_people_text(coalesce(p_email, ''), 200, 'an email address', 'email');
  new_id bigint;
BEGIN
  PERFORM rb_people_code(p_handle, 'handle', 'handle');
  IF p_role IS NULL OR p_role NOT IN ('member', 'manager', 'operator') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'role',
      MESSAGE = format('role %s cannot be given here; possibilities are: member, manager, operator', coalesce(p_role, ''));
  END IF;
  IF v_name IS NULL OR v_name = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'name',
      MESSAGE = format('a new member needs a name (%s)', p_handle);
  END IF;
  IF v_email <> '' AND v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'email',
      MESSAGE = format('%s is not an email address', v_email);
  END IF;
  IF coalesce(p_startup, '') <> '' THEN
    SELECT * INTO s FROM startups WHERE code = p_startup;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'startup_code',
        MESSAGE = format('no startup is called %s', p_startup);
    END IF;
    sp_id := s.space_id;
  ELSIF p_role = 'member' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'startup_code',
      MESSAGE = format('member %s needs a startup: members book for one', p_handle);
  END IF;
  IF coalesce(p_institution, '') <> '' THEN
    SELECT * INTO i FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'institution_code',
        MESSAGE = format('no institution is called %s', p_institution);
    END IF;
    IF sp_id IS NOT NULL AND sp_id <> i.space_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'institution_code',
        MESSAGE = format('startup %s and institution %s are in different spaces', s.code, i.code);
    END IF;
    sp_id := i.space_id;
  ELSIF p_role = 'manager' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'institution_code',
      MESSAGE = format('manager %s needs an institution: managers look after its resources', p_handle);
  END IF;
  IF coalesce(p_space, '') <> '' THEN
    IF sp_id IS NOT NULL AND sp_id <> (rb_space_of(p_space, 'space_code')).id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'space_code',
        MESSAGE = format('%s is in another space than %s', coalesce(s.code, i.code), p_space);
    END IF;
    sp_id := (rb_space_of(p_space, 'space_code')).id;
  END IF;
  IF sp_id IS NULL THEN
    IF a.role = 'admin' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'space_code',
        MESSAGE = format('say which space %s works in', p_handle);
    END IF;
    sp_id := rb_member_space(a);
  END IF;
  PERFORM rb_may_manage_people(a, sp_id, format('member %s', p_handle), 'handle');

  IF EXISTS (SELECT 1 FROM members WHERE handle = p_handle) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'handle',
      MESSAGE = format('a member called %s already exists; handles are unique', p_handle);
  END IF;
  BEGIN
    INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id)
    VALUES (p_handle, v_name, v_email, p_role::member_role, sp_id, s.id, i.id)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'handle',
      MESSAGE = format('a member called %s already exists; handles are unique', p_handle);
  END;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'member_add', 'member', new_id, coalesce(p_peer, ''),
          jsonb_build_object('handle', p_handle, 'role', p_role, 'startup', coalesce(s.code::text, ''),
                             'institution', coalesce(i.code::text, ''),
                             'space', (SELECT code FROM spaces WHERE id = sp_id)));
  RETURN new_id;
END $_$;


--
-- Name: rb_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'RB412',
    MESSAGE = format('%s is append-only: a charge never changes; correct it with a credit note (rigbook invoice credit)',
                     TG_TABLE_NAME);
END $$;


--
-- Name: rb_approvals(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_approvals(p_member bigint, p_code text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
BEGIN
  RETURN QUERY
    SELECT b.id FROM bookings b
      JOIN resources r ON r.id = b.resource_id
      JOIN institutions i ON i.id = r.institution_id
     WHERE b.state = 'requested' AND b.parent_id IS NULL AND upper(b.during) > now()
       AND rb_is_staff(m, i.id, i.space_id)
       AND (p_code IS NULL OR r.code = p_code)
     ORDER BY b.created_at, b.id
     LIMIT 1000;
END $$;


--
-- Name: rb_at_text(timestamp with time zone, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_at_text(t timestamp with time zone, tz text) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT to_char(t AT TIME ZONE tz, 'HH24:MI "on" YYYY-MM-DD') || ' (' || tz || ')'
$$;


--
-- Name: rb_audit(bigint, text, text, bigint, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_audit(p_member bigint, p_action text, p_object text, p_id bigint, p_peer text, p_detail jsonb) RETURNS void
    LANGUAGE sql
    AS $$
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (p_member, p_action, p_object, p_id, coalesce(p_peer, ''), coalesce(p_detail, '{}'))
$$;


--
-- Name: rb_auth(bytea); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_auth(p_hash bytea) RETURNS TABLE(id bigint, handle text, name text, role text, startup_code text, institution_code text, space_code text, startup_id bigint, institution_id bigint)
    LANGUAGE plpgsql
    AS $$
DECLARE
  k tokens;
  m members;
BEGIN
  SELECT * INTO k FROM tokens WHERE hash = p_hash;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB401', MESSAGE = 'the token is not valid: it is not known here';
  END IF;
  IF k.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB401',
      MESSAGE = format('the token was revoked on %s UTC; ask for a new one',
                       to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'));
  END IF;
  IF k.expires_at IS NOT NULL AND k.expires_at <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB401',
      MESSAGE = format('the token expired on %s UTC; ask for a new one',
                       to_char(k.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'));
  END IF;
  SELECT * INTO m FROM members WHERE members.id = k.member_id;
  IF m.disabled_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB401',
      MESSAGE = format('the account of %s is disabled; its tokens no longer sign in', m.handle);
  END IF;
  IF k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' THEN
    UPDATE tokens SET last_used_at = now()
     WHERE tokens.id = k.id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
  END IF;
  RETURN QUERY
  SELECT m.id, m.handle::text, m.name, m.role::text, coalesce(s.code::text, ''),
         coalesce(i.code::text, ''), coalesce(sp.code::text, ''),
         coalesce(m.startup_id, 0), coalesce(m.institution_id, 0)
  FROM (SELECT 1) x
  LEFT JOIN startups s ON s.id = m.startup_id
  LEFT JOIN institutions i ON i.id = m.institution_id
  LEFT JOIN spaces sp ON sp.id = coalesce(m.space_id, s.space_id, i.space_id);
END $$;


--
-- Name: rb_availability(text, bigint, bigint, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_availability(p_code text, p_from bigint, p_to bigint, p_startup bigint, p_member bigint) RETURNS SETOF public.rb_res_row
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
  -- plpgsql, not sql: the plan is cached per session instead of made per call
  RETURN QUERY
  SELECT v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code,
         v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes,
         v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes,
         v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes,
         v.terms_version, v.requires, d.tag, d.n1, d.n2, d.n3, d.t1, d.t2, d.t3, d.b1
  FROM resource_view v CROSS JOIN LATERAL (
    SELECT 0 AS o, 'resource' AS tag, NULL::bigint AS n1, NULL::bigint AS n2, NULL::bigint AS n3,
           NULL::text AS t1, NULL::text AS t2, NULL::text AS t3, NULL::boolean AS b1
    UNION ALL
    (SELECT 1, 'busy', rb_epoch(lower(b.during)), rb_epoch(upper(b.during)),
            CASE WHEN b.startup_id = p_startup OR b.member_id = p_member THEN b.id ELSE 0 END,
            b.state::text, NULL, NULL, b.member_id = p_member
       FROM bookings b
      WHERE b.resource_id = v.id
        AND b.during && tstzrange(rb_from_epoch(p_from), rb_from_epoch(p_to))
        AND b.state NOT IN ('cancelled', 'declined')
      ORDER BY lower(b.during) LIMIT 5000)
    UNION ALL
    SELECT 2, 'open', rb_epoch(lower(x)), rb_epoch(upper(x)), NULL, NULL, NULL, NULL, NULL
      FROM unnest(rb_windows(v.id, v.time_zone, 'open', rb_from_epoch(p_from), rb_from_epoch(p_to))) x
    UNION ALL
    SELECT 3, 'closure', c.id, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
           c.reason, m.handle::text, NULL
      FROM closures c JOIN members m ON m.id = c.created_by
     WHERE c.resource_id = v.id AND c.removed_at IS NULL
       AND c.during && tstzrange(rb_from_epoch(p_from), rb_from_epoch(p_to))
  ) d
  WHERE v.code = p_code
  ORDER BY d.o, d.n1;
END $$;


--
-- Name: rb_book(bigint, text, bigint, bigint, text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_book(p_member bigint, p_code text, p_start bigint, p_end bigint, p_note text, p_override text, p_key text, p_peer text) RETURNS TABLE(id bigint, replayed boolean)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  q resources;
  i institutions;
  w tstzrange;
  fp text := p_code || ' ' || p_start || ' ' || p_end || ' ' || coalesce(p_note, '') || ' '
             || coalesce(p_override, '');
  prev bigint;
  new_id bigint;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'book', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  SELECT * INTO r FROM resources WHERE resources.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF coalesce(p_override, '') <> '' THEN
    SELECT * INTO i FROM institutions WHERE institutions.id = r.institution_id;
    IF NOT rb_is_staff(m, i.id, i.space_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'override_reason',
        MESSAGE = format('only a manager of %s, an operator of its space or an admin can book %s past its rules',
                         i.name, r.code);
    END IF;
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

  -- Competing requests queue on the resources they touch, always in id
  -- order, instead of deadlocking on the exclusion constraint.
  PERFORM rb_lock_resources(r.id);
  -- rules may have changed while we waited
  SELECT * INTO r FROM resources WHERE resources.id = r.id;

  new_id := rb_book_one(m, r, w, p_note, p_override, NULL);
  FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
            WHERE rq.resource_id = r.id ORDER BY x.id LOOP
    PERFORM rb_book_one(m, q, w, format('with %s booking %s', r.code, new_id), p_override, new_id);
  END LOOP;

  PERFORM rb_idem_store(p_member, p_key, 'book', fp, new_id);
  PERFORM rb_audit(m.id, 'book', 'booking', new_id, p_peer,
                   jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end,
                                      'override', coalesce(p_override, '')));

  RETURN QUERY SELECT new_id, false;
END $$;


--
-- Name: rb_valid_tz(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_valid_tz(tz text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $_$
BEGIN
  IF tz IS NULL OR NOT (tz = 'UTC' OR tz ~ '^[A-Z][A-Za-z_-]+(/[A-Za-z0-9_+-]+){1,2}$') THEN
    RETURN false;
  END IF;
  PERFORM now() AT TIME ZONE tz;
  RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN false;
END $_$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.members (
    id bigint NOT NULL,
    handle public.rb_code NOT NULL,
    name text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    role public.member_role NOT NULL,
    space_id bigint,
    startup_id bigint,
    institution_id bigint,
    disabled_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT manager_has_institution CHECK (((role <> 'manager'::public.member_role) OR (institution_id IS NOT NULL))),
    CONSTRAINT member_has_startup CHECK (((role <> 'member'::public.member_role) OR (startup_id IS NOT NULL))),
    CONSTRAINT members_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);


--
-- Name: resources; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resources (
    id bigint NOT NULL,
    institution_id bigint NOT NULL,
    code public.rb_code NOT NULL,
    name text NOT NULL,
    kind public.resource_kind NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    location text DEFAULT ''::text NOT NULL,
    time_zone text DEFAULT 'Asia/Shanghai'::text NOT NULL,
    retired_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    slot_minutes integer DEFAULT 0 NOT NULL,
    min_minutes integer DEFAULT 0 NOT NULL,
    max_minutes integer DEFAULT 0 NOT NULL,
    min_notice_minutes integer DEFAULT 0 NOT NULL,
    max_ahead_days integer DEFAULT 0 NOT NULL,
    buffer_minutes integer DEFAULT 0 NOT NULL,
    max_active_per_member integer DEFAULT 0 NOT NULL,
    weekly_minutes_per_startup integer DEFAULT 0 NOT NULL,
    whole_days boolean DEFAULT false NOT NULL,
    min_gap_minutes integer DEFAULT 0 NOT NULL,
    terms_seq integer DEFAULT 0 NOT NULL,
    terms_version integer DEFAULT 0 NOT NULL,
    terms_text text DEFAULT ''::text NOT NULL,
    retire_reason text DEFAULT ''::text NOT NULL,
    needs_approval boolean DEFAULT false NOT NULL,
    needs_qualification boolean DEFAULT false NOT NULL,
    late_cancel_minutes integer DEFAULT 0 NOT NULL,
    checkin_early_minutes integer DEFAULT 15 NOT NULL,
    no_show_grace_minutes integer DEFAULT 15 NOT NULL,
    CONSTRAINT resource_min_le_max CHECK (((max_minutes = 0) OR (min_minutes <= max_minutes))),
    CONSTRAINT resources_buffer_minutes_check CHECK (((buffer_minutes >= 0) AND (buffer_minutes <= 10080))),
    CONSTRAINT resources_checkin_early_minutes_check CHECK ((checkin_early_minutes >= 0)),
    CONSTRAINT resources_late_cancel_minutes_check CHECK ((late_cancel_minutes >= 0)),
    CONSTRAINT resources_max_active_per_member_check CHECK (((max_active_per_member >= 0) AND (max_active_per_member <= 10000))),
    CONSTRAINT resources_max_ahead_days_check CHECK (((max_ahead_days >= 0) AND (max_ahead_days <= 3660))),
    CONSTRAINT resources_max_minutes_check CHECK (((max_minutes >= 0) AND (max_minutes <= 527040))),
    CONSTRAINT resources_min_gap_minutes_check CHECK (((min_gap_minutes >= 0) AND (min_gap_minutes <= 527040))),
    CONSTRAINT resources_min_minutes_check CHECK (((min_minutes >= 0) AND (min_minutes <= 527040))),
    CONSTRAINT resources_min_notice_minutes_check CHECK (((min_notice_minutes >= 0) AND (min_notice_minutes <= 527040))),
    CONSTRAINT resources_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT resources_no_show_grace_minutes_check CHECK ((no_show_grace_minutes >= 0)),
    CONSTRAINT resources_slot_minutes_check CHECK (((slot_minutes >= 0) AND (slot_minutes <= 1440))),
    CONSTRAINT resources_tags_check CHECK (((array_position(tags, NULL::text) IS NULL) AND (cardinality(tags) <= 32))),
    CONSTRAINT resources_terms_text_check CHECK ((length(terms_text) <= 20000)),
    CONSTRAINT resources_time_zone_check CHECK (public.rb_valid_tz(time_zone)),
    CONSTRAINT resources_weekly_minutes_per_startup_check CHECK (((weekly_minutes_per_startup >= 0) AND (weekly_minutes_per_startup <= 10080)))
);


--
-- Name: rb_book_one(public.members, public.resources, tstzrange, text, text, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_book_one(m public.members, r public.resources, w tstzrange, p_note text, p_override text, p_parent bigint) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  tz text := r.time_zone;
  len_min numeric := extract(epoch FROM upper(w) - lower(w)) / 60;
  enforce boolean := coalesce(p_override, '') = '';
  offpeak boolean;
  c closures;
  other record;
  unit bigint;
  n bigint;
  wk date;
  used numeric;
  mine numeric;
  new_id bigint;
  buf interval := r.buffer_minutes * interval '1 minute';
  s startups;
BEGIN
  IF r.retired_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
      MESSAGE = format('%s is retired and takes no new bookings', r.code);
  END IF;

  -- Closures block like bookings, for everyone.
  SELECT * INTO c FROM closures
   WHERE resource_id = r.id AND removed_at IS NULL AND during && w ORDER BY lower(during) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
      MESSAGE = format('%s is closed%s %s: %s', r.code,
                       CASE c.kind WHEN 'maintenance' THEN ' for maintenance' ELSE '' END,
                       rb_window_text(c.during, tz), c.reason),
      DETAIL = '0 ' || rb_epoch(lower(c.during)) || ' ' || rb_epoch(upper(c.during));
  END IF;

  IF enforce THEN
    IF NOT rb_windows(r.id, tz, 'open', lower(w), upper(w)) @> w THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s is outside the opening hours of %s (rigbook show %s lists them)',
                         rb_window_text(w, tz), r.code, r.code);
    END IF;
    IF r.terms_version > 0 AND NOT EXISTS (
         SELECT 1 FROM terms_acceptances
          WHERE member_id = m.id AND resource_id = r.id AND version = r.terms_version) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
        MESSAGE = format('accept the terms of %s (version %s) first: rigbook terms accept %s',
                         r.code, r.terms_version, r.code);
    END IF;
    IF r.slot_minutes > 0 AND (rb_local_minute(lower(w), tz) % r.slot_minutes <> 0
                               OR len_min % r.slot_minutes <> 0) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s is booked in steps of %s: start and length must be multiples of it',
                         r.code, rb_minutes_text(r.slot_minutes));
    END IF;
    IF r.min_minutes > 0 AND len_min < r.min_minutes THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'end',
        MESSAGE = format('%s must be booked for at least %s', r.code, rb_minutes_text(r.min_minutes));
    END IF;
    IF r.max_minutes > 0 AND len_min > r.max_minutes THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'end',
        MESSAGE = format('%s can be booked for at most %s', r.code, rb_minutes_text(r.max_minutes));
    END IF;
    IF r.min_notice_minutes > 0 AND lower(w) < now() + r.min_notice_minutes * interval '1 minute' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s must be booked at least %s ahead', r.code,
                         rb_minutes_text(r.min_notice_minutes));
    END IF;
    IF r.max_ahead_days > 0 AND lower(w) > now() + r.max_ahead_days * interval '1 day' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s can be booked at most %s days ahead', r.code, r.max_ahead_days);
    END IF;
    IF r.whole_days AND (rb_local_minute(lower(w), tz) <> 0 OR rb_local_minute(upper(w), tz) <> 0) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
        MESSAGE = format('%s is booked in whole days, midnight to midnight (%s)', r.code, tz);
    END IF;

    offpeak := rb_windows(r.id, tz, 'offpeak', lower(w), upper(w)) @> w;
    IF NOT offpeak THEN
      IF r.max_active_per_member > 0 THEN
        SELECT count(*) INTO n FROM bookings b
         WHERE b.resource_id = r.id AND b.member_id = m.id AND upper(b.during) > now()
           AND b.state NOT IN ('cancelled', 'declined');
        IF n >= r.max_active_per_member THEN
          RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'resource_code',
            MESSAGE = format('you already hold %s future bookings of %s, the most allowed',
                             n, r.code);
        END IF;
      END IF;
      IF r.min_gap_minutes > 0 THEN
        SELECT b.during INTO other FROM bookings b
         WHERE b.resource_id = r.id AND b.member_id = m.id
           AND b.state NOT IN ('cancelled', 'declined')
           AND b.during && tstzrange(lower(w) - r.min_gap_minutes * interval '1 minute',
                                     upper(w) + r.min_gap_minutes * interval '1 minute')
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
            MESSAGE = format('your bookings of %s must be at least %s apart (you hold %s)', r.code,
                             rb_minutes_text(r.min_gap_minutes), rb_window_text(other.during, tz));
        END IF;
      END IF;
      IF r.weekly_minutes_per_startup > 0 AND m.startup_id IS NOT NULL THEN
        -- every ISO week (in the resource's zone) the booking touches
        FOR wk IN SELECT g::date FROM generate_series(
                    date_trunc('week', lower(w) AT TIME ZONE tz),
                    date_trunc('week', (upper(w) - interval '1 microsecond') AT TIME ZONE tz),
                    interval '1 week') g LOOP
          SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x)) / 60), 0) INTO used
            FROM (SELECT b.during * tstzrange(wk::timestamp AT TIME ZONE tz,
                                              (wk + 7)::timestamp AT TIME ZONE tz) AS x
                    FROM bookings b
                   WHERE b.resource_id = r.id AND b.startup_id = m.startup_id
                     AND b.state NOT IN ('cancelled', 'declined')
                     AND b.during && tstzrange(wk::timestamp AT TIME ZONE tz,
                                               (wk + 7)::timestamp AT TIME ZONE tz)) q;
          mine := extract(epoch FROM upper(w * tstzrange(wk::timestamp AT TIME ZONE tz,
                                                         (wk + 7)::timestamp AT TIME ZONE tz))
                                   - lower(w * tstzrange(wk::timestamp AT TIME ZONE tz,
                                                         (wk + 7)::timestamp AT TIME ZONE tz))) / 60;
          IF used + mine > r.weekly_minutes_per_startup THEN
            SELECT * INTO s FROM startups WHERE id = m.startup_id;
            RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'end',
              MESSAGE = format('%s would use %s of %s in week %s; the limit is %s', s.code,
                               rb_minutes_text(ceil(used + mine)::bigint), r.code,
                               to_char(wk, 'IYYY-"W"IW'),
                               rb_minutes_text(r.weekly_minutes_per_startup));
          END IF;
        END LOOP;
      END IF;
    END IF;
  END IF;

  -- The lowest unit with nothing overlapping; with the buffer kept free unless overridden.
  SELECT u.id INTO unit FROM resource_units u
   WHERE u.resource_id = r.id AND u.retired_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM bookings b
                      WHERE b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
                        AND b.during && tstzrange(lower(w) - CASE WHEN enforce THEN buf ELSE interval '0' END,
                                                  upper(w) + CASE WHEN enforce THEN buf ELSE interval '0' END))
   ORDER BY u.unit_no LIMIT 1;
  IF unit IS NULL THEN
    SELECT b.id, b.during INTO other FROM bookings b
     WHERE b.resource_id = r.id AND b.during && w AND b.state NOT IN ('cancelled', 'declined')
     ORDER BY lower(b.during) LIMIT 1;
    IF FOUND AND NOT EXISTS (
         SELECT 1 FROM resource_units u
          WHERE u.resource_id = r.id AND u.retired_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM bookings b
                             WHERE b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
                               AND b.during && w)) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'start',
        MESSAGE = format('%s is already booked %s', r.code, rb_window_text(other.during, tz)),
        DETAIL = other.id || ' ' || rb_epoch(lower(other.during)) || ' ' || rb_epoch(upper(other.during));
    END IF;
    SELECT b.id, b.during INTO other FROM bookings b
     WHERE b.resource_id = r.id AND b.state NOT IN ('cancelled', 'declined')
       AND b.during && tstzrange(lower(w) - buf, upper(w) + buf)
     ORDER BY lower(b.during) LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
      MESSAGE = format('%s keeps %s free between bookings; booking %s is %s', r.code,
                       rb_minutes_text(r.buffer_minutes), other.id, rb_window_text(other.during, tz));
  END IF;

  INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, note, override_reason,
                        parent_id)
  VALUES (r.id, unit, m.id, m.startup_id, w, coalesce(p_note, ''), coalesce(p_override, ''), p_parent)
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;


--
-- Name: rb_book_series(bigint, text, bigint, bigint, integer, integer, bigint, boolean, text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_book_series(p_member bigint, p_code text, p_start bigint, p_end bigint, p_every integer, p_count integer, p_until bigint, p_skip boolean, p_note text, p_override text, p_key text, p_peer text) RETURNS SETOF public.rb_series_row
    LANGUAGE plpgsql
    AS $$
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
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'book_series', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT * FROM rb_series_rows(prev, true);
    RETURN;
  END IF;

  SELECT * INTO r FROM resources WHERE resources.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  tz := r.time_zone;
  IF p_end <= p_start THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = 'the end of a booking must be after its start';
  END IF;
  IF p_every IS NULL OR p_every < 1 OR p_every > 366 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'every_days',
      MESSAGE = 'a series repeats every 1 to 366 days';
  END IF;
  IF p_end - p_start > p_every * 86400 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'end',
      MESSAGE = format('each booking of a series repeating every %s must fit in that time',
                       CASE WHEN p_every % 7 = 0 THEN (p_every / 7) || ' week(s)' ELSE p_every || ' day(s)' END);
  END IF;
  IF coalesce(p_count, 0) = 0 AND coalesce(p_until, 0) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'count',
      MESSAGE = 'say how many times the booking repeats (a count) or until when';
  END IF;
  IF p_count < 0 OR p_count > rb_series_max() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'count',
      MESSAGE = format('a series has at most %s bookings, not %s', rb_series_max(), p_count);
  END IF;
  IF coalesce(p_until, 0) <> 0 AND p_until <= p_start THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'until',
      MESSAGE = 'the series must end after its first booking starts';
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
        RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'until',
          MESSAGE = format('a series has at most %s bookings; until %s it would have more',
                           rb_series_max(),
                           to_char((rb_from_epoch(p_until) - interval '1 second') AT TIME ZONE tz, 'YYYY-MM-DD'));
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
        UPDATE bookings SET series_id = sid, series_no = k + 1
         WHERE bookings.id = bid OR bookings.parent_id = bid;
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


--
-- Name: rb_booking_charge(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_booking_charge() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: rb_booking_event(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_booking_event() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
  kind text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM rb_emit_event(CASE NEW.state WHEN 'confirmed' THEN 'booked' ELSE NEW.state::text END,
                          NEW.resource_id, NEW.id, NEW.member_id, NEW.startup_id, NEW.during);
    RETURN NULL;
  END IF;
  IF NEW.during IS DISTINCT FROM OLD.during OR NEW.resource_id IS DISTINCT FROM OLD.resource_id THEN
    PERFORM rb_emit_event('moved', NEW.resource_id, NEW.id, NEW.member_id, NEW.startup_id,
                          NEW.during);
  END IF;
  IF NEW.member_id IS DISTINCT FROM OLD.member_id THEN
    PERFORM rb_emit_event('handed_over', NEW.resource_id, NEW.id, NEW.member_id, NEW.startup_id,
                          NEW.during);
  END IF;
  IF NEW.state IS DISTINCT FROM OLD.state THEN
    kind := CASE
      WHEN OLD.state = 'requested' AND NEW.state = 'confirmed' THEN 'approved'
      ELSE NEW.state::text
    END;
    PERFORM rb_emit_event(kind, NEW.resource_id, NEW.id, NEW.member_id, NEW.startup_id,
                          NEW.during);
  END IF;
  RETURN NULL;
END $$;


--
-- Name: rb_booking_needs_approval(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_booking_needs_approval() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members;
  b bookings := NEW;
BEGIN
  IF NEW.state = 'confirmed' AND NEW.parent_id IS NULL
     AND (SELECT needs_approval FROM resources WHERE id = NEW.resource_id) THEN
    SELECT * INTO m FROM members WHERE id = NEW.member_id;
    IF NOT rb_staff_of_booking(m, b) THEN
      NEW.state := 'requested';
    END IF;
  END IF;
  RETURN NEW;
END $$;


--
-- Name: rb_booking_qualified(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_booking_qualified() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
  r resources;
  why text;
BEGIN
  IF NEW.state IN ('cancelled', 'declined', 'completed', 'no_show') THEN
    RETURN NEW;
  END IF;
  SELECT * INTO r FROM resources WHERE id = NEW.resource_id;
  IF NOT r.needs_qualification THEN
    RETURN NEW;
  END IF;
  why := rb_unqualified(NEW.member_id, r, upper(NEW.during));
  IF why IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', MESSAGE = why,
      COLUMN = CASE WHEN TG_OP = 'INSERT' THEN 'resource_code'
                    WHEN NEW.member_id <> OLD.member_id THEN 'to_member'
                    ELSE 'start' END;
  END IF;
  RETURN NEW;
END $$;


--
-- Name: rb_epoch(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_epoch(t timestamp with time zone) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT floor(extract(epoch FROM t))::bigint $$;


--
-- Name: rb_uscc_problem(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_uscc_problem(code text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $_$
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
END $_$;


--
-- Name: booking_series; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.booking_series (
    id bigint NOT NULL,
    member_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    first_start timestamp with time zone NOT NULL,
    first_end timestamp with time zone NOT NULL,
    every_days integer NOT NULL,
    occurrences integer NOT NULL,
    skip_conflicts boolean NOT NULL,
    skipped jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    cancelled_at timestamp with time zone,
    CONSTRAINT booking_series_check CHECK ((first_end > first_start)),
    CONSTRAINT booking_series_every_days_check CHECK (((every_days >= 1) AND (every_days <= 366))),
    CONSTRAINT booking_series_occurrences_check CHECK (((occurrences >= 1) AND (occurrences <= 52)))
);


--
-- Name: bookings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bookings (
    id bigint NOT NULL,
    resource_id bigint NOT NULL,
    member_id bigint NOT NULL,
    startup_id bigint,
    during tstzrange NOT NULL,
    state public.booking_state DEFAULT 'confirmed'::public.booking_state NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    cancelled_at timestamp with time zone,
    cancelled_by bigint,
    cancel_reason text DEFAULT ''::text NOT NULL,
    unit_id bigint NOT NULL,
    override_reason text DEFAULT ''::text NOT NULL,
    parent_id bigint,
    cancelled_late boolean DEFAULT false NOT NULL,
    decided_by bigint,
    decided_at timestamp with time zone,
    decision_reason text DEFAULT ''::text NOT NULL,
    checked_in_at timestamp with time zone,
    checked_out_at timestamp with time zone,
    usage_note text DEFAULT ''::text NOT NULL,
    series_id bigint,
    series_no integer,
    CONSTRAINT booking_series_no CHECK (((series_id IS NULL) = (series_no IS NULL))),
    CONSTRAINT booking_usage CHECK (((checked_out_at IS NULL) OR ((checked_in_at IS NOT NULL) AND (checked_out_at > checked_in_at)))),
    CONSTRAINT booking_window CHECK (((NOT isempty(during)) AND lower_inc(during) AND (NOT upper_inc(during)) AND (NOT lower_inf(during)) AND (NOT upper_inf(during)))),
    CONSTRAINT bookings_series_no_check CHECK ((series_no >= 1))
);


--
-- Name: resource_units; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resource_units (
    id bigint NOT NULL,
    resource_id bigint NOT NULL,
    unit_no integer NOT NULL,
    retired_at timestamp with time zone,
    CONSTRAINT resource_units_unit_no_check CHECK (((unit_no >= 1) AND (unit_no <= 1000)))
);


--
-- Name: startups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.startups (
    id bigint NOT NULL,
    space_id bigint NOT NULL,
    code public.rb_code NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    legal_name text DEFAULT ''::text NOT NULL,
    credit_code text DEFAULT ''::text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    tier public.price_tier DEFAULT 'member_startup'::public.price_tier NOT NULL,
    CONSTRAINT startup_credit_code_valid CHECK (((credit_code = ''::text) OR (public.rb_uscc_problem(credit_code) IS NULL))),
    CONSTRAINT startups_address_check CHECK ((length(address) <= 500)),
    CONSTRAINT startups_legal_name_check CHECK ((length(legal_name) <= 200)),
    CONSTRAINT startups_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);


--
-- Name: booking_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.booking_view AS
 SELECT b.id,
    (r.code)::text AS resource_code,
    r.name AS resource_name,
    r.time_zone,
    public.rb_epoch(lower(b.during)) AS start_epoch,
    public.rb_epoch(upper(b.during)) AS end_epoch,
    (b.state)::text AS state,
    (m.handle)::text AS member_handle,
    COALESCE((s.code)::text, ''::text) AS startup_code,
    public.rb_epoch(b.created_at) AS created_epoch,
    b.note,
    COALESCE(public.rb_epoch(b.cancelled_at), (0)::bigint) AS cancelled_epoch,
    b.cancel_reason,
    b.member_id,
    b.startup_id,
    b.resource_id,
    b.during,
    u.unit_no,
    b.override_reason,
    COALESCE(b.parent_id, (0)::bigint) AS parent_id,
    COALESCE(( SELECT (c.handle)::text AS handle
           FROM public.members c
          WHERE (c.id = b.cancelled_by)), ''::text) AS cancelled_by,
    b.cancelled_late,
    COALESCE(public.rb_epoch(b.checked_in_at), (0)::bigint) AS checked_in_epoch,
    COALESCE(public.rb_epoch(b.checked_out_at), (0)::bigint) AS checked_out_epoch,
    b.usage_note,
    COALESCE(b.series_id, (0)::bigint) AS series_id,
    COALESCE(( SELECT (d.handle)::text AS handle
           FROM public.members d
          WHERE (d.id = b.decided_by)), ''::text) AS decided_by,
    b.decision_reason,
    COALESCE(b.series_no, 0) AS series_no,
    COALESCE(( SELECT bs.occurrences
           FROM public.booking_series bs
          WHERE (bs.id = b.series_id)), 0) AS series_of
   FROM ((((public.bookings b
     JOIN public.resources r ON ((r.id = b.resource_id)))
     JOIN public.members m ON ((m.id = b.member_id)))
     JOIN public.resource_units u ON ((u.id = b.unit_id)))
     LEFT JOIN public.startups s ON ((s.id = b.startup_id)));


--
-- Name: rb_booking_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_booking_wire(p_id bigint) RETURNS SETOF public.booking_view
    LANGUAGE plpgsql
    AS $$
BEGIN
  RETURN QUERY SELECT * FROM booking_view WHERE id = p_id;
END $$;


--
-- Name: rb_cancel(bigint, bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_cancel(p_member bigint, p_booking bigint, p_reason text, p_key text, p_peer text) RETURNS TABLE(id bigint, replayed boolean)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  r resources;
  fp text := p_booking || ' ' || coalesce(p_reason, '');
  prev bigint;
  late boolean;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'cancel', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  b := rb_lock_booking(p_booking);
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    IF m.startup_id IS NOT DISTINCT FROM b.startup_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
        MESSAGE = format('booking %s belongs to another member of your startup; only they or a manager of %s can cancel it',
                         b.id, rb_institution_name(r.id));
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s belongs to another startup; you can cancel only your own bookings', b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; cancel that one', b.id, b.parent_id);
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be cancelled', b.id,
                       replace(b.state::text, '_', ' '));
  END IF;
  IF upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s has already ended', b.id);
  END IF;
  IF b.member_id <> m.id AND coalesce(p_reason, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why you cancel booking %s; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE members.id = b.member_id));
  END IF;
  -- A confirmed booking given up inside the window is charged as late.
  late := b.state = 'confirmed' AND r.late_cancel_minutes > 0
          AND lower(b.during) - now() < r.late_cancel_minutes * interval '1 minute';

  UPDATE bookings SET state = 'cancelled', cancelled_at = now(), cancelled_by = m.id,
         cancel_reason = coalesce(p_reason, ''), cancelled_late = late
   WHERE bookings.id = b.id OR (bookings.parent_id = b.id AND bookings.state IN ('requested', 'confirmed'));

  PERFORM rb_idem_store(p_member, p_key, 'cancel', fp, b.id);
  PERFORM rb_audit(m.id, 'cancel', 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, ''), 'late', late));
  RETURN QUERY SELECT b.id, false;
END $$;


--
-- Name: rb_cancel_series(bigint, bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_cancel_series(p_member bigint, p_series bigint, p_reason text, p_key text, p_peer text) RETURNS TABLE(id bigint, replayed boolean)
    LANGUAGE plpgsql
    AS $$
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
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'series_id',
      MESSAGE = format('there is no series %s', p_series);
  END IF;
  -- who may: as for its bookings (rb_cancel checks each again)
  SELECT * INTO b FROM bookings WHERE series_id = bs.id AND parent_id IS NULL ORDER BY series_no LIMIT 1;
  IF NOT (bs.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    IF m.startup_id IS NOT DISTINCT FROM b.startup_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'series_id',
        MESSAGE = format('series %s belongs to another member of your startup; only they or a manager of %s can cancel it',
                         bs.id, rb_institution_name(bs.resource_id));
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'series_id',
      MESSAGE = format('series %s belongs to another startup; you can cancel only your own bookings', bs.id);
  END IF;

  SELECT coalesce(array_agg(c.id ORDER BY c.series_no), '{}') INTO ids
    FROM bookings c
   WHERE c.series_id = bs.id AND c.parent_id IS NULL
     AND c.state IN ('requested', 'confirmed') AND lower(c.during) > now();
  IF cardinality(ids) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'series_id',
      MESSAGE = format('series %s has no bookings left to cancel (none still to come is requested or confirmed)',
                       bs.id);
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


--
-- Name: charges; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.charges (
    id bigint NOT NULL,
    booking_id bigint,
    kind public.charge_kind NOT NULL,
    startup_id bigint NOT NULL,
    space_id bigint NOT NULL,
    resource_id bigint,
    institution_id bigint,
    rate_card_id bigint,
    tier public.price_tier NOT NULL,
    currency public.rb_currency NOT NULL,
    charged_on date NOT NULL,
    minutes bigint DEFAULT 0 NOT NULL,
    amount_fen bigint NOT NULL,
    credit_of bigint,
    description text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT charge_booking CHECK (((kind = 'credit'::public.charge_kind) = (booking_id IS NULL))),
    CONSTRAINT charge_sign CHECK (
CASE
    WHEN (kind = ANY (ARRAY['credit'::public.charge_kind, 'no_show_reversal'::public.charge_kind])) THEN (amount_fen < 0)
    ELSE (amount_fen >= 0)
END)
);


--
-- Name: institutions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.institutions (
    id bigint NOT NULL,
    space_id bigint NOT NULL,
    code public.rb_code NOT NULL,
    name text NOT NULL,
    name_zh text DEFAULT ''::text NOT NULL,
    kind public.institution_kind DEFAULT 'enterprise'::public.institution_kind NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT institutions_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);


--
-- Name: invoice_lines; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_lines (
    id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    charge_id bigint NOT NULL,
    amount_fen bigint NOT NULL,
    voucher_fen bigint DEFAULT 0 NOT NULL,
    startup_fen bigint NOT NULL,
    CONSTRAINT line_sum CHECK ((amount_fen = (voucher_fen + startup_fen)))
);


--
-- Name: invoices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoices (
    id bigint NOT NULL,
    number text NOT NULL,
    kind text DEFAULT 'invoice'::text NOT NULL,
    space_id bigint NOT NULL,
    startup_id bigint NOT NULL,
    period date NOT NULL,
    currency public.rb_currency DEFAULT 'CNY'::text NOT NULL,
    total_fen bigint DEFAULT 0 NOT NULL,
    voucher_fen bigint DEFAULT 0 NOT NULL,
    startup_fen bigint DEFAULT 0 NOT NULL,
    credit_of bigint,
    reason text DEFAULT ''::text NOT NULL,
    created_by bigint,
    issued_at timestamp with time zone,
    CONSTRAINT credit_note_of CHECK (((kind = 'credit_note'::text) = (credit_of IS NOT NULL))),
    CONSTRAINT invoice_sum CHECK ((total_fen = (voucher_fen + startup_fen))),
    CONSTRAINT invoices_kind_check CHECK ((kind = ANY (ARRAY['invoice'::text, 'credit_note'::text]))),
    CONSTRAINT invoices_period_check CHECK ((EXTRACT(day FROM period) = (1)::numeric))
);


--
-- Name: charge_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.charge_view AS
 SELECT c.id,
    COALESCE(c.booking_id, (0)::bigint) AS booking_id,
    (c.kind)::text AS kind,
    (s.code)::text AS startup_code,
    COALESCE((r.code)::text, ''::text) AS resource_code,
    COALESCE((i.code)::text, ''::text) AS institution_code,
    (c.tier)::text AS tier,
    (c.currency)::text AS currency,
    to_char((c.charged_on)::timestamp with time zone, 'YYYY-MM-DD'::text) AS charged_on,
    c.minutes,
    c.amount_fen,
    COALESCE(c.rate_card_id, (0)::bigint) AS rate_card_id,
    c.description,
    COALESCE(inv.number, ''::text) AS invoice_number,
    c.space_id,
    c.startup_id,
    c.institution_id,
    c.charged_on AS charged_date
   FROM (((((public.charges c
     JOIN public.startups s ON ((s.id = c.startup_id)))
     LEFT JOIN public.resources r ON ((r.id = c.resource_id)))
     LEFT JOIN public.institutions i ON ((i.id = c.institution_id)))
     LEFT JOIN public.invoice_lines l ON ((l.charge_id = c.id)))
     LEFT JOIN public.invoices inv ON ((inv.id = l.invoice_id)));


--
-- Name: rb_charges(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_charges(p_member bigint, p_period text, p_startup text) RETURNS SETOF public.charge_view
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := CASE WHEN p_period IS NULL THEN NULL ELSE rb_period(p_period, 'period') END;
  s startups;
BEGIN
  IF p_startup IS NOT NULL THEN
    s := rb_startup(p_startup);
    IF m.role = 'member' AND s.id IS DISTINCT FROM m.startup_id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'startup_code',
        MESSAGE = format('members see only their own startup''s charges, not those of %s', s.code);
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


--
-- Name: rb_check_in(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_check_in(p_member bigint, p_booking bigint, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_usage_booking(m, p_booking, 'check in');
  r resources;
  why text;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF b.state = 'checked_in' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is already checked in (since %s)', b.id,
                       rb_at_text(b.checked_in_at, r.time_zone));
  END IF;
  IF b.state NOT IN ('confirmed', 'no_show') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and cannot be checked in', b.id, rb_state_words(b));
  END IF;
  IF now() < lower(b.during) - r.checkin_early_minutes * interval '1 minute' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('check-in for booking %s opens at %s, %s before its start', b.id,
                       rb_at_text(lower(b.during) - r.checkin_early_minutes * interval '1 minute', r.time_zone),
                       rb_minutes_text(r.checkin_early_minutes));
  END IF;
  IF now() >= upper(b.during) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s ended at %s and can no longer be checked in', b.id,
                       rb_at_text(upper(b.during), r.time_zone));
  END IF;
  why := rb_unqualified(b.member_id, r, now());
  IF why IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id', MESSAGE = why;
  END IF;
  UPDATE bookings SET state = 'checked_in', checked_in_at = now()
   WHERE id = b.id OR (parent_id = b.id AND state IN ('confirmed', 'no_show'));
  PERFORM rb_audit(m.id, 'checkin', 'booking', b.id, p_peer,
                   jsonb_build_object('was', b.state,
                                      'late', now() > lower(b.during) + r.no_show_grace_minutes * interval '1 minute'));
  RETURN b.id;
END $$;


--
-- Name: rb_check_out(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_check_out(p_member bigint, p_booking bigint, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_usage_booking(m, p_booking, 'check out');
  r resources;
  lim timestamptz;
  out_at timestamptz := now();
  v_note text;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF b.state = 'confirmed' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is confirmed but not checked in; check in first: rigbook checkin %s',
                       b.id, b.id);
  END IF;
  IF b.state = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is already checked out (at %s)', b.id,
                       rb_at_text(b.checked_out_at, r.time_zone));
  END IF;
  IF b.state <> 'checked_in' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and cannot be checked out', b.id, rb_state_words(b));
  END IF;
  lim := rb_usage_limit(b);
  IF lim IS NOT NULL AND out_at > lim THEN
    out_at := greatest(lim, b.checked_in_at + interval '1 second');
    v_note := format('checked out at %s; the usage ends at %s, when the next booking of %s began',
                   rb_at_text(now(), r.time_zone), rb_at_text(out_at, r.time_zone), r.code);
  END IF;
  UPDATE bookings SET state = 'completed', checked_out_at = out_at,
         usage_note = coalesce(v_note, usage_note)
   WHERE id = b.id OR (parent_id = b.id AND state = 'checked_in');
  PERFORM rb_audit(m.id, 'checkout', 'booking', b.id, p_peer,
                   jsonb_build_object('at', rb_epoch(out_at), 'clamped', v_note IS NOT NULL,
                                      'overrun', out_at > upper(b.during)));
  RETURN b.id;
END $$;


--
-- Name: rb_closed(bigint, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_closed(p_resource bigint, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS tstzmultirange
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce(range_agg(during), '{}'::tstzmultirange) FROM closures
  WHERE resource_id = p_resource AND removed_at IS NULL AND during && tstzrange(p_from, p_to)
$$;


--
-- Name: rb_closure_event(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_closure_event() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.removed_at IS NULL THEN
      PERFORM rb_emit_event('closure_added', NEW.resource_id, NULL, NULL, NULL, NEW.during, NEW.id);
    END IF;
  ELSIF TG_OP = 'UPDATE' THEN
    IF OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL THEN
      PERFORM rb_emit_event('closure_lifted', NEW.resource_id, NULL, NULL, NULL, NEW.during, NEW.id);
    END IF;
  ELSIF OLD.removed_at IS NULL THEN
    PERFORM rb_emit_event('closure_lifted', OLD.resource_id, NULL, NULL, NULL, OLD.during, OLD.id);
  END IF;
  RETURN NULL;
END $$;


--
-- Name: rb_companion_state(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_companion_state() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT CASE p.state WHEN 'requested' THEN 'requested'::booking_state ELSE NEW.state END
      INTO NEW.state FROM bookings p WHERE p.id = NEW.parent_id;
  END IF;
  RETURN NEW;
END $$;


--
-- Name: rb_correct_usage(bigint, bigint, bigint, bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_correct_usage(p_member bigint, p_booking bigint, p_in bigint, p_out bigint, p_reason text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_lock_booking(p_booking);
  r resources;
  t_in timestamptz;
  t_out timestamptz;
  lim timestamptz;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT rb_staff_of_booking(m, b) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can correct the usage of booking %s',
                       rb_institution_name(r.id), b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; correct that one', b.id, b.parent_id);
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why the usage of booking %s changes; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE id = b.member_id));
  END IF;
  IF p_in IS NULL AND p_out IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'checked_in_at',
      MESSAGE = 'give the check-in time, the check-out time or both';
  END IF;
  IF b.state NOT IN ('checked_in', 'completed', 'no_show')
     AND NOT (b.state = 'confirmed' AND lower(b.during) <= now()) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and has no usage to correct', b.id, rb_state_words(b));
  END IF;
  t_in := coalesce(rb_from_epoch(p_in), b.checked_in_at);
  t_out := coalesce(rb_from_epoch(p_out), b.checked_out_at);
  IF t_in IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'checked_in_at',
      MESSAGE = format('booking %s was never checked in; give the check-in time too', b.id);
  END IF;
  IF t_in > now() OR t_out > now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400',
      COLUMN = CASE WHEN t_in > now() THEN 'checked_in_at' ELSE 'checked_out_at' END,
      MESSAGE = 'a usage record cannot reach into the future';
  END IF;
  IF t_out IS NOT NULL AND t_out <= t_in THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'checked_out_at',
      MESSAGE = format('the check-out (%s) must be after the check-in (%s)',
                       rb_at_text(t_out, r.time_zone), rb_at_text(t_in, r.time_zone));
  END IF;
  lim := rb_usage_limit(b);
  IF lim IS NOT NULL AND coalesce(t_out, t_in) > lim THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412',
      COLUMN = CASE WHEN t_out IS NULL THEN 'checked_in_at' ELSE 'checked_out_at' END,
      MESSAGE = format('the usage of booking %s cannot run past %s, when the next booking of %s begins',
                       b.id, rb_at_text(lim, r.time_zone), r.code);
  END IF;
  UPDATE bookings
     SET checked_in_at = t_in, checked_out_at = t_out, usage_note = btrim(p_reason),
         state = CASE WHEN t_out IS NULL THEN 'checked_in'::booking_state ELSE 'completed'::booking_state END
   WHERE id = b.id OR (parent_id = b.id AND state IN ('confirmed', 'checked_in', 'completed', 'no_show'));
  PERFORM rb_audit(m.id, 'usage', 'booking', b.id, p_peer,
                   jsonb_build_object('reason', btrim(p_reason), 'state', b.state,
                                      'in', rb_epoch(t_in), 'out', rb_epoch(t_out),
                                      'was_in', rb_epoch(b.checked_in_at),
                                      'was_out', rb_epoch(b.checked_out_at)));
  RETURN b.id;
END $$;


--
-- Name: rb_date_arg(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_date_arg(p text, p_field text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
BEGIN
  IF p IS NULL OR p !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = p_field,
      MESSAGE = format('%s is not a date; give it as YYYY-MM-DD', coalesce(p, 'nothing'));
  END IF;
  RETURN p::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
  RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = p_field,
    MESSAGE = format('%s is not a date of the calendar', p);
END $_$;


--
-- Name: rb_decide(bigint, bigint, boolean, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_decide(p_member bigint, p_booking bigint, p_approve boolean, p_reason text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  verb text := CASE WHEN p_approve THEN 'approve' ELSE 'decline' END;
BEGIN
  b := rb_lock_booking(p_booking);
  IF NOT rb_staff_of_booking(m, b) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can %s booking %s',
                       rb_institution_name(b.resource_id), verb, b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; %s that one', b.id, b.parent_id, verb);
  END IF;
  IF b.state <> 'requested' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s, not waiting for approval; only a requested booking can be %sd',
                       b.id, replace(b.state::text, '_', ' '), verb);
  END IF;
  IF upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('the time of booking %s has passed', b.id);
  END IF;
  IF NOT p_approve AND coalesce(p_reason, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why booking %s is declined; %s will see the reason', b.id,
                       (SELECT handle FROM members WHERE id = b.member_id));
  END IF;
  UPDATE bookings
     SET state = CASE WHEN p_approve THEN 'confirmed'::booking_state ELSE 'declined'::booking_state END,
         decided_by = m.id, decided_at = now(), decision_reason = coalesce(p_reason, '')
   WHERE id = b.id OR (parent_id = b.id AND state = 'requested');
  PERFORM rb_audit(m.id, verb, 'booking', b.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));
  RETURN b.id;
END $$;


--
-- Name: rb_disable_member(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_disable_member(p_member bigint, p_handle text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members;
BEGIN
  SELECT * INTO t FROM members WHERE handle = p_handle FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'handle',
      MESSAGE = format('no member is called %s', p_handle);
  END IF;
  IF t.role = 'admin' AND a.role <> 'admin' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'handle',
      MESSAGE = format('%s is an admin; only admins disable admins', p_handle);
  END IF;
  PERFORM rb_may_manage_people(a, rb_member_space(t), format('member %s', p_handle), 'handle');
  IF t.id = a.id THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'handle',
      MESSAGE = 'you cannot disable yourself; ask another operator or an admin';
  END IF;
  IF t.disabled_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'handle',
      MESSAGE = format('%s is already disabled (since %s UTC)', p_handle,
                       to_char(t.disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'));
  END IF;
  UPDATE members SET disabled_at = now() WHERE id = t.id;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'member_disable', 'member', t.id, coalesce(p_peer, ''),
          jsonb_build_object('handle', p_handle));
  RETURN t.id;
END $$;


--
-- Name: rb_emit_event(text, bigint, bigint, bigint, bigint, tstzrange, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_emit_event(p_kind text, p_resource bigint, p_booking bigint DEFAULT NULL::bigint, p_member bigint DEFAULT NULL::bigint, p_startup bigint DEFAULT NULL::bigint, p_during tstzrange DEFAULT NULL::tstzrange, p_closure bigint DEFAULT NULL::bigint) RETURNS void
    LANGUAGE plpgsql
    AS $_$
DECLARE
  payload text;
  v_at bigint := floor(extract(epoch FROM clock_timestamp()))::bigint;
BEGIN
  IF p_kind IS NULL OR p_kind !~ '^[a-z][a-z_]{0,31}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400',
      MESSAGE = format('%s is not an event kind (lower-case letters and _, at most 32)',
                       coalesce(p_kind, 'NULL'));
  END IF;
  -- rb_move's probe books and cancels in a subtransaction it rolls back:
  -- not a real change (PostgreSQL would drop those notifications anyway)
  IF current_setting('rigbook.probe', true) = 'on' THEN
    RETURN;
  END IF;
  -- one query, plain variables and epochs written out: this runs once per
  -- changed row, so it is kept cheap
  SELECT concat_ws(' ', 'v1', 'kind=' || p_kind, 'at=' || v_at, 'res=' || p_resource,
           'code=' || x.code::text, 'tz=' || x.time_zone, 'inst=' || x.institution_id,
           'space=' || i.space_id, 'booking=' || p_booking, 'member=' || p_member,
           'handle=' || (SELECT m.handle::text FROM members m WHERE m.id = p_member),
           'startup=' || p_startup,
           'scode=' || (SELECT s.code::text FROM startups s WHERE s.id = p_startup),
           'start=' || floor(extract(epoch FROM lower(p_during)))::bigint,
           'end=' || floor(extract(epoch FROM upper(p_during)))::bigint,
           'closure=' || p_closure)
    INTO payload
    FROM (SELECT 1) AS one
    LEFT JOIN resources x ON x.id = p_resource
    LEFT JOIN institutions i ON i.id = x.institution_id;
  -- Every value is bounded (codes 40, zones ~40, numbers 20), so a payload
  -- stays far below PostgreSQL's limit of 8000 bytes; should one ever grow
  -- past it, the kind and the resource still go out.
  IF octet_length(payload) >= 8000 THEN
    payload := concat_ws(' ', 'v1', 'kind=' || p_kind, 'at=' || v_at, 'res=' || p_resource);
  END IF;
  PERFORM pg_notify('rigbook_events', payload);
END $_$;


--
-- Name: rb_event_transport(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_event_transport() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$SELECT 'notify'$$;


--
-- Name: rb_find(text, text, text, integer, bigint, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_find(p_kind text, p_tag text, p_text text, p_len integer, p_from bigint, p_days integer, p_limit integer) RETURNS TABLE(resource_id bigint, start_epoch bigint, end_epoch bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  lo timestamptz := coalesce(rb_from_epoch(nullif(p_from, 0)), now());
BEGIN
  IF p_len <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'length_minutes',
      MESSAGE = 'say how long the booking would be';
  END IF;
  RETURN QUERY
    SELECT r.id, rb_epoch(lower(f.w)), rb_epoch(upper(f.w))
      FROM resources r
      CROSS JOIN LATERAL (
        SELECT rb_fit(r, x, p_len) AS w
          FROM unnest(rb_free(r.id, lo, lo + p_days * interval '1 day')) x
         WHERE rb_fit(r, x, p_len) IS NOT NULL
         ORDER BY lower(x) LIMIT 1) f
     WHERE r.retired_at IS NULL
       AND (p_kind IS NULL OR r.kind = p_kind::resource_kind)
       AND (p_tag IS NULL OR r.tags @> ARRAY[p_tag])
       AND (p_text IS NULL OR strpos(lower(r.code || ' ' || r.name || ' ' || r.description),
                                     lower(p_text)) > 0)
       AND (r.max_minutes = 0 OR r.max_minutes >= p_len)
       AND r.min_minutes <= p_len
     ORDER BY lower(f.w), r.code
     LIMIT p_limit;
END $$;


--
-- Name: rb_fit(public.resources, tstzrange, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_fit(r public.resources, w tstzrange, p_len integer) RETURNS tstzrange
    LANGUAGE plpgsql STABLE
    AS $$
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


--
-- Name: rb_free(bigint, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_free(p_resource bigint, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS tstzmultirange
    LANGUAGE plpgsql STABLE
    AS $$
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
     WHERE b.unit_id = u.id AND b.state NOT IN ('cancelled', 'declined')
       AND b.during && tstzrange(lo - buf, hi + buf);
    result := result + (base - busy);
  END LOOP;
  RETURN result;
END $$;


--
-- Name: rb_from_epoch(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_from_epoch(s bigint) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT 'epoch'::timestamptz + s * interval '1 second' $$;


--
-- Name: rb_get_booking(bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_get_booking(p_member bigint, p_booking bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
BEGIN
  SELECT * INTO b FROM bookings WHERE id = p_booking;
  IF NOT FOUND OR NOT (b.member_id = m.id OR b.startup_id = m.startup_id OR rb_staff_of_booking(m, b)) THEN
    -- the same answer whether it does not exist or is not theirs to see
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s that you can see', p_booking);
  END IF;
  RETURN b.id;
END $$;


--
-- Name: rb_hand_over(bigint, bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_hand_over(p_member bigint, p_booking bigint, p_to text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings;
  r resources;
  t members;
  n bigint;
BEGIN
  b := rb_lock_booking(p_booking);
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is not yours; only its owner or a manager of %s can hand it over',
                       b.id, rb_institution_name(r.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; hand over that one', b.id, b.parent_id);
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') OR upper(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be handed over', b.id,
                       CASE WHEN upper(b.during) <= now() THEN 'over' ELSE replace(b.state::text, '_', ' ') END);
  END IF;
  SELECT * INTO t FROM members WHERE handle = p_to AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'to',
      MESSAGE = format('no member is called %s', p_to);
  END IF;
  IF t.id = b.member_id THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'to',
      MESSAGE = format('booking %s already belongs to %s', b.id, t.handle);
  END IF;
  IF t.startup_id IS DISTINCT FROM b.startup_id THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'to',
      MESSAGE = format('%s is not a member of the startup that holds booking %s', t.handle, b.id);
  END IF;
  -- the per-member limit holds for the new holder too
  IF r.max_active_per_member > 0 AND NOT rb_windows(r.id, r.time_zone, 'offpeak', lower(b.during), upper(b.during)) @> b.during THEN
    SELECT count(*) INTO n FROM bookings x
     WHERE x.resource_id = r.id AND x.member_id = t.id AND upper(x.during) > now()
       AND x.state NOT IN ('cancelled', 'declined');
    IF n >= r.max_active_per_member THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'to',
        MESSAGE = format('%s already holds %s future bookings of %s, the most allowed', t.handle, n, r.code);
    END IF;
  END IF;
  UPDATE bookings SET member_id = t.id
   WHERE id = b.id OR (parent_id = b.id AND state IN ('requested', 'confirmed'));
  PERFORM rb_audit(m.id, 'hand_over', 'booking', b.id, p_peer,
                   jsonb_build_object('to', t.handle));
  RETURN b.id;
END $$;


--
-- Name: rb_hm(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_hm(p_minutes bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT (p_minutes / 60) || 'h' || lpad((p_minutes % 60)::text, 2, '0')
$$;


--
-- Name: rb_idem_lookup(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_idem_lookup(p_member bigint, p_key text, p_op text, p_fp text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: rb_idem_store(bigint, text, text, text, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_idem_store(p_member bigint, p_key text, p_op text, p_fp text, p_result bigint) RETURNS void
    LANGUAGE sql
    AS $$
  INSERT INTO idempotency_keys (member_id, key, operation, fingerprint, result_id)
  SELECT p_member, p_key, p_op, p_fp, p_result
  WHERE p_key IS NOT NULL AND p_key <> ''
$$;


--
-- Name: rb_institution_name(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_institution_name(p_resource bigint) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT i.name FROM resources r JOIN institutions i ON i.id = r.institution_id WHERE r.id = p_resource
$$;


--
-- Name: rb_invoice_credit(bigint, text, bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoice_credit(p_member bigint, p_number text, p_amount bigint, p_reason text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'number',
      MESSAGE = format('there is no invoice %s', p_number);
  END IF;
  IF NOT rb_is_operator(m, inv.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'number',
      MESSAGE = format('only an operator of %s or an admin can credit invoice %s',
                       (SELECT name FROM spaces WHERE id = inv.space_id), inv.number);
  END IF;
  IF inv.kind <> 'invoice' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'number',
      MESSAGE = format('%s is a credit note; credit the invoice it belongs to', inv.number);
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'reason',
      MESSAGE = format('say why invoice %s is credited; the startup sees the reason', inv.number);
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'amount', MESSAGE = 'a credit is more than 0';
  END IF;
  -- credits of one invoice queue here
  PERFORM pg_advisory_xact_lock(7311, inv.id::int);
  SELECT inv.startup_fen + coalesce(sum(x.startup_fen), 0) INTO left_fen
    FROM invoices x WHERE x.credit_of = inv.id;
  IF p_amount > left_fen THEN
    cur_text := CASE WHEN inv.currency = 'CNY' THEN '¥' ELSE inv.currency || ' ' END;
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'amount',
      MESSAGE = format('invoice %s has %s left to credit (what the startup pays, less earlier credit notes)',
                       inv.number, cur_text || to_char(left_fen / 100.0, 'FM999,999,999,999,990.00'));
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


--
-- Name: rb_invoice_frozen(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoice_frozen() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.issued_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412',
      MESSAGE = format('invoice %s is issued and never changes; correct it with a credit note (rigbook invoice credit %s)',
                       OLD.number, OLD.number);
  END IF;
  RETURN NEW;
END $$;


--
-- Name: rb_invoice_line_frozen(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoice_line_frozen() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: rb_invoice_rows(bigint[], boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoice_rows(p_ids bigint[], p_lines boolean) RETURNS TABLE(id bigint, number text, kind text, space_code text, startup_code text, startup_name text, period text, currency text, total_fen bigint, voucher_fen bigint, startup_fen bigint, credit_of text, reason text, issued_epoch bigint, legal_name text, credit_code text, address text, line_charge bigint, line_booking bigint, line_kind text, line_resource text, line_date text, line_description text, line_amount bigint, line_voucher bigint, line_startup bigint)
    LANGUAGE sql
    AS $$
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


--
-- Name: rb_invoice_run(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoice_run(p_member bigint, p_period text, p_space text, p_peer text) RETURNS SETOF bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  v_period date := rb_period(p_period, 'period');
  sp spaces;
  v_space bigint;
  st bigint;
  inv bigint;
  n int := 0;
BEGIN
  IF p_space IS NOT NULL THEN
    SELECT * INTO sp FROM spaces WHERE code = p_space;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'space_code',
        MESSAGE = format('no space is called %s', p_space);
    END IF;
    IF NOT rb_is_operator(m, sp.id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'space_code',
        MESSAGE = format('only an operator of %s or an admin can invoice it', sp.name);
    END IF;
    v_space := sp.id;
  ELSIF m.role = 'operator' THEN
    v_space := m.space_id;
  ELSIF m.role <> 'admin' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403',
      MESSAGE = 'invoice runs are for the operators of the space and admins';
  END IF;
  IF v_period >= date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date + interval '1 month' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'period',
      MESSAGE = format('%s has not begun; a month is invoiced once it has begun', p_period);
  END IF;
  FOR sp IN SELECT * FROM spaces WHERE v_space IS NULL OR spaces.id = v_space ORDER BY spaces.id LOOP
    PERFORM pg_advisory_xact_lock(7310, sp.id::int);
    FOR st IN SELECT DISTINCT c.startup_id FROM charges c
               WHERE c.space_id = sp.id AND c.charged_on < v_period + interval '1 month'
                 AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = c.id)
               ORDER BY 1 LOOP
      inv := rb_invoice_startup(sp.id, st, v_period, m.id);
      IF inv IS NOT NULL THEN
        n := n + 1;
        RETURN NEXT inv;
      END IF;
    END LOOP;
  END LOOP;
  PERFORM rb_audit(m.id, 'invoice_run', 'space', v_space, p_peer,
                   jsonb_build_object('period', p_period, 'invoices', n));
END $$;


--
-- Name: rb_invoice_startup(bigint, bigint, date, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoice_startup(p_space bigint, p_startup bigint, p_period date, p_by bigint) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  v_end date := p_period + interval '1 month';
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
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'period',
      MESSAGE = format('%s has charges in more than one currency in %s; one invoice holds one currency',
                       (SELECT code FROM startups WHERE id = p_startup), to_char(p_period, 'YYYY-MM'));
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


--
-- Name: rb_invoices(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_invoices(p_member bigint, p_period text, p_startup text, p_number text) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := CASE WHEN p_period IS NULL THEN NULL ELSE rb_period(p_period, 'period') END;
  s startups;
  ids bigint[];
BEGIN
  IF p_startup IS NOT NULL THEN
    s := rb_startup(p_startup);
    IF NOT rb_may_read_startup(m, s) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'startup_code',
        MESSAGE = format('the invoices of %s are for its members, the operators of its space and admins', s.code);
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
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'number',
      MESSAGE = format('there is no invoice %s that you can see', p_number);
  END IF;
  RETURN ids;
END $$;


--
-- Name: rb_is_operator(public.members, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_is_operator(m public.members, p_space bigint) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  SELECT m.role = 'admin' OR (m.role = 'operator' AND m.space_id = p_space)
$$;


--
-- Name: rb_is_staff(public.members, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_is_staff(m public.members, p_institution bigint, p_space bigint) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  SELECT m.role = 'admin'
      OR (m.role = 'operator' AND m.space_id = p_space)
      OR (m.role = 'manager' AND m.institution_id = p_institution)
$$;


--
-- Name: rb_issue_token(bigint, text, bytea, bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_issue_token(p_member bigint, p_handle text, p_hash bytea, p_expires bigint, p_label text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members;
  v_label text := rb_people_text(coalesce(p_label, ''), 200, 'a token''s label', 'label');
  new_id bigint;
BEGIN
  -- FOR SHARE: a member being disabled gets no token behind its back.
  SELECT * INTO t FROM members WHERE handle = p_handle FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('no member is called %s', p_handle);
  END IF;
  PERFORM rb_may_handle_tokens(a, t, 'member_handle');
  IF t.disabled_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'member_handle',
      MESSAGE = format('%s is disabled and gets no tokens', p_handle);
  END IF;
  IF p_expires IS NOT NULL AND rb_from_epoch(p_expires) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'expires_at',
      MESSAGE = 'a token''s expiry must be in the future';
  END IF;
  INSERT INTO tokens (member_id, hash, label, expires_at, issued_by)
  VALUES (t.id, p_hash, v_label, rb_from_epoch(p_expires), a.id)
  RETURNING id INTO new_id;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'token_issue', 'token', new_id, coalesce(p_peer, ''),
          jsonb_build_object('member', p_handle, 'label', v_label, 'expires', p_expires));
  RETURN new_id;
END $$;


--
-- Name: rb_local_minute(timestamp with time zone, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_local_minute(t timestamp with time zone, tz text) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT extract(epoch FROM (t AT TIME ZONE tz) - date_trunc('day', t AT TIME ZONE tz)) / 60
$$;


--
-- Name: rb_lock_booking(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_lock_booking(p_booking bigint) RETURNS public.bookings
    LANGUAGE plpgsql
    AS $$
DECLARE
  b bookings;
  rid bigint;
BEGIN
  SELECT resource_id INTO rid FROM bookings WHERE id = p_booking;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s', p_booking);
  END IF;
  PERFORM rb_lock_resources(rid);
  SELECT * INTO b FROM bookings WHERE id = p_booking FOR UPDATE;
  RETURN b;
END $$;


--
-- Name: rb_lock_resources(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_lock_resources(p_resource bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
  x bigint;
BEGIN
  FOR x IN SELECT g FROM rb_resource_group(p_resource) g ORDER BY g LOOP
    PERFORM pg_advisory_xact_lock(x);
  END LOOP;
END $$;


--
-- Name: rb_mark_no_show(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_mark_no_show(p_member bigint, p_booking bigint, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  b bookings := rb_lock_booking(p_booking);
  r resources;
  due timestamptz;
BEGIN
  SELECT * INTO r FROM resources WHERE id = b.resource_id;
  IF NOT rb_staff_of_booking(m, b) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can mark booking %s a no-show',
                       rb_institution_name(r.id), b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; mark that one', b.id, b.parent_id);
  END IF;
  IF b.state <> 'confirmed' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s; only a confirmed booking nobody checked in for can be a no-show',
                       b.id, rb_state_words(b));
  END IF;
  due := lower(b.during) + r.no_show_grace_minutes * interval '1 minute';
  IF now() < due THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s can be marked a no-show from %s, %s after its start', b.id,
                       rb_at_text(due, r.time_zone), rb_minutes_text(r.no_show_grace_minutes));
  END IF;
  UPDATE bookings SET state = 'no_show'
   WHERE id = b.id OR (parent_id = b.id AND state = 'confirmed');
  PERFORM rb_audit(m.id, 'no_show', 'booking', b.id, p_peer, '{"by": "staff"}');
  RETURN b.id;
END $$;


--
-- Name: rb_mark_no_shows(integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_mark_no_shows(p_limit integer) RETURNS SETOF bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  p bigint;
  kids bigint[];
  nkids bigint;
BEGIN
  FOR p IN SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
            WHERE b.state = 'confirmed' AND b.parent_id IS NULL
              AND lower(b.during) <= now() -- bookings_confirmed_start: started ones only
              AND lower(b.during) + r.no_show_grace_minutes * interval '1 minute' <= now()
            ORDER BY lower(b.during), b.id
            LIMIT p_limit
              FOR NO KEY UPDATE OF b SKIP LOCKED LOOP
    SELECT coalesce(array_agg(k.id), '{}') INTO kids
      FROM (SELECT id FROM bookings WHERE parent_id = p AND state = 'confirmed'
              FOR NO KEY UPDATE SKIP LOCKED) k;
    SELECT count(*) INTO nkids FROM bookings WHERE parent_id = p AND state = 'confirmed';
    IF nkids <> cardinality(kids) THEN
      CONTINUE; -- a companion is busy elsewhere: the next sweep takes it
    END IF;
    UPDATE bookings SET state = 'no_show' WHERE id = p OR id = ANY (kids);
    PERFORM rb_audit(NULL, 'no_show', 'booking', p, '', '{"by": "sweep"}');
    RETURN NEXT p;
  END LOOP;
END $$;


--
-- Name: rb_may_handle_tokens(public.members, public.members, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_may_handle_tokens(a public.members, t public.members, field text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
  IF a.id = t.id OR a.role = 'admin' THEN
    RETURN;
  END IF;
  IF a.role = 'operator' AND rb_member_space(a) IS NOT NULL
     AND rb_member_space(a) IS NOT DISTINCT FROM rb_member_space(t) AND t.role <> 'admin' THEN
    RETURN;
  END IF;
  RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = field,
    MESSAGE = format('the tokens of %s are handled by %s, an operator of their space or an admin; not by you',
                     t.handle, t.handle);
END $$;


--
-- Name: rb_may_manage_people(public.members, bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_may_manage_people(a public.members, p_space bigint, what text, field text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  own bigint;
BEGIN
  IF a.role = 'admin' THEN
    RETURN;
  END IF;
  IF a.role <> 'operator' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = field,
      MESSAGE = format('only operators of the space and admins manage startups and members; a %s cannot change %s',
                       a.role, what);
  END IF;
  own := rb_member_space(a);
  IF own IS DISTINCT FROM p_space THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = field,
      MESSAGE = format('%s belongs to space %s; operators manage the startups and members of their own space (%s) only',
                       what, coalesce((SELECT code FROM spaces WHERE id = p_space), 'none'),
                       coalesce((SELECT code FROM spaces WHERE id = own), 'none'));
  END IF;
END $$;


--
-- Name: rb_may_read_startup(public.members, public.startups); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_may_read_startup(m public.members, s public.startups) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  SELECT m.role = 'admin' OR (m.role = 'operator' AND m.space_id = s.space_id)
      OR (m.role = 'member' AND m.startup_id = s.id)
$$;


--
-- Name: rb_member(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_member(p_member bigint) RETURNS public.members
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members;
BEGIN
  SELECT * INTO m FROM members WHERE id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'your account is disabled';
  END IF;
  RETURN m;
END $$;


--
-- Name: rb_member_space(public.members); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_member_space(m public.members) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce(m.space_id,
                  (SELECT s.space_id FROM startups s WHERE s.id = m.startup_id),
                  (SELECT i.space_id FROM institutions i WHERE i.id = m.institution_id))
$$;


--
-- Name: spaces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.spaces (
    id bigint NOT NULL,
    code public.rb_code NOT NULL,
    name text NOT NULL,
    name_zh text DEFAULT ''::text NOT NULL,
    field text DEFAULT ''::text NOT NULL,
    field_zh text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT spaces_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    id bigint NOT NULL,
    member_id bigint NOT NULL,
    hash bytea NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    issued_by bigint,
    last_used_at timestamp with time zone,
    CONSTRAINT token_label_length CHECK ((length(label) <= 200)),
    CONSTRAINT tokens_hash_check CHECK ((length(hash) = 32))
);


--
-- Name: member_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.member_view AS
 SELECT m.id,
    (m.handle)::text AS handle,
    m.name,
    m.email,
    (m.role)::text AS role,
    COALESCE((s.code)::text, ''::text) AS startup_code,
    COALESCE((i.code)::text, ''::text) AS institution_code,
    COALESCE((sp.code)::text, ''::text) AS space_code,
    COALESCE(public.rb_epoch(m.disabled_at), (0)::bigint) AS disabled_epoch,
    public.rb_epoch(m.created_at) AS created_epoch,
    (( SELECT count(*) AS count
           FROM public.tokens t
          WHERE ((t.member_id = m.id) AND (t.revoked_at IS NULL) AND ((t.expires_at IS NULL) OR (t.expires_at > now())))))::integer AS live_tokens,
    m.startup_id,
    sp.id AS space_id
   FROM (((public.members m
     LEFT JOIN public.startups s ON ((s.id = m.startup_id)))
     LEFT JOIN public.institutions i ON ((i.id = m.institution_id)))
     LEFT JOIN public.spaces sp ON ((sp.id = public.rb_member_space(m.*))));


--
-- Name: rb_member_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_member_wire(p_id bigint) RETURNS SETOF public.member_view
    LANGUAGE sql
    AS $$ SELECT * FROM member_view WHERE id = p_id $$;


--
-- Name: rb_members(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_members(p_member bigint, p_startup text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  own bigint := rb_member_space(a);
  s startups;
BEGIN
  IF coalesce(p_startup, '') <> '' THEN
    PERFORM rb_startups(p_member, p_startup);
    SELECT * INTO s FROM startups WHERE code = p_startup;
    RETURN QUERY SELECT m.id FROM members m WHERE m.startup_id = s.id ORDER BY m.handle;
    RETURN;
  END IF;
  IF a.role = 'member' THEN
    RETURN QUERY SELECT m.id FROM members m WHERE m.startup_id = a.startup_id ORDER BY m.handle;
    RETURN;
  END IF;
  RETURN QUERY SELECT m.id FROM members m
    WHERE a.role = 'admin' OR rb_member_space(m) = own
    ORDER BY m.handle;
END $$;


--
-- Name: rb_minutes_text(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_minutes_text(n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT CASE
    WHEN n % 1440 = 0 AND n >= 2880 THEN (n / 1440) || ' d'
    WHEN n % 60 = 0 AND n >= 60 THEN (n / 60) || ' h'
    WHEN n > 60 THEN (n / 60) || ' h ' || (n % 60) || ' min'
    ELSE n || ' min'
  END
$$;


--
-- Name: rb_move(bigint, bigint, bigint, bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_move(p_member bigint, p_booking bigint, p_start bigint, p_end bigint, p_key text, p_peer text) RETURNS TABLE(id bigint, replayed boolean)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  owner members;
  b bookings;
  r resources;
  q resources;
  w tstzrange;
  fp text := p_booking || ' ' || p_start || ' ' || p_end;
  prev bigint;
  staff boolean;
  probe bigint;
  new_state booking_state;
  units bigint[] := '{}';
  kids bigint[] := '{}';
  k bigint;
  failure_state text;
  failure_msg text;
  failure_col text;
  failure_detail text;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'move', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
    RETURN;
  END IF;

  b := rb_lock_booking(p_booking);
  SELECT * INTO r FROM resources WHERE resources.id = b.resource_id;
  staff := rb_staff_of_booking(m, b);
  IF NOT (b.member_id = m.id OR staff) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is not yours; only its owner or a manager of %s can move it',
                       b.id, rb_institution_name(r.id));
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; move that one', b.id, b.parent_id);
  END IF;
  IF b.state NOT IN ('requested', 'confirmed') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s is %s and can no longer be moved', b.id,
                       replace(b.state::text, '_', ' '));
  END IF;
  IF lower(b.during) <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s has already started and can no longer be moved', b.id);
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
  IF w = b.during THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'start',
      MESSAGE = format('booking %s is already %s', b.id, rb_window_text(w, r.time_zone));
  END IF;
  SELECT * INTO owner FROM members WHERE members.id = b.member_id;

  -- Ask the booking path itself whether the new window would be accepted
  -- for the owner with this booking out of the way, inside a subtransaction
  -- that is always rolled back: the rules are the booking path's, not a
  -- copy.  What it chose (units, state) survives in variables.
  -- rigbook.probe tells triggers (the waitlist's) that this is not a real change.
  BEGIN
    PERFORM set_config('rigbook.probe', 'on', true);
    UPDATE bookings SET state = 'cancelled'
     WHERE bookings.id = b.id OR (bookings.parent_id = b.id AND bookings.state IN ('requested', 'confirmed'));
    probe := rb_book_one(owner, r, w, b.note, NULL, NULL);
    SELECT state INTO new_state FROM bookings WHERE bookings.id = probe;
    SELECT unit_id INTO k FROM bookings WHERE bookings.id = probe;
    units := units || k;
    FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
              WHERE rq.resource_id = r.id ORDER BY x.id LOOP
      k := rb_book_one(owner, q, w, '', NULL, probe);
      units := units || (SELECT unit_id FROM bookings WHERE bookings.id = k);
    END LOOP;
    RAISE EXCEPTION USING ERRCODE = 'RBP01'; -- not a class code: 'RB000' would catch every RB error
  EXCEPTION
    WHEN SQLSTATE 'RBP01' THEN
      NULL; -- the probe succeeded; everything it did is undone
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure_msg = MESSAGE_TEXT,
                              failure_col = COLUMN_NAME, failure_detail = PG_EXCEPTION_DETAIL;
      IF failure_state NOT LIKE 'RB%' THEN
        RAISE;
      END IF;
      RAISE EXCEPTION USING ERRCODE = failure_state, COLUMN = failure_col, DETAIL = failure_detail,
        MESSAGE = format('booking %s stays %s: %s', b.id, rb_window_text(b.during, r.time_zone),
                         failure_msg);
  END;

  -- A member's move of a booking that needed approval asks again; staff's does not.
  IF b.state = 'confirmed' AND new_state = 'requested' THEN
    b.state := 'requested';
  END IF;
  UPDATE bookings SET during = w, unit_id = units[1], state = b.state,
         decided_by = CASE WHEN b.state = 'requested' THEN NULL ELSE decided_by END
   WHERE bookings.id = b.id;
  SELECT coalesce(array_agg(c.id ORDER BY c.resource_id), '{}') INTO kids
    FROM bookings c WHERE c.parent_id = b.id AND c.state IN ('requested', 'confirmed');
  FOR i IN 1 .. coalesce(array_length(kids, 1), 0) LOOP
    UPDATE bookings SET during = w, unit_id = units[i + 1], state = b.state WHERE bookings.id = kids[i];
  END LOOP;

  PERFORM rb_idem_store(p_member, p_key, 'move', fp, b.id);
  PERFORM rb_audit(m.id, 'move', 'booking', b.id, p_peer,
                   jsonb_build_object('from', jsonb_build_array(rb_epoch(lower(b.during)), rb_epoch(upper(b.during))),
                                      'to', jsonb_build_array(p_start, p_end)));
  RETURN QUERY SELECT b.id, false;
END $$;


--
-- Name: rb_multirange_secs(tstzmultirange); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_multirange_secs(m tstzmultirange) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT coalesce(sum(rb_epoch(upper(x)) - rb_epoch(lower(x))), 0)::bigint FROM unnest(m) x
$$;


--
-- Name: rb_next_invoice_number(bigint, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_next_invoice_number(p_space bigint, p_year integer) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
  n int;
BEGIN
  INSERT INTO invoice_counters (space_id, year) VALUES (p_space, p_year) ON CONFLICT DO NOTHING;
  SELECT last_no INTO n FROM invoice_counters WHERE space_id = p_space AND year = p_year FOR UPDATE;
  n := n + 1;
  UPDATE invoice_counters SET last_no = n WHERE space_id = p_space AND year = p_year;
  RETURN upper((SELECT code FROM spaces WHERE id = p_space)) || '-' || p_year || '-' || lpad(n::text, 4, '0');
END $$;


--
-- Name: rb_pct(bigint, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_pct(p_amount bigint, p_pct integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT (p_amount * p_pct + 50) / 100 $$;


--
-- Name: rb_people_actor(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_people_actor(p_member bigint) RETURNS public.members
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members;
BEGIN
  SELECT * INTO m FROM members WHERE members.id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', MESSAGE = 'your account is disabled';
  END IF;
  RETURN m;
END $$;


--
-- Name: rb_people_code(text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_people_code(v text, what text, field text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
BEGIN
  IF v IS NULL OR v !~ '^[a-z0-9][a-z0-9-]{0,39}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = field,
      MESSAGE = format('%s %s is not valid: 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit',
                       what, coalesce(v, ''));
  END IF;
  RETURN v;
END $_$;


--
-- Name: rb_people_text(text, integer, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_people_text(v text, max integer, what text, field text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
  IF v IS NULL THEN
    RETURN NULL;
  END IF;
  v := btrim(v);
  IF length(v) > max THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = field,
      MESSAGE = format('%s is at most %s characters', what, max);
  END IF;
  RETURN v;
END $$;


--
-- Name: rb_period(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_period(p text, p_field text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
BEGIN
  IF p IS NULL OR p !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = p_field,
      MESSAGE = format('%s is not a month; give it as YYYY-MM, like 2026-11', coalesce(p, 'nothing'));
  END IF;
  RETURN to_date(p || '-01', 'YYYY-MM-DD');
END $_$;


--
-- Name: rb_put_resource(bigint, text, text, text, text, text, text, text, text[], boolean, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_put_resource(p_member bigint, p_code text, p_name text, p_kind text, p_institution text, p_description text, p_location text, p_tz text, p_tags text[], p_create_only boolean, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $_$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
  t text;
BEGIN
  FOREACH t IN ARRAY coalesce(p_tags, '{}') LOOP
    IF t !~ '^[a-z0-9][a-z0-9_.-]{0,39}$' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'tags',
        MESSAGE = format('tag %L: tags are lowercase letters, digits, ".", "_" and "-", at most 40', t);
    END IF;
  END LOOP;
  IF p_code !~ '^[a-z0-9][a-z0-9-]{0,39}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'code',
      MESSAGE = 'a resource code is lowercase letters, digits and "-", at most 40, like rig-7';
  END IF;
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF FOUND THEN
    IF p_create_only THEN
      RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'code',
        MESSAGE = format('a resource called %s already exists', p_code);
    END IF;
    r := rb_staff_resource(m, p_code);
    IF coalesce(p_institution, '') <> '' AND p_institution <> (SELECT code FROM institutions WHERE id = r.institution_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'institution_code',
        MESSAGE = format('%s belongs to %s and cannot move to another institution', r.code,
                         (SELECT name FROM institutions WHERE id = r.institution_id));
    END IF;
    IF coalesce(p_tz, '') <> '' THEN
      PERFORM rb_tz_ok(p_tz);
    END IF;
    UPDATE resources SET
      name = coalesce(nullif(p_name, ''), name),
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
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'institution_code',
        MESSAGE = 'say which host institution the resource belongs to';
    END IF;
  ELSE
    SELECT * INTO i FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'institution_code',
        MESSAGE = format('no host institution is called %s', p_institution);
    END IF;
  END IF;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'institution_code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can add its resources', i.name);
  END IF;
  IF coalesce(p_name, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'name', MESSAGE = 'a new resource needs a name';
  END IF;
  IF coalesce(p_kind, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kind',
      MESSAGE = 'a new resource needs a kind: instrument, test_facility, machining, pilot_line or workspace';
  END IF;
  PERFORM rb_tz_ok(coalesce(nullif(p_tz, ''), 'Asia/Shanghai'));
  INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone, tags)
  VALUES (i.id, p_code, p_name, p_kind::resource_kind, coalesce(p_description, ''),
          coalesce(p_location, ''), coalesce(nullif(p_tz, ''), 'Asia/Shanghai'), coalesce(p_tags, '{}'))
  RETURNING * INTO r;
  PERFORM rb_audit(m.id, 'create', 'resource', r.id, p_peer, jsonb_build_object('code', p_code));
  RETURN r.id;
END $_$;


--
-- Name: rb_put_startup(bigint, text, text, text, text, text, text, boolean, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_put_startup(p_member bigint, p_code text, p_name text, p_space text, p_legal_name text, p_credit_code text, p_address text, p_create boolean, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  s startups;
  sp spaces;
  uscc text := upper(btrim(coalesce(p_credit_code, '')));
  problem text;
  v_name text := rb_people_text(nullif(p_name, ''), 200, 'a startup''s name', 'name');
  v_legal text := rb_people_text(nullif(p_legal_name, ''), 200, 'a legal name', 'legal_name');
  v_addr text := rb_people_text(nullif(p_address, ''), 500, 'an address', 'address');
  new_id bigint;
BEGIN
  PERFORM rb_people_code(p_code, 'startup code', 'code');
  IF uscc <> '' THEN
    problem := rb_uscc_problem(uscc);
    IF problem IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'credit_code', MESSAGE = problem;
    END IF;
  END IF;

  IF p_create THEN
    IF coalesce(p_space, '') <> '' THEN
      sp := rb_space_of(p_space, 'space_code');
    ELSIF a.role = 'admin' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'space_code',
        MESSAGE = format('say which space startup %s joins', p_code);
    ELSE
      SELECT * INTO sp FROM spaces WHERE id = rb_member_space(a);
    END IF;
    PERFORM rb_may_manage_people(a, sp.id, format('startup %s', p_code), 'space_code');
    IF v_name IS NULL OR v_name = '' THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'name',
        MESSAGE = format('a new startup needs a name (%s)', p_code);
    END IF;
    IF EXISTS (SELECT 1 FROM startups WHERE code = p_code) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'code',
        MESSAGE = format('a startup called %s already exists; startup codes are unique', p_code);
    END IF;
    BEGIN
      INSERT INTO startups (space_id, code, name, legal_name, credit_code, address)
      VALUES (sp.id, p_code, v_name, coalesce(v_legal, ''), uscc, coalesce(v_addr, ''))
      RETURNING id INTO new_id;
    EXCEPTION WHEN unique_violation THEN
      RAISE EXCEPTION USING ERRCODE = 'RB409', COLUMN = 'code',
        MESSAGE = format('a startup called %s already exists; startup codes are unique', p_code);
    END;
    INSERT INTO audit (member_id, action, object, object_id, peer, detail)
    VALUES (a.id, 'startup_add', 'startup', new_id, coalesce(p_peer, ''),
            jsonb_build_object('code', p_code, 'space', sp.code, 'name', v_name,
                               'legal_name', coalesce(v_legal, ''), 'credit_code', uscc,
                               'address', coalesce(v_addr, '')));
    RETURN new_id;
  END IF;

  SELECT * INTO s FROM startups WHERE code = p_code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no startup is called %s', p_code);
  END IF;
  PERFORM rb_may_manage_people(a, s.space_id, format('startup %s', p_code), 'code');
  IF coalesce(p_space, '') <> '' AND p_space <> (SELECT code FROM spaces WHERE id = s.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'space_code',
      MESSAGE = format('startup %s stays in its space; a startup does not move between spaces', p_code);
  END IF;
  UPDATE startups SET name = coalesce(v_name, name),
                      legal_name = coalesce(v_legal, legal_name),
                      credit_code = CASE WHEN uscc = '' THEN credit_code ELSE uscc END,
                      address = coalesce(v_addr, address)
   WHERE id = s.id;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'startup_edit', 'startup', s.id, coalesce(p_peer, ''),
          jsonb_strip_nulls(jsonb_build_object('code', p_code, 'name', v_name, 'legal_name', v_legal,
                                               'credit_code', nullif(uscc, ''), 'address', v_addr)));
  RETURN s.id;
END $$;


--
-- Name: rb_qual_resource(public.members, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_qual_resource(m public.members, p_code text) RETURNS public.resources
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'resource_code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can qualify members on %s',
                       i.name, r.code);
  END IF;
  RETURN r;
END $$;


--
-- Name: qualifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.qualifications (
    id bigint NOT NULL,
    member_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    granted_by bigint NOT NULL,
    granted_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    revoked_by bigint,
    CONSTRAINT qualification_revoked CHECK (((revoked_at IS NULL) = (revoked_by IS NULL)))
);


--
-- Name: qualification_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.qualification_view AS
 SELECT q.id,
    (m.handle)::text AS member_handle,
    (r.code)::text AS resource_code,
    r.time_zone,
    (g.handle)::text AS granted_by,
    public.rb_epoch(q.granted_at) AS granted_epoch,
    COALESCE(public.rb_epoch(q.expires_at), (0)::bigint) AS expires_epoch,
    COALESCE(public.rb_epoch(q.revoked_at), (0)::bigint) AS revoked_epoch,
    COALESCE((v.handle)::text, ''::text) AS revoked_by,
    ((q.revoked_at IS NULL) AND ((q.expires_at IS NULL) OR (q.expires_at > now()))) AS valid,
    q.member_id,
    q.resource_id,
    r.institution_id
   FROM ((((public.qualifications q
     JOIN public.members m ON ((m.id = q.member_id)))
     JOIN public.resources r ON ((r.id = q.resource_id)))
     JOIN public.members g ON ((g.id = q.granted_by)))
     LEFT JOIN public.members v ON ((v.id = q.revoked_by)));


--
-- Name: rb_qualification_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_qualification_wire(p_id bigint) RETURNS SETOF public.qualification_view
    LANGUAGE plpgsql
    AS $$
BEGIN
  -- plpgsql keeps the plan for the session; VOLATILE: sees the row this
  -- statement's other function just wrote
  RETURN QUERY SELECT * FROM qualification_view WHERE id = p_id;
END $$;


--
-- Name: rb_qualifications(bigint, text, text, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_qualifications(p_member bigint, p_code text, p_handle text, p_all boolean) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
BEGIN
  IF p_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resources WHERE code = p_code) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF p_handle IS NOT NULL AND NOT EXISTS (SELECT 1 FROM members WHERE handle = p_handle) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('no member is called %s', p_handle);
  END IF;
  IF m.role = 'member' AND p_handle IS NOT NULL AND p_handle <> m.handle THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'member_handle',
      MESSAGE = 'members see only their own qualifications';
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


--
-- Name: rb_qualify(bigint, text, text, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_qualify(p_member bigint, p_handle text, p_code text, p_until bigint, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_qual_resource(m, p_code);
  t members;
  v_until timestamptz := rb_from_epoch(p_until);
  qid bigint;
BEGIN
  SELECT * INTO t FROM members WHERE handle = p_handle AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('no member is called %s', p_handle);
  END IF;
  IF v_until IS NOT NULL AND v_until <= now() THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'expires_at',
      MESSAGE = format('a qualification until %s (%s) would already have ended',
                       to_char(v_until AT TIME ZONE r.time_zone, 'YYYY-MM-DD HH24:MI'), r.time_zone);
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


--
-- Name: rate_cards; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rate_cards (
    id bigint NOT NULL,
    resource_id bigint NOT NULL,
    tier public.price_tier NOT NULL,
    currency public.rb_currency DEFAULT 'CNY'::text NOT NULL,
    hourly_fen bigint NOT NULL,
    increment_minutes integer NOT NULL,
    minimum_fen bigint DEFAULT 0 NOT NULL,
    day_fen bigint,
    day_hours integer DEFAULT 8 NOT NULL,
    basis public.charge_basis DEFAULT 'booked'::public.charge_basis NOT NULL,
    late_fee_pct integer DEFAULT 0 NOT NULL,
    no_show_fee_pct integer DEFAULT 0 NOT NULL,
    effective_from date NOT NULL,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT rate_cards_day_fen_check CHECK (((day_fen IS NULL) OR (day_fen >= 0))),
    CONSTRAINT rate_cards_day_hours_check CHECK (((day_hours >= 1) AND (day_hours <= 24))),
    CONSTRAINT rate_cards_hourly_fen_check CHECK ((hourly_fen >= 0)),
    CONSTRAINT rate_cards_increment_minutes_check CHECK (((increment_minutes >= 1) AND (increment_minutes <= 1440))),
    CONSTRAINT rate_cards_late_fee_pct_check CHECK (((late_fee_pct >= 0) AND (late_fee_pct <= 100))),
    CONSTRAINT rate_cards_minimum_fen_check CHECK ((minimum_fen >= 0)),
    CONSTRAINT rate_cards_no_show_fee_pct_check CHECK (((no_show_fee_pct >= 0) AND (no_show_fee_pct <= 100)))
);


--
-- Name: rb_rate_amount(public.rate_cards, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_rate_amount(c public.rate_cards, p_secs bigint, OUT minutes bigint, OUT amount bigint) RETURNS record
    LANGUAGE plpgsql IMMUTABLE
    AS $$
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


--
-- Name: rb_rate_for(bigint, public.price_tier, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_rate_for(p_resource bigint, p_tier public.price_tier, p_day date) RETURNS public.rate_cards
    LANGUAGE sql STABLE
    AS $$
  SELECT * FROM rate_cards
   WHERE resource_id = p_resource AND tier = p_tier AND effective_from <= p_day
   ORDER BY effective_from DESC LIMIT 1
$$;


--
-- Name: rb_rate_set(bigint, text, text, text, bigint, integer, bigint, bigint, integer, text, integer, integer, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_rate_set(p_member bigint, p_code text, p_tier text, p_currency text, p_hourly bigint, p_increment integer, p_minimum bigint, p_day bigint, p_day_hours integer, p_basis text, p_late integer, p_no_show integer, p_from text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $_$
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
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_operator(m, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'resource_code',
      MESSAGE = format('only an operator of %s or an admin can set the rates of %s',
                       (SELECT name FROM spaces WHERE id = i.space_id), r.code);
  END IF;
  IF p_tier IS NULL OR p_tier NOT IN ('member_startup', 'host_internal', 'external') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'tier',
      MESSAGE = format('%s is not a price tier (member_startup, host_internal or external)', coalesce(p_tier, 'nothing'));
  END IF;
  IF p_basis IS NULL OR p_basis NOT IN ('booked', 'used', 'greater') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'basis',
      MESSAGE = format('%s is not a charge basis (booked, used or greater)', coalesce(p_basis, 'nothing'));
  END IF;
  IF coalesce(p_currency, '') !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'currency',
      MESSAGE = format('%s is not a currency code (three capital letters, like CNY)', coalesce(p_currency, 'nothing'));
  END IF;
  IF p_hourly < 0 OR p_minimum < 0 OR coalesce(p_day, 0) < 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'hourly', MESSAGE = 'rates are 0 or more';
  END IF;
  IF p_increment NOT BETWEEN 1 AND 1440 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'increment_minutes',
      MESSAGE = 'the billing increment is 1 minute to 1 day';
  END IF;
  IF p_day_hours NOT BETWEEN 1 AND 24 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'day_hours',
      MESSAGE = 'the day rate starts at 1 to 24 hours';
  END IF;
  IF p_late NOT BETWEEN 0 AND 100 OR p_no_show NOT BETWEEN 0 AND 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400',
      COLUMN = CASE WHEN p_late NOT BETWEEN 0 AND 100 THEN 'late_fee_pct' ELSE 'no_show_fee_pct' END,
      MESSAGE = 'fees are 0% to 100% of the booked charge';
  END IF;
  -- NO KEY: a check-out charging with this rate (a key-share lock) is not held up
  SELECT * INTO old FROM rate_cards
   WHERE resource_id = r.id AND tier = p_tier::price_tier AND effective_from = v_from
     FOR NO KEY UPDATE;
  IF FOUND AND EXISTS (SELECT 1 FROM charges WHERE rate_card_id = old.id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'effective_from',
      MESSAGE = format('the %s rate of %s from %s has charged bookings already; set the new rate from a later date',
                       p_tier, r.code, v_from);
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
END $_$;


--
-- Name: rate_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.rate_view AS
 SELECT c.id,
    (r.code)::text AS resource_code,
    (c.tier)::text AS tier,
    (c.currency)::text AS currency,
    c.hourly_fen,
    c.increment_minutes,
    c.minimum_fen,
    COALESCE(c.day_fen, ('-1'::integer)::bigint) AS day_fen,
    c.day_hours,
    (c.basis)::text AS basis,
    c.late_fee_pct,
    c.no_show_fee_pct,
    to_char((c.effective_from)::timestamp with time zone, 'YYYY-MM-DD'::text) AS effective_from,
    COALESCE(( SELECT (members.handle)::text AS handle
           FROM public.members
          WHERE (members.id = c.created_by)), ''::text) AS set_by,
    c.resource_id,
    c.effective_from AS from_date
   FROM (public.rate_cards c
     JOIN public.resources r ON ((r.id = c.resource_id)));


--
-- Name: rb_rate_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_rate_wire(p_id bigint) RETURNS SETOF public.rate_view
    LANGUAGE sql
    AS $$ SELECT * FROM rate_view WHERE id = p_id $$;


--
-- Name: rb_rates(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_rates(p_member bigint, p_code text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'resource_code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can read the rates of %s',
                       i.name, r.code);
  END IF;
  RETURN QUERY SELECT c.id FROM rate_cards c WHERE c.resource_id = r.id
                ORDER BY c.tier, c.effective_from DESC;
END $$;


--
-- Name: rb_remove_closure(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_remove_closure(p_member bigint, p_closure bigint, p_peer text) RETURNS TABLE(closure_id bigint, resource_code text, c_start bigint, c_end bigint, c_kind text, c_reason text, c_by text)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  c closures;
  r resources;
BEGIN
  SELECT * INTO c FROM closures WHERE id = p_closure AND removed_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'closure_id',
      MESSAGE = format('there is no closure %s in force', p_closure);
  END IF;
  r := rb_staff_resource(m, (SELECT code FROM resources WHERE id = c.resource_id));
  UPDATE closures SET removed_at = now(), removed_by = m.id WHERE id = c.id;
  PERFORM rb_audit(m.id, 'reopen', 'resource', r.id, p_peer, jsonb_build_object('closure', c.id));
  RETURN QUERY SELECT c.id, r.code::text, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
    c.reason, (SELECT handle::text FROM members WHERE id = c.created_by);
END $$;


--
-- Name: rb_report(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_report(p_member bigint, p_space text, p_from text, p_to text) RETURNS TABLE(resource_code text, resource_name text, institution_code text, space_code text, time_zone text, units integer, open_secs bigint, booked_secs bigint, used_secs bigint, startups integer, bookings integer, no_shows integer, currency text, revenue_fen bigint, subsidy_fen bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := rb_date_arg(p_from, 'from');
  v_to date := rb_date_arg(p_to, 'to');
  sp spaces;
BEGIN
  IF v_to < v_from THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'to',
      MESSAGE = format('the report ends (to %s) before it begins (from %s)', v_to, v_from);
  END IF;
  IF v_to - v_from + 1 > 366 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'to',
      MESSAGE = format('a report covers at most 366 days; from %s to %s is %s days',
                       v_from, v_to, v_to - v_from + 1);
  END IF;
  IF m.role = 'member' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403',
      MESSAGE = 'the report is for managers of the host institutions, operators of the space and admins';
  END IF;
  IF p_space IS NOT NULL THEN
    SELECT * INTO sp FROM spaces s WHERE s.code = p_space;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'space_code',
        MESSAGE = format('no space is called %s', p_space);
    END IF;
    IF m.role = 'operator' AND m.space_id IS DISTINCT FROM sp.id THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'space_code',
        MESSAGE = format('the report of %s is for its operators and admins', sp.name);
    END IF;
    IF m.role = 'manager' AND NOT EXISTS (SELECT 1 FROM institutions i
                                           WHERE i.id = m.institution_id AND i.space_id = sp.id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'space_code',
        MESSAGE = format('a manager reports on the resources of their own institution, which is not in %s',
                         sp.name);
    END IF;
  END IF;

  RETURN QUERY
  WITH res AS (
    -- the resources in scope, each with the range as instants of its zone
    SELECT r.id, r.code::text AS code, r.name, i.code::text AS inst, s.code::text AS space,
           r.time_zone AS tz, s.id AS space_id,
           (SELECT count(*) FROM resource_units u
             WHERE u.resource_id = r.id AND u.retired_at IS NULL)::int AS units,
           tstzrange(v_from::timestamp AT TIME ZONE r.time_zone,
                     least((v_to + 1)::timestamp AT TIME ZONE r.time_zone,
                           coalesce(r.retired_at, 'infinity'))) AS rng
      FROM resources r
      JOIN institutions i ON i.id = r.institution_id
      JOIN spaces s ON s.id = i.space_id
     WHERE (r.retired_at IS NULL OR r.retired_at > v_from::timestamp AT TIME ZONE r.time_zone)
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


--
-- Name: rb_resource_detail(bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_resource_detail(p_id bigint, p_member bigint) RETURNS SETOF public.rb_res_row
    LANGUAGE sql
    AS $$
  SELECT v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code,
         v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes,
         v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes,
         v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes,
         v.terms_version, v.requires, d.tag, d.n1, d.n2, d.n3, d.t1, d.t2, d.t3, d.b1
  FROM resource_view v CROSS JOIN (
    SELECT 0 AS o, 'resource' AS tag, NULL::bigint AS n1, NULL::bigint AS n2, NULL::bigint AS n3,
           NULL::text AS t1, NULL::text AS t2, NULL::text AS t3, NULL::boolean AS b1
    UNION ALL
    SELECT 1, h.kind, h.weekday, h.opens, h.closes, NULL, NULL, NULL, NULL
      FROM opening_hours h WHERE h.resource_id = p_id
    UNION ALL
    SELECT 2, 'exception', NULL, NULL, NULL, to_char(e.day, 'YYYY-MM-DD'),
           coalesce((SELECT string_agg(lower(x) || '-' || upper(x), ',' ORDER BY lower(x))
                       FROM unnest(e.windows) x), ''), e.reason, e.closed
      FROM date_exceptions e JOIN resources r ON r.id = e.resource_id
     WHERE e.resource_id = p_id AND e.day >= (now() AT TIME ZONE r.time_zone)::date
    UNION ALL
    SELECT 3, 'closure', c.id, rb_epoch(lower(c.during)), rb_epoch(upper(c.during)), c.kind,
           c.reason, m.handle::text, NULL
      FROM closures c JOIN members m ON m.id = c.created_by
     WHERE c.resource_id = p_id AND c.removed_at IS NULL AND upper(c.during) > now()
    UNION ALL
    SELECT 4, 'terms', r.terms_version, NULL, NULL, r.terms_text, NULL, NULL,
           EXISTS (SELECT 1 FROM terms_acceptances a WHERE a.member_id = p_member
                      AND a.resource_id = r.id AND a.version = r.terms_version)
      FROM resources r WHERE r.id = p_id AND r.terms_version > 0
    UNION ALL
    SELECT 5, 'lifecycle', r.late_cancel_minutes, r.checkin_early_minutes, r.no_show_grace_minutes,
           r.needs_qualification::text, NULL, NULL, r.needs_approval
      FROM resources r WHERE r.id = p_id
  ) d (o, tag, n1, n2, n3, t1, t2, t3, b1)
  WHERE v.id = p_id
  ORDER BY d.o, d.tag, d.n1, d.n2, d.t1
$$;


--
-- Name: rb_resource_first_unit(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_resource_first_unit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO resource_units (resource_id, unit_no) VALUES (NEW.id, 1);
  RETURN NEW;
END $$;


--
-- Name: rb_resource_group(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_resource_group(p_resource bigint) RETURNS SETOF bigint
    LANGUAGE sql STABLE
    AS $$
  WITH RECURSIVE g(id) AS (
    SELECT p_resource
    UNION
    SELECT CASE WHEN rq.resource_id = g.id THEN rq.required_id ELSE rq.resource_id END
      FROM resource_requires rq JOIN g ON g.id IN (rq.resource_id, rq.required_id)
  ) SELECT id FROM g ORDER BY id
$$;


--
-- Name: rb_retire_resource(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_retire_resource(p_member bigint, p_code text, p_reason text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF r.retired_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'code',
      MESSAGE = format('%s is already retired', r.code);
  END IF;
  UPDATE resources SET retired_at = now(), retire_reason = coalesce(p_reason, '') WHERE id = r.id;
  PERFORM rb_audit(m.id, 'retire', 'resource', r.id, p_peer,
                   jsonb_build_object('reason', coalesce(p_reason, '')));
  RETURN r.id;
END $$;


--
-- Name: rb_revoke_token(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_revoke_token(p_member bigint, p_token bigint, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  k tokens;
  t members;
BEGIN
  SELECT * INTO k FROM tokens WHERE id = p_token FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'token_id',
      MESSAGE = format('there is no token %s', p_token);
  END IF;
  SELECT * INTO t FROM members WHERE id = k.member_id;
  PERFORM rb_may_handle_tokens(a, t, 'token_id');
  IF k.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'token_id',
      MESSAGE = format('token %s was already revoked (%s UTC)', p_token,
                       to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'));
  END IF;
  UPDATE tokens SET revoked_at = now() WHERE id = k.id;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'token_revoke', 'token', k.id, coalesce(p_peer, ''),
          jsonb_build_object('member', t.handle, 'label', k.label));
  RETURN k.id;
END $$;


--
-- Name: rb_series_max(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_series_max() RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT 52 $$;


--
-- Name: rb_series_rows(bigint, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_series_rows(p_series bigint, p_replayed boolean) RETURNS SETOF public.rb_series_row
    LANGUAGE sql
    AS $$
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


--
-- Name: rb_set_exception(bigint, text, date, boolean, integer[], integer[], text, boolean, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_exception(p_member bigint, p_code text, p_day date, p_closed boolean, p_opens integer[], p_closes integer[], p_reason text, p_remove boolean, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  mr int4multirange;
BEGIN
  IF p_remove THEN
    DELETE FROM date_exceptions WHERE resource_id = r.id AND day = p_day;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'date',
        MESSAGE = format('%s has no exception on %s', r.code, p_day);
    END IF;
  ELSE
    IF NOT p_closed AND coalesce(cardinality(p_opens), 0) = 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows',
        MESSAGE = 'an exception either closes the day or gives its opening windows';
    END IF;
    IF cardinality(p_opens) <> cardinality(p_closes) OR EXISTS (
         SELECT 1 FROM unnest(p_opens, p_closes) AS x(o, c)
          WHERE o NOT BETWEEN 0 AND 1439 OR c NOT BETWEEN 1 AND 1440 OR o >= c) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows',
        MESSAGE = 'each window opens before it closes, within 00:00-24:00';
    END IF;
    SELECT coalesce(range_agg(int4range(o, c)), '{}') INTO mr FROM unnest(p_opens, p_closes) AS x(o, c);
    INSERT INTO date_exceptions (resource_id, day, closed, windows, reason)
    VALUES (r.id, p_day, p_closed, CASE WHEN p_closed THEN '{}' ELSE mr END, coalesce(p_reason, ''))
    ON CONFLICT (resource_id, day) DO UPDATE
      SET closed = EXCLUDED.closed, windows = EXCLUDED.windows, reason = EXCLUDED.reason;
  END IF;
  PERFORM rb_audit(m.id, 'exception', 'resource', r.id, p_peer,
                   jsonb_build_object('day', p_day, 'closed', p_closed, 'remove', p_remove));
  RETURN r.id;
END $$;


--
-- Name: rb_set_hours(bigint, text, text, integer[], integer[], integer[], text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_hours(p_member bigint, p_code text, p_kind text, p_weekdays integer[], p_opens integer[], p_closes integer[], p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF p_kind NOT IN ('open', 'offpeak') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kind', MESSAGE = 'hours are open or offpeak';
  END IF;
  IF cardinality(p_weekdays) <> cardinality(p_opens) OR cardinality(p_opens) <> cardinality(p_closes)
     OR cardinality(p_weekdays) > 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows', MESSAGE = 'at most 100 windows';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_weekdays, p_opens, p_closes) AS x(d, o, c)
              WHERE d NOT BETWEEN 1 AND 7 OR o NOT BETWEEN 0 AND 1439 OR c NOT BETWEEN 1 AND 1440
                 OR o >= c) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'windows',
      MESSAGE = 'a window is a weekday 1-7 (Monday-Sunday) and opens before it closes, within 00:00-24:00';
  END IF;
  DELETE FROM opening_hours WHERE resource_id = r.id AND kind = p_kind;
  INSERT INTO opening_hours (resource_id, kind, weekday, opens, closes)
  SELECT r.id, p_kind, d, o, c FROM unnest(p_weekdays, p_opens, p_closes) AS x(d, o, c)
  ON CONFLICT (resource_id, kind, weekday, opens) DO UPDATE SET closes = greatest(opening_hours.closes, EXCLUDED.closes);
  PERFORM rb_audit(m.id, 'hours', 'resource', r.id, p_peer,
                   jsonb_build_object('kind', p_kind, 'weekdays', p_weekdays, 'opens', p_opens, 'closes', p_closes));
  RETURN r.id;
END $$;


--
-- Name: rb_set_requires(bigint, text, text[], text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_requires(p_member bigint, p_code text, p_requires text[], p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  missing text;
  gid bigint;
BEGIN
  FOR gid IN SELECT DISTINCT g FROM resources y, rb_resource_group(y.id) g
            WHERE y.code = p_code OR y.code = ANY (coalesce(p_requires, '{}'))
            ORDER BY g LOOP
    PERFORM pg_advisory_xact_lock(gid);
  END LOOP;
  r := rb_staff_resource(m, p_code);
  SELECT string_agg(c, ', ') INTO missing FROM unnest(coalesce(p_requires, '{}')) c
   WHERE NOT EXISTS (SELECT 1 FROM resources x WHERE x.code = c AND x.retired_at IS NULL);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'requires',
      MESSAGE = format('no bookable resource is called %s', missing);
  END IF;
  IF p_code = ANY (coalesce(p_requires, '{}')) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'requires',
      MESSAGE = format('%s cannot require itself', p_code);
  END IF;
  IF EXISTS (SELECT 1 FROM resource_requires rq JOIN resources x ON x.id = rq.resource_id
              WHERE x.code = ANY (p_requires) AND rq.required_id = r.id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'requires',
      MESSAGE = format('a resource that requires %s cannot be required by it', p_code);
  END IF;
  DELETE FROM resource_requires WHERE resource_id = r.id;
  INSERT INTO resource_requires (resource_id, required_id)
  SELECT DISTINCT r.id, x.id FROM resources x WHERE x.code = ANY (coalesce(p_requires, '{}'));
  PERFORM rb_audit(m.id, 'requires', 'resource', r.id, p_peer,
                   jsonb_build_object('requires', coalesce(p_requires, '{}')));
  RETURN r.id;
END $$;


--
-- Name: rb_set_rules(bigint, text, integer, integer, integer, integer, integer, integer, integer, integer, boolean, integer, boolean, boolean, integer, integer, integer, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_rules(p_member bigint, p_code text, p_slot integer, p_min integer, p_max integer, p_notice integer, p_ahead integer, p_buffer integer, p_active integer, p_weekly integer, p_whole_days boolean, p_gap integer, p_approval boolean, p_qualification boolean, p_late integer, p_early integer, p_grace integer, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
BEGIN
  IF p_max > 0 AND p_min > p_max THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'min_minutes',
      MESSAGE = 'the minimum length cannot be above the maximum';
  END IF;
  IF p_slot > 0 AND 1440 % p_slot <> 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'slot_minutes',
      MESSAGE = 'a slot must divide a day evenly (5, 10, 15, 30, 60 min ...)';
  END IF;
  UPDATE resources SET slot_minutes = p_slot, min_minutes = p_min, max_minutes = p_max,
         min_notice_minutes = p_notice, max_ahead_days = p_ahead, buffer_minutes = p_buffer,
         max_active_per_member = p_active, weekly_minutes_per_startup = p_weekly,
         whole_days = p_whole_days, min_gap_minutes = p_gap, needs_approval = p_approval,
         needs_qualification = p_qualification, late_cancel_minutes = p_late,
         checkin_early_minutes = p_early, no_show_grace_minutes = p_grace
   WHERE id = r.id;
  PERFORM rb_audit(m.id, 'rules', 'resource', r.id, p_peer,
                   jsonb_build_object('slot', p_slot, 'min', p_min, 'max', p_max, 'notice', p_notice,
                                      'ahead', p_ahead, 'buffer', p_buffer, 'active', p_active,
                                      'weekly', p_weekly, 'whole_days', p_whole_days, 'gap', p_gap,
                                      'approval', p_approval, 'qualification', p_qualification,
                                      'late_cancel', p_late, 'checkin_early', p_early,
                                      'no_show_grace', p_grace));
  RETURN r.id;
END $$;


--
-- Name: rb_set_terms(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_terms(p_member bigint, p_code text, p_text text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: rb_set_tier(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_tier(p_member bigint, p_startup text, p_tier text, p_peer text, OUT startup_code text, OUT tier text, OUT previous text) RETURNS record
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  s startups := rb_startup(p_startup);
BEGIN
  IF NOT rb_is_operator(m, s.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'startup_code',
      MESSAGE = format('only an operator of %s or an admin can set the price tier of %s',
                       (SELECT name FROM spaces WHERE id = s.space_id), s.code);
  END IF;
  IF p_tier IS NULL OR p_tier NOT IN ('member_startup', 'host_internal', 'external') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'tier',
      MESSAGE = format('%s is not a price tier (member_startup, host_internal or external)', coalesce(p_tier, 'nothing'));
  END IF;
  SELECT x.tier::text INTO previous FROM startups x WHERE x.id = s.id FOR NO KEY UPDATE;
  UPDATE startups SET tier = p_tier::price_tier WHERE id = s.id;
  PERFORM rb_audit(m.id, 'tier_set', 'startup', s.id, p_peer,
                   jsonb_build_object('tier', p_tier, 'previous', previous));
  startup_code := s.code;
  tier := p_tier;
END $$;


--
-- Name: rb_set_units(bigint, text, integer, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_set_units(p_member bigint, p_code text, p_units integer, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_staff_resource(m, p_code);
  busy int;
BEGIN
  IF p_units NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'units', MESSAGE = 'a resource has 1 to 1000 units';
  END IF;
  SELECT max(u.unit_no) INTO busy FROM resource_units u
   WHERE u.resource_id = r.id AND u.unit_no > p_units
     AND EXISTS (SELECT 1 FROM bookings b WHERE b.unit_id = u.id AND upper(b.during) > now()
                   AND b.state NOT IN ('cancelled', 'declined'));
  IF busy IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'units',
      MESSAGE = format('unit %s of %s has future bookings; cancel or move them before going down to %s units',
                       busy, r.code, p_units);
  END IF;
  INSERT INTO resource_units (resource_id, unit_no)
  SELECT r.id, g FROM generate_series(1, p_units) g
  ON CONFLICT (resource_id, unit_no) DO UPDATE SET retired_at = NULL;
  UPDATE resource_units SET retired_at = now()
   WHERE resource_id = r.id AND unit_no > p_units AND retired_at IS NULL;
  PERFORM rb_audit(m.id, 'units', 'resource', r.id, p_peer, jsonb_build_object('units', p_units));
  RETURN r.id;
END $$;


--
-- Name: rb_settlement(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_settlement(p_member bigint, p_period text, p_institution text) RETURNS TABLE(institution_code text, institution_name text, currency text, earned_fen bigint, voucher_fen bigint, startup_fen bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  v_period date := rb_period(p_period, 'period');
  ins institutions;
BEGIN
  IF m.role = 'member' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403',
      MESSAGE = 'the settlement is for managers of the host institutions, operators of the space and admins';
  END IF;
  IF p_institution IS NOT NULL THEN
    SELECT * INTO ins FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'institution_code',
        MESSAGE = format('no institution is called %s', p_institution);
    END IF;
    IF NOT rb_is_staff(m, ins.id, ins.space_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'institution_code',
        MESSAGE = format('the settlement of %s is for its managers, the operators of its space and admins', ins.name);
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


--
-- Name: rb_slots(text, bigint, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_slots(p_code text, p_from bigint, p_days integer, p_len integer) RETURNS TABLE(start_epoch bigint, end_epoch bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  r resources;
  lo timestamptz := coalesce(rb_from_epoch(nullif(p_from, 0)), now());
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  IF p_len <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'length_minutes',
      MESSAGE = 'say how long the booking would be';
  END IF;
  IF r.max_minutes > 0 AND p_len > r.max_minutes THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'length_minutes',
      MESSAGE = format('%s can be booked for at most %s', r.code, rb_minutes_text(r.max_minutes));
  END IF;
  IF r.min_minutes > 0 AND p_len < r.min_minutes THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'length_minutes',
      MESSAGE = format('%s must be booked for at least %s', r.code, rb_minutes_text(r.min_minutes));
  END IF;
  RETURN QUERY
    SELECT rb_epoch(lower(f)), rb_epoch(upper(f))
      FROM unnest(rb_free(r.id, lo, lo + p_days * interval '1 day')) x,
           LATERAL rb_fit(r, x, p_len) f
     WHERE f IS NOT NULL
     ORDER BY lower(f);
END $$;


--
-- Name: rb_space_of(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_space_of(p_code text, field text) RETURNS public.spaces
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  sp spaces;
BEGIN
  SELECT * INTO sp FROM spaces WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = field,
      MESSAGE = format('no space is called %s', p_code);
  END IF;
  RETURN sp;
END $$;


--
-- Name: rb_staff_of_booking(public.members, public.bookings); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_staff_of_booking(m public.members, b public.bookings) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  SELECT rb_is_staff(m, i.id, i.space_id)
    FROM resources r JOIN institutions i ON i.id = r.institution_id
   WHERE r.id = b.resource_id
$$;


--
-- Name: rb_staff_resource(public.members, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_staff_resource(m public.members, p_code text) RETURNS public.resources
    LANGUAGE plpgsql
    AS $$
DECLARE
  r resources;
  i institutions;
BEGIN
  SELECT * INTO r FROM resources WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no resource is called %s', p_code);
  END IF;
  SELECT * INTO i FROM institutions WHERE id = r.institution_id;
  IF NOT rb_is_staff(m, i.id, i.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'code',
      MESSAGE = format('only a manager of %s, an operator of its space or an admin can change %s',
                       i.name, r.code);
  END IF;
  -- bookings of this resource wait while its terms change
  PERFORM rb_lock_resources(r.id);
  SELECT * INTO r FROM resources WHERE id = r.id FOR UPDATE;
  RETURN r;
END $$;


--
-- Name: rb_startup(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_startup(p_code text) RETURNS public.startups
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  s startups;
BEGIN
  SELECT * INTO s FROM startups WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'startup_code',
      MESSAGE = format('no startup is called %s', p_code);
  END IF;
  RETURN s;
END $$;


--
-- Name: startup_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.startup_view AS
 SELECT s.id,
    (s.code)::text AS code,
    s.name,
    (sp.code)::text AS space_code,
    s.legal_name,
    s.credit_code,
    s.address,
    public.rb_epoch(s.created_at) AS created_epoch,
    (( SELECT count(*) AS count
           FROM public.members m
          WHERE ((m.startup_id = s.id) AND (m.disabled_at IS NULL))))::integer AS active_members,
    s.space_id
   FROM (public.startups s
     JOIN public.spaces sp ON ((sp.id = s.space_id)));


--
-- Name: rb_startup_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_startup_wire(p_id bigint) RETURNS SETOF public.startup_view
    LANGUAGE sql
    AS $$ SELECT * FROM startup_view WHERE id = p_id $$;


--
-- Name: rb_startups(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_startups(p_member bigint, p_code text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  s startups;
BEGIN
  IF coalesce(p_code, '') = '' THEN
    RETURN QUERY SELECT st.id FROM startups st
      WHERE a.role = 'admin'
         OR (a.role IN ('operator', 'manager') AND st.space_id = rb_member_space(a))
         OR (a.role = 'member' AND st.id = a.startup_id)
      ORDER BY st.code;
    RETURN;
  END IF;
  SELECT * INTO s FROM startups WHERE code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code',
      MESSAGE = format('no startup is called %s', p_code);
  END IF;
  IF NOT (a.role = 'admin'
          OR (a.role IN ('operator', 'manager') AND s.space_id IS NOT DISTINCT FROM rb_member_space(a))
          OR s.id IS NOT DISTINCT FROM a.startup_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'code',
      MESSAGE = CASE WHEN a.role = 'member'
        THEN format('startup %s is not yours; members see only their own startup', p_code)
        ELSE format('startup %s belongs to another space; staff see the startups of their own space only', p_code) END;
  END IF;
  RETURN NEXT s.id;
END $$;


--
-- Name: rb_state_words(public.bookings); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_state_words(b public.bookings) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT CASE b.state
    WHEN 'requested' THEN 'requested (waiting for approval)'
    WHEN 'checked_in' THEN 'already checked in'
    WHEN 'completed' THEN 'completed (checked out)'
    WHEN 'no_show' THEN 'a no-show'
    ELSE b.state::text END
$$;


--
-- Name: token_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.token_view AS
 SELECT t.id,
    (m.handle)::text AS member_handle,
    t.label,
    public.rb_epoch(t.created_at) AS created_epoch,
    COALESCE(public.rb_epoch(t.expires_at), (0)::bigint) AS expires_epoch,
    COALESCE(public.rb_epoch(t.revoked_at), (0)::bigint) AS revoked_epoch,
    COALESCE((ib.handle)::text, ''::text) AS issued_by,
    COALESCE(public.rb_epoch(t.last_used_at), (0)::bigint) AS last_used_epoch,
    t.member_id
   FROM ((public.tokens t
     JOIN public.members m ON ((m.id = t.member_id)))
     LEFT JOIN public.members ib ON ((ib.id = t.issued_by)));


--
-- Name: rb_token_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_token_wire(p_id bigint) RETURNS SETOF public.token_view
    LANGUAGE sql
    AS $$ SELECT * FROM token_view WHERE id = p_id $$;


--
-- Name: rb_tokens(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_tokens(p_member bigint, p_handle text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members;
BEGIN
  IF coalesce(p_handle, '') = '' THEN
    t := a;
  ELSE
    SELECT * INTO t FROM members WHERE handle = p_handle;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
        MESSAGE = format('no member is called %s', p_handle);
    END IF;
    PERFORM rb_may_handle_tokens(a, t, 'member_handle');
  END IF;
  RETURN QUERY SELECT k.id FROM tokens k WHERE k.member_id = t.id ORDER BY k.id;
END $$;


--
-- Name: rb_tz_ok(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_tz_ok(tz text) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NOT rb_valid_tz(tz) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'time_zone',
      MESSAGE = format('%s is not an IANA time zone (like Asia/Shanghai)', tz);
  END IF;
END $$;


--
-- Name: rb_unqualified(bigint, public.resources, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_unqualified(p_member bigint, r public.resources, p_until timestamp with time zone) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  q qualifications;
  who text := (SELECT handle FROM members WHERE id = p_member);
BEGIN
  IF NOT r.needs_qualification THEN
    RETURN NULL;
  END IF;
  SELECT * INTO q FROM qualifications WHERE member_id = p_member AND resource_id = r.id;
  IF NOT FOUND THEN
    RETURN format('%s is not qualified on %s (a manager of %s grants it: rigbook qualify %s %s)',
                  who, r.code, rb_institution_name(r.id), who, r.code);
  END IF;
  IF q.revoked_at IS NOT NULL THEN
    RETURN format('%s''s qualification on %s was revoked on %s (a manager of %s grants it again: rigbook qualify %s %s)',
                  who, r.code, to_char(q.revoked_at AT TIME ZONE r.time_zone, 'YYYY-MM-DD'),
                  rb_institution_name(r.id), who, r.code);
  END IF;
  IF q.expires_at IS NOT NULL AND q.expires_at <= now() THEN
    RETURN format('%s''s qualification on %s ended at %s (a manager of %s renews it: rigbook qualify %s %s)',
                  who, r.code, rb_at_text(q.expires_at, r.time_zone), rb_institution_name(r.id), who, r.code);
  END IF;
  IF q.expires_at IS NOT NULL AND q.expires_at < p_until THEN
    RETURN format('%s''s qualification on %s ends at %s, before the booking ends (a manager of %s renews it: rigbook qualify %s %s --until DATE)',
                  who, r.code, rb_at_text(q.expires_at, r.time_zone), rb_institution_name(r.id), who, r.code);
  END IF;
  RETURN NULL;
END $$;


--
-- Name: rb_unqualify(bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_unqualify(p_member bigint, p_handle text, p_code text, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources := rb_qual_resource(m, p_code);
  q qualifications;
BEGIN
  SELECT q2.* INTO q FROM qualifications q2 JOIN members t ON t.id = q2.member_id
   WHERE t.handle = p_handle AND q2.resource_id = r.id AND q2.revoked_at IS NULL
   FOR UPDATE OF q2;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'member_handle',
      MESSAGE = format('%s is not qualified on %s', p_handle, r.code);
  END IF;
  UPDATE qualifications SET revoked_at = now(), revoked_by = m.id WHERE id = q.id;
  PERFORM rb_audit(m.id, 'unqualify', 'qualification', q.id, p_peer,
                   jsonb_build_object('member', p_handle, 'resource', r.code));
  RETURN q.id;
END $$;


--
-- Name: rb_unwait(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_unwait(p_member bigint, p_entry bigint, p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'entry_id',
      MESSAGE = format('there is no waitlist entry %s of yours', p_entry);
  END IF;
  PERFORM rb_lock_resources(e.resource_id);
  SELECT * INTO e FROM waitlist WHERE id = p_entry FOR UPDATE;
  IF e.state = 'promoted' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'entry_id',
      MESSAGE = format('waitlist entry %s was already booked as booking %s; cancel that booking instead',
                       e.id, e.booking_id);
  END IF;
  IF e.state = 'withdrawn' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'entry_id',
      MESSAGE = format('waitlist entry %s is already withdrawn', e.id);
  END IF;
  UPDATE waitlist SET state = 'withdrawn', withdrawn_at = now(), withdrawn_by = m.id
   WHERE id = e.id;
  PERFORM rb_audit(m.id, 'unwait', 'waitlist', e.id, p_peer, '{}');
  RETURN e.id;
END $$;


--
-- Name: rb_usage_booking(public.members, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_usage_booking(m public.members, p_booking bigint, p_verb text) RETURNS public.bookings
    LANGUAGE plpgsql
    AS $$
DECLARE
  b bookings := rb_lock_booking(p_booking);
BEGIN
  IF NOT (b.member_id = m.id OR rb_staff_of_booking(m, b)) THEN
    IF b.startup_id IS NOT DISTINCT FROM m.startup_id AND m.startup_id IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'booking_id',
        MESSAGE = format('booking %s is held by %s; only they or a manager of %s can %s',
                         b.id, (SELECT handle FROM members WHERE id = b.member_id),
                         rb_institution_name(b.resource_id), replace(p_verb, ' ', ' it '));
    END IF;
    -- the same answer as for a booking that does not exist
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'booking_id',
      MESSAGE = format('there is no booking %s that you can see', b.id);
  END IF;
  IF b.parent_id IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'booking_id',
      MESSAGE = format('booking %s comes with booking %s; %s that one', b.id, b.parent_id, p_verb);
  END IF;
  RETURN b;
END $$;


--
-- Name: rb_usage_limit(public.bookings); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_usage_limit(b public.bookings) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
  SELECT min(t) FROM (
    SELECT lower(x.during) AS t FROM bookings x
     WHERE x.unit_id = b.unit_id AND x.id <> b.id AND x.state NOT IN ('cancelled', 'declined')
       AND lower(x.during) >= upper(b.during)
    UNION ALL
    SELECT lower(c.during) FROM closures c
     WHERE c.resource_id = b.resource_id AND c.removed_at IS NULL
       AND lower(c.during) >= upper(b.during)
  ) s
$$;


--
-- Name: rb_voucher_add(bigint, text, text, integer, text, bigint, text, text, text[], text[], text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_voucher_add(p_member bigint, p_startup text, p_issuer text, p_pct integer, p_currency text, p_cap bigint, p_from text, p_to text, p_institutions text[], p_kinds text[], p_peer text) RETURNS bigint
    LANGUAGE plpgsql
    AS $_$
DECLARE
  m members := rb_member(p_member);
  s startups := rb_startup(p_startup);
  v_from date := rb_date_arg(p_from, 'valid_from');
  v_to date := rb_date_arg(p_to, 'valid_to');
  insts bigint[] := '{}';
  x text;
  iid bigint;
  vid bigint;
BEGIN
  IF NOT rb_is_operator(m, s.space_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'startup_code',
      MESSAGE = format('only an operator of %s or an admin can record vouchers of %s',
                       (SELECT name FROM spaces WHERE id = s.space_id), s.code);
  END IF;
  IF coalesce(btrim(p_issuer), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'issuer',
      MESSAGE = 'say who issued the voucher (the body that pays it)';
  END IF;
  IF p_pct NOT BETWEEN 1 AND 100 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'coverage_pct',
      MESSAGE = 'a voucher covers 1% to 100% of a charge';
  END IF;
  IF p_cap <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'cap', MESSAGE = 'a voucher''s cap is more than 0';
  END IF;
  IF coalesce(p_currency, '') !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'currency',
      MESSAGE = format('%s is not a currency code (three capital letters, like CNY)', coalesce(p_currency, 'nothing'));
  END IF;
  IF v_to < v_from THEN
    RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'valid_to',
      MESSAGE = format('the voucher would end (%s) before it begins (%s)', v_to, v_from);
  END IF;
  FOREACH x IN ARRAY coalesce(p_institutions, '{}') LOOP
    SELECT id INTO iid FROM institutions WHERE code = x;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'institutions',
        MESSAGE = format('no institution is called %s', x);
    END IF;
    insts := insts || iid;
  END LOOP;
  FOREACH x IN ARRAY coalesce(p_kinds, '{}') LOOP
    IF x NOT IN (SELECT unnest(enum_range(NULL::resource_kind))::text) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB400', COLUMN = 'kinds',
        MESSAGE = format('%s is not a kind of resource (instrument, test_facility, machining, pilot_line, workspace)', x);
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
END $_$;


--
-- Name: rb_voucher_statement(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_voucher_statement(p_member bigint, p_issuer text, p_period text) RETURNS TABLE(issuer text, voucher_id bigint, startup_code text, period text, invoice_number text, currency text, amount_fen bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  v_from date := CASE WHEN p_period IS NULL THEN NULL ELSE rb_period(p_period, 'period') END;
BEGIN
  IF m.role NOT IN ('operator', 'admin') THEN
    RAISE EXCEPTION USING ERRCODE = 'RB403',
      MESSAGE = 'voucher statements are for the operators of the space and admins';
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


--
-- Name: vouchers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers (
    id bigint NOT NULL,
    startup_id bigint NOT NULL,
    issuer text NOT NULL,
    coverage_pct integer NOT NULL,
    currency public.rb_currency DEFAULT 'CNY'::text NOT NULL,
    cap_fen bigint NOT NULL,
    used_fen bigint DEFAULT 0 NOT NULL,
    valid_from date NOT NULL,
    valid_to date NOT NULL,
    institutions bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    kinds public.resource_kind[] DEFAULT '{}'::public.resource_kind[] NOT NULL,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT voucher_balance CHECK (((used_fen >= 0) AND (used_fen <= cap_fen))),
    CONSTRAINT voucher_dates CHECK ((valid_to >= valid_from)),
    CONSTRAINT vouchers_cap_fen_check CHECK ((cap_fen > 0)),
    CONSTRAINT vouchers_coverage_pct_check CHECK (((coverage_pct >= 1) AND (coverage_pct <= 100))),
    CONSTRAINT vouchers_issuer_check CHECK (((length(issuer) >= 1) AND (length(issuer) <= 200)))
);


--
-- Name: voucher_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.voucher_view AS
 SELECT v.id,
    (s.code)::text AS startup_code,
    v.issuer,
    v.coverage_pct,
    (v.currency)::text AS currency,
    v.cap_fen,
    v.used_fen,
    (v.cap_fen - v.used_fen) AS balance_fen,
    to_char((v.valid_from)::timestamp with time zone, 'YYYY-MM-DD'::text) AS valid_from,
    to_char((v.valid_to)::timestamp with time zone, 'YYYY-MM-DD'::text) AS valid_to,
    COALESCE(( SELECT string_agg((i.code)::text, ','::text ORDER BY (i.code)::text) AS string_agg
           FROM public.institutions i
          WHERE (i.id = ANY (v.institutions))), ''::text) AS institutions,
    array_to_string(v.kinds, ','::text) AS kinds,
    v.startup_id,
    s.space_id
   FROM (public.vouchers v
     JOIN public.startups s ON ((s.id = v.startup_id)));


--
-- Name: rb_voucher_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_voucher_wire(p_id bigint) RETURNS SETOF public.voucher_view
    LANGUAGE sql
    AS $$ SELECT * FROM voucher_view WHERE id = p_id $$;


--
-- Name: rb_vouchers(bigint, text, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_vouchers(p_member bigint, p_startup text, p_id bigint) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m members := rb_member(p_member);
  s startups;
BEGIN
  IF p_startup IS NOT NULL THEN
    s := rb_startup(p_startup);
    IF NOT rb_may_read_startup(m, s) THEN
      RAISE EXCEPTION USING ERRCODE = 'RB403', COLUMN = 'startup_code',
        MESSAGE = format('the vouchers of %s are for its members, the operators of its space and admins', s.code);
    END IF;
  END IF;
  IF p_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM vouchers v JOIN startups x ON x.id = v.startup_id
        WHERE v.id = p_id AND rb_may_read_startup(m, x)) THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'voucher_id',
      MESSAGE = format('there is no voucher %s that you can see', p_id);
  END IF;
  RETURN QUERY SELECT v.id FROM vouchers v JOIN startups x ON x.id = v.startup_id
    WHERE rb_may_read_startup(m, x) AND (s.id IS NULL OR v.startup_id = s.id)
      AND (p_id IS NULL OR v.id = p_id)
    ORDER BY x.code, v.valid_to, v.id LIMIT 1000;
END $$;


--
-- Name: rb_wait(bigint, text, bigint, bigint, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_wait(p_member bigint, p_code text, p_start bigint, p_end bigint, p_note text, p_key text, p_peer text) RETURNS TABLE(id bigint, replayed boolean)
    LANGUAGE plpgsql
    AS $$
DECLARE
  m members := rb_member(p_member);
  r resources;
  q resources;
  w tstzrange;
  fp text := p_code || ' ' || p_start || ' ' || p_end || ' ' || coalesce(p_note, '');
  prev bigint;
  other record;
  probe bigint;
  ids bigint[];
  widen interval;
  taken text;
  failure_state text;
  failure_msg text;
  failure_col text;
  failure_detail text;
  new_id bigint;
BEGIN
  prev := rb_idem_lookup(p_member, p_key, 'wait', fp);
  IF prev IS NOT NULL THEN
    RETURN QUERY SELECT prev, true;
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

  -- the same locks as a booking of the resource: a cancellation that would
  -- free the window either happened before (and the window is free) or
  -- comes after (and finds this entry)
  PERFORM rb_lock_resources(r.id);
  SELECT * INTO r FROM resources WHERE resources.id = r.id;

  SELECT x.id, x.during INTO other FROM waitlist x
   WHERE x.member_id = m.id AND x.resource_id = r.id AND x.state = 'waiting' AND x.during && w
   ORDER BY x.created_at LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
      MESSAGE = format('you already wait for %s %s (entry %s)', r.code,
                       rb_window_text(other.during, r.time_zone), other.id);
  END IF;

  SELECT array_agg(x ORDER BY x) INTO ids
    FROM (SELECT r.id AS x UNION SELECT required_id FROM resource_requires rq WHERE rq.resource_id = r.id) s;
  SELECT max(buffer_minutes) * interval '1 minute' INTO widen FROM resources x WHERE x.id = ANY (ids);

  -- Would the rules take it if nobody else held the time?
  BEGIN
    PERFORM set_config('rigbook.probe', 'on', true);
    UPDATE closures SET removed_at = now()
     WHERE resource_id = ANY (ids) AND removed_at IS NULL AND during && w;
    UPDATE bookings b SET state = 'cancelled'
     WHERE b.resource_id = ANY (ids) AND b.state NOT IN ('cancelled', 'declined')
       AND b.member_id <> m.id AND b.during && tstzrange(lower(w) - widen, upper(w) + widen);
    probe := rb_book_one(m, r, w, p_note, NULL, NULL);
    FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
              WHERE rq.resource_id = r.id ORDER BY x.id LOOP
      PERFORM rb_book_one(m, q, w, '', NULL, probe);
    END LOOP;
    RAISE EXCEPTION USING ERRCODE = 'RBP01';
  EXCEPTION
    WHEN SQLSTATE 'RBP01' THEN
      NULL;
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure_msg = MESSAGE_TEXT,
                              failure_col = COLUMN_NAME, failure_detail = PG_EXCEPTION_DETAIL;
      IF failure_state NOT LIKE 'RB%' THEN
        RAISE;
      END IF;
      RAISE EXCEPTION USING ERRCODE = failure_state, COLUMN = failure_col, DETAIL = failure_detail,
        MESSAGE = format('no waiting for %s %s: %s', r.code, rb_window_text(w, r.time_zone), failure_msg);
  END;

  -- Is it taken as things are?
  BEGIN
    PERFORM set_config('rigbook.probe', 'on', true);
    probe := rb_book_one(m, r, w, p_note, NULL, NULL);
    FOR q IN SELECT x.* FROM resource_requires rq JOIN resources x ON x.id = rq.required_id
              WHERE rq.resource_id = r.id ORDER BY x.id LOOP
      PERFORM rb_book_one(m, q, w, '', NULL, probe);
    END LOOP;
    RAISE EXCEPTION USING ERRCODE = 'RBP01';
  EXCEPTION
    WHEN SQLSTATE 'RBP01' THEN
      NULL;
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure_msg = MESSAGE_TEXT;
      IF failure_state NOT LIKE 'RB%' AND failure_state <> '23P01' THEN
        RAISE;
      END IF;
      taken := failure_msg;
  END;
  IF taken IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RB412', COLUMN = 'start',
      MESSAGE = format('%s is free %s: book it (rigbook book %s) instead of waiting', r.code,
                       rb_window_text(w, r.time_zone), r.code);
  END IF;

  INSERT INTO waitlist (resource_id, member_id, during, note, refusal, tried_at)
  VALUES (r.id, m.id, w, coalesce(p_note, ''), taken, now())
  RETURNING waitlist.id INTO new_id;
  PERFORM rb_idem_store(p_member, p_key, 'wait', fp, new_id);
  PERFORM rb_audit(m.id, 'wait', 'waitlist', new_id, p_peer,
                   jsonb_build_object('resource', r.code, 'start', p_start, 'end', p_end));
  RETURN QUERY SELECT new_id, false;
END $$;


--
-- Name: rb_waitlist(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_waitlist(p_member bigint, p_code text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    AS $$
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
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'resource_code',
      MESSAGE = format('no resource is called %s', p_code);
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


--
-- Name: rb_waitlist_booking_freed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_waitlist_booking_freed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF upper(OLD.during) > now() THEN
    PERFORM rb_waitlist_offer(OLD.resource_id, OLD.during, OLD.member_id, OLD.startup_id);
  END IF;
  RETURN NULL;
END $$;


--
-- Name: rb_waitlist_closure_freed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_waitlist_closure_freed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF upper(OLD.during) > now() THEN
    PERFORM rb_waitlist_offer(OLD.resource_id, OLD.during, NULL, NULL);
  END IF;
  RETURN NULL;
END $$;


--
-- Name: rb_waitlist_event(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_waitlist_event() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  PERFORM rb_emit_event('promoted', NEW.resource_id, NEW.booking_id, NEW.member_id,
                        (SELECT m.startup_id FROM members m WHERE m.id = NEW.member_id),
                        (SELECT b.during FROM bookings b WHERE b.id = NEW.booking_id));
  RETURN NULL;
END $$;


--
-- Name: rb_waitlist_offer(bigint, tstzrange, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_waitlist_offer(p_resource bigint, p_freed tstzrange, p_member bigint, p_startup bigint) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
  e record;
  nb bigint;
  n int := 0;
  st text;
  msg text;
BEGIN
  IF coalesce(current_setting('rigbook.probe', true), '') = 'on' THEN
    RETURN 0;
  END IF;
  PERFORM rb_lock_resources(p_resource);
  FOR e IN
    SELECT w.id, w.member_id, w.during, w.note, r.code::text AS code
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
    BEGIN
      SELECT x.id INTO nb
        FROM rb_book(e.member_id, e.code, rb_epoch(lower(e.during)), rb_epoch(upper(e.during)),
                     e.note, NULL, NULL, 'waitlist') x;
      UPDATE waitlist SET state = 'promoted', booking_id = nb, promoted_at = now(),
             refusal = '', tried_at = now()
       WHERE id = e.id;
      PERFORM rb_audit(e.member_id, 'promote', 'waitlist', e.id, 'waitlist',
                       jsonb_build_object('booking', nb));
      n := n + 1;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      -- a rule or an overlap keeps it waiting; anything else is a fault
      IF st NOT LIKE 'RB%' AND st <> '23P01' THEN
        RAISE;
      END IF;
      UPDATE waitlist SET refusal = msg, tried_at = now() WHERE id = e.id;
    END;
  END LOOP;
  RETURN n;
END $$;


--
-- Name: waitlist; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.waitlist (
    id bigint NOT NULL,
    resource_id bigint NOT NULL,
    member_id bigint NOT NULL,
    during tstzrange NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    state text DEFAULT 'waiting'::text NOT NULL,
    booking_id bigint,
    promoted_at timestamp with time zone,
    withdrawn_at timestamp with time zone,
    withdrawn_by bigint,
    refusal text DEFAULT ''::text NOT NULL,
    tried_at timestamp with time zone,
    CONSTRAINT waitlist_check CHECK (((state = 'promoted'::text) = ((booking_id IS NOT NULL) AND (promoted_at IS NOT NULL)))),
    CONSTRAINT waitlist_check1 CHECK (((state = 'withdrawn'::text) = (withdrawn_at IS NOT NULL))),
    CONSTRAINT waitlist_during_check CHECK (((NOT isempty(during)) AND (NOT lower_inf(during)) AND (NOT upper_inf(during)))),
    CONSTRAINT waitlist_note_check CHECK ((length(note) <= 2000)),
    CONSTRAINT waitlist_state_check CHECK ((state = ANY (ARRAY['waiting'::text, 'promoted'::text, 'withdrawn'::text])))
);


--
-- Name: waitlist_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.waitlist_view AS
 SELECT w.id,
    (r.code)::text AS resource_code,
    r.name AS resource_name,
    r.time_zone,
    public.rb_epoch(lower(w.during)) AS start_epoch,
    public.rb_epoch(upper(w.during)) AS end_epoch,
    w.state,
    (m.handle)::text AS member_handle,
    COALESCE((s.code)::text, ''::text) AS startup_code,
    public.rb_epoch(w.created_at) AS created_epoch,
    w.note,
        CASE
            WHEN (w.state = 'waiting'::text) THEN ( SELECT count(*) AS count
               FROM public.waitlist o
              WHERE ((o.resource_id = w.resource_id) AND (o.state = 'waiting'::text) AND (lower(o.during) > now()) AND (ROW(o.created_at, o.id) <= ROW(w.created_at, w.id))))
            ELSE (0)::bigint
        END AS "position",
    COALESCE(w.booking_id, (0)::bigint) AS booking_id,
    COALESCE(public.rb_epoch(w.promoted_at), (0)::bigint) AS promoted_epoch,
    COALESCE(public.rb_epoch(w.withdrawn_at), (0)::bigint) AS withdrawn_epoch,
    w.refusal,
    w.member_id,
    w.resource_id,
    w.during,
    w.created_at
   FROM (((public.waitlist w
     JOIN public.resources r ON ((r.id = w.resource_id)))
     JOIN public.members m ON ((m.id = w.member_id)))
     LEFT JOIN public.startups s ON ((s.id = m.startup_id)));


--
-- Name: rb_waitlist_wire(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_waitlist_wire(p_id bigint) RETURNS SETOF public.waitlist_view
    LANGUAGE plpgsql
    AS $$
BEGIN
  -- plpgsql keeps the plan for the session; VOLATILE: sees the row this
  -- statement's other function just wrote
  RETURN QUERY SELECT * FROM waitlist_view WHERE id = p_id;
END $$;


--
-- Name: rb_window_text(tstzrange, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_window_text(w tstzrange, tz text) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT CASE
    WHEN (lower(w) AT TIME ZONE tz)::date = ((upper(w) - interval '1 microsecond') AT TIME ZONE tz)::date
      THEN to_char(lower(w) AT TIME ZONE tz, 'HH24:MI') || '-' ||
           to_char(upper(w) AT TIME ZONE tz, 'HH24:MI') || ' on ' ||
           to_char(lower(w) AT TIME ZONE tz, 'YYYY-MM-DD')
    ELSE to_char(lower(w) AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI') || ' to ' ||
         to_char(upper(w) AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI')
  END || ' (' || tz || ')'
$$;


--
-- Name: rb_windows(bigint, text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rb_windows(p_resource bigint, p_tz text, p_kind text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS tstzmultirange
    LANGUAGE plpgsql STABLE
    AS $$
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


--
-- Name: audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    member_id bigint,
    action text NOT NULL,
    object text NOT NULL,
    object_id bigint,
    peer text DEFAULT ''::text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL
);


--
-- Name: audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_id_seq OWNED BY public.audit.id;


--
-- Name: booking_series_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.booking_series_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: booking_series_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.booking_series_id_seq OWNED BY public.booking_series.id;


--
-- Name: bookings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bookings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bookings_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bookings_id_seq OWNED BY public.bookings.id;


--
-- Name: charges_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.charges_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: charges_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.charges_id_seq OWNED BY public.charges.id;


--
-- Name: closures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.closures (
    id bigint NOT NULL,
    resource_id bigint NOT NULL,
    during tstzrange NOT NULL,
    kind text NOT NULL,
    reason text NOT NULL,
    created_by bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    removed_at timestamp with time zone,
    removed_by bigint,
    CONSTRAINT closures_during_check CHECK (((NOT isempty(during)) AND (NOT lower_inf(during)) AND (NOT upper_inf(during)))),
    CONSTRAINT closures_kind_check CHECK ((kind = ANY (ARRAY['closure'::text, 'maintenance'::text]))),
    CONSTRAINT closures_reason_check CHECK (((length(reason) >= 1) AND (length(reason) <= 500)))
);


--
-- Name: closures_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.closures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: closures_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.closures_id_seq OWNED BY public.closures.id;


--
-- Name: date_exceptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.date_exceptions (
    resource_id bigint NOT NULL,
    day date NOT NULL,
    closed boolean NOT NULL,
    windows int4multirange DEFAULT '{}'::int4multirange NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    CONSTRAINT date_exceptions_check CHECK ((closed = isempty(windows))),
    CONSTRAINT date_exceptions_windows_check CHECK ((windows <@ int4multirange(int4range(0, 1440))))
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    member_id bigint NOT NULL,
    key text NOT NULL,
    operation text NOT NULL,
    fingerprint text NOT NULL,
    result_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: institutions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.institutions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: institutions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.institutions_id_seq OWNED BY public.institutions.id;


--
-- Name: invoice_counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_counters (
    space_id bigint NOT NULL,
    year integer NOT NULL,
    last_no integer DEFAULT 0 NOT NULL
);


--
-- Name: invoice_lines_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoice_lines_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoice_lines_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoice_lines_id_seq OWNED BY public.invoice_lines.id;


--
-- Name: invoices_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.invoices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: invoices_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.invoices_id_seq OWNED BY public.invoices.id;


--
-- Name: members_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.members_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: members_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.members_id_seq OWNED BY public.members.id;


--
-- Name: opening_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.opening_hours (
    resource_id bigint NOT NULL,
    kind text NOT NULL,
    weekday smallint NOT NULL,
    opens integer NOT NULL,
    closes integer NOT NULL,
    CONSTRAINT opening_hours_check CHECK ((opens < closes)),
    CONSTRAINT opening_hours_closes_check CHECK (((closes >= 1) AND (closes <= 1440))),
    CONSTRAINT opening_hours_kind_check CHECK ((kind = ANY (ARRAY['open'::text, 'offpeak'::text]))),
    CONSTRAINT opening_hours_opens_check CHECK (((opens >= 0) AND (opens <= 1439))),
    CONSTRAINT opening_hours_weekday_check CHECK (((weekday >= 1) AND (weekday <= 7)))
);


--
-- Name: qualifications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.qualifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: qualifications_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.qualifications_id_seq OWNED BY public.qualifications.id;


--
-- Name: rate_cards_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.rate_cards_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: rate_cards_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.rate_cards_id_seq OWNED BY public.rate_cards.id;


--
-- Name: voucher_redemptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.voucher_redemptions (
    id bigint NOT NULL,
    voucher_id bigint NOT NULL,
    invoice_line_id bigint NOT NULL,
    amount_fen bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT voucher_redemptions_amount_fen_check CHECK ((amount_fen <> 0))
);


--
-- Name: redemption_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.redemption_view AS
 SELECT d.id,
    d.voucher_id,
    inv.number AS invoice_number,
    to_char((inv.period)::timestamp with time zone, 'YYYY-MM'::text) AS period,
    COALESCE((r.code)::text, ''::text) AS resource_code,
    to_char((c.charged_on)::timestamp with time zone, 'YYYY-MM-DD'::text) AS charged_on,
    l.amount_fen AS line_fen,
    d.amount_fen,
    COALESCE(c.booking_id, (0)::bigint) AS booking_id
   FROM ((((public.voucher_redemptions d
     JOIN public.invoice_lines l ON ((l.id = d.invoice_line_id)))
     JOIN public.invoices inv ON ((inv.id = l.invoice_id)))
     JOIN public.charges c ON ((c.id = l.charge_id)))
     LEFT JOIN public.resources r ON ((r.id = c.resource_id)));


--
-- Name: resource_requires; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resource_requires (
    resource_id bigint NOT NULL,
    required_id bigint NOT NULL,
    CONSTRAINT resource_requires_check CHECK ((resource_id <> required_id))
);


--
-- Name: resource_units_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resource_units_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: resource_units_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.resource_units_id_seq OWNED BY public.resource_units.id;


--
-- Name: resource_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.resource_view AS
 SELECT r.id,
    (r.code)::text AS code,
    r.name,
    (r.kind)::text AS kind,
    (i.code)::text AS institution_code,
    i.name AS institution_name,
    (s.code)::text AS space_code,
    r.time_zone,
    r.description,
    r.location,
    (r.retired_at IS NOT NULL) AS retired,
    array_to_string(r.tags, ','::text) AS tags,
    (( SELECT count(*) AS count
           FROM public.resource_units u
          WHERE ((u.resource_id = r.id) AND (u.retired_at IS NULL))))::integer AS units,
    r.slot_minutes,
    r.min_minutes,
    r.max_minutes,
    r.min_notice_minutes,
    r.max_ahead_days,
    r.buffer_minutes,
    r.max_active_per_member,
    r.weekly_minutes_per_startup,
    r.whole_days,
    r.min_gap_minutes,
    r.terms_version,
    COALESCE(( SELECT string_agg((q.code)::text, ','::text ORDER BY q.code) AS string_agg
           FROM (public.resource_requires rq
             JOIN public.resources q ON ((q.id = rq.required_id)))
          WHERE (rq.resource_id = r.id)), ''::text) AS requires,
    r.institution_id,
    i.space_id,
    r.tags AS tag_array
   FROM ((public.resources r
     JOIN public.institutions i ON ((i.id = r.institution_id)))
     JOIN public.spaces s ON ((s.id = i.space_id)));


--
-- Name: resources_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resources_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: resources_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.resources_id_seq OWNED BY public.resources.id;


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version text NOT NULL,
    sha256 text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT schema_migrations_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: spaces_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.spaces_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: spaces_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.spaces_id_seq OWNED BY public.spaces.id;


--
-- Name: startups_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.startups_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: startups_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.startups_id_seq OWNED BY public.startups.id;


--
-- Name: terms_acceptances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.terms_acceptances (
    member_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    version integer NOT NULL,
    accepted_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tokens_id_seq OWNED BY public.tokens.id;


--
-- Name: voucher_redemptions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.voucher_redemptions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: voucher_redemptions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.voucher_redemptions_id_seq OWNED BY public.voucher_redemptions.id;


--
-- Name: vouchers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.vouchers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: vouchers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.vouchers_id_seq OWNED BY public.vouchers.id;


--
-- Name: waitlist_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.waitlist_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: waitlist_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.waitlist_id_seq OWNED BY public.waitlist.id;


--
-- Name: audit id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit ALTER COLUMN id SET DEFAULT nextval('public.audit_id_seq'::regclass);


--
-- Name: booking_series id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series ALTER COLUMN id SET DEFAULT nextval('public.booking_series_id_seq'::regclass);


--
-- Name: bookings id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings ALTER COLUMN id SET DEFAULT nextval('public.bookings_id_seq'::regclass);


--
-- Name: charges id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges ALTER COLUMN id SET DEFAULT nextval('public.charges_id_seq'::regclass);


--
-- Name: closures id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.closures ALTER COLUMN id SET DEFAULT nextval('public.closures_id_seq'::regclass);


--
-- Name: institutions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.institutions ALTER COLUMN id SET DEFAULT nextval('public.institutions_id_seq'::regclass);


--
-- Name: invoice_lines id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_lines ALTER COLUMN id SET DEFAULT nextval('public.invoice_lines_id_seq'::regclass);


--
-- Name: invoices id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices ALTER COLUMN id SET DEFAULT nextval('public.invoices_id_seq'::regclass);


--
-- Name: members id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members ALTER COLUMN id SET DEFAULT nextval('public.members_id_seq'::regclass);


--
-- Name: qualifications id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications ALTER COLUMN id SET DEFAULT nextval('public.qualifications_id_seq'::regclass);


--
-- Name: rate_cards id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_cards ALTER COLUMN id SET DEFAULT nextval('public.rate_cards_id_seq'::regclass);


--
-- Name: resource_units id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_units ALTER COLUMN id SET DEFAULT nextval('public.resource_units_id_seq'::regclass);


--
-- Name: resources id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources ALTER COLUMN id SET DEFAULT nextval('public.resources_id_seq'::regclass);


--
-- Name: spaces id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spaces ALTER COLUMN id SET DEFAULT nextval('public.spaces_id_seq'::regclass);


--
-- Name: startups id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.startups ALTER COLUMN id SET DEFAULT nextval('public.startups_id_seq'::regclass);


--
-- Name: tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens ALTER COLUMN id SET DEFAULT nextval('public.tokens_id_seq'::regclass);


--
-- Name: voucher_redemptions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.voucher_redemptions ALTER COLUMN id SET DEFAULT nextval('public.voucher_redemptions_id_seq'::regclass);


--
-- Name: vouchers id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers ALTER COLUMN id SET DEFAULT nextval('public.vouchers_id_seq'::regclass);


--
-- Name: waitlist id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist ALTER COLUMN id SET DEFAULT nextval('public.waitlist_id_seq'::regclass);


--
-- Data for Name: audit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit (id, at, member_id, action, object, object_id, peer, detail) FROM stdin;
\.


--
-- Data for Name: booking_series; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.booking_series (id, member_id, resource_id, first_start, first_end, every_days, occurrences, skip_conflicts, skipped, created_at, cancelled_at) FROM stdin;
\.


--
-- Data for Name: bookings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.bookings (id, resource_id, member_id, startup_id, during, state, note, created_at, cancelled_at, cancelled_by, cancel_reason, unit_id, override_reason, parent_id, cancelled_late, decided_by, decided_at, decision_reason, checked_in_at, checked_out_at, usage_note, series_id, series_no) FROM stdin;
1	92	58	16	["2026-03-06 02:00:00+00","2026-03-06 04:00:00+00")	cancelled	rep L4	2026-12-07 21:20:10.02253+00	\N	\N		92		\N	f	\N	\N		\N	\N		\N	\N
2	92	59	17	["2026-03-05 01:00:00+00","2026-03-05 03:00:00+00")	completed	rep L3	2026-12-07 21:20:10.02253+00	\N	\N		92		\N	f	\N	\N		2026-03-05 00:50:00+00	2026-03-05 03:30:00+00		\N	\N
3	92	59	17	["2026-03-03 05:00:00+00","2026-03-03 09:00:00+00")	no_show	rep L2	2026-12-07 21:20:10.02253+00	\N	\N		92		\N	f	\N	\N		\N	\N		\N	\N
4	92	58	16	["2026-03-02 01:00:00+00","2026-03-02 04:00:00+00")	completed	rep L1	2026-12-07 21:20:10.02253+00	\N	\N		92		\N	f	\N	\N		2026-03-02 01:10:00+00	2026-03-02 03:40:00+00		\N	\N
5	93	58	16	["2026-03-09 02:00:00+00","2026-03-09 04:00:00+00")	completed	rep O5	2026-12-07 21:20:10.02253+00	\N	\N		93		\N	f	\N	\N		2026-03-09 02:00:00+00	2026-03-09 04:00:00+00		\N	\N
6	93	58	16	["2026-03-03 00:00:00+00","2026-03-03 01:00:00+00")	no_show	rep O4	2026-12-07 21:20:10.02253+00	\N	\N		93		\N	f	\N	\N		\N	\N		\N	\N
7	93	60	18	["2026-03-04 02:00:00+00","2026-03-04 06:00:00+00")	no_show	rep O3	2026-12-07 21:20:10.02253+00	\N	\N		93		\N	f	\N	\N		\N	\N		\N	\N
8	93	60	18	["2026-03-06 10:00:00+00","2026-03-06 22:00:00+00")	completed	rep O2	2026-12-07 21:20:10.02253+00	\N	\N		93		\N	f	\N	\N		2026-03-06 10:30:00+00	2026-03-06 21:00:00+00		\N	\N
9	93	58	16	["2026-03-01 12:00:00+00","2026-03-01 20:00:00+00")	completed	rep O1	2026-12-07 21:20:10.02253+00	\N	\N		93		\N	f	\N	\N		2026-03-01 12:00:00+00	2026-03-01 20:00:00+00		\N	\N
10	94	59	17	["2026-03-03 02:00:00+00","2026-03-03 04:00:00+00")	requested	rep S2	2026-12-07 21:20:10.02253+00	\N	\N		94		\N	f	\N	\N		\N	\N		\N	\N
11	94	60	18	["2026-03-02 02:00:00+00","2026-03-02 04:00:00+00")	completed	rep S1	2026-12-07 21:20:10.02253+00	\N	\N		94		\N	f	\N	\N		2026-03-02 02:00:00+00	2026-03-02 04:00:00+00		\N	\N
12	95	63	19	["2026-03-02 02:00:00+00","2026-03-02 06:00:00+00")	completed	rep B1	2026-12-07 21:20:10.039243+00	\N	\N		95		\N	f	\N	\N		2026-03-02 02:00:00+00	2026-03-02 06:00:00+00		\N	\N
13	95	63	19	["2026-03-02 06:00:00+00","2026-03-02 10:00:00+00")	completed	rep B2	2026-12-07 21:20:10.039243+00	\N	\N		96		\N	f	\N	\N		2026-03-02 06:00:00+00	2026-03-02 10:00:00+00		\N	\N
\.


--
-- Data for Name: charges; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.charges (id, booking_id, kind, startup_id, space_id, resource_id, institution_id, rate_card_id, tier, currency, charged_on, minutes, amount_fen, credit_of, description, created_at) FROM stdin;
1	2	usage	17	5	92	7	\N	member_startup	CNY	2026-03-05	0	123450	\N	rep L3	2026-12-07 21:20:10.02253+00
2	3	no_show	17	5	92	7	\N	member_startup	CNY	2026-03-03	0	4000	\N	rep L2	2026-12-07 21:20:10.02253+00
3	4	usage	16	5	92	7	\N	member_startup	CNY	2026-03-02	0	15000	\N	rep L1	2026-12-07 21:20:10.02253+00
4	8	usage	18	5	93	7	\N	member_startup	CNY	2026-03-06	0	12000	\N	rep O2	2026-12-07 21:20:10.02253+00
5	9	usage	16	5	93	7	\N	member_startup	CNY	2026-03-01	0	8000	\N	rep O1	2026-12-07 21:20:10.02253+00
6	11	usage	18	5	94	8	\N	member_startup	CNY	2026-03-02	0	5000	\N	rep S1	2026-12-07 21:20:10.02253+00
\.


--
-- Data for Name: closures; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.closures (id, resource_id, during, kind, reason, created_by, created_at, removed_at, removed_by) FROM stdin;
1	92	["2026-03-05 05:00:00+00","2026-03-05 07:00:00+00")	maintenance	Spindle service	62	2026-12-07 21:20:10.02253+00	\N	\N
\.


--
-- Data for Name: date_exceptions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.date_exceptions (resource_id, day, closed, windows, reason) FROM stdin;
92	2026-03-04	f	{[540,720)}	Half day: training
\.


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.idempotency_keys (member_id, key, operation, fingerprint, result_id, created_at) FROM stdin;
\.


--
-- Data for Name: institutions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.institutions (id, space_id, code, name, name_zh, kind, created_at) FROM stdin;
1	1	test-works	Test Engine Works	测试发动机厂	enterprise	2026-12-07 21:20:09.989395+00
2	1	test-univ	Test University	测试大学	university	2026-12-07 21:20:09.989395+00
3	2	optics-inst	Test Institute of Optics	测试光学所	institute	2026-12-07 21:20:09.989395+00
4	3	bill-works	Billing Works	计费工厂	enterprise	2026-12-07 21:20:10.014745+00
5	3	bill-univ	Billing University	计费大学	university	2026-12-07 21:20:10.014745+00
6	4	bill-far	Billing Far Institute		institute	2026-12-07 21:20:10.017941+00
7	5	rep-works	Report Works	报表工厂	enterprise	2026-12-07 21:20:10.01876+00
8	5	rep-univ	Report University	报表大学	university	2026-12-07 21:20:10.01876+00
9	6	rep-lab	Report Lab	报表实验室	institute	2026-12-07 21:20:10.037554+00
\.


--
-- Data for Name: invoice_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.invoice_counters (space_id, year, last_no) FROM stdin;
\.


--
-- Data for Name: invoice_lines; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.invoice_lines (id, invoice_id, charge_id, amount_fen, voucher_fen, startup_fen) FROM stdin;
1	2	1	123450	61725	61725
2	1	3	15000	7500	7500
\.


--
-- Data for Name: invoices; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.invoices (id, number, kind, space_id, startup_id, period, currency, total_fen, voucher_fen, startup_fen, credit_of, reason, created_by, issued_at) FROM stdin;
1	REP-2026-0001	invoice	5	16	2026-03-01	CNY	15000	7500	7500	\N		\N	2026-04-01 01:00:00+00
2	REP-2026-0002	invoice	5	17	2026-03-01	CNY	123450	61725	61725	\N		\N	2026-04-01 01:00:00+00
\.


--
-- Data for Name: members; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.members (id, handle, name, email, role, space_id, startup_id, institution_id, disabled_at, created_at) FROM stdin;
1	alice	Alice Acme	alice@acme.example	member	1	1	\N	\N	2026-12-07 21:20:09.997936+00
2	bob	Bob Acme	bob@acme.example	member	1	1	\N	\N	2026-12-07 21:20:09.997936+00
3	carol	Carol Beta	carol@beta.example	member	1	2	\N	\N	2026-12-07 21:20:09.997936+00
4	mgr	Manny Manager	mgr@works.example	manager	1	\N	1	\N	2026-12-07 21:20:09.997936+00
5	oper	Olga Operator	oper@space.example	operator	1	\N	\N	\N	2026-12-07 21:20:09.997936+00
6	adm	Ada Admin	adm@rigbook.example	admin	\N	\N	\N	\N	2026-12-07 21:20:09.997936+00
7	race00	Racer 0	race0@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
8	race01	Racer 1	race1@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
9	race02	Racer 2	race2@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
10	race03	Racer 3	race3@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
11	race04	Racer 4	race4@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
12	race05	Racer 5	race5@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
13	race06	Racer 6	race6@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
14	race07	Racer 7	race7@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
15	race08	Racer 8	race8@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
16	race09	Racer 9	race9@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
17	race10	Racer 10	race10@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
18	race11	Racer 11	race11@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
19	race12	Racer 12	race12@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
20	race13	Racer 13	race13@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
21	race14	Racer 14	race14@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
22	race15	Racer 15	race15@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
23	race16	Racer 16	race16@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
24	race17	Racer 17	race17@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
25	race18	Racer 18	race18@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
26	race19	Racer 19	race19@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
27	race20	Racer 20	race20@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
28	race21	Racer 21	race21@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
29	race22	Racer 22	race22@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
30	race23	Racer 23	race23@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
31	race24	Racer 24	race24@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
32	race25	Racer 25	race25@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
33	race26	Racer 26	race26@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
34	race27	Racer 27	race27@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
35	race28	Racer 28	race28@race.example	member	1	3	\N	\N	2026-12-07 21:20:09.999508+00
36	race29	Racer 29	race29@race.example	member	1	4	\N	\N	2026-12-07 21:20:09.999508+00
37	race30	Racer 30	race30@race.example	member	1	5	\N	\N	2026-12-07 21:20:09.999508+00
38	race31	Racer 31	race31@race.example	member	1	6	\N	\N	2026-12-07 21:20:09.999508+00
39	rq0	Quota 0	rq0@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
40	rq1	Quota 1	rq1@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
41	rq2	Quota 2	rq2@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
42	rq3	Quota 3	rq3@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
43	rq4	Quota 4	rq4@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
44	rq5	Quota 5	rq5@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
45	rq6	Quota 6	rq6@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
46	rq7	Quota 7	rq7@rules.example	member	1	7	\N	\N	2026-12-07 21:20:10.007519+00
47	mgr-other	Olli Optics	mgr@optics.example	manager	2	\N	3	\N	2026-12-07 21:20:10.008031+00
48	ppl-member	Pat Member	pat@ppl.example	member	1	8	\N	\N	2026-12-07 21:20:10.013863+00
49	ppl-oper-other	Otto Other	otto@optics.example	operator	2	\N	\N	\N	2026-12-07 21:20:10.013863+00
50	bill-ann	Ann of Billing A	bill-ann@bill.example	member	3	10	\N	\N	2026-12-07 21:20:10.016668+00
51	bill-bo	Bo of Billing B	bill-bo@bill.example	member	3	11	\N	\N	2026-12-07 21:20:10.016668+00
52	bill-cy	Cy of Billing C	bill-cy@bill.example	member	3	12	\N	\N	2026-12-07 21:20:10.016668+00
53	bill-di	Di of Billing D	bill-di@bill.example	member	3	13	\N	\N	2026-12-07 21:20:10.016668+00
54	bill-ed	Ed of Billing E	bill-ed@bill.example	member	3	14	\N	\N	2026-12-07 21:20:10.016668+00
55	bill-fa	Fa of Billing F	bill-fa@bill.example	member	3	15	\N	\N	2026-12-07 21:20:10.016668+00
56	bill-oper	Otto Billing Operator	bill-oper@bill.example	operator	3	\N	\N	\N	2026-12-07 21:20:10.016668+00
57	bill-mgr	Mia Billing Manager	bill-mgr@bill.example	manager	3	\N	4	\N	2026-12-07 21:20:10.016668+00
58	rep-ann	Ann of Report A	rep-ann@rep.example	member	5	16	\N	\N	2026-12-07 21:20:10.021563+00
59	rep-bo	Bo of Report B	rep-bo@rep.example	member	5	17	\N	\N	2026-12-07 21:20:10.021563+00
60	rep-cy	Cy of Report C	rep-cy@rep.example	member	5	18	\N	\N	2026-12-07 21:20:10.021563+00
61	rep-oper	Rita Report Operator	rep-oper@rep.example	operator	5	\N	\N	\N	2026-12-07 21:20:10.021563+00
62	rep-mgr	Rex Report Manager	rep-mgr@rep.example	manager	5	\N	7	\N	2026-12-07 21:20:10.021563+00
63	rep-di	Di of Report D	rep-di@rep.example	member	6	19	\N	\N	2026-12-07 21:20:10.038918+00
\.


--
-- Data for Name: opening_hours; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.opening_hours (resource_id, kind, weekday, opens, closes) FROM stdin;
92	open	1	540	1020
92	open	2	540	1020
92	open	3	540	1020
92	open	4	540	1020
92	open	5	540	1020
94	open	1	480	1200
94	open	2	480	1200
94	open	3	480	1200
94	open	4	480	1200
94	open	5	480	1200
94	open	6	480	1200
94	open	7	480	1200
\.


--
-- Data for Name: qualifications; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.qualifications (id, member_id, resource_id, granted_by, granted_at, expires_at, revoked_at, revoked_by) FROM stdin;
\.


--
-- Data for Name: rate_cards; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rate_cards (id, resource_id, tier, currency, hourly_fen, increment_minutes, minimum_fen, day_fen, day_hours, basis, late_fee_pct, no_show_fee_pct, effective_from, created_by, created_at) FROM stdin;
\.


--
-- Data for Name: resource_requires; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resource_requires (resource_id, required_id) FROM stdin;
\.


--
-- Data for Name: resource_units; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resource_units (id, resource_id, unit_no, retired_at) FROM stdin;
1	1	1	\N
2	2	1	\N
3	3	1	\N
4	4	1	\N
5	5	1	\N
6	6	1	\N
7	7	1	\N
8	8	1	\N
9	9	1	\N
10	10	1	\N
11	11	1	\N
12	12	1	\N
13	13	1	\N
14	14	1	\N
15	15	1	\N
16	16	1	\N
17	17	1	\N
18	18	1	\N
19	19	1	\N
20	20	1	\N
21	21	1	\N
22	22	1	\N
23	23	1	\N
24	24	1	\N
25	25	1	\N
26	26	1	\N
27	27	1	\N
28	28	1	\N
29	29	1	\N
30	30	1	\N
31	31	1	\N
32	32	1	\N
33	33	1	\N
34	34	1	\N
35	35	1	\N
36	36	1	\N
37	37	1	\N
38	38	1	\N
39	39	1	\N
40	40	1	\N
41	41	1	\N
42	42	1	\N
43	43	1	\N
44	44	1	\N
45	45	1	\N
46	46	1	\N
47	47	1	\N
48	48	1	\N
49	49	1	\N
50	50	1	\N
51	51	1	\N
52	52	1	\N
53	53	1	\N
54	54	1	\N
55	55	1	\N
56	56	1	\N
57	57	1	\N
58	58	1	\N
59	59	1	\N
60	60	1	\N
61	61	1	\N
62	62	1	\N
63	63	1	\N
64	64	1	\N
65	65	1	\N
66	66	1	\N
67	67	1	\N
68	68	1	\N
69	69	1	\N
70	70	1	\N
71	71	1	\N
72	72	1	\N
73	73	1	\N
74	74	1	\N
75	75	1	\N
76	76	1	\N
77	77	1	\N
78	78	1	\N
79	79	1	\N
80	80	1	\N
81	81	1	\N
82	82	1	\N
83	83	1	\N
84	84	1	\N
85	85	1	\N
86	86	1	\N
87	87	1	\N
88	88	1	\N
89	89	1	\N
90	90	1	\N
91	91	1	\N
92	92	1	\N
93	93	1	\N
94	94	1	\N
95	95	1	\N
96	95	2	\N
\.


--
-- Data for Name: resources; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resources (id, institution_id, code, name, kind, description, location, time_zone, retired_at, created_at, tags, slot_minutes, min_minutes, max_minutes, min_notice_minutes, max_ahead_days, buffer_minutes, max_active_per_member, weekly_minutes_per_startup, whole_days, min_gap_minutes, terms_seq, terms_version, terms_text, retire_reason, needs_approval, needs_qualification, late_cancel_minutes, checkin_early_minutes, no_show_grace_minutes) FROM stdin;
1	1	dyno-1	Engine dynamometer cell 1	test_facility	AC transient dynamometer, 500 kW	Test Hall 2, cell 1	Asia/Shanghai	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
2	1	dyno-2	Engine dynamometer cell 2	test_facility	Steady-state dynamometer, 300 kW	Test Hall 2, cell 2	Asia/Shanghai	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
3	1	mill-5ax	5-axis machining centre	machining	Simultaneous 5-axis milling of housings	Prototype workshop	Asia/Shanghai	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
5	1	race-rig	Contended test rig	test_facility	Everybody wants this one	Test Hall 3	Asia/Shanghai	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
6	2	desk-a	Shared desk A	workspace	Hot desk near the window	Incubator floor	Asia/Shanghai	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
7	2	berlin-bench	Optical bench at the Berlin partner lab	instrument	Interferometer bench shared with a partner in Germany	Berlin, Adlershof	Europe/Berlin	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
8	3	coater	Optical coating pilot line	pilot_line	E-beam coater for small batches	Coating workshop	Asia/Shanghai	\N	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
4	1	old-scope	Analogue oscilloscope	instrument	Kept for the inventory, no longer lent	Store room	Asia/Shanghai	2024-12-31 16:00:00+00	2026-12-07 21:20:09.990988+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
9	1	rule-rig-slot	Rig booked on a 30 min grid	instrument	Slot grid	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
10	1	rule-rig-len	Rig with a minimum and maximum length	instrument	Length limits	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
11	1	rule-rig-notice	Rig booked a day ahead	instrument	Notice	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
12	1	rule-rig-ahead	Rig booked at most a month ahead	instrument	Reach	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
13	1	rule-rig-buffer	Rig with a changeover buffer	instrument	Buffer	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
14	1	rule-rig-active	Rig with a cap on future bookings	instrument	Active cap	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
15	1	rule-rig-weekly	Rig with a weekly quota	instrument	Weekly quota	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
16	1	rule-rig-days	Rig booked in whole days	instrument	Whole days	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
17	1	rule-rig-gap	Rig with a gap between bookings	instrument	Gap	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
18	1	rule-rig-offpeak	Rig with off-peak hours	instrument	Off-peak	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
19	1	rule-rig-quota	Rig with a contended weekly quota	instrument	Contended quota	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
20	1	rule-rig-terms	Rig with terms of use	instrument	Terms	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
21	1	rule-rig-override	Rig booked past its rules by staff	instrument	Override	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
22	1	rule-rig-hours	Rig with opening hours	workspace	Opening hours	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
23	1	rule-rig-berlin	Rig with opening hours in Berlin	workspace	Opening hours across DST	Rules hall	Europe/Berlin	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
24	1	rule-rig-exc	Rig with date exceptions	workspace	Exceptions	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
25	1	rule-rig-close	Rig closed for a day	pilot_line	Closure	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
26	1	rule-rig-maint	Rig in maintenance	pilot_line	Maintenance	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
27	1	rule-rig-scope	Rig managed by its own institution	pilot_line	Scope	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
28	1	rule-rig-units	Three identical benches	workspace	Units	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
29	1	rule-rig-parent	Rig that needs its chiller	pilot_line	Parent	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
30	1	rule-rig-child	Chiller booked with its rig	pilot_line	Required chiller	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
31	1	rule-rig-slots	Rig for free-slot listings	instrument	Slots	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
33	1	rule-find-b	Findable rig B	instrument	zzfind rig b	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
34	1	rule-rig-cal	Rig for the week calendar	instrument	Calendar	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
32	1	rule-find-a	Findable rig A	instrument	zzfind rig a	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{zztag}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
35	1	rule-rig-show	Rig shown in full	instrument	Show	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
36	1	rule-rig-flags	Rig whose rules change flag by flag	instrument	Rule flags	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
37	1	rule-rig-retire	Rig about to be retired	instrument	Retire	Rules hall	Asia/Shanghai	\N	2026-12-07 21:20:10.003482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
38	1	life-approve	Rig that needs approval	instrument	Approval	Lifecycle hall	Asia/Shanghai	\N	2026-12-07 21:20:10.00882+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
39	1	life-race	Rig whose requests race	instrument	Approval race	Lifecycle hall	Asia/Shanghai	\N	2026-12-07 21:20:10.00882+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
40	1	life-move	Rig whose bookings move	instrument	Move	Lifecycle hall	Asia/Shanghai	\N	2026-12-07 21:20:10.00882+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
41	1	life-move-b	Companion of the moving rig	instrument	Move companion	Lifecycle hall	Asia/Shanghai	\N	2026-12-07 21:20:10.00882+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
42	1	life-late	Rig with a late-cancellation window	instrument	Late cancellation	Lifecycle hall	Asia/Shanghai	\N	2026-12-07 21:20:10.00882+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
43	1	life-hand	Rig whose bookings change hands	instrument	Hand over	Lifecycle hall	Asia/Shanghai	\N	2026-12-07 21:20:10.00882+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
44	1	ics-rig	Calendar rig, bay 1; 日历导出测试台架，用于检验折行与转义的长名称	instrument	Calendar export	Export hall	Asia/Shanghai	\N	2026-12-07 21:20:10.009482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
45	1	ics-berlin	Berlin calendar bench	instrument	Calendar export	Export hall	Europe/Berlin	\N	2026-12-07 21:20:10.009482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
46	1	ics-ask	Calendar rig that needs approval	instrument	Calendar export	Export hall	Asia/Shanghai	\N	2026-12-07 21:20:10.009482+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
47	1	wait-basic	Rig with a queue	instrument	Waitlist	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
48	1	wait-refuse	Rig whose queue refuses	instrument	Waitlist refusals	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
49	1	wait-skip	Rig whose first waiter no longer fits	instrument	Waitlist skip	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
50	1	wait-decline	Rig that needs approval, with a queue	instrument	Waitlist decline	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
51	1	wait-move	Rig whose bookings move away	instrument	Waitlist move	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
52	1	wait-close	Rig closed, with a queue	instrument	Waitlist closure	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
53	1	wait-gone	Rig whose waiters withdraw	instrument	Waitlist withdraw	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
54	1	wait-race	Rig whose cancellations race	instrument	Waitlist race	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
55	1	wait-pair	Rig that needs its chiller, with a queue	instrument	Waitlist companions	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
56	1	wait-pair-b	Chiller of the paired rig	instrument	Waitlist companion	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
57	1	wait-staff	Rig whose queue staff read	instrument	Waitlist staff view	Waitlist hall	Asia/Shanghai	\N	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
58	1	wait-retired	Retired rig	instrument	Waitlist retired	Waitlist hall	Asia/Shanghai	2024-12-31 16:00:00+00	2026-12-07 21:20:10.01001+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
59	1	use-in	Rig checked in and out	test_facility	Check-in and check-out	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
60	1	use-edge	Rig with a check-in window	test_facility	Check-in window	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
61	1	use-late	Rig whose holders turn up late	test_facility	No-shows	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
62	1	use-over	Rig used past the end	test_facility	Overrun	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
63	1	use-fix	Rig whose usage is corrected	test_facility	Corrections	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
64	1	use-qual	Rig for qualified members only	test_facility	Qualification	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
65	1	use-pair	Rig that needs its cooling loop	test_facility	Companions	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
66	1	use-pair-b	Cooling loop booked with its rig	test_facility	Companion	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
67	1	use-sweep	Rig swept for no-shows	test_facility	No-show sweep	Usage hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011135+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
68	1	ser-weekly	Rig booked every week	instrument	Weekly series	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
69	1	ser-clash	Rig whose series meets a booking	instrument	All or nothing	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
70	1	ser-skip	Rig whose series skips what is taken	instrument	Skip conflicts	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
71	1	ser-berlin	Rig in Berlin booked across DST	instrument	Series across DST	Series hall	Europe/Berlin	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
72	1	ser-limit	Rig with a cap on future bookings	instrument	Series and limits	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
73	1	ser-cancel	Rig whose series is cancelled	instrument	Cancel a series	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
74	1	ser-cap	Rig for series that are too long	instrument	Series cap	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
75	1	ser-idem	Rig for retried series	instrument	Series retries	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
76	1	ser-approve	Rig whose series waits for approval	instrument	Series and approval	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
77	1	ser-main	Rig that needs its chiller, booked in series	instrument	Series and companions	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
78	1	ser-chiller	Chiller booked with its rig	instrument	Series companion	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
79	1	ser-units	Two identical benches booked in series	instrument	Series and units	Series hall	Asia/Shanghai	\N	2026-12-07 21:20:10.011833+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
80	1	evt-rig	Rig whose changes are watched	instrument	Watched	Event hall	Asia/Shanghai	\N	2026-12-07 21:20:10.012725+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
81	1	evt-other	Rig watched on its own	instrument	Filtered	Event hall	Europe/Berlin	\N	2026-12-07 21:20:10.012725+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
83	1	evt-far	Rig booked through a second server	instrument	Two servers	Event hall	Asia/Shanghai	\N	2026-12-07 21:20:10.012725+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
84	1	evt-flood	Rig with more events than a slow watcher reads	instrument	Flood	Event hall	Asia/Shanghai	\N	2026-12-07 21:20:10.012725+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
85	1	evt-wait	Watched rig with a queue	instrument	Waitlist promotion	Event hall	Asia/Shanghai	\N	2026-12-07 21:20:10.012725+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
82	1	evt-approve	Watched rig that needs approval	instrument	Approval	Event hall	Asia/Shanghai	\N	2026-12-07 21:20:10.012725+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			t	f	0	15	15
86	4	bill-rig	Rig charged by the hour	test_facility	Rates and rounding	Billing hall	Asia/Shanghai	\N	2026-12-07 21:20:10.015045+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
87	4	bill-used	Rig charged by use	test_facility	Charge basis	Billing hall	Asia/Shanghai	\N	2026-12-07 21:20:10.015045+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
88	4	bill-line	Pilot line charged by the day	pilot_line	Day rate	Billing hall	Asia/Shanghai	\N	2026-12-07 21:20:10.015045+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
89	5	bill-scope	University microscope	instrument	Vouchers by institution	Billing hall	Asia/Shanghai	\N	2026-12-07 21:20:10.015045+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
90	4	bill-race	Rig of the concurrent invoice runs	test_facility	Invoice runs	Billing hall	Asia/Shanghai	\N	2026-12-07 21:20:10.015045+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
91	6	bill-far-rig	Rig of the other space	test_facility	Vouchers spent by two spaces	Far hall	Asia/Shanghai	\N	2026-12-07 21:20:10.018212+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
92	7	rep-lathe	CNC lathe, "Turn, 1"	machining	Weekday hours, an exception, a closure	Report hall	Asia/Shanghai	\N	2026-12-07 21:20:10.019029+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
93	7	rep-oven	Curing oven	test_facility	No hours: open around the clock	Report hall	Asia/Shanghai	\N	2026-12-07 21:20:10.019029+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
94	8	rep-scope	Electron microscope	instrument	Daily hours, another institution	Report hall	Asia/Shanghai	\N	2026-12-07 21:20:10.019029+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
95	9	rep-bench	Two identical benches	workspace	Two units, no hours	Report lab	Asia/Shanghai	\N	2026-12-07 21:20:10.037835+00	{}	0	0	0	0	0	0	0	0	f	0	0	0			f	f	0	15	15
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (version, sha256, applied_at) FROM stdin;
0001_baseline	6e63de6214564160108022827c75274933a2b55a5827fb093a1e6cc1475caa4c	2026-12-07 21:20:09.747865+00
\.


--
-- Data for Name: spaces; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.spaces (id, code, name, name_zh, field, field_zh, created_at) FROM stdin;
1	test-space	Test Powertrain Maker Space	测试动力总成众创空间	Truck powertrain	卡车动力总成	2026-12-07 21:20:09.987695+00
2	other-space	Other Optics Maker Space	测试光电子众创空间	Optoelectronics	光电子	2026-12-07 21:20:09.987695+00
3	bill-space	Billing Test Space	计费测试空间	Billing	计费	2026-12-07 21:20:10.014573+00
4	bill-other	Billing Other Space				2026-12-07 21:20:10.017772+00
5	rep-space	Report Test Space	报表测试空间	Reports	报表	2026-12-07 21:20:10.01858+00
6	rep-other	Report Units Space	报表单元空间	Reports	报表	2026-12-07 21:20:10.037312+00
\.


--
-- Data for Name: startups; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.startups (id, space_id, code, name, created_at, legal_name, credit_code, address, tier) FROM stdin;
1	1	acme	Acme Electric Drives	2026-12-07 21:20:09.996932+00				member_startup
2	1	beta	Beta Thermal	2026-12-07 21:20:09.996932+00				member_startup
3	1	race-a	Race Team A	2026-12-07 21:20:09.996932+00				member_startup
4	1	race-b	Race Team B	2026-12-07 21:20:09.996932+00				member_startup
5	1	race-c	Race Team C	2026-12-07 21:20:09.996932+00				member_startup
6	1	race-d	Race Team D	2026-12-07 21:20:09.996932+00				member_startup
7	1	rules-co	Rules Quota Co	2026-12-07 21:20:10.007231+00				member_startup
8	1	ppl-acme	People Test Co	2026-12-07 21:20:10.013547+00				member_startup
9	2	ppl-optics	People Optics Co	2026-12-07 21:20:10.013547+00				member_startup
10	3	bill-a	Billing A Rates	2026-12-07 21:20:10.015715+00				member_startup
13	3	bill-d	Billing D Vouchers	2026-12-07 21:20:10.015715+00				member_startup
14	3	bill-e	Billing E Invoices	2026-12-07 21:20:10.015715+00				member_startup
15	3	bill-f	Billing F Race	2026-12-07 21:20:10.015715+00				member_startup
11	3	bill-b	Billing B Host	2026-12-07 21:20:10.015715+00				host_internal
12	3	bill-c	Billing C External	2026-12-07 21:20:10.015715+00				external
16	5	rep-a	Report A Motors	2026-12-07 21:20:10.021216+00				member_startup
17	5	rep-b	Report B Batteries	2026-12-07 21:20:10.021216+00				member_startup
18	5	rep-c	Report C Coatings	2026-12-07 21:20:10.021216+00				member_startup
19	6	rep-d	Report D Devices	2026-12-07 21:20:10.03863+00				member_startup
\.


--
-- Data for Name: terms_acceptances; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.terms_acceptances (member_id, resource_id, version, accepted_at) FROM stdin;
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tokens (id, member_id, hash, label, created_at, expires_at, revoked_at, issued_by, last_used_at) FROM stdin;
1	1	\\xdde96f5b27b2298476b272c037dfd2cb5438e3495510c51035db1ef55f2994a4	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
2	2	\\x6bae0362848af71bf9dde2924116bee5375e8a4da437494e3588dfee8b35d0cc	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
3	3	\\x074217eacfb35f36134d56002b83d3fc0e99fc648a01f48a6e5dba283126cb98	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
4	4	\\x0b6fdcb476720d0146a1df86449a3867b7f6c795a44873a08a2e28eda305d10e	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
5	5	\\xb59281b25987b8c13c8cb7e7303b66d0f7d1ad4f8205a27ffc8278f555c1c32a	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
6	6	\\x367d874a9076b865e8b747288518a1a5fa41ab02d63d2d400617d167132a26bb	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
7	7	\\xa614047ade41f7ddd5721fcddbc20e97a4fbbdb67749e2b8f79b0455567b6fbf	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
8	8	\\x750c336b3fdd02224fb4fa9cac1436f0ca5db890de3b589668e91b5c1ea50981	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
9	9	\\x7de69090a29bdd26e76083bade97ffb342a9a53a59c1caf96e8c69cf47873cfb	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
10	10	\\x9bf1c2d95adb13fefe8d4fc66685f5374d58a49dd4ea144f1f46c0b4c18e59f9	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
11	11	\\xf57d6e4ab0c152bcbfec606c891ed592664cb02c848c6f18c9063961cdab9c4e	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
12	12	\\x45eafaa212ce626cd0f1663208f6bbc78b6929006488ed03b1b47d8fbf4c1b45	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
13	13	\\x275ae74ec4aebe05e1dbf1fd8ac3f2f77b3d6c7c8c22a29a3eaec555df5c81fa	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
14	14	\\x400c7d10fe2d7eeb54bdd6cb35964134852ff2f1cfe3f3b831ee50fd19b94341	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
15	15	\\x0056e843987ffcf14a451439b914225348956ef8a329867e426be0f80f26fb35	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
16	16	\\xfeb95a1bda4f63c04db718f40183134f8b174f2e29f1467ab2b7a1f8895a844a	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
17	17	\\x7da53bec7c8264a4fe172906d200907210f53b89cc705e7ccce55d4865f64c37	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
18	18	\\x699a3e6aa0f638aa4c3670cd9576ac0603c515faee305cf3ba2d170e2161c542	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
19	19	\\x99b2d1433c314dc5bfbbd3d221d829d7fafc92dc84d5a417a8799190974ec9f4	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
20	20	\\x6b845cab3516c65d58d274fdf9306813ba41eab48e60e80606bf888d1daf4acf	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
21	21	\\x30b96b49f96fec41531f4dbdd44407cbc6c3a0bff1af0a05b2724ba2e695da92	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
22	22	\\x35841ebda351bf3e7bf49646dd4d1f4888ce2c4ab616f01746d3503fd0edb551	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
23	23	\\x28b0bf2142971a1c10e6827eb6b58d451babdf3d0ebf3ae8ea0b84143d8999e4	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
24	24	\\x38985013550ea04197b386d81fa20f91a56b69570a81ae34eeeadf161ff59a48	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
25	25	\\xb3ddb95e7551cd0ea17f62def263941584827a9013596b0e2af6a35a3dcf6377	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
26	26	\\x850345fbc68a6abc8bff8dae1c369c269dae1efdf31689d0cd89bf1ffb0accaf	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
27	27	\\x3057560a368c419038e9f21d3cf88d1ece0de81b429543792cac02675e5fd6e6	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
28	28	\\x84d3bac0908a0a0462ab7203a4df1d4969de50f90dac7247df4d39932748e53e	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
29	29	\\x0a588c11175f8057bb119b3eced660f0ec65f613fd2e44c3a0d429971147fd02	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
30	30	\\x7c5f2a8c178b7c0d15eb3ea1415e5974663a29e97e07acc3c1c25bae5616bb52	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
31	31	\\x428e1142f03df261983391d9d59f4cd8781853cee224ad7ab7fce1e39f0c76ec	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
32	32	\\xb057d87b82ee41a9b01b2279cd1e36687a33baf7d82c835e932a556e301c33b4	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
33	33	\\x81723db132f1b7b71eed526c93943ad73d2b6687170e9524d7084c936a08366f	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
34	34	\\x0a34913fb5074d1156b496958e1d3a6aa3f50716e96f1baab02389acb6e968c8	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
35	35	\\x92c036ea49f4a7fad6aedc283adceb0affda51a771cded704d4f839f9174c165	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
36	36	\\x0ac48e3c574e762dbbb754355cef10c482860327898618cf495daaf26270dcb5	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
37	37	\\x2f471cce2e641106a053807c9d90546d5657bd176e90a08d5c16866a66742e41	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
38	38	\\x23129989e1946669755380ef8fd0fae0e4b635a5a49c7d5eeff0a842da7e513f	test	2026-12-07 21:20:10.001399+00	\N	\N	\N	\N
39	39	\\x2e11c2a7c3a61cc5d35c5cf8b4cf41a9f5eda44e5316216f67b6f35d001ac35e	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
40	40	\\xd581cb7e5c8447612d4da81aa4a0dd9b664a518d8d05ac0b26c6cd63aef2fb06	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
41	41	\\x0f8d7984824f5556c93e24b4336e6b1180457c7589f7831cb5e47e30d07b6cb6	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
42	42	\\xa75a29509f3137aa50ba014fc3f8586d32e512e1e6ae81f2c81f553fa1c8e7a9	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
43	43	\\xa4f44ae1fecfc1dc239dfbe83f43a88a1d75f387d98615134811609a75dc08a9	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
44	44	\\x45e200f8a798780a7d83a169b35fa4ae3ab6cfa5e9ecfb969c1c9a27c0b046bf	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
45	45	\\x82b78eab99ae45a46a99602991cab97dc16672f8f5328c39c11eced9461a2b07	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
46	46	\\xe9ee0d10c9e78558a09c2507a296c3ce7bee11705a95cece3172a31ead7bfc18	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
47	47	\\x278aa504933213cf814bbb1536e6cea425950304a78cf27798b931de5bbc3ecf	test	2026-12-07 21:20:10.008334+00	\N	\N	\N	\N
48	48	\\x3aad4d5df4e92b4cc0207c724fa27697b106db2aca46ea98bb402003041ea816	test	2026-12-07 21:20:10.014255+00	\N	\N	\N	\N
49	49	\\xeae64ca345df00919d176c119b332a2a99a81fe6b879feb61c46db81e21f093e	test	2026-12-07 21:20:10.014255+00	\N	\N	\N	\N
50	50	\\x0585faea8f89717cb2bd19e05b998218b6d55568b7a628a4a947e358ffde14b7	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
51	51	\\x060eb755add2426248c8f840d9725736e5e069a356ec42f8677fede366b2e318	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
52	52	\\x5e8c3b8e3a2ce700469e80d68f1d9cec021f6bfb37f488d17c9522bec514cfbf	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
53	53	\\x1be0192b2f58ba0277b8a05f2c3bdb42ee3d9baae6363b833492a7621aef5b36	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
54	54	\\xbe621c73034f0856dbcd8266626693397b608dfc7340c710b917f426db9d7755	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
55	55	\\x33fb29e7aafa0d021ecaa5781ff0727245c56665f8493877a4d12a543da26b5b	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
56	56	\\xe6cbc83d7ffe642610a5275f90b49cdddb2fde6dc2c51880e4efd3bd510170a8	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
57	57	\\xf3e92bd152492f894ebb457b2e8392641ec0cd94595d4c1ba3a8600292864fe5	test	2026-12-07 21:20:10.01732+00	\N	\N	\N	\N
58	58	\\x7336123283497a6adaa7c5349d79fced869439f8d5d4d4363e30190cba7b95e9	test	2026-12-07 21:20:10.022061+00	\N	\N	\N	\N
59	59	\\x1ab703c4b13f35c685f43f2088247c70503b1379d91e5ddda1b6cab11b00f0c4	test	2026-12-07 21:20:10.022061+00	\N	\N	\N	\N
60	60	\\x409e2f76f1f4842448ec403be74977b6dcb960246ef5fd1038aadd8c4e04ae6f	test	2026-12-07 21:20:10.022061+00	\N	\N	\N	\N
61	61	\\xb1ec8e6444522d99fd03f6ef0b2fe6b935a85c36b880c70203b777e683ca1882	test	2026-12-07 21:20:10.022061+00	\N	\N	\N	\N
62	62	\\x2b319b5de8a0eb54864ac4f4371403133418e3ae6cbdc0408a9e66963fca79fb	test	2026-12-07 21:20:10.022061+00	\N	\N	\N	\N
\.


--
-- Data for Name: voucher_redemptions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.voucher_redemptions (id, voucher_id, invoice_line_id, amount_fen, created_at) FROM stdin;
1	1	2	7500	2026-12-07 21:20:10.02253+00
2	2	1	61725	2026-12-07 21:20:10.02253+00
\.


--
-- Data for Name: vouchers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers (id, startup_id, issuer, coverage_pct, currency, cap_fen, used_fen, valid_from, valid_to, institutions, kinds, created_by, created_at) FROM stdin;
1	16	Report District	50	CNY	10000000	7500	2026-01-01	2026-12-31	{}	{}	\N	2026-12-07 21:20:10.02253+00
2	17	Report District	50	CNY	10000000	61725	2026-01-01	2026-12-31	{}	{}	\N	2026-12-07 21:20:10.02253+00
\.


--
-- Data for Name: waitlist; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.waitlist (id, resource_id, member_id, during, note, created_at, state, booking_id, promoted_at, withdrawn_at, withdrawn_by, refusal, tried_at) FROM stdin;
\.


--
-- Name: audit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_id_seq', 1, false);


--
-- Name: booking_series_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.booking_series_id_seq', 1, false);


--
-- Name: bookings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.bookings_id_seq', 13, true);


--
-- Name: charges_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.charges_id_seq', 6, true);


--
-- Name: closures_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.closures_id_seq', 1, true);


--
-- Name: institutions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.institutions_id_seq', 9, true);


--
-- Name: invoice_lines_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.invoice_lines_id_seq', 2, true);


--
-- Name: invoices_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.invoices_id_seq', 2, true);


--
-- Name: members_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.members_id_seq', 63, true);


--
-- Name: qualifications_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.qualifications_id_seq', 1, false);


--
-- Name: rate_cards_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.rate_cards_id_seq', 1, false);


--
-- Name: resource_units_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resource_units_id_seq', 96, true);


--
-- Name: resources_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resources_id_seq', 95, true);


--
-- Name: spaces_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.spaces_id_seq', 6, true);


--
-- Name: startups_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.startups_id_seq', 19, true);


--
-- Name: tokens_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tokens_id_seq', 62, true);


--
-- Name: voucher_redemptions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.voucher_redemptions_id_seq', 2, true);


--
-- Name: vouchers_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_id_seq', 2, true);


--
-- Name: waitlist_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.waitlist_id_seq', 1, false);


--
-- Name: audit audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit
    ADD CONSTRAINT audit_pkey PRIMARY KEY (id);


--
-- Name: booking_series booking_series_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_pkey PRIMARY KEY (id);


--
-- Name: bookings bookings_no_overlap; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (unit_id WITH =, during WITH &&) WHERE ((state <> ALL (ARRAY['cancelled'::public.booking_state, 'declined'::public.booking_state])));


--
-- Name: bookings bookings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_pkey PRIMARY KEY (id);


--
-- Name: charges charges_booking_id_kind_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_booking_id_kind_key UNIQUE (booking_id, kind);


--
-- Name: charges charges_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_pkey PRIMARY KEY (id);


--
-- Name: closures closures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.closures
    ADD CONSTRAINT closures_pkey PRIMARY KEY (id);


--
-- Name: date_exceptions date_exceptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.date_exceptions
    ADD CONSTRAINT date_exceptions_pkey PRIMARY KEY (resource_id, day);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (member_id, key);


--
-- Name: institutions institutions_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.institutions
    ADD CONSTRAINT institutions_code_key UNIQUE (code);


--
-- Name: institutions institutions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.institutions
    ADD CONSTRAINT institutions_pkey PRIMARY KEY (id);


--
-- Name: invoice_counters invoice_counters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_counters
    ADD CONSTRAINT invoice_counters_pkey PRIMARY KEY (space_id, year);


--
-- Name: invoice_lines invoice_lines_charge_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_lines
    ADD CONSTRAINT invoice_lines_charge_id_key UNIQUE (charge_id);


--
-- Name: invoice_lines invoice_lines_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_lines
    ADD CONSTRAINT invoice_lines_pkey PRIMARY KEY (id);


--
-- Name: invoices invoices_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_number_key UNIQUE (number);


--
-- Name: invoices invoices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);


--
-- Name: members members_handle_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_handle_key UNIQUE (handle);


--
-- Name: members members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_pkey PRIMARY KEY (id);


--
-- Name: opening_hours opening_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opening_hours
    ADD CONSTRAINT opening_hours_pkey PRIMARY KEY (resource_id, kind, weekday, opens);


--
-- Name: qualifications qualifications_member_id_resource_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications
    ADD CONSTRAINT qualifications_member_id_resource_id_key UNIQUE (member_id, resource_id);


--
-- Name: qualifications qualifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications
    ADD CONSTRAINT qualifications_pkey PRIMARY KEY (id);


--
-- Name: rate_cards rate_cards_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_cards
    ADD CONSTRAINT rate_cards_pkey PRIMARY KEY (id);


--
-- Name: rate_cards rate_cards_resource_id_tier_effective_from_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_cards
    ADD CONSTRAINT rate_cards_resource_id_tier_effective_from_key UNIQUE (resource_id, tier, effective_from);


--
-- Name: resource_requires resource_requires_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_requires
    ADD CONSTRAINT resource_requires_pkey PRIMARY KEY (resource_id, required_id);


--
-- Name: resource_units resource_units_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_units
    ADD CONSTRAINT resource_units_pkey PRIMARY KEY (id);


--
-- Name: resource_units resource_units_resource_id_unit_no_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_units
    ADD CONSTRAINT resource_units_resource_id_unit_no_key UNIQUE (resource_id, unit_no);


--
-- Name: resources resources_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_code_key UNIQUE (code);


--
-- Name: resources resources_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: spaces spaces_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spaces
    ADD CONSTRAINT spaces_code_key UNIQUE (code);


--
-- Name: spaces spaces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spaces
    ADD CONSTRAINT spaces_pkey PRIMARY KEY (id);


--
-- Name: startups startups_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.startups
    ADD CONSTRAINT startups_code_key UNIQUE (code);


--
-- Name: startups startups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.startups
    ADD CONSTRAINT startups_pkey PRIMARY KEY (id);


--
-- Name: terms_acceptances terms_acceptances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.terms_acceptances
    ADD CONSTRAINT terms_acceptances_pkey PRIMARY KEY (member_id, resource_id, version);


--
-- Name: tokens tokens_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_hash_key UNIQUE (hash);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);


--
-- Name: voucher_redemptions voucher_redemptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.voucher_redemptions
    ADD CONSTRAINT voucher_redemptions_pkey PRIMARY KEY (id);


--
-- Name: vouchers vouchers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_pkey PRIMARY KEY (id);


--
-- Name: waitlist waitlist_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist
    ADD CONSTRAINT waitlist_pkey PRIMARY KEY (id);


--
-- Name: audit_object; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_object ON public.audit USING btree (object, object_id);


--
-- Name: bookings_confirmed_start; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_confirmed_start ON public.bookings USING btree (lower(during)) WHERE (state = 'confirmed'::public.booking_state);


--
-- Name: bookings_member; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_member ON public.bookings USING btree (member_id, lower(during));


--
-- Name: bookings_parent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_parent ON public.bookings USING btree (parent_id) WHERE (parent_id IS NOT NULL);


--
-- Name: bookings_requested; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_requested ON public.bookings USING btree (resource_id, lower(during)) WHERE (state = 'requested'::public.booking_state);


--
-- Name: bookings_resource_during; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_resource_during ON public.bookings USING gist (resource_id, during) WHERE (state <> ALL (ARRAY['cancelled'::public.booking_state, 'declined'::public.booking_state]));


--
-- Name: bookings_series; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_series ON public.bookings USING btree (series_id) WHERE (series_id IS NOT NULL);


--
-- Name: bookings_startup; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_startup ON public.bookings USING btree (startup_id, lower(during));


--
-- Name: charges_resource_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX charges_resource_date ON public.charges USING btree (resource_id, charged_on);


--
-- Name: charges_space_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX charges_space_date ON public.charges USING btree (space_id, charged_on);


--
-- Name: charges_startup_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX charges_startup_date ON public.charges USING btree (startup_id, charged_on);


--
-- Name: closures_active; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX closures_active ON public.closures USING gist (resource_id, during) WHERE (removed_at IS NULL);


--
-- Name: institutions_space; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX institutions_space ON public.institutions USING btree (space_id);


--
-- Name: invoice_lines_invoice; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_lines_invoice ON public.invoice_lines USING btree (invoice_id);


--
-- Name: invoices_once; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoices_once ON public.invoices USING btree (space_id, startup_id, period) WHERE (kind = 'invoice'::text);


--
-- Name: invoices_startup; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoices_startup ON public.invoices USING btree (startup_id, period);


--
-- Name: members_startup; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX members_startup ON public.members USING btree (startup_id);


--
-- Name: qualifications_resource; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX qualifications_resource ON public.qualifications USING btree (resource_id);


--
-- Name: resource_required_by; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resource_required_by ON public.resource_requires USING btree (required_id);


--
-- Name: resources_institution; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resources_institution ON public.resources USING btree (institution_id);


--
-- Name: resources_tags; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resources_tags ON public.resources USING gin (tags);


--
-- Name: startups_space; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX startups_space ON public.startups USING btree (space_id);


--
-- Name: tokens_member; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tokens_member ON public.tokens USING btree (member_id);


--
-- Name: voucher_redemptions_line; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX voucher_redemptions_line ON public.voucher_redemptions USING btree (invoice_line_id);


--
-- Name: voucher_redemptions_voucher; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX voucher_redemptions_voucher ON public.voucher_redemptions USING btree (voucher_id);


--
-- Name: vouchers_startup; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_startup ON public.vouchers USING btree (startup_id);


--
-- Name: waitlist_member; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX waitlist_member ON public.waitlist USING btree (member_id, created_at);


--
-- Name: waitlist_queue; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX waitlist_queue ON public.waitlist USING btree (resource_id, created_at, id) WHERE (state = 'waiting'::text);


--
-- Name: bookings booking_charges; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER booking_charges AFTER UPDATE OF state, cancelled_late ON public.bookings FOR EACH ROW WHEN ((old.state IS DISTINCT FROM new.state)) EXECUTE FUNCTION public.rb_booking_charge();


--
-- Name: bookings booking_companion_state; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER booking_companion_state BEFORE INSERT ON public.bookings FOR EACH ROW EXECUTE FUNCTION public.rb_companion_state();


--
-- Name: bookings booking_event; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER booking_event AFTER INSERT OR UPDATE ON public.bookings FOR EACH ROW EXECUTE FUNCTION public.rb_booking_event();


--
-- Name: bookings booking_frees_time; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER booking_frees_time AFTER UPDATE OF state, during ON public.bookings FOR EACH ROW WHEN (((old.state <> ALL (ARRAY['cancelled'::public.booking_state, 'declined'::public.booking_state])) AND ((new.state = ANY (ARRAY['cancelled'::public.booking_state, 'declined'::public.booking_state])) OR (new.during IS DISTINCT FROM old.during)))) EXECUTE FUNCTION public.rb_waitlist_booking_freed();


--
-- Name: bookings booking_needs_approval; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER booking_needs_approval BEFORE INSERT ON public.bookings FOR EACH ROW EXECUTE FUNCTION public.rb_booking_needs_approval();


--
-- Name: bookings booking_qualified; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER booking_qualified BEFORE INSERT OR UPDATE OF member_id, during ON public.bookings FOR EACH ROW EXECUTE FUNCTION public.rb_booking_qualified();


--
-- Name: charges charges_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER charges_append_only BEFORE DELETE OR UPDATE ON public.charges FOR EACH ROW EXECUTE FUNCTION public.rb_append_only();


--
-- Name: closures closure_deleted_frees_time; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER closure_deleted_frees_time AFTER DELETE ON public.closures FOR EACH ROW WHEN ((old.removed_at IS NULL)) EXECUTE FUNCTION public.rb_waitlist_closure_freed();


--
-- Name: closures closure_event; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER closure_event AFTER INSERT OR DELETE OR UPDATE ON public.closures FOR EACH ROW EXECUTE FUNCTION public.rb_closure_event();


--
-- Name: closures closure_frees_time; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER closure_frees_time AFTER UPDATE OF removed_at, during ON public.closures FOR EACH ROW WHEN (((old.removed_at IS NULL) AND ((new.removed_at IS NOT NULL) OR (new.during IS DISTINCT FROM old.during)))) EXECUTE FUNCTION public.rb_waitlist_closure_freed();


--
-- Name: invoice_lines invoice_lines_frozen; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER invoice_lines_frozen BEFORE INSERT OR DELETE OR UPDATE ON public.invoice_lines FOR EACH ROW EXECUTE FUNCTION public.rb_invoice_line_frozen();


--
-- Name: invoices invoices_frozen; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER invoices_frozen BEFORE DELETE OR UPDATE ON public.invoices FOR EACH ROW EXECUTE FUNCTION public.rb_invoice_frozen();


--
-- Name: resources resource_first_unit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER resource_first_unit AFTER INSERT ON public.resources FOR EACH ROW EXECUTE FUNCTION public.rb_resource_first_unit();


--
-- Name: voucher_redemptions voucher_redemptions_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER voucher_redemptions_append_only BEFORE DELETE OR UPDATE ON public.voucher_redemptions FOR EACH ROW EXECUTE FUNCTION public.rb_append_only();


--
-- Name: waitlist waitlist_promoted; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER waitlist_promoted AFTER UPDATE OF state ON public.waitlist FOR EACH ROW WHEN (((new.state = 'promoted'::text) AND (old.state IS DISTINCT FROM new.state))) EXECUTE FUNCTION public.rb_waitlist_event();


--
-- Name: audit audit_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit
    ADD CONSTRAINT audit_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: booking_series booking_series_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: booking_series booking_series_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: bookings bookings_cancelled_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_cancelled_by_fkey FOREIGN KEY (cancelled_by) REFERENCES public.members(id);


--
-- Name: bookings bookings_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES public.members(id);


--
-- Name: bookings bookings_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: bookings bookings_parent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.bookings(id);


--
-- Name: bookings bookings_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: bookings bookings_series_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_series_fk FOREIGN KEY (series_id) REFERENCES public.booking_series(id);


--
-- Name: bookings bookings_startup_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_startup_id_fkey FOREIGN KEY (startup_id) REFERENCES public.startups(id);


--
-- Name: bookings bookings_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES public.resource_units(id);


--
-- Name: charges charges_booking_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES public.bookings(id);


--
-- Name: charges charges_credit_of_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_credit_of_fkey FOREIGN KEY (credit_of) REFERENCES public.charges(id);


--
-- Name: charges charges_institution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_institution_id_fkey FOREIGN KEY (institution_id) REFERENCES public.institutions(id);


--
-- Name: charges charges_rate_card_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_rate_card_id_fkey FOREIGN KEY (rate_card_id) REFERENCES public.rate_cards(id);


--
-- Name: charges charges_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: charges charges_space_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_space_id_fkey FOREIGN KEY (space_id) REFERENCES public.spaces(id);


--
-- Name: charges charges_startup_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charges
    ADD CONSTRAINT charges_startup_id_fkey FOREIGN KEY (startup_id) REFERENCES public.startups(id);


--
-- Name: closures closures_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.closures
    ADD CONSTRAINT closures_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);


--
-- Name: closures closures_removed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.closures
    ADD CONSTRAINT closures_removed_by_fkey FOREIGN KEY (removed_by) REFERENCES public.members(id);


--
-- Name: closures closures_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.closures
    ADD CONSTRAINT closures_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: date_exceptions date_exceptions_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.date_exceptions
    ADD CONSTRAINT date_exceptions_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: idempotency_keys idempotency_keys_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: institutions institutions_space_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.institutions
    ADD CONSTRAINT institutions_space_id_fkey FOREIGN KEY (space_id) REFERENCES public.spaces(id);


--
-- Name: invoice_counters invoice_counters_space_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_counters
    ADD CONSTRAINT invoice_counters_space_id_fkey FOREIGN KEY (space_id) REFERENCES public.spaces(id);


--
-- Name: invoice_lines invoice_lines_charge_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_lines
    ADD CONSTRAINT invoice_lines_charge_id_fkey FOREIGN KEY (charge_id) REFERENCES public.charges(id);


--
-- Name: invoice_lines invoice_lines_invoice_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_lines
    ADD CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES public.invoices(id);


--
-- Name: invoices invoices_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);


--
-- Name: invoices invoices_credit_of_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_credit_of_fkey FOREIGN KEY (credit_of) REFERENCES public.invoices(id);


--
-- Name: invoices invoices_space_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_space_id_fkey FOREIGN KEY (space_id) REFERENCES public.spaces(id);


--
-- Name: invoices invoices_startup_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_startup_id_fkey FOREIGN KEY (startup_id) REFERENCES public.startups(id);


--
-- Name: members members_institution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_institution_id_fkey FOREIGN KEY (institution_id) REFERENCES public.institutions(id);


--
-- Name: members members_space_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_space_id_fkey FOREIGN KEY (space_id) REFERENCES public.spaces(id);


--
-- Name: members members_startup_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_startup_id_fkey FOREIGN KEY (startup_id) REFERENCES public.startups(id);


--
-- Name: opening_hours opening_hours_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opening_hours
    ADD CONSTRAINT opening_hours_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: qualifications qualifications_granted_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications
    ADD CONSTRAINT qualifications_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES public.members(id);


--
-- Name: qualifications qualifications_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications
    ADD CONSTRAINT qualifications_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: qualifications qualifications_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications
    ADD CONSTRAINT qualifications_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: qualifications qualifications_revoked_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qualifications
    ADD CONSTRAINT qualifications_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES public.members(id);


--
-- Name: rate_cards rate_cards_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_cards
    ADD CONSTRAINT rate_cards_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);


--
-- Name: rate_cards rate_cards_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_cards
    ADD CONSTRAINT rate_cards_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: resource_requires resource_requires_required_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_requires
    ADD CONSTRAINT resource_requires_required_id_fkey FOREIGN KEY (required_id) REFERENCES public.resources(id);


--
-- Name: resource_requires resource_requires_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_requires
    ADD CONSTRAINT resource_requires_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: resource_units resource_units_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_units
    ADD CONSTRAINT resource_units_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: resources resources_institution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_institution_id_fkey FOREIGN KEY (institution_id) REFERENCES public.institutions(id);


--
-- Name: startups startups_space_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.startups
    ADD CONSTRAINT startups_space_id_fkey FOREIGN KEY (space_id) REFERENCES public.spaces(id);


--
-- Name: terms_acceptances terms_acceptances_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.terms_acceptances
    ADD CONSTRAINT terms_acceptances_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: terms_acceptances terms_acceptances_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.terms_acceptances
    ADD CONSTRAINT terms_acceptances_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: tokens tokens_issued_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES public.members(id);


--
-- Name: tokens tokens_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: voucher_redemptions voucher_redemptions_invoice_line_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.voucher_redemptions
    ADD CONSTRAINT voucher_redemptions_invoice_line_id_fkey FOREIGN KEY (invoice_line_id) REFERENCES public.invoice_lines(id);


--
-- Name: voucher_redemptions voucher_redemptions_voucher_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.voucher_redemptions
    ADD CONSTRAINT voucher_redemptions_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES public.vouchers(id);


--
-- Name: vouchers vouchers_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);


--
-- Name: vouchers vouchers_startup_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_startup_id_fkey FOREIGN KEY (startup_id) REFERENCES public.startups(id);


--
-- Name: waitlist waitlist_booking_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist
    ADD CONSTRAINT waitlist_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES public.bookings(id);


--
-- Name: waitlist waitlist_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist
    ADD CONSTRAINT waitlist_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);


--
-- Name: waitlist waitlist_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist
    ADD CONSTRAINT waitlist_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES public.resources(id);


--
-- Name: waitlist waitlist_withdrawn_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist
    ADD CONSTRAINT waitlist_withdrawn_by_fkey FOREIGN KEY (withdrawn_by) REFERENCES public.members(id);


--
-- PostgreSQL database dump complete
--


