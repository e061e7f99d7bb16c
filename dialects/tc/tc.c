// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iproute2's legacy BPF loader (tc, ip): what its descriptor cannot say.
 *
 * - The program type and the entry section come from the front-end (tc
 *   filter, tc action, ip link xdp, ip route encap), here the "mode" and
 *   "section" params; only that section and its tail calls load.
 * - "<map id>/<key>" sections go into the PROG_ARRAY with that id.
 * - Map-in-map via id/inner_id/inner_idx.
 * - Pinning ids other than 0..2 come from the bpf_pinning database.
 * - <bpffs>/tc/globals and the xdp, ip links to tc/ exist before pinning.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dialect.h"
#include "pin.h"

#define TC_PINNING_DB	"/etc/iproute2/bpf_pinning"
#define TC_ENV_MNT	"TC_BPF_MNT"
#define TC_NO_INSERT	0xffffffffU

struct tc_mode {
	const char *name;
	__u32 prog_type;
	const char *section;	/* default entry section */
};

static const struct tc_mode tc_modes[] = {
	{ "cls",		BPF_PROG_TYPE_SCHED_CLS,	"classifier" },
	{ "act",		BPF_PROG_TYPE_SCHED_ACT,	"action" },
	{ "xdp",		BPF_PROG_TYPE_XDP,		"prog" },
	{ "lwt_in",		BPF_PROG_TYPE_LWT_IN,		"prog" },
	{ "lwt_out",		BPF_PROG_TYPE_LWT_OUT,		"prog" },
	{ "lwt_xmit",		BPF_PROG_TYPE_LWT_XMIT,		"prog" },
	{ "lwt_seg6local",	BPF_PROG_TYPE_LWT_SEG6LOCAL,	"prog" },
};

static const struct tc_mode *mode_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tc_modes); i++)
		if (!strcmp(tc_modes[i].name, name))
			return &tc_modes[i];
	return NULL;
}

static const char *obj_param(const struct bc_object *obj, const char *key)
{
	const char *v = NULL;
	size_t i;

	/* The last one given wins, as on a command line. */
	for (i = 0; i < obj->param_cnt; i++)
		if (!strcmp(obj->params[i].key, key))
			v = obj->params[i].value;
	return v;
}

static const struct tc_mode *obj_mode(const struct bc_object *obj)
{
	const char *name = obj_param(obj, "mode");

	return mode_by_name(name ? name : "cls");
}

