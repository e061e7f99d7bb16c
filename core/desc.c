// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Dialect descriptor reader. The YAML file (docs/dialect-schema.md) is
 * loaded into a libyaml document tree and walked once into struct bc_desc;
 * every error names the file, line and column of the offending node.
 */
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "internal.h"
#include "desc.h"

#define DESC_MAX_FILE	(1U << 20)	/* a descriptor is a few KiB */
#define DESC_MAX_VISITS	100000		/* bounds alias fan-out */
#define DESC_PATH_LEN	128

struct pctx {
	const char *origin;
	yaml_document_t *doc;
	struct bc_desc *desc;
	size_t visits;
};

__attribute__((format(printf, 3, 4)))
static int perr(struct pctx *p, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("%s:%zu:%zu: %s\n", p->origin, n->start_mark.line + 1,
		n->start_mark.column + 1, msg);
	return -BC_ERRNO__DESC;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "empty";
	}
}

static yaml_node_t *node_at(struct pctx *p, int id)
{
	return yaml_document_get_node(p->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int want(struct pctx *p, const yaml_node_t *n, yaml_node_type_t type,
		const char *path)
{
	static const char *const what[] = {
		[YAML_SCALAR_NODE] = "a scalar",
		[YAML_SEQUENCE_NODE] = "a sequence",
		[YAML_MAPPING_NODE] = "a mapping",
	};

	if (++p->visits > DESC_MAX_VISITS)
		return perr(p, n, "descriptor too large (more than %d nodes)",
			    DESC_MAX_VISITS);
	if (n->type != type)
		return perr(p, n, "'%s' must be %s, not %s", path, what[type],
			    node_kind(n));
	return 0;
}

/* ---- scalars ------------------------------------------------------------ */

static int get_str(struct pctx *p, const yaml_node_t *n, const char *path,
		   char **out)
{
	int err = want(p, n, YAML_SCALAR_NODE, path);

	if (err)
		return err;
	if (!n->data.scalar.length)
		return perr(p, n, "'%s' must not be empty", path);
	if (strlen(scalar(n)) != n->data.scalar.length)
		return perr(p, n, "'%s' contains a NUL character", path);
	free(*out);
	*out = bc_strdup(scalar(n));
	return *out ? 0 : -ENOMEM;
}

/* Decimal or 0x hex, no sign, no octal: what descriptor authors expect. */
static int parse_u64(const char *s, __u64 *out)
{
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]) || (base == 10 && !isdigit(s[0])))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int get_u32(struct pctx *p, const yaml_node_t *n, const char *path,
		   __u32 *out)
{
	int err = want(p, n, YAML_SCALAR_NODE, path);
	__u64 v;

	if (err)
		return err;
	if (parse_u64(scalar(n), &v))
		return perr(p, n, "'%s': bad number '%s' (decimal or 0x hex)",
			    path, scalar(n));
	if (v > UINT32_MAX)
		return perr(p, n, "'%s': %s is out of range (max 0xffffffff)",
			    path, scalar(n));
	*out = v;
	return 0;
}

static int get_score(struct pctx *p, const yaml_node_t *n, const char *path,
		     int *out)
{
	int err = want(p, n, YAML_SCALAR_NODE, path);
	const char *s;
	bool neg;
	__u64 v;

	if (err)
		return err;
	s = scalar(n);
	neg = *s == '-';
	if (parse_u64(s + (neg || *s == '+'), &v))
		return perr(p, n, "'%s': bad number '%s' (decimal or 0x hex)",
			    path, s);
	if (v > 1000000)	/* keeps sums of scores far from overflow */
		return perr(p, n, "'%s': %s is out of range (max 1000000)",
			    path, s);
	*out = neg ? -(int)v : (int)v;
	return 0;
}

static int get_bool(struct pctx *p, const yaml_node_t *n, const char *path,
		    bool *out)
{
	int err = want(p, n, YAML_SCALAR_NODE, path);

	if (err)
		return err;
	if (!strcmp(scalar(n), "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(scalar(n), "false")) {
		*out = false;
		return 0;
	}
	return perr(p, n, "'%s' must be true or false, not '%s'", path,
		    scalar(n));
}

/* names[] is NULL-terminated; *out gets the index. */
static int get_enum(struct pctx *p, const yaml_node_t *n, const char *path,
		    const char *const *names, int *out)
{
	char expect[256] = "";
	int err = want(p, n, YAML_SCALAR_NODE, path);
	size_t len = 0;
	int i;

	if (err)
		return err;
	for (i = 0; names[i]; i++) {
		if (!strcmp(scalar(n), names[i])) {
			*out = i;
			return 0;
		}
		if (len < sizeof(expect))
			len += snprintf(expect + len, sizeof(expect) - len,
					"%s%s", i ? ", " : "", names[i]);
	}
	return perr(p, n, "unknown value '%s' for '%s' (expected %s)",
		    scalar(n), path, expect);
}

/* Reverse lookup through libbpf's names, which are bpftool's spelling. */
static int get_type(struct pctx *p, const yaml_node_t *n, const char *path,
		    const char *(*str)(int), const char *what, __u32 *out)
{
	int err = want(p, n, YAML_SCALAR_NODE, path);
	const char *s;
	int i;

	if (err)
		return err;
	for (i = 0; (s = str(i)); i++) {
		if (!strcmp(s, scalar(n))) {
			*out = i;
			return 0;
		}
	}
	return perr(p, n, "unknown %s '%s' for '%s'", what, scalar(n), path);
}

static const char *prog_type_str(int i)
{
	return libbpf_bpf_prog_type_str(i);
}

static const char *attach_type_str(int i)
{
	return libbpf_bpf_attach_type_str(i);
}

/* ---- mappings ----------------------------------------------------------- */

struct key_ops {
	const char *key;
	int (*fn)(struct pctx *p, yaml_node_t *val, const char *path,
		  void *ctx);
};

/* A path only names a place in messages: a long one is cut, not refused. */
static void join(char *buf, const char *path, const char *key)
{
	int n;

	if (*path)
		n = snprintf(buf, DESC_PATH_LEN, "%s.%s", path, key);
	else
		n = snprintf(buf, DESC_PATH_LEN, "%s", key);
	if (n >= DESC_PATH_LEN)
		memcpy(buf + DESC_PATH_LEN - 4, "...", 4);
}

/* Check that no earlier key of the mapping has the same text. */
static int check_dup(struct pctx *p, yaml_node_t *map, yaml_node_pair_t *pair,
		     const char *path)
{
	yaml_node_t *key = node_at(p, pair->key), *k;
	yaml_node_pair_t *q;

	for (q = map->data.mapping.pairs.start; q < pair; q++) {
		k = node_at(p, q->key);
		if (k->type == YAML_SCALAR_NODE &&
		    !strcmp(scalar(k), scalar(key)))
			return perr(p, key, "duplicate key '%s' in '%s' (first at line %zu)",
				    scalar(key), *path ? path : "<top>",
				    k->start_mark.line + 1);
	}
	return 0;
}

/*
 * Walk a mapping whose keys are all known: each pair goes to its handler.
 * A key not in ops is an error.
 */
static int walk_map(struct pctx *p, yaml_node_t *map, const char *path,
		    const struct key_ops *ops, size_t cnt, void *ctx)
{
	char sub[DESC_PATH_LEN];
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t i;
	int err;

	err = want(p, map, YAML_MAPPING_NODE, *path ? path : "<top>");
	if (err)
		return err;
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		key = node_at(p, pair->key);
		err = want(p, key, YAML_SCALAR_NODE, "key");
		if (err)
			return err;
		err = check_dup(p, map, pair, path);
		if (err)
			return err;
		for (i = 0; i < cnt; i++)
			if (!strcmp(ops[i].key, scalar(key)))
				break;
		if (i == cnt)
			return perr(p, key, "unknown key '%s' in '%s'",
				    scalar(key), *path ? path : "<top>");
		join(sub, path, scalar(key));
		err = ops[i].fn(p, node_at(p, pair->value), sub, ctx);
		if (err)
			return err;
	}
	return 0;
}

