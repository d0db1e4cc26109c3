"""Cython Gauss-Seidel loop (cython_loop.pyx), --checks on (the post's "Cython") or off ("Faster Cython").

The .pyx is compiled before anything is timed, with Cython.Build.cythonize
and setuptools' build_ext, adding SHOOTOUT_CFLAGS (default -O3) after
Python's own compile flags. The extension is cached under
SHOOTOUT_BUILD_DIR/cython/ in a directory named by a hash of everything that
shapes the build (the sources, the flags, the Cython, setuptools and Python
versions, the compiler environment), so changing the flags rebuilds it.
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

MODULE = "_cython_loop"
PYX = Path(__file__).resolve().with_name("cython_loop.pyx")
VARIANTS = {
    "on": ("update_checked", "boundscheck=True wraparound=True (defaults)"),
    "off": ("update_unchecked", "boundscheck=False wraparound=False"),
}
# Environment variables that distutils/setuptools fold into the compile command.
BUILD_ENV = ("CC", "CXX", "CFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "AR", "ARFLAGS")


def add_arguments(parser):
    parser.add_argument("--checks", choices=sorted(VARIANTS), required=True,
                        help="on: Cython's bounds/wraparound checks; off: both disabled")


def build_key(cflags):
    import Cython
    import setuptools
    h = hashlib.sha256()
    for part in (PYX.read_bytes(), Path(__file__).read_bytes(), json.dumps([
            cflags, Cython.__version__, setuptools.__version__, sys.version,
            sys.executable, sysconfig.get_config_var("EXT_SUFFIX"),
            {k: os.environ.get(k) for k in BUILD_ENV}])):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def compile_extension(workdir, cflags):
    """cythonize + build_ext into workdir; return the build record."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    commands = []

    recording = protocol.recording(commands)

    class RecordingBuildExt(build_ext):
        def build_extension(self, ext):
            # Record every command the compiler object runs: setuptools >= 80
            # runs them through Compiler.call, older ones through spawn.
            for name in ("call", "spawn"):
                run = getattr(self.compiler, name, None)
                if run is not None:
                    setattr(self.compiler, name, recording(run))
            super().build_extension(ext)

    pyx = workdir / f"{MODULE}.pyx"
    shutil.copyfile(PYX, pyx)
    ext = Extension(MODULE, [str(pyx)], extra_compile_args=list(cflags))
    ext_modules = cythonize([ext], quiet=True, force=True,
                            compiler_directives={"language_level": 3})
    dist = Distribution({"name": MODULE, "ext_modules": ext_modules,
                         "script_name": "cython_loop.py"})
    dist.cmdclass["build_ext"] = RecordingBuildExt
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib = str(workdir)
    cmd.build_temp = str(workdir / "obj")
    cmd.inplace = False
    cmd.force = True
    cmd.ensure_finalized()
    cmd.run()

    source = str(pyx.with_suffix(".c"))
    compiles = list({tuple(c): c for c in commands if "-c" in c and source in c}.values())
    if len(compiles) != 1:
        raise protocol.KernelError(
            f"expected one compile command of {source}, saw {len(compiles)}")
    command = compiles[0]
    flags = protocol.compile_flags(command, sources=(source,))
    if flags[-len(cflags):] != list(cflags):
        raise protocol.KernelError(
            f"SHOOTOUT_CFLAGS {' '.join(cflags)!r} did not reach the compiler: {command}")
    return {"compiler": command[0], "compiler_version": protocol.compiler_version(command[0]),
            "flags": flags, "command": command}


def build(cflags):
    """Compile (or reuse) the extension; return (module, build record)."""
    import Cython
    base = protocol.build_dir("cython")
    final = base / f"cython_loop-{build_key(cflags)}"
    so = final / (MODULE + sysconfig.get_config_var("EXT_SUFFIX"))
    record_path = final / "build.json"
    if not (so.is_file() and record_path.is_file()):
        work = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
        log = work / "build.log"
        try:
            with protocol.fds_to(log):
                record = compile_extension(work, cflags)
            record["cython"] = Cython.__version__
            (work / "build.json").write_text(json.dumps(record, indent=1))
        except BaseException as exc:
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            shutil.rmtree(work, ignore_errors=True)
            if tail:
                print(tail, file=sys.stderr)
            raise protocol.KernelError(f"Cython build failed: {exc}") from exc
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
    import Cython
    cflags = protocol.cflags()
    module, record = build(cflags)
    function, checks = VARIANTS[args.checks]
    compiler = f"{os.path.basename(record['compiler'])} {record['compiler_version']}"
    return protocol.Kernel(
        update=getattr(module, function),
        runtime=protocol.runtime(Cython),
        flags=f"cython {Cython.__version__} typed memoryview, {checks}, "
              f"{compiler} {' '.join(record['flags'])}",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__, add_arguments=add_arguments)
