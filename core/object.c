// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the object open pipeline, model helpers and getters. */
#include "object.h"
struct bc_object *bc_object__open_file(const char *path, const struct bc_open_opts *opts) { return NULL; }
struct bc_object *bc_object__open_mem(const void *buf, size_t size, const struct bc_open_opts *opts) { return NULL; }
void bc_object__close(struct bc_object *obj) {  }
const char *bc_object__name(const struct bc_object *obj) { return NULL; }
const char *bc_object__path(const struct bc_object *obj) { return NULL; }
const struct bc_dialect *bc_object__dialect(const struct bc_object *obj) { return NULL; }
const char *bc_object__license(const struct bc_object *obj) { return NULL; }
__u32 bc_object__kversion(const struct bc_object *obj, bool *explicit_) { return 0; }
bool bc_object__big_endian(const struct bc_object *obj) { return 0; }
const char *bc_object__sha1(const struct bc_object *obj) { return NULL; }
size_t bc_object__map_cnt(const struct bc_object *obj) { return 0; }
struct bc_map *bc_object__map(const struct bc_object *obj, size_t i) { return NULL; }
struct bc_map *bc_object__find_map(const struct bc_object *obj, const char *name) { return NULL; }
size_t bc_object__prog_cnt(const struct bc_object *obj) { return 0; }
struct bc_prog *bc_object__prog(const struct bc_object *obj, size_t i) { return NULL; }
struct bc_prog *bc_object__find_prog(const struct bc_object *obj, const char *name) { return NULL; }
size_t bc_object__init_cnt(const struct bc_object *obj) { return 0; }
int bc_object__init(const struct bc_object *obj, size_t i, const struct bc_map **map, __u32 *key, const struct bc_prog **prog, const struct bc_map **inner) { return 0; }
const char *bc_map__name(const struct bc_map *map) { return NULL; }
enum bc_map_kind bc_map__kind(const struct bc_map *map) { return 0; }
__u32 bc_map__type(const struct bc_map *map) { return 0; }
__u32 bc_map__key_size(const struct bc_map *map) { return 0; }
__u32 bc_map__value_size(const struct bc_map *map) { return 0; }
__u32 bc_map__max_entries(const struct bc_map *map) { return 0; }
__u32 bc_map__flags(const struct bc_map *map) { return 0; }
__u32 bc_map__numa_node(const struct bc_map *map) { return 0; }
__u64 bc_map__map_extra(const struct bc_map *map) { return 0; }
__u32 bc_map__pinning(const struct bc_map *map) { return 0; }
const char *bc_map__pin_path(const struct bc_map *map) { return NULL; }
const struct bc_map *bc_map__inner(const struct bc_map *map) { return NULL; }
const char *bc_map__section(const struct bc_map *map) { return NULL; }
__u64 bc_map__offset(const struct bc_map *map) { return 0; }
size_t bc_map__attr_cnt(const struct bc_map *map) { return 0; }
const char *bc_map__attr(const struct bc_map *map, size_t i, const char **value) { return NULL; }
int bc_map__fd(const struct bc_map *map) { return 0; }
__u32 bc_map__id(const struct bc_map *map) { return 0; }
bool bc_map__reused(const struct bc_map *map) { return 0; }
const char *bc_prog__name(const struct bc_prog *prog) { return NULL; }
const char *bc_prog__section(const struct bc_prog *prog) { return NULL; }
__u32 bc_prog__type(const struct bc_prog *prog) { return 0; }
__u32 bc_prog__expected_attach_type(const struct bc_prog *prog) { return 0; }
const char *bc_prog__attach_target(const struct bc_prog *prog) { return NULL; }
__u32 bc_prog__flags(const struct bc_prog *prog) { return 0; }
bool bc_prog__autoload(const struct bc_prog *prog) { return 0; }
int bc_prog__set_autoload(struct bc_prog *prog, bool autoload) { return 0; }
__u64 bc_prog__offset(const struct bc_prog *prog) { return 0; }
size_t bc_prog__insn_cnt(const struct bc_prog *prog) { return 0; }
const void *bc_prog__insns(const struct bc_prog *prog) { return NULL; }
size_t bc_prog__param_cnt(const struct bc_prog *prog) { return 0; }
const char *bc_prog__param(const struct bc_prog *prog, size_t i, const char **value) { return NULL; }
int bc_prog__fd(const struct bc_prog *prog) { return 0; }
__u32 bc_prog__id(const struct bc_prog *prog) { return 0; }
const char *bc_prog__tag(const struct bc_prog *prog) { return NULL; }
const char *bc_prog__log(const struct bc_prog *prog) { return NULL; }
size_t bc_object__plan_cnt(const struct bc_object *obj) { return 0; }
const char *bc_object__plan_step(const struct bc_object *obj, size_t i) { return NULL; }
const char *bc_map_type_name(__u32 type) { return NULL; }
const char *bc_prog_type_name(__u32 type) { return NULL; }
const char *bc_attach_type_name(__u32 type) { return NULL; }
int bc_map_type_by_name(const char *name, __u32 *type) { return 0; }
int bc_prog_type_by_name(const char *name, __u32 *type) { return 0; }
int bc_attach_type_by_name(const char *name, __u32 *type) { return 0; }
