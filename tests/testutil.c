// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
