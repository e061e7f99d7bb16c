// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Pin-path confinement, template expansion and the pin journal. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "pin.h"
#include "testutil.h"

#define ROOT "/sys/fs/bpf"

static void join_ok(const char *root, const char *rel, const char *want)
{
	char *out = NULL;

	ck_assert_int_eq(bc_pin_join(root, rel, "test", &out), 0);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(strlen(out), strlen(want));
	free(out);
}

static void join_bad(const char *root, const char *rel)
{
	char *out = (char *)1;

	ck_assert_msg(bc_pin_join(root, rel, "test", &out) == -BC_ERRNO__PIN,
		      "'%s' under '%s' accepted", rel ? rel : "(null)",
		      root ? root : "(null)");
	ck_assert_ptr_null(out);
}

START_TEST(join_accepts_plain_paths)
{
	join_ok(ROOT, "x", ROOT "/x");
	join_ok(ROOT, "tc/globals/res_glob_cnt", ROOT "/tc/globals/res_glob_cnt");
	join_ok(ROOT "/", "a/b", ROOT "/a/b");
	join_ok(ROOT "///", "a", ROOT "/a");
	join_ok("/", "a", "/a");
	join_ok(ROOT, "...", ROOT "/...");
	join_ok(ROOT, "a..b/.c", ROOT "/a..b/.c");
}
END_TEST

START_TEST(join_refuses_escapes)
{
	join_bad(ROOT, "../x");
	join_bad(ROOT, "..");
	join_bad(ROOT, "a/../b");
	join_bad(ROOT, "a/..");
	join_bad(ROOT, "./a");
	join_bad(ROOT, "a/./b");
	join_bad(ROOT, "/abs");
	join_bad(ROOT, "");
	join_bad(ROOT, NULL);
	join_bad(ROOT, "a//b");
	join_bad(ROOT, "a/");
	join_bad(ROOT, "a\nb");
	join_bad(ROOT, "a\x7f");
	join_bad("relative/root", "a");
	join_bad("", "a");
	join_bad(NULL, "a");
}
END_TEST

START_TEST(join_refuses_long_paths)
{
	char long_rel[PATH_MAX + 16], comp[NAME_MAX + 2], want[NAME_MAX + 3];
	size_t i;

	for (i = 0; i + 2 < sizeof(long_rel); i += 2)
		memcpy(long_rel + i, "a/", 2);
	long_rel[i] = 'a';
	long_rel[i + 1] = '\0';
	join_bad(ROOT, long_rel);

	memset(comp, 'c', NAME_MAX + 1);
	comp[NAME_MAX + 1] = '\0';
	join_bad(ROOT, comp);
	comp[NAME_MAX] = '\0';
	snprintf(want, sizeof(want), "/%s", comp);
	join_ok("/", comp, want);
}
END_TEST

START_TEST(confine_absolute_paths)
{
	char *out = NULL;

	ck_assert_int_eq(bc_pin_confine(ROOT, ROOT "/app/m", "t", &out), 0);
	ck_assert_str_eq(out, ROOT "/app/m");
	free(out);
	ck_assert_int_eq(bc_pin_confine(ROOT, "app/m", "t", &out), 0);
	ck_assert_str_eq(out, ROOT "/app/m");
	free(out);
	ck_assert_int_eq(bc_pin_confine(ROOT, ROOT "x/m", "t", &out),
			 -BC_ERRNO__PIN);
	ck_assert_int_eq(bc_pin_confine(ROOT, "/etc/passwd", "t", &out),
			 -BC_ERRNO__PIN);
	ck_assert_int_eq(bc_pin_confine(ROOT, ROOT, "t", &out),
			 -BC_ERRNO__PIN);
	ck_assert_int_eq(bc_pin_confine(ROOT, ROOT "/../etc", "t", &out),
			 -BC_ERRNO__PIN);
}
END_TEST

/* ---- templates ---------------------------------------------------------- */

static struct bc_object *obj;
static struct bc_map *map;

static void tmpl_setup(void)
{
	bc_test_quiet();
	obj = calloc(1, sizeof(*obj));
	map = calloc(1, sizeof(*map));
	ck_assert_ptr_nonnull(obj);
	ck_assert_ptr_nonnull(map);
	obj->name = strdup("prog.o");
	strcpy(obj->sha1, "387dfaca0f29cc067fdd4acd3f088b859a35852e");
	map->obj = obj;
	map->name = strdup("cnt");
	map->inner_idx = -1;
	ck_assert_int_eq(bc_attr_add(&map->attrs, &map->attr_cnt, "namespace",
				     "ns"), 0);
	ck_assert_int_eq(bc_attr_add(&map->attrs, &map->attr_cnt, "id", "7"),
			 0);
	ck_assert_int_eq(bc_attr_add(&obj->params, &obj->param_cnt, "abs",
				     ROOT "/app"), 0);
	ck_assert_int_eq(bc_attr_add(&obj->params, &obj->param_cnt, "rel",
				     "app/sub"), 0);
	ck_assert_int_eq(bc_attr_add(&obj->params, &obj->param_cnt, "up",
				     "../x"), 0);
}

static void tmpl_teardown(void)
{
	/* The test process exits right after (fork mode). */
}

static void expand_ok(const char *tmpl, const char *want)
{
	char *out = NULL;

	ck_assert_msg(bc_pin_expand(obj, map, tmpl, ROOT, &out) == 0,
		      "template '%s' refused", tmpl);
	ck_assert_str_eq(out, want);
	free(out);
}

