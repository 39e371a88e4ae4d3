//! Typing each row's cells into the table's columns, whatever file the
//! rows come from, with every bad value named at its place.

use super::cells::{parse_boolean, parse_integer, parse_number, DateFormats, LARGEST_NUMBER};
use super::headers::Positions;
use super::periods::is_period;
use super::place::{locate, Where};
use super::values::Values;
use super::Table;
use crate::codes::{CodeList, Unmapped};
use crate::diagnostics::{quoted, Diagnostic, Diagnostics};
use crate::project::DatasetConfig;
use std::path::Path;

/// Stop listing bad values in one file after this many; the rest are counted.
pub(super) const MAX_VALUE_ERRORS_PER_FILE: usize = 20;

/// No cell of a case-management extract is this long; a longer one is a
/// broken export (an unclosed quote swallowing the file, say).
pub(super) const MAX_FIELD_BYTES: usize = 1 << 20;

/// Types rows cell by cell into a `Table`, whatever file they come from.
pub(crate) struct Typer<'a> {
    path: &'a Path,
    config: &'a DatasetConfig,
    positions: Positions,
    columns: Vec<(String, Values)>,
    code_lists: Vec<Option<CodeList>>,
    nulls: NullMarkers<'a>,
    formats: DateFormats<'a>,
    errors: ValueErrors,
    rows: usize,
}

impl<'a> Typer<'a> {
    /// `iso_dates`: also read `YYYY-MM-DD`, as a workbook's date cells are given.
    pub(crate) fn new(path: &'a Path, config: &'a DatasetConfig, positions: Positions, iso_dates: bool) -> Typer<'a> {
        let columns = positions.iter().map(|(name, _, kind)| (name.clone(), Values::new(*kind))).collect();
        let code_lists = positions.iter().map(|(name, ..)| config.codes_of(name).map(CodeList::new)).collect();
        let formats = DateFormats::new(&config.date_formats, iso_dates);
        let nulls = NullMarkers::new(&config.null_markers);
        Typer { path, config, positions, columns, code_lists, nulls, formats, errors: ValueErrors::default(), rows: 0 }
    }

    /// One row: `field(index)` is the text of the cell at that index.
    pub(crate) fn push_row<'f>(&mut self, field: impl Fn(usize) -> &'f str, at: &Where) -> Result<(), Diagnostics> {
        let config = self.config;
        let cells = self.positions.iter().zip(self.columns.iter_mut()).zip(self.code_lists.iter_mut());
        for (((name, index, _), (_, values)), code_list) in cells {
            let raw = field(*index);
            if raw.len() > MAX_FIELD_BYTES {
                let message =
                    format!("(`{name}`) holds {} bytes: no extract value is that long (an unclosed quote?)", raw.len());
                return Err(locate(self.path, at, *index, message).into());
            }
            // Only coded columns look the value up (a blank is no value, not an unmapped one).
            let blank = || self.nulls.matches(trimmed(raw));
            let raw = match code_list {
                Some(list) if !blank() => list.code(raw).unwrap_or(raw),
                _ => raw,
            };
            let cell = Cell { path: self.path, at, column: *index, name, raw };
            let reported = self.errors.count();
            push_value(values, &cell, config, (&self.nulls, &self.formats), &mut self.errors);
            let period_column = config.period_column_name() == Some(name.as_str());
            // Checked here, where the row's own line (or cell, or element) is
            // known: a row can span lines (a quoted line break), a workbook
            // has title rows. A value already refused is not told twice.
            if period_column && self.errors.count() == reported && !is_period(trimmed(raw)) {
                self.errors.push(&cell, &|| "a period (YYYY-MM, YYYYYY or YYYY)".into());
            }
        }
        self.rows += 1;
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<Table, Diagnostics> {
        let path = self.path;
        self.errors.into_result(path)?;
        let mut unmapped = Vec::new();
        for ((name, ..), list) in self.positions.iter().zip(self.code_lists) {
            if let Some(list) = list.filter(|list| list.unmapped_rows > 0) {
                let examples = list.examples.join(", ");
                tracing::warn!(file = %path.display(), column = %name, rows = list.unmapped_rows, %examples, "values not in the column's code list, kept as written");
                unmapped.push(Unmapped { column: name.clone(), rows: list.unmapped_rows, examples: list.examples });
            }
        }
        // An optional column the file lacks is a column of blanks, in its
        // declared place, and named so the indicators using it say so.
        let mut typed: std::collections::BTreeMap<String, Values> = self.columns.into_iter().collect();
        let mut absent = Vec::new();
        let mut columns = Vec::with_capacity(self.config.column_types().count());
        for (name, kind) in self.config.column_types() {
            let values = typed.remove(name).unwrap_or_else(|| {
                absent.push(name.to_string());
                let mut blanks = Values::new(kind);
                (0..self.rows).for_each(|_| blanks.push_null());
                blanks
            });
            columns.push((name.to_string(), values));
        }
        Ok(Table { columns, rows: self.rows, unmapped, reference_date: None, absent })
    }
}

