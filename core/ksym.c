// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel symbols by name, as libbpf 1.x resolves them at load: a kfunc
 * call gets the kernel BTF id of the FUNC (src_reg BPF_PSEUDO_KFUNC_CALL),
 * a typed __ksym variable the id of its VAR (BPF_PSEUDO_BTF_ID), a
 * typeless one its address from /proc/kallsyms; a weak one the kernel
 * lacks is 0. Tracing and lsm programs get the BTF id of their target
 * (fentry/F the FUNC F, tp_btf/T the typedef btf_trace_T, iter/I the FUNC
 * bpf_iter_I, lsm/H the FUNC bpf_lsm_H). Module BTF is not searched, and
 * a kfunc's prototype is not compared with the kernel's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf.h"
#include "internal.h"
#include "ksym.h"
#include "object.h"

#define KSYM_MAX	(1U << 16)

/* ---- registration (relocation) -------------------------------------------------- */

int bc_ksym_add(struct bc_object *obj, const char *name, bool weak,
		size_t *idx)
{
	const struct btf *btf;
	const struct btf_type *t;
	struct bc_ksym *k;
	__s32 id;
	size_t i;

	if (bc_btf_get(obj, &btf) == -ENOMEM)
		return -ENOMEM;
	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_VAR);
	if (id <= 0)
		return -ENOENT;
	if (obj->ksym_cnt >= KSYM_MAX)
		return -E2BIG;
	k = bc_grow(obj->ksyms, &obj->ksym_cap, obj->ksym_cnt + 1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	obj->ksyms = k;
	k += obj->ksym_cnt;
	t = btf__type_by_id(btf, id);
	*k = (struct bc_ksym){ .name = name, .weak = weak,
			       .func = btf_is_func(t) };
	/* void, an address; anything else, a type (see fixup_ksyms()) */
	for (i = 0; !k->func && i < obj->ksym_void_cnt; i++)
		k->typeless |= obj->ksym_void[i] == (__u32)id;
	*idx = obj->ksym_cnt++;
	return 0;
}

/* ---- resolution (load) ------------------------------------------------------------ */

struct kernel {
	struct btf *btf;
	int err;			/* reading it failed */
};

static const struct btf *kernel_btf(struct kernel *k)
{
	if (!k->btf && !k->err) {
		k->btf = btf__load_vmlinux_btf();
		if (!k->btf)
			k->err = errno ? -errno : -ENOENT;
	}
	return k->btf;
}

static int kallsyms(struct bc_object *obj)
{
	char line[512], name[256];
	unsigned long long addr;
	bool any = false;
	size_t i;
	FILE *f;

	for (i = 0; i < obj->ksym_cnt && !any; i++)
		any = obj->ksyms[i].typeless;
	if (!any)
		return 0;
	f = fopen("/proc/kallsyms", "r");
	if (!f) {
		pr_warn("load: %s: typeless __ksym externs need /proc/kallsyms: %s\n",
			obj->path ? obj->path : obj->name, strerror(errno));
		return -BC_ERRNO__KERNEL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %*c %255s", &addr, name) != 2)
			continue;
		for (i = 0; i < obj->ksym_cnt; i++) {
			struct bc_ksym *k = &obj->ksyms[i];

			if (!k->typeless || strcmp(k->name, name))
				continue;
			if (k->addr && k->addr != addr) {
				pr_warn("load: extern (ksym) '%s': ambiguous: 0x%llx or 0x%llx\n",
					k->name, (unsigned long long)k->addr,
					addr);
				fclose(f);
				return -BC_ERRNO__KERNEL;
			}
			k->addr = addr;
		}
	}
	fclose(f);
	return 0;
}

static int resolve_typed(struct bc_object *obj, struct kernel *kern)
{
	const struct btf *btf;
	size_t i;
	__s32 id;

	for (i = 0; i < obj->ksym_cnt; i++) {
		struct bc_ksym *k = &obj->ksyms[i];

		if (k->typeless)
			continue;
		btf = kernel_btf(kern);
		if (!btf) {
			pr_warn("load: extern (ksym) '%s' needs the kernel's BTF: %s\n",
				k->name, strerror(-kern->err));
			return -BC_ERRNO__KERNEL;
		}
		id = btf__find_by_name_kind(btf, k->name, k->func ?
					    BTF_KIND_FUNC : BTF_KIND_VAR);
		k->btf_id = id > 0 ? id : 0;
	}
	return 0;
}

