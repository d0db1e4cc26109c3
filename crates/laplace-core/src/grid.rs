use std::ops::{Index, IndexMut};

use crate::{InputError, Problem};

/// A row-major `nx` x `ny` grid indexed by `(i, j)`; used by the reference
/// solvers, where clarity matters more than speed.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    nx: usize,
    ny: usize,
    data: Vec<f64>,
}

impl Grid {
    /// The initial condition of `problem`.
    pub fn initial(problem: &Problem) -> Result<Self, InputError> {
        Ok(Grid {
            nx: problem.nx,
            ny: problem.ny,
            data: problem.initial_grid()?,
        })
    }

    /// Wraps row-major data; `None` if the length is not `nx * ny`.
    pub fn from_vec(nx: usize, ny: usize, data: Vec<f64>) -> Option<Self> {
        (nx.checked_mul(ny) == Some(data.len())).then_some(Grid { nx, ny, data })
    }

    /// Rows.
    pub fn nx(&self) -> usize {
        self.nx
    }

    /// Columns.
    pub fn ny(&self) -> usize {
        self.ny
    }

    /// The values, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }
}

impl Index<(usize, usize)> for Grid {
    type Output = f64;
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        assert!(i < self.nx && j < self.ny, "({i}, {j}) outside the grid");
        &self.data[i * self.ny + j]
    }
}

impl IndexMut<(usize, usize)> for Grid {
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut f64 {
        assert!(i < self.nx && j < self.ny, "({i}, {j}) outside the grid");
        &mut self.data[i * self.ny + j]
    }
}