/* A C integer as tc's "%i" reads it, limited to 32 bits. */
static int parse_u32(const char *s, __u32 *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

static __u32 map_attr(const struct bc_map *map, const char *key)
{
	const char *v = bc_attr_get(map->attrs, map->attr_cnt, key);
	__u32 n = 0;

	/* Written by the collector from a 4-byte field: always a number. */
	parse_u32(v, &n);
	return n;
}

static bool map_in_map(const struct bc_map *map)
{
	return map->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       map->type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* ---- params ------------------------------------------------------------ */

static int tc_param(struct bc_object *obj, const char *key, const char *value)
{
	if (!strcmp(key, "mode")) {
		if (mode_by_name(value))
			return 0;
		pr_warn("tc: %s: mode '%s' unknown (cls, act, xdp, lwt_in, lwt_out, lwt_xmit, lwt_seg6local)\n",
			obj->path, value);
		return -EINVAL;
	}
	if (!strcmp(key, "section") || !strcmp(key, "pinning-db")) {
		if (value[0])
			return 0;
		pr_warn("tc: %s: parameter '%s' needs a value\n", obj->path,
			key);
		return -EINVAL;
	}
	return -ENOENT;
}

/* ---- programs ---------------------------------------------------------- */

static int tc_classify(struct bc_object *obj, struct bc_prog *prog,
		       const struct bc_desc_prog_rule *rule, const char *rest)
{
	(void)rule;
	(void)rest;
	/* The front-end decides the type, never the section name. */
	prog->type = obj_mode(obj)->prog_type;
	prog->autoload = false;
	return 0;
}

static struct bc_map *map_by_id(struct bc_object *obj, __u32 id, __u32 type)
{
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *map = obj->maps[i];

		if (map->kind == BC_MAP_USER && map_attr(map, "id") == id &&
		    (!type || map->type == type))
			return map;
	}
	return NULL;
}

/* "<id>/<key>" exactly as the descriptor's "%i/%i" pattern accepted it. */
static bool tail_sec(const char *name, __u32 *id, __u32 *key)
{
	char buf[64], *slash;

	if (strlen(name) >= sizeof(buf))
		return false;
	strcpy(buf, name);
	slash = strchr(buf, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return !parse_u32(buf, id) && !parse_u32(slash + 1, key);
}

static int tail_call(struct bc_object *obj, struct bc_prog *prog)
{
	struct bc_map *map;
	__u32 id, key;

	if (!tail_sec(prog->sec_name, &id, &key))
		return 0;
	map = id ? map_by_id(obj, id, BPF_MAP_TYPE_PROG_ARRAY) : NULL;
	if (!map) {
		/* tc skips these silently; say why it stays unloaded. */
		pr_info("tc: %s: section '%s': no PROG_ARRAY with id %u, tail call not loaded\n",
			obj->path, prog->sec_name, id);
		return 0;
	}
	prog->autoload = true;
	return bc_object_add_init(obj, map->idx, key, BC_INIT_PROG, prog->idx);
}

static int select_progs(struct bc_object *obj)
{
	const char *sec = obj_param(obj, "section");
	struct bc_prog *entry = NULL;
	size_t i;
	int err;

	if (!sec)
		sec = obj_mode(obj)->section;
	for (i = 0; i < obj->prog_cnt && !entry; i++)
		if (!strcmp(obj->progs[i]->sec_name, sec))
			entry = obj->progs[i];
	if (!entry) {
		pr_warn("tc: %s: program section '%s' not found (mode %s; choose one with section=NAME)\n",
			obj->path, sec, obj_mode(obj)->name);
		return bc_report(obj, "prog-section-missing", BC_SEV_ERROR,
				 sec, NULL, BC_NO_OFFSET,
				 "no program section '%s'", sec) ?:
		       -BC_ERRNO__DIALECT;
	}
	for (i = 0; i < obj->prog_cnt; i++) {
		if (obj->progs[i] == entry)
			continue;
		err = tail_call(obj, obj->progs[i]);
		if (err)
			return err;
	}
	entry->autoload = true;
	return 0;
}

/* ---- map-in-map -------------------------------------------------------- */

/* An outer map's template is the first map whose id is its inner_id. */
static int link_outer(struct bc_object *obj, struct bc_map *map)
{
	__u32 inner_id = map_attr(map, "inner_id");
	struct bc_map *inner;

	if (!inner_id) {
		pr_warn("tc: %s: map '%s': map-in-map without inner_id\n",
			obj->path, map->name);
		return -BC_ERRNO__FORMAT;
	}
	inner = map_by_id(obj, inner_id, 0);
	if (!inner || inner == map) {
		pr_warn("tc: %s: map '%s': inner map with id %u not found\n",
			obj->path, map->name, inner_id);
		return -BC_ERRNO__FORMAT;
	}
	map->inner_idx = inner->idx;
	/* The kernel stores map ids: tc forces 4 whatever the object says. */
	map->value_size = sizeof(__u32);
	return 0;
}

/* Insert an inner map at inner_idx of every outer map naming its id. */
static int insert_inner(struct bc_object *obj, struct bc_map *inner)
{
	__u32 id = map_attr(inner, "id"), key = map_attr(inner, "inner_idx");
	size_t j;
	int err;

	if (!id || map_attr(inner, "inner_id") || key == TC_NO_INSERT)
		return 0;
	for (j = 0; j < obj->map_cnt; j++) {
		struct bc_map *outer = obj->maps[j];

		if (outer->kind != BC_MAP_USER || !map_in_map(outer) ||
		    map_attr(outer, "inner_id") != id)
			continue;
		err = bc_object_add_init(obj, outer->idx, key, BC_INIT_MAP,
					 inner->idx);
		if (err)
			return err;
	}
	return 0;
}

static int link_maps(struct bc_object *obj)
{
	size_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		if (obj->maps[i]->kind != BC_MAP_USER ||
		    !map_in_map(obj->maps[i]))
			continue;
		err = link_outer(obj, obj->maps[i]);
		if (err)
			return err;
	}
	for (i = 0; i < obj->map_cnt; i++) {
		if (obj->maps[i]->kind != BC_MAP_USER)
			continue;
		err = insert_inner(obj, obj->maps[i]);
		if (err)
			return err;
	}
	return 0;
}

static int tc_finish(struct bc_object *obj)
{
	return link_maps(obj) ?: select_progs(obj);
}

/* ---- pinning ----------------------------------------------------------- */

/*
 * One bpf_pinning line: "<id> <subpath> [anything]", '#' comments, blank
 * lines. Returns 1 with *sub set if the line maps id, 0 if not, -1 if
 * the line is corrupt (tc stops reading there).
 */
static int db_line(const char *db, char *line, __u32 id, char **sub)
{
	char *p = line, *tok, *save;
	__u32 v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#' || *p == '\n')
		return 0;
	tok = strtok_r(p, " \t\n", &save);
	if (!tok || parse_u32(tok, &v))
		goto corrupt;
	tok = strtok_r(NULL, " \t\n", &save);
	if (!tok)
		goto corrupt;
	if (v <= 2) {
		pr_warn("tc: pinning database %s: id %u is reserved, line ignored\n",
			db, v);
		return 0;
	}
	if (v != id)
		return 0;
	*sub = tok;
	return 1;
corrupt:
	pr_warn("tc: pinning database %s: corrupt line '%s', rest ignored\n",
		db, line);
	return -1;
}

static int db_lookup(const char *db, __u32 id, char **subpath)
{
	char line[PATH_MAX + 64], *sub;
	FILE *f;
	int ret = 0;

	*subpath = NULL;
	f = fopen(db, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		ret = db_line(db, line, id, &sub);
		if (ret)
			break;
	}
	fclose(f);
	if (ret <= 0)
		return 0;
	*subpath = bc_strdup(sub);
	return *subpath ? 0 : -ENOMEM;
}

static int tc_pin_path(struct bc_object *obj, struct bc_map *map,
		       const char *bpffs, char **path)
{
	const char *db = obj_param(obj, "pinning-db") ?: TC_PINNING_DB;
	char *sub;
	int err;

	*path = NULL;
	err = db_lookup(db, map->pinning, &sub);
	if (err) {
		pr_warn("tc: %s: map '%s': cannot read pinning database %s: %s\n",
			obj->path, map->name, db, strerror(-err));
		return err;
	}
	if (!sub) {
		pr_warn("tc: %s: map '%s': pinning id %u not in %s, map not pinned\n",
			obj->path, map->name, map->pinning, db);
		return 0;
	}
	/* Custom paths are relative to the mount root, not to tc/. */
	*path = bc_asprintf("%s/%s/%s", bpffs, sub, map->name);
	free(sub);
	return *path ? 0 : -ENOMEM;
}

/* TC_BPF_MNT names the bpffs tc works in (mounted there if need be). */
static int tc_bpffs_root(struct bc_object *obj, char **root)
{
	const char *env = getenv(TC_ENV_MNT);

	(void)obj;
	*root = NULL;
	if (!env || !env[0])
		return 0;
	*root = bc_strdup(env);
	return *root ? 0 : -ENOMEM;
}

/*
 * tc's hierarchy: tc/ and tc/globals/, and xdp, ip as links to tc/ so
 * ip's pins land in the same tree. Journaled: a failed load removes what
 * this load made.
 */
static int tc_prepare_bpffs(struct bc_object *obj, const char *bpffs,
			    struct bc_pin_journal *j)
{
	static const char *const links[] = { "xdp", "ip" };
	char *globals, *target, *link;
	size_t i;
	int err;

	(void)obj;
	globals = bc_asprintf("%s/tc/globals/", bpffs);
	target = bc_asprintf("%s/tc/", bpffs);
	err = globals && target ? bc_pin_mkdirs(j, globals) : -ENOMEM;
	for (i = 0; !err && i < ARRAY_SIZE(links); i++) {
		link = bc_asprintf("%s/%s", bpffs, links[i]);
		err = link ? bc_pin_symlink(j, target, link) : -ENOMEM;
		free(link);
	}
	free(globals);
	free(target);
	return err;
}

/* ---- check: tc's handling of .text ------------------------------------- */

/*
 * tc appends the whole relocated .text after every program that calls into
 * it and patches each call by the relocation alone: a call through a
 * global function's symbol lands on .text offset 0, and every .text
 * function must be reachable. The checks below predict both.
 */
struct text_fn {
	__u64 start;		/* byte offset in .text */
	const char *name;
	bool reached;
};

struct text_walk {
	const struct bc_elf *elf;
	const struct bc_elf_sec *text;
	const struct bc_elf_rel **rel_at;	/* per insn, NULL if none */
	struct text_fn *fns;
	size_t fn_cnt;
	size_t *stack;
	size_t depth;
};

static bool pseudo_call(const struct bc_elf *elf, const struct bc_elf_sec *sec,
			__u64 off, struct bpf_insn *insn)
{
	if (off + sizeof(*insn) > sec->size)
		return false;
	bc_elf_copy_insns(elf, sec, off, 1, insn);
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

/* Where a relocated call to sym lands in .text if linked correctly. */
static long long call_dest(const struct bc_elf_sym *sym,
			   const struct bpf_insn *insn)
{
	long long base = sym->value / sizeof(*insn);

	return sym->type == STT_SECTION ? base + insn->imm + 1 : base;
}

static int fn_cmp(const void *a, const void *b)
{
	const struct text_fn *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The function holding insn index idx, or -1. */
static ssize_t fn_at(const struct text_walk *w, long long idx)
{
	__u64 off = (__u64)idx * sizeof(struct bpf_insn);
	size_t lo = 0, hi = w->fn_cnt;

	if (idx < 0 || off >= w->text->size)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->fns[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? (ssize_t)lo - 1 : -1;
}

static void reach(struct text_walk *w, long long idx)
{
	ssize_t f = fn_at(w, idx);

	if (f < 0 || w->fns[f].reached)
		return;
	w->fns[f].reached = true;
	w->stack[w->depth++] = f;
}

/* Mark every function called from the reached one f, as linked right. */
static void walk_fn(struct text_walk *w, size_t f)
{
	__u64 end = f + 1 < w->fn_cnt ? w->fns[f + 1].start : w->text->size;
	const struct bc_elf_rel *rel;
	struct bpf_insn insn;
	__u64 off;

	for (off = w->fns[f].start; off < end; off += sizeof(insn)) {
		if (!pseudo_call(w->elf, w->text, off, &insn))
			continue;
		rel = w->rel_at[off / sizeof(insn)];
		if (rel && w->elf->syms[rel->sym].shndx != w->text->idx)
			continue;
		reach(w, rel ? call_dest(&w->elf->syms[rel->sym], &insn) :
			 (long long)(off / sizeof(insn)) + insn.imm + 1);
	}
}

static int text_walk_init(struct text_walk *w, const struct bc_elf *elf,
			  const struct bc_elf_sec *text)
{
	size_t i, insn_cnt = text->size / sizeof(struct bpf_insn);

	w->elf = elf;
	w->text = text;
	w->rel_at = calloc(insn_cnt ?: 1, sizeof(*w->rel_at));
	w->fns = calloc(elf->sym_cnt, sizeof(*w->fns));
	w->stack = calloc(elf->sym_cnt, sizeof(*w->stack));
	if (!w->rel_at || !w->fns || !w->stack)
		return -ENOMEM;
	for (i = 0; i < text->rel_cnt; i++)
		w->rel_at[text->rels[i].offset / sizeof(struct bpf_insn)] =
			&text->rels[i];
	for (i = 1; i < elf->sym_cnt; i++) {
		const struct bc_elf_sym *s = &elf->syms[i];

		if (s->shndx != text->idx || s->type != STT_FUNC ||
		    s->value >= text->size)
			continue;
		w->fns[w->fn_cnt].start = s->value;
		w->fns[w->fn_cnt++].name = s->name;
	}
	qsort(w->fns, w->fn_cnt, sizeof(*w->fns), fn_cmp);
	return 0;
}

static void text_walk_free(struct text_walk *w)
{
	free(w->rel_at);
	free(w->fns);
	free(w->stack);
}

/* One loaded program's calls into .text; *calls counts them. */
static int check_prog_calls(struct bc_object *obj, struct text_walk *w,
			    const struct bc_prog *prog, size_t *calls)
{
	const struct bc_elf_sec *sec = &obj->elf->secs[prog->sec_idx];
	const struct bc_elf_sym *sym;
	struct bpf_insn insn;
	size_t i;
	int err;

	for (i = 0; i < sec->rel_cnt; i++) {
		sym = &obj->elf->syms[sec->rels[i].sym];
		if (sym->shndx != w->text->idx ||
		    !pseudo_call(obj->elf, sec, sec->rels[i].offset, &insn))
			continue;
		(*calls)++;
		reach(w, call_dest(sym, &insn));
		if (sym->type != STT_FUNC || sym->bind == STB_LOCAL ||
		    !sym->value)
			continue;
		err = bc_report(obj, "call-global-misplaced", BC_SEV_ERROR,
				sec->name, sym->name, sec->rels[i].offset,
				"call to global function '%s' at .text offset %llu; the call is patched to .text offset 0",
				sym->name, (unsigned long long)sym->value);
		if (err)
			return err;
	}
	return 0;
}

static int check_text(struct bc_object *obj, struct text_walk *w)
{
	size_t i, calls = 0;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		if (!obj->progs[i]->autoload || obj->progs[i]->sec_idx < 0)
			continue;
		err = check_prog_calls(obj, w, obj->progs[i], &calls);
		if (err)
			return err;
	}
	if (!calls)
		return 0;	/* .text is not appended: nothing to check */
	if (!w->text->rel_sec) {
		err = bc_report(obj, "text-no-relocations", BC_SEV_ERROR,
				w->text->name, NULL, BC_NO_OFFSET,
				"called .text of %llu bytes has no relocation section",
				(unsigned long long)w->text->size);
		if (err)
			return err;
	}
	while (w->depth)
		walk_fn(w, w->stack[--w->depth]);
	for (i = 0; i < w->fn_cnt; i++) {
		if (w->fns[i].reached)
			continue;
		err = bc_report(obj, "text-unreachable", BC_SEV_ERROR,
				w->text->name, w->fns[i].name,
				(long long)w->fns[i].start,
				"function '%s' is called from no loaded program",
				w->fns[i].name);
		if (err)
			return err;
	}
	return 0;
}

static int tc_check(struct bc_object *obj)
{
	const struct bc_elf_sec *text = bc_elf_sec_by_name(obj->elf, ".text");
	struct text_walk w = {};
	int err;

	if (!text || !text->exec)
		return 0;
	err = text_walk_init(&w, obj->elf, text) ?: check_text(obj, &w);
	text_walk_free(&w);
	return err;
}

const struct bc_dialect_ops bc_tc_ops = {
	.sz = sizeof(struct bc_dialect_ops),
	.name = "tc",
	.param = tc_param,
	.classify = tc_classify,
	.finish = tc_finish,
	.pin_path = tc_pin_path,
	.bpffs_root = tc_bpffs_root,
	.prepare_bpffs = tc_prepare_bpffs,
	.check = tc_check,
};
