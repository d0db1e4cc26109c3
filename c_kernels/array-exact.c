/* c/array-exact: c/array-flat with the division by 2(dx2+dy2) done by
 * Markstein's FMA sequence (exact_div.h): one multiply and two FMAs per point
 * instead of the divider, and the IEEE quotient bit for bit. The build
 * compiles every source whose name contains "exact" with -ffp-contract=off,
 * so that the numerator is rounded as the reference rounds it; the
 * sequence's FMAs are explicit fma() calls. Blocks of 512 points: one fused
 * pass notes whether any numerator was out of the proven range (the far edge
 * of a tall grid's first sweeps), and such a block is divided again. A
 * divisor the check does not prove is divided throughout. The twin of
 * rust/array-exact. */
#include <string.h>

#include "common.h"
#include "exact_div.h"
#include "laplace_c.h"

#define BLOCK 512

static inline void sweep_with(const double *restrict src, double *restrict dst, size_t nx,
                              size_t ny, double dx2, double dy2, const laplace_exact_div *e,
                              int bounded) {
    const size_t lo = ny + 1, hi = (nx - 1) * ny - 1;
    for (size_t b = lo; b < hi; b += BLOCK) {
        const size_t end = b + BLOCK < hi ? b + BLOCK : hi;
        /* One fused, branch-free pass, noting any numerator outside
         * [TINY, HUGE] (zeros included: exact either way, but rare). */
        int outside = 0;
        for (size_t k = b; k < end; k++) {
            double s = (src[k + ny] + src[k - ny]) * dy2 + (src[k + 1] + src[k - 1]) * dx2;
            outside |= (s < LAPLACE_EXACT_TINY) | (!bounded & (s > LAPLACE_EXACT_HUGE));
            dst[k] = laplace_exact_markstein(e, s);
        }
        if (outside) {
            for (size_t k = b; k < end; k++) {
                dst[k] = ((src[k + ny] + src[k - ny]) * dy2 + (src[k + 1] + src[k - 1]) * dx2) /
                         e->d;
            }
        }
    }
    for (size_t i = 1; i < nx - 2; i++) {
        const size_t m = (i + 1) * ny;
        dst[m - 1] = src[m - 1];
        dst[m] = src[m];
    }
}

static void sweep_bounded(const double *restrict src, double *restrict dst, size_t nx,
                          size_t ny, double dx2, double dy2, const laplace_exact_div *e) {
    sweep_with(src, dst, nx, ny, dx2, dy2, e, 1);
}

static void sweep_checked(const double *restrict src, double *restrict dst, size_t nx,
                          size_t ny, double dx2, double dy2, const laplace_exact_div *e) {
    sweep_with(src, dst, nx, ny, dx2, dy2, e, 0);
}

static void sweep_divide(const double *restrict src, double *restrict dst, size_t nx,
                         size_t ny, double dx2, double dy2, const laplace_exact_div *e) {
    const size_t lo = ny + 1, hi = (nx - 1) * ny - 1;
    for (size_t k = lo; k < hi; k++) {
        dst[k] = ((src[k + ny] + src[k - ny]) * dy2 + (src[k + 1] + src[k - 1]) * dx2) / e->d;
    }
    for (size_t i = 1; i < nx - 2; i++) {
        const size_t m = (i + 1) * ny;
        dst[m - 1] = src[m - 1];
        dst[m] = src[m];
    }
}

int laplace_c_array_exact(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                          size_t iters, double omega, int threads) {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy;
    const laplace_exact_div e = laplace_exact_div_new(2 * (dx2 + dy2));
    int bounded = 1;
    for (size_t k = 0; k < nx * ny; k++) bounded &= fabs(u[k]) <= LAPLACE_EXACT_GRID_BOUND;
    void (*sweep)(const double *restrict, double *restrict, size_t, size_t, double, double,
                  const laplace_exact_div *) =
        !e.fast ? sweep_divide : bounded ? sweep_bounded : sweep_checked;
    memcpy(scratch, u, nx * ny * sizeof(double));
    double *src = u, *dst = scratch;
    for (size_t it = 0; it < iters; it++) {
        sweep(src, dst, nx, ny, dx2, dy2, &e);
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != u) memcpy(u, src, nx * ny * sizeof(double));
    return LAPLACE_OK;
}
