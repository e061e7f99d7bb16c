// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The descriptor-driven collector: turns the validated ELF into maps,
 * programs, license and kernel version, following only what the dialect's
 * descriptor says. Dialect hooks run at fixed points for what a descriptor
 * cannot express. Every byte read here comes from the object, so every
 * offset is checked against its section first (HARDENING.md §3.4).
 */
#include <ctype.h>
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <bpf/btf.h>

#include "btf.h"
#include "check.h"
#include "dialect.h"
#include "kconfig.h"
#include "object.h"

#define BC_LICENSE_MAX	127
#define BC_MAP_REC_SMALL	128
#define BC_MAP_FIELDS_SMALL	32
#define BC_MAP_RECS_SMALL	16
#define BC_FUNCS_SMALL		32
#define BC_HOST_BIG_ENDIAN	(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

static const struct bc_desc *obj_desc(const struct bc_object *obj)
{
	return obj->dialect->desc;
}

static const struct bc_dialect_ops *obj_ops(const struct bc_object *obj)
{
	return obj->dialect->ops;
}

/* ---- license and version ------------------------------------------------ */

static const struct bc_elf_sec *special_sec(const struct bc_object *obj,
					    const char *name)
{
	const struct bc_elf *elf = obj->elf;
	size_t i, len;

	if (!name)
		return NULL;
	if (!obj_desc(obj)->special.prefix_match)
		return bc_elf_sec_by_name(elf, name);
	len = strlen(name);
	for (i = 1; i < elf->sec_cnt; i++)
		if (!strncmp(elf->secs[i].name, name, len))
			return &elf->secs[i];
	return NULL;
}

static int collect_license(struct bc_object *obj)
{
	const struct bc_elf_sec *sec;

	sec = special_sec(obj, obj_desc(obj)->special.license_sec);
	if (!sec) {
		if (!obj_desc(obj)->special.license_sec)
			return 0;
		return bc_report(obj, "license-missing", BC_SEV_WARNING,
				 obj_desc(obj)->special.license_sec, NULL,
				 BC_NO_OFFSET,
				 "no license section: GPL-only helpers are refused");
	}
	if (!sec->data || !memchr(sec->data, '\0', sec->size)) {
		pr_warn("collect: %s: section '%s': license not NUL-terminated\n",
			obj->path, sec->name);
		return bc_report(obj, "license-unterminated", BC_SEV_ERROR,
				 sec->name, NULL, 0,
				 "license not NUL-terminated") ?:
		       bc_check_survive(obj, -BC_ERRNO__FORMAT);
	}
	return bc_object_set_license(obj, sec->data, BC_LICENSE_MAX);
}

static int collect_version(struct bc_object *obj)
{
	const struct bc_desc_special *sp = &obj_desc(obj)->special;
	const struct bc_elf_sec *sec;
	bool prefix;
	__u32 ver;

	obj->kversion = sp->kver_default == BC_KVER_RUNNING ?
			bc_running_kversion() : 0;
	obj->kversion_explicit = false;
	sec = special_sec(obj, sp->version_sec);
	if (!sec)
		return 0;
	prefix = sp->version_size == BC_VERSION_PREFIX;
	if (!sec->data || sec->size < 4 || (!prefix && sec->size != 4)) {
		pr_warn("collect: %s: section '%s': size %llu, expected %s4\n",
			obj->path, sec->name, (unsigned long long)sec->size,
			prefix ? "at least " : "");
		return bc_report(obj, "version-size", BC_SEV_ERROR, sec->name,
				 NULL, 0, "version section of %llu bytes, not %s4",
				 (unsigned long long)sec->size,
				 prefix ? "at least " : "") ?:
		       bc_check_survive(obj, -BC_ERRNO__FORMAT);
	}
	ver = bc_read_u32(sec->data, obj->elf->big_endian);
	/* The magic value asks for the running kernel's version. */
	if (sp->has_kver_magic && ver == sp->kver_magic) {
		obj->kversion = bc_running_kversion();
		return 0;
	}
	obj->kversion = ver;
	obj->kversion_explicit = true;
	return 0;
}

/* ---- symbols of a section ---------------------------------------------- */

/*
 * Maps and programs walk the symbols of one section at a time: the ELF's
 * per-section chains, linked in one pass, spare each walk the others.
 * Section numbers past the chains' reach fall back to the whole table.
 */
static void index_syms(struct bc_object *obj)
{
	struct bc_elf *elf = obj->elf;
	size_t i, walks = 1;	/* a maps section, most often */

	if (elf->sec_cnt > SHN_LORESERVE)
		return;
	/* Linking costs about two plain walks: not worth it for fewer. */
	for (i = 1; i < elf->sec_cnt && walks <= 2; i++)
		walks += elf->secs[i].exec;
	if (walks > 2)
		bc_elf_index_syms(elf);
}

/* The next symbol of sec after index i (0: the first), 0 at the end. */
static inline size_t sec_sym_next(const struct bc_elf *elf,
				  const struct bc_elf_sec *sec, size_t i)
{
	if (elf->syms_indexed)
		return i ? elf->syms[i].next_in_sec : sec->sym_first;
	for (i++; i < elf->sym_cnt; i++)
		if (elf->syms[i].shndx == sec->idx)
			return i;
	return 0;
}

#define for_each_sec_sym(elf, sec, i)					\
	for (i = sec_sym_next(elf, sec, 0); i; i = sec_sym_next(elf, sec, i))

/* The symbols a walk keeps: bit STT_x of types, bit STB_x of binds. */
struct sym_kinds {
	__u32 types;
	__u32 binds;
};

static const struct sym_kinds func_kinds = { 1U << STT_FUNC, ~0U };

/* type and bind are 4-bit fields of st_info: the shifts stay in range. */
static inline bool sym_kept(const struct bc_elf_sym *s,
			    const struct sym_kinds *k)
{
	return (k->types >> s->type & 1) && (k->binds >> s->bind & 1);
}

/*
 * The symbols of sec of kinds k, in index order: the first cap of them
 * into out. Returns how many there are, so that a caller short of room
 * can call again with enough.
 */
static size_t sec_syms(const struct bc_elf *elf, const struct bc_elf_sec *sec,
		       const struct sym_kinds *k,
		       const struct bc_elf_sym **out, size_t cap)
{
	const struct bc_elf_sym *s, *end = elf->syms + elf->sym_cnt;
	const size_t idx = sec->idx;
	size_t i, n = 0;

	if (elf->syms_indexed) {
		for (i = sec->sym_first; i; i = s->next_in_sec) {
			s = &elf->syms[i];
			if (sym_kept(s, k) && n++ < cap)
				out[n - 1] = s;
		}
		return n;
	}
	/* Bounds in locals: with aliasing rules off, the stores to out[]
	 * would reload them on every symbol. */
	for (s = elf->syms + 1; s < end; s++) {
		if (s->shndx == idx && sym_kept(s, k) && n++ < cap)
			out[n - 1] = s;
	}
	return n;
}

