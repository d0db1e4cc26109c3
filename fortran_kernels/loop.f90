! fortran/loop: Gauss-Seidel with do loops, the post's comment-thread version.
!
! The row-major grid u[i*ny + j] is declared u(0:ny-1, 0:nx-1), so u(j, i) is
! C's u[i][j] (see laplace_fortran.h). The loops run i outer, j inner: the same
! lexicographic Gauss-Seidel order as c/loop, with a stride-1 inner loop.
function laplace_fortran_loop(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
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
    integer(c_size_t) :: it, i, j

    ! Second line of defence; the Rust caller has checked all of this.
    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0)) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    do it = 1, iters
        do i = 1, nx - 2
            do j = 1, ny - 2
                u(j, i) = ((u(j, i + 1) + u(j, i - 1)) * dy2 &
                         + (u(j + 1, i) + u(j - 1, i)) * dx2) / (2.0_c_double * (dx2 + dy2))
            end do
        end do
    end do
    status = 0_c_int   ! LAPLACE_OK
    ! Contract arguments this kernel does not need.
    if (.false.) scratch(0, 0) = omega + threads
end function laplace_fortran_loop
