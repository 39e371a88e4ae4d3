//! Scorecard: children's services performance scorecards from monthly
//! statutory-return extracts.
//!
//! The crate is the pipeline, one module per stage; each may use the
//! stages above it and none below (a test in `tests/architecture.rs`
//! enforces it):
//!
//! - [`diagnostics`], [`parallel`]: what every stage shares.
//! - [`project`]: `scorecard.toml`, the member authorities, calendar, months;
//!   [`error`]: the error every later stage returns, with its exit code.
//! - [`language`]: indicator definitions, checked into a typed model.
//! - [`input`]: reading extracts, benchmark files and commentary (no polars).
//! - [`evaluate`]: definitions compiled to polars plans and run over every
//!   member's extracts; the only module that names polars.
//! - [`judge`]: RAG, direction of travel, SPC, significance, benchmarks,
//!   ranks and disclosure control.
//! - [`render`]: charts, the HTML page, tables, the workbook, comparisons.
//! - [`publish`]: a build under the output lock, atomic bundles, manifests.
//! - [`cli`]: the command line; `main.rs` is a thin wrapper over it.
//!
//! [`sample`] generates the deterministic sample authority; it is a tool
//! beside the engine, not part of it.

// Diagnostics carry the text they point into; they are built on error paths
// only, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod diagnostics;
pub mod parallel;

pub mod project;

pub mod error;

pub mod language;

pub mod input;

pub mod evaluate;

pub mod judge;

pub mod render;

pub mod publish;

pub mod cli;

#[doc(hidden)]
pub mod sample;
