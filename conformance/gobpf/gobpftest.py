#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Kernel and peer tests of the gobpf dialect.

  gobpftest.py kernel CASE --cli BIN --dir OBJDIR
      one kernel scenario (see CASES) in a private bpffs.
  gobpftest.py peer OBJ --cli BIN --peer GOBPF_PEER --expect GOLDEN
      load OBJ with gobpf itself (conformance/peers/gobpf, run in a private
      mount namespace whose /sys/fs/bpf is a fresh bpffs) and with
      bpfcompat: same programs (type, tag), maps and pins.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import bclib  # noqa: E402
from bclib import fail  # noqa: E402


# ---- bpfcompat side ----------------------------------------------------------

def load(a, obj, bpffs, *extra, ok=True, progs="progs"):
    cmd = [a.cli, "load", os.path.join(a.dir, obj), "--bpffs", bpffs,
           "--pin-progs", os.path.join(bpffs, progs), "--json", *extra]
    p = bclib.run(cmd)
    if ok and p.returncode != 0:
        fail(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    if not ok:
        if p.returncode == 0:
            fail(f"{' '.join(cmd)}: loaded, expected a refusal")
        return p
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError as e:
        fail(f"{' '.join(cmd)}: output is not JSON ({e}):\n{p.stdout}")


def rel_pins(top, skip=("progs", "progs2")):
    """Files under top, relative, without the kernel's own and skip dirs."""
    out = set()
    for path in bclib.pinned_files(top):
        rel = os.path.relpath(path, top)
        if rel.endswith(".debug") or rel.split("/")[0] in skip:
            continue
        out.add(rel)
    return out


def kmap(bpftool, **kw):
    m = bclib.kernel_map(bpftool, **kw)
    return (m.get("type"), m.get("bytes_key"), m.get("bytes_value"),
            m.get("max_entries"), m.get("flags"))


def expect_pins(bpffs, want):
    got = rel_pins(bpffs)
    if got != set(want):
        fail(f"pins {sorted(got)}, expected {sorted(want)}")


def expect_msg(p, *words):
    for w in words:
        if w not in p.stderr:
            fail(f"refusal does not mention {w!r}:\n{p.stderr}")


def by_name(items):
    return {it["name"]: it for it in items}


# ---- kernel cases --------------------------------------------------------------

def case_pin_custom(a, bpftool, bpffs):
    """PIN_CUSTOM_NS with the caller's path, and by default
    NAMESPACE/NAME; unknown pinning values stay unpinned."""
    doc = load(a, "pinning.o", bpffs, "--param",
               "pin-path=custom=team/custom_pin")
    expect_pins(bpffs, {"gobpf_test/globals/shared", "team/custom_pin"})
    maps = by_name(doc["maps"])
    for name, rel in (("shared", "gobpf_test/globals/shared"),
                      ("custom", "team/custom_pin")):
        km = bclib.kernel_map(bpftool, pinned=os.path.join(bpffs, rel))
        if km["id"] != maps[name]["id"]:
            fail(f"{rel} pins map {km['id']}, not {name}")
    mode = os.stat(os.path.join(bpffs, "gobpf_test")).st_mode & 0o777
    if mode != 0o700:
        fail(f"gobpf_test/ has mode {mode:o}, gobpf makes 0700")


def case_pin_option(a, bpftool, bpffs):
    """--pin-path MAP=PATH is --param pin-path=MAP=PATH: the map is pinned
    where the caller asked, and inspect accepts the option too."""
    doc = load(a, "pinning.o", bpffs, "--pin-path", "custom=opt/dir/pin")
    expect_pins(bpffs, {"gobpf_test/globals/shared", "opt/dir/pin"})
    km = bclib.kernel_map(bpftool, pinned=os.path.join(bpffs, "opt/dir/pin"))
    if km["id"] != by_name(doc["maps"])["custom"]["id"]:
        fail(f"opt/dir/pin pins map {km['id']}, not custom")
    cmd = [a.cli, "inspect", os.path.join(a.dir, "pinning.o"),
           "--pin-path", "custom=x/y"]
    p = bclib.run(cmd)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    cmd[-1] = "nosuch=x/y"
    p = bclib.run(cmd)
    if p.returncode != 2 or "nosuch" not in p.stderr:
        fail(f"{' '.join(cmd)}: exit {p.returncode}, expected 2 naming "
             f"the map\n{p.stderr}")


def case_pin_default(a, bpftool, bpffs):
    load(a, "pinning.o", bpffs)
    expect_pins(bpffs, {"gobpf_test/globals/shared", "gobpf_test/custom"})


def case_namespace(a, bpftool, bpffs):
    """A two-level namespace gives two directory levels."""
    load(a, "customns.o", bpffs)
    expect_pins(bpffs, {"team/app/globals/verdicts",
                        "team/app/globals/socks"})


def case_reuse(a, bpftool, bpffs):
    first = by_name(load(a, "pinning.o", bpffs)["maps"])
    again = by_name(load(a, "reuse.o", bpffs, progs="progs2")["maps"])
    if again["shared"]["id"] != first["shared"]["id"]:
        fail(f"shared: second load made map {again['shared']['id']}, "
             f"expected to reuse {first['shared']['id']}")


def case_reuse_mismatch(a, bpftool, bpffs):
    """gobpf would reuse the pinned HASH for an ARRAY definition."""
    first = by_name(load(a, "pinning.o", bpffs)["maps"])
    before = rel_pins(bpffs)
    p = load(a, "reuse_mismatch.o", bpffs, ok=False, progs="progs2")
    expect_msg(p, "shared", "gobpf_test/globals/shared")
    pin = os.path.join(bpffs, "gobpf_test/globals/shared")
    if bclib.kernel_map(bpftool, pinned=pin)["id"] != first["shared"]["id"]:
        fail(f"{pin} no longer pins the first load's map")
    # 'fresh' was pinned before the refusal in section order, or not at
    # all: either way nothing of the failed load may remain.
    expect_pins(bpffs, before)


def case_rollback(a, bpftool, bpffs):
    """A verifier refusal undoes the maps, pins and directories made."""
    p = load(a, "reuse_reject.o", bpffs, ok=False)
    expect_msg(p, "socket/bad")
    expect_pins(bpffs, set())
    left = [e for e in os.listdir(bpffs) if not e.endswith(".debug")]
    if left:
        fail(f"left behind after a failed load: {left}")


def refused(obj, *words, escape=None):
    """The load is refused with a message naming the cause; nothing is
    created in bpffs, nor at escape (relative to the bpffs root)."""
    def run(a, bpftool, bpffs):
        target = os.path.normpath(os.path.join(bpffs, escape)) \
            if escape else None
        p = load(a, obj, bpffs, ok=False)
        if p.returncode not in (1, 2):
            fail(f"exit {p.returncode}, expected 1 or 2")
        expect_msg(p, *words)
        left = [e for e in os.listdir(bpffs) if not e.endswith(".debug")]
        if left:
            fail(f"created inside bpffs: {left}")
        if target and os.path.lexists(target):
            fail(f"created outside bpffs: {target}")
    return run


# Pins each golden object leaves, relative to the bpffs root.
PINS = {
    "tracer": {"tracer/globals/events", "tracer/globals/result"},
    "pinning": {"gobpf_test/globals/shared", "gobpf_test/custom"},
    "customns": {"team/app/globals/verdicts", "team/app/globals/socks"},
    "bpf2bpf": set(),
}


def golden_load(name):
    """Load <name>.o: the kernel holds the golden programs and maps, and
    exactly the pins gobpf makes."""
    def run(a, bpftool, bpffs):
        golden = bclib.load_yaml(os.path.join(a.src, f"{name}.expect.yaml"))
        doc = load(a, f"{name}.o", bpffs)
        progs = by_name(doc["programs"])
        want = {p["section"]: p for p in golden["programs"]}
        if sorted(progs) != sorted(want):
            fail(f"loaded {sorted(progs)}, expected {sorted(want)}")
        for sec, gp in want.items():
            kp = bclib.kernel_prog(bpftool, prog_id=progs[sec]["id"])
            if kp.get("type") != gp["type"]:
                fail(f"{sec}: kernel type {kp.get('type')}, "
                     f"expected {gp['type']}")
            if kp.get("tag") != progs[sec].get("tag"):
                fail(f"{sec}: kernel tag {kp.get('tag')}, tool said "
                     f"{progs[sec].get('tag')}")
        maps = by_name(doc["maps"])
        for gm in golden["maps"]:
            km = kmap(bpftool, map_id=maps[gm["name"]]["id"])
            exp = (gm["type"], gm["key_size"], gm["value_size"],
                   gm["max_entries"], gm.get("flags", 0))
            if km != exp:
                fail(f"map {gm['name']}: kernel {km}, expected {exp}")
        expect_pins(bpffs, PINS[name])
    return run


CASES = {
    "pin_custom": case_pin_custom,
    "pin_default": case_pin_default,
    "pin_option": case_pin_option,
    "namespace": case_namespace,
    "reuse": case_reuse,
    "reuse_mismatch": case_reuse_mismatch,
    "rollback": case_rollback,
    "object_ns": refused("objectns.o", "PIN_OBJECT_NS"),
    "hostile_dotdot": refused("hostile_dotdot.o", "loot", "'..'",
                              escape="../../escape"),
    "hostile_abs": refused("hostile_abs.o", "loot", "empty path component"),
    "hostile_empty": refused("hostile_empty.o", "loot", "empty namespace"),
    "hostile_trailing": refused("hostile_trailing.o", "loot",
                                "empty path component"),
    "hostile_unterminated": refused("hostile_unterminated.o", "namespace",
                                    "NUL-terminated"),
    "hostile_custom_empty": refused("hostile_custom_empty.o", "loot",
                                    "pin-path=loot=PATH"),
    "hostile_param": None,
}


def case_hostile_param(a, bpftool, bpffs):
    """The caller's pin path is confined too."""
    for bad in ("../escape", "a/../../b", "/abs"):
        p = load(a, "pinning.o", bpffs, "--param",
                 f"pin-path=custom={bad}", ok=False)
        expect_msg(p, "custom")
        expect_pins(bpffs, set())


CASES["hostile_param"] = case_hostile_param
for _n in PINS:
    CASES[f"load_{_n}"] = golden_load(_n)


def cmd_kernel(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    with bclib.private_bpffs("bc-gobpf") as bpffs:
        CASES[a.case](a, bpftool, bpffs)


# ---- peer: gobpf itself ----------------------------------------------------------

GOBPF_SRC = "/usr/share/gocode/src/github.com/iovisor/gobpf/elf"


def fdinfo(pid, fd):
    out = {}
    with open(f"/proc/{pid}/fdinfo/{fd}") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k.strip()] = v.strip()
    return out


class GobpfPeer:
    """gobpf-peer in a private mount namespace with its own bpffs on
    /sys/fs/bpf (gobpf's fixed root); holds its objects until closed."""

    def __init__(self, peer, obj, params):
        script = "mount -t bpf bpf /sys/fs/bpf && exec \"$0\" \"$@\""
        self.p = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             script, peer, obj, *params],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        try:
            self.doc = json.loads(line)
        except json.JSONDecodeError:
            self.close()
            fail(f"gobpf peer: no report: {line!r}\n{self.p.stderr.read()}")
        self.root = f"/proc/{self.p.pid}/root/sys/fs/bpf"

    def close(self):
        try:
            self.p.stdin.close()
        finally:
            self.p.wait(timeout=60)


