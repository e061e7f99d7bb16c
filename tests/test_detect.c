// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Dialect registry and detection scoring on synthetic objects. */
#include <elf.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"
#include "dialect.h"
#include "elfbuild.h"
#include "testutil.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

struct obj {
	struct bc_elfb *b;
	void *buf;
	size_t size;
};

/* "mov r0, 0; exit" */
static void prog_insns(__u8 insns[16])
{
	bc_elfb_insn(insns, false, 0xb7, 0, 0, 0, 0);
	bc_elfb_insn(insns + 8, false, 0x95, 0, 0, 0, 0);
}

static int add_prog(struct bc_elfb *b, const char *sec, const char *sym)
{
	__u8 insns[16];
	int idx;

	prog_insns(insns);
	idx = bc_elfb_add_sec(b, sec, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
			      insns, sizeof(insns));
	ck_assert_int_gt(idx, 0);
	ck_assert_int_gt(bc_elfb_add_sym(b, sym, idx, 0, 16, STT_FUNC,
					 STB_GLOBAL), 0);
	return idx;
}

/* A map section of map_cnt records of rec bytes, one global symbol each. */
static int add_maps(struct bc_elfb *b, const char *sec, size_t map_cnt,
		    size_t rec)
{
	char data[256] = { 0 }, name[32];
	size_t i;
	int idx;

	ck_assert_uint_le(map_cnt * rec, sizeof(data));
	idx = bc_elfb_add_sec(b, sec, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			      data, map_cnt * rec);
	ck_assert_int_gt(idx, 0);
	for (i = 0; i < map_cnt; i++) {
		snprintf(name, sizeof(name), "map%zu", i);
		ck_assert_int_gt(bc_elfb_add_sym(b, name, idx, i * rec, rec,
						 STT_OBJECT, STB_GLOBAL), 0);
	}
	return idx;
}

static void finish(struct obj *o)
{
	o->buf = bc_elfb_finish(o->b, &o->size);
	ck_assert_ptr_nonnull(o->buf);
}

static struct bc_detection *detect(struct obj *o)
{
	struct bc_detection *det;

	finish(o);
	bc_test_capture_log();
	det = bc_detect_mem(o->buf, o->size);
	ck_assert_msg(det, "detect failed: %s", bc_test_log());
	return det;
}

static size_t find_entry(const struct bc_detection *det, const char *name)
{
	size_t i;

	for (i = 0; i < bc_detection__cnt(det); i++)
		if (!strcmp(bc_dialect__name(bc_detection__dialect(det, i)),
			    name))
			return i;
	ck_abort_msg("dialect '%s' not in the detection", name);
	return 0;
}

static bool has_evidence(const struct bc_detection *det, size_t i,
			 const char *line)
{
	size_t j;

	for (j = 0; j < bc_detection__evidence_cnt(det, i); j++)
		if (!strcmp(bc_detection__evidence(det, i, j), line))
			return true;
	return false;
}

static void ck_sorted(const struct bc_detection *det)
{
	size_t i;

	for (i = 1; i < bc_detection__cnt(det); i++)
		ck_assert_int_ge(bc_detection__score(det, i - 1),
				 bc_detection__score(det, i));
}

#define ck_evidence(det, i, line)					\
	ck_assert_msg(has_evidence(det, i, line), "missing evidence '%s'", \
		      line)

