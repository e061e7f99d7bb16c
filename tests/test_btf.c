// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests for core/btf.c with hostile input. Objects are real ELF
 * images (tests/elfbuild.c) holding a program section, a .data section, a
 * hand-written .BTF and .BTF.ext; each case breaks one field and expects a
 * clean error (.BTF, DATASEC fixups) or func/line info dropped with a
 * warning (.BTF.ext), never a crash.
 */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#include "internal.h"
#include "btf.h"
#include "elf.h"
#include "elfbuild.h"
#include "object.h"
#include "testutil.h"

/* Strings: "" int x .data socket prog nosuch */
#define S_INT		1
#define S_X		5
#define S_DATA		7
#define S_SOCKET	13
#define S_PROG		20
#define S_NOSUCH	25
static const char strs[] = "\0int\0x\0.data\0socket\0prog\0nosuch";

/* The object under test and what it is made of. */
struct tobj {
	__u32 btf[64];			/* header + types + strings */
	size_t btf_len;
	__u32 ext[128];
	size_t ext_len;
	bool sym_x;			/* ELF symbol for variable x */
	bool no_ext;
	int more_syms;			/* .data symbols after x, see t_open */

	struct bc_elfb *b;
	struct bc_object obj;
	struct bc_prog prog, *progs[1];
	int prog_sec;
};

/* Types: 1 int, 2 var x (global), 3 DATASEC .data {x}, 4 FUNC_PROTO,
 * 5 FUNC prog; strings after. */
static void btf_default(struct tobj *t)
{
	__u32 types[] = {
		S_INT, BTF_KIND_INT << 24, 4, 32,
		S_X, BTF_KIND_VAR << 24, 1, BTF_VAR_GLOBAL_ALLOCATED,
		S_DATA, BTF_KIND_DATASEC << 24 | 1, 0, 2, 0, 4,
		0, BTF_KIND_FUNC_PROTO << 24, 1,
		S_PROG, BTF_KIND_FUNC << 24 | BTF_FUNC_GLOBAL, 4,
	};
	struct btf_header *h = (void *)t->btf;

	memset(t->btf, 0, sizeof(t->btf));
	h->magic = BTF_MAGIC;
	h->version = BTF_VERSION;
	h->hdr_len = sizeof(*h);
	h->type_off = 0;
	h->type_len = sizeof(types);
	h->str_off = sizeof(types);
	h->str_len = sizeof(strs);
	memcpy((char *)t->btf + sizeof(*h), types, sizeof(types));
	memcpy((char *)t->btf + sizeof(*h) + sizeof(types), strs,
	       sizeof(strs));
	t->btf_len = sizeof(*h) + sizeof(types) + sizeof(strs);
}

/* Header (32 bytes), func_info: rec 8, "socket" 1 record at 0;
 * line_info: rec 16, "socket" 2 records at 0 and 8. */
#define EXT_HDR		32
#define FI_OFF		0
#define FI_LEN		(4 + 8 + 8)
#define LI_OFF		FI_LEN
#define LI_LEN		(4 + 8 + 2 * 16)
static void ext_default(struct tobj *t)
{
	__u32 body[] = {
		8, S_SOCKET, 1, 0, 5,
		16, S_SOCKET, 2, 0, S_PROG, S_PROG, 1 << 10 | 1,
		8, S_PROG, S_PROG, 2 << 10,
	};
	__u32 *h = t->ext;

	memset(t->ext, 0, sizeof(t->ext));
	h[0] = BTF_MAGIC | 1 << 16;	/* magic, version 1, flags 0 */
	h[1] = EXT_HDR;
	h[2] = FI_OFF;
	h[3] = FI_LEN;
	h[4] = LI_OFF;
	h[5] = LI_LEN;
	memcpy((char *)t->ext + EXT_HDR, body, sizeof(body));
	t->ext_len = EXT_HDR + sizeof(body);
}

static struct tobj *t_new(void)
{
	struct tobj *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	btf_default(t);
	ext_default(t);
	t->sym_x = true;
	return t;
}

