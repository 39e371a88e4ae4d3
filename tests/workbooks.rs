//! Datasets that are a sheet of a workbook: found by name or by headers,
//! title rows skipped, date cells and serial numbers read as dates, and
//! errors naming the sheet and the cell.

use crate::helpers::{describe, Fixture, PROJECT};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

const BOOK: &str = r#"
[datasets.referrals-book]
layout = "monthly"
file = "annex-a.xlsx"
key = "LAchildID"
headers = { LAchildID = ["Child Unique ID"], CINreferralDate = ["Date of Referral"], Referrals = ["Number of Referrals in Last 12 Months"] }
codes = { Gender = { F = ["Female", "b) Female"], M = ["Male", "a) Male"] } }
columns = { LAchildID = "text", CINreferralDate = "date", Gender = "text", Referrals = "integer" }
"#;

/// Referrals in June 2024 by gender.
const INDICATOR: &str = "id = \"june-referrals\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\n\
polarity = \"no_judgement\"\ndataset = \"referrals-book\"\nwindow = { kind = \"month\" }\n\
filter = \"CINreferralDate BETWEEN window_start AND window_end\"\nbreakdown = \"Gender\"\n[measure]\nkind = \"count\"\n";

pub(crate) fn book_fixture(extra: &str) -> Fixture {
    let fixture = Fixture::new();
    fixture.write("scorecard.toml", &format!("{PROJECT}{BOOK}{extra}"));
    fixture.indicator("t", "june-referrals", INDICATOR);
    fixture
}

/// A contacts sheet first (a different list), then List 3: a title row, a
/// blank row, the header (drifted spellings, extra columns), then rows
/// whose dates are a date cell, a serial number and text.
fn annex_a(rows: &[(&str, Cell, &str)]) -> Workbook {
    let mut book = Workbook::new();
    let contacts = book.add_worksheet();
    contacts.set_name("List 1").unwrap();
    for (column, header) in ["Child Unique ID", "Date of Contact"].iter().enumerate() {
        contacts.write_string(0, column as u16, *header).unwrap();
    }
    let list = book.add_worksheet();
    list.set_name("List 3").unwrap();
    list.write_string(0, 0, "List 3: Referrals in the last six months").unwrap();
    let header = ["Child Unique ID", "Gender", "Age", "Date of Referral", "Number of Referrals in Last 12 Months"];
    for (column, text) in header.iter().enumerate() {
        list.write_string(2, column as u16, *text).unwrap();
    }
    for (index, (child, date, gender)) in rows.iter().enumerate() {
        let row = 3 + index as u32;
        list.write_string(row, 0, *child).unwrap();
        list.write_string(row, 1, *gender).unwrap();
        list.write_number(row, 2, 7.5).unwrap();
        date.write(list, row, 3);
        list.write_number(row, 4, 1.0).unwrap();
    }
    book
}

