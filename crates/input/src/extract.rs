//! One extract read from its file: a CSV, a sheet of a workbook, or a
//! table of a statutory-return XML file.

use super::returns::{flatten_return, parse_return, table_of, FlatReturn};
use super::sha256::sha256;
use super::table::{parse_table, Table};
use super::workbook::{is_workbook, parse_workbook};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::DatasetConfig;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Read and type one extract; also its SHA-256 (for the bundle's manifest)
/// when `hash` is set, or an empty string.
pub fn read_table(path: &Path, config: &DatasetConfig, hash: bool) -> Result<(Table, String), Diagnostics> {
    let bytes = read_regular_file_within(path, config.largest_file_bytes())?;
    let sha256 = if hash { sha256(&bytes) } else { String::new() };
    let xml = is_xml(path);
    if !is_workbook(path) && is_utf16(&bytes) {
        return Err(utf16_refused(path, xml).into());
    }
    let table = if is_workbook(path) {
        parse_workbook(path, &bytes, config)?
    } else if xml {
        parse_return(path, &bytes, config)?
    } else {
        parse_table(path, &bytes, config)?
    };
    Ok((table, sha256))
}

fn utf16_refused(path: &Path, xml: bool) -> Diagnostic {
    let message = "is UTF-16 text; extracts are read as UTF-8 (or Windows-1252, as Excel saves CSV)";
    let help = match xml {
        true => {
            "open it in a text editor and save it with the encoding UTF-8 (and `encoding=\"UTF-8\"` in its first line)"
        }
        false => "save it from Excel as \"CSV UTF-8\" (not \"Unicode Text\")",
    };
    Diagnostic::file(path, message).with_help(help)
}

/// UTF-16, by its byte-order mark or, without one, by the zero byte beside
/// each of its first two ASCII characters (`<\0?\0`, `\0<\0?`). Read as
/// UTF-8 such a file is a column of NULs, or XML that says nothing useful.
fn is_utf16(bytes: &[u8]) -> bool {
    let ascii = |byte: u8| byte != 0 && byte.is_ascii();
    match bytes {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => true,
        [a, 0, b, 0, ..] | [0, a, 0, b, ..] => ascii(*a) && ascii(*b),
        _ => false,
    }
}

/// The largest extract read unless its dataset says less
/// (`largest_file_mb`): a CSV is held whole while it is typed.
pub(crate) const LARGEST_EXTRACT: u64 = crate::project::LARGEST_FILE_MB << 20;

/// A regular file's bytes. A symbolic link is refused (a link to
/// `/etc/passwd` would be quoted in errors; a link to `/dev/zero` never
/// ends), and so is anything else that is not a regular file: a named pipe
/// would block the build for ever holding the lock, a device never ends. The
/// file is opened without blocking and checked on the open handle, so it
/// cannot be swapped between the check and the read. (The data folder
/// itself, or a month folder, may be a link: only the file is checked.)
pub fn read_regular_file(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    read_regular_file_within(path, LARGEST_EXTRACT)
}

/// The same, refusing a file over `largest` bytes before reading it.
fn read_regular_file_within(path: &Path, largest: u64) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |message: String| Diagnostic::file(path, message);
    let cannot = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::NotFound => {
            let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            refuse(format!("no file `{name}` here: the project reads it (is it named differently?)"))
        }
        _ => refuse(format!("cannot read extract: {error}")),
    };
    if std::fs::symlink_metadata(path).map_err(cannot)?.file_type().is_symlink() {
        return Err(refuse(
            "cannot read extract: it is a symbolic link; extracts are read only from regular files \
             (copy the file into the folder, or link the whole data folder)"
                .to_string(),
        ));
    }
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        let what = kind_of(&metadata.file_type());
        return Err(refuse(format!("cannot read extract: it is {what}, not a regular file")));
    }
    let too_large = |size: u64| {
        refuse(format!(
            "cannot read extract: it is {} bytes, more than the {} MB its dataset's files may be (`largest_file_mb`)",
            size,
            largest >> 20
        ))
    };
    if metadata.len() > largest {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // A file growing while it is read is refused at the bound too, never cut.
    file.take(largest + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > largest {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a named pipe"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// Return files read once for every dataset drawn from them, while the
/// extracts of a member group are read: the first dataset to reach a file
/// flattens the tables all its datasets read; each types its own table from
/// that. A file is let go once the last dataset expected to read it has.
#[derive(Default)]
pub struct ReturnFiles {
    files: Mutex<HashMap<PathBuf, SharedReturn>>,
}

/// A return file's flattened tables (or why it could not be read), its
/// SHA-256, and how many datasets are still to read it.
struct SharedReturn {
    read: Arc<OnceLock<Result<(FlatReturn, String), Diagnostics>>>,
    readers: usize,
    /// The tables its datasets read.
    tables: Vec<String>,
}

impl ReturnFiles {
    /// Expecting each of `extracts` (a path and the table a dataset reads
    /// from it) to be read once per time it is listed; only XML files are
    /// shared, and only their tables listed are kept.
    pub fn expecting<'p>(extracts: impl IntoIterator<Item = (&'p Path, &'p DatasetConfig)>) -> ReturnFiles {
        let mut files: HashMap<PathBuf, SharedReturn> = HashMap::new();
        for (path, config) in extracts.into_iter().filter(|(path, _)| is_xml(path)) {
            let shared = files.entry(path.to_path_buf()).or_insert_with(|| SharedReturn {
                read: Arc::new(OnceLock::new()),
                readers: 0,
                tables: Vec::new(),
            });
            shared.readers += 1;
            shared.tables.extend(config.table_name().map(str::to_string));
        }
        ReturnFiles { files: Mutex::new(files) }
    }

    /// `read_table`, reading a return file listed here once for all its datasets.
    pub fn read_table(&self, path: &Path, config: &DatasetConfig, hash: bool) -> Result<(Table, String), Diagnostics> {
        let shared = {
            let files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            files.get(path).map(|shared| (shared.read.clone(), shared.tables.clone()))
        };
        let Some((shared, tables)) = shared else { return read_table(path, config, hash) };
        // Within one reading every dataset hashes, or none does.
        let read = shared.get_or_init(|| {
            let bytes = read_return_bytes(path, config)?;
            let sha256 = if hash { sha256(&bytes) } else { String::new() };
            let wanted: Vec<&str> = tables.iter().map(String::as_str).collect();
            Ok((flatten_return(path, &bytes, &wanted)?, sha256))
        });
        let typed = match read {
            Ok((flat, sha256)) => table_of(path, flat, config).map(|table| (table, sha256.clone())),
            Err(found) => Err(found.clone()),
        };
        self.done(path);
        typed
    }

    /// One dataset has read `path`: the last lets the file go.
    fn done(&self, path: &Path) {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(shared) = files.get_mut(path) {
            shared.readers = shared.readers.saturating_sub(1);
            if shared.readers == 0 {
                files.remove(path);
            }
        }
    }
}

/// The order to read `paths` in on `workers` threads taking the next path
/// as each finishes. Return files go largest first in blocks of `workers`:
/// a block's first readers side by side (its files flattened at once, one
/// per thread, files of a size together), then the next block's, then the
/// first block's other datasets, which find their file flattened; so at most
/// two blocks' files are held at once. Every other file goes first. Read in
/// plain path order, a file's second dataset came next and its thread waited
/// for the first to flatten it: the XML returns were read on one core.
pub fn reading_order(paths: &[&Path], workers: usize) -> Vec<usize> {
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |meta| meta.len());
    reading_order_by(paths, workers, size)
}

fn reading_order_by(paths: &[&Path], workers: usize, size: impl Fn(&Path) -> u64) -> Vec<usize> {
    let mut xml: Vec<(std::cmp::Reverse<u64>, &Path)> =
        paths.iter().filter(|path| is_xml(path)).map(|path| (std::cmp::Reverse(size(path)), *path)).collect();
    xml.sort();
    xml.dedup();
    let ranks: HashMap<&Path, usize> = xml.iter().enumerate().map(|(rank, (_, path))| (*path, rank)).collect();
    let mut seen: HashMap<&Path, usize> = HashMap::new();
    let mut keyed: Vec<((usize, usize, usize), &Path, usize)> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| {
            let occurrence = seen.entry(path).or_default();
            *occurrence += 1;
            let key = match ranks.get(path) {
                Some(rank) => {
                    let block = rank / workers.max(1);
                    // Block k's first readers at 2k + 1, its others at 2k + 4: after block k + 1's first.
                    let major = if *occurrence == 1 { 2 * block + 1 } else { 2 * block + 4 };
                    (major, *rank, *occurrence)
                }
                None => (0, 0, 0),
            };
            (key, *path, index)
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, _, index)| index).collect()
}