static void t_open(struct tobj *t)
{
	static const struct bpf_insn code[] = {
		{ .code = 0xb7 }, { .code = 0xb7 },	/* r0 = 0 */
		{ .code = 0xb7 }, { .code = 0xb7 },
		{ .code = 0xb7 }, { .code = 0xb7 },
		{ .code = 0xb7 }, { .code = 0x95 },	/* exit */
	};
	__u32 data = 0;
	size_t size;
	void *buf;
	int data_sec, i;

	t->b = bc_elfb_new(false);
	ck_assert_ptr_nonnull(t->b);
	t->prog_sec = bc_elfb_add_sec(t->b, "socket", SHT_PROGBITS,
				      SHF_ALLOC | SHF_EXECINSTR, code,
				      sizeof(code));
	data_sec = bc_elfb_add_sec(t->b, ".data", SHT_PROGBITS,
				   SHF_ALLOC | SHF_WRITE, &data, sizeof(data));
	bc_elfb_add_sec(t->b, ".BTF", SHT_PROGBITS, 0, t->btf, t->btf_len);
	if (!t->no_ext)
		bc_elfb_add_sec(t->b, ".BTF.ext", SHT_PROGBITS, 0, t->ext,
				t->ext_len);
	bc_elfb_add_sym(t->b, "prog", t->prog_sec, 0, sizeof(code), STT_FUNC,
			STB_GLOBAL);
	if (t->sym_x)
		bc_elfb_add_sym(t->b, "x", data_sec, 0, 4, STT_OBJECT,
				STB_GLOBAL);
	/* Names out of order, then a second "x" the fixup must not take. */
	for (i = t->more_syms; i > 0; i--) {
		char name[16];

		snprintf(name, sizeof(name), "s%02d", i);
		bc_elfb_add_sym(t->b, name, data_sec, 0, 4, STT_OBJECT,
				STB_GLOBAL);
	}
	if (t->more_syms)
		bc_elfb_add_sym(t->b, "x", data_sec, 4, 4, STT_OBJECT,
				STB_GLOBAL);
	buf = bc_elfb_finish(t->b, &size);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(bc_elf_open(buf, size, "t.o", &t->obj.elf), 0);
	t->obj.path = "t.o";
	t->obj.btf_fd = -1;
	t->prog.name = "prog";
	t->prog.obj = &t->obj;
	t->progs[0] = &t->prog;
	t->obj.progs = t->progs;
	t->obj.prog_cnt = 1;
}

/*
 * What a load does after relocation: count prog's records for its spans,
 * then copy them (both of the object's programs, as
 * bc_btf_prog_info_fill() does).
 */
static int count_fill(struct tobj *t, struct bc_prog *prog,
		      const struct bc_btf_span *sp, size_t cnt)
{
	int err;

	err = bc_btf_prog_info(&t->obj, prog, sp, cnt);
	if (err)
		return err;
	prog->spans = sp;
	prog->span_cnt = cnt;
	err = bc_btf_prog_info_fill(&t->obj);
	/* sp is the caller's: only the copies outlive this call. */
	prog->spans = NULL;
	prog->span_cnt = 0;
	return err;
}

static int t_prog_info(struct tobj *t)
{
	struct bc_btf_span span = {
		.sec_idx = t->prog_sec, .off = 0, .cnt = 2, .linked_off = 0,
	};

	return count_fill(t, &t->prog, &span, 1);
}

static void t_free(struct tobj *t)
{
	bc_btf_prog_info_free(&t->prog);
	bc_btf_release(&t->obj);
	bc_elf_close(t->obj.elf);
	bc_elfb_free(t->b);
	free(t);
}

static int t_get(struct tobj *t)
{
	const struct btf *btf;

	return bc_btf_get(&t->obj, &btf);
}

static struct btf_header *hdr(struct tobj *t)
{
	return (struct btf_header *)t->btf;
}

/* The u32 number word of the type section. */
static __u32 *type_word(struct tobj *t, size_t word)
{
	return (__u32 *)((char *)t->btf + sizeof(struct btf_header)) + word;
}

/* ---- the well-formed object ------------------------------------------ */

