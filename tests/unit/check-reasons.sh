#!/usr/bin/env bash
# check-reasons.sh [SRC] [--list]: every refusal carries a stable reason.
#  - no refusal in sql/ is raised bare (RAISE EXCEPTION USING ERRCODE =
#    'RB4xx'): each goes through rb_refuse, which puts the reason and its
#    arguments in HINT (sql/core.sql);
#  - every reason key used in sql/ (rb_refuse's second argument, or a
#    "reason := 'key'" that a refusal is built from) is a row of the table
#    in docs/PROTOCOL.md "Refusal reasons", with every wire code it is
#    raised with; and the table lists no key that sql/ no longer uses.
# --list prints the keys found, each with its codes, and exits.
set -uo pipefail
src=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
list=0
[[ ${2:-} == --list || ${1:-} == --list ]] && list=1
[[ ${1:-} == --list ]] && src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
doc=$src/docs/PROTOCOL.md
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

no() {
	echo "FAIL: $*" >&2
	fail=1
}

shopt -s nullglob
files=("$src"/sql/*.sql)
[[ ${#files[@]} -gt 0 ]] || { echo "FAIL: no sql/*.sql under $src" >&2; exit 1; }

wire() {
	case $1 in
	RB400) echo INVALID_ARGUMENT ;;
	RB401) echo UNAUTHENTICATED ;;
	RB403) echo PERMISSION_DENIED ;;
	RB404) echo NOT_FOUND ;;
	RB409) echo CONFLICT ;;
	RB412) echo FAILED_PRECONDITION ;;
	RB429) echo RESOURCE_EXHAUSTED ;;
	*) echo "?$1" ;;
	esac
}

# 1. No bare refusal.  (RBP02 in series.sql is no refusal: it undoes a
# series inside the function that raises it and never leaves it.)
if grep -nHiE "RAISE[[:space:]]+EXCEPTION[[:space:]]+USING[[:space:]]+ERRCODE[[:space:]]*=[[:space:]]*'RB[0-9]" \
	"${files[@]}" >"$tmp/bare"; then
	no "$(wc -l <"$tmp/bare") refusal(s) raised without a reason; use rb_refuse (sql/core.sql):"
	sed 's/^/  /' "$tmp/bare" >&2
fi

# 2. The keys and their codes.  Comments out, each file as one line, so
# that a call spread over lines reads as one.
for f in "${files[@]}"; do
	sed 's/--.*$//' "$f" | tr '\n' ' ' | tr -s ' '
	echo
done >"$tmp/flat"

# rb_refuse('RB412', 'key', ...): code and key.
grep -oE "rb_refuse\( *'RB[0-9]{3}' *, *'[^']*'" "$tmp/flat" |
	sed -E "s/rb_refuse\( *'(RB[0-9]{3})' *, *'([^']*)'/\2 \1/" >"$tmp/keys"
# code := 'RB412'; reason := 'key' (rb_rules), and a bare reason := 'key'
# (rb_unqualified: the caller gives the code).
grep -oE "(code := 'RB[0-9]{3}'; *)?reason := '[^']*'" "$tmp/flat" |
	sed -E "s/^code := '(RB[0-9]{3})'; *reason := '([^']*)'$/\2 \1/; s/^reason := '([^']*)'$/\1 -/" >>"$tmp/keys"
# A reason rb_refuse takes from elsewhere must come from a variable or field
# called reason, which the grep above reads where it is set.
grep -oE "rb_refuse\( *[^,]+ *, *[^,]+ *," "$tmp/flat" | grep -vE "rb_refuse\( *'RB[0-9]{3}' *, *'" |
	grep -vE "rb_refuse\( *p_code text *, *p_reason text *," |
	grep -vE ", *([a-z_]+\.)?[a-z_]*reason *,$" >"$tmp/dynamic"
[[ -s $tmp/dynamic ]] && no "rb_refuse with a reason this check cannot read: $(tr '\n' ' ' <"$tmp/dynamic")"

sort -u "$tmp/keys" >"$tmp/pairs"
cut -d' ' -f1 "$tmp/pairs" | sort -u >"$tmp/used"
[[ $(wc -l <"$tmp/used") -ge 20 ]] || no "found only $(wc -l <"$tmp/used") reason keys: the check reads nothing"
if grep -vE '^[a-z][a-z0-9_]*$' "$tmp/used" >"$tmp/badkeys"; then
	no "reason keys are snake_case: $(tr '\n' ' ' <"$tmp/badkeys")"
fi

if [[ $list -eq 1 ]]; then
	while read -r key; do
		codes=$(awk -v k="$key" '$1 == k && $2 != "-" { print $2 }' "$tmp/pairs" |
			while read -r c; do wire "$c"; done | sort -u | tr '\n' ' ')
		echo "$key ${codes:--}"
	done <"$tmp/used"
	exit $fail
fi

# 3. The table in docs/PROTOCOL.md: rows "| `key` | `CODE`, ... | ..." under
# "## Refusal reasons", up to the next "## ".
[[ -f $doc ]] || { no "no $doc"; exit 1; }
awk '/^## Refusal reasons/ { on = 1; next } /^## / { on = 0 } on' "$doc" >"$tmp/section"
[[ -s $tmp/section ]] || no "docs/PROTOCOL.md has no section \"## Refusal reasons\""
# shellcheck disable=SC2016 # the backquotes are Markdown's, not the shell's
grep -E '^\| *`[a-z][a-z0-9_]*` *\|' "$tmp/section" >"$tmp/rows"
# shellcheck disable=SC2016
sed -E 's/^\| *`([a-z0-9_]+)`.*/\1/' "$tmp/rows" | sort >"$tmp/documented"
dups=$(uniq -d "$tmp/documented")
[[ -z $dups ]] || no "docs/PROTOCOL.md lists more than once: $dups"
missing=$(comm -23 "$tmp/used" <(sort -u "$tmp/documented"))
[[ -z $missing ]] || no "reason keys used in sql/ but missing from the table in docs/PROTOCOL.md: ${missing//$'\n'/ }"
stale=$(comm -13 "$tmp/used" <(sort -u "$tmp/documented"))
[[ -z $stale ]] || no "reason keys in docs/PROTOCOL.md that sql/ does not use: ${stale//$'\n'/ }"

# Each code a key is raised with is named in its row's second cell.
while read -r key code; do
	[[ $code == - ]] && continue
	row=$(grep -E "^\| *\`$key\` *\|" "$tmp/rows" | head -n 1)
	[[ -n $row ]] || continue
	cell=$(echo "$row" | awk -F'|' '{ print $3 }')
	name=$(wire "$code")
	[[ $cell == *"\`$name\`"* ]] || no "$key is raised as $name ($code) but its row in docs/PROTOCOL.md says: $cell"
done <"$tmp/pairs"

[[ $fail -eq 0 ]] && echo "ok: $(wc -l <"$tmp/used") reason keys, each documented; no bare refusal"
exit $fail
