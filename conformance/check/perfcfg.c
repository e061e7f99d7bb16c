// SPDX-License-Identifier: GPL-2.0
/*
 * Config strings perf's BPF event loader refuses: a term it does not
 * know and a boolean term that is not a boolean. perf refuses the whole
 * object at the first one; check reports each section. No map: the
 * libbpf that perf links refuses a legacy maps section before it reads
 * any config string.
 */
#include "perf.h"

SEC("colour=red;func=do_sys_open")
int bad_term(void *ctx)
{
	return 0;
}

SEC("inlines=maybe;func=do_sys_open")
int bad_bool(void *ctx)
{
	return 0;
}

SEC("syscalls:sys_enter_openat")
int good(void *ctx)
{
	return 0;
}

license(GPL);
