// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * perf objects attached for real: a tracepoint program counting openat()
 * and uprobes with perf's prologue on the corpus's target binary, read
 * back through their maps; probe events gone after detach; kprobes fail
 * clearly where the kernel has none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <bpf/bpf.h>

#include "bpfcompat.h"
#include "testutil.h"

static struct bc_object *open_loaded(const char *rel)
{
	struct bc_object *obj;

	obj = bc_object__open_file(bc_test_corpus(rel), NULL);
	ck_assert_msg(obj, "open %s: %s", rel, bc_test_log());
	ck_assert_msg(!bc_object__load(obj, NULL), "load %s: %s", rel,
		      bc_test_log());
	return obj;
}

static __u64 lookup(struct bc_object *obj, const char *map, __u32 key)
{
	__u64 v = ~0ULL;

	ck_assert_int_eq(bpf_map_lookup_elem(
		bc_map__fd(bc_object__find_map(obj, map)), &key, &v), 0);
	return v;
}

/*
 * Probe events are global to the kernel, whichever tracefs mount shows
 * them; read them through a mount of our own so the answer does not
 * depend on where (or whether) the system mounted tracefs.
 */
static bool probe_events_left(void)
{
	char dir[] = "/tmp/bc_tracefs_XXXXXX", path[64], buf[4096] = "";
	ssize_t n = 0;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(mount("nodev", dir, "tracefs", 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/uprobe_events", dir);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, "perf_bpf_probe/") != NULL;
}

START_TEST(tracepoint_counts)
{
	struct bc_object *obj = open_loaded("perf/tp.o");
	const struct bc_prog *prog;
	int fd;

	ck_assert_msg(!bc_object__attach(obj, NULL), "%s", bc_test_log());
	/* '!' programs are loaded, not attached. */
	ck_assert_uint_eq(bc_object__link_cnt(obj), 1);
	ck_assert_str_eq(bc_object__link(obj, 0, &prog),
			 "syscalls:sys_enter_openat");
	ck_assert_str_eq(bc_prog__name(prog), "tp_openat");
	ck_assert_int_eq(bc_prog__fd(bc_object__find_prog(obj,
							  "not_attached")) >= 0,
			 1);
	ck_assert_int_eq(bc_object__attach(obj, NULL), -EBUSY);
	fd = open("/proc/self/status", O_RDONLY);
	close(fd);
	ck_assert_uint_ge(lookup(obj, "counts", 0), 1);
	ck_assert_int_eq(bc_object__detach(obj), 0);
	ck_assert_uint_eq(bc_object__link_cnt(obj), 0);
	bc_object__close(obj);
}
END_TEST

static int run_tgt(void)
{
	char *argv[] = { NULL, NULL };
	int status;
	pid_t pid;

	argv[0] = (char *)bc_test_corpus("perf/tgt");
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(uprobe_args)
{
	struct bc_object *obj = open_loaded("perf/uprobe.o");

	ck_assert_msg(!bc_object__attach(obj, NULL), "%s", bc_test_log());
	ck_assert_uint_eq(bc_object__link_cnt(obj), 4);
	ck_assert_int_eq(run_tgt(), 0);
	/* up_fast: %di %si; foo(42, &p) */
	ck_assert_uint_eq(lookup(obj, "seen", 0), 42);
	ck_assert_uint_eq(lookup(obj, "seen", 1), 0);
	/* up_user: a=%di y=+8(%si)@user; foo(43, &p) with p.y = 430 */
	ck_assert_uint_eq(lookup(obj, "seen", 2), 43);
	ck_assert_uint_eq(lookup(obj, "seen", 3), 430);
	ck_assert_uint_eq(lookup(obj, "seen", 4), 0);
	/* up_ret: foo%return */
	ck_assert_uint_eq(lookup(obj, "seen", 5), 1);
	ck_assert(probe_events_left());
	/* Closing detaches: the probe events go too. */
	bc_object__close(obj);
	ck_assert(!probe_events_left());
}
END_TEST

START_TEST(kprobe_clear_error)
{
	struct bc_object *obj;

	if (!access("/sys/kernel/tracing/kprobe_events", F_OK))
		return;		/* this kernel has kprobes */
	obj = open_loaded("perf/kprobe.o");
	ck_assert_int_eq(bc_object__attach(obj, NULL), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "CONFIG_KPROBE_EVENTS"));
	bc_object__close(obj);
}
END_TEST

static void setup(void)
{
	bc_test_capture_log();
}

static Suite *perf_attach_suite(void)
{
	Suite *s = suite_create("perf_attach");
	TCase *tc = tcase_create("attach");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, tracepoint_counts);
	tcase_add_test(tc, uprobe_args);
	tcase_add_test(tc, kprobe_clear_error);
	suite_add_tcase(s, tc);
	return s;
}

static const char *kernel_missing(void)
{
	const char *why = bc_test_kernel_missing();

	if (why)
		return why;
	if (access(bc_test_corpus("perf/uprobe.o"), R_OK) ||
	    access(bc_test_corpus("perf/tgt"), X_OK))
		return "perf corpus not built (needs clang)";
	return NULL;
}

int main(void)
{
	const char *why = kernel_missing();

	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	return bc_test_run(perf_attach_suite());
}
