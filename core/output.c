// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output channels: a PERF_EVENT_ARRAY map whose slots hold one bpf-output
 * perf event per CPU (perf's __bpf_stdout__), read through their mmap'ed
 * ring buffers. libbpf's perf_buffer does exactly this with map fds only,
 * no libbpf object involved.
 */
#include <bpf/libbpf.h>

#include "object.h"

#define OUTPUT_PAGES_DEFAULT	8

#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

struct bc_output {
	struct perf_buffer *pb;
	bc_output_fn fn;
	void *ctx;
	__u64 lost;
	char *map_name;
};

static void output_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct bc_output *out = ctx;

	out->fn(out->ctx, cpu, data, size);
}

static void output_lost(void *ctx, int cpu, __u64 cnt)
{
	struct bc_output *out = ctx;

	out->lost += cnt;
	pr_debug("output: map '%s': CPU %d dropped %llu records\n",
		 out->map_name, cpu, (unsigned long long)cnt);
}

struct bc_output *bc_output__new(const struct bc_map *map, bc_output_fn fn,
				 void *ctx, const struct bc_output_opts *opts)
{
	size_t pages = OUTPUT_PAGES_DEFAULT;
	struct bc_output *out;
	int err;

	if (!map || !fn || (opts && opts->sz < sizeof(size_t)))
		return bc_err_ptr(-EINVAL);
	if (opts && opts->sz >= offsetofend(struct bc_output_opts, pages) &&
	    opts->pages)
		pages = opts->pages;
	if (map->fd < 0 || map->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		pr_warn("output: map '%s' is not a loaded perf event array\n",
			map->name);
		return bc_err_ptr(-EINVAL);
	}
	if (pages & (pages - 1)) {
		pr_warn("output: map '%s': %zu pages is not a power of 2\n",
			map->name, pages);
		return bc_err_ptr(-EINVAL);
	}
	out = calloc(1, sizeof(*out));
	if (!out)
		return bc_err_ptr(-ENOMEM);
	out->fn = fn;
	out->ctx = ctx;
	out->map_name = bc_strdup(map->name);
	out->pb = perf_buffer__new(map->fd, pages, output_sample, output_lost,
				   out, NULL);
	if (!out->pb || !out->map_name) {
		err = out->map_name ? -errno : -ENOMEM;
		pr_warn("output: map '%s': cannot set up bpf-output events: %s\n",
			map->name, strerror(-err));
		bc_output__free(out);
		return bc_err_ptr(err);
	}
	return out;
}

int bc_output__poll(struct bc_output *out, int timeout_ms)
{
	int n;

	if (!out)
		return bc_err(-EINVAL);
	n = perf_buffer__poll(out->pb, timeout_ms);
	return n < 0 ? bc_err(n) : n;
}

__u64 bc_output__lost(const struct bc_output *out)
{
	return out ? out->lost : 0;
}

void bc_output__free(struct bc_output *out)
{
	if (!out)
		return;
	perf_buffer__free(out->pb);
	free(out->map_name);
	free(out);
}
