-- Calendar feeds (migrations/0004_feeds.sql): a member's private address,
-- and what a calendar program fetched from it sees.

-- Issue p_member's feed of their own bookings, or (p_startup) their
-- startup's, under the secret whose SHA-256 is p_hash.  With a live feed of
-- that scope already there it is kept (issued false: its address was shown
-- once, when it was made), unless p_replace, which revokes it first.
CREATE OR REPLACE FUNCTION rb_feed_issue(p_member bigint, p_startup boolean, p_replace boolean,
                                         p_hash bytea, p_peer text,
                                         OUT issued boolean, OUT created_at bigint)
LANGUAGE plpgsql AS $$
DECLARE
  m members := rb_member(p_member);
  f feeds;
  n int := 0;
BEGIN
  IF p_startup AND m.startup_id IS NULL THEN
    PERFORM rb_refuse('RB412', 'no_startup', 'startup',
                      format('%s belongs to no startup: a feed of a startup''s bookings is for its members', m.handle),
                      jsonb_build_object('member', m.handle::text, 'what', 'feed'));
  END IF;
  SELECT * INTO f FROM feeds x WHERE x.member_id = m.id AND x.startup = p_startup AND x.revoked_at IS NULL
     FOR UPDATE;
  IF FOUND AND NOT p_replace THEN
    issued := false;
    created_at := rb_epoch(f.created_at);
    RETURN;
  END IF;
  IF FOUND THEN
    UPDATE feeds SET revoked_at = now() WHERE id = f.id;
    n := 1;
  END IF;
  INSERT INTO feeds (member_id, startup, hash) VALUES (m.id, p_startup, p_hash) RETURNING * INTO f;
  INSERT INTO audit (member_id, action, object, object_id, peer, detail)
  VALUES (m.id, CASE WHEN n > 0 THEN 'feed_replace' ELSE 'feed_issue' END, 'member', m.id,
          coalesce(p_peer, ''), jsonb_build_object('feed', f.id, 'startup', p_startup));
  issued := true;
  created_at := rb_epoch(f.created_at);
END $$;

-- The bookings a live feed shows, from 31 days back to a year ahead, the
-- cancelled ones too (so that calendars take them out), after a first row
-- whose id is 0 that says the feed is there (it may have no bookings).  No
-- rows at all for a secret that is unknown or revoked, or a member who is
-- disabled.
CREATE OR REPLACE FUNCTION rb_feed_bookings(p_hash bytea)
RETURNS SETOF booking_view LANGUAGE plpgsql STABLE AS $$
DECLARE
  f feeds;
  m members;
  head booking_view;
BEGIN
  SELECT * INTO f FROM feeds x WHERE x.hash = p_hash AND x.revoked_at IS NULL;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT * INTO m FROM members x WHERE x.id = f.member_id AND x.disabled_at IS NULL;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  head.id := 0;
  RETURN NEXT head;
  RETURN QUERY
  SELECT v.* FROM booking_view v
   WHERE (CASE WHEN f.startup THEN v.startup_id = m.startup_id ELSE v.member_id = m.id END)
     AND upper(v.during) > now() - interval '31 days'
     AND lower(v.during) < now() + interval '366 days'
     AND v.state <> 'declined'
   ORDER BY lower(v.during), v.id
   LIMIT 2000;
END $$;
