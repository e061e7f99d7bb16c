// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bpfcompat dialect: list the known dialects, show one. */
#include <string.h>

#include "common.h"
#include "render.h"

json_object *dialect_json(const struct cli_dialect_info *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_str_or_null(d->name));
	json_object_object_add(o, "origin", json_str_or_null(d->origin));
	json_object_object_add(o, "summary", json_str_or_null(d->summary));
	return o;
}

void dialect_row_print(FILE *f, const struct cli_dialect_info *d)
{
	fprintf(f, "%-16s %-8s %s\n", d->name ? d->name : "",
		d->origin ? d->origin : "", d->summary ? d->summary : "");
}

void dialect_show_print(FILE *f, const struct cli_dialect_info *d)
{
	fprintf(f, "name %s\n\torigin %s\n\tsummary %s\n",
		d->name ? d->name : "", d->origin ? d->origin : "",
		d->summary ? d->summary : "");
}

static struct cli_dialect_info info_of(const struct bc_dialect *d)
{
	struct cli_dialect_info info = {
		.name = bc_dialect__name(d),
		.origin = bc_dialect__origin(d),
		.summary = bc_dialect__summary(d),
	};

	return info;
}

/* Subcommands take no options but the global ones. */
static int parse(const char *cmd, int *argc, char ***argv, int want,
		 const char *what)
{
	struct cli_opts o;
	int ret;

	ret = cli_parse_opts(cmd, argc, argv, 0, &o);
	cli_opts_free(&o);
	if (ret)
		return ret;
	if (o.help)
		return -1;
	ret = cli_req_args(cmd, *argc, *argv, want, what);
	if (ret)
		return ret;
	return cli_register_dialect_files();
}

static int help(int argc, char **argv);

static int do_list(int argc, char **argv)
{
	const struct bc_dialect *d = NULL;
	json_object *arr = NULL;
	int ret;

	ret = parse("list", &argc, &argv, 0, "no arguments");
	if (ret)
		return ret < 0 ? help(argc, argv) : ret;
	if (json_output)
		arr = json_object_new_array();
	else
		printf("%-16s %-8s %s\n", "NAME", "ORIGIN", "SUMMARY");
	while ((d = bc_dialect__next(d))) {
		struct cli_dialect_info info = info_of(d);

		if (arr)
			json_object_array_add(arr, dialect_json(&info));
		else
			dialect_row_print(stdout, &info);
	}
	if (arr)
		cli_json_print(arr);
	return EXIT_OK;
}

static int do_show(int argc, char **argv)
{
	const struct bc_dialect *d;
	struct cli_dialect_info info;
	int ret;

	ret = parse("show", &argc, &argv, 1, "a dialect NAME");
	if (ret)
		return ret < 0 ? help(argc, argv) : ret;
	d = bc_dialect__find(argv[0]);
	if (!d) {
		p_err("unknown dialect '%s' (see '%s dialect list')", argv[0],
		      bin_name);
		return EXIT_USAGE;
	}
	info = info_of(d);
	if (json_output)
		cli_json_print(dialect_json(&info));
	else
		dialect_show_print(stdout, &info);
	return EXIT_OK;
}

static int help(int argc, char **argv)
{
	printf("Usage: %1$s dialect { list | show NAME }\n"
	       "       %1$s dialect help\n"
	       "\n"
	       "List the dialects (loader conventions) bpfcompat knows, built in\n"
	       "or registered with --dialect-file, or show one of them.\n"
	       "\n"
	       "OPTIONS := { -j|--json [-p|--pretty] | -d|--debug |\n"
	       "             --dialect-file FILE }\n",
	       bin_name);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "list",	do_list },
	{ "show",	do_show },
	{ "help",	help },
	{ 0 }
};

int do_dialect(int argc, char **argv)
{
	if (argc > 0 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
		return help(argc, argv);
	return cmd_select(cmds, argc, argv, help);
}
