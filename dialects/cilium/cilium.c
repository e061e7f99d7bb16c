// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cilium/ebpf 0.9.1: what its descriptor cannot say.
 *
 * Legacy maps: a definition's first 20 bytes are bpf_map_def; the rest
 * ("Extra") must be zero when the map is created, unless the caller
 * drained it (--param drain-extra=1). The check waits for the load, as in
 * cilium, so such objects still open and inspect.
 *
 * BTF maps reuse the libbpf dialect's parser, after a pass that applies
 * cilium's stricter rules (field set, pinning 0/1, all-zero definitions);
 * inner templates are named <outer>_inner.
 *
 * kern_version: only kprobe programs whose version is 0 or 0xFFFFFFFE get
 * the running kernel's; the others get the section value as is.
 *
 * Pinning by name goes to <pin-path>/<name>; pin-path is required and
 * must already be a directory on a bpffs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf.h"
#include "check.h"
#include "dialect.h"
#include "libbpf/libbpf.h"
#include "cilium/cilium.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC		0xcafe4a11
#endif

#define MAPS_SEC		".maps"
#define LEGACY_DEF_SIZE		20
#define PIN_BY_NAME		1

static const char *obj_path(const struct bc_object *obj)
{
	return obj->path ? obj->path : "?";
}

/* ---- BTF .maps: cilium's rules before the shared parser ---------------- */

static const struct btf_type *resolve(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = 0;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)) && depth++ < 32)
		t = btf__type_by_id(btf, t->type);
	return t && !btf_is_mod(t) && !btf_is_typedef(t) ? t : NULL;
}

/* `int (*name)[N]` → N, or -1 if the member is not encoded so. */
static long long member_uint(const struct btf *btf,
			     const struct btf_member *m)
{
	const struct btf_type *t = resolve(btf, m->type);

	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_array(t) ? (long long)btf_array(t)->nelems : -1;
}

static const char *const btf_map_fields[] = {
	"type", "map_flags", "max_entries", "key", "value", "key_size",
	"value_size", "pinning", "values",
};

static bool known_field(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(btf_map_fields); i++)
		if (!strcmp(name, btf_map_fields[i]))
			return true;
	return false;
}

/* The inner definition `values` points to, or NULL. */
static const struct btf_type *values_inner(const struct btf *btf,
					   const struct btf_member *m)
{
	const struct btf_type *t = resolve(btf, m->type);

	if (!t || !btf_is_array(t))
		return NULL;
	t = resolve(btf, btf_array(t)->type);
	t = t && btf_is_ptr(t) ? resolve(btf, t->type) : NULL;
	return t && btf_is_struct(t) ? t : NULL;
}

static int check_def(struct bc_object *obj, const struct btf *btf,
		     const char *map, const struct btf_type *st, bool inner)
{
	const struct btf_member *m = btf_members(st);
	const struct btf_type *it;
	long long pin;
	int i, err;

	for (i = 0; i < btf_vlen(st); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		if (!name || !known_field(name)) {
			pr_warn("cilium: %s: map '%s': unrecognized field '%s' in BTF map definition\n",
				obj_path(obj), map, name ? name : "");
			return -BC_ERRNO__UNSUPP;
		}
		if (!strcmp(name, "pinning")) {
			if (inner) {
				pr_warn("cilium: %s: map '%s': inner maps cannot be pinned\n",
					obj_path(obj), map);
				return -BC_ERRNO__UNSUPP;
			}
			pin = member_uint(btf, m);
			if (pin > PIN_BY_NAME) {
				pr_warn("cilium: %s: map '%s': pin type %lld: not supported\n",
					obj_path(obj), map, pin);
				return -BC_ERRNO__UNSUPP;
			}
			continue;
		}
		if (strcmp(name, "values"))
			continue;
		if (inner) {
			pr_warn("cilium: %s: map '%s': nested inner maps are not supported\n",
				obj_path(obj), map);
			return -BC_ERRNO__UNSUPP;
		}
		it = values_inner(btf, m);
		err = it ? check_def(obj, btf, map, it, true) : 0;
		if (err)
			return err;
	}
	return 0;
}

