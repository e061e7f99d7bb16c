// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * perf's BPF prologue: for a probe section with ARGs, code prepended to
 * the program that loads up to 3 args into r3..r5 and the fetch result
 * into r2 (0 ok, 1 a read failed), so the C function can take them as
 * int f(void *ctx, int err, a1, a2, a3). The instruction sequence is
 * perf's, so the kernel computes the same program tag.
 *
 * perf resolved C variables from DWARF; here a kernel function's
 * parameters and a->b->c member chains come from the running kernel's
 * BTF, %REG and +OFF(%REG) args are used directly.
 */
#include <ctype.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <bpf/btf.h>

#include "btf.h"
#include "dialect.h"
#include "perf/perf.h"

#define PROLOGUE_MAX_INSNS	4096	/* perf's BPF_MAXINSNS budget */

enum {
	ARG_ERR_SYNTAX = 1,
	ARG_ERR_UNSUPP,
	ARG_ERR_DEPTH,
	ARG_ERR_TYPE,
	ARG_ERR_NOMEM,
};

const char *perf_arg_error(int err)
{
	switch (-err) {
	case ARG_ERR_SYNTAX:
		return "not perf probe arg syntax ([NAME=]%REG, [NAME=]+OFF(ARG), [NAME=]VAR[->MEMBER...][@user][:TYPE])";
	case ARG_ERR_UNSUPP:
		return "$vars, $params, $retval, @SYMBOL and strings are not supported";
	case ARG_ERR_DEPTH:
		return "too many dereferences";
	case ARG_ERR_TYPE:
		return "TYPE must be s8..s64, u8..u64 or x8..x64";
	default:
		return "out of memory";
	}
}

void perf_arg_free(struct perf_arg *a)
{
	size_t i;

	free(a->base);
	for (i = 0; i < a->nmem; i++)
		free(a->members[i].name);
	memset(a, 0, sizeof(*a));
}

static size_t ident_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

static int parse_type(const char *t, unsigned int *bits)
{
	char *end;
	long v;

	if (!strchr("sux", t[0]))
		return -ARG_ERR_TYPE;
	v = strtol(t + 1, &end, 10);
	if (*end || (v != 8 && v != 16 && v != 32 && v != 64))
		return -ARG_ERR_TYPE;
	*bits = v;
	return 0;
}

/* VAR{->M|.M} */
static int parse_var(const char *s, struct perf_arg *a)
{
	size_t n = ident_len(s);
	bool arrow;

	if (!n)
		return -ARG_ERR_SYNTAX;
	a->base = bc_strndup(s, n);
	if (!a->base)
		return -ARG_ERR_NOMEM;
	for (s += n; *s; s += n) {
		arrow = !strncmp(s, "->", 2);
		if (!arrow && *s != '.')
			return -ARG_ERR_SYNTAX;
		s += arrow ? 2 : 1;
		n = ident_len(s);
		if (!n)
			return -ARG_ERR_SYNTAX;
		if (a->nmem == PERF_ARG_MAX_REFS)
			return -ARG_ERR_DEPTH;
		a->members[a->nmem].arrow = arrow;
		a->members[a->nmem].name = bc_strndup(s, n);
		if (!a->members[a->nmem++].name)
			return -ARG_ERR_NOMEM;
	}
	return 0;
}

/* %REG or +OFF(ARG), recursively; s is a private copy. */
static int parse_loc(char *s, struct perf_arg *a)
{
	char *end, *close;
	long off;
	int err;

	if (s[0] == '%') {
		if (!ident_len(s + 1) || s[1 + ident_len(s + 1)])
			return -ARG_ERR_SYNTAX;
		a->is_reg = true;
		a->base = bc_strdup(s + 1);
		return a->base ? 0 : -ARG_ERR_NOMEM;
	}
	if (s[0] != '+' && s[0] != '-' && !isdigit((unsigned char)s[0]))
		return -ARG_ERR_SYNTAX;
	errno = 0;
	off = strtol(s, &end, 0);
	close = s + strlen(s) - 1;
	if (errno || end == s || *end != '(' || *close != ')' ||
	    off < INT32_MIN || off > INT32_MAX)
		return -ARG_ERR_SYNTAX;
	*close = '\0';
	err = parse_loc(end + 1, a);
	if (err)
		return err;
	if (!a->is_reg)
		return -ARG_ERR_SYNTAX;
	if (a->nref == PERF_ARG_MAX_REFS)
		return -ARG_ERR_DEPTH;
	a->offs[a->nref++] = off;
	return 0;
}

