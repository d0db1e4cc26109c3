// cpp/array: Jacobi, the NumPy slicing update written as a loop over two
// buffers that swap roles after each sweep (__restrict__, g++'s spelling of
// C's restrict, as in c/array).
#include <cstring>
#include <utility>

#include "common.h"
#include "laplace_cpp.h"

namespace {

void sweep(const double *__restrict__ src, double *__restrict__ dst, size_t nx, size_t ny,
           double dx2, double dy2) {
    for (size_t i = 1; i < nx - 1; i++) {
        const double *up = src + (i - 1) * ny, *mid = src + i * ny, *down = src + (i + 1) * ny;
        double *out = dst + i * ny;
        for (size_t j = 1; j < ny - 1; j++) {
            out[j] = ((down[j] + up[j]) * dy2 + (mid[j + 1] + mid[j - 1]) * dx2) /
                     (2 * (dx2 + dy2));
        }
    }
}

}  // namespace

int laplace_cpp_array(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                      size_t iters, double omega, int threads) {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy;
    // Both buffers carry the same boundary, so either can be the target.
    std::memcpy(scratch, u, nx * ny * sizeof(double));
    double *src = u, *dst = scratch;
    for (size_t it = 0; it < iters; it++) {
        sweep(src, dst, nx, ny, dx2, dy2);
        std::swap(src, dst);
    }
    if (src != u) std::memcpy(u, src, nx * ny * sizeof(double));
    return LAPLACE_OK;
}
