//! The binary: exit codes and messages.

use crate::helpers::Fixture;
use assert_cmd::Command;

fn scorecard(fixture: &Fixture) -> Command {
    let mut command = Command::cargo_bin("scorecard").expect("binary built");
    command.current_dir(fixture.root());
    command
}

#[test]
fn check_reports_definition_errors_with_location_and_exit_code_3() {
    let fixture = Fixture::new();
    fixture.indicator("theme", "x", "id = \"x\"\ntitle = \"t\"\n");
    let output = scorecard(&fixture).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("x.toml:1:1"), "{stderr}");
    assert!(stderr.contains("missing field"), "{stderr}");
}

#[test]
fn build_writes_csv_and_json_for_the_latest_month() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    // March: agency FTE 1 of 4 = 25%. April: agency FTE 0.5 of (0.5 + 2.5) = 16.7%.
    fixture.extract(
        "2025-03",
        "workforce.csv",
        &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\nS2,T,0,3.0,5,01/01/2020,,10,0\n"),
    );
    fixture.extract(
        "2025-04",
        "workforce.csv",
        &format!("{header}S1,T,1,0.5,5,01/01/2020,,10,0\nS2,T,0,2.5,5,01/01/2020,,10,0\n"),
    );
    let output = scorecard(&fixture).arg("build").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let csv = std::fs::read_to_string(fixture.root().join("reports/2025-04/scorecard.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with("agency-rate,"), "{row}");
    // 16.7%, target 14 with 25% tolerance (17.5): amber; 25.0 -> 16.7 is improving.
    assert!(row.contains(",2025-04,16.7,0.5,3,14,amber,improving,"), "{row}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("reports/2025-04/scorecard.json")).unwrap()).unwrap();
    assert_eq!(json["indicators"][0]["series"][0]["value"], 25.0);
}

#[test]
fn build_for_a_month_without_extracts_is_a_usage_error() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract(
        "2025-03",
        "workforce.csv",
        "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n",
    );
    let output = scorecard(&fixture).args(["build", "--month", "2030-01"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no extracts for 2030-01"));
}

#[test]
fn init_makes_a_project_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("new");
    let run = |args: &[&str]| {
        Command::cargo_bin("scorecard").unwrap().args(args).arg("--project").arg(&project).output().unwrap()
    };
    let init = Command::cargo_bin("scorecard").unwrap().arg("init").arg(&project).output().unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert!(readme.contains("0 6 3 * *") && readme.contains("- `data/YYYY-MM/workforce.csv`: in each month's folder"));
    // The template's authority code is a placeholder `check` refuses at its line.
    let placeholder = run(&["check"]);
    assert_eq!(placeholder.status.code(), Some(3));
    let said = String::from_utf8_lossy(&placeholder.stderr);
    assert!(said.contains("the authority code is still the template's placeholder"), "{said}");
    assert!(said.contains("scorecard.toml:8:8"), "the line and column of `code`: {said}");
    let file = project.join("scorecard.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("code = \"E00000000\"", "code = \"E08000025\"")).unwrap();
    // A month folder with no extract yet: `check` says the build would
    // refuse it, with the build's exit code...
    let check = run(&["check"]);
    assert_eq!(check.status.code(), Some(7), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(String::from_utf8_lossy(&check.stdout).contains("publishable: 0 of 1 months"));
    assert!(String::from_utf8_lossy(&check.stderr).contains("is incomplete"));
    // ...and the build refuses to publish it (exit 7)...
    let month = std::fs::read_dir(project.join("data")).unwrap().next().unwrap().unwrap().file_name();
    let refused = run(&["build", "--quiet"]);
    assert_eq!(refused.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&refused.stderr).contains(": no workforce.csv"));
    // ...and, told to publish it anyway, says so rather than inventing a value.
    let build = run(&["build", "--quiet", "--allow-incomplete"]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let csv = std::fs::read_to_string(project.join("reports").join(&month).join("scorecard.csv")).unwrap();
    assert!(csv.contains("no `workforce` extract for"), "{csv}");
    // A second init never overwrites the project.
    let again = Command::cargo_bin("scorecard").unwrap().arg("init").arg(&project).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    // A folder that cannot be made (a file stands in its way) is an output
    // error, exit 5, naming the path and the system's reason; not a usage error.
    let blocked = project.join("in-the-way");
    std::fs::write(&blocked, "").unwrap();
    let unwritable = Command::cargo_bin("scorecard").unwrap().arg("init").arg(blocked.join("new")).output().unwrap();
    assert_eq!(unwritable.status.code(), Some(5), "{}", String::from_utf8_lossy(&unwritable.stderr));
    let said = String::from_utf8_lossy(&unwritable.stderr);
    assert!(said.contains("cannot create") && said.contains("in-the-way"), "{said}");
}

/// Each field whose type is a list of choices names every choice in its
/// description (the polarity list once lacked `close_to_target`, the window
/// kinds `calendar_year_to_date` and `quarter`).
#[test]
fn schema_descriptions_name_every_choice_of_their_field() {
    let schema: serde_json::Value =
        serde_json::from_str(&scorecard::cli::schema(scorecard::cli::SchemaKind::Indicator)).unwrap();
    let definitions = &schema["definitions"];
    let choices = |name: &str| -> Vec<String> {
        let definition = &definitions[name];
        let variants = definition["oneOf"].as_array().cloned().unwrap_or_default();
        let listed = variants.iter().filter_map(|variant| variant["enum"][0].as_str().map(String::from));
        let plain =
            definition["enum"].as_array().into_iter().flatten().filter_map(|value| value.as_str().map(String::from));
        listed.chain(plain).collect()
    };
    let mut checked = Vec::new();
    let mut fields: Vec<(&str, &serde_json::Value)> = vec![("Indicator", &schema["properties"])];
    for (name, definition) in definitions.as_object().unwrap() {
        fields.push((name.as_str(), &definition["properties"]));
    }
    for (owner, properties) in fields {
        for (field, property) in properties.as_object().into_iter().flatten() {
            let Some(target) = property["allOf"][0]["$ref"].as_str().and_then(|r| r.strip_prefix("#/definitions/"))
            else {
                continue;
            };
            let options = choices(target);
            if options.len() < 2 {
                continue;
            }
            let description = property["description"].as_str().unwrap_or_default();
            for option in &options {
                assert!(
                    description.contains(&format!("`{option}`")),
                    "{owner}.{field} does not name `{option}`: {description}"
                );
            }
            checked.push(format!("{owner}.{field}"));
        }
    }
    for field in ["Indicator.polarity", "Indicator.unit", "Window.kind"] {
        assert!(checked.iter().any(|checked| checked == field), "{field} not checked: {checked:?}");
    }
}

#[test]
fn committed_json_schemas_match_the_engine() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (kind, file) in [
        (scorecard::cli::SchemaKind::Indicator, "indicator.json"),
        (scorecard::cli::SchemaKind::Project, "project.json"),
        (scorecard::cli::SchemaKind::Plan, "plan.json"),
    ] {
        let committed = std::fs::read_to_string(repo.join("docs/schema").join(file)).unwrap();
        assert_eq!(
            scorecard::cli::schema(kind),
            committed,
            "docs/schema/{file} is stale: run `scorecard schema` to regenerate it"
        );
    }
    let schema: serde_json::Value =
        serde_json::from_str(&scorecard::cli::schema(scorecard::cli::SchemaKind::Indicator)).unwrap();
    // Fields and their allowed values, as an editor completes them.
    assert!(schema["properties"]["measure"].is_object());
    let text = schema.to_string();
    assert!(
        text.contains("rate_per_10000") && text.contains("financial_year_to_date") && text.contains("significance")
    );
}

#[test]
fn every_field_of_both_schemas_is_described_for_the_editor() {
    let (mut undocumented, mut fields) = (Vec::new(), 0);
    use scorecard::cli::SchemaKind::{Indicator, Plan, Project};
    for kind in [Indicator, Project, Plan] {
        let schema: serde_json::Value = serde_json::from_str(&scorecard::cli::schema(kind)).unwrap();
        let objects = std::iter::once(("(file)", &schema))
            .chain(schema["definitions"].as_object().unwrap().iter().map(|(name, value)| (name.as_str(), value)));
        for (name, object) in objects {
            let properties = object["properties"].as_object().into_iter().flatten();
            for (field, property) in properties {
                fields += 1;
                if property["description"].as_str().is_none_or(str::is_empty) {
                    undocumented.push(format!("{kind:?} {name}.{field}"));
                }
            }
        }
    }
    // The indicator file alone has over 40 fields: the walk reached them.
    assert!(fields > 60, "only {fields} fields found: has the schema's layout changed?");
    assert!(undocumented.is_empty(), "fields without a description: {undocumented:?}");
}

#[test]
fn bad_extracts_exit_4_and_unwritable_output_exits_5() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    fixture.extract("2025-03", "workforce.csv", &format!("{header}S1,T,1,one,5,01/01/2020,,10,0\n"));
    let bad = scorecard(&fixture).arg("build").output().unwrap();
    assert_eq!(bad.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("workforce.csv:2:4") && stderr.contains("`one` is not a number"), "{stderr}");
    fixture.extract("2025-03", "workforce.csv", &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\n"));
    let _ = std::fs::remove_dir_all(fixture.root().join("reports"));
    std::fs::write(fixture.root().join("reports"), "a file where the output folder should be").unwrap();
    let unwritable = scorecard(&fixture).arg("build").output().unwrap();
    assert_eq!(unwritable.status.code(), Some(5), "{}", String::from_utf8_lossy(&unwritable.stderr));
}

#[test]
fn builds_read_only_the_columns_in_use_and_check_reads_every_column() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    // Cases30 is declared but neither agency-rate nor a check uses it.
    fixture.extract("2025-03", "workforce.csv", &format!("{header}S1,T,1,1.0,5,01/01/2020,,lots,0\n"));
    let check = scorecard(&fixture).arg("check").output().unwrap();
    assert_eq!(check.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&check.stderr).contains("workforce.csv:2:8"), "{check:?}");
    for args in [&["values"][..], &["build"]] {
        let output = scorecard(&fixture).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// `values --breakdowns`: each indicator's groups follow its totals, named,
/// unsuppressed; the totals are the plain `values` rows, and a team
/// breakdown's numerators add up to the total's (every worker has a team).
#[test]
fn values_with_breakdowns_lists_every_group_after_its_totals() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        let output = Command::cargo_bin("scorecard").unwrap().args(args).current_dir(repo).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let plain = run(&["values"]);
    let grouped = run(&["values", "--breakdowns"]);
    let mut lines = grouped.lines();
    assert_eq!(
        lines.next(),
        Some("authority_code,indicator,month,breakdown,group,value,numerator,denominator,not_calculable")
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    // The totals, without the two group columns, are `values` exactly.
    let totals: Vec<String> =
        rows.iter().filter(|row| row[3].is_empty()).map(|row| [&row[..3], &row[5..]].concat().join(",")).collect();
    assert_eq!(totals, plain.lines().skip(1).map(String::from).collect::<Vec<_>>());
    let agency = |team: bool| -> Vec<f64> {
        rows.iter()
            .filter(|row| row[1] == "agency-rate" && row[2] == "2026-03" && (row[3] == "Team") == team)
            .map(|row| row[6].parse::<f64>().unwrap())
            .collect()
    };
    let (total, teams) = (agency(false), agency(true));
    assert!(teams.len() > 1, "a group per team");
    assert!((teams.iter().sum::<f64>() - total[0]).abs() < 1e-9, "{teams:?} add up to {total:?}");
}

/// `sample`'s failures: a consortium size out of range is a usage error
/// (exit 2) that names the range; a folder it cannot write is an output error
/// (exit 5) naming the path and the system's reason.
#[test]
fn sample_errors_are_usage_or_output_errors_with_their_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let sample = |args: &[&str]| Command::cargo_bin("scorecard").unwrap().arg("sample").args(args).output().unwrap();
    let out = dir.path().join("data");
    for count in ["0", "10000"] {
        let refused = sample(&["--authorities", count, "--out", out.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("1..=9999"));
        assert!(!out.exists(), "nothing is written for a refused size");
    }
    let blocked = dir.path().join("in-the-way");
    std::fs::write(&blocked, "").unwrap();
    let unwritable = sample(&["--out", blocked.join("data").to_str().unwrap()]);
    assert_eq!(unwritable.status.code(), Some(5), "{}", String::from_utf8_lossy(&unwritable.stderr));
    let said = String::from_utf8_lossy(&unwritable.stderr);
    assert!(said.contains("in-the-way/data/2023-04") && said.contains("Not a directory"), "{said}");
}
