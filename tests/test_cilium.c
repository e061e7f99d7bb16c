// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cilium dialect: the legacy Extra rule, the kern_version rule, the perf
 * event array clamp, and both on cilium/ebpf's own testdata objects when
 * golang-github-cilium-ebpf-dev is installed.
 */
#include <elf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpfcompat.h"
#include "object.h"
#include "elfbuild.h"
#include "testutil.h"
#include "../dialects/cilium/cilium.h"

#define TESTDATA "/usr/share/gocode/src/github.com/cilium/ebpf/testdata/"
#define KV(a, b, c) (((a) << 16) + ((b) << 8) + (c))

START_TEST(kversion_kprobe_zero_or_magic_is_running)
{
	__u32 run = KV(6, 18, 0);

	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_KPROBE, 0, run),
			  run);
	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_KPROBE,
					     0xFFFFFFFE, run), run);
	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_KPROBE,
					     KV(4, 19, 0), run), KV(4, 19, 0));
	/* 0xFFFFFFFF is not the magic value. */
	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_KPROBE,
					     0xFFFFFFFF, run), 0xFFFFFFFF);
}
END_TEST

START_TEST(kversion_other_types_get_section_value)
{
	__u32 run = KV(6, 18, 0);

	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_SOCKET_FILTER, 0,
					     run), 0);
	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_TRACEPOINT,
					     0xFFFFFFFE, run), 0xFFFFFFFE);
	ck_assert_uint_eq(bc_cilium_kversion(BPF_PROG_TYPE_XDP, KV(5, 4, 0),
					     run), KV(5, 4, 0));
}
END_TEST

START_TEST(extra_zero_or_absent_is_clean)
{
	unsigned char def[36] = { 1, 0, 0, 0, 4 };

	ck_assert(bc_cilium_extra_clean(def, 20));
	ck_assert(bc_cilium_extra_clean(def, 36));
	/* The 20 definition bytes themselves never count as Extra. */
	def[19] = 0xff;
	ck_assert(bc_cilium_extra_clean(def, 24));
}
END_TEST

START_TEST(extra_nonzero_is_refused)
{
	unsigned char def[36] = {};

	def[20] = 1;			/* bpf_elf_map.id */
	ck_assert(!bc_cilium_extra_clean(def, 36));
	def[20] = 0;
	def[35] = 2;			/* last byte of inner_idx */
	ck_assert(!bc_cilium_extra_clean(def, 36));
	ck_assert(bc_cilium_extra_clean(def, 32));
}
END_TEST

START_TEST(perf_array_clamped_to_cpus)
{
	struct bc_map m = { .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
			    .max_entries = 4096 };

	bc_cilium_clamp_perf(&m, 2);
	ck_assert_uint_eq(m.max_entries, 2);
	ck_assert_uint_eq(m.key_size, 4);
	ck_assert_uint_eq(m.value_size, 4);
	m.max_entries = 0;
	bc_cilium_clamp_perf(&m, 2);
	ck_assert_uint_eq(m.max_entries, 2);
	m.max_entries = 1;
	bc_cilium_clamp_perf(&m, 2);
	ck_assert_uint_eq(m.max_entries, 1);
	m.type = BPF_MAP_TYPE_HASH;
	m.max_entries = 4096;
	bc_cilium_clamp_perf(&m, 2);
	ck_assert_uint_eq(m.max_entries, 4096);
}
END_TEST

static struct bc_object *open_testdata(const char *name,
				       const char *const *params, size_t n)
{
	BC_OPTS(bc_open_opts, o, .dialect = "cilium", .params = params,
		    .param_cnt = n);

	return bc_object__open_file(name, &o);
}

#define NEED_TESTDATA(path)						\
	do {								\
		if (access(path, R_OK)) {				\
			printf("SKIP: %s absent (install golang-github-cilium-ebpf-dev)\n", \
			       path);					\
			return;						\
		}							\
	} while (0)

/* Extra is checked at load: the object opens, loads only once drained. */
START_TEST(testdata_invalid_map_needs_drain)
{
	const char *path = TESTDATA "invalid_map-el.elf";
	const char *drain[] = { "drain-extra=1" };
	BC_OPTS(bc_load_opts, lo, .dry_run = true);
	struct bc_object *obj;

	NEED_TESTDATA(path);
	bc_test_capture_log();
	obj = open_testdata(path, NULL, 0);
	ck_assert_ptr_nonnull(obj);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 1);
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 0)),
			 "invalid_map");
	ck_assert_int_eq(bc_object__load(obj, &lo), -BC_ERRNO__UNSUPP);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"map invalid_map: extra contains unhandled non-zero bytes, drain before creating map"));
	bc_object__close(obj);

	obj = open_testdata(path, drain, 1);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bc_object__load(obj, &lo), 0);
	bc_object__close(obj);
}
END_TEST

