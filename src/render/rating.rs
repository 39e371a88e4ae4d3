//! Every rating explained in one sentence, whatever its method, and what
//! the Target column shows: the target, or the benchmark the rating used.

use super::format::show_value;
use crate::judge::{IndicatorReport, Rag, RatingBasis};
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

/// What the rating compared the value with, for the Target column: never
/// blank for a rated indicator.
pub fn target_text(indicator: &IndicatorReport) -> String {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    match (&indicator.rating_basis, indicator.target) {
        (_, Some(target)) => show(target),
        (Some(RatingBasis::Benchmark { benchmark, .. } | RatingBasis::Significance { benchmark, .. }), None) => {
            format!("{} ({})", show(benchmark.value), benchmark.label)
        }
        (Some(RatingBasis::Thresholds { green, .. }), None) => format!("{} (green)", show(*green)),
        _ => String::new(),
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
    let (better, worse) = match polarity {
        Polarity::HigherIsBetter => ("above", "below"),
        _ => ("below", "above"),
    };
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
            let of = format!("{}'s {}", benchmark.label, show(benchmark.value));
            let interval = format!(
                "the {}% confidence interval of {value}, {} to {}",
                interval.level,
                show(interval.lower),
                show(interval.upper)
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