int perf_arg_parse(const char *text, struct perf_arg *a)
{
	char *s, *p, *colon;
	size_t n;
	int err;

	memset(a, 0, sizeof(*a));
	s = bc_strdup(text);
	if (!s)
		return -ARG_ERR_NOMEM;
	p = s;
	/* [NAME=] */
	n = ident_len(p);
	if (n && p[n] == '=')
		p += n + 1;
	colon = strrchr(p, ':');
	if (colon) {
		*colon = '\0';
		err = parse_type(colon + 1, &a->bits);
		if (err)
			goto out;
	}
	n = strlen(p);
	if (n > 5 && !strcmp(p + n - 5, "@user")) {
		a->user = true;
		p[n - 5] = '\0';
	}
	if (p[0] == '$' || p[0] == '@' || p[0] == '"') {
		err = -ARG_ERR_UNSUPP;
		goto out;
	}
	err = p[0] == '%' || p[0] == '+' || p[0] == '-' ||
	      isdigit((unsigned char)p[0]) ? parse_loc(p, a) : parse_var(p, a);
out:
	free(s);
	if (err)
		perf_arg_free(a);
	return err;
}

/* ---- resolution ----------------------------------------------------------------- */

/* A resolved arg: base register, dereference offsets, load size. */
struct fetch {
	int reg_off;			/* offsetof(struct pt_regs, reg) */
	long refs[PERF_ARG_MAX_REFS];
	size_t nref;
	bool user;
	__u8 size;			/* BPF_B/H/W/DW of the last load */
};

struct reg_name {
	const char *name;
	int off;
};

#if defined(__x86_64__)
/* struct pt_regs of x86_64; perf's names, plus the r-prefixed ones. */
static const struct reg_name regs[] = {
	{ "r15", 0 }, { "r14", 8 }, { "r13", 16 }, { "r12", 24 },
	{ "bp", 32 }, { "bx", 40 }, { "r11", 48 }, { "r10", 56 },
	{ "r9", 64 }, { "r8", 72 }, { "ax", 80 }, { "cx", 88 },
	{ "dx", 96 }, { "si", 104 }, { "di", 112 }, { "ip", 128 },
	{ "sp", 152 },
	{ "rbp", 32 }, { "rbx", 40 }, { "rax", 80 }, { "rcx", 88 },
	{ "rdx", 96 }, { "rsi", 104 }, { "rdi", 112 }, { "rip", 128 },
	{ "rsp", 152 },
};
/* The SysV calling convention's integer argument registers. */
static const char *const arg_regs[] = { "di", "si", "dx", "cx", "r8", "r9" };
#else
static const struct reg_name regs[] = { { NULL, 0 } };
static const char *const arg_regs[] = { NULL };
#endif

static int reg_offset(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i].name && !strcmp(regs[i].name, name))
			return regs[i].off;
	return -1;
}

static __u8 bits_to_size(unsigned int bits)
{
	switch (bits) {
	case 8:
		return BPF_B;
	case 16:
		return BPF_H;
	case 32:
		return BPF_W;
	default:
		return BPF_DW;
	}
}

struct resolver {
	struct bc_object *obj;
	struct bc_prog *prog;
	struct btf *vmlinux;
	const struct btf_type *proto;	/* the probed function's */
	int err;
};

#define rs_warn(rs, fmt, ...)						\
	pr_warn("perf: %s: section '%s': prologue: " fmt,		\
		(rs)->obj->path, (rs)->prog->sec_name, ##__VA_ARGS__)

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id,
					__u32 *res)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res)
		*res = id;
	return t;
}

