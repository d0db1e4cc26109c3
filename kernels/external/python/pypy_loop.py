"""The pure-Python Gauss-Seidel loop under PyPy, on lists (comment 12).

Comment 12 of the post ran "a tiny wrapper class around Python lists to
emulate 2D arrays" through PyPy 1.5 and found it "roughly 2x slower than
CPython+Numpy". NumPy is not needed: the grid is a list of row lists, which
PyPy stores unboxed, and the loop is the post's py_update. PyPy's JIT warms
up on a fresh grid of the same shape before the timed loop, as the other
JITs compile before theirs.
"""

import platform

import protocol

WARM_UP_SWEEPS = 50


def update(u, dx2, dy2):
    nx = len(u)
    ny = len(u[0])
    for i in range(1, nx - 1):
        up, row, down = u[i - 1], u[i], u[i + 1]
        for j in range(1, ny - 1):
            row[j] = ((down[j] + up[j]) * dy2
                      + (row[j + 1] + row[j - 1]) * dx2) / (2 * (dx2 + dy2))


def setup(args):
    impl = platform.python_implementation()
    if impl != "PyPy":
        raise protocol.KernelError(f"this kernel runs under PyPy, not {impl}")
    import sys
    pypy = ".".join(map(str, sys.pypy_version_info[:3]))
    warm = [[float(i == 0)] * args.ny for i in range(args.nx)]
    dx2, dy2 = args.dx * args.dx, args.dy * args.dy
    for _ in range(WARM_UP_SWEEPS):
        update(warm, dx2, dy2)
    return protocol.Kernel(
        update=update,
        runtime=f"PyPy {pypy} (Python {platform.python_version()}), no numpy",
        flags=f"PyPy {pypy} tracing JIT, grid as a list of row lists, "
              f"{WARM_UP_SWEEPS} warm-up sweeps on a grid of the same shape before timing",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__, grid="lists")
