// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach loaded programs through perf events, the way perf did for its BPF
 * events: resolve (or create) the trace event in tracefs, open it on every
 * online CPU and hand the program over with PERF_EVENT_IOC_SET_BPF. The
 * kernel keeps one program array per trace event, so the second and later
 * CPUs answer EEXIST, which is success. Detach closes the perf events
 * first, then removes the probe events this process created.
 */
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "attach.h"
#include "dialect.h"

#define TRACEFS_DEFAULT	"/sys/kernel/tracing"
#define TRACEFS_DEBUGFS	"/sys/kernel/debug/tracing"
#define PROBE_SUFFIX_MAX 100

#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#define ATTACH_OPT(opts, field, def)					\
	((opts) && (opts)->sz >= offsetofend(struct bc_attach_opts, field) ? \
	 (opts)->field : (def))

/* One trace event a program is attached to. */
struct bc_link_ev {
	size_t prog_idx;
	char *name;		/* "group:event" */
	int *fds;		/* one perf event per online CPU */
	size_t fd_cnt;
	char *probe_file;	/* kprobe_events/uprobe_events we wrote, or NULL */
};

struct bc_attachment {
	char *tracefs;
	bool mounted;		/* we mounted tracefs: unmount on detach */
	struct bc_link_ev *evs;
	size_t cnt, cap;
};

void bc_attach_spec_free(struct bc_attach_spec *spec)
{
	if (!spec)
		return;
	free(spec->group);
	free(spec->event);
	free(spec->target);
	free(spec->symbol);
	memset(spec, 0, sizeof(*spec));
}

/* ---- tracefs --------------------------------------------------------------- */

static bool tracefs_usable(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", root);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * With no tracefs mounted, mount a private instance under a temporary
 * directory rather than on /sys/kernel/tracing: unmounting a shared path
 * on detach would pull it from under any other tool (or a concurrent
 * bpfcompat) that found it mounted meanwhile.
 */
static int tracefs_mount_private(struct bc_attachment *at)
{
	char dir[] = "/tmp/bpfcompat-tracefs.XXXXXX";
	int err;

	if (!mkdtemp(dir)) {
		err = -errno;
		pr_warn("attach: cannot create a tracefs mount point: %s\n",
			strerror(-err));
		return err;
	}
	if (mount("nodev", dir, "tracefs", 0, NULL)) {
		err = -errno;
		pr_warn("attach: cannot mount tracefs at %s: %s\n", dir,
			strerror(-err));
		rmdir(dir);
		return err;
	}
	at->tracefs = bc_strdup(dir);
	if (!at->tracefs) {
		umount2(dir, MNT_DETACH);
		rmdir(dir);
		return -ENOMEM;
	}
	at->mounted = true;
	pr_debug("attach: mounted tracefs at %s\n", dir);
	return 0;
}

static int tracefs_setup(struct bc_attachment *at, const char *user)
{
	const char *root = user;

	if (!root)
		root = tracefs_usable(TRACEFS_DEFAULT) ? TRACEFS_DEFAULT :
		       tracefs_usable(TRACEFS_DEBUGFS) ? TRACEFS_DEBUGFS :
		       NULL;
	if (!root)
		return tracefs_mount_private(at);
	if (!tracefs_usable(root)) {
		pr_warn("attach: %s is not a tracefs mount (no events/)\n",
			root);
		return -ENOENT;
	}
	at->tracefs = bc_strdup(root);
	return at->tracefs ? 0 : -ENOMEM;
}

static void tracefs_release(struct bc_attachment *at)
{
	if (at->mounted) {
		if (umount2(at->tracefs, MNT_DETACH))
			pr_warn("attach: cannot unmount tracefs at %s: %s\n",
				at->tracefs, strerror(errno));
		else
			rmdir(at->tracefs);
	}
	free(at->tracefs);
	at->tracefs = NULL;
	at->mounted = false;
}

static int read_id(const char *root, const char *group, const char *event,
		   __u64 *id)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, group, event);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	*id = strtoull(buf, NULL, 10);
	return 0;
}