/* Unknown sections: programs not loaded; kprobe-less kern_version = 0. */
START_TEST(testdata_loader_unspecified_skipped)
{
	const char *path = TESTDATA "loader-clang-14-el.elf";
	struct bc_object *obj;
	size_t i, skipped = 0;

	NEED_TESTDATA(path);
	bc_test_quiet();
	obj = open_testdata(path, NULL, 0);
	ck_assert_ptr_nonnull(obj);
	for (i = 0; i < bc_object__prog_cnt(obj); i++) {
		struct bc_prog *p = bc_object__prog(obj, i);

		ck_assert(p->kversion_set);
		ck_assert_uint_eq(p->kversion, 0);
		if (bc_prog__type(p) != BPF_PROG_TYPE_UNSPEC)
			continue;
		ck_assert(!bc_prog__autoload(p));
		skipped++;
	}
	ck_assert_uint_eq(skipped, 2);	/* sections "static", "other" */
	ck_assert_ptr_nonnull(bc_object_map_by_name(obj,
						     "btf_outer_map_inner"));
	bc_object__close(obj);
}
END_TEST

/*
 * An object in the host's other byte order: one legacy array map without
 * BTF, and a socket program if prog. The builder owns *buf.
 */
static struct bc_elfb *foreign_obj(bool prog, void **buf, size_t *size)
{
	/* type, key_size, value_size, max_entries, flags */
	static const __u32 f[] = { BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0 };
	const bool be = __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__;
	struct bc_elfb *b = bc_elfb_new(be);
	unsigned char def[20] = {}, code[16];
	int maps, sec;
	size_t i;

	ck_assert_ptr_nonnull(b);
	for (i = 0; i < 5; i++) {
		__u32 v = be ? __builtin_bswap32(f[i]) : f[i];

		memcpy(def + 4 * i, &v, 4);
	}
	maps = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			       def, sizeof(def));
	bc_elfb_add_sym(b, "counts", maps, 0, sizeof(def), STT_OBJECT,
			STB_GLOBAL);
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			"GPL", 4);
	if (prog) {
		bc_elfb_insn(code, be, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
		bc_elfb_insn(code + 8, be, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		sec = bc_elfb_add_sec(b, "socket", SHT_PROGBITS,
				      SHF_ALLOC | SHF_EXECINSTR, code,
				      sizeof(code));
		bc_elfb_add_sym(b, "filter", sec, 0, sizeof(code), STT_FUNC,
				STB_GLOBAL);
	}
	*buf = bc_elfb_finish(b, size);
	ck_assert_ptr_nonnull(*buf);
	return b;
}

static int load_foreign(const char *dialect, bool prog)
{
	BC_OPTS(bc_open_opts, o, .dialect = dialect);
	struct bc_object *obj;
	struct bc_elfb *b;
	size_t size;
	void *buf;
	int err;

	b = foreign_obj(prog, &buf, &size);
	obj = bc_object__open_mem(buf, size, &o);
	ck_assert_ptr_nonnull(obj);
	err = bc_object__load(obj, NULL);
	if (!err)
		ck_assert_int_ge(bc_map__fd(bc_object__map(obj, 0)), 0);
	bc_object__close(obj);
	bc_elfb_free(b);
	return err;
}

/* Code cannot be swapped for the kernel: refused before any syscall. */
START_TEST(foreign_endian_code_refused)
{
	bc_test_capture_log();
	ck_assert_int_eq(load_foreign("cilium", true), -BC_ERRNO__ENDIAN);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), ": it has a program"));
	/* libbpf refuses the object whatever it holds */
	ck_assert_int_eq(load_foreign("libbpf-legacy", false),
			 -BC_ERRNO__ENDIAN);
}
END_TEST

/* cilium/ebpf creates maps without BTF from either byte order. */
START_TEST(foreign_endian_maps_load)
{
	if (geteuid()) {
		printf("SKIP: not root: no bpf()\n");
		return;
	}
	bc_test_quiet();
	ck_assert_int_eq(load_foreign("cilium", false), 0);
}
END_TEST

static Suite *cilium_suite(void)
{
	Suite *s = suite_create("cilium");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, kversion_kprobe_zero_or_magic_is_running);
	tcase_add_test(tc, kversion_other_types_get_section_value);
	tcase_add_test(tc, extra_zero_or_absent_is_clean);
	tcase_add_test(tc, extra_nonzero_is_refused);
	tcase_add_test(tc, perf_array_clamped_to_cpus);
	tcase_add_test(tc, foreign_endian_code_refused);
	tcase_add_test(tc, foreign_endian_maps_load);
	suite_add_tcase(s, tc);
	tc = tcase_create("testdata");
	tcase_add_test(tc, testdata_invalid_map_needs_drain);
	tcase_add_test(tc, testdata_loader_unspecified_skipped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(cilium_suite());
}
