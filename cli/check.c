// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpfcompat check: does an object follow a loader's convention, and what
 * would that loader do with it? One dialect, or the matrix of all of them.
 * The JSON field names are a documented interface (bpfcompat-check(1)).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

struct verdict {
	const char *dialect;
	const char *verdict;
	size_t errors, warnings;
	json_object *findings;		/* array, owned */
};

/* The library's warnings repeat the findings; keep only the last one to
 * explain an open that failed outright. */
static char last_warn[512];

static int check_print(enum bc_print_level level, const char *fmt,
		       va_list args)
{
	va_list copy;

	if (debug_output) {
		va_copy(copy, args);
		cli_print(level, fmt, copy);
		va_end(copy);
	}
	if (level == BC_WARN)
		vsnprintf(last_warn, sizeof(last_warn), fmt, args);
	return 0;
}

static int help(int argc, char **argv)
{
	fprintf(stdout,
		"Usage: %1$s check OBJ [--dialect D | --all] [--param [D:]KEY=VALUE]...\n"
		"\n"
		"Check OBJ against a dialect's convention (the detected one by\n"
		"default) and predict what its native loader does; --all checks\n"
		"it against every dialect. A param prefixed \"D:\" goes to\n"
		"dialect D only (required with --all). Exit 0: conforming (or, with --all,\n"
		"some dialect loads it), 1: error-level findings, 2: bad input.\n",
		bin_name);
	return EXIT_OK;
}

static json_object *finding_json(const struct bc_finding *f)
{
	json_object *o = json_object_new_object();
	const char *sec = bc_finding__section(f);
	const char *sym = bc_finding__symbol(f);
	long long off = bc_finding__offset(f);

	json_object_object_add(o, "rule",
			       json_object_new_string(bc_finding__rule(f)));
	json_object_object_add(o, "severity", json_object_new_string(
			       bc_severity_name(bc_finding__severity(f))));
	json_object_object_add(o, "section",
			       sec ? json_object_new_string(sec) : NULL);
	json_object_object_add(o, "symbol",
			       sym ? json_object_new_string(sym) : NULL);
	json_object_object_add(o, "offset",
			       off >= 0 ? json_object_new_int64(off) : NULL);
	json_object_object_add(o, "message",
			       json_object_new_string(bc_finding__message(f)));
	json_object_object_add(o, "predicts",
			       json_object_new_string(bc_finding__predicts(f)));
	return o;
}

/* An open that failed outright is one error finding of its own. */
static json_object *open_failure(const char *path, int err)
{
	json_object *o = json_object_new_object();
	char msg[640];

	snprintf(msg, sizeof(msg), "%s: cannot open: %s%s%s", path,
		 cli_strerror(err), last_warn[0] ? ": " : "", last_warn);
	msg[strcspn(msg, "\n")] = '\0';
	json_object_object_add(o, "rule", json_object_new_string("open-failed"));
	json_object_object_add(o, "severity", json_object_new_string("error"));
	json_object_object_add(o, "section", NULL);
	json_object_object_add(o, "symbol", NULL);
	json_object_object_add(o, "offset", NULL);
	json_object_object_add(o, "message", json_object_new_string(msg));
	json_object_object_add(o, "predicts", json_object_new_string(""));
	return o;
}

static const char *verdict_of(size_t errors, size_t warnings)
{
	if (errors)
		return "refused";
	return warnings ? "loads-with-warnings" : "loads";
}

static void count(struct verdict *v)
{
	size_t i, n = json_object_array_length(v->findings);
	const char *sev;

	for (i = 0; i < n; i++) {
		sev = json_object_get_string(json_object_object_get(
			json_object_array_get_idx(v->findings, i),
			"severity"));
		if (!strcmp(sev, "error"))
			v->errors++;
		else
			v->warnings++;
	}
	v->verdict = verdict_of(v->errors, v->warnings);
}

/* Length of the "D:" of a "D:KEY=VALUE" param (a ':' before any '='), 0. */
static size_t prefix_len(const char *param)
{
	size_t n = strcspn(param, ":=");

	return param[n] == ':' ? n + 1 : 0;
}

/* The dialect a param's prefix names, NULL if none or unknown. */
static const struct bc_dialect *param_dialect(const char *param,
					      size_t *len)
{
	char name[64];

	*len = prefix_len(param);
	if (!*len || *len > sizeof(name))
		return NULL;
	memcpy(name, param, *len - 1);
	name[*len - 1] = '\0';
	return bc_dialect__find(name);
}

