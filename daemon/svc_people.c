/*
 * People and access: startups with their invoice details, members,
 * bearer tokens and client certificates.  Who may act on whom is decided in the SQL functions
 * (0009_people.sql); here the requests are checked for form, tokens are
 * made, and rows become messages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rows.h"
#include "rigbook/names.h"
#include "sql.h"
#include "tls.h"

#define MAX_CODE 40
#define MAX_NAME 200
#define MAX_ADDRESS 500
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31 */

static const char *str(const char *s)
{
	return s != NULL ? s : "";
}

/* A code or handle field: printable, at most 40 bytes; the SQL checks its form. */
static int code_ok(struct req *r, const char *s, int required, const char *what,
		   const char *field)
{
	char m[120], limit[24];

	if ((s == NULL || s[0] == '\0') && !required)
		return 1;
	if (s == NULL || s[0] == '\0' || !text_ok(s, MAX_CODE)) {
		snprintf(m, sizeof(m), "say which %s, in at most %d printable characters", what,
			 MAX_CODE);
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, req_missing(s, "invalid_code"),
			  m, field, "limit", u64_param(limit, MAX_CODE), "what", "code",
			  "thing", what, NULL);
		return 0;
	}
	return 1;
}

static int field_text_ok(struct req *r, const char *s, size_t max, const char *what,
			 const char *field)
{
	char m[120], limit[24];

	if (text_ok(s, max))
		return 1;
	snprintf(m, sizeof(m), "%s is printable UTF-8 text of at most %zu bytes", what, max);
	req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text", m, field, "limit",
		  u64_param(limit, max), "what", "text", "thing", what, NULL);
	return 0;
}

static void failed(struct req *r, const char *what)
{
	char m[120];

	snprintf(m, sizeof(m), "%s; the server log has the details", what);
	req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal", m, "", NULL);
}

/* ---------------------------------------------------------------- rows */

static void startup_from_row(Rigbook__Startup *s, const struct db_result *res, int i)
{
	rigbook__startup__init(s);
	s->id = (uint64_t)db_get_int64(res, i, SU_ID);
	s->code = (char *)db_get(res, i, SU_CODE);
	s->name = (char *)db_get(res, i, SU_NAME);
	s->space_code = (char *)db_get(res, i, SU_SPACE);
	s->legal_name = (char *)db_get(res, i, SU_LEGAL_NAME);
	s->credit_code = (char *)db_get(res, i, SU_CREDIT_CODE);
	s->address = (char *)db_get(res, i, SU_ADDRESS);
	s->created_at = db_get_int64(res, i, SU_CREATED);
	s->active_members = (uint32_t)db_get_int64(res, i, SU_ACTIVE_MEMBERS);
}

/* The member columns (MB_*) of row i. */
static void member_from_row(Rigbook__Member *m, const struct db_result *res, int i)
{
	rigbook__member__init(m);
	m->id = (uint64_t)db_get_int64(res, i, MB_ID);
	m->handle = (char *)db_get(res, i, MB_HANDLE);
	m->name = (char *)db_get(res, i, MB_NAME);
	m->email = (char *)db_get(res, i, MB_EMAIL);
	m->role = rb_role_parse(db_get(res, i, MB_ROLE));
	m->startup_code = (char *)db_get(res, i, MB_STARTUP);
	m->institution_code = (char *)db_get(res, i, MB_INSTITUTION);
	m->space_code = (char *)db_get(res, i, MB_SPACE);
	m->disabled_at = db_get_int64(res, i, MB_DISABLED);
	m->created_at = db_get_int64(res, i, MB_CREATED);
	m->live_tokens = (uint32_t)db_get_int64(res, i, MB_LIVE_TOKENS);
}

static void token_from_row(Rigbook__Token *t, const struct db_result *res, int i)
{
	rigbook__token__init(t);
	t->id = (uint64_t)db_get_int64(res, i, TK_ID);
	t->member_handle = (char *)db_get(res, i, TK_MEMBER);
	t->label = (char *)db_get(res, i, TK_LABEL);
	t->created_at = db_get_int64(res, i, TK_CREATED);
	t->expires_at = db_get_int64(res, i, TK_EXPIRES);
	t->revoked_at = db_get_int64(res, i, TK_REVOKED);
	t->issued_by = (char *)db_get(res, i, TK_ISSUED_BY);
	t->last_used_at = db_get_int64(res, i, TK_LAST_USED);
}

