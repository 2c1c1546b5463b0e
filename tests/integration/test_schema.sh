# The schema and its upgrades: what rigbookd applies at start, and what it
# refuses.  Each case makes databases of its own on the test cluster.

# schema_db NAME: a new, empty database on the test cluster; prints its URL.
schema_db() {
	rb_pg_psql postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
	echo "postgresql://postgres@/$1?host=$RB_PG_DIR&port=$RB_PG_PORT"
}

# schema_migrate DAEMON URL LOG: rigbookd migrate, as the harness runs it.
schema_migrate() {
	local state=$RB_CASE_DIR/state
	mkdir -p "$state"
	rb_give_to_run_as "$state"
	"$1" --database_url="$2" --state_dir="$state" --tls_cert="$RB_TLS/server.crt" \
		--tls_key="$RB_TLS/server.key" migrate >"$3" 2>&1
}

# schema_dump DB: the schema as pg_dump prints it (without the random
# \restrict key pg_dump adds).
schema_dump() {
	"$RB_PG_BINDIR/pg_dump" -h "$RB_PG_DIR" -p "$RB_PG_PORT" -U postgres --schema-only "$1" |
		grep -v '^\\\(un\)\{0,1\}restrict '
}

# An upgrade ends where a fresh start does: the database each release left
# behind (tests/integration/upgrade/TAG.sql, made by make.sh there from the
# tagged tree: its migrations, its code, its fixture's rows), migrated by
# this rigbookd, dumps the same schema as a database this rigbookd made from
# nothing, and keeps its rows.
t_schema_upgrade_equals_fresh() {
	local dump tag url n=0
	url=$(schema_db schema_fresh)
	schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/fresh.log" ||
		{ cat "$RB_CASE_DIR/fresh.log"; return 1; }
	schema_dump schema_fresh >"$RB_CASE_DIR/fresh.sql"
	[[ $(grep -c '^CREATE FUNCTION' "$RB_CASE_DIR/fresh.sql") -gt 100 ]]
	for dump in "$RB_SRC"/tests/integration/upgrade/v*.sql; do
		[[ -f $dump ]] || continue
		tag=$(basename "$dump" .sql)
		n=$((n + 1))
		url=$(schema_db schema_upgraded)
		rb_pg_psql schema_upgraded -f "$dump" >"$RB_CASE_DIR/restore-$tag.log" 2>&1 ||
			{ cat "$RB_CASE_DIR/restore-$tag.log"; return 1; }
		local before
		before=$(rb_pg_psql schema_upgraded -At -c 'SELECT count(*) FROM bookings')
		[[ $before -gt 0 ]] || { echo "the $tag dump has no bookings"; return 1; }
		schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/upgrade-$tag.log" ||
			{ cat "$RB_CASE_DIR/upgrade-$tag.log"; return 1; }
		schema_dump schema_upgraded >"$RB_CASE_DIR/upgraded-$tag.sql"
		if ! diff -u "$RB_CASE_DIR/fresh.sql" "$RB_CASE_DIR/upgraded-$tag.sql" >"$RB_CASE_DIR/diff-$tag"; then
			echo "upgrading from $tag does not give the schema a fresh database gets:"
			head -n 60 "$RB_CASE_DIR/diff-$tag"
			return 1
		fi
		expect_eq "$before" "$(rb_pg_psql schema_upgraded -At -c 'SELECT count(*) FROM bookings')"
	done
	[[ $n -gt 0 ]] || { echo "no release dumps in tests/integration/upgrade/"; return 1; }
}

