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
    /// Which comparator rates and draws: `england` (default), `region` or `neighbours`.
    #[serde(default)]
    pub compare_with: Comparator,
    /// How the ten statistical neighbours are averaged: `mean` (default) or
    /// `median` (as DfE's National Framework dashboard shows them).
    #[serde(default)]
    pub neighbours_average: Average,
}

/// An average of several authorities' figures.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Average {
    /// The sum over the count.
    #[default]
    Mean,
    /// The middle figure (the mean of the middle two for an even count).
    Median,
}

impl Average {
    /// None for no figures.
    pub fn of(self, figures: &[f64]) -> Option<f64> {
        if figures.is_empty() {
            return None;
        }
        match self {
            Average::Mean => Some(figures.iter().sum::<f64>() / figures.len() as f64),
            Average::Median => {
                let mut sorted = figures.to_vec();
                sorted.sort_by(f64::total_cmp);
                let middle = sorted.len() / 2;
                Some(if sorted.len().is_multiple_of(2) {
                    (sorted[middle - 1] + sorted[middle]) / 2.0
                } else {
                    sorted[middle]
                })
            }
        }
    }
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
    /// The mean (or median, `neighbours_average`) of the authority's ten statistical neighbours.
    Neighbours,
}
