// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Convert an opened object into a libbpf 1.x object: BTF-defined .maps
 * replace the dialect's map sections, program sections get names from
 * libbpf's table, tail-call and map-in-map slots become `values`
 * initialisers. Instruction bytes are copied, never rewritten, so the
 * kernel computes the same tags. Anything that cannot be carried over
 * refuses the whole conversion; nothing half-converted is written.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#include "convert.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define R_BPF_64_64_	1
#define R_BPF_64_ABS64_	2

#define LIBBPF_PIN_BY_NAME_	1
/* Pin root the dry-run plan resolves paths against; reported relative. */
#define CV_BPFFS		"/sys/fs/bpf"

/* ---- report ---------------------------------------------------------- */

struct cv_entry {
	const char *kind;
	char *text;
};

struct bc_convert_report {
	struct cv_entry *e;
	size_t cnt, cap;
};

struct bc_convert_report *bc_convert_report__new(void)
{
	struct bc_convert_report *rep = calloc(1, sizeof(*rep));

	return rep ? rep : bc_err_ptr(-ENOMEM);
}

void bc_convert_report__free(struct bc_convert_report *rep)
{
	size_t i;

	if (!rep)
		return;
	for (i = 0; i < rep->cnt; i++)
		free(rep->e[i].text);
	free(rep->e);
	free(rep);
}

size_t bc_convert_report__cnt(const struct bc_convert_report *rep)
{
	return rep ? rep->cnt : 0;
}

const char *bc_convert_report__entry(const struct bc_convert_report *rep,
				     size_t i, const char **kind)
{
	if (!rep || i >= rep->cnt)
		return bc_err_ptr(-ENOENT);
	if (kind)
		*kind = rep->e[i].kind;
	return rep->e[i].text;
}

__attribute__((format(printf, 3, 4)))
static int rep_add(struct bc_convert_report *rep, const char *kind,
		   const char *fmt, ...)
{
	struct cv_entry *e;
	va_list ap;
	char *text;
	int n;

	if (!rep)
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	e = bc_grow(rep->e, &rep->cap, rep->cnt + 1, sizeof(*e));
	if (!e) {
		free(text);
		return -ENOMEM;
	}
	rep->e = e;
	rep->e[rep->cnt].kind = kind;
	rep->e[rep->cnt++].text = text;
	return 0;
}

/* ---- section names ----------------------------------------------------- */

/* libbpf 1.x's section table, the part a converted object can need. A
 * trailing '+' takes "/<target>"; opt means libbpf sends the attach type
 * only when the kernel knows it, so a 0 in the source matches too. */
struct cv_secdef {
	const char *sec;
	__u32 type;
	__u32 attach;
	bool opt;
};

static const struct cv_secdef secdefs[] = {
	{ "socket",		BPF_PROG_TYPE_SOCKET_FILTER },
	{ "tc",			BPF_PROG_TYPE_SCHED_CLS },
	{ "classifier",		BPF_PROG_TYPE_SCHED_CLS },
	{ "action",		BPF_PROG_TYPE_SCHED_ACT },
	{ "xdp",		BPF_PROG_TYPE_XDP, BPF_XDP, true },
	{ "kprobe+",		BPF_PROG_TYPE_KPROBE },
	{ "kretprobe+",		BPF_PROG_TYPE_KPROBE },
	{ "uprobe+",		BPF_PROG_TYPE_KPROBE },
	{ "uretprobe+",		BPF_PROG_TYPE_KPROBE },
	{ "tracepoint+",	BPF_PROG_TYPE_TRACEPOINT },
	{ "tp+",		BPF_PROG_TYPE_TRACEPOINT },
	{ "raw_tracepoint+",	BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "raw_tp+",		BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "perf_event",		BPF_PROG_TYPE_PERF_EVENT },
	{ "lwt_in",		BPF_PROG_TYPE_LWT_IN },
	{ "lwt_out",		BPF_PROG_TYPE_LWT_OUT },
	{ "lwt_xmit",		BPF_PROG_TYPE_LWT_XMIT },
	{ "lwt_seg6local",	BPF_PROG_TYPE_LWT_SEG6LOCAL },
	{ "sockops",		BPF_PROG_TYPE_SOCK_OPS,
				BPF_CGROUP_SOCK_OPS, true },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB,
				BPF_SK_SKB_STREAM_PARSER, true },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB,
				BPF_SK_SKB_STREAM_VERDICT, true },
	{ "sk_skb",		BPF_PROG_TYPE_SK_SKB },
	{ "sk_msg",		BPF_PROG_TYPE_SK_MSG,
				BPF_SK_MSG_VERDICT, true },
	{ "lirc_mode2",		BPF_PROG_TYPE_LIRC_MODE2,
				BPF_LIRC_MODE2, true },
	{ "flow_dissector",	BPF_PROG_TYPE_FLOW_DISSECTOR,
				BPF_FLOW_DISSECTOR, true },
	{ "cgroup_skb/ingress",	BPF_PROG_TYPE_CGROUP_SKB,
				BPF_CGROUP_INET_INGRESS, true },
	{ "cgroup_skb/egress",	BPF_PROG_TYPE_CGROUP_SKB,
				BPF_CGROUP_INET_EGRESS, true },
	{ "cgroup/skb",		BPF_PROG_TYPE_CGROUP_SKB },
	{ "cgroup/sock",	BPF_PROG_TYPE_CGROUP_SOCK,
				BPF_CGROUP_INET_SOCK_CREATE, true },
	{ "cgroup/dev",		BPF_PROG_TYPE_CGROUP_DEVICE,
				BPF_CGROUP_DEVICE, true },
};

static bool secdef_matches(const struct cv_secdef *d, const char *name)
{
	size_t len = strlen(d->sec);

	if (d->sec[len - 1] != '+')
		return strcmp(name, d->sec) == 0;
	len--;
	return strncmp(name, d->sec, len) == 0 &&
	       (name[len] == '\0' || name[len] == '/');
}

static bool secdef_fits(const struct cv_secdef *d, __u32 type, __u32 attach)
{
	return d->type == type &&
	       (d->attach == attach || (d->opt && !attach));
}

char *bc_convert_sec_name(__u32 type, __u32 attach, const char *target,
			  const char *orig)
{
	const struct cv_secdef *d;
	char *name, *p;
	size_t i;

	for (i = 0; orig && i < ARRAY_SIZE(secdefs); i++) {
		d = &secdefs[i];
		if (secdef_matches(d, orig))
			return secdef_fits(d, type, attach) ?
			       bc_strdup(orig) : bc_err_ptr(-ENOENT);
	}
	for (i = 0; i < ARRAY_SIZE(secdefs); i++) {
		d = &secdefs[i];
		if (!secdef_fits(d, type, attach))
			continue;
		if (d->sec[strlen(d->sec) - 1] != '+')
			return bc_strdup(d->sec);
		if (!target || !*target)
			continue;
		name = bc_asprintf("%.*s/%s", (int)strlen(d->sec) - 1,
				   d->sec, target);
		if (!name)
			return NULL;
		/* perf and tc spell trace events "group:event". */
		if (type == BPF_PROG_TYPE_TRACEPOINT &&
		    (p = strchr(name + strlen(d->sec), ':')))
			*p = '/';
		return name;
	}
	return bc_err_ptr(-ENOENT);
}

/* ---- BTF map definitions ----------------------------------------------- */

static int btf_int_id(struct btf *btf)
{
	__u32 i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_int(t) && t->size == 4 &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), "int"))
			return i;
	}
	return btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
}

int bc_convert_btf_uint(struct btf *btf, __u32 n)
{
	int int_id, arr;

	int_id = btf_int_id(btf);
	if (int_id < 0)
		return int_id;
	arr = btf__add_array(btf, int_id, int_id, n);
	if (arr < 0)
		return arr;
	return btf__add_ptr(btf, arr);
}

/* Members of one definition, added after the struct is created. */
struct cv_member {
	const char *name;
	int type;
};

static int def_members(struct btf *btf, const struct bc_map *map,
		       bool pinned, struct cv_member *m, size_t *cnt)
{
	struct { const char *name; __u32 val; bool want; } f[] = {
		{ "type", map->type, true },
		{ "key_size", map->key_size, map->key_size != 0 },
		{ "value_size", map->value_size, map->value_size != 0 },
		{ "max_entries", map->max_entries, true },
		{ "map_flags", map->map_flags, map->map_flags != 0 },
		{ "numa_node", map->numa_node,
		  !!(map->map_flags & BPF_F_NUMA_NODE) },
		{ "map_extra", (__u32)map->map_extra, map->map_extra != 0 },
		{ "pinning", LIBBPF_PIN_BY_NAME_, pinned },
	};
	size_t i;
	int id;

	*cnt = 0;
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		if (!f[i].want)
			continue;
		id = bc_convert_btf_uint(btf, f[i].val);
		if (id < 0)
			return id;
		m[*cnt].name = f[i].name;
		m[(*cnt)++].type = id;
	}
	return 0;
}

