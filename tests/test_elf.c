// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for core/elf.c: valid objects and every malformed-input check. */
#include <linux/bpf.h>
#include <stdio.h>

#include "internal.h"
#include "elf.h"
#include "elfbuild.h"
#include "testutil.h"

#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64		2
#endif

#define OBJ_NAME "test.o"

/*
 * A minimal socket-filter object:
 *   socket:  ld_imm64 r1, my_map; call 1; call sub; mov r0, 0; exit
 *   .text:   sub: mov r0, 0; exit
 *   maps:    one 20-byte legacy map record
 *   .maps:   32 bytes with a pointer relocated against my_map at 8
 *   license: "GPL"
 */
struct fix {
	struct bc_elfb *b;
	bool be;
	void *buf;
	size_t size;
	int socket, text, maps, dmaps, license;
	int sym_text, sym_prog, sym_sub, sym_map, sym_lic;
	int rel_map, rel_call, rel_dmaps;
	unsigned char insns[6 * 8];
};

static void fix_init(struct fix *f, bool be)
{
	static const unsigned char map_def[20] = { 1, 0, 0, 0, 4 };
	unsigned char sub[16], dmaps[32] = {};
	unsigned char *p = f->insns;

	memset(f, 0, sizeof(*f));
	f->be = be;
	f->b = bc_elfb_new(be);
	ck_assert_ptr_nonnull(f->b);

	bc_elfb_insn(p, be, BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD,
		     0, 0);
	bc_elfb_insn(p + 8, be, 0, 0, 0, 0, 0);
	bc_elfb_insn(p + 16, be, BPF_JMP | BPF_CALL, 0, 0, 0, 1);
	bc_elfb_insn(p + 24, be, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
		     0, -1);
	bc_elfb_insn(p + 32, be, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	bc_elfb_insn(p + 40, be, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	bc_elfb_insn(sub, be, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	bc_elfb_insn(sub + 8, be, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	f->socket = bc_elfb_add_sec(f->b, "socket", SHT_PROGBITS,
				    SHF_ALLOC | SHF_EXECINSTR, f->insns,
				    sizeof(f->insns));
	f->text = bc_elfb_add_sec(f->b, ".text", SHT_PROGBITS,
				  SHF_ALLOC | SHF_EXECINSTR, sub, sizeof(sub));
	f->maps = bc_elfb_add_sec(f->b, "maps", SHT_PROGBITS,
				  SHF_ALLOC | SHF_WRITE, map_def,
				  sizeof(map_def));
	f->dmaps = bc_elfb_add_sec(f->b, ".maps", SHT_PROGBITS,
				   SHF_ALLOC | SHF_WRITE, dmaps,
				   sizeof(dmaps));
	f->license = bc_elfb_add_sec(f->b, "license", SHT_PROGBITS,
				     SHF_ALLOC | SHF_WRITE, "GPL", 4);
	ck_assert_int_gt(f->license, 0);

	f->sym_text = bc_elfb_add_sym(f->b, NULL, f->text, 0, 0, STT_SECTION,
				      STB_LOCAL);
	f->sym_prog = bc_elfb_add_sym(f->b, "prog", f->socket, 0,
				      sizeof(f->insns), STT_FUNC, STB_GLOBAL);
	f->sym_sub = bc_elfb_add_sym(f->b, "sub", f->text, 0, sizeof(sub),
				     STT_FUNC, STB_GLOBAL);
	f->sym_map = bc_elfb_add_sym(f->b, "my_map", f->maps, 0,
				     sizeof(map_def), STT_OBJECT, STB_GLOBAL);
	f->sym_lic = bc_elfb_add_sym(f->b, "_license", f->license, 0, 4,
				     STT_OBJECT, STB_GLOBAL);
	ck_assert_int_gt(f->sym_lic, 0);

	f->rel_map = bc_elfb_add_rel(f->b, f->socket, 0, f->sym_map,
				     R_BPF_64_64);
	f->rel_call = bc_elfb_add_rel(f->b, f->socket, 24, f->sym_text,
				      R_BPF_64_32);
	f->rel_dmaps = bc_elfb_add_rel(f->b, f->dmaps, 8, f->sym_map,
				       R_BPF_64_ABS64);
	ck_assert_int_ge(f->rel_dmaps, 0);
}

static void fix_finish(struct fix *f)
{
	f->buf = bc_elfb_finish(f->b, &f->size);
	ck_assert_ptr_nonnull(f->buf);
}

static void fix_valid(struct fix *f, bool be)
{
	fix_init(f, be);
	fix_finish(f);
}

static void fix_fini(struct fix *f)
{
	bc_elfb_free(f->b);
}

static size_t shdr(struct fix *f, size_t idx)
{
	return bc_elfb_shdr_off(f->b, idx);
}

/* Open must fail with err and log every substring in the NULL-ended list. */
static void expect_err_size(struct fix *f, size_t size, int err, ...)
{
	struct bc_elf *elf = (void *)1;
	const char *want;
	va_list ap;

	bc_test_capture_log();
	ck_assert_int_eq(bc_elf_open(f->buf, size, OBJ_NAME, &elf), err);
	ck_assert_ptr_null(elf);
	ck_assert_msg(strstr(bc_test_log(), "elf: " OBJ_NAME ": "),
		      "log lacks the object name: %s", bc_test_log());
	va_start(ap, err);
	while ((want = va_arg(ap, const char *)))
		ck_assert_msg(strstr(bc_test_log(), want),
			      "log lacks '%s': %s", want, bc_test_log());
	va_end(ap);
}

#define expect_format(f, ...) \
	expect_err_size(f, (f)->size, -BC_ERRNO__FORMAT, __VA_ARGS__, NULL)

static struct bc_elf *open_ok(struct fix *f)
{
	struct bc_elf *elf = NULL;
	int err;

	bc_test_capture_log();
	err = bc_elf_open(f->buf, f->size, OBJ_NAME, &elf);
	ck_assert_msg(!err, "open failed (%d): %s", err, bc_test_log());
	ck_assert_ptr_nonnull(elf);
	return elf;
}

/* ---- valid objects ---------------------------------------------------- */

static void check_valid(struct fix *f, struct bc_elf *elf)
{
	const struct bc_elf_sec *sec, *dm;
	const struct bc_elf_sym *sym;

	ck_assert_int_eq(elf->big_endian, f->be);
	ck_assert_uint_eq(elf->machine, EM_BPF);
	ck_assert_uint_eq(elf->symtab_idx, bc_elfb_symtab_idx(f->b));
	ck_assert_uint_eq(elf->sec_cnt, bc_elfb_shstrtab_idx(f->b) + 1);
	ck_assert_uint_eq(elf->sym_cnt, f->sym_lic + 1);
	ck_assert_uint_eq(elf->rel_pool_cnt, 3);

	sec = bc_elf_sec_by_name(elf, "socket");
	ck_assert_ptr_eq(sec, bc_elf_sec(elf, f->socket));
	ck_assert_uint_eq(sec->idx, f->socket);
	ck_assert_uint_eq(sec->type, SHT_PROGBITS);
	ck_assert(sec->exec);
	ck_assert_uint_eq(sec->size, sizeof(f->insns));
	ck_assert_ptr_eq(sec->data, (char *)f->buf +
			 bc_elfb_data_off(f->b, f->socket));
	ck_assert_uint_eq(sec->rel_sec, bc_elfb_rel_idx(f->b, f->socket));
	ck_assert_str_eq(bc_elf_sec(elf, sec->rel_sec)->name, ".relsocket");
	ck_assert_uint_eq(sec->rel_cnt, 2);
	ck_assert_uint_eq(sec->rels[0].offset, 0);
	ck_assert_uint_eq(sec->rels[0].sym, f->sym_map);
	ck_assert_uint_eq(sec->rels[0].type, R_BPF_64_64);
	ck_assert_uint_eq(sec->rels[1].offset, 24);
	ck_assert_uint_eq(sec->rels[1].sym, f->sym_text);
	ck_assert_uint_eq(sec->rels[1].type, R_BPF_64_32);

	dm = bc_elf_sec_by_name(elf, ".maps");
	ck_assert(!dm->exec);
	ck_assert_uint_eq(dm->rel_cnt, 1);
	ck_assert_uint_eq(dm->rels[0].offset, 8);
	ck_assert_uint_eq(dm->rels[0].type, R_BPF_64_ABS64);

	ck_assert(bc_elf_sec_by_name(elf, ".text")->exec);
	ck_assert(!bc_elf_sec_by_name(elf, "maps")->exec);
	ck_assert_uint_eq(bc_elf_sec_by_name(elf, "maps")->rel_cnt, 0);
	ck_assert_str_eq(bc_elf_sec_by_name(elf, "license")->data, "GPL");
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, "nope"));

	sym = bc_elf_sym(elf, f->sym_prog);
	ck_assert_str_eq(sym->name, "prog");
	ck_assert_uint_eq(sym->type, STT_FUNC);
	ck_assert_uint_eq(sym->bind, STB_GLOBAL);
	ck_assert_uint_eq(sym->shndx, f->socket);
	ck_assert_uint_eq(sym->size, sizeof(f->insns));
	sym = bc_elf_sym(elf, f->sym_text);
	ck_assert_str_eq(sym->name, "");
	ck_assert_str_eq(bc_elf_sym_name(elf, sym), ".text");
	ck_assert_str_eq(bc_elf_sym(elf, 0)->name, "");
	ck_assert_str_eq(bc_elf_sym_name(elf, bc_elf_sym(elf, f->sym_map)),
			 "my_map");
}

START_TEST(test_valid)
{
	struct bc_elf *elf;
	struct fix f;

	fix_valid(&f, false);
	elf = open_ok(&f);
	check_valid(&f, elf);
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

START_TEST(test_accessors_range)
{
	struct bc_elf *elf;
	struct fix f;

	fix_valid(&f, false);
	elf = open_ok(&f);
	ck_assert_ptr_null(bc_elf_sec(elf, elf->sec_cnt));
	ck_assert_ptr_null(bc_elf_sec(elf, (size_t)-1));
	ck_assert_ptr_null(bc_elf_sym(elf, elf->sym_cnt));
	ck_assert_ptr_null(bc_elf_sym(elf, (size_t)-1));
	ck_assert_ptr_nonnull(bc_elf_sec(elf, 0));
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, ""));
	bc_elf_close(elf);
	bc_elf_close(NULL);
	fix_fini(&f);
}
END_TEST

START_TEST(test_big_endian)
{
	struct bpf_insn le_insns[6], be_insns[6];
	struct bc_elf *le, *be;
	struct fix fl, fb;
	void *copy;

	fix_valid(&fl, false);
	fix_valid(&fb, true);
	copy = malloc(fb.size);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, fb.buf, fb.size);
	le = open_ok(&fl);
	be = open_ok(&fb);
	check_valid(&fb, be);
	/* The caller's bytes are never converted in place. */
	ck_assert_mem_eq(copy, fb.buf, fb.size);
	free(copy);
	ck_assert(memcmp(bc_elf_sec(le, fl.socket)->data,
			 bc_elf_sec(be, fb.socket)->data, sizeof(fl.insns)));

	bc_elf_copy_insns(le, bc_elf_sec(le, fl.socket), 0, 6, le_insns);
	bc_elf_copy_insns(be, bc_elf_sec(be, fb.socket), 0, 6, be_insns);
	ck_assert_mem_eq(le_insns, be_insns, sizeof(le_insns));
	ck_assert_uint_eq(be_insns[0].code, BPF_LD | BPF_IMM | BPF_DW);
	ck_assert_uint_eq(be_insns[0].dst_reg, 1);
	ck_assert_uint_eq(be_insns[0].src_reg, BPF_PSEUDO_MAP_FD);
	ck_assert_int_eq(be_insns[2].imm, 1);
	ck_assert_uint_eq(be_insns[3].src_reg, BPF_PSEUDO_CALL);
	ck_assert_int_eq(be_insns[3].imm, -1);

	/* A sub-range starting mid-section. */
	bc_elf_copy_insns(be, bc_elf_sec(be, fb.socket), 24, 1, be_insns);
	ck_assert_int_eq(be_insns[0].imm, -1);
	ck_assert_uint_eq(be_insns[0].code, BPF_JMP | BPF_CALL);

	bc_elf_close(le);
	bc_elf_close(be);
	fix_fini(&fl);
	fix_fini(&fb);
}
END_TEST

