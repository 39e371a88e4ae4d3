//! Reading extracts: CSV files in the shapes declared in `scorecard.toml`,
//! parsed into typed columns. Every bad value is reported with file, line,
//! column and the value itself. Polars is not used here: `evaluate` turns a
//! `Table` into a frame.
//!
//! One concept per file: `values` holds the column buffers, `splitter` the
//! fast CSV splitter, `headers` the matching of header cells to declared
//! columns, `typer` the typing of each row's cells, `cells` the parsing of
//! one cell's text, `place` where a cell is (line, sheet cell or element),
//! and `periods` the period column of a periodic file. This file holds the
//! two CSV readers (the fast splitter and the csv crate's, for quoted files).

mod cells;
mod headers;
mod periods;
mod place;
mod splitter;
mod typer;
mod values;

pub(crate) use headers::{at_header, column_positions, missing_columns};
pub use periods::row_periods;
pub(crate) use place::{cell_name, Lines, Where};
pub(crate) use typer::Typer;
pub use values::{Texts, Values};

use super::codes::Unmapped;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::DatasetConfig;
use splitter::{for_each_simple_record, Split};
use std::path::Path;

/// One extract's typed columns, in the order the project declares them.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Each declared column's name and values.
    pub columns: Vec<(String, Values)>,
    /// The number of records.
    pub rows: usize,
    /// Values of coded columns that are in no code (kept as written).
    pub unmapped: Vec<Unmapped>,
    /// The day a statutory return says it describes (its header's
    /// `<ReferenceDate>`); none for other files.
    pub reference_date: Option<chrono::NaiveDate>,
    /// Optional columns the file lacks (held as blanks).
    pub absent: Vec<String>,
}

/// A CSV extract's bytes read into the dataset's typed columns; every bad cell is a diagnostic naming its line, column and value.
pub fn parse_table(path: &Path, bytes: &[u8], config: &DatasetConfig) -> Result<Table, Diagnostics> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::file(path, "extract is empty: expected a header line naming the columns").into());
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(Diagnostic::file(path, "this is an Excel workbook (or another zip), not a CSV file")
            .with_help("save it from Excel as \"CSV UTF-8\"")
            .into());
    }
    let decoded;
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            // Excel on Windows saves "CSV" as Windows-1252 (a £ is byte 0xA3).
            tracing::warn!(file = %path.display(), "not UTF-8: read as Windows-1252");
            decoded = encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned();
            decoded.as_str()
        }
    };
    match simple_line_ends(text) {
        true => parse_simple(path, text, config),
        false => parse_quoted(path, text, config),
    }
}

/// A carriage return only before a line feed: every line ends as the csv
/// crate would end it, so the fast splitter can read the file.
fn simple_line_ends(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).all(|at| bytes.get(at + 1) == Some(&b'\n'))
}

/// A file read by splitting it at commas and line feeds, found 64 bytes at
/// a time: several times quicker than the csv crate's state machine, which
/// was the largest single cost of reading a consortium's thousands of
/// extracts (BENCHMARKS.md). Quoted fields without quotes inside ("2B,3A")
/// are read too; anything else quoted (`""`, a quote mid-field) sends the
/// whole file to the csv crate. Tested to read every file as the csv crate does.
fn parse_simple(path: &Path, text: &str, config: &DatasetConfig) -> Result<Table, Diagnostics> {
    let lines = Lines::new(text.as_bytes());
    let mut started: Option<(usize, usize, Typer)> = None;
    let split = for_each_simple_record(text, |record| {
        let Some((width, wanted, typer)) = started.as_mut() else {
            let positions = column_positions(path, record.fields, config).map_err(|found| at_header(found, None))?;
            // Only the columns in use are read: the splitter may leave out the fields after them.
            let wanted = positions.iter().map(|(_, index, _)| index + 1).max().unwrap_or(1);
            started = Some((record.count, wanted, Typer::new(path, config, positions, false)));
            return Ok(wanted);
        };
        let (fields, offset) = (record.fields, record.line_start);
        if record.count != *width {
            return Err(unequal_lengths(path, lines.of(offset), record.count, *width).into());
        }
        // Fields given all blank are the whole record: the splitter passes over nothing after blanks.
        if fields.iter().all(|field| field.trim_ascii().is_empty()) {
            return Ok(*wanted); // blank lines, e.g. trailing ones from Excel
        }
        typer.push_row(|index| fields.get(index).copied().unwrap_or(""), &Where::Line { lines: &lines, offset })?;
        Ok(*wanted)
    })?;
    match (split, started) {
        (Split::Irregular, _) => parse_quoted(path, text, config),
        (Split::Done, Some((_, _, typer))) => typer.finish(),
        (Split::Done, None) => Err(at_header(column_positions(path, &[], config).err().unwrap_or_default(), None)),
    }
}

