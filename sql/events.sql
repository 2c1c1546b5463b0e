-- Live events: every change to a booking or a closure is announced, from
-- the function that makes the change (rb_booking_insert, rb_booking_write,
-- rb_add_closure, rb_remove_closure, rb_waitlist_offer), so every path that
-- writes the rows announces it the same way.  Nothing is delivered unless
-- the transaction commits, and nothing of a subtransaction that rolls
-- back; watchers hear exactly what happened, in commit order.
--
-- How an event travels is rb_event_transport(), which rigbookd defines at
-- every start (daemon/events.c):
--   logical  pg_logical_emit_message(true, 'rigbook', payload): written to
--            the WAL with the transaction and decoded at commit by every
--            daemon's replication connection (pgoutput, messages on).  It
--            adds nothing to the commit's critical section.
--   notify   pg_notify('rigbook_events', payload), where the database lacks
--            wal_level = logical or the role may not replicate.  PostgreSQL
--            serialises the commits of every notifying transaction behind
--            one lock, so bookings do not group-commit.
--
-- The payload is one line of space-separated key=value words, values
-- limited to [A-Za-z0-9_+/.-] (codes, handles, zone names, numbers), so that
-- it needs no quoting and a strict parser reads it (daemon/evparse.c):
--
--   v1 kind=booked at=1796263000 res=12 code=dyno-1 tz=Asia/Shanghai inst=3
--      space=1 booking=45 member=7 handle=alice startup=2 scode=acme
--      start=1796263200 end=1796270400
--
-- Words whose value is unknown are left out.  Closure events carry
-- closure=<id> instead of booking, member and startup.

-- Send one payload the way rb_event_transport() says (above): the one place
-- that knows how an event travels.
CREATE OR REPLACE FUNCTION rb_send_event(payload text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  done text;  -- what a void function gives (see rb_idem_lookup)
BEGIN
  IF rb_event_transport() = 'logical' THEN
    done := pg_logical_emit_message(true, 'rigbook', payload);
  ELSE
    done := pg_notify('rigbook_events', payload);
  END IF;
END $$;

-- Announce one event.  Generic: a new kind of event is one more caller,
-- not a new function.  Nothing is sent unless the transaction commits.
CREATE OR REPLACE FUNCTION rb_emit_event(p_kind text, p_resource bigint, p_booking bigint DEFAULT NULL,
                              p_member bigint DEFAULT NULL, p_startup bigint DEFAULT NULL,
                              p_during tstzrange DEFAULT NULL, p_closure bigint DEFAULT NULL,
                              p_ctx rb_event_context DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  payload text;
  done text;  -- what a void function gives (see rb_idem_lookup)
BEGIN
  IF p_kind IS NULL OR p_kind !~ '^[a-z][a-z_]{0,31}$' THEN
    PERFORM rb_refuse('RB400', 'invalid_event_kind', NULL,
      format('%s is not an event kind (lower-case letters and _, at most 32)',
                       coalesce(p_kind, 'NULL')),
      jsonb_build_object('kind', p_kind));
  END IF;
  -- What the caller did not hand over (p_ctx: the values it holds about
  -- the resource and the member), lookups by primary key fetch; the payload
  -- is one expression.  This runs once per changed row, so it is kept
  -- cheap: each plpgsql expression is prepared again in every transaction
  -- (one joined query here was planned with hash joins over the small
  -- tables).
  IF p_ctx.code IS NULL OR p_ctx.space_id IS NULL
     OR (p_member IS NOT NULL AND p_ctx.handle IS NULL)
     OR (p_startup IS NOT NULL AND p_ctx.startup_code IS NULL) THEN
    SELECT x.code::text, x.time_zone, x.institution_id,
           (SELECT i.space_id FROM institutions i WHERE i.id = x.institution_id),
           (SELECT m.handle::text FROM members m WHERE m.id = p_member),
           (SELECT s.code::text FROM startups s WHERE s.id = p_startup)
      INTO p_ctx.code, p_ctx.time_zone, p_ctx.institution_id, p_ctx.space_id, p_ctx.handle,
           p_ctx.startup_code
      FROM resources x WHERE x.id = p_resource;
  END IF;
  payload := concat_ws(' ', 'v1', 'kind=' || p_kind,
               'at=' || floor(extract(epoch FROM clock_timestamp()))::bigint,
               'res=' || p_resource, 'code=' || p_ctx.code, 'tz=' || p_ctx.time_zone,
               'inst=' || p_ctx.institution_id, 'space=' || p_ctx.space_id,
               'booking=' || p_booking, 'member=' || p_member, 'handle=' || p_ctx.handle,
               'startup=' || p_startup, 'scode=' || p_ctx.startup_code,
               'start=' || floor(extract(epoch FROM lower(p_during)))::bigint,
               'end=' || floor(extract(epoch FROM upper(p_during)))::bigint,
               'closure=' || p_closure);
  -- Every value is bounded (codes 40, zones ~40, numbers 20), so a payload
  -- stays far below PostgreSQL's limit of 8000 bytes; should one ever grow
  -- past it, the kind and the resource still go out.
  IF octet_length(payload) >= 8000 THEN
    payload := concat_ws(' ', 'v1', 'kind=' || p_kind,
                         'at=' || floor(extract(epoch FROM clock_timestamp()))::bigint,
                         'res=' || p_resource);
  END IF;
  done := rb_send_event(payload);
END $$;

-- A member's access ended: token p_token revoked, or (p_token NULL) the
-- member disabled.  Every daemon hears it at commit and ends the sessions
-- signed in with that token or by that member (daemon/session.h); watchers
-- never see it.  Tokens that expire need no event: each daemon times them.
CREATE OR REPLACE FUNCTION rb_emit_access_ended(p_member bigint, p_token bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  payload text := concat_ws(' ', 'v1', 'kind=access_ended',
                            'at=' || floor(extract(epoch FROM clock_timestamp()))::bigint,
                            'member=' || p_member, 'token=' || p_token);
BEGIN
  PERFORM rb_send_event(payload);
END $$;

-- ------------------------------------------------------------------ bookings

-- What watchers hear of a booking made (o NULL: booked, or requested when
-- it waits for approval) or changed from o to n: state (approved, declined,
-- cancelled, checked_in, completed, no_show, and requested again after a
-- member's move), window or resource (moved), holder (handed_over).
CREATE OR REPLACE FUNCTION rb_booking_event(o bookings, n bookings,
                                            p_ctx rb_event_context DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  done text;  -- what a void function gives (see rb_idem_lookup)
BEGIN
  IF o.id IS NULL THEN
    done := rb_emit_event(CASE n.state WHEN 'confirmed' THEN 'booked' ELSE n.state::text END,
                        n.resource_id, n.id, n.member_id, n.startup_id, n.during, NULL, p_ctx);
    RETURN;
  END IF;
  IF n.during IS DISTINCT FROM o.during OR n.resource_id IS DISTINCT FROM o.resource_id THEN
    done := rb_emit_event('moved', n.resource_id, n.id, n.member_id, n.startup_id, n.during);
  END IF;
  IF n.member_id IS DISTINCT FROM o.member_id THEN
    done := rb_emit_event('handed_over', n.resource_id, n.id, n.member_id, n.startup_id, n.during);
  END IF;
  IF n.state IS DISTINCT FROM o.state THEN
    done := rb_emit_event(CASE WHEN o.state = 'requested' AND n.state = 'confirmed' THEN 'approved'
                               ELSE n.state::text END,
                        n.resource_id, n.id, n.member_id, n.startup_id, n.during);
  END IF;
END $$;
