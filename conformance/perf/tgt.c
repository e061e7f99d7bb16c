// SPDX-License-Identifier: GPL-2.0
/* The uprobe target: calls foo(i, &p) for i = 40..44, like perf.md's. */
#include <stdio.h>

struct pt {
	long x;
	long y;
};

__attribute__((noinline)) long foo(long a, struct pt *p)
{
	__asm__ volatile("" ::: "memory");
	return a + p->y;
}

int main(void)
{
	struct pt p = { 1, 7 };
	long sum = 0, i;

	for (i = 40; i < 45; i++) {
		p.y = i * 10;
		sum += foo(i, &p);
	}
	printf("%ld\n", sum);
	return 0;
}
