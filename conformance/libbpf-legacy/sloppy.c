// SPDX-License-Identifier: GPL-2.0
/*
 * Section names that only libbpf 0.x's prefix matching accepts; libbpf 1.x
 * leaves them without a program type, so this object has no BTF peer.
 */
#include "compat.h"

DEFINE_MAP(seen, BPF_MAP_TYPE_ARRAY, __u32, __u64, 2);

SEC("socket1")
int sloppy_sock(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&seen, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
	return skb->len;
}

SEC("xdp_prog")
int sloppy_xdp(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *val = bpf_map_lookup_elem(&seen, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
	return XDP_PASS;
}

LICENSE("GPL");
