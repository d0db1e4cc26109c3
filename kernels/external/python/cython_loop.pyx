# cython: language_level=3
"""Gauss-Seidel sweep over a typed memoryview, in two builds of the same loop.

update_checked: Cython's default checks (boundscheck and wraparound on), the
post's first "Cython" timing. update_unchecked: both checks off, the post's
"Faster Cython". Everything else (cdivision, initializedcheck) stays at
Cython's defaults in both.
"""

cimport cython


def update_checked(double[:, ::1] u, double dx2, double dy2):
    cdef Py_ssize_t i, j
    cdef Py_ssize_t nx = u.shape[0]
    cdef Py_ssize_t ny = u.shape[1]
    for i in range(1, nx - 1):
        for j in range(1, ny - 1):
            u[i, j] = ((u[i + 1, j] + u[i - 1, j]) * dy2
                       + (u[i, j + 1] + u[i, j - 1]) * dx2) / (2 * (dx2 + dy2))


@cython.boundscheck(False)
@cython.wraparound(False)
def update_unchecked(double[:, ::1] u, double dx2, double dy2):
    cdef Py_ssize_t i, j
    cdef Py_ssize_t nx = u.shape[0]
    cdef Py_ssize_t ny = u.shape[1]
    for i in range(1, nx - 1):
        for j in range(1, ny - 1):
            u[i, j] = ((u[i + 1, j] + u[i - 1, j]) * dy2
                       + (u[i, j + 1] + u[i, j - 1]) * dx2) / (2 * (dx2 + dy2))
