// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf 1.x CO-RE: kernel types declared with preserve_access_index (as
 * vmlinux.h does), so every access is a relocation the loader resolves
 * against the running kernel's BTF: context loads (offsets patched in
 * LDX), probed reads, array elements, a bitfield, field and type
 * existence and size, a kernel type id, enum values, a "___flavor" type,
 * and a guarded access to a field the kernel lacks (poisoned, dead code).
 * The fields here sit at other offsets than in the kernel.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define __pai __attribute__((preserve_access_index))

struct trace_entry {
	unsigned short type;
} __pai;

struct trace_event_raw_sys_enter {
	struct trace_entry ent;
	long id;
	unsigned long args[6];
} __pai;

struct task_struct {
	unsigned int flags;
	unsigned sched_reset_on_fork:1;
	int tgid;
	int pid;
	struct task_struct *real_parent;
	char comm[16];
} __pai;

/* A kernel without the field: the reader checks before it reads. */
struct task_struct___future {
	int no_such_field;
} __pai;

enum pid_type {
	PIDTYPE_TGID = 7,
	PIDTYPE_PID = 9,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __noinline __u64 parent_tgid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, tgid);
}

static __always_inline void note(__u32 slot, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&seen, &slot);

	if (p)
		*p = v;
}

SEC("tp/syscalls/sys_enter_getpid")
int core_ctx(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	note(0, ctx->id + ctx->args[2]);
	note(1, parent_tgid(t));
	note(2, BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork));
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int core_types(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct___future *f = (void *)bpf_get_current_task();
	struct task_struct *t = (void *)f;
	__u64 v = 0;

	if (bpf_core_field_exists(f->no_such_field))
		v += BPF_CORE_READ(f, no_such_field);
	v += bpf_core_field_size(t->comm) + bpf_core_field_exists(t->pid);
	v += bpf_core_type_exists(struct task_struct);
	v += bpf_core_type_size(struct task_struct);
	v += bpf_core_type_id_kernel(struct task_struct);
	if (bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID))
		v += bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	note(3, v);
	note(4, parent_tgid(t));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
