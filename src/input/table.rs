//! Reading extracts: CSV files in the shapes declared in `scorecard.toml`,
//! parsed into typed columns. Every bad value is reported with file, line,
//! column and the value itself. Polars is not used here: `evaluate` turns a
//! `Table` into a frame.

use super::codes::{CodeList, Unmapped};
use super::day::Day;
use crate::diagnostics::{did_you_mean, quoted, Diagnostic, Diagnostics};
use crate::project::{ColumnType, DatasetConfig, Month};
use chrono::NaiveDate;

use std::path::Path;

/// Stop listing bad values in one file after this many; the rest are counted.
const MAX_VALUE_ERRORS_PER_FILE: usize = 20;

/// No cell of a case-management extract is this long; a longer one is a
/// broken export (an unclosed quote swallowing the file, say).
const MAX_FIELD_BYTES: usize = 1 << 20;

/// Excel's day 0 for serial dates (1900 date system, after its leap-year bug).
const EXCEL_EPOCH: (i32, u32, u32) = (1899, 12, 30);

#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Text(Texts),
    Integer(Vec<Option<i64>>),
    Number(Vec<Option<f64>>),
    Date(Vec<Option<Day>>),
    Boolean(Vec<Option<bool>>),
}

/// A text column in one buffer: a string per cell would be millions of
/// small allocations for a consortium's extracts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    buffer: String,
    /// Where each cell ends in `buffer`; None for a blank (null) cell.
    ends: Vec<Option<usize>>,
}

impl Texts {
    pub fn push(&mut self, text: Option<&str>) {
        self.ends.push(text.map(|text| {
            self.buffer.push_str(text);
            self.buffer.len()
        }));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |end| {
            end.map(|end| {
                let text = &self.buffer[start..end];
                start = end;
                text
            })
        })
    }
}

impl<'a> FromIterator<Option<&'a str>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(cells: I) -> Texts {
        let mut texts = Texts::default();
        cells.into_iter().for_each(|cell| texts.push(cell));
        texts
    }
}

