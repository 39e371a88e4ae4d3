//! A cron build never publishes an incomplete or implausible month: each
//! case run through the binary, as cron runs it.

use crate::helpers::Fixture;
use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

const WORKERS: &str = r#"id = "workers"
title = "Workers"
description = "Rows of the workforce extract."
unit = "count"
polarity = "no_judgement"
dataset = "workforce"

[measure]
kind = "count"
"#;

const EPISODES: &str = r#"id = "episodes"
title = "Episodes"
description = "Rows of the episodes extract."
unit = "count"
polarity = "no_judgement"
dataset = "episodes"

[measure]
kind = "count"
"#;

fn workforce(rows: usize) -> String {
    let mut text = "SWENo,Team,AgencyWorker,FTE,OrgRole,Cases30,CFKSSstatus\n".to_string();
    for row in 0..rows {
        text.push_str(&format!("S{row},A,0,1,5,10,1\n"));
    }
    text
}

const EPISODES_CSV: &str = "CHILD,DECOM,RNE,DEC\nC1,01/01/2024,S,\n";

/// Workers and episodes indicators, both extracts for January and February 2025.
fn two_datasets() -> Fixture {
    let fixture = Fixture::new();
    fixture.indicator("workforce", "workers", WORKERS);
    fixture.indicator("care", "episodes", EPISODES);
    for month in ["2025-01", "2025-02"] {
        fixture.extract(month, "workforce.csv", &workforce(3));
        fixture.extract(month, "episodes.csv", EPISODES_CSV);
    }
    fixture
}

/// The workers indicator alone, with a workforce extract of `rows[i]` rows for each month.
fn workforce_months(months: &[(&str, usize)]) -> Fixture {
    let fixture = Fixture::new();
    fixture.indicator("workforce", "workers", WORKERS);
    for (month, rows) in months {
        fixture.extract(month, "workforce.csv", &workforce(*rows));
    }
    fixture
}

fn run(fixture: &Fixture, args: &[&str]) -> Output {
    Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under the output folder with its bytes: what a reader could see.
fn published(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, files);
            } else {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(&root.join("reports"), root, &mut files);
    files
}

