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

/// Whether `reports/<month>.zip` holds exactly the files of `reports/<month>/`,
/// byte for byte (read with the zip crate, not through the engine's own check).
fn zip_holds_folder(reports: &Path, month: &str) -> bool {
    let Ok(file) = std::fs::File::open(reports.join(format!("{month}.zip"))) else { return false };
    let Ok(mut archive) = zip::ZipArchive::new(file) else { return false };
    let folder = reports.join(month);
    let mut on_disk = Vec::new();
    let mut pending = vec![folder.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            match entry.path().is_dir() {
                true => pending.push(entry.path()),
                false => on_disk.push(entry.path()),
            }
        }
    }
    on_disk.len() == archive.len()
        && on_disk.iter().all(|path| {
            let name = path.strip_prefix(&folder).unwrap().to_string_lossy().replace('\\', "/");
            let Ok(mut entry) = archive.by_name(&name) else { return false };
            let mut zipped = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut zipped).unwrap();
            zipped == std::fs::read(path).unwrap()
        })
}

/// After a build, killed or not, has been followed by a finished one: the
/// folder matches its manifest, the zip holds the folder, and the archive
/// page links the month.
fn assert_consistent(fixture: &Fixture, month: &str, after: &str) {
    let reports = fixture.root().join("reports");
    verified_manifest(&reports.join(month));
    assert!(zip_holds_folder(&reports, month), "{after}: the zip does not hold the folder");
    let archive = std::fs::read_to_string(reports.join("index.html")).unwrap_or_default();
    assert!(archive.contains(&format!("href=\"{month}/index.html\"")), "{after}: the archive page lacks {month}");
}

