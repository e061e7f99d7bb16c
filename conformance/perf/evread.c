// SPDX-License-Identifier: GPL-2.0
/* A perf event array filled from the command line (perf's
 * map:clocks.event=cpu-clock, bpfcompat's --map-set clocks.event=...):
 * the program reads the counter of its CPU and says whether it could. */
#include "perf.h"

__bpf_stdout_map();
bpf_map(clocks, BPF_MAP_TYPE_PERF_EVENT_ARRAY, int, __u32, 64);

SEC("syscalls:sys_enter_openat")
int tp_evread(void *ctx)
{
	char msg[] = "evread\n";
	long v = bpf_perf_event_read(&clocks, BPF_F_CURRENT_CPU);

	/* errors are -errno; a cpu-clock count is never that small */
	if (v < 0 && v > -4096)
		msg[0] = '!';
	puts(msg, ctx);
	return 0;
}

license(GPL);
