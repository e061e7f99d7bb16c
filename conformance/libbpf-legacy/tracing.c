// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe, kretprobe and tracepoint programs with a `version` section.
 * The map name is longer than the kernel's 15 characters.
 */
#include "compat.h"

DEFINE_MAP(open_calls, BPF_MAP_TYPE_HASH, __u32, __u64, 1024);
DEFINE_MAP_FLAGS(flow_stats_by_ifindex, BPF_MAP_TYPE_HASH, __u32, __u64, 64,
		 BPF_F_NO_PREALLOC);

static __always_inline void bump(void *map, __u32 key)
{
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(map, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(map, &key, &one, BPF_NOEXIST);
}

SEC("kprobe/do_sys_openat2")
int trace_open(void *ctx)
{
	bump(&open_calls, bpf_get_current_pid_tgid() >> 32);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int trace_open_ret(void *ctx)
{
	bump(&flow_stats_by_ifindex, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_enter_openat(void *ctx)
{
	bump(&open_calls, (__u32)bpf_get_current_pid_tgid());
	return 0;
}

LICENSE("GPL");
__u32 _version SEC("version") = 0x060100;
