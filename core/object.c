// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The object: open pipeline (read, hash, parse, pick the dialect, apply
 * params, collect), the model construction helpers every stage uses, and
 * the public getters.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "btf.h"
#include "check.h"
#include "dialect.h"
#include "load.h"
#include "object.h"

/* Objects are a few MiB at most; anything bigger is a mistake or hostile. */
#define BC_MAX_OBJECT_SIZE	(256U << 20)

/* ---- opts ------------------------------------------------------------- */

#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* Field of an opts struct if the caller's sz covers it, else the default. */
#define OPTS_GET(opts, field, def)					\
	((opts) && (opts)->sz >= offsetofend(typeof(*(opts)), field) ?	\
	 (opts)->field : (def))

static bool opts_tail_zero(const void *opts, size_t known, size_t sz)
{
	const char *p = opts;
	size_t i;

	for (i = known; i < sz; i++)
		if (p[i])
			return false;
	return true;
}

static int open_opts_check(const struct bc_open_opts *opts)
{
	size_t known = offsetofend(struct bc_open_opts,
				   bc_open_opts__last_field);

	if (!opts)
		return 0;
	if (opts->sz < sizeof(size_t)) {
		pr_warn("open: bc_open_opts size %zu is too small\n", opts->sz);
		return -EINVAL;
	}
	if (!opts_tail_zero(opts, known, opts->sz)) {
		pr_warn("open: bc_open_opts has non-zero extra bytes\n");
		return -EINVAL;
	}
	return 0;
}

/* ---- model helpers ------------------------------------------------------ */

/*
 * Maps, programs, the arrays of both and the name hashes live exactly as
 * long as their object: they are carved from a few chunks freed at close,
 * not allocated and freed one by one. Chunks double up to a cap, so a big
 * object needs few.
 *
 * The first chunk past the embedded one is sized from the object (half
 * its bytes, within bounds): a big object's records then fit in one
 * block. That block is also what keeps reopening cheap: glibc sets its
 * trim threshold to twice the largest block a process has freed, so with
 * it the heap an object used stays for the next open instead of being
 * given back at close and faulted in again (scale100 in
 * docs/performance.md: 105 page faults per open before, 3 after).
 * What is never written is never faulted in, so the slack costs address
 * space, not memory.
 */
#define BC_CHUNK_MIN	2048
#define BC_CHUNK_MAX	(64U << 10)
#define BC_CHUNK_OBJ_MAX	(4U << 20)
/* The chunk inside the object's own allocation: a legacy object of a
 * dozen maps and programs needs no other. */
#define BC_CHUNK_FIRST	4096

struct bc_chunk {
	struct bc_chunk *next;
	size_t used, cap;
	bool embedded;			/* part of the object's allocation */
	max_align_t data[];
};

static size_t chunk_next_cap(const struct bc_object *obj,
			     const struct bc_chunk *last)
{
	if (!last)
		return BC_CHUNK_MIN;
	if (last->embedded)
		return min(max(obj->size / 2, (size_t)BC_CHUNK_MIN),
			   (size_t)BC_CHUNK_OBJ_MAX);
	return min(last->cap * 2, (size_t)BC_CHUNK_MAX);
}

