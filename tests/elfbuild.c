// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Byte-level ELF64 relocatable object builder for tests (see elfbuild.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "elfbuild.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

struct eb_sec {
	char *name;
	__u32 type, link, info;
	__u64 flags, entsize;
	unsigned char *data;
	size_t size;
	size_t off;		/* file offset of the data, after finish */
};

struct eb_sym {
	char *name;
	__u16 shndx;
	__u8 info;
	__u64 value, size;
};

struct eb_rel {
	int target;
	__u64 offset;
	__u32 sym, type;
};

struct bc_elfb {
	bool be;
	__u16 machine;
	struct eb_sec *secs;	/* [0] is the null section */
	size_t sec_cnt;
	size_t user_cnt;	/* sections 1..user_cnt were added by callers */
	struct eb_sym *syms;	/* [0] is the null symbol */
	size_t sym_cnt;
	struct eb_rel *rels;
	size_t rel_cnt;
	size_t *rel_idx;	/* per user section: its REL section or 0 */
	size_t symtab, strtab, shstrtab;
	size_t shoff;
	unsigned char *buf;
	size_t size;
};

static void *grow(void *arr, size_t cnt, size_t elem_sz)
{
	return realloc(arr, (cnt + 1) * elem_sz);
}

struct bc_elfb *bc_elfb_new(bool big_endian)
{
	struct bc_elfb *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->be = big_endian;
	b->machine = EM_BPF;
	b->secs = calloc(1, sizeof(*b->secs));
	b->syms = calloc(1, sizeof(*b->syms));
	if (!b->secs || !b->syms) {
		bc_elfb_free(b);
		return NULL;
	}
	b->secs[0].name = strdup("");
	b->syms[0].name = strdup("");
	b->sec_cnt = b->sym_cnt = 1;
	return b;
}

void bc_elfb_free(struct bc_elfb *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->sec_cnt; i++) {
		free(b->secs[i].name);
		free(b->secs[i].data);
	}
	for (i = 0; i < b->sym_cnt; i++)
		free(b->syms[i].name);
	free(b->secs);
	free(b->syms);
	free(b->rels);
	free(b->rel_idx);
	free(b->buf);
	free(b);
}

void bc_elfb_set_machine(struct bc_elfb *b, __u16 machine)
{
	b->machine = machine;
}

static int add_sec(struct bc_elfb *b, const char *name, __u32 type,
		   __u64 flags, const void *data, size_t size)
{
	struct eb_sec *secs, *s;

	secs = grow(b->secs, b->sec_cnt, sizeof(*secs));
	if (!secs)
		return -1;
	b->secs = secs;
	s = &secs[b->sec_cnt];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->type = type;
	s->flags = flags;
	s->size = size;
	if (data && size) {
		s->data = malloc(size);
		if (s->data)
			memcpy(s->data, data, size);
	}
	if (!s->name || (data && size && !s->data)) {
		free(s->name);
		free(s->data);
		return -1;
	}
	return b->sec_cnt++;
}

int bc_elfb_add_sec(struct bc_elfb *b, const char *name, __u32 type,
		    __u64 flags, const void *data, size_t size)
{
	int idx;

	if (b->buf) {
		errno = EBUSY;
		return -1;
	}
	idx = add_sec(b, name, type, flags, data, size);
	if (idx > 0)
		b->user_cnt = idx;
	return idx;
}

int bc_elfb_add_sym(struct bc_elfb *b, const char *name, __u16 shndx,
		    __u64 value, __u64 size, __u8 type, __u8 bind)
{
	struct eb_sym *syms;

	if (b->buf) {
		errno = EBUSY;
		return -1;
	}
	syms = grow(b->syms, b->sym_cnt, sizeof(*syms));
	if (!syms)
		return -1;
	b->syms = syms;
	syms[b->sym_cnt] = (struct eb_sym){
		.name = strdup(name ? name : ""),
		.shndx = shndx,
		.info = ELF64_ST_INFO(bind, type),
		.value = value,
		.size = size,
	};
	if (!syms[b->sym_cnt].name)
		return -1;
	return b->sym_cnt++;
}

