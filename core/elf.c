// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ELF reader: turns an untrusted object into validated section, symbol and
 * relocation tables (HARDENING.md §3.1-3.3). Nothing past bc_elf_open()
 * needs to bounds-check indexes taken from these tables.
 */
#include <endian.h>
#include <pthread.h>
#include <gelf.h>
#include <libelf.h>

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

static pthread_once_t elf_lib_once = PTHREAD_ONCE_INIT;
static bool elf_lib_ok;

static void elf_lib_init(void)
{
	elf_lib_ok = elf_version(EV_CURRENT) != EV_NONE;
}

static bool host_big_endian(void)
{
	return __BYTE_ORDER == __BIG_ENDIAN;
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
	return 0;
}

static int check_ehdr(struct bc_elf *elf, Elf *e)
{
	Elf64_Ehdr *ehdr;

	if (elf_kind(e) != ELF_K_ELF) {
		pr_warn("elf: %s: not an ELF object\n", elf->path);
		return -BC_ERRNO__FORMAT;
	}
	ehdr = elf64_getehdr(e);
	if (!ehdr) {
		pr_warn("elf: %s: cannot read ELF header: %s\n",
			elf->path, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	if (ehdr->e_type != ET_REL) {
		pr_warn("elf: %s: ELF type %u is not ET_REL (relocatable)\n",
			elf->path, ehdr->e_type);
		return -BC_ERRNO__FORMAT;
	}
	if (ehdr->e_machine != EM_BPF && ehdr->e_machine != EM_NONE) {
		pr_warn("elf: %s: machine %u is neither EM_BPF nor EM_NONE\n",
			elf->path, ehdr->e_machine);
		return -BC_ERRNO__FORMAT;
	}
	/* libelf hands out headers in place: misaligned ones are UB. */
	if (ehdr->e_shoff % sizeof(Elf64_Xword)) {
		pr_warn("elf: %s: section header table offset %llu is not 8-byte aligned\n",
			elf->path, (unsigned long long)ehdr->e_shoff);
		return -BC_ERRNO__FORMAT;
	}
	elf->machine = ehdr->e_machine;
	elf->big_endian = ehdr->e_ident[EI_DATA] == ELFDATA2MSB;
	return 0;
}

/*
 * The section count bounds every per-section allocation, so it is checked
 * against the bytes actually present before anything is allocated.
 */
static int check_sec_count(struct bc_elf *elf, Elf *e, size_t *shnum,
			   size_t *shstrndx)
{
	Elf64_Ehdr *ehdr = elf64_getehdr(e);

	if (elf_getshdrnum(e, shnum)) {
		pr_warn("elf: %s: cannot read section count: %s\n",
			elf->path, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	/* libelf reports 0 when the table it would read lies past EOF. */
	if (*shnum < 2) {
		pr_warn("elf: %s: no usable section header table (offset %llu, file size %zu)\n",
			elf->path, (unsigned long long)ehdr->e_shoff,
			elf->size);
		return -BC_ERRNO__FORMAT;
	}
	if (*shnum > BC_MAX_SECTIONS) {
		pr_warn("elf: %s: %zu sections exceed the limit of %d\n",
			elf->path, *shnum, BC_MAX_SECTIONS);
		return -BC_ERRNO__FORMAT;
	}
	if (ehdr->e_shentsize != sizeof(Elf64_Shdr) ||
	    !range_ok(ehdr->e_shoff, (__u64)*shnum * sizeof(Elf64_Shdr),
		      elf->size)) {
		pr_warn("elf: %s: %zu section headers at offset %llu do not fit in %zu bytes\n",
			elf->path, *shnum,
			(unsigned long long)ehdr->e_shoff, elf->size);
		return -BC_ERRNO__FORMAT;
	}
	if (elf_getshdrstrndx(e, shstrndx)) {
		pr_warn("elf: %s: cannot read section name table index: %s\n",
			elf->path, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	if (*shstrndx == SHN_UNDEF || *shstrndx >= *shnum) {
		pr_warn("elf: %s: section name table index %zu out of range (%zu sections)\n",
			elf->path, *shstrndx, *shnum);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

static int check_shstrtab(struct bc_elf *elf, Elf *e, size_t shstrndx)
{
	Elf_Scn *scn = elf_getscn(e, shstrndx);
	Elf64_Shdr *sh = scn ? elf64_getshdr(scn) : NULL;
	Elf_Data *data;

	if (!sh) {
		pr_warn("elf: %s: section %zu: cannot read section name table: %s\n",
			elf->path, shstrndx, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	if (sh->sh_type != SHT_STRTAB ||
	    !range_ok(sh->sh_offset, sh->sh_size, elf->size)) {
		pr_warn("elf: %s: section %zu: section name table is not a string table inside the file\n",
			elf->path, shstrndx);
		return -BC_ERRNO__FORMAT;
	}
	data = elf_rawdata(scn, NULL);
	if (!data || !data->d_buf || !data->d_size) {
		pr_warn("elf: %s: section %zu: section name table has no data\n",
			elf->path, shstrndx);
		return -BC_ERRNO__FORMAT;
	}
	return 0;
}

static int check_sec_hdr(struct bc_elf *elf, const struct bc_elf_sec *sec,
			 __u64 off)
{
	const char *why = NULL;

	if (sec->flags & SHF_COMPRESSED)
		why = "compressed sections (SHF_COMPRESSED) are not supported";
	else if (sec->type != SHT_NOBITS &&
		 !range_ok(off, sec->size, elf->size))
		why = "data lies past the end of the file";
	else if (!is_pow2_or_zero(sec->addralign))
		why = "alignment is not a power of two";
	else if (sec->exec && sec->size % BPF_INSN_SZ)
		why = "executable section size is not a multiple of 8";
	if (!why)
		return 0;
	pr_warn("elf: %s: section %zu '%s': %s (offset %llu, size %llu, align %llu)\n",
		elf->path, sec->idx, sec->name, why,
		(unsigned long long)off,
		(unsigned long long)sec->size,
		(unsigned long long)sec->addralign);
	return -BC_ERRNO__FORMAT;
}

static int load_section(struct bc_elf *elf, Elf *e, size_t shstrndx,
			size_t idx)
{
	struct bc_elf_sec *sec = &elf->secs[idx];
	Elf_Scn *scn = elf_getscn(e, idx);
	Elf64_Shdr *sh = scn ? elf64_getshdr(scn) : NULL;
	int err;

	if (!sh) {
		pr_warn("elf: %s: section %zu: cannot read header: %s\n",
			elf->path, idx, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	sec->idx = idx;
	sec->name = elf_strptr(e, shstrndx, sh->sh_name);
	if (!sec->name) {
		pr_warn("elf: %s: section %zu: name offset %u is outside the section name table\n",
			elf->path, idx, sh->sh_name);
		return -BC_ERRNO__FORMAT;
	}
	if (!sec->name[0]) {
		pr_warn("elf: %s: section %zu: unnamed section\n",
			elf->path, idx);
		return -BC_ERRNO__FORMAT;
	}
	sec->type = sh->sh_type;
	sec->flags = sh->sh_flags;
	sec->size = sh->sh_size;
	sec->link = sh->sh_link;
	sec->info = sh->sh_info;
	sec->entsize = sh->sh_entsize;
	sec->addralign = sh->sh_addralign;
	sec->exec = sec->type == SHT_PROGBITS &&
		    (sec->flags & SHF_EXECINSTR) && sec->size > 0;
	err = check_sec_hdr(elf, sec, sh->sh_offset);
	if (err)
		return err;
	/*
	 * Raw bytes straight from the range checked above, for every type:
	 * elf_rawdata() would apply its own SYMTAB/REL size rules before
	 * find_symtab() and check_rel_sec() can report them precisely.
	 */
	if (sec->type != SHT_NOBITS && sec->size)
		sec->data = (const __u8 *)elf->buf + sh->sh_offset;
	return 0;
}

static int load_sections(struct bc_elf *elf, Elf *e, size_t shnum,
			 size_t shstrndx)
{
	size_t i;
	int err;

	elf->secs = calloc(shnum, sizeof(*elf->secs));
	if (!elf->secs)
		return -ENOMEM;
	elf->sec_cnt = shnum;
	elf->secs[0].name = "";
	for (i = 1; i < shnum; i++) {
		err = load_section(elf, e, shstrndx, i);
		if (err)
			return err;
	}
	return 0;
}

static int find_symtab(struct bc_elf *elf)
{
	const struct bc_elf_sec *sec;
	size_t i;

	for (i = 1; i < elf->sec_cnt; i++) {
		if (elf->secs[i].type != SHT_SYMTAB)
			continue;
		if (elf->symtab_idx) {
			pr_warn("elf: %s: section %zu '%s': second symbol table (first is section %zu '%s')\n",
				elf->path, i, elf->secs[i].name,
				elf->symtab_idx, sec_name(elf, elf->symtab_idx));
			return -BC_ERRNO__FORMAT;
		}
		elf->symtab_idx = i;
	}
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

static const char *check_sym(const struct bc_elf *elf,
			     const struct bc_elf_sym *sym, const Elf64_Sym *raw)
{
	static const Elf64_Sym null_sym;
	const struct bc_elf_sec *sec;

	if (sym->idx == 0)
		return memcmp(raw, &null_sym, sizeof(*raw)) ?
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

static int load_symbol(struct bc_elf *elf, Elf *e, size_t strtab,
		       const Elf64_Sym *raw, size_t idx)
{
	struct bc_elf_sym *sym = &elf->syms[idx];
	const char *why;

	sym->idx = idx;
	sym->name = elf_strptr(e, strtab, raw->st_name);
	if (!sym->name) {
		pr_warn("elf: %s: symbol %zu: name offset %u is outside string table section %zu\n",
			elf->path, idx, raw->st_name, strtab);
		return -BC_ERRNO__FORMAT;
	}
	sym->value = raw->st_value;
	sym->size = raw->st_size;
	sym->shndx = raw->st_shndx;
	sym->type = GELF_ST_TYPE(raw->st_info);
	sym->bind = GELF_ST_BIND(raw->st_info);
	sym->visibility = GELF_ST_VISIBILITY(raw->st_other);

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

static int load_symbols(struct bc_elf *elf, Elf *e)
{
	const struct bc_elf_sec *sec = &elf->secs[elf->symtab_idx];
	Elf_Scn *scn = elf_getscn(e, sec->idx);
	Elf_Data *data;
	size_t i, cnt = sec->size / sizeof(Elf64_Sym);
	int err;

	/* elf_getdata() converts symbols to host byte order. */
	data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || !data->d_buf || data->d_size != sec->size) {
		pr_warn("elf: %s: section %zu '%s': cannot read symbols: %s\n",
			elf->path, sec->idx, sec->name, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	elf->syms = calloc(cnt, sizeof(*elf->syms));
	if (!elf->syms)
		return -ENOMEM;
	elf->sym_cnt = cnt;
	for (i = 0; i < cnt; i++) {
		err = load_symbol(elf, e, sec->link,
				  (const Elf64_Sym *)data->d_buf + i, i);
		if (err)
			return err;
	}
	return 0;
}

/* Debug info is never loaded, so its relocations are not even parsed. */
static bool rel_target_ignored(const struct bc_elf_sec *tgt)
{
	return !strncmp(tgt->name, ".debug", 6) ||
	       !strncmp(tgt->name, ".BTF", 4);
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
	if (rel_target_ignored(tgt)) {
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

static const char *check_insn_rel(const struct bc_elf_sec *tgt, __u64 off)
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

static const char *check_rel(const struct bc_elf *elf,
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

static int load_rels(struct bc_elf *elf, Elf *e, struct bc_elf_sec *tgt,
		     struct bc_elf_rel *out)
{
	const struct bc_elf_sec *rs = &elf->secs[tgt->rel_sec];
	Elf_Scn *scn = elf_getscn(e, rs->idx);
	const Elf64_Rel *raw;
	Elf_Data *data;
	const char *why;
	size_t i;

	/* elf_getdata() converts relocations to host byte order. */
	data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || data->d_size != rs->size ||
	    (rs->size && !data->d_buf)) {
		pr_warn("elf: %s: section %zu '%s': cannot read relocations: %s\n",
			elf->path, rs->idx, rs->name, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	raw = data->d_buf;
	for (i = 0; i < tgt->rel_cnt; i++) {
		out[i].offset = raw[i].r_offset;
		out[i].sym = ELF64_R_SYM(raw[i].r_info);
		out[i].type = ELF64_R_TYPE(raw[i].r_info);
		why = check_rel(elf, tgt, &out[i]);
		if (!why)
			continue;
		pr_warn("elf: %s: section %zu '%s': relocation %zu at offset %llu (symbol %u '%s', type %u) in section %zu '%s': %s\n",
			elf->path, rs->idx, rs->name, i,
			(unsigned long long)out[i].offset, out[i].sym,
			out[i].sym < elf->sym_cnt ?
			bc_elf_sym_name(elf, &elf->syms[out[i].sym]) : "?",
			out[i].type, tgt->idx, tgt->name, why);
		return -BC_ERRNO__FORMAT;
	}
	tgt->rels = out;
	return 0;
}

static int load_relocations(struct bc_elf *elf, Elf *e)
{
	size_t i, total = 0, used = 0;
	int err;

	/* Pass 1: validate REL headers and size the pool exactly. */
	for (i = 1; i < elf->sec_cnt; i++) {
		const struct bc_elf_sec *sec = &elf->secs[i];

		if (sec->type == SHT_RELA) {
			pr_debug("elf: %s: section %zu '%s': ignoring SHT_RELA relocations\n",
				 elf->path, i, sec->name);
			continue;
		}
		if (sec->type != SHT_REL)
			continue;
		err = check_rel_sec(elf, sec, &total);
		if (err)
			return err;
	}
	if (!total)
		return 0;
	elf->rel_pool = calloc(total, sizeof(*elf->rel_pool));
	if (!elf->rel_pool)
		return -ENOMEM;
	elf->rel_pool_cnt = total;

	/* Pass 2: read and check every entry against its target. */
	for (i = 1; i < elf->sec_cnt; i++) {
		struct bc_elf_sec *tgt = &elf->secs[i];

		if (!tgt->rel_cnt)
			continue;
		err = load_rels(elf, e, tgt, elf->rel_pool + used);
		if (err)
			return err;
		used += tgt->rel_cnt;
	}
	return 0;
}

static int elf_parse(struct bc_elf *elf)
{
	size_t shnum, shstrndx;
	Elf *e;
	int err;

	e = elf_memory((char *)elf->buf, elf->size);
	if (!e) {
		pr_warn("elf: %s: cannot open ELF object: %s\n",
			elf->path, elf_errmsg(-1));
		return -BC_ERRNO__LIBELF;
	}
	elf->elf = e;
	err = check_ehdr(elf, e);
	if (err)
		return err;
	err = check_sec_count(elf, e, &shnum, &shstrndx);
	if (err)
		return err;
	err = check_shstrtab(elf, e, shstrndx);
	if (err)
		return err;
	err = load_sections(elf, e, shnum, shstrndx);
	if (err)
		return err;
	err = find_symtab(elf);
	if (err)
		return err;
	err = load_symbols(elf, e);
	if (err)
		return err;
	return load_relocations(elf, e);
}

int bc_elf_open(const void *buf, size_t size, const char *name,
		struct bc_elf **out)
{
	struct bc_elf *elf;
	int err;

	*out = NULL;
	if (!name)
		name = "<memory>";
	pthread_once(&elf_lib_once, elf_lib_init);
	if (!elf_lib_ok) {
		pr_warn("elf: %s: libelf version mismatch: %s\n",
			name, elf_errmsg(-1));
		return bc_err(-BC_ERRNO__LIBELF);
	}
	if (!buf) {
		pr_warn("elf: %s: no object bytes\n", name);
		return bc_err(-EINVAL);
	}
	err = check_ident(buf, size, name);
	if (err)
		return bc_err(err);

	elf = calloc(1, sizeof(*elf));
	if (!elf)
		return bc_err(-ENOMEM);
	elf->path = bc_strdup(name);
	if (!elf->path) {
		free(elf);
		return bc_err(-ENOMEM);
	}
	elf->buf = buf;
	elf->size = size;
	err = elf_parse(elf);
	if (err) {
		bc_elf_close(elf);
		return bc_err(err);
	}
	*out = elf;
	return 0;
}

void bc_elf_close(struct bc_elf *elf)
{
	if (!elf)
		return;
	if (elf->elf)
		elf_end(elf->elf);
	free(elf->rel_pool);
	free(elf->syms);
	free(elf->secs);
	free((char *)elf->path);
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
	size_t i;

	if (!elf || !name)
		return NULL;
	for (i = 1; i < elf->sec_cnt; i++) {
		if (!strcmp(elf->secs[i].name, name))
			return &elf->secs[i];
	}
	return NULL;
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
