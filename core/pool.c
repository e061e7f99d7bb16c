// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fork-join pool: the calling thread plus up to threads - 1 workers claim
 * task indices from one counter, in order, until the tasks run out or a
 * lower index has failed.
 *
 * The calling thread starts on task 0 at once. Workers only join in once
 * the run has lasted POOL_ENGAGE_NS, and only if the tasks are slow or
 * many are left: a thread costs more than a trivial task, and a worker
 * that has claimed one can be preempted on a busy machine, leaving the
 * caller waiting for it. So an object whose programs load in microseconds
 * is loaded by the caller alone, while programs that take the verifier
 * milliseconds each, or hundreds of quick ones, are loaded in parallel.
 *
 * The caller waits only for tasks a worker has claimed, never for a worker
 * that has not claimed one: workers are detached and the run's state is
 * freed by whoever leaves it last. The library's destructor wakes the
 * workers still alive and waits for them, so that none runs its code after
 * dlclose() and exit() is not held up by a sleeping one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pool.h"

/* Longer than a trivial object's loads, short next to verifying a loop. */
#define POOL_ENGAGE_NS	2000000L

struct pool {
	bc_pool_fn fn;
	void *ctx;
	size_t cnt;
	pthread_mutex_t lock;	/* guards all below */
	pthread_cond_t idle;	/* inflight fell to 0 */
	struct timespec engage;	/* CLOCK_MONOTONIC: workers wake then */
	size_t next;		/* next index to claim */
	size_t failed;		/* lowest failed index, cnt if none */
	size_t inflight;	/* claimed and not finished */
	size_t done;		/* finished */
	unsigned int refs;	/* the caller and the workers not gone yet */
	int err;		/* the error of failed */
};

/*
 * Workers alive in this process. They wait for their engage time on
 * live_cond, which the destructor broadcasts to send them off at once
 * before it waits there for the last one.
 */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cond;	/* CLOCK_MONOTONIC */
static unsigned int live_cnt;
static bool live_leaving;
static pthread_once_t live_once = PTHREAD_ONCE_INIT;

unsigned int bc_pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return min(n, (long)BC_POOL_MAX_THREADS);
}

static void live_cond_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&live_cond, &attr);
	pthread_condattr_destroy(&attr);
}

/* A child has only the thread that forked: no worker of ours. */
static void live_atfork_child(void)
{
	pthread_mutex_init(&live_lock, NULL);
	live_cond_init();
	live_cnt = 0;
}

static void live_init(void)
{
	live_cond_init();
	pthread_atfork(NULL, NULL, live_atfork_child);
}

static void live_add(int n)
{
	pthread_mutex_lock(&live_lock);
	live_cnt += n;
	if (!live_cnt)
		pthread_cond_broadcast(&live_cond);
	pthread_mutex_unlock(&live_lock);
}

/* Sleep until the engage time, or until the library goes away. */
static void live_sleep(const struct timespec *until)
{
	pthread_mutex_lock(&live_lock);
	while (!live_leaving &&
	       pthread_cond_timedwait(&live_cond, &live_lock, until) !=
	       ETIMEDOUT)
		;
	pthread_mutex_unlock(&live_lock);
}

__attribute__((destructor))
static void pool_fini(void)
{
	pthread_mutex_lock(&live_lock);
	if (live_cnt) {
		live_leaving = true;
		pthread_cond_broadcast(&live_cond);
	}
	while (live_cnt)
		pthread_cond_wait(&live_cond, &live_lock);
	pthread_mutex_unlock(&live_lock);
}

static bool pool_claimable(const struct pool *p)
{
	return p->next < p->cnt && p->next <= p->failed;
}

/*
 * Claim and run tasks in index order while there are any; called and
 * returns with the lock held. All below a claimed index were claimed.
 */
