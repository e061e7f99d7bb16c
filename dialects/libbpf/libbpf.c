// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpf 1.x: what its descriptor cannot say. Maps are BTF-defined: one
 * VAR per map in the .maps DATASEC, whose struct type encodes every
 * attribute in member types (`int (*max_entries)[N]`), never in section
 * bytes. Global data maps get their DATASEC as value type. A `maps`
 * section is refused as libbpf 1.x refuses it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf.h"
#include "check.h"
#include "dialect.h"
#include "libbpf/libbpf.h"

#define MAPS_SEC		".maps"
#define MAX_MOD_DEPTH		32
#define PIN_NONE		0
#define PIN_BY_NAME		1

/* One parsed definition (an outer map, or the inner one of `values`). */
struct map_def {
	bool has_type, has_key_size, has_value_size, has_values;
	__u32 type, key_size, value_size, max_entries, map_flags, numa_node;
	__u64 map_extra;
	__u32 pinning;
	__u32 key_type_id, value_type_id;
	__u32 values_off;		/* byte offset of `values` in the var */
	const struct btf_type *inner;	/* inner definition struct */
};

struct btf_maps {
	struct bc_object *obj;
	const struct btf *btf;
	const struct bc_elf_sec *sec;
};

static const char *obj_path(const struct bc_object *obj)
{
	return obj->path ? obj->path : "?";
}

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id,
					__u32 *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = 0;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)) &&
	       depth++ < MAX_MOD_DEPTH) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = NULL;	/* a loop or an absurd chain */
	if (res_id)
		*res_id = id;
	return t;
}

/* `int (*name)[N]` → N. */
static int field_int(const struct btf_maps *bm, const char *map,
		     const struct btf_member *m, const char *name, __u32 *val)
{
	const struct btf_type *t = skip_mods(bm->btf, m->type, NULL);
	const struct btf_type *arr;

	arr = t && btf_is_ptr(t) ? btf__type_by_id(bm->btf, t->type) : NULL;
	if (!arr || !btf_is_array(arr)) {
		pr_warn("libbpf: %s: map '%s': attr '%s': expected a pointer to an array (__uint)\n",
			obj_path(bm->obj), map, name);
		return -BC_ERRNO__FORMAT;
	}
	*val = btf_array(arr)->nelems;
	return 0;
}

/* `typeof(T) *name` → the id and size of T. */
static int field_type(const struct btf_maps *bm, const char *map,
		      const struct btf_member *m, const char *name,
		      __u32 *id, __u32 *size)
{
	const struct btf_type *t = skip_mods(bm->btf, m->type, NULL);
	__s64 sz;

	if (!t || !btf_is_ptr(t)) {
		pr_warn("libbpf: %s: map '%s': %s spec is not a pointer (__type)\n",
			obj_path(bm->obj), map, name);
		return -BC_ERRNO__FORMAT;
	}
	sz = btf__resolve_size(bm->btf, t->type);
	if (sz < 0 || sz > UINT32_MAX) {
		pr_warn("libbpf: %s: map '%s': cannot determine %s size for type [%u]\n",
			obj_path(bm->obj), map, name, t->type);
		return -BC_ERRNO__FORMAT;
	}
	*id = t->type;
	*size = sz;
	return 0;
}

static int set_size(const struct btf_maps *bm, const char *map,
		    const char *what, bool *has, __u32 *cur, __u32 val)
{
	if (*has && *cur != val) {
		pr_warn("libbpf: %s: map '%s': conflicting %s size %u != %u\n",
			obj_path(bm->obj), map, what, *cur, val);
		return -BC_ERRNO__FORMAT;
	}
	*has = true;
	*cur = val;
	return 0;
}

static int parse_def(const struct btf_maps *bm, const char *map,
		     const struct btf_type *st, bool inner,
		     struct map_def *d);

