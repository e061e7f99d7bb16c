// SPDX-License-Identifier: GPL-2.0
/* 28-byte records: type..pinning, inner_id/inner_idx read as zero. */
#include "tc.h"

struct short_def {
	__u32 type, size_key, size_value, max_elem, flags, id, pinning;
};

struct short_def SEC("maps") s28_glob = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 8,
	.max_elem = 2, .pinning = PIN_GLOBAL_NS,
};
struct short_def SEC("maps") s28_jmp = {
	.type = BPF_MAP_TYPE_PROG_ARRAY, .size_key = 4, .size_value = 4,
	.max_elem = 2, .id = 1, .pinning = PIN_GLOBAL_NS,
};

SEC("action")
int s28_entry(struct __sk_buff *skb)
{
	__u32 key = 0;

	bpf_map_lookup_elem(&s28_glob, &key);
	bpf_tail_call(skb, &s28_jmp, 0);
	return TC_ACT_OK;
}

SEC("1/0")
int s28_tail(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

LICENSE("GPL");
