#!/usr/bin/env bash
# tests/integration/run.sh BUILD_DIR [FILE | NAME_REGEX]
#
# The integration tests.  Starts one throwaway PostgreSQL cluster and makes
# the fixture template in it (`rigbookd migrate`, then fixture.sql), then runs
# the test files as meson tests in parallel:
#
#   meson test -C BUILD_DIR --suite integration --num-processes $RB_JOBS
#
# Each file (tests/integration/run-file.sh) gets a database of its own copied
# from the template and a rigbookd of its own; a file that stops or restarts
# PostgreSQL gets a cluster of its own too.  FILE (test_events.sh,
# test_events or events) runs that file alone; NAME_REGEX runs the functions
# t_* whose name matches, in the files that have any.
#
# Prints every file's "ok - name" / "not ok - name" lines (with the log of
# each case that failed), in file order, and ends with
# "# integration: P passed, F failed, S skipped".  Exit status 0 only when
# nothing failed.  RB_JOBS: files at once (default 2).  RB_KEEP=1 keeps the
# temporary directory.  A cluster someone else started is used when
# RB_IT_PG_DIR, RB_IT_PG_PORT and RB_IT_TEMPLATE name it (lib.sh).
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: tests/integration/run.sh BUILD_DIR [FILE | NAME_REGEX]" >&2
	exit 2
fi

RB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RB_BUILD=$(cd "$1" && pwd) || exit 2
arg=${2:-}
jobs=${RB_JOBS:-2}
# shellcheck source=tests/integration/lib.sh
source "$RB_SRC/tests/integration/lib.sh"

RB_DAEMON=$RB_BUILD/daemon/rigbookd
[[ -x $RB_DAEMON ]] || rb_die "$RB_DAEMON is not built"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || rb_die "RB_JOBS must be a positive number, not '$jobs'"

# ------------------------------------------------------------ which files
dir=$RB_SRC/tests/integration
all=()
for f in "$dir"/test_*.sh; do
	all+=("$(basename "$f" .sh)")
done
files=()
filter=
if [[ -n $arg ]]; then
	f=$(basename "${arg%.sh}")
	[[ -f $dir/$f.sh ]] || f=test_$f
	if [[ $arg != *[^A-Za-z0-9_./-]* && -f $dir/$f.sh ]]; then
		files=("$f")
	else
		filter=$arg
		for f in "${all[@]}"; do
			if grep -o '^t_[A-Za-z0-9_]*()' "$dir/$f.sh" | tr -d '()' | grep -E -q -- "$filter"; then
				files+=("$f")
			fi
		done
	fi
else
	files=("${all[@]}")
fi

pass=0
fail=0
skip=0

# Every file must be a meson test, or it would silently not run.  (Listing
# them brings the build up to date, as meson test does.)
if ! listing=$(meson test -C "$RB_BUILD" --suite integration --list 2>&1); then
	echo "not ok - meson test --list"
	sed 's/^/#   /' <<<"$listing"
	echo "# integration: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
registered=$(sed -E -n 's@^.*:integration / @@p' <<<"$listing")
for f in "${all[@]}"; do
	if ! grep -q -x -- "$f" <<<"$registered"; then
		echo "not ok - $f.sh is not a meson test: add it to tests/integration/meson.build"
		fail=$((fail + 1))
	fi
done

# In meson.build's order (longest first): meson starts them in the order given.
ordered=()
while read -r f; do
	[[ -n $f && " ${files[*]} " == *" $f "* ]] && ordered+=("$f")
done <<<"$registered"
# The reports are printed in the order of the names of the files.
shown=()
for f in "${all[@]}"; do
	[[ " ${ordered[*]} " == *" $f "* ]] && shown+=("$f")
done
files=("${ordered[@]}")

