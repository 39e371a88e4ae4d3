//! Nothing that identifies a child reaches a published file: every child id,
//! date of birth and postcode in the sample extracts is searched for in every
//! file of the sample bundle (inside the workbook's zip too).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

fn identifiers(extracts: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(extracts).unwrap() {
        let path = entry.unwrap().path();
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let headers = reader.headers().unwrap().clone();
        for record in reader.records() {
            let record = record.unwrap();
            for (header, value) in headers.iter().zip(record.iter()) {
                let identifying = matches!(header, "CHILD" | "LAchildID" | "UPN" | "DOB" | "HOME_POST" | "PL_POST");
                if identifying && !value.trim().is_empty() {
                    found.insert(value.trim().to_string());
                    // Dates of birth also as the engine would print them.
                    if let Ok(date) = chrono::NaiveDate::parse_from_str(value.trim(), "%d/%m/%Y") {
                        found.insert(date.format("%Y-%m-%d").to_string());
                        found.insert(date.format("%-d %B %Y").to_string());
                    }
                }
            }
        }
    }
    found
}

fn published_texts(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            published_texts(&path, out);
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("png") => {} // pixels; the chart's text is drawn from the same strings as its SVG
            Some("xlsx") | Some("zip") => {
                let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                for index in 0..archive.len() {
                    let mut inner = archive.by_index(index).unwrap();
                    let mut text = Vec::new();
                    inner.read_to_end(&mut text).unwrap();
                    let name = inner.name().map(|name| name.into_owned()).unwrap_or_default();
                    out.push((path.join(name), String::from_utf8_lossy(&text).into_owned()));
                }
            }
            _ => out.push((path.clone(), String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
}

/// A copy of the sample project with its bundle built.
fn built_sample() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = tempfile::tempdir().unwrap();
    for item in ["scorecard.toml", "indicators", "sample-data"] {
        let status =
            std::process::Command::new("cp").arg("-r").arg(repo.join(item)).arg(project.path()).status().unwrap();
        assert!(status.success());
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["build", "--quiet"])
        .current_dir(project.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    project
}

/// A CSV's rows as maps from its header's names.
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader.records().map(|row| header.iter().cloned().zip(row.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// Every suppressed figure of the sample bundle, tried against everything
/// else the bundle publishes for the same month: its true numerator (from
/// `scorecard values`, which is unsuppressed) must not be any published
/// numerator or denominator of any indicator that month (the average time
/// to adoption's count gave away the number adopted), nor the difference of
/// the indicator's published total and its other groups.
#[test]
fn no_suppressed_count_can_be_read_from_anything_else_published() {
    let project = built_sample();
    let values = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["values"])
        .current_dir(project.path())
        .output()
        .unwrap();
    assert!(values.status.success());
    let truth: std::collections::HashMap<(String, String), String> = csv_rows(&String::from_utf8_lossy(&values.stdout))
        .into_iter()
        .map(|row| ((row["indicator"].clone(), row["month"].clone()), row["numerator"].clone()))
        .collect();
    let series = std::fs::read_to_string(project.path().join("reports/2026-03/series.csv")).unwrap();
    let rows = csv_rows(&series);
    let totals: Vec<_> = rows.iter().filter(|row| row["group"].is_empty()).collect();
    let hidden: Vec<_> = totals.iter().filter(|row| row["value"] == "c").collect();
    assert!(hidden.len() > 10, "the sample has small counts to hide: {}", hidden.len());
    let mut recovered = Vec::new();
    for row in &hidden {
        let (indicator, month) = (&row["id"], &row["period"]);
        let Some(true_count) = truth.get(&(indicator.clone(), month.clone())) else { continue };
        let Ok(true_count) = true_count.parse::<f64>() else { continue };
        for other in totals.iter().filter(|other| other["period"] == *month && other["value"] != "c") {
            for part in ["numerator", "denominator"] {
                if other[part].parse::<f64>() == Ok(true_count) {
                    recovered.push(format!("{indicator} {month} = {true_count}: {}'s {part}", other["id"]));
                }
            }
        }
    }
    assert!(recovered.is_empty(), "{recovered:#?}");
}

/// Each suppressed total of the sample bundle with its true numerator and
/// denominator (from `scorecard values`, unsuppressed).
struct Hidden {
    indicator: String,
    month: String,
    numerator: f64,
    denominator: Option<f64>,
}

fn hidden_totals(project: &Path) -> Vec<Hidden> {
    let values = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["values"])
        .current_dir(project)
        .output()
        .unwrap();
    assert!(values.status.success());
    let truth: std::collections::HashMap<(String, String), (String, String)> =
        csv_rows(&String::from_utf8_lossy(&values.stdout))
            .into_iter()
            .map(|row| {
                (
                    (row["indicator"].clone(), row["month"].clone()),
                    (row["numerator"].clone(), row["denominator"].clone()),
                )
            })
            .collect();
    let series = std::fs::read_to_string(project.join("reports/2026-03/series.csv")).unwrap();
    csv_rows(&series)
        .into_iter()
        .filter(|row| row["group"].is_empty() && row["value"] == "c")
        .filter_map(|row| {
            let (numerator, denominator) = truth.get(&(row["id"].clone(), row["period"].clone()))?;
            Some(Hidden {
                indicator: row["id"].clone(),
                month: row["period"].clone(),
                numerator: numerator.parse().ok()?,
                denominator: denominator.parse().ok(),
            })
        })
        .collect()
}

/// The same children counted by two indicators: a hidden count k of
/// denominator D can be read by differencing when D and D - k are both
/// published that month by indicators on the same dataset (as a value,
/// numerator or denominator, total or group). Figures from other datasets
/// count other people: across all datasets the sample has chance pairs
/// (CP plans 2+ years, July 2023: 143 open plans, the CP rate's numerator,
/// less 141, the assessments' denominator) that read nothing.
#[test]
fn no_suppressed_count_can_be_read_by_differencing_two_published_figures() {
    let project = built_sample();
    let hidden = hidden_totals(project.path());
    assert!(hidden.len() > 10, "the sample has small counts to hide: {}", hidden.len());
    let bundle = project.path().join("reports/2026-03");
    let rows = csv_rows(&std::fs::read_to_string(bundle.join("series.csv")).unwrap());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("scorecard.json")).unwrap()).unwrap();
    let dataset: std::collections::HashMap<&str, &str> = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|indicator| (indicator["id"].as_str().unwrap(), indicator["dataset"].as_str().unwrap()))
        .collect();
    let published = |month: &str, of: &str| -> Vec<f64> {
        rows.iter()
            .filter(|row| row["period"] == month && dataset[row["id"].as_str()] == dataset[of])
            .flat_map(|row| ["value", "numerator", "denominator"].map(|part| row[part].parse::<f64>().ok()))
            .flatten()
            .collect()
    };
    let (mut recovered, mut tried) = (Vec::new(), 0);
    for count in hidden.iter().filter(|count| count.numerator > 0.0) {
        let Some(denominator) = count.denominator else { continue };
        let numbers = published(&count.month, &count.indicator);
        let shown = |wanted: f64| numbers.iter().any(|number| (number - wanted).abs() < 1e-9);
        // Where D itself is published, the hidden count is one published
        // complement away.
        tried += usize::from(shown(denominator));
        if shown(denominator) && shown(denominator - count.numerator) {
            recovered.push(format!(
                "{} {} = {} = {denominator} - {}",
                count.indicator,
                count.month,
                count.numerator,
                denominator - count.numerator
            ));
        }
    }
    assert!(recovered.is_empty(), "{recovered:#?}");
    // The CP rate's numerator is the open plans, CP plans 2+ years' denominator.
    assert!(tried > 0, "no suppressed count had its denominator published beside it: nothing was tried");
}

