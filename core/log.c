// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The one print callback, and strerror for our private errno range. */
#include <stdio.h>
#include <strings.h>

#include "internal.h"

static int default_print(enum bc_print_level level, const char *fmt,
			 va_list args)
{
	static int max_level = -1;

	if (max_level < 0) {
		const char *env = getenv("BPFCOMPAT_LOG_LEVEL");

		max_level = BC_INFO;
		if (env && !strcasecmp(env, "debug"))
			max_level = BC_DEBUG;
		else if (env && !strcasecmp(env, "warn"))
			max_level = BC_WARN;
	}
	if ((int)level > max_level)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static bc_print_fn_t print_fn = default_print;

bc_print_fn_t bc_set_print(bc_print_fn_t fn)
{
	bc_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

/* Where this thread keeps its last warning, if someone asked for it. */
static __thread char *capture_buf;
static __thread size_t capture_sz;

void bc_log_capture(char *buf, size_t size, struct bc_capture *prev)
{
	prev->buf = capture_buf;
	prev->size = capture_sz;
	capture_buf = size ? buf : NULL;
	capture_sz = size;
	if (capture_buf)
		capture_buf[0] = '\0';
}

void bc_log_release(const struct bc_capture *prev)
{
	capture_buf = prev->buf;
	capture_sz = prev->size;
}

void bc_print(enum bc_print_level level, const char *fmt, ...)
{
	va_list args;
	int saved = errno;

	if (level == BC_WARN && capture_buf) {
		va_start(args, fmt);
		vsnprintf(capture_buf, capture_sz, fmt, args);
		va_end(args);
	}
	if (!print_fn)
		goto out;
	va_start(args, fmt);
	print_fn(level, fmt, args);
	va_end(args);
out:
	errno = saved;
}

static const char *const bc_errstr[] = {
	[BC_ERRNO__LIBELF - __BC_ERRNO__START]	= "Something wrong in libelf",
	[BC_ERRNO__FORMAT - __BC_ERRNO__START]	= "Malformed BPF ELF object",
	[BC_ERRNO__DIALECT - __BC_ERRNO__START]	= "Object does not follow the dialect's convention",
	[BC_ERRNO__DESC - __BC_ERRNO__START]	= "Malformed dialect descriptor",
	[BC_ERRNO__RELOC - __BC_ERRNO__START]	= "Relocation failed",
	[BC_ERRNO__ENDIAN - __BC_ERRNO__START]	= "Object byte order is not the host's",
	[BC_ERRNO__VERIFY - __BC_ERRNO__START]	= "Kernel verifier refused the program",
	[BC_ERRNO__PIN - __BC_ERRNO__START]	= "Pinned object incompatible or pin path unsafe",
	[BC_ERRNO__KERNEL - __BC_ERRNO__START]	= "Kernel refused to create an object",
	[BC_ERRNO__UNSUPP - __BC_ERRNO__START]	= "Object needs an unsupported feature",
	[BC_ERRNO__PARAM - __BC_ERRNO__START]	= "Bad dialect parameter",
};

int bc_strerror(int err, char *buf, size_t size)
{
	if (!buf || !size)
		return bc_err(-EINVAL);
	err = err > 0 ? err : -err;
	if (err < __BC_ERRNO__START) {
		snprintf(buf, size, "%s", strerror(err));
		return 0;
	}
	if (err < __BC_ERRNO__END) {
		snprintf(buf, size, "%s", bc_errstr[err - __BC_ERRNO__START]);
		return 0;
	}
	snprintf(buf, size, "Unknown bpfcompat error %d", err);
	return bc_err(-ENOENT);
}

const char *bc_version_str(void)
{
	return BC_VERSION_STR;
}
