// SPDX-License-Identifier: GPL-2.0
/* A kprobe whose args come from the running kernel's BTF: the parameter
 * and a member chain of do_sys_openat2(int dfd, const char *filename,
 * struct open_how *how). */
#include "perf.h"

SEC("openat2=do_sys_openat2 dfd how->flags")
int kp_openat2(void *ctx, int err, long dfd, unsigned long flags)
{
	return 1;
}

license(GPL);
