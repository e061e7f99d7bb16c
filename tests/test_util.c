// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for core/util.c and core/log.c. */
#include "internal.h"
#include "testutil.h"

START_TEST(test_sha1)
{
	char hex[41];

	bc_sha1_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
}
END_TEST

START_TEST(test_read_endian)
{
	const unsigned char b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ck_assert_uint_eq(bc_read_u32(b, false), 0x04030201);
	ck_assert_uint_eq(bc_read_u32(b, true), 0x01020304);
	ck_assert_uint_eq(bc_read_u64(b, false), 0x0807060504030201ULL);
	ck_assert_uint_eq(bc_read_u64(b, true), 0x0102030405060708ULL);
}
END_TEST

START_TEST(test_attrs)
{
	struct bc_attr *a = NULL;
	size_t n = 0;

	ck_assert_int_eq(bc_attr_add(&a, &n, "id", "7"), 0);
	ck_assert_int_eq(bc_attr_add(&a, &n, "ns", NULL), 0);
	ck_assert_str_eq(bc_attr_get(a, n, "id"), "7");
	ck_assert_str_eq(bc_attr_get(a, n, "ns"), "");
	ck_assert_ptr_null(bc_attr_get(a, n, "x"));
	bc_attrs_free(a, n);
}
END_TEST

START_TEST(test_strerror)
{
	char buf[128];

	ck_assert_int_eq(bc_strerror(-BC_ERRNO__FORMAT, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Malformed BPF ELF object");
	ck_assert_int_eq(bc_strerror(ENOENT, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, strerror(ENOENT));
}
END_TEST

START_TEST(test_grow_overflow)
{
	size_t cap = 0;
	void *p = bc_grow(NULL, &cap, SIZE_MAX / 2, 16);

	ck_assert_ptr_null(p);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

static int quiet(enum bc_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

START_TEST(test_log_capture)
{
	bc_print_fn_t old = bc_set_print(quiet);
	struct bc_capture outer, inner;
	char buf[16], in[16];

	pr_warn("not kept\n");
	bc_log_capture(buf, sizeof(buf), &outer);
	ck_assert_str_eq(buf, "");
	pr_debug("debug is not a warning\n");
	ck_assert_str_eq(buf, "");
	pr_warn("first %d\n", 1);
	pr_warn("last, and cut\n");
	ck_assert_str_eq(buf, "bpfcompat: last");

	/* A nested capture takes the warnings, then hands buf back. */
	bc_log_capture(in, sizeof(in), &inner);
	pr_warn("inner\n");
	ck_assert_str_eq(in, "bpfcompat: inne");
	ck_assert_str_eq(buf, "bpfcompat: last");
	bc_log_release(&inner);
	pr_warn("outer\n");
	ck_assert_str_eq(buf, "bpfcompat: oute");
	ck_assert_str_eq(in, "bpfcompat: inne");

	bc_log_release(&outer);
	pr_warn("after\n");
	ck_assert_str_eq(buf, "bpfcompat: oute");
	bc_set_print(old);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sha1);
	tcase_add_test(tc, test_read_endian);
	tcase_add_test(tc, test_attrs);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_grow_overflow);
	tcase_add_test(tc, test_log_capture);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
