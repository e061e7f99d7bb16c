// SPDX-License-Identifier: GPL-2.0
/* Global data: .rodata, .data and .bss become single-entry array maps. */
#include "compat.h"

DEFINE_MAP(events, BPF_MAP_TYPE_ARRAY, __u32, __u64, 1);

const volatile __u32 sample_mask = 3;
__u64 hits = 1;
__u64 misses;

SEC("socket")
int glob_sock(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *val;

	if (skb->len & sample_mask) {
		__sync_fetch_and_add(&misses, 1);
		return 0;
	}
	__sync_fetch_and_add(&hits, 1);
	val = bpf_map_lookup_elem(&events, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	return skb->len;
}

LICENSE("GPL");
