/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * CO-RE: the relocation records clang leaves in .BTF.ext for accesses to
 * kernel types (preserve_access_index, bpf_core_read.h), resolved against
 * the kernel's BTF and applied to linked code by libbpf's rules, so the
 * kernel gets the instructions libbpf would give it.
 */
#ifndef __BC_CORERELO_H
#define __BC_CORERELO_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

struct btf;

/* What a record resolves to, for the object and for the kernel. */
struct bc_core_res {
	__u64 orig_val;			/* the value compiled in */
	__u64 new_val;			/* the kernel's */
	__u32 orig_sz, new_sz;		/* field sizes (loads and stores) */
	bool poison;			/* no kernel match: poison the insn */
	bool validate;			/* the insn must hold orig_val */
	bool memsz_bad;			/* a size change loads a wrong value */
};

/* One core_relo record of .BTF.ext, in host byte order. */
struct bc_core_rec {
	__u32 insn_off;			/* byte offset in its section */
	__u32 type_id;			/* root type, in the object's BTF */
	__u32 access_off;		/* access string, in its strings */
	__u32 kind;			/* enum bpf_core_relo_kind */
	int state;			/* 0 unresolved, 1 res valid, <0 error */
	struct bc_core_res res;
};

/* Resolution state of one relocation pass: kernel BTF and candidates. */
struct bc_core;

/*
 * target_path: the kernel BTF to resolve against, loaded on first need;
 * NULL for the running kernel's (/sys/kernel/btf/vmlinux). target, if not
 * NULL, is used instead and stays the caller's.
 */
struct bc_core *bc_core_new(const struct btf *local, const char *target_path,
			    const struct btf *target);
void bc_core_free(struct bc_core *core);

/*
 * Resolve rec (once; the result is kept in it) and patch insn, which has
 * room instructions up to the end of its unit. 0, or a negative error
 * with the cause in why.
 */
int bc_core_apply(struct bc_core *core, struct bc_core_rec *rec,
		  struct bpf_insn *insn, size_t room, char *why,
		  size_t why_sz);

/* libbpf's name of a record kind ("byte_off", "type_exists", ...). */
const char *bc_core_kind_str(__u32 kind);

#endif /* __BC_CORERELO_H */
