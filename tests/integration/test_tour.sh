# The README's tour of the client, run as written: the commands of its sh
# blocks are taken from README.md itself (so the two cannot drift) and run
# one after another against a fresh demo (a database of its own, migrated
# and seeded by scripts/demo-seed as scripts/serve does, and a rigbookd of
# its own), so that the booking and token ids the tour names are the ones a
# fresh demo prints.  A command must succeed, unless the README shows the
# refusal it answers on the next line ("# rigbook: CODE: ..."): then it must
# exit 1 with that code.  `watch` (it runs until interrupted, "in another
# terminal") is the one command left out.
#
# The tour computes its dates on the client's clock, in the client's zone
# unless it says otherwise; the server holds bookings to its own clock.  So
# the tour runs under TZ=UTC and TZ=Asia/Shanghai, at the real time and with
# the client's clock at the next 23:30 UTC (faketime, libfaketime: only the
# client's processes see it; rigbookd and PostgreSQL keep the real time).
# That puts the client less than a day ahead of the server, on the evening
# UTC where the two zones' dates differ: a tour that counts "tomorrow" in the
# machine's zone books a day the server finds too close for the manager's
# 24 h notice, and a tour that counts days in the resource's zone with room
# to spare passes wherever and whenever it runs.

# tour_script OUT CONFDIR: README.md's tour as a bash script.
tour_script() {
	python3 - "$RB_SRC/README.md" "$1" "$2" "$RB_CLIENT" <<'PY'
import re, shlex, sys
readme, out, confdir, client = sys.argv[1:5]
text = open(readme, encoding="utf-8").read()
tour = text[text.index("## A tour of the client"):text.index("\n## More")]
blocks = re.findall(r"^```sh\n(.*?)^```", tour, re.S | re.M)
assert blocks, "README.md has no tour"
cmds = []  # [command, expected code or None]
for block in blocks:
    lines = block.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + " " + lines[i].strip()
        i += 1
        s = line.strip()
        if not s:
            continue
        m = re.match(r"# rigbook: ([A-Z_]+): ", s)
        if m:
            assert cmds and cmds[-1][1] is None, "a refusal follows no command: " + s
            cmds[-1][1] = m.group(1)
            continue
        if s.startswith("#"):
            continue
        if re.search(r"\bwatch\b", s):
            continue
        s = s.replace("$PWD/var/demo/", confdir + "/").replace("var/demo/", confdir + "/")
        s = s.replace("build/client/rigbook", client)
        cmds.append([s, None])
assert len(cmds) > 40, "only %d commands in the tour" % len(cmds)
with open(out, "w", encoding="utf-8") as f:
    f.write("unset RIGBOOK_CONFIG RIGBOOK_SERVER RIGBOOK_TOKEN RIGBOOK_CA\n")
    f.write("""tour_check() {  # N RC CODE COMMAND
	if [[ -z $3 && $2 -ne 0 ]] || [[ -n $3 && $2 -ne 1 ]]; then
		printf 'tour command %s exited %s (expected %s): %s\\n' "$1" "$2" "${3:-0}" "$4"
		cat "tour.err.$1"
		exit 1
	fi
	if [[ -n $3 ]] && ! grep -q "^rigbook: $3: " "tour.err.$1"; then
		printf 'tour command %s was not refused with %s: %s\\n' "$1" "$3" "$4"
		cat "tour.err.$1"
		exit 1
	fi
	printf 'ok %s: %s\\n' "$1" "$4"
}
""")
    for n, (c, code) in enumerate(cmds, 1):
        f.write("{\n%s\n} 2>tour.err.%d\ntour_check %d $? %s %s\n"
                % (c, n, n, shlex.quote(code or ""), shlex.quote(c)))
    f.write("echo 'tour done'\n")
PY
}