/* Every prefix must name a dialect; with --all every param needs one. */
static int params_valid(const struct cli_opts *o, bool all)
{
	size_t i, len;

	for (i = 0; i < o->param_cnt; i++) {
		if (param_dialect(o->params[i], &len))
			continue;
		if (len) {
			p_err("--param '%s': unknown dialect '%.*s'",
			      o->params[i], (int)len - 1, o->params[i]);
			return EXIT_USAGE;
		}
		if (all) {
			p_err("--param '%s': with --all, name its dialect (D:KEY=VALUE)",
			      o->params[i]);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/*
 * The params dialect d sees: unprefixed ones, and "d:KEY=VALUE" without
 * its prefix; another dialect's are not its business. out has room for
 * all of them.
 */
static size_t params_for(const struct cli_opts *o, const char *dialect,
			 const char **out)
{
	const struct bc_dialect *d;
	size_t i, n = 0, len = 0;

	for (i = 0; o && i < o->param_cnt; i++) {
		d = param_dialect(o->params[i], &len);
		if (!d)
			out[n++] = o->params[i];
		else if (dialect && !strcmp(bc_dialect__name(d), dialect))
			out[n++] = o->params[i] + len;
	}
	return n;
}

/*
 * Check path against one dialect (NULL: detect). Returns 0, or EXIT_USAGE
 * if the object could not be read at all (no verdict then).
 */
static int check_one(const char *path, const char *dialect,
		     const struct cli_opts *o, struct verdict *v)
{
	const char *params[o && o->param_cnt ? o->param_cnt : 1];
	BC_OPTS(bc_open_opts, opts,
		.dialect = dialect,
		.params = params,
		.param_cnt = params_for(o, dialect, params),
		.check = true,
		.btf_custom_path = o ? o->btf : NULL,
	);
	struct bc_object *obj;
	size_t i;
	int err;

	v->findings = json_object_new_array();
	v->dialect = dialect;
	last_warn[0] = '\0';
	obj = bc_object__open_file(path, &opts);
	if (!obj) {
		err = errno ? -errno : -EINVAL;
		/* Unreadable input has no verdict; a refusal does. */
		if (!dialect || err == -ENOENT || err == -EISDIR ||
		    err == -EACCES || err == -EFBIG ||
		    err == -BC_ERRNO__LIBELF || err == -BC_ERRNO__FORMAT ||
		    err == -BC_ERRNO__ENDIAN) {
			p_err("%s: cannot open: %s%s%s", path,
			      cli_strerror(err), last_warn[0] ? ": " : "",
			      last_warn);
			return EXIT_USAGE;
		}
		json_object_array_add(v->findings, open_failure(path, err));
		count(v);
		return EXIT_OK;
	}
	v->dialect = bc_dialect__name(bc_object__dialect(obj));
	err = bc_object__check(obj, NULL);
	if (err < 0) {
		p_err("%s: check failed: %s", path, cli_strerror(err));
		bc_object__close(obj);
		return EXIT_USAGE;
	}
	for (i = 0; i < bc_object__finding_cnt(obj); i++)
		json_object_array_add(v->findings,
				      finding_json(bc_object__finding(obj, i)));
	/* dialect names are the registry's: they outlive the object. */
	bc_object__close(obj);
	count(v);
	return EXIT_OK;
}

static void print_findings(const struct verdict *v)
{
	size_t i, n = json_object_array_length(v->findings);
	json_object *f;
	const char *pred;
	char loc[256];

	for (i = 0; i < n; i++) {
		f = json_object_array_get_idx(v->findings, i);
		loc[0] = '\0';
		if (json_object_get_string(json_object_object_get(f, "section")))
			snprintf(loc, sizeof(loc), "section '%s'",
				 json_object_get_string(
					json_object_object_get(f, "section")));
		if (json_object_object_get(f, "offset"))
			snprintf(loc + strlen(loc), sizeof(loc) - strlen(loc),
				 "+%lld", (long long)json_object_get_int64(
					json_object_object_get(f, "offset")));
		if (json_object_object_get(f, "symbol"))
			snprintf(loc + strlen(loc), sizeof(loc) - strlen(loc),
				 "%s'%s'", loc[0] ? " " : "",
				 json_object_get_string(
					json_object_object_get(f, "symbol")));
		printf("  %-7s %-26s %s%s%s\n",
		       json_object_get_string(json_object_object_get(f, "severity")),
		       json_object_get_string(json_object_object_get(f, "rule")),
		       loc, loc[0] ? ": " : "",
		       json_object_get_string(json_object_object_get(f, "message")));
		pred = json_object_get_string(json_object_object_get(f, "predicts"));
		if (pred && pred[0])
			printf("  %-7s %-26s -> %s\n", "", "", pred);
	}
}

static json_object *verdict_json(const struct verdict *v, bool counts)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "dialect", v->dialect ?
			       json_object_new_string(v->dialect) : NULL);
	json_object_object_add(o, "verdict",
			       json_object_new_string(v->verdict));
	if (counts) {
		json_object_object_add(o, "errors",
				       json_object_new_int64(v->errors));
		json_object_object_add(o, "warnings",
				       json_object_new_int64(v->warnings));
	}
	json_object_object_add(o, "findings", json_object_get(v->findings));
	return o;
}

static int check_single(const char *path, const struct cli_opts *o)
{
	struct verdict v = {};
	json_object *doc;
	int ret;

	ret = check_one(path, o->dialect, o, &v);
	if (ret)
		goto out;
	if (json_output) {
		doc = verdict_json(&v, true);
		json_object_object_add(doc, "object",
				       json_object_new_string(path));
		cli_json_print(doc);
	} else {
		printf("%s: %s: %s (%zu error%s, %zu warning%s)\n", path,
		       v.dialect ? v.dialect : "?", v.verdict, v.errors,
		       v.errors == 1 ? "" : "s", v.warnings,
		       v.warnings == 1 ? "" : "s");
		print_findings(&v);
	}
	ret = v.errors ? EXIT_REFUSED : EXIT_OK;
out:
	json_object_put(v.findings);
	return ret;
}

static int check_all(const char *path, const struct cli_opts *o)
{
	json_object *doc = NULL, *matrix = NULL;
	const struct bc_dialect *d = NULL;
	struct verdict v;
	bool any = false;
	int ret = EXIT_OK;

	if (json_output) {
		doc = json_object_new_object();
		matrix = json_object_new_array();
		json_object_object_add(doc, "object",
				       json_object_new_string(path));
		json_object_object_add(doc, "matrix", matrix);
	} else {
		printf("%s:\n  %-16s %-20s %6s %8s\n", path, "DIALECT",
		       "VERDICT", "ERRORS", "WARNINGS");
	}
	while ((d = bc_dialect__next(d))) {
		memset(&v, 0, sizeof(v));
		ret = check_one(path, bc_dialect__name(d), o, &v);
		if (ret) {
			json_object_put(v.findings);
			json_object_put(doc);
			return ret;
		}
		any |= !v.errors;
		if (json_output)
			json_object_array_add(matrix, verdict_json(&v, true));
		else
			printf("  %-16s %-20s %6zu %8zu\n", v.dialect,
			       v.verdict, v.errors, v.warnings);
		json_object_put(v.findings);
	}
	if (json_output)
		cli_json_print(doc);
	return any ? EXIT_OK : EXIT_REFUSED;
}

/* --all is this command's alone: take it out before the common parser. */
static bool take_all(int *argc, char **argv)
{
	bool all = false;
	int i, j;

	for (i = j = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--all")) {
			all = true;
			continue;
		}
		argv[j++] = argv[i];
	}
	for (; i < *argc; i++)
		argv[j++] = argv[i];
	*argc = j;
	return all;
}

int do_check(int argc, char **argv)
{
	bc_print_fn_t prev;
	struct cli_opts o;
	bool all;
	int ret;

	all = take_all(&argc, argv);
	ret = cli_parse_opts("check", &argc, &argv,
			     CLI_OPT_DIALECT | CLI_OPT_PARAM | CLI_OPT_BTF, &o);
	if (ret)
		goto out;
	if (cli_wants_help(&o, argc, argv)) {
		ret = help(argc, argv);
		goto out;
	}
	if (all && o.dialect) {
		p_err("check: --all takes no --dialect");
		ret = EXIT_USAGE;
		goto out;
	}
	ret = REQ_ARGS("check", 1, "an object file");
	ret = ret ?: cli_register_dialect_files();
	ret = ret ?: params_valid(&o, all);
	if (ret)
		goto out;
	if (o.dialect && !bc_dialect__find(o.dialect)) {
		p_err("unknown dialect '%s' (see '%s dialect list')",
		      o.dialect, bin_name);
		ret = EXIT_USAGE;
		goto out;
	}
	prev = bc_set_print(check_print);
	ret = all ? check_all(argv[0], &o) : check_single(argv[0], &o);
	bc_set_print(prev);
out:
	cli_opts_free(&o);
	return ret;
}
