//! Why a file of the bundle could not be made. Everything rendered was
//! checked before, so each is a fault of the engine or of the machine
//! (memory, a font), named with the file or chart it concerns.

use crate::error::{Error, OutputError};
use std::fmt::Display;

/// Why a file of the bundle could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// plotters could not draw a chart. Its errors are generic over the
    /// backend drawn to, so they are kept as their words.
    #[error("{chart}: {message}")]
    Chart {
        /// Which chart (its indicator and kind).
        chart: String,
        /// plotters' words.
        message: String,
    },
    /// krilla could not write a PDF (its errors carry no words of their own).
    #[error("{0}")]
    Pdf(String),
    /// A workbook could not be written.
    #[error("{file}: {source}")]
    Workbook {
        /// The workbook's file name.
        file: &'static str,
        /// The workbook writer's error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// A page's template (its name is in the error).
    #[error("{0}")]
    Template(#[from] minijinja::Error),
    /// A JSON file could not be written.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A CSV file could not be written.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A PNG could not be encoded.
    #[error("PNG: {0}")]
    Png(#[from] png::EncodingError),
    /// Writing into memory failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Something the layout was built to hold is not there (a chart's
    /// indicator, a funnel): a fault in the engine.
    #[error("{0}")]
    Inconsistent(String),
}

impl From<RenderError> for OutputError {
    fn from(error: RenderError) -> OutputError {
        OutputError::Render(Box::new(error))
    }
}

impl From<RenderError> for Error {
    fn from(error: RenderError) -> Error {
        Error::Output(error.into())
    }
}

impl RenderError {
    /// A chart plotters could not draw: `chart` names it ("chart for agency-rate").
    pub(crate) fn chart(chart: String, error: impl Display) -> RenderError {
        RenderError::Chart { chart, message: error.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chart that cannot be drawn stops the build with the output code (5),
    /// naming the chart, and the typed error is kept behind it.
    #[test]
    fn a_render_fault_exits_as_an_output_error_naming_its_file() {
        let error: Error = RenderError::chart("chart for agency-rate".into(), "the area is too small").into();
        assert_eq!(error.exit_code(), 5);
        assert_eq!(error.to_string(), "cannot write outputs: chart for agency-rate: the area is too small");
        let Error::Output(OutputError::Render(inner)) = &error else { panic!("an output error: {error:?}") };
        assert!(matches!(inner.downcast_ref::<RenderError>(), Some(RenderError::Chart { .. })));
    }
}
