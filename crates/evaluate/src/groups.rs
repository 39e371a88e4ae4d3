//! A consortium evaluated a group of members at a time: read a group's
//! extracts, evaluate every indicator for it, keep the values and drop the
//! frames before the next group. Members never meet inside an evaluation
//! (every partition and join is within one member and month), so the values
//! are those of a single pass; only a group's data is in memory at once, so
//! peak memory stops growing with the number of members, and the memory a
//! group frees is reused by the next rather than taken fresh from the
//! system (on a virtual machine, fresh pages cost the kernel's zeroing).

use super::compute::{compute_members, Computed, Wanted};
use super::extracts::{read_members, span, Data, Reading};
use super::loaded::Loaded;
use super::quality::{data_quality, DataQuality};
use crate::error::{Error, UsageError};
use crate::parallel;
use crate::project::{Member, Month};
use std::ops::Range;
use std::path::Path;

/// Members per group at least: enough to keep both cores busy within a
/// group (the evaluation is parallel across indicators and polars' own
/// threads, and the next group is read meanwhile), few enough that a
/// national build's peak memory is a few groups' worth. Measured in
/// BENCHMARKS.md (1, 2, 3, 4 with reading ahead; 1, 2, 4, 10 and 20 before it).
pub(crate) const GROUP: usize = 2;

/// A group takes more members while their data folders hold less than this
/// between them: an evaluation costs a fixed amount per group besides its
/// rows (a history extract is seen at 36 month ends, each a query), so
/// small members are cheaper together. A monthly-snapshot member (some 55 MB
/// over 36 months) stays in groups of `GROUP`; history-layout members (under
/// 1 MB each) go 40 to a group: 20 authorities' history in 0.47 s in one
/// group against 1.28 s in groups of 2 (BENCHMARKS.md).
pub(crate) const GROUP_BYTES: u64 = 32 << 20;

/// How members are put in groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grouping {
    /// At most this many members in a group.
    pub members: usize,
    /// Taking more members while the group's folders stay under this size.
    pub bytes: Option<u64>,
}

/// `GROUP` members, more while under `GROUP_BYTES`; or exactly the
/// `SCORECARD_GROUP` environment variable's count (for the benchmarks,
/// which compare group sizes).
pub fn group_size() -> Grouping {
    match std::env::var("SCORECARD_GROUP").ok().and_then(|group| group.parse().ok()).filter(|g| *g > 0) {
        Some(members) => Grouping { members, bytes: None },
        None => Grouping { members: GROUP, bytes: Some(GROUP_BYTES) },
    }
}

/// The most members a group holds: the `LAG` sort's packed key numbers a
/// group's members in 9 bits (indices 0 to 511, `plan::partition_hash`),
/// and past them the rows would take polars' far slower sort. England has
/// 153 authorities.
pub(crate) const MOST_MEMBERS: usize = 512;

// The packed key's member bits (64, less the hash's and the month's 15)
// number every member of a group: checked when the engine is compiled.
const _: () = assert!(MOST_MEMBERS as u64 <= 1 << (64 - 15 - super::row_sort::SNAPSHOT_SHIFT));

/// Consecutive groups of members, by the size of each member's data.
fn group_bounds(sizes: &[u64], grouping: Grouping) -> Vec<Range<usize>> {
    let mut bounds = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    for (index, size) in sizes.iter().enumerate() {
        let count = index - start;
        let fits = grouping.bytes.is_some_and(|limit| bytes.saturating_add(*size) <= limit);
        let full = count >= MOST_MEMBERS;
        if full || count >= grouping.members.max(1) && !fits {
            bounds.push(start..index);
            (start, bytes) = (index, 0);
        }
        bytes = bytes.saturating_add(*size);
    }
    if start < sizes.len() {
        bounds.push(start..sizes.len());
    }
    bounds
}

/// The bytes of the regular files in a member's data folder, a few levels
/// deep (months, then return folders), counted only until they pass
/// `limit` (past it the member has a group to itself whatever its size);
/// unreadable entries count nothing. A consortium's members hold thousands
/// of files each: stating every one took 50 ms before any reading began.
fn folder_bytes(folder: &Path, depth: usize, limit: u64) -> u64 {
    let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
    let mut bytes = 0u64;
    for entry in entries.flatten() {
        if bytes > limit {
            break;
        }
        // Stated by name within the folder already open, without walking its
        // path again; a symbolic link is followed, by its path.
        let metadata = match entry.file_type() {
            Ok(kind) if kind.is_symlink() => std::fs::metadata(entry.path()),
            _ => entry.metadata(),
        };
        bytes = bytes.saturating_add(match metadata {
            Ok(meta) if meta.is_file() => meta.len(),
            Ok(meta) if meta.is_dir() && depth > 0 => folder_bytes(&entry.path(), depth - 1, limit - bytes),
            _ => 0,
        });
    }
    bytes
}

fn member_groups(members: &[Member], grouping: Grouping) -> Vec<Range<usize>> {
    let sizes: Vec<u64> = match grouping.bytes {
        Some(limit) => parallel::map(members, |member| folder_bytes(&member.data_dir, 3, limit)),
        None => vec![0; members.len()],
    };
    group_bounds(&sizes, grouping)
}

/// What a build needs of the extracts once they are evaluated: the data
/// (without frames, for row counts, hashes and which extracts exist), every
/// member's values and the data-quality counts.
pub struct Evaluated {
    /// The extracts read (without their frames).
    pub data: Data,
    /// Every member's values.
    pub computed: Computed,
    /// The data-quality checks' counts.
    pub quality: DataQuality,
}

