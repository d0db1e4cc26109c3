/* laplace_mpi.c: the Laplace update over MPI ranks, as an external kernel
 * (docs/external-kernels.md, protocol v1), launched by the runner with
 * `mpirun -np N`.
 *
 *   --form array      Jacobi (c/array-mpi)
 *   --form redblack   red-black SOR (c/redblack-mpi)
 *
 * Decomposition: the interior rows 1..nx-2 are split into N blocks of
 * consecutive rows, as even as can be; each rank holds its rows and one halo
 * row above and below (the grid's own boundary rows at the ends). Before
 * each sweep (red-black: before each colour) a rank sends its first and last
 * rows to its neighbours with MPI_Isend/MPI_Irecv; Jacobi computes the rows
 * that need no halo while the messages travel. The arithmetic is the serial
 * formula unchanged, in the same order, built with -ffp-contract=off, so the
 * grid is the serial reference's bit for bit at any rank count.
 *
 * Rank 0 reads IN.npy and broadcasts it, gathers the rows at the end and
 * writes OUT.npy. The time reported is the slowest rank's sweep loop, after
 * a barrier and a warm-up halo exchange (as the Parallel Research Kernels'
 * MPI1/Stencil times). With two ranks or more, rank 0 and rank 1 first
 * measure a ping-pong (8 bytes, for latency, and 1 MiB, for bandwidth),
 * reported beside the time for the report's model of many ranks.
 */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BUILD_FLAGS
#define BUILD_FLAGS "unknown"
#endif

typedef struct {
    long nx, ny, sweeps;
    double dx, dy, omega;
    const char *input, *output;
    int redblack;
} Args;

static int rank_, ranks_;

/* A one-line error on stderr (rank 0 only), then every rank stops. */
static void fail(int status, const char *message, const char *detail) {
    if (rank_ == 0) {
        fprintf(stderr, "laplace_mpi: error: %s%s%s\n", message, detail ? ": " : "",
                detail ? detail : "");
        fflush(stderr);
    }
    MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);
}

static Args parse(int argc, char **argv) {
    Args a = {0, 0, -1, 0.0, 0.0, 1.0, NULL, NULL, -1};
    for (int k = 1; k < argc; k++) {
        const char *key = argv[k], *val = k + 1 < argc ? argv[k + 1] : NULL;
        if (!val) fail(2, "missing value after", key);
        k++;
        char *end = NULL;
        if (!strcmp(key, "--nx")) a.nx = strtol(val, &end, 10);
        else if (!strcmp(key, "--ny")) a.ny = strtol(val, &end, 10);
        else if (!strcmp(key, "--sweeps")) a.sweeps = strtol(val, &end, 10);
        else if (!strcmp(key, "--dx")) a.dx = strtod(val, &end);
        else if (!strcmp(key, "--dy")) a.dy = strtod(val, &end);
        else if (!strcmp(key, "--omega")) a.omega = strtod(val, &end);
        else if (!strcmp(key, "--input")) { a.input = val; continue; }
        else if (!strcmp(key, "--output")) { a.output = val; continue; }
        else if (!strcmp(key, "--form")) {
            if (!strcmp(val, "array")) a.redblack = 0;
            else if (!strcmp(val, "redblack")) a.redblack = 1;
            else fail(2, "--form must be array or redblack, not", val);
            continue;
        } else fail(2, "unknown argument", key);
        if (end == val || *end != '\0') fail(2, "not a number", val);
    }
    if (a.nx < 3 || a.ny < 3) fail(2, "the grid must be at least 3x3", NULL);
    if (a.sweeps < 0) fail(2, "--sweeps must be given and >= 0", NULL);
    if (!(isfinite(a.dx) && a.dx > 0 && isfinite(a.dy) && a.dy > 0))
        fail(2, "--dx and --dy must be finite and > 0", NULL);
    if (a.redblack == 1 && !(a.omega > 0 && a.omega < 2)) fail(2, "--omega must be in (0, 2)", NULL);
    if (!a.input || !a.output || a.redblack < 0) fail(2, "--input, --output and --form are required", NULL);
    if (a.nx - 2 < ranks_) fail(2, "more ranks than interior rows", NULL);
    if ((unsigned long)a.nx > SIZE_MAX / sizeof(double) / (unsigned long)a.ny)
        fail(2, "grid too large", NULL);
    return a;
}

