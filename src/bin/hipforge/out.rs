//! Standard output of the CLI: lines that end the process quietly when the reader has gone away
//! (`hipforge info | head -1`), and text tables whose columns line up whatever their contents.

use std::io::{self, Write};

/// `println!` that never panics: writes through [`text`].
macro_rules! outln {
    () => {
        $crate::out::text("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `s` to stdout. When the reader has closed the pipe (EPIPE) the process ends at once with exit code 0 and
/// no message — the reader took what it wanted; on any other write error it names the error on stderr and exits 1.
pub fn text(s: &str) {
    let mut o = io::stdout().lock();
    if let Err(e) = o.write_all(s.as_bytes()).and_then(|()| o.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        // stderr may be closed too; there is nothing more to say then.
        let _ = writeln!(io::stderr(), "hipforge: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Column alignment in a [`Table`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right (text).
    Left,
    /// Padded on the left (numbers).
    Right,
}

/// A text table: every column as wide as its widest cell (header included), two spaces between columns, the last
/// column unpadded.
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and alignments (one per column).
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            header: columns.iter().map(|(h, _)| h.to_string()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; missing cells are empty, extra cells are dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.header.len(), String::new());
        self.rows.push(cells);
    }

    /// The table as text, one line per row after the header, each ending in a newline.
    pub fn render(&self) -> String {
        let n = self.header.len();
        let width = |i: usize| {
            std::iter::once(&self.header[i])
                .chain(self.rows.iter().map(|r| &r[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..n).map(width).collect();
        let mut out = String::new();
        for cells in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = widths[i] - c.chars().count();
                match self.align[i] {
                    Align::Right => {
                        line.extend(std::iter::repeat(' ').take(pad));
                        line.push_str(c);
                    }
                    Align::Left if i + 1 == n => line.push_str(c),
                    Align::Left => {
                        line.push_str(c);
                        line.extend(std::iter::repeat(' ').take(pad));
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_with_wide_and_non_ascii_cells() {
        let mut t = Table::new(&[
            ("problem", Align::Left),
            ("device", Align::Left),
            ("ms", Align::Right),
            ("result", Align::Left),
        ]);
        t.row(vec![
            "gemm".into(),
            "hipforge emulator (gfx950)".into(),
            "12.5".into(),
            "pass".into(),
        ]);
        t.row(vec![
            "attention · causal".into(),
            "cpu".into(),
            "1234.0".into(),
            "ERROR: x".into(),
        ]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        // The device column starts, and the time column ends, at the same character in every line.
        let col = |l: &str, needle: &str| l.chars().count() - l[l.find(needle).unwrap()..].chars().count();
        assert_eq!(col(lines[0], "device"), col(lines[1], "hipforge"));
        assert_eq!(col(lines[1], "hipforge"), col(lines[2], "cpu"));
        let end = |l: &str, needle: &str| col(l, needle) + needle.chars().count();
        assert_eq!(end(lines[0], "ms"), end(lines[1], "12.5"));
        assert_eq!(end(lines[1], "12.5"), end(lines[2], "1234.0"));
        assert!(lines.iter().all(|l| !l.ends_with(' ')), "{text}");
    }
}
