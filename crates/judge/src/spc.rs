//! Statistical process control for a monthly series: an XmR chart with the
//! NHS England "Making Data Count" rules, and target assurance.
//!
//! Limits are mean ± 2.66 × the mean moving range over the baseline (3
//! sigma, sigma being the mean moving range / 1.128). A point is special
//! cause when it is outside the limits; part of a shift, 7 or more points in
//! a row on one side of the mean (a point on the mean breaks it); part of a
//! trend, 6 or more points in a row each higher (or each lower) than the one
//! before (a repeated value breaks it); or one of 2 out of 3 points in a row
//! beyond 2 sigma on the same side of the mean. These are the rules and
//! lengths of NHS England's "Making Data Count: strengthening your
//! decisions" (2019, revised 2021) and of its R package NHSRplotthedots.
//! A process change (`spc.rebase`) starts a new segment with its own mean
//! and limits, and no run crosses it.

use crate::language::Polarity;
use crate::project::Month;
use serde::Serialize;

pub(crate) const SHIFT_RUN: usize = 7;
pub(crate) const TREND_RUN: usize = 6;
const SIGMA_FACTOR: f64 = 2.66;
/// The bias constant d2 for moving ranges of two points.
const D2: f64 = 1.128;

/// What a point shows, by Making Data Count's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    /// Common cause: nothing to act on.
    CommonCause,
    /// Special cause, in the better direction.
    Improving,
    /// Special cause, in the worse direction.
    Concerning,
    /// Special cause high on a no-judgement indicator.
    High,
    /// Special cause low on a no-judgement indicator.
    Low,
}

/// Whether the process will meet its target, from where the limits sit.
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

/// Which Making Data Count rule found a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A point outside the limits.
    OutsideLimits,
    /// Seven or more points in a row on one side of the mean.
    Shift,
    /// Six or more points in a row rising, or falling.
    Trend,
    /// Two of three points close to a limit (beyond two sigma), on one side.
    TwoOfThree,
}

impl Rule {
    /// The name in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Rule::OutsideLimits => "outside_limits",
            Rule::Shift => "shift",
            Rule::Trend => "trend",
            Rule::TwoOfThree => "two_of_three",
        }
    }

    /// The rule in words.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::OutsideLimits => "a point outside the process limits",
            Rule::Shift => "a shift: 7 or more points in a row on one side of the mean",
            Rule::Trend => "a trend: 6 or more points in a row rising or falling",
            Rule::TwoOfThree => "2 of 3 points in a row beyond 2 sigma on the same side",
        }
    }
}

/// What the SPC was run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The values as reported and charted (a month or as-at indicator).
    ReportedValues,
    /// The month's own figures of a rolling or year-to-date indicator: its
    /// charted values overlap month to month, so SPC on them would signal
    /// almost everywhere.
    MonthlySeries,
}

impl Basis {
    /// The name in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Basis::ReportedValues => "reported_values",
            Basis::MonthlySeries => "monthly_series",
        }
    }
}

impl Variation {
    /// The name in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Variation::CommonCause => "common_cause",
            Variation::Improving => "improving",
            Variation::Concerning => "concerning",
            Variation::High => "high",
            Variation::Low => "low",
        }
    }

    /// The variation in words.
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
    /// The assurance in words.
    pub fn describe(self) -> &'static str {
        match self {
            Assurance::ConsistentlyMet => "target consistently met",
            Assurance::ConsistentlyMissed => "target consistently missed",
            Assurance::HitAndMiss => "target hit and miss",
        }
    }
}

/// Mean and limits from one process change (or the start) to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Its first month.
    pub from: Month,
    /// Its mean.
    pub mean: f64,
    /// The mean plus three sigma.
    pub upper_limit: f64,
    /// The mean less three sigma.
    pub lower_limit: f64,
    /// Points in the baseline the limits were computed from.
    pub baseline_points: usize,
}

/// One rule firing: the months it flagged and which way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// The rule that fired.
    pub rule: Rule,
    /// Which way.
    pub variation: Variation,
    /// The months it flagged.
    pub months: Vec<Month>,
}

/// The latest points form a shift or a trend: the process has changed,
/// and limits that span the change describe no process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessChange {
    /// Shift or trend.
    pub rule: Rule,
    /// Which way, by the indicator's polarity.
    pub variation: Variation,
    /// Above the mean (a shift) or rising (a trend).
    pub high: bool,
    /// The run's first month, and its length in months with values.
    pub since: Month,
    /// How many months with values the run has so far.
    pub months: usize,
}

