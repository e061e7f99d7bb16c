// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests for core/object.c (open pipeline, model helpers, getters) and
 * core/names.c.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dialect.h"
#include "object.h"
#include "elfbuild.h"
#include "testutil.h"

/* A libbpf-legacy looking object: two 20-byte maps and a socket program. */
static void *legacy_obj(struct bc_elfb **bp, size_t *size)
{
	struct bc_elfb *b = bc_elfb_new(false);
	unsigned char insns[16], defs[40] = { 0 };
	int sec;

	bc_elfb_insn(insns, false, 0xb7, 0, 0, 0, 0);
	bc_elfb_insn(insns + 8, false, 0x95, 0, 0, 0, 0);
	sec = bc_elfb_add_sec(b, "socket", SHT_PROGBITS,
			      SHF_ALLOC | SHF_EXECINSTR, insns, 16);
	bc_elfb_add_sym(b, "prog", sec, 0, 16, STT_FUNC, STB_GLOBAL);
	defs[0] = BPF_MAP_TYPE_HASH;
	defs[4] = 4;
	defs[8] = 8;
	defs[12] = 16;
	defs[20] = BPF_MAP_TYPE_ARRAY;
	defs[24] = 4;
	defs[28] = 4;
	defs[32] = 1;
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			      defs, sizeof(defs));
	bc_elfb_add_sym(b, "m1", sec, 0, 20, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "m2", sec, 20, 20, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC, "GPL", 4);
	*bp = b;
	return bc_elfb_finish(b, size);
}

