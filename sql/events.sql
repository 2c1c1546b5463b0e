-- Live events: every change to a booking or a closure is announced on the
-- channel 'rigbook_events' with pg_notify, from AFTER triggers, so that
-- every path that writes the rows (a booking, a series, a move, a forced
-- closure, a waitlist promotion) announces it the same way.  PostgreSQL
-- delivers a notification only when its transaction commits, and drops the
-- notifications of a subtransaction that rolls back (rb_move's probe), so a
-- listener hears exactly what happened.  Every daemon LISTENs on its own
-- connection and passes the events on to the clients that watch.
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

-- Announce one event.  Generic: a new kind of event is one more caller
-- (a trigger or a function), not a new function.  Called from triggers;
-- nothing is sent unless the transaction commits.
CREATE OR REPLACE FUNCTION rb_emit_event(p_kind text, p_resource bigint, p_booking bigint DEFAULT NULL,
                              p_member bigint DEFAULT NULL, p_startup bigint DEFAULT NULL,
                              p_during tstzrange DEFAULT NULL, p_closure bigint DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
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
END $$;

-- ------------------------------------------------------------------ bookings

-- insert: booked (or requested, when it waits for approval);
-- state: approved, declined, cancelled, checked_in, completed, no_show (and
-- requested again after a member's move); window or resource: moved;
-- owner: handed_over.
CREATE OR REPLACE FUNCTION rb_booking_event() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE TRIGGER booking_event AFTER INSERT OR UPDATE ON bookings
  FOR EACH ROW EXECUTE FUNCTION rb_booking_event();

-- ------------------------------------------------------------------ closures

-- insert: closure_added; lifted (removed_at set) or deleted: closure_lifted.
CREATE OR REPLACE FUNCTION rb_closure_event() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE TRIGGER closure_event AFTER INSERT OR UPDATE OR DELETE ON closures
  FOR EACH ROW EXECUTE FUNCTION rb_closure_event();

-- A waiting entry was booked for its member (sql/waitlist.sql): promoted, with the
-- booking it became, after that booking's own booked/requested event.
CREATE OR REPLACE FUNCTION rb_waitlist_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rb_emit_event('promoted', NEW.resource_id, NEW.booking_id, NEW.member_id,
                        (SELECT m.startup_id FROM members m WHERE m.id = NEW.member_id),
                        (SELECT b.during FROM bookings b WHERE b.id = NEW.booking_id));
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER waitlist_promoted AFTER UPDATE OF state ON waitlist
  FOR EACH ROW WHEN (NEW.state = 'promoted' AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION rb_waitlist_event();

