//! Monthly files named by their month instead of kept in month folders:
//! a dataset's `file` with placeholders, `annex-a-{YYYY}-{MM}.csv` or
//! `Annex_A_{YYYY}_{Mon}.csv`, matched against the data folder's files in
//! any case. `{YYYY}` is the year, `{MM}` the month as two digits, `{Mon}`
//! its short name (Jan) and `{Month}` its full name (January).

use super::period::Month;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether a dataset's `file` is a pattern rather than a name.
pub fn is_pattern(file: &str) -> bool {
    file.contains('{')
}

/// What a pattern lacks to name a month, if anything.
pub(crate) fn pattern_problem(file: &str) -> Option<String> {
    let has = |token: &str| file.contains(token);
    let month = has("{MM}") || has("{Mon}") || has("{Month}");
    let unknown = file
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}'))
        .find(|(token, _)| !["YYYY", "MM", "Mon", "Month"].contains(token));
    match (has("{YYYY}"), month, unknown) {
        (_, _, Some((token, _))) => {
            Some(format!("`{{{token}}}` is not a placeholder: use {{YYYY}}, {{MM}}, {{Mon}} or {{Month}}"))
        }
        (true, true, None) => None,
        _ => Some("a file pattern needs {YYYY} and one of {MM}, {Mon} or {Month}".to_string()),
    }
}

/// The month a file name stands for under `pattern`, if it matches.
pub(crate) fn month_of(pattern: &str, name: &str) -> Option<Month> {
    let (mut year, mut month) = (None, None);
    let mut rest = name.to_lowercase();
    let mut pattern = pattern;
    while !pattern.is_empty() {
        if let Some(after) = pattern.strip_prefix("{YYYY}") {
            let digits: String = rest.chars().take(4).collect();
            year = Some(
                digits
                    .parse::<i32>()
                    .ok()
                    .filter(|_| digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))?,
            );
            rest = rest[4..].to_string();
            pattern = after;
        } else if let Some(after) = pattern.strip_prefix("{MM}") {
            let digits = rest.get(..2)?;
            month = Some(digits.parse::<u32>().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))?);
            rest = rest[2..].to_string();
            pattern = after;
        } else if let Some(after) = pattern.strip_prefix("{Month}") {
            let index = NAMES.iter().position(|full| rest.starts_with(full))?;
            rest = rest[NAMES[index].len()..].to_string();
            month = Some(index as u32 + 1);
            pattern = after;
        } else if let Some(after) = pattern.strip_prefix("{Mon}") {
            let index = NAMES.iter().position(|full| rest.starts_with(&full[..3]))?;
            rest = rest[3..].to_string();
            month = Some(index as u32 + 1);
            pattern = after;
        } else {
            let c = pattern.chars().next()?;
            let lower: String = c.to_lowercase().collect();
            rest = rest.strip_prefix(lower.as_str())?.to_string();
            pattern = &pattern[c.len_utf8()..];
        }
    }
    if !rest.is_empty() {
        return None;
    }
    Month::new(year?, month?)
}

/// Every file in `dir` the pattern names, by month (the first by name when two name the same month).
pub fn files_by_month(dir: &Path, pattern: &str) -> BTreeMap<Month, PathBuf> {
    let mut found = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    let mut paths: Vec<PathBuf> = entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect();
    paths.sort();
    for path in paths.into_iter().filter(|path| path.is_file()) {
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(month) = month_of(pattern, &name) {
            found.entry(month).or_insert(path);
        }
    }
    found
}

/// Files in `dir` that look meant for the pattern but do not match it:
/// the same text before the first placeholder and the same extension (in
/// any case), yet no month read from the name (`Annex_A_January_2024.xlsx`
/// beside `Annex_A_{YYYY}_{Mon}.xlsx`). Sorted by name.
pub fn near_misses(dir: &Path, pattern: &str) -> Vec<String> {
    let prefix = pattern[..pattern.find('{').unwrap_or(pattern.len())].to_lowercase();
    let extension = Path::new(pattern).extension().map(|ext| ext.to_string_lossy().to_lowercase());
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            let lower = name.to_lowercase();
            let same_extension =
                Path::new(&lower).extension().map(|ext| ext.to_string_lossy().into_owned()) == extension;
            lower.starts_with(&prefix) && same_extension && month_of(pattern, name).is_none()
        })
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_near_the_pattern_is_a_near_miss() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "Annex_A_2024_Jan.xlsx",
            "Annex_A_January_2024.xlsx",
            "annex_a_2024-02.XLSX",
            "notes.xlsx",
            "Annex_A_2024_Feb.csv",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let misses = near_misses(dir.path(), "Annex_A_{YYYY}_{Mon}.xlsx");
        // The first matches; notes.xlsx and the CSV are not meant for it.
        assert_eq!(misses, ["Annex_A_January_2024.xlsx", "annex_a_2024-02.XLSX"]);
    }

    fn month(text: &str) -> Option<Month> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn names_give_their_month_in_any_case() {
        assert_eq!(month_of("annex-a-{YYYY}-{MM}.csv", "annex-a-2024-01.csv"), month("2024-01"));
        assert_eq!(month_of("Annex_A_{YYYY}_{Mon}.csv", "Annex_A_2024_Jan.csv"), month("2024-01"));
        assert_eq!(month_of("Annex_A_{YYYY}_{Mon}.csv", "annex_a_2024_SEP.CSV"), month("2024-09"));
        assert_eq!(month_of("{Month} {YYYY} workforce.csv", "September 2025 workforce.csv"), month("2025-09"));
        // Not this pattern's files, or not a month.
        assert_eq!(month_of("annex-a-{YYYY}-{MM}.csv", "annex-a-2024-01.csv.bak"), None);
        assert_eq!(month_of("annex-a-{YYYY}-{MM}.csv", "annex-a-2024-13.csv"), None);
        assert_eq!(month_of("annex-a-{YYYY}-{MM}.csv", "annex-b-2024-01.csv"), None);
        assert_eq!(month_of("annex-a-{YYYY}-{MM}.csv", "annex-a-24-01.csv"), None);
    }

    #[test]
    fn a_pattern_needs_a_year_and_a_month() {
        assert_eq!(pattern_problem("annex-a-{YYYY}-{MM}.csv"), None);
        assert!(pattern_problem("annex-a-{MM}.csv").unwrap().contains("needs {YYYY}"));
        assert!(pattern_problem("annex-a-{YYYY}-{DD}.csv").unwrap().contains("`{DD}` is not a placeholder"));
    }
}
