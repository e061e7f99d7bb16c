// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests for core/reloc.c. Objects are built by hand: a struct bc_elf
 * with sections, symbols and relocations in memory, and the model structs
 * the collector would produce, so every case pins one rule exactly.
 */
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "btf.h"
#include "internal.h"
#include "object.h"
#include "testutil.h"

#define MAX_SECS	12
#define MAX_SYMS	32
#define MAX_RELS	16
#define MAX_CODE	64

#define INSN(c, d, s, o, i)						\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s),	\
			    .off = (o), .imm = (i) })
#define LD64(dst, src, imm)	INSN(0x18, dst, src, 0, imm), INSN(0, 0, 0, 0, 0)
#define CALL(imm)		INSN(0x85, 0, BPF_PSEUDO_CALL, 0, imm)
#define HELPER(id)		INSN(0x85, 0, 0, 0, id)
#define MOVI(k)			INSN(0xb7, 0, 0, 0, k)	/* r0 = k, a marker */
#define EXIT			INSN(0x95, 0, 0, 0, 0)

/* A hand-built object: the ELF view plus the model around it. */
struct fake {
	struct bc_elf elf;
	struct bc_elf_sec secs[MAX_SECS];
	struct bc_elf_sym syms[MAX_SYMS];
	struct bc_elf_rel rels[MAX_SECS][MAX_RELS];
	struct bpf_insn code[MAX_SECS][MAX_CODE];
	struct bc_object obj;
};

static struct fake *f_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	f->elf.path = "test.o";
	f->elf.secs = f->secs;
	f->elf.sec_cnt = 1;
	f->elf.syms = f->syms;
	f->elf.sym_cnt = 1;
	f->secs[0].name = "";
	f->syms[0].name = "";
	f->obj.path = "test.o";
	f->obj.name = "test.o";
	f->obj.elf = &f->elf;
	bc_test_capture_log();
	return f;
}

static void f_free(struct fake *f)
{
	size_t i;

	bc_btf_release(&f->obj);	/* BTF and func/line info of bc_reloc */
	for (i = 0; i < f->obj.prog_cnt; i++) {
		struct bc_prog *p = f->obj.progs[i];

		free(p->insns);
		if (p->linked_own)
			free(p->linked);
		free(p);
	}
	free(f->obj.fixups);
	free(f->obj.spans);
	free(f->obj.code);
	for (i = 0; i < f->obj.map_cnt; i++)
		free(f->obj.maps[i]);
	free(f->obj.progs);
	free(f->obj.maps);
	free(f);
}

/* A section; code sections get their bytes from f_code(). */
static size_t f_sec(struct fake *f, const char *name, bool exec, __u64 size)
{
	size_t i = f->elf.sec_cnt++;
	struct bc_elf_sec *s = &f->secs[i];

	ck_assert_uint_lt(i, MAX_SECS);
	s->idx = i;
	s->name = name;
	s->type = SHT_PROGBITS;
	s->flags = SHF_ALLOC | (exec ? SHF_EXECINSTR : 0);
	s->exec = exec;
	s->size = size;
	s->data = f->code[i];
	s->rels = f->rels[i];
	return i;
}

/* Append code to a section; returns the index of its first insn. */
static size_t f_code(struct fake *f, size_t sec, const struct bpf_insn *insns,
		     size_t cnt)
{
	size_t at = f->secs[sec].size / 8;

	ck_assert_uint_le(at + cnt, MAX_CODE);
	memcpy(&f->code[sec][at], insns, cnt * sizeof(*insns));
	f->secs[sec].size += cnt * 8;
	return at;
}

#define F_CODE(f, sec, ...)						\
	f_code(f, sec, (const struct bpf_insn[]){ __VA_ARGS__ },	\
	       sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) /		\
	       sizeof(struct bpf_insn))

static size_t f_sym(struct fake *f, const char *name, size_t shndx,
		    __u64 value, __u64 size, __u8 type, __u8 bind)
{
	size_t i = f->elf.sym_cnt++;

	ck_assert_uint_lt(i, MAX_SYMS);
	f->syms[i] = (struct bc_elf_sym){
		.name = name, .value = value, .size = size,
		.shndx = (__u16)shndx, .type = type, .bind = bind,
	};
	return i;
}

/* A function symbol spanning cnt insns from insn index start. */
static size_t f_func(struct fake *f, const char *name, size_t sec,
		     size_t start, size_t cnt, bool global)
{
	return f_sym(f, name, sec, start * 8, cnt * 8, STT_FUNC,
		     global ? STB_GLOBAL : STB_LOCAL);
}

static size_t f_secsym(struct fake *f, size_t sec)
{
	return f_sym(f, "", sec, 0, 0, STT_SECTION, STB_LOCAL);
}

static void f_rel(struct fake *f, size_t sec, size_t insn, size_t sym)
{
	struct bc_elf_sec *s = &f->secs[sec];

	ck_assert_uint_lt(s->rel_cnt, MAX_RELS);
	f->rels[sec][s->rel_cnt++] = (struct bc_elf_rel){
		.offset = insn * 8, .sym = (__u32)sym, .type = 1,
	};
}

static struct bc_map *f_map(struct fake *f, const char *name,
			    enum bc_map_kind kind, size_t sec, __u64 off,
			    __u64 def_size)
{
	struct bc_object *o = &f->obj;
	struct bc_map *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	o->maps = realloc(o->maps, (o->map_cnt + 1) * sizeof(*o->maps));
	ck_assert_ptr_nonnull(o->maps);
	m->obj = o;
	m->idx = o->map_cnt;
	m->name = (char *)name;
	m->kind = kind;
	m->sec_idx = (int)sec;
	m->sec_name = (char *)f->secs[sec].name;
	m->sec_off = off;
	m->def_size = def_size;
	m->inner_idx = -1;
	m->fd = -1;
	o->maps[o->map_cnt++] = m;
	return m;
}

