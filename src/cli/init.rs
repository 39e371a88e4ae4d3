//! `scorecard init DIR`: a new project with a commented project file, one
//! example indicator, an empty month folder and a README with a cron line.

use crate::project::Month;
use std::path::{Path, PathBuf};

const FILES: [(&str, &str); 3] = [
    ("scorecard.toml", include_str!("../../templates/init/scorecard.toml")),
    ("indicators/workforce/agency-rate.toml", include_str!("../../templates/init/agency-rate.toml")),
    ("README.md", include_str!("../../templates/init/README.md")),
];

/// Refuses to overwrite an existing project file. Returns the files written.
pub fn scaffold(dir: &Path, month: Month) -> Result<Vec<PathBuf>, String> {
    if dir.join("scorecard.toml").exists() {
        return Err(format!("{} already has a scorecard.toml; not overwriting it", dir.display()));
    }
    let mut written = Vec::new();
    for (relative, text) in FILES {
        let path = dir.join(relative);
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        std::fs::write(&path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        written.push(path);
    }
    let month_dir = dir.join("data").join(month.to_string());
    std::fs::create_dir_all(&month_dir).map_err(|error| format!("cannot create {}: {error}", month_dir.display()))?;
    written.push(month_dir);
    Ok(written)
}
