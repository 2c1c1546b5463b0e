# The audit log through `rigbook audit`: read by role (admins all, operators
# their space, managers their institution's resources, members refused),
# filtered, paged newest first, as a table, JSON and CSV; append-only in the
# database; and no secret in it.

# au_ids WHO ARGS...: the ids of the audit entries WHO reads, one per line.
au_ids() {
	local who=$1
	shift
	expect_exit 0 rb_as "$who" audit --json "$@" || return 1
	json '"\n".join(str(e["id"]) for e in d)' | grep -v '^$' || true
}

t_audit_scope() {
	local d b1 b2 id1 id2
	d=$(rb_day 70)
	expect_exit 0 rb_as alice book dyno-1 --from "$d 10:00" --to "$d 11:00" --json
	b1=$(booking_id)
	expect_exit 0 rb_as alice book desk-a --from "$d 10:00" --to "$d 11:00" --json
	b2=$(booking_id)
	id1=$(psql_q "SELECT id FROM audit WHERE object = 'booking' AND object_id = $b1 AND action = 'book'")
	id2=$(psql_q "SELECT id FROM audit WHERE object = 'booking' AND object_id = $b2 AND action = 'book'")
	# the scope of each row, derived when it was written
	expect_eq "dyno-1 test-works test-space" "$(psql_q "SELECT r.code || ' ' || i.code || ' ' || s.code FROM audit a
		JOIN resources r ON r.id = a.resource_id JOIN institutions i ON i.id = a.institution_id
		JOIN spaces s ON s.id = a.space_id WHERE a.id = $id1")" "scope of the booking's entry"

	# members: refused, naming who may
	expect_exit 1 rb_as alice audit
	expect_stderr_contains PERMISSION_DENIED
	# test-works' manager: dyno-1's entry, not desk-a's (test-univ)
	au_ids mgr --action book >"$RB_CASE_DIR/mgr" || return 1
	grep -qx "$id1" "$RB_CASE_DIR/mgr" || { echo "the manager misses $id1"; return 1; }
	! grep -qx "$id2" "$RB_CASE_DIR/mgr" || { echo "the manager reads another institution's $id2"; return 1; }
	# the space's operator: both
	au_ids oper --action book >"$RB_CASE_DIR/oper" || return 1
	grep -qx "$id1" "$RB_CASE_DIR/oper" && grep -qx "$id2" "$RB_CASE_DIR/oper" ||
		{ echo "the operator misses one of $id1 $id2"; cat "$RB_CASE_DIR/oper"; return 1; }
	# another space's operator and another institution's manager: neither
	au_ids ppl-oper-other >"$RB_CASE_DIR/other" || return 1
	au_ids mgr-other >>"$RB_CASE_DIR/other" || return 1
	! grep -qxE "$id1|$id2" "$RB_CASE_DIR/other" || { echo "another space reads test-space's entries"; return 1; }
	# the admin: both
	au_ids adm --member alice --action book >"$RB_CASE_DIR/adm" || return 1
	grep -qx "$id1" "$RB_CASE_DIR/adm" && grep -qx "$id2" "$RB_CASE_DIR/adm" || { echo "the admin misses one"; return 1; }
}

