//! Compiling a definition into polars expressions, and checking them
//! against the dataset's declared schema before any data is read: unknown
//! columns, unparsable SQL and type mismatches are found here, each pointing
//! at the expression in the user's TOML file.
//!
//! `checker` checks and compiles each expression, `row_order` rewrites
//! `LAG`/`LEAD` into a sort and a shift (and windows over the sort's
//! partition into windows over its partition number), `hoist` works
//! aggregates' row-by-row inputs out first, and `checks` compiles the data
//! checks; this file puts a definition's stages together.

mod checker;
mod checks;
mod hoist;
mod row_order;

pub(crate) use checks::{compile_checks, CheckPlan};
use row_order::windows_by_partition_number;
pub(crate) use row_order::RowOrder;

use super::calendar_sql::working_days;
use super::columns::{
    clean_polars_error, polars_type, snapshot_and, snapshot_keys_and, AUTHORITY, PERIOD, SNAPSHOT, WINDOW_COLUMNS,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::language::{identifiers, Definition, DerivedRule, LookupRule, Sql, WorkingDayCount};
use crate::project::{DatasetConfig, HolidayCalendar, Project};
use checker::Checker;
pub(crate) use hoist::row_by_row;
use hoist::Inputs;
use polars::prelude::*;
pub(crate) use row_order::partition_number;
pub(crate) use row_order::PARTITION;
use std::collections::{BTreeMap, BTreeSet};

/// A definition turned into polars expressions.
#[derive(Clone)]
pub(crate) struct Plan {
    /// The order rows are sorted into before `derive`, for `LAG`/`LEAD`.
    pub row_order: Option<RowOrder>,
    pub derive: Vec<Expr>,
    pub filter: Option<Expr>,
    /// Working-day counts nothing before the filter needs: counted for the
    /// rows it keeps only (a month's assessments, not every snapshot's).
    pub derive_after_filter: Vec<Expr>,
    /// The entity key and the aggregates computed per entity.
    pub per_entity: Option<(String, Vec<Expr>)>,
    /// Columns worked out just before the per-entity grouping, which its
    /// aggregates read (`hoist`).
    pub entity_inputs: Vec<Expr>,
    /// Columns worked out just before the measure's grouping, which it reads.
    pub measure_inputs: Vec<Expr>,
    /// Whether the entities are the row order's partitions, so grouped by
    /// its partition number (one integer) rather than snapshot and key.
    pub entity_is_partition: bool,
    /// Aggregations giving `__rows`, `__numerator`, `__denominator`, `__value`, `__non_null`.
    pub measure: Vec<Expr>,
    pub breakdown: Option<String>,
    pub lookups: Vec<LookupRule>,
    /// For `explain`: the row (or entity) identifier, the per-row columns
    /// behind the measure, and which rows take part.
    pub key: Option<String>,
    /// The per-entity aggregates' names, shown by `explain`.
    pub entity_columns: Vec<String>,
    pub explain: Vec<Expr>,
    pub explain_filter: Option<Expr>,
    /// For `explain`: the record columns the filter, derived columns and
    /// measure use (derived ones after them), and every record column.
    pub used_columns: Vec<String>,
    pub record_columns: Vec<String>,
    /// Whether a derived column names the engine's period column itself
    /// (beyond the partitions the engine adds): a history extract's rows
    /// are then not shared between month ends (`run::shared_history_rows`).
    pub derive_names_period: bool,
}

impl Plan {
    /// How many of the derived columns, from the first, read no window
    /// bound and follow no sort by one: they are the same in every window,
    /// so they are worked out once for all of a plan's windows (a rolling
    /// indicator's own and its monthly SPC one).
    pub(crate) fn derived_before_windows(&self) -> usize {
        if self.row_order.as_ref().is_some_and(RowOrder::reads_window_columns) {
            return 0;
        }
        let reads_windows =
            |expr: &Expr| root_names([expr].into_iter()).iter().any(|name| WINDOW_COLUMNS.contains(&name.as_str()));
        self.derive.iter().take_while(|expr| !reads_windows(expr)).count()
    }
}

/// Compile every definition; every problem in every file is reported.
pub(crate) fn compile_all(project: &Project, definitions: &[Definition]) -> Result<Vec<Plan>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut plans = Vec::new();
    for definition in definitions {
        match compile(project, definition) {
            Ok(plan) => plans.push(plan),
            Err(found) => diagnostics.extend(found),
        }
    }
    diagnostics.into_result(plans)
}