static void *object_zalloc(struct bc_object *obj, size_t size)
{
	const size_t align = _Alignof(max_align_t);
	struct bc_chunk *c = obj->chunks;
	size_t cap;
	void *p;

	if (size > BC_CHUNK_MAX)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	if (!c || c->cap - c->used < size) {
		cap = chunk_next_cap(obj, c);
		cap = max(cap, size);
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = obj->chunks;
		c->used = 0;
		c->cap = cap;
		c->embedded = false;
		obj->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return memset(p, 0, size);
}

/* The outgrown array stays in its chunk: at most the size of the last. */
static void *object_grow(struct bc_object *obj, void *arr, size_t *cap,
			 size_t need, size_t elem_sz)
{
	size_t new_cap;
	void *p;

	if (need <= *cap)
		return arr;
	new_cap = max(max(*cap * 2, (size_t)16), need);
	if (new_cap > BC_CHUNK_MAX / elem_sz)
		return NULL;
	p = object_zalloc(obj, new_cap * elem_sz);
	if (!p)
		return NULL;
	if (*cap)
		memcpy(p, arr, *cap * elem_sz);
	*cap = new_cap;
	return p;
}

static void object_chunks_free(struct bc_object *obj)
{
	struct bc_chunk *c, *next;

	for (c = obj->chunks; c; c = next) {
		next = c->next;
		if (!c->embedded)
			free(c);
	}
	obj->chunks = NULL;
}

static inline void names_take_miss(struct bc_name_index *ix, size_t idx,
				   const char *name);

static struct bc_map *map_add(struct bc_object *obj, const char *name,
			      bool copy)
{
	struct bc_map **maps, *map;
	char *owned = NULL;

	if (obj->map_cnt >= BC_MAX_MAPS)
		return bc_err_ptr(-E2BIG);
	maps = object_grow(obj, obj->maps, &obj->map_cap, obj->map_cnt + 1,
			   sizeof(*maps));
	if (!maps)
		return bc_err_ptr(-ENOMEM);
	obj->maps = maps;
	if (copy) {
		owned = bc_strdup(name);
		if (!owned)
			return bc_err_ptr(-ENOMEM);
	}
	map = object_zalloc(obj, sizeof(*map));
	if (!map) {
		free(owned);
		return bc_err_ptr(-ENOMEM);
	}
	map->name = copy ? owned : (char *)name;
	map->elf_names = !copy;
	map->obj = obj;
	map->idx = obj->map_cnt;
	map->inner_idx = -1;
	map->sec_idx = -1;
	map->fd = -1;
	maps[obj->map_cnt++] = map;
	if (!copy)
		names_take_miss(&obj->map_names, map->idx, name);
	return map;
}

struct bc_map *bc_object_add_map(struct bc_object *obj, const char *name)
{
	return map_add(obj, name ? name : "", true);
}

struct bc_map *bc_object_add_elf_map(struct bc_object *obj, const char *name)
{
	if (!name)
		return bc_err_ptr(-EINVAL);
	return map_add(obj, name, false);
}

static struct bc_prog *prog_add(struct bc_object *obj, const char *name,
				const char *sec_name, bool copy)
{
	struct bc_prog **progs, *prog;

	if (obj->prog_cnt >= BC_MAX_PROGS)
		return bc_err_ptr(-E2BIG);
	progs = object_grow(obj, obj->progs, &obj->prog_cap,
			    obj->prog_cnt + 1, sizeof(*progs));
	if (!progs)
		return bc_err_ptr(-ENOMEM);
	obj->progs = progs;
	prog = object_zalloc(obj, sizeof(*prog));
	if (!prog)
		return bc_err_ptr(-ENOMEM);
	if (copy) {
		prog->name = bc_strdup(name);
		prog->sec_name = bc_strdup(sec_name);
		if (!prog->name || !prog->sec_name) {
			free(prog->name);
			free(prog->sec_name);
			return bc_err_ptr(-ENOMEM);
		}
	} else {
		prog->name = (char *)name;
		prog->sec_name = (char *)sec_name;
		prog->elf_names = true;
	}
	prog->obj = obj;
	prog->idx = obj->prog_cnt;
	prog->sec_idx = -1;
	prog->autoload = true;
	prog->fd = -1;
	progs[obj->prog_cnt++] = prog;
	if (!copy)
		names_take_miss(&obj->prog_names, prog->idx, name);
	return prog;
}

struct bc_prog *bc_object_add_prog(struct bc_object *obj, const char *name,
				   const char *sec_name)
{
	return prog_add(obj, name ? name : "", sec_name ? sec_name : "", true);
}

struct bc_prog *bc_object_add_elf_prog(struct bc_object *obj,
				       const char *name, const char *sec_name)
{
	if (!name || !sec_name)
		return bc_err_ptr(-EINVAL);
	return prog_add(obj, name, sec_name, false);
}

int bc_object_add_init(struct bc_object *obj, size_t map_idx, __u32 key,
		       enum bc_init_kind kind, size_t target)
{
	struct bc_init *inits;

	inits = bc_grow(obj->inits, &obj->init_cap, obj->init_cnt + 1,
			sizeof(*inits));
	if (!inits)
		return -ENOMEM;
	obj->inits = inits;
	inits[obj->init_cnt++] = (struct bc_init){
		.map_idx = map_idx,
		.key = key,
		.kind = kind,
		.target = target,
	};
	return 0;
}

int bc_object_plan_add(struct bc_object *obj, const char *fmt, ...)
{
	char **plan, *step;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&step, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	plan = bc_grow(obj->plan, &obj->plan_cap, obj->plan_cnt + 1,
		       sizeof(*plan));
	if (!plan) {
		free(step);
		return -ENOMEM;
	}
	obj->plan = plan;
	plan[obj->plan_cnt++] = step;
	return 0;
}

void bc_object_plan_reset(struct bc_object *obj)
{
	size_t i;

	for (i = 0; i < obj->plan_cnt; i++)
		free(obj->plan[i]);
	obj->plan_cnt = 0;
}

/*
 * Name lookups: collection asks for every new map and program whether its
 * name is taken, which a walk makes quadratic. The hash is a cache over
 * the arrays, brought up to date on each lookup (entries are appended, and
 * renamed only through bc_object_rename_*()), so it needs no hook in every
 * place that adds one.
 */
#define BC_NAMES_WALK_MAX	8

/* Name of entry i of the array ix indexes. */
static inline const char *name_at(const struct bc_object *obj,
				  const struct bc_name_index *ix, size_t i)
{
	return ix == &obj->prog_names ? obj->progs[i]->name :
					obj->maps[i]->name;
}

/*
 * Eight bytes per step: generated names share long prefixes, and a byte
 * loop spent more than the lookups. Each step folds the product's high
 * half down, so every byte reaches the low bits that pick the slot.
 */
static size_t name_hash(const char *s)
{
	const __u64 k = 0x9e3779b97f4a7c15ULL;
	size_t len = strlen(s), i;
	__u64 h = len * k, w;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	/* The tail byte by byte: cheaper than a memcpy call of 0-7. */
	for (w = 0; i < len; i++)
		w = w << 8 | (unsigned char)s[i];
	h = (h ^ w) * k;
	return h ^ h >> 32;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t *names_slot(const struct bc_name_index *ix,
			  const struct bc_object *obj, const char *name)
{
	size_t i = name_hash(name) & (ix->cap - 1);

	while (ix->slots[i] && strcmp(name_at(obj, ix, ix->slots[i] - 1), name))
		i = (i + 1) & (ix->cap - 1);
	return &ix->slots[i];
}

/*
 * Index entries [0, cnt), with room for want. Slot arrays come from the
 * object's chunks: an outgrown one is left there.
 */
static int names_sync(struct bc_name_index *ix, struct bc_object *obj,
		      size_t cnt, size_t want)
{
	size_t cap, *slot;

	if (want * 2 > ix->cap) {
		for (cap = ix->cap ?: 16; cap < want * 2; cap *= 2)
			;
		slot = cap <= SIZE_MAX / sizeof(*slot) ?
		       object_zalloc(obj, cap * sizeof(*slot)) : NULL;
		if (!slot)
			return -ENOMEM;
		ix->slots = slot;
		ix->cap = cap;
		ix->cnt = 0;	/* rebuilt below, in index order */
		ix->stale = false;
		ix->miss = NULL;
	}
	if (ix->stale) {
		memset(ix->slots, 0, ix->cap * sizeof(*ix->slots));
		ix->cnt = 0;
		ix->stale = false;
	}
	if (ix->cnt < cnt)
		ix->miss = NULL;	/* its slot may be taken now */
	for (; ix->cnt < cnt; ix->cnt++) {
		slot = names_slot(ix, obj, name_at(obj, ix, ix->cnt));
		if (!*slot)	/* the first of equal names stays */
			*slot = ix->cnt + 1;
	}
	return 0;
}

/*
 * Generated names share long prefixes and differ near their end: length
 * and last eight bytes tell most apart before a strcmp() walks the prefix.
 */
static __u64 name_fp(const char *s)
{
	size_t len = strlen(s);
	__u32 a, b;
	__u64 w;

	if (len >= 8) {
		memcpy(&w, s + len - 8, 8);
	} else if (len >= 4) {	/* two words, overlapping: all bytes */
		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		w = (__u64)a << 32 | b;
	} else {		/* len is 0 to 3: first, middle, last */
		w = len ? (unsigned char)s[0] << 16 |
			  (unsigned char)s[len / 2] << 8 |
			  (unsigned char)s[len - 1] : 0;
	}
	return w ^ (__u64)len << 56;
}

static ssize_t names_walk_plain(const struct bc_object *obj,
				const struct bc_name_index *ix, size_t cnt,
				const char *name)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		if (!strcmp(name_at(obj, ix, i), name))
			return i;
	return -1;
}

/* Walks at most BC_NAMES_WALK_MAX entries; without memory, plainly. */
static ssize_t names_walk(struct bc_name_index *ix, struct bc_object *obj,
			  size_t cnt, const char *name)
{
	__u64 fp;
	size_t i;

	if (!ix->fps) {
		ix->fps = object_zalloc(obj, BC_NAMES_WALK_MAX *
					     sizeof(*ix->fps));
		if (!ix->fps)
			return names_walk_plain(obj, ix, cnt, name);
	}
	for (; ix->fp_cnt < cnt; ix->fp_cnt++)
		ix->fps[ix->fp_cnt] = name_fp(name_at(obj, ix, ix->fp_cnt));
	fp = name_fp(name);
	ix->fp_name = name;
	ix->fp_last = fp;
	for (i = 0; i < cnt; i++)
		if (ix->fps[i] == fp && !strcmp(name_at(obj, ix, i), name))
			return i;
	return -1;
}

/*
 * Index of the first entry called name, -1 if none. A few names are
 * walked: hashing them costs more than comparing them. Without memory for
 * the hash, the walk answers too.
 */
static ssize_t names_find(struct bc_name_index *ix, struct bc_object *obj,
			  size_t cnt, const char *name)
{
	size_t *slot;

	if (cnt <= BC_NAMES_WALK_MAX)
		return names_walk(ix, obj, cnt, name);
	if (names_sync(ix, obj, cnt, cnt))
		return names_walk_plain(obj, ix, cnt, name);
	slot = names_slot(ix, obj, name);
	if (*slot)
		return (ssize_t)*slot - 1;
	ix->miss = name;
	ix->miss_slot = slot - ix->slots;
	return -1;
}

/*
 * Collection looks a name up, finds it free, then adds it: a string of
 * obj->elf (never moved or changed, so the same pointer is the same name)
 * takes the slot that lookup found instead of being hashed again.
 */
static inline void names_take_miss(struct bc_name_index *ix, size_t idx,
				   const char *name)
{
	/* fp_name and fp_last are set together: no need to clear */
	if (ix->fp_name == name && ix->fp_cnt == idx &&
	    idx < BC_NAMES_WALK_MAX) {
		ix->fps[idx] = ix->fp_last;
		ix->fp_cnt++;
		return;
	}
	if (!ix->miss || ix->miss != name || ix->cnt != idx)
		return;
	ix->slots[ix->miss_slot] = idx + 1;
	ix->cnt++;
	ix->miss = NULL;
}

int bc_object_set_license(struct bc_object *obj, const char *s, size_t max)
{
	size_t len = strnlen(s, max);
	char *lic;

	if (!obj->strs_inline) {
		lic = bc_strndup(s, len);
		if (!lic)
			return -ENOMEM;
		free(obj->license);
		obj->license = lic;
		return 0;
	}
	lic = object_zalloc(obj, len + 1);
	if (!lic)
		return -ENOMEM;
	memcpy(lic, s, len);
	obj->license = lic;
	return 0;
}

/*
 * Collection knows how many maps or programs a section holds before it
 * adds them: the arrays and the hash are sized once, not grown as they
 * fill. Only a hint: without memory, adding grows them as usual.
 */
void bc_object_reserve(struct bc_object *obj, size_t maps, size_t progs)
{
	size_t want;
	void *arr;

	want = obj->map_cnt + min(maps, (size_t)BC_MAX_MAPS);
	arr = object_grow(obj, obj->maps, &obj->map_cap, want,
			  sizeof(*obj->maps));
	if (arr)
		obj->maps = arr;
	if (maps && want > BC_NAMES_WALK_MAX)
		names_sync(&obj->map_names, obj, obj->map_cnt, want);
	want = obj->prog_cnt + min(progs, (size_t)BC_MAX_PROGS);
	arr = object_grow(obj, obj->progs, &obj->prog_cap, want,
			  sizeof(*obj->progs));
	if (arr)
		obj->progs = arr;
	if (progs && want > BC_NAMES_WALK_MAX)
		names_sync(&obj->prog_names, obj, obj->prog_cnt, want);
}

/*
 * The old name may be in the hash, and the first of equal names must still
 * win there: rather than patched, the hash is rebuilt by the next lookup
 * (renames are rare, and a run of them costs one rebuild).
 */
static void names_renamed(struct bc_name_index *ix, size_t idx)
{
	if (idx < ix->cnt)
		ix->stale = true;
	ix->miss = NULL;
	ix->fp_cnt = min(ix->fp_cnt, idx);
	ix->fp_name = NULL;
}

/*
 * Strings of obj->elf are borrowed as a set (elf_names): an entry renamed
 * copies the ones it keeps, so that it then owns all of them.
 */
int bc_object_rename_map(struct bc_object *obj, struct bc_map *map,
			 const char *name)
{
	char *copy, *sec = NULL, *sym = NULL;

	if (!obj || !map || !name || map->idx >= obj->map_cnt ||
	    obj->maps[map->idx] != map)
		return -EINVAL;
	copy = bc_strdup(name);
	if (!copy)
		return -ENOMEM;
	if (map->elf_names) {
		sec = bc_strdup(map->sec_name);
		sym = bc_strdup(map->sym_name);
		if ((map->sec_name && !sec) || (map->sym_name && !sym))
			goto nomem;
		map->sec_name = sec;
		map->sym_name = sym;
		map->elf_names = false;
	} else {
		free(map->name);
	}
	map->name = copy;
	names_renamed(&obj->map_names, map->idx);
	return 0;
nomem:
	free(sym);
	free(sec);
	free(copy);
	return -ENOMEM;
}

int bc_object_rename_prog(struct bc_object *obj, struct bc_prog *prog,
			  const char *name)
{
	char *copy, *sec;

	if (!obj || !prog || !name || prog->idx >= obj->prog_cnt ||
	    obj->progs[prog->idx] != prog)
		return -EINVAL;
	copy = bc_strdup(name);
	if (!copy)
		return -ENOMEM;
	if (prog->elf_names) {
		sec = bc_strdup(prog->sec_name);
		if (!sec) {
			free(copy);
			return -ENOMEM;
		}
		prog->sec_name = sec;
		prog->elf_names = false;
	} else {
		free(prog->name);
	}
	prog->name = copy;
	names_renamed(&obj->prog_names, prog->idx);
	return 0;
}

/* The hashes are a cache: a lookup keeps the object logically const. */
struct bc_map *bc_object_map_by_name(const struct bc_object *obj,
				     const char *name)
{
	struct bc_object *o = (struct bc_object *)obj;
	ssize_t i;

	i = names_find(&o->map_names, o, obj->map_cnt, name);
	return i < 0 ? NULL : obj->maps[i];
}

struct bc_prog *bc_object_prog_by_name(const struct bc_object *obj,
				       const char *name)
{
	struct bc_object *o = (struct bc_object *)obj;
	ssize_t i;

	i = names_find(&o->prog_names, o, obj->prog_cnt, name);
	return i < 0 ? NULL : obj->progs[i];
}

/* ---- open pipeline ------------------------------------------------------ */

static int read_file(const char *path, void **bufp, size_t *sizep)
{
	struct stat st;
	size_t done = 0;
	void *buf = NULL;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("open: %s: cannot open: %s\n", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		pr_warn("open: %s: cannot stat: %s\n", path, strerror(-err));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		pr_warn("open: %s: not a regular file\n", path);
		err = -EINVAL;
		goto out;
	}
	if (st.st_size > BC_MAX_OBJECT_SIZE) {
		pr_warn("open: %s: size %lld exceeds the %u-byte limit\n",
			path, (long long)st.st_size, BC_MAX_OBJECT_SIZE);
		err = -EFBIG;
		goto out;
	}
	/* One spare byte so an empty file still gets a real buffer. */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, (char *)buf + done, (size_t)st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			pr_warn("open: %s: read failed at byte %zu: %s\n",
				path, done, strerror(-err));
			goto out;
		}
		done += n;
	}
	*bufp = buf;
	*sizep = done;
	buf = NULL;
	err = 0;
