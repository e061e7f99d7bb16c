// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bcbench: bpfcompat against libbpf, in one process, on the same objects.
 *
 * Every object comes as a pair built from one generated source: the
 * legacy-maps object, which bpfcompat loads, and its libbpf 1.x BTF twin,
 * which libbpf loads; their instructions are identical. Runs of the two
 * loaders are interleaved (the order alternates per round) and each figure
 * is the median of --reps rounds. Peak memory and syscall counts come from
 * one fresh child process per measurement (this program, run with --once).
 *
 * The open path runs on one CPU for both loaders: a single thread the
 * scheduler moves between CPUs pays for cold caches, which on a guest
 * varied one loader's figure by half from one run to the next.
 *
 * Both loaders open the bytes in place under the same contract: libbpf's
 * bpf_object__open_mem() keeps the caller's buffer, and bpfcompat is asked
 * to do the same (bc_open_opts.borrow_buf); the buffers outlive every
 * object opened from them.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "bpfcompat.h"

#define MAX_OBJS	32
#define MAX_REPS	101
#define OPEN_WARMUP	5
#define OPEN_BATCH_NS	(2 * 1000 * 1000)	/* one open sample >= 2 ms */
#define ISOLATE_MAX	64	/* per-program timing only up to this */
#define FMT_SZ		48

enum loader { BC, LB };

struct obj {
	char name[64];
	char group[16];		/* "load" or "scale" */
	int progs, maps, relocs, work;
	void *buf[2];		/* [BC] legacy object, [LB] BTF twin */
	size_t size[2];
	char *path[2];
	/* results, in ns / KiB; < 0 when not measured */
	double open_ns[2];
	double load_ns[2], load1_ns;
	double serial_ns, verify_ns, bound_ns;
	long mem_open[2], mem_load[2];
	int sys_maps[2], sys_progs[2], sys_total[2];
	json_object *sys_json[2];
};

static struct {
	const char *dir;
	const char *json;
	int reps;
	int jobs;
	int cpus;
	bool kernel;
	bool strace;
	const char *self;
} env = {
	.dir = BC_BENCH_OBJDIR,
	.reps = 7,
};

static struct obj objs[MAX_OBJS];
static int obj_cnt;

static const char *const loader_name[] = { "bpfcompat", "libbpf" };

/* ---- small helpers -------------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int silent_bc(enum bc_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int silent_lb(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	return 0;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(len);
	if (buf && fread(buf, 1, len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	*size = len;
out:
	fclose(f);
	return buf;
}

/* ---- the two loaders ------------------------------------------------------- */

static struct bc_object *bc_open(const struct obj *o)
{
	LIBBPF_OPTS(bc_open_opts, opts, .object_name = o->name,
		    .borrow_buf = true);

	return bc_object__open_mem(o->buf[BC], o->size[BC], &opts);
}

/* open -> relocate -> plan, no kernel */
static int bc_plan(const struct obj *o)
{
	LIBBPF_OPTS(bc_load_opts, lopts, .dry_run = true);
	struct bc_object *obj = bc_open(o);
	int err;

	if (!obj)
		return -errno;
	err = bc_object__load(obj, &lopts);
	bc_object__close(obj);
	return err;
}

static struct bpf_object *lb_open(const struct obj *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = o->name);

	return bpf_object__open_mem(o->buf[LB], o->size[LB], &opts);
}

static int lb_plan(const struct obj *o)
{
	struct bpf_object *obj = lb_open(o);
	int err = libbpf_get_error(obj);

	if (err)
		return err;
	bpf_object__close(obj);
	return 0;
}

/* only >= 0: load just that program; -2: no program; -1: all */
static int bc_load(const struct obj *o, int jobs, int only)
{
	LIBBPF_OPTS(bc_load_opts, lopts, .jobs = jobs);
	struct bc_object *obj = bc_open(o);
	size_t i;
	int err;

	if (!obj)
		return -errno;
	for (i = 0; only != -1 && i < bc_object__prog_cnt(obj); i++)
		bc_prog__set_autoload(bc_object__prog(obj, i),
				      (int)i == only);
	err = bc_object__load(obj, &lopts);
	bc_object__close(obj);
	return err;
}

