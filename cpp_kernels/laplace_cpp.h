/*
 * laplace_cpp.h: the C++ kernels, seen from C. Each has the signature of
 * laplace_kernel_fn in ../c_kernels/laplace.h and C linkage (extern "C"), so
 * that Rust calls it like a C function; bindgen reads this header, as C, to
 * generate the Rust declarations. One prototype per kernel, named
 * laplace_cpp_<form>[_<variant>].
 *
 * The sources are C++20, compiled with -fno-exceptions: nothing can unwind
 * into Rust.
 */
#ifndef LAPLACE_CPP_H
#define LAPLACE_CPP_H

#include "laplace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cpp/loop: Gauss-Seidel, in place, i outer, j inner: the post's weave
 * (inline C++) loop (loop.cpp). */
int laplace_cpp_loop(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                     size_t iters, double omega, int threads);

/* cpp/array: Jacobi, two buffers swapped each sweep (array.cpp). */
int laplace_cpp_array(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                      size_t iters, double omega, int threads);

/* cpp/array-span: Jacobi in idiomatic C++20: std::span rows, std::swap,
 * std::ranges::copy (array-span.cpp). */
int laplace_cpp_array_span(double *u, double *scratch, size_t nx, size_t ny, double dx,
                           double dy, size_t iters, double omega, int threads);

/* cpp/redblack: red-black SOR (redblack.cpp). */
int laplace_cpp_redblack(double *u, double *scratch, size_t nx, size_t ny, double dx, double dy,
                         size_t iters, double omega, int threads);

#ifdef __cplusplus
}
#endif

#endif /* LAPLACE_CPP_H */