/* n zeroed elements and n pointers to them; 0 on success (n may be 0). */
static int one_row(struct req *r, const struct db_result *res, const struct db_error *err)
{
	if (err != NULL) {
		req_db_error(r, err);
		return 0;
	}
	if (db_ntuples(res) != 1) {
		failed(r, "internal error");
		return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- startups */

static void put_startup_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Startup s;

	if (!one_row(r, res, err))
		return;
	startup_from_row(&s, res, 0);
	resp.body_case = RIGBOOK__RESPONSE__BODY_PUT_STARTUP;
	resp.put_startup = &s;
	req_reply(r, &resp);
}

void svc_put_startup(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__PutStartupRequest *q = msg->put_startup;
	char member[24];
	const char *params[9] = { member,	     q->code,	     str(q->name),
				  str(q->space_code), str(q->legal_name), str(q->credit_code),
				  str(q->address),    q->create_only ? "true" : "false", r->peer };

	if (!code_ok(r, q->code, 1, "startup, by its code", "code") ||
	    !code_ok(r, q->space_code, 0, "space, by its code", "space_code") ||
	    !field_text_ok(r, q->name, MAX_NAME, "a startup's name", "name") ||
	    !field_text_ok(r, q->legal_name, MAX_NAME, "a legal name", "legal_name") ||
	    !field_text_ok(r, q->credit_code, MAX_CODE, "a unified social credit code",
			   "credit_code") ||
	    !field_text_ok(r, q->address, MAX_ADDRESS, "an address", "address"))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_PUT_STARTUP, params, 9, put_startup_done);
}

static void list_startups_done(void *arg, const struct db_result *res,
			       const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListStartupsReply reply = RIGBOOK__LIST_STARTUPS_REPLY__INIT;
	Rigbook__Startup *rows;
	Rigbook__Startup **ptrs;
	void *mem;
	size_t n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = (size_t)db_ntuples(res);
	ptrs = msg_block(n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		startup_from_row(&rows[i], res, (int)i);
		ptrs[i] = &rows[i];
	}
	reply.n_startups = n;
	reply.startups = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_STARTUPS;
	resp.list_startups = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_startups(struct req *r, const Rigbook__Request *msg)
{
	char member[24];
	const char *params[1] = { member };

	(void)msg;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_STARTUPS, params, 1, list_startups_done);
}

static void get_startup_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__StartupDetail d = RIGBOOK__STARTUP_DETAIL__INIT;
	Rigbook__Startup s;
	Rigbook__Member *rows;
	Rigbook__Member **ptrs;
	void *mem;
	size_t n, k = 0;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = (size_t)db_ntuples(res);
	if (n == 0) {
		failed(r, "internal error");
		return;
	}
	ptrs = msg_block(n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	startup_from_row(&s, res, 0);
	for (size_t i = 0; i < n; i++) {
		if (db_isnull(res, (int)i, MB_ID))
			continue;
		ptrs[k] = &rows[k];
		member_from_row(ptrs[k++], res, (int)i);
	}
	d.startup = &s;
	d.n_members = k;
	d.members = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_GET_STARTUP;
	resp.get_startup = &d;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_get_startup(struct req *r, const Rigbook__Request *msg)
{
	const char *code = msg->get_startup->code;
	char member[24];
	const char *params[2] = { member, code };

	if (!code_ok(r, code, 1, "startup, by its code", "code"))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_GET_STARTUP, params, 2, get_startup_done);
}

/* ---------------------------------------------------------------- members */

static void member_done(struct req *r, const struct db_result *res, const struct db_error *err,
			Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Member m;

	if (!one_row(r, res, err))
		return;
	member_from_row(&m, res, 0);
	resp.body_case = body;
	if (body == RIGBOOK__RESPONSE__BODY_ADD_MEMBER)
		resp.add_member = &m;
	else
		resp.disable_member = &m;
	req_reply(r, &resp);
}

static void add_member_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	member_done(arg, res, err, RIGBOOK__RESPONSE__BODY_ADD_MEMBER);
}

