// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Small containers and helpers shared by every module. */
#include <pthread.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <nettle/sha1.h>

#include "internal.h"

void *bc_grow(void *arr, size_t *cap, size_t need, size_t elem_sz)
{
	size_t new_cap;
	void *p;

	if (need <= *cap)
		return arr;
	new_cap = max(*cap * 2, (size_t)16);
	if (new_cap < need)
		new_cap = need;
	if (new_cap > SIZE_MAX / elem_sz)
		return NULL;
	p = realloc(arr, new_cap * elem_sz);
	if (!p)
		return NULL;
	memset((char *)p + *cap * elem_sz, 0, (new_cap - *cap) * elem_sz);
	*cap = new_cap;
	return p;
}

char *bc_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *bc_strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

char *bc_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	return ret < 0 ? NULL : s;
}

int bc_attr_add(struct bc_attr **attrs, size_t *cnt, const char *key,
		const char *value)
{
	size_t cap = *cnt;	/* exact-size array: grow by one */
	struct bc_attr *a;

	a = bc_grow(*attrs, &cap, *cnt + 1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*attrs = a;
	a[*cnt].key = bc_strdup(key);
	a[*cnt].value = bc_strdup(value ? value : "");
	if (!a[*cnt].key || !a[*cnt].value) {
		free(a[*cnt].key);
		free(a[*cnt].value);
		return -ENOMEM;
	}
	(*cnt)++;
	return 0;
}

const char *bc_attr_get(const struct bc_attr *attrs, size_t cnt,
			const char *key)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		if (!strcmp(attrs[i].key, key))
			return attrs[i].value;
	return NULL;
}

void bc_attrs_free(struct bc_attr *attrs, size_t cnt)
{
	size_t i;

	for (i = 0; i < cnt; i++) {
		free(attrs[i].key);
		free(attrs[i].value);
	}
	free(attrs);
}

__u32 bc_read_u32(const void *p, bool big_endian)
{
	const unsigned char *b = p;

	if (big_endian)
		return (__u32)b[0] << 24 | (__u32)b[1] << 16 |
		       (__u32)b[2] << 8 | b[3];
	return (__u32)b[3] << 24 | (__u32)b[2] << 16 | (__u32)b[1] << 8 | b[0];
}

__u64 bc_read_u64(const void *p, bool big_endian)
{
	const unsigned char *b = p;
	__u64 hi, lo;

	if (big_endian) {
		hi = bc_read_u32(b, true);
		lo = bc_read_u32(b + 4, true);
	} else {
		lo = bc_read_u32(b, false);
		hi = bc_read_u32(b + 4, false);
	}
	return hi << 32 | lo;
}

static __u32 running_kversion;

static void read_kversion(void)
{
	unsigned int major = 0, minor = 0, patch = 0;
	struct utsname info;

	if (uname(&info) ||
	    sscanf(info.release, "%u.%u.%u", &major, &minor, &patch) < 2)
		return;
	/* KERNEL_VERSION() saturates the sublevel at 255 since 4.14.256. */
	if (patch > 255)
		patch = 255;
	running_kversion = major << 16 | minor << 8 | patch;
}

/* The running kernel does not change under a process: asked once. */
__u32 bc_running_kversion(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, read_kversion);
	return running_kversion;
}

void bc_sha1_hex(const void *buf, size_t size, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[SHA1_DIGEST_SIZE];
	struct sha1_ctx ctx;
	int i;

	sha1_init(&ctx);
	sha1_update(&ctx, size, buf);
	sha1_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < SHA1_DIGEST_SIZE; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[40] = '\0';
}
