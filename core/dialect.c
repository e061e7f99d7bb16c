// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The dialect registry and detection. Builtin descriptors are parsed on
 * first use; user descriptors are appended by bc_dialect__register_file().
 * Detection scores every dialect's fingerprint (descriptor rules plus the
 * optional detect hook) against one object and ranks them.
 */
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "dialect.h"

#define DETECT_MAX_FILE	(1ULL << 30)	/* refuse absurd inputs early */

/*
 * The list only grows and is published with release stores, so readers
 * walk it without the lock; writers serialise on reg_lock.
 */
static struct bc_dialect *reg_head;
static struct bc_dialect *reg_tail;
static size_t reg_cnt;		/* published after the entry it counts */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static int reg_init_err;

struct bc_detection_entry {
	const struct bc_dialect *dialect;
	struct bc_evidence ev;
	size_t order;			/* registry position, breaks ties */
};

struct bc_detection {
	size_t cnt, cap;
	struct bc_detection_entry entries[];
};

/* ---- evidence ----------------------------------------------------------- */

int bc_evidence_add(struct bc_evidence *ev, int score, const char *fmt, ...)
{
	char **lines, *msg, *line;
	va_list ap;
	int ret;

	if (ev->score_only) {
		ev->score += score;
		return 0;
	}
	va_start(ap, fmt);
	ret = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	line = score ? bc_asprintf("%s (%+d)", msg, score) : msg;
	if (line != msg)
		free(msg);
	if (!line)
		return -ENOMEM;
	lines = bc_grow(ev->lines, &ev->cap, ev->cnt + 1, sizeof(*lines));
	if (!lines) {
		free(line);
		return -ENOMEM;
	}
	ev->lines = lines;
	ev->lines[ev->cnt++] = line;
	ev->score += score;
	return 0;
}

void bc_evidence_free(struct bc_evidence *ev)
{
	size_t i;

	if (!ev)
		return;
	for (i = 0; i < ev->cnt; i++)
		free(ev->lines[i]);
	free(ev->lines);
	memset(ev, 0, sizeof(*ev));
}

/* ---- section index ----------------------------------------------------- */

/*
 * Sections hashed on the first two bytes of their name, chained in file
 * order: a rule with two literal leading bytes walks one short chain,
 * any other rule every section. Built once per detection, on the stack
 * unless the object has many sections.
 */
#define SEC_BUCKETS	64		/* one bit each in sec_index.used */
#define SEC_STACK	128
#define REC_CACHE	4
#define MEMO_MAX	32		/* the builtins have 22 distinct matches */

/* Map symbols of one section, under both maps.record.symbols filters. */
struct rec_count {
	size_t sec;
	size_t cnt[2];		/* [0] BC_SYMS_ALL, [1] BC_SYMS_GLOBAL */
	__u64 size[2];		/* st_size of the first one */
	bool uniform[2];	/* every one has that st_size */
};

struct sec_index {
	const struct bc_elf *elf;
	__u64 used;			/* buckets with a section */
	size_t head[SEC_BUCKETS];	/* first section of a bucket, 0: none */
	size_t *next;			/* next section in the same bucket */
	/* Names not starting with '.' (not ELF's own .text, .rel*, .debug*,
	 * .BTF...), last first: all a rule that cannot match '.' tries. */
	size_t *odd;
	size_t odd_cnt;
	size_t buf[2 * SEC_STACK];
	/* record-size rules of several dialects count the same section */
	struct rec_count rec[REC_CACHE];
	size_t rec_cnt;
	/* first section matching each interned match, SIZE_MAX: not known */
	size_t memo[MEMO_MAX];
};

static unsigned int sec_bucket(__u8 b0, __u8 b1)
{
	return (b0 ^ b1 << 1) % SEC_BUCKETS;
}