#[test]
fn an_empty_or_partial_latest_month_is_not_published() {
    let fixture = two_datasets();
    assert_eq!(run(&fixture, &["build"]).status.code(), Some(0));
    let before = published(fixture.root());
    assert!(before.contains_key("reports/2025-02/index.html"));

    // The month's folder is made before its files are copied in.
    std::fs::create_dir_all(fixture.root().join("data/2025-03")).unwrap();
    let empty = run(&fixture, &["build"]);
    assert_eq!(empty.status.code(), Some(7), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("2025-03: no episodes.csv, workforce.csv"), "{}", stderr(&empty));
    assert_eq!(published(fixture.root()), before, "nothing written, nothing replaced");

    // Half copied: only the workforce extract.
    fixture.extract("2025-03", "workforce.csv", &workforce(3));
    let partial = run(&fixture, &["build"]);
    assert_eq!(partial.status.code(), Some(7));
    assert!(stderr(&partial).contains("2025-03: no episodes.csv\n"), "{}", stderr(&partial));
    assert_eq!(published(fixture.root()), before);
    let check = run(&fixture, &["check"]);
    assert!(stdout(&check).contains("incomplete 2025-03: no episodes.csv"), "{}", stdout(&check));
    assert!(stdout(&check).contains("publishable: 2 of 3 months (2025-03 incomplete)"), "{}", stdout(&check));
    // The latest month would not publish, so `check` exits as `build` does.
    assert_eq!(check.status.code(), Some(7), "{}", stderr(&check));
    assert!(stderr(&check).contains("2025-03 is incomplete"), "{}", stderr(&check));

    // The operator decides to publish it anyway: the page says what is missing.
    let allowed = run(&fixture, &["build", "--allow-incomplete"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-03/index.html")).unwrap();
    assert!(page.contains("This month is incomplete") && page.contains("without 1 of its extracts: episodes.csv"));
    // The board pack says so first, before the exceptions.
    let pack = crate::pdf::Pack::read(&fixture.root().join("reports/2025-03/board-pack.pdf"));
    let first = pack.text(0);
    let notice = first.find("This month is incomplete").expect("the notice in the pack");
    assert!(notice < first.find("Needs attention").unwrap(), "the notice comes first: {first}");
    assert!(first.contains("without 1 of its extracts: episodes.csv"), "{first}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("reports/2025-03/scorecard.json")).unwrap()).unwrap();
    assert_eq!(json["incomplete"], serde_json::json!(["episodes.csv"]));
    // A complete month's page has no such notice.
    let february = std::fs::read_to_string(fixture.root().join("reports/2025-02/index.html")).unwrap();
    assert!(!february.contains("This month is incomplete"));
}

/// The row-count warning for February against January's 100 rows, if any.
fn row_warning(february: usize, band: Option<u32>) -> Option<String> {
    let fixture = workforce_months(&[("2025-01", 100), ("2025-02", february)]);
    if let Some(band) = band {
        let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
        fixture.write("scorecard.toml", &format!("{project}\n[checks]\nrow_change_percent = {band}\n"));
    }
    let check = run(&fixture, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    stdout(&check).lines().find(|line| line.starts_with("warning 2025-02: workforce.csv")).map(str::to_string)
}

#[test]
fn row_counts_are_checked_against_the_previous_month_at_the_band_edges() {
    // 30% of January's 100 rows is 30: 70 and 130 are inside the band, 69 and 131 outside.
    assert_eq!(row_warning(70, None), None);
    assert_eq!(row_warning(130, None), None);
    assert_eq!(row_warning(69, None).unwrap(), "warning 2025-02: workforce.csv: 69 rows, 100 in 2025-01 (-31%)");
    assert_eq!(row_warning(131, None).unwrap(), "warning 2025-02: workforce.csv: 131 rows, 100 in 2025-01 (+31%)");
    // A wider band, from the project file: 150 is +50%, inside a 50% band.
    assert_eq!(row_warning(150, Some(50)), None);
    assert!(row_warning(151, Some(50)).is_some());
}

#[test]
fn a_copy_of_last_months_extract_is_a_warning_or_fatal_when_the_project_says() {
    let fixture = workforce_months(&[("2025-01", 4), ("2025-02", 4)]);
    let warned = run(&fixture, &["build"]);
    assert_eq!(warned.status.code(), Some(0));
    assert!(stderr(&warned).contains("workforce.csv is identical to 2025-01's"), "{}", stderr(&warned));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("reports/2025-02/scorecard.json")).unwrap()).unwrap();
    assert_eq!(json["warnings"][0]["kind"], "identical_extract");
    assert_eq!(json["warnings"][0]["dataset"], "workforce");
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-02/index.html")).unwrap();
    assert!(page.contains("identical to last month"), "the data-quality section shows it");

    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{project}\n[checks]\nfail_on = [\"identical_extract\"]\n"));
    fixture.extract("2025-03", "workforce.csv", &workforce(4));
    let before = published(fixture.root());
    let refused = run(&fixture, &["build"]);
    assert_eq!(refused.status.code(), Some(7));
    assert!(stderr(&refused).contains("2025-03: workforce.csv is identical to 2025-02's"), "{}", stderr(&refused));
    assert_eq!(published(fixture.root()), before);
    // `check` stops the same way, with the same exit code.
    let checked = run(&fixture, &["check"]);
    assert_eq!(checked.status.code(), Some(7), "{}", stderr(&checked));
    assert!(
        stderr(&checked).contains("2025-03: workforce.csv is identical to 2025-02's: a stale copy? (fatal by"),
        "{}",
        stderr(&checked)
    );
    // A kind that is not a warning is a project error pointing at it.
    fixture.write("scorecard.toml", &format!("{project}\n[checks]\nfail_on = [\"stale\"]\n"));
    let unknown = run(&fixture, &["check"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(stderr(&unknown).contains("unknown variant `stale`"), "{}", stderr(&unknown));
}

#[test]
fn stray_month_folders_are_errors_and_never_months() {
    let fixture = workforce_months(&[("2025-01", 4), ("2025-02", 5)]);
    assert_eq!(run(&fixture, &["build"]).status.code(), Some(0));
    let before = published(fixture.root());
    for stray in ["9999-01", "2026-13"] {
        std::fs::create_dir_all(fixture.root().join("data").join(stray)).unwrap();
    }
    let refused = run(&fixture, &["build"]);
    assert_eq!(refused.status.code(), Some(4));
    let text = stderr(&refused);
    assert!(text.contains("folder `9999-01` is after the current month"), "{text}");
    assert!(text.contains("folder `2026-13` is not a month written YYYY-MM"), "{text}");
    assert_eq!(published(fixture.root()), before);
    assert_eq!(run(&fixture, &["check"]).status.code(), Some(4));
}

#[test]
fn a_gap_in_the_months_is_listed_and_can_be_made_fatal() {
    let fixture = workforce_months(&[("2025-01", 4), ("2025-03", 5), ("2025-04", 6)]);
    let check = run(&fixture, &["check"]);
    assert!(stdout(&check).contains("warning 2025-04: no extracts folder for 2025-02"), "{}", stdout(&check));
    assert_eq!(run(&fixture, &["build"]).status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("reports/2025-04/scorecard.json")).unwrap()).unwrap();
    assert_eq!(json["warnings"][0]["kind"], "month_gap");
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{project}\n[checks]\nfail_on = [\"month_gap\"]\n"));
    let refused = run(&fixture, &["build", "--force"]);
    assert_eq!(refused.status.code(), Some(7));
    assert!(stderr(&refused).contains("2025-04: no extracts folder for 2025-02"), "{}", stderr(&refused));
}

/// Months lacking the same files in a row are one line of `check`, and the
/// count of months that would publish is its own line. Episodes from
/// February only: January, then March and April, lack `episodes.csv`;
/// February alone is complete.
#[test]
fn check_names_a_run_of_months_missing_the_same_files_once() {
    let fixture = Fixture::new();
    fixture.indicator("workforce", "workers", WORKERS);
    fixture.indicator("care", "episodes", EPISODES);
    for month in ["2025-01", "2025-02", "2025-03", "2025-04"] {
        fixture.extract(month, "workforce.csv", &workforce(3));
    }
    fixture.extract("2025-02", "episodes.csv", EPISODES_CSV);
    let check = run(&fixture, &["check"]);
    let said = stdout(&check);
    let incomplete: Vec<&str> = said.lines().filter(|line| line.starts_with("incomplete")).collect();
    assert_eq!(incomplete, ["incomplete 2025-01: no episodes.csv", "incomplete 2025-03 to 2025-04: no episodes.csv"]);
    assert!(said.contains("publishable: 1 of 4 months (3 months incomplete, the latest 2025-04)"), "{said}");
    assert_eq!(check.status.code(), Some(7));
}

/// A file under the wrong name is named by `check`, not silently skipped:
/// in a month folder lacking the extract it might be, and beside a month
/// pattern it nearly matches (even when other files match).
#[test]
fn check_names_files_that_look_meant_but_are_not_read() {
    let fixture = workforce_months(&[("2025-01", 3)]);
    fixture.extract("2025-02", "Workforce Feb.csv", &workforce(3));
    let said = stdout(&run(&fixture, &["check"]));
    let expected = "warning: data/2025-02/Workforce Feb.csv is not read: no dataset names it, and the month lacks workforce.csv (rename it to the one it is)";
    assert!(said.contains(expected), "{said}");

    // Of two files the month lacks, the one whose name is alike is named.
    let both = two_datasets();
    both.extract("2025-03", "Episodes March.csv", EPISODES_CSV);
    let said = stdout(&run(&both, &["check"]));
    let expected =
        "data/2025-03/Episodes March.csv is not read: no dataset names it, and the month lacks episodes.csv (rename";
    assert!(said.contains(expected), "{said}");

    let named_by_month = workforce_months(&[]);
    let project = std::fs::read_to_string(named_by_month.root().join("scorecard.toml")).unwrap();
    let project = project.replace("file = \"workforce.csv\"", "file = \"workforce-{YYYY}-{MM}.csv\"");
    named_by_month.write("scorecard.toml", &project);
    named_by_month.write("data/workforce-2025-01.csv", &workforce(3));
    named_by_month.write("data/workforce-February-2025.csv", &workforce(3));
    let said = stdout(&run(&named_by_month, &["check"]));
    let expected =
        "warning: data/workforce-February-2025.csv is not read: its name does not match `workforce-{YYYY}-{MM}.csv`";
    assert!(said.contains(expected), "{said}");
}

/// An extract whose latest date (31 March 2025's month end less 46 days:
/// 13 February 2025) is more than the default 45 days old is a warning; 45
/// days (14 February) is not. `[checks] latest_date_within_days` moves the
/// edge, and `fail_on = ["period"]` makes it stop `check` and `build`.
#[test]
fn an_old_extract_in_a_new_month_is_a_period_warning() {
    let fixture = two_datasets();
    fixture.extract("2025-03", "workforce.csv", &workforce(3));
    fixture.extract("2025-03", "episodes.csv", "CHILD,DECOM,RNE,DEC\nC1,01/01/2024,S,14/02/2025\n");
    let said = stdout(&run(&fixture, &["check"]));
    assert!(!said.contains("latest date"), "45 days is within: {said}");

    fixture.extract("2025-03", "episodes.csv", "CHILD,DECOM,RNE,DEC\nC1,01/01/2024,S,13/02/2025\n");
    let said = stdout(&run(&fixture, &["check"]));
    let expected = "warning 2025-03: episodes.csv's latest date is 13 February 2025, 46 days before the end of March 2025: an old extract?";
    assert!(said.contains(expected), "{said}");

    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{project}\n[checks]\nlatest_date_within_days = 46\n"));
    assert!(!stdout(&run(&fixture, &["check"])).contains("latest date"));

    fixture.write("scorecard.toml", &format!("{project}\n[checks]\nfail_on = [\"period\"]\n"));
    for command in ["check", "build"] {
        let refused = run(&fixture, &[command]);
        assert_eq!(refused.status.code(), Some(7), "{command}: {}", stderr(&refused));
        assert!(stderr(&refused).contains("episodes.csv's latest date is 13 February 2025"), "{}", stderr(&refused));
    }
    assert!(!fixture.root().join("reports/2025-03").exists(), "nothing written");
}

/// The real CIN census and workforce census samples describe 31 March and
/// 30 September 2022 (their `<ReferenceDate>`): filed under December 2026
/// they are each one warning, however many datasets read the file. The
/// snapshot sample, whose extracts are each month's own, has none.
#[test]
fn a_return_describing_an_earlier_day_is_a_period_warning() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let said = stdout(&Command::cargo_bin("scorecard").unwrap().current_dir(repo).arg("check").output().unwrap());
    assert!(!said.contains("reference date") && !said.contains("latest date"), "{said}");
    let Some(shared) = crate::helpers::shared_data("") else { return };
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("returns");
    let init = Command::cargo_bin("scorecard").unwrap().args(["init", "--preset", "returns"]).arg(&project).output();
    assert!(init.unwrap().status.success());
    let file = project.join("scorecard.toml");
    let text = std::fs::read_to_string(&file).unwrap().replace("code = \"E00000000\"", "code = \"E08000025\"");
    let text = ["cla-header", "cla-episodes", "cla-missing", "care-leavers"].iter().fold(text, |text, dataset| {
        text.replace(&format!("[datasets.{dataset}]\n"), &format!("[datasets.{dataset}]\nheld = false\n"))
    });
    std::fs::write(&file, text).unwrap();
    std::fs::remove_dir_all(project.join("data")).unwrap();
    let month = project.join("data/2026-12");
    std::fs::create_dir_all(&month).unwrap();
    std::fs::copy(shared.join("cin-census/BAR_cin_2022.xml"), month.join("cin_census.xml")).unwrap();
    std::fs::copy(shared.join("csww/social_work_workforce_2022.xml"), month.join("csww.xml")).unwrap();
    let output = Command::cargo_bin("scorecard").unwrap().current_dir(&project).arg("check").output().unwrap();
    let said = stdout(&output);
    let warnings: Vec<&str> = said.lines().filter(|line| line.contains("(its reference date)")).collect();
    assert_eq!(
        warnings,
        [
            "warning 2026-12: cin_census.xml describes 31 March 2022 (its reference date), not December 2026: another period's return?",
            "warning 2026-12: csww.xml describes 30 September 2022 (its reference date), not December 2026: another period's return?",
        ],
        "{said}"
    );
    // Built, the page and the board pack say so before anything else, and
    // the data-quality section says how far each file reaches.
    let built = Command::cargo_bin("scorecard").unwrap().current_dir(&project).args(["build", "--quiet"]).output();
    let built = built.unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let page = std::fs::read_to_string(project.join("reports/2026-12/index.html")).unwrap();
    assert!(page.contains("Check the dates of this month's data"), "the notice");
    // The workforce census's latest date, worked out from the file apart:
    // every `<Element>YYYY-MM-DD</Element>` but the birth dates and the
    // reference date; the latest is a RoleEndDate of 28 March 2023.
    let xml = std::fs::read_to_string(shared.join("csww/social_work_workforce_2022.xml")).unwrap();
    let latest = xml
        .split('<')
        .filter_map(|piece| piece.split_once('>'))
        .filter(|(name, value)| {
            value.len() == 10 && value.as_bytes()[4] == b'-' && !name.contains("Birth") && *name != "ReferenceDate"
        })
        .map(|(_, value)| value)
        .max()
        .unwrap();
    assert_eq!(latest, "2023-03-28");
    assert!(page.contains("<tr><th scope=\"row\">csww.xml</th><td>28 March 2023</td></tr>"), "data to");
    let pack = crate::pdf::Pack::read(&project.join("reports/2026-12/board-pack.pdf"));
    assert!(pack.text(0).contains("Check the dates of this month"), "{}", pack.text(0));
}

