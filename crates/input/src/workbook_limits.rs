//! What a zipped workbook (`.xlsx`, `.xlsm`, `.ods`) may make the reader
//! hold, checked before calamine opens it. calamine trusts what a file
//! declares: it reserves `uniqueCount` shared strings (10^13 aborts the
//! process), keeps every shared string and an `.ods` sheet's whole grid in
//! memory, and reads cell references into 32-bit numbers that overflow
//! (`A99999999999`). None of that can be bounded through its API, so the
//! zip's parts are streamed once here (inflated into nothing, nothing kept)
//! and the file is refused, naming the part, sheet or cell, when:
//!
//! - a part unpacks to more than `PART_BUDGET` plus `PART_RATIO` times its
//!   packed size (a zip bomb: 2 GB of one string packs into 2 MB);
//! - a run of text or a tag is longer than `LONGEST_RUN` (Excel's cells hold
//!   32,767 characters; a CSV value is refused over 1 MB too);
//! - the shared strings are more than `SHARED_STRINGS_BYTES` or
//!   `SHARED_STRINGS_COUNT`, or declare more than they hold;
//! - a cell, row or dimension reference is outside Excel's grid (A1 to
//!   XFD1048576) or a dimension runs backwards;
//! - an `.ods` sheet's grid (calamine fills every cell from A1 to the last
//!   one used, repeats expanded) is more than `workbook_refs::ODS_CELLS`.
//!
//! So a workbook costs at most about `PART_BUDGET` plus a small multiple of
//! its own size, whatever it declares. `.xlsb` is binary and gets only the
//! zip checks; `.xls` has its own (`workbook_xls`).

use super::workbook_refs::{check_ods_grid, check_reference, sheet_parts, Reference};
use crate::diagnostics::{quoted, Diagnostic};
use std::io::{Cursor, Read};
use std::path::Path;

/// What one part may unpack to beyond `PART_RATIO` times its packed size.
pub(crate) const PART_BUDGET: u64 = 256 << 20;
/// XML packs about 10 to 20 times in real workbooks; zip bombs 1,000 times.
pub(crate) const PART_RATIO: u64 = 100;
/// The longest text or tag between two of `<` and `>`.
pub(crate) const LONGEST_RUN: usize = 1 << 20;
pub(crate) const SHARED_STRINGS_BYTES: u64 = 64 << 20;
pub(crate) const SHARED_STRINGS_COUNT: u64 = 2_000_000;

/// Refuse a zipped workbook that would cost more than its bounds; anything
/// that is not a readable zip is left to calamine, which says what it is.
pub(crate) fn check_workbook(path: &Path, bytes: &[u8], extension: &str) -> Result<(), Diagnostic> {
    if extension == "xls" {
        return super::workbook_xls::check_xls(path, bytes);
    }
    if !matches!(extension, "xlsx" | "xlsm" | "ods" | "xlsb") {
        return Ok(());
    }
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let refuse = |message: String| Diagnostic::file(path, message).with_help(HELP);
    let sheets = if extension == "ods" { Vec::new() } else { sheet_parts(&mut zip) };
    for index in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(index) else { continue };
        let name = entry.name().map(|name| name.to_string()).unwrap_or_default();
        let limit = PART_BUDGET.saturating_add(PART_RATIO.saturating_mul(entry.compressed_size()));
        let kind = Part::of(&name, extension);
        let limit = if kind == Part::SharedStrings { limit.min(SHARED_STRINGS_BYTES) } else { limit };
        if entry.size() > limit {
            return Err(refuse(too_large(&name, entry.size(), limit)));
        }
        let sheet = sheets.iter().find(|(part, _)| *part == name).map_or(name.as_str(), |(_, sheet)| sheet.as_str());
        let mut scan = Scan::new(kind);
        let mut reader = (&mut entry).take(limit + 1);
        let mut chunk = vec![0u8; 64 << 10];
        let mut unpacked: u64 = 0;
        loop {
            let read = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => read,
                // Damaged, or more than its header declares (a bomb that lies).
                Err(error) => {
                    return Err(refuse(format!("the workbook's part `{}` cannot be unpacked: {error}", quoted(&name))))
                }
            };
            unpacked += read as u64;
            if unpacked > limit {
                return Err(refuse(too_large(&name, unpacked, limit)));
            }
            if kind != Part::Other {
                scan.feed(&chunk[..read]).map_err(|problem| refuse(problem.describe(&name, sheet)))?;
            }
        }
        scan.finish().map_err(|problem| refuse(problem.describe(&name, sheet)))?;
    }
    if extension == "ods" {
        check_ods_grid(&mut zip).map_err(refuse)?;
    }
    Ok(())
}

