# The default a newcomer gets: no database_url, rigbookd runs its own
# PostgreSQL under state_dir, stops it on SIGTERM and reuses it next time.

# rb_embedded_start STATE PORT [ARGS...]: sets EMB_PID.
rb_embedded_start() {
	local state=$1 port=$2
	shift 2
	"$RB_DAEMON" --state_dir="$state" --listen="127.0.0.1:$port" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" "$@" \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	EMB_PID=$!
	rb_register_pid "$EMB_PID"
}

# The postmaster of the cluster under STATE, from its pid file.
rb_embedded_postmaster() {
	local f
	f=$(find "$1" -name postmaster.pid -print -quit 2>/dev/null || true)
	if [[ -n $f ]]; then
		head -n 1 "$f"
	fi
}

t_embedded_postgres() {
	local state=$RB_TMP/sd1 port seed=$RB_CASE_DIR/seed.sql pg
	mkdir -p "$state"
	rb_give_to_run_as "$state"
	install -m 644 "$RB_SRC/tests/integration/fixture.sql" "$seed"
	port=$(rb_free_port)

	# First start: initdb, migrate, seed.
	rb_embedded_start "$state" "$port" --seed="$seed"
	if ! rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120; then
		echo "embedded rigbookd did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	pg=$(rb_embedded_postmaster "$state")
	if [[ -z $pg ]] || ! kill -0 "$pg" 2>/dev/null; then
		echo "no running postmaster under $state"
		return 1
	fi
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" whoami --json
	expect_eq carol "$(json 'd["handle"]')" "handle"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 50) 10:00" --to "$(rb_day 50) 11:00"

	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	if ! rb_wait_gone "$pg" 10; then
		echo "postmaster $pg of $state still runs after rigbookd exited"
		return 1
	fi
	expect_eq "" "$(rb_embedded_postmaster "$state")" "postmaster.pid left behind"

	# Second start: the same cluster, the same data, no seed.
	rb_embedded_start "$state" "$port"
	if ! rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120; then
		echo "embedded rigbookd did not come back:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		bookings --json
	expect_eq 1 "$(json 'len(d["bookings"] if isinstance(d, dict) else d)')" "carol's bookings kept"
	pg=$(rb_embedded_postmaster "$state")
	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after the second SIGTERM"
	if [[ -n $pg ]] && ! rb_wait_gone "$pg" 10; then
		echo "postmaster $pg still runs after the second stop"
		return 1
	fi
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log"; then
		return 1
	fi
}

# The cases below keep their state directories short ($RB_TMP/sdN): the
# cluster's socket path must fit in 107 bytes.

# rb_embedded_ready STATE PORT [ARGS...]: a first start with the fixture, until ready.
rb_embedded_ready() {
	local state=$1 port=$2 seed=$RB_CASE_DIR/seed.sql
	shift 2
	mkdir -p "$state"
	rb_give_to_run_as "$state"
	install -m 644 "$RB_SRC/tests/integration/fixture.sql" "$seed"
	rb_embedded_start "$state" "$port" --seed="$seed" "$@"
	if ! rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120; then
		echo "embedded rigbookd did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
}

# psql on the managed cluster under STATE, as ROLE (peer authentication maps root to it).
rb_embedded_psql() {
	local state=$1 role=$2
	shift 2
	"$RB_PG_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$state/pg/run" -p 5432 -U "$role" \
		-d rigbook "$@"
}

# A second rigbookd on a live state directory refuses at once and touches
# nothing: the first one's PostgreSQL keeps running and the first keeps serving.
t_embedded_second_daemon_refused() {
	local state=$RB_TMP/sd2 port port2 pg rc=0 t0 t1
	port=$(rb_free_port)
	rb_embedded_ready "$state" "$port"
	pg=$(rb_embedded_postmaster "$state")
	port2=$(rb_free_port)
	t0=$(date +%s)
	"$RB_DAEMON" --state_dir="$state" --listen="127.0.0.1:$port2" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" run \
		2>"$RB_CASE_DIR/second.log" || rc=$?
	t1=$(date +%s)
	cat "$RB_CASE_DIR/second.log"
	expect_eq 1 "$rc" "exit status of the second rigbookd"
	grep -q "another rigbookd (pid $EMB_PID) manages the PostgreSQL cluster" "$RB_CASE_DIR/second.log"
	if ((t1 - t0 > 5)); then
		echo "the second rigbookd took $((t1 - t0)) s to refuse"
		return 1
	fi
	if grep -v "manages the PostgreSQL cluster" "$RB_CASE_DIR/second.log" | grep -i postgresql; then
		echo "the second rigbookd did something to PostgreSQL"
		return 1
	fi
	expect_eq "$pg" "$(rb_embedded_postmaster "$state")" "the postmaster after the second start"
	kill -0 "$pg"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 60) 10:00" --to "$(rb_day 60) 11:00"
	# the same with a key it cannot read: still nothing touched
	rc=0
	"$RB_DAEMON" --state_dir="$state" --listen="127.0.0.1:$port2" \
		--tls_cert="$RB_TLS/server.crt" --tls_key=/nonexistent run 2>>"$RB_CASE_DIR/second.log" || rc=$?
	expect_eq 1 "$rc" "exit status of the second rigbookd with a bad key"
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" bookings
	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	rb_wait_gone "$pg" 10
}

