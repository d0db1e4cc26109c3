// cpp/loop: Gauss-Seidel with two nested loops, the post's weave version
// (its inline code was C++), in place, i outer, j inner.
#include "common.h"
#include "laplace_cpp.h"

int laplace_cpp_loop(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                     size_t iters, double omega, int threads) {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy;
    for (size_t it = 0; it < iters; it++) {
        for (size_t i = 1; i < nx - 1; i++) {
            for (size_t j = 1; j < ny - 1; j++) {
                u[i * ny + j] = ((u[(i + 1) * ny + j] + u[(i - 1) * ny + j]) * dy2 +
                                 (u[i * ny + j + 1] + u[i * ny + j - 1]) * dx2) /
                                (2 * (dx2 + dy2));
            }
        }
    }
    return LAPLACE_OK;
}