static void expand_bad(const char *tmpl)
{
	char *out = NULL;

	ck_assert_msg(bc_pin_expand(obj, map, tmpl, ROOT, &out) ==
		      -BC_ERRNO__PIN, "template '%s' accepted", tmpl);
	ck_assert_ptr_null(out);
}

START_TEST(expand_variables)
{
	expand_ok("{bpffs}/tc/globals/{name}", ROOT "/tc/globals/cnt");
	expand_ok("{bpffs}/tc/{sha1}/{name}",
		  ROOT "/tc/387dfaca0f29cc067fdd4acd3f088b859a35852e/cnt");
	expand_ok("{bpffs}/{namespace}/globals/{name}",
		  ROOT "/ns/globals/cnt");
	expand_ok("{bpffs}/ids/{attr:id}_{name}", ROOT "/ids/7_cnt");
	expand_ok("{bpffs}/{object}/{name}", ROOT "/prog.o/cnt");
	expand_ok("{param:abs}/{name}", ROOT "/app/cnt");
	expand_ok("{param:rel}/{name}", ROOT "/app/sub/cnt");
	expand_ok("tc/{name}", ROOT "/tc/cnt");
}
END_TEST

START_TEST(expand_refuses_bad_values)
{
	expand_bad("{bpffs}");
	expand_bad("{bpffs}/{nope}");
	expand_bad("{bpffs}/{attr:missing}");
	expand_bad("{bpffs}/{param:missing}/{name}");
	expand_bad("{bpffs}/{name");
	expand_bad("{param:up}/{name}");
	expand_bad("/etc/{name}");
	expand_bad("{bpffs}/../{name}");

	/* Values from the object are single components. */
	free(map->attrs[0].value);
	map->attrs[0].value = strdup("../../etc");
	expand_bad("{bpffs}/{namespace}/globals/{name}");
	free(map->attrs[0].value);
	map->attrs[0].value = strdup("..");
	expand_bad("{bpffs}/{namespace}/globals/{name}");
	free(map->attrs[0].value);
	map->attrs[0].value = strdup("");
	expand_bad("{bpffs}/{namespace}/globals/{name}");
	free(map->name);
	map->name = strdup("a/b");
	expand_bad("{bpffs}/tc/globals/{name}");
}
END_TEST

START_TEST(expand_refuses_long_paths)
{
	char name[NAME_MAX * 20];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	free(map->name);
	map->name = strdup(name);
	expand_bad("{bpffs}/{name}");
}
END_TEST

START_TEST(sanitize_names)
{
	char name[] = "my.prog-x/y z";

	bc_pin_sanitize_name(name);
	ck_assert_str_eq(name, "my_prog-x_y_z");
}
END_TEST

/* ---- journal ------------------------------------------------------------ */

START_TEST(mkdirs_rollback_removes_only_ours)
{
	char tmpl[] = "/tmp/bc_pin_XXXXXX", path[PATH_MAX], keep[PATH_MAX];
	struct bc_pin_journal j = {};
	struct stat st;
	char *dir;

	dir = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(dir);
	snprintf(keep, sizeof(keep), "%s/old", dir);
	ck_assert_int_eq(mkdir(keep, 0700), 0);

	snprintf(path, sizeof(path), "%s/old/a/b/pin", dir);
	ck_assert_int_eq(bc_pin_mkdirs(&j, path), 0);
	ck_assert_uint_eq(j.cnt, 2);		/* old/a and old/a/b */
	snprintf(path, sizeof(path), "%s/old/a/b", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	bc_pin_rollback(&j);
	ck_assert_int_ne(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/old/a", dir);
	ck_assert_int_ne(stat(path, &st), 0);
	ck_assert_int_eq(stat(keep, &st), 0);

	/* A directory someone else filled meanwhile stays. */
	snprintf(path, sizeof(path), "%s/old/c/pin", dir);
	ck_assert_int_eq(bc_pin_mkdirs(&j, path), 0);
	snprintf(path, sizeof(path), "%s/old/c/theirs", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	bc_pin_rollback(&j);
	ck_assert_int_eq(stat(path, &st), 0);

	rmdir(path);
	snprintf(path, sizeof(path), "%s/old/c", dir);
	rmdir(path);
	rmdir(keep);
	rmdir(dir);
}
END_TEST

static Suite *pin_suite(void)
{
	Suite *s = suite_create("pin");
	TCase *tc;

	tc = tcase_create("join");
	tcase_add_checked_fixture(tc, bc_test_quiet, NULL);
	tcase_add_test(tc, join_accepts_plain_paths);
	tcase_add_test(tc, join_refuses_escapes);
	tcase_add_test(tc, join_refuses_long_paths);
	tcase_add_test(tc, confine_absolute_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("template");
	tcase_add_checked_fixture(tc, tmpl_setup, tmpl_teardown);
	tcase_add_test(tc, expand_variables);
	tcase_add_test(tc, expand_refuses_bad_values);
	tcase_add_test(tc, expand_refuses_long_paths);
	tcase_add_test(tc, sanitize_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("journal");
	tcase_add_checked_fixture(tc, bc_test_quiet, NULL);
	tcase_add_test(tc, mkdirs_rollback_removes_only_ours);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(pin_suite());
}