const HELP: &str = "open it in Excel or LibreOffice and save it again, or export the sheet as CSV UTF-8; \
                    a file that is really this large needs to be split";

fn too_large(part: &str, size: u64, limit: u64) -> String {
    format!(
        "the workbook's part `{}` unpacks to more than {} MB ({} MB or more): too large to read safely (a damaged file or a zip bomb?)",
        quoted(part),
        limit >> 20,
        size >> 20
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    SharedStrings,
    Sheet,
    /// Other XML: only its runs are checked.
    Xml,
    /// Pictures, binary parts: only their size.
    Other,
}

impl Part {
    fn of(name: &str, extension: &str) -> Part {
        let lower = name.to_ascii_lowercase();
        if extension == "xlsb" || !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            Part::Other
        } else if lower.ends_with("sharedstrings.xml") {
            Part::SharedStrings
        } else if lower.contains("worksheets/") {
            Part::Sheet
        } else {
            Part::Xml
        }
    }
}

/// What the scan found wrong.
#[derive(Debug, PartialEq)]
pub(super) enum Problem {
    LongRun,
    /// A reference outside the grid: the element, the text.
    Reference(&'static str, String),
    TooManyStrings(u64),
    /// Declared, held.
    DeclaredStrings(u64, u64),
}

impl Problem {
    fn describe(&self, part: &str, sheet: &str) -> String {
        match self {
            Problem::LongRun => format!(
                "the workbook's part `{}` holds a text or tag longer than {} bytes (Excel's cells hold 32,767 characters)",
                quoted(part),
                LONGEST_RUN
            ),
            Problem::Reference(what, text) => format!(
                "sheet `{}`: the {what} reference `{}` is outside Excel's grid (A1 to XFD1048576) or runs backwards",
                quoted(sheet),
                quoted(text)
            ),
            Problem::TooManyStrings(count) => {
                format!("the workbook holds more than {SHARED_STRINGS_COUNT} different texts ({count} at least)")
            }
            Problem::DeclaredStrings(declared, held) => format!(
                "the workbook's shared strings declare uniqueCount=\"{declared}\" and hold {held}: the file is damaged"
            ),
        }
    }
}

/// A streaming look at an XML part's tags and runs, chunk by chunk.
pub(super) struct Scan {
    kind: Part,
    in_tag: bool,
    run: usize,
    tag: Vec<u8>,
    strings: u64,
    declared: Option<u64>,
}

impl Scan {
    fn new(kind: Part) -> Scan {
        Scan { kind, in_tag: false, run: 0, tag: Vec::new(), strings: 0, declared: None }
    }

    pub(super) fn feed(&mut self, mut bytes: &[u8]) -> Result<(), Problem> {
        while !bytes.is_empty() {
            let next = if self.in_tag { memchr::memchr(b'>', bytes) } else { memchr::memchr(b'<', bytes) };
            let taken = next.unwrap_or(bytes.len());
            self.run += taken;
            if self.run > LONGEST_RUN {
                return Err(Problem::LongRun);
            }
            if self.in_tag && self.kind != Part::Xml {
                self.tag.extend_from_slice(&bytes[..taken]);
            }
            let Some(at) = next else { break };
            if self.in_tag {
                self.end_tag()?;
            }
            self.in_tag = !self.in_tag;
            self.run = 0;
            self.tag.clear();
            bytes = &bytes[at + 1..];
        }
        Ok(())
    }

