//! Rendering a judged month: charts, the HTML page, tables, the workbook
//! and a consortium's comparison.

mod bundle;
pub mod charts;
pub mod comparison;
pub mod html;
pub mod tables;
pub mod xlsx;

pub use bundle::*;