int bc_elfb_add_rel(struct bc_elfb *b, int target, __u64 offset, __u32 sym,
		    __u32 type)
{
	struct eb_rel *rels;
	size_t i;
	int pos = 0;

	if (b->buf || target <= 0 || (size_t)target > b->user_cnt) {
		errno = EINVAL;
		return -1;
	}
	rels = grow(b->rels, b->rel_cnt, sizeof(*rels));
	if (!rels)
		return -1;
	b->rels = rels;
	for (i = 0; i < b->rel_cnt; i++)
		pos += rels[i].target == target;
	rels[b->rel_cnt++] = (struct eb_rel){
		.target = target, .offset = offset, .sym = sym, .type = type,
	};
	return pos;
}

static void put(unsigned char *p, bool be, size_t width, __u64 val)
{
	size_t i;

	for (i = 0; i < width; i++) {
		size_t shift = 8 * (be ? width - 1 - i : i);

		p[i] = (unsigned char)(val >> shift);
	}
}

void bc_elfb_patch(struct bc_elfb *b, size_t off, size_t width, __u64 val)
{
	if (!b->buf || off > b->size || width > b->size - off)
		abort();	/* a broken test, not a broken object */
	put(b->buf + off, b->be, width, val);
}

void bc_elfb_insn(void *dst, bool big_endian, __u8 code, __u8 dst_reg,
		  __u8 src_reg, __s16 off, __s32 imm)
{
	unsigned char *p = dst;

	p[0] = code;
	/* The register nibbles follow the byte order, like bitfields. */
	p[1] = big_endian ? (dst_reg << 4) | (src_reg & 0xf) :
			    (src_reg << 4) | (dst_reg & 0xf);
	put(p + 2, big_endian, 2, (__u16)off);
	put(p + 4, big_endian, 4, (__u32)imm);
}

/* Append a NUL-terminated string to a growing table; returns its offset. */
static int str_add(unsigned char **tab, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;
	unsigned char *t = realloc(*tab, *len + n);
	size_t off = *len;

	if (!t)
		return -1;
	memcpy(t + off, s, n);
	*tab = t;
	*len += n;
	return (int)off;
}

static int build_rel_secs(struct bc_elfb *b)
{
	size_t t, i, n;
	unsigned char *data;
	char *name;
	int idx;

	b->rel_idx = calloc(b->user_cnt + 1, sizeof(*b->rel_idx));
	if (!b->rel_idx)
		return -1;
	for (t = 1; t <= b->user_cnt; t++) {
		for (i = 0, n = 0; i < b->rel_cnt; i++)
			n += (size_t)b->rels[i].target == t;
		if (!n)
			continue;
		data = calloc(n, sizeof(Elf64_Rel));
		name = malloc(strlen(b->secs[t].name) + 5);
		if (!data || !name) {
			free(data);
			free(name);
			return -1;
		}
		for (i = 0, n = 0; i < b->rel_cnt; i++) {
			unsigned char *p = data + n * sizeof(Elf64_Rel);

			if ((size_t)b->rels[i].target != t)
				continue;
			put(p, b->be, 8, b->rels[i].offset);
			put(p + 8, b->be, 8,
			    ELF64_R_INFO(b->rels[i].sym, b->rels[i].type));
			n++;
		}
		strcpy(name, ".rel");
		strcat(name, b->secs[t].name);
		idx = add_sec(b, name, SHT_REL, SHF_INFO_LINK, data,
			      n * sizeof(Elf64_Rel));
		free(data);
		free(name);
		if (idx < 0)
			return -1;
		b->secs[idx].entsize = sizeof(Elf64_Rel);
		b->secs[idx].info = t;
		b->rel_idx[t] = idx;
	}
	return 0;
}

