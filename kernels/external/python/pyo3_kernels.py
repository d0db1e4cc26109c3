"""PyO3 kernels: --form array (rust/array-simd, Jacobi) or --form loop (rust/loop, Gauss-Seidel).

The workspace's own Rust kernels (crates/laplace-rust), called from Python
through the extension module in pyo3/ (PyO3 + rust-numpy, built with
maturin): the way a Python user adopts Rust today. One call,
laplace_pyo3.run(kernel, u, dx, dy, sweeps), runs every sweep in place on the
NumPy array with the GIL released; that call, boundary crossings included,
is what is timed.

setup() builds the module at first use (`maturin build --release --locked`,
cargo's target directory under SHOOTOUT_BUILD_DIR/pyo3, -C target-cpu from
SHOOTOUT_CFLAGS' -march) and keeps it under a key of its sources, the
target CPU, the interpreter and the tool versions, so a later run with
nothing changed builds nothing. One warm-up sweep on a throwaway grid of
the problem's shape runs before the timed call.
"""

import contextlib
import fcntl
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np

import protocol

HERE = Path(__file__).resolve().parent
CRATE = HERE / "pyo3"
ROOT = HERE.parent.parent.parent  # the project root
MODULE = "laplace_pyo3"

# The Rust kernel behind each form, and the scheme its manifest declares.
FORMS = {
    "array": ("rust/array-simd", "jacobi"),
    "loop": ("rust/loop", "gauss-seidel"),
}

# Everything the module is built from: the crate, and the workspace crates
# it uses by path (with the root manifest they inherit from).
SOURCES = [
    CRATE / "Cargo.toml", CRATE / "Cargo.lock", CRATE / "pyproject.toml", CRATE / "src",
    ROOT / "Cargo.toml",
    *(ROOT / "crates" / c / f
      for c in ("laplace-core", "laplace-rust", "laplace-build")
      for f in ("Cargo.toml", "build.rs", "src")),
]


def add_arguments(parser):
    parser.add_argument("--form", choices=sorted(FORMS), required=True,
                        help="array: rust/array-simd (Jacobi); loop: rust/loop (Gauss-Seidel)")
    parser.add_argument("--rust-kernel", default=None,
                        help="another kernel of the module, of the form's scheme")


def target_cpu():
    """-C target-cpu from SHOOTOUT_CFLAGS' -march (native when absent)."""
    cpu = "native"
    for flag in protocol.cflags():
        if flag.startswith("-march="):
            cpu = flag.split("=", 1)[1]
    return cpu


