//! Whether a member's month is fit to publish: complete (every monthly
//! extract an indicator uses is there) and plausible against the previous
//! month (row counts within the project's band, no extract a byte-for-byte
//! copy of last month's, no months missing before it).

use crate::evaluate::{Data, ExtractDates, Loaded};
use crate::input;
use crate::language::window::PeriodWindow;
use crate::language::{used_datasets, WindowKind};
use crate::project::{DatasetConfig, Layout, Month, WarningKind};
use serde::Serialize;
use std::path::PathBuf;

/// Something implausible about a member's month: reported, or fatal when the
/// project's `[checks] fail_on` names its kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// Which check found it.
    pub kind: WarningKind,
    /// The dataset it is about; none for a gap in the months.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// What was found, in words.
    pub message: String,
}

/// The monthly datasets the definitions use, with their settings.
fn monthly_datasets(loaded: &Loaded) -> impl Iterator<Item = (&str, &DatasetConfig)> {
    used_datasets(&loaded.definitions)
        .into_iter()
        .filter_map(|name| Some((name, loaded.project.dataset(name)?)))
        .filter(|(_, config)| config.layout == Layout::Monthly)
}

/// The name of the file a monthly dataset was read from for `month`: the
/// dataset's `file`, or the file its name pattern found.
fn file_name(loaded: &Loaded, member: usize, name: &str, config: &DatasetConfig, month: Month) -> String {
    let found = extract(loaded, member, name, config, month);
    found.and_then(|path| Some(path.file_name()?.to_string_lossy().into_owned())).unwrap_or_else(|| config.file.clone())
}

/// A member's extract of a monthly dataset for `month`, if it is there.
fn extract(loaded: &Loaded, member: usize, name: &str, config: &DatasetConfig, month: Month) -> Option<PathBuf> {
    let files = input::locate(&loaded.members[member].data_dir, name, config, &[month]);
    files.monthly.into_values().next()
}

/// The monthly extracts in use that `member` lacks for `month`, as file names.
pub fn missing_extracts(loaded: &Loaded, member: usize, month: Month) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    // Several datasets can be tables of one file (a census return): name it once.
    for (_, config) in
        monthly_datasets(loaded).filter(|(name, config)| extract(loaded, member, name, config, month).is_none())
    {
        if !files.contains(&config.file) {
            files.push(config.file.clone());
        }
    }
    files
}

/// Every plausibility warning for a member's month, against the month before.
pub fn warnings(loaded: &Loaded, data: &Data, member: usize, month: Month) -> Vec<Warning> {
    let band = loaded.project.row_change_percent();
    let previous = month.previous();
    let mut warnings = Vec::new();
    for (name, config) in monthly_datasets(loaded) {
        let warn = |kind, message| Warning { kind, dataset: Some(name.to_string()), message };
        let rows = (data.rows(name, member, month), data.rows(name, member, previous));
        if let (Some(now), Some(before)) = rows {
            if outside_band(now, before, band) {
                let change = if before == 0 { String::new() } else { format!(" ({})", percent_change(now, before)) };
                let message = format!("{}: {now} rows, {before} in {previous}{change}", config.file);
                warnings.push(warn(WarningKind::RowCount, message));
            }
        }
        let hash =
            |month| extract(loaded, member, name, config, month).and_then(|path| data.sha256(&path).map(String::from));
        if let (Some(now), Some(before)) = (hash(month), hash(previous)) {
            if now == before {
                let message = format!("{} is identical to {previous}'s: a stale copy?", config.file);
                warnings.push(warn(WarningKind::IdenticalExtract, message));
            }
        }
    }
    let within = loaded.project.latest_date_within_days();
    let mut dated_files: Vec<&str> = Vec::new();
    for (name, config) in monthly_datasets(loaded) {
        // Several datasets can be tables of one return: its date is told once.
        let Some(dates) = data.dates(name, member, month).filter(|_| !dated_files.contains(&config.file.as_str()))
        else {
            continue;
        };
        if let Some(message) = period_problem(&file_name(loaded, member, name, config, month), dates, month, within) {
            dated_files.push(&config.file);
            warnings.push(Warning { kind: WarningKind::Period, dataset: Some(name.to_string()), message });
        }
    }
    warnings.extend(coverage(loaded, data, member, month));
    let datasets = loaded.project.datasets().map(|(_, config)| config);
    let folders = input::extract_months(&loaded.members[member].data_dir, datasets).unwrap_or_default();
    let gaps = input::missing_months(&folders, month);
    if !gaps.is_empty() {
        let months: Vec<String> = gaps.iter().map(Month::to_string).collect();
        let message = format!("no extracts folder for {}", months.join(", "));
        warnings.push(Warning { kind: WarningKind::MonthGap, dataset: None, message });
    }
    warnings
}

