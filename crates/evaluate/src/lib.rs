//! Evaluation: definitions compiled into polars plans (checked against the
//! datasets' schemas before any data is read) and run over every member's
//! stacked extracts, one query per indicator. The only crate that depends
//! on polars; its public types are polars-free. Depends on `project`,
//! `language` and `input`.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_input as input;
pub(crate) use scorecard_language as language;
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::{diagnostics, error, parallel};

mod calendar_sql;
mod columns;
mod compute;
mod explain;
mod extracts;
mod failure;
mod frames;
mod groups;
mod in_lists;
mod loaded;
mod month_offset;
mod observe;
mod plan;
mod quality;
mod row_sort;
mod run;
mod runs;
mod ties;
mod widen;

pub use compute::{compute, Computed, Wanted};
pub use explain::{explain, Explanation};
pub use extracts::{read_data, read_member, Data, ExtractDates, Reading};
pub use groups::{compute_in_groups, evaluate_in_groups, group_size, Evaluated, Grouping};
pub use loaded::{load, Loaded};
pub use observe::{Basis, IndicatorSeries, Missing, Observation};
pub use quality::{data_quality, DataQuality, Finding};
pub use run::{Shown, Snapshot};
