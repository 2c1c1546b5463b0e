-- People and access: staff and member lookups, startups, members, tokens
-- and sign-in (rb_auth).

-- Staff for a resource: a manager of its institution, an operator of its
-- space, an admin.
CREATE OR REPLACE FUNCTION rb_is_staff(m members, p_institution bigint, p_space bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT m.role = 'admin'
      OR (m.role = 'operator' AND m.space_id = p_space)
      OR (m.role = 'manager' AND m.institution_id = p_institution)
$$;

CREATE OR REPLACE FUNCTION rb_member(p_member bigint) RETURNS members
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members;
BEGIN
  SELECT * INTO m FROM members WHERE id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB403', 'account_disabled', NULL, 'your account is disabled',
                      (SELECT jsonb_build_object('member', x.handle::text, 'at', rb_epoch(x.disabled_at))
                         FROM members x WHERE x.id = p_member));
  END IF;
  RETURN m;
END $$;

-- The institution's name for messages.
CREATE OR REPLACE FUNCTION rb_institution_name(p_resource bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT i.name FROM resources r JOIN institutions i ON i.id = r.institution_id WHERE r.id = p_resource
$$;

-- ------------------------------------------------------------------ views

-- The space a member belongs to: their own, or their startup's, or their
-- institution's.  NULL for an admin of the whole deployment.
CREATE OR REPLACE FUNCTION rb_member_space(m members) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT coalesce(m.space_id,
                  (SELECT s.space_id FROM startups s WHERE s.id = m.startup_id),
                  (SELECT i.space_id FROM institutions i WHERE i.id = m.institution_id))
$$;

CREATE OR REPLACE VIEW startup_view AS
SELECT s.id, s.code::text AS code, s.name, sp.code::text AS space_code, s.legal_name,
       s.credit_code, s.address, rb_epoch(s.created_at) AS created_epoch,
       (SELECT count(*) FROM members m WHERE m.startup_id = s.id AND m.disabled_at IS NULL)::int
         AS active_members,
       s.space_id
FROM startups s JOIN spaces sp ON sp.id = s.space_id;

CREATE OR REPLACE VIEW member_view AS
SELECT m.id, m.handle::text AS handle, m.name, m.email, m.role::text AS role,
       coalesce(s.code::text, '') AS startup_code, coalesce(i.code::text, '') AS institution_code,
       coalesce(sp.code::text, '') AS space_code, coalesce(rb_epoch(m.disabled_at), 0) AS disabled_epoch,
       rb_epoch(m.created_at) AS created_epoch,
       (SELECT count(*) FROM tokens t WHERE t.member_id = m.id AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now()))::int AS live_tokens,
       m.startup_id, sp.id AS space_id
FROM members m
LEFT JOIN startups s ON s.id = m.startup_id
LEFT JOIN institutions i ON i.id = m.institution_id
LEFT JOIN spaces sp ON sp.id = rb_member_space(m);

-- Never the hash.
CREATE OR REPLACE VIEW token_view AS
SELECT t.id, m.handle::text AS member_handle, t.label, rb_epoch(t.created_at) AS created_epoch,
       coalesce(rb_epoch(t.expires_at), 0) AS expires_epoch,
       coalesce(rb_epoch(t.revoked_at), 0) AS revoked_epoch,
       coalesce(ib.handle::text, '') AS issued_by, coalesce(rb_epoch(t.last_used_at), 0) AS last_used_epoch,
       t.member_id
FROM tokens t
JOIN members m ON m.id = t.member_id
LEFT JOIN members ib ON ib.id = t.issued_by;

-- VOLATILE, like rb_booking_wire: read in the statement that made the
-- change, they see it.
CREATE OR REPLACE FUNCTION rb_startup_wire(p_id bigint) RETURNS SETOF startup_view
LANGUAGE sql VOLATILE AS $$ SELECT * FROM startup_view WHERE id = p_id $$;

CREATE OR REPLACE FUNCTION rb_member_wire(p_id bigint) RETURNS SETOF member_view
LANGUAGE sql VOLATILE AS $$ SELECT * FROM member_view WHERE id = p_id $$;

CREATE OR REPLACE FUNCTION rb_token_wire(p_id bigint) RETURNS SETOF token_view
LANGUAGE sql VOLATILE AS $$ SELECT * FROM token_view WHERE id = p_id $$;

