//! The library's error: what went wrong, as the exit code the README documents.

use crate::diagnostics::Diagnostics;

/// Exit codes, documented in the README.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the project or its indicator definitions are invalid")]
    Invalid(Diagnostics),
    #[error("the extracts have errors")]
    Data(Diagnostics),
    #[error("cannot write outputs: {0}")]
    Output(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Locked(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) => 3,
            Error::Data(_) => 4,
            Error::Output(_) => 5,
            Error::Locked(_) => 6,
        }
    }

    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Invalid(diagnostics) | Error::Data(diagnostics) => Some(diagnostics),
            _ => None,
        }
    }
}