static int add_struct(struct btf *btf, const struct cv_member *m, size_t cnt,
		      __u32 *size)
{
	int id, err;
	size_t i;

	/* A trailing `values` is a flexible array: it adds no size. */
	__u32 sz = cnt && !strcmp(m[cnt - 1].name, "values") ?
		   (cnt - 1) * 8 : cnt * 8;

	id = btf__add_struct(btf, NULL, sz);
	if (id < 0)
		return id;
	for (i = 0; i < cnt; i++) {
		err = btf__add_field(btf, m[i].name, m[i].type, i * 64, 0);
		if (err)
			return err;
	}
	if (size)
		*size = sz;
	return id;
}

int bc_convert_btf_map_def(struct btf *btf, const struct bc_map *map,
			   bool pinned, const struct bc_map *inner,
			   bool with_values, __u32 *size)
{
	struct cv_member m[10];
	size_t cnt;
	int err, id, int_id;

	err = def_members(btf, map, pinned, m, &cnt);
	if (err)
		return err;
	if (!with_values)
		return add_struct(btf, m, cnt, size);

	int_id = btf_int_id(btf);
	if (int_id < 0)
		return int_id;
	if (map->type == BPF_MAP_TYPE_PROG_ARRAY) {
		/* __array(values, int (void)) */
		id = btf__add_func_proto(btf, int_id);
	} else {
		struct cv_member im[10];
		size_t icnt;

		if (!inner)
			return -EINVAL;
		err = def_members(btf, inner, false, im, &icnt);
		if (err)
			return err;
		id = add_struct(btf, im, icnt, NULL);
	}
	if (id < 0)
		return id;
	id = btf__add_ptr(btf, id);
	if (id < 0)
		return id;
	id = btf__add_array(btf, int_id, id, 0);
	if (id < 0)
		return id;
	m[cnt].name = "values";
	m[cnt++].type = id;
	return add_struct(btf, m, cnt, size);
}

/* ---- the writer's state ------------------------------------------------ */

struct cv_osec {
	char *name;
	__u32 type;
	__u64 flags;
	__u32 link, info;
	__u64 entsize, align;
	void *buf;			/* owned; NULL for NOBITS */
	size_t size, cap;
};

/* One struct bpf_elf_map record of a tc output. */
struct cv_tcmap {
	bool emit;
	__u32 id, pinning, inner_id, inner_idx;
	__u64 off;			/* in `maps` */
};

struct cv {
	struct bc_object *obj;
	const struct bc_elf *elf;
	struct bc_convert_report *rep;

	/* Per input section. */
	size_t *osec;			/* output index, 0 = dropped */
	__u64 *base;			/* offset of its bytes in the output */
	bool *mapsec;			/* holds map definitions */
	bool *needed;			/* exec section a program needs */
	size_t *relsec;			/* output REL section, 0 = none yet */

	struct cv_osec *s;		/* [0] is the null section */
	size_t scnt, scap;
	size_t maps_sec;

	/* Symbols: locals then globals; final index = 1 + position. */
	Elf64_Sym *loc, *glob;
	size_t loc_cnt, loc_cap, glob_cnt, glob_cap;
	long *symmap;			/* input sym -> symbol reference */
	long *mapsym;			/* per map, same encoding, 0 = none */
	long *progsym;			/* per prog */
	char *str;
	size_t str_len, str_cap;

	/* Per map: placement in .maps and its definition. */
	bool *pinned;
	__u64 *mapoff;
	__u32 *valoff;			/* offset of `values`, 0 = none */
	__u32 *mapsize;

	char **progsec;			/* per prog: output section name */

	/* --to tc: per map its record, per prog its own section. */
	bool to_tc;
	const char *entry;		/* program asked for as the entry */
	struct cv_tcmap *tcm;
	size_t *psec;			/* per prog: output section */
	size_t rec_cnt;

	struct btf *btf;
	void *ext;			/* patched .BTF.ext */
	size_t ext_size;
};

static void cv_free(struct cv *cv)
{
	size_t i;

	for (i = 0; i < cv->scnt; i++) {
		free(cv->s[i].name);
		free(cv->s[i].buf);
	}
	for (i = 0; cv->progsec && i < cv->obj->prog_cnt; i++)
		free(cv->progsec[i]);
	free(cv->s);
	free(cv->osec);
	free(cv->base);
	free(cv->mapsec);
	free(cv->needed);
	free(cv->relsec);
	free(cv->loc);
	free(cv->glob);
	free(cv->symmap);
	free(cv->mapsym);
	free(cv->progsym);
	free(cv->str);
	free(cv->pinned);
	free(cv->mapoff);
	free(cv->valoff);
	free(cv->mapsize);
	free(cv->progsec);
	free(cv->tcm);
	free(cv->psec);
	free(cv->ext);
	btf__free(cv->btf);
}

/* Refuse the conversion: the report and the log both say why. */
__attribute__((format(printf, 2, 3)))
static int refuse(struct cv *cv, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	pr_warn("convert: %s: %s\n", cv->obj->path, msg);
	rep_add(cv->rep, "refused", "%s", msg);
	free(msg);
	return -BC_ERRNO__UNSUPP;
}

static int buf_append(void **buf, size_t *size, size_t *cap, const void *p,
		      size_t n)
{
	void *nb;

	nb = bc_grow(*buf, cap, *size + n, 1);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	if (p)
		memcpy((char *)nb + *size, p, n);
	else
		memset((char *)nb + *size, 0, n);
	*size += n;
	return 0;
}

static long str_add(struct cv *cv, const char *s)
{
	size_t off = cv->str_len;
	void *buf = cv->str;
	int err;

	if (!*s && cv->str_len)
		return 0;
	err = buf_append(&buf, &cv->str_len, &cv->str_cap, s, strlen(s) + 1);
	cv->str = buf;
	return err ? err : (long)off;
}

static long osec_add(struct cv *cv, const char *name, __u32 type,
		     __u64 flags, __u64 align)
{
	struct cv_osec *s;

	s = bc_grow(cv->s, &cv->scap, cv->scnt + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	cv->s = s;
	s = &cv->s[cv->scnt];
	memset(s, 0, sizeof(*s));
	s->name = bc_strdup(name);
	if (!s->name)
		return -ENOMEM;
	s->type = type;
	s->flags = flags;
	s->align = align ? align : 1;
	return cv->scnt++;
}

static size_t osec_by_name(struct cv *cv, const char *name)
{
	size_t i;

	for (i = 1; i < cv->scnt; i++)
		if (!strcmp(cv->s[i].name, name))
			return i;
	return 0;
}

/*
 * Symbols are referenced before their final index is known (locals come
 * first): a reference is 1 + position among locals, or CV_GLOBAL + 1 +
 * position among globals; 0 is none, negative an error.
 */
#define CV_GLOBAL	(1L << 32)

/* Add a symbol; returns its reference. */
static long sym_add(struct cv *cv, const char *name, __u8 bind, __u8 type,
		    size_t shndx, __u64 value, __u64 size)
{
	Elf64_Sym **arr = bind == STB_LOCAL ? &cv->loc : &cv->glob;
	size_t *cnt = bind == STB_LOCAL ? &cv->loc_cnt : &cv->glob_cnt;
	size_t *cap = bind == STB_LOCAL ? &cv->loc_cap : &cv->glob_cap;
	Elf64_Sym *sym;
	long name_off;

	name_off = str_add(cv, name);
	if (name_off < 0)
		return name_off;
	sym = bc_grow(*arr, cap, *cnt + 1, sizeof(*sym));
	if (!sym)
		return -ENOMEM;
	*arr = sym;
	sym = &sym[*cnt];
	memset(sym, 0, sizeof(*sym));
	sym->st_name = name_off;
	sym->st_info = ELF64_ST_INFO(bind, type);
	sym->st_shndx = shndx;
	sym->st_value = value;
	sym->st_size = size;
	++*cnt;
	return bind == STB_LOCAL ? (long)*cnt : CV_GLOBAL + (long)*cnt;
}

static __u32 sym_index(const struct cv *cv, long ref)
{
	return ref < CV_GLOBAL ? (__u32)ref :
				 (__u32)(cv->loc_cnt + ref - CV_GLOBAL);
}

/* ---- planning: pins, section names, which sections go ------------------ */

static const char *rel_bpffs(const char *path)
{
	size_t n = strlen(CV_BPFFS);

	return strncmp(path, CV_BPFFS, n) ? path : path + n;
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/* A pin path libbpf reproduces: <root>/<map name>. */
static bool pin_by_name(const struct bc_map *map)
{
	const char *base = map->pin_path + dir_len(map->pin_path);

	return *base == '/' && !strcmp(base + 1, map->name);
}

/*
 * libbpf pins by name under one root per object: take the root most
 * pinned maps share; every other pin becomes an explicit load option.
 */
static int plan_pins(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	const struct bc_map *best = NULL;
	size_t i, j, votes, best_votes = 0;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *m = obj->maps[i];

		if (!m->pin_path || !pin_by_name(m))
			continue;
		for (j = 0, votes = 0; j < obj->map_cnt; j++) {
			const struct bc_map *o = obj->maps[j];

			if (o->pin_path && pin_by_name(o) &&
			    dir_len(o->pin_path) == dir_len(m->pin_path) &&
			    !strncmp(o->pin_path, m->pin_path,
				     dir_len(m->pin_path)))
				votes++;
		}
		if (votes > best_votes) {
			best = m;
			best_votes = votes;
		}
	}
	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *m = obj->maps[i];
		size_t n = best ? dir_len(best->pin_path) : 0;

		if (!m->pin_path)
			continue;
		if (best && pin_by_name(m) && dir_len(m->pin_path) == n &&
		    !strncmp(m->pin_path, best->pin_path, n)) {
			cv->pinned[i] = true;
			rep_add(cv->rep, "change",
				"map '%s': pinning %u -> __uint(pinning, LIBBPF_PIN_BY_NAME)",
				m->name, m->pinning);
			continue;
		}
		rep_add(cv->rep, "differs",
			"map '%s': pin <bpffs>%s is not <pin root>/<name>: the converted object does not pin it",
			m->name, rel_bpffs(m->pin_path));
		rep_add(cv->rep, "load-option",
			"bpf_map__set_pin_path(map '%s', \"<bpffs>%s\") before load",
			m->name, rel_bpffs(m->pin_path));
	}
	if (best)
		rep_add(cv->rep, "load-option",
			"pin_root_path=<bpffs>%.*s (bpf_object_open_opts; libbpf's default is /sys/fs/bpf)",
			(int)(dir_len(best->pin_path) - strlen(CV_BPFFS)),
			rel_bpffs(best->pin_path));
	return 0;
}

