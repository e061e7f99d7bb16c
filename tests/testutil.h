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

/* Why kernel tests cannot run here (not root, no bpf()), or NULL. */
const char *bc_test_kernel_missing(void);

/* Register a user dialect from YAML text, through a temporary file. */
int bc_test_register_dialect(const char *yaml);

/*
 * A private bpffs for kernel tests. bc_test_bpffs_init() makes the
 * directory in the runner (an unchecked fixture), which outlives a test
 * that fails or dies while mounted; bc_test_bpffs_mount()/_umount() give
 * each test a fresh mount below it (a checked fixture); _fini() removes
 * it all. Returns the mount path.
 */
const char *bc_test_bpffs_init(const char *name);
void bc_test_bpffs_fini(void);
void bc_test_bpffs_mount(void);
void bc_test_bpffs_umount(void);

#endif
