// SPDX-License-Identifier: GPL-2.0
/* samples/bpf-style 28-byte records (inner_map_idx and numa_node zero). */
#include "compat.h"

DEFINE_MAP_SAMPLES(my_map, BPF_MAP_TYPE_ARRAY, __u32, long, 256);
DEFINE_MAP_SAMPLES(my_hash, BPF_MAP_TYPE_HASH, __u64, __u64, 128);

SEC("socket")
int samples_sock(struct __sk_buff *skb)
{
	__u32 idx = skb->protocol & 0xff;
	__u64 key = skb->ifindex, init = 1, *cnt;
	long *val;

	val = bpf_map_lookup_elem(&my_map, &idx);
	if (val)
		__sync_fetch_and_add(val, skb->len);
	cnt = bpf_map_lookup_elem(&my_hash, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&my_hash, &key, &init, BPF_ANY);
	return 0;
}

LICENSE("GPL");
