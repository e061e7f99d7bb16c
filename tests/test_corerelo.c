// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE resolution against a kernel BTF built here: fields that moved,
 * grew, vanished or hide in anonymous members, flavors, ambiguity,
 * bitfields, enums, type relocations, and records that do not fit.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bpfcompat.h"
#include "corerelo.h"
#include "internal.h"
#include "testutil.h"

#define LDX(SZ, OFF)							\
	((struct bpf_insn){ .code = BPF_LDX | BPF_MEM | (SZ),		\
			    .dst_reg = 0, .src_reg = 1, .off = (OFF) })
#define MOV(IMM)							\
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,	\
			    .imm = (IMM) })
#define POISON	195896080

/* The object's view: struct task { u32 flags; int pid; u32 bits:3;
 * u32 small; }, enum e { E_A = 1 }, struct task___v2 { int pid; }. */
struct local {
	struct btf *btf;
	int task, e, v2;
};

static struct local local_new(void)
{
	struct local l = { .btf = btf__new_empty() };
	int u32, s32;

	ck_assert_ptr_nonnull(l.btf);
	u32 = btf__add_int(l.btf, "unsigned int", 4, 0);
	s32 = btf__add_int(l.btf, "int", 4, BTF_INT_SIGNED);
	l.task = btf__add_struct(l.btf, "task", 16);
	btf__add_field(l.btf, "flags", u32, 0, 0);
	btf__add_field(l.btf, "pid", s32, 32, 0);
	btf__add_field(l.btf, "bits", u32, 64, 3);
	btf__add_field(l.btf, "small", u32, 96, 0);
	l.e = btf__add_enum(l.btf, "e", 4);
	btf__add_enum_value(l.btf, "E_A", 1);
	l.v2 = btf__add_struct(l.btf, "task___v2", 4);
	btf__add_field(l.btf, "pid", s32, 0, 0);
	ck_assert_int_gt(l.v2, 0);
	return l;
}

/* The kernel's: struct task { u64 pad; u64 small; union { int pid; };
 * u32 bits:3 at bit 166; }, enum e { E_B = 2, E_A = 5 }. */
static struct btf *kernel_new(void)
{
	struct btf *k = btf__new_empty();
	int u32, s32, u64, anon, task;

	ck_assert_ptr_nonnull(k);
	u32 = btf__add_int(k, "unsigned int", 4, 0);
	s32 = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	u64 = btf__add_int(k, "unsigned long", 8, 0);
	anon = btf__add_union(k, NULL, 4);
	btf__add_field(k, "pid", s32, 0, 0);
	task = btf__add_struct(k, "task", 24);
	btf__add_field(k, "pad", u64, 0, 0);
	btf__add_field(k, "small", u64, 64, 0);
	btf__add_field(k, NULL, anon, 128, 0);
	btf__add_field(k, "bits", u32, 166, 3);
	ck_assert_int_gt(task, 0);
	btf__add_enum(k, "e", 4);
	btf__add_enum_value(k, "E_B", 2);
	btf__add_enum_value(k, "E_A", 5);
	return k;
}

struct fix {
	struct local l;
	struct btf *k;
	struct bc_core *core;
	char why[320];
};

static void fix_init(struct fix *f)
{
	f->l = local_new();
	f->k = kernel_new();
	f->core = bc_core_new(f->l.btf, NULL, f->k);
	ck_assert_ptr_nonnull(f->core);
}

static void fix_fini(struct fix *f)
{
	bc_core_free(f->core);
	btf__free(f->k);
	btf__free(f->l.btf);
}

static int apply(struct fix *f, int type, const char *access, __u32 kind,
		 struct bpf_insn *insn, size_t room)
{
	struct bc_core_rec rec = {
		.type_id = type, .kind = kind,
		.access_off = btf__add_str(f->l.btf, access),
	};

	f->why[0] = '\0';
	return bc_core_apply(f->core, &rec, insn, room, f->why,
			     sizeof(f->why));
}

