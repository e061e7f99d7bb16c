#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Rule conformance: run `bpfcompat check` on one case and assert that
exactly the expected findings fire (rule ids with their locations); for a
case naming native peers (peer: NAME or [NAMES]), confirm each refuses the
object too (saying TEXT, if the case has peer_says: {NAME: TEXT}); a
missing peer skips the case with the reason."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

SKIP = 77
KEYS = ("rule", "section", "symbol", "offset")


def run_check(args, case):
    cmd = [args.cli, "-j"]
    if case.get("dialect_file"):
        cmd += ["--dialect-file",
                os.path.join(args.src, case["dialect_file"])]
    cmd += ["check", os.path.join(args.objs, case["object"])]
    for param in case.get("params") or []:
        cmd += ["--param", param]
    if case.get("all"):
        cmd.append("--all")
    elif case.get("dialect"):
        cmd += ["--dialect", case["dialect"]]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, json.loads(p.stdout), cmd


def matches(exp, got):
    """Locations match exactly; an expected `predicts` is a substring."""
    return (all(got.get(k) == exp[k] for k in KEYS if k in exp) and
            exp.get("predicts", "") in (got.get("predicts") or ""))


def compare(expected, findings):
    errs, left = [], list(findings)
    for e in expected:
        hit = [f for f in left if matches(e, f)]
        if not hit:
            errs.append("expected finding did not fire: %s" % e)
            continue
        left.remove(hit[0])
    for f in left:
        errs.append("unexpected finding: %s" %
                    {k: f.get(k) for k in KEYS})
    return errs


def peer_tc(args, path, case):
    """Debian's tc (its libbpf path): attach SEC in a fresh netns."""
    if os.geteuid():
        return None, "needs root"
    if not shutil.which("tc") or not shutil.which("ip"):
        return None, "tc/ip not installed"
    sec = case.get("peer_section") or next(
        (f["section"] for f in case.get("findings") or []
         if f.get("section") and f["section"] != "maps"), "classifier")
    ns = "bc-check-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        run = ["ip", "netns", "exec", ns]
        subprocess.run(run + ["ip", "link", "set", "lo", "up"], check=True)
        subprocess.run(run + ["tc", "qdisc", "add", "dev", "lo", "clsact"],
                       check=True)
        p = subprocess.run(run + ["tc", "filter", "add", "dev", "lo",
                                  "ingress", "bpf", "da", "obj", path,
                                  "sec", sec], capture_output=True,
                           text=True)
        return p.returncode != 0, p.stderr
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def peer_gobpf(args, path, case):
    """gobpf's elf.Module.Load (conformance/peers/gobpf) with its own
    bpffs on /sys/fs/bpf in a private mount namespace."""
    if os.geteuid():
        return None, "needs root"
    peer = os.path.join(args.objs, "gobpf", "gobpf-peer")
    if not os.access(peer, os.X_OK):
        return None, "gobpf peer not built (needs go and gobpf sources)"
    script = "mount -t bpf bpf /sys/fs/bpf && exec \"$0\" \"$@\""
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh",
                        "-c", script, peer, path], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    return p.returncode != 0, p.stdout + p.stderr


def peer_bpftool(args, path, case):
    """libbpf 1.x's verdict: bpftool prog loadall into a private bpffs."""
    if os.geteuid():
        return None, "needs root"
    d = tempfile.mkdtemp(prefix="bc-check-")
    try:
        subprocess.run(["mount", "-t", "bpf", "bpf", d], check=True)
        p = subprocess.run(["bpftool", "prog", "loadall", path,
                            os.path.join(d, "p")], capture_output=True,
                           text=True)
        return p.returncode != 0, p.stderr
    finally:
        subprocess.run(["umount", d])
        os.rmdir(d)


def peer_perf(args, path, case):
    """perf's BPF event loader (perf record -e OBJ): it parses every
    section's config string before it probes anything."""
    perf = shutil.which("perf")
    if not perf:
        return None, "perf not installed"
    p = subprocess.run([perf, "record", "-q", "-o", os.devnull, "-e", path,
                        "--", "true"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    if "not found for kernel" in p.stderr:
        return None, "perf has no tools for this kernel: " + p.stderr.strip()
    return p.returncode != 0, p.stderr


def peer_cilium(args, path, case):
    """cilium/ebpf 0.9.1 (conformance/peers/cilium): LoadCollectionSpec
    then NewCollection, in a private mount namespace on a fresh bpffs."""
    if os.geteuid():
        return None, "needs root"
    peer = os.path.join(args.objs, "cilium", "cilium-peer")
    if not os.access(peer, os.X_OK):
        return None, "cilium peer not built (needs go and cilium/ebpf)"
    top = tempfile.mkdtemp(prefix="bc-check-")
    try:
        script = 'mount -t bpf bpf "$0" && exec "$@"'
        p = subprocess.run(["unshare", "-m", "--propagation", "private",
                            "sh", "-c", script, top, peer, "-pin-path", top,
                            path], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
    finally:
        os.rmdir(top)
    if p.returncode:
        return None, "cilium peer failed: " + p.stderr.strip()
    res = json.loads(p.stdout)[0]
    return not res["loaded"], (res.get("spec_error", "") +
                               res.get("load_error", ""))


PEERS = {"bpftool": peer_bpftool, "tc": peer_tc, "gobpf": peer_gobpf,
         "perf": peer_perf, "cilium": peer_cilium}


def confirm(args, case):
    """Each peer the case names must refuse the object (with peer_says in
    its output, if given). Returns (errors, skip reasons)."""
    peers = case.get("peer") or []
    if isinstance(peers, str):
        peers = [peers]
    errs, skips = [], []
    for name in peers:
        refused, out = PEERS[name](args, os.path.join(args.objs,
                                                      case["object"]), case)
        if refused is None:
            skips.append("peer %s: %s" % (name, out))
        elif not refused:
            errs.append("peer %s loads what check says it refuses" % name)
        elif case.get("peer_says", {}).get(name, "") not in out:
            errs.append("peer %s refused without %r: %s" %
                        (name, case["peer_says"][name], out.strip()))
    return errs, skips


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--objs", required=True)
    ap.add_argument("case")
    args = ap.parse_args()
    with open(args.case) as f:
        case = yaml.safe_load(f)
    rc, doc, cmd = run_check(args, case)
    errs = []
    if case.get("all"):
        got = {m["dialect"]: m["verdict"] for m in doc["matrix"]}
        for d, v in case["matrix"].items():
            if got.get(d) != v:
                errs.append("matrix %s: expected %s, got %s" %
                            (d, v, got.get(d)))
    else:
        if doc["verdict"] != case["verdict"]:
            errs.append("verdict: expected %s, got %s" %
                        (case["verdict"], doc["verdict"]))
        errs += compare(case.get("findings") or [], doc["findings"])
        want = 1 if doc["verdict"] == "refused" else 0
        if rc != want:
            errs.append("exit status %d, expected %d" % (rc, want))
    skips = []
    if not errs:
        perrs, skips = confirm(args, case)
        errs += perrs
    for e in errs:
        print("FAIL: %s: %s" % (args.case, e))
    if errs:
        print("command: %s" % " ".join(cmd))
        print(json.dumps(doc, indent=1))
        return 1
    if skips:
        print("SKIP: %s" % "; ".join(skips))
        return SKIP
    print("ok: %s" % os.path.basename(args.case))
    return 0


if __name__ == "__main__":
    sys.exit(main())
