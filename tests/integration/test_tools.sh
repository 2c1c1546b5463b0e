# The C test clients: a many-member race for one resource, and malformed
# input on the wire.  Both report success with exit status 0.

t_race_tool() {
	local tool=$RB_BUILD/tests/integration/rb-race
	[[ -x $tool ]] || rb_skip "rb-race is not built"
	expect_exit 0 "$tool" --server "$RB_SERVER" --ca "$RB_CA" --token-prefix tok-race \
		--members 32 --windows 100 --resource race-rig --pg-dsn "$RB_PG_DSN"
	# Whatever the tool says, the database has the last word.
	expect_eq 0 "$(psql_q "SELECT count(*) FROM bookings a JOIN bookings b
		ON a.resource_id = b.resource_id AND a.id < b.id AND a.during && b.during
		WHERE a.state NOT IN ('cancelled', 'declined') AND b.state NOT IN ('cancelled', 'declined')")" \
		"overlapping active bookings"
	expect_exit 0 rb_as alice ping
}

t_badinput_tool() {
	local tool=$RB_BUILD/tests/integration/rb-badinput before
	[[ -x $tool ]] || rb_skip "rb-badinput is not built"
	before=$(bookings_digest)
	expect_exit 0 "$tool" --server "$RB_SERVER" --ca "$RB_CA" --token tok-alice
	expect_eq "$before" "$(bookings_digest)" "bookings table"
	# The daemon is still there for everyone else.
	expect_exit 0 rb_as bob ping
}
