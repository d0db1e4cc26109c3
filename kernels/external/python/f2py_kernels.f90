! The Fortran of comments 9 and 15 of the post, built for Python by
! numpy.f2py: one sweep per call, called from the post's Python driver loop.
! Python passes u.T, so the Fortran array is u(j, i) = Python's u[i, j] and
! the inner loop runs along memory, as the C loop does.

! Gauss-Seidel: two loops, updating in place (comment 15's "standard
! looping construct").
subroutine loop_update(u, nx, ny, dx2, dy2)
    implicit none
    integer, intent(in) :: nx, ny
    double precision, intent(inout) :: u(0:ny - 1, 0:nx - 1)
    double precision, intent(in) :: dx2, dy2
    integer :: i, j
    do i = 1, nx - 2
        do j = 1, ny - 2
            u(j, i) = ((u(j, i + 1) + u(j, i - 1)) * dy2 &
                       + (u(j + 1, i) + u(j - 1, i)) * dx2) / (2 * (dx2 + dy2))
        end do
    end do
end subroutine loop_update

! Jacobi: one array assignment, whose right side is evaluated before any
! element is stored (comment 15's "vectorized F90").
subroutine array_update(u, nx, ny, dx2, dy2)
    implicit none
    integer, intent(in) :: nx, ny
    double precision, intent(inout) :: u(0:ny - 1, 0:nx - 1)
    double precision, intent(in) :: dx2, dy2
    u(1:ny - 2, 1:nx - 2) = ((u(1:ny - 2, 2:nx - 1) + u(1:ny - 2, 0:nx - 3)) * dy2 &
                             + (u(2:ny - 1, 1:nx - 2) + u(0:ny - 3, 1:nx - 2)) * dx2) &
                            / (2 * (dx2 + dy2))
end subroutine array_update
