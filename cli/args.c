// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Option parsing. Global options come before the command (bpftool style);
 * each command then parses its own options with the output options
 * accepted again, because the documented contract puts --json after the
 * object ("bpfcompat inspect OBJ --json").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "common.h"

enum {
	OPT_DIALECT_FILE = 256,
	OPT_DIALECT,
	OPT_BPFFS,
	OPT_PIN_PROGS,
	OPT_DRY_RUN,
	OPT_LOG_LEVEL,
	OPT_JOBS,
	OPT_TC_MODE,
	OPT_SECTION,
	OPT_PIN_ROOT,
	OPT_PIN_PATH,
	OPT_BTF,
};

static const struct option global_long[] = {
	{ "json",		no_argument,		NULL, 'j' },
	{ "pretty",		no_argument,		NULL, 'p' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "dialect-file",	required_argument,	NULL, OPT_DIALECT_FILE },
	{ 0 }
};

static const struct option cmd_long[] = {
	{ "json",		no_argument,		NULL, 'j' },
	{ "pretty",		no_argument,		NULL, 'p' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "dialect-file",	required_argument,	NULL, OPT_DIALECT_FILE },
	{ "dialect",		required_argument,	NULL, OPT_DIALECT },
	{ "param",		required_argument,	NULL, 'o' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "bpffs",		required_argument,	NULL, OPT_BPFFS },
	{ "pin-progs",		required_argument,	NULL, OPT_PIN_PROGS },
	{ "dry-run",		no_argument,		NULL, OPT_DRY_RUN },
	{ "log-level",		required_argument,	NULL, OPT_LOG_LEVEL },
	{ "jobs",		required_argument,	NULL, OPT_JOBS },
	{ "tc-mode",		required_argument,	NULL, OPT_TC_MODE },
	{ "section",		required_argument,	NULL, OPT_SECTION },
	{ "pin-root",		required_argument,	NULL, OPT_PIN_ROOT },
	{ "pin-path",		required_argument,	NULL, OPT_PIN_PATH },
	{ "btf",		required_argument,	NULL, OPT_BTF },
	{ 0 }
};

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* getopt_long() with opterr = 0 leaves the offending word for us. */
static void report_bad_option(char **argv, int c)
{
	const char *word = argv[optind - 1];

	if (c == ':')
		p_err("option '%s' needs an argument", word);
	else if (optopt && !(word[0] == '-' && word[1] == '-'))
		p_err("unknown option '-%c'", optopt);
	else
		p_err("unknown option '%s'", word);
}

/* Output options are global state so that p_err() can honour them at
 * once. */
static void set_output_opt(int c)
{
	switch (c) {
	case 'p':
		pretty_output = true;
		/* -p implies -j, as in bpftool */
		/* fallthrough */
	case 'j':
		json_output = true;
		break;
	case 'd':
		debug_output = true;
		break;
	}
}

int cli_parse_global(int argc, char **argv, bool *help, bool *version)
{
	int c;

	*help = false;
	*version = false;
	opterr = 0;
	optind = 0;	/* full reset, also of glibc's permutation state */
	/* '+': stop at the command word */
	while ((c = getopt_long(argc, argv, "+:jpdhV", global_long,
				NULL)) >= 0) {
		switch (c) {
		case 'j':
		case 'p':
		case 'd':
			set_output_opt(c);
			break;
		case 'h':
			*help = true;
			break;
		case 'V':
			*version = true;
			break;
		case OPT_DIALECT_FILE:
			cli_add_dialect_file(optarg);
			break;
		default:
			report_bad_option(argv, c);
			return -EXIT_USAGE;
		}
	}
	return optind;
}

static int add_param(struct cli_opts *o, const char *kv)
{
	const char **p;
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv) {
		p_err("--param expects KEY=VALUE, got '%s'", kv);
		return EXIT_USAGE;
	}
	p = realloc(o->params, (o->param_cnt + 1) * sizeof(*p));
	if (!p) {
		p_err("out of memory");
		return EXIT_USAGE;
	}
	p[o->param_cnt++] = kv;
	o->params = p;
	return 0;
}

/*
 * --tc-mode M, --section S, --pin-root DIR, --pin-path MAP=PATH:
 * shorthands for --param mode=M, section=S, pin-root=DIR and
 * pin-path=MAP=PATH.
 */
static int add_sugar_param(struct cli_opts *o, const char *key,
			   const char *value)
{
	char **owned, *kv;
	size_t len = strlen(key) + strlen(value) + 2;

	owned = realloc(o->owned, (o->owned_cnt + 1) * sizeof(*owned));
	if (!owned) {
		p_err("out of memory");
		return EXIT_USAGE;
	}
	o->owned = owned;
	kv = malloc(len);
	if (!kv) {
		p_err("out of memory");
		return EXIT_USAGE;
	}
	snprintf(kv, len, "%s=%s", key, value);
	o->owned[o->owned_cnt++] = kv;
	return add_param(o, kv);
}

