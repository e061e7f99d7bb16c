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
  bctest.py peer-btf --cli BIN --obj OBJ --expect GOLDEN
      the object itself loaded by bpfcompat and by bpftool prog loadall
      (in a private mount namespace whose /sys/fs/bpf is a fresh bpffs, so
      by-name pins land there): same programs, types, tags, maps and pins.
"""

import argparse
import os
import subprocess
import tempfile

import bclib
from bclib import fail


# ---- golden comparison ----------------------------------------------------

def same_func_info(name, mine, theirs):
    """The kernel keeps a program's BTF (btf_id) only with its func_info."""
    def state(p):
        return "loaded" if "btf_id" in p else "missing"
    if state(mine) != state(theirs):
        fail(f"program {name}: func/line info {state(mine)} (bpfcompat), "
             f"{state(theirs)} (libbpf)")


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
        if gm.get("kind") == "inner":
            continue    # a template: freed once its outer map exists
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


def cmd_kernel_refused(a):
    """The load fails, naming each --want-fail text, and leaves nothing
    pinned."""
    bclib.need_kernel()
    with bclib.private_bpffs("bc-refused") as bpffs:
        cmd = [a.cli, "load", a.obj, "--bpffs", bpffs]
        p = bclib.run(cmd)
        if p.returncode not in (1, 2):
            fail(f"{' '.join(cmd)}: exit {p.returncode}, expected a "
                 f"refusal (1 or 2)\n{p.stderr}")
        for want in a.want_fail or []:
            if want not in p.stderr:
                fail(f"refusal lacks {want!r}:\n{p.stderr}")
        left = [e for e in os.listdir(bpffs) if not e.endswith(".debug")]
        if left:
            fail(f"left in bpffs after a failed load: {left}")
    print(f"ok: refused with {len(a.want_fail or [])} expected texts")


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
            same_func_info(name, m, t)
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


# ---- peer-btf -------------------------------------------------------------

PEER_SCRIPT = r"""
set -e
mount -t bpf bpf /sys/fs/bpf
"$BPFTOOL" prog loadall "$OBJ" /sys/fs/bpf/bc_progs >&2
for f in /sys/fs/bpf/bc_progs/*; do
	printf 'P %s ' "${f##*/}"; "$BPFTOOL" -j prog show pinned "$f"; echo
done
for f in /sys/fs/bpf/*; do
	[ -f "$f" ] || continue
	case "${f##*/}" in *.debug) continue;; esac
	printf 'N %s ' "${f##*/}"; "$BPFTOOL" -j map show pinned "$f"; echo
done
printf 'A '; "$BPFTOOL" -j map show; echo
"""


def cmd_peer_btf(a):
    import json
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    os.environ["BPFTOOL"], os.environ["OBJ"] = bpftool, os.path.abspath(a.obj)
    p = bclib.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                   PEER_SCRIPT])
    if p.returncode != 0:
        fail(f"bpftool prog loadall {a.obj} failed:\n{p.stderr}")
    theirs, their_pins, all_maps = {}, {}, {}
    for line in p.stdout.splitlines():
        if line.startswith("P "):
            _, name, js = line.split(" ", 2)
            theirs[name] = json.loads(js)
        elif line.startswith("N "):
            _, name, js = line.split(" ", 2)
            their_pins[name] = json.loads(js)
        elif line.startswith("A "):
            all_maps = {m["id"]: m for m in json.loads(line[2:])}

    def attrs(m):
        return (m.get("name"), m.get("type"), m.get("bytes_key"),
                m.get("bytes_value"), m.get("max_entries"), m.get("flags"))

    with bclib.private_bpffs("bc-ours") as ours:
        doc, _ = load_into(a, ours)
        mine = {pr["name"]: bclib.kernel_prog(bpftool, prog_id=pr["id"])
                for pr in doc["programs"] if pr.get("id")}
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
            same_func_info(name, m, t)
            our_maps |= {attrs(bclib.kernel_map(bpftool, map_id=i))
                         for i in m.get("map_ids", [])}
            their_maps |= {attrs(all_maps[i]) for i in t.get("map_ids", [])
                           if i in all_maps}
        if our_maps != their_maps:
            fail("maps differ (name, type, key, value, max_entries, "
                 f"flags):\n  bpfcompat only: {sorted(our_maps - their_maps)}"
                 f"\n  libbpf only:    {sorted(their_maps - our_maps)}")
        our_pins = {}
        for lm in doc["maps"]:
            if lm.get("pin_path"):
                our_pins[os.path.relpath(lm["pin_path"], ours)] = \
                    bclib.kernel_map(bpftool, pinned=lm["pin_path"])
        if sorted(our_pins) != sorted(their_pins):
            fail(f"pins: bpfcompat {sorted(our_pins)}, "
                 f"libbpf {sorted(their_pins)}")
        for n in our_pins:
            if attrs(our_pins[n]) != attrs(their_pins[n]):
                fail(f"pin {n}: {attrs(our_pins[n])} (bpfcompat) != "
                     f"{attrs(their_pins[n])} (libbpf)")
        print(f"{len(mine)} programs with equal tags, {len(our_maps)} "
              f"equal maps, {len(our_pins)} equal pins")


