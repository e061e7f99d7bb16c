/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The pin manager: bpffs discovery, confined pin paths, and a journal of
 * every directory and pin one load created, so a failed load can remove
 * exactly those and nothing that existed before.
 */
#ifndef __BC_PIN_H
#define __BC_PIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "object.h"

#define BC_BPFFS_DEFAULT	"/sys/fs/bpf"

/* True if path is the root of, or inside, a mounted bpffs. */
bool bc_pin_is_bpffs(const char *path);

/*
 * The mounted bpffs from /proc/self/mounts, preferring /sys/fs/bpf.
 * Returns 0 and a malloc'd *root, or -ENOENT if none is mounted.
 */
int bc_pin_find_bpffs(char **root);

/*
 * Mount a bpffs (mode 0700) at path, creating the directory if needed, on
 * a private mount as tc does: a directory that is no mount point is bound
 * onto itself first, and that bind stays under the bpffs.
 */
int bc_pin_mount_bpffs(const char *path);

/*
 * Expand a descriptor pin template for map ({bpffs} {name} {sha1}
 * {object} {namespace} {attr:KEY} {param:KEY}) and confine the result to
 * root. Values taken from the object must be single path components.
 * Returns 0 and a malloc'd absolute *out, or -BC_ERRNO__PIN.
 */
int bc_pin_expand(const struct bc_object *obj, const struct bc_map *map,
		  const char *tmpl, const char *root, char **out);

/*
 * Confine an absolute or root-relative path to root (the check applied to
 * paths returned by dialect hooks). Returns 0 and a malloc'd *out.
 */
int bc_pin_confine(const char *root, const char *path, const char *what,
		   char **out);

/* Turn an object-supplied name into one bpffs path component. */
void bc_pin_sanitize_name(char *name);

struct bc_pin_rec {
	char *path;
	dev_t dev;
	ino_t ino;
	bool dir;
};

/* What one load created on bpffs, in creation order. */
struct bc_pin_journal {
	struct bc_pin_rec *recs;
	size_t cnt, cap;
};

/*
 * mkdir -p the parents of path with mode 0700, journaling the directories
 * this call created.
 */
int bc_pin_mkdirs(struct bc_pin_journal *j, const char *path);

/* Pin fd at path (parents created), journaling it. -errno on failure. */
int bc_pin_obj(struct bc_pin_journal *j, int fd, const char *path);

/*
 * Make path a symlink to target (parents created), journaling it; an
 * existing path is left as it is. -errno on failure.
 */
int bc_pin_symlink(struct bc_pin_journal *j, const char *target,
		   const char *path);

/*
 * Undo the journal in reverse order: unlink pins that still are the inode
 * we created, rmdir created directories that are empty. Then forget it.
 */
void bc_pin_rollback(struct bc_pin_journal *j);

/* Forget the journal (the load succeeded). */
void bc_pin_journal_free(struct bc_pin_journal *j);

#endif /* __BC_PIN_H */
