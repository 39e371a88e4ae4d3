//! Running compiled plans over stacked extracts: one pass per indicator over
//! every authority's periods at once, grouped by snapshot (authority and
//! period) and breakdown group.

use super::columns::{
    decode_snapshot, month_of_index, period_index, snapshot_and, snapshot_code, snapshot_keys_and, AUTHORITY,
    DENOMINATOR, GROUP, NON_NULL, NUMERATOR, PERIOD, ROWS, SNAPSHOT, VALUE,
};
use super::failure::EvaluateError;
use super::frames::{window_columns, Stacked};
use super::plan::{partition_number, CheckPlan, Plan};
use super::runs::{windows_over_runs, RunAggregates};
use crate::language::window::PeriodWindow;
use crate::language::LookupRule;
use crate::project::Month;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The aggregates of one period (or one group in one period), before the
/// value is worked out. Absent fields are nulls from polars.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Aggregates {
    pub rows: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub non_null: Option<f64>,
}

/// One authority's (by its index among the members) month.
pub type Snapshot = (usize, Month);

#[derive(Debug, Clone, Default)]
pub(crate) struct Evaluated {
    pub total: BTreeMap<Snapshot, Aggregates>,
    pub groups: BTreeMap<String, BTreeMap<Snapshot, Aggregates>>,
}

/// Where an indicator looks: its window for each period, and whether only
/// one period is wanted (for `explain`).
pub(crate) struct Scope<'a> {
    pub windows: &'a [PeriodWindow],
    pub only: Option<Month>,
}

/// Evaluate one plan over a dataset's stacked frame, once for each scope
/// (an indicator's own window, and the month its SPC runs on), by its
/// breakdown's groups too when `breakdowns` asks for them.
/// `lookups` holds the stacked frame of each of the plan's lookup datasets, in order.
pub(crate) fn evaluate(
    plan: &Plan,
    data: &Stacked,
    lookups: &[&Stacked],
    scopes: &[Scope],
    breakdowns: bool,
) -> Result<Vec<Evaluated>, EvaluateError> {
    let breakdown = plan.breakdown.as_deref().filter(|_| breakdowns);
    let run = || -> PolarsResult<Vec<Evaluated>> {
        if let Some(sorted) = shared_history_rows(plan, data, lookups, scopes)? {
            let each = |scope| aggregate(plan, breakdown, history_passes(plan, &sorted, scope));
            return scopes.iter().map(each).collect();
        }
        match shared_rows(plan, data, lookups, (scopes, breakdown))? {
            Some(sorted) => scopes
                .iter()
                .map(|scope| aggregate(plan, breakdown, vec![windowed_rows(plan, sorted.clone().lazy(), scope)]))
                .collect(),
            None => scopes.iter().map(|scope| aggregate(plan, breakdown, passes(plan, data, lookups, scope))).collect(),
        }
    };
    Ok(run()?)
}

/// The rows joined and sorted once for every scope and breakdown, when
/// there is a sort or a join to share (a consortium's re-referrals spent
/// half their time sorting the same rows again for the monthly SPC window).
/// None for history extracts, whose rows are seen anew at each month end.
fn shared_rows(
    plan: &Plan,
    data: &Stacked,
    lookups: &[&Stacked],
    (scopes, breakdown): (&[Scope], Option<&str>),
) -> PolarsResult<Option<DataFrame>> {
    let sorts = plan.row_order.as_ref().is_some_and(|order| !order.reads_window_columns());
    let worth_it = (sorts || !plan.lookups.is_empty()) && (scopes.len() > 1 || breakdown.is_some());
    let [first, ..] = scopes else { return Ok(None) };
    if !worth_it || is_history(data, lookups) || first.only.is_some() {
        return Ok(None);
    }
    // Rows that are not history are one pass.
    match sources(data, lookups, first).pop() {
        Some(source) => sorted_rows(plan, source).collect().map(Some),
        None => Ok(None),
    }
}

/// A history extract's rows joined, sorted and derived once for all its
/// month ends, when every frame is a history extract: each pass would
/// otherwise do the same work again with another constant period (the
/// 20-authority history benchmark spent most of its time sorting
/// re-referrals 36 times). The period is set to one constant here, as a
/// pass sets it, and to each month end's afterwards, so nothing that reads
/// it may come before that.
fn shared_history_rows(
    plan: &Plan,
    data: &Stacked,
    lookups: &[&Stacked],
    scopes: &[Scope],
) -> PolarsResult<Option<DataFrame>> {
    let every_frame_history = data.history && lookups.iter().all(|lookup| lookup.history);
    let explaining = scopes.iter().any(|scope| scope.only.is_some());
    let sorts = plan.row_order.as_ref().is_some_and(|order| !order.reads_window_columns());
    let shared_work = sorts || !plan.lookups.is_empty() || plan.derived_before_windows() > 0;
    if !every_frame_history || explaining || !shared_work || plan.derive_names_period {
        return Ok(None);
    }
    let constant = |stacked: &Stacked| stacked.frame.clone().lazy().with_column(lit(0i32).alias(PERIOD));
    let source = Source { rows: constant(data), lookups: lookups.iter().map(|lookup| constant(lookup)).collect() };
    sorted_rows(plan, source).collect().map(Some)
}