/*
 * A probe whose section names a binary (a parsed "exec" parameter and
 * "probe" = uprobe, as perf's section grammar gives them) is a uprobe,
 * libbpf's "uprobe/<binary>:<function>"; the type alone says kprobe.
 */
static char *uprobe_sec_name(const struct bc_prog *p)
{
	const char *probe = bc_attr_get(p->params, p->param_cnt, "probe");
	const char *exec = bc_attr_get(p->params, p->param_cnt, "exec");

	if (!probe || !exec || !p->attach_target ||
	    (strcmp(probe, "uprobe") && strcmp(probe, "uretprobe")))
		return NULL;
	return bc_asprintf("%s/%s:%s", probe, exec, p->attach_target);
}

static int plan_progs(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	size_t i, j;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];

		cv->progsec[i] = uprobe_sec_name(p);
		if (!cv->progsec[i])
			cv->progsec[i] = bc_convert_sec_name(p->type,
							     p->expected_attach_type,
							     p->attach_target,
							     p->sec_name);
		if (!cv->progsec[i] && errno == ENOMEM)
			return -ENOMEM;
		if (!cv->progsec[i])
			return refuse(cv, "program '%s' (section '%s'): libbpf 1.x has no section name for type %s, attach type %s",
				      p->name, p->sec_name,
				      bc_prog_type_name(p->type) ?: "?",
				      bc_attach_type_name(p->expected_attach_type) ?: "none");
		for (j = 0; j < i; j++) {
			const struct bc_prog *q = obj->progs[j];

			if (q->sec_idx == p->sec_idx &&
			    strcmp(cv->progsec[i], cv->progsec[j]))
				return refuse(cv, "section '%s': programs '%s' and '%s' need different libbpf sections",
					      p->sec_name, q->name, p->name);
		}
		if (p->attach_target && strpbrk(p->attach_target, "*?"))
			rep_add(cv->rep, "differs",
				"program '%s': target '%s' is a pattern: libbpf attaches one named target, the source expanded the pattern",
				p->name, p->attach_target);
		if (strcmp(cv->progsec[i], p->sec_name))
			rep_add(cv->rep, "change",
				"program '%s': section '%s' -> '%s' (type %s)",
				p->name, p->sec_name, cv->progsec[i],
				bc_prog_type_name(p->type) ?: "?");
	}
	return 0;
}

static bool is_map_kind(const struct bc_map *m)
{
	return m->kind == BC_MAP_USER || m->kind == BC_MAP_INNER;
}

static int plan_maps(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *m = obj->maps[i];

		if (!is_map_kind(m))
			continue;
		if (m->sec_idx <= 0)
			return refuse(cv, "map '%s' has no definition in the object, libbpf cannot declare it",
				      m->name);
		if (!strcmp(m->sec_name, ".maps"))
			return refuse(cv, "map '%s' is already defined in .maps: the object follows libbpf 1.x",
				      m->name);
		if ((m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		     m->type == BPF_MAP_TYPE_HASH_OF_MAPS) &&
		    m->inner_idx < 0)
			return refuse(cv, "map '%s': map-in-map without an inner map definition",
				      m->name);
		cv->mapsec[m->sec_idx] = true;
	}
	return 0;
}

/* ---- sections ------------------------------------------------------------ */

static bool is_data_sec(const struct cv *cv, size_t idx)
{
	size_t i;

	for (i = 0; i < cv->obj->map_cnt; i++)
		if (!is_map_kind(cv->obj->maps[i]) &&
		    cv->obj->maps[i]->sec_idx == (int)idx)
			return true;
	return false;
}

/* Output section name of input exec section idx: its programs' one. */
static const char *exec_name(const struct cv *cv, size_t idx)
{
	size_t i;

	for (i = 0; i < cv->obj->prog_cnt; i++)
		if (cv->obj->progs[i]->sec_idx == (int)idx)
			return cv->progsec[i];
	return cv->elf->secs[idx].name;
}

/*
 * The executable sections the output carries: those holding a program of
 * the model and those their calls reach (.text). A section the source
 * dialect never reads as a program would be one libbpf loads.
 */
static int plan_sections(struct cv *cv)
{
	const struct bc_elf *elf = cv->elf;
	bool more = true;
	size_t i, k;

	for (i = 0; i < cv->obj->prog_cnt; i++)
		cv->needed[cv->obj->progs[i]->sec_idx] = true;
	while (more) {
		more = false;
		for (i = 1; i < elf->sec_cnt; i++) {
			const struct bc_elf_sec *sec = &elf->secs[i];

			for (k = 0; cv->needed[i] && k < sec->rel_cnt; k++) {
				size_t t = elf->syms[sec->rels[k].sym].shndx;

				if (t < elf->sec_cnt && elf->secs[t].exec &&
				    !cv->needed[t])
					more = cv->needed[t] = true;
			}
		}
	}
	for (i = 1; i < elf->sec_cnt; i++)
		if (elf->secs[i].exec && !cv->needed[i])
			rep_add(cv->rep, "change",
				"section '%s' dropped: %s never loads it (no program of its convention)",
				elf->secs[i].name,
				bc_dialect__name(cv->obj->dialect) ?: "?");
	return 0;
}

static int copy_sections(struct cv *cv)
{
	const struct bc_elf *elf = cv->elf;
	size_t i, o;
	long ret;
	int err;

	for (i = 1; i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];
		struct cv_osec *os;
		bool keep = cv->needed[i] || !strcmp(sec->name, "license") ||
			    !strcmp(sec->name, "version") ||
			    is_data_sec(cv, i);

		if (cv->mapsec[i]) {
			rep_add(cv->rep, "change",
				"section '%s': map definitions moved to BTF-defined .maps",
				sec->name);
			continue;
		}
		if (!keep)
			continue;
		/* Sections whose programs share a libbpf name merge, so
		 * every name stays unique (.BTF.ext keys on names). */
		o = sec->exec ? osec_by_name(cv, exec_name(cv, i)) : 0;
		if (!o) {
			ret = osec_add(cv, sec->exec ? exec_name(cv, i) :
				       sec->name, sec->type, sec->flags,
				       max(sec->addralign, sec->exec ? 8 : 1));
			if (ret < 0)
				return ret;
			o = ret;
		}
		os = &cv->s[o];
		cv->osec[i] = o;
		cv->base[i] = os->size;
		if (sec->type == SHT_NOBITS) {
			os->size += sec->size;
			continue;
		}
		err = buf_append(&os->buf, &os->size, &os->cap, sec->data,
				 sec->size);
		if (err)
			return err;
	}
	ret = osec_add(cv, ".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8);
	if (ret < 0)
		return ret;
	cv->maps_sec = ret;
	return 0;
}

/* ---- BTF ---------------------------------------------------------------- */

static const struct bc_elf_sym *find_var_sym(const struct bc_elf *elf,
					     size_t shndx, const char *name)
{
	size_t i;

	for (i = 1; i < elf->sym_cnt; i++)
		if (elf->syms[i].shndx == shndx &&
		    !strcmp(elf->syms[i].name, name))
			return &elf->syms[i];
	return NULL;
}

/*
 * The source's DATASEC of a map section would make libbpf look for that
 * section. Rewrite it in place as an anonymous STRUCT of the same layout
 * (a var_secinfo and a member are both 12 bytes), so no type id or
 * string offset moves and .BTF.ext stays valid.
 */