START_TEST(test_em_none)
{
	struct bc_elf *elf;
	struct fix f;

	fix_init(&f, false);
	bc_elfb_set_machine(f.b, EM_NONE);
	fix_finish(&f);
	elf = open_ok(&f);
	ck_assert_uint_eq(elf->machine, EM_NONE);
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/* RELA sections and relocations of debug info are skipped, not parsed. */
START_TEST(test_ignored_relocations)
{
	static const unsigned char junk[24] = { 0xff, 0xff, 0xff };
	const struct bc_elf_sec *btf;
	struct bc_elf *elf;
	struct fix f;
	int sec;

	fix_init(&f, false);
	bc_elfb_add_sec(f.b, ".rela.text", SHT_RELA, 0, junk, sizeof(junk));
	sec = bc_elfb_add_sec(f.b, ".BTF.ext", SHT_PROGBITS, 0, junk, 8);
	bc_elfb_add_rel(f.b, sec, 3, 9999, 99);
	sec = bc_elfb_add_sec(f.b, ".debug_info", SHT_PROGBITS, 0, junk, 8);
	bc_elfb_add_rel(f.b, sec, 1 << 20, 0, 3);
	fix_finish(&f);
	elf = open_ok(&f);
	btf = bc_elf_sec_by_name(elf, ".BTF.ext");
	ck_assert_uint_eq(btf->rel_cnt, 0);
	ck_assert_ptr_null(btf->rels);
	ck_assert_uint_eq(elf->rel_pool_cnt, 3);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "ignoring SHT_RELA"));
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/* An object without relocations has an empty pool. */
START_TEST(test_no_relocations)
{
	static const unsigned char insns[16] = { 0xb7, [8] = 0x95 };
	struct bc_elf *elf;
	struct fix f = {};

	f.b = bc_elfb_new(false);
	f.socket = bc_elfb_add_sec(f.b, "xdp", SHT_PROGBITS,
				   SHF_ALLOC | SHF_EXECINSTR, insns, 16);
	bc_elfb_add_sym(f.b, "prog", f.socket, 0, 16, STT_FUNC, STB_GLOBAL);
	bc_elfb_add_sec(f.b, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL,
			64);
	fix_finish(&f);
	elf = open_ok(&f);
	ck_assert_uint_eq(elf->rel_pool_cnt, 0);
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, ".bss")->data);
	ck_assert_uint_eq(bc_elf_sec_by_name(elf, ".bss")->size, 64);
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/* Each section's symbol list holds exactly its symbols, in index order. */
static void check_sym_index(struct bc_elf *elf)
{
	size_t i, s, n;

	for (s = 0; s < elf->sec_cnt; s++) {
		const struct bc_elf_sec *sec = &elf->secs[s];
		size_t next = sec->sym_first;

		for (i = 1, n = 0; i < elf->sym_cnt; i++) {
			if (!s || elf->syms[i].shndx != s)
				continue;
			ck_assert_uint_eq(next, i);
			next = elf->syms[i].next_in_sec;
			n++;
		}
		ck_assert_uint_eq(next, 0);
		ck_assert_uint_eq(sec->sym_cnt, n);
	}
}

