-- Integration test data.  Every member's token is 'tok-<handle>'; only its
-- SHA-256 is stored, as rigbookd expects.  Idempotent, so that it also
-- serves as a --seed file.

-- Two spaces, so that filters and scopes have something to tell apart.
INSERT INTO spaces (code, name, name_zh, field, field_zh) VALUES
  ('test-space', 'Test Powertrain Maker Space', '测试动力总成众创空间', 'Truck powertrain', '卡车动力总成'),
  ('other-space', 'Other Optics Maker Space', '测试光电子众创空间', 'Optoelectronics', '光电子')
ON CONFLICT DO NOTHING;

INSERT INTO institutions (space_id, code, name, name_zh, kind) VALUES
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'test-works', 'Test Engine Works', '测试发动机厂', 'enterprise'),
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'test-univ', 'Test University', '测试大学', 'university'),
  ((SELECT id FROM spaces WHERE code = 'other-space'), 'optics-inst', 'Test Institute of Optics', '测试光学所', 'institute')
ON CONFLICT DO NOTHING;

INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone) VALUES
  ((SELECT id FROM institutions WHERE code = 'test-works'), 'dyno-1', 'Engine dynamometer cell 1',
   'test_facility', 'AC transient dynamometer, 500 kW', 'Test Hall 2, cell 1', 'Asia/Shanghai'),
  ((SELECT id FROM institutions WHERE code = 'test-works'), 'dyno-2', 'Engine dynamometer cell 2',
   'test_facility', 'Steady-state dynamometer, 300 kW', 'Test Hall 2, cell 2', 'Asia/Shanghai'),
  ((SELECT id FROM institutions WHERE code = 'test-works'), 'mill-5ax', '5-axis machining centre',
   'machining', 'Simultaneous 5-axis milling of housings', 'Prototype workshop', 'Asia/Shanghai'),
  ((SELECT id FROM institutions WHERE code = 'test-works'), 'old-scope', 'Analogue oscilloscope',
   'instrument', 'Kept for the inventory, no longer lent', 'Store room', 'Asia/Shanghai'),
  ((SELECT id FROM institutions WHERE code = 'test-works'), 'race-rig', 'Contended test rig',
   'test_facility', 'Everybody wants this one', 'Test Hall 3', 'Asia/Shanghai'),
  ((SELECT id FROM institutions WHERE code = 'test-univ'), 'desk-a', 'Shared desk A',
   'workspace', 'Hot desk near the window', 'Incubator floor', 'Asia/Shanghai'),
  ((SELECT id FROM institutions WHERE code = 'test-univ'), 'berlin-bench', 'Optical bench at the Berlin partner lab',
   'instrument', 'Interferometer bench shared with a partner in Germany', 'Berlin, Adlershof', 'Europe/Berlin'),
  ((SELECT id FROM institutions WHERE code = 'optics-inst'), 'coater', 'Optical coating pilot line',
   'pilot_line', 'E-beam coater for small batches', 'Coating workshop', 'Asia/Shanghai')
ON CONFLICT DO NOTHING;

UPDATE resources SET retired_at = '2025-01-01 00:00+08' WHERE code = 'old-scope' AND retired_at IS NULL;

INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'acme', 'Acme Electric Drives'),
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'beta', 'Beta Thermal'),
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'race-a', 'Race Team A'),
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'race-b', 'Race Team B'),
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'race-c', 'Race Team C'),
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'race-d', 'Race Team D')
ON CONFLICT DO NOTHING;

INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id) VALUES
  ('alice', 'Alice Acme', 'alice@acme.example', 'member',
   (SELECT id FROM spaces WHERE code = 'test-space'), (SELECT id FROM startups WHERE code = 'acme'), NULL),
  ('bob', 'Bob Acme', 'bob@acme.example', 'member',
   (SELECT id FROM spaces WHERE code = 'test-space'), (SELECT id FROM startups WHERE code = 'acme'), NULL),
  ('carol', 'Carol Beta', 'carol@beta.example', 'member',
   (SELECT id FROM spaces WHERE code = 'test-space'), (SELECT id FROM startups WHERE code = 'beta'), NULL),
  ('mgr', 'Manny Manager', 'mgr@works.example', 'manager',
   (SELECT id FROM spaces WHERE code = 'test-space'), NULL, (SELECT id FROM institutions WHERE code = 'test-works')),
  ('oper', 'Olga Operator', 'oper@space.example', 'operator',
   (SELECT id FROM spaces WHERE code = 'test-space'), NULL, NULL),
  ('adm', 'Ada Admin', 'adm@rigbook.example', 'admin', NULL, NULL, NULL)