START_TEST(test_good)
{
	struct tobj *t = t_new();
	const struct btf *btf;
	const struct btf_type *ds;

	t_open(t);
	ck_assert_int_eq(bc_btf_get(&t->obj, &btf), 0);
	ck_assert_ptr_nonnull(btf);
	ds = btf__type_by_id(btf, 3);
	ck_assert_int_eq(ds->size, 4);		/* fixed up from .data */
	ck_assert_int_eq(t_prog_info(t), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 1);
	ck_assert_uint_eq(t->prog.func_info_rec_size, 8);
	ck_assert_uint_eq(t->prog.line_info_cnt, 2);
	ck_assert_uint_eq(((__u32 *)t->prog.line_info)[4], 1);	/* insn 1 */
	t_free(t);
}
END_TEST

/* ---- .BTF: what btf__new() rejects, and what it lets through --------- */

START_TEST(test_btf_bad_magic)
{
	struct tobj *t = t_new();

	hdr(t)->magic = 0x1234;
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	/* No BTF: the programs load without func/line info. */
	ck_assert_int_eq(t_prog_info(t), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 0);
	t_free(t);
}
END_TEST

START_TEST(test_btf_truncated)
{
	struct tobj *t = t_new();

	t->btf_len = 10;		/* inside the header */
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	t_free(t);
}
END_TEST

START_TEST(test_btf_types_past_end)
{
	struct tobj *t = t_new();

	hdr(t)->type_len += 4096;
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	t_free(t);
}
END_TEST

START_TEST(test_btf_strings_unterminated)
{
	struct tobj *t = t_new();

	hdr(t)->str_len -= 1;		/* drops the last NUL */
	t->btf_len -= 1;
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	t_free(t);
}
END_TEST

START_TEST(test_btf_bad_name_offset)
{
	struct tobj *t = t_new();

	*type_word(t, 4) = 0x7fffff;	/* var x's name_off, past the strings */
	t_open(t);
	/* btf__new() of libbpf 1.1.2 may take it; the fixup may not. */
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	t_free(t);
}
END_TEST

START_TEST(test_btf_type_loop)
{
	struct tobj *t = t_new();

	/* var x of type 2 (itself), and the DATASEC's member type 99 */
	*type_word(t, 6) = 2;
	t_open(t);
	ck_assert_int_le(t_get(t), 0);	/* any answer, but an answer */
	t_free(t);
	t = t_new();
	*type_word(t, 11) = 99;
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	t_free(t);
}
END_TEST

/* ---- DATASEC fixups ---------------------------------------------------- */

START_TEST(test_datasec_missing_symbol)
{
	struct tobj *t = t_new();

	t->sym_x = false;
	bc_test_capture_log();
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "no symbol for variable 'x'"));
	t_free(t);
}
END_TEST

START_TEST(test_datasec_no_section)
{
	struct tobj *t = t_new();

	*type_word(t, 8) = S_NOSUCH;	/* DATASEC name */
	bc_test_capture_log();
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "DATASEC 'nosuch' names no ELF section"));
	t_free(t);
}
END_TEST

START_TEST(test_datasec_var_overruns)
{
	struct tobj *t = t_new();

	*type_word(t, 13) = 8;		/* x is 8 bytes in a 4-byte .data */
	t_open(t);
	ck_assert_int_eq(t_get(t), -BC_ERRNO__FORMAT);
	t_free(t);
}
END_TEST

/* ---- .BTF.ext: dropped with a warning, never fatal --------------------- */

/* Symbols out of name order (sorted in place, or by qsort past 8). */
START_TEST(test_datasec_unsorted_symbols)
{
	static const int more[] = { 1, 3, 12 };
	const struct btf_var_secinfo *vi;
	const struct btf *btf;
	struct tobj *t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(more); i++) {
		t = t_new();
		t->more_syms = more[i];
		t_open(t);
		ck_assert_int_eq(bc_btf_get(&t->obj, &btf), 0);
		/* The lowest-indexed "x", at 0; the other would overrun. */
		vi = btf_var_secinfos(btf__type_by_id(btf, 3));
		ck_assert_uint_eq(vi[0].offset, 0);
		t_free(t);
	}
}
END_TEST