START_TEST(test_sym_index)
{
	struct bc_elf *elf;
	struct fix f;

	fix_init(&f, _i);
	/* Not in index order within a section, and one ABS symbol. */
	bc_elfb_add_sym(f.b, "late", f.socket, 8, 0, STT_NOTYPE, STB_LOCAL);
	bc_elfb_add_sym(f.b, "abs", SHN_ABS, 1, 0, STT_NOTYPE, STB_LOCAL);
	bc_elfb_add_sym(f.b, "late2", f.maps, 4, 0, STT_NOTYPE, STB_LOCAL);
	fix_finish(&f);
	elf = open_ok(&f);
	ck_assert(!elf->syms_indexed);
	ck_assert_uint_eq(bc_elf_sec(elf, f.socket)->sym_cnt, 0);
	bc_elf_index_syms(elf);
	ck_assert(elf->syms_indexed);
	check_sym_index(elf);
	ck_assert_uint_eq(bc_elf_sec(elf, f.socket)->sym_first, f.sym_prog);
	ck_assert_uint_eq(bc_elf_sec(elf, f.socket)->sym_cnt, 2);
	ck_assert_uint_eq(bc_elf_sec(elf, f.maps)->sym_cnt, 2);
	/* Idempotent: a second call must not link the symbols twice. */
	bc_elf_index_syms(elf);
	check_sym_index(elf);
	ck_assert_uint_eq(bc_elf_sec(elf, f.socket)->sym_cnt, 2);
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/*
 * More REL/RELA sections than the reader lists while loading: the
 * relocation passes walk every section and still see all of them, and
 * still report the first bad one.
 */
START_TEST(test_many_rel_sections)
{
	static const unsigned char blob[16];
	struct bc_elf *elf;
	char name[32];
	struct fix f;
	int i, sec, bad = 0;

	fix_init(&f, false);
	for (i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "data%d", i);
		sec = bc_elfb_add_sec(f.b, name, SHT_PROGBITS, SHF_ALLOC, blob,
				      sizeof(blob));
		bc_elfb_add_rel(f.b, sec, 8, f.sym_map, R_BPF_64_ABS64);
		if (i == 70)
			bad = sec;
	}
	fix_finish(&f);
	elf = open_ok(&f);
	ck_assert_uint_eq(elf->rel_pool_cnt, 3 + 80);
	for (i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "data%d", i);
		ck_assert_uint_eq(bc_elf_sec_by_name(elf, name)->rel_cnt, 1);
	}
	bc_elf_close(elf);
	/* Past the end of section 70: only the full walk reaches it. */
	bc_elfb_patch(f.b, bc_elfb_rel_off(f.b, bad, 0), 8, 12);
	expect_format(&f, "relocation 0 at offset 12",
		      "offset past the end of the section");
	fix_fini(&f);
}
END_TEST