enum Cell {
    Date(u16, u8, u8),
    Number(f64),
    Text(&'static str),
}

impl Cell {
    fn write(&self, sheet: &mut Worksheet, row: u32, column: u16) {
        match self {
            Cell::Date(year, month, day) => {
                let date = ExcelDateTime::from_ymd(*year, *month, *day).unwrap();
                sheet
                    .write_datetime_with_format(row, column, &date, &Format::new().set_num_format("dd/mm/yyyy"))
                    .unwrap();
            }
            Cell::Number(number) => {
                sheet.write_number(row, column, *number).unwrap();
            }
            Cell::Text(text) => {
                sheet.write_string(row, column, *text).unwrap();
            }
        }
    }
}

fn save(fixture: &Fixture, book: &mut Workbook) {
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    book.save(fixture.root().join("data/2024-06/annex-a.xlsx")).unwrap();
}

fn june(fixture: &Fixture) -> Vec<(String, Option<f64>)> {
    let computed = fixture.compute().unwrap_or_else(|error| panic!("{}", describe(&error)));
    let (_, series) = computed.into_iter().find(|(id, _)| id == "june-referrals").expect("computed");
    let mut values = vec![("all".to_string(), series.series.last().unwrap().value)];
    values.extend(series.groups.iter().map(|(group, series)| (group.clone(), series.last().unwrap().value)));
    values
}

#[test]
fn a_sheet_found_by_its_headers_is_read_with_its_dates() {
    let fixture = book_fixture("");
    // 45447 is Excel's serial number of 3 June 2024 (45292 is 1 Jan 2024, + 155 days).
    let rows = [
        ("C1", Cell::Date(2024, 6, 3), "Female"),
        ("C2", Cell::Number(45447.0), "a) Male"),
        ("C3", Cell::Text("28/06/2024"), "F"),
        ("C4", Cell::Date(2024, 5, 31), "b) Female"),
    ];
    save(&fixture, &mut annex_a(&rows));
    // June: C1, C2, C3 (C4 is May); F: C1, C3; M: C2.
    let expected = [("all", 3.0), ("F", 2.0), ("M", 1.0)].map(|(group, value)| (group.to_string(), Some(value)));
    assert_eq!(june(&fixture), expected);
}

#[test]
fn a_bad_cell_is_named_as_excel_names_it() {
    let fixture = book_fixture("sheet = \"list 3\"\n");
    save(&fixture, &mut annex_a(&[("C1", Cell::Date(2024, 6, 3), "F"), ("C2", Cell::Text("soon"), "F")]));
    let error = describe(&fixture.compute().unwrap_err());
    // Header in row 3, C1 in row 4, C2 in row 5; the date is column D.
    assert!(error.contains("'List 3'!D5 (`CINreferralDate`): `soon` is not a date"), "{error}");
}

#[test]
fn a_missing_sheet_and_a_missing_column_are_named() {
    let fixture = book_fixture("sheet = \"List 33\"\n");
    save(&fixture, &mut annex_a(&[]));
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("no sheet `List 33`") && error.contains("did you mean `List 3`?"), "{error}");

    let fixture = book_fixture("sheet = \"List 1\"\n");
    save(&fixture, &mut annex_a(&[]));
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("'List 1'!A1: missing column `CINreferralDate`"), "{error}");
}

#[test]
fn two_sheets_with_the_columns_is_an_error_asking_which() {
    let fixture = book_fixture("");
    let mut book = annex_a(&[]);
    let copy = book.add_worksheet();
    copy.set_name("List 3 (old)").unwrap();
    for (column, text) in
        ["Child Unique ID", "Gender", "Date of Referral", "Number of Referrals in Last 12 Months"].iter().enumerate()
    {
        copy.write_string(0, column as u16, *text).unwrap();
    }
    save(&fixture, &mut book);
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("sheets `List 3` and `List 3 (old)` all have the dataset's columns"), "{error}");
}

#[test]
fn files_that_are_not_workbooks_say_so() {
    let fixture = book_fixture("");
    fixture.extract("2024-06", "annex-a.xlsx", "LAchildID,CINreferralDate\nC1,2024-06-03\n");
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("annex-a.xlsx") && error.contains("is not a workbook"), "{error}");

    // A zip of something else (a folder of documents renamed .xlsx).
    let mut other = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    other.start_file("notes.txt", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut other, b"not a workbook").unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.xlsx"), other.finish().unwrap().into_inner()).unwrap();
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("cannot be read as a workbook"), "{error}");

    // A workbook cut short (a failed copy): the zip cannot be read.
    let bytes = annex_a(&[("C1", Cell::Date(2024, 6, 3), "F")]).save_to_buffer().unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("cannot be read as a workbook"), "{error}");
}

