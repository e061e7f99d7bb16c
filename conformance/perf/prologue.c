// SPDX-License-Identifier: GPL-2.0
/*
 * perf's prologue, both paths, checked against perf 6.1 itself. No maps
 * and, for the twin, no BTF: perf 6.1 shifts prologue code without its
 * .BTF.ext line info and fails to load it otherwise.
 */
#include "perf.h"

/* Fast path: bare registers, one load each. */
SEC("exec=" TGT_PATH ";force=yes;pfast=foo %di %si")
int pro_fast(void *ctx, int err, long a, long p)
{
	return a == 42;
}

/*
 * Slow path: a dereference. perf resolved "a p->y" from the target's
 * DWARF to a=%di y=+8(%si):s64; the legacy object spells that out.
 */
#ifdef BTF_TWIN
SEC("exec=" TGT_PATH ";force=yes;pslow=foo a p->y")
#else
SEC("exec=" TGT_PATH ";force=yes;pslow=foo a=%di y=+8(%si):s64")
#endif
int pro_slow(void *ctx, int err, long a, long y)
{
	return err ? 0 : y > a;
}

license(GPL);
