//! `[published_benchmark]`: a benchmark read from a DfE published file
//! (England, region or statistical neighbours) rather than fixed in the definition.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[published_benchmark]` in a definition.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct PublishedBenchmark {
    /// An EES CSV in the project's `[benchmarks] folder`.
    pub file: String,
    /// The published rate column...
    pub value_column: Option<String>,
    /// ...or counts to divide (x100 for percent indicators).
    pub numerator_column: Option<String>,
    /// ...and the count to divide by.
    pub denominator_column: Option<String>,
    /// Only rows whose columns have these exact values.
    #[serde(default)]
    pub filters: BTreeMap<String, String>,
    /// Which comparator rates and draws: england (default), region or neighbours.
    #[serde(default)]
    pub compare_with: Comparator,
}

/// The published comparators.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// England's figure.
    #[default]
    England,
    /// The authority's region's figure.
    Region,
    /// The mean of the authority's ten statistical neighbours.
    Neighbours,
}
