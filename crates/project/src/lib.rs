//! The project: `scorecard.toml`, the authorities it reports on, the
//! working-day calendar and the reporting periods; the first stage of the
//! pipeline. It also holds what every later stage shares: [`diagnostics`]
//! (errors that point into a user's file), [`parallel`] (work on every core)
//! and [`error`] (the error each stage returns, with its exit code).

#![warn(missing_docs)]

pub mod diagnostics;
pub mod error;
pub mod parallel;

mod calendar;
mod file;
mod file_pattern;
mod members;
mod names;
mod period;

pub use calendar::HolidayCalendar;
pub use file::{
    Authority, Check, ColumnType, DatasetConfig, Disclosure, EventEntry, ForecastScale, HistoryRange, Layout, Project,
    ProjectFile, ProjectionConfig, ScenarioConfig, WarningKind, WeeklyCosts, LARGEST_FILE_MB, RETURN_TABLES,
    WORKBOOK_EXTENSIONS,
};
pub use file_pattern::{files_by_month, is_pattern, near_misses};
pub use members::{load as load_members, Member, MEMBERS_FILE};
pub use names::{is_safe_id, AuthorityCode};
pub use period::{Month, MonthError};
