#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Broken variants of valid corpus objects, patched byte by byte.

  gen.py --list                       case names, one a line
  gen.py CASE --corpus DIR --out FILE write one broken object
  gen.py CASE --expect                the error text the case must produce

Each case starts from a little-endian ELF64 object of the corpus and
breaks exactly one invariant a loader must check (see HARDENING.md).
"""

import argparse
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
SYM = struct.Struct("<IBBHQQ")
REL = struct.Struct("<QQ")
SHT_SYMTAB, SHT_REL = 2, 9
STT_FUNC = 2


class Elf:
    """Just enough ELF64 little-endian structure to patch precisely."""

    def __init__(self, data):
        self.b = bytearray(data)
        h = EHDR.unpack_from(self.b, 0)
        self.shoff, self.shnum, self.shstrndx = h[6], h[12], h[13]
        self.secs = [SHDR.unpack_from(self.b, self.shoff + i * SHDR.size)
                     for i in range(self.shnum)]
        strtab = self.secs[self.shstrndx]
        self.names = [self._str(strtab, s[0]) for s in self.secs]
        self.symtab = next(i for i, s in enumerate(self.secs)
                           if s[1] == SHT_SYMTAB)

    def _str(self, sec, off):
        start = sec[4] + off
        return self.b[start:self.b.index(0, start)].decode()

    def idx(self, name):
        return self.names.index(name)

    def shdr_off(self, i):
        return self.shoff + i * SHDR.size

    # sh_offset is at +24, sh_size at +32 of a section header.
    def set_sec_offset(self, i, v):
        struct.pack_into("<Q", self.b, self.shdr_off(i) + 24, v)

    def set_sec_size(self, i, v):
        struct.pack_into("<Q", self.b, self.shdr_off(i) + 32, v)

    def syms(self):
        s = self.secs[self.symtab]
        strsec = self.secs[s[6]]
        for i in range(s[5] // SYM.size):
            off = s[4] + i * SYM.size
            name, info, other, shndx, value, size = SYM.unpack_from(
                self.b, off)
            yield i, off, self._str(strsec, name), info, shndx, value, size

    def sym(self, name):
        return next(s for s in self.syms() if s[2] == name)

    def nsyms(self):
        return self.secs[self.symtab][5] // SYM.size

    def rels(self, relsec):
        s = self.secs[self.idx(relsec)]
        for i in range(s[5] // REL.size):
            off = s[4] + i * REL.size
            yield (off,) + REL.unpack_from(self.b, off)

    def insn_code(self, sec, off):
        return self.b[self.secs[self.idx(sec)][4] + off]


def set_rel(elf, relsec, n, r_offset=None, sym=None):
    off, ro, info = list(elf.rels(relsec))[n]
    if r_offset is not None:
        ro = r_offset
    if sym is not None:
        info = (sym << 32) | (info & 0xffffffff)
    REL.pack_into(elf.b, off, ro, info)


def truncate_at(name):
    def f(e):
        return e.b[:e.secs[e.idx(name)][4]]
    return f


def trunc_in_shdrs(e):
    return e.b[:e.shoff + SHDR.size * 3 + 17]


def sec_offset_past_eof(e):
    e.set_sec_offset(e.idx("maps"), len(e.b) + 0x1000)
    return e.b


def sec_size_past_eof(e):
    e.set_sec_size(e.idx("socket"), 0x7fffffff0)
    return e.b


def rel_sym_out_of_range(e):
    set_rel(e, ".relsocket", 0, sym=e.nsyms() + 1000)
    return e.b


def rel_sym_zero(e):
    set_rel(e, ".relsocket", 0, sym=0)
    return e.b


def rel_offset_unaligned(e):
    off = list(e.rels(".relsocket"))[0][1]
    set_rel(e, ".relsocket", 0, r_offset=off + 3)
    return e.b


def rel_offset_past_end(e):
    set_rel(e, ".relsocket", 0,
            r_offset=e.secs[e.idx("socket")][5] + 64)
    return e.b


def map_overlap(e):
    # Both map symbols at offset 0: two maps claim one record.
    _, off, *_ = e.sym("totals")
    struct.pack_into("<Q", e.b, off + 8, 0)
    return e.b


def short_map_def(e):
    # xdp_percpu.o: one map symbol, section cut to 12 bytes.
    e.set_sec_size(e.idx("maps"), 12)
    return e.b


def ldimm64_split(e):
    # End the section right after the first half of its last ld_imm64,
    # keeping the program symbol inside the section.
    last = max(r[1] for r in e.rels(".relsocket")
               if e.insn_code("socket", r[1]) == 0x18)
    e.set_sec_size(e.idx("socket"), last + 8)
    _, off, *_ = e.sym("count_proto")
    struct.pack_into("<Q", e.b, off + 16, last + 8)
    return e.b


def func_overflow(e):
    # st_value + st_size wraps around 2^64 (CVE-2025-29481).
    _, off, *_ = e.sym("count_proto")
    struct.pack_into("<QQ", e.b, off + 8, 0xfffffffffffffff8, 0x10)
    return e.b


def bad_machine(e):
    struct.pack_into("<H", e.b, 18, 62)     # EM_X86_64
    return e.b


def huge_shnum(e):
    struct.pack_into("<H", e.b, 60, 0xfff0)
    return e.b


SHT = r"section header"

# name: (source object, patch, regex the error output must match)
CASES = {
    "trunc_at_text": ("subprogs.o", truncate_at(".text"), SHT),
    "trunc_at_maps": ("sockfilter.o", truncate_at("maps"), SHT),
    "trunc_at_symtab": ("sockfilter.o", truncate_at(".symtab"), SHT),
    "trunc_at_shdrs": ("sockfilter.o", lambda e: e.b[:e.shoff], SHT),
    "trunc_in_shdrs": ("sockfilter.o", trunc_in_shdrs, SHT),
    "sec_offset_past_eof": ("sockfilter.o", sec_offset_past_eof,
                            r"'maps'.*(past|beyond|end)"),
    "sec_size_past_eof": ("sockfilter.o", sec_size_past_eof,
                          r"'socket'.*(past|beyond|end)"),
    "rel_sym_out_of_range": ("sockfilter.o", rel_sym_out_of_range,
                             r"'\.relsocket'.*relocation 0.*symbol.*"
                             r"range"),
    "rel_sym_zero": ("sockfilter.o", rel_sym_zero,
                     r"'\.relsocket'.*relocation 0.*(null|zero|symbol 0)"),
    "rel_offset_unaligned": ("sockfilter.o", rel_offset_unaligned,
                             r"'\.relsocket'.*relocation 0.*"
                             r"(boundary|align)"),
    "rel_offset_past_end": ("sockfilter.o", rel_offset_past_end,
                            r"'\.relsocket'.*relocation 0.*(past|beyond)"),
    "map_overlap": ("sockfilter.o", map_overlap,
                    r"'maps'.*'totals'.*overlap"),
    "short_map_def": ("xdp_percpu.o", short_map_def,
                      r"'maps'.*(rx_packets|12)"),
    "ldimm64_split": ("sockfilter.o", ldimm64_split,
                      r"'socket'.*ld_imm64|ld_imm64.*'socket'"),
    "func_overflow": ("sockfilter.o", func_overflow,
                      r"'count_proto'.*(section|past|overflow)"),
    "bad_machine": ("sockfilter.o", bad_machine, r"machine 62"),
    "huge_shnum": ("sockfilter.o", huge_shnum, SHT),
}


# ---- more cases: every section boundary, headers, indexes, sizes, names ----

EHDR_FIELDS = {  # field: (offset, struct format)
    "ei_class": (4, "<B"), "ei_data": (5, "<B"), "ei_version": (6, "<B"),
    "e_type": (16, "<H"), "e_version": (20, "<I"), "e_shoff": (40, "<Q"),
    "e_ehsize": (52, "<H"), "e_shentsize": (58, "<H"),
    "e_shstrndx": (62, "<H"),
}


def set_ehdr(field, value):
    def f(e):
        off, fmt = EHDR_FIELDS[field]
        struct.pack_into(fmt, e.b, off, value)
        return e.b
    return f


def truncate_inside(name, keep):
    """Cut the file keep bytes into section name's data."""
    def f(e):
        return e.b[:e.secs[e.idx(name)][4] + keep]
    return f


