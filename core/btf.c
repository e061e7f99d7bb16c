// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The object's BTF: libbpf's btf__new() parses and sanity-checks .BTF; on
 * top of it we cap its size, complete the DATASECs clang leaves to the
 * loader, re-base .BTF.ext func/line info for linked programs, and load
 * the result into the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "btf.h"
#include "kconfig.h"

#define INSN_SZ			8
#define BTF_EXT_MAGIC		0xEB9F
#define BTF_EXT_HDR_MIN		24	/* up to line_info_len */
#define FUNC_INFO_MIN_SZ	8	/* insn_off, type_id */
#define LINE_INFO_MIN_SZ	16	/* insn_off, file, line, col */
#define INFO_MAX_SZ		256	/* a record larger than this is bogus */
#define BTF_LOG_SIZE		(1U << 20)

static const char *obj_path(const struct bc_object *obj)
{
	return obj->path ? obj->path : "?";
}

/* ---- .BTF -------------------------------------------------------------- */

/*
 * A section's symbols sorted by name, then index: one search per VAR.
 * hint is where the next VAR's symbol usually is: clang lists a
 * section's variables in the order of their symbols.
 */
struct sec_syms {
	const struct bc_elf_sym **syms;	/* buf, or allocated if larger */
	size_t cnt;
	size_t hint;
	const struct bc_elf_sym *buf[16];
};

static int sym_name_cmp(const void *a, const void *b)
{
	const struct bc_elf_sym *x = *(const struct bc_elf_sym *const *)a;
	const struct bc_elf_sym *y = *(const struct bc_elf_sym *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x < y ? -1 : x > y);
}

/*
 * Sort symbols by name, then index (they are in index order already,
 * and mostly in name order too: check that first).
 */
static void syms_sort(const struct bc_elf_sym **syms, size_t cnt)
{
	const struct bc_elf_sym *s;
	size_t i, j;

	for (i = 1; i < cnt; i++)
		if (strcmp(syms[i - 1]->name, syms[i]->name) > 0)
			break;
	if (i >= cnt)
		return;
	if (cnt > 8) {
		qsort(syms, cnt, sizeof(*syms), sym_name_cmp);
		return;
	}
	/* Insertion sort is stable: equal names stay in index order. */
	for (; i < cnt; i++) {
		s = syms[i];
		for (j = i; j > 0 && strcmp(syms[j - 1]->name, s->name) > 0;
		     j--)
			syms[j] = syms[j - 1];
		syms[j] = s;
	}
}

/*
 * The symbols of section sec, from the ELF reader's per-section lists
 * (in index order). Sections hold a few variables: they fit on the stack.
 */
static int sec_syms_build(struct bc_elf *elf, const struct bc_elf_sec *sec,
			  struct sec_syms *ss)
{
	size_t i, n = 0;

	bc_elf_index_syms(elf);
	ss->syms = ss->buf;
	ss->cnt = sec->sym_cnt;
	ss->hint = 0;
	if (ss->cnt > ARRAY_SIZE(ss->buf)) {
		ss->syms = malloc(ss->cnt * sizeof(*ss->syms));
		if (!ss->syms)
			return -ENOMEM;
	}
	for (i = sec->sym_first; i && n < ss->cnt; i = elf->syms[i].next_in_sec)
		ss->syms[n++] = &elf->syms[i];
	ss->cnt = n;
	syms_sort(ss->syms, ss->cnt);
	return 0;
}

static void sec_syms_free(struct sec_syms *ss)
{
	if (ss->syms != ss->buf)
		free(ss->syms);
}

