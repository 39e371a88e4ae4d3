//! Writing a month's bundle so that readers see the old bundle or the new
//! one, never a half-written one: everything is written and flushed into a
//! hidden folder beside the target, then renamed into place.

use crate::period::Month;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn write_bundle(output_dir: &Path, month: Month, files: &[(String, Vec<u8>)]) -> Result<PathBuf, String> {
    fn context<'a>(what: &'a str, path: &'a Path) -> impl FnOnce(std::io::Error) -> String + 'a {
        move |error| format!("{what} {}: {error}", path.display())
    }
    fs::create_dir_all(output_dir).map_err(context("cannot create", output_dir))?;
    let target = output_dir.join(month.to_string());
    let staging = output_dir.join(format!(".{month}.partial-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(context("cannot clear", &staging))?;
    }
    fs::create_dir_all(&staging).map_err(context("cannot create", &staging))?;
    for (name, bytes) in files {
        let path = staging.join(name);
        let mut file = fs::File::create(&path).map_err(context("cannot create", &path))?;
        file.write_all(bytes).map_err(context("cannot write", &path))?;
        file.sync_all().map_err(context("cannot flush", &path))?;
    }
    let previous = output_dir.join(format!(".{month}.previous-{}", std::process::id()));
    if target.exists() {
        fs::rename(&target, &previous).map_err(context("cannot move aside", &target))?;
    }
    fs::rename(&staging, &target).map_err(context("cannot publish", &target))?;
    if previous.exists() {
        fs::remove_dir_all(&previous).map_err(context("cannot remove", &previous))?;
    }
    Ok(target)
}
