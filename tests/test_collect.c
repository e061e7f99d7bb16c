// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests for core/collect.c: the descriptor-driven collector, run on
 * objects compiled from BPF C at test time (clang) and on hand-built ones.
 * The descriptor is the real libbpf-legacy one, sometimes adjusted in
 * memory to exercise the other rules.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "dialect.h"
#include "object.h"
#include "elfbuild.h"
#include "testutil.h"

static struct bc_desc *desc;
static struct bc_dialect dialect;
static struct bc_desc_maps saved_maps;	/* tests swap in static arrays */

static void setup(void)
{
	const char *path = BC_SOURCE_DIR
		"/dialects/libbpf-legacy/libbpf-legacy.yaml";

	bc_test_capture_log();
	ck_assert_int_eq(bc_desc_parse_file(path, &desc), 0);
	dialect.desc = desc;
	dialect.ops = NULL;
	saved_maps = desc->maps;
}

static void teardown(void)
{
	desc->maps = saved_maps;
	bc_desc_free(desc);
	desc = NULL;
}

/* Open buf as obj name with the test dialect; returns bc_collect()'s result. */
static int collect(const void *buf, size_t size, const char *name,
		   struct bc_object **out)
{
	struct bc_object *obj = calloc(1, sizeof(*obj));
	int err;

	ck_assert_ptr_nonnull(obj);
	obj->buf_owned = malloc(size);
	memcpy(obj->buf_owned, buf, size);
	obj->buf = obj->buf_owned;
	obj->size = size;
	obj->path = strdup(name);
	obj->name = strdup(name);
	obj->license = strdup("");
	obj->dialect = &dialect;
	*out = obj;
	err = bc_elf_open(obj->buf, size, name, &obj->elf);
	return err ?: bc_collect(obj);
}

static bool have_clang(void)
{
	return system("clang --version >/dev/null 2>&1") == 0;
}