START_TEST(test_opts_extra_bytes)
{
	struct {
		struct bc_open_opts o;
		long extra;
	} big = { 0 };
	struct bc_elfb *b;
	size_t size;
	void *buf = legacy_obj(&b, &size);

	big.o.sz = sizeof(big);
	big.extra = 1;
	bc_test_capture_log();
	ck_assert_ptr_null(bc_object__open_mem(buf, size, &big.o));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "bc_open_opts has non-zero extra bytes"));
	ck_assert_ptr_null(bc_object__open_file("/nonexistent", &big.o));
	ck_assert_int_eq(errno, EINVAL);

	big.o.sz = 4;
	ck_assert_ptr_null(bc_object__open_mem(buf, size, &big.o));
	ck_assert_int_eq(errno, EINVAL);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_opts_older_caller)
{
	struct {
		struct bc_open_opts o;
		long extra;
	} big = { 0 };
	struct bc_object *obj;
	struct bc_elfb *b;
	size_t size;
	void *buf = legacy_obj(&b, &size);

	/* A zero tail past the known fields is fine. */
	big.o.sz = sizeof(big);
	big.o.dialect = "libbpf-legacy";
	obj = bc_object__open_mem(buf, size, &big.o);
	ck_assert_ptr_nonnull(obj);
	bc_object__close(obj);

	/* An older caller whose struct ends before "dialect": detection. */
	big.o.sz = sizeof(size_t);
	obj = bc_object__open_mem(buf, size, &big.o);
	ck_assert_ptr_nonnull(obj);
	ck_assert_str_eq(bc_dialect__name(bc_object__dialect(obj)),
			 "libbpf-legacy");
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_open_mem_model)
{
	BC_OPTS(bc_open_opts, opts, .dialect = "libbpf-legacy",
		.object_name = "dir/sample.bpf.o");
	struct bc_object *obj;
	struct bc_prog *p;
	struct bc_map *m;
	struct bc_elfb *b;
	char sha[41];
	size_t size;
	void *buf = legacy_obj(&b, &size);

	obj = bc_object__open_mem(buf, size, &opts);
	ck_assert_ptr_nonnull(obj);
	ck_assert_str_eq(bc_object__name(obj), "sample.bpf.o");
	ck_assert_str_eq(bc_object__path(obj), "dir/sample.bpf.o");
	ck_assert_str_eq(bc_object__license(obj), "GPL");
	ck_assert(!bc_object__big_endian(obj));
	bc_sha1_hex(buf, size, sha);
	ck_assert_str_eq(bc_object__sha1(obj), sha);

	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	m = bc_object__find_map(obj, "m2");
	ck_assert_ptr_eq(m, bc_object__map(obj, 1));
	ck_assert_uint_eq(bc_map__type(m), BPF_MAP_TYPE_ARRAY);
	ck_assert_int_eq(bc_map__fd(m), -1);
	ck_assert_ptr_null(bc_map__inner(m));
	ck_assert_ptr_null(bc_map__pin_path(m));
	ck_assert_ptr_null(bc_object__map(obj, 2));
	ck_assert_ptr_null(bc_object__find_map(obj, "nope"));

	ck_assert_uint_eq(bc_object__prog_cnt(obj), 1);
	p = bc_object__prog(obj, 0);
	ck_assert_str_eq(bc_prog__name(p), "prog");
	ck_assert_uint_eq(bc_prog__type(p), BPF_PROG_TYPE_SOCKET_FILTER);
	ck_assert_uint_eq(bc_prog__insn_cnt(p), 2);
	ck_assert_ptr_nonnull(bc_prog__insns(p));
	ck_assert_str_eq(bc_prog__tag(p), "");
	ck_assert_str_eq(bc_prog__log(p), "");
	ck_assert_int_eq(bc_prog__fd(p), -1);
	ck_assert_int_eq(bc_prog__set_autoload(p, false), 0);
	ck_assert(!bc_prog__autoload(p));
	obj->loaded = true;
	ck_assert_int_eq(bc_prog__set_autoload(p, true), -EBUSY);
	obj->loaded = false;

	ck_assert_uint_eq(bc_object__init_cnt(obj), 0);
	ck_assert_int_eq(bc_object__init(obj, 0, NULL, NULL, NULL, NULL),
			 -ENOENT);
	ck_assert_int_eq(bc_object__init(NULL, 0, NULL, NULL, NULL, NULL),
			 -EINVAL);
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

/*
 * borrow_buf: the object reads the caller's bytes in place and close does
 * not free them. The bytes sit inside a bigger block, so a free() of that
 * pointer would abort; at offset 1 they are misaligned for instructions.
 */
static void open_borrowed(size_t at)
{
	BC_OPTS(bc_open_opts, opts, .dialect = "libbpf-legacy",
		.borrow_buf = true);
	BC_OPTS(bc_load_opts, lopts, .dry_run = true);
	const unsigned char *insns;
	struct bc_object *obj;
	struct bc_elfb *b;
	char *block, *mine;
	size_t size;
	void *buf = legacy_obj(&b, &size);

	block = malloc(size + 16);
	ck_assert_ptr_nonnull(block);
	mine = block + at;
	memcpy(mine, buf, size);
	obj = bc_object__open_mem(mine, size, &opts);
	ck_assert_ptr_nonnull(obj);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 1)), "m2");
	ck_assert_str_eq(bc_prog__name(bc_object__prog(obj, 0)), "prog");
	ck_assert_str_eq(bc_prog__section(bc_object__prog(obj, 0)), "socket");
	insns = bc_prog__insns(bc_object__prog(obj, 0));
	ck_assert_ptr_nonnull(insns);
	ck_assert_uint_eq(insns[0], 0xb7);
	ck_assert_uint_eq(insns[8], 0x95);
	ck_assert_int_eq(bc_object__load(obj, &lopts), 0);
	bc_object__close(obj);
	/* Nothing wrote into the borrowed bytes. */
	ck_assert_mem_eq(mine, buf, size);
	free(block);
	bc_elfb_free(b);
}

START_TEST(test_open_mem_borrowed)
{
	open_borrowed(8);
	open_borrowed(1);
}
END_TEST

