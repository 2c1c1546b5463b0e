-- Client certificates registered to members (migrations/0007): who may
-- register, list and revoke them (as for tokens: the member themselves,
-- operators of their space, admins), and sign-in by one (rb_auth_cert).
-- Only the SHA-256 of a certificate's DER encoding and its subject arrive
-- here; no key, public or private, ever does.

-- Never anything but what identifies the certificate to people.
CREATE OR REPLACE VIEW client_cert_view AS
SELECT c.id, m.handle::text AS member_handle, encode(c.fingerprint, 'hex') AS fingerprint,
       c.subject, c.label, rb_epoch(c.created_at) AS created_epoch,
       coalesce(cb.handle::text, '') AS created_by,
       coalesce(rb_epoch(c.revoked_at), 0) AS revoked_epoch,
       coalesce(rb.handle::text, '') AS revoked_by,
       coalesce(rb_epoch(c.last_used_at), 0) AS last_used_epoch,
       c.member_id
FROM client_certs c
JOIN members m ON m.id = c.member_id
LEFT JOIN members cb ON cb.id = c.created_by
LEFT JOIN members rb ON rb.id = c.revoked_by;

-- VOLATILE: read in the statement that made the change, it sees it.
CREATE OR REPLACE FUNCTION rb_client_cert_wire(p_id bigint) RETURNS SETOF client_cert_view
LANGUAGE sql VOLATILE AS $$ SELECT * FROM client_cert_view WHERE id = p_id $$;

-- Who handles the certificates of member t: exactly who handles their
-- tokens (rb_may_handle_tokens_of); refused in words about certificates.
CREATE OR REPLACE FUNCTION rb_may_handle_certs(a members, t members, field text)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF rb_may_handle_tokens_of(a, t) THEN
    RETURN;
  END IF;
  PERFORM rb_refuse('RB403', 'certs_not_yours', field,
                    format('the client certificates of %s are handled by %s, an operator of their space or an admin; not by you',
                           t.handle, t.handle),
                    jsonb_build_object('member', t.handle::text));
END $$;

-- The member called p_handle as a may see them (none given: a), or member_not_found.
CREATE OR REPLACE FUNCTION rb_cert_member(a members, p_handle text) RETURNS members
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t members;
BEGIN
  IF coalesce(p_handle, '') = '' THEN
    RETURN a;
  END IF;
  SELECT * INTO t FROM members WHERE handle = p_handle;
  IF NOT FOUND OR NOT rb_may_see_member(a, t) THEN
    PERFORM rb_refuse('RB404', 'member_not_found', 'member_handle',
                      format('no member is called %s', p_handle),
                      jsonb_build_object('member', p_handle));
  END IF;
  RETURN t;
END $$;

