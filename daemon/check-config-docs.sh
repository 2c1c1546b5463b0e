#!/bin/sh
# Every configuration key rigbookd knows is documented in its man page.
# usage: check-config-docs.sh RIGBOOKD MANPAGE
set -eu
missing=0
for key in $("$1" --help-config | awk '{ print $1 }'); do
	if ! grep -q "^\.B $key\$" "$2"; then
		echo "configuration key '$key' is not documented in $2"
		missing=1
	fi
done
exit $missing
