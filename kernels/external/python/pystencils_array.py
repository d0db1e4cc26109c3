"""pystencils Jacobi: the update generated as a C++ stencil kernel (fields src/dst, ghost layer 1), ping-pong.

pystencils turns the symbolic update dst[0,0] = f(src[+-1,0], src[0,+-1])
into a C++ loop nest over the interior (one ghost layer: the boundary cells
are never written), wraps it in an extension module and compiles it with
g++ and SHOOTOUT_CFLAGS (default -O3): its own defaults (-Ofast, i.e.
fast-math, OpenMP, -march=native) are replaced, and its SIMD vectorizer is
off (Target.GenericCPU), so the compiler's auto-vectorizer is what runs.
pystencils writes a division as a multiplication by the reciprocal
(x * (1/d)); the update divides exactly, as the post does, through a small
exact_div function frozen to C's '/'. The module is cached by pystencils
under SHOOTOUT_BUILD_DIR/pystencils/, keyed on the generated code and the
compiler command. The timed call alternates src and dst (a copy of u, with
the same boundary) every sweep and copies the result into u at the end if
it ended in the copy.
"""

import os

import numpy as np

import protocol

ps = protocol.require("pystencils")
sp = protocol.require("sympy")

from pystencils.backend.ast.expressions import PsDiv  # noqa: E402
from pystencils.backend.kernelcreation.freeze import FreezeExpressions  # noqa: E402
from pystencils.codegen.target import Target  # noqa: E402
from pystencils.jit.cpu.compiler_info import GccInfo  # noqa: E402


class exact_div(sp.Function):  # noqa: N801 - a sympy function's name
    """a / b, frozen to C's '/' (sympy's a * b**-1 becomes a * (1.0 / b))."""
    nargs = 2


def _freeze_exact_div(self, func):
    return PsDiv(self.visit_expr(func.args[0]), self.visit_expr(func.args[1]))


# FreezeExpressions dispatches on map_<class name> along the MRO.
FreezeExpressions.map_exact_div = _freeze_exact_div


def make_kernel(cflags):
    src, dst = ps.fields("src, dst: double[2D]", layout="c")
    dx2, dy2 = sp.symbols("dx2 dy2")
    update = ps.Assignment(dst.center, exact_div(
        (src[1, 0] + src[-1, 0]) * dy2 + (src[0, 1] + src[0, -1]) * dx2,
        2 * (dx2 + dy2)))
    info = GccInfo(openmp=False, optlevel=None, target=Target.GenericCPU,
                   extra_cxxflags=list(cflags))
    jit = ps.jit.CpuJit(compiler_info=info, objcache=protocol.build_dir("pystencils"))
    config = ps.CreateKernelConfig(target=Target.GenericCPU, ghost_layers=1, jit=jit)
    kernel = ps.create_kernel(update, config)
    code = kernel.get_c_code()
    if " / " not in code:
        raise protocol.KernelError("pystencils did not emit the exact division")
    return kernel.compile(), info


def setup(args):
    cflags = protocol.cflags()
    kernel, info = make_kernel(cflags)

    def run(u, dx, dy, sweeps):
        dx2 = dx * dx
        dy2 = dy * dy
        a, b = u, u.copy()  # b's boundary is u's, and stays so
        for _ in range(sweeps):
            kernel(src=a, dst=b, dx2=dx2, dy2=dy2)
            a, b = b, a
        if a is not u:
            u[...] = a

    # Load the module and touch every code path once before the timed call.
    warm = np.zeros((args.nx, args.ny))
    run(warm, args.dx, args.dy, 2)
    cxx = info.cxx()
    return protocol.Kernel(
        update=None,
        run=run,
        runtime=protocol.runtime(ps, sp),
        flags=f"pystencils {ps.__version__} create_kernel (GenericCPU, no pystencils "
              f"vectorizer, no OpenMP, exact division), ping-pong src/dst; "
              f"{os.path.basename(cxx)} {protocol.compiler_version(cxx)} "
              f"{' '.join(info.cxxflags())} {' '.join(info.linker_flags())}",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
