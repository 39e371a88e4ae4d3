//! The checked model of a definition's measure and rating: built by `check`
//! from the fields as written, each kind carrying exactly what it uses, so
//! the engine never meets a measure without its numerator or a target
//! method without a target.

use super::indicator::MeasureKind;

/// A SQL expression as written, with its place in the definition file.
pub type Sql = crate::diagnostics::Written;

/// What an indicator measures, per period.
#[derive(Debug, Clone)]
pub enum MeasureRule {
    /// How many rows meet `condition` (every row without one).
    Count {
        /// The rows counted.
        condition: Option<Sql>,
    },
    /// How many rows meet `condition`, per 10,000 children aged 0-17.
    RatePer10000 {
        /// The rows counted.
        condition: Option<Sql>,
    },
    /// A summary (`distinct_count`, `sum`, `mean` or `median`) of `of` over
    /// the rows meeting `condition`.
    Summary {
        /// Which summary.
        kind: Summary,
        /// The expression summarised.
        of: Sql,
        /// The rows taken.
        condition: Option<Sql>,
    },
    /// The (weighted) share of the denominator's rows that meet the
    /// numerator too, as a percentage.
    Proportion {
        /// The condition a denominator row must also meet.
        numerator: Sql,
        /// The rows the share is of (every row without one).
        denominator: Option<Sql>,
        /// Each row's weight (1 without one).
        weight: Option<Sql>,
    },
    /// The total of `numerator` over the total of `denominator`, over the
    /// rows meeting `condition`.
    Ratio {
        /// The expression totalled on top.
        numerator: Sql,
        /// The expression totalled below.
        denominator: Sql,
        /// The rows taken.
        condition: Option<Sql>,
    },
}

/// Which summary of `of` a summary measure takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// How many different values.
    DistinctCount,
    /// The total.
    Sum,
    /// The mean.
    Mean,
    /// The median.
    Median,
}

impl MeasureRule {
    /// The measure's kind, as the definition names it.
    pub fn kind(&self) -> MeasureKind {
        match self {
            MeasureRule::Count { .. } => MeasureKind::Count,
            MeasureRule::RatePer10000 { .. } => MeasureKind::RatePer10000,
            MeasureRule::Summary { kind: Summary::DistinctCount, .. } => MeasureKind::DistinctCount,
            MeasureRule::Summary { kind: Summary::Sum, .. } => MeasureKind::Sum,
            MeasureRule::Summary { kind: Summary::Mean, .. } => MeasureKind::Mean,
            MeasureRule::Summary { kind: Summary::Median, .. } => MeasureKind::Median,
            MeasureRule::Proportion { .. } => MeasureKind::Proportion,
            MeasureRule::Ratio { .. } => MeasureKind::Ratio,
        }
    }

    /// Every expression of the measure, in the order the definition's
    /// fields are listed: `where`, `of`, `numerator`, `denominator`, `weight`.
    pub fn expressions(&self) -> Vec<&Sql> {
        match self {
            MeasureRule::Count { condition } | MeasureRule::RatePer10000 { condition } => condition.iter().collect(),
            MeasureRule::Summary { of, condition, .. } => condition.iter().chain([of]).collect(),
            MeasureRule::Proportion { numerator, denominator, weight } => {
                [Some(numerator), denominator.as_ref(), weight.as_ref()].into_iter().flatten().collect()
            }
            MeasureRule::Ratio { numerator, denominator, condition } => {
                condition.iter().chain([numerator, denominator]).collect()
            }
        }
    }

    /// The condition selecting the rows that take part (`where`), if any.
    pub fn condition(&self) -> Option<&Sql> {
        match self {
            MeasureRule::Count { condition }
            | MeasureRule::RatePer10000 { condition }
            | MeasureRule::Summary { condition, .. }
            | MeasureRule::Ratio { condition, .. } => condition.as_ref(),
            MeasureRule::Proportion { .. } => None,
        }
    }

