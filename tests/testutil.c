// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "bpfcompat.h"
#include "testutil.h"

int bc_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void *bc_test_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(len ? len : 1);
	if (buf && fread(buf, 1, len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	*size = len;
out:
	fclose(f);
	return buf;
}

const char *bc_test_corpus(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/conformance/%s", BC_BINARY_DIR, rel);
	return path;
}

static char log_buf[65536];
static size_t log_len;

static int quiet_print(enum bc_print_level level, const char *fmt,
		       va_list args)
{
	return 0;
}

static int capture_print(enum bc_print_level level, const char *fmt,
			 va_list args)
{
	int n;

	if (log_len >= sizeof(log_buf) - 1)
		return 0;
	n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, args);
	if (n > 0)
		log_len = strlen(log_buf);
	return n;
}

void bc_test_quiet(void)
{
	bc_set_print(quiet_print);
}

void bc_test_capture_log(void)
{
	log_len = 0;
	log_buf[0] = '\0';
	bc_set_print(capture_print);
}

const char *bc_test_log(void)
{
	return log_buf;
}

const char *bc_test_kernel_missing(void)
{
	int fd;

	if (geteuid())
		return "not running as root";
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (fd < 0)
		return "bpf(BPF_MAP_CREATE) does not work here";
	close(fd);
	return NULL;
}

int bc_test_register_dialect(const char *yaml)
{
	char path[] = "/tmp/bc_dialect_XXXXXX";
	size_t len = strlen(yaml);
	int fd, err;

	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	err = write(fd, yaml, len) == (ssize_t)len ?
	      bc_dialect__register_file(path) : -EIO;
	close(fd);
	unlink(path);
	return err;
}

static char bpffs_top[64];
static char bpffs_dir[PATH_MAX];

const char *bc_test_bpffs_init(const char *name)
{
	snprintf(bpffs_top, sizeof(bpffs_top), "/tmp/bc_%s_XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(bpffs_top));
	snprintf(bpffs_dir, sizeof(bpffs_dir), "%s/fs", bpffs_top);
	return bpffs_dir;
}

void bc_test_bpffs_fini(void)
{
	umount2(bpffs_dir, MNT_DETACH);
	rmdir(bpffs_dir);
	rmdir(bpffs_top);
}

void bc_test_bpffs_mount(void)
{
	umount2(bpffs_dir, MNT_DETACH);	/* left by a test that died */
	ck_assert(!mkdir(bpffs_dir, 0700) || errno == EEXIST);
	ck_assert_int_eq(mount("bpf", bpffs_dir, "bpf", 0, "mode=0700"), 0);
}

void bc_test_bpffs_umount(void)
{
	umount2(bpffs_dir, MNT_DETACH);
	rmdir(bpffs_dir);
}