ON CONFLICT DO NOTHING;

-- race00 .. race31, spread over four startups.
INSERT INTO members (handle, name, email, role, space_id, startup_id)
SELECT 'race' || lpad(i::text, 2, '0'), 'Racer ' || i, 'race' || i || '@race.example', 'member',
       (SELECT id FROM spaces WHERE code = 'test-space'),
       (SELECT id FROM startups WHERE code = 'race-' || chr(ascii('a') + i % 4))
FROM generate_series(0, 31) AS i
ON CONFLICT DO NOTHING;

INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-' || m.handle, 'UTF8')), 'test'
FROM members m
WHERE m.handle IN ('alice', 'bob', 'carol', 'mgr', 'oper', 'adm') OR m.handle ~ '^race[0-9]{2}$'
ON CONFLICT DO NOTHING;

-- Resources whose opening hours, closures and booking rules the tests set
-- (each test owns its resource, so the rules of one never reach another).
-- Codes start with "rule-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, x.kind::resource_kind,
       x.description, 'Rules hall', x.tz
FROM (VALUES
  ('rule-rig-slot', 'Rig booked on a 30 min grid', 'instrument', 'Slot grid', 'Asia/Shanghai'),
  ('rule-rig-len', 'Rig with a minimum and maximum length', 'instrument', 'Length limits', 'Asia/Shanghai'),
  ('rule-rig-notice', 'Rig booked a day ahead', 'instrument', 'Notice', 'Asia/Shanghai'),
  ('rule-rig-ahead', 'Rig booked at most a month ahead', 'instrument', 'Reach', 'Asia/Shanghai'),
  ('rule-rig-buffer', 'Rig with a changeover buffer', 'instrument', 'Buffer', 'Asia/Shanghai'),
  ('rule-rig-free', 'Rig of three units, for the free-unit search', 'instrument', 'Free units', 'Asia/Shanghai'),
  ('rule-rig-active', 'Rig with a cap on future bookings', 'instrument', 'Active cap', 'Asia/Shanghai'),
  ('rule-rig-weekly', 'Rig with a weekly quota', 'instrument', 'Weekly quota', 'Asia/Shanghai'),
  ('rule-rig-days', 'Rig booked in whole days', 'instrument', 'Whole days', 'Asia/Shanghai'),
  ('rule-rig-gap', 'Rig with a gap between bookings', 'instrument', 'Gap', 'Asia/Shanghai'),
  ('rule-rig-offpeak', 'Rig with off-peak hours', 'instrument', 'Off-peak', 'Asia/Shanghai'),
  ('rule-rig-quota', 'Rig with a contended weekly quota', 'instrument', 'Contended quota', 'Asia/Shanghai'),
  ('rule-rig-terms', 'Rig with terms of use', 'instrument', 'Terms', 'Asia/Shanghai'),
  ('rule-rig-override', 'Rig booked past its rules by staff', 'instrument', 'Override', 'Asia/Shanghai'),
  ('rule-rig-hours', 'Rig with opening hours', 'workspace', 'Opening hours', 'Asia/Shanghai'),
  ('rule-rig-berlin', 'Rig with opening hours in Berlin', 'workspace', 'Opening hours across DST', 'Europe/Berlin'),
  ('rule-rig-exc', 'Rig with date exceptions', 'workspace', 'Exceptions', 'Asia/Shanghai'),
  ('rule-rig-close', 'Rig closed for a day', 'pilot_line', 'Closure', 'Asia/Shanghai'),
  ('rule-rig-maint', 'Rig in maintenance', 'pilot_line', 'Maintenance', 'Asia/Shanghai'),
  ('rule-rig-scope', 'Rig managed by its own institution', 'pilot_line', 'Scope', 'Asia/Shanghai'),
  ('rule-rig-units', 'Three identical benches', 'workspace', 'Units', 'Asia/Shanghai'),
  ('rule-rig-parent', 'Rig that needs its chiller', 'pilot_line', 'Parent', 'Asia/Shanghai'),
  ('rule-rig-child', 'Chiller booked with its rig', 'pilot_line', 'Required chiller', 'Asia/Shanghai'),
  ('rule-rig-slots', 'Rig for free-slot listings', 'instrument', 'Slots', 'Asia/Shanghai'),
  ('rule-find-a', 'Findable rig A', 'instrument', 'zzfind rig a', 'Asia/Shanghai'),
  ('rule-find-b', 'Findable rig B', 'instrument', 'zzfind rig b', 'Asia/Shanghai'),
  ('rule-rig-cal', 'Rig for the week calendar', 'instrument', 'Calendar', 'Asia/Shanghai'),
  ('rule-rig-show', 'Rig shown in full', 'instrument', 'Show', 'Asia/Shanghai'),
  ('rule-rig-flags', 'Rig whose rules change flag by flag', 'instrument', 'Rule flags', 'Asia/Shanghai'),
  ('rule-rig-retire', 'Rig about to be retired', 'instrument', 'Retire', 'Asia/Shanghai'),
  ('rule-rig-strand', 'Rig whose hours change over bookings', 'instrument', 'Hours over bookings', 'Asia/Shanghai'),
  ('rule-rig-scap', 'Rig with a cap on a startup''s bookings', 'instrument', 'Startup cap', 'Asia/Shanghai'),
  ('rule-rig-mweek', 'Rig with a weekly quota per member', 'instrument', 'Member quota', 'Asia/Shanghai')
) AS x (code, name, kind, description, tz)
ON CONFLICT DO NOTHING;