impl ProcessChange {
    /// "14 months below the mean since February 2025" (the month as named by `month_name`).
    pub fn describe(&self, month_name: impl Fn(Month) -> String) -> String {
        let how = match (self.rule, self.high) {
            (Rule::Trend, true) => "rising",
            (Rule::Trend, false) => "falling",
            (_, true) => "above the mean",
            (_, false) => "below the mean",
        };
        format!("{} months {how} since {}", self.months, month_name(self.since))
    }
}

/// Statistical process control over a series: an XmR chart's limits and signals (Making Data Count).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spc {
    /// What it was run on.
    pub basis: Basis,
    /// The latest segment's mean and limits (the ones the latest month is judged by).
    pub mean: f64,
    /// The latest segment's upper limit.
    pub upper_limit: f64,
    /// Its lower limit.
    pub lower_limit: f64,
    /// Points in its baseline.
    pub baseline_points: usize,
    /// Every segment, oldest first (one unless the process was rebased).
    pub segments: Vec<Segment>,
    /// One entry per month of the series analysed (None where no value).
    pub points: Vec<Option<Variation>>,
    /// The latest point's variation.
    pub latest: Option<Variation>,
    /// Whether the target will be met, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<Assurance>,
    /// Why a target gets no assurance (a changed process; a target on
    /// another basis than the limits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_assurance: Option<String>,
    /// A shift or trend running to the latest point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<ProcessChange>,
    /// Every rule that fired, in the series.
    pub signals: Vec<Signal>,
}

/// How the limits are set: `baseline` leading points of each segment (all
/// when None); a new segment at each `rebase` month.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Settings<'a> {
    pub baseline: Option<usize>,
    pub rebase: &'a [Month],
}

/// A known value and where it sits in the series.
#[derive(Debug, Clone, Copy)]
struct Point {
    index: usize,
    month: Month,
    value: f64,
}

/// Needs at least 2 values in each segment's baseline; a segment with
/// fewer joins the one before it.
pub(crate) fn analyse(
    series: &[(Month, Option<f64>)],
    settings: Settings,
    polarity: Polarity,
    target: Option<f64>,
) -> Option<Spc> {
    let known: Vec<Point> = series
        .iter()
        .enumerate()
        .filter_map(|(index, (month, value))| value.map(|value| Point { index, month: *month, value }))
        .collect();
    let groups = segments_of(&known, settings.rebase);
    let label = |high: bool| match (polarity, high) {
        (Polarity::NoJudgement | Polarity::CloseToTarget, true) => Variation::High,
        (Polarity::NoJudgement | Polarity::CloseToTarget, false) => Variation::Low,
        (Polarity::HigherIsBetter, true) | (Polarity::LowerIsBetter, false) => Variation::Improving,
        _ => Variation::Concerning,
    };
    let mut segments = Vec::new();
    let mut special: Vec<Option<bool>> = vec![None; series.len()];
    let mut signals = Vec::new();
    let mut changed = None;
    for points in groups {
        let segment = limits(&points, settings.baseline)?;
        changed = None; // only the last segment's run can reach the latest point
        for (rule, high, flagged) in rules(&points, &segment) {
            for index in &flagged {
                special[points[*index].index].get_or_insert(high);
            }
            let months: Vec<Month> = flagged.iter().map(|index| points[*index].month).collect();
            let reaches_latest = flagged.last() == Some(&(points.len() - 1));
            if reaches_latest && matches!(rule, Rule::Shift | Rule::Trend) && changed.is_none() {
                let since = months[0];
                changed = Some(ProcessChange { rule, variation: label(high), high, since, months: months.len() });
            }
            signals.push(Signal { rule, variation: label(high), months });
        }
        segments.push(segment);
    }
    let last = segments.last()?.clone();
    let points: Vec<Option<Variation>> = series
        .iter()
        .zip(&special)
        .map(|((_, value), flag)| value.map(|_| flag.map_or(Variation::CommonCause, label)))
        .collect();
    let latest = points.iter().rev().flatten().next().copied();
    signals.sort_by_key(|signal| signal.months.first().copied());
    Some(Spc {
        basis: Basis::ReportedValues,
        mean: last.mean,
        upper_limit: last.upper_limit,
        lower_limit: last.lower_limit,
        baseline_points: last.baseline_points,
        assurance: target.filter(|_| changed.is_none()).and_then(|target| assurance(&last, polarity, target)),
        no_assurance: changed
            .as_ref()
            .filter(|_| target.is_some() && matches!(polarity, Polarity::HigherIsBetter | Polarity::LowerIsBetter))
            .map(|_| "no assurance from limits that span a process change".to_string()),
        changed,
        segments,
        points,
        latest,
        signals,
    })
}

