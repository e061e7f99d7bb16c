// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ELF reader: turns an untrusted object into validated section, symbol and
 * relocation tables (HARDENING.md §3.1-3.3). Nothing past bc_elf_open()
 * needs to bounds-check indexes taken from these tables.
 *
 * The reader parses the bytes itself rather than through libelf: it is on
 * the path of every open, and it checks every field it uses anyway (table
 * extents, counts, offsets, string terminators), so libelf's descriptors,
 * per-section state and converted copies would be pure overhead. Headers,
 * symbols and relocations are copied out with memcpy() (the object may sit
 * at any alignment) and byte-swapped when the object's byte order is not
 * the host's. libelf remains the library for writing objects (convert)
 * and for reading the binaries uprobes attach to.
 */
#include <byteswap.h>
#include <endian.h>

#include "internal.h"
#include "elf.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#ifndef SHF_COMPRESSED
#define SHF_COMPRESSED (1 << 11)
#endif

#define BPF_INSN_SZ	8
#define BPF_LD_IMM64	0x18	/* BPF_LD | BPF_IMM | BPF_DW */
#define BPF_CALL_INSN	0x85	/* BPF_JMP | BPF_CALL */

/* glibc's <elf.h> only knows R_BPF_64_64 and R_BPF_64_32. */
#ifndef R_BPF_64_64
#define R_BPF_64_64		1
#endif
#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64		2
#endif
#ifndef R_BPF_64_ABS32
#define R_BPF_64_ABS32		3
#endif
#ifndef R_BPF_64_NODYLD32
#define R_BPF_64_NODYLD32	4
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32		10
#endif

/* A name slot: section index below, the high half of its hash above. */
#define NAME_IDX_MASK	0xffffU		/* BC_MAX_SECTIONS fits */

#define REL_LIST_MAX	64

struct strtab {
	const char *data;
	size_t size;
	bool terminated;	/* last byte is NUL */
};

/*
 * What the header checks learn before anything is allocated: where the
 * (range-checked) section header table is, how many entries it has, and
 * the section name table.
 */
struct elf_layout {
	const unsigned char *shdrs;
	size_t shnum;
	size_t shstrndx;
	bool swap;		/* object byte order differs from the host's */
	struct strtab names;
	/* The first two SHT_SYMTAB sections (find_symtab() judges them). */
	size_t symtab[2];
	/*
	 * The REL and RELA sections in index order, so that the relocation
	 * passes skip the others. Past REL_LIST_MAX of them the list is
	 * incomplete, and the passes walk every section instead.
	 */
	__u16 rel_list[REL_LIST_MAX];
	size_t rel_cnt;
	/*
	 * Upper bounds, from the raw headers, of the symbols and relocation
	 * entries the checks can accept, so that their tables share the
	 * reader's one allocation.
	 */
	size_t sym_bound;
	size_t rel_bound;
};

/*
 * Field readers for unaligned, possibly foreign-endian bytes. The loops
 * over sections, symbols and relocations are instantiated once per byte
 * order (swap is a constant in each), so a native object pays no test.
 */
static __always_inline __u16 rd16(const void *p, bool swap)
{
	__u16 v;

	memcpy(&v, p, sizeof(v));
	return swap ? bswap_16(v) : v;
}

static __always_inline __u32 rd32(const void *p, bool swap)
{
	__u32 v;

	memcpy(&v, p, sizeof(v));
	return swap ? bswap_32(v) : v;
}

static __always_inline __u64 rd64(const void *p, bool swap)
{
	__u64 v;

	memcpy(&v, p, sizeof(v));
	return swap ? bswap_64(v) : v;
}

static bool host_big_endian(void)
{
	return __BYTE_ORDER == __BIG_ENDIAN;
}

static bool need_swap(const struct bc_elf *elf)
{
	return elf->big_endian != host_big_endian();
}

static bool is_pow2_or_zero(__u64 v)
{
	return (v & (v - 1)) == 0;
}

/* Does [off, off + len) fit in size bytes? Never overflows. */
static bool range_ok(__u64 off, __u64 len, __u64 size)
{
	return off <= size && len <= size - off;
}

static const char *sec_name(const struct bc_elf *elf, size_t idx)
{
	if (idx >= elf->sec_cnt || !elf->secs[idx].name)
		return "?";
	return elf->secs[idx].name;
}

/*
 * A string table is checked once: when its last byte is NUL (as every
 * compiler writes it), any offset inside it starts a terminated string.
 * Otherwise each lookup searches for the terminator.
 */
static void strtab_init(struct strtab *tab, const void *data, __u64 size)
{
	tab->data = data;
	tab->size = data ? size : 0;
	tab->terminated = tab->size && !tab->data[tab->size - 1];
}

/* NULL unless off starts a NUL-terminated string inside the table. */
static inline const char *strtab_get(const struct strtab *tab, __u64 off)
{
	if (off >= tab->size)
		return NULL;
	if (!tab->terminated && !memchr(tab->data + off, 0, tab->size - off))
		return NULL;
	return tab->data + off;
}

static void read_ehdr(const void *buf, bool swap, Elf64_Ehdr *eh)
{
	memcpy(eh, buf, sizeof(*eh));
	if (!swap)
		return;
	eh->e_type = bswap_16(eh->e_type);
	eh->e_machine = bswap_16(eh->e_machine);
	eh->e_shoff = bswap_64(eh->e_shoff);
	eh->e_shentsize = bswap_16(eh->e_shentsize);
	eh->e_shnum = bswap_16(eh->e_shnum);
	eh->e_shstrndx = bswap_16(eh->e_shstrndx);
}

/* Header idx of a table whose extent has been checked (or sh0 below). */
static inline void read_shdr(const unsigned char *shdrs, bool swap,
			     size_t idx, Elf64_Shdr *sh)
{
	memcpy(sh, shdrs + idx * sizeof(*sh), sizeof(*sh));
	if (!swap)
		return;
	sh->sh_name = bswap_32(sh->sh_name);
	sh->sh_type = bswap_32(sh->sh_type);
	sh->sh_flags = bswap_64(sh->sh_flags);
	sh->sh_offset = bswap_64(sh->sh_offset);
	sh->sh_size = bswap_64(sh->sh_size);
	sh->sh_link = bswap_32(sh->sh_link);
	sh->sh_info = bswap_32(sh->sh_info);
	sh->sh_addralign = bswap_64(sh->sh_addralign);
	sh->sh_entsize = bswap_64(sh->sh_entsize);
}

