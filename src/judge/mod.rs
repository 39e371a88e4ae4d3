//! Judging a month: RAG, direction of travel, SPC, significance,
//! benchmarks, ranks and disclosure control.

pub mod disclosure;
pub mod rag;
pub mod rank;
mod scorecard;
pub mod significance;
pub mod spc;
pub mod trend;

pub use scorecard::*;