def tool_version(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise protocol.KernelError(f"`{' '.join(command)}` failed: {exc}") from None
    return out.strip().splitlines()[0] if out.strip() else "?"


def source_digest():
    digest = hashlib.sha256()
    for top in SOURCES:
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            if not path.exists():
                continue
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest


def locked_versions():
    """Crate versions from pyo3/Cargo.lock (the build is --locked)."""
    with open(CRATE / "Cargo.lock", "rb") as f:
        packages = tomllib.load(f).get("package", [])
    return {p["name"]: p["version"] for p in packages}


@contextlib.contextmanager
def build_lock(folder):
    with open(folder / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build(base, key, cpu):
    """maturin build into base/wheels, then unpack the module into base/key."""
    wheels = base / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    env = dict(os.environ)
    # Exactly the target CPU asked for: neither the project's
    # .cargo/config.toml nor a calling cargo's flags apply.
    env["RUSTFLAGS"] = f"-C target-cpu={cpu}"
    for var in ("CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_TARGET_DIR",
                "CARGO_BUILD_TARGET_DIR"):
        env.pop(var, None)
    command = [sys.executable, "-m", "maturin", "build", "--release", "--locked",
               "--manifest-path", str(CRATE / "Cargo.toml"),
               "--interpreter", sys.executable,
               "--compatibility", "linux", "--auditwheel", "skip",
               "--target-dir", str(base / "target"), "--out", str(wheels)]
    print(f"building {MODULE}: RUSTFLAGS='{env['RUSTFLAGS']}' {' '.join(command)}",
          file=sys.stderr, flush=True)
    result = subprocess.run(command, env=env, cwd=CRATE, stdout=sys.stderr, stderr=sys.stderr)
    if result.returncode != 0:
        raise protocol.KernelError(
            f"maturin build of {CRATE} failed (exit {result.returncode}); see the output above")
    found = sorted(wheels.glob("*.whl"))
    if len(found) != 1:
        raise protocol.KernelError(f"expected one wheel in {wheels}, found {len(found)}")
    staging = base / f"{key}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(found[0]) as wheel:
        members = [m for m in wheel.namelist()
                   if m.split("/", 1)[0] == MODULE or m.startswith(MODULE + ".")]
        if not members:
            raise protocol.KernelError(f"{found[0].name} holds no {MODULE} module")
        wheel.extractall(staging, members)
    os.replace(staging, base / key)
    # Older builds go; a process that has one loaded keeps its mapping.
    for old in base.iterdir():
        if old.is_dir() and old.name.startswith("m-") and old.name != key:
            shutil.rmtree(old, ignore_errors=True)


def load_module():
    base = protocol.build_dir("pyo3")
    cpu = target_cpu()
    maturin = tool_version([sys.executable, "-m", "maturin", "--version"])
    rustc = tool_version(["rustc", "-V"])
    digest = source_digest()
    for part in (cpu, sys.version, sys.executable, maturin, rustc):
        digest.update(part.encode() + b"\0")
    key = "m-" + digest.hexdigest()[:20]
    with build_lock(base):
        if not (base / key).is_dir():
            build(base, key, cpu)
    sys.path.insert(0, str(base / key))
    module = importlib.import_module(MODULE)
    return module, cpu, maturin, rustc


def setup(args):
    name, scheme = FORMS[args.form]
    name = args.rust_kernel or name
    pyo3_ext, cpu, maturin, rustc = load_module()
    offered = {k: s for k, s, _ in pyo3_ext.kernels()}
    if name not in offered:
        raise protocol.KernelError(f"{MODULE} has no kernel {name} (it has {', '.join(offered)})")
    if offered[name] != scheme:
        raise protocol.KernelError(
            f"{name} runs {offered[name]}, but --form {args.form} declares {scheme}")
    # Warm-up: one sweep on a throwaway grid of the problem's shape (page
    # faults, CPU feature detection), which also tells the code path.
    warm = np.zeros((args.nx, args.ny))
    warm[0, :] = 1.0
    path = pyo3_ext.run(name, warm, args.dx, args.dy, 1)

    def run(u, dx, dy, sweeps):
        pyo3_ext.run(name, u, dx, dy, sweeps)

    versions = locked_versions()
    return protocol.Kernel(
        update=None,
        run=run,
        runtime=f"{protocol.runtime()}, pyo3 {versions.get('pyo3', '?')}, "
                f"rust-numpy {versions.get('numpy', '?')}, {maturin}, {rustc}",
        flags=f"maturin build --release: {pyo3_ext.RUST_FLAGS}, pyo3 abi3-py311; "
              f"one {MODULE}.run({name!r}, u, dx, dy, sweeps) call, GIL released, "
              f"path {path}",
    )


def prebuild():
    """`pyo3_kernels.py --build`: build (or find) the module and exit, for
    setup scripts; set SHOOTOUT_BUILD_DIR and SHOOTOUT_CFLAGS as the runner does."""
    try:
        with protocol.stdout_to_stderr():
            module = load_module()[0]
    except (protocol.KernelError, ImportError) as exc:
        protocol.fail(f"cannot build {MODULE}: {exc}")
    print(f"{MODULE} ready: {module.__file__}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] == ["--build"]:
        prebuild()
    else:
        protocol.main(setup, description=__doc__, add_arguments=add_arguments)