/* ---- matches ------------------------------------------------------------ */

static const char *const match_names[] = {
	[BC_MATCH_EXACT] = "exact",
	[BC_MATCH_PREFIX] = "prefix",
	[BC_MATCH_WORD] = "word",
	[BC_MATCH_PATTERN] = "pattern",
	[BC_MATCH_GLOB] = "glob",
	NULL,
};

static int match_kind(const char *key)
{
	int i;

	for (i = 0; match_names[i]; i++)
		if (!strcmp(key, match_names[i]))
			return i;
	return -1;
}

static int check_pattern(struct pctx *p, const yaml_node_t *n,
			 const char *path, const char *s)
{
	for (; *s; s++) {
		if (*s != '%')
			continue;
		s++;
		if (*s == '%')
			continue;
		if (*s != 'i' && *s != 's')
			return perr(p, n, "'%s': bad conversion '%%%.1s' in pattern (expected %%i, %%s or %%%%)",
				    path, s);
		/* %s runs to the next literal, so it needs one. */
		if (*s == 's' && s[1] == '%' && s[2] != '%')
			return perr(p, n, "'%s': '%%s' must be followed by a literal character",
				    path);
	}
	return 0;
}

/* Set the match from one "kind: value" pair already known to be a kind. */
static int set_match(struct pctx *p, yaml_node_t *val, const char *path,
		     int kind, struct bc_desc_match *m)
{
	int err;

	if (m->value)
		return perr(p, val, "'%s': more than one match kind", path);
	err = get_str(p, val, path, &m->value);
	if (err)
		return err;
	m->kind = kind;
	if (kind == BC_MATCH_PATTERN)
		return check_pattern(p, val, path, m->value);
	return 0;
}

static int parse_match(struct pctx *p, yaml_node_t *n, const char *path,
		       void *arg)
{
	struct bc_desc_match *m = arg;
	char sub[DESC_PATH_LEN];
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	int err, kind;

	err = want(p, n, YAML_MAPPING_NODE, path);
	if (err)
		return err;
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		key = node_at(p, pair->key);
		err = want(p, key, YAML_SCALAR_NODE, "key");
		if (err)
			return err;
		kind = match_kind(scalar(key));
		if (kind < 0)
			return perr(p, key, "unknown key '%s' in '%s' (expected exact, prefix, word, pattern or glob)",
				    scalar(key), path);
		join(sub, path, scalar(key));
		err = set_match(p, node_at(p, pair->value), sub, kind, m);
		if (err)
			return err;
	}
	if (!m->value)
		return perr(p, n, "'%s' needs one of exact, prefix, word, pattern or glob",
			    path);
	return 0;
}

/* ---- maps --------------------------------------------------------------- */

struct maps_ctx {
	struct bc_desc_maps *m;
	bool has_min;
	yaml_node_t *rec_node;		/* for messages about the record */
	yaml_node_t *max_node;
	yaml_node_t **field_nodes;	/* key node of each field */
};

static int seq_len(struct pctx *p, yaml_node_t *n, const char *path,
		   size_t *cnt)
{
	int err = want(p, n, YAML_SEQUENCE_NODE, path);

	if (err)
		return err;
	*cnt = n->data.sequence.items.top - n->data.sequence.items.start;
	return 0;
}

/*
 * Parse a sequence into a calloc'd array of elem_sz items, one item()
 * call each; *cnt counts the items begun, so a half-filled array is freed
 * whole on error.
 */
static int parse_seq(struct pctx *p, yaml_node_t *v, const char *path,
		     void **arr, size_t *cnt, size_t elem_sz,
		     int (*item)(struct pctx *p, yaml_node_t *n,
				 const char *path, void *elem))
{
	char sub[DESC_PATH_LEN];
	size_t i, n;
	int err;

	err = seq_len(p, v, path, &n);
	if (err)
		return err;
	*arr = calloc(n ?: 1, elem_sz);
	if (!*arr)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		*cnt = i + 1;
		err = item(p, node_at(p, v->data.sequence.items.start[i]),
			   sub, (char *)*arr + i * elem_sz);
		if (err)
			return err;
	}
	return 0;
}

static int maps_sections(struct pctx *p, yaml_node_t *v, const char *path,
			 void *c)
{
	struct bc_desc_maps *m = ((struct maps_ctx *)c)->m;

	return parse_seq(p, v, path, (void **)&m->sections, &m->section_cnt,
			 sizeof(*m->sections), parse_match);
}

static int rec_size(struct pctx *p, yaml_node_t *v, const char *path, void *c)
{
	static const char *const names[] = {
		[BC_REC_SECTION_DIV_SYMBOLS] = "section_div_symbols",
		[BC_REC_SYMBOL_SIZE] = "symbol_size",
		[BC_REC_WHOLE_SECTION] = "section",
		NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct maps_ctx *)c)->m->size_rule = i;
	return err;
}

static int rec_symbols(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	static const char *const names[] = {
		[BC_SYMS_ALL] = "all", [BC_SYMS_GLOBAL] = "global", NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct maps_ctx *)c)->m->symbols = i;
	return err;
}

