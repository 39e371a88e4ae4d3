//! Evaluation: definitions compiled into polars plans and run over every
//! authority's extracts. The only module that names polars; its public
//! types are polars-free.

pub mod extracts;
pub mod frames;
pub mod observe;
mod pipeline;
pub mod plan;
pub mod run;

pub use pipeline::*;
