#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Cross-check the cilium dialect against cilium/ebpf itself.

For every prebuilt object of Debian's golang-github-cilium-ebpf-dev
testdata, the cilium peer (conformance/peers/cilium: LoadCollectionSpec +
NewCollectionWithOptions) and `bpfcompat load --dialect cilium` each run
in a private mount namespace on a fresh bpffs. Then:

  cilium loads   => bpfcompat loads the same programs (names, types, tags)
                    and the same maps, global data included (name, type,
                    key, value, max_entries, flags);
  cilium rejects => bpfcompat rejects with an error message (exit 1 or 2).

Big-endian objects are refused by both on a little-endian host;
`bpfcompat inspect` must still parse them (when cilium parses them).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
import bclib  # noqa: E402

PROG_TYPES = {0: "unspec", 1: "socket_filter", 2: "kprobe", 3: "sched_cls",
              4: "sched_act", 5: "tracepoint", 6: "xdp", 7: "perf_event",
              17: "raw_tracepoint", 26: "tracing", 28: "ext"}
MAP_TYPES = {1: "hash", 2: "array", 3: "prog_array", 4: "perf_event_array",
             12: "array_of_maps", 13: "hash_of_maps"}


def in_bpffs(argv, pin=True):
    """argv in a private mount namespace; '{}' is the fresh bpffs."""
    top = tempfile.mkdtemp(prefix="bc-cilium-")
    try:
        argv = [a.replace("{}", top) for a in argv]
        script = 'mount -t bpf bpf "$0" && shift && exec "$@"'
        return subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             script, top, "--"] + argv,
            capture_output=True, text=True, timeout=120)
    finally:
        os.rmdir(top)


def peer_results(peer, objs):
    r = in_bpffs([peer, "-pin-path", "{}"] + objs)
    if r.returncode:
        bclib.fail("cilium peer failed (%d): %s" % (r.returncode, r.stderr))
    return {os.path.realpath(x["object"]): x for x in json.loads(r.stdout)}


def bc_load(cli, obj):
    return in_bpffs([cli, "-j", "load", obj, "--dialect", "cilium",
                     "--bpffs", "{}", "--param", "pin-path={}"])


def bc_inspect(cli, obj):
    return subprocess.run([cli, "-j", "inspect", obj, "--dialect",
                           "cilium"], capture_output=True, text=True,
                          timeout=60)


def key_progs(progs):
    return sorted((p["name"], p["type"], p.get("tag")) for p in progs)


def check_loaded(name, peer, out, spec, errors):
    doc = json.loads(out)
    loaded = {m["name"] for m in doc.get("maps", [])}
    want = key_progs(dict(name=p["name"],
                          type=PROG_TYPES.get(p["type"], p["type"]),
                          tag=p["tag"])
                     for p in peer["programs"] if p["loaded"])
    got = key_progs(dict(name=p["name"], type=p["type"], tag=p.get("tag"))
                    for p in doc.get("programs", [])
                    if p.get("autoload", True))
    if want != got:
        errors.append("%s: programs differ:\n  cilium    %s\n  bpfcompat %s"
                      % (name, want, got))
    want = sorted((m["name"], MAP_TYPES.get(m["type"], m["type"]),
                   m["key_size"], m["value_size"], m["max_entries"],
                   m["flags"]) for m in peer["maps"] if m["loaded"])
    got = sorted((m["name"], m["type"], m["key_size"], m["value_size"],
                  m["max_entries"], m["flags"])
                 for m in json.loads(spec).get("maps", [])
                 # cilium closes an inner template once its outer map
                 # exists: it is no map of the collection.
                 if m["name"] in loaded and m.get("kind") != "inner")
    if want != got:
        errors.append("%s: maps differ:\n  cilium    %s\n  bpfcompat %s"
                      % (name, want, got))


def check(cli, peer, obj, errors, report):
    name = os.path.basename(obj)
    r = bc_load(cli, obj)
    if peer["loaded"]:
        report.append("%-30s cilium loads, bpfcompat %s" %
                      (name, "loads" if r.returncode == 0 else "REJECTS"))
        if r.returncode:
            errors.append("%s: cilium loads it, bpfcompat refused: %s"
                          % (name, r.stderr.strip()))
            return
        ri = bc_inspect(cli, obj)
        if ri.returncode:
            errors.append("%s: inspect failed: %s" % (name, ri.stderr))
            return
        check_loaded(name, peer, r.stdout, ri.stdout, errors)
        return
    why = peer.get("spec_error") or peer.get("load_error")
    report.append("%-30s cilium rejects (%s), bpfcompat %s" %
                  (name, why, "exit %d" % r.returncode))
    msg = r.stderr.strip()
    if r.returncode not in (1, 2) or not msg:
        errors.append("%s: cilium rejects it (%s); bpfcompat exit %d, "
                      "message %r" % (name, why, r.returncode, msg))
        return
    report.append("%30s   %s" % ("", msg.splitlines()[0]))
    if obj.endswith("-eb.elf") and not peer.get("spec_error"):
        ri = bc_inspect(cli, obj)
        if ri.returncode:
            errors.append("%s: cilium parses it, bpfcompat inspect "
                          "fails: %s" % (name, ri.stderr.strip()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--peer", default="")
    ap.add_argument("--testdata", required=True, action="append")
    a = ap.parse_args()
    bclib.need_kernel()
    if not a.peer or not os.access(a.peer, os.X_OK):
        bclib.skip("cilium peer not built (needs golang-go and "
                   "golang-github-cilium-ebpf-dev)")
    objs = []
    for d in a.testdata:
        objs += sorted(glob.glob(os.path.join(d, "*.elf")))
    if not objs:
        bclib.skip("no cilium/ebpf testdata objects found")
    objs = [os.path.realpath(o) if os.path.islink(o) else o for o in objs]
    objs = sorted(set(objs))
    peer = peer_results(a.peer, objs)
    errors, report = [], []
    for obj in objs:
        check(a.cli, peer[os.path.realpath(obj)], obj, errors, report)
    print("\n".join(report))
    if errors:
        bclib.fail("\n".join(errors))
    print("ok: %d objects agree with cilium/ebpf" % len(objs))


if __name__ == "__main__":
    bclib.main_wrapper(main)
