//! SQL's `x IN ('a', 'b')` over text as a comparison with each value, and
//! `LEFT(x, n) IN (...)` with values of n characters as a test of x's
//! start. polars' `is_in` hashes every row's text to look it up in a set,
//! and `LEFT` builds a new column of texts first: together most of a tenth
//! of placement stability's evaluation for a consortium (BENCHMARKS.md),
//! where comparing a short text is comparing its 16-byte view.
//!
//! The answers are the same: a blank `x` gives blank (SQL's unknown) both
//! ways, and a row's text either equals (starts with) one of the values or
//! none. Lists holding a blank, lists longer than [`MOST_VALUES`], and any
//! other `x` than a text column or `LEFT` of one stay with `is_in`.

use polars::prelude::*;

/// Beyond this many values one hash lookup costs less than the comparisons.
const MOST_VALUES: usize = 8;

/// `expr` with each short `IN` list over a text column (or `LEFT` of one)
/// made comparisons; `frame` is what `expr` runs on, for the column's type.
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
    let each: Vec<Expr> = match (tested, left_of(tested)) {
        (Expr::Column(_), _) => values.iter().map(|value| tested.clone().eq(lit(value.as_str()))).collect(),
        // `LEFT(x, n)` equals an n-character value exactly when x starts with it.
        (_, Some((text, length))) if values.iter().all(|value| value.chars().count() == length) => {
            values.iter().map(|value| text.clone().str().starts_with(lit(value.as_str()))).collect()
        }
        _ => return None,
    };
    each.into_iter().reduce(Expr::or)
}

/// The values of a literal list of texts with no blank, as polars' SQL
/// writes `IN (...)`: the values imploded into one list.
fn listed_texts(list: &Expr) -> Option<Vec<String>> {
    let Expr::Agg(AggExpr::Implode { input, .. }) = list else { return None };
    let Expr::Literal(LiteralValue::Series(series)) = input.as_ref() else { return None };
    let texts = series.str().ok()?;
    texts.iter().map(|value| value.map(str::to_string)).collect()
}

/// `LEFT(x, n)` for a positive n, as polars' SQL writes it: `x` and n.
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

    /// A text column's list becomes comparisons; LEFT's becomes starts.
    #[test]
    fn short_text_lists_become_comparisons() {
        let expected = col("RNE").eq(lit("S")).or(col("RNE").eq(lit("P"))).or(col("RNE").eq(lit("B")));
        assert_eq!(format!("{:?}", rewritten("RNE IN ('S', 'P', 'B')")), format!("{expected:?}"));
        let starts = |value: &str| col("LS").str().starts_with(lit(value));
        let expected = starts("V3").or(starts("V4")).not();
        assert_eq!(format!("{:?}", rewritten("LEFT(LS, 2) NOT IN ('V3', 'V4')")), format!("{expected:?}"));
    }

    /// Worked by hand, row by row, and equal to polars' `is_in`:
    /// LS V3 V41 C2 blank V é3 -> LEFT 2 in (V3, V4): yes yes no blank no no;
    /// RNE S P blank T B SP in (S, P, B): yes yes blank no yes no.
    #[test]
    fn comparisons_answer_as_is_in_does() {
        for (text, expected) in [
            ("LEFT(LS, 2) IN ('V3', 'V4')", [Some(true), Some(true), Some(false), None, Some(false), Some(false)]),
            ("RNE IN ('S', 'P', 'B')", [Some(true), Some(true), None, Some(false), Some(true), Some(false)]),
            ("RNE NOT IN ('S', 'P', 'B')", [Some(false), Some(false), None, Some(true), Some(false), Some(true)]),
            ("LEFT(LS, 2) IN ('é3')", [Some(false), Some(false), Some(false), None, Some(false), Some(true)]),
        ] {
            assert_ne!(format!("{:?}", rewritten(text)), format!("{:?}", sql(text)), "{text} rewritten");
            assert_eq!(values(rewritten(text)), expected, "{text}");
            assert_eq!(values(sql(text)), expected, "{text} by is_in");
        }
    }

    /// Left to `is_in`: a number column, a list with a blank, a value of
    /// another length than LEFT's, a long list, another expression.
    #[test]
    fn other_lists_stay_with_is_in() {
        for text in [
            "N IN (1, 2)",
            "RNE IN ('S', NULL)",
            "LEFT(LS, 2) IN ('V3', 'V')",
            "RNE IN ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i')",
            "LOWER(RNE) IN ('s')",
        ] {
            assert_eq!(format!("{:?}", rewritten(text)), format!("{:?}", sql(text)), "{text}");
        }
    }
}
