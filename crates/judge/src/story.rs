//! The month's story, exceptions first: what the board reads before any
//! table. R/A/G counts beside last month's; every indicator that needs
//! attention (`ATTENTION_RULE`); then every one that improved
//! (`IMPROVED_RULE`). An indicator rated better but still red or amber is
//! in both: it improved, and it still needs attention.

use super::indicator::{Comparison, IndicatorReport};
use super::rag::{Rag, RagCounts};
use super::spc::Variation;
use super::trend::Direction;
use crate::evaluate::Observation;
use crate::language::Polarity;
use serde::Serialize;

/// The month's story: what needs attention and what improved, before the detail.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Story {
    /// Last month's ratings, by the same rules.
    pub previous_counts: RagCounts,
    /// Red first, then amber, then the rest, each in the page's order.
    pub attention: Vec<Exception>,
    /// Better than last month, in the page's order.
    pub improved: Vec<Exception>,
}

/// One indicator in the story, with what the board needs beside it.
#[derive(Debug, Clone, Serialize)]
pub struct Exception {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its rating this month.
    pub rag: Option<Rag>,
    /// Last month's, by the same rule.
    pub previous_rag: Option<Rag>,
    /// Why it is here, in words: "red", "amber, was green", "special cause: concerning".
    pub reasons: Vec<String>,
    /// This month's figure.
    pub latest: Observation,
    /// Last month's.
    pub previous: Observation,
    /// This month's target, when rated against one.
    pub target: Option<f64>,
    /// The first line of the service lead's commentary, if there is one.
    pub commentary: Option<String>,
}

/// The rules, as the page states them under each list.
pub const ATTENTION_RULE: &str = "red or amber, rated worse than last month, or a concerning special cause";
/// The rule for the improved list, as the page states it.
pub const IMPROVED_RULE: &str =
    "rated better than last month, or an improving special cause with the figure no worse than last month or last year";

/// The figure as shown is worse than the earlier one (by polarity, or
/// further from the target).
fn worse_as_shown(comparison: &Comparison, polarity: Polarity) -> bool {
    match (polarity, comparison.change) {
        (Polarity::HigherIsBetter, Some(change)) => change < 0.0,
        (Polarity::LowerIsBetter, Some(change)) => change > 0.0,
        _ => comparison.direction == Some(Direction::Worsening),
    }
}

/// 0 for red, the worst: a lower number is a worse rating.
fn severity(rag: Rag) -> u8 {
    match rag {
        Rag::Red => 0,
        Rag::Amber => 1,
        Rag::Green => 2,
    }
}

/// Positive when the rating got better since last month, negative when worse.
fn change(indicator: &IndicatorReport) -> i8 {
    match (indicator.rag, indicator.previous_rag) {
        (Some(now), Some(before)) => severity(now) as i8 - severity(before) as i8,
        _ => 0,
    }
}

fn rating_words(indicator: &IndicatorReport) -> Option<String> {
    let now = indicator.rag?;
    Some(match indicator.previous_rag {
        Some(before) if before != now => format!("{}, was {}", now.name(), before.name()),
        _ => now.name().to_string(),
    })
}

fn exception(indicator: &IndicatorReport, reasons: Vec<String>) -> Exception {
    let previous = indicator.vs_previous_month.period;
    Exception {
        id: indicator.id.clone(),
        title: indicator.title.clone(),
        rag: indicator.rag,
        previous_rag: indicator.previous_rag,
        reasons,
        latest: indicator.latest.clone(),
        previous: indicator
            .series
            .iter()
            .find(|observation| observation.period == previous)
            .cloned()
            .unwrap_or_else(|| Observation::not_calculable(previous, format!("no data for {previous}"))),
        target: indicator.target,
        commentary: indicator.commentary.as_deref().and_then(|text| text.lines().next()).map(str::to_string),
    }
}

/// The story of a month's judged indicators.
pub fn story(indicators: &[IndicatorReport]) -> Story {
    let mut attention = Vec::new();
    let mut improved = Vec::new();
    for indicator in indicators {
        let variation = indicator.spc.as_ref().and_then(|spc| spc.latest);
        let rated_badly = matches!(indicator.rag, Some(Rag::Red | Rag::Amber));
        let mut reasons: Vec<String> = Vec::new();
        if rated_badly || change(indicator) != 0 {
            reasons.extend(rating_words(indicator));
        }
        if let Some(variation @ (Variation::Concerning | Variation::Improving)) = variation {
            reasons.push(variation.describe().to_string());
        }
        let no_worse = [&indicator.vs_previous_month, &indicator.vs_last_year]
            .iter()
            .all(|comparison| !worse_as_shown(comparison, indicator.polarity));
        if rated_badly || change(indicator) < 0 || variation == Some(Variation::Concerning) {
            attention.push(exception(indicator, reasons.clone()));
        }
        if change(indicator) > 0 || (variation == Some(Variation::Improving) && no_worse) {
            improved.push(exception(indicator, reasons));
        }
    }
    // Stable: within a rating, the page's order.
    attention.sort_by_key(|exception| exception.rag.map_or(3, severity));
    let count = |rag: Rag| indicators.iter().filter(|indicator| indicator.previous_rag == Some(rag)).count();
    Story {
        previous_counts: RagCounts { red: count(Rag::Red), amber: count(Rag::Amber), green: count(Rag::Green) },
        attention,
        improved,
    }
}