def sym_shndx(name, shndx):
    def f(e):
        _, off, *_ = e.sym(name)
        struct.pack_into("<H", e.b, off + 6, shndx)
        return e.b
    return f


def sym_name_off(name, value):
    def f(e):
        _, off, *_ = e.sym(name)
        struct.pack_into("<I", e.b, off, value)
        return e.b
    return f


def sym_value_size(name, value, size):
    def f(e):
        _, off, *_ = e.sym(name)
        struct.pack_into("<QQ", e.b, off + 8, value, size)
        return e.b
    return f


def sec_field(name, field_off, fmt, value):
    def f(e):
        struct.pack_into(fmt, e.b, e.shdr_off(e.idx(name)) + field_off,
                         value)
        return e.b
    return f


def symtab_entsize_zero(e):
    struct.pack_into("<Q", e.b, e.shdr_off(e.symtab) + 56, 0)
    return e.b


def symtab_link_bad(e):
    struct.pack_into("<I", e.b, e.shdr_off(e.symtab) + 40, 0xfff0)
    return e.b


def rel_link_bad(e):
    struct.pack_into("<I", e.b, e.shdr_off(e.idx(".relsocket")) + 40,
                     e.idx("maps"))
    return e.b


def rel_info_bad(e):
    struct.pack_into("<I", e.b, e.shdr_off(e.idx(".relsocket")) + 44,
                     0xfff0)
    return e.b


