use serde::{Deserialize, Serialize};

/// The iteration a kernel runs. Different schemes converge at different rates,
/// so times are only compared within a scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Every point reads the previous sweep only (NumPy slicing, Fortran array syntax).
    Jacobi,
    /// In place, `i` ascending outside and `j` ascending inside (the loop versions).
    GaussSeidel,
    /// Successive over-relaxation in red-black order: first every red point
    /// (`i + j` even), then every black point (`i + j` odd), each moved to
    /// `u + omega * (gs - u)` where `gs` is the Gauss-Seidel value. Points of
    /// one colour depend only on the other colour, so each half-sweep
    /// vectorises and parallelises.
    RedBlackSor,
}

impl Scheme {
    /// Every scheme, in table order.
    pub const ALL: [Scheme; 3] = [Scheme::Jacobi, Scheme::GaussSeidel, Scheme::RedBlackSor];

    /// The scheme whose [`Scheme::as_str`] is `name`.
    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The variant's name as Rust source writes it (`GaussSeidel`): what the
    /// registry's `kernel!` macros take.
    pub fn variant_name(self) -> &'static str {
        match self {
            Scheme::Jacobi => "Jacobi",
            Scheme::GaussSeidel => "GaussSeidel",
            Scheme::RedBlackSor => "RedBlackSor",
        }
    }

    /// The scheme whose [`Scheme::variant_name`] is `name`.
    pub fn from_variant_name(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.variant_name() == name)
    }

    /// The kebab-case name used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Jacobi => "jacobi",
            Scheme::GaussSeidel => "gauss-seidel",
            Scheme::RedBlackSor => "red-black-sor",
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::from_name(s.as_str()), Some(s));
            assert_eq!(Scheme::from_variant_name(s.variant_name()), Some(s));
            assert_eq!(format!("{s:?}"), s.variant_name());
        }
        assert_eq!(Scheme::from_name("sor"), None);
    }
}
