// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gobpf hooks: what gobpf.yaml cannot say. Pin paths built from the
 * object's namespace field (which may hold several directory levels) and
 * the caller's pin-path parameter, gobpf's own "running kernel" version,
 * caller overrides of max_entries, and perf event arrays filled with one
 * BPF_OUTPUT perf event per online CPU at load, as gobpf does.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "check.h"
#include "dialect.h"

#define GOBPF_PIN_GLOBAL_NS	2
#define GOBPF_PIN_CUSTOM_NS	3
#define GOBPF_KVER_CURRENT	0xFFFFFFFEU
#define GOBPF_CPU_ONLINE	"/sys/devices/system/cpu/online"
#define GOBPF_MAX_CPUS		8192
#define GOBPF_RING_PAGES	8	/* gobpf's default PerfRingBufferPageCount */

/* Open parameters (gobpf's SectionParams, keyed by map name). */
#define P_PIN_PATH	"pin-path"	/* MAP=PATH, PinPath */
#define P_MAX_ENTRIES	"max-entries"	/* MAP=N, MapMaxEntries */
#define P_SKIP_PERF	"skip-perf-init" /* MAP, SkipPerfMapInitialization */

/* Perf events installed in perf event arrays; they live as the object. */
struct gobpf_perf {
	int fd;
	void *ring;		/* metadata page + GOBPF_RING_PAGES */
	size_t ring_size;
};

struct gobpf_priv {
	struct gobpf_perf *perf;
	size_t perf_cnt, perf_cap;
};

/* ---- parameters ---------------------------------------------------------- */

/* The value of the last param KEY whose MAP= part names map, or NULL. */
static const char *map_param(const struct bc_object *obj, const char *key,
			     const char *map)
{
	const char *found = NULL;
	size_t i, len = strlen(map);

	for (i = 0; i < obj->param_cnt; i++) {
		const char *v = obj->params[i].value;

		if (strcmp(obj->params[i].key, key))
			continue;
		if (!strcmp(key, P_SKIP_PERF) ? !strcmp(v, map) :
		    !strncmp(v, map, len) && v[len] == '=')
			found = strcmp(key, P_SKIP_PERF) ? v + len + 1 : v;
	}
	return found;
}

static int gobpf_param(struct bc_object *obj, const char *key,
		       const char *value)
{
	const char *eq = strchr(value, '=');
	unsigned long n;
	char *end;

	if (!strcmp(key, P_SKIP_PERF)) {
		if (value[0])
			return 0;
		pr_warn("gobpf: %s: %s wants a map name\n", obj->path, key);
		return -BC_ERRNO__PARAM;
	}
	if (strcmp(key, P_PIN_PATH) && strcmp(key, P_MAX_ENTRIES))
		return -ENOENT;
	if (!eq || eq == value || !eq[1]) {
		pr_warn("gobpf: %s: %s '%s' is not MAP=VALUE\n", obj->path,
			key, value);
		return -BC_ERRNO__PARAM;
	}
	if (!strcmp(key, P_PIN_PATH)) {
		/* gobpf's PinPath is relative to the bpffs root. */
		if (eq[1] != '/')
			return 0;
		pr_warn("gobpf: %s: %s '%s': the path must be relative to the bpffs root\n",
			obj->path, key, value);
		return -BC_ERRNO__PARAM;
	}
	errno = 0;
	n = strtoul(eq + 1, &end, 0);
	if (errno || *end || !isdigit((unsigned char)eq[1]) || !n ||
	    n > UINT32_MAX) {
		pr_warn("gobpf: %s: %s '%s': not a positive 32-bit count\n",
			obj->path, key, value);
		return -BC_ERRNO__PARAM;
	}
	return 0;
}

/* Every parameter must name a map of the object: a typo is an error. */
static int check_params(struct bc_object *obj)
{
	size_t i, len;

	for (i = 0; i < obj->param_cnt; i++) {
		const char *v = obj->params[i].value;
		char name[PATH_MAX];

		len = strcmp(obj->params[i].key, P_SKIP_PERF) ?
		      strcspn(v, "=") : strlen(v);
		snprintf(name, sizeof(name), "%.*s", (int)len, v);
		if (bc_object_map_by_name(obj, name))
			continue;
		pr_warn("gobpf: %s: parameter %s=%s: no map '%s' (sections maps/NAME)\n",
			obj->path, obj->params[i].key, v, name);
		return -BC_ERRNO__PARAM;
	}
	return 0;
}