def rel_type_bad(e):
    off, ro, info = list(e.rels(".relsocket"))[0]
    REL.pack_into(e.b, off, ro, (info & ~0xffffffff) | 0x7f)
    return e.b


def rel_not_ldimm64(e):
    # Point the first relocation at the instruction before the ld_imm64.
    off = list(e.rels(".relsocket"))[0][1]
    set_rel(e, ".relsocket", 0, r_offset=off - 8)
    return e.b


def rel_sec_size_odd(e):
    e.set_sec_size(e.idx(".relsocket"), REL.size + 3)
    return e.b


def prog_size_odd(e):
    e.set_sec_size(e.idx("socket"), e.secs[e.idx("socket")][5] - 4)
    return e.b


def maps_zero_size(e):
    e.set_sec_size(e.idx("maps"), 0)
    return e.b


def prog_zero_size(e):
    e.set_sec_size(e.idx("socket"), 0)
    return e.b


def huge_maps(e):
    e.set_sec_size(e.idx("maps"), 1 << 62)
    return e.b


def symtab_huge(e):
    e.set_sec_size(e.symtab, 0xffffffffffffffe8)
    return e.b


def dup_map_name(e):
    # Both map symbols named like the first one.
    first = e.sym("proto_counts")
    _, off, *_ = e.sym("totals")
    name_off = struct.unpack_from("<I", e.b, first[1])[0]
    struct.pack_into("<I", e.b, off, name_off)
    return e.b


def dup_prog_name(e):
    # Both programs of multiprog.o named like the first one.
    funcs = [s for s in e.syms() if s[3] & 0xf == STT_FUNC]
    name_off = struct.unpack_from("<I", e.b, funcs[0][1])[0]
    for s in funcs[1:]:
        struct.pack_into("<I", e.b, s[1], name_off)
    return e.b


def license_unterminated(e):
    i = e.idx("license")
    start, size = e.secs[i][4], e.secs[i][5]
    e.b[start + size - 1] = ord("X")
    return e.b


def version_short(e):
    e.set_sec_size(e.idx("version"), 3)
    return e.b


def btf_hdr(e):
    return e.secs[e.idx(".BTF")][4]


def btf_str_off_bad(e):
    # btf_header: magic, version, flags, hdr_len, type_off, type_len,
    # str_off, str_len. Strings past the section.
    struct.pack_into("<I", e.b, btf_hdr(e) + 16, 0x7ffffff0)
    return e.b


def btf_type_len_bad(e):
    struct.pack_into("<I", e.b, btf_hdr(e) + 12, 0xfffffff0)
    return e.b


def btf_magic_bad(e):
    struct.pack_into("<H", e.b, btf_hdr(e), 0x1234)
    return e.b


