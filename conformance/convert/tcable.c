// SPDX-License-Identifier: GPL-2.0
/*
 * A libbpf 1.x object tc's convention can express: two programs in one
 * section (the entry and a tail call), a tail call in its own section, a
 * prog array and a map-in-map with `values`, a map pinned by name, a
 * .text subprogram with a map reference, and an XDP program tc only
 * loads when asked for.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
#define LIBBPF_PIN_BY_NAME 1

static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_tail_call)(void *ctx, void *map, __u32 idx) = (void *)12;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cv_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} cv_hash SEC(".maps");

struct cv_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cv_in SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct cv_inner);
} cv_outer SEC(".maps") = {
	.values = { [2] = &cv_in },
};

int cv_tail_a(struct __sk_buff *skb);
int cv_tail_b(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int (void *));
} cv_jmp SEC(".maps") = {
	.values = { [1] = (void *)&cv_tail_a, [3] = (void *)&cv_tail_b },
};

__attribute__((noinline)) int cv_bump(__u32 k)
{
	__u64 *v = (void *)bpf_map_lookup_elem(&cv_cnt, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return v ? 1 : 0;
}

SEC("tc")
int cv_entry(struct __sk_buff *skb)
{
	__u32 key = 2;
	void *in = (void *)bpf_map_lookup_elem(&cv_outer, &key);

	if (in)
		bpf_map_lookup_elem(in, &key);
	bpf_map_lookup_elem(&cv_hash, &key);
	cv_bump(0);
	bpf_tail_call(skb, &cv_jmp, 1);
	return 0;
}

SEC("tc")
int cv_tail_a(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &cv_jmp, 3);
	return cv_bump(1);
}

SEC("classifier")
int cv_tail_b(struct __sk_buff *skb)
{
	return 0;
}

SEC("xdp")
int cv_xdp(struct xdp_md *ctx)
{
	return cv_bump(3) + 1;
}

char _license[] SEC("license") = "GPL";
