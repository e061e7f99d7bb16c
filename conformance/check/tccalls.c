// SPDX-License-Identifier: GPL-2.0
/*
 * Calls into .text as tc's legacy loader links them. Default: one global
 * subprogram, first in .text, with a map reference (tc gets it right).
 * -DNO_TEXT_RELOCS: a static subprogram that references no map, so .text
 * has no relocation section.
 */
#include "tc.h"

TC_MAP(calls_cnt, BPF_MAP_TYPE_ARRAY, __u32, __u64, 1, 0, 0, PIN_NONE);

#ifdef NO_TEXT_RELOCS
static __attribute__((noinline)) int calls_len(struct __sk_buff *skb)
{
	return skb->len > 64;
}
#else
__attribute__((noinline)) int calls_len(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&calls_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return skb->len > 64;
}
#endif

SEC("classifier")
int calls_entry(struct __sk_buff *skb)
{
	return calls_len(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

LICENSE("GPL");