static int sec_index_init(struct sec_index *ix, const struct bc_elf *elf)
{
	const char *n;
	unsigned int b;
	size_t i;

	ix->elf = elf;
	ix->rec_cnt = 0;
	ix->used = 0;
	memset(ix->head, 0, sizeof(ix->head));
	ix->odd_cnt = 0;
	memset(ix->memo, 0xff, sizeof(ix->memo));
	ix->next = ix->buf;
	if (elf->sec_cnt > SEC_STACK) {
		ix->next = calloc(elf->sec_cnt, 2 * sizeof(*ix->next));
		if (!ix->next)
			return -ENOMEM;
	}
	ix->odd = ix->next == ix->buf ? ix->buf + SEC_STACK :
					 ix->next + elf->sec_cnt;
	/* backwards, so that each chain comes out in file order */
	for (i = elf->sec_cnt; i-- > 1;) {
		n = elf->secs[i].name;
		b = sec_bucket(n[0], n[0] ? n[1] : 0);
		ix->next[i] = ix->head[b];
		ix->head[b] = i;
		ix->used |= 1ULL << b;
		if (n[0] != '.')
			ix->odd[ix->odd_cnt++] = i;
	}
	return 0;
}

static bool head_in(const __u64 set[4], __u8 b)
{
	return set[b / 64] & (1ULL << (b % 64));
}

static void sec_index_free(struct sec_index *ix)
{
	if (ix->next != ix->buf)
		free(ix->next);
	ix->next = NULL;
}

/* ---- detection plan ----------------------------------------------------- */

static const struct bc_desc_match btf_match = {
	.kind = BC_MATCH_EXACT,
	.value = ".BTF",
};

/* A match to look up in the section index. */
struct plan_rule {
	struct bc_desc_probe probe;
	__u64 bit;		/* its bucket in sec_index.used, 0: any */
	/* bit, for a rule that adds nothing when no section matches */
	__u64 skip_bit;
	unsigned int id;	/* shared by equal matches; MEMO_MAX: none */
};

/* Detection data worked out from a descriptor once, at registration. */
struct dialect_plan {
	struct plan_rule *rules;	/* by detect rule; unused for sizes */
	struct plan_rule *maps;		/* by maps.sections entry */
};

struct dialect_ent {
	struct bc_dialect d;
	struct dialect_plan plan;
};

static void rule_init(struct plan_rule *pr, const struct bc_desc_match *m)
{
	const struct bc_desc_probe *p = &pr->probe;

	bc_desc_probe_init(&pr->probe, m);
	if (p->b0 >= 0 && p->b1 >= 0)
		pr->bit = 1ULL << sec_bucket(p->b0, p->b1);
	pr->id = MEMO_MAX;
}

static int plan_init(struct dialect_plan *pl, const struct bc_desc *desc)
{
	const struct bc_desc_detect *r;
	size_t i;

	pl->rules = calloc(desc->detect_cnt + desc->maps.section_cnt ?: 1,
			   sizeof(*pl->rules));
	if (!pl->rules)
		return -ENOMEM;
	pl->maps = pl->rules + desc->detect_cnt;
	for (i = 0; i < desc->detect_cnt; i++) {
		r = &desc->detect[i];
		if (r->kind == BC_DETECT_BTF)
			rule_init(&pl->rules[i], &btf_match);
		else if (r->kind != BC_DETECT_RECORD_SIZE)
			rule_init(&pl->rules[i], &r->match);
		if (r->kind == BC_DETECT_SECTION || r->kind == BC_DETECT_BTF)
			pl->rules[i].skip_bit = pl->rules[i].bit;
	}
	for (i = 0; i < desc->maps.section_cnt; i++)
		rule_init(&pl->maps[i], &desc->maps.sections[i]);
	return 0;
}

/*
 * Matches of registered dialects, one per id: most dialects test "maps"
 * and ".maps", which one detection then looks up once. Under reg_lock.
 */
static const struct bc_desc_match *intern_tab[MEMO_MAX];
static unsigned int intern_cnt;

