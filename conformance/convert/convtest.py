#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Conversion tests: `bpfcompat convert` output loaded by stock bpftool.

  convtest.py load --cli BC --obj IN.o [--to T] [--param K=V]... [--entry P]
  convtest.py refuse --cli BC --obj IN.o [--to T] --reason TEXT

`load` converts IN, then in a private mount namespace with a fresh bpffs
on /sys/fs/bpf loads the tc/legacy-side object with bpfcompat (IN for
--to libbpf, OUT with --dialect tc for --to tc) and the libbpf-side one
with `bpftool prog loadall`, and compares what the kernel reports for
both: the same programs with the same tags, except those the report says
the bpfcompat side does not load by default; map attributes; pins.
Exit 77: skipped.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile

# The report's fixed wording for a program only the libbpf side loads.
UNLOADED = re.compile(r"^program '([^']+)' \(section '[^']*'\): "
                      r"not loaded by \S+ by default; \S+ will load it")

SKIP = 77


def run(cmd, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode:
        sys.exit("FAIL: %s: status %d\n%s%s" % (" ".join(cmd), p.returncode,
                                                  p.stdout, p.stderr))
    return p


def bpftool(*args):
    return json.loads(run(["bpftool", "-j"] + list(args)).stdout or "null")


def bc_side(a, rep, bc):
    """bpfcompat's load of the tc/legacy-side object."""
    if a.to == "tc":
        mode = "cls"
        for e in rep:
            if e["kind"] == "load-option" and e["text"].startswith("mode "):
                mode = e["text"].split()[1]
        cmd = [a.cli, "-j", "load", a.out, "--dialect", "tc",
               "--tc-mode", mode]
    else:
        cmd = [a.cli, "-j", "load", a.obj]
        for kv in a.param:
            cmd += ["--param", kv]
    return json.loads(run(cmd + ["--bpffs", bc, "--pin-progs",
                                 bc + "/progs"]).stdout)


def check_pins(a, rep, bc):
    root = None
    for e in rep:
        if e["kind"] == "load-option" and e["text"].startswith("pin_root_path="):
            root = e["text"].split("=", 1)[1].split()[0]
    for e in rep:
        t = e["text"]
        if "LIBBPF_PIN_BY_NAME" not in t and "PIN_GLOBAL_NS" not in t:
            continue
        name = t.split("'")[1]
        if not os.path.exists("/sys/fs/bpf/" + name):
            sys.exit("FAIL: map '%s' not pinned by bpftool" % name)
        if a.to == "tc":
            orig = bc + "/tc/globals/" + name
        else:
            orig = root.replace("<bpffs>", bc) + "/" + name
        if not os.path.exists(orig):
            sys.exit("FAIL: map '%s': bpfcompat pin %s missing" % (name, orig))


def inner(a):
    """Runs inside the private mount namespace."""
    run(["mount", "-t", "bpf", "bpf", "/sys/fs/bpf"])
    # bpfcompat gets a bpffs of its own, so no pin is shared by accident.
    bc = tempfile.mkdtemp(prefix="bcconv.fs.")
    run(["mount", "-t", "bpf", "bpf", bc])
    rep = json.load(open(a.report))["report"]
    doc = bc_side(a, rep, bc)
    lib_obj = a.obj if a.to == "tc" else a.out
    run(["bpftool", "prog", "loadall", lib_obj, "/sys/fs/bpf/lb"])
    # Programs the report names as unloaded on the bpfcompat side are the
    # only ones bpftool may load in addition; every other program must
    # load on both sides with the same tag.
    skip = set(m.group(1) for m in (UNLOADED.match(e["text"]) for e in rep
                                    if e["kind"] == "differs") if m)
    want = sorted(p["tag"] for p in doc["programs"] if p.get("tag"))
    got = []
    lb_maps = {}
    for name in sorted(os.listdir("/sys/fs/bpf/lb")):
        info = bpftool("prog", "show", "pinned", "/sys/fs/bpf/lb/" + name)
        for mid in info.get("map_ids", []):
            m = bpftool("map", "show", "id", str(mid))
            lb_maps[m["name"]] = m
        if name in skip:
            skip.discard(name)
            continue
        got.append(info["tag"])
    got.sort()
    if skip:
        sys.exit("FAIL: flagged programs bpftool did not load: %s" % skip)
    if want != got:
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
    check_pins(a, rep, bc)
    run(["umount", bc])
    os.rmdir(bc)
    print("ok: %d programs, equal tags %s; %d maps compared" %
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
        cmd = [a.cli, "-j", "convert", a.obj, "--to", a.to, "-o", out]
        for kv in a.param:
            cmd += ["--param", kv]
        if a.entry:
            cmd += ["--entry", a.entry]
        p = run(cmd)
        with open(rep, "w") as f:
            f.write(p.stdout)
        print(p.stdout)
        p = run(["unshare", "-m", "--propagation", "private", sys.executable,
                 __file__, "inner", "--cli", a.cli, "--obj", a.obj,
                 "--out", out, "--report", rep, "--to", a.to] +
                sum((["--param", kv] for kv in a.param), []),
                check=False)
        sys.stdout.write(p.stdout + p.stderr)
        return p.returncode
    finally:
        shutil.rmtree(tmp)


def do_refuse(a):
    tmp = tempfile.mkdtemp(prefix="bcconv.")
    try:
        out = os.path.join(tmp, "out.o")
        cmd = [a.cli, "-j", "convert", a.obj, "--to", a.to, "-o", out]
        for kv in a.param:
            cmd += ["--param", kv]
        p = run(cmd, check=False)
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
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--entry")
    a = ap.parse_args()
    if a.mode == "inner":
        return inner(a) or 0
    return do_load(a) if a.mode == "load" else do_refuse(a)


if __name__ == "__main__":
    sys.exit(main())