static bool opt_allowed(int c, unsigned int allowed)
{
	switch (c) {
	case OPT_DIALECT:	return allowed & CLI_OPT_DIALECT;
	case 'o':
	case OPT_TC_MODE:
	case OPT_SECTION:
	case OPT_PIN_ROOT:
	case OPT_PIN_PATH:	return allowed & CLI_OPT_PARAM;
	case 'v':		return allowed & CLI_OPT_VERBOSE;
	case OPT_BPFFS:		return allowed & CLI_OPT_BPFFS;
	case OPT_PIN_PROGS:	return allowed & CLI_OPT_PIN_PROGS;
	case OPT_DRY_RUN:	return allowed & CLI_OPT_DRY_RUN;
	case OPT_LOG_LEVEL:	return allowed & CLI_OPT_LOG_LEVEL;
	case OPT_JOBS:		return allowed & CLI_OPT_JOBS;
	case OPT_BTF:		return allowed & CLI_OPT_BTF;
	default:		return true;
	}
}

static const char *opt_name(int c)
{
	const struct option *opt;

	for (opt = cmd_long; opt->name; opt++)
		if (opt->val == c)
			return opt->name;
	return "?";
}

static int parse_number(const char *opt, const char *s, unsigned long max,
			unsigned long *out)
{
	if (cli_parse_uint(s, max, out)) {
		p_err("%s expects a number from 0 to %lu, got '%s'", opt, max,
		      s);
		return EXIT_USAGE;
	}
	return 0;
}

static int apply_opt(int c, struct cli_opts *o)
{
	unsigned long v;
	int err;

	switch (c) {
	case 'j':
	case 'p':
	case 'd':
		set_output_opt(c);
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case OPT_DIALECT_FILE:
		cli_add_dialect_file(optarg);
		return 0;
	case OPT_DIALECT:
		o->dialect = optarg;
		return 0;
	case 'o':
		return add_param(o, optarg);
	case OPT_TC_MODE:
		return add_sugar_param(o, "mode", optarg);
	case OPT_SECTION:
		return add_sugar_param(o, "section", optarg);
	case OPT_PIN_ROOT:
		return add_sugar_param(o, "pin-root", optarg);
	case OPT_PIN_PATH:
		/* MAP=PATH: gobpf's SectionParams.PinPath */
		return add_sugar_param(o, "pin-path", optarg);
	case 'v':
		o->verbose = true;
		return 0;
	case OPT_BPFFS:
		o->bpffs = optarg;
		return 0;
	case OPT_PIN_PROGS:
		o->pin_progs = optarg;
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_BTF:
		o->btf = optarg;
		return 0;
	case OPT_LOG_LEVEL:
		err = parse_number("--log-level", optarg, CLI_LOG_LEVEL_MAX,
				   &v);
		if (err)
			return err;
		o->log_level = v;
		o->log_level_set = true;
		return 0;
	case OPT_JOBS:
		err = parse_number("--jobs", optarg, CLI_JOBS_MAX, &v);
		if (err)
			return err;
		o->jobs = v;
		o->jobs_set = true;
		return 0;
	}
	return EXIT_USAGE;
}

int cli_parse_opts(const char *cmd, int *argc, char ***argv,
		   unsigned int allowed, struct cli_opts *o)
{
	/* getopt wants a program name in slot 0: the command word. */
	char **av = *argv - 1;
	int ac = *argc + 1;
	int c, err;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(ac, av, ":jpdhvo:", cmd_long, NULL)) >= 0) {
		if (c == '?' || c == ':') {
			report_bad_option(av, c);
			return EXIT_USAGE;
		}
		if (!opt_allowed(c, allowed)) {
			p_err("'--%s' is not an option of '%s'",
			      opt_name(c), cmd);
			return EXIT_USAGE;
		}
		err = apply_opt(c, o);
		if (err)
			return err;
	}
	/* GNU getopt moved the positional words, in order, to the end. */
	*argv = av + optind;
	*argc = ac - optind;
	return 0;
}

void cli_opts_free(struct cli_opts *o)
{
	size_t i;

	free(o->params);
	o->params = NULL;
	o->param_cnt = 0;
	for (i = 0; i < o->owned_cnt; i++)
		free(o->owned[i]);
	free(o->owned);
	o->owned = NULL;
	o->owned_cnt = 0;
}
