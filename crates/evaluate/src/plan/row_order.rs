//! `LAG` and `LEAD` as a look at the neighbouring row of a frame sorted
//! once by partition and order, and windows kept within their snapshot.

use super::root_names;
use crate::columns::{snapshot_keys, AUTHORITY, PERIOD, WINDOW_COLUMNS};
use crate::row_sort;
use polars::prelude::*;

/// `OVER (PARTITION BY child ...)` must not reach across snapshots: every
/// authority's period is a separate extract, so both join every partition.
/// In row-level stages, a `LAG`/`LEAD` becomes a neighbour lookup in a
/// frame sorted once for it (see `RowOrder`).
pub(super) fn partition_windows_by_snapshot(expr: Expr, mut row_order: Option<&mut Option<RowOrder>>) -> Expr {
    expr.map_expr(|node| match node {
        Expr::Over { function, mut partition_by, order_by, mapping } => {
            partition_by.extend(snapshot_keys());
            let neighbour = row_order
                .as_deref_mut()
                .and_then(|chosen| RowOrder::neighbour_shift(chosen, &function, &partition_by, order_by.as_ref()));
            neighbour.unwrap_or(Expr::Over { function, partition_by, order_by, mapping })
        }
        other => other,
    })
}

/// A window over exactly the row order's partition, over the partition
/// number the sort gives each row instead: equal exactly for rows of one
/// partition, as the sort checks, and one integer, where polars groups
/// the partition's own columns (authority, period, a child's id as text)
/// by encoding them row by row. For the row-level stages after the sort.
pub(super) fn windows_by_partition_number(expr: Expr, order: &RowOrder) -> Expr {
    expr.map_expr(|node| match node {
        Expr::Over { function, partition_by, order_by, mapping } if order.is_partition(&partition_by) => {
            Expr::Over { function, partition_by: vec![partition_number()], order_by, mapping }
        }
        other => other,
    })
}

/// The sort's partition number, flagged as sorted: a partition's rows are
/// together and the numbers rise (snapshots in order, then hashes, or a
/// count of partitions), so polars groups them as runs of equal numbers,
/// slices of the frame, without hashing a row. Only for rows still in the
/// sort's order (a filter keeps it).
pub(crate) fn partition_number() -> Expr {
    let sorted = |mut numbers: Column| {
        numbers.set_sorted_flag(polars::series::IsSorted::Ascending);
        Ok(numbers)
    };
    col(PARTITION).map(sorted, |_, field| Ok(field.clone()))
}

/// The order a stage's rows are sorted into before it runs, so that `LAG`
/// and `LEAD` are a look at the neighbouring row: sort by partition then
/// order, shift, and blank the rows whose neighbour is in another partition.
/// Polars evaluates `shift().over()` partition by partition, which is slow
/// for the millions of tiny partitions extracts give (a child in one
/// authority's snapshot): re-referrals for 20 authorities took 9.3 s that
/// way (see BENCHMARKS.md). Rows tying on the order keep their order in the
/// frame (a stable sort), so results are deterministic. One order per
/// stage: a second window with a different order keeps polars' `over`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RowOrder {
    partition: Vec<Expr>,
    order: Expr,
    options: SortOptions,
}

impl RowOrder {
    /// The sort keys: partition keys, then the order.
    pub(super) fn keys(&self) -> impl Iterator<Item = &Expr> {
        self.partition.iter().chain([&self.order])
    }

    /// Rows that tie with another on the partition and the order: which of
    /// them `LAG` calls the previous one follows the extract's row order.
    pub(crate) fn ties(&self) -> Expr {
        let partition_by = self.keys().cloned().collect();
        Expr::Over { function: Arc::new(len()), partition_by, order_by: None, mapping: WindowMapping::GroupsToRows }
            .gt(lit(1))
    }

    /// The columns the partition (the snapshot's aside) and the order read.
    pub(crate) fn named_columns(&self) -> (Vec<String>, Vec<String>) {
        let snapshot = snapshot_keys();
        let own = self.partition.iter().filter(|key| !snapshot.contains(key));
        (root_names(own), root_names([&self.order].into_iter()))
    }

    /// Whether `keys` are the partition's, in any order.
    pub(crate) fn is_partition(&self, keys: &[Expr]) -> bool {
        keys.iter().all(|key| self.partition.contains(key)) && self.partition.iter().all(|key| keys.contains(key))
    }

    /// Whether the sort needs `period_end` and the like.
    pub(crate) fn reads_window_columns(&self) -> bool {
        root_names(self.keys()).iter().any(|name| WINDOW_COLUMNS.contains(&name.as_str()))
    }