/* `__array(values, T)`: a zero-length array of pointers, the last member. */
static int parse_values(const struct btf_maps *bm, const char *map,
			const struct btf_type *st, int i, bool inner,
			struct map_def *d)
{
	const struct btf_member *m = btf_members(st) + i;
	const struct btf_type *t;
	int err;

	if (inner) {
		pr_warn("libbpf: %s: map '%s': multi-level inner maps not supported\n",
			obj_path(bm->obj), map);
		return -BC_ERRNO__UNSUPP;
	}
	if (i != btf_vlen(st) - 1) {
		pr_warn("libbpf: %s: map '%s': '%s' member should be last\n",
			obj_path(bm->obj), map, "values");
		return -BC_ERRNO__FORMAT;
	}
	if (!d->has_type || (d->type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
			     d->type != BPF_MAP_TYPE_HASH_OF_MAPS &&
			     d->type != BPF_MAP_TYPE_PROG_ARRAY)) {
		pr_warn("libbpf: %s: map '%s': should be map-in-map or prog-array to have 'values'\n",
			obj_path(bm->obj), map);
		return -BC_ERRNO__FORMAT;
	}
	t = skip_mods(bm->btf, m->type, NULL);
	if (!t || !btf_is_array(t) || btf_array(t)->nelems) {
		pr_warn("libbpf: %s: map '%s': values spec is not a zero-sized array\n",
			obj_path(bm->obj), map);
		return -BC_ERRNO__FORMAT;
	}
	t = skip_mods(bm->btf, btf_array(t)->type, NULL);
	if (!t || !btf_is_ptr(t)) {
		pr_warn("libbpf: %s: map '%s': values must be an array of pointers\n",
			obj_path(bm->obj), map);
		return -BC_ERRNO__FORMAT;
	}
	t = skip_mods(bm->btf, t->type, NULL);
	if (d->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (!t || !btf_is_func_proto(t)) {
			pr_warn("libbpf: %s: map '%s': prog-array value def is not a function prototype\n",
				obj_path(bm->obj), map);
			return -BC_ERRNO__FORMAT;
		}
	} else {
		struct map_def idef = {};

		if (!t || !btf_is_struct(t)) {
			pr_warn("libbpf: %s: map '%s': map-in-map inner def is not a struct\n",
				obj_path(bm->obj), map);
			return -BC_ERRNO__FORMAT;
		}
		err = parse_def(bm, map, t, true, &idef);
		if (err)
			return err;
		d->inner = t;
	}
	d->has_values = true;
	d->values_off = btf_member_bit_offset(st, i) / 8;
	return set_size(bm, map, "value", &d->has_value_size, &d->value_size,
			4);
}

static int parse_member(const struct btf_maps *bm, const char *map,
			const struct btf_type *st, int i, bool inner,
			struct map_def *d)
{
	const struct btf_member *m = btf_members(st) + i;
	const char *name = btf__name_by_offset(bm->btf, m->name_off);
	__u32 v, id;
	int err;

