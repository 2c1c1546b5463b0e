# rigbook-load (bench/) against the test daemon for a few seconds: every
# answer is one it expects, and however the 32 racers interleave, no two
# active bookings of a resource overlap.  Not a speed test.

# The resources the load books: single-unit fixture resources without rules.
LOAD_RESOURCES=(--resource dyno-2 --resource mill-5ax --resource coater)

load_tool() {
	local tool=$RB_BUILD/bench/rigbook-load
	[[ -x $tool ]] || rb_skip "rigbook-load is not built"
	printf '%s\n' "$tool"
}

no_overlaps() {
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings a JOIN bookings b
		ON a.resource_id = b.resource_id AND a.id < b.id AND a.during && b.during
		WHERE a.state NOT IN ('cancelled', 'declined') AND b.state NOT IN ('cancelled', 'declined')")" \
		"overlapping active bookings"
}

t_load_mix() {
	local tool
	tool=$(load_tool)
	# Contested rounds of a second: 16 connections pipelining 4 deep all
	# want the same two windows of dyno-2, so most of them must lose.
	expect_exit 0 "$tool" --server "$RB_SERVER" --ca "$RB_CA" \
		--token-prefix tok-race --token-digits 2 --tokens 32 \
		--connections 16 --threads 2 --depth 4 --duration 3 \
		--mix book=50,contested=20,cancel=10,availability=10,list=10 \
		"${LOAD_RESOURCES[@]}" --contested-resource dyno-2 \
		--contested-windows 2 --contested-round-ms 1000 \
		--avail-from "$(date -u -d "$(rb_day 0)" +%s)" --avail-weeks 4 \
		--strict --json
	expect_eq 0 "$(json 'd["unexpected_errors"]')" "unexpected errors"
	expect_eq 16 "$(json 'd["connected"]')" "authenticated connections"
	expect_eq 0 "$(json 'd["connections_lost"]')" "connections lost"
	for op in book contested cancel availability list; do
		expect_eq true "$(json "d['ops']['$op']['ok'] > 0")" "$op answered"
	done
	# Each contested window was won at most once, and the losers were told.
	expect_eq true "$(json 'd["ops"]["contested"]["errors"].get("CONFLICT", 0) > 0')" \
		"contested CONFLICTs"
	expect_eq true "$(json 'd["ops"]["contested"]["ok"] <= 2 * 4')" "contested windows won"
	no_overlaps
	# The daemon still serves everyone else.
	expect_exit 0 rb_as alice ping
}

t_load_idle_and_connect_rate() {
	local tool
	tool=$(load_tool)
	# Authenticated connections held open, then released.
	expect_exit 0 "$tool" --server "$RB_SERVER" --ca "$RB_CA" --idle \
		--token-prefix tok-race --token-digits 2 --tokens 32 \
		--connections 64 --threads 2 --duration 1 --strict --json
	expect_eq 64 "$(json 'd["connected"]')" "idle connections authenticated"
	expect_eq 0 "$(json 'd["connections_lost"]')" "idle connections lost"
	# Bare TLS handshakes, as fast as they go, for a second.
	expect_exit 0 "$tool" --server "$RB_SERVER" --ca "$RB_CA" --rate-connect \
		--connections 4 --duration 1 --strict --json
	expect_eq true "$(json 'd["ops"]["connect"]["ok"] > 0')" "handshakes completed"
	expect_eq 0 "$(json 'd["unexpected_errors"]')" "failed handshakes"
	# A wrong token is refused: no connection gets in, and rigbook-load says so (exit 3).
	expect_exit 3 "$tool" --server "$RB_SERVER" --ca "$RB_CA" --token not-a-token \
		--connections 2 --requests 2 --mix list=1 --strict --json
	expect_eq 0 "$(json 'd["connected"]')" "connections with a wrong token"
	expect_exit 0 rb_as alice ping
}