static int neutralize_datasec(struct cv *cv, const struct btf *src,
			      const struct btf_type *t, void *raw,
			      const void *src_raw, size_t raw_size)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(t);
	const char *name = btf__name_by_offset(src, t->name_off);
	size_t off = (const char *)t - (const char *)src_raw;
	const struct bc_elf_sec *sec = bc_elf_sec_by_name(cv->elf, name);
	__u16 i, vlen = btf_vlen(t);
	struct btf_type *nt;
	struct btf_member *m;

	if (off + sizeof(*t) + vlen * sizeof(*m) > raw_size)
		return refuse(cv, ".BTF: DATASEC '%s' out of bounds", name);
	nt = (struct btf_type *)((char *)raw + off);
	m = (struct btf_member *)(nt + 1);
	nt->name_off = 0;
	nt->info = (BTF_KIND_STRUCT << 24) | vlen;
	nt->size = sec->size;
	for (i = 0; i < vlen; i++) {
		const struct btf_type *var = btf__type_by_id(src, vi[i].type);
		const struct bc_elf_sym *sym;
		const char *vname;

		if (!var || !btf_is_var(var))
			return refuse(cv, ".BTF: DATASEC '%s' entry %u is no VAR",
				      name, i);
		vname = btf__name_by_offset(src, var->name_off);
		sym = find_var_sym(cv->elf, sec->idx, vname ?: "");
		if (!sym)
			return refuse(cv, ".BTF: DATASEC '%s': no symbol for VAR '%s'",
				      name, vname ?: "");
		m[i].name_off = var->name_off;
		m[i].type = var->type;
		m[i].offset = sym->value * 8;
	}
	return 0;
}

static int open_btf(struct cv *cv)
{
	const struct bc_elf_sec *sec = bc_elf_sec_by_name(cv->elf, ".BTF");
	const void *src_raw;
	struct btf *src;
	__u32 i, n, raw_size;
	void *raw;
	int err = 0;

	if (!sec || !sec->data) {
		cv->btf = btf__new_empty();
		return cv->btf ? 0 : -errno;
	}
	src = btf__new(sec->data, sec->size);
	if (!src)
		return refuse(cv, ".BTF does not parse (%d)", -errno);
	src_raw = btf__raw_data(src, &raw_size);
	raw = malloc(raw_size);
	if (!raw) {
		btf__free(src);
		return -ENOMEM;
	}
	memcpy(raw, src_raw, raw_size);
	n = btf__type_cnt(src);
	for (i = 1; i < n && !err; i++) {
		const struct btf_type *t = btf__type_by_id(src, i);
		const struct bc_elf_sec *s;

		if (!btf_is_datasec(t))
			continue;
		s = bc_elf_sec_by_name(cv->elf,
				       btf__name_by_offset(src, t->name_off));
		if (s && cv->mapsec[s->idx])
			err = neutralize_datasec(cv, src, t, raw, src_raw,
						 raw_size);
	}
	btf__free(src);
	if (!err) {
		cv->btf = btf__new(raw, raw_size);
		if (!cv->btf)
			err = refuse(cv, ".BTF: rewritten BTF does not parse (%d)",
				     -errno);
	}
	free(raw);
	return err;
}

static __u32 init_slots(const struct bc_object *obj, size_t map_idx)
{
	__u32 slots = 0;
	size_t i;

	for (i = 0; i < obj->init_cnt; i++)
		if (obj->inits[i].map_idx == map_idx)
			slots = max(slots, obj->inits[i].key + 1);
	return slots;
}

static bool map_in_map(const struct bc_map *m)
{
	return m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       m->type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* Definitions, one VAR per map and the .maps DATASEC; lays .maps out. */
static int build_maps(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	struct cv_osec *os;
	__u64 off = 0;
	int id, sec_id = 0, err;
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *m = obj->maps[i];
		const struct bc_map *inner = NULL;
		__u32 slots = init_slots(obj, i), size;
		bool values;

		if (!is_map_kind(m))
			continue;
		if (m->kind == BC_MAP_INNER) {
			rep_add(cv->rep, "change",
				"map '%s': inner-map template folded into its outer map's __array(values, ...)",
				m->name);
			continue;
		}
		if (m->inner_idx >= 0)
			inner = obj->maps[m->inner_idx];
		values = map_in_map(m) || (slots && m->type == BPF_MAP_TYPE_PROG_ARRAY);
		if (slots && !values)
			return refuse(cv, "map '%s': initial slots in a %s map",
				      m->name, bc_map_type_name(m->type) ?: "?");
		id = bc_convert_btf_map_def(cv->btf, m, cv->pinned[i], inner,
					    values, &size);
		if (id < 0)
			return refuse(cv, "map '%s': BTF definition failed (%d)",
				      m->name, id);
		cv->valoff[i] = values ? size : 0;
		cv->mapsize[i] = size + slots * 8;
		cv->mapoff[i] = off;
		off += (cv->mapsize[i] + 7) & ~7ULL;
		id = btf__add_var(cv->btf, m->name, BTF_VAR_GLOBAL_ALLOCATED,
				  id);
		if (id < 0)
			return refuse(cv, "map '%s': BTF VAR failed (%d)",
				      m->name, id);
		cv->mapsym[i] = id;	/* the VAR id, until symbols exist */
	}
	if (off) {
		sec_id = btf__add_datasec(cv->btf, ".maps", off);
		if (sec_id < 0)
			return sec_id;
	}
	for (i = 0; i < obj->map_cnt; i++) {
		if (!cv->mapsize[i])
			continue;
		err = btf__add_datasec_var_info(cv->btf, cv->mapsym[i],
						cv->mapoff[i], cv->mapsize[i]);
		if (err)
			return err;
		cv->mapsym[i] = 0;
	}
	os = &cv->s[cv->maps_sec];
	return buf_append(&os->buf, &os->size, &os->cap, NULL, off);
}

/* ---- symbols and relocations -------------------------------------------- */

static char *c_ident(const char *name)
{
	char *s = bc_strdup(name), *p;

	for (p = s; p && *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	return s;
}

/*
 * A program the source dialect leaves unloaded by default (a tc section
 * that is neither the entry nor a tail call): the target loads it. The
 * wording is fixed; the conformance runner reads it.
 */
static void flag_unloaded(struct cv *cv, const struct bc_prog *p,
			  const char *name, const char *to)
{
	if (p->autoload)
		return;
	rep_add(cv->rep, "differs",
		"program '%s' (section '%s'): not loaded by %s by default; %s will load it",
		name, p->sec_name, bc_dialect__name(cv->obj->dialect) ?: "?",
		to);
}

/*
 * Carry every symbol of a copied section over to the output, recording
 * its new index; rebase shifts values by where the section's bytes now
 * start (sections merged into one by the libbpf writer).
 */
static int copy_symbols(struct cv *cv, bool rebase)
{
	const struct bc_elf *elf = cv->elf;
	size_t i;
	long ref;

	for (i = 1; i < elf->sym_cnt; i++) {
		const struct bc_elf_sym *s = &elf->syms[i];

		if (s->type == STT_FILE || s->shndx == SHN_UNDEF ||
		    s->shndx >= elf->sec_cnt || !cv->osec[s->shndx])
			continue;
		ref = sym_add(cv, s->name, s->bind, s->type,
			      cv->osec[s->shndx],
			      s->value + (rebase ? cv->base[s->shndx] : 0),
			      s->size);
		if (ref < 0)
			return ref;
		cv->symmap[i] = ref;
	}
	return 0;
}

static int build_symbols(struct cv *cv)
{
	const struct bc_elf *elf = cv->elf;
	struct bc_object *obj = cv->obj;
	size_t i, j;
	long ref;
	int err;

	err = copy_symbols(cv, true);
	if (err)
		return err;
	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];
		char *name;

		for (j = 1; j < elf->sym_cnt; j++) {
			const struct bc_elf_sym *s = &elf->syms[j];

			if (s->type == STT_FUNC && s->shndx == p->sec_idx &&
			    s->value == p->sec_off)
				break;
		}
		if (j < elf->sym_cnt) {
			cv->progsym[i] = cv->symmap[j];
			if (strcmp(elf->syms[j].name, p->name))
				rep_add(cv->rep, "differs",
					"program '%s': libbpf names it '%s' (kernel name, bpftool pin)",
					p->name, elf->syms[j].name);
			flag_unloaded(cv, p, elf->syms[j].name, "libbpf");
			continue;
		}
		/* A whole-section program: libbpf needs a FUNC symbol. */
		name = c_ident(p->name);
		if (!name)
			return -ENOMEM;
		ref = sym_add(cv, name, STB_GLOBAL, STT_FUNC,
			      cv->osec[p->sec_idx],
			      p->sec_off + cv->base[p->sec_idx],
			      p->insn_cnt * sizeof(struct bpf_insn));
		rep_add(cv->rep, "change",
			"program '%s': FUNC symbol '%s' added", p->name, name);
		flag_unloaded(cv, p, name, "libbpf");
		free(name);
		if (ref < 0)
			return ref;
		cv->progsym[i] = ref;
	}
	for (i = 0; i < obj->map_cnt; i++) {
		if (!cv->mapsize[i])
			continue;
		ref = sym_add(cv, obj->maps[i]->name, STB_GLOBAL, STT_OBJECT,
			      cv->maps_sec, cv->mapoff[i], cv->mapsize[i]);
		if (ref < 0)
			return ref;
		cv->mapsym[i] = ref;
	}
	return 0;
}

