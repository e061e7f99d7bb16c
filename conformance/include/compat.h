/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared header of the conformance corpus.
 *
 * Every corpus source is compiled twice: as a legacy object, with its maps
 * as `struct bpf_map_def` records in SEC("maps") (libbpf 0.x, samples/bpf),
 * and with -DBTF_TWIN as its "BTF twin", with the same maps declared the
 * libbpf 1.x way in SEC(".maps"). Map references are relocations against
 * the map symbol in both cases, so the two objects carry identical
 * instructions and must give identical kernel program tags.
 */
#ifndef __BC_CONFORMANCE_COMPAT_H
#define __BC_CONFORMANCE_COMPAT_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* The 20-byte record of libbpf 0.x; libbpf 1.x headers no longer have it. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* The 28-byte record of the kernel's samples/bpf (bpf_load.c). */
struct bpf_map_def_samples {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

#ifdef BTF_TWIN

#define DEFINE_MAP_FLAGS(_name, _type, _key, _value, _max, _flags)	\
	struct {							\
		__uint(type, _type);					\
		__type(key, _key);					\
		__type(value, _value);					\
		__uint(max_entries, _max);				\
		__uint(map_flags, _flags);				\
	} _name SEC(".maps")

#define DEFINE_MAP_SAMPLES(_name, _type, _key, _value, _max)		\
	DEFINE_MAP_FLAGS(_name, _type, _key, _value, _max, 0)

#else

#define DEFINE_MAP_FLAGS(_name, _type, _key, _value, _max, _flags)	\
	struct bpf_map_def SEC("maps") _name = {			\
		.type = _type,						\
		.key_size = sizeof(_key),				\
		.value_size = sizeof(_value),				\
		.max_entries = _max,					\
		.map_flags = _flags,					\
	}

/* inner_map_idx and numa_node stay zero: only 20 bytes are meaningful. */
#define DEFINE_MAP_SAMPLES(_name, _type, _key, _value, _max)		\
	struct bpf_map_def_samples SEC("maps") _name = {		\
		.type = _type,						\
		.key_size = sizeof(_key),				\
		.value_size = sizeof(_value),				\
		.max_entries = _max,					\
	}

#endif /* BTF_TWIN */

#define DEFINE_MAP(_name, _type, _key, _value, _max)			\
	DEFINE_MAP_FLAGS(_name, _type, _key, _value, _max, 0)

#define LICENSE(_l) char _license[] SEC("license") = _l

#endif /* __BC_CONFORMANCE_COMPAT_H */
