//! Problems in a user's own files, each pointing at the file, line and
//! column (or sheet and cell) with the value: collected, never panicked on,
//! and shown together so that a user fixes every mistake in one pass. Also
//! reading TOML with spans and a "did you mean" for unknown keys. Every
//! stage depends on this; it depends on none.

mod diagnostic;
mod toml_file;
mod written;

pub use diagnostic::{did_you_mean, quoted, Diagnostic, Diagnostics, SourceFile};
pub use toml_file::{field_names, parse_toml, string_contents};
pub use written::Written;
