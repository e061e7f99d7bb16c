/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpfcompat: load BPF ELF objects written for any loader's conventions.
 *
 * API discipline follows libbpf: opaque objects with getters, methods named
 * <object>__<verb>, extensible calls take an opts struct whose first member
 * is its size, integer calls return a negative errno (and set errno),
 * pointer calls return NULL with errno set.
 */
#ifndef __BPFCOMPAT_H
#define __BPFCOMPAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BC_API
#define BC_API __attribute__((visibility("default")))
#endif

#define BPFCOMPAT_MAJOR_VERSION 0
#define BPFCOMPAT_MINOR_VERSION 1

BC_API const char *bc_version_str(void);

/* ---- logging ---------------------------------------------------------- */

enum bc_print_level {
	BC_WARN,
	BC_INFO,
	BC_DEBUG,
};

typedef int (*bc_print_fn_t)(enum bc_print_level level, const char *fmt,
			     va_list args);

/*
 * Install the one print callback every library message goes through; NULL
 * silences the library. Returns the previous callback. The default prints
 * WARN and INFO to stderr (BPFCOMPAT_LOG_LEVEL=debug adds DEBUG).
 */
BC_API bc_print_fn_t bc_set_print(bc_print_fn_t fn);

/* ---- errors ----------------------------------------------------------- */

enum bc_errno {
	__BC_ERRNO__START = 4000,
	BC_ERRNO__LIBELF = __BC_ERRNO__START, /* libelf failure */
	BC_ERRNO__FORMAT,	/* malformed ELF object */
	BC_ERRNO__DIALECT,	/* no dialect fits / dialect refuses object */
	BC_ERRNO__DESC,		/* malformed dialect descriptor */
	BC_ERRNO__RELOC,	/* relocation cannot be applied */
	BC_ERRNO__ENDIAN,	/* object byte order is not the host's */
	BC_ERRNO__VERIFY,	/* kernel verifier refused a program */
	BC_ERRNO__PIN,		/* pinned object incompatible / unsafe path */
	BC_ERRNO__KERNEL,	/* kernel refused a map or other object */
	BC_ERRNO__UNSUPP,	/* object needs a feature we do not support */
	BC_ERRNO__PARAM,	/* bad dialect parameter */
	__BC_ERRNO__END,
};

/* strerror() that also knows the BC_ERRNO__* range; err may be negative. */
BC_API int bc_strerror(int err, char *buf, size_t size);

/* ---- opts ------------------------------------------------------------- */

/* Declare a zeroed opts struct with .sz set (cf. LIBBPF_OPTS). */
#define BC_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE){						\
			.sz = sizeof(struct TYPE),			\
			__VA_ARGS__					\
		};							\
	})

struct bc_object;
struct bc_map;
struct bc_prog;
struct bc_dialect;
struct bc_detection;

/* ---- dialects ----------------------------------------------------------- */

/* Built-in dialects are always registered; iterate with prev = NULL. */
BC_API const struct bc_dialect *bc_dialect__next(const struct bc_dialect *prev);
BC_API const struct bc_dialect *bc_dialect__find(const char *name);
BC_API const char *bc_dialect__name(const struct bc_dialect *d);
BC_API const char *bc_dialect__summary(const struct bc_dialect *d);
/* Where the descriptor came from: "builtin" or the file path. */
BC_API const char *bc_dialect__origin(const struct bc_dialect *d);

/*
 * Register a user dialect from a YAML descriptor file. Errors are reported
 * compiler-style (file:line:col: ...) through the print callback.
 */
BC_API int bc_dialect__register_file(const char *path);

/* ---- detection ---------------------------------------------------------- */

/*
 * Score an object against every registered dialect. Results are ordered by
 * descending score; entry 0 is the winner if its score is positive.
 */
