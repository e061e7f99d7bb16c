// SPDX-License-Identifier: GPL-2.0
/* Tail calls by "<map id>/<key>" section (decimal and hex ids, one with no
 * PROG_ARRAY) and a map-in-map whose inner map is inserted at key 2. */
#include "tc.h"

struct bpf_elf_map SEC("maps") tc_cnt = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 8,
	.max_elem = 4, .pinning = PIN_GLOBAL_NS,
};
struct bpf_elf_map SEC("maps") tc_jmp = {
	.type = BPF_MAP_TYPE_PROG_ARRAY, .size_key = 4, .size_value = 4,
	.max_elem = 4, .id = 7, .pinning = PIN_GLOBAL_NS,
};
struct bpf_elf_map SEC("maps") tc_inner = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 4,
	.max_elem = 1, .id = 5, .inner_idx = 2,
};
struct bpf_elf_map SEC("maps") tc_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .size_key = 4, .size_value = 4,
	.max_elem = 3, .inner_id = 5, .pinning = PIN_GLOBAL_NS,
};
/* A template only: -1 keeps it out of every outer map. */
struct bpf_elf_map SEC("maps") tc_tmpl = {
	.type = BPF_MAP_TYPE_HASH, .size_key = 4, .size_value = 4,
	.max_elem = 8, .id = 6, .inner_idx = NO_INSERT,
};
struct bpf_elf_map SEC("maps") tc_hom = {
	.type = BPF_MAP_TYPE_HASH_OF_MAPS, .size_key = 4, .size_value = 64,
	.max_elem = 2, .inner_id = 6,
};

static __always_inline void bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&tc_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("classifier")
int tc_entry(struct __sk_buff *skb)
{
	__u32 key = 2;
	void *inner;

	bump(0);
	inner = bpf_map_lookup_elem(&tc_outer, &key);
	if (inner)
		bpf_map_lookup_elem(inner, &key);
	bpf_map_lookup_elem(&tc_hom, &key);
	bpf_tail_call(skb, &tc_jmp, 1);
	return TC_ACT_OK;
}

SEC("7/1")
int tc_tail_one(struct __sk_buff *skb)
{
	bump(1);
	bpf_tail_call(skb, &tc_jmp, 3);
	return TC_ACT_OK;
}

SEC("0x7/3")
int tc_tail_three(struct __sk_buff *skb)
{
	bump(2);
	return TC_ACT_OK;
}

SEC("99/0")
int tc_tail_orphan(struct __sk_buff *skb)
{
	bump(3);
	return TC_ACT_OK;
}

LICENSE("GPL");
