//! Statistical process control for a monthly series: an XmR chart with the
//! NHS "Making Data Count" rules, and target assurance.
//!
//! Limits are mean ± 2.66 × the mean moving range over the baseline. A point
//! is special cause when it is outside the limits, part of a run of 7 or
//! more on one side of the mean, or part of a run of 6 or more rising or
//! falling. A point on the mean breaks a shift run; a repeated value breaks
//! a trend.

use crate::language::Polarity;
use serde::Serialize;

pub const SHIFT_RUN: usize = 7;
pub const TREND_RUN: usize = 6;
const SIGMA_FACTOR: f64 = 2.66;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    CommonCause,
    /// Special cause, in the better direction.
    Improving,
    /// Special cause, in the worse direction.
    Concerning,
    /// Special cause high or low on a no-judgement indicator.
    High,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// The limits are all on the good side of the target.
    ConsistentlyMet,
    /// The limits are all on the bad side of the target.
    ConsistentlyMissed,
    /// The target is inside the limits: hitting it is not assured.
    HitAndMiss,
}

impl Variation {
    pub fn describe(self) -> &'static str {
        match self {
            Variation::CommonCause => "common cause variation",
            Variation::Improving => "special cause: improving",
            Variation::Concerning => "special cause: concerning",
            Variation::High => "special cause: higher",
            Variation::Low => "special cause: lower",
        }
    }
}

