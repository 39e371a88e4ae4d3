//! Hostile and broken inputs, each made here by a generator (no bombs are
//! committed) and run through `scorecard values` in a child process whose
//! data segment is limited to 1 GiB (`RLIMIT_DATA`: the engine reserves
//! address space it never touches, so `RLIMIT_AS` would misfire), so that
//! running out of memory fails the test, not the machine. Each case names
//! its expected outcome: exit 4 and the message's first words.

use crate::helpers::Fixture;
use crate::workbooks::{book_fixture, package};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

const MEMORY_LIMIT: u64 = 1 << 30;

/// `scorecard <args>` in `root`, its data segment limited to 1 GiB.
pub(crate) fn run_limited(root: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_scorecard"));
    command.args(args).current_dir(root);
    // SAFETY: setrlimit is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: MEMORY_LIMIT, rlim_max: MEMORY_LIMIT };
            match libc::setrlimit(libc::RLIMIT_DATA, &limit) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
    command.output().expect("scorecard runs")
}

/// `values` fails with exit 4 and a message holding every one of `expected`.
fn refused(fixture: &Fixture, expected: &[&str]) {
    let output = run_limited(fixture.root(), &["values"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{:?}\n{stderr}", output.status);
    for words in expected {
        assert!(stderr.contains(words), "expected {words:?} in:\n{stderr}");
    }
    assert!(stderr.lines().all(|line| line.len() < 4_000), "a line of the log is too long");
}

fn put_workbook(fixture: &Fixture, bytes: &[u8]) {
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.xlsx"), bytes).unwrap();
}

/// List 3's header and one June referral, then `more` (cells or rows).
pub(crate) fn sheet(more: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Child Unique ID</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>Gender</t></is></c>\
         <c r=\"C1\" t=\"inlineStr\"><is><t>Date of Referral</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>Number of Referrals in Last 12 Months</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>C1</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>F</t></is></c><c r=\"C2\"><v>45446</v></c><c r=\"D2\"><v>1</v></c></row>\
         {more}</sheetData></worksheet>"
    )
}

/// The generator is right: the same workbook without the hostile part reads.
#[test]
fn the_generated_workbook_reads_under_the_memory_limit() {
    let fixture = book_fixture("");
    put_workbook(&fixture, &package(sheet(""), Vec::new()));
    let output = run_limited(fixture.root(), &["values"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // One referral (C1, 3 June 2024 = serial 45446) in June.
    assert!(stdout.lines().any(|line| line.contains(",june-referrals,2024-06,1,1,")), "{stdout}");
}

/// One cell in column ZZZZZZ (321,272,406) made a 7.7 GB row.
#[test]
fn a_cell_far_past_excels_last_column_is_refused_by_its_reference() {
    let fixture = book_fixture("");
    let far = "<row r=\"3\"><c r=\"ZZZZZZ3\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    put_workbook(&fixture, &package(sheet(far), Vec::new()));
    refused(&fixture, &["annex-a.xlsx", "sheet `List 3`: the cell reference `ZZZZZZ3` is outside Excel's grid"]);
}

/// A row number past 32 bits wrapped to a smaller one and the rest of the
/// sheet was dropped without a word; in a debug build it panicked.
#[test]
fn a_cell_reference_past_excels_last_row_is_refused_not_dropped() {
    let fixture = book_fixture("");
    let far = "<row r=\"3\"><c r=\"A99999999999\"><v>1</v></c></row>";
    put_workbook(&fixture, &package(sheet(far), Vec::new()));
    refused(&fixture, &["sheet `List 3`: the cell reference `A99999999999` is outside Excel's grid"]);
}

/// A dimension running backwards made calamine subtract past zero.
#[test]
fn a_dimension_running_backwards_is_refused() {
    let fixture = book_fixture("");
    let bytes = package(sheet("").replace("<sheetData>", "<dimension ref=\"D5:A1\"/><sheetData>"), Vec::new());
    put_workbook(&fixture, &bytes);
    refused(
        &fixture,
        &["the dimension reference `D5:A1` is outside Excel's grid (A1 to XFD1048576) or runs backwards"],
    );
}

/// `uniqueCount` is reserved up front: 10^13 strings aborted the process
/// asking for 240 TB.
#[test]
fn shared_strings_declaring_more_than_they_hold_are_refused() {
    let fixture = book_fixture("");
    let strings = b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"10000000000000\"><si><t>F</t></si></sst>";
    put_workbook(&fixture, &package(sheet(""), vec![("xl/sharedStrings.xml", strings.to_vec())]));
    refused(&fixture, &["declare uniqueCount=\"10000000000000\" and hold 1"]);
}

/// 30 million empty shared strings pack into 1.4 MB and took 3.4 GB; here
/// 2,000,001 (one over the bound), stored, 10 MB.
#[test]
fn more_shared_strings_than_the_bound_are_refused() {
    let fixture = book_fixture("");
    let mut strings = b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">".to_vec();
    strings.extend(b"<si/>".repeat(2_000_001));
    strings.extend(b"</sst>");
    put_workbook(&fixture, &package(sheet(""), vec![("xl/sharedStrings.xml", strings)]));
    refused(&fixture, &["the workbook holds more than 2000000 different texts"]);
}

/// A 2 GiB inline string packs into 2 MB; any text over 1 MiB is refused as
/// soon as it is seen, so 2 MiB is enough to show it.
#[test]
fn an_inline_string_longer_than_any_cell_is_refused() {
    let fixture = book_fixture("");
    let long = format!("<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>{}</t></is></c></row>", "a".repeat(2 << 20));
    put_workbook(&fixture, &package(sheet(&long), Vec::new()));
    refused(
        &fixture,
        &["the workbook's part `xl/worksheets/sheet1.xml` holds a text or tag longer than 1048576 bytes"],
    );
}

/// A part that unpacks to more than 256 MB plus 100 times its packed size
/// is a zip bomb: refused by what it declares before anything is inflated,
/// or, when it declares less than it holds, as soon as it passes that.
/// (30 MB of `<x/>` packs into 240 KB here; a 2 MB bomb unpacks to 2 GB.)
#[test]
fn a_zip_bomb_is_refused_by_its_declared_or_its_real_size() {
    let fixture = book_fixture("");
    let bomb = deflate_repeating(b"<x/>", 30 << 20);
    let bytes = package(sheet(""), Vec::new());
    put_workbook(&fixture, &with_deflated_part(&bytes, "xl/styles.xml", &bomb, 3 << 30));
    // The bound: 256 MB plus 100 times the packed size, in whole MB.
    let bound = ((256 << 20) + 100 * bomb.len()) >> 20;
    let expected = format!("the workbook's part `xl/styles.xml` unpacks to more than {bound} MB (3072 MB or more)");
    refused(&fixture, &[&expected]);
    put_workbook(&fixture, &with_deflated_part(&bytes, "xl/styles.xml", &bomb, bomb.len() as u32));
    refused(&fixture, &["the workbook's part `xl/styles.xml` cannot be unpacked"]);
}

/// An `.ods` grid is filled from A1 to its last cell: a number in column
/// XFD on each of 1,000 rows is 16,384,000 cells (about 500 MB), over the
/// bound of 8,000,000.
#[test]
fn an_ods_sheet_whose_grid_is_too_large_is_refused() {
    let fixture = book_fixture("");
    let row = "<table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>\
               <table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell></table:table-row>";
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
         <office:body><office:spreadsheet><table:table table:name=\"List 3\">{}</table:table></office:spreadsheet></office:body></office:document-content>",
        row.repeat(1_000)
    );
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    out.start_file("mimetype", options.compression_method(zip::CompressionMethod::Stored)).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    out.start_file("content.xml", options).unwrap();
    out.write_all(content.as_bytes()).unwrap();
    let bytes = out.finish().unwrap().into_inner();
    let toml = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &toml.replace("file = \"annex-a.xlsx\"", "file = \"annex-a.ods\""));
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.ods"), bytes).unwrap();
    refused(&fixture, &["annex-a.ods", "are more than 8000000: too many to read safely"]);
}

/// A raw deflate stream of `pattern` repeated to `length` bytes: the
/// pattern as literals, then back-references of 258 bytes at the pattern's
/// distance, in one block of fixed Huffman codes (RFC 1951, 3.2.6). Written
/// by hand because a deflater at the test profile's speed would take
/// minutes over 300 MB.
fn deflate_repeating(pattern: &[u8], length: usize) -> Vec<u8> {
    assert!((1..=4).contains(&pattern.len()) && length >= pattern.len());
    let mut bits = Bits::default();
    bits.push(1, 1); // the last block
    bits.push(1, 2); // fixed codes
    for &byte in pattern {
        // Literals 0-143 are the 8-bit codes 0x30 upwards.
        bits.huffman(0x30 + u32::from(byte), 8);
    }
    let mut left = length - pattern.len();
    while left > 0 {
        // Lengths 3-258 in one symbol; keep the last one at least 3.
        let run = if left > 258 + 3 || left == 258 {
            258
        } else if left > 258 {
            left - 3
        } else {
            left
        };
        let (code, extra, extra_bits) = length_code(run);
        match code {
            256..=279 => bits.huffman(code - 256, 7),
            _ => bits.huffman(code - 280 + 0xC0, 8),
        }
        bits.push(extra, extra_bits);
        // Distance codes 0-3 are distances 1-4, no extra bits.
        bits.huffman(pattern.len() as u32 - 1, 5);
        left -= run;
    }
    bits.huffman(0, 7); // end of block
    bits.bytes
}

/// The length symbol for `run` (3-258), its extra bits and their count.
fn length_code(run: usize) -> (u32, u32, u32) {
    const BASES: [(u32, u32); 29] = [
        (3, 0),
        (4, 0),
        (5, 0),
        (6, 0),
        (7, 0),
        (8, 0),
        (9, 0),
        (10, 0),
        (11, 1),
        (13, 1),
        (15, 1),
        (17, 1),
        (19, 2),
        (23, 2),
        (27, 2),
        (31, 2),
        (35, 3),
        (43, 3),
        (51, 3),
        (59, 3),
        (67, 4),
        (83, 4),
        (99, 4),
        (115, 4),
        (131, 5),
        (163, 5),
        (195, 5),
        (227, 5),
        (258, 0),
    ];
    let run = run as u32;
    let index = BASES.iter().rposition(|(base, _)| *base <= run).unwrap();
    let (base, extra_bits) = BASES[index];
    (257 + index as u32, run - base, extra_bits)
}

#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    /// `count` bits of `value`, least significant first.
    fn push(&mut self, value: u32, count: u32) {
        for bit in 0..count {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if value >> bit & 1 == 1 {
                *self.bytes.last_mut().unwrap() |= 1 << (self.used % 8);
            }
            self.used += 1;
        }
    }

    /// A Huffman code: most significant bit first.
    fn huffman(&mut self, code: u32, count: u32) {
        for bit in (0..count).rev() {
            self.push(code >> bit & 1, 1);
        }
    }
}

