//! Checks that need the project (datasets, columns) but not the SQL, each
//! pointing at the definition's own text. The measure and the rating are
//! built into typed rules here, so that an invalid combination cannot
//! reach the engine.

use super::derive_order::derive_order;
use super::indicator::{Derived, Indicator, Lookup, Measure, MeasureKind, Polarity, Rag, RagMethod, Unit, WindowKind};
use super::rules::{ConfidenceLevel, MeasureRule, RatingMethod, Sql, Summary, Tolerance};
use super::targets::{targets, Targets};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::project::{is_safe_id, ColumnType, Project};
use std::collections::BTreeMap;
use toml::Spanned;

/// A definition as read, before it is checked.
pub(crate) struct Draft {
    pub indicator: Indicator,
    pub source: SourceFile,
}

impl Draft {
    pub(crate) fn polarity(&self) -> Polarity {
        *self.indicator.polarity.get_ref()
    }

    pub(crate) fn error(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        self.source.error(span, message, label)
    }
}

/// Check a definition as written; when it is valid, its typed rules.
pub(super) fn check(project: &Project, definition: &Draft) -> Result<Rules, Diagnostics> {
    let mut diagnostics = check_fields(project, definition);
    let derive_order =
        derive_order(&definition.indicator, &definition.source).map_err(|cycle| diagnostics.push(cycle)).ok();
    let indicator = &definition.indicator;
    let targets = match indicator.rag.as_ref().map(|rag| rag.get_ref()) {
        Some(spec) if *spec.method.get_ref() == RagMethod::Target => {
            targets(spec, project.financial_year_start_month(), &definition.source)
                .map_err(|found| diagnostics.extend(found))
                .ok()
        }
        // Other methods may give a target to show beside the value.
        Some(spec) => Some(spec.target.as_ref().map(|target| Targets::Fixed(*target.get_ref()))),
        None => Some(None),
    };
    let rating = match &indicator.rag {
        Some(spec) => rating_method(spec.get_ref(), definition.polarity()).map(Some),
        None => Some(None),
    };
    match (diagnostics.is_empty(), measure_rule(&indicator.measure), rating, derive_order, targets) {
        (true, Some(measure), Some(rating), Some(derive_order), Some(targets)) => {
            let tolerance = indicator.rag.as_ref().map(|spec| tolerance_given(spec.get_ref()));
            Ok(Rules { measure, rating, derive_order, targets, tolerance })
        }
        _ => Err(diagnostics),
    }
}

/// A valid definition's measure and rating, as the engine uses them, and
/// the order its derived columns are computed in.
pub(super) struct Rules {
    pub measure: MeasureRule,
    pub rating: Option<RatingMethod>,
    pub derive_order: Vec<String>,
    pub targets: Option<Targets>,
    pub tolerance: Option<Tolerance>,
}

/// The measure as a typed rule; None when a field its kind needs is
/// missing, which `check_measure` reports.
fn measure_rule(measure: &Measure) -> Option<MeasureRule> {
    let sql = |field: &Option<Spanned<String>>| field.as_ref().map(Sql::from);
    let condition = sql(&measure.condition);
    let summary =
        |kind: Summary| Some(MeasureRule::Summary { kind, of: sql(&measure.of)?, condition: condition.clone() });
    match *measure.kind.get_ref() {
        MeasureKind::Count => Some(MeasureRule::Count { condition }),
        MeasureKind::RatePer10000 => Some(MeasureRule::RatePer10000 { condition }),
        MeasureKind::DistinctCount => summary(Summary::DistinctCount),
        MeasureKind::Sum => summary(Summary::Sum),
        MeasureKind::Mean => summary(Summary::Mean),
        MeasureKind::Median => summary(Summary::Median),
        MeasureKind::Proportion => Some(MeasureRule::Proportion {
            numerator: sql(&measure.numerator)?,
            denominator: sql(&measure.denominator),
            weight: sql(&measure.weight),
        }),
        MeasureKind::Ratio => Some(MeasureRule::Ratio {
            numerator: sql(&measure.numerator)?,
            denominator: sql(&measure.denominator)?,
            condition,
        }),
    }
}

