// SPDX-License-Identifier: GPL-2.0
/* A glob tracepoint section and kv pairs in front of a tracepoint. */
#include "perf.h"

bpf_map(hits, BPF_MAP_TYPE_ARRAY, __u32, __u64, 1);

SEC("inlines=no;syscalls:sys_enter_open*")
int tp_open_any(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

license(GPL);