static void rule_intern(struct plan_rule *pr)
{
	const struct bc_desc_match *m = pr->probe.m, *o;
	unsigned int i;

	if (!m)
		return;		/* a record-size rule */
	for (i = 0; i < intern_cnt; i++) {
		o = intern_tab[i];
		if (o->kind == m->kind && !strcmp(o->value, m->value)) {
			pr->id = i;
			return;
		}
	}
	if (intern_cnt < MEMO_MAX) {
		intern_tab[intern_cnt] = m;
		pr->id = intern_cnt++;
	}
}

/* Cannot fail: the plan is complete, the dialect about to be published. */
static void plan_intern(struct dialect_plan *pl, const struct bc_desc *desc)
{
	size_t i;

	for (i = 0; i < desc->detect_cnt + desc->maps.section_cnt; i++)
		rule_intern(&pl->rules[i]);
}

static void plan_map_heads(struct bc_dialect *d, const struct dialect_plan *pl)
{
	__u64 may[4] = {};
	size_t i, j;

	for (i = 0; i < d->desc->maps.section_cnt; i++)
		for (j = 0; j < 4; j++)
			may[j] |= pl->maps[i].probe.heads[j];
	for (j = 0; j < 4; j++)
		d->map_sec_not[j] = ~may[j];
}

static void plan_free(struct dialect_plan *pl)
{
	free(pl->rules);
	pl->rules = pl->maps = NULL;
}

/* Only for dialects of the registry. */
static const struct dialect_plan *plan_of(const struct bc_dialect *d)
{
	const char *ent = (const char *)d - offsetof(struct dialect_ent, d);

	return &((const struct dialect_ent *)ent)->plan;
}

/* ---- registry ----------------------------------------------------------- */

static int bind_ops(struct bc_dialect *d)
{
	const struct bc_dialect_ops *ops;
	size_t i;

	if (!d->desc->hooks)
		return 0;
	for (i = 0; i < bc_builtin_ops_cnt; i++) {
		ops = bc_builtin_ops[i];
		if (ops && ops->name && !strcmp(ops->name, d->desc->hooks)) {
			d->ops = ops;
			return 0;
		}
	}
	pr_warn("dialect '%s' (%s): unknown hook table '%s'\n",
		d->desc->name, d->desc->origin, d->desc->hooks);
	return -BC_ERRNO__DESC;
}

static const struct bc_dialect *find_locked(const char *name)
{
	const struct bc_dialect *d;

	for (d = reg_head; d; d = d->next)
		if (!strcmp(d->desc->name, name))
			return d;
	return NULL;
}

/* Takes ownership of desc. */
static int registry_add(struct bc_desc *desc)
{
	const struct bc_dialect *old;
	struct dialect_ent *ent;
	struct bc_dialect *d;
	int err;

	ent = calloc(1, sizeof(*ent));
	if (!ent) {
		bc_desc_free(desc);
		return -ENOMEM;
	}
	d = &ent->d;
	d->desc = desc;
	err = bind_ops(d) ?: plan_init(&ent->plan, desc);
	if (err)
		goto err_free;

	pthread_mutex_lock(&reg_lock);
	old = find_locked(desc->name);
	if (old) {
		pthread_mutex_unlock(&reg_lock);
		pr_warn("dialect '%s' (%s): name already used by %s\n",
			desc->name, desc->origin, old->desc->origin);
		err = -EEXIST;
		goto err_free;
	}
	plan_intern(&ent->plan, desc);
	plan_map_heads(d, &ent->plan);
	d->plan = &ent->plan;
	if (reg_tail)
		__atomic_store_n(&reg_tail->next, d, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&reg_head, d, __ATOMIC_RELEASE);
	reg_tail = d;
	__atomic_store_n(&reg_cnt, reg_cnt + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&reg_lock);
	return 0;

err_free:
	plan_free(&ent->plan);
	bc_desc_free(desc);
	free(ent);
	return err;
}

/* Parse messages name the file; the API reports builtins as "builtin". */
static int set_builtin_origin(struct bc_desc *desc)
{
	char *origin = bc_strdup("builtin");

	if (!origin) {
		bc_desc_free(desc);
		return -ENOMEM;
	}
	free(desc->origin);
	desc->origin = origin;
	return 0;
}

