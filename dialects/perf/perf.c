// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * perf's BPF events: the section name is a config string,
 *
 *   section := { key "=" value ";" } main
 *   main    := ["!"] SYS ":" EVENT                    (tracepoint; globs)
 *            | [perf_bpf_probe:]EVENT=POINT [ARG...]  (kprobe, or uprobe
 *                                                      with exec=)
 *
 * parsed into the program's ordered params, from which attach_spec builds
 * the attachment. Probe ARGs get perf's prologue (dialects/perf/prologue.c).
 */
#include <ctype.h>
#include <stdio.h>

#include "attach.h"
#include "dialect.h"
#include "libbpf/libbpf.h"
#include "perf/perf.h"

#define PERF_GROUP	"perf_bpf_probe"
#define PERF_MAX_ARGS	128	/* perf probe's MAX_PROBE_ARGS */

/* perf's strtobool(): y/Y/1/on true, n/N/0/off false. */
static int perf_strtobool(const char *s, bool *v)
{
	if (s[0] == 'y' || s[0] == 'Y' || s[0] == '1') {
		*v = true;
		return 0;
	}
	if (s[0] == 'n' || s[0] == 'N' || s[0] == '0') {
		*v = false;
		return 0;
	}
	if (s[0] == 'o' && (s[1] == 'n' || s[1] == 'f')) {
		*v = s[1] == 'n';
		return 0;
	}
	return -EINVAL;
}

static int prog_param(struct bc_prog *prog, const char *key, const char *val)
{
	return bc_attr_add(&prog->params, &prog->param_cnt, key, val);
}

static const char *param(const struct bc_prog *prog, const char *key)
{
	return bc_attr_get(prog->params, prog->param_cnt, key);
}

static bool param_yes(const struct bc_prog *prog, const char *key)
{
	const char *v = param(prog, key);
	bool b = false;

	return v && !perf_strtobool(v, &b) && b;
}

/* ---- key=value pairs --------------------------------------------------------- */

static const char *const perf_keys[] = { "exec", "module", "inlines", "force" };

static int parse_kv(struct bc_object *obj, struct bc_prog *prog, char *seg)
{
	char *eq = strchr(seg, '=');
	bool b;
	size_t i;

	if (!eq) {
		/* perf warned and went on. */
		pr_warn("perf: %s: section '%s': invalid config '%s' ignored: should be 'key=value'\n",
			obj->path, prog->sec_name, seg);
		return 0;
	}
	*eq = '\0';
	for (i = 0; i < ARRAY_SIZE(perf_keys); i++)
		if (!strcmp(seg, perf_keys[i]))
			break;
	if (i == ARRAY_SIZE(perf_keys)) {
		pr_warn("perf: %s: section '%s': invalid program config term '%s' in config string (valid: exec, module, inlines, force)\n",
			obj->path, prog->sec_name, seg);
		return -BC_ERRNO__DIALECT;
	}
	if (i >= 2 && perf_strtobool(eq + 1, &b)) {
		pr_warn("perf: %s: section '%s': '%s=%s' is not a boolean\n",
			obj->path, prog->sec_name, seg, eq + 1);
		return -BC_ERRNO__DIALECT;
	}
	if (i < 2 && !eq[1]) {
		pr_warn("perf: %s: section '%s': '%s=' has no value\n",
			obj->path, prog->sec_name, seg);
		return -BC_ERRNO__DIALECT;
	}
	return prog_param(prog, seg, eq + 1);
}

/* ---- tracepoints ------------------------------------------------------------ */

static int parse_tracepoint(struct bc_object *obj, struct bc_prog *prog,
			    char *main)
{
	bool skip = main[0] == '!';
	char *colon;
	int err;

	colon = strchr(main, ':');
	if (!colon || colon == main + skip || !colon[1]) {
		pr_warn("perf: %s: section '%s': '%s' is not a valid tracepoint (SYS:EVENT): invalid config string\n",
			obj->path, prog->sec_name, main);
		return -BC_ERRNO__DIALECT;
	}
	prog->type = BPF_PROG_TYPE_TRACEPOINT;
	prog->attach_target = bc_strdup(main + skip);
	if (!prog->attach_target)
		return -ENOMEM;
	err = prog_param(prog, "tracepoint", main + skip);
	return err ?: prog_param(prog, "attach", skip ? "no" : "yes");
}

/* ---- probes ------------------------------------------------------------------- */

static bool is_c_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* [GRP:]EVENT, the part of argv[0] before '='. */
static int parse_event(struct bc_object *obj, struct bc_prog *prog,
		       char *ev, const char **event)
{
	char *colon = strchr(ev, ':');

	if (colon) {
		*colon = '\0';
		if (strcmp(ev, PERF_GROUP)) {
			pr_warn("perf: %s: section '%s': invalid group name '%s' (must be '%s')\n",
				obj->path, prog->sec_name, ev, PERF_GROUP);
			return -BC_ERRNO__DIALECT;
		}
		ev = colon + 1;
	}
	if (!is_c_name(ev)) {
		pr_warn("perf: %s: section '%s': event name '%s' must follow the C symbol-naming rule\n",
			obj->path, prog->sec_name, ev);
		return -BC_ERRNO__DIALECT;
	}
	*event = ev;
	return 0;
}