-- Register a certificate, by its fingerprint, to p_handle (none: the caller).
CREATE OR REPLACE FUNCTION rb_add_client_cert(p_member bigint, p_handle text, p_fingerprint bytea,
                                              p_subject text, p_label text, p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members := rb_cert_member(a, p_handle);
  v_label text := rb_people_text(coalesce(p_label, ''), 200, 'a certificate''s label', 'label');
  v_subject text := rb_people_text(coalesce(p_subject, ''), 500, 'a certificate''s subject', 'subject');
  old client_certs;
  new_id bigint;
BEGIN
  PERFORM rb_may_handle_certs(a, t, 'member_handle');
  -- FOR SHARE: a member being disabled gets no certificate behind its back.
  PERFORM 1 FROM members WHERE id = t.id FOR SHARE;
  SELECT * INTO t FROM members WHERE id = t.id;
  IF t.disabled_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'cert_member_disabled', 'member_handle',
                      format('%s is disabled and gets no client certificates', t.handle),
                      jsonb_build_object('member', t.handle::text, 'at', rb_epoch(t.disabled_at)));
  END IF;
  IF p_fingerprint IS NULL OR length(p_fingerprint) <> 32 THEN
    PERFORM rb_refuse('RB400', 'invalid_fingerprint', 'fingerprint',
                      'a certificate''s fingerprint is the SHA-256 of its DER encoding: 64 hexadecimal digits');
  END IF;
  SELECT * INTO old FROM client_certs WHERE fingerprint = p_fingerprint;
  IF FOUND THEN
    PERFORM rb_refuse('RB409', 'cert_exists', 'fingerprint',
                      format('this certificate is already registered (certificate %s); a fingerprint is registered once, ever',
                             old.id),
                      jsonb_build_object('cert', old.id));
  END IF;
  BEGIN
    INSERT INTO client_certs (member_id, fingerprint, subject, label, created_by)
    VALUES (t.id, p_fingerprint, v_subject, v_label, a.id)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    -- registered meanwhile by another transaction
    SELECT * INTO old FROM client_certs WHERE fingerprint = p_fingerprint;
    PERFORM rb_refuse('RB409', 'cert_exists', 'fingerprint',
                      format('this certificate is already registered (certificate %s); a fingerprint is registered once, ever',
                             old.id),
                      jsonb_build_object('cert', old.id));
  END;
  PERFORM rb_audit(a.id, 'cert_add', 'client_cert', new_id, p_peer,
                   jsonb_build_object('member', t.handle::text, 'fingerprint', encode(p_fingerprint, 'hex'),
                                      'subject', v_subject, 'label', v_label));
  RETURN new_id;
END $$;

-- No handle: the caller's own certificates.
CREATE OR REPLACE FUNCTION rb_client_certs(p_member bigint, p_handle text)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  a members := rb_people_actor(p_member);
  t members := rb_cert_member(a, p_handle);
BEGIN
  PERFORM rb_may_handle_certs(a, t, 'member_handle');
  RETURN QUERY SELECT c.id FROM client_certs c WHERE c.member_id = t.id ORDER BY c.id;
END $$;