/*
 * A broken builtin is a build defect: it is reported and left out, the
 * others stay usable, and bc_dialects_init() returns the first error.
 */
static void register_builtins(void)
{
	const struct bc_builtin_desc *b;
	struct bc_desc *desc;
	char origin[256];
	size_t i;
	int err;

	for (i = 0; i < bc_builtin_desc_cnt; i++) {
		b = &bc_builtin_descs[i];
		snprintf(origin, sizeof(origin), "builtin:%s.yaml", b->name);
		err = bc_desc_parse(b->yaml, b->len, origin, &desc) ?:
		      set_builtin_origin(desc) ?:
		      registry_add(desc);
		if (err && !reg_init_err)
			reg_init_err = err;
	}
}

int bc_dialects_init(void)
{
	pthread_once(&reg_once, register_builtins);
	return reg_init_err;
}

const struct bc_dialect *bc_dialect_first(void)
{
	bc_dialects_init();
	return __atomic_load_n(&reg_head, __ATOMIC_ACQUIRE);
}

const struct bc_dialect *bc_dialect__next(const struct bc_dialect *prev)
{
	if (!prev)
		return bc_dialect_first();
	return __atomic_load_n(&prev->next, __ATOMIC_ACQUIRE);
}

const struct bc_dialect *bc_dialect__find(const char *name)
{
	const struct bc_dialect *d;

	if (!name)
		return bc_err_ptr(-EINVAL);
	for (d = bc_dialect_first(); d; d = bc_dialect__next(d))
		if (!strcmp(d->desc->name, name))
			return d;
	return bc_err_ptr(-ENOENT);
}

const char *bc_dialect__name(const struct bc_dialect *d)
{
	return d->desc->name;
}

const char *bc_dialect__summary(const struct bc_dialect *d)
{
	return d->desc->summary ?: "";
}

const char *bc_dialect__origin(const struct bc_dialect *d)
{
	return d->desc->origin;
}

int bc_dialect__register_file(const char *path)
{
	struct bc_desc *desc;
	int err;

	if (!path)
		return bc_err(-EINVAL);
	bc_dialects_init();
	err = bc_desc_parse_file(path, &desc);
	if (err)
		return bc_err(err);
	return bc_err(registry_add(desc));
}

/* ---- scoring ------------------------------------------------------------ */

static const char *const match_kind_names[] = {
	[BC_MATCH_EXACT] = "exact",
	[BC_MATCH_PREFIX] = "prefix",
	[BC_MATCH_WORD] = "word",
	[BC_MATCH_PATTERN] = "pattern",
	[BC_MATCH_GLOB] = "glob",
};

/*
 * The first section after i (0: from the start), in file order, that pr
 * matches; 0 if none. The byte tests here only spare a call: the match
 * decides.
 */
static size_t sec_next(const struct sec_index *ix,
		       const struct plan_rule *pr, size_t i)
{
	const struct bc_desc_probe *p = &pr->probe;
	const struct bc_elf *elf = ix->elf;
	const char *n;
	size_t j;

	if (pr->bit) {
		if (!(ix->used & pr->bit))
			return 0;
		/* i, if any, came from this chain */
		i = i ? ix->next[i] : ix->head[sec_bucket(p->b0, p->b1)];
		for (; i; i = ix->next[i]) {
			n = elf->secs[i].name;
			/* b0 is never 0: n[1] exists when n[0] == b0 */
			if ((__u8)n[0] == p->b0 && (__u8)n[1] == p->b1 &&
			    bc_desc_probe_match(p, n))
				return i;
		}
		return 0;
	}
	if (!i && !head_in(p->heads, '.')) {
		for (j = ix->odd_cnt; j; j--) {
			n = elf->secs[ix->odd[j - 1]].name;
			if (head_in(p->heads, n[0]) &&
			    bc_desc_probe_match(p, n))
				return ix->odd[j - 1];
		}
		return 0;
	}
	for (i++; i < elf->sec_cnt; i++) {
		n = elf->secs[i].name;
		if (head_in(p->heads, n[0]) && bc_desc_probe_match(p, n))
			return i;
	}
	return 0;
}