static int lb_load(const struct obj *o)
{
	struct bpf_object *obj = lb_open(o);
	int err = libbpf_get_error(obj);

	if (err)
		return err;
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

/* ---- timing ----------------------------------------------------------------- */

static int time_plan(const struct obj *o, enum loader l, int batch,
		     double *ns)
{
	double t0 = now_ns();
	int i, err = 0;

	for (i = 0; i < batch && !err; i++)
		err = l == BC ? bc_plan(o) : lb_plan(o);
	*ns = (now_ns() - t0) / batch;
	return err;
}

static int batch_for(const struct obj *o, enum loader l)
{
	double ns;

	if (time_plan(o, l, 1, &ns))
		return -1;
	return ns >= OPEN_BATCH_NS ? 1 : (int)(OPEN_BATCH_NS / ns) + 1;
}

/* Keep this thread on the CPU it runs on; *saved gets the old mask. */
static bool pin_here(cpu_set_t *saved)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (cpu < 0 || sched_getaffinity(0, sizeof(*saved), saved))
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return !sched_setaffinity(0, sizeof(one), &one);
}

static void open_rounds(struct obj *o)
{
	double s[2][MAX_REPS];
	int r, k, b[2];
	enum loader l;

	/*
	 * Warm up first, interleaved as measured: the first opens of a
	 * process fault its heap in, and glibc sizes its trim threshold from
	 * the blocks the process frees; until both loaders have run a few
	 * times, each gives back memory the other faults in again. Measured
	 * is the steady state of a process that loads objects repeatedly.
	 */
	for (r = 0; r < OPEN_WARMUP; r++) {
		if (time_plan(o, BC, 1, &s[BC][0]) ||
		    time_plan(o, LB, 1, &s[LB][0]))
			break;
	}
	b[BC] = batch_for(o, BC);
	b[LB] = batch_for(o, LB);
	if (b[BC] < 0 || b[LB] < 0) {
		fprintf(stderr, "%s: open failed (%s)\n", o->name,
			b[BC] < 0 ? "bpfcompat" : "libbpf");
		return;
	}
	for (r = 0; r < env.reps; r++) {
		for (k = 0; k < 2; k++) {
			l = (r + k) % 2 ? LB : BC;
			time_plan(o, l, b[l], &s[l][r]);
		}
	}
	o->open_ns[BC] = median(s[BC], env.reps);
	o->open_ns[LB] = median(s[LB], env.reps);
}

/* The full loads after it use every CPU again. */
static void bench_open(struct obj *o)
{
	cpu_set_t saved;
	bool pinned;

	o->open_ns[BC] = o->open_ns[LB] = -1;
	pinned = pin_here(&saved);
	open_rounds(o);
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
}

/* which: 0 bpfcompat --jobs, 1 bpfcompat --jobs 1, 2 libbpf */
static int time_load(const struct obj *o, int which, double *ns)
{
	double t0 = now_ns();
	int err;

	if (which == 2)
		err = lb_load(o);
	else
		err = bc_load(o, which ? 1 : env.jobs, -1);
	*ns = now_ns() - t0;
	return err;
}

static void bench_load(struct obj *o)
{
	double s[3][MAX_REPS];
	int r, k, w;

	o->load_ns[BC] = o->load_ns[LB] = o->load1_ns = -1;
	for (r = 0; r < env.reps; r++) {
		for (k = 0; k < 3; k++) {
			w = (r + k) % 3;
			if (time_load(o, w, &s[w][r])) {
				fprintf(stderr, "%s: load failed (%s)\n",
					o->name, w == 2 ? "libbpf" :
					"bpfcompat");
				return;
			}
		}
	}
	o->load_ns[BC] = median(s[0], env.reps);
	o->load1_ns = median(s[1], env.reps);
	o->load_ns[LB] = median(s[2], env.reps);
}

static double time_bc_only(const struct obj *o, int only)
{
	double s[MAX_REPS], t0;
	int r;

	for (r = 0; r < env.reps; r++) {
		t0 = now_ns();
		if (bc_load(o, 1, only))
			return -1;
		s[r] = now_ns() - t0;
	}
	return median(s, env.reps);
}

