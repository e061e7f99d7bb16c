// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Conformance findings: the sink every stage reports into in check mode,
 * the dialect's rule -> severity/prediction table applied to each, and the
 * public getters. Which rules exist is decided at the report sites; what
 * they mean for one loader is data in that loader's descriptor.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dialect.h"

static const struct bc_desc_check *desc_check(const struct bc_object *obj,
					      const char *rule)
{
	const struct bc_desc *desc;
	size_t i;

	if (!obj->dialect || !obj->dialect->desc)
		return NULL;
	desc = obj->dialect->desc;
	for (i = 0; i < desc->check_cnt; i++)
		if (!strcmp(desc->checks[i].rule, rule))
			return &desc->checks[i];
	return NULL;
}

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	char *p;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;

		p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The one placeholder at *p, or NULL if p does not start one. */
static const char *placeholder(const struct bc_finding *f, const char *p,
			       size_t *len, char *num, size_t num_sz)
{
	static const char *const keys[] = {
		"{section}", "{symbol}", "{offset}", "{detail}",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		*len = strlen(keys[i]);
		if (strncmp(p, keys[i], *len))
			continue;
		switch (i) {
		case 0:
			return f->section ? f->section : "-";
		case 1:
			return f->symbol ? f->symbol : "-";
		case 2:
			if (f->offset == BC_NO_OFFSET)
				return "-";
			snprintf(num, num_sz, "%lld", f->offset);
			return num;
		default:
			return f->message;
		}
	}
	return NULL;
}