/* Write one command line to a tracefs control file; -errno on refusal. */
static int tracefs_write(const char *file, const char *line)
{
	ssize_t n, len = strlen(line);
	int fd, err = 0;

	fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/* ---- CPUs ---------------------------------------------------------------- */

/* Parse /sys/devices/system/cpu/online ("0-3,6"); returns the count. */
static int online_cpus(int **out)
{
	char buf[4096], *p, *end;
	int *cpus = NULL, *tmp, fd, cnt = 0;
	long a, b;
	ssize_t n;

	fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		b = *end == '-' ? strtol(end + 1, &end, 10) : a;
		if (end == p || a < 0 || b < a || b > 65535)
			goto err_inval;
		tmp = realloc(cpus, (cnt + b - a + 1) * sizeof(*cpus));
		if (!tmp) {
			free(cpus);
			return -ENOMEM;
		}
		cpus = tmp;
		while (a <= b)
			cpus[cnt++] = a++;
		p = *end == ',' ? end + 1 : end;
	}
	if (!cnt)
		goto err_inval;
	*out = cpus;
	return cnt;

err_inval:
	free(cpus);
	return -EINVAL;
}

/* ---- one trace event ------------------------------------------------------ */

static struct bc_link_ev *link_ev_add(struct bc_attachment *at,
				      size_t prog_idx, const char *group,
				      const char *event)
{
	struct bc_link_ev *evs, *ev;

	evs = bc_grow(at->evs, &at->cap, at->cnt + 1, sizeof(*evs));
	if (!evs)
		return NULL;
	at->evs = evs;
	ev = &evs[at->cnt];
	memset(ev, 0, sizeof(*ev));
	ev->prog_idx = prog_idx;
	ev->name = bc_asprintf("%s:%s", group, event);
	if (!ev->name)
		return NULL;
	at->cnt++;
	return ev;
}

static int perf_open_tp(__u64 id, int cpu)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = id,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.wakeup_events = 1,
	};
	int fd;

	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
		     PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Open the event on every CPU and give each the program. */
static int link_ev_open(struct bc_link_ev *ev, const struct bc_prog *prog,
			__u64 id)
{
	int *cpus = NULL, cnt, i, fd, err = 0;

	cnt = online_cpus(&cpus);
	if (cnt < 0) {
		pr_warn("attach: prog '%s': cannot read the online CPUs: %s\n",
			prog->name, strerror(-cnt));
		return cnt;
	}
	ev->fds = calloc(cnt, sizeof(*ev->fds));
	if (!ev->fds) {
		free(cpus);
		return -ENOMEM;
	}
	for (i = 0; i < cnt; i++) {
		fd = perf_open_tp(id, cpus[i]);
		if (fd < 0) {
			pr_warn("attach: prog '%s': %s: perf_event_open on CPU %d: %s\n",
				prog->name, ev->name, cpus[i], strerror(-fd));
			err = fd;
			break;
		}
		ev->fds[ev->fd_cnt++] = fd;
		/* One program array per trace event: later CPUs see EEXIST. */
		if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog->fd) &&
		    (errno != EEXIST || i == 0)) {
			err = -errno;
			pr_warn("attach: prog '%s': %s: PERF_EVENT_IOC_SET_BPF on CPU %d: %s\n",
				prog->name, ev->name, cpus[i], strerror(errno));
			break;
		}
		if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
			err = -errno;
			pr_warn("attach: prog '%s': %s: enable on CPU %d: %s\n",
				prog->name, ev->name, cpus[i], strerror(errno));
			break;
		}
	}
	free(cpus);
	return err;
}

static void link_ev_close(struct bc_attachment *at, struct bc_link_ev *ev)
{
	char *line, *ev_name, *colon;
	size_t i;
	int err;

	for (i = 0; i < ev->fd_cnt; i++)
		close(ev->fds[i]);
	free(ev->fds);
	ev->fds = NULL;
	ev->fd_cnt = 0;
	if (ev->probe_file) {
		/* "group:event" -> "-:group/event" */
		ev_name = bc_strdup(ev->name);
		colon = ev_name ? strchr(ev_name, ':') : NULL;
		if (colon)
			*colon = '/';
		line = ev_name ? bc_asprintf("-:%s\n", ev_name) : NULL;
		err = line ? tracefs_write(ev->probe_file, line) : -ENOMEM;
		if (err)
			pr_warn("attach: cannot remove probe event %s from %s: %s\n",
				ev->name, ev->probe_file, strerror(-err));
		free(line);
		free(ev_name);
		free(ev->probe_file);
		ev->probe_file = NULL;
	}
	free(ev->name);
	ev->name = NULL;
}