/* Write text to a temp file and register it; returns the error. */
static int register_text(const char *text, char *path, size_t len)
{
	int fd, err;

	snprintf(path, len, "/tmp/bc_dialect_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), strlen(text));
	close(fd);
	bc_test_capture_log();
	err = bc_dialect__register_file(path);
	unlink(path);
	return err;
}

START_TEST(test_registry)
{
	const struct bc_dialect *d;
	bool seen = false;

	ck_assert_int_eq(bc_dialects_init(), 0);
	for (d = bc_dialect__next(NULL); d; d = bc_dialect__next(d)) {
		ck_assert_str_eq(bc_dialect__origin(d), "builtin");
		seen |= !strcmp(bc_dialect__name(d), "libbpf-legacy");
	}
	ck_assert(seen);
	d = bc_dialect__find("libbpf-legacy");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(bc_dialect__summary(d),
			 "libbpf 0.x objects with struct bpf_map_def in SEC(\"maps\")");
	ck_assert_ptr_eq(bc_dialect_first(), bc_dialect__next(NULL));
	errno = 0;
	ck_assert_ptr_null(bc_dialect__find("no-such-dialect"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_legacy_scoring)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	size_t i;

	add_maps(o.b, "maps", 2, 20);
	add_prog(o.b, "kprobe/sys_x", "probe");
	add_prog(o.b, "socket", "sock");
	det = detect(&o);
	i = find_entry(det, "libbpf-legacy");
	ck_assert_int_eq(bc_detection__score(det, i), 10 + 20 + 2 + 2);
	ck_assert_uint_eq(bc_detection__evidence_cnt(det, i), 4);
	ck_evidence(det, i, "section 'maps' present (+10)");
	ck_evidence(det, i,
		    "map record size 20 = section 'maps' 40 bytes / 2 symbols (+20)");
	ck_evidence(det, i, "section 'kprobe/sys_x' matches word 'kprobe' (+2)");
	ck_evidence(det, i, "section 'socket' matches prefix 'socket' (+2)");
	ck_sorted(det);
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

START_TEST(test_legacy_btf_penalty)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	char data[28] = { 0 };
	size_t i;

	/* 28-byte records score +5, .maps costs 40 */
	add_maps(o.b, "maps", 1, 28);
	ck_assert_int_gt(bc_elfb_add_sec(o.b, ".maps", SHT_PROGBITS,
					 SHF_ALLOC | SHF_WRITE, data, 8), 0);
	det = detect(&o);
	i = find_entry(det, "libbpf-legacy");
	ck_assert_int_eq(bc_detection__score(det, i), 10 + 5 - 40);
	ck_evidence(det, i,
		    "map record size 28 = section 'maps' 28 bytes / 1 symbol (+5)");
	ck_evidence(det, i, "section '.maps' present (-40)");
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

static const char mine_yaml[] =
	"name: mine\n"
	"summary: an in-house loader\n"
	"maps:\n"
	"  sections: [ { prefix: \"mine/\" } ]\n"
	"  record: { size: symbol_size, symbols: global }\n"
	"  fields: { type: { offset: 0 }, max_entries: { offset: 4 } }\n"
	"programs:\n"
	"  sections: [ { glob: \"probe_*\", type: kprobe } ]\n"
	"detect:\n"
	"  - { section: { prefix: \"mine/\" }, score: 30 }\n"
	"  - { record_size: 8, score: 15 }\n"
	"  - { no_section: { exact: maps }, score: 1 }\n"
	"  - { btf: true, score: 2 }\n"
	"  - { section: { pattern: \"%i/%i\" }, score: 4 }\n";

START_TEST(test_user_dialect)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	const struct bc_dialect *d;
	char path[64], btf[24] = { 0 };
	size_t i;
	int sec;

	ck_assert_int_eq(register_text(mine_yaml, path, sizeof(path)), 0);
	d = bc_dialect__find("mine");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(bc_dialect__origin(d), path);
	ck_assert_str_eq(bc_dialect__summary(d), "an in-house loader");

	/* a local symbol does not count with "symbols: global" */
	sec = add_maps(o.b, "mine/a", 2, 8);
	ck_assert_int_gt(bc_elfb_add_sym(o.b, "local", sec, 0, 0, STT_NOTYPE,
					 STB_LOCAL), 0);
	add_prog(o.b, "probe_x", "p");
	add_prog(o.b, "1/0", "tail");
	ck_assert_int_gt(bc_elfb_add_sec(o.b, ".BTF", SHT_PROGBITS, 0, btf,
					 sizeof(btf)), 0);
	det = detect(&o);
	i = find_entry(det, "mine");
	ck_assert_int_eq(bc_detection__score(det, i), 30 + 15 + 1 + 2 + 4);
	ck_assert_uint_eq(bc_detection__evidence_cnt(det, i), 5);
	ck_evidence(det, i, "section 'mine/a' matches prefix 'mine/' (+30)");
	ck_evidence(det, i,
		    "map record size 8 = st_size of 2 symbols in section 'mine/a' (+15)");
	ck_evidence(det, i, "no section matches exact 'maps' (+1)");
	ck_evidence(det, i, "section '.BTF' present (+2)");
	ck_evidence(det, i, "section '1/0' matches pattern '%i/%i' (+4)");
	ck_sorted(det);
	/* the builtin saw none of its sections */
	i = find_entry(det, "libbpf-legacy");
	ck_assert_int_le(bc_detection__score(det, i), 0);
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

static const char whole_yaml[] =
	"name: whole\n"
	"maps:\n"
	"  sections: [ { word: ordsec } ]\n"
	"  record: { size: section }\n"
	"  fields: { type: { offset: 0 } }\n"
	"detect:\n"
	"  - { record_size: 40, score: 33 }\n";

START_TEST(test_ordering)
{
	struct obj o = { .b = bc_elfb_new(false) };
	const struct bc_dialect *d;
	struct bc_detection *det;
	size_t i, n, pos[3] = { 0 };
	char path[64];

	/* whole: 33; tie-b and tie-a: 10 each, in registration order */
	ck_assert_int_eq(register_text(whole_yaml, path, sizeof(path)), 0);
	ck_assert_int_eq(register_text("name: tie-b\ndetect:\n"
				       "  - { section: { exact: ordsec }, score: 10 }\n",
				       path, sizeof(path)), 0);
	ck_assert_int_eq(register_text("name: tie-a\ndetect:\n"
				       "  - { section: { glob: \"o*c\" }, score: 10 }\n",
				       path, sizeof(path)), 0);
	add_maps(o.b, "ordsec", 2, 20);
	det = detect(&o);
	n = bc_detection__cnt(det);
	for (d = bc_dialect__next(NULL), i = 0; d; d = bc_dialect__next(d))
		i++;
	ck_assert_uint_eq(n, i);
	ck_sorted(det);
	pos[0] = find_entry(det, "whole");
	pos[1] = find_entry(det, "tie-b");
	pos[2] = find_entry(det, "tie-a");
	ck_assert_uint_lt(pos[0], pos[1]);
	ck_assert_uint_eq(pos[1] + 1, pos[2]);
	ck_assert_int_eq(bc_detection__score(det, pos[0]), 33);
	ck_evidence(det, pos[0],
		    "map record size 40 = section 'ordsec' 40 bytes (+33)");
	ck_assert_int_eq(bc_detection__score(det, pos[1]), 10);
	ck_assert_int_eq(bc_detection__score(det, pos[2]), 10);
	ck_evidence(det, pos[2], "section 'ordsec' matches glob 'o*c' (+10)");
	ck_assert_ptr_null(bc_detection__dialect(det, n));
	ck_assert_ptr_null(bc_detection__evidence(det, 0, 99));
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

START_TEST(test_no_winner)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	size_t i;

	add_prog(o.b, ".text", "f");
	det = detect(&o);
	i = find_entry(det, "libbpf-legacy");
	ck_assert_int_eq(bc_detection__score(det, i), 0);
	ck_assert_uint_eq(bc_detection__evidence_cnt(det, i), 0);
	ck_sorted(det);
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

START_TEST(test_record_size_mismatch)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	size_t i;

	/* 3 symbols over 40 bytes: no whole record size */
	add_maps(o.b, "maps", 2, 20);
	ck_assert_int_gt(bc_elfb_add_sym(o.b, "extra", 1, 0, 0, STT_NOTYPE,
					 STB_LOCAL), 0);
	det = detect(&o);
	i = find_entry(det, "libbpf-legacy");
	ck_assert_int_eq(bc_detection__score(det, i), 10);
	ck_assert_uint_eq(bc_detection__evidence_cnt(det, i), 1);
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

START_TEST(test_register_errors)
{
	char path[64];

	ck_assert_int_eq(register_text("name: dup\n", path, sizeof(path)), 0);
	ck_assert_int_eq(register_text("name: dup\n", path, sizeof(path)),
			 -EEXIST);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "dialect 'dup' (/tmp/bc_dialect_"));
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "name already used by /tmp/"));

	ck_assert_int_eq(register_text("name: libbpf-legacy\n", path,
				       sizeof(path)), -EEXIST);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "name already used by builtin"));

	ck_assert_int_eq(register_text("name: hooked\nhooks: nosuch\n", path,
				       sizeof(path)), -BC_ERRNO__DESC);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "unknown hook table 'nosuch'"));
	ck_assert_ptr_null(bc_dialect__find("hooked"));

	ck_assert_int_eq(register_text("name: x\nmaps: 1\n", path,
				       sizeof(path)), -BC_ERRNO__DESC);
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     ":2:7: 'maps' must be a mapping"));
	ck_assert_ptr_nonnull(strstr(bc_test_log(), path));

	bc_test_capture_log();
	ck_assert_int_eq(bc_dialect__register_file("/nonexistent/d.yaml"),
			 -ENOENT);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_detect_file)
{
	struct obj o = { .b = bc_elfb_new(false) };
	char path[] = "/tmp/bc_detect_XXXXXX";
	struct bc_detection *det;
	int fd;

	add_maps(o.b, "maps", 1, 20);
	finish(&o);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, o.buf, o.size), o.size);
	close(fd);
	det = bc_detect_file(path);
	unlink(path);
	ck_assert_ptr_nonnull(det);
	ck_assert_int_eq(bc_detection__score(det,
			 find_entry(det, "libbpf-legacy")), 30);
	bc_detection__free(det);
	bc_elfb_free(o.b);

	bc_test_capture_log();
	errno = 0;
	ck_assert_ptr_null(bc_detect_file(path));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), path));
}
END_TEST

