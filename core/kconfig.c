// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * __kconfig externs, as libbpf 1.x resolves them. clang leaves them in a
 * .kconfig DATASEC of size 0; libbpf places them in one array map
 * ("<obj>.kconfig", read-only to programs, frozen) sorted by alignment,
 * size and name, and fills it at load: LINUX_KERNEL_VERSION and the
 * LINUX_HAS_* features it probes, CONFIG_* from the kernel's config
 * (/boot/config-$(uname -r), else /proc/config.gz). An extern the kernel
 * does not know is 0 if weak and an error if strong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <zlib.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "btf.h"
#include "elf.h"
#include "internal.h"
#include "kconfig.h"
#include "object.h"

#define KCFG_LINE_MAX	4096

enum { TRI_NO, TRI_YES, TRI_MODULE };	/* enum libbpf_tristate */

/* ---- layout ------------------------------------------------------------------ */

static int kcfg_type(const struct btf *btf, __u32 id, bool *is_signed,
		     enum bc_kcfg_type *out)
{
	const struct btf_type *t = bc_btf_skip_mods(btf, id, NULL);
	const char *name;
	enum bc_kcfg_type elem;
	int enc;

	if (!t)
		return -EINVAL;
	*is_signed = false;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		enc = btf_int_encoding(t);
		if (enc & BTF_INT_BOOL) {
			*out = BC_KCFG_BOOL;
			return t->size == 1 ? 0 : -EINVAL;
		}
		*is_signed = enc & BTF_INT_SIGNED;
		if (t->size == 1) {
			*out = BC_KCFG_CHAR;
			return 0;
		}
		*out = BC_KCFG_INT;
		return t->size > 8 || (t->size & (t->size - 1)) ? -EINVAL : 0;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		name = btf__name_by_offset(btf, t->name_off);
		*out = BC_KCFG_TRISTATE;
		return name && !strcmp(name, "libbpf_tristate") &&
		       (btf_is_enum64(t) || t->size == 4) ? 0 : -EINVAL;
	case BTF_KIND_ARRAY:
		if (!btf_array(t)->nelems ||
		    kcfg_type(btf, btf_array(t)->type, is_signed, &elem) ||
		    elem != BC_KCFG_CHAR)
			return -EINVAL;
		*is_signed = false;
		*out = BC_KCFG_CHAR_ARR;
		return 0;
	default:
		return -EINVAL;
	}
}

static int cmp_kcfg(const void *a, const void *b)
{
	const struct bc_kcfg *x = a, *y = b;

	if (x->align != y->align)
		return x->align > y->align ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

int bc_kconfig_layout(const char *path, const struct btf *btf,
		      const struct btf_type *sec, struct bc_kcfg **out,
		      size_t *cnt, __u32 *size)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
	const struct btf_type *v;
	struct bc_kcfg *k;
	__u32 i, n = btf_vlen(sec), off = 0;
	__s64 sz;
	int align;

	*out = NULL;
	*cnt = 0;
	*size = 0;
	if (!n)
		return 0;
	k = calloc(n, sizeof(*k));
	if (!k)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v = btf__type_by_id(btf, vi[i].type);
		k[i].name = v ? btf__name_by_offset(btf, v->name_off) : NULL;
		if (!v || !btf_is_var(v) || !k[i].name || !*k[i].name)
			goto bad;
		k[i].var_id = vi[i].type;
		k[i].sec_pos = i;
		/* first: it checks every type id libbpf's sizing follows */
		if (kcfg_type(btf, v->type, &k[i].is_signed, &k[i].type)) {
			pr_warn("btf: %s: extern (kcfg) '%s': type is unsupported\n",
				path, k[i].name);
			free(k);
			return -BC_ERRNO__FORMAT;
		}
		sz = btf__resolve_size(btf, v->type);
		align = btf__align_of(btf, v->type);
		if (sz <= 0 || sz > UINT16_MAX || align <= 0)
			goto bad;
		k[i].size = sz;
		k[i].align = align;
	}
	qsort(k, n, sizeof(*k), cmp_kcfg);
	for (i = 0; i < n; i++) {
		k[i].off = (off + k[i].align - 1) / k[i].align * k[i].align;
		off = k[i].off + k[i].size;
	}
	*out = k;
	*cnt = n;
	*size = off;
	return 0;
bad:
	pr_warn("btf: %s: DATASEC '.kconfig': member %u is not a usable variable\n",
		path, i);
	free(k);
	return -BC_ERRNO__FORMAT;
}

