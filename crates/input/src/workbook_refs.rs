//! The parts of a zipped workbook the limits check needs to read as XML:
//! which sheet a worksheet part is (for messages), whether a reference is
//! inside Excel's grid, and how large an `.ods` sheet's grid is.

use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// The most cells an `.ods` file's sheets may fill: about 256 MB of
/// calamine's 32-byte cells.
pub(crate) const ODS_CELLS: u64 = 8_000_000;

/// Excel's grid: XFD1048576.
const COLUMNS: u64 = 16_384;
const ROWS: u64 = 1_048_576;

/// The small XML parts read whole (the workbook and its relationships).
const SMALL_PART: u64 = 16 << 20;

#[derive(Clone, Copy)]
pub(super) enum Reference {
    /// `B7`
    Cell,
    /// `7`
    Row,
    /// `A1:C7` or `A1`
    Range,
}

/// Whether `text` is a reference of this kind inside Excel's grid (a range
/// running forwards).
pub(super) fn check_reference(text: &[u8], kind: Reference) -> bool {
    match kind {
        Reference::Cell => cell(text).is_some(),
        Reference::Row => row(text).is_some(),
        Reference::Range => {
            let mut ends = text.split(|b| *b == b':');
            let (Some(first), second, None) = (ends.next(), ends.next(), ends.next()) else { return false };
            match (cell(first), second.map(cell)) {
                (Some(_), None) => true,
                (Some((column, row)), Some(Some((last_column, last_row)))) => column <= last_column && row <= last_row,
                _ => false,
            }
        }
    }
}

/// (column, row), both from 1.
fn cell(text: &[u8]) -> Option<(u64, u64)> {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let column = text[..letters].iter().fold(0u64, |n, b| n * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1);
    (column <= COLUMNS).then_some(())?;
    Some((column, row(&text[letters..])?))
}

fn row(text: &[u8]) -> Option<u64> {
    if !(1..=7).contains(&text.len()) || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = text.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    (1..=ROWS).contains(&row).then_some(row)
}

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Each worksheet part with its sheet's name, from `xl/workbook.xml` and
/// its relationships; empty when they cannot be read (messages then name
/// the part).
pub(super) fn sheet_parts(zip: &mut Zip) -> Vec<(String, String)> {
    let mut names = Vec::new(); // (relationship id, sheet name)
    each_start(zip, "xl/workbook.xml", &mut |element| {
        if element.local_name().as_ref() == b"sheet" {
            if let (Some(name), Some(id)) = (value(element, b"name"), value(element, b"id")) {
                names.push((id, name));
            }
        }
    });
    let mut parts = Vec::new();
    each_start(zip, "xl/_rels/workbook.xml.rels", &mut |element| {
        let (Some(id), Some(target)) = (value(element, b"Id"), value(element, b"Target")) else { return };
        if let Some((_, sheet)) = names.iter().find(|(wanted, _)| *wanted == id) {
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            parts.push((part, sheet.clone()));
        }
    });
    parts
}

/// An attribute's value by its local name (`r:id` is `id`).
fn value(element: &BytesStart, local: &[u8]) -> Option<String> {
    element.attributes().flatten().find(|attribute| attribute.key.local_name().as_ref() == local).and_then(
        |attribute| {
            let text = String::from_utf8_lossy(&attribute.value).into_owned();
            quick_xml::escape::unescape(&text).ok().map(|text| text.into_owned())
        },
    )
}

fn each_start(zip: &mut Zip, part: &str, visit: &mut dyn FnMut(&BytesStart)) {
    let Ok(entry) = zip.by_name(part) else { return };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry.take(SMALL_PART)));
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element)) => visit(&element),
            Ok(Event::Eof) | Err(_) => return,
            _ => {}
        }
        buffer.clear();
    }
}

/// An `.ods` file's sheets hold at most `ODS_CELLS` cells between A1 and
/// their last cell with a value, counting repeated rows and columns as
/// calamine expands them.
pub(super) fn check_ods_grid(zip: &mut Zip) -> Result<(), String> {
    let Ok(entry) = zip.by_name("content.xml") else { return Ok(()) };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buffer = Vec::new();
    let mut grid = Grid::default();
    let mut total: u64 = 0;
    loop {
        let event = match reader.read_event_into(&mut buffer) {
            Ok(event) => event,
            Err(_) => return Ok(()), // calamine says what is wrong
        };
        match event {
            Event::Start(element) | Event::Empty(element) if element.local_name().as_ref() == b"table" => {
                grid = Grid::default();
            }
            Event::End(element) if element.local_name().as_ref() == b"table" => {
                total = total.saturating_add(grid.cells());
            }
            Event::Start(element) => grid.start(&element, false),
            Event::Empty(element) => grid.start(&element, true),
            Event::End(element) if element.local_name().as_ref() == b"table-row" => grid.end_row(),
            Event::Eof => break,
            _ => {}
        }
        if total.saturating_add(grid.cells()) > ODS_CELLS {
            return Err(format!(
                "a sheet's cells from A1 to the last one used (repeated rows and columns counted) are more than {ODS_CELLS}: too many to read safely"
            ));
        }
        buffer.clear();
    }
    Ok(())
}

/// One `.ods` table's extent as calamine will fill it.
#[derive(Default)]
struct Grid {
    row: u64,
    row_repeats: u64,
    column: u64,
    last_row: Option<u64>,
    last_column: u64,
}

impl Grid {
    fn start(&mut self, element: &BytesStart, empty: bool) {
        let repeats = |name: &[u8]| value(element, name).and_then(|text| text.parse::<u64>().ok()).unwrap_or(1).max(1);
        match element.local_name().as_ref() {
            b"table-row" => {
                self.row_repeats = repeats(b"number-rows-repeated");
                self.column = 0;
                if empty {
                    self.end_row();
                }
            }
            b"table-cell" | b"covered-table-cell" => {
                let columns = repeats(b"number-columns-repeated");
                let has_value = !empty || value(element, b"value-type").is_some();
                if has_value {
                    let last_row = self.row.saturating_add(self.row_repeats - 1);
                    self.last_row = Some(self.last_row.map_or(last_row, |row| row.max(last_row)));
                    self.last_column = self.last_column.max(self.column.saturating_add(columns - 1));
                }
                self.column = self.column.saturating_add(columns);
            }
            _ => {}
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeats.max(1));
        self.row_repeats = 1;
    }

    fn cells(&self) -> u64 {
        self.last_row.map_or(0, |row| (row + 1).saturating_mul(self.last_column + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_inside_and_outside_the_grid() {
        for inside in ["A1", "XFD1048576", "b7", "AA10"] {
            assert!(check_reference(inside.as_bytes(), Reference::Cell), "{inside}");
        }
        // XFE is column 16,385; ZZZZZZ has six letters; a row of 0 or past 1,048,576.
        for outside in ["XFE1", "ZZZZZZ3", "A0", "A1048577", "A99999999999", "1A", "A", "A1B"] {
            assert!(!check_reference(outside.as_bytes(), Reference::Cell), "{outside}");
        }
        assert!(check_reference(b"A1:C7", Reference::Range));
        assert!(check_reference(b"C7", Reference::Range));
        assert!(!check_reference(b"C7:A1", Reference::Range));
        assert!(!check_reference(b"A1:C7:D9", Reference::Range));
        assert!(check_reference(b"1048576", Reference::Row));
        assert!(!check_reference(b"1048577", Reference::Row));
    }
}
