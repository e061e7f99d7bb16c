#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""One malformed-object case: generate the broken object, then check that
`bpfcompat inspect` and `bpfcompat load --dry-run` refuse it with exit
status 2 and an error naming what is broken, without crashing."""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import bclib
from bclib import fail


def check(cli, obj, expect):
    for cmd in (["inspect", obj], ["load", obj, "--dry-run"]):
        p = bclib.run([cli, *cmd])
        what = f"bpfcompat {' '.join(cmd)}"
        if p.returncode != 2:
            fail(f"{what}: exit {p.returncode}, expected 2\n"
                 f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        hit = next((line for line in p.stderr.splitlines()
                    if re.search(expect, line, re.I)), None)
        if hit is None:
            fail(f"{what}: no error matches /{expect}/:\n{p.stderr}")
        print(f"{what}: exit 2: {hit}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("case")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()

    def body():
        with tempfile.TemporaryDirectory(prefix="bc-malformed-") as d:
            # A neutral name, so the path cannot satisfy the expected text.
            obj = os.path.join(d, "broken.o")
            gen = [sys.executable, a.gen, a.case]
            subprocess.run(gen + ["--corpus", a.corpus, "--out", obj],
                           check=True)
            expect = subprocess.run(gen + ["--expect"], check=True,
                                    capture_output=True,
                                    text=True).stdout.strip()
            check(a.cli, obj, expect)

    bclib.main_wrapper(body)


if __name__ == "__main__":
    main()