def btf_loop(e):
    # The first type that refers to another (PTR, TYPEDEF, CONST...)
    # refers to itself: a loop of length one.
    base = btf_hdr(e)
    hdr_len, type_off, type_len = struct.unpack_from("<III", e.b, base + 4)
    p = base + hdr_len + type_off
    end, tid = p + type_len, 1
    sizes = {1: 4, 4: 0, 13: 0, 14: 8, 15: 0, 16: 0}  # INT ARRAY FUNC...
    while p < end:
        _, info, _ = struct.unpack_from("<III", e.b, p)
        kind, vlen = (info >> 24) & 0x1f, info & 0xffff
        if kind in (2, 8, 9, 10, 11):   # PTR TYPEDEF VOLATILE CONST RESTRICT
            struct.pack_into("<I", e.b, p + 8, tid)
            return e.b
        extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen,
                 13: 8 * vlen, 14: 4, 15: 12 * vlen, 17: 4, 19: 12 * vlen,
                 }.get(kind, 0)
        p += 12 + extra
        tid += 1
    raise SystemExit("btf_loop: no reference type found")


def btf_ext_bad(e):
    i = e.idx(".BTF.ext")
    struct.pack_into("<I", e.b, e.secs[i][4] + 8, 0x7ffffff0)  # func_info_off
    return e.b


def dup_section(e):
    # Rename the "license" section to "maps": two map sections named alike.
    i, j = e.idx("license"), e.idx("maps")
    name = struct.unpack_from("<I", e.b, e.shdr_off(j))[0]
    struct.pack_into("<I", e.b, e.shdr_off(i), name)
    return e.b


def sec_name_bad(e):
    struct.pack_into("<I", e.b, e.shdr_off(e.idx("socket")), 0x7ffffff0)
    return e.b


def shstrtab_not_strtab(e):
    struct.pack_into("<I", e.b, e.shdr_off(e.shstrndx) + 4, 1)  # PROGBITS
    struct.pack_into("<I", e.b, e.shdr_off(e.shstrndx), 0x7ffffff0)
    return e.b


def compressed_prog(e):
    i = e.idx("socket")
    flags = struct.unpack_from("<Q", e.b, e.shdr_off(i) + 8)[0]
    struct.pack_into("<Q", e.b, e.shdr_off(i) + 8, flags | 0x800)
    return e.b


