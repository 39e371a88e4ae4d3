//! The sample's month-end snapshots in the shape of Ofsted's Annex A: one
//! workbook per month, `Annex_A_{YYYY}_{Mon}.xlsx`, with the lists the
//! `annex-a` preset reads (3 referrals, 4 assessments, 7 child protection,
//! 8 children looked after, 9 care leavers), written as councils keep them:
//! a title row above the headers, Excel date cells, coded answers as text.

use super::csv_table::CsvTable;
use super::failure::SampleError;
use chrono::{Datelike, Months, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::collections::BTreeMap;
use std::path::Path;

/// A list's cell: text, a date, a whole number, or nothing.
enum Value {
    Text(String),
    Date(Option<NaiveDate>),
    Number(f64),
}

struct List {
    sheet: &'static str,
    title: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

/// Write `out/Annex_A_{YYYY}_{Mon}.xlsx` from the snapshot in `dir` (as at
/// `month_end`), then remove the snapshot.
pub(crate) fn write_month(dir: &Path, out: &Path, month_end: NaiveDate) -> Result<(), SampleError> {
    let lists =
        [referrals(dir)?, assessments(dir)?, protection(dir)?, looked_after(dir, month_end)?, care_leavers(dir)?];
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    // Workbooks before April 2024 are an older version of Annex A, with its
    // older header spellings, as a council's archive holds them.
    let older = month_end < NaiveDate::from_ymd_opt(2024, 4, 1).expect("a date");
    let path = out.join(format!("Annex_A_{}.xlsx", month_end.format("%Y_%b")));
    for list in &lists {
        let sheet = book.add_worksheet();
        write_list(sheet, list, older, &date_format).map_err(SampleError::workbook(&path.join(list.sheet)))?;
    }
    book.save(&path).map_err(SampleError::workbook(&path))?;
    std::fs::remove_dir_all(dir).map_err(SampleError::io(dir))
}

/// Headers an older version of Annex A spells differently: (now, then).
const OLDER_SPELLINGS: [(&str, &str); 3] = [
    ("Continuous Assessment Date of Authorisation", "Assessment completion date"),
    ("Child Protection Plan Start Date", "CP Plan Start Date"),
    ("Child Protection Plan End Date", "CP Plan End Date"),
];

fn write_list(
    sheet: &mut Worksheet,
    list: &List,
    older: bool,
    date_format: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(list.sheet)?;
    sheet.write_string(0, 0, list.title)?;
    for (column, header) in list.headers.iter().enumerate() {
        let then = OLDER_SPELLINGS.iter().find(|(now, _)| now == header).map(|(_, then)| *then);
        let header = then.filter(|_| older).unwrap_or(header);
        sheet.write_string(1, column as u16, header)?;
    }
    for (index, row) in list.rows.iter().enumerate() {
        let at = index as u32 + 2;
        for (column, value) in row.iter().enumerate() {
            let column = column as u16;
            match value {
                Value::Text(text) if !text.is_empty() => {
                    sheet.write_string(at, column, text)?;
                }
                Value::Date(Some(date)) => {
                    let cell = ExcelDateTime::from_ymd(
                        date.year_ce().1 as u16,
                        date.month0() as u8 + 1,
                        date.day0() as u8 + 1,
                    )?;
                    sheet.write_datetime_with_format(at, column, &cell, date_format)?;
                }
                Value::Number(number) => {
                    sheet.write_number(at, column, *number)?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// List 3. The number of the child's referrals in the 12 months up to each
/// one, itself included, counting earlier referrals (file order breaks ties)
/// whose date plus 12 months is on or after this one's.
fn referrals(dir: &Path) -> Result<List, SampleError> {
    let table = CsvTable::read(&dir.join("cin_referrals.csv"))?;
    let mut by_child: BTreeMap<String, Vec<(NaiveDate, usize)>> = BTreeMap::new();
    for (index, row) in table.rows.iter().enumerate() {
        if let Some(date) = table.date(row, "CINreferralDate") {
            by_child.entry(table.text(row, "LAchildID")).or_default().push((date, index));
        }
    }
    let mut counts = vec![1usize; table.rows.len()];
    for referrals in by_child.values_mut() {
        referrals.sort();
        for (position, (date, index)) in referrals.iter().enumerate() {
            let earlier = referrals[..position].iter().filter(|(before, _)| *before + Months::new(12) >= *date).count();
            counts[*index] += earlier;
        }
    }
    let rows = table
        .rows
        .iter()
        .zip(counts)
        .map(|(row, count)| {
            let nfa = if table.text(row, "ReferralNFA") == "1" { "a) Yes" } else { "b) No" };
            vec![
                Value::Text(table.text(row, "LAchildID")),
                Value::Date(table.date(row, "CINreferralDate")),
                Value::Text(nfa.to_string()),
                Value::Number(count as f64),
            ]
        })
        .collect();
    Ok(List {
        sheet: "List 3",
        title: "List 3: Referrals",
        headers: &["Child Unique ID", "Date of Referral", "Referral NFA?", "Number of Referrals in Last 12 Months"],
        rows,
    })
}

/// List 4.
fn assessments(dir: &Path) -> Result<List, SampleError> {
    let table = CsvTable::read(&dir.join("cin_assessments.csv"))?;
    let rows = table
        .rows
        .iter()
        .map(|row| {
            vec![
                Value::Text(table.text(row, "LAchildID")),
                Value::Date(table.date(row, "AssessmentActualStartDate")),
                Value::Date(table.date(row, "AssessmentAuthorisationDate")),
            ]
        })
        .collect();
    Ok(List {
        sheet: "List 4",
        title: "List 4: Assessments",
        headers: &[
            "Child Unique ID",
            "Continuous Assessment Start Date",
            "Continuous Assessment Date of Authorisation",
        ],
        rows,
    })
}

/// List 7.
fn protection(dir: &Path) -> Result<List, SampleError> {
    let table = CsvTable::read(&dir.join("cin_cp_plans.csv"))?;
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let previous = table.text(row, "NumberOfPreviousCPP").parse::<f64>().unwrap_or(0.0);
            vec![
                Value::Text(table.text(row, "LAchildID")),
                Value::Date(table.date(row, "CPPstartDate")),
                Value::Text(table.text(row, "InitialCategoryOfAbuse")),
                Value::Date(table.date(row, "CPPendDate")),
                Value::Number(previous),
            ]
        })
        .collect();
    Ok(List {
        sheet: "List 7",
        title: "List 7: Child protection",
        headers: &[
            "Child Unique ID",
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Child Protection Plan End Date",
            "Number of Previous Child Protection Plans",
        ],
        rows,
    })
}

/// List 8: one row per child with episodes. Placements in the 12 months to
/// the month end: the placement open at the start of the 12 months, plus
/// each episode starting in them with a new carer (S, P, B), as the
/// `placements-3-plus` definition counts them. The legal status is the
/// latest episode's, written as Annex A writes it ("C2: FCO").
fn looked_after(dir: &Path, month_end: NaiveDate) -> Result<List, SampleError> {
    let episodes = CsvTable::read(&dir.join("ssda903_episodes.csv"))?;
    let header = CsvTable::read(&dir.join("ssda903_header.csv"))?;
    let births: BTreeMap<String, Option<NaiveDate>> =
        header.rows.iter().map(|row| (header.text(row, "CHILD"), header.date(row, "DOB"))).collect();
    let window_start = (month_end + chrono::Days::new(1)) - Months::new(12);
    let mut children: BTreeMap<String, (Option<NaiveDate>, Option<NaiveDate>, bool, usize)> = BTreeMap::new();
    let mut legal_status: BTreeMap<String, (NaiveDate, String)> = BTreeMap::new();
    for row in &episodes.rows {
        let (Some(start), end) = (episodes.date(row, "DECOM"), episodes.date(row, "DEC")) else { continue };
        if start <= month_end {
            let latest = legal_status.entry(episodes.text(row, "CHILD")).or_insert((start, String::new()));
            if start >= latest.0 {
                *latest = (start, episodes.text(row, "LS"));
            }
        }
        let child = children.entry(episodes.text(row, "CHILD")).or_insert((None, None, false, 0));
        child.0 = Some(child.0.map_or(start, |first| first.min(start)));
        child.1 = end.max(child.1);
        child.2 |= end.is_none_or(|end| end > month_end);
        let open_at_start = start < window_start && end.is_none_or(|end| end > window_start);
        let starts_placement = start >= window_start && ["S", "P", "B"].contains(&episodes.text(row, "RNE").as_str());
        if start <= month_end && (open_at_start || starts_placement) {
            child.3 += 1;
        }
    }
    let rows = children
        .into_iter()
        .map(|(child, (first, last_end, open, placements))| {
            vec![
                Value::Text(child.clone()),
                Value::Date(births.get(&child).copied().flatten()),
                Value::Date(first),
                Value::Text(legal_status.get(&child).map(|(_, code)| annex_a_legal_status(code)).unwrap_or_default()),
                Value::Date(if open { None } else { last_end }),
                Value::Number(placements as f64),
            ]
        })
        .collect();
    Ok(List {
        sheet: "List 8",
        title: "List 8: Children in care",
        headers: &[
            "Child Unique ID",
            "Date of Birth",
            "Date Started to be Looked After",
            "Child's Legal Status",
            "Date Ceased to be Looked After",
            "Number of Placements in the Last 12 months",
        ],
        rows,
    })
}

/// A legal status code with Annex A's words after it, as its workbooks write it.
fn annex_a_legal_status(code: &str) -> String {
    let words = match code {
        "C1" => "ICO",
        "C2" => "FCO",
        "E1" => "Placement order",
        "J2" => "PACE",
        "V2" => "Section 20",
        "V3" | "V4" => "Short breaks",
        _ => return code.to_string(),
    };
    format!("{code}: {words}")
}

/// List 9: suitability in words, as Annex A writes it.
fn care_leavers(dir: &Path) -> Result<List, SampleError> {
    let table = CsvTable::read(&dir.join("ssda903_oc3.csv"))?;
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let accommodation = table.text(row, "ACCOM");
            let suitability = match accommodation.chars().last() {
                Some('1') => "a) Suitable",
                Some('2') => "b) Unsuitable",
                _ => "",
            };
            vec![
                Value::Text(table.text(row, "CHILD")),
                Value::Date(table.date(row, "DOB")),
                Value::Text(table.text(row, "IN_TOUCH")),
                Value::Text(suitability.to_string()),
                Value::Text(table.text(row, "ACTIV")),
            ]
        })
        .collect();
    Ok(List {
        sheet: "List 9",
        title: "List 9: Care leavers",
        headers: &[
            "Child Unique ID",
            "Date of Birth",
            "LA in Touch",
            "Suitability of Accommodation",
            "Activity Status",
        ],
        rows,
    })
}
