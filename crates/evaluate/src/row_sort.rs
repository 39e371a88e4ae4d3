//! Sorting rows into a `RowOrder` without polars' multi-column sort, when
//! the order is by a whole number or a date (a referral's date, say): each
//! row's partition hash and place are packed into one 64-bit integer,
//! sorted snapshot by snapshot, each partition's rows then by the order,
//! and the frame is gathered once. Re-referrals for a consortium
//! sort millions of rows, and polars compared each tie through the other
//! columns one value at a time. Rows already in the order (an extract
//! written child by child) are numbered where they stand, unmoved.

use polars::prelude::*;

/// The bits of a partition hash above which the snapshot is.
pub(super) const SNAPSHOT_SHIFT: u32 = 40;

/// `rows` in order, with each sorted row's partition hash (equal for
/// neighbours exactly when they share the partition); or None when the
/// order is not a number or a date, or when two partitions of one snapshot
/// share a hash (polars' sort then does it: rows sharing a hash must share
/// the partition for the order to be exact). The partition is checked on
/// the sorted frame, so that its columns are gathered once.
pub(super) fn sorted(
    rows: &DataFrame,
    hash: Expr,
    partition: &[Expr],
    order: &Expr,
    options: SortOptions,
) -> PolarsResult<Option<(DataFrame, Vec<u64>)>> {
    let keys = rows.clone().lazy().select([hash.alias("__hash"), order.clone().alias("__order")]).collect()?;
    let order = keys.column("__order")?;
    if !(order.dtype().is_integer() || order.dtype() == &DataType::Date) {
        return Ok(None);
    }
    let order = order.cast(&DataType::Int64)?.i64()?.rechunk().into_owned();
    let Some(values) = order.downcast_iter().next() else { return Ok(None) };
    let order = OrderKeys { values: values.values(), valid: values.validity(), options };
    let hashes = keys.column("__hash")?.u64()?.rechunk();
    let hashes: Vec<u64> = match hashes.cont_slice() {
        Ok(values) => values.to_vec(),
        Err(_) => hashes.iter().map(|hash| hash.unwrap_or(0)).collect(),
    };
    let partition_of = |rows: &DataFrame| {
        let names = (0..partition.len()).map(|index| format!("__partition_{index}"));
        let keys: Vec<Expr> = partition.iter().zip(names).map(|(key, name)| key.clone().alias(name.as_str())).collect();
        rows.clone().lazy().select(keys).collect()
    };
    if grouped_in_order(&hashes, &order) {
        let same = same_as_previous(&partition_of(rows)?)?;
        if let Some(numbers) = run_numbers(&hashes, &same) {
            return Ok(Some((rows.clone(), numbers)));
        }
    }
    let Some((permutation, hashes)) = sorted_rows(&hashes, &order) else { return Ok(None) };
    let sorted = rows.take(&IdxCa::from_vec("__permutation".into(), permutation))?;
    let partition = partition_of(&sorted)?;
    Ok((!shares_a_hash(&hashes, &partition)?).then_some((sorted, hashes)))
}

/// Whether the rows are in the order already, as extracts written child by
/// child are (SSDA903's episodes): snapshots one after another, each
/// partition's rows together and in order. The order is then the frame's
/// own, as a stable sort leaves a sorted run, and nothing need move: only
/// the order *of* partitions differs from the sort's, which nothing
/// downstream reads. Told by the hashes: a hash that begins two runs of one
/// snapshot (a partition split, or two sharing a hash) means a sort.
fn grouped_in_order(hashes: &[u64], order: &OrderKeys) -> bool {
    let snapshot = |hash: &u64| hash >> SNAPSHOT_SHIFT;
    // Snapshot by snapshot, so that rows in another order (referrals by
    // date) are told from the first snapshot's.
    let mut starts = Vec::new();
    for run in hashes.chunk_by(|a, b| snapshot(a) == snapshot(b)) {
        starts.clear();
        starts.extend(run.chunk_by(|a, b| a == b).map(|rows| rows[0]));
        starts.sort_unstable();
        if starts.windows(2).any(|pair| pair[0] == pair[1]) {
            return false;
        }
    }
    if hashes.windows(2).any(|pair| snapshot(&pair[0]) > snapshot(&pair[1])) {
        return false;
    }
    (1..hashes.len()).all(|row| hashes[row - 1] != hashes[row] || order.key(row - 1) <= order.key(row))
}

/// Each row's partition number for rows grouped by partition: a count of
/// the runs begun so far, rising as `partition_number` promises. None when
/// neighbours share a hash but not the partition (two partitions hashed
/// alike side by side), which the sort then settles.
fn run_numbers(hashes: &[u64], same: &[bool]) -> Option<Vec<u64>> {
    let mut numbers = Vec::with_capacity(hashes.len());
    let mut count = 0;
    for (row, hash) in hashes.iter().enumerate() {
        let continues = row > 0 && hashes[row - 1] == *hash;
        if continues != same[row] {
            return None;
        }
        count += u64::from(!continues);
        numbers.push(count);
    }
    Some(numbers)
}