/* ---- map records ------------------------------------------------------- */

/* One definition record in a maps section. */
struct map_rec {
	const struct bc_elf_sym *sym;	/* NULL only for whole-section maps */
	__u64 off;
	__u64 size;
	size_t map_idx;			/* obj->maps index once created */
};

struct map_sec {
	struct bc_object *obj;
	const struct bc_elf_sec *sec;
	const char *rest;		/* name past the matched prefix */
	struct map_rec *recs;		/* BC_MAP_RECS_SMALL of the caller's,
					 * or allocated */
	size_t cnt;
	struct field_op *ops;		/* per descriptor field */
};

/* How a descriptor field is stored, decided once per section. */
struct field_op {
	signed char u32_idx;		/* u32_fields[] index, or -1 */
	bool direct;			/* 4-byte uint to u32: a plain load */
	__u16 off;			/* of that u32 in struct bc_map */
};

static struct sym_kinds map_sym_kinds(const struct bc_desc_maps *dm)
{
	if (dm->symbols == BC_SYMS_ALL)
		return (struct sym_kinds){ ~(1U << STT_SECTION), ~0U };
	return (struct sym_kinds){ 1U << STT_NOTYPE | 1U << STT_OBJECT,
				   1U << STB_GLOBAL };
}

static int rec_cmp(const void *a, const void *b)
{
	const struct map_rec *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static void rec_set(struct map_rec *r, const struct bc_elf_sym *sym)
{
	*r = (struct map_rec){ .sym = sym, .off = sym->value,
			       .size = sym->size };
}

/*
 * The section's map symbols by offset, in ms->recs: the caller's small
 * array if they fit (one walk), else an allocated one (a second walk).
 */
static int map_sec_syms(struct map_sec *ms)
{
	const struct bc_elf_sym *small[BC_MAP_RECS_SMALL], **syms = small;
	const struct sym_kinds k = map_sym_kinds(&obj_desc(ms->obj)->maps);
	const struct bc_elf *elf = ms->obj->elf;
	size_t i, n;

	n = sec_syms(elf, ms->sec, &k, small, ARRAY_SIZE(small));
	if (n > BC_MAX_MAPS) {
		pr_warn("collect: %s: section '%s': %zu map symbols exceed the limit of %u\n",
			ms->obj->path, ms->sec->name, n, BC_MAX_MAPS);
		return -E2BIG;
	}
	bc_object_reserve(ms->obj, n, 0);
	if (n > ARRAY_SIZE(small)) {
		syms = malloc(n * sizeof(*syms));
		ms->recs = malloc(n * sizeof(*ms->recs));
		if (!syms || !ms->recs) {
			free(syms);
			return -ENOMEM;
		}
		sec_syms(elf, ms->sec, &k, syms, n);
	}
	for (i = 0; i < n; i++)
		rec_set(&ms->recs[i], syms[i]);
	if (syms != small)
		free(syms);
	ms->cnt = n;
	/* Compilers emit symbols in offset order: sort only if they are not. */
	for (i = 1; i < n; i++) {
		if (ms->recs[i].off < ms->recs[i - 1].off) {
			qsort(ms->recs, n, sizeof(*ms->recs), rec_cmp);
			break;
		}
	}
	return 0;
}

static int check_rec_size(const struct map_sec *ms, const char *what,
			  __u64 size, bool divided)
{
	const struct bc_desc_maps *dm = &obj_desc(ms->obj)->maps;

	if (divided && size % 4) {
		pr_warn("collect: %s: section '%s': %s: record size %llu is not a multiple of 4\n",
			ms->obj->path, ms->sec->name, what,
			(unsigned long long)size);
		return bc_report(ms->obj, "map-record-size", BC_SEV_ERROR,
				 ms->sec->name, NULL, BC_NO_OFFSET,
				 "record size %llu (%s) is not a multiple of 4",
				 (unsigned long long)size, what) ?:
		       -BC_ERRNO__FORMAT;
	}
	if (size < dm->min_size || (dm->max_size && size > dm->max_size)) {
		pr_warn("collect: %s: section '%s': %s: record size %llu outside [%u, %u] bytes\n",
			ms->obj->path, ms->sec->name, what,
			(unsigned long long)size, dm->min_size,
			dm->max_size ? dm->max_size : UINT32_MAX);
		return bc_report(ms->obj, "map-record-size", BC_SEV_ERROR,
				 ms->sec->name, NULL, BC_NO_OFFSET,
				 "record size %llu (%s) outside [%u, %u] bytes",
				 (unsigned long long)size, what, dm->min_size,
				 dm->max_size ? dm->max_size : UINT32_MAX) ?:
		       -BC_ERRNO__FORMAT;
	}
	return 0;
}

/* Record size = section size / number of map symbols (0.x, perf, tc). */
static int recs_divide(struct map_sec *ms)
{
	__u64 size = ms->sec->size, rec;
	size_t i;
	int err;

	if (!ms->cnt || !size || size % ms->cnt) {
		pr_warn("collect: %s: section '%s': size %llu is not a multiple of %zu map symbols\n",
			ms->obj->path, ms->sec->name,
			(unsigned long long)size, ms->cnt);
		return bc_report(ms->obj, "map-record-size", BC_SEV_ERROR,
				 ms->sec->name, NULL, BC_NO_OFFSET,
				 "section size %llu is not a multiple of %zu map symbols",
				 (unsigned long long)size, ms->cnt) ?:
		       -BC_ERRNO__FORMAT;
	}
	rec = size / ms->cnt;
	err = check_rec_size(ms, "derived from the symbol count", rec, true);
	if (err)
		return err;
	for (i = 0; i < ms->cnt; i++)
		ms->recs[i].size = rec;
	return 0;
}

static int recs_whole(struct map_sec *ms)
{
	/* One map; the symbol at offset 0, if any, names it. */
	if (!ms->cnt || ms->recs[0].off != 0)
		ms->recs[0].sym = NULL;
	ms->recs[0].off = 0;
	ms->recs[0].size = ms->sec->size;
	ms->cnt = 1;
	return check_rec_size(ms, "section", ms->sec->size, false);
}

static int rec_layout(const struct map_sec *ms, const struct map_rec *r)
{
	return bc_report(ms->obj, "map-record-layout", BC_SEV_ERROR,
			 ms->sec->name, r->sym->name, r->off,
			 "map records do not tile the section (mixed definition sizes, overlap or a stray variable)") ?:
	       -BC_ERRNO__FORMAT;
}

/*
 * Every record lies inside the section, starts on a record boundary (for
 * derived sizes) and does not overlap the next. With n symbols, n equal
 * slots and distinct aligned offsets, every slot has exactly one symbol.
 */
static int recs_check(const struct map_sec *ms, bool aligned)
{
	const char *path = ms->obj->path, *sec = ms->sec->name;
	const struct map_rec *r;
	size_t i;
	int err;

	for (i = 0; i < ms->cnt; i++) {
		r = &ms->recs[i];
		if (!aligned) {
			err = check_rec_size(ms, r->sym->name, r->size, false);
			if (err)
				return err;
		}
		if (r->size > ms->sec->size ||
		    r->off > ms->sec->size - r->size) {
			pr_warn("collect: %s: section '%s': map '%s' at offset %llu: record of %llu bytes overruns the section (%llu bytes)\n",
				path, sec, r->sym->name,
				(unsigned long long)r->off,
				(unsigned long long)r->size,
				(unsigned long long)ms->sec->size);
			return rec_layout(ms, r);
		}
		/* A symbol bigger than its slot: the division guessed wrong. */
		if (aligned && r->sym->size > r->size) {
			pr_warn("collect: %s: section '%s': map '%s' at offset %llu: symbol size %llu exceeds the %llu-byte record\n",
				path, sec, r->sym->name,
				(unsigned long long)r->off,
				(unsigned long long)r->sym->size,
				(unsigned long long)r->size);
			return rec_layout(ms, r);
		}
		if (aligned && r->off % r->size) {
			pr_warn("collect: %s: section '%s': map '%s' at offset %llu: not on a %llu-byte record boundary (mixed definition sizes or a stray variable?)\n",
				path, sec, r->sym->name,
				(unsigned long long)r->off,
				(unsigned long long)r->size);
			return rec_layout(ms, r);
		}
		if (i && r->off < ms->recs[i - 1].off + ms->recs[i - 1].size) {
			pr_warn("collect: %s: section '%s': map '%s' at offset %llu overlaps map '%s'\n",
				path, sec, r->sym->name,
				(unsigned long long)r->off,
				ms->recs[i - 1].sym->name);
			return rec_layout(ms, r);
		}
	}
	return 0;
}

static int map_recs(struct map_sec *ms)
{
	int err;

	err = map_sec_syms(ms);
	if (err)
		return err;
	if (!ms->sec->data && ms->sec->size) {
		pr_warn("collect: %s: section '%s': map section has no data (SHT_NOBITS)\n",
			ms->obj->path, ms->sec->name);
		return -BC_ERRNO__FORMAT;
	}
	switch (obj_desc(ms->obj)->maps.size_rule) {
	case BC_REC_SECTION_DIV_SYMBOLS:
		return recs_divide(ms) ?: recs_check(ms, true);
	case BC_REC_SYMBOL_SIZE:
		return recs_check(ms, false);
	case BC_REC_WHOLE_SECTION:
		return recs_whole(ms);
	}
	return -EINVAL;
}

/* ---- map fields ------------------------------------------------------- */

static const unsigned char *rec_bytes(const struct map_sec *ms,
				      const struct map_rec *r)
{
	return (const unsigned char *)ms->sec->data + r->off;
}

static __u64 read_uint(const unsigned char *p, __u32 size, bool be)
{
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return be ? (__u16)(p[0] << 8 | p[1]) :
			    (__u16)(p[1] << 8 | p[0]);
	case 4:
		return bc_read_u32(p, be);
	default:
		return bc_read_u64(p, be);
	}
}

