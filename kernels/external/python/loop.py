"""Pure Python Gauss-Seidel: the post's py_update, a double loop over the numpy array.

Sweeps in place in lexicographic order (i outer, j inner), so each cell uses
the neighbours already updated in this sweep.
"""

import protocol


def update(u, dx2, dy2):
    nx, ny = u.shape
    for i in range(1, nx - 1):
        for j in range(1, ny - 1):
            u[i, j] = ((u[i + 1, j] + u[i - 1, j]) * dy2
                       + (u[i, j + 1] + u[i, j - 1]) * dx2) / (2 * (dx2 + dy2))


def setup(args):
    return protocol.Kernel(
        update=update,
        runtime=protocol.runtime(),
        flags="interpreted: CPython bytecode, loops over range() indexing a numpy array",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