static struct bc_prog *f_prog(struct fake *f, const char *name, size_t sec,
			      size_t start, size_t cnt)
{
	struct bc_object *o = &f->obj;
	struct bc_prog *p = calloc(1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	o->progs = realloc(o->progs, (o->prog_cnt + 1) * sizeof(*o->progs));
	ck_assert_ptr_nonnull(o->progs);
	p->obj = o;
	p->idx = o->prog_cnt;
	p->name = (char *)name;
	p->sec_name = (char *)f->secs[sec].name;
	p->sec_idx = (int)sec;
	p->sec_off = start * 8;
	p->insn_cnt = cnt;
	p->insns = malloc(cnt * sizeof(*p->insns));
	ck_assert_ptr_nonnull(p->insns);
	memcpy(p->insns, &f->code[sec][start], cnt * sizeof(*p->insns));
	p->autoload = true;
	p->fd = -1;
	o->progs[o->prog_cnt++] = p;
	return p;
}

static void assert_log(const char *needle)
{
	const char *log = bc_test_log();

	ck_assert_msg(log && strstr(log, needle),
		      "log lacks \"%s\":\n%s", needle, log ? log : "");
}

static void assert_fixup(const struct bc_prog *p, size_t n, size_t insn,
			 enum bc_fixup_kind kind, size_t map, __u32 off)
{
	ck_assert_uint_lt(n, p->fixup_cnt);
	ck_assert_uint_eq(p->fixups[n].insn, insn);
	ck_assert_int_eq(p->fixups[n].kind, kind);
	ck_assert_uint_eq(p->fixups[n].map_idx, map);
	ck_assert_uint_eq(p->fixups[n].off, off);
}

/* ---- maps and data ------------------------------------------------------ */

START_TEST(test_map_ref)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 20);
	size_t m1 = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 0), MOVI(0), EXIT);
	f_rel(f, xdp, 0, m1);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	p = f_prog(f, "prog", xdp, 0, 4);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert(f->obj.relocated);
	ck_assert_uint_eq(p->linked_cnt, 4);
	ck_assert_uint_eq(p->fixup_cnt, 1);
	assert_fixup(p, 0, 0, BC_FIX_MAP_FD, 0, 0);
	ck_assert_uint_eq(p->linked[0].src_reg, BPF_PSEUDO_MAP_FD);
	ck_assert_int_eq(p->linked[0].imm, 0);
	/* the entry's own code is left as collected */
	ck_assert_uint_eq(p->insns[0].src_reg, 0);
	f_free(f);
}
END_TEST

START_TEST(test_two_maps_and_static_map)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 40);
	size_t m1 = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	size_t m2 = f_sym(f, "m2", maps, 20, 20, STT_OBJECT, STB_GLOBAL);
	size_t ms = f_secsym(f, maps);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 0), LD64(1, 0, 0), LD64(1, 0, 20),
	       MOVI(0), EXIT);
	f_rel(f, xdp, 0, m2);
	f_rel(f, xdp, 2, m1);
	f_rel(f, xdp, 4, ms);	/* static map: section symbol + imm */
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	f_map(f, "m2", BC_MAP_USER, maps, 20, 20);
	p = f_prog(f, "prog", xdp, 0, 8);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->fixup_cnt, 3);
	assert_fixup(p, 0, 0, BC_FIX_MAP_FD, 1, 0);
	assert_fixup(p, 1, 2, BC_FIX_MAP_FD, 0, 0);
	assert_fixup(p, 2, 4, BC_FIX_MAP_FD, 1, 0);
	ck_assert_int_eq(p->linked[4].imm, 0);
	f_free(f);
}
END_TEST

START_TEST(test_rodata_ref)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t ro = f_sec(f, ".rodata", false, 32);
	size_t rs = f_secsym(f, ro);
	size_t val = f_sym(f, "val", ro, 16, 8, STT_OBJECT, STB_GLOBAL);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 8), LD64(2, 0, 4), MOVI(0), EXIT);
	f_rel(f, xdp, 0, rs);
	f_rel(f, xdp, 2, val);
	f_map(f, "test.rodata", BC_MAP_RODATA, ro, 0, 32);
	p = f_prog(f, "prog", xdp, 0, 6);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->fixup_cnt, 2);
	assert_fixup(p, 0, 0, BC_FIX_MAP_VALUE, 0, 8);
	assert_fixup(p, 1, 2, BC_FIX_MAP_VALUE, 0, 20);
	ck_assert_uint_eq(p->linked[0].src_reg, BPF_PSEUDO_MAP_VALUE);
	ck_assert_int_eq(p->linked[0].imm, 0);
	ck_assert_int_eq(p->linked[1].imm, 8);
	ck_assert_int_eq(p->linked[2].imm, 0);
	ck_assert_int_eq(p->linked[3].imm, 20);
	f_free(f);
}
END_TEST

/* ---- calls and linking -------------------------------------------------- */

START_TEST(test_global_call)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t sub;
	struct bc_prog *p;

	F_CODE(f, text, MOVI(10), EXIT, MOVI(11), EXIT);
	f_func(f, "f0", text, 0, 2, true);
	sub = f_func(f, "sub", text, 2, 2, true);
	F_CODE(f, xdp, CALL(-1), EXIT);
	f_rel(f, xdp, 0, sub);
	p = f_prog(f, "prog", xdp, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 4);
	ck_assert_int_eq(p->linked[0].imm, 1);
	ck_assert_int_eq(p->linked[2].imm, 11);
	ck_assert_uint_eq(p->linked[3].code, 0x95);
	ck_assert_uint_eq(p->fixup_cnt, 0);
	f_free(f);
}
END_TEST

