#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Conversion tests: `bpfcompat convert` output loaded by stock bpftool.

  convtest.py load --cli BC --obj IN.o       same tags, map attributes, pins
  convtest.py refuse --cli BC --obj IN.o [--to T] --reason TEXT

`load` converts IN, then in a private mount namespace with a fresh bpffs
on /sys/fs/bpf loads IN with bpfcompat and OUT with `bpftool prog
loadall`, and compares what the kernel reports for both. Exit 77: skipped.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

SKIP = 77


def run(cmd, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode:
        sys.exit("FAIL: %s: status %d\n%s%s" % (" ".join(cmd), p.returncode,
                                                  p.stdout, p.stderr))
    return p


def bpftool(*args):
    return json.loads(run(["bpftool", "-j"] + list(args)).stdout or "null")


def inner(a):
    """Runs inside the private mount namespace."""
    run(["mount", "-t", "bpf", "bpf", "/sys/fs/bpf"])
    # bpfcompat gets a bpffs of its own, so no pin is shared by accident.
    bc = tempfile.mkdtemp(prefix="bcconv.fs.")
    run(["mount", "-t", "bpf", "bpf", bc])
    doc = json.loads(run([a.cli, "-j", "load", a.obj, "--bpffs", bc,
                          "--pin-progs", bc + "/progs"]).stdout)
    run(["bpftool", "prog", "loadall", a.out, "/sys/fs/bpf/lb"])
    # Programs bpfcompat leaves unloaded (a tail call with no map) have
    # no tag; bpftool loads every program, so its set may be larger.
    want = sorted(p["tag"] for p in doc["programs"] if p.get("tag"))
    got = []
    lb_maps = {}
    for name in sorted(os.listdir("/sys/fs/bpf/lb")):
        info = bpftool("prog", "show", "pinned", "/sys/fs/bpf/lb/" + name)
        got.append(info["tag"])
        for mid in info.get("map_ids", []):
            m = bpftool("map", "show", "id", str(mid))
            lb_maps[m["name"]] = m
    got.sort()
    rest = list(got)
    for t in want:
        if t in rest:
            rest.remove(t)
        else:
            rest = None
            break
    if rest is None:
        sys.exit("FAIL: tags differ: bpfcompat %s, bpftool %s" % (want, got))
    fields = ("type", "bytes_key", "bytes_value", "max_entries", "flags")
    checked = 0
    for m in doc["maps"]:
        # Maps no program or pin holds are gone once bpfcompat exits.
        p = run(["bpftool", "-j", "map", "show", "id", str(m["id"])],
                check=False)
        if p.returncode:
            continue
        k = json.loads(p.stdout)
        other = lb_maps.get(k["name"])
        if other is None:
            continue
        for f in fields:
            if k.get(f) != other.get(f):
                sys.exit("FAIL: map '%s': %s %s vs %s" % (m["name"], f,
                                                          k.get(f), other.get(f)))
        checked += 1
    rep = json.load(open(a.report))["report"]
    root = None
    for e in rep:
        if e["kind"] == "load-option" and e["text"].startswith("pin_root_path="):
            root = e["text"].split("=", 1)[1].split()[0]
    for e in rep:
        t = e["text"]
        if "LIBBPF_PIN_BY_NAME" not in t:
            continue
        name = t.split("'")[1]
        if not os.path.exists("/sys/fs/bpf/" + name):
            sys.exit("FAIL: map '%s' not pinned by bpftool" % name)
        orig = root.replace("<bpffs>", bc) + "/" + name
        if not os.path.exists(orig):
            sys.exit("FAIL: map '%s': bpfcompat pin %s missing" % (name, orig))
    run(["umount", bc])
    os.rmdir(bc)
    print("ok: %d programs, same tags %s; %d maps compared" %
          (len(got), got, checked))


def do_load(a):
    if os.geteuid() != 0 or not shutil.which("bpftool") or \
            not shutil.which("unshare"):
        print("SKIP: needs root, bpftool and unshare")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="bcconv.")
    try:
        out = os.path.join(tmp, "out.o")
        rep = os.path.join(tmp, "report.json")
        p = run([a.cli, "-j", "convert", a.obj, "--to", "libbpf", "-o", out])
        with open(rep, "w") as f:
            f.write(p.stdout)
        print(p.stdout)
        p = run(["unshare", "-m", "--propagation", "private", sys.executable,
                 __file__, "inner", "--cli", a.cli, "--obj", a.obj,
                 "--out", out, "--report", rep], check=False)
        sys.stdout.write(p.stdout + p.stderr)
        return p.returncode
    finally:
        shutil.rmtree(tmp)


def do_refuse(a):
    tmp = tempfile.mkdtemp(prefix="bcconv.")
    try:
        out = os.path.join(tmp, "out.o")
        p = run([a.cli, "-j", "convert", a.obj, "--to", a.to, "-o", out],
                check=False)
        if p.returncode != 2:
            sys.exit("FAIL: status %d, want 2\n%s" % (p.returncode, p.stdout))
        if os.path.exists(out) or len(os.listdir(tmp)):
            sys.exit("FAIL: refused conversion left a file behind")
        if a.reason not in p.stdout:
            sys.exit("FAIL: reason '%s' not in:\n%s" % (a.reason, p.stdout))
        print("ok: refused:", a.reason)
        return 0
    finally:
        shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["load", "refuse", "inner"])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--obj", required=True)
    ap.add_argument("--out")
    ap.add_argument("--report")
    ap.add_argument("--to", default="libbpf")
    ap.add_argument("--reason", default="")
    a = ap.parse_args()
    if a.mode == "inner":
        return inner(a) or 0
    return do_load(a) if a.mode == "load" else do_refuse(a)


if __name__ == "__main__":
    sys.exit(main())
