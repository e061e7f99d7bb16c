/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The generic object model every dialect produces and every later stage
 * consumes. Dialects fill it (collect), reloc links and patches programs,
 * plan/load turn it into kernel objects. Nothing here knows a dialect name.
 */
#ifndef __BC_OBJECT_H
#define __BC_OBJECT_H

#include <linux/bpf.h>

#include "internal.h"
#include "elf.h"

struct bc_dialect;
struct bc_attachment;
struct bc_btf_ext;

struct bc_map {
	struct bc_object *obj;
	size_t idx;			/* index in obj->maps */
	char *name;			/* full name (pin paths); kernel gets 15 */
	enum bc_map_kind kind;

	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 numa_node;
	__u64 map_extra;
	__u32 pinning;			/* raw value from the object */
	int inner_idx;			/* inner-map template in obj->maps, -1 */
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;

	/* Where the definition lives: references resolve against this. */
	int sec_idx;			/* -1 if synthesized */
	char *sec_name;
	__u64 sec_off;
	__u64 def_size;			/* bytes the definition spans */
	char *sym_name;			/* defining symbol, NULL if none */

	/* Initial contents for global data maps (value_size bytes) or NULL. */
	void *init;
	bool freeze;			/* freeze after filling (.rodata) */

	/* Dialect fields that are not generic (tc id/inner_id, namespace). */
	struct bc_attr *attrs;
	size_t attr_cnt;

	char *pin_path;			/* resolved by plan; NULL = unpinned */

	/* Load state. */
	int fd;
	__u32 id;
	bool reused;			/* taken from an existing pin */

	/* Bind to every loaded program (BPF_PROG_BIND_MAP), as libbpf does
	 * with .rodata; a refusal is only a warning. */
	bool bind_progs;

	/* name, sec_name and sym_name are strings of obj->elf, not owned
	 * (bc_object_add_elf_map()): never free them. */
	bool elf_names;
};

enum bc_fixup_kind {
	BC_FIX_MAP_FD,		/* ld_imm64: src_reg = PSEUDO_MAP_FD, imm = fd */
	BC_FIX_MAP_VALUE,	/* ld_imm64: PSEUDO_MAP_VALUE, imm = fd,
				 * insn[1].imm = off */
	BC_FIX_KFUNC,		/* call: PSEUDO_KFUNC_CALL, kernel BTF id;
				 * map_idx is the ksym (core/ksym.c) */
	BC_FIX_KSYM,		/* ld_imm64: PSEUDO_BTF_ID or an address */
};

struct bc_fixup {
	size_t insn;			/* index into prog->linked */
	enum bc_fixup_kind kind;
	size_t map_idx;
	__u32 off;			/* value offset for MAP_VALUE */
};

struct bc_btf_span;

struct bc_prog {
	struct bc_object *obj;
	size_t idx;			/* index in obj->progs */
	char *name;
	char *sec_name;
	int sec_idx;
	__u64 sec_off;			/* byte offset of the entry in sec */
	struct bpf_insn *insns;		/* the entry's own code, host order;
					 * read only (see elf_insns) */
	size_t insn_cnt;

	__u32 type;			/* enum bpf_prog_type */
	__u32 expected_attach_type;
	__u32 prog_flags;
	char *attach_target;		/* e.g. "do_sys_open", "sched:sched_switch" */
	__u32 attach_btf_id;		/* kernel BTF id of the target (fentry,
					 * tp_btf, lsm, iter), set at load */
	bool autoload;

	/* Section params the dialect parsed, in order (perf key=value). */
	struct bc_attr *params;
	size_t param_cnt;

	/* Filled by reloc: entry + appended subprograms, fd slots zero; in
	 * obj->code unless linked_own (a dialect replaced it). */
	struct bpf_insn *linked;
	size_t linked_cnt;
	bool linked_own;
	struct bc_fixup *fixups;
	size_t fixup_cnt;
	/* Where linked's code came from, kept for programs with func/line
	 * info only: the records are copied when the kernel takes them. */
	const struct bc_btf_span *spans;
	size_t span_cnt;

