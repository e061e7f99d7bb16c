// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The C hook tables compiled into the engine. A descriptor binds one by
 * name ("hooks: tc"); the engine never refers to a dialect otherwise.
 */
#include "dialect.h"

const struct bc_dialect_ops *const bc_builtin_ops[] = {
	NULL,
};

const size_t bc_builtin_ops_cnt = ARRAY_SIZE(bc_builtin_ops) - 1;
