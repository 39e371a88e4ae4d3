//! The improvement plan the board tracks beside the indicators: `plan.toml`
//! beside the project file (optional), holding each priority's actions,
//! their lead, the indicators that measure them, the RAG the lead sets, and
//! a progress commentary per quarter of the financial year.
//!
//! ```toml
//! [[priority]]
//! number = "9"
//! title = "A stable, skilled workforce"
//!
//! [[priority.action]]
//! number = "9.1"
//! title = "Reduce reliance on agency social workers"
//! lead = "Head of Workforce Development"
//! indicators = ["agency-rate", "caseloads-within-limit"]
//! rag = "amber"
//! progress = { "2025-26 Q3" = "Twelve permanent appointments made; four start in January." }
//! ```

use crate::diagnostics::{did_you_mean, field_names, parse_toml, Diagnostics, SourceFile};
use crate::project::{Month, Project};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// The improvement plan's file, beside the project file.
pub(crate) const PLAN_FILE: &str = "plan.toml";

/// `plan.toml`: the improvement plan's priorities and their actions.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PlanFile {
    /// `[[priority]]`: the plan's priorities, in the order the board reads them.
    #[serde(default)]
    pub priority: Vec<PriorityEntry>,
}

/// A priority of the plan.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PriorityEntry {
    /// Its number in the plan, e.g. "9".
    pub number: String,
    /// E.g. "A stable, skilled workforce".
    pub title: String,
    /// `[[priority.action]]`: what will be done.
    #[serde(default)]
    pub action: Vec<ActionEntry>,
}

/// An action of a priority.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ActionEntry {
    /// Its number in the plan, e.g. "9.1".
    pub number: String,
    /// What will be done.
    pub title: String,
    /// Who leads it (a role or a service).
    pub lead: Option<String>,
    /// The indicators that show whether it works (their ids).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub indicators: Vec<Spanned<String>>,
    /// The lead's rating of progress: `red`, `amber`, `green` or `complete`.
    #[schemars(with = "Option<String>")]
    pub rag: Option<Spanned<String>>,
    /// Progress commentary by quarter of the financial year: `"2025-26 Q3" = "..."`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub progress: BTreeMap<String, Spanned<String>>,
}

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImprovementPlan {
    /// The priorities, in the plan's order.
    pub priorities: Vec<Priority>,
}

/// One of the plan's priorities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priority {
    /// As the plan numbers it ("1", "2a").
    pub number: String,
    /// Its title.
    pub title: String,
    /// Its actions, in order.
    pub actions: Vec<Action>,
}

/// One action under a priority.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// As the plan numbers it ("1.1").
    pub number: String,
    /// What is to be done.
    pub title: String,
    /// Who leads it.
    pub lead: Option<String>,
    /// The indicators that show its progress, by id.
    pub indicators: Vec<String>,
    /// Its lead's latest rating.
    pub rag: Option<ActionRag>,
    /// Commentary by quarter, oldest first.
    pub progress: Vec<(Quarter, String)>,
}

impl Action {
    /// The latest commentary in or before `quarter`.
    pub fn progress_at(&self, quarter: Quarter) -> Option<&(Quarter, String)> {
        self.progress.iter().rev().find(|(written, _)| *written <= quarter)
    }
}

/// The lead's rating of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionRag {
    /// Off track.
    Red,
    /// At risk.
    Amber,
    /// On track.
    Green,
    /// Done.
    Complete,
}

impl ActionRag {
    /// The rating in words.
    pub fn describe(self) -> &'static str {
        match self {
            ActionRag::Red => "red",
            ActionRag::Amber => "amber",
            ActionRag::Green => "green",
            ActionRag::Complete => "complete",
        }
    }
}

