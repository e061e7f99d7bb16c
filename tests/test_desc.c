// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Dialect descriptor reader: builtins, rule tables, matching, diagnostics. */
#include <unistd.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "internal.h"
#include "desc.h"
#include "dialect.h"
#include "testutil.h"

static struct bc_desc *parse_ok(const char *text)
{
	struct bc_desc *d = NULL;
	int err;

	bc_test_capture_log();
	err = bc_desc_parse(text, strlen(text), "t.yaml", &d);
	ck_assert_msg(!err, "parse failed (%d): %s", err, bc_test_log());
	ck_assert_ptr_nonnull(d);
	return d;
}

static struct bc_desc *builtin(const char *name)
{
	struct bc_desc *d = NULL;
	size_t i;

	for (i = 0; i < bc_builtin_desc_cnt; i++) {
		if (strcmp(bc_builtin_descs[i].name, name))
			continue;
		bc_test_capture_log();
		ck_assert_int_eq(bc_desc_parse(bc_builtin_descs[i].yaml,
					       bc_builtin_descs[i].len, name,
					       &d), 0);
		return d;
	}
	ck_abort_msg("no builtin descriptor '%s'", name);
	return NULL;
}

START_TEST(test_builtins_parse)
{
	struct bc_desc *d;
	size_t i;

	ck_assert_uint_gt(bc_builtin_desc_cnt, 0);
	for (i = 0; i < bc_builtin_desc_cnt; i++) {
		bc_test_capture_log();
		d = NULL;
		ck_assert_msg(!bc_desc_parse(bc_builtin_descs[i].yaml,
					     bc_builtin_descs[i].len,
					     bc_builtin_descs[i].name, &d),
			      "%s: %s", bc_builtin_descs[i].name,
			      bc_test_log());
		ck_assert_str_eq(d->name, bc_builtin_descs[i].name);
		ck_assert_str_eq(d->origin, bc_builtin_descs[i].name);
		bc_desc_free(d);
	}
}
END_TEST

static void check_rule(const struct bc_desc *d, const char *sec,
		       const char *type, const char *attach, const char *rest)
{
	const struct bc_desc_prog_rule *r;
	const char *got = NULL;

	r = bc_desc_find_rule(d, sec, &got);
	if (!type) {
		ck_assert_msg(!r, "'%s' matched '%s'", sec,
			      r ? r->match.value : "");
		return;
	}
	ck_assert_msg(r, "'%s' matched no rule", sec);
	ck_assert_str_eq(libbpf_bpf_prog_type_str(r->prog_type), type);
	if (attach) {
		ck_assert(r->has_attach_type);
		ck_assert_str_eq(libbpf_bpf_attach_type_str(r->attach_type),
				 attach);
	} else {
		ck_assert(!r->has_attach_type);
	}
	if (rest)
		ck_assert_str_eq(got, rest);
}

