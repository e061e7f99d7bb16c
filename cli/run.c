// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpfcompat run: load an object, set maps from the command line, attach
 * every program, run a command (or wait for a signal or --duration), print
 * what the programs write to their output channel (__bpf_stdout__), then
 * detach. What `perf record -e prog.o -- CMD` did for perf's BPF events.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "common.h"

#define RUN_POLL_MS	100
#define MAP_SET_MAX	64

/* Output channels perf filled with bpf-output events. */
static const char *const output_maps[] = {
	"__bpf_stdout__", "__augmented_syscalls__",
};

static volatile sig_atomic_t run_stop;

static void on_signal(int sig)
{
	run_stop = sig;
}

struct run_opts {
	const char *map_sets[MAP_SET_MAX];
	size_t map_set_cnt;
	unsigned long duration;		/* seconds, 0 = none */
	char **cmd;			/* argv after "--", NULL if none */
};

/* Perf events opened for --map-set MAP.event=EV: open until detach. */
struct run_events {
	int *fds;
	size_t cnt, cap;
	int *cpus;			/* online CPUs; key k -> cpus[k] */
	int cpu_cnt;
};

static int help(void)
{
	fprintf(stderr,
		"Usage: %1$s run OBJ [--dialect D] [--param KEY=VALUE]...\n"
		"                 [--map-set MAP.value[IDX]=N]...\n"
		"                 [--map-set MAP.event[IDX]=EVENT]... [--duration SEC]\n"
		"                 [--bpffs DIR] [--log-level N] [--btf FILE]\n"
		"                 [-- CMD [ARG...]]\n"
		"\n"
		"Load OBJ, attach its programs (tracepoints, uprobes, kprobes),\n"
		"run CMD (or wait for SIGINT/SIGTERM or SEC seconds), print what\n"
		"the programs send to __bpf_stdout__, then detach.\n"
		"\n"
		"  --map-set MAP.value[IDX]=N  store N in ARRAY map MAP at IDX\n"
		"                              (IDX: all, i, i,j, i...j; default all)\n"
		"  --map-set MAP.event[IDX]=EVENT\n"
		"                              store the fd of perf event EVENT on\n"
		"                              CPU IDX in PERF_EVENT_ARRAY MAP at IDX\n"
		"                              (cpu-clock, task-clock, cycles, ...)\n"
		"  --duration SEC              stop after SEC seconds\n",
		bin_name);
	return EXIT_OK;
}

