#!/usr/bin/env bash
# What `meson install` puts on a system, checked from a staged install
# (--destdir): the programs and man pages, a systemd unit that
# systemd-analyze accepts, the sample configuration (every key, commented
# out, and a file rigbookd reads once uncommented), and the completion of
# rigbook for commands, sub-verbs and options.
# usage: check-install.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
src=$1
build=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail=0
bad() {
	echo "not ok: $*"
	fail=1
}

meson install -C "$build" --no-rebuild --quiet --destdir "$stage" >"$stage.log" 2>&1 ||
	{ cat "$stage.log"; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$stage$prefix

find_one() { # find_one NAME-PATTERN: the one installed file matching
	find "$stage" -path "$1" -type f | head -n 1
}
rigbookd=$(find_one '*/sbin/rigbookd')
rigbook=$(find_one '*/bin/rigbook')
unit=$(find_one '*/systemd/system/rigbookd.service')
sysusers=$(find_one '*/sysusers.d/rigbook.conf')
sample=$(find_one '*/rigbook/rigbookd.conf')
completion=$(find_one '*/completions/rigbook')
for f in rigbookd rigbook unit sysusers sample completion; do
	[[ -n ${!f} ]] || bad "nothing installed for $f under $stage"
done
[[ -n $(find_one '*/man1/rigbook.1') ]] || bad "rigbook.1 is not installed"
[[ -n $(find_one '*/man8/rigbookd.8') ]] || bad "rigbookd.8 is not installed"
[[ $fail -eq 0 ]] || exit 1

# ---- the unit: systemd-analyze verify, with ExecStart pointing at the staged binary
grep -q "^ExecStart=$prefix/sbin/rigbookd -c " "$unit" || bad "ExecStart does not run $prefix/sbin/rigbookd"
for k in Type=notify WatchdogSec= NoNewPrivileges=yes ProtectSystem=strict StateDirectory=rigbook \
	PrivateTmp=yes RestrictAddressFamilies= User=rigbook; do
	grep -q "^$k" "$unit" || bad "the unit has no $k"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|^ExecStart=$prefix/sbin/rigbookd|ExecStart=$rigbookd|" "$unit" >"$stage/rigbookd.service"
	systemd-analyze verify --man=no "$stage/rigbookd.service" || bad "systemd-analyze verify refuses the unit"
else
	echo "# systemd-analyze is missing: the unit was not verified"
fi

# ---- the sample configuration: every key, commented out at its default
"$rigbookd" --help-config | awk '{ print $1 }' >"$stage/keys"
[[ $(wc -l <"$stage/keys") -gt 10 ]] || bad "rigbookd --help-config lists too few keys"
while read -r key; do
	grep -q "^#$key =" "$sample" || bad "the sample configuration lacks $key"
done <"$stage/keys"
if grep -v '^#' "$sample" | grep -q '[^[:space:]]'; then
	bad "the sample configuration sets something: everything is commented out"
fi
"$src/scripts/mkcerts" "$stage/tls" >/dev/null
sed -n 's/^#\([a-z_]* =.*\)$/\1/p' "$sample" |
	sed "s|^tls_cert =.*|tls_cert = $stage/tls/server.crt|; s|^tls_key =.*|tls_key = $stage/tls/server.key|" \
		>"$stage/uncommented.conf"
[[ $(wc -l <"$stage/uncommented.conf") -eq $(wc -l <"$stage/keys") ]] ||
	bad "uncommenting the sample does not give one line per key"
"$rigbookd" -c "$stage/uncommented.conf" check >"$stage/check.out" 2>&1 ||
	{ cat "$stage/check.out"; bad "rigbookd check refuses the uncommented sample"; }
echo 'no_such_key = 1' >>"$stage/uncommented.conf"
if "$rigbookd" -c "$stage/uncommented.conf" check >/dev/null 2>&1; then
	bad "rigbookd check accepts an unknown key"
fi

# ---- completion: commands, sub-verbs and options, from the client's help
complete_line() { # complete_line WORDS...: what <TAB> offers after the words
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_rigbook
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$completion" "$@"
}
expect_offer() { # expect_offer WANT WORDS...
	local want=$1 got
	shift
	got=$(complete_line "$@" | tr '\n' ' ')
	[[ " $got" == *" $want "* ]] || bad "completing '$*' offers '$got', not '$want'"
}
expect_offer book "$rigbook" bo
expect_offer bookings "$rigbook" bo
expect_offer run "$rigbook" invoice ''
expect_offer credit "$rigbook" --server 127.0.0.1:1 invoice ''
expect_offer issue "$rigbook" token ''
expect_offer revoke "$rigbook" cert ''
expect_offer --member "$rigbook" cert list --m
expect_offer statement "$rigbook" voucher ''
expect_offer rm "$rigbook" closure ''
expect_offer --from "$rigbook" book weichai-dyno-1 --f
expect_offer --period "$rigbook" invoice run --p
expect_offer --server "$rigbook" --se
expect_offer calendar "$rigbook" help ca
[[ -z $(complete_line "$rigbook" book x y '') ]] || bad "completing after a booking's arguments offers something"

[[ $fail -eq 0 ]] && echo "ok: the staged install under $stage"
exit $fail