static int rel_add(struct cv *cv, size_t target, __u64 off, long ref,
		   __u32 type)
{
	Elf64_Rel rel = {
		.r_offset = off,
		.r_info = ELF64_R_INFO(sym_index(cv, ref), type),
	};
	struct cv_osec *os;
	char *name;
	long ret;

	if (!cv->relsec[target]) {
		name = bc_asprintf(".rel%s", cv->s[target].name);
		if (!name)
			return -ENOMEM;
		ret = osec_add(cv, name, SHT_REL, 0, 8);
		free(name);
		if (ret < 0)
			return ret;
		cv->relsec[target] = ret;
		cv->s[ret].info = target;
		cv->s[ret].entsize = sizeof(Elf64_Rel);
	}
	os = &cv->s[cv->relsec[target]];
	return buf_append(&os->buf, &os->size, &os->cap, &rel, sizeof(rel));
}

static int map_ref(struct cv *cv, const struct bc_elf_sec *sec,
		   const struct bc_elf_rel *r, size_t k, long *ref)
{
	const struct bc_elf_sym *sym = &cv->elf->syms[r->sym];
	__u64 off = sym->value;
	size_t i;

	/* Against a section symbol the offset is in the ld_imm64's imm. */
	if (sym->type == STT_SECTION)
		off = bc_read_u32((const char *)sec->data + r->offset + 4,
				  false);
	for (i = 0; i < cv->obj->map_cnt; i++) {
		const struct bc_map *m = cv->obj->maps[i];

		if (is_map_kind(m) && m->sec_idx == (int)sym->shndx &&
		    m->sec_off == off && cv->mapsym[i]) {
			*ref = cv->mapsym[i];
			return 0;
		}
	}
	return refuse(cv, "section '%s': relocation %zu at offset %llu: %s+%llu is no map libbpf can declare",
		      sec->name, k, (unsigned long long)r->offset,
		      bc_elf_sym_name(cv->elf, sym), (unsigned long long)off);
}

static int build_relocs(struct cv *cv)
{
	const struct bc_elf *elf = cv->elf;
	struct bc_object *obj = cv->obj;
	size_t i, k;
	long ref;
	int err;

	for (i = 1; i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		if (!sec->exec || !cv->osec[i])
			continue;
		for (k = 0; k < sec->rel_cnt; k++) {
			const struct bc_elf_rel *r = &sec->rels[k];
			const struct bc_elf_sym *sym = &elf->syms[r->sym];

			ref = cv->symmap[r->sym];
			if (sym->shndx < elf->sec_cnt &&
			    cv->mapsec[sym->shndx]) {
				err = map_ref(cv, sec, r, k, &ref);
				if (err)
					return err;
			} else if (!ref) {
				return refuse(cv, "section '%s': relocation %zu at offset %llu: symbol '%s' has no place in a libbpf object",
					      sec->name, k,
					      (unsigned long long)r->offset,
					      bc_elf_sym_name(elf, sym));
			}
			err = rel_add(cv, cv->osec[i], r->offset + cv->base[i],
				      ref, r->type);
			if (err)
				return err;
		}
	}
	for (i = 0; i < obj->init_cnt; i++) {
		const struct bc_init *in = &obj->inits[i];
		long t = in->kind == BC_INIT_PROG ? cv->progsym[in->target] :
			 cv->mapsym[in->target];

		if (!t || !cv->valoff[in->map_idx])
			return refuse(cv, "map '%s' slot %u: initial value cannot be a libbpf `values` initialiser",
				      obj->maps[in->map_idx]->name, in->key);
		err = rel_add(cv, cv->maps_sec,
			      cv->mapoff[in->map_idx] +
			      cv->valoff[in->map_idx] + in->key * 8ULL,
			      t, R_BPF_64_ABS64_);
		if (err)
			return err;
		rep_add(cv->rep, "change",
			"map '%s' slot %u = %s '%s': `values` initialiser",
			obj->maps[in->map_idx]->name, in->key,
			in->kind == BC_INIT_PROG ? "program" : "map",
			in->kind == BC_INIT_PROG ?
			obj->progs[in->target]->name :
			obj->maps[in->target]->name);
	}
	return 0;
}

/* ---- .BTF.ext ------------------------------------------------------------ */

/* One info subsection: rec_size, then { sec_name_off, num, recs }... */
static int ext_patch_info(struct cv *cv, char *p, __u32 len)
{
	__u32 rec_size, pos = 4, num, j;
	const char *name;
	size_t sec;
	long off;

	if (!len)
		return 0;
	if (len < 4)
		return -EINVAL;
	rec_size = *(__u32 *)p;
	if (rec_size < 4)
		return -EINVAL;
	while (pos < len) {
		if (len - pos < 8)
			return -EINVAL;
		name = btf__name_by_offset(cv->btf, *(__u32 *)(p + pos));
		num = *(__u32 *)(p + pos + 4);
		if (!name || (__u64)num * rec_size > len - pos - 8)
			return -EINVAL;
		sec = 0;
		for (j = 1; j < cv->elf->sec_cnt; j++)
			if (cv->elf->secs[j].exec &&
			    !strcmp(cv->elf->secs[j].name, name))
				sec = j;
		if (!sec)
			return -ENOENT;
		/* A dropped section's records name nothing libbpf loads. */
		if (!cv->osec[sec]) {
			pos += 8 + num * rec_size;
			continue;
		}
		off = btf__add_str(cv->btf, cv->s[cv->osec[sec]].name);
		if (off < 0)
			return off;
		*(__u32 *)(p + pos) = off;
		/* Every record starts with its byte offset in the section. */
		for (j = 0; j < num; j++)
			*(__u32 *)(p + pos + 8 + j * rec_size) += cv->base[sec];
		pos += 8 + num * rec_size;
	}
	return 0;
}

static int patch_ext(struct cv *cv)
{
	const struct bc_elf_sec *sec = bc_elf_sec_by_name(cv->elf, ".BTF.ext");
	__u32 hdr_len, pair[3][2];
	char *p;
	int i, err = 0;

	if (!sec || !sec->data)
		return 0;
	if (sec->size < 24)
		goto drop;
	cv->ext = malloc(sec->size);
	if (!cv->ext)
		return -ENOMEM;
	memcpy(cv->ext, sec->data, sec->size);
	cv->ext_size = sec->size;
	p = cv->ext;
	hdr_len = *(__u32 *)(p + 4);
	if (hdr_len < 24 || hdr_len > sec->size)
		goto drop;
	memset(pair, 0, sizeof(pair));
	for (i = 0; i < 3 && 8 + (i + 1) * 8 <= (int)hdr_len; i++) {
		pair[i][0] = *(__u32 *)(p + 8 + i * 8);
		pair[i][1] = *(__u32 *)(p + 12 + i * 8);
	}
	for (i = 0; i < 3 && !err; i++) {
		if ((__u64)pair[i][0] + pair[i][1] > sec->size - hdr_len)
			goto drop;
		err = ext_patch_info(cv, p + hdr_len + pair[i][0], pair[i][1]);
	}
	if (err == -ENOMEM)
		return err;
	if (!err)
		return 0;
drop:
	free(cv->ext);
	cv->ext = NULL;
	rep_add(cv->rep, "differs",
		".BTF.ext not carried over (unreadable or naming a dropped section): programs load without func/line info");
	return 0;
}

/* ---- writing ---------------------------------------------------------------- */

static int add_tables(struct cv *cv, size_t *symtab)
{
	const void *raw;
	struct cv_osec *os;
	__u32 raw_size;
	long ret;
	int err;

	if (cv->btf) {
		raw = btf__raw_data(cv->btf, &raw_size);
		if (!raw)
			return -ENOMEM;
		ret = osec_add(cv, ".BTF", SHT_PROGBITS, 0, 4);
		if (ret < 0)
			return ret;
		os = &cv->s[ret];
		err = buf_append(&os->buf, &os->size, &os->cap, raw, raw_size);
		if (err)
			return err;
	}
	if (cv->ext) {
		ret = osec_add(cv, ".BTF.ext", SHT_PROGBITS, 0, 4);
		if (ret < 0)
			return ret;
		os = &cv->s[ret];
		os->buf = cv->ext;
		os->size = cv->ext_size;
		cv->ext = NULL;
	}
	ret = osec_add(cv, ".symtab", SHT_SYMTAB, 0, 8);
	if (ret < 0)
		return ret;
	*symtab = ret;
	os = &cv->s[ret];
	os->entsize = sizeof(Elf64_Sym);
	os->info = 1 + cv->loc_cnt;
	err = buf_append(&os->buf, &os->size, &os->cap, NULL,
			 sizeof(Elf64_Sym));
	err = err ?: buf_append(&os->buf, &os->size, &os->cap, cv->loc,
				cv->loc_cnt * sizeof(Elf64_Sym));
	err = err ?: buf_append(&os->buf, &os->size, &os->cap, cv->glob,
				cv->glob_cnt * sizeof(Elf64_Sym));
	if (err)
		return err;
	ret = osec_add(cv, ".strtab", SHT_STRTAB, 0, 1);
	if (ret < 0)
		return ret;
	cv->s[*symtab].link = ret;
	os = &cv->s[ret];
	os->buf = cv->str;
	os->size = cv->str_len;
	cv->str = NULL;
	return 0;
}

