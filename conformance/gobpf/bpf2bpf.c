// SPDX-License-Identifier: GPL-2.0
/*
 * Calls into .text functions, which gobpf cannot relocate ("invalid
 * relocation: insn code=0x85"); bpfcompat links them.
 */
#include "gobpf.h"

GOBPF_MAP(hits, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4, PIN_NONE, "");

static __noinline __u64 bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &key);

	if (!v)
		return 0;
	return __sync_fetch_and_add(v, 1);
}

static __noinline int classify(__u32 len)
{
	return len > 1000 ? 1 : 0;
}

SEC("socket/calls")
int with_calls(struct __sk_buff *skb)
{
	__u32 key = classify(skb->len);

	bump(key);
	return skb->len;
}

SEC("xdp/calls")
int xdp_calls(struct xdp_md *ctx)
{
	bump(3);
	return XDP_PASS;
}

GOBPF_LICENSE("GPL");