BC_API struct bc_detection *bc_detect_mem(const void *buf, size_t size);
BC_API struct bc_detection *bc_detect_file(const char *path);
BC_API void bc_detection__free(struct bc_detection *det);
BC_API size_t bc_detection__cnt(const struct bc_detection *det);
BC_API const struct bc_dialect *
bc_detection__dialect(const struct bc_detection *det, size_t i);
BC_API int bc_detection__score(const struct bc_detection *det, size_t i);
BC_API size_t bc_detection__evidence_cnt(const struct bc_detection *det,
					 size_t i);
BC_API const char *bc_detection__evidence(const struct bc_detection *det,
					  size_t i, size_t j);

/* ---- objects ------------------------------------------------------------ */

struct bc_open_opts {
	size_t sz;
	/* dialect name; NULL detects it */
	const char *dialect;
	/* name for bc_object__open_mem(); default "mem" */
	const char *object_name;
	/*
	 * Dialect parameters, "key=value" each (e.g. "mode=act" for tc,
	 * "pin-path=MAP=PATH" for gobpf). A key the dialect does not know
	 * fails the open with BC_ERRNO__PARAM.
	 */
	const char *const *params;
	size_t param_cnt;
	/*
	 * Check mode: findings (bc_object__finding()) are recorded instead of
	 * failing the open wherever collection can go on; only unreadable
	 * input, an unknown dialect or ENOMEM still fail it.
	 */
	bool check;
	/*
	 * bc_object__open_mem() only: use buf in place instead of copying
	 * it, as libbpf's bpf_object__open_mem() does. The caller keeps buf
	 * valid and unchanged until bc_object__close(), which never frees
	 * it. Ignored by bc_object__open_file().
	 */
	bool borrow_buf;
	/*
	 * Kernel BTF that CO-RE relocations resolve against (a raw BTF or
	 * an ELF file with .BTF); NULL for the running kernel's,
	 * /sys/kernel/btf/vmlinux. Read only if the object has CO-RE
	 * records.
	 */
	const char *btf_custom_path;
	/*
	 * Kconfig lines ("CONFIG_X=y\n...") that __kconfig externs take
	 * before the kernel's own config is read (libbpf's opts.kconfig);
	 * the kernel's is read only for externs these leave unset.
	 */
	const char *kconfig;
	size_t :0;
};
#define bc_open_opts__last_field kconfig

BC_API struct bc_object *bc_object__open_file(const char *path,
					      const struct bc_open_opts *opts);
BC_API struct bc_object *bc_object__open_mem(const void *buf, size_t size,
					     const struct bc_open_opts *opts);
/* Closes fds; pinned objects stay pinned. NULL is a no-op. */
BC_API void bc_object__close(struct bc_object *obj);

BC_API const char *bc_object__name(const struct bc_object *obj);
BC_API const char *bc_object__path(const struct bc_object *obj);
BC_API const struct bc_dialect *bc_object__dialect(const struct bc_object *obj);
BC_API const char *bc_object__license(const struct bc_object *obj);
/* Kernel version sent with BPF_PROG_LOAD; *explicit is set if the object
 * carried one. */
BC_API __u32 bc_object__kversion(const struct bc_object *obj, bool *explicit_);
BC_API bool bc_object__big_endian(const struct bc_object *obj);
/* Lowercase hex SHA-1 of the object bytes (41 bytes incl. NUL). */
BC_API const char *bc_object__sha1(const struct bc_object *obj);

BC_API size_t bc_object__map_cnt(const struct bc_object *obj);
BC_API struct bc_map *bc_object__map(const struct bc_object *obj, size_t i);
BC_API struct bc_map *bc_object__find_map(const struct bc_object *obj,
					  const char *name);
BC_API size_t bc_object__prog_cnt(const struct bc_object *obj);
BC_API struct bc_prog *bc_object__prog(const struct bc_object *obj, size_t i);
BC_API struct bc_prog *bc_object__find_prog(const struct bc_object *obj,
					    const char *name);