void svc_add_member(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AddMemberRequest *q = msg->add_member;
	char member[24];
	const char *role;
	const char *params[9];

	if (!code_ok(r, q->handle, 1, "member, by a handle", "handle") ||
	    !code_ok(r, q->startup_code, 0, "startup, by its code", "startup_code") ||
	    !code_ok(r, q->institution_code, 0, "institution, by its code", "institution_code") ||
	    !code_ok(r, q->space_code, 0, "space, by its code", "space_code") ||
	    !field_text_ok(r, q->name, MAX_NAME, "a member's name", "name") ||
	    !field_text_ok(r, q->email, MAX_NAME, "an email address", "email"))
		return;
	switch (q->role) {
	case RIGBOOK__ROLE__ROLE_MEMBER:
	case RIGBOOK__ROLE__ROLE_MANAGER:
	case RIGBOOK__ROLE__ROLE_OPERATOR:
		role = rb_role_name(q->role);
		break;
	default:
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_role",
			  "a new member's role is member, manager or operator", "role", "what",
			  "new_member", NULL);
		return;
	}
	u64_param(member, r->sess.member_id);
	params[0] = member;
	params[1] = q->handle;
	params[2] = str(q->name);
	params[3] = str(q->email);
	params[4] = role;
	params[5] = str(q->startup_code);
	params[6] = str(q->institution_code);
	params[7] = str(q->space_code);
	params[8] = r->peer;
	req_query(r, STMT_ADD_MEMBER, params, 9, add_member_done);
}

static void list_members_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListMembersReply reply = RIGBOOK__LIST_MEMBERS_REPLY__INIT;
	Rigbook__Member *rows;
	Rigbook__Member **ptrs;
	void *mem;
	size_t n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = (size_t)db_ntuples(res);
	ptrs = msg_block(n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		member_from_row(&rows[i], res, (int)i);
		ptrs[i] = &rows[i];
	}
	reply.n_members = n;
	reply.members = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_MEMBERS;
	resp.list_members = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_members(struct req *r, const Rigbook__Request *msg)
{
	const char *code = msg->list_members->startup_code;
	char member[24];
	const char *params[2] = { member, NULL };

	if (!code_ok(r, code, 0, "startup, by its code", "startup_code"))
		return;
	if (code != NULL && code[0] != '\0')
		params[1] = code;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_MEMBERS, params, 2, list_members_done);
}

static void disable_member_done(void *arg, const struct db_result *res,
				const struct db_error *err)
{
	member_done(arg, res, err, RIGBOOK__RESPONSE__BODY_DISABLE_MEMBER);
}

void svc_disable_member(struct req *r, const Rigbook__Request *msg)
{
	const char *handle = msg->disable_member->handle;
	char member[24];
	const char *params[3] = { member, handle, r->peer };

	if (!code_ok(r, handle, 1, "member, by their handle", "handle"))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_DISABLE_MEMBER, params, 3, disable_member_done);
}

/* ---------------------------------------------------------------- tokens */

/*
 * The secret waits in the request for the answer; it is wiped before the
 * request is freed, and never logged or sent to the database.
 */
struct issue {
	struct req *r;
	char secret[TLS_TOKEN_LEN + 1];
};

static void issue_free(struct issue *is)
{
	memset(is->secret, 0, sizeof(is->secret));
	free(is);
}

static void issue_token_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct issue *is = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__IssueTokenReply reply = RIGBOOK__ISSUE_TOKEN_REPLY__INIT;
	Rigbook__Token t;

	if (one_row(is->r, res, err)) {
		token_from_row(&t, res, 0);
		reply.token = &t;
		reply.secret = is->secret;
		resp.body_case = RIGBOOK__RESPONSE__BODY_ISSUE_TOKEN;
		resp.issue_token = &reply;
		req_reply(is->r, &resp);
	}
	issue_free(is);
}

