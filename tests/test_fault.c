// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Rollback under fault and pin confinement, end to end from an object.
 *
 * Rollback: BPFCOMPAT_FAULT_INJECT makes the n-th kernel step of each kind
 * fail (map create, fill, pin, program load, tail-call insert, program
 * pin), for every n until the load succeeds. After each failure the
 * kernel's maps and programs of this object and the bpffs tree must be
 * exactly what they were before, and a pre-existing pin the load reused
 * must be the same inode holding the same map. BC_FAULT_KIND=KIND limits
 * the rollback case to one fault kind.
 *
 * Confinement: map names and namespaces from the object never produce a
 * pin path outside the bpffs root (dry run, no privileges needed), and
 * hostile names still load under a name the kernel accepts.
 */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/elf-em.h>
#include <elf.h>

#include "elfbuild.h"
#include "load.h"
#include "object.h"
#include "testutil.h"

/* 40-byte records: six u32 fields and a 16-byte namespace string. */
static const char dialect_yaml[] =
	"name: fault-test\n"
	"summary: pinning records for the fault and confinement tests\n"
	"maps:\n"
	"  sections:\n"
	"    - { exact: maps }\n"
	"  record: { size: section_div_symbols, min: 40, max: 40 }\n"
	"  fields:\n"
	"    type:        { offset: 0 }\n"
	"    key_size:    { offset: 4 }\n"
	"    value_size:  { offset: 8 }\n"
	"    max_entries: { offset: 12 }\n"
	"    flags:       { offset: 16 }\n"
	"    pinning:     { offset: 20 }\n"
	"    namespace:   { offset: 24, size: 16, kind: string }\n"
	"pinning:\n"
	"  0: none\n"
	"  1: \"{bpffs}/fault/{name}\"\n"
	"  2: \"{bpffs}/{namespace}/{name}\"\n"
	"programs:\n"
	"  sections:\n"
	"    - { prefix: socket, type: socket_filter }\n"
	"special:\n"
	"  license: license\n"
	"  global_data: true\n";

/*
 * Every kernel name this test makes starts with a tag unique to the run
 * (maps, programs, and the data map named after the object), so other
 * loads on the machine never disturb the comparison.
 */
static char tag[8];

struct rec {
	__u32 type, key, value, max, flags, pinning;
	char ns[16];
};

struct mapspec {
	const char *name;
	struct rec rec;
};

/* r1 = map (fixed up), *(u32 *)(r10 - 4) = 0, lookup, return 0. */
static void put_prog(__u8 *p)
{
	bc_elfb_insn(p + 0, false, BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0,
		     -4, 0);
	bc_elfb_insn(p + 8, false, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2,
		     BPF_REG_10, 0, 0);
	bc_elfb_insn(p + 16, false, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0,
		     0, -4);
	bc_elfb_insn(p + 24, false, BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0,
		     0, 0);
	bc_elfb_insn(p + 32, false, 0, 0, 0, 0, 0);
	bc_elfb_insn(p + 40, false, BPF_JMP | BPF_CALL, 0, 0, 0,
		     BPF_FUNC_map_lookup_elem);
	bc_elfb_insn(p + 48, false, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0,
		     0, 0);
	bc_elfb_insn(p + 56, false, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

#define PROG_SZ 64

/*
 * maps[] in one "maps" section, nprogs socket programs each looking up
 * map 0, a license and, with data, an 8-byte .data section.
 */
static void *build_obj(const struct mapspec *maps, size_t nmaps,
		       size_t nprogs, bool data, size_t *size,
		       struct bc_elfb **out)
{
	struct bc_elfb *b = bc_elfb_new(false);
	__u8 progs[4][PROG_SZ];
	struct rec recs[8];
	static const char lic[] = "GPL";
	static const __u64 init = 0x1122334455667788ULL;
	int msec, psec, sym0 = -1, sym;
	char sname[32];
	size_t i;

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_le(nmaps, 8);
	ck_assert_uint_le(nprogs, 4);
	for (i = 0; i < nmaps; i++)
		recs[i] = maps[i].rec;
	msec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			       recs, nmaps * sizeof(recs[0]));
	for (i = 0; i < nmaps; i++) {
		sym = bc_elfb_add_sym(b, maps[i].name, msec,
				      i * sizeof(recs[0]), sizeof(recs[0]),
				      STT_OBJECT, STB_GLOBAL);
		if (!i)
			sym0 = sym;
	}
	for (i = 0; i < nprogs; i++) {
		put_prog(progs[i]);
		snprintf(sname, sizeof(sname), "socket/%zu", i);
		psec = bc_elfb_add_sec(b, sname, SHT_PROGBITS,
				       SHF_ALLOC | SHF_EXECINSTR, progs[i],
				       PROG_SZ);
		snprintf(sname, sizeof(sname), "%sprog%zu", tag, i);
		bc_elfb_add_sym(b, sname, psec, 0, PROG_SZ, STT_FUNC,
				STB_GLOBAL);
		bc_elfb_add_rel(b, psec, 24, sym0, 1 /* R_BPF_64_64 */);
	}
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			lic, sizeof(lic));
	if (data)
		bc_elfb_add_sec(b, ".data", SHT_PROGBITS,
				SHF_ALLOC | SHF_WRITE, &init, sizeof(init));
	*out = b;
	return bc_elfb_finish(b, size);
}

