// SPDX-License-Identifier: GPL-2.0
/*
 * A string literal handed to a helper: clang keeps it in .rodata.str1.1
 * (SHF_STRINGS) and the code points at it. cilium/ebpf 0.9.1 has no map
 * for such a section and refuses the object: "string is not stack
 * allocated".
 */
#include "compat.h"

static long (*trace_printk)(const char *fmt, __u32 size, ...) = (void *)6;

SEC("socket")
int say(void *ctx)
{
	trace_printk("hello %d\n", 10, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
