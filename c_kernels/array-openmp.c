/* c/array-openmp: c/array with the rows of each sweep shared among `threads`
 * OpenMP threads. One parallel region spans all sweeps; the barrier at the
 * end of each `omp for` separates sweeps. Every point is computed exactly as
 * in c/array, so the result is identical. */
#include <string.h>

#include "common.h"
#include "laplace_c.h"

int laplace_c_array_openmp(double *u, double *scratch, size_t nx, size_t ny, double dx,
                           double dy, size_t iters, double omega, int threads) {
    (void)omega;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    if (threads < 1) return LAPLACE_EINVAL;
    const double dx2 = dx * dx, dy2 = dy * dy;
    memcpy(scratch, u, nx * ny * sizeof(double));
#pragma omp parallel num_threads(threads)
    {
        const double *src = u;
        double *dst = scratch;
        for (size_t it = 0; it < iters; it++) {
#pragma omp for schedule(static)
            for (size_t i = 1; i < nx - 1; i++) {
                const double *up = src + (i - 1) * ny, *mid = src + i * ny,
                             *down = src + (i + 1) * ny;
                double *out = dst + i * ny;
                for (size_t j = 1; j < ny - 1; j++) {
                    out[j] = ((down[j] + up[j]) * dy2 + (mid[j + 1] + mid[j - 1]) * dx2) /
                             (2 * (dx2 + dy2));
                }
            }
            /* Every thread swaps its own copies of the two pointers. */
            double *t = (double *)src;
            src = dst;
            dst = t;
        }
    }
    if (iters % 2 == 1) memcpy(u, scratch, nx * ny * sizeof(double));
    return LAPLACE_OK;
}
