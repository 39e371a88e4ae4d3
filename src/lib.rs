//! Scorecard: children's services performance scorecards from monthly
//! statutory-return extracts.
//!
//! The pipeline, one module per stage: `project` (+ `members`) ->
//! `definitions` -> `datasets` (+ `extracts`) -> `evaluate_plan` / `evaluate` /
//! `evaluate_frames` (the only modules using polars) -> `results` ->
//! `judge_*` -> `report` -> `render_*` -> `bundle`. `pipeline` runs the
//! stages, `build_month` runs a build; `cli` is the command line.

// Diagnostics carry the text they point into; they are built on error paths
// only, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod benchmarks;
pub mod build_month;
pub mod bundle;
pub mod calendar;
pub mod cli;
pub mod commentary;
pub mod datasets;
pub mod definitions;
pub mod diagnostics;
pub mod disclosure;
pub mod evaluate;
pub mod evaluate_frames;
pub mod evaluate_plan;
pub mod extracts;
pub mod init;
pub mod judge_rag;
pub mod judge_rank;
pub mod judge_significance;
pub mod judge_spc;
pub mod judge_trend;
pub mod lock;
pub mod members;
pub mod parallel;
pub mod period;
pub mod pipeline;
pub mod project;
pub mod render_bundle;
pub mod render_charts;
pub mod render_comparison;
pub mod render_html;
pub mod render_tables;
pub mod render_xlsx;
pub mod report;
pub mod results;
pub mod sample;
pub mod sample_cin;
pub mod sample_cla;
pub mod sample_workforce;
pub mod toml_file;
pub mod windows;
