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
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static int reg_init_err;

struct bc_detection_entry {
	const struct bc_dialect *dialect;
	struct bc_evidence ev;
	size_t order;			/* registry position, breaks ties */
};

struct bc_detection {
	struct bc_detection_entry *entries;
	size_t cnt;
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
	struct bc_dialect *d;
	int err;

	d = calloc(1, sizeof(*d));
	if (!d) {
		bc_desc_free(desc);
		return -ENOMEM;
	}
	d->desc = desc;
	err = bind_ops(d);
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
	if (reg_tail)
		__atomic_store_n(&reg_tail->next, d, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&reg_head, d, __ATOMIC_RELEASE);
	reg_tail = d;
	pthread_mutex_unlock(&reg_lock);
	return 0;

err_free:
	bc_desc_free(desc);
	free(d);
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
 * The object's sections grouped by the first byte of their name, file
 * order kept within a group: built once per detection, it lets a rule
 * whose first byte is literal try only the sections starting with it,
 * where a plain walk tries every rule on every section.
 */
struct sec_ent {
	size_t idx;
	char b1;			/* the name's second byte */
};

struct sec_index {
	const struct bc_elf *elf;
	struct sec_ent *order;		/* sections, grouped */
	size_t start[257];		/* group b: order[start[b]..start[b+1]) */
};

static int sec_index_init(struct sec_index *ix, const struct bc_elf *elf)
{
	size_t i, pos[256];
	__u8 b;

	memset(ix, 0, sizeof(*ix));
	ix->elf = elf;
	ix->order = malloc((elf->sec_cnt ?: 1) * sizeof(*ix->order));
	if (!ix->order)
		return -ENOMEM;
	for (i = 1; i < elf->sec_cnt; i++)
		ix->start[(__u8)elf->secs[i].name[0] + 1]++;
	for (i = 1; i < 257; i++)
		ix->start[i] += ix->start[i - 1];
	memcpy(pos, ix->start, sizeof(pos));
	for (i = 1; i < elf->sec_cnt; i++) {
		b = elf->secs[i].name[0];
		ix->order[pos[b]].idx = i;
		ix->order[pos[b]++].b1 = elf->secs[i].name[1];
	}
	return 0;
}

static void sec_index_free(struct sec_index *ix)
{
	free(ix->order);
	ix->order = NULL;
}

static bool head_in(const __u64 set[4], const char *name)
{
	__u8 b = name[0];

	return set[b / 64] & (1ULL << (b % 64));
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

/* The second byte every match of m has, or -1 if it can vary. */
static int second_byte(const struct bc_desc_match *m)
{
	const char *v = m->value;

	switch (m->kind) {
	case BC_MATCH_EXACT:
		return v[0] ? (__u8)v[1] : -1;
	case BC_MATCH_PREFIX:
	case BC_MATCH_WORD:
		return v[0] && v[1] ? (__u8)v[1] : -1;
	default:
		return -1;
	}
}

/* The first section, in file order, whose name matches m. */
static const struct bc_elf_sec *find_sec(const struct sec_index *ix,
					 const struct bc_desc_match *m)
{
	const struct bc_elf *elf = ix->elf;
	const struct bc_elf_sec *sec;
	__u64 heads[4];
	int b, b1;
	size_t i;

	bc_desc_match_heads(m, heads);
	b = head_single(heads);
	if (b >= 0) {
		b1 = second_byte(m);
		for (i = ix->start[b]; i < ix->start[b + 1]; i++) {
			if (b1 >= 0 && (__u8)ix->order[i].b1 != b1)
				continue;
			sec = &elf->secs[ix->order[i].idx];
			if (bc_desc_match(m, sec->name, NULL))
				return sec;
		}
		return NULL;
	}
	for (i = 1; i < elf->sec_cnt; i++)
		if (head_in(heads, elf->secs[i].name) &&
		    bc_desc_match(m, elf->secs[i].name, NULL))
			return &elf->secs[i];
	return NULL;
}

static int score_section(const struct bc_desc_detect *r,
			 const struct sec_index *ix, struct bc_evidence *ev)
{
	const struct bc_elf_sec *sec = find_sec(ix, &r->match);
	const char *kind = match_kind_names[r->match.kind];

	if (r->kind == BC_DETECT_NO_SECTION)
		return sec ? 0 : bc_evidence_add(ev, r->score,
				"no section matches %s '%s'", kind,
				r->match.value);
	if (!sec)
		return 0;
	if (r->match.kind == BC_MATCH_EXACT)
		return bc_evidence_add(ev, r->score, "section '%s' present",
				       sec->name);
	return bc_evidence_add(ev, r->score, "section '%s' matches %s '%s'",
			       sec->name, kind, r->match.value);
}

/* The symbols maps.record counts as map definitions in sec. */
static bool rec_symbol(const struct bc_desc_maps *m,
		       const struct bc_elf_sym *sym, size_t sec_idx)
{
	if (sym->shndx != sec_idx || sym->type == STT_SECTION ||
	    sym->type == STT_FILE)
		return false;
	if (m->symbols == BC_SYMS_ALL)
		return true;
	return sym->bind == STB_GLOBAL &&
	       (sym->type == STT_NOTYPE || sym->type == STT_OBJECT);
}

/*
 * Does this map section have record size want under the descriptor's
 * rule? If so, describe how it was derived in buf (unless NULL).
 */
static bool rec_size_is(const struct bc_desc_maps *m, const struct bc_elf *elf,
			const struct bc_elf_sec *sec, __u32 want,
			char *buf, size_t len)
{
	size_t i, cnt = 0;

	if (m->size_rule == BC_REC_WHOLE_SECTION) {
		if (buf)
			snprintf(buf, len, "section '%s' %llu bytes",
				 sec->name, (unsigned long long)sec->size);
		return sec->size == want;
	}
	for (i = 1; i < elf->sym_cnt; i++) {
		if (!rec_symbol(m, &elf->syms[i], sec->idx))
			continue;
		if (m->size_rule == BC_REC_SYMBOL_SIZE &&
		    elf->syms[i].size != want)
			return false;
		cnt++;
	}
	if (!cnt)
		return false;
	if (m->size_rule == BC_REC_SYMBOL_SIZE) {
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

static bool is_map_sec(const struct bc_desc_maps *m, const __u64 heads[4],
		       const char *name)
{
	size_t j;

	if (!head_in(heads, name))
		return false;
	for (j = 0; j < m->section_cnt; j++)
		if (bc_desc_match(&m->sections[j], name, NULL))
			return true;
	return false;
}

static int score_record(const struct bc_desc *desc,
			const struct bc_desc_detect *r,
			const struct bc_elf *elf, struct bc_evidence *ev)
{
	const struct bc_desc_maps *m = &desc->maps;
	__u64 heads[4] = {}, h[4];
	char how[256], *buf = ev->score_only ? NULL : how;
	size_t i, j;

	for (j = 0; j < m->section_cnt; j++) {
		bc_desc_match_heads(&m->sections[j], h);
		for (i = 0; i < 4; i++)
			heads[i] |= h[i];
	}
	for (i = 1; i < elf->sec_cnt; i++) {
		if (!is_map_sec(m, heads, elf->secs[i].name))
			continue;
		if (rec_size_is(m, elf, &elf->secs[i], r->size, buf,
				sizeof(how)))
			return bc_evidence_add(ev, r->score,
					       "map record size %u = %s",
					       r->size, buf ? buf : "");
	}
	return 0;
}

static int dialect_score(const struct bc_dialect *d,
			 const struct sec_index *ix, struct bc_evidence *ev)
{
	static const struct bc_desc_match btf = {
		.kind = BC_MATCH_EXACT,
		.value = ".BTF",
	};
	int (*detect)(const struct bc_elf *, struct bc_evidence *);
	const struct bc_desc_detect *r;
	size_t i;
	int err = 0;

	for (i = 0; i < d->desc->detect_cnt && !err; i++) {
		r = &d->desc->detect[i];
		switch (r->kind) {
		case BC_DETECT_SECTION:
		case BC_DETECT_NO_SECTION:
			err = score_section(r, ix, ev);
			break;
		case BC_DETECT_RECORD_SIZE:
			err = score_record(d->desc, r, ix->elf, ev);
			break;
		case BC_DETECT_BTF:
			if (find_sec(ix, &btf))
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

int bc_dialect_score(const struct bc_dialect *d, const struct bc_elf *elf,
		     struct bc_evidence *ev)
{
	struct sec_index ix;
	int err;

	err = sec_index_init(&ix, elf);
	if (err)
		return err;
	err = dialect_score(d, &ix, ev);
	sec_index_free(&ix);
	return err;
}

/* ---- detection ---------------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	const struct bc_detection_entry *x = a, *y = b;

	if (x->ev.score != y->ev.score)
		return x->ev.score > y->ev.score ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int detect_elf(const struct bc_elf *elf, struct bc_detection *det,
		      bool score_only)
{
	const struct bc_dialect *d;
	struct bc_detection_entry *e;
	struct sec_index ix;
	size_t cap = 0;
	int err;

	err = sec_index_init(&ix, elf);
	if (err)
		return err;
	for (d = bc_dialect_first(); d; d = bc_dialect__next(d)) {
		e = bc_grow(det->entries, &cap, det->cnt + 1, sizeof(*e));
		if (!e) {
			err = -ENOMEM;
			goto out;
		}
		det->entries = e;
		e = &det->entries[det->cnt++];
		e->dialect = d;
		e->order = det->cnt;
		e->ev.score_only = score_only;
		err = dialect_score(d, &ix, &e->ev);
		if (err) {
			pr_warn("detect: %s: dialect '%s': scoring failed: %s\n",
				elf->path, d->desc->name, strerror(-err));
			goto out;
		}
	}
	qsort(det->entries, det->cnt, sizeof(*det->entries), entry_cmp);
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
	det = calloc(1, sizeof(*det));
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

	det = calloc(1, sizeof(*det));
	if (!det)
		return bc_err_ptr(-ENOMEM);
	err = detect_elf(elf, det, score_only);
	if (err) {
		bc_detection__free(det);
		return bc_err_ptr(err);
	}
	return det;
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
		bc_evidence_free(&det->entries[i].ev);
	free(det->entries);
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
