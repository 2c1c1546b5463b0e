# What a member learns of what is not theirs: a refusal never names another
# startup's booking, an id they may not see is answered as one that does not
# exist, a token that does not sign in gets one answer, and access ends on
# every open connection of every daemon as soon as a token is revoked or
# expires or its member is disabled.  On the wire, through rb-access.

# pv FILL...: rb-access against this file's daemon.
pv() {
	"$RB_BUILD/tests/integration/rb-access" --server "$RB_SERVER" --ca "$RB_CA" "$@"
}

# pv_epoch DAY HH:MM: the instant in Asia/Shanghai (the fixture's resources).
pv_epoch() {
	TZ=Asia/Shanghai date -d "$1 $2" +%s
}

# pv_call_ok ...: rb-access call, its line in PV_LINE; fails unless it ran.
pv_call() {
	PV_LINE=$(pv call "$@") || { echo "rb-access call $* failed: $PV_LINE"; return 1; }
}

# pv_hides ID TEXT WHAT: TEXT names neither booking ID nor its holder (alice, acme).
pv_hides() {
	local id=$1 text=$2 what=$3
	if [[ $text == *"booking $id"* || $text == *"booking=$id"* || $text == *"| $id" ||
		$text == *alice* || $text == *acme* || $text == *"Alice"* ]]; then
		echo "$what tells another startup of booking $id or its holder:"
		echo "$text"
		return 1
	fi
}

pv_setup() {
	[[ -x $RB_BUILD/tests/integration/rb-access ]] || rb_skip "rb-access is not built"
}

# Every path that answers CONFLICT: a member of another startup hears that
# the time is taken and when, never which booking or whose; the holder's
# colleague is told the booking.
t_privacy_conflict_paths() {
	local d s e id out
	pv_setup
	d=$(rb_day 41)
	s=$(pv_epoch "$d" 10:00)
	e=$(pv_epoch "$d" 11:00)
	expect_exit 0 rb_as alice book dyno-2 --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)

	# book
	pv_call tok-carol book resource_code=dyno-2 start="$s" end="$e"
	[[ $PV_LINE == "CONFLICT booking_overlap |"* ]] || { echo "book: $PV_LINE"; return 1; }
	expect_eq 0 "${PV_LINE##*| }" "conflict_booking_id told to another startup"
	pv_hides "$id" "$PV_LINE" "book"
	pv_call tok-bob book resource_code=dyno-2 start="$s" end="$e"
	expect_eq "$id" "${PV_LINE##*| }" "conflict_booking_id told to the holder's colleague"

	# move: carol's own booking moved onto alice's window
	expect_exit 0 rb_as carol book dyno-2 --from "$d 14:00" --to "$d 15:00" --json
	pv_call tok-carol move_booking booking_id="$(booking_id)" start="$s" end="$e"
	[[ $PV_LINE == CONFLICT* ]] || { echo "move: $PV_LINE"; return 1; }
	expect_eq 0 "${PV_LINE##*| }" "conflict_booking_id of a move"
	pv_hides "$id" "$PV_LINE" "move"

	# wait: the refusal the entry waits on is kept and shown to the waiter
	expect_exit 0 rb_as carol wait dyno-2 --from "$d 10:00" --to "$d 11:00" --json
	out=$(psql_q "SELECT refusal FROM waitlist w JOIN members m ON m.id = w.member_id WHERE m.handle = 'carol' ORDER BY w.id DESC LIMIT 1")
	pv_hides "$id" "$out" "the waitlist entry's refusal"
	expect_exit 0 rb_as carol waitlist --json
	pv_hides "$id" "$(cat "$RB_OUT")" "carol's waitlist"

	# a series: every refused occurrence says why, without the booking
	expect_exit 1 rb_as carol book dyno-2 --from "$d 10:00" --to "$d 11:00" --every day --count 2 --json
	pv_hides "$id" "$(cat "$RB_OUT" "$RB_ERR")" "a series"

	# a group booking: mill-5ax takes dyno-2 with it
	psql_q "INSERT INTO resource_requires (resource_id, required_id)
		SELECT a.id, b.id FROM resources a, resources b WHERE a.code = 'mill-5ax' AND b.code = 'dyno-2'" >/dev/null
	pv_call tok-carol book resource_code=mill-5ax start="$s" end="$e"
	[[ $PV_LINE == CONFLICT* ]] || { echo "group booking: $PV_LINE"; return 1; }
	expect_eq 0 "${PV_LINE##*| }" "conflict_booking_id of a group booking"
	pv_hides "$id" "$PV_LINE" "a group booking"
	psql_q "DELETE FROM resource_requires" >/dev/null

	# the buffer rule names the neighbour only to who may see it
	psql_q "UPDATE resources SET buffer_minutes = 30 WHERE code = 'dyno-2'" >/dev/null
	pv_call tok-carol book resource_code=dyno-2 start="$e" end="$((e + 3600))"
	[[ $PV_LINE == *rule_buffer* ]] || { echo "buffer: $PV_LINE"; return 1; }
	pv_hides "$id" "$PV_LINE" "the buffer rule"
	psql_q "UPDATE resources SET buffer_minutes = 0 WHERE code = 'dyno-2'" >/dev/null
}