# Each start makes the live code the files': a function's body changed by
# hand comes back, and a function no file defines is dropped.
t_schema_code_reapplied() {
	local url
	url=$(schema_db schema_code)
	schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/1.log" || { cat "$RB_CASE_DIR/1.log"; return 1; }
	rb_pg_psql schema_code -c "CREATE OR REPLACE FUNCTION rb_series_max() RETURNS int LANGUAGE sql IMMUTABLE AS \$\$ SELECT 7 \$\$" \
		-c "CREATE FUNCTION rb_left_behind(int) RETURNS int LANGUAGE sql AS \$\$ SELECT \$1 \$\$"
	expect_eq 7 "$(rb_pg_psql schema_code -At -c 'SELECT rb_series_max()')"
	schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/2.log" || { cat "$RB_CASE_DIR/2.log"; return 1; }
	expect_eq 52 "$(rb_pg_psql schema_code -At -c 'SELECT rb_series_max()')"
	expect_eq 0 "$(rb_pg_psql schema_code -At -c "SELECT count(*) FROM pg_proc WHERE proname = 'rb_left_behind'")"
	grep -q 'dropping function rb_left_behind(integer): no file defines it' "$RB_CASE_DIR/2.log"
	# the functions the tables' constraints call are the schema's and stay
	expect_eq 2 "$(rb_pg_psql schema_code -At -c "SELECT count(*) FROM pg_proc WHERE proname IN ('rb_valid_tz', 'rb_uscc_problem')")"
	expect_eq "$(ls "$RB_SRC"/migrations/*.sql | wc -l)" \
		"$(rb_pg_psql schema_code -At -c 'SELECT count(*) FROM schema_migrations')"
}

# A migration edited after it was applied, a database from a later
# rigbookd, and one from before the baseline are each refused at start,
# and nothing is changed.
t_schema_refusals() {
	local url first
	url=$(schema_db schema_refuse)
	schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/1.log" || { cat "$RB_CASE_DIR/1.log"; return 1; }
	first=$(basename "$(ls "$RB_SRC"/migrations/*.sql | head -n 1)" .sql)

	# The file as applied had another checksum: the file was edited since.
	rb_pg_psql schema_refuse -c "UPDATE schema_migrations SET sha256 = repeat('0', 64) WHERE version = '$first'"
	if schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/2.log"; then
		echo "an edited migration was accepted"
		return 1
	fi
	grep -q "migrations/$first.sql is not the file that was applied to this database" "$RB_CASE_DIR/2.log" ||
		{ cat "$RB_CASE_DIR/2.log"; return 1; }
	rb_pg_psql schema_refuse -c "UPDATE schema_migrations SET sha256 = '$(sha256sum "$RB_SRC/migrations/$first.sql" | cut -c1-64)' WHERE version = '$first'"

	# A migration this rigbookd does not know.
	rb_pg_psql schema_refuse -c "INSERT INTO schema_migrations VALUES ('9999_from_the_future', repeat('0', 64))"
	if schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/3.log"; then
		echo "a database with an unknown migration was accepted"
		return 1
	fi
	grep -q "the database has migration 9999_from_the_future, which this rigbookd does not know" "$RB_CASE_DIR/3.log" ||
		{ cat "$RB_CASE_DIR/3.log"; return 1; }
	rb_pg_psql schema_refuse -c "DELETE FROM schema_migrations WHERE version = '9999_from_the_future'"
	schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/4.log" || { cat "$RB_CASE_DIR/4.log"; return 1; }

	# A database made before the baseline: its history has no checksums.
	url=$(schema_db schema_prehistoric)
	rb_pg_psql schema_prehistoric -c "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())" \
		-c "INSERT INTO schema_migrations (version) VALUES ('0001_core'), ('0002_resource_terms')"
	if schema_migrate "$RB_DAEMON" "$url" "$RB_CASE_DIR/5.log"; then
		echo "a database from before the baseline was accepted"
		return 1
	fi
	grep -q "made by a rigbook older than 0.2.0" "$RB_CASE_DIR/5.log" && grep -q "Start afresh" "$RB_CASE_DIR/5.log" ||
		{ cat "$RB_CASE_DIR/5.log"; return 1; }
	expect_eq 0 "$(rb_pg_psql schema_prehistoric -At -c "SELECT count(*) FROM pg_class WHERE relname = 'bookings'")"
}