START_TEST(test_legacy_table)
{
	struct bc_desc *d = builtin("libbpf-legacy");
	const struct bc_desc_prog_rule *r;

	ck_assert_str_eq(d->name, "libbpf-legacy");
	check_rule(d, "kprobe/do_sys_open", "kprobe", NULL, "do_sys_open");
	check_rule(d, "kprobe", "kprobe", NULL, "");
	check_rule(d, "xdp_devmap/x", "xdp", "xdp_devmap", "x");
	check_rule(d, "socket1", "socket_filter", NULL, "1");
	check_rule(d, "kprobe_foo", NULL, NULL, NULL);
	check_rule(d, "sk_reuseport/migrate", "sk_reuseport",
		   "sk_reuseport_select_or_migrate", NULL);
	check_rule(d, "cgroup_skb/egress", "cgroup_skb",
		   "cgroup_inet_egress", NULL);
	check_rule(d, "tp/sched/sched_switch", "tracepoint", NULL,
		   "sched/sched_switch");
	check_rule(d, "xdp.frags", "xdp", "xdp", NULL);

	r = bc_desc_find_rule(d, "fentry.s/foo", NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->prog_flags, BPF_F_SLEEPABLE);
	ck_assert(r->target_suffix);
	r = bc_desc_find_rule(d, "xdp.frags/devmap", NULL);
	ck_assert_uint_eq(r->prog_flags, BPF_F_XDP_HAS_FRAGS);

	ck_assert_int_eq(d->maps.size_rule, BC_REC_SECTION_DIV_SYMBOLS);
	ck_assert_int_eq(d->maps.symbols, BC_SYMS_ALL);
	ck_assert_uint_eq(d->maps.min_size, 4);
	ck_assert_uint_eq(d->maps.max_size, 0);
	ck_assert_uint_eq(d->maps.layout_size, 20);
	ck_assert(d->maps.zero_extend);
	ck_assert(!d->maps.allow_static);
	ck_assert_uint_eq(bc_desc_field(d, "flags")->offset, 16);
	ck_assert_ptr_null(bc_desc_field(d, "pinning"));
	ck_assert(d->progs.text_is_library && d->progs.reject_static &&
		  d->progs.autoload_prefix);
	ck_assert_int_eq(d->progs.unknown, BC_UNKNOWN_UNSPEC);
	ck_assert_str_eq(d->special.license_sec, "license");
	ck_assert_int_eq(d->special.kver_default, BC_KVER_RUNNING);
	ck_assert(d->special.global_data);
	ck_assert_int_eq(bc_desc_pin_for(d, 1)->kind, BC_PIN_KIND_NONE);
	ck_assert_uint_ge(d->detect_cnt, 2);
	ck_assert_int_eq(d->detect[1].kind, BC_DETECT_RECORD_SIZE);
	ck_assert_uint_eq(d->detect[1].size, 20);
	bc_desc_free(d);
}
END_TEST

/* A prepared match answers as bc_desc_match() for every name. */
START_TEST(test_probe_equals_match)
{
	static const struct {
		enum bc_match_kind kind;
		const char *value;
	} pats[] = {
		{ BC_MATCH_EXACT, "maps" }, { BC_MATCH_EXACT, "m" },
		{ BC_MATCH_EXACT, ".BTF" }, { BC_MATCH_PREFIX, "maps/" },
		{ BC_MATCH_PREFIX, "x" }, { BC_MATCH_PREFIX, "socket" },
		{ BC_MATCH_WORD, "kprobe" }, { BC_MATCH_WORD, "k" },
		{ BC_MATCH_PATTERN, "%i/%i" }, { BC_MATCH_PATTERN, "a%s:b" },
		{ BC_MATCH_PATTERN, "%%x" }, { BC_MATCH_GLOB, "[!.]*:*" },
		{ BC_MATCH_GLOB, "[!.]*=*" }, { BC_MATCH_GLOB, "*:" },
		{ BC_MATCH_GLOB, "?x*" }, { BC_MATCH_GLOB, "k*/?" },
		{ BC_MATCH_GLOB, "[a-c]*:" }, { BC_MATCH_GLOB, "[]x]*" },
		{ BC_MATCH_GLOB, "a\\*b" }, { BC_MATCH_GLOB, "[x" },
		{ BC_MATCH_GLOB, "*" }, { BC_MATCH_GLOB, "\xc3\xa9*" },
	};
	static const char *const names[] = {
		"", "m", "maps", "maps/", "maps/x", "mapsx", ".maps", ".BTF",
		".BTF.ext", "x", "xdp", "socket", "socket1", "kprobe",
		"kprobe/f", "kprobe_f", "k", "k/", "1/2", "0x1f/07", "1/",
		"a:b", "ab:b", "a:b:b", "%x", "sys:ev", ":", "::", ".a:b",
		"key=v", "=", "bx", "xx", "kp/q", "kp/qq", "c:", "b:x", "]",
		"xx]", "a*b", "axb", "[x", "\xc3\xa9t", "\xc3",
	};
	struct bc_desc_match mt;
	struct bc_desc_probe p;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(pats); i++) {
		mt.kind = pats[i].kind;
		mt.value = (char *)pats[i].value;
		bc_desc_probe_init(&p, &mt);
		for (j = 0; j < ARRAY_SIZE(names); j++)
			ck_assert_msg(bc_desc_probe_match(&p, names[j]) ==
				      bc_desc_match(&mt, names[j], NULL),
				      "'%s' against '%s'", pats[i].value,
				      names[j]);
	}
}
END_TEST

