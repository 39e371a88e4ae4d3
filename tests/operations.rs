//! Unattended operation: one build at a time, incremental rebuilds, and a
//! bundle that survives a build killed at any moment. These run the real
//! binary.

use crate::helpers::Fixture;
use scorecard::input::sha256;
use scorecard::publish::Manifest;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const HEADER: &str = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";

fn fixture() -> Fixture {
    let fixture = Fixture::shipped(&["workforce/agency-rate", "workforce/caseloads-within-limit"]);
    for (month, agency) in [("2025-02", "1"), ("2025-03", "1"), ("2025-04", "0")] {
        fixture.extract(
            month,
            "workforce.csv",
            &format!("{HEADER}S1,Team A,{agency},1.0,5,01/01/2020,,20,0\nS2,Team B,0,3.0,5,01/01/2020,,26,0\n"),
        );
    }
    fixture
}

fn scorecard(fixture: &Fixture, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scorecard"));
    command.args(args).current_dir(fixture.root()).env("SOURCE_DATE_EPOCH", "1767225600");
    command
}

fn run(fixture: &Fixture, args: &[&str]) -> Output {
    scorecard(fixture, args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The bundle's manifest, after checking every file against it.
fn verified_manifest(bundle: &Path) -> Manifest {
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    for file in &manifest.files {
        let bytes = std::fs::read(bundle.join(&file.path))
            .unwrap_or_else(|_| panic!("{} missing from {}", file.path, bundle.display()));
        assert_eq!(sha256(&bytes), file.sha256, "{} does not match its manifest", file.path);
    }
    manifest
}

#[test]
fn an_unchanged_month_is_not_rebuilt_and_a_change_rebuilds_only_what_depends_on_it() {
    let fixture = fixture();
    let first = run(&fixture, &["build", "--all"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(stdout(&first).matches("built ").count(), 3, "{}", stdout(&first));
    let again = run(&fixture, &["build", "--all"]);
    assert_eq!(stdout(&again).matches("is up to date").count(), 3, "{}", stdout(&again));
    // Change April's extract: February's and March's bundles do not depend on it.
    fixture.extract("2025-04", "workforce.csv", &format!("{HEADER}S1,Team A,1,1.0,5,01/01/2020,,20,0\n"));
    let after_change = stdout(&run(&fixture, &["build", "--all"]));
    assert!(
        after_change.contains("2025-02 is up to date") && after_change.contains("2025-03 is up to date"),
        "{after_change}"
    );
    assert!(after_change.contains("built 2025-04"), "{after_change}");
    // --force rebuilds regardless; a new commentary file makes its month out of date.
    assert!(stdout(&run(&fixture, &["build", "--force"])).contains("built 2025-04"));
    let commentary = fixture.write("commentary/2025-03.toml", "agency-rate = \"New note\"\n");
    assert!(stdout(&run(&fixture, &["build", "--month", "2025-03"])).contains("built 2025-03"));
    std::fs::remove_file(commentary).unwrap();
}

#[test]
fn a_second_build_exits_with_the_lock_code_or_waits() {
    let fixture = fixture();
    let output_dir = fixture.root().join("reports");
    let held = scorecard::publish::OutputLock::acquire(&output_dir, Duration::ZERO).unwrap();
    let started = Instant::now();
    let refused = run(&fixture, &["build"]);
    assert_eq!(refused.status.code(), Some(6), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("another build holds"));
    let waited = run(&fixture, &["build", "--wait", "1"]);
    assert_eq!(waited.status.code(), Some(6));
    assert!(started.elapsed() >= Duration::from_secs(1));
    drop(held);
    assert!(run(&fixture, &["build"]).status.success());
}

#[test]
fn a_killed_build_never_leaves_a_partial_bundle() {
    let fixture = fixture();
    assert!(run(&fixture, &["build", "--month", "2025-04"]).status.success());
    let bundle = fixture.root().join("reports/2025-04");
    let original = verified_manifest(&bundle);
    // Different inputs, so that a finished rebuild is a different bundle.
    let changed = format!("{HEADER}S1,Team A,1,1.0,5,01/01/2020,,20,0\nS2,Team C,0,2.0,5,01/01/2020,,10,0\n");
    fixture.extract("2025-04", "workforce.csv", &changed);
    let changed_hash = sha256(changed.as_bytes());
    for delay_ms in [0, 20, 60, 120, 200, 300, 450, 700, 1000] {
        let mut child = scorecard(&fixture, &["build", "--month", "2025-04", "--force", "--quiet"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Every file matches its manifest (checked inside), and the bundle is
        // either the original or the finished rebuild from the changed extract.
        let manifest = verified_manifest(&bundle);
        let rebuilt = manifest
            .inputs
            .iter()
            .any(|input| input.path == "sample-data/2025-04/workforce.csv" && input.sha256 == changed_hash);
        assert!(
            manifest.files == original.files || rebuilt,
            "a kill at {delay_ms} ms left a bundle that is neither old nor new"
        );
        let visible: Vec<String> = std::fs::read_dir(fixture.root().join("reports"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .collect();
        assert!(
            visible.iter().all(|name| ["2025-04", "2025-04.zip", "index.html"].contains(&name.as_str())),
            "after a kill at {delay_ms} ms: {visible:?}"
        );
    }
    // The next build clears what killed builds left behind.
    assert!(run(&fixture, &["build", "--month", "2025-04", "--force"]).status.success());
    let hidden: Vec<_> = std::fs::read_dir(fixture.root().join("reports"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(hidden.is_empty());
}

#[test]
fn logs_go_to_stderr_as_json_when_asked() {
    let fixture = fixture();
    let output = run(&fixture, &["build", "--log-format", "json"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find(|line| line.contains("wrote bundle")).expect("a log line for the bundle");
    let event: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(event["level"], "INFO");
    let quiet = run(&fixture, &["build", "--force", "--quiet"]);
    assert!(quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
}
