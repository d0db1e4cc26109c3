! fortran/array-openmp: Jacobi with two buffers, each sweep written in array
! syntax one row at a time (a column of the Fortran view), the rows shared
! among `threads` OpenMP threads. No temporaries: the right-hand side reads
! the other buffer. Storage as in laplace_fortran.h: u(j, i) is C's u[i][j].
function laplace_fortran_array_openmp(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
        result(status) bind(c)
    use, intrinsic :: iso_c_binding, only: c_double, c_int, c_size_t
    implicit none
    integer(c_size_t), value, intent(in) :: nx, ny, iters
    real(c_double), value, intent(in) :: dx, dy, omega
    integer(c_int), value, intent(in) :: threads
    real(c_double), intent(inout) :: u(0:ny-1, 0:nx-1)
    real(c_double), intent(inout) :: scratch(0:ny-1, 0:nx-1)
    integer(c_int) :: status
    real(c_double) :: dx2, dy2
    integer(c_size_t) :: it

    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0) .or. threads < 1) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    scratch = u
    !$omp parallel num_threads(threads) private(it)
    do it = 1, iters
        if (mod(it, 2_c_size_t) == 1) then
            call sweep(u, scratch)
        else
            call sweep(scratch, u)
        end if
    end do
    !$omp end parallel
    if (mod(iters, 2_c_size_t) == 1) u = scratch
    status = 0_c_int   ! LAPLACE_OK
    if (.false.) status = int(omega)

contains

    ! One sweep from src into dst; the implicit barrier of `omp end do`
    ! separates sweeps.
    subroutine sweep(src, dst)
        real(c_double), intent(in) :: src(0:ny-1, 0:nx-1)
        real(c_double), intent(inout) :: dst(0:ny-1, 0:nx-1)
        integer(c_size_t) :: i
        !$omp do schedule(static)
        do i = 1, nx - 2
            dst(1:ny-2, i) = ((src(1:ny-2, i + 1) + src(1:ny-2, i - 1)) * dy2 &
                            + (src(2:ny-1, i) + src(0:ny-3, i)) * dx2) / (2.0_c_double * (dx2 + dy2))
        end do
        !$omp end do
    end subroutine sweep
end function laplace_fortran_array_openmp