/// Stage by stage, so that an error is attributed to the expression causing it.
pub(crate) fn compile(project: &Project, definition: &Definition) -> Result<Plan, Diagnostics> {
    let expressions = &definition.expressions;
    let dataset = project.dataset(definition.dataset()).ok_or_else(|| unchecked(definition))?;
    let lookups = expressions.lookups.clone();
    let frame = frame_with_lookups(project, definition, dataset, &lookups)?;
    let mut checker = Checker::new(&definition.source, &project.holidays, frame);
    let mut derive = Vec::new();
    for column in &expressions.derive {
        match checker.derived(column, &project.holidays) {
            Some(expr) => {
                checker.frame = checker.frame.clone().with_column(expr.clone());
                let working_days = matches!(column.rule, DerivedRule::WorkingDays { .. });
                derive.push((column.name.as_str(), working_days, expr));
            }
            // Reported once: expressions using it are not checked again.
            None => checker.failed.push(column.name.clone()),
        }
    }
    let filter = expressions.filter.as_ref().and_then(|text| checker.condition(text, "filter"));
    let (derive, derive_after_filter) = after_filter(derive, filter.as_ref());
    if let Some(filter) = &filter {
        checker.frame = checker.frame.clone().filter(filter.clone());
    }
    checker.row_level = false;
    let row_order = checker.row_order.clone();
    let breakdown = definition.breakdown().map(str::to_string);
    let per_entity = per_entity_plan(&mut checker, definition, dataset, breakdown.as_ref());
    let key = per_entity.as_ref().map(|(key, _)| key.clone()).or_else(|| dataset.key_name().map(str::to_string));
    let (measure, explain, explain_filter) =
        checker.measure(&definition.measure, expressions.measure_at.clone()).unwrap_or_default();
    let Checker { diagnostics, .. } = checker;
    let (used_columns, record_columns) = record_columns(definition, dataset, &lookups);
    let aggregates = expressions.per_entity.iter().flat_map(|spec| &spec.aggregates);
    let entity_columns = aggregates.map(|(name, _)| name.clone()).collect();
    let plan = Plan {
        row_order,
        derive,
        filter,
        derive_after_filter,
        per_entity,
        entity_inputs: Vec::new(),
        measure_inputs: Vec::new(),
        entity_is_partition: false,
        measure,
        breakdown,
        lookups,
        key,
        entity_columns,
        explain,
        explain_filter: Some(explain_filter),
        used_columns,
        record_columns,
        derive_names_period: derive_names_period(definition),
    };
    diagnostics.into_result(by_partition_numbers(hoisted(plan)))
}

/// Every aggregate's row-by-row input worked out first as a column of the
/// frame it aggregates (`hoist`): a derived column's just before it, the
/// per-entity aggregates' and the measure's just before their grouping.
fn hoisted(mut plan: Plan) -> Plan {
    let mut inputs = Inputs::default();
    let mut derive = Vec::with_capacity(plan.derive.len());
    for expr in std::mem::take(&mut plan.derive) {
        let expr = inputs.hoist(expr);
        derive.append(&mut inputs.columns);
        derive.push(expr);
    }
    plan.derive = derive;
    if let Some((_, aggregates)) = &mut plan.per_entity {
        *aggregates = aggregates.drain(..).map(|aggregate| inputs.hoist(aggregate)).collect();
        plan.entity_inputs = std::mem::take(&mut inputs.columns);
    }
    plan.measure = std::mem::take(&mut plan.measure).into_iter().map(|measure| inputs.hoist(measure)).collect();
    plan.measure_inputs = inputs.columns;
    plan
}

/// Windows and entities that are exactly the row order's partitions,
/// grouped by the sort's partition numbers (`windows_by_partition_number`):
/// the row-level stages only, which all run after the sort.
fn by_partition_numbers(mut plan: Plan) -> Plan {
    let Some(order) = plan.row_order.clone() else { return plan };
    let numbered = |exprs: &mut Vec<Expr>| {
        for expr in exprs.iter_mut() {
            *expr = windows_by_partition_number(expr.clone(), &order);
        }
    };
    numbered(&mut plan.derive);
    numbered(&mut plan.derive_after_filter);
    plan.filter = plan.filter.map(|filter| windows_by_partition_number(filter, &order));
    if let Some((key, _)) = &plan.per_entity {
        plan.entity_is_partition = order.is_partition(&snapshot_keys_and(col(key.as_str())));
    }
    plan
}

/// `language` checked the datasets and columns a definition names; a plan
/// is never made without them, so this is said only if that check is wrong.
fn unchecked(definition: &Definition) -> Diagnostic {
    Diagnostic::file(&definition.source.path, "the definition names a dataset or column it lacks")
}