# ---- perf ------------------------------------------------------------------

def _online_cpus():
    with open("/sys/devices/system/cpu/online") as f:
        n = 0
        for part in f.read().strip().split(","):
            lo, _, hi = part.partition("-")
            n += int(hi or lo) - int(lo) + 1
        return n


def _cpu_subst(s):
    """@NCPU@, @LASTCPU@: the online CPU count and the last CPU index."""
    n = _online_cpus()
    return s.replace("@NCPU@", str(n)).replace("@LASTCPU@", str(n - 1))


def _perf_run_refused(a):
    """Each --map-set alone is refused with its --want-fail text."""
    if len(a.map_set or []) != len(a.want_fail):
        fail("--want-fail needs one --map-set each")
    for ms, want in zip(a.map_set, a.want_fail):
        ms, want = _cpu_subst(ms), _cpu_subst(want)
        cmd = [a.cli, "run", a.obj, "--map-set", ms, "--", "true"]
        p = bclib.run(cmd, timeout=60)
        if p.returncode == 0:
            fail(f"{' '.join(cmd)}: ran, expected a refusal")
        if want not in p.stderr:
            fail(f"{' '.join(cmd)}: refusal lacks {want!r}:\n{p.stderr}")
    print(f"ok: {len(a.want_fail)} refusals")


def cmd_perf_run(a):
    """bpfcompat run attaches, prints __bpf_stdout__ and detaches cleanly."""
    bclib.need_kernel()
    if a.want_fail:
        return _perf_run_refused(a)
    cmd = [a.cli, "run", a.obj]
    for ms in a.map_set or []:
        cmd += ["--map-set", _cpu_subst(ms)]
    cmd += ["--", a.tgt] if a.tgt else ["--", "cat", "/etc/hostname"]
    before = _probe_events()
    p = bclib.run(cmd, timeout=60)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    for want in a.want or []:
        if want not in p.stdout:
            fail(f"output lacks {want!r}:\n{p.stdout}")
    for bad in a.want_not or []:
        if bad in p.stdout:
            fail(f"output has {bad!r}:\n{p.stdout}")
    for link in a.want_link or []:
        if f"attached to {link}\n" not in p.stderr:
            fail(f"not attached to {link}:\n{p.stderr}")
    if _probe_events() != before:
        fail(f"probe events left behind: {_probe_events()}")
    print(f"ok: {len(a.want or [])} outputs, {len(a.want_link or [])} links, "
          "probe events removed")


def _probe_events():
    """perf_bpf_probe events, read through a tracefs mount of our own:
    they are global, whichever mount (if any) the system has."""
    out = []
    d = tempfile.mkdtemp(prefix="bc_tracefs_")
    try:
        if subprocess.run(["mount", "-t", "tracefs", "nodev", d],
                          capture_output=True).returncode:
            return out
        for f in ("uprobe_events", "kprobe_events"):
            try:
                with open(os.path.join(d, f)) as fh:
                    out += [ln for ln in fh.read().splitlines()
                            if "perf_bpf_probe/" in ln]
            except OSError:
                pass
        subprocess.run(["umount", "-l", d], capture_output=True)
    finally:
        os.rmdir(d)
    return out


def _max_prog_id(bpftool):
    return max([p["id"] for p in bclib.bpftool_json(bpftool, "prog", "show")]
               or [0])


