//! Aggregates of row-by-row expressions (`MAX(CASE WHEN ... END)`,
//! `MIN(CASE ...) OVER (PARTITION BY child)`) with their inputs worked out
//! first, as columns of the frame they aggregate: polars then aggregates a
//! plain column with its own kernels, where it evaluated an expression
//! inside an aggregate group by group (slicing every input for each of a
//! consortium's hundreds of thousands of children; BENCHMARKS.md). Only
//! inputs that are row by row move: anything looking at other rows (a
//! window, a shift, an aggregate, a list literal outside `IN`) would mean
//! something else over the whole frame than within a group.

use polars::prelude::*;

/// Names the hoisted columns of one plan: `__input_0`, `__input_1`, ...
#[derive(Default)]
pub(super) struct Inputs {
    count: usize,
    /// The hoisted columns, in the order made.
    pub columns: Vec<Expr>,
}

impl Inputs {
    /// `expr` with every aggregate's row-by-row input (other than a bare
    /// column) replaced by a new column; its expression is pushed to
    /// `columns`. SQL's `SUM` counts its input's blanks (`null_count`) to
    /// give NULL for a group of blanks: that input moves too.
    pub(super) fn hoist(&mut self, expr: Expr) -> Expr {
        expr.map_expr(|node| match node {
            Expr::Agg(aggregate) => Expr::Agg(self.hoist_input(aggregate)),
            Expr::Function { input, function: FunctionExpr::NullCount } => match input.as_slice() {
                [single] => Expr::Function {
                    input: vec![self.hoisted(single).unwrap_or_else(|| single.clone())],
                    function: FunctionExpr::NullCount,
                },
                _ => Expr::Function { input, function: FunctionExpr::NullCount },
            },
            other => other,
        })
    }

    fn hoist_input(&mut self, mut aggregate: AggExpr) -> AggExpr {
        let input = match &mut aggregate {
            AggExpr::Min { input, .. }
            | AggExpr::Max { input, .. }
            | AggExpr::Count { input, .. }
            | AggExpr::Median(input)
            | AggExpr::NUnique(input)
            | AggExpr::First(input)
            | AggExpr::FirstNonNull(input)
            | AggExpr::Last(input)
            | AggExpr::LastNonNull(input)
            | AggExpr::Mean(input)
            | AggExpr::Sum(input) => input,
            _ => return aggregate,
        };
        if let Some(column) = self.hoisted(input) {
            *input = Arc::new(column);
        }
        aggregate
    }

    /// The column `input` becomes, when it is worth one: not a bare column,
    /// row by row, and reading a row (a constant, `SUM(1)`, is aggregated
    /// by polars as one value per group, which a column of it would not be).
    fn hoisted(&mut self, input: &Expr) -> Option<Expr> {
        let constant = || input.clone().meta().root_names().is_empty();
        if matches!(input, Expr::Column(_)) || !row_by_row(input) || constant() {
            return None;
        }
        let name = format!("__input_{}", self.count);
        self.count += 1;
        self.columns.push(input.clone().alias(name.as_str()));
        Some(col(name.as_str()))
    }
}

/// Whether `expr` gives each row a value from that row alone: columns,
/// single-value literals, arithmetic and comparisons, `CASE`, casts, and
/// the functions SQL's `IS NULL`, `IN`, `NOT`, `LEFT`, `COALESCE` and the
/// like compile to (and the engine's own row-by-row functions).
pub(crate) fn row_by_row(expr: &Expr) -> bool {
    match expr {
        Expr::Column(_) => true,
        Expr::Literal(value) => value.is_scalar(),
        Expr::Alias(input, _) | Expr::Cast { expr: input, .. } => row_by_row(input),
        Expr::BinaryExpr { left, right, .. } => row_by_row(left) && row_by_row(right),
        Expr::Ternary { predicate, truthy, falsy } => row_by_row(predicate) && row_by_row(truthy) && row_by_row(falsy),
        Expr::AnonymousFunction { input, options, .. } => options.is_elementwise() && input.iter().all(row_by_row),
        Expr::Function { input, function } => match (function, input.as_slice()) {
            // The list of an `IN` is a literal of many values, read whole for
            // every row (polars' SQL writes it imploded into one list).
            (FunctionExpr::Boolean(BooleanFunction::IsIn { .. }), [values, list]) if literal_list(list) => {
                row_by_row(values)
            }
            (function, _) => row_by_row_function(function) && input.iter().all(row_by_row),
        },
        _ => false,
    }
}

