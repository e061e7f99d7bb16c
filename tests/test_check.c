// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Check mode: findings, the descriptor's check: table, the public API. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfcompat.h"
#include "testutil.h"

static struct bc_object *open_check(const char *rel, const char *dialect,
				    bool check)
{
	BC_OPTS(bc_open_opts, opts, .dialect = dialect, .check = check);

	return bc_object__open_file(bc_test_corpus(rel), &opts);
}

static const struct bc_finding *find_rule(const struct bc_object *obj,
					  const char *rule)
{
	size_t i;

	for (i = 0; i < bc_object__finding_cnt(obj); i++)
		if (!strcmp(bc_finding__rule(bc_object__finding(obj, i)),
			    rule))
			return bc_object__finding(obj, i);
	return NULL;
}

static char *write_tmp(const char *text)
{
	static char path[] = "/tmp/bc-check-XXXXXX.yaml";
	int fd;

	strcpy(path, "/tmp/bc-check-XXXXXX.yaml");
	fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

START_TEST(refusal_is_a_finding)
{
	const struct bc_finding *f;
	struct bc_object *obj;

	bc_test_quiet();
	obj = open_check("tc/mismatch.o", "libbpf", true);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_ge(bc_object__check(obj, NULL), 1);
	f = find_rule(obj, "legacy-maps-refused");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(bc_finding__severity(f), BC_SEV_ERROR);
	ck_assert_str_eq(bc_finding__section(f), "maps");
	ck_assert_ptr_null(bc_finding__symbol(f));
	ck_assert(bc_finding__offset(f) < 0);
	ck_assert_ptr_nonnull(strstr(bc_finding__predicts(f), "libbpf 1.x"));
	ck_assert_ptr_null(bc_object__finding(obj, 1000));
	bc_object__close(obj);
}
END_TEST

START_TEST(normal_open_still_fails)
{
	bc_test_quiet();
	ck_assert_ptr_null(open_check("tc/mismatch.o", "libbpf", false));
	ck_assert_int_eq(errno, BC_ERRNO__DIALECT);
}
END_TEST

START_TEST(check_needs_check_mode)
{
	struct bc_object *obj;

	bc_test_quiet();
	obj = open_check("tc/mismatch.o", "tc", false);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bc_object__check(obj, NULL), -EINVAL);
	ck_assert_int_eq(bc_object__finding_cnt(obj), 0);
	bc_object__close(obj);
}
END_TEST

START_TEST(conforming_object)
{
	struct bc_object *obj;

	bc_test_quiet();
	obj = open_check("tc/mismatch.o", "tc", true);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bc_object__check(obj, NULL), 0);
	ck_assert_int_eq(bc_object__finding_cnt(obj), 0);
	bc_object__close(obj);
}
END_TEST

/* A user dialect can turn a rule off and predict its own behaviour. */
START_TEST(user_dialect_check_table)
{
	const char *yaml =
		"name: chk-user\n"
		"maps:\n"
		"  sections: [ { exact: maps } ]\n"
		"  record: { size: section_div_symbols, min: 16, max: 20 }\n"
		"  fields: { type: { offset: 0 }, key_size: { offset: 4 },\n"
		"            value_size: { offset: 8 }, max_entries: { offset: 12 } }\n"
		"programs:\n"
		"  sections: [ { exact: classifier, type: sched_cls } ]\n"
		"check:\n"
		"  map-record-size: { severity: warning, predicts: \"user: {section} {detail}\" }\n"
		"  reloc-unknown-target: off\n";
	const struct bc_finding *f;
	struct bc_object *obj;

	bc_test_quiet();
	ck_assert_int_eq(bc_dialect__register_file(write_tmp(yaml)), 0);
	obj = open_check("tc/mismatch.o", "chk-user", true);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bc_object__check(obj, NULL), 0);
	f = find_rule(obj, "map-record-size");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(bc_finding__severity(f), BC_SEV_WARNING);
	ck_assert_ptr_nonnull(strstr(bc_finding__predicts(f), "user: maps "));
	ck_assert_ptr_null(find_rule(obj, "reloc-unknown-target"));
	bc_object__close(obj);
}
END_TEST

START_TEST(check_table_errors_have_positions)
{
	bc_test_capture_log();
	ck_assert_int_lt(bc_dialect__register_file(write_tmp(
		"name: chk-bad\n"
		"check:\n"
		"  map-record-size: fatal\n")), 0);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), ":3:20: unknown value 'fatal'"));
	bc_test_capture_log();
	ck_assert_int_lt(bc_dialect__register_file(write_tmp(
		"name: chk-bad2\n"
		"check:\n"
		"  Bad_Rule: error\n")), 0);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), ":3:3: 'check': rule id"));
	bc_test_capture_log();
	ck_assert_int_lt(bc_dialect__register_file(write_tmp(
		"name: chk-bad3\n"
		"check:\n"
		"  map-static: { severity: error }\n")), 0);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "needs 'predicts'"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, refusal_is_a_finding);
	tcase_add_test(tc, normal_open_still_fails);
	tcase_add_test(tc, check_needs_check_mode);
	tcase_add_test(tc, conforming_object);
	tcase_add_test(tc, user_dialect_check_table);
	tcase_add_test(tc, check_table_errors_have_positions);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
