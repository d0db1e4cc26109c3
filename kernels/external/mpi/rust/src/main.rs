//! `rust/array-mpi`: Jacobi over MPI ranks with rsmpi, an external kernel
//! (`docs/external-kernels.md`, protocol v1) launched by the runner with
//! `mpirun -np N`.
//!
//! The decomposition of `laplace_mpi.c`: the interior rows split into
//! blocks of consecutive rows, one halo row above and below, exchanged each
//! sweep with non-blocking sends and receives while the rows that need no
//! halo are computed. The borrow checker sees the overlap as it is: the
//! halo rows are lent to the receives, the owned rows to the sends and the
//! computation, all at once, none of them written twice. The update is the
//! serial formula in the serial order (Rust does not contract `a * b + c`
//! into an FMA), so the grid is the reference's bit for bit.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::process::ExitCode;

use laplace_core::npy;
use mpi::collective::SystemOperation;
use mpi::datatype::PartitionMut;
use mpi::request::WaitGuard;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// The problem, as the runner passes it.
struct Args {
    nx: usize,
    ny: usize,
    sweeps: usize,
    dx: f64,
    dy: f64,
    input: String,
    output: String,
}

fn parse(ranks: usize) -> Result<Args, String> {
    let mut a = Args {
        nx: 0,
        ny: 0,
        sweeps: usize::MAX,
        dx: f64::NAN,
        dy: f64::NAN,
        input: String::new(),
        output: String::new(),
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let [key, val] = pair else {
            return Err(format!("missing value after {}", pair[0]));
        };
        let int = || {
            val.parse::<usize>()
                .map_err(|e| format!("{key} {val}: {e}"))
        };
        let real = || val.parse::<f64>().map_err(|e| format!("{key} {val}: {e}"));
        match key.as_str() {
            "--nx" => a.nx = int()?,
            "--ny" => a.ny = int()?,
            "--sweeps" => a.sweeps = int()?,
            "--dx" => a.dx = real()?,
            "--dy" => a.dy = real()?,
            "--omega" => {}
            "--input" => a.input.clone_from(val),
            "--output" => a.output.clone_from(val),
            _ => return Err(format!("unknown argument {key}")),
        }
    }
    if a.nx < 3 || a.ny < 3 {
        return Err("the grid must be at least 3x3".into());
    }
    if a.sweeps == usize::MAX || a.input.is_empty() || a.output.is_empty() {
        return Err("--sweeps, --input and --output are required".into());
    }
    if !(a.dx.is_finite() && a.dx > 0.0 && a.dy.is_finite() && a.dy > 0.0) {
        return Err("--dx and --dy must be finite and > 0".into());
    }
    if a.nx - 2 < ranks {
        return Err("more ranks than interior rows".into());
    }
    a.nx.checked_mul(a.ny)
        .and_then(|c| c.checked_mul(8))
        .ok_or("grid too large")?;
    Ok(a)
}

/// The first interior row of rank `r` of `ranks` (rank `ranks`: one past the last).
fn first_row(interior: usize, ranks: usize, r: usize) -> usize {
    1 + interior / ranks * r + r.min(interior % ranks)
}

/// Jacobi rows `rows` of `v` from `u`; `u` starts at local row `u0`.
fn jacobi_rows(
    u: &[f64],
    u0: usize,
    v: &mut [f64],
    rows: std::ops::Range<usize>,
    ny: usize,
    s: (f64, f64),
) {
    let (dx2, dy2) = s;
    for i in rows {
        let at = |k: usize| &u[(k - u0) * ny..(k - u0 + 1) * ny];
        let (up, row, down) = (at(i - 1), at(i), at(i + 1));
        let out = &mut v[i * ny..(i + 1) * ny];
        for j in 1..ny - 1 {
            out[j] =
                ((down[j] + up[j]) * dy2 + (row[j + 1] + row[j - 1]) * dx2) / (2.0 * (dx2 + dy2));
        }
    }
}