/*
 * The floor for a parallel load: the serial part (open, plan, maps: a
 * load with no program) plus the programs' own load times, each measured
 * alone and less the serial part, spread over every CPU.
 */
static void bench_bound(struct obj *o)
{
	double t;
	int i;

	o->serial_ns = o->verify_ns = o->bound_ns = -1;
	if (o->progs > ISOLATE_MAX)
		return;
	o->serial_ns = time_bc_only(o, -2);
	if (o->serial_ns < 0)
		return;
	o->verify_ns = 0;
	for (i = 0; i < o->progs; i++) {
		t = time_bc_only(o, i);
		if (t < 0) {
			o->verify_ns = -1;
			return;
		}
		o->verify_ns += t > o->serial_ns ? t - o->serial_ns : 0;
	}
	o->bound_ns = o->serial_ns + o->verify_ns / env.cpus;
}

/* ---- child processes: peak memory, syscalls ------------------------------ */

/*
 * Peak RSS of this address space. Not getrusage(): ru_maxrss survives
 * exec, so a child forked from a big parent would report the parent.
 */
static void print_hwm(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) {
			printf("hwm %ld\n", kb);
			break;
		}
	}
	if (f)
		fclose(f);
}

static int once(const char *mode, const char *path)
{
	struct obj o = { .progs = 0 };
	int err;

	snprintf(o.name, sizeof(o.name), "bench");
	o.buf[BC] = o.buf[LB] = read_file(path, &o.size[BC]);
	o.size[LB] = o.size[BC];
	if (!o.buf[BC]) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	if (!strcmp(mode, "none"))
		err = 0;
	else if (!strcmp(mode, "bc-open"))
		err = bc_plan(&o);
	else if (!strcmp(mode, "lb-open"))
		err = lb_plan(&o);
	else if (!strcmp(mode, "bc-load"))
		err = bc_load(&o, env.jobs, -1);
	else if (!strcmp(mode, "lb-load"))
		err = lb_load(&o);
	else
		err = -EINVAL;
	free(o.buf[BC]);
	print_hwm();
	return err ? 1 : 0;
}

/* Run argv; *hwm_kb gets the peak RSS the child reports. */
static int run_child(char *const argv[], long *hwm_kb)
{
	char line[128];
	int status, pfd[2];
	FILE *f;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (hwm_kb)
		*hwm_kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (hwm_kb)
			sscanf(line, "hwm %ld", hwm_kb);
	if (f)
		fclose(f);
	else
		close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return hwm_kb && *hwm_kb < 0 ? -EIO : 0;
}

static long child_rss(const char *mode, const char *path)
{
	char jobs[16];
	char *argv[] = { (char *)env.self, "--jobs", jobs, "--once",
			 (char *)mode, (char *)path, NULL };
	double kb[3];
	long v = 0;
	int i;

	snprintf(jobs, sizeof(jobs), "%d", env.jobs);
	for (i = 0; i < 3; i++) {
		if (run_child(argv, &v))
			return -1;
		kb[i] = v;
	}
	return median(kb, 3);
}

static long rss_delta(const char *mode, const char *path)
{
	long base = child_rss("none", path), kb = child_rss(mode, path);

	return base < 0 || kb < 0 ? -1 : kb > base ? kb - base : 0;
}

static void bench_memory(struct obj *o)
{
	enum loader l;

	for (l = BC; l <= LB; l++) {
		o->mem_open[l] = rss_delta(l == BC ? "bc-open" : "lb-open",
					   o->path[l]);
		o->mem_load[l] = env.kernel ?
			rss_delta(l == BC ? "bc-load" : "lb-load", o->path[l]) :
			-1;
	}
}

