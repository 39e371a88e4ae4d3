//! Why evaluating failed. Definitions are checked against the datasets'
//! schemas and extracts are typed before this, so each is a fault of the
//! engine (or of the machine): said against the definition, check or file.

use super::columns::clean_polars_error;
use polars::prelude::PolarsError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum EvaluateError {
    /// polars refused or failed a query; said without polars' internals.
    #[error("{}", clean_polars_error(.0))]
    Polars(#[from] PolarsError),
    /// A dataset a plan reads was not read: `load` keeps the two in step.
    #[error("{0}")]
    NotRead(&'static str),
}

impl From<&'static str> for EvaluateError {
    fn from(what: &'static str) -> EvaluateError {
        EvaluateError::NotRead(what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A polars error is said in its first line, without the list of valid
    /// columns polars adds or its "SQL interface error:" prefix.
    #[test]
    fn a_polars_failure_is_said_in_the_users_words() {
        let error =
            PolarsError::ColumnNotFound("\"Case31\" not found; valid columns: [\"Cases30\"]\nresolved plan".into());
        let said = EvaluateError::from(error).to_string();
        assert!(said.contains("Case31") && !said.contains("valid columns") && !said.contains('\n'), "{said}");
        let error = PolarsError::SQLInterface("SQL interface error: no such function".into());
        assert_eq!(EvaluateError::from(error).to_string(), "no such function");
        assert_eq!(EvaluateError::from("dataset was not read").to_string(), "dataset was not read");
    }
}