static struct bc_object *open_obj(const void *buf, size_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "%s.o", tag);
	BC_OPTS(bc_open_opts, opts, .dialect = "fault-test",
		.object_name = name);
	struct bc_object *obj = bc_object__open_mem(buf, size, &opts);

	ck_assert_msg(obj, "open failed: %s", bc_test_log());
	return obj;
}

/* ---- confinement (dry run) ------------------------------------------------ */

#define ROOT "/tmp/bc-confine/root"

/* Plan one map named name with namespace ns; 0 and the path, or error. */
static int plan_pin(const char *name, const char *ns, __u32 pinning,
		    char *path, size_t len)
{
	BC_OPTS(bc_load_opts, lopts, .bpffs = ROOT, .dry_run = true);
	struct mapspec m = {
		.name = name,
		.rec = { .type = BPF_MAP_TYPE_ARRAY, .key = 4, .value = 8,
			 .max = 1, .pinning = pinning },
	};
	struct bc_object *obj;
	struct bc_elfb *b;
	const char *pin;
	size_t size;
	void *buf;
	int err;

	memcpy(m.rec.ns, ns, min(strlen(ns), sizeof(m.rec.ns)));
	buf = build_obj(&m, 1, 1, false, &size, &b);
	obj = open_obj(buf, size);
	err = bc_object__load(obj, &lopts);
	path[0] = '\0';
	if (!err) {
		pin = bc_map__pin_path(bc_object__find_map(obj, name));
		ck_assert_ptr_nonnull(pin);
		snprintf(path, len, "%s", pin);
	}
	bc_object__close(obj);
	bc_elfb_free(b);
	return err;
}

static void assert_confined(const char *path)
{
	ck_assert_msg(!strncmp(path, ROOT "/", strlen(ROOT) + 1),
		      "pin path %s outside %s", path, ROOT);
	ck_assert_msg(!strstr(path, "/../") && !strstr(path, "/./") &&
		      !strstr(path, "//"), "pin path %s not normal", path);
}

static const char *const hostile_names[] = {
	"..", ".", "../escape", "a/../../b", "/etc/passwd", "a/b", "a//b",
	"x\ny", "tab\there", "",
	"a_name_that_is_far_longer_than_the_fifteen_chars_the_kernel_keeps",
};

START_TEST(confine_name)
{
	const char *name = hostile_names[_i];
	char path[PATH_MAX];
	int err;

	/* An empty symbol name is refused at open already. */
	if (!name[0])
		return;
	bc_test_capture_log();
	err = plan_pin(name, "", 1, path, sizeof(path));
	if (err) {
		ck_assert_int_eq(err, -BC_ERRNO__PIN);
		ck_assert_ptr_nonnull(strstr(bc_test_log(), "pin"));
		return;
	}
	assert_confined(path);
	ck_assert_msg(!strncmp(path, ROOT "/fault/", strlen(ROOT "/fault/")) &&
		      !strchr(path + strlen(ROOT "/fault/"), '/'),
		      "name '%s': pin path %s", name, path);
}
END_TEST