UPDATE resources SET tags = '{zztag}' WHERE code = 'rule-find-a' AND tags = '{}';

-- A startup whose members race for one weekly quota, and a manager of
-- another institution.
INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'rules-co', 'Rules Quota Co')
ON CONFLICT DO NOTHING;

INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id)
SELECT 'rq' || i, 'Quota ' || i, 'rq' || i || '@rules.example', 'member',
       (SELECT id FROM spaces WHERE code = 'test-space'), (SELECT id FROM startups WHERE code = 'rules-co'), NULL
FROM generate_series(0, 7) AS i
ON CONFLICT DO NOTHING;

INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id) VALUES
  ('mgr-other', 'Olli Optics', 'mgr@optics.example', 'manager',
   (SELECT id FROM spaces WHERE code = 'other-space'), NULL, (SELECT id FROM institutions WHERE code = 'optics-inst'))
ON CONFLICT DO NOTHING;

INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-' || m.handle, 'UTF8')), 'test'
FROM members m
WHERE m.handle = 'mgr-other' OR m.handle ~ '^rq[0-7]$'
ON CONFLICT DO NOTHING;

-- Resources of the booking-lifecycle tests (approval, moving, handing over,
-- cancelling late).  Codes start with "life-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, 'instrument',
       x.description, 'Lifecycle hall', 'Asia/Shanghai'
FROM (VALUES
  ('life-approve', 'Rig that needs approval', 'Approval'),
  ('life-race', 'Rig whose requests race', 'Approval race'),
  ('life-move', 'Rig whose bookings move', 'Move'),
  ('life-move-b', 'Companion of the moving rig', 'Move companion'),
  ('life-late', 'Rig with a late-cancellation window', 'Late cancellation'),
  ('life-hand', 'Rig whose bookings change hands', 'Hand over')
) AS x (code, name, description)
ON CONFLICT DO NOTHING;

-- Resources of the iCalendar export tests: a name long enough to fold, with
-- characters to escape and Chinese across the fold; one in another zone; one
-- whose bookings wait for approval.  Codes start with "ics-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, 'instrument',
       'Calendar export', 'Export hall', x.zone
FROM (VALUES
  ('ics-rig', 'Calendar rig, bay 1; 日历导出测试台架，用于检验折行与转义的长名称', 'Asia/Shanghai'),
  ('ics-berlin', 'Berlin calendar bench', 'Europe/Berlin'),
  ('ics-ask', 'Calendar rig that needs approval', 'Asia/Shanghai')
) AS x (code, name, zone)
ON CONFLICT DO NOTHING;

-- Resources of the waitlist tests (queueing for taken windows, promotion
-- when time frees up).  Codes start with "wait-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, 'instrument',
       x.description, 'Waitlist hall', 'Asia/Shanghai'
FROM (VALUES
  ('wait-basic', 'Rig with a queue', 'Waitlist'),
  ('wait-refuse', 'Rig whose queue refuses', 'Waitlist refusals'),
  ('wait-skip', 'Rig whose first waiter no longer fits', 'Waitlist skip'),
  ('wait-decline', 'Rig that needs approval, with a queue', 'Waitlist decline'),
  ('wait-move', 'Rig whose bookings move away', 'Waitlist move'),
  ('wait-close', 'Rig closed, with a queue', 'Waitlist closure'),
  ('wait-gone', 'Rig whose waiters withdraw', 'Waitlist withdraw'),
  ('wait-race', 'Rig whose cancellations race', 'Waitlist race'),
  ('wait-pair', 'Rig that needs its chiller, with a queue', 'Waitlist companions'),
  ('wait-pair-b', 'Chiller of the paired rig', 'Waitlist companion'),
  ('wait-staff', 'Rig whose queue staff read', 'Waitlist staff view'),
  ('wait-retired', 'Retired rig', 'Waitlist retired')
) AS x (code, name, description)
ON CONFLICT DO NOTHING;