/* Break the .BTF.ext with fn, expect no func/line info and a warning. */
static void ext_dropped(void (*fn)(struct tobj *t), const char *why)
{
	struct tobj *t = t_new();

	fn(t);
	bc_test_capture_log();
	t_open(t);
	ck_assert_int_eq(t_get(t), 0);
	ck_assert_int_eq(t_prog_info(t), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 0);
	ck_assert_uint_eq(t->prog.line_info_cnt, 0);
	ck_assert_msg(strstr(bc_test_log(), why), "log lacks '%s':\n%s", why,
		      bc_test_log());
	/* Whoever drops it (the .BTF.ext reader or the per-program pass)
	 * says the programs go without func/line info. */
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "without func/line info"));
	t_free(t);
}

static void ext_truncated_hdr(struct tobj *t) { t->ext_len = 12; }
static void ext_bad_magic(struct tobj *t) { t->ext[0] ^= 0xff; }
static void ext_hdr_len_big(struct tobj *t) { t->ext[1] = 4096; }
static void ext_fi_past_end(struct tobj *t) { t->ext[2] = 4000; }
static void ext_li_len_past_end(struct tobj *t) { t->ext[5] = 1 << 30; }
static void ext_fi_len_wraps(struct tobj *t)
{
	t->ext[2] = 0xfffffff0;
	t->ext[3] = 0x20;
}
static void ext_fi_rec_small(struct tobj *t) { t->ext[EXT_HDR / 4] = 4; }
static void ext_li_rec_small(struct tobj *t)
{
	t->ext[(EXT_HDR + LI_OFF) / 4] = 12;
}
static void ext_fi_unaligned(struct tobj *t)
{
	t->ext[EXT_HDR / 4 + 3] = 4;	/* insn_off 4 */
}
static void ext_fi_overrun(struct tobj *t)
{
	t->ext[EXT_HDR / 4 + 2] = 1000;	/* num_info */
}
static void ext_li_overrun(struct tobj *t)
{
	t->ext[(EXT_HDR + LI_OFF) / 4 + 2] = 0x10000000;
}

START_TEST(test_ext_hostile)
{
	ext_dropped(ext_truncated_hdr, "bad header");
	ext_dropped(ext_bad_magic, "bad header");
	ext_dropped(ext_hdr_len_big, "header length 4096 invalid");
	ext_dropped(ext_fi_past_end, "func_info subsection 4000+20 outside");
	ext_dropped(ext_li_len_past_end, "line_info subsection");
	ext_dropped(ext_fi_len_wraps, "func_info subsection");
	ext_dropped(ext_fi_rec_small, "func_info record size 4 invalid");
	ext_dropped(ext_li_rec_small, "line_info record size 12 invalid");
	ext_dropped(ext_fi_unaligned,
		    "func_info for 'socket': offset 4 not on an instruction");
	ext_dropped(ext_fi_overrun, "func_info: 1000 records overrun");
	ext_dropped(ext_li_overrun, "line_info: 268435456 records overrun");
}
END_TEST

/* Records past the program, or for a section no program is in, are not
 * the program's: they are left out, the rest is kept. */
START_TEST(test_ext_foreign_records)
{
	struct tobj *t = t_new();

	t->ext[EXT_HDR / 4 + 3] = 800;			/* func past the code */
	t->ext[(EXT_HDR + LI_OFF) / 4 + 1] = S_NOSUCH;	/* unknown section */
	t_open(t);
	ck_assert_int_eq(t_prog_info(t), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 0);
	ck_assert_uint_eq(t->prog.line_info_cnt, 0);
	t_free(t);

	t = t_new();
	t->ext[(EXT_HDR + LI_OFF) / 4 + 1] = 0x7fffff;	/* name past strings */
	t_open(t);
	ck_assert_int_eq(t_prog_info(t), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 1);
	ck_assert_uint_eq(t->prog.line_info_cnt, 0);
	t_free(t);
}
END_TEST

/* ---- .BTF.ext: the per-section index ---------------------------------- */

/*
 * Replace the .BTF.ext body: fi and li are whole subsections (rec_size
 * word, then blocks of name, count and records), as u32 words.
 */