fn literal_list(list: &Expr) -> bool {
    match list {
        Expr::Literal(_) => true,
        Expr::Agg(AggExpr::Implode { input, .. }) => matches!(input.as_ref(), Expr::Literal(_)),
        _ => false,
    }
}

fn row_by_row_function(function: &FunctionExpr) -> bool {
    use BooleanFunction as B;
    use StringFunction as S;
    match function {
        FunctionExpr::Boolean(boolean) => {
            matches!(boolean, B::IsNull | B::IsNotNull | B::Not | B::IsNan | B::IsNotNan)
        }
        FunctionExpr::StringExpr(string) => matches!(
            string,
            S::Slice
                | S::Head
                | S::Tail
                | S::Lowercase
                | S::Uppercase
                | S::LenBytes
                | S::LenChars
                | S::StartsWith
                | S::EndsWith
                | S::StripChars
                | S::StripCharsStart
                | S::StripCharsEnd
                | S::Contains { .. }
        ),
        FunctionExpr::TemporalExpr(temporal) => {
            matches!(temporal, TemporalFunction::Year | TemporalFunction::Month | TemporalFunction::Day)
        }
        FunctionExpr::Business(BusinessFunction::BusinessDayCount { .. }) => true,
        FunctionExpr::Abs | FunctionExpr::Negate | FunctionExpr::FillNull | FunctionExpr::Sign => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hoisted(expr: Expr) -> (String, Vec<String>) {
        let mut inputs = Inputs::default();
        let expr = inputs.hoist(expr);
        (format!("{expr:?}"), inputs.columns.iter().map(|column| format!("{column:?}")).collect())
    }

    /// `MAX(CASE WHEN a > 1 THEN 1 ELSE 0 END)`: the CASE becomes a column.
    #[test]
    fn a_row_by_row_input_becomes_a_column() {
        let case = when(col("a").gt(lit(1))).then(lit(1)).otherwise(lit(0));
        let (expr, columns) = hoisted(case.clone().max() + col("b").sum());
        assert_eq!(expr, format!("{:?}", col("__input_0").max() + col("b").sum()));
        assert_eq!(columns, [format!("{:?}", case.alias("__input_0"))]);
    }

    /// SQL's `SUM(CASE ...)`: blank for a group of blanks, so it counts the
    /// input's blanks against the rows; both the total's and the count's
    /// inputs become columns.
    #[test]
    fn a_sum_and_its_null_count_lose_their_inputs() {
        let case = when(col("a").gt(lit(1))).then(lit(1)).otherwise(lit(0));
        let sql_sum = |input: Expr| when(input.clone().null_count().lt(col("a").len())).then(input.sum());
        let (expr, columns) = hoisted(sql_sum(case.clone()).otherwise(lit(NULL)));
        let expected = when(col("__input_0").null_count().lt(col("a").len())).then(col("__input_1").sum());
        assert_eq!(expr, format!("{:?}", expected.otherwise(lit(NULL))));
        assert_eq!(
            columns,
            [format!("{:?}", case.clone().alias("__input_0")), format!("{:?}", case.alias("__input_1"))]
        );
    }

    /// Inside a window too: the input of `MIN(...) OVER (...)` moves, the window stays.
    #[test]
    fn a_window_keeps_its_partition_and_loses_its_input() {
        let input = col("start").is_null().not();
        let (expr, columns) = hoisted(input.clone().min().over([col("child")]).unwrap());
        assert_eq!(expr, format!("{:?}", col("__input_0").min().over([col("child")]).unwrap()));
        assert_eq!(columns.len(), 1);
    }

    /// SQL's `IN` list, as polars' SQL writes it, is read whole by every
    /// row: `MAX(CASE WHEN n IN (1, 2) ...)` loses its input.
    #[test]
    fn an_in_list_is_row_by_row() {
        let case = polars::sql::sql_expr("CASE WHEN n IN (1, 2) THEN 1 ELSE 0 END").unwrap();
        let (expr, columns) = hoisted(case.clone().max());
        assert_eq!(expr, format!("{:?}", col("__input_0").max()));
        assert_eq!(columns, [format!("{:?}", case.alias("__input_0"))]);
    }

    /// Inputs that look at other rows, bare columns and constants stay where they are.
    #[test]
    fn inputs_reading_other_rows_stay() {
        for input in [
            col("a"),
            col("a").shift(lit(1)),
            col("a").sum().over([col("child")]).unwrap(),
            col("a") - col("a").mean(),
            col("a").reverse(),
            lit(1),
            lit(1) + lit(2),
        ] {
            let (expr, columns) = hoisted(input.clone().max());
            assert_eq!((expr, columns.len()), (format!("{:?}", input.max()), 0));
        }
    }
}
