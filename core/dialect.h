/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A dialect is a descriptor plus, optionally, a table of C hooks for what a
 * description cannot say. The engine calls hooks only through this table,
 * never by dialect name.
 */
#ifndef __BC_DIALECT_H
#define __BC_DIALECT_H

#include "desc.h"
#include "elf.h"
#include "object.h"

struct bc_dialect_prog_rule;
struct bc_pin_journal;
struct bc_attach_spec;

/* Detection evidence collected while scoring one dialect. */
struct bc_evidence {
	int score;
	char **lines;
	size_t cnt, cap;
	bool score_only;	/* add up scores, keep no lines (open) */
};

__attribute__((format(printf, 3, 4)))
int bc_evidence_add(struct bc_evidence *ev, int score, const char *fmt, ...);

/*
 * The hook table. Like every opts struct it starts with its size, so a
 * table compiled against an older engine stays valid: the engine reads a
 * hook only if sz covers it. Every hook is optional and returns 0 or a
 * negative errno.
 */
struct bc_dialect_ops {
	size_t sz;
	const char *name;	/* bound by the descriptor's "hooks:" key */

	/* Add to the descriptor's fingerprint score. */
	int (*detect)(const struct bc_elf *elf, struct bc_evidence *ev);
	/* Accept an open param; -ENOENT if the key is unknown. */
	int (*param)(struct bc_object *obj, const char *key, const char *value);
	/* After the descriptor's maps were collected (BTF maps, fixups). */
	int (*collect_maps)(struct bc_object *obj);
	/* For each program matched by a rule carrying a hook name. */
	int (*classify)(struct bc_object *obj, struct bc_prog *prog,
			const struct bc_desc_prog_rule *rule, const char *rest);
	/* After maps and programs exist: cross links, inits, selection. */
	int (*finish)(struct bc_object *obj);
	/* Pin path for a map whose pinning value maps to BC_PIN_KIND_HOOK;
	 * *path = NULL leaves the map unpinned. */
	int (*pin_path)(struct bc_object *obj, struct bc_map *map,
			const char *bpffs, char **path);
	/* After every map exists and every program loaded (kernel backend
	 * only), before inits are inserted. */
	int (*post_load)(struct bc_object *obj);
	/* Free obj->dialect_priv. */
	void (*release)(struct bc_object *obj);
	/* Default bpffs root when the caller names none (*root = NULL: the
	 * mounted one); mounted there if it is not a bpffs yet. */
	int (*bpffs_root)(struct bc_object *obj, char **root);
	/* Before the first map pin: directories or links the convention
	 * expects, made through j so a failed load removes them. */
	int (*prepare_bpffs)(struct bc_object *obj, const char *bpffs,
			     struct bc_pin_journal *j);
	/* After reloc, before planning, per program: may rewrite
	 * prog->linked (prepend a prologue), keeping fixups right. */
	int (*post_reloc)(struct bc_object *obj, struct bc_prog *prog);
	/* Where prog attaches (core/attach.h); without this hook attach
	 * derives it from the program type and attach target. */
	int (*attach_spec)(struct bc_object *obj, const struct bc_prog *prog,
			   struct bc_attach_spec *spec);
	/* First step of every load (dry runs too), before relocation:
	 * refuse what the convention's loader refuses only at load time,
	 * so that open and inspect still work. */
	int (*pre_load)(struct bc_object *obj);
	/* Check mode only, after collect and reloc: report convention
	 * rules that need code through bc_report() (core/check.h). */
	int (*check)(struct bc_object *obj);
	size_t :0;
};

/* Read a hook only if the table is new enough to have it. */
#define BC_OPS_GET(ops, field)						\
	((ops) && (ops)->sz >= offsetof(struct bc_dialect_ops, field) +	\
		  sizeof((ops)->field) ? (ops)->field : NULL)

struct bc_dialect {
	struct bc_desc *desc;
	const struct bc_dialect_ops *ops;
	struct bc_dialect *next;
	/* Matches prepared at registration (core/dialect.c); NULL outside
	 * the registry. */
	const struct dialect_plan *plan;
	/* First bytes no maps.sections entry matches: a set of 256 bits,
	 * empty outside the registry. */
	__u64 map_sec_not[4];
};

/* Built-in descriptors, generated at build time from dialects/<d>/<d>.yaml. */
struct bc_builtin_desc {
	const char *name;
	const char *yaml;
	size_t len;
};
extern const struct bc_builtin_desc bc_builtin_descs[];
extern const size_t bc_builtin_desc_cnt;

/* Hook tables compiled in (dialects/hooks.c). */
extern const struct bc_dialect_ops *const bc_builtin_ops[];
extern const size_t bc_builtin_ops_cnt;

/* Registry (core/dialect.c): builtins are registered on first use. */
int bc_dialects_init(void);
const struct bc_dialect *bc_dialect_first(void);

/* Score one dialect against an opened ELF. */
int bc_dialect_score(const struct bc_dialect *d, const struct bc_elf *elf,
		     struct bc_evidence *ev);
void bc_evidence_free(struct bc_evidence *ev);

/*
 * Rank every dialect against an opened ELF. score_only skips the
 * evidence lines: opening needs the verdict, not the reasons.
 */
struct bc_detection *bc_detect_elf(const struct bc_elf *elf, bool score_only);

/* The two best of bc_detect_elf()'s ranking, without allocating it. */
struct bc_verdict {
	size_t cnt;			/* dialects scored */
	const struct bc_dialect *dialect[2];
	int score[2];
};
int bc_detect_verdict(const struct bc_elf *elf, struct bc_verdict *v);

/* bc_desc_match() of name against d's maps.sections, first match wins. */
bool bc_dialect_map_sec(const struct bc_dialect *d, const char *name,
			const char **rest);

/* False when name cannot be a map section of d: one bit test. */
static inline bool bc_dialect_map_sec_may(const struct bc_dialect *d,
					  const char *name)
{
	__u8 c = name[0];

	return !(d->map_sec_not[c / 64] & (1ULL << (c % 64)));
}

#endif /* __BC_DIALECT_H */