/// The shared rows seen at each month end of a scope, one pass each.
fn history_passes(plan: &Plan, sorted: &DataFrame, scope: &Scope) -> Vec<LazyFrame> {
    scope
        .windows
        .iter()
        .map(|window| {
            let rows = sorted.clone().lazy().with_column(lit(period_index(window.period)).alias(PERIOD));
            windowed_rows(plan, rows, scope).cache()
        })
        .collect()
}

fn is_history(data: &Stacked, lookups: &[&Stacked]) -> bool {
    data.history || lookups.iter().any(|lookup| lookup.history)
}

/// A dataset's rows and its lookups' rows for one pass of a plan.
struct Source {
    rows: LazyFrame,
    lookups: Vec<LazyFrame>,
}

/// What a plan runs over: every period at once when every frame holds its
/// own periods; one pass per month end when a history extract is involved,
/// each seeing that extract as at that month (its rows are shared, not copied).
fn sources(data: &Stacked, lookups: &[&Stacked], scope: &Scope) -> Vec<Source> {
    if !is_history(data, lookups) {
        let mut rows = data.frame.clone().lazy();
        if let Some(month) = scope.only {
            rows = rows.filter(col(PERIOD).eq(lit(period_index(month))));
        }
        return vec![Source { rows, lookups: lookups.iter().map(|lookup| lookup.frame.clone().lazy()).collect() }];
    }
    let months: Vec<Month> = match scope.only {
        Some(month) => vec![month],
        None => scope.windows.iter().map(|window| window.period).collect(),
    };
    let at = |stacked: &Stacked, month: Month| {
        let period = lit(period_index(month));
        let rows = stacked.frame.clone().lazy();
        if stacked.history {
            rows.with_column(period.alias(PERIOD))
        } else {
            rows.filter(col(PERIOD).eq(period))
        }
    };
    months
        .into_iter()
        .map(|month| Source {
            rows: at(data, month),
            lookups: lookups.iter().map(|lookup| at(lookup, month)).collect(),
        })
        .collect()
}

/// The rows (or entities) an indicator measures, before aggregation.
fn measured_rows(plan: &Plan, source: Source, scope: &Scope) -> LazyFrame {
    windowed_rows(plan, sorted_rows(plan, source), scope)
}

/// A dataset's rows joined to its lookups, put in the row order and given
/// the derived columns that need no window: what every window of a plan
/// starts from.
fn sorted_rows(plan: &Plan, source: Source) -> LazyFrame {
    let mut rows = source.rows;
    for (lookup, other) in plan.lookups.iter().zip(source.lookups) {
        rows = join_lookup(rows, lookup, other);
    }
    if let Some(order) = plan.row_order.as_ref().filter(|order| !order.reads_window_columns()) {
        rows = order.sort(rows);
    }
    // Worked out once here, for every window that shares these rows.
    for derived in &plan.derive[..plan.derived_before_windows()] {
        rows = with_derived(plan, rows, derived);
    }
    rows
}

/// Sorted rows seen through one window: its bounds added (after the sort,
/// which would otherwise move them too), then derived, filtered and, per
/// entity, grouped.
fn windowed_rows(plan: &Plan, sorted: LazyFrame, scope: &Scope) -> LazyFrame {
    let mut rows = sorted.with_columns(window_columns(scope.windows));
    if let Some(order) = plan.row_order.as_ref().filter(|order| order.reads_window_columns()) {
        rows = order.sort(rows);
    }
    // One at a time, in dependency order: a derived column may use those before it.
    for derived in &plan.derive[plan.derived_before_windows()..] {
        rows = with_derived(plan, rows, derived);
    }
    if let Some(filter) = &plan.filter {
        rows = rows.filter(filter.clone());
    }
    for derived in &plan.derive_after_filter {
        rows = rows.with_column(derived.clone());
    }
    rows = rows.with_column(snapshot_code());
    if !plan.entity_inputs.is_empty() {
        rows = rows.with_columns(plan.entity_inputs.clone());
    }
    match &plan.per_entity {
        Some((key, aggregates)) if plan.entity_is_partition => {
            let mut aggregates = aggregates.clone();
            aggregates.extend([col(SNAPSHOT).first(), col(key.as_str()).first()]);
            let schema = rows.clone().collect_schema().ok();
            rows = match schema.and_then(|schema| RunAggregates::new(&aggregates, &schema)) {
                Some(runs) => runs.grouped(rows),
                None => rows.group_by([partition_number()]).agg(aggregates),
            };
        }
        Some((key, aggregates)) => rows = rows.group_by(snapshot_and(col(key.as_str()))).agg(aggregates.clone()),
        None => {}
    }
    rows
}

