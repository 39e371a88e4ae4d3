//! Where a member's extracts are: month folders (`YYYY-MM/`) holding one
//! file per monthly dataset, and periodic files beside them.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::{files_by_month, is_pattern, DatasetConfig, Layout, Month};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where one dataset's extracts are, month by month.
#[derive(Debug, Clone)]
pub struct DatasetFiles {
    /// The dataset's name in the project file.
    pub name: String,
    /// Monthly layout: each month's file; missing months are absent.
    pub monthly: BTreeMap<Month, PathBuf>,
    /// Periodic and history layouts: the one file.
    pub single: Option<PathBuf>,
    /// History layout with a pattern: the month the latest file's name gives.
    pub named_month: Option<Month>,
}

/// Month folders (`YYYY-MM`) under the data folder, sorted. A folder named
/// like a month that is not one (`2026-13`), or one after the current month
/// (`9999-01`), is an error naming it: it is never taken as a month.
pub(crate) fn month_folders(data_dir: &Path) -> Result<Vec<Month>, Diagnostics> {
    month_folders_until(data_dir, Month::current())
}

fn month_folders_until(data_dir: &Path, current: Month) -> Result<Vec<Month>, Diagnostics> {
    let entries = std::fs::read_dir(data_dir)
        .map_err(|error| Diagnostic::file(data_dir, format!("cannot read data folder: {error}")))?;
    let mut months: Vec<Month> = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let month = match name.parse::<Month>() {
            Ok(month) if month > current => {
                let message = format!("folder `{name}` is after the current month ({current}): not a month's extracts");
                diagnostics.push(Diagnostic::file(&entry.path(), message));
                continue;
            }
            Ok(month) => month,
            Err(error) if looks_like_a_month(&name) => {
                diagnostics.push(Diagnostic::file(&entry.path(), format!("folder {error}")));
                continue;
            }
            Err(_) => continue,
        };
        if entry.path().is_dir() {
            months.push(month);
        } else {
            // Not a folder: that month has no extracts (and says so in each indicator).
            tracing::warn!(path = %entry.path().display(), "a month name that is not a folder is ignored");
        }
    }
    months.sort();
    diagnostics.into_result(months)
}

/// The months with extracts: month folders, and months named by the files
/// of datasets whose `file` is a pattern (`annex-a-{YYYY}-{MM}.csv`).
pub fn extract_months<'a>(
    data_dir: &Path,
    datasets: impl IntoIterator<Item = &'a DatasetConfig>,
) -> Result<Vec<Month>, Diagnostics> {
    let mut months = month_folders(data_dir)?;
    let current = Month::current();
    for config in datasets.into_iter().filter(|config| config.layout == Layout::Monthly && is_pattern(&config.file)) {
        months.extend(files_by_month(data_dir, &config.file).into_keys().filter(|month| *month <= current));
    }
    months.sort();
    months.dedup();
    Ok(months)
}

/// Digits, a hyphen and digits (`2026-13`, `2026-4`): meant as a month.
fn looks_like_a_month(name: &str) -> bool {
    name.split_once('-').is_some_and(|(year, month)| {
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
        digits(year) && digits(month)
    })
}

/// Months after the first folder and before `until` that have no folder.
pub fn missing_months(folders: &[Month], until: Month) -> Vec<Month> {
    let Some(first) = folders.first() else { return Vec::new() };
    first.through(until).filter(|month| folders.binary_search(month).is_err()).collect()
}

/// A dataset's files in one authority's data folder.
pub fn locate(data_dir: &Path, name: &str, config: &DatasetConfig, months: &[Month]) -> DatasetFiles {
    let mut files = DatasetFiles { name: name.to_string(), monthly: BTreeMap::new(), single: None, named_month: None };
    match config.layout {
        Layout::Monthly if is_pattern(&config.file) => {
            let mut named = files_by_month(data_dir, &config.file);
            named.retain(|month, _| months.contains(month));
            files.monthly = named;
        }
        Layout::Monthly => {
            for month in months {
                let path = data_dir.join(month.to_string()).join(&config.file);
                if path.exists() {
                    files.monthly.insert(*month, path);
                }
            }
        }
        Layout::History if is_pattern(&config.file) => {
            let current = Month::current();
            let latest = files_by_month(data_dir, &config.file).into_iter().rfind(|(month, _)| *month <= current);
            // No file matching: reading the pattern itself says so, naming it.
            files.named_month = latest.as_ref().map(|(month, _)| *month);
            files.single = Some(latest.map_or_else(|| data_dir.join(&config.file), |(_, path)| path));
        }
        Layout::Periodic | Layout::History => files.single = Some(data_dir.join(&config.file)),
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        text.parse().unwrap()
    }

    #[test]
    fn stray_month_folders_are_errors_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["2025-01", "2025-03", "2026-13", "2025-4", "9999-01", "archive", "2025-02x"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let problems = month_folders_until(dir.path(), month("2025-11")).unwrap_err().to_string();
        assert!(problems.contains("`2026-13` is not a month"), "{problems}");
        assert!(problems.contains("`2025-4` is not a month"), "{problems}");
        assert!(problems.contains("folder `9999-01` is after the current month (2025-11)"), "{problems}");
        assert!(!problems.contains("archive") && !problems.contains("2025-02x"), "{problems}");
        std::fs::remove_dir(dir.path().join("2026-13")).unwrap();
        std::fs::remove_dir(dir.path().join("2025-4")).unwrap();
        std::fs::remove_dir(dir.path().join("9999-01")).unwrap();
        assert_eq!(month_folders_until(dir.path(), month("2025-11")).unwrap(), [month("2025-01"), month("2025-03")]);
    }

    #[test]
    fn gaps_are_the_months_without_a_folder() {
        let folders = [month("2025-01"), month("2025-03"), month("2025-06")];
        assert_eq!(missing_months(&folders, month("2025-06")), [month("2025-02"), month("2025-04"), month("2025-05")]);
        assert_eq!(missing_months(&folders, month("2025-03")), [month("2025-02")]);
        assert_eq!(missing_months(&[], month("2025-03")), []);
    }
}
