//! Sorting rows into a `RowOrder` without polars' multi-column sort, when
//! the order is by a whole number or a date (a referral's date, say): the
//! rows' keys go into one vector of plain tuples, sorted snapshot by
//! snapshot, and the frame is gathered once. Re-referrals for a consortium
//! sort millions of rows, and polars compared each tie through the other
//! columns one value at a time.

use polars::prelude::*;

/// What one row is sorted by: its partition's hash (the snapshot in the
/// top bits), where nulls of the order go, the order as an unsigned
/// number, and the row's position, so that the order is total and ties
/// keep the frame's order.
type Entry = (u64, bool, u64, IdxSize);

/// The bits of a partition hash above which the snapshot is.
pub(super) const SNAPSHOT_SHIFT: u32 = 40;

/// The permutation putting `rows` in order, with each sorted row's
/// partition hash (equal for neighbours exactly when they share the
/// partition); or None when the order is not a number or a date, or when
/// two partitions of one snapshot share a hash (polars' sort then does it:
/// rows sharing a hash must share the partition for the permutation to be exact).
pub(super) fn permutation(
    rows: &DataFrame,
    hash: Expr,
    partition: &[Expr],
    order: &Expr,
    options: SortOptions,
) -> PolarsResult<Option<(IdxCa, Vec<u64>)>> {
    let names: Vec<String> = (0..partition.len()).map(|index| format!("__partition_{index}")).collect();
    let mut keys = vec![hash.alias("__hash"), order.clone().alias("__order")];
    keys.extend(partition.iter().zip(&names).map(|(key, name)| key.clone().alias(name.as_str())));
    let keys = rows.clone().lazy().select(keys).collect()?;
    let order = keys.column("__order")?;
    if !(order.dtype().is_integer() || order.dtype() == &DataType::Date) {
        return Ok(None);
    }
    let order = order.cast(&DataType::Int64)?;
    let entries = sorted_entries(keys.column("__hash")?.u64()?, order.i64()?, options);
    let permutation = IdxCa::from_vec("__permutation".into(), entries.iter().map(|entry| entry.3).collect());
    let partition = keys.select(names)?.take(&permutation)?;
    let hashes: Vec<u64> = entries.iter().map(|entry| entry.0).collect();
    Ok((!shares_a_hash(&hashes, &partition)?).then_some((permutation, hashes)))
}

fn sorted_entries(hashes: &UInt64Chunked, order: &Int64Chunked, options: SortOptions) -> Vec<Entry> {
    let mut entries: Vec<Entry> = hashes
        .iter()
        .zip(order.iter())
        .enumerate()
        .map(|(row, (hash, value))| {
            let (null_goes_after, value) = order_key(value, options);
            (hash.unwrap_or(0), null_goes_after, value, row as IdxSize)
        })
        .collect();
    sort_snapshot_by_snapshot(&mut entries);
    entries
}

/// A value of the order as a number that sorts as the order asks, and
/// whether it comes after the values (a null with `nulls_last`, or a
/// value when nulls come first).
fn order_key(value: Option<i64>, options: SortOptions) -> (bool, u64) {
    match value {
        None => (options.nulls_last, 0),
        Some(value) => {
            // Flipping the sign bit keeps the order of signed numbers as unsigned ones.
            let unsigned = (value as u64) ^ (1 << 63);
            (!options.nulls_last, if options.descending { !unsigned } else { unsigned })
        }
    }
}

/// Stacked rows come snapshot by snapshot: sorting each snapshot's rows on
/// their own takes fewer comparisons than sorting them all together. Rows
/// in any other order are sorted together.
fn sort_snapshot_by_snapshot(entries: &mut [Entry]) {
    let snapshot = |entry: &Entry| entry.0 >> SNAPSHOT_SHIFT;
    let firsts: Vec<u64> = entries.chunk_by(|a, b| snapshot(a) == snapshot(b)).map(|run| snapshot(&run[0])).collect();
    if firsts.windows(2).all(|pair| pair[0] < pair[1]) {
        entries.chunk_by_mut(|a, b| snapshot(a) == snapshot(b)).for_each(|run| run.sort_unstable());
    } else {
        entries.sort_unstable();
    }
}

/// Whether two neighbouring rows in sorted order share a hash but not the
/// partition: two partitions of one snapshot hashed alike. Their rows are
/// neighbours somewhere if so, as rows sharing a hash are sorted together.
fn shares_a_hash(hashes: &[u64], partition: &DataFrame) -> PolarsResult<bool> {
    let same = same_as_previous(partition)?;
    Ok(hashes.windows(2).zip(&same[1..]).any(|(pair, same)| pair[0] == pair[1] && !same))
}

