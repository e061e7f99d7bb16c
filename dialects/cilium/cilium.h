/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cilium/ebpf 0.9.1 rules, exposed for unit tests. */
#ifndef __BC_DIALECT_CILIUM_H
#define __BC_DIALECT_CILIUM_H

#include <stdbool.h>
#include <linux/types.h>

#include "object.h"

/* internal.MagicKernelVersion: "the running kernel" for kprobes. */
#define BC_CILIUM_MAGIC_KVERSION	0xFFFFFFFEu

/* kern_version a program of prog_type loads with, given the version
 * section's value (0 if absent) and the running kernel's. */
__u32 bc_cilium_kversion(__u32 prog_type, __u32 section, __u32 running);
/* Whether a legacy definition of size bytes has only zeros past the
 * 20-byte bpf_map_def (its Extra). */
bool bc_cilium_extra_clean(const void *def, __u64 size);
/* Perf event array: one slot per possible CPU, 4-byte key and value. */
void bc_cilium_clamp_perf(struct bc_map *map, int cpus);

#endif /* __BC_DIALECT_CILIUM_H */
