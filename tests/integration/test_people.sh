# People and access with the real client: startups and their invoice
# details, members, tokens issued by the server and what stops them
# working; who may do which in what space.  Fixture rows: ppl-*.

# A digest of startups, members and tokens (but when a token was last used,
# which signing in notes): refused requests change none.
pp_digest() {
	psql_q "SELECT (SELECT count(*) || md5(coalesce(string_agg(s::text, ',' ORDER BY s.id), '')) FROM startups s)
	     || ' ' || (SELECT count(*) || md5(coalesce(string_agg(m::text, ',' ORDER BY m.id), '')) FROM members m)
	     || ' ' || (SELECT count(*) || md5(coalesce(string_agg((t.id, t.member_id, t.hash, t.label, t.expires_at, t.revoked_at, t.issued_by)::text, ',' ORDER BY t.id), '')) FROM tokens t)"
}

# pp_refuse CODE PHRASE CMD...: refused with CODE and PHRASE, nothing changed.
pp_refuse() {
	local code=$1 phrase=$2 before
	shift 2
	before=$(pp_digest)
	expect_exit 1 "$@"
	expect_stderr_contains "rigbook: $code: "
	expect_stderr_contains "$phrase"
	expect_eq "$before" "$(pp_digest)" "startups, members and tokens after the refusal"
}

# pp_with SECRET ARGS...: the client signed in with a token from the environment.
pp_with() {
	local secret=$1
	shift
	RIGBOOK_TOKEN=$secret "$RB_CLIENT" --server "$RB_SERVER" --ca "$RB_CA" "$@"
}

# pp_audit ACTION OBJECT_ID: how many audit rows of that action name the object.
pp_audit() {
	psql_q "SELECT count(*) FROM audit WHERE action = '$1' AND object_id = $2"
}

# pp_issue AS MEMBER ARGS...: issue a token; sets PP_SECRET and PP_TOKEN (its id).
pp_issue() {
	local who=$1 member=$2
	shift 2
	expect_exit 0 rb_as "$who" token issue "$member" "$@"
	PP_SECRET=$(grep -E '^rbk_[0-9a-f]{64}$' "$RB_OUT")
	PP_TOKEN=$(sed -n 's/^issued token \([0-9]*\) .*/\1/p' "$RB_OUT")
	[[ -n $PP_SECRET && -n $PP_TOKEN ]] || { echo "no secret or id in:"; cat "$RB_OUT"; return 1; }
}

t_people_startups() {
	local id
	expect_exit 0 rb_as oper startup add ppl-drive --name "Drive Co" --legal-name "驱动科技（北京）有限公司" \
		--credit-code 91350100M000100Y43 --address "1 Test Road, Beijing"
	expect_stdout_contains "added startup ppl-drive: Drive Co in test-space, credit code 91350100M000100Y43"
	id=$(psql_q "SELECT id FROM startups WHERE code = 'ppl-drive'")
	expect_eq "test-space|驱动科技（北京）有限公司|91350100M000100Y43|1 Test Road, Beijing" \
		"$(psql_q "SELECT sp.code || '|' || s.legal_name || '|' || s.credit_code || '|' || s.address FROM startups s JOIN spaces sp ON sp.id = s.space_id WHERE s.id = $id")" "stored startup"
	expect_eq 1 "$(pp_audit startup_add "$id")" "audit of the add"
	# list: the operator's space only, as a table and as JSON.
	expect_exit 0 rb_as oper startup list
	expect_stdout_contains "CODE"
	expect_stdout_contains "ppl-drive"
	expect_stdout_contains "91350100M000100Y43"
	expect_stdout_lacks "ppl-optics"
	expect_exit 0 rb_as oper startup list --json
	expect_eq "Drive Co" "$(json '[s["name"] for s in d if s["code"] == "ppl-drive"][0]')" "listed name"
	expect_exit 0 rb_as adm startup list --json
	expect_eq 1 "$(json 'len([s for s in d if s["code"] == "ppl-optics"])')" "admins see every space"
	# edit: only what is given changes.
	expect_exit 0 rb_as oper startup edit ppl-drive --address "2 New Road, Beijing"
	expect_stdout_contains "changed startup ppl-drive"
	expect_eq "Drive Co|驱动科技（北京）有限公司|2 New Road, Beijing" \
		"$(psql_q "SELECT name || '|' || legal_name || '|' || address FROM startups WHERE id = $id")" "after edit"
	expect_eq 1 "$(pp_audit startup_edit "$id")" "audit of the edit"
	expect_exit 2 rb_as oper startup edit ppl-drive
	expect_stderr_contains "say what to change"
	pp_refuse NOT_FOUND "no startup is called ppl-nothing" rb_as oper startup edit ppl-nothing --name X
	# show: invoice details and members.
	expect_exit 0 rb_as oper member add ppl-driver --name "Dee Driver" --role member --startup ppl-drive --email dee@drive.example
	expect_exit 0 rb_as oper startup show ppl-drive
	expect_stdout_contains "invoice details:"
	expect_stdout_contains "space          test-space"
	expect_stdout_contains "  legal name   驱动科技（北京）有限公司"
	expect_stdout_contains "  credit code  91350100M000100Y43"
	expect_stdout_contains "  address      2 New Road, Beijing"
	expect_stdout_contains "ppl-driver"
	expect_stdout_contains "dee@drive.example"
	expect_exit 0 rb_as oper startup show ppl-drive --json
	expect_eq "ppl-driver" "$(json '",".join(m["handle"] for m in d["members"])')" "members shown"
	expect_eq 1 "$(json 'd["startup"]["active_members"]')" "active members"
	# a member sees their own startup, not another
	expect_exit 0 rb_as alice startup list --json
	expect_eq acme "$(json '",".join(s["code"] for s in d)')" "a member's startups"
	# one they may not see is answered as one that does not exist
	pp_refuse NOT_FOUND "no startup is called ppl-drive" rb_as alice startup show ppl-drive
	pp_refuse NOT_FOUND "no startup is called ppl-drive" rb_as ppl-oper-other startup show ppl-drive
}