START_TEST(confine_namespace)
{
	static const char *const ns[] = { "..", ".", "../x", "a/b", "/abs",
					  "\x01", "ok" };
	char path[PATH_MAX];
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		bc_test_capture_log();
		err = plan_pin("nsmap", ns[i], 2, path, sizeof(path));
		if (!strcmp(ns[i], "ok")) {
			ck_assert_int_eq(err, 0);
			ck_assert_str_eq(path, ROOT "/ok/nsmap");
			continue;
		}
		ck_assert_msg(err == -BC_ERRNO__PIN,
			      "namespace '%s': err %d, path '%s'", ns[i], err,
			      path);
	}
}
END_TEST

/* An empty namespace string leaves {namespace} without a value. */
START_TEST(confine_empty_namespace)
{
	char path[PATH_MAX];

	bc_test_capture_log();
	ck_assert_int_lt(plan_pin("nsmap", "", 2, path, sizeof(path)), 0);
}
END_TEST

/* ---- kernel state snapshots ----------------------------------------------- */

static char bpffs[] = "/tmp/bc_fault_XXXXXX";

#define MAX_IDS 64

/* Kernel ids of maps and progs whose name is one of this object's. */
struct ksnap {
	__u32 maps[MAX_IDS], progs[MAX_IDS];
	size_t map_cnt, prog_cnt;
	char tree[8192];
};


static bool our_name(const char *name)
{
	return !strncmp(name, tag, strlen(tag));
}

static char *tagged(const char *suffix)
{
	static char names[16][16];
	static size_t next;
	char *out = names[next++ % ARRAY_SIZE(names)];

	snprintf(out, 16, "%s%s", tag, suffix);
	return out;
}

/*
 * Maps are listed by a bpf_map iterator, never by BPF_MAP_GET_FD_BY_ID:
 * an fd from an id is a user reference, and a prog array whose last user
 * reference was just dropped (our rollback closing it) clears itself in a
 * deferred work item that holds a map reference. Re-opening it by id and
 * closing it again before that work has run queues the work a second time
 * while it is pending; it runs once and one map reference is never put
 * (kernel 6.18, kernel/bpf/arraymap.c prog_array_map_clear()): the prog
 * array lives on with no fd, pin or program. The iterator takes no user
 * reference, so counting maps cannot leak them.
 */
struct map_rec {
	__u32 id, type;
	char name[16];
};

static int map_iter_link = -1;

static __s32 btf_member_off(const struct btf *btf, const char *type,
			    const char *member)
{
	const struct btf_member *m;
	const struct btf_type *t;
	__s32 id;
	int i;

	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })

/* r1 = r10 - 24 + dst_off; r2 = size; r3 = r7 + src_off; probe read. */
#define READ_FIELD(dst_off, size, src_off)				\
	INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_10, 0, 0),	\
	INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, -24 + (dst_off)), \
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, size),	\
	INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_7, 0, 0),	\
	INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, src_off),	\
	INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel)

