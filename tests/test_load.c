// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The load engine against the real kernel: create, pin, reuse, refuse,
 * roll back. Every test runs in its own private bpffs mount.
 */
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "dialect.h"
#include "load.h"
#include "testutil.h"

#define INSN(CODE, DST, SRC, OFF, IMM)					\
	((struct bpf_insn){ .code = (CODE), .dst_reg = (DST),		\
			    .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

/* Looks up key 0 of the map fixed up at insn 3, returns 0. */
static const struct bpf_insn good_insns[] = {
	INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
	INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
	INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
	INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0, 0, 0),
	INSN(0, 0, 0, 0, 0),
	INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
};

/* Reads r2 before writing it: the verifier says "R2 !read_ok". */
static const struct bpf_insn bad_insns[] = {
	INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0, 0, 0),
	INSN(0, 0, 0, 0, 0),
	INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_2, 0, 0),
	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
};

enum { PIN_NONE, PIN_GLOBAL = 2, PIN_REFUSED = 3, PIN_NS = 4, PIN_HOOK = 5 };

static const char *hook_path;

static int test_pin_path(struct bc_object *obj, struct bc_map *map,
			 const char *root, char **path)
{
	*path = hook_path ? bc_asprintf(hook_path, root, map->name) : NULL;
	return 0;
}

static const struct bc_dialect_ops test_ops = {
	.sz = sizeof(test_ops),
	.name = "test",
	.pin_path = test_pin_path,
};

static struct bc_desc_pin pin_values[] = {
	{ .value = PIN_GLOBAL, .kind = BC_PIN_KIND_PATH,
	  .text = "{bpffs}/tc/globals/{name}" },
	{ .value = PIN_REFUSED, .kind = BC_PIN_KIND_ERROR,
	  .text = "pinning 3 is not implemented" },
	{ .value = PIN_NS, .kind = BC_PIN_KIND_PATH,
	  .text = "{bpffs}/app/{namespace}/{name}" },
	{ .value = PIN_HOOK, .kind = BC_PIN_KIND_HOOK },
};

static struct bc_desc desc = {
	.name = "test",
	.pinning = { .values = pin_values, .value_cnt = 4 },
};

static struct bc_dialect dialect = { .desc = &desc, .ops = &test_ops };

static const char *bpffs;

static void top_setup(void)
{
	bpffs = bc_test_bpffs_init("load");
}

static void setup(void)
{
	bc_test_quiet();
	bc_test_bpffs_mount();
}

static struct bc_object *new_obj(void)
{
	struct bc_object *obj = calloc(1, sizeof(*obj));

	ck_assert_ptr_nonnull(obj);
	obj->name = strdup("test.o");
	obj->license = strdup("GPL");
	obj->dialect = &dialect;
	obj->relocated = true;
	return obj;
}

static struct bc_map *add_map(struct bc_object *obj, const char *name,
			      __u32 value_size, __u32 pinning)
{
	struct bc_map *map = bc_object_add_map(obj, name);

	ck_assert_ptr_nonnull(map);
	map->type = BPF_MAP_TYPE_ARRAY;
	map->key_size = 4;
	map->value_size = value_size;
	map->max_entries = 4;
	map->pinning = pinning;
	return map;
}

/* As bc_reloc() keeps them: every program's fixups in obj->fixups. */
static void add_fixup_block(struct bc_object *obj, size_t insn,
			    size_t map_idx)
{
	size_t i, at = 0;

	obj->fixups = realloc(obj->fixups,
			      obj->prog_cnt * sizeof(*obj->fixups));
	ck_assert_ptr_nonnull(obj->fixups);
	obj->fixups[obj->prog_cnt - 1] = (struct bc_fixup){
		.insn = insn, .kind = BC_FIX_MAP_FD, .map_idx = map_idx,
	};
	for (i = 0; i < obj->prog_cnt; i++) {
		obj->progs[i]->fixups = obj->fixups + at;
		at += obj->progs[i]->fixup_cnt;
	}
}

static struct bc_prog *add_prog(struct bc_object *obj, const char *name,
				const struct bpf_insn *insns, size_t cnt,
				size_t fixup_insn, size_t map_idx)
{
	struct bc_prog *prog = bc_object_add_prog(obj, name, "socket");

	ck_assert_ptr_nonnull(prog);
	prog->type = BPF_PROG_TYPE_SOCKET_FILTER;
	prog->linked = malloc(cnt * sizeof(*insns));
	prog->linked_own = true;
	memcpy(prog->linked, insns, cnt * sizeof(*insns));
	prog->linked_cnt = cnt;
	prog->fixup_cnt = 1;
	add_fixup_block(obj, fixup_insn, map_idx);
	return prog;
}