START_TEST(test_static_call_section_sym)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t ts = f_secsym(f, text);
	struct bc_prog *p;

	F_CODE(f, text, MOVI(10), EXIT, MOVI(11), MOVI(12), EXIT);
	f_func(f, "f0", text, 0, 2, true);
	f_func(f, "st", text, 2, 3, false);
	F_CODE(f, xdp, MOVI(0), CALL(1), EXIT);	/* imm = idx - 1 */
	f_rel(f, xdp, 1, ts);
	p = f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 6);
	ck_assert_int_eq(p->linked[1].imm, 1);
	ck_assert_int_eq(p->linked[3].imm, 11);
	ck_assert_int_eq(p->linked[4].imm, 12);
	f_free(f);
}
END_TEST

/*
 * E calls B then D; B calls C. libbpf appends in depth-first first-use
 * order: E B C D (not the order of appearance E B D C), and never X.
 */
START_TEST(test_dfs_order)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t ts = f_secsym(f, text), b;
	struct bc_prog *p;

	F_CODE(f, text, MOVI(3), EXIT,		/* C at 0 */
	       CALL(-3), MOVI(2), EXIT,		/* B at 2: pc-relative to C */
	       MOVI(4), EXIT,			/* D at 5 */
	       MOVI(9), EXIT);			/* X at 7: unreachable */
	f_func(f, "C", text, 0, 2, false);
	b = f_func(f, "B", text, 2, 3, true);
	f_func(f, "D", text, 5, 2, false);
	f_func(f, "X", text, 7, 2, true);
	F_CODE(f, xdp, CALL(-1), CALL(4), EXIT);
	f_rel(f, xdp, 0, b);
	f_rel(f, xdp, 1, ts);	/* D through the section symbol */
	p = f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 10);
	/* layout: E 0-2, B 3-5, C 6-7, D 8-9 */
	ck_assert_uint_eq(p->linked[3].code, 0x85);
	ck_assert_int_eq(p->linked[4].imm, 2);
	ck_assert_int_eq(p->linked[6].imm, 3);
	ck_assert_int_eq(p->linked[8].imm, 4);
	/* call imms: E->B, E->D, B->C */
	ck_assert_int_eq(p->linked[0].imm, 3 - 0 - 1);
	ck_assert_int_eq(p->linked[1].imm, 8 - 1 - 1);
	ck_assert_int_eq(p->linked[3].imm, 6 - 3 - 1);
	for (size_t i = 0; i < p->linked_cnt; i++)
		ck_assert_int_ne(p->linked[i].imm, 9);
	f_free(f);
}
END_TEST

START_TEST(test_shared_callee_once)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t c, b;
	struct bc_prog *p, *q;

	F_CODE(f, text, MOVI(3), EXIT,		/* C at 0 */
	       CALL(-3), EXIT);			/* B at 2 -> C */
	c = f_func(f, "C", text, 0, 2, true);
	b = f_func(f, "B", text, 2, 2, true);
	F_CODE(f, xdp, CALL(-1), CALL(-1), EXIT,	/* prog: B, C */
	       CALL(-1), EXIT);				/* other: C */
	f_rel(f, xdp, 0, b);
	f_rel(f, xdp, 1, c);
	f_rel(f, xdp, 3, c);
	p = f_prog(f, "prog", xdp, 0, 3);
	q = f_prog(f, "other", xdp, 3, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	/* E 0-2, B 3-4, C 5-6 */
	ck_assert_uint_eq(p->linked_cnt, 7);
	ck_assert_int_eq(p->linked[0].imm, 3 - 0 - 1);
	ck_assert_int_eq(p->linked[1].imm, 5 - 1 - 1);
	ck_assert_int_eq(p->linked[3].imm, 5 - 3 - 1);
	ck_assert_int_eq(p->linked[5].imm, 3);
	/* each entry gets its own copy, laid out afresh */
	ck_assert_uint_eq(q->linked_cnt, 4);
	ck_assert_int_eq(q->linked[0].imm, 2 - 0 - 1);
	ck_assert_int_eq(q->linked[2].imm, 3);
	f_free(f);
}
END_TEST

START_TEST(test_no_calls_alone)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	struct bc_prog *p;

	F_CODE(f, text, MOVI(1), EXIT, MOVI(2), EXIT);
	f_func(f, "a", text, 0, 2, true);
	f_func(f, "b", text, 2, 2, true);
	F_CODE(f, xdp, HELPER(5), MOVI(0), EXIT);
	p = f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 3);
	ck_assert_int_eq(p->linked[0].imm, 5);	/* helper call untouched */
	f_free(f);
}
END_TEST

START_TEST(test_recursion)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t a;
	struct bc_prog *p;

	F_CODE(f, text, CALL(1), EXIT,		/* A at 0 -> B */
	       CALL(-3), EXIT);			/* B at 2 -> A */
	a = f_func(f, "A", text, 0, 2, true);
	f_func(f, "B", text, 2, 2, false);
	F_CODE(f, xdp, CALL(-1), EXIT);
	f_rel(f, xdp, 0, a);
	p = f_prog(f, "prog", xdp, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	/* E 0-1, A 2-3, B 4-5 */
	ck_assert_uint_eq(p->linked_cnt, 6);
	ck_assert_int_eq(p->linked[0].imm, 1);
	ck_assert_int_eq(p->linked[2].imm, 1);
	ck_assert_int_eq(p->linked[4].imm, 2 - 4 - 1);
	f_free(f);
}
END_TEST

START_TEST(test_subprog_in_own_section)
{
	struct fake *f = f_new();
	size_t sec = f_sec(f, "tc", true, 0), ts = f_secsym(f, sec);
	struct bc_prog *p;

	/* helper function after the entry, reached via section symbol */
	F_CODE(f, sec, CALL(1), EXIT, MOVI(7), EXIT);
	f_func(f, "prog", sec, 0, 2, true);
	f_func(f, "helper", sec, 2, 2, false);
	f_rel(f, sec, 0, ts);
	p = f_prog(f, "prog", sec, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 4);
	ck_assert_int_eq(p->linked[0].imm, 1);
	ck_assert_int_eq(p->linked[2].imm, 7);
	f_free(f);
}
END_TEST