START_TEST(test_detect_garbage)
{
	static const char junk[] = "not an ELF object at all";

	bc_test_capture_log();
	errno = 0;
	ck_assert_ptr_null(bc_detect_mem(junk, sizeof(junk)));
	ck_assert_int_ne(errno, 0);
	ck_assert_ptr_null(bc_detect_mem(NULL, 0));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* More sections than the index keeps on the stack: the same evidence. */
START_TEST(test_many_sections)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	char name[32];
	size_t i;

	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "socket_%zu", i);
		add_prog(o.b, name, name + 7);
	}
	add_maps(o.b, "maps", 2, 20);
	det = detect(&o);
	i = find_entry(det, "libbpf-legacy");
	ck_assert_int_eq(bc_detection__score(det, i), 32);
	ck_assert_uint_eq(bc_detection__evidence_cnt(det, i), 3);
	ck_evidence(det, i, "section 'maps' present (+10)");
	ck_evidence(det, i,
		    "map record size 20 = section 'maps' 40 bytes / 2 symbols (+20)");
	/* the first match in file order */
	ck_evidence(det, i, "section 'socket_0' matches prefix 'socket' (+2)");
	ck_sorted(det);
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

static const char multi_yaml[] =
	"name: multi\n"
	"maps:\n"
	"  sections: [ { prefix: m }, { exact: zz } ]\n"
	"  record: { size: section_div_symbols, symbols: all }\n"
	"  fields: { type: { offset: 0, size: 4 } }\n"
	"detect:\n"
	"  - { record_size: 12, score: 3 }\n"
	"  - { record_size: 8, score: 5 }\n"
	"  - { section: { exact: zz }, score: 1 }\n"
	"  - { section: { exact: zz }, score: 1 }\n";

