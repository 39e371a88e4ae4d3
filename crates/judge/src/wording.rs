//! A definition in words a board member can check: what is counted, over
//! which dates, and how it is rated. Expressions are quoted as written.

use super::rag;
use crate::evaluate::Basis;
use crate::language::{Definition, MeasureKind, Polarity, RatingMethod, RatingRule, Targets, WorkingDayCount};

/// The rule as a reader checks it: what is counted, over which dates, and
/// how it is rated. Expressions are quoted as written in the definition.
pub fn plain_english(definition: &Definition, window: &str) -> Vec<(String, String)> {
    let indicator = &definition.indicator;
    let mut lines = vec![("Source".to_string(), format!("the `{}` extract, {window}", definition.dataset()))];
    for lookup in &indicator.lookup {
        let columns: Vec<&str> = lookup.columns.iter().map(|c| c.get_ref().as_str()).collect();
        lines.push((
            "Looked up".into(),
            format!("{} from `{}`, matched on {}", columns.join(", "), lookup.dataset.get_ref(), lookup.on.get_ref()),
        ));
    }
    for (name, derived) in &indicator.derive {
        let rule = match (&derived.get_ref().sql, &derived.get_ref().working_days) {
            (Some(sql), _) => sql.get_ref().clone(),
            (None, Some(days)) => {
                let (from, to) = (days.from.get_ref(), days.to.get_ref());
                let span = match days.count {
                    WorkingDayCount::AfterStartToEnd => format!("after {from} up to and including {to}"),
                    WorkingDayCount::StartToBeforeEnd => {
                        format!("from and including {from} up to but not including {to}")
                    }
                    WorkingDayCount::StartToEnd => format!("from {from} to {to}, both included"),
                };
                format!("working days {span} (weekends and bank holidays left out)")
            }
            (None, None) => String::new(),
        };
        lines.push((format!("Computed {name}"), rule));
    }
    if let Some(filter) = &indicator.filter {
        lines.push(("Records included".into(), filter.get_ref().clone()));
    }
    if let Some(per_entity) = &indicator.per_entity {
        for (name, aggregate) in &per_entity.aggregate {
            let entity = per_entity.key.as_ref().map_or("entity", |key| key.get_ref().as_str());
            lines.push((format!("Per {entity}, {name}"), aggregate.get_ref().clone()));
        }
    }
    let measure = &indicator.measure;
    let mut push = |label: &str, value: &Option<toml::Spanned<String>>| {
        if let Some(value) = value {
            lines.push((label.to_string(), value.get_ref().clone()));
        }
    };
    push("Counted where", &measure.condition);
    push("Value of", &measure.of);
    push("Numerator", &measure.numerator);
    push("Denominator", &measure.denominator);
    push("Weighted by", &measure.weight);
    lines.push(("Calculation".into(), measure_words(*measure.kind.get_ref()).to_string()));
    if let Some(rating) = rating_words(definition) {
        lines.push(("Rating".into(), rating));
    }
    lines
}

/// The rule for the board, with no SQL: where the figures come from, what
/// is calculated and how it is rated. The expressions themselves are in
/// the definitions appendix, for the analyst.
pub(crate) fn in_words(definition: &Definition, window: &str, basis: Basis) -> Vec<(String, String)> {
    let indicator = &definition.indicator;
    let source = format!("the {} extract, {window}; figures {}", definition.dataset(), basis.describe());
    let mut lines = vec![("Source".to_string(), source)];
    if let Some(national) = &indicator.national_definition {
        lines.push(("Follows".into(), national.clone()));
    }
    for lookup in &indicator.lookup {
        lines.push(("Also uses".into(), format!("the {} extract", lookup.dataset.get_ref())));
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
