/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * In-memory builder of ELF64 relocatable objects for tests and for the
 * malformed-object generator. It writes bytes directly (no libelf), so it
 * can produce either byte order and objects libelf would refuse to write;
 * after bc_elfb_finish() any field can be patched through the offset
 * functions below.
 *
 * Layout of a finished object: ELF header; the data of sections 1..N in
 * index order, each 8-aligned; the section header table. Section indexes:
 * the sections added by bc_elfb_add_sec() (1, 2, ... in call order), then
 * one ".rel<target>" per section with relocations (in target order), then
 * ".symtab", ".strtab" and ".shstrtab" (e_shstrndx).
 *
 *	struct bc_elfb *b = bc_elfb_new(false);
 *	int text = bc_elfb_add_sec(b, "socket", SHT_PROGBITS,
 *				   SHF_ALLOC | SHF_EXECINSTR, insns, 16);
 *	int sym = bc_elfb_add_sym(b, "prog", text, 0, 16, STT_FUNC,
 *				  STB_GLOBAL);
 *	void *obj = bc_elfb_finish(b, &size);
 *	bc_elfb_patch_field(b, bc_elfb_shdr_off(b, text), Elf64_Shdr,
 *			    sh_size, 1 << 20);
 *	...
 *	bc_elfb_free(b);	(frees obj too)
 */
#ifndef __BC_ELFBUILD_H
#define __BC_ELFBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bc_elfb;

/* A new object: ET_REL, EM_BPF, big_endian selects ELFDATA2MSB. */
struct bc_elfb *bc_elfb_new(bool big_endian);
void bc_elfb_free(struct bc_elfb *b);

/* e_machine (default EM_BPF). */
void bc_elfb_set_machine(struct bc_elfb *b, __u16 machine);

/*
 * Add a section; size bytes of data are copied (data may be NULL for
 * SHT_NOBITS or size 0). sh_addralign is 8, sh_entsize/link/info 0 (patch
 * them afterwards if needed). Returns the section index or -1.
 */
int bc_elfb_add_sec(struct bc_elfb *b, const char *name, __u32 type,
		    __u64 flags, const void *data, size_t size);

/*
 * Add a symbol (indexes start at 1; 0 is the null symbol). shndx is an
 * index returned by bc_elfb_add_sec() or an SHN_* value; type/bind are
 * STT_* and STB_*. Returns the symbol index or -1.
 */
int bc_elfb_add_sym(struct bc_elfb *b, const char *name, __u16 shndx,
		    __u64 value, __u64 size, __u8 type, __u8 bind);

/*
 * Add an Elf64_Rel to the ".rel<name>" section of section target. sym and
 * type are not checked, so invalid entries can be written. Returns the
 * entry's position within its REL section or -1.
 */
int bc_elfb_add_rel(struct bc_elfb *b, int target, __u64 offset, __u32 sym,
		    __u32 type);

/*
 * Lay out the object. The returned buffer belongs to the builder (freed by
 * bc_elfb_free()) and may be patched; NULL on ENOMEM. Nothing can be added
 * afterwards.
 */
void *bc_elfb_finish(struct bc_elfb *b, size_t *size);

/* Indexes of generated sections (valid after finish; 0 if none). */
size_t bc_elfb_symtab_idx(const struct bc_elfb *b);
size_t bc_elfb_strtab_idx(const struct bc_elfb *b);
size_t bc_elfb_shstrtab_idx(const struct bc_elfb *b);
size_t bc_elfb_rel_idx(const struct bc_elfb *b, int target);

/* File offsets in the finished object, for patching. */
size_t bc_elfb_shdr_off(const struct bc_elfb *b, size_t sec_idx);
size_t bc_elfb_data_off(const struct bc_elfb *b, size_t sec_idx);
size_t bc_elfb_sym_off(const struct bc_elfb *b, size_t sym_idx);
size_t bc_elfb_rel_off(const struct bc_elfb *b, int target, size_t pos);

/* Write the width (1, 2, 4 or 8) low bytes of val at off, object order. */
void bc_elfb_patch(struct bc_elfb *b, size_t off, size_t width, __u64 val);

/* Patch one member of an ELF structure that starts at base. */
#define bc_elfb_patch_field(b, base, type, member, val)			\
	bc_elfb_patch(b, (base) + offsetof(type, member),		\
		      sizeof(((type *)0)->member), val)

/* Encode one BPF instruction at dst in the given byte order. */
void bc_elfb_insn(void *dst, bool big_endian, __u8 code, __u8 dst_reg,
		  __u8 src_reg, __s16 off, __s32 imm);

#endif /* __BC_ELFBUILD_H */
