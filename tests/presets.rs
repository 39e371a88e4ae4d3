//! `scorecard init --preset` projects, built from the sample authority's
//! history written in that source's shape (`scorecard sample --shape`).

use std::path::Path;
use std::process::Command;

fn scorecard(args: &[&str], dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scorecard")).args(args).current_dir(dir).output().expect("runs");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// Every indicator of every month is the same whether the sample authority's
/// CIN and workforce data come as the repository's CSV snapshots or as the
/// CIN census and workforce census XML the returns preset reads: the
/// definitions coincide (the pack is the same; the returns have no team,
/// which only removes the workforce indicators' team breakdown).
#[test]
fn the_returns_preset_agrees_with_the_snapshot_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("returns");
    scorecard(&["init", project.to_str().unwrap(), "--preset", "returns"], dir.path());
    // `init` makes this month's (empty) folder; the sample's months end in March 2026.
    std::fs::remove_dir_all(project.join("data")).expect("empty data folder");
    scorecard(&["sample", "--shape", "returns", "--out", "data"], &project);
    assert!(
        project.join("data/2026-03/cin_census.xml").exists()
            && !project.join("data/2026-03/cin_referrals.csv").exists()
    );
    // The sample authority's name, code and population in place of the preset's example.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = std::fs::read_to_string(repo.join("scorecard.toml")).expect("project");
    let preset = std::fs::read_to_string(project.join("scorecard.toml")).expect("preset");
    let header = &ours[..ours.find("[paths]").expect("paths")];
    std::fs::write(
        project.join("scorecard.toml"),
        format!("{header}{}", &preset[preset.find("[paths]").expect("paths")..]),
    )
    .expect("written");

    let from_returns = scorecard(&["values"], &project);
    let from_snapshots = scorecard(&["values"], repo);
    let lines = |text: &str| text.lines().map(String::from).collect::<Vec<_>>();
    assert_eq!(lines(&from_returns).len(), 1 + 17 * 36, "a header and 17 indicators x 36 months");
    assert_eq!(lines(&from_returns), lines(&from_snapshots));
}