/*
 * Names alike in their first 16 bytes hash alike: lookups tell them apart
 * by comparing the names.
 */
START_TEST(test_sec_by_name_long)
{
	static const char *const names[] = {
		".section_name_prefix_a", ".section_name_prefix_b",
		".section_name_pr", ".section_name_prefix",
	};
	static const char blob[8];
	int idx[4];
	struct bc_elf *elf;
	struct fix f;
	size_t i;

	fix_init(&f, false);
	for (i = 0; i < 4; i++)
		idx[i] = bc_elfb_add_sec(f.b, names[i], SHT_PROGBITS, 0,
					 blob, sizeof(blob));
	fix_finish(&f);
	elf = open_ok(&f);
	for (i = 0; i < 4; i++)
		ck_assert_ptr_eq(bc_elf_sec_by_name(elf, names[i]),
				 bc_elf_sec(elf, idx[i]));
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, ".section_name_prefix_c"));
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, ".section_name_p"));
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/*
 * Every name length the lookup hash handles apart (under 4, under 8,
 * under 16, 16 and more bytes), each looked up through an exact-size heap
 * copy so that a read past its terminator would leave the block; and
 * bytes with the high bit set, in both byte orders.
 */
START_TEST(test_sec_by_name_lengths)
{
	static const char full[] = "abcdefghijklmnopqrst\xff";
	static const char blob[8];
	int idx[sizeof(full)];
	struct bc_elf *elf;
	char name[32];
	struct fix f;
	size_t len;

	fix_init(&f, _i);
	for (len = 1; len < sizeof(full); len++) {
		snprintf(name, sizeof(name), "%.*s", (int)len, full);
		idx[len] = bc_elfb_add_sec(f.b, name, SHT_PROGBITS, 0, blob,
					   sizeof(blob));
	}
	fix_finish(&f);
	elf = open_ok(&f);
	for (len = 1; len < sizeof(full); len++) {
		char *copy = strndup(full, len);

		ck_assert_ptr_nonnull(copy);
		ck_assert_ptr_eq(bc_elf_sec_by_name(elf, copy),
				 bc_elf_sec(elf, idx[len]));
		copy[len - 1] = 'X';
		ck_assert_ptr_null(bc_elf_sec_by_name(elf, copy));
		free(copy);
	}
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/* ---- ELF header --------------------------------------------------------- */

START_TEST(test_bad_magic)
{
	struct fix f;

	fix_valid(&f, false);
	((char *)f.buf)[1] = 'X';
	expect_format(&f, "bad ELF magic");
	fix_fini(&f);
}
END_TEST

START_TEST(test_class32)
{
	struct fix f;

	fix_valid(&f, false);
	((unsigned char *)f.buf)[EI_CLASS] = ELFCLASS32;
	expect_format(&f, "ELFCLASS64");
	fix_fini(&f);
}
END_TEST

START_TEST(test_bad_data_encoding)
{
	struct fix f;

	fix_valid(&f, false);
	((unsigned char *)f.buf)[EI_DATA] = 3;
	expect_format(&f, "byte order 3");
	fix_fini(&f);
}
END_TEST

START_TEST(test_et_exec)
{
	struct fix f;

	fix_valid(&f, _i);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_type, ET_EXEC);
	expect_format(&f, "ELF type 2", "ET_REL");
	fix_fini(&f);
}
END_TEST

