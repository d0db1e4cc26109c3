"""f2py_kernels.f90 built by numpy.f2py (meson backend): --form loop or array.

Comments 15 and 19 of the post built Fortran for Python with f2py ("f2py is
the fastest"). The module is compiled before anything is timed, with
gfortran and SHOOTOUT_CFLAGS (the -O3 -march of every compiled kernel), and
cached under SHOOTOUT_BUILD_DIR/f2py/ by a hash of the source, the flags and
the tool versions. Each sweep is one call from the post's Python driver
loop, passing u.T so that Fortran sees its own column-major layout.
"""

import importlib.util
import json
import os
import sys
import sysconfig
from pathlib import Path

import numpy as np

import protocol

MODULE = "laplace_f2py"
SOURCE = Path(__file__).resolve().with_name("f2py_kernels.f90")
FORMS = {"loop": "loop_update", "array": "array_update"}


def add_arguments(parser):
    parser.add_argument("--form", choices=sorted(FORMS), required=True,
                        help="loop: Gauss-Seidel loops; array: Jacobi array assignment")


def build(fc, fflags):
    import mesonbuild  # noqa: F401 - the backend must be importable
    versions = [np.__version__, protocol.compiler_version(fc), sys.version,
                sysconfig.get_config_var("EXT_SUFFIX")]

    def compile_into(folder):
        # f2py runs `meson` and `ninja`, installed beside this interpreter.
        path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
        env = dict(os.environ, FC=fc, PATH=path)
        protocol.run_tool([sys.executable, "-m", "numpy.f2py", "-c", SOURCE, "-m", MODULE,
                           "--backend", "meson", "--build-dir", folder / "build",
                           f"--f90flags={' '.join(fflags)}"], cwd=folder, env=env)
        # The compile command meson ran, for the flags column.
        commands = json.loads((folder / "build" / "bbdir" /
                               "compile_commands.json").read_text())
        fortran = [c["command"] for c in commands if c["file"].endswith(".f90")]
        (folder / "command.txt").write_text(fortran[0] if fortran else "unknown")

    return protocol.cached_build("f2py", [SOURCE.read_bytes(), fc, fflags, versions],
                                 compile_into)


def load(folder):
    so = next(folder.glob(f"{MODULE}*{sysconfig.get_config_var('EXT_SUFFIX')}"))
    spec = importlib.util.spec_from_file_location(MODULE, so)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compile_flags(command):
    """The optimisation and code-generation flags of a compile command."""
    return [a for a in command.split() if a.startswith(("-O", "-m", "-f"))
            and not a.startswith(("-fdiagnostics", "-fvisibility"))]


def setup(args):
    fc = os.environ.get("FC", "gfortran")
    folder = build(fc, protocol.cflags())
    module = load(folder)
    fortran = getattr(module, FORMS[args.form])

    def update(u, dx2, dy2):
        fortran(u.T, dx2, dy2)

    command = (folder / "command.txt").read_text()
    return protocol.Kernel(
        update=update,
        runtime=protocol.runtime() + f", {fc} {protocol.compiler_version(fc)}",
        flags=f"numpy.f2py {np.__version__} --backend meson, --form {args.form}: {fc} "
              f"{' '.join(compile_flags(command))}; one call per sweep",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__, add_arguments=add_arguments)
