//! SQL's `x IN ('a', 'b')` over text as one pass comparing each row's
//! text with the values, and `LEFT(x, n) IN (...)` with values of n
//! characters as a test of x's start. polars' `is_in` hashes every row's
//! text to look it up in a set, and `LEFT` builds a new column of texts
//! first: together most of a tenth of placement stability's evaluation for
//! a consortium (BENCHMARKS.md). Here a short text is settled by its
//! 16-byte Arrow view alone (length, prefix and, up to 12 bytes, the
//! whole text), as polars' own comparisons settle it.
//!
//! The answers are the same: a blank `x` gives blank (SQL's unknown) both
//! ways, and a row's text either equals (starts with) one of the values or
//! none. Lists holding a blank, lists longer than [`MOST_VALUES`], and `x`
//! that are not text stay with `is_in`.

use polars::prelude::*;
use polars_arrow::array::{Array, BooleanArray, Utf8ViewArray, View};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::ArrowDataType;

/// Beyond this many values one hash lookup costs less than the comparisons.
const MOST_VALUES: usize = 8;

/// `expr` with each short `IN` list over text (or `LEFT` of a text
/// column) made a pass of comparisons; `frame` is what `expr` runs on, for
/// the tested expression's type.
pub(super) fn text_lists_as_comparisons(expr: Expr, frame: &LazyFrame) -> Expr {
    expr.map_expr(|node| match node {
        Expr::Function { input, function: FunctionExpr::Boolean(BooleanFunction::IsIn { nulls_equal: false }) } => {
            comparisons(&input, frame).unwrap_or(Expr::Function {
                input,
                function: FunctionExpr::Boolean(BooleanFunction::IsIn { nulls_equal: false }),
            })
        }
        other => other,
    })
}

fn comparisons(input: &[Expr], frame: &LazyFrame) -> Option<Expr> {
    let [tested, list] = input else { return None };
    let values = listed_texts(list)?;
    if values.is_empty() || values.len() > MOST_VALUES || !is_text(tested, frame) {
        return None;
    }
    let (text, test) = match left_of(tested) {
        // `LEFT(x, n)` equals an n-character value exactly when x starts with it.
        Some((text, length)) if values.iter().all(|value| value.chars().count() == length) => {
            (text.clone(), Test::StartsWith)
        }
        _ => (tested.clone(), Test::Equals),
    };
    let values: Vec<Value> = values.iter().map(|value| Value::new(value.as_bytes())).collect();
    let members = move |texts: Column| -> PolarsResult<Column> {
        let texts = texts.str()?;
        let chunks = texts.downcast_iter().map(|array| members_of(array, &values, test));
        Ok(BooleanChunked::from_chunk_iter(texts.name().clone(), chunks).into_series().into_column())
    };
    Some(text.map(members, |_, field| Ok(Field::new(field.name().clone(), DataType::Boolean))))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Test {
    Equals,
    StartsWith,
}

/// A listed value, and its view as a column of texts would hold it.
struct Value {
    bytes: Vec<u8>,
    view: View,
}

impl Value {
    fn new(bytes: &[u8]) -> Value {
        Value { bytes: bytes.to_vec(), view: View::new_from_bytes(bytes, 0, 0) }
    }

    /// Whether the text with `view` equals this value; `text` gives its
    /// bytes, read only when the view cannot tell.
    fn equals<'a>(&self, view: &View, text: impl FnOnce() -> &'a [u8]) -> bool {
        if view.length != self.view.length || view.prefix != self.view.prefix {
            return false;
        }
        match self.bytes.len() <= View::MAX_INLINE_SIZE as usize {
            // Up to 12 bytes the view holds the whole text, zeros after it.
            true => view.as_u128() == self.view.as_u128(),
            false => text() == self.bytes.as_slice(),
        }
    }

    /// Whether the text with `view` starts with this value.
    fn starts<'a>(&self, view: &View, text: impl FnOnce() -> &'a [u8]) -> bool {
        let length = self.bytes.len();
        if (view.length as usize) < length {
            return false;
        }
        match length <= 4 {
            true => {
                let mask = u32::MAX.checked_shr(32 - 8 * length as u32).unwrap_or(0);
                view.prefix & mask == self.view.prefix & mask
            }
            false => text().starts_with(&self.bytes),
        }
    }
}

/// Whether each text passes `test` against one of `values`; blank for a blank text.
fn members_of(texts: &Utf8ViewArray, values: &[Value], test: Test) -> BooleanArray {
    let views = texts.views();
    let text = |row: usize| texts.value(row).as_bytes();
    let bits = match test {
        Test::Equals => bits_of(texts.len(), |row| values.iter().any(|value| value.equals(&views[row], || text(row)))),
        Test::StartsWith => {
            bits_of(texts.len(), |row| values.iter().any(|value| value.starts(&views[row], || text(row))))
        }
    };
    BooleanArray::new(ArrowDataType::Boolean, bits, texts.validity().cloned())
}