/* The lowest-indexed symbol called name: the first of its run. */
static const struct bc_elf_sym *datasec_sym(struct sec_syms *ss,
					    const char *name)
{
	const struct bc_elf_sym **syms = ss->syms;
	size_t lo = ss->hint, hi = ss->cnt, mid;

	if (lo < hi && !strcmp(syms[lo]->name, name) &&
	    (!lo || strcmp(syms[lo - 1]->name, name)))
		goto found;
	lo = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(syms[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= ss->cnt || strcmp(syms[lo]->name, name))
		return NULL;
found:
	ss->hint = lo + 1;
	return syms[lo];
}

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sort the variables by offset unless clang already did (the usual). */
static void secinfo_sort(struct btf_var_secinfo *vi, int n)
{
	int i;

	for (i = 1; i < n; i++)
		if (vi[i - 1].offset > vi[i].offset)
			break;
	if (i < n)
		qsort(vi, n, sizeof(*vi), cmp_secinfo);
}

/*
 * Clang emits DATASEC sizes and VAR offsets as zero; the loader fills
 * them from the ELF section size and the variables' symbols, and sorts
 * the variables by offset as the kernel requires. Extern-only DATASECs
 * (.kconfig, .ksyms) have no ELF section and stay as they are.
 */
/*
 * clang leaves .kconfig at size 0, every extern at offset 0: give it
 * libbpf's layout, which is its map's value, and the linkage the kernel
 * accepts.
 */
static int fixup_kconfig(struct bc_object *obj, struct btf *btf,
			 struct btf_type *t)
{
	struct btf_var_secinfo *vi = btf_var_secinfos(t);
	struct bc_kcfg *k;
	size_t cnt, i, j;
	__u32 size;
	int err;

	err = bc_kconfig_layout(obj_path(obj), btf, t, &k, &cnt, &size);
	if (err)
		return err;
	for (j = 0; j < cnt; j++) {
		i = k[j].sec_pos;
		vi[i].offset = k[j].off;
		((struct btf_var *)btf_var(btf__type_by_id(btf, vi[i].type)))
			->linkage = BTF_VAR_GLOBAL_ALLOCATED;
	}
	t->size = size;
	secinfo_sort(vi, btf_vlen(t));
	free(obj->kcfg);
	obj->kcfg = k;
	obj->kcfg_cnt = cnt;
	return bc_kconfig_index(obj);
}

static int fixup_datasec(struct bc_object *obj, struct btf *btf,
			 struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);
	const struct bc_elf_sec *sec;
	struct btf_var_secinfo *vi = btf_var_secinfos(t);
	struct sec_syms ss;
	bool fix_offs = false;
	int i, n = btf_vlen(t), err = 0;

	if (name && !strcmp(name, ".kconfig"))
		return fixup_kconfig(obj, btf, t);
	if (!name || !strcmp(name, ".ksyms"))
		goto sort;
	sec = bc_elf_sec_by_name(obj->elf, name);
	if (!sec) {
		pr_warn("btf: %s: DATASEC '%s' names no ELF section\n",
			obj_path(obj), name);
		return -BC_ERRNO__FORMAT;
	}
	if (!t->size) {
		if (sec->size > UINT32_MAX) {
			pr_warn("btf: %s: DATASEC '%s': section too large\n",
				obj_path(obj), name);
			return -BC_ERRNO__FORMAT;
		}
		t->size = sec->size;
		fix_offs = true;
	}
	if (!n)
		return 0;
	err = sec_syms_build(obj->elf, sec, &ss);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		const struct btf_type *vt = btf__type_by_id(btf, vi[i].type);
		const struct bc_elf_sym *sym;
		const char *vname;

		if (!vt || !btf_is_var(vt)) {
			pr_warn("btf: %s: DATASEC '%s': member %d is not a VAR\n",
				obj_path(obj), name, i);
			err = -BC_ERRNO__FORMAT;
			break;
		}
		if (btf_var(vt)->linkage == BTF_VAR_STATIC ||
		    btf_var(vt)->linkage == BTF_VAR_GLOBAL_EXTERN)
			continue;
		vname = btf__name_by_offset(btf, vt->name_off);
		sym = vname ? datasec_sym(&ss, vname) : NULL;
		if (!sym) {
			pr_warn("btf: %s: DATASEC '%s': no symbol for variable '%s'\n",
				obj_path(obj), name, vname ? vname : "?");
			err = -BC_ERRNO__FORMAT;
			break;
		}
		if (fix_offs)
			vi[i].offset = sym->value;
		if (sym->visibility == STV_HIDDEN ||
		    sym->visibility == STV_INTERNAL)
			((struct btf_var *)btf_var(vt))->linkage =
				BTF_VAR_STATIC;
	}
	sec_syms_free(&ss);
	if (err)
		return err;
sort:
	secinfo_sort(vi, n);
	for (i = 0; i < n; i++) {
		if ((__u64)vi[i].offset + vi[i].size > t->size) {
			pr_warn("btf: %s: DATASEC '%s': variable %d at %u+%u overruns its %u bytes\n",
				obj_path(obj), name ? name : "?", i,
				vi[i].offset, vi[i].size, t->size);
			return -BC_ERRNO__FORMAT;
		}
	}
	return 0;
}

/* Per kind: bytes after the header, and per member (vlen of them). */
static const struct {
	unsigned char known, extra, memb;
} kind_sz[] = {
	[BTF_KIND_INT]		= { 1, 4, 0 },
	[BTF_KIND_PTR]		= { 1, 0, 0 },
	[BTF_KIND_ARRAY]	= { 1, sizeof(struct btf_array), 0 },
	[BTF_KIND_STRUCT]	= { 1, 0, sizeof(struct btf_member) },
	[BTF_KIND_UNION]	= { 1, 0, sizeof(struct btf_member) },
	[BTF_KIND_ENUM]		= { 1, 0, sizeof(struct btf_enum) },
	[BTF_KIND_FWD]		= { 1, 0, 0 },
	[BTF_KIND_TYPEDEF]	= { 1, 0, 0 },
	[BTF_KIND_VOLATILE]	= { 1, 0, 0 },
	[BTF_KIND_CONST]	= { 1, 0, 0 },
	[BTF_KIND_RESTRICT]	= { 1, 0, 0 },
	[BTF_KIND_FUNC]		= { 1, 0, 0 },
	[BTF_KIND_FUNC_PROTO]	= { 1, 0, sizeof(struct btf_param) },
	[BTF_KIND_VAR]		= { 1, sizeof(struct btf_var), 0 },
	[BTF_KIND_DATASEC]	= { 1, 0, sizeof(struct btf_var_secinfo) },
	[BTF_KIND_FLOAT]	= { 1, 0, 0 },
	[BTF_KIND_DECL_TAG]	= { 1, sizeof(struct btf_decl_tag), 0 },
	[BTF_KIND_TYPE_TAG]	= { 1, 0, 0 },
	[BTF_KIND_ENUM64]	= { 1, 0, sizeof(struct btf_enum64) },
};

/* A type's bytes, header and members; 0 for a kind not known here. */
static size_t type_bytes(const struct btf_type *t)
{
	unsigned int k = btf_kind(t);

	if (k >= ARRAY_SIZE(kind_sz) || !kind_sz[k].known)
		return 0;
	return sizeof(*t) + kind_sz[k].extra +
	       (size_t)btf_vlen(t) * kind_sz[k].memb;
}

/*
 * Walk the types btf__new() validated in place rather than looking each
 * one up. The walk never reads past the last type's header, writes a
 * DATASEC only once the lookup confirms it, and must end on the last
 * type: a walk that ever disagrees with libbpf's index (a kind unknown
 * here) is redone by lookups (the fixups are idempotent).
 */
static int types_walk(struct bc_object *obj, struct btf *btf, __u32 n)
{
	const char *p = (const char *)btf__type_by_id(btf, 1);
	const char *last = (const char *)btf__type_by_id(btf, n - 1);
	struct btf_type *t = NULL;
	__u32 id;
	size_t sz;
	int err;

	for (id = 1; id < n; id++) {
		if (!p || p > last)
			return 1;
		t = (struct btf_type *)p;
		if (btf_is_datasec(t)) {
			if (t != btf__type_by_id(btf, id))
				return 1;
			err = fixup_datasec(obj, btf, t);
			if (err)
				return err;
		}
		sz = type_bytes(t);
		if (!sz)
			return 1;
		p += sz;
	}
	return (const char *)t == last ? 0 : 1;
}

