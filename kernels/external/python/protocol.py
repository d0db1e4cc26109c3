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

A kernel whose sweep loop cannot live in Python (JAX's ``lax.fori_loop``, a
Rust extension that takes the sweep count) sets ``Kernel.run`` instead, and
the one call ``run(u, dx, dy, sweeps)`` is timed.

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
from typing import Any, Callable, Iterator, NoReturn, Optional

try:
    import numpy as np
except ImportError:  # PyPy and other interpreters without NumPy: grid="lists"
    np = None

PROTOCOL_VERSION = 1

# u is a NumPy array, or a list of row lists for main(..., grid="lists").
Update = Callable[[Any, float, float], None]  # update(u, dx2, dy2)
Run = Callable[[Any, float, float, int], None]  # run(u, dx, dy, sweeps)


@dataclass(frozen=True)
class Kernel:
    """What a kernel's ``setup`` hands back to the harness."""

    update: Optional[Update]  # update(u, dx2, dy2): one sweep, in place on u
    runtime: str  # e.g. "Python 3.11.7, numpy 2.4.6, numba 0.68.1"
    flags: str  # how the code was compiled / run
    # run(u, dx, dy, sweeps): every sweep in one call, in place on u, for a
    # kernel whose loop over sweeps lives outside Python (JAX's
    # lax.fori_loop, a Rust extension). It takes the spacings themselves, as
    # the compiled kernels do. Used instead of `update` when set; the one
    # call is timed, crossings into and out of the kernel included.
    run: Optional[Run] = None


class KernelError(Exception):
    """A failure of the kernel itself (compile error, missing package...)."""


class InputError(Exception):
    """Bad arguments or a bad input grid."""


def runtime(*modules: object) -> str:
    """'Python X.Y.Z, numpy A.B.C[, <module> <version>...]'."""
    impl = platform.python_implementation()
    parts = [f"Python {platform.python_version()}"
             + ("" if impl == "CPython" else f" ({impl})")]
    if np is not None:
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