/// `rows` bits, each `bit(row)`, packed eight to a byte in a loop the
/// compiler keeps tight (an iterator of bools was a call per row).
fn bits_of(rows: usize, bit: impl Fn(usize) -> bool) -> Bitmap {
    let mut bytes = Vec::with_capacity(rows.div_ceil(8));
    for start in (0..rows).step_by(8) {
        let byte = (start..rows.min(start + 8)).fold(0u8, |byte, row| byte | u8::from(bit(row)) << (row - start));
        bytes.push(byte);
    }
    Bitmap::from_u8_vec(bytes, rows)
}

/// The values of a literal list of texts with no blank, as polars' SQL
/// writes `IN (...)`: the values imploded into one list.
fn listed_texts(list: &Expr) -> Option<Vec<String>> {
    let Expr::Agg(AggExpr::Implode { input, .. }) = list else { return None };
    let Expr::Literal(LiteralValue::Series(series)) = input.as_ref() else { return None };
    let texts = series.str().ok()?;
    texts.iter().map(|value| value.map(str::to_string)).collect()
}

/// `LEFT(x, n)` of a text column x and a positive n, as polars' SQL writes it.
fn left_of(expr: &Expr) -> Option<(&Expr, usize)> {
    let Expr::Function { input, function: FunctionExpr::StringExpr(StringFunction::Slice) } = expr else {
        return None;
    };
    let [text @ Expr::Column(_), Expr::Literal(offset), Expr::Literal(length)] = input.as_slice() else {
        return None;
    };
    match (offset.extract_i64().ok()?, usize::try_from(length.extract_i64().ok()?).ok()?) {
        (0, length) if length > 0 => Some((text, length)),
        _ => None,
    }
}

fn is_text(expr: &Expr, frame: &LazyFrame) -> bool {
    let schema = frame.clone().select([expr.clone().alias("__tested")]).collect_schema();
    schema.ok().and_then(|schema| schema.get("__tested").cloned()) == Some(DataType::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(text: &str) -> Expr {
        polars::sql::sql_expr(text).unwrap()
    }

    fn frame() -> LazyFrame {
        df!(
            "LS" => [Some("V3"), Some("V41"), Some("C2"), None, Some("V"), Some("é3")],
            "RNE" => [Some("S"), Some("P"), None, Some("T"), Some("B"), Some("SP")],
            "NAME" => [Some("placement-ends"), Some("placementXends"), Some("placement"), None, Some(""), Some("placement-ends-x")],
            "N" => [1i64, 2, 3, 4, 5, 6],
        )
        .unwrap()
        .lazy()
    }

    fn rewritten(text: &str) -> Expr {
        text_lists_as_comparisons(sql(text), &frame())
    }

    fn values(expr: Expr) -> Vec<Option<bool>> {
        let frame = frame().select([expr.alias("v")]).collect().unwrap();
        frame.column("v").unwrap().bool().unwrap().iter().collect()
    }

    /// Worked by hand, row by row, and equal to polars' `is_in`:
    /// LS V3 V41 C2 blank V é3 -> LEFT 2 in (V3, V4): yes yes no blank no no;
    /// RNE S P blank T B SP in (S, P, B): yes yes blank no yes no, and with
    /// blanks as '' in ('', S): yes no yes no no no; NAME (longer than a
    /// view holds) in (placement-ends, placement): yes no yes blank no no,
    /// and LEFT 10 in (placement-): rows 1 and 6 (row 2 has an X there,
    /// the others are too short).
    #[test]
    fn comparisons_answer_as_is_in_does() {
        let (yes, no) = (Some(true), Some(false));
        for (text, expected) in [
            ("LEFT(LS, 2) IN ('V3', 'V4')", [yes, yes, no, None, no, no]),
            ("RNE IN ('S', 'P', 'B')", [yes, yes, None, no, yes, no]),
            ("RNE NOT IN ('S', 'P', 'B')", [no, no, None, yes, no, yes]),
            ("COALESCE(RNE, '') IN ('', 'S')", [yes, no, yes, no, no, no]),
            ("LEFT(LS, 2) IN ('é3')", [no, no, no, None, no, yes]),
            ("LEFT(LS, 1) IN ('V')", [yes, yes, no, None, yes, no]),
            // A value shorter than LEFT's: compared with LEFT's texts (V3 V4 C2 blank V é3).
            ("LEFT(LS, 2) IN ('V3', 'V')", [yes, no, no, None, yes, no]),
            ("NAME IN ('placement-ends', 'placement')", [yes, no, yes, None, no, no]),
            // Of placement's length and start, differing in its last byte.
            ("NAME IN ('placemenX')", [no, no, no, None, no, no]),
            ("LEFT(NAME, 10) IN ('placement-')", [yes, no, no, None, no, yes]),
        ] {
            assert_ne!(format!("{:?}", rewritten(text)), format!("{:?}", sql(text)), "{text} rewritten");
            assert_eq!(values(rewritten(text)), expected, "{text}");
            assert_eq!(values(sql(text)), expected, "{text} by is_in");
        }
    }

    /// Left to `is_in`: a number column, a list with a blank, a long list.
    #[test]
    fn other_lists_stay_with_is_in() {
        for text in ["N IN (1, 2)", "RNE IN ('S', NULL)", "RNE IN ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i')"] {
            assert_eq!(format!("{:?}", rewritten(text)), format!("{:?}", sql(text)), "{text}");
        }
    }
}