START_TEST(test_callback_addr)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t cb;
	struct bc_prog *p;

	F_CODE(f, text, MOVI(1), EXIT, MOVI(5), EXIT);
	f_func(f, "other", text, 0, 2, false);
	cb = f_func(f, "cb", text, 2, 2, false);
	F_CODE(f, xdp, LD64(2, 0, 0), HELPER(181), EXIT);
	f_rel(f, xdp, 0, cb);
	p = f_prog(f, "prog", xdp, 0, 4);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 6);
	ck_assert_uint_eq(p->linked[0].src_reg, BPF_PSEUDO_FUNC);
	ck_assert_int_eq(p->linked[0].imm, 4 - 0 - 1);
	ck_assert_int_eq(p->linked[4].imm, 5);
	ck_assert_uint_eq(p->fixup_cnt, 0);
	f_free(f);
}
END_TEST

START_TEST(test_idempotent)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t maps = f_sec(f, "maps", false, 20), sub, m;
	struct bc_prog *p;

	F_CODE(f, text, LD64(1, 0, 0), EXIT);
	sub = f_func(f, "sub", text, 0, 3, true);
	m = f_sym(f, "m", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	f_rel(f, text, 0, m);
	F_CODE(f, xdp, CALL(-1), EXIT);
	f_rel(f, xdp, 0, sub);
	f_map(f, "m", BC_MAP_USER, maps, 0, 20);
	p = f_prog(f, "prog", xdp, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 5);
	ck_assert_uint_eq(p->fixup_cnt, 1);
	/* the subprogram's own map reference, at its linked position */
	assert_fixup(p, 0, 2, BC_FIX_MAP_FD, 0, 0);
	f_free(f);
}
END_TEST

/*
 * A code section without function symbols holds no function a call can
 * enter: libbpf finds no subprogram there and refuses the call. A call
 * into the entry's own section stays inside the entry.
 */
START_TEST(test_symbolless_section)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t own = f_sec(f, "tc", true, 0);
	size_t ts = f_secsym(f, text), os = f_secsym(f, own);
	struct bc_prog *p;

	F_CODE(f, text, MOVI(1), EXIT);
	F_CODE(f, xdp, MOVI(0), CALL(-1), EXIT);
	f_rel(f, xdp, 1, ts);
	F_CODE(f, own, MOVI(0), CALL(-1), EXIT);
	f_rel(f, own, 1, os);
	f_prog(f, "prog", xdp, 0, 3);
	p = f_prog(f, "own", own, 0, 3);
	f->obj.progs[0]->autoload = false;

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	assert_log("prog 'prog': insn 1 (section 'xdp'+0x8): call target '.text'+0x0 (insn 0) is not the start of a function");
	ck_assert_ptr_null(f->obj.progs[0]->linked);
	ck_assert_uint_eq(p->linked_cnt, 3);
	ck_assert_int_eq(p->linked[1].imm, 0 - 1 - 1);
	f_free(f);
}
END_TEST

/*
 * Overlapping functions are linked once each, so a program can have more
 * fixups than any section has relocations: the scratch outgrows its
 * reservation.
 */
START_TEST(test_fixups_outgrow_reserve)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t maps = f_sec(f, "maps", false, 20), a, b, m;
	struct bc_prog *p;

	F_CODE(f, text, LD64(1, 0, 0), LD64(1, 0, 0), EXIT);
	a = f_func(f, "a", text, 0, 5, true);
	b = f_func(f, "b", text, 2, 3, true);
	m = f_sym(f, "m", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	f_rel(f, text, 0, m);
	f_rel(f, text, 2, m);
	F_CODE(f, xdp, CALL(-1), CALL(-1), EXIT);
	f_rel(f, xdp, 0, a);
	f_rel(f, xdp, 1, b);
	f_map(f, "m", BC_MAP_USER, maps, 0, 20);
	p = f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->linked_cnt, 3 + 5 + 3);
	ck_assert_uint_eq(p->fixup_cnt, 3);
	assert_fixup(p, 0, 3, BC_FIX_MAP_FD, 0, 0);
	assert_fixup(p, 1, 5, BC_FIX_MAP_FD, 0, 0);
	assert_fixup(p, 2, 8, BC_FIX_MAP_FD, 0, 0);
	f_free(f);
}
END_TEST

/*
 * Programs sharing a callee make more fixups than there are relocations:
 * the block grows. Each program points at its own slice, in program
 * order; a program left unrelocated keeps none of the fixups it made
 * before failing.
 */