static int rec_min(struct pctx *p, yaml_node_t *v, const char *path, void *c)
{
	struct maps_ctx *mc = c;

	mc->has_min = true;
	return get_u32(p, v, path, &mc->m->min_size);
}

static int rec_max(struct pctx *p, yaml_node_t *v, const char *path, void *c)
{
	struct maps_ctx *mc = c;

	mc->max_node = v;
	return get_u32(p, v, path, &mc->m->max_size);
}

static int rec_zero_extend(struct pctx *p, yaml_node_t *v, const char *path,
			   void *c)
{
	return get_bool(p, v, path, &((struct maps_ctx *)c)->m->zero_extend);
}

static int rec_trailing(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	static const char *const names[] = {
		[BC_TRAIL_ZERO] = "zero", [BC_TRAIL_IGNORE] = "ignore", NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct maps_ctx *)c)->m->trailing = i;
	return err;
}

static int maps_record(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	static const struct key_ops ops[] = {
		{ "size", rec_size },
		{ "symbols", rec_symbols },
		{ "min", rec_min },
		{ "max", rec_max },
		{ "zero_extend", rec_zero_extend },
		{ "trailing", rec_trailing },
	};

	((struct maps_ctx *)c)->rec_node = v;
	return walk_map(p, v, path, ops, ARRAY_SIZE(ops), c);
}

static const char *const name_from_names[] = {
	[BC_NAME_SYMBOL] = "symbol",
	[BC_NAME_SECTION_SUFFIX] = "section_suffix",
	[BC_NAME_SECTION] = "section",
	NULL,
};

static int maps_name(struct pctx *p, yaml_node_t *v, const char *path,
		     void *c)
{
	int i = 0, err = get_enum(p, v, path, name_from_names, &i);

	((struct maps_ctx *)c)->m->name_from = i;
	return err;
}

static const char *const static_names[] = { "accept", "reject", NULL };

static int maps_static(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	int i = 0, err = get_enum(p, v, path, static_names, &i);

	((struct maps_ctx *)c)->m->allow_static = i == 0;
	return err;
}

struct field_ctx {
	struct bc_desc_field *f;
	bool has_offset, has_size;
};

static int field_offset(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	struct field_ctx *fc = c;

	fc->has_offset = true;
	return get_u32(p, v, path, &fc->f->offset);
}

static int field_size(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	struct field_ctx *fc = c;

	fc->has_size = true;
	return get_u32(p, v, path, &fc->f->size);
}

static int field_kind(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	static const char *const names[] = {
		[BC_FIELD_UINT] = "uint", [BC_FIELD_STRING] = "string", NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct field_ctx *)c)->f->kind = i;
	return err;
}

/* Names that fill struct bc_map directly must be numbers. */
static bool field_is_known(const char *name)
{
	static const char *const known[] = {
		"type", "key_size", "value_size", "max_entries", "flags",
		"numa_node", "map_extra", "pinning", "inner_map_idx",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(name, known[i]))
			return true;
	return false;
}

static int parse_field(struct pctx *p, yaml_node_t *key, yaml_node_t *v,
		       const char *path, struct bc_desc_field *f)
{
	static const struct key_ops ops[] = {
		{ "offset", field_offset },
		{ "size", field_size },
		{ "kind", field_kind },
	};
	struct field_ctx fc = { .f = f };
	int err;

	f->name = bc_strdup(scalar(key));
	if (!f->name)
		return -ENOMEM;
	err = walk_map(p, v, path, ops, ARRAY_SIZE(ops), &fc);
	if (err)
		return err;
	if (!fc.has_offset)
		return perr(p, v, "'%s' needs an offset", path);
	if (f->kind == BC_FIELD_STRING) {
		if (field_is_known(f->name))
			return perr(p, v, "'%s': field '%s' must be a uint",
				    path, f->name);
		if (!fc.has_size || !f->size)
			return perr(p, v, "'%s': a string field needs a size",
				    path);
		return 0;
	}
	if (!fc.has_size)
		f->size = 4;
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return perr(p, v, "'%s': uint size %u is not 1, 2, 4 or 8",
			    path, f->size);
	return 0;
}

static int maps_fields(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	struct maps_ctx *mc = c;
	struct bc_desc_maps *m = mc->m;
	char sub[DESC_PATH_LEN];
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t cnt;
	int err;

	err = want(p, v, YAML_MAPPING_NODE, path);
	if (err)
		return err;
	cnt = v->data.mapping.pairs.top - v->data.mapping.pairs.start;
	m->fields = calloc(cnt ?: 1, sizeof(*m->fields));
	mc->field_nodes = calloc(cnt ?: 1, sizeof(*mc->field_nodes));
	if (!m->fields || !mc->field_nodes)
		return -ENOMEM;
	for (pair = v->data.mapping.pairs.start;
	     pair < v->data.mapping.pairs.top; pair++) {
		key = node_at(p, pair->key);
		err = want(p, key, YAML_SCALAR_NODE, "key") ?:
		      check_dup(p, v, pair, path);
		if (err)
			return err;
		join(sub, path, scalar(key));
		mc->field_nodes[m->field_cnt] = key;
		err = parse_field(p, key, node_at(p, pair->value), sub,
				  &m->fields[m->field_cnt++]);
		if (err)
			return err;
	}
	return 0;
}

/* Fields must be disjoint and inside max; the layout ends at the last. */
static int check_layout(struct pctx *p, struct maps_ctx *mc)
{
	struct bc_desc_maps *m = mc->m;
	const struct bc_desc_field *a, *b;
	__u64 end, layout = 0;
	size_t i, j;

	for (i = 0; i < m->field_cnt; i++) {
		a = &m->fields[i];
		end = (__u64)a->offset + a->size;
		if (m->max_size && end > m->max_size)
			return perr(p, mc->field_nodes[i], "field '%s' (bytes %u..%llu) ends past record max %u",
				    a->name, a->offset,
				    (unsigned long long)end - 1, m->max_size);
		for (j = 0; j < i; j++) {
			b = &m->fields[j];
			if (a->offset < (__u64)b->offset + b->size &&
			    b->offset < end)
				return perr(p, mc->field_nodes[i], "field '%s' overlaps field '%s'",
					    a->name, b->name);
		}
		layout = max(layout, end);
	}
	if (layout > UINT32_MAX)
		return perr(p, mc->field_nodes[0], "record layout too large");
	m->layout_size = layout;
	return 0;
}

static int check_record(struct pctx *p, yaml_node_t *maps,
			struct maps_ctx *mc)
{
	struct bc_desc_maps *m = mc->m;
	yaml_node_t *at = mc->rec_node ?: maps;
	int err;

