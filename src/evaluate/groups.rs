//! A consortium evaluated a group of members at a time: read a group's
//! extracts, evaluate every indicator for it, keep the values and drop the
//! frames before the next group. Members never meet inside an evaluation
//! (every partition and join is within one member and month), so the values
//! are those of a single pass; only a group's data is in memory at once, so
//! peak memory stops growing with the number of members, and the memory a
//! group frees is reused by the next rather than taken fresh from the
//! system (on a virtual machine, fresh pages cost the kernel's zeroing).

use super::compute::{compute_members, Computed};
use super::extracts::{read_members, span, Data, Reading};
use super::loaded::Loaded;
use super::quality::{data_quality, DataQuality};
use crate::error::Error;
use crate::parallel;
use crate::project::{Member, Month};

/// Members per group: enough to keep both cores busy within a group (the
/// evaluation is parallel across indicators and polars' own threads, and
/// the next group is read meanwhile), few enough that a national build's
/// peak memory is a few groups' worth. Measured in BENCHMARKS.md (1, 2, 3,
/// 4 with reading ahead; 1, 2, 4, 10 and 20 before it).
pub const GROUP: usize = 2;

/// `GROUP`, or the `SCORECARD_GROUP` environment variable (for the
/// benchmarks, which compare group sizes).
pub fn group_size() -> usize {
    std::env::var("SCORECARD_GROUP").ok().and_then(|group| group.parse().ok()).filter(|g| *g > 0).unwrap_or(GROUP)
}

/// What a build needs of the extracts once they are evaluated: the data
/// (without frames, for row counts, hashes and which extracts exist), every
/// member's values and the data-quality counts.
pub struct Evaluated {
    pub data: Data,
    pub computed: Computed,
    pub quality: DataQuality,
}

/// Every member's values, evaluated `group` members at a time, and the
/// months they cover (as one pass over every member would give them).
pub fn compute_in_groups(loaded: &Loaded, reading: Reading, group: usize) -> Result<(Computed, Vec<Month>), Error> {
    let evaluated = evaluate_in_groups(loaded, reading, group, false)?;
    Ok((evaluated.computed, evaluated.data.months))
}

/// A build's evaluation, `group` members at a time (data quality counted
/// too), each group read while the one before it is evaluated.
pub fn evaluate_in_groups(
    loaded: &Loaded,
    reading: Reading,
    group: usize,
    with_quality: bool,
) -> Result<Evaluated, Error> {
    let chunks: Vec<&[Member]> = loaded.members.chunks(group.max(1)).collect();
    let read = |chunk: &&[Member]| read_members(loaded, chunk, reading);
    let evaluate = |chunk: &&[Member], data| evaluate_group(loaded, chunk, data, with_quality);
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
    for (index, (chunk, part)) in chunks.iter().zip(parts).enumerate() {
        let part = match part.data.months == months {
            true => part,
            false => {
                let mut data = read_members(loaded, chunk, reading)?;
                data.months = months.clone();
                evaluate_group(loaded, chunk, Ok(data), with_quality)?
            }
        };
        match whole.as_mut() {
            None => whole = Some(part),
            Some(whole) => {
                let offset = index * group.max(1);
                whole.data.absorb(part.data, offset);
                whole.computed.extend(part.computed);
                whole.quality.absorb(part.quality, offset);
            }
        }
    }
    whole.ok_or_else(|| Error::Usage("no members to evaluate".into()))
}

/// One group's data evaluated; its frames dropped.
fn evaluate_group(
    loaded: &Loaded,
    chunk: &[Member],
    data: Result<Data, Error>,
    with_quality: bool,
) -> Result<Evaluated, Error> {
    let mut data = data?;
    let computed = compute_members(loaded, chunk, &data)?;
    let quality = if with_quality { data_quality(loaded, &data)? } else { DataQuality::default() };
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
