# Integration test harness: PostgreSQL, a real rigbookd and the real client.
# Sourced by run.sh (the whole suite) and run-file.sh (one test file); the
# helpers further down are what the test_*.sh files use.
#
# Globals a test file sees (set by run-file.sh):
#   RB_SRC RB_BUILD RB_TMP  repository, build directory, this file's temporary directory
#   RB_CLIENT RB_DAEMON     the binaries
#   RB_SERVER RB_CA         127.0.0.1:PORT of this file's rigbookd, CA file
#   RB_TLS                  directory of ca.crt, server.crt, server.key
#   RB_DAEMON_PID RB_DAEMON_LOG RB_DAEMON_STATE   this file's rigbookd
#   RB_PG_DB                this file's database (a copy of the fixture template)
#   RB_PG_DSN RB_DB_URL     libpq keyword string and URI of that database
#   RB_PG_BINDIR            PostgreSQL's programs
#   RB_PG_DATA              the cluster's data directory: set only when the file has a
#                           cluster of its own (it stops or restarts PostgreSQL: see
#                           rb_needs_own_cluster), empty on the shared cluster
#   RB_CASE_DIR             the running case's directory
#   RB_OUT RB_ERR           stdout and stderr of the last expect_exit
#
# What run.sh hands to run-file.sh (the environment of `meson test`); without
# RB_IT_PG_DIR a file starts a cluster and makes the template itself:
#   RB_IT_PG_DIR RB_IT_PG_PORT  the shared cluster's socket directory and port
#   RB_IT_TEMPLATE              its fixture template database
#   RB_IT_TLS                   the certificates (made once per run)
#   RB_IT_RUN                   the run's directory: each file's work and report go under it
#   RB_IT_FILTER                only the t_* functions matching this regex

# ------------------------------------------------------------ utilities

rb_log() {
	printf '# %s\n' "$*"
}

rb_die() {
	printf 'harness: %s\n' "$*" >&2
	exit 1
}

rb_is_root() {
	[[ $(id -u) -eq 0 ]]
}