out:
	free(buf);
	close(fd);
	return err;
}

static const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * owned is buf when the object is to free it (taken over in every case),
 * NULL when buf is the caller's.
 */
/*
 * One allocation holds the object, its first chunk, its path (the name is
 * the path's tail) and the empty license collection may replace.
 */
static struct bc_object *object_new(const void *buf, void *owned, size_t size,
				    const char *path)
{
	const size_t align = _Alignof(struct bc_chunk);
	size_t chunk_off, path_off, len = strlen(path);
	struct bc_object *obj;
	struct bc_chunk *c;
	char *strs;

	chunk_off = (sizeof(*obj) + align - 1) & ~(align - 1);
	path_off = chunk_off + sizeof(*c) + BC_CHUNK_FIRST;
	obj = malloc(path_off + len + 2);
	if (!obj) {
		free(owned);
		return NULL;
	}
	memset(obj, 0, sizeof(*obj));
	c = (struct bc_chunk *)((char *)obj + chunk_off);
	*c = (struct bc_chunk){ .cap = BC_CHUNK_FIRST, .embedded = true };
	obj->chunks = c;
	strs = (char *)obj + path_off;
	memcpy(strs, path, len + 1);
	strs[len + 1] = '\0';
	obj->path = strs;
	obj->name = (char *)path_basename(strs);
	obj->license = strs + len + 1;
	obj->strs_inline = true;
	obj->buf = buf;
	obj->buf_owned = owned;
	obj->size = size;
	return obj;
}

