// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE relocations, resolved as libbpf 1.x resolves them: the record's
 * access string is walked through the object's BTF (the local spec), every
 * kernel type of the same kind whose name matches up to a "___flavor"
 * suffix is a candidate, the spec is matched member by member (by name,
 * through anonymous members), all matching candidates must agree, and the
 * instruction is patched: an ALU immediate, a load/store offset (and
 * size), or an ld_imm64. No match poisons the instruction, as libbpf does:
 * code guarded by bpf_core_field_exists() is dead and the verifier drops
 * it; reachable, the verifier names it. Every value read from the object
 * is checked: its BTF passed libbpf's validation, its records did not.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf.h"
#include "corerelo.h"
#include "internal.h"

#define SPEC_MAX	64		/* accessors, as libbpf */
#define COMPAT_DEPTH	32		/* nested arrays followed */
#define POISON_IMM	195896080	/* 0xbad2310: "invalid func" */
#define VMLINUX_BTF	"/sys/kernel/btf/vmlinux"

struct acc {
	__u32 type_id;			/* composite, or array element type */
	__u32 idx;			/* member or element index */
	const char *name;		/* member name; NULL for an index */
};

struct spec {
	const struct btf *btf;
	__u32 root_id;
	struct acc acc[SPEC_MAX];
	int len;
	int raw_len;			/* indexes, anonymous members too */
	__u64 bit_off;
};

struct cands {
	__u32 *ids;
	__u32 cnt;
	bool done;
};

struct bc_core {
	const struct btf *local;
	const struct btf *target;
	struct btf *target_own;
	char *target_path;
	int target_err;			/* loading it failed: -errno */
	struct cands *cands;		/* per local type id, on first use */
	__u32 local_cnt;
};