static int build_symtab(struct bc_elfb *b)
{
	unsigned char *strs = NULL, *data;
	size_t len = 0, i, locals = 0;
	int name, idx = -1;

	data = calloc(b->sym_cnt, sizeof(Elf64_Sym));
	if (!data || str_add(&strs, &len, "") < 0)
		goto out;
	for (i = 0; i < b->sym_cnt; i++) {
		const struct eb_sym *s = &b->syms[i];
		unsigned char *p = data + i * sizeof(Elf64_Sym);

		name = s->name[0] ? str_add(&strs, &len, s->name) : 0;
		if (name < 0)
			goto out;
		put(p + offsetof(Elf64_Sym, st_name), b->be, 4, name);
		p[offsetof(Elf64_Sym, st_info)] = s->info;
		put(p + offsetof(Elf64_Sym, st_shndx), b->be, 2, s->shndx);
		put(p + offsetof(Elf64_Sym, st_value), b->be, 8, s->value);
		put(p + offsetof(Elf64_Sym, st_size), b->be, 8, s->size);
		if (locals == i && ELF64_ST_BIND(s->info) == STB_LOCAL)
			locals++;
	}
	/* Symbols reference sections 1..user_cnt; rel/sym tables follow. */
	for (i = 1; i < b->sec_cnt; i++)
		if (b->secs[i].type == SHT_REL)
			b->secs[i].link = b->sec_cnt;
	idx = add_sec(b, ".symtab", SHT_SYMTAB, 0, data,
		      b->sym_cnt * sizeof(Elf64_Sym));
	if (idx < 0)
		goto out;
	b->symtab = idx;
	b->secs[idx].entsize = sizeof(Elf64_Sym);
	b->secs[idx].info = locals;
	b->secs[idx].link = b->sec_cnt;
	idx = add_sec(b, ".strtab", SHT_STRTAB, 0, strs, len);
	if (idx > 0)
		b->strtab = idx;
out:
	free(data);
	free(strs);
	return idx < 0 ? -1 : 0;
}

static int build_shstrtab(struct bc_elfb *b, size_t **names)
{
	unsigned char *strs = NULL;
	size_t len = 0, i;
	int off, idx = -1;

	*names = calloc(b->sec_cnt + 1, sizeof(**names));
	if (!*names || str_add(&strs, &len, "") < 0)
		goto out;
	for (i = 1; i < b->sec_cnt; i++) {
		off = str_add(&strs, &len, b->secs[i].name);
		if (off < 0)
			goto out;
		(*names)[i] = off;
	}
	off = str_add(&strs, &len, ".shstrtab");
	if (off < 0)
		goto out;
	(*names)[b->sec_cnt] = off;
	idx = add_sec(b, ".shstrtab", SHT_STRTAB, 0, strs, len);
	if (idx > 0)
		b->shstrtab = idx;
out:
	free(strs);
	return idx < 0 ? -1 : 0;
}

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static void write_ehdr(struct bc_elfb *b)
{
	unsigned char *p = b->buf;

	memcpy(p, ELFMAG, SELFMAG);
	p[EI_CLASS] = ELFCLASS64;
	p[EI_DATA] = b->be ? ELFDATA2MSB : ELFDATA2LSB;
	p[EI_VERSION] = EV_CURRENT;
	put(p + offsetof(Elf64_Ehdr, e_type), b->be, 2, ET_REL);
	put(p + offsetof(Elf64_Ehdr, e_machine), b->be, 2, b->machine);
	put(p + offsetof(Elf64_Ehdr, e_version), b->be, 4, EV_CURRENT);
	put(p + offsetof(Elf64_Ehdr, e_shoff), b->be, 8, b->shoff);
	put(p + offsetof(Elf64_Ehdr, e_ehsize), b->be, 2, sizeof(Elf64_Ehdr));
	put(p + offsetof(Elf64_Ehdr, e_shentsize), b->be, 2,
	    sizeof(Elf64_Shdr));
	put(p + offsetof(Elf64_Ehdr, e_shnum), b->be, 2, b->sec_cnt);
	put(p + offsetof(Elf64_Ehdr, e_shstrndx), b->be, 2, b->shstrtab);
}