/// The workbook and the PDF are read back (calamine; the PDF's own text, as
/// a viewer copies it): a suppressed total is `c` there too, with no
/// numerator, denominator, value or confidence limits in its row, and the
/// PDF never says "k of n" with its true counts.
#[test]
fn no_suppressed_count_can_be_read_from_the_workbook_or_the_pdf() {
    use calamine::{Data, Reader};
    let project = built_sample();
    let hidden = hidden_totals(project.path());
    let bundle = project.path().join("reports/2026-03");
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(bundle.join("scorecard.xlsx")).unwrap();
    let data = workbook.worksheet_range("Data").unwrap();
    let series = csv_rows(&std::fs::read_to_string(bundle.join("series.csv")).unwrap());
    let totals: Vec<_> = series.iter().filter(|row| row["group"].is_empty()).collect();
    // The Data sheet lists each indicator's total then its groups, month by
    // month, as series.csv does: its total rows, in order, are series.csv's.
    let workbook_totals: Vec<_> =
        data.rows().skip(1).filter(|row| row[3] == Data::String(String::new()) || row[3] == Data::Empty).collect();
    assert_eq!(workbook_totals.len(), totals.len());
    for count in &hidden {
        let index = totals.iter().position(|row| row["id"] == count.indicator && row["period"] == count.month).unwrap();
        let row = workbook_totals[index];
        assert_eq!(row[0], Data::String(count.indicator.clone()));
        assert_eq!(row[5], Data::String("c".into()), "{} {}", count.indicator, count.month);
        for (column, cell) in row.iter().enumerate().skip(6).take(3) {
            assert!(
                !matches!(cell, Data::Float(_) | Data::Int(_)),
                "{} {}: column {column} holds {cell:?}",
                count.indicator,
                count.month
            );
        }
    }
    let scorecard = workbook.worksheet_range("Scorecard").unwrap();
    let headers: Vec<Data> = scorecard.rows().next().unwrap().to_vec();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("scorecard.json")).unwrap()).unwrap();
    let packs = [bundle.join("board-pack.pdf"), bundle.join("full-pack.pdf")].map(|path| crate::pdf::Pack::read(&path));
    let latest: Vec<_> = hidden.iter().filter(|count| count.month == "2026-03").collect();
    assert!(!latest.is_empty(), "the sample hides a total in its latest month");
    for count in latest {
        let indicator =
            json["indicators"].as_array().unwrap().iter().find(|i| i["id"] == count.indicator.as_str()).unwrap();
        let title = indicator["title"].as_str().unwrap();
        let row = scorecard.rows().find(|row| row.contains(&Data::String(title.to_string()))).unwrap();
        for name in ["Value", "Numerator", "Denominator", "95% CI lower", "95% CI upper"] {
            let column = headers.iter().position(|header| *header == Data::String(name.to_string())).expect(name);
            assert!(
                !matches!(row[column], Data::Float(_) | Data::Int(_)),
                "{title}: column {name} holds {:?}",
                row[column]
            );
        }
        let k = count.numerator;
        let mut tells = vec![format!("({k} of"), format!(" {k} of ")];
        if let Some(n) = count.denominator {
            tells.extend([format!("of {n})"), format!(" of {n} ")]);
        }
        let pages = packs.iter().flat_map(|pack| (0..pack.pages.len()).map(move |page| (pack, page)));
        let mut found = false;
        for (pack, page) in pages.filter(|(pack, page)| pack.text(*page).contains(title)) {
            found = true;
            // Without the footer's "Page 3 of 15".
            let text = pack.text(page);
            let text = text.rsplit_once("Page ").map_or(text.as_str(), |(before, _)| before);
            for tell in &tells {
                assert!(!text.contains(tell.as_str()), "{title}: the PDF says `{tell}`: {text}");
            }
        }
        assert!(found, "no page for {title}");
    }
}

