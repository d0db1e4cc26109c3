/* c/array-recip: c/array with the division replaced by a multiplication with
 * the precomputed 1 / (2*(dx2+dy2)). Not fast-math: the change is explicit
 * and the only one; it rounds differently from the reference by about one
 * ulp per update. */
#include <string.h>

#include "common.h"
#include "laplace_c.h"

static void sweep(const double *restrict src, double *restrict dst, size_t nx, size_t ny,
                  double dx2, double dy2, double inv) {
    for (size_t i = 1; i < nx - 1; i++) {
        const double *up = src + (i - 1) * ny, *mid = src + i * ny, *down = src + (i + 1) * ny;
        double *out = dst + i * ny;
        for (size_t j = 1; j < ny - 1; j++) {
            out[j] = ((down[j] + up[j]) * dy2 + (mid[j + 1] + mid[j - 1]) * dx2) * inv;
        }
    }
}

int laplace_c_array_recip(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                          size_t iters, double omega, int threads) {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy, inv = 1.0 / (2 * (dx2 + dy2));
    memcpy(scratch, u, nx * ny * sizeof(double));
    double *src = u, *dst = scratch;
    for (size_t it = 0; it < iters; it++) {
        sweep(src, dst, nx, ny, dx2, dy2, inv);
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != u) memcpy(u, src, nx * ny * sizeof(double));
    return LAPLACE_OK;
}