START_TEST(test_fixups_shared_callee)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t maps = f_sec(f, "maps", false, 40), a, m, n, ext, i;
	struct bc_prog *p[6];

	F_CODE(f, text, LD64(1, 0, 0), LD64(1, 0, 0), EXIT);
	a = f_func(f, "a", text, 0, 5, true);
	m = f_sym(f, "m", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	n = f_sym(f, "n", maps, 20, 20, STT_OBJECT, STB_GLOBAL);
	ext = f_sym(f, "ext", SHN_UNDEF, 0, 0, STT_NOTYPE, STB_GLOBAL);
	f_rel(f, text, 0, m);
	f_rel(f, text, 2, n);
	/* p[1]: a map reference, then an extern it fails on. */
	F_CODE(f, xdp, CALL(-1), EXIT,
	       LD64(1, 0, 0), LD64(2, 0, 0), EXIT,
	       CALL(-1), EXIT, CALL(-1), EXIT, CALL(-1), EXIT,
	       CALL(-1), EXIT);
	f_rel(f, xdp, 0, a);
	f_rel(f, xdp, 2, n);
	f_rel(f, xdp, 4, ext);
	for (i = 7; i < 15; i += 2)
		f_rel(f, xdp, i, a);
	f_map(f, "m", BC_MAP_USER, maps, 0, 20);
	f_map(f, "n", BC_MAP_USER, maps, 20, 20);
	p[0] = f_prog(f, "p0", xdp, 0, 2);
	p[1] = f_prog(f, "p1", xdp, 2, 5);
	p[1]->autoload = false;
	for (i = 2; i < 6; i++)
		p[i] = f_prog(f, "pn", xdp, 7 + (i - 2) * 2, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_ptr_null(p[1]->linked);
	ck_assert_ptr_null(p[1]->fixups);
	ck_assert_uint_eq(p[1]->fixup_cnt, 0);
	for (i = 0; i < 6; i++) {
		if (i == 1)
			continue;
		ck_assert_uint_eq(p[i]->linked_cnt, 2 + 5);
		ck_assert_uint_eq(p[i]->fixup_cnt, 2);
		ck_assert_ptr_eq(p[i]->fixups,
				 f->obj.fixups + 2 * (i - !!i));
		assert_fixup(p[i], 0, 2, BC_FIX_MAP_FD, 0, 0);
		assert_fixup(p[i], 1, 4, BC_FIX_MAP_FD, 1, 0);
	}
	/* Relocating again starts from nothing. */
	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p[5]->fixup_cnt, 2);
	assert_fixup(p[5], 1, 4, BC_FIX_MAP_FD, 1, 0);
	f_free(f);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_err_not_func_start)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t ts = f_secsym(f, text);

	F_CODE(f, text, MOVI(1), MOVI(2), EXIT);
	f_func(f, "f", text, 0, 3, true);
	F_CODE(f, xdp, CALL(0), EXIT);	/* target .text insn 1 */
	f_rel(f, xdp, 0, ts);
	f_prog(f, "prog", xdp, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	ck_assert(!f->obj.relocated);
	assert_log("prog 'prog': insn 0 (section 'xdp'+0x0): call target '.text'+0x8");
	assert_log("not the start of a function");
	f_free(f);
}
END_TEST

START_TEST(test_err_call_non_exec)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 20);
	size_t m = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);

	F_CODE(f, xdp, MOVI(0), CALL(-1), EXIT);
	f_rel(f, xdp, 1, m);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("test.o: prog 'prog': insn 1 (section 'xdp'+0x8): call relocation against 'm1' in non-code section 'maps'");
	f_free(f);
}
END_TEST

START_TEST(test_err_bad_call_opcode)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t s;

	F_CODE(f, text, MOVI(1), EXIT);
	s = f_func(f, "s", text, 0, 2, true);
	F_CODE(f, xdp, HELPER(-1), EXIT);
	f_rel(f, xdp, 0, s);
	f_prog(f, "prog", xdp, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("incorrect bpf_call opcode");
	f_free(f);
}
END_TEST

START_TEST(test_err_no_map)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 60);
	size_t g = f_sym(f, "ghost", maps, 40, 20, STT_OBJECT, STB_GLOBAL);

	F_CODE(f, xdp, LD64(1, 0, 0), EXIT);
	f_rel(f, xdp, 0, g);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	f_map(f, "m2", BC_MAP_USER, maps, 20, 20);
	f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("relocation against 'ghost' in section 'maps' at offset 40 matches no map definition");
	f_free(f);
}
END_TEST

START_TEST(test_err_unresolved_and_extern)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t com = f_sym(f, "counter", SHN_COMMON, 8, 8, STT_OBJECT,
			   STB_GLOBAL);
	size_t kf = f_sym(f, "bpf_kfunc", SHN_UNDEF, 0, 0, STT_NOTYPE,
			  STB_GLOBAL);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 0), EXIT, CALL(-1), EXIT);
	f_rel(f, xdp, 0, com);
	f_rel(f, xdp, 3, kf);
	p = f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("relocation against unresolved symbol 'counter'");

	p->insns[0] = CALL(-1);	/* now the kfunc call */
	p->sec_off = 3 * 8;
	p->insn_cnt = 2;
	p->insns[1] = EXIT;
	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__UNSUPP);
	assert_log("call to extern 'bpf_kfunc', which the object's BTF does not declare as a __ksym function");
	f_free(f);
}
END_TEST

START_TEST(test_err_other_section)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t str = f_sec(f, ".rodata.str1.1", false, 6);
	size_t ss = f_secsym(f, str);

	F_CODE(f, xdp, LD64(1, 0, 0), EXIT);
	f_rel(f, xdp, 0, ss);
	f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("relocation against '.rodata.str1.1' in section '.rodata.str1.1'");
	f_free(f);
}
END_TEST

START_TEST(test_err_pseudo_func_without_rel)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);

	F_CODE(f, xdp, LD64(2, BPF_PSEUDO_FUNC, 1), EXIT);
	f_prog(f, "prog", xdp, 0, 3);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("without relocation");
	f_free(f);
}
END_TEST

START_TEST(test_err_non_autoload_skipped)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 20);
	size_t m = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	size_t g = f_sym(f, "ghost", maps, 24, 4, STT_OBJECT, STB_GLOBAL);
	struct bc_prog *good, *bad;

	F_CODE(f, xdp, LD64(1, 0, 0), EXIT, LD64(1, 0, 0), EXIT);
	f_rel(f, xdp, 0, m);
	f_rel(f, xdp, 3, g);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	good = f_prog(f, "good", xdp, 0, 3);
	bad = f_prog(f, "bad", xdp, 3, 3);
	bad->autoload = false;

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert(f->obj.relocated);
	ck_assert_ptr_nonnull(good->linked);
	ck_assert_uint_eq(good->fixup_cnt, 1);
	ck_assert_ptr_null(bad->linked);
	ck_assert_uint_eq(bad->linked_cnt, 0);
	assert_log("prog 'bad': not autoloaded");

	/* the same error in a loaded program fails the object, whole */
	bad->autoload = true;
	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	ck_assert(!f->obj.relocated);
	ck_assert_ptr_null(good->linked);
	f_free(f);
}
END_TEST

/* ---- CO-RE detection ---------------------------------------------------- */

/* ---- input order: fast paths and their sorting fallbacks ---------------- */