/* What a prepared match keeps to reject most names early. */
START_TEST(test_probe_fields)
{
	struct bc_desc_match mt = { BC_MATCH_GLOB, "[!.]*:*" };
	struct bc_desc_probe p;

	bc_desc_probe_init(&p, &mt);
	ck_assert_int_eq(p.b0, -1);
	ck_assert_int_eq(p.b1, -1);
	ck_assert_int_eq(p.need, ':');
	mt = (struct bc_desc_match){ BC_MATCH_GLOB, "a\\*b" };
	bc_desc_probe_init(&p, &mt);
	ck_assert_int_eq(p.b0, 'a');
	ck_assert_int_eq(p.need, -1);
	mt = (struct bc_desc_match){ BC_MATCH_EXACT, "m" };
	bc_desc_probe_init(&p, &mt);
	ck_assert_int_eq(p.b0, 'm');
	ck_assert_int_eq(p.b1, 0);
	ck_assert_uint_eq(p.len, 1);
	mt = (struct bc_desc_match){ BC_MATCH_PREFIX, "x" };
	bc_desc_probe_init(&p, &mt);
	ck_assert_int_eq(p.b1, -1);
	mt = (struct bc_desc_match){ BC_MATCH_PATTERN, "%i/%i" };
	bc_desc_probe_init(&p, &mt);
	ck_assert_int_eq(p.b0, -1);
	ck_assert(p.heads['0' / 64] & (1ULL << ('0' % 64)));
	ck_assert(!(p.heads['a' / 64] & (1ULL << ('a' % 64))));
}
END_TEST

static bool m(enum bc_match_kind kind, const char *value, const char *name,
	      const char **rest)
{
	struct bc_desc_match mt = { .kind = kind, .value = (char *)value };

	return bc_desc_match(&mt, name, rest);
}

START_TEST(test_match_kinds)
{
	const char *rest = NULL;

	ck_assert(m(BC_MATCH_EXACT, "maps", "maps", &rest));
	ck_assert_str_eq(rest, "");
	ck_assert(!m(BC_MATCH_EXACT, "maps", "maps/x", NULL));

	ck_assert(m(BC_MATCH_PREFIX, "maps/", "maps/foo", &rest));
	ck_assert_str_eq(rest, "foo");
	ck_assert(m(BC_MATCH_PREFIX, "xdp", "xdp", &rest));
	ck_assert_str_eq(rest, "");
	ck_assert(!m(BC_MATCH_PREFIX, "xdp", "xd", NULL));

	ck_assert(m(BC_MATCH_WORD, "kprobe", "kprobe", &rest));
	ck_assert_str_eq(rest, "");
	ck_assert(m(BC_MATCH_WORD, "kprobe", "kprobe/sys_x", &rest));
	ck_assert_str_eq(rest, "sys_x");
	ck_assert(!m(BC_MATCH_WORD, "kprobe", "kprobe_x", NULL));
	ck_assert(!m(BC_MATCH_WORD, "kprobe", "kprob", NULL));

	ck_assert(m(BC_MATCH_GLOB, "maps*", "maps_x", &rest));
	ck_assert_str_eq(rest, "maps_x");
	ck_assert(m(BC_MATCH_GLOB, "sec[0-9]", "sec7", NULL));
	ck_assert(!m(BC_MATCH_GLOB, "sec[0-9]", "secx", NULL));

	/* no match leaves rest alone */
	rest = "untouched";
	ck_assert(!m(BC_MATCH_WORD, "kprobe", "uprobe", &rest));
	ck_assert_str_eq(rest, "untouched");
}
END_TEST

