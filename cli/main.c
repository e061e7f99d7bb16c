// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpfcompat: load BPF ELF objects written for any loader's conventions.
 * Global options, the top-level command table, help and version.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "args.h"
#include "common.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s [OPTIONS] COMMAND ...\n"
		"       %1$s help\n"
		"       %1$s version\n"
		"\n"
		"COMMAND := { detect | inspect | load | run | check | dialect | version |\n"
		"             help }\n"
		"\n"
		"       %1$s detect OBJ [-v]\n"
		"       %1$s inspect OBJ [--dialect D] [--param KEY=VALUE]...\n"
		"       %1$s load OBJ [--dialect D] [--bpffs DIR] [--pin-progs DIR]\n"
		"                      [--dry-run] [--log-level N] [--jobs N]\n"
		"                      [--param KEY=VALUE]...\n"
		"       %1$s run OBJ [--map-set MAP.value[IDX]=N]... [--duration SEC]\n"
		"                     [-- CMD [ARG...]]\n"
		"       %1$s convert OBJ --to libbpf|tc -o OUT [--from D]\n"
		"       %1$s dialect { list | show NAME }\n"
		"       %1$s check OBJ [--dialect D | --all] [--param KEY=VALUE]...\n"
		"\n"
		"OPTIONS := { -j|--json [-p|--pretty] | -d|--debug |\n"
		"             --dialect-file FILE | -h|--help | -V|--version }\n"
		"\n"
		"Run '%1$s COMMAND help' for the options of a command.\n",
		bin_name);
}

static int do_help(int argc, char **argv)
{
	print_usage(stdout);
	return EXIT_OK;
}

/* libbpf spells its version "v1.1"; JSON carries the bare number. */
static const char *skip_v(const char *s)
{
	return s[0] == 'v' ? s + 1 : s;
}

static int do_version(int argc, char **argv)
{
	json_object *doc;

	if (argc > 0) {
		p_err("'version' takes no arguments");
		return EXIT_USAGE;
	}
	if (!json_output) {
		printf("%s v%s\n", bin_name, bc_version_str());
		printf("using libbpf v%s\n", skip_v(libbpf_version_string()));
		printf("using json-c %s\n", json_c_version());
		return EXIT_OK;
	}
	doc = json_object_new_object();
	json_object_object_add(doc, "version",
			       json_object_new_string(bc_version_str()));
	json_object_object_add(doc, "libbpf_version",
			       json_object_new_string(
				       skip_v(libbpf_version_string())));
	json_object_object_add(doc, "json_c_version",
			       json_object_new_string(json_c_version()));
	cli_json_print(doc);
	return EXIT_OK;
}

static const struct cmd commands[] = {
	{ "help",	do_help },
	{ "version",	do_version },
	{ "detect",	do_detect },
	{ "inspect",	do_inspect },
	{ "load",	do_load },
	{ "dialect",	do_dialect },
	{ "run",	do_run },
	{ "convert",	do_convert },
	{ "check",	do_check },
	{ 0 }
};

int main(int argc, char **argv)
{
	bool help, version;
	int cmd, ret;

	cli_log_setup();
	cmd = cli_parse_global(argc, argv, &help, &version);
	if (cmd < 0)
		return -cmd;
	if (version)
		return do_version(0, NULL);
	if (help)
		return do_help(0, NULL);
	if (cmd >= argc) {
		if (json_output) {
			p_err("no command given");
		} else {
			print_usage(stderr);
		}
		return EXIT_USAGE;
	}
	/* cmd_select() gets argv with the command word first. */
	ret = cmd_select(commands, argc - cmd, argv + cmd, do_help);
	cli_log_reset();
	return ret;
}