def compiler_version(exe: str) -> str:
    """The first line of `exe -dumpfullversion` (or `--version`)."""
    import subprocess
    for args in ([exe, "-dumpfullversion"], [exe, "--version"]):
        try:
            out = subprocess.run(args, capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if out.strip():
            return out.strip().splitlines()[0]
    return "unknown"


@contextlib.contextmanager
def fds_to(path: Path) -> Iterator[None]:
    """Send fds 1 and 2 (a compiler's and setuptools' output) to a log file."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(path, "ab") as log:
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def record_commands(compiler, commands: list) -> None:
    """Make setuptools' `compiler` object append every command it runs to
    `commands` (to report the flags that were used): setuptools >= 80 runs
    them through Compiler.call, older ones through spawn."""
    def recording(run):
        def run_and_record(cmd, *args, **kwargs):
            commands.append([str(c) for c in cmd])
            return run(cmd, *args, **kwargs)
        return run_and_record
    for name in ("call", "spawn"):
        run = getattr(compiler, name, None)
        if run is not None:
            setattr(compiler, name, recording(run))


def logged_build(tool: str, inputs: list, build: Callable[[Path], dict]) -> tuple:
    """[`cached_build`] of a build whose output goes to `build.log` and
    which returns a record (compiler, flags...), kept as `build.json`.
    Returns (folder, record). On failure the log's tail goes to stderr."""
    def run(folder: Path) -> None:
        log = folder / "build.log"
        try:
            with fds_to(log):
                record = build(folder)
        except BaseException:
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            if tail:
                print(tail, file=sys.stderr)
            raise
        (folder / "build.json").write_text(json.dumps(record, indent=1))

    folder = cached_build(tool, inputs, run)
    return folder, json.loads((folder / "build.json").read_text())


def import_from(folder: Path, module: str):
    """Imports the extension module `module` built into `folder`."""
    import importlib.util
    import sysconfig
    path = folder / (module + sysconfig.get_config_var("EXT_SUFFIX"))
    spec = importlib.util.spec_from_file_location(module, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def compile_flags(command: list, sources: tuple = (".c", ".cpp"),
                  defines: bool = True) -> list:
    """The flags of a compile command: not the compiler, -I folders, -o,
    -c or the source files (names ending in `sources`); -D macros only if
    `defines`."""
    flags, skip = [], False
    takes_value = ("-I", "-o") + (() if defines else ("-D",))
    for arg in command[1:]:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif arg.startswith("-I") or (not defines and arg.startswith("-D")) \
                or arg == "-c" or arg.endswith(sources):
            continue
        else:
            flags.append(arg)
    return flags


def cached_build(tool: str, inputs: list, build: Callable[[Path], None]) -> Path:
    """A folder holding what `build(folder)` made from `inputs`, built once.

    The folder is ``build_dir(tool)/<hash of inputs>``: bytes (source files'
    contents) and anything ``json.dumps`` takes (flags, versions). ``build``
    fills a temporary folder, which is renamed into place only when it
    succeeds, so a failed or concurrent build never leaves a half-built one.
    Everything a build prints goes to stderr; a failure raises KernelError
    with its log's last lines.
    """
    import hashlib
    import shutil
    h = hashlib.sha256()
    for part in inputs:
        h.update(part if isinstance(part, bytes) else json.dumps(part).encode())
        h.update(b"\0")
    base = build_dir(tool)
    final = base / h.hexdigest()[:16]
    if (final / ".built").is_file():
        return final
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
    try:
        build(work)
        (work / ".built").write_text("")
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise KernelError(f"{tool} build failed: {type(exc).__name__}: {exc}") from exc
    if final.exists():  # an older half-built copy, or a concurrent run's
        shutil.rmtree(work, ignore_errors=True)
        if (final / ".built").is_file():
            return final
        shutil.rmtree(final, ignore_errors=True)
    try:
        os.rename(work, final)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    return final


def run_tool(command: list, cwd: Optional[Path] = None, env: Optional[dict] = None) -> str:
    """Runs a build command, its output to stderr; raises KernelError with
    the output's tail if it fails. Returns the output."""
    import subprocess
    try:
        done = subprocess.run([str(c) for c in command], cwd=cwd, env=env,
                              capture_output=True, text=True)
    except OSError as exc:
        raise KernelError(f"cannot run {command[0]}: {exc}") from exc
    out = done.stdout + done.stderr
    print(out, file=sys.stderr, end="")
    if done.returncode != 0:
        tail = " ".join(out.strip().splitlines()[-3:])
        raise KernelError(f"`{' '.join(map(str, command[:3]))} ...` failed: {tail}")
    return out


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


def _check_npy(path: Path) -> None:
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            raise InputError(f"{path} is not a .npy file (no NumPy magic)")


def _load_lists(args: argparse.Namespace) -> list:
    """The grid as a list of row lists, read without NumPy: the format of
    docs/external-kernels.md (version 1.0, '<f8', C order)."""
    import ast
    import struct
    from array import array
    try:
        _check_npy(args.input)
        with open(args.input, "rb") as f:
            head = f.read(10)
            if len(head) < 10 or head[6:8] != b"\x01\x00":
                raise InputError(f"{args.input}: only .npy format version 1.0 is read")
            (length,) = struct.unpack("<H", head[8:10])
            header = ast.literal_eval(f.read(length).decode("latin-1"))
            data = f.read()
    except FileNotFoundError:
        raise InputError(f"input file not found: {args.input}") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError(f"cannot read {args.input} as .npy: {exc}") from None
    if not isinstance(header, dict) or header.get("descr") != "<f8" \
            or header.get("fortran_order") is not False:
        raise InputError(f"{args.input}: expected '<f8' in C order, got {header!r}")
    if header.get("shape") != (args.nx, args.ny):
        raise InputError(f"input shape {header.get('shape')} does not match "
                         f"--nx {args.nx} --ny {args.ny}")
    if len(data) != 8 * args.nx * args.ny:
        raise InputError(f"{args.input}: {len(data)} data bytes for shape "
                         f"({args.nx}, {args.ny})")
    flat = array("d")
    flat.frombytes(data)
    if sys.byteorder != "little":
        flat.byteswap()
    return [list(flat[i * args.ny:(i + 1) * args.ny]) for i in range(args.nx)]


def _save_lists(path: Path, u: list) -> None:
    from array import array
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }" % (
        len(u), len(u[0]))
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    flat = array("d", (x for row in u for x in row))
    if sys.byteorder != "little":
        flat.byteswap()
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little")
                + header.encode("latin-1"))
        f.write(flat.tobytes())


def _load(args: argparse.Namespace) -> "np.ndarray":
    try:
        _check_npy(args.input)
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


def _save(path: Path, u: "np.ndarray") -> None:
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
    grid: str = "numpy",
) -> None:
    """Parse, load, set up, time the sweeps, save, print the JSON line.

    ``grid="lists"`` hands the kernel a list of row lists, read and written
    without NumPy (for PyPy, or any interpreter without NumPy)."""
    if grid not in ("numpy", "lists"):
        raise ValueError(f"grid must be 'numpy' or 'lists', not {grid!r}")
    if grid == "numpy" and np is None:
        fail("this kernel needs NumPy, which this interpreter cannot import")
    load, save = (_load, _save) if grid == "numpy" else (_load_lists, _save_lists)
    parser = _parser(description)
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)  # exits 2 with a usage message on errors
    prog = parser.prog
    try:
        _validate(args)
        u = load(args)
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
    if kernel.run is None and update is None:
        _fail(prog, "kernel setup gave neither update nor run", 1)

    try:
        if kernel.run is not None:
            start = time.perf_counter()
            kernel.run(u, args.dx, args.dy, sweeps)
            sweep_seconds = time.perf_counter() - start
        else:
            start = time.perf_counter()
            for _ in range(sweeps):
                update(u, dx2, dy2)
            sweep_seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        _fail(prog, f"sweep failed: {type(exc).__name__}: {exc}", 1)

    try:
        save(args.output, u)
    except OSError as exc:
        _fail(prog, f"cannot write {args.output}: {exc}", 1)

    print(json.dumps({
        "sweep_seconds": sweep_seconds,
        "runtime": kernel.runtime,
        "flags": kernel.flags,
    }), flush=True)