START_TEST(test_match_pattern)
{
	const char *rest = NULL;

	ck_assert(m(BC_MATCH_PATTERN, "%i/%i", "7/1", &rest));
	ck_assert_str_eq(rest, "7/1");
	ck_assert(m(BC_MATCH_PATTERN, "%i/%i", "0x7/3", NULL));
	ck_assert(m(BC_MATCH_PATTERN, "%i/%i", "99/0", NULL));
	ck_assert(m(BC_MATCH_PATTERN, "%i/%i", "017/0XfF", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "%i/%i", "7/", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "%i/%i", "a/1", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "%i/%i", "7/1x", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "%i/%i", "/1", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "%i/%i", "08/1", NULL));

	ck_assert(m(BC_MATCH_PATTERN, "maps/%s", "maps/events", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "maps/%s", "maps/", NULL));
	ck_assert(m(BC_MATCH_PATTERN, "%s/%i", "tail/3", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "%s/%i", "a/b/3", NULL));
	ck_assert(m(BC_MATCH_PATTERN, "100%%", "100%", NULL));
	ck_assert(!m(BC_MATCH_PATTERN, "100%%", "100", NULL));
}
END_TEST

static const char pin_yaml[] =
	"name: pins\n"
	"hooks: pins\n"
	"maps:\n"
	"  sections: [ { prefix: \"maps/\" } ]\n"
	"  record: { size: symbol_size, symbols: global, max: 40,\n"
	"            trailing: ignore }\n"
	"  name: section_suffix\n"
	"  fields:\n"
	"    type: { offset: 0 }\n"
	"    map_extra: { offset: 8, size: 8 }\n"
	"    namespace: { offset: 16, size: 20, kind: string }\n"
	"pinning:\n"
	"  0: none\n"
	"  1: \"{bpffs}/tc/{sha1}/{name}\"\n"
	"  0x2: \"{bpffs}/{attr:namespace}/{param:root}/{object}/{name}\"\n"
	"  3: { error: \"pinning 3 is reserved\" }\n"
	"  4: hook\n"
	"  other: \"/sys/fs/bpf/{namespace}/{name}\"\n";

START_TEST(test_pin_templates)
{
	struct bc_desc *d = parse_ok(pin_yaml);
	const struct bc_desc_pin *p;

	ck_assert_int_eq(bc_desc_pin_for(d, 0)->kind, BC_PIN_KIND_NONE);
	ck_assert_ptr_null(bc_desc_pin_for(d, 0)->text);
	p = bc_desc_pin_for(d, 1);
	ck_assert_int_eq(p->kind, BC_PIN_KIND_PATH);
	ck_assert_str_eq(p->text, "{bpffs}/tc/{sha1}/{name}");
	p = bc_desc_pin_for(d, 2);
	ck_assert_str_eq(p->text,
			 "{bpffs}/{attr:namespace}/{param:root}/{object}/{name}");
	p = bc_desc_pin_for(d, 3);
	ck_assert_int_eq(p->kind, BC_PIN_KIND_ERROR);
	ck_assert_str_eq(p->text, "pinning 3 is reserved");
	ck_assert_int_eq(bc_desc_pin_for(d, 4)->kind, BC_PIN_KIND_HOOK);
	p = bc_desc_pin_for(d, 77);
	ck_assert_ptr_eq(p, &d->pinning.other);
	ck_assert_str_eq(p->text, "/sys/fs/bpf/{namespace}/{name}");

	ck_assert_int_eq(d->maps.size_rule, BC_REC_SYMBOL_SIZE);
	ck_assert_int_eq(d->maps.symbols, BC_SYMS_GLOBAL);
	ck_assert_int_eq(d->maps.trailing, BC_TRAIL_IGNORE);
	ck_assert_int_eq(d->maps.name_from, BC_NAME_SECTION_SUFFIX);
	ck_assert_uint_eq(d->maps.layout_size, 36);
	ck_assert_uint_eq(d->maps.min_size, 36);	/* default: layout */
	ck_assert_uint_eq(bc_desc_field(d, "type")->size, 4);
	ck_assert_int_eq(bc_desc_field(d, "namespace")->kind,
			 BC_FIELD_STRING);
	bc_desc_free(d);
}
END_TEST

