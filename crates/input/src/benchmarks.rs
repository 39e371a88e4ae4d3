//! Benchmarks from DfE's published statistics (Explore Education Statistics
//! tidy CSVs): England, the authority's region, and the mean of its ten
//! statistical neighbours, for each year, with the file's vintage.
//!
//! Suppressed or missing values (`c`, `z`, `x`, `k`, `low`, `u`, blank) are
//! "not available", never 0.

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::language::{Average, Comparator, PublishedBenchmark};
use crate::project::Month;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The comparators for one year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Values {
    /// The year the figures are for (year ending 31 March, or DfE's year).
    pub year: i32,
    /// True when the report's own year is not published yet and the latest
    /// published year stands in for it.
    pub latest_available: bool,
    /// The file and the latest year it holds.
    pub vintage: String,
    /// England's figure.
    pub england: Option<f64>,
    /// The authority's region's figure.
    pub region: Option<f64>,
    /// The mean of the statistical neighbours' figures.
    pub neighbours: Option<f64>,
    /// How many of the ten neighbours had a value.
    pub neighbours_with_data: usize,
    /// How the neighbours' figures were averaged.
    pub neighbours_average: Average,
    /// The authority's own published figure.
    pub own: Option<f64>,
    /// Every authority's published figure that year (for its England rank).
    #[serde(skip)]
    pub authorities: Vec<f64>,
    /// Each neighbour's published figure that year (for the best of them).
    #[serde(skip)]
    pub neighbour_values: Vec<f64>,
}

const SUPPRESSED: [&str; 7] = ["", "c", "z", "x", "k", "low", "u"];

/// The authority's ten statistical neighbours, by old three-digit LA code,
/// from DfE's groupings: the 2021 file (`SN1`, `SNP`, `SN2`...) or the 2025
/// model (`SN_1`, `SN_1P`, ...), found by their headers.
pub fn neighbours(path: &Path, old_code: &str) -> Result<Vec<String>, Diagnostic> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|error| Diagnostic::file(path, format!("cannot read neighbour groupings: {error}")))?;
    let headers = reader.headers().map_err(|error| Diagnostic::file(path, error.to_string()))?.clone();
    let mut columns: Vec<(u32, usize)> = headers
        .iter()
        .enumerate()
        .filter_map(|(index, header)| {
            let number = header.trim().strip_prefix("SN")?;
            Some((number.strip_prefix('_').unwrap_or(number).parse::<u32>().ok()?, index))
        })
        .collect();
    columns.sort();
    if columns.is_empty() {
        return Err(Diagnostic::at(path, 1, 1, "no neighbour columns (SN1... or SN_1...) in the groupings file"));
    }
    for record in reader.records() {
        let record = record.map_err(|error| Diagnostic::file(path, error.to_string()))?;
        if record.get(0).map(str::trim) == Some(old_code) {
            return Ok(columns
                .iter()
                .filter_map(|(_, index)| record.get(*index))
                .map(|code| code.trim().to_string())
                .filter(|code| !code.is_empty())
                .collect());
        }
    }
    Err(Diagnostic::file(path, format!("LA {old_code} is not in the statistical neighbour groupings")))
}

struct Row {
    year: i32,
    level: String,
    region: String,
    old_code: String,
    new_code: String,
    value: Option<f64>,
}

fn read_rows(path: &Path, source: &PublishedBenchmark, scale: f64) -> Result<Vec<Row>, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|error| Diagnostic::file(path, format!("cannot read benchmark file: {error}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().map_err(|error| Diagnostic::file(path, error.to_string()))?.clone();
    let column = |name: &str| {
        headers.iter().position(|header| header == name).ok_or_else(|| {
            Diagnostic::at(path, 1, 1, format!("benchmark file has no column `{name}`"))
                .with_help_opt(did_you_mean(name, headers.iter()))
        })
    };
    let (year, level, region, old_code, new_code) = (
        column("time_period")?,
        column("geographic_level")?,
        column("region_code")?,
        column("old_la_code")?,
        column("new_la_code")?,
    );
    let value = source.value_column.as_deref().map(column).transpose()?;
    let numerator = source.numerator_column.as_deref().map(column).transpose()?;
    let denominator = source.denominator_column.as_deref().map(column).transpose()?;
    let filters = source
        .filters
        .iter()
        .map(|(name, wanted)| Ok((column(name)?, wanted.as_str())))
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    let number = |text: &str| if SUPPRESSED.contains(&text.trim()) { None } else { text.trim().parse::<f64>().ok() };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| Diagnostic::file(path, error.to_string()))?;
        let get = |index: usize| record.get(index).unwrap_or("");
        if !filters.iter().all(|(index, wanted)| get(*index) == *wanted) {
            continue;
        }
        let Some(row_year) = get(year).get(..4).and_then(|text| text.parse::<i32>().ok()) else { continue };
        let value = match (value, numerator, denominator) {
            (Some(index), _, _) => number(get(index)),
            (None, Some(n), Some(d)) => match (number(get(n)), number(get(d))) {
                (Some(n), Some(d)) if d != 0.0 => Some(scale * n / d),
                _ => None,
            },
            _ => None,
        };
        rows.push(Row {
            year: row_year,
            level: get(level).to_string(),
            region: get(region).to_string(),
            old_code: get(old_code).to_string(),
            new_code: get(new_code).to_string(),
            value,
        });
    }
    Ok(rows)
}

