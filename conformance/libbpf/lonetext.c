// SPDX-License-Identifier: GPL-2.0
/*
 * The object's only code is one function in .text. libbpf 1.1.2 calls
 * .text functions subprograms only when the object has more than one
 * program, so this one is an entry program of section '.text' with no
 * program type, and its load fails.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} hits SEC(".maps");

__attribute__((noinline)) int lone(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