/* Relocations out of offset order (clang never writes them so). */
START_TEST(test_unsorted_rels)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 40);
	size_t m1 = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	size_t m2 = f_sym(f, "m2", maps, 20, 20, STT_OBJECT, STB_GLOBAL);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 0), MOVI(0), LD64(2, 0, 0),
	       LD64(3, 0, 0), EXIT);
	f_rel(f, xdp, 5, m1);
	f_rel(f, xdp, 3, m2);
	f_rel(f, xdp, 0, m2);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	f_map(f, "m2", BC_MAP_USER, maps, 20, 20);
	p = f_prog(f, "prog", xdp, 0, 8);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->fixup_cnt, 3);
	assert_fixup(p, 0, 0, BC_FIX_MAP_FD, 1, 0);
	assert_fixup(p, 1, 3, BC_FIX_MAP_FD, 1, 0);
	assert_fixup(p, 2, 5, BC_FIX_MAP_FD, 0, 0);
	f_free(f);
}
END_TEST

/* Two relocations at one offset: the first in file order wins, sorted
 * or not. */
START_TEST(test_duplicate_rel_first_wins)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 40);
	size_t m1 = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	size_t m2 = f_sym(f, "m2", maps, 20, 20, STT_OBJECT, STB_GLOBAL);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 0), LD64(2, 0, 0), EXIT);
	f_rel(f, xdp, 2, m1);
	f_rel(f, xdp, 0, m2);	/* unsorted: forces the sorted copy */
	f_rel(f, xdp, 2, m2);	/* same offset, later: loses */
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	f_map(f, "m2", BC_MAP_USER, maps, 20, 20);
	p = f_prog(f, "prog", xdp, 0, 5);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->fixup_cnt, 2);
	assert_fixup(p, 0, 0, BC_FIX_MAP_FD, 1, 0);
	assert_fixup(p, 1, 2, BC_FIX_MAP_FD, 0, 0);
	f_free(f);
}
END_TEST

/*
 * Function symbols out of offset order, aliases and a zero-sized one;
 * map definitions out of offset order. Callee fixups land between the
 * entry's, so the fixups are sorted afterwards.
 */
START_TEST(test_unsorted_funcs_and_maps)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t maps = f_sec(f, "maps", false, 40);
	size_t m1 = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	size_t m2 = f_sym(f, "m2", maps, 20, 20, STT_OBJECT, STB_GLOBAL);
	size_t b, c;
	struct bc_prog *p;

	F_CODE(f, text, MOVI(7), EXIT,			/* C at 0 */
	       LD64(1, 0, 0), MOVI(8), EXIT);		/* B at 2 */
	b = f_func(f, "B", text, 2, 1, true);
	f_func(f, "B_long", text, 2, 4, false);	/* the longest alias wins */
	c = f_func(f, "C", text, 0, 0, true);	/* zero-sized: up to B */
	f_rel(f, text, 2, m1);
	F_CODE(f, xdp, CALL(-1), LD64(1, 0, 0), CALL(-1), EXIT);
	f_rel(f, xdp, 0, b);
	f_rel(f, xdp, 1, m2);
	f_rel(f, xdp, 3, c);
	f_map(f, "m2", BC_MAP_USER, maps, 20, 20);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	p = f_prog(f, "prog", xdp, 0, 5);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	/* E 0-4, B 5-8, C 9-10 */
	ck_assert_uint_eq(p->linked_cnt, 11);
	ck_assert_int_eq(p->linked[0].imm, 5 - 0 - 1);
	ck_assert_int_eq(p->linked[3].imm, 9 - 3 - 1);
	ck_assert_int_eq(p->linked[7].imm, 8);
	ck_assert_int_eq(p->linked[9].imm, 7);
	ck_assert_uint_eq(p->fixup_cnt, 2);
	assert_fixup(p, 0, 1, BC_FIX_MAP_FD, 0, 0);
	assert_fixup(p, 1, 5, BC_FIX_MAP_FD, 1, 0);
	f_free(f);
}
END_TEST

/* A relocation on the second slot of an ld_imm64 is never looked at. */
START_TEST(test_rel_on_second_slot_ignored)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t maps = f_sec(f, "maps", false, 20);
	size_t m1 = f_sym(f, "m1", maps, 0, 20, STT_OBJECT, STB_GLOBAL);
	struct bc_prog *p;

	F_CODE(f, xdp, LD64(1, 0, 0), HELPER(1), LD64(2, 0, 0), EXIT);
	f_rel(f, xdp, 1, m1);
	f_rel(f, xdp, 4, m1);
	f_rel(f, xdp, 3, m1);
	f_map(f, "m1", BC_MAP_USER, maps, 0, 20);
	p = f_prog(f, "prog", xdp, 0, 6);

	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(p->fixup_cnt, 1);
	assert_fixup(p, 0, 3, BC_FIX_MAP_FD, 0, 0);
	ck_assert_uint_eq(p->linked[0].src_reg, 0);
	f_free(f);
}
END_TEST

/*
 * Bad function symbols in two sections: the lower section's first one is
 * reported, whatever the symbol order.
 */
START_TEST(test_err_bad_func_lowest_section)
{
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);

	F_CODE(f, xdp, MOVI(0), EXIT);
	F_CODE(f, text, MOVI(1), EXIT);
	f_sym(f, "late", text, 4, 8, STT_FUNC, STB_GLOBAL);
	f_sym(f, "first", xdp, 8, 16, STT_FUNC, STB_GLOBAL);
	f_sym(f, "second", xdp, 3, 8, STT_FUNC, STB_GLOBAL);
	f_prog(f, "prog", xdp, 0, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__FORMAT);
	assert_log("section 'xdp': function 'first' at 0x8 size 16 is outside");
	ck_assert_ptr_null(strstr(bc_test_log(), "'late'"));
	ck_assert_ptr_null(strstr(bc_test_log(), "'second'"));
	f_free(f);
}
END_TEST

