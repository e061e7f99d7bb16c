/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Plan, then act. bc_plan_build() resolves everything that needs no
 * syscall (pin paths, creation order, program set, slot inserts) into a
 * struct bc_plan; a backend executes it. The dry-run backend only renders
 * it; the kernel backend runs it and rolls back on the first failure.
 */
#ifndef __BC_LOAD_H
#define __BC_LOAD_H

#include "object.h"

enum bc_step_kind {
	BC_STEP_MAP,		/* reuse the pin if compatible, else create
				 * (+ fill, freeze, pin) */
	BC_STEP_PROG,		/* BPF_PROG_LOAD with fixups applied */
	BC_STEP_INIT,		/* map slot insert (tail call, inner map) */
	BC_STEP_PIN_PROG,	/* pin a program under --pin-progs */
};

struct bc_step {
	enum bc_step_kind kind;
	size_t idx;		/* map, prog or init index */
	char *path;		/* pin path for MAP / PIN_PROG, else NULL */
};

struct bc_plan {
	char *bpffs;		/* resolved bpffs root */
	struct bc_step *steps;
	size_t cnt, cap;
	size_t path_cnt;	/* steps with a path to free */
	/*
	 * One allocation: room for a kept copy of this struct (a dry run's
	 * obj->plan_pending), then the steps until they outgrow it.
	 */
	void *mem;
};

int bc_plan_build(struct bc_object *obj, const struct bc_load_opts *opts,
		  struct bc_plan *plan);
void bc_plan_free(struct bc_plan *plan);

/* Render the plan into obj->plan (the dry-run backend). */
int bc_plan_render(struct bc_object *obj, const struct bc_plan *plan);
/*
 * A dry run keeps its plan in obj->plan_pending: most callers never read
 * the rendered steps. These render it on first use, or drop it.
 */
int bc_plan_render_pending(struct bc_object *obj);
void bc_plan_drop_pending(struct bc_object *obj);

/* Execute the plan against the kernel, all or nothing. */
int bc_kernel_exec(struct bc_object *obj, const struct bc_plan *plan,
		   const struct bc_load_opts *opts);

/*
 * Pin-path confinement: join root and rel into *out, refusing empty
 * components, "." and "..", NULs and over-long results. Returns 0 or
 * -BC_ERRNO__PIN with a message naming what.
 */
int bc_pin_join(const char *root, const char *rel, const char *what,
		char **out);

#endif /* __BC_LOAD_H */