START_TEST(test_defaults)
{
	struct bc_desc *d = parse_ok("name: bare\n");

	ck_assert_str_eq(d->name, "bare");
	ck_assert_str_eq(d->origin, "t.yaml");
	ck_assert_ptr_null(d->summary);
	ck_assert_ptr_null(d->hooks);
	ck_assert_uint_eq(d->maps.section_cnt, 0);
	ck_assert(d->maps.allow_static);
	ck_assert_int_eq(d->progs.split, BC_SPLIT_SYMBOLS);
	ck_assert(d->progs.text_is_library);
	ck_assert(!d->progs.reject_static);
	ck_assert_int_eq(d->progs.unknown, BC_UNKNOWN_IGNORE);
	ck_assert_int_eq(d->special.kver_default, BC_KVER_ZERO);
	ck_assert_int_eq(d->special.foreign_endian, BC_FOREIGN_REFUSE);
	ck_assert_int_eq(bc_desc_pin_for(d, 5)->kind, BC_PIN_KIND_NONE);
	ck_assert_ptr_null(bc_desc_find_rule(d, "xdp", NULL));
	bc_desc_free(d);

	d = parse_ok("name: g0-b\n"
		     "programs:\n"
		     "  split: section\n"
		     "  name: section\n"
		     "  text: program\n"
		     "  sections:\n"
		     "    - { pattern: \"%i/%i\", hook: tail }\n"
		     "    - { glob: \".*\", ignore: true }\n"
		     "hooks: g\n"
		     "special: { kernel_version_magic: 0xFFFFFFFE,\n"
		     "           prefix_match: true, foreign_endian: needed }\n"
		     "detect:\n"
		     "  - { no_section: { exact: .maps }, score: -5 }\n"
		     "  - { btf: true, score: +3 }\n");
	ck_assert_int_eq(d->progs.split, BC_SPLIT_SECTION);
	ck_assert_int_eq(d->progs.name_from, BC_NAME_SECTION);
	ck_assert(!d->progs.text_is_library);
	ck_assert_str_eq(bc_desc_find_rule(d, "1/0", NULL)->hook, "tail");
	ck_assert(bc_desc_find_rule(d, ".foo", NULL)->ignore);
	ck_assert(d->special.has_kver_magic);
	ck_assert_uint_eq(d->special.kver_magic, 0xfffffffe);
	ck_assert_int_eq(d->special.foreign_endian, BC_FOREIGN_NEEDED);
	ck_assert_int_eq(d->detect[0].kind, BC_DETECT_NO_SECTION);
	ck_assert_int_eq(d->detect[0].score, -5);
	ck_assert_int_eq(d->detect[1].kind, BC_DETECT_BTF);
	ck_assert_int_eq(d->detect[1].score, 3);
	bc_desc_free(d);
}
END_TEST