/* Initial slot contents: prog arrays (tail calls) and maps of maps. */
BC_API size_t bc_object__init_cnt(const struct bc_object *obj);
/* Returns 0 and fills the out params; target is a prog for prog arrays,
 * else a map. */
BC_API int bc_object__init(const struct bc_object *obj, size_t i,
			   const struct bc_map **map, __u32 *key,
			   const struct bc_prog **prog,
			   const struct bc_map **inner);

/* ---- maps --------------------------------------------------------------- */

enum bc_map_kind {
	BC_MAP_USER,	/* declared by the object's map convention */
	BC_MAP_DATA,	/* .data* global data */
	BC_MAP_RODATA,	/* .rodata* global data, frozen */
	BC_MAP_BSS,	/* .bss* global data */
	BC_MAP_INNER,	/* inner-map template only (never pinned/inserted) */
	BC_MAP_KCONFIG,	/* __kconfig externs, filled at load, frozen */
};

BC_API const char *bc_map__name(const struct bc_map *map);
BC_API enum bc_map_kind bc_map__kind(const struct bc_map *map);
BC_API __u32 bc_map__type(const struct bc_map *map);
BC_API __u32 bc_map__key_size(const struct bc_map *map);
BC_API __u32 bc_map__value_size(const struct bc_map *map);
BC_API __u32 bc_map__max_entries(const struct bc_map *map);
BC_API __u32 bc_map__flags(const struct bc_map *map);
BC_API __u32 bc_map__numa_node(const struct bc_map *map);
BC_API __u64 bc_map__map_extra(const struct bc_map *map);
/* The pinning value as written in the object, and the resolved pin path
 * (NULL if unpinned; resolved by plan/load). */
BC_API __u32 bc_map__pinning(const struct bc_map *map);
BC_API const char *bc_map__pin_path(const struct bc_map *map);
BC_API const struct bc_map *bc_map__inner(const struct bc_map *map);
BC_API const char *bc_map__section(const struct bc_map *map);
BC_API __u64 bc_map__offset(const struct bc_map *map);
/* Dialect-specific attributes (e.g. tc "id", gobpf "namespace"). */
BC_API size_t bc_map__attr_cnt(const struct bc_map *map);
BC_API const char *bc_map__attr(const struct bc_map *map, size_t i,
				const char **value);
/* After load: fd (-1 before), kernel id, whether an existing pin was
 * reused. */
BC_API int bc_map__fd(const struct bc_map *map);
BC_API __u32 bc_map__id(const struct bc_map *map);
BC_API bool bc_map__reused(const struct bc_map *map);

/* ---- programs ----------------------------------------------------------- */

BC_API const char *bc_prog__name(const struct bc_prog *prog);
BC_API const char *bc_prog__section(const struct bc_prog *prog);
BC_API __u32 bc_prog__type(const struct bc_prog *prog);
BC_API __u32 bc_prog__expected_attach_type(const struct bc_prog *prog);
BC_API const char *bc_prog__attach_target(const struct bc_prog *prog);
BC_API __u32 bc_prog__flags(const struct bc_prog *prog);
BC_API bool bc_prog__autoload(const struct bc_prog *prog);
BC_API int bc_prog__set_autoload(struct bc_prog *prog, bool autoload);
BC_API __u64 bc_prog__offset(const struct bc_prog *prog);
/* Instruction count as loaded (entry plus linked subprograms; before
 * relocation, the entry alone). */
BC_API size_t bc_prog__insn_cnt(const struct bc_prog *prog);
BC_API const void *bc_prog__insns(const struct bc_prog *prog);
/* Section params parsed by the dialect, in order (perf's key=value). */
BC_API size_t bc_prog__param_cnt(const struct bc_prog *prog);
BC_API const char *bc_prog__param(const struct bc_prog *prog, size_t i,
				  const char **value);
