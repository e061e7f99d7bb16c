// SPDX-License-Identifier: GPL-2.0
/* 20-byte records (samples/bpf bpf_map_def): zero-extended, unpinned. */
#include "tc.h"

struct short_def {
	__u32 type, size_key, size_value, max_elem, flags;
};

struct short_def SEC("maps") s20_a = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 8,
	.max_elem = 2,
};
struct short_def SEC("maps") s20_b = {
	.type = BPF_MAP_TYPE_HASH, .size_key = 4, .size_value = 4,
	.max_elem = 8, .flags = BPF_F_NO_PREALLOC,
};

SEC("classifier")
int s20_entry(struct __sk_buff *skb)
{
	__u32 key = 0;

	bpf_map_lookup_elem(&s20_a, &key);
	bpf_map_lookup_elem(&s20_b, &key);
	return TC_ACT_OK;
}

LICENSE("GPL");
