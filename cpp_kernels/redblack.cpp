// cpp/redblack: red-black SOR. Red points (i + j even) first, then black;
// each is moved to u + omega * (gs - u), gs being the Gauss-Seidel value. A
// point reads only points of the other colour, so each half-sweep's inner
// loop (stride 2) has no loop-carried dependency.
#include "common.h"
#include "laplace_cpp.h"

int laplace_cpp_redblack(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                         size_t iters, double omega, int threads) {
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    if (!(omega > 0.0 && omega < 2.0)) return LAPLACE_EINVAL;
    const double dx2 = dx * dx, dy2 = dy * dy;
    for (size_t it = 0; it < iters; it++) {
        for (size_t colour = 0; colour < 2; colour++) {
            for (size_t i = 1; i < nx - 1; i++) {
                double *__restrict__ row = u + i * ny;
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
