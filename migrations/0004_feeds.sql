-- Calendar feeds: a private address per member (and one for their startup's
-- bookings) that calendar programs subscribe to.  Only the SHA-256 of the
-- secret in the address is kept, as for tokens; at most one live feed per
-- member and scope, and replacing it revokes the old address.
CREATE TABLE feeds (
  id         bigserial PRIMARY KEY,
  member_id  bigint NOT NULL REFERENCES members,
  startup    boolean NOT NULL,          -- the startup's bookings, not only the member's
  hash       bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX feeds_one_live ON feeds (member_id, startup) WHERE revoked_at IS NULL;
