//! Datasets that are a sheet of a workbook (`.xlsx`, `.xlsm`, `.xls`,
//! `.ods`): the sheet named by `sheet`, or the one sheet whose header row
//! holds every declared column; title rows above the header are skipped;
//! date cells are dates, formulas are read by their saved values. Errors
//! name the sheet and the cell as Excel does (`List 3!F12`).

use super::table::{at_header, cell_name, column_positions, missing_columns, Table, Typer, Where};
use super::workbook_limits::check_workbook;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::project::{DatasetConfig, WORKBOOK_EXTENSIONS};
use calamine::{Data, DataRef, Reader, Sheets};
use std::io::Cursor;
use std::path::Path;

/// The header is looked for in this many rows at the top of a sheet.
const HEADER_ROWS: u32 = 20;

/// Excel's own limits; a sheet claiming more is not a spreadsheet.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: usize = 16_384;

/// The file extensions read as workbooks.
pub fn is_workbook(path: &Path) -> bool {
    WORKBOOK_EXTENSIONS.contains(&extension_of(path).as_str())
}

fn extension_of(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

type Book<'a> = Sheets<Cursor<&'a [u8]>>;

/// A workbook's sheet (xlsx, xls or ods) read into the dataset's typed columns, within the workbook limits; a bad cell is named as Excel names it.
pub fn parse_workbook(path: &Path, bytes: &[u8], config: &DatasetConfig) -> Result<Table, Diagnostics> {
    check_workbook(path, bytes, &extension_of(path))?;
    // calamine indexes into an .xls's records without checking their length
    // (the fuzz test found a short `Lbl` record): its panic on a damaged
    // file is that file's error, not a crash of the build. A panic anywhere
    // else is a bug of ours and goes on as a panic.
    install_reader_panic_hook();
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(path, bytes, config)));
    read.unwrap_or_else(|payload| {
        if !PANIC_IN_READER.get() {
            std::panic::resume_unwind(payload);
        }
        let reason = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let message = format!("this file cannot be read as a workbook: the workbook reader failed on it ({reason})");
        let help = "it is damaged: open it in Excel and save it again as .xlsx, or export the sheet as CSV UTF-8";
        Err(Diagnostic::file(path, message).with_help(help).into())
    })
}

thread_local! {
    /// Whether this thread's last panic was inside calamine.
    static PANIC_IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A panic hook that notes whether a panic is inside calamine and prints
/// nothing for those (`parse_workbook` reports them as the file's error);
/// other panics are printed as before.
fn install_reader_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_reader = info.location().is_some_and(|location| location.file().contains("/calamine-"));
            PANIC_IN_READER.set(in_reader);
            if !in_reader {
                previous(info);
            }
        }));
    });
}

fn read_sheet(path: &Path, bytes: &[u8], config: &DatasetConfig) -> Result<Table, Diagnostics> {
    let mut book = open(path, bytes)?;
    let (sheet, header_row, headers) = find_sheet(path, &mut book, config)?;
    let header_texts: Vec<&str> = headers.iter().map(String::as_str).collect();
    let positions =
        column_positions(path, &header_texts, config).map_err(|found| at_header(found, Some((&sheet, header_row))))?;
    let wanted = positions.iter().map(|(_, index, _)| index + 1).max().unwrap_or(0);
    let mut typer = Typer::new(path, config, positions, true);
    let mut formulas = Diagnostics::default();
    each_row(&mut book, &sheet, None, wanted, &mut |row, cells, uncached| {
        if row <= header_row {
            return Ok(());
        }
        for column in uncached.iter().filter(|column| **column < wanted) {
            let message = format!(
                "{}: a formula with no saved value (the workbook was written by a program that does not calculate): open and save it in Excel",
                cell_name(&sheet, row, *column)
            );
            formulas.push(Diagnostic::file(path, message));
        }
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            return Ok(()); // blank rows, e.g. below the data
        }
        typer.push_row(|index| cells.get(index).map_or("", String::as_str), &Where::Row { sheet: &sheet, row })
    })
    .map_err(|error| match error {
        RowError::Typing(found) => found,
        RowError::Reading(message) => Diagnostic::file(path, format!("sheet `{sheet}`: {message}")).into(),
    })?;
    formulas.into_result(())?;
    typer.finish()
}

