/* common.h: helpers shared by the C kernels (not part of the contract). */
#ifndef LAPLACE_COMMON_H
#define LAPLACE_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "laplace.h"

/* Second line of defence: the Rust caller has already checked all of this. */
static inline int laplace_check_args(const double *u, const double *scratch, size_t nx,
                                     size_t ny, double dx, double dy) {
    if (u == NULL || scratch == NULL || nx < 3 || ny < 3) return LAPLACE_EINVAL;
    if (nx > SIZE_MAX / sizeof(double) / ny) return LAPLACE_EINVAL;
    if (!(isfinite(dx) && dx > 0.0 && isfinite(dy) && dy > 0.0)) return LAPLACE_EINVAL;
    return LAPLACE_OK;
}

#endif /* LAPLACE_COMMON_H */
