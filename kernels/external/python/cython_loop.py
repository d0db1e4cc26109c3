"""Cython Gauss-Seidel loop (cython_loop.pyx), --checks on (the post's "Cython") or off ("Faster Cython").

The .pyx is compiled before anything is timed, with Cython.Build.cythonize
and setuptools' build_ext, adding SHOOTOUT_CFLAGS (default -O3) after
Python's own compile flags. The extension is cached under
SHOOTOUT_BUILD_DIR/cython/ in a directory named by a hash of everything that
shapes the build (the sources, the flags, the Cython, setuptools and Python
versions, the compiler environment), so changing the flags rebuilds it.
"""

import os
import shutil
import sys
import sysconfig
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


def build_inputs(cflags):
    """Everything that shapes the build, for its cache key."""
    import Cython
    import setuptools
    return [PYX.read_bytes(), Path(__file__).read_bytes(), cflags, Cython.__version__,
            setuptools.__version__, sys.version, sys.executable,
            sysconfig.get_config_var("EXT_SUFFIX"), {k: os.environ.get(k) for k in BUILD_ENV}]


def compile_extension(workdir, cflags):
    """cythonize + build_ext into workdir; return the build record."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    commands = []

    class RecordingBuildExt(build_ext):
        def build_extension(self, ext):
            protocol.record_commands(self.compiler, commands)
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

    def compile_into(folder):
        return dict(compile_extension(folder, cflags), cython=Cython.__version__)

    folder, record = protocol.logged_build("cython", build_inputs(cflags), compile_into)
    return protocol.import_from(folder, MODULE), record


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
