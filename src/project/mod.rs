//! The project: `scorecard.toml`, the authorities it reports on, the
//! calendar and the reporting periods. Depends on `diagnostics` only.

pub mod calendar;
mod file;
pub mod members;
pub mod period;

pub use file::*;
