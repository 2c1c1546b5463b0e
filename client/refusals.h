/*
 * A refusal in words from its reason and named arguments (Error.reason,
 * Error.args), through one table of templates (refusals.c) whose words come
 * from the catalogue in the reader's language; a refusal whose reason has no
 * template, lacks an argument its template names, or whose message holds the
 * template's English and more, is its message.
 */
#ifndef RIGBOOK_REFUSALS_H
#define RIGBOOK_REFUSALS_H

#include <stddef.h>

#include "rigbook.pb-c.h"

/*
 * One template: the English of a reason, its arguments named as %{name}.
 * A row with when_arg applies only when that argument has the value
 * when_value; the first row that applies to a refusal and whose arguments
 * it has is used (rows of one guard told apart by what they name), else
 * the first that applies.
 */
struct refusal_template {
	const char *reason;
	const char *when_arg, *when_value;
	const char *text;
};

extern const struct refusal_template refusal_templates[];
extern const size_t refusal_ntemplates;

/* The template row for e (NULL when none applies), whatever its message says. */
const struct refusal_template *refusal_template_for(const Rigbook__Error *e);

/*
 * e in words into buf (len bytes, NUL-terminated): the template filled in
 * with e's arguments, returning 0; or, when there is no template, an
 * argument is missing or the text does not fit, e's message (or "" when it
 * has none), returning -1.
 */
int refusal_render(const Rigbook__Error *e, char *buf, size_t len);

/*
 * As refusal_render, but the message is returned as it is (not cut to a
 * buffer); a rendered template is in a buffer of the calling thread, valid
 * until its next call there.  Never NULL.
 */
const char *refusal_text(const Rigbook__Error *e);

#endif
