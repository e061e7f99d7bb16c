// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace chosen to escape the bpffs root or alias another tree,
 * selected at build time: -DNS='"..."' -DPIN=mode, or -DUNTERMINATED for
 * a namespace field with no NUL in its 256 bytes.
 */
#include "gobpf.h"

#ifndef PIN
#define PIN PIN_GLOBAL_NS
#endif

#ifdef UNTERMINATED
#define NS_INIT { [0 ... GOBPF_NS_SIZE - 1] = 'a' }
#else
#define NS_INIT NS
#endif

struct gobpf_map_def loot SEC("maps/loot") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 1,
	.pinning = PIN,
	.namespace = NS_INIT,
};

SEC("socket")
int prog(struct __sk_buff *skb)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&loot, &key) ? 1 : 0;
}

GOBPF_LICENSE("GPL");
