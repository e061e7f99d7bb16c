/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output of the commands, kept apart from the library calls that gather
 * it so the text and JSON forms can be checked against made-up results.
 */
#ifndef __BC_CLI_RENDER_H
#define __BC_CLI_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "bpfcompat.h"

/* ---- detect -------------------------------------------------------------- */

struct cli_candidate {
	const char *dialect;
	int score;
	const char **evidence;
	size_t evidence_cnt;
};

/* Winner's name or NULL when no candidate has a positive score. */
const char *detect_winner(const struct cli_candidate *c, size_t cnt);
json_object *detect_json(const struct cli_candidate *c, size_t cnt);
void detect_print(FILE *f, const struct cli_candidate *c, size_t cnt,
		  bool verbose);

/* ---- load ---------------------------------------------------------------- */

struct cli_load_map {
	const char *name;
	__u32 type;
	__u32 id;		/* 0 = not created */
	const char *pin_path;	/* NULL = unpinned */
	bool reused;
};

struct cli_load_prog {
	const char *name;
	__u32 type;
	__u32 id;		/* 0 = not loaded */
	const char *tag;	/* NULL or "" = not loaded */
	const char *pinned;	/* NULL = not pinned */
};

struct cli_load_report {
	const char *object;
	const char *dialect;
	bool dry_run;
	const char **plan;
	size_t plan_cnt;
	struct cli_load_map *maps;
	size_t map_cnt;
	struct cli_load_prog *progs;
	size_t prog_cnt;
};

json_object *load_json(const struct cli_load_report *r);
void load_print(FILE *f, const struct cli_load_report *r);

/* A program the verifier refused, for the error report. */
struct cli_refusal {
	const char *prog;
	const char *section;
	const char *log;
};

/* Extra fields of the JSON error object: "program", "section", "log". */
json_object *refusal_json(const struct cli_refusal *r);
void refusal_print(FILE *f, const struct cli_refusal *r);

/* Write text with every line prefixed by indent (a trailing newline is
 * added if missing). */
void print_indented(FILE *f, const char *text, const char *indent);

/* ---- inspect ------------------------------------------------------------- */

json_object *inspect_json(const struct bc_object *obj);
void inspect_print(FILE *f, const struct bc_object *obj);
const char *map_kind_name(enum bc_map_kind kind);

/* ---- dialect ------------------------------------------------------------- */

struct cli_dialect_info {
	const char *name;
	const char *origin;
	const char *summary;
};

json_object *dialect_json(const struct cli_dialect_info *d);
void dialect_row_print(FILE *f, const struct cli_dialect_info *d);
void dialect_show_print(FILE *f, const struct cli_dialect_info *d);

/* ---- shared -------------------------------------------------------------- */

/* bpftool's type spelling, or the number when the name is unknown. */
json_object *type_json(const char *name, __u32 type);
/* Same for text: name, or "type N" in buf. */
const char *type_text(const char *name, __u32 type, char *buf, size_t size);
json_object *json_str_or_null(const char *s);

#endif /* __BC_CLI_RENDER_H */