static int set_u32(struct map_sec *ms, struct bc_map *map,
		   const struct bc_desc_field *f, __u64 v, __u32 *dst)
{
	if (v > UINT32_MAX) {
		pr_warn("collect: %s: section '%s': map '%s': field '%s' value %llu does not fit 32 bits\n",
			ms->obj->path, ms->sec->name, map->name, f->name,
			(unsigned long long)v);
		return bc_report(ms->obj, "map-field-range", BC_SEV_ERROR,
				 ms->sec->name, map->name, map->sec_off,
				 "field '%s' value %llu does not fit 32 bits",
				 f->name, (unsigned long long)v) ?:
		       -BC_ERRNO__FORMAT;
	}
	*dst = v;
	return 0;
}

/* Generic 32-bit fields by descriptor name. */
static const struct {
	const char *name;
	size_t off;
} u32_fields[] = {
	{ "type", offsetof(struct bc_map, type) },
	{ "key_size", offsetof(struct bc_map, key_size) },
	{ "value_size", offsetof(struct bc_map, value_size) },
	{ "max_entries", offsetof(struct bc_map, max_entries) },
	{ "flags", offsetof(struct bc_map, map_flags) },
	{ "numa_node", offsetof(struct bc_map, numa_node) },
	{ "pinning", offsetof(struct bc_map, pinning) },
};

/* The u32_fields[] index of a descriptor field name, or -1. */
static signed char u32_field(const char *n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(u32_fields); i++)
		if (u32_fields[i].name[0] == n[0] &&
		    !strcmp(u32_fields[i].name, n))
			return i;
	return -1;
}

/* Four bytes always fit a u32 field: such a field needs no range check. */
static void field_op_init(struct field_op *op, const struct bc_desc_field *f)
{
	op->u32_idx = u32_field(f->name);
	op->direct = op->u32_idx >= 0 && f->kind == BC_FIELD_UINT &&
		     f->size == 4;
	op->off = op->u32_idx >= 0 ? u32_fields[op->u32_idx].off : 0;
}