UPDATE resources SET retired_at = '2025-01-01 00:00+08' WHERE code = 'wait-retired' AND retired_at IS NULL;

-- Resources of the usage tests (qualification, check-in and check-out,
-- overruns, corrections, no-shows and the no-show sweep).  Codes start with
-- "use-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, 'test_facility',
       x.description, 'Usage hall', 'Asia/Shanghai'
FROM (VALUES
  ('use-in', 'Rig checked in and out', 'Check-in and check-out'),
  ('use-edge', 'Rig with a check-in window', 'Check-in window'),
  ('use-late', 'Rig whose holders turn up late', 'No-shows'),
  ('use-over', 'Rig used past the end', 'Overrun'),
  ('use-fix', 'Rig whose usage is corrected', 'Corrections'),
  ('use-qual', 'Rig for qualified members only', 'Qualification'),
  ('use-pair', 'Rig that needs its cooling loop', 'Companions'),
  ('use-pair-b', 'Cooling loop booked with its rig', 'Companion'),
  ('use-sweep', 'Rig swept for no-shows', 'No-show sweep')
) AS x (code, name, description)
ON CONFLICT DO NOTHING;

-- Resources of the recurring-booking tests (series).  Codes start with "ser-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, 'instrument',
       x.description, 'Series hall', x.tz
FROM (VALUES
  ('ser-weekly', 'Rig booked every week', 'Weekly series', 'Asia/Shanghai'),
  ('ser-clash', 'Rig whose series meets a booking', 'All or nothing', 'Asia/Shanghai'),
  ('ser-skip', 'Rig whose series skips what is taken', 'Skip conflicts', 'Asia/Shanghai'),
  ('ser-berlin', 'Rig in Berlin booked across DST', 'Series across DST', 'Europe/Berlin'),
  ('ser-limit', 'Rig with a cap on future bookings', 'Series and limits', 'Asia/Shanghai'),
  ('ser-cancel', 'Rig whose series is cancelled', 'Cancel a series', 'Asia/Shanghai'),
  ('ser-cap', 'Rig for series that are too long', 'Series cap', 'Asia/Shanghai'),
  ('ser-idem', 'Rig for retried series', 'Series retries', 'Asia/Shanghai'),
  ('ser-approve', 'Rig whose series waits for approval', 'Series and approval', 'Asia/Shanghai'),
  ('ser-main', 'Rig that needs its chiller, booked in series', 'Series and companions', 'Asia/Shanghai'),
  ('ser-chiller', 'Chiller booked with its rig', 'Series companion', 'Asia/Shanghai'),
  ('ser-units', 'Two identical benches booked in series', 'Series and units', 'Asia/Shanghai')
) AS x (code, name, description, tz)
ON CONFLICT DO NOTHING;
-- Resources of the live-event tests (watch).  Codes start with "evt-".
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = 'test-works'), x.code, x.name, 'instrument',
       x.description, 'Event hall', x.tz
FROM (VALUES
  ('evt-rig', 'Rig whose changes are watched', 'Watched', 'Asia/Shanghai'),
  ('evt-other', 'Rig watched on its own', 'Filtered', 'Europe/Berlin'),
  ('evt-approve', 'Watched rig that needs approval', 'Approval', 'Asia/Shanghai'),
  ('evt-far', 'Rig booked through a second server', 'Two servers', 'Asia/Shanghai'),
  ('evt-flood', 'Rig with more events than a slow watcher reads', 'Flood', 'Asia/Shanghai'),
  ('evt-wait', 'Watched rig with a queue', 'Waitlist promotion', 'Asia/Shanghai')
) AS x (code, name, description, tz)
ON CONFLICT DO NOTHING;
UPDATE resources SET needs_approval = true WHERE code = 'evt-approve' AND NOT needs_approval;

-- People and access tests (startups, members, tokens): a startup in each
-- space, a member of one with a token, and an operator of the other space.
-- Codes and handles start with "ppl-".
INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'test-space'), 'ppl-acme', 'People Test Co'),
  ((SELECT id FROM spaces WHERE code = 'other-space'), 'ppl-optics', 'People Optics Co')
ON CONFLICT DO NOTHING;

INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id) VALUES
  ('ppl-member', 'Pat Member', 'pat@ppl.example', 'member',
   (SELECT id FROM spaces WHERE code = 'test-space'), (SELECT id FROM startups WHERE code = 'ppl-acme'), NULL),
  ('ppl-oper-other', 'Otto Other', 'otto@optics.example', 'operator',
   (SELECT id FROM spaces WHERE code = 'other-space'), NULL, NULL)
