# Clients that outlive the server: `watch` reconnecting with a resync line,
# and the interlock agent switching an instrument at check-in and check-out,
# reconciling after its own restart and after rigbookd's.  Both talk to a
# rigbookd of this file's own on a fixed port, restarted in place; the
# file's usual rigbookd (same database) serves the changes made meanwhile.
# Resource: use-in.

AG_PORT=
AG_PID=

# ag_daemon: (re)start the restartable rigbookd on AG_PORT.
ag_daemon() {
	[[ -n $AG_PORT ]] || AG_PORT=$(rb_free_port)
	rb_extra_daemon ag "$AG_PORT" || return 1
	AG_PID=$RB_EXTRA_PID
}

ag_daemon_stop() {
	rb_stop_daemon "$AG_PID" 30
	expect_eq 0 "$RB_STOP_RC" "the restartable rigbookd's exit status"
}

# ag_state FILE WANT: until the state file says WANT (it is written after
# the command has run); then compares.
ag_state() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(cat "$1" 2>/dev/null) == "$2" ]] && break
		sleep 0.1
	done
	expect_eq "$2" "$(cat "$1" 2>/dev/null)" "the state file"
}

# ag_booking WHO: a booking of use-in by WHO that began a minute ago and
# lasts an hour (booked ahead, then moved into place in the database).
ag_booking() {
	local d id
	d=$(rb_day 600)
	expect_exit 0 rb_as "$1" book use-in --from "$d $2" --to "$d $3" --json >/dev/null
	id=$(booking_id)
	psql_q "UPDATE bookings SET during = tstzrange(now() - interval '1 minute', now() + interval '1 hour') WHERE id = $id" >/dev/null
	printf '%s\n' "$id"
}

t_interlock_and_watch() {
	local b1 b2 log=$RB_CASE_DIR/switch.log sf=$RB_CASE_DIR/state agent_err=$RB_CASE_DIR/agent.err
	local agent watch n
	ag_daemon || return 1
	b1=$(ag_booking alice 10:00 11:00)

	# the agent, as the resource's manager
	"$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-mgr --ca "$RB_CA" interlock use-in \
		--on-start "echo start \$RIGBOOK_BOOKING \$RIGBOOK_MEMBER \$RIGBOOK_REASON >> $log" \
		--on-stop "echo stop \$RIGBOOK_REASON >> $log" \
		--state-file "$sf" --reconcile 2 2>"$agent_err" &
	agent=$!
	rb_register_pid "$agent"
	"$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-mgr --ca "$RB_CA" watch use-in \
		>"$RB_CASE_DIR/watch.out" 2>"$RB_CASE_DIR/watch.err" &
	watch=$!
	rb_register_pid "$watch"
	# unknown at first: brought to off
	rb_wait_line "$log" '^stop start$' || return 1
	ag_state "$sf" off
	rb_wait_line "$RB_CASE_DIR/watch.err" 'watching use-in' || return 1

	expect_exit 0 rb_as alice checkin "$b1"
	rb_wait_line "$log" "^start $b1 alice checked_in\$" || { cat "$agent_err"; return 1; }
	ag_state "$sf" "on $b1"
	rb_wait_line "$RB_CASE_DIR/watch.out" "checked_in  use-in  booking $b1" || return 1
	expect_exit 0 rb_as alice checkout "$b1"
	rb_wait_line "$log" '^stop completed$' || return 1
	ag_state "$sf" off
	# out of the way of the next booking of the same unit
	psql_q "UPDATE bookings SET during = tstzrange(now() - interval '3 hours', now() - interval '2 hours') WHERE id = $b1" >/dev/null

	# The agent restarts: the state file says off, the server agrees: nothing runs.
	kill -TERM "$agent"
	wait "$agent"
	expect_eq 0 "$?" "the agent's exit status on SIGTERM"
	n=$(wc -l <"$log")
	"$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-mgr --ca "$RB_CA" interlock use-in \
		--on-start "echo start \$RIGBOOK_BOOKING \$RIGBOOK_MEMBER \$RIGBOOK_REASON >> $log" \
		--on-stop "echo stop \$RIGBOOK_REASON >> $log" \
		--state-file "$sf" --reconcile 1 2>>"$agent_err" &
	agent=$!
	rb_register_pid "$agent"
	rb_wait_line "$agent_err" 'watching use-in' 20 2 || return 1
	sleep 2.5 # two reconcile periods
	expect_eq "$n" "$(wc -l <"$log")" "commands run by a restarted agent with nothing to change"

	# rigbookd restarts; meanwhile someone checks in through the other daemon.
	b2=$(ag_booking bob 12:00 13:00)
	ag_daemon_stop
	expect_exit 0 rb_as bob checkin "$b2"
	ag_daemon || return 1
	rb_wait_line "$log" "^start $b2 .*(resync|period)\$" 30 || { cat "$agent_err"; return 1; }
	grep -q 'reconnecting' "$agent_err" || { echo "the agent did not say it reconnects"; cat "$agent_err"; return 1; }
	# watch came back too, said it may have missed events, and hears new ones
	rb_wait_line "$RB_CASE_DIR/watch.out" '  resync  reconnected' 30 || return 1
	rb_wait_line "$RB_CASE_DIR/watch.err" 'watching use-in again' || return 1
	expect_exit 0 rb_as bob checkout "$b2"
	rb_wait_line "$RB_CASE_DIR/watch.out" "completed  use-in  booking $b2" 30 || return 1
	rb_wait_line "$log" '^stop completed$' 20 2 || return 1

	kill -TERM "$agent" "$watch"
	wait "$agent"
	expect_eq 0 "$?" "the agent's exit status"
	wait "$watch"
	expect_eq 0 "$?" "watch's exit status on SIGTERM"
	ag_daemon_stop
}

