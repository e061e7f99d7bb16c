#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Conformance runners for the tc dialect corpus.

  tctest.py inspect --obj OBJ --expect GOLDEN
      detect ranks the golden 'detect' dialect first; inspect --dialect tc
      --json agrees with the golden maps, programs and inits.
  tctest.py kernel --obj OBJ --expect GOLDEN
      load into a private bpffs: pins where tc puts them, kernel map
      attributes, the xdp and ip links, tail-call and inner-map slots.
  tctest.py reuse --obj OBJ --expect GOLDEN
      two loads share every pinned map; the unpinned ones are fresh.
  tctest.py reuse_tail --obj OBJ --expect GOLDEN
      a second load refills the shared prog array with its own tail
      programs; the shared map of maps keeps the first load's inner map.
  tctest.py mnt --obj OBJ --expect GOLDEN
      TC_BPF_MNT names an unmounted directory: bpffs is mounted there
      and the pins land in it.
  tctest.py mismatch --obj OBJ --expect GOLDEN --other OBJ2
      OBJ2 wants a pinned map of OBJ with another geometry: refused with
      both specs named, nothing pinned, the old pin untouched.
  tctest.py rollback --obj OBJ --expect GOLDEN
      a load the verifier rejects (mode xdp) leaves the bpffs as it was.
  tctest.py traffic --obj OBJ --expect GOLDEN
      the entry, pinned with --pin-progs, attached by stock tc as
      object-pinned on lo of a fresh netns; packets run it and its tails.
  tctest.py peer --obj OBJ --twin TWIN --expect GOLDEN
      Debian's tc (libbpf path) loads the BTF twin: same program tag, map
      attributes and tc/globals pins.
All need --cli BIN and --src DIR (the corpus sources, for @SRC@).
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import bclib  # noqa: E402
from bclib import fail  # noqa: E402
from bctest import match, _scalar_eq  # noqa: E402

MAP_KEYS = (("type", "type"), ("key_size", "bytes_key"),
            ("value_size", "bytes_value"), ("max_entries", "max_entries"),
            ("flags", "flags"))


def golden(a):
    g = bclib.load_yaml(a.expect)
    params = [p.replace("@SRC@", a.src) for p in g.pop("params", [])]
    meta = {k: g.pop(k, None) for k in ("dialect", "detect", "pins")}
    meta["params"] = params
    return g, meta


def tool_args(meta):
    out = ["--dialect", "tc"]
    for p in meta["params"]:
        out += ["--param", p]
    return out


# ---- inspect ----------------------------------------------------------------

def cmd_inspect(a):
    g, meta = golden(a)
    p = bclib.run_ok([a.cli, "detect", a.obj])
    first = p.stdout.splitlines()[0].strip() if p.stdout else ""
    if meta["detect"] and first != meta["detect"]:
        fail(f"detect {a.obj}: {first!r}, expected {meta['detect']!r}")
    doc = bclib.run_json([a.cli, "inspect", a.obj, "--json",
                          *tool_args(meta)])
    match(g, doc)


# ---- kernel helpers -----------------------------------------------------------

def load(a, meta, bpffs, progs=None, obj=None, ok=True, extra=()):
    cmd = [a.cli, "load", obj or a.obj, "--bpffs", bpffs, "--json",
           *tool_args(meta), *extra]
    if progs:
        cmd += ["--pin-progs", progs]
    if not ok:
        return bclib.run(cmd)
    return bclib.run_json(cmd, what=f"bpfcompat load {obj or a.obj}")


def by_name(items):
    return {it["name"]: it for it in items}


def sha1_of(path):
    import hashlib
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def tree(bpffs):
    """Everything under bpffs but the kernel's own entries."""
    out = set()
    for root, dirs, files in os.walk(bpffs):
        for e in dirs + files:
            p = os.path.relpath(os.path.join(root, e), bpffs)
            if p not in ("maps.debug", "progs.debug"):
                out.add(p)
    return out


@contextlib.contextmanager
def bpffs_ctx(tag):
    with bclib.private_bpffs(tag) as d:
        try:
            yield d
        finally:
            # Links first: the generic cleanup walks directories only.
            for link in ("xdp", "ip"):
                p = os.path.join(d, link)
                if os.path.islink(p):
                    os.unlink(p)


def check_pins(a, meta, bpffs, doc, bpftool):
    maps = by_name(doc["maps"])
    want = {}
    for rel, name in (meta["pins"] or {}).items():
        rel = rel.replace("{sha1}", sha1_of(a.obj))
        want[os.path.join(bpffs, rel)] = name
    for path, name in want.items():
        if not os.path.exists(path):
            fail(f"map {name}: no pin at {path}; bpffs has "
                 f"{sorted(tree(bpffs))}")
        km = bclib.kernel_map(bpftool, pinned=path)
        if km.get("id") != maps[name]["id"]:
            fail(f"{path}: pins map {km.get('id')}, {name} is "
                 f"{maps[name]['id']}")
    for m in doc["maps"]:
        if m.get("pin_path") and m["pin_path"] not in want:
            fail(f"map {m['name']}: pinned at {m['pin_path']}, "
                 f"expected {sorted(want)}")


