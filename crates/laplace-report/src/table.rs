//! One table model for every table the shootout prints: a header, rows of
//! cells (already formatted, see [`crate::format`]) and each column's
//! alignment, rendered either as a padded terminal table (`shootout run`,
//! `shootout list`) or as a Markdown pipe table (the report).
//!
//! ```
//! use laplace_report::table::{Align, Table};
//!
//! let mut t = Table::new([("kernel", Align::Left), ("MLUP/s", Align::Right)]);
//! t.row(["c/array", "1920"]);
//! t.row(["python/loop", "0.92"]);
//! assert_eq!(
//!     t.terminal(),
//!     "kernel       MLUP/s\nc/array        1920\npython/loop    0.92\n"
//! );
//! assert_eq!(
//!     t.markdown(),
//!     "| kernel | MLUP/s |\n|---|---:|\n| c/array | 1920 |\n| python/loop | 0.92 |\n"
//! );
//! ```

/// How a column's cells line up: text left, numbers right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right; `---` in Markdown.
    Left,
    /// Padded on the left; `---:` in Markdown.
    Right,
}

/// A table: one header cell and one alignment per column, then rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    head: Vec<String>,
    align: Vec<Align>,
    /// A row of cells, or `None` for a break between groups of rows.
    rows: Vec<Option<Vec<String>>>,
}

impl Table {
    /// A table with these columns (header text, alignment) and no rows.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> Self {
        let mut t = Table::default();
        for (head, align) in columns {
            t.column(head, align);
        }
        t
    }

    /// Adds a column; only before the first row.
    pub fn column(&mut self, head: impl Into<String>, align: Align) -> &mut Self {
        debug_assert!(self.rows.is_empty(), "a column added after rows");
        self.head.push(head.into());
        self.align.push(align);
        self
    }

    /// Adds a row: one cell per column.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells: Vec<String> = cells.into_iter().map(Into::into).collect();
        debug_assert_eq!(cells.len(), self.head.len(), "cells {cells:?}");
        self.rows.push(Some(cells));
    }

    /// Ends a group of rows: a blank line in the terminal, nothing in
    /// Markdown (a pipe table cannot have one).
    pub fn group_break(&mut self) {
        self.rows.push(None);
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(Option::is_none)
    }

    /// The rows, group breaks left out.
    pub fn rows(&self) -> impl Iterator<Item = &[String]> {
        self.rows.iter().flatten().map(Vec::as_slice)
    }

    /// The padded terminal table: every column as wide as its widest cell,
    /// two spaces between columns, no trailing spaces; a line per row.
    pub fn terminal(&self) -> String {
        let mut widths: Vec<usize> = self.head.iter().map(|h| h.chars().count()).collect();
        for cells in self.rows() {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for ((cell, &w), align) in cells.iter().zip(&widths).zip(&self.align) {
                let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                match align {
                    Align::Left => s.extend([cell.as_str(), &pad]),
                    Align::Right => s.extend([&pad, cell.as_str()]),
                }
                s.push_str("  ");
            }
            let mut s = s.trim_end().to_string();
            s.push('\n');
            s
        };
        let mut out = line(&self.head);
        for row in &self.rows {
            match row {
                Some(cells) => out.push_str(&line(cells)),
                None => out.push('\n'),
            }
        }
        out
    }

    /// The Markdown pipe table. Cells are written as given: escaping pipes
    /// and line breaks is the caller's, who knows which cells are code.
    pub fn markdown(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(&self.head);
        out.push('|');
        for a in &self.align {
            out.push_str(match a {
                Align::Left => "---|",
                Align::Right => "---:|",
            });
        }
        out.push('\n');
        for cells in self.rows() {
            out.push_str(&line(cells));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_breaks_are_blank_lines_in_the_terminal_only() {
        let mut t = Table::new([("a", Align::Left), ("n", Align::Right)]);
        t.row(["x", "1"]);
        t.group_break();
        t.row(["yyy", "22"]);
        assert_eq!(t.terminal(), "a     n\nx     1\n\nyyy  22\n");
        assert_eq!(
            t.markdown(),
            "| a | n |\n|---|---:|\n| x | 1 |\n| yyy | 22 |\n"
        );
        assert!(!t.is_empty());
        assert!(Table::new([("a", Align::Left)]).is_empty());
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        let mut t = Table::new([("mark", Align::Right), ("z", Align::Left)]);
        t.row(["⚠ x", ""]);
        assert_eq!(t.terminal(), "mark  z\n ⚠ x\n");
    }
}
