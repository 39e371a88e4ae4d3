//! The columns the engine adds to every frame (authority, period, window
//! bounds, aggregates), and how extract values and errors cross into polars.

use crate::project::{ColumnType, Month};
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns every expression can use: the bounds of the period and window.
pub(super) const WINDOW_COLUMNS: [&str; 4] = ["period_start", "period_end", "window_start", "window_end"];
pub(super) const PERIOD: &str = "__period";
/// Index of the authority (consortium member) a row belongs to.
pub(super) const AUTHORITY: &str = "__authority";

/// One authority's extract of one period: the unit every window function,
/// per-entity group and measure is computed within. (Grouping uses one key,
/// `SNAPSHOT`, instead.)
pub(super) fn snapshot_keys() -> Vec<Expr> {
    vec![col(AUTHORITY), col(PERIOD)]
}

/// Authority and period as one number, added to the rows an indicator
/// measures: polars groups by one integer far quicker than by two columns,
/// which it encodes row by row first (a third of a consortium's evaluation
/// time went on that). Measures and per-entity groups are grouped by it.
pub(super) const SNAPSHOT: &str = "__snapshot";

pub(super) fn snapshot_code() -> Expr {
    (col(AUTHORITY).cast(DataType::Int64) * lit(1i64 << 32) + col(PERIOD).cast(DataType::Int64)).alias(SNAPSHOT)
}

/// The snapshot code and one more column: what per-entity aggregates and
/// breakdowns are grouped by.
pub(super) fn snapshot_and(column: Expr) -> Vec<Expr> {
    vec![col(SNAPSHOT), column]
}

/// The authority (by its index) and period index a snapshot code stands for.
pub(super) fn decode_snapshot(code: i64) -> (i64, i32) {
    (code >> 32, (code & 0xFFFF_FFFF) as i32)
}

/// `snapshot_keys` and one more column.
pub(super) fn snapshot_keys_and(column: Expr) -> Vec<Expr> {
    let mut keys = snapshot_keys();
    keys.push(column);
    keys
}

/// The aggregates every measure gives, and the breakdown group.
pub(super) const GROUP: &str = "__group";
pub(super) const ROWS: &str = "__rows";
pub(super) const NUMERATOR: &str = "__numerator";
pub(super) const DENOMINATOR: &str = "__denominator";
pub(super) const VALUE: &str = "__value";
pub(super) const NON_NULL: &str = "__non_null";

/// Days from 1970-01-01 (polars' Date); 1970-01-01 is day 719,163 of the common era.
pub(super) fn days_since_epoch(date: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&date) - 719_163
}

pub(super) fn period_index(month: Month) -> i32 {
    month.year * 12 + month.month as i32 - 1
}

pub(super) fn month_of_index(index: i32) -> Month {
    Month::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1).expect("index maps to a month")
}

pub(super) fn polars_type(kind: ColumnType) -> DataType {
    match kind {
        ColumnType::Text => DataType::String,
        ColumnType::Integer => DataType::Int64,
        ColumnType::Number => DataType::Float64,
        ColumnType::Date => DataType::Date,
        ColumnType::Boolean => DataType::Boolean,
    }
}

/// Polars errors carry a backtrace hint and internal context; keep the
/// message, without the list of columns (it names the engine's own).
pub(super) fn clean_polars_error(error: &PolarsError) -> String {
    let text = error.to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = first.split("; valid columns:").next().unwrap_or(first);
    first.trim_start_matches("SQL interface error: ").trim_start_matches("sql parser error: ").to_string()
}