const struct btf_type *bc_btf_skip_mods(const struct btf *btf, __u32 id,
					__u32 *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int n;

	for (n = 0; t && (btf_is_mod(t) || btf_is_typedef(t)); n++) {
		if (n == BC_BTF_MODS_MAX)
			return NULL;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (t && res_id)
		*res_id = id;
	return t;
}

/* A typeless __ksym is declared void (const void, past modifiers). */
static bool void_type(const struct btf *btf, __u32 id)
{
	return bc_btf_skip_mods(btf, id, &id) && !id;
}

static bool push_u32(__u32 **arr, size_t *cnt, size_t *cap, __u32 v)
{
	__u32 *p = bc_grow(*arr, cap, *cnt + 1, sizeof(*p));

	if (!p)
		return false;
	*arr = p;
	p[(*cnt)++] = v;
	return true;
}

static __s32 int32_type(const struct btf *btf)
{
	__u32 id, n = btf__type_cnt(btf);
	const struct btf_type *t;

	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (btf_is_int(t) && btf_int_bits(t) == 32)
			return id;
	}
	return 0;
}

/*
 * The kernel takes neither extern FUNCs nor sizeless entries in a
 * DATASEC: as libbpf does, every .ksyms entry becomes a 4-byte slot, a
 * FUNC global and pointing at one added "dummy_ksym" int VAR (whose name
 * also fills unnamed parameters), a VAR an allocated int. Run first:
 * adding a type moves them all.
 */
static int fixup_ksyms(struct bc_object *obj, struct btf *btf)
{
	__s32 sec_id, int_id, dummy;
	const struct btf_type *proto, *dt;
	struct btf_var_secinfo *vi;
	struct btf_param *pa;
	struct btf_type *sec, *vt;
	__u32 i, j, off = 0;

	/* no extern symbol, no .ksyms worth a search of every type */
	if (!obj->elf || !bc_elf_has_externs(obj->elf))
		return 0;
	sec_id = btf__find_by_name_kind(btf, ".ksyms", BTF_KIND_DATASEC);
	if (sec_id <= 0)
		return 0;
	int_id = int32_type(btf);
	dummy = btf__add_var(btf, "dummy_ksym", BTF_VAR_GLOBAL_ALLOCATED,
			     int_id);
	if (dummy < 0) {
		pr_warn("btf: %s: DATASEC '.ksyms': cannot add its dummy variable: %s\n",
			obj_path(obj), strerror(-dummy));
		return dummy == -ENOMEM ? -ENOMEM : -BC_ERRNO__FORMAT;
	}
	dt = btf__type_by_id(btf, dummy);
	sec = (struct btf_type *)btf__type_by_id(btf, sec_id);
	vi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, off += 4) {
		vt = (struct btf_type *)btf__type_by_id(btf, vi[i].type);
		if (!vt)
			return -BC_ERRNO__FORMAT;
		if (btf_is_func(vt)) {
			proto = btf__type_by_id(btf, vt->type);
			pa = proto && btf_is_func_proto(proto) ?
			     (struct btf_param *)btf_params(proto) : NULL;
			for (j = 0; pa && j < btf_vlen(proto); j++)
				if (pa[j].type && !pa[j].name_off)
					pa[j].name_off = dt->name_off;
			vi[i].type = dummy;
			vt->info = (vt->info & ~0xffffU) | BTF_FUNC_GLOBAL;
		} else if (btf_is_var(vt)) {
			if (void_type(btf, vt->type) &&
			    !push_u32(&obj->ksym_void, &obj->ksym_void_cnt,
				      &obj->ksym_void_cap, vi[i].type))
				return -ENOMEM;
			((struct btf_var *)btf_var(vt))->linkage =
				BTF_VAR_GLOBAL_ALLOCATED;
			vt->type = int_id;
		}
		vi[i].offset = off;
		vi[i].size = 4;
	}
	sec->size = off;
	return 0;
}

static void kcfg_drop(struct bc_object *obj)
{
	free(obj->kcfg);
	free(obj->kcfg_by_name);
	free(obj->ksym_void);
	obj->kcfg = NULL;
	obj->kcfg_by_name = NULL;
	obj->ksym_void = NULL;
	obj->kcfg_cnt = obj->ksym_void_cnt = obj->ksym_void_cap = 0;
}

static int btf_fixup(struct bc_object *obj, struct btf *btf)
{
	__u32 id, n = btf__type_cnt(btf);
	struct btf_type *t;
	int err;

	if (n > BC_BTF_MAX_TYPES) {
		pr_warn("btf: %s: section '.BTF': %u types, more than %u\n",
			obj_path(obj), n, BC_BTF_MAX_TYPES);
		return -BC_ERRNO__FORMAT;
	}
	if (n < 2)
		return 0;
	err = fixup_ksyms(obj, btf);
	if (err)
		return err;
	n = btf__type_cnt(btf);
	err = types_walk(obj, btf, n);
	if (err <= 0)
		return err;
	for (id = 1; id < n; id++) {
		t = (struct btf_type *)btf__type_by_id(btf, id);
		if (t && btf_is_datasec(t)) {
			err = fixup_datasec(obj, btf, t);
			if (err)
				return err;
		}
	}
	return 0;
}

