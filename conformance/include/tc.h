/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tc corpus header: iproute2's struct bpf_elf_map (include/bpf_elf.h
 * layout, written here from the documented convention) and map macros.
 *
 * With -DBTF_TWIN a source becomes its "BTF twin": the same maps declared
 * in SEC(".maps"), PIN_GLOBAL_NS as LIBBPF_PIN_BY_NAME, which a tc built
 * with libbpf pins under <bpffs>/tc/globals like the legacy loader does.
 */
#ifndef __BC_CONFORMANCE_TC_H
#define __BC_CONFORMANCE_TC_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define PIN_NONE	0
#define PIN_OBJECT_NS	1
#define PIN_GLOBAL_NS	2

#define NO_INSERT	0xffffffffU

/* 36 bytes, 9 x __u32, no padding. */
struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

#ifdef BTF_TWIN
#define TC_MAP(_name, _type, _key, _value, _max, _flags, _id, _pin)	\
	struct {							\
		__uint(type, _type);					\
		__type(key, _key);					\
		__type(value, _value);					\
		__uint(max_entries, _max);				\
		__uint(map_flags, _flags);				\
		__uint(pinning, (_pin) == PIN_GLOBAL_NS ?		\
			LIBBPF_PIN_BY_NAME : LIBBPF_PIN_NONE);		\
	} _name SEC(".maps")
#else
#define TC_MAP(_name, _type, _key, _value, _max, _flags, _id, _pin)	\
	struct bpf_elf_map SEC("maps") _name = {			\
		.type = _type,						\
		.size_key = sizeof(_key),				\
		.size_value = sizeof(_value),				\
		.max_elem = _max,					\
		.flags = _flags,					\
		.id = _id,						\
		.pinning = _pin,					\
	}
#endif

#define LICENSE(s) char __license[] SEC("license") = s

#endif /* __BC_CONFORMANCE_TC_H */