START_TEST(field_moved_into_anonymous_union)
{
	struct bpf_insn ldx = LDX(BPF_W, 4), mov = MOV(4);
	struct fix f;

	fix_init(&f);
	ck_assert_int_eq(apply(&f, f.l.task, "0:1",
			       BPF_CORE_FIELD_BYTE_OFFSET, &ldx, 1), 0);
	ck_assert_int_eq(ldx.off, 16);
	ck_assert_int_eq(BPF_SIZE(ldx.code), BPF_W);
	ck_assert_int_eq(apply(&f, f.l.task, "0:1",
			       BPF_CORE_FIELD_BYTE_OFFSET, &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 16);
	/* the second element of an array of tasks */
	mov = MOV(20);
	ck_assert_int_eq(apply(&f, f.l.task, "1:1",
			       BPF_CORE_FIELD_BYTE_OFFSET, &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 24 + 16);
	fix_fini(&f);
}
END_TEST

START_TEST(flavor_matches_essential_name)
{
	struct bpf_insn ldx = LDX(BPF_W, 0);
	struct fix f;

	fix_init(&f);
	ck_assert_int_eq(apply(&f, f.l.v2, "0:0",
			       BPF_CORE_FIELD_BYTE_OFFSET, &ldx, 1), 0);
	ck_assert_int_eq(ldx.off, 16);
	fix_fini(&f);
}
END_TEST

START_TEST(missing_field_poisoned_exists_zero)
{
	struct bpf_insn ldx = LDX(BPF_W, 0), mov = MOV(1);
	struct fix f;

	fix_init(&f);
	/* "flags" is not in the kernel's task */
	ck_assert_int_eq(apply(&f, f.l.task, "0:0",
			       BPF_CORE_FIELD_BYTE_OFFSET, &ldx, 1), 0);
	ck_assert_int_eq(ldx.code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(ldx.imm, POISON);
	ck_assert_int_eq(apply(&f, f.l.task, "0:0", BPF_CORE_FIELD_EXISTS,
			       &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 0);
	mov = MOV(1);
	ck_assert_int_eq(apply(&f, f.l.task, "0:1", BPF_CORE_FIELD_EXISTS,
			       &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 1);
	fix_fini(&f);
}
END_TEST

START_TEST(load_size_follows_unsigned_field)
{
	struct bpf_insn ldx = LDX(BPF_W, 12), mov = MOV(4);
	struct fix f;

	fix_init(&f);
	/* u32 small -> u64 small: the load widens */
	ck_assert_int_eq(apply(&f, f.l.task, "0:3",
			       BPF_CORE_FIELD_BYTE_OFFSET, &ldx, 1), 0);
	ck_assert_int_eq(ldx.off, 8);
	ck_assert_int_eq(BPF_SIZE(ldx.code), BPF_DW);
	ck_assert_int_eq(apply(&f, f.l.task, "0:3", BPF_CORE_FIELD_BYTE_SIZE,
			       &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 8);
	/* a load that does not match the field's size is refused */
	ldx = LDX(BPF_H, 12);
	ck_assert_int_eq(apply(&f, f.l.task, "0:3",
			       BPF_CORE_FIELD_BYTE_OFFSET, &ldx, 1),
			 -BC_ERRNO__RELOC);
	ck_assert_ptr_nonnull(strstr(f.why, "access of 2 bytes"));
	fix_fini(&f);
}
END_TEST

START_TEST(bitfield_shifts)
{
	struct bpf_insn mov;
	struct fix f;

	fix_init(&f);
	/* kernel: 3 bits at bit 166: a 4-byte load at byte 20, bit 6 */
	mov = MOV(8);
	ck_assert_int_eq(apply(&f, f.l.task, "0:2",
			       BPF_CORE_FIELD_BYTE_OFFSET, &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 20);
	mov = MOV(4);
	ck_assert_int_eq(apply(&f, f.l.task, "0:2", BPF_CORE_FIELD_BYTE_SIZE,
			       &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 4);
	mov = MOV(61);
	ck_assert_int_eq(apply(&f, f.l.task, "0:2",
			       BPF_CORE_FIELD_LSHIFT_U64, &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 64 - (166 + 3 - 160));
	mov = MOV(61);
	ck_assert_int_eq(apply(&f, f.l.task, "0:2",
			       BPF_CORE_FIELD_RSHIFT_U64, &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 61);
	mov = MOV(0);
	ck_assert_int_eq(apply(&f, f.l.task, "0:2", BPF_CORE_FIELD_SIGNED,
			       &mov, 1), 0);
	ck_assert_int_eq(mov.imm, 0);
	fix_fini(&f);
}
END_TEST

START_TEST(enum_values)
{
	struct bpf_insn ld[2] = {
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .imm = 1 }, {},
	};
	struct bpf_insn mov = MOV(1);
	struct fix f;

	fix_init(&f);
	ck_assert_int_eq(apply(&f, f.l.e, "0", BPF_CORE_ENUMVAL_VALUE, ld, 2),
			 0);
	ck_assert_int_eq(ld[0].imm, 5);
	ck_assert_int_eq(ld[1].imm, 0);
	ck_assert_int_eq(apply(&f, f.l.e, "0", BPF_CORE_ENUMVAL_EXISTS, &mov,
			       1), 0);
	ck_assert_int_eq(mov.imm, 1);
	/* the compiled-in value is checked */
	mov = MOV(3);
	ck_assert_int_eq(apply(&f, f.l.e, "0", BPF_CORE_ENUMVAL_VALUE, &mov,
			       1), -BC_ERRNO__RELOC);
	ck_assert_ptr_nonnull(strstr(f.why, "value 3 in the code, 1 expected"));
	fix_fini(&f);
}
END_TEST

START_TEST(type_relocations)
{
	struct bpf_insn ld[2] = {
		{ .code = BPF_LD | BPF_IMM | BPF_DW }, {},
	};
	struct bpf_insn mov = MOV(16);
	struct fix f;
	int kid;

	fix_init(&f);
	kid = btf__find_by_name_kind(f.k, "task", BTF_KIND_STRUCT);
	ck_assert_int_eq(apply(&f, f.l.task, "0", BPF_CORE_TYPE_SIZE, &mov,
			       1), 0);
	ck_assert_int_eq(mov.imm, 24);
	ck_assert_int_eq(apply(&f, f.l.task, "0", BPF_CORE_TYPE_ID_TARGET, ld,
			       2), 0);
	ck_assert_int_eq(ld[0].imm, kid);
	mov = MOV(0);
	ck_assert_int_eq(apply(&f, f.l.task, "0", BPF_CORE_TYPE_ID_LOCAL,
			       &mov, 1), 0);
	ck_assert_int_eq(mov.imm, f.l.task);
	/* the object's flavor type exists in the kernel under its name */
	mov = MOV(1);
	ck_assert_int_eq(apply(&f, f.l.v2, "0", BPF_CORE_TYPE_EXISTS, &mov,
			       1), 0);
	ck_assert_int_eq(mov.imm, 1);
	fix_fini(&f);
}
END_TEST

START_TEST(ambiguous_candidates_refused)
{
	struct bpf_insn ldx = LDX(BPF_W, 4);
	struct fix f;
	int s32, other;

	fix_init(&f);
	s32 = btf__find_by_name_kind(f.k, "int", BTF_KIND_INT);
	other = btf__add_struct(f.k, "task___x", 8);
	btf__add_field(f.k, "pid", s32, 32, 0);
	ck_assert_int_gt(other, 0);
	ck_assert_int_eq(apply(&f, f.l.task, "0:1",
			       BPF_CORE_FIELD_BYTE_OFFSET, &ldx, 1),
			 -BC_ERRNO__RELOC);
	ck_assert_ptr_nonnull(strstr(f.why, "ambiguous"));
	fix_fini(&f);
}
END_TEST

START_TEST(bad_records_named)
{
	static const char *const bad_access[] = {
		"", ":1", "0:", "0:x", "0:-1", "0:9", "0::1",
	};
	struct bpf_insn mov = MOV(0);
	struct bc_core_rec rec = { .type_id = 9999 };
	struct fix f;
	size_t i;

	fix_init(&f);
	for (i = 0; i < ARRAY_SIZE(bad_access); i++) {
		ck_assert_int_eq(apply(&f, f.l.task, bad_access[i],
				       BPF_CORE_FIELD_BYTE_OFFSET, &mov, 1),
				 -BC_ERRNO__RELOC);
		ck_assert_ptr_nonnull(strstr(f.why, "does not fit"));
	}
	ck_assert_int_eq(bc_core_apply(f.core, &rec, &mov, 1, f.why,
				       sizeof(f.why)), -BC_ERRNO__RELOC);
	ck_assert_ptr_nonnull(strstr(f.why, "not in the object's BTF"));
	ck_assert_int_eq(apply(&f, f.l.task, "0", BPF_CORE_TYPE_MATCHES,
			       &mov, 1), -BC_ERRNO__UNSUPP);
	ck_assert_int_eq(apply(&f, f.l.task, "0", 99, &mov, 1),
			 -BC_ERRNO__UNSUPP);
	/* an ld_imm64 cut off by the end of its unit */
	mov = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW };
	ck_assert_int_eq(apply(&f, f.l.task, "0", BPF_CORE_TYPE_SIZE, &mov,
			       1), -BC_ERRNO__RELOC);
	/* a jump cannot carry a relocated value */
	mov = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
	ck_assert_int_eq(apply(&f, f.l.task, "0:1",
			       BPF_CORE_FIELD_BYTE_OFFSET, &mov, 1),
			 -BC_ERRNO__RELOC);
	fix_fini(&f);
}
END_TEST

START_TEST(missing_kernel_btf_named)
{
	struct local l = local_new();
	struct bpf_insn mov = MOV(4);
	struct bc_core_rec rec = {
		.type_id = l.task, .kind = BPF_CORE_FIELD_BYTE_OFFSET,
		.access_off = btf__add_str(l.btf, "0:1"),
	};
	struct bc_core *core = bc_core_new(l.btf, "/nonexistent/vmlinux",
					   NULL);
	char why[256];

	ck_assert_ptr_nonnull(core);
	ck_assert_int_eq(bc_core_apply(core, &rec, &mov, 1, why, sizeof(why)),
			 -BC_ERRNO__RELOC);
	ck_assert_ptr_nonnull(strstr(why, "/nonexistent/vmlinux"));
	bc_core_free(core);
	btf__free(l.btf);
}
END_TEST

#define CILIUM_BTF "/usr/share/gocode/src/github.com/cilium/ebpf/btf/testdata/"

/*
 * cilium/ebpf's CO-RE test objects check their own relocations at run
 * time: resolved against the BTF cilium's tests give them (their own, or
 * relocs_read_tgt's), every program returns 0; a wrong value returns its
 * line. The two err_ambiguous* programs are ambiguous on purpose.
 */
static void run_selfcheck(const char *name, const char *target)
{
	char path[256], tpath[256];
	BC_OPTS(bc_open_opts, oo, .dialect = "libbpf-legacy",
		.btf_custom_path = tpath);
	unsigned char pkt[64] = {};
	struct bc_object *obj;
	struct bc_prog *p;
	size_t i, ran = 0;

	snprintf(path, sizeof(path), CILIUM_BTF "%s", name);
	snprintf(tpath, sizeof(tpath), CILIUM_BTF "%s", target);
	if (access(path, R_OK)) {
		printf("SKIP: %s absent (install golang-github-cilium-ebpf-dev)\n",
		       path);
		return;
	}
	if (geteuid()) {
		printf("SKIP: not root: no bpf()\n");
		return;
	}
	bc_test_capture_log();
	obj = bc_object__open_file(path, &oo);
	ck_assert_msg(obj, "%s: %s", path, bc_test_log());
	for (i = 0; i < bc_object__prog_cnt(obj); i++) {
		p = bc_object__prog(obj, i);
		if (!strncmp(bc_prog__name(p), "err_", 4))
			bc_prog__set_autoload(p, false);
	}
	ck_assert_msg(!bc_object__load(obj, NULL), "%s: %s", path,
		      bc_test_log());
	for (i = 0; i < bc_object__prog_cnt(obj); i++) {
		LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = pkt,
			    .data_size_in = sizeof(pkt));

		p = bc_object__prog(obj, i);
		if (bc_prog__fd(p) < 0)
			continue;
		ck_assert_int_eq(bpf_prog_test_run_opts(bc_prog__fd(p), &run),
				 0);
		ck_assert_msg(run.retval == 0, "%s: prog %s failed at line %u",
			      name, bc_prog__name(p), run.retval);
		ran++;
	}
	ck_assert_uint_gt(ran, 0);
	bc_object__close(obj);
}

START_TEST(cilium_relocs_selfcheck)
{
	run_selfcheck("relocs-el.elf", "relocs-el.elf");
}
END_TEST

START_TEST(cilium_relocs_read_selfcheck)
{
	run_selfcheck("relocs_read-el.elf", "relocs_read_tgt-el.elf");
}
END_TEST

static Suite *corerelo_suite(void)
{
	Suite *s = suite_create("corerelo");
	TCase *tc = tcase_create("resolve");

	tcase_add_test(tc, field_moved_into_anonymous_union);
	tcase_add_test(tc, flavor_matches_essential_name);
	tcase_add_test(tc, missing_field_poisoned_exists_zero);
	tcase_add_test(tc, load_size_follows_unsigned_field);
	tcase_add_test(tc, bitfield_shifts);
	tcase_add_test(tc, enum_values);
	tcase_add_test(tc, type_relocations);
	tcase_add_test(tc, ambiguous_candidates_refused);
	tcase_add_test(tc, bad_records_named);
	tcase_add_test(tc, missing_kernel_btf_named);
	suite_add_tcase(s, tc);
	tc = tcase_create("cilium");
	tcase_add_test(tc, cilium_relocs_selfcheck);
	tcase_add_test(tc, cilium_relocs_read_selfcheck);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(corerelo_suite());
}
