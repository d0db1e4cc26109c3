//! Reference solvers: the post's update written for clarity, one per scheme.
//!
//! Each sweep is the literal formula on a `(i, j)`-indexed [`Grid`], with no
//! tricks, so it can be read against the problem statement line by line.

use crate::{Grid, InputError, Problem, Scheme};

/// A reference solver that advances one sweep at a time.
#[derive(Debug, Clone)]
pub struct Solver {
    scheme: Scheme,
    problem: Problem,
    grid: Grid,
    sweeps: usize,
}

impl Solver {
    /// Starts from the initial condition of `problem`.
    pub fn new(scheme: Scheme, problem: &Problem) -> Result<Self, InputError> {
        problem.validate()?;
        Ok(Solver {
            scheme,
            problem: *problem,
            grid: Grid::initial(problem)?,
            sweeps: 0,
        })
    }

    /// Runs one sweep and returns the largest absolute change of any point.
    pub fn sweep(&mut self) -> f64 {
        self.sweeps += 1;
        match self.scheme {
            Scheme::Jacobi => jacobi_sweep(&mut self.grid, &self.problem),
            Scheme::GaussSeidel => gauss_seidel_sweep(&mut self.grid, &self.problem),
            Scheme::RedBlackSor => red_black_sor_sweep(&mut self.grid, &self.problem),
        }
    }

    /// Sweeps done so far.
    pub fn sweeps(&self) -> usize {
        self.sweeps
    }

    /// The current grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The current grid, by value.
    pub fn into_grid(self) -> Grid {
        self.grid
    }
}

/// The grid after `problem.iters` sweeps of `scheme`.
pub fn solve(scheme: Scheme, problem: &Problem) -> Result<Grid, InputError> {
    let mut solver = Solver::new(scheme, problem)?;
    for _ in 0..problem.iters {
        solver.sweep();
    }
    Ok(solver.into_grid())
}

/// The post's formula at interior point `(i, j)`, reading from `u`.
fn update(u: &Grid, i: usize, j: usize, p: &Problem) -> f64 {
    let dx2 = p.dx * p.dx;
    let dy2 = p.dy * p.dy;
    ((u[(i + 1, j)] + u[(i - 1, j)]) * dy2 + (u[(i, j + 1)] + u[(i, j - 1)]) * dx2)
        / (2.0 * (dx2 + dy2))
}

/// Jacobi: every new value is computed from a copy of the previous sweep.
fn jacobi_sweep(u: &mut Grid, p: &Problem) -> f64 {
    let old = u.clone();
    let mut change: f64 = 0.0;
    for i in 1..p.nx - 1 {
        for j in 1..p.ny - 1 {
            let new = update(&old, i, j, p);
            change = change.max((new - old[(i, j)]).abs());
            u[(i, j)] = new;
        }
    }
    change
}

/// Gauss-Seidel: in place, `i` ascending outside, `j` ascending inside, so
/// `(i-1, j)` and `(i, j-1)` already hold this sweep's values.
fn gauss_seidel_sweep(u: &mut Grid, p: &Problem) -> f64 {
    let mut change: f64 = 0.0;
    for i in 1..p.nx - 1 {
        for j in 1..p.ny - 1 {
            let new = update(u, i, j, p);
            change = change.max((new - u[(i, j)]).abs());
            u[(i, j)] = new;
        }
    }
    change
}

/// Red-black SOR: all red points (`i + j` even), then all black points, each
/// over-relaxed towards its Gauss-Seidel value. Within one colour the order
/// does not matter: a red point's neighbours are all black.
fn red_black_sor_sweep(u: &mut Grid, p: &Problem) -> f64 {
    let omega = p.omega();
    let mut change: f64 = 0.0;
    for colour in [0, 1] {
        for i in 1..p.nx - 1 {
            for j in 1..p.ny - 1 {
                if (i + j) % 2 == colour {
                    let old = u[(i, j)];
                    let new = old + omega * (update(u, i, j, p) - old);
                    change = change.max((new - old).abs());
                    u[(i, j)] = new;
                }
            }
        }
    }
    change
}