/* strace -f -e trace=bpf: count bpf() calls per command. */
static void bench_syscalls(struct obj *o, enum loader l)
{
	char out[] = "/tmp/bcbench-strace-XXXXXX", line[512], cmd[64];
	char jobs[16];
	char *argv[] = { "strace", "-f", "-qq", "-e", "trace=bpf", "-o", out,
			 (char *)env.self, "--jobs", jobs, "--once",
			 l == BC ? "bc-load" : "lb-load", o->path[l], NULL };
	json_object *counts, *c;
	FILE *f;
	int fd;

	o->sys_maps[l] = o->sys_progs[l] = o->sys_total[l] = -1;
	snprintf(jobs, sizeof(jobs), "%d", env.jobs);
	fd = mkstemp(out);
	if (fd < 0)
		return;
	close(fd);
	if (run_child(argv, NULL) || !(f = fopen(out, "r"))) {
		unlink(out);
		return;
	}
	counts = json_object_new_object();
	o->sys_maps[l] = o->sys_progs[l] = o->sys_total[l] = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "bpf(BPF_");

		if (!p || sscanf(p + 4, "%63[A-Z_]", cmd) != 1)
			continue;
		o->sys_total[l]++;
		o->sys_maps[l] += !strcmp(cmd, "BPF_MAP_CREATE");
		o->sys_progs[l] += !strcmp(cmd, "BPF_PROG_LOAD");
		if (json_object_object_get_ex(counts, cmd, &c))
			json_object_set_int(c, json_object_get_int(c) + 1);
		else
			json_object_object_add(counts, cmd,
					       json_object_new_int(1));
	}
	fclose(f);
	unlink(out);
	o->sys_json[l] = counts;
}

/* ---- scaling ---------------------------------------------------------------- */

/* Least-squares slope of log(y) over log(x): 1 is linear. */
static double exponent(const double *x, const double *y, int n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (x[i] <= 0 || y[i] <= 0)
			return NAN;
		mx += log(x[i]) / n;
		my += log(y[i]) / n;
	}
	for (i = 0; i < n; i++) {
		sxy += (log(x[i]) - mx) * (log(y[i]) - my);
		sxx += (log(x[i]) - mx) * (log(x[i]) - mx);
	}
	return n > 1 && sxx > 0 ? sxy / sxx : NAN;
}

enum metric { M_OPEN, M_LOAD, M_MEM_OPEN, M_MEM_LOAD, M_CNT };
static const char *const metric_name[] = {
	"open_time", "load_time", "open_peak_memory", "load_peak_memory",
};

static double metric(const struct obj *o, enum metric m, enum loader l)
{
	switch (m) {
	case M_OPEN:
		return o->open_ns[l];
	case M_LOAD:
		return o->load_ns[l];
	case M_MEM_OPEN:
		return o->mem_open[l];
	default:
		return o->mem_load[l];
	}
}

/*
 * exp[m][l][0]: fit over every size; [1]: over the two largest only, where
 * fixed costs (libraries, descriptors) no longer hide the growth.
 */
static void scaling(double exp[M_CNT][2][2], int *n)
{
	double x[MAX_OBJS], y[MAX_OBJS];
	enum metric m;
	enum loader l;
	int i;

	*n = 0;
	for (m = 0; m < M_CNT; m++) {
		for (l = BC; l <= LB; l++) {
			*n = 0;
			for (i = 0; i < obj_cnt; i++) {
				if (strcmp(objs[i].group, "scale"))
					continue;
				x[*n] = objs[i].progs;
				y[(*n)++] = metric(&objs[i], m, l);
			}
			exp[m][l][0] = exponent(x, y, *n);
			exp[m][l][1] = *n > 1 ?
				exponent(x + *n - 2, y + *n - 2, 2) : NAN;
		}
	}
}

/* ---- output ----------------------------------------------------------------- */

static const char *fmt_ms(double ns, char *buf)
{
	if (ns < 0)
		return "-";
	snprintf(buf, FMT_SZ, "%.3f", ns / 1e6);
	return buf;
}

/* Opens of small objects take microseconds: ms with 3 digits hides them. */
static const char *fmt_us(double ns, char *buf)
{
	if (ns < 0)
		return "-";
	snprintf(buf, FMT_SZ, "%.1f", ns / 1e3);
	return buf;
}

static const char *fmt_ratio(double a, double b, char *buf)
{
	if (a < 0 || b <= 0)
		return "-";
	snprintf(buf, FMT_SZ, "%.2fx", a / b);
	return buf;
}

static const char *fmt_long(long v, char *buf)
{
	if (v < 0)
		return "-";
	snprintf(buf, FMT_SZ, "%ld", v);
	return buf;
}

