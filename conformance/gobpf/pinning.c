// SPDX-License-Identifier: GPL-2.0
/*
 * Every pinning mode gobpf implements: none, PIN_GLOBAL_NS under the
 * object's namespace, PIN_CUSTOM_NS (pin path given at load, else
 * NAMESPACE/NAME) and an unknown value (7), which gobpf leaves unpinned.
 * Network program kinds: socket filter, tc classifier and action, XDP.
 */
#include <linux/pkt_cls.h>
#include "gobpf.h"

GOBPF_MAP(plain, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4, PIN_NONE, "");
GOBPF_MAP(shared, BPF_MAP_TYPE_HASH, __u32, __u64, 128, PIN_GLOBAL_NS,
	  "gobpf_test");
GOBPF_MAP(custom, BPF_MAP_TYPE_ARRAY, __u32, __u32, 8, PIN_CUSTOM_NS,
	  "gobpf_test");
GOBPF_MAP(odd, BPF_MAP_TYPE_ARRAY, __u32, __u32, 2, 7, "gobpf_test");

static __always_inline void bump(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("socket")
int count_socket(struct __sk_buff *skb)
{
	__u64 one = 1;
	__u32 proto = skb->protocol;

	bump(&plain, 0);
	if (!bpf_map_lookup_elem(&shared, &proto))
		bpf_map_update_elem(&shared, &proto, &one, BPF_NOEXIST);
	return skb->len;
}

SEC("sched_cls/ingress")
int cls_ingress(struct __sk_buff *skb)
{
	__u32 key = 1, *v = bpf_map_lookup_elem(&custom, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return TC_ACT_OK;
}

SEC("sched_act/mark")
int act_mark(struct __sk_buff *skb)
{
	__u32 key = 0, *v = bpf_map_lookup_elem(&odd, &key);

	skb->mark = v ? *v : 0;
	return TC_ACT_OK;
}

SEC("xdp/pass")
int xdp_pass(struct xdp_md *ctx)
{
	bump(&plain, 2);
	return XDP_PASS;
}

GOBPF_LICENSE("GPL");
