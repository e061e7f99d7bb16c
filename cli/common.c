// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Common code of the bpfcompat tool: error and info output in text and
 * JSON mode, the library's print callback, exit status, command dispatch.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "render.h"

const char *bin_name = "bpfcompat";
bool json_output;
bool pretty_output;
bool debug_output;

/* ---- library messages ---------------------------------------------------- */

/*
 * WARN messages are kept so that a JSON error object can carry them in
 * "messages": stdout then holds exactly one JSON document. They still go
 * to stderr as well, where nothing parses them.
 */
static char **warns;
static size_t warn_cnt;

static void keep_warn(const char *msg)
{
	size_t len = strlen(msg);
	char **w, *s;

	while (len && msg[len - 1] == '\n')
		len--;
	s = strndup(msg, len);
	if (!s)
		return;
	w = realloc(warns, (warn_cnt + 1) * sizeof(*w));
	if (!w) {
		free(s);
		return;
	}
	w[warn_cnt++] = s;
	warns = w;
}

int cli_print(enum bc_print_level level, const char *fmt, va_list args)
{
	char *msg;
	int n;

	if (level == BC_DEBUG && !debug_output)
		return 0;
	/* p_info() rule: informational output is quiet in JSON mode. */
	if (level == BC_INFO && json_output && !debug_output)
		return 0;
	n = vasprintf(&msg, fmt, args);
	if (n < 0)
		return n;
	if (level == BC_WARN)
		keep_warn(msg);
	/* Library messages already start with their subject. */
	fputs(msg, stderr);
	free(msg);
	return n;
}

void cli_log_reset(void)
{
	size_t i;

	for (i = 0; i < warn_cnt; i++)
		free(warns[i]);
	free(warns);
	warns = NULL;
	warn_cnt = 0;
}

void cli_log_setup(void)
{
	cli_log_reset();
	bc_set_print(cli_print);
}

size_t cli_log_warn_cnt(void)
{
	return warn_cnt;
}

const char *cli_log_warn(size_t i)
{
	return i < warn_cnt ? warns[i] : NULL;
}

/* ---- output -------------------------------------------------------------- */

void cli_json_print(json_object *doc)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= pretty_output ? JSON_C_TO_STRING_PRETTY |
				 JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(doc, flags));
	fflush(stdout);
	json_object_put(doc);
}

json_object *cli_error_json(const char *msg, json_object *extra)
{
	json_object *err = json_object_new_object();
	json_object *msgs = json_object_new_array();
	size_t i;

	json_object_object_add(err, "error", json_object_new_string(msg));
	if (extra) {
		json_object_object_foreach(extra, key, val)
			json_object_object_add(err, key,
					       json_object_get(val));
		json_object_put(extra);
	}
	for (i = 0; i < warn_cnt; i++)
		json_object_array_add(msgs, json_object_new_string(warns[i]));
	json_object_object_add(err, "messages", msgs);
	return err;
}

static void vp_err(json_object *extra, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (json_output) {
		cli_json_print(cli_error_json(msg ? msg : "out of memory",
					      extra));
	} else {
		fprintf(stderr, "Error: %s\n", msg ? msg : fmt);
		json_object_put(extra);
	}
	free(msg);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_err(NULL, fmt, ap);
	va_end(ap);
}

