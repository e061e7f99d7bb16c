/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attaching loaded programs through perf events: existing trace events
 * (tracepoints, globs allowed), and kprobe/uprobe trace events created in
 * tracefs for the purpose and removed again on detach. One perf event per
 * online CPU, each given the program with PERF_EVENT_IOC_SET_BPF.
 */
#ifndef __BC_ATTACH_H
#define __BC_ATTACH_H

#include "object.h"

enum bc_attach_kind {
	BC_ATTACH_NONE,		/* loaded, never attached */
	BC_ATTACH_TRACEPOINT,	/* events/<group>/<event>, fnmatch globs */
	BC_ATTACH_KPROBE,	/* kprobe_events "p:<group>/<event> <target>" */
	BC_ATTACH_UPROBE,	/* uprobe_events "p:<group>/<event> <path>:<off>" */
};

/* Where one program attaches; strings are owned (bc_attach_spec_free). */
struct bc_attach_spec {
	enum bc_attach_kind kind;
	char *group;
	char *event;
	char *target;		/* kprobe: [MOD:]SYM[+OFF] or 0xADDR;
				 * uprobe: path of the binary */
	char *symbol;		/* uprobe: function, NULL: offset is a vaddr */
	__u64 offset;		/* uprobe: added to the symbol's address */
	bool retprobe;
	bool force;		/* event name taken: try <event>_1, _2, ... */
};

void bc_attach_spec_free(struct bc_attach_spec *spec);

/* File offset of vaddr sym + off in the ELF binary at path (libelf). */
int bc_attach_uprobe_offset(const char *path, const char *sym, __u64 off,
			    __u64 *file_off);

#endif /* __BC_ATTACH_H */
