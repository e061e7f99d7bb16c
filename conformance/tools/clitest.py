#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Command-line contract of the bpfcompat tool (DESIGN.md, "CLI contract")."""

import argparse
import json

import bclib
from bclib import fail


def expect_rc(p, rc, what):
    if p.returncode != rc:
        fail(f"{what}: exit {p.returncode}, expected {rc}\n"
             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")


def t_help(a):
    p = bclib.run([a.cli, "--help"])
    expect_rc(p, 0, "--help")
    for word in ("detect", "inspect", "load"):
        if word not in p.stdout:
            fail(f"--help does not mention '{word}':\n{p.stdout}")


def t_load_help(a):
    p = bclib.run([a.cli, "load", "--help"])
    expect_rc(p, 0, "load --help")
    for opt in ("--dry-run", "--bpffs", "--pin-progs", "--json",
                "--dialect"):
        if opt not in p.stdout:
            fail(f"load --help does not mention {opt}:\n{p.stdout}")


def t_bad_option(a):
    p = bclib.run([a.cli, "inspect", "--no-such-option", a.obj])
    expect_rc(p, 2, "inspect --no-such-option")
    if not p.stderr.strip():
        fail("bad option: nothing on stderr")


def t_bad_command(a):
    expect_rc(bclib.run([a.cli, "no-such-command"]), 2, "unknown command")


def t_no_args(a):
    expect_rc(bclib.run([a.cli]), 2, "no arguments")


def t_missing_file(a):
    path = "/nonexistent/bpfcompat-missing.o"
    for cmd in (["detect", path], ["inspect", path],
                ["load", path, "--dry-run"]):
        p = bclib.run([a.cli, *cmd])
        expect_rc(p, 2, " ".join(cmd))
        if path not in p.stderr:
            fail(f"{' '.join(cmd)}: error does not name the file:\n"
                 f"{p.stderr}")


def t_detect_verbose(a):
    p = bclib.run_ok([a.cli, "detect", "-v", a.obj])
    lines = p.stdout.splitlines()
    if not lines or lines[0].strip() != "libbpf-legacy":
        fail(f"detect -v: first line is not the dialect:\n{p.stdout}")
    if len(lines) < 2:
        fail(f"detect -v: no evidence printed:\n{p.stdout}")


def t_json(a):
    doc = bclib.run_json([a.cli, "inspect", a.obj, "--json"])
    for key in ("object", "maps", "programs"):
        if key not in doc:
            fail(f"inspect --json: no '{key}': {sorted(doc)}")
    plan = bclib.run_json([a.cli, "load", a.obj, "--dry-run", "--json"])
    if "plan" not in plan:
        fail(f"load --dry-run --json: no 'plan': {sorted(plan)}")


def t_dialect_override(a):
    bclib.run_ok([a.cli, "inspect", a.obj, "--dialect", "libbpf-legacy"])
    p = bclib.run([a.cli, "inspect", a.obj, "--dialect", "no-such"])
    expect_rc(p, 2, "--dialect no-such")
    if "no-such" not in p.stderr:
        fail(f"--dialect no-such: error does not name it:\n{p.stderr}")


def t_dialect_list(a):
    p = bclib.run_ok([a.cli, "dialect", "list"])
    if "libbpf-legacy" not in p.stdout:
        fail(f"dialect list: libbpf-legacy not listed:\n{p.stdout}")
    doc = bclib.run_json([a.cli, "dialect", "list", "--json"])
    if not isinstance(doc, list) or "libbpf-legacy" not in \
            [d.get("name") for d in doc]:
        fail(f"dialect list --json: libbpf-legacy not listed: "
             f"{json.dumps(doc)}")


TESTS = {name[2:]: fn for name, fn in globals().items()
         if name.startswith("t_")}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("test", choices=sorted(TESTS))
    ap.add_argument("--cli", required=True)
    ap.add_argument("--obj", required=True,
                    help="a valid libbpf-legacy corpus object")
    a = ap.parse_args()
    bclib.main_wrapper(lambda: TESTS[a.test](a))


if __name__ == "__main__":
    main()