def live_maps(doc, bpftool):
    """Map ids still alive after the loader exited: pinned, or used by a
    loaded program (a template-only inner map is gone, as with tc)."""
    live = {m["id"] for m in doc["maps"] if m.get("pin_path")}
    for p in doc["programs"]:
        if p.get("id"):
            kp = bclib.kernel_prog(bpftool, prog_id=p["id"])
            live |= set(kp.get("map_ids", []))
    return live


def check_maps(g, doc, bpftool):
    maps = by_name(doc["maps"])
    live = live_maps(doc, bpftool)
    for gm in g.get("maps", []):
        if maps[gm["name"]]["id"] not in live:
            continue
        km = bclib.kernel_map(bpftool, map_id=maps[gm["name"]]["id"])
        where = f"map {gm['name']} (id {km.get('id')})"
        if km.get("name") != bclib.kname(gm["name"]):
            fail(f"{where}: kernel name {km.get('name')!r}")
        for gk, kk in MAP_KEYS:
            if gk in gm and not _scalar_eq(gm[gk], km.get(kk)):
                fail(f"{where}: kernel {kk} {km.get(kk)!r}, "
                     f"expected {gm[gk]!r}")


def slot(bpftool, map_id, key):
    """The id stored at key of a prog array or map of maps, or None."""
    for e in bclib.bpftool_json(bpftool, "map", "dump", "id", str(map_id)):
        k = int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little")
        if k == key:
            return int.from_bytes(bytes(int(b, 16) for b in e["value"]),
                                  "little")
    return None


def check_inits(g, doc, bpftool):
    maps, progs = by_name(doc["maps"]), by_name(doc["programs"])
    for init in g.get("inits", []):
        mid = maps[init["map"]]["id"]
        want = (progs[init["prog"]]["id"] if "prog" in init
                else maps[init["inner_map"]]["id"])
        got = slot(bpftool, mid, init["key"])
        if got != want:
            fail(f"{init['map']}[{init['key']}]: holds id {got}, "
                 f"expected {want}")


def check_links(bpffs):
    for link in ("xdp", "ip"):
        p = os.path.join(bpffs, link)
        if not os.path.islink(p) or \
                os.path.realpath(p) != os.path.join(bpffs, "tc"):
            fail(f"{p}: not a link to {bpffs}/tc/")


def check_progs(g, doc):
    want = sorted(p["name"] for p in g["programs"] if p.get("autoload"))
    got = sorted(p["name"] for p in doc["programs"] if p.get("id"))
    if got != want:
        fail(f"loaded programs {got}, expected {want}")