# tour_run TZ [FAKE]: the tour under the zone TZ, the client's clock at the
# next 23:30 UTC when FAKE is given, against a fresh demo.
tour_run() {
	local zone=$1 fake=${2:-} db url state confdir work port pid role token hash now at rc
	local hashes=()
	db=rb_tour_$$_$RANDOM
	url="postgresql://postgres@/$db?host=$RB_PG_DIR&port=$RB_PG_PORT"
	state=$RB_CASE_DIR/state
	confdir=$RB_CASE_DIR/demo
	work=$RB_CASE_DIR/work
	mkdir -p "$state" "$confdir" "$work"
	rb_give_to_run_as "$state"
	port=$(rb_free_port)
	for role in member member2 manager operator admin; do
		token=rbk_$(openssl rand -hex 32)
		printf 'server = 127.0.0.1:%s\ntoken = %s\nca = %s\n' "$port" "$token" "$RB_CA" >"$confdir/$role.conf"
		hash=$(printf '%s' "$token" | openssl dgst -sha256 -r | cut -c1-64)
		hashes+=(--token-hash "$role=$hash")
	done
	python3 "$RB_SRC/scripts/demo-seed" "$RB_SRC/demo/maker-spaces.csv" "${hashes[@]}" \
		-o "$RB_CASE_DIR/seed.sql" || return 1
	chmod 644 "$RB_CASE_DIR/seed.sql"
	rb_pg_psql postgres -c "CREATE DATABASE $db" >/dev/null || return 1
	if ! "$RB_DAEMON" --database_url="$url" --state_dir="$state" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--seed "$RB_CASE_DIR/seed.sql" migrate >"$RB_CASE_DIR/migrate.log" 2>&1; then
		echo "rigbookd migrate --seed failed:"
		cat "$RB_CASE_DIR/migrate.log"
		return 1
	fi
	"$RB_DAEMON" --database_url="$url" --state_dir="$state" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$port" --log_level=debug --no_show_interval=0 \
		run 2>>"$RB_CASE_DIR/rigbookd.log" &
	pid=$!
	rb_register_pid "$pid"
	token=$(sed -n 's/^token = //p' "$confdir/member.conf")
	if ! rb_wait_ready "$pid" "127.0.0.1:$port" "$token" 60; then
		echo "the demo's rigbookd did not become ready:"
		cat "$RB_CASE_DIR/rigbookd.log"
		return 1
	fi
	tour_script "$RB_CASE_DIR/tour.sh" "$confdir" || return 1
	rc=0
	if [[ -n $fake ]]; then
		now=$(date +%s)
		at=$(date -u -d "$(date -u +%F) 23:30" +%s)
		((at >= now)) || at=$((at + 86400))
		echo "client clock: $(date -u -d "@$at" '+%F %H:%M UTC'), TZ=$zone"
		(cd "$work" && TZ=$zone FAKETIME_DONT_FAKE_MONOTONIC=1 \
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
			faketime "$(TZ=$zone date -d "@$at" '+%F %T')" bash "$RB_CASE_DIR/tour.sh") || rc=1
	else
		(cd "$work" && TZ=$zone bash "$RB_CASE_DIR/tour.sh") || rc=1
	fi
	rb_stop_daemon "$pid" 30
	expect_eq 0 "$RB_STOP_RC" "the demo's rigbookd exit status after SIGTERM" || rc=1
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd.log" >/dev/null; then
		echo "sanitizer report from the demo's rigbookd:"
		cat "$RB_CASE_DIR/rigbookd.log"
		rc=1
	fi
	rb_pg_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	return $rc
}

tour_need_faketime() {
	command -v faketime >/dev/null || rb_skip "faketime is not installed (scripts/deps installs it)"
}

t_tour_utc() {
	tour_run UTC
}

t_tour_shanghai() {
	tour_run Asia/Shanghai
}

t_tour_utc_2330() {
	tour_need_faketime
	tour_run UTC fake
}

t_tour_shanghai_2330() {
	tour_need_faketime
	tour_run Asia/Shanghai fake
}
