//! Red / amber / green, polarity-aware. Ratings compare the value as the
//! board sees it, rounded to the indicator's decimal places, so a value shown
//! as 90.0% against a 90% target is never amber.

use super::rounding::round_to;
use super::significance::Comparison;
use crate::language::{Polarity, RatingRule};
use serde::Serialize;

/// A rating: red, amber or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    /// Worse than the amber limit.
    Red,
    /// Between the limits.
    Amber,
    /// At or better than the green limit.
    Green,
}

impl Rag {
    /// R, A or G: the letter in the icon, for readers who cannot tell the colours apart.
    pub fn letter(self) -> &'static str {
        match self {
            Rag::Red => "R",
            Rag::Amber => "A",
            Rag::Green => "G",
        }
    }

    /// "red", "amber" or "green".
    pub fn name(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        }
    }
}

/// How many indicators are rated red, amber and green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct RagCounts {
    /// Rated red.
    pub red: usize,
    /// Rated amber.
    pub amber: usize,
    /// Rated green.
    pub green: usize,
}

/// `a` is at least as good as `b` for this polarity.
fn at_least_as_good(a: f64, b: f64, polarity: Polarity) -> bool {
    match polarity {
        Polarity::HigherIsBetter => a >= b,
        Polarity::LowerIsBetter => a <= b,
        Polarity::NoJudgement | Polarity::CloseToTarget => false,
    }
}

/// Where green ends and where amber ends: a value at or better than the
/// first is green, at or better than the second amber, otherwise red.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// Green at or better than this.
    pub green: f64,
    /// Amber at or better than this.
    pub amber: f64,
}

/// Where the bands change, for the target and thresholds methods (the
/// others compare with a benchmark, which has no fixed bands).
pub(crate) fn limits(rule: &RatingRule, polarity: Polarity) -> Option<Limits> {
    let (green, amber) = match *rule {
        RatingRule::Target { target, tolerance } => match polarity {
            Polarity::HigherIsBetter => (target, target - tolerance),
            Polarity::LowerIsBetter => (target, target + tolerance),
            Polarity::NoJudgement | Polarity::CloseToTarget => return None,
        },
        RatingRule::Thresholds { green, amber } => (green, amber),
        // Bands either side of the target: not one green and one amber line.
        RatingRule::CloseToTarget { .. } | RatingRule::Benchmark { .. } | RatingRule::Significance { .. } => {
            return None
        }
    };
    (polarity != Polarity::NoJudgement).then_some(Limits { green, amber })
}

pub(crate) fn rate(rule: &RatingRule, polarity: Polarity, value: f64) -> Option<Rag> {
    if let RatingRule::CloseToTarget { target, green_within, amber_within } = *rule {
        // 18.3 - 18.0 is 0.3000000000000007 in floating point: compare as written.
        let distance = round_to((value - target).abs(), 9);
        return Some(if distance <= green_within {
            Rag::Green
        } else if distance <= amber_within {
            Rag::Amber
        } else {
            Rag::Red
        });
    }
    let Limits { green, amber } = limits(rule, polarity)?;
    Some(if at_least_as_good(value, green, polarity) {
        Rag::Green
    } else if at_least_as_good(value, amber, polarity) {
        Rag::Amber
    } else {
        Rag::Red
    })
}

/// Better than the benchmark by more than the tolerance is green, within it
/// amber ("similar"), worse by more than it red.
pub(crate) fn against_benchmark(value: f64, benchmark: f64, tolerance: f64, polarity: Polarity) -> Option<Rag> {
    let better_by = match polarity {
        Polarity::HigherIsBetter => value - benchmark,
        Polarity::LowerIsBetter => benchmark - value,
        Polarity::NoJudgement | Polarity::CloseToTarget => return None,
    };
    // 23.6 - 22.6 is 1.0000000000000014 in floating point: compare as written.
    let better_by = round_to(better_by, 9);
    Some(if better_by > tolerance {
        Rag::Green
    } else if better_by >= -tolerance {
        Rag::Amber
    } else {
        Rag::Red
    })
}

/// Fingertips' better / similar / worse, as RAG.
pub(crate) fn from_significance(comparison: Comparison) -> Rag {
    match comparison {
        Comparison::Better => Rag::Green,
        Comparison::Similar => Rag::Amber,
        Comparison::Worse => Rag::Red,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_a_benchmark_with_tolerance() {
        // England 22.6, tolerance 1: 21.5 is better by 1.1 (green), 23.6 worse by 1.0 (amber), 23.7 red.
        assert_eq!(against_benchmark(21.5, 22.6, 1.0, Polarity::LowerIsBetter), Some(Rag::Green));
        assert_eq!(against_benchmark(23.6, 22.6, 1.0, Polarity::LowerIsBetter), Some(Rag::Amber));
        assert_eq!(against_benchmark(23.7, 22.6, 1.0, Polarity::LowerIsBetter), Some(Rag::Red));
        assert_eq!(against_benchmark(23.7, 22.6, 1.0, Polarity::HigherIsBetter), Some(Rag::Green));
    }

    #[test]
    fn target_with_absolute_tolerance_higher_is_better() {
        // target 90, tolerance 5: 90 green, 85 amber (90-5), 84.9 red.
        let spec = RatingRule::Target { target: 90.0, tolerance: 5.0 };
        assert_eq!(rate(&spec, Polarity::HigherIsBetter, 90.0), Some(Rag::Green));
        assert_eq!(rate(&spec, Polarity::HigherIsBetter, 85.0), Some(Rag::Amber));
        assert_eq!(rate(&spec, Polarity::HigherIsBetter, 84.9), Some(Rag::Red));
    }

    #[test]
    fn target_with_relative_tolerance_lower_is_better() {
        // target 14, tolerance 1.4 (10% of it): 14 green, 15.4 amber, 15.5 red.
        let spec = RatingRule::Target { target: 14.0, tolerance: 14.0 * 10.0 / 100.0 };
        assert_eq!(rate(&spec, Polarity::LowerIsBetter, 13.0), Some(Rag::Green));
        assert_eq!(rate(&spec, Polarity::LowerIsBetter, 15.4), Some(Rag::Amber));
        assert_eq!(rate(&spec, Polarity::LowerIsBetter, 15.5), Some(Rag::Red));
    }

    #[test]
    fn thresholds_and_no_judgement() {
        let spec = RatingRule::Thresholds { green: 10.0, amber: 12.0 };
        assert_eq!(rate(&spec, Polarity::LowerIsBetter, 10.0), Some(Rag::Green));
        assert_eq!(rate(&spec, Polarity::LowerIsBetter, 11.0), Some(Rag::Amber));
        assert_eq!(rate(&spec, Polarity::LowerIsBetter, 12.1), Some(Rag::Red));
        assert_eq!(rate(&spec, Polarity::NoJudgement, 1.0), None);
    }
}
