// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tc dialect without a kernel: struct bpf_elf_map record sizes, entry
 * selection by mode and section, map-in-map links, and pin paths from the
 * pinning database and TC_BPF_MNT (dry-run plans).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "elfbuild.h"
#include "object.h"
#include "testutil.h"

#define MAX_MAPS	4

struct def {
	const char *name;
	__u32 w[9];	/* bpf_elf_map words */
	bool local;	/* STB_LOCAL (static) */
};

struct spec {
	size_t rec;			/* bytes per record */
	struct def maps[MAX_MAPS];
	size_t map_cnt;
	const char *secs[4];		/* program sections */
	size_t stray;			/* extra global bytes in maps */
};

static void *buf;
static size_t buf_size;
static struct bc_elfb *builder;
static char db_path[] = "/tmp/bc_tc_db_XXXXXX";

static void build(const struct spec *s)
{
	static const char lic[] = "GPL";
	__u8 maps[MAX_MAPS * 36 + 8] = {}, insns[16];
	size_t i, j, size = s->rec * s->map_cnt + s->stray;
	int msec, sec;

	builder = bc_elfb_new(false);
	ck_assert_ptr_nonnull(builder);
	for (i = 0; i < s->map_cnt; i++)
		for (j = 0; j * 4 < s->rec && j < 9; j++)
			memcpy(maps + i * s->rec + j * 4, &s->maps[i].w[j], 4);
	msec = bc_elfb_add_sec(builder, "maps", SHT_PROGBITS,
			       SHF_ALLOC | SHF_WRITE, maps, size);
	for (i = 0; i < s->map_cnt; i++)
		bc_elfb_add_sym(builder, s->maps[i].name, msec, i * s->rec,
				s->rec, STT_OBJECT,
				s->maps[i].local ? STB_LOCAL : STB_GLOBAL);
	if (s->stray)
		bc_elfb_add_sym(builder, "stray", msec, s->rec * s->map_cnt,
				s->stray, STT_OBJECT, STB_GLOBAL);
	bc_elfb_insn(insns, false, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0,
		     0, 0);
	bc_elfb_insn(insns + 8, false, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (i = 0; i < 4 && s->secs[i]; i++) {
		char fn[32];

		sec = bc_elfb_add_sec(builder, s->secs[i], SHT_PROGBITS,
				      SHF_ALLOC | SHF_EXECINSTR, insns,
				      sizeof(insns));
		snprintf(fn, sizeof(fn), "fn%zu", i);
		bc_elfb_add_sym(builder, fn, sec, 0, sizeof(insns), STT_FUNC,
				STB_GLOBAL);
	}
	bc_elfb_add_sec(builder, "license", SHT_PROGBITS,
			SHF_ALLOC | SHF_WRITE, lic, sizeof(lic));
	buf = bc_elfb_finish(builder, &buf_size);
	ck_assert_ptr_nonnull(buf);
}

static struct bc_object *open_tc(const char *const *params, size_t cnt)
{
	BC_OPTS(bc_open_opts, o, .dialect = "tc", .object_name = "t.o",
		.params = params, .param_cnt = cnt);

	return bc_object__open_mem(buf, buf_size, &o);
}

static void teardown(void)
{
	bc_elfb_free(builder);
	builder = NULL;
	buf = NULL;
	unsetenv("TC_BPF_MNT");
}

static const struct spec one_map = {
	.rec = 36, .map_cnt = 1,
	.maps = { { "m", { BPF_MAP_TYPE_ARRAY, 4, 8, 2 } } },
	.secs = { "classifier" },
};

/* ---- record sizes --------------------------------------------------------- */

static const struct {
	size_t rec, stray;
	bool ok;
} sizes[] = {
	{ 12, 0, false },	/* too small */
	{ 16, 0, true },	/* zero-extended */
	{ 20, 0, true },
	{ 28, 0, true },
	{ 36, 0, true },
	{ 40, 0, false },	/* from the future */
	{ 36, 4, false },	/* stray global: 76 / 3 */
};

START_TEST(record_sizes)
{
	struct spec s = one_map;
	struct bc_object *obj;
	struct bc_map *m;

	s.rec = sizes[_i].rec;
	s.stray = sizes[_i].stray;
	s.maps[0].w[6] = 2;	/* PIN_GLOBAL_NS */
	build(&s);
	obj = open_tc(NULL, 0);
	if (!sizes[_i].ok) {
		ck_assert_ptr_null(obj);
		return;
	}
	ck_assert_ptr_nonnull(obj);
	m = bc_object__find_map(obj, "m");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(bc_map__max_entries(m), 2);
	/* pinning is word 6: present only in records of 28 bytes and more */
	ck_assert_uint_eq(bc_map__pinning(m), s.rec >= 28 ? 2 : 0);
	bc_object__close(obj);
}
END_TEST

/* A static definition does not count: 72 bytes for one symbol. */
START_TEST(static_map_breaks_division)
{
	struct spec s = one_map;

	s.map_cnt = 2;
	s.maps[1] = (struct def){ "st", { BPF_MAP_TYPE_ARRAY, 4, 4, 1 },
				  true };
	build(&s);
	ck_assert_ptr_null(open_tc(NULL, 0));
}
END_TEST

/* ---- program selection ---------------------------------------------------- */

START_TEST(entry_by_mode)
{
	static const char *const act[] = { "mode=act" };
	static const char *const sec[] = { "mode=xdp", "section=other" };
	struct spec s = one_map;
	struct bc_object *obj;
	struct bc_prog *p;

	s.secs[0] = "classifier";
	s.secs[1] = "action";
	s.secs[2] = "other";
	build(&s);
	obj = open_tc(act, 1);
	ck_assert_ptr_nonnull(obj);
	p = bc_object__find_prog(obj, "fn1");
	ck_assert(bc_prog__autoload(p));
	ck_assert_uint_eq(bc_prog__type(p), BPF_PROG_TYPE_SCHED_ACT);
	ck_assert(!bc_prog__autoload(bc_object__find_prog(obj, "fn0")));
	bc_object__close(obj);

	obj = open_tc(sec, 2);
	ck_assert_ptr_nonnull(obj);
	p = bc_object__find_prog(obj, "fn2");
	ck_assert(bc_prog__autoload(p));
	ck_assert_uint_eq(bc_prog__type(p), BPF_PROG_TYPE_XDP);
	bc_object__close(obj);
}
END_TEST

START_TEST(bad_params)
{
	static const char *const mode[] = { "mode=bogus" };
	static const char *const key[] = { "nosuch=1" };
	static const char *const sec[] = { "section=action" };

	build(&one_map);
	ck_assert_ptr_null(open_tc(mode, 1));
	ck_assert_ptr_null(open_tc(key, 1));
	/* no such section in the object */
	ck_assert_ptr_null(open_tc(sec, 1));
}
END_TEST

START_TEST(tail_calls)
{
	struct spec s = one_map;
	struct bc_object *obj;
	__u32 key;

	s.maps[0] = (struct def){ "jmp",
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0, 0x10 } };
	s.secs[1] = "0x10/5";
	s.secs[2] = "3/1";		/* no PROG_ARRAY with id 3 */
	s.secs[3] = "16/6";
	build(&s);
	obj = open_tc(NULL, 0);
	ck_assert_ptr_nonnull(obj);
	ck_assert(bc_prog__autoload(bc_object__find_prog(obj, "fn1")));
	ck_assert(!bc_prog__autoload(bc_object__find_prog(obj, "fn2")));
	ck_assert(bc_prog__autoload(bc_object__find_prog(obj, "fn3")));
	ck_assert_uint_eq(bc_object__init_cnt(obj), 2);
	key = obj->inits[0].key;
	ck_assert_uint_eq(key, 5);
	ck_assert_uint_eq(obj->inits[1].key, 6);
	ck_assert_int_eq(obj->inits[0].kind, BC_INIT_PROG);
	bc_object__close(obj);
}
END_TEST

