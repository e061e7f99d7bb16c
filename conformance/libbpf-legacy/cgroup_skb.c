// SPDX-License-Identifier: GPL-2.0
/* cgroup/skb programs: generic, ingress and egress attach types. */
#include "compat.h"

DEFINE_MAP(cg_bytes, BPF_MAP_TYPE_ARRAY, __u32, __u64, 3);

static __always_inline int account(__u32 key, struct __sk_buff *skb)
{
	__u64 *val = bpf_map_lookup_elem(&cg_bytes, &key);

	if (val)
		__sync_fetch_and_add(val, skb->len);
	return 1;
}

SEC("cgroup/skb")
int cg_any(struct __sk_buff *skb)
{
	return account(0, skb);
}

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	return account(1, skb);
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	return account(2, skb);
}

LICENSE("GPL");
