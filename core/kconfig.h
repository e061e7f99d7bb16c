/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * __kconfig externs (libbpf): variables of the .kconfig DATASEC, laid out
 * in one read-only array map as libbpf lays them out, and filled at load
 * from the running kernel: its version, two features, and its Kconfig.
 */
#ifndef __BC_KCONFIG_H
#define __BC_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;
struct btf_type;
struct bc_object;

enum bc_kcfg_type {
	BC_KCFG_BOOL,
	BC_KCFG_CHAR,
	BC_KCFG_TRISTATE,		/* enum libbpf_tristate */
	BC_KCFG_INT,
	BC_KCFG_CHAR_ARR,
};

/* One extern, where libbpf puts it in the map value. */
struct bc_kcfg {
	const char *name;		/* in the object's BTF strings */
	__u32 var_id;			/* its VAR */
	__u32 sec_pos;			/* its place in the DATASEC */
	enum bc_kcfg_type type;
	__u32 size, align, off;
	bool is_signed;
	bool is_weak;			/* unresolved is 0, not an error */
};

/*
 * The externs of DATASEC sec, sorted and placed as libbpf 1.x does (by
 * alignment down, size up, then name). *size is the map value's. The
 * array is malloc'ed; 0 or a negative error, the cause logged.
 */
int bc_kconfig_layout(const char *path, const struct btf *btf,
		      const struct btf_type *sec, struct bc_kcfg **out,
		      size_t *cnt, __u32 *size);

/*
 * obj->kcfg_by_name: the externs sorted by name, for lookups
 * that stay O(log n) on hostile objects. 0 or -ENOMEM.
 */
int bc_kconfig_index(struct bc_object *obj);

/* The extern name refers to, or NULL. */
const struct bc_kcfg *bc_kconfig_find(const struct bc_object *obj,
				      const char *name);

/*
 * The .kconfig map's value for this kernel, into the map's initial
 * bytes. Weak externs it cannot resolve are 0; a strong one fails.
 */
int bc_kconfig_fill(struct bc_object *obj);

#endif /* __BC_KCONFIG_H */
