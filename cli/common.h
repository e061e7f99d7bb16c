/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared state of the bpfcompat tool: output mode, error
 * reporting, command dispatch, argument macros, exit status.
 */
#ifndef __BC_CLI_COMMON_H
#define __BC_CLI_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "bpfcompat.h"
#include "args.h"

/* Exit status contract (DESIGN.md "CLI contract"). */
#define EXIT_OK		0
#define EXIT_REFUSED	1	/* the kernel refused */
#define EXIT_USAGE	2	/* bad input or usage */

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

extern const char *bin_name;
extern bool json_output;
extern bool pretty_output;
extern bool debug_output;

struct cmd {
	const char *cmd;
	int (*func)(int argc, char **argv);
};

/* A command's argv starts after its own name, as in bpftool. */
#define NEXT_ARG()	({ argc--; argv++; })
#define BAD_ARG()	({ p_err("what is '%s'?", *argv); EXIT_USAGE; })
#define GET_ARG()	({ argc--; *argv++; })
/*
 * Exactly cnt positional words, described by what ("OBJ", "NAME"); after
 * option parsing argv[-1] is not the command word, so it is named.
 */
#define REQ_ARGS(cmd, cnt, what) cli_req_args(cmd, argc, argv, cnt, what)
int cli_req_args(const char *cmd, int argc, char **argv, int cnt,
		 const char *what);

__attribute__((format(printf, 1, 2)))
void p_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void p_info(const char *fmt, ...);
/*
 * Like p_err(), but in JSON mode the fields of extra (may be NULL) are
 * added to the error object; extra is consumed.
 */
__attribute__((format(printf, 2, 3)))
void p_err_extra(json_object *extra, const char *fmt, ...);

/* Build the JSON error object: {"error": msg, "messages": [...]}. */
json_object *cli_error_json(const char *msg, json_object *extra);

/* Print a JSON document on stdout (compact, or pretty with -p); consumes
 * it. */
void cli_json_print(json_object *doc);

/* The library's print callback: see common.c. */
void cli_log_setup(void);
void cli_log_reset(void);
size_t cli_log_warn_cnt(void);
const char *cli_log_warn(size_t i);
int cli_print(enum bc_print_level level, const char *fmt, va_list args);

/* Map a negative errno from the library to the exit status. */
int cli_exit_code(int err);
/* Describe err (negative errno or BC_ERRNO__*) for a message. */
const char *cli_strerror(int err);

bool is_prefix(const char *pfx, const char *str);
/*
 * Run the command whose name argv[0] is a unique prefix of (an exact
 * match always wins); with no argument run entry 0. Unknown or ambiguous
 * names are usage errors.
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv));

/* Register every --dialect-file given so far (once). */
void cli_add_dialect_file(const char *path);
int cli_register_dialect_files(void);

/* --help, or "help" as the only argument. */
bool cli_wants_help(const struct cli_opts *o, int argc, char **argv);

/*
 * Register the --dialect-file descriptors, then open path with the
 * command's --dialect and --param; on failure report it and store the exit
 * status in *ret.
 */
struct bc_object *cli_open_object(const char *path, const struct cli_opts *o,
				  int *ret);

/* Commands. */
int do_detect(int argc, char **argv);
int do_inspect(int argc, char **argv);
int do_load(int argc, char **argv);
int do_dialect(int argc, char **argv);
int do_run(int argc, char **argv);
int do_convert(int argc, char **argv);
int do_check(int argc, char **argv);

#endif /* __BC_CLI_COMMON_H */
