"""Numba's parallel forms of the Jacobi update: --form prange or stencil.

prange: @njit(parallel=True), the rows of each sweep split over
NUMBA_NUM_THREADS threads, ping-ponging between the grid and a copy.
stencil: @numba.stencil, Numba's relative-index kernel, applied with out= to
the other buffer of the ping-pong (its border, never written, keeps the
boundary). Both run every sweep in one compiled call, compiled (or loaded
from the cache) on a small grid before timing; no fastmath.
"""

import numba_kernels  # sets NUMBA_CACHE_DIR before numba is imported
import protocol

numba = numba_kernels.numba
njit = numba.njit
prange = numba.prange


@njit(parallel=True, cache=True)
def run_prange(u, dx2, dy2, sweeps):
    nx, ny = u.shape
    src, dst = u, u.copy()
    for _ in range(sweeps):
        for i in prange(1, nx - 1):
            for j in range(1, ny - 1):
                dst[i, j] = ((src[i + 1, j] + src[i - 1, j]) * dy2
                             + (src[i, j + 1] + src[i, j - 1]) * dx2) / (2 * (dx2 + dy2))
        src, dst = dst, src
    if sweeps % 2 == 1:
        u[:, :] = src


@numba.stencil
def jacobi(a, dx2, dy2):
    return ((a[1, 0] + a[-1, 0]) * dy2 + (a[0, 1] + a[0, -1]) * dx2) / (2 * (dx2 + dy2))


@njit(cache=True)
def run_stencil(u, dx2, dy2, sweeps):
    v = u.copy()
    for k in range(sweeps):
        if k % 2 == 0:
            jacobi(u, dx2, dy2, out=v)
        else:
            jacobi(v, dx2, dy2, out=u)
    if sweeps % 2 == 1:
        u[:, :] = v


FORMS = {
    "prange": (run_prange, "@njit(parallel=True, cache=True) prange over rows"),
    "stencil": (run_stencil, "@numba.stencil applied with out= inside @njit(cache=True)"),
}


def add_arguments(parser):
    parser.add_argument("--form", choices=sorted(FORMS), required=True,
                        help="prange: parallel loops; stencil: @numba.stencil")


def setup(args):
    import numpy as np
    run, how = FORMS[args.form]
    run(np.zeros((8, 8)), 0.01, 0.01, 3)  # compile (or load from the cache) now
    threads = f", {numba.config.NUMBA_NUM_THREADS} threads" if args.form == "prange" else ""
    return protocol.Kernel(
        update=None,
        run=lambda u, dx, dy, sweeps: run(u, dx * dx, dy * dy, sweeps),
        runtime=numba_kernels.setup_runtime(),
        flags=f"numba {numba.__version__} {how}{threads}, LLVM {numba_kernels.llvm_version()} JIT for "
              f"{numba_kernels.host_cpu()}, no fastmath",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__, add_arguments=add_arguments)