/// The rating method as checked; None when a value it needs is missing or
/// out of range, which `check_rag` reports.
fn rating_method(spec: &Rag, polarity: Polarity) -> Option<RatingMethod> {
    let value = |field: &Option<Spanned<f64>>| field.as_ref().map(|value| *value.get_ref());
    Some(match spec.method.get_ref() {
        RagMethod::Target => {
            // A single target is needed unless the targets change over time.
            if spec.targets.is_none() && spec.trajectory.is_none() {
                value(&spec.target)?;
            }
            match polarity {
                Polarity::CloseToTarget => RatingMethod::CloseToTarget { amber_within: value(&spec.amber_tolerance) },
                _ => RatingMethod::Target,
            }
        }
        RagMethod::Thresholds => RatingMethod::Thresholds { green: value(&spec.green)?, amber: value(&spec.amber)? },
        RagMethod::Benchmark => RatingMethod::Benchmark { tolerance: tolerance(spec) },
        RagMethod::Significance => RatingMethod::Significance {
            level: match value(&spec.level).unwrap_or(95.0) {
                95.0 => ConfidenceLevel::Level95,
                99.8 => ConfidenceLevel::Level998,
                _ => return None,
            },
        },
    })
}

/// The tolerance as given: `tolerance` in units (it wins over a
/// `tolerance_percent` beside it, which `check_rag` refuses), or
/// `tolerance_percent` of the target, or none.
fn tolerance_given(spec: &Rag) -> Tolerance {
    match (&spec.tolerance, &spec.tolerance_percent) {
        (Some(units), _) => Tolerance::Units(*units.get_ref()),
        (None, Some(percent)) => Tolerance::PercentOfTarget(*percent.get_ref()),
        (None, None) => Tolerance::Units(0.0),
    }
}

/// The tolerance in the indicator's units against the single `target`
/// (0 without one).
fn tolerance(spec: &Rag) -> f64 {
    tolerance_given(spec).of(spec.target.as_ref().map_or(0.0, |target| *target.get_ref()))
}

/// Checks that need the project (datasets, columns) but not the expressions.
fn check_fields(project: &Project, definition: &Draft) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let indicator = &definition.indicator;
    let id = &indicator.id;
    if !is_safe_id(id.get_ref()) {
        diagnostics.push(definition.error(
            id.span(),
            format!("indicator id `{}` must use only a-z, 0-9 and - (it becomes a file name)", id.get_ref()),
            "unsafe id",
        ));
    }
    check_window(definition, &mut diagnostics);
    if let Some(direction) = &indicator.direction {
        if !(3..=36).contains(&direction.get_ref().over_months) {
            diagnostics.push(definition.error(direction.span(), "direction.over_months must be 3 to 36", "here"));
        }
    }
    check_measure(definition, &mut diagnostics);
    check_rag(definition, &mut diagnostics);
    check_published_benchmark(project, definition, &mut diagnostics);
    let dataset_name = indicator.dataset.get_ref();
    let Some(dataset) = project.dataset(dataset_name) else {
        let names = project.datasets().map(|(name, _)| name);
        diagnostics.push(
            definition
                .error(indicator.dataset.span(), format!("unknown dataset `{dataset_name}`"), "not in scorecard.toml")
                .with_help_opt(did_you_mean(dataset_name, names)),
        );
        return diagnostics;
    };
    let mut columns: BTreeMap<&str, Option<ColumnType>> =
        dataset.column_types().map(|(name, kind)| (name, Some(kind))).collect();
    for lookup in &indicator.lookup {
        check_lookup(project, definition, lookup, &mut columns, &mut diagnostics);
    }
    // Derived columns have no declared type (None); each may use the others.
    let typed = columns.clone();
    for name in indicator.derive.keys() {
        columns.entry(name.as_str()).or_insert(None);
    }
    for (name, derived) in &indicator.derive {
        check_derived(definition, name, derived, (&typed, &columns), &mut diagnostics);
    }
    let mut check_column = |column: &Spanned<String>, role: &str| {
        if !columns.contains_key(column.get_ref().as_str()) {
            let message = format!("{role} `{}` is not a column of dataset `{dataset_name}`", column.get_ref());
            diagnostics.push(
                definition
                    .error(column.span(), message, "unknown column")
                    .with_help_opt(did_you_mean(column.get_ref(), columns.keys().copied())),
            );
        }
    };
    if let Some(breakdown) = &indicator.breakdown {
        check_column(breakdown, "breakdown");
    }
    if let Some(per_entity) = &indicator.per_entity {
        match per_entity.key.as_ref().or(dataset.key_as_written()) {
            Some(key) => check_column(key, "per_entity key"),
            None => diagnostics.push(Diagnostic::file(
                &definition.source.path,
                format!("per_entity needs a key: dataset `{dataset_name}` declares none"),
            )),
        }
    }
    diagnostics
}

