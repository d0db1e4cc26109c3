! fortran/array-fastmath: array.f90, the same source, compiled with -ffast-math
! (the build adds it to every kernel source whose name contains fastmath).
#define laplace_fortran_array laplace_fortran_array_fastmath
#include "array.f90"