	if (!name || !name[0]) {
		pr_warn("libbpf: %s: map '%s': invalid field #%d\n",
			obj_path(bm->obj), map, i);
		return -BC_ERRNO__FORMAT;
	}
	if (!strcmp(name, "type")) {
		d->has_type = true;
		return field_int(bm, map, m, name, &d->type);
	}
	if (!strcmp(name, "max_entries"))
		return field_int(bm, map, m, name, &d->max_entries);
	if (!strcmp(name, "map_flags"))
		return field_int(bm, map, m, name, &d->map_flags);
	if (!strcmp(name, "numa_node"))
		return field_int(bm, map, m, name, &d->numa_node);
	if (!strcmp(name, "map_extra")) {
		err = field_int(bm, map, m, name, &v);
		d->map_extra = v;
		return err;
	}
	if (!strcmp(name, "key_size") || !strcmp(name, "value_size")) {
		bool key = name[0] == 'k';

		err = field_int(bm, map, m, name, &v);
		return err ?: set_size(bm, map, key ? "key" : "value",
				       key ? &d->has_key_size :
					     &d->has_value_size,
				       key ? &d->key_size : &d->value_size, v);
	}
	if (!strcmp(name, "key") || !strcmp(name, "value")) {
		bool key = name[0] == 'k';

		err = field_type(bm, map, m, name, &id, &v);
		if (err)
			return err;
		*(key ? &d->key_type_id : &d->value_type_id) = id;
		return set_size(bm, map, name,
				key ? &d->has_key_size : &d->has_value_size,
				key ? &d->key_size : &d->value_size, v);
	}
	if (!strcmp(name, "values"))
		return parse_values(bm, map, st, i, inner, d);
	if (!strcmp(name, "pinning")) {
		if (inner) {
			pr_warn("libbpf: %s: map '%s': inner def can't be pinned\n",
				obj_path(bm->obj), map);
			return -BC_ERRNO__FORMAT;
		}
		err = field_int(bm, map, m, name, &d->pinning);
		if (!err && d->pinning != PIN_NONE &&
		    d->pinning != PIN_BY_NAME) {
			pr_warn("libbpf: %s: map '%s': invalid pinning value %u\n",
				obj_path(bm->obj), map, d->pinning);
			return -BC_ERRNO__FORMAT;
		}
		return err;
	}
	pr_warn("libbpf: %s: map '%s': unknown field '%s'\n",
		obj_path(bm->obj), map, name);
	return -BC_ERRNO__UNSUPP;
}