	err = check_layout(p, mc);
	if (err)
		return err;
	if (!mc->has_min)
		m->min_size = m->zero_extend ? 1 : m->layout_size;
	if (!m->zero_extend && m->min_size < m->layout_size)
		return perr(p, at, "'maps.record.min' %u is below the field layout (%u bytes) without zero_extend",
			    m->min_size, m->layout_size);
	if (m->max_size && m->min_size > m->max_size)
		return perr(p, mc->max_node, "'maps.record.max' %u is below min %u",
			    m->max_size, m->min_size);
	if (m->section_cnt && !m->field_cnt)
		return perr(p, maps, "'maps' has sections but no fields");
	return 0;
}

static int top_maps(struct pctx *p, yaml_node_t *v, const char *path,
		    void *c)
{
	static const struct key_ops ops[] = {
		{ "sections", maps_sections },
		{ "record", maps_record },
		{ "name", maps_name },
		{ "static", maps_static },
		{ "fields", maps_fields },
	};
	struct maps_ctx mc = { .m = &p->desc->maps };
	int err;

	mc.m->allow_static = true;
	err = walk_map(p, v, path, ops, ARRAY_SIZE(ops), &mc) ?:
	      check_record(p, v, &mc);
	free(mc.field_nodes);
	return err;
}

/* ---- pinning ------------------------------------------------------------ */

/* Template variables: {bpffs} {name} {sha1} {object} {namespace}
 * {attr:KEY} {param:KEY}. */
static int check_template(struct pctx *p, const yaml_node_t *n,
			  const char *path, const char *s)
{
	static const char *const vars[] = {
		"bpffs", "name", "sha1", "object", "namespace",
	};
	const char *end;
	size_t i, len;

	for (; (s = strchr(s, '{')); s = end + 1) {
		end = strchr(++s, '}');
		if (!end)
			return perr(p, n, "'%s': unterminated '{' in path template",
				    path);
		len = end - s;
		if ((len > 5 && !strncmp(s, "attr:", 5)) ||
		    (len > 6 && !strncmp(s, "param:", 6)))
			continue;
		for (i = 0; i < ARRAY_SIZE(vars); i++)
			if (strlen(vars[i]) == len && !strncmp(s, vars[i], len))
				break;
		if (i == ARRAY_SIZE(vars))
			return perr(p, n, "'%s': unknown template variable '{%.*s}'",
				    path, (int)len, s);
	}
	return 0;
}

static int parse_pin(struct pctx *p, yaml_node_t *v, const char *path,
		     struct bc_desc_pin *pin)
{
	char sub[DESC_PATH_LEN];
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	int err;

	if (v->type == YAML_MAPPING_NODE) {
		/* { error: "message" } */
		pair = v->data.mapping.pairs.start;
		if (v->data.mapping.pairs.top - pair != 1)
			return perr(p, v, "'%s' must be none, hook, a path template or { error: MESSAGE }",
				    path);
		key = node_at(p, pair->key);
		err = want(p, key, YAML_SCALAR_NODE, "key");
		if (err)
			return err;
		if (strcmp(scalar(key), "error"))
			return perr(p, key, "unknown key '%s' in '%s'",
				    scalar(key), path);
		join(sub, path, "error");
		pin->kind = BC_PIN_KIND_ERROR;
		return get_str(p, node_at(p, pair->value), sub, &pin->text);
	}
	err = get_str(p, v, path, &pin->text);
	if (err)
		return err;
	if (!strcmp(pin->text, "none") || !strcmp(pin->text, "hook")) {
		pin->kind = pin->text[0] == 'n' ? BC_PIN_KIND_NONE :
						  BC_PIN_KIND_HOOK;
		free(pin->text);
		pin->text = NULL;
		return 0;
	}
	pin->kind = BC_PIN_KIND_PATH;
	return check_template(p, v, path, pin->text);
}

static int pin_value(struct pctx *p, yaml_node_t *key, __u32 *out)
{
	const struct bc_desc_pinning *pg = &p->desc->pinning;
	__u64 v;
	size_t i;

	if (parse_u64(scalar(key), &v))
		return perr(p, key, "unknown key '%s' in 'pinning' (expected a number or 'other')",
			    scalar(key));
	if (v > UINT32_MAX)
		return perr(p, key, "'pinning': value %s is out of range (max 0xffffffff)",
			    scalar(key));
	for (i = 0; i < pg->value_cnt; i++)
		if (pg->values[i].value == v)
			return perr(p, key, "duplicate key '%s' in 'pinning' (value %llu)",
				    scalar(key), (unsigned long long)v);
	*out = v;
	return 0;
}

static int top_pinning(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	struct bc_desc_pinning *pg = &p->desc->pinning;
	char sub[DESC_PATH_LEN];
	yaml_node_pair_t *pair;
	struct bc_desc_pin *pin;
	yaml_node_t *key;
	size_t cnt;
	int err;

	err = want(p, v, YAML_MAPPING_NODE, path);
	if (err)
		return err;
	cnt = v->data.mapping.pairs.top - v->data.mapping.pairs.start;
	pg->values = calloc(cnt ?: 1, sizeof(*pg->values));
	if (!pg->values)
		return -ENOMEM;
	for (pair = v->data.mapping.pairs.start;
	     pair < v->data.mapping.pairs.top; pair++) {
		key = node_at(p, pair->key);
		err = want(p, key, YAML_SCALAR_NODE, "key") ?:
		      check_dup(p, v, pair, path);
		if (err)
			return err;
		join(sub, path, scalar(key));
		if (!strcmp(scalar(key), "other")) {
			pin = &pg->other;
		} else {
			pin = &pg->values[pg->value_cnt];
			err = pin_value(p, key, &pin->value);
			if (err)
				return err;
			pg->value_cnt++;
		}
		err = parse_pin(p, node_at(p, pair->value), sub, pin);
		if (err)
			return err;
	}
	return 0;
}

/* ---- programs ----------------------------------------------------------- */

struct rule_ctx {
	struct bc_desc_prog_rule *r;
	bool has_type;
	yaml_node_t *node;
};

static int rule_match(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	struct rule_ctx *rc = c;
	const char *key = strrchr(path, '.') + 1;

	return set_match(p, v, path, match_kind(key), &rc->r->match);
}

static int rule_type(struct pctx *p, yaml_node_t *v, const char *path,
		     void *c)
{
	struct rule_ctx *rc = c;

	rc->has_type = true;
	return get_type(p, v, path, prog_type_str, "program type",
			&rc->r->prog_type);
}

static int rule_attach(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	struct bc_desc_prog_rule *r = ((struct rule_ctx *)c)->r;

	r->has_attach_type = true;
	return get_type(p, v, path, attach_type_str, "attach type",
			&r->attach_type);
}