if [[ ${#files[@]} -eq 0 ]]; then
	echo "# no test matches '$arg'"
	echo "# integration: $pass passed, $fail failed, $skip skipped"
	[[ $fail -eq 0 ]]
	exit
fi

# ------------------------------------------------------------ the cluster
RB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rigbook-it.XXXXXX") || exit 1
chmod 755 "$RB_TMP"
MESON_PID=

rb_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $MESON_PID ]]; then
		kill -TERM "$MESON_PID" 2>/dev/null
		wait "$MESON_PID" 2>/dev/null
	fi
	# The clusters of files that were killed before they could stop them.
	local pidfile
	for pidfile in "$RB_TMP"/files/*/pg/data/postmaster.pid; do
		[[ -f $pidfile ]] && rb_pg_stop_data "$(dirname "$pidfile")"
	done
	rb_pg_stop
	if [[ ${RB_KEEP:-0} == 1 ]]; then
		echo "# kept $RB_TMP" >&2
	else
		rm -rf "$RB_TMP"
	fi
	exit "$rc"
}
trap rb_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

RB_PG_BINDIR=$(rb_pg_bindir) || rb_die "no PostgreSQL server binaries (initdb, pg_ctl) found"
rb_ensure_run_as_user
if [[ -n ${RB_IT_TLS:-} ]]; then
	RB_TLS=$RB_IT_TLS
else
	rb_certs "$RB_TMP/tls"
fi
if [[ -n ${RB_IT_PG_DIR:-} ]]; then
	[[ -n ${RB_IT_PG_PORT:-} && -n ${RB_IT_TEMPLATE:-} ]] ||
		rb_die "RB_IT_PG_DIR needs RB_IT_PG_PORT and RB_IT_TEMPLATE"
	rb_log "PostgreSQL $RB_IT_PG_DIR port $RB_IT_PG_PORT, template $RB_IT_TEMPLATE (given)"
else
	# Each file's daemon has a pool of 8 (pool_size), one event connection
	# and a walsender; sometimes a second or third daemon, and test clients
	# of its own.
	rb_pg_cluster_start "$RB_TMP/pg" $((jobs * 40 + 60 > 200 ? jobs * 40 + 60 : 200)) \
		$((jobs * 4 > 64 ? jobs * 4 : 64))
	rb_pg_template_create rb_template
	rb_log "PostgreSQL $RB_PG_DIR port $RB_PG_PORT, template rb_template"
	RB_IT_PG_DIR=$RB_PG_DIR
	RB_IT_PG_PORT=$RB_PG_PORT
	RB_IT_TEMPLATE=rb_template
fi
export RB_IT_PG_DIR RB_IT_PG_PORT RB_IT_TEMPLATE
export RB_IT_TLS=$RB_TLS
export RB_IT_RUN=$RB_TMP
export RB_IT_FILTER=$filter

# ------------------------------------------------------------ the files
# meson test prints a line per file as it ends; each file's report follows.
# The files' own watchdogs stop a case after RB_TEST_TIMEOUT; meson's timeout
# (meson.build) is the last resort for a file.
meson test -C "$RB_BUILD" --suite integration --num-processes "$jobs" --no-rebuild \
	--logbase testlog-integration "${files[@]}" &
MESON_PID=$!
meson_rc=0
wait "$MESON_PID" || meson_rc=$?
MESON_PID=

# meson's verdict per file (OK, FAIL, TIMEOUT, ...), from its JSON log.
verdicts=$(python3 - "$RB_BUILD/meson-logs/testlog-integration.json" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            print(t["name"].split(" / ")[-1], t["result"])
except OSError:
    pass
PY
)

for f in "${shown[@]}"; do
	report=$RB_TMP/reports/$f
	verdict=$(awk -v n="$f" '$1 == n { print $2 }' <<<"$verdicts")
	[[ -f $report.out ]] && cat "$report.out"
	if [[ -f $report.counts ]]; then
		read -r p fl s <"$report.counts"
		pass=$((pass + p))
		fail=$((fail + fl))
		skip=$((skip + s))
		if [[ $fl -eq 0 && -n $verdict && $verdict != OK && $verdict != SKIP ]]; then
			echo "not ok - $f.sh: meson says $verdict"
			fail=$((fail + 1))
		fi
	else
		# Killed (meson's timeout) or the harness died: what it reported
		# counts, and that it did not finish is one more failure.
		if [[ -f $report.out ]]; then
			pass=$((pass + $(grep -E -c '^ok - ' "$report.out" | tr -d '\n') - $(grep -E -c '^ok - .* # SKIP' "$report.out" | tr -d '\n')))
			skip=$((skip + $(grep -E -c '^ok - .* # SKIP' "$report.out" | tr -d '\n')))
			fail=$((fail + $(grep -E -c '^not ok - ' "$report.out" | tr -d '\n')))
		fi
		echo "not ok - $f.sh did not finish (meson says ${verdict:-nothing}; its log: $RB_BUILD/meson-logs/testlog-integration.txt)"
		fail=$((fail + 1))
	fi
done
if [[ $meson_rc -ne 0 && $fail -eq 0 ]]; then
	echo "not ok - meson test exited with status $meson_rc"
	fail=$((fail + 1))
fi

echo "# integration: $pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
