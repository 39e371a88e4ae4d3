//! Compiling a definition into polars expressions, and checking them
//! against the dataset's declared schema before any data is read: unknown
//! columns, unparsable SQL and type mismatches are found here, each pointing
//! at the expression in the user's TOML file.

use super::calendar_sql::{parse_sql, working_days};
use super::columns::{
    clean_polars_error, polars_type, snapshot_and, snapshot_keys, AUTHORITY, DENOMINATOR, NON_NULL, NUMERATOR, PERIOD,
    ROWS, SNAPSHOT, VALUE, WINDOW_COLUMNS,
};
use super::month_offset::with_month_offsets;
use super::row_sort;
use super::widen::widen_integer_arithmetic;
use crate::diagnostics::string_contents;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::language::{identifiers, too_large, Definition, Derived, MeasureRule, Summary, WorkingDays};
use crate::project::{DatasetConfig, HolidayCalendar, Project};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

/// A definition turned into polars expressions.
#[derive(Clone)]
pub struct Plan {
    /// The order rows are sorted into before `derive`, for `LAG`/`LEAD`.
    pub row_order: Option<RowOrder>,
    pub derive: Vec<Expr>,
    pub filter: Option<Expr>,
    /// Working-day counts nothing before the filter needs: counted for the
    /// rows it keeps only (a month's assessments, not every snapshot's).
    pub derive_after_filter: Vec<Expr>,
    /// The entity key and the aggregates computed per entity.
    pub per_entity: Option<(String, Vec<Expr>)>,
    /// Aggregations giving `__rows`, `__numerator`, `__denominator`, `__value`, `__non_null`.
    pub measure: Vec<Expr>,
    pub breakdown: Option<String>,
    pub lookups: Vec<LookupPlan>,
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

/// Columns joined in from another dataset of the same period.
#[derive(Clone)]
pub struct LookupPlan {
    pub dataset: String,
    pub on: String,
    pub columns: Vec<String>,
}

/// Compile every definition; every problem in every file is reported.
pub fn compile_all(project: &Project, definitions: &[Definition]) -> Result<Vec<Plan>, Diagnostics> {
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
pub fn compile(project: &Project, definition: &Definition) -> Result<Plan, Diagnostics> {
    let indicator = &definition.indicator;
    // `language` checked the datasets and columns named; a plan is never made without them.
    let unchecked = || Diagnostic::file(&definition.source.path, "the definition names a dataset or column it lacks");
    let dataset = project.dataset(indicator.dataset.get_ref()).ok_or_else(unchecked)?;
    let lookups: Vec<LookupPlan> = indicator
        .lookup
        .iter()
        .map(|lookup| LookupPlan {
            dataset: lookup.dataset.get_ref().clone(),
            on: lookup.on.get_ref().clone(),
            columns: lookup.columns.iter().map(|column| column.get_ref().clone()).collect(),
        })
        .collect();
    let mut frame = empty_frame(dataset);
    for lookup in &lookups {
        let other = project.dataset(&lookup.dataset).ok_or_else(unchecked)?;
        let column = |name: &String| {
            let kind = other.column_type(name).ok_or_else(unchecked)?;
            Ok::<Expr, Diagnostic>(lit(NULL).cast(polars_type(kind)).alias(name.as_str()))
        };
        let added: Vec<Expr> = lookup.columns.iter().map(column).collect::<Result<_, _>>()?;
        frame = frame.with_columns(added);
    }
    let mut checker = Checker {
        source: &definition.source,
        holidays: &project.holidays,
        failed: Vec::new(),
        frame,
        diagnostics: Diagnostics::default(),
        row_level: true,
        row_order: None,
    };

    let mut derive = Vec::new();
    let in_order = definition.derive_order.iter().filter_map(|name| Some((name, indicator.derive.get(name)?)));
    for (name, spec) in in_order {
        match checker.derived(name, spec, &project.holidays) {
            Some(expr) => {
                checker.frame = checker.frame.clone().with_column(expr.clone());
                derive.push((name.as_str(), spec.get_ref().working_days.is_some(), expr));
            }
            // Reported once: expressions using it are not checked again.
            None => checker.failed.push(name.clone()),
        }
    }
    let filter = indicator.filter.as_ref().and_then(|text| checker.condition(text, "filter"));
    let (derive, derive_after_filter) = after_filter(derive, filter.as_ref());
    if let Some(filter) = &filter {
        checker.frame = checker.frame.clone().filter(filter.clone());
    }
    checker.row_level = false;
    let row_order = checker.row_order.clone();
    let breakdown = indicator.breakdown.as_ref().map(|column| column.get_ref().clone());
    let per_entity = indicator.per_entity.as_ref().and_then(|spec| {
        let key = spec.key.as_ref().or(dataset.key.as_ref())?.get_ref().clone();
        let mut aggregates: Vec<Expr> =
            spec.aggregate.iter().filter_map(|(name, text)| checker.aggregate(&key, name, text)).collect();
        // The entity's group: its last non-blank breakdown value (unless the
        // breakdown is the key itself, which the grouping keeps anyway).
        if let Some(column) = breakdown.as_ref().filter(|column| **column != key) {
            aggregates.push(col(column.as_str()).drop_nulls().last());
        }
        // The window bounds are the same for every row of a period; keep them.
        aggregates.extend(WINDOW_COLUMNS.map(|name| col(name).first()));
        checker.frame = checker.frame.clone().group_by(snapshot_and(col(key.as_str()))).agg(aggregates.clone());
        if let Err(error) = checker.frame.clone().collect_schema() {
            let span = spec.key.as_ref().map_or(indicator.measure.kind.span(), |key| key.span());
            checker.diagnostics.push(definition.source.error(
                span,
                format!("per_entity: {}", clean_polars_error(&error)),
                "here",
            ));
        }
        Some((key, aggregates))
    });
    let key = per_entity.as_ref().map(|(key, _)| key.clone()).or_else(|| dataset.key_name().map(str::to_string));
    let (measure, explain, explain_filter) =
        checker.measure(&definition.measure, indicator.measure.kind.span()).unwrap_or_default();
    let Checker { diagnostics, .. } = checker;
    let (used_columns, record_columns) = record_columns(definition, dataset, &lookups);
    let entity_columns = indicator.per_entity.iter().flat_map(|spec| spec.aggregate.keys().cloned()).collect();
    diagnostics.into_result(Plan {
        row_order,
        derive,
        filter,
        derive_after_filter,
        per_entity,
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
    })
}

fn derive_names_period(definition: &Definition) -> bool {
    let specs = definition.indicator.derive.values().map(|spec| spec.get_ref());
    specs.flat_map(|spec| spec.sql.iter()).any(|sql| identifiers(sql.get_ref()).iter().any(|name| name == PERIOD))
}

/// The derived columns (name, whether a working-day count, expression; in
/// dependency order) split into those worked out before the filter and
/// those after it: working-day counts that neither the filter nor a derived
/// column before it reads. Only those are moved, as they are known to be
/// row by row; a SQL expression may hold a window function, which a
/// filter before it would change.
fn after_filter(derive: Vec<(&str, bool, Expr)>, filter: Option<&Expr>) -> (Vec<Expr>, Vec<Expr>) {
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
fn record_columns(
    definition: &Definition,
    dataset: &DatasetConfig,
    lookups: &[LookupPlan],
) -> (Vec<String>, Vec<String>) {
    let indicator = &definition.indicator;
    let mut all: Vec<String> = dataset.columns.keys().cloned().collect();
    all.extend(lookups.iter().flat_map(|lookup| lookup.columns.iter().cloned()));
    let derived = &definition.derive_order;
    // The record's own id first, when the dataset names one.
    let mut named: Vec<String> = dataset.record_id.iter().map(|id| id.get_ref().clone()).collect();
    for spec in derived.iter().filter_map(|name| indicator.derive.get(name)).map(|d| d.get_ref()) {
        named.extend(spec.sql.iter().flat_map(|sql| identifiers(sql.get_ref())));
        named
            .extend(spec.working_days.iter().flat_map(|days| [days.from.get_ref().clone(), days.to.get_ref().clone()]));
    }
    let measure = &indicator.measure;
    let fields = [&measure.condition, &measure.of, &measure.numerator, &measure.denominator, &measure.weight];
    let texts = indicator.filter.iter().chain(fields.into_iter().flatten());
    named.extend(texts.flat_map(|text| identifiers(text.get_ref())));
    let mut used: Vec<String> = Vec::new();
    for name in named {
        if all.contains(&name) && !used.contains(&name) {
            used.push(name);
        }
    }
    used.extend(derived.iter().cloned());
    all.extend(derived.iter().cloned());
    (used, all)
}

fn empty_frame(dataset: &DatasetConfig) -> LazyFrame {
    let mut schema = Schema::default();
    for (name, kind) in &dataset.columns {
        schema.insert(name.as_str().into(), polars_type(*kind.get_ref()));
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
fn working_days_expr(days: &WorkingDays, holidays: &HolidayCalendar) -> Expr {
    let (from, to) = (col(days.from.get_ref().as_str()), col(days.to.get_ref().as_str()));
    working_days(from, to, days.count, holidays)
}

struct Checker<'a> {
    source: &'a SourceFile,
    /// For `working_days()` and `is_working_day()` in expressions.
    holidays: &'a HolidayCalendar,
    /// Derived columns already reported as wrong.
    failed: Vec<String>,
    frame: LazyFrame,
    diagnostics: Diagnostics,
    /// Row-level stages (derive, filter, checks) may choose a row order.
    row_level: bool,
    row_order: Option<RowOrder>,
}

impl Checker<'_> {
    fn error_at(&mut self, text: &Spanned<String>, message: String, label: &str, help: Option<String>) {
        let span = string_contents(&self.source.text, &text.span());
        self.diagnostics.push(self.source.error(span, message, label).with_help_opt(help));
    }

    fn columns(&self) -> Vec<String> {
        match self.frame.clone().collect_schema() {
            Ok(schema) => schema.iter_names().map(|name| name.to_string()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Parse one SQL expression and check its columns exist here.
    fn parse(&mut self, text: &Spanned<String>, role: &str) -> Option<Expr> {
        let sql = text.get_ref();
        if let Some(problem) = too_large(sql) {
            // Point at the start only: underlining all of it would print the whole line.
            let start = string_contents(&self.source.text, &text.span()).start;
            let span = start..start + sql.chars().next().map_or(0, char::len_utf8);
            let label = "too large to evaluate safely";
            self.diagnostics.push(self.source.error(span, format!("{role}: {problem}"), label));
            return None;
        }
        let expr = match parse_sql(sql, self.holidays) {
            Ok(expr) => expr,
            Err(error) => {
                let message = format!("{role}: cannot parse SQL expression: {error}");
                self.error_at(text, message, "not a valid SQL expression", None);
                return None;
            }
        };
        let expr = widen_integer_arithmetic(expr, &self.frame);
        // The user's own names: the rewrite below adds the engine's.
        let mut names = expr.clone().meta().root_names();
        let row_order = self.row_level.then_some(&mut self.row_order);
        let expr = with_month_offsets(partition_windows_by_snapshot(expr, row_order), &self.frame);
        let mut available = self.columns();
        available.retain(|name| name != PARTITION);
        let mut ok = true;
        names.sort();
        names.dedup();
        if names.iter().any(|name| self.failed.iter().any(|failed| failed == name.as_str())) {
            return None;
        }
        for name in names {
            if !available.iter().any(|column| column == name.as_str()) {
                let help = did_you_mean(&name, available.iter().map(String::as_str));
                let offset = identifier_offset(sql, &name).or_else(|| sql.find(name.as_str())).unwrap_or(0);
                let contents = string_contents(&self.source.text, &text.span());
                let span = contents.start + offset..contents.start + offset + name.len();
                let message = format!("{role}: unknown column `{name}`");
                self.diagnostics.push(self.source.error(span, message, "not a column here").with_help_opt(help));
                ok = false;
            }
        }
        ok.then_some(expr)
    }

    /// Run `expr` on the empty frame; return its type or report the failure.
    fn type_of(&mut self, text: &Spanned<String>, role: &str, plan: LazyFrame) -> Option<DataType> {
        match plan.collect() {
            Ok(frame) => frame.columns().last().map(|column| column.dtype().clone()),
            Err(error) => {
                let message = format!("{role}: {}", clean_polars_error(&error));
                self.error_at(text, message, "type error", None);
                None
            }
        }
    }

    fn expect_type(&mut self, text: &Spanned<String>, role: &str, dtype: &DataType, want_boolean: bool) -> bool {
        let fits = if want_boolean {
            dtype.is_bool() || dtype.is_null()
        } else {
            dtype.is_primitive_numeric() || dtype.is_bool() || dtype.is_null()
        };
        if !fits {
            let wanted = if want_boolean { "a true/false condition" } else { "a number" };
            self.error_at(
                text,
                format!("{role} must be {wanted}, but this expression gives {dtype}"),
                "wrong type",
                None,
            );
        }
        fits
    }

    fn row_expression(&mut self, text: &Spanned<String>, role: &str, want_boolean: Option<bool>) -> Option<Expr> {
        let expr = self.parse(text, role)?;
        let dtype = self.type_of(text, role, self.frame.clone().select([expr.clone()]))?;
        match want_boolean {
            Some(boolean) if !self.expect_type(text, role, &dtype, boolean) => None,
            _ => Some(expr),
        }
    }

    fn condition(&mut self, text: &Spanned<String>, role: &str) -> Option<Expr> {
        self.row_expression(text, role, Some(true))
    }

    fn numeric(&mut self, text: &Spanned<String>, role: &str) -> Option<Expr> {
        self.row_expression(text, role, Some(false)).map(|expr| expr.cast(DataType::Float64))
    }

    fn derived(&mut self, name: &str, spec: &Spanned<Derived>, holidays: &HolidayCalendar) -> Option<Expr> {
        let spec = spec.get_ref();
        if let Some(days) = &spec.working_days {
            // A derived start or end has a type only now.
            let schema = self.frame.clone().collect_schema().ok()?;
            for end in [&days.from, &days.to] {
                let found = schema.get(end.get_ref().as_str());
                if found.is_some_and(|dtype| *dtype != DataType::Date) {
                    let message = format!("`{}` is not a date: working_days needs dates", end.get_ref());
                    self.error_at(end, message, "not a date", None);
                }
            }
            return Some(working_days_expr(days, holidays).alias(name));
        }
        let text = spec.sql.as_ref()?;
        self.row_expression(text, &format!("derive.{name}"), None).map(|expr| expr.alias(name))
    }

    fn aggregate(&mut self, key: &str, name: &str, text: &Spanned<String>) -> Option<Expr> {
        let role = format!("per_entity.aggregate.{name}");
        let expr = self.parse(text, &role)?.alias(name);
        let dtype =
            self.type_of(text, &role, self.frame.clone().group_by(snapshot_and(col(key))).agg([expr.clone()]))?;
        if dtype.is_list() {
            self.error_at(
                text,
                format!("{role} must give one value per entity (use SUM, MAX, COUNT...)"),
                "not an aggregate",
                None,
            );
            return None;
        }
        Some(expr)
    }

    /// The aggregations, the per-row columns behind them (for `explain`),
    /// and the condition selecting the rows that take part.
    fn measure(&mut self, rule: &MeasureRule, kind_span: Range<usize>) -> Option<(Vec<Expr>, Vec<Expr>, Expr)> {
        let condition = match rule.condition() {
            Some(text) => self.condition(text, "measure.where")?,
            None => every_row(),
        };
        let counted = |condition: Expr| when(condition).then(lit(1.0)).otherwise(lit(0.0)).sum();
        let rows = counted(condition.clone()).alias(ROWS);
        let (exprs, explain, taking_part) = match rule {
            MeasureRule::Count { .. } | MeasureRule::RatePer10000 { .. } => (
                vec![rows, counted(condition.clone()).alias(NUMERATOR)],
                vec![condition.clone().alias("counted")],
                condition,
            ),
            MeasureRule::Summary { kind, of, .. } => {
                let value = if *kind == Summary::DistinctCount {
                    self.parse(of, "measure.of")?
                } else {
                    self.numeric(of, "measure.of")?
                };
                let explain = vec![condition.clone().alias("counted"), value.clone().alias("value")];
                let selected = value.filter(condition.clone());
                let summary = match kind {
                    Summary::DistinctCount => selected.clone().drop_nulls().n_unique().cast(DataType::Float64),
                    Summary::Sum => selected.clone().sum(),
                    Summary::Mean => selected.clone().mean(),
                    Summary::Median => selected.clone().median(),
                };
                (
                    vec![rows, summary.alias(VALUE), selected.count().cast(DataType::Float64).alias(NON_NULL)],
                    explain,
                    condition,
                )
            }
            MeasureRule::Proportion { numerator, denominator, weight } => {
                let numerator = self.condition(numerator, "measure.numerator");
                let denominator = match denominator {
                    Some(text) => self.condition(text, "measure.denominator"),
                    None => Some(every_row()),
                };
                let weight = match weight {
                    Some(text) => self.numeric(text, "measure.weight"),
                    None => Some(every_row().cast(DataType::Float64)),
                };
                let (numerator, denominator, weight) = (numerator?, denominator?, weight?);
                let weighted = |condition: Expr| when(condition).then(weight.clone()).otherwise(lit(0.0)).sum();
                let known = numerator.clone().filter(denominator.clone()).count().cast(DataType::Float64);
                let explain = vec![
                    numerator.clone().and(denominator.clone()).alias("in_numerator"),
                    denominator.clone().alias("in_denominator"),
                    weight.clone().alias("weight"),
                ];
                let exprs = vec![
                    counted(denominator.clone()).alias(ROWS),
                    weighted(numerator.and(denominator.clone())).alias(NUMERATOR),
                    weighted(denominator.clone()).alias(DENOMINATOR),
                    known.alias(NON_NULL),
                ];
                (exprs, explain, denominator)
            }
            MeasureRule::Ratio { numerator, denominator, .. } => {
                let numerator = self.numeric(numerator, "measure.numerator");
                let denominator = self.numeric(denominator, "measure.denominator");
                let (numerator, denominator) = (numerator?, denominator?);
                let explain = vec![
                    condition.clone().alias("counted"),
                    numerator.clone().alias("numerator"),
                    denominator.clone().alias("denominator"),
                ];
                let exprs = vec![
                    rows,
                    numerator.clone().filter(condition.clone()).sum().alias(NUMERATOR),
                    denominator.clone().filter(condition.clone()).sum().alias(DENOMINATOR),
                    numerator.filter(condition.clone()).count().cast(DataType::Float64).alias(NON_NULL),
                ];
                (exprs, explain, condition)
            }
        };
        let exprs: Vec<Expr> = exprs.into_iter().map(|expr| expr.cast(DataType::Float64)).collect();
        let plan = self.frame.clone().select(exprs.clone());
        if let Err(error) = plan.collect() {
            let message = format!("measure: {}", clean_polars_error(&error));
            self.diagnostics.push(self.source.error(kind_span, message, "in this measure"));
            return None;
        }
        Some((exprs, explain, taking_part))
    }
}

/// True on every row. A bare `lit(true)` would be a single scalar and sum to
/// 1 however many rows there are.
fn every_row() -> Expr {
    col(SNAPSHOT).is_not_null()
}

/// `OVER (PARTITION BY child ...)` must not reach across snapshots: every
/// authority's period is a separate extract, so both join every partition.
/// In row-level stages, a `LAG`/`LEAD` becomes a neighbour lookup in a
/// frame sorted once for it (see `RowOrder`).
fn partition_windows_by_snapshot(expr: Expr, mut row_order: Option<&mut Option<RowOrder>>) -> Expr {
    expr.map_expr(|node| match node {
        Expr::Over { function, mut partition_by, order_by, mapping } => {
            partition_by.extend(snapshot_keys());
            let neighbour = row_order
                .as_deref_mut()
                .and_then(|chosen| RowOrder::neighbour_shift(chosen, &function, &partition_by, order_by.as_ref()));
            neighbour.unwrap_or(Expr::Over { function, partition_by, order_by, mapping })
        }
        other => other,
    })
}

/// The order a stage's rows are sorted into before it runs, so that `LAG`
/// and `LEAD` are a look at the neighbouring row: sort by partition then
/// order, shift, and blank the rows whose neighbour is in another partition.
/// Polars evaluates `shift().over()` partition by partition, which is slow
/// for the millions of tiny partitions extracts give (a child in one
/// authority's snapshot): re-referrals for 20 authorities took 9.3 s that
/// way (see BENCHMARKS.md). Rows tying on the order keep their order in the
/// frame (a stable sort), so results are deterministic. One order per
/// stage: a second window with a different order keeps polars' `over`.
#[derive(Clone, Debug, PartialEq)]
pub struct RowOrder {
    partition: Vec<Expr>,
    order: Expr,
    options: SortOptions,
}

impl RowOrder {
    /// The sort keys: partition keys, then the order.
    fn keys(&self) -> impl Iterator<Item = &Expr> {
        self.partition.iter().chain([&self.order])
    }

    /// Rows that tie with another on the partition and the order: which of
    /// them `LAG` calls the previous one follows the extract's row order.
    pub(super) fn ties(&self) -> Expr {
        let partition_by = self.keys().cloned().collect();
        Expr::Over { function: Arc::new(len()), partition_by, order_by: None, mapping: WindowMapping::GroupsToRows }
            .gt(lit(1))
    }

    /// The columns the partition (the snapshot's aside) and the order read.
    pub(super) fn named_columns(&self) -> (Vec<String>, Vec<String>) {
        let snapshot = snapshot_keys();
        let own = self.partition.iter().filter(|key| !snapshot.contains(key));
        (root_names(own), root_names([&self.order].into_iter()))
    }

    /// Whether the sort needs `period_end` and the like.
    pub(crate) fn reads_window_columns(&self) -> bool {
        root_names(self.keys()).iter().any(|name| WINDOW_COLUMNS.contains(&name.as_str()))
    }

    /// The rows in order, with a `__partition` column numbering their
    /// partitions (for `LAG`'s test of the row before). By a permutation
    /// sorted here when the order is by a number or a date (`row_sort`);
    /// else, or when two partitions share a hash, by polars' sort. The frame
    /// is whole by then: a sort sees every row, so no filter may be pushed before it.
    pub(crate) fn sort(&self, frame: LazyFrame) -> LazyFrame {
        let order = self.clone();
        let sort = move |mut rows: DataFrame| {
            let sorted = row_sort::permutation(
                // One chunk: gathering from the hundreds of extracts' chunks was slower than the sort.
                rows.rechunk_mut_par(),
                partition_hash(&order.partition),
                &order.partition,
                &order.order,
                order.options,
            )?;
            let (mut rows, numbers) = match sorted {
                Some((permutation, hashes)) => (rows.take(&permutation)?, hashes),
                None => {
                    let rows = order.polars_sort(rows.lazy()).collect()?;
                    let numbers =
                        row_sort::partition_numbers(&rows.clone().lazy().select(order.partition.clone()).collect()?)?;
                    (rows, numbers)
                }
            };
            rows.with_column(UInt64Chunked::from_vec(PARTITION.into(), numbers).into_column())?;
            Ok(rows)
        };
        let with_partition = |input: &Schema| -> PolarsResult<SchemaRef> {
            let mut schema = input.clone();
            schema.insert(PARTITION.into(), DataType::UInt64);
            Ok(Arc::new(schema))
        };
        frame.map(sort, OptFlags::empty(), Some(Arc::new(with_partition)), Some("row order"))
    }

    /// Sorted by a hash of the partition first: comparing one number settles
    /// nearly every comparison, where the partition itself (authority,
    /// period, a child's id as text) took three, one of them of strings (a
    /// quarter of a consortium's evaluation time). The partition and the
    /// order follow the hash, so a partition's rows are together and in
    /// order whatever the hash: partitions sharing a hash stay apart, and
    /// the result is exact. Ties end at the row number, so an unstable sort
    /// (quicker than a merge sort) gives the one order a stable sort would.
    /// Only the order *of* partitions changes, which nothing downstream reads.
    fn polars_sort(&self, frame: LazyFrame) -> LazyFrame {
        let mut keys = vec![partition_hash(&self.partition)];
        keys.extend(self.keys().cloned());
        keys.push(col(ROW_NUMBER));
        let mut descending = vec![false; keys.len()];
        descending[keys.len() - 2] = self.options.descending;
        let mut nulls_last = vec![false; keys.len()];
        nulls_last[keys.len() - 2] = self.options.nulls_last;
        let options = SortMultipleOptions::default()
            .with_order_descending_multi(descending)
            .with_nulls_last_multi(nulls_last)
            .with_maintain_order(false);
        frame.with_row_index(ROW_NUMBER, None).sort_by_exprs(keys, options).drop(cols([ROW_NUMBER]))
    }

    /// The neighbour form of a shift over ordered partitions, if the stage's
    /// order is (or can become) this window's; None for anything else.
    fn neighbour_shift(
        chosen: &mut Option<RowOrder>,
        function: &Expr,
        partition_by: &[Expr],
        order_by: Option<&(Arc<Expr>, SortOptions)>,
    ) -> Option<Expr> {
        let Expr::Function { input, function: FunctionExpr::Shift } = function else { return None };
        let [values, Expr::Literal(offset)] = input.as_slice() else { return None };
        let offset = offset.clone().to_any_value()?.extract::<i64>()?;
        let (order, options) = order_by?;
        // Snapshot keys first: the stacked frame is nearly in that order
        // already. A constant (polars' `lit(1)` for no PARTITION BY) partitions nothing.
        let snapshot = snapshot_keys();
        let own = partition_by.iter().filter(|key| !matches!(key, Expr::Literal(_)) && !snapshot.contains(key));
        let partition: Vec<Expr> = snapshot.iter().chain(own).cloned().collect();
        let wanted = RowOrder { partition, order: order.as_ref().clone(), options: *options };
        if chosen.get_or_insert_with(|| wanted.clone()) != &wanted {
            return None;
        }
        // The sort numbers the partitions: one comparison of integers, where
        // comparing the partition's own values took one per key, text among them.
        let same_partition = col(PARTITION).eq(col(PARTITION).shift(lit(offset)));
        Some(when(same_partition).then(values.clone().shift(lit(offset))).otherwise(lit(NULL)))
    }
}

/// One number per row, equal for rows of the same partition: the
/// snapshot (authority and period) in the top 24 bits, so that the sorted
/// rows stay near where they were and moving them is mostly cache-local,
/// and the partition's values hashed with a fixed seed (so that runs sort
/// alike) below. Any number would be exact, as the partition's own values
/// follow it in the sort; this one makes nearly every comparison end at
/// it. (Numbering the partitions exactly, by polars' grouping, cost more
/// than the comparisons it saved.)
fn partition_hash(partition: &[Expr]) -> Expr {
    let hash = |columns: &mut [Column]| -> PolarsResult<Column> {
        let seed = PlSeedableRandomStateQuality::seed_from_u64(0);
        let [authority, period, partition @ ..] = columns else {
            polars_bail!(ComputeError: "the partition sort key needs the authority and period")
        };
        let mut hashes = vec![0u64; authority.len()];
        for column in partition.iter() {
            column.vec_hash_combine(seed.clone(), &mut hashes)?;
        }
        let (authority, period) = (authority.i32()?, period.i32()?);
        let snapshots = authority.iter().zip(period.iter()).map(|(authority, period)| {
            let (authority, period) = (authority.unwrap_or(0) as u64, period.unwrap_or(0) as u64);
            // 9 bits of member (a group has at most `groups::MOST_MEMBERS`) and 15 of month.
            ((authority << 15) | (period & 0x7FFF)) << row_sort::SNAPSHOT_SHIFT
        });
        let keys = hashes
            .iter()
            .zip(snapshots)
            .map(|(hash, snapshot)| snapshot | (hash & ((1 << row_sort::SNAPSHOT_SHIFT) - 1)));
        Ok(UInt64Chunked::from_iter_values(PARTITION_HASH.into(), keys).into_column())
    };
    let inputs: Vec<Expr> = [col(AUTHORITY), col(PERIOD)].into_iter().chain(partition.iter().cloned()).collect();
    map_multiple(hash, inputs, |_, _| Ok(Field::new(PARTITION_HASH.into(), DataType::UInt64)))
}

const PARTITION_HASH: &str = "__partition_hash";
/// Set by `RowOrder::sort`: equal for neighbouring rows of one partition.
const PARTITION: &str = "__partition";
const ROW_NUMBER: &str = "__row_number";

/// A data-quality check from the project file, ready to run.
#[derive(Clone)]
pub struct CheckPlan {
    pub dataset: String,
    pub name: String,
    pub fails: Expr,
    pub row_order: Option<RowOrder>,
}

/// Compile every dataset's `checks`; problems point into scorecard.toml.
pub fn compile_checks(project: &Project) -> Result<Vec<CheckPlan>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut plans = Vec::new();
    for (name, dataset) in &project.file.datasets {
        let dataset = dataset.get_ref();
        for check in &dataset.checks {
            let mut checker = Checker {
                source: &project.source,
                holidays: &project.holidays,
                failed: Vec::new(),
                frame: empty_frame(dataset),
                diagnostics: Diagnostics::default(),
                row_level: true,
                row_order: None,
            };
            let role = format!("check `{}`", check.name);
            if let Some(fails) = checker.condition(&check.fails, &role) {
                let row_order = checker.row_order.clone();
                plans.push(CheckPlan { dataset: name.clone(), name: check.name.clone(), fails, row_order });
            }
            diagnostics.extend(checker.diagnostics);
        }
    }
    diagnostics.into_result(plans)
}

/// The columns of each dataset that compiled plans (and checks) read, so
/// that a build parses only those: for 20 authorities' extracts most
/// declared columns are never used, and parsing them is most of the work.
pub fn columns_used(
    plans: &[Plan],
    definitions: &[Definition],
    checks: &[CheckPlan],
    shown_by_explain: bool,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |dataset: &str, names: Vec<String>| used.entry(dataset.to_string()).or_default().extend(names);
    for (plan, definition) in plans.iter().zip(definitions) {
        let dataset = definition.indicator.dataset.get_ref().as_str();
        let exprs = plan
            .derive
            .iter()
            .chain(&plan.filter)
            .chain(&plan.derive_after_filter)
            .chain(plan.per_entity.iter().flat_map(|(_, aggregates)| aggregates))
            .chain(&plan.measure)
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

/// Where `name` stands as a whole identifier in `sql`, outside quoted
/// literals: an unknown `age` in `stage = 1 AND age > 3` is the second
/// `age`, not the end of `stage`.
fn identifier_offset(sql: &str, name: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    sql.match_indices(name).map(|(at, _)| at).find(|&at| {
        let before = sql[..at].chars().next_back();
        let after = sql[at + name.len()..].chars().next();
        let in_literal = sql[..at].matches('\'').count() % 2 == 1;
        !before.is_some_and(is_word) && !after.is_some_and(is_word) && !in_literal
    })
}

fn root_names<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<String> {
    exprs.flat_map(|expr| expr.clone().meta().root_names()).map(|name| name.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_is_found_whole_and_outside_literals() {
        assert_eq!(identifier_offset("stage = 1 AND age > 3", "age"), Some(14));
        assert_eq!(identifier_offset("LS = 'age' OR age > 3", "age"), Some(14));
        assert_eq!(identifier_offset("\"Legal status\" = 'C2'", "Legal status"), Some(1));
        assert_eq!(identifier_offset("stage = 1", "age"), None);
    }

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