fn parse_quoted(path: &Path, text: &str, config: &DatasetConfig) -> Result<Table, Diagnostics> {
    let bytes = text.as_bytes();
    let lines = Lines::new(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let headers = reader.headers().map_err(|error| csv_error(path, &lines, &error))?.clone();
    let headers: Vec<&str> = headers.iter().collect();
    let positions = column_positions(path, &headers, config).map_err(|found| at_header(found, None))?;
    let mut typer = Typer::new(path, config, positions, false);
    // One record reused for every row; fields are slices of the file, which
    // is valid UTF-8, so each field is too.
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(|error| csv_error(path, &lines, &error))? {
        if record.iter().all(|field| field.trim_ascii().is_empty()) {
            continue; // blank lines, e.g. trailing ones from Excel
        }
        let offset = record.position().map_or(0, |position| position.byte() as usize);
        let field = |index: usize| std::str::from_utf8(record.get(index).unwrap_or(b"")).unwrap_or("");
        typer.push_row(field, &Where::Line { lines: &lines, offset })?;
    }
    typer.finish()
}

/// A row with more or fewer fields than the header: the same words from
/// either reader.
fn unequal_lengths(path: &Path, line: usize, found: usize, header: usize) -> Diagnostic {
    let message = format!("malformed CSV: this row has {found} fields but the header has {header}");
    Diagnostic::at(path, line, 1, message)
        .with_help("a comma inside a value needs the value in double quotes; or a column is missing on this row")
}

/// The csv crate's error, at the line its record starts on (counted here:
/// the crate's own line count is one short after a CRLF line).
fn csv_error(path: &Path, lines: &Lines, error: &csv::Error) -> Diagnostic {
    let line = error.position().map(|position| lines.of(position.byte() as usize));
    match (error.kind(), line) {
        (csv::ErrorKind::UnequalLengths { expected_len, len, .. }, Some(line)) => {
            unequal_lengths(path, line, *len as usize, *expected_len as usize)
        }
        (_, Some(line)) => Diagnostic::at(path, line, 1, format!("malformed CSV: {error}")),
        (_, None) => Diagnostic::file(path, format!("malformed CSV: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::project::ColumnType;

    /// A dataset declared as in scorecard.toml, with these columns.
    fn config(columns: &[(&str, ColumnType)]) -> DatasetConfig {
        let columns: Vec<String> =
            columns.iter().map(|(name, kind)| format!("{name} = \"{}\"", format!("{kind:?}").to_lowercase())).collect();
        let declared = format!(
            "layout = \"monthly\"\nfile = \"x.csv\"\ndate_formats = [\"%d/%m/%Y\"]\nnull_markers = [\"\", \"NULL\"]\ncolumns = {{ {} }}",
            columns.join(", ")
        );
        toml::from_str(&declared).expect("a dataset as scorecard.toml declares one")
    }

    #[test]
    fn bom_crlf_and_header_drift_are_normalised() {
        let config = config(&[("CHILD", ColumnType::Text), ("DECOM", ColumnType::Date), ("N", ColumnType::Integer)]);
        let bytes = b"\xEF\xBB\xBFchild ,DECOM,N\r\nC1,01/04/2024,10.0\r\nC2,NULL,\r\n\r\n";
        let table = parse_table(Path::new("e.csv"), bytes, &config).unwrap();
        assert_eq!(table.rows, 2);
        assert_eq!(table.columns[1].1, Values::Date(vec![Day::from_ymd(2024, 4, 1), None]));
        assert_eq!(table.columns[2].1, Values::Integer(vec![Some(10), None]));
    }

    #[test]
    fn bad_values_name_line_column_and_value() {
        let config = config(&[("CHILD", ColumnType::Text), ("DECOM", ColumnType::Date)]);
        let bytes = b"CHILD,DECOM\nC1,01/04/2024\nC2,31/02/2025\n";
        let errors = parse_table(Path::new("e.csv"), bytes, &config).unwrap_err();
        let error = &errors.0[0];
        assert_eq!((error.line, error.column), (3, 2));
        assert!(error.message.contains("`31/02/2025` is not a date"), "{}", error.message);
    }

    #[test]
    fn missing_column_suggests_the_near_header() {
        let config = config(&[("DECOM", ColumnType::Date)]);
        let errors = parse_table(Path::new("e.csv"), b"CHILD,DECOMM\n", &config).unwrap_err();
        assert_eq!(errors.0[0].help.as_deref(), Some("did you mean `DECOMM`?"));
    }

    /// The fast reader against the csv crate, on files of the characters
    /// extracts hold and the ways lines go wrong: blank lines, CRLF, blank
    /// cells, ragged rows, bad dates, quoted cells (read by the fast reader
    /// or handed to the csv crate). Both must give the same table, or the
    /// same first error at the same line, whichever columns are in use
    /// (the fast reader passes over the fields after the last one).
    #[test]
    fn files_are_read_as_the_csv_crate_reads_them() {
        use proptest::prelude::*;
        let (child, decom, n) = (("CHILD", ColumnType::Text), ("DECOM", ColumnType::Date), ("N", ColumnType::Integer));
        let configs = [config(&[child, decom, n]), config(&[child]), config(&[decom]), config(&[child, decom])];
        let cell = prop::sample::select(vec![
            "C1",
            " C2 ",
            "",
            "NULL",
            "01/04/2024",
            "31/02/2024",
            "7",
            "x",
            "é",
            "\"2B,3A\"",
            "\"\"",
            "\"C\n3\"",
            "\"a\"\"b\"",
            "\"q\"x",
            "a\"b",
            "\"open",
            "\"\r\n\"",
        ]);
        let end = prop::sample::select(vec!["\n", "\r\n", "\n\n", ",\n", "", "\r\n\r\n"]);
        let row = (prop::collection::vec(cell, 1..5), end).prop_map(|(cells, end)| cells.join(",") + end);
        let file = prop::collection::vec(row, 0..12).prop_map(|rows| format!("CHILD,DECOM,N\n{}", rows.concat()));
        // A fixed seed: the same files each run, so the counts below are too.
        let settings = proptest::test_runner::Config { cases: 3000, failure_persistence: None, ..Default::default() };
        let rng = proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha);
        let mut runner = proptest::test_runner::TestRunner::new_with_rng(settings, rng);
        let path = Path::new("e.csv");
        let first_error = |result: Result<Table, Diagnostics>| {
            result.map_err(|errors| (errors.0[0].line, errors.0[0].message.clone()))
        };
        let (fast, fast_with_quotes) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        runner
            .run(&file, |text| {
                prop_assume!(simple_line_ends(&text));
                if matches!(for_each_simple_record(&text, |_| Ok(usize::MAX)), Ok(Split::Done)) {
                    fast.set(fast.get() + 1);
                    fast_with_quotes.set(fast_with_quotes.get() + usize::from(text.contains('"')));
                }
                for config in &configs {
                    let simple = first_error(parse_simple(path, &text, config));
                    let quoted = first_error(parse_quoted(path, &text, config));
                    prop_assert_eq!(simple, quoted, "{:?} {:?}", text, config.column_types().collect::<Vec<_>>());
                }
                Ok(())
            })
            .unwrap();
        assert!(fast.get() > 300 && fast_with_quotes.get() > 100, "{} {}", fast.get(), fast_with_quotes.get());
    }

    #[test]
    fn a_ragged_row_is_named_by_its_line_in_either_reader() {
        let config = config(&[("CHILD", ColumnType::Text)]);
        // Line 3 has three fields: unquoted in the first file, and the second
        // file has a quoted value, so the csv crate reads it.
        for text in ["CHILD,DECOM\nC1,x\nC2,y,z\n", "CHILD,DECOM\n\"C1\",x\nC2,y,z\n"] {
            let errors = parse_table(Path::new("e.csv"), text.as_bytes(), &config).unwrap_err();
            assert_eq!(errors.0[0].line, 3, "{text}");
            assert_eq!(errors.0[0].message, "malformed CSV: this row has 3 fields but the header has 2", "{text}");
        }
    }

    #[test]
    fn empty_file_is_an_error() {
        let config = config(&[("DECOM", ColumnType::Date)]);
        let errors = parse_table(Path::new("e.csv"), b"", &config).unwrap_err();
        assert!(errors.0[0].message.contains("empty"));
    }
}