/* ---- map-in-map ------------------------------------------------------------- */

START_TEST(map_in_map)
{
	struct spec s = {
		.rec = 36, .map_cnt = 3, .secs = { "classifier" },
		.maps = {
			{ "outer", { BPF_MAP_TYPE_HASH_OF_MAPS, 4, 64, 2,
				     0, 0, 0, 9 } },
			{ "inner", { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 9, 0,
				     0, 1 } },
			{ "tmpl", { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 8, 0,
				    0, 0xffffffff } },
		},
	};
	struct bc_object *obj;
	struct bc_map *outer;

	build(&s);
	obj = open_tc(NULL, 0);
	ck_assert_ptr_nonnull(obj);
	outer = bc_object__find_map(obj, "outer");
	ck_assert_ptr_eq(bc_map__inner(outer), bc_object__find_map(obj,
								  "inner"));
	ck_assert_uint_eq(bc_map__value_size(outer), 4);
	ck_assert_uint_eq(bc_object__init_cnt(obj), 1);
	ck_assert_uint_eq(obj->inits[0].key, 1);
	ck_assert_int_eq(obj->inits[0].kind, BC_INIT_MAP);
	bc_object__close(obj);
}
END_TEST

START_TEST(map_in_map_errors)
{
	struct spec s = one_map;

	s.maps[0].w[0] = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	build(&s);
	ck_assert_ptr_null(open_tc(NULL, 0));	/* no inner_id */
	teardown();
	s.maps[0].w[7] = 4;
	build(&s);
	ck_assert_ptr_null(open_tc(NULL, 0));	/* no map with id 4 */
}
END_TEST

