//! `scorecard init DIR`: a new project with a commented project file, one
//! example indicator, an empty month folder and a README with a cron line.

use crate::error::{Error, OutputError, UsageError};
use crate::project::Month;
use std::path::{Path, PathBuf};

const FILES: [(&str, &str); 2] = [
    ("scorecard.toml", include_str!("../../templates/init/scorecard.toml")),
    ("indicators/workforce/agency-rate.toml", include_str!("../../templates/init/agency-rate.toml")),
];

/// The shipped indicator pack, which the `returns` preset reads from the
/// returns' own columns (the CIN census and SSDA903 field names).
const INDICATORS: [(&str, &str); 21] = [
    (
        "indicators/care-leavers/care-leavers-eet-17-18.toml",
        include_str!("../../indicators/care-leavers/care-leavers-eet-17-18.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-eet-19-21.toml",
        include_str!("../../indicators/care-leavers/care-leavers-eet-19-21.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-suitable-accommodation.toml",
        include_str!("../../indicators/care-leavers/care-leavers-suitable-accommodation.toml"),
    ),
    (
        "indicators/child-protection/cp-plans-2-years.toml",
        include_str!("../../indicators/child-protection/cp-plans-2-years.toml"),
    ),
    (
        "indicators/child-protection/cp-plans-second-or-subsequent.toml",
        include_str!("../../indicators/child-protection/cp-plans-second-or-subsequent.toml"),
    ),
    (
        "indicators/child-protection/cp-rate-per-10000.toml",
        include_str!("../../indicators/child-protection/cp-rate-per-10000.toml"),
    ),
    (
        "indicators/children-in-need/assessment-median-days.toml",
        include_str!("../../indicators/children-in-need/assessment-median-days.toml"),
    ),
    (
        "indicators/children-in-need/assessments-in-45-days.toml",
        include_str!("../../indicators/children-in-need/assessments-in-45-days.toml"),
    ),
    (
        "indicators/children-in-need/re-referrals.toml",
        include_str!("../../indicators/children-in-need/re-referrals.toml"),
    ),
    ("indicators/looked-after/adopted.toml", include_str!("../../indicators/looked-after/adopted.toml")),
    (
        "indicators/looked-after/cla-starts-rate-per-10000.toml",
        include_str!("../../indicators/looked-after/cla-starts-rate-per-10000.toml"),
    ),
    (
        "indicators/looked-after/children-looked-after-rate.toml",
        include_str!("../../indicators/looked-after/children-looked-after-rate.toml"),
    ),
    (
        "indicators/looked-after/children-missing.toml",
        include_str!("../../indicators/looked-after/children-missing.toml"),
    ),
    ("indicators/looked-after/foster-care.toml", include_str!("../../indicators/looked-after/foster-care.toml")),
    (
        "indicators/looked-after/long-term-stability.toml",
        include_str!("../../indicators/looked-after/long-term-stability.toml"),
    ),
    (
        "indicators/looked-after/placements-3-plus.toml",
        include_str!("../../indicators/looked-after/placements-3-plus.toml"),
    ),
    (
        "indicators/looked-after/residential-care.toml",
        include_str!("../../indicators/looked-after/residential-care.toml"),
    ),
    ("indicators/workforce/agency-rate.toml", include_str!("../../indicators/workforce/agency-rate.toml")),
    ("indicators/workforce/average-caseload.toml", include_str!("../../indicators/workforce/average-caseload.toml")),
    (
        "indicators/workforce/caseloads-within-limit.toml",
        include_str!("../../indicators/workforce/caseloads-within-limit.toml"),
    ),
    ("indicators/workforce/turnover-rate.toml", include_str!("../../indicators/workforce/turnover-rate.toml")),
];

/// A project written for one source of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// The statutory returns: CIN census and workforce census XML, SSDA903 CSV.
    Returns,
    /// Ofsted's Annex A workbook, one per month named by its month.
    AnnexA,
    /// Data to Insight's Standard Safeguarding Dataset: one current extract
    /// per `ssd_*` table, evaluated as at every month end.
    Ssd,
}

/// The SSD pack: shipped definitions that already compare their dates with
/// the month end (so work on a history extract unchanged), and those
/// rewritten for SSD (caseloads from involvements, no count of previous
/// plans, care leavers' dates of birth from `ssd_person`, looked-after
/// figures without the legal status its episodes do not hold).
const SSD_SHIPPED: [&str; 6] = [
    "indicators/children-in-need/re-referrals.toml",
    "indicators/children-in-need/assessments-in-45-days.toml",
    "indicators/children-in-need/assessment-median-days.toml",
    "indicators/child-protection/cp-plans-2-years.toml",
    "indicators/child-protection/cp-rate-per-10000.toml",
    "indicators/looked-after/children-missing.toml",
];

const SSD_OWN: [(&str, &str); 10] = [
    ("scorecard.toml", include_str!("../../templates/presets/ssd/scorecard.toml")),
    (
        "indicators/workforce/average-caseload.toml",
        include_str!("../../templates/presets/ssd/indicators/workforce/average-caseload.toml"),
    ),
    (
        "indicators/workforce/caseloads-within-limit.toml",
        include_str!("../../templates/presets/ssd/indicators/workforce/caseloads-within-limit.toml"),
    ),
    (
        "indicators/child-protection/cp-plans-second-or-subsequent.toml",
        include_str!("../../templates/presets/ssd/indicators/child-protection/cp-plans-second-or-subsequent.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-eet-17-18.toml",
        include_str!("../../templates/presets/ssd/indicators/care-leavers/care-leavers-eet-17-18.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-eet-19-21.toml",
        include_str!("../../templates/presets/ssd/indicators/care-leavers/care-leavers-eet-19-21.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-suitable-accommodation.toml",
        include_str!("../../templates/presets/ssd/indicators/care-leavers/care-leavers-suitable-accommodation.toml"),
    ),
    (
        "indicators/looked-after/children-looked-after-rate.toml",
        include_str!("../../templates/presets/ssd/indicators/looked-after/children-looked-after-rate.toml"),
    ),
    (
        "indicators/looked-after/placements-3-plus.toml",
        include_str!("../../templates/presets/ssd/indicators/looked-after/placements-3-plus.toml"),
    ),
    (
        "indicators/looked-after/long-term-stability.toml",
        include_str!("../../templates/presets/ssd/indicators/looked-after/long-term-stability.toml"),
    ),
];

/// The Annex A pack: shipped definitions that read Annex A's lists as they
/// are, and those rewritten for what the lists hold instead (a count of
/// referrals or placements in 12 months, no plan id, activity words).
const ANNEX_A_SHIPPED: [&str; 6] = [
    "indicators/children-in-need/assessments-in-45-days.toml",
    "indicators/children-in-need/assessment-median-days.toml",
    "indicators/child-protection/cp-plans-2-years.toml",
    "indicators/child-protection/cp-plans-second-or-subsequent.toml",
    "indicators/looked-after/children-looked-after-rate.toml",
    "indicators/care-leavers/care-leavers-suitable-accommodation.toml",
];

const ANNEX_A_OWN: [(&str, &str); 7] = [
    ("scorecard.toml", include_str!("../../templates/presets/annex-a/scorecard.toml")),
    (
        "options/re-referrals-from-supplier-count.toml",
        include_str!("../../templates/presets/annex-a/options/re-referrals-from-supplier-count.toml"),
    ),
    (
        "indicators/children-in-need/re-referrals.toml",
        include_str!("../../templates/presets/annex-a/indicators/children-in-need/re-referrals.toml"),
    ),
    (
        "indicators/looked-after/placements-3-plus.toml",
        include_str!("../../templates/presets/annex-a/indicators/looked-after/placements-3-plus.toml"),
    ),
    (
        "indicators/child-protection/cp-rate-per-10000.toml",
        include_str!("../../templates/presets/annex-a/indicators/child-protection/cp-rate-per-10000.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-eet-17-18.toml",
        include_str!("../../templates/presets/annex-a/indicators/care-leavers/care-leavers-eet-17-18.toml"),
    ),
    (
        "indicators/care-leavers/care-leavers-eet-19-21.toml",
        include_str!("../../templates/presets/annex-a/indicators/care-leavers/care-leavers-eet-19-21.toml"),
    ),
];

/// Refuses to overwrite an existing project file (a usage error, exit 2);
/// a folder or file that cannot be made is an output error (exit 5).
/// Returns the files written.
pub(super) fn scaffold(dir: &Path, month: Month, preset: Option<Preset>) -> Result<Vec<PathBuf>, Error> {
    if dir.join("scorecard.toml").exists() {
        return Err(UsageError::AlreadyInitialised(dir.to_path_buf()).into());
    }
    let mut written = Vec::new();
    let mut files: Vec<(&str, String)> = match preset {
        None => FILES.iter().map(|(path, text)| (*path, text.to_string())).collect(),
        Some(Preset::Returns) => returns_preset(),
        Some(Preset::AnnexA) => pack(&ANNEX_A_OWN, &ANNEX_A_SHIPPED),
        Some(Preset::Ssd) => pack(&SSD_OWN, &SSD_SHIPPED),
    };
    let project = files.iter().find(|(path, _)| *path == "scorecard.toml").map(|(_, text)| text.as_str());
    let has_options = files.iter().any(|(path, _)| path.starts_with("options/"));
    let readme = readme(project.unwrap_or_default(), month, has_options);
    files.push(("README.md", readme));
    for (relative, text) in files {
        let path = dir.join(relative);
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(OutputError::io("cannot create", parent))?;
        std::fs::write(&path, text).map_err(OutputError::io("cannot write", &path))?;
        written.push(path);
    }
    // Annex A workbooks (named by their month) and SSD extracts sit in `data/` itself.
    let month_dir = match preset {
        Some(Preset::AnnexA | Preset::Ssd) => dir.join("data"),
        _ => dir.join("data").join(month.to_string()),
    };
    std::fs::create_dir_all(&month_dir).map_err(OutputError::io("cannot create", &month_dir))?;
    written.push(month_dir);
    Ok(written)
}

/// The returns preset: its project file and the indicator
/// pack (the workforce census has no team, so no team breakdowns).
fn returns_preset() -> Vec<(&'static str, String)> {
    let mut files =
        vec![("scorecard.toml", include_str!("../../templates/presets/returns/scorecard.toml").to_string())];
    for (path, text) in INDICATORS {
        let text: String =
            text.lines().filter(|line| line.trim() != "breakdown = \"Team\"").map(|line| format!("{line}\n")).collect();
        files.push((path, text));
    }
    files
}

/// A preset's own files and the shipped definitions it uses as they are.
fn pack(own: &[(&'static str, &'static str)], shipped: &[&str]) -> Vec<(&'static str, String)> {
    let mut files: Vec<(&str, String)> = own.iter().map(|(path, text)| (*path, text.to_string())).collect();
    let shipped = INDICATORS.iter().filter(|(path, _)| shipped.contains(path));
    files.extend(shipped.map(|(path, text)| (*path, text.to_string())));
    files
}

/// The project's README, listing where each extract goes as its own project
/// file declares it, so the two cannot disagree.
fn readme(project: &str, month: Month, has_options: bool) -> String {
    let options = if has_options {
        "- `options/`: other ways to count an indicator, not read until copied over its file in `indicators/` (each file says why you might).\n"
    } else {
        ""
    };
    include_str!("../../templates/init/README.md")
        .replace("{extracts}", &extract_list(project, month))
        .replace("{options}", options)
}

/// One line per file the project reads, with the datasets drawn from it.
fn extract_list(project: &str, month: Month) -> String {
    let table: toml::Table = project.parse().unwrap_or_default();
    let mut by_file: std::collections::BTreeMap<String, Vec<&str>> = std::collections::BTreeMap::new();
    for (name, config) in table.get("datasets").and_then(toml::Value::as_table).into_iter().flatten() {
        let file = config.get("file").and_then(toml::Value::as_str).unwrap_or_default();
        let place = match config.get("layout").and_then(toml::Value::as_str) {
            Some("history") => format!("`data/{file}`: one current extract, read as at every month end"),
            Some("periodic") => format!("`data/{file}`: one file, each row's period in a column"),
            _ if crate::project::is_pattern(file) => {
                format!("`data/{file}`: one a month in `data/` itself, the name giving its month")
            }
            _ => format!("`data/YYYY-MM/{file}`: in each month's folder"),
        };
        by_file.entry(place).or_default().push(name);
    }
    let mut lines: Vec<String> =
        by_file.into_iter().map(|(place, datasets)| format!("- {place} ({})", datasets.join(", "))).collect();
    if lines.iter().any(|line| line.contains("data/YYYY-MM/")) {
        lines.push(format!("\nThis month's folder, `data/{month}/`, is made for you to start with."));
    }
    lines.join("\n")
}
