// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf 1.x programs the kernel verifies against a BTF attach target:
 * tp_btf (the btf_trace_ typedef) and iter (its bpf_iter_ function),
 * found in the running kernel's BTF at load. fentry/fexit need ftrace,
 * which this corpus cannot count on (conformance/libbpf/sections.c names
 * them for the section table only).
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 switches;

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, int preempt)
{
	switches++;
	return 0;
}

SEC("iter/bpf_map")
int dump_maps(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