static int load_vmlinux(struct resolver *rs)
{
	const char *func = bc_attr_get(rs->prog->params, rs->prog->param_cnt,
				       "func");
	const struct btf_type *t;
	__s32 id;

	if (rs->proto)
		return 0;
	if (!func) {
		rs_warn(rs, "variable args need a function probe point\n");
		return -BC_ERRNO__UNSUPP;
	}
	rs->vmlinux = btf__load_vmlinux_btf();
	if (!rs->vmlinux) {
		rs_warn(rs, "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s\n",
			strerror(errno));
		return -BC_ERRNO__UNSUPP;
	}
	id = btf__find_by_name_kind(rs->vmlinux, func, BTF_KIND_FUNC);
	t = id > 0 ? btf__type_by_id(rs->vmlinux, id) : NULL;
	t = t ? btf__type_by_id(rs->vmlinux, t->type) : NULL;
	if (!t || !btf_is_func_proto(t)) {
		rs_warn(rs, "kernel BTF has no function '%s'\n", func);
		return -BC_ERRNO__UNSUPP;
	}
	rs->proto = t;
	return 0;
}

/* Find member name in struct/union t, anonymous members included. */
static bool find_member(const struct btf *btf, const struct btf_type *t,
			const char *name, __u32 *off, __u32 *type)
{
	const struct btf_member *m = btf_members(t);
	const struct btf_type *mt;
	__u32 sub_off, sub_type;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);

		if (btf_member_bitfield_size(t, i))
			continue;
		if (mn && !strcmp(mn, name)) {
			*off = btf_member_bit_offset(t, i) / 8;
			*type = m->type;
			return true;
		}
		mt = skip_mods(btf, m->type, NULL);
		if ((!mn || !mn[0]) && mt && btf_is_composite(mt) &&
		    find_member(btf, mt, name, &sub_off, &sub_type)) {
			*off = btf_member_bit_offset(t, i) / 8 + sub_off;
			*type = sub_type;
			return true;
		}
	}
	return false;
}

static int resolve_var(struct resolver *rs, const struct perf_arg *a,
		       struct fetch *f)
{
	const struct btf_param *p;
	const struct btf_type *t;
	__u32 type = 0, off, i;
	int idx = -1, err;
	__s64 size;

	if (bc_attr_get(rs->prog->params, rs->prog->param_cnt, "exec")) {
		rs_warn(rs, "arg '%s': naming variables of a uprobe needs the target's debug info; name a register instead (%%di)\n",
			a->base);
		return -BC_ERRNO__UNSUPP;
	}
	err = load_vmlinux(rs);
	if (err)
		return err;
	p = btf_params(rs->proto);
	for (i = 0; i < btf_vlen(rs->proto); i++, p++) {
		const char *n = btf__name_by_offset(rs->vmlinux, p->name_off);

		if (n && !strcmp(n, a->base)) {
			idx = i;
			type = p->type;
		}
	}
	if (idx < 0 || (size_t)idx >= ARRAY_SIZE(arg_regs) || !arg_regs[idx]) {
		rs_warn(rs, "arg '%s' is not a register-passed parameter of the probed function in the kernel's BTF\n",
			a->base);
		return -BC_ERRNO__UNSUPP;
	}
	f->reg_off = reg_offset(arg_regs[idx]);
	for (i = 0; i < a->nmem; i++) {
		t = skip_mods(rs->vmlinux, type, NULL);
		if (a->members[i].arrow) {
			if (!t || !btf_is_ptr(t))
				goto not_ptr;
			t = skip_mods(rs->vmlinux, t->type, NULL);
		} else if (!f->nref) {
			goto not_ptr;
		}
		if (!t || !btf_is_composite(t) ||
		    !find_member(rs->vmlinux, t, a->members[i].name, &off,
				 &type)) {
			rs_warn(rs, "arg '%s': no member '%s' in its type (kernel BTF)\n",
				a->base, a->members[i].name);
			return -BC_ERRNO__UNSUPP;
		}
		if (a->members[i].arrow)
			f->refs[f->nref++] = off;
		else
			f->refs[f->nref - 1] += off;
	}
	size = btf__resolve_size(rs->vmlinux, type);
	if (f->nref && size != 1 && size != 2 && size != 4 && size != 8) {
		rs_warn(rs, "arg '%s': a %lld-byte value does not fit a register\n",
			a->base, (long long)size);
		return -BC_ERRNO__UNSUPP;
	}
	f->size = bits_to_size(size * 8);
	return 0;

not_ptr:
	rs_warn(rs, "arg '%s': member '%s' of a value that is not a pointer to a struct\n",
		a->base, a->members[i].name);
	return -BC_ERRNO__UNSUPP;
}