/* Definitions are types only: cilium refuses initialised bytes. */
static int check_zero(struct bc_object *obj, const struct bc_elf_sec *sec)
{
	const unsigned char *p = sec->data;
	__u64 i;

	for (i = 0; p && i < sec->size; i++) {
		if (!p[i])
			continue;
		pr_warn("cilium: %s: section '.maps': byte %llu is not zero: initializing BTF map definitions: not supported\n",
			obj_path(obj), (unsigned long long)i);
		return -BC_ERRNO__UNSUPP;
	}
	return 0;
}

static int check_btf_maps(struct bc_object *obj)
{
	const struct bc_elf_sec *sec = bc_elf_sec_by_name(obj->elf, MAPS_SEC);
	const struct btf_var_secinfo *vi;
	const struct btf_type *ds, *var, *st;
	const struct btf *btf;
	__s32 id;
	int i, err;

	if (!sec)
		return 0;
	err = check_zero(obj, sec);
	if (err)
		return err;
	/* Missing BTF or DATASEC: the shared parser says so. */
	if (bc_btf_get(obj, &btf) || !btf)
		return 0;
	id = btf__find_by_name_kind(btf, MAPS_SEC, BTF_KIND_DATASEC);
	if (id <= 0)
		return 0;
	ds = btf__type_by_id(btf, id);
	vi = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vi++) {
		var = btf__type_by_id(btf, vi->type);
		if (!var || !btf_is_var(var))
			continue;
		st = resolve(btf, var->type);
		if (!st || !btf_is_struct(st))
			continue;
		err = check_def(obj, btf,
				btf__name_by_offset(btf, var->name_off), st,
				false);
		if (err)
			return err;
	}
	return 0;
}

/* ---- map fixups ---------------------------------------------------------- */