/* Without the opt-in the object owns a copy: the caller may reuse buf. */
START_TEST(test_open_mem_copies)
{
	BC_OPTS(bc_open_opts, opts, .dialect = "libbpf-legacy");
	struct bc_object *obj;
	struct bc_elfb *b;
	char *mine;
	size_t size;
	void *buf = legacy_obj(&b, &size);

	mine = malloc(size);
	ck_assert_ptr_nonnull(mine);
	memcpy(mine, buf, size);
	obj = bc_object__open_mem(mine, size, &opts);
	ck_assert_ptr_nonnull(obj);
	memset(mine, 0xff, size);
	free(mine);
	ck_assert_str_eq(bc_prog__name(bc_object__prog(obj, 0)), "prog");
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 0)), "m1");
	ck_assert_uint_eq(((const unsigned char *)
			   bc_prog__insns(bc_object__prog(obj, 0)))[0], 0xb7);
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_open_file)
{
	char dir[] = "/tmp/bc-object-XXXXXX", path[256];
	struct bc_object *obj;
	struct bc_elfb *b;
	size_t size;
	void *buf = legacy_obj(&b, &size);
	FILE *f;

	bc_test_capture_log();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/legacy.o", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, size, f), size);
	fclose(f);

	obj = bc_object__open_file(path, NULL);
	ck_assert_ptr_nonnull(obj);
	ck_assert_str_eq(bc_object__name(obj), "legacy.o");
	ck_assert_str_eq(bc_object__path(obj), path);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	bc_object__close(obj);

	ck_assert_ptr_null(bc_object__open_file(dir, NULL));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "not a regular file"));
	unlink(path);
	ck_assert_ptr_null(bc_object__open_file(path, NULL));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), path));
	rmdir(dir);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_unknown_dialect)
{
	BC_OPTS(bc_open_opts, opts, .dialect = "no-such-loader");
	struct bc_elfb *b;
	size_t size;
	void *buf = legacy_obj(&b, &size);

	bc_test_capture_log();
	ck_assert_ptr_null(bc_object__open_mem(buf, size, &opts));
	ck_assert_int_eq(errno, BC_ERRNO__DIALECT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "unknown dialect 'no-such-loader'"));
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "libbpf-legacy"));
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_undetectable)
{
	struct bc_elfb *b = bc_elfb_new(false);
	size_t size;
	void *buf;

	bc_elfb_add_sec(b, ".comment", SHT_PROGBITS, 0, "x", 2);
	buf = bc_elfb_finish(b, &size);
	bc_test_capture_log();
	ck_assert_ptr_null(bc_object__open_mem(buf, size, NULL));
	ck_assert_int_eq(errno, BC_ERRNO__DIALECT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "use --dialect"));
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_bad_params)
{
	static const char *const noeq[] = { "mode" };
	static const char *const unknown[] = { "mode=act" };
	BC_OPTS(bc_open_opts, opts, .dialect = "libbpf-legacy",
		.params = noeq, .param_cnt = 1);
	struct bc_elfb *b;
	size_t size;
	void *buf = legacy_obj(&b, &size);

	bc_test_capture_log();
	ck_assert_ptr_null(bc_object__open_mem(buf, size, &opts));
	ck_assert_int_eq(errno, BC_ERRNO__PARAM);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "not key=value"));
	opts.params = unknown;
	ck_assert_ptr_null(bc_object__open_mem(buf, size, &opts));
	ck_assert_int_eq(errno, BC_ERRNO__PARAM);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"dialect 'libbpf-legacy' has no parameter 'mode'"));
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_model_helpers)
{
	struct bc_object *obj = calloc(1, sizeof(*obj));
	const struct bc_map *om, *oi;
	const struct bc_prog *op;
	struct bc_map *m, *inner;
	struct bc_prog *p;
	__u32 key;

	ck_assert_ptr_nonnull(obj);
	m = bc_object_add_map(obj, "outer");
	inner = bc_object_add_map(obj, "inner");
	ck_assert_int_eq(m->fd, -1);
	ck_assert_int_eq(m->inner_idx, -1);
	ck_assert_uint_eq(inner->idx, 1);
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "inner"), inner);
	ck_assert_ptr_null(bc_object_map_by_name(obj, "x"));
	m->inner_idx = 1;
	ck_assert_ptr_eq(bc_map__inner(m), inner);

	p = bc_object_add_prog(obj, "p", "xdp");
	ck_assert(p->autoload);
	ck_assert_int_eq(p->fd, -1);
	ck_assert_str_eq(bc_prog__section(p), "xdp");

	ck_assert_int_eq(bc_object_add_init(obj, 0, 3, BC_INIT_MAP, 1), 0);
	ck_assert_int_eq(bc_object_add_init(obj, 1, 4, BC_INIT_PROG, 0), 0);
	ck_assert_int_eq(bc_object__init(obj, 0, &om, &key, &op, &oi), 0);
	ck_assert_ptr_eq(om, m);
	ck_assert_uint_eq(key, 3);
	ck_assert_ptr_null(op);
	ck_assert_ptr_eq(oi, inner);
	ck_assert_int_eq(bc_object__init(obj, 1, &om, &key, &op, &oi), 0);
	ck_assert_ptr_eq(op, p);
	ck_assert_ptr_null(oi);
	ck_assert_int_eq(bc_object__init(obj, 2, &om, &key, &op, &oi),
			 -ENOENT);

	ck_assert_int_eq(bc_object_plan_add(obj, "step %d", 1), 0);
	ck_assert_int_eq(bc_object_plan_add(obj, "step %d", 2), 0);
	ck_assert_uint_eq(bc_object__plan_cnt(obj), 2);
	ck_assert_str_eq(bc_object__plan_step(obj, 1), "step 2");
	ck_assert_ptr_null(bc_object__plan_step(obj, 2));
	bc_object_plan_reset(obj);
	ck_assert_uint_eq(bc_object__plan_cnt(obj), 0);

	/* Relocated programs report the linked stream. */
	p->insns = calloc(2, sizeof(*p->insns));
	p->insn_cnt = 2;
	p->linked = calloc(5, sizeof(*p->linked));
	p->linked_own = true;
	p->linked_cnt = 5;
	ck_assert_uint_eq(bc_prog__insn_cnt(p), 2);
	obj->relocated = true;
	ck_assert_uint_eq(bc_prog__insn_cnt(p), 5);
	ck_assert_ptr_eq(bc_prog__insns(p), p->linked);
	bc_object__close(obj);
}
END_TEST

