/* c/array-flat: Jacobi over the interior as one flat run of memory, the C
 * twin of rust/array-flat. The points from (1, 1) to (nx-2, ny-2) are one
 * contiguous range of the row-major grid; updating it as one stream keeps
 * every vector full (no per-row remainder), and the two boundary values per
 * row that the stream overwrites are restored from the source. */
#include <string.h>

#include "common.h"
#include "laplace_c.h"

static void sweep(const double *restrict src, double *restrict dst, size_t nx, size_t ny,
                  double dx2, double dy2) {
    const size_t lo = ny + 1, hi = (nx - 1) * ny - 1;
    for (size_t k = lo; k < hi; k++) {
        dst[k] = ((src[k + ny] + src[k - ny]) * dy2 + (src[k + 1] + src[k - 1]) * dx2) /
                 (2 * (dx2 + dy2));
    }
    for (size_t i = 1; i < nx - 2; i++) {
        const size_t k = (i + 1) * ny;
        dst[k - 1] = src[k - 1];
        dst[k] = src[k];
    }
}

int laplace_c_array_flat(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                         size_t iters, double omega, int threads) {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy;
    memcpy(scratch, u, nx * ny * sizeof(double));
    double *src = u, *dst = scratch;
    for (size_t it = 0; it < iters; it++) {
        sweep(src, dst, nx, ny, dx2, dy2);
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != u) memcpy(u, src, nx * ny * sizeof(double));
    return LAPLACE_OK;
}
