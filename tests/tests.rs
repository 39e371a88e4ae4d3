//! The one integration test binary (polars is linked once).

mod helpers;

mod architecture;
mod board;
mod bundle;
mod charts;
mod cli;
mod consistency;
mod consortium;
mod corpus;
mod definition_errors;
mod disclosure;
mod evaluation;
mod faults;
mod fuzz;
mod history;
mod hostile;
mod language;
mod library;
mod methodology;
mod operations;
mod pdf;
mod plan;
mod presets;
mod projection;
mod readiness;
mod real_data;
mod returns;
mod sample_build;
mod spc;
mod workbooks;
