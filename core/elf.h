/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Validated views of an ELF object. bc_elf_open() checks every invariant of
 * HARDENING.md §3.1-3.3 once; afterwards callers index the arrays below
 * freely (all indexes in them are already range-checked) and only use the
 * accessors for indexes that come from elsewhere.
 */

#ifndef __BC_ELF_H
#define __BC_ELF_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bc_elf_rel {
	__u64 offset;		/* byte offset in the target, 8-aligned, in range */
	__u32 sym;		/* symbol index, 1 .. sym_cnt-1 */
	__u32 type;		/* R_BPF_* */
};

struct bc_elf_sec {
	size_t idx;
	const char *name;	/* never NULL, never "" */
	__u32 type;		/* SHT_* */
	__u32 link, info;
	bool exec;		/* PROGBITS + SHF_EXECINSTR + size > 0 */
	__u64 flags;		/* SHF_* */
	__u64 size;		/* sh_size */
	const void *data;	/* size bytes (raw, file byte order); NULL for
				 * NOBITS or size 0 */
	__u64 entsize;
	__u64 addralign;
	/*
	 * Relocations whose sh_info targets this section (from the one REL
	 * section naming it), in file order. For executable targets every
	 * entry has been checked to sit on an ld_imm64 (both slots inside
	 * the section) or a call instruction.
	 */
	const struct bc_elf_rel *rels;
	size_t rel_cnt;
	size_t rel_sec;		/* index of that REL section, 0 if none */
	/*
	 * Once bc_elf_index_syms() ran: the symbols defined in this section
	 * (shndx == idx), in index order: sym_first, then each one's
	 * next_in_sec, until 0; sym_cnt of them. 0 and 0 before.
	 */
	__u32 sym_first;
	__u32 sym_cnt;
};

/* 32 bytes: a big object has thousands (local labels, mostly). Its index
 * is its place in bc_elf.syms. */
struct bc_elf_sym {
	const char *name;	/* "" if unnamed, never NULL */
	__u64 value;
	__u64 size;
	/* Next symbol of the same section (see bc_elf_sec), 0 at the end. */
	__u32 next_in_sec;
	__u16 shndx;		/* < sec_cnt, or SHN_UNDEF/ABS/COMMON */
	__u8 type:4;		/* STT_* */
	__u8 bind:4;		/* STB_* */
	__u8 visibility;	/* STV_* */
};

struct bc_elf {
	const char *path;	/* for messages: file name or object name */
	const void *buf;	/* the object bytes (not owned) */
	size_t size;
	bool big_endian;
	__u16 machine;		/* EM_BPF or EM_NONE */
	struct bc_elf_sec *secs;	/* sec_cnt entries; [0] is SHN_UNDEF */
	size_t sec_cnt;
	struct bc_elf_sym *syms;	/* sym_cnt entries; [0] is the null sym */
	size_t sym_cnt;
	size_t symtab_idx;
	/* storage owned by the reader */
	struct bc_elf_rel *rel_pool;
	size_t rel_pool_cnt;
	/*
	 * bc_elf_sec_by_name(): open addressing; a slot holds a section
	 * index in its low 16 bits and 16 bits of its name's hash above
	 * them, 0 = free.
	 */
	__u32 *name_slots;
	size_t name_mask;	/* slot count - 1 (a power of two) */
	bool syms_indexed;	/* bc_elf_index_syms() ran */
};

/*
 * Parse and validate buf (not copied: it must outlive the result). name is
 * used in every message. Returns 0 or a negative errno (-BC_ERRNO__FORMAT
 * for malformed objects, with a message naming the section/symbol/offset).
 */
int bc_elf_open(const void *buf, size_t size, const char *name,
		struct bc_elf **out);
void bc_elf_close(struct bc_elf *elf);

/* NULL if idx is out of range. */
const struct bc_elf_sec *bc_elf_sec(const struct bc_elf *elf, size_t idx);
const struct bc_elf_sec *bc_elf_sec_by_name(const struct bc_elf *elf,
					    const char *name);
const struct bc_elf_sym *bc_elf_sym(const struct bc_elf *elf, size_t idx);

/*
 * Link each section's symbols (bc_elf_sec.sym_first/sym_cnt,
 * bc_elf_sym.next_in_sec), for callers that walk the symbols of one
 * section at a time: one pass over the symbols, then each walk only visits
 * its own. Not done by bc_elf_open(), so only its users pay; idempotent.
 *
 *	for (i = sec->sym_first; i; i = elf->syms[i].next_in_sec)
 *		use(&elf->syms[i]);
 */
void bc_elf_index_syms(struct bc_elf *elf);

/* The symbol's display name: its name, or its section's for STT_SECTION. */
/* An undefined global symbol: an extern (__kconfig, __ksym, kfunc). */
bool bc_elf_has_externs(const struct bc_elf *elf);

const char *bc_elf_sym_name(const struct bc_elf *elf,
			    const struct bc_elf_sym *sym);

/*
 * Copy insn_cnt instructions starting at byte off of an executable section
 * into dst, converting to host byte order. Caller guarantees the range is
 * in bounds (off + insn_cnt * 8 <= size).
 */
void bc_elf_copy_insns(const struct bc_elf *elf, const struct bc_elf_sec *sec,
		       __u64 off, size_t insn_cnt, void *dst);

#endif /* __BC_ELF_H */
