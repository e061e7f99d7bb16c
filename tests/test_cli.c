// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests for the bpfcompat tool: option parsing, command dispatch,
 * exit status, and the text/JSON output of made-up results; then the
 * built tool end to end for what scripts rely on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "testutil.h"
#include "common.h"
#include "args.h"
#include "render.h"

/* ---- utilities ----------------------------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v),
		      "missing key '%s'", key);
	return v;
}

static const char *get_str(json_object *o, const char *key)
{
	return json_object_get_string(get(o, key));
}

/* Run the built tool; returns its exit status, stdout in out. */
static int run_tool(const char *args, char *out, size_t size)
{
	char cmd[4096];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s/bpfcompat %s 2>/dev/null",
		 BC_BINARY_DIR, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (n + 1 < size && !feof(p)) {
		size_t r = fread(out + n, 1, size - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = '\0';
	st = pclose(p);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/*
 * Parsers permute and advance argv, as with a real one, so the words are
 * kept here for the life of the test process rather than freed.
 */
static char *kept[256];
static size_t kept_cnt;

static void *keep(void *p)
{
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_lt(kept_cnt, ARRAY_SIZE(kept));
	kept[kept_cnt++] = p;
	return p;
}

static char **make_argv(const char *const *words, int n)
{
	char **argv = keep(calloc(n + 1, sizeof(*argv)));
	int i;

	for (i = 0; i < n; i++)
		argv[i] = keep(strdup(words[i]));
	return argv;
}

/* ---- dispatch ------------------------------------------------------------ */

static int last_cmd;

static int cmd_a(int argc, char **argv) { last_cmd = 1; return argc; }
static int cmd_b(int argc, char **argv) { last_cmd = 2; return argc; }
static int cmd_c(int argc, char **argv) { last_cmd = 3; return argc; }
static int cmd_help(int argc, char **argv) { last_cmd = 9; return 0; }

static const struct cmd table[] = {
	{ "show",	cmd_a },
	{ "shape",	cmd_b },
	{ "sh",		cmd_c },
	{ "load",	cmd_b },
	{ 0 }
};

START_TEST(test_is_prefix)
{
	ck_assert(is_prefix("l", "load"));
	ck_assert(is_prefix("load", "load"));
	ck_assert(!is_prefix("loads", "load"));
	ck_assert(!is_prefix("", "load"));
	ck_assert(!is_prefix("x", "load"));
}
END_TEST

START_TEST(test_cmd_select)
{
	const char *const w1[] = { "lo", "x.o", "y" };
	const char *const w2[] = { "sho" };
	const char *const w3[] = { "sh" };
	const char *const w4[] = { "s" };
	const char *const w5[] = { "nope" };
	char **argv;

	argv = make_argv(w1, 3);
	ck_assert_int_eq(cmd_select(table, 3, argv, cmd_help), 2);
	ck_assert_int_eq(last_cmd, 2);
	argv = make_argv(w2, 1);
	ck_assert_int_eq(cmd_select(table, 1, argv, cmd_help), 0);
	ck_assert_int_eq(last_cmd, 1);
	/* an exact name wins over the longer names it prefixes */
	argv = make_argv(w3, 1);
	cmd_select(table, 1, argv, cmd_help);
	ck_assert_int_eq(last_cmd, 3);
	last_cmd = 0;
	argv = make_argv(w4, 1);
	ck_assert_int_eq(cmd_select(table, 1, argv, cmd_help), EXIT_USAGE);
	ck_assert_int_eq(last_cmd, 0);
	argv = make_argv(w5, 1);
	ck_assert_int_eq(cmd_select(table, 1, argv, cmd_help), EXIT_USAGE);
	ck_assert_int_eq(last_cmd, 0);
	/* no word: entry 0 */
	ck_assert_int_eq(cmd_select(table, 0, argv + 1, cmd_help), 0);
	ck_assert_int_eq(last_cmd, 1);
}
END_TEST

/* ---- exit status --------------------------------------------------------- */

START_TEST(test_exit_code)
{
	static const struct { int err, code; } cases[] = {
		{ 0, EXIT_OK },
		{ -BC_ERRNO__VERIFY, EXIT_REFUSED },
		{ -BC_ERRNO__KERNEL, EXIT_REFUSED },
		{ -BC_ERRNO__PIN, EXIT_REFUSED },
		{ -EPERM, EXIT_REFUSED },
		{ -EACCES, EXIT_REFUSED },
		{ -E2BIG, EXIT_REFUSED },
		{ -BC_ERRNO__FORMAT, EXIT_USAGE },
		{ -BC_ERRNO__DIALECT, EXIT_USAGE },
		{ -BC_ERRNO__DESC, EXIT_USAGE },
		{ -BC_ERRNO__RELOC, EXIT_USAGE },
		{ -BC_ERRNO__ENDIAN, EXIT_USAGE },
		{ -BC_ERRNO__UNSUPP, EXIT_USAGE },
		{ -BC_ERRNO__PARAM, EXIT_USAGE },
		{ -BC_ERRNO__LIBELF, EXIT_USAGE },
		{ -ENOENT, EXIT_USAGE },
		{ -EINVAL, EXIT_USAGE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(cli_exit_code(cases[i].err) == cases[i].code,
			      "err %d: want %d", cases[i].err, cases[i].code);
}
END_TEST

/* ---- options ------------------------------------------------------------- */

/* argv as a command sees it: the command word at [-1]. */
static int parse(const char *const *words, int n, unsigned int allowed,
		 struct cli_opts *o, int *argc, char ***argv)
{
	char **all = make_argv(words, n);

	*argc = n - 1;
	*argv = all + 1;
	return cli_parse_opts(words[0], argc, argv, allowed, o);
}

START_TEST(test_opts_load)
{
	const char *const w[] = {
		"load", "--dialect", "tc", "x.o", "-o", "mode=act",
		"--param=a=b", "--bpffs", "/b", "--pin-progs=/p", "--dry-run",
		"--log-level", "2", "--jobs", "3", "--json",
	};
	unsigned int all = ~0U;
	struct cli_opts o;
	char **argv;
	int argc;

	ck_assert_int_eq(parse(w, ARRAY_SIZE(w), all, &o, &argc, &argv), 0);
	ck_assert_int_eq(argc, 1);
	ck_assert_str_eq(argv[0], "x.o");
	ck_assert_str_eq(o.dialect, "tc");
	ck_assert_uint_eq(o.param_cnt, 2);
	ck_assert_str_eq(o.params[0], "mode=act");
	ck_assert_str_eq(o.params[1], "a=b");
	ck_assert_str_eq(o.bpffs, "/b");
	ck_assert_str_eq(o.pin_progs, "/p");
	ck_assert(o.dry_run);
	ck_assert(o.log_level_set && o.log_level == 2);
	ck_assert(o.jobs_set && o.jobs == 3);
	ck_assert(json_output);
	ck_assert(!pretty_output);
	cli_opts_free(&o);
}
END_TEST

START_TEST(test_opts_positional_order)
{
	const char *const w[] = { "x", "a", "-v", "b", "--", "-c" };
	struct cli_opts o;
	char **argv;
	int argc;

	ck_assert_int_eq(parse(w, ARRAY_SIZE(w), CLI_OPT_VERBOSE, &o, &argc,
			       &argv), 0);
	ck_assert(o.verbose);
	ck_assert_int_eq(argc, 3);
	ck_assert_str_eq(argv[0], "a");
	ck_assert_str_eq(argv[1], "b");
	ck_assert_str_eq(argv[2], "-c");
}
END_TEST

START_TEST(test_opts_errors)
{
	static const char *const bad[][3] = {
		{ "inspect", "--bpffs", "/x" },		/* not allowed */
		{ "inspect", "--frob", "x.o" },		/* unknown */
		{ "inspect", "-z", "x.o" },		/* unknown short */
		{ "load", "--jobs", "many" },		/* not a number */
		{ "load", "--jobs", "-1" },
		{ "load", "--log-level", "8" },		/* out of range */
		{ "load", "-o", "novalue" },		/* not KEY=VALUE */
		{ "load", "-o", "=v" },
		{ "load", "x.o", "--dialect" },		/* missing argument */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned int allowed = strcmp(bad[i][0], "load") ?
				       CLI_OPT_DIALECT : ~0U;
		struct cli_opts o;
		char **argv;
		int argc;

		ck_assert_msg(parse(bad[i], 3, allowed, &o, &argc, &argv) ==
			      EXIT_USAGE, "case %zu accepted", i);
		cli_opts_free(&o);
	}
}
END_TEST

START_TEST(test_opts_pretty_implies_json)
{
	const char *const w[] = { "detect", "-p", "x.o" };
	struct cli_opts o;
	char **argv;
	int argc;

	ck_assert_int_eq(parse(w, 3, 0, &o, &argc, &argv), 0);
	ck_assert(json_output && pretty_output);
}
END_TEST

START_TEST(test_global)
{
	const char *const w[] = { "bpfcompat", "-j", "--dialect-file", "f.yaml",
				  "-d", "load", "x.o", "--dry-run" };
	const char *const b[] = { "bpfcompat", "--nope", "load" };
	char **argv = make_argv(w, ARRAY_SIZE(w));
	bool help, version;

	ck_assert_int_eq(cli_parse_global(ARRAY_SIZE(w), argv, &help,
					  &version), 5);
	ck_assert_str_eq(argv[5], "load");
	ck_assert_str_eq(argv[7], "--dry-run");	/* left to the command */
	ck_assert(json_output && debug_output && !help && !version);

	argv = make_argv(b, ARRAY_SIZE(b));
	ck_assert_int_eq(cli_parse_global(ARRAY_SIZE(b), argv, &help,
					  &version), -EXIT_USAGE);
}
END_TEST

START_TEST(test_parse_uint)
{
	unsigned long v;

	ck_assert_int_eq(cli_parse_uint("42", 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_ne(cli_parse_uint("101", 100, &v), 0);
	ck_assert_int_ne(cli_parse_uint("4x", 100, &v), 0);
	ck_assert_int_ne(cli_parse_uint("", 100, &v), 0);
	ck_assert_int_ne(cli_parse_uint("+1", 100, &v), 0);
	ck_assert_int_ne(cli_parse_uint(" 1", 100, &v), 0);
	ck_assert_int_ne(cli_parse_uint("99999999999999999999999", ~0UL, &v),
			 0);
}
END_TEST

/* ---- output -------------------------------------------------------------- */

static const char *ev_tc[] = { "section 'maps' record 36 (+20)", "x (+5)" };
static struct cli_candidate cands[] = {
	{ "tc", 25, ev_tc, 2 },
	{ "perf", 0, NULL, 0 },
};

START_TEST(test_detect_json)
{
	json_object *doc = detect_json(cands, 2);
	json_object *arr = get(doc, "candidates");
	json_object *c0 = json_object_array_get_idx(arr, 0);

	ck_assert_str_eq(get_str(doc, "dialect"), "tc");
	ck_assert_int_eq(json_object_array_length(arr), 2);
	ck_assert_str_eq(get_str(c0, "dialect"), "tc");
	ck_assert_int_eq(json_object_get_int(get(c0, "score")), 25);
	ck_assert_int_eq(json_object_array_length(get(c0, "evidence")), 2);
	json_object_put(doc);

	cands[0].score = 0;
	doc = detect_json(cands, 2);
	ck_assert(json_object_is_type(get(doc, "dialect"), json_type_null));
	ck_assert_ptr_null(detect_winner(cands, 2));
	ck_assert_ptr_null(detect_winner(cands, 0));
	json_object_put(doc);
}
END_TEST

START_TEST(test_detect_text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	detect_print(f, cands, 2, false);
	fflush(f);
	ck_assert_str_eq(buf, "tc\n");
	detect_print(f, cands, 2, true);
	fclose(f);
	ck_assert_str_eq(buf, "tc\ntc\ntc: score 25\n"
			 "\tsection 'maps' record 36 (+20)\n\tx (+5)\n"
			 "perf: score 0\n");
	free(buf);
}
END_TEST

static struct cli_load_map maps[] = {
	{ "counters", BPF_MAP_TYPE_HASH, 7, "/sys/fs/bpf/tc/globals/counters",
	  true },
	{ "jmp", BPF_MAP_TYPE_PROG_ARRAY, 8, NULL, false },
	{ "odd", 0xfff0, 9, NULL, false },
};
static struct cli_load_prog progs[] = {
	{ "cls", BPF_PROG_TYPE_SCHED_CLS, 21, "0123456789abcdef", "/p/cls" },
	{ "off", BPF_PROG_TYPE_XDP, 0, "", NULL },
};
static const char *plan[] = { "map counters: reuse", "prog cls: load" };

static struct cli_load_report report = {
	.object = "x.o", .dialect = "tc", .dry_run = false,
	.plan = plan, .plan_cnt = 2,
	.maps = maps, .map_cnt = 3,
	.progs = progs, .prog_cnt = 2,
};

START_TEST(test_load_json)
{
	json_object *doc = load_json(&report);
	json_object *m0, *m2, *p0, *p1;

	ck_assert_str_eq(get_str(doc, "object"), "x.o");
	ck_assert_str_eq(get_str(doc, "dialect"), "tc");
	ck_assert(!json_object_get_boolean(get(doc, "dry_run")));
	ck_assert_int_eq(json_object_array_length(get(doc, "plan")), 2);
	m0 = json_object_array_get_idx(get(doc, "maps"), 0);
	m2 = json_object_array_get_idx(get(doc, "maps"), 2);
	ck_assert_str_eq(get_str(m0, "name"), "counters");
	ck_assert_int_eq(json_object_get_int(get(m0, "id")), 7);
	ck_assert_str_eq(get_str(m0, "pin_path"),
			 "/sys/fs/bpf/tc/globals/counters");
	ck_assert(json_object_get_boolean(get(m0, "reused")));
	/* unknown type: the number, as bpftool does */
	ck_assert(json_object_is_type(get(m2, "type"), json_type_int));
	p0 = json_object_array_get_idx(get(doc, "programs"), 0);
	p1 = json_object_array_get_idx(get(doc, "programs"), 1);
	ck_assert_str_eq(get_str(p0, "tag"), "0123456789abcdef");
	ck_assert_str_eq(get_str(p0, "pinned"), "/p/cls");
	ck_assert_int_eq(json_object_get_int(get(p0, "id")), 21);
	ck_assert(json_object_is_type(get(p1, "id"), json_type_null));
	ck_assert(json_object_is_type(get(p1, "tag"), json_type_null));
	ck_assert(json_object_is_type(get(p1, "pinned"), json_type_null));
	json_object_put(doc);
}
END_TEST

START_TEST(test_load_text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	load_print(f, &report);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "plan:\n\tmap counters: reuse\n"));
	ck_assert_ptr_nonnull(strstr(buf, "prog 21: "));
	ck_assert_ptr_nonnull(strstr(buf, "tag 0123456789abcdef"));
	ck_assert_ptr_nonnull(strstr(buf, "map 9: type 65520  name odd\n"));
	/* not loaded: no line */
	ck_assert_ptr_null(strstr(buf, "name off"));
	free(buf);
}
END_TEST

START_TEST(test_indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_indented(f, "a\nb\n", "\t");
	print_indented(f, "c", "  ");
	fclose(f);
	ck_assert_str_eq(buf, "\ta\n\tb\n  c\n");
	free(buf);
}
END_TEST

static void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_print(BC_WARN, fmt, ap);
	va_end(ap);
}

START_TEST(test_error_json)
{
	struct cli_refusal r = { "cls", "classifier", "0: (b7) r0 = 0\n" };
	json_object *err, *msgs;

	cli_log_setup();
	warn("prog '%s': refused\n", "cls");
	err = cli_error_json("x.o: refused", refusal_json(&r));
	ck_assert_str_eq(get_str(err, "error"), "x.o: refused");
	ck_assert_str_eq(get_str(err, "program"), "cls");
	ck_assert_str_eq(get_str(err, "section"), "classifier");
	ck_assert_str_eq(get_str(err, "log"), "0: (b7) r0 = 0\n");
	msgs = get(err, "messages");
	ck_assert_int_eq(json_object_array_length(msgs), 1);
	/* the trailing newline is the printer's, not the message's */
	ck_assert_str_eq(json_object_get_string(
				 json_object_array_get_idx(msgs, 0)),
			 "prog 'cls': refused");
	json_object_put(err);
	cli_log_reset();
}
END_TEST

START_TEST(test_dialect_json)
{
	struct cli_dialect_info d = { "tc", "builtin", "iproute2 tc" };
	json_object *o = dialect_json(&d);

	ck_assert_str_eq(get_str(o, "name"), "tc");
	ck_assert_str_eq(get_str(o, "origin"), "builtin");
	ck_assert_str_eq(get_str(o, "summary"), "iproute2 tc");
	json_object_put(o);
}
END_TEST

/* ---- the built tool ------------------------------------------------------ */

START_TEST(test_tool_usage)
{
	char out[16384];

	ck_assert_int_eq(run_tool("help", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "Usage: bpfcompat"));
	ck_assert_int_eq(run_tool("load --help", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "Usage: bpfcompat load OBJ"));
	ck_assert_int_eq(run_tool("insp help", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "Usage: bpfcompat inspect OBJ"));
	ck_assert_int_eq(run_tool("", out, sizeof(out)), EXIT_USAGE);
	ck_assert_int_eq(run_tool("frobnicate", out, sizeof(out)),
			 EXIT_USAGE);
	ck_assert_int_eq(run_tool("d x.o", out, sizeof(out)), EXIT_USAGE);
	ck_assert_int_eq(run_tool("--bogus", out, sizeof(out)), EXIT_USAGE);
	ck_assert_int_eq(run_tool("load", out, sizeof(out)), EXIT_USAGE);
	ck_assert_int_eq(run_tool("-V", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "bpfcompat v"));
}
END_TEST

START_TEST(test_tool_json_error)
{
	char out[16384];
	json_object *doc;

	ck_assert_int_eq(run_tool("inspect /nonexistent/x.o --json", out,
				  sizeof(out)), EXIT_USAGE);
	doc = json_tokener_parse(out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_nonnull(strstr(get_str(doc, "error"),
				     "/nonexistent/x.o"));
	ck_assert(json_object_is_type(get(doc, "messages"), json_type_array));
	json_object_put(doc);
}
END_TEST

/* A real object when the corpus is built: what scripts parse. */
START_TEST(test_tool_objects)
{
	const char *obj = bc_test_corpus("libbpf-legacy/samples28.o");
	json_object *doc, *o, *m;
	char args[4200], out[65536];

	if (access(obj, R_OK)) {
		printf("test_tool_objects: %s not built, not checked\n", obj);
		return;
	}
	snprintf(args, sizeof(args), "detect %s", obj);
	ck_assert_int_eq(run_tool(args, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "libbpf-legacy\n");

	snprintf(args, sizeof(args), "inspect --json %s", obj);
	ck_assert_int_eq(run_tool(args, out, sizeof(out)), 0);
	doc = json_tokener_parse(out);
	ck_assert_ptr_nonnull(doc);
	o = get(doc, "object");
	ck_assert_str_eq(get_str(o, "dialect"), "libbpf-legacy");
	ck_assert_str_eq(get_str(o, "license"), "GPL");
	ck_assert_str_eq(get_str(o, "endianness"), "little");
	ck_assert_int_eq(strlen(get_str(o, "sha1")), 40);
	get(o, "kernel_version");
	get(o, "kernel_version_explicit");
	m = json_object_array_get_idx(get(doc, "maps"), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(get_str(m, "type"), "array");
	ck_assert_str_eq(get_str(m, "kind"), "user");
	get(m, "attrs");
	get(m, "inner_map");
	o = json_object_array_get_idx(get(doc, "programs"), 0);
	ck_assert_str_eq(get_str(o, "type"), "socket_filter");
	ck_assert(json_object_is_type(get(o, "params"), json_type_array));
	get(doc, "inits");
	json_object_put(doc);

	snprintf(args, sizeof(args), "-j load --dry-run %s", obj);
	ck_assert_int_eq(run_tool(args, out, sizeof(out)), 0);
	doc = json_tokener_parse(out);
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_get_boolean(get(doc, "dry_run")));
	ck_assert_int_gt(json_object_array_length(get(doc, "plan")), 0);
	json_object_put(doc);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_is_prefix);
	tcase_add_test(tc, test_cmd_select);
	tcase_add_test(tc, test_exit_code);
	tcase_add_test(tc, test_opts_load);
	tcase_add_test(tc, test_opts_positional_order);
	tcase_add_test(tc, test_opts_errors);
	tcase_add_test(tc, test_opts_pretty_implies_json);
	tcase_add_test(tc, test_global);
	tcase_add_test(tc, test_parse_uint);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_test(tc, test_detect_json);
	tcase_add_test(tc, test_detect_text);
	tcase_add_test(tc, test_load_json);
	tcase_add_test(tc, test_load_text);
	tcase_add_test(tc, test_indent);
	tcase_add_test(tc, test_error_json);
	tcase_add_test(tc, test_dialect_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("tool");
	tcase_add_test(tc, test_tool_usage);
	tcase_add_test(tc, test_tool_json_error);
	tcase_add_test(tc, test_tool_objects);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(cli_suite());
}
