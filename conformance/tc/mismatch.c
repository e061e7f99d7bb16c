// SPDX-License-Identifier: GPL-2.0
/* pin_hash of pinning.c with other max entries: must not reuse its pin. */
#include "tc.h"

TC_MAP(mm_fresh, BPF_MAP_TYPE_ARRAY, __u32, __u32, 1, 0, 0, PIN_GLOBAL_NS);
TC_MAP(pin_hash, BPF_MAP_TYPE_HASH, __u32, __u64, 32, BPF_F_NO_PREALLOC, 0,
       PIN_GLOBAL_NS);

SEC("classifier")
int mm_entry(struct __sk_buff *skb)
{
	__u32 key = 0, val = 1;

	bpf_map_update_elem(&pin_hash, &key, &val, BPF_ANY);
	bpf_map_lookup_elem(&mm_fresh, &key);
	return TC_ACT_OK;
}

LICENSE("GPL");