/// The dataset's columns, and those its lookups join in (blank: only
/// their types matter to the checker).
fn frame_with_lookups(
    project: &Project,
    definition: &Definition,
    dataset: &DatasetConfig,
    lookups: &[LookupRule],
) -> Result<LazyFrame, Diagnostic> {
    let mut frame = empty_frame(dataset);
    for lookup in lookups {
        let other = project.dataset(&lookup.dataset).ok_or_else(|| unchecked(definition))?;
        let column = |name: &String| {
            let kind = other.column_type(name).ok_or_else(|| unchecked(definition))?;
            Ok::<Expr, Diagnostic>(lit(NULL).cast(polars_type(kind)).alias(name.as_str()))
        };
        let added: Vec<Expr> = lookup.columns.iter().map(column).collect::<Result<_, _>>()?;
        frame = frame.with_columns(added);
    }
    Ok(frame)
}

/// The entity key and the aggregates worked out per entity, the checker's
/// frame grouped by them; none without `per_entity` (or a key).
fn per_entity_plan(
    checker: &mut Checker,
    definition: &Definition,
    dataset: &DatasetConfig,
    breakdown: Option<&String>,
) -> Option<(String, Vec<Expr>)> {
    let spec = definition.expressions.per_entity.as_ref()?;
    let key = spec.key.as_ref().map(|key| key.text()).or(dataset.key_name())?.to_string();
    let mut aggregates: Vec<Expr> =
        spec.aggregates.iter().filter_map(|(name, text)| checker.aggregate(&key, name, text)).collect();
    // The entity's group: its last non-blank breakdown value (unless the
    // breakdown is the key itself, which the grouping keeps anyway).
    if let Some(column) = breakdown.filter(|column| **column != key) {
        aggregates.push(col(column.as_str()).drop_nulls().last());
    }
    // The window bounds are the same for every row of a period; keep them.
    aggregates.extend(WINDOW_COLUMNS.map(|name| col(name).first()));
    checker.frame = checker.frame.clone().group_by(snapshot_and(col(key.as_str()))).agg(aggregates.clone());
    if let Err(error) = checker.frame.clone().collect_schema() {
        let span = spec.key.as_ref().map_or(definition.expressions.measure_at.clone(), |key| key.span());
        let message = format!("per_entity: {}", clean_polars_error(&error));
        checker.diagnostics.push(definition.source.error(span, message, "here"));
    }
    Some((key, aggregates))
}

pub(super) fn derive_names_period(definition: &Definition) -> bool {
    definition.expressions.derive.iter().any(|column| match &column.rule {
        DerivedRule::Sql(sql) => identifiers(sql.text()).iter().any(|name| name == PERIOD),
        DerivedRule::WorkingDays { .. } => false,
    })
}

/// The derived columns (name, whether a working-day count, expression; in
/// dependency order) split into those worked out before the filter and
/// those after it: working-day counts that neither the filter nor a derived
/// column before it reads. Only those are moved, as they are known to be
/// row by row; a SQL expression may hold a window function, which a
/// filter before it would change.
pub(super) fn after_filter(derive: Vec<(&str, bool, Expr)>, filter: Option<&Expr>) -> (Vec<Expr>, Vec<Expr>) {
    let mut needed: BTreeSet<String> = root_names(filter.into_iter()).into_iter().collect();
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for (name, working_days, expr) in derive.into_iter().rev() {
        if filter.is_some() && working_days && !needed.contains(name) {
            after.push(expr);
        } else {
            needed.extend(root_names(std::iter::once(&expr)));
            before.push(expr);
        }
    }
    before.reverse();
    after.reverse();
    (before, after)
}

/// The columns each record has (the dataset's, looked-up and derived),
/// and those the definition uses: the extract's columns in the order the
/// derived columns, filter and measure first name them, then the derived.
pub(super) fn record_columns(
    definition: &Definition,
    dataset: &DatasetConfig,
    lookups: &[LookupRule],
) -> (Vec<String>, Vec<String>) {
    let expressions = &definition.expressions;
    let mut all: Vec<String> = dataset.column_types().map(|(name, _)| name.to_string()).collect();
    all.extend(lookups.iter().flat_map(|lookup| lookup.columns.iter().cloned()));
    let derived = expressions.derive.iter().map(|column| column.name.clone());
    // The record's own id first, when the dataset names one.
    let mut named: Vec<String> = dataset.record_id_name().map(str::to_string).into_iter().collect();
    for column in &expressions.derive {
        match &column.rule {
            DerivedRule::Sql(sql) => named.extend(identifiers(sql.text())),
            DerivedRule::WorkingDays { from, to, .. } => named.extend([from.text().to_string(), to.text().to_string()]),
        }
    }
    let texts = expressions.filter.iter().chain(definition.measure.expressions());
    named.extend(texts.flat_map(|text| identifiers(text.text())));
    let mut used: Vec<String> = Vec::new();
    for name in named {
        if all.contains(&name) && !used.contains(&name) {
            used.push(name);
        }
    }
    used.extend(derived.clone());
    all.extend(derived);
    (used, all)
}