static int write_elf(struct cv *cv, int fd)
{
	size_t i, shstr_len = 1, shstr_cap = 0, shstrtab;
	void *shstr = NULL;
	Elf64_Ehdr *eh;
	Elf *e = NULL;
	long ret;
	int err = -BC_ERRNO__LIBELF;

	ret = osec_add(cv, ".shstrtab", SHT_STRTAB, 0, 1);
	if (ret < 0)
		return ret;
	shstrtab = ret;
	shstr = calloc(1, 1);
	if (!shstr)
		return -ENOMEM;
	shstr_cap = 1;
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!e)
		goto out;
	eh = elf64_newehdr(e);
	if (!eh)
		goto out;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_REL;
	eh->e_machine = EM_BPF;
	eh->e_version = EV_CURRENT;
	for (i = 1; i < cv->scnt; i++) {
		struct cv_osec *os = &cv->s[i];
		Elf_Scn *scn = elf_newscn(e);
		Elf64_Shdr *sh = scn ? elf64_getshdr(scn) : NULL;
		Elf_Data *d = scn ? elf_newdata(scn) : NULL;

		if (!sh || !d)
			goto out;
		sh->sh_name = shstr_len;
		if (buf_append(&shstr, &shstr_len, &shstr_cap, os->name,
			       strlen(os->name) + 1)) {
			err = -ENOMEM;
			goto out;
		}
		sh->sh_type = os->type;
		sh->sh_flags = os->flags;
		sh->sh_link = os->link;
		sh->sh_info = os->info;
		sh->sh_entsize = os->entsize;
		sh->sh_addralign = os->align;
		d->d_type = ELF_T_BYTE;
		d->d_align = os->align;
		d->d_size = os->size;
		d->d_buf = i == shstrtab ? NULL : os->buf;
	}
	/* .shstrtab is last: its data is complete only now. */
	elf_getdata(elf_getscn(e, shstrtab), NULL)->d_buf = shstr;
	elf_getdata(elf_getscn(e, shstrtab), NULL)->d_size = shstr_len;
	eh->e_shstrndx = shstrtab;
	if (elf_update(e, ELF_C_WRITE) < 0)
		goto out;
	err = 0;
out:
	if (err == -BC_ERRNO__LIBELF)
		pr_warn("convert: %s: writing ELF: %s\n", cv->obj->path,
			elf_errmsg(-1));
	if (e)
		elf_end(e);
	free(shstr);
	return err;
}

static int write_file(struct cv *cv, const char *out_path)
{
	char *tmp = bc_asprintf("%s.XXXXXX", out_path);
	int fd, err;

	if (!tmp)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		pr_warn("convert: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return err;
	}
	err = write_elf(cv, fd);
	if (!err && (fchmod(fd, 0644) || fsync(fd)))
		err = -errno;
	close(fd);
	if (!err && rename(tmp, out_path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

/* ---- --to tc: iproute2's struct bpf_elf_map convention ------------------ */

#define TC_REC_SIZE		36
#define TC_PIN_GLOBAL_NS	2
#define TC_NO_INSERT		0xffffffffU

/* The sections tc's front-ends ask for by default, by program type. */
static const char *tc_entry_sec(__u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_SCHED_CLS:
		return "classifier";
	case BPF_PROG_TYPE_SCHED_ACT:
		return "action";
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
		return "prog";
	default:
		return NULL;
	}
}

/* A map-in-map's slots become "every map with id N at its inner_idx". */
static int tc_plan_inner(struct cv *cv, size_t outer, __u32 id)
{
	struct bc_object *obj = cv->obj;
	const struct bc_map *om = obj->maps[outer];
	size_t i, first = 0;
	bool any = false;

	cv->tcm[outer].inner_id = id;
	for (i = 0; i < obj->init_cnt; i++) {
		const struct bc_init *in = &obj->inits[i];
		struct cv_tcmap *t = &cv->tcm[in->target];

		if (in->map_idx != outer || in->kind != BC_INIT_MAP)
			continue;
		if (t->id || map_in_map(obj->maps[in->target]))
			return refuse(cv, "map '%s': slot %u holds map '%s', which tc can insert at one key of one outer id only",
				      om->name, in->key,
				      obj->maps[in->target]->name);
		t->id = id;
		t->inner_idx = in->key;
		if (!any || in->target < first)
			first = in->target;
		any = true;
	}
	if (any) {
		rep_add(cv->rep, "change",
			"map '%s': `values` -> inner_id %u; its inner maps get id %u and inner_idx = their slot",
			om->name, id, id);
		if (om->inner_idx >= 0)
			rep_add(cv->rep, "differs",
				"map '%s': inner template '%s' is map '%s' (tc takes the first map with id %u)",
				om->name, obj->maps[om->inner_idx]->name,
				obj->maps[first]->name, id);
		return 0;
	}
	if (om->inner_idx < 0)
		return refuse(cv, "map '%s': map-in-map without an inner map definition",
			      om->name);
	/* No slots: the template itself is a record nobody inserts. */
	cv->tcm[om->inner_idx].emit = true;
	cv->tcm[om->inner_idx].id = id;
	cv->tcm[om->inner_idx].inner_idx = TC_NO_INSERT;
	return 0;
}

/* tc pins by name only under <bpffs>/tc/globals (or a database id). */
static int tc_plan_pin(struct cv *cv, size_t i)
{
	const struct bc_map *m = cv->obj->maps[i];

	if (!m->pin_path)
		return 0;
	if (!pin_by_name(m))
		return refuse(cv, "map '%s': pin <bpffs>%s: tc pins a map only at <bpffs>/tc/globals/<name>, <bpffs>/tc/<sha1>/<name> or a bpf_pinning subpath",
			      m->name, rel_bpffs(m->pin_path));
	cv->tcm[i].pinning = TC_PIN_GLOBAL_NS;
	rep_add(cv->rep, "change",
		"map '%s': pinned by name -> PIN_GLOBAL_NS: the pin root becomes <bpffs>/tc/globals (pin <bpffs>/tc/globals/%s, was <bpffs>%s)",
		m->name, m->name, rel_bpffs(m->pin_path));
	return 0;
}

static int tc_plan_map(struct cv *cv, size_t i)
{
	const struct bc_map *m = cv->obj->maps[i];

	if (m->kind == BC_MAP_INNER)
		return 0;
	if (m->map_flags & BPF_F_NUMA_NODE)
		return refuse(cv, "map '%s': numa_node: struct bpf_elf_map has no such field",
			      m->name);
	if (m->map_extra)
		return refuse(cv, "map '%s': map_extra %#llx: struct bpf_elf_map has no such field",
			      m->name, (unsigned long long)m->map_extra);
	if (m->sec_idx > 0)
		cv->mapsec[m->sec_idx] = true;
	cv->tcm[i].emit = true;
	cv->tcm[i].inner_idx = TC_NO_INSERT;
	return tc_plan_pin(cv, i);
}

/* Records, ids for prog arrays with slots and for map-in-map groups. */
static int tc_plan_maps(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	__u32 next_id = 1;
	size_t i;
	int err;

	/* Global data first: no other change makes such an object fit. */
	for (i = 0; i < obj->map_cnt; i++)
		if (!is_map_kind(obj->maps[i]))
			return refuse(cv, "map '%s' (section '%s'): global data: tc has no .data, .rodata or .bss maps",
				      obj->maps[i]->name,
				      obj->maps[i]->sec_name ?: "?");
	for (i = 0; i < obj->map_cnt; i++) {
		err = tc_plan_map(cv, i);
		if (err)
			return err;
	}
	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *m = obj->maps[i];

		if (!cv->tcm[i].emit)
			continue;
		if (map_in_map(m)) {
			err = tc_plan_inner(cv, i, next_id++);
			if (err)
				return err;
		} else if (m->type == BPF_MAP_TYPE_PROG_ARRAY &&
			   init_slots(obj, i)) {
			cv->tcm[i].id = next_id++;
			rep_add(cv->rep, "change",
				"map '%s': `values` -> id %u; its programs go to sections \"%u/<slot>\"",
				m->name, cv->tcm[i].id, cv->tcm[i].id);
		}
	}
	return 0;
}

static bool tc_type_ok(__u32 type)
{
	return tc_entry_sec(type) != NULL;
}

/* The slot init of program p, or NULL; a second slot is refused. */
static const struct bc_init *tc_slot(struct cv *cv, size_t p, int *err)
{
	const struct bc_init *found = NULL;
	size_t i;

	*err = 0;
	for (i = 0; i < cv->obj->init_cnt; i++) {
		const struct bc_init *in = &cv->obj->inits[i];

		if (in->kind != BC_INIT_PROG || in->target != p)
			continue;
		if (found) {
			*err = refuse(cv, "program '%s' fills two prog-array slots: tc loads one section per slot",
				      cv->obj->progs[p]->name);
			return NULL;
		}
		found = in;
	}
	return found;
}

static int tc_pick_entry(struct cv *cv, size_t *entry)
{
	struct bc_object *obj = cv->obj;
	size_t i, best = obj->prog_cnt;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];
		bool slot = tc_slot(cv, i, &err) != NULL;

		if (err)
			return err;
		if (cv->entry) {
			if (!strcmp(p->name, cv->entry) && slot)
				return refuse(cv, "program '%s' is a tail call; the entry must not fill a slot",
					      p->name);
			if (!strcmp(p->name, cv->entry))
				best = i;
			continue;
		}
		/* By default the first classifier, else the first action,
		 * else the first program tc can load. */
		if (slot)
			continue;
		if (best == obj->prog_cnt ||
		    (p->type == BPF_PROG_TYPE_SCHED_CLS &&
		     obj->progs[best]->type != BPF_PROG_TYPE_SCHED_CLS) ||
		    (p->type == BPF_PROG_TYPE_SCHED_ACT &&
		     obj->progs[best]->type != BPF_PROG_TYPE_SCHED_CLS &&
		     obj->progs[best]->type != BPF_PROG_TYPE_SCHED_ACT))
			best = i;
	}
	if (best == obj->prog_cnt)
		return refuse(cv, cv->entry ? "no program '%s' to make the entry" :
			      "no program that is not a tail call: tc needs an entry%s",
			      cv->entry ?: "");
	*entry = best;
	return 0;
}