/// Names in `reports/` a reader can see (not hidden staging or the lock).
fn visible_outputs(fixture: &Fixture) -> Vec<String> {
    std::fs::read_dir(fixture.root().join("reports"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect()
}

fn kill_after(fixture: &Fixture, args: &[&str], delay_ms: u64) {
    let mut child = scorecard(fixture, args).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(delay_ms));
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

const KILL_DELAYS_MS: [u64; 11] = [0, 20, 60, 120, 200, 300, 450, 600, 800, 1000, 1400];

#[test]
fn a_killed_build_never_leaves_a_partial_bundle() {
    let fixture = fixture();
    assert!(run(&fixture, &["build", "--month", "2025-04"]).status.success());
    let reports = fixture.root().join("reports");
    let bundle = reports.join("2025-04");
    let original = verified_manifest(&bundle);
    // Different inputs, so that a finished rebuild is a different bundle.
    let changed = format!("{HEADER}S1,Team A,1,1.0,5,01/01/2020,,20,0\nS2,Team C,0,2.0,5,01/01/2020,,10,0\n");
    fixture.extract("2025-04", "workforce.csv", &changed);
    let changed_hash = sha256(changed.as_bytes());
    for delay_ms in KILL_DELAYS_MS {
        kill_after(&fixture, &["build", "--month", "2025-04", "--force", "--quiet"], delay_ms);
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
        let visible = visible_outputs(&fixture);
        assert!(
            visible.iter().all(|name| ["2025-04", "2025-04.zip", "index.html"].contains(&name.as_str())),
            "after a kill at {delay_ms} ms: {visible:?}"
        );
        // A zip left apart from its folder is never published, and the next
        // build (without --force) sees it and rebuilds.
        let published = run(&fixture, &["publish", "--month", "2025-04", "--to", "published"]);
        assert_eq!(
            published.status.success(),
            zip_holds_folder(&reports, "2025-04"),
            "after a kill at {delay_ms} ms, publish: {}",
            String::from_utf8_lossy(&published.stderr)
        );
        assert!(run(&fixture, &["build", "--month", "2025-04", "--quiet"]).status.success());
        assert_consistent(&fixture, "2025-04", &format!("a kill at {delay_ms} ms, then a build"));
    }
    // The next build clears what killed builds left behind.
    assert!(run(&fixture, &["build", "--month", "2025-04", "--force"]).status.success());
    let hidden: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(hidden.is_empty());
}

#[test]
fn a_killed_first_build_is_finished_by_the_next() {
    for delay_ms in KILL_DELAYS_MS {
        let fixture = fixture();
        kill_after(&fixture, &["build", "--month", "2025-04", "--quiet"], delay_ms);
        let reports = fixture.root().join("reports");
        if reports.join("2025-04").exists() {
            verified_manifest(&reports.join("2025-04"));
        }
        let next = run(&fixture, &["build", "--month", "2025-04"]);
        assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
        assert_consistent(&fixture, "2025-04", &format!("a first build killed at {delay_ms} ms, then a build"));
    }
}

/// Kill a build the moment its bundle folder is swapped in (its manifest
/// changes), before it writes the zip: the window that timed kills rarely hit.
#[test]
fn a_build_killed_between_its_folder_and_its_zip_is_rebuilt() {
    let fixture = fixture();
    let reports = fixture.root().join("reports");
    let manifest = reports.join("2025-04/manifest.json");
    let mut apart = 0;
    for attempt in 0..3 {
        let before = std::fs::read(&manifest).ok();
        let epoch = (1767225600 + attempt).to_string();
        let mut child = scorecard(&fixture, &["build", "--month", "2025-04", "--force", "--quiet"])
            .env("SOURCE_DATE_EPOCH", &epoch)
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::fs::read(&manifest).ok() == before && started.elapsed() < Duration::from_secs(60) {
            std::hint::spin_loop();
        }
        let _ = child.kill();
        let _ = child.wait();
        if !zip_holds_folder(&reports, "2025-04") {
            apart += 1;
            let published = run(&fixture, &["publish", "--month", "2025-04", "--to", "published"]);
            assert_eq!(published.status.code(), Some(5), "publish copied a zip apart from its folder");
            let next = run(&fixture, &["build", "--month", "2025-04"]);
            assert!(stdout(&next).contains("built 2025-04"), "{}", stdout(&next));
        } else {
            assert!(run(&fixture, &["build", "--month", "2025-04", "--quiet"]).status.success());
        }
        assert_consistent(&fixture, "2025-04", &format!("kill {attempt} at the swap, then a build"));
    }
    // The zip of a debug build takes tens of milliseconds to write; a poll
    // spinning on the manifest lands inside that window.
    assert!(apart > 0, "no kill landed between the swap and the zip");
}

#[test]
fn a_zip_from_another_build_is_rebuilt_and_never_published() {
    let fixture = fixture();
    assert!(run(&fixture, &["build", "--all"]).status.success());
    let reports = fixture.root().join("reports");
    // What a build killed between its swap and its zip leaves: March's zip
    // stands for April's folder.
    std::fs::copy(reports.join("2025-03.zip"), reports.join("2025-04.zip")).unwrap();
    let published = run(&fixture, &["publish", "--month", "2025-04", "--to", "published"]);
    assert_eq!(published.status.code(), Some(5));
    let message = String::from_utf8_lossy(&published.stderr);
    assert!(message.contains("2025-04.zip does not hold the bundle in"), "{message}");
    assert!(!fixture.root().join("published/2025-04").exists());
    let again = run(&fixture, &["build", "--month", "2025-04"]);
    assert!(stdout(&again).contains("built 2025-04"), "{}", stdout(&again));
    assert_consistent(&fixture, "2025-04", "a rebuild after a mismatched zip");
    // The archive page is rewritten even when every bundle is up to date.
    std::fs::remove_file(reports.join("index.html")).unwrap();
    assert!(stdout(&run(&fixture, &["build", "--month", "2025-04"])).contains("is up to date"));
    assert_consistent(&fixture, "2025-04", "an up-to-date build after the archive page went");
}

#[test]
fn publish_copies_one_build_while_others_run() {
    let fixture = fixture();
    assert!(run(&fixture, &["build", "--month", "2025-04"]).status.success());
    // Each rebuild has its own build time, so each build's zip differs.
    let builder = {
        let root = fixture.root().to_path_buf();
        std::thread::spawn(move || {
            for epoch in 0..6 {
                let status = Command::new(env!("CARGO_BIN_EXE_scorecard"))
                    .args(["build", "--month", "2025-04", "--force", "--quiet", "--wait", "60"])
                    .current_dir(&root)
                    .env("SOURCE_DATE_EPOCH", (1767225600 + epoch).to_string())
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        })
    };
    let mut copies = 0;
    while !builder.is_finished() || copies == 0 {
        let to = format!("published-{copies}");
        let published = run(&fixture, &["publish", "--month", "2025-04", "--to", &to, "--wait", "60"]);
        assert!(published.status.success(), "{}", String::from_utf8_lossy(&published.stderr));
        assert!(zip_holds_folder(&fixture.root().join(&to), "2025-04"), "copy {copies} mixes two builds");
        copies += 1;
    }
    builder.join().unwrap();
    assert!(copies >= 2, "publish ran {copies} times beside the builds");
}

#[test]
fn a_wait_that_is_not_a_duration_is_a_usage_error() {
    let fixture = fixture();
    for wait in ["inf", "-1", "NaN", "1e300"] {
        let output = run(&fixture, &["build", &format!("--wait={wait}")]);
        assert_eq!(output.status.code(), Some(2), "--wait {wait}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stderr).contains("--wait is"), "--wait {wait}");
    }
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
