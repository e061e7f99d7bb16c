// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpfcompat load: relocate, plan and load an object (or only plan it with
 * --dry-run), then report what the kernel holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "render.h"

/* ---- rendering ----------------------------------------------------------- */

static json_object *id_json(__u32 id)
{
	return id ? json_object_new_uint64(id) : NULL;
}

json_object *load_json(const struct cli_load_report *r)
{
	json_object *doc = json_object_new_object();
	json_object *arr;
	size_t i;

	json_object_object_add(doc, "object", json_str_or_null(r->object));
	json_object_object_add(doc, "dialect", json_str_or_null(r->dialect));
	json_object_object_add(doc, "dry_run",
			       json_object_new_boolean(r->dry_run));

	arr = json_object_new_array();
	for (i = 0; i < r->plan_cnt; i++)
		json_object_array_add(arr, json_object_new_string(r->plan[i]));
	json_object_object_add(doc, "plan", arr);

	arr = json_object_new_array();
	for (i = 0; i < r->map_cnt; i++) {
		const struct cli_load_map *m = &r->maps[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_str_or_null(m->name));
		json_object_object_add(o, "type",
				       type_json(bc_map_type_name(m->type),
						 m->type));
		json_object_object_add(o, "id", id_json(m->id));
		json_object_object_add(o, "pin_path",
				       json_str_or_null(m->pin_path));
		json_object_object_add(o, "reused",
				       json_object_new_boolean(m->reused));
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "maps", arr);

	arr = json_object_new_array();
	for (i = 0; i < r->prog_cnt; i++) {
		const struct cli_load_prog *p = &r->progs[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_str_or_null(p->name));
		json_object_object_add(o, "type",
				       type_json(bc_prog_type_name(p->type),
						 p->type));
		json_object_object_add(o, "id", id_json(p->id));
		json_object_object_add(o, "tag",
				       p->tag && p->tag[0] ?
				       json_object_new_string(p->tag) : NULL);
		json_object_object_add(o, "pinned",
				       json_str_or_null(p->pinned));
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "programs", arr);
	return doc;
}

/*
 * bpftool-like lines: "map 12: hash  name counters  pinned PATH". A dry run
 * only has its plan to show.
 */
void load_print(FILE *f, const struct cli_load_report *r)
{
	char buf[32];
	size_t i;

	fprintf(f, "plan:%s\n", r->plan_cnt ? "" : " empty");
	for (i = 0; i < r->plan_cnt; i++)
		fprintf(f, "\t%s\n", r->plan[i]);
	if (r->dry_run)
		return;
	for (i = 0; i < r->map_cnt; i++) {
		const struct cli_load_map *m = &r->maps[i];

		if (!m->id)
			continue;
		fprintf(f, "map %u: %s  name %s", m->id,
			type_text(bc_map_type_name(m->type), m->type, buf,
				  sizeof(buf)), m->name ? m->name : "");
		if (m->pin_path)
			fprintf(f, "  pinned %s%s", m->pin_path,
				m->reused ? "  reused" : "");
		fputc('\n', f);
	}
	for (i = 0; i < r->prog_cnt; i++) {
		const struct cli_load_prog *p = &r->progs[i];

		if (!p->id)
			continue;
		fprintf(f, "prog %u: %s  name %s  tag %s", p->id,
			type_text(bc_prog_type_name(p->type), p->type, buf,
				  sizeof(buf)), p->name ? p->name : "",
			p->tag ? p->tag : "");
		if (p->pinned)
			fprintf(f, "  pinned %s", p->pinned);
		fputc('\n', f);
	}
}

void print_indented(FILE *f, const char *text, const char *indent)
{
	const char *nl;

	while (*text) {
		nl = strchr(text, '\n');
		if (!nl) {
			fprintf(f, "%s%s\n", indent, text);
			return;
		}
		fprintf(f, "%s%.*s\n", indent, (int)(nl - text), text);
		text = nl + 1;
	}
}