/* Compile BPF C; returns a malloc'd object or NULL if clang is missing. */
static void *compile(const char *src, const char *extra, size_t *size)
{
	char dir[] = "/tmp/bc-collect-XXXXXX", cmd[1024], path[512];
	void *buf;
	FILE *f;

	if (!have_clang()) {
		printf("SKIP: clang not found\n");
		return NULL;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/prog.c", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu %s -c %s/prog.c -o %s/prog.o",
		 extra ? extra : "", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/prog.o", dir);
	buf = bc_test_read_file(path, size);
	ck_assert_ptr_nonnull(buf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	return buf;
}

#define PRELUDE								\
	"#include <linux/bpf.h>\n"					\
	"#define SEC(n) __attribute__((section(n), used))\n"		\
	"struct bpf_map_def { unsigned int type, key_size, value_size,"	\
	" max_entries, map_flags; };\n"					\
	"static void *(*lookup)(void *map, const void *key) = (void *)1;\n"

static const char legacy_src[] = PRELUDE
	"struct bpf_map_def SEC(\"maps\") counts = { BPF_MAP_TYPE_HASH, 4, 8, 64, 1 };\n"
	"struct bpf_map_def SEC(\"maps\") jumps = { BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0 };\n"
	"SEC(\"kprobe/do_sys_open\") int probe(void *ctx)\n"
	"{ int k = 0; return lookup(&counts, &k) != 0; }\n"
	"SEC(\"socket\") int sock(void *ctx)\n"
	"{ int k = 1; return lookup(&jumps, &k) != 0; }\n"
	"char _license[] SEC(\"license\") = \"GPL\";\n"
	"unsigned int _version SEC(\"version\") = 0x050a00;\n";

START_TEST(test_legacy_object)
{
	struct bc_object *obj;
	struct bc_prog *p;
	struct bc_map *m;
	bool expl;
	size_t size;
	void *buf = compile(legacy_src, NULL, &size);

	if (!buf)
		return;
	ck_assert_int_eq(collect(buf, size, "legacy.o", &obj), 0);
	ck_assert_str_eq(bc_object__license(obj), "GPL");
	ck_assert_uint_eq(bc_object__kversion(obj, &expl), 0x050a00);
	ck_assert(expl);

	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	m = bc_object__map(obj, 0);
	ck_assert_str_eq(bc_map__name(m), "counts");
	ck_assert_uint_eq(bc_map__type(m), BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(bc_map__key_size(m), 4);
	ck_assert_uint_eq(bc_map__value_size(m), 8);
	ck_assert_uint_eq(bc_map__max_entries(m), 64);
	ck_assert_uint_eq(bc_map__flags(m), 1);
	ck_assert_uint_eq(bc_map__offset(m), 0);
	ck_assert_str_eq(bc_map__section(m), "maps");
	ck_assert_int_eq(bc_map__fd(m), -1);
	ck_assert_uint_eq(m->def_size, 20);
	m = bc_object__map(obj, 1);
	ck_assert_str_eq(bc_map__name(m), "jumps");
	ck_assert_uint_eq(bc_map__type(m), BPF_MAP_TYPE_PROG_ARRAY);
	ck_assert_uint_eq(bc_map__offset(m), 20);

	ck_assert_uint_eq(bc_object__prog_cnt(obj), 2);
	p = bc_object__find_prog(obj, "probe");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(bc_prog__type(p), BPF_PROG_TYPE_KPROBE);
	ck_assert_str_eq(bc_prog__attach_target(p), "do_sys_open");
	ck_assert_str_eq(bc_prog__section(p), "kprobe/do_sys_open");
	ck_assert(bc_prog__autoload(p));
	ck_assert_uint_gt(bc_prog__insn_cnt(p), 2);
	p = bc_object__find_prog(obj, "sock");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(bc_prog__type(p), BPF_PROG_TYPE_SOCKET_FILTER);
	ck_assert_ptr_null(bc_prog__attach_target(p));
	bc_object__close(obj);
	free(buf);
}
END_TEST

/* A 28-byte def (samples/bpf) with a zero tail loads from its first 20. */
START_TEST(test_def28_zero_tail)
{
	static const char src[] = PRELUDE
		"struct def28 { unsigned int f[7]; };\n"
		"struct def28 SEC(\"maps\") a = { { 2, 4, 16, 4, 0, 0, 0 } };\n"
		"struct def28 SEC(\"maps\") b = { { 1, 8, 8, 128, 0, 0, 0 } };\n"
		"SEC(\"socket\") int s(void *c) { int k = 0;\n"
		"return lookup(&a, &k) != lookup(&b, &k); }\n";
	struct bc_object *obj;
	size_t size;
	void *buf = compile(src, NULL, &size);

	if (!buf)
		return;
	ck_assert_int_eq(collect(buf, size, "d28.o", &obj), 0);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	ck_assert_uint_eq(bc_map__value_size(bc_object__find_map(obj, "a")), 16);
	ck_assert_uint_eq(bc_map__max_entries(bc_object__find_map(obj, "b")),
			  128);
	ck_assert_uint_eq(obj->maps[1]->def_size, 28);
	bc_object__close(obj);
	free(buf);
}
END_TEST

static int collect_src(const char *src, const char *name, bool *skipped)
{
	struct bc_object *obj;
	size_t size;
	void *buf = compile(src, NULL, &size);
	int err;

	*skipped = !buf;
	if (!buf)
		return 0;
	err = collect(buf, size, name, &obj);
	bc_object__close(obj);
	free(buf);
	return err;
}

START_TEST(test_def36_tail_nonzero)
{
	static const char src[] = PRELUDE
		"struct def36 { unsigned int f[9]; };\n"
		"struct def36 SEC(\"maps\") a = { { 1, 4, 4, 4, 0, 0, 2, 0, 0 } };\n"
		"SEC(\"socket\") int s(void *c) { int k = 0;\n"
		"return lookup(&a, &k) != 0; }\n";
	bool skipped;

	ck_assert_int_eq(collect_src(src, "d36.o", &skipped),
			 skipped ? 0 : -BC_ERRNO__FORMAT);
	if (!skipped)
		ck_assert_ptr_nonnull(strstr(bc_test_log(),
			"map 'a': record bytes 20..35 are not zero"));
}
END_TEST

START_TEST(test_mixed_sizes)
{
	static const char src[] = PRELUDE
		"struct def28 { unsigned int f[7]; };\n"
		"struct bpf_map_def SEC(\"maps\") a = { 1, 4, 4, 4, 0 };\n"
		"struct def28 SEC(\"maps\") b = { { 1, 4, 4, 4, 0, 0, 0 } };\n"
		"SEC(\"socket\") int s(void *c) { int k = 0;\n"
		"return lookup(&a, &k) != lookup(&b, &k); }\n";
	bool skipped;

	ck_assert_int_eq(collect_src(src, "mixed.o", &skipped),
			 skipped ? 0 : -BC_ERRNO__FORMAT);
	if (!skipped)
		ck_assert_ptr_nonnull(strstr(bc_test_log(),
			"map 'b' at offset 20: symbol size 28 exceeds the 24-byte record"));
}
END_TEST

START_TEST(test_stray_variable)
{
	static const char src[] = PRELUDE
		"struct bpf_map_def SEC(\"maps\") a = { 1, 4, 4, 4, 0 };\n"
		"int stray SEC(\"maps\") = 0;\n"
		"SEC(\"socket\") int s(void *c) { int k = 0;\n"
		"return lookup(&a, &k) != 0; }\n";
	bool skipped;

	ck_assert_int_eq(collect_src(src, "stray.o", &skipped),
			 skipped ? 0 : -BC_ERRNO__FORMAT);
	if (!skipped)
		ck_assert_ptr_nonnull(strstr(bc_test_log(),
			"map 'a' at offset 0: symbol size 20 exceeds the 12-byte record"));
}
END_TEST

START_TEST(test_static_map)
{
	static const char src[] = PRELUDE
		"static struct bpf_map_def SEC(\"maps\") hidden = { 1, 4, 4, 4, 0 };\n"
		"SEC(\"socket\") int s(void *c) { int k = 0;\n"
		"return lookup(&hidden, &k) != 0; }\n";
	bool skipped;

	ck_assert_int_eq(collect_src(src, "static.o", &skipped),
			 skipped ? 0 : -BC_ERRNO__DIALECT);
	if (!skipped)
		ck_assert_ptr_nonnull(strstr(bc_test_log(),
			"map 'hidden': static maps are not supported by libbpf-legacy"));
}
END_TEST

START_TEST(test_static_prog)
{
	static const char src[] = PRELUDE
		"SEC(\"xdp\") static int foo(void *c) { return 2; }\n";
	bool skipped;

	ck_assert_int_eq(collect_src(src, "sprog.o", &skipped),
			 skipped ? 0 : -BC_ERRNO__DIALECT);
	if (!skipped)
		ck_assert_ptr_nonnull(strstr(bc_test_log(),
			"sec 'xdp': program 'foo' is static and not supported"));
}
END_TEST

START_TEST(test_multi_prog_section)
{
	static const char src[] = PRELUDE
		"SEC(\"xdp\") int first(void *c) { return 1; }\n"
		"SEC(\"xdp\") int second(void *c) { return 2; }\n"
		"SEC(\"?xdp/cpumap\") int lazy(void *c) { return 2; }\n"
		"SEC(\"weird_section\") int odd(void *c) { return 0; }\n"
		"char _license[] SEC(\"license\") = \"Dual BSD/GPL\";\n";
	struct bc_object *obj;
	struct bc_prog *a, *b, *l, *o;
	size_t size, total;
	void *buf = compile(src, NULL, &size);

	if (!buf)
		return;
	ck_assert_int_eq(collect(buf, size, "multi.o", &obj), 0);
	ck_assert_str_eq(bc_object__license(obj), "Dual BSD/GPL");
	ck_assert_uint_eq(bc_object__kversion(obj, NULL),
			  bc_running_kversion());
	ck_assert_uint_eq(bc_object__prog_cnt(obj), 4);
	a = bc_object__find_prog(obj, "first");
	b = bc_object__find_prog(obj, "second");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(bc_prog__section(b), "xdp");
	ck_assert_uint_eq(bc_prog__offset(a), 0);
	ck_assert_uint_eq(bc_prog__offset(b), bc_prog__insn_cnt(a) * 8);
	ck_assert_uint_eq(bc_prog__type(b), BPF_PROG_TYPE_XDP);
	total = bc_prog__insn_cnt(a) + bc_prog__insn_cnt(b);
	l = bc_object__find_prog(obj, "lazy");
	ck_assert_ptr_nonnull(l);
	ck_assert(!bc_prog__autoload(l));
	ck_assert_str_eq(bc_prog__section(l), "xdp/cpumap");
	ck_assert_uint_eq(bc_prog__expected_attach_type(l), BPF_XDP_CPUMAP);
	o = bc_object__find_prog(obj, "odd");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(bc_prog__type(o), BPF_PROG_TYPE_UNSPEC);
	bc_object__close(obj);

	/* The same object under a dialect that refuses unknown sections. */
	desc->progs.unknown = BC_UNKNOWN_ERROR;
	ck_assert_int_eq(collect(buf, size, "multi.o", &obj),
			 -BC_ERRNO__DIALECT);
	bc_object__close(obj);
	desc->progs.unknown = BC_UNKNOWN_IGNORE;
	ck_assert_int_eq(collect(buf, size, "multi.o", &obj), 0);
	ck_assert_uint_eq(bc_object__prog_cnt(obj), 3);
	bc_object__close(obj);

	/* One program per section, named after its first global symbol. */
	desc->progs.split = BC_SPLIT_SECTION;
	ck_assert_int_eq(collect(buf, size, "multi.o", &obj), 0);
	ck_assert_uint_eq(bc_object__prog_cnt(obj), 2);
	ck_assert_str_eq(bc_prog__name(bc_object__prog(obj, 0)), "first");
	ck_assert_uint_eq(bc_prog__insn_cnt(bc_object__prog(obj, 0)), total);
	bc_object__close(obj);
	free(buf);
}
END_TEST

static const char data_src[] = PRELUDE
	"static long (*printk)(const char *fmt, int size, ...) = (void *)6;\n"
	"int gdata = 1;\n"
	"int gbss;\n"
	"const volatile int grodata = 5;\n"
	"SEC(\"socket\") int s(void *c)\n"
	"{ printk(\"v %d\\n\", 5, gdata + gbss + grodata); return 0; }\n";

START_TEST(test_global_data)
{
	struct bc_object *obj;
	struct bc_map *m;
	size_t size;
	void *buf = compile(data_src, "-g", &size);

	if (!buf)
		return;
	ck_assert_int_eq(collect(buf, size, "flow_monitor.bpf.o", &obj), 0);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 4);
	/* Parsed once, for the data maps, and kept for what follows. */
	ck_assert(obj->btf_parsed);
	ck_assert_ptr_nonnull(obj->btf);

	m = bc_object__find_map(obj, "flow_mon.data");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(bc_map__kind(m), BC_MAP_DATA);
	ck_assert_uint_eq(bc_map__type(m), BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(bc_map__key_size(m), 4);
	ck_assert_uint_eq(bc_map__value_size(m), 4);
	ck_assert_uint_eq(bc_map__max_entries(m), 1);
	ck_assert_uint_eq(bc_map__flags(m), BPF_F_MMAPABLE);
	ck_assert_int_eq(*(int *)m->init, 1);

	m = bc_object__find_map(obj, "flow_mon.bss");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(bc_map__kind(m), BC_MAP_BSS);
	ck_assert_ptr_null(m->init);
	ck_assert_uint_eq(bc_map__flags(m), BPF_F_MMAPABLE);

	m = bc_object__find_map(obj, "flow_mon.rodata");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(bc_map__kind(m), BC_MAP_RODATA);
	ck_assert(m->freeze);
	ck_assert_uint_eq(bc_map__flags(m),
			  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);

	m = bc_object__find_map(obj, ".rodata.str1.1");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(bc_map__flags(m), BPF_F_RDONLY_PROG);
	ck_assert_str_eq((char *)m->init, "v %d\n");
	bc_object__close(obj);

	/* The object-name prefix stops at the first '.'. */
	ck_assert_int_eq(collect(buf, size, "x.o", &obj), 0);
	ck_assert_ptr_nonnull(bc_object__find_map(obj, "x.rodata"));
	bc_object__close(obj);

	/* Without BTF nothing is known to be a global: no MMAPABLE. */
	free(buf);
	buf = compile(data_src, NULL, &size);
	ck_assert_int_eq(collect(buf, size, "flow_monitor.o", &obj), 0);
	m = bc_object__find_map(obj, "flow_mon.rodata");
	ck_assert_uint_eq(bc_map__flags(m), BPF_F_RDONLY_PROG);
	bc_object__close(obj);

	desc->special.global_data = false;
	ck_assert_int_eq(collect(buf, size, "flow_monitor.o", &obj), 0);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 0);
	bc_object__close(obj);
	free(buf);
}
END_TEST

/* gbss is defined but no code reads it; .BTF and debug info still do. */
static const char unref_src[] = PRELUDE
	"int gdata = 1;\n"
	"int gbss;\n"
	"SEC(\"socket\") int s(void *c) { return gdata; }\n";

START_TEST(test_global_data_referenced_only)
{
	struct bc_object *obj;
	size_t size;
	void *buf = compile(unref_src, "-g", &size);

	if (!buf)
		return;
	ck_assert_int_eq(collect(buf, size, "u.o", &obj), 0);
	ck_assert_ptr_nonnull(bc_object__find_map(obj, "u.bss"));
	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	bc_object__close(obj);

	desc->special.global_data_referenced_only = true;
	ck_assert_int_eq(collect(buf, size, "u.o", &obj), 0);
	ck_assert_ptr_nonnull(bc_object__find_map(obj, "u.data"));
	ck_assert_ptr_null(bc_object__find_map(obj, "u.bss"));
	ck_assert_uint_eq(bc_object__map_cnt(obj), 1);
	bc_object__close(obj);
	desc->special.global_data_referenced_only = false;
	free(buf);
}
END_TEST

/* ---- hand-built objects ------------------------------------------------- */

static void put32(void *p, __u32 v, bool be)
{
	unsigned char *b = p;
	int i;

	for (i = 0; i < 4; i++)
		b[be ? 3 - i : i] = v >> (8 * i);
}

/* A socket program returning 0, plus whatever the caller adds. */
static struct bc_elfb *elfb_base(bool be)
{
	struct bc_elfb *b = bc_elfb_new(be);
	unsigned char insns[16];
	int sec;

	bc_elfb_insn(insns, be, 0xb7, 0, 0, 0, 0);	/* r0 = 0 */
	bc_elfb_insn(insns + 8, be, 0x95, 0, 0, 0, 0);	/* exit */
	sec = bc_elfb_add_sec(b, "socket", SHT_PROGBITS,
			      SHF_ALLOC | SHF_EXECINSTR, insns, 16);
	bc_elfb_add_sym(b, "prog", sec, 0, 16, STT_FUNC, STB_GLOBAL);
	return b;
}

static int collect_elfb(struct bc_elfb *b, struct bc_object **obj)
{
	size_t size;
	void *buf = bc_elfb_finish(b, &size);

	ck_assert_ptr_nonnull(buf);
	return collect(buf, size, "built.o", obj);
}

START_TEST(test_big_endian_maps)
{
	struct bc_elfb *b = elfb_base(true);
	unsigned char defs[40] = { 0 };
	__u32 ver = 0;
	struct bc_object *obj;
	int sec;

	put32(defs, BPF_MAP_TYPE_ARRAY, true);
	put32(defs + 4, 4, true);
	put32(defs + 8, 64, true);
	put32(defs + 12, 10, true);
	put32(defs + 20, BPF_MAP_TYPE_HASH, true);
	put32(defs + 24, 8, true);
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			      defs, sizeof(defs));
	/* Symbol-table order is not offset order: maps follow offsets. */
	bc_elfb_add_sym(b, "second", sec, 20, 20, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "first", sec, 0, 20, STT_OBJECT, STB_GLOBAL);
	put32(&ver, 0x040e00, true);
	bc_elfb_add_sec(b, "version", SHT_PROGBITS, SHF_ALLOC, &ver, 4);
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC, "GPL", 4);

	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	ck_assert(bc_object__big_endian(obj));
	ck_assert_uint_eq(bc_object__kversion(obj, NULL), 0x040e00);
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 0)), "first");
	ck_assert_uint_eq(bc_map__value_size(bc_object__map(obj, 0)), 64);
	ck_assert_uint_eq(bc_map__max_entries(bc_object__map(obj, 0)), 10);
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 1)), "second");
	ck_assert_uint_eq(bc_map__key_size(bc_object__map(obj, 1)), 8);
	/* Foreign-order code is copied in host order, not used in place. */
	ck_assert(!obj->progs[0]->elf_insns);
	ck_assert_uint_eq(obj->progs[0]->insns[0].code, 0xb7);
	ck_assert_uint_eq(obj->progs[0]->insns[1].code, 0x95);
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

