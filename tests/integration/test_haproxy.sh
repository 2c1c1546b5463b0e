# Crash safety.  Two rigbookd behind a real load balancer (HAProxy, TCP mode) on one
# database, under a load of bookings through it, while one daemon is drained
# with SIGTERM (then started again) and the other is killed with SIGKILL.
# Afterwards: every booking a client was told was made exists, nothing
# overlaps, a watcher on a third daemon (not behind HAProxy, never touched)
# heard every one of them, and the clients got through by reconnecting via
# HAProxy and retrying with their idempotency keys.

# ha_daemon NAME PORT: a rigbookd on PORT; its pid in HA_PID_<NAME>.
ha_daemon() {
	rb_extra_daemon "$1" "$2" --drain_timeout=5 || return 1
	printf -v "HA_PID_$1" '%s' "$RB_EXTRA_PID"
}

# ha_client N HA_PORT: member race0N books 12 hours of race-rig's unit on its
# own day, one booking per command, through HAProxy; each outcome on a line
# of $RB_CASE_DIR/load-N: "ok ID", or "status S" with the client's words.
ha_client() {
	local n=$1 port=$2 d h rc out try
	d=$(rb_day $((300 + n)))
	for h in 08 09 10 11 12 13 14 15 16 17 18 19; do
		# exit 3: no connection at all, nothing sent (the daemon is
		# starting again): a script tries again; a lost answer the client
		# retries itself with the same key (--retry)
		for try in 1 2 3 4 5 6 7 8 9 10; do
			rc=0
			out=$("$RB_CLIENT" --server "127.0.0.1:$port" --token "tok-race0$n" --ca "$RB_CA" \
				--retry 20 book race-rig --from "$d $h:00" --to "$d $h:30" --json 2>"$RB_CASE_DIR/err-$n-$h") || rc=$?
			[[ $rc -eq 3 ]] || break
			sleep 0.5
		done
		if [[ $rc -eq 0 ]]; then
			echo "ok $(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out")"
		else
			echo "status $rc $(tr '\n' ' ' <"$RB_CASE_DIR/err-$n-$h")"
		fi
	done >"$RB_CASE_DIR/load-$n"
}

t_haproxy_drain_and_kill() {
	command -v haproxy >/dev/null 2>&1 || { echo "haproxy is not installed (scripts/deps installs it)"; return 1; }
	local pa pb pw ph hapid watch i acked missing
	pa=$(rb_free_port)
	pb=$(rb_free_port)
	pw=$(rb_free_port)
	ph=$(rb_free_port)
	ha_daemon a "$pa" || return 1
	ha_daemon b "$pb" || return 1
	ha_daemon w "$pw" || return 1
	cat >"$RB_CASE_DIR/haproxy.cfg" <<CFG
global
	maxconn 2000
defaults
	mode tcp
	timeout connect 1s
	timeout client 60s
	timeout server 60s
	retries 3
	option redispatch
frontend rigbook
	bind 127.0.0.1:$ph
	default_backend rigbookd
backend rigbookd
	balance roundrobin
	server a 127.0.0.1:$pa check inter 200ms fall 1 rise 2
	server b 127.0.0.1:$pb check inter 200ms fall 1 rise 2
CFG
	haproxy -c -f "$RB_CASE_DIR/haproxy.cfg" >"$RB_CASE_DIR/haproxy-check.log" 2>&1 ||
		{ cat "$RB_CASE_DIR/haproxy-check.log"; return 1; }
	haproxy -db -f "$RB_CASE_DIR/haproxy.cfg" >"$RB_CASE_DIR/haproxy.log" 2>&1 &
	hapid=$!
	rb_register_pid "$hapid"
	rb_wait_ready "$hapid" "127.0.0.1:$ph" tok-alice 20 || { cat "$RB_CASE_DIR/haproxy.log"; return 1; }

	# the watcher: on the third daemon, for the whole run, never reconnecting
	"$RB_CLIENT" --server "127.0.0.1:$pw" --token tok-mgr --ca "$RB_CA" watch race-rig --once \
		>"$RB_CASE_DIR/watch.out" 2>"$RB_CASE_DIR/watch.err" &
	watch=$!
	rb_register_pid "$watch"
	for ((i = 0; i < 100; i++)); do
		grep -q '^rigbook: watching' "$RB_CASE_DIR/watch.err" && break
		sleep 0.1
	done

	for n in 1 2 3 4; do
		ha_client "$n" "$ph" &
		rb_register_pid $!
	done
	# a's drain while bookings flow; then a comes back
	sleep 1
	rb_stop_daemon "$HA_PID_a" 30
	expect_eq 0 "$RB_STOP_RC" "a's exit status after the drain"
	ha_daemon a "$pa" || return 1
	sleep 1 # HAProxy's checks see a back (rise 2 at 200 ms)
	# b dies at once, mid-request for some clients
	kill -KILL "$HA_PID_b"
	wait "$HA_PID_b" 2>/dev/null || true
	wait_jobs_except "$hapid" "$watch" "$HA_PID_a" "$HA_PID_w"

	cat "$RB_CASE_DIR"/load-* >"$RB_CASE_DIR/outcomes"
	expect_eq 48 "$(wc -l <"$RB_CASE_DIR/outcomes")" "outcomes of the 48 bookings"
	if grep -v '^ok ' "$RB_CASE_DIR/outcomes"; then
		echo "bookings not made through the drain and the kill (above)"
		return 1
	fi
	grep '^ok ' "$RB_CASE_DIR/outcomes" | cut -d' ' -f2 | sort -n >"$RB_CASE_DIR/acked"
	acked=$(wc -l <"$RB_CASE_DIR/acked")
	expect_eq 48 "$(sort -u "$RB_CASE_DIR/acked" | wc -l)" "distinct bookings acknowledged"
	# every one is in the database, confirmed, and race-rig has no others
	expect_eq "$acked" "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'race-rig' AND b.state = 'confirmed' AND b.id IN ($(paste -sd, "$RB_CASE_DIR/acked"))")" \
		"acknowledged bookings in the database"
	expect_eq "$acked" "$(psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'race-rig' AND b.state NOT IN ('cancelled', 'declined')")" "race-rig's active bookings"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings x JOIN bookings y ON x.unit_id = y.unit_id AND x.id < y.id
		AND x.during && y.during WHERE x.state NOT IN ('cancelled', 'declined')
		AND y.state NOT IN ('cancelled', 'declined')")" "overlapping active bookings"
	# the watcher heard each
	for ((i = 0; i < 100; i++)); do
		[[ $(grep -c '  booked  race-rig  booking ' "$RB_CASE_DIR/watch.out") -ge $acked ]] && break
		sleep 0.1
	done
	missing=0
	while read -r id; do
		grep -q "  booked  race-rig  booking $id  " "$RB_CASE_DIR/watch.out" || { echo "the watcher missed booking $id"; missing=1; }
	done <"$RB_CASE_DIR/acked"
	[[ $missing -eq 0 ]] || return 1
	kill -0 "$watch" || { echo "the watcher on the untouched daemon ended"; cat "$RB_CASE_DIR/watch.err"; return 1; }
	kill -TERM "$watch" "$hapid" 2>/dev/null
	wait "$watch" 2>/dev/null || true
	wait "$hapid" 2>/dev/null || true
	for x in a w; do
		eval "rb_stop_daemon \"\$HA_PID_$x\" 30"
		expect_eq 0 "$RB_STOP_RC" "$x's exit status"
	done
	if grep -l -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$RB_CASE_DIR"/rigbookd-*.log; then
		return 1
	fi
}