START_TEST(test_wrong_machine)
{
	struct fix f;

	fix_valid(&f, _i);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_machine, EM_X86_64);
	expect_format(&f, "machine 62", "EM_BPF");
	fix_fini(&f);
}
END_TEST

/* The name index keeps the first section of a name, as a walk would. */
START_TEST(test_sec_by_name_index)
{
	static const char blob[8];
	const struct bc_elf_sec *sec;
	struct bc_elf *elf;
	struct fix f;
	int dup1, dup2;
	size_t i;

	fix_init(&f, false);
	dup1 = bc_elfb_add_sec(f.b, "dup", SHT_PROGBITS, SHF_ALLOC, blob, 8);
	dup2 = bc_elfb_add_sec(f.b, "dup", SHT_PROGBITS, SHF_ALLOC, blob, 8);
	ck_assert_int_gt(dup2, dup1);
	fix_finish(&f);
	elf = open_ok(&f);
	ck_assert_ptr_eq(bc_elf_sec_by_name(elf, "dup"), bc_elf_sec(elf, dup1));
	for (i = 1; i < elf->sec_cnt; i++) {
		sec = bc_elf_sec_by_name(elf, elf->secs[i].name);
		ck_assert_ptr_nonnull(sec);
		ck_assert_uint_le(sec->idx, i);
		ck_assert_str_eq(sec->name, elf->secs[i].name);
	}
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, ""));
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, "du"));
	ck_assert_ptr_null(bc_elf_sec_by_name(elf, ".rel"));
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

/*
 * A string table whose last byte is not NUL: names before the last one
 * still resolve (searched one by one), the unterminated last one does not.
 */
START_TEST(test_strtab_unterminated)
{
	size_t str, off;
	char want[64];
	__u64 size;
	struct fix f;

	fix_valid(&f, false);
	str = bc_elfb_strtab_idx(f.b);
	memcpy(&size, (char *)f.buf + shdr(&f, str) +
	       offsetof(Elf64_Shdr, sh_size), sizeof(size));
	off = bc_elfb_data_off(f.b, str) + size - 1;
	ck_assert_int_eq(((char *)f.buf)[off], 0);
	bc_elfb_patch(f.b, off, 1, 'X');
	snprintf(want, sizeof(want), "symbol %d: name offset", f.sym_lic);
	expect_format(&f, want);
	fix_fini(&f);
}
END_TEST

/* Cut the file inside the header, the data and the section headers. */
START_TEST(test_truncated)
{
	struct fix f;
	size_t cuts[8], i;

	fix_valid(&f, false);
	cuts[0] = 0;
	cuts[1] = 4;
	cuts[2] = sizeof(Elf64_Ehdr) - 1;
	cuts[3] = sizeof(Elf64_Ehdr);
	cuts[4] = bc_elfb_data_off(f.b, f.text) + 3;
	cuts[5] = shdr(&f, 0);
	cuts[6] = shdr(&f, 3) + 5;
	cuts[7] = f.size - 1;
	for (i = 0; i < ARRAY_SIZE(cuts); i++)
		expect_err_size(&f, cuts[i], -BC_ERRNO__FORMAT,
				i < 3 ? "too short" : "section header", NULL);
	fix_fini(&f);
}
END_TEST

START_TEST(test_huge_section_count)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_shnum, 0xfeff);
	expect_format(&f, "no usable section header table");
	fix_fini(&f);
}
END_TEST

/* Extended numbering: e_shnum 0, the real count in section 0's sh_size. */
START_TEST(test_huge_extended_section_count)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_shnum, 0);
	bc_elfb_patch_field(f.b, shdr(&f, 0), Elf64_Shdr, sh_size, 4000);
	expect_format(&f, "no usable section header table");
	fix_fini(&f);
}
END_TEST

/* A count over the cap is refused even when the headers are all there. */
START_TEST(test_section_count_cap)
{
	size_t cnt = BC_MAX_SECTIONS + 10;
	size_t size = sizeof(Elf64_Ehdr) + cnt * sizeof(Elf64_Shdr);
	struct bc_elf *elf = NULL;
	Elf64_Ehdr *ehdr;
	Elf64_Shdr *shdr0;
	char *buf;

	buf = calloc(1, size);
	ck_assert_ptr_nonnull(buf);
	ehdr = (Elf64_Ehdr *)buf;
	shdr0 = (Elf64_Shdr *)(buf + sizeof(*ehdr));
	memcpy(ehdr->e_ident, ELFMAG, SELFMAG);
	ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	ehdr->e_ident[EI_DATA] = __BYTE_ORDER == __LITTLE_ENDIAN ?
				 ELFDATA2LSB : ELFDATA2MSB;
	ehdr->e_ident[EI_VERSION] = EV_CURRENT;
	ehdr->e_type = ET_REL;
	ehdr->e_machine = EM_BPF;
	ehdr->e_version = EV_CURRENT;
	ehdr->e_shoff = sizeof(*ehdr);
	ehdr->e_ehsize = sizeof(*ehdr);
	ehdr->e_shentsize = sizeof(Elf64_Shdr);
	ehdr->e_shnum = 0;
	shdr0->sh_size = cnt;

	bc_test_capture_log();
	ck_assert_int_eq(bc_elf_open(buf, size, OBJ_NAME, &elf),
			 -BC_ERRNO__FORMAT);
	ck_assert_ptr_null(elf);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "65545 sections exceed the limit"));
	free(buf);
}
END_TEST