def peer_state(bpftool, peer):
    progs, maps = {}, {}
    for sec, fd in peer.doc["progs"].items():
        info = fdinfo(peer.p.pid, fd)
        kp = bclib.kernel_prog(bpftool, prog_id=info["prog_id"])
        progs[sec] = (kp.get("type"), kp.get("tag"))
    for name, fd in peer.doc["maps"].items():
        info = fdinfo(peer.p.pid, fd)
        maps[name] = (kmap(bpftool, map_id=info["map_id"]),
                      int(info["map_id"]))
    pins = {}
    for rel in rel_pins(peer.root):
        km = bclib.kernel_map(bpftool, pinned=os.path.join(peer.root, rel))
        pins[rel] = km["id"]
    return progs, maps, pins


def our_state(bpftool, doc, bpffs):
    progs = {p["name"]: bclib.kernel_prog(bpftool, prog_id=p["id"])
             for p in doc["programs"]}
    progs = {s: (k.get("type"), k.get("tag")) for s, k in progs.items()}
    maps = {m["name"]: (kmap(bpftool, map_id=m["id"]), m["id"])
            for m in doc["maps"]}
    pins = {}
    for rel in rel_pins(bpffs):
        pins[rel] = bclib.kernel_map(bpftool,
                                     pinned=os.path.join(bpffs, rel))["id"]
    return progs, maps, pins