impl Values {
    fn new(kind: ColumnType) -> Values {
        match kind {
            ColumnType::Text => Values::Text(Texts::default()),
            ColumnType::Integer => Values::Integer(Vec::new()),
            ColumnType::Number => Values::Number(Vec::new()),
            ColumnType::Date => Values::Date(Vec::new()),
            ColumnType::Boolean => Values::Boolean(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Integer(v) => v.len(),
            Values::Number(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Boolean(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A blank cell (a null marker): nothing is parsed.
    fn push_null(&mut self) {
        match self {
            Values::Text(v) => v.push(None),
            Values::Integer(v) => v.push(None),
            Values::Number(v) => v.push(None),
            Values::Date(v) => v.push(None),
            Values::Boolean(v) => v.push(None),
        }
    }
}

/// One extract's typed columns, in the order the project declares them.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<(String, Values)>,
    pub rows: usize,
    /// Values of coded columns that are in no code (kept as written).
    pub unmapped: Vec<Unmapped>,
    /// The day a statutory return says it describes (its header's
    /// `<ReferenceDate>`); none for other files.
    pub reference_date: Option<chrono::NaiveDate>,
    /// Optional columns the file lacks (held as blanks).
    pub absent: Vec<String>,
}

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
    let text = match std::str::from_utf8(bytes) {
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
    let mut started: Option<(usize, Typer)> = None;
    let split = for_each_simple_record(text, |offset, fields| {
        let Some((width, typer)) = started.as_mut() else {
            let positions = column_positions(path, fields, config).map_err(|found| at_header(found, None))?;
            started = Some((fields.len(), Typer::new(path, config, positions, false)));
            return Ok(());
        };
        if fields.len() != *width {
            return Err(unequal_lengths(path, lines.of(offset), fields.len(), *width).into());
        }
        if fields.iter().all(|field| field.trim_ascii().is_empty()) {
            return Ok(()); // blank lines, e.g. trailing ones from Excel
        }
        typer.push_row(|index| fields.get(index).copied().unwrap_or(""), &Where::Line { lines: &lines, offset })
    })?;
    match (split, started) {
        (Split::Irregular, _) => parse_quoted(path, text, config),
        (Split::Done, Some((_, typer))) => typer.finish(),
        (Split::Done, None) => Err(at_header(column_positions(path, &[], config).err().unwrap_or_default(), None)),
    }
}

/// Whether the fast splitter read every record of a file.
#[derive(Debug, PartialEq)]
enum Split {
    Done,
    /// It met a quote it does not read as the csv crate would.
    Irregular,
}

/// Each record of a file with simple line ends, with the byte offset its
/// line starts at. Empty lines are skipped, as the csv crate skips them; a
/// line's `\r\n` ends it like a `\n`. A field may be quoted if it has no
/// quote inside and its closing quote ends it.
fn for_each_simple_record<'a>(
    text: &'a str,
    mut each: impl FnMut(usize, &[&'a str]) -> Result<(), Diagnostics>,
) -> Result<Split, Diagnostics> {
    let bytes = text.as_bytes();
    let mut fields: Vec<&str> = Vec::new();
    let (mut line_start, mut field_start) = (0, 0);
    // The text inside the quotes of the field being read, if it is quoted.
    let mut quoted: Option<&str> = None;
    let mut specials = Specials::new(bytes);
    // A last line without a line feed ends at the end of the file.
    let mut unterminated = !text.ends_with('\n');
    loop {
        let at = match specials.next() {
            // Most specials are commas ending an unquoted field.
            Some((at, true)) if quoted.is_none() => {
                // SAFETY: `field_start` is 0 or just after an ASCII byte, and
                // `at` is at an ASCII comma: both are character boundaries.
                fields.push(unsafe { text.get_unchecked(field_start..at) });
                field_start = at + 1;
                continue;
            }
            Some((at, _)) => at,
            None if std::mem::take(&mut unterminated) => bytes.len(),
            None => break,
        };
        if bytes.get(at) == Some(&b'"') {
            if at != field_start || quoted.is_some() {
                return Ok(Split::Irregular);
            }
            let Some(close) = memchr::memchr(b'"', &bytes[at + 1..]).map(|length| at + 1 + length) else {
                return Ok(Split::Irregular);
            };
            if !matches!(&bytes[close + 1..], [] | [b',' | b'\n', ..] | [b'\r', b'\n', ..]) {
                return Ok(Split::Irregular);
            }
            quoted = Some(&text[at + 1..close]);
            specials.skip_to(close + 1);
            continue;
        }
        let line_ends = bytes.get(at).is_none_or(|byte| *byte == b'\n');
        let end = if line_ends && at > field_start && bytes[at - 1] == b'\r' { at - 1 } else { at };
        let empty_line = line_ends && fields.is_empty() && quoted.is_none() && end == line_start;
        fields.push(quoted.take().unwrap_or_else(|| &text[field_start..end]));
        field_start = at + 1;
        if line_ends {
            if !empty_line {
                each(line_start, &fields)?;
            }
            fields.clear();
            line_start = at + 1;
        }
    }
    Ok(Split::Done)
}

/// The positions of the bytes that split a CSV file (comma, line feed,
/// quote) in order, found 64 bytes at a time as a mask of bits: three
/// times quicker than memchr's search, which restarts at every field of
/// a few bytes (BENCHMARKS.md).
struct Specials<'a> {
    bytes: &'a [u8],
    /// Where the current block of 64 starts.
    block: usize,
    /// The block's special bytes not yet returned, one bit each.
    mask: u64,
    /// The block's commas, one bit each.
    commas: u64,
}

impl<'a> Specials<'a> {
    fn new(bytes: &'a [u8]) -> Specials<'a> {
        let (mask, commas) = masks_at(bytes, 0);
        Specials { bytes, block: 0, mask, commas }
    }

    /// The next special's position, and whether it is a comma.
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.mask == 0 {
            self.block += 64;
            if self.block >= self.bytes.len() {
                return None;
            }
            (self.mask, self.commas) = masks_at(self.bytes, self.block);
        }
        let bit = self.mask & self.mask.wrapping_neg();
        self.mask ^= bit;
        Some((self.block + bit.trailing_zeros() as usize, self.commas & bit != 0))
    }

    /// Go on from `at`: the specials before it are passed over.
    fn skip_to(&mut self, at: usize) {
        let block = at - at % 64;
        if block != self.block {
            self.block = block;
            (self.mask, self.commas) = masks_at(self.bytes, block);
        }
        self.mask &= u64::MAX << (at % 64);
    }
}

/// The masks (specials, commas) of the 64 bytes from `start`; past the end
/// counts as no special.
fn masks_at(bytes: &[u8], start: usize) -> (u64, u64) {
    match bytes.get(start..start + 64) {
        Some(block) => block_masks(block.try_into().expect("64 bytes")),
        None => {
            let mut block = [0; 64];
            let rest = bytes.get(start..).unwrap_or_default();
            block[..rest.len()].copy_from_slice(rest);
            block_masks(&block)
        }
    }
}

/// One bit for each comma, line feed or quote among 64 bytes, and one for
/// each comma, compared 16 at a time (SSE2, which every x86-64 processor has).
#[cfg(target_arch = "x86_64")]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let (mut mask, mut commas) = (0, 0);
    for (part, sixteen) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions
        // exist; the load reads the 16 bytes of `sixteen` (unaligned is allowed).
        let (found, comma) = unsafe {
            let bytes = _mm_loadu_si128(sixteen.as_ptr().cast());
            let comma = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b',' as i8));
            let line_feed = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
            let quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
            let found = _mm_or_si128(_mm_or_si128(comma, line_feed), quote);
            (_mm_movemask_epi8(found), _mm_movemask_epi8(comma))
        };
        mask |= u64::from(found as u16) << (16 * part);
        commas |= u64::from(comma as u16) << (16 * part);
    }
    (mask, commas)
}