/// For rows in partition order, numbers equal exactly for neighbours in
/// the same partition: a count of the partitions begun so far.
pub(super) fn partition_numbers(partition: &DataFrame) -> PolarsResult<Vec<u64>> {
    let begun = same_as_previous(partition)?.into_iter().scan(0, |count, same| {
        *count += u64::from(!same);
        Some(*count)
    });
    Ok(begun.collect())
}

/// Whether each row's partition (the frame's columns) is the row before's;
/// false for the first row.
fn same_as_previous(partition: &DataFrame) -> PolarsResult<Vec<bool>> {
    let mut same = vec![true; partition.height()];
    for column in partition.columns() {
        let previous = column.shift(1);
        let equal = column.as_materialized_series().equal_missing(previous.as_materialized_series())?;
        for (same, equal) in same.iter_mut().zip(equal.iter()) {
            *same &= equal.unwrap_or(false);
        }
    }
    if let Some(first) = same.first_mut() {
        *first = false;
    }
    Ok(same)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(descending: bool, nulls_last: bool) -> SortOptions {
        SortOptions::default().with_order_descending(descending).with_nulls_last(nulls_last)
    }

    /// Keys sort as polars sorts the values: nulls first or last, either way round.
    #[test]
    fn order_keys_sort_as_the_values_do() {
        let values = [Some(3), None, Some(-2), Some(i64::MIN), Some(i64::MAX), Some(0)];
        for (descending, nulls_last) in [(false, false), (false, true), (true, false), (true, true)] {
            let options = options(descending, nulls_last);
            let mut by_key = values.to_vec();
            by_key.sort_by_key(|value| order_key(*value, options));
            // Worked out by hand from the values.
            let numbers: &[Option<i64>] = if descending {
                &[Some(i64::MAX), Some(3), Some(0), Some(-2), Some(i64::MIN)]
            } else {
                &[Some(i64::MIN), Some(-2), Some(0), Some(3), Some(i64::MAX)]
            };
            let expected: Vec<Option<i64>> = match nulls_last {
                true => numbers.iter().copied().chain([None]).collect(),
                false => [None].into_iter().chain(numbers.iter().copied()).collect(),
            };
            assert_eq!(by_key, expected, "descending {descending}, nulls last {nulls_last}");
        }
    }

    /// Two children of one snapshot hashed alike are found, so that polars'
    /// sort is used; the same hash in two snapshots' rows is no collision.
    #[test]
    fn partitions_sharing_a_hash_are_found() {
        let snapshot = |n: u64| n << SNAPSHOT_SHIFT;
        let children = |ids: &[&str]| DataFrame::new(ids.len(), vec![Column::new("child".into(), ids)]).unwrap();
        let apart = children(&["A", "A", "B"]);
        assert!(!shares_a_hash(&[snapshot(1) | 7, snapshot(1) | 7, snapshot(1) | 9], &apart).unwrap());
        let together = children(&["A", "B", "A"]);
        assert!(shares_a_hash(&[snapshot(1) | 7, snapshot(1) | 7, snapshot(1) | 7], &together).unwrap());
        let across = children(&["A", "B"]);
        assert!(!shares_a_hash(&[snapshot(1) | 7, snapshot(2) | 7], &across).unwrap());
    }

    /// A partition's rows share a number, and a new partition (even one with
    /// the same values later on) gets the next: A A B A -> 1 1 2 3.
    #[test]
    fn partitions_are_numbered_in_order() {
        let ids = DataFrame::new(4, vec![Column::new("child".into(), ["A", "A", "B", "A"])]).unwrap();
        assert_eq!(partition_numbers(&ids).unwrap(), [1, 1, 2, 3]);
    }

    /// Runs of snapshots in order are sorted each on its own; out of order, all together.
    #[test]
    fn snapshots_out_of_order_are_sorted_together() {
        let entry = |snapshot: u64, row: IdxSize| ((snapshot << SNAPSHOT_SHIFT) | 5, false, 0, row);
        let mut entries = vec![entry(2, 0), entry(1, 1), entry(2, 2)];
        sort_snapshot_by_snapshot(&mut entries);
        assert_eq!(entries.iter().map(|entry| entry.3).collect::<Vec<_>>(), [1, 0, 2]);
    }
}
