// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpfcompat inspect: the normalised model of an object, as its dialect
 * reads it. The JSON field names are a documented interface
 * (bpfcompat-inspect(1)); only ever add to them.
 */
#include <linux/bpf.h>
#include <string.h>

#include "common.h"
#include "render.h"

const char *map_kind_name(enum bc_map_kind kind)
{
	switch (kind) {
	case BC_MAP_USER:	return "user";
	case BC_MAP_DATA:	return "data";
	case BC_MAP_RODATA:	return "rodata";
	case BC_MAP_BSS:	return "bss";
	case BC_MAP_INNER:	return "inner";
	case BC_MAP_KCONFIG:	return "kconfig";
	}
	return "unknown";
}

/*
 * 0 is both "none" and BPF_CGROUP_INET_INGRESS; only cgroup_skb programs
 * can mean the latter.
 */
static bool has_attach_type(const struct bc_prog *prog)
{
	return bc_prog__expected_attach_type(prog) ||
	       bc_prog__type(prog) == BPF_PROG_TYPE_CGROUP_SKB;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static void kver_text(__u32 v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
}

/* ---- JSON ---------------------------------------------------------------- */

static void add(json_object *o, const char *key, json_object *val)
{
	json_object_object_add(o, key, val);
}

static json_object *object_json(const struct bc_object *obj)
{
	json_object *o = json_object_new_object();
	bool explicit_ = false;
	__u32 kver = bc_object__kversion(obj, &explicit_);

	add(o, "path", json_str_or_null(bc_object__path(obj)));
	add(o, "name", json_str_or_null(bc_object__name(obj)));
	add(o, "dialect",
	    json_str_or_null(bc_dialect__name(bc_object__dialect(obj))));
	add(o, "license", json_object_new_string(
				  str_or_empty(bc_object__license(obj))));
	add(o, "kernel_version", json_object_new_uint64(kver));
	add(o, "kernel_version_explicit", json_object_new_boolean(explicit_));
	add(o, "endianness", json_object_new_string(
				     bc_object__big_endian(obj) ? "big" :
								  "little"));
	add(o, "sha1", json_str_or_null(bc_object__sha1(obj)));
	return o;
}

static json_object *map_json(const struct bc_map *map)
{
	json_object *m = json_object_new_object();
	json_object *attrs = json_object_new_object();
	const struct bc_map *inner = bc_map__inner(map);
	size_t i;

	add(m, "name", json_str_or_null(bc_map__name(map)));
	add(m, "kind",
	    json_object_new_string(map_kind_name(bc_map__kind(map))));
	add(m, "type", type_json(bc_map_type_name(bc_map__type(map)),
				 bc_map__type(map)));
	add(m, "key_size", json_object_new_uint64(bc_map__key_size(map)));
	add(m, "value_size", json_object_new_uint64(bc_map__value_size(map)));
	add(m, "max_entries",
	    json_object_new_uint64(bc_map__max_entries(map)));
	add(m, "flags", json_object_new_uint64(bc_map__flags(map)));
	add(m, "numa_node", json_object_new_uint64(bc_map__numa_node(map)));
	if (bc_map__map_extra(map))
		add(m, "map_extra",
		    json_object_new_uint64(bc_map__map_extra(map)));
	add(m, "pinning", json_object_new_uint64(bc_map__pinning(map)));
	add(m, "inner_map", inner ? json_str_or_null(bc_map__name(inner)) :
				    NULL);
	add(m, "section", json_str_or_null(bc_map__section(map)));
	add(m, "offset", json_object_new_uint64(bc_map__offset(map)));
	for (i = 0; i < bc_map__attr_cnt(map); i++) {
		const char *val = NULL;
		const char *key = bc_map__attr(map, i, &val);

		if (key)
			add(attrs, key,
			    json_object_new_string(str_or_empty(val)));
	}
	add(m, "attrs", attrs);
	return m;
}

static json_object *prog_json(const struct bc_prog *prog)
{
	json_object *p = json_object_new_object();
	json_object *params = json_object_new_array();
	__u32 eat = bc_prog__expected_attach_type(prog);
	size_t i;

	add(p, "name", json_str_or_null(bc_prog__name(prog)));
	add(p, "section", json_str_or_null(bc_prog__section(prog)));
	add(p, "type", type_json(bc_prog_type_name(bc_prog__type(prog)),
				 bc_prog__type(prog)));
	add(p, "expected_attach_type",
	    has_attach_type(prog) ?
	    type_json(bc_attach_type_name(eat), eat) : NULL);
	add(p, "attach_target",
	    json_str_or_null(bc_prog__attach_target(prog)));
	add(p, "flags", json_object_new_uint64(bc_prog__flags(prog)));
	add(p, "autoload", json_object_new_boolean(bc_prog__autoload(prog)));
	add(p, "insn_cnt", json_object_new_uint64(bc_prog__insn_cnt(prog)));
	add(p, "offset", json_object_new_uint64(bc_prog__offset(prog)));
	for (i = 0; i < bc_prog__param_cnt(prog); i++) {
		json_object *kv = json_object_new_object();
		const char *val = NULL;
		const char *key = bc_prog__param(prog, i, &val);

		add(kv, "key", json_object_new_string(str_or_empty(key)));
		add(kv, "value", json_object_new_string(str_or_empty(val)));
		json_object_array_add(params, kv);
	}
	add(p, "params", params);
	return p;
}

static json_object *init_json(const struct bc_object *obj, size_t i)
{
	const struct bc_map *map = NULL, *inner = NULL;
	const struct bc_prog *prog = NULL;
	json_object *o;
	__u32 key = 0;

	if (bc_object__init(obj, i, &map, &key, &prog, &inner) || !map)
		return NULL;
	o = json_object_new_object();
	add(o, "map", json_str_or_null(bc_map__name(map)));
	add(o, "key", json_object_new_uint64(key));
	if (prog)
		add(o, "prog", json_str_or_null(bc_prog__name(prog)));
	else
		add(o, "inner_map",
		    json_str_or_null(inner ? bc_map__name(inner) : NULL));
	return o;
}

json_object *inspect_json(const struct bc_object *obj)
{
	json_object *doc = json_object_new_object();
	json_object *arr;
	size_t i;

	add(doc, "object", object_json(obj));

	arr = json_object_new_array();
	for (i = 0; i < bc_object__map_cnt(obj); i++)
		json_object_array_add(arr, map_json(bc_object__map(obj, i)));
	add(doc, "maps", arr);

	arr = json_object_new_array();
	for (i = 0; i < bc_object__prog_cnt(obj); i++)
		json_object_array_add(arr, prog_json(bc_object__prog(obj, i)));
	add(doc, "programs", arr);

	arr = json_object_new_array();
	for (i = 0; i < bc_object__init_cnt(obj); i++) {
		json_object *init = init_json(obj, i);

		if (init)
			json_object_array_add(arr, init);
	}
	add(doc, "inits", arr);
	return doc;
}

/* ---- text ---------------------------------------------------------------- */

static void object_print(FILE *f, const struct bc_object *obj)
{
	bool explicit_ = false;
	__u32 kver = bc_object__kversion(obj, &explicit_);
	char kv[32];

	kver_text(kver, kv, sizeof(kv));
	fprintf(f, "object %s\n", str_or_empty(bc_object__name(obj)));
	fprintf(f, "\tpath %s  dialect %s  license '%s'\n",
		str_or_empty(bc_object__path(obj)),
		str_or_empty(bc_dialect__name(bc_object__dialect(obj))),
		str_or_empty(bc_object__license(obj)));
	fprintf(f, "\tkernel_version %s (0x%x, %s)  endian %s\n", kv, kver,
		explicit_ ? "from the object" : "running kernel",
		bc_object__big_endian(obj) ? "big" : "little");
	fprintf(f, "\tsha1 %s\n", str_or_empty(bc_object__sha1(obj)));
}

static void map_print(FILE *f, size_t idx, const struct bc_map *map)
{
	const struct bc_map *inner = bc_map__inner(map);
	__u32 type = bc_map__type(map);
	size_t i, cnt = bc_map__attr_cnt(map);
	char buf[32];

	fprintf(f, "%zu: %s  name %s  kind %s\n", idx,
		type_text(bc_map_type_name(type), type, buf, sizeof(buf)),
		str_or_empty(bc_map__name(map)),
		map_kind_name(bc_map__kind(map)));
	fprintf(f, "\tkey %uB  value %uB  max_entries %u  flags 0x%x",
		bc_map__key_size(map), bc_map__value_size(map),
		bc_map__max_entries(map), bc_map__flags(map));
	if (bc_map__numa_node(map))
		fprintf(f, "  numa_node %u", bc_map__numa_node(map));
	if (bc_map__map_extra(map))
		fprintf(f, "  map_extra 0x%llx",
			(unsigned long long)bc_map__map_extra(map));
	fprintf(f, "\n\tsection %s+0x%llx  pinning %u",
		str_or_empty(bc_map__section(map)),
		(unsigned long long)bc_map__offset(map), bc_map__pinning(map));
	if (inner)
		fprintf(f, "  inner_map %s", str_or_empty(bc_map__name(inner)));
	fputc('\n', f);
	if (!cnt)
		return;
	fputs("\tattrs", f);
	for (i = 0; i < cnt; i++) {
		const char *val = NULL;
		const char *key = bc_map__attr(map, i, &val);

		fprintf(f, " %s=%s", str_or_empty(key), str_or_empty(val));
	}
	fputc('\n', f);
}

static void prog_print(FILE *f, size_t idx, const struct bc_prog *prog)
{
	__u32 type = bc_prog__type(prog);
	__u32 eat = bc_prog__expected_attach_type(prog);
	const char *target = bc_prog__attach_target(prog);
	size_t i, cnt = bc_prog__param_cnt(prog);
	char buf[32];

	fprintf(f, "%zu: %s  name %s  section %s\n", idx,
		type_text(bc_prog_type_name(type), type, buf, sizeof(buf)),
		str_or_empty(bc_prog__name(prog)),
		str_or_empty(bc_prog__section(prog)));
	fprintf(f, "\tinsns %zu  offset 0x%llx  flags 0x%x  autoload %s\n",
		bc_prog__insn_cnt(prog),
		(unsigned long long)bc_prog__offset(prog), bc_prog__flags(prog),
		bc_prog__autoload(prog) ? "yes" : "no");
	if (has_attach_type(prog) || target) {
		fputc('\t', f);
		if (has_attach_type(prog))
			fprintf(f, "expected_attach_type %s%s",
				type_text(bc_attach_type_name(eat), eat, buf,
					  sizeof(buf)),
				target ? "  " : "");
		if (target)
			fprintf(f, "attach_target %s", target);
		fputc('\n', f);
	}
	if (!cnt)
		return;
	fputs("\tparams", f);
	for (i = 0; i < cnt; i++) {
		const char *val = NULL;
		const char *key = bc_prog__param(prog, i, &val);

		fprintf(f, " %s=%s", str_or_empty(key), str_or_empty(val));
	}
	fputc('\n', f);
}

static void init_print(FILE *f, const struct bc_object *obj, size_t i)
{
	const struct bc_map *map = NULL, *inner = NULL;
	const struct bc_prog *prog = NULL;
	__u32 key = 0;

	if (bc_object__init(obj, i, &map, &key, &prog, &inner) || !map)
		return;
	fprintf(f, "\t%s[%u] = ", str_or_empty(bc_map__name(map)), key);
	if (prog)
		fprintf(f, "prog %s\n", str_or_empty(bc_prog__name(prog)));
	else
		fprintf(f, "map %s\n",
			inner ? str_or_empty(bc_map__name(inner)) : "");
}

void inspect_print(FILE *f, const struct bc_object *obj)
{
	size_t i, cnt;

	object_print(f, obj);
	cnt = bc_object__map_cnt(obj);
	fprintf(f, "maps: %zu\n", cnt);
	for (i = 0; i < cnt; i++)
		map_print(f, i, bc_object__map(obj, i));
	cnt = bc_object__prog_cnt(obj);
	fprintf(f, "programs: %zu\n", cnt);
	for (i = 0; i < cnt; i++)
		prog_print(f, i, bc_object__prog(obj, i));
	cnt = bc_object__init_cnt(obj);
	if (!cnt)
		return;
	fprintf(f, "inits: %zu\n", cnt);
	for (i = 0; i < cnt; i++)
		init_print(f, obj, i);
}

/* ---- command ------------------------------------------------------------- */

static int help(int argc, char **argv)
{
	printf("Usage: %1$s inspect OBJ [OPTIONS]\n"
	       "       %1$s inspect help\n"
	       "\n"
	       "Show the object as its dialect reads it: maps, programs and\n"
	       "initial slot contents, before relocation.\n"
	       "\n"
	       "OPTIONS := { --dialect D | -o|--param KEY=VALUE |\n"
	       "             -j|--json [-p|--pretty] | -d|--debug |\n"
	       "             --dialect-file FILE }\n"
	       "\n"
	       "  --dialect D              read OBJ as dialect D (default: detect)\n"
	       "  -o, --param KEY=VALUE    dialect parameter (repeatable)\n"
	       "\n"
	       "Exit status: 0 success, 2 bad input or usage.\n",
	       bin_name);
	return EXIT_OK;
}

int do_inspect(int argc, char **argv)
{
	struct bc_object *obj;
	struct cli_opts o;
	int ret;

	ret = cli_parse_opts("inspect", &argc, &argv,
			     CLI_OPT_DIALECT | CLI_OPT_PARAM, &o);
	if (ret)
		goto out;
	if (cli_wants_help(&o, argc, argv)) {
		ret = help(argc, argv);
		goto out;
	}
	ret = REQ_ARGS("inspect", 1, "an object file");
	if (ret)
		goto out;
	obj = cli_open_object(argv[0], &o, &ret);
	if (!obj)
		goto out;
	if (json_output)
		cli_json_print(inspect_json(obj));
	else
		inspect_print(stdout, obj);
	bc_object__close(obj);
out:
	cli_opts_free(&o);
	return ret;
}