/// The workbook with `part` added as an already-deflated stream declaring
/// `declared` bytes unpacked.
fn with_deflated_part(bytes: &[u8], part: &str, deflated: &[u8], declared: u32) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        out.raw_copy_file(archive.by_index_raw(index).unwrap()).unwrap();
    }
    // Stored (the bytes as they are), then its headers patched below.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file(part, options).unwrap();
    out.write_all(deflated).unwrap();
    let mut zipped = out.finish().unwrap().into_inner();
    patch_headers(&mut zipped, part, declared);
    zipped
}

/// Sets `part`'s compression method to deflate (8) and its unpacked size
/// to `declared`, in its local header (method at byte 8, size at 22) and
/// its central directory entry (10 and 24).
fn patch_headers(zipped: &mut [u8], part: &str, declared: u32) {
    let name = part.as_bytes();
    let headers: [(&[u8], usize, usize, usize); 2] = [(b"PK\x03\x04", 8, 22, 30), (b"PK\x01\x02", 10, 24, 46)];
    for (signature, method_at, size_at, name_at) in headers {
        let mut at = 0;
        while let Some(found) = memchr::memmem::find(&zipped[at..], signature) {
            let start = at + found;
            if zipped.get(start + name_at..start + name_at + name.len()) == Some(name) {
                zipped[start + method_at..start + method_at + 2].copy_from_slice(&8u16.to_le_bytes());
                zipped[start + size_at..start + size_at + 4].copy_from_slice(&declared.to_le_bytes());
            }
            at = start + 4;
        }
    }
}

