/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The object's BTF, for any dialect: .BTF parsed and validated once, its
 * DATASECs completed from the ELF (clang leaves sizes and offsets to the
 * loader), .BTF.ext func/line info re-based onto linked programs, and the
 * BTF loaded into the kernel so maps and programs can refer to it.
 */
#ifndef __BC_BTF_H
#define __BC_BTF_H

#include "object.h"

struct btf;

/* Most types an object's BTF may hold (a vmlinux has ~150k). */
#define BC_BTF_MAX_TYPES	(1U << 20)

/* Longest typedef/modifier chain followed: hostile BTF may loop. */
#define BC_BTF_MODS_MAX		32

/*
 * The type past typedefs and modifiers (const, volatile, restrict, type
 * tags), its id in *res_id if not NULL; NULL for a bad id or a chain
 * longer than BC_BTF_MODS_MAX. libbpf 1.1 does not check the ids of a
 * parsed .BTF, so every walk of the object's types goes through here.
 */
const struct btf_type *bc_btf_skip_mods(const struct btf *btf, __u32 id,
					__u32 *res_id);

/*
 * The object's parsed .BTF in *btf (NULL if the object has none). A .BTF
 * that fails validation is an error (-BC_ERRNO__FORMAT): callers that can
 * do without BTF decide whether to carry on.
 */
int bc_btf_get(struct bc_object *obj, const struct btf **btf);

/* One run of linked code: count instructions of section sec_idx at byte
 * off, placed at instruction linked_off of the program. */
struct bc_btf_span {
	size_t sec_idx;
	__u64 off;
	size_t cnt;
	size_t linked_off;
};

/*
 * Check and count prog's func_info and line_info in .BTF.ext for its
 * linked spans. An unusable .BTF.ext is ignored with a warning (the
 * program loads without it), like libbpf. The records are copied only by
 * bc_btf_prog_info_fill(): a dry run never needs them.
 */
int bc_btf_prog_info(struct bc_object *obj, struct bc_prog *prog,
		     const struct bc_btf_span *spans, size_t cnt);

/*
 * Copy every counted program's records, re-based to linked instruction
 * indexes, into one block of the object (prog->spans says where its code
 * came from). Returns 0 or -ENOMEM.
 */
int bc_btf_prog_info_fill(struct bc_object *obj);

/* prog loads without func_info and line_info. */
void bc_btf_prog_info_free(struct bc_prog *prog);

/*
 * Load the object's BTF into the kernel (obj->btf_fd). A kernel that
 * refuses it costs only the BTF: a warning, and maps and programs load
 * without it. Returns 0 or -ENOMEM.
 */
int bc_btf_load(struct bc_object *obj);
void bc_btf_unload(struct bc_object *obj);

/* Free everything above (object teardown). */
void bc_btf_release(struct bc_object *obj);

#endif /* __BC_BTF_H */