/// The known points split at each rebase month (or the first known month
/// after it, when it has no value); a piece too short for limits (under 2
/// points) stays with the piece before it.
fn segments_of(known: &[Point], rebase: &[Month]) -> Vec<Vec<Point>> {
    let mut groups: Vec<Vec<Point>> = vec![Vec::new()];
    for (index, point) in known.iter().enumerate() {
        let after_previous = |month: &Month| index == 0 || known[index - 1].month < *month;
        let rebased_here = rebase.iter().any(|month| after_previous(month) && *month <= point.month);
        let starts_new = rebased_here && groups.last().is_some_and(|group| group.len() >= 2);
        if starts_new {
            groups.push(Vec::new());
        }
        groups.last_mut().expect("never empty").push(*point);
    }
    if groups.len() > 1 && groups.last().is_some_and(|group| group.len() < 2) {
        let short = groups.pop().expect("checked");
        groups.last_mut().expect("checked").extend(short);
    }
    groups
}

fn limits(points: &[Point], baseline: Option<usize>) -> Option<Segment> {
    let base: Vec<f64> = points.iter().map(|point| point.value).take(baseline.unwrap_or(points.len()).max(2)).collect();
    if base.len() < 2 {
        return None;
    }
    let mean = base.iter().sum::<f64>() / base.len() as f64;
    let moving_ranges: Vec<f64> = base.windows(2).map(|pair| (pair[1] - pair[0]).abs()).collect();
    let mean_range = moving_ranges.iter().sum::<f64>() / moving_ranges.len() as f64;
    Some(Segment {
        from: points[0].month,
        mean,
        upper_limit: mean + SIGMA_FACTOR * mean_range,
        lower_limit: mean - SIGMA_FACTOR * mean_range,
        baseline_points: base.len(),
    })
}

fn assurance(segment: &Segment, polarity: Polarity, target: f64) -> Option<Assurance> {
    let (low, high, target) = match polarity {
        Polarity::NoJudgement | Polarity::CloseToTarget => return None,
        Polarity::HigherIsBetter => (segment.lower_limit, segment.upper_limit, target),
        Polarity::LowerIsBetter => (-segment.upper_limit, -segment.lower_limit, -target),
    };
    Some(if low >= target {
        Assurance::ConsistentlyMet
    } else if high < target {
        Assurance::ConsistentlyMissed
    } else {
        Assurance::HitAndMiss
    })
}

/// Every rule's signals in one segment: (rule, high?, positions flagged).
fn rules(points: &[Point], segment: &Segment) -> Vec<(Rule, bool, Vec<usize>)> {
    let values: Vec<f64> = points.iter().map(|point| point.value).collect();
    let side = |above: f64, below: f64| {
        move |value: f64| {
            if value > above {
                Some(true)
            } else if value < below {
                Some(false)
            } else {
                None
            }
        }
    };
    let outside = side(segment.upper_limit, segment.lower_limit);
    // The limits are 2.66 mean moving ranges out; sigma is a mean moving range / d2.
    let two_sigma = 2.0 * (segment.upper_limit - segment.mean) / SIGMA_FACTOR / D2;
    let beyond_two_sigma = side(segment.mean + two_sigma, segment.mean - two_sigma);
    let mut found = Vec::new();
    let singles: Vec<(bool, Vec<usize>)> =
        (0..values.len()).filter_map(|index| outside(values[index]).map(|high| (high, vec![index]))).collect();
    found.extend(singles.into_iter().map(|(high, flagged)| (Rule::OutsideLimits, high, flagged)));
    let mean_side = side(segment.mean, segment.mean);
    found.extend(
        runs(&values, |index| mean_side(values[index]), SHIFT_RUN, 0).into_iter().map(|(h, f)| (Rule::Shift, h, f)),
    );
    let rising = |index: usize| -> Option<bool> {
        let before = values[index.checked_sub(1)?];
        side(before, before)(values[index])
    };
    found.extend(runs(&values, rising, TREND_RUN, 1).into_iter().map(|(h, f)| (Rule::Trend, h, f)));
    found.extend(two_of_three(&values, beyond_two_sigma).into_iter().map(|(h, f)| (Rule::TwoOfThree, h, f)));
    found
}

