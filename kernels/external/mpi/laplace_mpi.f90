! laplace_mpi.f90: Jacobi over MPI ranks in Fortran (fortran/array-mpi), an
! external kernel launched by the runner with `mpirun -np N`
! (docs/external-kernels.md, protocol v1).
!
! The same decomposition as laplace_mpi.c: the interior rows of the
! row-major grid split into blocks of consecutive rows, one halo row above
! and below, exchanged each sweep with MPI_Isend/MPI_Irecv (mpi_f08) while
! the rows that need no halo are computed. Fortran is column-major, so the
! grid is held as u(j, i) = the file's u[i, j]: a row of the file is a
! contiguous column here. The update is the serial formula in the serial
! order, built with -ffp-contract=off: bit for bit the reference's.
program laplace_mpi
    use mpi_f08
    use iso_fortran_env, only: int64, real64, compiler_version, compiler_options
    implicit none
    integer :: rank, ranks, ierr, r, nreq
    integer(int64) :: nx, ny, sweeps, interior, lo, hi, n, s
    real(real64) :: dx, dy, dx2, dy2, t0, mine, slowest
    character(len=4096) :: input, output
    real(real64), allocatable, target :: grid(:, :)
    real(real64), allocatable, target, asynchronous :: a(:, :), b(:, :)
    integer, allocatable :: counts(:), displs(:)
    type(MPI_Request) :: req(4)
    logical :: in_a

    call MPI_Init(ierr)
    call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
    call MPI_Comm_size(MPI_COMM_WORLD, ranks, ierr)
    call parse()
    interior = nx - 2
    dx2 = dx * dx
    dy2 = dy * dy

    allocate (grid(ny, nx))
    if (rank == 0) call read_npy()
    call MPI_Bcast(grid, int(nx * ny), MPI_DOUBLE_PRECISION, 0, MPI_COMM_WORLD, ierr)

    ! Local columns 0 (halo), 1..n (own), n+1 (halo); global column = lo-1+local.
    lo = first_row(rank)
    hi = first_row(rank + 1)
    n = hi - lo
    allocate (a(ny, 0:n + 1), b(ny, 0:n + 1))
    a = grid(:, lo:hi + 1)
    b = a

    call exchange(a, nreq)
    call MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE, ierr) ! warm-up
    call MPI_Barrier(MPI_COMM_WORLD, ierr)
    t0 = MPI_Wtime()
    in_a = .true.
    do s = 1, sweeps
        if (in_a) then
            call sweep(a, b)
        else
            call sweep(b, a)
        end if
        in_a = .not. in_a
    end do
    mine = MPI_Wtime() - t0
    call MPI_Reduce(mine, slowest, 1, MPI_DOUBLE_PRECISION, MPI_MAX, 0, MPI_COMM_WORLD, ierr)

    allocate (counts(ranks), displs(ranks))
    do r = 0, ranks - 1
        counts(r + 1) = int((first_row(r + 1) - first_row(r)) * ny)
        displs(r + 1) = int(first_row(r) * ny)
    end do
    if (in_a) then
        call MPI_Gatherv(a(:, 1:n), int(n * ny), MPI_DOUBLE_PRECISION, grid, counts, displs, &
                         MPI_DOUBLE_PRECISION, 0, MPI_COMM_WORLD, ierr)
    else
        call MPI_Gatherv(b(:, 1:n), int(n * ny), MPI_DOUBLE_PRECISION, grid, counts, displs, &
                         MPI_DOUBLE_PRECISION, 0, MPI_COMM_WORLD, ierr)
    end if
    if (rank == 0) then
        call write_npy()
        call report()
    end if
    call MPI_Finalize(ierr)

