# Every refusal names its rule: Error.reason, a stable key, with named
# arguments; the client words the reasons it has templates for exactly as
# the server's message.

# A spread of refusals on the wire (bad input, a role that may not, what
# does not exist, a window another startup holds), each checked for its code
# and reason; the daemon never had to stand in a reason for one that had none.
t_refusal_reasons() {
	local tool=$RB_BUILD/tests/integration/rb-badinput
	[[ -x $tool ]] || rb_skip "rb-badinput is not built"
	expect_exit 0 "$tool" --refusals --server "$RB_SERVER" --ca "$RB_CA" \
		--token tok-alice --other-token tok-carol --resource dyno-1
	# the one booking it made is cancelled; nothing else changed
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings WHERE note = 'rb-badinput: a window to refuse' AND state <> 'cancelled'")" \
		"bookings left behind"
	expect_eq 0 "$(grep -c 'refusal without a reason' "$RB_DAEMON_LOG" || true)" "refusals sent without a reason"
}

# The hostile-wire cases check every Error's reason too.
t_refusal_reasons_wire() {
	local tool=$RB_BUILD/tests/integration/rb-badinput
	[[ -x $tool ]] || rb_skip "rb-badinput is not built"
	expect_exit 0 "$tool" --server "$RB_SERVER" --ca "$RB_CA" --token tok-bob --resource dyno-2
	expect_eq 0 "$(grep -c 'refusal without a reason' "$RB_DAEMON_LOG" || true)" "refusals sent without a reason"
}

# The client's words from a reason and its arguments are the server's message.
t_refusal_client_words() {
	expect_exit 1 rb_as alice show rb-no-such-rig
	expect_stderr_contains "rigbook: NOT_FOUND: no resource is called rb-no-such-rig"
	expect_exit 1 rb_as alice report --from 2026-01-01 --to 2026-01-31
	expect_stderr_contains "rigbook: PERMISSION_DENIED: report is for managers of the host institution, operators of the space and admins, not for a member"
	expect_exit 1 rb_as carol rate set dyno-1 --tier external --hourly 1 --increment 15m --basis booked --from 2026-01-01
	expect_stderr_contains "rigbook: PERMISSION_DENIED: rate set is for operators of the space and admins, not for a member"
}

# A request the caller's role may not send is named as the command typed,
# not as the request it sends.
t_refusal_names_the_command() {
	expect_exit 1 rb_as alice approvals
	expect_stderr_contains "rigbook: PERMISSION_DENIED: approvals is for managers of the host institution, operators of the space and admins, not for a member"
	expect_exit 1 rb_as alice hours dyno-1 'mon-fri 09:00-17:00'
	expect_stderr_contains "rigbook: PERMISSION_DENIED: hours is for managers of the host institution, operators of the space and admins, not for a member"
	expect_exit 1 rb_as mgr invoice run --period 2026-01
	expect_stderr_contains "rigbook: PERMISSION_DENIED: invoice run is for operators of the space and admins, not for a manager"
	expect_exit 1 rb_as alice closure add dyno-1 --from 2030-01-01 --to 2030-01-02 --reason x
	expect_stderr_contains "rigbook: PERMISSION_DENIED: closure add is for managers"
	if grep -q -E 'list_approvals|set_hours|run_invoices|add_closure' "$RB_ERR"; then
		echo "a request's name reached the person"
		return 1
	fi
}

# A database function's reason and arguments (its HINT) reach the client:
# rb_startups is given, in this file's database only, a refusal whose
# message the client must not show, since it has words for the reason.  A
# HINT that is not a flat reason is not passed on: the daemon names the
# refusal after its code, says so in its log, and the client shows the
# message.
t_refusal_hint_to_client() {
	local def
	def=$(psql_q "SELECT count(*) FROM pg_proc WHERE proname = 'rb_startups' AND pg_get_function_identity_arguments(oid) = 'p_member bigint, p_code text'")
	[[ $def == 1 ]] || rb_skip "rb_startups(p_member bigint, p_code text) is not in this schema"
	psql_q "DO \$do\$
DECLARE d text;
BEGIN
  d := pg_get_functiondef('rb_startups(bigint, text)'::regprocedure);
  d := regexp_replace(d, 'BEGIN', \$\$BEGIN
  IF p_code = 'rb-hint-flat' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code', MESSAGE = 'not these words',
      HINT = '{\"args\": {\"startup\": \"rb-hint-flat\", \"n\": 3, \"x\": null}, \"reason\": \"startup_not_found\"}';
  END IF;
  IF p_code = 'rb-hint-nested' THEN
    RAISE EXCEPTION USING ERRCODE = 'RB404', COLUMN = 'code', MESSAGE = 'the message of a nested hint',
      HINT = '{\"args\": {\"startup\": [\"rb-hint-nested\"]}, \"reason\": \"startup_not_found\"}';
  END IF;\$\$);
  EXECUTE d;
END \$do\$" >/dev/null
	expect_exit 1 rb_as alice startup show rb-hint-flat
	expect_stderr_contains "rigbook: NOT_FOUND: no startup is called rb-hint-flat"
	expect_exit 1 rb_as alice startup show rb-hint-nested
	expect_stderr_contains "rigbook: NOT_FOUND: the message of a nested hint"
	grep -q "HINT that is not a reason" "$RB_DAEMON_LOG"
	# and the function is as it was for everything else
	expect_exit 1 rb_as alice startup show rb-no-such-startup
	expect_stderr_contains "rigbook: NOT_FOUND: no startup is called rb-no-such-startup"
}
