//! Scorecard: children's services performance scorecards from monthly
//! statutory-return extracts.
//!
//! The pipeline is a Cargo workspace, one crate per stage under `crates/`;
//! each depends only on the stages before it, so Cargo enforces the order.
//! This crate is the command line over them, and re-exports each stage
//! under its pipeline name:
//!
//! - [`project`] (`crates/project`): `scorecard.toml`, the member
//!   authorities, calendar and months, with what every stage shares:
//!   [`diagnostics`], [`parallel`] and [`error`] (the error every later stage
//!   returns, with its exit code).
//! - [`language`] (`crates/language`): indicator definitions, checked into a
//!   typed model.
//! - [`input`] (`crates/input`): reading extracts, benchmark files and
//!   commentary (no polars).
//! - [`evaluate`] (`crates/evaluate`): definitions compiled to polars plans
//!   and run over every member's extracts; the only crate that depends on
//!   polars.
//! - [`judge`] (`crates/judge`): RAG, direction of travel, SPC, significance,
//!   benchmarks, ranks and disclosure control.
//! - [`render`] (`crates/render`): charts, the HTML page, the PDF packs,
//!   tables, the workbook, comparisons.
//! - [`publish`] (`crates/publish`): a build under the output lock, atomic
//!   bundles, manifests.
//! - [`cli`] (here): the command line; `main.rs` is a thin wrapper over it.
//!
//! [`sample`] (`crates/sample`) generates the deterministic sample
//! authority; it is a tool beside the engine, not part of it.

#![warn(missing_docs)]

pub use scorecard_evaluate as evaluate;
pub use scorecard_input as input;
pub use scorecard_judge as judge;
pub use scorecard_language as language;
pub use scorecard_project as project;
pub use scorecard_project::{diagnostics, error, parallel};
pub use scorecard_publish as publish;
pub use scorecard_render as render;
#[doc(hidden)]
pub use scorecard_sample as sample;

pub mod cli;