static void ext_set(struct tobj *t, const __u32 *fi, size_t fi_words,
		    const __u32 *li, size_t li_words)
{
	__u32 *h = t->ext;

	ck_assert_uint_le(EXT_HDR / 4 + fi_words + li_words,
			  ARRAY_SIZE(t->ext));
	memset(t->ext, 0, sizeof(t->ext));
	h[0] = BTF_MAGIC | 1 << 16;
	h[1] = EXT_HDR;
	h[2] = 0;
	h[3] = fi_words * 4;
	h[4] = fi_words * 4;
	h[5] = li_words * 4;
	memcpy((char *)t->ext + EXT_HDR, fi, fi_words * 4);
	memcpy((char *)t->ext + EXT_HDR + fi_words * 4, li, li_words * 4);
	t->ext_len = EXT_HDR + (fi_words + li_words) * 4;
}

/* A line_info record at byte offset off for line n. */
#define LREC(off, n)	(off), S_PROG, S_PROG, (n) << 10

static int t_spans(struct tobj *t, const struct bc_btf_span *sp, size_t cnt)
{
	return count_fill(t, &t->prog, sp, cnt);
}

/* The program's line_info is exactly (insn index, line) pairs of exp. */
static void lines_are(const struct tobj *t, const __u32 (*exp)[2],
		      size_t cnt)
{
	const __u32 *li = t->prog.line_info;
	size_t i;

	ck_assert_uint_eq(t->prog.line_info_cnt, cnt);
	ck_assert_uint_eq(t->prog.line_info_rec_size, cnt ? 16 : 0);
	for (i = 0; i < cnt; i++) {
		ck_assert_uint_eq(li[i * 4], exp[i][0]);
		ck_assert_uint_eq(li[i * 4 + 1], S_PROG);
		ck_assert_uint_eq(li[i * 4 + 2], S_PROG);
		ck_assert_uint_eq(li[i * 4 + 3], exp[i][1] << 10);
	}
}

/* clang's layout: one sorted block per section, used in place. */
START_TEST(test_ext_sorted_view)
{
	static const __u32 fi[] = {
		8, S_SOCKET, 3, 0, 5, 16, 5, 40, 5,
	};
	static const __u32 li[] = {
		16, S_SOCKET, 6, LREC(0, 1), LREC(8, 2), LREC(16, 3),
		LREC(24, 4), LREC(40, 5), LREC(48, 6),
	};
	/* insns 2-5 linked first, then 0-1 at linked insn 4 */
	static const struct bc_btf_span two[] = {
		{ .off = 16, .cnt = 4, .linked_off = 0 },
		{ .off = 0, .cnt = 2, .linked_off = 4 },
	};
	static const __u32 two_lines[][2] = {
		{ 0, 3 }, { 1, 4 }, { 3, 5 }, { 4, 1 }, { 5, 2 },
	};
	static const __u32 tail_lines[][2] = { { 6, 6 } };
	struct bc_btf_span sp[2];
	const __u32 *f;
	struct tobj *t = t_new();

	ext_set(t, fi, ARRAY_SIZE(fi), li, ARRAY_SIZE(li));
	t_open(t);
	memcpy(sp, two, sizeof(sp));
	sp[0].sec_idx = sp[1].sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, sp, 2), 0);
	f = t->prog.func_info;
	ck_assert_uint_eq(t->prog.func_info_cnt, 3);
	ck_assert_uint_eq(t->prog.func_info_rec_size, 8);
	ck_assert_uint_eq(f[0], 0);		/* byte 16 */
	ck_assert_uint_eq(f[2], 3);		/* byte 40 */
	ck_assert_uint_eq(f[4], 4);		/* byte 0, second span */
	ck_assert_uint_eq(f[5], 5);		/* type id kept */
	lines_are(t, two_lines, ARRAY_SIZE(two_lines));

	/* A later program, past the last one (and its search hint). */
	sp[0] = (struct bc_btf_span){ .sec_idx = t->prog_sec, .off = 48,
				      .cnt = 2, .linked_off = 6 };
	ck_assert_int_eq(t_spans(t, sp, 1), 0);
	ck_assert_ptr_null(t->prog.func_info);
	ck_assert_uint_eq(t->prog.func_info_cnt, 0);
	ck_assert_uint_eq(t->prog.func_info_rec_size, 0);
	lines_are(t, tail_lines, ARRAY_SIZE(tail_lines));

	/* And one before it again: the hint must not be trusted. */
	memcpy(sp, two, sizeof(sp));
	sp[0].sec_idx = sp[1].sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, sp, 2), 0);
	lines_are(t, two_lines, ARRAY_SIZE(two_lines));
	t_free(t);
}
END_TEST