# Two bookings race past the rules (one written without the resource's
# lock, committed while the other waits on the exclusion constraint): the
# constraint's own error is answered CONFLICT without the booking.
t_privacy_conflict_race() {
	local d s e pid line
	pv_setup
	d=$(rb_day 42)
	s=$(pv_epoch "$d" 10:00)
	e=$(pv_epoch "$d" 11:00)
	rb_pg_psql "$RB_PG_DB" -c "BEGIN;
		INSERT INTO bookings (resource_id, member_id, startup_id, during, unit_id)
		SELECT r.id, m.id, m.startup_id, tstzrange(to_timestamp($s), to_timestamp($e), '[)'), u.id
		  FROM resources r JOIN resource_units u ON u.resource_id = r.id, members m
		 WHERE r.code = 'dyno-2' AND m.handle = 'alice' LIMIT 1;
		SELECT pg_sleep(3);
		COMMIT;" >"$RB_CASE_DIR/race.log" 2>&1 &
	pid=$!
	sleep 1
	pv_call tok-carol book resource_code=dyno-2 start="$s" end="$e"
	wait "$pid" || { cat "$RB_CASE_DIR/race.log"; return 1; }
	expect_eq "CONFLICT booking_overlap | that time is already booked | what=constraint | 0" "$PV_LINE" "the constraint's refusal"
	line=$(psql_q "SELECT id FROM bookings WHERE during = tstzrange(to_timestamp($s), to_timestamp($e), '[)')")
	pv_hides "$line" "$PV_LINE" "the exclusion constraint's refusal"
}