static void put32(unsigned char *p, __u32 v)
{
	memcpy(p, &v, 4);
}

/* A record that names nothing in the object's BTF fails its program. */
START_TEST(test_core_bad_record)
{
	static const char strs[] = "\0xdp\0.text";
	unsigned char btf[24 + sizeof(strs)] = {}, ext[32 + 28] = {};
	struct fake *f = f_new();
	size_t xdp = f_sec(f, "xdp", true, 0);
	size_t text = f_sec(f, ".text", true, 0);
	size_t b = f_sec(f, ".BTF", false, sizeof(btf));
	size_t e = f_sec(f, ".BTF.ext", false, sizeof(ext));
	size_t s;

	/* .BTF: header, no types, strings */
	btf[0] = 0x9f, btf[1] = 0xeb, btf[2] = 1;
	put32(btf + 4, 24);
	put32(btf + 16, 0);
	put32(btf + 20, sizeof(strs));
	memcpy(btf + 24, strs, sizeof(strs));
	/* .BTF.ext: header to core_relo_len, then one .text record */
	ext[0] = 0x9f, ext[1] = 0xeb, ext[2] = 1;
	put32(ext + 4, 32);
	put32(ext + 24, 0);
	put32(ext + 28, 28);
	put32(ext + 32, 16);		/* record size */
	put32(ext + 36, 5);		/* ".text" */
	put32(ext + 40, 1);
	put32(ext + 44, 8);		/* insn_off: 2nd .text insn */
	f->secs[b].data = btf;
	f->secs[e].data = ext;

	F_CODE(f, text, MOVI(1), MOVI(2), EXIT, MOVI(3), EXIT);
	s = f_func(f, "s", text, 0, 3, true);
	f_func(f, "t", text, 3, 2, true);
	F_CODE(f, xdp, CALL(-1), EXIT, MOVI(0), EXIT);
	f_rel(f, xdp, 0, s);
	f_prog(f, "uses", xdp, 0, 2);
	f_prog(f, "plain", xdp, 2, 2);

	ck_assert_int_eq(bc_reloc(&f->obj), -BC_ERRNO__RELOC);
	assert_log("prog 'uses': insn 3 (section '.text'+0x8): CO-RE: byte_off of type [0] (access ''): type id 0 or access string offset 0 is not in the object's BTF");

	/* a program that does not reach the record is fine */
	f->obj.progs[0]->autoload = false;
	ck_assert_int_eq(bc_reloc(&f->obj), 0);
	ck_assert_uint_eq(f->obj.progs[1]->linked_cnt, 2);
	f_free(f);
}
END_TEST


/* ---- end to end: a clang-built object through the real reader ----------- */

/*
 * prog calls glob (global, relocated) then other (static, via the .text
 * section symbol); glob and other both call leaf pc-relatively; unused is
 * never called. libbpf links prog, glob, leaf, other: leaf comes before
 * other because it is first used inside glob.
 */
static const char e2e_src[] =
	"#define SEC(n) __attribute__((section(n), used))\n"
	"#define __noinline __attribute__((noinline))\n"
	"struct bpf_map_def {\n"
	"	unsigned int type, key_size, value_size, max_entries, map_flags;\n"
	"};\n"
	"struct bpf_map_def SEC(\"maps\") counts = {\n"
	"	.type = 2, .key_size = 4, .value_size = 8, .max_entries = 4,\n"
	"};\n"
	"static void *(*bpf_map_lookup_elem)(void *map, const void *key) =\n"
	"	(void *)1;\n"
	"static __noinline int leaf(int x) { return x * 3 + 1; }\n"
	"__noinline int glob(int x) { return leaf(x) + 2; }\n"
	"static __noinline int other(int x)\n"
	"{\n"
	"	long *v = bpf_map_lookup_elem(&counts, &x);\n"
	"\n"
	"	return v ? (int)*v : leaf(x + 5);\n"
	"}\n"
	"__noinline int unused(int x) { return x - 7; }\n"
	"SEC(\"xdp\") int prog(unsigned int *ctx)\n"
	"{\n"
	"	int k = ctx[0] & 3;\n"
	"\n"
	"	return (glob(k) + other(k)) & 1 ? 2 : 1;\n"
	"}\n"
	"struct pair { int a, b; } __attribute__((preserve_access_index));\n"
	"SEC(\"xdp\") int core_prog(struct pair *p) { return p->b; }\n"
	"char _license[] SEC(\"license\") = \"GPL\";\n";

static char e2e_obj[PATH_MAX];

/* Build the object once; false (with a printed reason) if clang fails. */
static bool e2e_build(void)
{
	char dir[] = "/tmp/bc-reloc-XXXXXX", src[PATH_MAX], cmd[3 * PATH_MAX];
	FILE *f;

	if (!mkdtemp(dir))
		return false;
	snprintf(src, sizeof(src), "%s/sub.c", dir);
	snprintf(e2e_obj, sizeof(e2e_obj), "%s/sub.o", dir);
	f = fopen(src, "w");
	if (!f)
		return false;
	fputs(e2e_src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "clang -O2 -g -target bpf -c %s -o %s 2>/dev/null", src,
		 e2e_obj);
	return system(cmd) == 0;
}

static void e2e_clean(void)
{
	char dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", e2e_obj);
	unlink(e2e_obj);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		strcat(dir, "/sub.c");
		unlink(dir);
		*slash = '\0';
		rmdir(dir);
	}
}

static const struct bc_elf_sym *sym_by_name(const struct bc_elf *elf,
					    const char *name)
{
	for (size_t i = 1; i < elf->sym_cnt; i++)
		if (!strcmp(elf->syms[i].name, name))
			return &elf->syms[i];
	ck_abort_msg("symbol '%s' missing", name);
	return NULL;
}