    /// Whether the numerator counts people (rather than FTE, days or a
    /// weighted sum): what disclosure control and confidence intervals need.
    pub fn counts_people(&self) -> bool {
        match self {
            MeasureRule::Count { .. }
            | MeasureRule::RatePer10000 { .. }
            | MeasureRule::Summary { kind: Summary::DistinctCount, .. } => true,
            MeasureRule::Proportion { weight, .. } => weight.is_none(),
            MeasureRule::Summary { .. } | MeasureRule::Ratio { .. } => false,
        }
    }
}

/// How the latest value is rated red, amber or green. Values are rated as
/// shown, rounded to the indicator's decimals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RatingRule {
    /// Green at or better than `target`; amber within `tolerance` of it
    /// (in the indicator's units); red beyond.
    Target {
        /// The month's target.
        target: f64,
        /// How far short of it is amber, in the indicator's units.
        tolerance: f64,
    },
    /// Green at or better than `green`, amber at or better than `amber`.
    Thresholds {
        /// Green at or better than this.
        green: f64,
        /// Amber at or better than this.
        amber: f64,
    },
    /// `close_to_target` polarity: green within `green_within` of `target`
    /// either side, amber within `amber_within`, red beyond.
    CloseToTarget {
        /// The month's target.
        target: f64,
        /// Green within this of it, either side.
        green_within: f64,
        /// Amber within this of it.
        amber_within: f64,
    },
    /// Better than the benchmark by more than `tolerance` green, within it
    /// amber, worse by more red.
    Benchmark {
        /// Amber within this of the benchmark, in the indicator's units.
        tolerance: f64,
    },
    /// Fingertips style: the benchmark inside the value's confidence
    /// interval at `level` (95 or 99.8) is amber ("similar").
    Significance {
        /// The confidence level.
        level: ConfidenceLevel,
    },
}

/// How an indicator is rated, as checked. The target methods hold no
/// target: the definition's `targets` give each month's, with its
/// `tolerance`, and `Definition::rating_for` makes that month's rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RatingMethod {
    /// Against the month's target, amber within the tolerance of it.
    Target,
    /// `close_to_target` polarity: green within the tolerance of the
    /// month's target either side, amber within `amber_within` (in the
    /// indicator's units; the tolerance without one).
    CloseToTarget {
        /// Amber within this of the target; the tolerance without one.
        amber_within: Option<f64>,
    },
    /// Green at or better than `green`, amber at or better than `amber`.
    Thresholds {
        /// Green at or better than this.
        green: f64,
        /// Amber at or better than this.
        amber: f64,
    },
    /// Against the benchmark, amber within `tolerance` of it.
    Benchmark {
        /// Amber within this of the benchmark.
        tolerance: f64,
    },
    /// The benchmark inside the value's confidence interval at `level` is amber.
    Significance {
        /// The confidence level.
        level: ConfidenceLevel,
    },
}

/// How far short of the target amber reaches, for the target method: in
/// the indicator's units (`tolerance`), or a percentage of each month's
/// target (`tolerance_percent`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// In the indicator's units.
    Units(f64),
    /// A percentage of each month's target.
    PercentOfTarget(f64),
}

impl Tolerance {
    /// The tolerance in the indicator's units against `target`.
    pub fn of(self, target: f64) -> f64 {
        match self {
            Tolerance::Units(units) => units,
            Tolerance::PercentOfTarget(percent) => (target * percent / 100.0).abs(),
        }
    }

    /// As the definition gives it: "1.5", or "5%".
    pub fn as_written(self) -> String {
        match self {
            Tolerance::Units(units) => units.to_string(),
            Tolerance::PercentOfTarget(percent) => format!("{percent}%"),
        }
    }
}

/// The confidence levels Fingertips uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfidenceLevel {
    /// 95%.
    Level95,
    /// 99.8%.
    Level998,
}

impl ConfidenceLevel {
    /// The level as a percentage (95 or 99.8).
    pub fn percent(self) -> f64 {
        match self {
            ConfidenceLevel::Level95 => 95.0,
            ConfidenceLevel::Level998 => 99.8,
        }
    }
}
