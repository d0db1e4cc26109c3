//! Progress while kernels run: a bar on a terminal, plain lines otherwise.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};

/// Receives the runner's progress.
pub trait Progress {
    /// `total` kernels are about to run.
    fn begin(&mut self, total: usize);
    /// `kernel` enters phase `what` (`reference`, `verify`, `time`).
    fn step(&mut self, kernel: &str, what: &str);
    /// `kernel` is done.
    fn done(&mut self, kernel: &str);
    /// All kernels are done.
    fn finish(&mut self);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn begin(&mut self, _: usize) {}
    fn step(&mut self, _: &str, _: &str) {}
    fn done(&mut self, _: &str) {}
    fn finish(&mut self) {}
}

/// A bar on stderr if it is a terminal, one line per kernel otherwise.
pub fn stderr() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar(None))
    } else {
        Box::new(Lines { done: 0, total: 0 })
    }
}

struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn begin(&mut self, total: usize) {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        self.0 = Some(bar);
    }
    fn step(&mut self, kernel: &str, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("{kernel}: {what}"));
        }
    }
    fn done(&mut self, _: &str) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
    fn finish(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

struct Lines {
    done: usize,
    total: usize,
}

impl Progress for Lines {
    fn begin(&mut self, total: usize) {
        self.total = total;
    }
    fn step(&mut self, _: &str, _: &str) {}
    fn done(&mut self, kernel: &str) {
        self.done += 1;
        let _ = writeln!(std::io::stderr(), "[{}/{}] {kernel}", self.done, self.total);
    }
    fn finish(&mut self) {}
}
