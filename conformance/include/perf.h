/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The perf-convention corpus header: what perf's tools/perf/include/bpf/
 * bpf.h gave BPF C (SEC, the 28-byte struct bpf_map in SEC("maps"),
 * license/version), and with -DBTF_TWIN the same maps in BTF SEC(".maps"),
 * which perf 6.1 accepts, with identical instructions.
 */
#ifndef __BC_CONFORMANCE_PERF_H
#define __BC_CONFORMANCE_PERF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef LINUX_VERSION_CODE
#define LINUX_VERSION_CODE 0x6122c
#endif

#ifdef BTF_TWIN
#define bpf_map(name, _type, key_t, val_t, _max)			\
	struct {							\
		__uint(type, _type);					\
		__type(key, key_t);					\
		__type(value, val_t);					\
		__uint(max_entries, _max);				\
	} name SEC(".maps")
#else
/* perf's bpf.h, 2018 to v6.1: 7 x u32. */
struct bpf_map {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};
#define bpf_map(name, _type, key_t, val_t, _max)			\
	struct bpf_map SEC("maps") name = {				\
		.type = _type,						\
		.key_size = sizeof(key_t),				\
		.value_size = sizeof(val_t),				\
		.max_entries = _max,					\
	}
#endif

/* perf's license() macro: a license and the kernel version. */
#define license(name)							\
	char _license[] SEC("license") = #name;				\
	int _version SEC("version") = LINUX_VERSION_CODE

/* perf's stdio.h */
#define __bpf_stdout_map() \
	bpf_map(__bpf_stdout__, BPF_MAP_TYPE_PERF_EVENT_ARRAY, int, __u32, 2)
#define puts(from, ctx)							\
	bpf_perf_event_output(ctx, &__bpf_stdout__, BPF_F_CURRENT_CPU,	\
			      from, sizeof(from))

#endif /* __BC_CONFORMANCE_PERF_H */