#define MANY_MAPS	20	/* past the on-stack record array */
#define MANY_PROGS	40	/* past the on-stack function array */

/* Symbols in reverse offset order; dup, if >= 0, renames the last map. */
static struct bc_elfb *many_entries(int dup)
{
	unsigned char defs[MANY_MAPS * 20] = { 0 }, code[MANY_PROGS * 16];
	struct bc_elfb *b = bc_elfb_new(false);
	char name[32];
	int sec, i;

	for (i = 0; i < MANY_PROGS; i++) {
		bc_elfb_insn(code + i * 16, false, 0xb7, 0, 0, 0, i);
		bc_elfb_insn(code + i * 16 + 8, false, 0x95, 0, 0, 0, 0);
	}
	sec = bc_elfb_add_sec(b, "socket", SHT_PROGBITS,
			      SHF_ALLOC | SHF_EXECINSTR, code, sizeof(code));
	for (i = MANY_PROGS - 1; i >= 0; i--) {
		snprintf(name, sizeof(name), "prog_%d", i);
		bc_elfb_add_sym(b, name, sec, i * 16, 16, STT_FUNC,
				STB_GLOBAL);
	}
	for (i = 0; i < MANY_MAPS; i++) {
		put32(defs + i * 20, BPF_MAP_TYPE_ARRAY, false);
		put32(defs + i * 20 + 4, 4, false);
		put32(defs + i * 20 + 8, i + 1, false);
		put32(defs + i * 20 + 12, 1, false);
	}
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			      defs, sizeof(defs));
	for (i = MANY_MAPS - 1; i >= 0; i--) {
		snprintf(name, sizeof(name), "map_%d",
			 i == MANY_MAPS - 1 && dup >= 0 ? dup : i);
		bc_elfb_add_sym(b, name, sec, i * 20, 20, STT_OBJECT,
				STB_GLOBAL);
	}
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC, "GPL", 4);
	return b;
}