/* A program tc loads from offset 0 of its own section: calls may only
 * leave it through a relocation into a library section (.text). */
static int tc_check_calls(struct cv *cv, const struct bc_prog *p)
{
	const struct bc_elf_sec *sec = &cv->elf->secs[p->sec_idx];
	__u64 lo = p->sec_off, hi = lo + p->insn_cnt * 8;
	size_t k, i;

	if (hi > sec->size || !sec->data)
		return refuse(cv, "program '%s': code outside section '%s'",
			      p->name, sec->name);
	for (k = 0; k < sec->rel_cnt; k++) {
		const struct bc_elf_rel *r = &sec->rels[k];
		const struct bc_elf_sym *sym = &cv->elf->syms[r->sym];

		if (r->offset < lo || r->offset >= hi)
			continue;
		if (sym->shndx == p->sec_idx)
			return refuse(cv, "program '%s': relocation at %s+%llu refers to its own section: tc loads the section whole from offset 0",
				      p->name, sec->name,
				      (unsigned long long)r->offset);
	}
	for (i = 0; i < p->insn_cnt; i++) {
		const struct bpf_insn *in = &p->insns[i];
		long long t = (long long)i + in->imm + 1;
		bool rel = false;

		if (in->code != (BPF_JMP | BPF_CALL) ||
		    in->src_reg != BPF_PSEUDO_CALL)
			continue;
		for (k = 0; k < sec->rel_cnt; k++)
			rel |= sec->rels[k].offset == lo + i * 8;
		if (!rel && (t < 0 || t >= (long long)p->insn_cnt))
			return refuse(cv, "program '%s': call at insn %zu leaves the program inside section '%s': tc loads one program per section",
				      p->name, i, sec->name);
	}
	return 0;
}

static int tc_name_prog(struct cv *cv, size_t i, size_t entry)
{
	struct bc_object *obj = cv->obj;
	const struct bc_prog *p = obj->progs[i];
	const struct bc_init *slot;
	int err;

	slot = tc_slot(cv, i, &err);
	if (err)
		return err;
	if (i == entry)
		cv->progsec[i] = bc_strdup(tc_entry_sec(p->type));
	else if (slot)
		cv->progsec[i] = bc_asprintf("%u/%u",
					     cv->tcm[slot->map_idx].id,
					     slot->key);
	else
		cv->progsec[i] = c_ident(p->name);
	if (!cv->progsec[i])
		return -ENOMEM;
	if (slot && p->type != obj->progs[entry]->type)
		return refuse(cv, "program '%s' (type %s) fills slot %u of '%s': tc loads tail calls with the entry's type %s",
			      p->name, bc_prog_type_name(p->type) ?: "?",
			      slot->key, obj->maps[slot->map_idx]->name,
			      bc_prog_type_name(obj->progs[entry]->type) ?: "?");
	if (strcmp(p->sec_name, cv->progsec[i]))
		rep_add(cv->rep, "change",
			"program '%s': section '%s' -> '%s'%s", p->name,
			p->sec_name, cv->progsec[i],
			i == entry ? " (the entry tc loads by default)" :
			slot ? " (tail call)" : "");
	if (i != entry && !slot)
		rep_add(cv->rep, "differs",
			"program '%s' (section '%s'): not loaded by tc by default; %s will load it (tc: sec %s)",
			p->name, p->sec_name,
			bc_dialect__name(obj->dialect) ?: "?",
			cv->progsec[i]);
	return 0;
}

static int tc_plan_progs(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	size_t i, j, entry = 0;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];

		if (!tc_type_ok(p->type))
			return refuse(cv, "program '%s' (section '%s'): type %s: tc and ip load only sched_cls, sched_act, xdp and lwt_* programs",
				      p->name, p->sec_name,
				      bc_prog_type_name(p->type) ?: "?");
		err = tc_check_calls(cv, p);
		if (err)
			return err;
	}
	err = tc_pick_entry(cv, &entry);
	for (i = 0; !err && i < obj->prog_cnt; i++)
		err = tc_name_prog(cv, i, entry);
	if (err)
		return err;
	for (i = 0; i < obj->prog_cnt; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(cv->progsec[i], cv->progsec[j]))
				return refuse(cv, "programs '%s' and '%s' both need section '%s'",
					      obj->progs[j]->name,
					      obj->progs[i]->name,
					      cv->progsec[i]);
	rep_add(cv->rep, "load-option",
		"mode %s (tc filter/action, ip link xdp, ip route encap; bpfcompat load --dialect tc --tc-mode)",
		obj->progs[entry]->type == BPF_PROG_TYPE_SCHED_CLS ? "cls" :
		obj->progs[entry]->type == BPF_PROG_TYPE_SCHED_ACT ? "act" :
		obj->progs[entry]->type == BPF_PROG_TYPE_XDP ? "xdp" :
		"lwt_*");
	return 0;
}

static int tc_copy(struct cv *cv, size_t o, const void *p, size_t n)
{
	struct cv_osec *os = &cv->s[o];

	return buf_append(&os->buf, &os->size, &os->cap, p, n);
}

/* Program sections, library sections whole, license, then `maps`. */
static int tc_copy_sections(struct cv *cv)
{
	const struct bc_elf *elf = cv->elf;
	struct bc_object *obj = cv->obj;
	bool has_prog;
	size_t i, j;
	long ret;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];
		const struct bc_elf_sec *sec = &elf->secs[p->sec_idx];

		ret = osec_add(cv, cv->progsec[i], SHT_PROGBITS,
			       SHF_ALLOC | SHF_EXECINSTR, 8);
		if (ret < 0)
			return ret;
		cv->psec[i] = ret;
		err = tc_copy(cv, ret, (const char *)sec->data + p->sec_off,
			      p->insn_cnt * 8);
		if (err)
			return err;
	}
	for (i = 1; i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		for (j = 0, has_prog = false; j < obj->prog_cnt; j++)
			has_prog |= obj->progs[j]->sec_idx == (int)i;
		if (has_prog || !(cv->needed[i] ||
				  !strcmp(sec->name, "license")))
			continue;
		if (sec->exec && strcmp(sec->name, ".text"))
			return refuse(cv, "section '%s': calls reach it, but tc links only .text",
				      sec->name);
		ret = osec_add(cv, sec->name, sec->type, sec->flags,
			       max(sec->addralign, 1));
		if (ret < 0)
			return ret;
		cv->osec[i] = ret;
		err = tc_copy(cv, ret, sec->data, sec->size);
		if (err)
			return err;
		if (sec->exec)
			rep_add(cv->rep, "differs",
				"section '.text': iproute2's own loader appends all of .text to every program and calls global functions at offset 0 (more than one .text function fails there); bpfcompat --dialect tc links what each program reaches");
	}
	ret = osec_add(cv, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 4);
	if (ret < 0)
		return ret;
	cv->maps_sec = ret;
	return 0;
}

static void put_u32(char *p, __u32 v)
{
	memcpy(p, &v, 4);
}

static int tc_build_maps(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	char rec[TC_REC_SIZE];
	size_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct bc_map *m = obj->maps[i];
		const struct cv_tcmap *t = &cv->tcm[i];

		if (!t->emit)
			continue;
		put_u32(rec, m->type);
		put_u32(rec + 4, m->key_size);
		put_u32(rec + 8, m->value_size);
		put_u32(rec + 12, m->max_entries);
		put_u32(rec + 16, m->map_flags);
		put_u32(rec + 20, t->id);
		put_u32(rec + 24, t->pinning);
		put_u32(rec + 28, t->inner_id);
		put_u32(rec + 32, t->inner_idx);
		cv->tcm[i].off = cv->s[cv->maps_sec].size;
		err = tc_copy(cv, cv->maps_sec, rec, sizeof(rec));
		if (err)
			return err;
		cv->rec_cnt++;
	}
	rep_add(cv->rep, "change",
		"%zu map definitions -> struct bpf_elf_map records in section 'maps'",
		cv->rec_cnt);
	return 0;
}