pub(super) struct Cell<'a> {
    path: &'a Path,
    at: &'a Where<'a>,
    /// The cell's index in its row (0-based).
    column: usize,
    name: &'a str,
    raw: &'a str,
}

#[derive(Default)]
pub(super) struct ValueErrors {
    listed: Vec<Diagnostic>,
    unlisted: usize,
}

impl ValueErrors {
    fn count(&self) -> usize {
        self.listed.len() + self.unlisted
    }

    fn push(&mut self, cell: &Cell, expected: &dyn Fn() -> String) {
        if self.listed.len() >= MAX_VALUE_ERRORS_PER_FILE {
            self.unlisted += 1;
            return;
        }
        let message = format!("(`{}`): `{}` is not {}", quoted(cell.name), quoted(cell.raw), expected());
        self.listed.push(locate(cell.path, cell.at, cell.column, message));
    }

    fn into_result(self, path: &Path) -> Result<(), Diagnostics> {
        let mut diagnostics = Diagnostics(self.listed);
        if self.unlisted > 0 {
            diagnostics.push(Diagnostic::file(path, format!("... and {} more bad values in this file", self.unlisted)));
        }
        diagnostics.into_result(())
    }
}

/// Inlined into each row's loop: a call per cell (tens of millions in a
/// consortium's run) was a tenth of reading's time (BENCHMARKS.md).
#[inline(always)]
pub(super) fn push_value(
    values: &mut Values,
    cell: &Cell,
    config: &DatasetConfig,
    (nulls, formats): (&NullMarkers, &DateFormats),
    errors: &mut ValueErrors,
) {
    let text = trimmed(cell.raw);
    if nulls.matches(text) {
        return values.push_null();
    }
    match values {
        Values::Text(v) => v.push(Some(text)),
        Values::Integer(v) => v.push(parsed_or_reported(
            parse_integer(text),
            cell,
            &|| format!("a whole number between -{LARGEST_NUMBER:e} and {LARGEST_NUMBER:e}"),
            errors,
        )),
        Values::Number(v) => v.push(parsed_or_reported(
            parse_number(text),
            cell,
            &|| format!("a number between -{LARGEST_NUMBER:e} and {LARGEST_NUMBER:e}"),
            errors,
        )),
        Values::Date(v) => {
            let expected = || format!("a date in the format {}", config.date_formats.join(" or "));
            v.push(parsed_or_reported(formats.parse(text), cell, &expected, errors));
        }
        Values::Boolean(v) => {
            let expected = || "yes or no (true/false, yes/no, y/n, 1/0, a) Yes/b) No)".into();
            v.push(parsed_or_reported(parse_boolean(text), cell, &expected, errors));
        }
    }
}

/// `str::trim`, without its search for Unicode spaces in the usual cell
/// that starts and ends with a printable ASCII character.
pub(super) fn trimmed(text: &str) -> &str {
    let printable = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_graphic);
    match printable(text.as_bytes().first()) && printable(text.as_bytes().last()) {
        true => text,
        false => text.trim(),
    }
}

/// A dataset's null markers (matched ignoring ASCII case), with the longest
/// one's length: most cells (ids, dates) are longer, and need no comparing.
pub(super) struct NullMarkers<'a> {
    markers: &'a [String],
    longest: usize,
}

impl<'a> NullMarkers<'a> {
    fn new(markers: &'a [String]) -> NullMarkers<'a> {
        NullMarkers { markers, longest: markers.iter().map(String::len).max().unwrap_or(0) }
    }

    fn matches(&self, text: &str) -> bool {
        text.len() <= self.longest && self.markers.iter().any(|marker| marker.eq_ignore_ascii_case(text))
    }
}

pub(super) fn parsed_or_reported<T>(
    parsed: Option<T>,
    cell: &Cell,
    expected: &dyn Fn() -> String,
    errors: &mut ValueErrors,
) -> Option<T> {
    if parsed.is_none() {
        errors.push(cell, expected);
    }
    parsed
}