START_TEST(test_null_getters)
{
	ck_assert_ptr_null(bc_object__name(NULL));
	ck_assert_uint_eq(bc_object__map_cnt(NULL), 0);
	ck_assert_uint_eq(bc_object__prog_cnt(NULL), 0);
	ck_assert_ptr_null(bc_object__map(NULL, 0));
	ck_assert_ptr_null(bc_object__find_prog(NULL, "x"));
	ck_assert_ptr_null(bc_map__name(NULL));
	ck_assert_ptr_null(bc_map__inner(NULL));
	ck_assert_int_eq(bc_map__fd(NULL), -EINVAL);
	ck_assert_str_eq(bc_prog__tag(NULL), "");
	ck_assert_str_eq(bc_prog__log(NULL), "");
	ck_assert_int_eq(bc_prog__set_autoload(NULL, true), -EINVAL);
	ck_assert_uint_eq(bc_object__kversion(NULL, NULL), 0);
	bc_object__close(NULL);
}
END_TEST

/*
 * The name index: a walk for a few names, a hash past that, sized ahead
 * by bc_object_reserve() or grown; the first of equal names wins in both.
 */
static void add_named(struct bc_object *obj, int cnt, bool reserve)
{
	char name[32];
	int i;

	if (reserve)
		bc_object_reserve(obj, cnt, cnt);
	for (i = 0; i < cnt; i++) {
		snprintf(name, sizeof(name), "entry_with_a_long_name_%d",
			 i % 50);
		ck_assert_ptr_nonnull(bc_object_add_map(obj, name));
		ck_assert_ptr_nonnull(bc_object_add_prog(obj, name, "s"));
		/* A lookup after every add, as collection does. */
		ck_assert_ptr_eq(bc_object_map_by_name(obj, name),
				 obj->maps[i % 50]);
		ck_assert_ptr_eq(bc_object_prog_by_name(obj, name),
				 obj->progs[i % 50]);
	}
	ck_assert_ptr_null(bc_object_map_by_name(obj, "entry"));
	ck_assert_ptr_null(bc_object_prog_by_name(obj, "nope"));
}

START_TEST(test_name_index)
{
	struct bc_object *obj;
	bool reserve;

	for (reserve = false; ; reserve = true) {
		obj = calloc(1, sizeof(*obj));
		ck_assert_ptr_nonnull(obj);
		add_named(obj, 120, reserve);
		ck_assert_uint_eq(obj->map_cnt, 120);
		ck_assert_str_eq(obj->progs[119]->name,
				 "entry_with_a_long_name_19");
		bc_object__close(obj);
		if (reserve)
			break;
	}
	/* A hint past the limits is capped, not an error. */
	obj = calloc(1, sizeof(*obj));
	ck_assert_ptr_nonnull(obj);
	bc_object_reserve(obj, SIZE_MAX, SIZE_MAX);
	add_named(obj, 3, false);
	bc_object__close(obj);
}
END_TEST