static void apply_max_entries(struct bc_object *obj)
{
	const char *v;
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *map = obj->maps[i];

		v = map_param(obj, P_MAX_ENTRIES, map->name);
		if (v)
			map->max_entries = strtoul(v, NULL, 0);
	}
}

/* ---- kernel version ------------------------------------------------------ */

static size_t digits(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

static int parse_num(const char *s, size_t len, __u32 *out)
{
	unsigned long long v = 0;
	size_t i;

	/* Go's strconv.Atoi refuses what does not fit an int64. */
	if (!len || len > 18)
		return -ERANGE;
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	*out = (__u32)v;
	return 0;
}

/*
 * gobpf's release pattern ^(\d+)\.(\d+).(\d+) (any character between minor
 * and patch) and its arithmetic major<<16 + minor<<8 + patch, unclamped and
 * truncated to 32 bits. The minor group backtracks like the regex does.
 */
static int release_kversion(const char *rel, __u32 *out)
{
	size_t maj = digits(rel), min_len, p;
	__u32 a, b, c;

	if (!maj || rel[maj] != '.')
		return -EINVAL;
	for (min_len = digits(rel + maj + 1); min_len; min_len--) {
		const char *m = rel + maj + 1;

		if (!m[min_len])
			continue;
		p = digits(m + min_len + 1);
		if (!p)
			continue;
		if (parse_num(rel, maj, &a) || parse_num(m, min_len, &b) ||
		    parse_num(m + min_len + 1, p, &c))
			return -ERANGE;
		*out = a * 65536 + b * 256 + c;
		return 0;
	}
	return -EINVAL;
}

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		err = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

/* Ubuntu: the third word of /proc/version_signature. */
static int kver_ubuntu(__u32 *out)
{
	char buf[512], rel[256];

	if (read_line("/proc/version_signature", buf, sizeof(buf)) ||
	    sscanf(buf, "%*s %*s %255s", rel) != 1)
		return -ENOENT;
	return release_kversion(rel, out);
}

/* Debian: the last " SMP Debian X.Y.Z-N" of /proc/version. */
static int kver_debian(__u32 *out)
{
	static const char key[] = " SMP Debian ";
	char buf[1024];
	const char *p, *last = NULL, *s;
	size_t n;

	if (read_line("/proc/version", buf, sizeof(buf)))
		return -ENOENT;
	for (p = strstr(buf, key); p; p = strstr(p + 1, key)) {
		/* The full group \d+\.\d+.\d+-\d+ must follow. */
		s = p + sizeof(key) - 1;
		n = digits(s);
		if (!n || s[n] != '.' || !digits(s + n + 1))
			continue;
		s += n + 1;
		s += digits(s);
		if (!*s++ || !digits(s))
			continue;
		s += digits(s);
		if (*s == '-' && digits(s + 1))
			last = p + sizeof(key) - 1;
	}
	return last ? release_kversion(last, out) : -ENOENT;
}

static int kver_uname(__u32 *out)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	return release_kversion(u.release, out);
}

/*
 * gobpf replaces version 0xFFFFFFFE by its own reading of the running
 * kernel (Ubuntu signature, Debian /proc/version, then uname), without
 * clamping the patch level at 255 as KERNEL_VERSION() does.
 */
static int apply_kversion(struct bc_object *obj)
{
	const struct bc_elf_sec *sec;
	__u32 ver;

	sec = bc_elf_sec_by_name(obj->elf, "version");
	if (!sec || sec->size != 4 || !sec->data)
		return 0;
	if (bc_read_u32(sec->data, obj->elf->big_endian) != GOBPF_KVER_CURRENT)
		return 0;
	if (kver_ubuntu(&ver) && kver_debian(&ver) && kver_uname(&ver)) {
		/* gobpf fails the load; kernels >= 5.0 ignore the value. */
		pr_warn("gobpf: %s: section 'version': cannot read the running kernel's release as X.Y.Z, sending 0x%x\n",
			obj->path, obj->kversion);
		return 0;
	}
	obj->kversion = ver;
	return 0;
}

