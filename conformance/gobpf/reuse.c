// SPDX-License-Identifier: GPL-2.0
/*
 * Declares pinning.c's PIN_GLOBAL_NS map 'shared' again. Built as is it
 * matches and reuses the pin; with -DMISMATCH it is an ARRAY with other
 * sizes, which gobpf would silently reuse and bpfcompat refuses.
 */
#include "gobpf.h"

#ifdef MISMATCH
GOBPF_MAP(shared, BPF_MAP_TYPE_ARRAY, __u32, __u32, 4, PIN_GLOBAL_NS,
	  "gobpf_test");
#else
GOBPF_MAP(shared, BPF_MAP_TYPE_HASH, __u32, __u64, 128, PIN_GLOBAL_NS,
	  "gobpf_test");
#endif
GOBPF_MAP(fresh, BPF_MAP_TYPE_ARRAY, __u32, __u32, 1, PIN_GLOBAL_NS,
	  "gobpf_test");

SEC("socket")
int reader(struct __sk_buff *skb)
{
	__u32 key = 0;

	bpf_map_lookup_elem(&fresh, &key);
	return bpf_map_lookup_elem(&shared, &key) ? 1 : 0;
}

#ifdef VERIFIER_REJECT
/* An out-of-bounds stack read: the verifier refuses the whole load. */
SEC("socket/bad")
int bad(struct __sk_buff *skb)
{
	volatile char buf[8];

	return buf[skb->len & 0xff];
}
#endif

GOBPF_LICENSE("GPL");
