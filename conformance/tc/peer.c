// SPDX-License-Identifier: GPL-2.0
/* The peer object: global and unpinned maps only, so its BTF twin (built
 * with -DBTF_TWIN) loads through a tc built with libbpf. */
#include "tc.h"

TC_MAP(peer_cnt, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4, 0, 0, PIN_GLOBAL_NS);
TC_MAP(peer_hash, BPF_MAP_TYPE_HASH, __u32, __u32, 64, BPF_F_NO_PREALLOC, 0,
       PIN_GLOBAL_NS);
TC_MAP(peer_private, BPF_MAP_TYPE_ARRAY, __u32, __u32, 2, 0, 0, PIN_NONE);

SEC("classifier")
int peer_entry(struct __sk_buff *skb)
{
	__u32 key = 0, val = skb->len;
	__u64 *cnt;

	cnt = bpf_map_lookup_elem(&peer_cnt, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	bpf_map_update_elem(&peer_hash, &key, &val, BPF_ANY);
	bpf_map_lookup_elem(&peer_private, &key);
	return TC_ACT_OK;
}

LICENSE("GPL");