static void print_tables(double exp[M_CNT][2][2], int scale_n)
{
	char a[FMT_SZ], b[FMT_SZ], c[FMT_SZ], d[FMT_SZ], e[FMT_SZ];
	char f[FMT_SZ];
	double a_load[1];
	struct obj *o;
	int i;

	if (getloadavg(a_load, 1) == 1)
		printf("load average at the end of the run: %.2f\n",
		       a_load[0]);
	printf("\nopen -> relocate -> plan (no kernel), us, median of %d\n",
	       env.reps);
	printf("%-12s %6s %5s %7s %10s %10s %7s\n", "object", "progs",
	       "maps", "relocs", "bpfcompat", "libbpf", "ratio");
	for (i = 0; i < obj_cnt; i++) {
		o = &objs[i];
		printf("%-12s %6d %5d %7d %10s %10s %7s\n", o->name, o->progs,
		       o->maps, o->progs * o->relocs, fmt_us(o->open_ns[BC], a),
		       fmt_us(o->open_ns[LB], b),
		       fmt_ratio(o->open_ns[BC], o->open_ns[LB], c));
	}
	if (env.kernel) {
		printf("\nfull load (open + load), ms, median of %d, %d CPUs\n",
		       env.reps, env.cpus);
		printf("%-12s %10s %10s %10s %7s %10s %7s\n", "object",
		       "bpfcompat", "--jobs 1", "libbpf", "ratio", "bound",
		       "vs bound");
		for (i = 0; i < obj_cnt; i++) {
			o = &objs[i];
			printf("%-12s %10s %10s %10s %7s %10s %7s\n", o->name,
			       fmt_ms(o->load_ns[BC], a), fmt_ms(o->load1_ns, b),
			       fmt_ms(o->load_ns[LB], c),
			       fmt_ratio(o->load_ns[BC], o->load_ns[LB], d),
			       fmt_ms(o->bound_ns, e),
			       fmt_ratio(o->load_ns[BC], o->bound_ns, f));
		}
	}
	printf("\npeak memory above a process that only read the object, KiB\n");
	printf("%-12s %10s %10s %10s %10s\n", "object", "bc open", "lb open",
	       "bc load", "lb load");
	for (i = 0; i < obj_cnt; i++) {
		o = &objs[i];
		printf("%-12s %10s %10s %10s %10s\n", o->name,
		       fmt_long(o->mem_open[BC], a), fmt_long(o->mem_open[LB], b),
		       fmt_long(o->mem_load[BC], c), fmt_long(o->mem_load[LB], d));
	}
	if (env.strace) {
		printf("\nbpf() syscalls per full load (strace -f)\n");
		printf("%-12s %6s %5s %16s %16s\n", "object", "progs", "maps",
		       "bc map/prog/all", "lb map/prog/all");
		for (i = 0; i < obj_cnt; i++) {
			o = &objs[i];
			snprintf(a, sizeof(a), "%d/%d/%d", o->sys_maps[BC],
				 o->sys_progs[BC], o->sys_total[BC]);
			snprintf(b, sizeof(b), "%d/%d/%d", o->sys_maps[LB],
				 o->sys_progs[LB], o->sys_total[LB]);
			printf("%-12s %6d %5d %16s %16s\n", o->name, o->progs,
			       o->maps, a, b);
		}
	}
	if (scale_n > 1) {
		printf("\nscaling over %d sizes: exponent of a power-law fit (1 = linear)\n",
		       scale_n);
		printf("%-18s %10s %10s %10s %10s\n", "metric", "bc fit",
		       "lb fit", "bc top", "lb top");
		for (i = 0; i < M_CNT; i++)
			printf("%-18s %10.2f %10.2f %10.2f %10.2f\n",
			       metric_name[i], exp[i][BC][0], exp[i][LB][0],
			       exp[i][BC][1], exp[i][LB][1]);
		printf("(fit: all sizes; top: the two largest sizes)\n");
	}
}

static void json_num(json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, v < 0 || isnan(v) ? NULL :
			       json_object_new_double(v));
}