static int check_resolved(const struct bc_object *obj)
{
	size_t i;

	for (i = 0; i < obj->ksym_cnt; i++) {
		const struct bc_ksym *k = &obj->ksyms[i];

		if (k->weak || (k->typeless ? k->addr != 0 : k->btf_id > 0))
			continue;
		pr_warn("load: %s: extern (ksym) '%s' (strong): no such %s in the running kernel\n",
			obj->path ? obj->path : obj->name, k->name,
			k->func ? "kernel function" : k->typeless ?
			"symbol in /proc/kallsyms" : "variable in its BTF");
		return -BC_ERRNO__KERNEL;
	}
	return 0;
}

/* The kernel BTF name of a program's attach target, libbpf's spelling. */
static bool attach_name(const struct bc_prog *prog, char *buf, size_t size,
			__u32 *kind)
{
	const char *prefix = "";

	if ((prog->type != BPF_PROG_TYPE_TRACING &&
	     prog->type != BPF_PROG_TYPE_LSM) || !prog->attach_target)
		return false;
	*kind = BTF_KIND_FUNC;
	switch (prog->expected_attach_type) {
	case BPF_TRACE_FENTRY:
	case BPF_TRACE_FEXIT:
	case BPF_MODIFY_RETURN:
		break;
	case BPF_TRACE_RAW_TP:
		prefix = "btf_trace_";
		*kind = BTF_KIND_TYPEDEF;
		break;
	case BPF_TRACE_ITER:
		prefix = "bpf_iter_";
		break;
	case BPF_LSM_MAC:
	case BPF_LSM_CGROUP:
		prefix = "bpf_lsm_";
		break;
	default:
		return false;
	}
	return snprintf(buf, size, "%s%s", prefix, prog->attach_target) <
	       (int)size;
}

static int resolve_attach(struct bc_prog *const *progs, size_t cnt,
			  struct kernel *kern)
{
	const struct btf *btf;
	char name[256];
	__u32 kind;
	size_t i;
	__s32 id;

	for (i = 0; i < cnt; i++) {
		struct bc_prog *prog = progs[i];

		if (!attach_name(prog, name, sizeof(name), &kind))
			continue;
		btf = kernel_btf(kern);
		if (!btf) {
			pr_warn("prog '%s': section '%s': attach target '%s' needs the kernel's BTF: %s\n",
				prog->name, prog->sec_name, name,
				strerror(-kern->err));
			return -BC_ERRNO__KERNEL;
		}
		id = btf__find_by_name_kind(btf, name, kind);
		if (id <= 0) {
			pr_warn("prog '%s': section '%s': attach target '%s' is not a %s in the kernel's BTF\n",
				prog->name, prog->sec_name, name,
				kind == BTF_KIND_FUNC ? "function" : "typedef");
			return -BC_ERRNO__KERNEL;
		}
		prog->attach_btf_id = id;
	}
	return 0;
}

int bc_ksym_resolve(struct bc_object *obj, struct bc_prog *const *progs,
		    size_t cnt)
{
	struct kernel kern = {};
	int err;

	err = resolve_typed(obj, &kern);
	err = err ?: kallsyms(obj);
	err = err ?: check_resolved(obj);
	err = err ?: resolve_attach(progs, cnt, &kern);
	btf__free(kern.btf);
	return err;
}

void bc_ksym_patch(const struct bc_object *obj, const struct bc_fixup *fix,
		   struct bpf_insn *insn)
{
	const struct bc_ksym *k = &obj->ksyms[fix->map_idx];

	if (fix->kind == BC_FIX_KFUNC) {
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		insn->imm = k->btf_id;
		insn->off = 0;
		return;
	}
	if (!k->typeless && k->btf_id) {
		insn[0].src_reg = BPF_PSEUDO_BTF_ID;
		insn[0].imm = k->btf_id;
		insn[1].imm = 0;
		return;
	}
	insn[0].src_reg = 0;
	insn[0].imm = (__u32)k->addr;
	insn[1].imm = k->addr >> 32;
}
