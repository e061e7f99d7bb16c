/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf 1.x behaviour other dialects share (cilium/ebpf mirrors it):
 * BTF-defined maps in .maps, their `values` slots, global data BTF ids,
 * pinning by name.
 */
#ifndef __BC_DIALECT_LIBBPF_H
#define __BC_DIALECT_LIBBPF_H

#include "object.h"

/* Maps from the .maps DATASEC, placed before every other map. */
int bc_libbpf_btf_maps(struct bc_object *obj);
/* Initial `values` slots from .rel.maps (programs must exist). */
int bc_libbpf_btf_map_inits(struct bc_object *obj);
/* LIBBPF_PIN_BY_NAME: <bpffs>/[pin-root/]<name>. */
int bc_libbpf_pin_path(struct bc_object *obj, struct bc_map *map,
		       const char *bpffs, char **path);
int bc_libbpf_param(struct bc_object *obj, const char *key,
		    const char *value);

#endif /* __BC_DIALECT_LIBBPF_H */