    /// The rows in order, with a `__partition` column numbering their
    /// partitions (for `LAG`'s test of the row before). By a permutation
    /// sorted here when the order is by a number or a date (`row_sort`);
    /// else, or when two partitions share a hash, by polars' sort. The frame
    /// is whole by then: a sort sees every row, so no filter may be pushed before it.
    pub(crate) fn sort(&self, frame: LazyFrame) -> LazyFrame {
        let order = self.clone();
        let sort = move |mut rows: DataFrame| {
            let sorted = row_sort::sorted(
                // One chunk: gathering from the hundreds of extracts' chunks was slower than the sort.
                rows.rechunk_mut_par(),
                partition_hash(&order.partition),
                &order.partition,
                &order.order,
                order.options,
            )?;
            let (mut rows, numbers) = match sorted {
                Some(sorted) => sorted,
                None => {
                    let rows = order.polars_sort(rows.lazy()).collect()?;
                    let numbers =
                        row_sort::partition_numbers(&rows.clone().lazy().select(order.partition.clone()).collect()?)?;
                    (rows, numbers)
                }
            };
            rows.with_column(UInt64Chunked::from_vec(PARTITION.into(), numbers).into_column())?;
            Ok(rows)
        };
        let with_partition = |input: &Schema| -> PolarsResult<SchemaRef> {
            let mut schema = input.clone();
            schema.insert(PARTITION.into(), DataType::UInt64);
            Ok(Arc::new(schema))
        };
        frame.map(sort, OptFlags::empty(), Some(Arc::new(with_partition)), Some("row order"))
    }

    /// Sorted by a hash of the partition first: comparing one number settles
    /// nearly every comparison, where the partition itself (authority,
    /// period, a child's id as text) took three, one of them of strings (a
    /// quarter of a consortium's evaluation time). The partition and the
    /// order follow the hash, so a partition's rows are together and in
    /// order whatever the hash: partitions sharing a hash stay apart, and
    /// the result is exact. Ties end at the row number, so an unstable sort
    /// (quicker than a merge sort) gives the one order a stable sort would.
    /// Only the order *of* partitions changes, which nothing downstream reads.
    fn polars_sort(&self, frame: LazyFrame) -> LazyFrame {
        let mut keys = vec![partition_hash(&self.partition)];
        keys.extend(self.keys().cloned());
        keys.push(col(ROW_NUMBER));
        let mut descending = vec![false; keys.len()];
        descending[keys.len() - 2] = self.options.descending;
        let mut nulls_last = vec![false; keys.len()];
        nulls_last[keys.len() - 2] = self.options.nulls_last;
        let options = SortMultipleOptions::default()
            .with_order_descending_multi(descending)
            .with_nulls_last_multi(nulls_last)
            .with_maintain_order(false);
        frame.with_row_index(ROW_NUMBER, None).sort_by_exprs(keys, options).drop(cols([ROW_NUMBER]))
    }

    /// The neighbour form of a shift over ordered partitions, if the stage's
    /// order is (or can become) this window's; None for anything else.
    pub(super) fn neighbour_shift(
        chosen: &mut Option<RowOrder>,
        function: &Expr,
        partition_by: &[Expr],
        order_by: Option<&(Arc<Expr>, SortOptions)>,
    ) -> Option<Expr> {
        let Expr::Function { input, function: FunctionExpr::Shift } = function else { return None };
        let [values, Expr::Literal(offset)] = input.as_slice() else { return None };
        let offset = offset.clone().to_any_value()?.extract::<i64>()?;
        let (order, options) = order_by?;
        // Snapshot keys first: the stacked frame is nearly in that order
        // already. A constant (polars' `lit(1)` for no PARTITION BY) partitions nothing.
        let snapshot = snapshot_keys();
        let own = partition_by.iter().filter(|key| !matches!(key, Expr::Literal(_)) && !snapshot.contains(key));
        let partition: Vec<Expr> = snapshot.iter().chain(own).cloned().collect();
        let wanted = RowOrder { partition, order: order.as_ref().clone(), options: *options };
        if chosen.get_or_insert_with(|| wanted.clone()) != &wanted {
            return None;
        }
        // The sort numbers the partitions: one comparison of integers, where
        // comparing the partition's own values took one per key, text among them.
        let same_partition = col(PARTITION).eq(col(PARTITION).shift(lit(offset)));
        Some(when(same_partition).then(values.clone().shift(lit(offset))).otherwise(lit(NULL)))
    }
}

