//! Every rating explained in one sentence, whatever its method, and what
//! the Target column shows: the target, or the benchmark the rating used.

use super::format::show_value;
use crate::judge::{round_to, IndicatorReport, Rag, RatingBasis};
use crate::language::{Polarity, Unit};

/// How values are shown: the indicator's decimals and unit.
#[derive(Clone, Copy)]
struct Shown {
    decimals: u32,
    unit: Unit,
}

impl Shown {
    fn value(self, value: f64) -> String {
        show_value(Some(value), self.decimals, self.unit)
    }

    /// A difference in the indicator's units: percentages differ by points.
    fn amount(self, value: f64) -> String {
        match self.unit {
            Unit::Percent => format!("{} points", show_value(Some(value), self.decimals, Unit::Number)),
            unit => show_value(Some(value), self.decimals, unit),
        }
    }
}

/// What the rating compares the value with.
pub(crate) enum RatedAgainst<'a> {
    Target(f64),
    Benchmark {
        value: f64,
        label: &'a str,
    },
    /// The value at which it is green, and the side ("or below").
    GreenAt(f64, &'static str),
}

impl RatedAgainst<'_> {
    pub(crate) fn value(&self) -> f64 {
        match self {
            RatedAgainst::Target(value) | RatedAgainst::Benchmark { value, .. } | RatedAgainst::GreenAt(value, _) => {
                *value
            }
        }
    }

    /// What the number is, for a column beside it: "target", "England 2024-25", "green at this or below".
    pub(crate) fn basis(&self) -> String {
        match self {
            RatedAgainst::Target(_) => "target".to_string(),
            RatedAgainst::Benchmark { label, .. } => label.to_string(),
            RatedAgainst::GreenAt(_, side) => format!("green at this or {side}"),
        }
    }
}

pub(crate) fn rated_against(indicator: &IndicatorReport) -> Option<RatedAgainst<'_>> {
    match (&indicator.rating_basis, indicator.target) {
        (_, Some(target)) => Some(RatedAgainst::Target(target)),
        (Some(RatingBasis::Benchmark { benchmark, .. } | RatingBasis::Significance { benchmark, .. }), None) => {
            Some(RatedAgainst::Benchmark { value: benchmark.value, label: &benchmark.label })
        }
        (Some(RatingBasis::Thresholds { green, .. }), None) => {
            Some(RatedAgainst::GreenAt(*green, sides(indicator.polarity).0))
        }
        _ => None,
    }
}

/// What the rating compared the value with, for the Target column: never
/// blank for a rated indicator.
pub(crate) fn target_text(indicator: &IndicatorReport) -> String {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    match rated_against(indicator) {
        Some(RatedAgainst::Target(target)) => show(target),
        Some(RatedAgainst::Benchmark { value, label }) => format!("{} ({label})", show(value)),
        Some(RatedAgainst::GreenAt(green, side)) => format!("green at {} or {side}", show(green)),
        None => String::new(),
    }
}

/// Why the rating is what it is, in a few words for the "Why" column:
/// "21.5 points below the 80.0% target", "similar to England 2024-25's
/// 22.6%: not significantly different".
pub(crate) fn rating_reason(indicator: &IndicatorReport) -> Option<String> {
    let shown = Shown { decimals: indicator.decimals, unit: indicator.unit };
    let (basis, rag, value) = (indicator.rating_basis.as_ref()?, indicator.rag?, indicator.latest.value?);
    Some(reason(basis, rag, round_to(value, indicator.decimals), indicator.polarity, shown))
}

fn reason(basis: &RatingBasis, rag: Rag, value: f64, polarity: Polarity, shown: Shown) -> String {
    let show = |value: f64| shown.value(value);
    let (better, worse) = sides(polarity);
    match (basis, rag) {
        (RatingBasis::Target { target, .. }, Rag::Green) => format!("at or {better} the {} target", show(*target)),
        (RatingBasis::Target { target, .. }, _) => {
            format!("{} {worse} the {} target", shown.amount((value - target).abs()), show(*target))
        }
        (RatingBasis::Thresholds { green, .. }, Rag::Green) => format!("green at {} or {better}", show(*green)),
        (RatingBasis::Thresholds { green, .. }, Rag::Amber) => {
            format!("{worse} the green threshold of {}", show(*green))
        }
        (RatingBasis::Thresholds { amber, .. }, Rag::Red) => format!("{worse} the amber threshold of {}", show(*amber)),
        (RatingBasis::CloseToTarget { target, .. }, _) => {
            format!("{} from the {} target", shown.amount((value - target).abs()), show(*target))
        }
        (RatingBasis::Benchmark { benchmark, tolerance }, rag) => {
            let of = format!("{}'s {}", benchmark.label, show(benchmark.value));
            let tolerance = shown.amount(*tolerance);
            match rag {
                Rag::Green => format!("better than {of} by more than {tolerance}"),
                Rag::Amber => format!("similar to {of} (within {tolerance})"),
                Rag::Red => format!("worse than {of} by more than {tolerance}"),
            }
        }
        (RatingBasis::Significance { benchmark, .. }, rag) => {
            let of = format!("{}'s {}", benchmark.label, show(benchmark.value));
            match rag {
                Rag::Green => format!("better than {of}: significant"),
                Rag::Amber => format!("similar to {of}: not significantly different"),
                Rag::Red => format!("worse than {of}: significant"),
            }
        }
    }
}

