"""Shared harness of the Python external kernels (external-kernel protocol v1).

Every kernel script is invoked by the runner as

    <interpreter> <script> [kernel args] --nx N --ny M --dx F --dy F
        --sweeps S --omega F --input IN.npy --output OUT.npy

It loads IN.npy (float64, C order, shape (nx, ny)), runs exactly S sweeps of
its scheme, writes the final grid to OUT.npy and prints, as the last line of
stdout, one JSON object: {"sweep_seconds": ..., "runtime": ..., "flags": ...}.
Only the sweep loop is timed; compilation and JIT warm-up happen before it.

A kernel script stays short: it defines ``setup(args) -> Kernel`` and calls
``protocol.main(setup, description=__doc__)``. ``setup`` runs after the
arguments and the input grid have been validated and may compile, import or
warm up whatever it needs (anything it prints goes to stderr, so stdout holds
only the JSON line). The timed loop is the post's driver::

    for _ in range(sweeps):
        update(u, dx2, dy2)

Exit status: 0 on success, 2 for bad arguments or input, 1 when the kernel
fails (for example a compile error); the last line of stderr is then a
one-line message.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, NoReturn, Optional

import numpy as np

PROTOCOL_VERSION = 1

Update = Callable[[np.ndarray, float, float], None]


@dataclass(frozen=True)
class Kernel:
    """What a kernel's ``setup`` hands back to the harness."""

    update: Update  # update(u, dx2, dy2): one sweep, in place on u
    runtime: str  # e.g. "Python 3.11.7, numpy 2.4.6, numba 0.68.1"
    flags: str  # how the code was compiled / run


class KernelError(Exception):
    """A failure of the kernel itself (compile error, missing package...)."""


class InputError(Exception):
    """Bad arguments or a bad input grid."""


def runtime(*modules: object) -> str:
    """'Python X.Y.Z, numpy A.B.C[, <module> <version>...]'."""
    impl = platform.python_implementation()
    parts = [f"Python {platform.python_version()}"
             + ("" if impl == "CPython" else f" ({impl})")]
    parts.append(f"numpy {np.__version__}")
    for mod in modules:
        name = getattr(mod, "__name__", str(mod)).split(".")[0]
        parts.append(f"{name} {getattr(mod, '__version__', '?')}")
    return ", ".join(parts)


def fail(message: str, status: int = 1) -> NoReturn:
    """Exit with a one-line error on stderr (for failures outside main)."""
    _fail(os.path.basename(sys.argv[0]), message, status)


def require(name: str):
    """Import a kernel's package, or exit 1 with a one-line message."""
    import importlib
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        fail(f"cannot import {name} ({exc}); install "
             "kernels/external/python/requirements.txt")


def cflags() -> list[str]:
    """Native compile flags shared with the C/Fortran/Rust kernels."""
    flags = os.environ.get("SHOOTOUT_CFLAGS", "").split()
    return flags or ["-O3"]


def build_dir(*sub: str) -> Path:
    """A writable directory for compiled artifacts, created if missing.

    SHOOTOUT_BUILD_DIR when the runner sets it, else
    ~/.cache/laplace-shootout/python (or a temporary directory when the
    home directory is not writable).
    """
    root = os.environ.get("SHOOTOUT_BUILD_DIR")
    candidates = [Path(root)] if root else [
        Path.home() / ".cache" / "laplace-shootout" / "python",
        Path(tempfile.gettempdir()) / "laplace-shootout-python",
    ]
    last_error: Optional[OSError] = None
    for base in candidates:
        path = base.joinpath(*sub)
        try:
            path.mkdir(parents=True, exist_ok=True)
            return path
        except OSError as exc:
            last_error = exc
    raise KernelError(f"cannot create build directory: {last_error}")


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send fd 1 (Python prints and child processes alike) to fd 2."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _parser(description: Optional[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(description or "").strip().splitlines()[0] if description else None)
    grid = parser.add_argument_group("protocol v1")
    grid.add_argument("--nx", type=int, required=True, help="grid rows (>= 3)")
    grid.add_argument("--ny", type=int, required=True, help="grid columns (>= 3)")
    grid.add_argument("--dx", type=float, required=True, help="grid spacing along i")
    grid.add_argument("--dy", type=float, required=True, help="grid spacing along j")
    grid.add_argument("--sweeps", type=int, required=True, help="sweeps to run (>= 0)")
    grid.add_argument("--omega", type=float, default=None,
                      help="SOR relaxation factor (accepted and ignored)")
    grid.add_argument("--input", type=Path, required=True, help="initial grid (.npy)")
    grid.add_argument("--output", type=Path, required=True, help="final grid (.npy)")
    return parser


