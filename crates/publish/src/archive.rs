//! The archive pages: each member's `index.html` listing its month
//! bundles, and a consortium's front page linking every member and every
//! comparison. Made from the manifests on disk, so they list every bundle
//! ever built, not only this build's.

use super::bundle::write_file_atomically;
use super::comparison::COMPARISON_FOLDER;
use super::manifest::Manifest;
use crate::error::Error;
use crate::evaluate::Loaded;
use crate::project::Month;
use crate::render::{archive_page, consortium_page, ArchiveEntry};
use std::fs;
use std::path::Path;

/// Every month bundle found under `output_dir`, oldest first.
pub(crate) fn archive_entries(output_dir: &Path) -> Vec<ArchiveEntry> {
    let mut entries: Vec<ArchiveEntry> = fs::read_dir(output_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_str().is_some_and(|name| name.parse::<Month>().is_ok()))
        .filter_map(|entry| Manifest::read(&entry.path()))
        .map(|manifest| manifest.counts)
        .collect();
    entries.sort_by_key(|entry| entry.month);
    entries
}

/// Each built member's archive page; in a consortium, also the front page.
pub(crate) fn write_archive_pages(loaded: &Loaded, built: &[usize]) -> Result<(), Error> {
    for member in built {
        let member = &loaded.members[*member];
        let archive = archive_page(&member.name, &archive_entries(&member.output_dir))?;
        write_file_atomically(&member.output_dir.join("index.html"), archive.as_bytes())?;
    }
    if loaded.members.len() < 2 {
        return Ok(());
    }
    let output = loaded.project.output_dir();
    let months = |folder: &Path| -> Vec<Month> { archive_entries(folder).iter().map(|entry| entry.month).collect() };
    let members: Vec<(String, String, Option<ArchiveEntry>)> = loaded
        .members
        .iter()
        .map(|member| (member.name.clone(), member.code.to_string(), archive_entries(&member.output_dir).pop()))
        .collect();
    let comparisons = months(&output.join(COMPARISON_FOLDER));
    let consortium = loaded.project.consortium_name(loaded.members.len());
    let page = consortium_page(&consortium, &comparisons, &members)?;
    Ok(write_file_atomically(&output.join("index.html"), page.as_bytes())?)
}
