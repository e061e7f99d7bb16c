// SPDX-License-Identifier: GPL-2.0
/* tc classifier and action programs, as in libbpf 0.x section names. */
#include "compat.h"

DEFINE_MAP(tc_stats, BPF_MAP_TYPE_ARRAY, __u32, __u64, 2);

static __always_inline void account(__u32 key, __u64 bytes)
{
	__u64 *val = bpf_map_lookup_elem(&tc_stats, &key);

	if (val)
		__sync_fetch_and_add(val, bytes);
}

SEC("classifier")
int cls_main(struct __sk_buff *skb)
{
	account(0, skb->len);
	skb->tc_classid = 0x10001;
	return TC_ACT_OK;
}

SEC("action")
int act_main(struct __sk_buff *skb)
{
	account(1, skb->len);
	return TC_ACT_OK;
}

LICENSE("GPL");
