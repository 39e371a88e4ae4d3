//! The library's error: what went wrong, as the exit code the README documents.

use crate::diagnostics::Diagnostics;
use crate::{Month, MonthError};
use std::path::{Path, PathBuf};

/// Exit codes, documented in the README: a variant per kind of failure,
/// each with what caused it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Exit 3.
    #[error("the project or its indicator definitions are invalid")]
    Invalid(Diagnostics),
    /// Exit 4.
    #[error("the extracts have errors")]
    Data(Diagnostics),
    /// Exit 5.
    #[error("cannot write outputs: {0}")]
    Output(#[from] OutputError),
    /// Exit 2.
    #[error("{0}")]
    Usage(#[from] UsageError),
    /// Another build holds the output folder's lock (exit 6).
    #[error("another build holds {} (waited {:.1} s)", lock.display(), waited.as_secs_f64())]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// How long was waited for it.
        waited: std::time::Duration,
    },
    /// A month that is incomplete, or fails a check the project makes fatal (exit 7).
    #[error("not published: {0}")]
    Unfit(#[from] Unfit),
}

/// A command asked for something the project does not have, or was given a
/// setting out of range (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// `help` is a suggestion such as " (did you mean `agency-rate`?)", or empty.
    #[error("no indicator `{id}`{help}; `scorecard list` shows them")]
    NoIndicator {
        /// The id asked for.
        id: String,
        /// The suggestion, or empty.
        help: String,
    },
    /// `help` as for `NoIndicator`.
    #[error("no member authority `{code}`{help}")]
    NoMember {
        /// The code asked for.
        code: String,
        /// The suggestion, or empty.
        help: String,
    },
    /// A consortium command needs `--authority` and was not given one.
    #[error("this consortium has {members} members: name one with --authority (e.g. --authority {example})")]
    MemberNotNamed {
        /// How many members the consortium has.
        members: usize,
        /// One member's code, for the example.
        example: String,
    },
    /// There were no members to `doing` ("evaluate", "compare").
    #[error("no members to {doing}")]
    NoMembers {
        /// What could not be done.
        doing: &'static str,
    },
    /// The month asked for.
    #[error(transparent)]
    Month(#[from] MonthError),
    /// The month of one dataset (the projection's).
    #[error("`{dataset}`: {source}")]
    DatasetMonth {
        /// The dataset.
        dataset: String,
        /// What is wrong with the month.
        #[source]
        source: MonthError,
    },
    /// A dataset (named) has no extracts at all.
    #[error("no extracts of `{0}`")]
    NoExtracts(String),
    /// `project` was run without a `[projection]` table.
    #[error(
        "scorecard.toml has no [projection] table: add `[projection]` to project children looked after (docs/projection.md)"
    )]
    NoProjection,
    /// Every problem with the `[projection]` table.
    #[error("scorecard.toml [projection]: {}", .0.join("; "))]
    Projection(Vec<String>),
    /// `[projection]` names a dataset (this one) the project does not declare.
    #[error("scorecard.toml [projection] names dataset `{0}`, which is not in [datasets]")]
    ProjectionDataset(String),
    /// The projection needs a column its dataset does not declare.
    #[error("{}: the projection needs column `{column}`, which its dataset does not declare", path.display())]
    ProjectionColumn {
        /// The extract.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A column the projection reads declared as another type than `kind`.
    #[error("{}: column `{column}` must be declared \"{kind}\"", path.display())]
    ColumnType {
        /// The extract.
        path: PathBuf,
        /// The column.
        column: String,
        /// The type it must be declared as.
        kind: &'static str,
    },
    /// `init` into a folder (this one) that holds a project already.
    #[error("{} already has a scorecard.toml; not overwriting it", .0.display())]
    AlreadyInitialised(PathBuf),
    /// `--wait` outside 0 to `most` seconds.
    #[error("--wait is {seconds}: it must be between 0 and {most} seconds (a week)")]
    Wait {
        /// As given.
        seconds: f64,
        /// The most allowed.
        most: f64,
    },
    /// `SOURCE_DATE_EPOCH` as given, quoted for the terminal.
    #[error("SOURCE_DATE_EPOCH is `{0}`: it must be whole seconds since 1970 (0 to 253402300799), or unset")]
    SourceDateEpoch(String),
}

