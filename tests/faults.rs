//! Faults while writing: a full disk, a read-only output folder, an extract
//! deleted during the build. Each exits with its documented code and leaves
//! the previous bundle whole.

use crate::helpers::Fixture;
use scorecard::input::sha256;
use scorecard::publish::Manifest;
use std::path::Path;
use std::process::{Command, Output};

const HEADER: &str = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";

fn fixture() -> Fixture {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract(
        "2025-03",
        "workforce.csv",
        &format!("{HEADER}S1,T,1,1.0,5,01/01/2020,,10,0\nS2,U,0,3.0,5,01/01/2020,,10,0\n"),
    );
    fixture
}

fn build(root: &Path, shell_prefix: &str) -> Output {
    let binary = env!("CARGO_BIN_EXE_scorecard");
    Command::new("sh")
        .arg("-c")
        .arg(format!("{shell_prefix} exec '{binary}' build --force --quiet"))
        .current_dir(root)
        .output()
        .unwrap()
}

fn assert_whole(bundle: &Path) -> Manifest {
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    for file in &manifest.files {
        assert_eq!(sha256(&std::fs::read(bundle.join(&file.path)).unwrap()), file.sha256, "{}", file.path);
    }
    manifest
}

#[test]
fn a_full_disk_exits_5_and_keeps_the_previous_bundle() {
    let fixture = fixture();
    assert!(build(fixture.root(), "").status.success());
    let before = assert_whole(&fixture.root().join("reports/2025-03"));
    // 16 KB per file: the PNG charts do not fit.
    let output = build(fixture.root(), "ulimit -f 32;");
    assert_eq!(output.status.code(), Some(5), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot write"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(assert_whole(&fixture.root().join("reports/2025-03")).files, before.files);
    // Its half-written staging folder went with it (it was left behind).
    let left: Vec<String> = std::fs::read_dir(fixture.root().join("reports"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".partial-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_read_only_output_folder_exits_5_and_keeps_the_previous_bundle() {
    let fixture = fixture();
    let reports = fixture.root().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
        .arg(&reports)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        return;
    }
    let unmount = || Command::new("umount").arg(&reports).status();
    let result = std::panic::catch_unwind(|| {
        assert!(build(fixture.root(), "").status.success());
        let before = assert_whole(&reports.join("2025-03"));
        assert!(Command::new("mount").args(["-o", "remount,ro"]).arg(&reports).status().unwrap().success());
        let output = build(fixture.root(), "");
        assert_eq!(output.status.code(), Some(5), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("Read-only file system"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(assert_whole(&reports.join("2025-03")).files, before.files);
    });
    let _ = unmount();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn an_extract_deleted_during_the_build_is_an_error_or_was_already_read() {
    let fixture = fixture();
    assert!(build(fixture.root(), "").status.success());
    let before = assert_whole(&fixture.root().join("reports/2025-03"));
    let extract = fixture.root().join("sample-data/2025-03/workforce.csv");
    let text = std::fs::read_to_string(&extract).unwrap();
    for delay_ms in [0, 5, 20, 60, 150] {
        std::fs::write(&extract, &text).unwrap();
        let binary = env!("CARGO_BIN_EXE_scorecard");
        let child = Command::new(binary)
            .args(["build", "--force", "--quiet"])
            .current_dir(fixture.root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = std::fs::remove_file(&extract);
        let output = child.wait_with_output().unwrap();
        match output.status.code() {
            // Read before it went (the build finished from what it read), or gone
            // before the folder was listed (the month says "no extract").
            Some(0) => {}
            // Gone before it was read: the month is incomplete (7), or the read failed naming it (4).
            Some(4 | 7) => assert!(
                String::from_utf8_lossy(&output.stderr).contains("workforce.csv"),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            ),
            other => panic!(
                "deleting the extract after {delay_ms} ms gave exit {other:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
        }
        let now = assert_whole(&fixture.root().join("reports/2025-03"));
        assert!(now.files.len() == before.files.len());
    }
}
