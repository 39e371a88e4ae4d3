//! The improvement plan as the board reads it this month: each priority's
//! actions with the lead's RAG, the latest progress commentary of the
//! quarter (or the latest before it), and the latest RAG of the indicators
//! that measure them.

use super::indicator::{ActionRef, IndicatorReport};
use super::rag::Rag;
use crate::language::{ActionRag, ImprovementPlan, Quarter};
use crate::project::Month;
use serde::Serialize;

/// The improvement plan as the month's pack shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// The quarter the month falls in, e.g. "2025-26 Q4".
    pub quarter: String,
    /// Each priority, in the plan's order.
    pub priorities: Vec<PriorityView>,
}

/// A priority and its actions.
#[derive(Debug, Clone, Serialize)]
pub struct PriorityView {
    /// As the plan numbers it.
    pub number: String,
    /// Its title.
    pub title: String,
    /// Its actions.
    pub actions: Vec<ActionView>,
}

/// An action with its latest rating, progress and the indicators measuring it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    /// As the plan numbers it.
    pub number: String,
    /// What is to be done.
    pub title: String,
    /// Who leads it.
    pub lead: Option<String>,
    /// Its lead's rating.
    pub rag: Option<ActionRag>,
    /// The quarter of the commentary shown, when there is one.
    pub progress_quarter: Option<String>,
    /// The latest commentary in or before the month's quarter.
    pub progress: Option<String>,
    /// The indicators measuring it, with their ratings this month.
    pub measured_by: Vec<Measure>,
}

/// An indicator that measures an action, with its latest rating.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its rating this month.
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