/// Why a month is not published (exit 7). Each line names the member (in a
/// consortium) and the month.
#[derive(Debug, thiserror::Error)]
pub enum Unfit {
    /// Extracts the month's indicators use are missing.
    #[error("incomplete extracts; nothing was written\n{}\nbuild again when every extract is in place, or use --allow-incomplete to publish with the gaps stated", .gaps.join("\n"))]
    Incomplete {
        /// Each member's month and the extracts it lacks.
        gaps: Vec<String>,
    },
    /// Plausibility checks `[checks] fail_on` makes fatal.
    #[error("checks that [checks] fail_on makes fatal; nothing was written\n{}", .failed.join("\n"))]
    FailedChecks {
        /// Each member's month and the check it failed.
        failed: Vec<String>,
    },
    /// What `check` found that would stop `build`, with what it checked.
    #[error("{}\n`build` would stop here too (exit 7); {indicators} indicators checked, extracts {extracts}", .problems.join("\n"))]
    WouldStopBuild {
        /// What would stop the build, a line each.
        problems: Vec<String>,
        /// How many indicators were checked.
        indicators: usize,
        /// The months of extracts, "first to last".
        extracts: String,
    },
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder operation failed, with the operating system's reason.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("cannot write").
        action: &'static str,
        /// To which file or folder.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A file of the bundle could not be made (a page, the workbook, a
    /// chart): a `render::RenderError`, held as its trait object because
    /// `render` comes after this file in the pipeline.
    #[error("{0}")]
    Render(Box<dyn std::error::Error + Send + Sync>),
    /// The bundle's zip could not be made.
    #[error("the bundle's zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The sample's files could not be written: a `sample::SampleError`,
    /// held as its trait object because the sample generator is a tool crate
    /// built on this one.
    #[error("{0}")]
    Sample(Box<dyn std::error::Error + Send + Sync>),
    /// `publish` was asked for a month that has not been built.
    #[error("no built bundle for {month} in {} (run `scorecard build --month {month}` first)", folder.display())]
    NotBuilt {
        /// The month asked for.
        month: Month,
        /// Where its bundle would be.
        folder: PathBuf,
    },
    /// The month's zip is missing or holds another build than its folder
    /// (a build was killed between the two): the next build rewrites both.
    #[error("{} does not hold the bundle in {} (a build was interrupted); run `scorecard build --month {month}` first", zip.display(), folder.display())]
    ZipMismatch {
        /// The month.
        month: Month,
        /// The zip.
        zip: PathBuf,
        /// The bundle's folder.
        folder: PathBuf,
    },
}

impl OutputError {
    /// `map_err(OutputError::io("cannot create", path))`: an io error with what was being done to which path.
    pub fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
        move |source| OutputError::Io { action, path: path.to_path_buf(), source }
    }
}

impl Error {
    /// The exit code the README documents for this failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) => 3,
            Error::Data(_) => 4,
            Error::Output(_) => 5,
            Error::Locked { .. } => 6,
            Error::Unfit(_) => 7,
        }
    }

    /// The problems found, for an invalid project or bad extracts.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Invalid(diagnostics) | Error::Data(diagnostics) => Some(diagnostics),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_the_exit_code_the_readme_documents() {
        let month = |text: &str| text.parse::<Month>().unwrap();
        let io = || std::io::Error::other("disk full");
        let cases: [(Error, i32); 6] = [
            (UsageError::NoExtracts("workforce".into()).into(), 2),
            (Error::Invalid(Diagnostics::default()), 3),
            (Error::Data(Diagnostics::default()), 4),
            (OutputError::io("cannot write", Path::new("reports/x"))(io()).into(), 5),
            (Error::Locked { lock: PathBuf::from("reports/.lock"), waited: std::time::Duration::from_millis(2560) }, 6),
            (Unfit::FailedChecks { failed: vec!["  2026-03: x".into()] }.into(), 7),
        ];
        for (error, code) in cases {
            assert_eq!(error.exit_code(), code, "{error}");
        }
        // The words a user reads, from the typed fields (2.56 s to one decimal).
        let locked =
            Error::Locked { lock: PathBuf::from("reports/.lock"), waited: std::time::Duration::from_millis(2560) };
        assert_eq!(locked.to_string(), "another build holds reports/.lock (waited 2.6 s)");
        let month_error =
            MonthError::NotAvailable { month: month("2024-12"), first: month("2025-01"), last: month("2025-03") };
        let dataset = Error::from(UsageError::DatasetMonth { dataset: "cla".into(), source: month_error });
        assert_eq!(dataset.to_string(), "`cla`: no extracts for 2024-12: months available are 2025-01 to 2025-03");
        let unfit = Error::from(Unfit::WouldStopBuild {
            problems: vec!["a".into(), "b".into()],
            indicators: 43,
            extracts: "2023-04 to 2026-03".into(),
        });
        assert_eq!(
            unfit.to_string(),
            "not published: a\nb\n`build` would stop here too (exit 7); 43 indicators checked, extracts 2023-04 to 2026-03"
        );
    }
}
