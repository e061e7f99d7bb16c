/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers shared by the Check unit tests. */
#ifndef __BC_TESTUTIL_H
#define __BC_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* Run one suite; returns the process exit code (0 = all passed). */
int bc_test_run(Suite *s);

/* Read a whole file into a malloc'd buffer; NULL on error. */
void *bc_test_read_file(const char *path, size_t *size);

/* Path of a compiled corpus object: <build>/conformance/<rel>. */
const char *bc_test_corpus(const char *rel);

/* Silence library logging (or capture it into a buffer readable via
 * bc_test_log()). */
void bc_test_quiet(void);
void bc_test_capture_log(void);
const char *bc_test_log(void);

#endif
