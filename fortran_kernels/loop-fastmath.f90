! fortran/loop-fastmath: loop.f90, the same source, compiled with -ffast-math
! (the build adds it to every kernel source whose name contains fastmath).
#define laplace_fortran_loop laplace_fortran_loop_fastmath
#include "loop.f90"