#[test]
fn no_child_id_date_of_birth_or_postcode_in_any_published_file() {
    let project = built_sample();
    let secrets = identifiers(&project.path().join("sample-data/2026-03"));
    assert!(secrets.len() > 1000, "the scan must have something to look for");
    let mut texts = Vec::new();
    published_texts(&project.path().join("reports"), &mut texts);
    assert!(
        texts.iter().any(|(path, _)| path.to_string_lossy().contains("scorecard.xlsx")),
        "the workbook was scanned"
    );
    // Every window of every secret's length is looked up in a set, rather
    // than searching each text once per secret.
    let lengths: BTreeSet<usize> = secrets.iter().map(String::len).collect();
    let wanted: std::collections::HashSet<&[u8]> = secrets.iter().map(|secret| secret.as_bytes()).collect();
    for (path, text) in &texts {
        for length in &lengths {
            if let Some(found) = text.as_bytes().windows(*length).find(|window| wanted.contains(window)) {
                panic!("{} contains `{}`", path.display(), String::from_utf8_lossy(found));
            }
        }
    }
}

#[test]
fn small_counts_are_published_as_c_with_secondary_suppression() {
    let fixture = crate::helpers::Fixture::shipped(&["workforce/caseloads-within-limit"]);
    let mut rows = String::from("SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n");
    // Team A: 1 of 2 within the limit; B: 7 of 8; C: 9 of 10. Total 17 of 20 = 85%.
    for (team, within, over) in [("Team A", 1, 1), ("Team B", 7, 1), ("Team C", 9, 1)] {
        for i in 0..within {
            rows.push_str(&format!("{team}-{i},{team},0,1.0,5,01/01/2020,,20,0\n"));
        }
        for i in 0..over {
            rows.push_str(&format!("{team}-over-{i},{team},0,1.0,5,01/01/2020,,30,0\n"));
        }
    }
    fixture.extract("2025-03", "workforce.csv", &rows);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["build", "--quiet"])
        .current_dir(fixture.root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let series = std::fs::read_to_string(fixture.root().join("reports/2025-03/series.csv")).unwrap();
    let line =
        |group: &str| series.lines().find(|line| line.contains(&format!(",{group},2025-03,"))).unwrap().to_string();
    // A's numerator 1 is suppressed; B (7, the smallest remaining) goes with it; C stays.
    assert!(line("Team A").contains(",Team A,2025-03,c,,,"), "{}", line("Team A"));
    assert!(line("Team B").contains(",Team B,2025-03,c,,,"), "{}", line("Team B"));
    assert!(line("Team C").contains(",Team C,2025-03,90.0,9,10,"), "{}", line("Team C"));
    assert!(series.contains("caseloads-within-limit,,2025-03,85.0,17,20,"), "{series}");
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-03/index.html")).unwrap();
    assert!(
        page.contains("<th scope=\"row\">Team A</th><td class=\"num\" data-label=\"Value\">c</td>"),
        "the page shows c for Team A"
    );
    // The local drill-down is not suppressed.
    let explain = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["explain", "caseloads-within-limit"])
        .current_dir(fixture.root())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&explain.stdout).contains("numerator: 17  denominator: 20"));
}