def cmd_kernel(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    g, meta = golden(a)
    with bpffs_ctx("tc-kernel") as bpffs:
        doc = load(a, meta, bpffs, progs=os.path.join(bpffs, "progs"))
        check_progs(g, doc)
        check_pins(a, meta, bpffs, doc, bpftool)
        check_maps(g, doc, bpftool)
        check_inits(g, doc, bpftool)
        if meta["pins"]:
            check_links(bpffs)


def cmd_reuse(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    g, meta = golden(a)
    with bpffs_ctx("tc-reuse") as bpffs:
        one = by_name(load(a, meta, bpffs)["maps"])
        two = by_name(load(a, meta, bpffs)["maps"])
        for name, m in two.items():
            same = m["id"] == one[name]["id"]
            if bool(m.get("pin_path")) != same:
                fail(f"map {name}: ids {one[name]['id']} then {m['id']} "
                     f"(pin {m.get('pin_path')})")
            if m.get("pin_path") and not m.get("reused"):
                fail(f"map {name}: second load did not report reuse")
        check_pins(a, meta, bpffs, {"maps": list(two.values())}, bpftool)
    print(f"{sum(1 for m in two.values() if m.get('reused'))} maps shared")


def cmd_reuse_tail(a):
    """A reused prog array gets this load's tail calls (as with tc); a
    reused map of maps keeps the inner map it has."""
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    g, meta = golden(a)
    with bpffs_ctx("tc-reuse-tail") as bpffs:
        one = load(a, meta, bpffs)
        two = load(a, meta, bpffs)
        m1, m2 = by_name(one["maps"]), by_name(two["maps"])
        p2 = by_name(two["programs"])
        for init in g.get("inits", []):
            mid = m2[init["map"]]["id"]
            if mid != m1[init["map"]]["id"]:
                fail(f"{init['map']}: not shared between the loads")
            want = (p2[init["prog"]]["id"] if "prog" in init
                    else m1[init["inner_map"]]["id"])
            got = slot(bpftool, mid, init["key"])
            if got != want:
                fail(f"{init['map']}[{init['key']}]: holds id {got}, "
                     f"expected {want}")


def mount_points():
    with open("/proc/self/mounts") as f:
        return [ln.split()[1] for ln in f]


def cmd_mnt(a):
    """TC_BPF_MNT on a directory that is no bpffs: mounted, then used."""
    import tempfile
    bclib.need_kernel()
    g, meta = golden(a)
    d = tempfile.mkdtemp(prefix="tc-mnt-")
    env = dict(os.environ, TC_BPF_MNT=d)
    try:
        p = subprocess.run([a.cli, "load", a.obj, "--json",
                            *tool_args(meta)], env=env, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=120)
        if p.returncode != 0:
            fail(f"load with TC_BPF_MNT={d}: exit {p.returncode}\n"
                 f"{p.stderr}")
        with open("/proc/self/mounts") as f:
            mounts = [ln.split()[1:3] for ln in f]
        # As tc: the directory bound onto itself (private), bpffs on top.
        if mounts.count([d, "bpf"]) != 1 or len([m for m in mounts
                                                  if m[0] == d]) != 2:
            fail(f"{d}: expected a bind mount and a bpffs there, have "
                 f"{[m for m in mounts if m[0] == d]}")
        for rel in (meta["pins"] or {}):
            rel = rel.replace("{sha1}", sha1_of(a.obj))
            if not os.path.exists(os.path.join(d, rel)):
                fail(f"{d}/{rel}: not pinned; have {sorted(tree(d))}")
        check_links(d)
    finally:
        if os.path.ismount(d):
            for link in ("xdp", "ip"):
                if os.path.islink(os.path.join(d, link)):
                    os.unlink(os.path.join(d, link))
            bclib._clear_tree(d, {os.path.join(d, e) for e in
                                  ("maps.debug", "progs.debug")})
        # The bpffs, then the bind under it (ismount() misses a bind of a
        # directory onto itself: same device).
        for _ in range(2):
            if d in mount_points():
                subprocess.run(["umount", d], check=False)
        os.rmdir(d)


def cmd_mismatch(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    g, meta = golden(a)
    with bpffs_ctx("tc-mismatch") as bpffs:
        first = by_name(load(a, meta, bpffs)["maps"])
        before = tree(bpffs)
        p = load(a, {"params": []}, bpffs, obj=a.other, ok=False)
        if p.returncode == 0:
            fail(f"{a.other} loaded over an incompatible pin")
        if "max 16" not in p.stderr or "max 32" not in p.stderr:
            fail(f"error does not name both specs:\n{p.stderr}")
        if tree(bpffs) != before:
            fail(f"failed load changed the bpffs: "
                 f"{sorted(tree(bpffs) ^ before)}")
        path = first["pin_hash"]["pin_path"]
        if bclib.kernel_map(bpftool, pinned=path)["id"] != \
                first["pin_hash"]["id"]:
            fail(f"{path} no longer pins the first load's map")
    print(p.stderr.strip().splitlines()[0])


def cmd_rollback(a):
    bclib.need_kernel()
    g, meta = golden(a)
    with bpffs_ctx("tc-rollback") as bpffs:
        before = tree(bpffs)
        p = load(a, meta, bpffs, progs=os.path.join(bpffs, "progs"),
                 ok=False, extra=["--param", "mode=xdp",
                                  "--param", "section=classifier"])
        if p.returncode == 0:
            fail("an skb program loaded as XDP")
        if "VERIFIER LOG" not in p.stderr:
            fail(f"no verifier log on failure:\n{p.stderr}")
        if tree(bpffs) != before:
            fail(f"failed load left {sorted(tree(bpffs) - before)}")


# ---- traffic through stock tc ---------------------------------------------------

def need_tool(name):
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/sbin/{name}")
         if os.access(p, os.X_OK)), None)
    if not path:
        bclib.skip(f"{name} not found (Debian package iproute2)")
    return path


@contextlib.contextmanager
def netns():
    ip = need_tool("ip")
    name = f"bctc-{uuid.uuid4().hex[:10]}"
    p = bclib.run([ip, "netns", "add", name])
    if p.returncode != 0:
        bclib.skip(f"cannot create a network namespace: {p.stderr.strip()}")
    try:
        bclib.run_ok([ip, "-n", name, "link", "set", "lo", "up"])
        yield name
    finally:
        subprocess.run([ip, "netns", "del", name], check=False)


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def send_udp(ns, count):
    code = ("import socket\ns=socket.socket(socket.AF_INET,"
            "socket.SOCK_DGRAM)\n"
            f"for i in range({count}): s.sendto(b'x', ('127.0.0.1', 9))\n")
    bclib.run_ok(in_ns(ns, sys.executable, "-c", code))


def counters(bpftool, path, n):
    m = bclib.kernel_map(bpftool, pinned=path)
    return [slot(bpftool, m["id"], k) or 0 for k in range(n)]


def cmd_traffic(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    tc = need_tool("tc")
    g, meta = golden(a)
    with bpffs_ctx("tc-traffic") as bpffs, netns() as ns:
        progs = os.path.join(bpffs, "progs")
        load(a, meta, bpffs, progs=progs)
        entry = next(p["name"] for p in g["programs"]
                     if p["section"] == "classifier")
        bclib.run_ok(in_ns(ns, tc, "qdisc", "add", "dev", "lo", "clsact"))
        bclib.run_ok(in_ns(ns, tc, "filter", "add", "dev", "lo", "ingress",
                           "bpf", "da", "object-pinned",
                           os.path.join(progs, entry)))
        send_udp(ns, 3)
        cnt = counters(bpftool, os.path.join(bpffs, "tc/globals/tc_cnt"), 4)
        # Entry bumps [0], "7/1" [1], "0x7/3" [2]; the orphan "99/0" [3].
        if not (cnt[0] >= 3 and cnt[1] == cnt[0] and cnt[2] == cnt[0]
                and cnt[3] == 0):
            fail(f"tc_cnt after 3 packets: {cnt} (want n, n, n, 0, n >= 3)")
    print(f"tc_cnt = {cnt}")


# ---- peer: Debian's tc on the BTF twin -------------------------------------------

def tc_prog(tc, ns):
    doc = bclib.run_json(in_ns(ns, tc, "-j", "filter", "show", "dev", "lo",
                               "ingress"))
    for f in doc:
        prog = f.get("options", {}).get("prog")
        if prog:
            return prog
    fail(f"tc filter show: no bpf program in {doc!r}")


def map_set(bpftool, ids):
    out = set()
    for mid in ids:
        km = bclib.kernel_map(bpftool, map_id=mid)
        out.add((km.get("name"), km.get("type"), km.get("bytes_key"),
                 km.get("bytes_value"), km.get("max_entries"),
                 km.get("flags")))
    return out


def cmd_peer(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    tc = need_tool("tc")
    g, meta = golden(a)
    with bpffs_ctx("tc-ours") as ours, bpffs_ctx("tc-peer") as theirs, \
            netns() as ns:
        doc = load(a, meta, ours, progs=os.path.join(ours, "progs"))
        mine = bclib.kernel_prog(bpftool, prog_id=doc["programs"][0]["id"])
        bclib.run_ok(in_ns(ns, tc, "qdisc", "add", "dev", "lo", "clsact"))
        env = ["env", f"TC_BPF_MNT={theirs}"]
        bclib.run_ok(in_ns(ns, *env, tc, "filter", "add", "dev", "lo",
                           "ingress", "bpf", "da", "obj", a.twin,
                           "sec", "classifier"),
                     what=f"tc filter add ... obj {a.twin}")
        peer = bclib.kernel_prog(bpftool, prog_id=tc_prog(tc, ns)["id"])
        for key in ("type", "name", "tag"):
            if mine.get(key) != peer.get(key):
                fail(f"program {key}: {mine.get(key)!r} (bpfcompat) != "
                     f"{peer.get(key)!r} (tc)")
        m1 = map_set(bpftool, mine.get("map_ids", []))
        m2 = map_set(bpftool, peer.get("map_ids", []))
        if m1 != m2:
            fail(f"maps differ:\n  bpfcompat only: {sorted(m1 - m2)}\n"
                 f"  tc only: {sorted(m2 - m1)}")
        p1 = {p for p in tree(ours) if p.startswith("tc/globals/")}
        p2 = {p for p in tree(theirs) if p.startswith("tc/globals/")}
        if p1 != p2:
            fail(f"tc/globals pins: bpfcompat {sorted(p1)}, tc {sorted(p2)}")
    print(f"tag {mine['tag']}, {len(m1)} equal maps, pins {sorted(p1)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.
                                 RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("inspect", "kernel", "reuse",
                                     "reuse_tail", "mnt",
                                     "mismatch", "rollback", "traffic",
                                     "peer"))
    ap.add_argument("--cli", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--obj", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--twin")
    ap.add_argument("--other")
    a = ap.parse_args()
    bclib.main_wrapper(lambda: globals()[f"cmd_{a.mode}"](a))


if __name__ == "__main__":
    main()