static int tc_build_symbols(struct cv *cv)
{
	struct bc_object *obj = cv->obj;
	char *name;
	size_t i;
	long ref;
	int err;

	err = copy_symbols(cv, false);
	if (err)
		return err;
	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];

		name = c_ident(p->name);
		if (!name)
			return -ENOMEM;
		ref = sym_add(cv, name, STB_GLOBAL, STT_FUNC, cv->psec[i], 0,
			      p->insn_cnt * 8);
		free(name);
		if (ref < 0)
			return ref;
		cv->progsym[i] = ref;
	}
	for (i = 0; i < obj->map_cnt; i++) {
		if (!cv->tcm[i].emit)
			continue;
		ref = sym_add(cv, obj->maps[i]->name, STB_GLOBAL, STT_OBJECT,
			      cv->maps_sec, cv->tcm[i].off, TC_REC_SIZE);
		if (ref < 0)
			return ref;
		cv->mapsym[i] = ref;
	}
	return 0;
}

/* One relocation of input section sec, moved to output section o. */
static int tc_reloc(struct cv *cv, const struct bc_elf_sec *sec, size_t k,
		    size_t o, __u64 base)
{
	const struct bc_elf_rel *r = &sec->rels[k];
	const struct bc_elf_sym *sym = &cv->elf->syms[r->sym];
	long ref = cv->symmap[r->sym];
	int err;

	if (sym->shndx < cv->elf->sec_cnt && cv->mapsec[sym->shndx]) {
		err = map_ref(cv, sec, r, k, &ref);
		if (err)
			return err;
	} else if (!ref || !cv->elf->secs[sym->shndx].exec) {
		return refuse(cv, "section '%s': relocation %zu at offset %llu: symbol '%s' is neither a map nor a .text function, tc cannot resolve it",
			      sec->name, k, (unsigned long long)r->offset,
			      bc_elf_sym_name(cv->elf, sym));
	}
	return rel_add(cv, o, r->offset - base, ref, r->type);
}

static int tc_build_relocs(struct cv *cv)
{
	const struct bc_elf *elf = cv->elf;
	struct bc_object *obj = cv->obj;
	size_t i, k;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];
		const struct bc_elf_sec *sec = &elf->secs[p->sec_idx];
		__u64 lo = p->sec_off, hi = lo + p->insn_cnt * 8;

		for (k = 0; k < sec->rel_cnt; k++) {
			if (sec->rels[k].offset < lo || sec->rels[k].offset >= hi)
				continue;
			err = tc_reloc(cv, sec, k, cv->psec[i], lo);
			if (err)
				return err;
		}
	}
	for (i = 1; i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		for (k = 0; sec->exec && cv->osec[i] && k < sec->rel_cnt; k++) {
			err = tc_reloc(cv, sec, k, cv->osec[i], 0);
			if (err)
				return err;
		}
	}
	return 0;
}

static int tc_convert(struct cv *cv, size_t *symtab)
{
	int err;

	err = tc_plan_maps(cv);
	err = err ?: tc_plan_progs(cv);
	err = err ?: plan_sections(cv);
	err = err ?: tc_copy_sections(cv);
	err = err ?: tc_build_maps(cv);
	err = err ?: tc_build_symbols(cv);
	err = err ?: tc_build_relocs(cv);
	if (err)
		return err;
	if (bc_elf_sec_by_name(cv->elf, ".BTF"))
		rep_add(cv->rep, "differs",
			".BTF and .BTF.ext dropped: iproute2's own loader ignores them; programs load without func/line info, maps without key/value types");
	return add_tables(cv, symtab);
}

/* ---- entry point ------------------------------------------------------------ */

static int cv_alloc(struct cv *cv)
{
	size_t ns = cv->elf->sec_cnt + 1, nm = cv->obj->map_cnt + 1;
	size_t np = cv->obj->prog_cnt + 1;

	cv->osec = calloc(ns, sizeof(*cv->osec));
	cv->base = calloc(ns, sizeof(*cv->base));
	cv->mapsec = calloc(ns, sizeof(*cv->mapsec));
	cv->needed = calloc(ns, sizeof(*cv->needed));
	/* Indexed by output section: at most every input one plus ours. */
	cv->relsec = calloc(2 * ns + np + 8, sizeof(*cv->relsec));
	cv->symmap = calloc(cv->elf->sym_cnt + 1, sizeof(*cv->symmap));
	cv->mapsym = calloc(nm, sizeof(*cv->mapsym));
	cv->progsym = calloc(np, sizeof(*cv->progsym));
	cv->pinned = calloc(nm, sizeof(*cv->pinned));
	cv->mapoff = calloc(nm, sizeof(*cv->mapoff));
	cv->valoff = calloc(nm, sizeof(*cv->valoff));
	cv->mapsize = calloc(nm, sizeof(*cv->mapsize));
	cv->progsec = calloc(np, sizeof(*cv->progsec));
	cv->tcm = calloc(nm, sizeof(*cv->tcm));
	cv->psec = calloc(np, sizeof(*cv->psec));
	if (!cv->osec || !cv->base || !cv->mapsec || !cv->needed ||
	    !cv->relsec ||
	    !cv->symmap || !cv->mapsym || !cv->progsym || !cv->pinned ||
	    !cv->mapoff || !cv->valoff || !cv->mapsize || !cv->progsec ||
	    !cv->tcm || !cv->psec)
		return -ENOMEM;
	/* The null section, and the empty name at .strtab offset 0. */
	if (str_add(cv, "") < 0)
		return -ENOMEM;
	return osec_add(cv, "", SHT_NULL, 0, 0) < 0 ? -ENOMEM : 0;
}

static int convert(struct cv *cv, const char *out_path)
{
	size_t symtab = 0, i;
	int err;

	if (cv->to_tc) {
		err = tc_convert(cv, &symtab);
		goto write;
	}
	err = plan_maps(cv);
	err = err ?: plan_progs(cv);
	err = err ?: plan_pins(cv);
	err = err ?: plan_sections(cv);
	err = err ?: copy_sections(cv);
	err = err ?: open_btf(cv);
	err = err ?: build_maps(cv);
	err = err ?: build_symbols(cv);
	err = err ?: build_relocs(cv);
	err = err ?: patch_ext(cv);
	err = err ?: add_tables(cv, &symtab);
write:
	if (err)
		return err;
	for (i = 1; i < cv->scnt; i++)
		if (cv->s[i].type == SHT_REL)
			cv->s[i].link = symtab;
	return write_file(cv, out_path);
}

/*
 * Probe arguments ("arg" parameters, perf's "name=%reg" section syntax)
 * are fetched by a prologue the loader generates at load time; no libbpf
 * or tc section can ask for it, and the program cannot run without it.
 */
static int check_prologue(struct cv *cv)
{
	size_t i;

	for (i = 0; i < cv->obj->prog_cnt; i++) {
		const struct bc_prog *p = cv->obj->progs[i];

		if (bc_attr_get(p->params, p->param_cnt, "arg"))
			return refuse(cv, "program '%s' (section '%s'): its probe arguments are fetched by a prologue generated at load time; libbpf cannot reproduce it",
				      p->name, p->sec_name);
	}
	return 0;
}

int bc_object__convert(struct bc_object *obj, const char *out_path,
		       const struct bc_convert_opts *opts)
{
	BC_OPTS(bc_load_opts, lopts, .dry_run = true, .bpffs = CV_BPFFS);
	struct cv cv = { .obj = obj };
	const char *to = NULL;
	int err;

	if (!obj || !out_path)
		return bc_err(-EINVAL);
	if (opts && opts->sz >= offsetof(struct bc_convert_opts, report) +
			       sizeof(opts->report))
		cv.rep = opts->report;
	if (opts && opts->sz >= offsetof(struct bc_convert_opts, to) +
			       sizeof(opts->to))
		to = opts->to;
	if (opts && opts->sz >= offsetof(struct bc_convert_opts, entry) +
			       sizeof(opts->entry))
		cv.entry = opts->entry;
	cv.elf = obj->elf;
	cv.to_tc = to && !strcmp(to, "tc");
	if (to && strcmp(to, "libbpf") && !cv.to_tc)
		return bc_err(refuse(&cv, "conversion to '%s' is not supported (supported: libbpf, tc)",
				     to));
	if (cv.to_tc && obj->dialect && bc_dialect__name(obj->dialect) &&
	    !strcmp(bc_dialect__name(obj->dialect), "tc"))
		return bc_err(refuse(&cv, "the object already follows tc's convention"));
	if (!cv.elf || cv.elf->big_endian)
		return bc_err(refuse(&cv, "only little-endian objects convert"));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return bc_err(-BC_ERRNO__LIBELF);
	err = check_prologue(&cv);
	if (err)
		return bc_err(err);
	/* The engine's own plan says where every map pins. */
	err = bc_object__load(obj, &lopts);
	if (err)
		return bc_err(refuse(&cv, "the object does not plan (%d): see the messages above",
				     err));
	err = cv_alloc(&cv);
	err = err ?: convert(&cv, out_path);
	cv_free(&cv);
	return bc_err(err);
}
