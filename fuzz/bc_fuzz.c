// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer entry: one input is one object file. It goes through every
 * stage that reads object bytes, without a single bpf() call: detection,
 * then open (detected, and with each registered dialect forced), inspect
 * through the public getters, relocation and the dry-run plan, and the
 * func/line info a real load would hand the kernel (copied, not sent).
 *
 * A user dialect with pin templates built from object data ({name},
 * {namespace}, {attr:...}, {object}) is registered at start-up, so pin-path
 * confinement is fuzzed too; every planned pin path is checked to stay
 * under the bpffs root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "bpfcompat.h"
#include "btf.h"		/* bc_btf_prog_info_fill(): a load's copy */

#define FUZZ_BPFFS	"/fuzz/bpffs"

static const char fuzz_dialect[] =
	"name: fuzz-pins\n"
	"summary: pin templates from object data, for the fuzzer\n"
	"maps:\n"
	"  sections:\n"
	"    - { exact: maps }\n"
	"  record: { size: section_div_symbols, min: 4, zero_extend: true,\n"
	"            trailing: ignore }\n"
	"  fields:\n"
	"    type:        { offset: 0 }\n"
	"    key_size:    { offset: 4 }\n"
	"    value_size:  { offset: 8 }\n"
	"    max_entries: { offset: 12 }\n"
	"    flags:       { offset: 16 }\n"
	"    pinning:     { offset: 20 }\n"
	"    inner_map_idx: { offset: 24 }\n"
	"    namespace:   { offset: 28, size: 16, kind: string }\n"
	"pinning:\n"
	"  0: none\n"
	"  1: \"{bpffs}/{name}\"\n"
	"  2: \"{bpffs}/ns/{namespace}/{name}\"\n"
	"  3: \"{bpffs}/{attr:namespace}/{object}/{name}\"\n"
	"  other: { error: \"unknown pinning value\" }\n"
	"programs:\n"
	"  sections:\n"
	"    - { prefix: socket, type: socket_filter }\n"
	"    - { prefix: xdp, type: xdp }\n"
	"    - { pattern: \"%i/%i\", type: sched_cls }\n"
	"special:\n"
	"  license: license\n"
	"  version: version\n"
	"  global_data: true\n";

static int quiet(enum bc_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void register_fuzz_dialect(void)
{
	char path[] = "/tmp/bc_fuzz_XXXXXX";
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return;
	if (write(fd, fuzz_dialect, sizeof(fuzz_dialect) - 1) ==
	    (ssize_t)sizeof(fuzz_dialect) - 1 &&
	    bc_dialect__register_file(path)) {
		fprintf(stderr, "fuzz: cannot register the fuzz dialect\n");
		abort();
	}
	close(fd);
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* BC_FUZZ_VERBOSE=1 shows why an input was refused. */
	if (!getenv("BC_FUZZ_VERBOSE"))
		bc_set_print(quiet);
	register_fuzz_dialect();
	return 0;
}

/* Touch everything the getters expose; ASan checks every byte. */
static size_t inspect(const struct bc_object *obj)
{
	const struct bc_map *map, *inner;
	const struct bc_prog *prog;
	const char *val, *key;
	size_t i, j, sum = 0;
	__u32 slot;

	sum += strlen(bc_object__name(obj)) + strlen(bc_object__license(obj));
	sum += strlen(bc_object__sha1(obj));
	for (i = 0; i < bc_object__map_cnt(obj); i++) {
		map = bc_object__map(obj, i);
		sum += strlen(bc_map__name(map)) + bc_map__type(map);
		sum += bc_map__key_size(map) + bc_map__value_size(map);
		if (bc_map__section(map))
			sum += strlen(bc_map__section(map));
		for (j = 0; j < bc_map__attr_cnt(map); j++) {
			key = bc_map__attr(map, j, &val);
			sum += strlen(key) + (val ? strlen(val) : 0);
		}
		if (bc_map__inner(map))
			sum++;
	}
	for (i = 0; i < bc_object__prog_cnt(obj); i++) {
		prog = bc_object__prog(obj, i);
		sum += strlen(bc_prog__name(prog)) +
		       strlen(bc_prog__section(prog));
		if (bc_prog__attach_target(prog))
			sum += strlen(bc_prog__attach_target(prog));
		sum += bc_prog__insn_cnt(prog);
		for (j = 0; j < bc_prog__param_cnt(prog); j++) {
			key = bc_prog__param(prog, j, &val);
			sum += strlen(key) + (val ? strlen(val) : 0);
		}
	}
	for (i = 0; i < bc_object__init_cnt(obj); i++) {
		prog = NULL;
		inner = NULL;
		if (!bc_object__init(obj, i, &map, &slot, &prog, &inner))
			sum += slot;
	}
	return sum;
}

/* The reader's confinement promise: no planned pin leaves the root. */
static void check_pins(const struct bc_object *obj)
{
	const char *path;
	size_t i, rlen = strlen(FUZZ_BPFFS);

	for (i = 0; i < bc_object__map_cnt(obj); i++) {
		path = bc_map__pin_path(bc_object__map(obj, i));
		if (!path)
			continue;
		if (strncmp(path, FUZZ_BPFFS "/", rlen + 1) ||
		    strstr(path, "/../") || strstr(path, "/./") ||
		    strstr(path, "//")) {
			fprintf(stderr, "fuzz: pin path '%s' escapes %s\n",
				path, FUZZ_BPFFS);
			abort();
		}
	}
}

/* What a real load copies for the kernel, every byte of it read. */
static size_t func_info_bytes(struct bc_object *obj)
{
	size_t i, k, n = 0;

	if (bc_btf_prog_info_fill(obj))
		return 0;
	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];
		const unsigned char *f = p->func_info, *l = p->line_info;

		for (k = 0; f && k < p->func_info_cnt * p->func_info_rec_size; k++)
			n += f[k];
		for (k = 0; l && k < p->line_info_cnt * p->line_info_rec_size; k++)
			n += l[k];
	}
	return n;
}