static const char *const kind_names[] = {
	[BPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",
	[BPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
	[BPF_CORE_FIELD_EXISTS] = "field_exists",
	[BPF_CORE_FIELD_SIGNED] = "signed",
	[BPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",
	[BPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	[BPF_CORE_TYPE_ID_LOCAL] = "local_type_id",
	[BPF_CORE_TYPE_ID_TARGET] = "target_type_id",
	[BPF_CORE_TYPE_EXISTS] = "type_exists",
	[BPF_CORE_TYPE_SIZE] = "type_size",
	[BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	[BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
	[BPF_CORE_TYPE_MATCHES] = "type_matches",
};

const char *bc_core_kind_str(__u32 kind)
{
	return kind < ARRAY_SIZE(kind_names) && kind_names[kind] ?
	       kind_names[kind] : "unknown";
}

static bool kind_is_field(__u32 kind)
{
	return kind <= BPF_CORE_FIELD_RSHIFT_U64;
}

static bool kind_is_type(__u32 kind)
{
	return (kind >= BPF_CORE_TYPE_ID_LOCAL &&
		kind <= BPF_CORE_TYPE_SIZE) || kind == BPF_CORE_TYPE_MATCHES;
}

static bool kind_is_enumval(__u32 kind)
{
	return kind == BPF_CORE_ENUMVAL_EXISTS ||
	       kind == BPF_CORE_ENUMVAL_VALUE;
}

/* ---- the two BTFs --------------------------------------------------------- */

struct bc_core *bc_core_new(const struct btf *local, const char *target_path,
			    const struct btf *target)
{
	struct bc_core *core = calloc(1, sizeof(*core));

	if (!core)
		return NULL;
	core->local = local;
	core->target = target;
	core->local_cnt = btf__type_cnt(local);
	if (target_path) {
		core->target_path = strdup(target_path);
		if (!core->target_path) {
			free(core);
			return NULL;
		}
	}
	return core;
}

void bc_core_free(struct bc_core *core)
{
	__u32 i;

	if (!core)
		return;
	for (i = 0; core->cands && i < core->local_cnt; i++)
		free(core->cands[i].ids);
	free(core->cands);
	btf__free(core->target_own);
	free(core->target_path);
	free(core);
}

/* The kernel's BTF, read once per pass and only if a record needs it. */
static int get_target(struct bc_core *core, char *why, size_t sz)
{
	const char *path = core->target_path ?: VMLINUX_BTF;
	struct btf *btf;

	if (core->target)
		return 0;
	if (core->target_err)
		goto fail;
	btf = core->target_path ? btf__parse(path, NULL) :
				  btf__load_vmlinux_btf();
	if (!btf) {
		core->target_err = errno ? -errno : -ENOENT;
		goto fail;
	}
	core->target = core->target_own = btf;
	return 0;
fail:
	snprintf(why, sz, "kernel BTF %s: %s", path,
		 strerror(-core->target_err));
	return core->target_err == -ENOMEM ? -ENOMEM : -BC_ERRNO__RELOC;
}

/* ---- type helpers ----------------------------------------------------------- */

static const char *type_name(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

/* The name up to a "___flavor" suffix: "task_struct___old" -> 11. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);
	size_t i;

	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		if (name[i] != '_' && name[i + 1] == '_' &&
		    name[i + 2] == '_' && name[i + 3] == '_' &&
		    name[i + 4] != '_')
			return i + 1;
	}
	return n;
}

static bool essential_eq(const char *a, const char *b)
{
	size_t n = essential_len(a);

	return n == essential_len(b) && !strncmp(a, b, n);
}

/* A flexible array: zero elements, last member of its struct. */
static bool flex_array(const struct btf *btf, const struct acc *parent,
		       const struct btf_array *arr)
{
	const struct btf_type *t;

	if (!parent->name || arr->nelems)
		return false;
	t = btf__type_by_id(btf, parent->type_id);
	return t && parent->idx + 1 == btf_vlen(t);
}

/* ---- the local spec ----------------------------------------------------------- */

/* "0:1:2" into idx[]; strict: digits and single colons only. */
static int parse_access(const char *s, __u32 *idx, int *cnt)
{
	unsigned long v;
	char *end;

	*cnt = 0;
	if (!s || !*s || *s == ':')
		return -EINVAL;
	while (*s) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (*cnt == SPEC_MAX)
			return -E2BIG;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || v > INT_MAX)
			return -EINVAL;
		idx[(*cnt)++] = v;
		s = end;
		if (*s == ':' && !*++s)
			return -EINVAL;
	}
	return 0;
}

static int spec_parse_enum(struct spec *sp, const struct btf_type *t,
			   int raw_len)
{
	struct acc *a = &sp->acc[0];
	__u32 name_off;

	if (!btf_is_any_enum(t) || raw_len > 1 || a->idx >= btf_vlen(t))
		return -EINVAL;
	name_off = btf_is_enum(t) ? btf_enum(t)[a->idx].name_off :
				    btf_enum64(t)[a->idx].name_off;
	a->name = btf__name_by_offset(sp->btf, name_off);
	return a->name && *a->name ? 0 : -EINVAL;
}

static int spec_step(struct spec *sp, __u32 *id, __u32 idx)
{
	const struct btf_type *t = bc_btf_skip_mods(sp->btf, *id, id);
	const struct btf_member *m;
	const struct btf_array *arr;
	struct acc *a = &sp->acc[sp->len];
	__s64 sz;

	if (!t)
		return -EINVAL;
	if (btf_is_composite(t)) {
		if (idx >= btf_vlen(t))
			return -EINVAL;
		sp->bit_off += btf_member_bit_offset(t, idx);
		m = btf_members(t) + idx;
		if (m->name_off) {
			a->name = btf__name_by_offset(sp->btf, m->name_off);
			if (!a->name || !*a->name)
				return -EINVAL;
			a->type_id = *id;
			a->idx = idx;
			sp->len++;
		}
		*id = m->type;
		return 0;
	}
	if (!btf_is_array(t))
		return -EINVAL;
	arr = btf_array(t);
	if (!bc_btf_skip_mods(sp->btf, arr->type, id))
		return -EINVAL;
	if (!flex_array(sp->btf, a - 1, arr) && idx >= arr->nelems)
		return -EINVAL;
	a->type_id = *id;
	a->idx = idx;
	a->name = NULL;
	sp->len++;
	sz = btf__resolve_size(sp->btf, *id);
	if (sz < 0)
		return -EINVAL;
	sp->bit_off += (__u64)idx * sz * 8;
	return 0;
}

static int spec_parse(struct spec *sp, const struct btf *btf, __u32 root,
		      const char *access, __u32 kind)
{
	__u32 idx[SPEC_MAX], id;
	const struct btf_type *t;
	int i, n, err;
	__s64 sz;

	memset(sp, 0, sizeof(*sp));
	sp->btf = btf;
	sp->root_id = root;
	err = parse_access(access, idx, &n);
	if (err)
		return err;
	if (kind_is_type(kind))
		return n == 1 && idx[0] == 0 ? 0 : -EINVAL;
	t = bc_btf_skip_mods(btf, root, &id);
	if (!t)
		return -EINVAL;
	sp->acc[0] = (struct acc){ .type_id = id, .idx = idx[0] };
	sp->len = 1;
	sp->raw_len = n;
	if (kind_is_enumval(kind))
		return spec_parse_enum(sp, t, n);
	if (!kind_is_field(kind))
		return -EOPNOTSUPP;
	sz = btf__resolve_size(btf, id);
	if (sz < 0)
		return -EINVAL;
	sp->bit_off = (__u64)idx[0] * sz * 8;
	for (i = 1; i < n; i++) {
		err = spec_step(sp, &id, idx[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- candidates ------------------------------------------------------------- */

/* Kernel types of the local root's kind with its essential name. */
static int find_cands(struct bc_core *core, __u32 local_id,
		      struct cands **out)
{
	const struct btf_type *lt, *t;
	const struct btf *tb = core->target;
	struct cands *c;
	const char *name;
	__u32 id, n, cap = 0;
	__u32 *ids;

	if (!core->cands) {
		core->cands = calloc(core->local_cnt, sizeof(*core->cands));
		if (!core->cands)
			return -ENOMEM;
	}
	c = &core->cands[local_id];
	*out = c;
	if (c->done)
		return 0;
	lt = btf__type_by_id(core->local, local_id);
	name = type_name(core->local, lt);
	if (!*name)
		return -EINVAL;		/* anonymous: libbpf refuses too */
	n = btf__type_cnt(tb);
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(tb, id);
		if (!btf_kind_core_compat(t, lt) ||
		    !essential_eq(name, type_name(tb, t)))
			continue;
		if (c->cnt == cap) {
			cap = cap ? cap * 2 : 4;
			ids = realloc(c->ids, cap * sizeof(*ids));
			if (!ids)
				return -ENOMEM;
			c->ids = ids;
		}
		c->ids[c->cnt++] = id;
	}
	c->done = true;
	return 0;
}

/* ---- matching a spec in the kernel's BTF --------------------------------- */

static int fields_compat(const struct btf *lb, __u32 lid,
			 const struct btf *tb, __u32 tid)
{
	const struct btf_type *lt, *tt;
	int depth;

	for (depth = 0; depth < COMPAT_DEPTH; depth++) {
		lt = bc_btf_skip_mods(lb, lid, &lid);
		tt = bc_btf_skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!btf_kind_core_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			/* anonymous on either side, or the same name */
			return !essential_len(type_name(lb, lt)) ||
			       !essential_len(type_name(tb, tt)) ||
			       essential_eq(type_name(lb, lt),
					    type_name(tb, tt));
		case BTF_KIND_INT:
			/* old bitfield-like ints are not relocatable */
			return !btf_int_offset(lt) && !btf_int_offset(tt);
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static int types_compat(const struct btf *lb, __u32 lid,
			const struct btf *tb, __u32 tid, int depth);

static int protos_compat(const struct btf *lb, const struct btf_type *lt,
			 const struct btf *tb, const struct btf_type *tt,
			 int depth)
{
	const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);
	__u32 lid, tid;
	int i, err;

	if (btf_vlen(lt) != btf_vlen(tt))
		return 0;
	for (i = 0; i < btf_vlen(lt); i++) {
		if (!bc_btf_skip_mods(lb, lp[i].type, &lid) ||
		    !bc_btf_skip_mods(tb, tp[i].type, &tid))
			return -EINVAL;
		err = types_compat(lb, lid, tb, tid, depth - 1);
		if (err <= 0)
			return err;
	}
	return 1;
}

/* Type-based relocations: the kinds agree all the way down. */
static int types_compat(const struct btf *lb, __u32 lid,
			const struct btf *tb, __u32 tid, int depth)
{
	const struct btf_type *lt, *tt;
	int err;

	lt = btf__type_by_id(lb, lid);
	tt = btf__type_by_id(tb, tid);
	if (!lt || !tt)
		return -EINVAL;
	if (!btf_kind_core_compat(lt, tt))
		return 0;
	for (; depth > 0; depth--) {
		lt = bc_btf_skip_mods(lb, lid, &lid);
		tt = bc_btf_skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!btf_kind_core_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return !btf_int_offset(lt) && !btf_int_offset(tt);
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			err = protos_compat(lb, lt, tb, tt, depth);
			if (err <= 0)
				return err;
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * The member local names, in composite tid of the kernel or, depth first,
 * in its anonymous members. 1 and ts extended, 0 not found, or an error.
 */
static int match_member(const struct spec *ls, const struct acc *la,
			struct spec *ts, __u32 tid, __u32 *next_id, int depth)
{
	const struct btf *lb = ls->btf, *tb = ts->btf;
	const struct btf_type *lt = btf__type_by_id(lb, la->type_id);
	const struct btf_member *lm, *m;
	const struct btf_type *tt;
	const char *tname;
	__u32 i, off;
	int found;

	if (!lt || depth > SPEC_MAX)
		return -EINVAL;
	lm = btf_members(lt) + la->idx;
	tt = bc_btf_skip_mods(tb, tid, &tid);
	if (!tt)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	for (i = 0, m = btf_members(tt); i < btf_vlen(tt); i++, m++) {
		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		off = btf_member_bit_offset(tt, i);
		ts->bit_off += off;
		ts->raw_len++;
		tname = btf__name_by_offset(tb, m->name_off);
		if (!tname || !*tname) {
			found = match_member(ls, la, ts, m->type, next_id,
					     depth + 1);
			if (found)
				return found;
		} else if (!strcmp(la->name, tname)) {
			ts->acc[ts->len++] = (struct acc){
				.type_id = tid, .idx = i, .name = tname,
			};
			*next_id = m->type;
			found = fields_compat(lb, lm->type, tb, m->type);
			if (!found)
				ts->len--;
			return found;
		}
		ts->bit_off -= off;
		ts->raw_len--;
	}
	return 0;
}

static int match_enumval(const struct spec *ls, struct spec *ts, __u32 tid)
{
	const struct btf_type *t = bc_btf_skip_mods(ts->btf, tid, &tid);
	const char *name;
	__u32 i, off;

	if (!t)
		return -EINVAL;
	if (!btf_is_any_enum(t))
		return 0;
	for (i = 0; i < btf_vlen(t); i++) {
		off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
				       btf_enum64(t)[i].name_off;
		name = btf__name_by_offset(ts->btf, off);
		if (!name || !essential_eq(ls->acc[0].name, name))
			continue;
		ts->acc[0] = (struct acc){ .type_id = tid, .idx = i,
					   .name = name };
		ts->len = ts->raw_len = 1;
		return 1;
	}
	return 0;
}

/* The local spec in kernel type tid: 1 and ts filled, 0, or an error. */
static int spec_match(const struct spec *ls, __u32 kind, const struct btf *tb,
		      __u32 tid, struct spec *ts)
{
	const struct btf_type *t;
	const struct btf_array *arr;
	const struct acc *la;
	int i, found;
	__s64 sz;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = tid;
	if (kind_is_type(kind))
		return types_compat(ls->btf, ls->root_id, tb, tid, SPEC_MAX);
	if (kind_is_enumval(kind))
		return match_enumval(ls, ts, tid);
	for (i = 0; i < ls->len; i++) {
		la = &ls->acc[i];
		t = bc_btf_skip_mods(tb, tid, &tid);
		if (!t)
			return -EINVAL;
		if (la->name) {
			found = match_member(ls, la, ts, tid, &tid, 0);
			if (found <= 0)
				return found;
			continue;
		}
		/* The root is indexed as an array of itself. */
		if (i > 0) {
			if (!btf_is_array(t))
				return 0;
			arr = btf_array(t);
			if (!flex_array(tb, &ts->acc[ts->len - 1], arr) &&
			    la->idx >= arr->nelems)
				return 0;
			if (!bc_btf_skip_mods(tb, arr->type, &tid))
				return -EINVAL;
		}
		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->acc[ts->len++] = (struct acc){ .type_id = tid,
						   .idx = la->idx };
		ts->raw_len++;
		sz = btf__resolve_size(tb, tid);
		if (sz < 0)
			return -EINVAL;
		ts->bit_off += (__u64)la->idx * sz * 8;
	}
	return 1;
}

/* ---- values --------------------------------------------------------------- */

struct field_val {
	__u64 val;
	__u32 sz;			/* field size, for loads and stores */
	__u32 type_id;			/* field type */
	bool validate;
};

/* An indexed element (a[n]): only its offset and size relocate. */
static int index_value(const struct spec *sp, const struct acc *a,
		       __u32 kind, struct field_val *v)
{
	__s64 sz = btf__resolve_size(sp->btf, a->type_id);

	if (sz < 0)
		return -EINVAL;
	if (kind == BPF_CORE_FIELD_BYTE_OFFSET) {
		v->val = sp->bit_off / 8;
		v->sz = sz;
		v->type_id = a->type_id;
	} else if (kind == BPF_CORE_FIELD_BYTE_SIZE) {
		v->val = sz;
	} else {
		return -EOPNOTSUPP;
	}
	v->validate = true;
	return 0;
}

/* -EUCLEAN: nothing matched, poison the instruction. */
static int field_value(const struct spec *sp, __u32 kind,
		       struct field_val *v)
{
	const struct acc *a;
	const struct btf_type *t, *mt;
	__u32 bit_sz, byte_sz, field_id;
	__u64 bit_off, byte_off;
	bool bitfield;
	__s64 sz;

	memset(v, 0, sizeof(*v));
	if (kind == BPF_CORE_FIELD_EXISTS) {
		v->val = !!sp;
		v->validate = true;
		return 0;
	}
	if (!sp)
		return -EUCLEAN;
	a = &sp->acc[sp->len - 1];
	if (!a->name)
		return index_value(sp, a, kind, v);
	t = btf__type_by_id(sp->btf, a->type_id);
	if (!t || !btf_is_composite(t) || a->idx >= btf_vlen(t))
		return -EINVAL;
	mt = bc_btf_skip_mods(sp->btf, btf_members(t)[a->idx].type, &field_id);
	if (!mt)
		return -EINVAL;
	bit_off = sp->bit_off;
	bit_sz = btf_member_bitfield_size(t, a->idx);
	bitfield = bit_sz > 0;
	if (!bitfield) {
		sz = btf__resolve_size(sp->btf, field_id);
		if (sz < 0 || bit_off % 8)
			return -EINVAL;
		byte_sz = sz;
		byte_off = bit_off / 8;
		/* the shifts of a whole field extract all of it */
		bit_sz = byte_sz * 8;
	} else {
		/* the smallest aligned load that holds the bits */
		byte_sz = mt->size;
		if (!byte_sz || byte_sz > 8)
			return -EINVAL;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG;
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	}
	/* the compiler and libbpf may differ on bitfield code */
	v->validate = !bitfield;
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		v->val = byte_off;
		if (!bitfield) {
			v->sz = byte_sz;
			v->type_id = field_id;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		v->val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		v->val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
			 (btf_is_int(mt) &&
			  (btf_int_encoding(mt) & BTF_INT_SIGNED));
		v->validate = true;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		v->val = 64 - (bit_off + bit_sz - byte_off * 8);
#else
		v->val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
#endif
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		v->val = 64 - bit_sz;
		v->validate = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int type_value(const struct spec *sp, __u32 kind, __u64 *val)
{
	__s64 sz;

	if (!sp) {
		*val = 0;		/* no such type in the kernel */
		return 0;
	}
	switch (kind) {
	case BPF_CORE_TYPE_ID_LOCAL:
	case BPF_CORE_TYPE_ID_TARGET:
		*val = sp->root_id;
		return 0;
	case BPF_CORE_TYPE_EXISTS:
		*val = 1;
		return 0;
	case BPF_CORE_TYPE_SIZE:
		sz = btf__resolve_size(sp->btf, sp->root_id);
		if (sz < 0)
			return -EINVAL;
		*val = sz;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int enumval_value(const struct spec *sp, __u32 kind, __u64 *val)
{
	const struct btf_type *t;

	if (kind == BPF_CORE_ENUMVAL_EXISTS) {
		*val = !!sp;
		return 0;
	}
	if (!sp)
		return -EUCLEAN;
	t = btf__type_by_id(sp->btf, sp->acc[0].type_id);
	if (!t || !btf_is_any_enum(t) || sp->acc[0].idx >= btf_vlen(t))
		return -EINVAL;
	/* a 32-bit enumerator is signed: sign-extended, as libbpf does */
	*val = btf_is_enum(t) ? (__u64)(__s64)btf_enum(t)[sp->acc[0].idx].val :
				btf_enum64_value(btf_enum64(t) +
						 sp->acc[0].idx);
	return 0;
}

/* A size change is safe for pointers and unsigned integers only. */
static bool memsz_safe(const struct spec *ls, __u32 lid,
		       const struct spec *ts, __u32 tid)
{
	const struct btf_type *lt = bc_btf_skip_mods(ls->btf, lid, NULL);
	const struct btf_type *tt = bc_btf_skip_mods(ts->btf, tid, NULL);

	if (!lt || !tt)
		return false;
	if (btf_is_ptr(lt) && btf_is_ptr(tt))
		return true;
	return btf_is_int(lt) && btf_is_int(tt) &&
	       btf_int_encoding(lt) != BTF_INT_SIGNED &&
	       btf_int_encoding(tt) != BTF_INT_SIGNED;
}

/* The record's values in the object and in the kernel (ts NULL: none). */
static int calc_res(const struct spec *ls, const struct spec *ts, __u32 kind,
		    struct bc_core_res *res)
{
	struct field_val lv, tv;
	int err;

	memset(res, 0, sizeof(*res));
	res->validate = true;
	if (kind_is_field(kind)) {
		err = field_value(ls, kind, &lv);
		err = err ?: field_value(ts, kind, &tv);
		if (err)
			goto out;
		res->orig_val = lv.val;
		res->new_val = tv.val;
		res->orig_sz = lv.sz;
		res->new_sz = tv.sz;
		res->validate = lv.validate;
		res->memsz_bad = lv.sz != tv.sz &&
				 !memsz_safe(ls, lv.type_id, ts, tv.type_id);
	} else if (kind_is_type(kind)) {
		err = type_value(ls, kind, &res->orig_val);
		err = err ?: type_value(ts, kind, &res->new_val);
		/* only the compiled-in id can be checked */
		res->validate = false;
	} else {
		err = enumval_value(ls, kind, &res->orig_val);
		err = err ?: enumval_value(ts, kind, &res->new_val);
	}
out:
	if (err == -EUCLEAN) {
		res->poison = true;
		err = 0;
	}
	return err;
}

/* ---- resolution ------------------------------------------------------------- */

static int why_fmt(char *why, size_t sz, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_fmt(char *why, size_t sz, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sz, fmt, ap);
	va_end(ap);
	return err;
}

static int resolve_cands(struct bc_core *core, const struct bc_core_rec *rec,
			 const struct spec *ls, struct bc_core_res *res,
			 char *why, size_t sz)
{
	struct bc_core_res cres;
	__u64 first_bit = 0;
	__u32 i, n = 0, first_id = 0;
	struct cands *c;
	struct spec ts;
	int err;

	err = get_target(core, why, sz);
	if (err)
		return err;
	err = find_cands(core, rec->type_id, &c);
	if (err == -EINVAL)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "relocation against an anonymous type");
	if (err)
		return err;
	for (i = 0; i < c->cnt; i++) {
		err = spec_match(ls, rec->kind, core->target, c->ids[i], &ts);
		if (err < 0)
			return why_fmt(why, sz, -BC_ERRNO__RELOC,
				       "kernel type [%u] cannot be matched (%s)",
				       c->ids[i], strerror(-err));
		if (!err)
			continue;
		err = calc_res(ls, &ts, rec->kind, &cres);
		if (err)
			return why_fmt(why, sz, -BC_ERRNO__RELOC,
				       "kernel type [%u]: %s", c->ids[i],
				       strerror(-err));
		if (!n++) {
			*res = cres;
			first_id = ts.root_id;
			first_bit = ts.bit_off;
			continue;
		}
		/* every match must say the same, as libbpf requires */
		if (ts.bit_off != first_bit)
			return why_fmt(why, sz, -BC_ERRNO__RELOC,
				       "ambiguous: kernel types [%u] and [%u] place it at bits %llu and %llu",
				       first_id, ts.root_id,
				       (unsigned long long)first_bit,
				       (unsigned long long)ts.bit_off);
		if (cres.poison != res->poison ||
		    cres.new_val != res->new_val)
			return why_fmt(why, sz, -BC_ERRNO__RELOC,
				       "ambiguous: kernel types [%u] and [%u] give %llu and %llu",
				       first_id, ts.root_id,
				       (unsigned long long)res->new_val,
				       (unsigned long long)cres.new_val);
	}
	if (n)
		return 0;
	/* nothing in the kernel: exists-kinds say 0, the rest poison */
	err = calc_res(ls, NULL, rec->kind, res);
	return err ? why_fmt(why, sz, -BC_ERRNO__RELOC, "%s", strerror(-err))
		   : 0;
}

static int resolve(struct bc_core *core, struct bc_core_rec *rec, char *why,
		   size_t sz)
{
	const struct btf_type *t;
	const char *access;
	struct spec ls;
	int err;

	t = btf__type_by_id(core->local, rec->type_id);
	access = btf__str_by_offset(core->local, rec->access_off);
	if (!t || !rec->type_id || !access)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "type id %u or access string offset %u is not in the object's BTF",
			       rec->type_id, rec->access_off);
	if (rec->kind == BPF_CORE_TYPE_MATCHES ||
	    rec->kind >= ARRAY_SIZE(kind_names))
		return why_fmt(why, sz, -BC_ERRNO__UNSUPP,
			       "%s relocations (kind %u) are not supported",
			       bc_core_kind_str(rec->kind), rec->kind);
	err = spec_parse(&ls, core->local, rec->type_id, access, rec->kind);
	if (err)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "access '%s' does not fit [%u] %s: %s", access,
			       rec->type_id, type_name(core->local, t),
			       strerror(-err));
	if (rec->kind == BPF_CORE_TYPE_ID_LOCAL) {
		/* the object's own id: nothing to look up */
		memset(&rec->res, 0, sizeof(rec->res));
		rec->res.orig_val = rec->res.new_val = rec->type_id;
		return 0;
	}
	return resolve_cands(core, rec, &ls, &rec->res, why, sz);
}

/* ---- patching ----------------------------------------------------------------- */

static void poison(struct bpf_insn *insn)
{
	*insn = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
				   .imm = POISON_IMM };
}

static bool is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static int bpf_size_bytes(__u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

static int bytes_bpf_size(__u32 n)
{
	switch (n) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	case 8:
		return BPF_DW;
	default:
		return -1;
	}
}

static int patch_mem(const struct bc_core_res *r, struct bpf_insn *insn,
		     char *why, size_t sz)
{
	int bsz;

	if (r->validate && (__u64)(__s64)insn->off != r->orig_val)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "offset %d in the code, %llu expected",
			       insn->off, (unsigned long long)r->orig_val);
	if (r->new_val > SHRT_MAX)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "offset %llu does not fit a load or store",
			       (unsigned long long)r->new_val);
	if (r->memsz_bad) {
		/* a value of another size or sign: libbpf poisons it */
		poison(insn);
		return 0;
	}
	insn->off = r->new_val;
	if (r->new_sz == r->orig_sz)
		return 0;
	if ((__u32)bpf_size_bytes(insn->code) != r->orig_sz)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "access of %d bytes, field of %u",
			       bpf_size_bytes(insn->code), r->orig_sz);
	bsz = bytes_bpf_size(r->new_sz);
	if (bsz < 0)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "kernel field of %u bytes cannot be loaded",
			       r->new_sz);
	insn->code = BPF_MODE(insn->code) | bsz | BPF_CLASS(insn->code);
	return 0;
}

static int patch_ld64(const struct bc_core_res *r, struct bpf_insn *insn,
		      size_t room, char *why, size_t sz)
{
	__u64 imm;

	if (room < 2 || insn[0].src_reg || insn[0].off || insn[1].code ||
	    insn[1].dst_reg || insn[1].src_reg || insn[1].off)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "ld_imm64 of an unexpected form");
	imm = (__u32)insn[0].imm | ((__u64)(__u32)insn[1].imm << 32);
	if (r->validate && imm != r->orig_val)
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "value %llu in the code, %llu expected",
			       (unsigned long long)imm,
			       (unsigned long long)r->orig_val);
	insn[0].imm = (__u32)r->new_val;
	insn[1].imm = r->new_val >> 32;
	return 0;
}

static int patch(const struct bc_core_res *r, struct bpf_insn *insn,
		 size_t room, char *why, size_t sz)
{
	if (r->poison) {
		/* both halves, or the verifier trips on the second */
		if (is_ld_imm64(insn) && room > 1)
			poison(insn + 1);
		poison(insn);
		return 0;
	}
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return why_fmt(why, sz, -BC_ERRNO__RELOC,
				       "ALU instruction without an immediate");
		if (r->validate && (__u64)(__s64)insn->imm != r->orig_val)
			return why_fmt(why, sz, -BC_ERRNO__RELOC,
				       "value %d in the code, %llu expected",
				       insn->imm,
				       (unsigned long long)r->orig_val);
		insn->imm = r->new_val;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		return patch_mem(r, insn, why, sz);
	case BPF_LD:
		if (is_ld_imm64(insn))
			return patch_ld64(r, insn, room, why, sz);
		/* fall through */
	default:
		return why_fmt(why, sz, -BC_ERRNO__RELOC,
			       "instruction code 0x%02x cannot be relocated",
			       insn->code);
	}
}

static const char *kind_word(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return "struct";
	case BTF_KIND_UNION:
		return "union";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return "enum";
	case BTF_KIND_TYPEDEF:
		return "typedef";
	case BTF_KIND_FWD:
		return "fwd";
	case BTF_KIND_INT:
		return "int";
	default:
		return "type";
	}
}

/* "byte_off of [5] struct task (access '0:1'): " before the cause. */
static int described(const struct bc_core *core,
		     const struct bc_core_rec *rec, int err, char *why,
		     size_t sz)
{
	const struct btf_type *t = btf__type_by_id(core->local, rec->type_id);
	const char *access = btf__str_by_offset(core->local, rec->access_off);
	const char *name = t ? type_name(core->local, t) : "";
	char cause[256];

	snprintf(cause, sizeof(cause), "%s", why);
	if (!t || !rec->type_id)
		snprintf(why, sz, "%s of type [%u] (access '%s'): %s",
			 bc_core_kind_str(rec->kind), rec->type_id,
			 access ? access : "?", cause);
	else
		snprintf(why, sz, "%s of [%u] %s %s (access '%s'): %s",
			 bc_core_kind_str(rec->kind), rec->type_id,
			 kind_word(t), *name ? name : "(anon)",
			 access ? access : "?", cause);
	return err;
}

int bc_core_apply(struct bc_core *core, struct bc_core_rec *rec,
		  struct bpf_insn *insn, size_t room, char *why,
		  size_t why_sz)
{
	int err;

	if (!room)
		return why_fmt(why, why_sz, -BC_ERRNO__RELOC,
			       "no instruction at the record's offset");
	if (rec->state < 0 && rec->state != -ENOMEM) {
		snprintf(why, why_sz, "failed before, see above");
		return described(core, rec, rec->state, why, why_sz);
	}
	if (rec->state <= 0) {
		err = resolve(core, rec, why, why_sz);
		if (err) {
			rec->state = err;
			return described(core, rec, err, why, why_sz);
		}
		rec->state = 1;
	}
	err = patch(&rec->res, insn, room, why, why_sz);
	return err ? described(core, rec, err, why, why_sz) : 0;
}
