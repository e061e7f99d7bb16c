// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the relocation engine. */
#include "object.h"

int bc_reloc(struct bc_object *obj) { return -EOPNOTSUPP; }
