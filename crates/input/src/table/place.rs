//! Where a cell is, for error messages: a CSV line and column, a sheet's
//! cell as Excel names it, or an XML record's element.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// A sheet's cell as Excel names it: `List 3!F12` (row and column 0-based here).
pub(crate) fn cell_name(sheet: &str, row: u32, column: usize) -> String {
    let mut letters = Vec::new();
    let mut number = column + 1;
    while number > 0 {
        letters.push(b'A' + ((number - 1) % 26) as u8);
        number = (number - 1) / 26;
    }
    letters.reverse();
    let quoted = if sheet.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{sheet}'")
    };
    format!("{quoted}!{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Where a row is, for error messages.
pub(crate) enum Where<'a> {
    /// A CSV record starting at `offset`.
    Line { lines: &'a Lines<'a>, offset: usize },
    /// A sheet's row (0-based).
    Row { sheet: &'a str, row: u32 },
    /// An XML record starting on `line`; its cells are elements.
    Element { line: usize },
}

/// A problem with one cell: at its line and column in a CSV, or named as
/// Excel names the cell in a sheet.
pub(super) fn locate(path: &Path, at: &Where, index: usize, message: String) -> Diagnostic {
    match at {
        Where::Line { lines, offset } => {
            Diagnostic::at(path, lines.of(*offset), index + 1, format!("column {} {message}", index + 1))
        }
        Where::Row { sheet, row } => Diagnostic::file(path, format!("{} {message}", cell_name(sheet, *row, index))),
        Where::Element { line } => Diagnostic::at(path, *line, 1, format!("record starting here, field {message}")),
    }
}

/// Line numbers for error messages, worked out only when one is needed.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    newlines: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Lines<'a> {
        Lines { bytes, newlines: std::cell::OnceCell::new() }
    }

    /// 1-based line of the record starting at `offset`. Counted here rather
    /// than taken from the csv reader: on CRLF files the reader's record
    /// position is the `\n` that ends the previous line.
    pub(crate) fn of(&self, mut offset: usize) -> usize {
        let bytes = self.bytes;
        let newlines = self.newlines.get_or_init(|| memchr::memchr_iter(b'\n', bytes).collect());
        while bytes.get(offset).is_some_and(|byte| matches!(byte, b'\r' | b'\n')) {
            offset += 1;
        }
        newlines.partition_point(|at| *at < offset) + 1
    }
}