t_audit_filters_and_pages() {
	local d b first second n
	d=$(rb_day 71)
	for h in 09 10 11; do
		expect_exit 0 rb_as bob book dyno-2 --from "$d $h:00" --to "$d $h:30"
	done
	# newest first, filtered by member, resource and action
	au_ids oper --member bob --resource dyno-2 --action book >"$RB_CASE_DIR/all" || return 1
	expect_eq 3 "$(wc -l <"$RB_CASE_DIR/all")" "bob's three bookings of dyno-2"
	expect_eq "$(sort -rn "$RB_CASE_DIR/all")" "$(cat "$RB_CASE_DIR/all")" "newest first"
	# a page of one, then the next from where it stopped
	expect_exit 0 rb_as oper audit --member bob --resource dyno-2 --action book --limit 1
	expect_stderr_contains "more entries are older: --before $(head -n1 "$RB_CASE_DIR/all")"
	first=$(au_ids oper --member bob --resource dyno-2 --action book --limit 1)
	second=$(au_ids oper --member bob --resource dyno-2 --action book --limit 1 --before "$first")
	expect_eq "$(sed -n 1p "$RB_CASE_DIR/all") $(sed -n 2p "$RB_CASE_DIR/all")" "$first $second" "two pages"
	# --all follows the pages
	n=$(au_ids oper --member bob --resource dyno-2 --action book --limit 1 --all | wc -l)
	expect_eq 3 "$n" "--all over pages of one"
	# by time: nothing before the epoch's first day, everything since
	expect_eq 0 "$(au_ids oper --member bob --until 1970-01-02 | wc -l)" "--until in the past"
	expect_eq 3 "$(au_ids oper --member bob --resource dyno-2 --action book --since "$(date -u -d '-1 hour' '+%F %H:%M')" | wc -l)" "--since an hour ago"
	# unknown names are refused by name
	expect_exit 1 rb_as oper audit --member nobody-here
	expect_stderr_contains "no member is called nobody-here"
	expect_exit 1 rb_as oper audit --resource no-such-rig
	expect_stderr_contains "no resource is called no-such-rig"
	expect_exit 2 rb_as oper audit --limit 0
	expect_exit 2 rb_as oper audit --since 2026-12-02 --until 2026-12-01
	# the table and CSV
	expect_exit 0 rb_as oper audit --member bob --resource dyno-2 --action book
	expect_stdout_contains "AT (UTC)"
	expect_stdout_contains "booking "
	expect_exit 0 rb_as oper audit --member bob --resource dyno-2 --action book --csv
	python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
assert rows[0] == ["id", "at_utc", "member", "action", "object", "resource", "peer", "detail"], rows[0]
assert len(rows) == 4 and all(r[2] == "bob" and r[3] == "book" and r[5] == "dyno-2" for r in rows[1:]), rows
' <"$RB_OUT" || { echo "the CSV is not what was asked"; cat "$RB_OUT"; return 1; }
	grep -q $'\r$' "$RB_OUT" || { echo "CSV rows do not end with CRLF"; return 1; }
}

# Entries are never changed or removed, and a token issued is not in them.
t_audit_append_only_no_secrets() {
	local id tok
	expect_exit 0 rb_as adm token issue carol --label audit-test
	tok=$(grep -oE 'rbk_[0-9a-f]{64}' "$RB_OUT" | head -n1)
	[[ -n $tok ]] || { echo "no token printed"; cat "$RB_OUT"; return 1; }
	id=$(psql_q "SELECT max(id) FROM audit WHERE action = 'token_issue'")
	expect_eq 0 "$(psql_q "SELECT count(*) FROM audit WHERE detail::text LIKE '%$tok%' OR detail::text LIKE '%$(printf '%s' "$tok" | sha256sum | cut -c1-64)%'")" "entries holding the token or its hash"
	expect_exit 0 rb_as adm audit --action token_issue --json
	! grep -q "$tok" "$RB_OUT" || { echo "the token is in the audit log"; return 1; }
	if psql_q "UPDATE audit SET action = 'nothing' WHERE id = $id" 2>"$RB_CASE_DIR/err"; then
		echo "an audit entry was changed"
		return 1
	fi
	grep -q 'append-only' "$RB_CASE_DIR/err" || { cat "$RB_CASE_DIR/err"; return 1; }
	if psql_q "DELETE FROM audit WHERE id = $id" 2>"$RB_CASE_DIR/err"; then
		echo "an audit entry was removed"
		return 1
	fi
	expect_eq token_issue "$(psql_q "SELECT action FROM audit WHERE id = $id")" "the entry after both"
	# the members the log names stay (it names them without a foreign key)
	if psql_q "DELETE FROM members WHERE handle = 'adm'" 2>"$RB_CASE_DIR/err"; then
		echo "a member was deleted"
		return 1
	fi
	grep -q 'cannot be deleted, only disabled' "$RB_CASE_DIR/err" || { cat "$RB_CASE_DIR/err"; return 1; }
	expect_eq 1 "$(psql_q "SELECT count(*) FROM members WHERE handle = 'adm'")" "the member after"
}