#[test]
fn a_formula_with_no_saved_value_is_an_error_not_a_blank() {
    let fixture = book_fixture("");
    let mut book = annex_a(&[("C1", Cell::Date(2024, 6, 3), "F")]);
    let list = book.worksheet_from_name("List 3").unwrap();
    list.set_formula_result_default("");
    list.write_string(4, 0, "C2").unwrap();
    list.write_formula(4, 3, "=D4+1").unwrap();
    // As a program that writes formulas without calculating them saves it: no <v> at all.
    let bytes = without_formula_values(&book.save_to_buffer().unwrap());
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.xlsx"), bytes).unwrap();
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("'List 3'!D5: a formula with no saved value"), "{error}");
}

/// The workbook with every formula's saved value taken out.
fn without_formula_values(bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = Vec::new();
        file.read_to_end(&mut text).unwrap();
        if name.starts_with("xl/worksheets/") {
            text = String::from_utf8(text).unwrap().replace("<v></v>", "").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The real-format Annex A workbooks (fake people): List 3 is found by its
/// headers in both (their List 9s differ), its dates read and its coded
/// genders all map.
#[test]
fn the_real_annex_a_workbooks_read() {
    let Some(shared) = crate::helpers::shared_data("annex-a") else { return };
    for name in ["Annex_A_2024_Jan.xlsx", "Annex_A_liia-tools.xlsx"] {
        let fixture = book_fixture("");
        std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
        std::fs::copy(shared.join(name), fixture.root().join("data/2024-06/annex-a.xlsx")).unwrap();
        let loaded = scorecard::evaluate::load(fixture.root()).unwrap();
        let data =
            scorecard::evaluate::read_data(&loaded).unwrap_or_else(|error| panic!("{name}: {}", describe(&error)));
        let month = "2024-06".parse().unwrap();
        assert!(data.rows("referrals-book", 0, month).is_some_and(|rows| rows > 0), "{name}");
        assert_eq!(data.unmapped("referrals-book", 0, month), [], "{name}");
    }
}

/// DfE's inspection outcomes (an `.ods`, as published): three sheets share
/// the header's columns, so the sheet must be named; then its 153
/// authorities read, 36 of them Outstanding and 19 Inadequate (counted
/// from the file's content.xml by a separate script: Good 67, Requires
/// improvement 31).
#[test]
fn the_real_inspection_outcomes_ods_reads() {
    let Some(shared) = crate::helpers::shared_data("dfe") else { return };
    let fixture = Fixture::new();
    let dataset = |sheet: &str| {
        format!(
            "{PROJECT}\n[datasets.ofsted]\nlayout = \"monthly\"\nfile = \"outcomes.ods\"\n{sheet}\
             columns = {{ \"Local authority area code\" = \"text\", \"Overall effectiveness\" = \"text\", \"Inspection date\" = \"date\" }}\n"
        )
    };
    fixture.write("scorecard.toml", &dataset(""));
    std::fs::create_dir_all(fixture.root().join("data/2025-03")).unwrap();
    std::fs::copy(
        shared.join("LA_Inspection_Outcomes_as_at_31_March_2025.ods"),
        fixture.root().join("data/2025-03/outcomes.ods"),
    )
    .unwrap();
    let judged = |id: &str, filter: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
             dataset = \"ofsted\"\nwindow = {{ kind = \"as_at\" }}\nfilter = \"{filter}\"\n[measure]\nkind = \"count\"\n"
        )
    };
    fixture.indicator("t", "all", &judged("all", "TRUE"));
    fixture.indicator("t", "outstanding", &judged("outstanding", "\\\"Overall effectiveness\\\" = 'Outstanding'"));
    fixture.indicator("t", "inadequate", &judged("inadequate", "\\\"Overall effectiveness\\\" = 'Inadequate'"));
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("sheets `Inspections_as_at_31_March` and `ILACS_inspection_history`"), "{error}");

    fixture.write("scorecard.toml", &dataset("sheet = \"Inspections_as_at_31_March\"\n"));
    for (id, expected) in [("all", 153.0), ("outstanding", 36.0), ("inadequate", 19.0)] {
        assert_eq!(fixture.observe(id, "2025-03").value, Some(expected), "{id}");
    }
}