/// Runs of `length` or more points sharing a direction. `lead` is how many
/// points before the first to include (a trend of n rises spans n + 1 points).
fn runs(
    values: &[f64],
    direction: impl Fn(usize) -> Option<bool>,
    length: usize,
    lead: usize,
) -> Vec<(bool, Vec<usize>)> {
    let mut found = Vec::new();
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
        let first = start - lead;
        if end + 1 - first >= length {
            found.push((heading, (first..=end).collect()));
        }
        start = end + 1;
    }
    found
}

/// Points beyond 2 sigma where at least 2 of 3 points in a row are beyond it
/// on the same side; overlapping windows make one signal.
fn two_of_three(values: &[f64], beyond: impl Fn(f64) -> Option<bool>) -> Vec<(bool, Vec<usize>)> {
    let mut found: Vec<(bool, Vec<usize>)> = Vec::new();
    for start in 0..values.len().saturating_sub(2) {
        for high in [true, false] {
            let flagged: Vec<usize> = (start..start + 3).filter(|&index| beyond(values[index]) == Some(high)).collect();
            if flagged.len() < 2 {
                continue;
            }
            match found.last_mut() {
                Some((side, indices)) if *side == high && indices.last().is_some_and(|last| *last >= start) => {
                    let last = *indices.last().expect("checked");
                    indices.extend(flagged.into_iter().filter(|index| *index > last));
                }
                _ => found.push((high, flagged)),
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(index: usize) -> Month {
        Month::new(2024, 1).unwrap().plus(index as i32)
    }

    /// Monthly values from January 2024.
    fn series(values: &[f64]) -> Vec<(Month, Option<f64>)> {
        values.iter().enumerate().map(|(index, v)| (month(index), Some(*v))).collect()
    }

    fn with_gaps(values: &[Option<f64>]) -> Vec<(Month, Option<f64>)> {
        values.iter().enumerate().map(|(index, v)| (month(index), *v)).collect()
    }

    fn all() -> Settings<'static> {
        Settings::default()
    }

    fn first(points: usize) -> Settings<'static> {
        Settings { baseline: Some(points), rebase: &[] }
    }

    #[test]
    fn codes_are_the_json_names() {
        for rule in [Rule::OutsideLimits, Rule::Shift, Rule::Trend, Rule::TwoOfThree] {
            assert_eq!(serde_json::to_value(rule).unwrap(), rule.code());
        }
        for basis in [Basis::ReportedValues, Basis::MonthlySeries] {
            assert_eq!(serde_json::to_value(basis).unwrap(), basis.code());
        }
        let variations =
            [Variation::CommonCause, Variation::Improving, Variation::Concerning, Variation::High, Variation::Low];
        for variation in variations {
            assert_eq!(serde_json::to_value(variation).unwrap(), variation.code());
        }
    }

    #[test]
    fn limits_come_from_the_mean_moving_range() {
        // Values 10, 12, 11, 13, 12: mean 58/5 = 11.6; moving ranges 2, 1, 2, 1,
        // mean 1.5; limits 11.6 ± 2.66 × 1.5 = 7.61 and 15.59.
        let spc = analyse(&series(&[10.0, 12.0, 11.0, 13.0, 12.0]), all(), Polarity::HigherIsBetter, None).unwrap();
        approx::assert_relative_eq!(spc.mean, 11.6);
        approx::assert_relative_eq!(spc.upper_limit, 15.59, epsilon = 1e-9);
        approx::assert_relative_eq!(spc.lower_limit, 7.61, epsilon = 1e-9);
        assert_eq!(spc.latest, Some(Variation::CommonCause));
    }

    #[test]
    fn a_point_beyond_the_limits_is_special_cause_by_polarity() {
        // Baseline of the first 5 points as above (limits 7.61-15.59); 20 is above.
        let values = series(&[10.0, 12.0, 11.0, 13.0, 12.0, 20.0]);
        let lower_better = analyse(&values, first(5), Polarity::LowerIsBetter, None).unwrap();
        assert_eq!(lower_better.latest, Some(Variation::Concerning));
        assert_eq!(
            analyse(&values, first(5), Polarity::HigherIsBetter, None).unwrap().latest,
            Some(Variation::Improving)
        );
    }

    #[test]
    fn seven_on_one_side_is_a_shift_six_is_not() {
        // Baseline mean of 12, 10, 12, 10 = 11 (limits 11 ± 2.66 × 2 = 5.68-16.32);
        // the last baseline point is below the mean, so the run starts after it.
        let mut values = vec![12.0, 10.0, 12.0, 10.0];
        values.extend([11.5; 6]);
        let six = analyse(&series(&values), first(4), Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(six.latest, Some(Variation::CommonCause));
        values.push(11.5);
        let seven = analyse(&series(&values), first(4), Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(seven.latest, Some(Variation::Improving));
        // The whole run is flagged, not the point that completes it only.
        assert_eq!(seven.points[4], Some(Variation::Improving));
    }

    #[test]
    fn six_rising_points_are_a_trend_and_a_repeat_breaks_it() {
        // Baseline 20, 30, 20, 30: mean 25, limits 25 ± 26.6.
        let base = [20.0, 30.0, 20.0, 30.0];
        let rising: Vec<f64> = base.iter().copied().chain([21.0, 22.0, 23.0, 24.0, 25.0, 26.0]).collect();
        let spc = analyse(&series(&rising), first(4), Polarity::LowerIsBetter, None).unwrap();
        assert_eq!(spc.latest, Some(Variation::Concerning));
        let broken: Vec<f64> = base.iter().copied().chain([21.0, 22.0, 23.0, 23.0, 24.0, 25.0]).collect();
        assert_eq!(
            analyse(&series(&broken), first(4), Polarity::LowerIsBetter, None).unwrap().latest,
            Some(Variation::CommonCause)
        );
    }

    #[test]
    fn assurance_compares_the_target_with_the_limits() {
        // Limits 7.61-15.59 (see above).
        let values = series(&[10.0, 12.0, 11.0, 13.0, 12.0]);
        let assurance = |target: f64, polarity| analyse(&values, all(), polarity, Some(target)).unwrap().assurance;
        assert_eq!(assurance(12.0, Polarity::HigherIsBetter), Some(Assurance::HitAndMiss));
        assert_eq!(assurance(7.0, Polarity::HigherIsBetter), Some(Assurance::ConsistentlyMet));
        assert_eq!(assurance(16.0, Polarity::HigherIsBetter), Some(Assurance::ConsistentlyMissed));
        assert_eq!(assurance(16.0, Polarity::LowerIsBetter), Some(Assurance::ConsistentlyMet));
        assert_eq!(assurance(7.0, Polarity::LowerIsBetter), Some(Assurance::ConsistentlyMissed));
    }

    /// Ten months alternating 10 and 11, then ten alternating 5 and 6: the
    /// mean is (105 + 55) / 20 = 8, so the first ten are a shift above it
    /// and the last ten a shift below it, running to the latest month.
    #[test]
    fn a_shift_to_the_latest_month_is_a_process_change_and_withholds_assurance() {
        let values: Vec<f64> =
            (0..20).map(|i| if i < 10 { 10.0 + (i % 2) as f64 } else { 5.0 + (i % 2) as f64 }).collect();
        let spc = analyse(&series(&values), all(), Polarity::HigherIsBetter, Some(4.0)).unwrap();
        approx::assert_relative_eq!(spc.mean, 8.0);
        let change = spc.changed.expect("a process change");
        assert_eq!((change.rule, change.high, change.since, change.months), (Rule::Shift, false, month(10), 10));
        assert_eq!(change.variation, Variation::Concerning);
        assert_eq!(change.describe(|m| m.to_string()), format!("10 months below the mean since {}", month(10)));
        // The limits span both levels, so they assure nothing about either.
        assert_eq!(spc.assurance, None);
        assert_eq!(spc.no_assurance.as_deref(), Some("no assurance from limits that span a process change"));
        // The earlier shift (months 0-9) does not reach the latest month: no change there.
        let first_half = analyse(&series(&values[..12]), all(), Polarity::HigherIsBetter, Some(4.0)).unwrap();
        assert!(first_half.changed.is_none() && first_half.assurance.is_some(), "{first_half:?}");
        // Without a target there is nothing to withhold.
        assert_eq!(analyse(&series(&values), all(), Polarity::HigherIsBetter, None).unwrap().no_assurance, None);
    }

    #[test]
    fn gaps_are_skipped_and_too_little_data_gives_nothing() {
        assert!(analyse(&with_gaps(&[Some(1.0), None]), all(), Polarity::HigherIsBetter, None).is_none());
        let values = with_gaps(&[Some(10.0), None, Some(12.0), Some(11.0)]);
        let spc = analyse(&values, all(), Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(spc.points[1], None);
        assert_eq!(spc.points.len(), 4);
    }

    #[test]
    fn two_of_three_beyond_two_sigma_on_one_side_is_special_cause() {
        // Baseline 10, 12, 10, 12: mean 11, mean moving range 2, limits 11 ± 5.32
        // (5.68-16.32); sigma = 2 / 1.128 = 1.773, 2 sigma = 3.546: beyond above 14.546.
        // Then 15, 11, 15: two of three beyond 2 sigma, both within the limits.
        let values = series(&[10.0, 12.0, 10.0, 12.0, 15.0, 11.0, 15.0]);
        let spc = analyse(&values, first(4), Polarity::LowerIsBetter, None).unwrap();
        assert_eq!(spc.latest, Some(Variation::Concerning));
        assert_eq!(spc.points[4], Some(Variation::Concerning));
        assert_eq!(spc.points[5], Some(Variation::CommonCause), "the point between is not flagged");
        let signal = spc.signals.iter().find(|signal| signal.rule == Rule::TwoOfThree).unwrap();
        assert_eq!(signal.months, [month(4), month(6)]);
        // One beyond and one just inside 2 sigma (14.5): no signal.
        let values = series(&[10.0, 12.0, 10.0, 12.0, 15.0, 11.0, 14.5]);
        let spc = analyse(&values, first(4), Polarity::LowerIsBetter, None).unwrap();
        assert_eq!(spc.latest, Some(Variation::CommonCause));
        assert!(spc.signals.is_empty());
    }

    #[test]
    fn signals_name_their_rule_and_months() {
        // The shift case above: seven points of 11.5 (above the mean of 11) from May 2024.
        let mut values = vec![12.0, 10.0, 12.0, 10.0];
        values.extend([11.5; 7]);
        let spc = analyse(&series(&values), first(4), Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(spc.signals.len(), 1);
        assert_eq!(spc.signals[0].rule, Rule::Shift);
        assert_eq!(spc.signals[0].variation, Variation::Improving);
        assert_eq!(spc.signals[0].months, (4..11).map(month).collect::<Vec<_>>());
    }

    #[test]
    fn a_rebase_recomputes_the_limits_and_changes_the_verdict() {
        // 10, 12 repeated six times, then a new process at 20, 22 repeated four times.
        // One segment: mean (6 × 22 + 4 × 42) / 20 = 15, and the last eight points
        // all above it: a shift, special cause (higher is better: improving).
        // Rebased at the first 20 (month 12): the new segment's mean is 21,
        // limits 21 ± 2.66 × 2; 22 and 20 alternate: common cause.
        let mut values: Vec<f64> = [10.0, 12.0].repeat(6);
        values.extend([20.0, 22.0].repeat(4));
        let one = analyse(&series(&values), all(), Polarity::HigherIsBetter, None).unwrap();
        approx::assert_relative_eq!(one.mean, 15.0);
        assert_eq!(one.latest, Some(Variation::Improving));
        let rebase = [month(12)];
        let settings = Settings { baseline: None, rebase: &rebase };
        let two = analyse(&series(&values), settings, Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(two.segments.len(), 2);
        assert_eq!(two.segments[1].from, month(12));
        approx::assert_relative_eq!(two.mean, 21.0);
        approx::assert_relative_eq!(two.upper_limit, 21.0 + 2.66 * 2.0);
        approx::assert_relative_eq!(two.segments[0].mean, 11.0);
        assert_eq!(two.latest, Some(Variation::CommonCause));
    }

    #[test]
    fn a_rebase_in_a_month_without_a_value_starts_at_the_next_month_with_one() {
        // As above, but month 12 (the rebase month) has no value: the new
        // segment starts at month 13 and holds 22, 20, 22, 20, 22, 20, 22, mean 148 / 7.
        let mut values: Vec<f64> = [10.0, 12.0].repeat(6);
        values.extend([20.0, 22.0].repeat(4));
        let mut points = series(&values);
        points[12].1 = None;
        let rebase = [month(12)];
        let two =
            analyse(&points, Settings { baseline: None, rebase: &rebase }, Polarity::HigherIsBetter, None).unwrap();
        assert_eq!(two.segments.len(), 2);
        assert_eq!(two.segments[1].from, month(13));
        approx::assert_relative_eq!(two.segments[1].mean, 148.0 / 7.0);
    }
}