	/* Load state. */
	int fd;
	__u32 id;
	char tag[17];
	char *log;			/* verifier log of the last failure */

	/* BTF func/line info for linked (core/btf.c), insn_off in insns:
	 * counted by reloc, the records filled in only for a real load. */
	void *func_info;
	__u32 func_info_rec_size;
	__u32 func_info_cnt;
	void *line_info;
	__u32 line_info_rec_size;
	__u32 line_info_cnt;

	/* License this program loads with instead of the object's (a
	 * dialect's generated code may demand one); static storage. */
	const char *license;

	/* Kernel version this program loads with, if kversion_set (a
	 * dialect rule per program); otherwise obj->kversion. */
	__u32 kversion;
	bool kversion_set;

	/* name and sec_name are strings of obj->elf; insns is the section's
	 * own bytes (read only). Not owned: obj->elf outlives the program. */
	bool elf_names;
	bool elf_insns;
};

enum bc_init_kind {
	BC_INIT_PROG,		/* prog array slot = program */
	BC_INIT_MAP,		/* map-of-maps slot = map */
};

/* An initial slot value, inserted after all programs loaded. */
struct bc_init {
	size_t map_idx;
	__u32 key;
	enum bc_init_kind kind;
	size_t target;		/* prog or map index */
};

struct bc_object {
	char *path;			/* as given, or the object name for mem */
	char *name;			/* basename */
	const void *buf;		/* the object bytes */
	void *buf_owned;		/* buf if the object owns it, else NULL */
	size_t size;
	char sha1[41];
	struct bc_elf *elf;		/* kept for the object's lifetime */

	const struct bc_dialect *dialect;
	struct bc_attr *params;		/* open params, "key" -> "value" */
	size_t param_cnt;
	void *dialect_priv;		/* owned by the dialect's hooks */

	char *license;			/* "" if absent */
	__u32 kversion;
	bool kversion_explicit;

	struct bc_map **maps;
	size_t map_cnt, map_cap;
	struct bc_prog **progs;
	size_t prog_cnt, prog_cap;
	struct bc_init *inits;
	size_t init_cnt, init_cap;

	char **plan;			/* rendered steps of the last plan */
	size_t plan_cnt, plan_cap;

	bool relocated;
	bool loaded;

	/* The object's .BTF (core/btf.c): parsed once, loaded by the backend. */
	struct btf *btf;		/* NULL if absent or unusable */
	bool btf_parsed;
	bool btf_loaded;		/* btf_fd is valid */
	int btf_fd;

	struct bc_attachment *attached;	/* core/attach.c, NULL if detached */

	/* Conformance findings (core/check.c); checking keeps the open going
	 * past findings a check can survive. */
	bool checking;
	struct bc_finding *findings;
	size_t finding_cnt, finding_cap;

	/* CO-RE (core/corerelo.c): the kernel BTF to resolve against, NULL
	 * for the running kernel's; core_target, if set, is used instead
	 * (tests). */
	char *core_btf_path;
	const struct btf *core_target;

	/* __kconfig externs laid out by the BTF fixup (core/kconfig.c) and
	 * their map, if the dialect makes one. */
	struct bc_kcfg *kcfg;
	size_t kcfg_cnt;
	struct bc_kcfg **kcfg_by_name;	/* into kcfg, sorted by name */
	/* __ksym externs the code names (core/ksym.c), set by relocation. */
	struct bc_ksym *ksyms;
	size_t ksym_cnt, ksym_cap;
	/* VARs of .ksyms declared void (typeless), before the BTF fixup
	 * made every one an int (core/btf.c). */
	__u32 *ksym_void;
	size_t ksym_void_cnt, ksym_void_cap;
	struct bc_map *kcfg_map;
	char *kconfig_extra;		/* bc_open_opts.kconfig */

	/* .BTF.ext records indexed by section (core/btf.c), on first use. */
	struct bc_btf_ext *btf_ext;