void svc_issue_token(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__IssueTokenRequest *q = msg->issue_token;
	struct issue *is;
	char member[24], expires[24], hex[65], hash[67];
	const char *params[6] = { member, q->member_handle, hash, NULL, str(q->label), r->peer };
	int code;

	if (!code_ok(r, q->member_handle, 1, "member the token is for, by their handle",
		     "member_handle") ||
	    !field_text_ok(r, q->label, MAX_NAME, "a token's label", "label"))
		return;
	if (q->expires_at < 0 || q->expires_at > MAX_TIME) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "a token's expiry is a time after 1970 and before the year 10000",
			  "expires_at", "what", "token_expiry", NULL);
		return;
	}
	is = calloc(1, sizeof(*is));
	if (is == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	is->r = r;
	if (tls_random_token(is->secret) != 0) {
		issue_free(is);
		failed(r, "no random bytes for a token");
		return;
	}
	tls_sha256_hex(is->secret, strlen(is->secret), hex);
	snprintf(hash, sizeof(hash), "\\x%s", hex);
	if (q->expires_at > 0) {
		snprintf(expires, sizeof(expires), "%" PRId64, q->expires_at);
		params[3] = expires;
	}
	u64_param(member, r->sess.member_id);
	code = db_query(STMT_ISSUE_TOKEN, params, 6, issue_token_done, is);
	if (code != 0) {
		issue_free(is);
		req_query_refused(r, code);
	}
}

static void list_tokens_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListTokensReply reply = RIGBOOK__LIST_TOKENS_REPLY__INIT;
	Rigbook__Token *rows;
	Rigbook__Token **ptrs;
	void *mem;
	size_t n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = (size_t)db_ntuples(res);
	ptrs = msg_block(n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		token_from_row(&rows[i], res, (int)i);
		ptrs[i] = &rows[i];
	}
	reply.n_tokens = n;
	reply.tokens = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_TOKENS;
	resp.list_tokens = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_tokens(struct req *r, const Rigbook__Request *msg)
{
	const char *handle = msg->list_tokens->member_handle;
	char member[24];
	const char *params[2] = { member, NULL };

	if (!code_ok(r, handle, 0, "member, by their handle", "member_handle"))
		return;
	if (handle != NULL && handle[0] != '\0')
		params[1] = handle;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_TOKENS, params, 2, list_tokens_done);
}

static void revoke_token_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Token t;

	if (!one_row(r, res, err))
		return;
	token_from_row(&t, res, 0);
	resp.body_case = RIGBOOK__RESPONSE__BODY_REVOKE_TOKEN;
	resp.revoke_token = &t;
	req_reply(r, &resp);
}

void svc_revoke_token(struct req *r, const Rigbook__Request *msg)
{
	uint64_t id = msg->revoke_token->token_id;
	char member[24], token[24];
	const char *params[3] = { member, token, r->peer };

	if (id == 0 || id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  id == 0 ? "field_required" : "invalid_id", "say which token, by its id",
			  "token_id", "what", "token", NULL);
		return;
	}
	u64_param(member, r->sess.member_id);
	snprintf(token, sizeof(token), "%" PRIu64, id);
	req_query(r, STMT_REVOKE_TOKEN, params, 3, revoke_token_done);
}

/* ---------------------------------------------------------------- client certificates */

static void cert_from_row(Rigbook__ClientCert *c, const struct db_result *res, int i)
{
	rigbook__client_cert__init(c);
	c->id = (uint64_t)db_get_int64(res, i, CC_ID);
	c->member_handle = (char *)db_get(res, i, CC_MEMBER);
	c->fingerprint = (char *)db_get(res, i, CC_FINGERPRINT);
	c->subject = (char *)db_get(res, i, CC_SUBJECT);
	c->label = (char *)db_get(res, i, CC_LABEL);
	c->created_at = db_get_int64(res, i, CC_CREATED);
	c->created_by = (char *)db_get(res, i, CC_CREATED_BY);
	c->revoked_at = db_get_int64(res, i, CC_REVOKED);
	c->revoked_by = (char *)db_get(res, i, CC_REVOKED_BY);
	c->last_used_at = db_get_int64(res, i, CC_LAST_USED);
}

/*
 * A fingerprint as the wire gives it (64 hex digits; colons between the
 * pairs and capitals are accepted, as openssl x509 -fingerprint prints it)
 * into "\\x" and 64 lowercase digits for the database.  Answers r and
 * returns 0 when it is not one.
 */