t_people_credit_code() {
	# the well-known valid example, lower case accepted and stored upper case
	expect_exit 0 rb_as oper startup add ppl-uscc --name "USCC Co" --credit-code 91110000802100433b
	expect_eq 91110000802100433B "$(psql_q "SELECT credit_code FROM startups WHERE code = 'ppl-uscc'")" "stored code"
	# the check character: 91350100M000100Y43 is valid, ...Y44 is not
	pp_refuse INVALID_ARGUMENT "the check character of 91350100M000100Y44 is wrong: by GB 32100-2015 it must be 3, not 4" \
		rb_as oper startup add ppl-uscc2 --name "Bad Co" --credit-code 91350100M000100Y44
	pp_refuse INVALID_ARGUMENT "a unified social credit code has 18 characters; 91350100M000100Y4 has 17" \
		rb_as oper startup edit ppl-uscc --credit-code 91350100M000100Y4
	pp_refuse INVALID_ARGUMENT "character 9 of 91350100I000100Y43 (I) is not allowed" \
		rb_as oper startup edit ppl-uscc --credit-code 91350100I000100Y43
	pp_refuse INVALID_ARGUMENT "characters 3-8 of 913501A0M000100Y43 (3501A0) must be digits" \
		rb_as oper startup edit ppl-uscc --credit-code 913501A0M000100Y43
	expect_eq 91110000802100433B "$(psql_q "SELECT credit_code FROM startups WHERE code = 'ppl-uscc'")" "code after refusals"
	# the rule holds in the table itself, whoever writes
	expect_eq t "$(psql_q "SELECT rb_uscc_problem('91350100M000100Y43') IS NULL")" "valid code"
	if psql_q "UPDATE startups SET credit_code = '91350100M000100Y44' WHERE code = 'ppl-uscc'" >/dev/null 2>&1; then
		echo "the table took a credit code with a wrong check character"
		return 1
	fi
	expect_eq 91110000802100433B "$(psql_q "SELECT credit_code FROM startups WHERE code = 'ppl-uscc'")" "code after a direct update"
}

t_people_duplicates() {
	pp_refuse CONFLICT "a startup called acme already exists; startup codes are unique" \
		rb_as oper startup add acme --name "Another Acme"
	pp_refuse CONFLICT "a member called alice already exists; handles are unique" \
		rb_as oper member add alice --name "Another Alice" --role member --startup acme
	expect_eq "Acme Electric Drives" "$(psql_q "SELECT name FROM startups WHERE code = 'acme'")" "acme unchanged"
	expect_eq "Alice Acme" "$(psql_q "SELECT name FROM members WHERE handle = 'alice'")" "alice unchanged"
}

