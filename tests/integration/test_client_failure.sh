# What the client does when the network fails under a change, and what its
# exit status then tells a script.

# proxy_start N REFUSE: a dropproxy.py in front of this file's rigbookd that
# loses the answer to the client's Nth TLS record on the first connection,
# then hangs up on the next REFUSE connections; sets PROXY to its
# 127.0.0.1:PORT.
proxy_start() {
	local portfile=$RB_CASE_DIR/proxy.port i
	python3 "$RB_SRC/tests/integration/dropproxy.py" "$portfile" 127.0.0.1 "${RB_SERVER##*:}" \
		"$1" "$2" 2>"$RB_CASE_DIR/proxy.log" &
	rb_register_pid $!
	for ((i = 0; i < 50; i++)); do
		[[ -s $portfile ]] && break
		sleep 0.1
	done
	[[ -s $portfile ]] || { echo "dropproxy did not start"; cat "$RB_CASE_DIR/proxy.log"; return 1; }
	PROXY=127.0.0.1:$(cat "$portfile")
}

# requests_seen NAME: how many requests called NAME the daemon has logged.
requests_seen() {
	grep -c ": $1 id=" "$RB_DAEMON_LOG" || true
}

# bookings_at DAY TIME: active bookings of dyno-2 starting then.
bookings_at() {
	psql_q "SELECT count(*) FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-2' AND lower(b.during) = '$1 $2+08' AND b.state <> 'cancelled'"
}

# The answer to a booking is lost and the server is gone for the immediate
# retry: the client keeps retrying with the same idempotency key, with a
# pause, and reports the booking the first try made.
t_retry_outlasts_a_refused_reconnect() {
	local day before id
	proxy_start 4 1
	day=$(rb_day 210)
	before=$(requests_seen book)
	# TLS records from the client: Finished, Hello, ListResources, Book (the 4th).
	expect_exit 0 "$RB_CLIENT" --server "$PROXY" --token tok-alice --ca "$RB_CA" \
		--json book dyno-2 --from "$day 09:00" --to "$day 11:00"
	expect_stderr_contains "trying again"
	id=$(booking_id <"$RB_OUT")
	expect_eq 2 "$(($(requests_seen book) - before))" "Book requests the daemon received"
	expect_eq 1 "$(bookings_at "$day" 09:00)" "bookings made"
	expect_eq "$id" "$(psql_q "SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id
		WHERE r.code = 'dyno-2' AND lower(b.during) = '$day 09:00+08'")" "the booking the client reports"
	# Booking the same window again is a refusal of its own (exit 1), not a
	# failure of the network.
	expect_exit 1 rb_as alice book dyno-2 --from "$day 09:00" --to "$day 11:00"
	expect_stderr_contains CONFLICT
}

# The server stays unreachable for longer than --retry: the client cannot
# know whether the booking was made, says so in the booking's words and
# exits 5, and the booking is there.
t_unknown_outcome_is_said() {
	local day t0 t1
	proxy_start 4 100000
	day=$(rb_day 211)
	t0=$(date +%s%N)
	expect_exit 5 "$RB_CLIENT" --server "$PROXY" --token tok-alice --ca "$RB_CA" --retry 2 \
		book dyno-2 --from "$day 09:00" --to "$day 11:00"
	t1=$(date +%s%N)
	expect_stderr_contains 'the server may have booked it; run `rigbook bookings` to check'
	expect_eq 1 "$(bookings_at "$day" 09:00)" "bookings made"
	if (((t1 - t0) / 1000000 > 10000)); then
		echo "retrying for 2 s took $(((t1 - t0) / 1000000)) ms"
		return 1
	fi
	if (((t1 - t0) / 1000000 < 1000)); then
		echo "retrying for 2 s gave up after $(((t1 - t0) / 1000000)) ms"
		return 1
	fi
}

# --retry 0 (or RIGBOOK_RETRY=0): a lost answer is not retried at all.
t_retry_zero_does_not_retry() {
	local day before
	proxy_start 4 0
	day=$(rb_day 212)
	before=$(requests_seen book)
	expect_exit 5 env RIGBOOK_RETRY=0 "$RB_CLIENT" --server "$PROXY" --token tok-alice \
		--ca "$RB_CA" book dyno-2 --from "$day 09:00" --to "$day 11:00"
	expect_stderr_contains 'the server may have booked it'
	expect_eq 1 "$(($(requests_seen book) - before))" "Book requests the daemon received"
	expect_exit 2 rb_as alice --retry 601 bookings
	expect_exit 2 "$RB_CLIENT" --server "$RB_SERVER" --token tok-alice --ca "$RB_CA" \
		--retry soon bookings
	expect_stderr_contains "the retry time must be a number of seconds from 0 to 600"
}

# Each change says what may have happened in its own words.
t_unknown_outcome_of_a_cancel() {
	local day id
	day=$(rb_day 213)
	expect_exit 0 rb_as alice --json book dyno-2 --from "$day 09:00" --to "$day 11:00"
	id=$(booking_id)
	proxy_start 3 100000
	# Records: Finished, Hello, CancelBooking (the 3rd).
	expect_exit 5 "$RB_CLIENT" --server "$PROXY" --token tok-alice --ca "$RB_CA" --retry 1 \
		cancel "$id"
	expect_stderr_contains 'the server may have cancelled it; run `rigbook bookings` to check'
	expect_eq cancelled "$(booking_field "$id" state)" "the booking's state"
}

# Nothing was sent when the first connection fails: that is exit 3, at once.
t_no_connection_is_not_unknown() {
	local day
	day=$(rb_day 214)
	expect_exit 3 "$RB_CLIENT" --server "127.0.0.1:$(rb_free_port)" --token tok-alice \
		--ca "$RB_CA" book dyno-2 --from "$day 09:00" --to "$day 11:00"
	expect_stderr_contains "cannot connect"
	if grep -q "may have" "$RB_ERR"; then
		echo "a change that was never sent is reported as perhaps made"
		return 1
	fi
}