/*
 * Several map-section matches, more map sections than the per-detection
 * symbol counts keep, and one match used twice: file order still rules.
 */
START_TEST(test_multi_map_sections)
{
	struct obj o = { .b = bc_elfb_new(false) };
	struct bc_detection *det;
	char path[64], name[8];
	size_t i;

	ck_assert_int_eq(register_text(multi_yaml, path, sizeof(path)), 0);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "m%zu", i);
		add_maps(o.b, name, 1, 12);
	}
	add_maps(o.b, "zz", 2, 8);
	det = detect(&o);
	i = find_entry(det, "multi");
	ck_assert_int_eq(bc_detection__score(det, i), 3 + 5 + 1 + 1);
	ck_assert_uint_eq(bc_detection__evidence_cnt(det, i), 4);
	ck_assert_str_eq(bc_detection__evidence(det, i, 0),
			 "map record size 12 = section 'm0' 12 bytes / 1 symbol (+3)");
	ck_assert_str_eq(bc_detection__evidence(det, i, 1),
			 "map record size 8 = section 'zz' 16 bytes / 2 symbols (+5)");
	ck_assert_str_eq(bc_detection__evidence(det, i, 2),
			 "section 'zz' present (+1)");
	ck_assert_str_eq(bc_detection__evidence(det, i, 3),
			 "section 'zz' present (+1)");
	bc_detection__free(det);
	bc_elfb_free(o.b);
}
END_TEST

