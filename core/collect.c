// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the descriptor-driven collector. */
#include "object.h"

int bc_collect(struct bc_object *obj) { return -EOPNOTSUPP; }