/// Every member's values (with the breakdown groups' when `breakdowns`),
/// evaluated `group` members at a time, and the months they cover (as one
/// pass over every member would give them).
pub fn compute_in_groups(
    loaded: &Loaded,
    reading: Reading,
    group: Grouping,
    breakdowns: bool,
) -> Result<(Computed, Vec<Month>), Error> {
    let evaluated = evaluate_in_groups(loaded, reading, group, Wanted::values(breakdowns))?;
    Ok((evaluated.computed, evaluated.data.months))
}

/// A build's evaluation (what of it is `wanted`), `group` members at a
/// time, each group read while the one before it is evaluated.
pub fn evaluate_in_groups(
    loaded: &Loaded,
    reading: Reading,
    group: Grouping,
    wanted: Wanted,
) -> Result<Evaluated, Error> {
    let bounds = member_groups(&loaded.members, group);
    let chunks: Vec<&[Member]> = bounds.iter().map(|range| &loaded.members[range.clone()]).collect();
    let read = |chunk: &&[Member]| read_members(loaded, chunk, reading);
    let evaluate = |chunk: &&[Member], data| evaluate_group(loaded, chunk, data, wanted);
    let mut parts = Vec::new();
    let mut failed: Option<Error> = None;
    for part in parallel::read_ahead(&chunks, read, evaluate) {
        match part {
            Ok(part) => parts.push(part),
            // Every group is still read, so that every member's mistakes are
            // reported together, as one pass would.
            Err(error) => failed = Some(combined(failed, error)),
        }
    }
    if let Some(error) = failed {
        return Err(error);
    }
    // One pass gives every member the months from the first to the last any
    // member has; a group whose extracts span fewer is evaluated again over them.
    let months = span(parts.iter().flat_map(|part| part.data.months.iter()));
    let mut whole: Option<Evaluated> = None;
    for ((chunk, range), part) in chunks.iter().zip(&bounds).zip(parts) {
        let part = match part.data.months == months {
            true => part,
            false => {
                let mut data = read_members(loaded, chunk, reading)?;
                data.months = months.clone();
                evaluate_group(loaded, chunk, Ok(data), wanted)?
            }
        };
        match whole.as_mut() {
            None => whole = Some(part),
            Some(whole) => {
                let offset = range.start;
                whole.data.absorb(part.data, offset);
                whole.computed.extend(part.computed);
                whole.quality.absorb(part.quality, offset);
            }
        }
    }
    whole.ok_or(Error::Usage(UsageError::NoMembers { doing: "evaluate" }))
}

/// One group's data evaluated; its frames dropped.
fn evaluate_group(
    loaded: &Loaded,
    chunk: &[Member],
    data: Result<Data, Error>,
    wanted: Wanted,
) -> Result<Evaluated, Error> {
    let mut data = data?;
    let computed = compute_members(loaded, chunk, &data, wanted)?;
    let quality = if wanted.quality { data_quality(loaded, &data)? } else { DataQuality::default() };
    data.drop_frames();
    Ok(Evaluated { data, computed, quality })
}

/// Two groups' errors as one: their diagnostics together when both are the
/// extracts' (what reading reports), else the first.
fn combined(first: Option<Error>, next: Error) -> Error {
    match (first, next) {
        (Some(Error::Data(mut found)), Error::Data(more)) => {
            found.extend(more);
            Error::Data(found)
        }
        (Some(first), _) => first,
        (None, next) => next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1 << 20;

    /// Two month folders of three 10-byte files and a 5-byte file at the
    /// top: 65 bytes in all; with a limit of 25 the count stops once past it.
    #[test]
    fn folder_bytes_count_until_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        for month in ["2026-01", "2026-02"] {
            std::fs::create_dir(dir.path().join(month)).unwrap();
            for file in ["a.csv", "b.csv", "c.csv"] {
                std::fs::write(dir.path().join(month).join(file), [b'x'; 10]).unwrap();
            }
        }
        std::fs::write(dir.path().join("members.csv"), [b'x'; 5]).unwrap();
        assert_eq!(folder_bytes(dir.path(), 3, 1000), 65);
        let capped = folder_bytes(dir.path(), 3, 25);
        assert!((26..65).contains(&capped), "{capped}");
        // Only the top level: the 5-byte file.
        assert_eq!(folder_bytes(dir.path(), 0, 1000), 5);
        // A month folder linked from elsewhere counts, its 7-byte file too: 72.
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("d.csv"), [b'x'; 7]).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("2026-03")).unwrap();
        assert_eq!(folder_bytes(dir.path(), 3, 1000), 72);
    }

    #[test]
    fn small_members_share_a_group_until_the_bytes_run_out() {
        let sized = Grouping { members: 2, bytes: Some(32 * MB) };
        // Snapshot-sized members (55 MB each) stay two to a group.
        assert_eq!(group_bounds(&[55 * MB; 5], sized), [0..2, 2..4, 4..5]);
        // 1 MB members: 32 fit in 32 MB, the 33rd starts the next group.
        assert_eq!(group_bounds(&[MB; 40], sized), [0..32, 32..40]);
        // A large member after small ones closes their group.
        assert_eq!(group_bounds(&[MB, MB, MB, 55 * MB, MB], sized), [0..3, 3..5]);
        // A fixed count (SCORECARD_GROUP) ignores sizes.
        assert_eq!(group_bounds(&[MB; 5], Grouping { members: 2, bytes: None }), [0..2, 2..4, 4..5]);
        assert_eq!(group_bounds(&[], sized), Vec::<Range<usize>>::new());
        // However small, or whatever SCORECARD_GROUP asks, no group passes 512 members.
        assert_eq!(group_bounds(&[0; 1200], sized), [0..512, 512..1024, 1024..1200]);
        assert_eq!(group_bounds(&[0; 600], Grouping { members: 1000, bytes: None }), [0..512, 512..600]);
    }
}