/// One sweep from `u` into `v` (both `(n + 2) * ny`, local rows 0..=n+1).
fn sweep(
    world: &SimpleCommunicator,
    u: &mut [f64],
    v: &mut [f64],
    n: usize,
    ny: usize,
    s: (f64, f64),
) {
    let (rank, ranks) = (world.rank(), world.size());
    let (top, rest) = u.split_at_mut(ny);
    let (body, bottom) = rest.split_at_mut(n * ny);
    let body: &[f64] = body;
    mpi::request::scope(|scope| {
        let mut pending = Vec::with_capacity(4);
        if rank > 0 {
            let up = world.process_at_rank(rank - 1);
            pending.push(WaitGuard::from(
                up.immediate_receive_into_with_tag(scope, &mut *top, 0),
            ));
            pending.push(WaitGuard::from(up.immediate_send_with_tag(
                scope,
                &body[..ny],
                1,
            )));
        }
        if rank < ranks - 1 {
            let down = world.process_at_rank(rank + 1);
            pending.push(WaitGuard::from(down.immediate_receive_into_with_tag(
                scope,
                &mut *bottom,
                1,
            )));
            pending.push(WaitGuard::from(down.immediate_send_with_tag(
                scope,
                &body[(n - 1) * ny..],
                0,
            )));
        }
        // Rows 2..n-1 read only owned rows: computed while the halos travel.
        if n > 2 {
            jacobi_rows(body, 1, v, 2..n, ny, s);
        }
        drop(pending); // waits for every message
    });
    jacobi_rows(u, 0, v, 1..2, ny, s);
    if n > 1 {
        jacobi_rows(u, 0, v, n..n + 1, ny, s);
    }
}

fn run(world: &SimpleCommunicator) -> Result<(), String> {
    let (rank, ranks) = (world.rank() as usize, world.size() as usize);
    let a = parse(ranks)?;
    let (nx, ny) = (a.nx, a.ny);
    let root = world.process_at_rank(0);
    let mut grid = vec![0.0; nx * ny];
    if rank == 0 {
        let file = File::open(&a.input).map_err(|e| format!("{}: {e}", a.input))?;
        let (fx, fy, data) =
            npy::read(BufReader::new(file)).map_err(|e| format!("{}: {e}", a.input))?;
        if (fx, fy) != (nx, ny) {
            return Err(format!("the input is {fx}x{fy}, not {nx}x{ny}"));
        }
        grid = data;
    }
    root.broadcast_into(&mut grid[..]);

    let interior = nx - 2;
    let (lo, hi) = (
        first_row(interior, ranks, rank),
        first_row(interior, ranks, rank + 1),
    );
    let n = hi - lo;
    let mut u = grid[(lo - 1) * ny..(hi + 1) * ny].to_vec();
    let mut v = u.clone();
    let s = (a.dx * a.dx, a.dy * a.dy);

    world.barrier();
    let t0 = mpi::time();
    for _ in 0..a.sweeps {
        sweep(world, &mut u, &mut v, n, ny, s);
        std::mem::swap(&mut u, &mut v);
    }
    let mine = mpi::time() - t0;

    let local = &u[ny..(n + 1) * ny];
    if rank == 0 {
        let mut slowest = 0.0;
        root.reduce_into_root(&mine, &mut slowest, SystemOperation::max());
        let counts: Vec<i32> = (0..ranks)
            .map(|r| {
                ((first_row(interior, ranks, r + 1) - first_row(interior, ranks, r)) * ny) as i32
            })
            .collect();
        let displs: Vec<i32> = (0..ranks)
            .map(|r| (first_row(interior, ranks, r) * ny) as i32)
            .collect();
        let mut gathered = grid.clone();
        {
            let mut partition = PartitionMut::new(&mut gathered[..], counts, displs);
            root.gather_varcount_into_root(local, &mut partition);
        }
        let file = File::create(&a.output).map_err(|e| format!("{}: {e}", a.output))?;
        npy::write(BufWriter::new(file), nx, ny, &gathered)
            .map_err(|e| format!("{}: {e}", a.output))?;
        let library = mpi::environment::library_version().unwrap_or_else(|_| "MPI".into());
        let version = library.split([',', '\n']).next().unwrap_or("MPI");
        println!(
            "{{\"sweep_seconds\": {slowest:e}, \"runtime\": \"{version}, rsmpi 0.8.2, {ranks} rank(s)\", \
             \"flags\": \"rustc -C opt-level=3 {}\", \"path\": \"overlapped halo, 1-D rows\"}}",
            option_env!("SHOOTOUT_RUSTFLAGS").unwrap_or("(RUSTFLAGS not recorded)")
        );
    } else {
        root.reduce_into(&mine, SystemOperation::max());
        root.gather_varcount_into(local);
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(universe) = mpi::initialize() else {
        eprintln!("rust_array_mpi: error: MPI could not be initialised");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    if let Err(message) = run(&world) {
        if world.rank() == 0 {
            eprintln!("rust_array_mpi: error: {message}");
        }
        world.abort(2);
    }
    ExitCode::SUCCESS
}
