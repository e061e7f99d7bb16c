// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bpfcompat detect: name the dialect an object follows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "render.h"

const char *detect_winner(const struct cli_candidate *c, size_t cnt)
{
	return cnt && c[0].score > 0 ? c[0].dialect : NULL;
}

json_object *detect_json(const struct cli_candidate *c, size_t cnt)
{
	json_object *doc = json_object_new_object();
	json_object *arr = json_object_new_array();
	size_t i, j;

	json_object_object_add(doc, "dialect",
			       json_str_or_null(detect_winner(c, cnt)));
	for (i = 0; i < cnt; i++) {
		json_object *cand = json_object_new_object();
		json_object *ev = json_object_new_array();

		json_object_object_add(cand, "dialect",
				       json_object_new_string(c[i].dialect));
		json_object_object_add(cand, "score",
				       json_object_new_int(c[i].score));
		for (j = 0; j < c[i].evidence_cnt; j++)
			json_object_array_add(ev,
				json_object_new_string(c[i].evidence[j]));
		json_object_object_add(cand, "evidence", ev);
		json_object_array_add(arr, cand);
	}
	json_object_object_add(doc, "candidates", arr);
	return doc;
}

static void free_candidates(struct cli_candidate *c, size_t cnt)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		free(c[i].evidence);
	free(c);
}

/* Copy the detection into plain records (strings stay the library's). */
static struct cli_candidate *get_candidates(const struct bc_detection *det,
					    size_t *cnt)
{
	size_t i, j, n = bc_detection__cnt(det);
	struct cli_candidate *c;

	c = calloc(n ? n : 1, sizeof(*c));
	if (!c)
		return NULL;
	for (i = 0; i < n; i++) {
		struct cli_candidate *ci = &c[i];
		size_t ev_cnt = bc_detection__evidence_cnt(det, i);

		ci->dialect = bc_dialect__name(bc_detection__dialect(det, i));
		if (!ci->dialect)
			ci->dialect = "?";
		ci->score = bc_detection__score(det, i);
		ci->evidence = calloc(ev_cnt ? ev_cnt : 1,
				      sizeof(*ci->evidence));
		if (!ci->evidence) {
			free_candidates(c, i);
			return NULL;
		}
		for (j = 0; j < ev_cnt; j++) {
			const char *e = bc_detection__evidence(det, i, j);

			ci->evidence[j] = e ? e : "";
		}
		ci->evidence_cnt = ev_cnt;
	}
	*cnt = n;
	return c;
}

static int help(int argc, char **argv)
{
	printf("Usage: %1$s detect OBJ [OPTIONS]\n"
	       "       %1$s detect help\n"
	       "\n"
	       "Print the name of the dialect OBJ follows on the first line.\n"
	       "\n"
	       "OPTIONS := { -v|--verbose | -j|--json [-p|--pretty] |\n"
	       "             -d|--debug | --dialect-file FILE }\n"
	       "\n"
	       "  -v, --verbose   also print every dialect's score and evidence\n"
	       "\n"
	       "Exit status: 0 detected, 2 no dialect fits or bad input.\n",
	       bin_name);
	return EXIT_OK;
}

/* Print every candidate's score and evidence (after the name line). */
static void evidence_print(FILE *f, const struct cli_candidate *c,
			   size_t cnt)
{
	size_t i, j;

	for (i = 0; i < cnt; i++) {
		fprintf(f, "%s: score %d\n", c[i].dialect, c[i].score);
		for (j = 0; j < c[i].evidence_cnt; j++)
			fprintf(f, "\t%s\n", c[i].evidence[j]);
	}
}

/* The first line is the name alone: scripts take it with head -1. */
void detect_print(FILE *f, const struct cli_candidate *c, size_t cnt,
		  bool verbose)
{
	const char *winner = detect_winner(c, cnt);

	fprintf(f, "%s\n", winner ? winner : "none");
	if (verbose)
		evidence_print(f, c, cnt);
}

/* Nothing fits: the evidence goes with the error (JSON) or to stderr. */
static int report_no_fit(const char *path, const struct cli_candidate *c,
			 size_t cnt, bool verbose)
{
	json_object *extra = NULL;

	if (json_output) {
		json_object *doc = detect_json(c, cnt);
		json_object *cands = NULL;

		json_object_object_get_ex(doc, "candidates", &cands);
		extra = json_object_new_object();
		json_object_object_add(extra, "candidates",
				       json_object_get(cands));
		json_object_put(doc);
	} else if (verbose) {
		evidence_print(stderr, c, cnt);
	}
	p_err_extra(extra, "%s: no dialect fits (best: %s, score %d)%s", path,
		    cnt ? c[0].dialect : "none", cnt ? c[0].score : 0,
		    verbose || json_output ? "" :
		    "; '-v' shows the evidence");
	return EXIT_USAGE;
}

static int report(const char *path, struct cli_candidate *c, size_t cnt,
		  bool verbose)
{
	if (!detect_winner(c, cnt))
		return report_no_fit(path, c, cnt, verbose);
	if (json_output)
		cli_json_print(detect_json(c, cnt));
	else
		detect_print(stdout, c, cnt, verbose);
	return EXIT_OK;
}

int do_detect(int argc, char **argv)
{
	struct cli_candidate *cands;
	struct bc_detection *det;
	struct cli_opts o;
	size_t cnt = 0;
	int ret;

	ret = cli_parse_opts("detect", &argc, &argv, CLI_OPT_VERBOSE, &o);
	cli_opts_free(&o);	/* detect takes no --param */
	if (ret)
		return ret;
	if (cli_wants_help(&o, argc, argv))
		return help(argc, argv);
	ret = REQ_ARGS("detect", 1, "an object file");
	if (ret)
		return ret;
	ret = cli_register_dialect_files();
	if (ret)
		return ret;

	det = bc_detect_file(argv[0]);
	if (!det) {
		int err = errno ? -errno : -EINVAL;

		p_err("%s: %s", argv[0], cli_strerror(err));
		return EXIT_USAGE;
	}
	cands = get_candidates(det, &cnt);
	if (!cands) {
		p_err("out of memory");
		bc_detection__free(det);
		return EXIT_REFUSED;
	}
	ret = report(argv[0], cands, cnt, o.verbose);
	free_candidates(cands, cnt);
	bc_detection__free(det);
	return ret;
}
