// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Plan, then act. The plan is built without side effects; the dry-run
 * backend renders it, the kernel backend executes it and, on the first
 * failure, undoes everything the call created.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "btf.h"
#include "dialect.h"
#include "kconfig.h"
#include "ksym.h"
#include "load.h"
#include "pin.h"
#include "pool.h"

#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* OPTS_GET: a caller built against an older header gets the default. */
#define LOAD_OPT(opts, field, def)					\
	((opts) && (opts)->sz >= offsetofend(struct bc_load_opts, field) ? \
	 (opts)->field : (def))

#define LOG_SIZE_START		(64U << 10)
#define LOG_SIZE_DEFAULT_MAX	(16U << 20)
#define LOG_SIZE_KERNEL_MAX	(UINT32_MAX >> 2)

static bool load_opts_valid(const struct bc_load_opts *opts)
{
	size_t known = offsetofend(struct bc_load_opts,
				   bc_load_opts__last_field);
	const char *p;

	if (!opts)
		return true;
	if (opts->sz < sizeof(size_t)) {
		pr_warn("bc_load_opts: size %zu is too small\n", opts->sz);
		return false;
	}
	for (p = (const char *)opts + known; p < (const char *)opts + opts->sz;
	     p++) {
		if (*p) {
			pr_warn("bc_load_opts has non-zero extra bytes\n");
			return false;
		}
	}
	return true;
}

/* The kernel takes 15 characters of [A-Za-z0-9_.] as an object name. */
static void kernel_name(const char *name, char out[BC_KERNEL_NAME_LEN])
{
	size_t i;

	for (i = 0; name && name[i] && i < BC_KERNEL_NAME_LEN - 1; i++) {
		char c = name[i];

		out[i] = (isalnum((unsigned char)c) || c == '_' || c == '.') ?
			 c : '_';
	}
	out[i] = '\0';
}

static const char *map_type_str(__u32 type, char *buf, size_t size)
{
	const char *name = bc_map_type_name(type);

	if (name)
		return name;
	snprintf(buf, size, "type %u", type);
	return buf;
}

static const char *prog_type_str(__u32 type, char *buf, size_t size)
{
	const char *name = bc_prog_type_name(type);

	if (name)
		return name;
	snprintf(buf, size, "type %u", type);
	return buf;
}

/* ---- fault injection ------------------------------------------------------ */

/*
 * Test-only, inert unless set: BPFCOMPAT_FAULT_INJECT=KIND:N[:ERRNO] makes
 * the N-th kernel step of KIND in each kernel load fail with ERRNO
 * (default EIO) instead of being made, so tests can prove rollback after
 * a failure at every step. Read at the start of every kernel load.
 */
enum fault_kind {
	FAULT_MAP_CREATE,
	FAULT_MAP_FILL,
	FAULT_MAP_PIN,
	FAULT_PROG_LOAD,
	FAULT_SLOT_INSERT,
	FAULT_PROG_PIN,
	FAULT_ANY,
	FAULT_NONE,
};

static const char *const fault_names[] = {
	[FAULT_MAP_CREATE] = "map_create",
	[FAULT_MAP_FILL] = "map_fill",
	[FAULT_MAP_PIN] = "map_pin",
	[FAULT_PROG_LOAD] = "prog_load",
	[FAULT_SLOT_INSERT] = "slot_insert",
	[FAULT_PROG_PIN] = "prog_pin",
	[FAULT_ANY] = "any",
};

/* Program loads run on a pool: the counter is shared by its threads. */
static struct {
	enum fault_kind kind;
	unsigned long nth;
	int err;
	unsigned long seen;
} fault = { .kind = FAULT_NONE };

static int fault_setup(void)
{
	const char *spec = getenv("BPFCOMPAT_FAULT_INJECT");
	char kind[16], *end;
	unsigned long nth, err = EIO;
	size_t i, len;

	fault.kind = FAULT_NONE;
	fault.seen = 0;
	if (!spec || !spec[0])
		return 0;
	len = strcspn(spec, ":");
	for (i = 0; i < ARRAY_SIZE(fault_names) && len < sizeof(kind); i++) {
		if (strlen(fault_names[i]) == len &&
		    !strncmp(spec, fault_names[i], len))
			break;
	}
	if (i == ARRAY_SIZE(fault_names) || spec[len] != ':')
		goto bad;
	errno = 0;
	nth = strtoul(spec + len + 1, &end, 10);
	if (errno || !nth || (*end && *end != ':'))
		goto bad;
	if (*end == ':') {
		err = strtoul(end + 1, &end, 10);
		if (errno || *end || !err || err > 4095)
			goto bad;
	}
	fault.kind = i;
	fault.nth = nth;
	fault.err = err;
	return 0;
bad:
	pr_warn("load: BPFCOMPAT_FAULT_INJECT='%s' is not KIND:N[:ERRNO]\n",
		spec);
	return -EINVAL;
}

/* 0, or the injected -errno if this is the step chosen to fail. */
static int fault_hit(enum fault_kind kind, const char *what)
{
	if (fault.kind == FAULT_NONE ||
	    (fault.kind != kind && fault.kind != FAULT_ANY))
		return 0;
	if (__atomic_add_fetch(&fault.seen, 1, __ATOMIC_SEQ_CST) != fault.nth)
		return 0;
	pr_warn("%s: injected fault at %s step %lu: %s\n", what,
		fault_names[kind], fault.nth, strerror(fault.err));
	return -fault.err;
}

/* ---- plan --------------------------------------------------------------- */

static struct bc_step *plan_mem_steps(const struct bc_plan *plan)
{
	return (struct bc_step *)((struct bc_plan *)plan->mem + 1);
}

/* Steps beyond bc_plan_build()'s room move out of plan->mem. */
static __attribute__((cold, noinline)) int plan_grow(struct bc_plan *plan)
{
	size_t cap = plan->cap;
	struct bc_step *steps;

	if (plan->steps != plan_mem_steps(plan)) {
		steps = bc_grow(plan->steps, &plan->cap, plan->cnt + 1,
				sizeof(*steps));
	} else {
		steps = bc_grow(NULL, &cap, plan->cnt + 1, sizeof(*steps));
		if (steps) {
			memcpy(steps, plan->steps, plan->cnt * sizeof(*steps));
			plan->cap = cap;
		}
	}
	if (!steps)
		return -ENOMEM;
	plan->steps = steps;
	return 0;
}