# A TCP port on the loopback that nothing listens on right now.
rb_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# The directory holding initdb, pg_ctl and postgres.
rb_pg_bindir() {
	local d
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

# Run a PostgreSQL server program as the user that owns the cluster.
rb_pg_run() {
	if rb_is_root; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# The unprivileged user rigbookd drops to when started as root.
rb_ensure_run_as_user() {
	rb_is_root || return 0
	if ! id -u rigbook >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin rigbook ||
			id -u rigbook >/dev/null 2>&1 || rb_die "cannot create user rigbook"
	fi
}

# Hand a path to the user rigbookd runs as (no-op unless root).
rb_give_to_run_as() {
	rb_is_root || return 0
	chown -R rigbook: "$@"
}

# ------------------------------------------------------------ PostgreSQL

# The settings of every test cluster: nothing is kept after a crash (fsync
# off), logical decoding is on (each rigbookd holds a walsender), and
# max_connections leaves room for the pools of the daemons of parallel files.
rb_pg_settings() {
	local o="-c listen_addresses='' -c unix_socket_directories='$RB_PG_DIR' -p $RB_PG_PORT"
	o+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=$1"
	o+=" -c wal_level=logical -c max_wal_senders=$2 -c max_replication_slots=$2"
	printf '%s\n' "$o"
}

# rb_pg_cluster_start DIR MAX_CONNECTIONS [WAL_SENDERS]: initdb and start a
# throwaway cluster under DIR, reachable only through its socket in DIR.
# WAL_SENDERS (default 64) is also the number of replication slots.  Sets
# RB_PG_BINDIR RB_PG_DIR RB_PG_DATA RB_PG_PORT RB_PG_OPTS RB_PG_STARTED.
rb_pg_cluster_start() {
	RB_PG_BINDIR=$(rb_pg_bindir) || rb_die "no PostgreSQL server binaries (initdb, pg_ctl) found"
	RB_PG_DIR=$1
	RB_PG_DATA=$RB_PG_DIR/data
	RB_PG_PORT=$(rb_free_port)
	mkdir -p "$RB_PG_DIR"
	if rb_is_root; then
		id -u postgres >/dev/null 2>&1 || rb_die "user postgres is missing (install postgresql)"
		chown postgres: "$RB_PG_DIR"
	fi
	rb_pg_run "$RB_PG_BINDIR/initdb" -D "$RB_PG_DATA" -A trust --nosync -U postgres \
		-E UTF8 --locale=C.UTF-8 >"$RB_PG_DIR/initdb.log" 2>&1 ||
		{ cat "$RB_PG_DIR/initdb.log" >&2; rb_die "initdb failed"; }
	RB_PG_OPTS=$(rb_pg_settings "$2" "${3:-64}")
	rb_pg_ctl_start ||
		{ cat "$RB_PG_DIR/pg_ctl.log" "$RB_PG_DIR/server.log" >&2; rb_die "PostgreSQL did not start"; }
	RB_PG_STARTED=1
}

# (Re)start the cluster of RB_PG_DATA with its settings.  meson test sets
# MALLOC_PERTURB_ for the tests; PostgreSQL does without.
rb_pg_ctl_start() {
	rb_pg_run env -u MALLOC_PERTURB_ "$RB_PG_BINDIR/pg_ctl" -D "$RB_PG_DATA" \
		-l "$RB_PG_DIR/server.log" -w -t 60 -o "$RB_PG_OPTS" start >"$RB_PG_DIR/pg_ctl.log" 2>&1
}

# Stops the cluster this shell started, if any.
rb_pg_stop() {
	[[ ${RB_PG_STARTED:-0} -eq 1 ]] || return 0
	rb_pg_stop_data "$RB_PG_DATA"
	RB_PG_STARTED=0
}

# rb_pg_stop_data DATA: stop the cluster of DATA, fast or else at once.
rb_pg_stop_data() {
	rb_pg_run "$RB_PG_BINDIR/pg_ctl" -D "$1" -m fast -w -t 60 stop >/dev/null 2>&1 ||
		rb_pg_run "$RB_PG_BINDIR/pg_ctl" -D "$1" -m immediate -w stop >/dev/null 2>&1
}

# rb_pg_template_create NAME: the database every test file starts from:
# migrated by `rigbookd migrate`, fixture.sql loaded, then a template nobody
# can connect to (CREATE DATABASE ... TEMPLATE NAME needs it unused).  Needs
# RB_DAEMON, RB_TLS and a scratch directory $RB_TMP.
rb_pg_template_create() {
	local name=$1 url state=$RB_TMP/template-state
	rb_pg_psql postgres -c "CREATE DATABASE $name" >/dev/null ||
		rb_die "cannot create the template database $name"
	url="postgresql://postgres@/$name?host=$RB_PG_DIR&port=$RB_PG_PORT"
	mkdir -p "$state"
	rb_give_to_run_as "$state"
	"$RB_DAEMON" --database_url="$url" --state_dir="$state" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		migrate >"$RB_TMP/migrate.log" 2>&1 ||
		{ cat "$RB_TMP/migrate.log" >&2; rb_die "rigbookd migrate failed"; }
	rb_pg_psql "$name" -f "$RB_SRC/tests/integration/fixture.sql" >"$RB_TMP/fixture.log" 2>&1 ||
		{ cat "$RB_TMP/fixture.log" >&2; rb_die "loading fixture.sql failed"; }
	rb_pg_psql postgres -c "ALTER DATABASE $name WITH IS_TEMPLATE true ALLOW_CONNECTIONS false" \
		>/dev/null || rb_die "cannot make $name a template"
}

# rb_pg_db_create NAME TEMPLATE: a database of its own for a test file.
# Sets RB_PG_DB RB_PG_DSN RB_DB_URL.
rb_pg_db_create() {
	rb_pg_psql postgres -c "CREATE DATABASE $1 TEMPLATE $2" >/dev/null ||
		rb_die "cannot create the database $1 from $2"
	RB_PG_DB=$1
	RB_PG_DSN="host=$RB_PG_DIR port=$RB_PG_PORT dbname=$RB_PG_DB user=postgres"
	RB_DB_URL="postgresql://postgres@/$RB_PG_DB?host=$RB_PG_DIR&port=$RB_PG_PORT"
}

# psql against database $1 with the remaining arguments.
rb_pg_psql() {
	local db=$1
	shift
	"$RB_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$RB_PG_DIR" -p "$RB_PG_PORT" \
		-U postgres -d "$db" "$@"
}

# psql_q "SQL": run one query on the test file's database, print the rows
# unaligned (fields separated by |), fail on any error.
psql_q() {
	rb_pg_psql "$RB_PG_DB" -A -t -c "$1"
}

# rb_needs_own_cluster FILE: the file stops or restarts PostgreSQL, so it
# must not share a cluster with other files.
rb_needs_own_cluster() {
	grep -E -q '^[^#]*(\<pg_ctl\>|rb_pg_ctl_start|rb_pg_stop)' "$1"
}

# ------------------------------------------------------------ rigbookd

# rb_certs DIR: a CA and a server certificate for 127.0.0.1 under DIR;
# sets RB_TLS and RB_CA.
rb_certs() {
	RB_TLS=$1
	"$RB_SRC/scripts/mkcerts" "$RB_TLS" >/dev/null || rb_die "scripts/mkcerts failed"
	RB_CA=$RB_TLS/ca.crt
	chmod 755 "$RB_TLS"
	rb_give_to_run_as "$RB_TLS"
}

# rb_ping SERVER TOKEN: one ping with the real client, quietly; with the
# client configuration RB_READY_CONFIG when set (a client certificate for a
# rigbookd that requires one).
rb_ping() {
	"$RB_CLIENT" ${RB_READY_CONFIG:+--config "$RB_READY_CONFIG"} --server "$1" --token "$2" \
		--ca "$RB_CA" ping >/dev/null 2>&1
}

# rb_wait_ready PID SERVER TOKEN [SECONDS]: until a ping answers; fails when
# the process exits first or time runs out.
rb_wait_ready() {
	local pid=$1 server=$2 token=$3 limit=${4:-60} i
	for ((i = 0; i < limit * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		if rb_ping "$server" "$token"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# rb_stop_daemon PID [SECONDS]: SIGTERM and wait (PID must be a child of this
# shell).  Sets RB_STOP_RC to its exit status, or 124 when it had not exited
# in time (it is then killed and the call fails).
rb_stop_daemon() {
	local pid=$1 limit=${2:-30} i
	RB_STOP_RC=0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < limit * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null || RB_STOP_RC=$?
			return 0
		fi
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	RB_STOP_RC=124
	return 1
}

# rb_pid_listens PID PORT: PID holds the socket listening on 127.0.0.1:PORT.
rb_pid_listens() {
	local inode
	for inode in $(awk -v p="$(printf ':%04X' "$2")" \
		'substr($2, length($2) - 4) == p && $4 == "0A" { print $10 }' /proc/net/tcp); do
		find "/proc/$1/fd" -lname "socket:\[$inode\]" 2>/dev/null | grep -q . && return 0
	done
	return 1
}

# rb_daemon_start: this file's rigbookd on a free loopback port, on its
# database.  A port taken between choosing it and binding it (parallel files
# choose at the same time) is retried with another.
rb_daemon_start() {
	local try
	RB_DAEMON_STATE=$RB_TMP/state
	RB_DAEMON_LOG=$RB_TMP/rigbookd.log
	mkdir -p "$RB_DAEMON_STATE"
	rb_give_to_run_as "$RB_DAEMON_STATE"
	for try in 1 2 3; do
		RB_PORT=$(rb_free_port)
		RB_SERVER=127.0.0.1:$RB_PORT
		"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
			--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
			--listen="$RB_SERVER" --log_level=debug --no_show_interval=0 \
			run 2>"$RB_DAEMON_LOG" &
		RB_DAEMON_PID=$!
		if rb_wait_ready "$RB_DAEMON_PID" "$RB_SERVER" tok-alice 60; then
			rb_pid_listens "$RB_DAEMON_PID" "$RB_PORT" && return 0
			# Another file's daemon answered on this port: this one cannot bind it.
			rb_wait_gone "$RB_DAEMON_PID" 10 || true
		fi
		if kill -0 "$RB_DAEMON_PID" 2>/dev/null || ! grep -q -i 'address already in use' "$RB_DAEMON_LOG"; then
			break
		fi
		wait "$RB_DAEMON_PID" 2>/dev/null
		RB_DAEMON_PID=
	done
	cat "$RB_DAEMON_LOG" >&2
	rb_die "rigbookd did not answer a ping on $RB_SERVER"
}

# Stops this file's rigbookd; sets RB_STOP_RC.
# rb_wait_line FILE REGEX [SECONDS] [COUNT]: until COUNT (1) lines of FILE
# match the extended REGEX (SECONDS: 20); shows the file and fails when they
# do not.
rb_wait_line() {
	local i n=${4:-1}
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		[[ $(grep -cE -- "$2" "$1" 2>/dev/null) -ge $n ]] && return 0
		sleep 0.1
	done
	echo "fewer than $n lines matching '$2' in $1:"
	cat "$1"
	return 1
}

# rb_extra_daemon NAME PORT ARGS...: another rigbookd on this file's
# database, listening on 127.0.0.1:PORT, with ARGS added, its state in
# $RB_TMP/state-NAME and its log appended to $RB_CASE_DIR/rigbookd-NAME.log;
# started again with the same NAME it keeps both.  Sets RB_EXTRA_PID once it
# answers; fails (showing the log) when it does not.
rb_extra_daemon() {
	local name=$1 port=$2 log
	shift 2
	log=$RB_CASE_DIR/rigbookd-$name.log
	mkdir -p "$RB_TMP/state-$name"
	rb_give_to_run_as "$RB_TMP/state-$name"
	"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_TMP/state-$name" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --no_show_interval=0 "$@" run 2>>"$log" &
	RB_EXTRA_PID=$!
	rb_register_pid "$RB_EXTRA_PID"
	rb_wait_ready "$RB_EXTRA_PID" "127.0.0.1:$port" tok-alice 60 || { cat "$log"; return 1; }
}

rb_daemon_stop() {
	RB_STOP_RC=0
	[[ -n ${RB_DAEMON_PID:-} ]] || return 0
	rb_stop_daemon "$RB_DAEMON_PID" 30 || true
	RB_DAEMON_PID=
}

# Sanitizer reports in a log file, printed; fails when there are none.
rb_sanitizer_reports() {
	grep -E -A 30 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: ThreadSanitizer' "$1"
}

# ------------------------------------------------------------ test helpers

# rb_as HANDLE ARGS...: the client, logged in as HANDLE (token tok-HANDLE).
rb_as() {
	local who=$1
	shift
	"$RB_CLIENT" --server "$RB_SERVER" --token "tok-$who" --ca "$RB_CA" "$@"
}

# expect_exit N CMD...: run CMD, keep its output in $RB_OUT / $RB_ERR, and
# fail (showing both) unless it exits with status N.
expect_exit() {
	local want=$1 rc
	shift
	RB_OUT=$RB_CASE_DIR/out.$((++RB_SEQ))
	RB_ERR=$RB_CASE_DIR/err.$RB_SEQ
	rc=0
	"$@" >"$RB_OUT" 2>"$RB_ERR" || rc=$?
	if [[ $rc -ne $want ]]; then
		printf 'expected exit %s, got %s: %s\n' "$want" "$rc" "$*"
		printf -- '--- stdout\n'
		cat "$RB_OUT"
		printf -- '--- stderr\n'
		cat "$RB_ERR"
		return 1
	fi
	if rb_sanitizer_reports "$RB_ERR" >/dev/null; then
		printf 'sanitizer report from: %s\n' "$*"
		cat "$RB_ERR"
		return 1
	fi
	return 0
}

# expect_stderr_contains TEXT: the last expect_exit's stderr contains TEXT.
expect_stderr_contains() {
	if ! grep -F -q -- "$1" "$RB_ERR"; then
		printf 'stderr does not contain "%s":\n' "$1"
		cat "$RB_ERR"
		return 1
	fi
}

expect_stdout_contains() {
	if ! grep -F -q -- "$1" "$RB_OUT"; then
		printf 'stdout does not contain "%s":\n' "$1"
		cat "$RB_OUT"
		return 1
	fi
}

expect_stdout_lacks() {
	if grep -F -q -- "$1" "$RB_OUT"; then
		printf 'stdout contains "%s" but should not:\n' "$1"
		cat "$RB_OUT"
		return 1
	fi
}

# expect_eq WANT GOT [WHAT]
expect_eq() {
	if [[ "$1" != "$2" ]]; then
		printf '%s: expected "%s", got "%s"\n' "${3:-value}" "$1" "$2"
		return 1
	fi
}

# json EXPR: evaluate a Python expression over the last stdout parsed as
# JSON (bound to d) and print the result (lists and dicts as JSON).
json() {
	python3 - "$RB_OUT" "$1" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
v = eval(sys.argv[2], {"d": d, "len": len, "sorted": sorted, "any": any, "all": all})
if isinstance(v, (list, dict)):
    print(json.dumps(v, sort_keys=True))
elif isinstance(v, bool):
    print("true" if v else "false")
else:
    print(v)
PY
}

# A digest of the whole bookings table: refused requests must not change it.
bookings_digest() {
	psql_q "SELECT count(*) || ':' || coalesce(md5(string_agg(b::text, ',' ORDER BY b.id)), '-') FROM bookings b"
}

# rb_skip REASON: end the current test as skipped.
rb_skip() {
	printf '%s\n' "$1" >"$RB_CASE_DIR/skip"
	exit 77
}

# rb_day N: the date N days after 1 January two years from now (always in
# the future, so bookings are accepted), as YYYY-MM-DD.
rb_day() {
	date -u -d "$(($(date -u +%Y) + 2))-01-01 + $1 days" +%F
}

# booking_id: the id of the booking in the last stdout (a --json reply of
# book or cancel).
booking_id() {
	json 'int((d.get("booking") or d)["id"])'
}

# booking_field ID COLUMN: one column of a bookings row, as text.
booking_field() {
	psql_q "SELECT $2 FROM bookings WHERE id = $1"
}

# rb_register_pid PID: killed by the harness at exit if still running.
rb_register_pid() {
	printf '%s\n' "$1" >>"$RB_TMP/pids"
}

# rb_wait_gone PID [SECONDS]: until PID has exited (a zombie counts as
# exited: its parent may be slow to reap it); fails when it is still running.
rb_wait_gone() {
	local pid=$1 limit=${2:-10} i st
	for ((i = 0; i < limit * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		st=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || true)
		[[ $st == Z || -z $st ]] && return 0
		sleep 0.1
	done
	return 1
}
