-- ------------------------------------------------------------------ errors
-- Functions raise SQLSTATEs of class RB; rigbookd maps them to wire codes
-- and passes MESSAGE through to the user (COLUMN names the request field):
--   RB400 INVALID_ARGUMENT   RB403 PERMISSION_DENIED   RB404 NOT_FOUND
--   RB409 CONFLICT (DETAIL: "<booking id> <start epoch> <end epoch>")
--   RB412 FAILED_PRECONDITION
-- A refusal that carries a stable reason puts it in HINT as JSON:
--   {"reason": "rule_min_notice", "args": {"resource": "dyno-1", ...}}

-- Raise a refusal: the SQLSTATE, the stable reason and its arguments, the
-- request field at fault, the English message, and DETAIL where the wire
-- has a use for it (a CONFLICT's window).
CREATE OR REPLACE FUNCTION rb_refuse(p_code text, p_reason text, p_field text, p_message text,
                                     p_args jsonb DEFAULT '{}', p_detail text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  hint text := jsonb_build_object('reason', p_reason, 'args', coalesce(p_args, '{}'))::text;
BEGIN
  IF p_detail IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = p_code, COLUMN = coalesce(p_field, ''), MESSAGE = p_message,
      HINT = hint;
  END IF;
  RAISE EXCEPTION USING ERRCODE = p_code, COLUMN = coalesce(p_field, ''), MESSAGE = p_message,
    DETAIL = p_detail, HINT = hint;
END $$;

CREATE OR REPLACE FUNCTION rb_epoch(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT floor(extract(epoch FROM t))::bigint $$;

CREATE OR REPLACE FUNCTION rb_from_epoch(s bigint) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT 'epoch'::timestamptz + s * interval '1 second' $$;

-- "10:00-12:00 on 2026-12-03" in the resource's zone.
CREATE OR REPLACE FUNCTION rb_window_text(w tstzrange, tz text) RETURNS text
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

-- Look up or claim an idempotency key.  Returns the stored result id when the
-- key was used before for the same request, NULL when the caller should act
-- (the key row is then inserted by rb_idem_store in the same transaction).
-- A concurrent first use of the same key waits on the unique index.
CREATE OR REPLACE FUNCTION rb_idem_lookup(p_member bigint, p_key text, p_op text, p_fp text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  k idempotency_keys;
  done text;
BEGIN
  IF p_key IS NULL OR p_key = '' THEN
    RETURN NULL;
  END IF;
  -- Serialise uses of one key so that two retries racing each other see one
  -- first result.  (Assigned, not PERFORMed, here and on the booking's
  -- other steps: PERFORM runs a query through the executor, an assignment
  -- without tables is evaluated as a plain expression.)
  done := pg_advisory_xact_lock(hashtextextended('idem:' || p_member || ':' || p_key, 0));
  SELECT * INTO k FROM idempotency_keys WHERE member_id = p_member AND key = p_key;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF k.operation <> p_op OR k.fingerprint <> p_fp THEN
    PERFORM rb_refuse('RB400', 'idempotency_key_reused', 'idempotency_key',
                      format('idempotency key %L was already used for a different request', p_key),
                      jsonb_build_object('key', p_key));
  END IF;
  RETURN k.result_id;
END $$;

-- plpgsql, not sql, here and in rb_audit: every mutation calls them, and a
-- LANGUAGE sql function that cannot be inlined (an INSERT) is parsed and
-- planned on every call, where plpgsql keeps the plan for the session.
CREATE OR REPLACE FUNCTION rb_idem_store(p_member bigint, p_key text, p_op text, p_fp text, p_result bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_key IS NOT NULL AND p_key <> '' THEN
    INSERT INTO idempotency_keys (member_id, key, operation, fingerprint, result_id)
    VALUES (p_member, p_key, p_op, p_fp, p_result);
  END IF;
END $$;

-- ------------------------------------------------------------------ helpers

-- "8 h", "90 min" -> "1 h 30 min", "3 d"
CREATE OR REPLACE FUNCTION rb_minutes_text(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN n % 1440 = 0 AND n >= 2880 THEN (n / 1440) || ' d'
    WHEN n % 60 = 0 AND n >= 60 THEN (n / 60) || ' h'
    WHEN n > 60 THEN (n / 60) || ' h ' || (n % 60) || ' min'
    ELSE n || ' min'
  END
$$;

-- One entry of the audit log.  Its scope (the resource, institution and
-- space it concerns) is what the caller passes, or what audit_scope finds
-- from the object when the caller passes none.
CREATE OR REPLACE FUNCTION rb_audit(p_member bigint, p_action text, p_object text, p_id bigint,
                         p_peer text, p_detail jsonb, p_resource bigint DEFAULT NULL,
                         p_institution bigint DEFAULT NULL, p_space bigint DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit (member_id, action, object, object_id, peer, detail, resource_id,
                     institution_id, space_id)
  VALUES (p_member, p_action, p_object, p_id, coalesce(p_peer, ''), coalesce(p_detail, '{}'),
          p_resource, p_institution, p_space);
END $$;

-- ------------------------------------------------------------------ managing

CREATE OR REPLACE FUNCTION rb_tz_ok(tz text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rb_valid_tz(tz) THEN
    PERFORM rb_refuse('RB400', 'invalid_time_zone', 'time_zone',
                      format('%s is not an IANA time zone (like Asia/Shanghai)', tz),
                      jsonb_build_object('time_zone', tz));
  END IF;
END $$;

-- "14:05 on 2026-12-03" in the resource's zone.
CREATE OR REPLACE FUNCTION rb_at_text(t timestamptz, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE tz, 'HH24:MI "on" YYYY-MM-DD') || ' (' || tz || ')'
$$;

CREATE OR REPLACE FUNCTION rb_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rb_refuse('RB412', 'ledger_append_only', NULL,
                    format('%s is append-only: a charge never changes; correct it with a credit note (rigbook invoice credit)',
                           TG_TABLE_NAME),
                    jsonb_build_object('table', TG_TABLE_NAME::text));
  RETURN NULL;
END $$;

-- The audit log is append-only: a record of who did what is never changed
-- or taken back.
CREATE OR REPLACE FUNCTION rb_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rb_refuse('RB412', 'audit_append_only', NULL,
                    'the audit log is append-only: its entries are never changed or removed',
                    '{}'::jsonb);
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION rb_audit_append_only();

-- A member is disabled, never deleted: the audit log and idempotency keys
-- name members without foreign keys (each check would be a query with a row
-- lock on every audited change), so no member they name may go.
CREATE OR REPLACE FUNCTION rb_member_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rb_refuse('RB412', 'member_kept', NULL,
                    format('member %s cannot be deleted, only disabled: the audit log names them',
                           OLD.handle),
                    jsonb_build_object('member', OLD.handle::text));
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER members_kept BEFORE DELETE ON members
  FOR EACH ROW EXECUTE FUNCTION rb_member_kept();

-- Every audit row, however it is written, carries the resource, institution
-- and space it is about, which rb_audit_log() checks its readers against.
CREATE OR REPLACE FUNCTION rb_audit_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- One lookup for the kind of object: the resource's scope with it.
  IF NEW.resource_id IS NULL AND NEW.object = 'booking' THEN
    SELECT b.resource_id, r.institution_id, i.space_id
      INTO NEW.resource_id, NEW.institution_id, NEW.space_id
      FROM bookings b, resources r, institutions i
     WHERE b.id = NEW.object_id AND r.id = b.resource_id AND i.id = r.institution_id;
    RETURN NEW;
  END IF;
  IF NEW.resource_id IS NULL THEN
    NEW.resource_id := CASE NEW.object
      WHEN 'series' THEN (SELECT s.resource_id FROM booking_series s WHERE s.id = NEW.object_id)
      WHEN 'resource' THEN NEW.object_id
      WHEN 'qualification' THEN (SELECT q.resource_id FROM qualifications q WHERE q.id = NEW.object_id)
      WHEN 'rate_card' THEN (SELECT c.resource_id FROM rate_cards c WHERE c.id = NEW.object_id)
    END;
  END IF;
  IF NEW.resource_id IS NOT NULL THEN
    SELECT r.institution_id, i.space_id INTO NEW.institution_id, NEW.space_id
      FROM resources r, institutions i WHERE r.id = NEW.resource_id AND i.id = r.institution_id;
  ELSIF NEW.space_id IS NULL THEN
    NEW.space_id := CASE NEW.object
      WHEN 'space' THEN NEW.object_id
      WHEN 'startup' THEN (SELECT s.space_id FROM startups s WHERE s.id = NEW.object_id)
      WHEN 'voucher' THEN (SELECT s.space_id FROM vouchers v JOIN startups s ON s.id = v.startup_id
                            WHERE v.id = NEW.object_id)
      WHEN 'invoice' THEN (SELECT v.space_id FROM invoices v WHERE v.id = NEW.object_id)
      WHEN 'member' THEN (SELECT m.space_id FROM members m WHERE m.id = NEW.object_id)
      WHEN 'token' THEN (SELECT m.space_id FROM tokens t JOIN members m ON m.id = t.member_id
                          WHERE t.id = NEW.object_id)
      WHEN 'client_cert' THEN (SELECT m.space_id FROM client_certs c JOIN members m ON m.id = c.member_id
                                WHERE c.id = NEW.object_id)
    END;
  END IF;
  RETURN NEW;
END $$;

-- Only for entries whose scope the caller did not pass (the WHEN clause is
-- evaluated without calling the function).
CREATE OR REPLACE TRIGGER audit_scope BEFORE INSERT ON audit
  FOR EACH ROW WHEN (NEW.space_id IS NULL) EXECUTE FUNCTION rb_audit_scope();

-- The audit log as p_member may read it, newest first: admins everything,
-- operators their space's entries, managers their institution's resources';
-- members are refused.  Filters by time, member, resource and action; pages
-- by id (p_before: entries older than that id).
CREATE OR REPLACE FUNCTION rb_audit_log(p_member bigint, p_since bigint, p_until bigint,
                                        p_handle text, p_code text, p_action text,
                                        p_before bigint, p_limit int)
RETURNS TABLE (id bigint, at bigint, member_handle text, action text, object text,
               object_id bigint, peer text, detail text, resource_code text, space_code text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  m members := rb_member(p_member);
  v_who bigint;
  v_res bigint;
  v_space bigint;
  v_inst bigint;
  v_limit int := least(greatest(coalesce(p_limit, 100), 1), 1000);
BEGIN
  IF m.role = 'member' THEN
    PERFORM rb_refuse('RB403', 'not_staff', NULL,
                      'the audit log is for managers of the host institutions, operators of the space and admins',
                      jsonb_build_object('action', 'audit'));
  END IF;
  IF coalesce(p_handle, '') <> '' THEN
    SELECT x.id INTO v_who FROM members x WHERE x.handle = p_handle;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'member_not_found', 'member_handle',
                        format('no member is called %s', p_handle), jsonb_build_object('member', p_handle));
    END IF;
  END IF;
  IF coalesce(p_code, '') <> '' THEN
    SELECT x.id INTO v_res FROM resources x WHERE x.code = p_code;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'resource_not_found', 'resource_code',
                        format('no resource is called %s', p_code), jsonb_build_object('resource', p_code));
    END IF;
  END IF;
  -- one query per scope, so that a space's entries come from its index
  IF m.role = 'admin' THEN
    RETURN QUERY
  SELECT a.id, rb_epoch(a.at), coalesce(w.handle::text, ''), a.action, a.object,
         coalesce(a.object_id, 0), a.peer, a.detail::text, coalesce(r.code::text, ''),
         coalesce(sp.code::text, '')
    FROM audit a
    LEFT JOIN members w ON w.id = a.member_id
    LEFT JOIN resources r ON r.id = a.resource_id
    LEFT JOIN spaces sp ON sp.id = a.space_id
   WHERE (p_before IS NULL OR a.id < p_before)
     AND (p_since IS NULL OR a.at >= rb_from_epoch(p_since))
     AND (p_until IS NULL OR a.at < rb_from_epoch(p_until))
     AND (v_who IS NULL OR a.member_id = v_who)
     AND (v_res IS NULL OR a.resource_id = v_res)
     AND (coalesce(p_action, '') = '' OR a.action = p_action)
   ORDER BY a.id DESC
   LIMIT v_limit;
  ELSE
    IF m.role = 'operator' THEN
      v_space := m.space_id;
    ELSE
      v_inst := m.institution_id;
      SELECT i.space_id INTO v_space FROM institutions i WHERE i.id = v_inst;
    END IF;
    RETURN QUERY
  SELECT a.id, rb_epoch(a.at), coalesce(w.handle::text, ''), a.action, a.object,
         coalesce(a.object_id, 0), a.peer, a.detail::text, coalesce(r.code::text, ''),
         coalesce(sp.code::text, '')
    FROM audit a
    LEFT JOIN members w ON w.id = a.member_id
    LEFT JOIN resources r ON r.id = a.resource_id
    LEFT JOIN spaces sp ON sp.id = a.space_id
   WHERE a.space_id = v_space AND (v_inst IS NULL OR a.institution_id = v_inst)
     AND (p_before IS NULL OR a.id < p_before)
     AND (p_since IS NULL OR a.at >= rb_from_epoch(p_since))
     AND (p_until IS NULL OR a.at < rb_from_epoch(p_until))
     AND (v_who IS NULL OR a.member_id = v_who)
     AND (v_res IS NULL OR a.resource_id = v_res)
     AND (coalesce(p_action, '') = '' OR a.action = p_action)
   ORDER BY a.id DESC
   LIMIT v_limit;
  END IF;
END $$;

-- p% of an amount, half a fen up.
CREATE OR REPLACE FUNCTION rb_pct(p_amount bigint, p_pct int) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT (p_amount * p_pct + 50) / 100 $$;

-- Minutes as "1h45".
CREATE OR REPLACE FUNCTION rb_hm(p_minutes bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_minutes / 60) || 'h' || lpad((p_minutes % 60)::text, 2, '0')
$$;

-- ------------------------------------------------------------------ helpers

-- "2026-11" as the first day of that month, or an error naming the field.
CREATE OR REPLACE FUNCTION rb_period(p text, p_field text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p IS NULL OR p !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
    PERFORM rb_refuse('RB400', 'invalid_month', p_field,
                      format('%s is not a month; give it as YYYY-MM, like 2026-11', coalesce(p, 'nothing')),
                      jsonb_build_object('value', p));
  END IF;
  RETURN to_date(p || '-01', 'YYYY-MM-DD');
END $$;

-- A date as typed ("2026-11-01"), or an error naming the field.
CREATE OR REPLACE FUNCTION rb_date_arg(p text, p_field text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p IS NULL OR p !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    PERFORM rb_refuse('RB400', 'invalid_date', p_field,
                      format('%s is not a date; give it as YYYY-MM-DD', coalesce(p, 'nothing')),
                      jsonb_build_object('value', p));
  END IF;
  RETURN p::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
  PERFORM rb_refuse('RB400', 'date_not_in_calendar', p_field,
                    format('%s is not a date of the calendar', p),
                    jsonb_build_object('value', p));
END $$;