/* The first section pr matches; 0 if none. Most rules stop at the bit. */
static inline size_t sec_find(struct sec_index *ix,
			      const struct plan_rule *pr)
{
	if (pr->bit && !(ix->used & pr->bit))
		return 0;
	if (pr->id >= MEMO_MAX)
		return sec_next(ix, pr, 0);
	if (ix->memo[pr->id] == SIZE_MAX)
		ix->memo[pr->id] = sec_next(ix, pr, 0);
	return ix->memo[pr->id];
}

/* Evidence of a section rule whose first match is section i (0: none). */
static int score_section(const struct bc_desc_detect *r,
			 const struct bc_elf *elf, size_t i,
			 struct bc_evidence *ev)
{
	const char *kind = match_kind_names[r->match.kind];

	if (r->kind == BC_DETECT_NO_SECTION)
		return i ? 0 : bc_evidence_add(ev, r->score,
				"no section matches %s '%s'", kind,
				r->match.value);
	if (!i)
		return 0;
	if (r->match.kind == BC_MATCH_EXACT)
		return bc_evidence_add(ev, r->score, "section '%s' present",
				       elf->secs[i].name);
	return bc_evidence_add(ev, r->score, "section '%s' matches %s '%s'",
			       elf->secs[i].name, kind, r->match.value);
}

static void rec_add(struct rec_count *rc, int f, __u64 size)
{
	if (!rc->cnt[f]++) {
		rc->size[f] = size;
		rc->uniform[f] = true;
	} else if (size != rc->size[f]) {
		rc->uniform[f] = false;
	}
}

/* The map symbols of section sec: one pass over the symbols, kept for
 * the next record-size rule asking about the same section. */
static const struct rec_count *rec_count_of(struct sec_index *ix, size_t sec)
{
	const struct bc_elf *elf = ix->elf;
	const struct bc_elf_sym *sym, *end;
	struct rec_count *rc;
	size_t i;

	for (i = 0; i < ix->rec_cnt && i < REC_CACHE; i++)
		if (ix->rec[i].sec == sec)
			return &ix->rec[i];
	rc = &ix->rec[ix->rec_cnt++ % REC_CACHE];
	memset(rc, 0, sizeof(*rc));
	rc->sec = sec;
	if (elf->sym_cnt < 2)
		return rc;
	end = elf->syms + elf->sym_cnt;
	for (sym = elf->syms + 1; sym < end; sym++) {
		if (sym->shndx != sec || sym->type == STT_SECTION ||
		    sym->type == STT_FILE)
			continue;
		rec_add(rc, 0, sym->size);
		if (sym->bind == STB_GLOBAL &&
		    (sym->type == STT_NOTYPE || sym->type == STT_OBJECT))
			rec_add(rc, 1, sym->size);
	}
	return rc;
}

/*
 * Does this map section have record size want under the descriptor's
 * rule? If so, describe how it was derived in buf (unless NULL).
 */
