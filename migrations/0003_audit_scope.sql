-- The audit log, readable by role: each row names the resource, institution
-- and space it is about (NULL where it is about none), so that operators read
-- their space's rows and managers their institution's through one index.
-- Rows written before this carry their scope too (derived here once, as
-- sql/core.sql's audit_scope trigger derives it for every new row).

ALTER TABLE audit
  ADD COLUMN resource_id bigint REFERENCES resources,
  ADD COLUMN institution_id bigint REFERENCES institutions,
  ADD COLUMN space_id bigint REFERENCES spaces;

UPDATE audit a SET resource_id = CASE a.object
    WHEN 'booking' THEN (SELECT b.resource_id FROM bookings b WHERE b.id = a.object_id)
    WHEN 'series' THEN (SELECT s.resource_id FROM booking_series s WHERE s.id = a.object_id)
    WHEN 'resource' THEN a.object_id
    WHEN 'qualification' THEN (SELECT q.resource_id FROM qualifications q WHERE q.id = a.object_id)
    WHEN 'rate_card' THEN (SELECT c.resource_id FROM rate_cards c WHERE c.id = a.object_id)
  END;
UPDATE audit a SET institution_id = r.institution_id
  FROM resources r WHERE r.id = a.resource_id;
UPDATE audit a SET space_id = CASE
    WHEN a.institution_id IS NOT NULL THEN (SELECT i.space_id FROM institutions i WHERE i.id = a.institution_id)
    WHEN a.object = 'space' THEN a.object_id
    WHEN a.object = 'startup' THEN (SELECT s.space_id FROM startups s WHERE s.id = a.object_id)
    WHEN a.object = 'voucher' THEN (SELECT s.space_id FROM vouchers v JOIN startups s ON s.id = v.startup_id
                                     WHERE v.id = a.object_id)
    WHEN a.object = 'invoice' THEN (SELECT v.space_id FROM invoices v WHERE v.id = a.object_id)
    WHEN a.object = 'member' THEN (SELECT m.space_id FROM members m WHERE m.id = a.object_id)
    WHEN a.object = 'token' THEN (SELECT m.space_id FROM tokens t JOIN members m ON m.id = t.member_id
                                   WHERE t.id = a.object_id)
  END;

-- newest first within a space (operators, and managers within their space)
CREATE INDEX audit_space_id ON audit (space_id, id);
