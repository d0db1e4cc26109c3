use serde::{Deserialize, Serialize};

use crate::InputError;

/// One instance of the benchmark: grid shape, spacings and number of sweeps.
///
/// Construct with [`Problem::new`] or start from [`Problem::SEED`]; every kernel
/// call re-checks the problem through [`crate::Job::new`], so a hand-built
/// invalid `Problem` is rejected, never run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Rows (the first index, `i`).
    pub nx: usize,
    /// Columns (the second, contiguous index, `j`).
    pub ny: usize,
    /// Grid spacing along `i`.
    pub dx: f64,
    /// Grid spacing along `j`.
    pub dy: f64,
    /// Number of sweeps.
    pub iters: usize,
    /// Relaxation factor for over-relaxed schemes; `None` means
    /// [`Problem::default_omega`]. Ignored by Jacobi and Gauss-Seidel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omega: Option<f64>,
}

impl Problem {
    /// The 2011 post's problem: 100x100, 8000 sweeps, dx = dy = 0.1.
    pub const SEED: Problem = Problem {
        nx: 100,
        ny: 100,
        dx: 0.1,
        dy: 0.1,
        iters: 8000,
        omega: None,
    };

    /// A checked problem with the default relaxation factor.
    pub fn new(nx: usize, ny: usize, dx: f64, dy: f64, iters: usize) -> Result<Self, InputError> {
        let p = Problem {
            nx,
            ny,
            dx,
            dy,
            iters,
            omega: None,
        };
        p.validate()?;
        Ok(p)
    }

    /// The same problem with another number of sweeps.
    pub fn with_iters(self, iters: usize) -> Self {
        Problem { iters, ..self }
    }

    /// Checks shape, spacings and relaxation factor.
    pub fn validate(&self) -> Result<(), InputError> {
        let (nx, ny) = (self.nx, self.ny);
        if nx < 3 || ny < 3 {
            return Err(InputError::TooSmall { nx, ny });
        }
        // A slice may span at most isize::MAX bytes.
        let fits = nx
            .checked_mul(ny)
            .and_then(|n| n.checked_mul(size_of::<f64>()))
            .is_some_and(|bytes| bytes <= isize::MAX as usize);
        if !fits {
            return Err(InputError::TooLarge { nx, ny });
        }
        if self.interior().checked_mul(self.iters as u64).is_none() {
            return Err(InputError::TooManyUpdates {
                nx,
                ny,
                iters: self.iters,
            });
        }
        for (axis, value) in [("dx", self.dx), ("dy", self.dy)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(InputError::Spacing { axis, value });
            }
        }
        if let Some(value) = self.omega
            && !(value > 0.0 && value < 2.0)
        {
            return Err(InputError::Omega { value });
        }
        Ok(())
    }

    /// Number of grid cells, `nx * ny` (saturating; valid problems never saturate).
    pub fn cells(&self) -> usize {
        self.nx.saturating_mul(self.ny)
    }

    /// Interior points updated by one sweep, `(nx-2)(ny-2)`.
    pub fn interior(&self) -> u64 {
        (self.nx.saturating_sub(2) as u64).saturating_mul(self.ny.saturating_sub(2) as u64)
    }

    /// Lattice updates done by the whole run, `(nx-2)(ny-2) * iters`, as `f64`
    /// (exact below 2^53, and never overflowing).
    pub fn updates(&self) -> f64 {
        self.interior() as f64 * self.iters as f64
    }

    /// The optimal SOR factor for the model problem,
    /// `2 / (1 + sin(pi / (n - 1)))` with `n = max(nx, ny)`: on a non-square grid
    /// the longer side sets the slowest error mode.
    pub fn default_omega(&self) -> f64 {
        let n = self.nx.max(self.ny).max(3) as f64;
        2.0 / (1.0 + (std::f64::consts::PI / (n - 1.0)).sin())
    }

    /// The relaxation factor in force: the one asked for, or the default.
    pub fn omega(&self) -> f64 {
        self.omega.unwrap_or_else(|| self.default_omega())
    }

    /// The stencil coefficients of this problem.
    pub fn stencil(&self) -> Stencil {
        Stencil::new(self.dx, self.dy)
    }

    /// Writes the initial condition into `u`: ones in row 0, zeros elsewhere.
    ///
    /// # Panics
    /// If `u.len() != nx * ny`.
    pub fn fill_initial(&self, u: &mut [f64]) {
        assert_eq!(
            u.len(),
            self.cells(),
            "grid buffer does not match the problem"
        );
        let (top, rest) = u.split_at_mut(self.ny);
        top.fill(1.0);
        rest.fill(0.0);
    }

    /// A freshly allocated initial grid; an allocation failure is an error, not an abort.
    pub fn initial_grid(&self) -> Result<Vec<f64>, InputError> {
        self.validate()?;
        let mut u = Self::try_alloc(self.nx, self.ny)?;
        u.resize(self.cells(), 0.0);
        self.fill_initial(&mut u);
        Ok(u)
    }

    /// A zeroed scratch buffer of `nx * ny` values, allocated fallibly.
    pub fn scratch(&self) -> Result<Vec<f64>, InputError> {
        self.validate()?;
        let mut s = Self::try_alloc(self.nx, self.ny)?;
        s.resize(self.cells(), 0.0);
        Ok(s)
    }

    fn try_alloc(nx: usize, ny: usize) -> Result<Vec<f64>, InputError> {
        let n = nx * ny;
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| InputError::OutOfMemory {
                nx,
                ny,
                bytes: n * size_of::<f64>(),
            })?;
        advise_huge_pages(&mut v);
        Ok(v)
    }
}