pub(super) fn empty_frame(dataset: &DatasetConfig) -> LazyFrame {
    let mut schema = Schema::default();
    for (name, kind) in dataset.column_types() {
        schema.insert(name.into(), polars_type(kind));
    }
    for name in WINDOW_COLUMNS {
        schema.insert(name.into(), DataType::Date);
    }
    schema.insert(PERIOD.into(), DataType::Int32);
    schema.insert(AUTHORITY.into(), DataType::Int32);
    schema.insert(SNAPSHOT.into(), DataType::Int64);
    // Added by a row order's sort, for `LAG`; not for the user's expressions.
    schema.insert(PARTITION.into(), DataType::UInt64);
    DataFrame::empty_with_schema(&schema).lazy()
}

/// The working days of a `derive.<name>.working_days`.
pub(super) fn working_days_expr(from: &Sql, to: &Sql, count: WorkingDayCount, holidays: &HolidayCalendar) -> Expr {
    working_days(col(from.text()), col(to.text()), count, holidays)
}

/// The columns of each dataset that compiled plans (and checks) read, so
/// that a build parses only those: for 20 authorities' extracts most
/// declared columns are never used, and parsing them is most of the work.
pub(crate) fn columns_used(
    plans: &[Plan],
    definitions: &[Definition],
    checks: &[CheckPlan],
    shown_by_explain: bool,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |dataset: &str, names: Vec<String>| used.entry(dataset.to_string()).or_default().extend(names);
    for (plan, definition) in plans.iter().zip(definitions) {
        let dataset = definition.dataset();
        let exprs = plan
            .derive
            .iter()
            .chain(&plan.filter)
            .chain(&plan.derive_after_filter)
            .chain(plan.per_entity.iter().flat_map(|(_, aggregates)| aggregates))
            .chain(&plan.entity_inputs)
            .chain(&plan.measure)
            .chain(&plan.measure_inputs)
            .chain(&plan.explain)
            .chain(&plan.explain_filter)
            .chain(plan.row_order.iter().flat_map(RowOrder::keys));
        let mut names = root_names(exprs);
        names.extend(plan.key.iter().chain(&plan.breakdown).cloned());
        // What explain shows, the record's own id among them: only explain reads them.
        if shown_by_explain {
            names.extend(plan.used_columns.iter().cloned());
        }
        names.extend(plan.per_entity.iter().map(|(key, _)| key.clone()));
        for lookup in &plan.lookups {
            names.push(lookup.on.clone());
            add(&lookup.dataset, lookup.columns.iter().chain([&lookup.on]).cloned().collect());
        }
        add(dataset, names);
    }
    for check in checks {
        let orders = check.row_order.iter().flat_map(RowOrder::keys);
        add(&check.dataset, root_names(std::iter::once(&check.fails).chain(orders)));
    }
    used
}

pub(super) fn root_names<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<String> {
    exprs.flat_map(|expr| expr.clone().meta().root_names()).map(|name| name.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(exprs: &[Expr]) -> Vec<String> {
        exprs.iter().map(|expr| expr.clone().meta().output_name().unwrap().to_string()).collect()
    }

    /// `taken` feeds the SQL column `late`, so it stays before the filter;
    /// `spare` is read by nothing before the filter, so it moves; a SQL
    /// column never moves; with no filter nothing does.
    #[test]
    fn only_working_days_nothing_before_the_filter_reads_move_after_it() {
        let derive = || {
            vec![
                ("taken", true, col("start").alias("taken")),
                ("late", false, col("taken").gt(lit(45)).alias("late")),
                ("spare", true, col("start").alias("spare")),
                ("flag", false, col("start").is_null().alias("flag")),
            ]
        };
        let filter = col("end").is_not_null();
        let (before, after) = after_filter(derive(), Some(&filter));
        assert_eq!(
            (names(&before), names(&after)),
            (vec!["taken".into(), "late".into(), "flag".into()], vec!["spare".into()])
        );
        let filter_reads_spare = col("spare").gt(lit(1));
        let (before, after) = after_filter(derive(), Some(&filter_reads_spare));
        assert_eq!((before.len(), after.len()), (4, 0));
        let (before, after) = after_filter(derive(), None);
        assert_eq!((before.len(), after.len()), (4, 0));
    }
}