/* Records out of order: every record is looked at, kept in file order. */
START_TEST(test_ext_unsorted)
{
	static const __u32 fi[] = { 8, S_SOCKET, 1, 8, 5 };
	static const __u32 li[] = {
		16, S_SOCKET, 5, LREC(24, 1), LREC(16, 2), LREC(0, 3),
		LREC(8, 4), LREC(16, 5),
	};
	static const __u32 lines[][2] = { { 11, 2 }, { 10, 4 }, { 11, 5 } };
	struct bc_btf_span sp = { .off = 8, .cnt = 2, .linked_off = 10 };
	struct tobj *t = t_new();

	ext_set(t, fi, ARRAY_SIZE(fi), li, ARRAY_SIZE(li));
	t_open(t);
	sp.sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 1);
	ck_assert_uint_eq(((__u32 *)t->prog.func_info)[0], 10);
	lines_are(t, lines, ARRAY_SIZE(lines));
	t_free(t);
}
END_TEST

/* A section in several blocks is one group, in file order. */
START_TEST(test_ext_split_section)
{
	static const __u32 fi[] = { 8 };
	static const __u32 sorted[] = {
		16, S_SOCKET, 2, LREC(0, 1), LREC(8, 2),
		S_NOSUCH, 1, LREC(0, 9),
		S_SOCKET, 1, LREC(16, 3),
	};
	static const __u32 unsorted[] = {
		16, S_SOCKET, 1, LREC(16, 3),
		S_NOSUCH, 1, LREC(0, 9),
		S_SOCKET, 2, LREC(0, 1), LREC(8, 2),
	};
	static const __u32 in_order[][2] = { { 0, 1 }, { 1, 2 }, { 2, 3 } };
	static const __u32 file_order[][2] = { { 2, 3 }, { 0, 1 }, { 1, 2 } };
	struct bc_btf_span sp = { .off = 0, .cnt = 8 };
	struct tobj *t = t_new();

	ext_set(t, fi, ARRAY_SIZE(fi), sorted, ARRAY_SIZE(sorted));
	t_open(t);
	sp.sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 0);
	lines_are(t, in_order, ARRAY_SIZE(in_order));
	t_free(t);

	t = t_new();
	ext_set(t, fi, ARRAY_SIZE(fi), unsorted, ARRAY_SIZE(unsorted));
	t_open(t);
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	lines_are(t, file_order, ARRAY_SIZE(file_order));
	t_free(t);
}
END_TEST

/*
 * A misaligned record anywhere in the section's blocks costs every span
 * in that section its func/line info; walking the records, the first
 * problem met (that record or an overrunning block) is the one reported.
 */
static void ext_bad_walk(const __u32 *li, size_t words, const char *why)
{
	static const __u32 fi[] = { 8 };
	struct bc_btf_span sp = { .off = 0, .cnt = 1 };
	struct tobj *t = t_new();

	ext_set(t, fi, ARRAY_SIZE(fi), li, words);
	bc_test_capture_log();
	t_open(t);
	sp.sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	ck_assert_uint_eq(t->prog.line_info_cnt, 0);
	ck_assert_msg(strstr(bc_test_log(), why), "log lacks '%s':\n%s", why,
		      bc_test_log());
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "prog 'prog': loading without"));
	t_free(t);
}

