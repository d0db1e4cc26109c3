/* exact_div.h: division by a constant d, correctly rounded without the
 * divider (one multiply and two FMAs): the C twin of laplace_core::exact_div,
 * whose documentation has the proof (Markstein's theorem, and the per-divisor
 * condition |d * RN(1/d) - 1| <= 2^-54 that makes RN(s * y) faithful).
 * Not part of the contract. */
#ifndef LAPLACE_EXACT_DIV_H
#define LAPLACE_EXACT_DIV_H

#include <math.h>
#include <stdbool.h>

typedef struct {
    double d;  /* the divisor */
    double y;  /* RN(1/d) */
    bool fast; /* the sequence is proven for d */
} laplace_exact_div;

/* 2^-800 and 2^800: numerators outside are divided (q, r and r*y normal). */
#define LAPLACE_EXACT_TINY 0x1p-800
#define LAPLACE_EXACT_HUGE 0x1p800
/* A grid within 2^700 keeps every numerator below 2^800 in every sweep (an
 * update is a convex combination, and the fast path needs d <= 2^100). */
#define LAPLACE_EXACT_GRID_BOUND 0x1p700

static inline laplace_exact_div laplace_exact_div_new(double d) {
    laplace_exact_div e = {d, 1.0 / d, false};
    bool in_range = d >= 0x1p-100 && d <= 0x1p100;
    /* Exact: d*y - 1 is a multiple of 2^-106 below 2^-53. */
    e.fast = in_range && fabs(fma(d, e.y, -1.0)) <= 0x1p-54;
    return e;
}

/* q = s*y, r = fma(-q, d, s) (exact), fma(r, y, q) = RN(s/d). */
static inline double laplace_exact_markstein(const laplace_exact_div *e, double s) {
    double q = s * e->y;
    double r = fma(-q, e->d, s);
    return fma(r, e->y, q);
}

/* Whether the sequence is proven for numerator s (zero included). */
static inline bool laplace_exact_in_range(double s) {
    double a = fabs(s);
    return s == 0.0 || (a >= LAPLACE_EXACT_TINY && a <= LAPLACE_EXACT_HUGE);
}

#endif /* LAPLACE_EXACT_DIV_H */
