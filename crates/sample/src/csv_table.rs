//! A snapshot's CSV read whole, its columns by name: what the shape
//! writers (`returns`, `annex_a`) rewrite.

use super::failure::SampleError;
use chrono::NaiveDate;
use std::path::Path;

pub(crate) struct CsvTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    pub(crate) fn read(path: &Path) -> Result<CsvTable, SampleError> {
        let mut reader = csv::Reader::from_path(path).map_err(SampleError::csv(path))?;
        let header = reader.headers().map_err(SampleError::csv(path))?.iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|record| record.map(|record| record.iter().map(String::from).collect()))
            .collect::<Result<Vec<Vec<String>>, _>>()
            .map_err(SampleError::csv(path))?;
        Ok(CsvTable { header, rows })
    }

    pub(crate) fn text(&self, row: &[String], column: &str) -> String {
        self.header.iter().position(|name| name == column).and_then(|at| row.get(at)).cloned().unwrap_or_default()
    }

    /// The sample writes CIN dates `YYYY-MM-DD` and SSDA903 and workforce dates `dd/mm/yyyy`.
    pub(crate) fn date(&self, row: &[String], column: &str) -> Option<NaiveDate> {
        let text = self.text(row, column);
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y")).ok()
    }
}
