/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Conformance findings. Checking is a mode of the one pipeline: collect,
 * reloc and the dialect hooks report at their own error sites through
 * bc_report() under a stable generic rule id; the dialect's descriptor
 * (its check: section) says how severe each rule is for its loader and
 * what that loader does.
 */
#ifndef __BC_CHECK_H
#define __BC_CHECK_H

#include "object.h"

#define BC_NO_OFFSET	(-1LL)

struct bc_finding {
	char *rule;
	enum bc_severity severity;
	char *section;			/* NULL if none */
	char *symbol;			/* NULL if none */
	long long offset;		/* BC_NO_OFFSET if none */
	char *message;
	char *predicts;			/* "" if the dialect says nothing */
};

/*
 * Record a finding on obj if it is being checked (a no-op otherwise).
 * sev is the engine's default; the dialect's check: entry for rule may
 * change it or turn the rule off. Returns 0 or -ENOMEM.
 */
__attribute__((format(printf, 7, 8)))
int bc_report(struct bc_object *obj, const char *rule, enum bc_severity sev,
	      const char *sec, const char *sym, long long off,
	      const char *fmt, ...);

/*
 * At an error site whose finding was reported: in check mode go on (0)
 * unless err is ENOMEM; otherwise return err unchanged.
 */
int bc_check_survive(const struct bc_object *obj, int err);

/*
 * Around a step that may refuse without a finding (a dialect hook said
 * no): bc_check_watch() notes the findings so far and, in check mode,
 * captures the step's last warning; bc_check_watched() ends that and, if
 * the step's err came with no finding, reports it as dialect-refused at
 * sec (or the section the warning names, when sec is NULL), saying why:
 * the warning, else err, about what (e.g. "object"). Then as
 * bc_check_survive(). Watches nest.
 */
struct bc_check_watch {
	size_t before;
	struct bc_capture outer;
	char warn[256];
};

void bc_check_watch(struct bc_object *obj, struct bc_check_watch *w);
int bc_check_watched(struct bc_object *obj, struct bc_check_watch *w,
		     const char *sec, const char *what, int err);

/*
 * Withdraw the findings of rule at sec+off: a dialect that explains a site
 * more precisely under its own rule replaces the engine's generic one.
 */
void bc_check_withdraw(struct bc_object *obj, const char *rule,
		       const char *sec, long long off);

/* Error-level findings so far. */
size_t bc_check_errors(const struct bc_object *obj);

void bc_findings_free(struct bc_object *obj);

#endif /* __BC_CHECK_H */
