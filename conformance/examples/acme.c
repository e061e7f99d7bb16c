// SPDX-License-Identifier: GPL-2.0
/* An object for the "acme" in-house loader (conformance/examples/acme.yaml). */
#include <linux/bpf.h>

struct acme_map {
	unsigned int type, key_size, value_size, max_entries, flags, pin;
};

#define SEC(s) __attribute__((section(s), used))

SEC("acme/map/counters") struct acme_map counters = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8,
	.max_entries = 4,
};

static long (*map_lookup)(void *map, const void *key) = (void *)1;

SEC("acme/prog/xdp/pass")
int pass(struct xdp_md *ctx)
{
	int k = 0;
	long *v = (long *)map_lookup(&counters, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

#ifdef ACME_BAD
/* Negative: a 28-byte definition and a section acmectl does not know. */
SEC("acme/map/wide") unsigned int wide[7] = { BPF_MAP_TYPE_ARRAY, 4, 4, 1 };

SEC("acme/prog/kprobe/x")
int x(void *ctx)
{
	return 0;
}
#else
char _license[] SEC("license") = "GPL";
#endif
