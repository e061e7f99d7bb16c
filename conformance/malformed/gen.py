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
