/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel symbols a program names, found by name at load as libbpf finds
 * them: __ksym externs (kfunc calls, typed variables by BTF id, typeless
 * ones by address) and the BTF attach targets of tracing and lsm
 * programs. The running kernel's BTF is read once per load, if needed.
 */
#ifndef __BC_KSYM_H
#define __BC_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

struct bc_object;
struct bc_prog;
struct bc_fixup;

struct bc_ksym {
	const char *name;		/* ELF string */
	bool func;			/* a kfunc, else a variable */
	bool typeless;			/* extern const void x __ksym */
	bool weak;			/* unresolved is 0, not an error */
	/* At load. */
	__s32 btf_id;			/* kernel BTF id; 0 unresolved */
	__u64 addr;			/* typeless: from /proc/kallsyms */
};

/*
 * Add the extern symbol name (UNDEF, weak or not) as a kernel symbol:
 * its index in obj->ksyms in *idx. The caller adds each symbol once.
 * -ENOENT if the object's BTF does not declare it (not a __ksym),
 * -E2BIG, -ENOMEM.
 */
int bc_ksym_add(struct bc_object *obj, const char *name, bool weak,
		size_t *idx);

/*
 * Resolve every ksym, and the attach target of each of the cnt programs
 * about to load, in the running kernel. 0, or an error naming the
 * symbol (and the program).
 */
int bc_ksym_resolve(struct bc_object *obj, struct bc_prog *const *progs,
		    size_t cnt);

/* Apply a BC_FIX_KFUNC or BC_FIX_KSYM fixup to the program's copy. */
void bc_ksym_patch(const struct bc_object *obj, const struct bc_fixup *fix,
		   struct bpf_insn *insn);

#endif /* __BC_KSYM_H */
