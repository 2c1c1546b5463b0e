#!/usr/bin/env bash
# tests/integration/run-file.sh BUILD_DIR FILE [NAME_REGEX]
#
# One integration test file, as one meson test (tests/integration/meson.build):
# the file gets a database of its own, copied from the fixture template, and a
# rigbookd of its own on a free loopback port; then every function t_* of FILE
# runs (only those whose name matches NAME_REGEX, or $RB_IT_FILTER, when
# given), one after another, each under a time limit.  The daemon is stopped
# at the end: it must exit 0 on SIGTERM with nothing from the sanitizers in
# its log (two more checks).  Prints "ok - name" / "not ok - name" (with the
# case's log) and ends with "# FILE: P passed, F failed, S skipped"; exit
# status 0 only when nothing failed.
#
# run.sh starts the cluster and the template once for all files and passes
# them in RB_IT_* (lib.sh).  Without them, and for a file that stops or
# restarts PostgreSQL, the file starts a cluster of its own.  RB_KEEP=1 keeps
# the temporary directory.
set -uo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
	echo "usage: tests/integration/run-file.sh BUILD_DIR FILE [NAME_REGEX]" >&2
	exit 2
fi

RB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RB_BUILD=$(cd "$1" && pwd) || exit 2
RB_FILE=$2
[[ -f $RB_FILE ]] || RB_FILE=$RB_SRC/tests/integration/${2%.sh}.sh
[[ -f $RB_FILE ]] || { echo "run-file.sh: no test file $2" >&2; exit 2; }
RB_FILE=$(cd "$(dirname "$RB_FILE")" && pwd)/$(basename "$RB_FILE")
RB_NAME=$(basename "$RB_FILE" .sh)
RB_FILTER=${3:-${RB_IT_FILTER:-}}
# shellcheck source=tests/integration/lib.sh
source "$RB_SRC/tests/integration/lib.sh"

# Everything this file reports also goes to its report under the run's
# directory, which run.sh prints in file order once all files are done.
RB_REPORT=
if [[ -n ${RB_IT_RUN:-} ]]; then
	mkdir -p "$RB_IT_RUN/reports"
	RB_REPORT=$RB_IT_RUN/reports/$RB_NAME
	rm -f "$RB_REPORT.out" "$RB_REPORT.counts"
	exec > >(tee "$RB_REPORT.out") 2>&1
fi

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

if [[ -n ${RB_IT_RUN:-} ]]; then
	RB_TMP=$RB_IT_RUN/files/$RB_NAME
	rm -rf "$RB_TMP"
	mkdir -p "$RB_TMP" || exit 1
else
	RB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rigbook-it.XXXXXX") || exit 1
fi
chmod 755 "$RB_TMP"
RB_DAEMON_PID=
RB_CHILD=
RB_PG_DB=
RB_SHARED=0

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
	# A database on the shared cluster goes with the file (its own cluster
	# goes whole); kept with RB_KEEP=1, for a look.
	if [[ $RB_SHARED -eq 1 && -n $RB_PG_DB && ${RB_KEEP:-0} != 1 ]]; then
		rb_pg_psql postgres -c "DROP DATABASE IF EXISTS $RB_PG_DB WITH (FORCE)" >/dev/null 2>&1
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
if [[ -n ${RB_IT_TLS:-} ]]; then
	RB_TLS=$RB_IT_TLS
	RB_CA=$RB_TLS/ca.crt
else
	rb_certs "$RB_TMP/tls"
fi

if [[ -n ${RB_IT_PG_DIR:-} ]] && ! rb_needs_own_cluster "$RB_FILE"; then
	RB_SHARED=1
	RB_PG_BINDIR=$(rb_pg_bindir) || rb_die "no PostgreSQL server binaries found"
	RB_PG_DIR=$RB_IT_PG_DIR
	RB_PG_PORT=$RB_IT_PG_PORT
	# Not this file's to stop.
	RB_PG_DATA=
	template=$RB_IT_TEMPLATE
else
	# One daemon's pool, a second daemon or two, test clients and psql.
	rb_pg_cluster_start "$RB_TMP/pg" 100
	template=rb_template
	rb_pg_template_create "$template"
fi
# The database is named after the file (test_events.sh: rb_events) and the
# run, so that leftovers of an earlier run on a cluster someone else started
# cannot clash.
rb_pg_db_create "rb_${RB_NAME#test_}_$$" "$template"
rb_daemon_start
rb_log "$RB_NAME: rigbookd $RB_SERVER (pid $RB_DAEMON_PID), database $RB_PG_DB on $RB_PG_DIR port $RB_PG_PORT$([[ $RB_SHARED -eq 1 ]] || echo ' (a cluster of its own)')"

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

# shellcheck disable=SC1090
source "$RB_FILE"
while read -r name; do
	if [[ -n $RB_FILTER && ! $name =~ $RB_FILTER ]]; then
		continue
	fi
	rb_run_case "$name"
done < <(grep -o '^t_[A-Za-z0-9_]*()' "$RB_FILE" | tr -d '()')

# This file's daemon must drain and exit 0 on SIGTERM, with nothing from the
# sanitizers in its log.
rb_daemon_stop
echo "rigbookd exited with status $RB_STOP_RC" >"$RB_TMP/stop.txt"
tail -n 20 "$RB_DAEMON_LOG" >>"$RB_TMP/stop.txt"
rb_report_check "$RB_NAME: rigbookd exits 0 on SIGTERM" "$([[ $RB_STOP_RC -eq 0 ]]; echo $?)" "$RB_TMP/stop.txt"
rb_sanitizer_reports "$RB_DAEMON_LOG" >"$RB_TMP/sanitizer.txt"
rb_report_check "$RB_NAME: no sanitizer reports from rigbookd" "$([[ ! -s $RB_TMP/sanitizer.txt ]]; echo $?)" \
	"$RB_TMP/sanitizer.txt"

echo "# $RB_NAME: $pass passed, $fail failed, $skip skipped"
if [[ -n $RB_REPORT ]]; then
	echo "$pass $fail $skip" >"$RB_REPORT.counts"
fi
[[ $fail -eq 0 ]]