/* FUNC[+OFF|%return] or 0xADDR. */
static int parse_point(struct bc_object *obj, struct bc_prog *prog,
		       char *pt, bool *ret)
{
	char *mod, *end, num[24];
	unsigned long long off = 0;
	int err;

	*ret = false;
	if (!strncmp(pt, "0x", 2)) {
		off = strtoull(pt, &end, 16);
		if (*end || end == pt + 2)
			goto bad;
		return prog_param(prog, "address", pt);
	}
	mod = strpbrk(pt, "+%@:");
	if (mod && (*mod == '@' || *mod == ':')) {
		pr_warn("perf: %s: section '%s': probe point '%s': source files and lines need DWARF, which bpfcompat does not read\n",
			obj->path, prog->sec_name, pt);
		return -BC_ERRNO__UNSUPP;
	}
	if (mod) {
		if (*mod == '%' && strcmp(mod, "%return"))
			goto bad;
		if (*mod == '+') {
			errno = 0;
			off = strtoull(mod + 1, &end, 0);
			if (*end || end == mod + 1 || errno)
				goto bad;
		}
		*ret = *mod == '%';
		*mod = '\0';
	}
	if (!is_c_name(pt))
		goto bad;
	err = prog_param(prog, "func", pt);
	if (err || !mod || *ret)
		return err;
	snprintf(num, sizeof(num), "%llu", off);
	return prog_param(prog, "offset", num);
bad:
	pr_warn("perf: %s: section '%s': bad probe point '%s' (FUNC[+OFF|%%return] or 0xADDR)\n",
		obj->path, prog->sec_name, pt);
	return -BC_ERRNO__DIALECT;
}