/* More entries than the on-stack arrays and the name walk take. */
START_TEST(test_many_entries)
{
	struct bc_elfb *b = many_entries(-1);
	struct bc_object *obj;
	struct bc_prog *p;
	char name[32];
	int i;

	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	ck_assert_uint_eq(bc_object__map_cnt(obj), MANY_MAPS);
	ck_assert_uint_eq(bc_object__prog_cnt(obj), MANY_PROGS);
	for (i = 0; i < MANY_MAPS; i++) {
		snprintf(name, sizeof(name), "map_%d", i);
		ck_assert_ptr_eq(bc_object__find_map(obj, name),
				 bc_object__map(obj, i));
		ck_assert_uint_eq(bc_map__value_size(bc_object__map(obj, i)),
				  i + 1);
	}
	for (i = 0; i < MANY_PROGS; i++) {
		snprintf(name, sizeof(name), "prog_%d", i);
		p = bc_object__find_prog(obj, name);
		ck_assert_ptr_eq(p, bc_object__prog(obj, i));
		ck_assert_uint_eq(bc_prog__offset(p), i * 16);
		/* Native order: the section's own bytes, in place. */
		ck_assert(p->elf_insns);
		ck_assert_int_eq(p->insns[0].imm, i);
	}
	bc_object__close(obj);
	bc_elfb_free(b);

	/* A duplicate past the walk is found through the hash. */
	b = many_entries(3);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"map 'map_3' at offset 380: duplicate map name"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_license_unterminated)
{
	struct bc_elfb *b = elfb_base(false);
	struct bc_object *obj;

	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC, "GPL", 3);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"section 'license': license not NUL-terminated"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_version_size)
{
	struct bc_elfb *b = elfb_base(false);
	__u64 ver = 1;
	struct bc_object *obj;

	bc_elfb_add_sec(b, "version", SHT_PROGBITS, SHF_ALLOC, &ver, 8);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"section 'version': size 8, expected 4"));
	bc_object__close(obj);

	/* cilium reads the first 4 bytes of a longer section. */
	desc->special.version_size = BC_VERSION_PREFIX;
	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	ck_assert_uint_eq(bc_object__kversion(obj, NULL), 1);
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