static int rule_flag(struct pctx *p, yaml_node_t *v, const char *path,
		     struct bc_desc_prog_rule *r, __u32 flag)
{
	bool on = false;
	int err = get_bool(p, v, path, &on);

	if (on)
		r->prog_flags |= flag;
	return err;
}

static int rule_sleepable(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	return rule_flag(p, v, path, ((struct rule_ctx *)c)->r,
			 BPF_F_SLEEPABLE);
}

static int rule_xdp_frags(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	return rule_flag(p, v, path, ((struct rule_ctx *)c)->r,
			 BPF_F_XDP_HAS_FRAGS);
}

static int rule_target(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	static const char *const names[] = { "none", "suffix", NULL };
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct rule_ctx *)c)->r->target_suffix = i == 1;
	return err;
}

static int rule_hook(struct pctx *p, yaml_node_t *v, const char *path,
		     void *c)
{
	return get_str(p, v, path, &((struct rule_ctx *)c)->r->hook);
}

static int rule_ignore(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	return get_bool(p, v, path, &((struct rule_ctx *)c)->r->ignore);
}

static int parse_rule(struct pctx *p, yaml_node_t *v, const char *path,
		      void *arg)
{
	struct bc_desc_prog_rule *r = arg;
	static const struct key_ops ops[] = {
		{ "exact", rule_match },
		{ "prefix", rule_match },
		{ "word", rule_match },
		{ "pattern", rule_match },
		{ "glob", rule_match },
		{ "type", rule_type },
		{ "attach", rule_attach },
		{ "sleepable", rule_sleepable },
		{ "xdp_frags", rule_xdp_frags },
		{ "target", rule_target },
		{ "hook", rule_hook },
		{ "ignore", rule_ignore },
	};
	struct rule_ctx rc = { .r = r };
	int err;

	err = walk_map(p, v, path, ops, ARRAY_SIZE(ops), &rc);
	if (err)
		return err;
	if (!r->match.value)
		return perr(p, v, "'%s' needs one of exact, prefix, word, pattern or glob",
			    path);
	if (!rc.has_type && !r->ignore && !r->hook)
		return perr(p, v, "'%s' needs a type (or ignore: true, or a hook)",
			    path);
	return 0;
}

static int progs_sections(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	struct bc_desc_progs *pr = c;

	return parse_seq(p, v, path, (void **)&pr->rules, &pr->rule_cnt,
			 sizeof(*pr->rules), parse_rule);
}

static int progs_split(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	static const char *const names[] = {
		[BC_SPLIT_SYMBOLS] = "symbols",
		[BC_SPLIT_SECTION] = "section",
		NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct bc_desc_progs *)c)->split = i;
	return err;
}

static int progs_name(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	static const char *const names[] = { "symbol", "section", NULL };
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct bc_desc_progs *)c)->name_from = i ? BC_NAME_SECTION :
						     BC_NAME_SYMBOL;
	return err;
}

static int progs_text(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	static const char *const names[] = { "library", "program", NULL };
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct bc_desc_progs *)c)->text_is_library = i == 0;
	return err;
}

static int progs_static(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	int i = 0, err = get_enum(p, v, path, static_names, &i);

	((struct bc_desc_progs *)c)->reject_static = i == 1;
	return err;
}

static int progs_autoload(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	return get_bool(p, v, path,
			&((struct bc_desc_progs *)c)->autoload_prefix);
}