/// An extract that reaches back less far than a 12-month window (1 April
/// 2024 to 31 March 2025 for March 2025) is a coverage warning once its
/// earliest date is more than the 45 days' slack after the window starts:
/// 16 May 2024 is 45 days after 1 April and passes, 17 May warns.
#[test]
fn an_extract_shorter_than_an_indicators_window_is_a_coverage_warning() {
    let fixture = Fixture::new();
    let starts =
        "id = \"starts-12\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
                  dataset = \"episodes\"\nwindow = { kind = \"rolling\", months = 12 }\n\
                  filter = \"DECOM BETWEEN window_start AND window_end\"\n[measure]\nkind = \"count\"\n";
    fixture.indicator("care", "starts-12", starts);
    let check_with = |earliest: &str| {
        fixture.extract(
            "2025-03",
            "episodes.csv",
            &format!("CHILD,DECOM,RNE,DEC\nC1,{earliest},S,\nC2,01/03/2025,S,\n"),
        );
        stdout(&run(&fixture, &["check"]))
    };
    assert!(!check_with("16/05/2024").contains("reaches back"));
    let said = check_with("17/05/2024");
    let expected = "warning 2025-03: episodes.csv reaches back only to 17 May 2024, but starts-12's window starts 1 April 2024: its figure covers less time than its window";
    assert!(said.contains(expected), "{said}");
}
