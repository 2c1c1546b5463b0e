#include "sql.h"

#define BOOKING_COLS                                                                   \
	"v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch, v.end_epoch, " \
	"v.state, v.member_handle, v.startup_code, v.created_epoch, v.note, "              \
	"v.cancelled_epoch, v.cancel_reason"

const struct stmt_def stmt_defs[STMT__COUNT] = {
	[STMT_AUTH] = {
		"auth",
		"SELECT m.id, m.handle, m.name, m.role::text, coalesce(s.code::text, ''),"
		" coalesce(i.code::text, ''), coalesce(sp.code::text, ''),"
		" coalesce(m.startup_id, 0), coalesce(m.institution_id, 0)"
		" FROM tokens t JOIN members m ON m.id = t.member_id"
		" LEFT JOIN startups s ON s.id = m.startup_id"
		" LEFT JOIN institutions i ON i.id = m.institution_id"
		" LEFT JOIN spaces sp ON sp.id = coalesce(m.space_id, s.space_id, i.space_id)"
		" WHERE t.hash = $1::bytea AND t.revoked_at IS NULL"
		" AND (t.expires_at IS NULL OR t.expires_at > now()) AND m.disabled_at IS NULL",
		1,
	},
	[STMT_LIST_RESOURCES] = {
		"list_resources",
		"SELECT r.id, r.code, r.name, r.kind::text, i.code, i.name, s.code, r.time_zone,"
		" r.description, r.location, r.retired_at IS NOT NULL"
		" FROM resources r JOIN institutions i ON i.id = r.institution_id"
		" JOIN spaces s ON s.id = i.space_id"
		" WHERE ($1::text IS NULL OR r.code = $1::text)"
		" AND ($2::resource_kind IS NULL OR r.kind = $2::resource_kind)"
		" AND ($3::text IS NULL OR s.code = $3::text)"
		" AND ($4::text IS NULL OR i.code = $4::text)"
		" AND ($5::text IS NULL OR strpos(lower(r.code || ' ' || r.name || ' ' || r.description),"
		" lower($5::text)) > 0)"
		" AND ($6::boolean OR r.retired_at IS NULL)"
		" ORDER BY s.code, i.code, r.code LIMIT 1000",
		6,
	},
	[STMT_AVAILABILITY] = {
		"availability",
		/* one row per busy stretch, or one row of NULLs when free; none: no such resource */
		"SELECT r.id, r.code, r.name, r.kind::text, i.code, i.name, s.code, r.time_zone,"
		" r.description, r.location, r.retired_at IS NOT NULL,"
		" rb_epoch(lower(x.during)), rb_epoch(upper(x.during)), x.state::text,"
		" CASE WHEN x.startup_id = $4::bigint OR x.member_id = $5::bigint THEN x.id ELSE 0 END,"
		" x.member_id = $5::bigint"
		" FROM resources r JOIN institutions i ON i.id = r.institution_id"
		" JOIN spaces s ON s.id = i.space_id"
		" LEFT JOIN LATERAL (SELECT b.id, b.during, b.state, b.startup_id, b.member_id"
		"   FROM bookings b WHERE b.resource_id = r.id"
		"   AND b.during && tstzrange(rb_from_epoch($2::bigint), rb_from_epoch($3::bigint))"
		"   AND b.state NOT IN ('cancelled', 'declined')"
		"   ORDER BY lower(b.during) LIMIT 5000) x ON true"
		" WHERE r.code = $1::text",
		5,
	},
	[STMT_BOOK] = {
		"book",
		"SELECT * FROM rb_book($1::bigint, $2::text, $3::bigint, $4::bigint, $5::text,"
		" $6::text, $7::text)",
		7,
	},
	[STMT_CANCEL] = {
		"cancel",
		"SELECT * FROM rb_cancel($1::bigint, $2::bigint, $3::text, $4::text, $5::text)",
		5,
	},
	[STMT_LIST_BOOKINGS_MEMBER] = {
		"list_bookings_member",
		"SELECT " BOOKING_COLS " FROM booking_view v"
		" WHERE v.member_id = $1::bigint"
		" AND upper(v.during) > coalesce(rb_from_epoch($2::bigint), now())"
		" AND ($3::bigint IS NULL OR lower(v.during) < rb_from_epoch($3::bigint))"
		" AND ($4::boolean OR v.state NOT IN ('cancelled', 'declined'))"
		" AND ($5::text IS NULL OR v.resource_code = $5::text)"
		" ORDER BY lower(v.during), v.id LIMIT $6::int",
		6,
	},
	[STMT_LIST_BOOKINGS_STARTUP] = {
		"list_bookings_startup",
		"SELECT " BOOKING_COLS " FROM booking_view v"
		" WHERE v.startup_id = $1::bigint"
		" AND upper(v.during) > coalesce(rb_from_epoch($2::bigint), now())"
		" AND ($3::bigint IS NULL OR lower(v.during) < rb_from_epoch($3::bigint))"
		" AND ($4::boolean OR v.state NOT IN ('cancelled', 'declined'))"
		" AND ($5::text IS NULL OR v.resource_code = $5::text)"
		" ORDER BY lower(v.during), v.id LIMIT $6::int",
		6,
	},
};