fn open<'a>(path: &Path, bytes: &'a [u8]) -> Result<Book<'a>, Diagnostics> {
    use calamine::open_workbook_from_rs as from;
    let reader = Cursor::new(bytes);
    let opened = match extension_of(path).as_str() {
        "xls" => from(reader).map(Sheets::Xls).map_err(|error: calamine::XlsError| error.to_string()),
        "ods" => from(reader).map(Sheets::Ods).map_err(|error: calamine::OdsError| error.to_string()),
        "xlsb" => from(reader).map(Sheets::Xlsb).map_err(|error: calamine::XlsbError| error.to_string()),
        _ => from(reader).map(Sheets::Xlsx).map_err(|error: calamine::XlsxError| error.to_string()),
    };
    opened.map_err(|error| {
        let what = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            "cannot be read as a workbook"
        } else {
            "is not a workbook (is it a CSV or text file with a workbook's name?)"
        };
        let help = if error.to_lowercase().contains("password") {
            "it is password-protected: save an unprotected copy for the data folder"
        } else {
            "open it in Excel and save it again as .xlsx, or export the sheet as CSV UTF-8"
        };
        Diagnostic::file(path, format!("this file {what}: {error}")).with_help(help).into()
    })
}

/// The sheet to read, its header row (0-based) and the header's cells.
fn find_sheet(path: &Path, book: &mut Book, config: &DatasetConfig) -> Result<(String, u32, Vec<String>), Diagnostics> {
    let candidates = candidate_sheets(path, book, config)?;
    let mut matching = Vec::new();
    let mut best: Option<(usize, String, u32, Vec<String>)> = None;
    // Each sheet's closest header row: the declared columns it lacks.
    let mut lacking: Vec<(String, Vec<String>)> = Vec::new();
    for sheet in &candidates {
        let mut head: Vec<(u32, Vec<String>)> = Vec::new();
        let read = each_row(book, sheet, Some(HEADER_ROWS), usize::MAX, &mut |row, cells, _| {
            head.push((row, cells.to_vec()));
            Ok(())
        });
        if let Err(RowError::Reading(message)) = read {
            return Err(Diagnostic::file(path, format!("sheet `{sheet}`: {message}")).into());
        }
        for (row, cells) in head {
            let texts: Vec<&str> = cells.iter().map(String::as_str).collect();
            match column_positions(path, &texts, config) {
                Ok(_) => {
                    matching.push((sheet.clone(), row, cells));
                    break;
                }
                Err(missing) => {
                    let names = missing_columns(&texts, config);
                    match lacking.iter_mut().find(|(seen, _)| seen == sheet) {
                        Some((_, fewest)) if names.len() < fewest.len() => *fewest = names,
                        Some(_) => {}
                        None => lacking.push((sheet.clone(), names)),
                    }
                    let found = config.column_types().count().saturating_sub(missing.len());
                    if best.as_ref().is_none_or(|(most, ..)| found > *most) {
                        best = Some((found, sheet.clone(), row, cells));
                    }
                }
            }
        }
    }
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => match (config.sheet_name(), best) {
            // The named sheet's likeliest header row says which columns are missing.
            (Some(_), Some((_, sheet, row, cells))) => Ok((sheet, row, cells)),
            _ => Err(no_sheet_fits(path, lacking)),
        },
        _ => {
            let sheets: Vec<String> = matching.iter().map(|(sheet, ..)| format!("`{sheet}`")).collect();
            let message = format!("sheets {} all have the dataset's columns: which is it?", sheets.join(" and "));
            Err(Diagnostic::file(path, message).with_help("name it with `sheet = \"...\"`").into())
        }
    }
}

