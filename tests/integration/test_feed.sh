# Calendar feeds: `rigbook feed` gives a member a private https address, a
# calendar program fetches the bookings as iCalendar over TLS (with ETag and
# If-None-Match), --startup covers the startup's, --revoke replaces the
# address, and only a hash of the secret is stored.

FD_PORT=
FD_HTTPS=

fd_daemon() {
	FD_PORT=$(rb_free_port)
	FD_HTTPS=$(rb_free_port)
	rb_extra_daemon fd "$FD_PORT" --feed_listen="127.0.0.1:$FD_HTTPS" || return 1
	FD_PID=$RB_EXTRA_PID
}

fd_as() {
	local who=$1
	shift
	"$RB_CLIENT" --server "127.0.0.1:$FD_PORT" --token "tok-$who" --ca "$RB_CA" "$@"
}

# fd_get URL [ETAG] NAME: fetch over TLS (verifying the server against the
# CA); the status in NAME.status, the ETag in NAME.etag, the body in NAME.ics.
fd_get() {
	python3 - "$1" "${2:-}" "$RB_CASE_DIR/$3" "$RB_CA" <<'PY'
import ssl, sys, urllib.request, urllib.error
url, etag, out, ca = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=ca)
req = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
try:
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        status, headers, body = r.status, r.headers, r.read()
except urllib.error.HTTPError as e:
    status, headers, body = e.code, e.headers, e.read()
open(out + ".status", "w").write(str(status))
open(out + ".etag", "w").write(headers.get("ETag") or "")
open(out + ".ics", "wb").write(body)
PY
}

# fd_uids NAME: the booking ids in a fetched calendar (its UIDs), sorted.
fd_uids() {
	python3 - "$RB_CASE_DIR/$1.ics" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", newline="").read()
assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n"), text[:80]
lines = text.replace("\r\n ", "").split("\r\n")
print("\n".join(sorted(m.group(1) for l in lines for m in [re.match(r"UID:booking-(\d+)@", l)] if m)))
PY
}

t_feed_member_startup_revoke() {
	local d a1 b1 url surl old etag
	fd_daemon || return 1
	d=$(date -u -d '+40 days' +%F) # a feed shows a year ahead
	expect_exit 0 fd_as alice book dyno-1 --from "$d 10:00" --to "$d 11:00" --json
	a1=$(booking_id)
	expect_exit 0 fd_as bob book dyno-2 --from "$d 10:00" --to "$d 11:00" --json
	b1=$(booking_id)

	expect_exit 0 fd_as alice feed
	url=$(cat "$RB_OUT")
	# an empty calendar is a calendar (carol has no bookings)
	expect_exit 0 fd_as carol feed
	fd_get "$(cat "$RB_OUT")" "" empty
	expect_eq 200 "$(cat "$RB_CASE_DIR/empty.status")" "a feed without bookings"
	expect_eq "" "$(fd_uids empty)" "its events"
	[[ $url =~ ^https://127\.0\.0\.1:$FD_HTTPS/ical/rbf_[0-9a-f]{64}\.ics$ ]] || { echo "not a feed address: $url"; return 1; }
	# only its hash is kept
	expect_eq 0 "$(psql_q "SELECT count(*) FROM feeds WHERE position(convert_to('${url:(-72):68}', 'UTF8') IN hash) > 0")" "the secret in the database"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM feeds f JOIN members m ON m.id = f.member_id WHERE m.handle = 'alice' AND f.hash = sha256(convert_to('${url:(-72):68}', 'UTF8'))")" "its hash"

	fd_get "$url" "" one
	expect_eq 200 "$(cat "$RB_CASE_DIR/one.status")" "the feed's status"
	expect_eq "$a1" "$(fd_uids one)" "alice's feed holds her booking only"
	etag=$(cat "$RB_CASE_DIR/one.etag")
	[[ -n $etag ]] || { echo "no ETag"; return 1; }
	# unchanged: 304 with the same tag; changed: 200 with another
	fd_get "$url" "$etag" two
	expect_eq 304 "$(cat "$RB_CASE_DIR/two.status")" "If-None-Match on an unchanged feed"
	fd_get "$url" "" same
	expect_eq "$etag" "$(cat "$RB_CASE_DIR/same.etag")" "the same bookings, the same tag"
	expect_exit 0 fd_as alice cancel "$a1"
	fd_get "$url" "$etag" three
	expect_eq 200 "$(cat "$RB_CASE_DIR/three.status")" "after a change"
	grep -q 'STATUS:CANCELLED' "$RB_CASE_DIR/three.ics" || { echo "the cancelled booking is not marked"; return 1; }

	# asked again: the live feed is kept, its address not shown again
	expect_exit 0 fd_as alice feed
	[[ ! -s $RB_OUT ]] || { echo "an address printed twice"; return 1; }
	expect_stderr_contains "you have a calendar feed"
	# the startup's feed: bob's booking too
	expect_exit 0 fd_as alice feed --startup
	surl=$(cat "$RB_OUT")
	fd_get "$surl" "" st
	expect_eq "$(printf '%s\n' "$a1" "$b1" | sort)" "$(fd_uids st)" "the startup's feed"
	# staff without a startup have no startup feed
	expect_exit 1 fd_as mgr feed --startup
	expect_stderr_contains "belongs to no startup"

	# --revoke: a new address; the old one is gone
	old=$url
	expect_exit 0 fd_as alice feed --revoke
	url=$(cat "$RB_OUT")
	[[ $url != "$old" ]] || { echo "the same address after --revoke"; return 1; }
	fd_get "$old" "" gone
	expect_eq 404 "$(cat "$RB_CASE_DIR/gone.status")" "the revoked address"
	fd_get "$url" "" new
	expect_eq 200 "$(cat "$RB_CASE_DIR/new.status")" "the new address"
	# guesses get the same answer as a revoked address
	fd_get "https://127.0.0.1:$FD_HTTPS/ical/rbf_$(printf '0%.0s' {1..64}).ics" "" guess
	expect_eq 404 "$(cat "$RB_CASE_DIR/guess.status")" "an unknown secret"
	fd_get "https://127.0.0.1:$FD_HTTPS/other" "" other
	expect_eq 404 "$(cat "$RB_CASE_DIR/other.status")" "another path"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM audit WHERE action LIKE 'feed%' AND detail::text LIKE '%rbf_%'")" "secrets in the audit log"

	rb_stop_daemon "$FD_PID" 30
	expect_eq 0 "$RB_STOP_RC" "exit status"
	! rb_sanitizer_reports "$RB_CASE_DIR/rigbookd-fd.log" >/dev/null || { cat "$RB_CASE_DIR/rigbookd-fd.log"; return 1; }
}

# A daemon without feed_listen says so.
t_feed_disabled() {
	expect_exit 1 rb_as alice feed
	expect_stderr_contains "offers no calendar feeds"
}
