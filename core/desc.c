// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the YAML descriptor reader. */
#include "internal.h"
#include "desc.h"

int bc_desc_parse(const char *text, size_t len, const char *origin, struct bc_desc **out) { return -EOPNOTSUPP; }
int bc_desc_parse_file(const char *path, struct bc_desc **out) { return -EOPNOTSUPP; }
void bc_desc_free(struct bc_desc *desc) { }
bool bc_desc_match(const struct bc_desc_match *m, const char *name, const char **rest) { return false; }
const struct bc_desc_prog_rule *bc_desc_find_rule(const struct bc_desc *desc, const char *sec_name, const char **rest) { return NULL; }
const struct bc_desc_pin *bc_desc_pin_for(const struct bc_desc *desc, __u32 value) { return NULL; }
const struct bc_desc_field *bc_desc_field(const struct bc_desc *desc, const char *name) { return NULL; }
