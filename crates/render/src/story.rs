//! The page's opening: the month's story as the board reads it, each
//! exception with last month's value, this month's, the target and the
//! first line of the commentary.

use super::format::{month_name, rag_view, show_value, value_text, RagView};
use super::rating::{rating_reason, target_text};
use crate::judge::{Exception, IndicatorReport, Rag, Revision, Scorecard, Variation, ATTENTION_RULE, IMPROVED_RULE};
use minijinja::{context, Value};
use serde::Serialize;

/// One line of "needs attention" or "improved", as the page and the pack show it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ExceptionLine {
    pub id: String,
    pub title: String,
    pub why: String,
    pub previous: String,
    pub value: String,
    pub target: String,
    pub commentary: Option<String>,
    /// Red or amber with no commentary: the page says so.
    pub no_commentary: bool,
    #[serde(flatten)]
    pub rating: RagView,
    #[serde(skip)]
    pub rated: Option<Rag>,
}

fn exception_line(exception: &Exception, indicator: &IndicatorReport) -> ExceptionLine {
    let (decimals, unit) = (indicator.decimals, indicator.unit);
    // Red and amber need the service lead's account; say when there is none.
    let needs_commentary = matches!(exception.rag, Some(Rag::Red | Rag::Amber));
    ExceptionLine {
        id: exception.id.clone(),
        title: exception.title.clone(),
        why: why(exception, indicator),
        previous: value_text(&exception.previous, decimals, unit),
        value: value_text(&exception.latest, decimals, unit),
        target: target_text(indicator),
        commentary: exception.commentary.clone(),
        no_commentary: needs_commentary && exception.commentary.is_none(),
        rating: rag_view(exception.rag),
        rated: exception.rag,
    }
}

/// Why it is listed, in words: how the rating was reached ("21.5 points
/// below the 80.0% target"), the rating it had last month, and a special
/// cause with the process change behind it. The judged record decides;
/// this only words it.
fn why(exception: &Exception, indicator: &IndicatorReport) -> String {
    let mut parts: Vec<String> = rating_reason(indicator).into_iter().collect();
    if let (Some(before), Some(now)) = (exception.previous_rag, exception.rag) {
        if before != now {
            parts.push(format!("was {}", before.name()));
        }
    }
    let spc = indicator.spc.as_ref();
    if let Some(variation @ (Variation::Concerning | Variation::Improving)) = spc.and_then(|spc| spc.latest) {
        let change = spc.and_then(|spc| spc.changed.as_ref()).map(|change| change.describe(month_name));
        parts.push(match change {
            Some(change) => format!("{}, {change}", variation.describe()),
            None => variation.describe().to_string(),
        });
    }
    if parts.is_empty() {
        exception.reasons.join("; ")
    } else {
        parts.join("; ")
    }
}

/// The lines for `exceptions` (the story's "attention" or "improved").
pub(super) fn exception_lines(scorecard: &Scorecard, exceptions: &[Exception]) -> Vec<ExceptionLine> {
    exceptions
        .iter()
        .filter_map(|exception| {
            let indicator = scorecard.indicators.iter().find(|indicator| indicator.id == exception.id)?;
            Some(exception_line(exception, indicator))
        })
        .collect()
}

pub(super) fn story_view(scorecard: &Scorecard) -> Value {
    let views = |exceptions: &[Exception]| Value::from_serialize(exception_lines(scorecard, exceptions));
    let story = &scorecard.story;
    context! {
        previous_counts => context! {
            red => story.previous_counts.red,
            amber => story.previous_counts.amber,
            green => story.previous_counts.green,
        },
        attention => views(&story.attention),
        attention_rule => ATTENTION_RULE,
        improved_rule => IMPROVED_RULE,
        revised => scorecard
            .indicators
            .iter()
            .filter(|indicator| !indicator.revisions.is_empty())
            .map(|indicator| context! { id => &indicator.id, title => &indicator.title, changes => revision_texts(indicator) })
            .collect::<Vec<_>>(),
        improved => views(&story.improved),
    }
}

/// "January 2026: reported 21.3% in the February 2026 pack, now 21.9%".
pub(super) fn revision_texts(indicator: &IndicatorReport) -> Vec<String> {
    let show = |value: Option<f64>| match value {
        Some(value) => show_value(Some(value), indicator.decimals, indicator.unit),
        None => "no value".to_string(),
    };
    let text = |revision: &Revision| {
        let (period, pack) = (month_name(revision.period), month_name(revision.pack));
        format!("{period}: reported {} in the {pack} pack, now {}", show(revision.reported), show(revision.now))
    };
    indicator.revisions.iter().map(text).collect()
}