/* ... but not of a shorter one. */
START_TEST(test_version_prefix_short)
{
	struct bc_elfb *b = elfb_base(false);
	__u16 ver = 1;
	struct bc_object *obj;

	desc->special.version_size = BC_VERSION_PREFIX;
	bc_elfb_add_sec(b, "version", SHT_PROGBITS, SHF_ALLOC, &ver, 2);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"section 'version': size 2, expected at least 4"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_version_magic)
{
	struct bc_elfb *b = elfb_base(false);
	__u32 ver = 0xFFFFFFFE;
	struct bc_object *obj;
	bool expl = true;

	desc->special.has_kver_magic = true;
	desc->special.kver_magic = 0xFFFFFFFE;
	desc->special.kver_default = BC_KVER_ZERO;
	bc_elfb_add_sec(b, "version", SHT_PROGBITS, SHF_ALLOC, &ver, 4);
	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	ck_assert_uint_eq(bc_object__kversion(obj, &expl),
			  bc_running_kversion());
	ck_assert(!expl);
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_maps_indivisible)
{
	struct bc_elfb *b = elfb_base(false);
	unsigned char defs[40] = { 0 };
	struct bc_object *obj;
	int sec;

	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 40);
	bc_elfb_add_sym(b, "a", sec, 0, 20, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "b", sec, 20, 18, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "c", sec, 38, 2, STT_OBJECT, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"section 'maps': size 40 is not a multiple of 3 map symbols"));
	bc_object__close(obj);
	bc_elfb_free(b);

	/* 28 / 2 divides, but 14-byte records are not whole words. */
	b = elfb_base(false);
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 28);
	bc_elfb_add_sym(b, "a", sec, 0, 14, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "b", sec, 14, 14, STT_OBJECT, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"record size 14 is not a multiple of 4"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_maps_overlap)
{
	struct bc_elfb *b = elfb_base(false);
	unsigned char defs[40] = { 0 };
	struct bc_object *obj;
	int sec;

	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 40);
	bc_elfb_add_sym(b, "a", sec, 0, 20, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "b", sec, 0, 20, STT_OBJECT, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "overlaps map 'a'"));
	bc_object__close(obj);
	bc_elfb_free(b);

	/* Unsized labels off the record grid. */
	b = elfb_base(false);
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 40);
	bc_elfb_add_sym(b, "a", sec, 0, 0, STT_NOTYPE, STB_GLOBAL);
	bc_elfb_add_sym(b, "b", sec, 12, 0, STT_NOTYPE, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"map 'b' at offset 12: not on a 20-byte record boundary"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

/* tc-like: per-symbol sizes, global symbols only, string/attr fields. */
START_TEST(test_custom_layout)
{
	static struct bc_desc_field fields[] = {
		{ "type", 0, 4, BC_FIELD_UINT },
		{ "key_size", 4, 4, BC_FIELD_UINT },
		{ "value_size", 8, 2, BC_FIELD_UINT },
		{ "max_entries", 12, 4, BC_FIELD_UINT },
		{ "inner_map_idx", 16, 1, BC_FIELD_UINT },
		{ "id", 17, 1, BC_FIELD_UINT },
		{ "namespace", 18, 6, BC_FIELD_STRING },
	};
	struct bc_elfb *b = elfb_base(false);
	unsigned char defs[48] = { 0 };
	struct bc_object *obj;
	const char *v;
	struct bc_map *m;
	int sec;

	desc->maps.fields = fields;
	desc->maps.field_cnt = ARRAY_SIZE(fields);
	desc->maps.layout_size = 24;
	desc->maps.size_rule = BC_REC_SYMBOL_SIZE;
	desc->maps.symbols = BC_SYMS_GLOBAL;
	desc->maps.zero_extend = false;
	put32(defs, BPF_MAP_TYPE_ARRAY_OF_MAPS, false);
	put32(defs + 4, 4, false);
	defs[8] = 4;
	put32(defs + 12, 2, false);
	defs[16] = 1;
	defs[17] = 7;
	memcpy(defs + 18, "net", 4);
	put32(defs + 24, BPF_MAP_TYPE_ARRAY, false);
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 48);
	bc_elfb_add_sym(b, "outer", sec, 0, 24, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "inner", sec, 24, 24, STT_OBJECT, STB_GLOBAL);
	/* Local labels are not map symbols under the "global" rule. */
	bc_elfb_add_sym(b, "label", sec, 4, 0, STT_NOTYPE, STB_LOCAL);
	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	m = bc_object__find_map(obj, "outer");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(bc_map__value_size(m), 4);
	ck_assert_ptr_eq(bc_map__inner(m), bc_object__find_map(obj, "inner"));
	ck_assert_uint_eq(bc_map__attr_cnt(m), 2);
	ck_assert_str_eq(bc_map__attr(m, 0, &v), "id");
	ck_assert_str_eq(v, "7");
	ck_assert_str_eq(bc_map__attr(m, 1, &v), "namespace");
	ck_assert_str_eq(v, "net");
	bc_object__close(obj);

	/* A string field without its NUL is refused. */
	memcpy(defs + 18, "netnet", 6);
	bc_elfb_free(b);
	b = elfb_base(false);
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 48);
	bc_elfb_add_sym(b, "outer", sec, 0, 24, STT_OBJECT, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"field 'namespace' is not NUL-terminated"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_inner_idx_range)
{
	static struct bc_desc_field fields[] = {
		{ "type", 0, 4, BC_FIELD_UINT },
		{ "inner_map_idx", 4, 4, BC_FIELD_UINT },
	};
	struct bc_elfb *b = elfb_base(false);
	unsigned char defs[16] = { 0 };
	struct bc_object *obj;
	int sec;

	desc->maps.fields = fields;
	desc->maps.field_cnt = ARRAY_SIZE(fields);
	desc->maps.layout_size = 8;
	put32(defs, BPF_MAP_TYPE_HASH_OF_MAPS, false);
	put32(defs + 4, 5, false);
	sec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC, defs, 16);
	bc_elfb_add_sym(b, "a", sec, 0, 8, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "b", sec, 8, 8, STT_OBJECT, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "inner_map_idx 5"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_section_suffix_names)
{
	static struct bc_desc_match sec_match = { BC_MATCH_PREFIX, "maps/" };
	struct bc_elfb *b = elfb_base(false);
	unsigned char defs[20] = { 1, 0, 0, 0, 4 };
	struct bc_object *obj;

	desc->maps.sections = &sec_match;
	desc->maps.section_cnt = 1;
	desc->maps.size_rule = BC_REC_WHOLE_SECTION;
	desc->maps.name_from = BC_NAME_SECTION_SUFFIX;
	bc_elfb_add_sec(b, "maps/events", SHT_PROGBITS, SHF_ALLOC, defs, 20);
	bc_elfb_add_sec(b, "maps/stats", SHT_PROGBITS, SHF_ALLOC, defs, 20);
	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 0)), "events");
	ck_assert_str_eq(bc_map__name(bc_object__map(obj, 1)), "stats");
	ck_assert_uint_eq(bc_map__key_size(bc_object__map(obj, 1)), 4);
	ck_assert_str_eq(bc_map__section(bc_object__map(obj, 1)),
			 "maps/stats");
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

