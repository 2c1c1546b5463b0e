# Browsing resources: the list, its JSON form and the filters.

# codes: the sorted resource codes of the last --json output, comma-separated,
# without the resources that the rules, lifecycle, usage, waitlist, series,
# event and billing tests own (rule-*, life-*, use-*, wait-*, ser-*, evt-*, ics-*, bill-*).
codes() {
	json '",".join(sorted(r["code"] for r in (d["resources"] if isinstance(d, dict) else d) if r["code"].split("-")[0] not in ("rule", "life", "use", "wait", "ser", "evt", "ics", "bill", "rep")))'
}

t_resources_list() {
	expect_exit 0 rb_as alice resources
	expect_stdout_contains dyno-1
	expect_stdout_contains berlin-bench
	expect_stdout_contains coater
	# Retired resources take no bookings and are not offered.
	expect_stdout_lacks old-scope
}

t_resources_json() {
	local r
	expect_exit 0 rb_as carol resources --json
	expect_eq berlin-bench,coater,desk-a,dyno-1,dyno-2,mill-5ax,race-rig "$(codes)" "codes"
	r='[x for x in (d["resources"] if isinstance(d, dict) else d) if x["code"] == "dyno-1"][0]'
	expect_eq "Engine dynamometer cell 1" "$(json "${r}[\"name\"]")" "name"
	expect_eq test_facility "$(json "${r}[\"kind\"]")" "kind"
	expect_eq Asia/Shanghai "$(json "${r}[\"time_zone\"]")" "time_zone"
	expect_eq test-works "$(json "${r}[\"institution\"]")" "institution"
	r='[x for x in (d["resources"] if isinstance(d, dict) else d) if x["code"] == "berlin-bench"][0]'
	expect_eq Europe/Berlin "$(json "${r}[\"time_zone\"]")" "berlin time_zone"
}

t_resources_filters() {
	expect_exit 0 rb_as alice resources --kind machining --json
	expect_eq mill-5ax "$(codes)" "--kind machining"
	expect_exit 0 rb_as alice resources --space other-space --json
	expect_eq coater "$(codes)" "--space other-space"
	expect_exit 0 rb_as alice resources --institution test-univ --json
	expect_eq berlin-bench,desk-a "$(codes)" "--institution test-univ"
	expect_exit 0 rb_as alice resources --search DYNAMOMETER --json
	expect_eq dyno-1,dyno-2 "$(codes)" "--search DYNAMOMETER"
	expect_exit 0 rb_as alice resources --kind test_facility --institution test-works --json
	expect_eq dyno-1,dyno-2,race-rig "$(codes)" "kind and institution together"
	expect_exit 0 rb_as alice resources --all --json
	expect_eq berlin-bench,coater,desk-a,dyno-1,dyno-2,mill-5ax,old-scope,race-rig "$(codes)" "--all"
	expect_exit 0 rb_as alice resources --search no-such-thing-anywhere --json
	expect_eq "" "$(codes)" "no match"
	expect_exit 0 rb_as alice resources --search no-such-thing-anywhere
	expect_stdout_lacks dyno-1
}

t_resources_unknown_kind_is_usage_error() {
	expect_exit 2 rb_as alice resources --kind teleporter
}
