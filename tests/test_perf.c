// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * perf dialect: the section-name config language (params, program types,
 * perf's warnings and errors), perf's map records and the prologue code,
 * all without a kernel (the prologue is checked on a dry run).
 */
#include <elf.h>
#include <stdio.h>
#include <linux/bpf.h>

#include "bpfcompat.h"
#include "elfbuild.h"
#include "testutil.h"

static void setup(void)
{
	bc_test_capture_log();
}

/* One program "f" (r0 = 0; exit) in section sec, license "GPL". */
static struct bc_object *open_sec(const char *sec)
{
	BC_OPTS(bc_open_opts, o, .dialect = "perf");
	struct bc_elfb *b = bc_elfb_new(false);
	struct bc_object *obj;
	unsigned char insns[16];
	void *buf;
	size_t size;
	int idx;

	bc_elfb_insn(insns, false, 0xb7, 0, 0, 0, 0);
	bc_elfb_insn(insns + 8, false, 0x95, 0, 0, 0, 0);
	idx = bc_elfb_add_sec(b, sec, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
			      insns, sizeof(insns));
	bc_elfb_add_sym(b, "f", idx, 0, 16, STT_FUNC, STB_GLOBAL);
	bc_elfb_add_sec(b, "license", SHT_PROGBITS, SHF_ALLOC, "GPL", 4);
	buf = bc_elfb_finish(b, &size);
	obj = bc_object__open_mem(buf, size, &o);
	bc_elfb_free(b);
	return obj;
}

static const char *params_str(const struct bc_prog *prog)
{
	static char buf[1024];
	const char *k, *v;
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < bc_prog__param_cnt(prog); i++) {
		k = bc_prog__param(prog, i, &v);
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s=%s",
				i ? " " : "", k, v);
	}
	return buf;
}

static void check_sec(const char *sec, __u32 type, const char *params)
{
	struct bc_object *obj = open_sec(sec);
	struct bc_prog *prog;

	ck_assert_msg(obj, "%s: %s", sec, bc_test_log());
	prog = bc_object__prog(obj, 0);
	ck_assert_uint_eq(bc_prog__type(prog), type);
	ck_assert_str_eq(params_str(prog), params);
	bc_object__close(obj);
}

static void check_refused(const char *sec, const char *msg)
{
	struct bc_object *obj = open_sec(sec);

	ck_assert_msg(!obj, "%s: accepted", sec);
	ck_assert_msg(strstr(bc_test_log(), msg), "%s: log lacks '%s':\n%s",
		      sec, msg, bc_test_log());
}

START_TEST(tracepoints)
{
	check_sec("syscalls:sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT,
		  "tracepoint=syscalls:sys_enter_openat attach=yes");
	check_sec("!raw_syscalls:unaugmented", BPF_PROG_TYPE_TRACEPOINT,
		  "tracepoint=raw_syscalls:unaugmented attach=no");
	check_sec("syscalls:sys_enter_open*", BPF_PROG_TYPE_TRACEPOINT,
		  "tracepoint=syscalls:sys_enter_open* attach=yes");
	/* kv pairs before a tracepoint are parsed, and change nothing. */
	check_sec("exec=/bin/true;sched:sched_switch", BPF_PROG_TYPE_TRACEPOINT,
		  "exec=/bin/true tracepoint=sched:sched_switch attach=yes");
}
END_TEST

