//! A definition in words a board member can check: what is counted, over
//! which dates, and how it is rated. Expressions are quoted as written.

use super::rag;
use crate::evaluate::Basis;
use crate::language::{Definition, MeasureKind, Polarity, RatingMethod, RatingRule, Targets};

/// The rule as a reader checks it: what is counted, over which dates, and
/// how it is rated. Expressions are quoted as written in the definition.
pub fn plain_english(definition: &Definition, window: &str) -> Vec<(String, String)> {
    let mut lines = definition.rule_as_written(window);
    lines.push(("Calculation".into(), measure_words(definition.measure_kind()).to_string()));
    if let Some(rating) = rating_words(definition) {
        lines.push(("Rating".into(), rating));
    }
    lines
}

/// The rule for the board, with no SQL: where the figures come from, what
/// is calculated and how it is rated. The expressions themselves are in
/// the definitions appendix, for the analyst.
pub(crate) fn in_words(definition: &Definition, window: &str, basis: Basis) -> Vec<(String, String)> {
    let source = format!("the {} extract, {window}; figures {}", definition.dataset(), basis.describe());
    let mut lines = vec![("Source".to_string(), source)];
    if let Some(national) = definition.national_definition() {
        lines.push(("Follows".into(), national.to_string()));
    }
    for dataset in definition.datasets().skip(1) {
        lines.push(("Also uses".into(), format!("the {dataset} extract")));
    }
    lines.push(("Calculation".into(), measure_words(definition.measure_kind()).to_string()));
    if let Some(rating) = rating_words(definition) {
        lines.push(("Rating".into(), rating));
    }
    lines
}

fn measure_words(kind: MeasureKind) -> &'static str {
    use MeasureKind::*;
    match kind {
        Count => "the number of records",
        DistinctCount => "the number of different values",
        Sum => "the total",
        Mean => "the average (mean)",
        Median => "the middle value (median)",
        Proportion => "numerator as a percentage of denominator",
        Ratio => "total of the numerator divided by total of the denominator",
        RatePer10000 => "the number of records per 10,000 children aged 0-17",
    }
}

fn rating_words(definition: &Definition) -> Option<String> {
    let (better, worse) = if definition.polarity() == Polarity::HigherIsBetter {
        ("at or above", "below")
    } else {
        ("at or below", "above")
    };
    let varying = definition.targets.as_ref().filter(|targets| targets.varies());
    if let Some(RatingMethod::CloseToTarget { amber_within }) = definition.rating {
        let (what, green_within, amber_within) = match (varying, definition.fixed_rule()) {
            (None, Some(RatingRule::CloseToTarget { target, green_within, amber_within })) => {
                (format!("target {target}"), green_within.to_string(), amber_within.to_string())
            }
            // Against each month's own target.
            (Some(targets), _) => {
                let green_within = definition.tolerance?.as_written();
                let amber_within = amber_within.map_or_else(|| green_within.clone(), |amber| amber.to_string());
                (targets_words(targets), green_within, amber_within)
            }
            _ => return None,
        };
        return Some(format!(
            "{what}; green within {green_within} of it either way, amber within {amber_within}, red beyond"
        ));
    }
    if let Some(targets) = varying {
        let Some(RatingMethod::Target) = definition.rating else { return None };
        let within = definition.tolerance?.as_written();
        return Some(format!(
            "{}; green {better} the month's target, amber up to {within} {worse} it, red beyond",
            targets_words(targets)
        ));
    }
    let limits = rag::limits(&definition.fixed_rule()?, definition.polarity())?;
    Some(format!("green {better} {}; amber {better} {}; red {worse} {}", limits.green, limits.amber, limits.amber))
}

/// "target by financial year: 2024-25 90, 2025-26 92", or the trajectory.
fn targets_words(targets: &Targets) -> String {
    match targets {
        Targets::Fixed(target) => format!("target {target}"),
        Targets::ByFinancialYear { years, otherwise, .. } => {
            let listed: Vec<String> =
                years.iter().map(|(year, target)| format!("{year}-{:02} {target}", (year + 1) % 100)).collect();
            let others = otherwise.map(|target| format!(", other years {target}")).unwrap_or_default();
            format!("target by financial year: {}{others}", listed.join(", "))
        }
        Targets::Trajectory { from, start, to, end } => {
            format!("target moving month by month from {start} in {from} to {end} in {to}")
        }
    }
}