/* ---- pin paths ---------------------------------------------------------------- */

static const char *plan_pin(struct bc_object *obj, const char *map)
{
	BC_OPTS(bc_load_opts, lo, .bpffs = "/bpffs", .dry_run = true);

	ck_assert_int_eq(bc_object__load(obj, &lo), 0);
	return bc_map__pin_path(bc_object__find_map(obj, map));
}

static void write_db(const char *text)
{
	int fd = mkstemp(db_path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

START_TEST(pin_paths)
{
	struct spec s = {
		.rec = 36, .map_cnt = 4, .secs = { "classifier" },
		.maps = {
			{ "g", { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 2 } },
			{ "o", { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 1 } },
			{ "c", { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 0x42 } },
			{ "u", { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 77 } },
		},
	};
	char param[64], want[128];
	const char *params[1] = { param };
	struct bc_object *obj;

	write_db("# test\n  2 reserved/x\n\t66 app/ns # comment\n\n");
	snprintf(param, sizeof(param), "pinning-db=%s", db_path);
	build(&s);
	obj = open_tc(params, 1);
	ck_assert_ptr_nonnull(obj);
	ck_assert_str_eq(plan_pin(obj, "g"), "/bpffs/tc/globals/g");
	snprintf(want, sizeof(want), "/bpffs/tc/%s/o", bc_object__sha1(obj));
	ck_assert_str_eq(bc_map__pin_path(bc_object__find_map(obj, "o")),
			 want);
	ck_assert_str_eq(bc_map__pin_path(bc_object__find_map(obj, "c")),
			 "/bpffs/app/ns/c");
	ck_assert_ptr_null(bc_map__pin_path(bc_object__find_map(obj, "u")));
	bc_object__close(obj);
	unlink(db_path);
}
END_TEST

/* A subpath climbing out of the bpffs is refused, not followed. */
START_TEST(pin_db_confined)
{
	struct spec s = one_map;
	BC_OPTS(bc_load_opts, lo, .bpffs = "/bpffs", .dry_run = true);
	char param[64];
	const char *params[1] = { param };
	struct bc_object *obj;

	s.maps[0].w[6] = 5;
	write_db("5 ../../etc\n");
	snprintf(param, sizeof(param), "pinning-db=%s", db_path);
	build(&s);
	obj = open_tc(params, 1);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_lt(bc_object__load(obj, &lo), 0);
	bc_object__close(obj);
	unlink(db_path);
}
END_TEST

START_TEST(tc_bpf_mnt)
{
	struct spec s = one_map;
	BC_OPTS(bc_load_opts, lo, .dry_run = true);
	struct bc_object *obj;

	s.maps[0].w[6] = 2;
	build(&s);
	setenv("TC_BPF_MNT", "/srv/bpf/", 1);
	obj = open_tc(NULL, 0);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bc_object__load(obj, &lo), 0);
	ck_assert_str_eq(bc_map__pin_path(bc_object__find_map(obj, "m")),
			 "/srv/bpf/tc/globals/m");
	bc_object__close(obj);
}
END_TEST

static Suite *tc_suite(void)
{
	Suite *s = suite_create("tc");
	TCase *tc = tcase_create("collect");

	tcase_add_checked_fixture(tc, bc_test_quiet, teardown);
	tcase_add_loop_test(tc, record_sizes, 0, ARRAY_SIZE(sizes));
	tcase_add_test(tc, static_map_breaks_division);
	tcase_add_test(tc, entry_by_mode);
	tcase_add_test(tc, bad_params);
	tcase_add_test(tc, tail_calls);
	tcase_add_test(tc, map_in_map);
	tcase_add_test(tc, map_in_map_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("pin");
	tcase_add_checked_fixture(tc, bc_test_quiet, teardown);
	tcase_add_test(tc, pin_paths);
	tcase_add_test(tc, pin_db_confined);
	tcase_add_test(tc, tc_bpf_mnt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(tc_suite());
}