/// The sheets `sheet` names (a name, or a pattern with `*`), or every sheet.
fn candidate_sheets(path: &Path, book: &mut Book, config: &DatasetConfig) -> Result<Vec<String>, Diagnostic> {
    let names = book.sheet_names();
    match config.sheet_name() {
        // A pattern: the sheets it names are the candidates, found by headers.
        Some(pattern) if pattern.contains('*') => {
            let found: Vec<String> = names.iter().filter(|name| sheet_matches(pattern, name)).cloned().collect();
            if found.is_empty() {
                let message = format!("no sheet matches `{pattern}` (sheets: {})", names.join(", "));
                return Err(Diagnostic::file(path, message));
            }
            Ok(found)
        }
        Some(wanted) => {
            let found = names.iter().find(|name| name.trim().eq_ignore_ascii_case(wanted.trim()));
            let Some(found) = found else {
                let message = format!("no sheet `{wanted}` (sheets: {})", names.join(", "));
                let help = did_you_mean(wanted, names.iter().map(String::as_str));
                return Err(Diagnostic::file(path, message).with_help_opt(help));
            };
            Ok(vec![found.clone()])
        }
        None => Ok(names),
    }
}

/// No sheet has every declared column: the three closest, and what each lacks.
fn no_sheet_fits(path: &Path, mut lacking: Vec<(String, Vec<String>)>) -> Diagnostics {
    lacking.sort_by_key(|(_, missing)| missing.len());
    let closest: Vec<String> = lacking
        .iter()
        .take(3)
        .map(|(sheet, missing)| match missing.is_empty() {
            true => format!("`{sheet}` has a declared column twice"),
            false => format!("`{sheet}` lacks {}", missing.join(", ")),
        })
        .collect();
    let message = format!(
        "no sheet has a header row (in its first {HEADER_ROWS} rows) with every column the dataset declares; closest: {}",
        closest.join("; ")
    );
    let help = "add the header's spelling in this workbook to the column's `headers`, or declare only the columns the indicators need";
    Diagnostic::file(path, message).with_help(help).into()
}