#[cfg(not(target_arch = "x86_64"))]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    scalar_block_masks(block)
}

/// The same masks a byte at a time: the splitter on other processors, and
/// compiled in tests everywhere, so x86 CI checks the SSE2 one against it.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn scalar_block_masks(block: &[u8; 64]) -> (u64, u64) {
    let bits = |wanted: &dyn Fn(u8) -> bool| {
        block.iter().enumerate().fold(0, |mask, (index, byte)| mask | u64::from(wanted(*byte)) << index)
    };
    (bits(&|byte| matches!(byte, b',' | b'\n' | b'"')), bits(&|byte| byte == b','))
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

/// Header problems are said at line 1 of a CSV, or at the header row of a sheet.
pub(super) fn at_header(found: HeaderProblems, sheet: Option<(&str, u32)>) -> Diagnostics {
    let place = |(column, mut diagnostic): (usize, Diagnostic)| {
        match sheet {
            None => (diagnostic.line, diagnostic.column) = (1, column + 1),
            Some((sheet, row)) => {
                diagnostic.message = format!("{}: {}", cell_name(sheet, row, column), diagnostic.message)
            }
        }
        diagnostic
    };
    Diagnostics(found.into_iter().map(place).collect())
}

/// A sheet's cell as Excel names it: `List 3!F12` (row and column 0-based here).
pub(super) fn cell_name(sheet: &str, row: u32, column: usize) -> String {
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
pub(super) enum Where<'a> {
    /// A CSV record starting at `offset`.
    Line { lines: &'a Lines<'a>, offset: usize },
    /// A sheet's row (0-based).
    Row { sheet: &'a str, row: u32 },
    /// An XML record starting on `line`; its cells are elements.
    Element { line: usize },
}

/// Types rows cell by cell into a `Table`, whatever file they come from.
pub(super) struct Typer<'a> {
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
    pub(super) fn new(path: &'a Path, config: &'a DatasetConfig, positions: Positions, iso_dates: bool) -> Typer<'a> {
        let columns = positions.iter().map(|(name, _, kind)| (name.clone(), Values::new(*kind))).collect();
        let code_lists = positions
            .iter()
            .map(|(name, ..)| config.codes.get(name).map(|codes| CodeList::new(codes.get_ref())))
            .collect();
        let mut formats = DateFormats::new(&config.date_formats);
        if iso_dates {
            formats.0.push(DateFormat::YearMonthDay);
        }
        let nulls = NullMarkers::new(&config.null_markers);
        Typer { path, config, positions, columns, code_lists, nulls, formats, errors: ValueErrors::default(), rows: 0 }
    }

    /// One row: `field(index)` is the text of the cell at that index.
    pub(super) fn push_row<'f>(&mut self, field: impl Fn(usize) -> &'f str, at: &Where) -> Result<(), Diagnostics> {
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
            let period_column = config.period_column.as_ref().is_some_and(|period| period.get_ref() == name);
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

    pub(super) fn finish(self) -> Result<Table, Diagnostics> {
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
        let mut columns = Vec::with_capacity(self.config.columns.len());
        for (name, kind) in &self.config.columns {
            let values = typed.remove(name).unwrap_or_else(|| {
                absent.push(name.clone());
                let mut blanks = Values::new(*kind.get_ref());
                (0..self.rows).for_each(|_| blanks.push_null());
                blanks
            });
            columns.push((name.clone(), values));
        }
        Ok(Table { columns, rows: self.rows, unmapped, reference_date: None, absent })
    }
}