def compare(ours, theirs):
    (op, om, opins), (tp, tm, tpins) = ours, theirs
    if op != tp:
        fail(f"programs (type, tag) differ:\n  bpfcompat {sorted(op.items())}"
             f"\n  gobpf     {sorted(tp.items())}")
    oa = {n: v[0] for n, v in om.items()}
    ta = {n: v[0] for n, v in tm.items()}
    if oa != ta:
        fail(f"maps (type, key, value, max_entries, flags) differ:\n"
             f"  bpfcompat {sorted(oa.items())}\n  gobpf     "
             f"{sorted(ta.items())}")
    oid = {v[1]: n for n, v in om.items()}
    tid = {v[1]: n for n, v in tm.items()}
    opn = {r: oid.get(i) for r, i in opins.items()}
    tpn = {r: tid.get(i) for r, i in tpins.items()}
    if opn != tpn:
        fail(f"pins (path -> map) differ:\n  bpfcompat {sorted(opn.items())}"
             f"\n  gobpf     {sorted(tpn.items())}")
    return len(op), len(oa), len(opn)


def cmd_peer(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    if not os.path.isdir(GOBPF_SRC):
        bclib.skip(f"gobpf not installed ({GOBPF_SRC} missing; Debian "
                   "package golang-github-iovisor-gobpf-dev)")
    if not a.peer or not os.access(a.peer, os.X_OK):
        bclib.skip(f"gobpf peer not built ({a.peer or 'no path'}: needs "
                   "Debian packages golang-go and "
                   "golang-github-iovisor-gobpf-dev at configure time)")
    obj = os.path.join(a.dir, a.obj)
    params = [f"pin-path={pp}" for pp in a.pin_path]
    with bclib.private_bpffs("bc-gobpf-ours") as bpffs:
        cmd = [a.cli, "load", obj, "--bpffs", bpffs, "--json",
               "--pin-progs", os.path.join(bpffs, "progs")]
        for p in params:
            cmd += ["--param", p]
        if a.gobpf_refuses:
            peer = GobpfPeer(a.peer, obj, a.pin_path)
            peer.close()
            err = peer.doc.get("error", "")
            if a.gobpf_refuses not in err:
                fail(f"gobpf: {err or 'loaded'}; expected a refusal "
                     f"with {a.gobpf_refuses!r}")
            bclib.run_ok(cmd)
            print(f"gobpf refuses ({err.splitlines()[0]}); bpfcompat loads")
            return
        doc = bclib.run_json(cmd)
        ours = our_state(bpftool, doc, bpffs)
        peer = GobpfPeer(a.peer, obj, a.pin_path)
        try:
            if peer.doc.get("error"):
                fail(f"gobpf refused {obj}: {peer.doc['error']}")
            theirs = peer_state(bpftool, peer)
        finally:
            peer.close()
    n = compare(ours, theirs)
    print("%d programs with equal types and tags, %d equal maps, "
          "%d equal pins" % n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.
                                 RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    k = sub.add_parser("kernel")
    k.add_argument("case", choices=sorted(CASES))
    p = sub.add_parser("peer")
    p.add_argument("obj")
    p.add_argument("--peer")
    p.add_argument("--pin-path", action="append", default=[],
                   metavar="MAP=PATH")
    p.add_argument("--gobpf-refuses", metavar="TEXT",
                   help="gobpf must refuse the object with TEXT; "
                   "bpfcompat must load it")
    for s in (k, p):
        s.add_argument("--cli", required=True)
        s.add_argument("--dir", required=True)
        s.add_argument("--src", default=os.path.dirname(
            os.path.abspath(__file__)))
    a = ap.parse_args()
    fn = cmd_kernel if a.mode == "kernel" else cmd_peer
    bclib.main_wrapper(lambda: fn(a))


if __name__ == "__main__":
    main()
