-- Past bookings k0 .. k1-1 of a data set that will hold :total of them.
-- psql variables: k0, k1, total, from_epoch, span (seconds).
--
-- Booking k belongs to resource k % R and takes slot j = k / R of that
-- resource's S = total / R slots, which tile [from_epoch, from_epoch + span).
-- The slot is scattered (j * P mod S, P prime), so that loading the first
-- 10,000 and later the rest spreads both over all the years.  A booking lies
-- inside its slot, so active bookings of one resource (its one unit) never
-- overlap.  Every
-- tenth is cancelled, the rest completed.  Loading in steps (k0, k1) gives the
-- same rows as loading at once.

BEGIN;

INSERT INTO bookings (resource_id, unit_id, member_id, startup_id, during, state, note, created_at,
                      cancelled_at, cancelled_by, cancel_reason)
SELECT r.id, r.unit_id, m.id, m.startup_id,
       tstzrange(to_timestamp(g.st), to_timestamp(g.st + g.dur), '[)'),
       CASE WHEN g.k % 10 = 0 THEN 'cancelled' ELSE 'completed' END::booking_state,
       '', to_timestamp(g.st - 604800),
       CASE WHEN g.k % 10 = 0 THEN to_timestamp(g.st - 86400) END,
       CASE WHEN g.k % 10 = 0 THEN m.id END,
       ''
FROM (
  SELECT k, k % nr AS ridx, (k * 31) % nm AS midx,
         :from_epoch + ((k / nr) * 1000003 % slots) * slot_len
           + (k * 7919) % greatest(slot_len - least(3600 * (1 + (k * 7) % 4), slot_len / 2), 1) AS st,
         least(3600 * (1 + (k * 7) % 4), slot_len / 2) AS dur
  FROM (SELECT count(*) AS nr FROM bench_resource) cr,
       (SELECT count(*) AS nm FROM bench_member) cm,
       LATERAL (SELECT greatest((:total + nr - 1) / nr, 1) AS slots) s,
       LATERAL (SELECT :span / slots AS slot_len) l,
       generate_series(:k0::bigint, :k1::bigint - 1) AS k
) g
JOIN bench_resource r ON r.idx = g.ridx
JOIN bench_member m ON m.idx = g.midx;

-- As a running system has them: the idempotency key each booking was made
-- with (rigbook-load and the pgbench script send one with every booking).
-- Without them the keys table starts empty, and a session's cached plan for
-- looking a key up is made while it is small.
INSERT INTO idempotency_keys (member_id, key, operation, fingerprint, result_id)
SELECT b.member_id, 'bench-seed-' || b.id, 'book', '', b.id
FROM bookings b
WHERE b.id > coalesce((SELECT max(result_id) FROM idempotency_keys WHERE key LIKE 'bench-seed-%'), 0);

COMMIT;