t_people_members() {
	local id
	expect_exit 0 rb_as oper member add ppl-m1 --name "Mia One" --role member --startup ppl-acme --email mia@ppl.example
	expect_stdout_contains "added member ppl-m1 (Mia One), member of ppl-acme in test-space"
	id=$(psql_q "SELECT id FROM members WHERE handle = 'ppl-m1'")
	expect_eq "member|ppl-acme|mia@ppl.example" \
		"$(psql_q "SELECT m.role || '|' || s.code || '|' || m.email FROM members m JOIN startups s ON s.id = m.startup_id WHERE m.id = $id")" "stored member"
	expect_eq 1 "$(pp_audit member_add "$id")" "audit of the add"
	# managers are tied to an institution, members to a startup
	expect_exit 2 rb_as oper member add ppl-mgr1 --name "Max Manager" --role manager
	expect_stderr_contains "a manager needs --institution"
	expect_exit 2 rb_as oper member add ppl-m2 --name "No Startup" --role member
	expect_stderr_contains "a member needs --startup"
	expect_exit 2 rb_as oper member add ppl-m2 --name "Boss" --role admin --startup ppl-acme
	expect_stderr_contains "unknown role 'admin'"
	expect_exit 0 rb_as oper member add ppl-mgr1 --name "Max Manager" --role manager --institution test-works --json
	expect_eq "manager|test-works|test-space" "$(json 'd["role"] + "|" + d["institution"] + "|" + d["space"]')" "manager added"
	expect_exit 0 rb_as oper member add ppl-op1 --name "Oona Operator" --role operator
	expect_stdout_contains "added member ppl-op1 (Oona Operator), operator in test-space"
	pp_refuse NOT_FOUND "no startup is called ppl-none" rb_as oper member add ppl-m3 --name X --role member --startup ppl-none
	pp_refuse INVALID_ARGUMENT "handle Bad_Handle is not valid" rb_as oper member add Bad_Handle --name X --role member --startup ppl-acme
	# list: a startup's members; members see their own startup's
	expect_exit 0 rb_as oper member list --startup ppl-acme
	expect_stdout_contains "HANDLE"
	expect_stdout_contains "ppl-m1"
	expect_stdout_contains "ppl-member"
	expect_stdout_lacks "alice"
	expect_exit 0 rb_as ppl-member member list --json
	expect_eq "ppl-m1,ppl-member" "$(json '",".join(sorted(m["handle"] for m in d if m["handle"].startswith("ppl-")))')" "a member lists their startup"
	expect_eq 0 "$(json 'len([m for m in d if m["startup"] != "ppl-acme"])')" "only their startup"
	pp_refuse NOT_FOUND "no startup is called acme" rb_as ppl-member member list --startup acme
	# the operator of another space sees none of this space
	expect_exit 0 rb_as ppl-oper-other member list --json
	expect_eq 0 "$(json 'len([m for m in d if m["space"] == "test-space"])')" "other space's operator"
}

t_people_scoping() {
	# an operator of another space
	pp_refuse PERMISSION_DENIED "startup ppl-x belongs to space test-space; operators manage the startups and members of their own space (other-space) only" \
		rb_as ppl-oper-other startup add ppl-x --name X --space test-space
	pp_refuse PERMISSION_DENIED "operators manage the startups and members of their own space (other-space) only" \
		rb_as ppl-oper-other startup edit acme --name Hijacked
	pp_refuse PERMISSION_DENIED "member ppl-x belongs to space test-space; operators manage" \
		rb_as ppl-oper-other member add ppl-x --name X --role member --startup acme
	# a member of another space is, to them, one that does not exist
	pp_refuse NOT_FOUND "no member is called alice" rb_as ppl-oper-other member disable alice
	# ... who manages their own
	expect_exit 0 rb_as ppl-oper-other startup add ppl-lens --name "Lens Co"
	expect_stdout_contains "in other-space"
	# managers and members add nobody
	pp_refuse PERMISSION_DENIED "startup add/edit is for operators of the space and admins, not for a manager" \
		rb_as mgr startup add ppl-y --name Y
	pp_refuse PERMISSION_DENIED "member add is for operators of the space and admins, not for a manager" \
		rb_as mgr member add ppl-y --name Y --role member --startup acme
	pp_refuse PERMISSION_DENIED "member add is for operators of the space and admins, not for a member" \
		rb_as alice member add ppl-y --name Y --role member --startup acme
	pp_refuse PERMISSION_DENIED "member disable is for operators of the space and admins, not for a member" \
		rb_as alice member disable bob
	# the rule holds in SQL too, whatever the dispatch table lets through
	if psql_q "SELECT rb_add_member((SELECT id FROM members WHERE handle = 'mgr'), 'ppl-z', 'Z', '', 'member', 'acme', '', '', '')" >"$RB_CASE_DIR/sql.out" 2>&1; then
		echo "a manager added a member in SQL"
		return 1
	fi
	grep -q "only operators of the space and admins manage startups and members; a manager cannot change member ppl-z" "$RB_CASE_DIR/sql.out" ||
		{ cat "$RB_CASE_DIR/sql.out"; return 1; }
	# admins anywhere, but they say which space
	pp_refuse INVALID_ARGUMENT "say which space startup ppl-w joins" rb_as adm startup add ppl-w --name W
	expect_exit 0 rb_as adm startup add ppl-w --name W --space other-space
	expect_stdout_contains "in other-space"
}

