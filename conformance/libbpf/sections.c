// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf 1.x section names: exact entries, "word+" entries with and
 * without a target, the '?' no-autoload prefix, names 1.x no longer
 * knows (unspec), and a .text subprogram shared by two sections.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(n) __attribute__((section(n), used))

__attribute__((noinline)) int shared(int x)
{
	return x + 1;
}

SEC("kprobe")
int kp_bare(void *ctx) { return shared(0); }

SEC("kretprobe/do_sys_open")
int kret_open(void *ctx) { return 0; }

SEC("raw_tp/sched_switch")
int rawtp(void *ctx) { return 0; }

SEC("fentry/do_unlinkat")
int fent(void *ctx) { return 0; }

SEC("cgroup_skb/egress")
int egress(struct __sk_buff *skb) { return shared(1); }

SEC("sk_lookup")
int lookup(void *ctx) { return 1; }

SEC("?xdp")
int xdp_off(struct xdp_md *ctx) { return 2; }

SEC("xdp.frags")
int xdp_frags(struct xdp_md *ctx) { return 2; }

SEC("classifier/ingress")
int old_cls(struct __sk_buff *skb) { return 0; }

SEC("xdp_prog")
int old_xdp(struct xdp_md *ctx) { return 2; }

char _license[] SEC("license") = "GPL";