static int resolve(struct resolver *rs, const char *text, struct fetch *f)
{
	struct perf_arg a;
	size_t i;
	int err;

	memset(f, 0, sizeof(*f));
	err = perf_arg_parse(text, &a);
	if (err) {
		rs_warn(rs, "arg '%s': %s\n", text, perf_arg_error(err));
		return -BC_ERRNO__DIALECT;
	}
	f->user = a.user;
	f->size = BPF_DW;
	if (a.is_reg) {
		f->reg_off = reg_offset(a.base);
		if (f->reg_off < 0) {
			rs_warn(rs, "arg '%s': unknown register '%%%s' on this architecture\n",
				text, a.base);
			err = -BC_ERRNO__UNSUPP;
		}
		for (i = 0; i < a.nref; i++)
			f->refs[f->nref++] = a.offs[i];
	} else {
		err = resolve_var(rs, &a, f);
	}
	if (a.bits)
		f->size = bits_to_size(a.bits);
	perf_arg_free(&a);
	return err;
}

/* ---- code generation -------------------------------------------------------------- */

struct gen {
	struct bpf_insn *insns;
	size_t cnt;
	size_t err_jumps[PERF_PROLOGUE_MAX_ARGS * PERF_ARG_MAX_REFS];
	size_t err_cnt;
};

static void emit(struct gen *g, __u8 code, __u8 dst, __u8 src, __s16 off,
		 __s32 imm)
{
	struct bpf_insn *in = &g->insns[g->cnt++];

	in->code = code;
	in->dst_reg = dst;
	in->src_reg = src;
	in->off = off;
	in->imm = imm;
}

#define LDX(g, sz, dst, src, off) \
	emit(g, BPF_LDX | BPF_MEM | (sz), dst, src, off, 0)
#define STX_DW(g, dst, src, off) \
	emit(g, BPF_STX | BPF_MEM | BPF_DW, dst, src, off, 0)
#define MOV_REG(g, dst, src) emit(g, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(g, dst, imm) emit(g, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define ADD_IMM(g, dst, imm) emit(g, BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)

/* All bare registers: one load each, then r2 = 0. */
static void gen_fast(struct gen *g, const struct fetch *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		LDX(g, BPF_DW, BPF_REG_3 + i, BPF_REG_1, f[i].reg_off);
	MOV_IMM(g, BPF_REG_2, 0);
}

/* Read 8 bytes at r3 + off into the stack slot r7 points at. */
static void gen_read(struct gen *g, long off, bool user)
{
	if (off)
		ADD_IMM(g, BPF_REG_3, off);
	MOV_IMM(g, BPF_REG_2, 8);
	MOV_REG(g, BPF_REG_1, BPF_REG_7);
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0,
	     user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel);
	g->err_jumps[g->err_cnt++] = g->cnt;
	emit(g, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, 0);
}

static void jump_to(struct gen *g, size_t at, size_t target)
{
	g->insns[at].off = target - at - 1;
}