/// A problem with one cell: at its line and column in a CSV, or named as
/// Excel names the cell in a sheet.
fn locate(path: &Path, at: &Where, index: usize, message: String) -> Diagnostic {
    match at {
        Where::Line { lines, offset } => {
            Diagnostic::at(path, lines.of(*offset), index + 1, format!("column {} {message}", index + 1))
        }
        Where::Row { sheet, row } => Diagnostic::file(path, format!("{} {message}", cell_name(sheet, *row, index))),
        Where::Element { line } => Diagnostic::at(path, *line, 1, format!("record starting here, field {message}")),
    }
}

/// Line numbers for error messages, worked out only when one is needed.
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    newlines: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Lines<'a> {
        Lines { bytes, newlines: std::cell::OnceCell::new() }
    }

    /// 1-based line of the record starting at `offset`. Counted here rather
    /// than taken from the csv reader: on CRLF files the reader's record
    /// position is the `\n` that ends the previous line.
    pub(super) fn of(&self, mut offset: usize) -> usize {
        let bytes = self.bytes;
        let newlines = self.newlines.get_or_init(|| memchr::memchr_iter(b'\n', bytes).collect());
        while bytes.get(offset).is_some_and(|byte| matches!(byte, b'\r' | b'\n')) {
            offset += 1;
        }
        newlines.partition_point(|at| *at < offset) + 1
    }
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

/// For each declared column: its name, its index in the file, its type.
/// Header names are matched ignoring case and surrounding spaces, because
/// case-management system upgrades change exactly those.
/// Each declared column's name, its index in the row, its type.
pub(super) type Positions = Vec<(String, usize, ColumnType)>;

/// Header problems, each with the index of the header cell it concerns.
pub(super) type HeaderProblems = Vec<(usize, Diagnostic)>;

/// A declared column's name and its other spellings, as headers are compared.
fn spellings(name: &str, config: &DatasetConfig) -> Vec<String> {
    let others = config.headers.get(name).map(|spellings| spellings.get_ref().as_slice()).unwrap_or_default();
    std::iter::once(name)
        .chain(others.iter().map(String::as_str))
        .map(|spelling| spelling.trim().to_lowercase())
        .collect()
}

/// The declared columns no header cell spells.
pub(super) fn missing_columns(headers: &[&str], config: &DatasetConfig) -> Vec<String> {
    let normalised: Vec<String> = headers.iter().map(|header| header.trim().to_lowercase()).collect();
    let spelt = |name: &str| spellings(name, config).iter().any(|spelling| normalised.contains(spelling));
    config.columns.keys().filter(|name| !spelt(name) && !config.optional.contains(name)).cloned().collect()
}

