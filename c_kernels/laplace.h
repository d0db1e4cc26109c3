/*
 * laplace.h: the kernel contract shared by every language of laplace-shootout.
 *
 * A kernel runs `iters` sweeps of one scheme over the row-major grid `u` of
 * `nx` rows by `ny` columns (element (i, j) is u[i * ny + j]) and leaves the
 * result in `u`. The edges of `u` are boundary values and are never written.
 * One sweep updates every interior point 1 <= i <= nx-2, 1 <= j <= ny-2 with
 *
 *   u[i,j] = ((u[i+1,j] + u[i-1,j]) * dy2 + (u[i,j+1] + u[i,j-1]) * dx2)
 *            / (2 * (dx2 + dy2)),        dx2 = dx * dx, dy2 = dy * dy.
 *
 * Arguments
 *   u        nx * ny doubles, read and written.
 *   scratch  nx * ny doubles the kernel may use freely (Jacobi's second
 *            buffer); it does not overlap `u`. Its contents on entry and exit
 *            are unspecified.
 *   nx, ny   at least 3 each.
 *   dx, dy   finite and positive.
 *   iters    number of sweeps; 0 leaves `u` unchanged.
 *   omega    relaxation factor in (0, 2) for over-relaxed schemes; ignored by
 *            the others.
 *   threads  threads a parallel kernel may use (>= 1); serial kernels ignore it.
 *
 * Returns LAPLACE_OK, or an error status with `u` unspecified.
 *
 * The Rust side validates every argument before calling, so the checks a
 * kernel makes itself are only a second line of defence. Kernels must not
 * keep pointers, print, exit or longjmp.
 */
#ifndef LAPLACE_H
#define LAPLACE_H

#include <stddef.h>

#define LAPLACE_OK 0
#define LAPLACE_EINVAL 1
#define LAPLACE_ENOMEM 2

typedef int (*laplace_kernel_fn)(double *u, double *scratch, size_t nx, size_t ny,
                                 double dx, double dy, size_t iters, double omega,
                                 int threads);

#endif /* LAPLACE_H */