/* Expand {section} {symbol} {offset} {detail} in a prediction template. */
static char *predict(const struct bc_finding *f, const char *tmpl)
{
	struct sbuf b = {};
	const char *p, *v;
	char num[24];
	size_t len;

	sbuf_add(&b, "", 0);
	for (p = tmpl; p && *p; ) {
		v = *p == '{' ? placeholder(f, p, &len, num, sizeof(num)) :
				NULL;
		if (v) {
			sbuf_add(&b, v, strlen(v));
			p += len;
			continue;
		}
		sbuf_add(&b, p++, 1);
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static bool finding_dup(const struct bc_object *obj,
			const struct bc_finding *f)
{
	const struct bc_finding *o;
	size_t i;

	for (i = 0; i < obj->finding_cnt; i++) {
		o = &obj->findings[i];
		if (!strcmp(o->rule, f->rule) && o->offset == f->offset &&
		    !strcmp(o->section ?: "", f->section ?: "") &&
		    !strcmp(o->symbol ?: "", f->symbol ?: ""))
			return true;
	}
	return false;
}

static void finding_free(struct bc_finding *f)
{
	free(f->rule);
	free(f->section);
	free(f->symbol);
	free(f->message);
	free(f->predicts);
}

static int finding_add(struct bc_object *obj, struct bc_finding *f,
		       const struct bc_desc_check *dc)
{
	struct bc_finding *arr;

	if (!f->rule || !f->message)
		return -ENOMEM;
	if (finding_dup(obj, f))
		return 1;
	f->predicts = predict(f, dc ? dc->predicts : "");
	if (!f->predicts)
		return -ENOMEM;
	arr = bc_grow(obj->findings, &obj->finding_cap, obj->finding_cnt + 1,
		      sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	obj->findings = arr;
	arr[obj->finding_cnt++] = *f;
	return 0;
}

int bc_report(struct bc_object *obj, const char *rule, enum bc_severity sev,
	      const char *sec, const char *sym, long long off,
	      const char *fmt, ...)
{
	const struct bc_desc_check *dc;
	struct bc_finding f = {};
	va_list ap;
	int err, n;

	if (!obj || !obj->checking)
		return 0;
	dc = desc_check(obj, rule);
	if (dc && dc->severity < 0)
		return 0;
	f.rule = bc_strdup(rule);
	f.severity = dc ? (enum bc_severity)dc->severity : sev;
	f.section = sec ? bc_strdup(sec) : NULL;
	f.symbol = sym ? bc_strdup(sym) : NULL;
	f.offset = off;
	if ((sec && !f.section) || (sym && !f.symbol)) {
		finding_free(&f);
		return -ENOMEM;
	}
	va_start(ap, fmt);
	n = vasprintf(&f.message, fmt, ap);
	va_end(ap);
	if (n < 0)
		f.message = NULL;
	err = finding_add(obj, &f, dc);
	if (err) {
		finding_free(&f);
		return err < 0 ? err : 0;
	}
	pr_debug("check: %s: %s: %s\n", obj->path, rule, obj->findings[
		 obj->finding_cnt - 1].message);
	return 0;
}

int bc_check_survive(const struct bc_object *obj, int err)
{
	if (!err || !obj->checking || err == -ENOMEM)
		return err;
	return 0;
}

/*
 * The reason in a warning: what follows "section '<sec>': " (sec found
 * there when NULL, copied to name), else the warning without the
 * library's prefix; its first line only.
 */
static const char *warn_reason(char *warn, const char **sec, char *name,
			       size_t name_sz)
{
	char *p = strstr(warn, "section '");
	char *end = p ? strstr(p + 9, "': ") : NULL;
	size_t n = end ? (size_t)(end - p - 9) : 0;

	if (end && *sec && n == strlen(*sec) && !strncmp(p + 9, *sec, n)) {
		warn = end + 3;
	} else if (end && !*sec && n < name_sz) {
		memcpy(name, p + 9, n);
		name[n] = '\0';
		*sec = name;
		warn = end + 3;
	} else if (!strncmp(warn, "bpfcompat: ", 11)) {
		warn += 11;
	}
	warn[strcspn(warn, "\n")] = '\0';
	return warn;
}

static int check_refused(struct bc_object *obj, size_t before,
			 const char *sec, char *warn, const char *what,
			 int err)
{
	char msg[128], name[128];
	const char *why;

	if (!err || !obj->checking || err == -ENOMEM ||
	    obj->finding_cnt > before)
		return bc_check_survive(obj, err);
	why = warn[0] ? warn_reason(warn, &sec, name, sizeof(name)) : NULL;
	if (why && why[0])
		return bc_report(obj, "dialect-refused", BC_SEV_ERROR, sec,
				 NULL, BC_NO_OFFSET, "%s", why);
	bc_strerror(err, msg, sizeof(msg));
	return bc_report(obj, "dialect-refused", BC_SEV_ERROR, sec, NULL,
			 BC_NO_OFFSET, "the dialect refuses the %s: %s", what,
			 msg);
}

void bc_check_watch(struct bc_object *obj, struct bc_check_watch *w)
{
	w->before = obj->finding_cnt;
	w->warn[0] = '\0';
	if (obj->checking)
		bc_log_capture(w->warn, sizeof(w->warn), &w->outer);
}

int bc_check_watched(struct bc_object *obj, struct bc_check_watch *w,
		     const char *sec, const char *what, int err)
{
	if (obj->checking)
		bc_log_release(&w->outer);
	return check_refused(obj, w->before, sec, w->warn, what, err);
}

void bc_check_withdraw(struct bc_object *obj, const char *rule,
		       const char *sec, long long off)
{
	struct bc_finding *f;
	size_t i, j;

	for (i = j = 0; i < obj->finding_cnt; i++) {
		f = &obj->findings[i];
		if (!strcmp(f->rule, rule) && f->offset == off &&
		    !strcmp(f->section ?: "", sec ?: "")) {
			finding_free(f);
			continue;
		}
		obj->findings[j++] = *f;
	}
	obj->finding_cnt = j;
}

size_t bc_check_errors(const struct bc_object *obj)
{
	size_t i, n = 0;

	for (i = 0; i < obj->finding_cnt; i++)
		n += obj->findings[i].severity == BC_SEV_ERROR;
	return n;
}

void bc_findings_free(struct bc_object *obj)
{
	size_t i;

	for (i = 0; i < obj->finding_cnt; i++)
		finding_free(&obj->findings[i]);
	free(obj->findings);
	obj->findings = NULL;
	obj->finding_cnt = obj->finding_cap = 0;
}

/* ---- the public side ---------------------------------------------------- */

static int check_reloc(struct bc_object *obj)
{
	size_t before = obj->finding_cnt;
	char msg[128];
	int err;

	if (obj->relocated)
		return 0;
	err = bc_reloc(obj);
	if (err == -ENOMEM)
		return err;
	if (err && obj->finding_cnt == before) {
		bc_strerror(err, msg, sizeof(msg));
		return bc_report(obj, "reloc-failed", BC_SEV_ERROR, NULL, NULL,
				 BC_NO_OFFSET, "linking failed: %s", msg);
	}
	return 0;
}

/* A pinning value the descriptor says the loader refuses (load would fail
 * only when planning). */
static int check_pinning(struct bc_object *obj)
{
	const struct bc_desc_pin *pin;
	const struct bc_map *map;
	size_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		map = obj->maps[i];
		if (map->kind != BC_MAP_USER)
			continue;
		pin = bc_desc_pin_for(obj->dialect->desc, map->pinning);
		if (!pin || pin->kind != BC_PIN_KIND_ERROR)
			continue;
		err = bc_report(obj, "map-pinning-refused", BC_SEV_ERROR,
				map->sec_name, map->name, BC_NO_OFFSET,
				"pinning %u: %s", map->pinning,
				pin->text ? pin->text : "not supported");
		if (err)
			return err;
	}
	return 0;
}

/* Turn f into a section-sloppy finding, with this dialect's view of it. */
static int sloppy(struct bc_object *obj, struct bc_finding *f,
		  const char *pred)
{
	const struct bc_desc_check *dc = desc_check(obj, "section-sloppy");
	char *rule, *msg, *predicts;

	if (dc && dc->severity < 0)
		return 0;	/* off: the plain section-unknown stands */
	rule = bc_strdup("section-sloppy");
	msg = bc_asprintf("no program type for this section name; only %s's looser matching accepts it",
			  pred);
	if (!rule || !msg) {
		free(rule);
		free(msg);
		return -ENOMEM;
	}
	free(f->rule);
	free(f->message);
	f->rule = rule;
	f->message = msg;
	f->severity = dc && dc->severity >= 0 ?
		      (enum bc_severity)dc->severity : BC_SEV_ERROR;
	predicts = predict(f, dc ? dc->predicts : "");
	if (!predicts)
		return -ENOMEM;
	free(f->predicts);
	f->predicts = predicts;
	return 0;
}

/*
 * A section the dialect does not know but its predecessor's table does
 * was written for the older loader: explain the miss as that.
 */
static int explain_sections(struct bc_object *obj)
{
	const char *name = obj->dialect->desc->predecessor;
	const struct bc_dialect *pred;
	struct bc_finding *f;
	size_t i;
	int err;

	pred = name ? bc_dialect__find(name) : NULL;
	if (!pred || pred == obj->dialect)
		return 0;
	for (i = 0; i < obj->finding_cnt; i++) {
		f = &obj->findings[i];
		if (strcmp(f->rule, "section-unknown") || !f->section ||
		    !bc_desc_find_rule(pred->desc, f->section, NULL))
			continue;
		err = sloppy(obj, f, name);
		if (err)
			return err;
	}
	return 0;
}

int bc_object__check(struct bc_object *obj, const struct bc_check_opts *opts)
{
	int (*hook)(struct bc_object *);
	int err;

	if (!obj || (opts && opts->sz < sizeof(size_t)))
		return bc_err(-EINVAL);
	if (!obj->checking) {
		pr_warn("check: %s: object was not opened in check mode\n",
			obj->path);
		return bc_err(-EINVAL);
	}
	err = check_reloc(obj);
	if (err)
		return bc_err(err);
	err = check_pinning(obj);
	if (err)
		return bc_err(err);
	hook = BC_OPS_GET(obj->dialect->ops, check);
	err = hook ? hook(obj) : 0;
	err = err == -ENOMEM ? err : explain_sections(obj);
	if (err == -ENOMEM)
		return bc_err(err);
	return (int)bc_check_errors(obj);
}

size_t bc_object__finding_cnt(const struct bc_object *obj)
{
	return obj ? obj->finding_cnt : 0;
}

const struct bc_finding *bc_object__finding(const struct bc_object *obj,
					    size_t i)
{
	if (!obj || i >= obj->finding_cnt)
		return bc_err_ptr(-ENOENT);
	return &obj->findings[i];
}

const char *bc_finding__rule(const struct bc_finding *f)
{
	return f ? f->rule : NULL;
}

enum bc_severity bc_finding__severity(const struct bc_finding *f)
{
	return f ? f->severity : BC_SEV_ERROR;
}

const char *bc_finding__section(const struct bc_finding *f)
{
	return f ? f->section : NULL;
}

const char *bc_finding__symbol(const struct bc_finding *f)
{
	return f ? f->symbol : NULL;
}

long long bc_finding__offset(const struct bc_finding *f)
{
	return f ? f->offset : BC_NO_OFFSET;
}

const char *bc_finding__message(const struct bc_finding *f)
{
	return f ? f->message : NULL;
}

const char *bc_finding__predicts(const struct bc_finding *f)
{
	return f ? f->predicts : NULL;
}

const char *bc_severity_name(enum bc_severity sev)
{
	switch (sev) {
	case BC_SEV_WARNING:
		return "warning";
	case BC_SEV_ERROR:
		return "error";
	}
	return NULL;
}