static json_object *json_obj(struct obj *o)
{
	json_object *j = json_object_new_object(), *t;
	enum loader l;

	json_object_object_add(j, "name", json_object_new_string(o->name));
	json_object_object_add(j, "group", json_object_new_string(o->group));
	json_object_object_add(j, "progs", json_object_new_int(o->progs));
	json_object_object_add(j, "maps", json_object_new_int(o->maps));
	json_object_object_add(j, "relocations",
			       json_object_new_int(o->progs * o->relocs));
	json_object_object_add(j, "work", json_object_new_int(o->work));
	t = json_object_new_object();
	json_num(t, "bpfcompat_ns", o->open_ns[BC]);
	json_num(t, "libbpf_ns", o->open_ns[LB]);
	json_num(t, "ratio", o->open_ns[LB] > 0 ?
		 o->open_ns[BC] / o->open_ns[LB] : -1);
	json_object_object_add(j, "open", t);
	t = json_object_new_object();
	json_num(t, "bpfcompat_ns", o->load_ns[BC]);
	json_num(t, "bpfcompat_jobs1_ns", o->load1_ns);
	json_num(t, "libbpf_ns", o->load_ns[LB]);
	json_num(t, "ratio", o->load_ns[LB] > 0 && o->load_ns[BC] > 0 ?
		 o->load_ns[BC] / o->load_ns[LB] : -1);
	json_num(t, "serial_ns", o->serial_ns);
	json_num(t, "verify_sum_ns", o->verify_ns);
	json_num(t, "bound_ns", o->bound_ns);
	json_num(t, "ratio_to_bound", o->bound_ns > 0 && o->load_ns[BC] > 0 ?
		 o->load_ns[BC] / o->bound_ns : -1);
	json_object_object_add(j, "load", t);
	t = json_object_new_object();
	json_num(t, "bpfcompat_open_kib", o->mem_open[BC]);
	json_num(t, "libbpf_open_kib", o->mem_open[LB]);
	json_num(t, "bpfcompat_load_kib", o->mem_load[BC]);
	json_num(t, "libbpf_load_kib", o->mem_load[LB]);
	json_object_object_add(j, "peak_memory", t);
	t = json_object_new_object();
	for (l = BC; l <= LB; l++)
		json_object_object_add(t, loader_name[l], o->sys_json[l]);
	json_object_object_add(j, "bpf_syscalls", t);
	return j;
}

static int write_json(double exp[M_CNT][2][2], int scale_n)
{
	json_object *root = json_object_new_object(), *arr, *m, *e;
	struct utsname u;
	double load[1];
	int i, err;

	m = json_object_new_object();
	uname(&u);
	json_object_object_add(m, "kernel", json_object_new_string(u.release));
	json_object_object_add(m, "machine", json_object_new_string(u.machine));
	json_object_object_add(m, "cpus", json_object_new_int(env.cpus));
	json_object_object_add(m, "bpfcompat",
			       json_object_new_string(bc_version_str()));
	json_object_object_add(m, "libbpf",
			       json_object_new_string(libbpf_version_string()));
	if (getloadavg(load, 1) == 1)
		json_num(m, "loadavg_at_end", load[0]);
	json_object_object_add(root, "machine", m);
	json_object_object_add(root, "reps", json_object_new_int(env.reps));
	json_object_object_add(root, "jobs", json_object_new_int(env.jobs));
	arr = json_object_new_array();
	for (i = 0; i < obj_cnt; i++)
		json_object_array_add(arr, json_obj(&objs[i]));
	json_object_object_add(root, "objects", arr);
	if (scale_n > 1) {
		e = json_object_new_object();
		for (i = 0; i < M_CNT; i++) {
			m = json_object_new_object();
			json_num(m, "bpfcompat", exp[i][BC][0]);
			json_num(m, "libbpf", exp[i][LB][0]);
			json_num(m, "bpfcompat_top", exp[i][BC][1]);
			json_num(m, "libbpf_top", exp[i][LB][1]);
			json_object_object_add(e, metric_name[i], m);
		}
		json_object_object_add(root, "scaling_exponents", e);
	}
	if (!strcmp(env.json, "-"))
		err = printf("%s\n", json_object_to_json_string_ext(root,
				JSON_C_TO_STRING_PRETTY)) < 0;
	else
		err = json_object_to_file_ext(env.json, root,
					      JSON_C_TO_STRING_PRETTY);
	json_object_put(root);
	if (err)
		fprintf(stderr, "cannot write %s\n", env.json);
	return err ? -1 : 0;
}