-- ------------------------------------------------------------------ rules

-- The member acting, who must not be disabled.
CREATE OR REPLACE FUNCTION rb_people_actor(p_member bigint) RETURNS members
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m members;
BEGIN
  SELECT * INTO m FROM members WHERE members.id = p_member AND disabled_at IS NULL;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB403', 'account_disabled', NULL, 'your account is disabled',
                      (SELECT jsonb_build_object('member', x.handle::text, 'at', rb_epoch(x.disabled_at))
                         FROM members x WHERE x.id = p_member));
  END IF;
  RETURN m;
END $$;

-- Who adds and changes startups and members: admins anywhere, operators in
-- their own space.  p_object ('startup' or 'member') and p_name (its code
-- or handle) name the thing for the refusal.
CREATE OR REPLACE FUNCTION rb_may_manage_people(a members, p_space bigint, p_object text, p_name text,
                                                field text)
RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
  own bigint;
  what text := p_object || ' ' || p_name;
BEGIN
  IF a.role = 'admin' THEN
    RETURN;
  END IF;
  IF a.role <> 'operator' THEN
    PERFORM rb_refuse('RB403', 'not_operator', field,
                      format('only operators of the space and admins manage startups and members; a %s cannot change %s',
                             a.role, what),
                      jsonb_build_object('action', 'manage_people', 'role', a.role, 'object', p_object,
                                         'name', p_name));
  END IF;
  own := rb_member_space(a);
  IF own IS DISTINCT FROM p_space THEN
    PERFORM rb_refuse('RB403', 'wrong_space', field,
                      format('%s belongs to space %s; operators manage the startups and members of their own space (%s) only',
                             what, coalesce((SELECT code FROM spaces WHERE id = p_space), 'none'),
                             coalesce((SELECT code FROM spaces WHERE id = own), 'none')),
                      jsonb_build_object('object', p_object, 'name', p_name,
                                         'space', (SELECT code::text FROM spaces WHERE id = p_space),
                                         'own_space', (SELECT code::text FROM spaces WHERE id = own)));
  END IF;
END $$;

-- Whether a may see member t at all: themselves, the members of their
-- startup; managers and operators the members of their space; admins all.
-- To anyone else a handle answers as one that does not exist.
CREATE OR REPLACE FUNCTION rb_may_see_member(a members, t members) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT a.id = t.id OR a.role = 'admin'
      OR (a.startup_id IS NOT NULL AND a.startup_id IS NOT DISTINCT FROM t.startup_id)
      OR (a.role IN ('operator', 'manager') AND rb_member_space(a) IS NOT NULL
          AND rb_member_space(a) IS NOT DISTINCT FROM rb_member_space(t))
$$;

-- Who handles the tokens of member t: t themselves, operators of t's space, admins.
CREATE OR REPLACE FUNCTION rb_may_handle_tokens_of(a members, t members)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT a.id = t.id OR a.role = 'admin'
      OR (a.role = 'operator' AND rb_member_space(a) IS NOT NULL
          AND rb_member_space(a) IS NOT DISTINCT FROM rb_member_space(t) AND t.role <> 'admin')
$$;

CREATE OR REPLACE FUNCTION rb_may_handle_tokens(a members, t members, field text)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF rb_may_handle_tokens_of(a, t) THEN
    RETURN;
  END IF;
  PERFORM rb_refuse('RB403', 'tokens_not_yours', field,
                    format('the tokens of %s are handled by %s, an operator of their space or an admin; not by you',
                           t.handle, t.handle),
                    jsonb_build_object('member', t.handle::text));
END $$;

CREATE OR REPLACE FUNCTION rb_space_of(p_code text, field text) RETURNS spaces
LANGUAGE plpgsql STABLE AS $$
DECLARE
  sp spaces;
BEGIN
  SELECT * INTO sp FROM spaces WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse('RB404', 'space_not_found', field, format('no space is called %s', p_code),
                      jsonb_build_object('space', p_code));
  END IF;
  RETURN sp;
END $$;