START_TEST(probes)
{
	check_sec("func=do_epoll_wait", BPF_PROG_TYPE_KPROBE,
		  "probe=kprobe group=perf_bpf_probe func=do_epoll_wait event=func");
	check_sec("hrtimer_nanosleep=hrtimer_nanosleep rqtp",
		  BPF_PROG_TYPE_KPROBE,
		  "probe=kprobe group=perf_bpf_probe func=hrtimer_nanosleep event=hrtimer_nanosleep arg=rqtp");
	check_sec("exec=/bin/true;inlines=no;force=yes;ev3=foo+4",
		  BPF_PROG_TYPE_KPROBE,
		  "exec=/bin/true inlines=no force=yes probe=uprobe group=perf_bpf_probe func=foo offset=4 event=ev3");
	check_sec("exec=/bin/true;perf_bpf_probe:ev2=foo%return",
		  BPF_PROG_TYPE_KPROBE,
		  "exec=/bin/true probe=uprobe group=perf_bpf_probe func=foo event=ev2__return return=yes");
	check_sec("module=i915;parse_cmds=i915_parse_cmds %di y=+8(%si):u32",
		  BPF_PROG_TYPE_KPROBE,
		  "module=i915 probe=kprobe group=perf_bpf_probe func=i915_parse_cmds event=parse_cmds arg=%di arg=y=+8(%si):u32");
}
END_TEST

START_TEST(warnings_and_errors)
{
	/* A segment without '=' is only a warning, as in perf. */
	check_sec("exec=/bin/true;bogus;func=foo", BPF_PROG_TYPE_KPROBE,
		  "exec=/bin/true probe=uprobe group=perf_bpf_probe func=foo event=func");
	ck_assert_ptr_nonnull(strstr(bc_test_log(),
				     "invalid config 'bogus' ignored"));
	check_refused("exec=/bin/true;color=red;func=foo",
		      "invalid program config term 'color'");
	check_refused("exec=/bin/true;foo", "is not a valid tracepoint");
	check_refused("kprobe/do_sys_openat2", "is not a valid tracepoint");
	check_refused("exec=/bin/true;mygrp:ev=foo", "invalid group name");
	check_refused("foo a=b", "no event name found");
	check_refused("9ev=foo", "C symbol-naming rule");
	check_refused("force=maybe;ev=foo", "is not a boolean");
	check_refused("ev=foo:12", "need DWARF");
	check_refused("ev=foo $params", "are not supported");
	check_refused("ev=foo a:s13", "TYPE must be");
}
END_TEST

/* The 28-byte record; a non-zero inner_map_idx is refused, as by libbpf. */
static struct bc_object *open_maps(__u32 inner)
{
	BC_OPTS(bc_open_opts, o, .dialect = "perf");
	__u32 rec[14] = { 4, 4, 4, 2, 0, 0, 0, 2, 4, 8, 1, 0, inner, 0 };
	struct bc_elfb *b = bc_elfb_new(false);
	struct bc_object *obj;
	unsigned char insns[16];
	void *buf;
	size_t size;
	int idx;

	bc_elfb_insn(insns, false, 0xb7, 0, 0, 0, 0);
	bc_elfb_insn(insns + 8, false, 0x95, 0, 0, 0, 0);
	idx = bc_elfb_add_sec(b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
			      rec, sizeof(rec));
	/* Out of offset order, as in perf's augmented_raw_syscalls.o. */
	bc_elfb_add_sym(b, "knobs", idx, 28, 28, STT_OBJECT, STB_GLOBAL);
	bc_elfb_add_sym(b, "__bpf_stdout__", idx, 0, 28, STT_OBJECT,
			STB_GLOBAL);
	idx = bc_elfb_add_sec(b, "sched:sched_switch", SHT_PROGBITS,
			      SHF_ALLOC | SHF_EXECINSTR, insns, sizeof(insns));
	bc_elfb_add_sym(b, "f", idx, 0, 16, STT_FUNC, STB_GLOBAL);
	buf = bc_elfb_finish(b, &size);
	obj = bc_object__open_mem(buf, size, &o);
	bc_elfb_free(b);
	return obj;
}

START_TEST(maps28)
{
	struct bc_object *obj = open_maps(0);
	struct bc_map *m;

	ck_assert_msg(obj, "%s", bc_test_log());
	ck_assert_uint_eq(bc_object__map_cnt(obj), 2);
	m = bc_object__map(obj, 0);
	ck_assert_str_eq(bc_map__name(m), "__bpf_stdout__");
	ck_assert_uint_eq(bc_map__type(m), BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	m = bc_object__map(obj, 1);
	ck_assert_str_eq(bc_map__name(m), "knobs");
	ck_assert_uint_eq(bc_map__value_size(m), 8);
	ck_assert_uint_eq(bc_map__offset(m), 28);
	bc_object__close(obj);
	ck_assert_ptr_null(open_maps(3));
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "are not zero"));
}
END_TEST

