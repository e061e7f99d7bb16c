#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Conformance runners for one corpus object.

  bctest.py inspect --cli BIN --obj OBJ --expect GOLDEN
      detect names the golden dialect; inspect --json agrees with every key
      the golden file lists.
  bctest.py kernel --cli BIN --obj OBJ --expect GOLDEN
      load into a private bpffs and check what the kernel holds.
  bctest.py peer --cli BIN --obj OBJ --twin TWIN --expect GOLDEN
      the legacy object loaded by bpfcompat and its BTF twin loaded by
      libbpf (bpftool prog loadall) give the same kernel objects.
"""

import argparse
import os

import bclib
from bclib import fail


# ---- golden comparison ----------------------------------------------------

def _scalar_eq(want, got):
    if isinstance(want, bool) or isinstance(got, bool):
        return want == got
    if isinstance(want, int) and isinstance(got, str):
        try:
            return want == int(got, 0)
        except ValueError:
            return False
    return want == got


def _by_name(items, path):
    out = {}
    for i, it in enumerate(items):
        if not isinstance(it, dict) or "name" not in it:
            fail(f"{path}[{i}]: entry without a name: {it!r}")
        out[it["name"]] = it
    return out


def match(want, got, path="$"):
    """Check that got has every key of want with an equal value.

    Lists of named entries are compared as sets of names (the golden file
    lists them all), then entry by entry."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            fail(f"{path}: expected an object, got {got!r}")
        for k, v in want.items():
            if k not in got:
                fail(f"{path}.{k}: missing (have {sorted(got)})")
            match(v, got[k], f"{path}.{k}")
    elif isinstance(want, list):
        if not isinstance(got, list):
            fail(f"{path}: expected a list, got {got!r}")
        if want and all(isinstance(w, dict) and "name" in w for w in want):
            g = _by_name(got, path)
            names_w = [w["name"] for w in want]
            if sorted(names_w) != sorted(g):
                fail(f"{path}: names {sorted(g)}, expected {sorted(names_w)}")
            for w in want:
                match(w, g[w["name"]], f"{path}[{w['name']}]")
        else:
            if len(want) != len(got):
                fail(f"{path}: {len(got)} entries, expected {len(want)}")
            for i, (w, g) in enumerate(zip(want, got)):
                match(w, g, f"{path}[{i}]")
    elif not _scalar_eq(want, got):
        fail(f"{path}: {got!r}, expected {want!r}")


def json_dialect(doc):
    obj = doc.get("object") if isinstance(doc.get("object"), dict) else {}
    return doc.get("dialect", obj.get("dialect"))


# ---- inspect ----------------------------------------------------------------

def cmd_inspect(a):
    golden = bclib.load_yaml(a.expect)
    dialect = golden.pop("dialect", None)
    if dialect:
        p = bclib.run_ok([a.cli, "detect", a.obj])
        first = p.stdout.splitlines()[0].strip() if p.stdout else ""
        if first != dialect:
            fail(f"detect {a.obj}: first line {first!r}, "
                 f"expected {dialect!r}\n{p.stdout}")
    doc = bclib.run_json([a.cli, "inspect", a.obj, "--json"])
    if dialect and json_dialect(doc) not in (None, dialect):
        fail(f"inspect --json: dialect {json_dialect(doc)!r}, "
             f"expected {dialect!r}")
    match(golden, doc)


# ---- kernel ---------------------------------------------------------------

def load_into(a, bpffs):
    progs_dir = os.path.join(bpffs, "progs")
    doc = bclib.run_json([a.cli, "load", a.obj, "--bpffs", bpffs,
                          "--pin-progs", progs_dir, "--json"],
                         what=f"bpfcompat load {a.obj}")
    for key in ("maps", "programs"):
        if not isinstance(doc.get(key), list):
            fail(f"load --json: no '{key}' list in {doc!r}")
    return doc, progs_dir


def check_kernel_progs(bpftool, golden, doc, progs_dir):
    loaded = _by_name(doc["programs"], "load.programs")
    want = [p["name"] for p in golden.get("programs", [])]
    if sorted(loaded) != sorted(want):
        fail(f"loaded programs {sorted(loaded)}, expected {sorted(want)}")
    ids = {}
    for gp in golden["programs"]:
        lp = loaded[gp["name"]]
        kp = bclib.kernel_prog(bpftool, prog_id=lp["id"])
        where = f"program {gp['name']} (id {lp['id']})"
        if kp.get("name") != bclib.kname(gp["name"]):
            fail(f"{where}: kernel name {kp.get('name')!r}")
        if "type" in gp and kp.get("type") != gp["type"]:
            fail(f"{where}: kernel type {kp.get('type')!r}, "
                 f"expected {gp['type']!r}")
        if lp.get("tag") and kp.get("tag") != lp["tag"]:
            fail(f"{where}: kernel tag {kp.get('tag')}, tool said "
                 f"{lp['tag']}")
        ids[kp["id"]] = gp["name"]
    if not os.path.isdir(progs_dir):
        fail(f"--pin-progs {progs_dir}: nothing pinned")
    pins = bclib.pinned_files(progs_dir)
    if len(pins) != len(ids):
        fail(f"{progs_dir}: {len(pins)} pins for {len(ids)} programs: "
             f"{pins}")
    for pin in pins:
        kp = bclib.kernel_prog(bpftool, pinned=pin)
        if kp.get("id") not in ids:
            fail(f"{pin}: pins program id {kp.get('id')}, not one of "
                 f"the loaded ones {sorted(ids)}")
    return ids