ON CONFLICT DO NOTHING;

INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-' || m.handle, 'UTF8')), 'test'
FROM members m
WHERE m.handle IN ('ppl-member', 'ppl-oper-other')
ON CONFLICT DO NOTHING;

-- Billing tests: a space of their own (so that its invoice runs number and
-- invoice nothing else), two host institutions, resources "bill-*", one
-- startup per test (tiers set where the test needs them), their members
-- and the space's operator.
INSERT INTO spaces (code, name, name_zh, field, field_zh) VALUES
  ('bill-space', 'Billing Test Space', '计费测试空间', 'Billing', '计费')
ON CONFLICT DO NOTHING;

INSERT INTO institutions (space_id, code, name, name_zh, kind) VALUES
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-works', 'Billing Works', '计费工厂', 'enterprise'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-univ', 'Billing University', '计费大学', 'university')
ON CONFLICT DO NOTHING;

INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = x.inst), x.code, x.name, x.kind::resource_kind,
       x.description, 'Billing hall', 'Asia/Shanghai'
FROM (VALUES
  ('bill-works', 'bill-rig', 'Rig charged by the hour', 'test_facility', 'Rates and rounding'),
  ('bill-works', 'bill-used', 'Rig charged by use', 'test_facility', 'Charge basis'),
  ('bill-works', 'bill-line', 'Pilot line charged by the day', 'pilot_line', 'Day rate'),
  ('bill-univ', 'bill-scope', 'University microscope', 'instrument', 'Vouchers by institution'),
  ('bill-works', 'bill-race', 'Rig of the concurrent invoice runs', 'test_facility', 'Invoice runs')
) AS x (inst, code, name, kind, description)
ON CONFLICT DO NOTHING;

INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-a', 'Billing A Rates'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-b', 'Billing B Host'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-c', 'Billing C External'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-d', 'Billing D Vouchers'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-e', 'Billing E Invoices'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-f', 'Billing F Race'),
  ((SELECT id FROM spaces WHERE code = 'bill-space'), 'bill-g', 'Billing G Early')
ON CONFLICT DO NOTHING;
UPDATE startups SET tier = 'host_internal' WHERE code = 'bill-b';
UPDATE startups SET tier = 'external' WHERE code = 'bill-c';

INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id)
SELECT x.handle, x.name, x.handle || '@bill.example', x.role::member_role,
       (SELECT id FROM spaces WHERE code = 'bill-space'),
       (SELECT id FROM startups WHERE code = x.startup),
       (SELECT id FROM institutions WHERE code = x.inst)
FROM (VALUES
  ('bill-ann', 'Ann of Billing A', 'member', 'bill-a', NULL),
  ('bill-bo', 'Bo of Billing B', 'member', 'bill-b', NULL),
  ('bill-cy', 'Cy of Billing C', 'member', 'bill-c', NULL),
  ('bill-di', 'Di of Billing D', 'member', 'bill-d', NULL),
  ('bill-ed', 'Ed of Billing E', 'member', 'bill-e', NULL),
  ('bill-fa', 'Fa of Billing F', 'member', 'bill-f', NULL),
  ('bill-gu', 'Gu of Billing G', 'member', 'bill-g', NULL),
  ('bill-oper', 'Otto Billing Operator', 'operator', NULL, NULL),
  ('bill-mgr', 'Mia Billing Manager', 'manager', NULL, 'bill-works')
) AS x (handle, name, role, startup, inst)
ON CONFLICT DO NOTHING;

INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-' || m.handle, 'UTF8')), 'test'
FROM members m
WHERE m.handle LIKE 'bill-%'
ON CONFLICT DO NOTHING;

-- A second space whose invoice runs spend the same startup's vouchers.
INSERT INTO spaces (code, name) VALUES ('bill-other', 'Billing Other Space')
ON CONFLICT DO NOTHING;
INSERT INTO institutions (space_id, code, name, kind) VALUES
  ((SELECT id FROM spaces WHERE code = 'bill-other'), 'bill-far', 'Billing Far Institute', 'institute')
ON CONFLICT DO NOTHING;
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone) VALUES
  ((SELECT id FROM institutions WHERE code = 'bill-far'), 'bill-far-rig', 'Rig of the other space',
   'test_facility', 'Vouchers spent by two spaces', 'Far hall', 'Asia/Shanghai')
