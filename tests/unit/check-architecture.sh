#!/usr/bin/env bash
# check-architecture.sh SRC: docs/ARCHITECTURE.md's layout names every
# daemon/*.c (an entry "  NAME.c  what it does" under daemon/), and the
# entry of each file that includes libpq-fe.h says that it uses libpq.
set -uo pipefail
src=$1
doc=$src/docs/ARCHITECTURE.md
fail=0

# the layout block: from "daemon/" to the next top-level directory
layout=$(awk '/^daemon\// { on = 1; next } on && /^[a-z]/ { on = 0 } on' "$doc")
[[ -n $layout ]] || { echo "FAIL: no daemon/ in the layout of $doc" >&2; exit 1; }

# entry NAME: the entry's line and its continuation lines
entry() {
	awk -v f="$1" '
		$1 == f { on = 1; print; next }
		on && /^  [^ ]/ { on = 0 }
		on { print }' <<<"$layout"
}

for path in "$src"/daemon/*.c; do
	f=$(basename "$path")
	e=$(entry "$f")
	if [[ -z $e ]]; then
		echo "FAIL: docs/ARCHITECTURE.md does not name daemon/$f in its layout" >&2
		fail=1
		continue
	fi
	if grep -q '#include <libpq-fe.h>' "$path" && ! grep -q 'libpq' <<<"$e"; then
		echo "FAIL: daemon/$f uses libpq, which its entry in docs/ARCHITECTURE.md does not say" >&2
		fail=1
	fi
done
# and names no file that is not there
for f in $(awk '$1 ~ /^[a-z_]+\.c$/ { print $1 }' <<<"$layout"); do
	[[ -f $src/daemon/$f ]] || { echo "FAIL: docs/ARCHITECTURE.md names daemon/$f, which does not exist" >&2; fail=1; }
done
exit $fail
