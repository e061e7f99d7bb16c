// SPDX-License-Identifier: GPL-2.0
/* Socket filter counting packets per protocol: a hash and an array map. */
#include "compat.h"

DEFINE_MAP(proto_counts, BPF_MAP_TYPE_HASH, __u32, __u64, 256);
DEFINE_MAP(totals, BPF_MAP_TYPE_ARRAY, __u32, __u64, 2);

SEC("socket")
int count_proto(struct __sk_buff *skb)
{
	__u32 proto = skb->protocol;
	__u64 one = 1, *val;
	__u32 idx = 0;

	val = bpf_map_lookup_elem(&proto_counts, &proto);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&proto_counts, &proto, &one, BPF_NOEXIST);

	val = bpf_map_lookup_elem(&totals, &idx);
	if (val)
		__sync_fetch_and_add(val, skb->len);
	return skb->len;
}

LICENSE("GPL");