static int parse_def(const struct btf_maps *bm, const char *map,
		     const struct btf_type *st, bool inner, struct map_def *d)
{
	int i, err;

	for (i = 0; i < btf_vlen(st); i++) {
		err = parse_member(bm, map, st, i, inner, d);
		if (err)
			return err;
	}
	if (!d->has_type) {
		pr_warn("libbpf: %s: map '%s': map type isn't specified\n",
			obj_path(bm->obj), map);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

/* libbpf leaves BTF out of map creation for these types. */
static bool type_takes_btf(__u32 type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return false;
	default:
		return true;
	}
}

/* The adjustments libbpf makes at creation (perf buffers, ring sizes). */
static __u32 adjust_max_entries(__u32 type, __u32 max)
{
	long page = sysconf(_SC_PAGESIZE);
	__u64 sz;
	int cpus;

	if (type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !max) {
		cpus = libbpf_num_possible_cpus();
		return cpus > 0 ? (__u32)cpus : max;
	}
	if (type != BPF_MAP_TYPE_RINGBUF || page <= 0 || !max)
		return max;
	for (sz = page; sz < max && sz <= UINT32_MAX / 2; sz <<= 1)
		;
	return sz >= max ? (__u32)sz : max;
}

static int map_from_def(const struct btf_maps *bm, const char *name,
			const struct map_def *d, struct bc_map **out)
{
	struct bc_map *map = bc_object_add_map(bm->obj, name);

	if (!map)
		return -errno;
	map->kind = BC_MAP_USER;
	map->type = d->type;
	map->key_size = d->key_size;
	map->value_size = d->value_size;
	map->max_entries = adjust_max_entries(d->type, d->max_entries);
	map->map_flags = d->map_flags;
	map->numa_node = d->numa_node;
	map->map_extra = d->map_extra;
	map->pinning = d->pinning;
	if (type_takes_btf(d->type)) {
		map->btf_key_type_id = d->key_type_id;
		map->btf_value_type_id = d->value_type_id;
	}
	*out = map;
	return 0;
}

static int btf_map_new(const struct btf_maps *bm,
		       const struct btf_var_secinfo *vi)
{
	const struct btf_type *var = btf__type_by_id(bm->btf, vi->type);
	const struct btf_type *st;
	struct map_def d = {}, idef = {};
	struct bc_map *map, *inner;
	const char *name;
	char *iname;
	int err;

	name = var ? btf__name_by_offset(bm->btf, var->name_off) : NULL;
	if (!var || !btf_is_var(var) || !name || !name[0]) {
		pr_warn("libbpf: %s: DATASEC '.maps': entry [%u] is not a named VAR\n",
			obj_path(bm->obj), vi->type);
		return -BC_ERRNO__FORMAT;
	}
	if (btf_var(var)->linkage != BTF_VAR_GLOBAL_ALLOCATED) {
		pr_warn("libbpf: %s: map '%s': unsupported map linkage %u (static maps are not supported)\n",
			obj_path(bm->obj), name, btf_var(var)->linkage);
		return -BC_ERRNO__UNSUPP;
	}
	st = skip_mods(bm->btf, var->type, NULL);
	if (!st || !btf_is_struct(st) || st->size > vi->size ||
	    (__u64)vi->offset + vi->size > bm->sec->size) {
		pr_warn("libbpf: %s: map '%s': not a struct fitting its %u bytes at offset %u of '.maps'\n",
			obj_path(bm->obj), name, vi->size, vi->offset);
		return -BC_ERRNO__FORMAT;
	}
	err = parse_def(bm, name, st, false, &d);
	err = err ?: map_from_def(bm, name, &d, &map);
	if (err)
		return err;
	map->sec_idx = bm->sec->idx;
	map->sec_off = vi->offset;
	map->def_size = vi->size;
	map->sec_name = bc_strdup(MAPS_SEC);
	map->sym_name = bc_strdup(name);
	if (!map->sec_name || !map->sym_name)
		return -ENOMEM;
	if (!d.inner)
		return 0;
	/* The inner template is created, used for the outer, and no more. */
	parse_def(bm, name, d.inner, true, &idef);
	iname = bc_asprintf("%s.inner", name);
	if (!iname)
		return -ENOMEM;
	err = map_from_def(bm, iname, &idef, &inner);
	free(iname);
	if (err)
		return err;
	inner->kind = BC_MAP_INNER;
	/* Indexes are settled once the maps are reordered: keep a link. */
	map->inner_idx = (int)inner->idx;
	return 0;
}

/* libbpf's order: .maps first, then global data. */
static void maps_to_front(struct bc_object *obj, size_t first)
{
	size_t n = obj->map_cnt - first, i;
	struct bc_map **tmp;
	int *inner;

	if (!first || !n)
		return;
	tmp = malloc(obj->map_cnt * sizeof(*tmp));
	inner = malloc(obj->map_cnt * sizeof(*inner));
	if (!tmp || !inner) {
		free(tmp);
		free(inner);
		return;	/* order is cosmetic; keep the collected one */
	}
	for (i = 0; i < obj->map_cnt; i++)
		inner[i] = obj->maps[i]->inner_idx;
	memcpy(tmp, obj->maps + first, n * sizeof(*tmp));
	memcpy(tmp + n, obj->maps, first * sizeof(*tmp));
	memcpy(obj->maps, tmp, obj->map_cnt * sizeof(*tmp));
	for (i = 0; i < obj->map_cnt; i++)
		obj->maps[i]->idx = i;
	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *m = obj->maps[i];

		if (m->inner_idx < 0)
			continue;
		/* Only .maps maps have inner templates, all moved by -first. */
		m->inner_idx -= (int)first;
	}
	free(tmp);
	free(inner);
}

int bc_libbpf_btf_maps(struct bc_object *obj)
{
	struct btf_maps bm = { .obj = obj };
	const struct btf_var_secinfo *vi;
	const struct btf_type *ds;
	size_t first = obj->map_cnt;
	__s32 id;
	int i, err;

	bm.sec = bc_elf_sec_by_name(obj->elf, MAPS_SEC);
	if (!bm.sec)
		return 0;
	err = bc_btf_get(obj, &bm.btf);
	if (err == -ENOMEM)
		return err;
	if (err || !bm.btf) {
		pr_warn("libbpf: %s: section '.maps': BTF is required, but is missing or corrupted\n",
			obj_path(obj));
		return -BC_ERRNO__FORMAT;
	}
	id = btf__find_by_name_kind(bm.btf, MAPS_SEC, BTF_KIND_DATASEC);
	if (id <= 0) {
		pr_warn("libbpf: %s: DATASEC '.maps' not found\n",
			obj_path(obj));
		return -BC_ERRNO__FORMAT;
	}
	ds = btf__type_by_id(bm.btf, id);
	vi = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vi++) {
		err = btf_map_new(&bm, vi);
		if (err)
			return err;
	}
	maps_to_front(obj, first);
	return 0;
}