/* One struct map_rec per live map into the iterator's seq_file. */
static int map_iter_setup(void)
{
	LIBBPF_OPTS(bpf_prog_load_opts, popts,
		    .expected_attach_type = BPF_TRACE_ITER);
	struct btf *btf = btf__load_vmlinux_btf();
	__s32 off_id, off_type, off_name, fn;
	int prog, link;

	if (!btf)
		return -1;
	fn = btf__find_by_name_kind(btf, "bpf_iter_bpf_map", BTF_KIND_FUNC);
	off_id = btf_member_off(btf, "bpf_map", "id");
	off_type = btf_member_off(btf, "bpf_map", "map_type");
	off_name = btf_member_off(btf, "bpf_map", "name");
	btf__free(btf);
	if (fn < 0 || off_id < 0 || off_type < 0 || off_name < 0)
		return -1;
	{
		const struct bpf_insn insns[] = {
			/* r6 = ctx, r7 = ctx->map; the last call has none. */
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6,
			     BPF_REG_1, 0, 0),
			INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_7, BPF_REG_6,
			     8, 0),
			INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0, 24, 0),
			READ_FIELD(0, 4, off_id),
			READ_FIELD(4, 4, off_type),
			READ_FIELD(8, 16, off_name),
			/* seq_write(ctx->meta->seq, r10 - 24, 24) */
			INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_6,
			     0, 0),
			INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_1,
			     0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2,
			     BPF_REG_10, 0, 0),
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0,
			     -24),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0,
			     sizeof(struct map_rec)),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_seq_write),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		};

		popts.attach_btf_id = fn;
		prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ft_map_iter",
				     "GPL", insns, ARRAY_SIZE(insns), &popts);
	}
	if (prog < 0)
		return -1;
	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, NULL);
	close(prog);
	if (link < 0)
		return -1;
	map_iter_link = link;
	return 0;
}

static void snap_maps(struct ksnap *s)
{
	static struct map_rec recs[4096];
	size_t len = 0, i;
	ssize_t n;
	int fd;

	fd = bpf_iter_create(map_iter_link);
	ck_assert_int_ge(fd, 0);
	while ((n = read(fd, (char *)recs + len, sizeof(recs) - len)) > 0)
		len += n;
	ck_assert_int_eq(n, 0);
	close(fd);
	for (i = 0; i < len / sizeof(recs[0]); i++) {
		recs[i].name[sizeof(recs[i].name) - 1] = '\0';
		if (our_name(recs[i].name) && s->map_cnt < MAX_IDS)
			s->maps[s->map_cnt++] = recs[i].id;
	}
}

static void snap_progs(struct ksnap *s)
{
	struct bpf_prog_info info;
	__u32 id = 0, len;
	int fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    our_name(info.name) && s->prog_cnt < MAX_IDS)
			s->progs[s->prog_cnt++] = id;
		close(fd);
	}
}

static struct ksnap *tree_snap;

static int tree_one(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	size_t len = strlen(tree_snap->tree);

	snprintf(tree_snap->tree + len, sizeof(tree_snap->tree) - len,
		 "%s %lu %o\n", path, (unsigned long)st->st_ino, st->st_mode);
	return 0;
}

static void snap(struct ksnap *s)
{
	memset(s, 0, sizeof(*s));
	snap_maps(s);
	snap_progs(s);
	tree_snap = s;
	ck_assert_int_eq(nftw(bpffs, tree_one, 16, FTW_PHYS), 0);
}

static bool snap_equal(const struct ksnap *a, const struct ksnap *b)
{
	return a->map_cnt == b->map_cnt && a->prog_cnt == b->prog_cnt &&
	       !memcmp(a->maps, b->maps, a->map_cnt * sizeof(a->maps[0])) &&
	       !memcmp(a->progs, b->progs, a->prog_cnt * sizeof(a->progs[0])) &&
	       !strcmp(a->tree, b->tree);
}

/*
 * The kernel frees a program's maps after an RCU grace period, so ids of
 * maps a closed program used may linger briefly: wait for them to go.
 */
static void assert_restored(const struct ksnap *before, const char *what)
{
	struct ksnap *now = calloc(1, sizeof(*now));
	int tries;

	ck_assert_ptr_nonnull(now);
	for (tries = 0; tries < 500; tries++) {
		snap(now);
		if (snap_equal(before, now))
			break;
		usleep(20000);
	}
	ck_assert_msg(snap_equal(before, now),
		      "%s: kernel or bpffs changed: maps %zu -> %zu, progs %zu -> %zu\nbefore:\n%s\nafter:\n%s",
		      what, before->map_cnt, now->map_cnt, before->prog_cnt,
		      now->prog_cnt, before->tree, now->tree);
	free(now);
}

/* ---- rollback under fault --------------------------------------------------- */

