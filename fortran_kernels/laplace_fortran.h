/*
 * laplace_fortran.h: the Fortran kernels, seen from C. Each is a bind(c)
 * function with value arguments and the signature of laplace_kernel_fn in
 * ../c_kernels/laplace.h; bindgen reads this header to generate the Rust
 * declarations. One prototype per kernel, named laplace_fortran_<form>[_<variant>].
 *
 * Storage: the grid is row-major, element (i, j) at u[i * ny + j]. Fortran is
 * column-major, so every kernel declares the same memory as
 * u(0:ny-1, 0:nx-1): Fortran's first, contiguous index is the column j and
 * its second index is the row i, i.e. u(j, i) is C's u[i][j]. Loops run i
 * outer and j inner, the lexicographic order of the C kernels, with stride-1
 * inner loops.
 */
#ifndef LAPLACE_FORTRAN_H
#define LAPLACE_FORTRAN_H

#include "laplace.h"

/* fortran/loop: Gauss-Seidel with do loops (loop.f90). */
int laplace_fortran_loop(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                         size_t iters, double omega, int threads);

/* fortran/array: Jacobi by Fortran array syntax, in place as in the post's
 * comments; the compiler evaluates the right-hand side into a temporary
 * (array.f90). */
int laplace_fortran_array(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                          size_t iters, double omega, int threads);

/* fortran/loop-fastmath, fortran/array-fastmath: the same sources compiled
 * with -ffast-math (loop-fastmath.f90, array-fastmath.f90). */
int laplace_fortran_loop_fastmath(double *u, double *scratch, size_t nx, size_t ny, double dx,
                                  double dy, size_t iters, double omega, int threads);
int laplace_fortran_array_fastmath(double *u, double *scratch, size_t nx, size_t ny, double dx,
                                   double dy, size_t iters, double omega, int threads);

/* fortran/redblack: red-black SOR with relaxation factor omega (redblack.f90). */
int laplace_fortran_redblack(double *u, double *scratch, size_t nx, size_t ny, double dx,
                             double dy, size_t iters, double omega, int threads);

/* fortran/array-openmp: Jacobi, two buffers, rows shared among OpenMP threads
 * (array-openmp.f90). */
int laplace_fortran_array_openmp(double *u, double *scratch, size_t nx, size_t ny, double dx,
                                 double dy, size_t iters, double omega, int threads);

#endif /* LAPLACE_FORTRAN_H */