/* ---- tracepoints --------------------------------------------------------- */

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* "<root>/events/<group>/<event>/id" -> group and event. */
static int split_id_path(const char *root, const char *path, char **group,
			 char **event)
{
	const char *p = path + strlen(root) + strlen("/events/");
	const char *slash = strchr(p, '/'), *slash2;

	if (!slash)
		return -EINVAL;
	slash2 = strchr(slash + 1, '/');
	if (!slash2)
		return -EINVAL;
	*group = bc_strndup(p, slash - p);
	*event = bc_strndup(slash + 1, slash2 - slash - 1);
	return *group && *event ? 0 : -ENOMEM;
}

static int attach_one_tp(struct bc_attachment *at, const struct bc_prog *prog,
			 const char *group, const char *event)
{
	struct bc_link_ev *ev;
	__u64 id;
	int err;

	err = read_id(at->tracefs, group, event, &id);
	if (err) {
		pr_warn("attach: prog '%s': tracepoint %s:%s not found in %s/events: %s\n",
			prog->name, group, event, at->tracefs, strerror(-err));
		return err;
	}
	ev = link_ev_add(at, prog->idx, group, event);
	if (!ev)
		return -ENOMEM;
	return link_ev_open(ev, prog, id);
}

static int attach_tracepoint(struct bc_attachment *at,
			     const struct bc_prog *prog,
			     const struct bc_attach_spec *spec)
{
	char pattern[PATH_MAX], *group = NULL, *event = NULL;
	glob_t g;
	size_t i;
	int err = 0;

	if (!has_glob(spec->group) && !has_glob(spec->event))
		return attach_one_tp(at, prog, spec->group, spec->event);
	snprintf(pattern, sizeof(pattern), "%s/events/%s/%s/id", at->tracefs,
		 spec->group, spec->event);
	if (glob(pattern, 0, NULL, &g)) {
		pr_warn("attach: prog '%s': no tracepoint matches %s:%s in %s/events\n",
			prog->name, spec->group, spec->event, at->tracefs);
		return -ENOENT;
	}
	for (i = 0; i < g.gl_pathc && !err; i++) {
		err = split_id_path(at->tracefs, g.gl_pathv[i], &group, &event);
		err = err ?: attach_one_tp(at, prog, group, event);
		free(group);
		free(event);
		group = event = NULL;
	}
	globfree(&g);
	return err;
}

/* ---- probes ---------------------------------------------------------------- */

static int elf_vaddr_to_off(Elf *elf, __u64 vaddr, __u64 *off)
{
	GElf_Phdr ph;
	size_t i, n;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
			*off = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int elf_find_sym(Elf *elf, const char *name, __u64 *vaddr)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	size_t i, cnt;
	const char *s;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		cnt = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < cnt; i++) {
			if (!gelf_getsym(data, i, &sym) ||
			    sym.st_shndx == SHN_UNDEF ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (s && !strcmp(s, name)) {
				*vaddr = sym.st_value;
				return 0;
			}
		}
	}
	return -ENOENT;
}

int bc_attach_uprobe_offset(const char *path, const char *sym, __u64 off,
			    __u64 *file_off)
{
	__u64 vaddr = 0;
	Elf *elf;
	int fd, err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -BC_ERRNO__LIBELF;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("attach: uprobe: cannot open %s: %s\n", path,
			strerror(errno));
		return err;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		pr_warn("attach: uprobe: %s is not an ELF file\n", path);
		err = -ENOEXEC;
		goto out;
	}
	if (sym) {
		err = elf_find_sym(elf, sym, &vaddr);
		if (err) {
			pr_warn("attach: uprobe: %s: no function symbol '%s'\n",
				path, sym);
			goto out;
		}
	}
	err = elf_vaddr_to_off(elf, vaddr + off, file_off);
	if (err)
		pr_warn("attach: uprobe: %s: address 0x%llx (%s%s+%llu) is in no executable segment\n",
			path, (unsigned long long)(vaddr + off),
			sym ? sym : "", sym ? "" : "0",
			(unsigned long long)off);
