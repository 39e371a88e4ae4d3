//! Rendering a judged month: trend charts, the HTML page, the PDF board
//! pack, CSV and JSON tables, the workbook, a consortium's comparison, and the archive and
//! front pages. Every value is shown by one rule (`format`). Depends on
//! `project`, `language`, `evaluate` and `judge`.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_evaluate as evaluate;
pub(crate) use scorecard_judge as judge;
pub(crate) use scorecard_language as language;
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::{error, parallel};

mod board_pack;
mod build_time;
mod bundle;
mod charts;
mod comparison;
mod comparison_pdf;
mod comparison_xlsx;
mod doubled;
mod failure;
mod fonts;
mod format;
mod funnel;
mod funnel_chart;
mod html;
mod icons;
mod memo;
mod months_table;
mod pdf_chart;
mod pdf_layout;
mod pdf_style;
mod pdf_write;
mod plan;
mod printable;
mod projection;
mod projection_chart;
mod rank_table;
mod rating;
mod story;
mod summary;
mod tables;
mod xlsx;

pub use board_pack::{board_pack, full_pack};
pub use build_time::BuildTime;
pub use bundle::{month_files, Files};
pub use charts::{trend_png, trend_svg};
pub use comparison::render as comparison_files;
pub use failure::RenderError;
pub use format::{month_name, number, show_count, show_value, value_text, Shown};
pub use html::{archive_page, consortium_page, ArchiveEntry};
pub use rating::rating_sentence;
pub use tables::{scorecard_csv, scorecard_json, series_csv, values_csv};
pub use xlsx::workbook;
