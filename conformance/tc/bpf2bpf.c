// SPDX-License-Identifier: GPL-2.0
/* bpf2bpf calls into .text: a global function that is not first in .text,
 * a static one, and an uncalled one (tc appends all of .text and fails). */
#include "tc.h"

TC_MAP(b2b_cnt, BPF_MAP_TYPE_ARRAY, __u32, __u64, 2, 0, 0, PIN_GLOBAL_NS);

__attribute__((noinline)) int b2b_unused(struct __sk_buff *skb)
{
	return skb->len + 1;
}

static __attribute__((noinline)) int b2b_static(__u32 len)
{
	return len > 100;
}

__attribute__((noinline)) int b2b_count(struct __sk_buff *skb)
{
	__u32 key = b2b_static(skb->len);
	__u64 *v = bpf_map_lookup_elem(&b2b_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("classifier")
int b2b_entry(struct __sk_buff *skb)
{
	b2b_count(skb);
	return TC_ACT_OK;
}

LICENSE("GPL");