/// Bits of a row's sort key below the partition hash (its 40 bits under
/// the snapshot): the row's place in its snapshot's rows, so that no two
/// keys are equal and a partition's rows stay in the frame's order.
const PLACE_BITS: u32 = 23;

/// The rows in order, with their partition hashes. Stacked rows come
/// snapshot by snapshot, and each snapshot's rows are sorted on their own
/// (fewer comparisons than sorting them all together): by hash and place
/// packed in 64 bits, then each partition's few rows by the order, stably,
/// so that ties keep the frame's order. Sorting 64-bit keys, and the order
/// only within a partition, costs less than one sort of 128-bit keys
/// holding the order too. None when the snapshots are not in increasing
/// order, or one has more rows than a key can number.
fn sorted_rows(hashes: &[u64], order: &OrderKeys) -> Option<(Vec<IdxSize>, Vec<u64>)> {
    let snapshot = |hash: &u64| hash >> SNAPSHOT_SHIFT;
    let place_of = |key: &u64| (key & ((1 << PLACE_BITS) - 1)) as usize;
    let (mut rows, mut sorted_hashes) = (Vec::with_capacity(hashes.len()), Vec::with_capacity(hashes.len()));
    let (mut keys, mut orders, mut start) = (Vec::new(), Vec::new(), 0);
    let mut scratch = Vec::new();
    let mut previous = None;
    for run in hashes.chunk_by(|a, b| snapshot(a) == snapshot(b)) {
        if previous.is_some_and(|previous| previous >= snapshot(&run[0])) || run.len() > 1 << PLACE_BITS {
            return None;
        }
        previous = Some(snapshot(&run[0]));
        keys.clear();
        let hash_and_place =
            |(place, hash): (usize, &u64)| (hash & ((1 << SNAPSHOT_SHIFT) - 1)) << PLACE_BITS | place as u64;
        keys.extend(run.iter().enumerate().map(hash_and_place));
        sort_keys(&mut keys, &mut scratch);
        // Worked out here, snapshot by snapshot, so that they are in the cache when sorting reads them.
        orders.clear();
        orders.extend((start..start + run.len()).map(|row| order.key(row)));
        for partition in keys.chunk_by_mut(|a, b| a >> PLACE_BITS == b >> PLACE_BITS) {
            // A partition's rows are in place order: already in the order
            // when the frame is (referrals by date), and left so.
            let order_of = |key: &u64| orders[place_of(key)];
            if partition.len() > 1 && !partition.is_sorted_by_key(order_of) {
                partition.sort_by_key(order_of);
            }
            for key in partition.iter() {
                rows.push((start + place_of(key)) as IdxSize);
                sorted_hashes.push(run[place_of(key)]);
            }
        }
        start += run.len();
    }
    Some((rows, sorted_hashes))
}

/// Digits of a radix sort's pass.
const RADIX_BITS: u32 = 11;

/// Keys (partition hash above place) in increasing order. Many keys are
/// sorted by their hash bits a digit at a time, least significant first,
/// each pass keeping equal digits in the order before it, so that a hash's
/// keys end in place order as a full sort leaves them (the places differ):
/// four linear passes where a comparison sort of a snapshot's thousands of
/// keys makes a dozen comparisons each. Few keys are sorted by comparison.
fn sort_keys(keys: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    if keys.len() < 1 << (RADIX_BITS + 1) {
        keys.sort_unstable();
        return;
    }
    scratch.clear();
    scratch.resize(keys.len(), 0);
    let digit = |key: u64, shift: u32| ((key >> shift) & ((1 << RADIX_BITS) - 1)) as usize;
    for shift in (PLACE_BITS..PLACE_BITS + SNAPSHOT_SHIFT).step_by(RADIX_BITS as usize) {
        let mut starts = vec![0usize; 1 << RADIX_BITS];
        keys.iter().for_each(|key| starts[digit(*key, shift)] += 1);
        let mut start = 0;
        for count in starts.iter_mut() {
            (start, *count) = (start + *count, start);
        }
        for key in keys.iter() {
            let place = &mut starts[digit(*key, shift)];
            scratch[*place] = *key;
            *place += 1;
        }
        std::mem::swap(keys, scratch);
    }
}

/// The order's values (one array), read row by row as `order_key`s.
struct OrderKeys<'a> {
    values: &'a [i64],
    valid: Option<&'a polars_arrow::bitmap::Bitmap>,
    options: SortOptions,
}

