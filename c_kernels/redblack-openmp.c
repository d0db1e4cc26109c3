/* c/redblack-openmp: c/redblack with the rows of each half-sweep shared among
 * `threads` OpenMP threads. Within a half-sweep a row's points read only
 * points of the other colour, so rows are independent; the barrier at the
 * end of each `omp for` separates the half-sweeps. Identical to c/redblack. */
#include "common.h"
#include "laplace_c.h"

int laplace_c_redblack_openmp(double *u, double *scratch, size_t nx, size_t ny, double dx,
                              double dy, size_t iters, double omega, int threads) {
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    if (!(omega > 0.0 && omega < 2.0) || threads < 1) return LAPLACE_EINVAL;
    const double dx2 = dx * dx, dy2 = dy * dy;
#pragma omp parallel num_threads(threads)
    for (size_t it = 0; it < iters; it++) {
        for (size_t colour = 0; colour < 2; colour++) {
#pragma omp for schedule(static)
            for (size_t i = 1; i < nx - 1; i++) {
                double *restrict row = u + i * ny;
                const double *up = row - ny, *down = row + ny;
                size_t first = (i + 1) % 2 == colour ? 1 : 2;
                for (size_t j = first; j < ny - 1; j += 2) {
                    double old = row[j];
                    double gs = ((down[j] + up[j]) * dy2 + (row[j + 1] + row[j - 1]) * dx2) /
                                (2 * (dx2 + dy2));
                    row[j] = old + omega * (gs - old);
                }
            }
        }
    }
    return LAPLACE_OK;
}