/*
 * Global data maps take their section's DATASEC as value type, and
 * .rodata maps are bound to every program. The engine made a map
 * mmapable if its DATASEC holds a global; libbpf 1.1 also makes one
 * without DATASEC (.rodata.str1.1) mmapable.
 */
static void data_map_btf(struct bc_object *obj)
{
	const struct btf *btf = NULL;
	size_t i;
	__s32 id;

	if (bc_btf_get(obj, &btf))
		btf = NULL;
	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *map = obj->maps[i];

		if (map->kind != BC_MAP_DATA && map->kind != BC_MAP_RODATA &&
		    map->kind != BC_MAP_BSS && map->kind != BC_MAP_KCONFIG)
			continue;
		map->bind_progs = map->kind == BC_MAP_RODATA;
		id = btf && map->sec_name ?
		     btf__find_by_name_kind(btf, map->sec_name,
					    BTF_KIND_DATASEC) : -ENOENT;
		if (id > 0)
			map->btf_value_type_id = id;
		else	/* libbpf 1.1.2 [observed]: no DATASEC, mmapable */
			map->map_flags |= BPF_F_MMAPABLE;
	}
}

static int libbpf_collect_maps(struct bc_object *obj)
{
	const struct bc_elf_sec *legacy = bc_elf_sec_by_name(obj->elf, "maps");
	int err;

	if (legacy) {
		pr_warn("libbpf: %s: elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+\n",
			obj_path(obj));
		err = bc_report(obj, "legacy-maps-refused", BC_SEV_ERROR,
				"maps", NULL, BC_NO_OFFSET,
				"legacy map definitions in section 'maps'");
		return err ?: bc_check_survive(obj, -BC_ERRNO__DIALECT) ?:
		       bc_libbpf_btf_maps(obj);
	}
	err = bc_libbpf_btf_maps(obj);
	if (!err)
		data_map_btf(obj);
	return err;
}

/* ---- `values` slots ------------------------------------------------------ */

static struct bc_map *map_at(struct bc_object *obj, size_t sec_idx,
			     __u64 off, bool start)
{
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *m = obj->maps[i];

		if (m->sec_idx < 0 || (size_t)m->sec_idx != sec_idx ||
		    m->kind != BC_MAP_USER)
			continue;
		if (start ? off == m->sec_off :
			    off >= m->sec_off && off - m->sec_off < m->def_size)
			return m;
	}
	return NULL;
}

static int prog_by_sym(struct bc_object *obj, const struct bc_elf_sym *sym,
		       size_t *idx)
{
	size_t i;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct bc_prog *p = obj->progs[i];

		if (p->sec_idx >= 0 && (size_t)p->sec_idx == sym->shndx &&
		    p->sec_off == sym->value) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* Where in its definition the `values` array starts. */
static int values_off(struct bc_object *obj, const struct bc_map *map,
		      __u64 *off)
{
	const struct btf *btf;
	const struct btf_type *st;
	const struct btf_member *m;
	__s32 id;
	int i;

	if (bc_btf_get(obj, &btf) || !btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, map->sym_name, BTF_KIND_VAR);
	st = id > 0 ? skip_mods(btf, btf__type_by_id(btf, id)->type, NULL) :
		      NULL;
	if (!st || !btf_is_struct(st))
		return -ENOENT;
	m = btf_members(st);
	for (i = 0; i < btf_vlen(st); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);

		if (n && !strcmp(n, "values")) {
			*off = btf_member_bit_offset(st, i) / 8;
			return 0;
		}
	}
	return -ENOENT;
}