/* Each entry: a descriptor and the diagnostic it must produce. */
static const struct {
	const char *yaml;
	const char *msg;
} bad[] = {
	{ "name: x\nmaps:\n  record:\n    size: symbol_size\n    foo: 1\n",
	  "t.yaml:5:5: unknown key 'foo' in 'maps.record'" },
	{ "name: x\nbogus: 1\n",
	  "t.yaml:2:1: unknown key 'bogus' in '<top>'" },
	{ "name: x\nspecial:\n  foreign_endian: swap\n",
	  "t.yaml:3:19: unknown value 'swap' for 'special.foreign_endian' (expected refuse, needed)" },
	{ "name: x\nprograms:\n  unknown: maybe\n",
	  "t.yaml:3:12: unknown value 'maybe' for 'programs.unknown' (expected ignore, unspec, error)" },
	{ "name: x\nprograms:\n  sections:\n    - { exact: a, type: nosuch }\n",
	  "t.yaml:4:25: unknown program type 'nosuch' for 'programs.sections[0].type'" },
	{ "name: x\nprograms:\n  sections:\n"
	  "    - { exact: a, type: xdp }\n"
	  "    - { word: b, type: xdp, attach: xdp_nope }\n",
	  "t.yaml:5:37: unknown attach type 'xdp_nope' for 'programs.sections[1].attach'" },
	{ "name: [a]\n",
	  "t.yaml:1:7: 'name' must be a scalar, not a sequence" },
	{ "name: x\nmaps:\n  sections: { exact: maps }\n",
	  "t.yaml:3:13: 'maps.sections' must be a sequence, not a mapping" },
	{ "summary: no name\n",
	  "t.yaml:1:1: missing required key 'name'" },
	{ "name: Tc_1\n",
	  "t.yaml:1:7: 'name': 'Tc_1' must match [a-z0-9-]+" },
	{ "name: x\nsummary: a\nname: y\n",
	  "t.yaml:3:1: duplicate key 'name' in '<top>' (first at line 1)" },
	{ "name: x\npinning:\n  1: none\n  0x1: none\n",
	  "t.yaml:4:3: duplicate key '0x1' in 'pinning' (value 1)" },
	{ "name: x\nmaps:\n  record: { min: 12abc }\n",
	  "t.yaml:3:18: 'maps.record.min': bad number '12abc' (decimal or 0x hex)" },
	{ "name: x\nmaps:\n  record: { max: 0x100000000 }\n",
	  "t.yaml:3:18: 'maps.record.max': 0x100000000 is out of range" },
	{ "name: x\nspecial:\n  global_data: yes\n",
	  "t.yaml:3:16: 'special.global_data' must be true or false, not 'yes'" },
	{ "name: x\nmaps:\n  fields:\n    type: { offset: 0 }\n"
	  "    key_size: { offset: 2, size: 4 }\n",
	  "t.yaml:5:5: field 'key_size' overlaps field 'type'" },
	{ "name: x\nmaps:\n  record: { max: 8 }\n  fields:\n"
	  "    type: { offset: 0 }\n    flags: { offset: 6 }\n",
	  "t.yaml:6:5: field 'flags' (bytes 6..9) ends past record max 8" },
	{ "name: x\nmaps:\n  fields:\n    type: { offset: 0, size: 3 }\n",
	  "t.yaml:4:11: 'maps.fields.type': uint size 3 is not 1, 2, 4 or 8" },
	{ "name: x\nmaps:\n  fields:\n    type: { offset: 0, kind: string, size: 4 }\n",
	  "t.yaml:4:11: 'maps.fields.type': field 'type' must be a uint" },
	{ "name: x\nmaps:\n  fields:\n    key_size: { size: 4 }\n",
	  "t.yaml:4:15: 'maps.fields.key_size' needs an offset" },
	{ "name: x\nmaps:\n  record: { min: 2 }\n  fields:\n    type: { offset: 0 }\n",
	  "t.yaml:3:11: 'maps.record.min' 2 is below the field layout (4 bytes) without zero_extend" },
	{ "name: x\nprograms:\n  sections:\n    - { type: xdp }\n",
	  "t.yaml:4:7: 'programs.sections[0]' needs one of exact, prefix, word, pattern or glob" },
	{ "name: x\nprograms:\n  sections:\n    - { exact: a, prefix: b, type: xdp }\n",
	  "t.yaml:4:27: 'programs.sections[0].prefix': more than one match kind" },
	{ "name: x\nprograms:\n  sections:\n    - { exact: a }\n",
	  "t.yaml:4:7: 'programs.sections[0]' needs a type (or ignore: true, or a hook)" },
	{ "name: x\nprograms:\n  sections:\n    - { pattern: \"%d/%i\", type: sched_cls }\n",
	  "t.yaml:4:18: 'programs.sections[0].pattern': bad conversion '%d' in pattern" },
	{ "name: x\ndetect:\n  - { section: { exact: maps }, score: 1, record_size: 20 }\n",
	  "t.yaml:3:56: 'detect[0].record_size': a detect rule takes only one of section, no_section, record_size or btf" },
	{ "name: x\ndetect:\n  - { section: { begins: maps }, score: 1 }\n",
	  "t.yaml:3:18: unknown key 'begins' in 'detect[0].section' (expected exact, prefix, word, pattern or glob)" },
	{ "name: x\ndetect:\n  - { record_size: 20 }\n",
	  "t.yaml:3:5: 'detect[0]' needs a score" },
	{ "name: x\npinning:\n  1: \"{bpffs}/{sha}/{name}\"\n",
	  "t.yaml:3:6: 'pinning.1': unknown template variable '{sha}'" },
	{ "name: x\npinning:\n  other: { fail: x }\n",
	  "t.yaml:3:12: unknown key 'fail' in 'pinning.other'" },
	{ "name: x\npinning:\n  pinned: none\n",
	  "t.yaml:3:3: unknown key 'pinned' in 'pinning' (expected a number or 'other')" },
	{ "name: x\npinning:\n  other: hook\n",
	  "t.yaml:1:1: pinning uses 'hook' but the descriptor has no 'hooks' table" },
	{ "name: x\nsummary: [unclosed\n",
	  "t.yaml:3:1: did not find expected ',' or ']' while parsing a flow sequence" },
	{ "name: x\n  bad: indent\n",
	  "t.yaml:2:6: mapping values are not allowed in this context" },
	{ "", "t.yaml:1:1: empty descriptor" },
	{ "- a\n- b\n", "t.yaml:1:1: '<top>' must be a mapping, not a sequence" },
};

