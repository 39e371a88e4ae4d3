//! Per-entity aggregates worked out over the runs of the sort's partition
//! number. After `LAG`'s sort an entity's rows are consecutive, one run of
//! equal numbers each, so an aggregate of a plain column (`MAX(__input_0)`,
//! `SUM(__input_1)`, the key's `FIRST`) is a loop over each run. Polars'
//! group-by on the sorted number sliced every input once per entity into an
//! array of its own (allocated and dropped: some 7% of a consortium's run,
//! BENCHMARKS.md). The loops give what polars gives, kind by kind (below);
//! any other aggregate, or a column of another type, leaves the whole
//! group-by to polars.

use super::plan::{row_by_row, PARTITION};
use polars::chunked_array::cast::CastOptions;
use polars::prelude::*;

/// What is worked out over each run of one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The run's first row's value (blank or not), as polars' `first`.
    First,
    /// The last row's value, as polars' `last`.
    Last,
    /// The largest value; blank when every value is, as polars' `max`.
    Max,
    /// The smallest value; blank when every value is.
    Min,
    /// The total; blanks count as nothing, and a run of blanks totals 0, as
    /// polars' group-by `sum` gives.
    Sum,
    /// The values that are not blank, as polars' `count`.
    Count,
    /// The blanks, as polars' `null_count` (SQL's `SUM` asks, to be blank
    /// for a run of blanks).
    Blanks,
    /// The rows, as polars' `len`.
    Rows,
}

/// One aggregate of one column, and the column of the runs' results.
#[derive(Debug, Clone)]
struct Leaf {
    kind: Kind,
    input: PlSmallStr,
    output: PlSmallStr,
}

/// A group-by's aggregates as loops over runs, then the expressions that
/// combine their results (`MAX(a) + SUM(b)`), row by row over the runs.
pub(crate) struct RunAggregates {
    leaves: Vec<Leaf>,
    combined: Vec<Expr>,
}

impl RunAggregates {
    /// The aggregates over runs, or None when one of them is of a kind (or
    /// reads a column of a type) the loops do not work out.
    pub(crate) fn new(aggregates: &[Expr], schema: &Schema) -> Option<RunAggregates> {
        let mut leaves = vec![Leaf { kind: Kind::First, input: PARTITION.into(), output: PARTITION.into() }];
        let mut combined = vec![col(PARTITION)];
        for aggregate in aggregates {
            let name = aggregate.clone().meta().output_name().ok()?;
            let mut supported = true;
            let rewritten = aggregate.clone().map_expr(|node| match leaf_of(&node, schema) {
                Some((kind, input)) => {
                    let output: PlSmallStr = format!("__run_{}", leaves.len()).into();
                    leaves.push(Leaf { kind, input, output: output.clone() });
                    col(output)
                }
                None => {
                    supported &=
                        !matches!(node, Expr::Agg(_) | Expr::Function { function: FunctionExpr::NullCount, .. });
                    node
                }
            });
            // Anything left that looks at other rows (a count of rows, a
            // window) would mean something else over the runs' results.
            if !supported || !row_by_row(&rewritten) {
                return None;
            }
            combined.push(rewritten.alias(name));
        }
        Some(RunAggregates { leaves, combined })
    }

    /// `rows` (sorted by partition number) grouped by it: one row per run,
    /// the partition number first, then the aggregates.
    pub(crate) fn grouped(&self, rows: LazyFrame) -> LazyFrame {
        let leaves = self.leaves.clone();
        let schema_leaves = self.leaves.clone();
        let runs = move |frame: DataFrame| aggregate_runs(&frame, &leaves);
        let schema = move |input: &Schema| -> PolarsResult<SchemaRef> {
            let mut schema = Schema::default();
            for leaf in &schema_leaves {
                let dtype = input.try_get(&leaf.input)?;
                schema.insert(leaf.output.clone(), output_type(leaf.kind, dtype));
            }
            Ok(Arc::new(schema))
        };
        // Only the columns the loops read: polars' projection does not look
        // through the loops, and would keep every column up to them.
        let mut read: Vec<PlSmallStr> = Vec::new();
        for leaf in &self.leaves {
            if !read.contains(&leaf.input) {
                read.push(leaf.input.clone());
            }
        }
        let rows = rows.select(read.into_iter().map(col).collect::<Vec<_>>());
        rows.map(runs, OptFlags::empty(), Some(Arc::new(schema)), Some("per-entity runs")).select(self.combined.clone())
    }
}

