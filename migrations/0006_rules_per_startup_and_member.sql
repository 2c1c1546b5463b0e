-- Two more limits a manager sets on a resource (rigbook rules): future
-- bookings one startup may hold (--max-active-startup), and hours one
-- member may book per ISO week (--weekly-member).  rb_rules enforces them
-- in the booking's transaction like the others.  The functions whose
-- arguments or rows change are dropped here; rigbookd makes them anew from
-- sql/ in the same transaction.
ALTER TABLE resources
  ADD COLUMN max_active_per_startup int NOT NULL DEFAULT 0
    CHECK (max_active_per_startup BETWEEN 0 AND 10000),
  ADD COLUMN weekly_minutes_per_member int NOT NULL DEFAULT 0
    CHECK (weekly_minutes_per_member BETWEEN 0 AND 10080);

DROP FUNCTION IF EXISTS rb_set_rules(bigint, text, int, int, int, int, int, int, int, int, boolean, int,
                           boolean, boolean, int, int, int, text);
DROP FUNCTION IF EXISTS rb_resource_detail(bigint, bigint);
DROP FUNCTION IF EXISTS rb_availability(text, bigint, bigint, bigint, bigint);

-- A startup's price tier in a space other than its own, set by that space's
-- operators (rigbook rate tier STARTUP TIER --space S); without one, a
-- startup of another space pays external (rb_booking_tier).
CREATE TABLE startup_tiers (
  startup_id bigint NOT NULL REFERENCES startups,
  space_id   bigint NOT NULL REFERENCES spaces,
  tier       price_tier NOT NULL,
  PRIMARY KEY (startup_id, space_id)
);

DROP FUNCTION IF EXISTS rb_set_tier(bigint, text, text, text);