-- Revoke a certificate named by its id (p_cert) or its fingerprint: it
-- stops signing in, and every daemon ends the sessions it signed in.
CREATE OR REPLACE FUNCTION rb_revoke_client_cert(p_member bigint, p_cert bigint, p_fingerprint bytea,
                                                 p_peer text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  a members := rb_people_actor(p_member);
  c client_certs;
  t members;
  what text := CASE WHEN p_cert IS NOT NULL THEN p_cert::text
                    ELSE encode(coalesce(p_fingerprint, ''::bytea), 'hex') END;
BEGIN
  IF p_cert IS NOT NULL THEN
    SELECT * INTO c FROM client_certs WHERE id = p_cert FOR UPDATE;
  ELSE
    SELECT * INTO c FROM client_certs WHERE fingerprint = p_fingerprint FOR UPDATE;
  END IF;
  IF c.id IS NOT NULL THEN
    SELECT * INTO t FROM members WHERE id = c.member_id;
  END IF;
  -- a certificate the caller may not handle is answered as one that does not exist
  IF c.id IS NULL OR NOT rb_may_handle_tokens_of(a, t) THEN
    PERFORM rb_refuse('RB404', 'cert_not_found', CASE WHEN p_cert IS NOT NULL THEN 'cert_id' ELSE 'fingerprint' END,
                      format('there is no client certificate %s', what),
                      jsonb_build_object('cert', what));
  END IF;
  IF c.revoked_at IS NOT NULL THEN
    PERFORM rb_refuse('RB412', 'cert_already_revoked', 'cert_id',
                      format('client certificate %s was already revoked (%s UTC)', c.id,
                             to_char(c.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')),
                      jsonb_build_object('cert', c.id, 'at', rb_epoch(c.revoked_at)));
  END IF;
  UPDATE client_certs SET revoked_at = now(), revoked_by = a.id WHERE id = c.id;
  -- every daemon ends the sessions this certificate signed in, at commit
  PERFORM rb_emit_cert_ended(t.id, c.id);
  PERFORM rb_audit(a.id, 'cert_revoke', 'client_cert', c.id, p_peer,
                   jsonb_build_object('member', t.handle::text, 'fingerprint', encode(c.fingerprint, 'hex'),
                                      'label', c.label));
  RETURN c.id;
END $$;

-- A certificate's access ended: as rb_emit_access_ended, naming the
-- certificate (cert=C) instead of a token.
CREATE OR REPLACE FUNCTION rb_emit_cert_ended(p_member bigint, p_cert bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  payload text := concat_ws(' ', 'v1', 'kind=access_ended',
                            'at=' || floor(extract(epoch FROM clock_timestamp()))::bigint,
                            'member=' || p_member, 'cert=' || p_cert);
BEGIN
  PERFORM rb_send_event(payload);
END $$;

-- Sign-in by a client certificate the TLS layer verified: the member its
-- fingerprint is registered to, as rb_auth answers for a token, with the
-- certificate's id.  A certificate that does not sign in (not registered,
-- revoked, or its member disabled) is refused with one reason and one
-- message; the precise reason is in the DETAIL, for the daemon's log.
CREATE OR REPLACE FUNCTION rb_auth_cert(p_fingerprint bytea)
RETURNS TABLE (id bigint, handle text, name text, role text, startup_code text,
               institution_code text, space_code text, startup_id bigint, institution_id bigint,
               cert_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
  c client_certs;
  m members;
  why text;
BEGIN
  SELECT * INTO c FROM client_certs WHERE fingerprint = p_fingerprint;
  IF FOUND THEN
    SELECT * INTO m FROM members WHERE members.id = c.member_id;
  END IF;
  why := CASE
    WHEN c.id IS NULL THEN format('certificate %s is not registered', encode(p_fingerprint, 'hex'))
    WHEN c.revoked_at IS NOT NULL THEN
      format('certificate %s of %s revoked at %s', c.id, m.handle, rb_epoch(c.revoked_at))
    WHEN m.disabled_at IS NOT NULL THEN
      format('certificate %s of %s, whose account is disabled since %s', c.id, m.handle,
             rb_epoch(m.disabled_at))
  END;
  IF why IS NOT NULL THEN
    PERFORM rb_refuse('RB401', 'certificate_invalid', NULL, rb_cert_invalid_message(), '{}', why);
  END IF;
  IF c.last_used_at IS NULL OR c.last_used_at < now() - interval '1 minute' THEN
    UPDATE client_certs SET last_used_at = now()
     WHERE client_certs.id = c.id
       AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
  END IF;
  RETURN QUERY
  SELECT m.id, m.handle::text, m.name, m.role::text, coalesce(s.code::text, ''),
         coalesce(i.code::text, ''), coalesce(sp.code::text, ''),
         coalesce(m.startup_id, 0), coalesce(m.institution_id, 0), c.id
  FROM (SELECT 1) x
  LEFT JOIN startups s ON s.id = m.startup_id
  LEFT JOIN institutions i ON i.id = m.institution_id
  LEFT JOIN spaces sp ON sp.id = coalesce(m.space_id, s.space_id, i.space_id);
END $$;

-- Of the certificates p_certs, those that no longer sign in (revoked, or
-- their member disabled): for a daemon whose event stream comes back.
CREATE OR REPLACE FUNCTION rb_certs_ended(p_certs bigint[])
RETURNS TABLE (cert_id bigint) LANGUAGE sql STABLE AS $$
  SELECT c.id FROM client_certs c JOIN members m ON m.id = c.member_id
   WHERE c.id = ANY (p_certs) AND (c.revoked_at IS NOT NULL OR m.disabled_at IS NOT NULL)
$$;

-- The one message for a certificate that does not sign in, whatever the reason.
CREATE OR REPLACE FUNCTION rb_cert_invalid_message() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'the client certificate does not sign in: it is not registered, or revoked, or its member disabled'::text
$$;
