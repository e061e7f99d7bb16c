// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fork-join pool: the calling thread plus up to threads - 1 workers claim
 * task indices from one counter, in order, until the tasks run out or a
 * lower index has failed.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "internal.h"
#include "pool.h"

struct pool {
	bc_pool_fn fn;
	void *ctx;
	size_t cnt;
	atomic_size_t next;	/* next index to claim */
	pthread_mutex_t lock;	/* guards the two fields below */
	size_t failed;		/* lowest failed index, cnt if none */
	int err;		/* its error */
};

unsigned int bc_pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return min(n, (long)BC_POOL_MAX_THREADS);
}

static size_t pool_failed(struct pool *p)
{
	size_t failed;

	pthread_mutex_lock(&p->lock);
	failed = p->failed;
	pthread_mutex_unlock(&p->lock);
	return failed;
}

static void pool_fail(struct pool *p, size_t i, int err)
{
	pthread_mutex_lock(&p->lock);
	if (i < p->failed) {
		p->failed = i;
		p->err = err;
	}
	pthread_mutex_unlock(&p->lock);
}

static void *pool_work(void *arg)
{
	struct pool *p = arg;
	size_t i;
	int err;

	for (;;) {
		i = atomic_fetch_add(&p->next, 1);
		/* Indices are claimed in order: all below i were started. */
		if (i >= p->cnt || i > pool_failed(p))
			break;
		err = p->fn(p->ctx, i);
		if (err)
			pool_fail(p, i, err);
	}
	return NULL;
}

int bc_pool_run(size_t cnt, unsigned int threads, bc_pool_fn fn, void *ctx,
		size_t *failed)
{
	struct pool p = {
		.fn = fn,
		.ctx = ctx,
		.cnt = cnt,
		.failed = cnt,
	};
	pthread_t tids[BC_POOL_MAX_THREADS];
	unsigned int i, started = 0;

	if (!threads)
		threads = bc_pool_default_threads();
	threads = min(threads, (unsigned int)BC_POOL_MAX_THREADS);
	if (threads > cnt)
		threads = cnt ? cnt : 1;
	atomic_init(&p.next, 0);
	pthread_mutex_init(&p.lock, NULL);
	for (i = 1; i < threads; i++) {
		if (pthread_create(&tids[started], NULL, pool_work, &p)) {
			pr_debug("pool: cannot start thread %u of %u, continuing with %u\n",
				 i + 1, threads, started + 1);
			break;
		}
		started++;
	}
	pool_work(&p);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&p.lock);
	if (failed)
		*failed = p.failed;
	return p.err;
}