/* perf's slow path: r6 = ctx, args staged on the stack, error block. */
static void gen_slow(struct gen *g, const struct fetch *f, int n)
{
	size_t i, j, to_succ, to_user, err_code;
	int slot;

	MOV_REG(g, BPF_REG_6, BPF_REG_1);
	for (i = 0; i < (size_t)n; i++) {
		slot = -8 * (int)(i + 1);
		LDX(g, BPF_DW, BPF_REG_3, BPF_REG_6, f[i].reg_off);
		MOV_REG(g, BPF_REG_7, BPF_REG_10);
		ADD_IMM(g, BPF_REG_7, slot);
		STX_DW(g, BPF_REG_10, BPF_REG_3, slot);
		for (j = 0; j < f[i].nref; j++) {
			gen_read(g, f[i].refs[j], f[i].user);
			if (j + 1 < f[i].nref)
				LDX(g, BPF_DW, BPF_REG_3, BPF_REG_10, slot);
		}
	}
	for (i = 0; i < (size_t)n; i++)
		LDX(g, f[i].nref ? f[i].size : BPF_DW, BPF_REG_3 + i,
		    BPF_REG_10, -8 * (int)(i + 1));
	to_succ = g->cnt;
	emit(g, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	err_code = g->cnt;
	MOV_IMM(g, BPF_REG_2, 1);
	for (i = 0; i < (size_t)n; i++)
		MOV_IMM(g, BPF_REG_3 + i, 0);
	to_user = g->cnt;
	emit(g, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	jump_to(g, to_succ, g->cnt);
	MOV_IMM(g, BPF_REG_2, 0);
	jump_to(g, to_user, g->cnt);
	MOV_REG(g, BPF_REG_1, BPF_REG_6);
	for (i = 0; i < g->err_cnt; i++)
		jump_to(g, g->err_jumps[i], err_code);
}

static int prepend(struct bc_object *obj, struct bc_prog *prog,
		   const struct gen *g)
{
	size_t total = g->cnt + prog->linked_cnt, i;
	struct bpf_insn *insns;

	if (total > PROLOGUE_MAX_INSNS) {
		pr_warn("perf: %s: section '%s': prologue: %zu instructions with the prologue, more than %d\n",
			obj->path, prog->sec_name, total, PROLOGUE_MAX_INSNS);
		return -E2BIG;
	}
	insns = calloc(total, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, g->insns, g->cnt * sizeof(*insns));
	memcpy(insns + g->cnt, prog->linked,
	       prog->linked_cnt * sizeof(*insns));
	if (prog->linked_own)
		free(prog->linked);
	prog->linked = insns;
	prog->linked_own = true;
	prog->linked_cnt = total;
	for (i = 0; i < prog->fixup_cnt; i++)
		prog->fixups[i].insn += g->cnt;
	/* perf loads the prologue variant as "GPL" (its helpers are
	 * GPL-only) and without BTF func/line info. */
	prog->license = "GPL";
	bc_btf_prog_info_free(prog);
	return 0;
}

int perf_prologue(struct bc_object *obj, struct bc_prog *prog)
{
	struct fetch f[PERF_PROLOGUE_MAX_ARGS];
	struct resolver rs = { .obj = obj, .prog = prog };
	struct bpf_insn insns[256];
	struct gen g = { .insns = insns };
	bool fast = true;
	size_t i;
	int n = 0, err = 0;

	if (prog->type != BPF_PROG_TYPE_KPROBE)
		return 0;
	for (i = 0; i < prog->param_cnt && n < PERF_PROLOGUE_MAX_ARGS; i++) {
		if (strcmp(prog->params[i].key, "arg"))
			continue;
		err = resolve(&rs, prog->params[i].value, &f[n]);
		if (err)
			goto out;
		fast &= !f[n].nref;
		n++;
	}
	if (!n)
		goto out;
	if (fast)
		gen_fast(&g, f, n);
	else
		gen_slow(&g, f, n);
	pr_debug("perf: %s: prog '%s': %zu-instruction prologue for %d args\n",
		 obj->path, prog->name, g.cnt, n);
	err = prepend(obj, prog, &g);
out:
	btf__free(rs.vmlinux);
	return err;
}