/// A merged cell's value is in its first cell; the rest of the merge reads
/// blank (the documented normalisation), never the value repeated.
#[test]
fn merged_cells_hold_their_value_once() {
    let fixture = book_fixture("");
    let mut book = annex_a(&[("C1", Cell::Date(2024, 6, 3), "F"), ("C2", Cell::Date(2024, 6, 4), "F")]);
    let list = book.worksheet_from_name("List 3").unwrap();
    list.merge_range(3, 1, 4, 1, "Female", &Format::new()).unwrap();
    save(&fixture, &mut book);
    // June: C1 (F, the merge's first cell) and C2 (blank: "(blank)" group).
    let expected = [("all", 2.0), ("(blank)", 1.0), ("F", 1.0)].map(|(group, value)| (group.to_string(), Some(value)));
    assert_eq!(june(&fixture), expected);
}

/// A stray cell at Excel's last cell (XFD1048576) would make a reader that
/// allocates the sheet's bounding box ask for 17 billion cells; the sheet
/// is streamed and columns past the declared ones are never kept.
#[test]
fn a_cell_at_the_far_corner_costs_nothing() {
    let fixture = book_fixture("");
    let mut book = annex_a(&[("C1", Cell::Date(2024, 6, 3), "F")]);
    let list = book.worksheet_from_name("List 3").unwrap();
    list.write_string(1_048_575, 16_383, "stray").unwrap();
    save(&fixture, &mut book);
    let expected = [("all", 1.0), ("F", 1.0)].map(|(group, value)| (group.to_string(), Some(value)));
    assert_eq!(june(&fixture), expected);
}

/// A sheet of 1,000,000 rows (written here as the smallest valid `.xlsx`):
/// read in one pass holding only the typed columns. The test asserts the
/// count (worked out: every row is a June referral, one in four from a
/// child coded `M`); BENCHMARKS.md has the time and memory.
#[test]
fn a_million_row_sheet_reads() {
    let fixture = book_fixture("");
    let rows = 1_000_000;
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    std::fs::write(fixture.root().join("data/2024-06/annex-a.xlsx"), minimal_xlsx(rows)).unwrap();
    let expected = [("all", 1_000_000.0), ("F", 750_000.0), ("M", 250_000.0)].map(|(g, v)| (g.to_string(), Some(v)));
    assert_eq!(june(&fixture), expected);
}

/// One sheet, inline strings, no styles: a header and `rows` referrals
/// dated 3 June 2024 (serial 45446), every fourth child male.
fn minimal_xlsx(rows: usize) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut sheet = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Child Unique ID</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>Gender</t></is></c>\
         <c r=\"C1\" t=\"inlineStr\"><is><t>Date of Referral</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>Number of Referrals in Last 12 Months</t></is></c></row>",
    );
    for index in 0..rows {
        let row = index + 2;
        let gender = if index % 4 == 0 { "M" } else { "F" };
        let _ = write!(
            sheet,
            "<row r=\"{row}\"><c r=\"A{row}\" t=\"inlineStr\"><is><t>C{index}</t></is></c><c r=\"B{row}\" t=\"inlineStr\"><is><t>{gender}</t></is></c><c r=\"C{row}\"><v>45446</v></c><c r=\"D{row}\"><v>1</v></c></row>"
        );
    }
    sheet.push_str("</sheetData></worksheet>");
    package(sheet, Vec::new())
}

