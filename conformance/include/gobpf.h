/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The gobpf convention (github.com/iovisor/gobpf/elf/include/bpf_map.h),
 * written from its specification in docs/dialects/gobpf.md: one 280-byte
 * definition per SEC("maps/NAME"), a pinning mode and a namespace.
 */
#ifndef __BC_CONFORMANCE_GOBPF_H
#define __BC_CONFORMANCE_GOBPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define GOBPF_NS_SIZE 256

enum gobpf_pin_type {
	PIN_NONE = 0,
	PIN_OBJECT_NS,
	PIN_GLOBAL_NS,
	PIN_CUSTOM_NS,
};

struct gobpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int pinning;
	char namespace[GOBPF_NS_SIZE];
};

/* The variable name is irrelevant to gobpf: the section names the map. */
#define GOBPF_MAP(_name, _type, _key, _value, _max, _pin, _ns)		\
	struct gobpf_map_def _name SEC("maps/" #_name) = {		\
		.type = _type,						\
		.key_size = sizeof(_key),				\
		.value_size = sizeof(_value),				\
		.max_entries = _max,					\
		.pinning = _pin,					\
		.namespace = _ns,					\
	}

#define GOBPF_LICENSE(_l) char _license[] SEC("license") = _l

/* 0xFFFFFFFE: "the running kernel", resolved by the loader. */
#define GOBPF_VERSION_CURRENT \
	__u32 _version SEC("version") = 0xFFFFFFFE

#endif /* __BC_CONFORMANCE_GOBPF_H */