t_people_token_works_and_revoke() {
	local hex list
	expect_exit 0 rb_as oper member add ppl-t1 --name "Tia Token" --role member --startup ppl-acme
	pp_issue oper ppl-t1 --label "laptop"
	expect_stdout_contains "issued token $PP_TOKEN for ppl-t1 (laptop), expires never:"
	expect_stdout_contains "This secret will not be shown again"
	expect_eq 1 "$(grep -c rbk_ "$RB_OUT")" "the secret is printed once"
	expect_eq 1 "$(pp_audit token_issue "$PP_TOKEN")" "audit of the issue"
	# the real client signs in with it
	expect_exit 0 pp_with "$PP_SECRET" whoami --json
	expect_eq ppl-t1 "$(json 'd["handle"]')" "signed in as"
	# stored as its SHA-256 only
	hex=$(printf '%s' "$PP_SECRET" | sha256sum | cut -d' ' -f1)
	expect_eq "$hex|oper" "$(psql_q "SELECT encode(t.hash, 'hex') || '|' || m.handle FROM tokens t JOIN members m ON m.id = t.issued_by WHERE t.id = $PP_TOKEN")" "stored hash"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM tokens t WHERE t::text LIKE '%${PP_SECRET#rbk_}%' OR encode(t.hash, 'escape') LIKE '%rbk_%'")" "secret in the tokens table"
	expect_eq 0 "$(psql_q "SELECT count(*) FROM audit a WHERE a::text LIKE '%${PP_SECRET#rbk_}%'")" "secret in the audit"
	# list: never the secret or hash
	expect_exit 0 rb_as oper token list ppl-t1
	expect_stdout_contains "LAST USED"
	expect_stdout_contains "laptop"
	expect_stdout_contains "active"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM tokens WHERE id = $PP_TOKEN AND last_used_at > now() - interval '1 minute'")" "last use noted"
	expect_stdout_lacks "${PP_SECRET#rbk_}"
	expect_stdout_lacks "$hex"
	expect_exit 0 pp_with "$PP_SECRET" token list --json
	expect_eq "$PP_TOKEN|ppl-t1|active" "$(json '"|".join([str(d[0]["id"]), d[0]["member"], d[0]["status"]])')" "own tokens"
	list=$(cat "$RB_OUT")
	[[ $list != *"${PP_SECRET#rbk_}"* && $list != *"$hex"* ]] || { echo "token list shows the secret"; return 1; }
	# revoke: fails at once, saying so
	expect_exit 0 rb_as oper token revoke "$PP_TOKEN"
	expect_stdout_contains "revoked token $PP_TOKEN of ppl-t1"
	expect_eq 1 "$(pp_audit token_revoke "$PP_TOKEN")" "audit of the revoke"
	expect_exit 1 pp_with "$PP_SECRET" whoami
	expect_stderr_contains "rigbook: UNAUTHENTICATED: the token is not valid: unknown, revoked or expired"
	pp_refuse FAILED_PRECONDITION "token $PP_TOKEN was already revoked" rb_as oper token revoke "$PP_TOKEN"
	expect_exit 0 rb_as oper token list ppl-t1
	expect_stdout_contains "revoked 20"
	# an unknown token says so
	expect_exit 1 pp_with rbk_0000000000000000000000000000000000000000000000000000000000000000 whoami
	expect_stderr_contains "rigbook: UNAUTHENTICATED: the token is not valid: unknown, revoked or expired"
}

