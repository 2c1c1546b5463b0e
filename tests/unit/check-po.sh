#!/usr/bin/env bash
# The translations (po/): msgfmt --check finds nothing wrong, every
# catalogue translates every string the sources mark (xgettext over
# po/POTFILES, compared with msgcmp: none missing, none untranslated, none
# fuzzy), and every client source that marks strings is in po/POTFILES.
#   check-po.sh SOURCE_ROOT
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() {
	echo "check-po: $*" >&2
	fail=1
}

cd "$src"
for f in $(grep -l -E '\b(N?C?_|ngettext)\(' client/*.c); do
	grep -qx "$f" po/POTFILES || no "$f marks strings but is not in po/POTFILES"
done
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
	--keyword=ngettext:1,2 --package-name=rigbook -o "$tmp/rigbook.pot" -f po/POTFILES
for lang in $(grep -v '^#' po/LINGUAS); do
	po=po/$lang.po
	stats=$(LC_ALL=C msgfmt --check --statistics -o "$tmp/$lang.mo" "$po" 2>&1) ||
		no "$po: msgfmt --check: $stats"
	case $stats in
	*untranslated* | *fuzzy*) no "$po is not fully translated: $stats" ;;
	esac
	LC_ALL=C msgcmp "$po" "$tmp/rigbook.pot" >"$tmp/cmp.log" 2>&1 ||
		no "$po lacks strings the sources mark (msgcmp):$(printf '\n'; head -20 "$tmp/cmp.log")"
	echo "$po: $stats"
done
exit $fail
