//! The report: each line printed as it goes and kept for
//! `benches/RESULTS.md`, and each figure that misses its goal, with why,
//! for its end.

use std::fmt::Write as _;

#[derive(Default)]
pub struct Report {
    text: String,
    misses: Vec<String>,
}

impl Report {
    pub fn line(&mut self, text: impl AsRef<str>) {
        println!("{}", text.as_ref());
        let _ = writeln!(self.text, "{}", text.as_ref());
    }

    /// A figure below its goal, and why, for the end of the report.
    pub fn miss(&mut self, why: String) {
        self.misses.push(why);
    }

    /// Ends with what misses its goal, and writes the file.
    /// The misses so far, on the standard output only (each line was
    /// printed as it came).
    pub fn print(&self) {
        for miss in &self.misses {
            println!("- {miss}");
        }
    }

    pub fn finish(mut self) {
        self.line("");
        self.line("## What misses its goal, and why");
        self.line("");
        if self.misses.is_empty() {
            self.line("Nothing: every figure meets its goal.");
        }
        for miss in std::mem::take(&mut self.misses) {
            self.line(format!("- {miss}"));
        }
        std::fs::write("benches/RESULTS.md", &self.text).expect("write benches/RESULTS.md");
        println!("\nwritten to benches/RESULTS.md");
    }
}