static void list_dialects(char *buf, size_t size)
{
	const struct bc_dialect *d = NULL;
	size_t len = 0;
	int n;

	buf[0] = '\0';
	while ((d = bc_dialect__next(d)) && len < size) {
		n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
			     bc_dialect__name(d));
		if (n < 0)
			break;
		len += n;
	}
}

static int dialect_by_name(struct bc_object *obj, const char *name)
{
	char known[512];

	obj->dialect = bc_dialect__find(name);
	if (obj->dialect)
		return 0;
	list_dialects(known, sizeof(known));
	pr_warn("open: %s: unknown dialect '%s' (known: %s)\n", obj->path,
		name, known);
	return -BC_ERRNO__DIALECT;
}

static int dialect_detect(struct bc_object *obj)
{
	struct bc_verdict v;
	int best, err;

	err = bc_detect_verdict(obj->elf, &v);
	if (err) {
		pr_warn("open: %s: dialect detection failed: %s\n", obj->path,
			strerror(-err));
		return err;
	}
	best = v.cnt ? v.score[0] : 0;
	if (best <= 0) {
		pr_warn("open: %s: cannot tell which loader convention this object follows; use --dialect\n",
			obj->path);
		return -BC_ERRNO__DIALECT;
	}
	/* A tie is no verdict: guessing would load with the wrong rules. */
	if (v.cnt > 1 && v.score[1] == best) {
		pr_warn("open: %s: dialects '%s' and '%s' fit equally well (score %d); use --dialect\n",
			obj->path, bc_dialect__name(v.dialect[0]),
			bc_dialect__name(v.dialect[1]), best);
		return -BC_ERRNO__DIALECT;
	}
	obj->dialect = v.dialect[0];
	pr_debug("open: %s: detected dialect '%s' (score %d)\n", obj->path,
		 bc_dialect__name(obj->dialect), best);
	return 0;
}

