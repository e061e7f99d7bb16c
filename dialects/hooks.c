// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The C hook tables compiled into the engine. A descriptor binds one by
 * name ("hooks: tc"); the engine never refers to a dialect otherwise.
 */
#include "dialect.h"

extern const struct bc_dialect_ops bc_tc_ops;
extern const struct bc_dialect_ops bc_gobpf_ops;
extern const struct bc_dialect_ops bc_libbpf_ops;
extern const struct bc_dialect_ops bc_perf_ops;
extern const struct bc_dialect_ops bc_cilium_ops;

const struct bc_dialect_ops *const bc_builtin_ops[] = {
	&bc_tc_ops,
	&bc_gobpf_ops,
	&bc_libbpf_ops,
	&bc_perf_ops,
	&bc_cilium_ops,
	NULL,
};

const size_t bc_builtin_ops_cnt = ARRAY_SIZE(bc_builtin_ops) - 1;