static int progs_unknown(struct pctx *p, yaml_node_t *v, const char *path,
			 void *c)
{
	static const char *const names[] = {
		[BC_UNKNOWN_IGNORE] = "ignore",
		[BC_UNKNOWN_UNSPEC] = "unspec",
		[BC_UNKNOWN_ERROR] = "error",
		NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	((struct bc_desc_progs *)c)->unknown = i;
	return err;
}

static int top_programs(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	static const struct key_ops ops[] = {
		{ "split", progs_split },
		{ "name", progs_name },
		{ "text", progs_text },
		{ "static", progs_static },
		{ "autoload_prefix", progs_autoload },
		{ "unknown", progs_unknown },
		{ "sections", progs_sections },
	};

	return walk_map(p, v, path, ops, ARRAY_SIZE(ops), &p->desc->progs);
}

/* ---- special ------------------------------------------------------------ */

static int special_license(struct pctx *p, yaml_node_t *v, const char *path,
			   void *c)
{
	return get_str(p, v, path, &p->desc->special.license_sec);
}

static int special_version(struct pctx *p, yaml_node_t *v, const char *path,
			   void *c)
{
	return get_str(p, v, path, &p->desc->special.version_sec);
}

static int special_prefix(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	return get_bool(p, v, path, &p->desc->special.prefix_match);
}

static int special_kver(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	static const char *const names[] = {
		[BC_KVER_ZERO] = "zero", [BC_KVER_RUNNING] = "running", NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	p->desc->special.kver_default = i;
	return err;
}

static int special_version_size(struct pctx *p, yaml_node_t *v,
				const char *path, void *c)
{
	static const char *const names[] = {
		[BC_VERSION_EXACT] = "exact", [BC_VERSION_PREFIX] = "prefix",
		NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	p->desc->special.version_size = i;
	return err;
}

static int special_foreign(struct pctx *p, yaml_node_t *v, const char *path,
			   void *c)
{
	static const char *const names[] = {
		[BC_FOREIGN_REFUSE] = "refuse", [BC_FOREIGN_NEEDED] = "needed",
		NULL,
	};
	int i = 0, err = get_enum(p, v, path, names, &i);

	p->desc->special.foreign_endian = i;
	return err;
}

static int special_magic(struct pctx *p, yaml_node_t *v, const char *path,
			 void *c)
{
	p->desc->special.has_kver_magic = true;
	return get_u32(p, v, path, &p->desc->special.kver_magic);
}

static int special_global(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	return get_bool(p, v, path, &p->desc->special.global_data);
}

static int special_referenced(struct pctx *p, yaml_node_t *v,
			      const char *path, void *c)
{
	return get_bool(p, v, path,
			&p->desc->special.global_data_referenced_only);
}

static int special_kconfig(struct pctx *p, yaml_node_t *v, const char *path,
			   void *c)
{
	return get_bool(p, v, path, &p->desc->special.kconfig);
}

static int special_ksym(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	return get_bool(p, v, path, &p->desc->special.ksym);
}

static int top_special(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	static const struct key_ops ops[] = {
		{ "license", special_license },
		{ "version", special_version },
		{ "version_size", special_version_size },
		{ "prefix_match", special_prefix },
		{ "kernel_version", special_kver },
		{ "kernel_version_magic", special_magic },
		{ "global_data", special_global },
		{ "global_data_referenced_only", special_referenced },
		{ "foreign_endian", special_foreign },
		{ "kconfig", special_kconfig },
		{ "ksym", special_ksym },
	};

	return walk_map(p, v, path, ops, ARRAY_SIZE(ops), NULL);
}

/* ---- detect ------------------------------------------------------------- */

struct detect_ctx {
	struct bc_desc_detect *d;
	int kinds;
	bool has_score;
};

static int detect_kind(struct pctx *p, yaml_node_t *v, const char *path,
		       struct detect_ctx *dc)
{
	if (dc->kinds++)
		return perr(p, v, "'%s': a detect rule takes only one of section, no_section, record_size or btf",
			    path);
	return 0;
}

static int detect_section(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	struct detect_ctx *dc = c;
	int err = detect_kind(p, v, path, dc);

	if (err)
		return err;
	dc->d->kind = strstr(path, ".no_section") ? BC_DETECT_NO_SECTION :
						    BC_DETECT_SECTION;
	return parse_match(p, v, path, &dc->d->match);
}

static int detect_record(struct pctx *p, yaml_node_t *v, const char *path,
			 void *c)
{
	struct detect_ctx *dc = c;
	int err = detect_kind(p, v, path, dc);

	if (err)
		return err;
	dc->d->kind = BC_DETECT_RECORD_SIZE;
	return get_u32(p, v, path, &dc->d->size);
}

static int detect_btf(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	struct detect_ctx *dc = c;
	bool on = false;
	int err = detect_kind(p, v, path, dc);

	if (err)
		return err;
	dc->d->kind = BC_DETECT_BTF;
	err = get_bool(p, v, path, &on);
	if (!err && !on)
		return perr(p, v, "'%s' can only be true", path);
	return err;
}

static int detect_score(struct pctx *p, yaml_node_t *v, const char *path,
			void *c)
{
	struct detect_ctx *dc = c;

	dc->has_score = true;
	return get_score(p, v, path, &dc->d->score);
}

static int parse_detect(struct pctx *p, yaml_node_t *v, const char *path,
			void *arg)
{
	struct bc_desc_detect *d = arg;
	static const struct key_ops ops[] = {
		{ "section", detect_section },
		{ "no_section", detect_section },
		{ "record_size", detect_record },
		{ "btf", detect_btf },
		{ "score", detect_score },
	};
	struct detect_ctx dc = { .d = d };
	int err;

	err = walk_map(p, v, path, ops, ARRAY_SIZE(ops), &dc);
	if (err)
		return err;
	if (!dc.kinds)
		return perr(p, v, "'%s' needs one of section, no_section, record_size or btf",
			    path);
	if (!dc.has_score)
		return perr(p, v, "'%s' needs a score", path);
	return 0;
}

static int top_detect(struct pctx *p, yaml_node_t *v, const char *path,
		      void *c)
{
	struct bc_desc *desc = p->desc;

	return parse_seq(p, v, path, (void **)&desc->detect,
			 &desc->detect_cnt, sizeof(*desc->detect),
			 parse_detect);
}

/* ---- check ---------------------------------------------------------------- */

static const char *const severity_names[] = { "off", "warning", "error", NULL };

static int check_severity(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	struct bc_desc_check *dc = c;
	int i, err;

	err = get_enum(p, v, path, severity_names, &i);
	if (err)
		return err;
	/* off = -1, warning = BC_SEV_WARNING, error = BC_SEV_ERROR */
	dc->severity = i ? i : -1;
	return 0;
}

static int check_predicts(struct pctx *p, yaml_node_t *v, const char *path,
			  void *c)
{
	struct bc_desc_check *dc = c;

	return get_str(p, v, path, &dc->predicts);
}

static int check_rule_id(struct pctx *p, yaml_node_t *key)
{
	const char *s = scalar(key);

	if (!*s)
		return perr(p, key, "'check': empty rule id");
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *s))
			return perr(p, key, "'check': rule id '%s' must match [a-z0-9-]+",
				    scalar(key));
	return 0;
}

/* "rule: error" or "rule: { severity: error, predicts: text }" */
static int parse_check(struct pctx *p, yaml_node_t *key, yaml_node_t *v,
		       struct bc_desc_check *dc)
{
	static const struct key_ops ops[] = {
		{ "severity", check_severity },
		{ "predicts", check_predicts },
	};
	char path[DESC_PATH_LEN];
	int err;

	err = check_rule_id(p, key);
	if (err)
		return err;
	dc->rule = bc_strdup(scalar(key));
	if (!dc->rule)
		return -ENOMEM;
	dc->severity = BC_SEV_ERROR;
	join(path, "check", scalar(key));
	if (v->type == YAML_SCALAR_NODE)
		return check_severity(p, v, path, dc);
	err = walk_map(p, v, path, ops, ARRAY_SIZE(ops), dc);
	if (err)
		return err;
	if (!dc->predicts)
		return perr(p, v, "'%s' needs 'predicts' (what the loader does)",
			    path);
	return 0;
}

static int top_check(struct pctx *p, yaml_node_t *v, const char *path,
		     void *c)
{
	struct bc_desc *desc = p->desc;
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t cnt;
	int err;

	err = want(p, v, YAML_MAPPING_NODE, path);
	if (err)
		return err;
	cnt = v->data.mapping.pairs.top - v->data.mapping.pairs.start;
	desc->checks = calloc(cnt ?: 1, sizeof(*desc->checks));
	if (!desc->checks)
		return -ENOMEM;
	for (pair = v->data.mapping.pairs.start;
	     pair < v->data.mapping.pairs.top; pair++) {
		key = node_at(p, pair->key);
		err = want(p, key, YAML_SCALAR_NODE, "key");
		err = err ?: check_dup(p, v, pair, path);
		if (err)
			return err;
		err = parse_check(p, key, node_at(p, pair->value),
				  &desc->checks[desc->check_cnt++]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- top level ---------------------------------------------------------- */

static int top_name(struct pctx *p, yaml_node_t *v, const char *path,
		    void *c)
{
	int err = get_str(p, v, path, &p->desc->name);
	const char *s;

	if (err)
		return err;
	for (s = p->desc->name; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *s))
			return perr(p, v, "'name': '%s' must match [a-z0-9-]+",
				    p->desc->name);
	return 0;
}

static int top_summary(struct pctx *p, yaml_node_t *v, const char *path,
		       void *c)
{
	return get_str(p, v, path, &p->desc->summary);
}

static int top_hooks(struct pctx *p, yaml_node_t *v, const char *path,
		     void *c)
{
	return get_str(p, v, path, &p->desc->hooks);
}

static int top_predecessor(struct pctx *p, yaml_node_t *v,
			   const char *path, void *c)
{
	return get_str(p, v, path, &p->desc->predecessor);
}

/* Hook references need a hook table to go to. */
static int check_hooks(struct pctx *p, yaml_node_t *root)
{
	const struct bc_desc *d = p->desc;
	size_t i;

	if (d->hooks)
		return 0;
	for (i = 0; i < d->progs.rule_cnt; i++)
		if (d->progs.rules[i].hook)
			return perr(p, root, "program rule '%s' names hook '%s' but the descriptor has no 'hooks' table",
				    d->progs.rules[i].match.value,
				    d->progs.rules[i].hook);
	for (i = 0; i <= d->pinning.value_cnt; i++) {
		const struct bc_desc_pin *pin = i < d->pinning.value_cnt ?
			&d->pinning.values[i] : &d->pinning.other;

		if (pin->kind == BC_PIN_KIND_HOOK)
			return perr(p, root, "pinning uses 'hook' but the descriptor has no 'hooks' table");
	}
	return 0;
}

static int parse_root(struct pctx *p, yaml_node_t *root)
{
	static const struct key_ops ops[] = {
		{ "name", top_name },
		{ "summary", top_summary },
		{ "hooks", top_hooks },
		{ "maps", top_maps },
		{ "pinning", top_pinning },
		{ "programs", top_programs },
		{ "special", top_special },
		{ "detect", top_detect },
		{ "check", top_check },
		{ "predecessor", top_predecessor },
	};
	int err;

	p->desc->maps.allow_static = true;
	p->desc->maps.min_size = 1;
	p->desc->progs.text_is_library = true;
	err = walk_map(p, root, "", ops, ARRAY_SIZE(ops), NULL);
	if (err)
		return err;
	if (!p->desc->name)
		return perr(p, root, "missing required key 'name'");
	return check_hooks(p, root);
}

static int yaml_fail(const char *origin, const yaml_parser_t *parser)
{
	const yaml_mark_t *m = &parser->problem_mark;

	if (parser->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	pr_warn("%s:%zu:%zu: %s%s%s\n", origin, m->line + 1, m->column + 1,
		parser->problem ?: "YAML error",
		parser->context ? " " : "", parser->context ?: "");
	return -BC_ERRNO__DESC;
}

int bc_desc_parse(const char *text, size_t len, const char *origin,
		  struct bc_desc **out)
{
	struct pctx p = { .origin = origin ?: "descriptor" };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return bc_err(-ENOMEM);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = yaml_fail(p.origin, &parser);
		yaml_parser_delete(&parser);
		return bc_err(err);
	}
	yaml_parser_delete(&parser);

	p.doc = &doc;
	p.desc = calloc(1, sizeof(*p.desc));
	if (!p.desc) {
		err = -ENOMEM;
		goto out;
	}
	p.desc->origin = bc_strdup(p.origin);
	if (!p.desc->origin) {
		err = -ENOMEM;
		goto out;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		pr_warn("%s:1:1: empty descriptor\n", p.origin);
		err = -BC_ERRNO__DESC;
		goto out;
	}
	err = parse_root(&p, root);
out:
	yaml_document_delete(&doc);
	if (err) {
		bc_desc_free(p.desc);
		return bc_err(err);
	}
	*out = p.desc;
	return 0;
}

int bc_desc_parse_file(const char *path, struct bc_desc **out)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd, err;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > DESC_MAX_FILE) {
		err = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto fail;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto fail;
	}
	n = read(fd, buf, st.st_size);
	if (n != st.st_size) {
		err = n < 0 ? -errno : -EIO;
		goto fail;
	}
	close(fd);
	buf[n] = '\0';
	err = bc_desc_parse(buf, n, path, out);
	free(buf);
	return err;
fail:
	pr_warn("desc: %s: cannot read: %s\n", path, strerror(-err));
	if (fd >= 0)
		close(fd);
	free(buf);
	return bc_err(err);
}

static void free_match(struct bc_desc_match *m)
{
	free(m->value);
}

void bc_desc_free(struct bc_desc *desc)
{
	size_t i;

	if (!desc)
		return;
	for (i = 0; i < desc->maps.section_cnt; i++)
		free_match(&desc->maps.sections[i]);
	free(desc->maps.sections);
	for (i = 0; i < desc->maps.field_cnt; i++)
		free(desc->maps.fields[i].name);
	free(desc->maps.fields);
	for (i = 0; i < desc->pinning.value_cnt; i++)
		free(desc->pinning.values[i].text);
	free(desc->pinning.values);
	free(desc->pinning.other.text);
	for (i = 0; i < desc->progs.rule_cnt; i++) {
		free_match(&desc->progs.rules[i].match);
		free(desc->progs.rules[i].hook);
	}
	free(desc->progs.rules);
	free(desc->special.license_sec);
	free(desc->special.version_sec);
	for (i = 0; i < desc->detect_cnt; i++)
		free_match(&desc->detect[i].match);
	free(desc->detect);
	for (i = 0; i < desc->check_cnt; i++) {
		free(desc->checks[i].rule);
		free(desc->checks[i].predicts);
	}
	free(desc->checks);
	free(desc->name);
	free(desc->summary);
	free(desc->origin);
	free(desc->hooks);
	free(desc->predecessor);
	free(desc);
}

/* ---- matching ----------------------------------------------------------- */

/* C integer syntax as strtol(.., 0) reads it, without sign or spaces. */
static const char *skip_int(const char *s)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    isxdigit((unsigned char)s[2])) {
		for (s += 2; isxdigit((unsigned char)*s); s++)
			;
		return s;
	}
	if (*s == '0') {
		for (s++; *s >= '0' && *s <= '7'; s++)
			;
		return s;
	}
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