# The managed PostgreSQL is killed: rigbookd notices, starts it again, and
# serves again by itself.
t_embedded_postmaster_killed() {
	local state=$RB_TMP/sd3 port pg pg2 i ok=0 t0 t1
	port=$(rb_free_port)
	rb_embedded_ready "$state" "$port"
	pg=$(rb_embedded_postmaster "$state")
	kill -KILL "$pg"
	t0=$(date +%s)
	for ((i = 0; i < 300; i++)); do
		if "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
			book dyno-1 --from "$(rb_day 70) 10:00" --to "$(rb_day 70) 11:00" >/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 0.1
	done
	t1=$(date +%s)
	expect_eq 1 "$ok" "served again within 30 s of the postmaster's death"
	echo "served again after $((t1 - t0)) s"
	grep -q "the managed PostgreSQL (pid $pg) is gone; starting it again" "$RB_CASE_DIR/rigbookd.log"
	grep -q "PostgreSQL is running again" "$RB_CASE_DIR/rigbookd.log"
	pg2=$(rb_embedded_postmaster "$state")
	[[ -n $pg2 && $pg2 != "$pg" ]]
	# and it stops the one it started
	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	rb_wait_gone "$pg2" 10
	expect_eq "" "$(rb_embedded_postmaster "$state")" "postmaster.pid left behind"
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log"; then
		return 1
	fi
}