static int cmp_by_name(const void *a, const void *b)
{
	const struct bc_kcfg *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int bc_kconfig_index(struct bc_object *obj)
{
	struct bc_kcfg **ix;
	size_t i;

	free(obj->kcfg_by_name);
	obj->kcfg_by_name = NULL;
	if (!obj->kcfg_cnt)
		return 0;
	ix = malloc(obj->kcfg_cnt * sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	for (i = 0; i < obj->kcfg_cnt; i++)
		ix[i] = &obj->kcfg[i];
	qsort(ix, obj->kcfg_cnt, sizeof(*ix), cmp_by_name);
	obj->kcfg_by_name = ix;
	return 0;
}

const struct bc_kcfg *bc_kconfig_find(const struct bc_object *obj,
				      const char *name)
{
	size_t lo = 0, hi = obj->kcfg_by_name ? obj->kcfg_cnt : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bc_kcfg *k = obj->kcfg_by_name[mid];
		int c = strcmp(name, k->name);

		if (!c)
			return k;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ---- values ------------------------------------------------------------------- */

struct kfill {
	struct bc_object *obj;
	unsigned char *val;		/* the map value */
	bool *set;			/* per extern */
};

static int kcfg_warn(const struct kfill *f, const struct bc_kcfg *k,
		     const char *why, const char *value)
{
	pr_warn("load: %s: extern (kcfg) '%s': value '%s' %s\n",
		f->obj->path ? f->obj->path : f->obj->name, k->name, value,
		why);
	return -BC_ERRNO__KERNEL;
}

static bool in_range(const struct bc_kcfg *k, __u64 v)
{
	unsigned int bits = k->size * 8;

	if (k->size == 8)
		return true;
	if (k->is_signed)
		return v + (1ULL << (bits - 1)) < (1ULL << bits);
	return !(v >> bits);
}

static void put_num(unsigned char *p, __u32 size, __u64 v)
{
	__u8 b = v;
	__u16 h = v;
	__u32 w = v;

	switch (size) {
	case 1:
		memcpy(p, &b, 1);
		break;
	case 2:
		memcpy(p, &h, 2);
		break;
	case 4:
		memcpy(p, &w, 4);
		break;
	default:
		memcpy(p, &v, 8);
	}
}

static int set_num(struct kfill *f, size_t i, __u64 v, const char *text)
{
	const struct bc_kcfg *k = &f->obj->kcfg[i];

	if (k->type == BC_KCFG_BOOL) {
		f->val[k->off] = !!v;
	} else if (k->type == BC_KCFG_INT || k->type == BC_KCFG_CHAR) {
		if (!in_range(k, v))
			return kcfg_warn(f, k, "is out of range", text);
		put_num(f->val + k->off, k->size, v);
	} else {
		return kcfg_warn(f, k, "implies an integer type", text);
	}
	f->set[i] = true;
	return 0;
}

static int set_tri(struct kfill *f, size_t i, char c, const char *text)
{
	const struct bc_kcfg *k = &f->obj->kcfg[i];
	__u32 tri = c == 'y' ? TRI_YES : c == 'm' ? TRI_MODULE : TRI_NO;

	switch (k->type) {
	case BC_KCFG_BOOL:
		if (c == 'm')
			return kcfg_warn(f, k, "implies tristate or char type",
					 text);
		f->val[k->off] = c == 'y';
		break;
	case BC_KCFG_TRISTATE:
		put_num(f->val + k->off, k->size, tri);
		break;
	case BC_KCFG_CHAR:
		f->val[k->off] = c;
		break;
	default:
		return kcfg_warn(f, k, "implies bool, tristate or char type",
				 text);
	}
	f->set[i] = true;
	return 0;
}

static int set_str(struct kfill *f, size_t i, const char *text)
{
	const struct bc_kcfg *k = &f->obj->kcfg[i];
	size_t len = strlen(text);

	if (k->type != BC_KCFG_CHAR_ARR)
		return kcfg_warn(f, k, "implies a char array", text);
	if (len < 2 || text[len - 1] != '"')
		return kcfg_warn(f, k, "is not a quoted string", text);
	len -= 2;
	if (len >= k->size) {
		pr_warn("load: extern (kcfg) '%s': string of %zu bytes cut to %u\n",
			k->name, len, k->size - 1);
		len = k->size - 1;
	}
	memcpy(f->val + k->off, text + 1, len);
	f->val[k->off + len] = '\0';
	f->set[i] = true;
	return 0;
}

static size_t kcfg_pos(const struct bc_object *obj, const char *name)
{
	const struct bc_kcfg *k = bc_kconfig_find(obj, name);

	return k ? (size_t)(k - obj->kcfg) : SIZE_MAX;
}

/* One "CONFIG_X=value" line; others are comments or not ours. */
static int config_line(struct kfill *f, char *line)
{
	char *sep, *value, *end;
	unsigned long long num;
	size_t i, len;

	if (strncmp(line, "CONFIG_", 7))
		return 0;
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	sep = strchr(line, '=');
	if (!sep || !sep[1])
		return 0;	/* a line libbpf warns about; no extern's */
	*sep = '\0';
	value = sep + 1;
	i = kcfg_pos(f->obj, line);
	if (i == SIZE_MAX || f->set[i])
		return 0;
	switch (*value) {
	case 'y':
	case 'n':
	case 'm':
		return set_tri(f, i, *value, value);
	case '"':
		return set_str(f, i, value);
	default:
		errno = 0;
		num = strtoull(value, &end, 0);
		if (errno || *end || end == value)
			return kcfg_warn(f, &f->obj->kcfg[i],
					 "is not a valid integer", value);
		return set_num(f, i, num, value);
	}
}

/* bc_open_opts.kconfig: lines taken before the kernel's config. */
static int read_extra(struct kfill *f)
{
	char *copy = bc_strdup(f->obj->kconfig_extra), *line, *save;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save))
		err = config_line(f, line);
	free(copy);
	return err;
}

/* A CONFIG_ extern nothing has set yet. */
static bool config_unset(const struct kfill *f)
{
	size_t i;

	for (i = 0; i < f->obj->kcfg_cnt; i++)
		if (!f->set[i] && !strncmp(f->obj->kcfg[i].name, "CONFIG_", 7))
			return true;
	return false;
}

/* The kernel's Kconfig, as libbpf finds it. */
static int read_config(struct kfill *f)
{
	char path[PATH_MAX], line[KCFG_LINE_MAX];
	struct utsname u;
	gzFile gz;
	int err = 0;

	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (access(path, R_OK))
		snprintf(path, sizeof(path), "/proc/config.gz");
	gz = gzopen(path, "r");
	if (!gz) {
		pr_warn("load: %s: kernel config %s: %s; CONFIG_ externs need it\n",
			f->obj->path ? f->obj->path : f->obj->name, path,
			strerror(errno ? errno : ENOENT));
		return -BC_ERRNO__KERNEL;
	}
	while (!err && gzgets(gz, line, sizeof(line)))
		err = config_line(f, line);
	gzclose(gz);
	return err;
}

/* libbpf's probe: a program calling bpf_get_attach_cookie() loads. */
static bool has_bpf_cookie(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_attach_cookie },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, NULL, "GPL", insns,
			   ARRAY_SIZE(insns), NULL);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* libbpf's probe opens a kprobe on the wrapped bpf syscall. */