/* Reads a version 1.0, '<f8', C-order .npy of shape (nx, ny) into u. */
static void read_npy(const Args *a, double *u) {
    FILE *f = fopen(a->input, "rb");
    if (!f) fail(2, "cannot open the input", a->input);
    unsigned char head[10];
    if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY\x01\x00", 8))
        fail(2, "not a version 1.0 .npy file", a->input);
    size_t len = head[8] | (size_t)head[9] << 8;
    char header[65536];
    if (fread(header, 1, len, f) != len) fail(2, "truncated .npy header", a->input);
    header[len] = '\0';
    long nx = -1, ny = -1;
    const char *shape = strstr(header, "'shape':");
    if (!strstr(header, "'descr': '<f8'") || !strstr(header, "'fortran_order': False") || !shape ||
        sscanf(shape, "'shape': (%ld, %ld)", &nx, &ny) != 2)
        fail(2, "expected '<f8' in C order with a 2-D shape", a->input);
    if (nx != a->nx || ny != a->ny) fail(2, "the input's shape is not --nx by --ny", a->input);
    size_t n = (size_t)nx * (size_t)ny;
    if (fread(u, sizeof(double), n, f) != n) fail(2, "truncated .npy data", a->input);
    fclose(f);
}

static void write_npy(const Args *a, const double *u) {
    char header[128];
    int len = snprintf(header, sizeof header,
                       "{'descr': '<f8', 'fortran_order': False, 'shape': (%ld, %ld), }", a->nx,
                       a->ny);
    int total = ((10 + len + 1 + 63) / 64) * 64;
    FILE *f = fopen(a->output, "wb");
    if (!f) fail(1, "cannot create the output", a->output);
    unsigned char head[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    head[8] = (unsigned char)((total - 10) & 0xff);
    head[9] = (unsigned char)((total - 10) >> 8);
    fwrite(head, 1, 10, f);
    fwrite(header, 1, (size_t)len, f);
    for (int k = 10 + len; k < total - 1; k++) fputc(' ', f);
    fputc('\n', f);
    size_t n = (size_t)a->nx * (size_t)a->ny;
    if (fwrite(u, sizeof(double), n, f) != n || fclose(f)) fail(1, "cannot write", a->output);
}

/* The first interior row of rank r, and one past its last. */
static long first_row(long interior, int r) {
    return 1 + interior / ranks_ * r + (r < interior % ranks_ ? r : interior % ranks_);
}

/* Posts the halo exchange of the local grid u (rows 0..n+1 of ny). */
static int post_halos(double *u, long n, long ny, MPI_Request *req) {
    int k = 0;
    if (rank_ > 0) {
        MPI_Irecv(u, (int)ny, MPI_DOUBLE, rank_ - 1, 0, MPI_COMM_WORLD, &req[k++]);
        MPI_Isend(u + ny, (int)ny, MPI_DOUBLE, rank_ - 1, 1, MPI_COMM_WORLD, &req[k++]);
    }
    if (rank_ < ranks_ - 1) {
        MPI_Irecv(u + (n + 1) * ny, (int)ny, MPI_DOUBLE, rank_ + 1, 1, MPI_COMM_WORLD, &req[k++]);
        MPI_Isend(u + n * ny, (int)ny, MPI_DOUBLE, rank_ + 1, 0, MPI_COMM_WORLD, &req[k++]);
    }
    return k;
}

/* Jacobi rows lo..hi (local indices) of v from u. */
static void jacobi_rows(const double *restrict u, double *restrict v, long lo, long hi, long ny,
                        double dx2, double dy2) {
    for (long i = lo; i <= hi; i++) {
        const double *up = u + (i - 1) * ny, *row = u + i * ny, *down = u + (i + 1) * ny;
        double *out = v + i * ny;
        for (long j = 1; j < ny - 1; j++)
            out[j] = ((down[j] + up[j]) * dy2 + (row[j + 1] + row[j - 1]) * dx2) /
                     (2 * (dx2 + dy2));
    }
}

/* One colour of red-black SOR over local rows 1..n; row0 is the global
 * index of local row 0. Red points have i + j even. */
static void redblack_colour(double *u, long n, long ny, long row0, int colour, double dx2,
                            double dy2, double omega) {
    for (long i = 1; i <= n; i++) {
        double *row = u + i * ny;
        const double *up = row - ny, *down = row + ny;
        long first = (row0 + i + 1) % 2 == colour ? 1 : 2;
        for (long j = first; j < ny - 1; j += 2) {
            double old = row[j];
            double gs = ((down[j] + up[j]) * dy2 + (row[j + 1] + row[j - 1]) * dx2) /
                        (2 * (dx2 + dy2));
            row[j] = old + omega * (gs - old);
        }
    }
}

/* Half the round trip of `bytes` between ranks 0 and 1, best of `reps`. */
static double pingpong(size_t bytes, int reps) {
    char *buf = calloc(bytes, 1);
    if (!buf) fail(1, "cannot allocate the ping-pong buffer", NULL);
    double best = INFINITY;
    for (int k = 0; k < reps; k++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        if (rank_ == 0) {
            MPI_Send(buf, (int)bytes, MPI_BYTE, 1, 7, MPI_COMM_WORLD);
            MPI_Recv(buf, (int)bytes, MPI_BYTE, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank_ == 1) {
            MPI_Recv(buf, (int)bytes, MPI_BYTE, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf, (int)bytes, MPI_BYTE, 0, 7, MPI_COMM_WORLD);
        }
        double t = (MPI_Wtime() - t0) / 2;
        if (t < best) best = t;
    }
    free(buf);
    return best;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
    Args a = parse(argc, argv);
    const long nx = a.nx, ny = a.ny, interior = nx - 2;
    const double dx2 = a.dx * a.dx, dy2 = a.dy * a.dy;

    double *grid = malloc((size_t)nx * (size_t)ny * sizeof(double));
    if (!grid) fail(1, "cannot allocate the grid", NULL);
    if (rank_ == 0) read_npy(&a, grid);
    MPI_Bcast(grid, (int)(nx * ny), MPI_DOUBLE, 0, MPI_COMM_WORLD);

    /* Local rows: 0 (halo), 1..n (own), n+1 (halo). */
    const long lo = first_row(interior, rank_), hi = first_row(interior, rank_ + 1);
    const long n = hi - lo;
    size_t local = (size_t)(n + 2) * (size_t)ny;
    double *u = malloc(local * sizeof(double)), *v = malloc(local * sizeof(double));
    if (!u || !v) fail(1, "cannot allocate the local rows", NULL);
    memcpy(u, grid + (lo - 1) * ny, local * sizeof(double));
    memcpy(v, u, local * sizeof(double));

    double latency = NAN, bandwidth = NAN;
    if (ranks_ >= 2) {
        latency = pingpong(8, 200);
        double big = pingpong(1 << 20, 20);
        bandwidth = (double)(1 << 20) / (big - latency);
    }

    MPI_Request req[4];
    MPI_Waitall(post_halos(u, n, ny, req), req, MPI_STATUSES_IGNORE); /* warm-up */
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (long s = 0; s < a.sweeps; s++) {
        if (a.redblack) {
            for (int colour = 0; colour < 2; colour++) {
                MPI_Waitall(post_halos(u, n, ny, req), req, MPI_STATUSES_IGNORE);
                redblack_colour(u, n, ny, lo - 1, colour, dx2, dy2, a.omega);
            }
        } else {
            int k = post_halos(u, n, ny, req);
            if (n > 2) jacobi_rows(u, v, 2, n - 1, ny, dx2, dy2); /* no halo needed */
            MPI_Waitall(k, req, MPI_STATUSES_IGNORE);
            jacobi_rows(u, v, 1, 1, ny, dx2, dy2);
            if (n > 1) jacobi_rows(u, v, n, n, ny, dx2, dy2);
            double *t = u;
            u = v;
            v = t;
        }
    }
    double mine = MPI_Wtime() - t0, slowest = 0;
    MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);

    /* Rank 0 gathers every rank's own rows into the grid. */
    int *counts = malloc((size_t)ranks_ * sizeof(int)), *displs = malloc((size_t)ranks_ * sizeof(int));
    if (!counts || !displs) fail(1, "cannot allocate", NULL);
    for (int r = 0; r < ranks_; r++) {
        long l = first_row(interior, r), h = first_row(interior, r + 1);
        counts[r] = (int)((h - l) * ny);
        displs[r] = (int)(l * ny);
    }
    MPI_Gatherv(u + ny, (int)(n * ny), MPI_DOUBLE, grid, counts, displs, MPI_DOUBLE, 0,
                MPI_COMM_WORLD);
    if (rank_ == 0) {
        write_npy(&a, grid);
        char version[MPI_MAX_LIBRARY_VERSION_STRING];
        int len = 0;
        MPI_Get_library_version(version, &len);
        char *nl = strpbrk(version, ",\n");
        if (nl) *nl = '\0';
        printf("{\"sweep_seconds\": %.9g, \"runtime\": \"%s, %d rank%s\", "
               "\"flags\": \"mpicc (gcc %s) %s\", \"path\": \"%s, 1-D rows\"",
               slowest, version, ranks_, ranks_ == 1 ? "" : "s", __VERSION__, BUILD_FLAGS,
               a.redblack ? "halo per colour" : "overlapped halo");
        if (ranks_ >= 2)
            printf(", \"mpi\": {\"latency_s\": %.6g, \"bandwidth_bytes_per_s\": %.6g}", latency,
                   bandwidth);
        printf("}\n");
        fflush(stdout);
    }
    free(counts);
    free(displs);
    free(u);
    free(v);
    free(grid);
    MPI_Finalize();
    return 0;
}