static int choose_dialect(struct bc_object *obj, const char *name)
{
	return name ? dialect_by_name(obj, name) : dialect_detect(obj);
}

static int apply_param(struct bc_object *obj, const char *param)
{
	const struct bc_dialect_ops *ops = obj->dialect->ops;
	int (*hook)(struct bc_object *, const char *, const char *);
	const char *eq = param ? strchr(param, '=') : NULL;
	const char *dname = bc_dialect__name(obj->dialect);
	char *key;
	int err;

	if (!eq || eq == param) {
		pr_warn("open: %s: parameter '%s' is not key=value\n",
			obj->path, param ? param : "(null)");
		return -BC_ERRNO__PARAM;
	}
	key = bc_strndup(param, eq - param);
	if (!key)
		return -ENOMEM;
	hook = BC_OPS_GET(ops, param);
	err = hook ? hook(obj, key, eq + 1) : -ENOENT;
	if (err == -ENOENT) {
		pr_warn("open: %s: dialect '%s' has no parameter '%s'\n",
			obj->path, dname, key);
		err = -BC_ERRNO__PARAM;
	} else if (err) {
		pr_warn("open: %s: dialect '%s': parameter '%s' refused\n",
			obj->path, dname, key);
	} else {
		err = bc_attr_add(&obj->params, &obj->param_cnt, key, eq + 1);
	}
	free(key);
	return err;
}

static int apply_params(struct bc_object *obj,
			const char *const *params, size_t cnt)
{
	size_t i;
	int err;

	if (cnt && !params)
		return -EINVAL;
	for (i = 0; i < cnt; i++) {
		err = apply_param(obj, params[i]);
		if (err)
			return err;
	}
	return 0;
}