int bc_btf_get(struct bc_object *obj, const struct btf **out)
{
	const struct bc_elf_sec *sec;
	struct btf *btf;
	int err;

	*out = NULL;
	if (obj->btf_parsed) {
		*out = obj->btf;
		return obj->btf ? 0 : (bc_elf_sec_by_name(obj->elf, ".BTF") ?
				      -BC_ERRNO__FORMAT : 0);
	}
	obj->btf_parsed = true;
	sec = bc_elf_sec_by_name(obj->elf, ".BTF");
	if (!sec)
		return 0;
	if (!sec->data || sec->type != SHT_PROGBITS) {
		pr_warn("btf: %s: section '.BTF' has no data\n", obj_path(obj));
		return -BC_ERRNO__FORMAT;
	}
	btf = btf__new(sec->data, sec->size);
	if (!btf) {
		err = errno;
		pr_warn("btf: %s: section '.BTF' is malformed: %s\n",
			obj_path(obj), strerror(err));
		return err == ENOMEM ? -ENOMEM : -BC_ERRNO__FORMAT;
	}
	err = btf_fixup(obj, btf);
	if (err) {
		/* what the fixup kept points into the BTF */
		kcfg_drop(obj);
		btf__free(btf);
		return err;
	}
	obj->btf = btf;
	*out = btf;
	return 0;
}

/* ---- .BTF.ext ---------------------------------------------------------- */

struct ext_sub {
	const unsigned char *p;		/* records blocks, after rec_size */
	__u32 len;
	__u32 rec_sz;
};

#define NO_POS	SIZE_MAX

/*
 * One section's records in one subsection, indexed once per object so
 * that collecting a program costs a lookup and a binary search, not a
 * walk over every record of the object. clang writes a section's records
 * as one block sorted by offset: the group is then a view into the
 * object's bytes. A section spread over several blocks gets an array of
 * pointers in file order. The group also remembers where the walk the
 * records describe first goes wrong, so every program still reports the
 * error it would meet walking them. A block is scanned for that the
 * first time a program needs it.
 */
struct ext_group {
	const char *name;
	const unsigned char *base;	/* cnt records in a row, or NULL */
	const unsigned char **recs;	/* file order, when base is NULL */
	size_t cnt;
	size_t pos;			/* first block in the subsection */
	bool scanned;			/* sorted and bad_pos are known */
	bool sorted;			/* offsets never decrease */
	size_t bad_pos;			/* first misaligned record, or NO_POS */
	__u32 bad_off;
	size_t hint;			/* end of the last span found */
};

struct ext_index {
	int err;			/* -ENOMEM while building */
	bool swap;			/* object byte order != host's */
	bool merged;			/* some group owns a recs array */
	__u32 rec_sz;
	struct ext_group *groups;	/* sorted by name */
	size_t cnt;
	size_t overrun_pos;		/* block overrunning, or NO_POS */
	__u32 overrun_n;
	/* Last lookup: a program's spans are mostly in one section. */
	size_t last_sec;
	struct ext_group *last;
};

/* Built at the first program: the groups of both subsections follow. */
struct bc_btf_ext {
	bool usable;			/* false: absent or ignored (warned) */
	struct ext_sub fi_sub, li_sub;
	struct ext_index fi, li;
	/* The programs' func/line info, one slice each (a real load). */
	unsigned char *info;
	struct ext_group groups[];
};

#define HOST_BE		(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define ALWAYS_INLINE	inline __attribute__((always_inline))

/*
 * A record's u32 (records need not be aligned), swapped when the object's
 * byte order is not the host's. The per-record loops are instantiated
 * for each value of swap, so the common case pays no test per record.
 */
static ALWAYS_INLINE __u32 ext_u32(const unsigned char *p, bool swap)
{
	__u32 v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

static bool ext_sub(const struct bc_object *obj, const unsigned char *p,
		    __u64 size, __u32 hdr_len, __u32 off, __u32 len,
		    __u32 min_sz, const char *what, struct ext_sub *out)
{
	bool be = obj->elf->big_endian;
	__u64 start = (__u64)hdr_len + off;

	memset(out, 0, sizeof(*out));
	if (!len)
		return true;
	if (start + len > size || len < 4) {
		pr_warn("btf: %s: section '.BTF.ext': %s subsection %u+%u outside %llu bytes; ignored, programs load without func/line info\n",
			obj_path(obj), what, off, len,
			(unsigned long long)size);
		return false;
	}
	out->rec_sz = bc_read_u32(p + start, be);
	if (out->rec_sz < min_sz || out->rec_sz > INFO_MAX_SZ ||
	    out->rec_sz % 4) {
		pr_warn("btf: %s: section '.BTF.ext': %s record size %u invalid; ignored, programs load without func/line info\n",
			obj_path(obj), what, out->rec_sz);
		return false;
	}
	out->p = p + start + 4;
	out->len = len - 4;
	return true;
}

static const unsigned char *grp_rec(const struct ext_group *g, size_t j,
				    __u32 rec_sz)
{
	return g->base ? g->base + j * rec_sz : g->recs[j];
}

/*
 * One pass: or-ing each offset's difference from the one before (zero
 * for the first) sets bit 63 if an offset ever decreases, and sets one
 * of the low bits iff some offset is not a multiple of INSN_SZ (the
 * first misaligned one differs from an aligned predecessor there).
 */
static ALWAYS_INLINE void block_scan(struct ext_group *g, __u32 rec_sz,
				     bool swap)
{
	const unsigned char *r = g->base, *end = r + g->cnt * rec_sz;
	__u64 acc = 0;
	__u32 off, prev = 0;
	size_t j;

#pragma GCC unroll 4
	for (; r != end; r += rec_sz) {
		off = ext_u32(r, swap);
		acc |= (__u64)off - prev;
		prev = off;
	}
	g->scanned = true;
	g->sorted = !(acc >> 63);
	g->bad_pos = NO_POS;
	if (!(acc % INSN_SZ))
		return;
	for (j = 0, r = g->base; !(ext_u32(r, swap) % INSN_SZ);
	     j++, r += rec_sz)
		;
	g->bad_pos = g->pos + 8 + j * rec_sz;
	g->bad_off = ext_u32(r, swap);
}

/* Is the block sorted, is every offset an instruction. */
static void ext_block_scan(struct ext_group *g, __u32 rec_sz, bool swap)
{
	if (swap)
		block_scan(g, rec_sz, true);
	else
		block_scan(g, rec_sz, false);
}

static int ext_group_cmp(const void *a, const void *b)
{
	const struct ext_group *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->pos < y->pos ? -1 : x->pos > y->pos);
}