# wait_jobs_except PID...: wait for this shell's other background jobs (the
# load), at most 120 s.
wait_jobs_except() {
	local p i keep=" $* " left
	for ((i = 0; i < 1200; i++)); do
		left=0
		for p in $(jobs -pr); do
			[[ $keep == *" $p "* ]] || left=1
		done
		[[ $left -eq 0 ]] && return 0
		sleep 0.1
	done
	echo "the load did not finish in 120 s"
	return 1
}

# rigbookd killed with SIGKILL three times under a load of bookings and
# started again on the same port each time: the clients' retries (same
# idempotency key) carry every booking through; each acknowledged one
# exists once, and nothing overlaps.
t_kill9_repeatedly_under_load() {
	local port round n acked
	port=$(rb_free_port)
	ha_daemon k "$port" || return 1
	for n in 5 6 7; do
		ha_client "$n" "$port" &
		rb_register_pid $!
	done
	for round in 1 2 3; do
		sleep 0.$((3 + RANDOM % 5))
		kill -KILL "$HA_PID_k"
		wait "$HA_PID_k" 2>/dev/null || true
		ha_daemon k "$port" || return 1
	done
	wait_jobs_except "$HA_PID_k" || return 1
	cat "$RB_CASE_DIR"/load-[567] >"$RB_CASE_DIR/outcomes"
	expect_eq 36 "$(wc -l <"$RB_CASE_DIR/outcomes")" "outcomes of the 36 bookings"
	if grep -v '^ok ' "$RB_CASE_DIR/outcomes"; then
		echo "bookings not made through the kills (above)"
		return 1
	fi
	grep '^ok ' "$RB_CASE_DIR/outcomes" | cut -d' ' -f2 | sort -n >"$RB_CASE_DIR/acked"
	acked=$(sort -u "$RB_CASE_DIR/acked" | wc -l)
	expect_eq 36 "$acked" "distinct bookings acknowledged"
	expect_eq 36 "$(psql_q "SELECT count(*) FROM bookings WHERE state = 'confirmed' AND id IN ($(paste -sd, "$RB_CASE_DIR/acked"))")" \
		"acknowledged bookings in the database"
	# no duplicates from the retries: the three members' days hold exactly these
	expect_eq 36 "$(psql_q "SELECT count(*) FROM bookings b JOIN members m ON m.id = b.member_id
		WHERE m.handle IN ('race05', 'race06', 'race07') AND b.state <> 'cancelled'")" "their bookings in all"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings x JOIN bookings y ON x.unit_id = y.unit_id AND x.id < y.id
		AND x.during && y.during WHERE x.state NOT IN ('cancelled', 'declined')
		AND y.state NOT IN ('cancelled', 'declined')")" "overlapping active bookings"
	rb_stop_daemon "$HA_PID_k" 30
	expect_eq 0 "$RB_STOP_RC" "the last daemon's exit status"
}