ON CONFLICT DO NOTHING;
-- A startup of that space with a team of the host institution (bill-hu
-- belongs to bill-far) and a member who does not (bill-ho).
INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'bill-other'), 'bill-h', 'Billing H Host Team')
ON CONFLICT DO NOTHING;
INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id) VALUES
  ('bill-hu', 'Hu of the Far Institute', 'bill-hu@bill.example', 'member',
   (SELECT id FROM spaces WHERE code = 'bill-other'), (SELECT id FROM startups WHERE code = 'bill-h'),
   (SELECT id FROM institutions WHERE code = 'bill-far')),
  ('bill-ho', 'Ho of Billing H', 'bill-ho@bill.example', 'member',
   (SELECT id FROM spaces WHERE code = 'bill-other'), (SELECT id FROM startups WHERE code = 'bill-h'), NULL)
ON CONFLICT DO NOTHING;
INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-' || m.handle, 'UTF8')), 'test'
FROM members m
WHERE m.handle IN ('bill-hu', 'bill-ho')
ON CONFLICT DO NOTHING;

-- Report tests: a space of their own with a known week of use (2-6 March
-- 2026, Asia/Shanghai, in the past), written directly: resources "rep-*"
-- with opening hours, an exception and a closure (rep-lathe), none
-- (rep-oven, open around the clock) and daily hours (rep-scope, another
-- institution); bookings in every state, some across the range's edges;
-- charges, invoices and voucher redemptions.  test_report.sh has the
-- figures worked out by hand.
INSERT INTO spaces (code, name, name_zh, field, field_zh) VALUES
  ('rep-space', 'Report Test Space', '报表测试空间', 'Reports', '报表')
ON CONFLICT DO NOTHING;

INSERT INTO institutions (space_id, code, name, name_zh, kind) VALUES
  ((SELECT id FROM spaces WHERE code = 'rep-space'), 'rep-works', 'Report Works', '报表工厂', 'enterprise'),
  ((SELECT id FROM spaces WHERE code = 'rep-space'), 'rep-univ', 'Report University', '报表大学', 'university')
ON CONFLICT DO NOTHING;

INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone)
SELECT (SELECT id FROM institutions WHERE code = x.inst), x.code, x.name, x.kind::resource_kind,
       x.description, 'Report hall', 'Asia/Shanghai'
FROM (VALUES
  ('rep-works', 'rep-lathe', 'CNC lathe, "Turn, 1"', 'machining', 'Weekday hours, an exception, a closure'),
  ('rep-works', 'rep-oven', 'Curing oven', 'test_facility', 'No hours: open around the clock'),
  ('rep-univ', 'rep-scope', 'Electron microscope', 'instrument', 'Daily hours, another institution')
) AS x (inst, code, name, kind, description)
ON CONFLICT DO NOTHING;

INSERT INTO opening_hours (resource_id, kind, weekday, opens, closes)
SELECT r.id, 'open', d, x.opens, x.closes
FROM (VALUES ('rep-lathe', 1, 5, 540, 1020), ('rep-scope', 1, 7, 480, 1200)) AS x (code, d1, d2, opens, closes)
JOIN resources r ON r.code = x.code
CROSS JOIN LATERAL generate_series(x.d1, x.d2) d
ON CONFLICT DO NOTHING;

INSERT INTO date_exceptions (resource_id, day, closed, windows, reason)
SELECT id, '2026-03-04', false, '{[540,720)}', 'Half day: training'
FROM resources WHERE code = 'rep-lathe'
ON CONFLICT DO NOTHING;

INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'rep-space'), 'rep-a', 'Report A Motors'),
  ((SELECT id FROM spaces WHERE code = 'rep-space'), 'rep-b', 'Report B Batteries'),
  ((SELECT id FROM spaces WHERE code = 'rep-space'), 'rep-c', 'Report C Coatings')
ON CONFLICT DO NOTHING;

INSERT INTO members (handle, name, email, role, space_id, startup_id, institution_id)
SELECT x.handle, x.name, x.handle || '@rep.example', x.role::member_role,
       (SELECT id FROM spaces WHERE code = 'rep-space'),
       (SELECT id FROM startups WHERE code = x.startup),
       (SELECT id FROM institutions WHERE code = x.inst)
FROM (VALUES
  ('rep-ann', 'Ann of Report A', 'member', 'rep-a', NULL),
  ('rep-bo', 'Bo of Report B', 'member', 'rep-b', NULL),
  ('rep-cy', 'Cy of Report C', 'member', 'rep-c', NULL),
  ('rep-oper', 'Rita Report Operator', 'operator', NULL, NULL),
  ('rep-mgr', 'Rex Report Manager', 'manager', NULL, 'rep-works')
) AS x (handle, name, role, startup, inst)
ON CONFLICT DO NOTHING;

