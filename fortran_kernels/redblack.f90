! fortran/redblack: red-black SOR. Red points (i + j even) first, then black;
! each is moved to u + omega * (gs - u), gs being the Gauss-Seidel value.
! Storage as in laplace_fortran.h: u(j, i) is C's u[i][j].
function laplace_fortran_redblack(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
        result(status) bind(c)
    use, intrinsic :: iso_c_binding, only: c_double, c_int, c_size_t
    implicit none
    integer(c_size_t), value, intent(in) :: nx, ny, iters
    real(c_double), value, intent(in) :: dx, dy, omega
    integer(c_int), value, intent(in) :: threads
    real(c_double), intent(inout) :: u(0:ny-1, 0:nx-1)
    real(c_double), intent(inout) :: scratch(0:ny-1, 0:nx-1)
    integer(c_int) :: status
    real(c_double) :: dx2, dy2, old, gs
    integer(c_size_t) :: it, colour, i, j, first

    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0) &
            .or. .not. (omega > 0 .and. omega < 2)) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    do it = 1, iters
        do colour = 0, 1
            do i = 1, nx - 2
                ! First interior j with mod(i + j, 2) == colour.
                first = 2 - merge(1_c_size_t, 0_c_size_t, mod(i + 1, 2_c_size_t) == colour)
                do j = first, ny - 2, 2
                    old = u(j, i)
                    gs = ((u(j, i + 1) + u(j, i - 1)) * dy2 &
                        + (u(j + 1, i) + u(j - 1, i)) * dx2) / (2.0_c_double * (dx2 + dy2))
                    u(j, i) = old + omega * (gs - old)
                end do
            end do
        end do
    end do
    status = 0_c_int   ! LAPLACE_OK
    if (.false.) scratch(0, 0) = threads
end function laplace_fortran_redblack
