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

pub mod cli;
pub mod diagnostics;
pub mod evaluate;
pub mod input;
pub mod judge;
pub mod language;
pub mod parallel;
pub mod project;
pub mod publish;
pub mod render;
pub mod sample;