BC_API int bc_prog__fd(const struct bc_prog *prog);
BC_API __u32 bc_prog__id(const struct bc_prog *prog);
/* Kernel tag as 16 hex digits, "" before load. */
BC_API const char *bc_prog__tag(const struct bc_prog *prog);
/* Verifier log of the last failed load ("" if none). */
BC_API const char *bc_prog__log(const struct bc_prog *prog);

/* ---- loading ------------------------------------------------------------ */

struct bc_load_opts {
	size_t sz;
	/* bpffs root for map pins; default: the mounted bpffs (/sys/fs/bpf) */
	const char *bpffs;
	/* pin every loaded program as <pin_progs>/<prog name> */
	const char *pin_progs;
	/* plan only: no syscalls, no privileges needed */
	bool dry_run;
	/* verifier log level used when a load is retried with a log (1, 2) */
	__u32 log_level;
	/* log size cap in bytes; 0 = default (16 MiB) */
	__u32 log_size_max;
	/* programs verified in parallel; 0 = online CPUs, 1 = strictly in
	 * order */
	int jobs;
	size_t :0;
};
#define bc_load_opts__last_field jobs

/*
 * Relocate, plan and load (or with dry_run, only plan). On failure every
 * map, program and pin this call created is removed again; pre-existing
 * pins are never touched. Returns 0, -BC_ERRNO__VERIFY / a kernel errno if
 * the kernel refused, or another negative errno for bad input.
 */
BC_API int bc_object__load(struct bc_object *obj,
			   const struct bc_load_opts *opts);

/* Human-readable plan of the last load/dry run, one step per line. */
BC_API size_t bc_object__plan_cnt(const struct bc_object *obj);
BC_API const char *bc_object__plan_step(const struct bc_object *obj,
					size_t i);

/* ---- names ---------------------------------------------------------------- */

/* bpftool's spelling ("hash", "sched_cls", ...); NULL if unknown. */
BC_API const char *bc_map_type_name(__u32 type);
BC_API const char *bc_prog_type_name(__u32 type);
BC_API const char *bc_attach_type_name(__u32 type);
/* Reverse lookups; return -ENOENT if unknown. */
BC_API int bc_map_type_by_name(const char *name, __u32 *type);
BC_API int bc_prog_type_by_name(const char *name, __u32 *type);
BC_API int bc_attach_type_by_name(const char *name, __u32 *type);

/* ---- attaching ------------------------------------------------------------ */

struct bc_attach_opts {
	size_t sz;
	/* tracefs root; default: the mounted one, else /sys/kernel/tracing
	 * is mounted for the attachment's lifetime */
	const char *tracefs;
	size_t :0;
};
#define bc_attach_opts__last_field tracefs

/*
 * Attach every loaded program the object's convention attaches: trace
 * events, kprobes and uprobes through perf events, one per online CPU.
 * Probe events are created in tracefs and removed again on detach. On
 * failure everything this call made is undone. A second call is -EBUSY.
 */
BC_API int bc_object__attach(struct bc_object *obj,
			     const struct bc_attach_opts *opts);
/* Undo bc_object__attach() (also done by bc_object__close()). */
BC_API int bc_object__detach(struct bc_object *obj);
/* What is attached: trace event "group:event" and its program. */
BC_API size_t bc_object__link_cnt(const struct bc_object *obj);
BC_API const char *bc_object__link(const struct bc_object *obj, size_t i,
				   const struct bc_prog **prog);

/* Update one element of a loaded map (bpf_map_update_elem). */
BC_API int bc_map__update(const struct bc_map *map, const void *key,
			  const void *value, __u64 flags);

/* ---- output channels -------------------------------------------------------- */

/*
 * A PERF_EVENT_ARRAY map as an output channel (perf's __bpf_stdout__):
 * a bpf-output perf event per CPU stored in the map, read back through
 * their ring buffers. fn gets every record bpf_perf_event_output() wrote.
 */
typedef void (*bc_output_fn)(void *ctx, int cpu, const void *data,
			     size_t size);

