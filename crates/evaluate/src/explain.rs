//! `scorecard explain`: one indicator's figure for one member's month and
//! the records behind it. Local only: never part of a bundle, never
//! disclosure-controlled.

use super::compute::{compute_one, Wanted};
use super::extracts::Data;
use super::failure::EvaluateError;
use super::loaded::Loaded;
use super::observe::Observation;
use super::run;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::error::{Error, UsageError};
use crate::language::window::PeriodWindow;
use crate::language::Definition;
use crate::project::Month;

/// The figure, the window it covers and, as text, every record taking part.
pub struct Explanation<'a> {
    /// The indicator explained.
    pub definition: &'a Definition,
    /// The period the figure covers.
    pub window: PeriodWindow,
    /// The figure itself, or why there is none.
    pub observation: Observation,
    /// The columns shown for each record: its id, period and every column the definition uses.
    pub columns: Vec<String>,
    /// Each record taking part, as text, in `columns`' order.
    pub rows: Vec<Vec<String>>,
}

/// `data` holds the one member's extracts (`read_member`).
pub fn explain<'a>(
    loaded: &'a Loaded,
    data: &Data,
    member: usize,
    (id, month): (&str, Month),
    shown: run::Shown,
) -> Result<Explanation<'a>, Error> {
    let Some(index) = loaded.definitions.iter().position(|definition| definition.id() == id) else {
        let ids = loaded.definitions.iter().map(|definition| definition.id());
        let help = did_you_mean(id, ids).map(|help| format!(" ({help})")).unwrap_or_default();
        return Err(UsageError::NoIndicator { id: id.to_string(), help }.into());
    };
    let (definition, plan) = (&loaded.definitions[index], &loaded.plans[index]);
    let failed = |message: EvaluateError| {
        Error::Data(Diagnostic::file(&definition.source.path, format!("explaining `{id}` failed: {message}")).into())
    };
    let members = std::slice::from_ref(&loaded.members[member]);
    let mut by_member =
        compute_one(loaded, (members, data), (definition, plan), Wanted::values(false)).map_err(failed)?;
    let observation = by_member
        .swap_remove(0)
        .series
        .iter()
        .find(|o| o.period == month)
        .cloned()
        .unwrap_or_else(|| Observation::not_calculable(month, "no data for this month"));
    let window = PeriodWindow::new(month, definition.window(), loaded.project.financial_year_start_month());
    let (stacked, _) = data.dataset(definition.dataset()).map_err(|error| failed(error.into()))?;
    let lookups = data.lookups(plan).map_err(|error| failed(error.into()))?;
    let scope = run::Scope { windows: std::slice::from_ref(&window), only: Some(month) };
    let (columns, rows) = run::explain(plan, stacked, &lookups, (0, shown), &scope).map_err(failed)?;
    Ok(Explanation { definition, window, observation, columns, rows })
}
