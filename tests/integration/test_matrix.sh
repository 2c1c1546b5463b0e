# Who may send what: every request type of the dispatch table
# (daemon/dispatch.c), sent on the wire by a member, a member of another
# startup, a manager, a manager of another institution, an operator, an
# operator of another space and an admin, about the same objects (the
# member's booking, series, waitlist entry and startup, a resource of the
# manager's institution in the operator's space).  Each answer's code is
# compared with the table below; a request type without a row fails.
# And the text limits of the wire (common/wirecheck.c) against the schema.

# Who asks, in the order asked: those who may not see the objects first, so
# that what they are told is about objects as they were made.
MX_WHO=(other_member:carol other_manager:mgr-other other_operator:ppl-oper-other
	member:alice manager:mgr operator:oper admin:adm)

# The expected answers: request, then a code per asker in the order of the
# header.  OK, INVALID (INVALID_ARGUMENT), DENIED (PERMISSION_DENIED),
# NOTFOUND, CONFLICT, PRECOND (FAILED_PRECONDITION), UNAUTH.
MX_EXPECTED='
request              other_member  other_manager  other_operator  member    manager   operator  admin
hello                PRECOND       PRECOND        PRECOND         PRECOND   PRECOND   PRECOND   PRECOND
ping                 OK            OK             OK              OK        OK        OK        OK
list_resources       OK            OK             OK              OK        OK        OK        OK
availability         OK            OK             OK              OK        OK        OK        OK
get_resource         OK            OK             OK              OK        OK        OK        OK
slots                OK            OK             OK              OK        OK        OK        OK
find                 OK            OK             OK              OK        OK        OK        OK
book                 OK            CONFLICT       CONFLICT        CONFLICT  CONFLICT  CONFLICT  CONFLICT
list_bookings        OK            OK             OK              OK        OK        OK        OK
cancel_booking       NOTFOUND      NOTFOUND       NOTFOUND        OK        PRECOND   PRECOND   PRECOND
accept_terms         PRECOND       PRECOND        PRECOND         PRECOND   PRECOND   PRECOND   PRECOND
put_resource         DENIED        DENIED         DENIED          DENIED    INVALID   INVALID   INVALID
retire_resource      DENIED        DENIED         DENIED          DENIED    PRECOND   PRECOND   PRECOND
set_hours            DENIED        DENIED         DENIED          DENIED    OK        OK        OK
set_exception        DENIED        INVALID        INVALID         DENIED    INVALID   INVALID   INVALID
add_closure          DENIED        DENIED         DENIED          DENIED    OK        OK        OK
remove_closure       DENIED        NOTFOUND       NOTFOUND        DENIED    NOTFOUND  NOTFOUND  NOTFOUND
set_rules            DENIED        DENIED         DENIED          DENIED    OK        OK        OK
set_units            DENIED        DENIED         DENIED          DENIED    OK        OK        OK
set_requires         DENIED        DENIED         DENIED          DENIED    OK        OK        OK
set_terms            DENIED        DENIED         DENIED          DENIED    OK        OK        OK
list_approvals       DENIED        DENIED         DENIED          DENIED    OK        OK        OK
decide               DENIED        NOTFOUND       NOTFOUND        DENIED    PRECOND   PRECOND   PRECOND
move_booking         NOTFOUND      NOTFOUND       NOTFOUND        OK        INVALID   INVALID   INVALID
hand_over            NOTFOUND      NOTFOUND       NOTFOUND        OK        INVALID   INVALID   INVALID
get_booking          NOTFOUND      NOTFOUND       NOTFOUND        OK        OK        OK        OK
wait                 OK            OK             OK              PRECOND   OK        OK        OK
list_waitlist        OK            OK             OK              OK        OK        OK        OK
unwait               NOTFOUND      NOTFOUND       NOTFOUND        OK        PRECOND   PRECOND   PRECOND
qualify              DENIED        DENIED         DENIED          DENIED    OK        OK        OK
unqualify            DENIED        DENIED         DENIED          DENIED    NOTFOUND  NOTFOUND  NOTFOUND
list_qualifications  NOTFOUND      NOTFOUND       NOTFOUND        OK        OK        OK        OK
check_in             NOTFOUND      NOTFOUND       NOTFOUND        PRECOND   PRECOND   PRECOND   PRECOND
check_out            NOTFOUND      NOTFOUND       NOTFOUND        PRECOND   PRECOND   PRECOND   PRECOND
mark_no_show         DENIED        NOTFOUND       NOTFOUND        DENIED    PRECOND   PRECOND   PRECOND
correct_usage        DENIED        NOTFOUND       NOTFOUND        DENIED    PRECOND   PRECOND   PRECOND
book_series          OK            OK             OK              OK        OK        OK        OK
cancel_series        NOTFOUND      NOTFOUND       NOTFOUND        OK        PRECOND   PRECOND   PRECOND
watch                OK            OK             OK              OK        OK        OK        OK
unwatch              OK            OK             OK              OK        OK        OK        OK
put_startup          DENIED        DENIED         DENIED          DENIED    DENIED    OK        OK
list_startups        OK            OK             OK              OK        OK        OK        OK
get_startup          NOTFOUND      NOTFOUND       NOTFOUND        OK        OK        OK        OK
add_member           DENIED        DENIED         DENIED          DENIED    DENIED    OK        CONFLICT
list_members         NOTFOUND      NOTFOUND       NOTFOUND        OK        OK        OK        OK
disable_member       DENIED        DENIED         NOTFOUND        DENIED    DENIED    OK        PRECOND
issue_token          NOTFOUND      NOTFOUND       NOTFOUND        OK        DENIED    OK        OK
list_tokens          NOTFOUND      NOTFOUND       NOTFOUND        OK        DENIED    OK        OK
revoke_token         NOTFOUND      NOTFOUND       NOTFOUND        NOTFOUND  NOTFOUND  OK        PRECOND
add_client_cert      NOTFOUND      NOTFOUND       NOTFOUND        OK        DENIED    CONFLICT  CONFLICT
list_client_certs    NOTFOUND      NOTFOUND       NOTFOUND        OK        DENIED    OK        OK
revoke_client_cert   NOTFOUND      NOTFOUND       NOTFOUND        NOTFOUND  NOTFOUND  OK        PRECOND
set_rate             DENIED        DENIED         DENIED          DENIED    DENIED    OK        OK
list_rates           DENIED        DENIED         DENIED          DENIED    OK        OK        OK
list_charges         NOTFOUND      NOTFOUND       NOTFOUND        OK        OK        OK        OK
add_voucher          DENIED        DENIED         NOTFOUND        DENIED    DENIED    INVALID   INVALID
list_vouchers        NOTFOUND      NOTFOUND       NOTFOUND        OK        DENIED    OK        OK
get_voucher          NOTFOUND      NOTFOUND       NOTFOUND        NOTFOUND  NOTFOUND  NOTFOUND  NOTFOUND
voucher_statement    DENIED        DENIED         OK              DENIED    DENIED    OK        OK
run_invoices         DENIED        DENIED         DENIED          DENIED    DENIED    OK        OK
list_invoices        NOTFOUND      NOTFOUND       NOTFOUND        OK        DENIED    OK        OK
get_invoice          NOTFOUND      NOTFOUND       NOTFOUND        NOTFOUND  NOTFOUND  NOTFOUND  NOTFOUND
credit_invoice       DENIED        DENIED         NOTFOUND        DENIED    DENIED    NOTFOUND  NOTFOUND
settlement           DENIED        DENIED         DENIED          DENIED    OK        OK        OK
set_tier             DENIED        DENIED         NOTFOUND        DENIED    DENIED    OK        OK
report               DENIED        DENIED         DENIED          DENIED    OK        OK        OK
list_audit           DENIED        OK             OK              DENIED    OK        OK        OK
feed                 PRECOND       PRECOND        PRECOND         PRECOND   PRECOND   PRECOND   PRECOND
'

