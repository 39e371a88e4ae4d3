//! The indicator language: one TOML definition per indicator under
//! `indicators/<theme>/`, read with its spans and checked against the
//! project's datasets into typed rules (everything that can be checked
//! without the SQL; `evaluate` checks the SQL against the schemas).
//! Depends on `project`.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::diagnostics;

mod as_written;
mod check;
mod definition;
mod derive_order;
mod events;
mod expressions;
mod indicator;
mod limits;
mod plan;
mod published_benchmark;
mod rules;
mod targets;
pub mod window;

pub use definition::{leave_out_unheld, load_all, used_datasets, Definition, LeftOut};
pub use derive_order::identifiers;
pub use events::{load_events, Event};
pub use expressions::{DerivedColumn, DerivedRule, Expressions, LookupRule, PerEntityRule};
pub use indicator::{
    Benchmark, Derived, DirectionMethod, DirectionOver, Frequency, Indicator, Lookup, Measure, MeasureKind, PerEntity,
    Polarity, Rag, RagMethod, SpcSettings, Unit, Window, WindowKind, WorkingDayCount, WorkingDays,
};
pub use limits::{too_large, MAX_OPERATORS};
pub use plan::{load_plan, Action, ActionRag, ImprovementPlan, PlanFile, Priority, Quarter};
pub use published_benchmark::{Average, Comparator, PublishedBenchmark};
pub use rules::{ConfidenceLevel, MeasureRule, RatingMethod, RatingRule, Sql, Summary, Tolerance};
pub use targets::Targets;