static bool has_syscall_wrapper(void)
{
#if defined(__x86_64__)
	static const char sym[] = " __x64_sys_bpf\n";
#elif defined(__aarch64__)
	static const char sym[] = " __arm64_sys_bpf\n";
#elif defined(__s390x__)
	static const char sym[] = " __s390x_sys_bpf\n";
#else
	static const char sym[] = "";
#endif
	char line[512];
	bool found = false;
	FILE *f;

	if (!*sym || access("/sys/bus/event_source/devices/kprobe/type", R_OK))
		return false;
	f = fopen("/proc/kallsyms", "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, sym) != NULL;
	if (f)
		fclose(f);
	return found;
}

static int set_virtual(struct kfill *f, size_t i)
{
	const struct bc_kcfg *k = &f->obj->kcfg[i];
	__u64 v;

	if (!strcmp(k->name, "LINUX_KERNEL_VERSION"))
		v = bc_running_kversion();
	else if (!strcmp(k->name, "LINUX_HAS_BPF_COOKIE"))
		v = has_bpf_cookie();
	else if (!strcmp(k->name, "LINUX_HAS_SYSCALL_WRAPPER"))
		v = has_syscall_wrapper();
	else if (k->is_weak)
		return 0;
	else {
		pr_warn("load: %s: extern (kcfg) '%s': unrecognized virtual extern\n",
			f->obj->path ? f->obj->path : f->obj->name, k->name);
		return -BC_ERRNO__KERNEL;
	}
	return set_num(f, i, v, "(virtual)");
}

int bc_kconfig_fill(struct bc_object *obj)
{
	struct kfill f = { .obj = obj };
	struct bc_map *map;
	bool need_config = false;
	size_t i;
	int err = 0;

	map = obj->kcfg_map;
	if (!map)
		return 0;
	free(map->init);
	map->init = f.val = calloc(1, map->value_size);
	f.set = calloc(obj->kcfg_cnt, sizeof(*f.set));
	if (!f.val || !f.set) {
		free(f.set);
		return -ENOMEM;
	}
	for (i = 0; i < obj->kcfg_cnt && !err; i++) {
		if (!strncmp(obj->kcfg[i].name, "LINUX_", 6))
			err = set_virtual(&f, i);
		else if (!strncmp(obj->kcfg[i].name, "CONFIG_", 7))
			need_config = true;
		else if (!obj->kcfg[i].is_weak) {
			pr_warn("load: %s: extern (kcfg) '%s': neither CONFIG_ nor LINUX_\n",
				obj->path ? obj->path : obj->name,
				obj->kcfg[i].name);
			err = -BC_ERRNO__KERNEL;
		}
	}
	if (!err && need_config && f.obj->kconfig_extra) {
		err = read_extra(&f);
		need_config = config_unset(&f);
	}
	if (!err && need_config)
		err = read_config(&f);
	for (i = 0; i < obj->kcfg_cnt && !err; i++) {
		if (f.set[i] || obj->kcfg[i].is_weak)
			continue;
		pr_warn("load: %s: extern '%s' (strong): not in this kernel's configuration\n",
			obj->path ? obj->path : obj->name, obj->kcfg[i].name);
		err = -BC_ERRNO__KERNEL;
	}
	free(f.set);
	return err;
}
