//! What an `.xls` (BIFF8 records in a compound file) may make calamine
//! hold, checked before calamine opens it. calamine parses every sheet of
//! an `.xls` when it opens it, and trusts the file: it reserves as many
//! FAT entries as the header declares and as many cells as a sheet's
//! DIMENSIONS record spans (a reversed one overflows), and fills each
//! sheet's grid from its first used cell to its last (one number at column
//! 65,535 of row 65,535 is 4.3 billion cells). So the compound file is
//! opened first with the `cfb` crate (which checks its sector chains),
//! the header's counts are held to the file's size, and the records of
//! every sheet are walked; the file is refused, naming the sheet and cell,
//! when a reference is outside the `.xls` grid (A1 to IV65536), a
//! DIMENSIONS record runs backwards, or the sheets' grids would fill more
//! than `XLS_CELLS` (about 256 MB of calamine's cells) in all.

use super::table::cell_name;
use crate::diagnostics::{quoted, Diagnostic};
use std::io::{Cursor, Read};
use std::path::Path;

/// The most cells the sheets of an `.xls` may fill, all held at once.
pub(crate) const XLS_CELLS: u64 = 8_000_000;

/// BIFF8's grid: 256 columns (IV), 65,536 rows (a 16-bit row cannot pass it).
const COLUMNS: u32 = 256;
const ROWS: u32 = 65_536;

const HELP: &str = "open it in Excel or LibreOffice and save it again as .xlsx, or export the sheet as CSV UTF-8";

pub(crate) fn check_xls(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let refuse = |message: String| Diagnostic::file(path, message).with_help(HELP);
    check_header(bytes).map_err(refuse)?;
    let mut compound = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|error| refuse(format!("this file cannot be read as a workbook: {error}")))?;
    let name = ["/Workbook", "/Book"].into_iter().find(|name| compound.is_stream(name));
    let Some(name) = name else { return Ok(()) }; // calamine says what is missing
    let mut stream = Vec::new();
    let opened = compound.open_stream(name).map_err(|error| refuse(format!("cannot read its `{name}`: {error}")))?;
    opened
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .map_err(|error| refuse(format!("cannot read its `{name}`: {error}")))?;
    check_records(&stream).map_err(refuse)
}

/// The compound file header's FAT and (as calamine reads it) DIFAT counts,
/// which calamine reserves memory for, against what the file can hold.
fn check_header(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 512 || !bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(()); // not a compound file: calamine says so
    }
    let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as u64;
    let sectors = bytes.len() as u64 / 512 + 1;
    // calamine reads its DIFAT count from bytes 62 to 66 (two fields off),
    // and reserves that many entries; a real file's value stays small.
    let (fat, difat) = (word(44), word(62));
    match fat > sectors || difat > 16 << 20 {
        true => Err(format!(
            "its header declares {fat} FAT sectors in a file of {sectors} sectors, or an impossible DIFAT: a damaged file"
        )),
        false => Ok(()),
    }
}

/// Walk the BIFF records: sheets by their BOF, cells by their row and column.
fn check_records(stream: &[u8]) -> Result<(), String> {
    let names = sheet_names(stream);
    let mut sheet = Sheet::default();
    let mut name = String::new();
    let mut filled: u64 = 0;
    let mut at = 0;
    while let Some((kind, data)) = record(stream, at) {
        match kind {
            0x0809 => {
                sheet = Sheet::default();
                let found = names.iter().find(|(position, _)| *position as usize == at);
                name = found.map_or_else(|| format!("at byte {at}"), |(_, name)| name.clone());
            }
            0x0200 => check_dimensions(data).map_err(|problem| format!("sheet `{}`: {problem}", quoted(&name)))?,
            0x000A => {
                filled = filled.saturating_add(sheet.cells());
                if filled > XLS_CELLS {
                    return Err(format!(
                        "sheet `{}`: the cells calamine would fill (each sheet from its first used cell to its last) are more than {XLS_CELLS} in all: too many to read safely",
                        quoted(&name)
                    ));
                }
            }
            _ => {
                for (row, column) in cells(kind, data) {
                    if column >= COLUMNS {
                        return Err(format!(
                            "the cell {} is outside the .xls grid (A1 to IV65536)",
                            quoted(&cell_name(&name, row, column as usize))
                        ));
                    }
                    sheet.include(row, column);
                }
            }
        }
        at += 4 + data.len();
    }
    Ok(())
}

