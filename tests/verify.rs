//! Every registered kernel against the reference of its own scheme, on the
//! shapes, sweep counts and spacings of the foundation issue. The test walks
//! the registry, so kernels added later are covered with no change here.

use laplace_core::verify::{VerifyError, verify_against};
use laplace_core::{InputError, Job, Kernel, KernelError, Problem, Scheme, reference};
use laplace_shootout::registry::KERNELS;

const SHAPES: [(usize, usize); 5] = [(3, 3), (4, 7), (7, 4), (37, 91), (100, 100)];
const SWEEPS: [usize; 5] = [0, 1, 2, 17, 500];
/// (0.1, 0.1) and (0.1, 0.2): divisors for which the FMA division is proven;
/// (0.1, 0.37): one for which it is not (bit-exact kernels then divide).
const SPACINGS: [(f64, f64); 3] = [(0.1, 0.1), (0.1, 0.37), (0.1, 0.2)];

/// Every shape x sweep count x spacing, plus each shape with a relaxation
/// factor other than the default (which only red-black SOR reads).
fn problems() -> impl Iterator<Item = Problem> {
    SHAPES.into_iter().flat_map(|(nx, ny)| {
        let custom_omega = Problem {
            omega: Some(1.3),
            ..Problem::new(nx, ny, 0.1, 0.37, 17).unwrap()
        };
        SWEEPS
            .into_iter()
            .flat_map(move |iters| {
                SPACINGS
                    .into_iter()
                    .map(move |(dx, dy)| Problem::new(nx, ny, dx, dy, iters).unwrap())
            })
            .chain([custom_omega])
    })
}

/// Runs every kernel on every problem; returns all failures, not just the first.
fn failures(kernels: &[Kernel]) -> Vec<VerifyError> {
    let mut failed = Vec::new();
    for p in problems() {
        for scheme in Scheme::ALL {
            let want = reference::solve(scheme, &p).unwrap();
            for k in kernels.iter().filter(|k| k.scheme == scheme) {
                if let Err(e) = verify_against(k, &p, 2, &want) {
                    failed.push(e);
                }
            }
        }
    }
    failed
}

/// Shapes beyond any kernel's block, strip or vector in one direction or
/// both (`rust/array-tblock`: 1024-column strips, 24 sweeps per pass), with
/// a few sweeps each: an off-by-one at a tile edge shows here.
const LARGE: [(usize, usize); 3] = [(13, 1100), (531, 29), (301, 517)];