/// `rows` (in the row order, if the plan has one) with a derived column,
/// its windows over the sort's partitions worked out over their runs.
fn with_derived(plan: &Plan, rows: LazyFrame, derived: &Expr) -> LazyFrame {
    let schema = || rows.clone().collect_schema().ok();
    let over_runs =
        plan.row_order.as_ref().and_then(|_| schema()).map(|schema| windows_over_runs(derived.clone(), &schema));
    rows.with_column(over_runs.unwrap_or_else(|| derived.clone()))
}

/// One member's measured rows in every pass, one after another.
fn member_measured_rows(
    plan: &Plan,
    (data, lookups): (&Stacked, &[&Stacked]),
    member: usize,
    scope: &Scope,
) -> PolarsResult<LazyFrame> {
    let of_member =
        |source: Source| Source { rows: source.rows.filter(col(AUTHORITY).eq(lit(member as i32))), ..source };
    let passes: Vec<LazyFrame> =
        sources(data, lookups, scope).into_iter().map(|source| measured_rows(plan, of_member(source), scope)).collect();
    concat(passes, UnionArgs::default())
}

/// Which record columns `explain` shows beside the key and the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Those the definition's expressions use.
    Used,
    /// Every column of the record.
    All,
}

/// The records behind one period's figure, as text: the key, the breakdown
/// group, the record columns shown, and the per-row values the measure
/// uses, for every row taking part.
pub(crate) fn explain(
    plan: &Plan,
    data: &Stacked,
    lookups: &[&Stacked],
    (member, shown): (usize, Shown),
    scope: &Scope,
) -> Result<(Vec<String>, Vec<Vec<String>>), EvaluateError> {
    Ok(explain_rows(plan, data, lookups, (member, shown), scope)?)
}

fn explain_rows(
    plan: &Plan,
    data: &Stacked,
    lookups: &[&Stacked],
    (member, shown): (usize, Shown),
    scope: &Scope,
) -> PolarsResult<(Vec<String>, Vec<Vec<String>>)> {
    let mut rows = member_measured_rows(plan, (data, lookups), member, scope)?;
    if let Some(taking_part) = &plan.explain_filter {
        rows = rows.filter(taking_part.clone());
    }
    let mut names: Vec<&String> = plan.key.iter().chain(&plan.breakdown).collect();
    // Per entity, the records are entities: their columns are the aggregates.
    if plan.per_entity.is_none() {
        let record = if shown == Shown::All { &plan.record_columns } else { &plan.used_columns };
        names.extend(record);
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|name| seen.insert(name.as_str()));
    let mut columns: Vec<Expr> = names.into_iter().map(|name| col(name.as_str())).collect();
    columns.extend(plan.entity_columns.iter().map(|name| col(name.as_str())));
    columns.extend(plan.explain.iter().cloned());
    let as_text: Vec<Expr> = columns.into_iter().map(|expr| expr.cast(DataType::String)).collect();
    let mut frame = rows.select(as_text).collect()?;
    if let Some(key) = &plan.key {
        frame = frame.sort([key.as_str()], SortMultipleOptions::default())?;
    }
    let names: Vec<String> = frame.get_column_names().iter().map(|name| name.to_string()).collect();
    let mut table = vec![Vec::with_capacity(names.len()); frame.height()];
    for column in frame.columns() {
        let values = column.as_materialized_series().str()?.clone();
        for (row, value) in table.iter_mut().zip(values.iter()) {
            row.push(value.unwrap_or("").to_string());
        }
    }
    Ok((names, table))
}

/// Each pass's measured rows, to be aggregated (cached: a breakdown
/// aggregates them a second time).
fn passes(plan: &Plan, data: &Stacked, lookups: &[&Stacked], scope: &Scope) -> Vec<LazyFrame> {
    sources(data, lookups, scope).into_iter().map(|source| measured_rows(plan, source, scope).cache()).collect()
}

