//! Writing a month's bundle so that readers see the old bundle or the new
//! one, never a half-written one: everything is written and flushed into a
//! hidden folder beside the target, then renamed into place.

use super::manifest::Manifest;
use crate::error::OutputError;
use crate::project::Month;
use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Writes a month's `files` as its bundle folder and zip, replacing the last good ones only once both are complete.
pub(crate) fn write_bundle(
    output_dir: &Path,
    month: Month,
    files: &[(String, Vec<u8>)],
) -> Result<PathBuf, OutputError> {
    let context = OutputError::io;
    fs::create_dir_all(output_dir).map_err(context("cannot create", output_dir))?;
    let target = output_dir.join(month.to_string());
    let staging = output_dir.join(format!(".{month}.partial-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(context("cannot clear", &staging))?;
    }
    if let Err(error) = write_files(&staging, files) {
        // A full disk or a refused write: the half-written folder goes too.
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    if target.exists() {
        // One atomic swap: readers see the old bundle or the new one, and a
        // kill at any moment leaves one of them in place.
        exchange(&staging, &target).map_err(context("cannot publish", &target))?;
        fs::remove_dir_all(&staging).map_err(context("cannot remove the previous bundle from", &staging))?;
    } else {
        fs::rename(&staging, &target).map_err(context("cannot publish", &target))?;
    }
    sync_dir(output_dir);
    Ok(target)
}

fn write_files(staging: &Path, files: &[(String, Vec<u8>)]) -> Result<(), OutputError> {
    let context = OutputError::io;
    fs::create_dir_all(staging).map_err(context("cannot create", staging))?;
    for (name, bytes) in files {
        let path = staging.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(context("cannot create", parent))?;
        }
        let mut file = fs::File::create(&path).map_err(context("cannot create", &path))?;
        file.write_all(bytes).map_err(context("cannot write", &path))?;
        file.sync_all().map_err(context("cannot flush", &path))?;
    }
    Ok(())
}

/// The month's zip, beside its folder.
pub(crate) fn zip_path(output_dir: &Path, month: Month) -> PathBuf {
    output_dir.join(format!("{month}.zip"))
}

/// Whether the month's zip holds exactly its folder's bundle: the folder's
/// `manifest.json` byte for byte, and every file that manifest lists with
/// its hash. The zip is written after the folder is swapped in, so a build
/// killed between the two leaves them apart; this is how the next build
/// (which then rebuilds the month) and `publish` (which then refuses) know.
pub(crate) fn zip_matches_bundle(output_dir: &Path, month: Month) -> bool {
    let folder = output_dir.join(month.to_string());
    let Ok(manifest_bytes) = fs::read(folder.join("manifest.json")) else { return false };
    let Ok(manifest) = serde_json::from_slice::<Manifest>(&manifest_bytes) else { return false };
    let Ok(file) = fs::File::open(zip_path(output_dir, month)) else { return false };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else { return false };
    let mut expected: HashMap<&str, (u64, String)> =
        manifest.files.iter().map(|file| (file.path.as_str(), (file.bytes, file.sha256.clone()))).collect();
    expected.insert("manifest.json", (manifest_bytes.len() as u64, crate::input::sha256(&manifest_bytes)));
    if archive.len() != expected.len() {
        return false;
    }
    (0..archive.len()).all(|index| {
        let Ok(entry) = archive.by_index(index) else { return false };
        let Ok(name) = entry.name() else { return false };
        let Some((bytes, sha256)) = expected.get(name.as_ref()) else { return false };
        // Read no more than the manifest says, plus one byte to notice more.
        let mut content = Vec::new();
        entry.take(bytes + 1).read_to_end(&mut content).is_ok()
            && content.len() as u64 == *bytes
            && crate::input::sha256(&content) == *sha256
    })
}

/// Swap two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let text = |path: &Path| {
        CString::new(path.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (text(a)?, text(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let result =
        unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere: move the old bundle aside, then the new one in (a moment with
/// no bundle, never a half one).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("previous");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// Make the renames durable before reporting success.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Hidden staging folders left by a build that was killed; safe to remove
/// once the output lock is held.
pub(crate) fn remove_leftovers(output_dir: &Path) {
    for entry in fs::read_dir(output_dir).into_iter().flatten().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.contains(".partial-") {
            let _ =
                if entry.path().is_dir() { fs::remove_dir_all(entry.path()) } else { fs::remove_file(entry.path()) };
        }
    }
}

/// The bundle's files in a zip whose bytes depend only on its contents
/// (fixed 1980-01-01 timestamps, files in the given order). The files are
/// deflated in runs on every core, each run into a zip of its own, and the
/// runs' entries copied into one zip as they are: the same bytes as deflating
/// them one after another, in a third of the time on two cores.
pub fn zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, OutputError> {
    let runs = runs_of_similar_size(files, 4 * std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for run in crate::parallel::map(&runs, |run| zip_run(run)) {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(run?)).map_err(zip_failed)?;
        writer.merge_archive(archive).map_err(zip_failed)?;
    }
    Ok(writer.finish().map_err(zip_failed)?.into_inner())
}

fn zip_failed(error: zip::result::ZipError) -> OutputError {
    OutputError::Zip(error)
}

/// `files` cut, in order, into about `count` runs of about equal bytes.
fn runs_of_similar_size(files: &[(String, Vec<u8>)], count: usize) -> Vec<&[(String, Vec<u8>)]> {
    let total: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let share = total / count.max(1) + 1;
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, (_, file)) in files.iter().enumerate() {
        bytes += file.len();
        if bytes >= share {
            runs.push(&files[start..=index]);
            (start, bytes) = (index + 1, 0);
        }
    }
    if start < files.len() {
        runs.push(&files[start..]);
    }
    runs
}

fn zip_run(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, OutputError> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Level 1: the sample's 12.7 MB of charts, packs and text to 6.2 MB
        // in a third of level 6's time, which saved about 5% more.
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    // Workbooks are zips already: deflating them again saves 6%. PNGs and
    // PDFs are deflated again although their data is: the charts' fast PNG
    // deflate leaves 30% to gain and the packs 38% (the sample's zip is
    // 6.2 MB so, 8.6 MB with both stored), for about 20 ms on two cores.
    let stored = options.compression_method(zip::CompressionMethod::Stored).compression_level(None);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in files {
        let compressed = [".xlsx", ".zip"].iter().any(|extension| path.ends_with(extension));
        writer.start_file(path.as_str(), if compressed { stored } else { options }).map_err(zip_failed)?;
        writer.write_all(bytes).map_err(|error| zip_failed(error.into()))?;
    }
    Ok(writer.finish().map_err(zip_failed)?.into_inner())
}

/// Write a single file atomically: a temporary file beside it, flushed, renamed.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let staging = parent.join(format!(
        ".{}.partial-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let written = fs::File::create(&staging)
        .and_then(|mut file| file.write_all(bytes).and_then(|_| file.sync_all()))
        .map_err(OutputError::io("cannot write", &staging))
        .and_then(|_| fs::rename(&staging, path).map_err(OutputError::io("cannot publish", path)));
    if written.is_err() {
        let _ = fs::remove_file(&staging);
    }
    written
}

/// Copy a built bundle to a publication folder: copied beside the target
/// first, then renamed, so the folder never holds half a bundle.
///
/// The caller holds the output lock, so no build swaps the folder or
/// rewrites the zip while they are read; a zip that does not hold the
/// folder's bundle (left by a killed build) is refused, not copied.
pub fn publish(output_dir: &Path, month: Month, to: &Path) -> Result<PathBuf, OutputError> {
    let source = output_dir.join(month.to_string());
    if !source.join("manifest.json").exists() {
        return Err(OutputError::NotBuilt { month, folder: output_dir.to_path_buf() });
    }
    let zip_source = zip_path(output_dir, month);
    if !zip_matches_bundle(output_dir, month) {
        return Err(OutputError::ZipMismatch { month, zip: zip_source, folder: source });
    }
    let mut files = Vec::new();
    collect_files(&source, &source, &mut files)?;
    let zip = fs::read(&zip_source).map_err(OutputError::io("cannot read", &zip_source))?;
    let target = write_bundle(to, month, &files)?;
    write_file_atomically(&zip_path(to, month), &zip)?;
    Ok(target)
}

fn collect_files(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) -> Result<(), OutputError> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(OutputError::io("cannot read", dir))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(root, &path, files)?;
        } else {
            let bytes = fs::read(&path).map_err(OutputError::io("cannot read", &path))?;
            let relative = path.strip_prefix(root).unwrap_or(&path);
            files.push((relative.to_string_lossy().replace('\\', "/"), bytes));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of sizes 0 to about 90 KB, text and less compressible bytes.
    fn files() -> Vec<(String, Vec<u8>)> {
        (0..23u32)
            .map(|index| {
                let bytes = (0..index * index * 170)
                    .map(|byte| (u64::from(byte) * 2_654_435_761 % 251) as u8 ^ index as u8)
                    .collect();
                (format!("charts/{index}.{}", if index % 3 == 0 { "xlsx" } else { "svg" }), bytes)
            })
            .collect()
    }

    #[test]
    fn the_zip_drawn_in_runs_is_the_zip_drawn_in_one() {
        let files = files();
        let in_one = zip_run(&files).expect("zip in one run");
        assert_eq!(zip(&files).expect("zip in runs"), in_one);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(in_one)).expect("a zip");
        for (index, (path, bytes)) in files.iter().enumerate() {
            let mut entry = archive.by_index(index).expect("every file");
            assert_eq!(entry.name().expect("a name"), path.as_str());
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut read).expect("it inflates");
            assert_eq!(&read, bytes);
        }
    }

    #[test]
    fn runs_cover_every_file_once_in_order() {
        let files = files();
        for count in [1, 2, 7, 100] {
            let runs = runs_of_similar_size(&files, count);
            let joined: Vec<&String> = runs.iter().flat_map(|run| run.iter().map(|(path, _)| path)).collect();
            assert_eq!(joined, files.iter().map(|(path, _)| path).collect::<Vec<_>>(), "{count} runs");
            assert!(runs.len() <= count + 1 && runs.iter().all(|run| !run.is_empty()), "{count} runs");
        }
    }
}