/// A reproducible-build time that is not a number, or past year 9999, was
/// ignored or failed the workbook: a usage error (exit 2) naming it.
#[test]
fn a_bad_source_date_epoch_is_a_usage_error() {
    let fixture = Fixture::new();
    for bad in ["soon", "1e9", "-1", "253402300800"] {
        let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .arg("check")
            .env("SOURCE_DATE_EPOCH", bad)
            .current_dir(fixture.root())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains(&format!("SOURCE_DATE_EPOCH is `{bad}`")), "{stderr}");
    }
}

/// Three FTEs of 1e308 added up to infinity and "19 of inf" was published
/// as 0.0%, green: a number past 10^15 is a bad value at its cell; 10^15
/// itself is read.
#[test]
fn a_number_past_the_bound_is_a_bad_value_at_its_cell() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    let rows = "S1,T,1,1e308,5,01/01/2020,,10,0\nS2,T,0,1e15,5,01/01/2020,,10,0\n";
    fixture.extract("2025-03", "workforce.csv", &format!("{header}{rows}"));
    let output = run_limited(fixture.root(), &["values"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    // FTE is the 4th column; S1 is on line 2, S2 (1e15, inside the bound) on line 3.
    assert!(stderr.contains("(`FTE`): `1e308` is not a number between -1e15 and 1e15"), "{stderr}");
    assert!(stderr.contains("workforce.csv:2:4") && !stderr.contains("workforce.csv:3:4"), "{stderr}");
}

/// A CIN census with one child whose id is `id_length` characters and
/// `referrals` empty referrals: each referral's row carries the child's id.
fn census_of_one_child(id_length: usize, referrals: usize) -> Fixture {
    let referrals = "<CINdetails/>\n".repeat(referrals);
    let id = "9".repeat(id_length);
    let xml = format!(
        "{}\n<Child><ChildIdentifiers><LAchildID>{id}</LAchildID></ChildIdentifiers>\n{referrals}</Child></Children></Message>\n",
        crate::returns::header(2024)
    );
    let fixture = crate::returns::fixture(&xml);
    fixture.indicator("t", "referrals", &crate::returns::count("referrals", "cin-referrals", "TRUE"));
    fixture
}

/// Issue 28: a 5.7 MB census (a 4 MB child id, 2,000 empty referrals) was
/// killed at 4 GiB, the id copied into every record before any check.
#[test]
fn a_return_value_longer_than_any_field_is_refused_at_its_line() {
    let fixture = census_of_one_child(4 << 20, 2_000);
    // The header is line 1, the child (and its id) line 2.
    refused(&fixture, &["cin.xml:2:", "<LAchildID> holds a value longer than 32767 characters"]);
}

/// Ids within the bound, but 10,000 records each carrying a 30,000-character
/// id: 10,000 x 30,000 = 300 MB of ids alone, past 256 MiB plus twice the
/// file (about 2 x 0.17 MB). Each record holds 30,000 bytes of id, up to 5
/// of its running number and under 1,000 of row overhead (at most 40
/// columns of 24 bytes, plus 32), so the bound is passed between record
/// budget / 31,005 and budget / 30,000 + 1.
#[test]
fn a_return_whose_records_would_outgrow_the_budget_is_refused() {
    let fixture = census_of_one_child(30_000, 10_000);
    refused(&fixture, &["would take more than 256 MB to hold", "records"]);
    let output = run_limited(fixture.root(), &["values"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let records: usize = stderr
        .split("its ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no record count in {stderr}"));
    let file = std::fs::metadata(fixture.root().join("data/2024-03/cin.xml")).unwrap().len() as usize;
    let budget = (256 << 20) + 2 * file;
    let (fewest, most) = (budget / 31_005, budget / 30_000 + 1);
    assert!((fewest..=most).contains(&records), "refused at record {records}, not in {fewest}..={most}");
    // A census of ordinary ids and as many referrals reads.
    let ordinary = census_of_one_child(10, 10_000);
    let output = run_limited(ordinary.root(), &["values"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Raw NUL and control characters reached index.html and series.csv (and
/// would make an SVG chart invalid XML): a team name, a title and a
/// commentary line holding them publish without them, tabs and line breaks
/// kept.
#[test]
fn control_characters_never_reach_a_published_text_file() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let definition = fixture.root().join("indicators/workforce/agency-rate.toml");
    let text = std::fs::read_to_string(&definition).unwrap();
    let title = "title = \"Agency social worker rate\"";
    assert!(text.contains(title));
    std::fs::write(&definition, text.replace(title, "title = \"Agency\\u0001 rate\\u001b[31m\"")).unwrap();
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    let rows: String =
        (1..=8).map(|n| format!("S{n},Team\u{0}North\u{7},{},1.0,5,01/01/2020,,10,0\n", n % 2)).collect();
    fixture.extract("2025-03", "workforce.csv", &format!("{header}{rows}"));
    fixture.write("commentary/2025-03.toml", "agency-rate = \"Two\\u0007 leavers.\\nNew starters in April.\"\n");
    build(&fixture);
    let bundle = fixture.root().join("reports/2025-03");
    let mut checked = Vec::new();
    let mut pending = vec![bundle.clone()];
    while let Some(dir) = pending.pop() {
        for path in std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()) {
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_dir() {
                pending.push(path);
            } else if ["html", "svg", "csv"].contains(&extension) {
                let text = std::fs::read_to_string(&path).unwrap();
                let bad = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
                assert_eq!(bad, None, "{} holds a control character", path.display());
                checked.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    assert!(checked.len() >= 5, "{checked:?}");
    let page = std::fs::read_to_string(bundle.join("index.html")).unwrap();
    // What is left of each text, with its line break.
    assert!(page.contains("Agency rate[31m"), "the title");
    assert!(page.contains("TeamNorth"), "the team");
    assert!(page.contains("Two leavers."), "the commentary");
    let series = std::fs::read_to_string(bundle.join("series.csv")).unwrap();
    assert!(series.contains("agency-rate,TeamNorth,2025-03"), "{series}");
}

fn utf16le_with_mark(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// A return or a CSV saved as UTF-16 got "malformed XML" or a column of
/// NULs: now a hint to save it as UTF-8, with or without its byte-order mark.
#[test]
fn utf16_text_is_refused_with_a_hint_to_save_it_as_utf8() {
    let xml = format!("<?xml version=\"1.0\"?>{}</Children></Message>", crate::returns::header(2024));
    let census = crate::returns::fixture("");
    census.indicator("t", "referrals", &crate::returns::count("referrals", "cin-referrals", "TRUE"));
    let path = census.root().join("data/2024-03/cin.xml");
    let marked = utf16le_with_mark(&xml);
    for bytes in [marked.clone(), marked[2..].to_vec()] {
        std::fs::write(&path, bytes).unwrap();
        refused(&census, &["cin.xml", "is UTF-16 text", "save it with the encoding UTF-8"]);
    }
    let workforce = Fixture::shipped(&["workforce/agency-rate"]);
    workforce.extract("2025-03", "workforce.csv", "");
    let csv = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\nS1,T,1,1.0,5,01/01/2020,,10,0\n";
    std::fs::write(workforce.root().join("sample-data/2025-03/workforce.csv"), utf16le_with_mark(csv)).unwrap();
    refused(&workforce, &["workforce.csv", "is UTF-16 text", "\"CSV UTF-8\" (not \"Unicode Text\")"]);
}

/// `scorecard build` in the fixture, which must succeed; its log.
fn build(fixture: &Fixture) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .arg("build")
        .current_dir(fixture.root())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{log}");
    log
}

/// CJK in a commentary line became U+FFFD in the PDF with no word: the
/// build names the indicator and the characters the PDF's font lacks.
#[test]
fn characters_the_pdf_font_lacks_are_named_with_their_indicator() {
    let fixture = Fixture::shipped(&["workforce/agency-rate", "workforce/caseloads-within-limit"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    fixture.extract("2025-03", "workforce.csv", &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\n"));
    fixture.write("commentary/2025-03.toml", "agency-rate = \"北区 team: two leavers.\"\n");
    let log = build(&fixture);
    let warning = log.lines().find(|line| line.contains("has no glyph")).unwrap_or_else(|| panic!("{log}"));
    assert!(warning.contains("board-pack.pdf has no glyph for 北区") && warning.contains("agency-rate"), "{warning}");
    assert_eq!(log.matches("has no glyph").count(), 1, "only the indicator holding them: {log}");
}

/// One BIFF8 record: type, length, data.
fn biff(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut record = kind.to_le_bytes().to_vec();
    record.extend((data.len() as u16).to_le_bytes());
    record.extend(data);
    record
}

pub(crate) enum XlsCell<'a> {
    Text(&'a str),
    Number(f64),
}

/// A BIFF8 `.xls` in a compound file, as Excel 97-2003 saves one: a
/// workbook whose one sheet, `List 3`, declares `dimensions` (first row,
/// last row + 1, first column, last column + 1) and holds `cells`.
pub(crate) fn xls(dimensions: [u32; 4], cells: &[(u16, u16, XlsCell)]) -> Vec<u8> {
    xls_with_globals(&[], dimensions, cells)
}

/// The same, with `globals` (records) added to the workbook's globals.
fn xls_with_globals(globals: &[u8], dimensions: [u32; 4], cells: &[(u16, u16, XlsCell)]) -> Vec<u8> {
    let bof = |kind: u16| {
        biff(
            0x0809,
            &[&0x0600u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0xBB, 0x0D, 0xCC, 0x07, 0, 0, 0, 0, 6, 0, 0, 0]]
                .concat(),
        )
    };
    let name = b"List 3";
    let bound_sheet = |at: u32| biff(0x0085, &[&at.to_le_bytes()[..], &[0, 0, name.len() as u8, 0], name].concat());
    let globals_length = (bof(0x0005).len()
        + biff(0x0042, &[0; 2]).len()
        + globals.len()
        + bound_sheet(0).len()
        + biff(0x000A, &[]).len()) as u32;
    let mut stream = [
        bof(0x0005),
        biff(0x0042, &1200u16.to_le_bytes()),
        globals.to_vec(),
        bound_sheet(globals_length),
        biff(0x000A, &[]),
    ]
    .concat();
    stream.extend(bof(0x0010));
    let [first_row, end_row, first_column, end_column] = dimensions;
    let declared = [
        &first_row.to_le_bytes()[..],
        &end_row.to_le_bytes(),
        &(first_column as u16).to_le_bytes(),
        &(end_column as u16).to_le_bytes(),
        &[0, 0],
    ]
    .concat();
    stream.extend(biff(0x0200, &declared));
    for (row, column, cell) in cells {
        let place = [row.to_le_bytes(), column.to_le_bytes(), [0, 0]].concat();
        stream.extend(match cell {
            XlsCell::Number(value) => biff(0x0203, &[&place[..], &value.to_le_bytes()].concat()),
            XlsCell::Text(text) => {
                biff(0x0204, &[&place[..], &(text.len() as u16).to_le_bytes(), &[0], text.as_bytes()].concat())
            }
        });
    }
    stream.extend(biff(0x000A, &[]));
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook").unwrap().write_all(&stream).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// List 3's header and one June referral (C1, female, serial 45446 = 3 June 2024), then `more`.
pub(crate) fn referral_cells<'a>(more: Vec<(u16, u16, XlsCell<'a>)>) -> Vec<(u16, u16, XlsCell<'a>)> {
    let header = ["Child Unique ID", "Gender", "Date of Referral", "Number of Referrals in Last 12 Months"];
    let mut cells: Vec<_> =
        header.iter().enumerate().map(|(column, text)| (0, column as u16, XlsCell::Text(text))).collect();
    cells.extend([
        (1, 0, XlsCell::Text("C1")),
        (1, 1, XlsCell::Text("F")),
        (1, 2, XlsCell::Number(45446.0)),
        (1, 3, XlsCell::Number(1.0)),
    ]);
    cells.extend(more);
    cells
}

fn xls_fixture(bytes: &[u8]) -> Fixture {
    let fixture = book_fixture("");
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &project.replace("annex-a.xlsx", "annex-a.xls"));
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.xls"), bytes).unwrap();
    fixture
}

/// The generator is right: a small `.xls` reads, and gives one June referral.
#[test]
fn a_generated_xls_reads_under_the_memory_limit() {
    let fixture = xls_fixture(&xls([0, 2, 0, 4], &referral_cells(Vec::new())));
    let output = run_limited(fixture.root(), &["values"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.lines().any(|line| line.contains(",june-referrals,2024-06,1,1,")), "{stdout}");
}

/// calamine fills each `.xls` sheet from its first used cell to its last,
/// all sheets at open: one number at column 65,535 of row 65,535 asks for
/// 4.3 billion cells; inside the grid, IV60000 asks for 60,000 x 256 =
/// 15.4 million, past the 8 million bound.
#[test]
fn an_xls_whose_cells_would_fill_too_large_a_grid_is_refused() {
    let far = xls([0, 2, 0, 4], &referral_cells(vec![(65_535, 65_535, XlsCell::Number(1.0))]));
    // Column 65,536 in letters: 65,536 = 3 x 26^3 + 18 x 26^2 + 24 x 26 + 16
    // (digits 1 to 26), so C R X P.
    refused(
        &xls_fixture(&far),
        &["annex-a.xls", "the cell 'List 3'!CRXP65536 is outside the .xls grid (A1 to IV65536)"],
    );
    let wide = xls([0, 2, 0, 4], &referral_cells(vec![(59_999, 255, XlsCell::Number(1.0))]));
    refused(&xls_fixture(&wide), &["sheet `List 3`: the cells calamine would fill", "more than 8000000 in all"]);
}

/// calamine reserves a sheet's declared DIMENSIONS and subtracts its ends
/// (reversed, they overflow), and reserves the FAT sectors its header declares.
#[test]
fn an_xls_declaring_impossible_sizes_is_refused() {
    for dimensions in [[5, 1, 0, 4], [0, 65_537, 0, 4], [0, 65_536, 0, 256]] {
        let declared = xls(dimensions, &referral_cells(Vec::new()));
        refused(
            &xls_fixture(&declared),
            &[
                "sheet `List 3`: its declared range",
                "runs backwards, leaves the .xls grid or is more than 8000000 cells",
            ],
        );
    }
    let mut fat = xls([0, 2, 0, 4], &referral_cells(Vec::new()));
    fat[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
    refused(&xls_fixture(&fat), &["annex-a.xls", "FAT sectors"]);
}

/// calamine panicked on a defined name (`Lbl`) record shorter than it
/// expects (found by `fuzz_workbook_readers`): the file's error, exit 4,
/// with no panic message printed.
#[test]
fn an_xls_that_panics_the_workbook_reader_is_an_error_naming_the_file() {
    let damaged = xls_with_globals(&biff(0x0018, &[]), [0, 2, 0, 4], &referral_cells(Vec::new()));
    let fixture = xls_fixture(&damaged);
    refused(
        &fixture,
        &[
            "annex-a.xls",
            "this file cannot be read as a workbook: the workbook reader failed on it (index out of bounds",
        ],
    );
    let stderr = String::from_utf8_lossy(&run_limited(fixture.root(), &["values"]).stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A dataset may say how large its files may be: one byte past it is
/// refused before it is read, naming the size; a bound outside 1 to 2048 MB
/// is a project error at its line.
#[test]
fn an_extract_past_its_datasets_size_is_refused_before_it_is_read() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    let declared = "[datasets.workforce]\n";
    assert!(project.contains(declared));
    fixture.write("scorecard.toml", &project.replace(declared, &format!("{declared}largest_file_mb = 1\n")));
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    let row = "S1,T,1,1.0,5,01/01/2020,,10,0\n";
    // 1 MB is 1,048,576 bytes: the header and rows up to exactly that read; one byte more does not.
    let rows = (1_048_576 - header.len()) / row.len();
    let mut text = format!("{header}{}", row.repeat(rows));
    text.push_str(&"\n".repeat(1_048_576 - text.len()));
    fixture.extract("2025-03", "workforce.csv", &text);
    let read = run_limited(fixture.root(), &["values"]);
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    text.push('\n');
    fixture.extract("2025-03", "workforce.csv", &text);
    refused(&fixture, &["workforce.csv", "it is 1048577 bytes, more than the 1 MB its dataset's files may be"]);
    fixture.write("scorecard.toml", &project.replace(declared, &format!("{declared}largest_file_mb = 4096\n")));
    let output = run_limited(fixture.root(), &["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("largest_file_mb is 4096: it must be 1 to 2048"), "{stderr}");
}