START_TEST(test_text_library)
{
	struct bc_elfb *b = elfb_base(false);
	unsigned char insns[16];
	struct bc_object *obj;
	int sec;

	bc_elfb_insn(insns, false, 0xb7, 0, 0, 0, 1);
	bc_elfb_insn(insns + 8, false, 0x95, 0, 0, 0, 0);
	sec = bc_elfb_add_sec(b, ".text", SHT_PROGBITS,
			      SHF_ALLOC | SHF_EXECINSTR, insns, 16);
	bc_elfb_add_sym(b, "subprog", sec, 0, 16, STT_FUNC, STB_GLOBAL);
	ck_assert_int_eq(collect_elfb(b, &obj), 0);
	ck_assert_uint_eq(bc_object__prog_cnt(obj), 1);
	ck_assert_str_eq(bc_prog__name(bc_object__prog(obj, 0)), "prog");
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("collect");
	TCase *tc = tcase_create("clang");
	TCase *tb = tcase_create("built");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_legacy_object);
	tcase_add_test(tc, test_def28_zero_tail);
	tcase_add_test(tc, test_def36_tail_nonzero);
	tcase_add_test(tc, test_mixed_sizes);
	tcase_add_test(tc, test_stray_variable);
	tcase_add_test(tc, test_static_map);
	tcase_add_test(tc, test_static_prog);
	tcase_add_test(tc, test_multi_prog_section);
	tcase_add_test(tc, test_global_data);
	tcase_add_test(tc, test_global_data_referenced_only);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_add_test(tb, test_big_endian_maps);
	tcase_add_test(tb, test_many_entries);
	tcase_add_test(tb, test_license_unterminated);
	tcase_add_test(tb, test_version_size);
	tcase_add_test(tb, test_version_prefix_short);
	tcase_add_test(tb, test_version_magic);
	tcase_add_test(tb, test_maps_indivisible);
	tcase_add_test(tb, test_maps_overlap);
	tcase_add_test(tb, test_custom_layout);
	tcase_add_test(tb, test_inner_idx_range);
	tcase_add_test(tb, test_section_suffix_names);
	tcase_add_test(tb, test_text_library);
	suite_add_tcase(s, tb);
	return bc_test_run(s);
}