-- What is wrong with a unified social credit code, as the arguments of its
-- refusal: the check of rb_uscc_problem (migrations/0001) step by step,
-- 'problem' naming the step ('length', 'character', 'division', 'check').
CREATE OR REPLACE FUNCTION rb_uscc_args(code text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  cs constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
  w constant int[] := ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  total int := 0;
  want text;
BEGIN
  IF code IS NULL THEN
    RETURN '{}';
  END IF;
  IF length(code) <> 18 THEN
    RETURN jsonb_build_object('problem', 'length', 'length', length(code));
  END IF;
  FOR i IN 1..18 LOOP
    IF strpos(cs, substr(code, i, 1)) = 0 THEN
      RETURN jsonb_build_object('problem', 'character', 'position', i, 'character', substr(code, i, 1));
    END IF;
  END LOOP;
  IF substr(code, 3, 6) !~ '^[0-9]{6}$' THEN
    RETURN jsonb_build_object('problem', 'division', 'division', substr(code, 3, 6));
  END IF;
  FOR i IN 1..17 LOOP
    total := total + (strpos(cs, substr(code, i, 1)) - 1) * w[i];
  END LOOP;
  want := substr(cs, (31 - total % 31) % 31 + 1, 1);
  RETURN jsonb_build_object('problem', 'check', 'want', want, 'got', substr(code, 18, 1));
END $$;

-- Text checks shared by the functions below.
CREATE OR REPLACE FUNCTION rb_people_text(v text, max int, what text, field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v IS NULL THEN
    RETURN NULL;
  END IF;
  v := btrim(v);
  IF length(v) > max THEN
    PERFORM rb_refuse('RB400', 'text_too_long', field, format('%s is at most %s characters', what, max),
                      jsonb_build_object('limit', max));
  END IF;
  RETURN v;
END $$;

CREATE OR REPLACE FUNCTION rb_people_code(v text, what text, field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v IS NULL OR v !~ '^[a-z0-9][a-z0-9-]{0,39}$' THEN
    PERFORM rb_refuse('RB400', 'invalid_code', field,
                      format('%s %s is not valid: 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit',
                             what, coalesce(v, '')),
                      jsonb_build_object('value', v, 'what', replace(what, ' ', '_')));
  END IF;
  RETURN v;
END $$;

-- ------------------------------------------------------------------ startups

-- Add a startup (p_create) or change one.  NULL or '' leaves a field as it
-- is on a change.  Returns the startup's id.
CREATE OR REPLACE FUNCTION rb_put_startup(p_member bigint, p_code text, p_name text, p_space text,
                               p_legal_name text, p_credit_code text, p_address text,
                               p_create boolean, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
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
      PERFORM rb_refuse('RB400', 'invalid_credit_code', 'credit_code', problem,
                        jsonb_build_object('credit_code', uscc) || rb_uscc_args(uscc));
    END IF;
  END IF;

  IF p_create THEN
    IF coalesce(p_space, '') <> '' THEN
      sp := rb_space_of(p_space, 'space_code');
    ELSIF a.role = 'admin' THEN
      PERFORM rb_refuse('RB400', 'space_required', 'space_code',
                        format('say which space startup %s joins', p_code),
                        jsonb_build_object('startup', p_code, 'object', 'startup'));
    ELSE
      SELECT * INTO sp FROM spaces WHERE id = rb_member_space(a);
    END IF;
    PERFORM rb_may_manage_people(a, sp.id, 'startup', p_code, 'space_code');
    IF v_name IS NULL OR v_name = '' THEN
      PERFORM rb_refuse('RB400', 'name_required', 'name',
                        format('a new startup needs a name (%s)', p_code),
                        jsonb_build_object('startup', p_code, 'object', 'startup'));
    END IF;
    IF EXISTS (SELECT 1 FROM startups WHERE code = p_code) THEN
      PERFORM rb_refuse('RB409', 'startup_exists', 'code',
                        format('a startup called %s already exists; startup codes are unique', p_code),
                        jsonb_build_object('startup', p_code));
    END IF;
    BEGIN
      INSERT INTO startups (space_id, code, name, legal_name, credit_code, address)
      VALUES (sp.id, p_code, v_name, coalesce(v_legal, ''), uscc, coalesce(v_addr, ''))
      RETURNING id INTO new_id;
    EXCEPTION WHEN unique_violation THEN
      PERFORM rb_refuse('RB409', 'startup_exists', 'code',
                        format('a startup called %s already exists; startup codes are unique', p_code),
                        jsonb_build_object('startup', p_code));
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
    PERFORM rb_refuse('RB404', 'startup_not_found', 'code', format('no startup is called %s', p_code),
                      jsonb_build_object('startup', p_code));
  END IF;
  PERFORM rb_may_manage_people(a, s.space_id, 'startup', p_code, 'code');
  IF coalesce(p_space, '') <> '' AND p_space <> (SELECT code FROM spaces WHERE id = s.space_id) THEN
    PERFORM rb_refuse('RB400', 'startup_space_fixed', 'space_code',
                      format('startup %s stays in its space; a startup does not move between spaces', p_code),
                      jsonb_build_object('startup', p_code));
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

-- The startups a member may see: admins all; operators and managers their
-- space's; members their own.  With a code: that one, or a refusal.
CREATE OR REPLACE FUNCTION rb_startups(p_member bigint, p_code text)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $$
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
  -- one that the caller may not see is answered as one that does not exist
  IF NOT FOUND OR NOT rb_may_see_startup(a, s) THEN
    PERFORM rb_refuse_no_startup(p_code, 'code');
  END IF;
  RETURN NEXT s.id;
END $$;

-- ------------------------------------------------------------------ members

CREATE OR REPLACE FUNCTION rb_add_member(p_member bigint, p_handle text, p_name text, p_email text,
                              p_role text, p_startup text, p_institution text, p_space text,
                              p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
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
    PERFORM rb_refuse('RB400', 'invalid_role', 'role',
                      format('role %s cannot be given here; possibilities are: member, manager, operator', coalesce(p_role, '')),
                      jsonb_build_object('role', p_role));
  END IF;
  IF v_name IS NULL OR v_name = '' THEN
    PERFORM rb_refuse('RB400', 'name_required', 'name', format('a new member needs a name (%s)', p_handle),
                      jsonb_build_object('member', p_handle, 'object', 'member'));
  END IF;
  IF v_email <> '' AND v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' THEN
    PERFORM rb_refuse('RB400', 'invalid_email', 'email', format('%s is not an email address', v_email),
                      jsonb_build_object('email', v_email));
  END IF;
  IF coalesce(p_startup, '') <> '' THEN
    SELECT * INTO s FROM startups WHERE code = p_startup;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'startup_not_found', 'startup_code',
                        format('no startup is called %s', p_startup),
                        jsonb_build_object('startup', p_startup));
    END IF;
    sp_id := s.space_id;
  ELSIF p_role = 'member' THEN
    PERFORM rb_refuse('RB400', 'startup_required', 'startup_code',
                      format('member %s needs a startup: members book for one', p_handle),
                      jsonb_build_object('member', p_handle));
  END IF;
  IF coalesce(p_institution, '') <> '' THEN
    SELECT * INTO i FROM institutions WHERE code = p_institution;
    IF NOT FOUND THEN
      PERFORM rb_refuse('RB404', 'institution_not_found', 'institution_code',
                        format('no institution is called %s', p_institution),
                        jsonb_build_object('institution', p_institution));
    END IF;
    IF sp_id IS NOT NULL AND sp_id <> i.space_id THEN
      PERFORM rb_refuse('RB400', 'different_spaces', 'institution_code',
                        format('startup %s and institution %s are in different spaces', s.code, i.code),
                        jsonb_build_object('startup', s.code::text, 'institution', i.code::text,
                                           'which', 'startup_institution'));
    END IF;
    sp_id := i.space_id;
  ELSIF p_role = 'manager' THEN
    PERFORM rb_refuse('RB400', 'institution_required', 'institution_code',
                      format('manager %s needs an institution: managers look after its resources', p_handle),
                      jsonb_build_object('member', p_handle));
  END IF;
  IF coalesce(p_space, '') <> '' THEN
    IF sp_id IS NOT NULL AND sp_id <> (rb_space_of(p_space, 'space_code')).id THEN
      PERFORM rb_refuse('RB400', 'different_spaces', 'space_code',
                        format('%s is in another space than %s', coalesce(s.code, i.code), p_space),
                        jsonb_build_object('startup', s.code::text, 'institution', i.code::text,
                                           'space', p_space,
                                           'which', CASE WHEN s.code IS NOT NULL THEN 'startup_space'
                                                         ELSE 'institution_space' END));
    END IF;
    sp_id := (rb_space_of(p_space, 'space_code')).id;
  END IF;
  IF sp_id IS NULL THEN
    IF a.role = 'admin' THEN
      PERFORM rb_refuse('RB400', 'space_required', 'space_code',
                        format('say which space %s works in', p_handle),
                        jsonb_build_object('member', p_handle));
    END IF;
    sp_id := rb_member_space(a);
  END IF;
  PERFORM rb_may_manage_people(a, sp_id, 'member', p_handle, 'handle');

  IF EXISTS (SELECT 1 FROM members WHERE handle = p_handle) THEN
    PERFORM rb_refuse('RB409', 'member_exists', 'handle',
                      format('a member called %s already exists; handles are unique', p_handle),
                      jsonb_build_object('member', p_handle));
  END IF;
  BEGIN
    INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id)
    VALUES (p_handle, v_name, v_email, p_role::member_role, sp_id, s.id, i.id)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM rb_refuse('RB409', 'member_exists', 'handle',
                      format('a member called %s already exists; handles are unique', p_handle),
                      jsonb_build_object('member', p_handle));
  END;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'member_add', 'member', new_id, coalesce(p_peer, ''),
          jsonb_build_object('handle', p_handle, 'role', p_role, 'startup', coalesce(s.code::text, ''),
                             'institution', coalesce(i.code::text, ''),
                             'space', (SELECT code FROM spaces WHERE id = sp_id)));
  RETURN new_id;
END $$;

-- The members a member may see: admins all; operators and managers their
-- space's; members their own startup's.  p_startup narrows to one startup.
CREATE OR REPLACE FUNCTION rb_members(p_member bigint, p_startup text)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $$
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

CREATE OR REPLACE FUNCTION rb_disable_member(p_member bigint, p_handle text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members;
BEGIN
  SELECT * INTO t FROM members WHERE handle = p_handle FOR UPDATE;
  IF NOT FOUND OR NOT rb_may_see_member(a, t) THEN
    PERFORM rb_refuse('RB404', 'member_not_found', 'handle', format('no member is called %s', p_handle),
                      jsonb_build_object('member', p_handle));
  END IF;
  IF t.role = 'admin' AND a.role <> 'admin' THEN
    PERFORM rb_refuse('RB403', 'not_admin', 'handle',
                      format('%s is an admin; only admins disable admins', p_handle),
                      jsonb_build_object('member', p_handle, 'action', 'disable'));
  END IF;
  PERFORM rb_may_manage_people(a, rb_member_space(t), 'member', p_handle, 'handle');
  IF t.id = a.id THEN
    PERFORM rb_refuse('RB412', 'disable_self', 'handle',
                      'you cannot disable yourself; ask another operator or an admin');
  END IF;
  IF t.disabled_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'member_already_disabled', 'handle',
                      format('%s is already disabled (since %s UTC)', p_handle,
                             to_char(t.disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')),
                      jsonb_build_object('member', p_handle, 'at', rb_epoch(t.disabled_at)));
  END IF;
  UPDATE members SET disabled_at = now() WHERE id = t.id;
  -- every daemon ends the member's sessions at commit
  PERFORM rb_emit_access_ended(t.id, NULL);
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'member_disable', 'member', t.id, coalesce(p_peer, ''),
          jsonb_build_object('handle', p_handle));
  RETURN t.id;
END $$;

-- ------------------------------------------------------------------ tokens

-- Record a token the daemon made: only its SHA-256 arrives here.
CREATE OR REPLACE FUNCTION rb_issue_token(p_member bigint, p_handle text, p_hash bytea, p_expires bigint,
                               p_label text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members;
  v_label text := rb_people_text(coalesce(p_label, ''), 200, 'a token''s label', 'label');
  new_id bigint;
BEGIN
  -- FOR SHARE: a member being disabled gets no token behind its back.
  SELECT * INTO t FROM members WHERE handle = p_handle FOR SHARE;
  IF NOT FOUND OR NOT rb_may_see_member(a, t) THEN
    PERFORM rb_refuse('RB404', 'member_not_found', 'member_handle',
                      format('no member is called %s', p_handle),
                      jsonb_build_object('member', p_handle));
  END IF;
  PERFORM rb_may_handle_tokens(a, t, 'member_handle');
  IF t.disabled_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'member_disabled', 'member_handle',
                      format('%s is disabled and gets no tokens', p_handle),
                      jsonb_build_object('member', p_handle, 'at', rb_epoch(t.disabled_at)));
  END IF;
  IF p_expires IS NOT NULL AND rb_from_epoch(p_expires) <= now() THEN
    PERFORM rb_refuse('RB400', 'expiry_in_past', 'expires_at',
                      'a token''s expiry must be in the future',
                      jsonb_build_object('expires_at', p_expires, 'what', 'token'));
  END IF;
  INSERT INTO tokens (member_id, hash, label, expires_at, issued_by)
  VALUES (t.id, p_hash, v_label, rb_from_epoch(p_expires), a.id)
  RETURNING id INTO new_id;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'token_issue', 'token', new_id, coalesce(p_peer, ''),
          jsonb_build_object('member', p_handle, 'label', v_label, 'expires', p_expires));
  RETURN new_id;
END $$;

-- No handle: the caller's own tokens.
CREATE OR REPLACE FUNCTION rb_tokens(p_member bigint, p_handle text)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members;
BEGIN
  IF coalesce(p_handle, '') = '' THEN
    t := a;
  ELSE
    SELECT * INTO t FROM members WHERE handle = p_handle;
    IF NOT FOUND OR NOT rb_may_see_member(a, t) THEN
      PERFORM rb_refuse('RB404', 'member_not_found', 'member_handle',
                        format('no member is called %s', p_handle),
                        jsonb_build_object('member', p_handle));
    END IF;
    PERFORM rb_may_handle_tokens(a, t, 'member_handle');
  END IF;
  RETURN QUERY SELECT k.id FROM tokens k WHERE k.member_id = t.id ORDER BY k.id;
END $$;

CREATE OR REPLACE FUNCTION rb_revoke_token(p_member bigint, p_token bigint, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  a members := rb_people_actor(p_member);
  k tokens;
  t members;
BEGIN
  SELECT * INTO k FROM tokens WHERE id = p_token FOR UPDATE;
  IF FOUND THEN
    SELECT * INTO t FROM members WHERE id = k.member_id;
  END IF;
  -- a token the caller may not handle is answered as one that does not exist
  IF k.id IS NULL OR NOT rb_may_handle_tokens_of(a, t) THEN
    PERFORM rb_refuse('RB404', 'token_not_found', 'token_id',
                      format('there is no token %s', p_token),
                      jsonb_build_object('token', p_token));
  END IF;
  IF k.revoked_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'token_already_revoked', 'token_id',
                      format('token %s was already revoked (%s UTC)', p_token,
                             to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')),
                      jsonb_build_object('token', p_token, 'at', rb_epoch(k.revoked_at)));
  END IF;
  UPDATE tokens SET revoked_at = now() WHERE id = k.id;
  -- every daemon ends the sessions of this token at commit
  PERFORM rb_emit_access_ended(t.id, k.id);
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (a.id, 'token_revoke', 'token', k.id, coalesce(p_peer, ''),
          jsonb_build_object('member', t.handle, 'label', k.label));
  RETURN k.id;
END $$;

-- ------------------------------------------------------------------ sign-in

-- The member a token belongs to, and the token's id and expiry (epoch
-- seconds, 0: none), so that the daemon can end the session when the token
-- is revoked or expires.  A token that does not sign in (unknown, revoked,
-- expired, or its member disabled) is refused with one reason and one
-- message, whichever it is, so that a stranger learns nothing of what
-- exists; the precise reason is in the DETAIL, for the daemon's log only.
-- Notes when the token was last used, at most once a minute, so that
-- sign-ins of one token do not queue on its row.
CREATE OR REPLACE FUNCTION rb_auth(p_hash bytea)
RETURNS TABLE (id bigint, handle text, name text, role text, startup_code text,
               institution_code text, space_code text, startup_id bigint, institution_id bigint,
               token_id bigint, expires_at bigint)
LANGUAGE plpgsql AS $$
DECLARE
  k tokens;
  m members;
  why text;
BEGIN
  SELECT * INTO k FROM tokens WHERE hash = p_hash;
  IF FOUND THEN
    SELECT * INTO m FROM members WHERE members.id = k.member_id;
  END IF;
  why := CASE
    WHEN k.id IS NULL THEN 'unknown token'
    WHEN k.revoked_at IS NOT NULL THEN
      format('token %s of %s revoked at %s', k.id, m.handle, rb_epoch(k.revoked_at))
    WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN
      format('token %s of %s expired at %s', k.id, m.handle, rb_epoch(k.expires_at))
    WHEN m.disabled_at IS NOT NULL THEN
      format('token %s of %s, whose account is disabled since %s', k.id, m.handle,
             rb_epoch(m.disabled_at))
  END;
  IF why IS NOT NULL THEN
    PERFORM rb_refuse('RB401', 'token_invalid', NULL, rb_token_invalid_message(), '{}', why);
  END IF;
  IF k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' THEN
    UPDATE tokens SET last_used_at = now()
     WHERE tokens.id = k.id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
  END IF;
  RETURN QUERY
  SELECT m.id, m.handle::text, m.name, m.role::text, coalesce(s.code::text, ''),
         coalesce(i.code::text, ''), coalesce(sp.code::text, ''),
         coalesce(m.startup_id, 0), coalesce(m.institution_id, 0),
         k.id, coalesce(rb_epoch(k.expires_at), 0)
  FROM (SELECT 1) x
  LEFT JOIN startups s ON s.id = m.startup_id
  LEFT JOIN institutions i ON i.id = m.institution_id
  LEFT JOIN spaces sp ON sp.id = coalesce(m.space_id, s.space_id, i.space_id);
END $$;

-- Of the tokens p_tokens, those that no longer sign in (revoked, expired,
-- or their member disabled): a daemon asks when its event stream comes
-- back, for the revocations it may not have heard meanwhile.
CREATE OR REPLACE FUNCTION rb_tokens_ended(p_tokens bigint[])
RETURNS TABLE (token_id bigint) LANGUAGE sql STABLE AS $$
  SELECT k.id FROM tokens k JOIN members m ON m.id = k.member_id
   WHERE k.id = ANY (p_tokens)
     AND (k.revoked_at IS NOT NULL OR k.expires_at <= now() OR m.disabled_at IS NOT NULL)
$$;

-- The one message for a token that does not sign in, whatever the reason.
CREATE OR REPLACE FUNCTION rb_token_invalid_message() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'the token is not valid: unknown, revoked or expired'::text
$$;

-- ------------------------------------------------------------------ charging

-- Operators of a space (and admins) set its prices and invoice it.
CREATE OR REPLACE FUNCTION rb_is_operator(m members, p_space bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT m.role = 'admin' OR (m.role = 'operator' AND m.space_id = p_space)
$$;

-- The startup called p_code, or an error.
CREATE OR REPLACE FUNCTION rb_startup(p_code text) RETURNS startups
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s startups;
BEGIN
  SELECT * INTO s FROM startups WHERE code = p_code;
  IF NOT FOUND THEN
    PERFORM rb_refuse_no_startup(p_code, 'startup_code');
  END IF;
  RETURN s;
END $$;

-- Whether m may see startup s at all: admins every one, operators and
-- managers those of their space, members their own.
CREATE OR REPLACE FUNCTION rb_may_see_startup(m members, s startups) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT m.role = 'admin'
      OR (m.role IN ('operator', 'manager') AND s.space_id IS NOT DISTINCT FROM rb_member_space(m))
      OR s.id IS NOT DISTINCT FROM m.startup_id
$$;

-- The one refusal for a startup code that does not exist and for a startup
-- the caller may not see: the same code, reason, message and arguments.
CREATE OR REPLACE FUNCTION rb_refuse_no_startup(p_code text, p_field text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rb_refuse('RB404', 'startup_not_found', p_field,
                    format('no startup is called %s', p_code),
                    jsonb_build_object('startup', p_code));
END $$;

-- Startup p_code as m may see it (rb_may_see_startup), or rb_refuse_no_startup.
CREATE OR REPLACE FUNCTION rb_startup_seen(m members, p_code text) RETURNS startups
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s startups;
BEGIN
  SELECT * INTO s FROM startups WHERE code = p_code;
  IF NOT FOUND OR NOT rb_may_see_startup(m, s) THEN
    PERFORM rb_refuse_no_startup(p_code, 'startup_code');
  END IF;
  RETURN s;
END $$;

-- Which startup's money p_member may read: their own (members), any in
-- their space (operators), any (admins).  Managers read none by startup.
CREATE OR REPLACE FUNCTION rb_may_read_startup(m members, s startups) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT m.role = 'admin' OR (m.role = 'operator' AND m.space_id = s.space_id)
      OR (m.role = 'member' AND m.startup_id = s.id)
$$;

