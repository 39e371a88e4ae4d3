//! The sample's month-end snapshots in the shape of the statutory returns:
//! the CIN tables as one CIN census XML file and the workforce extract as a
//! workforce census XML file per month (SSDA903 stays CSV), so that the
//! `returns` preset builds the same scorecard from them.

use super::csv_table::CsvTable;
use super::failure::SampleError;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The CIN tables, their CSV files and the element each row becomes.
const CIN_TABLES: [(&str, &str); 4] = [
    ("cin_referrals.csv", ""),
    ("cin_assessments.csv", "Assessments"),
    ("cin_section47.csv", "Section47"),
    ("cin_cp_plans.csv", "ChildProtectionPlans"),
];

/// Columns the CSVs carry that the return does not (its ids are generated when read).
const NOT_IN_RETURN: [&str; 5] = ["LAchildID", "CINdetailsID", "AssessmentID", "CPPID", "Team"];

/// Rewrite one month folder: `cin_*.csv` become `cin_census.xml`,
/// `workforce.csv` becomes `csww.xml`. Returns the files the folder then holds.
pub(crate) fn rewrite_month(dir: &Path, year: i32, reference_date: &str) -> Result<usize, SampleError> {
    let mut details: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for (file, element) in CIN_TABLES {
        let CsvTable { header, rows } = CsvTable::read(&dir.join(file))?;
        for row in rows {
            let key = (row[0].clone(), row[1].clone());
            if !details.contains_key(&key) {
                order.push(key.clone());
            }
            let parts = details.entry(key).or_default();
            parts.push(record(&header, &row, element));
        }
        let path = dir.join(file);
        std::fs::remove_file(&path).map_err(SampleError::io(&path))?;
    }
    let mut xml = header("CIN", year, reference_date);
    xml.push_str("<Children>\n");
    // One <Child> per child, its referrals in the order they were first seen.
    let mut children: Vec<String> = Vec::new();
    let mut by_child: BTreeMap<String, Vec<&(String, String)>> = BTreeMap::new();
    for key in &order {
        if !by_child.contains_key(&key.0) {
            children.push(key.0.clone());
        }
        by_child.entry(key.0.clone()).or_default().push(key);
    }
    for child in &children {
        let _ = writeln!(xml, "<Child><ChildIdentifiers><LAchildID>{}</LAchildID></ChildIdentifiers>", escape(child));
        for key in &by_child[child] {
            let _ = writeln!(xml, "<CINdetails>{}</CINdetails>", details[*key].concat());
        }
        xml.push_str("</Child>\n");
    }
    xml.push_str("</Children>\n</Message>\n");
    let path = dir.join("cin_census.xml");
    std::fs::write(&path, xml).map_err(SampleError::io(&path))?;

    let CsvTable { header: header_row, rows } = CsvTable::read(&dir.join("workforce.csv"))?;
    let mut xml = header("CSWW", year, reference_date);
    for row in rows {
        let _ = writeln!(xml, "<CSWWWorker>{}</CSWWWorker>", record(&header_row, &row, ""));
    }
    xml.push_str("</Message>\n");
    let path = dir.join("csww.xml");
    std::fs::write(&path, xml).map_err(SampleError::io(&path))?;
    let path = dir.join("workforce.csv");
    std::fs::remove_file(&path).map_err(SampleError::io(&path))?;
    let entries = std::fs::read_dir(dir).map_err(SampleError::io(dir))?;
    Ok(entries.count())
}

fn header(collection: &str, year: i32, reference_date: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message><Header><CollectionDetails><Collection>{collection}</Collection>\
         <Year>{year}</Year><ReferenceDate>{reference_date}</ReferenceDate></CollectionDetails></Header>\n"
    )
}

/// A row as elements (blank cells left out, as the return leaves them out),
/// wrapped in `element` unless it is empty (a referral's own fields).
fn record(header: &[String], row: &[String], element: &str) -> String {
    let mut inner = String::new();
    for (name, value) in
        header.iter().zip(row).filter(|(name, value)| !value.is_empty() && !NOT_IN_RETURN.contains(&name.as_str()))
    {
        if name == "AssessmentFactors" {
            let factors: String = value
                .split(',')
                .map(|factor| format!("<AssessmentFactors>{}</AssessmentFactors>", escape(factor.trim())))
                .collect();
            let _ = write!(inner, "<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment>");
        } else {
            let _ = write!(inner, "<{name}>{}</{name}>", escape(&iso_date(value)));
        }
    }
    if element.is_empty() {
        inner
    } else {
        format!("<{element}>{inner}</{element}>")
    }
}

/// The return's dates are `YYYY-MM-DD`; the workforce extract's are `dd/mm/yyyy`.
fn iso_date(value: &str) -> String {
    match chrono::NaiveDate::parse_from_str(value, "%d/%m/%Y") {
        Ok(date) if value.len() == 10 => date.format("%Y-%m-%d").to_string(),
        _ => value.to_string(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