/* One ARRAY map pinned in tc/globals and a socket filter using it. */
static struct bc_object *simple_obj(__u32 value_size)
{
	struct bc_object *obj = new_obj();

	add_map(obj, "res_cnt", value_size, PIN_GLOBAL);
	add_prog(obj, "res_entry", good_insns, ARRAY_SIZE(good_insns), 3, 0);
	return obj;
}

static int load(struct bc_object *obj, bool dry_run, const char *pin_progs)
{
	BC_OPTS(bc_load_opts, opts, .bpffs = bpffs, .dry_run = dry_run,
		.pin_progs = pin_progs);

	return bc_object__load(obj, &opts);
}

static char *path_in(const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", bpffs, rel);
	return path;
}

static char listing[8192];
static size_t listing_len;

static int list_one(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	listing_len += snprintf(listing + listing_len,
				sizeof(listing) - listing_len, "%s %o\n",
				path, st->st_mode);
	return 0;
}

/* The bpffs tree as text (nftw visits in directory order). */
static char *bpffs_tree(void)
{
	listing_len = 0;
	listing[0] = '\0';
	ck_assert_int_eq(nftw(bpffs, list_one, 16, FTW_PHYS), 0);
	return strdup(listing);
}

static int fd_count(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

static void pinned_map_info(const char *rel, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_obj_get(path_in(rel));

	ck_assert_int_ge(fd, 0);
	memset(info, 0, sizeof(*info));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, info, &len), 0);
	close(fd);
}

START_TEST(load_creates_and_pins)
{
	struct bc_object *obj = simple_obj(8);
	struct bc_prog *prog = obj->progs[0];
	struct bc_map *map = obj->maps[0];
	struct bpf_map_info info;

	ck_assert_int_eq(load(obj, false, NULL), 0);
	ck_assert(obj->loaded);
	ck_assert_int_ge(prog->fd, 0);
	ck_assert_uint_ne(prog->id, 0);
	ck_assert_uint_eq(strlen(prog->tag), 16);
	ck_assert_str_ne(prog->tag, "0000000000000000");
	ck_assert_int_ge(map->fd, 0);
	ck_assert_uint_ne(map->id, 0);
	ck_assert(!map->reused);
	ck_assert_str_eq(map->pin_path, path_in("tc/globals/res_cnt"));

	pinned_map_info("tc/globals/res_cnt", &info);
	ck_assert_uint_eq(info.id, map->id);
	ck_assert_uint_eq(info.type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(info.key_size, 4);
	ck_assert_uint_eq(info.value_size, 8);
	ck_assert_uint_eq(info.max_entries, 4);
	ck_assert_uint_eq(info.map_flags, 0);
	ck_assert_str_eq(info.name, "res_cnt");
	ck_assert_uint_eq(obj->plan_cnt, 2);
	bc_object__close(obj);
}
END_TEST

START_TEST(second_load_reuses_pin)
{
	struct bc_object *a = simple_obj(8), *b = simple_obj(8);

	ck_assert_int_eq(load(a, false, NULL), 0);
	ck_assert_int_eq(load(b, false, NULL), 0);
	ck_assert(b->maps[0]->reused);
	ck_assert_uint_eq(b->maps[0]->id, a->maps[0]->id);
	ck_assert_uint_ne(b->progs[0]->id, a->progs[0]->id);
	bc_object__close(a);
	bc_object__close(b);
}
END_TEST

START_TEST(incompatible_pin_refused)
{
	struct bc_object *a = simple_obj(8), *b = new_obj();
	char *before, *after;
	__u32 id;
	int fds;

	ck_assert_int_eq(load(a, false, NULL), 0);
	id = a->maps[0]->id;
	bc_object__close(a);
	before = bpffs_tree();
	fds = fd_count();

	/* A new pinned map first, so there is something to roll back. */
	add_map(b, "res_new", 8, PIN_GLOBAL);
	add_map(b, "res_cnt", 4, PIN_GLOBAL);
	add_prog(b, "res_entry", good_insns, ARRAY_SIZE(good_insns), 3, 1);
	bc_test_capture_log();
	ck_assert_int_eq(load(b, false, NULL), -BC_ERRNO__PIN);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
		"has array key 4 value 8 max 4 flags 0x0, object wants array key 4 value 4 max 4 flags 0x0"));
	after = bpffs_tree();
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(fd_count(), fds);
	ck_assert_int_eq(b->maps[0]->fd, -1);
	ck_assert_int_eq(b->maps[1]->fd, -1);
	ck_assert(!b->loaded);

	struct bpf_map_info info;

	pinned_map_info("tc/globals/res_cnt", &info);
	ck_assert_uint_eq(info.id, id);
	free(before);
	free(after);
	bc_object__close(b);
}
END_TEST

