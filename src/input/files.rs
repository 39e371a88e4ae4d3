//! Where a member's extracts are: month folders (`YYYY-MM/`) holding one
//! file per monthly dataset, and periodic files beside them.

use crate::diagnostics::Diagnostic;
use crate::project::{DatasetConfig, Layout, Month};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where one dataset's extracts are, month by month.
#[derive(Debug, Clone)]
pub struct DatasetFiles {
    pub name: String,
    /// Monthly layout: each month's file; missing months are absent.
    pub monthly: BTreeMap<Month, PathBuf>,
    /// Periodic layout: the one file.
    pub single: Option<PathBuf>,
}

/// Month folders (`YYYY-MM`) under the data folder, sorted.
pub fn month_folders(data_dir: &Path) -> Result<Vec<Month>, Diagnostic> {
    let entries = std::fs::read_dir(data_dir)
        .map_err(|error| Diagnostic::file(data_dir, format!("cannot read data folder: {error}")))?;
    let mut months: Vec<Month> = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let Some(month) = entry.file_name().to_str().and_then(|name| name.parse::<Month>().ok()) else { continue };
        if entry.path().is_dir() {
            months.push(month);
        } else {
            // Not a folder: that month has no extracts (and says so in each indicator).
            tracing::warn!(path = %entry.path().display(), "a month name that is not a folder is ignored");
        }
    }
    months.sort();
    Ok(months)
}

/// A dataset's files in one authority's data folder.
pub fn locate(data_dir: &Path, name: &str, config: &DatasetConfig, months: &[Month]) -> DatasetFiles {
    let mut files = DatasetFiles { name: name.to_string(), monthly: BTreeMap::new(), single: None };
    match config.layout {
        Layout::Monthly => {
            for month in months {
                let path = data_dir.join(month.to_string()).join(&config.file);
                if path.exists() {
                    files.monthly.insert(*month, path);
                }
            }
        }
        Layout::Periodic => files.single = Some(data_dir.join(&config.file)),
    }
    files
}