INSERT INTO tokens (member_id, hash, label)
SELECT m.id, sha256(convert_to('tok-' || m.handle, 'UTF8')), 'test'
FROM members m
WHERE m.handle LIKE 'rep-%'
ON CONFLICT DO NOTHING;

DO $$
DECLARE
  sp bigint := (SELECT id FROM spaces WHERE code = 'rep-space');
  ia bigint;
  ib bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM bookings b JOIN resources r ON r.id = b.resource_id
              WHERE r.code LIKE 'rep-%') THEN
    RETURN;
  END IF;
  INSERT INTO closures (resource_id, during, kind, reason, created_by)
  SELECT id, '[2026-03-05 13:00+08, 2026-03-05 15:00+08)', 'maintenance', 'Spindle service',
         (SELECT id FROM members WHERE handle = 'rep-mgr')
    FROM resources WHERE code = 'rep-lathe';

  INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, state, note,
                        checked_in_at, checked_out_at)
  SELECT r.id, u.id, m.id, m.startup_id, x.during::tstzrange, x.state::booking_state, x.note,
         x.cin::timestamptz, x.cout::timestamptz
    FROM (VALUES
      ('rep-lathe', 'rep-ann', '[2026-03-02 09:00+08, 2026-03-02 12:00+08)', 'completed', 'rep L1',
       '2026-03-02 09:10+08', '2026-03-02 11:40+08'),
      ('rep-lathe', 'rep-bo', '[2026-03-03 13:00+08, 2026-03-03 17:00+08)', 'no_show', 'rep L2', NULL, NULL),
      ('rep-lathe', 'rep-bo', '[2026-03-05 09:00+08, 2026-03-05 11:00+08)', 'completed', 'rep L3',
       '2026-03-05 08:50+08', '2026-03-05 11:30+08'),
      ('rep-lathe', 'rep-ann', '[2026-03-06 10:00+08, 2026-03-06 12:00+08)', 'cancelled', 'rep L4', NULL, NULL),
      ('rep-oven', 'rep-ann', '[2026-03-01 20:00+08, 2026-03-02 04:00+08)', 'completed', 'rep O1',
       '2026-03-01 20:00+08', '2026-03-02 04:00+08'),
      ('rep-oven', 'rep-cy', '[2026-03-06 18:00+08, 2026-03-07 06:00+08)', 'completed', 'rep O2',
       '2026-03-06 18:30+08', '2026-03-07 05:00+08'),
      ('rep-oven', 'rep-cy', '[2026-03-04 10:00+08, 2026-03-04 14:00+08)', 'no_show', 'rep O3', NULL, NULL),
      ('rep-oven', 'rep-ann', '[2026-03-03 08:00+08, 2026-03-03 09:00+08)', 'no_show', 'rep O4', NULL, NULL),
      ('rep-oven', 'rep-ann', '[2026-03-09 10:00+08, 2026-03-09 12:00+08)', 'completed', 'rep O5',
       '2026-03-09 10:00+08', '2026-03-09 12:00+08'),
      ('rep-scope', 'rep-cy', '[2026-03-02 10:00+08, 2026-03-02 12:00+08)', 'completed', 'rep S1',
       '2026-03-02 10:00+08', '2026-03-02 12:00+08'),
      ('rep-scope', 'rep-bo', '[2026-03-03 10:00+08, 2026-03-03 12:00+08)', 'requested', 'rep S2', NULL, NULL)
    ) AS x (code, handle, during, state, note, cin, cout)
    JOIN resources r ON r.code = x.code
    JOIN resource_units u ON u.resource_id = r.id AND u.unit_no = 1
    JOIN members m ON m.handle = x.handle;

  -- The ledger: charged on the local date of the booking's start.
  INSERT INTO charges (booking_id, kind, startup_id, space_id, resource_id, institution_id, tier,
                       currency, charged_on, minutes, amount_fen, description)
  SELECT b.id, x.kind::charge_kind, b.startup_id, sp, b.resource_id, r.institution_id,
         'member_startup', 'CNY', (lower(b.during) AT TIME ZONE 'Asia/Shanghai')::date, 0, x.fen, b.note
    FROM (VALUES ('rep L1', 'usage', 15000), ('rep L2', 'no_show', 4000), ('rep L3', 'usage', 123450),
                 ('rep O1', 'usage', 8000), ('rep O2', 'usage', 12000), ('rep S1', 'usage', 5000))
         AS x (note, kind, fen)
    JOIN bookings b ON b.note = x.note
    JOIN resources r ON r.id = b.resource_id;

  -- March invoices of rep-a (L1, half paid by a voucher) and rep-b (L3).
  INSERT INTO vouchers (startup_id, issuer, coverage_pct, cap_fen, used_fen, valid_from, valid_to)
  SELECT id, 'Report District', 50, 10000000, CASE code WHEN 'rep-a' THEN 7500 ELSE 61725 END,
         '2026-01-01', '2026-12-31'
    FROM startups WHERE code IN ('rep-a', 'rep-b');
  INSERT INTO invoices (number, space_id, startup_id, period, total_fen, voucher_fen, startup_fen)
  VALUES ('REP-2026-0001', sp, (SELECT id FROM startups WHERE code = 'rep-a'), '2026-03-01', 15000, 7500, 7500)
  RETURNING id INTO ia;
  INSERT INTO invoices (number, space_id, startup_id, period, total_fen, voucher_fen, startup_fen)
  VALUES ('REP-2026-0002', sp, (SELECT id FROM startups WHERE code = 'rep-b'), '2026-03-01', 123450, 61725, 61725)
  RETURNING id INTO ib;
  INSERT INTO invoice_lines (invoice_id, charge_id, amount_fen, voucher_fen, startup_fen)
  SELECT CASE x.note WHEN 'rep L1' THEN ia ELSE ib END, c.id, c.amount_fen, x.v, c.amount_fen - x.v
    FROM (VALUES ('rep L1', 7500), ('rep L3', 61725)) AS x (note, v)
    JOIN charges c ON c.description = x.note;
  INSERT INTO voucher_redemptions (voucher_id, invoice_line_id, amount_fen)
  SELECT v.id, l.id, l.voucher_fen
    FROM invoice_lines l
    JOIN invoices i ON i.id = l.invoice_id
    JOIN vouchers v ON v.startup_id = i.startup_id
   WHERE i.id IN (ia, ib);
  UPDATE invoices SET issued_at = '2026-04-01 09:00+08' WHERE id IN (ia, ib);