	/* A dry run's plan, rendered into plan[] when first asked for
	 * (core/load.c); NULL once rendered. */
	struct bc_plan *plan_pending;

	/* Every program's fixups, one block (core/reloc.c): prog->fixups
	 * points into it. */
	struct bc_fixup *fixups;
	/* Every program's spans, one block: prog->spans points into it. */
	struct bc_btf_span *spans;
	/* Every program's linked code, one block: prog->linked, mostly. */
	struct bpf_insn *code;

	/* Name -> index hashes of maps[] and progs[] (core/object.c): the
	 * first of equal names wins, as in a walk. */
	struct bc_name_index {
		size_t *slots;		/* entry index + 1; 0 = empty */
		size_t cap;		/* a power of two, >= twice cnt */
		size_t cnt;		/* entries [0, cnt) are indexed */
		bool stale;		/* an entry was renamed: rebuild */
		const char *miss;	/* last name looked up and not found */
		size_t miss_slot;	/* the empty slot it would take */
		/* Below the hash, a walk: one fingerprint per entry. */
		__u64 *fps;
		size_t fp_cnt;		/* entries [0, fp_cnt) have one */
		const char *fp_name;	/* last name walked for, and its */
		__u64 fp_last;		/* fingerprint */
	} map_names, prog_names;

	/* Storage of every bc_map and bc_prog, of maps[] and progs[] and of
	 * the name hashes, freed at close: never free() one of them. */
	struct bc_chunk *chunks;

	/* path, name and license share the object's own allocation or its
	 * chunks (bc_object__open_*()): never free them. */
	bool strs_inline;
};

/* Model construction helpers (core/object.c). All return NULL on ENOMEM. */
struct bc_map *bc_object_add_map(struct bc_object *obj, const char *name);
/* The same for a name that is a string of obj->elf: kept, not copied. */
struct bc_map *bc_object_add_elf_map(struct bc_object *obj, const char *name);
struct bc_prog *bc_object_add_prog(struct bc_object *obj, const char *name,
				   const char *sec_name);
/* The same for names that are strings of obj->elf: kept, not copied. */
struct bc_prog *bc_object_add_elf_prog(struct bc_object *obj,
				       const char *name, const char *sec_name);
/*
 * Give a map or a program a new name (copied): the only way to rename one,
 * as the name lookups must learn of it. 0, -EINVAL or -ENOMEM (the entry
 * keeps its old name).
 */
int bc_object_rename_map(struct bc_object *obj, struct bc_map *map,
			 const char *name);
int bc_object_rename_prog(struct bc_object *obj, struct bc_prog *prog,
			  const char *name);
/* The license: s up to max bytes, copied. 0 or -ENOMEM. */
int bc_object_set_license(struct bc_object *obj, const char *s, size_t max);
/* The object's byte order is not the host's. */
bool bc_object_foreign_endian(const struct bc_object *obj);
/* Room for that many more maps and programs (a hint: never fails). */
void bc_object_reserve(struct bc_object *obj, size_t maps, size_t progs);
int bc_object_add_init(struct bc_object *obj, size_t map_idx, __u32 key,
		       enum bc_init_kind kind, size_t target);
int bc_object_plan_add(struct bc_object *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bc_object_plan_reset(struct bc_object *obj);

struct bc_prog *bc_object_prog_by_name(const struct bc_object *obj,
				       const char *name);
struct bc_map *bc_object_map_by_name(const struct bc_object *obj,
				     const char *name);

/*
 * Pipeline stages (each returns 0 or a negative errno and logs the cause):
 * collect (core/collect.c) builds maps/progs/inits from the ELF per the
 * object's dialect; reloc (core/reloc.c) links and records fixups; plan
 * and load live in core/load.c.
 */
int bc_collect(struct bc_object *obj);
int bc_reloc(struct bc_object *obj);

/* The object's SHA-1 (hex), computed on first use. */
const char *bc_object_sha1(const struct bc_object *obj);

#endif /* __BC_OBJECT_H */