static struct bc_object *dry_run(const char *sec)
{
	BC_OPTS(bc_load_opts, lo, .dry_run = true);
	struct bc_object *obj = open_sec(sec);

	ck_assert_msg(obj, "%s: %s", sec, bc_test_log());
	ck_assert_msg(!bc_object__load(obj, &lo), "%s: %s", sec,
		      bc_test_log());
	return obj;
}

START_TEST(prologue_fast)
{
	/* r3 = *(u64 *)(r1 + 112); r4 = *(u64 *)(r1 + 104); r2 = 0 */
	static const struct bpf_insn want[] = {
		{ BPF_LDX | BPF_MEM | BPF_DW, 3, 1, 112, 0 },
		{ BPF_LDX | BPF_MEM | BPF_DW, 4, 1, 104, 0 },
		{ BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 0 },
		{ BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0 },
		{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 },
	};
	struct bc_object *obj = dry_run("exec=/bin/true;ev=foo %di %si");
	struct bc_prog *prog = bc_object__prog(obj, 0);

	ck_assert_uint_eq(bc_prog__insn_cnt(prog), sizeof(want) / sizeof(want[0]));
	ck_assert_mem_eq(bc_prog__insns(prog), want, sizeof(want));
	bc_object__close(obj);
}
END_TEST

START_TEST(prologue_slow)
{
	struct bc_object *obj;
	const struct bpf_insn *in;
	struct bc_prog *prog;

	/* perf's 23 instructions for "a p->y" (perf.md §9.5). */
	obj = dry_run("exec=/bin/true;ev=foo a=%di y=+8(%si):s64");
	prog = bc_object__prog(obj, 0);
	in = bc_prog__insns(prog);
	ck_assert_uint_eq(bc_prog__insn_cnt(prog), 23 + 2);
	ck_assert_uint_eq(in[0].code, BPF_ALU64 | BPF_MOV | BPF_X); /* r6 = r1 */
	ck_assert_uint_eq(in[12].code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(in[12].imm, BPF_FUNC_probe_read_kernel);
	ck_assert_uint_eq(in[13].code, BPF_JMP | BPF_JNE | BPF_K);
	ck_assert_int_eq(in[13].off, 17 - 14);	/* to r2 = 1 */
	ck_assert_int_eq(in[22].src_reg, 6);	/* r1 = r6 */
	bc_object__close(obj);

	obj = dry_run("exec=/bin/true;ev=foo y=+8(%si)@user");
	in = bc_prog__insns(bc_object__prog(obj, 0));
	ck_assert_int_eq(in[8].imm, BPF_FUNC_probe_read_user);
	bc_object__close(obj);
}
END_TEST

START_TEST(prologue_errors)
{
	BC_OPTS(bc_load_opts, lo, .dry_run = true);
	struct bc_object *obj;

	obj = open_sec("exec=/bin/true;ev=foo p->y");
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_ne(bc_object__load(obj, &lo), 0);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "name a register"));
	bc_object__close(obj);
	obj = open_sec("ev=foo %xyz");
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_ne(bc_object__load(obj, &lo), 0);
	ck_assert_ptr_nonnull(strstr(bc_test_log(), "unknown register"));
	bc_object__close(obj);
}
END_TEST

static Suite *perf_suite(void)
{
	Suite *s = suite_create("perf");
	TCase *tc = tcase_create("perf");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, tracepoints);
	tcase_add_test(tc, probes);
	tcase_add_test(tc, warnings_and_errors);
	tcase_add_test(tc, maps28);
	tcase_add_test(tc, prologue_fast);
	tcase_add_test(tc, prologue_slow);
	tcase_add_test(tc, prologue_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(perf_suite());
}