struct bc_output_opts {
	size_t sz;
	/* ring buffer pages per CPU, a power of 2; default 8 */
	size_t pages;
	size_t :0;
};
#define bc_output_opts__last_field pages

struct bc_output;

BC_API struct bc_output *bc_output__new(const struct bc_map *map,
					bc_output_fn fn, void *ctx,
					const struct bc_output_opts *opts);
/* Wait up to timeout_ms for records and deliver them; returns how many
 * were delivered or a negative errno (-EINTR on a signal). */
BC_API int bc_output__poll(struct bc_output *out, int timeout_ms);
/* Records the kernel dropped because a buffer was full. */
BC_API __u64 bc_output__lost(const struct bc_output *out);
BC_API void bc_output__free(struct bc_output *out);

/* ---- conformance checking ------------------------------------------------ */

enum bc_severity {
	BC_SEV_WARNING = 1,	/* fragile or non-portable */
	BC_SEV_ERROR = 2,	/* the native loader refuses or misbehaves */
};

struct bc_finding;

struct bc_check_opts {
	size_t sz;
	size_t :0;
};
#define bc_check_opts__last_field sz

/*
 * Run the checks that need a collected object (linking, the dialect's own
 * rules) on an object opened with bc_open_opts.check. Returns the number
 * of error-level findings, or a negative errno.
 */
BC_API int bc_object__check(struct bc_object *obj,
			    const struct bc_check_opts *opts);
BC_API size_t bc_object__finding_cnt(const struct bc_object *obj);
BC_API const struct bc_finding *bc_object__finding(const struct bc_object *obj,
						   size_t i);
/* Stable generic id, e.g. "map-record-size" (docs/dialect-schema.md). */
BC_API const char *bc_finding__rule(const struct bc_finding *f);
BC_API enum bc_severity bc_finding__severity(const struct bc_finding *f);
/* Location; NULL / -1 when the finding has none. */
BC_API const char *bc_finding__section(const struct bc_finding *f);
BC_API const char *bc_finding__symbol(const struct bc_finding *f);
BC_API long long bc_finding__offset(const struct bc_finding *f);
BC_API const char *bc_finding__message(const struct bc_finding *f);
/* What the dialect's native loader does, from its descriptor ("" if the
 * descriptor says nothing). */
BC_API const char *bc_finding__predicts(const struct bc_finding *f);
BC_API const char *bc_severity_name(enum bc_severity sev);

/* ---- conversion ------------------------------------------------------------ */

/*
 * What a conversion changed, and what behaves differently afterwards: one
 * entry per line, each with its kind ("change", "differs", "load-option",
 * "refused").
 */
struct bc_convert_report;

BC_API struct bc_convert_report *bc_convert_report__new(void);
BC_API void bc_convert_report__free(struct bc_convert_report *rep);
BC_API size_t bc_convert_report__cnt(const struct bc_convert_report *rep);
/* Entry i's text; its kind through *kind (may be NULL). NULL if out of
 * range. */
BC_API const char *bc_convert_report__entry(const struct bc_convert_report *rep,
					    size_t i, const char **kind);

struct bc_convert_opts {
	size_t sz;
	/* target convention: "libbpf" (default) */
	const char *to;
	/* filled with every change and difference, or the refusal; may be
	 * NULL */
	struct bc_convert_report *report;
	/* --to tc: the program that becomes tc's default section
	 * (classifier/action/prog); NULL picks the first classifier */
	const char *entry;
	size_t :0;
};
#define bc_convert_opts__last_field entry

/*
 * Rewrite the object in another loader's convention and write it to
 * out_path. The instructions are copied unchanged. An object whose
 * behaviour cannot be carried over is refused whole (-BC_ERRNO__UNSUPP,
 * reason in the report and the log); nothing is written then.
 */
BC_API int bc_object__convert(struct bc_object *obj, const char *out_path,
			      const struct bc_convert_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* __BPFCOMPAT_H */
