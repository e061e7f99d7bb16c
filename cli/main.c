// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* STUB: replaced by the bpfcompat command-line tool. */
#include <stdio.h>
#include "bpfcompat.h"

int main(int argc, char **argv)
{
	printf("bpfcompat %s\n", bc_version_str());
	return 0;
}
