//! From aggregates to a value, or to the reason there is none. Values are
//! never NaN or infinite: every division checks its denominator here.

use super::run::Aggregates;
use crate::language::{MeasureKind, Unit};
use crate::project::Month;
use serde::Serialize;

/// One value of an indicator: a member's month, or a breakdown group's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// The month the figure is for (the end of its window).
    pub period: Month,
    /// The figure; None when it cannot be calculated or is suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The count the value is made from (a rate's or a percentage's top line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    /// What the numerator is divided by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// Why there is no value; absent when there is one.
    #[serde(rename = "not_calculable", skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

/// Why an observation has no value. Published as its reason, in words.
#[derive(Debug, Clone, PartialEq)]
pub enum Missing {
    /// The calculation cannot be made, and why.
    NotCalculable(String),
    /// Hidden by disclosure control: a count of people from 1 to 5 (as DfE
    /// does), or a value built on one.
    Suppressed,
}

impl Missing {
    /// The reason as the page says it.
    pub fn reason(&self) -> &str {
        match self {
            Missing::NotCalculable(reason) => reason,
            Missing::Suppressed => "c: suppressed because the number is small",
        }
    }
}

impl Serialize for Missing {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.reason())
    }
}

/// Everything computed for one indicator, over every period.
#[derive(Debug, Clone)]
pub struct IndicatorSeries {
    /// The member's figure for every period.
    pub series: Vec<Observation>,
    /// Each breakdown group's figures (a team's, say), by group name.
    pub groups: Vec<(String, Vec<Observation>)>,
    /// The window of the latest period, in words.
    pub window: String,
    /// A rolling or year-to-date indicator's own monthly figures (the same
    /// measure over each month alone), for SPC; None for other windows.
    pub monthly: Option<Vec<Observation>>,
    /// How the figures were arrived at.
    pub basis: Basis,
}

/// How a series' figures were arrived at, which the page states: a board
/// reads a history recalculated from today's records differently from
/// figures as they were reported at the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Each month's figure from that month's own extract.
    AsReported,
    /// Each period's figure from a file of published or returned figures.
    Published,
    /// Every month end recalculated from one current extract, ending with `extract`.
    Recalculated {
        /// The month of the current extract.
        extract: Month,
    },
}

impl Basis {
    /// The basis in words, as the page states it.
    pub fn describe(self) -> String {
        match self {
            Basis::AsReported => "as reported each month".to_string(),
            Basis::Published => "as published for each period".to_string(),
            Basis::Recalculated { extract } => {
                format!("recalculated as at each month end from the {} extract", extract.first_day().format("%B %Y"))
            }
        }
    }
}

impl Observation {
    /// An observation with no value, saying why.
    pub fn not_calculable(period: Month, reason: impl Into<String>) -> Observation {
        Observation::missing(period, Missing::NotCalculable(reason.into()))
    }

    /// An observation hidden by disclosure control.
    pub fn suppressed(period: Month) -> Observation {
        Observation::missing(period, Missing::Suppressed)
    }

    fn missing(period: Month, missing: Missing) -> Observation {
        Observation { period, value: None, numerator: None, denominator: None, missing: Some(missing) }
    }

    /// True when disclosure control hides the value.
    pub fn is_suppressed(&self) -> bool {
        self.missing == Some(Missing::Suppressed)
    }

    /// Why there is no value, in words; None when there is one.
    pub fn reason(&self) -> Option<&str> {
        self.missing.as_ref().map(Missing::reason)
    }

    /// A value is published only when it and both its parts are finite:
    /// 19 of an infinite FTE is 0%, a finite number about nothing real
    /// (values of about 1e308 add up to infinity).
    fn with_parts(period: Month, value: f64, numerator: Option<f64>, denominator: Option<f64>) -> Observation {
        let not_finite = |part: Option<f64>| part.is_some_and(|part| !part.is_finite());
        let reason = if not_finite(denominator) {
            "the denominator is not a finite number: a value in the records is too large to add up"
        } else if not_finite(numerator) {
            "the numerator is not a finite number: a value in the records is too large to add up"
        } else if !value.is_finite() {
            "the calculation does not give a finite number"
        } else {
            return Observation { period, value: Some(value), numerator, denominator, missing: None };
        };
        Observation::not_calculable(period, reason)
    }
}

/// What the measure needs to know besides the aggregates.
pub(super) struct Context {
    pub kind: MeasureKind,
    pub unit: Unit,
    /// Population estimate (year, count) for rate measures.
    pub population: Option<(i32, u64)>,
}