fn check_lookup<'a>(
    project: &'a Project,
    definition: &Draft,
    lookup: &'a Lookup,
    columns: &mut BTreeMap<&'a str, Option<ColumnType>>,
    diagnostics: &mut Diagnostics,
) {
    let name = lookup.dataset.get_ref();
    let Some(other) = project.dataset(name) else {
        let names = project.datasets().map(|(name, _)| name);
        diagnostics.push(
            definition
                .error(lookup.dataset.span(), format!("unknown lookup dataset `{name}`"), "not in scorecard.toml")
                .with_help_opt(did_you_mean(name, names)),
        );
        return;
    };
    let on = lookup.on.get_ref();
    if !columns.contains_key(on.as_str()) || other.column_type(on).is_none() {
        diagnostics.push(definition.error(
            lookup.on.span(),
            format!("lookup key `{on}` must be a column of both datasets"),
            "not in both",
        ));
    }
    for column in &lookup.columns {
        let wanted = column.get_ref();
        match other.column_type(wanted) {
            Some(_) if columns.contains_key(wanted.as_str()) => diagnostics.push(definition.error(
                column.span(),
                format!("lookup column `{wanted}` is already a column here"),
                "name clash",
            )),
            Some(kind) => {
                columns.insert(wanted.as_str(), Some(kind));
            }
            None => diagnostics.push(
                definition
                    .error(column.span(), format!("`{wanted}` is not a column of dataset `{name}`"), "unknown column")
                    .with_help_opt(did_you_mean(wanted, other.column_types().map(|(name, _)| name))),
            ),
        }
    }
}

/// Column name -> its declared type (None for a derived column).
type Columns<'a> = BTreeMap<&'a str, Option<ColumnType>>;

fn check_derived(
    definition: &Draft,
    name: &str,
    derived: &Spanned<Derived>,
    (typed, columns): (&Columns, &Columns),
    diagnostics: &mut Diagnostics,
) {
    if typed.contains_key(name) {
        diagnostics.push(definition.error(
            derived.span(),
            format!("derived column `{name}` has the name of a dataset column"),
            "choose another name",
        ));
    }
    let spec = derived.get_ref();
    match (&spec.sql, &spec.working_days) {
        (Some(_), None) => {}
        (None, Some(days)) => {
            for end in [&days.from, &days.to] {
                match columns.get(end.get_ref().as_str()) {
                    // A derived column's type is checked when the plan is compiled.
                    Some(Some(ColumnType::Date) | None) => {}
                    Some(_) => diagnostics.push(definition.error(
                        end.span(),
                        format!("`{}` is not a date column", end.get_ref()),
                        "working_days needs dates",
                    )),
                    None => diagnostics.push(
                        definition
                            .error(
                                end.span(),
                                format!("`{}` is not a column of the dataset", end.get_ref()),
                                "unknown column",
                            )
                            .with_help_opt(did_you_mean(end.get_ref(), columns.keys().copied())),
                    ),
                }
            }
        }
        _ => diagnostics.push(definition.error(
            derived.span(),
            format!("derived column `{name}` needs exactly one of `sql` or `working_days`"),
            "here",
        )),
    }
}

fn check_window(definition: &Draft, diagnostics: &mut Diagnostics) {
    let window = &definition.indicator.window;
    match (window.get_ref().kind, window.get_ref().months) {
        (WindowKind::Rolling, Some(1..=120)) => {}
        (WindowKind::Rolling, _) => diagnostics.push(definition.error(
            window.span(),
            "a rolling window needs `months` between 1 and 120",
            "here",
        )),
        (_, Some(_)) => diagnostics.push(definition.error(
            window.span(),
            "`months` applies only to kind = \"rolling\"",
            "remove months",
        )),
        (_, None) => {}
    }
}

fn check_measure(definition: &Draft, diagnostics: &mut Diagnostics) {
    let indicator = &definition.indicator;
    let measure = &indicator.measure;
    let kind = *measure.kind.get_ref();
    let (required, allowed) = kind.fields();
    for field in required {
        if measure.field(field).is_none() {
            diagnostics.push(definition.error(
                measure.kind.span(),
                format!("a {} measure needs `{field}`", kind.name()),
                "here",
            ));
        }
    }
    for field in ["numerator", "denominator", "weight", "of", "where"] {
        if let (Some(value), false) = (measure.field(field), allowed.contains(&field)) {
            diagnostics.push(
                definition
                    .error(value.span(), format!("`{field}` does not apply to a {} measure", kind.name()), "not used")
                    .with_help(format!("a {} measure takes: {}", kind.name(), allowed.join(", "))),
            );
        }
    }
    let unit = *indicator.unit.get_ref();
    let unit_fits = match kind {
        MeasureKind::Proportion => unit == Unit::Percent,
        MeasureKind::RatePer10000 => unit == Unit::RatePer10000,
        _ => unit != Unit::RatePer10000,
    };
    if !unit_fits {
        diagnostics.push(definition.error(
            indicator.unit.span(),
            format!("unit `{}` does not fit a {} measure", unit.describe(), kind.name()),
            "here",
        ));
    }
}

