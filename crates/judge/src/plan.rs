//! The improvement plan as the board reads it this month: each priority's
//! actions with the lead's RAG, the latest progress commentary of the
//! quarter (or the latest before it), and the latest RAG of the indicators
//! that measure them.

use super::indicator::{ActionRef, IndicatorReport};
use super::rag::Rag;
use crate::language::{ActionRag, ImprovementPlan, Quarter};
use crate::project::Month;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// The quarter the month falls in, e.g. "2025-26 Q4".
    pub quarter: String,
    pub priorities: Vec<PriorityView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PriorityView {
    pub number: String,
    pub title: String,
    pub actions: Vec<ActionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub number: String,
    pub title: String,
    pub lead: Option<String>,
    pub rag: Option<ActionRag>,
    /// The quarter of the commentary shown, when there is one.
    pub progress_quarter: Option<String>,
    pub progress: Option<String>,
    pub measured_by: Vec<Measure>,
}

/// An indicator that measures an action, with its latest rating.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub id: String,
    pub title: String,
    pub rag: Option<Rag>,
}

pub(crate) fn view(plan: &ImprovementPlan, month: Month, start_month: u32, indicators: &[IndicatorReport]) -> PlanView {
    let quarter = Quarter::of(month, start_month);
    let measure = |id: &String| {
        let indicator = indicators.iter().find(|indicator| &indicator.id == id)?;
        Some(Measure { id: id.clone(), title: indicator.title.clone(), rag: indicator.rag })
    };
    let priorities = plan
        .priorities
        .iter()
        .map(|priority| PriorityView {
            number: priority.number.clone(),
            title: priority.title.clone(),
            actions: priority
                .actions
                .iter()
                .map(|action| {
                    let progress = action.progress_at(quarter);
                    ActionView {
                        number: action.number.clone(),
                        title: action.title.clone(),
                        lead: action.lead.clone(),
                        rag: action.rag,
                        progress_quarter: progress.map(|(written, _)| written.to_string()),
                        progress: progress.map(|(_, text)| text.clone()),
                        measured_by: action.indicators.iter().filter_map(measure).collect(),
                    }
                })
                .collect(),
        })
        .collect();
    PlanView { quarter: quarter.to_string(), priorities }
}

/// The actions an indicator measures, in plan order.
pub(crate) fn actions_of(plan: &ImprovementPlan, id: &str) -> Vec<ActionRef> {
    plan.priorities
        .iter()
        .flat_map(|priority| &priority.actions)
        .filter(|action| action.indicators.iter().any(|measured| measured == id))
        .map(|action| ActionRef { number: action.number.clone(), title: action.title.clone() })
        .collect()
}