/// The record at `at`: its type and data, when the whole of it is there.
fn record(stream: &[u8], at: usize) -> Option<(u16, &[u8])> {
    let header = stream.get(at..at + 4)?;
    let kind = u16::from_le_bytes([header[0], header[1]]);
    let length = u16::from_le_bytes([header[2], header[3]]) as usize;
    Some((kind, stream.get(at + 4..at + 4 + length)?))
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 2).map(|bytes| u16::from_le_bytes([bytes[0], bytes[1]]) as u32)
}

/// The (row, column) of each cell a record holds, 0-based.
fn cells(kind: u16, data: &[u8]) -> Vec<(u32, u32)> {
    let first = || Some((u16_at(data, 0)?, u16_at(data, 2)?));
    match kind {
        // Number, Label, RString, BoolErr, Rk, LabelSst, Formula: row, column.
        0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => first().into_iter().collect(),
        // MulRk: row, first column, ..., last column.
        0x00BD => {
            let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
            match (first(), last) {
                (Some((row, from)), Some(to)) if to >= from => vec![(row, from), (row, to)],
                (Some(cell), _) => vec![cell],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// DIMENSIONS: first row, last row + 1 (32-bit), first column, last column + 1.
fn check_dimensions(data: &[u8]) -> Result<(), String> {
    let word = |at: usize| data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let (Some(first_row), Some(end_row), Some(first_column), Some(end_column)) =
        (word(0), word(4), u16_at(data, 8), u16_at(data, 10))
    else {
        return Ok(()); // the short (BIFF5) form: 16-bit rows, calamine bounds it
    };
    let reversed = end_row < first_row || end_column < first_column;
    let outside = end_row > ROWS || end_column > COLUMNS;
    let cells = (end_row.saturating_sub(first_row) as u64) * (end_column.saturating_sub(first_column) as u64);
    match reversed || outside || cells > XLS_CELLS {
        true => Err(format!(
            "its declared range {}:{} runs backwards, leaves the .xls grid or is more than {XLS_CELLS} cells",
            cell_name("", first_row, first_column as usize).trim_start_matches('!'),
            cell_name("", end_row.saturating_sub(1), end_column.saturating_sub(1) as usize).trim_start_matches('!'),
        )),
        false => Ok(()),
    }
}

/// Each sheet's BOF position in the stream and its name, from the
/// workbook's BoundSheet8 records.
fn sheet_names(stream: &[u8]) -> Vec<(u32, String)> {
    let mut names = Vec::new();
    let mut at = 0;
    while let Some((kind, data)) = record(stream, at) {
        if kind == 0x0085 && data.len() > 8 {
            let length = data[6] as usize;
            let text = &data[8..];
            let name = match data[7] & 1 {
                0 => text.iter().take(length).map(|&byte| byte as char).collect(),
                _ => {
                    let units: Vec<u16> =
                        text.chunks_exact(2).take(length).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
                    String::from_utf16_lossy(&units)
                }
            };
            names.push((u32::from_le_bytes([data[0], data[1], data[2], data[3]]), name));
        }
        at += 4 + data.len();
    }
    names
}

/// A sheet's used cells' bounding box so far.
#[derive(Default)]
struct Sheet {
    rows: Option<(u32, u32)>,
    columns: Option<(u32, u32)>,
}

impl Sheet {
    fn include(&mut self, row: u32, column: u32) {
        let widen =
            |span: Option<(u32, u32)>, at: u32| Some(span.map_or((at, at), |(low, high)| (low.min(at), high.max(at))));
        self.rows = widen(self.rows, row);
        self.columns = widen(self.columns, column);
    }

    /// The cells calamine fills for it: its bounding box.
    fn cells(&self) -> u64 {
        match (self.rows, self.columns) {
            (Some((top, bottom)), Some((left, right))) => (bottom - top + 1) as u64 * (right - left + 1) as u64,
            _ => 0,
        }
    }
}