static int check_ident(const unsigned char *buf, size_t size, const char *name)
{
	if (size < sizeof(Elf64_Ehdr)) {
		pr_warn("elf: %s: file too short for an ELF header (%zu bytes)\n",
			name, size);
		return -BC_ERRNO__FORMAT;
	}
	if (memcmp(buf, ELFMAG, SELFMAG)) {
		pr_warn("elf: %s: bad ELF magic\n", name);
		return -BC_ERRNO__FORMAT;
	}
	if (buf[EI_CLASS] != ELFCLASS64) {
		pr_warn("elf: %s: ELF class %u is not ELFCLASS64\n",
			name, buf[EI_CLASS]);
		return -BC_ERRNO__FORMAT;
	}
	if (buf[EI_DATA] != ELFDATA2LSB && buf[EI_DATA] != ELFDATA2MSB) {
		pr_warn("elf: %s: unknown ELF byte order %u\n",
			name, buf[EI_DATA]);
		return -BC_ERRNO__FORMAT;
	}
	if (buf[EI_VERSION] != EV_CURRENT) {
		pr_warn("elf: %s: not an ELF object\n", name);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

static int check_ehdr(struct bc_elf *elf, struct elf_layout *l,
		      Elf64_Ehdr *eh)
{
	elf->big_endian = ((const __u8 *)elf->buf)[EI_DATA] == ELFDATA2MSB;
	l->swap = need_swap(elf);
	read_ehdr(elf->buf, l->swap, eh);
	if (eh->e_type != ET_REL) {
		pr_warn("elf: %s: ELF type %u is not ET_REL (relocatable)\n",
			elf->path, eh->e_type);
		return -BC_ERRNO__FORMAT;
	}
	if (eh->e_machine != EM_BPF && eh->e_machine != EM_NONE) {
		pr_warn("elf: %s: machine %u is neither EM_BPF nor EM_NONE\n",
			elf->path, eh->e_machine);
		return -BC_ERRNO__FORMAT;
	}
	/* The table is made of 8-byte fields; the gABI aligns it. */
	if (eh->e_shoff % sizeof(Elf64_Xword)) {
		pr_warn("elf: %s: section header table offset %llu is not 8-byte aligned\n",
			elf->path, (unsigned long long)eh->e_shoff);
		return -BC_ERRNO__FORMAT;
	}
	elf->machine = eh->e_machine;
	return 0;
}

/*
 * The section count: e_shnum, or with extended numbering (e_shnum 0)
 * section 0's sh_size. 0 when the table it describes is not all inside
 * the file.
 */
static size_t shdr_count(const struct bc_elf *elf, const Elf64_Ehdr *eh,
			 bool swap)
{
	const unsigned char *buf = elf->buf;
	__u64 cnt = eh->e_shnum;
	Elf64_Shdr sh0;

	if (eh->e_shoff > elf->size)
		return 0;
	if (!cnt && eh->e_shoff) {
		if (!range_ok(eh->e_shoff, sizeof(sh0), elf->size))
			return 0;
		read_shdr(buf + eh->e_shoff, swap, 0, &sh0);
		cnt = sh0.sh_size;
	}
	if (cnt > (elf->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return 0;
	return cnt;
}

/*
 * The section count bounds every per-section allocation, so it is checked
 * against the bytes actually present before anything is allocated.
 */
static int check_sec_count(struct bc_elf *elf, const Elf64_Ehdr *eh,
			   struct elf_layout *l)
{
	Elf64_Shdr sh0;

	l->shnum = shdr_count(elf, eh, l->swap);
	if (l->shnum < 2) {
		pr_warn("elf: %s: no usable section header table (offset %llu, file size %zu)\n",
			elf->path, (unsigned long long)eh->e_shoff,
			elf->size);
		return -BC_ERRNO__FORMAT;
	}
	if (l->shnum > BC_MAX_SECTIONS) {
		pr_warn("elf: %s: %zu sections exceed the limit of %d\n",
			elf->path, l->shnum, BC_MAX_SECTIONS);
		return -BC_ERRNO__FORMAT;
	}
	/* shdr_count() already fit the table in the file. */
	if (eh->e_shentsize != sizeof(Elf64_Shdr)) {
		pr_warn("elf: %s: %zu section headers at offset %llu do not fit in %zu bytes\n",
			elf->path, l->shnum,
			(unsigned long long)eh->e_shoff, elf->size);
		return -BC_ERRNO__FORMAT;
	}
	l->shdrs = (const unsigned char *)elf->buf + eh->e_shoff;
	l->shstrndx = eh->e_shstrndx;
	if (l->shstrndx == SHN_XINDEX) {
		read_shdr(l->shdrs, l->swap, 0, &sh0);
		l->shstrndx = sh0.sh_link;
	}
	if (l->shstrndx == SHN_UNDEF || l->shstrndx >= l->shnum) {
		pr_warn("elf: %s: section name table index %zu out of range (%zu sections)\n",
			elf->path, l->shstrndx, l->shnum);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

static int check_shstrtab(struct bc_elf *elf, struct elf_layout *l)
{
	Elf64_Shdr sh;

	read_shdr(l->shdrs, l->swap, l->shstrndx, &sh);
	if (sh.sh_type != SHT_STRTAB ||
	    !range_ok(sh.sh_offset, sh.sh_size, elf->size)) {
		pr_warn("elf: %s: section %zu: section name table is not a string table inside the file\n",
			elf->path, l->shstrndx);
		return -BC_ERRNO__FORMAT;
	}
	if (!sh.sh_size) {
		pr_warn("elf: %s: section %zu: section name table has no data\n",
			elf->path, l->shstrndx);
		return -BC_ERRNO__FORMAT;
	}
	strtab_init(&l->names, (const char *)elf->buf + sh.sh_offset,
		    sh.sh_size);
	return 0;
}

static __always_inline const char *sec_hdr_why(const struct bc_elf *elf,
						const struct bc_elf_sec *sec,
						__u64 off)
{
	if (sec->flags & SHF_COMPRESSED)
		return "compressed sections (SHF_COMPRESSED) are not supported";
	if (sec->type != SHT_NOBITS && !range_ok(off, sec->size, elf->size))
		return "data lies past the end of the file";
	if (!is_pow2_or_zero(sec->addralign))
		return "alignment is not a power of two";
	if (sec->exec && sec->size % BPF_INSN_SZ)
		return "executable section size is not a multiple of 8";
	return NULL;
}

static __cold int bad_sec_hdr(const struct bc_elf *elf,
			      const struct bc_elf_sec *sec, __u64 off,
			      const char *why)
{
	pr_warn("elf: %s: section %zu '%s': %s (offset %llu, size %llu, align %llu)\n",
		elf->path, sec->idx, sec->name, why,
		(unsigned long long)off,
		(unsigned long long)sec->size,
		(unsigned long long)sec->addralign);
	return -BC_ERRNO__FORMAT;
}

static __cold int bad_sec_name(const struct bc_elf *elf, size_t idx,
			       __u32 off, const char *name)
{
	if (!name)
		pr_warn("elf: %s: section %zu: name offset %u is outside the section name table\n",
			elf->path, idx, off);
	else
		pr_warn("elf: %s: section %zu: unnamed section\n",
			elf->path, idx);
	return -BC_ERRNO__FORMAT;
}

/*
 * Section names hash on their first 16 bytes, zero from the terminator
 * on: a fixed cost per name, and enough to tell "socket0" from "socket1"
 * or ".rel*" from ".debug*". Longer names sharing them only probe further.
 */
static __u32 name_mix(__u64 w0, __u64 w1)
{
	__u64 h = w0 * 0x9e3779b97f4a7c15ULL ^ w1 * 0xc2b2ae3d27d4eb4fULL;

	return (__u32)(h >> 32);
}

/*
 * The len (< 8) bytes at p as a little-endian word, zero above: two
 * overlapping loads, each inside the bytes, where len allows.
 */
static inline __u64 short_word(const unsigned char *p, size_t len)
{
	__u32 lo, hi;

	if (len >= 4) {
		memcpy(&lo, p, sizeof(lo));
		memcpy(&hi, p + len - 4, sizeof(hi));
		return le32toh(lo) | (__u64)le32toh(hi) << (8 * (len - 4));
	}
	if (!len)
		return 0;
	/* 1 to 3 bytes: first, middle and last, overlapping as needed. */
	return p[0] | (__u64)p[len / 2] << (8 * (len / 2)) |
	       (__u64)p[len - 1] << (8 * (len - 1));
}

static inline __u64 word_le(const unsigned char *p)
{
	__u64 w;

	memcpy(&w, p, sizeof(w));
	return le64toh(w);
}

/*
 * Any string, a caller's included: its length first, so that no load
 * reaches past its terminator.
 */
static inline __u32 name_hash(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);

	if (len < 8)
		return name_mix(short_word(p, len), 0);
	if (len < 16)
		return name_mix(word_le(p), short_word(p + 8, len - 8));
	return name_mix(word_le(p), word_le(p + 8));
}

/* The same, out of line: the rare case of the section loop. */
static __attribute__((noinline)) __u32 name_hash_tail(const char *name)
{
	return name_hash(name);
}

#if __BYTE_ORDER == __LITTLE_ENDIAN
/*
 * Clear a little-endian word from its first NUL byte on (the lowest byte
 * the zero-byte test flags is exact). *ended tells whether it had one.
 */
static inline __u64 word_to_nul(__u64 w, bool *ended)
{
	__u64 z = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;

	*ended = z != 0;
	return z ? w & (((z & -z) >> 7) - 1) : w;
}
#endif

/*
 * name_hash() of the name at off of a string table, two words at a time
 * when 16 bytes of the table follow it.
 */
static inline __u32 name_hash_at(const struct strtab *tab, __u64 off)
{
#if __BYTE_ORDER == __LITTLE_ENDIAN
	__u64 w0, w1 = 0;
	bool ended;

	if (tab->size - off >= 2 * sizeof(w0)) {
		memcpy(&w0, tab->data + off, sizeof(w0));
		w0 = word_to_nul(w0, &ended);
		if (!ended) {
			memcpy(&w1, tab->data + off + 8, sizeof(w1));
			w1 = word_to_nul(w1, &ended);
		}
		return name_mix(w0, w1);
	}
#endif
	return name_hash_tail(tab->data + off);
}

/*
 * Linear probing, inserts in index order and never a removal: of two
 * sections of one name the lower index sits earlier on the probe path,
 * so lookups find it first, as a walk in index order would.
 */
static inline void name_insert(struct bc_elf *elf, size_t idx, __u32 hash)
{
	size_t slot = hash & elf->name_mask;

	while (elf->name_slots[slot])
		slot = (slot + 1) & elf->name_mask;
	elf->name_slots[slot] = (hash & ~NAME_IDX_MASK) | (__u32)idx;
}

/*
 * One pass over the headers: each section is checked and entered in the
 * name index (the pre-scan noted the symbol and relocation sections).
 * Fields are checked in locals and the entry's bool is stored last: a
 * byte-wide store may alias anything and would make the compiler reload.
 */
static __always_inline int load_section(struct bc_elf *elf,
					struct elf_layout *l, size_t idx,
					bool swap, bool terminated)
{
	const unsigned char *raw = l->shdrs + idx * sizeof(Elf64_Shdr);
	__u32 name_off = rd32(raw + offsetof(Elf64_Shdr, sh_name), swap);
	struct bc_elf_sec *sec = &elf->secs[idx];
	const char *name, *why;
	__u64 off;

	if (terminated)
		name = name_off < l->names.size ?
		       l->names.data + name_off : NULL;
	else
		name = strtab_get(&l->names, name_off);
	if (unlikely(!name || !name[0]))
		return bad_sec_name(elf, idx, name_off, name);
	off = rd64(raw + offsetof(Elf64_Shdr, sh_offset), swap);
	sec->idx = idx;
	sec->name = name;
	sec->type = rd32(raw + offsetof(Elf64_Shdr, sh_type), swap);
	sec->link = rd32(raw + offsetof(Elf64_Shdr, sh_link), swap);
	sec->info = rd32(raw + offsetof(Elf64_Shdr, sh_info), swap);
	sec->flags = rd64(raw + offsetof(Elf64_Shdr, sh_flags), swap);
	sec->size = rd64(raw + offsetof(Elf64_Shdr, sh_size), swap);
	sec->entsize = rd64(raw + offsetof(Elf64_Shdr, sh_entsize), swap);
	sec->addralign = rd64(raw + offsetof(Elf64_Shdr, sh_addralign), swap);
	sec->data = NULL;
	sec->rels = NULL;
	sec->rel_cnt = 0;
	sec->rel_sec = 0;
	sec->sym_first = sec->sym_cnt = 0;
	sec->exec = sec->type == SHT_PROGBITS &&
		    (sec->flags & SHF_EXECINSTR) && sec->size > 0;
	why = sec_hdr_why(elf, sec, off);
	if (unlikely(why))
		return bad_sec_hdr(elf, sec, off, why);
	if (sec->type != SHT_NOBITS && sec->size)
		sec->data = (const __u8 *)elf->buf + off;
	name_insert(elf, idx, name_hash_at(&l->names, name_off));
	return 0;
}

/*
 * The common case, host byte order and a NUL-terminated name table, is
 * instantiated apart: it tests the byte order of no field and the
 * terminator of no name.
 */
static int load_sections_native(struct bc_elf *elf, struct elf_layout *l)
{
	size_t i;
	int err;

	for (i = 1; i < elf->sec_cnt; i++) {
		err = load_section(elf, l, i, false, true);
		if (unlikely(err))
			return err;
	}
	return 0;
}

static int load_sections_any(struct bc_elf *elf, struct elf_layout *l)
{
	size_t i;
	int err;

	for (i = 1; i < elf->sec_cnt; i++) {
		err = load_section(elf, l, i, l->swap, l->names.terminated);
		if (err)
			return err;
	}
	return 0;
}

static int load_sections(struct bc_elf *elf, struct elf_layout *l)
{
	elf->secs[0] = (struct bc_elf_sec){ .name = "" };
	if (!l->swap && l->names.terminated)
		return load_sections_native(elf, l);
	return load_sections_any(elf, l);
}

static int find_symtab(struct bc_elf *elf, const struct elf_layout *l)
{
	const struct bc_elf_sec *sec;

	if (l->symtab[1]) {
		pr_warn("elf: %s: section %zu '%s': second symbol table (first is section %zu '%s')\n",
			elf->path, l->symtab[1], elf->secs[l->symtab[1]].name,
			l->symtab[0], sec_name(elf, l->symtab[0]));
		return -BC_ERRNO__FORMAT;
	}
	elf->symtab_idx = l->symtab[0];
	if (!elf->symtab_idx) {
		pr_warn("elf: %s: no symbol table (SHT_SYMTAB) section\n",
			elf->path);
		return -BC_ERRNO__FORMAT;
	}

	sec = &elf->secs[elf->symtab_idx];
	if (sec->entsize != sizeof(Elf64_Sym)) {
		pr_warn("elf: %s: section %zu '%s': symbol entry size %llu, expected %zu\n",
			elf->path, sec->idx, sec->name,
			(unsigned long long)sec->entsize, sizeof(Elf64_Sym));
		return -BC_ERRNO__FORMAT;
	}
	if (sec->size % sec->entsize || !sec->size) {
		pr_warn("elf: %s: section %zu '%s': size %llu is not a non-zero multiple of the symbol size\n",
			elf->path, sec->idx, sec->name,
			(unsigned long long)sec->size);
		return -BC_ERRNO__FORMAT;
	}
	if (sec->size / sec->entsize > BC_MAX_SYMBOLS) {
		pr_warn("elf: %s: section %zu '%s': %llu symbols exceed the limit of %u\n",
			elf->path, sec->idx, sec->name,
			(unsigned long long)(sec->size / sec->entsize),
			BC_MAX_SYMBOLS);
		return -BC_ERRNO__FORMAT;
	}
	if (!sec->link || sec->link >= elf->sec_cnt ||
	    elf->secs[sec->link].type != SHT_STRTAB) {
		pr_warn("elf: %s: section %zu '%s': linked section %u is not a string table\n",
			elf->path, sec->idx, sec->name, sec->link);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

_Static_assert(sizeof(struct bc_elf_sym) <= 32,
	       "a symbol record grew: every object pays for it per symbol");

static const char *check_sym(const struct bc_elf *elf,
			     const struct bc_elf_sym *sym, const void *raw)
{
	static const Elf64_Sym null_sym;
	const struct bc_elf_sec *sec;

	if (sym == elf->syms)
		return memcmp(raw, &null_sym, sizeof(null_sym)) ?
		       "symbol 0 is not the null symbol" : NULL;
	if (sym->shndx == SHN_XINDEX)
		return "extended section indexes (SHN_XINDEX) are not supported";
	if (sym->shndx >= SHN_LORESERVE) {
		if (sym->shndx != SHN_ABS && sym->shndx != SHN_COMMON)
			return "reserved section index not supported";
		return NULL;
	}
	if (sym->shndx >= elf->sec_cnt)
		return "section index out of range";
	if (sym->type == STT_SECTION && sym->value)
		return "section symbol with a non-zero value";
	sec = &elf->secs[sym->shndx];
	if (sym->type != STT_FUNC || !sec->exec)
		return NULL;
	if (sym->value % BPF_INSN_SZ)
		return "function not on an instruction boundary";
	/* Never add value + size: a value near 2^64 wraps (CVE-2025-29481). */
	if (!range_ok(sym->value, sym->size, sec->size))
		return "function extends past the end of its section";
	return NULL;
}

static void read_sym(const void *raw, bool swap, Elf64_Sym *s)
{
	memcpy(s, raw, sizeof(*s));
	if (!swap)
		return;
	s->st_name = bswap_32(s->st_name);
	s->st_shndx = bswap_16(s->st_shndx);
	s->st_value = bswap_64(s->st_value);
	s->st_size = bswap_64(s->st_size);
}

/*
 * The full reading and checks of one symbol, with their message: symbol
 * 0, and any symbol the fast loop below finds unusual. Not cold: symbol 0
 * takes it on every open, and a function called on every path of its
 * callers would make them cold too.
 */
static __attribute__((noinline))
int load_symbol(struct bc_elf *elf, const struct strtab *names,
		const void *raw, size_t idx)
{
	struct bc_elf_sym *sym = &elf->syms[idx];
	const char *why;
	Elf64_Sym s;

	read_sym(raw, need_swap(elf), &s);
	sym->next_in_sec = 0;
	sym->name = strtab_get(names, s.st_name);
	if (!sym->name) {
		pr_warn("elf: %s: symbol %zu: name offset %u is outside string table section %zu\n",
			elf->path, idx, s.st_name,
			(size_t)elf->secs[elf->symtab_idx].link);
		return -BC_ERRNO__FORMAT;
	}
	sym->value = s.st_value;
	sym->size = s.st_size;
	sym->shndx = s.st_shndx;
	sym->type = ELF64_ST_TYPE(s.st_info);
	sym->bind = ELF64_ST_BIND(s.st_info);
	sym->visibility = ELF64_ST_VISIBILITY(s.st_other);

	why = check_sym(elf, sym, raw);
	if (!why)
		return 0;
	pr_warn("elf: %s: symbol %zu '%s': %s (section %u '%s', value %llu, size %llu)\n",
		elf->path, idx, bc_elf_sym_name(elf, sym), why, sym->shndx,
		sym->shndx < elf->sec_cnt ? sec_name(elf, sym->shndx) : "?",
		(unsigned long long)sym->value,
		(unsigned long long)sym->size);
	return -BC_ERRNO__FORMAT;
}

/*
 * Could check_sym() object to this symbol of section index shndx < lim?
 * A superset of its refusals, cheap for ordinary symbols.
 */
static inline bool sym_suspect(const struct bc_elf_sec *secs,
			       const struct bc_elf_sym *sym, size_t lim)
{
	const struct bc_elf_sec *sec;

	if (!sym->name || sym->shndx >= lim)
		return true;
	if (sym->type == STT_SECTION)
		return sym->value;
	if (sym->type != STT_FUNC)
		return false;
	sec = &secs[sym->shndx];
	return sec->exec && (sym->value % BPF_INSN_SZ ||
			     !range_ok(sym->value, sym->size, sec->size));
}

/*
 * Symbols are read straight from the file, unaligned and in its order.
 * This loop is the common case: host byte order and a NUL-terminated
 * string table, so it calls nothing for an ordinary symbol. Each entry is
 * built in a local and stored whole: its byte-wide fields stored through
 * the table could alias anything and make the compiler reload the rest.
 */
static int load_symbols_native(struct bc_elf *elf, const struct strtab *names)
{
	const unsigned char *raw = elf->secs[elf->symtab_idx].data;
	const char *strs = names->data;
	__u64 strs_size = names->size;
	const struct bc_elf_sec *secs = elf->secs;
	struct bc_elf_sym *syms = elf->syms;
	size_t i, cnt = elf->sym_cnt;
	/* Section indexes from SHN_LORESERVE on are never sections. */
	size_t lim = min(elf->sec_cnt, (size_t)SHN_LORESERVE);
	int err;

	err = load_symbol(elf, names, raw, 0);
	if (err)
		return err;
	for (i = 1; i < cnt; i++) {
		const unsigned char *r = raw + i * sizeof(Elf64_Sym);
		__u32 name = rd32(r + offsetof(Elf64_Sym, st_name), false);
		__u8 info = r[offsetof(Elf64_Sym, st_info)];
		struct bc_elf_sym sym;

		sym.name = name < strs_size ? strs + name : NULL;
		sym.value = rd64(r + offsetof(Elf64_Sym, st_value), false);
		sym.size = rd64(r + offsetof(Elf64_Sym, st_size), false);
		sym.shndx = rd16(r + offsetof(Elf64_Sym, st_shndx), false);
		sym.type = ELF64_ST_TYPE(info);
		sym.bind = ELF64_ST_BIND(info);
		sym.visibility =
			ELF64_ST_VISIBILITY(r[offsetof(Elf64_Sym, st_other)]);
		sym.next_in_sec = 0;
		syms[i] = sym;
		if (unlikely(sym_suspect(secs, &sym, lim))) {
			err = load_symbol(elf, names, r, i);
			if (err)
				return err;
		}
	}
	return 0;
}

static int load_symbols(struct bc_elf *elf)
{
	const struct bc_elf_sec *sec = &elf->secs[elf->symtab_idx];
	const struct bc_elf_sec *str = &elf->secs[sec->link];
	const unsigned char *raw = sec->data;
	struct strtab names;
	size_t i;
	int err;

	strtab_init(&names, str->data, str->size);
	if (!need_swap(elf) && names.terminated)
		return load_symbols_native(elf, &names);
	/* Foreign byte order or an unterminated string table. */
	for (i = 0; i < elf->sym_cnt; i++) {
		err = load_symbol(elf, &names, raw + i * sizeof(Elf64_Sym), i);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Debug info is never loaded, so its relocations are not even parsed:
 * targets named .debug* or .BTF* (each byte tested only if the ones
 * before it matched, so never past the terminator).
 */
static inline bool rel_target_ignored(const char *n)
{
	if (n[0] != '.')
		return false;
	if (n[1] == 'd')
		return n[2] == 'e' && n[3] == 'b' && n[4] == 'u' && n[5] == 'g';
	return n[1] == 'B' && n[2] == 'T' && n[3] == 'F';
}

static int check_rel_sec(struct bc_elf *elf, const struct bc_elf_sec *rs,
			 size_t *total)
{
	struct bc_elf_sec *tgt;
	const char *why = NULL;

	if (!rs->info || rs->info >= elf->sec_cnt) {
		pr_warn("elf: %s: section %zu '%s': relocation target section %u out of range\n",
			elf->path, rs->idx, rs->name, rs->info);
		return -BC_ERRNO__FORMAT;
	}
	tgt = &elf->secs[rs->info];
	if (rel_target_ignored(tgt->name)) {
		pr_debug("elf: %s: section %zu '%s': ignoring relocations for '%s'\n",
			 elf->path, rs->idx, rs->name, tgt->name);
		return 0;
	}
	if (rs->entsize != sizeof(Elf64_Rel))
		why = "entry size is not sizeof(Elf64_Rel)";
	else if (rs->size % rs->entsize)
		why = "size is not a multiple of the entry size";
	else if (rs->link != elf->symtab_idx)
		why = "linked section is not the symbol table";
	else if (tgt->type != SHT_PROGBITS && tgt->type != SHT_NOBITS)
		why = "target is neither PROGBITS nor NOBITS";
	else if (tgt->rel_sec)
		why = "target already has a relocation section";
	else if (rs->size / rs->entsize > BC_MAX_RELOS - *total)
		why = "too many relocations in the object";
	if (why) {
		pr_warn("elf: %s: section %zu '%s': %s (target section %zu '%s', entry size %llu, size %llu)\n",
			elf->path, rs->idx, rs->name, why, tgt->idx, tgt->name,
			(unsigned long long)rs->entsize,
			(unsigned long long)rs->size);
		return -BC_ERRNO__FORMAT;
	}
	tgt->rel_sec = rs->idx;
	tgt->rel_cnt = rs->size / rs->entsize;
	*total += tgt->rel_cnt;
	return 0;
}

static bool rel_type_known(__u32 type)
{
	switch (type) {
	case R_BPF_64_64:
	case R_BPF_64_ABS64:
	case R_BPF_64_ABS32:
	case R_BPF_64_NODYLD32:
	case R_BPF_64_32:
		return true;
	default:
		return false;
	}
}

/* Bytes a data relocation of this type patches. */
static __u64 rel_width(__u32 type)
{
	return type == R_BPF_64_64 || type == R_BPF_64_ABS64 ? 8 : 4;
}

static inline const char *check_insn_rel(const struct bc_elf_sec *tgt,
					 __u64 off)
{
	__u8 code;

	if (off % BPF_INSN_SZ)
		return "offset not on an instruction boundary";
	if (off >= tgt->size)
		return "offset past the end of the section";
	code = ((const __u8 *)tgt->data)[off];
	if (code == BPF_LD_IMM64) {
		if (tgt->size - off < 2 * BPF_INSN_SZ)
			return "ld_imm64 instruction is missing its second slot";
		return NULL;
	}
	if (code != BPF_CALL_INSN)
		return "instruction is neither ld_imm64 nor call";
	return NULL;
}

static inline const char *check_rel(const struct bc_elf *elf,
				    const struct bc_elf_sec *tgt,
				    const struct bc_elf_rel *rel)
{
	if (!rel->sym)
		return "null symbol index";
	if (rel->sym >= elf->sym_cnt)
		return "symbol index out of range";
	if (!rel_type_known(rel->type))
		return "unknown relocation type";
	if (tgt->exec)
		return check_insn_rel(tgt, rel->offset);
	if (!tgt->data)
		return "target section has no data";
	if (!range_ok(rel->offset, rel_width(rel->type), tgt->size))
		return "offset past the end of the section";
	return NULL;
}

static __cold int bad_rel(const struct bc_elf *elf,
			  const struct bc_elf_sec *rs,
			  const struct bc_elf_sec *tgt, size_t i,
			  const struct bc_elf_rel *rel, const char *why)
{
	pr_warn("elf: %s: section %zu '%s': relocation %zu at offset %llu (symbol %u '%s', type %u) in section %zu '%s': %s\n",
		elf->path, rs->idx, rs->name, i,
		(unsigned long long)rel->offset, rel->sym,
		rel->sym < elf->sym_cnt ?
		bc_elf_sym_name(elf, &elf->syms[rel->sym]) : "?",
		rel->type, tgt->idx, tgt->name, why);
	return -BC_ERRNO__FORMAT;
}

static __always_inline int load_rels_order(struct bc_elf *elf,
					   struct bc_elf_sec *tgt,
					   struct bc_elf_rel *out, bool swap)
{
	const struct bc_elf_sec *rs = &elf->secs[tgt->rel_sec];
	const unsigned char *raw = rs->data;
	const char *why;
	size_t i;

	for (i = 0; i < tgt->rel_cnt; i++, raw += sizeof(Elf64_Rel)) {
		__u64 info = rd64(raw + offsetof(Elf64_Rel, r_info), swap);

		out[i].offset = rd64(raw + offsetof(Elf64_Rel, r_offset),
				     swap);
		out[i].sym = ELF64_R_SYM(info);
		out[i].type = ELF64_R_TYPE(info);
		why = check_rel(elf, tgt, &out[i]);
		if (unlikely(why))
			return bad_rel(elf, rs, tgt, i, &out[i], why);
	}
	tgt->rels = out;
	return 0;
}

static int load_rels(struct bc_elf *elf, struct bc_elf_sec *tgt,
		     struct bc_elf_rel *out)
{
	if (need_swap(elf))
		return load_rels_order(elf, tgt, out, true);
	return load_rels_order(elf, tgt, out, false);
}

/* How many sections the relocation passes visit, and the k-th of them. */
static size_t rel_walk_cnt(const struct bc_elf *elf,
			   const struct elf_layout *l)
{
	return l->rel_cnt <= REL_LIST_MAX ? l->rel_cnt : elf->sec_cnt - 1;
}

static size_t rel_walk_idx(const struct elf_layout *l, size_t k)
{
	return l->rel_cnt <= REL_LIST_MAX ? l->rel_list[k] : k + 1;
}

static int load_relocations(struct bc_elf *elf, const struct elf_layout *l)
{
	size_t i, k, n = rel_walk_cnt(elf, l), total = 0, used = 0;
	int err;

	/* Pass 1: validate REL headers and count the entries. */
	for (k = 0; k < n; k++) {
		const struct bc_elf_sec *sec = &elf->secs[rel_walk_idx(l, k)];

		if (sec->type == SHT_RELA) {
			pr_debug("elf: %s: section %zu '%s': ignoring SHT_RELA relocations\n",
				 elf->path, sec->idx, sec->name);
			continue;
		}
		if (sec->type != SHT_REL)
			continue;
		err = check_rel_sec(elf, sec, &total);
		if (err)
			return err;
	}
	/* Never: the pre-scan counted every section pass 1 accepts. */
	if (unlikely(total > l->rel_bound))
		return -EFAULT;
	elf->rel_pool_cnt = total;

	/* Pass 2: read and check every entry against its target. */
	for (i = 1; i < elf->sec_cnt && used < total; i++) {
		struct bc_elf_sec *tgt = &elf->secs[i];

		if (!tgt->rel_cnt)
			continue;
		err = load_rels(elf, tgt, elf->rel_pool + used);
		if (err)
			return err;
		used += tgt->rel_cnt;
	}
	return 0;
}

/*
 * The symbol count find_symtab() accepted; the pre-scan sized the table
 * for at least that many (the symtab's size once checked is inside the
 * file and within BC_MAX_SYMBOLS entries).
 */
static int alloc_tables(struct bc_elf *elf, const struct elf_layout *l)
{
	elf->sym_cnt = elf->secs[elf->symtab_idx].size / sizeof(Elf64_Sym);
	if (unlikely(elf->sym_cnt > l->sym_bound))
		return -EFAULT;	/* never: the bound is a superset */
	return 0;
}

static int elf_parse(struct bc_elf *elf, struct elf_layout *l)
{
	int err;

	err = load_sections(elf, l);
	if (err)
		return err;
	err = find_symtab(elf, l);
	if (err)
		return err;
	err = alloc_tables(elf, l);
	if (err)
		return err;
	err = load_symbols(elf);
	if (err)
		return err;
	return load_relocations(elf, l);
}

/* A hash table at most half full; at least 4 slots. */
static size_t name_slot_cnt(size_t sec_cnt)
{
	size_t n = 4;

	while (n < 2 * sec_cnt)
		n <<= 1;
	return n;
}

/* The name of section idx from its raw header, NULL if out of the table. */
static inline const char *raw_sec_name(const struct elf_layout *l, size_t idx,
				       bool swap)
{
	const unsigned char *raw = l->shdrs + idx * sizeof(Elf64_Shdr);

	return strtab_get(&l->names,
			  rd32(raw + offsetof(Elf64_Shdr, sh_name), swap));
}

/*
 * Entries of a REL section that pass 1 of load_relocations() could
 * accept: none for an ignored target, at most what fits in the file.
 * An unchecked header only overestimates; load_sections() refuses it.
 */
static inline size_t rel_sec_bound(const struct elf_layout *l,
				   const unsigned char *raw, bool swap,
				   size_t file_size)
{
	__u32 info = rd32(raw + offsetof(Elf64_Shdr, sh_info), swap);
	__u64 size = rd64(raw + offsetof(Elf64_Shdr, sh_size), swap);
	const char *tgt;

	if (!info || info >= l->shnum)
		return 0;
	tgt = raw_sec_name(l, info, swap);
	if (tgt && rel_target_ignored(tgt))
		return 0;
	return min(size, (__u64)file_size) / sizeof(Elf64_Rel);
}

/* Section types the pre-scan notes: one test for all the others. */
#define SCAN_TYPES	(1U << SHT_SYMTAB | 1U << SHT_RELA | 1U << SHT_REL)

static inline bool scan_type(__u32 type)
{
	return type < 32 && (SCAN_TYPES >> type & 1);
}

/*
 * Note the symbol or relocation section idx from its raw header, and
 * bound its entries. Nothing is refused here: load_sections() checks
 * every header, with its message, before any of this is used.
 */
static __always_inline void scan_section(struct elf_layout *l, size_t idx,
					 __u32 type, bool swap,
					 size_t file_size)
{
	const unsigned char *raw = l->shdrs + idx * sizeof(Elf64_Shdr);
	__u64 size;

	if (type == SHT_SYMTAB) {
		if (l->symtab[0]) {
			if (!l->symtab[1])
				l->symtab[1] = idx;
			return;
		}
		l->symtab[0] = idx;
		size = rd64(raw + offsetof(Elf64_Shdr, sh_size), swap);
		size = min(size, (__u64)file_size);
		l->sym_bound = min(size / sizeof(Elf64_Sym),
				   (__u64)BC_MAX_SYMBOLS);
		return;
	}
	if (l->rel_cnt < REL_LIST_MAX)
		l->rel_list[l->rel_cnt] = (__u16)idx;
	l->rel_cnt++;
	/* Adding only below the cap keeps the sum from overflowing. */
	if (type == SHT_REL && l->rel_bound < BC_MAX_RELOS)
		l->rel_bound += rel_sec_bound(l, raw, swap, file_size);
}

static __always_inline void scan_order(struct elf_layout *l, bool swap,
				       size_t file_size)
{
	const unsigned char *raw = l->shdrs + offsetof(Elf64_Shdr, sh_type);
	size_t i;

	for (i = 1; i < l->shnum; i++) {
		__u32 type;

		raw += sizeof(Elf64_Shdr);
		type = rd32(raw, swap);
		if (scan_type(type))
			scan_section(l, i, type, swap, file_size);
	}
}

static void scan_sections(struct elf_layout *l, size_t file_size)
{
	if (l->swap)
		scan_order(l, true, file_size);
	else
		scan_order(l, false, file_size);
	l->rel_bound = min(l->rel_bound, (size_t)BC_MAX_RELOS);
}

/*
 * The reader's one block, freed by bc_elf_close(): struct bc_elf, the
 * section table, the symbol and relocation tables (sized by the
 * pre-scan), the name index and a copy of the name.
 */
static struct bc_elf *elf_alloc(const struct bc_elf *hdr,
				const struct elf_layout *l)
{
	size_t sec_cnt = l->shnum, slots = name_slot_cnt(sec_cnt);
	size_t name_len = strlen(hdr->path) + 1;
	struct bc_elf *elf;
	char *path;

	/* Not calloc(): load_sections() sets every section entry anyway. */
	elf = malloc(sizeof(*elf) + sec_cnt * sizeof(*elf->secs) +
		     l->sym_bound * sizeof(*elf->syms) +
		     l->rel_bound * sizeof(*elf->rel_pool) +
		     slots * sizeof(*elf->name_slots) + name_len);
	if (!elf)
		return NULL;
	*elf = *hdr;
	elf->secs = (struct bc_elf_sec *)(elf + 1);
	elf->sec_cnt = sec_cnt;
	elf->syms = (struct bc_elf_sym *)(elf->secs + sec_cnt);
	elf->rel_pool = (struct bc_elf_rel *)(elf->syms + l->sym_bound);
	elf->name_slots = (__u32 *)(elf->rel_pool + l->rel_bound);
	elf->name_mask = slots - 1;
	memset(elf->name_slots, 0, slots * sizeof(*elf->name_slots));
	path = (char *)(elf->name_slots + slots);
	memcpy(path, hdr->path, name_len);
	elf->path = path;
	return elf;
}

/* Everything bc_elf_open() checks before it allocates anything. */
static int check_headers(struct bc_elf *hdr, struct elf_layout *l)
{
	Elf64_Ehdr eh;
	int err;

	err = check_ident(hdr->buf, hdr->size, hdr->path);
	if (err)
		return err;
	err = check_ehdr(hdr, l, &eh);
	if (err)
		return err;
	err = check_sec_count(hdr, &eh, l);
	if (err)
		return err;
	err = check_shstrtab(hdr, l);
	if (err)
		return err;
	scan_sections(l, hdr->size);
	return 0;
}

int bc_elf_open(const void *buf, size_t size, const char *name,
		struct bc_elf **out)
{
	struct bc_elf hdr = {}, *elf;
	struct elf_layout l = {};
	int err;

	*out = NULL;
	if (!name)
		name = "<memory>";
	if (!buf) {
		pr_warn("elf: %s: no object bytes\n", name);
		return bc_err(-EINVAL);
	}
	hdr.path = name;
	hdr.buf = buf;
	hdr.size = size;
	err = check_headers(&hdr, &l);
	if (err)
		return bc_err(err);

	elf = elf_alloc(&hdr, &l);
	if (!elf)
		return bc_err(-ENOMEM);
	err = elf_parse(elf, &l);
	if (err) {
		bc_elf_close(elf);
		return bc_err(err);
	}
	*out = elf;
	return 0;
}

/* Every table lives in elf's block. */
void bc_elf_close(struct bc_elf *elf)
{
	free(elf);
}

const struct bc_elf_sec *bc_elf_sec(const struct bc_elf *elf, size_t idx)
{
	if (!elf || idx >= elf->sec_cnt)
		return NULL;
	return &elf->secs[idx];
}

const struct bc_elf_sec *bc_elf_sec_by_name(const struct bc_elf *elf,
					    const char *name)
{
	size_t slot, idx;
	__u32 hash, v;

	if (!elf || !name)
		return NULL;
	/* Tables not made by bc_elf_open() (unit tests) have no index. */
	if (!elf->name_slots) {
		for (idx = 1; idx < elf->sec_cnt; idx++)
			if (!strcmp(elf->secs[idx].name, name))
				return &elf->secs[idx];
		return NULL;
	}
	hash = name_hash(name);
	slot = hash & elf->name_mask;
	while ((v = elf->name_slots[slot])) {
		idx = v & NAME_IDX_MASK;
		if ((v & ~NAME_IDX_MASK) == (hash & ~NAME_IDX_MASK) &&
		    !strcmp(elf->secs[idx].name, name))
			return &elf->secs[idx];
		slot = (slot + 1) & elf->name_mask;
	}
	return NULL;
}

/*
 * Prepending while walking the symbols backwards leaves each list in
 * index order without a tail pointer.
 */
void bc_elf_index_syms(struct bc_elf *elf)
{
	struct bc_elf_sym *syms = elf->syms;
	struct bc_elf_sec *secs = elf->secs;
	size_t i, lim;

	if (elf->syms_indexed)
		return;
	elf->syms_indexed = true;
	/* 1 .. lim - 1 are sections; SHN_LORESERVE on never are. */
	lim = min(elf->sec_cnt, (size_t)SHN_LORESERVE);
	for (i = elf->sym_cnt; i-- > 1;) {
		size_t shndx = syms[i].shndx;

		if (shndx - 1 >= lim - 1)
			continue;
		syms[i].next_in_sec = secs[shndx].sym_first;
		secs[shndx].sym_first = (__u32)i;
		secs[shndx].sym_cnt++;
	}
}

const struct bc_elf_sym *bc_elf_sym(const struct bc_elf *elf, size_t idx)
{
	if (!elf || idx >= elf->sym_cnt)
		return NULL;
	return &elf->syms[idx];
}

const char *bc_elf_sym_name(const struct bc_elf *elf,
			    const struct bc_elf_sym *sym)
{
	if (sym->type == STT_SECTION && sym->shndx < elf->sec_cnt &&
	    sym->shndx != SHN_UNDEF)
		return elf->secs[sym->shndx].name;
	return sym->name;
}

/*
 * libelf never translates PROGBITS, so a foreign-endian object's
 * instructions are swapped here: 16-bit off, 32-bit imm, and the two
 * register nibbles (their order within the byte follows the byte order).
 */
static void swap_insn(__u8 *b)
{
	__u8 t;

	b[1] = (__u8)((b[1] >> 4) | (b[1] << 4));
	t = b[2], b[2] = b[3], b[3] = t;
	t = b[4], b[4] = b[7], b[7] = t;
	t = b[5], b[5] = b[6], b[6] = t;
}

void bc_elf_copy_insns(const struct bc_elf *elf, const struct bc_elf_sec *sec,
		       __u64 off, size_t insn_cnt, void *dst)
{
	__u8 *p = dst;
	size_t i;

	memcpy(dst, (const __u8 *)sec->data + off, insn_cnt * BPF_INSN_SZ);
	if (elf->big_endian == host_big_endian())
		return;
	for (i = 0; i < insn_cnt; i++)
		swap_insn(p + i * BPF_INSN_SZ);
}

bool bc_elf_has_externs(const struct bc_elf *elf)
{
	size_t i;

	for (i = 1; i < elf->sym_cnt; i++)
		if (elf->syms[i].shndx == SHN_UNDEF &&
		    elf->syms[i].bind != STB_LOCAL)
			return true;
	return false;
}
