//! The indicator language: one TOML definition per indicator under
//! `indicators/<theme>/`, read with its spans and checked against the
//! project's datasets (everything that can be checked without the SQL,
//! which `evaluate` checks against the schemas). Depends on `project`.

mod definition;
mod published_benchmark;
pub mod window;

pub use definition::{
    check, definition_files, load_all, used_datasets, Benchmark, Definition, Derived, Indicator, Lookup, Measure,
    MeasureKind, PerEntity, Polarity, Rag, RagMethod, SpcSettings, Unit, Window, WindowKind, WorkingDays,
};
pub use published_benchmark::{Comparator, PublishedBenchmark};