/// Asks Linux for transparent huge pages on a large, not yet touched
/// allocation, so that grids far larger than the caches do not also pay a TLB
/// miss every 4 KiB. Every kernel gets grids from here, so all benefit alike
/// (and the bandwidth probe allocates the same way). Call it on a vector's
/// reserved, untouched capacity. Advisory: refusal or another OS changes
/// nothing but speed.
pub fn advise_huge_pages(v: &mut Vec<f64>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_mut_ptr() as usize;
        let end = start + v.capacity() * size_of::<f64>();
        let (lo, hi) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if hi > lo {
            // SAFETY: [lo, hi) lies inside the allocation owned by `v`;
            // MADV_HUGEPAGE only changes how the kernel backs those pages,
            // never their contents, and no reference into them exists yet.
            unsafe {
                libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}x{}, {} sweeps, dx={}, dy={}",
            self.nx, self.ny, self.iters, self.dx, self.dy
        )?;
        if let Some(omega) = self.omega {
            write!(f, ", omega={omega}")?;
        }
        Ok(())
    }
}

/// The five-point stencil with the post's coefficients, evaluated in the
/// post's operation order so that kernels can match the reference bit for bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stencil {
    /// `dx * dx`, the weight of the `j` neighbours.
    pub dx2: f64,
    /// `dy * dy`, the weight of the `i` neighbours.
    pub dy2: f64,
    /// `2 * (dx2 + dy2)`, the divisor.
    pub denom: f64,
}

impl Stencil {
    /// Coefficients for spacings `dx`, `dy`.
    pub fn new(dx: f64, dy: f64) -> Self {
        let dx2 = dx * dx;
        let dy2 = dy * dy;
        Stencil {
            dx2,
            dy2,
            denom: 2.0 * (dx2 + dy2),
        }
    }

    /// `((i_plus + i_minus) * dy2 + (j_plus + j_minus) * dx2) / (2*(dx2+dy2))`.
    #[inline(always)]
    pub fn apply(&self, i_plus: f64, i_minus: f64, j_plus: f64, j_minus: f64) -> f64 {
        ((i_plus + i_minus) * self.dy2 + (j_plus + j_minus) * self.dx2) / self.denom
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_small_grids() {
        for (nx, ny) in [(0, 0), (2, 3), (3, 2), (1, 100)] {
            assert_eq!(
                Problem::new(nx, ny, 0.1, 0.1, 1),
                Err(InputError::TooSmall { nx, ny })
            );
        }
        assert!(Problem::new(3, 3, 0.1, 0.1, 1).is_ok());
    }

    #[test]
    fn rejects_overflowing_grids() {
        let err = Problem::new(usize::MAX / 2, 3, 0.1, 0.1, 1).unwrap_err();
        assert!(matches!(err, InputError::TooLarge { .. }), "{err}");
        let err = Problem::new(1 << 31, 1 << 31, 0.1, 0.1, 1).unwrap_err();
        assert!(matches!(err, InputError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn rejects_bad_spacings() {
        for bad in [0.0, -0.1, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = Problem::new(4, 4, bad, 0.1, 1).unwrap_err();
            assert!(
                matches!(err, InputError::Spacing { axis: "dx", .. }),
                "{err}"
            );
            let err = Problem::new(4, 4, 0.1, bad, 1).unwrap_err();
            assert!(
                matches!(err, InputError::Spacing { axis: "dy", .. }),
                "{err}"
            );
        }
    }

    #[test]
    fn rejects_bad_omega() {
        for bad in [0.0, 2.0, -1.0, f64::NAN, 3.0] {
            let p = Problem {
                omega: Some(bad),
                ..Problem::SEED
            };
            assert!(matches!(p.validate(), Err(InputError::Omega { .. })));
        }
    }

    #[test]
    fn default_omega_is_in_range_and_near_two_for_large_grids() {
        let w = Problem::SEED.default_omega();
        assert!(w > 1.9 && w < 2.0, "{w}");
        let small = Problem::new(3, 3, 0.1, 0.1, 1).unwrap();
        assert!((small.default_omega() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn initial_grid_has_hot_top_row() {
        let p = Problem::new(3, 4, 0.1, 0.1, 0).unwrap();
        assert_eq!(
            p.initial_grid().unwrap(),
            [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        );
    }

    #[test]
    fn update_count_that_overflows_is_rejected() {
        let p = Problem {
            iters: usize::MAX / 1000,
            ..Problem::SEED
        };
        assert!(matches!(
            p.validate(),
            Err(InputError::TooManyUpdates { .. })
        ));
        let ok = Problem {
            iters: (u64::MAX / 9604) as usize,
            ..Problem::SEED
        };
        assert!(ok.validate().is_ok());
        assert!(ok.updates() > 1e19);
    }
}
