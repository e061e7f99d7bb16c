/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Dialect descriptors: what a loader convention *is*, as data. Parsed from
 * YAML (see docs/dialect-schema.md for the file format, which this struct
 * mirrors one to one).
 */
#ifndef __BC_DESC_H
#define __BC_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

enum bc_match_kind {
	BC_MATCH_EXACT,		/* name == value */
	BC_MATCH_PREFIX,	/* name starts with value */
	BC_MATCH_WORD,		/* name == value or starts with value "/" (libbpf '+') */
	BC_MATCH_PATTERN,	/* scanf-like: "%i/%i" (tc), "%s" = any run */
	BC_MATCH_GLOB,		/* fnmatch(3) */
};

struct bc_desc_match {
	enum bc_match_kind kind;
	char *value;
};

enum bc_field_kind {
	BC_FIELD_UINT,		/* 1, 2, 4 or 8 bytes, object byte order */
	BC_FIELD_STRING,	/* fixed-size char array, NUL-terminated */
};

/*
 * A map-definition field. Well-known names fill struct bc_map directly:
 * type, key_size, value_size, max_entries, flags, numa_node, map_extra,
 * pinning, inner_map_idx (record index of the inner template). Any other
 * name is kept as an attribute (tc "id", "inner_id", "inner_idx",
 * gobpf "namespace").
 */
struct bc_desc_field {
	char *name;
	__u32 offset;
	__u32 size;
	enum bc_field_kind kind;
};

enum bc_rec_size {
	BC_REC_SECTION_DIV_SYMBOLS,	/* section size / number of map symbols */
	BC_REC_SYMBOL_SIZE,		/* each symbol's st_size */
	BC_REC_WHOLE_SECTION,		/* one definition per section */
};

enum bc_rec_symbols {
	BC_SYMS_ALL,		/* every non-section symbol in the section */
	BC_SYMS_GLOBAL,		/* STB_GLOBAL NOTYPE/OBJECT only (tc) */
};

enum bc_trailing {
	BC_TRAIL_ZERO,		/* bytes past the layout must be zero */
	BC_TRAIL_IGNORE,	/* bytes past the layout are ignored */
};

enum bc_name_from {
	BC_NAME_SYMBOL,
	BC_NAME_SECTION_SUFFIX,	/* the part after the matched prefix */
	BC_NAME_SECTION,
};

struct bc_desc_maps {
	struct bc_desc_match *sections;
	size_t section_cnt;
	enum bc_rec_size size_rule;
	enum bc_rec_symbols symbols;
	__u32 min_size;		/* smallest record accepted */
	__u32 max_size;		/* largest record accepted, 0 = no limit */
	bool zero_extend;	/* records shorter than the layout read as 0 */
	enum bc_trailing trailing;
	enum bc_name_from name_from;
	bool allow_static;	/* STB_LOCAL map symbols accepted */
	struct bc_desc_field *fields;
	size_t field_cnt;
	__u32 layout_size;	/* end of the last field */
};

enum bc_pin_kind {
	BC_PIN_KIND_NONE,	/* not pinned */
	BC_PIN_KIND_PATH,	/* text is a path template */
	BC_PIN_KIND_ERROR,	/* load fails; text is the message */
	BC_PIN_KIND_HOOK,	/* the dialect's pin_path hook decides */
};

/*
 * Path templates expand {bpffs}, {name}, {sha1} (object file), {object}
 * (object name), {namespace} and {attr:KEY} (a map attribute),
 * {param:KEY} (an open param).
 */
struct bc_desc_pin {
	__u32 value;
	enum bc_pin_kind kind;
	char *text;
};

struct bc_desc_pinning {
	struct bc_desc_pin *values;
	size_t value_cnt;
	struct bc_desc_pin other;	/* any value not listed */
};

enum bc_prog_split {
	BC_SPLIT_SYMBOLS,	/* one program per STT_FUNC (libbpf >= 0.2) */
	BC_SPLIT_SECTION,	/* one program per section, from offset 0 */
};

/* A section-name rule; the first matching rule wins. */
struct bc_desc_prog_rule {
	struct bc_desc_match match;
	bool ignore;		/* matched sections are not programs */
	__u32 prog_type;
	__u32 attach_type;
	bool has_attach_type;
	__u32 prog_flags;
	bool target_suffix;	/* attach target = text after prefix or '/' */
	char *hook;		/* dialect hook to call for this rule, or NULL */
};

enum bc_unknown_sec {
	BC_UNKNOWN_IGNORE,	/* not a program, reported at debug level */
	BC_UNKNOWN_UNSPEC,	/* a program of type UNSPEC: fails at load */
	BC_UNKNOWN_ERROR,	/* the open fails */
};

struct bc_desc_progs {
	enum bc_prog_split split;
	enum bc_name_from name_from;
	bool text_is_library;	/* .text holds subprograms only */
	bool reject_static;	/* static entry functions are an error */
	bool autoload_prefix;	/* a leading '?' disables autoload */
	struct bc_desc_prog_rule *rules;
	size_t rule_cnt;
	enum bc_unknown_sec unknown;
};

enum bc_kver_default {
	BC_KVER_ZERO,
	BC_KVER_RUNNING,
};

/* How a version section's size is read. */
enum bc_version_size {
	BC_VERSION_EXACT,	/* exactly 4 bytes (libbpf, gobpf) */
	BC_VERSION_PREFIX,	/* the first 4 of at least 4 (cilium/ebpf) */
};