static int set_field(struct map_sec *ms, struct bc_map *map,
		     const struct bc_desc_field *f, int dst,
		     const unsigned char *p)
{
	bool be = ms->obj->elf->big_endian;
	const char *n = f->name;
	char num[24];
	__u64 v;

	if (f->kind == BC_FIELD_STRING) {
		if (!memchr(p, '\0', f->size)) {
			pr_warn("collect: %s: section '%s': map '%s': field '%s' is not NUL-terminated within %u bytes\n",
				ms->obj->path, ms->sec->name, map->name, n,
				f->size);
			return bc_report(ms->obj, "map-field-string",
					 BC_SEV_ERROR, ms->sec->name, map->name,
					 map->sec_off,
					 "field '%s' is not NUL-terminated", n) ?:
			       -BC_ERRNO__FORMAT;
		}
		return bc_attr_add(&map->attrs, &map->attr_cnt, n,
				   (const char *)p);
	}
	v = read_uint(p, f->size, be);
	if (dst >= 0)
		return set_u32(ms, map, f, v,
			       (__u32 *)((char *)map + u32_fields[dst].off));
	if (!strcmp(n, "map_extra")) {
		map->map_extra = v;
		return 0;
	}
	if (!strcmp(n, "inner_map_idx")) {
		/* Resolved once the whole section is read; park it here. */
		map->inner_idx = v > INT32_MAX ? INT32_MAX : (int)v;
		return 0;
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return bc_attr_add(&map->attrs, &map->attr_cnt, n, num);
}

/*
 * The record zero-extended to the layout: fields past a short record read
 * as 0 when the dialect allows it (libbpf 0.x copies min(size, 20) bytes
 * into a zeroed struct), else they are an error.
 */
static int map_fields(struct map_sec *ms, struct bc_map *map,
		      const struct map_rec *r)
{
	const struct bc_desc_maps *dm = &obj_desc(ms->obj)->maps;
	const unsigned char *rec = rec_bytes(ms, r);
	unsigned char small[BC_MAP_REC_SMALL], *buf = NULL;
	bool swap = ms->obj->elf->big_endian != BC_HOST_BIG_ENDIAN;
	bool whole = r->size >= dm->layout_size;
	size_t i, len = dm->layout_size;
	int err = 0;
	__u32 v;

	/* A record that covers the layout is read where it lies. Short ones
	 * are copied: legacy ones (20-40 bytes) with no allocation. */
	if (!whole) {
		buf = len > sizeof(small) ? malloc(len) : small;
		if (!buf)
			return -ENOMEM;
		if (r->size)
			memcpy(buf, rec, r->size);
		memset(buf + r->size, 0, len - r->size);
		rec = buf;
	}
	for (i = 0; i < dm->field_cnt && !err; i++) {
		const struct bc_desc_field *f = &dm->fields[i];
		const struct field_op *op = &ms->ops[i];

		if (!whole && (__u64)f->offset + f->size > r->size &&
		    !dm->zero_extend) {
			pr_warn("collect: %s: section '%s': map '%s': field '%s' (bytes %u..%u) lies past the %llu-byte record\n",
				ms->obj->path, ms->sec->name, map->name,
				f->name, f->offset, f->offset + f->size - 1,
				(unsigned long long)r->size);
			err = bc_report(ms->obj, "map-record-short",
					BC_SEV_ERROR, ms->sec->name, map->name,
					r->off,
					"field '%s' lies past the %llu-byte record",
					f->name, (unsigned long long)r->size) ?:
			      -BC_ERRNO__FORMAT;
			break;
		}
		if (op->direct) {
			memcpy(&v, rec + f->offset, sizeof(v));
			*(__u32 *)((char *)map + op->off) =
				swap ? __builtin_bswap32(v) : v;
			continue;
		}
		err = set_field(ms, map, f, op->u32_idx, rec + f->offset);
	}
	if (buf && buf != small)
		free(buf);
	return err;
}

static int map_trailing(struct map_sec *ms, const struct bc_map *map,
			const struct map_rec *r)
{
	const struct bc_desc_maps *dm = &obj_desc(ms->obj)->maps;
	const unsigned char *rec = rec_bytes(ms, r);
	__u64 i;

	if (dm->trailing == BC_TRAIL_IGNORE)
		return 0;
	for (i = dm->layout_size; i < r->size; i++) {
		if (!rec[i])
			continue;
		pr_warn("collect: %s: section '%s': map '%s': record bytes %u..%llu are not zero (unknown options: a newer or another loader's map struct?)\n",
			ms->obj->path, ms->sec->name, map->name,
			dm->layout_size, (unsigned long long)r->size - 1);
		return bc_report(ms->obj, "map-record-trailing", BC_SEV_ERROR,
				 ms->sec->name, map->name, r->off,
				 "record bytes %u..%llu are not zero",
				 dm->layout_size,
				 (unsigned long long)r->size - 1) ?:
		       bc_check_survive(ms->obj, -BC_ERRNO__FORMAT);
	}
	return 0;
}

static const char *map_name(struct map_sec *ms, const struct map_rec *r)
{
	switch (obj_desc(ms->obj)->maps.name_from) {
	case BC_NAME_SYMBOL:
		return r->sym && r->sym->name[0] ? r->sym->name : NULL;
	case BC_NAME_SECTION_SUFFIX:
		return ms->rest && ms->rest[0] ? ms->rest : NULL;
	case BC_NAME_SECTION:
		return ms->sec->name;
	}
	return NULL;
}

static int map_new(struct map_sec *ms, struct map_rec *r)
{
	const struct bc_desc *desc = obj_desc(ms->obj);
	const char *path = ms->obj->path, *sec = ms->sec->name;
	const char *name = map_name(ms, r);
	struct bc_map *map;
	int err;

	if (!name) {
		pr_warn("collect: %s: section '%s': map at offset %llu has no name\n",
			path, sec, (unsigned long long)r->off);
		return bc_report(ms->obj, "map-name-missing", BC_SEV_ERROR,
				 sec, NULL, r->off, "map without a name") ?:
		       -BC_ERRNO__FORMAT;
	}
	if (r->sym && r->sym->bind == STB_LOCAL && !desc->maps.allow_static) {
		pr_warn("collect: %s: section '%s': map '%s': static maps are not supported by %s\n",
			path, sec, name, desc->name);
		err = bc_report(ms->obj, "map-static", BC_SEV_ERROR, sec, name,
				r->off, "map symbol is static (STB_LOCAL)") ?:
		      bc_check_survive(ms->obj, -BC_ERRNO__DIALECT);
		if (err)
			return err;
	}
	if (bc_object_map_by_name(ms->obj, name)) {
		pr_warn("collect: %s: section '%s': map '%s' at offset %llu: duplicate map name\n",
			path, sec, name, (unsigned long long)r->off);
		return bc_report(ms->obj, "map-name-duplicate", BC_SEV_ERROR,
				 sec, name, r->off, "duplicate map name") ?:
		       -BC_ERRNO__FORMAT;
	}
	map = bc_object_add_elf_map(ms->obj, name);
	if (!map)
		return -errno;
	r->map_idx = map->idx;
	map->kind = BC_MAP_USER;
	map->sec_idx = ms->sec->idx;
	map->sec_off = r->off;
	map->def_size = r->size;
	map->sec_name = (char *)sec;
	map->sym_name = r->sym ? (char *)r->sym->name : NULL;
	err = map_fields(ms, map, r);
	return err ?: map_trailing(ms, map, r);
}

/* inner_map_idx is a record index in the same section (samples/bpf). */
static int map_inner(struct map_sec *ms, struct map_rec *r)
{
	struct bc_map *map = ms->obj->maps[r->map_idx];
	int v = map->inner_idx;

	if (v < 0)
		return 0;
	map->inner_idx = -1;
	if (map->type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
	    map->type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return 0;
	if ((size_t)v >= ms->cnt || &ms->recs[v] == r) {
		pr_warn("collect: %s: section '%s': map '%s': inner_map_idx %d is not another map of the %zu in this section\n",
			ms->obj->path, ms->sec->name, map->name, v, ms->cnt);
		return bc_report(ms->obj, "map-inner-idx", BC_SEV_ERROR,
				 ms->sec->name, map->name, r->off,
				 "inner_map_idx %d is not another map of this section",
				 v) ?:
		       -BC_ERRNO__FORMAT;
	}
	map->inner_idx = ms->recs[v].map_idx;
	return 0;
}

static int collect_map_sec(struct bc_object *obj, const struct bc_elf_sec *sec,
			   const char *rest)
{
	const struct bc_desc_maps *dm = &obj_desc(obj)->maps;
	struct map_rec recs[BC_MAP_RECS_SMALL];
	struct map_sec ms = {
		.obj = obj, .sec = sec, .rest = rest,
		.recs = recs,
	};
	struct field_op ops[BC_MAP_FIELDS_SMALL];
	size_t i;
	int err;

	/* Field names are resolved once per section, not per record. */
	ms.ops = ops;
	if (dm->field_cnt > ARRAY_SIZE(ops)) {
		ms.ops = malloc(dm->field_cnt * sizeof(*ms.ops));
		if (!ms.ops)
			return -ENOMEM;
	}
	for (i = 0; i < dm->field_cnt; i++)
		field_op_init(&ms.ops[i], &dm->fields[i]);
	err = map_recs(&ms);
	for (i = 0; !err && i < ms.cnt; i++)
		err = bc_check_survive(obj, map_new(&ms, &ms.recs[i]));
	/* A record that failed in check mode made no map to link. */
	for (i = 0; !err && !obj->checking && i < ms.cnt; i++)
		err = map_inner(&ms, &ms.recs[i]);
	if (ms.recs != recs)
		free(ms.recs);
	if (ms.ops != ops)
		free(ms.ops);
	return err;
}

/*
 * An exact map-section rule names one section. A second section of that
 * name (a renamed section) would be read as map definitions too, from
 * bytes that are not: refuse it. Returns the earlier section, or NULL.
 */
static const struct bc_elf_sec *map_sec_twin(const struct bc_object *obj,
					     size_t i)
{
	const struct bc_desc_maps *dm = &obj_desc(obj)->maps;
	const struct bc_elf *elf = obj->elf;
	const char *name = elf->secs[i].name;
	size_t r, j;

	for (r = 0; r < dm->section_cnt; r++) {
		if (dm->sections[r].kind != BC_MATCH_EXACT ||
		    strcmp(dm->sections[r].value, name))
			continue;
		for (j = 1; j < i; j++)
			if (!elf->secs[j].exec &&
			    !strcmp(elf->secs[j].name, name))
				return &elf->secs[j];
	}
	return NULL;
}

static int map_sec_dup(struct bc_object *obj, const struct bc_elf_sec *sec,
		       const struct bc_elf_sec *first)
{
	pr_warn("collect: %s: sections %zu and %zu are both named '%s': a map section must be unique\n",
		obj->path, first->idx, sec->idx, sec->name);
	return bc_report(obj, "map-section-duplicate", BC_SEV_ERROR,
			 sec->name, NULL, BC_NO_OFFSET,
			 "sections %zu and %zu are both named '%s'",
			 first->idx, sec->idx, sec->name) ?:
	       -BC_ERRNO__FORMAT;
}

static int collect_user_maps(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	const struct bc_elf_sec *twin;
	struct bc_check_watch w;
	const char *rest;
	size_t i;
	int err;

	for (i = 1; i < elf->sec_cnt; i++) {
		rest = NULL;
		if (elf->secs[i].exec ||
		    !bc_dialect_map_sec_may(obj->dialect, elf->secs[i].name) ||
		    !bc_dialect_map_sec(obj->dialect, elf->secs[i].name,
					&rest))
			continue;
		bc_check_watch(obj, &w);
		twin = map_sec_twin(obj, i);
		err = twin ? map_sec_dup(obj, &elf->secs[i], twin) :
			     collect_map_sec(obj, &elf->secs[i], rest);
		err = bc_check_watched(obj, &w, elf->secs[i].name,
				       "map section", err);
		if (err)
			return err;
	}
	return 0;
}

/* ---- global data ------------------------------------------------------ */

/* name is base or base.suffix; most names differ in their first bytes. */
static bool sec_is(const char *name, const char *base)
{
	while (*base && *name == *base)
		name++, base++;
	return !*base && (*name == '\0' || *name == '.');
}

static enum bc_map_kind data_kind(const struct bc_elf_sec *sec, bool *ok)
{
	*ok = true;
	if (sec->type == SHT_PROGBITS && !sec->exec) {
		if (sec_is(sec->name, ".data"))
			return BC_MAP_DATA;
		if (sec_is(sec->name, ".rodata"))
			return BC_MAP_RODATA;
	}
	if (sec->type == SHT_NOBITS && sec_is(sec->name, ".bss"))
		return BC_MAP_BSS;
	*ok = false;
	return BC_MAP_USER;
}

/*
 * Three bytes rule out the sections data_kind() would turn down (names
 * are never "", and the third byte is only read past a second one).
 */
static inline bool maybe_data(const struct bc_elf_sec *sec)
{
	const char *n = sec->name;

	return n[0] == '.' && ((n[1] == 'd' && n[2] == 'a') ||
			       (n[1] == 'r' && n[2] == 'o') ||
			       (n[1] == 'b' && n[2] == 's'));
}

/*
 * libbpf 1.1's internal map name: with sfx = max(7, strlen(section)), take
 * min(15 - sfx, strlen(objname)) chars of the object name, then the
 * section name, 15 chars in all; no object prefix at all if the section
 * name has a second '.'. The object name is libbpf's: the basename cut to
 * 15 chars, then at its first '.'.
 */
static void data_map_name(const struct bc_object *obj, const char *sec,
			  char out[BC_KERNEL_NAME_LEN])
{
	char objname[BC_KERNEL_NAME_LEN];
	size_t sfx, pfx;
	char *p;

	snprintf(objname, sizeof(objname), "%s", obj->name);
	p = strchr(objname, '.');
	if (p)
		*p = '\0';
	sfx = min(max(strlen(sec), (size_t)7), (size_t)BC_KERNEL_NAME_LEN - 1);
	if (strchr(sec + 1, '.'))
		pfx = 0;
	else
		pfx = min(BC_KERNEL_NAME_LEN - 1 - sfx, strlen(objname));
	snprintf(out, BC_KERNEL_NAME_LEN, "%.*s%.*s", (int)pfx, objname,
		 (int)sfx, sec);
	for (p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '_';
}

/*
 * libbpf 1.1 makes a data map mmapable only if its BTF DATASEC holds a
 * non-static variable (3cd45b66); without BTF there is no such variable.
 */
static bool datasec_has_global(const struct btf *btf, const char *sec)
{
	const struct btf_var_secinfo *vi;
	const struct btf_type *t, *v;
	__s32 id;
	int i;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	if (id <= 0)
		return false;
	t = btf__type_by_id(btf, id);
	vi = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, vi++) {
		v = btf__type_by_id(btf, vi->type);
		if (v && btf_is_var(v) && btf_var(v)->linkage != BTF_VAR_STATIC)
			return true;
	}
	return false;
}

/*
 * The object's BTF, parsed once for data maps and everything after them.
 * An unusable .BTF (warned there) leaves data maps without
 * BPF_F_MMAPABLE, nothing worse. NULL and 0 without.
 */
static int data_btf(struct bc_object *obj, const struct btf **btf)
{
	int err = bc_btf_get(obj, btf);

	if (err == -ENOMEM)
		return err;
	if (err)
		pr_debug("collect: %s: section '.BTF' unusable: data maps get no BPF_F_MMAPABLE\n",
			 obj->path);
	return 0;
}

static int data_map_new(struct bc_object *obj, const struct bc_elf_sec *sec,
			enum bc_map_kind kind, const struct btf *btf)
{
	char name[BC_KERNEL_NAME_LEN];
	struct bc_map *map;

	if (sec->size > UINT32_MAX) {
		pr_warn("collect: %s: section '%s': size %llu too large for a map value\n",
			obj->path, sec->name, (unsigned long long)sec->size);
		return -BC_ERRNO__FORMAT;
	}
	data_map_name(obj, sec->name, name);
	if (bc_object_map_by_name(obj, name)) {
		pr_warn("collect: %s: section '%s': data map name '%s' is already taken\n",
			obj->path, sec->name, name);
		return -BC_ERRNO__FORMAT;
	}
	map = bc_object_add_map(obj, name);
	if (!map)
		return -errno;
	map->kind = kind;
	map->type = BPF_MAP_TYPE_ARRAY;
	map->key_size = 4;
	map->value_size = sec->size;
	map->max_entries = 1;
	map->sec_idx = sec->idx;
	map->def_size = sec->size;
	map->sec_name = bc_strdup(sec->name);
	if (!map->sec_name)
		return -ENOMEM;
	if (datasec_has_global(btf, sec->name))
		map->map_flags |= BPF_F_MMAPABLE;
	if (kind == BC_MAP_RODATA) {
		map->map_flags |= BPF_F_RDONLY_PROG;
		map->freeze = true;
	}
	if (kind == BC_MAP_BSS)
		return 0;
	map->init = malloc(sec->size);
	if (!map->init)
		return -ENOMEM;
	memcpy(map->init, sec->data, sec->size);
	return 0;
}

/* Global data the convention has no maps for: fine until code uses it. */
static int data_unsupported(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	size_t i;
	bool ok;
	int err = 0;

	for (i = 1; i < elf->sec_cnt && !err; i++) {
		if (!maybe_data(&elf->secs[i]))
			continue;
		data_kind(&elf->secs[i], &ok);
		if (!ok || !elf->secs[i].size)
			continue;
		err = bc_report(obj, "data-section-unsupported",
				BC_SEV_WARNING, elf->secs[i].name, NULL,
				BC_NO_OFFSET,
				"global data section of %llu bytes, which the convention has no map for",
				(unsigned long long)elf->secs[i].size);
	}
	return err;
}

/*
 * Mark the sections that relocations of loaded sections (code, maps,
 * data: SHF_ALLOC) point into; debug info and BTF do not count.
 */
static bool *referenced_secs(const struct bc_elf *elf)
{
	bool *ref = calloc(elf->sec_cnt, sizeof(*ref));
	size_t i, r;

	for (i = 1; ref && i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		if (!(sec->flags & SHF_ALLOC))
			continue;
		for (r = 0; r < sec->rel_cnt; r++) {
			size_t shndx = elf->syms[sec->rels[r].sym].shndx;

			if (shndx < elf->sec_cnt)
				ref[shndx] = true;
		}
	}
	return ref;
}

static int collect_data_maps(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	const struct btf *btf = NULL;
	bool *ref = NULL, btf_read = false;
	enum bc_map_kind kind;
	size_t i;
	bool ok;
	int err = 0;

	if (!obj_desc(obj)->special.global_data)
		return data_unsupported(obj);
	for (i = 1; i < elf->sec_cnt && !err; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		if (!maybe_data(sec))
			continue;
		kind = data_kind(sec, &ok);
		if (!ok || !sec->size)
			continue;
		if (obj_desc(obj)->special.global_data_referenced_only) {
			if (!ref)
				ref = referenced_secs(elf);
			if (!ref) {
				err = -ENOMEM;
				break;
			}
			if (!ref[i]) {
				pr_debug("collect: %s: section '%s': no relocation refers to it: no map\n",
					 obj->path, sec->name);
				continue;
			}
		}
		if (kind != BC_MAP_BSS && !sec->data) {
			pr_warn("collect: %s: section '%s': no data\n",
				obj->path, sec->name);
			err = -BC_ERRNO__FORMAT;
			break;
		}
		if (!btf_read) {
			btf_read = true;
			err = data_btf(obj, &btf);
			if (err)
				break;
		}
		err = data_map_new(obj, sec, kind, btf);
	}
	free(ref);
	return err;
}

/* Weak externs may stay unresolved: their symbols say which. */
static void kcfg_weak(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	struct bc_kcfg *k;
	size_t i;

	for (i = 1; i < elf->sym_cnt; i++) {
		const struct bc_elf_sym *s = &elf->syms[i];

		if (s->shndx != SHN_UNDEF || s->bind == STB_LOCAL)
			continue;
		k = (struct bc_kcfg *)bc_kconfig_find(obj, s->name);
		if (k)
			k->is_weak = s->bind == STB_WEAK;
	}
}

/*
 * libbpf's "<obj>.kconfig" map for __kconfig externs: the layout the BTF
 * fixup gave them, read-only to programs and frozen once filled at load.
 */
static int collect_kconfig_map(struct bc_object *obj)
{
	char name[BC_KERNEL_NAME_LEN];
	const struct btf *btf;
	struct bc_map *map;
	int err;

	if (!obj_desc(obj)->special.kconfig || !bc_elf_has_externs(obj->elf))
		return 0;
	err = data_btf(obj, &btf);
	if (err || !btf || !obj->kcfg_cnt)
		return err;
	kcfg_weak(obj);
	data_map_name(obj, ".kconfig", name);
	map = bc_object_add_map(obj, name);
	if (!map)
		return -errno;
	map->kind = BC_MAP_KCONFIG;
	map->type = BPF_MAP_TYPE_ARRAY;
	map->key_size = 4;
	map->value_size = obj->kcfg[obj->kcfg_cnt - 1].off +
			  obj->kcfg[obj->kcfg_cnt - 1].size;
	map->max_entries = 1;
	map->map_flags = BPF_F_RDONLY_PROG | BPF_F_MMAPABLE;
	map->freeze = true;
	map->sec_name = bc_strdup(".kconfig");
	if (!map->sec_name)
		return -ENOMEM;
	obj->kcfg_map = map;
	return 0;
}

static int collect_maps(struct bc_object *obj)
{
	int (*hook)(struct bc_object *) = BC_OPS_GET(obj_ops(obj),
						     collect_maps);

	return collect_user_maps(obj) ?: collect_data_maps(obj) ?:
	       collect_kconfig_map(obj) ?: (hook ? hook(obj) : 0);
}

/* ---- programs --------------------------------------------------------- */

struct prog_sec {
	struct bc_object *obj;
	const struct bc_elf_sec *sec;
	const char *name;		/* section name without '?' */
	bool autoload;
	const struct bc_desc_prog_rule *rule;	/* NULL: unknown, UNSPEC */
	const char *rest;
};

static int prog_setup(struct prog_sec *ps, struct bc_prog *prog)
{
	const struct bc_desc_prog_rule *rule = ps->rule;
	int (*classify)(struct bc_object *, struct bc_prog *,
			const struct bc_desc_prog_rule *, const char *);

	if (!rule)
		return 0;
	prog->type = rule->prog_type;
	prog->expected_attach_type = rule->attach_type;
	prog->prog_flags = rule->prog_flags;
	if (rule->target_suffix && ps->rest && ps->rest[0]) {
		prog->attach_target = bc_strdup(ps->rest);
		if (!prog->attach_target)
			return -ENOMEM;
	}
	if (!rule->hook)
		return 0;
	classify = BC_OPS_GET(obj_ops(ps->obj), classify);
	if (!classify) {
		pr_warn("collect: %s: section '%s': rule wants hook '%s' but dialect '%s' has no classify hook\n",
			ps->obj->path, ps->name, rule->hook,
			obj_desc(ps->obj)->name);
		return -BC_ERRNO__DIALECT;
	}
	return classify(ps->obj, prog, rule, ps->rest ? ps->rest : "");
}

/*
 * Code in host byte order, aligned for struct bpf_insn, is used where it
 * lies: the ELF bytes outlive the program and nothing writes through
 * prog->insns (relocation copies it into prog->linked). Other code is
 * copied and converted.
 */
static int prog_insns(struct prog_sec *ps, struct bc_prog *prog, __u64 off)
{
	const struct bc_elf *elf = ps->obj->elf;
	const char *p = (const char *)ps->sec->data + off;

	if (elf->big_endian == BC_HOST_BIG_ENDIAN &&
	    !((uintptr_t)p % _Alignof(struct bpf_insn))) {
		prog->insns = (struct bpf_insn *)p;
		prog->elf_insns = true;
		return 0;
	}
	prog->insns = malloc(prog->insn_cnt * sizeof(*prog->insns));
	if (!prog->insns)
		return -ENOMEM;
	bc_elf_copy_insns(elf, ps->sec, off, prog->insn_cnt, prog->insns);
	return 0;
}

static int prog_new(struct prog_sec *ps, const char *name, __u64 off,
		    __u64 size)
{
	const char *path = ps->obj->path;
	struct bc_prog *prog;
	size_t cnt;

	if (!size || size % 8 || off % 8 || size > ps->sec->size ||
	    off > ps->sec->size - size) {
		pr_warn("collect: %s: section '%s': program '%s': bytes %llu+%llu are not whole instructions inside the section\n",
			path, ps->name, name, (unsigned long long)off,
			(unsigned long long)size);
		return bc_report(ps->obj, "prog-bounds", BC_SEV_ERROR, ps->name,
				 name, off,
				 "bytes %llu+%llu are not whole instructions inside the section",
				 (unsigned long long)off,
				 (unsigned long long)size) ?:
		       -BC_ERRNO__FORMAT;
	}
	cnt = size / 8;
	if (cnt > BC_MAX_INSNS) {
		pr_warn("collect: %s: section '%s': program '%s': %zu instructions exceed the limit of %u\n",
			path, ps->name, name, cnt, BC_MAX_INSNS);
		return -E2BIG;
	}
	if (bc_object_prog_by_name(ps->obj, name)) {
		pr_warn("collect: %s: section '%s': program '%s': duplicate program name\n",
			path, ps->name, name);
		return bc_report(ps->obj, "prog-name-duplicate", BC_SEV_ERROR,
				 ps->name, name, off, "duplicate program name") ?:
		       -BC_ERRNO__FORMAT;
	}
	prog = bc_object_add_elf_prog(ps->obj, name, ps->name);
	if (!prog) {
		if (errno == E2BIG)
			pr_warn("collect: %s: section '%s': more than %u programs\n",
				path, ps->name, BC_MAX_PROGS);
		return -errno;
	}
	prog->sec_idx = ps->sec->idx;
	prog->sec_off = off;
	prog->autoload = ps->autoload;
	prog->insn_cnt = cnt;
	return prog_insns(ps, prog, off) ?: prog_setup(ps, prog);
}

/* First STB_GLOBAL symbol in the section: at offset 0 if at0, any else. */
static const char *first_global(const struct prog_sec *ps, bool at0)
{
	const struct bc_elf *elf = ps->obj->elf;
	const struct bc_elf_sym *s;
	size_t i;

	for_each_sec_sym(elf, ps->sec, i) {
		s = &elf->syms[i];
		if (s->bind != STB_GLOBAL || !s->name[0] ||
		    (s->type != STT_FUNC && s->type != STT_NOTYPE))
			continue;
		if (!at0 || s->value == 0)
			return s->name;
	}
	return NULL;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct bc_elf_sym *x = *(const struct bc_elf_sym **)a;
	const struct bc_elf_sym *y = *(const struct bc_elf_sym **)b;

	return x->value < y->value ? -1 : x->value > y->value;
}


/*
 * The section's functions by offset, in *funcs: small if they fit (one
 * walk), else an allocated array (a second walk). Returns their count.
 */
static ssize_t sec_funcs(const struct prog_sec *ps,
			 const struct bc_elf_sym ***funcs,
			 const struct bc_elf_sym **small, size_t small_cnt)
{
	const struct bc_elf *elf = ps->obj->elf;
	const struct bc_elf_sym **f = small;
	size_t i, n;

	n = sec_syms(elf, ps->sec, &func_kinds, small, small_cnt);
	if (n > small_cnt) {
		f = malloc(n * sizeof(*f));
		if (!f)
			return -ENOMEM;
		sec_syms(elf, ps->sec, &func_kinds, f, n);
	}
	bc_object_reserve(ps->obj, 0, n);
	/* Compilers emit symbols in offset order: sort only if they are not. */
	for (i = 1; i < n; i++) {
		if (f[i]->value < f[i - 1]->value) {
			qsort(f, n, sizeof(*f), sym_cmp);
			break;
		}
	}
	*funcs = f;
	return n;
}

static int progs_by_symbols(struct prog_sec *ps)
{
	const struct bc_elf_sym *small[BC_FUNCS_SMALL], **funcs;
	const char *name;
	ssize_t i, n;
	int err = 0;

	n = sec_funcs(ps, &funcs, small, ARRAY_SIZE(small));
	if (n < 0)
		return n;
	for (i = 0; i < n && !err; i++) {
		if (funcs[i]->bind == STB_LOCAL &&
		    obj_desc(ps->obj)->progs.reject_static) {
			pr_warn("collect: %s: section '%s': sec '%s': program '%s' is static and not supported\n",
				ps->obj->path, ps->name, ps->name,
				funcs[i]->name);
			err = bc_report(ps->obj, "prog-static", BC_SEV_ERROR,
					ps->name, funcs[i]->name,
					funcs[i]->value,
					"program function is static (STB_LOCAL)") ?:
			      bc_check_survive(ps->obj, -BC_ERRNO__DIALECT);
			continue;
		}
		err = prog_new(ps, funcs[i]->name, funcs[i]->value,
			       funcs[i]->size);
	}
	if (funcs != small)
		free(funcs);
	if (err || n)
		return err;
	/* Hand-written or stripped code: the section is one program. */
	name = first_global(ps, false);
	return prog_new(ps, name ? name : ps->name, 0, ps->sec->size);
}

static int progs_by_section(struct prog_sec *ps)
{
	const struct bc_desc_progs *dp = &obj_desc(ps->obj)->progs;
	const char *name = ps->name;

	if (dp->name_from == BC_NAME_SYMBOL)
		name = first_global(ps, true) ?: ps->name;
	else if (dp->name_from == BC_NAME_SECTION_SUFFIX && ps->rest &&
		 ps->rest[0])
		name = ps->rest;
	return prog_new(ps, name, 0, ps->sec->size);
}

/* Resolve the section's rule; returns 1 if the section holds no program. */
static int prog_sec_rule(struct prog_sec *ps)
{
	const struct bc_desc *desc = obj_desc(ps->obj);

	ps->rest = NULL;
	ps->rule = bc_desc_find_rule(desc, ps->name, &ps->rest);
	if (ps->rule)
		return ps->rule->ignore ? 1 : 0;
	switch (desc->progs.unknown) {
	case BC_UNKNOWN_IGNORE:
		pr_debug("collect: %s: section '%s': no program rule matches; skipped\n",
			 ps->obj->path, ps->name);
		return bc_report(ps->obj, "section-ignored", BC_SEV_WARNING,
				 ps->name, NULL, BC_NO_OFFSET,
				 "executable section matches no program rule; its code is not loaded") ?:
		       1;
	case BC_UNKNOWN_UNSPEC:
		pr_debug("collect: %s: section '%s': no program rule matches; type unspec\n",
			 ps->obj->path, ps->name);
		return bc_report(ps->obj, "section-unknown", BC_SEV_ERROR,
				 ps->name, NULL, BC_NO_OFFSET,
				 "no program type for this section name");
	case BC_UNKNOWN_ERROR:
		break;
	}
	pr_warn("collect: %s: section '%s': no program type for this section name in dialect '%s'\n",
		ps->obj->path, ps->name, desc->name);
	return bc_report(ps->obj, "section-unknown", BC_SEV_ERROR, ps->name,
			 NULL, BC_NO_OFFSET,
			 "no program type for this section name") ?:
	       bc_check_survive(ps->obj, -BC_ERRNO__DIALECT) ?: 1;
}

static int collect_prog_sec(struct bc_object *obj, const struct bc_elf_sec *sec)
{
	const struct bc_desc_progs *dp = &obj_desc(obj)->progs;
	struct prog_sec ps = {
		.obj = obj,
		.sec = sec,
		.name = sec->name,
		.autoload = true,
	};
	int ret;

	if (dp->text_is_library && !strcmp(sec->name, ".text"))
		return 0;
	if (dp->autoload_prefix && ps.name[0] == '?' && ps.name[1]) {
		ps.name++;
		ps.autoload = false;
	}
	ret = prog_sec_rule(&ps);
	if (ret)
		return ret < 0 ? ret : 0;
	if (dp->split == BC_SPLIT_SYMBOLS)
		return progs_by_symbols(&ps);
	return progs_by_section(&ps);
}

/*
 * In check mode a section refused without a finding of its own (a
 * dialect hook said no) is still a refusal of the object: report it,
 * naming the section, and look at the next one.
 */
static int collect_progs(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	struct bc_check_watch w;
	size_t i;
	int err;

	for (i = 1; i < elf->sec_cnt; i++) {
		if (!elf->secs[i].exec)
			continue;
		bc_check_watch(obj, &w);
		err = collect_prog_sec(obj, &elf->secs[i]);
		/* A section refused with no finding of its own: say why. */
		err = bc_check_watched(obj, &w, elf->secs[i].name, "section",
				       err);
		if (err)
			return err;
	}
	return 0;
}

/* ---- the stage -------------------------------------------------------- */

static int collect_finish(struct bc_object *obj)
{
	int (*hook)(struct bc_object *) = BC_OPS_GET(obj_ops(obj), finish);

	return hook ? hook(obj) : 0;
}

int bc_collect(struct bc_object *obj)
{
	if (!obj || !obj->elf || !obj->dialect || !obj->dialect->desc)
		return -EINVAL;
	index_syms(obj);
	return collect_license(obj) ?: collect_version(obj) ?:
	       collect_maps(obj) ?: collect_progs(obj) ?:
	       collect_finish(obj);
}