/// Aggregated per pass, then stacked: a history extract's month ends are
/// never held as rows all at once. By `breakdown`'s groups too, when given.
fn aggregate(plan: &Plan, breakdown: Option<&str>, passes: Vec<LazyFrame>) -> PolarsResult<Evaluated> {
    let aggregated = |keys: &dyn Fn() -> Vec<Expr>| -> PolarsResult<DataFrame> {
        let each: Vec<LazyFrame> = passes
            .iter()
            .map(|rows| measure_inputs(plan, rows.clone()).group_by(keys()).agg(plan.measure.clone()))
            .collect();
        concat(each, UnionArgs::default())?.collect()
    };
    let total = aggregated(&|| vec![col(SNAPSHOT)])?;
    let mut evaluated =
        Evaluated { total: read(&total, false)?.remove("").unwrap_or_default(), groups: BTreeMap::new() };
    if let Some(breakdown) = breakdown {
        let group = || col(breakdown).cast(DataType::String).fill_null(lit("(blank)")).alias(GROUP);
        let groups = aggregated(&|| snapshot_and(group()))?;
        evaluated.groups = read(&groups, true)?;
    }
    Ok(evaluated)
}

/// The columns the measure's aggregates read, added to its rows.
fn measure_inputs(plan: &Plan, rows: LazyFrame) -> LazyFrame {
    match plan.measure_inputs.is_empty() {
        true => rows,
        false => rows.with_columns(plan.measure_inputs.clone()),
    }
}

/// One row per (period, key) on the lookup side, so that the join can
/// never multiply rows: a duplicated key takes its first row.
fn join_lookup(rows: LazyFrame, lookup: &LookupRule, other: LazyFrame) -> LazyFrame {
    let firsts: Vec<Expr> = lookup.columns.iter().map(|name| col(name.as_str()).first()).collect();
    let keys = snapshot_keys_and(col(lookup.on.as_str()));
    let right = other.group_by_stable(keys.clone()).agg(firsts);
    rows.join(right, keys.clone(), keys, JoinArgs::new(JoinType::Left))
}

fn read(frame: &DataFrame, grouped: bool) -> PolarsResult<BTreeMap<String, BTreeMap<Snapshot, Aggregates>>> {
    let snapshots = snapshots(frame)?;
    let optional = |name: &str| -> PolarsResult<Option<Float64Chunked>> {
        match frame.column(name) {
            Ok(column) => Ok(Some(column.as_materialized_series().f64()?.clone())),
            Err(_) => Ok(None),
        }
    };
    let (rows, numerator, denominator, value, non_null) =
        (optional(ROWS)?, optional(NUMERATOR)?, optional(DENOMINATOR)?, optional(VALUE)?, optional(NON_NULL)?);
    let groups = if grouped { Some(frame.column(GROUP)?.as_materialized_series().str()?.clone()) } else { None };
    let get = |column: &Option<Float64Chunked>, index: usize| column.as_ref().and_then(|values| values.get(index));
    let mut out: BTreeMap<String, BTreeMap<Snapshot, Aggregates>> = BTreeMap::new();
    for (index, snapshot) in snapshots.into_iter().enumerate() {
        let Some(snapshot) = snapshot else { continue };
        let group = groups.as_ref().and_then(|names| names.get(index)).unwrap_or("").to_string();
        let aggregates = Aggregates {
            rows: get(&rows, index).unwrap_or(0.0),
            numerator: get(&numerator, index),
            denominator: get(&denominator, index),
            value: get(&value, index),
            non_null: get(&non_null, index),
        };
        out.entry(group).or_default().insert(snapshot, aggregates);
    }
    Ok(out)
}

/// Each row's authority and month, from its snapshot code.
fn snapshots(frame: &DataFrame) -> PolarsResult<Vec<Option<Snapshot>>> {
    let codes = frame.column(SNAPSHOT)?.as_materialized_series().i64()?.clone();
    let snapshot = |code: i64| {
        let (member, period) = decode_snapshot(code);
        Some((usize::try_from(member).ok()?, month_of_index(period)))
    };
    Ok(codes.iter().map(|code| snapshot(code?)).collect())
}

/// Rows failing a data-quality check, per authority and period.
pub(crate) fn count_failures(check: &CheckPlan, data: &Stacked) -> Result<BTreeMap<Snapshot, u64>, EvaluateError> {
    let run = || -> PolarsResult<BTreeMap<Snapshot, u64>> {
        let mut rows = data.frame.clone().lazy();
        if let Some(order) = &check.row_order {
            rows = order.sort(rows);
        }
        let counts = rows
            .filter(check.fails.clone())
            .group_by([snapshot_code()])
            .agg([len().cast(DataType::UInt64).alias("failing")])
            .collect()?;
        let failing = counts.column("failing")?.as_materialized_series().u64()?.clone();
        Ok(snapshots(&counts)?
            .into_iter()
            .zip(failing.iter())
            .filter_map(|(snapshot, count)| Some((snapshot?, count?)))
            .collect())
    };
    Ok(run()?)
}