/*
 * Blocks naming the same section, g[0..n) in file order, as one group:
 * pointers to their records in file order, sorted if their concatenation
 * is, misaligned at the first misaligned record.
 */
static int ext_group_merge(struct ext_index *x, struct ext_group *g,
			   size_t n, struct ext_group *out)
{
	const unsigned char *last = NULL;
	struct ext_group m;
	size_t i, j, total = 0;

	for (i = 0; i < n; i++) {
		ext_block_scan(&g[i], x->rec_sz, x->swap);
		total += g[i].cnt;
	}
	m = g[0];
	m.base = NULL;
	m.cnt = 0;
	m.recs = malloc((total ? total : 1) * sizeof(*m.recs));
	if (!m.recs)
		return -ENOMEM;
	x->merged = true;
	for (i = 0; i < n; i++) {
		if (g[i].cnt && last &&
		    ext_u32(last, x->swap) > ext_u32(g[i].base, x->swap))
			m.sorted = false;
		m.sorted = m.sorted && g[i].sorted;
		if (m.bad_pos == NO_POS && g[i].bad_pos != NO_POS) {
			m.bad_pos = g[i].bad_pos;
			m.bad_off = g[i].bad_off;
		}
		for (j = 0; j < g[i].cnt; j++)
			m.recs[m.cnt++] = g[i].base + j * x->rec_sz;
		if (g[i].cnt)
			last = m.recs[m.cnt - 1];
	}
	*out = m;
	return 0;
}

/* Sort the groups by name and merge the blocks of a section. */
static int ext_groups_finish(struct ext_index *x)
{
	size_t i, j, out = 0;
	bool sorted = true;
	int err;

	for (i = 1; i < x->cnt && sorted; i++)
		sorted = strcmp(x->groups[i - 1].name, x->groups[i].name) < 0;
	if (sorted)
		return 0;
	qsort(x->groups, x->cnt, sizeof(*x->groups), ext_group_cmp);
	for (i = 0; i < x->cnt; i = j) {
		for (j = i + 1; j < x->cnt &&
		     !strcmp(x->groups[i].name, x->groups[j].name); j++)
			;
		if (j - i == 1) {
			x->groups[out++] = x->groups[i];
			continue;
		}
		/* out <= i: the merged group lands where nothing is left. */
		err = ext_group_merge(x, &x->groups[i], j - i,
				      &x->groups[out]);
		if (err) {
			x->cnt = out;
			return err;
		}
		out++;
	}
	x->cnt = out;
	return 0;
}

/* Blocks before the first one overrunning the subsection. */
static size_t ext_block_cnt(const struct ext_sub *s, struct ext_index *x)
{
	__u32 pos = 0, n;
	size_t cnt = 0;

	x->overrun_pos = NO_POS;
	if (!s->p)
		return 0;
	while (pos + 8 <= s->len) {
		n = ext_u32(s->p + pos + 4, x->swap);
		if ((__u64)n * s->rec_sz > s->len - pos - 8) {
			x->overrun_pos = pos;
			x->overrun_n = n;
			break;
		}
		pos += 8 + n * s->rec_sz;
		cnt++;
	}
	return cnt;
}

/* The groups of the first blocks of subsection s (counted before). */
static void ext_index_build(const struct bc_object *obj,
			    const struct ext_sub *s, struct ext_index *x,
			    struct ext_group *groups, size_t blocks)
{
	struct ext_group *g;
	__u32 pos = 0, n;
	const char *name;
	size_t i;

	x->rec_sz = s->rec_sz;
	x->last_sec = NO_POS;
	x->groups = groups;
	for (i = 0; i < blocks; i++, pos += 8 + n * s->rec_sz) {
		n = ext_u32(s->p + pos + 4, x->swap);
		name = btf__name_by_offset(obj->btf,
					   ext_u32(s->p + pos, x->swap));
		if (!name)
			continue;
		g = &x->groups[x->cnt++];
		g->name = name;
		g->base = s->p + pos + 8;
		g->cnt = n;
		g->pos = pos;
	}
	x->err = ext_groups_finish(x);
}

static void ext_index_free(struct ext_index *x)
{
	size_t i;

	if (!x->merged)
		return;
	for (i = 0; i < x->cnt; i++)
		free(x->groups[i].recs);
}

