//! Everything a build's bundles are made from, evaluated once and shared
//! by every bundle and comparison it writes.

use super::earlier::EarlierPack;
use crate::evaluate::{Computed, Data, DataQuality, Loaded, Snapshot};
use crate::judge::{PublishedBenchmarks, Ranking, Warning};
use crate::project::Month;
use crate::render::BuildTime;
use std::collections::BTreeMap;

pub(crate) struct BuildContext<'a> {
    pub loaded: &'a Loaded,
    pub data: &'a Data,
    /// Each member's series after disclosure control: `[member][indicator]`.
    pub published: &'a Computed,
    pub benchmarks: &'a PublishedBenchmarks,
    pub quality: &'a DataQuality,
    /// Each (member, month)'s plausibility warnings.
    pub warnings: &'a BTreeMap<Snapshot, Vec<Warning>>,
    /// A consortium's ranking of each month built, for each member's "3rd of 20".
    pub rankings: &'a BTreeMap<Month, Ranking>,
    /// The pack each (member, month) compares its history with.
    pub earlier: &'a BTreeMap<Snapshot, EarlierPack>,
    pub built: &'a BuildTime,
}
