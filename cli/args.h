/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Option parsing of the bpfcompat tool: global options and command options. */
#ifndef __BC_CLI_ARGS_H
#define __BC_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Which command options a command accepts. */
enum cli_opt_bits {
	CLI_OPT_DIALECT		= 1U << 0,	/* --dialect D */
	CLI_OPT_PARAM		= 1U << 1,	/* --param/-o KEY=VALUE */
	CLI_OPT_VERBOSE		= 1U << 2,	/* -v/--verbose */
	CLI_OPT_BPFFS		= 1U << 3,	/* --bpffs DIR */
	CLI_OPT_PIN_PROGS	= 1U << 4,	/* --pin-progs DIR */
	CLI_OPT_DRY_RUN		= 1U << 5,	/* --dry-run */
	CLI_OPT_LOG_LEVEL	= 1U << 6,	/* --log-level N */
	CLI_OPT_JOBS		= 1U << 7,	/* --jobs N */
	CLI_OPT_BTF		= 1U << 8,	/* --btf FILE */
};

#define CLI_LOG_LEVEL_MAX	7	/* kernel log_level bits 1|2|4 */
#define CLI_JOBS_MAX		4096

struct cli_opts {
	const char *dialect;
	const char **params;	/* "KEY=VALUE", pointing into argv */
	size_t param_cnt;
	char **owned;		/* params built from sugar options */
	size_t owned_cnt;
	const char *bpffs;
	const char *pin_progs;
	bool verbose;
	bool dry_run;
	bool help;
	bool log_level_set;
	__u32 log_level;
	bool jobs_set;
	int jobs;
	const char *btf;	/* kernel BTF for CO-RE, NULL: running */
};

/*
 * Parse the global options that precede the command; returns the index of
 * the command in argv (argc if none), or -EXIT_USAGE after reporting.
 * -h and -V are returned through *help and *version.
 */
int cli_parse_global(int argc, char **argv, bool *help, bool *version);

/*
 * Parse the options of command cmd from argv[0..argc) (the words after the
 * command name). Global output options (-j, -p, -d, -h, --dialect-file)
 * are accepted here too, so "bpfcompat inspect x.o --json" works. Options
 * outside allowed are usage errors. On success the positional words are
 * left in (*argv)[0..*argc) in their original order and 0 is returned;
 * otherwise EXIT_USAGE after reporting. Free o with cli_opts_free().
 */
int cli_parse_opts(const char *cmd, int *argc, char ***argv,
		   unsigned int allowed, struct cli_opts *o);
void cli_opts_free(struct cli_opts *o);

/* Strict decimal parse of an unsigned value <= max; 0 or -EINVAL. */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif /* __BC_CLI_ARGS_H */