START_TEST(test_extended_section_count_ok)
{
	struct bc_elf *elf;
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_shnum, 0);
	bc_elfb_patch_field(f.b, shdr(&f, 0), Elf64_Shdr, sh_size,
			    bc_elfb_shstrtab_idx(f.b) + 1);
	elf = open_ok(&f);
	check_valid(&f, elf);
	bc_elf_close(elf);
	fix_fini(&f);
}
END_TEST

START_TEST(test_bad_shentsize)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_shentsize, 32);
	expect_err_size(&f, f.size, -BC_ERRNO__FORMAT, "section header",
			NULL);
	fix_fini(&f);
}
END_TEST

START_TEST(test_shstrndx_out_of_range)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, 0, Elf64_Ehdr, e_shstrndx, 200);
	expect_format(&f, "section name table index 200 out of range");
	fix_fini(&f);
}
END_TEST

START_TEST(test_shstrtab_not_strtab)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_shstrtab_idx(f.b)),
			    Elf64_Shdr, sh_type, SHT_PROGBITS);
	expect_format(&f, "section name table is not a string table");
	fix_fini(&f);
}
END_TEST

/* ---- sections ----------------------------------------------------------- */

START_TEST(test_sec_offset_past_eof)
{
	struct fix f;

	fix_valid(&f, _i);
	bc_elfb_patch_field(f.b, shdr(&f, f.maps), Elf64_Shdr, sh_offset,
			    f.size - 8);
	expect_format(&f, "section 3 'maps'", "past the end of the file");
	fix_fini(&f);
}
END_TEST

START_TEST(test_sec_size_past_eof)
{
	struct fix f;

	fix_valid(&f, false);
	/* offset + size wraps to a small number: must still be caught. */
	bc_elfb_patch_field(f.b, shdr(&f, f.license), Elf64_Shdr, sh_size,
			    ~0ULL - 8);
	expect_format(&f, "'license'", "past the end of the file");
	fix_fini(&f);
}
END_TEST

START_TEST(test_compressed)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, f.license), Elf64_Shdr, sh_flags,
			    SHF_ALLOC | SHF_COMPRESSED);
	expect_format(&f, "'license'", "SHF_COMPRESSED");
	fix_fini(&f);
}
END_TEST

START_TEST(test_unnamed_section)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, f.license), Elf64_Shdr, sh_name, 0);
	expect_format(&f, "section 5: unnamed section");
	fix_fini(&f);
}
END_TEST

START_TEST(test_section_name_out_of_range)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, f.maps), Elf64_Shdr, sh_name,
			    0x7fffffff);
	expect_format(&f, "section 3: name offset 2147483647");
	fix_fini(&f);
}
END_TEST

START_TEST(test_bad_alignment)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, f.maps), Elf64_Shdr, sh_addralign,
			    12);
	expect_format(&f, "'maps'", "not a power of two");
	fix_fini(&f);
}
END_TEST

START_TEST(test_exec_size_not_insn_multiple)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, f.text), Elf64_Shdr, sh_size, 12);
	expect_format(&f, "section 2 '.text'", "not a multiple of 8");
	fix_fini(&f);
}
END_TEST

/* ---- symbol table ------------------------------------------------------- */

START_TEST(test_symtab_entsize_zero)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_symtab_idx(f.b)), Elf64_Shdr,
			    sh_entsize, 0);
	expect_format(&f, "'.symtab'", "symbol entry size 0");
	fix_fini(&f);
}
END_TEST

START_TEST(test_symtab_size_not_multiple)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_symtab_idx(f.b)), Elf64_Shdr,
			    sh_size, sizeof(Elf64_Sym) * 2 + 5);
	expect_format(&f, "'.symtab'", "not a non-zero multiple");
	fix_fini(&f);
}
END_TEST

START_TEST(test_symtab_bad_link)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_symtab_idx(f.b)), Elf64_Shdr,
			    sh_link, f.socket);
	expect_format(&f, "'.symtab'", "linked section 1 is not a string table");
	fix_fini(&f);
}
END_TEST

START_TEST(test_two_symtabs)
{
	struct fix f;
	Elf64_Sym syms[2] = {};

	fix_init(&f, false);
	bc_elfb_add_sec(f.b, ".symtab2", SHT_SYMTAB, 0, syms, sizeof(syms));
	fix_finish(&f);
	expect_format(&f, "second symbol table", "'.symtab2'");
	fix_fini(&f);
}
END_TEST

START_TEST(test_no_symtab)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_symtab_idx(f.b)), Elf64_Shdr,
			    sh_type, SHT_PROGBITS);
	expect_format(&f, "no symbol table");
	fix_fini(&f);
}
END_TEST