/// Comparators for every year in the file. `scale` multiplies
/// numerator/denominator (100 for percentages).
pub fn load(
    folder: &Path,
    source: &PublishedBenchmark,
    authority: &str,
    neighbours_file: Option<&Path>,
    scale: f64,
) -> Result<BTreeMap<i32, Values>, Diagnostic> {
    let path = folder.join(&source.file);
    let rows = read_rows(&path, source, scale)?;
    let own = rows.iter().find(|row| row.new_code == authority && row.level == "Local authority").ok_or_else(|| {
        Diagnostic::file(&path, format!("authority code `{authority}` does not appear in this file"))
            .with_help("check [authority] code in scorecard.toml (an ONS code such as E06000008)")
    })?;
    let (region, old_code) = (own.region.clone(), own.old_code.clone());
    let group = match neighbours_file {
        Some(file) => neighbours(file, &old_code)?,
        None => Vec::new(),
    };
    let latest = rows.iter().map(|row| row.year).max().unwrap_or(0);
    let vintage = format!("{} (latest year {latest})", source.file);
    let mut by_year: BTreeMap<i32, Values> = BTreeMap::new();
    let mut neighbour_values: HashMap<i32, Vec<f64>> = HashMap::new();
    for row in &rows {
        let values = by_year.entry(row.year).or_insert_with(|| Values {
            year: row.year,
            latest_available: false,
            vintage: vintage.clone(),
            england: None,
            region: None,
            neighbours: None,
            neighbours_with_data: 0,
            neighbours_average: source.neighbours_average,
            own: None,
            authorities: Vec::new(),
            neighbour_values: Vec::new(),
        });
        match row.level.as_str() {
            "National" => values.england = values.england.or(row.value),
            "Regional" if row.region == region => values.region = values.region.or(row.value),
            "Local authority" => {
                values.authorities.extend(row.value);
                if row.new_code == authority {
                    values.own = values.own.or(row.value);
                }
                if group.contains(&row.old_code) {
                    neighbour_values.entry(row.year).or_default().extend(row.value);
                }
            }
            _ => {}
        }
    }
    for (year, found) in neighbour_values {
        if let Some(values) = by_year.get_mut(&year).filter(|_| !found.is_empty()) {
            values.neighbours = source.neighbours_average.of(&found);
            values.neighbours_with_data = found.len();
            values.neighbour_values = found;
        }
    }
    Ok(by_year)
}

/// The year a month reports against: the year ending in March that holds it
/// (2025-10 -> 2026); if that is not published, the latest that is.
pub fn for_month(values: &BTreeMap<i32, Values>, month: Month) -> Option<Values> {
    let year = if month.month >= 4 { month.year + 1 } else { month.year };
    match values.get(&year) {
        Some(found) => Some(found.clone()),
        None => values.range(..year).next_back().map(|(_, found)| Values { latest_available: true, ..found.clone() }),
    }
}

impl Values {
    /// The comparator's value and its label, e.g. "England 2025".
    pub fn pick(&self, comparator: Comparator) -> Option<(f64, String)> {
        let suffix = if self.latest_available { " (latest published)" } else { "" };
        match comparator {
            Comparator::England => self.england.map(|value| (value, format!("England {}{suffix}", self.year))),
            Comparator::Region => self.region.map(|value| (value, format!("Region {}{suffix}", self.year))),
            Comparator::Neighbours => self.neighbours.map(|value| {
                let average = if self.neighbours_average == Average::Median { ", median" } else { "" };
                let label = format!(
                    "Statistical neighbours {} ({} of 10{average}){suffix}",
                    self.year, self.neighbours_with_data
                );
                (value, label)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressed_values_are_not_available_never_zero() {
        let dir = tempfile::tempdir().unwrap();
        let file = "\u{feff}time_period,geographic_level,region_code,old_la_code,new_la_code,rate\n\
                    2025,National,,,,c\n\
                    2025,Regional,E12000002,,,12.5\n\
                    2025,Local authority,E12000002,889,E06000008,low\n";
        std::fs::write(dir.path().join("f.csv"), file).unwrap();
        let source = PublishedBenchmark {
            file: "f.csv".into(),
            value_column: Some("rate".into()),
            numerator_column: None,
            denominator_column: None,
            filters: BTreeMap::new(),
            compare_with: Comparator::England,
            neighbours_average: Average::Mean,
        };
        let values = load(dir.path(), &source, "E06000008", None, 100.0).unwrap();
        let year = &values[&2025];
        assert_eq!((year.england, year.region), (None, Some(12.5)));
        assert_eq!(year.pick(Comparator::England), None);
        assert!(for_month(&values, Month::new(2025, 10).unwrap()).unwrap().latest_available);
    }

    #[test]
    fn counts_are_divided_and_scaled() {
        let dir = tempfile::tempdir().unwrap();
        let file = "time_period,geographic_level,region_code,old_la_code,new_la_code,n,d,kind\n\
                    2025,National,,,,1003,5378,a\n\
                    2025,National,,,,1,1,b\n\
                    2025,Local authority,E1,889,E06000008,0,0,a\n";
        std::fs::write(dir.path().join("f.csv"), file).unwrap();
        let filters = BTreeMap::from([("kind".to_string(), "a".to_string())]);
        let source = PublishedBenchmark {
            file: "f.csv".into(),
            value_column: None,
            numerator_column: Some("n".into()),
            denominator_column: Some("d".into()),
            filters,
            compare_with: Comparator::England,
            neighbours_average: Average::Mean,
        };
        let values = load(dir.path(), &source, "E06000008", None, 100.0).unwrap();
        // 1003 / 5378 x 100 = 18.650...; the "b" row is filtered out.
        approx::assert_relative_eq!(values[&2025].england.unwrap(), 100.0 * 1003.0 / 5378.0);
    }
}
