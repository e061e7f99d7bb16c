# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Code shared by the conformance runners: running the tool, skipping,
private bpffs mounts and the kernel's view of loaded objects."""

import contextlib
import ctypes
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


class Failure(Exception):
    """A conformance check failed; the message says which and why."""


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def fail(msg):
    raise Failure(msg)


def main_wrapper(fn):
    """Run fn(); turn Failure into exit 1 with the message on stderr."""
    try:
        fn()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    print("PASS")
    sys.exit(0)


def run(cmd, timeout=120, check_crash=True):
    """Run cmd; a signal death or sanitizer report is always a failure."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           errors="replace", timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        fail(f"{' '.join(cmd)}: timed out after {timeout}s")
    if check_crash:
        if p.returncode < 0 or p.returncode >= 128:
            fail(f"{' '.join(cmd)}: died with status {p.returncode}\n"
                 f"stderr:\n{p.stderr}")
        if "Sanitizer" in p.stderr:
            fail(f"{' '.join(cmd)}: sanitizer report\n{p.stderr}")
    return p


def run_ok(cmd, what=None, timeout=120):
    p = run(cmd, timeout=timeout)
    if p.returncode != 0:
        fail(f"{what or ' '.join(cmd)}: exit {p.returncode}\n"
             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def run_json(cmd, what=None):
    p = run_ok(cmd, what)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError as e:
        fail(f"{' '.join(cmd)}: output is not JSON ({e}):\n{p.stdout}")


def load_yaml(path):
    try:
        import yaml
    except ImportError:
        fail("python3-yaml is needed to read golden files "
             "(scripts/setup-deps.sh installs it)")
    with open(path) as f:
        return yaml.safe_load(f)


# ---- kernel access --------------------------------------------------------

_BPF_NR = {"x86_64": 321, "aarch64": 280, "armv7l": 386, "ppc64le": 361,
           "s390x": 351, "riscv64": 280, "i686": 357}


def bpf_probe():
    """None if bpf() works here, else the reason it does not."""
    if os.geteuid() != 0:
        return "not running as root"
    nr = _BPF_NR.get(platform.machine())
    if nr is None:
        return f"bpf() syscall number unknown on {platform.machine()}"
    # BPF_MAP_CREATE of a one-entry array: the cheapest real bpf() call.
    attr = (ctypes.c_uint32 * 32)()
    attr[0], attr[1], attr[2], attr[3] = 2, 4, 4, 1
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(nr, 0, ctypes.byref(attr), ctypes.sizeof(attr))
    if fd < 0:
        return f"bpf(BPF_MAP_CREATE) failed: " \
               f"{os.strerror(ctypes.get_errno())}"
    os.close(fd)
    return None


def need_kernel():
    reason = bpf_probe()
    if reason:
        skip(f"kernel test needs root and a working bpf(): {reason}")


def need_kernel_btf():
    if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
        skip("the object needs the kernel's BTF: /sys/kernel/btf/vmlinux "
             "absent (CONFIG_DEBUG_INFO_BTF)")


def need_kernel_config():
    release = os.uname().release
    if not any(os.access(p, os.R_OK) for p in
               (f"/boot/config-{release}", "/proc/config.gz")):
        skip("the object needs the kernel's config: neither "
             f"/boot/config-{release} nor /proc/config.gz")


def need_bpftool():
    path = shutil.which("bpftool") or next(
        (p for p in ("/usr/sbin/bpftool", "/sbin/bpftool")
         if os.access(p, os.X_OK)), None)
    if not path:
        skip("bpftool not found (Debian package bpftool)")
    return path


def _clear_tree(top, keep):
    """Remove what a test created under its own mount, by path; the
    kernel's own entries of a fresh bpffs (maps.debug...) stay."""
    for root, dirs, files in os.walk(top, topdown=False):
        for f in files:
            path = os.path.join(root, f)
            if path not in keep:
                os.unlink(path)
        for d in dirs:
            path = os.path.join(root, d)
            if path not in keep:
                os.rmdir(path)


@contextlib.contextmanager
def private_bpffs(tag="bc"):
    """A fresh bpffs instance mounted on a new temporary directory."""
    d = tempfile.mkdtemp(prefix=f"{tag}-bpffs-")
    p = subprocess.run(["mount", "-t", "bpf", "bpf", d],
                       capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(d)
        skip(f"cannot mount a private bpffs on {d}: {p.stderr.strip()}")
    keep = {os.path.join(d, e) for e in os.listdir(d)}
    try:
        yield d
    finally:
        try:
            _clear_tree(d, keep)
        finally:
            subprocess.run(["umount", d], check=False)
            os.rmdir(d)


def bpftool_json(bpftool, *args):
    return run_json([bpftool, "-j", *args])


def kernel_prog(bpftool, prog_id=None, pinned=None):
    if pinned:
        return bpftool_json(bpftool, "prog", "show", "pinned", pinned)
    return bpftool_json(bpftool, "prog", "show", "id", str(prog_id))


def kernel_map(bpftool, map_id=None, pinned=None):
    if pinned:
        return bpftool_json(bpftool, "map", "show", "pinned", pinned)
    return bpftool_json(bpftool, "map", "show", "id", str(map_id))


def pinned_files(top):
    out = []
    for root, _, files in os.walk(top):
        out.extend(os.path.join(root, f) for f in files)
    return sorted(out)


def kname(name):
    """The name the kernel keeps: at most 15 characters."""
    return name[:15]