/// A quarter of a financial year: `2025-26 Q3` (Q1 starts the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    /// The calendar year the financial year starts in.
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    /// `2025-26 Q3`, or `2025/26 Q3`.
    pub fn parse(text: &str) -> Option<Quarter> {
        let (years, quarter) = text.trim().split_once(char::is_whitespace)?;
        let (start, end) = years.split_once(['-', '/'])?;
        let year: i32 = start.parse().ok().filter(|_| start.len() == 4)?;
        let end: i32 = end.parse().ok().filter(|_| end.len() == 2)?;
        let number: u32 = quarter.trim().strip_prefix(['Q', 'q'])?.parse().ok()?;
        ((year + 1) % 100 == end && (1..=4).contains(&number)).then_some(Quarter { year, number })
    }

    /// The quarter holding `month`, for a year starting in `start_month`.
    pub fn of(month: Month, start_month: u32) -> Quarter {
        let year = if month.month >= start_month { month.year } else { month.year - 1 };
        Quarter { year, number: (month.month + 12 - start_month) % 12 / 3 + 1 }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02} Q{}", self.year, (self.year + 1) % 100, self.number)
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `plan.toml` if the project has one, checked against the indicator ids;
/// every problem is reported.
pub fn load_plan(project: &Project, ids: &[&str]) -> (Option<ImprovementPlan>, Diagnostics) {
    let path = project.root.join(PLAN_FILE);
    if !path.exists() {
        return (None, Diagnostics::default());
    }
    let source = match SourceFile::read(&path) {
        Ok(source) => source,
        Err(error) => return (None, error.into()),
    };
    let keys = [field_names::<PlanFile>(), field_names::<PriorityEntry>(), field_names::<ActionEntry>()].concat();
    let (file, mut diagnostics) = parse_toml::<PlanFile>(&source, &keys);
    let Some(file) = file else { return (None, diagnostics) };
    let priorities = file
        .priority
        .into_iter()
        .map(|priority| Priority {
            number: priority.number,
            title: priority.title,
            actions: priority.action.into_iter().map(|action| check(&source, action, ids, &mut diagnostics)).collect(),
        })
        .collect();
    (Some(ImprovementPlan { priorities }), diagnostics)
}

fn check(source: &SourceFile, entry: ActionEntry, ids: &[&str], diagnostics: &mut Diagnostics) -> Action {
    for id in &entry.indicators {
        if !ids.contains(&id.get_ref().as_str()) {
            let message = format!("action {}: no indicator `{}`", entry.number, id.get_ref());
            let error = source.error(id.span(), message, "not an indicator id");
            diagnostics.push(error.with_help_opt(did_you_mean(id.get_ref(), ids.iter().copied())));
        }
    }
    let rag = entry.rag.as_ref().and_then(|rag| {
        let parsed = match rag.get_ref().trim().to_lowercase().as_str() {
            "red" => Some(ActionRag::Red),
            "amber" => Some(ActionRag::Amber),
            "green" => Some(ActionRag::Green),
            "complete" => Some(ActionRag::Complete),
            _ => None,
        };
        if parsed.is_none() {
            let message = format!("action {}: `{}` is not a rating", entry.number, rag.get_ref());
            diagnostics.push(source.error(rag.span(), message, "expected red, amber, green or complete"));
        }
        parsed
    });
    let mut progress = Vec::new();
    for (quarter, text) in &entry.progress {
        match Quarter::parse(quarter) {
            Some(parsed) => progress.push((parsed, text.get_ref().trim().to_string())),
            None => {
                let message = format!("action {}: `{quarter}` is not a quarter of a financial year", entry.number);
                let help = "write the year and quarter, e.g. \"2025-26 Q3\" (Q1 starts the financial year)";
                diagnostics.push(source.error(text.span(), message, "this commentary's quarter").with_help(help));
            }
        }
    }
    progress.sort_by_key(|(quarter, _)| *quarter);
    let indicators = entry.indicators.iter().map(|id| id.get_ref().clone()).collect();
    Action { number: entry.number, title: entry.title, lead: entry.lead, indicators, rag, progress }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_of_the_financial_year() {
        let q = |text| Quarter::parse(text);
        assert_eq!(q("2025-26 Q3"), Some(Quarter { year: 2025, number: 3 }));
        assert_eq!(q("2025/26 q1"), Some(Quarter { year: 2025, number: 1 }));
        for bad in ["2025-27 Q3", "2025-26 Q5", "25-26 Q1", "2025-26", "Q3 2025-26", "2099-00 Q1x"] {
            assert_eq!(q(bad), None, "{bad}");
        }
        assert_eq!(q("2099-00 Q1").map(|quarter| quarter.to_string()), Some("2099-00 Q1".to_string()));
        // April starts the year: December 2025 is 2025-26 Q3, March 2026 its Q4, April 2026 2026-27 Q1.
        let of = |year, month| Quarter::of(Month::new(year, month).unwrap(), 4).to_string();
        assert_eq!(
            (of(2025, 12), of(2026, 3), of(2026, 4)),
            ("2025-26 Q3".into(), "2025-26 Q4".into(), "2026-27 Q1".into())
        );
    }
}