fn check_published_benchmark(project: &Project, definition: &Draft, diagnostics: &mut Diagnostics) {
    let Some(source) = &definition.indicator.published_benchmark else { return };
    let whole_file = |message: String| Diagnostic::file(&definition.source.path, message);
    if definition.indicator.benchmark.is_some() {
        diagnostics.push(whole_file("give [benchmark] or [published_benchmark], not both".into()));
    }
    let counts = source.numerator_column.is_some() && source.denominator_column.is_some();
    if source.value_column.is_some() == counts
        || (source.numerator_column.is_some() != source.denominator_column.is_some())
    {
        diagnostics.push(whole_file(
            "[published_benchmark] needs value_column, or numerator_column and denominator_column".into(),
        ));
    }
    if project.benchmark_folder().is_none() {
        diagnostics.push(whole_file("[published_benchmark] needs [benchmarks] folder in scorecard.toml".into()));
    }
}

/// `close_to_target` is rated by the target method only, and its amber
/// band is the wider one; `amber_tolerance` belongs to it alone.
fn check_close_to_target(definition: &Draft, spec: &Rag, diagnostics: &mut Diagnostics) {
    let close = definition.polarity() == Polarity::CloseToTarget;
    if close && *spec.method.get_ref() != RagMethod::Target {
        let message = "an indicator with polarity = \"close_to_target\" is rated by method = \"target\"";
        diagnostics.push(definition.error(spec.method.span(), message, "not this method"));
    }
    let Some(amber) = &spec.amber_tolerance else { return };
    if !close {
        let message = "`amber_tolerance` applies only to polarity = \"close_to_target\"";
        diagnostics.push(definition.error(amber.span(), message, "here"));
    } else if spec.tolerance.as_ref().is_some_and(|green| green.get_ref() > amber.get_ref()) {
        let message = "`amber_tolerance` must be at least `tolerance` (the amber band is outside the green)";
        diagnostics.push(definition.error(amber.span(), message, "here"));
    }
}

fn check_rag(definition: &Draft, diagnostics: &mut Diagnostics) {
    let Some(rag) = &definition.indicator.rag else { return };
    let polarity = definition.polarity();
    if polarity == Polarity::NoJudgement {
        diagnostics.push(definition.error(
            rag.span(),
            "an indicator with polarity = \"no_judgement\" cannot have a RAG rating",
            "remove [rag]",
        ));
        return;
    }
    let spec = rag.get_ref();
    check_close_to_target(definition, spec, diagnostics);
    match spec.method.get_ref() {
        RagMethod::Target => check_target_rag(definition, rag, diagnostics),
        _ if spec.targets.is_some() || spec.trajectory.is_some() => {
            let message = "`targets` and `trajectory` belong to the `target` method";
            diagnostics.push(definition.error(spec.method.span(), message, "this method"));
        }
        RagMethod::Thresholds => check_threshold_rag(definition, spec, polarity, diagnostics),
        RagMethod::Benchmark | RagMethod::Significance => check_benchmark_rag(definition, spec, diagnostics),
    }
}

/// Said at the method when the value it needs is missing.
fn require(definition: &Draft, spec: &Rag, value: &Option<Spanned<f64>>, name: &str, diagnostics: &mut Diagnostics) {
    if value.is_none() {
        diagnostics.push(definition.error(spec.method.span(), format!("this RAG method needs `{name}`"), "here"));
    }
}

fn check_target_rag(definition: &Draft, rag: &Spanned<Rag>, diagnostics: &mut Diagnostics) {
    let spec = rag.get_ref();
    if spec.targets.is_none() && spec.trajectory.is_none() {
        require(definition, spec, &spec.target, "target", diagnostics);
    }
    if spec.tolerance.is_some() && spec.tolerance_percent.is_some() {
        diagnostics.push(definition.error(rag.span(), "give `tolerance` or `tolerance_percent`, not both", "here"));
    }
    for tolerance in [&spec.tolerance, &spec.tolerance_percent].into_iter().flatten() {
        if *tolerance.get_ref() < 0.0 {
            diagnostics.push(definition.error(tolerance.span(), "a tolerance cannot be negative", "here"));
        }
    }
}