/* ---- collect ---------------------------------------------------------------- */

static bool sec_known(const struct bc_object *obj, const struct bc_elf_sec *s)
{
	size_t i;

	for (i = 0; i < obj->prog_cnt; i++)
		if (obj->progs[i]->sec_idx == (int)s->idx)
			return true;
	return !strcmp(s->name, ".text");
}

/* gobpf skips unknown code sections silently; say so. */
static void report_ignored(const struct bc_object *obj)
{
	size_t i;

	for (i = 1; i < obj->elf->sec_cnt; i++) {
		const struct bc_elf_sec *s = &obj->elf->secs[i];

		if (s->exec && !sec_known(obj, s))
			pr_info("gobpf: %s: section '%s' ignored: no gobpf program prefix\n",
				obj->path, s->name);
	}
}

static int gobpf_finish(struct bc_object *obj)
{
	int err;

	err = check_params(obj);
	if (err)
		return err;
	apply_max_entries(obj);
	report_ignored(obj);
	return apply_kversion(obj);
}

/* ---- pin paths ------------------------------------------------------------ */

/*
 * One path component from the object: not empty, not '.' or '..', no
 * control character and no '.' at all (bpffs refuses dotted names).
 */
static const char *component_error(const char *c, size_t len)
{
	size_t i;

	if (!len)
		return "empty path component";
	if (len > NAME_MAX)
		return "component longer than NAME_MAX";
	if ((len == 1 && c[0] == '.') ||
	    (len == 2 && c[0] == '.' && c[1] == '.'))
		return "'.' or '..' component";
	for (i = 0; i < len; i++) {
		if (c[i] == '.')
			return "'.' in a name (bpffs refuses it)";
		if (iscntrl((unsigned char)c[i]))
			return "control character";
	}
	return NULL;
}

/* A namespace may span directories ("team/app"); each level is checked. */
static int check_path(const struct bc_map *map, const char *what,
		      const char *s, bool multi)
{
	const char *c = s, *end, *why = NULL;

	if (!multi && strchr(s, '/'))
		why = "'/' in a single component";
	for (; !why && c; c = *end ? end + 1 : NULL) {
		end = strchrnul(c, '/');
		why = component_error(c, end - c);
	}
	if (!why)
		return 0;
	pr_warn("gobpf: %s: map '%s': %s '%.64s' refused as a pin path: %s\n",
		map->obj->path, map->name, what, s, why);
	return -BC_ERRNO__PIN;
}

static int pin_global(struct bc_object *obj, struct bc_map *map,
		      const char *ns, const char *bpffs, char **path)
{
	if (!ns[0]) {
		pr_warn("gobpf: %s: map '%s': PIN_GLOBAL_NS with an empty namespace\n",
			obj->path, map->name);
		return -BC_ERRNO__PIN;
	}
	if (check_path(map, "namespace", ns, true))
		return -BC_ERRNO__PIN;
	*path = bc_asprintf("%s/%s/globals/%s", bpffs, ns, map->name);
	return *path ? 0 : -ENOMEM;
}

static int pin_custom(struct bc_object *obj, struct bc_map *map,
		      const char *ns, const char *bpffs, char **path)
{
	const char *user = map_param(obj, P_PIN_PATH, map->name);

	/* The caller's path is confined by the engine, not reshaped. */
	if (user) {
		*path = bc_strdup(user);
		return *path ? 0 : -ENOMEM;
	}
	if (!ns[0]) {
		pr_warn("gobpf: %s: map '%s': PIN_CUSTOM_NS needs a pin path (%s=%s=PATH) or a namespace in the object\n",
			obj->path, map->name, P_PIN_PATH, map->name);
		return -BC_ERRNO__PIN;
	}
	if (check_path(map, "namespace", ns, true))
		return -BC_ERRNO__PIN;
	*path = bc_asprintf("%s/%s/%s", bpffs, ns, map->name);
	return *path ? 0 : -ENOMEM;
}

