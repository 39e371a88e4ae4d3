//! Whether a bundle is up to date: its manifest records this engine
//! version, the same project and definitions hash, and exactly the same
//! input files with the same SHA-256; and a member's zip holds that bundle.

use super::bundle::zip_matches_bundle;
use super::comparison::COMPARISON_FOLDER;
use super::inputs::{comparison_inputs, input_files};
use super::manifest::{relative, Manifest};
use crate::evaluate::Loaded;
use crate::input::sha256;
use crate::project::Month;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Each input's SHA-256, remembered across months: with `--all`, month M's
/// inputs include every earlier month's extracts.
#[derive(Default)]
pub(crate) struct Hashes(RefCell<HashMap<PathBuf, Option<String>>>);

impl Hashes {
    fn of(&self, path: &Path) -> Option<String> {
        self.0
            .borrow_mut()
            .entry(path.to_path_buf())
            .or_insert_with(|| crate::input::read_regular_file(path).ok().map(|bytes| sha256(&bytes)))
            .clone()
    }
}

pub(crate) fn up_to_date(
    loaded: &Loaded,
    member: usize,
    month: Month,
    definitions_hash: &str,
    hashes: &Hashes,
) -> bool {
    let member = &loaded.members[member];
    let bundle = member.output_dir.join(month.to_string());
    let inputs = input_files(loaded, member, month);
    manifest_is_current(loaded, &bundle, &inputs, definitions_hash, hashes)
        && zip_matches_bundle(&member.output_dir, month)
}

pub(crate) fn comparison_up_to_date(loaded: &Loaded, month: Month, definitions_hash: &str, hashes: &Hashes) -> bool {
    let bundle = loaded.project.output_dir().join(COMPARISON_FOLDER).join(month.to_string());
    let inputs = comparison_inputs(loaded, month);
    manifest_is_current(loaded, &bundle, &inputs, definitions_hash, hashes)
}

/// The bundle's manifest was written by this engine from these
/// definitions, and records exactly `current` as inputs, with the same hashes.
fn manifest_is_current(
    loaded: &Loaded,
    bundle: &Path,
    current: &[PathBuf],
    definitions_hash: &str,
    hashes: &Hashes,
) -> bool {
    let Some(manifest) = Manifest::read(bundle) else { return false };
    if manifest.engine_version != env!("CARGO_PKG_VERSION") || manifest.definitions_sha256 != definitions_hash {
        return false;
    }
    let root = &loaded.project.root;
    current.len() == manifest.inputs.len()
        && current.iter().zip(&manifest.inputs).all(|(path, recorded)| {
            relative(root, path) == recorded.path && hashes.of(path).as_deref() == Some(recorded.sha256.as_str())
        })
}