mx_code() {
	sed -e 's/INVALID_ARGUMENT/INVALID/g; s/PERMISSION_DENIED/DENIED/g; s/NOT_FOUND/NOTFOUND/g' \
		-e 's/FAILED_PRECONDITION/PRECOND/g; s/UNAUTHENTICATED/UNAUTH/g; s/RESOURCE_EXHAUSTED/EXHAUSTED/g'
}

# The request names of the dispatch table, in its order.
mx_dispatch_names() {
	grep -o 'RIGBOOK__REQUEST__BODY_[A-Z_]*, "[a-z_]*"' "$RB_SRC/daemon/dispatch.c" |
		sed 's/.*"\([a-z_]*\)"/\1/'
}

mx_epoch() {
	TZ=Asia/Shanghai date -d "$1 $2" +%s
}

# mx_book DAY FROM TO: alice books dyno-1; prints the id.
mx_book() {
	expect_exit 0 rb_as alice book dyno-1 --from "$1 $2" --to "$1 $3" --json >/dev/null
	booking_id
}

t_matrix_every_request_every_role() {
	local tool=$RB_BUILD/tests/integration/rb-access d s e names want got who=() w
	[[ -x $tool ]] || rb_skip "rb-access is not built"
	names=$RB_CASE_DIR/names
	mx_dispatch_names >"$names"
	[[ $(wc -l <"$names") -gt 50 ]] || { echo "the dispatch table was not read:"; cat "$names"; return 1; }

	# every request type has a row, and every row a request type
	want=$(printf '%s\n' "$MX_EXPECTED" | awk 'NF > 1 && $1 != "request" { print $1 }' | sort)
	got=$(sort "$names")
	if [[ $want != "$got" ]]; then
		echo "request types without a row in the matrix (or rows without a request type):"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got")
		return 1
	fi

	# the objects
	d=$(rb_day 50)
	s=$(mx_epoch "$d" 10:00)
	e=$(mx_epoch "$d" 11:00)
	local b_cancel b_move b_hand b_get b_in b_out b_decide b_noshow b_usage sid entry tok ptok
	b_cancel=$(mx_book "$d" 08:00 09:00)
	b_move=$(mx_book "$d" 12:00 13:00)
	b_hand=$(mx_book "$d" 13:00 14:00)
	b_get=$(mx_book "$d" 14:00 15:00)
	b_in=$(mx_book "$d" 15:00 16:00)
	b_out=$(mx_book "$d" 16:00 17:00)
	b_decide=$(mx_book "$d" 17:00 18:00)
	b_noshow=$(mx_book "$d" 18:00 19:00)
	b_usage=$(mx_book "$d" 19:00 20:00)
	expect_exit 0 rb_as alice book dyno-1 --from "$(rb_day 51) 10:00" --to "$(rb_day 51) 11:00" --every day --count 2 --json
	sid=$(psql_q "SELECT max(id) FROM booking_series")
	expect_exit 0 rb_as bob book dyno-2 --from "$d 10:00" --to "$d 11:00" --json
	expect_exit 0 rb_as alice wait dyno-2 --from "$d 10:00" --to "$d 11:00" --json
	entry=$(psql_q "SELECT max(id) FROM waitlist")
	tok=$(psql_q "SELECT t.id FROM tokens t JOIN members m ON m.id = t.member_id WHERE m.handle = 'race01'")
	ptok=$(psql_q "SELECT t.id FROM tokens t JOIN members m ON m.id = t.member_id WHERE m.handle = 'race02'")
	# a client certificate of race01's, as the token above: only its operator and admins revoke it
	local cert
	cert=$(psql_q "INSERT INTO client_certs (member_id, fingerprint, label)
		SELECT id, sha256('matrix'::bytea), 'matrix' FROM members WHERE handle = 'race01' RETURNING id" | head -n 1)

	for w in "${MX_WHO[@]}"; do
		who+=("${w%%:*}=tok-${w#*:}")
	done
	"$tool" --server "$RB_SERVER" --ca "$RB_CA" matrix "$names" "${who[@]}" -- \
		resource_code=dyno-1 code=mill-5ax start="$s" end="$e" reason=matrix note=matrix \
		booking_id="$b_get" series_id="$sid" entry_id="$entry" \
		cancel_booking.booking_id="$b_cancel" move_booking.booking_id="$b_move" \
		move_booking.start="$((s + 43200))" move_booking.end="$((e + 43200))" \
		hand_over.booking_id="$b_hand" hand_over.to_member=bob \
		check_in.booking_id="$b_in" check_out.booking_id="$b_out" \
		decide.booking_id="$b_decide" decide.approve=true \
		mark_no_show.booking_id="$b_noshow" correct_usage.booking_id="$b_usage" \
		correct_usage.checked_in_at="$s" correct_usage.checked_out_at="$e" \
		availability.from="$((s - 3600))" availability.to="$((e + 3600))" \
		length_minutes=60 days=3 \
		book.start="$((s + 4 * 86400))" book.end="$((e + 4 * 86400))" \
		wait.resource_code=dyno-2 \
		book_series.start="$((s + 6 * 86400))" book_series.end="$((e + 6 * 86400))" book_series.every_days=7 book_series.count=2 \
		retire_resource.code=old-scope add_closure.start="$((s + 864000))" add_closure.end="$((e + 864000))" \
		remove_closure.closure_id=999999999 set_terms.text="matrix terms" accept_terms.version=1 \
		set_units.units=1 put_resource.code=matrix-rig put_resource.name="Matrix rig" \
		put_resource.institution_code=test-works \
		member_handle=alice qualify.member_handle=bob unqualify.member_handle=race03 \
		get_startup.code=acme put_startup.code=acme put_startup.name="Acme Electric Drives" \
		startup_code=acme add_member.handle=mx-new add_member.name="Mx New" add_member.role=ROLE_MEMBER \
		disable_member.handle=race00 issue_token.member_handle=alice \
		revoke_token.token_id="$tok" list_tokens.member_handle=alice \
		add_client_cert.fingerprint="$(printf '%064d' 7)" add_client_cert.label=matrix \
		revoke_client_cert.cert_id="$cert" list_client_certs.member_handle=alice \
		tier=external basis=booked currency=CNY effective_from=2031-01-01 hourly=100 increment_minutes=15 \
		issuer=matrix cap=1000 valid_from=2031-01-01 valid_to=2031-12-31 voucher_id=999999999 \
		period=2026-03 space_code=test-space institution_code=test-works number=INV-NONE amount=1 \
		report.from=2026-01-01 report.to=2026-01-31 set_tier.startup_code=race-d \
		>"$RB_CASE_DIR/matrix.out" 2>"$RB_CASE_DIR/matrix.err" ||
		{ echo "rb-access matrix failed:"; cat "$RB_CASE_DIR/matrix.err"; return 1; }
	: "$ptok"

	# one line per request, the codes in the header's order
	got=$(awk '{ c[$1] = c[$1] " " $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
		END { for (i = 1; i <= n; i++) print order[i] c[order[i]] }' "$RB_CASE_DIR/matrix.out" | mx_code)
	want=$(printf '%s\n' "$MX_EXPECTED" | awk 'NF > 1 && $1 != "request"' | tr -s ' ')
	if [[ $(printf '%s\n' "$want" | sort) != $(printf '%s\n' "$got" | sort) ]]; then
		echo "answers that differ from the matrix (< expected, > got):"
		diff <(printf '%s\n' "$want" | sort) <(printf '%s\n' "$got" | sort)
		echo "--- details of the refusals"
		cat "$RB_CASE_DIR/matrix.err"
		return 1
	fi
}

# The wire's limit of a text field (common/wirecheck.c: wire_limits[]) is
# the database's where the database has one: a domain takes exactly that
# many characters, a column's CHECK says that number.
t_matrix_text_limits_match_schema() {
	local tool=$RB_BUILD/tests/integration/rb-access field max schema n bad=0 def
	[[ -x $tool ]] || rb_skip "rb-access is not built"
	"$tool" --server "$RB_SERVER" --ca "$RB_CA" limits x >"$RB_CASE_DIR/limits" ||
		{ echo "rb-access limits failed"; return 1; }
	[[ $(wc -l <"$RB_CASE_DIR/limits") -gt 30 ]] || { echo "no limits listed"; return 1; }
	n=0
	while read -r field max schema; do
		[[ -n $schema ]] || continue
		n=$((n + 1))
		if [[ $schema != *.* ]]; then
			# a domain: max characters are one, max + 1 are not (codes are
			# lower case, currencies capitals)
			local ch=a
			[[ $schema == rb_currency ]] && ch=A
			psql_q "SELECT repeat('$ch', $max)::$schema" >/dev/null 2>&1 ||
				{ echo "$field: $schema refuses $max characters"; bad=1; continue; }
			if psql_q "SELECT repeat('$ch', $((max + 1)))::$schema" >/dev/null 2>&1; then
				echo "$field: $schema takes $((max + 1)) characters, the wire $max"
				bad=1
			fi
			continue
		fi
		def=$(psql_q "SELECT string_agg(pg_get_constraintdef(c.oid), ' ')
			FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
			WHERE t.relname = '${schema%%.*}' AND c.contype = 'c'
			  AND pg_get_constraintdef(c.oid) ~ 'length\(${schema#*.}\)'")
		if [[ $def =~ length\(${schema#*.}\)\ *(\<=|BETWEEN\ 1\ AND)\ *([0-9]+) ]]; then
			if [[ ${BASH_REMATCH[2]} != "$max" ]]; then
				echo "$field: $schema holds ${BASH_REMATCH[2]} characters, the wire $max"
				bad=1
			fi
		else
			echo "$field: no length check on $schema ($def)"
			bad=1
		fi
	done <"$RB_CASE_DIR/limits"
	[[ $n -gt 10 ]] || { echo "only $n limits name the schema"; return 1; }
	return $bad
}
