//! The library's error: what went wrong, as the exit code the README documents.

use crate::diagnostics::Diagnostics;
use std::path::{Path, PathBuf};

/// Exit codes, documented in the README.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the project or its indicator definitions are invalid")]
    Invalid(Diagnostics),
    #[error("the extracts have errors")]
    Data(Diagnostics),
    #[error("cannot write outputs: {0}")]
    Output(#[from] OutputError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Locked(String),
    /// A month that is incomplete, or fails a check the project makes fatal.
    #[error("not published: {0}")]
    Unfit(String),
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder operation failed, with the operating system's reason.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
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
    /// The sample's files could not be written.
    #[error("{0}")]
    Sample(String),
    /// `publish` was asked for a month that has not been built.
    #[error("no built bundle for {month} in {} (run `scorecard build --month {month}` first)", folder.display())]
    NotBuilt { month: crate::Month, folder: PathBuf },
    /// The month's zip is missing or holds another build than its folder
    /// (a build was killed between the two): the next build rewrites both.
    #[error("{} does not hold the bundle in {} (a build was interrupted); run `scorecard build --month {month}` first", zip.display(), folder.display())]
    ZipMismatch { month: crate::Month, zip: PathBuf, folder: PathBuf },
}

impl OutputError {
    /// `map_err(OutputError::io("cannot create", path))`: an io error with what was being done to which path.
    pub fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
        move |source| OutputError::Io { action, path: path.to_path_buf(), source }
    }
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) => 3,
            Error::Data(_) => 4,
            Error::Output(_) => 5,
            Error::Locked(_) => 6,
            Error::Unfit(_) => 7,
        }
    }

    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Invalid(diagnostics) | Error::Data(diagnostics) => Some(diagnostics),
            _ => None,
        }
    }
}