START_TEST(test_sym_shndx_out_of_range)
{
	struct fix f;

	fix_valid(&f, _i);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_map), Elf64_Sym,
			    st_shndx, 200);
	expect_format(&f, "symbol 4 'my_map'", "section index out of range");
	fix_fini(&f);
}
END_TEST

START_TEST(test_sym_xindex)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_map), Elf64_Sym,
			    st_shndx, SHN_XINDEX);
	expect_format(&f, "'my_map'", "SHN_XINDEX");
	fix_fini(&f);
}
END_TEST

START_TEST(test_sym_name_out_of_range)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_map), Elf64_Sym,
			    st_name, 0x10000);
	expect_format(&f, "symbol 4: name offset 65536");
	fix_fini(&f);
}
END_TEST

/* CVE-2025-29481: st_value + st_size wraps past 2^64. */
START_TEST(test_func_overflow)
{
	struct fix f;

	fix_valid(&f, _i);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_prog), Elf64_Sym,
			    st_value, ~0ULL - 7);
	expect_format(&f, "symbol 2 'prog'", "past the end of its section");
	fix_fini(&f);
}
END_TEST

START_TEST(test_func_size_past_section)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_sub), Elf64_Sym,
			    st_size, 24);
	expect_format(&f, "symbol 3 'sub'", "past the end of its section");
	fix_fini(&f);
}
END_TEST

START_TEST(test_func_unaligned)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_prog), Elf64_Sym,
			    st_value, 4);
	expect_format(&f, "'prog'", "not on an instruction boundary");
	fix_fini(&f);
}
END_TEST

START_TEST(test_section_sym_value)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, f.sym_text), Elf64_Sym,
			    st_value, 8);
	expect_format(&f, "symbol 1 '.text'",
		      "section symbol with a non-zero value");
	fix_fini(&f);
}
END_TEST

START_TEST(test_null_sym_not_zero)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, bc_elfb_sym_off(f.b, 0), Elf64_Sym,
			    st_value, 8);
	expect_format(&f, "symbol 0", "not the null symbol");
	fix_fini(&f);
}
END_TEST

/* ---- relocations -------------------------------------------------------- */

static void patch_rel(struct fix *f, int target, int pos, __u64 off,
		      __u32 sym, __u32 type)
{
	size_t base = bc_elfb_rel_off(f->b, target, pos);

	bc_elfb_patch_field(f->b, base, Elf64_Rel, r_offset, off);
	bc_elfb_patch_field(f->b, base, Elf64_Rel, r_info,
			    ELF64_R_INFO(sym, type));
}

START_TEST(test_rel_unaligned)
{
	struct fix f;

	fix_valid(&f, _i);
	patch_rel(&f, f.socket, f.rel_call, 20, f.sym_text, R_BPF_64_32);
	expect_format(&f, "'.relsocket'", "relocation 1 at offset 20",
		      "in section 1 'socket'",
		      "not on an instruction boundary");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_past_end)
{
	struct fix f;

	fix_valid(&f, false);
	patch_rel(&f, f.socket, f.rel_map, 48, f.sym_map, R_BPF_64_64);
	expect_format(&f, "relocation 0 at offset 48",
		      "past the end of the section");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_data_past_end)
{
	struct fix f;

	fix_valid(&f, false);
	/* 8-byte ABS64 at 28 of a 32-byte section overruns it. */
	patch_rel(&f, f.dmaps, f.rel_dmaps, 28, f.sym_map, R_BPF_64_ABS64);
	expect_format(&f, "'.rel.maps'", "relocation 0 at offset 28",
		      "past the end of the section");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_sym_zero)
{
	struct fix f;

	fix_valid(&f, false);
	patch_rel(&f, f.socket, f.rel_map, 0, 0, R_BPF_64_64);
	expect_format(&f, "relocation 0 at offset 0", "null symbol index");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_sym_out_of_range)
{
	struct fix f;

	fix_valid(&f, _i);
	patch_rel(&f, f.socket, f.rel_map, 0, 1000, R_BPF_64_64);
	expect_format(&f, "symbol 1000 '?'", "symbol index out of range");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_unknown_type)
{
	struct fix f;

	fix_valid(&f, false);
	patch_rel(&f, f.socket, f.rel_map, 0, f.sym_map, 7);
	expect_format(&f, "symbol 4 'my_map', type 7",
		      "unknown relocation type");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_not_ldimm64_or_call)
{
	struct fix f;

	fix_valid(&f, _i);
	patch_rel(&f, f.socket, f.rel_map, 32, f.sym_map, R_BPF_64_64);
	expect_format(&f, "offset 32", "neither ld_imm64 nor call");
	fix_fini(&f);
}
END_TEST

