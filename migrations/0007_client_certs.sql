-- Client certificates registered to members: a second way to sign in
-- (rigbookd's tls_client_auth).  A certificate is known by the SHA-256 of
-- its DER encoding, never by anything secret: the private key stays with
-- the member.  A fingerprint is registered once, ever: a revoked
-- certificate is not registered again (a new one is made instead).
CREATE TABLE client_certs (
  id           bigserial PRIMARY KEY,
  member_id    bigint NOT NULL REFERENCES members,
  fingerprint  bytea NOT NULL UNIQUE CHECK (length(fingerprint) = 32),
  subject      text NOT NULL DEFAULT '',
  label        text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   bigint REFERENCES members,
  revoked_at   timestamptz,
  revoked_by   bigint REFERENCES members,
  -- the last sign-in, to the minute (rb_auth_cert writes it at most once a
  -- minute per certificate)
  last_used_at timestamptz,
  CONSTRAINT client_cert_subject_length CHECK (length(subject) <= 500),
  CONSTRAINT client_cert_label_length CHECK (length(label) <= 200),
  CONSTRAINT client_cert_revoked_after CHECK (revoked_at IS NULL OR revoked_at >= created_at),
  CONSTRAINT client_cert_revoked_by CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL)
);
CREATE INDEX client_certs_member ON client_certs (member_id);
