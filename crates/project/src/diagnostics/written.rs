//! A string as written in a user's TOML file, with where it is: what later
//! stages check (expressions, column names) and point their errors at,
//! without the TOML parser's types.

use std::ops::Range;
use toml::Spanned;

/// A string from a TOML file: its text, and the byte range of the string
/// (quotes included) in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    text: String,
    span: Range<usize>,
}

impl Written {
    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the string is in its file, quotes included.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl From<&Spanned<String>> for Written {
    fn from(spanned: &Spanned<String>) -> Written {
        Written { text: spanned.get_ref().clone(), span: spanned.span() }
    }
}
