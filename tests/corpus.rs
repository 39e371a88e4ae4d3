//! The corpus of messy and hostile extracts in tests/fixtures/extracts/:
//! each gives a documented normalisation or an error naming file, line,
//! column and value (docs/reliability.md lists them all).

use chrono::NaiveDate;
use scorecard::input::{read_table, Day, Table, Values};
use scorecard::project::DatasetConfig;
use std::path::{Path, PathBuf};

fn config() -> DatasetConfig {
    toml::from_str(
        r#"
        layout = "monthly"
        file = "workforce.csv"
        date_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        null_markers = ["", "NULL", "N/A"]
        columns = { SWENo = "text", Team = "text", FTE = "number", Cases30 = "integer", RoleStartDate = "date" }
        "#,
    )
    .expect("a dataset as scorecard.toml declares one")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extracts").join(name)
}

fn read(name: &str) -> Result<Table, scorecard::diagnostics::Diagnostics> {
    read_table(&fixture(name), &config(), true).map(|(table, _)| table)
}

fn column<'a>(table: &'a Table, name: &str) -> &'a Values {
    &table.columns.iter().find(|(column, _)| column == name).unwrap().1
}

/// Parsed by chrono, independently of the reader's own date parser.
fn date(text: &str) -> Option<Day> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Day::from_date)
}

/// (line, column, part of the message) of the first error.
fn error(name: &str) -> (usize, usize, String) {
    let errors = read(name).err().unwrap_or_else(|| panic!("{name} should be refused"));
    let first = &errors.0[0];
    assert!(first.path.ends_with(name), "the error names the file");
    (first.line, first.column, format!("{}{}", first.message, first.help.as_deref().unwrap_or("")))
}

#[test]
fn normalisations() {
    for name in ["bom.csv", "crlf.csv"] {
        let table = read(name).unwrap();
        assert_eq!(column(&table, "SWENo"), &Values::Text([Some("SW1"), Some("SW2")].into_iter().collect()), "{name}");
        assert_eq!(column(&table, "FTE"), &Values::Number(vec![Some(1.0), Some(0.5)]), "{name}");
    }
    // Byte 0xE9 is é and 0xA3 is £ in Windows-1252.
    assert_eq!(
        column(&read("windows-1252.csv").unwrap(), "Team"),
        &Values::Text([Some("Café £ team")].into_iter().collect())
    );
    // Extra columns are ignored; header case and surrounding spaces do not matter.
    assert_eq!(read("extra-columns.csv").unwrap().rows, 1);
    assert_eq!(column(&read("header-drift.csv").unwrap(), "Cases30"), &Values::Integer(vec![Some(20)]));
    // dd/mm/yyyy, yyyy-mm-dd and Excel serial 45383 (1899-12-30 + 45383 days) are all 1 April 2024.
    assert_eq!(column(&read("dates-mixed.csv").unwrap(), "RoleStartDate"), &Values::Date(vec![date("2024-04-01"); 3]));
    let nulls = read("nulls.csv").unwrap();
    assert_eq!(
        (column(&nulls, "Team"), column(&nulls, "FTE"), column(&nulls, "Cases30")),
        (&Values::Text([None].into_iter().collect()), &Values::Number(vec![None]), &Values::Integer(vec![None]))
    );
    assert_eq!(column(&read("integer-as-decimal.csv").unwrap(), "Cases30"), &Values::Integer(vec![Some(10)]));
    assert_eq!(read("header-only.csv").unwrap().rows, 0);
    assert_eq!(read("trailing-blank-lines.csv").unwrap().rows, 1);
}

#[test]
fn refusals_name_file_line_column_and_value() {
    // The quoted field spans lines 2-3, so the bad date is on line 4, column 5.
    let (line, column, message) = error("quoted-multiline.csv");
    assert_eq!((line, column), (4, 5));
    assert!(message.contains("`31/13/2024` is not a date"), "{message}");
    let (line, column, message) = error("impossible-date.csv");
    assert_eq!((line, column), (3, 5));
    assert!(message.contains("`31/02/2025`"), "{message}");
    let (line, _, message) = error("duplicate-header.csv");
    assert_eq!(line, 1);
    assert!(message.contains("appears twice"), "{message}");
    let (_, _, message) = error("missing-column.csv");
    assert!(message.contains("missing column `Cases30`") && message.contains("did you mean `Cases`?"), "{message}");
    assert!(error("empty.csv").2.contains("empty"));
    assert!(error("really-xlsx.csv").2.contains("Excel workbook"));
}

