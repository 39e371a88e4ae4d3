//! `manifest.json`: what a bundle holds and what it was made from (engine
//! version, a hash of the project file and every definition, every input
//! with its SHA-256). It is how a build knows a bundle is up to date.

use crate::evaluate::{Data, Loaded};
use crate::input::sha256;
use crate::judge::{RagCounts, Scorecard};
use crate::project::Month;
use crate::render::{ArchiveEntry, BuildTime, Files};
use std::path::{Path, PathBuf};

/// One file: its path (relative, with `/`), size and SHA-256.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ManifestFile {
    /// The path, relative to the project or the bundle, with `/`.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, in hex.
    pub sha256: String,
}

/// What a bundle holds and what it was made from.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// The member's authority code.
    pub authority: String,
    /// The month of the bundle.
    pub month: Month,
    /// The engine's version that built it.
    pub engine_version: String,
    /// When it was built, as the bundle's pages say.
    pub built: String,
    /// SHA-256 over the project file and every definition, in path order.
    pub definitions_sha256: String,
    /// Every extract read, with its hash.
    pub inputs: Vec<ManifestFile>,
    /// Every other file of the bundle.
    pub files: Vec<ManifestFile>,
    /// The month's red, amber and green counts, for the archive page.
    pub counts: ArchiveEntry,
}

impl Manifest {
    /// Each of the bundle's files described, in the order given.
    pub fn describe(files: &[(String, Vec<u8>)]) -> Vec<ManifestFile> {
        crate::parallel::map(files, |(path, bytes)| ManifestFile {
            path: path.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256(bytes),
        })
    }

    /// The manifest of a member's month bundle holding `files`.
    pub fn for_month(
        loaded: &Loaded,
        data: &Data,
        inputs: &[PathBuf],
        scorecard: &Scorecard,
        files: &Files,
        built: &BuildTime,
    ) -> Manifest {
        Manifest {
            authority: scorecard.authority.clone(),
            month: scorecard.month,
            engine_version: scorecard.engine_version.to_string(),
            built: built.text.clone(),
            definitions_sha256: definitions_hash(loaded),
            inputs: describe_inputs(loaded, data, inputs),
            files: Manifest::describe(files),
            counts: ArchiveEntry { month: scorecard.month, counts: scorecard.counts() },
        }
    }

    /// The manifest of a consortium's comparison: every member's inputs.
    pub fn for_comparison(
        loaded: &Loaded,
        data: &Data,
        inputs: &[PathBuf],
        month: Month,
        files: &Files,
        built: &BuildTime,
    ) -> Manifest {
        Manifest {
            authority: loaded.project.authority_name().to_string(),
            month,
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            built: built.text.clone(),
            definitions_sha256: definitions_hash(loaded),
            inputs: describe_inputs(loaded, data, inputs),
            files: Manifest::describe(files),
            counts: ArchiveEntry { month, counts: RagCounts::default() },
        }
    }

    /// The manifest as the bundle's `manifest.json`.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut json = serde_json::to_vec_pretty(self)?;
        json.push(b'\n');
        Ok(json)
    }

    /// A bundle's manifest, if it has a readable one.
    pub fn read(bundle: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(bundle.join("manifest.json")).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// Hash of the project file, every definition (in path order), the events
/// and the improvement plan: a change to any rule, event or action changes it,
/// so the months it shows are rebuilt.
pub(crate) fn definitions_hash(loaded: &Loaded) -> String {
    let mut text = loaded.project.source.text.to_string();
    text.push_str(&format!("\0{:?}\0{:?}", loaded.events, loaded.plan));
    let mut sources: Vec<_> = loaded.definitions.iter().map(|d| (&d.source.path, &d.source.text)).collect();
    sources.sort();
    for (path, source) in sources {
        text.push_str(&format!("\0{}\0{source}", path.display()));
    }
    sha256(text.as_bytes())
}

/// A path as the manifest records it: relative to the project, with `/`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Each input's path (relative to the project), size and SHA-256; hashes
/// come from the read where the file was read.
fn describe_inputs(loaded: &Loaded, data: &Data, inputs: &[PathBuf]) -> Vec<ManifestFile> {
    let root = &loaded.project.root;
    inputs
        .iter()
        .map(|path| {
            let path_text = relative(root, path);
            match data.sha256(path) {
                Some(hash) => ManifestFile {
                    path: path_text,
                    bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
                    sha256: hash.to_string(),
                },
                None => {
                    let bytes = std::fs::read(path).unwrap_or_default();
                    ManifestFile { path: path_text, bytes: bytes.len() as u64, sha256: sha256(&bytes) }
                }
            }
        })
        .collect()
}
