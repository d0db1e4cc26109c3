"""The Pythran kernels, plain Python with Pythran's export lines.

pythran_kernels.py compiles this file; run as Python it is ordinary NumPy.
"""

#pythran export update_array(float64[:,:], float64, float64)
#pythran export update_loop(float64[:,:], float64, float64)


def update_array(u, dx2, dy2):
    # Jacobi: Pythran sees that the right-hand side reads the array the
    # assignment writes, and evaluates it into a temporary first (NumPy's
    # semantics), so every cell comes from the previous sweep.
    u[1:-1, 1:-1] = ((u[2:, 1:-1] + u[:-2, 1:-1]) * dy2
                     + (u[1:-1, 2:] + u[1:-1, :-2]) * dx2) / (2 * (dx2 + dy2))


def update_loop(u, dx2, dy2):
    # Gauss-Seidel in place, row by row (the post's loop).
    nx, ny = u.shape
    for i in range(1, nx - 1):
        for j in range(1, ny - 1):
            u[i, j] = ((u[i + 1, j] + u[i - 1, j]) * dy2
                       + (u[i, j + 1] + u[i, j - 1]) * dx2) / (2 * (dx2 + dy2))