static bool rec_size_is(const struct bc_desc_maps *m, struct sec_index *ix,
			const struct bc_elf_sec *sec, __u32 want,
			char *buf, size_t len)
{
	const struct rec_count *rc;
	int f = m->symbols != BC_SYMS_ALL;
	size_t cnt;

	if (m->size_rule == BC_REC_WHOLE_SECTION) {
		if (buf)
			snprintf(buf, len, "section '%s' %llu bytes",
				 sec->name, (unsigned long long)sec->size);
		return sec->size == want;
	}
	/* size / cnt == want needs a multiple of want: spare the count */
	if (m->size_rule == BC_REC_SECTION_DIV_SYMBOLS && want &&
	    (sec->size < want || sec->size % want))
		return false;
	rc = rec_count_of(ix, sec->idx);
	cnt = rc->cnt[f];
	if (!cnt)
		return false;
	if (m->size_rule == BC_REC_SYMBOL_SIZE) {
		if (!rc->uniform[f] || rc->size[f] != want)
			return false;
		if (buf)
			snprintf(buf, len,
				 "st_size of %zu symbol%s in section '%s'",
				 cnt, cnt == 1 ? "" : "s", sec->name);
		return true;
	}
	if (buf)
		snprintf(buf, len, "section '%s' %llu bytes / %zu symbol%s",
			 sec->name, (unsigned long long)sec->size, cnt,
			 cnt == 1 ? "" : "s");
	return sec->size % cnt == 0 && sec->size / cnt == want;
}

/* The next map section after i, in file order; 0 if none. */
static size_t map_sec_next(const struct dialect_plan *pl,
			   const struct bc_desc_maps *m,
			   struct sec_index *ix, size_t i)
{
	size_t j;

	if (m->section_cnt == 1)
		return i ? sec_next(ix, &pl->maps[0], i) :
			   sec_find(ix, &pl->maps[0]);
	for (i++; i < ix->elf->sec_cnt; i++)
		for (j = 0; j < m->section_cnt; j++)
			if (bc_desc_probe_match(&pl->maps[j].probe,
						ix->elf->secs[i].name))
				return i;
	return 0;
}

static int score_record(const struct bc_desc *desc,
			const struct dialect_plan *pl,
			const struct bc_desc_detect *r,
			struct sec_index *ix, struct bc_evidence *ev)
{
	char how[256], *buf = ev->score_only ? NULL : how;
	size_t i = 0;

	while ((i = map_sec_next(pl, &desc->maps, ix, i)))
		if (rec_size_is(&desc->maps, ix, &ix->elf->secs[i], r->size,
				buf, sizeof(how)))
			return bc_evidence_add(ev, r->score,
					       "map record size %u = %s",
					       r->size, buf ? buf : "");
	return 0;
}

static int dialect_score(const struct bc_dialect *d,
			 const struct dialect_plan *pl,
			 struct sec_index *ix, struct bc_evidence *ev)
{
	int (*detect)(const struct bc_elf *, struct bc_evidence *);
	const struct bc_desc *desc = d->desc;
	const struct bc_desc_detect *r;
	const struct plan_rule *pr;
	size_t i, cnt = desc->detect_cnt;
	int err = 0;

	for (i = 0; i < cnt && !err; i++) {
		pr = &pl->rules[i];
		/* most rules: no section in their bucket, nothing to add */
		if (pr->skip_bit & ~ix->used)
			continue;
		r = &desc->detect[i];
		switch (r->kind) {
		case BC_DETECT_SECTION:
		case BC_DETECT_NO_SECTION:
			err = score_section(r, ix->elf, sec_find(ix, pr), ev);
			break;
		case BC_DETECT_RECORD_SIZE:
			err = score_record(desc, pl, r, ix, ev);
			break;
		case BC_DETECT_BTF:
			if (sec_find(ix, pr))
				err = bc_evidence_add(ev, r->score,
						      "section '.BTF' present");
			break;
		}
	}
	if (err)
		return err;
	detect = BC_OPS_GET(d->ops, detect);
	return detect ? detect(ix->elf, ev) : 0;
}

/* d need not be registered: its plan is worked out for this call. */
int bc_dialect_score(const struct bc_dialect *d, const struct bc_elf *elf,
		     struct bc_evidence *ev)
{
	struct dialect_plan pl;
	struct sec_index ix;
	int err;

	err = plan_init(&pl, d->desc);
	if (err)
		return err;
	err = sec_index_init(&ix, elf);
	if (!err) {
		err = dialect_score(d, &pl, &ix, ev);
		sec_index_free(&ix);
	}
	plan_free(&pl);
	return err;
}

/* ---- detection ---------------------------------------------------------- */

