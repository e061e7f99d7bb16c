// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the dialect registry and detection. */
#include "dialect.h"

int bc_evidence_add(struct bc_evidence *ev, int score, const char *fmt, ...) { return 0; }
int bc_dialects_init(void) { return 0; }
const struct bc_dialect *bc_dialect_first(void) { return NULL; }
int bc_dialect_score(const struct bc_dialect *d, const struct bc_elf *elf, struct bc_evidence *ev) { return 0; }
void bc_evidence_free(struct bc_evidence *ev) { }
const struct bc_dialect *bc_dialect__next(const struct bc_dialect *prev) { return NULL; }
const struct bc_dialect *bc_dialect__find(const char *name) { return NULL; }
const char *bc_dialect__name(const struct bc_dialect *d) { return NULL; }
const char *bc_dialect__summary(const struct bc_dialect *d) { return NULL; }
const char *bc_dialect__origin(const struct bc_dialect *d) { return NULL; }
int bc_dialect__register_file(const char *path) { return -EOPNOTSUPP; }
struct bc_detection *bc_detect_mem(const void *buf, size_t size) { return NULL; }
struct bc_detection *bc_detect_file(const char *path) { return NULL; }
void bc_detection__free(struct bc_detection *det) { }
size_t bc_detection__cnt(const struct bc_detection *det) { return 0; }
const struct bc_dialect *bc_detection__dialect(const struct bc_detection *det, size_t i) { return NULL; }
int bc_detection__score(const struct bc_detection *det, size_t i) { return 0; }
size_t bc_detection__evidence_cnt(const struct bc_detection *det, size_t i) { return 0; }
const char *bc_detection__evidence(const struct bc_detection *det, size_t i, size_t j) { return NULL; }