/// The default convergence tolerance: the largest change in one sweep.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// Sweeps of `scheme` until the largest change in one sweep is at most
/// `tolerance`, from the initial grid of `problem` (whose `iters` is
/// ignored); `None` if that takes more than `max_sweeps`.
pub fn sweeps_to_tolerance(
    scheme: Scheme,
    problem: &Problem,
    tolerance: f64,
    max_sweeps: usize,
) -> Result<Option<usize>, InputError> {
    let mut solver = Solver::new(scheme, problem)?;
    while solver.sweeps() < max_sweeps {
        if solver.sweep() <= tolerance {
            return Ok(Some(solver.sweeps()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(nx: usize, ny: usize, iters: usize) -> Problem {
        Problem::new(nx, ny, 0.1, 0.1, iters).unwrap()
    }

    #[test]
    fn zero_sweeps_is_the_initial_grid() {
        for scheme in Scheme::ALL {
            let p = problem(5, 6, 0);
            assert_eq!(solve(scheme, &p).unwrap(), Grid::initial(&p).unwrap());
        }
    }

    #[test]
    fn one_sweep_by_hand() {
        // 4x4, dx = dy: each update is the mean of the four neighbours.
        let p = problem(4, 4, 1);
        let jac = solve(Scheme::Jacobi, &p).unwrap();
        // Row 1 sees the hot row above; row 2 sees only zeros.
        assert_eq!(jac[(1, 1)], 0.25);
        assert_eq!(jac[(1, 2)], 0.25);
        assert_eq!(jac[(2, 1)], 0.0);
        let gs = solve(Scheme::GaussSeidel, &p).unwrap();
        assert_eq!(gs[(1, 1)], 0.25);
        assert_eq!(gs[(1, 2)], (1.0 + 0.25) / 4.0);
        assert_eq!(gs[(2, 1)], 0.25 / 4.0);
        assert_eq!(gs[(2, 2)], (0.3125 + 0.0625) / 4.0);
    }

    #[test]
    fn red_black_by_hand() {
        // 4x4, dx = dy, omega = 1.5. Red (i+j even): (1,1), (2,2); black: (1,2), (2,1).
        let p = Problem {
            omega: Some(1.5),
            ..problem(4, 4, 1)
        };
        let g = solve(Scheme::RedBlackSor, &p).unwrap();
        let red11 = 1.5 * 0.25; // gs value 1/4 (hot row above), from 0
        let red22 = 0.0; // neighbours all zero
        let black12 = 1.5 * ((1.0 + red22 + red11 + 0.0) / 4.0);
        let black21 = 1.5 * ((red11 + 0.0 + red22 + 0.0) / 4.0);
        assert_eq!(g[(1, 1)], red11);
        assert_eq!(g[(2, 2)], red22);
        assert_eq!(g[(1, 2)], black12);
        assert_eq!(g[(2, 1)], black21);
    }

    #[test]
    fn sor_converges_in_far_fewer_sweeps() {
        let p = problem(30, 30, 0);
        let count = |s| sweeps_to_tolerance(s, &p, 1e-8, 100_000).unwrap().unwrap();
        let (jac, gs, sor) = (
            count(Scheme::Jacobi),
            count(Scheme::GaussSeidel),
            count(Scheme::RedBlackSor),
        );
        assert!(
            sor * 5 < gs && gs < jac,
            "jacobi {jac}, gauss-seidel {gs}, sor {sor}"
        );
        assert_eq!(
            sweeps_to_tolerance(Scheme::Jacobi, &p, 1e-8, 10).unwrap(),
            None
        );
    }

    #[test]
    fn boundaries_stay_fixed() {
        let p = problem(7, 5, 50);
        for scheme in Scheme::ALL {
            let g = solve(scheme, &p).unwrap();
            for j in 0..5 {
                assert_eq!(g[(0, j)], 1.0);
                assert_eq!(g[(6, j)], 0.0);
            }
            for i in 1..7 {
                assert_eq!(g[(i, 0)], 0.0);
                assert_eq!(g[(i, 4)], 0.0);
            }
        }
    }

    #[test]
    fn all_schemes_converge_to_the_same_solution_gauss_seidel_faster() {
        let p = problem(12, 12, 0);
        let mut jac = Solver::new(Scheme::Jacobi, &p).unwrap();
        let mut gs = Solver::new(Scheme::GaussSeidel, &p).unwrap();
        let until = |s: &mut Solver| {
            while s.sweep() > 1e-13 {}
            s.sweeps()
        };
        let (nj, ng) = (until(&mut jac), until(&mut gs));
        assert!(ng * 3 < nj * 2, "Gauss-Seidel {ng} vs Jacobi {nj} sweeps");
        let (a, b) = (jac.grid().as_slice(), gs.grid().as_slice());
        let worst = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-11, "{worst}");
    }
}
