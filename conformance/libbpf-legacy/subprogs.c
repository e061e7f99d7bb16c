// SPDX-License-Identifier: GPL-2.0
/*
 * bpf2bpf calls into .text: static and global subprograms, a nested call,
 * a subprogram shared by two entry programs and one nobody calls. Each
 * entry program must get only the subprograms it reaches, in first-use
 * order, for its kernel tag to equal libbpf's.
 */
#include "compat.h"

DEFINE_MAP(acc, BPF_MAP_TYPE_ARRAY, __u32, __u64, 8);

static __noinline __u64 square(__u64 x)
{
	return x * x;
}

static __noinline __u64 add_slot(__u32 slot, __u64 v)
{
	__u64 *val = bpf_map_lookup_elem(&acc, &slot);

	if (val)
		__sync_fetch_and_add(val, v);
	return v + square(v & 0xff);
}

__noinline int global_mix(int a)
{
	return a * 3 + (int)square(a & 0xff);
}

__noinline int never_called(int a)
{
	return a - 1;
}

SEC("socket")
int sub_entry_sock(struct __sk_buff *skb)
{
	__u64 r = add_slot(skb->len & 7, skb->len);

	return global_mix(r & 0xffff) & 0xffff;
}

SEC("xdp")
int sub_entry_xdp(struct xdp_md *ctx)
{
	if (global_mix(ctx->rx_queue_index) == 42)
		return XDP_DROP;
	return XDP_PASS;
}

LICENSE("GPL");