/* More entries than a walk answers for, so lookups go through the hash. */
START_TEST(test_rename)
{
	static const char elf_sec[] = "maps", elf_sym[] = "elfmap";
	struct bc_object *obj, *other;
	struct bc_map *m;
	struct bc_prog *p;
	char name[16];
	int i;

	obj = calloc(1, sizeof(*obj));
	other = calloc(1, sizeof(*other));
	ck_assert_ptr_nonnull(obj);
	ck_assert_ptr_nonnull(other);
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		ck_assert_ptr_nonnull(bc_object_add_map(obj, name));
		ck_assert_ptr_nonnull(bc_object_add_prog(obj, name, "s"));
	}
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "m3"), obj->maps[3]);
	ck_assert_int_eq(bc_object_rename_map(obj, obj->maps[3], "renamed"),
			 0);
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "renamed"),
			 obj->maps[3]);
	ck_assert_ptr_null(bc_object_map_by_name(obj, "m3"));
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "m11"), obj->maps[11]);
	ck_assert_ptr_eq(bc_object_prog_by_name(obj, "m5"), obj->progs[5]);
	ck_assert_int_eq(bc_object_rename_prog(obj, obj->progs[5], "p5"), 0);
	ck_assert_ptr_eq(bc_object_prog_by_name(obj, "p5"), obj->progs[5]);
	ck_assert_ptr_null(bc_object_prog_by_name(obj, "m5"));

	/* The first of equal names wins, before and after a rename. */
	ck_assert_ptr_nonnull(bc_object_add_map(obj, "dup"));
	ck_assert_ptr_nonnull(bc_object_add_map(obj, "dup"));
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "dup"), obj->maps[12]);
	ck_assert_int_eq(bc_object_rename_map(obj, obj->maps[12], "m4"), 0);
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "dup"), obj->maps[13]);
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "m4"), obj->maps[4]);

	/* A map borrowing ELF strings owns them all once renamed. */
	m = bc_object_add_elf_map(obj, elf_sym);
	ck_assert_ptr_nonnull(m);
	m->sec_name = (char *)elf_sec;
	m->sym_name = (char *)elf_sym;
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "elfmap"), m);
	ck_assert_int_eq(bc_object_rename_map(obj, m, "elfmap_inner"), 0);
	ck_assert(!m->elf_names);
	ck_assert_ptr_ne(m->sec_name, elf_sec);
	ck_assert_str_eq(m->sec_name, "maps");
	ck_assert_str_eq(m->sym_name, "elfmap");
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "elfmap_inner"), m);
	ck_assert_ptr_null(bc_object_map_by_name(obj, "elfmap"));
	p = bc_object_add_elf_prog(obj, elf_sym, elf_sec);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(bc_object_rename_prog(obj, p, "prog"), 0);
	ck_assert(!p->elf_names);
	ck_assert_ptr_ne(p->sec_name, elf_sec);
	ck_assert_ptr_eq(bc_object_prog_by_name(obj, "prog"), p);

	/* Only an object's own entries. */
	ck_assert_int_eq(bc_object_rename_map(other, obj->maps[0], "x"),
			 -EINVAL);
	ck_assert_int_eq(bc_object_rename_map(obj, obj->maps[0], NULL),
			 -EINVAL);
	ck_assert_int_eq(bc_object_rename_prog(other, obj->progs[0], "x"),
			 -EINVAL);
	ck_assert_str_eq(obj->maps[0]->name, "m0");
	bc_object__close(other);
	bc_object__close(obj);
}
END_TEST

/* Names of the ELF: a lookup's free slot is taken by the add after it. */
START_TEST(test_name_index_elf)
{
	static char names[40][8];
	struct bc_object *obj;
	int i;

	obj = calloc(1, sizeof(*obj));
	ck_assert_ptr_nonnull(obj);
	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "n%d", i % 30);
		if (bc_object_map_by_name(obj, names[i])) {
			ck_assert_int_ge(i, 30);
			continue;
		}
		ck_assert_ptr_nonnull(bc_object_add_elf_map(obj, names[i]));
		ck_assert_ptr_null(bc_object_prog_by_name(obj, names[i]));
		ck_assert_ptr_nonnull(bc_object_add_elf_prog(obj, names[i],
							     "s"));
	}
	ck_assert_uint_eq(obj->map_cnt, 30);
	for (i = 0; i < 30; i++) {
		ck_assert_ptr_eq(bc_object_map_by_name(obj, names[i]),
				 obj->maps[i]);
		ck_assert_ptr_eq(bc_object_prog_by_name(obj, names[i]),
				 obj->progs[i]);
	}
	ck_assert_ptr_null(bc_object_map_by_name(obj, "n30"));
	bc_object__close(obj);
}
END_TEST

