// SPDX-License-Identifier: GPL-2.0
/* XDP program counting received packets in a per-CPU array. */
#include "compat.h"

DEFINE_MAP(rx_packets, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, 4);

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;
	__u64 *val;

	val = bpf_map_lookup_elem(&rx_packets, &key);
	if (val)
		*val += 1;
	return XDP_PASS;
}

LICENSE("GPL");