/*
 * "%i" is an integer, "%s" a non-empty run up to the first occurrence of
 * the literal that follows it (or to the end), "%%" a '%'; anything else
 * matches itself. No backtracking: linear in the name.
 */
static bool match_pattern(const char *pat, const char *s)
{
	const char *end;

	while (*pat) {
		if (pat[0] != '%' || pat[1] == '%') {
			if (*s++ != *pat)
				return false;
			pat += pat[0] == '%' ? 2 : 1;
			continue;
		}
		if (pat[1] == 'i') {
			s = skip_int(s);
			if (!s)
				return false;
		} else {
			if (!*s)
				return false;
			/* the literal after %s; "%%" stands for '%' */
			end = pat[2] ? strchr(s + 1, pat[2]) : s + strlen(s);
			if (!end)
				return false;
			s = end;
		}
		pat += 2;
	}
	return !*s;
}

/*
 * Whether the first byte of a match is literal: detection and collection
 * try every rule on every section name, and most fail on that byte.
 */
static bool match_head_literal(const struct bc_desc_match *m)
{
	char c = m->value[0];

	if (!c)
		return false;
	if (m->kind == BC_MATCH_PATTERN)
		return c != '%';
	if (m->kind == BC_MATCH_GLOB)
		return !strchr("*?[\\", c);
	return true;
}

