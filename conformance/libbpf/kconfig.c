// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf 1.x __kconfig externs of every type libbpf knows, strong and
 * weak, virtual (LINUX_*) and from the kernel's config, one the kernel
 * lacks: libbpf lays them out in "<obj>.kconfig" (by alignment, size,
 * name), fills it at load and freezes it.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig __weak;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern enum libbpf_tristate CONFIG_TUN __kconfig __weak;
extern char CONFIG_LOCALVERSION[64] __kconfig __weak;
extern unsigned long CONFIG_BC_NO_SUCH_OPTION __kconfig __weak;

__u64 out[8];

SEC("socket")
int kcfg(void *ctx)
{
	out[0] = LINUX_KERNEL_VERSION;
	out[1] = LINUX_HAS_BPF_COOKIE;
	out[2] = CONFIG_BPF_SYSCALL;
	out[3] = CONFIG_HZ;
	out[4] = CONFIG_TUN;
	out[5] = CONFIG_LOCALVERSION[0];
	out[6] = CONFIG_BC_NO_SUCH_OPTION;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
