// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* core/pool: every task runs once; a failure stops exactly what it must. */
#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>

#include "testutil.h"
#include "internal.h"
#include "pool.h"

#define TASKS 200

struct ctx {
	atomic_int runs[TASKS];
	int fail_at[3];		/* indices that fail, -1: none */
};

static int task(void *arg, size_t i)
{
	struct ctx *c = arg;
	size_t k;

	atomic_fetch_add(&c->runs[i], 1);
	/* Let the other threads overtake now and then. */
	if (i % 7 == 0)
		usleep(100);
	for (k = 0; k < ARRAY_SIZE(c->fail_at); k++)
		if ((int)i == c->fail_at[k])
			return -(int)(100 + k);
	return 0;
}

static void ctx_init(struct ctx *c, int a, int b, int d)
{
	size_t i;

	for (i = 0; i < TASKS; i++)
		atomic_init(&c->runs[i], 0);
	c->fail_at[0] = a;
	c->fail_at[1] = b;
	c->fail_at[2] = d;
}

START_TEST(test_all_run_once)
{
	static const unsigned int threads[] = { 0, 1, 2, 3, 8, 1000 };
	struct ctx c;
	size_t i, failed;

	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		size_t t;

		ctx_init(&c, -1, -1, -1);
		ck_assert_int_eq(bc_pool_run(TASKS, threads[i], task, &c,
					     &failed), 0);
		ck_assert_uint_eq(failed, TASKS);
		for (t = 0; t < TASKS; t++)
			ck_assert_int_eq(atomic_load(&c.runs[t]), 1);
	}
}
END_TEST

/* The lowest failure wins, whichever thread hit it first. */
START_TEST(test_lowest_failure)
{
	static const unsigned int threads[] = { 1, 2, 4 };
	struct ctx c;
	size_t i, t, failed;
	int err;

	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		ctx_init(&c, 150, 60, 61);
		err = bc_pool_run(TASKS, threads[i], task, &c, &failed);
		ck_assert_int_eq(err, -101);
		ck_assert_uint_eq(failed, 60);
		/* All below the failure ran, as in a sequential run. */
		for (t = 0; t <= 60; t++)
			ck_assert_int_eq(atomic_load(&c.runs[t]), 1);
		for (t = 61; t < TASKS; t++)
			ck_assert_int_le(atomic_load(&c.runs[t]), 1);
		/* One thread: strictly in order, nothing after it. */
		for (t = 61; threads[i] == 1 && t < TASKS; t++)
			ck_assert_int_eq(atomic_load(&c.runs[t]), 0);
	}
}
END_TEST

START_TEST(test_empty)
{
	size_t failed = 1;

	ck_assert_int_eq(bc_pool_run(0, 0, task, NULL, &failed), 0);
	ck_assert_uint_eq(failed, 0);
	ck_assert_uint_ge(bc_pool_default_threads(), 1);
	ck_assert_uint_le(bc_pool_default_threads(), BC_POOL_MAX_THREADS);
}
END_TEST

/*
 * A slow task: a worker takes over the next ones meanwhile. Task 0 waits
 * (up to a minute) for task 1 to run elsewhere, so a pool that only ran
 * tasks on the calling thread would fail, not hang.
 */
static atomic_int second_done;

static int slow_first(void *arg, size_t i)
{
	int n;

	(void)arg;
	if (i == 1)
		atomic_store(&second_done, 1);
	for (n = 0; i == 0 && !atomic_load(&second_done) && n < 60000; n++)
		usleep(1000);
	return i == 0 && !atomic_load(&second_done) ? -ETIMEDOUT : 0;
}

START_TEST(test_worker_takes_over)
{
	size_t failed;

	atomic_init(&second_done, 0);
	ck_assert_int_eq(bc_pool_run(4, 2, slow_first, NULL, &failed), 0);
	ck_assert_uint_eq(failed, 4);
}
END_TEST

/* Many short runs: workers outlive their run and must not trip on it. */
START_TEST(test_short_runs)
{
	struct ctx c;
	size_t r, t, failed;

	for (r = 0; r < 300; r++) {
		ctx_init(&c, r % 3 ? -1 : 1, -1, -1);
		bc_pool_run(3, 2, task, &c, &failed);
		ck_assert_uint_eq(failed, r % 3 ? 3 : 1);
		for (t = 0; t <= 1; t++)
			ck_assert_int_eq(atomic_load(&c.runs[t]), 1);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_all_run_once);
	tcase_add_test(tc, test_lowest_failure);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_worker_takes_over);
	tcase_add_test(tc, test_short_runs);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
