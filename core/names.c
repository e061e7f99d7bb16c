// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Type names as bpftool spells them. libbpf's string helpers are the
 * reference (bpftool prints through them), so we ask them instead of
 * keeping a table of our own that would drift.
 */
#include <bpf/libbpf.h>

#include "internal.h"

/*
 * Enum values are dense today, but a removed value would leave a hole the
 * string helpers answer NULL for, so reverse lookups scan a generous fixed
 * range instead of stopping at the first NULL.
 */
#define BC_TYPE_SCAN_MAX	128

typedef const char *(*bc_type_str_fn)(__u32 type);

static const char *map_type_str(__u32 type)
{
	return libbpf_bpf_map_type_str((enum bpf_map_type)type);
}

static const char *prog_type_str(__u32 type)
{
	return libbpf_bpf_prog_type_str((enum bpf_prog_type)type);
}

static const char *attach_type_str(__u32 type)
{
	return libbpf_bpf_attach_type_str((enum bpf_attach_type)type);
}

static int type_by_name(bc_type_str_fn str, const char *name, __u32 *type)
{
	const char *s;
	__u32 t;

	if (!name || !type)
		return bc_err(-EINVAL);
	for (t = 0; t < BC_TYPE_SCAN_MAX; t++) {
		s = str(t);
		if (s && !strcmp(s, name)) {
			*type = t;
			return 0;
		}
	}
	return bc_err(-ENOENT);
}

const char *bc_map_type_name(__u32 type)
{
	return map_type_str(type);
}

const char *bc_prog_type_name(__u32 type)
{
	return prog_type_str(type);
}

const char *bc_attach_type_name(__u32 type)
{
	return attach_type_str(type);
}

int bc_map_type_by_name(const char *name, __u32 *type)
{
	return type_by_name(map_type_str, name, type);
}

int bc_prog_type_by_name(const char *name, __u32 *type)
{
	return type_by_name(prog_type_str, name, type);
}

int bc_attach_type_by_name(const char *name, __u32 *type)
{
	return type_by_name(attach_type_str, name, type);
}
