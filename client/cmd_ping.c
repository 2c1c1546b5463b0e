/* ping: one round trip to the server. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "i18n.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmd_ping_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__Ping ping = RIGBOOK__PING__INIT;
	Rigbook__Response *resp;
	struct out_json j;
	double t0, ms;
	int64_t server_time;
	int rc;

	rc = cmd_connect(ctx);
	if (rc != CMD_OK)
		return rc;
	req.body_case = RIGBOOK__REQUEST__BODY_PING;
	req.ping = &ping;
	t0 = now_ms();
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_PONG, &resp);
	if (rc != CMD_OK)
		return rc;
	ms = now_ms() - t0;
	server_time = resp->pong != NULL ? resp->pong->server_time : 0;
	rigbook__response__free_unpacked(resp, NULL);
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_string(&j, "server", rbc_peer(ctx->conn));
		out_json_key(&j, "rtt_ms");
		out_json_fixed(&j, ms, 3);
		out_json_kv_int(&j, "server_time", server_time);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		printf(_("pong from %s in %.2f ms\n"), rbc_peer(ctx->conn), ms);
	}
	return CMD_OK;
}

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.usage = "",
	.summary = N_("measure one round trip to the server"),
	.options = NULL,
	.lower = 0,
	.upper = 0,
	.exec = cmd_ping_exec,
};
