/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Conversion of an opened object into libbpf 1.x's convention: the pieces
 * the writer is built from, exposed for the unit tests.
 */
#ifndef __BC_CONVERT_H
#define __BC_CONVERT_H

#include "object.h"

struct btf;

/*
 * The libbpf 1.x section name that gives a program of this type and
 * expected attach type (target: attach target or NULL). orig is kept when
 * libbpf already reads it the same way. Returns a new string, or NULL with
 * errno ENOENT when libbpf has no such section, ENOMEM.
 */
char *bc_convert_sec_name(__u32 type, __u32 attach, const char *target,
			  const char *orig);

/*
 * The type id of libbpf's __uint(name, n) member encoding, int (*)[n]:
 * a PTR to an ARRAY of n ints. Returns the id or a negative errno.
 */
int bc_convert_btf_uint(struct btf *btf, __u32 n);

/*
 * Add the BTF map definition struct of map (anonymous, one 8-byte member
 * per attribute): pinned adds __uint(pinning, LIBBPF_PIN_BY_NAME),
 * values_kind is 0, BPF_MAP_TYPE_PROG_ARRAY (an __array of programs) or a
 * map-in-map type with inner as the inner definition. Returns the type id
 * or a negative errno; *size gets the struct size.
 */
int bc_convert_btf_map_def(struct btf *btf, const struct bc_map *map,
			   bool pinned, const struct bc_map *inner,
			   bool with_values, __u32 *size);

#endif /* __BC_CONVERT_H */
