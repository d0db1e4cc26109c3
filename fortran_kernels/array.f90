! fortran/array: Jacobi by Fortran array syntax, the fastest entry of the
! post's comment thread. The statement updates u in place, but Fortran
! evaluates the whole right-hand side before assigning, so every point reads
! the previous sweep: a Jacobi iteration. gfortran allocates a temporary for
! the right-hand side on every sweep; that cost is part of this kernel.
!
! The row-major grid u[i*ny + j] is declared u(0:ny-1, 0:nx-1), so u(j, i) is
! C's u[i][j] (see laplace_fortran.h): rows i are the second index.
function laplace_fortran_array(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
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

    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0)) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    do it = 1, iters
        u(1:ny-2, 1:nx-2) = ((u(1:ny-2, 2:nx-1) + u(1:ny-2, 0:nx-3)) * dy2 &
                           + (u(2:ny-1, 1:nx-2) + u(0:ny-3, 1:nx-2)) * dx2) &
                           / (2.0_c_double * (dx2 + dy2))
    end do
    status = 0_c_int   ! LAPLACE_OK
    ! Contract arguments this kernel does not need.
    if (.false.) scratch(0, 0) = omega + threads
end function laplace_fortran_array