START_TEST(test_ext_bad_walk)
{
	static const __u32 second_block[] = {
		16, S_SOCKET, 1, LREC(0, 1),
		S_SOCKET, 2, LREC(40, 2), LREC(44, 3),
	};
	static const __u32 before_overrun[] = {
		16, S_SOCKET, 1, LREC(12, 1),
		S_SOCKET, 99, LREC(0, 2),
	};
	static const __u32 after_overrun[] = {
		16, S_NOSUCH, 1, LREC(12, 1),
		S_SOCKET, 99, LREC(0, 2),
	};

	ext_bad_walk(second_block, ARRAY_SIZE(second_block),
		     "line_info for 'socket': offset 44 not on an instruction");
	ext_bad_walk(before_overrun, ARRAY_SIZE(before_overrun),
		     "line_info for 'socket': offset 12 not on an instruction");
	ext_bad_walk(after_overrun, ARRAY_SIZE(after_overrun),
		     "line_info: 99 records overrun the subsection");
}
END_TEST

/* A span ends before the record at its end offset, however many. */
START_TEST(test_ext_span_end)
{
	static const __u32 fi[] = { 8 };
	static const __u32 li[] = {
		16, S_SOCKET, 6, LREC(0, 1), LREC(8, 2), LREC(8, 3),
		LREC(16, 4), LREC(16, 5), LREC(24, 6),
	};
	static const __u32 mid[][2] = { { 7, 2 }, { 7, 3 } };
	static const __u32 head[][2] = { { 0, 1 }, { 1, 2 }, { 1, 3 } };
	struct bc_btf_span sp = { .off = 8, .cnt = 1, .linked_off = 7 };
	struct tobj *t = t_new();

	ext_set(t, fi, ARRAY_SIZE(fi), li, ARRAY_SIZE(li));
	t_open(t);
	sp.sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	lines_are(t, mid, ARRAY_SIZE(mid));
	sp.off = 0;
	sp.cnt = 2;
	sp.linked_off = 0;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	lines_are(t, head, ARRAY_SIZE(head));
	/* Between records: none. */
	sp.off = 32;
	sp.cnt = 4;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	ck_assert_ptr_null(t->prog.line_info);
	t_free(t);
}
END_TEST

/*
 * Blocks are scanned when a program first needs them: a bad record in a
 * section no program comes from costs nothing, and asking twice answers
 * the same.
 */
START_TEST(test_ext_lazy_scan)
{
	static const __u32 fi[] = { 8 };
	static const __u32 li[] = {
		16, S_NOSUCH, 1, LREC(12, 9),
		S_SOCKET, 2, LREC(0, 1), LREC(8, 2),
	};
	static const __u32 lines[][2] = { { 0, 1 }, { 1, 2 } };
	struct bc_btf_span sp = { .off = 0, .cnt = 2 };
	struct tobj *t = t_new();
	int round;

	ext_set(t, fi, ARRAY_SIZE(fi), li, ARRAY_SIZE(li));
	bc_test_capture_log();
	t_open(t);
	sp.sec_idx = t->prog_sec;
	for (round = 0; round < 2; round++) {
		ck_assert_int_eq(t_spans(t, &sp, 1), 0);
		lines_are(t, lines, ARRAY_SIZE(lines));
	}
	ck_assert_msg(!strstr(bc_test_log(), "not on an instruction"),
		      "%s", bc_test_log());
	t_free(t);
}
END_TEST

/* Linked indexes past 2^32 / 8 bytes: the copy that adds, not biases. */
START_TEST(test_ext_copy_overflow)
{
	static const __u32 fi[] = { 8, S_SOCKET, 1, 8, 5 };
	static const __u32 li[] = {
		16, S_SOCKET, 2, LREC(0, 1), LREC(8, 2),
	};
	static const __u32 lines[][2] = {
		{ UINT32_MAX / 8, 1 }, { UINT32_MAX / 8 + 1, 2 },
	};
	struct bc_btf_span sp = {
		.off = 0, .cnt = 2, .linked_off = UINT32_MAX / 8,
	};
	struct tobj *t = t_new();

	ext_set(t, fi, ARRAY_SIZE(fi), li, ARRAY_SIZE(li));
	t_open(t);
	sp.sec_idx = t->prog_sec;
	ck_assert_int_eq(t_spans(t, &sp, 1), 0);
	ck_assert_uint_eq(t->prog.func_info_cnt, 1);
	ck_assert_uint_eq(((__u32 *)t->prog.func_info)[0], UINT32_MAX / 8 + 1);
	lines_are(t, lines, ARRAY_SIZE(lines));
	t_free(t);
}
END_TEST

