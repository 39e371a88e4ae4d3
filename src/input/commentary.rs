//! Progress commentary: `commentary/YYYY-MM.toml` in the project (in a
//! consortium, `commentary/<member code>/YYYY-MM.toml`), one string per
//! indicator id, shown beside that month's figures.
//!
//! ```toml
//! agency-rate = "Twelve agency workers converted to permanent contracts."
//! ```

use crate::diagnostics::{did_you_mean, Diagnostics, SourceFile};
use crate::project::Month;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The month's commentary file in an authority's commentary folder.
pub fn file(folder: &Path, month: Month) -> PathBuf {
    folder.join(format!("{month}.toml"))
}

/// The month's commentary by indicator id; no file means no commentary.
pub fn load(folder: &Path, month: Month, known_ids: &[&str]) -> Result<BTreeMap<String, String>, Diagnostics> {
    let path = file(folder, month);
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let source = SourceFile::read(&path)?;
    let document = toml_edit::ImDocument::parse(source.text.to_string()).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        source.error(span, error.message().trim().to_string(), "here")
    })?;
    let mut diagnostics = Diagnostics::default();
    let mut commentary = BTreeMap::new();
    for (key, item) in document.as_table().iter() {
        let span = document.as_table().key(key).and_then(|k| k.span()).unwrap_or(0..0);
        if !known_ids.contains(&key) {
            let message = format!("`{key}` is not an indicator id");
            diagnostics.push(
                source
                    .error(span, message, "unknown indicator")
                    .with_help_opt(did_you_mean(key, known_ids.iter().copied())),
            );
            continue;
        }
        match item.as_str() {
            Some(text) => {
                commentary.insert(key.to_string(), text.trim().to_string());
            }
            None => {
                diagnostics.push(source.error(span, format!("commentary for `{key}` must be a string"), "not text"))
            }
        }
    }
    diagnostics.into_result(commentary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_ids_are_errors_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("commentary")).unwrap();
        std::fs::write(dir.path().join("commentary/2025-03.toml"), "agency-rate = \"ok\"\n\nagncy-rate = \"typo\"\n")
            .unwrap();
        let month = Month::new(2025, 3).unwrap();
        let errors = load(&dir.path().join("commentary"), month, &["agency-rate"]).unwrap_err();
        let error = &errors.0[0];
        assert_eq!(error.line, 3);
        assert_eq!(error.help.as_deref(), Some("did you mean `agency-rate`?"));
        std::fs::write(dir.path().join("commentary/2025-03.toml"), "agency-rate = \"<b>ok</b>\"\n").unwrap();
        assert_eq!(load(&dir.path().join("commentary"), month, &["agency-rate"]).unwrap()["agency-rate"], "<b>ok</b>");
    }
}
