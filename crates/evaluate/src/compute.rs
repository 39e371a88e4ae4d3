//! Every indicator over every month of every member: each plan run once over
//! every member's stacked extracts, its aggregates turned into observations.

use super::extracts::Data;
use super::failure::EvaluateError;
use super::loaded::Loaded;
use super::observe::{observe, Basis, Context, IndicatorSeries, Observation};
use super::plan::Plan;
use super::run::{self, Aggregates, Snapshot};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::language::window::PeriodWindow;
use crate::language::{window, Definition, Window, WindowKind};
use crate::parallel;
use crate::project::{Layout, Member, Month};
use std::collections::BTreeMap;

/// Every indicator's series, per member: `computed[member][indicator]`.
pub type Computed = Vec<Vec<IndicatorSeries>>;

/// What a command uses of an evaluation besides each indicator's series, so
/// that nothing it leaves unused is worked out: `values` prints neither the
/// one-month series SPC runs on nor, unless asked, the breakdown groups,
/// which together cost 8% of its CPU time (BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// The data-quality checks' counts.
    pub quality: bool,
    /// The one-month series a rolling or year-to-date indicator's SPC runs
    /// on (`IndicatorSeries::monthly`; None when not wanted).
    pub monthly: bool,
    /// Each breakdown group's series (`IndicatorSeries::groups`; empty when not wanted).
    pub breakdowns: bool,
}

impl Wanted {
    /// Everything: what a build and `check` use.
    pub const ALL: Wanted = Wanted { quality: true, monthly: true, breakdowns: true };

    /// `scorecard values` (and `explain`): the series, and with `breakdowns` the groups'.
    pub fn values(breakdowns: bool) -> Wanted {
        Wanted { quality: false, monthly: false, breakdowns }
    }
}

/// Evaluate every indicator over every month of every member (everything
/// `Wanted::ALL` asks but data quality).
pub fn compute(loaded: &Loaded, data: &Data) -> Result<Computed, Error> {
    compute_members(loaded, &loaded.members, data, Wanted::ALL)
}

/// `compute` for some of the members (a group), whose data `data` holds.
pub(super) fn compute_members(
    loaded: &Loaded,
    members: &[Member],
    data: &Data,
    wanted: Wanted,
) -> Result<Computed, Error> {
    let started = std::time::Instant::now();
    let mut diagnostics = Diagnostics::default();
    let mut computed: Computed = members.iter().map(|_| Vec::new()).collect();
    let pairs: Vec<(&Definition, &Plan)> = loaded.definitions.iter().zip(&loaded.plans).collect();
    let results =
        parallel::map(&pairs, |(definition, plan)| compute_one(loaded, (members, data), (definition, plan), wanted));
    for ((definition, _), result) in pairs.iter().zip(results) {
        match result {
            Ok(by_member) => computed.iter_mut().zip(by_member).for_each(|(series, one)| series.push(one)),
            // Extracts are read and typed before this, so what fails here is
            // the definition (or the engine): said against the definition.
            Err(message) => diagnostics.push(
                Diagnostic::file(
                    &definition.source.path,
                    format!("evaluating `{}` failed: {message}", definition.id()),
                )
                .with_help("`scorecard check` should have caught this: please report it with the definition"),
            ),
        }
    }
    tracing::info!(
        indicators = loaded.definitions.len(),
        authorities = members.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "evaluated every indicator over every month"
    );
    diagnostics.into_result(computed).map_err(Error::Invalid)
}

/// One indicator's series for each member, in member order.
pub(super) fn compute_one(
    loaded: &Loaded,
    (members, data): (&[Member], &Data),
    (definition, plan): (&Definition, &Plan),
    wanted: Wanted,
) -> Result<Vec<IndicatorSeries>, EvaluateError> {
    let dataset = definition.dataset();
    let (stacked, present) = data.dataset(dataset)?;
    let fy_start = loaded.project.financial_year_start_month();
    let layout = loaded.project.dataset(dataset).map(|config| config.layout);
    let started = std::time::Instant::now();
    let windows: Vec<Vec<PeriodWindow>> = std::iter::once(definition.window().clone())
        .chain(monthly_window(definition).filter(|_| wanted.monthly))
        .map(|window| window::windows(&data.months, &window, fy_start))
        .collect();
    let scopes: Vec<run::Scope> = windows.iter().map(|windows| run::Scope { windows, only: None }).collect();
    let mut evaluated = run::evaluate(plan, stacked, &data.lookups(plan)?, &scopes, wanted.breakdowns)?.into_iter();
    let (evaluated, monthly) = (evaluated.next().unwrap_or_default(), evaluated.next());
    let period_windows = &windows[0];
    tracing::debug!(indicator = definition.id(), elapsed_ms = started.elapsed().as_millis() as u64, "evaluated");
    let window = period_windows.last().map(|window| window.describe()).unwrap_or_default();
    let used = super::plan::columns_used(std::slice::from_ref(plan), std::slice::from_ref(definition), &[], false)
        .remove(dataset)
        .unwrap_or_default();
    let for_member = |index: usize, member: &Member| {
        let observe = |month: Month, by_snapshot: &BTreeMap<Snapshot, Aggregates>| -> Observation {
            if !present.contains(&(index, month)) {
                let reason = match data.history_through(dataset, index) {
                    Some(through) => {
                        format!("the `{dataset}` history extract is evaluated up to {through} (see `history`)")
                    }
                    None => format!("no `{dataset}` extract for {month}"),
                };
                return Observation::not_calculable(month, reason);
            }
            if let Some(column) = data.absent(dataset, index, month).iter().find(|column| used.contains(*column)) {
                let reason = format!("the `{dataset}` extract for {month} has no `{column}` column");
                return Observation::not_calculable(month, reason);
            }
            let context = Context {
                kind: definition.measure.kind(),
                unit: definition.unit(),
                population: member.population(month.year),
            };
            observe(month, by_snapshot.get(&(index, month)).copied().unwrap_or_default(), &context)
        };
        let series_of = |by_snapshot| data.months.iter().map(|month| observe(*month, by_snapshot)).collect();
        let groups = evaluated
            .groups
            .iter()
            .filter(|(_, by_snapshot)| by_snapshot.keys().any(|(member, _)| *member == index))
            .map(|(group, by_snapshot)| (group.clone(), series_of(by_snapshot)))
            .collect();
        let monthly = monthly.as_ref().map(|monthly| series_of(&monthly.total));
        let basis = match (layout, data.history_through(dataset, index)) {
            (_, Some(extract)) => Basis::Recalculated { extract },
            (Some(Layout::Periodic), None) => Basis::Published,
            _ => Basis::AsReported,
        };
        IndicatorSeries { series: series_of(&evaluated.total), groups, window: window.clone(), monthly, basis }
    };
    Ok(members.iter().enumerate().map(|(index, member)| for_member(index, member)).collect())
}

/// The one-month window a rolling or year-to-date indicator's SPC runs on,
/// unless its definition says SPC does not apply.
fn monthly_window(definition: &Definition) -> Option<Window> {
    let overlapping = matches!(
        definition.window().kind,
        WindowKind::Rolling | WindowKind::FinancialYearToDate | WindowKind::CalendarYearToDate | WindowKind::Quarter
    );
    (overlapping && definition.spc().not_applicable.is_none())
        .then_some(Window { kind: WindowKind::Month, months: None })
}
