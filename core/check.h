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
 * At an error site that may not have reported (a dialect hook said no):
 * in check mode, an err that came with no finding since the count before
 * is reported as dialect-refused, at sec if given, saying why: the
 * warning captured meanwhile (bc_log_capture(); its "section '...': "
 * names the section when sec is NULL), else naming err, about what (e.g.
 * "object"). warn may be cut down in place. Then as bc_check_survive().
 */
int bc_check_refused(struct bc_object *obj, size_t before, const char *sec,
		     char *warn, const char *what, int err);

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