static int object_elf_open(struct bc_object *obj)
{
	return bc_elf_open(obj->buf, obj->size, obj->path, &obj->elf);
}

/*
 * In check mode a refused collection is a result, not a failure: the
 * refusal is a finding and the object stays open to be examined.
 */
static int open_collect(struct bc_object *obj)
{
	struct bc_check_watch w;

	bc_check_watch(obj, &w);
	return bc_check_watched(obj, &w, NULL, "object", bc_collect(obj));
}

static int core_btf_path(struct bc_object *obj, const char *path)
{
	if (!path)
		return 0;
	obj->core_btf_path = bc_strdup(path);
	return obj->core_btf_path ? 0 : -ENOMEM;
}

static int kconfig_extra(struct bc_object *obj, const char *lines)
{
	if (!lines)
		return 0;
	obj->kconfig_extra = bc_strdup(lines);
	return obj->kconfig_extra ? 0 : -ENOMEM;
}

/* The stages after reading: one chain, one error exit. */
static struct bc_object *object_open(struct bc_object *obj,
				     const struct bc_open_opts *opts)
{
	int err;

	err = object_elf_open(obj);
	err = err ?: choose_dialect(obj, OPTS_GET(opts, dialect, NULL));
	err = err ?: apply_params(obj, OPTS_GET(opts, params, NULL),
				  OPTS_GET(opts, param_cnt, 0));
	obj->checking = OPTS_GET(opts, check, false);
	err = err ?: core_btf_path(obj, OPTS_GET(opts, btf_custom_path, NULL));
	err = err ?: kconfig_extra(obj, OPTS_GET(opts, kconfig, NULL));
	err = err ?: open_collect(obj);
	if (err) {
		bc_object__close(obj);
		return bc_err_ptr(err);
	}
	return obj;
}

struct bc_object *bc_object__open_file(const char *path,
				       const struct bc_open_opts *opts)
{
	struct bc_object *obj;
	size_t size = 0;
	void *buf = NULL;
	int err;

	if (!path)
		return bc_err_ptr(-EINVAL);
	err = open_opts_check(opts);
	err = err ?: read_file(path, &buf, &size);
	if (err)
		return bc_err_ptr(err);
	obj = object_new(buf, buf, size, path);
	if (!obj)
		return bc_err_ptr(-ENOMEM);
	return object_open(obj, opts);
}

struct bc_object *bc_object__open_mem(const void *buf, size_t size,
				      const struct bc_open_opts *opts)
{
	struct bc_object *obj;
	const char *name;
	void *copy;
	int err;

	if (!buf || !size)
		return bc_err_ptr(-EINVAL);
	err = open_opts_check(opts);
	if (err)
		return bc_err_ptr(err);
	if (size > BC_MAX_OBJECT_SIZE) {
		pr_warn("open: mem: size %zu exceeds the %u-byte limit\n",
			size, BC_MAX_OBJECT_SIZE);
		return bc_err_ptr(-EFBIG);
	}
	name = OPTS_GET(opts, object_name, NULL);
	copy = NULL;
	if (!OPTS_GET(opts, borrow_buf, false)) {
		copy = malloc(size);
		if (!copy)
			return bc_err_ptr(-ENOMEM);
		memcpy(copy, buf, size);
		buf = copy;
	}
	obj = object_new(buf, copy, size, name ? name : "mem");
	if (!obj)
		return bc_err_ptr(-ENOMEM);
	return object_open(obj, opts);
}

/* ---- teardown ----------------------------------------------------------- */

static void map_free(struct bc_map *map)
{
	if (!map)
		return;
	if (map->fd >= 0)
		close(map->fd);
	if (!map->elf_names) {
		free(map->name);
		free(map->sec_name);
		free(map->sym_name);
	}
	free(map->init);
	if (map->attrs)		/* most maps have none */
		bc_attrs_free(map->attrs, map->attr_cnt);
	free(map->pin_path);
}

static void prog_free(struct bc_prog *prog)
{
	if (!prog)
		return;
	if (prog->fd >= 0)
		close(prog->fd);
	if (!prog->elf_names) {
		free(prog->name);
		free(prog->sec_name);
	}
	if (!prog->elf_insns)
		free(prog->insns);
	free(prog->attach_target);
	if (prog->params)	/* most programs have none */
		bc_attrs_free(prog->params, prog->param_cnt);
	if (prog->linked_own)	/* else in obj->code, as fixups in obj->fixups */
		free(prog->linked);
	free(prog->log);
}

void bc_object__close(struct bc_object *obj)
{
	void (*release)(struct bc_object *);
	size_t i;

	if (!obj)
		return;
	bc_object__detach(obj);
	release = obj->dialect ? BC_OPS_GET(obj->dialect->ops, release) : NULL;
	if (release)
		release(obj);
	bc_btf_release(obj);
	for (i = 0; i < obj->prog_cnt; i++)
		prog_free(obj->progs[i]);
	free(obj->fixups);
	free(obj->spans);
	free(obj->code);
	for (i = 0; i < obj->map_cnt; i++)
		map_free(obj->maps[i]);
	free(obj->inits);
	bc_plan_drop_pending(obj);
	bc_object_plan_reset(obj);
	free(obj->plan);
	free(obj->core_btf_path);
	free(obj->kcfg);
	free(obj->kcfg_by_name);
	free(obj->ksyms);
	free(obj->ksym_void);
	free(obj->kconfig_extra);
	bc_attrs_free(obj->params, obj->param_cnt);
	bc_findings_free(obj);
	object_chunks_free(obj);
	bc_elf_close(obj->elf);
	free(obj->buf_owned);
	if (!obj->strs_inline) {
		free(obj->license);
		free(obj->path);
		free(obj->name);
	}
	free(obj);
}

