#!/usr/bin/env bash
# check-schema.sh SRC EMBED_SQL_PY: the schema's shape, without a database.
#  - migrations/ are numbered 0001, 0002, ... without a gap (embed_sql.py
#    refuses a tree with one, and is checked to refuse it here);
#  - no function, view or trigger is defined twice anywhere in migrations/
#    and sql/, nor is one restated by a later migration;
#  - sql/ holds no table, type, index or constraint: those are migrations'.
set -uo pipefail
src=$1
embed=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

no() {
	echo "FAIL: $*" >&2
	fail=1
}

# The real tree embeds.
python3 "$embed" "$tmp/ok.c" "$src/migrations" "$src/sql" \
	$(sed -n "s/^sql_domains = \[\(.*\)/\1/p; /^ *'[a-z]*'.*\]$/p" "$src/daemon/meson.build" |
		tr -d "[],'" | tr ' ' '\n' | grep -v '^$') >"$tmp/ok.log" 2>&1 ||
	no "embed_sql.py refuses the tree: $(cat "$tmp/ok.log")"

# A gap, a duplicate number and a bad name are each refused.
for case in gap dup name; do
	mkdir -p "$tmp/$case/m" "$tmp/$case/s"
	cp "$src"/migrations/*.sql "$tmp/$case/m/"
	n=$(ls "$src"/migrations/*.sql | wc -l)
	case $case in
	gap) echo 'SELECT 1;' >"$tmp/$case/m/$(printf %04d $((n + 2)))_later.sql" ;;
	dup) echo 'SELECT 1;' >"$tmp/$case/m/$(printf %04d "$n")_again.sql" ;;
	name) echo 'SELECT 1;' >"$tmp/$case/m/$(printf %04d $((n + 1)))-Bad.sql" ;;
	esac
	if python3 "$embed" "$tmp/$case/out.c" "$tmp/$case/m" "$tmp/$case/s" >"$tmp/$case.log" 2>&1; then
		no "embed_sql.py accepted migrations with a $case"
	fi
done
grep -q 'without gaps' "$tmp/gap.log" || no "a gap is not reported as one: $(cat "$tmp/gap.log")"

# Each function, view and trigger defined once in the whole tree.
grep -hoiE '^ *CREATE +(OR +REPLACE +)?(FUNCTION|VIEW|TRIGGER|MATERIALIZED +VIEW) +[a-z_.]+' \
	"$src"/migrations/*.sql "$src"/sql/*.sql |
	sed -E 's/^ *CREATE +(OR +REPLACE +)?//I' | tr 'A-Z' 'a-z' | tr -s ' ' | sort >"$tmp/objects"
dups=$(uniq -d "$tmp/objects")
[[ -z $dups ]] || no "defined more than once: $dups"
[[ $(wc -l <"$tmp/objects") -gt 100 ]] || no "found only $(wc -l <"$tmp/objects") definitions: the check reads nothing"

# sql/ is code only.
if grep -nE '^ *(CREATE +(TABLE|TYPE|DOMAIN|INDEX|UNIQUE|SEQUENCE|EXTENSION)|ALTER +TABLE)' "$src"/sql/*.sql; then
	no "sql/ defines schema objects (above); they belong in a migration"
fi
exit $fail
