//! Reading what users hand us: extracts (CSV) typed column by column, where
//! they are, published benchmark files and commentary. No polars here:
//! `evaluate` turns a `Table` into a frame. Depends on `project` and `language`.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_language as language;
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::diagnostics;

pub mod benchmarks;
mod codes;
pub use codes::Unmapped;
pub mod commentary;
mod extract;
mod files;
mod returns;
mod sha256;
mod table;
mod workbook;
mod workbook_limits;
mod workbook_refs;
mod workbook_xls;

pub use extract::{read_regular_file, read_table, reading_order, ReturnFiles};
pub use files::{extract_months, locate, missing_months, DatasetFiles};
pub use sha256::sha256;
mod day;
pub use day::Day;
pub use returns::parse_return;
pub use table::{parse_table, row_periods, Table, Texts, Values};
pub use workbook::{is_workbook, parse_workbook};