/* ---- object getters ----------------------------------------------------- */

const char *bc_object__name(const struct bc_object *obj)
{
	return obj ? obj->name : NULL;
}

const char *bc_object__path(const struct bc_object *obj)
{
	return obj ? obj->path : NULL;
}

const struct bc_dialect *bc_object__dialect(const struct bc_object *obj)
{
	return obj ? obj->dialect : NULL;
}

const char *bc_object__license(const struct bc_object *obj)
{
	return obj ? obj->license : NULL;
}

__u32 bc_object__kversion(const struct bc_object *obj, bool *explicit_)
{
	if (explicit_)
		*explicit_ = obj ? obj->kversion_explicit : false;
	return obj ? obj->kversion : 0;
}

bool bc_object_foreign_endian(const struct bc_object *obj)
{
	return obj->elf &&
	       obj->elf->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
}

bool bc_object__big_endian(const struct bc_object *obj)
{
	return obj && obj->elf ? obj->elf->big_endian : false;
}

/*
 * Hashing the whole object costs more than opening it, and only pin
 * templates and reports use the digest: compute it on first use.
 */
const char *bc_object_sha1(const struct bc_object *obj)
{
	char *memo = (char *)obj->sha1;

	if (!memo[0] && obj->buf)
		bc_sha1_hex(obj->buf, obj->size, memo);
	return obj->sha1;
}

const char *bc_object__sha1(const struct bc_object *obj)
{
	return obj ? bc_object_sha1(obj) : NULL;
}

size_t bc_object__map_cnt(const struct bc_object *obj)
{
	return obj ? obj->map_cnt : 0;
}

struct bc_map *bc_object__map(const struct bc_object *obj, size_t i)
{
	if (!obj || i >= obj->map_cnt)
		return bc_err_ptr(-ENOENT);
	return obj->maps[i];
}

struct bc_map *bc_object__find_map(const struct bc_object *obj,
				   const char *name)
{
	struct bc_map *map;

	if (!obj || !name)
		return bc_err_ptr(-EINVAL);
	map = bc_object_map_by_name(obj, name);
	return map ? map : bc_err_ptr(-ENOENT);
}

size_t bc_object__prog_cnt(const struct bc_object *obj)
{
	return obj ? obj->prog_cnt : 0;
}

struct bc_prog *bc_object__prog(const struct bc_object *obj, size_t i)
{
	if (!obj || i >= obj->prog_cnt)
		return bc_err_ptr(-ENOENT);
	return obj->progs[i];
}

struct bc_prog *bc_object__find_prog(const struct bc_object *obj,
				     const char *name)
{
	struct bc_prog *prog;

	if (!obj || !name)
		return bc_err_ptr(-EINVAL);
	prog = bc_object_prog_by_name(obj, name);
	return prog ? prog : bc_err_ptr(-ENOENT);
}

size_t bc_object__init_cnt(const struct bc_object *obj)
{
	return obj ? obj->init_cnt : 0;
}

int bc_object__init(const struct bc_object *obj, size_t i,
		    const struct bc_map **map, __u32 *key,
		    const struct bc_prog **prog, const struct bc_map **inner)
{
	const struct bc_init *in;
	bool is_prog;

	if (!obj)
		return bc_err(-EINVAL);
	if (i >= obj->init_cnt)
		return bc_err(-ENOENT);
	in = &obj->inits[i];
	is_prog = in->kind == BC_INIT_PROG;
	if (in->map_idx >= obj->map_cnt ||
	    in->target >= (is_prog ? obj->prog_cnt : obj->map_cnt))
		return bc_err(-EINVAL);
	if (map)
		*map = obj->maps[in->map_idx];
	if (key)
		*key = in->key;
	if (prog)
		*prog = is_prog ? obj->progs[in->target] : NULL;
	if (inner)
		*inner = is_prog ? NULL : obj->maps[in->target];
	return 0;
}

/*
 * A dry run's steps are rendered here, on first use: the text is a cache
 * of the plan, so the object stays logically const.
 */
static int plan_rendered(const struct bc_object *obj)
{
	return obj->plan_pending ?
	       bc_plan_render_pending((struct bc_object *)obj) : 0;
}

size_t bc_object__plan_cnt(const struct bc_object *obj)
{
	int err;

	if (!obj)
		return 0;
	err = plan_rendered(obj);
	if (err) {
		errno = -err;
		return 0;
	}
	return obj->plan_cnt;
}

const char *bc_object__plan_step(const struct bc_object *obj, size_t i)
{
	int err;

	if (!obj)
		return bc_err_ptr(-ENOENT);
	err = plan_rendered(obj);
	if (err)
		return bc_err_ptr(err);
	if (i >= obj->plan_cnt)
		return bc_err_ptr(-ENOENT);
	return obj->plan[i];
}