/// How far one monthly extract in use reaches: its latest date, dates of
/// birth aside ("data to 28 February 2026").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataTo {
    /// The extract's file name.
    pub file: String,
    /// None when it holds no dates (beyond dates of birth).
    pub latest: Option<chrono::NaiveDate>,
}

/// Each monthly extract in use for a member's month, once per file, by name.
pub fn data_to(loaded: &Loaded, data: &Data, member: usize, month: Month) -> Vec<DataTo> {
    let mut reach: Vec<DataTo> = Vec::new();
    for (name, config) in monthly_datasets(loaded) {
        let Some(dates) = data.dates(name, member, month) else { continue };
        let file = file_name(loaded, member, name, config, month);
        match reach.iter_mut().find(|seen| seen.file == file) {
            Some(seen) => seen.latest = seen.latest.max(dates.latest),
            None => reach.push(DataTo { file, latest: dates.latest }),
        }
    }
    reach.sort_by(|a, b| a.file.cmp(&b.file));
    reach
}

/// Whether any of a month's warnings say its data may be another period's.
pub fn other_period(warnings: &[Warning]) -> Vec<&str> {
    warnings
        .iter()
        .filter(|warning| warning.kind == WarningKind::Period)
        .map(|warning| warning.message.as_str())
        .collect()
}

/// Files a member's data holds that no dataset reads although they look
/// meant to: a name near a dataset's month pattern that does not match it,
/// and, in `month`'s folder when it lacks an extract in use, each file no
/// dataset names with the extension of a missing one (`BAR_cin_2022.xml`
/// where `cin_census.xml` is expected). One sentence each.
pub fn unread_files(loaded: &Loaded, member: usize, month: Month) -> Vec<String> {
    let data_dir = &loaded.members[member].data_dir;
    let mut found = Vec::new();
    let mut patterns: Vec<&str> = monthly_datasets(loaded)
        .map(|(_, config)| config.file.as_str())
        .filter(|file| crate::project::is_pattern(file))
        .collect();
    patterns.dedup();
    for pattern in patterns {
        for name in crate::project::near_misses(data_dir, pattern) {
            found.push(format!("data/{name} is not read: its name does not match `{pattern}`"));
        }
    }
    let missing = missing_extracts(loaded, member, month);
    let named: Vec<String> = loaded.project.datasets().map(|(_, config)| config.file.to_lowercase()).collect();
    let extension = |name: &str| std::path::Path::new(name).extension().map(|ext| ext.to_string_lossy().to_lowercase());
    let folder = data_dir.join(month.to_string());
    let mut strays: Vec<String> = std::fs::read_dir(&folder)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !named.contains(&name.to_lowercase()))
        .collect();
    strays.sort();
    for stray in strays {
        let meant: Vec<&str> =
            missing.iter().filter(|file| extension(file) == extension(&stray)).map(String::as_str).collect();
        // `episodes.csv` is likelier `ssda903_episodes.csv` than the others,
        // and `Episodes March.csv` likelier `episodes.csv`.
        let stem = |name: &str| {
            std::path::Path::new(name).file_stem().map(|stem| stem.to_string_lossy().to_lowercase()).unwrap_or_default()
        };
        let alike = |file: &&str| {
            let (stray, file) = (stem(&stray), stem(file));
            file.contains(&stray) || stray.contains(&file)
        };
        let named: Vec<&str> = meant.iter().copied().filter(alike).collect();
        let meant = if named.is_empty() { meant } else { named };
        if !meant.is_empty() {
            found.push(format!(
                "data/{month}/{stray} is not read: no dataset names it, and the month lacks {} (rename it to the one it is)",
                meant.join(", ")
            ));
        }
    }
    found
}

