// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * __ksym externs on the corpus object conformance/libbpf/ksyms.c, without
 * a kernel: what relocation makes of them, the .ksyms DATASEC the kernel
 * will be given, and the patching of resolved and unresolved ones.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "bpfcompat.h"
#include "btf.h"
#include "ksym.h"
#include "object.h"
#include "testutil.h"

#define KSYM_OBJ BC_BINARY_DIR "/conformance/libbpf/ksyms.o"

static const struct bc_ksym *ksym(const struct bc_object *obj,
				  const char *name)
{
	size_t i;

	for (i = 0; i < obj->ksym_cnt; i++)
		if (!strcmp(obj->ksyms[i].name, name))
			return &obj->ksyms[i];
	ck_abort_msg("no ksym '%s'", name);
	return NULL;
}

static struct bc_object *open_relocated(void)
{
	struct bc_object *obj;

	if (access(KSYM_OBJ, R_OK)) {
		printf("SKIP: %s not built (needs clang)\n", KSYM_OBJ);
		return NULL;
	}
	bc_test_capture_log();
	obj = bc_object__open_file(KSYM_OBJ, NULL);
	ck_assert_msg(obj, "%s", bc_test_log());
	ck_assert_int_eq(bc_reloc(obj), 0);
	return obj;
}

START_TEST(classified)
{
	struct bc_object *obj = open_relocated();
	const struct bc_prog *p;
	size_t i, kf = 0, ks = 0;

	if (!obj)
		return;
	ck_assert_uint_eq(obj->ksym_cnt, 4);
	ck_assert(ksym(obj, "bpf_rcu_read_lock")->func);
	ck_assert(!ksym(obj, "bpf_rcu_read_lock")->weak);
	ck_assert(ksym(obj, "bc_no_such_var")->weak);
	ck_assert(!ksym(obj, "bc_no_such_var")->typeless);
	ck_assert(ksym(obj, "_stext")->typeless);
	p = bc_object__find_prog(obj, "ksyms");
	for (i = 0; i < p->fixup_cnt; i++) {
		kf += p->fixups[i].kind == BC_FIX_KFUNC;
		ks += p->fixups[i].kind == BC_FIX_KSYM;
	}
	ck_assert_uint_eq(kf, 2);
	ck_assert_uint_eq(ks, 2);
	bc_object__close(obj);
}
END_TEST

/* Slots of 4 bytes, FUNCs global and pointing at dummy_ksym. */
START_TEST(datasec_for_the_kernel)
{
	struct bc_object *obj = open_relocated();
	const struct btf_var_secinfo *vi;
	const struct btf_type *sec, *t;
	const struct btf *btf;
	__s32 id, dummy;
	int i;

	if (!obj)
		return;
	ck_assert_int_eq(bc_btf_get(obj, &btf), 0);
	id = btf__find_by_name_kind(btf, ".ksyms", BTF_KIND_DATASEC);
	dummy = btf__find_by_name_kind(btf, "dummy_ksym", BTF_KIND_VAR);
	ck_assert_int_gt(id, 0);
	ck_assert_int_gt(dummy, 0);
	sec = btf__type_by_id(btf, id);
	ck_assert_uint_eq(sec->size, 4 * btf_vlen(sec));
	vi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++) {
		ck_assert_uint_eq(vi[i].offset, 4 * i);
		ck_assert_uint_eq(vi[i].size, 4);
		t = btf__type_by_id(btf, vi[i].type);
		ck_assert(btf_is_var(t));
		ck_assert_int_eq(btf_var(t)->linkage,
				 BTF_VAR_GLOBAL_ALLOCATED);
	}
	/* a FUNC keeps its linkage in vlen */
	id = btf__find_by_name_kind(btf, "bpf_rcu_read_lock", BTF_KIND_FUNC);
	ck_assert_int_eq(btf_vlen(btf__type_by_id(btf, id)),
			 BTF_FUNC_GLOBAL);
	bc_object__close(obj);
}
END_TEST

START_TEST(patched)
{
	struct bc_object *obj = open_relocated();
	struct bpf_insn insn[2];
	struct bc_fixup fix = {};

	if (!obj)
		return;
	obj->ksyms[0].btf_id = 4242;
	fix.map_idx = 0;
	fix.kind = obj->ksyms[0].func ? BC_FIX_KFUNC : BC_FIX_KSYM;
	memset(insn, 0, sizeof(insn));
	insn[0].off = 1;
	bc_ksym_patch(obj, &fix, insn);
	ck_assert_int_eq(insn[0].imm, 4242);
	ck_assert_int_eq(insn[0].off, 0);
	ck_assert_int_eq(insn[0].src_reg, fix.kind == BC_FIX_KFUNC ?
			 BPF_PSEUDO_KFUNC_CALL : BPF_PSEUDO_BTF_ID);
	/* a typeless one is its address, in two halves */
	fix.map_idx = ksym(obj, "_stext") - obj->ksyms;
	fix.kind = BC_FIX_KSYM;
	obj->ksyms[fix.map_idx].addr = 0xffffffff81000000ULL;
	bc_ksym_patch(obj, &fix, insn);
	ck_assert_int_eq(insn[0].src_reg, 0);
	ck_assert_uint_eq((__u32)insn[0].imm, 0x81000000U);
	ck_assert_uint_eq((__u32)insn[1].imm, 0xffffffffU);
	/* an unresolved weak variable is 0 */
	fix.map_idx = ksym(obj, "bc_no_such_var") - obj->ksyms;
	bc_ksym_patch(obj, &fix, insn);
	ck_assert_int_eq(insn[0].imm, 0);
	ck_assert_int_eq(insn[1].imm, 0);
	bc_object__close(obj);
}
END_TEST

static Suite *ksym_suite(void)
{
	Suite *s = suite_create("ksym");
	TCase *tc = tcase_create("ksym");

	tcase_add_test(tc, classified);
	tcase_add_test(tc, datasec_for_the_kernel);
	tcase_add_test(tc, patched);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(ksym_suite());
}
