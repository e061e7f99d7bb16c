/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* perf dialect internals shared by perf.c and prologue.c. */
#ifndef __BC_PERF_H
#define __BC_PERF_H

#include "object.h"

#define PERF_PROLOGUE_MAX_ARGS	3	/* r3..r5 */
#define PERF_ARG_MAX_REFS	8

/* One link of a variable chain: "->name" (arrow) or ".name". */
struct perf_member {
	bool arrow;
	char *name;
};

/* A probe ARG in perf probe syntax, parsed but not resolved. */
struct perf_arg {
	char *base;			/* register without '%', or variable */
	bool is_reg;
	long offs[PERF_ARG_MAX_REFS];	/* +OFF(...) dereferences, inner first */
	size_t nref;
	struct perf_member members[PERF_ARG_MAX_REFS];
	size_t nmem;
	bool user;			/* @user: probe_read_user */
	unsigned int bits;		/* :TYPE width, 0 if none */
};

/* Returns 0 or a negative code for perf_arg_error(). */
int perf_arg_parse(const char *text, struct perf_arg *a);
const char *perf_arg_error(int err);
void perf_arg_free(struct perf_arg *a);

/* post_reloc hook: prepend perf's prologue to probes with args. */
int perf_prologue(struct bc_object *obj, struct bc_prog *prog);

#endif /* __BC_PERF_H */