START_TEST(test_validation)
{
	struct bc_desc *d = (void *)1;
	int err;

	bc_test_capture_log();
	err = bc_desc_parse(bad[_i].yaml, strlen(bad[_i].yaml), "t.yaml", &d);
	ck_assert_int_eq(err, -BC_ERRNO__DESC);
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(bc_test_log(), bad[_i].msg),
		      "case %d: want \"%s\"\ngot \"%s\"", _i, bad[_i].msg,
		      bc_test_log());
}
END_TEST

START_TEST(test_parse_file)
{
	char path[] = "/tmp/bc_desc_XXXXXX";
	const char *text = "name: filed\nsummary: from a file\n";
	struct bc_desc *d = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), strlen(text));
	close(fd);
	ck_assert_int_eq(bc_desc_parse_file(path, &d), 0);
	ck_assert_str_eq(d->summary, "from a file");
	ck_assert_str_eq(d->origin, path);
	bc_desc_free(d);
	unlink(path);

	bc_test_capture_log();
	ck_assert_int_eq(bc_desc_parse_file(path, &d), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), path));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("desc");
	TCase *tc = tcase_create("desc");

	tcase_add_test(tc, test_builtins_parse);
	tcase_add_test(tc, test_legacy_table);
	tcase_add_test(tc, test_match_kinds);
	tcase_add_test(tc, test_probe_equals_match);
	tcase_add_test(tc, test_probe_fields);
	tcase_add_test(tc, test_match_pattern);
	tcase_add_test(tc, test_pin_templates);
	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_validation, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, test_parse_file);
	suite_add_tcase(s, tc);
	return bc_test_run(s);
}
