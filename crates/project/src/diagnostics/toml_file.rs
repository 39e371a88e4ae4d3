//! Reading a user's TOML file into a typed value while keeping every
//! unknown key and type error as a diagnostic pointing into the file.

use super::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use serde::de::{self, DeserializeOwned, Visitor};
use serde::Deserialize;
use std::ops::Range;

/// Parse `source` as `T`. Unknown keys are reported (with a suggestion from
/// `known_keys`) but do not stop parsing; a syntax or type error does.
pub fn parse_toml<T: DeserializeOwned>(source: &SourceFile, known_keys: &[&str]) -> (Option<T>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut unknown = Vec::new();
    let deserializer = toml::Deserializer::new(&source.text);
    let value = serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()));
    match value {
        Ok(value) => {
            for path in unknown {
                diagnostics.push(unknown_key(source, &path, known_keys));
            }
            (Some(value), diagnostics)
        }
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            diagnostics.push(source.error(span, error.message().trim().to_string(), "here"));
            (None, diagnostics)
        }
    }
}

fn unknown_key(source: &SourceFile, path: &str, known_keys: &[&str]) -> Diagnostic {
    let name = path.rsplit('.').next().unwrap_or(path);
    let span = key_span(&source.text, path).unwrap_or(0..0);
    // The key names a field of another table (`value` under `[measure]`):
    // suggesting the same name back would not help.
    let help = if known_keys.contains(&name) {
        Some(format!("`{name}` is a field, but not of this table: see the documentation of the table it is in"))
    } else {
        did_you_mean(name, known_keys.iter().copied())
    };
    source.error(span, format!("unknown key `{path}`"), "not a field of this table").with_help_opt(help)
}

/// Byte range of the key at a dotted path (`measure.numeratr`, `lookup.0.on`).
fn key_span(text: &str, path: &str) -> Option<Range<usize>> {
    use toml_edit::{Item, TableLike, Value};
    let document = toml_edit::ImDocument::parse(text).ok()?;
    let mut table: &dyn TableLike = document.as_table();
    let mut segments = path.split('.');
    let mut span = None;
    while let Some(segment) = segments.next() {
        let (key, item) = table.get_key_value(segment)?;
        span = key.span();
        let mut index = || segments.next()?.parse::<usize>().ok();
        table = match item {
            Item::Table(inner) => inner,
            Item::Value(Value::InlineTable(inner)) => inner,
            Item::ArrayOfTables(array) => array.get(index()?)?,
            Item::Value(Value::Array(array)) => array.get(index()?)?.as_inline_table()?,
            _ => return span,
        };
    }
    span
}

/// The field names of a struct, read from its `Deserialize` impl, so that
/// "did you mean" suggestions never drift from the real fields.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Introspect(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Stop {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for &mut Introspect {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut introspect = Introspect(None);
    let _ = T::deserialize(&mut introspect);
    introspect.0.unwrap_or(&[])
}

/// Span of the text inside a string literal: `"abc"` -> the range of `abc`.
pub fn string_contents(text: &str, span: &Range<usize>) -> Range<usize> {
    let literal = text.get(span.clone()).unwrap_or("");
    let delimiter = if literal.starts_with("\"\"\"") || literal.starts_with("'''") { 3 } else { 1 };
    let newline = usize::from(delimiter == 3 && literal[delimiter..].starts_with('\n'));
    let start = (span.start + delimiter + newline).min(span.end);
    start..span.end.saturating_sub(delimiter).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        kind: String,
        count: Option<u32>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_line() {
        let text = "name = \"x\"\nnmae = 1\n[inner]\nkind = \"a\"\ncuont = 2\n";
        let source = SourceFile::new("t.toml", text);
        let (value, diagnostics) = parse_toml::<Outer>(&source, &["name", "inner", "kind", "count"]);
        assert!(value.is_some());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.column, d.help.clone().unwrap())).collect();
        assert_eq!(
            found,
            vec![(2, 1, "did you mean `name`?".to_string()), (5, 1, "did you mean `count`?".to_string())]
        );
    }

    #[test]
    fn unknown_keys_inside_arrays_are_located() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Lookup {
            on: String,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct WithLookups {
            lookup: Vec<Lookup>,
        }
        let source = SourceFile::new("t.toml", "lookup = [{ on = \"a\", onn = \"b\" }]\n");
        let (_, diagnostics) = parse_toml::<WithLookups>(&source, &["lookup", "on"]);
        // `onn` starts at byte 22: column 23.
        assert_eq!(diagnostics.iter().map(|d| (d.line, d.column)).collect::<Vec<_>>(), vec![(1, 23)]);
    }

    #[test]
    fn field_names_come_from_the_struct() {
        assert_eq!(field_names::<Inner>(), &["kind", "count"]);
    }
}
