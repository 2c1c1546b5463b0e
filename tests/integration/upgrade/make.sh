#!/usr/bin/env bash
# tests/integration/upgrade/make.sh TAG: the database a release left behind,
# as tests/integration/upgrade/TAG.sql.  It builds the tree at TAG, lets that
# rigbookd migrate an empty database, loads that tree's test fixture, and
# dumps the whole database (schema and rows) with pg_dump.
#
# test_schema.sh restores every dump here and upgrades it with the current
# rigbookd, so an upgrade is tested from each release without git history
# or tags (CI checks out a branch alone).  Run it once per release, after
# tagging, and commit the file; never edit a dump.
set -euo pipefail
tag=${1:?usage: tests/integration/upgrade/make.sh TAG}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RB_SRC=$(cd "$here/../../.." && pwd)
# shellcheck source=../lib.sh
. "$RB_SRC/tests/integration/lib.sh"

RB_TMP=$(mktemp -d)
chmod 755 "$RB_TMP"
trap 'rb_pg_stop; rm -rf "$RB_TMP"' EXIT

git -C "$RB_SRC" rev-parse --verify -q "refs/tags/$tag" >/dev/null || rb_die "no tag $tag"
mkdir -p "$RB_TMP/src"
git -C "$RB_SRC" archive "$tag" | tar -x -C "$RB_TMP/src"
meson setup "$RB_TMP/build" "$RB_TMP/src" --buildtype=plain >"$RB_TMP/setup.log" 2>&1 ||
	{ cat "$RB_TMP/setup.log"; rb_die "meson setup of $tag failed"; }
ninja -C "$RB_TMP/build" daemon/rigbookd >"$RB_TMP/build.log" 2>&1 ||
	{ tail -n 30 "$RB_TMP/build.log"; rb_die "building $tag failed"; }

rb_ensure_run_as_user
rb_certs "$RB_TMP/tls"
rb_pg_cluster_start "$RB_TMP/pg" 50 16
rb_pg_psql postgres -c "CREATE DATABASE rb_release" >/dev/null
mkdir -p "$RB_TMP/state"
rb_give_to_run_as "$RB_TMP/state"
"$RB_TMP/build/daemon/rigbookd" \
	--database_url="postgresql://postgres@/rb_release?host=$RB_PG_DIR&port=$RB_PG_PORT" \
	--state_dir="$RB_TMP/state" --tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
	migrate >"$RB_TMP/migrate.log" 2>&1 || { cat "$RB_TMP/migrate.log"; rb_die "migrate failed"; }
rb_pg_psql rb_release -f "$RB_TMP/src/tests/integration/fixture.sql" >/dev/null

{
	echo "-- The database rigbookd $tag leaves behind: migrated by it, with its"
	echo "-- test fixture loaded.  Made by tests/integration/upgrade/make.sh $tag."
	"$RB_PG_BINDIR/pg_dump" -h "$RB_PG_DIR" -p "$RB_PG_PORT" -U postgres --no-owner \
		--no-privileges rb_release | grep -v '^\\\(un\)\{0,1\}restrict '
} >"$here/$tag.sql"
echo "wrote $here/$tag.sql ($(wc -c <"$here/$tag.sql") bytes)"