# The managed cluster lets in only its own system user, over the socket, and
# rigbookd connects as a role that is no superuser but owns the schema; its
# settings are in its own configuration; expected refusals leave no errors
# in its log, which is collected and rotated; its files are private.
t_embedded_guarded() {
	local state=$RB_TMP/sd4 port data
	port=$(rb_free_port)
	rb_embedded_ready "$state" "$port"
	data=$state/pg/data
	if grep -E '^[^#]*\<(trust|password|md5)\>' "$data/pg_hba.conf"; then
		echo "pg_hba.conf lets someone in without peer authentication"
		return 1
	fi
	grep -E -q '^local +all +all +peer map=rigbook' "$data/pg_hba.conf"
	grep -E -q '^host +all +all +all +reject' "$data/pg_hba.conf"
	expect_eq "rigbookd|f|t|f|f" "$(rb_embedded_psql "$state" postgres -c \
		"SELECT rolname, rolsuper, rolreplication, rolcreatedb, rolcreaterole FROM pg_roles
		 WHERE rolname = 'rigbookd'")" "the application's role"
	expect_eq rigbookd "$(rb_embedded_psql "$state" postgres -c \
		"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'rigbook'")" "the database's owner"
	expect_eq 0 "$(rb_embedded_psql "$state" postgres -c \
		"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = 'public' AND c.relowner <> 'rigbookd'::regrole
		 AND c.relkind IN ('r', 'v', 'S') AND c.oid NOT IN (SELECT objid FROM pg_depend WHERE deptype = 'e')")" \
		"tables not owned by rigbookd"
	expect_eq "rigbookd|rigbookd" "$(rb_embedded_psql "$state" postgres -c \
		"SELECT usename, application_name FROM pg_stat_activity WHERE application_name = 'rigbookd'
		 AND backend_type = 'client backend' LIMIT 1")" "who rigbookd's pool is"
	expect_eq "|configuration file" "$(rb_embedded_psql "$state" postgres -c \
		"SELECT setting, source FROM pg_settings WHERE name = 'listen_addresses'")" "listen_addresses"
	# nobody but the cluster's user (and root) is mapped: another role name is refused
	if rb_embedded_psql "$state" nosuchrole -c "SELECT 1" 2>/dev/null; then
		echo "a role outside the map got in"
		return 1
	fi
	if rb_is_root && runuser -u nobody -- "$RB_PG_BINDIR/psql" -X -h "$state/pg/run" -p 5432 \
		-U rigbookd -d rigbook -c "SELECT 1" 2>/dev/null; then
		echo "another system user got in"
		return 1
	fi
	# expected refusals: a booking that overlaps, a wrong token
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 80) 10:00" --to "$(rb_day 80) 11:00"
	expect_exit 1 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 80) 10:30" --to "$(rb_day 80) 11:30"
	expect_exit 1 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-nobody --ca "$RB_CA" whoami
	ls "$state/pg/log"/postgresql-*.log >/dev/null
	if grep -E 'ERROR|STATEMENT' "$state"/pg/log/*.log; then
		echo "expected refusals are in the cluster's log"
		return 1
	fi
	expect_eq "10240 1440 on panic" "$(rb_embedded_psql "$state" postgres -c \
		"SELECT setting FROM pg_settings WHERE name IN
		 ('logging_collector', 'log_rotation_size', 'log_rotation_age', 'log_min_error_statement')
		 ORDER BY setting" | tr '\n' ' ' | sed 's/ $//')" "log settings"
	# private files
	expect_eq 600 "$(stat -c %a "$state/rigbookd.lock")" "mode of the lock file"
	expect_eq 700 "$(stat -c %a "$state/pg")" "mode of state_dir/pg"
	expect_eq 700 "$(stat -c %a "$state/pg/log")" "mode of the log directory"
	expect_eq "" "$(find "$state/pg/log" "$data/rigbookd.conf" "$data/pg_hba.conf" "$data/pg_ident.conf" \
		-type f -perm /077)" "cluster files others may read"
	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
}

# A cluster made by an older rigbookd (initdb -A trust, the connecting role
# its superuser): access is rewritten to peer, the role rigbookd is made and
# given the schema, and the data is served as before.
t_embedded_old_cluster_upgraded() {
	local state=$RB_TMP/sd5 port data sock url
	data=$state/pg/data
	sock=$state/pg/run
	mkdir -p "$sock"
	chmod 700 "$state/pg" "$sock"
	rb_give_to_run_as "$state"
	as_owner() {
		if rb_is_root; then runuser -u rigbook -- "$@"; else "$@"; fi
	}
	as_owner "$RB_PG_BINDIR/initdb" -D "$data" -U rigbook -A trust -E UTF8 --locale=C --nosync \
		>"$RB_CASE_DIR/initdb.log" 2>&1
	as_owner env -u MALLOC_PERTURB_ "$RB_PG_BINDIR/pg_ctl" -D "$data" -l "$state/pg/postgresql.log" -w -s \
		-o "-c listen_addresses='' -c unix_socket_directories='$sock' -p 5432 -c wal_level=logical" start
	"$RB_PG_BINDIR/psql" -X -q -h "$sock" -p 5432 -U rigbook -d postgres \
		-c "CREATE DATABASE rigbook ENCODING 'UTF8' TEMPLATE template0"
	url="postgresql://rigbook@/rigbook?host=$sock&port=5432"
	"$RB_DAEMON" --database_url="$url" --state_dir="$RB_CASE_DIR" --tls_cert="$RB_TLS/server.crt" \
		--tls_key="$RB_TLS/server.key" migrate 2>>"$RB_CASE_DIR/rigbookd.log"
	"$RB_PG_BINDIR/psql" -X -q -h "$sock" -p 5432 -U rigbook -d rigbook -v ON_ERROR_STOP=1 \
		-f "$RB_SRC/tests/integration/fixture.sql" >/dev/null
	as_owner "$RB_PG_BINDIR/pg_ctl" -D "$data" -m fast -w -s stop

	port=$(rb_free_port)
	rb_embedded_start "$state" "$port"
	if ! rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120; then
		echo "rigbookd did not take over the older cluster:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" \
		book dyno-1 --from "$(rb_day 90) 10:00" --to "$(rb_day 90) 11:00"
	if grep -E '^[^#]*\<trust\>' "$data/pg_hba.conf"; then
		echo "the older cluster still trusts local connections"
		return 1
	fi
	expect_eq "rigbookd|f" "$(rb_embedded_psql "$state" rigbook -c \
		"SELECT pg_get_userbyid(datdba), (SELECT rolsuper FROM pg_roles WHERE rolname = 'rigbookd')
		 FROM pg_database WHERE datname = 'rigbook'")" "owner of the database, and whether it is a superuser"
	expect_eq 0 "$(rb_embedded_psql "$state" rigbook -c \
		"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = 'public' AND c.relowner <> 'rigbookd'::regrole AND c.relkind IN ('r', 'v', 'S')
		 AND c.oid NOT IN (SELECT objid FROM pg_depend WHERE deptype = 'e')")" "tables not given to rigbookd"
	expect_eq rigbookd "$(rb_embedded_psql "$state" rigbook -c \
		"SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'rigbookd'
		 AND backend_type = 'client backend'")" "the role rigbookd's pool connects as"
	rb_stop_daemon "$EMB_PID" 60
	expect_eq 0 "$RB_STOP_RC" "exit status after SIGTERM"
	# and again, now that it is upgraded
	rb_embedded_start "$state" "$port"
	rb_wait_ready "$EMB_PID" "127.0.0.1:$port" tok-alice 120
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-carol --ca "$RB_CA" bookings --json
	expect_eq 1 "$(json 'len(d["bookings"] if isinstance(d, dict) else d)')" "carol's bookings kept"
	rb_stop_daemon "$EMB_PID" 60
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log"; then
		return 1
	fi
}

# The demo seed holds token hashes: readable by its owner only, even when
# it overwrites a file that others could read.
t_demo_seed_private() {
	local out=$RB_CASE_DIR/seed.sql
	install -m 644 /dev/null "$out"
	python3 "$RB_SRC/scripts/demo-seed" "$RB_SRC/demo/maker-spaces.csv" \
		--token-hash "member=$(printf '%064d' 0)" -o "$out"
	grep -q "$(printf '%064d' 0)" "$out"
	expect_eq 600 "$(stat -c %a "$out")" "mode of the seed"
	grep -q 'chmod 600 "$state/demo/seed.sql"' "$RB_SRC/scripts/serve"
	grep -q 'chmod 700 "$state/demo"' "$RB_SRC/scripts/serve"
}