static inline int plan_add(struct bc_plan *plan, enum bc_step_kind kind,
			   size_t idx, char *path)
{
	struct bc_step *step;

	/* bc_plan_build() made room for all but program pins. */
	if (plan->cnt == plan->cap && plan_grow(plan)) {
		free(path);
		return -ENOMEM;
	}
	step = &plan->steps[plan->cnt++];
	step->kind = kind;
	step->idx = idx;
	step->path = path;
	plan->path_cnt += !!path;
	return 0;
}

/* The dialect's own default root (an environment variable, say). */
static int plan_dialect_root(struct bc_object *obj, char **root)
{
	const struct bc_dialect *d = obj->dialect;
	int (*hook)(struct bc_object *obj, char **root);

	*root = NULL;
	hook = d ? BC_OPS_GET(d->ops, bpffs_root) : NULL;
	return hook ? hook(obj, root) : 0;
}

static int plan_root(struct bc_object *obj, const struct bc_load_opts *opts,
		     char **root)
{
	const char *user = LOAD_OPT(opts, bpffs, NULL);
	char *dflt = NULL;
	size_t len;
	int err;

	if (!user || !user[0]) {
		err = plan_dialect_root(obj, &dflt);
		if (err)
			return err;
		user = dflt;
	}
	/* No root given: found in the mounts when a pin first needs it. */
	if (!user)
		return 0;
	if (user[0] != '/') {
		pr_warn("load: bpffs root '%s' is not an absolute path\n",
			user);
		free(dflt);
		return -EINVAL;
	}
	len = strlen(user);
	while (len > 1 && user[len - 1] == '/')
		len--;
	*root = bc_strndup(user, len);
	free(dflt);
	return *root ? 0 : -ENOMEM;
}

static int plan_pin_hook(struct bc_object *obj, struct bc_map *map,
			 const char *root, char **path)
{
	int (*hook)(struct bc_object *, struct bc_map *, const char *,
		    char **);
	char what[300], *raw = NULL;
	int err;

	hook = BC_OPS_GET(obj->dialect->ops, pin_path);
	if (!hook) {
		pr_warn("map '%s': pinning %u needs dialect '%s' pin_path hook, which it lacks\n",
			map->name, map->pinning, obj->dialect->desc->name);
		return -BC_ERRNO__DESC;
	}
	err = hook(obj, map, root, &raw);
	if (err || !raw)
		return err;
	/* Hooks build paths from object data too: confine them the same way. */
	snprintf(what, sizeof(what), "map '%s'", map->name);
	err = bc_pin_confine(root, raw, what, path);
	free(raw);
	return err;
}

/*
 * The mounted bpffs, looked up only once a map is to be pinned: reading
 * the mount table costs more than opening a small object.
 */
static int plan_mounted_root(struct bc_plan *plan)
{
	if (plan->bpffs || !bc_pin_find_bpffs(&plan->bpffs))
		return 0;
	/* Nothing mounted: the kernel backend mounts the default. */
	plan->bpffs = bc_strdup(BC_BPFFS_DEFAULT);
	return plan->bpffs ? 0 : -ENOMEM;
}

static int plan_pin_path(struct bc_object *obj, struct bc_map *map,
			 struct bc_plan *plan, char **path)
{
	const struct bc_desc_pin *pin;
	int err;

	*path = NULL;
	if (map->kind == BC_MAP_INNER || !obj->dialect || !obj->dialect->desc)
		return 0;
	pin = bc_desc_pin_for(obj->dialect->desc, map->pinning);
	if (!pin)
		return 0;
	switch (pin->kind) {
	case BC_PIN_KIND_NONE:
		return 0;
	case BC_PIN_KIND_PATH:
		err = plan_mounted_root(plan);
		return err ?: bc_pin_expand(obj, map, pin->text, plan->bpffs,
					    path);
	case BC_PIN_KIND_HOOK:
		err = plan_mounted_root(plan);
		return err ?: plan_pin_hook(obj, map, plan->bpffs, path);
	case BC_PIN_KIND_ERROR:
	default:
		pr_warn("map '%s': pinning %u: %s\n", map->name, map->pinning,
			pin->text ? pin->text : "not supported");
		return -BC_ERRNO__UNSUPP;
	}
}

enum { MAP_UNSEEN, MAP_VISITING, MAP_PLANNED };

/* Plan map i after its inner template (which may come later in the object). */
static int plan_map(struct bc_object *obj, struct bc_plan *plan, size_t i,
		    unsigned char *state)
{
	struct bc_map *map = obj->maps[i];
	char *path;
	int err;

	if (state[i] == MAP_PLANNED)
		return 0;
	if (state[i] == MAP_VISITING) {
		pr_warn("map '%s': inner map templates form a cycle\n",
			map->name);
		return -BC_ERRNO__FORMAT;
	}
	state[i] = MAP_VISITING;
	if (map->inner_idx >= 0) {
		if ((size_t)map->inner_idx >= obj->map_cnt) {
			pr_warn("map '%s': inner map index %d out of range\n",
				map->name, map->inner_idx);
			return -BC_ERRNO__FORMAT;
		}
		err = plan_map(obj, plan, map->inner_idx, state);
		if (err)
			return err;
	}
	err = plan_pin_path(obj, map, plan, &path);
	if (err)
		return err;
	if (map->pin_path) {	/* from an earlier plan */
		free(map->pin_path);
		map->pin_path = NULL;
	}
	if (path) {
		map->pin_path = bc_strdup(path);
		if (!map->pin_path) {
			free(path);
			return -ENOMEM;
		}
	}
	state[i] = MAP_PLANNED;
	return plan_add(plan, BC_STEP_MAP, i, path);
}

static int plan_maps(struct bc_object *obj, struct bc_plan *plan)
{
	unsigned char small[64] = {}, *state = small;
	size_t i;
	int err = 0;

	/* Most objects have a few maps: no allocation for their state. */
	if (obj->map_cnt > sizeof(small)) {
		state = calloc(obj->map_cnt, 1);
		if (!state)
			return -ENOMEM;
	}
	for (i = 0; i < obj->map_cnt && !err; i++)
		err = plan_map(obj, plan, i, state);
	if (state != small)
		free(state);
	return err;
}

static bool prog_planned(const struct bc_prog *prog)
{
	return prog->autoload && prog->linked;
}

