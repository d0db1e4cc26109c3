/* c/loop-fastmath: loop.c, the same source, compiled with -ffast-math (the
 * build adds it to every kernel source whose name contains "fastmath"). */
#define laplace_c_loop laplace_c_loop_fastmath
#include "loop.c"
