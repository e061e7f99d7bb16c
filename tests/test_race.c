// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pin races: N processes load the same object, whose maps are pinned by
 * name, at the same moment. Afterwards exactly one set of maps exists,
 * every process used it, no process failed and no stray pin is left.
 */
#include <dirent.h>
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "elfbuild.h"
#include "internal.h"
#include "testutil.h"

#define NPROC	12
#define NMAPS	3
#define ROUNDS	5

static const char dialect_yaml[] =
	"name: race-test\n"
	"summary: maps pinned by name, for the pin race test\n"
	"maps:\n"
	"  sections:\n"
	"    - { exact: maps }\n"
	"  record: { size: section_div_symbols, min: 24, max: 24 }\n"
	"  fields:\n"
	"    type:        { offset: 0 }\n"
	"    key_size:    { offset: 4 }\n"
	"    value_size:  { offset: 8 }\n"
	"    max_entries: { offset: 12 }\n"
	"    flags:       { offset: 16 }\n"
	"    pinning:     { offset: 20 }\n"
	"pinning:\n"
	"  0: none\n"
	"  1: \"{bpffs}/{name}\"\n"
	"  2: \"{bpffs}/shared/deeper/{name}\"\n"
	"programs:\n"
	"  sections:\n"
	"    - { prefix: socket, type: socket_filter }\n"
	"special:\n"
	"  license: license\n";

static const char *const map_names[NMAPS] = { "race_a", "race_b", "race_c" };
static const char *const map_rels[NMAPS] = {
	"race_a", "shared/deeper/race_b", "shared/deeper/race_c",
};

static char bpffs[] = "/tmp/bc_race_XXXXXX";
static char objpath[PATH_MAX];

/* Three pinned maps and a socket filter that looks up the first. */
static void write_obj(void)
{
	static const __u32 recs[NMAPS][6] = {
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1 },
		{ BPF_MAP_TYPE_HASH, 4, 8, 64, 0, 2 },
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, 2 },
	};
	static const char lic[] = "GPL";
	struct bc_elfb *b = bc_elfb_new(false);
	__u8 insns[64];
	int msec, psec, sym0 = -1, sym;
	size_t i, size;
	void *buf;
	FILE *f;

	ck_assert_ptr_nonnull(b);
	msec = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			       recs, sizeof(recs));
	for (i = 0; i < NMAPS; i++) {
		sym = bc_elfb_add_sym(b, map_names[i], msec, i * 24, 24,
				      STT_OBJECT, STB_GLOBAL);
		if (!i)
			sym0 = sym;
	}
	bc_elfb_insn(insns + 0, false, BPF_ST | BPF_MEM | BPF_W, BPF_REG_10,
		     0, -4, 0);
	bc_elfb_insn(insns + 8, false, BPF_ALU64 | BPF_MOV | BPF_X,
		     BPF_REG_2, BPF_REG_10, 0, 0);
	bc_elfb_insn(insns + 16, false, BPF_ALU64 | BPF_ADD | BPF_K,
		     BPF_REG_2, 0, 0, -4);
	bc_elfb_insn(insns + 24, false, BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1,
		     0, 0, 0);
	bc_elfb_insn(insns + 32, false, 0, 0, 0, 0, 0);
	bc_elfb_insn(insns + 40, false, BPF_JMP | BPF_CALL, 0, 0, 0,
		     BPF_FUNC_map_lookup_elem);
	bc_elfb_insn(insns + 48, false, BPF_ALU64 | BPF_MOV | BPF_K,
		     BPF_REG_0, 0, 0, 0);
	bc_elfb_insn(insns + 56, false, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	psec = bc_elfb_add_sec(b, "socket", SHT_PROGBITS,
			       SHF_ALLOC | SHF_EXECINSTR, insns, sizeof(insns));
	bc_elfb_add_sym(b, "race_prog", psec, 0, sizeof(insns), STT_FUNC,
			STB_GLOBAL);
	bc_elfb_add_rel(b, psec, 24, sym0, 1 /* R_BPF_64_64 */);
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, lic,
			sizeof(lic));
	buf = bc_elfb_finish(b, &size);
	ck_assert_ptr_nonnull(buf);
	snprintf(objpath, sizeof(objpath), "%s.o", bpffs);
	f = fopen(objpath, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, size, f), size);
	fclose(f);
	bc_elfb_free(b);
}

static size_t count_entries(const char *rel);
static size_t root_entries;

/* Runs in the parent (unchecked): a failed test cannot leak the mount. */
static void setup(void)
{
	bc_test_quiet();
	ck_assert_ptr_nonnull(mkdtemp(bpffs));
	ck_assert_int_eq(mount("bpf", bpffs, "bpf", 0, "mode=0700"), 0);
	write_obj();
	/* A fresh bpffs may already hold the kernel's preloaded iterators. */
	root_entries = count_entries("");
}