/// The smallest `.xlsx` package around one sheet named `List 3`, with any
/// further parts (a shared strings table, a picture), all stored.
pub(crate) fn package(sheet: String, extra: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
    use std::io::Write;
    let parts = [
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string()),
        ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_string()),
        ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"List 3\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_string()),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = parts.into_iter().map(|(name, text)| (name, text.into_bytes()));
    for (name, bytes) in parts.chain(extra) {
        out.start_file(name, stored).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An encrypted workbook is a compound file holding an `EncryptedPackage`
/// stream (as Excel saves one with a password to open): refused, saying so.
#[test]
fn a_password_protected_workbook_says_so() {
    use std::io::Write;
    let fixture = book_fixture("");
    std::fs::create_dir_all(fixture.root().join("data/2024-06")).unwrap();
    let path = fixture.root().join("data/2024-06/annex-a.xlsx");
    let mut file = cfb::create(&path).unwrap();
    file.create_stream("/EncryptionInfo").unwrap().write_all(&[4, 0, 4, 0]).unwrap();
    file.create_stream("/EncryptedPackage").unwrap().write_all(&[0; 64]).unwrap();
    file.flush().unwrap();
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("annex-a.xlsx") && error.contains("password"), "{error}");
    assert!(error.contains("save an unprotected copy"), "{error}");
}

/// A sheet holding only the columns the indicator uses (List 2 lacks
/// `Referrals`) beside the one holding every declared column (List 3): every
/// command reads List 3, as `check` does, instead of `values` and `build`
/// asking which.
#[test]
fn every_command_reads_the_sheet_with_every_declared_column() {
    let fixture = book_fixture("");
    let mut book = annex_a(&[("C1", Cell::Date(2024, 6, 3), "F"), ("C2", Cell::Date(2024, 6, 4), "M")]);
    let partial = book.add_worksheet();
    partial.set_name("List 2").unwrap();
    for (column, text) in ["Child Unique ID", "Gender", "Date of Referral"].iter().enumerate() {
        partial.write_string(0, column as u16, *text).unwrap();
    }
    // One June referral in List 2: were it read, June would count 1, not 2.
    partial.write_string(1, 0, "C9").unwrap();
    partial.write_string(1, 1, "F").unwrap();
    Cell::Date(2024, 6, 5).write(partial, 1, 2);
    save(&fixture, &mut book);
    for command in ["check", "values"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .arg(command)
            .current_dir(fixture.root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stderr));
        if command == "values" {
            let values = String::from_utf8_lossy(&output.stdout).into_owned();
            assert!(values.contains(",june-referrals,2024-06,2,2,,"), "{values}");
        }
    }
}

/// No sheet with every declared column: the error names the closest sheets
/// and what each lacks.
#[test]
fn no_sheet_with_the_columns_names_what_each_lacks() {
    let fixture = book_fixture("");
    let mut book = Workbook::new();
    let contacts = book.add_worksheet();
    contacts.set_name("List 1").unwrap();
    for (column, header) in ["Child Unique ID", "Date of Contact", "Gender"].iter().enumerate() {
        contacts.write_string(0, column as u16, *header).unwrap();
    }
    save(&fixture, &mut book);
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("closest: `List 1` lacks CINreferralDate, Referrals"), "{error}");
}

/// The same problem in each month's workbook is said once, naming the
/// dataset, with the other files listed in its help.
#[test]
fn a_sheet_problem_in_every_months_workbook_is_said_once() {
    let fixture = book_fixture("");
    for month in ["2024-04", "2024-05", "2024-06"] {
        let mut book = Workbook::new();
        book.add_worksheet().set_name("List 1").unwrap().write_string(0, 0, "Child Unique ID").unwrap();
        std::fs::create_dir_all(fixture.root().join("data").join(month)).unwrap();
        book.save(fixture.root().join("data").join(month).join("annex-a.xlsx")).unwrap();
    }
    let error = describe(&fixture.compute().unwrap_err());
    assert_eq!(error.matches("no sheet has a header row").count(), 1, "{error}");
    assert!(error.contains("dataset `referrals-book`: no sheet has a header row"), "{error}");
    assert!(error.contains("the same in 2 other files: "), "{error}");
}