#[test]
fn every_registered_kernel_matches_its_reference_on_large_non_square_grids() {
    let mut failed = Vec::new();
    for (nx, ny) in LARGE {
        for iters in [1, 3, 25] {
            let p = Problem::new(nx, ny, 0.1, 0.13, iters).unwrap();
            for scheme in Scheme::ALL {
                let want = reference::solve(scheme, &p).unwrap();
                for k in KERNELS.iter().filter(|k| k.scheme == scheme) {
                    if let Err(e) = verify_against(k, &p, 2, &want) {
                        failed.push(e.to_string());
                    }
                }
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn every_registered_kernel_matches_its_reference() {
    assert!(KERNELS.len() >= 6);
    let failed = failures(KERNELS);
    let report: Vec<String> = failed.iter().map(ToString::to_string).collect();
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        report.join("\n")
    );
}

#[test]
fn every_language_has_a_seed_kernel_of_every_scheme() {
    for lang in laplace_core::LANGUAGES {
        for (scheme, seed) in Scheme::ALL.into_iter().zip(lang.seeds) {
            // The seed, which `cargo xtask new-kernel` copies, runs the scheme.
            let name = format!("{}/{seed}", lang.name);
            assert!(
                KERNELS.iter().any(|k| k.name == name && k.scheme == scheme),
                "no {name} kernel for {scheme} (the seed of {} in laplace_core::LANGUAGES)",
                lang.title
            );
        }
    }
}

/// `rust/loop` with the `i` neighbours swapped for `j` ones in one term: a
/// plausible typo that only shows when dx != dy.
fn swapped_neighbours(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (ny, s) = (p.ny, p.stencil());
    let u = job.u();
    for _ in 0..p.iters {
        for i in 1..p.nx - 1 {
            for j in 1..ny - 1 {
                let k = i * ny + j;
                u[k] = s.apply(u[k + 1], u[k - 1], u[k + ny], u[k - ny]);
            }
        }
    }
    Ok(())
}

/// Jacobi run in place: really Gauss-Seidel.
fn jacobi_in_place(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (ny, s) = (p.ny, p.stencil());
    let u = job.u();
    for _ in 0..p.iters {
        for i in 1..p.nx - 1 {
            for j in 1..ny - 1 {
                let k = i * ny + j;
                u[k] = s.apply(u[k + ny], u[k - ny], u[k + 1], u[k - 1]);
            }
        }
    }
    Ok(())
}

fn buggy(name: &'static str, scheme: Scheme, run: laplace_core::KernelFn) -> Kernel {
    Kernel {
        name,
        scheme,
        run,
        ..KERNELS[0]
    }
}

#[test]
fn a_buggy_kernel_fails_naming_kernel_shape_and_worst_cell() {
    let bugs = [
        buggy("test/swapped", Scheme::GaussSeidel, swapped_neighbours),
        buggy("test/in-place", Scheme::Jacobi, jacobi_in_place),
    ];
    for bug in &bugs {
        let failed = failures(std::slice::from_ref(bug));
        assert!(!failed.is_empty(), "{} was not caught", bug.name);
        let msg = failed[0].to_string();
        assert!(msg.starts_with(bug.name), "{msg}");
        assert!(msg.contains(" sweeps"), "{msg}");
        assert!(msg.contains("at cell (i="), "{msg}");
        assert!(
            matches!(&failed[0], VerifyError::Mismatch { diff, .. } if diff.max_abs > 1e-6),
            "{msg}"
        );
    }
    // The seed problem names its shape in the message.
    let p = Problem::SEED.with_iters(3);
    let err = verify_against(
        &bugs[1],
        &p,
        1,
        &reference::solve(Scheme::Jacobi, &p).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("100x100, 3 sweeps"), "{err}");
}

#[test]
fn every_kernel_rejects_bad_input_before_running() {
    let p = Problem::new(5, 6, 0.1, 0.1, 3).unwrap();
    for k in KERNELS {
        let (mut u, mut s) = (vec![0.0; 29], vec![0.0; 30]);
        let err = k.solve_in(&mut u, &mut s, &p, 1).unwrap_err();
        assert!(
            matches!(
                err,
                KernelError::Input(InputError::BufferLength { buffer: "u", .. })
            ),
            "{}: {err}",
            k.name
        );
        let mut u = vec![0.0; 30];
        let mut short = vec![0.0; 1];
        assert!(k.solve_in(&mut u, &mut short, &p, 1).is_err(), "{}", k.name);
        for bad in [
            Problem { nx: 2, ..p },
            Problem { ny: 0, ..p },
            Problem { dx: f64::NAN, ..p },
            Problem { dy: -1.0, ..p },
            Problem { dx: 0.0, ..p },
        ] {
            let n = bad.nx * bad.ny;
            let (mut u, mut s) = (vec![0.0; n], vec![0.0; n]);
            let err = k.solve_in(&mut u, &mut s, &bad, 1).unwrap_err();
            assert!(matches!(err, KernelError::Input(_)), "{}: {err}", k.name);
            assert!(u.iter().all(|&x| x == 0.0), "{} wrote to u", k.name);
        }
    }
}

/// Every kernel told to take its portable path (as `SHOOTOUT_PORTABLE=1`
/// tells it) says it did, on a grid where every hand-vectorised path would
/// otherwise run; under `SHOOTOUT_PORTABLE=1` (how CI runs this file a
/// second time) so does a plain job, and the verification above has then
/// checked the portable paths.
#[test]
fn portable_jobs_take_the_portable_path() {
    let p = Problem::new(37, 91, 0.1, 0.37, 3).unwrap();
    for k in KERNELS {
        let (mut u, mut s) = (p.initial_grid().unwrap(), p.scratch().unwrap());
        let mut job = Job::new(&mut u, &mut s, &p, 2).unwrap().with_portable(true);
        (k.run)(&mut job).unwrap();
        // (`serial`: a parallel kernel given a grid too small to share;
        // `fma-division`, `divide`: how an exact kernel divides, portable
        // Rust either way.)
        let portable = [
            laplace_core::PORTABLE,
            laplace_core::SERIAL,
            "fma-division",
            "divide",
        ];
        assert!(portable.contains(&job.path()), "{}: {}", k.name, job.path());
        if laplace_core::portable_forced() {
            let path = k.solve_in(&mut u, &mut s, &p, 2).unwrap();
            assert!(portable.contains(&path), "{}: {path}", k.name);
        }
    }
}
