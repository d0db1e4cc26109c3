"""numba kernels: --form loop (Gauss-Seidel @njit loop) or --form array (Jacobi slicing).

Both are plain @njit (no fastmath, no parallel) with cache=True; the cache
lives under SHOOTOUT_BUILD_DIR/numba. Each function is called once on a
throwaway 8x8 grid before the timed loop, so compilation is never timed.
"""

import os

import numpy as np

import protocol

# numba reads NUMBA_CACHE_DIR when it is imported.
if os.environ.get("SHOOTOUT_BUILD_DIR") or not os.environ.get("NUMBA_CACHE_DIR"):
    try:
        os.environ["NUMBA_CACHE_DIR"] = str(protocol.build_dir("numba"))
    except protocol.KernelError as exc:
        protocol.fail(str(exc))

numba = protocol.require("numba")
njit = numba.njit


@njit(cache=True)
def update_loop(u, dx2, dy2):
    nx, ny = u.shape
    for i in range(1, nx - 1):
        for j in range(1, ny - 1):
            u[i, j] = ((u[i + 1, j] + u[i - 1, j]) * dy2
                       + (u[i, j + 1] + u[i, j - 1]) * dx2) / (2 * (dx2 + dy2))


@njit(cache=True)
def update_array(u, dx2, dy2):
    # The right-hand side becomes a new array before the assignment: Jacobi.
    u[1:-1, 1:-1] = ((u[2:, 1:-1] + u[:-2, 1:-1]) * dy2
                     + (u[1:-1, 2:] + u[1:-1, :-2]) * dx2) / (2 * (dx2 + dy2))


FORMS = {"loop": update_loop, "array": update_array}


def add_arguments(parser):
    parser.add_argument("--form", choices=sorted(FORMS), required=True,
                        help="loop: Gauss-Seidel loop; array: Jacobi slicing")


def host_cpu():
    cpu = numba.config.CPU_NAME
    if cpu:
        return f"CPU {cpu} (NUMBA_CPU_NAME)"
    try:
        import llvmlite.binding as llvm
        return f"host CPU {llvm.get_host_cpu_name()}"
    except Exception:
        return "host CPU"


def llvm_version():
    import llvmlite.binding
    return ".".join(map(str, llvmlite.binding.llvm_version_info))


def setup_runtime():
    """The runtime string of the Numba kernels: Python, numpy, numba, llvmlite."""
    import llvmlite
    return protocol.runtime(numba, llvmlite)


def setup(args):
    update = FORMS[args.form]
    update(np.zeros((8, 8)), 0.01, 0.01)  # compile (or load from cache) now
    return protocol.Kernel(
        update=update,
        runtime=setup_runtime(),
        flags=f"numba {numba.__version__} @njit(cache=True) --form {args.form}, "
              f"LLVM {llvm_version()} JIT for {host_cpu()}, no fastmath, no parallel",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__, add_arguments=add_arguments)
