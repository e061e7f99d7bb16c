// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf 1.x __ksym externs: kfunc calls (the FUNC's kernel BTF id, as
 * BPF_PSEUDO_KFUNC_CALL), a weak typed variable the kernel lacks (0, its
 * existence test is dead code) and a typeless symbol (its address from
 * /proc/kallsyms), resolved at load in the running kernel.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern const int bc_no_such_var __ksym __weak;
extern const void _stext __ksym;

__u64 out;

SEC("tp/syscalls/sys_enter_getpid")
int ksyms(void *ctx)
{
	bpf_rcu_read_lock();
	out++;
	bpf_rcu_read_unlock();
	if (&bc_no_such_var)
		out++;
	out += (unsigned long)&_stext;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