START_TEST(verifier_refusal_rolls_back)
{
	struct bc_object *a = simple_obj(8), *b = new_obj();
	struct bpf_map_info info;
	struct bc_map *ns;
	char *before, *after;
	__u32 id;
	int fds;

	ck_assert_int_eq(load(a, false, NULL), 0);
	id = a->maps[0]->id;
	bc_object__close(a);
	before = bpffs_tree();
	fds = fd_count();

	/* Reused pin, a new pin in new directories, a good and a bad prog. */
	add_map(b, "res_cnt", 8, PIN_GLOBAL);
	ns = add_map(b, "res_ns", 8, PIN_NS);
	ck_assert_int_eq(bc_attr_add(&ns->attrs, &ns->attr_cnt, "namespace",
				     "ns1"), 0);
	add_prog(b, "res_entry", good_insns, ARRAY_SIZE(good_insns), 3, 1);
	add_prog(b, "res_bad", bad_insns, ARRAY_SIZE(bad_insns), 0, 0);
	ck_assert_int_eq(load(b, false, bpffs), -BC_ERRNO__VERIFY);
	ck_assert_ptr_nonnull(b->progs[1]->log);
	ck_assert_ptr_nonnull(strstr(b->progs[1]->log, "R2 !read_ok"));

	after = bpffs_tree();
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(fd_count(), fds);
	ck_assert_int_eq(b->progs[0]->fd, -1);
	ck_assert_uint_eq(b->progs[0]->id, 0);
	ck_assert_str_eq(b->progs[0]->tag, "");
	ck_assert_int_eq(b->maps[0]->fd, -1);
	ck_assert(!b->maps[0]->reused);
	pinned_map_info("tc/globals/res_cnt", &info);
	ck_assert_uint_eq(info.id, id);
	free(before);
	free(after);
	bc_object__close(b);
}
END_TEST

START_TEST(dry_run_only_plans)
{
	struct bc_object *obj = simple_obj(8);
	char want[PATH_MAX + 128], progs[PATH_MAX];
	struct bc_map *inner;
	char *before, *after;

	inner = add_map(obj, "res_inner", 4, PIN_NONE);
	inner->kind = BC_MAP_INNER;
	ck_assert_int_eq(bc_object_add_init(obj, 0, 1, BC_INIT_PROG, 0), 0);
	snprintf(progs, sizeof(progs), "%s/progs", bpffs);
	before = bpffs_tree();
	ck_assert_int_eq(load(obj, true, progs), 0);
	after = bpffs_tree();
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(obj->maps[0]->fd, -1);
	ck_assert_int_eq(obj->progs[0]->fd, -1);
	ck_assert(!obj->loaded);

	/* a dry run renders its steps when first asked for */
	ck_assert_uint_eq(bc_object__plan_cnt(obj), 5);
	snprintf(want, sizeof(want),
		 "map res_cnt: create array key 4 value 8 max 4 flags 0x0, pin %s/tc/globals/res_cnt (reuse if compatible)",
		 bpffs);
	ck_assert_str_eq(obj->plan[0], want);
	ck_assert_str_eq(obj->plan[1],
			 "map res_inner: create array key 4 value 4 max 4 flags 0x0");
	ck_assert_str_eq(obj->plan[2],
			 "prog res_entry: load socket_filter, 8 insns, 1 map fixups");
	ck_assert_str_eq(obj->plan[3], "init res_cnt[1] = prog res_entry");
	snprintf(want, sizeof(want), "pin prog res_entry at %s/progs/res_entry",
		 bpffs);
	ck_assert_str_eq(obj->plan[4], want);
	free(before);
	free(after);
	bc_object__close(obj);
}
END_TEST

START_TEST(inner_template_planned_first)
{
	struct bc_object *obj = new_obj();
	struct bc_map *outer;

	outer = add_map(obj, "res_outer", 4, PIN_NONE);
	outer->type = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	outer->inner_idx = 1;
	add_map(obj, "res_inner", 4, PIN_GLOBAL)->kind = BC_MAP_INNER;
	ck_assert_int_eq(bc_object_add_init(obj, 0, 2, BC_INIT_MAP, 1), 0);
	ck_assert_int_eq(load(obj, true, NULL), 0);
	ck_assert_uint_eq(bc_object__plan_cnt(obj), 3);
	ck_assert_ptr_nonnull(strstr(obj->plan[0], "map res_inner:"));
	ck_assert_ptr_null(strstr(obj->plan[0], "pin"));
	ck_assert_ptr_nonnull(strstr(obj->plan[1], "map res_outer:"));
	ck_assert_str_eq(obj->plan[2], "init res_outer[2] = map res_inner");

	/* And for real: the outer map is created with the inner template. */
	ck_assert_int_eq(load(obj, false, NULL), 0);
	ck_assert_int_ge(obj->maps[0]->fd, 0);
	bc_object__close(obj);
}
END_TEST