# pv_same WHAT LABEL_A LINE_A ID_A LINE_B ID_B: the two answers are the same
# but for the id asked about.
pv_same() {
	local a=${2//$3/ID} b=${4//$5/ID}
	if [[ $a != "$b" ]]; then
		echo "$1: another's and a missing one are answered differently:"
		echo "  another's: $2"
		echo "  missing:   $4"
		return 1
	fi
}

# pv_probe WHO REQUEST FIELD ID MISSING [FILL...]: WHO asks REQUEST about ID
# (not theirs to see) and about MISSING (no such thing): the same answer,
# NOT_FOUND.
pv_probe() {
	local who=$1 req=$2 field=$3 id=$4 missing=$5 a
	shift 5
	pv_call "tok-$who" "$req" "$field=$id" "$@"
	a=$PV_LINE
	pv_call "tok-$who" "$req" "$field=$missing" "$@"
	[[ $a == NOT_FOUND* ]] || { echo "$req by $who of $id: $a"; return 1; }
	pv_same "$req by $who" "$a" "$id" "$PV_LINE" "$missing"
}

# Whatever request takes an id, a member asking about another startup's (or
# staff about another institution's or space's) gets the answer they get for
# an id that does not exist: code, reason, message and arguments.
t_privacy_same_answer() {
	local d s e id sid entry tok n=999999999
	pv_setup
	d=$(rb_day 43)
	s=$(pv_epoch "$d" 10:00)
	e=$(pv_epoch "$d" 11:00)
	expect_exit 0 rb_as alice book dyno-1 --from "$d 10:00" --to "$d 11:00" --json
	id=$(booking_id)
	for req in cancel_booking get_booking check_in check_out; do
		pv_probe carol "$req" booking_id "$id" "$n" reason=x
	done
	pv_probe carol move_booking booking_id "$id" "$n" start="$((s + 7200))" end="$((e + 7200))"
	pv_probe carol hand_over booking_id "$id" "$n" to_member=carol
	for req in decide mark_no_show correct_usage; do
		pv_probe mgr-other "$req" booking_id "$id" "$n" reason=x approve=true \
			checked_in_at="$s" checked_out_at="$e"
	done
	pv_probe mgr-other get_booking booking_id "$id" "$n"
	# a series
	expect_exit 0 rb_as alice book dyno-1 --from "$(rb_day 44) 10:00" --to "$(rb_day 44) 11:00" --every day --count 2 --json
	sid=$(psql_q "SELECT max(id) FROM booking_series")
	pv_probe carol cancel_series series_id "$sid" "$n" reason=x
	# a waitlist entry
	expect_exit 0 rb_as bob book dyno-1 --from "$d 12:00" --to "$d 13:00" --json
	expect_exit 0 rb_as alice wait dyno-1 --from "$d 12:00" --to "$d 13:00" --json
	entry=$(psql_q "SELECT max(id) FROM waitlist")
	pv_probe carol unwait entry_id "$entry" "$n"
	# a token
	tok=$(psql_q "SELECT t.id FROM tokens t JOIN members m ON m.id = t.member_id WHERE m.handle = 'alice' LIMIT 1")
	pv_probe carol revoke_token token_id "$tok" "$n"
	pv_probe ppl-oper-other revoke_token token_id "$tok" "$n"
	# a startup
	pv_probe carol get_startup code acme nosuchco
	pv_probe ppl-oper-other get_startup code acme nosuchco
	pv_probe carol list_charges startup_code acme nosuchco
	pv_probe carol list_invoices startup_code acme nosuchco
	pv_probe carol list_vouchers startup_code acme nosuchco
	pv_probe ppl-oper-other set_tier startup_code acme nosuchco tier=external
	# and the owner is still told what is wrong with their own
	pv_call tok-bob cancel_booking booking_id="$id" reason=x
	[[ $PV_LINE == "PERMISSION_DENIED booking_not_yours"* ]] || { echo "a colleague's booking: $PV_LINE"; return 1; }
}

# One answer to every token that does not sign in; the log says which.
t_privacy_sign_in_one_answer() {
	local want revoked expired disabled
	pv_setup
	expect_exit 0 rb_as oper member add priv-gone --name "Gone" --role member --startup acme
	expect_exit 0 rb_as oper token issue priv-gone
	disabled=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	expect_exit 0 rb_as oper member disable priv-gone
	expect_exit 0 rb_as oper token issue bob
	revoked=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	expect_exit 0 rb_as oper token revoke "$(sed -n 's/^issued token \([0-9]*\) .*/\1/p' "$RB_OUT")"
	expect_exit 0 rb_as oper token issue bob
	expired=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	psql_q "UPDATE tokens SET expires_at = now() - interval '1 hour' WHERE id = $(sed -n 's/^issued token \([0-9]*\) .*/\1/p' "$RB_OUT")" >/dev/null
	want="UNAUTHENTICATED token_invalid | the token is not valid: unknown, revoked or expired | | 0"
	expect_eq "$want" "$(pv hello tok-nobody)" "an unknown token"
	expect_eq "$want" "$(pv hello "$revoked")" "a revoked token"
	expect_eq "$want" "$(pv hello "$expired")" "an expired token"
	expect_eq "$want" "$(pv hello "$disabled")" "a disabled member's token"
	# a token longer than any is refused by the text rules, before any look-up
	expect_eq "INVALID_ARGUMENT text_too_long | token is longer than 512 characters | field=token limit=512 | 0" \
		"$(pv hello "$(printf 'x%.0s' {1..600})")" "a token too long"
	# the log has the reason, one line each
	sleep 0.2
	grep -q "sign-in refused: unknown token" "$RB_DAEMON_LOG" || { echo "no log line for the unknown token"; return 1; }
	grep -q "sign-in refused: token [0-9]* of bob revoked at" "$RB_DAEMON_LOG" || { echo "no log line for the revoked token"; return 1; }
	grep -q "sign-in refused: token [0-9]* of bob expired at" "$RB_DAEMON_LOG" || { echo "no log line for the expired token"; return 1; }
	grep -q "sign-in refused: token [0-9]* of priv-gone, whose account is disabled" "$RB_DAEMON_LOG" || { echo "no log line for the disabled member"; return 1; }
}

# pv_second_daemon PORT: another rigbookd on this file's database; PV_PID.
pv_second_daemon() {
	"$RB_DAEMON" --database_url="$RB_DB_URL" --state_dir="$RB_DAEMON_STATE" \
		--tls_cert="$RB_TLS/server.crt" --tls_key="$RB_TLS/server.key" \
		--listen="127.0.0.1:$1" --log_level=debug run 2>>"$RB_CASE_DIR/rigbookd2.log" &
	PV_PID=$!
	rb_register_pid "$PV_PID"
	rb_wait_ready "$PV_PID" "127.0.0.1:$1" tok-alice 60 ||
		{ echo "second rigbookd did not become ready:"; cat "$RB_CASE_DIR/rigbookd2.log"; return 1; }
}

# pv_hold NAME SERVER TOKENS...: rb-access hold in the background; PV_HOLD.
pv_hold() {
	local name=$1 srv=$2 i
	shift 2
	"$RB_BUILD/tests/integration/rb-access" --server "$srv" --ca "$RB_CA" --timeout 60 hold "$@" \
		>"$RB_CASE_DIR/$name.out" 2>"$RB_CASE_DIR/$name.err" &
	PV_HOLD=$!
	for ((i = 0; i < 100; i++)); do
		grep -qs '^ready' "$RB_CASE_DIR/$name.out" && return 0
		sleep 0.1
	done
	echo "rb-access hold did not sign in:"
	cat "$RB_CASE_DIR/$name.err"
	return 1
}

# pv_release PID NAME: SIGUSR1, then its report.
pv_release() {
	# gone already only if it failed: its status and its words say why
	kill -USR1 "$1" 2>/dev/null || echo "rb-access hold $2 ended before it was released"
	wait "$1" || { echo "rb-access hold $2 failed:"; cat "$RB_CASE_DIR/$2.err"; return 1; }
}

# A token revoked or a member disabled, through one daemon: within a second
# every open connection of that token or member, on either daemon, is
# refused its next request (UNAUTHENTICATED, then closed), and a watcher
# hears that its access ended; other members' connections go on.
t_privacy_revoke_ends_open_sessions() {
	local port a b tok_a tok_b h1 h2
	pv_setup
	port=$(rb_free_port)
	pv_second_daemon "$port"
	expect_exit 0 rb_as oper member add priv-rev --name "Rev" --role member --startup acme
	expect_exit 0 rb_as oper token issue priv-rev
	a=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	tok_a=$(sed -n 's/^issued token \([0-9]*\) .*/\1/p' "$RB_OUT")
	expect_exit 0 rb_as oper token issue priv-rev
	b=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	pv_hold h1 "$RB_SERVER" "$a" "watch:$a" "$b" tok-alice
	h1=$PV_HOLD
	pv_hold h2 "127.0.0.1:$port" "$a" "$b"
	h2=$PV_HOLD
	# revoked through the second daemon
	expect_exit 0 "$RB_CLIENT" --server "127.0.0.1:$port" --token tok-oper --ca "$RB_CA" token revoke "$tok_a"
	sleep 1
	pv_release "$h1" h1
	pv_release "$h2" h2
	expect_eq "conn 0
ping UNAUTHENTICATED access_ended
closed
conn 1
event access_ended
ping UNAUTHENTICATED access_ended
closed
conn 2
ping OK
open
conn 3
ping OK
open" "$(cat "$RB_CASE_DIR/h1.out" | sed 1d)" "the first daemon's connections after the revoke"
	expect_eq "conn 0
ping UNAUTHENTICATED access_ended
closed
conn 1
ping OK
open" "$(cat "$RB_CASE_DIR/h2.out" | sed 1d)" "the second daemon's connections after the revoke"

	# the member disabled: every token of theirs, on both daemons
	pv_hold h1 "$RB_SERVER" "$b" tok-alice
	h1=$PV_HOLD
	pv_hold h2 "127.0.0.1:$port" "$b"
	h2=$PV_HOLD
	expect_exit 0 rb_as oper member disable priv-rev
	sleep 1
	pv_release "$h1" h1
	pv_release "$h2" h2
	expect_eq "conn 0
ping UNAUTHENTICATED access_ended
closed
conn 1
ping OK
open" "$(sed 1d "$RB_CASE_DIR/h1.out")" "the first daemon's connections after the disable"
	expect_eq "conn 0
ping UNAUTHENTICATED access_ended
closed" "$(sed 1d "$RB_CASE_DIR/h2.out")" "the second daemon's connections after the disable"
	kill -TERM "$PV_PID"
	wait "$PV_PID" || { echo "the second rigbookd did not exit 0"; return 1; }
	if rb_sanitizer_reports "$RB_CASE_DIR/rigbookd2.log" >/dev/null; then
		cat "$RB_CASE_DIR/rigbookd2.log"
		return 1
	fi
}

# A token that expires while its connection is open: the connection's
# timer ends its access then; a watcher hears it.
t_privacy_token_expires_on_open_connection() {
	local t id
	pv_setup
	expect_exit 0 rb_as oper token issue bob --expires 1d
	t=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	id=$(sed -n 's/^issued token \([0-9]*\) .*/\1/p' "$RB_OUT")
	psql_q "UPDATE tokens SET expires_at = now() + interval '3 seconds' WHERE id = $id" >/dev/null
	pv_hold ex "$RB_SERVER" "$t" "watch:$t"
	sleep 4
	pv_release "$PV_HOLD" ex
	expect_eq "conn 0
ping UNAUTHENTICATED access_ended
closed
conn 1
event access_ended
ping UNAUTHENTICATED access_ended
closed" "$(sed 1d "$RB_CASE_DIR/ex.out")" "connections after the token expired"
}

# Text that would display other than it reads is refused in every field,
# by its own reason naming the field; nothing is stored.
t_privacy_text_direction_controls() {
	local d s e before rlo=$'\u202e' bom=$'\ufeff' lri=$'\u2066' alm=$'\u061c'
	pv_setup
	d=$(rb_day 45)
	s=$(pv_epoch "$d" 10:00)
	e=$(pv_epoch "$d" 11:00)
	before=$(bookings_digest)
	pv_call tok-alice book resource_code=dyno-1 start="$s" end="$e" note="fine ${rlo}txt.exe"
	expect_eq "INVALID_ARGUMENT text_direction_control | note holds U+202E, a Unicode direction control or byte-order mark, which can make text show other than it reads; remove it | field=note char=U+202E | 0" \
		"$PV_LINE" "a note with U+202E"
	pv_call tok-alice book resource_code=dyno-1 start="$s" end="$e" note="${bom}note"
	[[ $PV_LINE == "INVALID_ARGUMENT text_direction_control | note holds U+FEFF"* ]] || { echo "BOM: $PV_LINE"; return 1; }
	pv_call tok-oper put_startup code=priv-co name="Acme ${lri}Evil" space_code=test-space
	[[ $PV_LINE == "INVALID_ARGUMENT text_direction_control | name holds U+2066"* ]] || { echo "a name: $PV_LINE"; return 1; }
	pv_call tok-alice cancel_booking booking_id=1 reason="because${alm}"
	[[ $PV_LINE == "INVALID_ARGUMENT text_direction_control | reason holds U+061C"* ]] || { echo "a reason: $PV_LINE"; return 1; }
	# before signing in too: the connection closes
	expect_eq "INVALID_ARGUMENT text_direction_control | client holds U+202E, a Unicode direction control or byte-order mark, which can make text show other than it reads; remove it | field=client char=U+202E | 0" \
		"$(pv call tok-alice hello token=tok-alice client="x${rlo}")" "Hello.client"
	expect_eq "$before" "$(bookings_digest)" "bookings after the refusals"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM startups WHERE code = 'priv-co'")" "startups after the refusal"
	# Chinese text is counted in characters, as the database counts it
	d=$(rb_day 47)
	s=$(pv_epoch "$d" 10:00)
	e=$(pv_epoch "$d" 11:00)
	pv_call tok-alice book resource_code=dyno-2 start="$s" end="$e" note="$(printf '测%.0s' {1..2000})"
	expect_eq "OK" "$PV_LINE" "a note of 2000 Chinese characters"
	pv_call tok-alice book resource_code=dyno-2 start="$((s + 7200))" end="$((e + 7200))" note="$(printf '测%.0s' {1..2001})"
	expect_eq "INVALID_ARGUMENT text_too_long | note is longer than 2000 characters | field=note limit=2000 | 0" "$PV_LINE" "a note of 2001"
}

# Instants past the database's calendar are refused by the daemon, naming
# the field, instead of the database's "interval out of range".
t_privacy_instants_out_of_range() {
	local far=9000000000000000000 y10k=253402300800
	pv_setup
	pv_call tok-alice slots code=dyno-1 from="$far" length_minutes=60
	expect_eq "INVALID_ARGUMENT time_out_of_range | from is not an instant from 1970 to 9999 (seconds since the epoch, 0 to 253402300799) | field=from | 0" \
		"$PV_LINE" "slots from far out"
	pv_call tok-alice slots code=dyno-1 from="$y10k" length_minutes=60 days=62
	[[ $PV_LINE == "INVALID_ARGUMENT time_out_of_range | from "* ]] || { echo "slots in 10000: $PV_LINE"; return 1; }
	pv_call tok-alice list_bookings from=1 to="$far"
	[[ $PV_LINE == "INVALID_ARGUMENT time_out_of_range | to "* ]] || { echo "list_bookings: $PV_LINE"; return 1; }
	pv_call tok-alice availability resource_code=dyno-1 from="$far" to="$((far + 3600))"
	[[ $PV_LINE == "INVALID_ARGUMENT time_out_of_range | from "* ]] || { echo "availability: $PV_LINE"; return 1; }
	pv_call tok-alice find length_minutes=60 from="$far"
	[[ $PV_LINE == "INVALID_ARGUMENT time_out_of_range | from "* ]] || { echo "find: $PV_LINE"; return 1; }
	pv_call tok-alice book resource_code=dyno-1 start="$far" end="$((far + 3600))"
	[[ $PV_LINE == "INVALID_ARGUMENT time_out_of_range | start "* ]] || { echo "book: $PV_LINE"; return 1; }
	# the last instant there is still a question the database answers
	pv_call tok-alice slots code=dyno-1 from=253402000000 length_minutes=60 days=3
	expect_eq "OK" "$PV_LINE" "slots at the end of 9999"
	grep -q "out of range" "$RB_DAEMON_LOG" && { echo "the database was asked something out of range:"; grep "out of range" "$RB_DAEMON_LOG"; return 1; }
	return 0
}

# A revocation the daemon did not hear (its event stream was down): when the
# stream comes back it asks the database about its sessions' tokens.
t_privacy_revoke_unheard_is_rechecked() {
	local t id i
	pv_setup
	expect_exit 0 rb_as oper token issue bob
	t=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	id=$(sed -n 's/^issued token \([0-9]*\) .*/\1/p' "$RB_OUT")
	pv_hold rc "$RB_SERVER" "$t" tok-alice
	# revoked behind the daemon's back: no event
	psql_q "UPDATE tokens SET revoked_at = now() WHERE id = $id" >/dev/null
	psql_q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'rigbookd-events'" >/dev/null
	for ((i = 0; i < 100; i++)); do
		grep -q "access ended: its token no longer signs in" "$RB_DAEMON_LOG" && break
		sleep 0.1
	done
	pv_release "$PV_HOLD" rc
	expect_eq "conn 0
ping UNAUTHENTICATED access_ended
closed
conn 1
ping OK
open" "$(sed 1d "$RB_CASE_DIR/rc.out")" "connections after the stream came back"
}

# A handle of another startup (or, to staff, of another space) answers as
# one that does not exist, whatever the request.
t_privacy_handles() {
	pv_setup
	pv_probe carol list_tokens member_handle alice nobody-here
	pv_probe carol issue_token member_handle alice nobody-here
	pv_probe carol list_qualifications member_handle alice nobody-here
	pv_probe ppl-oper-other disable_member handle alice nobody-here
	pv_probe ppl-oper-other list_tokens member_handle alice nobody-here
	# a colleague is seen, and told whose tokens they are
	pv_call tok-bob list_tokens member_handle=alice
	[[ $PV_LINE == "PERMISSION_DENIED tokens_not_yours"* ]] || { echo "a colleague's tokens: $PV_LINE"; return 1; }
}
