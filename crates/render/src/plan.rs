//! The improvement plan in words, for the page and the pack alike: each
//! action's rating as the indicators' ratings are drawn, its progress, and
//! what measures it.

use super::format::RagView;
use crate::judge::{ActionView, IndicatorReport, Rag};
use crate::language::ActionRag;
use serde::Serialize;

/// An action's rating drawn as an indicator's would be (`complete` in green).
pub(super) fn action_rag(rag: Option<ActionRag>) -> (Option<Rag>, RagView) {
    match rag {
        Some(ActionRag::Red) => (Some(Rag::Red), RagView { rag: "red", rag_letter: "R", rag_text: "red" }),
        Some(ActionRag::Amber) => (Some(Rag::Amber), RagView { rag: "amber", rag_letter: "A", rag_text: "amber" }),
        Some(ActionRag::Green) => (Some(Rag::Green), RagView { rag: "green", rag_letter: "G", rag_text: "green" }),
        Some(ActionRag::Complete) => {
            (Some(Rag::Green), RagView { rag: "green", rag_letter: "C", rag_text: "complete" })
        }
        None => (None, RagView { rag: "none", rag_letter: "–", rag_text: "not rated" }),
    }
}

/// One action as a row.
#[derive(Debug, Serialize)]
pub(super) struct ActionRow {
    pub action: String,
    pub lead: String,
    pub progress: String,
    /// "Agency social worker rate (A); Caseloads within limit (G)".
    pub measured_by: String,
    #[serde(flatten)]
    pub rag: RagView,
}

pub(super) fn action_row(action: &ActionView) -> ActionRow {
    let progress = match (&action.progress, &action.progress_quarter) {
        (Some(text), Some(quarter)) => format!("{text} ({quarter})"),
        _ => "No progress commentary yet.".to_string(),
    };
    let measured_by = action
        .measured_by
        .iter()
        .map(|measure| format!("{} ({})", measure.title, measure.rag.map_or("not rated", |rag| rag.letter())))
        .collect::<Vec<_>>()
        .join("; ");
    ActionRow {
        action: format!("{} {}", action.number, action.title),
        lead: action.lead.clone().unwrap_or_default(),
        progress,
        measured_by,
        rag: action_rag(action.rag).1,
    }
}

/// "Measures plan action 9.1: Reduce reliance on agency social workers."
pub(super) fn actions_sentence(indicator: &IndicatorReport) -> Option<String> {
    let actions: Vec<String> =
        indicator.actions.iter().map(|action| format!("{} {}", action.number, action.title)).collect();
    match actions.as_slice() {
        [] => None,
        [one] => Some(format!("Measures plan action {one}.")),
        many => Some(format!("Measures plan actions {}.", many.join("; "))),
    }
}