static int entry_cmp(const struct bc_detection_entry *x,
		     const struct bc_detection_entry *y)
{
	if (x->ev.score != y->ev.score)
		return x->ev.score > y->ev.score ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A handful of entries: insertion sort, no qsort round trip. */
static void entries_sort(struct bc_detection_entry *e, size_t cnt)
{
	struct bc_detection_entry tmp;
	size_t i, j;

	for (i = 1; i < cnt; i++) {
		tmp = e[i];
		for (j = i; j && entry_cmp(&e[j - 1], &tmp) > 0; j--)
			e[j] = e[j - 1];
		e[j] = tmp;
	}
}

/*
 * The registry only grows at its tail, so the first cnt dialects stay
 * the same while they are scored; one registered meanwhile is simply
 * not part of this detection.
 */
static struct bc_detection *detection_new(void)
{
	struct bc_detection *det;
	size_t cnt;

	bc_dialects_init();
	cnt = __atomic_load_n(&reg_cnt, __ATOMIC_ACQUIRE);
	/* detect_elf() fills every entry it counts */
	det = malloc(sizeof(*det) + cnt * sizeof(det->entries[0]));
	if (det) {
		det->cnt = 0;
		det->cap = cnt;
	}
	return det;
}

static int detect_elf(const struct bc_elf *elf, struct bc_detection *det,
		      bool score_only)
{
	const struct bc_dialect *d;
	struct bc_detection_entry *e;
	struct sec_index ix;
	int err;

	err = sec_index_init(&ix, elf);
	if (err)
		return err;
	for (d = bc_dialect_first(); d && det->cnt < det->cap;
	     d = bc_dialect__next(d)) {
		e = &det->entries[det->cnt++];
		e->dialect = d;
		e->order = det->cnt;
		memset(&e->ev, 0, sizeof(e->ev));
		e->ev.score_only = score_only;
		err = dialect_score(d, plan_of(d), &ix, &e->ev);
		if (err) {
			pr_warn("detect: %s: dialect '%s': scoring failed: %s\n",
				elf->path, d->desc->name, strerror(-err));
			goto out;
		}
	}
	entries_sort(det->entries, det->cnt);
out:
	sec_index_free(&ix);
	return err;
}

static struct bc_detection *detect_buf(const void *buf, size_t size,
				       const char *name)
{
	struct bc_detection *det;
	struct bc_elf *elf;
	int err;

	if (!buf)
		return bc_err_ptr(-EINVAL);
	det = detection_new();
	if (!det)
		return bc_err_ptr(-ENOMEM);
	err = bc_elf_open(buf, size, name, &elf);
	if (err)
		goto err_free;
	err = detect_elf(elf, det, false);
	bc_elf_close(elf);
	if (err)
		goto err_free;
	return det;

err_free:
	bc_detection__free(det);
	return bc_err_ptr(err);
}

struct bc_detection *bc_detect_elf(const struct bc_elf *elf, bool score_only)
{
	struct bc_detection *det;
	int err;

	det = detection_new();
	if (!det)
		return bc_err_ptr(-ENOMEM);
	err = detect_elf(elf, det, score_only);
	if (err) {
		bc_detection__free(det);
		return bc_err_ptr(err);
	}
	return det;
}

/*
 * Opening needs the best two only: kept while scoring, in the ranking's
 * order (higher score first, then the earlier registered), on the stack.
 */
static void verdict_push(struct bc_verdict *v, const struct bc_dialect *d,
			 int score)
{
	if (!v->cnt || score > v->score[0]) {
		v->dialect[1] = v->dialect[0];
		v->score[1] = v->score[0];
		v->dialect[0] = d;
		v->score[0] = score;
	} else if (v->cnt == 1 || score > v->score[1]) {
		v->dialect[1] = d;
		v->score[1] = score;
	}
	v->cnt++;
}

int bc_detect_verdict(const struct bc_elf *elf, struct bc_verdict *v)
{
	const struct bc_dialect *d;
	struct bc_evidence ev;
	struct sec_index ix;
	size_t cap;
	int err;

	bc_dialects_init();
	/* as many as bc_detect_elf() would rank */
	cap = __atomic_load_n(&reg_cnt, __ATOMIC_ACQUIRE);
	memset(v, 0, sizeof(*v));
	err = sec_index_init(&ix, elf);
	if (err)
		return err;
	for (d = bc_dialect_first(); d && v->cnt < cap;
	     d = bc_dialect__next(d)) {
		memset(&ev, 0, sizeof(ev));
		ev.score_only = true;
		err = dialect_score(d, plan_of(d), &ix, &ev);
		if (err) {
			pr_warn("detect: %s: dialect '%s': scoring failed: %s\n",
				elf->path, d->desc->name, strerror(-err));
			break;
		}
		verdict_push(v, d, ev.score);
	}
	sec_index_free(&ix);
	return err;
}

/*
 * Collection tests every section against the map sections: the prepared
 * probes turn most names away on their first bytes; the one that matches
 * is matched again for rest.
 */
bool bc_dialect_map_sec(const struct bc_dialect *d, const char *name,
			const char **rest)
{
	const struct bc_desc_maps *m = &d->desc->maps;
	size_t i;

	for (i = 0; i < m->section_cnt; i++) {
		if (d->plan && !bc_desc_probe_match(&d->plan->maps[i].probe,
						    name))
			continue;
		if (bc_desc_match(&m->sections[i], name, rest))
			return true;
	}
	return false;
}

struct bc_detection *bc_detect_mem(const void *buf, size_t size)
{
	return detect_buf(buf, size, "mem");
}

static int read_file(const char *path, void **buf, size_t *size)
{
	struct stat st;
	ssize_t n;
	size_t off = 0;
	int fd, err = 0;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (__u64)st.st_size > DETECT_MAX_FILE) {
		err = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto out;
	}
	*buf = malloc(st.st_size ?: 1);
	if (!*buf) {
		err = -ENOMEM;
		goto out;
	}
	while (off < (size_t)st.st_size) {
		n = read(fd, (char *)*buf + off, st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto out;
		}
		off += n;
	}
	*size = off;
out:
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

struct bc_detection *bc_detect_file(const char *path)
{
	struct bc_detection *det;
	size_t size = 0;
	void *buf;
	int err;

	if (!path)
		return bc_err_ptr(-EINVAL);
	err = read_file(path, &buf, &size);
	if (err) {
		pr_warn("detect: %s: cannot read: %s\n", path, strerror(-err));
		return bc_err_ptr(err);
	}
	det = detect_buf(buf, size, path);
	err = errno;
	free(buf);
	errno = err;
	return det;
}

void bc_detection__free(struct bc_detection *det)
{
	size_t i;

	if (!det)
		return;
	for (i = 0; i < det->cnt; i++)
		if (det->entries[i].ev.lines)	/* none when score_only */
			bc_evidence_free(&det->entries[i].ev);
	free(det);
}

size_t bc_detection__cnt(const struct bc_detection *det)
{
	return det ? det->cnt : 0;
}

const struct bc_dialect *
bc_detection__dialect(const struct bc_detection *det, size_t i)
{
	if (!det || i >= det->cnt)
		return bc_err_ptr(-ENOENT);
	return det->entries[i].dialect;
}

int bc_detection__score(const struct bc_detection *det, size_t i)
{
	if (!det || i >= det->cnt)
		return 0;
	return det->entries[i].ev.score;
}

size_t bc_detection__evidence_cnt(const struct bc_detection *det, size_t i)
{
	if (!det || i >= det->cnt)
		return 0;
	return det->entries[i].ev.cnt;
}

const char *bc_detection__evidence(const struct bc_detection *det, size_t i,
				   size_t j)
{
	if (!det || i >= det->cnt || j >= det->entries[i].ev.cnt)
		return bc_err_ptr(-ENOENT);
	return det->entries[i].ev.lines[j];
}
