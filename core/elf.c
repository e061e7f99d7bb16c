// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the ELF reader implementation. */
#include "internal.h"
#include "elf.h"

int bc_elf_open(const void *buf, size_t size, const char *name, struct bc_elf **out) { return -EOPNOTSUPP; }
void bc_elf_close(struct bc_elf *elf) { }
const struct bc_elf_sec *bc_elf_sec(const struct bc_elf *elf, size_t idx) { return NULL; }
const struct bc_elf_sec *bc_elf_sec_by_name(const struct bc_elf *elf, const char *name) { return NULL; }
const struct bc_elf_sym *bc_elf_sym(const struct bc_elf *elf, size_t idx) { return NULL; }
const char *bc_elf_sym_name(const struct bc_elf *elf, const struct bc_elf_sym *sym) { return ""; }
void bc_elf_copy_insns(const struct bc_elf *elf, const struct bc_elf_sec *sec, __u64 off, size_t insn_cnt, void *dst) { }