/* libbpf names the template "<outer>.inner", cilium "<outer>_inner". */
static int rename_inner(struct bc_object *obj)
{
	size_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *m = obj->maps[i];
		char *dot, *name;

		if (m->kind != BC_MAP_INNER)
			continue;
		dot = strrchr(m->name, '.');
		if (!dot || strcmp(dot, ".inner"))
			continue;
		name = bc_strdup(m->name);
		if (!name)
			return -ENOMEM;
		name[dot - m->name] = '_';
		err = bc_object_rename_map(obj, m, name);
		free(name);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Perf event arrays hold one slot per possible CPU: cilium clamps a
 * larger (or zero) max_entries and forces 4-byte keys and values.
 */
void bc_cilium_clamp_perf(struct bc_map *map, int cpus)
{
	if (map->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY || cpus <= 0)
		return;
	if (!map->max_entries || map->max_entries > (__u32)cpus)
		map->max_entries = cpus;
	if (!map->key_size)
		map->key_size = 4;
	if (!map->value_size)
		map->value_size = 4;
}

/* 0.9.1 has no data map for string literals (SHF_STRINGS sections). */
static int check_strings(struct bc_object *obj)
{
	const struct bc_elf *elf = obj->elf;
	size_t i, r;

	for (i = 1; i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		for (r = 0; sec->exec && r < sec->rel_cnt; r++) {
			const struct bc_elf_sym *sym =
				&elf->syms[sec->rels[r].sym];
			const struct bc_elf_sec *tsec =
				bc_elf_sec(elf, sym->shndx);

			if (!tsec || !(tsec->flags & SHF_STRINGS))
				continue;
			pr_warn("cilium: %s: section '%s': relocation at %llu into '%s': string is not stack allocated: not supported (cilium/ebpf 0.9.1)\n",
				obj_path(obj), sec->name,
				(unsigned long long)sec->rels[r].offset,
				tsec->name);
			return -BC_ERRNO__UNSUPP;
		}
	}
	return 0;
}

/*
 * Global data maps are named after their section (".rodata", not
 * libbpf's "<obj>.rodata"), are never mmapable, and take the section's
 * DATASEC as value type.
 */
static int data_maps(struct bc_object *obj)
{
	const struct btf *btf = NULL;
	size_t i;
	__s32 id;

	if (bc_btf_get(obj, &btf))
		btf = NULL;
	for (i = 0; i < obj->map_cnt; i++) {
		struct bc_map *m = obj->maps[i];
		int err;

		if ((m->kind != BC_MAP_DATA && m->kind != BC_MAP_RODATA &&
		     m->kind != BC_MAP_BSS) || !m->sec_name)
			continue;
		err = bc_object_rename_map(obj, m, m->sec_name);
		if (err)
			return err;
		m->map_flags &= ~BPF_F_MMAPABLE;
		id = btf ? btf__find_by_name_kind(btf, m->sec_name,
						  BTF_KIND_DATASEC) : -ENOENT;
		if (id > 0)
			m->btf_value_type_id = id;
	}
	return 0;
}

static int cilium_collect_maps(struct bc_object *obj)
{
	int cpus = libbpf_num_possible_cpus();
	size_t i;
	int err;

	err = check_strings(obj);
	err = err ?: check_btf_maps(obj);
	err = err ?: bc_libbpf_btf_maps(obj);
	err = err ?: rename_inner(obj);
	err = err ?: data_maps(obj);
	if (err)
		return err;
	for (i = 0; i < obj->map_cnt; i++)
		bc_cilium_clamp_perf(obj->maps[i], cpus);
	return 0;
}

/* ---- programs ------------------------------------------------------------ */

__u32 bc_cilium_kversion(__u32 prog_type, __u32 section, __u32 running)
{
	if (prog_type == BPF_PROG_TYPE_KPROBE &&
	    (!section || section == BC_CILIUM_MAGIC_KVERSION))
		return running;
	return section;
}

static int cilium_finish(struct bc_object *obj)
{
	__u32 section = obj->kversion_explicit ? obj->kversion : 0;
	__u32 running = bc_running_kversion();
	size_t i;

	for (i = 0; i < obj->prog_cnt; i++) {
		struct bc_prog *p = obj->progs[i];

		p->kversion = bc_cilium_kversion(p->type, section, running);
		p->kversion_set = true;
		if (p->type != BPF_PROG_TYPE_UNSPEC || !p->autoload)
			continue;
		/* UnspecifiedProgram: NewCollection leaves it out; it
		 * can still be called as a subprogram. */
		p->autoload = false;
		pr_info("cilium: %s: section '%s': program '%s' has unspecified type, skipped as cilium/ebpf does\n",
			obj_path(obj), p->sec_name, p->name);
	}
	return bc_libbpf_btf_map_inits(obj);
}

/* ---- load-time refusals ---------------------------------------------------- */

bool bc_cilium_extra_clean(const void *def, __u64 size)
{
	const unsigned char *p = def;
	__u64 i;

	for (i = LEGACY_DEF_SIZE; i < size; i++)
		if (p[i])
			return false;
	return true;
}

static bool is_legacy(const struct bc_object *obj, const struct bc_map *m)
{
	return m->kind == BC_MAP_USER && m->sec_name &&
	       strcmp(m->sec_name, MAPS_SEC) && m->sec_idx > 0 &&
	       (size_t)m->sec_idx < obj->elf->sec_cnt;
}

static int check_legacy(struct bc_object *obj, const struct bc_map *m,
			bool drained)
{
	const struct bc_elf_sec *sec = &obj->elf->secs[m->sec_idx];
	const unsigned char *data = sec->data;

	if (m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	    m->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		pr_warn("cilium: %s: section '%s': map '%s': %s requires an inner map, which a legacy definition cannot give\n",
			obj_path(obj), sec->name, m->name,
			libbpf_bpf_map_type_str(m->type));
		return -BC_ERRNO__UNSUPP;
	}
	if (drained || !data || m->def_size <= LEGACY_DEF_SIZE ||
	    m->sec_off + m->def_size > sec->size)
		return 0;
	if (bc_cilium_extra_clean(data + m->sec_off, m->def_size))
		return 0;
	pr_warn("cilium: %s: section '%s': map %s: extra contains unhandled non-zero bytes, drain before creating map (--param drain-extra=1)\n",
		obj_path(obj), sec->name, m->name);
	return -BC_ERRNO__UNSUPP;
}

static int cilium_pre_load(struct bc_object *obj)
{
	const char *drain = bc_attr_get(obj->params, obj->param_cnt,
					"drain-extra");
	bool drained = drain && !strcmp(drain, "1");
	size_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		if (!is_legacy(obj, obj->maps[i]))
			continue;
		err = check_legacy(obj, obj->maps[i], drained);
		if (err)
			return err;
	}
	return 0;
}