static struct mapspec fault_maps[] = {
	{ "_pinned", { BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, "" } },
	{ "_jmp", { BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, 1, "" } },
	{ "_plain", { BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, "" } },
	{ "_pre", { BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 1, "" } },
};

static __u32 pre_id;
static ino_t pre_ino;

/* Runs in the parent (unchecked): a failed test cannot leak the mount. */
static void fault_setup(void)
{
	char path[PATH_MAX];
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(fault_maps); i++)
		fault_maps[i].name = strdup(tagged(fault_maps[i].name));
	ck_assert_ptr_nonnull(mkdtemp(bpffs));
	ck_assert_int_eq(mount("bpf", bpffs, "bpf", 0, "mode=0700"), 0);
	/* A pin that exists before: reused, never modified. */
	snprintf(path, sizeof(path), "%s/fault", bpffs);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, tagged("_pre"), 4, 8, 2,
			    NULL);
	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "%s/fault/%s", bpffs, tagged("_pre"));
	ck_assert_int_eq(bpf_obj_pin(fd, path), 0);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	pre_id = info.id;
	close(fd);
	ck_assert_int_eq(stat(path, &st), 0);
	pre_ino = st.st_ino;
}

static void fault_teardown(void)
{
	umount2(bpffs, MNT_DETACH);
	rmdir(bpffs);
	unsetenv("BPFCOMPAT_FAULT_INJECT");
}

static void assert_pre_pin(void)
{
	char path[PATH_MAX];
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/fault/%s", bpffs, tagged("_pre"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_ino, pre_ino);
	fd = bpf_obj_get(path);
	ck_assert_int_ge(fd, 0);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	ck_assert_uint_eq(info.id, pre_id);
	close(fd);
}

/* One load with the n-th step of kind failing; 0 if it succeeded. */
static int load_with_fault(const void *buf, size_t size, const char *kind,
			   unsigned n)
{
	char spec[64], progs[PATH_MAX];
	struct bc_object *obj;
	struct bc_map *jmp;
	int err;

	snprintf(progs, sizeof(progs), "%s/progs", bpffs);
	BC_OPTS(bc_load_opts, lopts, .bpffs = bpffs, .pin_progs = progs,
		.jobs = 1);
	snprintf(spec, sizeof(spec), "%s:%u:%d", kind, n, ENOSPC);
	bc_test_capture_log();
	ck_assert_int_eq(setenv("BPFCOMPAT_FAULT_INJECT", spec, 1), 0);
	obj = open_obj(buf, size);
	/* Tail calls: both programs in the fresh prog array. */
	jmp = bc_object__find_map(obj, tagged("_jmp"));
	ck_assert_ptr_nonnull(jmp);
	ck_assert_int_eq(bc_object_add_init(obj, jmp->idx, 0, BC_INIT_PROG,
					    0), 0);
	ck_assert_int_eq(bc_object_add_init(obj, jmp->idx, 1, BC_INIT_PROG,
					    1), 0);
	bc_test_capture_log();
	err = bc_object__load(obj, &lopts);
	if (err) {
		ck_assert_msg(strstr(bc_test_log(), "injected fault"),
			      "%s: load failed without the fault: %s", spec,
			      bc_test_log());
		ck_assert_int_eq(err, -ENOSPC);
	}
	bc_object__close(obj);
	return err;
}

static void remove_created(void)
{
	static const char *const rels[] = {
		"progs/%sprog0", "progs/%sprog1", "progs", "fault/%s_pinned",
		"fault/%s_jmp",
	};
	char rel[64], path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rels); i++) {
		snprintf(rel, sizeof(rel), rels[i], tag);
		snprintf(path, sizeof(path), "%s/%s", bpffs, rel);
		if (unlink(path))
			rmdir(path);
	}
}

static const char *const fault_kinds[] = {
	"map_create", "map_fill", "map_pin", "prog_load", "slot_insert",
	"prog_pin", "any",
};

