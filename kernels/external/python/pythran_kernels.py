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

import os
import sys
import sysconfig
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


def build_inputs(cflags):
    """Everything that shapes the build, for its cache key."""
    import pythran
    import setuptools
    return [module_source(), Path(__file__).read_bytes(), cflags, pythran_cflags(),
            pythran.__version__, setuptools.__version__, sys.version, sys.executable,
            sysconfig.get_config_var("EXT_SUFFIX"), {k: os.environ.get(k) for k in BUILD_ENV}]


def compile_module(workdir, cflags):
    """module_source() -> C++ -> extension module in workdir; return the build record."""
    import pythran
    import pythran.dist
    from pythran.toolchain import compile_pythranfile

    commands = []
    original = pythran.dist.PythranBuildExt

    class RecordingBuildExt(original):
        def build_extension(self, ext):
            protocol.record_commands(self.compiler, commands)
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
    folder, record = protocol.logged_build(
        "pythran", build_inputs(cflags), lambda folder: compile_module(folder, cflags))
    return protocol.import_from(folder, MODULE), record


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
