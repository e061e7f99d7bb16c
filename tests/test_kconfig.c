// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * __kconfig externs on the corpus object conformance/libbpf/kconfig.c:
 * libbpf's layout, values from bc_open_opts.kconfig, weak and strong
 * externs, and values that do not fit their type.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "bpfcompat.h"
#include "kconfig.h"
#include "object.h"
#include "testutil.h"

#define KCFG_OBJ BC_BINARY_DIR "/conformance/libbpf/kconfig.o"

/* All the CONFIG_ externs, so the kernel's config is never read. */
#define ALL_SET "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=1000\nCONFIG_TUN=m\n" \
		"CONFIG_LOCALVERSION=\"-test\"\nCONFIG_BC_NO_SUCH_OPTION=7\n"

static struct bc_object *open_kcfg(const char *kconfig)
{
	BC_OPTS(bc_open_opts, o, .kconfig = kconfig);
	struct bc_object *obj;

	obj = bc_object__open_file(KCFG_OBJ, &o);
	ck_assert_msg(obj, "%s: %s", KCFG_OBJ, bc_test_log());
	ck_assert_ptr_nonnull(obj->kcfg_map);
	return obj;
}

static __u32 u32_at(const struct bc_object *obj, const char *name)
{
	const struct bc_kcfg *k = bc_kconfig_find(obj, name);
	__u32 v;

	ck_assert_ptr_nonnull(k);
	memcpy(&v, (const char *)obj->kcfg_map->init + k->off, 4);
	return v;
}

static bool have_obj(void)
{
	if (!access(KCFG_OBJ, R_OK))
		return true;
	printf("SKIP: %s not built (needs clang)\n", KCFG_OBJ);
	return false;
}

/* Alignment down, size up, then name: libbpf's order and offsets. */
START_TEST(layout_as_libbpf)
{
	static const struct { const char *name; __u32 off; } want[] = {
		{ "CONFIG_BC_NO_SUCH_OPTION", 0 }, { "CONFIG_HZ", 8 },
		{ "CONFIG_TUN", 12 }, { "LINUX_KERNEL_VERSION", 16 },
		{ "CONFIG_BPF_SYSCALL", 20 }, { "LINUX_HAS_BPF_COOKIE", 21 },
		{ "CONFIG_LOCALVERSION", 22 },
	};
	struct bc_object *obj;
	size_t i;

	if (!have_obj())
		return;
	bc_test_capture_log();
	obj = open_kcfg(NULL);
	ck_assert_uint_eq(obj->kcfg_cnt, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_str_eq(obj->kcfg[i].name, want[i].name);
		ck_assert_uint_eq(obj->kcfg[i].off, want[i].off);
	}
	ck_assert_str_eq(obj->kcfg_map->name, "kconfig.kconfig");
	ck_assert_uint_eq(obj->kcfg_map->value_size, 86);
	ck_assert_uint_eq(obj->kcfg_map->map_flags, 0x480);
	ck_assert(bc_kconfig_find(obj, "CONFIG_HZ")->is_signed);
	ck_assert(bc_kconfig_find(obj, "CONFIG_HZ")->is_weak);
	ck_assert(!bc_kconfig_find(obj, "CONFIG_BPF_SYSCALL")->is_weak);
	bc_object__close(obj);
}
END_TEST

START_TEST(values_from_opts)
{
	struct bc_object *obj;
	const unsigned char *v;

	if (!have_obj())
		return;
	bc_test_capture_log();
	obj = open_kcfg(ALL_SET);
	ck_assert_int_eq(bc_kconfig_fill(obj), 0);
	v = obj->kcfg_map->init;
	ck_assert_uint_eq(u32_at(obj, "CONFIG_HZ"), 1000);
	ck_assert_uint_eq(u32_at(obj, "CONFIG_TUN"), 2);	/* TRI_MODULE */
	ck_assert_uint_eq(v[20], 1);				/* bool y */
	ck_assert_str_eq((const char *)v + 22, "-test");
	ck_assert_uint_eq(v[0], 7);
	ck_assert_uint_eq(u32_at(obj, "LINUX_KERNEL_VERSION"),
			  bc_running_kversion());
	bc_object__close(obj);
}
END_TEST

START_TEST(bad_values_named)
{
	static const struct { const char *kconfig, *msg; } bad[] = {
		{ "CONFIG_BPF_SYSCALL=m\n",
		  "extern (kcfg) 'CONFIG_BPF_SYSCALL': value 'm' implies tristate or char type" },
		{ "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=4294967296\n",
		  "extern (kcfg) 'CONFIG_HZ': value '4294967296' is out of range" },
		{ "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=12abc\n",
		  "extern (kcfg) 'CONFIG_HZ': value '12abc' is not a valid integer" },
		{ "CONFIG_BPF_SYSCALL=y\nCONFIG_LOCALVERSION=3\n",
		  "extern (kcfg) 'CONFIG_LOCALVERSION': value '3' implies an integer type" },
	};
	struct bc_object *obj;
	size_t i;

	if (!have_obj())
		return;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		bc_test_capture_log();
		obj = open_kcfg(bad[i].kconfig);
		ck_assert_int_eq(bc_kconfig_fill(obj), -BC_ERRNO__KERNEL);
		ck_assert_msg(strstr(bc_test_log(), bad[i].msg),
			      "log lacks \"%s\": %s", bad[i].msg,
			      bc_test_log());
		bc_object__close(obj);
	}
}
END_TEST

/* A long string is cut, NUL-terminated, like libbpf does. */
START_TEST(long_string_cut)
{
	char lines[256];
	struct bc_object *obj;
	const char *s;

	if (!have_obj())
		return;
	snprintf(lines, sizeof(lines), "CONFIG_BPF_SYSCALL=y\n"
		 "CONFIG_LOCALVERSION=\"%0100d\"\n", 1);
	bc_test_capture_log();
	obj = open_kcfg(lines);
	ck_assert_int_eq(bc_kconfig_fill(obj), 0);
	s = (const char *)obj->kcfg_map->init + 22;
	ck_assert_uint_eq(strlen(s), 63);
	bc_object__close(obj);
}
END_TEST

static Suite *kconfig_suite(void)
{
	Suite *s = suite_create("kconfig");
	TCase *tc = tcase_create("kconfig");

	tcase_add_test(tc, layout_as_libbpf);
	tcase_add_test(tc, values_from_opts);
	tcase_add_test(tc, bad_values_named);
	tcase_add_test(tc, long_string_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(kconfig_suite());
}