contains

    ! The first interior row (0-based, in the file's numbering) of rank r.
    integer(int64) function first_row(r)
        integer, intent(in) :: r
        first_row = 1 + interior / ranks * r + min(int(r, int64), mod(interior, int(ranks, int64)))
    end function first_row

    ! One Jacobi sweep from u into v: post the halos, compute the columns
    ! that need none, wait, compute the two edge columns.
    subroutine sweep(u, v)
        real(real64), intent(inout), contiguous, asynchronous :: u(:, 0:)
        real(real64), intent(inout), contiguous :: v(:, 0:)
        integer :: nr
        call exchange(u, nr)
        if (n > 2) call rows(u, v, 2_int64, n - 1)
        call MPI_Waitall(nr, req, MPI_STATUSES_IGNORE, ierr)
        call rows(u, v, 1_int64, 1_int64)
        if (n > 1) call rows(u, v, n, n)
    end subroutine sweep

    subroutine rows(u, v, first, last)
        real(real64), intent(in) :: u(:, 0:)
        real(real64), intent(inout) :: v(:, 0:)
        integer(int64), intent(in) :: first, last
        integer(int64) :: i, j
        do i = first, last
            do j = 2, ny - 1
                v(j, i) = ((u(j, i + 1) + u(j, i - 1)) * dy2 + (u(j + 1, i) + u(j - 1, i)) * dx2) &
                          / (2 * (dx2 + dy2))
            end do
        end do
    end subroutine rows

    subroutine exchange(u, nr)
        ! Contiguous: the columns sent and received are the arrays' own
        ! memory, never a temporary copy that would outlive the call.
        real(real64), intent(inout), contiguous, asynchronous :: u(:, 0:)
        integer, intent(out) :: nr
        nr = 0
        if (rank > 0) then
            call MPI_Irecv(u(:, 0), int(ny), MPI_DOUBLE_PRECISION, rank - 1, 0, MPI_COMM_WORLD, &
                           req(nr + 1), ierr)
            call MPI_Isend(u(:, 1), int(ny), MPI_DOUBLE_PRECISION, rank - 1, 1, MPI_COMM_WORLD, &
                           req(nr + 2), ierr)
            nr = nr + 2
        end if
        if (rank < ranks - 1) then
            call MPI_Irecv(u(:, n + 1), int(ny), MPI_DOUBLE_PRECISION, rank + 1, 1, &
                           MPI_COMM_WORLD, req(nr + 1), ierr)
            call MPI_Isend(u(:, n), int(ny), MPI_DOUBLE_PRECISION, rank + 1, 0, MPI_COMM_WORLD, &
                           req(nr + 2), ierr)
            nr = nr + 2
        end if
    end subroutine exchange

    subroutine die(status, message)
        integer, intent(in) :: status
        character(len=*), intent(in) :: message
        if (rank == 0) write (0, '(a)') 'laplace_mpi: error: '//message
        call MPI_Abort(MPI_COMM_WORLD, status, ierr)
        stop
    end subroutine die

    subroutine parse()
        character(len=4096) :: key, val
        integer :: i, stat
        nx = -1; ny = -1; sweeps = -1; dx = -1; dy = -1
        input = ''; output = ''
        i = 1
        do while (i <= command_argument_count())
            call get_command_argument(i, key)
            if (i + 1 > command_argument_count()) call die(2, 'missing value after '//trim(key))
            call get_command_argument(i + 1, val)
            stat = 0
            select case (trim(key))
            case ('--nx'); read (val, *, iostat=stat) nx
            case ('--ny'); read (val, *, iostat=stat) ny
            case ('--sweeps'); read (val, *, iostat=stat) sweeps
            case ('--dx'); read (val, *, iostat=stat) dx
            case ('--dy'); read (val, *, iostat=stat) dy
            case ('--omega') ! Jacobi ignores it
            case ('--input'); input = val
            case ('--output'); output = val
            case default; call die(2, 'unknown argument '//trim(key))
            end select
            if (stat /= 0) call die(2, 'not a number: '//trim(val))
            i = i + 2
        end do
        if (nx < 3 .or. ny < 3) call die(2, 'the grid must be at least 3x3')
        if (sweeps < 0) call die(2, '--sweeps must be given and >= 0')
        if (.not. (dx > 0 .and. dx <= huge(dx) .and. dy > 0 .and. dy <= huge(dy))) &
            call die(2, '--dx and --dy must be finite and > 0')
        if (len_trim(input) == 0 .or. len_trim(output) == 0) call die(2, '--input and --output are required')
        if (nx - 2 < ranks) call die(2, 'more ranks than interior rows')
    end subroutine parse

    ! A version 1.0, '<f8', C-order .npy of shape (nx, ny), read as bytes.
    subroutine read_npy()
        integer :: unit, stat
        character(len=8) :: magic
        character(len=2) :: lenbytes
        character(len=:), allocatable :: header
        integer :: hlen
        integer(int64) :: fnx, fny
        integer :: at, i
        character(len=:), allocatable :: shape
        open (newunit=unit, file=trim(input), access='stream', form='unformatted', &
              status='old', action='read', iostat=stat)
        if (stat /= 0) call die(2, 'cannot open the input '//trim(input))
        read (unit, iostat=stat) magic, lenbytes
        if (stat /= 0 .or. magic /= char(147)//'NUMPY'//char(1)//char(0)) &
            call die(2, 'not a version 1.0 .npy file')
        hlen = ichar(lenbytes(1:1)) + 256 * ichar(lenbytes(2:2))
        allocate (character(len=hlen) :: header)
        read (unit, iostat=stat) header
        if (stat /= 0) call die(2, 'truncated .npy header')
        if (index(header, "'descr': '<f8'") == 0 .or. index(header, "'fortran_order': False") == 0) &
            call die(2, "expected '<f8' in C order")
        at = index(header, "'shape': (")
        if (at == 0) call die(2, 'no shape in the .npy header')
        shape = header(at + 10:)
        do i = 1, len(shape)
            if (shape(i:i) == ')') shape(i:i) = ' '
        end do
        read (shape, *, iostat=stat) fnx, fny
        if (stat /= 0 .or. fnx /= nx .or. fny /= ny) call die(2, "the input's shape is not --nx by --ny")
        read (unit, iostat=stat) grid
        if (stat /= 0) call die(2, 'truncated .npy data')
        close (unit)
    end subroutine read_npy

    subroutine write_npy()
        integer :: unit, stat, total
        character(len=128) :: dict
        character(len=:), allocatable :: header
        write (dict, '(a,i0,a,i0,a)') "{'descr': '<f8', 'fortran_order': False, 'shape': (", &
            nx, ', ', ny, '), }'
        total = ((10 + len_trim(dict) + 1 + 63) / 64) * 64
        header = trim(dict)//repeat(' ', total - 10 - len_trim(dict) - 1)//char(10)
        open (newunit=unit, file=trim(output), access='stream', form='unformatted', &
              status='replace', action='write', iostat=stat)
        if (stat /= 0) call die(1, 'cannot create the output '//trim(output))
        write (unit) char(147)//'NUMPY'//char(1)//char(0), &
            char(mod(total - 10, 256)), char((total - 10) / 256), header
        write (unit) grid
        close (unit)
    end subroutine write_npy

    subroutine report()
        character(len=MPI_MAX_LIBRARY_VERSION_STRING) :: version
        integer :: vlen, cut
        character(len=32) :: seconds
        character(len=16) :: count
        call MPI_Get_library_version(version, vlen, ierr)
        cut = scan(version(1:vlen), ','//char(10))
        if (cut > 0) vlen = cut - 1
        write (seconds, '(es16.9)') slowest
        write (count, '(i0)') ranks
        write (*, '(a)') '{"sweep_seconds": '//trim(adjustl(seconds))//', "runtime": "'// &
            version(1:vlen)//', '//trim(count)//' rank(s)", "flags": "mpif90 ('//compiler_version()//') '// &
            trim(quoted(main_options(compiler_options())))//'", "path": "overlapped halo, 1-D rows"}'
    end subroutine report

    ! The optimisation and code-generation words of the compiler's options
    ! (-O.., -f.., -march=..), without the include folders and the -m flags
    ! that -march=native expands into.
    function main_options(all) result(out)
        character(len=*), intent(in) :: all
        character(len=:), allocatable :: out
        integer :: at, next
        out = ''
        at = 1
        do while (at <= len(all))
            next = index(all(at:), ' ')
            if (next == 0) next = len(all) - at + 2
            associate (word => all(at:at + next - 2))
                if (len(word) >= 2) then
                    if ((word(1:2) == '-O' .or. word(1:2) == '-f' .or. index(word, '-march=') == 1) &
                        .and. index(word, '-fpre-include') /= 1) out = out//' '//word
                end if
            end associate
            at = at + next
        end do
        out = adjustl(out)
    end function main_options

    ! `text` with backslashes and double quotes escaped for JSON.
    function quoted(text) result(out)
        character(len=*), intent(in) :: text
        character(len=:), allocatable :: out
        integer :: i
        out = ''
        do i = 1, len(text)
            if (text(i:i) == '"' .or. text(i:i) == '\') then
                out = out//'\'//text(i:i)
            else
                out = out//text(i:i)
            end if
        end do
    end function quoted
end program laplace_mpi
