//! Matching a file's header cells to the declared columns, ignoring case,
//! surrounding spaces and the other spellings `scorecard.toml` gives.

use super::place::cell_name;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::project::{ColumnType, DatasetConfig};
use std::path::Path;

/// Header problems are said at line 1 of a CSV, or at the header row of a sheet.
pub(crate) fn at_header(found: HeaderProblems, sheet: Option<(&str, u32)>) -> Diagnostics {
    let place = |(column, mut diagnostic): (usize, Diagnostic)| {
        match sheet {
            None => (diagnostic.line, diagnostic.column) = (1, column + 1),
            Some((sheet, row)) => {
                diagnostic.message = format!("{}: {}", cell_name(sheet, row, column), diagnostic.message)
            }
        }
        diagnostic
    };
    Diagnostics(found.into_iter().map(place).collect())
}

/// For each declared column: its name, its index in the file, its type.
/// Header names are matched ignoring case and surrounding spaces, because
/// case-management system upgrades change exactly those.
/// Each declared column's name, its index in the row, its type.
pub(super) type Positions = Vec<(String, usize, ColumnType)>;

/// Header problems, each with the index of the header cell it concerns.
pub(super) type HeaderProblems = Vec<(usize, Diagnostic)>;

/// A declared column's name and its other spellings, as headers are compared.
pub(super) fn spellings(name: &str, config: &DatasetConfig) -> Vec<String> {
    let others = config.header_spellings(name);
    std::iter::once(name)
        .chain(others.iter().map(String::as_str))
        .map(|spelling| spelling.trim().to_lowercase())
        .collect()
}

/// The declared columns no header cell spells.
pub(crate) fn missing_columns(headers: &[&str], config: &DatasetConfig) -> Vec<String> {
    let normalised: Vec<String> = headers.iter().map(|header| header.trim().to_lowercase()).collect();
    let spelt = |name: &str| spellings(name, config).iter().any(|spelling| normalised.contains(spelling));
    let optional = |name: &str| config.optional.iter().any(|column| column == name);
    config
        .column_types()
        .map(|(name, _)| name)
        .filter(|name| !spelt(name) && !optional(name))
        .map(str::to_string)
        .collect()
}

pub(crate) fn column_positions(
    path: &Path,
    headers: &[&str],
    config: &DatasetConfig,
) -> Result<Positions, HeaderProblems> {
    let normalised: Vec<String> = headers.iter().map(|header| header.trim().to_lowercase()).collect();
    let mut diagnostics = Vec::new();
    let mut positions = Vec::new();
    for (name, kind) in config.column_types() {
        let others = config.header_spellings(name);
        let spellings = spellings(name, config);
        let matches: Vec<usize> = normalised
            .iter()
            .enumerate()
            .filter(|(_, header)| spellings.contains(header))
            .map(|(index, _)| index)
            .collect();
        match matches.as_slice() {
            [index] => positions.push((name.to_string(), *index, kind)),
            [] if config.optional.iter().any(|column| column == name) => {}
            [] => diagnostics.push((
                0,
                Diagnostic::file(
                    path,
                    format!(
                        "missing column `{name}`{} (header has: {})",
                        if others.is_empty() { String::new() } else { format!(" or any of {}", others.join(", ")) },
                        headers.join(", ")
                    ),
                )
                .with_help_opt(did_you_mean(name, headers.iter().copied())),
            )),
            [first, second, ..] => diagnostics.push((
                *second,
                Diagnostic::file(
                    path,
                    format!("column `{name}` appears twice in the header (columns {} and {})", first + 1, second + 1),
                ),
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(positions)
    } else {
        Err(diagnostics)
    }
}
