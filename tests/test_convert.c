// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * core/convert: libbpf section names, the BTF encoding of map
 * definitions (__uint, `values`, the .maps DATASEC libbpf reads) and the
 * reasons a conversion is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#include "bpfcompat.h"
#include "convert.h"
#include "testutil.h"

static struct bc_map mk_map(__u32 type, __u32 key, __u32 value, __u32 max)
{
	struct bc_map m = {
		.type = type, .key_size = key, .value_size = value,
		.max_entries = max, .inner_idx = -1,
	};

	return m;
}

/* The n of an int (*)[n] member. */
static __u32 uint_of(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	ck_assert(btf_is_ptr(t));
	t = btf__type_by_id(btf, t->type);
	ck_assert(btf_is_array(t));
	return btf_array(t)->nelems;
}

static const struct btf_member *member(const struct btf *btf, __u32 id,
				       const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	__u16 i;

	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), name))
			return &m[i];
	return NULL;
}

START_TEST(sec_names)
{
	char *s;

	s = bc_convert_sec_name(BPF_PROG_TYPE_SCHED_CLS, 0, NULL, "classifier");
	ck_assert_str_eq(s, "classifier");
	free(s);
	s = bc_convert_sec_name(BPF_PROG_TYPE_TRACEPOINT, 0,
				"sched:sched_switch", "sched:sched_switch");
	ck_assert_str_eq(s, "tracepoint/sched/sched_switch");
	free(s);
	s = bc_convert_sec_name(BPF_PROG_TYPE_XDP, 0, NULL, "prog");
	ck_assert_str_eq(s, "xdp");
	free(s);
	/* "socket" read as a tracepoint: no libbpf name says that. */
	errno = 0;
	ck_assert_ptr_null(bc_convert_sec_name(BPF_PROG_TYPE_TRACEPOINT, 0,
					       NULL, "socket"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(btf_uint)
{
	struct btf *btf = btf__new_empty();
	int id = bc_convert_btf_uint(btf, 4096);

	ck_assert_int_gt(id, 0);
	ck_assert_uint_eq(uint_of(btf, id), 4096);
	btf__free(btf);
}
END_TEST

START_TEST(map_def_plain)
{
	struct btf *btf = btf__new_empty();
	struct bc_map m = mk_map(BPF_MAP_TYPE_HASH, 4, 8, 128);
	const struct btf_member *mb;
	__u32 size = 0;
	int id;

	m.map_flags = BPF_F_NO_PREALLOC;
	id = bc_convert_btf_map_def(btf, &m, true, NULL, false, &size);
	ck_assert_int_gt(id, 0);
	/* type, key_size, value_size, max_entries, map_flags, pinning */
	ck_assert_uint_eq(size, 6 * 8);
	ck_assert_uint_eq(btf_vlen(btf__type_by_id(btf, id)), 6);
	ck_assert_uint_eq(uint_of(btf, member(btf, id, "type")->type),
			  BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(uint_of(btf, member(btf, id, "map_flags")->type),
			  BPF_F_NO_PREALLOC);
	mb = member(btf, id, "pinning");
	ck_assert_ptr_nonnull(mb);
	ck_assert_uint_eq(uint_of(btf, mb->type), 1);
	ck_assert_uint_eq(btf_member_bit_offset(btf__type_by_id(btf, id), 5),
			  5 * 64);
	ck_assert_ptr_null(member(btf, id, "numa_node"));
	btf__free(btf);
}
END_TEST

START_TEST(map_def_prog_values)
{
	struct btf *btf = btf__new_empty();
	struct bc_map m = mk_map(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8);
	const struct btf_member *mb;
	const struct btf_type *t;
	__u32 size = 0;
	int id;

	id = bc_convert_btf_map_def(btf, &m, false, NULL, true, &size);
	ck_assert_int_gt(id, 0);
	/* `values` is a flexible array: the size stops before it. */
	ck_assert_uint_eq(size, 4 * 8);
	mb = member(btf, id, "values");
	ck_assert_ptr_nonnull(mb);
	t = btf__type_by_id(btf, mb->type);
	ck_assert(btf_is_array(t));
	ck_assert_uint_eq(btf_array(t)->nelems, 0);
	t = btf__type_by_id(btf, btf_array(t)->type);
	ck_assert(btf_is_ptr(t));
	ck_assert(btf_is_func_proto(btf__type_by_id(btf, t->type)));
	btf__free(btf);
}
END_TEST

START_TEST(map_def_inner_values)
{
	struct btf *btf = btf__new_empty();
	struct bc_map outer = mk_map(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 3);
	struct bc_map inner = mk_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1);
	const struct btf_type *t;
	__u32 size;
	int id;

	ck_assert_int_eq(bc_convert_btf_map_def(btf, &outer, false, NULL,
						true, &size), -EINVAL);
	id = bc_convert_btf_map_def(btf, &outer, false, &inner, true, &size);
	ck_assert_int_gt(id, 0);
	t = btf__type_by_id(btf, member(btf, id, "values")->type);
	t = btf__type_by_id(btf, btf_array(t)->type);
	ck_assert(btf_is_ptr(t));
	id = t->type;
	ck_assert(btf_is_struct(btf__type_by_id(btf, id)));
	ck_assert_uint_eq(uint_of(btf, member(btf, id, "max_entries")->type),
			  1);
	btf__free(btf);
}
END_TEST

/* A .maps DATASEC of the built definitions is what libbpf reads. */
START_TEST(maps_datasec)
{
	struct btf *btf = btf__new_empty();
	struct bc_map m = mk_map(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	const struct btf_type *t;
	__u32 size;
	int def, var, sec;

	def = bc_convert_btf_map_def(btf, &m, false, NULL, false, &size);
	var = btf__add_var(btf, "counts", BTF_VAR_GLOBAL_ALLOCATED, def);
	sec = btf__add_datasec(btf, ".maps", size);
	ck_assert_int_gt(sec, 0);
	ck_assert_int_eq(btf__add_datasec_var_info(btf, var, 0, size), 0);
	ck_assert_int_eq(btf__find_by_name_kind(btf, ".maps",
						BTF_KIND_DATASEC), sec);
	t = btf__type_by_id(btf, sec);
	ck_assert_uint_eq(btf_var_secinfos(t)[0].type, var);
	ck_assert_uint_eq(btf_var_secinfos(t)[0].size, size);
	btf__free(btf);
}
END_TEST

/* Convert a corpus object; returns the error, *why the refusal. */
static int convert(const char *rel, const char *to, char *why, size_t len)
{
	struct bc_convert_report *rep = bc_convert_report__new();
	char out[] = "/tmp/bcconv.test.XXXXXX";
	struct bc_object *obj;
	size_t i;
	int fd, err;

	fd = mkstemp(out);
	ck_assert_int_ge(fd, 0);
	close(fd);
	obj = bc_object__open_file(bc_test_corpus(rel), NULL);
	ck_assert_ptr_nonnull(obj);
	BC_OPTS(bc_convert_opts, o, .to = to, .report = rep);
	err = bc_object__convert(obj, out, &o);
	why[0] = '\0';
	for (i = 0; i < bc_convert_report__cnt(rep); i++) {
		const char *kind;
		const char *text = bc_convert_report__entry(rep, i, &kind);

		if (!strcmp(kind, "refused"))
			snprintf(why, len, "%s", text);
	}
	bc_convert_report__free(rep);
	bc_object__close(obj);
	unlink(out);
	return err;
}

static void want_refusal(const char *rel, const char *to, const char *reason)
{
	char why[512];

	if (access(bc_test_corpus(rel), R_OK))
		return;
	ck_assert_int_eq(convert(rel, to, why, sizeof(why)),
			 -BC_ERRNO__UNSUPP);
	ck_assert_msg(strstr(why, reason), "'%s' not in '%s'", reason, why);
}

START_TEST(refusals)
{
	want_refusal("libbpf/btfmaps.o", "libbpf", "already defined in .maps");
	want_refusal("libbpf/btfmaps.o", "tc", "global data: tc has no");
	want_refusal("libbpf/sections.o", "tc", "tc and ip load only");
	want_refusal("tc/tailcall.o", "tc", "already follows tc's convention");
	want_refusal("tc/tailcall.o", "perf", "is not supported");
	want_refusal("perf/kprobe.o", "libbpf",
		     "prologue generated at load time");
}
END_TEST

START_TEST(to_tc_peer)
{
	char why[512];

	if (access(bc_test_corpus("tc/twins/peer.o"), R_OK))
		return;
	ck_assert_int_eq(convert("tc/twins/peer.o", "tc", why, sizeof(why)),
			 0);
}
END_TEST

static Suite *convert_suite(void)
{
	Suite *s = suite_create("convert");
	TCase *tc = tcase_create("btf");

	tcase_add_test(tc, sec_names);
	tcase_add_test(tc, btf_uint);
	tcase_add_test(tc, map_def_plain);
	tcase_add_test(tc, map_def_prog_values);
	tcase_add_test(tc, map_def_inner_values);
	tcase_add_test(tc, maps_datasec);
	suite_add_tcase(s, tc);

	tc = tcase_create("objects");
	tcase_add_checked_fixture(tc, bc_test_quiet, NULL);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, to_tc_peer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bc_test_run(convert_suite());
}