def _perf_progs(bpftool, names, after):
    """Programs loaded since id after, by kernel name (newest wins: perf
    6.x replaces a probe program by its prologue variant)."""
    got = {}
    for p in sorted(bclib.bpftool_json(bpftool, "prog", "show"),
                    key=lambda x: x["id"]):
        if p["id"] > after and p.get("name") in names:
            got[p["name"]] = p
    return got


def cmd_peer_perf(a):
    """Same program types and tags as perf 6.1 loading the BTF twin."""
    import shutil
    import signal
    import subprocess
    import tempfile
    import time
    bclib.need_kernel()
    bpftool = bclib.need_bpftool()
    perf = shutil.which("perf")
    if not perf:
        bclib.skip("perf is not installed")
    with bclib.private_bpffs("bc-perf") as bpffs:
        doc, _ = load_into(a, bpffs)
        mine = {bclib.kname(p["name"]): bclib.kernel_prog(bpftool,
                                                          prog_id=p["id"])
                for p in doc["programs"] if p.get("id")}
    twin_dir, twin = os.path.split(os.path.abspath(a.twin))
    after = _max_prog_id(bpftool)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [perf, "record", "-q", "-e", "./" + twin, "-o",
               os.path.join(tmp, "perf.data"), "--", "sleep", "30"]
        p = subprocess.Popen(cmd, cwd=twin_dir, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        theirs, deadline = {}, time.time() + 20
        try:
            while time.time() < deadline and p.poll() is None:
                theirs = _perf_progs(bpftool, set(mine), after)
                if len(theirs) == len(mine):
                    # perf 6.x swaps in the prologue variants after load.
                    time.sleep(1)
                    theirs = _perf_progs(bpftool, set(mine), after)
                    break
                time.sleep(0.2)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=30)
    if not theirs and "BPF" not in err and "bpf" not in err:
        bclib.skip(f"perf record -e {twin} loaded nothing (a perf without "
                   f"BPF events?):\n{err}")
    if sorted(theirs) != sorted(mine):
        fail(f"programs: bpfcompat {sorted(mine)}, perf {sorted(theirs)}"
             f"\n{err}")
    for name in sorted(mine):
        for key in ("type", "tag"):
            if mine[name].get(key) != theirs[name].get(key):
                fail(f"prog {name}: {key} {mine[name].get(key)} (bpfcompat)"
                     f" != {theirs[name].get(key)} (perf)")
    print(f"ok: {len(mine)} programs with perf's types and tags")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.
                                 RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("inspect", "kernel", "peer",
                                     "peer-btf", "perf-run", "peer-perf",
                                     "kernel-refused"))
    ap.add_argument("--cli", required=True)
    ap.add_argument("--obj", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--twin")
    ap.add_argument("--tgt", help="perf-run: command to run instead of cat")
    ap.add_argument("--map-set", action="append")
    ap.add_argument("--want", action="append", help="expected output text")
    ap.add_argument("--want-not", action="append",
                    help="perf-run: text the output must not have")
    ap.add_argument("--want-fail", action="append",
                    help="perf-run: each --map-set alone is refused with "
                    "this text")
    ap.add_argument("--need-kernel-btf", action="store_true",
                    help="kernel modes: skip without /sys/kernel/btf")
    ap.add_argument("--need-kernel-config", action="store_true",
                    help="kernel modes: skip without the kernel's config")
    ap.add_argument("--want-link", action="append",
                    help="trace event expected to be attached")
    a = ap.parse_args()
    if a.mode == "peer" and not a.twin:
        ap.error("peer needs --twin")
    if not os.path.exists(a.obj):
        bclib.main_wrapper(lambda: fail(f"{a.obj}: corpus object missing "
                                        "(was the corpus built?)"))
    if a.need_kernel_btf and a.mode != "inspect":
        bclib.need_kernel_btf()
    if a.need_kernel_config and a.mode != "inspect":
        bclib.need_kernel_config()
    fn = {"inspect": cmd_inspect, "kernel": cmd_kernel,
          "peer": cmd_peer, "peer-btf": cmd_peer_btf,
          "perf-run": cmd_perf_run, "peer-perf": cmd_peer_perf,
          "kernel-refused": cmd_kernel_refused}[a.mode]
    bclib.main_wrapper(lambda: fn(a))


if __name__ == "__main__":
    main()
