/* c/loop-wavefront: lexicographic Gauss-Seidel, the same iterates as c/loop,
 * run R rows at once (see crates/laplace-rust/src/kernels/loop_wavefront.rs
 * for the derivation). Row i+k handles column s+1-k in step s: it needs the
 * new (i+k-1, c) and (i+k, c-1), computed in step s-1, and the old
 * (i+k+1, c) and (i+k, c+1), not yet touched. The update is folded to
 * b*left + (a*(up+down) + b*right) with two fused multiply-adds, so each
 * row's loop-carried chain is one FMA and the R chains overlap. */
#include <math.h>

#include "common.h"
#include "laplace_c.h"

#define R 8

/* Rows i..i+n-1 (n <= R) in one skewed pass. */
static inline void band(double *restrict u, size_t i, size_t n, size_t ny, double a, double b) {
    const double *above = u + (i - 1) * ny, *below = u + (i + n) * ny;
    double *rows = u + i * ny;
    double prev[R];
    for (size_t k = 0; k < n; k++) prev[k] = rows[k * ny];
    const size_t last = ny - 2;
    for (size_t s = 0; s < last + n - 1; s++) {
        const size_t lo = s + 1 > last ? s + 1 - last : 0, hi = s + 1 < n ? s + 1 : n;
        /* From the bottom row up, so prev[k-1] still holds the previous step. */
#pragma GCC unroll 8
        for (size_t kk = 0; kk < R; kk++) {
            const size_t k = R - 1 - kk;
            if (k >= hi || k < lo) continue;
            const size_t c = s + 1 - k;
            const double up = k == 0 ? above[c] : prev[k - 1];
            const double down = k + 1 == n ? below[c] : rows[(k + 1) * ny + c];
            const double right = rows[k * ny + c + 1];
            const double v = fma(b, prev[k], fma(a, up + down, b * right));
            rows[k * ny + c] = v;
            prev[k] = v;
        }
    }
}

int laplace_c_loop_wavefront(double *u, double *scratch, size_t nx, size_t ny, double dx,
                             double dy, size_t iters, double omega, int threads) {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy, denom = 2 * (dx2 + dy2);
    const double a = dy2 / denom, b = dx2 / denom;
    for (size_t it = 0; it < iters; it++) {
        size_t i = 1;
        for (; i + R < nx; i += R) band(u, i, R, ny, a, b);
        for (; i < nx - 1; i++) band(u, i, 1, ny, a, b);
    }
    return LAPLACE_OK;
}