#[test]
fn a_100_mb_field_is_refused_not_swallowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let huge = "x".repeat(100 * 1024 * 1024);
    std::fs::write(&path, format!("SWENo,Team,FTE,Cases30,RoleStartDate\nSW1,{huge},1.0,20,01/04/2024\n")).unwrap();
    let errors = read_table(&path, &config(), true).err().unwrap();
    assert_eq!((errors.0[0].line, errors.0[0].column), (2, 2));
    assert!(errors.0[0].message.contains("104857600 bytes"), "{}", errors.0[0].message);
}

#[test]
fn a_symlink_loop_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loop.csv");
    std::os::unix::fs::symlink(&path, &path).unwrap();
    let errors = read_table(&path, &config(), true).err().unwrap();
    assert!(errors.0[0].path.ends_with("loop.csv"));
    assert!(errors.0[0].message.contains("cannot read extract: it is a symbolic link"), "{}", errors.0[0].message);
}

/// A link to /etc/passwd (its first line was quoted in the log), a link to
/// /dev/zero (memory until killed) and a named pipe (blocked for ever
/// holding the lock): each refused, naming the file, before it is read.
#[test]
fn only_regular_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |name: &str| {
        let path = dir.path().join(name);
        let errors = read_table(&path, &config(), true).expect_err("refused");
        assert!(errors.0[0].path.ends_with(name));
        errors.0[0].message.clone()
    };
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd.csv")).unwrap();
    assert!(refused("passwd.csv").contains("it is a symbolic link"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.csv")).unwrap();
    assert!(refused("zero.csv").contains("it is a symbolic link"));
    let fifo = std::ffi::CString::new(dir.path().join("pipe.csv").to_str().unwrap()).unwrap();
    // SAFETY: a valid C string naming a path in our own temp folder.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    assert_eq!(refused("pipe.csv"), "cannot read extract: it is a named pipe, not a regular file");
    std::fs::create_dir(dir.path().join("folder.csv")).unwrap();
    assert_eq!(refused("folder.csv"), "cannot read extract: it is a folder, not a regular file");
}

#[test]
fn a_month_folder_that_is_a_file_makes_that_month_not_calculable() {
    let fixture = crate::helpers::Fixture::shipped(&["workforce/agency-rate"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    fixture.extract("2025-03", "workforce.csv", &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\n"));
    fixture.extract("2025-05", "workforce.csv", &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\n"));
    fixture.write("sample-data/2025-04", "not a folder");
    let april = fixture.observe("agency-rate", "2025-04");
    assert_eq!(april.reason(), Some("no `workforce` extract for 2025-04"));
}

#[test]
fn data_quality_findings_are_reported_without_stopping_the_build() {
    let fixture = crate::helpers::Fixture::shipped(&["workforce/agency-rate", "looked-after/placements-3-plus"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    // S2 appears twice (2 rows fail "more than one row"); S3 has a negative FTE.
    fixture.extract("2025-03", "workforce.csv", &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\nS2,T,0,1.0,5,01/01/2020,,10,0\nS2,T,0,1.0,5,01/01/2021,,10,0\nS3,T,0,-1.0,5,01/01/2020,,10,0\n"));
    // Child B's second episode starts before the first ends (overlap); C's episode ends before it starts.
    let episodes = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,REASON_PLACE_CHANGE,PL_DISTANCE\n\
                    A,01/01/2024,S,C2,U1,,,,\n\
                    B,01/01/2024,S,C2,U1,01/06/2024,X1,,\n\
                    B,01/05/2024,P,C2,U1,,,,\n\
                    C,01/06/2024,S,C2,U1,01/05/2024,E13,,\n";
    fixture.extract("2025-03", "ssda903_episodes.csv", episodes);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["build", "--quiet"])
        .current_dir(fixture.root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("reports/2025-03/scorecard.json")).unwrap()).unwrap();
    let records = |check: &str| {
        json["data_quality"].as_array().unwrap().iter().find(|f| f["check"] == check).unwrap()["records"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(records("worker id on more than one row"), 2);
    assert_eq!(records("FTE zero, negative or over 1"), 1);
    assert_eq!(records("episode starts before the previous one ends (overlap)"), 1);
    assert_eq!(records("episode ends before it starts"), 1);
    assert_eq!(records("blank child id"), 0);
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-03/index.html")).unwrap();
    assert!(page.contains("<h2>Data quality</h2>"));
}

#[test]
fn a_bad_check_points_into_the_project_file() {
    let fixture = crate::helpers::Fixture::shipped(&["workforce/agency-rate"]);
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &project.replace("fails = \"FTE <= 0 OR FTE > 1\"", "fails = \"FTEE <= 0\""));
    let errors = fixture.load_errors();
    let line = project.lines().position(|line| line.contains("FTE <= 0 OR FTE > 1")).unwrap() + 1;
    assert!(
        errors.iter().any(|(file, l, message)| file == "scorecard.toml"
            && *l == line
            && message.contains("unknown column `FTEE`")),
        "{errors:?}"
    );
}
