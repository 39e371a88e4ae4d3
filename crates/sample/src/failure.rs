//! Why the sample could not be written: each failure with the file it was
//! writing or reading and the underlying error.

use std::path::{Path, PathBuf};

/// A failure of `scorecard sample`.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// `--authorities` outside 1..=9999 (the member codes have four digits).
    #[error("--authorities is {0}: it must be between 1 and 9999")]
    Authorities(usize),
    /// A file or folder operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file could not be written, or read back to be reshaped.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The CSV error.
        #[source]
        source: csv::Error,
    },
    /// An Annex A workbook, or one of its sheets, could not be written.
    #[error("{}: {source}", path.display())]
    Workbook {
        /// The workbook (a sheet's as `book.xlsx/Sheet`).
        path: PathBuf,
        /// The workbook writer's error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
}

impl SampleError {
    /// `map_err(SampleError::io(path))`: an io error at `path`.
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SampleError + '_ {
        move |source| SampleError::Io { path: path.to_path_buf(), source }
    }

    /// `map_err(SampleError::csv(path))`: a CSV error at `path`.
    pub(crate) fn csv(path: &Path) -> impl FnOnce(csv::Error) -> SampleError + '_ {
        move |source| SampleError::Csv { path: path.to_path_buf(), source }
    }

    /// `map_err(SampleError::workbook(path))`: a workbook error at `path`
    /// (a sheet's as `book.xlsx/Sheet`).
    pub(crate) fn workbook(path: &Path) -> impl FnOnce(rust_xlsxwriter::XlsxError) -> SampleError + '_ {
        move |source| SampleError::Workbook { path: path.to_path_buf(), source }
    }
}