/*
 * A walk of up to eight entries tells names apart by length and last
 * bytes first: names equal there must still be compared whole.
 */
START_TEST(test_name_walk)
{
	static const char *const names[] = {
		"", "a", "ab", "abc", "abcd", "xbcd", "prefix_shared_tail",
		"prefiy_shared_tail",
	};
	struct bc_object *obj;
	size_t i;

	obj = calloc(1, sizeof(*obj));
	ck_assert_ptr_nonnull(obj);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ck_assert_ptr_null(bc_object_prog_by_name(obj, names[i]));
		ck_assert_ptr_nonnull(bc_object_add_elf_prog(obj, names[i],
							     "s"));
		ck_assert_ptr_null(bc_object_map_by_name(obj, names[i]));
		ck_assert_ptr_nonnull(bc_object_add_map(obj, names[i]));
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ck_assert_ptr_eq(bc_object_prog_by_name(obj, names[i]),
				 obj->progs[i]);
		ck_assert_ptr_eq(bc_object_map_by_name(obj, names[i]),
				 obj->maps[i]);
	}
	ck_assert_ptr_null(bc_object_prog_by_name(obj, "prefiz_shared_tail"));
	ck_assert_ptr_null(bc_object_prog_by_name(obj, "bc"));
	/* A rename drops the old fingerprint; the first of equal wins. */
	ck_assert_int_eq(bc_object_rename_prog(obj, obj->progs[2], "abcd"),
			 0);
	ck_assert_ptr_null(bc_object_prog_by_name(obj, "ab"));
	ck_assert_ptr_eq(bc_object_prog_by_name(obj, "abcd"), obj->progs[2]);
	ck_assert_ptr_eq(bc_object_prog_by_name(obj, "abc"), obj->progs[3]);
	ck_assert_int_eq(bc_object_rename_map(obj, obj->maps[7], "q"), 0);
	ck_assert_ptr_eq(bc_object_map_by_name(obj, "q"), obj->maps[7]);
	ck_assert_ptr_null(bc_object_map_by_name(obj, "prefiy_shared_tail"));
	bc_object__close(obj);
}
END_TEST

START_TEST(test_names)
{
	__u32 t;

	ck_assert_str_eq(bc_map_type_name(BPF_MAP_TYPE_HASH), "hash");
	ck_assert_str_eq(bc_map_type_name(BPF_MAP_TYPE_PROG_ARRAY),
			 "prog_array");
	ck_assert_str_eq(bc_prog_type_name(BPF_PROG_TYPE_SCHED_CLS),
			 "sched_cls");
	ck_assert_str_eq(bc_attach_type_name(BPF_XDP_DEVMAP), "xdp_devmap");
	ck_assert_ptr_null(bc_map_type_name(100000));

	ck_assert_int_eq(bc_map_type_by_name("lru_hash", &t), 0);
	ck_assert_uint_eq(t, BPF_MAP_TYPE_LRU_HASH);
	ck_assert_int_eq(bc_prog_type_by_name("xdp", &t), 0);
	ck_assert_uint_eq(t, BPF_PROG_TYPE_XDP);
	ck_assert_int_eq(bc_prog_type_by_name("unspec", &t), 0);
	ck_assert_uint_eq(t, BPF_PROG_TYPE_UNSPEC);
	ck_assert_int_eq(bc_attach_type_by_name("cgroup_inet_ingress", &t), 0);
	ck_assert_uint_eq(t, BPF_CGROUP_INET_INGRESS);
	ck_assert_int_eq(bc_map_type_by_name("no_such_type", &t), -ENOENT);
	ck_assert_int_eq(bc_prog_type_by_name(NULL, &t), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("object");
	TCase *tc = tcase_create("object");

	tcase_add_test(tc, test_opts_extra_bytes);
	tcase_add_test(tc, test_opts_older_caller);
	tcase_add_test(tc, test_open_mem_model);
	tcase_add_test(tc, test_open_mem_borrowed);
	tcase_add_test(tc, test_open_mem_copies);
	tcase_add_test(tc, test_open_file);
	tcase_add_test(tc, test_unknown_dialect);
	tcase_add_test(tc, test_undetectable);
	tcase_add_test(tc, test_bad_params);
	tcase_add_test(tc, test_model_helpers);
	tcase_add_test(tc, test_null_getters);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_name_index);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_name_index_elf);
	tcase_add_test(tc, test_name_walk);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