out:
	elf_end(elf);
	close(fd);
	return err;
}

static char *probe_line(const struct bc_attach_spec *spec, const char *event,
			__u64 file_off)
{
	char kind = spec->retprobe ? 'r' : 'p';

	if (spec->kind == BC_ATTACH_UPROBE)
		return bc_asprintf("%c:%s/%s %s:0x%llx\n", kind, spec->group,
				   event, spec->target,
				   (unsigned long long)file_off);
	return bc_asprintf("%c:%s/%s %s\n", kind, spec->group, event,
			   spec->target);
}

/* Create the probe event; with force, a taken name gets _1, _2, ... */
static int probe_create(struct bc_attachment *at, const struct bc_prog *prog,
			const struct bc_attach_spec *spec, const char *file,
			__u64 file_off, char **event)
{
	char *line, *name;
	int i, err;

	for (i = 0; i <= PROBE_SUFFIX_MAX; i++) {
		name = i ? bc_asprintf("%s_%d", spec->event, i) :
			   bc_strdup(spec->event);
		line = name ? probe_line(spec, name, file_off) : NULL;
		if (!line) {
			free(name);
			return -ENOMEM;
		}
		err = tracefs_write(file, line);
		free(line);
		if (!err) {
			*event = name;
			return 0;
		}
		free(name);
		if (err != -EEXIST || !spec->force)
			break;
	}
	if (err == -EEXIST)
		pr_warn("attach: prog '%s': probe event %s:%s already exists (set 'force=yes' in the section to add another)\n",
			prog->name, spec->group, spec->event);
	else
		pr_warn("attach: prog '%s': %s refused the probe %s:%s: %s\n",
			prog->name, file, spec->group, spec->event,
			strerror(-err));
	return err;
}

static int attach_probe(struct bc_attachment *at, const struct bc_prog *prog,
			const struct bc_attach_spec *spec)
{
	bool up = spec->kind == BC_ATTACH_UPROBE;
	struct bc_link_ev *ev;
	char file[PATH_MAX], *event = NULL;
	__u64 file_off = 0, id = 0;
	int err;

	snprintf(file, sizeof(file), "%s/%s", at->tracefs,
		 up ? "uprobe_events" : "kprobe_events");
	if (access(file, W_OK)) {
		pr_warn("attach: prog '%s': %s does not exist: the kernel has no %s events (CONFIG_%s_EVENTS)\n",
			prog->name, file, up ? "uprobe" : "kprobe",
			up ? "UPROBE" : "KPROBE");
		return -EOPNOTSUPP;
	}
	if (up) {
		err = bc_attach_uprobe_offset(spec->target, spec->symbol,
					      spec->offset, &file_off);
		if (err)
			return err;
	}
	err = probe_create(at, prog, spec, file, file_off, &event);
	if (err)
		return err;
	ev = link_ev_add(at, prog->idx, spec->group, event);
	if (!ev) {
		free(event);
		return -ENOMEM;
	}
	ev->probe_file = bc_strdup(file);
	err = ev->probe_file ? read_id(at->tracefs, spec->group, event, &id) :
			       -ENOMEM;
	if (err)
		pr_warn("attach: prog '%s': probe event %s has no id: %s\n",
			prog->name, ev->name, strerror(-err));
	free(event);
	return err ?: link_ev_open(ev, prog, id);
}

/* ---- specs ----------------------------------------------------------------- */

/* Without a dialect hook: tracepoints named "sys/event" or "sys:event". */
static int default_spec(const struct bc_prog *prog,
			struct bc_attach_spec *spec)
{
	const char *t = prog->attach_target, *sep;