static int fingerprint_param(struct req *r, const char *fp, char out[67])
{
	size_t n = 0;

	if (fp == NULL || fp[0] == '\0') {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "field_required",
			  "say which certificate, by its SHA-256 fingerprint", "fingerprint",
			  "what", "fingerprint", NULL);
		return 0;
	}
	memcpy(out, "\\x", 2);
	for (const char *p = fp; *p != '\0'; p++) {
		char ch = *p;

		if (ch == ':' && n > 0 && n % 2 == 0 && p[1] != '\0')
			continue;
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) || n == 64) {
			n = 0;
			break;
		}
		out[2 + n++] = ch;
	}
	if (n != 64) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_fingerprint",
			  "a certificate's fingerprint is the SHA-256 of its DER encoding: 64 "
			  "hexadecimal digits",
			  "fingerprint", NULL);
		return 0;
	}
	out[66] = '\0';
	return 1;
}

static void cert_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ClientCert c;

	if (!one_row(r, res, err))
		return;
	cert_from_row(&c, res, 0);
	if (r->aux != 0) {
		resp.body_case = RIGBOOK__RESPONSE__BODY_REVOKE_CLIENT_CERT;
		resp.revoke_client_cert = &c;
	} else {
		resp.body_case = RIGBOOK__RESPONSE__BODY_ADD_CLIENT_CERT;
		resp.add_client_cert = &c;
	}
	req_reply(r, &resp);
}

void svc_add_client_cert(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AddClientCertRequest *q = msg->add_client_cert;
	char member[24], fp[67];
	const char *params[6] = { member, NULL, fp, str(q->subject), str(q->label), r->peer };

	if (!code_ok(r, q->member_handle, 0, "member the certificate is for, by their handle",
		     "member_handle") ||
	    !field_text_ok(r, q->label, MAX_NAME, "a certificate's label", "label") ||
	    !field_text_ok(r, q->subject, MAX_ADDRESS, "a certificate's subject", "subject") ||
	    !fingerprint_param(r, q->fingerprint, fp))
		return;
	if (q->member_handle != NULL && q->member_handle[0] != '\0')
		params[1] = q->member_handle;
	u64_param(member, r->sess.member_id);
	r->aux = 0;
	req_query(r, STMT_ADD_CLIENT_CERT, params, 6, cert_done);
}

static void list_certs_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListClientCertsReply reply = RIGBOOK__LIST_CLIENT_CERTS_REPLY__INIT;
	Rigbook__ClientCert *rows;
	Rigbook__ClientCert **ptrs;
	void *mem;
	size_t n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = (size_t)db_ntuples(res);
	ptrs = msg_block(n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		cert_from_row(&rows[i], res, (int)i);
		ptrs[i] = &rows[i];
	}
	reply.n_certs = n;
	reply.certs = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_CLIENT_CERTS;
	resp.list_client_certs = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_client_certs(struct req *r, const Rigbook__Request *msg)
{
	const char *handle = msg->list_client_certs->member_handle;
	char member[24];
	const char *params[2] = { member, NULL };

	if (!code_ok(r, handle, 0, "member, by their handle", "member_handle"))
		return;
	if (handle != NULL && handle[0] != '\0')
		params[1] = handle;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_CLIENT_CERTS, params, 2, list_certs_done);
}

void svc_revoke_client_cert(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__RevokeClientCertRequest *q = msg->revoke_client_cert;
	char member[24], id[24], fp[67];
	const char *params[4] = { member, NULL, NULL, r->peer };
	int by_fp = q->fingerprint != NULL && q->fingerprint[0] != '\0';

	if ((q->cert_id != 0) == by_fp) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  by_fp ? "cert_id_or_fingerprint" : "field_required",
			  "say which certificate: by its id or by its fingerprint, one of them",
			  "cert_id", "what", "cert_either", NULL);
		return;
	}
	if (q->cert_id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_id",
			  "say which certificate, by its id", "cert_id", "what", "cert",
			  NULL);
		return;
	}
	if (by_fp) {
		if (!fingerprint_param(r, q->fingerprint, fp))
			return;
		params[2] = fp;
	} else {
		params[1] = u64_param(id, q->cert_id);
	}
	u64_param(member, r->sess.member_id);
	r->aux = 1;
	req_query(r, STMT_REVOKE_CLIENT_CERT, params, 4, cert_done);
}