MAP_KEYS = (("type", "type"), ("key_size", "bytes_key"),
            ("value_size", "bytes_value"), ("max_entries", "max_entries"),
            ("flags", "flags"))


def check_kernel_maps(bpftool, golden, doc):
    loaded = _by_name(doc["maps"], "load.maps")
    for gm in golden.get("maps", []):
        lm = loaded.get(gm["name"])
        if lm is None:
            fail(f"map {gm['name']}: not in load --json maps "
                 f"{sorted(loaded)}")
        km = bclib.kernel_map(bpftool, map_id=lm["id"])
        where = f"map {gm['name']} (id {lm['id']})"
        if km.get("name") != bclib.kname(gm["name"]):
            fail(f"{where}: kernel name {km.get('name')!r}")
        for gk, kk in MAP_KEYS:
            if gk in gm and not _scalar_eq(gm[gk], km.get(kk)):
                fail(f"{where}: kernel {kk} {km.get(kk)!r}, "
                     f"expected {gm[gk]!r}")
        if lm.get("pin_path"):
            kp = bclib.kernel_map(bpftool, pinned=lm["pin_path"])
            if kp.get("id") != lm["id"]:
                fail(f"{where}: {lm['pin_path']} pins map {kp.get('id')}")


def cmd_kernel(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    golden = bclib.load_yaml(a.expect)
    with bclib.private_bpffs("bc-load") as bpffs:
        doc, progs_dir = load_into(a, bpffs)
        check_kernel_progs(bpftool, golden, doc, progs_dir)
        check_kernel_maps(bpftool, golden, doc)


# ---- peer -------------------------------------------------------------------

def map_attrs(bpftool, map_ids):
    out = set()
    for mid in sorted(map_ids):
        km = bclib.kernel_map(bpftool, map_id=mid)
        out.add((km.get("name"), km.get("type"), km.get("bytes_key"),
                 km.get("bytes_value"), km.get("max_entries"),
                 km.get("flags")))
    return out


def cmd_peer(a):
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    with bclib.private_bpffs("bc-ours") as ours, \
            bclib.private_bpffs("bc-peer") as peer:
        doc, _ = load_into(a, ours)
        twin_dir = os.path.join(peer, "twin")
        bclib.run_ok([bpftool, "prog", "loadall", a.twin, twin_dir],
                     what=f"bpftool prog loadall {a.twin}")
        theirs = {}
        for pin in bclib.pinned_files(twin_dir):
            theirs[os.path.basename(pin)] = bclib.kernel_prog(
                bpftool, pinned=pin)
        mine = {p["name"]: bclib.kernel_prog(bpftool, prog_id=p["id"])
                for p in doc["programs"]}
        if sorted(mine) != sorted(theirs):
            fail(f"programs: bpfcompat {sorted(mine)}, "
                 f"libbpf {sorted(theirs)}")
        our_maps, their_maps = set(), set()
        for name in sorted(mine):
            m, t = mine[name], theirs[name]
            for key in ("type", "name", "tag"):
                if m.get(key) != t.get(key):
                    fail(f"program {name}: {key} {m.get(key)!r} "
                         f"(bpfcompat) != {t.get(key)!r} (libbpf)")
            our_maps |= set(m.get("map_ids", []))
            their_maps |= set(t.get("map_ids", []))
        ours_a, theirs_a = map_attrs(bpftool, our_maps), \
            map_attrs(bpftool, their_maps)
        if ours_a != theirs_a:
            fail("maps differ (name, type, key, value, max_entries, "
                 f"flags):\n  bpfcompat only: {sorted(ours_a - theirs_a)}"
                 f"\n  libbpf only:    {sorted(theirs_a - ours_a)}")
        print(f"{len(mine)} programs with equal tags, "
              f"{len(ours_a)} equal maps")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.
                                 RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("inspect", "kernel", "peer"))
    ap.add_argument("--cli", required=True)
    ap.add_argument("--obj", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--twin")
    a = ap.parse_args()
    if a.mode == "peer" and not a.twin:
        ap.error("peer needs --twin")
    if not os.path.exists(a.obj):
        bclib.main_wrapper(lambda: fail(f"{a.obj}: corpus object missing "
                                        "(was the corpus built?)"))
    fn = {"inspect": cmd_inspect, "kernel": cmd_kernel,
          "peer": cmd_peer}[a.mode]
    bclib.main_wrapper(lambda: fn(a))


if __name__ == "__main__":
    main()