/* ---- map getters -------------------------------------------------------- */

const char *bc_map__name(const struct bc_map *map)
{
	return map ? map->name : NULL;
}

enum bc_map_kind bc_map__kind(const struct bc_map *map)
{
	return map ? map->kind : BC_MAP_USER;
}

__u32 bc_map__type(const struct bc_map *map)
{
	return map ? map->type : 0;
}

__u32 bc_map__key_size(const struct bc_map *map)
{
	return map ? map->key_size : 0;
}

__u32 bc_map__value_size(const struct bc_map *map)
{
	return map ? map->value_size : 0;
}

__u32 bc_map__max_entries(const struct bc_map *map)
{
	return map ? map->max_entries : 0;
}

__u32 bc_map__flags(const struct bc_map *map)
{
	return map ? map->map_flags : 0;
}

__u32 bc_map__numa_node(const struct bc_map *map)
{
	return map ? map->numa_node : 0;
}

__u64 bc_map__map_extra(const struct bc_map *map)
{
	return map ? map->map_extra : 0;
}

__u32 bc_map__pinning(const struct bc_map *map)
{
	return map ? map->pinning : 0;
}

const char *bc_map__pin_path(const struct bc_map *map)
{
	return map ? map->pin_path : NULL;
}

const struct bc_map *bc_map__inner(const struct bc_map *map)
{
	if (!map || map->inner_idx < 0 ||
	    (size_t)map->inner_idx >= map->obj->map_cnt)
		return NULL;
	return map->obj->maps[map->inner_idx];
}

const char *bc_map__section(const struct bc_map *map)
{
	return map ? map->sec_name : NULL;
}

__u64 bc_map__offset(const struct bc_map *map)
{
	return map ? map->sec_off : 0;
}

size_t bc_map__attr_cnt(const struct bc_map *map)
{
	return map ? map->attr_cnt : 0;
}

const char *bc_map__attr(const struct bc_map *map, size_t i,
			 const char **value)
{
	if (!map || i >= map->attr_cnt)
		return bc_err_ptr(-ENOENT);
	if (value)
		*value = map->attrs[i].value;
	return map->attrs[i].key;
}

int bc_map__fd(const struct bc_map *map)
{
	return map ? map->fd : bc_err(-EINVAL);
}

__u32 bc_map__id(const struct bc_map *map)
{
	return map ? map->id : 0;
}

bool bc_map__reused(const struct bc_map *map)
{
	return map ? map->reused : false;
}

/* ---- program getters ---------------------------------------------------- */

const char *bc_prog__name(const struct bc_prog *prog)
{
	return prog ? prog->name : NULL;
}

const char *bc_prog__section(const struct bc_prog *prog)
{
	return prog ? prog->sec_name : NULL;
}

__u32 bc_prog__type(const struct bc_prog *prog)
{
	return prog ? prog->type : 0;
}

__u32 bc_prog__expected_attach_type(const struct bc_prog *prog)
{
	return prog ? prog->expected_attach_type : 0;
}

const char *bc_prog__attach_target(const struct bc_prog *prog)
{
	return prog ? prog->attach_target : NULL;
}

__u32 bc_prog__flags(const struct bc_prog *prog)
{
	return prog ? prog->prog_flags : 0;
}

bool bc_prog__autoload(const struct bc_prog *prog)
{
	return prog ? prog->autoload : false;
}

int bc_prog__set_autoload(struct bc_prog *prog, bool autoload)
{
	if (!prog)
		return bc_err(-EINVAL);
	if (prog->obj && prog->obj->loaded)
		return bc_err(-EBUSY);
	prog->autoload = autoload;
	return 0;
}

__u64 bc_prog__offset(const struct bc_prog *prog)
{
	return prog ? prog->sec_off : 0;
}

size_t bc_prog__insn_cnt(const struct bc_prog *prog)
{
	if (!prog)
		return 0;
	if (prog->obj && prog->obj->relocated && prog->linked)
		return prog->linked_cnt;
	return prog->insn_cnt;
}

const void *bc_prog__insns(const struct bc_prog *prog)
{
	if (!prog)
		return NULL;
	if (prog->obj && prog->obj->relocated && prog->linked)
		return prog->linked;
	return prog->insns;
}

size_t bc_prog__param_cnt(const struct bc_prog *prog)
{
	return prog ? prog->param_cnt : 0;
}

const char *bc_prog__param(const struct bc_prog *prog, size_t i,
			   const char **value)
{
	if (!prog || i >= prog->param_cnt)
		return bc_err_ptr(-ENOENT);
	if (value)
		*value = prog->params[i].value;
	return prog->params[i].key;
}

int bc_prog__fd(const struct bc_prog *prog)
{
	return prog ? prog->fd : bc_err(-EINVAL);
}

__u32 bc_prog__id(const struct bc_prog *prog)
{
	return prog ? prog->id : 0;
}

const char *bc_prog__tag(const struct bc_prog *prog)
{
	return prog ? prog->tag : "";
}

const char *bc_prog__log(const struct bc_prog *prog)
{
	return prog && prog->log ? prog->log : "";
}
