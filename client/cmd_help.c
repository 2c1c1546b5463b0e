/* help: the command list, or one command's usage. */
#include <stdio.h>

#include "cmd.h"
#include "i18n.h"

static int cmd_help_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const struct cmd_entry *e;
	char err[256];

	if (args->npos == 0) {
		cmd_main_usage(stdout);
		return CMD_OK;
	}
	e = cmd_find(args->pos[0], err, sizeof(err));
	if (e == NULL) {
		fprintf(stderr, _("rigbook: %s\n"), err);
		return CMD_USAGE;
	}
	cmd_print_help(stdout, e);
	return CMD_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = N_("show the commands, or how to use one"),
	.options = NULL,
	.lower = 0,
	.upper = 1,
	.exec = cmd_help_exec,
};
