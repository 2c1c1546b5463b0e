# What the client does when the network fails under a change, and what its
# exit status then tells a script; times the client and the server both
# refuse (before 1970).

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

# raw_book START END: sign in as alice over TLS and send a Book of dyno-2 for
# [START, END) as raw protobuf, bypassing the client's own checks; prints
# the Error's reason, or "ok".
raw_book() {
	python3 - "$RB_SERVER" "$RB_CA" "$1" "$2" <<'PY'
import socket, ssl, struct, sys

host, port = sys.argv[1].rsplit(":", 1)
ca, start, end = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def field(num, wt, payload):
    key = varint(num << 3 | wt)
    if wt == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload

def frame(msg):
    return struct.pack(">I", len(msg)) + msg

def read_frame(s):
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                raise SystemExit("connection closed")
            b += c
        return b
    (n,) = struct.unpack(">I", exact(4))
    return exact(n)

def fields(buf):
    i, out = 0, {}
    while i < len(buf):
        key, shift = 0, 0
        while True:
            b = buf[i]; i += 1
            key |= (b & 0x7F) << shift; shift += 7
            if not b & 0x80:
                break
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, shift = 0, 0
            while True:
                b = buf[i]; i += 1
                v |= (b & 0x7F) << shift; shift += 7
                if not b & 0x80:
                    break
        elif wt == 2:
            n, shift = 0, 0
            while True:
                b = buf[i]; i += 1
                n |= (b & 0x7F) << shift; shift += 7
                if not b & 0x80:
                    break
            v = buf[i:i + n]; i += n
        else:
            raise SystemExit("unexpected wire type %d" % wt)
        out[num] = v
    return out

ctx = ssl.create_default_context(cafile=ca)
with socket.create_connection((host, int(port))) as raw:
    with ctx.wrap_socket(raw, server_hostname=host) as s:
        hello = field(1, 0, 1) + field(2, 2, b"tok-alice")
        s.sendall(frame(field(1, 0, 1) + field(10, 2, hello)))
        if 2 in fields(read_frame(s)):
            raise SystemExit("Hello refused")
        book = field(1, 2, b"dyno-2") + field(2, 0, start) + field(3, 0, end)
        s.sendall(frame(field(1, 0, 2) + field(30, 2, book)))
        r = fields(read_frame(s))
        print(fields(r[2]).get(7, b"?").decode() if 2 in r else "ok")
PY
}

# A time before 1970: the client says so instead of "a booking needs a start
# time", and the server refuses one in a request the same way.
t_times_before_1970() {
	expect_exit 2 rb_as alice book dyno-2 --from "1969-12-31 09:00" --to "1969-12-31 11:00"
	expect_stderr_contains "1969-12-31 09:00 is before 1970: rigbook's times begin at 1970-01-01 00:00 UTC"
	# Midnight of 1 January 1970 in Shanghai is still 1969 in UTC.
	expect_exit 2 rb_as alice book dyno-2 --from "1970-01-01 00:00" --to "1970-01-01 01:00"
	expect_stderr_contains "is before 1970"
	expect_exit 2 rb_as alice bookings --from "1900-01-01"
	expect_stderr_contains "is before 1970"
	expect_eq time_out_of_range "$(raw_book -3600 3600)" "the server's reason for a start before 1970"
	expect_eq time_out_of_range "$(raw_book -86400 -3600)" "the server's reason for a window before 1970"
	expect_eq field_required "$(raw_book 0 3600)" "the server's reason for no start"
}