/// Each monthly extract that reaches back less far than the longest window
/// of the indicators reading it: its earliest date (births aside) more than
/// `latest_date_within_days` after the window's first day (a quiet first
/// few days is no gap). An extract of the month's state (no window) never is.
fn coverage(loaded: &Loaded, data: &Data, member: usize, month: Month) -> Vec<Warning> {
    let fy_start = loaded.project.financial_year_start_month();
    let slack = chrono::Days::new(u64::from(loaded.project.latest_date_within_days()));
    let mut found = Vec::new();
    for (name, config) in monthly_datasets(loaded) {
        let Some(earliest) = data.dates(name, member, month).and_then(|dates| dates.earliest) else { continue };
        let widest = loaded
            .definitions
            .iter()
            .filter(|definition| definition.dataset() == name)
            .filter(|definition| definition.window().kind != WindowKind::AsAt)
            .map(|definition| {
                let window = PeriodWindow::new(month, definition.window(), fy_start);
                (window.window_start, definition.id())
            })
            .min();
        if let Some((start, id)) = widest.filter(|(start, _)| earliest > *start + slack) {
            let message = format!(
                "{} reaches back only to {}, but {id}'s window starts {}: its figure covers less time than its window",
                file_name(loaded, member, name, config, month),
                earliest.format("%-d %B %Y"),
                start.format("%-d %B %Y")
            );
            found.push(Warning { kind: WarningKind::Coverage, dataset: Some(name.to_string()), message });
        }
    }
    found
}

/// Whether an extract's own dates put it in another period than `month`: a
/// return describing a day before the month (an in-year extract may name
/// the census day ahead), or a latest date more than `within` days before
/// the month's end.
fn period_problem(file: &str, dates: ExtractDates, month: Month, within: u32) -> Option<String> {
    let end = month.last_day();
    if let Some(reference) = dates.reference.filter(|day| *day < month.first_day()) {
        return Some(format!(
            "{file} describes {} (its reference date), not {}: another period's return?",
            reference.format("%-d %B %Y"),
            end.format("%B %Y")
        ));
    }
    let latest = dates.latest?;
    let days = (end - latest).num_days();
    (days > i64::from(within)).then(|| {
        format!(
            "{file}'s latest date is {}, {days} days before the end of {}: an old extract?",
            latest.format("%-d %B %Y"),
            end.format("%B %Y")
        )
    })
}

/// More than `band` percent from `before`, either way. In whole numbers:
/// 130 rows after 100 is exactly 30% and inside a 30% band.
fn outside_band(now: usize, before: usize, band: f64) -> bool {
    (now.abs_diff(before) * 100) as f64 > band * before as f64
}

fn percent_change(now: usize, before: usize) -> String {
    format!("{:+.0}%", (now as f64 - before as f64) * 100.0 / before as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_is_inclusive_at_its_edges() {
        // 30% of 100 is 30: 70 and 130 are inside, 69 and 131 outside.
        assert!(!outside_band(130, 100, 30.0) && !outside_band(70, 100, 30.0));
        assert!(outside_band(131, 100, 30.0) && outside_band(69, 100, 30.0));
        // From nothing to something is outside any band; nothing to nothing is not.
        assert!(outside_band(5, 0, 30.0) && !outside_band(0, 0, 30.0));
        assert_eq!(percent_change(69, 100), "-31%");
        assert_eq!(percent_change(131, 100), "+31%");
    }
}