/* ---- setup -------------------------------------------------------------------- */

/* bench.list: "name group progs maps relocs work" per line. */
static int read_manifest(int argc, char **argv)
{
	char path[4096], line[256];
	struct obj *o;
	enum loader l;
	int i, want;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bench.list", env.dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s (build the bench_objects target)\n",
			path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) && obj_cnt < MAX_OBJS) {
		o = &objs[obj_cnt];
		memset(o, 0, sizeof(*o));
		if (sscanf(line, "%63s %15s %d %d %d %d", o->name, o->group,
			   &o->progs, &o->maps, &o->relocs, &o->work) != 6)
			continue;
		for (want = argc == 0, i = 0; i < argc; i++)
			want |= !strcmp(argv[i], o->name);
		if (!want)
			continue;
		for (l = BC; l <= LB; l++) {
			snprintf(path, sizeof(path), "%s/%s%s.o", env.dir,
				 o->name, l == BC ? "" : ".btf");
			o->path[l] = strdup(path);
			o->buf[l] = read_file(path, &o->size[l]);
			if (!o->buf[l]) {
				fprintf(stderr, "%s: %s\n", path,
					strerror(errno));
				fclose(f);
				return -1;
			}
		}
		obj_cnt++;
	}
	fclose(f);
	return obj_cnt ? 0 : -1;
}

static bool can_load(void)
{
	int fd;

	if (geteuid())
		return false;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bcbench [--reps N] [--jobs N] [--json FILE|-] [--dir DIR]\n"
		"               [--no-kernel] [--no-strace] [OBJECT...]\n"
		"Compares bpfcompat (legacy-maps object) with libbpf (its BTF twin)\n"
		"on the generated objects listed in DIR/bench.list.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", required_argument, NULL, 'J' },
		{ "dir", required_argument, NULL, 'd' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "no-strace", no_argument, NULL, 'S' },
		{ "once", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool no_kernel = false, no_strace = false;
	const char *once_mode = NULL;
	double exp[M_CNT][2][2];
	int c, i, scale_n;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			env.reps = atoi(optarg);
			break;
		case 'j':
			env.jobs = atoi(optarg);
			break;
		case 'J':
			env.json = optarg;
			break;
		case 'd':
			env.dir = optarg;
			break;
		case 'K':
			no_kernel = true;
			break;
		case 'S':
			no_strace = true;
			break;
		case 'o':
			once_mode = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	bc_set_print(silent_bc);
	libbpf_set_print(silent_lb);
	if (once_mode) {
		if (optind + 1 != argc) {
			usage(stderr);
			return 2;
		}
		return once(once_mode, argv[optind]);
	}
	if (env.reps < 5 || env.reps > MAX_REPS || env.jobs < 0) {
		fprintf(stderr, "--reps must be 5..%d, --jobs >= 0\n",
			MAX_REPS);
		return 2;
	}
	env.self = "/proc/self/exe";
	env.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	env.kernel = !no_kernel && can_load();
	env.strace = env.kernel && !no_strace &&
		     !system("strace -V >/dev/null 2>&1");
	if (read_manifest(argc - optind, argv + optind))
		return 2;
	/* A child execs our own binary: resolve it once, here. */
	env.self = realpath("/proc/self/exe", NULL);
	if (no_kernel)
		printf("--no-kernel: kernel loads skipped\n");
	else if (!env.kernel)
		printf("no bpf() here (not root?): kernel loads skipped\n");
	for (i = 0; i < obj_cnt; i++) {
		fprintf(stderr, "bench: %s\n", objs[i].name);
		bench_open(&objs[i]);
		if (env.kernel) {
			bench_load(&objs[i]);
			if (!strcmp(objs[i].group, "load"))
				bench_bound(&objs[i]);
		}
		bench_memory(&objs[i]);
		if (env.strace) {
			bench_syscalls(&objs[i], BC);
			bench_syscalls(&objs[i], LB);
		}
	}
	scaling(exp, &scale_n);
	print_tables(exp, scale_n);
	return env.json && write_json(exp, scale_n) ? 1 : 0;
}
