// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gobpf dialect through the library: perf event arrays filled with one
 * BPF_OUTPUT event per online CPU for as long as the object lives (the
 * kernel clears them when the loader's map fd goes, so the CLI cannot show
 * it), the open parameters, and rollback of a failed perf fill. Every test
 * runs in its own private bpffs mount.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "bpfcompat.h"
#include "testutil.h"

static const char *bpffs;

static void top_setup(void)
{
	bpffs = bc_test_bpffs_init("gobpf");
}

static void setup(void)
{
	bc_test_quiet();
	bc_test_bpffs_mount();
}

static struct bc_object *open_tracer(const char *param)
{
	const char *params[] = { param };
	BC_OPTS(bc_open_opts, o, .params = params, .param_cnt = !!param);
	struct bc_object *obj;

	obj = bc_object__open_file(bc_test_corpus("gobpf/tracer.o"), &o);
	ck_assert_msg(obj, "open tracer.o: %s", bc_test_log());
	return obj;
}

static int load(struct bc_object *obj)
{
	BC_OPTS(bc_load_opts, o, .bpffs = bpffs);

	return bc_object__load(obj, &o);
}

/* Run perf_probe once; return what bpf_perf_event_output() returned. */
static long long perf_output_ret(struct bc_object *obj)
{
	struct bc_prog *prog = bc_object__find_prog(obj, "socket/perf_probe");
	struct bc_map *res = bc_object__find_map(obj, "result");
	char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt,
		    .data_size_in = sizeof(pkt));
	long long ret = 1;
	__u32 key = 0;

	ck_assert_ptr_nonnull(prog);
	ck_assert_ptr_nonnull(res);
	ck_assert_int_eq(bpf_prog_test_run_opts(bc_prog__fd(prog), &t), 0);
	ck_assert_int_eq(bpf_map_lookup_elem(bc_map__fd(res), &key, &ret), 0);
	return ret;
}

START_TEST(perf_array_filled)
{
	struct bc_object *obj = open_tracer(NULL);

	ck_assert_int_eq(load(obj), 0);
	ck_assert_int_eq(perf_output_ret(obj), 0);
	bc_object__close(obj);
}
END_TEST

START_TEST(perf_array_skipped)
{
	struct bc_object *obj = open_tracer("skip-perf-init=events");

	ck_assert_int_eq(load(obj), 0);
	ck_assert_int_eq(perf_output_ret(obj), -ENOENT);
	bc_object__close(obj);
}
END_TEST

/* gobpf keeps max_entries: fewer slots than online CPUs fails the load. */
START_TEST(perf_array_too_small)
{
	struct bc_object *obj = open_tracer("max-entries=events=1");
	char path[256];
	struct stat st;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		bc_object__close(obj);
		return;
	}
	ck_assert_int_eq(load(obj), -E2BIG);
	snprintf(path, sizeof(path), "%s/tracer", bpffs);
	ck_assert_msg(stat(path, &st), "%s left behind", path);
	bc_object__close(obj);
}
END_TEST

static int open_err(const char *param)
{
	const char *params[] = { param };
	BC_OPTS(bc_open_opts, o, .params = params, .param_cnt = 1);
	struct bc_object *obj;

	obj = bc_object__open_file(bc_test_corpus("gobpf/tracer.o"), &o);
	if (obj) {
		bc_object__close(obj);
		return 0;
	}
	return -errno;
}

START_TEST(params_checked)
{
	ck_assert_int_eq(open_err("pin-path=events=a/b"), 0);
	ck_assert_int_eq(open_err("pin-path=nosuch=a/b"), -BC_ERRNO__PARAM);
	ck_assert_int_eq(open_err("pin-path=events=/abs"), -BC_ERRNO__PARAM);
	ck_assert_int_eq(open_err("pin-path=events"), -BC_ERRNO__PARAM);
	ck_assert_int_eq(open_err("max-entries=events=0"), -BC_ERRNO__PARAM);
	ck_assert_int_eq(open_err("max-entries=events=x"), -BC_ERRNO__PARAM);
	ck_assert_int_eq(open_err("skip-perf-init=nosuch"), -BC_ERRNO__PARAM);
	ck_assert_int_eq(open_err("mode=act"), -BC_ERRNO__PARAM);
}
END_TEST

START_TEST(max_entries_override)
{
	struct bc_object *obj = open_tracer("max-entries=conns=77");

	ck_assert_uint_eq(bc_map__max_entries(bc_object__find_map(obj,
								  "conns")),
			  77);
	bc_object__close(obj);
}
END_TEST

static Suite *gobpf_suite(void)
{
	Suite *s = suite_create("gobpf");
	TCase *tc = tcase_create("kernel");

	tcase_add_unchecked_fixture(tc, top_setup, bc_test_bpffs_fini);
	tcase_add_checked_fixture(tc, setup, bc_test_bpffs_umount);
	tcase_add_test(tc, perf_array_filled);
	tcase_add_test(tc, perf_array_skipped);
	tcase_add_test(tc, perf_array_too_small);
	tcase_add_test(tc, params_checked);
	tcase_add_test(tc, max_entries_override);
	suite_add_tcase(s, tc);
	return s;
}

static const char *kernel_missing(void)
{
	const char *why = bc_test_kernel_missing();

	if (why)
		return why;
	if (access(bc_test_corpus("gobpf/tracer.o"), R_OK))
		return "gobpf corpus not built (needs clang)";
	return NULL;
}

int main(void)
{
	const char *why = kernel_missing();

	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	return bc_test_run(gobpf_suite());
}
