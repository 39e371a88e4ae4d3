//! The 13-month table boards know from their spreadsheets: every indicator
//! a row, the 13 months to the scorecard's a column each, the value the
//! indicator reported that month with its rating, and the target. One model
//! for the page, the board pack and the workbook, so they cannot disagree.

use super::format::{month_name, number, rag_view, Shown};
use super::rating::target_text;
use crate::judge::{round_to, IndicatorReport, Rag, RecentMonth, Scorecard};
use crate::language::Unit;
use crate::project::Month;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub(super) struct MonthsTable {
    /// "Mar 25": short enough for 13 columns on a page.
    pub months: Vec<String>,
    /// "March 2025", for screen readers and the workbook.
    pub month_names: Vec<String>,
    pub rows: Vec<MonthsRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct MonthsRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    /// The unit the row's numbers are in ("%", "days", "per 10,000"), so
    /// that the cells hold numbers alone.
    pub unit: &'static str,
    pub target: String,
    pub cells: Vec<MonthCell>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct MonthCell {
    /// The number as shown, "c" when suppressed, "–" when not calculable,
    /// empty in a month the indicator does not report.
    pub text: String,
    /// The value as a number, for the workbook; none for the others.
    pub value: Option<f64>,
    /// red, amber, green or none.
    pub rag: &'static str,
    #[serde(skip)]
    pub rating: Option<Rag>,
    /// R, A, G, or empty when not rated.
    pub letter: &'static str,
    /// Why there is no number: the reason, or "not reported this month".
    pub note: String,
}

pub(super) fn months_table(scorecard: &Scorecard) -> MonthsTable {
    let periods: Vec<Month> = scorecard.month.plus(-12).through(scorecard.month).collect();
    MonthsTable {
        months: periods.iter().map(|month| month.first_day().format("%b %y").to_string()).collect(),
        month_names: periods.iter().map(|month| month_name(*month)).collect(),
        rows: scorecard.indicators.iter().map(|indicator| row(indicator, &periods)).collect(),
    }
}

fn row(indicator: &IndicatorReport, periods: &[Month]) -> MonthsRow {
    let cells = periods
        .iter()
        .map(|period| match indicator.recent.iter().find(|recent| recent.period == *period) {
            Some(recent) => cell(recent, indicator.decimals),
            None => blank("not reported this month"),
        })
        .collect();
    MonthsRow {
        id: indicator.id.clone(),
        title: indicator.title.clone(),
        owner: indicator.owner.clone().unwrap_or_default(),
        unit: unit_label(indicator.unit),
        target: target_text(indicator),
        cells,
    }
}

fn unit_label(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "%",
        Unit::Days => "days",
        Unit::RatePer10000 => "per 10,000",
        Unit::Count | Unit::Number => "",
    }
}

fn blank(note: &str) -> MonthCell {
    MonthCell { text: String::new(), value: None, rag: "none", rating: None, letter: "", note: note.to_string() }
}

fn cell(recent: &RecentMonth, decimals: u32) -> MonthCell {
    let Some(observation) = &recent.observation else { return blank("not reported this month") };
    let view = rag_view(recent.rag);
    let letter = if recent.rag.is_some() { view.rag_letter } else { "" };
    match super::format::shown(observation) {
        Shown::Value(value) => MonthCell {
            text: number(Some(value), decimals),
            value: Some(round_to(value, decimals)),
            rag: view.rag,
            rating: recent.rag,
            letter,
            note: String::new(),
        },
        Shown::Suppressed => MonthCell { text: "c".into(), ..blank("suppressed: a small number") },
        Shown::NotCalculable(reason) => MonthCell { text: "–".into(), ..blank(&format!("not calculable: {reason}")) },
    }
}