/* Opening's verdict is the head of the ranking detect prints. */
START_TEST(test_verdict)
{
	const char *secs[] = { "maps", "maps/x", ".maps", "socket" };
	const struct bc_detection *det;
	struct bc_verdict v;
	struct bc_elf *elf;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		struct obj o = { .b = bc_elfb_new(false) };

		add_maps(o.b, secs[i], 1, 20);
		add_prog(o.b, "socket", "s");
		finish(&o);
		det = bc_detect_mem(o.buf, o.size);
		ck_assert_ptr_nonnull(det);
		ck_assert_int_eq(bc_elf_open(o.buf, o.size, "mem", &elf), 0);
		ck_assert_int_eq(bc_detect_verdict(elf, &v), 0);
		ck_assert_uint_eq(v.cnt, bc_detection__cnt(det));
		ck_assert_uint_ge(v.cnt, 2);
		ck_assert_ptr_eq(v.dialect[0], bc_detection__dialect(det, 0));
		ck_assert_ptr_eq(v.dialect[1], bc_detection__dialect(det, 1));
		ck_assert_int_eq(v.score[0], bc_detection__score(det, 0));
		ck_assert_int_eq(v.score[1], bc_detection__score(det, 1));
		bc_detection__free((struct bc_detection *)det);
		bc_elf_close(elf);
		bc_elfb_free(o.b);
	}
}
END_TEST

/* Prepared map-section matches answer as bc_desc_match() does. */
START_TEST(test_map_sec_prepared)
{
	const char *names[] = { "maps", "maps/x", "mapsx", ".maps", "",
				"m", "socket", ".text", "maps/", "xmaps" };
	const char *rest, *want_rest;
	const struct bc_dialect *d;
	struct bc_dialect copy;
	bool got, want;
	size_t i;

	for (d = bc_dialect_first(); d; d = bc_dialect__next(d)) {
		ck_assert_ptr_nonnull(d->plan);
		copy = (struct bc_dialect){ .desc = d->desc, .ops = d->ops };
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			rest = want_rest = NULL;
			got = bc_dialect_map_sec_may(d, names[i]) &&
			      bc_dialect_map_sec(d, names[i], &rest);
			want = bc_dialect_map_sec_may(&copy, names[i]) &&
			       bc_dialect_map_sec(&copy, names[i], &want_rest);
			ck_assert_int_eq(got, want);
			ck_assert_ptr_eq(rest, want_rest);
		}
	}
}
END_TEST

/* A dialect outside the registry is scored with a plan of its own. */
START_TEST(test_score_unregistered)
{
	struct obj o = { .b = bc_elfb_new(false) };
	const struct bc_dialect *reg;
	struct bc_evidence ev = {};
	struct bc_dialect copy;
	struct bc_elf *elf;

	add_maps(o.b, "maps", 1, 20);
	add_prog(o.b, "socket", "s");
	finish(&o);
	reg = bc_dialect__find("libbpf-legacy");
	ck_assert_ptr_nonnull(reg);
	copy = (struct bc_dialect){ .desc = reg->desc, .ops = reg->ops };
	ck_assert_int_eq(bc_elf_open(o.buf, o.size, "mem", &elf), 0);
	ck_assert_int_eq(bc_dialect_score(&copy, elf, &ev), 0);
	ck_assert_int_eq(ev.score, 10 + 20 + 2);
	ck_assert_uint_eq(ev.cnt, 3);
	ck_assert_str_eq(ev.lines[2],
			 "section 'socket' matches prefix 'socket' (+2)");
	bc_evidence_free(&ev);
	bc_elf_close(elf);
	bc_elfb_free(o.b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("detect");
	TCase *tc = tcase_create("detect");

	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_legacy_scoring);
	tcase_add_test(tc, test_legacy_btf_penalty);
	tcase_add_test(tc, test_user_dialect);
	tcase_add_test(tc, test_ordering);
	tcase_add_test(tc, test_no_winner);
	tcase_add_test(tc, test_record_size_mismatch);
	tcase_add_test(tc, test_register_errors);
	tcase_add_test(tc, test_detect_file);
	tcase_add_test(tc, test_detect_garbage);
	tcase_add_test(tc, test_many_sections);
	tcase_add_test(tc, test_multi_map_sections);
	tcase_add_test(tc, test_score_unregistered);
	tcase_add_test(tc, test_verdict);
	tcase_add_test(tc, test_map_sec_prepared);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