/* Take run's own options out of argv; what is left goes to the parser. */
static int run_split(int *argc, char **argv, struct run_opts *r)
{
	int i, n = 0;
	unsigned long v;

	for (i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			r->cmd = argv + i + 1;
			if (!r->cmd[0]) {
				p_err("'--' needs a command after it");
				return EXIT_USAGE;
			}
			break;
		}
		if (!strcmp(argv[i], "--map-set") ||
		    !strcmp(argv[i], "--duration")) {
			if (i + 1 >= *argc) {
				p_err("%s needs a value", argv[i]);
				return EXIT_USAGE;
			}
			if (argv[i][2] == 'd') {
				if (cli_parse_uint(argv[i + 1], 86400, &v) ||
				    !v) {
					p_err("--duration: '%s' is not 1..86400 seconds",
					      argv[i + 1]);
					return EXIT_USAGE;
				}
				r->duration = v;
			} else if (r->map_set_cnt == MAP_SET_MAX) {
				p_err("at most %d --map-set options",
				      MAP_SET_MAX);
				return EXIT_USAGE;
			} else {
				r->map_sets[r->map_set_cnt++] = argv[i + 1];
			}
			i++;
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

/* ---- map settings (perf's -e obj/map:NAME.value[IDX]=N/) ----------------- */

typedef int (*set_fn)(const struct bc_map *map, __u32 key, void *ctx);

static int set_one(const struct bc_map *map, __u32 key, void *ctx)
{
	unsigned long long v = *(unsigned long long *)ctx;
	unsigned char val[8];
	__u32 vs = bc_map__value_size(map);
	__u8 v8 = v;
	__u16 v16 = v;
	__u32 v32 = v;
	__u64 v64 = v;
	int err;

	/* The number cut to value_size, host order, as perf stored it. */
	memcpy(val, vs == 1 ? (void *)&v8 : vs == 2 ? (void *)&v16 :
		    vs == 4 ? (void *)&v32 : (void *)&v64, vs);
	err = bc_map__update(map, &key, val, BPF_ANY);
	if (err)
		p_err("map '%s': cannot set key %u: %s", bc_map__name(map),
		      key, strerror(-err));
	return err ? EXIT_REFUSED : 0;
}

/* IDX list "a", "a,b", "a...b", "all"; calls fn for each. */
static int set_indices(const struct bc_map *map, const char *idx,
		       set_fn fn, void *ctx)
{
	__u32 max = bc_map__max_entries(map), a, b;
	const char *p = idx;
	char *end;
	int ret;

	if (!idx || !strcmp(idx, "all")) {
		for (a = 0; a < max; a++)
			if ((ret = fn(map, a, ctx)))
				return ret;
		return 0;
	}
	while (*p) {
		a = b = strtoul(p, &end, 10);
		if (end == p)
			goto bad;
		if (!strncmp(end, "...", 3)) {
			p = end + 3;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if (b >= max) {
			p_err("map '%s': index %u out of range (max_entries %u)",
			      bc_map__name(map), b, max);
			return EXIT_USAGE;
		}
		for (; a <= b; a++)
			if ((ret = fn(map, a, ctx)))
				return ret;
		if (*end && *end != ',')
			goto bad;
		p = *end ? end + 1 : end;
	}
	return 0;
bad:
	p_err("--map-set: bad index list '%s'", idx);
	return EXIT_USAGE;
}

/* ---- perf events in PERF_EVENT_ARRAYs (map:NAME.event[IDX]=EV) ----------- */

/*
 * The event names perf_event_open() expresses by number alone: perf's
 * generic hardware and software events. PMU-specific names need sysfs
 * parsing and are not offered; "rNNNN" is a raw PMU event.
 */
static const struct {
	const char *name;
	__u32 type;
	__u64 config;
} event_names[] = {
	{ "cpu-cycles",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cycles",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branches",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "idle-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "idle-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "cpu-clock",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults",	PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY },
	{ "bpf-output",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT },
};

struct event_set {
	struct run_events *evs;
	const char *spec;
	const char *name;
	struct perf_event_attr attr;
};

static int event_parse(const char *name, struct perf_event_attr *attr)
{
	char *end;
	size_t i;

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	for (i = 0; i < ARRAY_SIZE(event_names); i++) {
		if (strcmp(name, event_names[i].name))
			continue;
		attr->type = event_names[i].type;
		attr->config = event_names[i].config;
		if (attr->config == PERF_COUNT_SW_BPF_OUTPUT &&
		    attr->type == PERF_TYPE_SOFTWARE) {
			attr->sample_type = PERF_SAMPLE_RAW;
			attr->sample_period = 1;
			attr->wakeup_events = 1;
		}
		return 0;
	}
	if (name[0] != 'r' || !name[1])
		return -ENOENT;
	errno = 0;
	attr->config = strtoull(name + 1, &end, 16);
	if (errno || *end)
		return -ENOENT;
	attr->type = PERF_TYPE_RAW;
	return 0;
}

static int events_cpus(struct run_events *evs)
{
	char buf[1024], *p, *end;
	long a, b;
	FILE *f;
	int *tmp;

	if (evs->cpus)
		return 0;
	f = fopen("/sys/devices/system/cpu/online", "re");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		p_err("cannot read /sys/devices/system/cpu/online: %s",
		      strerror(errno));
		if (f)
			fclose(f);
		return EXIT_REFUSED;
	}
	fclose(f);
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		b = *end == '-' ? strtol(end + 1, &end, 10) : a;
		if (end == p || a < 0 || b < a || b - a > 65535)
			goto bad;
		tmp = realloc(evs->cpus, (evs->cpu_cnt + b - a + 1) *
					 sizeof(*tmp));
		if (!tmp)
			goto bad;
		evs->cpus = tmp;
		while (a <= b)
			evs->cpus[evs->cpu_cnt++] = a++;
		p = *end == ',' ? end + 1 : end;
	}
	if (evs->cpu_cnt)
		return 0;
bad:
	p_err("cannot parse the online CPU list '%s'", buf);
	return EXIT_REFUSED;
}

static int event_keep(struct run_events *evs, int fd)
{
	int *fds = evs->fds;

	if (evs->cnt == evs->cap) {
		fds = realloc(fds, (evs->cap * 2 + 8) * sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		evs->fds = fds;
		evs->cap = evs->cap * 2 + 8;
	}
	evs->fds[evs->cnt++] = fd;
	return 0;
}

/* perf's apply_config_evsel_for_key(): map[key] = the event's fd on CPU
 * number key of the online CPUs. */
static int set_event(const struct bc_map *map, __u32 key, void *ctx)
{
	struct event_set *es = ctx;
	struct run_events *evs = es->evs;
	int fd, err, cpu;
	__u32 val;

	if (key >= (__u32)evs->cpu_cnt) {
		p_err("--map-set '%s': map '%s': key %u: there is no event for it (%d online CPUs, one event each); give an index list",
		      es->spec, bc_map__name(map), key, evs->cpu_cnt);
		return EXIT_USAGE;
	}
	cpu = evs->cpus[key];
	fd = syscall(__NR_perf_event_open, &es->attr, -1, cpu, -1,
		     PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		err = errno;
		p_err("--map-set '%s': event '%s' on CPU %d: %s%s", es->spec,
		      es->name, cpu, strerror(err),
		      es->attr.type != PERF_TYPE_SOFTWARE &&
		      (err == ENOENT || err == EOPNOTSUPP || err == ENODEV) ?
		      " (no hardware PMU for it on this machine)" : "");
		return EXIT_REFUSED;
	}
	if (event_keep(evs, fd)) {
		close(fd);
		p_err("out of memory");
		return EXIT_REFUSED;
	}
	val = fd;
	err = bc_map__update(map, &key, &val, BPF_ANY);
	if (err) {
		p_err("map '%s': cannot store event '%s' at key %u: %s",
		      bc_map__name(map), es->name, key, strerror(-err));
		return EXIT_REFUSED;
	}
	return 0;
}

static int map_set_event(const struct bc_map *map, const char *spec,
			 const char *idx, const char *name,
			 struct run_events *evs)
{
	struct event_set es = { .evs = evs, .spec = spec, .name = name };
	int ret;

	if (bc_map__type(map) != BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
	    bc_map__value_size(map) != 4 || bc_map__key_size(map) != 4) {
		p_err("--map-set '%s': map '%s' must be a perf event array",
		      spec, bc_map__name(map));
		return EXIT_USAGE;
	}
	if (event_parse(name, &es.attr)) {
		p_err("--map-set '%s': unknown event '%s' (a generic hardware or software event such as cpu-clock, task-clock, cycles, instructions, bpf-output, or rHEX)",
		      spec, name);
		return EXIT_USAGE;
	}
	ret = events_cpus(evs);
	return ret ?: set_indices(map, idx, set_event, &es);
}

static void events_close(struct run_events *evs)
{
	size_t i;

	for (i = 0; i < evs->cnt; i++)
		close(evs->fds[i]);
	free(evs->fds);
	free(evs->cpus);
	memset(evs, 0, sizeof(*evs));
}

static int map_set(struct bc_object *obj, const char *spec,
		   struct run_events *evs)
{
	char *s = strdup(spec), *dot, *opt, *eq, *idx = NULL, *end;
	const struct bc_map *map;
	unsigned long long v;
	__u32 vs;
	int ret = EXIT_USAGE;

	if (!s)
		return EXIT_USAGE;
	opt = !strncmp(s, "map:", 4) ? s + 4 : s;
	dot = strchr(opt, '.');
	eq = strchr(opt, '=');
	if (!dot || !eq || eq < dot) {
		p_err("--map-set '%s': expected MAP.value[IDX]=N or MAP.event[IDX]=EVENT",
		      spec);
		goto out;
	}
	*dot = *eq = '\0';
	map = bc_object__find_map(obj, opt);
	if (!map) {
		p_err("--map-set '%s': no map '%s' in the object", spec, opt);
		goto out;
	}
	idx = strchr(dot + 1, '[');
	if (idx) {
		*idx++ = '\0';
		end = strchr(idx, ']');
		if (!end || end[1]) {
			p_err("--map-set '%s': unterminated index", spec);
			goto out;
		}
		*end = '\0';
	}
	if (!strcmp(dot + 1, "event")) {
		ret = map_set_event(map, spec, idx, eq + 1, evs);
		goto out;
	}
	if (strcmp(dot + 1, "value")) {
		p_err("--map-set '%s': option '%s' not supported ('value' or 'event')",
		      spec, dot + 1);
		goto out;
	}
	vs = bc_map__value_size(map);
	if (bc_map__type(map) != BPF_MAP_TYPE_ARRAY ||
	    bc_map__key_size(map) < 4 ||
	    (vs != 1 && vs != 2 && vs != 4 && vs != 8)) {
		p_err("--map-set '%s': map '%s' must be an array with key size >= 4 and value size 1, 2, 4 or 8",
		      spec, opt);
		goto out;
	}
	errno = 0;
	v = strtoull(eq + 1, &end, 0);
	if (errno || end == eq + 1 || *end) {
		p_err("--map-set '%s': '%s' is not a number", spec, eq + 1);
		goto out;
	}
	ret = set_indices(map, idx, set_one, &v);
out:
	free(s);
	return ret;
}

/* ---- output ----------------------------------------------------------------- */

static void print_record(void *ctx, int cpu, const void *data, size_t size)
{
	const unsigned char *p = data;
	const char *name = ctx;
	size_t n = size, i;
	bool text = true;

	while (n && !p[n - 1])
		n--;
	for (i = 0; i < n && text; i++)
		text = (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' ||
		       p[i] == '\t';
	if (text && n) {
		printf("%.*s%s", (int)n, (const char *)p,
		       p[n - 1] == '\n' ? "" : "\n");
	} else {
		printf("%s: cpu %d:", name, cpu);
		for (i = 0; i < size; i++)
			printf(" %02x", p[i]);
		printf("\n");
	}
	fflush(stdout);
}

static int open_outputs(struct bc_object *obj, struct bc_output **outs)
{
	const struct bc_map *map;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(output_maps); i++) {
		map = bc_object__find_map(obj, output_maps[i]);
		if (!map || bc_map__type(map) != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		outs[i] = bc_output__new(map, print_record,
					 (void *)output_maps[i], NULL);
		if (!outs[i]) {
			p_err("map '%s': cannot open the output channel: %s",
			      output_maps[i], strerror(errno));
			return EXIT_REFUSED;
		}
	}
	return 0;
}

static void poll_outputs(struct bc_output **outs, int ms)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(output_maps); i++)
		if (outs[i])
			n++;
	if (!n) {
		if (ms)
			usleep(ms * 1000);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(output_maps); i++)
		if (outs[i])
			bc_output__poll(outs[i], ms / n);
}

/* ---- running ---------------------------------------------------------------- */

static pid_t spawn(char **cmd)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(cmd[0], cmd);
	fprintf(stderr, "%s: cannot run %s: %s\n", bin_name, cmd[0],
		strerror(errno));
	_exit(127);
}

static int wait_loop(struct bc_output **outs, const struct run_opts *r)
{
	time_t end = r->duration ? time(NULL) + r->duration : 0;
	pid_t pid = -1;
	int status, ret = EXIT_OK;

	if (r->cmd) {
		pid = spawn(r->cmd);
		if (pid < 0) {
			p_err("cannot fork: %s", strerror(errno));
			return EXIT_REFUSED;
		}
	}
	while (!run_stop && (!end || time(NULL) < end)) {
		poll_outputs(outs, RUN_POLL_MS);
		if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) {
			ret = WIFEXITED(status) ? WEXITSTATUS(status) :
						  128 + WTERMSIG(status);
			pid = -1;
			break;
		}
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	poll_outputs(outs, 0);	/* what was written before the end */
	return ret;
}

static void report_links(struct bc_object *obj)
{
	const struct bc_prog *prog;
	const char *ev;
	size_t i;

	for (i = 0; i < bc_object__link_cnt(obj); i++) {
		ev = bc_object__link(obj, i, &prog);
		p_info("prog '%s' attached to %s", bc_prog__name(prog), ev);
	}
}

static int run(struct bc_object *obj, const struct cli_opts *o,
	       const struct run_opts *r)
{
	BC_OPTS(bc_load_opts, lo, .bpffs = o->bpffs,
		.log_level = o->log_level_set ? o->log_level : 0);
	struct bc_output *outs[ARRAY_SIZE(output_maps)] = {};
	struct sigaction sa = { .sa_handler = on_signal };
	struct run_events evs = {};
	size_t i;
	int err, ret;

	err = bc_object__load(obj, &lo);
	if (err) {
		p_err("failed to load object '%s': %s", bc_object__name(obj),
		      cli_strerror(err));
		return cli_exit_code(err);
	}
	for (i = 0, ret = 0; i < r->map_set_cnt && !ret; i++)
		ret = map_set(obj, r->map_sets[i], &evs);
	ret = ret ?: open_outputs(obj, outs);
	if (ret)
		goto out;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = bc_object__attach(obj, NULL);
	if (err) {
		p_err("failed to attach object '%s': %s",
		      bc_object__name(obj), cli_strerror(err));
		ret = cli_exit_code(err);
		goto out;
	}
	report_links(obj);
	ret = wait_loop(outs, r);
	bc_object__detach(obj);
out:
	for (i = 0; i < ARRAY_SIZE(output_maps); i++)
		bc_output__free(outs[i]);
	/* After detach: no program can read them any more. */
	events_close(&evs);
	return ret;
}

int do_run(int argc, char **argv)
{
	struct run_opts r = {};
	struct bc_object *obj;
	struct cli_opts o = {};
	int ret;

	ret = run_split(&argc, argv, &r);
	if (ret)
		return ret;
	ret = cli_parse_opts("run", &argc, &argv,
			     CLI_OPT_DIALECT | CLI_OPT_PARAM | CLI_OPT_BPFFS |
			     CLI_OPT_LOG_LEVEL | CLI_OPT_BTF, &o);
	if (ret)
		goto out;
	if (cli_wants_help(&o, argc, argv)) {
		ret = help();
		goto out;
	}
	ret = cli_req_args("run", argc, argv, 1, "an object file");
	if (ret)
		goto out;
	obj = cli_open_object(argv[0], &o, &ret);
	if (!obj)
		goto out;
	ret = run(obj, &o, &r);
	bc_object__close(obj);
out:
	cli_opts_free(&o);
	return ret;
}
