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

/// Excel's limit for one cell: longer commentary would be cut in the
/// workbook, so it is refused here, at its line, by `check` and `build`.
const LONGEST_COMMENTARY: usize = 32_767;

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
            Some(text) if text.trim().chars().count() > LONGEST_COMMENTARY => {
                let message = format!(
                    "commentary for `{key}` is {} characters; at most {LONGEST_COMMENTARY} (what a workbook cell holds)",
                    text.trim().chars().count()
                );
                diagnostics.push(source.error(span, message, "too long"))
            }
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

    #[test]
    fn commentary_longer_than_a_workbook_cell_is_refused_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let month = Month::new(2025, 3).unwrap();
        let path = dir.path().join("2025-03.toml");
        // 32,767 characters (one of them two bytes) fit; 32,768 do not.
        let fits = format!("£{}", "x".repeat(32_766));
        std::fs::write(&path, format!("agency-rate = \"{fits}\"\n\ncaseloads = \"{fits}y\"\n")).unwrap();
        let errors = load(dir.path(), month, &["agency-rate", "caseloads"]).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].line, 3);
        assert!(errors.0[0].message.starts_with("commentary for `caseloads` is 32768 characters; at most 32767"));
    }
}