START_TEST(rollback_each_step)
{
	const char *kind = fault_kinds[_i];
	struct ksnap *before = calloc(1, sizeof(*before));
	struct bc_elfb *b;
	char what[64];
	unsigned n;
	size_t size;
	void *buf;

	ck_assert_ptr_nonnull(before);
	buf = build_obj(fault_maps, ARRAY_SIZE(fault_maps), 2, true, &size,
			&b);
	snap(before);
	/* The pre-existing pin's map: the listing sees our maps. */
	ck_assert_uint_eq(before->map_cnt, 1);
	for (n = 1; n < 64; n++) {
		if (!load_with_fault(buf, size, kind, n))
			break;
		snprintf(what, sizeof(what), "fault %s:%u", kind, n);
		assert_restored(before, what);
		assert_pre_pin();
	}
	/* Every step of the kind was failed once before the clean load. */
	ck_assert_uint_gt(n, 1);
	ck_assert_uint_lt(n, 64);
	remove_created();
	assert_restored(before, "after the clean load");
	assert_pre_pin();
	free(before);
	bc_elfb_free(b);
}
END_TEST

START_TEST(fault_spec_invalid)
{
	struct bc_elfb *b;
	size_t size;
	void *buf;
	struct bc_object *obj;

	BC_OPTS(bc_load_opts, lopts, .bpffs = bpffs);
	buf = build_obj(fault_maps, 1, 1, false, &size, &b);
	ck_assert_int_eq(setenv("BPFCOMPAT_FAULT_INJECT", "map_crate:1", 1),
			 0);
	obj = open_obj(buf, size);
	bc_test_capture_log();
	ck_assert_int_eq(bc_object__load(obj, &lopts), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "BPFCOMPAT_FAULT_INJECT"));
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

/* Names the kernel would refuse are loaded under a sanitised name. */
START_TEST(hostile_names_load)
{
	static const struct mapspec m = {
		"my-map:with spaces/and a long tail",
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, "" },
	};
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	struct bc_object *obj;
	struct bc_elfb *b;
	size_t size;
	void *buf;

	BC_OPTS(bc_load_opts, lopts, .bpffs = bpffs);
	buf = build_obj(&m, 1, 1, false, &size, &b);
	obj = open_obj(buf, size);
	ck_assert_msg(!bc_object__load(obj, &lopts), "%s", bc_test_log());
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(
		bc_map__fd(bc_object__map(obj, 0)), &info, &len), 0);
	ck_assert_str_eq(info.name, "my_map_with_spa");
	bc_object__close(obj);
	bc_elfb_free(b);
}
END_TEST

int main(void)
{
	const char *skip = bc_test_kernel_missing();
	Suite *s = suite_create("fault");
	const char *kind;
	TCase *tc;
	size_t i;

	snprintf(tag, sizeof(tag), "f%05u", (unsigned)getpid() % 100000);
	bc_test_quiet();
	if (bc_test_register_dialect(dialect_yaml)) {
		fprintf(stderr, "cannot register the test dialect\n");
		return 1;
	}
	tc = tcase_create("confine");
	tcase_add_loop_test(tc, confine_name, 0, ARRAY_SIZE(hostile_names));
	tcase_add_test(tc, confine_namespace);
	tcase_add_test(tc, confine_empty_namespace);
	suite_add_tcase(s, tc);
	if (!skip && map_iter_setup())
		skip = "no bpf_map iterator to list maps without holding them";
	if (skip) {
		printf("SKIP (kernel cases): %s\n", skip);
	} else {
		tc = tcase_create("rollback");
		tcase_add_unchecked_fixture(tc, fault_setup, fault_teardown);
		tcase_set_timeout(tc, 120);
		kind = getenv("BC_FAULT_KIND");
		for (i = 0; kind && i < ARRAY_SIZE(fault_kinds); i++)
			if (!strcmp(kind, fault_kinds[i]))
				break;
		if (!kind)
			i = 0;
		tcase_add_loop_test(tc, rollback_each_step, i,
				    kind ? i + 1 : ARRAY_SIZE(fault_kinds));
		tcase_add_test(tc, fault_spec_invalid);
		tcase_add_test(tc, hostile_names_load);
		suite_add_tcase(s, tc);
	}
	return bc_test_run(s);
}