/// One number per row, equal for rows of the same partition: the
/// snapshot (authority and period) in the top 24 bits, so that the sorted
/// rows stay near where they were and moving them is mostly cache-local,
/// and the partition's values hashed with a fixed seed (so that runs sort
/// alike) below. Any number would be exact, as the partition's own values
/// follow it in the sort; this one makes nearly every comparison end at
/// it. (Numbering the partitions exactly, by polars' grouping, cost more
/// than the comparisons it saved.)
pub(super) fn partition_hash(partition: &[Expr]) -> Expr {
    let hash = |columns: &mut [Column]| -> PolarsResult<Column> {
        let seed = PlSeedableRandomStateQuality::seed_from_u64(0);
        let [authority, period, partition @ ..] = columns else {
            polars_bail!(ComputeError: "the partition sort key needs the authority and period")
        };
        let mut hashes = vec![0u64; authority.len()];
        for column in partition.iter() {
            column.vec_hash_combine(seed.clone(), &mut hashes)?;
        }
        let (authority, period) = (authority.i32()?, period.i32()?);
        // 9 bits of member (a group has at most `groups::MOST_MEMBERS`) and 15 of month.
        let snapshot = |authority: i32, period: i32| {
            ((authority as u64) << 15 | (period as u64 & 0x7FFF)) << row_sort::SNAPSHOT_SHIFT
        };
        // The engine's own columns have no blanks: read as plain values (a blank counts as 0).
        let (authority, period) = (authority.rechunk(), period.rechunk());
        let snapshots: Vec<u64> = match (authority.cont_slice(), period.cont_slice()) {
            (Ok(authority), Ok(period)) => authority.iter().zip(period).map(|(a, p)| snapshot(*a, *p)).collect(),
            _ => authority.iter().zip(period.iter()).map(|(a, p)| snapshot(a.unwrap_or(0), p.unwrap_or(0))).collect(),
        };
        let keys: Vec<u64> = hashes
            .iter()
            .zip(snapshots)
            .map(|(hash, snapshot)| snapshot | (hash & ((1 << row_sort::SNAPSHOT_SHIFT) - 1)))
            .collect();
        Ok(UInt64Chunked::from_vec(PARTITION_HASH.into(), keys).into_column())
    };
    let inputs: Vec<Expr> = [col(AUTHORITY), col(PERIOD)].into_iter().chain(partition.iter().cloned()).collect();
    map_multiple(hash, inputs, |_, _| Ok(Field::new(PARTITION_HASH.into(), DataType::UInt64)))
}

pub(super) const PARTITION_HASH: &str = "__partition_hash";

/// Set by `RowOrder::sort`: equal for neighbouring rows of one partition.
pub(crate) const PARTITION: &str = "__partition";

pub(super) const ROW_NUMBER: &str = "__row_number";

#[cfg(test)]
mod tests {
    use super::*;

    fn over(partition_by: Vec<Expr>) -> Expr {
        let function = Arc::new(col("start").min());
        Expr::Over { function, partition_by, order_by: None, mapping: WindowMapping::GroupsToRows }
    }

    /// A child's partition in one authority's month, in any order, is the
    /// sort's partition: its window goes by the partition number. A
    /// partition by fewer or other keys (or a key twice in place of one) keeps its own.
    #[test]
    fn only_a_window_over_exactly_the_sorts_partition_is_numbered() {
        let order = RowOrder {
            partition: vec![col(AUTHORITY), col(PERIOD), col("child")],
            order: col("start"),
            options: SortOptions::default(),
        };
        let numbered = |partition: Vec<Expr>| {
            let rewritten = windows_by_partition_number(over(partition.clone()), &order);
            rewritten != over(partition)
        };
        assert!(numbered(vec![col("child"), col(AUTHORITY), col(PERIOD)]));
        assert!(numbered(vec![col(PERIOD), col("child"), col(AUTHORITY)]));
        assert!(!numbered(vec![col(AUTHORITY), col(PERIOD)]));
        assert!(!numbered(vec![col("child"), col("carer"), col(AUTHORITY), col(PERIOD)]));
        assert!(!numbered(vec![col(AUTHORITY), col(AUTHORITY), col(PERIOD)]));
        let rewritten = windows_by_partition_number(over(vec![col("child"), col(AUTHORITY), col(PERIOD)]), &order);
        let Expr::Over { partition_by, .. } = rewritten else { panic!("still a window") };
        assert_eq!(root_names(partition_by.iter()), [PARTITION]);
    }
}