/// The value of one period from its aggregates, or why there is none.
pub(super) fn observe(period: Month, aggregates: Aggregates, context: &Context) -> Observation {
    let scale = if context.unit == Unit::Percent { 100.0 } else { 1.0 };
    let no_values = |what: &str| {
        let reason = if aggregates.rows == 0.0 {
            "no records in the window".to_string()
        } else {
            format!("every {what} is blank")
        };
        Observation::not_calculable(period, reason)
    };
    let all_blank = aggregates.rows > 0.0 && aggregates.non_null == Some(0.0);
    match context.kind {
        MeasureKind::Count => {
            let count = aggregates.numerator.unwrap_or(0.0);
            Observation::with_parts(period, count, Some(count), None)
        }
        MeasureKind::DistinctCount | MeasureKind::Sum if all_blank => no_values("value of `of`"),
        MeasureKind::DistinctCount | MeasureKind::Sum => {
            let total = aggregates.value.unwrap_or(0.0);
            Observation::with_parts(period, total, Some(total), None)
        }
        MeasureKind::Mean | MeasureKind::Median => match aggregates.value {
            Some(value) if aggregates.non_null.unwrap_or(0.0) > 0.0 => {
                Observation::with_parts(period, value, None, aggregates.non_null)
            }
            _ => no_values("value of `of`"),
        },
        MeasureKind::Proportion | MeasureKind::Ratio => {
            let numerator = aggregates.numerator.unwrap_or(0.0);
            match aggregates.denominator {
                _ if all_blank => no_values("numerator value"),
                Some(denominator) if denominator != 0.0 => {
                    Observation::with_parts(period, scale * numerator / denominator, Some(numerator), Some(denominator))
                }
                _ => Observation::not_calculable(period, "the denominator is zero: no records meet its condition"),
            }
        }
        MeasureKind::RatePer10000 => match context.population {
            Some((_, population)) => {
                let count = aggregates.numerator.unwrap_or(0.0);
                Observation::with_parts(
                    period,
                    count / population as f64 * 10_000.0,
                    Some(count),
                    Some(population as f64),
                )
            }
            None => Observation::not_calculable(
                period,
                format!("no child population for {} or earlier in scorecard.toml", period.year),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month() -> Month {
        Month::new(2025, 3).unwrap()
    }

    fn context(kind: MeasureKind, unit: Unit) -> Context {
        Context { kind, unit, population: None }
    }

    #[test]
    fn zero_denominator_is_not_calculable_never_nan() {
        let aggregates = Aggregates { rows: 0.0, numerator: Some(0.0), denominator: Some(0.0), ..Default::default() };
        let observation = observe(month(), aggregates, &context(MeasureKind::Proportion, Unit::Percent));
        assert_eq!(observation.value, None);
        assert!(observation.reason().unwrap().contains("denominator is zero"));
    }

    #[test]
    fn proportion_is_scaled_to_percent() {
        // 3 of 8 = 37.5%
        let aggregates = Aggregates {
            rows: 8.0,
            numerator: Some(3.0),
            denominator: Some(8.0),
            non_null: Some(8.0),
            ..Default::default()
        };
        let observation = observe(month(), aggregates, &context(MeasureKind::Proportion, Unit::Percent));
        assert_eq!(observation.value, Some(37.5));
    }

    #[test]
    fn mean_of_all_blank_values_says_why() {
        let aggregates = Aggregates { rows: 4.0, value: None, non_null: Some(0.0), ..Default::default() };
        let observation = observe(month(), aggregates, &context(MeasureKind::Mean, Unit::Days));
        assert_eq!(observation.reason(), Some("every value of `of` is blank"));
    }

    /// Three FTEs of 1e308 add up to infinity: 19 of them is 0% by
    /// arithmetic, and published it would rate green.
    #[test]
    fn an_infinite_part_is_not_calculable_never_a_value() {
        let ratio = |numerator: f64, denominator: f64| {
            let aggregates = Aggregates {
                rows: 3.0,
                numerator: Some(numerator),
                denominator: Some(denominator),
                non_null: Some(3.0),
                ..Default::default()
            };
            observe(month(), aggregates, &context(MeasureKind::Proportion, Unit::Percent))
        };
        let infinite_denominator = ratio(19.0, f64::INFINITY);
        assert_eq!(infinite_denominator.value, None);
        assert!(infinite_denominator.reason().unwrap().starts_with("the denominator is not a finite number"));
        let infinite_numerator = ratio(f64::INFINITY, 3.0);
        assert_eq!(infinite_numerator.value, None);
        assert!(infinite_numerator.reason().unwrap().starts_with("the numerator is not a finite number"));
        let sum = Aggregates { rows: 3.0, value: Some(f64::INFINITY), non_null: Some(3.0), ..Default::default() };
        assert_eq!(observe(month(), sum, &context(MeasureKind::Sum, Unit::Count)).value, None);
        // Large but finite parts still give their value: 1e300 of 4e300 = 25%.
        assert_eq!(ratio(1e300, 4e300).value, Some(25.0));
    }

    #[test]
    fn rate_needs_a_population() {
        let aggregates = Aggregates { rows: 3.0, numerator: Some(450.0), ..Default::default() };
        let mut context = context(MeasureKind::RatePer10000, Unit::RatePer10000);
        assert!(observe(month(), aggregates, &context).missing.is_some());
        // 450 / 60,000 x 10,000 = 75
        context.population = Some((2024, 60_000));
        assert_eq!(observe(month(), aggregates, &context).value, Some(75.0));
    }
}
