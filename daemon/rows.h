/*
 * Turning result rows into wire messages.  Strings point into the result,
 * so a message built here is valid only inside the query callback; what
 * has to be allocated (arrays) comes from an arena freed after the reply.
 */
#ifndef RIGBOOKD_ROWS_H
#define RIGBOOKD_ROWS_H

#include <stddef.h>

#include "db.h"
#include "rigbook.pb-c.h"

struct arena {
	void **blocks;
	size_t n, cap;
	int failed;
};

void *arena_alloc(struct arena *a, size_t size); /* zeroed; NULL and a->failed on failure */

/*
 * For a repeated message field: n pointers followed by the n zeroed messages
 * of size bytes they will point to, in one allocation that one free() of the
 * returned pointer array releases.  *msgs is where the messages begin.  NULL
 * when n is 0 or memory is short.
 */
void *msg_block(size_t n, size_t ptr_size, size_t size, void **msgs);
void arena_free(struct arena *a);

/* The resource columns of row i (RES_*: resource_view / rb_res_row). */
void resource_from_row(struct arena *a, Rigbook__Resource *x, const struct db_result *res, int i);

/* The booking columns (BC_*) of row i. */
void booking_from_row(Rigbook__Booking *b, const struct db_result *res, int i);

/* A closure from a tagged 'closure' row (DCL_*). */
void closure_from_detail_row(Rigbook__Closure *c, const struct db_result *res, int i);

/* A ResourceDetail from the tagged rows of rb_resource_detail. */
void detail_from_rows(struct arena *a, Rigbook__ResourceDetail *d, Rigbook__Resource *r,
		      const struct db_result *res);

#endif
