//! The authorities a project reports on. A single council's project has one
//! member, described by `[authority]` and `[population]` in scorecard.toml,
//! with month folders directly in the data folder. A consortium's data
//! folder holds `members.csv` (one row per authority) and a folder per
//! member code, each holding that member's month folders; each member's
//! bundles go to a folder of the same name under the output folder.

use super::file::Project;
use super::names::AuthorityCode;
use crate::diagnostics::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A consortium's list of members, in its data folder.
pub const MEMBERS_FILE: &str = "members.csv";

/// Where commentary lives in the project folder (a folder per member in a consortium).
pub(crate) const COMMENTARY_FOLDER: &str = "commentary";

/// An authority reported on: the project's own, or one of a consortium's members.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// ONS code (E + 8 digits); also the member's folder name.
    pub code: AuthorityCode,
    /// Its name as the pages print it.
    pub name: String,
    /// Its region, for the regional benchmark.
    pub region: Option<String>,
    /// Children aged 0-17, by year of the estimate.
    pub population: BTreeMap<i32, u64>,
    /// Where its extracts are.
    pub data_dir: PathBuf,
    /// Where its bundles go.
    pub output_dir: PathBuf,
    /// Where its commentary is.
    pub commentary_dir: PathBuf,
}

impl Member {
    /// Population for a year: that year's estimate, or the latest earlier one
    /// (estimates are published a year in arrears).
    pub fn population(&self, year: i32) -> Option<(i32, u64)> {
        self.population.range(..=year).next_back().map(|(year, count)| (*year, *count))
    }
}

/// True when the project's data folder is a consortium's.
pub(crate) fn is_consortium(project: &Project) -> bool {
    project.data_dir().join(MEMBERS_FILE).is_file()
}

/// The authorities the project reports on: the consortium's members (from members.csv), or the project's own.
pub fn load(project: &Project) -> Result<Vec<Member>, Diagnostics> {
    if is_consortium(project) {
        let commentary = project.root.join(COMMENTARY_FOLDER);
        return read_members_file(&project.data_dir(), &project.output_dir(), &commentary);
    }
    let authority = &project.file.authority;
    let code = authority.code.get_ref();
    // The project file's own check reports a bad code, pointing at it.
    let code = AuthorityCode::parse(code).ok_or_else(|| {
        Diagnostic::file(&project.source.path, format!("`{code}` is not an English local authority code"))
    })?;
    let population = project
        .file
        .population
        .iter()
        .filter_map(|(year, count)| Some((year.parse::<i32>().ok()?, *count.get_ref())))
        .collect();
    Ok(vec![Member {
        code,
        name: authority.name.clone(),
        region: authority.region.clone(),
        population,
        data_dir: project.data_dir(),
        output_dir: project.output_dir(),
        commentary_dir: project.root.join(COMMENTARY_FOLDER),
    }])
}

/// `code,name,region,population_2023,population_2024,...`: codes must be
/// English authority codes (they become folder names), unique, with a folder.
fn read_members_file(data_dir: &Path, output_dir: &Path, commentary: &Path) -> Result<Vec<Member>, Diagnostics> {
    let path = data_dir.join(MEMBERS_FILE);
    let mut reader = csv::Reader::from_path(&path).map_err(|error| Diagnostic::file(&path, error.to_string()))?;
    let headers = reader.headers().map_err(|error| Diagnostic::file(&path, error.to_string()))?.clone();
    let position = |name: &str| headers.iter().position(|header| header.trim().eq_ignore_ascii_case(name));
    let (Some(code_at), Some(name_at)) = (position("code"), position("name")) else {
        return Err(Diagnostic::at(&path, 1, 1, "members.csv needs `code` and `name` columns")
            .with_help("header: code,name,region,population_2024,...")
            .into());
    };
    let region_at = position("region");
    let mut diagnostics = Diagnostics::default();
    let population_columns = population_columns(&path, &headers, &mut diagnostics);
    let mut members: Vec<Member> = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                diagnostics.push(Diagnostic::at(&path, line, 1, error.to_string()));
                continue;
            }
        };
        let cell = |index: usize| record.get(index).unwrap_or("").trim().to_string();
        let text = cell(code_at);
        let Some(code) = AuthorityCode::parse(&text) else {
            diagnostics.push(
                Diagnostic::at(&path, line, code_at + 1, format!("`{text}` is not an English local authority code"))
                    .with_help("expected E followed by 8 digits, e.g. E06000008"),
            );
            continue;
        };
        if members.iter().any(|member| member.code == code) {
            diagnostics.push(Diagnostic::at(&path, line, code_at + 1, format!("`{code}` is listed twice")));
            continue;
        }
        let population = populations(&path, line, &population_columns, &cell, &mut diagnostics);
        let data = data_dir.join(&code);
        if !data.is_dir() {
            diagnostics.push(Diagnostic::at(
                &path,
                line,
                code_at + 1,
                format!("no folder {} for `{code}`", data.display()),
            ));
        }
        members.push(Member {
            name: cell(name_at),
            region: region_at.map(cell).filter(|region| !region.is_empty()),
            population,
            data_dir: data,
            output_dir: output_dir.join(&code),
            commentary_dir: commentary.join(&code),
            code,
        });
    }
    if members.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::file(&path, "members.csv lists no authorities"));
    }
    diagnostics.into_result(members)
}

/// The `population_<year>` columns: each one's index and year.
fn population_columns(path: &Path, headers: &csv::StringRecord, diagnostics: &mut Diagnostics) -> Vec<(usize, i32)> {
    let mut columns = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        if let Some(year) = header.trim().strip_prefix("population_") {
            match year.parse::<i32>() {
                Ok(year) => columns.push((index, year)),
                Err(_) => diagnostics.push(Diagnostic::at(
                    path,
                    1,
                    index + 1,
                    format!("column `{header}`: expected population_ followed by a year"),
                )),
            }
        }
    }
    columns
}

/// A row's population by year (a blank cell is no figure for that year).
fn populations(
    path: &Path,
    line: usize,
    columns: &[(usize, i32)],
    cell: &dyn Fn(usize) -> String,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<i32, u64> {
    let mut population = BTreeMap::new();
    for (index, year) in columns {
        let text = cell(*index);
        match text.parse::<u64>() {
            Ok(count) if count > 0 => {
                population.insert(*year, count);
            }
            _ if text.is_empty() => {}
            _ => diagnostics.push(Diagnostic::at(
                path,
                line,
                index + 1,
                format!("population `{text}` must be a positive whole number"),
            )),
        }
    }
    population
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(population: &[(i32, u64)]) -> Member {
        Member {
            code: AuthorityCode::parse("E06000001").unwrap(),
            name: "A".into(),
            region: None,
            population: population.iter().copied().collect(),
            data_dir: PathBuf::new(),
            output_dir: PathBuf::new(),
            commentary_dir: PathBuf::new(),
        }
    }

    #[test]
    fn population_falls_back_to_the_latest_earlier_estimate() {
        let member = member(&[(2022, 100), (2024, 300)]);
        assert_eq!(member.population(2021), None);
        assert_eq!(member.population(2023), Some((2022, 100)));
        assert_eq!(member.population(2026), Some((2024, 300)));
    }
}