/* The linked copy of fn at pos has fn's opcodes. */
static void assert_segment(const struct bc_prog *p, const struct bc_elf *elf,
			   const struct bc_elf_sym *fn, size_t pos)
{
	const struct bpf_insn *code = elf->secs[fn->shndx].data;
	size_t n = fn->size / 8;

	ck_assert_uint_le(pos + n, p->linked_cnt);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(p->linked[pos + i].code,
				  code[fn->value / 8 + i].code);
}

/* A kernel BTF with struct pair { int z, a, b; }, or with int only. */
static struct btf *pair_btf(bool with_pair)
{
	struct btf *k = btf__new_empty();
	int i;

	ck_assert_ptr_nonnull(k);
	i = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	if (with_pair) {
		btf__add_struct(k, "pair", 12);
		btf__add_field(k, "z", i, 0, 0);
		btf__add_field(k, "a", i, 32, 0);
		btf__add_field(k, "b", i, 64, 0);
	}
	return k;
}

static const struct bpf_insn *core_load(const struct bc_prog *p)
{
	for (size_t i = 0; i < p->linked_cnt; i++)
		if (BPF_CLASS(p->linked[i].code) == BPF_LDX)
			return &p->linked[i];
	ck_abort_msg("no load in '%s'", p->name);
	return NULL;
}

START_TEST(test_e2e_clang)
{
	struct bc_object *obj;
	const struct bc_elf_sym *glob, *leaf, *other;
	const struct bc_elf *elf;
	struct bc_prog *p, *core;
	struct btf *k;
	size_t g, l, o, i;

	bc_test_capture_log();
	obj = bc_object__open_file(e2e_obj, NULL);
	ck_assert_msg(obj, "open: %s", bc_test_log());
	core = bc_object__find_prog(obj, "core_prog");
	ck_assert_ptr_nonnull(core);
	/* p->b against a kernel whose struct pair has a field before a */
	obj->core_target = k = pair_btf(true);
	ck_assert_int_eq(bc_reloc(obj), 0);
	ck_assert_int_eq(core_load(core)->off, 8);
	btf__free(k);
	/* and against one without it: the load is poisoned */
	obj->core_target = k = pair_btf(false);
	ck_assert_int_eq(bc_reloc(obj), 0);
	ck_assert_int_eq(core->linked[0].code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(core->linked[0].imm, 0xbad2310);
	/* kept to the end: the running kernel's BTF is not needed */
	ck_assert_ptr_null(strstr(bc_test_log(), "malformed"));
	p = bc_object__find_prog(obj, "prog");
	ck_assert_ptr_nonnull(p);
	elf = obj->elf;
	glob = sym_by_name(elf, "glob");
	leaf = sym_by_name(elf, "leaf");
	other = sym_by_name(elf, "other");

	g = p->insn_cnt;
	l = g + glob->size / 8;
	o = l + leaf->size / 8;
	ck_assert_uint_eq(p->linked_cnt, o + other->size / 8);
	assert_segment(p, elf, glob, g);
	assert_segment(p, elf, leaf, l);
	assert_segment(p, elf, other, o);

	/* every bpf2bpf call lands on one of the copies */
	for (i = 0; i < p->linked_cnt; i++) {
		const struct bpf_insn *in = &p->linked[i];
		__s64 t = (__s64)i + in->imm + 1;

		if (in->code != 0x85 || in->src_reg != BPF_PSEUDO_CALL)
			continue;
		ck_assert_msg(t == (__s64)g || t == (__s64)l || t == (__s64)o,
			      "call at %zu lands on %lld", i, (long long)t);
	}
	/* the map reference inside other, at its linked position */
	ck_assert_uint_eq(p->fixup_cnt, 1);
	ck_assert_uint_ge(p->fixups[0].insn, o);
	ck_assert_int_eq(p->fixups[0].kind, BC_FIX_MAP_FD);
	ck_assert_str_eq(obj->maps[p->fixups[0].map_idx]->name, "counts");
	bc_object__close(obj);
	btf__free(k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reloc");
	TCase *tc = tcase_create("data");
	int err;

	tcase_add_test(tc, test_map_ref);
	tcase_add_test(tc, test_two_maps_and_static_map);
	tcase_add_test(tc, test_rodata_ref);
	suite_add_tcase(s, tc);

	tc = tcase_create("link");
	tcase_add_test(tc, test_global_call);
	tcase_add_test(tc, test_static_call_section_sym);
	tcase_add_test(tc, test_dfs_order);
	tcase_add_test(tc, test_shared_callee_once);
	tcase_add_test(tc, test_no_calls_alone);
	tcase_add_test(tc, test_recursion);
	tcase_add_test(tc, test_subprog_in_own_section);
	tcase_add_test(tc, test_callback_addr);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_symbolless_section);
	tcase_add_test(tc, test_fixups_outgrow_reserve);
	tcase_add_test(tc, test_fixups_shared_callee);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_err_not_func_start);
	tcase_add_test(tc, test_err_call_non_exec);
	tcase_add_test(tc, test_err_bad_call_opcode);
	tcase_add_test(tc, test_err_no_map);
	tcase_add_test(tc, test_err_unresolved_and_extern);
	tcase_add_test(tc, test_err_other_section);
	tcase_add_test(tc, test_err_pseudo_func_without_rel);
	tcase_add_test(tc, test_err_non_autoload_skipped);
	tcase_add_test(tc, test_core_bad_record);
	tcase_add_test(tc, test_err_bad_func_lowest_section);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_test(tc, test_unsorted_rels);
	tcase_add_test(tc, test_duplicate_rel_first_wins);
	tcase_add_test(tc, test_unsorted_funcs_and_maps);
	tcase_add_test(tc, test_rel_on_second_slot_ignored);
	suite_add_tcase(s, tc);

	if (e2e_build()) {
		tc = tcase_create("e2e");
		tcase_add_test(tc, test_e2e_clang);
		suite_add_tcase(s, tc);
	} else {
		printf("SKIP: e2e: clang -target bpf unavailable\n");
	}
	err = bc_test_run(s);
	e2e_clean();
	return err;
}