	if (prog->type != BPF_PROG_TYPE_TRACEPOINT || !t) {
		spec->kind = BC_ATTACH_NONE;
		return 0;
	}
	sep = strpbrk(t, "/:");
	if (!sep || sep == t || !sep[1]) {
		pr_warn("attach: prog '%s': tracepoint '%s' is not SYS/EVENT\n",
			prog->name, t);
		return -EINVAL;
	}
	spec->kind = BC_ATTACH_TRACEPOINT;
	spec->group = bc_strndup(t, sep - t);
	spec->event = bc_strdup(sep + 1);
	return spec->group && spec->event ? 0 : -ENOMEM;
}

static int prog_spec(struct bc_object *obj, const struct bc_prog *prog,
		     struct bc_attach_spec *spec)
{
	int (*hook)(struct bc_object *, const struct bc_prog *,
		    struct bc_attach_spec *);

	memset(spec, 0, sizeof(*spec));
	hook = obj->dialect ? BC_OPS_GET(obj->dialect->ops, attach_spec) :
			      NULL;
	return hook ? hook(obj, prog, spec) : default_spec(prog, spec);
}

static int attach_prog(struct bc_object *obj, struct bc_attachment *at,
		       const struct bc_prog *prog)
{
	struct bc_attach_spec spec;
	int err;

	err = prog_spec(obj, prog, &spec);
	if (err)
		goto out;
	switch (spec.kind) {
	case BC_ATTACH_NONE:
		pr_debug("attach: prog '%s': loaded only, not attached\n",
			 prog->name);
		break;
	case BC_ATTACH_TRACEPOINT:
		err = attach_tracepoint(at, prog, &spec);
		break;
	case BC_ATTACH_KPROBE:
	case BC_ATTACH_UPROBE:
		err = attach_probe(at, prog, &spec);
		break;
	}
out:
	bc_attach_spec_free(&spec);
	return err;
}

static void attachment_free(struct bc_attachment *at)
{
	size_t i;

	/* Reverse order: perf events first, then the probes behind them. */
	for (i = at->cnt; i-- > 0;)
		link_ev_close(at, &at->evs[i]);
	free(at->evs);
	tracefs_release(at);
	free(at);
}

int bc_object__attach(struct bc_object *obj,
		      const struct bc_attach_opts *opts)
{
	struct bc_attachment *at;
	size_t i;
	int err = 0;

	if (!obj || (opts && opts->sz < sizeof(size_t)))
		return bc_err(-EINVAL);
	if (!obj->loaded) {
		pr_warn("attach: object '%s' is not loaded\n", obj->name);
		return bc_err(-EINVAL);
	}
	if (obj->attached)
		return bc_err(-EBUSY);
	at = calloc(1, sizeof(*at));
	if (!at)
		return bc_err(-ENOMEM);
	err = tracefs_setup(at, ATTACH_OPT(opts, tracefs, NULL));
	for (i = 0; !err && i < obj->prog_cnt; i++)
		if (obj->progs[i]->fd >= 0)
			err = attach_prog(obj, at, obj->progs[i]);
	if (err) {
		attachment_free(at);
		return bc_err(err);
	}
	obj->attached = at;
	return 0;
}

int bc_object__detach(struct bc_object *obj)
{
	if (!obj)
		return bc_err(-EINVAL);
	if (!obj->attached)
		return 0;
	attachment_free(obj->attached);
	obj->attached = NULL;
	return 0;
}

size_t bc_object__link_cnt(const struct bc_object *obj)
{
	return obj && obj->attached ? obj->attached->cnt : 0;
}

const char *bc_object__link(const struct bc_object *obj, size_t i,
			    const struct bc_prog **prog)
{
	const struct bc_link_ev *ev;

	if (i >= bc_object__link_cnt(obj))
		return bc_err_ptr(-ENOENT);
	ev = &obj->attached->evs[i];
	if (prog)
		*prog = obj->progs[ev->prog_idx];
	return ev->name;
}

int bc_map__update(const struct bc_map *map, const void *key,
		   const void *value, __u64 flags)
{
	int err;

	if (!map || !key || !value)
		return bc_err(-EINVAL);
	if (map->fd < 0)
		return bc_err(-EBADF);
	err = bpf_map_update_elem(map->fd, key, value, flags);
	return bc_err(err < 0 ? err : 0);
}