static int plan_progs(struct bc_object *obj, struct bc_plan *plan)
{
	size_t i;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		if (!prog_planned(obj->progs[i]))
			continue;
		err = plan_add(plan, BC_STEP_PROG, i, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int plan_inits(struct bc_object *obj, struct bc_plan *plan)
{
	const struct bc_init *init;
	size_t i, cnt;
	int err;

	for (i = 0; i < obj->init_cnt; i++) {
		init = &obj->inits[i];
		cnt = init->kind == BC_INIT_PROG ? obj->prog_cnt : obj->map_cnt;
		if (init->map_idx >= obj->map_cnt || init->target >= cnt) {
			pr_warn("object '%s': slot insert %zu refers to a missing map or program\n",
				obj->name, i);
			return -EINVAL;
		}
		/* A tail call into a program we do not load stays empty. */
		if (init->kind == BC_INIT_PROG &&
		    !prog_planned(obj->progs[init->target])) {
			pr_debug("map '%s': key %u: prog '%s' is not loaded, slot left empty\n",
				 obj->maps[init->map_idx]->name, init->key,
				 obj->progs[init->target]->name);
			continue;
		}
		err = plan_add(plan, BC_STEP_INIT, i, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int plan_prog_pins(struct bc_object *obj, struct bc_plan *plan,
			  const char *dir)
{
	size_t i, j, cnt = plan->cnt;
	char what[300], *name, *path;
	struct bc_prog *prog;
	int err;

	for (i = 0; i < cnt; i++) {
		if (plan->steps[i].kind != BC_STEP_PROG)
			continue;
		prog = obj->progs[plan->steps[i].idx];
		name = bc_strdup(prog->name);
		if (!name)
			return -ENOMEM;
		bc_pin_sanitize_name(name);
		snprintf(what, sizeof(what), "prog '%s'", prog->name);
		err = bc_pin_join(dir, name, what, &path);
		free(name);
		if (err)
			return err;
		for (j = cnt; j < plan->cnt; j++) {
			if (strcmp(plan->steps[j].path, path))
				continue;
			pr_warn("prog '%s': pin path %s is taken by another program\n",
				prog->name, path);
			free(path);
			return -BC_ERRNO__PIN;
		}
		err = plan_add(plan, BC_STEP_PIN_PROG, plan->steps[i].idx,
			       path);
		if (err)
			return err;
	}
	return 0;
}

int bc_plan_build(struct bc_object *obj, const struct bc_load_opts *opts,
		  struct bc_plan *plan)
{
	const char *pin_progs = LOAD_OPT(opts, pin_progs, NULL);
	int err;

	memset(plan, 0, sizeof(*plan));
	/* A step per map, program and slot insert at most. */
	plan->cap = obj->map_cnt + obj->prog_cnt + obj->init_cnt;
	if (plan->cap > (SIZE_MAX - sizeof(*plan)) / sizeof(*plan->steps))
		return -ENOMEM;
	plan->mem = malloc(sizeof(*plan) + plan->cap * sizeof(*plan->steps));
	if (!plan->mem)
		return -ENOMEM;
	plan->steps = plan_mem_steps(plan);
	err = plan_root(obj, opts, &plan->bpffs);
	err = err ?: plan_maps(obj, plan);
	err = err ?: plan_progs(obj, plan);
	err = err ?: plan_inits(obj, plan);
	if (!err && pin_progs && pin_progs[0])
		err = plan_prog_pins(obj, plan, pin_progs);
	if (err)
		bc_plan_free(plan);
	return err;
}

/* plan may be the copy kept inside its own plan->mem. */
void bc_plan_free(struct bc_plan *plan)
{
	struct bc_plan p;
	size_t i;

	if (!plan)
		return;
	p = *plan;
	memset(plan, 0, sizeof(*plan));
	for (i = 0; p.path_cnt && i < p.cnt; i++)
		free(p.steps[i].path);
	if (!p.mem || p.steps != plan_mem_steps(&p))
		free(p.steps);
	free(p.bpffs);
	free(p.mem);
}

/* ---- rendering ---------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void line_add(char *buf, size_t size, size_t *len, const char *fmt,
		     ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = min(*len + n, size);
}

static int render_map(struct bc_object *obj, const struct bc_step *step)
{
	const struct bc_map *map = obj->maps[step->idx];
	char line[PATH_MAX + 512], tbuf[32];
	size_t len = 0;

	line_add(line, sizeof(line), &len,
		 "map %s: create %s key %u value %u max %u flags 0x%x",
		 map->name, map_type_str(map->type, tbuf, sizeof(tbuf)),
		 map->key_size, map->value_size, map->max_entries,
		 map->map_flags);
	if (map->map_extra)
		line_add(line, sizeof(line), &len, " extra 0x%llx",
			 (unsigned long long)map->map_extra);
	if (map->numa_node)
		line_add(line, sizeof(line), &len, " numa %u", map->numa_node);
	if (map->inner_idx >= 0)
		line_add(line, sizeof(line), &len, ", inner map %s",
			 obj->maps[map->inner_idx]->name);
	if (map->init)
		line_add(line, sizeof(line), &len, ", fill %u bytes",
			 map->value_size);
	if (map->freeze)
		line_add(line, sizeof(line), &len, ", freeze");
	if (step->path)
		line_add(line, sizeof(line), &len,
			 ", pin %s (reuse if compatible)", step->path);
	return bc_object_plan_add(obj, "%s", line);
}

static int render_prog(struct bc_object *obj, const struct bc_step *step)
{
	const struct bc_prog *prog = obj->progs[step->idx];
	const char *attach = bc_attach_type_name(prog->expected_attach_type);
	char line[512], tbuf[32];
	size_t len = 0, ksyms = 0, i;

	for (i = 0; i < prog->fixup_cnt; i++)
		ksyms += prog->fixups[i].kind == BC_FIX_KFUNC ||
			 prog->fixups[i].kind == BC_FIX_KSYM;
	line_add(line, sizeof(line), &len,
		 "prog %s: load %s, %zu insns, %zu map fixups", prog->name,
		 prog_type_str(prog->type, tbuf, sizeof(tbuf)),
		 prog->linked_cnt, prog->fixup_cnt - ksyms);
	if (ksyms)
		line_add(line, sizeof(line), &len, ", %zu kernel symbols",
			 ksyms);
	if (prog->expected_attach_type)
		line_add(line, sizeof(line), &len, ", expected attach %s",
			 attach ? attach : "?");
	if (prog->prog_flags)
		line_add(line, sizeof(line), &len, ", flags 0x%x",
			 prog->prog_flags);
	return bc_object_plan_add(obj, "%s", line);
}

static int render_init(struct bc_object *obj, const struct bc_step *step)
{
	const struct bc_init *init = &obj->inits[step->idx];
	bool prog = init->kind == BC_INIT_PROG;

	return bc_object_plan_add(obj, "init %s[%u] = %s %s",
				  obj->maps[init->map_idx]->name, init->key,
				  prog ? "prog" : "map",
				  prog ? obj->progs[init->target]->name :
					 obj->maps[init->target]->name);
}

int bc_plan_render(struct bc_object *obj, const struct bc_plan *plan)
{
	const struct bc_step *step;
	size_t i;
	int err = 0;

	bc_object_plan_reset(obj);
	for (i = 0; i < plan->cnt && !err; i++) {
		step = &plan->steps[i];
		switch (step->kind) {
		case BC_STEP_MAP:
			err = render_map(obj, step);
			break;
		case BC_STEP_PROG:
			err = render_prog(obj, step);
			break;
		case BC_STEP_INIT:
			err = render_init(obj, step);
			break;
		case BC_STEP_PIN_PROG:
			err = bc_object_plan_add(obj, "pin prog %s at %s",
						 obj->progs[step->idx]->name,
						 step->path);
			break;
		}
	}
	return err;
}

int bc_plan_render_pending(struct bc_object *obj)
{
	int err;

	if (!obj->plan_pending)
		return 0;
	err = bc_plan_render(obj, obj->plan_pending);
	if (err)
		return err;
	bc_plan_drop_pending(obj);
	return 0;
}

/* The kept plan lives in its own mem: freeing it frees the struct. */
void bc_plan_drop_pending(struct bc_object *obj)
{
	bc_plan_free(obj->plan_pending);
	obj->plan_pending = NULL;
}

/* The dry-run backend: keep the plan, render it when asked for. */
static int plan_keep(struct bc_object *obj, struct bc_plan *plan)
{
	struct bc_plan *keep = plan->mem;

	*keep = *plan;
	memset(plan, 0, sizeof(*plan));
	bc_plan_drop_pending(obj);
	bc_object_plan_reset(obj);
	obj->plan_pending = keep;
	return 0;
}

/* ---- kernel backend: maps ------------------------------------------------- */

struct bc_exec {
	struct bc_object *obj;
	const struct bc_plan *plan;
	const struct bc_load_opts *opts;
	struct bc_pin_journal journal;	/* pins and dirs this call made */
	__u32 log_level;
	__u32 log_size_max;
	int jobs;
};

static void describe_map(char *buf, size_t size, __u32 type, __u32 key,
			 __u32 value, __u32 max, __u32 flags, __u64 extra)
{
	char tbuf[32];
	size_t len = 0;

	line_add(buf, size, &len, "%s key %u value %u max %u flags 0x%x",
		 map_type_str(type, tbuf, sizeof(tbuf)), key, value, max,
		 flags);
	if (extra)
		line_add(buf, size, &len, " extra 0x%llx",
			 (unsigned long long)extra);
}

static bool map_compatible(const struct bc_map *map,
			   const struct bpf_map_info *info, const char *path)
{
	char have[160], want[160];

	if (info->type == map->type && info->key_size == map->key_size &&
	    info->value_size == map->value_size &&
	    info->max_entries == map->max_entries &&
	    info->map_flags == map->map_flags &&
	    info->map_extra == map->map_extra)
		return true;
	describe_map(have, sizeof(have), info->type, info->key_size,
		     info->value_size, info->max_entries, info->map_flags,
		     info->map_extra);
	describe_map(want, sizeof(want), map->type, map->key_size,
		     map->value_size, map->max_entries, map->map_flags,
		     map->map_extra);
	pr_warn("map '%s': pinned map at %s has %s, object wants %s\n",
		map->name, path, have, want);
	return false;
}

/* A pin can hold a program or link too; only a map may be reused. */
static bool fd_is_map(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return true;	/* no procfs: let the info check decide */
	target[n] = '\0';
	return !strcmp(target, "anon_inode:bpf-map");
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len);
}

/* Returns 1 if an existing pin was reused, 0 if nothing is pinned there. */
static int map_reuse(struct bc_map *map, const char *path)
{
	struct bpf_map_info info;
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (fd == -ENOENT)
			return 0;
		pr_warn("map '%s': cannot open pinned object at %s: %s\n",
			map->name, path, strerror(-fd));
		return fd;
	}
	if (!fd_is_map(fd)) {
		pr_warn("map '%s': the object pinned at %s is not a map\n",
			map->name, path);
		err = -BC_ERRNO__PIN;
		goto err_close;
	}
	err = map_info(fd, &info);
	if (err) {
		pr_warn("map '%s': cannot query pinned map at %s: %s\n",
			map->name, path, strerror(-err));
		goto err_close;
	}
	if (!map_compatible(map, &info, path)) {
		err = -BC_ERRNO__PIN;
		goto err_close;
	}
	map->fd = fd;
	map->id = info.id;
	map->reused = true;
	pr_debug("map '%s': reusing pinned map id %u at %s\n", map->name,
		 info.id, path);
	return 1;

err_close:
	close(fd);
	return err;
}

static int map_create(struct bc_object *obj, struct bc_map *map)
{
	LIBBPF_OPTS(bpf_map_create_opts, o,
		.map_flags = map->map_flags,
		.map_extra = map->map_extra,
		.numa_node = map->numa_node,
	);
	char name[BC_KERNEL_NAME_LEN], want[160];
	int fd;

	if (map->inner_idx >= 0)
		o.inner_map_fd = obj->maps[map->inner_idx]->fd;
	kernel_name(map->name, name);
	fd = fault_hit(FAULT_MAP_CREATE, map->name);
	if (fd)
		return fd;
	if (obj->btf_loaded && map->btf_value_type_id) {
		o.btf_fd = obj->btf_fd;
		o.btf_key_type_id = map->btf_key_type_id;
		o.btf_value_type_id = map->btf_value_type_id;
		fd = bpf_map_create(map->type, name, map->key_size,
				    map->value_size, map->max_entries, &o);
		if (fd >= 0)
			goto created;
		/* Like libbpf: BTF the kernel refuses only costs the BTF. */
		pr_warn("map '%s': BPF_MAP_CREATE with BTF failed: %s; retrying without BTF\n",
			map->name, strerror(-fd));
		o.btf_fd = 0;
		o.btf_key_type_id = 0;
		o.btf_value_type_id = 0;
	}
	fd = bpf_map_create(map->type, name, map->key_size, map->value_size,
			    map->max_entries, &o);
	if (fd < 0) {
		describe_map(want, sizeof(want), map->type, map->key_size,
			     map->value_size, map->max_entries, map->map_flags,
			     map->map_extra);
		pr_warn("map '%s': BPF_MAP_CREATE %s failed: %s (errno %d)\n",
			map->name, want, strerror(-fd), -fd);
		return fd;
	}
created:
	map->fd = fd;
	return 0;
}

/* Global data: the section image at key 0, frozen for .rodata. */
static int map_fill(struct bc_map *map)
{
	__u32 key = 0;
	int err;

	err = map->init || map->freeze ?
	      fault_hit(FAULT_MAP_FILL, map->name) : 0;
	if (err)
		return err;
	if (map->init) {
		if (map->key_size != sizeof(key)) {
			pr_warn("map '%s': initial data needs a 4-byte key, not %u\n",
				map->name, map->key_size);
			return -EINVAL;
		}
		err = bpf_map_update_elem(map->fd, &key, map->init, BPF_ANY);
		if (err) {
			pr_warn("map '%s': cannot write initial data: %s\n",
				map->name, strerror(-err));
			return err;
		}
	}
	if (map->freeze) {
		err = bpf_map_freeze(map->fd);
		if (err) {
			pr_warn("map '%s': cannot freeze: %s\n", map->name,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

static int map_fetch_id(struct bc_map *map)
{
	struct bpf_map_info info;
	int err;

	err = map_info(map->fd, &info);
	if (err) {
		pr_warn("map '%s': cannot query map info: %s\n", map->name,
			strerror(-err));
		return err;
	}
	map->id = info.id;
	return 0;
}

static int exec_map(struct bc_exec *ex, const struct bc_step *step)
{
	struct bc_map *map = ex->obj->maps[step->idx];
	int err;

	if (step->path) {
		err = map_reuse(map, step->path);
		if (err)
			return err < 0 ? err : 0;
	}
	/* Fill and freeze before pinning: nobody may see a half-made map. */
	err = map_create(ex->obj, map);
	err = err ?: map_fill(map);
	err = err ?: map_fetch_id(map);
	if (err || !step->path)
		return err;
	err = fault_hit(FAULT_MAP_PIN, map->name) ?:
	      bc_pin_obj(&ex->journal, map->fd, step->path);
	if (err == -EEXIST) {
		/* Another loader won the race: converge on its map. */
		pr_debug("map '%s': %s appeared meanwhile, reusing it\n",
			 map->name, step->path);
		close(map->fd);
		map->fd = -1;
		map->id = 0;
		err = map_reuse(map, step->path);
		if (!err) {
			pr_warn("map '%s': pin at %s vanished while racing\n",
				map->name, step->path);
			err = -ENOENT;
		}
		return err < 0 ? err : 0;
	}
	if (err)
		pr_warn("map '%s': cannot pin at %s: %s\n", map->name,
			step->path, strerror(-err));
	return err;
}

static int exec_maps(struct bc_exec *ex)
{
	size_t i;
	int err;

	for (i = 0; i < ex->plan->cnt; i++) {
		if (ex->plan->steps[i].kind != BC_STEP_MAP)
			continue;
		err = exec_map(ex, &ex->plan->steps[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- kernel backend: programs -------------------------------------------- */

/*
 * Once every map exists, program loads are independent: a job reads the
 * object (map fds, license, version) and writes only its own prog and
 * itself, so jobs can run on any thread. Results are reported afterwards
 * in index order, keeping the output deterministic.
 */
struct prog_job {
	struct bc_prog *prog;
	const struct bc_exec *ex;
	int err;		/* 0 or a negative errno */
	int kernel_errno;	/* BPF_PROG_LOAD's errno, 0 if not reached */
	char why[256];		/* our own refusal, if not the kernel's */
};

static int job_refuse(struct prog_job *job, int err, const char *why)
{
	snprintf(job->why, sizeof(job->why), "%s", why);
	job->err = err;
	return err;
}

static int job_check_type(struct prog_job *job)
{
	switch (job->prog->type) {
	case BPF_PROG_TYPE_UNSPEC:
		return job_refuse(job, -BC_ERRNO__UNSUPP,
				  "missing BPF program type, check the ELF section name");
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
		/* exec_attach_btf() found it, or the section names none */
		if (job->prog->attach_btf_id)
			return 0;
		return job_refuse(job, -BC_ERRNO__UNSUPP,
				  "needs a kernel BTF attach target: the section names none");
	case BPF_PROG_TYPE_EXT:
	case BPF_PROG_TYPE_STRUCT_OPS:
		return job_refuse(job, -BC_ERRNO__UNSUPP,
				  "needs a BTF attach target in another program or struct_ops, not supported yet");
	default:
		return 0;
	}
}

static bool fixup_valid(const struct bc_object *obj,
			const struct bc_prog *prog, const struct bc_fixup *fix)
{
	switch (fix->kind) {
	case BC_FIX_KFUNC:
		return fix->map_idx < obj->ksym_cnt &&
		       fix->insn < prog->linked_cnt;
	case BC_FIX_KSYM:
		return fix->map_idx < obj->ksym_cnt &&
		       fix->insn + 1 < prog->linked_cnt;
	default:
		return fix->insn + 1 < prog->linked_cnt &&
		       fix->map_idx < obj->map_cnt &&
		       obj->maps[fix->map_idx]->fd >= 0;
	}
}

static struct bpf_insn *job_patch(struct prog_job *job)
{
	const struct bc_object *obj = job->ex->obj;
	const struct bc_prog *prog = job->prog;
	const struct bc_fixup *fix;
	struct bpf_insn *insns;
	size_t i;

	insns = calloc(prog->linked_cnt ? prog->linked_cnt : 1,
		       sizeof(*insns));
	if (!insns) {
		job_refuse(job, -ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(insns, prog->linked, prog->linked_cnt * sizeof(*insns));
	for (i = 0; i < prog->fixup_cnt; i++) {
		fix = &prog->fixups[i];
		if (!fixup_valid(obj, prog, fix)) {
			snprintf(job->why, sizeof(job->why),
				 "fixup %zu at insn %zu is out of range",
				 i, fix->insn);
			job->err = -EINVAL;
			free(insns);
			return NULL;
		}
		switch (fix->kind) {
		case BC_FIX_KFUNC:
		case BC_FIX_KSYM:
			bc_ksym_patch(obj, fix, &insns[fix->insn]);
			break;
		case BC_FIX_MAP_VALUE:
			insns[fix->insn].imm = obj->maps[fix->map_idx]->fd;
			insns[fix->insn].src_reg = BPF_PSEUDO_MAP_VALUE;
			insns[fix->insn + 1].imm = fix->off;
			break;
		default:
			insns[fix->insn].imm = obj->maps[fix->map_idx]->fd;
			insns[fix->insn].src_reg = BPF_PSEUDO_MAP_FD;
		}
	}
	return insns;
}

static const char *prog_license(const struct bc_prog *prog)
{
	return prog->license ? prog->license : prog->obj->license;
}

/* Retry a failed load with a growing log buffer; the caller keeps errno. */
static int job_load_logged(struct prog_job *job, const char *name,
			   const struct bpf_insn *insns,
			   struct bpf_prog_load_opts *o)
{
	const struct bc_exec *ex = job->ex;
	struct bc_prog *prog = job->prog;
	__u32 size = min(LOG_SIZE_START, ex->log_size_max);
	char *buf = NULL, *tmp;
	int fd = -ENOMEM;

	for (;;) {
		tmp = realloc(buf, size);
		if (!tmp)
			break;
		buf = tmp;
		buf[0] = '\0';
		o->log_level = ex->log_level;
		o->log_size = size;
		o->log_buf = buf;
		fd = bpf_prog_load(prog->type, name, prog_license(prog), insns,
				   prog->linked_cnt, o);
		if (fd >= 0 || fd != -ENOSPC || size >= ex->log_size_max)
			break;
		size = size > ex->log_size_max / 2 ? ex->log_size_max :
						     size * 2;
	}
	o->log_level = 0;
	o->log_size = 0;
	o->log_buf = NULL;
	free(prog->log);
	prog->log = NULL;
	if (!buf)
		return -ENOMEM;
	if (fd < 0) {
		buf[size - 1] = '\0';
		prog->log = buf;
	} else {
		free(buf);
	}
	return fd;
}

static int job_fetch_info(struct prog_job *job, int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	size_t i;
	int err;

	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return job_refuse(job, err, "cannot query program info");
	job->prog->id = info.id;
	for (i = 0; i < sizeof(info.tag); i++)
		snprintf(job->prog->tag + 2 * i, 3, "%02x", info.tag[i]);
	return 0;
}

static void prog_job_run(struct prog_job *job)
{
	struct bc_prog *prog = job->prog;
	LIBBPF_OPTS(bpf_prog_load_opts, o,
		.expected_attach_type = prog->expected_attach_type,
		.attach_btf_id = prog->attach_btf_id,
		.prog_flags = prog->prog_flags,
		.kern_version = prog->kversion_set ? prog->kversion :
						     prog->obj->kversion,
	);
	char name[BC_KERNEL_NAME_LEN];
	struct bpf_insn *insns;
	int fd;

	if (job_check_type(job))
		return;
	/* Only records bc_btf_prog_info_fill() copied go to the kernel. */
	if (prog->obj->btf_loaded && prog->func_info) {
		o.prog_btf_fd = prog->obj->btf_fd;
		o.func_info = prog->func_info;
		o.func_info_cnt = prog->func_info_cnt;
		o.func_info_rec_size = prog->func_info_rec_size;
		o.line_info = prog->line_info;
		o.line_info_cnt = prog->line_info_cnt;
		o.line_info_rec_size = prog->line_info_rec_size;
	}
	insns = job_patch(job);
	if (!insns)
		return;
	kernel_name(prog->name, name);
	fd = fault_hit(FAULT_PROG_LOAD, prog->name);
	if (fd) {
		free(insns);
		job_refuse(job, fd, "injected fault");
		return;
	}
	/* Fast path without a log; only a failure pays for one. */
	fd = bpf_prog_load(prog->type, name, prog_license(prog), insns,
			   prog->linked_cnt, &o);
	if (fd < 0) {
		job->kernel_errno = -fd;
		fd = job_load_logged(job, name, insns, &o);
	}
	free(insns);
	if (fd < 0) {
		if (job->kernel_errno == EACCES || job->kernel_errno == EINVAL)
			job->err = -BC_ERRNO__VERIFY;
		else
			job->err = -job->kernel_errno;
		return;
	}
	prog->fd = fd;
	job->kernel_errno = 0;
	job_fetch_info(job, fd);
}

static int prog_job_task(void *ctx, size_t i)
{
	struct prog_job *job = (struct prog_job *)ctx + i;

	prog_job_run(job);
	return job->err;
}

/*
 * The kernel verifies programs concurrently, so a pool of threads loads
 * them. Jobs above the first failure in index order may have run
 * meanwhile: forget their outcome (the rollback closes their fds), so
 * what is reported is what a run in order would report.
 */
static void run_prog_jobs(struct prog_job *jobs, size_t cnt, int threads)
{
	size_t i, failed;

	bc_pool_run(cnt, threads > 0 ? threads : 0, prog_job_task, jobs,
		    &failed);
	for (i = failed + 1; i < cnt; i++) {
		jobs[i].err = 0;
		jobs[i].kernel_errno = 0;
		free(jobs[i].prog->log);
		jobs[i].prog->log = NULL;
	}
}

static int report_prog_jobs(const struct prog_job *jobs, size_t cnt)
{
	const struct bc_prog *prog;
	int err = 0;
	size_t i;

	for (i = 0; i < cnt; i++) {
		if (!jobs[i].err)
			continue;
		prog = jobs[i].prog;
		err = err ?: jobs[i].err;
		if (!jobs[i].kernel_errno) {
			pr_warn("prog '%s': section '%s': %s\n", prog->name,
				prog->sec_name, jobs[i].why);
			continue;
		}
		pr_warn("prog '%s': section '%s': BPF_PROG_LOAD failed: %s (errno %d)\n",
			prog->name, prog->sec_name,
			strerror(jobs[i].kernel_errno), jobs[i].kernel_errno);
		if (prog->log && prog->log[0])
			pr_warn("prog '%s': -- BEGIN VERIFIER LOG --\n%s%s-- END VERIFIER LOG --\n",
				prog->name, prog->log,
				prog->log[strlen(prog->log) - 1] == '\n' ?
				"" : "\n");
	}
	return err;
}

/* Kernel symbols and attach targets of the programs about to load. */
static int exec_ksyms(struct bc_exec *ex)
{
	struct bc_prog **progs;
	size_t i, cnt = 0;
	int err;

	progs = calloc(ex->plan->cnt ? ex->plan->cnt : 1, sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	for (i = 0; i < ex->plan->cnt; i++)
		if (ex->plan->steps[i].kind == BC_STEP_PROG)
			progs[cnt++] = ex->obj->progs[ex->plan->steps[i].idx];
	err = bc_ksym_resolve(ex->obj, progs, cnt);
	free(progs);
	return err;
}

static int exec_progs(struct bc_exec *ex)
{
	struct prog_job *jobs;
	size_t i, cnt = 0;
	int err;

	jobs = calloc(ex->plan->cnt ? ex->plan->cnt : 1, sizeof(*jobs));
	if (!jobs)
		return -ENOMEM;
	for (i = 0; i < ex->plan->cnt; i++) {
		if (ex->plan->steps[i].kind != BC_STEP_PROG)
			continue;
		jobs[cnt].prog = ex->obj->progs[ex->plan->steps[i].idx];
		jobs[cnt].ex = ex;
		cnt++;
	}
	run_prog_jobs(jobs, cnt, ex->jobs);
	err = report_prog_jobs(jobs, cnt);
	free(jobs);
	return err;
}

/* Keep maps alive with every program even if no code refers to them. */
static int exec_bind_maps(struct bc_exec *ex)
{
	const struct bc_object *obj = ex->obj;
	size_t i, j;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		if (!obj->maps[i]->bind_progs || obj->maps[i]->fd < 0)
			continue;
		for (j = 0; j < obj->prog_cnt; j++) {
			if (obj->progs[j]->fd < 0)
				continue;
			err = bpf_prog_bind_map(obj->progs[j]->fd,
						obj->maps[i]->fd, NULL);
			if (err)
				pr_warn("prog '%s': cannot bind map '%s': %s\n",
					obj->progs[j]->name,
					obj->maps[i]->name, strerror(-err));
		}
	}
	return 0;
}

static int exec_post_load(struct bc_exec *ex)
{
	const struct bc_dialect *d = ex->obj->dialect;
	int (*hook)(struct bc_object *obj);

	hook = d ? BC_OPS_GET(d->ops, post_load) : NULL;
	return hook ? hook(ex->obj) : 0;
}

/* ---- kernel backend: slots, program pins, rollback ------------------------ */

static int exec_init(struct bc_exec *ex, const struct bc_init *init)
{
	const struct bc_object *obj = ex->obj;
	const struct bc_map *map = obj->maps[init->map_idx];
	bool prog = init->kind == BC_INIT_PROG;
	const char *target = prog ? obj->progs[init->target]->name :
				    obj->maps[init->target]->name;
	__u32 key = init->key, val;
	int err;

	val = prog ? obj->progs[init->target]->fd :
		     obj->maps[init->target]->fd;
	err = fault_hit(FAULT_SLOT_INSERT, map->name) ?:
	      bpf_map_update_elem(map->fd, &key, &val, BPF_ANY);
	if (err)
		pr_warn("map '%s': cannot insert %s '%s' at key %u: %s\n",
			map->name, prog ? "prog" : "map", target, key,
			strerror(-err));
	return err;
}

/*
 * Slots of reused maps are filled last: they belong to a pin that existed
 * before, which a failed load must leave as it found it. Like tc, a reused
 * prog array gets this load's tail calls, but a reused map of maps keeps
 * the inner maps it has.
 */
static int exec_inits(struct bc_exec *ex, bool reused)
{
	const struct bc_init *init;
	size_t i;
	int err;

	for (i = 0; i < ex->plan->cnt; i++) {
		if (ex->plan->steps[i].kind != BC_STEP_INIT)
			continue;
		init = &ex->obj->inits[ex->plan->steps[i].idx];
		if (ex->obj->maps[init->map_idx]->reused != reused)
			continue;
		if (reused && init->kind == BC_INIT_MAP)
			continue;
		err = exec_init(ex, init);
		if (err)
			return err;
	}
	return 0;
}

static int exec_prog_pins(struct bc_exec *ex)
{
	const struct bc_step *step;
	const struct bc_prog *prog;
	size_t i;
	int err;

	for (i = 0; i < ex->plan->cnt; i++) {
		step = &ex->plan->steps[i];
		if (step->kind != BC_STEP_PIN_PROG)
			continue;
		prog = ex->obj->progs[step->idx];
		err = fault_hit(FAULT_PROG_PIN, prog->name) ?:
		      bc_pin_obj(&ex->journal, prog->fd, step->path);
		if (err) {
			pr_warn("prog '%s': cannot pin at %s: %s\n",
				prog->name, step->path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static bool plan_pins_maps(const struct bc_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->cnt; i++)
		if (plan->steps[i].kind == BC_STEP_MAP && plan->steps[i].path)
			return true;
	return false;
}

static int exec_bpffs(struct bc_exec *ex)
{
	const char *root = ex->plan->bpffs;
	const char *user = LOAD_OPT(ex->opts, bpffs, NULL);

	if (!plan_pins_maps(ex->plan) || bc_pin_is_bpffs(root))
		return 0;
	if (user && user[0]) {
		pr_warn("load: %s is not a bpffs mount\n", root);
		return -BC_ERRNO__PIN;
	}
	/* Like tc: no bpffs mounted anywhere, so mount the default one. */
	return bc_pin_mount_bpffs(root);
}

/* The dialect's directories and links, journaled like the pins. */
static int exec_prepare_bpffs(struct bc_exec *ex)
{
	const struct bc_dialect *d = ex->obj->dialect;
	int (*hook)(struct bc_object *obj, const char *bpffs,
		    struct bc_pin_journal *j);

	hook = d ? BC_OPS_GET(d->ops, prepare_bpffs) : NULL;
	if (!hook || !plan_pins_maps(ex->plan))
		return 0;
	return hook(ex->obj, ex->plan->bpffs, &ex->journal);
}

static void exec_reset(struct bc_object *obj)
{
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		obj->maps[i]->fd = -1;
		obj->maps[i]->id = 0;
		obj->maps[i]->reused = false;
	}
	for (i = 0; i < obj->prog_cnt; i++) {
		obj->progs[i]->fd = -1;
		obj->progs[i]->id = 0;
		obj->progs[i]->tag[0] = '\0';
	}
}

static void exec_rollback(struct bc_exec *ex)
{
	struct bc_object *obj = ex->obj;
	size_t i;

	bc_pin_rollback(&ex->journal);
	for (i = obj->prog_cnt; i-- > 0;)
		if (obj->progs[i]->fd >= 0)
			close(obj->progs[i]->fd);
	/* Reused maps too: closing an fd never touches the pin behind it. */
	for (i = obj->map_cnt; i-- > 0;)
		if (obj->maps[i]->fd >= 0)
			close(obj->maps[i]->fd);
	exec_reset(obj);
}

int bc_kernel_exec(struct bc_object *obj, const struct bc_plan *plan,
		   const struct bc_load_opts *opts)
{
	__u32 log_max = LOAD_OPT(opts, log_size_max, 0);
	struct bc_exec ex = {
		.obj = obj,
		.plan = plan,
		.opts = opts,
		.log_level = LOAD_OPT(opts, log_level, 0) ?: 1,
		.log_size_max = log_max ?: LOG_SIZE_DEFAULT_MAX,
		.jobs = LOAD_OPT(opts, jobs, 0),
	};
	int err;

	ex.log_size_max = max(min(ex.log_size_max, LOG_SIZE_KERNEL_MAX),
			      4096U);
	bc_plan_drop_pending(obj);
	err = bc_plan_render(obj, plan);
	err = err ?: fault_setup();
	if (err)
		return err;
	exec_reset(obj);
	err = exec_bpffs(&ex);
	err = err ?: exec_prepare_bpffs(&ex);
	err = err ?: bc_btf_load(obj);
	if (!err && obj->btf_loaded)
		err = bc_btf_prog_info_fill(obj);
	err = err ?: bc_kconfig_fill(obj);
	err = err ?: exec_maps(&ex);
	err = err ?: exec_ksyms(&ex);
	err = err ?: exec_progs(&ex);
	err = err ?: exec_bind_maps(&ex);
	err = err ?: exec_post_load(&ex);
	err = err ?: exec_inits(&ex, false);
	err = err ?: exec_prog_pins(&ex);
	err = err ?: exec_inits(&ex, true);
	if (err) {
		exec_rollback(&ex);
		bc_btf_unload(obj);
		return err;
	}
	bc_pin_journal_free(&ex.journal);
	obj->loaded = true;
	return 0;
}

/* ---- entry point ------------------------------------------------------------ */

static bool host_big_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/*
 * What in an object of the other byte order would reach the kernel in
 * that order: NULL if nothing. Map definitions are read in the object's
 * order, so a map without BTF or initial bytes is not among them.
 */
static const char *endian_needed(const struct bc_object *obj)
{
	const struct bc_map *map;
	size_t i;

	for (i = 0; i < obj->prog_cnt; i++) {
		if (obj->progs[i]->autoload)
			return "program";
	}
	for (i = 0; i < obj->map_cnt; i++) {
		map = obj->maps[i];
		if (map->btf_value_type_id || map->kind == BC_MAP_KCONFIG ||
		    map->kind == BC_MAP_DATA ||
		    map->kind == BC_MAP_RODATA || map->kind == BC_MAP_BSS)
			return "map with BTF or data";
	}
	return NULL;
}

/*
 * Code and BTF cannot be swapped for the kernel. Most loaders refuse the
 * whole object; cilium/ebpf (foreign_endian: needed) only what needs them,
 * so an object with nothing of the kind loads.
 */
static int endian_check(const struct bc_object *obj)
{
	const struct bc_desc *desc = obj->dialect ? obj->dialect->desc : NULL;
	const char *what;

	if (!bc_object_foreign_endian(obj))
		return 0;
	if (desc && desc->special.foreign_endian == BC_FOREIGN_NEEDED) {
		what = endian_needed(obj);
		if (!what)
			return 0;
	} else {
		what = NULL;
	}
	pr_warn("object '%s': %s-endian object cannot be loaded on a %s-endian host%s%s\n",
		obj->name, obj->elf->big_endian ? "big" : "little",
		host_big_endian() ? "big" : "little", what ? ": it has a " : "",
		what ?: "");
	return -BC_ERRNO__ENDIAN;
}

/* The dialect's last word on linked code, once per relocation. */
static int post_reloc(struct bc_object *obj)
{
	const struct bc_dialect *d = obj->dialect;
	int (*hook)(struct bc_object *obj, struct bc_prog *prog);
	size_t i;
	int err;

	hook = d ? BC_OPS_GET(d->ops, post_reloc) : NULL;
	for (i = 0; hook && i < obj->prog_cnt; i++) {
		if (!obj->progs[i]->linked)
			continue;
		err = hook(obj, obj->progs[i]);
		if (err)
			return err;
	}
	return 0;
}

/* The dialect's refusals that wait for a load. */
static int pre_load(struct bc_object *obj)
{
	const struct bc_dialect *d = obj->dialect;
	int (*hook)(struct bc_object *obj);

	hook = d ? BC_OPS_GET(d->ops, pre_load) : NULL;
	return hook ? hook(obj) : 0;
}

int bc_object__load(struct bc_object *obj, const struct bc_load_opts *opts)
{
	struct bc_plan plan;
	bool dry_run;
	int err;

	if (!obj || !load_opts_valid(opts))
		return bc_err(-EINVAL);
	dry_run = LOAD_OPT(opts, dry_run, false);
	if (!dry_run && obj->loaded) {
		pr_warn("object '%s': already loaded\n", obj->name);
		return bc_err(-EINVAL);
	}
	err = dry_run ? 0 : endian_check(obj);
	err = err ?: pre_load(obj);
	if (err)
		return bc_err(err);
	if (!obj->relocated) {
		err = bc_reloc(obj);
		err = err ?: post_reloc(obj);
		if (err)
			return bc_err(err);
		obj->relocated = true;
	}
	err = bc_plan_build(obj, opts, &plan);
	if (err)
		return bc_err(err);
	err = dry_run ? plan_keep(obj, &plan) :
			bc_kernel_exec(obj, &plan, opts);
	bc_plan_free(&plan);
	return bc_err(err);
}