/* An ld_imm64 in the last slot has no room for its second half. */
START_TEST(test_rel_ldimm64_split)
{
	unsigned char insns[16];
	struct fix f;
	int sec;

	fix_init(&f, false);
	bc_elfb_insn(insns, false, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	bc_elfb_insn(insns + 8, false, BPF_LD | BPF_IMM | BPF_DW, 1, 1, 0, 0);
	sec = bc_elfb_add_sec(f.b, "xdp", SHT_PROGBITS,
			      SHF_ALLOC | SHF_EXECINSTR, insns, sizeof(insns));
	bc_elfb_add_rel(f.b, sec, 8, f.sym_map, R_BPF_64_64);
	fix_finish(&f);
	expect_format(&f, "'.relxdp'", "offset 8", "missing its second slot");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_entsize)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_rel_idx(f.b, f.socket)),
			    Elf64_Shdr, sh_entsize, 24);
	expect_format(&f, "'.relsocket'", "entry size is not");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_bad_link)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_rel_idx(f.b, f.socket)),
			    Elf64_Shdr, sh_link, f.maps);
	expect_format(&f, "'.relsocket'", "not the symbol table");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_bad_target)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_rel_idx(f.b, f.socket)),
			    Elf64_Shdr, sh_info, 500);
	expect_format(&f, "'.relsocket'", "target section 500 out of range");
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_rel_idx(f.b, f.socket)),
			    Elf64_Shdr, sh_info, bc_elfb_strtab_idx(f.b));
	expect_format(&f, "'.relsocket'", "neither PROGBITS nor NOBITS");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_two_for_one_target)
{
	struct fix f;

	fix_valid(&f, false);
	bc_elfb_patch_field(f.b, shdr(&f, bc_elfb_rel_idx(f.b, f.dmaps)),
			    Elf64_Shdr, sh_info, f.socket);
	expect_format(&f, "'.rel.maps'",
		      "target already has a relocation section");
	fix_fini(&f);
}
END_TEST

START_TEST(test_rel_nobits_target)
{
	struct fix f;
	int bss;

	fix_init(&f, false);
	bss = bc_elfb_add_sec(f.b, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
			      NULL, 64);
	bc_elfb_add_rel(f.b, bss, 0, f.sym_map, R_BPF_64_ABS64);
	fix_finish(&f);
	expect_format(&f, "'.rel.bss'", "target section has no data");
	fix_fini(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("valid");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_accessors_range);
	tcase_add_test(tc, test_big_endian);
	tcase_add_test(tc, test_em_none);
	tcase_add_test(tc, test_ignored_relocations);
	tcase_add_test(tc, test_no_relocations);
	tcase_add_test(tc, test_extended_section_count_ok);
	tcase_add_test(tc, test_sec_by_name_index);
	tcase_add_loop_test(tc, test_sym_index, 0, 2);
	tcase_add_test(tc, test_many_rel_sections);
	tcase_add_test(tc, test_sec_by_name_long);
	tcase_add_loop_test(tc, test_sec_by_name_lengths, 0, 2);
	suite_add_tcase(s, tc);

	/* _i selects the byte order for the loop tests: 0 LE, 1 BE. */
	tc = tcase_create("header");
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_class32);
	tcase_add_test(tc, test_bad_data_encoding);
	tcase_add_loop_test(tc, test_et_exec, 0, 2);
	tcase_add_loop_test(tc, test_wrong_machine, 0, 2);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_huge_section_count);
	tcase_add_test(tc, test_huge_extended_section_count);
	tcase_add_test(tc, test_section_count_cap);
	tcase_add_test(tc, test_bad_shentsize);
	tcase_add_test(tc, test_shstrndx_out_of_range);
	tcase_add_test(tc, test_shstrtab_not_strtab);
	suite_add_tcase(s, tc);

	tc = tcase_create("sections");
	tcase_add_loop_test(tc, test_sec_offset_past_eof, 0, 2);
	tcase_add_test(tc, test_sec_size_past_eof);
	tcase_add_test(tc, test_compressed);
	tcase_add_test(tc, test_unnamed_section);
	tcase_add_test(tc, test_section_name_out_of_range);
	tcase_add_test(tc, test_bad_alignment);
	tcase_add_test(tc, test_exec_size_not_insn_multiple);
	suite_add_tcase(s, tc);

	tc = tcase_create("symbols");
	tcase_add_test(tc, test_symtab_entsize_zero);
	tcase_add_test(tc, test_symtab_size_not_multiple);
	tcase_add_test(tc, test_symtab_bad_link);
	tcase_add_test(tc, test_two_symtabs);
	tcase_add_test(tc, test_no_symtab);
	tcase_add_loop_test(tc, test_sym_shndx_out_of_range, 0, 2);
	tcase_add_test(tc, test_sym_xindex);
	tcase_add_test(tc, test_sym_name_out_of_range);
	tcase_add_test(tc, test_strtab_unterminated);
	tcase_add_loop_test(tc, test_func_overflow, 0, 2);
	tcase_add_test(tc, test_func_size_past_section);
	tcase_add_test(tc, test_func_unaligned);
	tcase_add_test(tc, test_section_sym_value);
	tcase_add_test(tc, test_null_sym_not_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("relocations");
	tcase_add_loop_test(tc, test_rel_unaligned, 0, 2);
	tcase_add_test(tc, test_rel_past_end);
	tcase_add_test(tc, test_rel_data_past_end);
	tcase_add_test(tc, test_rel_sym_zero);
	tcase_add_loop_test(tc, test_rel_sym_out_of_range, 0, 2);
	tcase_add_test(tc, test_rel_unknown_type);
	tcase_add_loop_test(tc, test_rel_not_ldimm64_or_call, 0, 2);
	tcase_add_test(tc, test_rel_ldimm64_split);
	tcase_add_test(tc, test_rel_entsize);
	tcase_add_test(tc, test_rel_bad_link);
	tcase_add_test(tc, test_rel_bad_target);
	tcase_add_test(tc, test_rel_two_for_one_target);
	tcase_add_test(tc, test_rel_nobits_target);
	suite_add_tcase(s, tc);

	return bc_test_run(s);
}