bool bc_desc_match(const struct bc_desc_match *m, const char *name,
		   const char **rest)
{
	const char *r = "";
	size_t len;
	bool ok;

	if (m->value[0] != name[0] && match_head_literal(m))
		return false;
	len = strlen(m->value);
	switch (m->kind) {
	case BC_MATCH_EXACT:
		ok = !strcmp(name, m->value);
		break;
	case BC_MATCH_PREFIX:
		ok = !strncmp(name, m->value, len);
		if (ok)
			r = name + len;
		break;
	case BC_MATCH_WORD:
		/* name[len] is only read once the prefix matched */
		ok = !strncmp(name, m->value, len) &&
		     (!name[len] || name[len] == '/');
		if (ok)
			r = name[len] ? name + len + 1 : name + len;
		break;
	case BC_MATCH_PATTERN:
		ok = match_pattern(m->value, name);
		r = name;
		break;
	case BC_MATCH_GLOB:
		ok = !fnmatch(m->value, name, 0);
		r = name;
		break;
	default:
		ok = false;
	}
	if (ok && rest)
		*rest = r;
	return ok;
}

/*
 * A glob's leading bracket expression as a byte set, when it is a plain
 * list ("[abc]", "[!.]"); ranges, classes and escapes give up (NULL).
 * Returns the byte after the closing ']'.
 */
static const char *glob_head_set(const char *p, __u64 set[4])
{
	bool neg = false;
	size_t i;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	if (*p == ']') {	/* a leading ']' is a member */
		set[']' / 64] |= 1ULL << (']' % 64);
		p++;
	}
	for (; *p && *p != ']'; p++) {
		if (*p == '-' || *p == '[' || *p == '\\')
			return NULL;
		set[(__u8)*p / 64] |= 1ULL << ((__u8)*p % 64);
	}
	if (*p != ']')
		return NULL;	/* no closing ']': '[' is a literal */
	if (neg)
		for (i = 0; i < 4; i++)
			set[i] = ~set[i];
	set[0] &= ~1ULL;	/* names are never empty */
	return p + 1;
}

void bc_desc_match_heads(const struct bc_desc_match *m, __u64 set[4])
{
	memset(set, 0, 4 * sizeof(*set));
	if (match_head_literal(m)) {
		set[(__u8)m->value[0] / 64] = 1ULL << ((__u8)m->value[0] % 64);
		return;
	}
	if (m->kind == BC_MATCH_GLOB && m->value[0] == '[' &&
	    glob_head_set(m->value + 1, set))
		return;
	if (m->kind == BC_MATCH_PATTERN && !strncmp(m->value, "%i", 2)) {
		set['0' / 64] = 0x3ffULL << ('0' % 64);	/* a digit */
		return;
	}
	memset(set, 0xff, 4 * sizeof(*set));
}

/* The only byte in set, or -1. */
static int head_single(const __u64 set[4])
{
	int i, b = -1;

	for (i = 0; i < 4; i++) {
		if (!set[i])
			continue;
		if (b >= 0 || (set[i] & (set[i] - 1)))
			return -1;
		b = i * 64 + __builtin_ctzll(set[i]);
	}
	return b;
}

/*
 * A byte every name matching glob g contains: the first plain ASCII
 * literal after the head, which no wildcard can stand for (fnmatch flags
 * 0: '/' and '.' are plain). -1 when brackets or escapes make that
 * unclear.
 */
static int glob_need(const char *g)
{
	__u64 set[4] = {};
	const char *p;

	if (g[0] == '[')
		p = glob_head_set(g + 1, set);
	else
		p = g[0] == '\\' ? NULL : g + (g[0] != '*' && g[0] != '?');
	for (; p && *p; p++) {
		if (*p == '*' || *p == '?')
			continue;
		if (*p == '[' || *p == '\\' || (__u8)*p >= 0x80)
			return -1;
		return (__u8)*p;
	}
	return -1;
}

void bc_desc_probe_init(struct bc_desc_probe *p, const struct bc_desc_match *m)
{
	const char *v = m->value;

	memset(p, 0, sizeof(*p));
	p->m = m;
	p->len = strlen(v);
	bc_desc_match_heads(m, p->heads);
	p->b0 = head_single(p->heads);
	p->b1 = -1;
	p->need = -1;
	switch (m->kind) {
	case BC_MATCH_EXACT:
		p->b1 = (__u8)v[1];	/* value is never empty */
		break;
	case BC_MATCH_PREFIX:
	case BC_MATCH_WORD:
		if (p->len >= 2)
			p->b1 = (__u8)v[1];
		break;
	case BC_MATCH_GLOB:
		p->need = glob_need(v);
		break;
	default:
		break;
	}
}

bool bc_desc_probe_match_wild(const struct bc_desc_probe *p, const char *name)
{
	const struct bc_desc_match *m = p->m;

	switch (m->kind) {
	case BC_MATCH_PATTERN:
		return match_pattern(m->value, name);
	case BC_MATCH_GLOB:
		return !fnmatch(m->value, name, 0);
	default:
		return false;
	}
}

const struct bc_desc_prog_rule *bc_desc_find_rule(const struct bc_desc *desc,
						  const char *sec_name,
						  const char **rest)
{
	size_t i;

	for (i = 0; i < desc->progs.rule_cnt; i++)
		if (bc_desc_match(&desc->progs.rules[i].match, sec_name, rest))
			return &desc->progs.rules[i];
	return NULL;
}

const struct bc_desc_pin *bc_desc_pin_for(const struct bc_desc *desc,
					  __u32 value)
{
	size_t i;

	for (i = 0; i < desc->pinning.value_cnt; i++)
		if (desc->pinning.values[i].value == value)
			return &desc->pinning.values[i];
	return &desc->pinning.other;	/* zeroed: BC_PIN_KIND_NONE */
}

const struct bc_desc_field *bc_desc_field(const struct bc_desc *desc,
					  const char *name)
{
	size_t i;

	for (i = 0; i < desc->maps.field_cnt; i++)
		if (!strcmp(desc->maps.fields[i].name, name))
			return &desc->maps.fields[i];
	return NULL;
}