/// `expr` with each `AGG(column) OVER (PARTITION BY` the sort's partition
/// number`)` that the loops work out (of `schema`'s columns) made the loop's
/// result for each row's run: placement stability's first episode start is
/// one. Polars sliced the column once per child for it, as its group-by did.
pub(crate) fn windows_over_runs(expr: Expr, schema: &Schema) -> Expr {
    expr.map_expr(|node| match &node {
        Expr::Over { function, partition_by, order_by: None, mapping: WindowMapping::GroupsToRows }
            if is_partition_number(partition_by) =>
        {
            match leaf_of(function, schema) {
                Some((kind, input)) => run_window(kind, input),
                None => node,
            }
        }
        _ => node,
    })
}

fn is_partition_number(partition_by: &[Expr]) -> bool {
    match partition_by {
        [key] => key.clone().meta().root_names().iter().map(|name| name.as_str()).eq([PARTITION]),
        _ => false,
    }
}

/// Each row's run's `kind` of `input`.
fn run_window(kind: Kind, input: PlSmallStr) -> Expr {
    let leaf = Leaf { kind, input: input.clone(), output: input.clone() };
    let broadcast = move |columns: &mut [Column]| -> PolarsResult<Column> {
        let [partition, input] = columns else { polars_bail!(ComputeError: "a run window reads two columns") };
        let runs = runs_of(partition)?;
        let per_run = leaf_column(&leaf, input.as_materialized_series(), &runs)?;
        let run_of_row =
            runs.iter().enumerate().flat_map(|(run, (start, end))| std::iter::repeat_n(run as IdxSize, end - start));
        let rows: IdxCa = run_of_row.collect_ca(PlSmallStr::EMPTY);
        Ok(per_run.take(&rows)?.with_name(input.name().clone()).into_column())
    };
    let output = move |_: &Schema, fields: &[Field]| match fields {
        [_, input] => Ok(Field::new(input.name().clone(), output_type(kind, input.dtype()))),
        _ => polars_bail!(ComputeError: "a run window reads two columns"),
    };
    // Not elementwise: a row's value depends on its run's other rows.
    apply_multiple(broadcast, [col(PARTITION), col(input)], output, false)
}

/// `AGG(column)` of a kind and column type the loops work out.
fn leaf_of(node: &Expr, schema: &Schema) -> Option<(Kind, PlSmallStr)> {
    let (kind, input) = match node {
        Expr::Agg(aggregate) => match aggregate {
            AggExpr::First(input) => (Kind::First, input.as_ref()),
            AggExpr::Last(input) => (Kind::Last, input.as_ref()),
            AggExpr::Max { input, .. } => (Kind::Max, input.as_ref()),
            AggExpr::Min { input, .. } => (Kind::Min, input.as_ref()),
            AggExpr::Sum(input) => (Kind::Sum, input.as_ref()),
            AggExpr::Count { input, include_nulls: false } => (Kind::Count, input.as_ref()),
            AggExpr::Count { input, include_nulls: true } => (Kind::Rows, input.as_ref()),
            _ => return None,
        },
        Expr::Function { input, function: FunctionExpr::NullCount } => match input.as_slice() {
            [single] => (Kind::Blanks, single),
            _ => return None,
        },
        _ => return None,
    };
    let Expr::Column(name) = input else { return None };
    let dtype = schema.get(name)?;
    let whole_numbers = matches!(dtype, DataType::Int32 | DataType::Int64 | DataType::UInt32 | DataType::Date);
    let fits = match kind {
        Kind::First | Kind::Last | Kind::Count | Kind::Blanks | Kind::Rows => true,
        // Not floats: polars adds a run's floats in its own order, and a
        // last digit could differ.
        Kind::Max | Kind::Min => whole_numbers,
        Kind::Sum => whole_numbers && *dtype != DataType::Date,
    };
    fits.then(|| (kind, name.clone()))
}

