// SPDX-License-Identifier: GPL-2.0
/* Tracepoints: a counter, __bpf_stdout__ output, a '!' program loaded but
 * not attached, a knob set from the command line (--map-set). */
#include "perf.h"

__bpf_stdout_map();
bpf_map(counts, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4);
bpf_map(knobs, BPF_MAP_TYPE_ARRAY, __u32, __u64, 2);

SEC("syscalls:sys_enter_openat")
int tp_openat(void *ctx)
{
	char msg[] = "hello!\n";
	__u32 k = 0;
	__u64 *cnt, *knob;

	cnt = bpf_map_lookup_elem(&counts, &k);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	knob = bpf_map_lookup_elem(&knobs, &k);
	if (knob && *knob == 42)
		puts(msg, ctx);
	return 0;
}

SEC("!syscalls:sys_enter_close")
int not_attached(void *ctx)
{
	return 1;
}

license(GPL);
