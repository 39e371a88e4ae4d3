//! A throwaway project in a temp folder: a project file, definitions and
//! month folders of small hand-made extracts.

use scorecard::error::Error;
use scorecard::evaluate;
use scorecard::evaluate::IndicatorSeries;
use scorecard::evaluate::Observation;
use scorecard::project::Month;
use std::path::{Path, PathBuf};

pub(crate) const PROJECT: &str = r#"
[authority]
name = "Fixture Council"
code = "E06000001"

[population]
2024 = 20000

[paths]
data = "data"
indicators = ["indicators"]
output = "reports"

[datasets.workforce]
layout = "monthly"
file = "workforce.csv"
key = "SWENo"
columns = { SWENo = "text", Team = "text", AgencyWorker = "integer", FTE = "number", OrgRole = "integer", Cases30 = "integer", CFKSSstatus = "integer" }

[datasets.episodes]
layout = "monthly"
file = "episodes.csv"
key = "CHILD"
columns = { CHILD = "text", DECOM = "date", RNE = "text", DEC = "date" }

[datasets.assessments]
layout = "monthly"
file = "assessments.csv"
key = "LAchildID"
date_formats = ["%Y-%m-%d"]
columns = { LAchildID = "text", AssessmentActualStartDate = "date", AssessmentAuthorisationDate = "date" }

[datasets.referrals]
layout = "monthly"
file = "referrals.csv"
key = "LAchildID"
date_formats = ["%Y-%m-%d"]
columns = { LAchildID = "text", CINreferralDate = "date" }
"#;

pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
    /// The project's `[paths] data` folder.
    data: &'static str,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let fixture = Fixture { dir: tempfile::tempdir().expect("temp dir"), data: "data" };
        fixture.write("scorecard.toml", PROJECT);
        fixture
    }

    /// A fixture using the repository's own project file and the named
    /// shipped definitions (`theme/id`), so tests check what users run.
    pub(crate) fn shipped(definitions: &[&str]) -> Fixture {
        let fixture = Fixture { dir: tempfile::tempdir().expect("temp dir"), data: "sample-data" };
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = std::fs::read_to_string(repo.join("scorecard.toml")).expect("project file");
        // Its events name indicators a fixture may leave out (an error, as a typo would be).
        let without_events = project.split("\n[[events]]").next().expect("text");
        fixture.write("scorecard.toml", without_events);
        for definition in definitions {
            let text = std::fs::read_to_string(repo.join(format!("indicators/{definition}.toml")))
                .expect("shipped definition");
            fixture.write(&format!("indicators/{definition}.toml"), &text);
        }
        fixture
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    }

    pub(crate) fn indicator(&self, theme: &str, id: &str, text: &str) -> PathBuf {
        self.write(&format!("indicators/{theme}/{id}.toml"), text)
    }

    pub(crate) fn extract(&self, month: &str, file: &str, text: &str) {
        self.write(&format!("{}/{month}/{file}", self.data), text);
    }

    pub(crate) fn compute(&self) -> Result<Vec<(String, IndicatorSeries)>, Error> {
        let loaded = evaluate::load(self.root())?;
        let data = evaluate::read_data(&loaded)?;
        let mut computed = evaluate::compute(&loaded, &data)?;
        Ok(loaded.definitions.iter().map(|d| d.id().to_string()).zip(computed.swap_remove(0)).collect())
    }

    /// The observation of one indicator for one month.
    pub(crate) fn observe(&self, id: &str, month: &str) -> Observation {
        let month: Month = month.parse().expect("month");
        let computed = self.compute().unwrap_or_else(|error| panic!("{}", describe(&error)));
        let (_, series) = computed.into_iter().find(|(found, _)| found == id).expect("indicator computed");
        series.series.into_iter().find(|o| o.period == month).expect("month present")
    }

    /// `scorecard build` with `args`, the clock at `epoch` (SOURCE_DATE_EPOCH),
    /// which must succeed; then `month`'s scorecard.json.
    pub(crate) fn build_json(&self, args: &[&str], epoch: &str, month: &str) -> serde_json::Value {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .arg("build")
            .args(args)
            .current_dir(self.root())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let json = std::fs::read(self.root().join(format!("reports/{month}/scorecard.json"))).expect("built");
        serde_json::from_slice(&json).expect("JSON")
    }

    /// Diagnostics from loading the project, as (file name, line, message).
    pub(crate) fn load_errors(&self) -> Vec<(String, usize, String)> {
        match evaluate::load(self.root()) {
            Ok(_) => Vec::new(),
            Err(error) => error
                .diagnostics()
                .expect("diagnostics")
                .iter()
                .map(|d| {
                    (
                        d.path.file_name().unwrap().to_string_lossy().into_owned(),
                        d.line,
                        format!("{}{}", d.message, d.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()),
                    )
                })
                .collect(),
        }
    }
}

pub(crate) fn describe(error: &Error) -> String {
    match error.diagnostics() {
        Some(diagnostics) => diagnostics.render(),
        None => error.to_string(),
    }
}

/// DfE's published statistics, beside the repository when present.
pub(crate) fn dfe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dfe")
}

/// `../shared/data/<under>` (real DfE statistics and real-format samples),
/// if it is there. In CI (`CI` set, as `.ci/run` sets it) its absence fails
/// the test: a test that returned early would pass having checked nothing.
/// Elsewhere the test is skipped, loudly.
pub(crate) fn shared_data(under: &str) -> Option<PathBuf> {
    let in_ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false");
    shared_data_in(under, in_ci)
}

fn shared_data_in(under: &str, in_ci: bool) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(under);
    if path.exists() {
        return Some(path);
    }
    assert!(!in_ci, "{} is absent: CI needs it, for the tests that read real DfE files", path.display());
    eprintln!("SKIPPED (outside CI only): {} is absent", path.display());
    None
}

/// A missing folder fails a test in CI and skips it elsewhere.
#[test]
fn missing_shared_data_fails_only_in_ci() {
    assert_eq!(shared_data_in("no-such-folder", false), None);
    let in_ci = std::panic::catch_unwind(|| shared_data_in("no-such-folder", true));
    assert!(in_ci.is_err(), "CI must not pass a test that checked nothing");
}
