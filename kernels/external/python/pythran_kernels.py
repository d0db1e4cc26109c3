"""Pythran kernels: --form array (Jacobi slicing) or --form loop (Gauss-Seidel loop).

update_array and update_loop of pythran_laplace.py, with its `#pythran
export` lines, are copied into the build folder, translated to C++ by Pythran and
compiled before anything is timed, with SHOOTOUT_CFLAGS (default -O3) after
Python's and Pythran's own compile flags. Pythran's default -fno-math-errno
(a part of -ffast-math) is dropped, so no fast-math flag reaches the
compiler; no OpenMP, no -DUSE_XSIMD (the compiler's own vectorizer only).
The module is cached under SHOOTOUT_BUILD_DIR/pythran/ in a directory named
by a hash of everything that shapes the build (this file, the flags, the
Pythran and Python versions, the compiler environment), so changing the
flags rebuilds it.
"""

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

import protocol

MODULE = "_pythran_laplace"
# The kernels, as a Pythran user writes them: plain Python with the
# `#pythran export` lines, in a file of their own.
KERNELS = Path(__file__).resolve().with_name("pythran_laplace.py")


def module_source():
    """The Pythran module: pythran_laplace.py as it is."""
    return KERNELS.read_text()


FORMS = {
    "array": ("update_array", "Jacobi slicing (a temporary, then assigned)"),
    "loop": ("update_loop", "Gauss-Seidel loop"),
}
# Flags of -ffast-math (and their umbrella flags) that must not reach the compiler.
FAST_MATH = ("-ffast-math", "-Ofast", "-fno-math-errno", "-funsafe-math-optimizations",
             "-fassociative-math", "-freciprocal-math", "-ffinite-math-only",
             "-fno-signed-zeros", "-fno-trapping-math", "-fcx-limited-range")
# Environment variables that Pythran or setuptools fold into the compile command.
BUILD_ENV = ("CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED",
             "PYTHRANRC", "XDG_CONFIG_HOME", "HOME")


def add_arguments(parser):
    parser.add_argument("--form", choices=sorted(FORMS), required=True,
                        help="array: Jacobi slicing; loop: Gauss-Seidel loop")


def pythran_cflags():
    """Pythran's configured C++ flags without any fast-math flag."""
    import pythran.config
    flags = pythran.config.cfg.get("compiler", "cflags").split()
    return [f for f in flags if f not in FAST_MATH]


def build_key(cflags):
    import pythran
    import setuptools
    h = hashlib.sha256()
    for part in (module_source(), Path(__file__).read_bytes(), json.dumps([
            cflags, pythran_cflags(), pythran.__version__, setuptools.__version__,
            sys.version, sys.executable, sysconfig.get_config_var("EXT_SUFFIX"),
            {k: os.environ.get(k) for k in BUILD_ENV}])):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def compile_module(workdir, cflags):
    """module_source() -> C++ -> extension module in workdir; return the build record."""
    import pythran
    import pythran.dist
    from pythran.toolchain import compile_pythranfile

    commands = []

    recording = protocol.recording(commands)

    original = pythran.dist.PythranBuildExt

    class RecordingBuildExt(original):
        def build_extension(self, ext):
            # setuptools >= 80 runs compiler commands through Compiler.call,
            # older ones through spawn.
            for name in ("call", "spawn"):
                run = getattr(self.compiler, name, None)
                if run is not None:
                    setattr(self.compiler, name, recording(run))
            return super().build_extension(ext)

    src = workdir / f"{MODULE}.py"
    src.write_text(module_source())
    so = workdir / (MODULE + sysconfig.get_config_var("EXT_SUFFIX"))
    # compile_cxxfile imports PythranBuildExt from pythran.dist when called.
    pythran.dist.PythranBuildExt = RecordingBuildExt
    try:
        compile_pythranfile(
            str(src), output_file=str(so), module_name=MODULE,
            config=["compiler.cflags=" + " ".join(pythran_cflags()), "compiler.blas=none"],
            extra_compile_args=list(cflags))
    finally:
        pythran.dist.PythranBuildExt = original

    compiles = [c for c in commands if "-c" in c and any(a.endswith(".cpp") for a in c)]
    if len(compiles) != 1:
        raise protocol.KernelError(f"expected one C++ compile command, saw {len(compiles)}")
    command = compiles[0]
    flags = protocol.compile_flags(command, defines=False)
    if flags[-len(cflags):] != list(cflags):
        raise protocol.KernelError(
            f"SHOOTOUT_CFLAGS {' '.join(cflags)!r} did not reach the compiler: {command}")
    fast = [f for f in flags if f in FAST_MATH]
    if fast:
        raise protocol.KernelError(f"fast-math flags reached the compiler: {' '.join(fast)}")
    if not so.is_file():
        raise protocol.KernelError(f"pythran produced no {so.name}")
    return {"compiler": command[0], "compiler_version": protocol.compiler_version(command[0]),
            "flags": flags, "command": command, "pythran": pythran.__version__}


def build(cflags):
    """Compile (or reuse) the module; return (module, build record)."""
    base = protocol.build_dir("pythran")
    final = base / f"pythran_laplace-{build_key(cflags)}"
    so = final / (MODULE + sysconfig.get_config_var("EXT_SUFFIX"))
    record_path = final / "build.json"
    if not (so.is_file() and record_path.is_file()):
        work = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
        log = work / "build.log"
        try:
            with protocol.fds_to(log):
                record = compile_module(work, cflags)
            (work / "build.json").write_text(json.dumps(record, indent=1))
        except BaseException as exc:
            # Before the folder goes: Pythran's errors quote the source file.
            message = f"Pythran build failed: {type(exc).__name__}: {exc}"
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            shutil.rmtree(work, ignore_errors=True)
            if tail:
                print(tail, file=sys.stderr)
            raise protocol.KernelError(message) from exc
        try:
            os.rename(work, final)
        except OSError:  # a concurrent run got there first
            shutil.rmtree(work, ignore_errors=True)
    record = json.loads(record_path.read_text())
    spec = importlib.util.spec_from_file_location(MODULE, so)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, record


def setup(args):
    pythran = protocol.require("pythran")
    cflags = protocol.cflags()
    module, record = build(cflags)
    function, form = FORMS[args.form]
    compiler = f"{os.path.basename(record['compiler'])} {record['compiler_version']}"
    return protocol.Kernel(
        update=getattr(module, function),
        runtime=protocol.runtime(pythran),
        flags=f"pythran {pythran.__version__} --form {args.form} ({form}), no OpenMP, "
              f"no USE_XSIMD, {compiler} {' '.join(record['flags'])}",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__, add_arguments=add_arguments)