static void teardown(void)
{
	umount2(bpffs, MNT_DETACH);
	rmdir(bpffs);
	unlink(objpath);
}

/* What one loader process reports back: its map ids, or its error. */
struct report {
	int err;
	__u32 ids[NMAPS];
	bool reused[NMAPS];
};

static void child(int go, int out)
{
	BC_OPTS(bc_open_opts, oopts, .dialect = "race-test");
	BC_OPTS(bc_load_opts, lopts, .bpffs = bpffs, .jobs = 1);
	struct report r = { 0 };
	struct bc_object *obj;
	char c;
	size_t i;

	/* Everybody starts at once: the parent closes the pipe. */
	if (read(go, &c, 1) < 0)
		_exit(3);
	obj = bc_object__open_file(objpath, &oopts);
	if (!obj) {
		r.err = -errno;
		goto out;
	}
	r.err = bc_object__load(obj, &lopts);
	for (i = 0; !r.err && i < NMAPS; i++) {
		r.ids[i] = bc_map__id(bc_object__find_map(obj, map_names[i]));
		r.reused[i] = bc_map__reused(bc_object__find_map(obj,
								 map_names[i]));
	}
	bc_object__close(obj);
out:
	_exit(write(out, &r, sizeof(r)) == sizeof(r) ? 0 : 4);
}

static __u32 pinned_id(const char *rel)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", bpffs, rel);
	fd = bpf_obj_get(path);
	ck_assert_msg(fd >= 0, "%s: not pinned", path);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	return info.id;
}

static size_t count_entries(const char *rel)
{
	char path[PATH_MAX];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", bpffs, rel);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void remove_pins(void)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", bpffs, map_rels[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/shared/deeper", bpffs);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/shared", bpffs);
	rmdir(path);
}

/* fresh: no pin exists yet, so exactly one loader creates each map. */
static void race_once(bool fresh)
{
	struct report r[NPROC];
	int go[2], out[2], status, creators[NMAPS] = { 0 };
	pid_t pids[NPROC];
	__u32 want[NMAPS];
	size_t i, j;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(out), 0);
	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (!pids[i]) {
			close(go[1]);
			close(out[0]);
			child(go[0], out[1]);
		}
	}
	close(go[0]);
	close(out[1]);
	close(go[1]);
	for (i = 0; i < NPROC; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status),
			      "loader %zu died (status 0x%x)", i, status);
	}
	for (i = 0; i < NPROC; i++)
		ck_assert_uint_eq(read(out[0], &r[i], sizeof(r[i])),
				  sizeof(r[i]));
	close(out[0]);

	for (j = 0; j < NMAPS; j++)
		want[j] = pinned_id(map_rels[j]);
	for (i = 0; i < NPROC; i++) {
		ck_assert_msg(!r[i].err, "loader %zu failed: %d", i, r[i].err);
		for (j = 0; j < NMAPS; j++) {
			ck_assert_msg(r[i].ids[j] == want[j],
				      "loader %zu uses map %s id %u, pinned is %u",
				      i, map_names[j], r[i].ids[j], want[j]);
			creators[j] += !r[i].reused[j];
		}
	}
	/* One creator per map; everybody else converged on its pin. */
	for (j = 0; j < NMAPS; j++)
		ck_assert_int_eq(creators[j], fresh ? 1 : 0);
	/* No stray or temporary pins. */
	ck_assert_uint_eq(count_entries(""), root_entries + 2);
	ck_assert_uint_eq(count_entries("shared"), 1);
	ck_assert_uint_eq(count_entries("shared/deeper"), 2);
}

START_TEST(race_shared_pins)
{
	int round;

	for (round = 0; round < ROUNDS; round++) {
		race_once(true);
		remove_pins();
	}
}
END_TEST

/* A second wave reuses the first wave's pins: nobody creates anything. */
START_TEST(race_existing_pins)
{
	__u32 first[NMAPS];
	size_t j;

	race_once(true);
	for (j = 0; j < NMAPS; j++)
		first[j] = pinned_id(map_rels[j]);
	race_once(false);
	for (j = 0; j < NMAPS; j++)
		ck_assert_uint_eq(pinned_id(map_rels[j]), first[j]);
	remove_pins();
}
END_TEST

int main(void)
{
	const char *skip = bc_test_kernel_missing();
	Suite *s;
	TCase *tc;

	if (skip) {
		printf("SKIP: %s\n", skip);
		return 77;
	}
	if (bc_test_register_dialect(dialect_yaml)) {
		fprintf(stderr, "cannot register the test dialect\n");
		return 1;
	}
	s = suite_create("race");
	tc = tcase_create("pins");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, race_shared_pins);
	tcase_add_test(tc, race_existing_pins);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