    fn end_tag(&mut self) -> Result<(), Problem> {
        let tag = std::mem::take(&mut self.tag);
        let name_end = tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/').unwrap_or(tag.len());
        let name = &tag[..name_end];
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        match (self.kind, local) {
            (Part::SharedStrings, b"si") => {
                self.strings += 1;
                if self.strings > SHARED_STRINGS_COUNT {
                    return Err(Problem::TooManyStrings(self.strings));
                }
            }
            (Part::SharedStrings, b"sst") => {
                self.declared = attribute(&tag, b"uniqueCount").map(|text| {
                    // Unreadable as a count: calamine ignores it too.
                    std::str::from_utf8(text).ok().and_then(|text| text.trim().parse().ok()).unwrap_or(0)
                });
            }
            (Part::Sheet, b"c") => checked(&tag, b"r", Reference::Cell, "cell")?,
            (Part::Sheet, b"row") => checked(&tag, b"r", Reference::Row, "row")?,
            (Part::Sheet, b"dimension") => checked(&tag, b"ref", Reference::Range, "dimension")?,
            _ => {}
        }
        self.tag = tag;
        Ok(())
    }

    pub(super) fn finish(&self) -> Result<(), Problem> {
        match self.declared {
            Some(declared) if declared > self.strings => Err(Problem::DeclaredStrings(declared, self.strings)),
            _ => Ok(()),
        }
    }
}

fn checked(tag: &[u8], name: &[u8], kind: Reference, what: &'static str) -> Result<(), Problem> {
    match attribute(tag, name) {
        Some(text) if !check_reference(text, kind) => {
            Err(Problem::Reference(what, String::from_utf8_lossy(text).into_owned()))
        }
        _ => Ok(()),
    }
}

/// The value of attribute `name` in a tag's bytes (`c r="A1" t="s"`).
fn attribute<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let mut rest = tag;
    while let Some(at) = memchr::memmem::find(rest, name) {
        let before = at.checked_sub(1).map(|i| rest[i]);
        let after = &rest[at + name.len()..];
        let after = after.strip_prefix(b"=").unwrap_or(b"");
        if before.is_some_and(|b| b.is_ascii_whitespace()) {
            if let Some(&quote) = after.first().filter(|q| **q == b'"' || **q == b'\'') {
                let value = &after[1..];
                let end = memchr::memchr(quote, value).unwrap_or(value.len());
                return Some(&value[..end]);
            }
        }
        rest = &rest[at + name.len()..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(kind: Part, chunks: &[&[u8]]) -> Result<(), Problem> {
        let mut scan = Scan::new(kind);
        for chunk in chunks {
            scan.feed(chunk)?;
        }
        scan.finish()
    }

    #[test]
    fn references_are_checked_across_chunk_boundaries() {
        assert_eq!(scan(Part::Sheet, &[b"<row r=\"3\"><c r=\"XFD3\"", b" t=\"s\"><v>1</v></c></row>"]), Ok(()));
        assert_eq!(
            scan(Part::Sheet, &[b"<row r=\"3\"><c r=\"ZZ", b"ZZZZ3\"><v>1</v></c></row>"]),
            Err(Problem::Reference("cell", "ZZZZZZ3".into()))
        );
        assert_eq!(
            scan(Part::Sheet, &[b"<x:c r='A99999999999'/>"]),
            Err(Problem::Reference("cell", "A99999999999".into()))
        );
        assert_eq!(
            scan(Part::Sheet, &[b"<dimension ref=\"C5:A1\"/>"]),
            Err(Problem::Reference("dimension", "C5:A1".into()))
        );
        // `r` inside another attribute's name is not the reference.
        assert_eq!(scan(Part::Sheet, &[b"<c attr=\"1\" r=\"B2\"/>"]), Ok(()));
    }

    #[test]
    fn shared_strings_must_hold_what_they_declare() {
        let two = b"<sst uniqueCount=\"2\"><si><t>a</t></si><si><t>b</t></si></sst>";
        assert_eq!(scan(Part::SharedStrings, &[two]), Ok(()));
        let bomb = b"<sst uniqueCount=\"10000000000000\"><si><t>a</t></si></sst>";
        assert_eq!(scan(Part::SharedStrings, &[bomb]), Err(Problem::DeclaredStrings(10_000_000_000_000, 1)));
    }

    #[test]
    fn a_run_longer_than_the_limit_is_refused_whatever_the_chunks() {
        let half = vec![b'x'; LONGEST_RUN / 2 + 1];
        assert_eq!(scan(Part::Xml, &[b"<t>", &half, &half, b"</t>"]), Err(Problem::LongRun));
        assert_eq!(scan(Part::Xml, &[b"<t>", &half, b"</t><t>", &half, b"</t>"]), Ok(()));
    }
}