def _validate(args: argparse.Namespace) -> None:
    if args.nx < 3 or args.ny < 3:
        raise InputError(f"grid must be at least 3x3, got --nx {args.nx} --ny {args.ny}")
    if args.sweeps < 0:
        raise InputError(f"--sweeps must be >= 0, got {args.sweeps}")
    for name in ("dx", "dy"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value > 0.0):
            raise InputError(f"--{name} must be finite and > 0, got {value}")
    out_dir = args.output.parent if str(args.output.parent) else Path(".")
    if not out_dir.is_dir():
        raise InputError(f"output directory does not exist: {out_dir}")


def _load(args: argparse.Namespace) -> np.ndarray:
    try:
        with open(args.input, "rb") as f:
            if f.read(6) != b"\x93NUMPY":
                raise InputError(f"{args.input} is not a .npy file (no NumPy magic)")
        u = np.load(args.input, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"input file not found: {args.input}") from None
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"cannot read {args.input} as .npy: {exc}") from None
    if not isinstance(u, np.ndarray):
        raise InputError(f"{args.input} is not a single .npy array")
    if u.dtype != np.float64:
        raise InputError(f"input dtype must be float64 ('<f8'), got '{u.dtype.str}'")
    if u.shape != (args.nx, args.ny):
        raise InputError(
            f"input shape {u.shape} does not match --nx {args.nx} --ny {args.ny}")
    # np.load gives a fresh, writeable array; make sure it is C-contiguous.
    return np.require(u, dtype=np.float64, requirements=["C", "W", "A"])


def _save(path: Path, u: np.ndarray) -> None:
    # A file object, so that numpy does not append ".npy" to the name.
    with open(path, "wb") as f:
        np.save(f, np.ascontiguousarray(u, dtype=np.float64), allow_pickle=False)


def _fail(prog: str, message: str, status: int) -> NoReturn:
    sys.stdout.flush()
    print(f"{prog}: error: {' '.join(str(message).split())}", file=sys.stderr, flush=True)
    sys.exit(status)


def main(
    setup: Callable[[argparse.Namespace], Kernel],
    *,
    description: Optional[str] = None,
    add_arguments: Optional[Callable[[argparse.ArgumentParser], None]] = None,
    argv: Optional[list[str]] = None,
) -> None:
    """Parse, load, set up, time the sweeps, save, print the JSON line."""
    parser = _parser(description)
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)  # exits 2 with a usage message on errors
    prog = parser.prog
    try:
        _validate(args)
        u = _load(args)
    except InputError as exc:
        _fail(prog, str(exc), 2)

    try:
        with stdout_to_stderr():
            kernel = setup(args)
    except (KernelError, ImportError) as exc:
        _fail(prog, f"kernel setup failed: {exc}", 1)
    except Exception as exc:  # noqa: BLE001 - report any setup failure on one line
        _fail(prog, f"kernel setup failed: {type(exc).__name__}: {exc}", 1)

    update = kernel.update
    dx2 = args.dx * args.dx
    dy2 = args.dy * args.dy
    sweeps = args.sweeps

    try:
        start = time.perf_counter()
        for _ in range(sweeps):
            update(u, dx2, dy2)
        sweep_seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        _fail(prog, f"sweep failed: {type(exc).__name__}: {exc}", 1)

    try:
        _save(args.output, u)
    except OSError as exc:
        _fail(prog, f"cannot write {args.output}: {exc}", 1)

    print(json.dumps({
        "sweep_seconds": sweep_seconds,
        "runtime": kernel.runtime,
        "flags": kernel.flags,
    }), flush=True)