json_object *refusal_json(const struct cli_refusal *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "program", json_str_or_null(r->prog));
	json_object_object_add(o, "section", json_str_or_null(r->section));
	json_object_object_add(o, "log",
			       json_object_new_string(r->log ? r->log : ""));
	return o;
}

void refusal_print(FILE *f, const struct cli_refusal *r)
{
	fprintf(f, "verifier log of prog '%s' (section '%s'):\n",
		r->prog ? r->prog : "", r->section ? r->section : "");
	print_indented(f, r->log && r->log[0] ? r->log : "(empty)", "\t");
}

/* ---- gathering ----------------------------------------------------------- */

static void report_free(struct cli_load_report *r)
{
	size_t i;

	for (i = 0; i < r->prog_cnt; i++)
		free((char *)r->progs[i].pinned);
	free(r->progs);
	free(r->maps);
	free(r->plan);
}

static int report_fill(struct cli_load_report *r, const struct bc_object *obj,
		       const struct cli_opts *o)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->object = bc_object__path(obj);
	r->dialect = bc_dialect__name(bc_object__dialect(obj));
	r->dry_run = o->dry_run;
	r->plan_cnt = bc_object__plan_cnt(obj);
	r->map_cnt = bc_object__map_cnt(obj);
	r->prog_cnt = bc_object__prog_cnt(obj);
	r->plan = calloc(r->plan_cnt + 1, sizeof(*r->plan));
	r->maps = calloc(r->map_cnt + 1, sizeof(*r->maps));
	r->progs = calloc(r->prog_cnt + 1, sizeof(*r->progs));
	if (!r->plan || !r->maps || !r->progs)
		return -ENOMEM;

	for (i = 0; i < r->plan_cnt; i++) {
		const char *step = bc_object__plan_step(obj, i);

		r->plan[i] = step ? step : "";
	}
	for (i = 0; i < r->map_cnt; i++) {
		const struct bc_map *map = bc_object__map(obj, i);
		struct cli_load_map *m = &r->maps[i];

		m->name = bc_map__name(map);
		m->type = bc_map__type(map);
		m->id = o->dry_run ? 0 : bc_map__id(map);
		m->pin_path = bc_map__pin_path(map);
		m->reused = bc_map__reused(map);
	}
	for (i = 0; i < r->prog_cnt; i++) {
		const struct bc_prog *prog = bc_object__prog(obj, i);
		struct cli_load_prog *p = &r->progs[i];

		p->name = bc_prog__name(prog);
		p->type = bc_prog__type(prog);
		p->id = o->dry_run ? 0 : bc_prog__id(prog);
		p->tag = bc_prog__tag(prog);
		/* The library pins loaded programs as <dir>/<name>. */
		if (o->pin_progs && p->id && p->name &&
		    asprintf((char **)&p->pinned, "%s/%s", o->pin_progs,
			     p->name) < 0) {
			p->pinned = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- command ------------------------------------------------------------- */

/* Whether a library message on stderr already carried this log. */
static bool log_shown(const char *log)
{
	size_t i;

	for (i = 0; i < cli_log_warn_cnt(); i++)
		if (strstr(cli_log_warn(i), log))
			return true;
	return false;
}

/*
 * Programs the verifier refused carry their log; in JSON mode the first
 * one's fields go into the error object, in text mode every log not yet
 * on stderr is shown as an indented block.
 */
static int report_failure(const struct bc_object *obj, int err)
{
	struct cli_refusal first = {};
	json_object *extra = NULL;
	size_t i, cnt = bc_object__prog_cnt(obj);

	for (i = 0; i < cnt; i++) {
		const struct bc_prog *prog = bc_object__prog(obj, i);
		struct cli_refusal r = {
			.prog = bc_prog__name(prog),
			.section = bc_prog__section(prog),
			.log = bc_prog__log(prog),
		};

		if (!r.log || !r.log[0])
			continue;
		if (!first.prog)
			first = r;
		if (!json_output && !log_shown(r.log))
			refusal_print(stderr, &r);
	}
	if (json_output && first.prog)
		extra = refusal_json(&first);
	if (first.prog)
		p_err_extra(extra, "%s: prog '%s' (section '%s'): %s",
			    bc_object__path(obj), first.prog,
			    first.section ? first.section : "",
			    cli_strerror(err));
	else
		p_err("%s: load failed: %s", bc_object__path(obj),
		      cli_strerror(err));
	return cli_exit_code(err);
}

static int help(int argc, char **argv)
{
	printf("Usage: %1$s load OBJ [OPTIONS]\n"
	       "       %1$s load help\n"
	       "\n"
	       "Load OBJ into the kernel as its native loader would: create or\n"
	       "reuse its maps, load its programs, pin what its dialect pins.\n"
	       "\n"
	       "OPTIONS := { --dialect D | -o|--param KEY=VALUE | --bpffs DIR |\n"
	       "             --pin-progs DIR | --dry-run | --log-level N |\n"
	       "             --jobs N | --btf FILE | -j|--json [-p|--pretty] |\n"
	       "             -d|--debug |\n"
	       "             --dialect-file FILE }\n"
	       "\n"
	       "  --dialect D              read OBJ as dialect D (default: detect)\n"
	       "  -o, --param KEY=VALUE    dialect parameter (repeatable)\n"
	       "  --pin-path MAP=PATH      pin MAP at PATH under the bpffs root\n"
	       "                           (--param pin-path=MAP=PATH; repeatable)\n"
	       "  --bpffs DIR              bpffs root for map pins (default: /sys/fs/bpf)\n"
	       "  --pin-progs DIR          pin every program as DIR/<prog name>\n"
	       "  --dry-run                print the plan only; no syscalls\n"
	       "  --log-level N            verifier log level of a failed load (1, 2)\n"
	       "  --jobs N                 programs verified in parallel (0 = CPUs)\n"
	       "  --btf FILE               kernel BTF for CO-RE relocations\n"
	       "                           (default: /sys/kernel/btf/vmlinux)\n"
	       "\n"
	       "Exit status: 0 loaded, 1 the kernel refused, 2 bad input or usage.\n",
	       bin_name);
	return EXIT_OK;
}

static int load(struct bc_object *obj, const struct cli_opts *o)
{
	BC_OPTS(bc_load_opts, opts,
		.bpffs = o->bpffs,
		.pin_progs = o->pin_progs,
		.dry_run = o->dry_run,
		.log_level = o->log_level_set ? o->log_level : 0,
		.jobs = o->jobs_set ? o->jobs : 0,
	);
	struct cli_load_report r;
	int err;

	err = bc_object__load(obj, &opts);
	if (err)
		return report_failure(obj, err);
	err = report_fill(&r, obj, o);
	if (err) {
		p_err("out of memory");
		report_free(&r);
		return cli_exit_code(err);
	}
	if (json_output)
		cli_json_print(load_json(&r));
	else
		load_print(stdout, &r);
	report_free(&r);
	return EXIT_OK;
}

int do_load(int argc, char **argv)
{
	struct bc_object *obj;
	struct cli_opts o;
	int ret;

	ret = cli_parse_opts("load", &argc, &argv,
			     CLI_OPT_DIALECT | CLI_OPT_PARAM | CLI_OPT_BPFFS |
			     CLI_OPT_PIN_PROGS | CLI_OPT_DRY_RUN |
			     CLI_OPT_LOG_LEVEL | CLI_OPT_JOBS | CLI_OPT_BTF, &o);
	if (ret)
		goto out;
	if (cli_wants_help(&o, argc, argv)) {
		ret = help(argc, argv);
		goto out;
	}
	ret = REQ_ARGS("load", 1, "an object file");
	if (ret)
		goto out;
	obj = cli_open_object(argv[0], &o, &ret);
	if (!obj)
		goto out;
	ret = load(obj, &o);
	/* Loaded objects stay only where they were pinned. */
	bc_object__close(obj);
out:
	cli_opts_free(&o);
	return ret;
}