t_people_token_expiry() {
	local exp
	pp_issue ppl-member ppl-member --expires 90d --label phone
	exp=$(psql_q "SELECT round(extract(epoch FROM expires_at - created_at) / 86400) FROM tokens WHERE id = $PP_TOKEN")
	expect_eq 90 "$exp" "days until expiry"
	expect_exit 0 pp_with "$PP_SECRET" whoami
	expect_stdout_contains ppl-member
	# a date: through that day (UTC)
	pp_issue ppl-member ppl-member --expires "$(rb_day 10)"
	expect_eq "$(rb_day 11) 00:00" "$(psql_q "SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM tokens WHERE id = $PP_TOKEN")" "expiry from a date"
	expect_exit 2 rb_as ppl-member token issue ppl-member --expires 2001-01-01
	expect_stderr_contains "is in the past"
	expect_exit 2 rb_as ppl-member token issue ppl-member --expires soon
	expect_stderr_contains "neither a lifetime like 90d nor a date"
	# time passes
	psql_q "UPDATE tokens SET expires_at = now() - interval '1 minute' WHERE id = $PP_TOKEN" >/dev/null
	expect_exit 1 pp_with "$PP_SECRET" whoami
	expect_stderr_contains "rigbook: UNAUTHENTICATED: the token is not valid: unknown, revoked or expired"
	expect_exit 0 rb_as ppl-member token list
	expect_stdout_contains expired
}

t_people_disable() {
	local id before
	expect_exit 0 rb_as oper member add ppl-gone --name "Gus Gone" --role member --startup ppl-acme
	id=$(psql_q "SELECT id FROM members WHERE handle = 'ppl-gone'")
	pp_issue oper ppl-gone
	expect_exit 0 pp_with "$PP_SECRET" whoami
	pp_refuse FAILED_PRECONDITION "you cannot disable yourself" rb_as oper member disable oper
	expect_exit 0 rb_as oper member disable ppl-gone
	expect_stdout_contains "disabled ppl-gone (Gus Gone), member of ppl-acme"
	expect_stdout_contains "their tokens no longer sign in"
	expect_eq 1 "$(pp_audit member_disable "$id")" "audit of the disable"
	expect_exit 1 pp_with "$PP_SECRET" whoami
	expect_stderr_contains "rigbook: UNAUTHENTICATED: the token is not valid: unknown, revoked or expired"
	before=$(bookings_digest)
	expect_exit 1 pp_with "$PP_SECRET" book dyno-1 --from "$(rb_day 40) 10:00" --to "$(rb_day 40) 11:00"
	expect_stderr_contains UNAUTHENTICATED
	expect_eq "$before" "$(bookings_digest)" "bookings after a disabled member tried"
	pp_refuse FAILED_PRECONDITION "ppl-gone is already disabled" rb_as oper member disable ppl-gone
	pp_refuse FAILED_PRECONDITION "ppl-gone is disabled and gets no tokens" rb_as oper token issue ppl-gone
	expect_exit 0 rb_as oper member list --startup ppl-acme --json
	expect_eq true "$(json '[m["disabled"] for m in d if m["handle"] == "ppl-gone"][0]')" "listed as disabled"
}

t_people_token_scoping() {
	local mine
	pp_issue ppl-member ppl-member --label own
	mine=$PP_TOKEN
	expect_eq ppl-member "$(psql_q "SELECT m.handle FROM tokens t JOIN members m ON m.id = t.issued_by WHERE t.id = $mine")" "issued by"
	# members handle only their own tokens
	# (a member of another startup is one that does not exist to them)
	pp_refuse NOT_FOUND "no member is called alice" rb_as ppl-member token issue alice
	pp_refuse NOT_FOUND "no member is called ppl-member" rb_as alice token list ppl-member
	pp_refuse PERMISSION_DENIED "the tokens of alice are handled by alice, an operator of their space or an admin" \
		rb_as bob token issue alice
	# a token id they may not handle is answered as one that does not exist
	pp_refuse NOT_FOUND "there is no token $mine" rb_as alice token revoke "$mine"
	pp_refuse NOT_FOUND "there is no token $mine" rb_as mgr token revoke "$mine"
	# operators of another space neither
	pp_refuse NOT_FOUND "no member is called ppl-member" rb_as ppl-oper-other token issue ppl-member
	pp_refuse NOT_FOUND "there is no token $mine" rb_as ppl-oper-other token revoke "$mine"
	# admins all
	expect_exit 0 rb_as adm token list ppl-member --json
	expect_eq 1 "$(json 'len([t for t in d if t["id"] == '"$mine"'])')" "admin sees the token"
	pp_refuse NOT_FOUND "there is no token 999999999" rb_as ppl-member token revoke 999999999
	expect_exit 2 rb_as ppl-member token revoke abc
	expect_exit 0 rb_as ppl-member token revoke "$mine"
	expect_eq 1 "$(psql_q "SELECT count(*) FROM tokens WHERE id = $mine AND revoked_at IS NOT NULL")" "revoked by its member"
	# labels are text
	pp_refuse INVALID_ARGUMENT "label holds a control character (U+0001)" rb_as ppl-member token issue ppl-member --label $'tab\001'
	# the fixture token still works
	expect_exit 0 rb_as ppl-member whoami
}
