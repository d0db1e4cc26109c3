/*
 * laplace_c.h: the C kernels. Each has the signature of laplace_kernel_fn in
 * laplace.h; bindgen reads this header to generate the Rust declarations.
 * One prototype per kernel, named laplace_c_<form>[_<variant>].
 */
#ifndef LAPLACE_C_H
#define LAPLACE_C_H

#include "laplace.h"

/* c/loop: Gauss-Seidel, in place, i outer, j inner (loop.c). */
int laplace_c_loop(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                   size_t iters, double omega, int threads);

/* c/array: Jacobi, two buffers swapped each sweep (array.c). */
int laplace_c_array(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                    size_t iters, double omega, int threads);

/* c/loop-fastmath, c/array-fastmath: the same sources compiled with
 * -ffast-math (loop-fastmath.c, array-fastmath.c). */
int laplace_c_loop_fastmath(double *u, double *scratch, size_t nx, size_t ny, double dx,
                            double dy, size_t iters, double omega, int threads);
int laplace_c_array_fastmath(double *u, double *scratch, size_t nx, size_t ny, double dx,
                             double dy, size_t iters, double omega, int threads);

/* c/redblack: red-black SOR with relaxation factor omega (redblack.c). */
int laplace_c_redblack(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                       size_t iters, double omega, int threads);

/* c/loop-wavefront: Gauss-Seidel, 8 rows at once on a skewed wavefront,
 * the same iterates as c/loop (loop-wavefront.c). */
int laplace_c_loop_wavefront(double *u, double *scratch, size_t nx, size_t ny, double dx,
                             double dy, size_t iters, double omega, int threads);

/* c/array-flat: Jacobi over the interior as one flat stream (array-flat.c). */
int laplace_c_array_flat(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                         size_t iters, double omega, int threads);

/* c/array-recip: c/array multiplying by a precomputed reciprocal (array-recip.c). */
int laplace_c_array_recip(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                          size_t iters, double omega, int threads);

/* c/array-openmp: c/array with rows shared among OpenMP threads (array-openmp.c). */
int laplace_c_array_openmp(double *u, double *scratch, size_t nx, size_t ny, double dx,
                           double dy, size_t iters, double omega, int threads);

/* c/redblack-openmp: c/redblack with rows shared among OpenMP threads
 * (redblack-openmp.c). */
int laplace_c_redblack_openmp(double *u, double *scratch, size_t nx, size_t ny, double dx,
                              double dy, size_t iters, double omega, int threads);

/* c/array-exact: c/array-flat dividing by Markstein's FMA sequence, bit-exact;
 * compiled with -ffp-contract=off (array-exact.c). */
int laplace_c_array_exact(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                          size_t iters, double omega, int threads);

#endif /* LAPLACE_C_H */