static struct ext_group *ext_group_search(struct ext_index *x,
					  const char *name)
{
	size_t lo = 0, hi = x->cnt, mid;
	int c;

	/* Programs come in section order, mostly the records' order. */
	if (x->last && x->last + 1 < x->groups + x->cnt &&
	    !strcmp(name, x->last[1].name))
		return x->last + 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, x->groups[mid].name);
		if (!c)
			return &x->groups[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static struct ext_group *ext_group_find(struct ext_index *x,
					const struct bc_object *obj,
					size_t sec_idx)
{
	struct ext_group *g;

	if (sec_idx == x->last_sec)
		return x->last;
	g = ext_group_search(x, obj->elf->secs[sec_idx].name);
	x->last_sec = sec_idx;
	x->last = g;
	if (g && !g->scanned)
		ext_block_scan(g, x->rec_sz, x->swap);
	return g;
}

static ALWAYS_INLINE size_t block_lower(const unsigned char *base,
					size_t lo, size_t hi, __u32 rec_sz,
					__u64 off, bool swap)
{
	size_t mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ext_u32(base + mid * rec_sz, swap) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first record of sorted g in [lo, cnt) at or past byte offset off. */
static size_t ext_group_lower(const struct ext_index *x,
			      const struct ext_group *g, size_t lo, __u64 off)
{
	size_t hi = g->cnt, mid;

	/* One block, the usual: a search with no indirection. */
	if (g->base)
		return x->swap ?
		       block_lower(g->base, lo, hi, x->rec_sz, off, true) :
		       block_lower(g->base, lo, hi, x->rec_sz, off, false);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ext_u32(g->recs[mid], x->swap) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where a span's records are: [lo, hi) of g, n of them inside the span. */
struct span_loc {
	const struct ext_group *g;	/* NULL: the span has no records */
	size_t lo, hi, n;
};

/* Is the offset of sorted g's record j below off (j < cnt). */
static bool rec_below(const struct ext_index *x, const struct ext_group *g,
		      size_t j, __u64 off)
{
	return ext_u32(grp_rec(g, j, x->rec_sz), x->swap) < off;
}

/*
 * Which records of sorted g start span sp. Programs are collected in
 * section order, so a span mostly starts where the last one ended.
 */
static size_t span_first(const struct ext_index *x, const struct ext_group *g,
			 const struct bc_btf_span *sp)
{
	size_t h = g->hint;

	if (h <= g->cnt && (!h || rec_below(x, g, h - 1, sp->off)) &&
	    (h == g->cnt || !rec_below(x, g, h, sp->off)))
		return h;
	return ext_group_lower(x, g, 0, sp->off);
}

/*
 * Which records of sorted g, from lo, end the span at byte end. A program
 * alone in its section, the usual, takes the rest of the records.
 */
static size_t span_last(const struct ext_index *x, const struct ext_group *g,
			size_t lo, __u64 end)
{
	if (lo == g->cnt || rec_below(x, g, g->cnt - 1, end))
		return g->cnt;
	if (!rec_below(x, g, lo, end))
		return lo;
	return ext_group_lower(x, g, lo + 1, end);
}

/* Which records of g fall inside sp: a search if sorted, else a walk. */
static void span_range(const struct ext_index *x, struct ext_group *g,
		       const struct bc_btf_span *sp, struct span_loc *loc)
{
	__u64 end = sp->off + (__u64)sp->cnt * INSN_SZ;
	size_t j;
	__u32 off;

	loc->g = g;
	if (g->sorted) {
		loc->lo = span_first(x, g, sp);
		loc->hi = span_last(x, g, loc->lo, end);
		loc->n = loc->hi - loc->lo;
		g->hint = loc->hi;
		return;
	}
	loc->lo = 0;
	loc->hi = g->cnt;
	loc->n = 0;
	for (j = 0; j < g->cnt; j++) {
		off = ext_u32(grp_rec(g, j, x->rec_sz), x->swap);
		if (off >= sp->off && off < end)
			loc->n++;
	}
}

/* Walking the records, which error the span meets first, if any. */
static int span_check(const struct bc_object *obj, const struct ext_index *x,
		      const struct ext_group *g, size_t sec_idx,
		      const char *what)
{
	if (x->overrun_pos != NO_POS && (!g || g->bad_pos > x->overrun_pos)) {
		pr_warn("btf: %s: section '.BTF.ext': %s: %u records overrun the subsection\n",
			obj_path(obj), what, x->overrun_n);
		return -BC_ERRNO__FORMAT;
	}
	if (g && g->bad_pos != NO_POS) {
		pr_warn("btf: %s: section '.BTF.ext': %s for '%s': offset %u not on an instruction\n",
			obj_path(obj), what, obj->elf->secs[sec_idx].name,
			g->bad_off);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

/*
 * Turn copied records' byte offsets into linked instruction indexes:
 * idx = (off - bias) / INSN_SZ, bias folding in the span's start and
 * its linked position (the caller checked nothing wraps).
 */
static ALWAYS_INLINE void recs_rebase(unsigned char *out, size_t n,
				      __u32 rec_sz, __u32 bias, bool swap)
{
	unsigned char *end = out + n * rec_sz;
	__u32 idx;

#pragma GCC unroll 4
	for (; out != end; out += rec_sz) {
		idx = (ext_u32(out, swap) - bias) / INSN_SZ;
		memcpy(out, &idx, sizeof(idx));
	}
}

/* Linked instruction indexes fit the bias trick (the usual). */
static bool span_fast(const struct bc_btf_span *sp)
{
	return sp->cnt <= UINT32_MAX / INSN_SZ &&
	       sp->linked_off <= UINT32_MAX / INSN_SZ - sp->cnt;
}

/*
 * Copy a span's records, their section-relative byte offsets turned into
 * the instruction indexes the kernel wants, into the linked program.
 */
static unsigned char *span_copy(const struct ext_index *x,
				const struct span_loc *loc,
				const struct bc_btf_span *sp,
				unsigned char *out)
{
	const struct ext_group *g = loc->g;
	__u64 end = sp->off + (__u64)sp->cnt * INSN_SZ;
	__u32 sz = x->rec_sz, off, idx, bias;
	const unsigned char *rec;
	size_t j;

	if (g->base && g->sorted && span_fast(sp)) {
		/* Records in the span: sp->off <= off < 2^32. */
		bias = (__u32)sp->off - (__u32)sp->linked_off * INSN_SZ;
		memcpy(out, g->base + loc->lo * sz, loc->n * sz);
		if (x->swap)
			recs_rebase(out, loc->n, sz, bias, true);
		else
			recs_rebase(out, loc->n, sz, bias, false);
		return out + loc->n * sz;
	}
	for (j = loc->lo; j < loc->hi; j++) {
		rec = grp_rec(g, j, sz);
		off = ext_u32(rec, x->swap);
		if (off < sp->off || off >= end)
			continue;
		idx = sp->linked_off + (off - sp->off) / INSN_SZ;
		memcpy(out, rec, sz);
		memcpy(out, &idx, sizeof(idx));
		out += sz;
	}
	return out;
}

/* Spans whose location is kept between counting and copying. */
#define SPAN_LOCS	8

/* Where sp's records are in g (none without a group). */
static void span_locate(struct ext_index *x, struct ext_group *g,
			const struct bc_btf_span *sp, struct span_loc *loc)
{
	loc->g = NULL;
	loc->n = 0;
	if (g)
		span_range(x, g, sp, loc);
}

/* One subsection's part of a program's records. */
struct ext_pick {
	struct ext_index *x;
	size_t cnt;			/* records */
	size_t bytes;
	struct span_loc locs[SPAN_LOCS];
};

/* Check and count the records of one subsection inside the spans. */
static int ext_count(const struct bc_object *obj, struct ext_index *x,
		     const struct bc_btf_span *spans, size_t span_cnt,
		     const char *what, struct ext_pick *pk)
{
	struct span_loc loc;
	struct ext_group *g;
	size_t k, total = 0;
	int err;

	pk->x = x;
	pk->cnt = pk->bytes = 0;
	if (x->err)
		return x->err;
	for (k = 0; k < span_cnt; k++) {
		g = ext_group_find(x, obj, spans[k].sec_idx);
		err = span_check(obj, x, g, spans[k].sec_idx, what);
		if (err)
			return err;
		span_locate(x, g, &spans[k], &loc);
		if (k < SPAN_LOCS)
			pk->locs[k] = loc;
		total += loc.n;
	}
	/* Overlapping spans may take a record more than once. */
	if (total > UINT32_MAX || total > SIZE_MAX / 2 / x->rec_sz)
		return -ENOMEM;
	pk->cnt = total;
	pk->bytes = total * x->rec_sz;
	return 0;
}

/* Copy the records counted in pk, in span order. */
static void ext_copy(const struct bc_object *obj, struct ext_pick *pk,
		     const struct bc_btf_span *spans, size_t span_cnt,
		     unsigned char *out)
{
	struct ext_index *x = pk->x;
	struct span_loc loc;
	size_t k;

	for (k = 0; k < span_cnt && pk->cnt; k++) {
		if (k < SPAN_LOCS)
			loc = pk->locs[k];
		else
			span_locate(x, ext_group_find(x, obj, spans[k].sec_idx),
				    &spans[k], &loc);
		if (loc.n)
			out = span_copy(x, &loc, &spans[k], out);
	}
}

/* A program's slice of the info block: func_info, then line_info. */
static size_t prog_info_bytes(const struct bc_prog *prog)
{
	size_t n = (size_t)prog->func_info_cnt * prog->func_info_rec_size +
		   (size_t)prog->line_info_cnt * prog->line_info_rec_size;

	return (n + 7) & ~(size_t)7;
}

/* The block is the object's: bc_btf_release() or the next fill frees it. */
void bc_btf_prog_info_free(struct bc_prog *prog)
{
	prog->func_info = prog->line_info = NULL;
	prog->func_info_cnt = prog->line_info_cnt = 0;
	prog->func_info_rec_size = prog->line_info_rec_size = 0;
}

static int ext_subs(const struct bc_object *obj, const struct bc_elf_sec *ext,
		    struct ext_sub *fi, struct ext_sub *li)
{
	const unsigned char *p = ext->data;
	bool be = obj->elf->big_endian;
	__u32 hdr_len;

	if (!p || ext->size < BTF_EXT_HDR_MIN ||
	    (p[0] | p[1] << 8) != (be ? 0x9FEB : BTF_EXT_MAGIC)) {
		pr_warn("btf: %s: section '.BTF.ext': bad header; ignored, programs load without func/line info\n",
			obj_path(obj));
		return -BC_ERRNO__FORMAT;
	}
	hdr_len = bc_read_u32(p + 4, be);
	if (hdr_len < BTF_EXT_HDR_MIN || hdr_len > ext->size || hdr_len % 4) {
		pr_warn("btf: %s: section '.BTF.ext': header length %u invalid; ignored, programs load without func/line info\n",
			obj_path(obj), hdr_len);
		return -BC_ERRNO__FORMAT;
	}
	if (!ext_sub(obj, p, ext->size, hdr_len, bc_read_u32(p + 8, be),
		     bc_read_u32(p + 12, be), FUNC_INFO_MIN_SZ, "func_info",
		     fi) ||
	    !ext_sub(obj, p, ext->size, hdr_len, bc_read_u32(p + 16, be),
		     bc_read_u32(p + 20, be), LINE_INFO_MIN_SZ, "line_info",
		     li))
		return -BC_ERRNO__FORMAT;
	return 0;
}

/*
 * The object's .BTF.ext, its header read and its blocks indexed once, in
 * one allocation. Like libbpf, a .BTF.ext whose layout is broken is
 * ignored, not refused: it is debug information. Said once per object.
 */
static int btf_ext_init(struct bc_object *obj)
{
	const struct bc_elf_sec *sec;
	struct ext_index fx = {}, lx = {};
	struct ext_sub fi, li;
	const struct btf *btf;
	struct bc_btf_ext *e;
	size_t fb = 0, lb = 0, sz;
	bool usable;

	sec = bc_elf_sec_by_name(obj->elf, ".BTF.ext");
	usable = sec && !bc_btf_get(obj, &btf) && btf &&
		 !ext_subs(obj, sec, &fi, &li);
	if (usable) {
		fx.swap = lx.swap = obj->elf->big_endian != HOST_BE;
		fb = ext_block_cnt(&fi, &fx);
		lb = ext_block_cnt(&li, &lx);
	}
	sz = sizeof(*e) + (fb + lb) * sizeof(e->groups[0]);
	e = calloc(1, sz);
	if (!e)
		return -ENOMEM;
	obj->btf_ext = e;
	if (!usable)
		return 0;
	e->usable = true;
	e->fi_sub = fi;
	e->li_sub = li;
	e->fi = fx;
	e->li = lx;
	ext_index_build(obj, &e->fi_sub, &e->fi, e->groups, fb);
	ext_index_build(obj, &e->li_sub, &e->li, e->groups + fb, lb);
	return 0;
}

int bc_btf_prog_info(struct bc_object *obj, struct bc_prog *prog,
		     const struct bc_btf_span *spans, size_t cnt)
{
	struct ext_pick fp, lp;
	struct bc_btf_ext *e;
	int err = 0;

	bc_btf_prog_info_free(prog);
	fp.cnt = lp.cnt = 0;
	if (!obj->btf_ext) {
		err = btf_ext_init(obj);
		if (err)
			return err;
	}
	e = obj->btf_ext;
	if (!e->usable)
		return 0;
	if (e->fi_sub.p)
		err = ext_count(obj, &e->fi, spans, cnt, "func_info", &fp);
	if (!err && e->li_sub.p)
		err = ext_count(obj, &e->li, spans, cnt, "line_info", &lp);
	if (err) {
		if (err == -ENOMEM)
			return err;
		pr_warn("btf: %s: prog '%s': loading without func/line info\n",
			obj_path(obj), prog->name);
		return 0;
	}
	if (fp.cnt) {
		prog->func_info_cnt = fp.cnt;
		prog->func_info_rec_size = e->fi_sub.rec_sz;
	}
	if (lp.cnt) {
		prog->line_info_cnt = lp.cnt;
		prog->line_info_rec_size = e->li_sub.rec_sz;
	}
	return 0;
}

/* Copy prog's counted records into buf; the count checked them. */
static void prog_info_copy(struct bc_object *obj, struct bc_btf_ext *e,
			   struct bc_prog *prog, unsigned char *buf)
{
	struct ext_pick fp = {}, lp = {};

	if (prog->func_info_cnt &&
	    !ext_count(obj, &e->fi, prog->spans, prog->span_cnt, "func_info",
		       &fp) && fp.cnt == prog->func_info_cnt) {
		ext_copy(obj, &fp, prog->spans, prog->span_cnt, buf);
		prog->func_info = buf;
	}
	if (prog->line_info_cnt &&
	    !ext_count(obj, &e->li, prog->spans, prog->span_cnt, "line_info",
		       &lp) && lp.cnt == prog->line_info_cnt) {
		ext_copy(obj, &lp, prog->spans, prog->span_cnt, buf + fp.bytes);
		prog->line_info = buf + fp.bytes;
	}
	/* A program gets both or neither, as it was counted. */
	if (!prog->func_info != !prog->func_info_cnt ||
	    !prog->line_info != !prog->line_info_cnt)
		bc_btf_prog_info_free(prog);
}

int bc_btf_prog_info_fill(struct bc_object *obj)
{
	struct bc_btf_ext *e = obj->btf_ext;
	size_t i, total = 0, at = 0;
	unsigned char *buf;

	if (!e || !e->usable)
		return 0;
	for (i = 0; i < obj->prog_cnt; i++) {
		struct bc_prog *prog = obj->progs[i];

		prog->func_info = prog->line_info = NULL;
		if (prog->span_cnt)
			total += prog_info_bytes(prog);
	}
	free(e->info);
	e->info = NULL;
	if (!total)
		return 0;
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	e->info = buf;
	for (i = 0; i < obj->prog_cnt; i++) {
		struct bc_prog *prog = obj->progs[i];

		if (!prog->span_cnt ||
		    (!prog->func_info_cnt && !prog->line_info_cnt))
			continue;
		prog_info_copy(obj, e, prog, buf + at);
		at += prog_info_bytes(prog);
	}
	return 0;
}

/* ---- kernel ------------------------------------------------------------ */

int bc_btf_load(struct bc_object *obj)
{
	LIBBPF_OPTS(bpf_btf_load_opts, o);
	const struct btf *btf;
	const void *raw;
	__u32 size;
	char *log;
	int fd, err;

	bc_btf_unload(obj);
	/* Nothing in the kernel's byte order needs it (see endian_check()). */
	if (bc_object_foreign_endian(obj))
		return 0;
	err = bc_btf_get(obj, &btf);
	if (err == -ENOMEM)
		return err;
	if (err || !btf)
		return 0;
	raw = btf__raw_data(btf, &size);
	if (!raw)
		return -ENOMEM;
	fd = bpf_btf_load(raw, size, &o);
	if (fd >= 0)
		goto loaded;
	/* Only a refusal pays for the log. */
	log = calloc(1, BTF_LOG_SIZE);
	if (!log)
		return -ENOMEM;
	o.log_buf = log;
	o.log_size = BTF_LOG_SIZE;
	o.log_level = 1;
	fd = bpf_btf_load(raw, size, &o);
	if (fd < 0) {
		pr_warn("btf: %s: the kernel refused the object's BTF (%s); maps and programs load without it\n%s%s",
			obj_path(obj), strerror(-fd), log,
			log[0] && log[strlen(log) - 1] != '\n' ? "\n" : "");
		free(log);
		return 0;
	}
	free(log);
loaded:
	obj->btf_fd = fd;
	obj->btf_loaded = true;
	return 0;
}

void bc_btf_unload(struct bc_object *obj)
{
	if (obj->btf_loaded)
		close(obj->btf_fd);
	obj->btf_loaded = false;
	obj->btf_fd = -1;
}

void bc_btf_release(struct bc_object *obj)
{
	size_t i;

	bc_btf_unload(obj);
	for (i = 0; i < obj->prog_cnt; i++)
		bc_btf_prog_info_free(obj->progs[i]);
	btf__free(obj->btf);
	obj->btf = NULL;
	obj->btf_parsed = false;
	if (obj->btf_ext) {
		ext_index_free(&obj->btf_ext->fi);
		ext_index_free(&obj->btf_ext->li);
		free(obj->btf_ext->info);
		free(obj->btf_ext);
		obj->btf_ext = NULL;
	}
}