static int map_reloc(struct bc_object *obj, const struct bc_elf_sec *sec,
		     const struct bc_elf_rel *rel)
{
	const struct bc_elf_sym *sym = &obj->elf->syms[rel->sym];
	const char *sname = bc_elf_sym_name(obj->elf, sym);
	struct bc_map *map = map_at(obj, sec->idx, rel->offset, false);
	struct bc_map *target;
	__u64 voff;
	size_t prog;
	__u64 slot;

	if (!map || values_off(obj, map, &voff) ||
	    rel->offset < map->sec_off + voff) {
		pr_warn("libbpf: %s: section '.rel.maps': relocation at %llu against '%s' is not in a map's 'values'\n",
			obj_path(obj), (unsigned long long)rel->offset, sname);
		return -BC_ERRNO__RELOC;
	}
	slot = (rel->offset - map->sec_off - voff) / 8;
	if (slot >= map->max_entries) {
		pr_warn("libbpf: %s: map '%s': 'values' slot %llu beyond max_entries %u\n",
			obj_path(obj), map->name, (unsigned long long)slot,
			map->max_entries);
		return -BC_ERRNO__RELOC;
	}
	if (map->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (sym->type != STT_FUNC || sym->bind == STB_LOCAL ||
		    prog_by_sym(obj, sym, &prog)) {
			pr_warn("libbpf: %s: map '%s': slot %llu: '%s' is not an entry program\n",
				obj_path(obj), map->name,
				(unsigned long long)slot, sname);
			return -BC_ERRNO__RELOC;
		}
		return bc_object_add_init(obj, map->idx, slot, BC_INIT_PROG,
					  prog);
	}
	target = sym->shndx == sec->idx ?
		 map_at(obj, sec->idx, sym->value, true) : NULL;
	if (!target) {
		pr_warn("libbpf: %s: map '%s': slot %llu: '%s' is not a map in '.maps'\n",
			obj_path(obj), map->name, (unsigned long long)slot,
			sname);
		return -BC_ERRNO__RELOC;
	}
	if (map->type == BPF_MAP_TYPE_HASH_OF_MAPS && map->key_size != 4) {
		pr_warn("libbpf: %s: map '%s': hash-of-maps 'values' need a 4-byte key, not %u\n",
			obj_path(obj), map->name, map->key_size);
		return -BC_ERRNO__FORMAT;
	}
	return bc_object_add_init(obj, map->idx, slot, BC_INIT_MAP,
				  target->idx);
}