static int parse_args(struct bc_object *obj, struct bc_prog *prog,
		      char **argv, int argc)
{
	struct perf_arg a;
	int i, err;

	if (argc > PERF_MAX_ARGS) {
		pr_warn("perf: %s: section '%s': %d args, at most %d\n",
			obj->path, prog->sec_name, argc, PERF_MAX_ARGS);
		return -BC_ERRNO__DIALECT;
	}
	if (argc > PERF_PROLOGUE_MAX_ARGS)
		pr_warn("perf: %s: section '%s': prologue: %d arguments are dropped (at most %d reach the program)\n",
			obj->path, prog->sec_name,
			argc - PERF_PROLOGUE_MAX_ARGS, PERF_PROLOGUE_MAX_ARGS);
	for (i = 0; i < argc; i++) {
		err = perf_arg_parse(argv[i], &a);
		if (err) {
			pr_warn("perf: %s: section '%s': arg '%s': %s\n",
				obj->path, prog->sec_name, argv[i],
				perf_arg_error(err));
			return -BC_ERRNO__DIALECT;
		}
		perf_arg_free(&a);
		err = prog_param(prog, "arg", argv[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Split at blanks like perf's argv_split(); returns argc. */
static int split_blanks(char *s, char **argv, int max)
{
	int argc = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			return argc;
		if (argc == max)
			return max + 1;
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

static int parse_probe(struct bc_object *obj, struct bc_prog *prog,
		       char *main)
{
	char *argv[PERF_MAX_ARGS + 2], *eq;
	const char *event, *exec = param(prog, "exec");
	char *evname = NULL;
	bool ret;
	int argc, err;

	argc = split_blanks(main, argv, PERF_MAX_ARGS + 1);
	eq = argc ? strchr(argv[0], '=') : NULL;
	if (!eq) {
		pr_warn("perf: %s: section '%s': no event name found in config string\n",
			obj->path, prog->sec_name);
		return -BC_ERRNO__DIALECT;
	}
	*eq = '\0';
	err = parse_event(obj, prog, argv[0], &event);
	if (err)
		return err;
	prog->type = BPF_PROG_TYPE_KPROBE;
	err = prog_param(prog, "probe", exec ? "uprobe" : "kprobe");
	err = err ?: prog_param(prog, "group", PERF_GROUP);
	if (err)
		return err;
	/* The point is parsed first: %return renames the event. */
	prog->attach_target = bc_strdup(eq + 1);
	if (!prog->attach_target)
		return -ENOMEM;
	err = parse_point(obj, prog, eq + 1, &ret);
	if (err)
		return err;
	evname = bc_asprintf("%s%s", event, ret ? "__return" : "");
	if (!evname)
		return -ENOMEM;
	err = prog_param(prog, "event", evname);
	free(evname);
	err = err ?: (ret ? prog_param(prog, "return", "yes") : 0);
	return err ?: parse_args(obj, prog, argv + 1, argc - 1);
}

/* ---- hooks --------------------------------------------------------------------- */

static int perf_classify(struct bc_object *obj, struct bc_prog *prog,
			 const struct bc_desc_prog_rule *rule,
			 const char *rest)
{
	char *cfg, *seg, *semi, *main;
	int err = 0;

	cfg = bc_strdup(prog->sec_name);
	if (!cfg)
		return -ENOMEM;
	main = strrchr(cfg, ';');
	main = main ? main + 1 : cfg;
	for (seg = cfg; seg < main && !err; seg = semi + 1) {
		semi = strchr(seg, ';');
		*semi = '\0';
		err = parse_kv(obj, prog, seg);
	}
	if (!err)
		err = strchr(main, '=') ? parse_probe(obj, prog, main) :
					  parse_tracepoint(obj, prog, main);
	free(cfg);
	return err;
}

static int spec_tracepoint(const struct bc_prog *prog,
			   struct bc_attach_spec *spec)
{
	const char *tp = param(prog, "tracepoint");
	const char *colon = strchr(tp, ':');

	if (!param_yes(prog, "attach"))
		return 0;
	spec->kind = BC_ATTACH_TRACEPOINT;
	spec->group = bc_strndup(tp, colon - tp);
	spec->event = bc_strdup(colon + 1);
	return spec->group && spec->event ? 0 : -ENOMEM;
}

static int spec_probe(const struct bc_prog *prog, struct bc_attach_spec *spec)
{
	const char *exec = param(prog, "exec"), *mod = param(prog, "module");
	const char *func = param(prog, "func"), *addr = param(prog, "address");
	const char *off = param(prog, "offset");

	spec->kind = exec ? BC_ATTACH_UPROBE : BC_ATTACH_KPROBE;
	spec->group = bc_strdup(param(prog, "group"));
	spec->event = bc_strdup(param(prog, "event"));
	spec->retprobe = param_yes(prog, "return");
	spec->force = param_yes(prog, "force");
	if (exec) {
		spec->target = bc_strdup(exec);
		spec->symbol = func ? bc_strdup(func) : NULL;
		spec->offset = strtoull(addr ? addr : off ? off : "0", NULL, 0);
		if (func && !spec->symbol)
			return -ENOMEM;
	} else if (addr) {
		spec->target = bc_strdup(addr);
	} else {
		spec->target = bc_asprintf("%s%s%s%s%s", mod ? mod : "",
					   mod ? ":" : "", func,
					   off ? "+" : "", off ? off : "");
	}
	return spec->group && spec->event && spec->target ? 0 : -ENOMEM;
}

static int perf_attach_spec(struct bc_object *obj, const struct bc_prog *prog,
			    struct bc_attach_spec *spec)
{
	if (param(prog, "tracepoint"))
		return spec_tracepoint(prog, spec);
	if (param(prog, "probe"))
		return spec_probe(prog, spec);
	return 0;
}

/* ---- detection ------------------------------------------------------------ */

/* The shape of a config string, without perf's diagnostics. */
static bool looks_perf(const char *sec)
{
	const char *main = strrchr(sec, ';'), *eq, *p;

	main = main ? main + 1 : sec;
	if (*main == '!')
		main++;
	eq = strchr(main, '=');
	if (!eq)	/* SYS:EVENT; libbpf's "uprobe//bin/x:f" has a '/' */
		return strchr(main, ':') && !strchr(main, '/') &&
		       !strpbrk(main, " \t");
	for (p = main; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != ':')
			return false;
	return eq > main;
}

/* Every program section a config string: perf's, whatever the maps. */
static int perf_detect(const struct bc_elf *elf, struct bc_evidence *ev)
{
	size_t i, n = 0;

	for (i = 1; i < elf->sec_cnt; i++) {
		if (!elf->secs[i].exec || !strcmp(elf->secs[i].name, ".text"))
			continue;
		if (!looks_perf(elf->secs[i].name))
			return 0;
		n++;
	}
	if (!n)
		return 0;
	return bc_evidence_add(ev, 50, "all %zu program sections are perf config strings",
			       n);
}

/* perf 6.0-6.5 (libbpf 1.x): BTF-defined maps in .maps, as libbpf reads
 * them; an object with only legacy `maps` has no .maps and gets none. */
static int perf_collect_maps(struct bc_object *obj)
{
	return bc_libbpf_btf_maps(obj);
}

static int perf_finish(struct bc_object *obj)
{
	return bc_libbpf_btf_map_inits(obj);
}

const struct bc_dialect_ops bc_perf_ops = {
	.sz = sizeof(struct bc_dialect_ops),
	.name = "perf",
	.detect = perf_detect,
	.collect_maps = perf_collect_maps,
	.classify = perf_classify,
	.finish = perf_finish,
	.post_reloc = perf_prologue,
	.attach_spec = perf_attach_spec,
};
