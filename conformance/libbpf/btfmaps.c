// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf 1.x convention: BTF maps with every key, pinning by name,
 * prog-array and map-in-map `values`, global data of every kind, several
 * programs per section, static and global subprograms.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
#define LIBBPF_PIN_BY_NAME 1

static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_peek_elem)(void *map, void *value) = (void *)89;
static long (*bpf_tail_call)(void *ctx, void *map, __u32 idx) = (void *)12;
static long (*bpf_trace_printk)(const char *fmt, __u32 size, ...) = (void *)6;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(numa_node, 0);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flow_stats_by_ifindex SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, 4);
} sized SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 64);
	__uint(map_extra, 3);
} bloom SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { &inner_a, [2] = &inner_b },
};

int tail_a(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [3] = (void *)&tail_a },
};

const volatile __u32 cfg_mult = 3;
__u64 hits = 1;
__u64 drops;
static volatile __u32 local_counter;
__u32 custom SEC(".data.custom") = 7;

static __attribute__((noinline)) __u64 scale(__u64 v)
{
	return v * cfg_mult + local_counter;
}

__attribute__((noinline)) int global_helper(__u32 k)
{
	__u64 *v = (void *)bpf_map_lookup_elem(&flow_stats_by_ifindex, &k);

	return v ? (int)scale(*v) : 0;
}

SEC("tc")
int tail_a(struct __sk_buff *skb)
{
	return global_helper(skb->ifindex) + custom;
}

SEC("tc")
int cls_main(struct __sk_buff *skb)
{
	hits++;
	bpf_tail_call(skb, &jmp, 3);
	return 0;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	__u32 k = 0;

	drops += scale(ctx->ingress_ifindex);
	return bpf_map_lookup_elem(&sized, &k) &&
	       bpf_map_lookup_elem(&outer, &k) ? 2 : 1;
}

SEC("tp/syscalls/sys_enter_getpid")
int tp_getpid(void *ctx)
{
	bpf_trace_printk("getpid %d\n", sizeof("getpid %d\n"), hits);
	return global_helper(1);
}

SEC("socket")
int sock_off(struct __sk_buff *skb)
{
	__u32 v = skb->len;

	return bpf_map_peek_elem(&bloom, &v) ? 0 : 1;
}

char _license[] SEC("license") = "GPL";
