// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bpfcompat convert: rewrite an object in libbpf 1.x's or tc's convention. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static int help(int argc, char **argv)
{
	printf("Usage: %1$s convert IN --to { libbpf | tc } -o OUT [OPTIONS]\n"
	       "       %1$s convert help\n"
	       "\n"
	       "Rewrite IN, written for any supported dialect, as an object\n"
	       "libbpf 1.x, bpftool and cilium/ebpf load unchanged, or (--to\n"
	       "tc) as iproute2's struct bpf_elf_map convention. The\n"
	       "instructions are copied as they are; the report lists every\n"
	       "change and every behaviour that differs. An object that cannot\n"
	       "be carried over whole is refused and nothing is written.\n"
	       "\n"
	       "OPTIONS := { --from D | --param KEY=VALUE | --entry PROG |\n"
	       "             -j|--json [-p|--pretty] | -d|--debug |\n"
	       "             --dialect-file FILE }\n"
	       "\n"
	       "  --to libbpf|tc           target convention (default libbpf)\n"
	       "  -o, --output OUT         where to write the converted object\n"
	       "  --from D                 read IN as dialect D (default: detect)\n"
	       "  --param KEY=VALUE        source dialect parameter (repeatable)\n"
	       "  --entry PROG             --to tc: the program tc loads by\n"
	       "                           default (section classifier/action/prog)\n"
	       "\n"
	       "Exit status: 0 converted, 2 bad input, usage or refused.\n",
	       bin_name);
	return EXIT_OK;
}

static json_object *report_json(const struct bc_convert_report *rep)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < bc_convert_report__cnt(rep); i++) {
		json_object *e = json_object_new_object();
		const char *kind = NULL;
		const char *text = bc_convert_report__entry(rep, i, &kind);

		json_object_object_add(e, "kind",
				       json_object_new_string(kind ?: ""));
		json_object_object_add(e, "text",
				       json_object_new_string(text ?: ""));
		json_object_array_add(arr, e);
	}
	return arr;
}

static void report_print(FILE *f, const struct bc_convert_report *rep)
{
	size_t i;

	for (i = 0; i < bc_convert_report__cnt(rep); i++) {
		const char *kind = NULL;
		const char *text = bc_convert_report__entry(rep, i, &kind);

		fprintf(f, "  %-12s %s\n", kind ?: "", text ?: "");
	}
}

/* Take --to, -o/--output and --from out of argv; the rest goes through
 * the common option parser (where -o would mean --param). */
static int take_opts(int *argc, char ***argv, const char **to,
		     const char **out, const char **from, const char **entry)
{
	char **nv = calloc(*argc + 1, sizeof(*nv));
	int i, n = 0;

	if (!nv)
		return -ENOMEM;
	for (i = 0; i < *argc; i++) {
		const char *a = (*argv)[i];
		const char **dst = NULL;

		if (!strcmp(a, "--to"))
			dst = to;
		else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
			dst = out;
		else if (!strcmp(a, "--from"))
			dst = from;
		else if (!strcmp(a, "--entry"))
			dst = entry;
		if (!dst) {
			nv[n++] = (*argv)[i];
			continue;
		}
		if (i + 1 >= *argc) {
			p_err("option '%s' needs an argument", a);
			free(nv);
			return -EXIT_USAGE;
		}
		*dst = (*argv)[++i];
	}
	*argv = nv;
	*argc = n;
	return 0;
}

int do_convert(int argc, char **argv)
{
	const char *to = "libbpf", *out = NULL, *from = NULL, *entry = NULL;
	struct bc_convert_report *rep = NULL;
	struct bc_object *obj = NULL;
	char **owned_argv = NULL;
	struct cli_opts o = {};
	int ret, err;

	err = take_opts(&argc, &argv, &to, &out, &from, &entry);
	if (err)
		return err == -ENOMEM ? EXIT_USAGE : -err;
	owned_argv = argv;
	ret = cli_parse_opts("convert", &argc, &argv,
			     CLI_OPT_DIALECT | CLI_OPT_PARAM, &o);
	if (ret)
		goto out;
	if (cli_wants_help(&o, argc, argv)) {
		ret = help(argc, argv);
		goto out;
	}
	ret = REQ_ARGS("convert", 1, "an object file");
	if (ret)
		goto out;
	if (!out) {
		p_err("convert: no output file given (-o OUT)");
		ret = EXIT_USAGE;
		goto out;
	}
	if (from)
		o.dialect = from;
	obj = cli_open_object(argv[0], &o, &ret);
	if (!obj)
		goto out;
	rep = bc_convert_report__new();
	if (!rep) {
		p_err("convert: out of memory");
		ret = EXIT_USAGE;
		goto out;
	}
	BC_OPTS(bc_convert_opts, copts, .to = to, .report = rep,
		.entry = entry);
	err = bc_object__convert(obj, out, &copts);
	if (err) {
		json_object *extra = json_object_new_object();

		json_object_object_add(extra, "report", report_json(rep));
		p_err_extra(extra, "%s: not converted to %s: %s", argv[0], to,
			    cli_strerror(err));
		if (!json_output)
			report_print(stderr, rep);
		ret = cli_exit_code(err);
		goto out;
	}
	if (json_output) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "input",
				       json_object_new_string(argv[0]));
		json_object_object_add(doc, "output",
				       json_object_new_string(out));
		json_object_object_add(doc, "from", json_object_new_string(
			bc_dialect__name(bc_object__dialect(obj)) ?: ""));
		json_object_object_add(doc, "to", json_object_new_string(to));
		json_object_object_add(doc, "report", report_json(rep));
		cli_json_print(doc);
	} else {
		printf("converted %s (%s) -> %s (%s)\n", argv[0],
		       bc_dialect__name(bc_object__dialect(obj)) ?: "?", out,
		       to);
		report_print(stdout, rep);
	}
	ret = EXIT_OK;
out:
	bc_convert_report__free(rep);
	bc_object__close(obj);
	cli_opts_free(&o);
	free(owned_argv);
	return ret;
}
