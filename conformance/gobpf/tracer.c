// SPDX-License-Identifier: GPL-2.0
/*
 * A tcptracer-style object: probes of every tracing kind gobpf knows, a
 * perf event array gobpf fills with one BPF_OUTPUT event per online CPU,
 * and version 0xFFFFFFFE. perf_probe stores bpf_perf_event_output()'s
 * result in 'result': 0 proves the current CPU's slot was filled at load.
 */
#include "gobpf.h"

struct conn {
	__u64 pid_tgid;
	__u32 seq;
};

GOBPF_MAP(conns, BPF_MAP_TYPE_HASH, __u64, struct conn, 1024, PIN_NONE, "");
GOBPF_MAP(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, int, __u32, 32,
	  PIN_GLOBAL_NS, "tracer");
GOBPF_MAP(result, BPF_MAP_TYPE_ARRAY, __u32, __s64, 1, PIN_GLOBAL_NS,
	  "tracer");

SEC("kprobe/tcp_v4_connect")
int kprobe__tcp_v4_connect(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct conn c = { .pid_tgid = id };

	bpf_map_update_elem(&conns, &id, &c, BPF_ANY);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int kretprobe__tcp_v4_connect(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct conn *c = bpf_map_lookup_elem(&conns, &id);

	if (!c)
		return 0;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, c, sizeof(*c));
	bpf_map_delete_elem(&conns, &id);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_openat(void *ctx)
{
	__u32 seq = bpf_get_prandom_u32();

	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &seq,
			      sizeof(seq));
	return 0;
}

SEC("uprobe/readline")
int uprobe_readline(void *ctx)
{
	return 0;
}

SEC("uretprobe/readline")
int uretprobe_readline(void *ctx)
{
	return 0;
}

SEC("socket/perf_probe")
int perf_probe(struct __sk_buff *skb)
{
	__u32 key = 0, seq = 1;
	__s64 ret;

	ret = bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU, &seq,
				    sizeof(seq));
	bpf_map_update_elem(&result, &key, &ret, BPF_ANY);
	return 0;
}

GOBPF_LICENSE("GPL");
GOBPF_VERSION_CURRENT;