/* What a load does with an object in the other byte order. */
enum bc_foreign_endian {
	BC_FOREIGN_REFUSE,	/* refuse the object (libbpf, tc) */
	BC_FOREIGN_NEEDED,	/* refuse only code or BTF for the kernel
				 * (cilium/ebpf: maps without BTF load) */
};

struct bc_desc_special {
	char *license_sec;	/* NULL: none */
	char *version_sec;
	bool prefix_match;	/* "license*" like cilium */
	enum bc_kver_default kver_default;
	enum bc_version_size version_size;
	bool has_kver_magic;	/* a version equal to kver_magic means */
	__u32 kver_magic;	/* "the running kernel" (gobpf 0xFFFFFFFE) */
	bool global_data;	/* .data/.rodata/.bss become array maps */
	/* Only those a relocation of code or of a map or data section
	 * refers to (cilium/ebpf 0.9.1 drops the others). */
	bool global_data_referenced_only;
	bool kconfig;		/* __kconfig externs get a .kconfig map */
	bool ksym;		/* __ksym externs and kfunc calls resolve */
	enum bc_foreign_endian foreign_endian;
};

enum bc_detect_kind {
	BC_DETECT_SECTION,	/* a section name matches */
	BC_DETECT_RECORD_SIZE,	/* derived map record size equals size */
	BC_DETECT_NO_SECTION,	/* no section name matches */
	BC_DETECT_BTF,		/* the object has .BTF */
};

struct bc_desc_detect {
	enum bc_detect_kind kind;
	struct bc_desc_match match;
	__u32 size;
	int score;
};

/* A rule id's severity and predicted native behaviour (check: section). */
struct bc_desc_check {
	char *rule;
	int severity;		/* enum bc_severity, or -1: rule is off */
	char *predicts;		/* template: {section} {symbol} {offset} {detail} */
};

struct bc_desc {
	char *name;
	char *summary;
	char *origin;		/* "builtin" or the file path */
	char *hooks;		/* name of the C hook table, or NULL */
	struct bc_desc_maps maps;
	struct bc_desc_pinning pinning;
	struct bc_desc_progs progs;
	struct bc_desc_special special;
	struct bc_desc_detect *detect;
	size_t detect_cnt;
	/* check: what the native loader does on each finding. */
	struct bc_desc_check *checks;
	size_t check_cnt;
	/* The dialect whose older, looser loader this one's replaced: check
	 * explains a section only its table accepts (section-sloppy). */
	char *predecessor;
};

/*
 * Parse a descriptor. Errors are logged compiler-style, "origin:line:col:
 * message", and return -BC_ERRNO__DESC.
 */
int bc_desc_parse(const char *text, size_t len, const char *origin,
		  struct bc_desc **out);
int bc_desc_parse_file(const char *path, struct bc_desc **out);
void bc_desc_free(struct bc_desc *desc);

/* Match helpers shared by collect and detect. For BC_MATCH_PREFIX/WORD,
 * *rest (if non-NULL) gets the text after the prefix ("" if none). */
bool bc_desc_match(const struct bc_desc_match *m, const char *name,
		   const char **rest);
/* The first bytes a name matching m can start with, as a 256-bit set
 * (a superset: every byte when it cannot tell). */
void bc_desc_match_heads(const struct bc_desc_match *m, __u64 set[4]);

/*
 * A match prepared once for testing many names (detection): what
 * bc_desc_match() works out on every call, plus bytes that let most
 * names fail before a string compare. bc_desc_probe_match(p, name) ==
 * bc_desc_match(p->m, name, NULL) for every name; p->m must outlive p.
 */
struct bc_desc_probe {
	const struct bc_desc_match *m;
	__u64 heads[4];		/* bc_desc_match_heads() */
	size_t len;		/* strlen(m->value) */
	int b0;			/* first byte of every match, or -1 */
	int b1;			/* second byte (0: the end), or -1 */
	int need;		/* a byte every glob match contains, or -1 */
};
void bc_desc_probe_init(struct bc_desc_probe *p, const struct bc_desc_match *m);
/* Patterns and globs, once the cheap tests passed. */
bool bc_desc_probe_match_wild(const struct bc_desc_probe *p, const char *name);

static inline bool bc_desc_probe_match(const struct bc_desc_probe *p,
				       const char *name)
{
	const struct bc_desc_match *m = p->m;
	__u8 c = name[0];

	if (!(p->heads[c / 64] & (1ULL << (c % 64))))
		return false;
	/* b1 is only set with a literal first byte: name[1] exists */
	if (p->b1 >= 0 && (__u8)name[1] != p->b1)
		return false;
	switch (m->kind) {
	case BC_MATCH_EXACT:
		return !strcmp(name, m->value);
	case BC_MATCH_PREFIX:
		return !strncmp(name, m->value, p->len);
	case BC_MATCH_WORD:
		return !strncmp(name, m->value, p->len) &&
		       (!name[p->len] || name[p->len] == '/');
	default:
		if (p->need >= 0 && !strchr(name, p->need))
			return false;
		return bc_desc_probe_match_wild(p, name);
	}
}
const struct bc_desc_prog_rule *bc_desc_find_rule(const struct bc_desc *desc,
						  const char *sec_name,
						  const char **rest);
const struct bc_desc_pin *bc_desc_pin_for(const struct bc_desc *desc,
					  __u32 value);
const struct bc_desc_field *bc_desc_field(const struct bc_desc *desc,
					  const char *name);

#endif /* __BC_DESC_H */
