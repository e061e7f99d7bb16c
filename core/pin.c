// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Pin paths confined to the bpffs root, bpffs discovery, pin journal. */
#include <ctype.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "load.h"
#include "pin.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

/* ---- confinement ------------------------------------------------------ */

static const char *component_error(const char *c, size_t len)
{
	size_t i;

	if (!len)
		return "empty path component";
	if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' &&
					  c[1] == '.'))
		return "'.' or '..' component";
	if (len > NAME_MAX)
		return "path component longer than NAME_MAX";
	for (i = 0; i < len; i++)
		if (iscntrl((unsigned char)c[i]))
			return "control character in path";
	return NULL;
}

static size_t root_len(const char *root)
{
	size_t len = strlen(root);

	/* "/sys/fs/bpf/" and "/sys/fs/bpf" are the same root; "/" stays. */
	while (len > 1 && root[len - 1] == '/')
		len--;
	return len;
}

int bc_pin_join(const char *root, const char *rel, const char *what,
		char **out)
{
	const char *c, *end, *why = NULL;
	size_t rlen;

	*out = NULL;
	if (!root || root[0] != '/') {
		pr_warn("%s: bpffs root '%s' is not an absolute path\n", what,
			root ? root : "(null)");
		return -BC_ERRNO__PIN;
	}
	rlen = root_len(root);
	if (!rel || !rel[0])
		why = "empty path";
	else if (rel[0] == '/')
		why = "absolute path where a bpffs-relative one is required";
	else if (rlen + 1 + strlen(rel) >= PATH_MAX)
		why = "path longer than PATH_MAX";
	for (c = rel; !why && c; c = *end ? end + 1 : NULL) {
		end = strchrnul(c, '/');
		why = component_error(c, end - c);
	}
	if (why) {
		pr_warn("%s: pin path '%.*s%s' under '%s' refused: %s\n", what,
			64, rel ? rel : "", rel && strlen(rel) > 64 ? "..." : "",
			root, why);
		return -BC_ERRNO__PIN;
	}
	*out = rlen == 1 ? bc_asprintf("/%s", rel) :
			   bc_asprintf("%.*s/%s", (int)rlen, root, rel);
	return *out ? 0 : -ENOMEM;
}

int bc_pin_confine(const char *root, const char *path, const char *what,
		   char **out)
{
	size_t rlen;

	*out = NULL;
	if (!root || root[0] != '/')
		return bc_pin_join(root, path, what, out);
	if (!path || path[0] != '/')
		return bc_pin_join(root, path, what, out);
	rlen = root_len(root);
	if (rlen == 1)
		return bc_pin_join(root, path + 1, what, out);
	if (strncmp(path, root, rlen) || path[rlen] != '/') {
		pr_warn("%s: pin path '%s' is outside the bpffs root '%s'\n",
			what, path, root);
		return -BC_ERRNO__PIN;
	}
	return bc_pin_join(root, path + rlen + 1, what, out);
}

void bc_pin_sanitize_name(char *name)
{
	/* bpffs refuses '.' in names; '/' would add a directory level. */
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '_' &&
		    *name != '-')
			*name = '_';
}

/* ---- templates -------------------------------------------------------- */

struct tmpl_buf {
	char s[PATH_MAX];
	size_t len;
	bool overflow;
};