/// The type polars gives the aggregate of a column of `dtype`.
fn output_type(kind: Kind, dtype: &DataType) -> DataType {
    match kind {
        Kind::Count | Kind::Blanks | Kind::Rows => IDX_DTYPE,
        _ => dtype.clone(),
    }
}

/// Each run of equal partition numbers, as its first row and the row after its last.
fn runs_of(partition: &Column) -> PolarsResult<Vec<(usize, usize)>> {
    let partition = partition.as_materialized_series().u64()?.rechunk();
    let starts = run_starts(&partition);
    Ok(starts.windows(2).map(|pair| (pair[0], pair[1])).collect())
}

/// Where each run of equal partition numbers starts, and the row count.
fn run_starts(partition: &UInt64Chunked) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut previous = None;
    for (row, number) in partition.iter().enumerate() {
        if row == 0 || number != previous {
            starts.push(row);
        }
        previous = number;
    }
    starts.push(partition.len());
    starts
}

fn aggregate_runs(frame: &DataFrame, leaves: &[Leaf]) -> PolarsResult<DataFrame> {
    let runs = runs_of(frame.column(PARTITION)?)?;
    let columns = leaves
        .iter()
        .map(|leaf| {
            let input = frame.column(&leaf.input)?.as_materialized_series();
            Ok(leaf_column(leaf, input, &runs)?.with_name(leaf.output.clone()).into_column())
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(runs.len(), columns)
}

/// One leaf's result for every run, of the type polars would give it.
fn leaf_column(leaf: &Leaf, input: &Series, runs: &[(usize, usize)]) -> PolarsResult<Series> {
    let rows = |pick: fn(&(usize, usize)) -> usize| -> IdxCa {
        runs.iter().map(|run| pick(run) as IdxSize).collect_ca(PlSmallStr::EMPTY)
    };
    match leaf.kind {
        Kind::First => input.take(&rows(|run| run.0)),
        Kind::Last => input.take(&rows(|run| run.1 - 1)),
        Kind::Count | Kind::Blanks | Kind::Rows => {
            let input = input.rechunk();
            let validity = input.chunks().first().and_then(|array| array.validity());
            let count = |&(start, end): &(usize, usize)| {
                let filled = validity.map_or(end - start, |bits| (start..end).filter(|row| bits.get_bit(*row)).count());
                match leaf.kind {
                    Kind::Count => filled,
                    Kind::Blanks => end - start - filled,
                    _ => end - start,
                }
            };
            let counts: IdxCa = runs.iter().map(|run| count(run) as IdxSize).collect_ca(PlSmallStr::EMPTY);
            Ok(counts.into_series())
        }
        Kind::Max | Kind::Min | Kind::Sum => {
            let physical = input.to_physical_repr().rechunk();
            let values = match physical.dtype() {
                DataType::Int32 => over_runs(physical.i32()?, leaf.kind, runs),
                DataType::Int64 => over_runs(physical.i64()?, leaf.kind, runs),
                DataType::UInt32 => over_runs(physical.u32()?, leaf.kind, runs),
                other => polars_bail!(ComputeError: "no aggregate over runs of {other}"),
            };
            // A total past the type's range wraps, as polars' own does.
            let typed = values.into_series().cast_with_options(physical.dtype(), CastOptions::Overflowing)?;
            typed.cast(input.dtype())
        }
    }
}

/// Each run's `kind` of the whole numbers of `numbers` (one chunk).
fn over_runs<T>(numbers: &ChunkedArray<T>, kind: Kind, runs: &[(usize, usize)]) -> Int64Chunked
where
    T: PolarsNumericType,
    T::Native: Into<i64>,
{
    let array = numbers.downcast_iter().next();
    let run = |&(start, end): &(usize, usize)| {
        let array = array?;
        let valid = |row: usize| array.validity().is_none_or(|bits| bits.get_bit(row));
        let values = array.values()[start..end].iter().enumerate();
        fold_run(kind, values.map(|(at, value)| valid(start + at).then(|| (*value).into())))
    };
    runs.iter().map(run).collect_ca(PlSmallStr::EMPTY)
}

/// A run's maximum, minimum (None when every value is blank) or total
/// (blanks as nothing; 0 for none, wrapping as polars' does).
fn fold_run(kind: Kind, values: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    let present = values.flatten();
    match kind {
        Kind::Max => present.max(),
        Kind::Min => present.min(),
        _ => Some(present.fold(0i64, i64::wrapping_add)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::partition_number;

    /// Three runs (partitions 4, 7, 9) of an entity's rows, with blanks:
    /// run 7 is all blanks in `n`, run 9 a single row.
    fn rows() -> LazyFrame {
        df!(
            PARTITION => [4u64, 4, 4, 7, 7, 9],
            "n" => [Some(3i32), None, Some(5), None, None, Some(-2)],
            "big" => [Some(10i64), Some(20), None, None, Some(1), Some(7)],
            "day" => [Some(19_000i32), Some(18_000), None, None, Some(19_500), Some(1)],
            "key" => ["a", "a", "a", "b", "b", "c"],
        )
        .expect("a frame")
        .lazy()
        .with_column(col("day").cast(DataType::Date))
    }

    fn aggregates() -> Vec<Expr> {
        let sql_sum = when(col("n").null_count().lt(col("n").len())).then(col("n").sum()).otherwise(lit(NULL));
        vec![
            col("n").max().alias("n_max"),
            col("n").min().alias("n_min"),
            col("n").sum().alias("n_sum"),
            sql_sum.alias("n_sql_sum"),
            col("big").max().cast(DataType::Int64) + col("n").sum().cast(DataType::Int64),
            col("day").max().alias("last_day"),
            col("day").min().alias("first_day"),
            col("n").count().alias("n_count"),
            col("key").first(),
            col("big").last().alias("big_last"),
        ]
    }

    /// Worked by hand: run 4 has n 3, blank, 5 (max 5, min 3, total 8,
    /// SQL total 8, 2 values), big 10, 20, blank (max 20; + 8 = 28), days
    /// 19000, 18000, blank; run 7 has no n (max and min blank, total 0, SQL
    /// total blank, 0 values), big blank, 1 (1 + 0 = 1), day 19500; run 9
    /// is one row. And the same as polars' own group-by gives.
    #[test]
    fn aggregates_over_runs_are_polars_group_by_aggregates() {
        let mut probe = rows();
        let schema = probe.collect_schema().expect("a schema");
        let runs = RunAggregates::new(&aggregates(), &schema).expect("every aggregate is one the loops work out");
        let ours = runs.grouped(rows()).collect().expect("aggregated over runs");
        let int = |name: &str| {
            ours.column(name).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().collect::<Vec<_>>()
        };
        assert_eq!(int("n_max"), [Some(5), None, Some(-2)]);
        assert_eq!(int("n_min"), [Some(3), None, Some(-2)]);
        assert_eq!(int("n_sum"), [Some(8), Some(0), Some(-2)]);
        assert_eq!(int("n_sql_sum"), [Some(8), None, Some(-2)]);
        assert_eq!(int("big"), [Some(28), Some(1), Some(5)]);
        assert_eq!(int("last_day"), [Some(19_000), Some(19_500), Some(1)]);
        assert_eq!(int("n_count"), [Some(2), Some(0), Some(1)]);
        assert_eq!(int("big_last"), [None, Some(1), Some(7)]);
        let theirs = rows().group_by([partition_number()]).agg(aggregates()).collect().expect("polars' group-by");
        assert_eq!(ours.schema(), theirs.schema());
        assert!(ours.equals_missing(&theirs), "{ours}\n{theirs}");
    }

    /// Windows over the partition number, worked by hand from `rows`: run 4
    /// (rows 0-2), run 7 (rows 3-4), run 9 (row 5). Days' minimum 18000,
    /// 19500, 1; n's maximum 5, blank, -2; big's total 30, 1, 7; n's count
    /// 2, 0, 1; key's first a, b, c: each given to every row of its run,
    /// as polars' own window gives. A mean stays polars' window.
    #[test]
    fn windows_over_runs_are_polars_windows() {
        let over = |aggregate: Expr| Expr::Over {
            function: Arc::new(aggregate),
            partition_by: vec![partition_number()],
            order_by: None,
            mapping: WindowMapping::GroupsToRows,
        };
        let windows = [
            over(col("day").min()).alias("first_day"),
            over(col("n").max()).alias("n_max"),
            over(col("big").sum()).alias("big_sum"),
            over(col("n").count()).alias("n_count"),
            over(col("key").first()).alias("key_first"),
        ];
        let schema = rows().collect_schema().expect("a schema");
        let ours: Vec<Expr> = windows.iter().map(|window| windows_over_runs(window.clone(), &schema)).collect();
        for (our, their) in ours.iter().zip(&windows) {
            assert_ne!(format!("{our:?}"), format!("{their:?}"), "over runs");
        }
        let ours = rows().select(ours).collect().expect("windows over runs");
        let int = |name: &str| {
            ours.column(name).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().collect::<Vec<_>>()
        };
        let by_run = |values: [Option<i64>; 3]| [values[0], values[0], values[0], values[1], values[1], values[2]];
        assert_eq!(int("first_day"), by_run([Some(18_000), Some(19_500), Some(1)]));
        assert_eq!(int("n_max"), by_run([Some(5), None, Some(-2)]));
        assert_eq!(int("big_sum"), by_run([Some(30), Some(1), Some(7)]));
        assert_eq!(int("n_count"), by_run([Some(2), Some(0), Some(1)]));
        let keys: Vec<Option<&str>> = ours.column("key_first").unwrap().str().unwrap().iter().collect();
        assert_eq!(keys, [Some("a"), Some("a"), Some("a"), Some("b"), Some("b"), Some("c")]);
        let theirs = rows().select(windows).collect().expect("polars' windows");
        assert_eq!(ours.schema(), theirs.schema());
        assert!(ours.equals_missing(&theirs), "{ours}\n{theirs}");
        let mean = over(col("n").mean());
        assert_eq!(format!("{:?}", windows_over_runs(mean.clone(), &schema)), format!("{mean:?}"));
    }

    /// A float total (polars adds in its own order), or an aggregate of
    /// another kind, leaves the group-by to polars.
    #[test]
    fn other_aggregates_are_left_to_polars() {
        let mut probe = rows().with_column(col("big").cast(DataType::Float64).alias("fte"));
        let schema = probe.collect_schema().expect("a schema");
        assert!(RunAggregates::new(&[col("fte").sum()], &schema).is_none());
        assert!(RunAggregates::new(&[col("n").mean()], &schema).is_none());
        assert!(RunAggregates::new(&[col("n").sum() + col("n").mean()], &schema).is_none());
        assert!(RunAggregates::new(&[col("fte").max(), col("n").sum()], &schema).is_none());
        assert!(RunAggregates::new(&[len()], &schema).is_none());
        assert!(RunAggregates::new(&[col("fte").first(), col("n").sum()], &schema).is_some());
    }
}
