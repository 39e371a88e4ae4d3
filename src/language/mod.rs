//! The indicator language: one TOML definition per indicator, checked
//! against the project's datasets. Depends on `diagnostics` and `project`.

mod definition;
pub mod window;

pub use definition::*;