/// Enough decimals that the benchmark and the interval's limits never show
/// as the same number (England's 6.5% "outside" an interval from 6.5%: the
/// limit was 6.5305%): one more at a time, up to three more.
fn distinct(shown: Shown, numbers: &[f64]) -> Shown {
    let mut more = shown;
    for extra in 0..=3 {
        more = Shown { decimals: shown.decimals + extra, ..shown };
        let texts: Vec<String> = numbers.iter().map(|number| more.value(*number)).collect();
        if texts.iter().enumerate().all(|(at, text)| !texts[..at].contains(text)) {
            break;
        }
    }
    more
}

/// Which side of a target or threshold is better, and which worse, in words.
fn sides(polarity: Polarity) -> (&'static str, &'static str) {
    match polarity {
        Polarity::HigherIsBetter => ("above", "below"),
        _ => ("below", "above"),
    }
}

/// Why this month's rating is what it is, in one sentence.
pub fn rating_sentence(indicator: &IndicatorReport) -> Option<String> {
    let shown = Shown { decimals: indicator.decimals, unit: indicator.unit };
    let basis = indicator.rating_basis.as_ref()?;
    Some(sentence(basis, indicator.rag?, indicator.latest.value?, indicator.polarity, shown))
}

fn sentence(basis: &RatingBasis, rag: Rag, value: f64, polarity: Polarity, shown: Shown) -> String {
    let show = |value: f64| shown.value(value);
    let value_number = value;
    let value = show(value);
    let (better, worse) = sides(polarity);
    match (basis, rag) {
        (RatingBasis::Target { target, .. }, Rag::Green) => {
            format!("Green: {value} is at or {better} the {} target.", show(*target))
        }
        (RatingBasis::Target { target, amber_until }, Rag::Amber) => format!(
            "Amber: {value} is {worse} the {} target but within {} of it (amber to {}).",
            show(*target),
            shown.amount((target - amber_until).abs()),
            show(*amber_until)
        ),
        (RatingBasis::Target { target, amber_until }, Rag::Red) => format!(
            "Red: {value} is more than {} {worse} the {} target (amber to {}).",
            shown.amount((target - amber_until).abs()),
            show(*target),
            show(*amber_until)
        ),
        (RatingBasis::Thresholds { green, .. }, Rag::Green) => {
            format!("Green: {value} is at or {better} the green threshold of {}.", show(*green))
        }
        (RatingBasis::Thresholds { green, amber }, Rag::Amber) => format!(
            "Amber: {value} is {worse} the green threshold of {} but at or {better} the amber threshold of {}.",
            show(*green),
            show(*amber)
        ),
        (RatingBasis::Thresholds { amber, .. }, Rag::Red) => {
            format!("Red: {value} is {worse} the amber threshold of {}.", show(*amber))
        }
        (RatingBasis::CloseToTarget { target, green_within, amber_within }, rag) => {
            let off = format!("{} from the {} target", shown.amount((value_number - target).abs()), show(*target));
            let (green, amber) = (shown.amount(*green_within), shown.amount(*amber_within));
            match rag {
                Rag::Green => format!("Green: {value} is {off}, within {green} either way."),
                Rag::Amber => format!("Amber: {value} is {off}: outside {green} (green) but within {amber}."),
                Rag::Red => format!("Red: {value} is {off}, more than {amber} either way."),
            }
        }
        (RatingBasis::Benchmark { benchmark, tolerance }, rag) => {
            let of = format!("{}'s {}", benchmark.label, show(benchmark.value));
            let tolerance = shown.amount(*tolerance);
            match rag {
                Rag::Green => format!("Green (better): {value} is better than {of} by more than {tolerance}."),
                Rag::Amber => format!("Amber (similar): {value} is within {tolerance} of {of}."),
                Rag::Red => format!("Red (worse): {value} is worse than {of} by more than {tolerance}."),
            }
        }
        (RatingBasis::Significance { benchmark, interval }, rag) => {
            let precise = distinct(shown, &[benchmark.value, interval.lower, interval.upper]);
            let of = format!("{}'s {}", benchmark.label, precise.value(benchmark.value));
            let interval = format!(
                "the {}% confidence interval of {value}, {} to {}",
                interval.level,
                precise.value(interval.lower),
                precise.value(interval.upper)
            );
            match rag {
                Rag::Green => format!("Green (better): {of} is outside {interval}, on the worse side."),
                Rag::Amber => format!("Amber (similar): {of} lies within {interval}."),
                Rag::Red => format!("Red (worse): {of} is outside {interval}, on the better side."),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::Confidence;
    use crate::language::Benchmark;

    const PERCENT: Shown = Shown { decimals: 1, unit: Unit::Percent };

    fn england(value: f64) -> Benchmark {
        Benchmark { value, label: "England 2024-25".into() }
    }

    #[test]
    fn a_target_rating_says_how_far_from_the_target() {
        // 95% target, amber to 85%: 86.0 is 9 points short, within the 10-point tolerance.
        let basis = RatingBasis::Target { target: 95.0, amber_until: 85.0 };
        let higher = Polarity::HigherIsBetter;
        assert_eq!(
            sentence(&basis, Rag::Amber, 86.0, higher, PERCENT),
            "Amber: 86.0% is below the 95.0% target but within 10.0 points of it (amber to 85.0%)."
        );
        assert_eq!(
            sentence(&basis, Rag::Green, 95.0, higher, PERCENT),
            "Green: 95.0% is at or above the 95.0% target."
        );
        assert_eq!(
            sentence(&basis, Rag::Red, 84.9, higher, PERCENT),
            "Red: 84.9% is more than 10.0 points below the 95.0% target (amber to 85.0%)."
        );
    }

    /// England's 6.5% against an interval from 6.5305% to 9.2%: at one
    /// decimal the limit shows as 6.5%, and "6.5% is outside 6.5% to 9.2%"
    /// contradicts itself; at two, 6.50% is outside 6.53% to 9.20%.
    #[test]
    fn bounds_that_round_to_the_benchmark_get_another_decimal() {
        let interval = Confidence { level: 95.0, lower: 6.5305, upper: 9.2 };
        let significance = RatingBasis::Significance { benchmark: england(6.5), interval };
        assert_eq!(
            sentence(&significance, Rag::Red, 7.7, Polarity::LowerIsBetter, PERCENT),
            "Red (worse): England 2024-25's 6.50% is outside the 95% confidence interval of 7.7%, 6.53% to 9.20%, on the better side."
        );
    }

    /// The Why column: how far from the target, which threshold, and what
    /// a benchmark comparison found, in a few words.
    #[test]
    fn the_reason_says_how_far_and_from_what() {
        let higher = Polarity::HigherIsBetter;
        let target = RatingBasis::Target { target: 80.0, amber_until: 70.0 };
        // 58.5 against 80: 21.5 points below.
        assert_eq!(reason(&target, Rag::Red, 58.5, higher, PERCENT), "21.5 points below the 80.0% target");
        assert_eq!(reason(&target, Rag::Green, 81.0, higher, PERCENT), "at or above the 80.0% target");
        let thresholds = RatingBasis::Thresholds { green: 11.0, amber: 14.0 };
        let lower = Polarity::LowerIsBetter;
        assert_eq!(reason(&thresholds, Rag::Red, 15.1, lower, PERCENT), "above the amber threshold of 14.0%");
        assert_eq!(reason(&thresholds, Rag::Green, 9.0, lower, PERCENT), "green at 11.0% or below");
        let interval = Confidence { level: 95.0, lower: 18.8, upper: 22.7 };
        let significance = RatingBasis::Significance { benchmark: england(22.6), interval };
        assert_eq!(
            reason(&significance, Rag::Amber, 20.7, lower, PERCENT),
            "similar to England 2024-25's 22.6%: not significantly different"
        );
    }

    #[test]
    fn thresholds_benchmark_and_significance_each_say_what_they_compared() {
        let lower = Polarity::LowerIsBetter;
        let days = Shown { decimals: 1, unit: Unit::Days };
        let thresholds = RatingBasis::Thresholds { green: 33.0, amber: 40.0 };
        assert_eq!(
            sentence(&thresholds, Rag::Amber, 35.0, lower, days),
            "Amber: 35.0 days is above the green threshold of 33.0 days but at or below the amber threshold of 40.0 days."
        );
        // 23.7 is 1.1 points worse than England's 22.6, beyond a 1-point tolerance.
        let benchmark = RatingBasis::Benchmark { benchmark: england(22.6), tolerance: 1.0 };
        assert_eq!(
            sentence(&benchmark, Rag::Red, 23.7, lower, PERCENT),
            "Red (worse): 23.7% is worse than England 2024-25's 22.6% by more than 1.0 points."
        );
        let interval = Confidence { level: 95.0, lower: 18.8, upper: 22.7 };
        let significance = RatingBasis::Significance { benchmark: england(22.6), interval };
        assert_eq!(
            sentence(&significance, Rag::Amber, 20.7, lower, PERCENT),
            "Amber (similar): England 2024-25's 22.6% lies within the 95% confidence interval of 20.7%, 18.8% to 22.7%."
        );
    }
}
