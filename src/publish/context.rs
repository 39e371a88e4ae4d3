//! Everything a build's bundles are made from, evaluated once and shared
//! by every bundle and comparison it writes.

use crate::evaluate::{Computed, Data, DataQuality, Loaded};
use crate::judge::PublishedBenchmarks;
use crate::render::BuildTime;

pub struct BuildContext<'a> {
    pub loaded: &'a Loaded,
    pub data: &'a Data,
    /// Each member's series after disclosure control: `[member][indicator]`.
    pub published: &'a Computed,
    pub benchmarks: &'a PublishedBenchmarks,
    pub quality: &'a DataQuality,
    pub built: &'a BuildTime,
}
