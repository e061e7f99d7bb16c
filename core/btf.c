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

/* A section's symbols sorted by name, then index: one search per VAR. */
struct sec_syms {
	const struct bc_elf_sym **syms;
	size_t cnt;
};

static int sym_name_cmp(const void *a, const void *b)
{
	const struct bc_elf_sym *x = *(const struct bc_elf_sym *const *)a;
	const struct bc_elf_sym *y = *(const struct bc_elf_sym *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x < y ? -1 : x > y);
}

static int sec_syms_build(const struct bc_elf *elf, size_t sec_idx,
			  struct sec_syms *ss)
{
	size_t i;

	ss->cnt = 0;
	ss->syms = calloc(elf->sym_cnt ? elf->sym_cnt : 1,
			  sizeof(*ss->syms));
	if (!ss->syms)
		return -ENOMEM;
	for (i = 1; i < elf->sym_cnt; i++)
		if (elf->syms[i].shndx == sec_idx)
			ss->syms[ss->cnt++] = &elf->syms[i];
	qsort(ss->syms, ss->cnt, sizeof(*ss->syms), sym_name_cmp);
	return 0;
}

/* The lowest-indexed symbol of the section called name. */
static const struct bc_elf_sym *datasec_sym(const struct sec_syms *ss,
					    const char *name)
{
	size_t lo = 0, hi = ss->cnt, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ss->syms[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ss->cnt && !strcmp(ss->syms[lo]->name, name) ?
	       ss->syms[lo] : NULL;
}

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Clang emits DATASEC sizes and VAR offsets as zero; the loader fills
 * them from the ELF section size and the variables' symbols, and sorts
 * the variables by offset as the kernel requires. Extern-only DATASECs
 * (.kconfig, .ksyms) have no ELF section and stay as they are.
 */
static int fixup_datasec(struct bc_object *obj, struct btf *btf,
			 struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);
	const struct bc_elf_sec *sec;
	struct btf_var_secinfo *vi = btf_var_secinfos(t);
	struct sec_syms ss = {};
	bool fix_offs = false;
	int i, n = btf_vlen(t), err = 0;

	if (!name || !strcmp(name, ".kconfig") || !strcmp(name, ".ksyms"))
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
	if (n) {
		err = sec_syms_build(obj->elf, sec->idx, &ss);
		if (err)
			return err;
	}
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
	free(ss.syms);
	if (err)
		return err;
sort:
	qsort(vi, n, sizeof(*vi), cmp_secinfo);
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

static int btf_fixup(struct bc_object *obj, struct btf *btf)
{
	__u32 id, n = btf__type_cnt(btf);
	int err;

	if (n > BC_BTF_MAX_TYPES) {
		pr_warn("btf: %s: section '.BTF': %u types, more than %u\n",
			obj_path(obj), n, BC_BTF_MAX_TYPES);
		return -BC_ERRNO__FORMAT;
	}
	for (id = 1; id < n; id++) {
		struct btf_type *t = (struct btf_type *)btf__type_by_id(btf, id);

		if (!t || !btf_is_datasec(t))
			continue;
		err = fixup_datasec(obj, btf, t);
		if (err)
			return err;
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

struct info_buf {
	unsigned char *recs;
	__u32 rec_sz;
	__u32 cnt;
	size_t cap;
};

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

/* Room for n more records of sz bytes: one allocation per span. */
static int info_reserve(struct info_buf *b, __u32 sz, size_t n)
{
	unsigned char *recs;

	/* Nothing to add: growing by 0 from NULL is not a failure. */
	if (!n)
		return 0;
	recs = bc_grow(b->recs, &b->cap, ((size_t)b->cnt + n) * sz, 1);
	if (!recs)
		return -ENOMEM;
	b->recs = recs;
	return 0;
}

static int info_add(struct info_buf *b, const unsigned char *rec, __u32 sz,
		    __u32 insn_idx)
{
	unsigned char *recs;

	recs = bc_grow(b->recs, &b->cap, ((size_t)b->cnt + 1) * sz, 1);
	if (!recs)
		return -ENOMEM;
	b->recs = recs;
	memcpy(recs + (size_t)b->cnt * sz, rec, sz);
	memcpy(recs + (size_t)b->cnt * sz, &insn_idx, sizeof(insn_idx));
	b->rec_sz = sz;
	b->cnt++;
	return 0;
}

/*
 * One subsection's records grouped by section name, in file order, built
 * once per object: collecting a program then costs a lookup and a binary
 * search instead of a walk over every record of the object. The index
 * also remembers where the walk the records describe first goes wrong,
 * so every program still reports the error it would meet walking them.
 */
struct ext_group {
	const char *name;
	const unsigned char **recs;	/* file order */
	size_t cnt, cap;
	bool sorted;			/* offsets never decrease */
	size_t bad_pos;			/* first misaligned record, or NO_POS */
	__u32 bad_off;
};

#define NO_POS	SIZE_MAX

struct ext_index {
	bool built;
	int err;			/* -ENOMEM while building */
	struct ext_group *groups;	/* sorted by name once built */
	size_t cnt, cap;
	size_t overrun_pos;		/* block overrunning, or NO_POS */
	__u32 overrun_n;
};

struct bc_btf_ext {
	const struct bc_elf_sec *sec;	/* .BTF.ext, NULL if absent */
	struct ext_index fi, li;
	bool ignored;			/* bad header or subsection, warned */
};

static struct ext_group *ext_group_get(struct ext_index *x, const char *name)
{
	struct ext_group *g;
	size_t i;

	for (i = x->cnt; i > 0; i--)
		if (!strcmp(x->groups[i - 1].name, name))
			return &x->groups[i - 1];
	g = bc_grow(x->groups, &x->cap, x->cnt + 1, sizeof(*g));
	if (!g)
		return NULL;
	x->groups = g;
	g = &x->groups[x->cnt++];
	g->name = name;
	g->sorted = true;
	g->bad_pos = NO_POS;
	return g;
}

static int ext_group_add(struct ext_group *g, const unsigned char *rec,
			 __u32 off, size_t pos, bool be)
{
	const unsigned char **recs;

	if (off % INSN_SZ && g->bad_pos == NO_POS) {
		g->bad_pos = pos;
		g->bad_off = off;
	}
	if (g->cnt && bc_read_u32(g->recs[g->cnt - 1], be) > off)
		g->sorted = false;
	recs = bc_grow(g->recs, &g->cap, g->cnt + 1, sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	g->recs = recs;
	g->recs[g->cnt++] = rec;
	return 0;
}

static int ext_group_cmp(const void *a, const void *b)
{
	const struct ext_group *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int ext_index_build(const struct bc_object *obj,
			   const struct ext_sub *s, struct ext_index *x)
{
	bool be = obj->elf->big_endian;
	struct ext_group *g;
	__u32 pos = 0, j;
	int err;

	x->overrun_pos = NO_POS;
	while (pos + 8 <= s->len) {
		__u32 name_off = bc_read_u32(s->p + pos, be);
		__u32 n = bc_read_u32(s->p + pos + 4, be);
		const char *name;

		if ((__u64)n * s->rec_sz > s->len - pos - 8) {
			x->overrun_pos = pos;
			x->overrun_n = n;
			break;
		}
		pos += 8;
		name = btf__name_by_offset(obj->btf, name_off);
		if (!name) {
			pos += n * s->rec_sz;
			continue;
		}
		g = ext_group_get(x, name);
		if (!g)
			return -ENOMEM;
		for (j = 0; j < n; j++, pos += s->rec_sz) {
			err = ext_group_add(g, s->p + pos,
					    bc_read_u32(s->p + pos, be), pos,
					    be);
			if (err)
				return err;
		}
	}
	if (x->cnt)
		qsort(x->groups, x->cnt, sizeof(*x->groups), ext_group_cmp);
	return 0;
}

static void ext_index_free(struct ext_index *x)
{
	size_t i;

	for (i = 0; i < x->cnt; i++)
		free(x->groups[i].recs);
	free(x->groups);
	memset(x, 0, sizeof(*x));
}

static const struct ext_group *ext_group_find(const struct ext_index *x,
					      const char *name)
{
	struct ext_group key = { .name = name };

	return x->cnt ? bsearch(&key, x->groups, x->cnt, sizeof(key),
				ext_group_cmp) : NULL;
}

/* The first record of g at or past byte offset off, if g is sorted. */
static size_t ext_group_lower(const struct ext_group *g, __u64 off, bool be)
{
	size_t lo = 0, hi = g->cnt, mid;

	if (!g->sorted)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (bc_read_u32(g->recs[mid], be) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Append, in span order, the records of one subsection that fall inside
 * the spans. Records are section-relative byte offsets in the file; the
 * kernel wants instruction indexes into the linked program.
 */
static int ext_collect(const struct bc_object *obj, const struct ext_sub *s,
		       struct ext_index *x, const struct bc_btf_span *spans,
		       size_t span_cnt, const char *what, struct info_buf *b)
{
	bool be = obj->elf->big_endian;
	const struct ext_group *g;
	size_t k, j;
	int err;

	if (!x->built) {
		x->built = true;
		x->err = ext_index_build(obj, s, x);
	}
	if (x->err)
		return x->err;
	for (k = 0; k < span_cnt; k++) {
		const struct bc_btf_span *sp = &spans[k];
		const char *secname = obj->elf->secs[sp->sec_idx].name;
		__u64 end = sp->off + (__u64)sp->cnt * INSN_SZ;

		g = ext_group_find(x, secname);
		/* Walking the records, which error comes first. */
		if (x->overrun_pos != NO_POS &&
		    (!g || g->bad_pos > x->overrun_pos)) {
			pr_warn("btf: %s: section '.BTF.ext': %s: %u records overrun the subsection\n",
				obj_path(obj), what, x->overrun_n);
			return -BC_ERRNO__FORMAT;
		}
		if (!g)
			continue;
		if (g->bad_pos != NO_POS) {
			pr_warn("btf: %s: section '.BTF.ext': %s for '%s': offset %u not on an instruction\n",
				obj_path(obj), what, secname, g->bad_off);
			return -BC_ERRNO__FORMAT;
		}
		j = ext_group_lower(g, sp->off, be);
		if (g->sorted &&
		    info_reserve(b, s->rec_sz, ext_group_lower(g, end, be) - j))
			return -ENOMEM;
		for (; j < g->cnt; j++) {
			__u32 off = bc_read_u32(g->recs[j], be);

			if (off >= end && g->sorted)
				break;
			if (off < sp->off || off >= end)
				continue;
			err = info_add(b, g->recs[j], s->rec_sz,
				       sp->linked_off +
				       (off - sp->off) / INSN_SZ);
			if (err)
				return err;
		}
	}
	return 0;
}

static void prog_info_free(struct bc_prog *prog)
{
	free(prog->func_info);
	free(prog->line_info);
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

int bc_btf_prog_info(struct bc_object *obj, struct bc_prog *prog,
		     const struct bc_btf_span *spans, size_t cnt)
{
	struct info_buf fb = {}, lb = {};
	const struct bc_elf_sec *ext;
	struct ext_sub fi, li;
	const struct btf *btf;
	int err;

	prog_info_free(prog);
	if (!obj->btf_ext) {
		obj->btf_ext = calloc(1, sizeof(*obj->btf_ext));
		if (!obj->btf_ext)
			return -ENOMEM;
		obj->btf_ext->sec = bc_elf_sec_by_name(obj->elf, ".BTF.ext");
	}
	ext = obj->btf_ext->sec;
	if (!ext || obj->btf_ext->ignored || bc_btf_get(obj, &btf) || !btf)
		return 0;
	/*
	 * Like libbpf, a .BTF.ext whose layout is broken is ignored, not
	 * refused: it is debug information. Said once per object.
	 */
	if (ext_subs(obj, ext, &fi, &li)) {
		obj->btf_ext->ignored = true;
		return 0;
	}
	err = 0;
	if (fi.p)
		err = ext_collect(obj, &fi, &obj->btf_ext->fi, spans, cnt,
				  "func_info", &fb);
	if (!err && li.p)
		err = ext_collect(obj, &li, &obj->btf_ext->li, spans, cnt,
				  "line_info", &lb);
	if (err) {
		free(fb.recs);
		free(lb.recs);
		if (err == -ENOMEM)
			return err;
		pr_warn("btf: %s: prog '%s': loading without func/line info\n",
			obj_path(obj), prog->name);
		return 0;
	}
	prog->func_info = fb.recs;
	prog->func_info_cnt = fb.cnt;
	prog->func_info_rec_size = fb.rec_sz;
	prog->line_info = lb.recs;
	prog->line_info_cnt = lb.cnt;
	prog->line_info_rec_size = lb.rec_sz;
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
		prog_info_free(obj->progs[i]);
	btf__free(obj->btf);
	obj->btf = NULL;
	obj->btf_parsed = false;
	if (obj->btf_ext) {
		ext_index_free(&obj->btf_ext->fi);
		ext_index_free(&obj->btf_ext->li);
		free(obj->btf_ext);
		obj->btf_ext = NULL;
	}
}