fn check_threshold_rag(definition: &Draft, spec: &Rag, polarity: Polarity, diagnostics: &mut Diagnostics) {
    require(definition, spec, &spec.green, "green", diagnostics);
    require(definition, spec, &spec.amber, "amber", diagnostics);
    let (Some(green), Some(amber)) = (&spec.green, &spec.amber) else { return };
    let (g, a) = (*green.get_ref(), *amber.get_ref());
    let contradicts = match polarity {
        Polarity::HigherIsBetter => g < a,
        Polarity::LowerIsBetter => g > a,
        Polarity::NoJudgement | Polarity::CloseToTarget => false,
    };
    if contradicts {
        let better = if polarity == Polarity::HigherIsBetter { "higher" } else { "lower" };
        let message = format!("green ({g}) is worse than amber ({a}) for an indicator where {better} is better");
        diagnostics.push(
            definition
                .error(green.span(), message, "contradicts the polarity")
                .with_help(format!("for {better} is better, green must be {better} than or equal to amber")),
        );
    }
}

fn check_benchmark_rag(definition: &Draft, spec: &Rag, diagnostics: &mut Diagnostics) {
    if definition.indicator.benchmark.is_none() && definition.indicator.published_benchmark.is_none() {
        diagnostics.push(definition.error(
            spec.method.span(),
            "this RAG method compares with the benchmark, but there is no [benchmark]",
            "needs [benchmark]",
        ));
    }
    let kind = *definition.indicator.measure.kind.get_ref();
    let has_interval = matches!(
        kind,
        MeasureKind::Proportion | MeasureKind::Count | MeasureKind::DistinctCount | MeasureKind::RatePer10000
    );
    if *spec.method.get_ref() == RagMethod::Significance && !has_interval {
        diagnostics.push(definition.error(
            spec.method.span(),
            format!("significance needs a confidence interval, which a {} measure does not have", kind.name()),
            "use proportion, count or rate_per_10000",
        ));
    }
    if let Some(level) = spec.level.as_ref().filter(|level| ![95.0, 99.8].contains(level.get_ref())) {
        diagnostics.push(definition.error(
            level.span(),
            format!("level must be 95 or 99.8, not {}", level.get_ref()),
            "here",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rag(method: RagMethod, target: Option<f64>, tolerance: Option<f64>, percent: Option<f64>) -> Rag {
        let s = |v: Option<f64>| v.map(|v| Spanned::new(0..0, v));
        Rag {
            method: Spanned::new(0..0, method),
            target: s(target),
            tolerance: s(tolerance),
            tolerance_percent: s(percent),
            amber_tolerance: None,
            targets: None,
            trajectory: None,
            green: None,
            amber: None,
            level: None,
        }
    }

    #[test]
    fn a_percentage_tolerance_is_of_the_target() {
        // target 14, 10% tolerance: 1.4 either side.
        let percent = tolerance_given(&rag(RagMethod::Target, Some(14.0), None, Some(10.0)));
        assert_eq!((percent, percent.of(14.0)), (Tolerance::PercentOfTarget(10.0), 1.4));
        let absolute = tolerance_given(&rag(RagMethod::Target, Some(90.0), Some(5.0), None));
        assert_eq!((absolute, absolute.of(90.0)), (Tolerance::Units(5.0), 5.0));
        let method = rating_method(&rag(RagMethod::Target, Some(14.0), None, Some(10.0)), Polarity::LowerIsBetter);
        assert_eq!(method, Some(RatingMethod::Target));
    }

    #[test]
    fn a_method_without_what_it_needs_has_no_rule() {
        assert_eq!(rating_method(&rag(RagMethod::Target, None, Some(5.0), None), Polarity::HigherIsBetter), None);
        assert_eq!(rating_method(&rag(RagMethod::Thresholds, Some(1.0), None, None), Polarity::HigherIsBetter), None);
        let mut significance = rag(RagMethod::Significance, None, None, None);
        assert_eq!(
            rating_method(&significance, Polarity::HigherIsBetter),
            Some(RatingMethod::Significance { level: ConfidenceLevel::Level95 })
        );
        significance.level = Some(Spanned::new(0..0, 90.0));
        assert_eq!(rating_method(&significance, Polarity::HigherIsBetter), None);
    }
}