# --once keeps the old behaviour: the watch ends with its connection (3).
t_watch_once() {
	local watch rc=0
	ag_daemon || return 1
	"$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-mgr --ca "$RB_CA" watch use-in --once \
		>"$RB_CASE_DIR/watch.out" 2>"$RB_CASE_DIR/watch.err" &
	watch=$!
	rb_wait_line "$RB_CASE_DIR/watch.err" 'watching use-in' || return 1
	ag_daemon_stop
	wait "$watch" || rc=$?
	expect_eq 3 "$rc" "watch --once exit status when the server goes"
	grep -q 'events after this are not shown' "$RB_CASE_DIR/watch.err" || { cat "$RB_CASE_DIR/watch.err"; return 1; }
}

# Usage errors end the agent with 2 and run nothing; a token the server
# refuses is one.
t_interlock_usage() {
	ag_daemon || return 1
	expect_exit 2 "$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-mgr --ca "$RB_CA" interlock use-in --on-start true
	expect_exit 2 "$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token nope --ca "$RB_CA" interlock use-in \
		--on-start true --on-stop true
	expect_exit 2 "$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-mgr --ca "$RB_CA" interlock no-such-rig \
		--on-start true --on-stop true
	ag_daemon_stop
}

# A watch whose token is revoked ends at once (exit 1), saying why, rather
# than waiting for a connection that will not sign in again.
t_watch_ends_when_access_ends() {
	local tok tid watch rc=0 i
	ag_daemon || return 1
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-adm --ca "$RB_CA" \
		token issue carol --label watch-test --json
	tok=$(json 'd["secret"]')
	tid=$(json 'd["token"]["id"]')
	[[ $tok == rbk_* ]] || { echo "no token issued"; cat "$RB_OUT"; return 1; }
	"$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token "$tok" --ca "$RB_CA" watch \
		>"$RB_CASE_DIR/watch.out" 2>"$RB_CASE_DIR/watch.err" &
	watch=$!
	rb_register_pid "$watch"
	rb_wait_line "$RB_CASE_DIR/watch.err" 'watching every resource' || return 1
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$AG_PORT" --token tok-adm --ca "$RB_CA" token revoke "$tid"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$watch" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$watch" 2>/dev/null; then
		kill "$watch"
		echo "watch still runs 5 s after its token was revoked"
		return 1
	fi
	wait "$watch" || rc=$?
	expect_eq 1 "$rc" "watch's exit status when its token is revoked"
	grep -q 'access ended' "$RB_CASE_DIR/watch.err" || { cat "$RB_CASE_DIR/watch.err"; return 1; }
	ag_daemon_stop
}