/* Check mode: the Extra refusal as a finding, without waiting for a load. */
static int cilium_check(struct bc_object *obj)
{
	const char *drain = bc_attr_get(obj->params, obj->param_cnt,
					"drain-extra");
	const struct bc_elf_sec *sec;
	const struct bc_map *m;
	size_t i;
	int err;

	if (drain && !strcmp(drain, "1"))
		return 0;
	for (i = 0; i < obj->map_cnt; i++) {
		m = obj->maps[i];
		if (!is_legacy(obj, m))
			continue;
		sec = &obj->elf->secs[m->sec_idx];
		if (!sec->data || m->def_size <= LEGACY_DEF_SIZE ||
		    m->sec_off + m->def_size > sec->size ||
		    bc_cilium_extra_clean((const char *)sec->data + m->sec_off,
					  m->def_size))
			continue;
		err = bc_report(obj, "map-record-trailing", BC_SEV_ERROR,
				sec->name, m->name, (long long)m->sec_off,
				"record bytes %u..%llu (Extra) are not zero",
				LEGACY_DEF_SIZE,
				(unsigned long long)m->def_size - 1);
		if (err)
			return err;
	}
	return 0;
}

/* ---- params and pinning ---------------------------------------------------- */

static int cilium_param(struct bc_object *obj, const char *key,
			const char *value)
{
	(void)obj;
	if (!strcmp(key, "pin-path"))
		return value && value[0] ? 0 : -EINVAL;
	if (!strcmp(key, "drain-extra"))
		return value && (!strcmp(value, "0") || !strcmp(value, "1")) ?
		       0 : -EINVAL;
	return -ENOENT;
}

static int cilium_pin_path(struct bc_object *obj, struct bc_map *map,
			   const char *bpffs, char **path)
{
	const char *dir = bc_attr_get(obj->params, obj->param_cnt,
				      "pin-path");
	struct statfs sfs;
	struct stat st;
	char *full;

	if (!dir) {
		pr_warn("cilium: %s: map '%s': pin by name: missing pin path (MapOptions.PinPath: --param pin-path=DIR)\n",
			obj_path(obj), map->name);
		return -BC_ERRNO__PIN;
	}
	if (strchr(map->name, '/') || !strcmp(map->name, "..") ||
	    !strcmp(map->name, ".")) {
		pr_warn("cilium: %s: map '%s': name is not a pin name\n",
			obj_path(obj), map->name);
		return -BC_ERRNO__PIN;
	}
	full = dir[0] == '/' ? bc_strdup(dir) : bc_asprintf("%s/%s", bpffs,
							       dir);
	if (!full)
		return -ENOMEM;
	/* cilium creates no directories: the pin path must exist. */
	if (stat(full, &st) || !S_ISDIR(st.st_mode) || statfs(full, &sfs) ||
	    (unsigned long)sfs.f_type != BPF_FS_MAGIC) {
		pr_warn("cilium: %s: map '%s': pin path %s is not a directory on a bpf filesystem\n",
			obj_path(obj), map->name, full);
		free(full);
		return -BC_ERRNO__PIN;
	}
	*path = bc_asprintf("%s/%s", full, map->name);
	free(full);
	return *path ? 0 : -ENOMEM;
}

const struct bc_dialect_ops bc_cilium_ops = {
	.sz = sizeof(struct bc_dialect_ops),
	.name = "cilium",
	.param = cilium_param,
	.collect_maps = cilium_collect_maps,
	.finish = cilium_finish,
	.pin_path = cilium_pin_path,
	.pre_load = cilium_pre_load,
	.check = cilium_check,
};
