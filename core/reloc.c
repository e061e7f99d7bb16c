// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Relocation engine. For every entry program: copy its code, append the
 * subprograms it reaches in libbpf's depth-first first-use order (the
 * kernel tag depends on that order, and it must equal libbpf's), point
 * each bpf2bpf call and callback address at its copy, and record the map
 * and global data references that the backend patches once fds exist.
 * Relocations are classified by instruction, as libbpf does, never by ELF
 * relocation type.
 */
#include <stdio.h>
#include <gelf.h>
#include <bpf/btf.h>

#include "btf.h"
#include "check.h"
#include "corerelo.h"
#include "dialect.h"
#include "kconfig.h"
#include "ksym.h"
#include "internal.h"
#include "object.h"

#define INSN_SZ		8
#define INSN_LD_IMM64	(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL	(BPF_JMP | BPF_CALL)
#define NOT_LINKED	SIZE_MAX

/* .BTF.ext layout (uapi btf_ext_header is not exported, so spelled here). */
#define BTF_EXT_MAGIC		0xEB9F
#define BTF_EXT_HDR_CORE_END	32	/* header up to core_relo_len */
#define BTF_EXT_CORE_OFF	24
#define BTF_CORE_RELO_MIN_SZ	16	/* insn_off, type, access, kind */

/* One callable extent of an executable section. */
struct rfunc {
	__u64 off;			/* byte offset in the section */
	size_t cnt;			/* instructions */
	size_t linked_off;		/* start in the current linked copy */
};

/* The maps one section defines, for relocations against it. */
struct rdef {
	__u64 off;			/* sec_off */
	size_t idx;			/* in obj->maps */
};

struct rmaps {
	struct rdef *defs;		/* non-data maps, by offset */
	size_t def_cnt;
	size_t def_hint;		/* the last one found */
	bool overlap;			/* overlapping: search in map order */
	const struct bc_map *data;	/* first data map, NULL if none */
};

/* Lookups of one code or map section, built once per bc_reloc() call. */
struct rsec {
	const struct bc_elf_sec *sec;
	const struct bc_elf_rel *rels;	/* sorted by offset */
	size_t rel_cnt;
	struct bc_elf_rel *rels_own;	/* sorted copy of unsorted rels */
	size_t rel_hint;		/* a unit's cursor when it ended */
	struct rfunc *funcs;		/* sorted, one per start offset */
	size_t func_cnt;
	struct bc_core_rec *core;	/* CO-RE records, by insn offset */
	size_t core_cnt;
	struct rmaps maps;
};

/* A unit on the depth-first stack and where its scan stands. */
struct rframe {
	struct rsec *rs;		/* of the unit's section */
	size_t unit;
	size_t pos;			/* next instruction to scan */
	size_t rel;			/* first relocation not before pos */
};

struct rctx {
	struct bc_object *obj;
	const struct bc_elf *elf;
	const char *path;
	/*
	 * Only code sections and sections defining maps have a struct rsec:
	 * slot[section index] is its index in secs + 1, or 0.
	 */
	void *tables;			/* secs, slot, func_syms, sym_map */
	struct rsec *secs;
	size_t sec_cnt;
	size_t *slot;			/* elf->sec_cnt entries */
	__u32 *func_syms;		/* code's STT_FUNC symbols, in order */
	size_t func_sym_cnt;
	/*
	 * Per symbol, 1 + the map its references resolved to, or 0: a named
	 * map symbol resolves the same way every time, so only its first
	 * reference searches the definitions.
	 */
	__u32 *sym_map;
	__u32 *sym_ksym;		/* per symbol, 1 + its ksym, or 0 */
	struct bc_core *core;		/* NULL: the object has no records */
	/*
	 * One allocation for the functions and map definitions, sliced per
	 * section, and the scratch of one program: it links each function at
	 * most once, so it has at most 1 + func_total units.
	 */
	void *arena;
	size_t func_total;
	struct bc_btf_span *units;	/* the entry, then its callees */
	struct rfunc **unit_funcs;	/* NULL for the entry */
	struct rframe *stack;
	size_t unit_max;
	/*
	 * Every program's fixups, in program order: the object takes them
	 * as one block (obj->fixups), each program pointing at its slice.
	 */
	struct bc_fixup *fix;
	size_t fix_cap;
	size_t fix_used;		/* by the programs done */
	/* The same for the spans of programs with func/line info. */
	struct bc_btf_span *spans;
	size_t span_cap;
	size_t span_used;
	/* Every program's linked code, in program order, the same way. */
	struct bpf_insn *code;
	size_t code_cap;
	size_t code_used;		/* by the programs done */
};

/* Linking state of one entry program. */
struct rprog {
	struct rctx *ctx;
	struct bc_prog *prog;
	struct bpf_insn *linked;	/* ctx->code + base: moves as it grows */
	size_t base;
	size_t cnt;
	size_t fix_cnt;			/* in ctx->fix, after fix_used */
	struct bc_btf_span *units;	/* ctx scratch: never moves */
	size_t unit_cnt;
	struct rframe *stack;
	size_t depth;
};