START_TEST(refused_pinning_fails_plan)
{
	struct bc_object *obj = new_obj();

	add_map(obj, "res_x", 4, PIN_REFUSED);
	bc_test_capture_log();
	ck_assert_int_eq(load(obj, true, NULL), -BC_ERRNO__UNSUPP);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "map 'res_x'"));
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "pinning 3 is not implemented"));
	bc_object__close(obj);
}
END_TEST

START_TEST(hook_paths_confined)
{
	struct bc_object *obj = new_obj();
	char want[PATH_MAX];

	add_map(obj, "res_h", 4, PIN_HOOK);
	hook_path = "%s/hooked/%s";
	ck_assert_int_eq(load(obj, true, NULL), 0);
	snprintf(want, sizeof(want), "%s/hooked/res_h", bpffs);
	ck_assert_str_eq(obj->maps[0]->pin_path, want);

	hook_path = NULL;
	ck_assert_int_eq(load(obj, true, NULL), 0);
	ck_assert_ptr_null(obj->maps[0]->pin_path);

	hook_path = "/etc/%.0s%s";
	ck_assert_int_eq(load(obj, true, NULL), -BC_ERRNO__PIN);
	hook_path = "%s/../%s";
	ck_assert_int_eq(load(obj, true, NULL), -BC_ERRNO__PIN);
	bc_object__close(obj);
}
END_TEST

START_TEST(global_data_filled_and_frozen)
{
	struct bc_object *obj = new_obj();
	static const __u8 image[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	struct bc_map *map;
	__u8 val[8];

	map = add_map(obj, "test.rodata", 8, PIN_NONE);
	map->kind = BC_MAP_RODATA;
	map->max_entries = 1;
	map->map_flags = BPF_F_RDONLY_PROG;
	map->init = malloc(sizeof(image));
	memcpy(map->init, image, sizeof(image));
	map->freeze = true;
	ck_assert_int_eq(load(obj, false, NULL), 0);

	ck_assert_int_eq(bpf_map_lookup_elem(map->fd, &key, val), 0);
	ck_assert_mem_eq(val, image, sizeof(image));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(map->fd, &info, &len), 0);
	ck_assert(info.map_flags & BPF_F_RDONLY_PROG);
	ck_assert_str_eq(info.name, "test.rodata");
	ck_assert_int_ne(bpf_map_update_elem(map->fd, &key, val, BPF_ANY), 0);
	bc_object__close(obj);
}
END_TEST

START_TEST(programs_pinned_on_request)
{
	struct bc_object *obj = simple_obj(8);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	char progs[PATH_MAX];
	int fd;

	snprintf(progs, sizeof(progs), "%s/progs", bpffs);
	ck_assert_int_eq(load(obj, false, progs), 0);
	fd = bpf_obj_get(path_in("progs/res_entry"));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	ck_assert_uint_eq(info.id, obj->progs[0]->id);
	close(fd);
	bc_object__close(obj);
}
END_TEST

START_TEST(opts_validated)
{
	struct {
		struct bc_load_opts opts;
		long future;
	} big = { .opts.sz = sizeof(big), .future = 1 };
	struct bc_object *obj = simple_obj(8);
	struct bc_load_opts tiny = { .sz = 1 };

	ck_assert_int_eq(bc_object__load(obj, &big.opts), -EINVAL);
	ck_assert_int_eq(bc_object__load(obj, &tiny), -EINVAL);
	big.future = 0;
	big.opts.bpffs = bpffs;
	big.opts.dry_run = true;
	ck_assert_int_eq(bc_object__load(obj, &big.opts), 0);
	bc_object__close(obj);
}
END_TEST

static Suite *load_suite(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("kernel");

	tcase_add_unchecked_fixture(tc, top_setup, bc_test_bpffs_fini);
	tcase_add_checked_fixture(tc, setup, bc_test_bpffs_umount);
	tcase_add_test(tc, load_creates_and_pins);
	tcase_add_test(tc, second_load_reuses_pin);
	tcase_add_test(tc, incompatible_pin_refused);
	tcase_add_test(tc, verifier_refusal_rolls_back);
	tcase_add_test(tc, dry_run_only_plans);
	tcase_add_test(tc, inner_template_planned_first);
	tcase_add_test(tc, refused_pinning_fails_plan);
	tcase_add_test(tc, hook_paths_confined);
	tcase_add_test(tc, global_data_filled_and_frozen);
	tcase_add_test(tc, programs_pinned_on_request);
	tcase_add_test(tc, opts_validated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *why = bc_test_kernel_missing();

	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	return bc_test_run(load_suite());
}
