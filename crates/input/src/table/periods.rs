//! The period of each row of a periodic file, from its period column.

use super::{Table, Values};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::Month;
use std::path::Path;

/// The period of each row of a periodic table, from its period column:
/// `YYYY-MM` as written; `YYYYYY` (DfE's financial year, e.g. 202425) as the
/// last month of that financial year; `YYYY` as the year ending 31 March
/// (DfE's convention for children looked after and in need).
pub fn row_periods(
    path: &Path,
    table: &Table,
    column: &str,
    financial_year_start_month: u32,
) -> Result<Vec<Month>, Diagnostics> {
    let Some((_, values)) = table.columns.iter().find(|(name, _)| name == column) else {
        return Err(Diagnostic::file(path, format!("period column `{column}` was not read")).into());
    };
    let texts: Vec<Option<String>> = match values {
        Values::Text(v) => v.iter().map(|text| text.map(str::to_string)).collect(),
        Values::Integer(v) => v.iter().map(|value| value.map(|n| n.to_string())).collect(),
        _ => return Err(Diagnostic::file(path, format!("period column `{column}` must be text or integer")).into()),
    };
    let mut diagnostics = Diagnostics::default();
    let periods = texts
        .iter()
        .enumerate()
        .map(|(row, text)| {
            let text = text.as_deref().unwrap_or("");
            // The Typer refuses a bad period at its own line; what reaches
            // here is named by its row (a row's line is not known here).
            parse_period(text, financial_year_start_month).unwrap_or_else(|| {
                diagnostics.push(Diagnostic::file(
                    path,
                    format!("row {}: `{text}` in `{column}` is not a period (YYYY-MM, YYYYYY or YYYY)", row + 1),
                ));
                Month { year: 0, month: 1 }
            })
        })
        .collect();
    diagnostics.into_result(periods)
}

/// Whether `text` is a period in one of `row_periods`' forms (which ones
/// do not depend on the financial year's first month).
pub(super) fn is_period(text: &str) -> bool {
    parse_period(text, 4).is_some()
}

pub(super) fn parse_period(text: &str, financial_year_start_month: u32) -> Option<Month> {
    if let Ok(month) = text.parse::<Month>() {
        return Some(month);
    }
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    let fy_end = |year: i32| Month::new(year, financial_year_start_month).map(Month::previous);
    match text.len() {
        6 if digits => {
            let start: i32 = text[..4].parse().ok()?;
            let end: i32 = text[4..].parse().ok()?;
            (end == (start + 1) % 100).then(|| fy_end(start + 1)).flatten()
        }
        4 if digits => fy_end(text.parse().ok()?),
        _ => None,
    }
}