#define unit_warn(rp, u, i, fmt, ...)					\
	pr_warn("reloc: %s: prog '%s': insn %zu (section '%s'+0x%llx): " fmt, \
		(rp)->ctx->path, (rp)->prog->name, (u)->linked_off + (i),	\
		(rp)->ctx->elf->secs[(u)->sec_idx].name,		\
		(unsigned long long)((u)->off + (__u64)(i) * INSN_SZ),	\
		##__VA_ARGS__)

/* The same site as a check finding: located at the instruction. */
#define unit_report(rp, u, i, rule, fmt, ...)				\
	bc_report((rp)->prog->obj, rule, BC_SEV_ERROR,			\
		  (rp)->ctx->elf->secs[(u)->sec_idx].name,		\
		  (rp)->prog->name,					\
		  (long long)((u)->off + (__u64)(i) * INSN_SZ),		\
		  fmt, ##__VA_ARGS__)

static int cmp_rel(const void *a, const void *b)
{
	const struct bc_elf_rel *x = *(const struct bc_elf_rel *const *)a;
	const struct bc_elf_rel *y = *(const struct bc_elf_rel *const *)b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* Keep file order among duplicates: the first one wins. */
	return x < y ? -1 : x > y;
}

static int cmp_core(const void *a, const void *b)
{
	const struct bc_core_rec *x = a, *y = b;

	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

static int cmp_func(const void *a, const void *b)
{
	const struct rfunc *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->cnt > y->cnt ? -1 : x->cnt < y->cnt;
}

static int cmp_fixup(const void *a, const void *b)
{
	const struct bc_fixup *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* First index in the sorted array whose offset is >= off. */
static size_t rel_lower_bound(const struct rsec *rs, __u64 off)
{
	size_t lo = 0, hi = rs->rel_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->rels[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First CO-RE record of rs at or after off. */
static size_t core_seek(const struct rsec *rs, __u64 off)
{
	size_t lo = 0, hi = rs->core_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->core[mid].insn_off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct rfunc *find_func(const struct rsec *rs, __u64 off)
{
	size_t lo = 0, hi = rs->func_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->funcs[mid].off == off)
			return &rs->funcs[mid];
		if (rs->funcs[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The lookups of a section; every code section has them. */
static struct rsec *rsec_of(const struct rctx *ctx, size_t sec_idx)
{
	if (sec_idx >= ctx->elf->sec_cnt || !ctx->slot[sec_idx])
		return NULL;
	return &ctx->secs[ctx->slot[sec_idx] - 1];
}

static struct rsec *rsec_add(struct rctx *ctx, size_t sec_idx)
{
	struct rsec *rs = &ctx->secs[ctx->sec_cnt++];

	*rs = (struct rsec){ .sec = &ctx->elf->secs[sec_idx] };
	ctx->slot[sec_idx] = ctx->sec_cnt;
	return rs;
}

/*
 * Sort one section's functions (clang emits them in order: one pass
 * checks), collapse aliases at the same start into the longest, and let
 * a zero-sized symbol extend to the next start. A section without any
 * function symbol has no function a call may enter: like libbpf, which
 * finds no subprogram there, calls into it are refused.
 */
static void finish_funcs(struct rsec *rs)
{
	struct rfunc *f = rs->funcs;
	size_t i, n = rs->func_cnt, out;

	for (i = 1; i < n; i++) {
		if (cmp_func(&f[i - 1], &f[i]) <= 0)
			continue;
		qsort(f, n, sizeof(*f), cmp_func);
		break;
	}
	for (i = 0, out = 0; i < n; i++) {
		if (out && f[out - 1].off == f[i].off)
			continue;
		f[out++] = f[i];
	}
	for (i = 0; i < out; i++) {
		__u64 end = i + 1 < out ? f[i + 1].off : rs->sec->size;

		if (!f[i].cnt)
			f[i].cnt = (end - f[i].off) / INSN_SZ;
		f[i].linked_off = NOT_LINKED;
	}
	rs->func_cnt = out;
}

/*
 * Function extents of every code section from the STT_FUNC symbols
 * listed by ctx_index(). A symbol outside its section is reported as a
 * walk section by section would meet it: the first of the lowest section.
 */
static int build_funcs(struct rctx *ctx)
{
	const struct bc_elf *elf = ctx->elf;
	const struct bc_elf_sym *sym, *bad = NULL;
	struct rsec *rs;
	size_t i;

	for (i = 0; i < ctx->func_sym_cnt; i++) {
		sym = &elf->syms[ctx->func_syms[i]];
		rs = rsec_of(ctx, sym->shndx);
		if (sym->value % INSN_SZ || sym->value > rs->sec->size ||
		    sym->size > rs->sec->size - sym->value) {
			if (!bad || sym->shndx < bad->shndx)
				bad = sym;
			continue;
		}
		rs->funcs[rs->func_cnt++] = (struct rfunc){
			.off = sym->value, .cnt = sym->size / INSN_SZ,
		};
	}
	if (bad) {
		pr_warn("reloc: %s: section '%s': function '%s' at 0x%llx size %llu is outside the section or misaligned\n",
			ctx->path, elf->secs[bad->shndx].name, bad->name,
			(unsigned long long)bad->value,
			(unsigned long long)bad->size);
		return -BC_ERRNO__FORMAT;
	}
	for (i = 0; i < ctx->sec_cnt; i++)
		if (ctx->secs[i].sec->exec)
			finish_funcs(&ctx->secs[i]);
	return 0;
}

/* Sort into a copy, keeping file order among equal offsets (first wins). */
static int sort_rels(struct rsec *rs)
{
	const struct bc_elf_sec *sec = rs->sec;
	const struct bc_elf_rel **by_off;
	size_t i;

	by_off = malloc(sec->rel_cnt * sizeof(*by_off));
	rs->rels_own = malloc(sec->rel_cnt * sizeof(*rs->rels_own));
	if (!by_off || !rs->rels_own) {
		free(by_off);
		return -ENOMEM;
	}
	for (i = 0; i < sec->rel_cnt; i++)
		by_off[i] = &sec->rels[i];
	qsort(by_off, sec->rel_cnt, sizeof(*by_off), cmp_rel);
	for (i = 0; i < sec->rel_cnt; i++)
		rs->rels_own[i] = *by_off[i];
	free(by_off);
	rs->rels = rs->rels_own;
	return 0;
}

/* A code section's relocations by offset: clang writes them so already. */
static int build_rels(struct rsec *rs)
{
	const struct bc_elf_sec *sec = rs->sec;
	size_t i;

	rs->rels = sec->rels;
	rs->rel_cnt = sec->rel_cnt;
	for (i = 1; i < sec->rel_cnt; i++)
		if (sec->rels[i].offset < sec->rels[i - 1].offset)
			return sort_rels(rs);
	return 0;
}

static __u16 read_u16(const unsigned char *p, bool big_endian)
{
	if (big_endian)
		return (__u16)(p[0] << 8 | p[1]);
	return (__u16)(p[1] << 8 | p[0]);
}

/* Does [off, off + len) fit in size bytes? Never overflows. */
static bool range_ok(__u64 off, __u64 len, __u64 size)
{
	return off <= size && len <= size - off;
}

static int add_core(struct rsec *rs, size_t *cap, const unsigned char *p,
		    bool be)
{
	struct bc_core_rec *r = bc_grow(rs->core, cap, rs->core_cnt + 1,
					sizeof(*r));

	if (!r)
		return -ENOMEM;
	rs->core = r;
	rs->core[rs->core_cnt++] = (struct bc_core_rec){
		.insn_off = bc_read_u32(p, be),
		.type_id = bc_read_u32(p + 4, be),
		.access_off = bc_read_u32(p + 8, be),
		.kind = bc_read_u32(p + 12, be),
	};
	return 0;
}

/*
 * Walk the core_relo subsection of .BTF.ext: a record size, then per ELF
 * section {name offset in .BTF strings, count, records}. Each record's
 * first four fields are kept under the section it names (a longer record
 * is a later format: its tail is not read).
 */
static int scan_core_relos(struct rctx *ctx, const struct btf *btf,
			   const unsigned char *p, __u32 len, size_t *caps)
{
	const struct bc_elf *elf = ctx->elf;
	bool be = elf->big_endian;
	__u32 rec_sz, pos = 4;
	int err;

	if (len < 4)
		return -EINVAL;
	rec_sz = bc_read_u32(p, be);
	if (rec_sz < BTF_CORE_RELO_MIN_SZ)
		return -EINVAL;
	while (pos < len) {
		const struct bc_elf_sec *sec;
		const char *name;
		__u32 cnt, j;

		if (!range_ok(pos, 8, len))
			return -EINVAL;
		name = btf__str_by_offset(btf, bc_read_u32(p + pos, be));
		cnt = bc_read_u32(p + pos + 4, be);
		pos += 8;
		if (!name || !range_ok(pos, (__u64)cnt * rec_sz, len))
			return -EINVAL;
		sec = bc_elf_sec_by_name(elf, name);
		for (j = 0; sec && sec->exec && j < cnt; j++) {
			err = add_core(rsec_of(ctx, sec->idx), &caps[sec->idx],
				       p + pos + j * rec_sz, be);
			if (err)
				return err;
		}
		pos += cnt * rec_sz;
	}
	return 0;
}

static void drop_core(struct rctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->sec_cnt; i++) {
		free(ctx->secs[i].core);
		ctx->secs[i].core = NULL;
		ctx->secs[i].core_cnt = 0;
	}
}

/*
 * Read the CO-RE records, applied as each program's code is linked. Like
 * libbpf, an unusable .BTF.ext (or one without .BTF) is ignored with a
 * warning.
 */
static int collect_core(struct rctx *ctx)
{
	const struct bc_elf *elf = ctx->elf;
	const struct bc_elf_sec *ext;
	const unsigned char *p;
	const struct btf *btf;
	size_t *caps = NULL;
	__u32 hdr_len, off, len;
	int err = 0;

	ext = bc_elf_sec_by_name(elf, ".BTF.ext");
	if (!ext || !ext->data || ext->size < 8)
		return 0;
	p = ext->data;
	if (read_u16(p, elf->big_endian) != BTF_EXT_MAGIC)
		goto bad;
	hdr_len = bc_read_u32(p + 4, elf->big_endian);
	if (hdr_len < BTF_EXT_HDR_CORE_END)
		return 0;	/* older layout: no CO-RE subsection */
	if (hdr_len > ext->size)
		goto bad;
	off = bc_read_u32(p + BTF_EXT_CORE_OFF, elf->big_endian);
	len = bc_read_u32(p + BTF_EXT_CORE_OFF + 4, elf->big_endian);
	if (!len)
		return 0;
	if (!range_ok((__u64)hdr_len + off, len, ext->size))
		goto bad;
	/* The object's one parse of .BTF, shared with collection and load. */
	err = bc_btf_get(ctx->obj, &btf);
	if (err == -ENOMEM)
		return err;
	if (err || !btf)
		goto bad;
	caps = calloc(elf->sec_cnt, sizeof(*caps));
	if (!caps)
		return -ENOMEM;
	err = scan_core_relos(ctx, btf, p + hdr_len + off, len, caps);
	free(caps);
	if (err == -EINVAL)
		goto bad;
	if (!err)
		ctx->core = bc_core_new(btf, ctx->obj->core_btf_path,
					ctx->obj->core_target);
	if (!err && !ctx->core)
		err = -ENOMEM;
	return err;
bad:
	drop_core(ctx);
	pr_warn("reloc: %s: section '.BTF.ext': malformed or without usable .BTF, ignored\n",
		ctx->path);
	return 0;
}

static bool map_is_data(const struct bc_map *map)
{
	return map->kind == BC_MAP_DATA || map->kind == BC_MAP_RODATA ||
	       map->kind == BC_MAP_BSS;
}

/* Does the definition of map take in byte off of its section? */
static bool map_covers(const struct bc_map *map, __u64 off)
{
	return off == map->sec_off ||
	       (off > map->sec_off && off - map->sec_off < map->def_size);
}

static int cmp_def(const void *a, const void *b)
{
	const struct rdef *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void finish_defs(const struct bc_object *obj, struct rmaps *rm)
{
	size_t i;
	__u64 span;

	for (i = 1; i < rm->def_cnt; i++) {
		if (rm->defs[i - 1].off <= rm->defs[i].off)
			continue;
		qsort(rm->defs, rm->def_cnt, sizeof(*rm->defs), cmp_def);
		break;
	}
	for (i = 1; i < rm->def_cnt; i++) {
		const struct bc_map *a = obj->maps[rm->defs[i - 1].idx];
		const struct bc_map *b = obj->maps[rm->defs[i].idx];

		span = a->def_size ? a->def_size : 1;
		if (b->sec_off - a->sec_off < span)
			rm->overlap = true;
	}
}

/*
 * Index every section's map definitions by offset, so a relocation finds
 * its map by binary search instead of a walk over all maps. Sections
 * whose definitions overlap keep the walk, which picks the first in map
 * order. Maps come in offset order (one pass checks), sorted otherwise.
 */
static void build_maps(struct rctx *ctx)
{
	const struct bc_object *obj = ctx->obj;
	struct rmaps *rm;
	struct rsec *rs;
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *map = obj->maps[i];

		rs = map->sec_idx < 0 ? NULL : rsec_of(ctx, map->sec_idx);
		if (!rs)
			continue;
		rm = &rs->maps;
		if (map_is_data(map)) {
			rm->data = rm->data ? rm->data : map;
			continue;
		}
		rm->defs[rm->def_cnt].off = map->sec_off;
		rm->defs[rm->def_cnt++].idx = i;
	}
	for (i = 0; i < ctx->sec_cnt; i++)
		finish_defs(obj, &ctx->secs[i].maps);
}

/*
 * Give every code section and every section defining maps its struct
 * rsec, count their functions and definitions, and list the STT_FUNC
 * symbols of code: one pass over sections, maps and symbols each.
 */
static int ctx_index(struct rctx *ctx)
{
	const struct bc_elf *elf = ctx->elf;
	const struct bc_object *obj = ctx->obj;
	size_t i, exec = 0, rs_max;
	struct rsec *rs;

	for (i = 1; i < elf->sec_cnt; i++)
		exec += elf->secs[i].exec;
	/* A section has one rsec: maps share their sections' entries. */
	rs_max = min(exec + obj->map_cnt, elf->sec_cnt);
	/* Never empty: slot[0] is always there. */
	ctx->tables = malloc(rs_max * sizeof(*ctx->secs) +
			     (elf->sec_cnt + 1) * sizeof(*ctx->slot) +
			     elf->sym_cnt * (sizeof(*ctx->func_syms) +
					     sizeof(*ctx->sym_map)));
	if (!ctx->tables)
		return -ENOMEM;
	ctx->secs = ctx->tables;
	ctx->slot = (size_t *)(ctx->secs + rs_max);
	ctx->func_syms = (__u32 *)(ctx->slot + elf->sec_cnt + 1);
	ctx->sym_map = ctx->func_syms + elf->sym_cnt;
	memset(ctx->slot, 0, elf->sec_cnt * sizeof(*ctx->slot));
	memset(ctx->sym_map, 0, elf->sym_cnt * sizeof(*ctx->sym_map));

	for (i = 1; i < elf->sec_cnt; i++)
		if (elf->secs[i].exec)
			rsec_add(ctx, i);
	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *map = obj->maps[i];

		if (map->sec_idx < 0 || (size_t)map->sec_idx >= elf->sec_cnt)
			continue;
		rs = rsec_of(ctx, map->sec_idx) ?: rsec_add(ctx, map->sec_idx);
		rs->maps.def_cnt += !map_is_data(map);
	}
	for (i = 1; i < elf->sym_cnt; i++) {
		const struct bc_elf_sym *sym = &elf->syms[i];

		if (sym->type != STT_FUNC || !sym->shndx ||
		    sym->shndx >= elf->sec_cnt || !elf->secs[sym->shndx].exec)
			continue;
		ctx->func_syms[ctx->func_sym_cnt++] = (__u32)i;
		rsec_of(ctx, sym->shndx)->func_cnt++;
	}
	return 0;
}

/*
 * One allocation for the functions and map definitions, sliced per
 * section, and the unit table and depth-first stack of one program.
 */
static int ctx_alloc(struct rctx *ctx)
{
	size_t i, f = 0, d = 0, r = 0, units, code = 0;
	struct rfunc *funcs;
	struct rdef *defs;
	struct rsec *rs;

	for (i = 0; i < ctx->sec_cnt; i++) {
		rs = &ctx->secs[i];
		f += rs->func_cnt;
		d += rs->maps.def_cnt;
		if (rs->sec->exec) {
			r += rs->sec->rel_cnt;
			code += rs->sec->size / INSN_SZ;
		}
	}
	ctx->func_total = f;
	units = f + 1;
	ctx->arena = malloc(f * sizeof(*funcs) + d * sizeof(*defs) +
			    units * (sizeof(*ctx->units) +
				     sizeof(*ctx->unit_funcs) +
				     sizeof(*ctx->stack)));
	if (!ctx->arena)
		return -ENOMEM;
	/*
	 * Each program's own code, and each function once: all of it fits
	 * unless programs share subprograms.
	 */
	if (code) {
		ctx->code = malloc(code * sizeof(*ctx->code));
		if (!ctx->code)
			return -ENOMEM;
		ctx->code_cap = code;
	}
	/*
	 * A relocation makes at most one fixup per program linking its
	 * code: all of them fit unless programs share subprograms.
	 */
	if (r) {
		ctx->fix = malloc(r * sizeof(*ctx->fix));
		if (!ctx->fix)
			return -ENOMEM;
		ctx->fix_cap = r;
	}
	funcs = ctx->arena;
	defs = (struct rdef *)(funcs + f);
	ctx->units = (struct bc_btf_span *)(defs + d);
	ctx->unit_funcs = (struct rfunc **)(ctx->units + units);
	ctx->stack = (struct rframe *)(ctx->unit_funcs + units);
	ctx->unit_max = units;
	/* Counts become fill cursors. */
	for (i = 0; i < ctx->sec_cnt; i++) {
		rs = &ctx->secs[i];
		rs->funcs = funcs;
		funcs += rs->func_cnt;
		rs->func_cnt = 0;
		rs->maps.defs = defs;
		defs += rs->maps.def_cnt;
		rs->maps.def_cnt = 0;
	}
	return 0;
}

static void ctx_free(struct rctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->sec_cnt; i++) {
		free(ctx->secs[i].rels_own);
		free(ctx->secs[i].core);
	}
	bc_core_free(ctx->core);
	free(ctx->sym_ksym);
	free(ctx->fix);
	free(ctx->spans);
	free(ctx->code);
	free(ctx->arena);
	free(ctx->tables);
	memset(ctx, 0, sizeof(*ctx));
}

static int ctx_init(struct rctx *ctx, struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	size_t i;
	int err;

	ctx->obj = obj;
	ctx->elf = elf;
	ctx->path = obj->path ? obj->path : elf->path ? elf->path : "?";
	err = ctx_index(ctx);
	err = err ?: ctx_alloc(ctx);
	for (i = 0; !err && i < ctx->sec_cnt; i++)
		if (ctx->secs[i].sec->exec)
			err = build_rels(&ctx->secs[i]);
	err = err ?: build_funcs(ctx);
	err = err ?: collect_core(ctx);
	if (err)
		goto err_out;
	build_maps(ctx);
	for (i = 0; ctx->core && i < ctx->sec_cnt; i++)
		if (ctx->secs[i].core_cnt)
			qsort(ctx->secs[i].core, ctx->secs[i].core_cnt,
			      sizeof(*ctx->secs[i].core), cmp_core);
	return 0;
err_out:
	ctx_free(ctx);
	return err;
}

/* ---- linking one program ------------------------------------------------ */

/*
 * First relocation of rs at or after off. The hint is where the previous
 * unit of the section left its cursor: entries mostly come in section
 * order, one after the other, so it is checked and usually taken.
 */
static inline size_t rel_seek(const struct rsec *rs, __u64 off)
{
	size_t h = rs->rel_hint;

	if ((!h || rs->rels[h - 1].offset < off) &&
	    (h == rs->rel_cnt || rs->rels[h].offset >= off))
		return h;
	return rel_lower_bound(rs, off);
}

static __cold int unit_too_big(const struct rprog *rp)
{
	pr_warn("reloc: %s: prog '%s': linked program exceeds %u instructions\n",
		rp->ctx->path, rp->prog->name, BC_MAX_INSNS);
	return -E2BIG;
}

static __cold int core_failed(const struct rprog *rp,
			      const struct bc_btf_span *u, size_t i, int err,
			      const char *why)
{
	unit_warn(rp, u, i, "CO-RE: %s\n", why);
	return unit_report(rp, u, i, "core-relocation", "CO-RE: %s", why) ?:
	       err;
}

/*
 * Patch a unit just copied with the CO-RE records in its range: the same
 * result for every copy of a subprogram, as libbpf patches it once.
 */
static int apply_core(struct rprog *rp, const struct bc_btf_span *u,
		      struct rsec *rs)
{
	const __u64 end = u->off + (__u64)u->cnt * INSN_SZ;
	struct bpf_insn *code = rp->linked + u->linked_off;
	struct bc_core_rec *rec;
	char why[320];
	size_t k, i;
	int err;

	for (k = core_seek(rs, u->off); k < rs->core_cnt; k++) {
		rec = &rs->core[k];
		if (rec->insn_off >= end)
			break;
		i = (rec->insn_off - u->off) / INSN_SZ;
		if (rec->insn_off % INSN_SZ) {
			snprintf(why, sizeof(why),
				 "record at byte 0x%x is not on an instruction",
				 rec->insn_off);
			return core_failed(rp, u, i, -BC_ERRNO__RELOC, why);
		}
		err = bc_core_apply(rp->ctx->core, rec, code + i, u->cnt - i,
				    why, sizeof(why));
		if (err)
			return core_failed(rp, u, i, err, why);
	}
	return 0;
}

static int add_unit(struct rprog *rp, size_t sec_idx, __u64 off, size_t cnt,
		    struct rfunc *func)
{
	struct rctx *ctx = rp->ctx;
	struct rsec *rs = rsec_of(ctx, sec_idx);
	struct bpf_insn *linked;
	size_t at = rp->cnt;

	if (unlikely(cnt > BC_MAX_INSNS - at))
		return unit_too_big(rp);
	/* Each function is linked once: the scratch fits by construction. */
	if (unlikely(rp->unit_cnt >= ctx->unit_max))
		return -EFAULT;
	/* Past the estimate only when programs share subprograms. */
	if (unlikely(rp->base + at + cnt > ctx->code_cap)) {
		linked = bc_grow(ctx->code, &ctx->code_cap, rp->base + at + cnt,
				 sizeof(*linked));
		if (!linked)
			return -ENOMEM;
		ctx->code = linked;
	}
	linked = rp->linked = ctx->code + rp->base;

	if (func)
		bc_elf_copy_insns(ctx->elf, rs->sec, off, cnt, linked + at);
	else
		memcpy(linked + at, rp->prog->insns, cnt * sizeof(*linked));
	rp->cnt += cnt;
	rp->units[rp->unit_cnt] = (struct bc_btf_span){
		.sec_idx = sec_idx, .off = off, .cnt = cnt, .linked_off = at,
	};
	ctx->unit_funcs[rp->unit_cnt] = func;
	if (func)
		func->linked_off = at;
	if (rs->core_cnt) {
		int err = apply_core(rp, &rp->units[rp->unit_cnt], rs);

		if (err)
			return err;
	}
	/* The caller resumes after the new unit has been scanned: DFS. */
	rp->stack[rp->depth++] = (struct rframe){
		.rs = rs, .unit = rp->unit_cnt++, .rel = rel_seek(rs, off),
	};
	return 0;
}

/* A program's fixups follow those of the programs before it. */
static inline int add_fixup(struct rprog *rp, size_t insn,
			    enum bc_fixup_kind kind, size_t map_idx, __u32 off)
{
	struct rctx *ctx = rp->ctx;
	size_t at = ctx->fix_used + rp->fix_cnt;

	/* Past the estimate only when programs share subprograms. */
	if (unlikely(at == ctx->fix_cap)) {
		struct bc_fixup *f = bc_grow(ctx->fix, &ctx->fix_cap, at + 1,
					     sizeof(*f));

		if (!f)
			return -ENOMEM;
		ctx->fix = f;
	}
	rp->fix_cnt++;
	ctx->fix[at] = (struct bc_fixup){
		.insn = insn, .kind = kind, .map_idx = map_idx, .off = off,
	};
	return 0;
}

static __cold int target_outside(const struct rprog *rp,
				 const struct bc_btf_span *u, size_t i,
				 const struct bc_elf_sec *sec, __s64 target)
{
	unit_warn(rp, u, i, "call target insn %lld is outside section '%s' (%llu insns)\n",
		  (long long)target, sec->name,
		  (unsigned long long)(sec->size / INSN_SZ));
	return unit_report(rp, u, i, "reloc-call-target",
			   "call target insn %lld is outside section '%s'",
			   (long long)target, sec->name) ?: -BC_ERRNO__RELOC;
}

static __cold int not_func_start(const struct rprog *rp,
				 const struct bc_btf_span *u, size_t i,
				 const struct bc_elf_sec *sec, __u64 off,
				 __s64 target)
{
	unit_warn(rp, u, i, "call target '%s'+0x%llx (insn %lld) is not the start of a function\n",
		  sec->name, (unsigned long long)off, (long long)target);
	return unit_report(rp, u, i, "reloc-call-target",
			   "call target '%s'+0x%llx is not the start of a function",
			   sec->name, (unsigned long long)off) ?:
	       -BC_ERRNO__RELOC;
}

/*
 * Resolve a code target (instruction index in section sec_idx) to its
 * start in the linked copy, appending the function that starts there if
 * this program has not got it yet. Targets inside the entry stay in it.
 */
static int link_target(struct rprog *rp, const struct bc_btf_span *u, size_t i,
		       size_t sec_idx, __s64 target, size_t *linked_at)
{
	const struct bc_btf_span *entry = &rp->units[0];
	const struct bc_elf_sec *sec = &rp->ctx->elf->secs[sec_idx];
	struct rfunc *f;
	__u64 off;

	if (target < 0 || (__u64)target >= sec->size / INSN_SZ)
		return target_outside(rp, u, i, sec, target);
	off = (__u64)target * INSN_SZ;
	if (sec_idx == entry->sec_idx && off >= entry->off &&
	    off - entry->off < (__u64)entry->cnt * INSN_SZ) {
		*linked_at = (off - entry->off) / INSN_SZ;
		return 0;
	}
	f = find_func(rsec_of(rp->ctx, sec_idx), off);
	if (!f || !f->cnt)
		return not_func_start(rp, u, i, sec, off, target);
	if (f->linked_off == NOT_LINKED) {
		int err = add_unit(rp, sec_idx, off, f->cnt, f);

		if (err)
			return err;
		pr_debug("reloc: %s: prog '%s': appended '%s'+0x%llx (%zu insns) at insn %zu\n",
			 rp->ctx->path, rp->prog->name, sec->name,
			 (unsigned long long)off, f->cnt, f->linked_off);
	}
	*linked_at = f->linked_off;
	return 0;
}

/* Does the dialect resolve __kconfig or __ksym externs at all? */
static bool externs_resolved(const struct bc_object *obj)
{
	const struct bc_dialect *d = obj->dialect;

	return !d || !d->desc || d->desc->special.kconfig ||
	       d->desc->special.ksym;
}

/* A call relocation that cannot be followed: say why, in this order. */
static __cold int bad_call_rel(const struct rprog *rp,
			       const struct bc_btf_span *u, size_t i,
			       const struct bc_elf_sym *sym)
{
	const struct bc_elf *elf = rp->ctx->elf;
	const char *name = bc_elf_sym_name(elf, sym);
	const struct bpf_insn *insn = &rp->linked[u->linked_off + i];

	if (sym->shndx == SHN_UNDEF) {
		if (externs_resolved(rp->ctx->obj))
			unit_warn(rp, u, i, "call to extern '%s', which the object's BTF does not declare as a __ksym function\n",
				  name);
		else
			unit_warn(rp, u, i, "call to extern '%s': the %s convention resolves no externs\n",
				  name, rp->ctx->obj->dialect->desc->name);
		return unit_report(rp, u, i, "reloc-extern",
				   "call to extern function '%s'",
				   name) ?: -BC_ERRNO__UNSUPP;
	}
	if (sym->shndx >= elf->sec_cnt || !elf->secs[sym->shndx].exec) {
		unit_warn(rp, u, i, "call relocation against '%s' in non-code section '%s'\n",
			  name, sym->shndx < elf->sec_cnt ?
			  elf->secs[sym->shndx].name : "<special>");
		return unit_report(rp, u, i, "reloc-call-target",
				   "call relocation against '%s' outside code",
				   name) ?: -BC_ERRNO__RELOC;
	}
	if (insn->src_reg != BPF_PSEUDO_CALL) {
		unit_warn(rp, u, i, "incorrect bpf_call opcode (src_reg %u) for call relocation against '%s'\n",
			  insn->src_reg, name);
		return -BC_ERRNO__RELOC;
	}
	unit_warn(rp, u, i, "call relocation against '%s' at unaligned offset 0x%llx\n",
		  name, (unsigned long long)sym->value);
	return -BC_ERRNO__RELOC;
}

/* The __ksym extern a relocation names: added to obj->ksyms once. */
static int ksym_of(struct rprog *rp, const struct bc_elf_rel *rel,
		   const struct bc_elf_sym *sym, size_t *idx)
{
	struct rctx *ctx = rp->ctx;
	const struct bc_dialect *d = ctx->obj->dialect;
	int err;

	if (!d || !d->desc || !d->desc->special.ksym)
		return -ENOENT;
	if (!ctx->sym_ksym) {
		ctx->sym_ksym = calloc(ctx->elf->sym_cnt,
				       sizeof(*ctx->sym_ksym));
		if (!ctx->sym_ksym)
			return -ENOMEM;
	}
	if (ctx->sym_ksym[rel->sym]) {
		*idx = ctx->sym_ksym[rel->sym] - 1;
		return 0;
	}
	err = bc_ksym_add(ctx->obj, bc_elf_sym_name(ctx->elf, sym),
			  sym->bind == STB_WEAK, idx);
	if (!err)
		ctx->sym_ksym[rel->sym] = *idx + 1;
	return err;
}

/* A call to a kernel function: its BTF id is patched in at load. */
static int reloc_kfunc(struct rprog *rp, const struct bc_btf_span *u,
		       size_t i, const struct bc_elf_rel *rel,
		       const struct bc_elf_sym *sym)
{
	size_t idx;
	int err;

	err = ksym_of(rp, rel, sym, &idx);
	if (err == -ENOENT || (!err && !rp->ctx->obj->ksyms[idx].func))
		return bad_call_rel(rp, u, i, sym);
	if (err)
		return err;
	return add_fixup(rp, u->linked_off + i, BC_FIX_KFUNC, idx, 0);
}

static int reloc_call(struct rprog *rp, const struct bc_btf_span *u, size_t i,
		      const struct bc_elf_rel *rel)
{
	const struct bc_elf *elf = rp->ctx->elf;
	size_t at = u->linked_off + i, sec_idx = u->sec_idx, dst;
	struct bpf_insn *insn = &rp->linked[at];
	const struct bc_elf_sym *sym;
	__s64 target;
	int err;

	if (!rel) {
		if (insn->src_reg != BPF_PSEUDO_CALL)
			return 0;	/* helper or kfunc by BTF id */
		/* Static callee in the same section: pc-relative. */
		target = (__s64)(u->off / INSN_SZ + i) + insn->imm + 1;
	} else {
		sym = &elf->syms[rel->sym];
		if (sym->shndx == SHN_UNDEF && sym->bind != STB_LOCAL &&
		    insn->src_reg == BPF_PSEUDO_CALL)
			return reloc_kfunc(rp, u, i, rel, sym);
		if (unlikely(sym->shndx == SHN_UNDEF ||
			     sym->shndx >= elf->sec_cnt ||
			     !elf->secs[sym->shndx].exec ||
			     insn->src_reg != BPF_PSEUDO_CALL ||
			     sym->value % INSN_SZ))
			return bad_call_rel(rp, u, i, sym);
		sec_idx = sym->shndx;
		target = (__s64)(sym->value / INSN_SZ) + insn->imm + 1;
	}
	err = link_target(rp, u, i, sec_idx, target, &dst);
	if (err)
		return err;
	/* linked may have moved. */
	rp->linked[at].imm = (__s32)((__s64)dst - (__s64)at - 1);
	return 0;
}

static __cold int bad_func_addr(const struct rprog *rp,
				const struct bc_btf_span *u, size_t i,
				const struct bc_elf_sym *sym)
{
	unit_warn(rp, u, i, "callback address '%s'%+d is not on an instruction\n",
		  bc_elf_sym_name(rp->ctx->elf, sym),
		  rp->linked[u->linked_off + i].imm);
	return -BC_ERRNO__RELOC;
}

/* ld_imm64 of a code address (callback): libbpf's RELO_SUBPROG_ADDR. */
static int reloc_func_addr(struct rprog *rp, const struct bc_btf_span *u,
			   size_t i, const struct bc_elf_sym *sym)
{
	size_t at = u->linked_off + i, dst;
	__s64 addr = (__s64)sym->value + rp->linked[at].imm;
	int err;

	if (addr < 0 || addr % INSN_SZ)
		return bad_func_addr(rp, u, i, sym);
	err = link_target(rp, u, i, sym->shndx, addr / INSN_SZ, &dst);
	if (err)
		return err;
	rp->linked[at].src_reg = BPF_PSEUDO_FUNC;
	rp->linked[at].imm = (__s32)((__s64)dst - (__s64)at - 1);
	return 0;
}

/* Overlapping definitions: the first match in map order. */
static ssize_t find_def_overlap(const struct bc_object *obj,
				const struct rmaps *rm, __u64 off)
{
	size_t m, best = SIZE_MAX;

	for (m = 0; m < rm->def_cnt; m++)
		if (map_covers(obj->maps[rm->defs[m].idx], off) &&
		    rm->defs[m].idx < best)
			best = rm->defs[m].idx;
	return best == SIZE_MAX ? -1 : (ssize_t)best;
}

/*
 * The map whose definition takes in byte off of the section, -1 if none:
 * the last definition starting at or before off. Programs reference maps
 * in definition order more often than not, so the one after the last
 * found is tried before a binary search.
 */
static inline ssize_t find_def(const struct bc_object *obj, struct rmaps *rm,
			__u64 off)
{
	const struct rdef *d = rm->defs;
	size_t n = rm->def_cnt, h, lo, hi, mid;

	if (rm->overlap)
		return find_def_overlap(obj, rm, off);
	if (!n)
		return -1;
	h = rm->def_hint + 1 < n ? rm->def_hint + 1 : 0;
	if (d[h].off <= off && (h + 1 == n || d[h + 1].off > off)) {
		lo = h + 1;
	} else {
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (d[mid].off <= off)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo)
			return -1;
	}
	rm->def_hint = lo - 1;
	if (map_covers(obj->maps[d[lo - 1].idx], off))
		return d[lo - 1].idx;
	return -1;
}

static __cold int no_map(const struct rprog *rp, const struct bc_btf_span *u,
			 size_t i, const struct bc_elf_sym *sym, bool map_sec,
			 __u64 off)
{
	const char *name = bc_elf_sym_name(rp->ctx->elf, sym);
	const char *sname = rp->ctx->elf->secs[sym->shndx].name;

	if (map_sec)
		unit_warn(rp, u, i, "relocation against '%s' in section '%s' at offset %llu matches no map definition\n",
			  name, sname, (unsigned long long)off);
	else
		unit_warn(rp, u, i, "relocation against '%s' in section '%s', which holds no map, data or code\n",
			  name, sname);
	return unit_report(rp, u, i,
			   map_sec ? "reloc-no-map" : "reloc-unknown-target",
			   "relocation against '%s' in section '%s' %s",
			   name, sname, map_sec ?
			   "matches no map definition" :
			   "which holds no map, data or code") ?:
	       -BC_ERRNO__RELOC;
}

static __cold int bad_value_off(const struct rprog *rp,
				const struct bc_btf_span *u, size_t i,
				const struct bc_elf_sym *sym,
				const struct bc_map *data, __s64 voff)
{
	unit_warn(rp, u, i, "relocation against '%s' in section '%s': value offset %lld out of range\n",
		  bc_elf_sym_name(rp->ctx->elf, sym),
		  data->sec_name ? data->sec_name : "?", (long long)voff);
	return -BC_ERRNO__RELOC;
}

/* A reference to a global data section's value, or to nothing known. */
static int reloc_data(struct rprog *rp, const struct bc_btf_span *u, size_t i,
		      const struct bc_elf_sym *sym, const struct rmaps *rm,
		      __u64 off)
{
	size_t at = u->linked_off + i;
	struct bpf_insn *insn = &rp->linked[at];
	const struct bc_map *data = rm ? rm->data : NULL;
	__s64 voff;

	if (!data || rm->def_cnt)
		return no_map(rp, u, i, sym, rm && rm->def_cnt, off);
	voff = (__s64)(sym->type == STT_SECTION ? 0 : sym->value) + insn->imm;
	if (voff < 0 || voff > UINT32_MAX)
		return bad_value_off(rp, u, i, sym, data, voff);
	insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	insn[0].imm = 0;
	insn[1].imm = (__s32)voff;
	return add_fixup(rp, at, BC_FIX_MAP_VALUE, data->idx, (__u32)voff);
}

static inline int reloc_map(struct rprog *rp, const struct bc_btf_span *u,
			    size_t i, const struct bc_elf_rel *rel,
			    const struct bc_elf_sym *sym)
{
	size_t at = u->linked_off + i;
	struct bpf_insn *insn = &rp->linked[at];
	struct rsec *rs = rsec_of(rp->ctx, sym->shndx);
	ssize_t m;
	__u64 off;

	/* Static maps are reached through the section symbol plus imm. */
	off = sym->type == STT_SECTION ? (__u64)(__u32)insn->imm : sym->value;
	m = rs ? find_def(rp->ctx->obj, &rs->maps, off) : -1;
	if (m < 0)
		return reloc_data(rp, u, i, sym, rs ? &rs->maps : NULL, off);
	/* A section symbol's target depends on imm: not cached. */
	if (sym->type != STT_SECTION && (size_t)m < UINT32_MAX)
		rp->ctx->sym_map[rel->sym] = (__u32)m + 1;
	insn[0].src_reg = BPF_PSEUDO_MAP_FD;
	insn[0].imm = 0;
	return add_fixup(rp, at, BC_FIX_MAP_FD, m, 0);
}

/* ld_imm64 without a relocation, or without its second slot. */
static __cold int ld64_unrelocated(const struct rprog *rp,
				   const struct bc_btf_span *u, size_t i,
				   const struct bc_elf_rel *rel)
{
	const struct bpf_insn *insn = &rp->linked[u->linked_off + i];

	if (i + 1 >= u->cnt) {
		if (!rel && insn->src_reg != BPF_PSEUDO_FUNC)
			return 0;	/* the verifier reports it */
		unit_warn(rp, u, i, "ld_imm64 is missing its second slot\n");
		return -BC_ERRNO__RELOC;
	}
	if (insn->src_reg != BPF_PSEUDO_FUNC)
		return 0;
	unit_warn(rp, u, i, "callback address (BPF_PSEUDO_FUNC) without relocation\n");
	return -BC_ERRNO__RELOC;
}

static __cold int ld64_unresolved(const struct rprog *rp,
				  const struct bc_btf_span *u, size_t i,
				  const struct bc_elf_sym *sym)
{
	const char *name = bc_elf_sym_name(rp->ctx->elf, sym);

	if (sym->shndx == SHN_UNDEF && sym->bind != STB_LOCAL) {
		if (externs_resolved(rp->ctx->obj))
			unit_warn(rp, u, i, "reference to extern '%s', which is neither __kconfig nor __ksym in the object's BTF\n",
				  name);
		else
			unit_warn(rp, u, i, "reference to extern '%s': the %s convention resolves no externs\n",
				  name, rp->ctx->obj->dialect->desc->name);
		return unit_report(rp, u, i, "reloc-extern",
				   "reference to extern '%s'", name) ?:
		       -BC_ERRNO__UNSUPP;
	}
	unit_warn(rp, u, i, "relocation against unresolved symbol '%s' (extern / forgot to initialize global var?)\n",
		  name);
	return unit_report(rp, u, i, "reloc-unknown-symbol",
			   "relocation against unresolved symbol '%s'",
			   name) ?: -BC_ERRNO__RELOC;
}

/*
 * A __kconfig extern is its place in the .kconfig map, a __ksym one is
 * patched at load, as in libbpf.
 */
static int reloc_extern(struct rprog *rp, const struct bc_btf_span *u,
			size_t i, const struct bc_elf_rel *rel,
			const struct bc_elf_sym *sym)
{
	const struct bc_object *obj = rp->ctx->obj;
	size_t at = u->linked_off + i, idx;
	struct bpf_insn *insn = &rp->linked[at];
	const struct bc_kcfg *k = NULL;
	int err;

	if (sym->shndx != SHN_UNDEF || sym->bind == STB_LOCAL)
		return ld64_unresolved(rp, u, i, sym);
	if (obj->kcfg_map)
		k = bc_kconfig_find(obj, bc_elf_sym_name(rp->ctx->elf, sym));
	if (!k) {
		err = ksym_of(rp, rel, sym, &idx);
		if (err == -ENOENT)
			return ld64_unresolved(rp, u, i, sym);
		return err ?: add_fixup(rp, at, BC_FIX_KSYM, idx, 0);
	}
	insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	insn[0].imm = 0;
	insn[1].imm = k->off;
	return add_fixup(rp, at, BC_FIX_MAP_VALUE, obj->kcfg_map->idx, k->off);
}

static int reloc_ld64(struct rprog *rp, const struct bc_btf_span *u, size_t i,
		      const struct bc_elf_rel *rel)
{
	const struct bc_elf *elf = rp->ctx->elf;
	const struct bc_elf_sym *sym;

	if (unlikely(!rel || i + 1 >= u->cnt))
		return ld64_unrelocated(rp, u, i, rel);
	sym = &elf->syms[rel->sym];
	if (unlikely(sym->shndx == SHN_UNDEF || sym->shndx >= elf->sec_cnt))
		return reloc_extern(rp, u, i, rel, sym);
	if (elf->secs[sym->shndx].exec)
		return reloc_func_addr(rp, u, i, sym);
	return reloc_map(rp, u, i, rel, sym);
}

/*
 * A reference to a map symbol resolved before: the checks of
 * reloc_ld64() passed for that symbol then and hold for it now, only the
 * second slot is this site's own.
 */
static inline int reloc_ld64_cached(struct rprog *rp,
				    const struct bc_btf_span *u, size_t i,
				    const struct bc_elf_rel *rel)
{
	struct bpf_insn *insn;
	size_t at;
	__u32 m;

	if (!rel || i + 1 >= u->cnt || !(m = rp->ctx->sym_map[rel->sym]))
		return reloc_ld64(rp, u, i, rel);
	at = u->linked_off + i;
	insn = &rp->linked[at];
	insn->src_reg = BPF_PSEUDO_MAP_FD;
	insn->imm = 0;
	return add_fixup(rp, at, BC_FIX_MAP_FD, m - 1, 0);
}

static __cold int bad_insn_rel(const struct rprog *rp,
			       const struct bc_btf_span *u, size_t i,
			       const struct bc_elf_rel *rel, __u8 code)
{
	unit_warn(rp, u, i, "relocation against '%s' on insn code 0x%02x, neither ld_imm64 nor call\n",
		  bc_elf_sym_name(rp->ctx->elf, &rp->ctx->elf->syms[rel->sym]),
		  code);
	return -BC_ERRNO__RELOC;
}

/* Opcodes the scan stops at: bpf2bpf calls and ld_imm64 may need work. */
static const bool scan_stop[256] = {
	[INSN_CALL] = true,
	[INSN_LD_IMM64] = true,
};

/* Step over instructions that are neither call nor ld_imm64, 4 at once. */
static inline const struct bpf_insn *skip_plain(const struct bpf_insn *p,
					 const struct bpf_insn *stop)
{
	while (stop - p >= 4 &&
	       !(scan_stop[p[0].code] | scan_stop[p[1].code] |
		 scan_stop[p[2].code] | scan_stop[p[3].code]))
		p += 4;
	while (p < stop && !scan_stop[p->code])
		p++;
	return p;
}

/*
 * Advance fr to the next instruction of u that may need work, and return
 * its index (u->cnt if none is left): one that a relocation targets, a
 * bpf2bpf call or an ld_imm64. Helper calls and ld_imm64 without a
 * relocation or callback flag need none and are stepped over.
 */
static inline size_t scan_unit(const struct rprog *rp,
			       const struct bc_btf_span *u, struct rframe *fr)
{
	const struct rsec *rs = fr->rs;
	const struct bpf_insn *insns = rp->linked + u->linked_off;
	const struct bpf_insn *end = insns + u->cnt, *stop = end, *p;
	__u64 rel_off, off;

	if (fr->pos >= u->cnt)
		return u->cnt;
	p = insns + fr->pos;
	/* Stop at the instruction the next relocation targets. */
	if (fr->rel < rs->rel_cnt) {
		rel_off = rs->rels[fr->rel].offset;
		off = u->off + (__u64)fr->pos * INSN_SZ;
		if (rel_off <= off)
			stop = p;
		else if ((rel_off - u->off) / INSN_SZ < u->cnt)
			stop = insns + (rel_off - u->off + INSN_SZ - 1) /
				       INSN_SZ;
	}
	for (;;) {
		p = skip_plain(p, stop);
		if (p >= stop)
			break;
		if (p->code == INSN_CALL) {
			if (p->src_reg == BPF_PSEUDO_CALL)
				break;
			p++;	/* helper, or kfunc by BTF id */
			continue;
		}
		if (p->src_reg == BPF_PSEUDO_FUNC || p + 1 >= end)
			break;
		p += 2;	/* the second slot is never an instruction */
	}
	/* Keep the cursor on the first relocation not before p. */
	off = u->off + (__u64)(p - insns) * INSN_SZ;
	while (fr->rel < rs->rel_cnt && rs->rels[fr->rel].offset < off)
		fr->rel++;
	return p - insns;
}

/*
 * Depth-first walk, iterative so hostile call chains cannot blow the
 * stack. Each frame merges its unit's instructions with the section's
 * relocations, sorted by offset: one cursor, no search per instruction.
 */
static int link_prog(struct rprog *rp)
{
	const struct bc_prog *prog = rp->prog;
	int err;

	err = add_unit(rp, prog->sec_idx, prog->sec_off, prog->insn_cnt, NULL);
	if (err)
		return err;
	while (rp->depth) {
		struct rframe *fr = &rp->stack[rp->depth - 1];
		const struct bc_btf_span *u = &rp->units[fr->unit];
		struct rsec *rs = fr->rs;
		const struct bc_elf_rel *rel = NULL;
		size_t i;
		__u8 code;

		i = scan_unit(rp, u, fr);
		if (i >= u->cnt) {
			/* The next unit of the section likely starts here. */
			rs->rel_hint = fr->rel;
			rp->depth--;
			continue;
		}
		if (fr->rel < rs->rel_cnt &&
		    rs->rels[fr->rel].offset == u->off + (__u64)i * INSN_SZ)
			rel = &rs->rels[fr->rel++];
		code = rp->linked[u->linked_off + i].code;
		/* Advance first: relocating may push the callee's frame. */
		fr->pos = i + (code == INSN_LD_IMM64 ? 2 : 1);
		if (code == INSN_LD_IMM64)
			err = reloc_ld64_cached(rp, u, i, rel);
		else if (code == INSN_CALL)
			err = reloc_call(rp, u, i, rel);
		else if (rel)
			err = bad_insn_rel(rp, u, i, rel, code);
		if (err)
			return err;
	}
	return 0;
}

static int check_entry(struct rctx *ctx, const struct bc_prog *prog)
{
	const struct bc_elf_sec *sec = bc_elf_sec(ctx->elf, prog->sec_idx);

	if (!sec || !sec->exec || !prog->insns || !prog->insn_cnt ||
	    prog->sec_off % INSN_SZ ||
	    !range_ok(prog->sec_off, (__u64)prog->insn_cnt * INSN_SZ,
		      sec->size)) {
		pr_warn("reloc: %s: prog '%s': code range %llu+%zu insns is not inside an executable section (section %d)\n",
			ctx->path, prog->name,
			(unsigned long long)prog->sec_off, prog->insn_cnt,
			prog->sec_idx);
		return -BC_ERRNO__RELOC;
	}
	return 0;
}

/* func/line info follow the code: same units, same linked offsets. */
static int prog_btf_info(struct rprog *rp)
{
	return bc_btf_prog_info(rp->ctx->obj, rp->prog, rp->units,
				rp->unit_cnt);
}

static void progs_reset(struct bc_object *obj)
{
	size_t i;

	for (i = 0; i < obj->prog_cnt; i++) {
		struct bc_prog *prog = obj->progs[i];

		if (prog->linked_own)
			free(prog->linked);
		prog->linked = NULL;
		prog->linked_own = false;
		prog->linked_cnt = 0;
		prog->fixups = NULL;
		prog->fixup_cnt = 0;
		prog->spans = NULL;
		prog->span_cnt = 0;
	}
	free(obj->fixups);
	obj->fixups = NULL;
	free(obj->spans);
	obj->spans = NULL;
	free(obj->code);
	obj->code = NULL;
}

/* Fixups are added in walk order: sorted unless a callee came between. */
static void sort_fixups(struct bc_fixup *fix, size_t cnt)
{
	size_t i;

	for (i = 1; i < cnt; i++) {
		if (fix[i - 1].insn < fix[i].insn)
			continue;
		qsort(fix, cnt, sizeof(*fix), cmp_fixup);
		return;
	}
}

/*
 * The blocks move while they grow: programs point into them once all are
 * done, each at its slices, in program order.
 */
static void give_blocks(struct rctx *ctx, struct bc_object *obj)
{
	size_t i, at = 0, span_at = 0, code_at = 0;

	for (i = 0; i < obj->prog_cnt; i++) {
		struct bc_prog *prog = obj->progs[i];

		if (prog->linked_cnt) {
			prog->linked = ctx->code + code_at;
			code_at += prog->linked_cnt;
		}
		if (prog->fixup_cnt) {
			prog->fixups = ctx->fix + at;
			at += prog->fixup_cnt;
		}
		if (prog->span_cnt) {
			prog->spans = ctx->spans + span_at;
			span_at += prog->span_cnt;
		}
	}
	if (ctx->fix_used) {
		obj->fixups = ctx->fix;
		ctx->fix = NULL;
	}
	if (ctx->span_used) {
		obj->spans = ctx->spans;
		ctx->spans = NULL;
	}
	if (ctx->code_used) {
		obj->code = ctx->code;
		ctx->code = NULL;
	}
}

/* Keep rp's units for bc_btf_prog_info_fill(), after the programs done. */
static int keep_spans(struct rprog *rp)
{
	struct rctx *ctx = rp->ctx;
	size_t need = ctx->span_used + rp->unit_cnt;
	struct bc_btf_span *s;

	if (!rp->prog->func_info_cnt && !rp->prog->line_info_cnt)
		return 0;
	s = bc_grow(ctx->spans, &ctx->span_cap, need, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ctx->spans = s;
	memcpy(ctx->spans + ctx->span_used, rp->units,
	       rp->unit_cnt * sizeof(*rp->units));
	ctx->span_used = need;
	rp->prog->span_cnt = rp->unit_cnt;
	return 0;
}

static int reloc_prog(struct rctx *ctx, struct bc_prog *prog)
{
	struct rprog rp = {
		.ctx = ctx, .prog = prog, .base = ctx->code_used,
		.units = ctx->units, .stack = ctx->stack,
	};
	size_t i;
	int err;

	err = check_entry(ctx, prog);
	if (!err)
		err = link_prog(&rp);
	if (!err)
		err = prog_btf_info(&rp);
	if (!err)
		err = keep_spans(&rp);
	/* Per-program function state is reset for the next entry. */
	for (i = 1; i < rp.unit_cnt; i++)
		ctx->unit_funcs[i]->linked_off = NOT_LINKED;
	if (err) {
		/* Its code is overwritten by the next program's. */
		bc_btf_prog_info_free(prog);
		return err;
	}
	/* Kept: the next program's fixups come after these. */
	if (rp.fix_cnt) {
		sort_fixups(ctx->fix + ctx->fix_used, rp.fix_cnt);
		ctx->fix_used += rp.fix_cnt;
	}
	ctx->code_used += rp.cnt;
	prog->linked_cnt = rp.cnt;	/* pointers: give_blocks() */
	prog->fixup_cnt = rp.fix_cnt;
	pr_debug("reloc: %s: prog '%s': %zu insns linked (%zu own), %zu fixups\n",
		 ctx->path, prog->name, rp.cnt, prog->insn_cnt, rp.fix_cnt);
	return 0;
}

int bc_reloc(struct bc_object *obj)
{
	struct rctx ctx = {};
	char msg[128];
	size_t i;
	int err;

	if (!obj || !obj->elf)
		return bc_err(-EINVAL);
	progs_reset(obj);
	obj->relocated = false;
	obj->ksym_cnt = 0;
	err = ctx_init(&ctx, obj);
	if (err)
		return bc_err(err);
	for (i = 0; i < obj->prog_cnt; i++) {
		struct bc_prog *prog = obj->progs[i];

		err = reloc_prog(&ctx, prog);
		if (!err)
			continue;
		/* Checking: the finding is reported, look at the next one. */
		if (obj->checking && err != -ENOMEM) {
			err = 0;
			continue;
		}
		if (prog->autoload || err == -ENOMEM)
			goto out;
		/* Not loaded anyway: keep the object usable. */
		bc_strerror(err, msg, sizeof(msg));
		pr_warn("reloc: %s: prog '%s': not autoloaded, left unrelocated: %s\n",
			ctx.path, prog->name, msg);
		err = 0;
	}
	give_blocks(&ctx, obj);
	obj->relocated = true;
out:
	if (err)
		progs_reset(obj);
	ctx_free(&ctx);
	return bc_err(err);
}