pub(super) fn column_positions(
    path: &Path,
    headers: &[&str],
    config: &DatasetConfig,
) -> Result<Positions, HeaderProblems> {
    let normalised: Vec<String> = headers.iter().map(|header| header.trim().to_lowercase()).collect();
    let mut diagnostics = Vec::new();
    let mut positions = Vec::new();
    for (name, kind) in &config.columns {
        let others = config.headers.get(name).map(|spellings| spellings.get_ref().as_slice()).unwrap_or_default();
        let spellings = spellings(name, config);
        let matches: Vec<usize> = normalised
            .iter()
            .enumerate()
            .filter(|(_, header)| spellings.contains(header))
            .map(|(index, _)| index)
            .collect();
        match matches.as_slice() {
            [index] => positions.push((name.clone(), *index, *kind.get_ref())),
            [] if config.optional.contains(name) => {}
            [] => diagnostics.push((
                0,
                Diagnostic::file(
                    path,
                    format!(
                        "missing column `{name}`{} (header has: {})",
                        if others.is_empty() { String::new() } else { format!(" or any of {}", others.join(", ")) },
                        headers.join(", ")
                    ),
                )
                .with_help_opt(did_you_mean(name, headers.iter().copied())),
            )),
            [first, second, ..] => diagnostics.push((
                *second,
                Diagnostic::file(
                    path,
                    format!("column `{name}` appears twice in the header (columns {} and {})", first + 1, second + 1),
                ),
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(positions)
    } else {
        Err(diagnostics)
    }
}

struct Cell<'a> {
    path: &'a Path,
    at: &'a Where<'a>,
    /// The cell's index in its row (0-based).
    column: usize,
    name: &'a str,
    raw: &'a str,
}

#[derive(Default)]
struct ValueErrors {
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

fn push_value(
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
fn trimmed(text: &str) -> &str {
    let printable = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_graphic);
    match printable(text.as_bytes().first()) && printable(text.as_bytes().last()) {
        true => text,
        false => text.trim(),
    }
}

/// A dataset's null markers (matched ignoring ASCII case), with the longest
/// one's length: most cells (ids, dates) are longer, and need no comparing.
struct NullMarkers<'a> {
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

/// Yes or no as extracts write it, in any case: `true`/`false`, `yes`/`no`,
/// `y`/`n`, `1`/`0`, and Annex A's lettered options `a) Yes`/`b) No`.
fn parse_boolean(text: &str) -> Option<bool> {
    let answer = match text.split_once(')') {
        Some((letter, rest)) if letter.trim().len() == 1 => rest.trim(),
        _ => text,
    };
    match answer.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

fn parsed_or_reported<T>(
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

/// No count, FTE, distance, number of days or sum of money in a council's
/// records comes near 10^15, and beyond it sums stop being exact (a double
/// holds 15-16 significant digits) and soon stop being finite (three FTEs
/// of 1e308 add up to infinity): so a larger value is a bad value, named
/// at its cell, not a figure.
pub const LARGEST_NUMBER: f64 = 1e15;

fn parse_number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|number| number.abs() <= LARGEST_NUMBER)
}

/// Whole numbers; `10.0` (as Excel writes them) is read as 10.
/// Bounded by `LARGEST_NUMBER` too, so that no sum of a column can wrap.
fn parse_integer(text: &str) -> Option<i64> {
    let whole = text.parse::<i64>().ok().or_else(|| {
        let number = text.parse::<f64>().ok()?;
        (number.fract() == 0.0 && number.abs() <= LARGEST_NUMBER).then_some(number as i64)
    })?;
    (whole.unsigned_abs() <= LARGEST_NUMBER as u64).then_some(whole)
}

/// A dataset's date formats, with the two that extracts almost always use
/// read without chrono's format interpreter (the slowest part of reading).
pub(super) struct DateFormats<'a>(Vec<DateFormat<'a>>);

enum DateFormat<'a> {
    /// `%d/%m/%Y` written in full, as 05/04/2024.
    DayMonthYear,
    /// `%Y-%m-%d` written in full, as 2024-04-05.
    YearMonthDay,
    Other(&'a str),
}

impl<'a> DateFormats<'a> {
    fn new(formats: &'a [String]) -> DateFormats<'a> {
        DateFormats(
            formats
                .iter()
                .map(|format| match format.as_str() {
                    "%d/%m/%Y" => DateFormat::DayMonthYear,
                    "%Y-%m-%d" => DateFormat::YearMonthDay,
                    other => DateFormat::Other(other),
                })
                .collect(),
        )
    }

    /// The declared formats first; then an Excel serial number (what a date
    /// cell becomes when a column is formatted as a number), for days from
    /// 1927 to 2119 only, so that other numbers are not mistaken for dates.
    fn parse(&self, text: &str) -> Option<Day> {
        self.0.iter().find_map(|format| format.parse(text)).or_else(|| {
            let serial = parse_integer(text).filter(|days| (10_000..=80_000).contains(days))?;
            let (year, month, day) = EXCEL_EPOCH;
            NaiveDate::from_ymd_opt(year, month, day)?
                .checked_add_days(chrono::Days::new(serial as u64))
                .map(Day::from_date)
        })
    }
}

impl DateFormat<'_> {
    fn parse(&self, text: &str) -> Option<Day> {
        let fixed =
            |day: &[u8], month: &[u8], year: &[u8]| Day::from_ymd(digits(year)? as i32, digits(month)?, digits(day)?);
        let bytes = text.as_bytes();
        let fast = match (self, bytes) {
            (DateFormat::DayMonthYear, [_, _, b'/', _, _, b'/', _, _, _, _]) => {
                fixed(&bytes[0..2], &bytes[3..5], &bytes[6..10])
            }
            (DateFormat::YearMonthDay, [_, _, _, _, b'-', _, _, b'-', _, _]) => {
                fixed(&bytes[8..10], &bytes[5..7], &bytes[0..4])
            }
            _ => None,
        };
        if fast.is_some() {
            return fast;
        }
        // Anything else (a one-digit day, say) is chrono's to judge, but
        // only a text holding the format's separator can match it: an ISO
        // date tried as dd/mm/yyyy first (every date of an XML return) was
        // a failed chrono parse each.
        let format = match self {
            DateFormat::DayMonthYear if bytes.contains(&b'/') => "%d/%m/%Y",
            DateFormat::YearMonthDay if bytes.contains(&b'-') => "%Y-%m-%d",
            DateFormat::DayMonthYear | DateFormat::YearMonthDay => return None,
            DateFormat::Other(format) => format,
        };
        NaiveDate::parse_from_str(text, format).ok().map(Day::from_date)
    }
}

/// A run of ASCII digits as a number.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |number, byte| byte.is_ascii_digit().then(|| number * 10 + u32::from(byte - b'0')))
}

/// The period of each row of a periodic table, from its period column:
/// `YYYY-MM` as written; `YYYYYY` (DfE's financial year, e.g. 202425) as the
/// last month of that financial year; `YYYY` as the year ending 31 March
/// (DfE's convention for children looked after and in need).
pub fn row_periods(
    path: &Path,
    table: &Table,
    column: &str,
    financial_year_start_month: u32,
) -> Result<Vec<Month>, Diagnostics> {
    let Some((_, values)) = table.columns.iter().find(|(name, _)| name == column) else {
        return Err(Diagnostic::file(path, format!("period column `{column}` was not read")).into());
    };
    let texts: Vec<Option<String>> = match values {
        Values::Text(v) => v.iter().map(|text| text.map(str::to_string)).collect(),
        Values::Integer(v) => v.iter().map(|value| value.map(|n| n.to_string())).collect(),
        _ => return Err(Diagnostic::file(path, format!("period column `{column}` must be text or integer")).into()),
    };
    let mut diagnostics = Diagnostics::default();
    let periods = texts
        .iter()
        .enumerate()
        .map(|(row, text)| {
            let text = text.as_deref().unwrap_or("");
            // The Typer refuses a bad period at its own line; what reaches
            // here is named by its row (a row's line is not known here).
            parse_period(text, financial_year_start_month).unwrap_or_else(|| {
                diagnostics.push(Diagnostic::file(
                    path,
                    format!("row {}: `{text}` in `{column}` is not a period (YYYY-MM, YYYYYY or YYYY)", row + 1),
                ));
                Month { year: 0, month: 1 }
            })
        })
        .collect();
    diagnostics.into_result(periods)
}

/// Whether `text` is a period in one of `row_periods`' forms (which ones
/// do not depend on the financial year's first month).
fn is_period(text: &str) -> bool {
    parse_period(text, 4).is_some()
}

fn parse_period(text: &str, financial_year_start_month: u32) -> Option<Month> {
    if let Ok(month) = text.parse::<Month>() {
        return Some(month);
    }
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    let fy_end = |year: i32| Month::new(year, financial_year_start_month).map(Month::previous);
    match text.len() {
        6 if digits => {
            let start: i32 = text[..4].parse().ok()?;
            let end: i32 = text[4..].parse().ok()?;
            (end == (start + 1) % 100).then(|| fy_end(start + 1)).flatten()
        }
        4 if digits => fy_end(text.parse().ok()?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every place of a block, and blocks of random
    /// bytes salted with the specials: SSE2's masks (on x86) are the
    /// byte-at-a-time ones.
    #[test]
    fn the_block_masks_are_the_scalar_ones() {
        let mut blocks = Vec::new();
        for value in 0..=255u8 {
            for at in [0, 15, 16, 31, 47, 63] {
                let mut block = [b'a'; 64];
                block[at] = value;
                blocks.push(block);
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..500 {
            let mut block = [0u8; 64];
            for byte in &mut block {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *byte = [b',', b'\n', b'"', (seed >> 24) as u8][(seed % 4) as usize];
            }
            blocks.push(block);
        }
        for block in &blocks {
            assert_eq!(block_masks(block), scalar_block_masks(block), "{block:?}");
        }
        // A comma at 1 and a quote at 63: the bits are where the bytes are.
        let mut block = [b'x'; 64];
        (block[1], block[63]) = (b',', b'"');
        assert_eq!(scalar_block_masks(&block), (1 << 1 | 1 << 63, 1 << 1));
    }

    #[test]
    fn booleans_in_every_spelling() {
        for yes in ["true", "TRUE", "Yes", "y", "Y", "1", "a) Yes", "A) yes"] {
            assert_eq!(parse_boolean(yes), Some(true), "{yes}");
        }
        for no in ["false", "False", "NO", "n", "0", "b) No", "B)no"] {
            assert_eq!(parse_boolean(no), Some(false), "{no}");
        }
        for neither in ["maybe", "2", "c) Unknown", "yes please", ")"] {
            assert_eq!(parse_boolean(neither), None, "{neither}");
        }
    }
    use crate::project::Layout;
    use chrono::Datelike;
    use toml::Spanned;

    fn config(columns: &[(&str, ColumnType)]) -> DatasetConfig {
        DatasetConfig {
            layout: Layout::Monthly,
            history: Default::default(),
            sheet: None,
            table: None,
            file: "x.csv".into(),
            key: None,
            record_id: None,
            headers: Default::default(),
            codes: Default::default(),
            date_formats: vec!["%d/%m/%Y".into()],
            null_markers: vec!["".into(), "NULL".into()],
            columns: columns.iter().map(|(name, kind)| (name.to_string(), Spanned::new(0..0, *kind))).collect(),
            period_column: None,
            largest_file_mb: None,
            held: true,
            optional: Vec::new(),
            checks: Vec::new(),
        }
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

    /// The fixed-width fast path against chrono's own parser, for every day
    /// from 1999 to 2031 in both layouts and for near misses.
    #[test]
    fn fast_dates_agree_with_chrono() {
        let formats: Vec<String> = vec!["%d/%m/%Y".into(), "%Y-%m-%d".into()];
        let fast = DateFormats::new(&formats);
        let chrono = |text: &str| {
            formats.iter().find_map(|format| NaiveDate::parse_from_str(text, format).ok()).map(Day::from_date)
        };
        let mut day = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        while day.year() < 2032 {
            for text in [day.format("%d/%m/%Y").to_string(), day.format("%Y-%m-%d").to_string()] {
                assert_eq!(fast.parse(&text), Some(Day::from_date(day)), "{text}");
                assert_eq!(fast.parse(&text), chrono(&text), "{text}");
            }
            day = day.succ_opt().unwrap();
        }
        for text in [
            "31/02/2025",
            "29/02/2023",
            "29/02/2024",
            "2025-13-01",
            "00/01/2025",
            "1/4/2024",
            "01/04/24",
            "2024-4-1",
            "2024/04/01",
            "0a/04/2024",
            "+024-04-01",
            " 01/04/2024",
            "01-04-2024",
        ] {
            assert_eq!(fast.parse(text), chrono(text), "{text}");
        }
    }

    /// The fast reader against the csv crate, on files of the characters
    /// extracts hold and the ways lines go wrong: blank lines, CRLF, blank
    /// cells, ragged rows, bad dates, quoted cells (read by the fast reader
    /// or handed to the csv crate). Both must give the same table, or the
    /// same first error at the same line.
    #[test]
    fn files_are_read_as_the_csv_crate_reads_them() {
        use proptest::prelude::*;
        let config = config(&[("CHILD", ColumnType::Text), ("DECOM", ColumnType::Date), ("N", ColumnType::Integer)]);
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
                if matches!(for_each_simple_record(&text, |_, _| Ok(())), Ok(Split::Done)) {
                    fast.set(fast.get() + 1);
                    fast_with_quotes.set(fast_with_quotes.get() + usize::from(text.contains('"')));
                }
                let simple = first_error(parse_simple(path, &text, &config));
                let quoted = first_error(parse_quoted(path, &text, &config));
                prop_assert_eq!(simple, quoted, "{:?}", text);
                Ok(())
            })
            .unwrap();
        assert!(fast.get() > 300 && fast_with_quotes.get() > 100, "{} {}", fast.get(), fast_with_quotes.get());
    }

    /// Every comma, line feed and quote, in order, over several blocks and
    /// a part block, and from where a skip lands; no other byte; commas told apart.
    #[test]
    fn specials_are_every_comma_line_feed_and_quote() {
        let bytes: Vec<u8> = (0..300u32).map(|n| b"ab,\n\"x\r,,z"[(n * 7 + n / 5) as usize % 10]).collect();
        let wanted = |from: usize| -> Vec<usize> {
            (from..bytes.len()).filter(|at| matches!(bytes[*at], b',' | b'\n' | b'"')).collect()
        };
        let found = |specials: &mut Specials| -> Vec<usize> {
            std::iter::from_fn(|| specials.next())
                .map(|(at, comma)| {
                    assert_eq!(comma, bytes[at] == b',', "at {at}");
                    at
                })
                .collect()
        };
        assert_eq!(found(&mut Specials::new(&bytes)), wanted(0));
        for from in [1, 63, 64, 65, 128, 200, 299, 300] {
            let mut specials = Specials::new(&bytes);
            specials.skip_to(from);
            assert_eq!(found(&mut specials), wanted(from), "{from}");
        }
    }

    /// Quoted fields over the 64-byte blocks the splitter works in.
    #[test]
    fn quoted_fields_across_blocks_are_read_whole() {
        let long = "x".repeat(150);
        let text = format!("CHILD,N\n\"{long},a\",1\nC2,\"2\"\n");
        let mut records = Vec::new();
        let split = for_each_simple_record(&text, |_, fields| {
            records.push(fields.iter().map(|field| field.to_string()).collect::<Vec<_>>());
            Ok(())
        });
        assert!(matches!(split, Ok(Split::Done)));
        assert_eq!(records, [vec!["CHILD", "N"], vec![&format!("{long},a"), "1"], vec!["C2", "2"]]);
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