MORE_CASES = {
    # Truncations at the start of, and inside, every interesting section.
    **{f"trunc_at_{n.strip('.').replace('.', '_')}": (
        "sockfilter.o", truncate_at(n), SHT)
       for n in ("socket", ".relsocket", "license", ".BTF", ".BTF.ext",
                 ".strtab", ".debug_info", ".llvm_addrsig")},
    **{f"trunc_in_{n.strip('.').replace('.', '_')}": (
        "sockfilter.o", truncate_inside(n, 5), SHT)
       for n in ("socket", "maps", ".symtab", ".strtab")},
    "trunc_ehdr": ("sockfilter.o", lambda e: e.b[:40], r"ELF|header"),
    "empty_file": ("sockfilter.o", lambda e: b"", r"ELF|empty|header"),
    # Flipped header bytes.
    "ehdr_class32": ("sockfilter.o", set_ehdr("ei_class", 1),
                     r"ELFCLASS|class|64"),
    "ehdr_data_bad": ("sockfilter.o", set_ehdr("ei_data", 7),
                      r"byte order|endian|data|ELF"),
    "ehdr_type_exec": ("sockfilter.o", set_ehdr("e_type", 2),
                       r"ET_REL|relocatable|type"),
    "ehdr_shentsize": ("sockfilter.o", set_ehdr("e_shentsize", 32), SHT),
    # Found by the fuzzer: libelf reads headers in place.
    "ehdr_shoff_unaligned": ("sockfilter.o",
                             lambda e: set_ehdr("e_shoff", e.shoff + 4)(e),
                             r"section header.*align"),
    "ehdr_shoff_past_eof": ("sockfilter.o",
                            set_ehdr("e_shoff", 0x7ffffffffff0), SHT),
    "ehdr_shstrndx_bad": ("sockfilter.o", set_ehdr("e_shstrndx", 0xfff0),
                          r"shstrtab|string table|section"),
    "shstrtab_not_strtab": ("sockfilter.o", shstrtab_not_strtab,
                            r"shstrtab|string table|name|section"),
    "sec_name_bad": ("sockfilter.o", sec_name_bad,
                     r"section 3.*name|name.*section 3"),
    "compressed_prog": ("sockfilter.o", compressed_prog,
                        r"'socket'.*compress"),
    # Symbols.
    "sym_shndx_bad": ("sockfilter.o", sym_shndx("count_proto", 0xfe00),
                      r"'count_proto'.*section|symbol.*section"),
    "sym_name_bad": ("sockfilter.o", sym_name_off("count_proto",
                                                  0x7ffffff0),
                     r"symbol.*name|name.*symbol"),
    "sym_map_past_end": ("sockfilter.o",
                         sym_value_size("totals", 0x1000, 20),
                         r"'maps'.*'totals'"),
    "sym_map_overflow": ("sockfilter.o",
                         sym_value_size("totals", 0xfffffffffffffff0,
                                        0x20),
                         r"'maps'.*'totals'|'totals'"),
    "func_size_past_end": ("sockfilter.o",
                           sym_value_size("count_proto", 0, 0x10000),
                           r"'count_proto'.*(section|past|end)"),
    "func_unaligned": ("sockfilter.o",
                       sym_value_size("count_proto", 4, 0x100),
                       r"'count_proto'.*(align|boundary|section)"),
    "symtab_entsize_zero": ("sockfilter.o", symtab_entsize_zero,
                            r"symtab|symbol"),
    "symtab_link_bad": ("sockfilter.o", symtab_link_bad,
                        r"symtab|string|link"),
    "symtab_huge": ("sockfilter.o", symtab_huge, r"symtab|section|past"),
    # Relocations.
    "rel_link_bad": ("sockfilter.o", rel_link_bad,
                     r"'\.relsocket'.*(symtab|link)"),
    "rel_info_bad": ("sockfilter.o", rel_info_bad,
                     r"'\.relsocket'.*(section|target|info)"),
    "rel_type_bad": ("sockfilter.o", rel_type_bad,
                     r"'\.relsocket'.*relocation 0.*type"),
    "rel_not_ldimm64": ("sockfilter.o", rel_not_ldimm64,
                        r"relocation 0.*(ld_imm64|instruction|insn)"),
    "rel_sec_size_odd": ("sockfilter.o", rel_sec_size_odd,
                         r"'\.relsocket'.*(size|multiple|entsize)"),
    # Sizes.
    "prog_size_odd": ("sockfilter.o", prog_size_odd,
                      r"'socket'.*(multiple|size|instruction)"),
    "prog_zero_size": ("sockfilter.o", prog_zero_size,
                       r"'socket'|'count_proto'"),
    "maps_zero_size": ("sockfilter.o", maps_zero_size, r"'maps'"),
    "huge_maps": ("sockfilter.o", huge_maps, r"'maps'.*(past|end|size)"),
    # Names.
    "dup_map_name": ("sockfilter.o", dup_map_name,
                     r"'proto_counts'.*(duplicate|twice|overlap)|"
                     r"(duplicate|twice).*'proto_counts'"),
    "dup_prog_name": ("multiprog.o", dup_prog_name,
                      r"(duplicate|twice)"),
    "dup_section": ("sockfilter.o", dup_section,
                    r"sections [0-9]+ and [0-9]+ are both named 'maps'"),
    "license_unterminated": ("sockfilter.o", license_unterminated,
                             r"'license'.*(NUL|terminat)"),
    "version_short": ("tracing.o", version_short,
                      r"'version'.*(4|size|bytes)"),
    # BTF.
    "btf_magic_bad": ("twins/sockfilter.o", btf_magic_bad, r"BTF"),
    "btf_str_off_bad": ("twins/sockfilter.o", btf_str_off_bad, r"BTF"),
    "btf_type_len_bad": ("twins/sockfilter.o", btf_type_len_bad, r"BTF"),
    "btf_loop": ("twins/sockfilter.o", btf_loop,
                 r"BTF|loop|'proto_counts'"),
}

CASES.update(MORE_CASES)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("case", nargs="?")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--expect", action="store_true")
    ap.add_argument("--corpus")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.list:
        print("\n".join(CASES))
        return 0
    if a.case not in CASES:
        ap.error(f"unknown case {a.case!r}")
    src, patch, expect = CASES[a.case]
    if a.expect:
        print(expect)
        return 0
    if not a.corpus or not a.out:
        ap.error("--corpus and --out are needed")
    with open(f"{a.corpus}/{src}", "rb") as f:
        data = patch(Elf(f.read()))
    with open(a.out, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
