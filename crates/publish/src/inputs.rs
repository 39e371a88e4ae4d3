//! The files a bundle is made from, as its manifest records them.

use crate::evaluate::Loaded;
use crate::input::{self, commentary};
use crate::language::used_datasets;
use crate::project::{Member, Month};
use std::path::PathBuf;

/// The files a member's month bundle is made from: every extract of the
/// datasets in use for that month and the months before it, periodic files,
/// and the month's commentary. Sorted.
pub(crate) fn input_files(loaded: &Loaded, member: &Member, month: Month) -> Vec<PathBuf> {
    let project = &loaded.project;
    let datasets = project.datasets().map(|(_, config)| config);
    let folders: Vec<Month> = input::extract_months(&member.data_dir, datasets)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| *m <= month)
        .collect();
    let mut files: Vec<PathBuf> = Vec::new();
    for name in used_datasets(&loaded.definitions) {
        let Some(config) = project.dataset(name) else { continue };
        let located = input::locate(&member.data_dir, name, config, &folders);
        files.extend(located.monthly.into_values().chain(located.single));
    }
    let commentary = commentary::file(&member.commentary_dir, month);
    if commentary.exists() {
        files.push(commentary);
    }
    files.sort();
    files
}

/// The files a consortium's comparison for `month` is made from: every
/// member's. Sorted.
pub(crate) fn comparison_inputs(loaded: &Loaded, month: Month) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> =
        loaded.members.iter().flat_map(|member| input_files(loaded, member, month)).collect();
    inputs.sort();
    inputs
}