impl OrderKeys<'_> {
    fn key(&self, row: usize) -> (bool, u64) {
        let present = self.valid.is_none_or(|valid| valid.get_bit(row));
        order_key(present.then(|| self.values[row]), self.options)
    }
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

/// Whether two neighbouring rows in sorted order share a hash but not the
/// partition: two partitions of one snapshot hashed alike. Their rows are
/// neighbours somewhere if so, as rows sharing a hash are sorted together.
fn shares_a_hash(hashes: &[u64], partition: &DataFrame) -> PolarsResult<bool> {
    let same = same_as_previous(partition)?;
    // No rows (an extract with a header only) has no neighbours.
    Ok(hashes.windows(2).zip(same.get(1..).unwrap_or_default()).any(|(pair, same)| pair[0] == pair[1] && !same))
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
    let height = partition.height();
    // Each row but the first against the row before, column by column, as bits.
    let mut same: Option<BooleanChunked> = None;
    for column in partition.columns() {
        let values = column.as_materialized_series();
        let after = values.slice(1, height.saturating_sub(1));
        let equal = after.equal_missing(&values.slice(0, height.saturating_sub(1)))?;
        same = Some(match same {
            Some(same) => &same & &equal,
            None => equal,
        });
    }
    let mut rows = Vec::with_capacity(height);
    if height > 0 {
        rows.push(false);
    }
    match same {
        Some(same) if same.null_count() == 0 => {
            for bits in same.downcast_iter() {
                rows.extend(bits.values().iter());
            }
        }
        Some(same) => rows.extend(same.iter().map(|equal| equal.unwrap_or(false))),
        None => rows.resize(height, true),
    }
    Ok(rows)
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
        // Two columns: a partition is both alike. Authority 1 2 2 2, child A A A B -> 1 2 2 3.
        let two = DataFrame::new(
            4,
            vec![Column::new("authority".into(), [1i32, 2, 2, 2]), Column::new("child".into(), ["A", "A", "A", "B"])],
        )
        .unwrap();
        assert_eq!(partition_numbers(&two).unwrap(), [1, 2, 2, 3]);
        assert_eq!(partition_numbers(&DataFrame::empty()).unwrap(), Vec::<u64>::new());
    }

    fn keys_of(order: &Int64Chunked, options: SortOptions) -> OrderKeys<'_> {
        let array = order.downcast_iter().next().expect("one array");
        OrderKeys { values: array.values(), valid: array.validity(), options }
    }

    fn sorted(hashes: &[u64], order: &[Option<i64>]) -> Option<(Vec<IdxSize>, Vec<u64>)> {
        let order = Int64Chunked::from_iter_options("order".into(), order.iter().copied());
        sorted_rows(hashes, &keys_of(&order, options(false, false)))
    }

    /// By hash, then order, then place in the frame, snapshot by snapshot.
    /// Snapshot 1: hashes 7 5 7 5 with orders 2 1 1 1 sort to rows 1 3 (the
    /// fives, tied, in frame order) then 2 0 (the sevens by order);
    /// snapshot 2's row 4 follows.
    #[test]
    fn rows_sort_by_hash_order_and_place_within_each_snapshot() {
        let at = |snapshot: u64, hash: u64| (snapshot << SNAPSHOT_SHIFT) | hash;
        let hashes = [at(1, 7), at(1, 5), at(1, 7), at(1, 5), at(2, 1)];
        let (rows, sorted_hashes) = sorted(&hashes, &[Some(2), Some(1), Some(1), Some(1), None]).unwrap();
        assert_eq!(rows, [1, 3, 2, 0, 4]);
        assert_eq!(sorted_hashes, [at(1, 5), at(1, 5), at(1, 7), at(1, 7), at(2, 1)]);
    }

    /// The radix sort against a comparison sort, on enough keys to take it:
    /// random hashes of 40 bits, and a few hashes shared by many places.
    #[test]
    fn many_keys_sort_as_a_comparison_sort_does() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (rows, distinct_hashes) in [(5000usize, 1u64 << SNAPSHOT_SHIFT), (20_000, 40), (1 << 12, 3)] {
            let mut keys: Vec<u64> =
                (0..rows).map(|place| (next() % distinct_hashes) << PLACE_BITS | place as u64).collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            sort_keys(&mut keys, &mut Vec::new());
            assert_eq!(keys, expected, "{rows} rows");
        }
    }

    /// A frame in order: children hashed apart sort by hash then date; hashed
    /// alike (a collision), the sort is left to polars. Child a (hash 1) has
    /// rows 1 (day 5) and 3 (day 3), child b (hash 2) rows 0 (day 2) and 2
    /// (day 1): in order, days 3 5 1 2.
    #[test]
    fn a_frame_sorts_unless_two_partitions_share_a_hash() {
        let rows = df!("CHILD" => ["b", "a", "b", "a"], "D" => [2i64, 5, 1, 3]).unwrap();
        let apart = when(col("CHILD").eq(lit("a"))).then(lit(1u64)).otherwise(lit(2u64)).cast(DataType::UInt64);
        let (frame, hashes) = super::sorted(&rows, apart, &[col("CHILD")], &col("D"), SortOptions::default())
            .unwrap()
            .expect("no collision");
        let days: Vec<Option<i64>> = frame.column("D").unwrap().i64().unwrap().iter().collect();
        assert_eq!(days, [Some(3), Some(5), Some(1), Some(2)]);
        assert_eq!(hashes, [1, 1, 2, 2]);
        let alike = col("D").cast(DataType::UInt64) * lit(0u64) + lit(7u64);
        assert!(super::sorted(&rows, alike, &[col("CHILD")], &col("D"), SortOptions::default()).unwrap().is_none());
    }

    /// Rows already grouped by child and in date order stay where they are,
    /// numbered by run: b b a (days 1 2 5) -> 1 1 2. Child b split around
    /// a, or b's days falling, or a and b hashed alike, are sorted (or, for
    /// the collision, left to polars): the sort puts a (hash 1) before b.
    #[test]
    fn rows_already_in_order_are_numbered_where_they_stand() {
        let hash = || when(col("CHILD").eq(lit("a"))).then(lit(1u64)).otherwise(lit(2u64)).cast(DataType::UInt64);
        let run = |children: [&str; 3], days: [i64; 3], hash: Expr| {
            let rows = df!("CHILD" => children, "D" => days).unwrap();
            super::sorted(&rows, hash, &[col("CHILD")], &col("D"), SortOptions::default()).unwrap().map(
                |(frame, numbers)| {
                    let days: Vec<i64> = frame.column("D").unwrap().i64().unwrap().into_no_null_iter().collect();
                    (days, numbers)
                },
            )
        };
        assert_eq!(run(["b", "b", "a"], [1, 2, 5], hash()), Some((vec![1, 2, 5], vec![1, 1, 2])));
        assert_eq!(run(["b", "a", "b"], [1, 5, 2], hash()), Some((vec![5, 1, 2], vec![1, 2, 2])));
        assert_eq!(run(["b", "b", "a"], [2, 1, 5], hash()), Some((vec![5, 1, 2], vec![1, 2, 2])));
        let alike = col("D").cast(DataType::UInt64) * lit(0u64) + lit(7u64);
        assert_eq!(run(["b", "b", "a"], [1, 2, 5], alike), None);
    }

    /// Against a plain stable sort of (snapshot, hash, order) on generated
    /// rows: few hashes (partitions of several rows), many tied and blank
    /// orders, each way round and with nulls first or last.
    #[test]
    fn rows_sort_as_a_stable_sort_by_hash_then_order() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for case in 0..200 {
            let rows = 1 + next(60) as usize;
            let mut hashes: Vec<u64> = (0..rows).map(|_| (1 + next(3)) << SNAPSHOT_SHIFT | next(6)).collect();
            hashes.sort_by_key(|hash| hash >> SNAPSHOT_SHIFT);
            let values: Vec<Option<i64>> =
                (0..rows).map(|_| [None, Some(-1), Some(0), Some(next(4) as i64)][next(4) as usize]).collect();
            let (descending, nulls_last) = (case % 2 == 0, case % 3 == 0);
            let sort_options = options(descending, nulls_last);
            let order = Int64Chunked::from_iter_options("order".into(), values.iter().copied());
            let (found, _) = sorted_rows(&hashes, &keys_of(&order, sort_options)).expect("snapshots in order");
            let mut expected: Vec<usize> = (0..rows).collect();
            let value_order = |a: &Option<i64>, b: &Option<i64>| match (a, b) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) if nulls_last => std::cmp::Ordering::Greater,
                (None, Some(_)) => std::cmp::Ordering::Less,
                (Some(_), None) if nulls_last => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Greater,
                (Some(a), Some(b)) if descending => b.cmp(a),
                (Some(a), Some(b)) => a.cmp(b),
            };
            expected.sort_by(|&a, &b| hashes[a].cmp(&hashes[b]).then_with(|| value_order(&values[a], &values[b])));
            let found: Vec<usize> = found.iter().map(|row| *row as usize).collect();
            assert_eq!(found, expected, "{hashes:?} {values:?} {descending} {nulls_last}");
        }
    }

    /// Snapshots out of order are left to polars' sort.
    #[test]
    fn snapshots_out_of_order_are_left_to_polars() {
        let at = |snapshot: u64| (snapshot << SNAPSHOT_SHIFT) | 5;
        assert_eq!(sorted(&[at(2), at(1), at(2)], &[Some(0); 3]), None);
    }
}
