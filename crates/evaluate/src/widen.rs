//! Integer arithmetic that cannot wrap. polars keeps the narrow types its
//! functions return (a date's month or day is an 8-bit integer, its year
//! 32-bit, a text's length and a row number unsigned 32-bit, `CAST(.. AS
//! INTEGER)` 32-bit) and its arithmetic wraps on overflow without a word:
//! `EXTRACT(MONTH FROM DOB) * 100` gave -80 for December (1,200 - 5 x 256). So, like DuckDB
//! (whose date parts are BIGINT), every integer operand of `+ - * / %`
//! narrower than 64 bits, or unsigned, is widened to a signed 64-bit integer
//! before the operation. The operand's type comes from the frame the
//! expression runs on, so nothing else changes type.

use polars::prelude::*;

/// `expr` with every narrow or unsigned integer operand of its arithmetic
/// widened to `Int64`.
pub(super) fn widen_integer_arithmetic(expr: Expr, frame: &LazyFrame) -> Expr {
    expr.map_expr(|node| match node {
        Expr::BinaryExpr { left, op, right } if is_arithmetic(op) => Expr::BinaryExpr {
            left: Arc::new(widened(Arc::unwrap_or_clone(left), frame)),
            op,
            right: Arc::new(widened(Arc::unwrap_or_clone(right), frame)),
        },
        other => other,
    })
}

fn is_arithmetic(op: Operator) -> bool {
    use Operator::*;
    matches!(op, Plus | Minus | Multiply | RustDivide | TrueDivide | FloorDivide | Modulus)
}

/// The operand cast to `Int64` when its type is a narrow or unsigned
/// integer; unchanged otherwise, and when its type cannot be worked out (the
/// type check that follows reports that).
fn widened(operand: Expr, frame: &LazyFrame) -> Expr {
    // Literals are typed by polars against the other side: never the narrow one.
    if matches!(operand, Expr::Literal(_)) {
        return operand;
    }
    let dtype = frame
        .clone()
        .select([operand.clone().alias("__operand")])
        .collect_schema()
        .ok()
        .and_then(|schema| schema.get("__operand").cloned());
    match dtype {
        Some(dtype) if needs_widening(&dtype) => operand.cast(DataType::Int64),
        _ => operand,
    }
}

fn needs_widening(dtype: &DataType) -> bool {
    use DataType::*;
    matches!(dtype, Int8 | Int16 | Int32 | UInt8 | UInt16 | UInt32 | UInt64)
}
