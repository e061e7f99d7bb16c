/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared internals: logging, error returns, small containers. */
#ifndef __BC_INTERNAL_H
#define __BC_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpfcompat.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif

/* Branch hints for the hot open path: error exits are cold. */
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef __cold
#define __cold		__attribute__((cold, noinline))
#endif

/* Hard caps that bound memory before anything is allocated (HARDENING §3.4). */
#define BC_MAX_SECTIONS		65535
#define BC_MAX_SYMBOLS		(1U << 20)
#define BC_MAX_RELOS		(1U << 20)
#define BC_MAX_MAPS		4096
#define BC_MAX_PROGS		4096
#define BC_MAX_INSNS		(1U << 20)	/* per linked program */
#define BC_KERNEL_NAME_LEN	16		/* BPF_OBJ_NAME_LEN */

__attribute__((format(printf, 2, 3)))
void bc_print(enum bc_print_level level, const char *fmt, ...);
/* A capture of this thread's last warning (bc_log_capture()). */
struct bc_capture {
	char *buf;
	size_t size;
};

/*
 * Keep the text of this thread's last warning in buf (size bytes, cut if
 * longer) until bc_log_release(prev); size 0 stops. Captures nest: the
 * innermost gets the warnings, and prev hands the outer one back. Lets a
 * caller turn a refusal printed deep down into a finding that says why.
 */
void bc_log_capture(char *buf, size_t size, struct bc_capture *prev);
void bc_log_release(const struct bc_capture *prev);

#define pr_warn(fmt, ...)  bc_print(BC_WARN, "bpfcompat: " fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  bc_print(BC_INFO, "bpfcompat: " fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) bc_print(BC_DEBUG, "bpfcompat: " fmt, ##__VA_ARGS__)

/* libbpf_err(): set errno and return the negative code. */
static inline int bc_err(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

static inline void *bc_err_ptr(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

/*
 * Grow an array to hold at least need elements; *cap is updated. Returns
 * the (possibly moved) array or NULL on overflow/ENOMEM (old array kept).
 */
void *bc_grow(void *arr, size_t *cap, size_t need, size_t elem_sz);

/* strdup()/asprintf() that return NULL on failure and never on success. */
char *bc_strdup(const char *s);
char *bc_strndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2)))
char *bc_asprintf(const char *fmt, ...);

/* Dynamic "key=value" attribute list used by maps, progs and objects. */
struct bc_attr {
	char *key;
	char *value;
};

int bc_attr_add(struct bc_attr **attrs, size_t *cnt, const char *key,
		const char *value);
const char *bc_attr_get(const struct bc_attr *attrs, size_t cnt,
			const char *key);
void bc_attrs_free(struct bc_attr *attrs, size_t cnt);

/* Read little/big endian integers from object bytes (caller bounds-checks). */
__u32 bc_read_u32(const void *p, bool big_endian);
__u64 bc_read_u64(const void *p, bool big_endian);

/* Running kernel as KERNEL_VERSION(a, b, c) (libbpf's rule: c clamped). */
__u32 bc_running_kversion(void);

/* Lowercase hex SHA-1 (41 bytes with NUL) of buf. */
void bc_sha1_hex(const void *buf, size_t size, char out[41]);

#endif /* __BC_INTERNAL_H */