/*
 * The programs' records share one block, replaced by each fill: loading
 * again after relocating again gives every program its records anew, and
 * a program that dropped them (as perf's prologue does) gets none.
 */
START_TEST(test_ext_info_block)
{
	static const __u32 lines[][2] = { { 0, 1 }, { 1, 2 } };
	struct bc_btf_span sp[3];
	struct bc_prog progs[3] = {}, *pp[3];
	const __u32 *li;
	struct tobj *t = t_new();
	int round, i;

	t_open(t);
	for (i = 0; i < 3; i++) {
		progs[i].name = "prog";
		progs[i].obj = &t->obj;
		pp[i] = &progs[i];
		/* Program i starts at linked insn i. */
		sp[i] = (struct bc_btf_span){
			.sec_idx = t->prog_sec, .off = 0, .cnt = 2,
			.linked_off = i,
		};
	}
	t->obj.progs = pp;
	t->obj.prog_cnt = 3;
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 3; i++) {
			ck_assert_int_eq(bc_btf_prog_info(&t->obj, &progs[i],
							  &sp[i], 1), 0);
			/* Counted, not copied: a dry run stops here. */
			ck_assert_uint_eq(progs[i].line_info_cnt, 2);
			ck_assert_ptr_null(progs[i].line_info);
			progs[i].spans = &sp[i];
			progs[i].span_cnt = 1;
		}
		if (round == 5)
			bc_btf_prog_info_free(&progs[1]);
		ck_assert_int_eq(bc_btf_prog_info_fill(&t->obj), 0);
		for (i = 0; i < 3; i++) {
			if (round == 5 && i == 1) {
				ck_assert_ptr_null(progs[i].func_info);
				ck_assert_ptr_null(progs[i].line_info);
				continue;
			}
			ck_assert_uint_eq(progs[i].func_info_cnt, 1);
			ck_assert_uint_eq(((__u32 *)progs[i].func_info)[0], i);
			ck_assert_uint_eq(progs[i].line_info_cnt, 2);
			li = progs[i].line_info;
			ck_assert_uint_eq(li[0], lines[0][0] + i);
			ck_assert_uint_eq(li[4], lines[1][0] + i);
			ck_assert_uint_eq(li[7], lines[1][1] << 10);
		}
	}
	bc_btf_release(&t->obj);
	for (i = 0; i < 3; i++)
		ck_assert_ptr_null(progs[i].func_info);
	t->obj.prog_cnt = 1;
	t->obj.progs = t->progs;
	t_free(t);
}
END_TEST

START_TEST(test_ext_without_btf)
{
	struct tobj *t = t_new();

	hdr(t)->magic = 0;
	t_open(t);
	ck_assert_int_eq(t_prog_info(t), 0);
	ck_assert_ptr_null(t->prog.func_info);
	t_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("btf");
	TCase *tc = tcase_create("btf");

	bc_test_quiet();
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_btf_bad_magic);
	tcase_add_test(tc, test_btf_truncated);
	tcase_add_test(tc, test_btf_types_past_end);
	tcase_add_test(tc, test_btf_strings_unterminated);
	tcase_add_test(tc, test_btf_bad_name_offset);
	tcase_add_test(tc, test_btf_type_loop);
	tcase_add_test(tc, test_datasec_missing_symbol);
	tcase_add_test(tc, test_datasec_no_section);
	tcase_add_test(tc, test_datasec_var_overruns);
	tcase_add_test(tc, test_datasec_unsorted_symbols);
	tcase_add_test(tc, test_ext_hostile);
	tcase_add_test(tc, test_ext_foreign_records);
	tcase_add_test(tc, test_ext_sorted_view);
	tcase_add_test(tc, test_ext_unsorted);
	tcase_add_test(tc, test_ext_split_section);
	tcase_add_test(tc, test_ext_bad_walk);
	tcase_add_test(tc, test_ext_span_end);
	tcase_add_test(tc, test_ext_lazy_scan);
	tcase_add_test(tc, test_ext_copy_overflow);
	tcase_add_test(tc, test_ext_info_block);
	tcase_add_test(tc, test_ext_without_btf);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
