#!/usr/bin/env bash
# tests/integration/run.sh BUILD_DIR [NAME_REGEX]
#
# Starts a throwaway PostgreSQL and a real rigbookd from BUILD_DIR, then runs
# every function t_* of every tests/integration/test_*.sh (only those whose
# name matches NAME_REGEX when given).  Prints "ok - name" / "not ok - name"
# and ends with "# integration: P passed, F failed, S skipped".  Exit status 0
# only when nothing failed.  RB_KEEP=1 keeps the temporary directory.
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: tests/integration/run.sh BUILD_DIR [NAME_REGEX]" >&2
	exit 2
fi

RB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RB_BUILD=$(cd "$1" && pwd) || exit 2
RB_FILTER=${2:-}
# shellcheck source=tests/integration/lib.sh
source "$RB_SRC/tests/integration/lib.sh"

RB_CLIENT=$RB_BUILD/client/rigbook
RB_DAEMON=$RB_BUILD/daemon/rigbookd
for b in "$RB_CLIENT" "$RB_DAEMON"; do
	[[ -x $b ]] || rb_die "$b is not built"
done

# Sanitizer reports stop the process with a distinct status (scripts/test
# sets the same); kept when the caller chose otherwise.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:detect_leaks=1:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=86}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=86}

# Per-test time limit, seconds (sanitizer builds are slow).
RB_TEST_TIMEOUT=${RB_TEST_TIMEOUT:-180}

RB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rigbook-it.XXXXXX") || exit 1
chmod 755 "$RB_TMP"
RB_DAEMON_PID=
RB_CHILD=

rb_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n ${RB_CHILD:-} ]]; then
		kill -TERM "$RB_CHILD" 2>/dev/null
		wait "$RB_CHILD" 2>/dev/null
	fi
	if [[ -n ${RB_DAEMON_PID:-} ]]; then
		kill -KILL "$RB_DAEMON_PID" 2>/dev/null
		wait "$RB_DAEMON_PID" 2>/dev/null
	fi
	# Anything a test left behind registers its pid here.
	if [[ -f $RB_TMP/pids ]]; then
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null
		done <"$RB_TMP/pids"
	fi
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

# Nothing from the caller's environment or home directory may steer the
# client: the tests say exactly what it gets.
unset RIGBOOK_CONFIG RIGBOOK_SERVER RIGBOOK_TOKEN RIGBOOK_CA
export HOME=$RB_TMP/home
mkdir -p "$HOME"

rb_ensure_run_as_user
rb_certs
rb_pg_start
rb_daemon_start
rb_log "rigbookd $RB_SERVER (pid $RB_DAEMON_PID), PostgreSQL $RB_PG_DIR port $RB_PG_PORT"

pass=0
fail=0
skip=0
mkdir -p "$RB_TMP/cases"

# rb_run_case NAME: run one test function in a subshell with set -e, under a
# time limit; report it.
rb_run_case() {
	local name=$1 rc watchdog
	RB_CASE_DIR=$RB_TMP/cases/$name
	mkdir -p "$RB_CASE_DIR"
	(
		set -eE
		trap 'printf "FAILED (%s:%s): %s\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND"' ERR
		RB_SEQ=0
		"$name"
	) >"$RB_CASE_DIR/log" 2>&1 </dev/null &
	RB_CHILD=$!
	(
		sleep "$RB_TEST_TIMEOUT"
		echo "timed out after ${RB_TEST_TIMEOUT}s" >>"$RB_CASE_DIR/log"
		kill -TERM "$RB_CHILD" 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	watchdog=$!
	rc=0
	wait "$RB_CHILD" || rc=$?
	RB_CHILD=
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	if [[ $rc -eq 0 ]]; then
		pass=$((pass + 1))
		echo "ok - $name"
	elif [[ $rc -eq 77 ]]; then
		skip=$((skip + 1))
		echo "ok - $name # SKIP $(cat "$RB_CASE_DIR/skip" 2>/dev/null)"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
		sed 's/^/#   /' "$RB_CASE_DIR/log"
	fi
}

# rb_report_check NAME OK [DETAILS-FILE]: a harness-level check as a test line.
rb_report_check() {
	if [[ $2 -eq 0 ]]; then
		pass=$((pass + 1))
		echo "ok - $1"
	else
		fail=$((fail + 1))
		echo "not ok - $1"
		[[ -n ${3:-} && -s $3 ]] && sed 's/^/#   /' "$3"
	fi
}

for file in "$RB_SRC"/tests/integration/test_*.sh; do
	# shellcheck disable=SC1090
	source "$file"
	while read -r name; do
		if [[ -n $RB_FILTER && ! $name =~ $RB_FILTER ]]; then
			continue
		fi
		rb_run_case "$name"
	done < <(grep -o '^t_[A-Za-z0-9_]*()' "$file" | tr -d '()')
done

# The shared daemon must drain and exit 0 on SIGTERM, with nothing from the
# sanitizers in its log.
rb_daemon_stop
echo "rigbookd exited with status $RB_STOP_RC" >"$RB_TMP/stop.txt"
tail -n 20 "$RB_DAEMON_LOG" >>"$RB_TMP/stop.txt"
rb_report_check "rigbookd exits 0 on SIGTERM" "$([[ $RB_STOP_RC -eq 0 ]]; echo $?)" "$RB_TMP/stop.txt"
rb_sanitizer_reports "$RB_DAEMON_LOG" >"$RB_TMP/sanitizer.txt"
rb_report_check "no sanitizer reports from rigbookd" "$([[ ! -s $RB_TMP/sanitizer.txt ]]; echo $?)" \
	"$RB_TMP/sanitizer.txt"

echo "# integration: $pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
