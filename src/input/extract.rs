//! One extract read from its file: a CSV, a sheet of a workbook, or a
//! table of a statutory-return XML file.

use super::returns::parse_return;
use super::sha256::sha256;
use super::table::{parse_table, Table};
use super::workbook::{is_workbook, parse_workbook};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::DatasetConfig;
use std::path::Path;

/// Read and type one extract; also its SHA-256 (for the bundle's manifest)
/// when `hash` is set, or an empty string.
pub fn read_table(path: &Path, config: &DatasetConfig, hash: bool) -> Result<(Table, String), Diagnostics> {
    let bytes = std::fs::read(path).map_err(|error| Diagnostic::file(path, format!("cannot read extract: {error}")))?;
    let sha256 = if hash { sha256(&bytes) } else { String::new() };
    let xml = path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("xml"));
    let table = if is_workbook(path) {
        parse_workbook(path, &bytes, config)?
    } else if xml {
        parse_return(path, &bytes, config)?
    } else {
        parse_table(path, &bytes, config)?
    };
    Ok((table, sha256))
}