static int gobpf_pin_path(struct bc_object *obj, struct bc_map *map,
			  const char *bpffs, char **path)
{
	const char *ns = bc_attr_get(map->attrs, map->attr_cnt, "namespace");

	*path = NULL;
	if (!ns)
		ns = "";
	if (map->pinning == GOBPF_PIN_CUSTOM_NS &&
	    map_param(obj, P_PIN_PATH, map->name))
		return pin_custom(obj, map, ns, bpffs, path);
	if (check_path(map, "map name", map->name, false))
		return -BC_ERRNO__PIN;
	switch (map->pinning) {
	case GOBPF_PIN_GLOBAL_NS:
		return pin_global(obj, map, ns, bpffs, path);
	case GOBPF_PIN_CUSTOM_NS:
		return pin_custom(obj, map, ns, bpffs, path);
	}
	return 0;
}

/* ---- perf event arrays ------------------------------------------------------- */

static void perf_close_all(struct gobpf_priv *p)
{
	size_t i;

	for (i = 0; i < p->perf_cnt; i++) {
		munmap(p->perf[i].ring, p->perf[i].ring_size);
		close(p->perf[i].fd);
	}
	p->perf_cnt = 0;
}

static int priv_get(struct bc_object *obj, struct gobpf_priv **out)
{
	if (!obj->dialect_priv) {
		obj->dialect_priv = calloc(1, sizeof(struct gobpf_priv));
		if (!obj->dialect_priv)
			return -ENOMEM;
	}
	*out = obj->dialect_priv;
	return 0;
}

/*
 * Map the event's ring as gobpf does: without one, bpf_perf_event_output()
 * fails with -ENOSPC. The fd and ring are owned by p once this returns 0.
 */
static int perf_track(struct gobpf_priv *p, int fd)
{
	size_t size = (GOBPF_RING_PAGES + 1) * sysconf(_SC_PAGESIZE);
	struct gobpf_perf *perf;
	void *ring;

	perf = bc_grow(p->perf, &p->perf_cap, p->perf_cnt + 1, sizeof(*perf));
	if (!perf)
		return -ENOMEM;
	p->perf = perf;
	ring = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		return -errno;
	perf[p->perf_cnt++] = (struct gobpf_perf){ fd, ring, size };
	return 0;
}

/* "0-3,5,7-8": the online CPU list, as a bitmap of GOBPF_MAX_CPUS. */
static int online_cpus(bool *cpus)
{
	char buf[4096], *p, *end;
	unsigned long a, b;
	int err;

	err = read_line(GOBPF_CPU_ONLINE, buf, sizeof(buf));
	if (err) {
		pr_warn("gobpf: cannot read %s: %s\n", GOBPF_CPU_ONLINE,
			strerror(-err));
		return err;
	}
	for (p = buf; *p; p = *end ? end + 1 : end) {
		a = b = strtoul(p, &end, 10);
		if (end != p && *end == '-')
			b = strtoul(end + 1, &end, 10);
		if (end == p || (*end && *end != ',') || a > b ||
		    b >= GOBPF_MAX_CPUS) {
			pr_warn("gobpf: %s: cannot parse '%s'\n",
				GOBPF_CPU_ONLINE, buf);
			return -EINVAL;
		}
		for (; a <= b; a++)
			cpus[a] = true;
	}
	return 0;
}

