// SPDX-License-Identifier: GPL-2.0
/* Every pinning mode: none, object namespace, global, a custom id from the
 * pinning database and an id missing from it. */
#include "tc.h"

TC_MAP(pin_glob, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4, 0, 0, PIN_GLOBAL_NS);
TC_MAP(pin_hash, BPF_MAP_TYPE_HASH, __u32, __u64, 16, BPF_F_NO_PREALLOC, 0,
       PIN_GLOBAL_NS);
TC_MAP(pin_objns, BPF_MAP_TYPE_HASH, __u32, __u32, 16, BPF_F_NO_PREALLOC, 0,
       PIN_OBJECT_NS);
TC_MAP(pin_custom, BPF_MAP_TYPE_ARRAY, __u32, __u32, 2, 0, 0, 42);
TC_MAP(pin_unknown, BPF_MAP_TYPE_ARRAY, __u32, __u32, 3, 0, 0, 77);
TC_MAP(pin_private, BPF_MAP_TYPE_ARRAY, __u32, __u32, 1, 0, 0, PIN_NONE);

SEC("classifier")
int pin_entry(struct __sk_buff *skb)
{
	/* priority lies past struct xdp_md: mode xdp fails to verify. */
	__u32 key = 0, val = skb->len + skb->priority;
	__u64 *cnt;

	cnt = bpf_map_lookup_elem(&pin_glob, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	bpf_map_update_elem(&pin_hash, &key, &val, BPF_ANY);
	bpf_map_update_elem(&pin_objns, &key, &val, BPF_ANY);
	bpf_map_lookup_elem(&pin_custom, &key);
	bpf_map_lookup_elem(&pin_unknown, &key);
	bpf_map_lookup_elem(&pin_private, &key);
	return TC_ACT_OK;
}

LICENSE("GPL");
