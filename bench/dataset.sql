-- The benchmark's data set, everything but the bookings (bench/bookings.sql).
-- psql variables: resources, members, startups.
--
--   2 spaces, 10 host institutions, :resources resources bench-r0000 ..,
--   :startups startups bench-s000 .., :members members bench-m00000 .. whose
--   tokens are 'tok-bench-00000' .. (stored as sha256, as rigbookd expects).
--
-- Set-based and idempotent: loading it twice changes nothing.

BEGIN;

INSERT INTO spaces (code, name, name_zh, field, field_zh) VALUES
  ('bench-space-a', 'Bench Powertrain Maker Space', '基准动力总成众创空间', 'Truck powertrain', '卡车动力总成'),
  ('bench-space-b', 'Bench Optics Maker Space', '基准光电子众创空间', 'Optoelectronics', '光电子')
ON CONFLICT DO NOTHING;

INSERT INTO institutions (space_id, code, name, kind)
SELECT sp.id, 'bench-inst-' || i, 'Bench Host Institution ' || i,
       (ARRAY['enterprise', 'institute', 'university'])[1 + i % 3]::institution_kind
FROM generate_series(0, 9) AS i
JOIN spaces sp ON sp.code = CASE WHEN i < 5 THEN 'bench-space-a' ELSE 'bench-space-b' END
ON CONFLICT DO NOTHING;

-- The time zone check looks the zone up once per row; one zone for all keeps
-- that cheap.
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT inst.id, 'bench-r' || lpad(i::text, 4, '0'), 'Bench resource ' || i,
       (ARRAY['instrument', 'test_facility', 'machining', 'pilot_line', 'workspace'])[1 + i % 5]::resource_kind,
       'A resource of the load test data set', 'Bench hall ' || (i % 20), 'Asia/Shanghai'
FROM generate_series(0, :resources - 1) AS i
JOIN institutions inst ON inst.code = 'bench-inst-' || (i % 10)
ON CONFLICT DO NOTHING;

INSERT INTO startups (space_id, code, name)
SELECT sp.id, 'bench-s' || lpad(i::text, 3, '0'), 'Bench Startup ' || i
FROM generate_series(0, :startups - 1) AS i
JOIN spaces sp ON sp.code = CASE WHEN i % 2 = 0 THEN 'bench-space-a' ELSE 'bench-space-b' END
ON CONFLICT DO NOTHING;

INSERT INTO members (handle, name, email, role, space_id, startup_id)
SELECT 'bench-m' || lpad(i::text, 5, '0'), 'Bench Member ' || i, 'm' || i || '@bench.example',
       'member', s.space_id, s.id
FROM generate_series(0, :members - 1) AS i
JOIN startups s ON s.code = 'bench-s' || lpad((i % :startups)::text, 3, '0')
ON CONFLICT DO NOTHING;

INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-bench-' || substr(m.handle, 8), 'UTF8')), 'bench'
FROM members m
WHERE m.handle LIKE 'bench-m%'
ON CONFLICT DO NOTHING;

-- Index -> id maps for the bookings loader and the pgbench scripts.
CREATE TABLE IF NOT EXISTS bench_resource (idx int PRIMARY KEY, id bigint NOT NULL,
                                           unit_id bigint NOT NULL);
INSERT INTO bench_resource
SELECT substr(r.code, 8)::int, r.id, u.id
FROM resources r JOIN resource_units u ON u.resource_id = r.id AND u.unit_no = 1
WHERE r.code LIKE 'bench-r%'
ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS bench_member (idx int PRIMARY KEY, id bigint NOT NULL, startup_id bigint);
INSERT INTO bench_member
SELECT substr(handle, 8)::int, id, startup_id FROM members WHERE handle LIKE 'bench-m%'
ON CONFLICT DO NOTHING;

COMMIT;
ANALYZE;