/*
 * CO-RE resolves against this small kernel BTF, built once, instead of
 * parsing vmlinux for every input: a struct, a union, an enum, a flavor.
 */
static const struct btf *kernel_btf(void)
{
	static struct btf *k;
	int i, u;

	if (k)
		return k;
	k = btf__new_empty();
	if (!k)
		return NULL;
	i = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	u = btf__add_union(k, NULL, 4);
	btf__add_field(k, "pid", i, 0, 0);
	btf__add_struct(k, "task_struct", 16);
	btf__add_field(k, "flags", i, 0, 0);
	btf__add_field(k, NULL, u, 32, 0);
	btf__add_field(k, "bits", i, 64, 3);
	btf__add_struct(k, "task_struct___x", 4);
	btf__add_field(k, "tgid", i, 0, 0);
	btf__add_enum(k, "pid_type", 4);
	btf__add_enum_value(k, "PIDTYPE_PID", 0);
	return k;
}

static void run_one(const void *data, size_t size, const char *dialect)
{
	BC_OPTS(bc_open_opts, oopts, .dialect = dialect,
		.object_name = "fuzz.o");
	BC_OPTS(bc_load_opts, lopts, .bpffs = FUZZ_BPFFS,
		.pin_progs = FUZZ_BPFFS "/progs", .dry_run = true);
	struct bc_object *obj;
	volatile size_t sink;
	size_t i;

	obj = bc_object__open_mem(data, size, &oopts);
	if (!obj)
		return;
	obj->core_target = kernel_btf();
	sink = inspect(obj);
	(void)sink;
	if (!bc_object__load(obj, &lopts)) {
		check_pins(obj);
		for (i = 0; i < bc_object__plan_cnt(obj); i++)
			sink = strlen(bc_object__plan_step(obj, i));
		/* A second dry run reuses the relocated object. */
		bc_object__load(obj, &lopts);
		sink = func_info_bytes(obj);
	}
	bc_object__close(obj);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const struct bc_dialect *d = NULL;
	struct bc_detection *det;
	volatile size_t sink = 0;
	size_t i, j;

	det = bc_detect_mem(data, size);
	for (i = 0; det && i < bc_detection__cnt(det); i++) {
		sink += bc_detection__score(det, i);
		for (j = 0; j < bc_detection__evidence_cnt(det, i); j++)
			sink += strlen(bc_detection__evidence(det, i, j));
	}
	bc_detection__free(det);
	(void)sink;

	run_one(data, size, NULL);
	while ((d = bc_dialect__next(d)))
		run_one(data, size, bc_dialect__name(d));
	return 0;
}
