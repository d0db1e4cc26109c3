/* c/array-fastmath: array.c, the same source, compiled with -ffast-math (the
 * build adds it to every kernel source whose name contains "fastmath"). */
#define laplace_c_array laplace_c_array_fastmath
#include "array.c"
