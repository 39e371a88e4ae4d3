//! Reading what users hand us: extracts (CSV), published benchmark files
//! and commentary. No polars here. Depends on `diagnostics`, `project`, `language`.

pub mod benchmarks;
pub mod commentary;
mod table;

pub use table::*;
