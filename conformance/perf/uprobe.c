// SPDX-License-Identifier: GPL-2.0
/* Uprobes on the corpus's target binary: register args (perf's prologue,
 * fast path), +OFF(%REG) dereferences (slow path), a return probe. */
#include "perf.h"

bpf_map(seen, BPF_MAP_TYPE_ARRAY, __u32, __u64, 8);

#define SET(i, v) do {							\
	__u32 _k = (i);							\
	__u64 _v = (v), *_p = bpf_map_lookup_elem(&seen, &_k);		\
	if (_p)								\
		*_p = _v;						\
} while (0)

SEC("exec=" TGT_PATH ";force=yes;tgtfoo=foo %di %si")
int up_fast(void *ctx, int err, long a, long p)
{
	if (a == 42) {
		SET(0, a);
		SET(1, err);
	}
	return a == 42;
}

/*
 * perf resolved "a p->y" from the target's DWARF to a=%di y=+8(%si):s64
 * and read with probe_read_kernel; the legacy object spells that out, the
 * twin lets perf do it, and both give the same prologue.
 */
#ifdef BTF_TWIN
SEC("exec=" TGT_PATH ";force=yes;tgtbar=foo a p->y")
#else
SEC("exec=" TGT_PATH ";force=yes;tgtbar=foo a=%di y=+8(%si):s64")
#endif
int up_slow(void *ctx, int err, long a, long y)
{
	return 1;
}

#ifndef BTF_TWIN
/* The same read of user memory as it should be done: @user. */
SEC("exec=" TGT_PATH ";force=yes;tgtuser=foo a=%di y=+8(%si)@user:s64")
int up_user(void *ctx, int err, long a, long y)
{
	if (a == 43) {
		SET(2, a);
		SET(3, y);
		SET(4, err);
	}
	return 1;
}
#endif

SEC("exec=" TGT_PATH ";perf_bpf_probe:ret=foo%return")
int up_ret(void *ctx)
{
	SET(5, 1);
	return 1;
}

license(GPL);