fn is_xml(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("xml"))
}

fn read_return_bytes(path: &Path, config: &DatasetConfig) -> Result<Vec<u8>, Diagnostics> {
    let bytes = read_regular_file_within(path, config.largest_file_bytes())?;
    if is_utf16(&bytes) {
        return Err(utf16_refused(path, true).into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::reading_order_by;
    use std::path::Path;

    #[test]
    fn return_files_are_read_a_block_of_first_readers_at_a_time() {
        // Three datasets from each of three returns (c the largest, then a, then b), and a CSV.
        let names = ["a.xml", "a.xml", "a.xml", "b.xml", "b.xml", "b.xml", "c.xml", "c.xml", "c.xml", "x.csv"];
        let paths: Vec<&Path> = names.iter().map(Path::new).collect();
        let size = |path: &Path| match path.to_str() {
            Some("c.xml") => 300,
            Some("a.xml") => 200,
            _ => 100,
        };
        // The CSV first; then the first block's first readers (c, a) side by
        // side; the second block's (b); the first block's others; b's others.
        assert_eq!(reading_order_by(&paths, 2, size), [9, 6, 0, 3, 7, 8, 1, 2, 4, 5]);
        // One worker: c, then a's first, c's others, b's first, a's others, b's others.
        assert_eq!(reading_order_by(&paths, 1, size), [9, 6, 0, 7, 8, 3, 1, 2, 4, 5]);
    }
}
