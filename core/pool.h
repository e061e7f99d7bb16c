/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small fork-join pool for independent, index-ordered tasks (program
 * loads: the kernel verifies programs concurrently, one per thread).
 *
 * Deterministic by construction: tasks are claimed in index order, and
 * after a task fails no higher index is started. So every index below the
 * lowest failure has run, exactly what a sequential run stopping at its
 * first failure would have reached; tasks above it may or may not have
 * run, and the caller discards them.
 */
#ifndef __BC_POOL_H
#define __BC_POOL_H

#include <stddef.h>

/* Runs task i; returns 0 or a negative errno. */
typedef int (*bc_pool_fn)(void *ctx, size_t i);

/* Upper bound on threads, whatever was asked for. */
#define BC_POOL_MAX_THREADS	64

/* Online CPUs, at least 1, at most BC_POOL_MAX_THREADS. */
unsigned int bc_pool_default_threads(void);

/*
 * Run fn(ctx, i) for i in [0, cnt) on up to threads threads (0: online
 * CPUs; 1: strictly in order on the calling thread). The calling thread
 * starts at once; the others join in only when the tasks turn out slow or
 * many (so quick ones all run on the caller); if a thread cannot be
 * created, fewer threads do the work.
 * Returns 0, or the error of the lowest failing index; *failed (if not
 * NULL) is set to that index, or to cnt if nothing failed.
 */
int bc_pool_run(size_t cnt, unsigned int threads, bc_pool_fn fn, void *ctx,
		size_t *failed);

#endif /* __BC_POOL_H */