static void buf_put(struct tmpl_buf *b, const char *s, size_t n)
{
	if (b->overflow || b->len + n >= sizeof(b->s)) {
		b->overflow = true;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/*
 * Resolve one {variable}. *component is set if the value comes from the
 * object and must therefore be a single path component.
 */
static const char *tmpl_var(const struct bc_object *obj,
			    const struct bc_map *map, const char *var,
			    const char *root, bool *component)
{
	*component = true;
	if (!strcmp(var, "bpffs")) {
		*component = false;
		return root;
	}
	if (!strcmp(var, "name"))
		return map->name;
	if (!strcmp(var, "sha1"))
		return bc_object_sha1(obj);
	if (!strcmp(var, "object"))
		return obj->name;
	if (!strcmp(var, "namespace"))
		return bc_attr_get(map->attrs, map->attr_cnt, "namespace");
	if (!strncmp(var, "attr:", 5))
		return bc_attr_get(map->attrs, map->attr_cnt, var + 5);
	if (!strncmp(var, "param:", 6)) {
		/* The user's own words: may span directories, still confined. */
		*component = false;
		return bc_attr_get(obj->params, obj->param_cnt, var + 6);
	}
	return NULL;
}

int bc_pin_expand(const struct bc_object *obj, const struct bc_map *map,
		  const char *tmpl, const char *root, char **out)
{
	struct tmpl_buf b = { .len = 0 };
	const char *p = tmpl, *close, *val;
	char var[64], what[300];
	bool component;

	*out = NULL;
	snprintf(what, sizeof(what), "map '%s'", map->name);
	while (*p) {
		if (*p != '{') {
			close = strchrnul(p, '{');
			buf_put(&b, p, close - p);
			p = close;
			continue;
		}
		close = strchr(p, '}');
		if (!close || (size_t)(close - p - 1) >= sizeof(var)) {
			pr_warn("%s: pin template '%s': unterminated or over-long variable\n",
				what, tmpl);
			return -BC_ERRNO__PIN;
		}
		memcpy(var, p + 1, close - p - 1);
		var[close - p - 1] = '\0';
		val = tmpl_var(obj, map, var, root, &component);
		if (!val) {
			pr_warn("%s: pin template '%s': {%s} is unknown or has no value\n",
				what, tmpl, var);
			return -BC_ERRNO__PIN;
		}
		if (component && (!val[0] || strchr(val, '/'))) {
			pr_warn("%s: pin template '%s': {%s} = '%s' is not a single path component\n",
				what, tmpl, var, val);
			return -BC_ERRNO__PIN;
		}
		buf_put(&b, val, strlen(val));
		p = close + 1;
	}
	if (b.overflow) {
		pr_warn("%s: pin template '%s' expands past PATH_MAX\n", what,
			tmpl);
		return -BC_ERRNO__PIN;
	}
	return bc_pin_confine(root, b.s, what, out);
}

/* ---- bpffs ------------------------------------------------------------ */

bool bc_pin_is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

int bc_pin_find_bpffs(char **root)
{
	struct mntent ent, *m;
	char buf[4096], *found = NULL;
	FILE *f;

	*root = NULL;
	f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return -errno;
	while ((m = getmntent_r(f, &ent, buf, sizeof(buf)))) {
		if (strcmp(m->mnt_type, "bpf"))
			continue;
		if (!strcmp(m->mnt_dir, BC_BPFFS_DEFAULT)) {
			free(found);
			found = bc_strdup(m->mnt_dir);
			break;
		}
		if (!found)
			found = bc_strdup(m->mnt_dir);
	}
	endmntent(f);
	if (!found)
		return -ENOENT;
	*root = found;
	return 0;
}

/*
 * Make path a private mount, as tc does before it mounts bpffs there, so
 * the bpffs does not propagate into other mount namespaces. A directory
 * that is no mount point is bound onto itself first (*bound is set).
 */
static int mount_private(const char *path, bool *bound)
{
	*bound = false;
	if (!mount("", path, "none", MS_PRIVATE | MS_REC, NULL))
		return 0;
	if (errno != EINVAL)
		return -errno;
	if (mount(path, path, "none", MS_BIND, NULL))
		return -errno;
	*bound = true;
	if (!mount("", path, "none", MS_PRIVATE | MS_REC, NULL))
		return 0;
	return -errno;
}

int bc_pin_mount_bpffs(const char *path)
{
	bool bound;
	int err;

	if (mkdir(path, 0700) && errno != EEXIST) {
		err = -errno;
		pr_warn("bpffs: cannot create mount point %s: %s\n", path,
			strerror(-err));
		return err;
	}
	err = mount_private(path, &bound);
	if (err) {
		pr_warn("bpffs: cannot make %s a private mount: %s\n", path,
			strerror(-err));
		goto undo;
	}
	if (mount("bpf", path, "bpf", 0, "mode=0700")) {
		err = -errno;
		pr_warn("bpffs: cannot mount bpffs at %s: %s\n", path,
			strerror(-err));
		goto undo;
	}
	pr_info("bpffs: mounted bpffs at %s\n", path);
	return 0;
undo:
	/* Nothing is left of what this call made. */
	if (bound)
		umount2(path, MNT_DETACH);
	return err;
}

/* ---- journal ---------------------------------------------------------- */

static int journal_add(struct bc_pin_journal *j, const char *path, bool dir)
{
	struct bc_pin_rec *r, *recs;
	struct stat st;

	recs = bc_grow(j->recs, &j->cap, j->cnt + 1, sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	j->recs = recs;
	r = &recs[j->cnt];
	r->path = bc_strdup(path);
	if (!r->path)
		return -ENOMEM;
	if (lstat(path, &st)) {
		free(r->path);
		return -errno;
	}
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->dir = dir;
	j->cnt++;
	return 0;
}

int bc_pin_mkdirs(struct bc_pin_journal *j, const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int err;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!mkdir(dir, 0700)) {
			err = journal_add(j, dir, true);
			if (err) {
				rmdir(dir);
				return err;
			}
		} else if (errno != EEXIST) {
			err = -errno;
			pr_warn("pin: cannot create directory %s: %s\n", dir,
				strerror(-err));
			return err;
		}
		*slash = '/';
	}
	return 0;
}

int bc_pin_obj(struct bc_pin_journal *j, int fd, const char *path)
{
	int err;

	err = bc_pin_mkdirs(j, path);
	if (err)
		return err;
	err = bpf_obj_pin(fd, path);
	if (err)
		return err < 0 ? err : -EINVAL;
	err = journal_add(j, path, false);
	if (err)
		unlink(path);
	return err;
}

int bc_pin_symlink(struct bc_pin_journal *j, const char *target,
		   const char *path)
{
	int err;

	err = bc_pin_mkdirs(j, path);
	if (err)
		return err;
	if (symlink(target, path)) {
		if (errno == EEXIST)
			return 0;
		err = -errno;
		pr_warn("pin: cannot link %s to %s: %s\n", path, target,
			strerror(-err));
		return err;
	}
	err = journal_add(j, path, false);
	if (err)
		unlink(path);
	return err;
}

static void undo_one(const struct bc_pin_rec *r)
{
	struct stat st;

	/* Something else may sit there by now: remove only our own inode. */
	if (lstat(r->path, &st) || st.st_dev != r->dev || st.st_ino != r->ino) {
		pr_debug("pin: rollback: %s is no longer ours, left alone\n",
			 r->path);
		return;
	}
	if (r->dir ? rmdir(r->path) : unlink(r->path))
		pr_debug("pin: rollback: cannot remove %s: %s\n", r->path,
			 strerror(errno));
}

void bc_pin_rollback(struct bc_pin_journal *j)
{
	size_t i;

	for (i = j->cnt; i-- > 0;)
		undo_one(&j->recs[i]);
	bc_pin_journal_free(j);
}

void bc_pin_journal_free(struct bc_pin_journal *j)
{
	size_t i;

	for (i = 0; i < j->cnt; i++)
		free(j->recs[i].path);
	free(j->recs);
	memset(j, 0, sizeof(*j));
}
