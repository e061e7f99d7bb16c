// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace spanning two directory levels ("team/app"): gobpf pins at
 * <bpffs>/team/app/globals/NAME. cgroup kinds, gobpf's prefix quirks
 * ("cgroup/sock_ops" is CGROUP_SOCK, "socketfoo" a socket filter), and
 * sections gobpf silently ignores.
 */
#include "gobpf.h"

GOBPF_MAP(verdicts, BPF_MAP_TYPE_ARRAY, __u32, __u64, 2, PIN_GLOBAL_NS,
	  "team/app");
GOBPF_MAP(socks, BPF_MAP_TYPE_ARRAY, __u32, __u64, 1, PIN_GLOBAL_NS,
	  "team/app");

SEC("cgroup/skb")
int cgroup_skb_count(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&verdicts, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("cgroup/sock")
int cgroup_sock_count(struct bpf_sock *sk)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&socks, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("cgroup/sock_ops")
int looks_like_sockops(struct bpf_sock *sk)
{
	return 1;
}

SEC("socketfoo")
int socket_quirk(struct __sk_buff *skb)
{
	return 0;
}

/* No gobpf prefix: not programs. */
SEC("xdp")
int ignored_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("raw_tracepoint/sched_switch")
int ignored_raw_tp(void *ctx)
{
	return 0;
}

GOBPF_LICENSE("GPL");
