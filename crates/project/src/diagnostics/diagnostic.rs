//! Problems found in a user's own files, each pointing at file, line and
//! column. Loaders collect every problem before stopping, so a user fixes all
//! their mistakes in one pass.

use annotate_snippets::{Level, Renderer, Snippet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file's text kept for pointing into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file.
    pub path: PathBuf,
    /// Its whole text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// A file's text, as if read from `path`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile { path: path.into(), text: text.into() }
    }

    /// Reads a file whole (valid UTF-8, a byte-order mark dropped), or says why it cannot.
    pub fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
        let bytes =
            std::fs::read(path).map_err(|error| Diagnostic::file(path, format!("cannot read file: {error}")))?;
        let text = String::from_utf8(bytes).map_err(|error| {
            let source = SourceFile::new(path, String::from_utf8_lossy(error.as_bytes()).into_owned());
            let at = error.utf8_error().valid_up_to();
            source.error(at..at + 1, "file is not valid UTF-8", "this byte")
        })?;
        let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
        Ok(SourceFile::new(path, text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// A problem at `span` (byte offsets) in this file, with a short `label` under it.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        Diagnostic {
            path: self.path.clone(),
            line,
            column,
            message: message.into(),
            label: label.into(),
            help: None,
            snippet: Some((self.text.clone(), span)),
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem, at a place in a file (line and column) or with a file as a whole.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The file.
    pub path: PathBuf,
    /// 1-based; 0 when the problem is with the file as a whole.
    pub line: usize,
    /// 1-based; 0 with `line` 0.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The words under the caret.
    pub label: String,
    /// How to put it right, when known ("did you mean ...?").
    pub help: Option<String>,
    snippet: Option<(Arc<str>, Range<usize>)>,
}

impl Diagnostic {
    /// A problem with a whole file (missing, unreadable) rather than a place in it.
    pub fn file(path: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: path.to_owned(),
            line: 0,
            column: 0,
            message: bounded(message.into(), LONGEST_MESSAGE),
            label: String::new(),
            help: None,
            snippet: None,
        }
    }

    /// A problem at a known line and column of a file whose text is not kept
    /// (data files can be large).
    pub fn at(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic { line, column, ..Diagnostic::file(path, message) }
    }

    /// The same problem with a hint for putting it right.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same problem with a hint, when there is one.
    pub fn with_help_opt(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(help) => self.with_help(help),
            None => self,
        }
    }

    /// `file:line:column`, or the file alone.
    pub fn location(&self) -> String {
        match self.line {
            0 => self.path.display().to_string(),
            line => format!("{}:{}:{}", self.path.display(), line, self.column),
        }
    }

    /// The diagnostic with the offending line quoted and underlined.
    pub fn render(&self) -> String {
        let Some((text, span)) = &self.snippet else {
            let help = self.help.as_ref().map(|help| format!("\n  = help: {help}")).unwrap_or_default();
            return format!("error: {}\n  --> {}{help}", self.message, self.location());
        };
        let origin = self.path.display().to_string();
        let span = span.start.min(text.len())..span.end.min(text.len()).max(span.start.min(text.len()));
        let snippet = Snippet::source(text)
            .line_start(1)
            .origin(&origin)
            .fold(true)
            .annotation(Level::Error.span(span).label(&self.label));
        let mut message = Level::Error.title(&self.message).snippet(snippet);
        if let Some(help) = &self.help {
            message = message.footer(Level::Help.title(help));
        }
        let rendered = Renderer::plain().render(message).to_string();
        rendered
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// A message quoting a header or a value of a hostile file could be any
/// length (a 100 MB header line): a log line and a terminal get at most this.
const LONGEST_MESSAGE: usize = 2_000;

/// The most of one value an error quotes.
const LONGEST_QUOTE: usize = 200;

/// `text`, cut at `limit` characters with a note of its full length.
fn bounded(text: String, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text,
        Some((end, _)) => format!("{}... ({} characters in all)", &text[..end], text.chars().count()),
    }
}

/// A value from a user's file as an error quotes it: at most 200
/// characters, control characters shown as escapes, so that a binary or
/// enormous cell cannot flood or garble the log.
pub fn quoted(value: &str) -> String {
    let mut shown = String::new();
    for c in value.chars().take(LONGEST_QUOTE) {
        match c.is_control() {
            true => shown.extend(c.escape_default()),
            false => shown.push(c),
        }
    }
    if value.chars().nth(LONGEST_QUOTE).is_some() {
        shown.push_str(&format!("... ({} characters in all)", value.chars().count()));
    }
    shown
}

/// Every problem found in one pass.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Each problem, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Adds every problem `other` holds.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// A problem with whole files said once, however many files have it
    /// (the same sheet missing from each month's workbook): the first file's
    /// diagnostic, its help naming the others.
    pub fn merge_repeated_file_problems(self) -> Diagnostics {
        let mut merged: Vec<(Diagnostic, Vec<String>)> = Vec::new();
        for diagnostic in self.0 {
            let same = |(kept, _): &&mut (Diagnostic, Vec<String>)| {
                kept.line == 0
                    && diagnostic.line == 0
                    && kept.message == diagnostic.message
                    && kept.help == diagnostic.help
            };
            match merged.iter_mut().find(same) {
                Some((_, others)) => others.push(diagnostic.path.display().to_string()),
                None => merged.push((diagnostic, Vec::new())),
            }
        }
        let said_once = merged.into_iter().map(|(mut diagnostic, others)| {
            if !others.is_empty() {
                let shown: Vec<&str> = others.iter().take(3).map(String::as_str).collect();
                let more = if others.len() > 3 { format!(" and {} more", others.len() - 3) } else { String::new() };
                let also = format!(
                    "the same in {} other file{}: {}{more}",
                    others.len(),
                    if others.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                );
                diagnostic.help = Some(match diagnostic.help.take() {
                    Some(help) => format!("{help}\n{also}"),
                    None => also,
                });
            }
            diagnostic
        });
        Diagnostics(said_once.collect())
    }

    /// `Ok(value)` when nothing was found, otherwise every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Every problem as a user reads it: the message, the line with a caret under the place, and the help.
    pub fn render(&self) -> String {
        let mut out: Vec<String> = self.0.iter().map(Diagnostic::render).collect();
        out.push(format!("{} problem{} found", self.len(), if self.len() == 1 { "" } else { "s" }));
        out.join("\n\n")
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// "did you mean" for a misspelt name, when one candidate is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lowered = name.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&lowered, &candidate.to_lowercase()), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_and_messages_are_bounded() {
        assert_eq!(quoted("a\u{0}b\nc"), "a\\u{0}b\\nc");
        // 250 characters: the first 200, then the full count.
        let long = "é".repeat(250);
        assert_eq!(quoted(&long), format!("{}... (250 characters in all)", "é".repeat(200)));
        let message = Diagnostic::file(Path::new("x.csv"), "m".repeat(5_000)).message;
        assert_eq!(message, format!("{}... (5000 characters in all)", "m".repeat(2_000)));
    }

    #[test]
    fn line_and_column_count_characters() {
        let source = SourceFile::new("x.toml", "a = 1\nbé = \"x\"\n");
        assert_eq!(source.line_column(0), (1, 1));
        // "bé = " is 6 bytes but 5 characters, so the quote is column 6.
        assert_eq!(source.line_column(6 + 6), (2, 6));
    }

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(did_you_mean("DECOMM", ["DECOM", "DEC", "RNE"]).unwrap(), "did you mean `DECOM`?");
        assert!(did_you_mean("zzz", ["DECOM", "RNE"]).is_none());
    }
}