static int perf_event_for(int cpu)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.wakeup_events = 1,
	};
	int fd;

	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
		     PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int perf_fill(struct bc_object *obj, struct gobpf_priv *p,
		     const struct bc_map *map, const bool *cpus)
{
	__u32 cpu;
	int fd, err;

	for (cpu = 0; cpu < GOBPF_MAX_CPUS; cpu++) {
		if (!cpus[cpu])
			continue;
		/* gobpf keeps max_entries: too few slots is an error. */
		if (cpu >= map->max_entries) {
			pr_warn("gobpf: %s: map '%s': online CPU %u has no slot among max_entries %u\n",
				obj->path, map->name, cpu, map->max_entries);
			return -E2BIG;
		}
		fd = perf_event_for(cpu);
		if (fd < 0) {
			pr_warn("gobpf: %s: map '%s': perf_event_open(BPF_OUTPUT) on CPU %u: %s\n",
				obj->path, map->name, cpu, strerror(-fd));
			return fd;
		}
		err = perf_track(p, fd);
		if (err) {
			pr_warn("gobpf: %s: map '%s': cannot map the perf ring of CPU %u: %s\n",
				obj->path, map->name, cpu, strerror(-err));
			close(fd);
			return err;
		}
		err = bpf_map_update_elem(map->fd, &cpu, &fd, BPF_ANY);
		if (err) {
			err = -errno;
			pr_warn("gobpf: %s: map '%s': cannot store the perf event of CPU %u: %s\n",
				obj->path, map->name, cpu, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int gobpf_post_load(struct bc_object *obj)
{
	struct gobpf_priv *p;
	bool *cpus = NULL;
	size_t i;
	int err;

	err = priv_get(obj, &p);
	if (err)
		return err;
	perf_close_all(p);
	for (i = 0; i < obj->map_cnt && !err; i++) {
		const struct bc_map *map = obj->maps[i];

		if (map->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
		    map_param(obj, P_SKIP_PERF, map->name))
			continue;
		if (!cpus) {
			cpus = calloc(GOBPF_MAX_CPUS, sizeof(*cpus));
			err = cpus ? online_cpus(cpus) : -ENOMEM;
			if (err)
				break;
		}
		err = perf_fill(obj, p, map, cpus);
	}
	free(cpus);
	/* The load is rolled back: release what this step made. */
	if (err)
		perf_close_all(p);
	return err;
}

static void gobpf_release(struct bc_object *obj)
{
	struct gobpf_priv *p = obj->dialect_priv;

	if (!p)
		return;
	perf_close_all(p);
	free(p->perf);
	free(p);
	obj->dialect_priv = NULL;
}

/* ---- check: what gobpf's relocation loop refuses ------------------------ */

static bool global_data(const struct bc_elf_sec *sec)
{
	return !strncmp(sec->name, ".data", 5) ||
	       !strncmp(sec->name, ".rodata", 7) ||
	       !strncmp(sec->name, ".bss", 4);
}

static bool map_section(const struct bc_object *obj, size_t shndx)
{
	size_t i;

	for (i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i]->sec_idx == (int)shndx)
			return true;
	return false;
}

/*
 * gobpf resolves every relocation as a map reference: a call is "invalid
 * relocation: insn code=0x85", a reference into global data "map location
 * not supported". Both fail Load with no rollback.
 */
static int check_rel(struct bc_object *obj, const struct bc_elf_sec *sec,
		     const struct bc_elf_rel *rel)
{
	const struct bc_elf_sym *sym = &obj->elf->syms[rel->sym];
	const char *name = bc_elf_sym_name(obj->elf, sym);
	const struct bc_elf_sec *target;
	struct bpf_insn insn;

	bc_elf_copy_insns(obj->elf, sec, rel->offset, 1, &insn);
	if (insn.code != (BPF_LD | BPF_IMM | BPF_DW))
		return bc_report(obj, "call-unsupported", BC_SEV_ERROR,
				 sec->name, name, rel->offset,
				 "relocated call to '%s' (bpf-to-bpf call)",
				 name);
	target = bc_elf_sec(obj->elf, sym->shndx);
	if (!target || !global_data(target) || map_section(obj, sym->shndx))
		return 0;
	/* The engine's generic finding for this site says less. */
	bc_check_withdraw(obj, "reloc-unknown-target", sec->name,
			  rel->offset);
	return bc_report(obj, "data-reference", BC_SEV_ERROR, sec->name, name,
			 rel->offset, "reference to '%s' in global data section '%s'",
			 name, target->name);
}

static int gobpf_check(struct bc_object *obj)
{
	const struct bc_elf_sec *sec;
	size_t i, j;
	int err;

	for (i = 0; i < obj->prog_cnt; i++) {
		if (obj->progs[i]->sec_idx < 0)
			continue;
		sec = &obj->elf->secs[obj->progs[i]->sec_idx];
		for (j = 0; j < sec->rel_cnt; j++) {
			err = check_rel(obj, sec, &sec->rels[j]);
			if (err)
				return err;
		}
	}
	return 0;
}

const struct bc_dialect_ops bc_gobpf_ops = {
	.sz = sizeof(struct bc_dialect_ops),
	.name = "gobpf",
	.param = gobpf_param,
	.finish = gobpf_finish,
	.pin_path = gobpf_pin_path,
	.post_load = gobpf_post_load,
	.release = gobpf_release,
	.check = gobpf_check,
};