static void pool_drain(struct pool *p)
{
	size_t i;
	int err;

	while (pool_claimable(p)) {
		i = p->next++;
		p->inflight++;
		pthread_mutex_unlock(&p->lock);
		err = p->fn(p->ctx, i);
		pthread_mutex_lock(&p->lock);
		if (err && i < p->failed) {
			p->failed = i;
			p->err = err;
		}
		p->done++;
		if (!--p->inflight)
			pthread_cond_signal(&p->idle);
	}
}

/*
 * Is it worth joining in at the engage time? Yes if no task is done yet
 * (they are slow), or if at least as many remain unclaimed as the caller
 * finished by then: what is left would take it that long again.
 */
static bool pool_worth_joining(const struct pool *p)
{
	return !p->done || p->cnt - min(p->next, p->cnt) >= p->done;
}

/* Leave the run, unlocking it; the last one out frees it. */
static void pool_put(struct pool *p)
{
	bool last = !--p->refs;

	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static void *pool_worker(void *arg)
{
	struct pool *p = arg;

	/* The run is untouched until then: no lock traffic with the caller. */
	live_sleep(&p->engage);
	pthread_mutex_lock(&p->lock);
	if (pool_worth_joining(p))
		pool_drain(p);
	pool_put(p);
	live_add(-1);
	return NULL;
}

static struct pool *pool_new(size_t cnt, bc_pool_fn fn, void *ctx)
{
	struct pool *p;

	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->fn = fn;
	p->ctx = ctx;
	p->cnt = cnt;
	p->failed = cnt;
	p->refs = 1;
	clock_gettime(CLOCK_MONOTONIC, &p->engage);
	p->engage.tv_nsec += POOL_ENGAGE_NS;
	if (p->engage.tv_nsec >= 1000000000L) {
		p->engage.tv_sec++;
		p->engage.tv_nsec -= 1000000000L;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->idle, NULL);
	return p;
}

/*
 * Start up to n detached workers. Their references are taken before any
 * starts, as a worker may be done with the run before the next starts.
 */
static void pool_start(struct pool *p, unsigned int n)
{
	pthread_attr_t attr;
	unsigned int i;
	pthread_t tid;

	pthread_once(&live_once, live_init);
	p->refs += n;
	live_add(n);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++)
		if (pthread_create(&tid, &attr, pool_worker, p))
			break;
	pthread_attr_destroy(&attr);
	if (i == n)
		return;
	pr_debug("pool: cannot start thread %u of %u, continuing with %u\n",
		 i + 2, n + 1, i + 1);
	pthread_mutex_lock(&p->lock);
	p->refs -= n - i;
	pthread_mutex_unlock(&p->lock);
	live_add(-(int)(n - i));
}

/* One thread: strictly in order, stop at the first failure. */
static int pool_run_serial(size_t cnt, bc_pool_fn fn, void *ctx,
			   size_t *failed)
{
	size_t i;
	int err = 0;

	for (i = 0; i < cnt; i++) {
		err = fn(ctx, i);
		if (err)
			break;
	}
	if (failed)
		*failed = i;
	return err;
}

int bc_pool_run(size_t cnt, unsigned int threads, bc_pool_fn fn, void *ctx,
		size_t *failed)
{
	struct pool *p;
	int err;

	if (!threads)
		threads = bc_pool_default_threads();
	threads = min(threads, (unsigned int)BC_POOL_MAX_THREADS);
	if (threads > cnt)
		threads = cnt ? cnt : 1;
	if (threads == 1)
		return pool_run_serial(cnt, fn, ctx, failed);
	p = pool_new(cnt, fn, ctx);
	if (!p) {
		pr_debug("pool: out of memory, running on one thread\n");
		return pool_run_serial(cnt, fn, ctx, failed);
	}
	pool_start(p, threads - 1);
	pthread_mutex_lock(&p->lock);
	pool_drain(p);
	/* Wait for the tasks in flight, not for workers yet to claim one. */
	while (p->inflight)
		pthread_cond_wait(&p->idle, &p->lock);
	if (failed)
		*failed = p->failed;
	err = p->err;
	pool_put(p);
	return err;
}