/// Whether a sheet's name fits `pattern`, where `*` stands for any text
/// (none included), compared ignoring case and surrounding spaces.
fn sheet_matches(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.trim().to_lowercase(), name.trim().to_lowercase());
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else { return false };
    let pieces: Vec<&str> = pieces.collect();
    for (index, piece) in pieces.iter().enumerate() {
        if index == pieces.len() - 1 {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

enum RowError {
    Typing(Diagnostics),
    Reading(String),
}

impl From<Diagnostics> for RowError {
    fn from(found: Diagnostics) -> RowError {
        RowError::Typing(found)
    }
}

/// What `each_row` calls with a row's number (0-based), its cells and the
/// columns holding a formula with no saved value.
type RowVisitor<'v> = dyn FnMut(u32, &[String], &[usize]) -> Result<(), Diagnostics> + 'v;

/// Calls `visit(row, cells, uncached formula columns)` for each row with
/// cells, in order, up to `limit` rows; cells past `width` are dropped so
/// that a wide sheet costs no more than the columns wanted. An `.xlsx`
/// sheet is streamed cell by cell; other formats are read whole by calamine.
fn each_row(
    book: &mut Book,
    sheet: &str,
    limit: Option<u32>,
    width: usize,
    visit: &mut RowVisitor,
) -> Result<(), RowError> {
    // A row never costs more than Excel's width, whatever a file claims.
    let width = width.min(MAX_COLUMNS);
    let mut current: Option<u32> = None;
    let mut cells: Vec<String> = Vec::new();
    let mut uncached: Vec<usize> = Vec::new();
    let mut flush = |row: Option<u32>, cells: &mut Vec<String>, uncached: &mut Vec<usize>| {
        if let Some(row) = row {
            visit(row, cells, uncached)?;
        }
        cells.clear();
        uncached.clear();
        Ok::<(), RowError>(())
    };
    let mut place = |row: u32, column: u32, text: String, no_value: bool| -> Result<bool, RowError> {
        if row >= MAX_ROWS || limit.is_some_and(|limit| row >= limit) {
            return Ok(false);
        }
        if current != Some(row) {
            flush(current, &mut cells, &mut uncached)?;
            current = Some(row);
        }
        let column = column as usize;
        if column < width {
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            cells[column] = text;
            if no_value {
                uncached.push(column);
            }
        }
        Ok(true)
    };
    match book {
        Sheets::Xlsx(xlsx) => {
            let mut reader =
                xlsx.worksheet_cells_reader(sheet).map_err(|error| RowError::Reading(error.to_string()))?;
            while let Some(cell) =
                reader.next_cell_with_formula().map_err(|error| RowError::Reading(error.to_string()))?
            {
                let (row, column) = cell.pos;
                let no_value = matches!(cell.value, DataRef::Empty) && cell.formula.is_some();
                if !place(row, column, text_of_ref(&cell.value), no_value)? {
                    break;
                }
            }
        }
        // Streamed too: calamine fills a whole grid for `worksheet_range`,
        // from the first used cell to the last.
        Sheets::Xlsb(xlsb) => {
            let mut reader =
                xlsb.worksheet_cells_reader(sheet).map_err(|error| RowError::Reading(error.to_string()))?;
            while let Some(cell) = reader.next_cell().map_err(|error| RowError::Reading(error.to_string()))? {
                let (row, column) = cell.get_position();
                if !place(row, column, text_of_ref(cell.get_value()), false)? {
                    break;
                }
            }
        }
        other => {
            let range = other.worksheet_range(sheet).map_err(|error| RowError::Reading(error.to_string()))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            'rows: for (offset, row) in range.rows().enumerate() {
                for (column, value) in row.iter().enumerate().filter(|(_, value)| !matches!(value, Data::Empty)) {
                    if !place(top + offset as u32, left + column as u32, text_of(value), false)? {
                        break 'rows;
                    }
                }
            }
        }
    }
    flush(current, &mut cells, &mut uncached)
}

/// A cell as the text the typer reads: whole numbers without `.0`, dates
/// as `YYYY-MM-DD` (a date-time's date), booleans as `true`/`false`,
/// Excel's errors as written (`#N/A`).
fn text_of(value: &Data) -> String {
    match value {
        Data::Int(number) => number.to_string(),
        Data::Float(number) => number_text(*number),
        Data::String(text) | Data::DurationIso(text) => text.clone(),
        Data::DateTimeIso(text) => text.get(..10).unwrap_or(text).to_string(),
        Data::Bool(yes) => yes.to_string(),
        Data::DateTime(date) => date_text(date),
        Data::Error(error) => error.to_string(),
        Data::Empty => String::new(),
    }
}

fn text_of_ref(value: &DataRef) -> String {
    match value {
        DataRef::SharedString(text) => text.to_string(),
        DataRef::Int(number) => number.to_string(),
        DataRef::Float(number) => number_text(*number),
        DataRef::String(text) | DataRef::DurationIso(text) => text.clone(),
        DataRef::DateTimeIso(text) => text.get(..10).unwrap_or(text).to_string(),
        DataRef::Bool(yes) => yes.to_string(),
        DataRef::DateTime(date) => date_text(date),
        DataRef::Error(error) => error.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        (number as i64).to_string()
    } else {
        number.to_string()
    }
}

fn date_text(date: &calamine::ExcelDateTime) -> String {
    match date.as_datetime() {
        Some(moment) if date.is_datetime() => moment.date().format("%Y-%m-%d").to_string(),
        _ => number_text(date.as_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_pattern_matches_any_text_at_its_stars() {
        assert!(sheet_matches("List 4*", "List 4") && sheet_matches("List 4*", " list 4 - Assessments "));
        assert!(
            sheet_matches("*Assessments", "List 4 - Assessments")
                && sheet_matches("List*Assess*", "List 4 Assessments")
        );
        assert!(!sheet_matches("List 4*", "List 3") && !sheet_matches("*Assessments", "Assessments old"));
        // No star: the whole name, in any case.
        assert!(sheet_matches("list 4", "List 4") && !sheet_matches("List 4", "List 40"));
    }
}