impl Assurance {
    pub fn describe(self) -> &'static str {
        match self {
            Assurance::ConsistentlyMet => "target consistently met",
            Assurance::ConsistentlyMissed => "target consistently missed",
            Assurance::HitAndMiss => "target hit and miss",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spc {
    pub mean: f64,
    pub upper_limit: f64,
    pub lower_limit: f64,
    /// Points in the baseline the limits were computed from.
    pub baseline_points: usize,
    /// One entry per value in the series (None where no value).
    pub points: Vec<Option<Variation>>,
    /// The latest point's variation.
    pub latest: Option<Variation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<Assurance>,
}

/// `baseline` is how many leading values set the limits (all when None).
/// Needs at least 2 values in the baseline.
pub fn analyse(
    values: &[Option<f64>],
    baseline: Option<usize>,
    polarity: Polarity,
    target: Option<f64>,
) -> Option<Spc> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let base: Vec<f64> = known.iter().copied().take(baseline.unwrap_or(known.len()).max(2)).collect();
    if base.len() < 2 {
        return None;
    }
    let mean = base.iter().sum::<f64>() / base.len() as f64;
    let moving_ranges: Vec<f64> = base.windows(2).map(|pair| (pair[1] - pair[0]).abs()).collect();
    let mean_range = moving_ranges.iter().sum::<f64>() / moving_ranges.len() as f64;
    let (upper_limit, lower_limit) = (mean + SIGMA_FACTOR * mean_range, mean - SIGMA_FACTOR * mean_range);

    // Which direction (true = high) makes each known point special.
    let mut special: Vec<Option<bool>> = known
        .iter()
        .map(|v| {
            if *v > upper_limit {
                Some(true)
            } else if *v < lower_limit {
                Some(false)
            } else {
                None
            }
        })
        .collect();
    mark_runs(
        &known,
        &mut special,
        |v| {
            if v > mean {
                Some(true)
            } else if v < mean {
                Some(false)
            } else {
                None
            }
        },
        SHIFT_RUN,
        false,
    );
    mark_runs(&known, &mut special, |_| None, TREND_RUN, true);

    let label = |high: bool| match (polarity, high) {
        (Polarity::NoJudgement, true) => Variation::High,
        (Polarity::NoJudgement, false) => Variation::Low,
        (Polarity::HigherIsBetter, true) | (Polarity::LowerIsBetter, false) => Variation::Improving,
        _ => Variation::Concerning,
    };
    let mut flags = special.into_iter().map(|flag| flag.map_or(Variation::CommonCause, label));
    let points: Vec<Option<Variation>> = values.iter().map(|value| value.and_then(|_| flags.next())).collect();
    let latest = points.iter().rev().flatten().next().copied();
    let assurance = target.filter(|_| polarity != Polarity::NoJudgement).map(|target| {
        let (good_side_low, good_side_high) = if polarity == Polarity::HigherIsBetter {
            (lower_limit, upper_limit)
        } else {
            (-upper_limit, -lower_limit)
        };
        let target = if polarity == Polarity::HigherIsBetter { target } else { -target };
        if good_side_low >= target {
            Assurance::ConsistentlyMet
        } else if good_side_high < target {
            Assurance::ConsistentlyMissed
        } else {
            Assurance::HitAndMiss
        }
    });
    Some(Spc { mean, upper_limit, lower_limit, baseline_points: base.len(), points, latest, assurance })
}

/// Mark every point in a run of `length` or more. For shifts, `side` says
/// which side of the mean a point is on; for trends (`trend`), the run is of
/// successive rises (high) or falls (low), counted in points.
fn mark_runs(
    values: &[f64],
    special: &mut [Option<bool>],
    side: impl Fn(f64) -> Option<bool>,
    length: usize,
    trend: bool,
) {
    let direction = |index: usize| -> Option<bool> {
        if trend {
            let (before, now) = (values.get(index.checked_sub(1)?)?, values[index]);
            if now > *before {
                Some(true)
            } else if now < *before {
                Some(false)
            } else {
                None
            }
        } else {
            side(values[index])
        }
    };
    let mut start = 0;
    while start < values.len() {
        let Some(heading) = direction(start) else {
            start += 1;
            continue;
        };
        let mut end = start;
        while end + 1 < values.len() && direction(end + 1) == Some(heading) {
            end += 1;
        }
        // A trend of n rises spans n + 1 points, starting one before the first rise.
        let first = if trend { start - 1 } else { start };
        if end + 1 - first >= length {
            for flag in &mut special[first..=end] {
                flag.get_or_insert(heading);
            }
        }
        start = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().map(|v| Some(*v)).collect()
    }

    #[test]
    fn limits_come_from_the_mean_moving_range() {
        // Values 10, 12, 11, 13, 12: mean 58/5 = 11.6; moving ranges 2, 1, 2, 1,
        // mean 1.5; limits 11.6 ± 2.66 × 1.5 = 7.61 and 15.59.
        let spc = analyse(&series(&[10.0, 12.0, 11.0, 13.0, 12.0]), None, Polarity::HigherIsBetter, None).unwrap();
        approx::assert_relative_eq!(spc.mean, 11.6);
        approx::assert_relative_eq!(spc.upper_limit, 15.59, epsilon = 1e-9);
        approx::assert_relative_eq!(spc.lower_limit, 7.61, epsilon = 1e-9);
        assert_eq!(spc.latest, Some(Variation::CommonCause));
    }

    #[test]
    fn a_point_beyond_the_limits_is_special_cause_by_polarity() {
        // Baseline of the first 5 points as above (limits 7.61-15.59); 20 is above.
        let values = series(&[10.0, 12.0, 11.0, 13.0, 12.0, 20.0]);
        let lower_better = analyse(&values, Some(5), Polarity::LowerIsBetter, None).unwrap();
        assert_eq!(lower_better.latest, Some(Variation::Concerning));
        assert_eq!(
            analyse(&values, Some(5), Polarity::HigherIsBetter, None).unwrap().latest,
            Some(Variation::Improving)
        );
    }

    #[test]
    fn seven_on_one_side_is_a_shift_six_is_not() {
        // Baseline mean of 12, 10, 12, 10 = 11 (limits 11 ± 2.66 × 2 = 5.68-16.32);
        // the last baseline point is below the mean, so the run starts after it.
        let mut values = vec![12.0, 10.0, 12.0, 10.0];
        values.extend([11.5; 6]);
        let six = analyse(&series(&values), Some(4), Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(six.latest, Some(Variation::CommonCause));
        values.push(11.5);
        let seven = analyse(&series(&values), Some(4), Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(seven.latest, Some(Variation::Improving));
        // The whole run is flagged, not the point that completes it only.
        assert_eq!(seven.points[4], Some(Variation::Improving));
    }

    #[test]
    fn six_rising_points_are_a_trend_and_a_repeat_breaks_it() {
        // Baseline 20, 30, 20, 30: mean 25, limits 25 ± 26.6.
        let base = [20.0, 30.0, 20.0, 30.0];
        let rising: Vec<f64> = base.iter().copied().chain([21.0, 22.0, 23.0, 24.0, 25.0, 26.0]).collect();
        let spc = analyse(&series(&rising), Some(4), Polarity::LowerIsBetter, None).unwrap();
        assert_eq!(spc.latest, Some(Variation::Concerning));
        let broken: Vec<f64> = base.iter().copied().chain([21.0, 22.0, 23.0, 23.0, 24.0, 25.0]).collect();
        assert_eq!(
            analyse(&series(&broken), Some(4), Polarity::LowerIsBetter, None).unwrap().latest,
            Some(Variation::CommonCause)
        );
    }

    #[test]
    fn assurance_compares_the_target_with_the_limits() {
        // Limits 7.61-15.59 (see above).
        let values = series(&[10.0, 12.0, 11.0, 13.0, 12.0]);
        let assurance = |target: f64, polarity| analyse(&values, None, polarity, Some(target)).unwrap().assurance;
        assert_eq!(assurance(12.0, Polarity::HigherIsBetter), Some(Assurance::HitAndMiss));
        assert_eq!(assurance(7.0, Polarity::HigherIsBetter), Some(Assurance::ConsistentlyMet));
        assert_eq!(assurance(16.0, Polarity::HigherIsBetter), Some(Assurance::ConsistentlyMissed));
        assert_eq!(assurance(16.0, Polarity::LowerIsBetter), Some(Assurance::ConsistentlyMet));
        assert_eq!(assurance(7.0, Polarity::LowerIsBetter), Some(Assurance::ConsistentlyMissed));
    }

    #[test]
    fn gaps_are_skipped_and_too_little_data_gives_nothing() {
        assert!(analyse(&[Some(1.0), None], None, Polarity::HigherIsBetter, None).is_none());
        let spc = analyse(&[Some(10.0), None, Some(12.0), Some(11.0)], None, Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(spc.points[1], None);
        assert_eq!(spc.points.len(), 4);
    }
}