void p_err_extra(json_object *extra, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_err(extra, fmt, ap);
	va_end(ap);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- errors -------------------------------------------------------------- */

/*
 * The exit status contract: 1 when the kernel (or the kernel state: an
 * incompatible pinned object, missing privileges) refused what a valid
 * object asked for; 2 when the input or the command line is at fault, so
 * that retrying with privileges or a different kernel cannot help. Plain
 * errnos the library passes up from bpf() (E2BIG, ENOSPC, ENOMEM, ...)
 * are the kernel's refusal too; the ones that name bad input are listed.
 */
int cli_exit_code(int err)
{
	if (err >= 0)
		return EXIT_OK;
	switch (-err) {
	case BC_ERRNO__VERIFY:
	case BC_ERRNO__KERNEL:
	case BC_ERRNO__PIN:
	case EPERM:
	case EACCES:
		return EXIT_REFUSED;
	case BC_ERRNO__LIBELF:
	case BC_ERRNO__FORMAT:
	case BC_ERRNO__DIALECT:
	case BC_ERRNO__DESC:
	case BC_ERRNO__RELOC:
	case BC_ERRNO__ENDIAN:
	case BC_ERRNO__UNSUPP:
	case BC_ERRNO__PARAM:
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ENAMETOOLONG:
	case ELOOP:
	case EINVAL:
	case ENOEXEC:
	case EFBIG:
		return EXIT_USAGE;
	default:
		return EXIT_REFUSED;
	}
}

const char *cli_strerror(int err)
{
	static char buf[256];

	buf[0] = '\0';
	bc_strerror(err, buf, sizeof(buf));
	if (!buf[0])
		snprintf(buf, sizeof(buf), "error %d", err);
	return buf;
}

/* ---- dispatch ------------------------------------------------------------ */

int cli_req_args(const char *cmd, int argc, char **argv, int cnt,
		 const char *what)
{
	if (argc < cnt) {
		p_err("'%s' needs %s", cmd, what);
		return EXIT_USAGE;
	}
	if (argc > cnt) {
		argv += cnt;
		return BAD_ARG();
	}
	return 0;
}

bool is_prefix(const char *pfx, const char *str)
{
	if (!pfx || !*pfx)
		return false;
	return !strncmp(str, pfx, strlen(pfx));
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv))
{
	const struct cmd *match = NULL, *other = NULL;
	const struct cmd *c;

	if (argc < 1) {
		if (cmds[0].func)
			return cmds[0].func(argc, argv);
		help(argc, argv);
		return EXIT_USAGE;
	}

	for (c = cmds; c->cmd; c++) {
		if (!strcmp(argv[0], c->cmd)) {
			match = c;
			other = NULL;
			break;
		}
		if (!is_prefix(argv[0], c->cmd))
			continue;
		if (match)
			other = c;
		else
			match = c;
	}
	if (other) {
		p_err("'%s' is ambiguous: it could be '%s' or '%s'", argv[0],
		      match->cmd, other->cmd);
		return EXIT_USAGE;
	}
	if (!match) {
		p_err("unknown command '%s'", argv[0]);
		p_info("Try '%s help'.", bin_name);
		return EXIT_USAGE;
	}
	NEXT_ARG();
	return match->func(argc, argv);
}

/* ---- dialect files ------------------------------------------------------- */

struct dialect_file {
	const char *path;
	bool done;
};

static struct dialect_file *dfiles;
static size_t dfile_cnt;

void cli_add_dialect_file(const char *path)
{
	struct dialect_file *f;

	f = realloc(dfiles, (dfile_cnt + 1) * sizeof(*f));
	if (!f) {
		/* reported when the files are registered */
		return;
	}
	f[dfile_cnt].path = path;
	f[dfile_cnt].done = false;
	dfile_cnt++;
	dfiles = f;
}

int cli_register_dialect_files(void)
{
	size_t i;
	int err;

	for (i = 0; i < dfile_cnt; i++) {
		if (dfiles[i].done)
			continue;
		err = bc_dialect__register_file(dfiles[i].path);
		if (err) {
			p_err("%s: cannot register dialect: %s",
			      dfiles[i].path, cli_strerror(err));
			/* a bad descriptor is bad input, whatever errno */
			return EXIT_USAGE;
		}
		dfiles[i].done = true;
	}
	return 0;
}

/* ---- shared rendering and opening ---------------------------------------- */

json_object *json_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *type_json(const char *name, __u32 type)
{
	return name ? json_object_new_string(name) :
		      json_object_new_uint64(type);
}

const char *type_text(const char *name, __u32 type, char *buf, size_t size)
{
	if (name)
		return name;
	snprintf(buf, size, "type %u", type);
	return buf;
}

bool cli_wants_help(const struct cli_opts *o, int argc, char **argv)
{
	return o->help || (argc == 1 && !strcmp(argv[0], "help"));
}

struct bc_object *cli_open_object(const char *path, const struct cli_opts *o,
				  int *ret)
{
	BC_OPTS(bc_open_opts, opts,
		.dialect = o->dialect,
		.params = o->params,
		.param_cnt = o->param_cnt,
		.btf_custom_path = o->btf,
	);
	struct bc_object *obj;

	*ret = cli_register_dialect_files();
	if (*ret)
		return NULL;
	if (o->dialect && !bc_dialect__find(o->dialect)) {
		p_err("unknown dialect '%s' (see '%s dialect list')",
		      o->dialect, bin_name);
		*ret = EXIT_USAGE;
		return NULL;
	}
	obj = bc_object__open_file(path, &opts);
	if (!obj) {
		int err = errno ? -errno : -EINVAL;

		p_err("%s: cannot open: %s", path, cli_strerror(err));
		/* Nothing reached the kernel yet: the input is at fault. */
		*ret = EXIT_USAGE;
		return NULL;
	}
	*ret = EXIT_OK;
	return obj;
}
