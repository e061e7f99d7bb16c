// SPDX-License-Identifier: GPL-2.0
/* Several programs in one section (libbpf >= 0.2), two sections. */
#include "compat.h"

DEFINE_MAP(verdicts, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4);

static __always_inline void note(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&verdicts, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

SEC("xdp")
int xdp_pass_all(struct xdp_md *ctx)
{
	note(0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_drop_all(struct xdp_md *ctx)
{
	note(1);
	return XDP_DROP;
}

SEC("socket")
int sock_keep(struct __sk_buff *skb)
{
	note(2);
	return skb->len;
}

SEC("socket")
int sock_trim(struct __sk_buff *skb)
{
	note(3);
	return 0;
}

LICENSE("GPL");