int bc_libbpf_btf_map_inits(struct bc_object *obj)
{
	const struct bc_elf_sec *sec = bc_elf_sec_by_name(obj->elf, MAPS_SEC);
	size_t i;
	int err;

	if (!sec)
		return 0;
	for (i = 0; i < sec->rel_cnt; i++) {
		err = map_reloc(obj, sec, &sec->rels[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- pinning and params ---------------------------------------------------- */

int bc_libbpf_param(struct bc_object *obj, const char *key, const char *value)
{
	(void)obj;
	if (strcmp(key, "pin-root"))
		return -ENOENT;
	return value && value[0] ? 0 : -EINVAL;
}

int bc_libbpf_pin_path(struct bc_object *obj, struct bc_map *map,
		       const char *bpffs, char **path)
{
	const char *root = bc_attr_get(obj->params, obj->param_cnt,
				       "pin-root");

	if (strchr(map->name, '/') || !strcmp(map->name, "..") ||
	    !strcmp(map->name, ".")) {
		pr_warn("libbpf: %s: map '%s': name is not a pin name\n",
			obj_path(obj), map->name);
		return -BC_ERRNO__PIN;
	}
	if (!root)
		*path = bc_asprintf("%s/%s", bpffs, map->name);
	else if (root[0] == '/')
		*path = bc_asprintf("%s/%s", root, map->name);
	else
		*path = bc_asprintf("%s/%s/%s", bpffs, root, map->name);
	return *path ? 0 : -ENOMEM;
}

/* ---- a lone .text function ------------------------------------------------ */

/* The only STT_FUNC of .text, or NULL if it has none or several. */
static const struct bc_elf_sym *lone_text_func(const struct bc_elf *elf,
					       const struct bc_elf_sec *text)
{
	const struct bc_elf_sym *fn = NULL;
	size_t i;

	for (i = 1; i < elf->sym_cnt; i++) {
		if (elf->syms[i].shndx != text->idx ||
		    elf->syms[i].type != STT_FUNC)
			continue;
		if (fn)
			return NULL;
		fn = &elf->syms[i];
	}
	return fn;
}

/*
 * libbpf 1.1.2 counts .text functions among the programs and calls them
 * subprograms only when the object has more than one program
 * (prog_is_subprog()). An object whose only code is one .text function so
 * has one entry program in section '.text', with no program type: its
 * load fails ("missing BPF prog type, check ELF section name '.text'").
 */
static int lone_text(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	const struct bc_elf_sec *text = bc_elf_sec_by_name(elf, ".text");
	const struct bc_elf_sym *fn;
	struct bc_prog *prog;

	if (obj->prog_cnt || !text || !text->exec)
		return 0;
	fn = lone_text_func(elf, text);
	if (!fn)
		return 0;
	if (!fn->size || fn->size % 8 || fn->value % 8 ||
	    fn->size > text->size || fn->value > text->size - fn->size) {
		pr_warn("libbpf: %s: section '.text': program '%s': bytes %llu+%llu are not whole instructions inside the section\n",
			obj_path(obj), fn->name,
			(unsigned long long)fn->value,
			(unsigned long long)fn->size);
		return bc_report(obj, "prog-bounds", BC_SEV_ERROR, ".text",
				 fn->name, fn->value,
				 "bytes %llu+%llu are not whole instructions inside the section",
				 (unsigned long long)fn->value,
				 (unsigned long long)fn->size) ?:
		       bc_check_survive(obj, -BC_ERRNO__FORMAT);
	}
	if (fn->size / 8 > BC_MAX_INSNS) {
		pr_warn("libbpf: %s: section '.text': program '%s': %llu instructions exceed the limit of %u\n",
			obj_path(obj), fn->name,
			(unsigned long long)fn->size / 8, BC_MAX_INSNS);
		return -E2BIG;
	}
	pr_debug("libbpf: %s: '%s' is the only function: a program of section '.text' with no type\n",
		 obj_path(obj), fn->name);
	prog = bc_object_add_prog(obj, fn->name, ".text");
	if (!prog)
		return -errno;
	prog->sec_idx = text->idx;
	prog->sec_off = fn->value;
	prog->autoload = true;
	prog->type = BPF_PROG_TYPE_UNSPEC;
	prog->insn_cnt = fn->size / 8;
	prog->insns = calloc(prog->insn_cnt, sizeof(*prog->insns));
	if (!prog->insns)
		return -ENOMEM;
	bc_elf_copy_insns(elf, text, fn->value, prog->insn_cnt, prog->insns);
	return bc_report(obj, "section-unknown", BC_SEV_ERROR, ".text",
			 fn->name, fn->value,
			 "the object's only function is in '.text': libbpf loads it as a program with no program type");
}

static int libbpf_finish(struct bc_object *obj)
{
	return lone_text(obj) ?: bc_libbpf_btf_map_inits(obj);
}

const struct bc_dialect_ops bc_libbpf_ops = {
	.sz = sizeof(struct bc_dialect_ops),
	.name = "libbpf",
	.param = bc_libbpf_param,
	.collect_maps = libbpf_collect_maps,
	.finish = libbpf_finish,
	.pin_path = bc_libbpf_pin_path,
};