static void write_shdr(struct bc_elfb *b, size_t i, size_t name)
{
	const struct eb_sec *s = &b->secs[i];
	unsigned char *p = b->buf + bc_elfb_shdr_off(b, i);

	if (!i)
		return;
	put(p + offsetof(Elf64_Shdr, sh_name), b->be, 4, name);
	put(p + offsetof(Elf64_Shdr, sh_type), b->be, 4, s->type);
	put(p + offsetof(Elf64_Shdr, sh_flags), b->be, 8, s->flags);
	put(p + offsetof(Elf64_Shdr, sh_offset), b->be, 8, s->off);
	put(p + offsetof(Elf64_Shdr, sh_size), b->be, 8, s->size);
	put(p + offsetof(Elf64_Shdr, sh_link), b->be, 4, s->link);
	put(p + offsetof(Elf64_Shdr, sh_info), b->be, 4, s->info);
	put(p + offsetof(Elf64_Shdr, sh_addralign), b->be, 8,
	    s->type == SHT_STRTAB ? 1 : 8);
	put(p + offsetof(Elf64_Shdr, sh_entsize), b->be, 8, s->entsize);
}

void *bc_elfb_finish(struct bc_elfb *b, size_t *size)
{
	size_t *names = NULL, off, i;

	if (b->buf)
		goto out;
	if (build_rel_secs(b) || build_symtab(b) || build_shstrtab(b, &names))
		goto err;

	off = sizeof(Elf64_Ehdr);
	for (i = 1; i < b->sec_cnt; i++) {
		off = align8(off);
		b->secs[i].off = off;
		if (b->secs[i].type != SHT_NOBITS)
			off += b->secs[i].size;
	}
	b->shoff = align8(off);
	b->size = b->shoff + b->sec_cnt * sizeof(Elf64_Shdr);
	b->buf = calloc(1, b->size);
	if (!b->buf)
		goto err;

	write_ehdr(b);
	for (i = 1; i < b->sec_cnt; i++) {
		if (b->secs[i].data)
			memcpy(b->buf + b->secs[i].off, b->secs[i].data,
			       b->secs[i].size);
		write_shdr(b, i, names[i]);
	}
	free(names);
out:
	*size = b->size;
	return b->buf;
err:
	free(names);
	return NULL;
}

size_t bc_elfb_symtab_idx(const struct bc_elfb *b)
{
	return b->symtab;
}

size_t bc_elfb_strtab_idx(const struct bc_elfb *b)
{
	return b->strtab;
}

size_t bc_elfb_shstrtab_idx(const struct bc_elfb *b)
{
	return b->shstrtab;
}

size_t bc_elfb_rel_idx(const struct bc_elfb *b, int target)
{
	if (!b->rel_idx || target <= 0 || (size_t)target > b->user_cnt)
		return 0;
	return b->rel_idx[target];
}

size_t bc_elfb_shdr_off(const struct bc_elfb *b, size_t sec_idx)
{
	return b->shoff + sec_idx * sizeof(Elf64_Shdr);
}

size_t bc_elfb_data_off(const struct bc_elfb *b, size_t sec_idx)
{
	return sec_idx < b->sec_cnt ? b->secs[sec_idx].off : 0;
}

size_t bc_elfb_sym_off(const struct bc_elfb *b, size_t sym_idx)
{
	return bc_elfb_data_off(b, b->symtab) + sym_idx * sizeof(Elf64_Sym);
}

size_t bc_elfb_rel_off(const struct bc_elfb *b, int target, size_t pos)
{
	return bc_elfb_data_off(b, bc_elfb_rel_idx(b, target)) +
	       pos * sizeof(Elf64_Rel);
}