END $$;

-- A second report space whose one resource has two identical units, so
-- that open time counts each unit.
INSERT INTO spaces (code, name, name_zh, field, field_zh) VALUES
  ('rep-other', 'Report Units Space', '报表单元空间', 'Reports', '报表')
ON CONFLICT DO NOTHING;
INSERT INTO institutions (space_id, code, name, name_zh, kind) VALUES
  ((SELECT id FROM spaces WHERE code = 'rep-other'), 'rep-lab', 'Report Lab', '报表实验室', 'institute')
ON CONFLICT DO NOTHING;
INSERT INTO resources (institution_id, code, name, kind, description, location, time_zone) VALUES
  ((SELECT id FROM institutions WHERE code = 'rep-lab'), 'rep-bench', 'Two identical benches',
   'workspace', 'Two units, no hours', 'Report lab', 'Asia/Shanghai')
ON CONFLICT DO NOTHING;
INSERT INTO resource_units (resource_id, unit_no)
SELECT id, 2 FROM resources WHERE code = 'rep-bench'
ON CONFLICT DO NOTHING;
INSERT INTO startups (space_id, code, name) VALUES
  ((SELECT id FROM spaces WHERE code = 'rep-other'), 'rep-d', 'Report D Devices')
ON CONFLICT DO NOTHING;
INSERT INTO members (handle, name, email, role, space_id, startup_id) VALUES
  ('rep-di', 'Di of Report D', 'rep-di@rep.example', 'member',
   (SELECT id FROM spaces WHERE code = 'rep-other'), (SELECT id FROM startups WHERE code = 'rep-d'))
ON CONFLICT DO NOTHING;
INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, state, note,
                      checked_in_at, checked_out_at)
SELECT r.id, u.id, m.id, m.startup_id,
       tstzrange(t.a, t.a + interval '4 hours'), 'completed', 'rep B' || u.unit_no, t.a, t.a + interval '4 hours'
  FROM resources r
  JOIN resource_units u ON u.resource_id = r.id
  JOIN members m ON m.handle = 'rep-di'
  -- one after the other: no resource keeps overlapping active bookings,
  -- which the race checks look for across the whole table
  CROSS JOIN LATERAL (SELECT '2026-03-02 10:00+08'::timestamptz + (u.unit_no - 1) * interval '4 hours' AS a) t
 WHERE r.code = 'rep-bench'
   AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.resource_id = r.id);

-- Every resource above stands for equipment in service since before any
-- date the tests report on (the filing report counts open time from a
-- resource's creation).
UPDATE resources SET created_at = '2024-01-01 00:00+08' WHERE created_at > '2024-01-01 00:00+08';
