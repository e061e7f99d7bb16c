// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * opencount: instructions per open, bpfcompat against libbpf, counted by
 * callgrind (a count does not depend on how busy the machine is).
 *
 * One bpfcompat open is bc_object__open_mem() + a dry-run
 * bc_object__load() + bc_object__close() on the legacy-maps object:
 * detection, collection, relocation and the plan, no syscall. One libbpf
 * open is bpf_object__open_mem() + bpf_object__close() on the BTF twin.
 * Both use the object bytes in place, under one contract: libbpf's
 * open_mem keeps the caller's buffer, bpfcompat is told to with
 * bc_open_opts.borrow_buf; the buffer outlives every object.
 *
 * Run plainly, this program runs itself under callgrind once per object
 * and loader ("--child"), with collection on only inside measure_opens():
 * the warm-up open before it (one-time work such as parsing the built-in
 * descriptors) is not counted. It prints the instructions (Ir) per open
 * and the ratio.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>

#include "bpfcompat.h"

#define DEFAULT_OPENS	10

enum loader { BC, LB };

static const char *const loader_arg[] = { "bc", "libbpf" };

static const void *obj_buf;
static size_t obj_size;

static int quiet_bc(enum bc_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int quiet_lb(enum libbpf_print_level level, const char *fmt,
		    va_list ap)
{
	return 0;
}

static int open_bc(void)
{
	LIBBPF_OPTS(bc_open_opts, opts, .object_name = "bench",
		    .borrow_buf = true);
	LIBBPF_OPTS(bc_load_opts, lopts, .dry_run = true);
	struct bc_object *obj;
	int err;

	obj = bc_object__open_mem(obj_buf, obj_size, &opts);
	if (!obj)
		return -errno;
	err = bc_object__load(obj, &lopts);
	bc_object__close(obj);
	return err;
}

static int open_lb(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "bench");
	struct bpf_object *obj;
	long err;

	obj = bpf_object__open_mem(obj_buf, obj_size, &opts);
	err = libbpf_get_error(obj);
	if (err)
		return err;
	bpf_object__close(obj);
	return 0;
}

/* The counted region: callgrind's --toggle-collect names this function. */
__attribute__((noinline)) int measure_opens(int (*open_fn)(void), int n)
{
	int i, err = 0;

	for (i = 0; i < n && !err; i++)
		err = open_fn();
	return err;
}

static void *read_file(const char *path, size_t *size)
{
	void *buf = NULL;
	long len;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(len);
	if (buf && fread(buf, 1, len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	*size = len;
out:
	fclose(f);
	return buf;
}

/* --child LOADER FILE N: warm up, then the counted opens. */
static int child(const char *loader, const char *path, int n)
{
	int (*open_fn)(void) = strcmp(loader, "bc") ? open_lb : open_bc;
	int err;

	obj_buf = read_file(path, &obj_size);
	if (!obj_buf) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	bc_set_print(quiet_bc);
	libbpf_set_print(quiet_lb);
	err = open_fn() ?: measure_opens(open_fn, n);
	if (err) {
		fprintf(stderr, "%s: %s open failed: %s\n", path, loader,
			strerror(err < 0 ? -err : err));
		return 1;
	}
	return 0;
}

/* The "summary:" (or "totals:") line of a callgrind output file. */
static long long read_ir(const char *path)
{
	char line[512];
	long long ir = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "summary: %lld", &ir) == 1 ||
		    sscanf(line, "totals: %lld", &ir) == 1)
			break;
	fclose(f);
	return ir;
}

static long long count(const char *self, enum loader l, const char *path,
		       int n)
{
	char out[] = "/tmp/opencount.XXXXXX", outarg[64], nbuf[16];
	long long ir = -1;
	int fd, status;
	pid_t pid;

	fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(outarg, sizeof(outarg), "--callgrind-out-file=%s", out);
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	fflush(stdout);		/* or the child writes it out again */
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid) {
		/* valgrind's own chatter is not the result */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execlp("valgrind", "valgrind", "--tool=callgrind", "-q",
		       "--toggle-collect=measure_opens", outarg, self,
		       "--child", loader_arg[l], path, nbuf, (char *)NULL);
		fprintf(stderr, "valgrind: %s\n", strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    !WEXITSTATUS(status))
		ir = read_ir(out);
out:
	unlink(out);
	return ir;
}

static void commas(long long v, char *buf, size_t len)
{
	char tmp[32];
	size_t i, j, n;

	n = snprintf(tmp, sizeof(tmp), "%lld", v);
	for (i = j = 0; i < n && j + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: opencount [-n OPENS] [--dir DIR] NAME...\n"
		"Instructions per open (callgrind Ir): bpfcompat on DIR/NAME.o,\n"
		"libbpf on its BTF twin DIR/NAME.btf.o.\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *dir = ".";
	char self[4096], path[2][4096], a[32], b[32];
	ssize_t len;
	long long ir[2];
	int c, i, n = DEFAULT_OPENS, err = 0;
	enum loader l;

	if (argc == 5 && !strcmp(argv[1], "--child"))
		return child(argv[2], argv[3], atoi(argv[4]));
	while ((c = getopt_long(argc, argv, "n:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc || n < 1) {
		usage(stderr);
		return 2;
	}
	/* resolved here: under valgrind, /proc/self/exe is valgrind */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		perror("/proc/self/exe");
		return 1;
	}
	self[len] = '\0';
	printf("%-12s %14s %14s %8s   (Ir per open, %d opens)\n", "object",
	       "bpfcompat", "libbpf", "ratio", n);
	for (i = optind; i < argc; i++) {
		for (l = BC; l <= LB; l++) {
			snprintf(path[l], sizeof(path[l]), "%s/%s%s.o", dir,
				 argv[i], l == BC ? "" : ".btf");
			ir[l] = count(self, l, path[l], n);
		}
		if (ir[BC] < 0 || ir[LB] <= 0) {
			fprintf(stderr, "%s: not measured (see above)\n",
				argv[i]);
			err = 1;
			continue;
		}
		commas(ir[BC] / n, a, sizeof(a));
		commas(ir[LB] / n, b, sizeof(b));
		printf("%-12s %14s %14s %7.2fx\n", argv[i], a, b,
		       (double)ir[BC] / ir[LB]);
	}
	return err;
}
