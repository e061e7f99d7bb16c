// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by plan + kernel backend. */
#include "load.h"

int bc_plan_build(struct bc_object *obj, const struct bc_load_opts *opts, struct bc_plan *plan) { return -EOPNOTSUPP; }
void bc_plan_free(struct bc_plan *plan) { }
int bc_plan_render(struct bc_object *obj, const struct bc_plan *plan) { return -EOPNOTSUPP; }
int bc_kernel_exec(struct bc_object *obj, const struct bc_plan *plan, const struct bc_load_opts *opts) { return -EOPNOTSUPP; }
int bc_pin_join(const char *root, const char *rel, const char *what, char **out) { return -EOPNOTSUPP; }
int bc_object__load(struct bc_object *obj, const struct bc_load_opts *opts) { return -EOPNOTSUPP; }
