//! Indicator definitions: one TOML file per indicator under
//! `indicators/<theme>/<id>.toml`. This module reads and checks everything
//! that can be checked without parsing expressions; `evaluate_plan` checks
//! the SQL expressions against the dataset schemas.

use super::published_benchmark::PublishedBenchmark;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::diagnostics::{field_names, parse_toml};
use crate::project::{is_safe_id, ColumnType, Project};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Indicator {
    /// Lower-case letters, digits and hyphens: it becomes a file name.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// States the rule in words a service manager can check.
    pub description: String,
    /// Reference in the improvement plan, e.g. "9.1".
    pub plan_ref: Option<String>,
    /// Defaults to the name of the folder holding the file.
    pub theme: Option<String>,
    #[schemars(with = "Unit")]
    pub unit: Spanned<Unit>,
    #[schemars(with = "Polarity")]
    pub polarity: Spanned<Polarity>,
    #[schemars(with = "String")]
    pub dataset: Spanned<String>,
    #[serde(default = "default_window")]
    #[schemars(with = "Window")]
    pub window: Spanned<Window>,
    /// Columns brought in from another dataset of the same period, matched on a key.
    #[serde(default)]
    pub lookup: Vec<Lookup>,
    /// Columns computed on every row before filtering.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Derived>")]
    pub derive: BTreeMap<String, Spanned<Derived>>,
    /// SQL condition: rows that take part at all.
    #[schemars(with = "Option<String>")]
    pub filter: Option<Spanned<String>>,
    pub per_entity: Option<PerEntity>,
    pub measure: Measure,
    /// Column giving a value per group (e.g. team) as well as the total.
    #[schemars(with = "Option<String>")]
    pub breakdown: Option<Spanned<String>>,
    /// Decimal places shown; comparisons for "no change" use them too.
    pub decimals: Option<u32>,
    #[schemars(with = "Option<Rag>")]
    pub rag: Option<Spanned<Rag>>,
    /// A published comparator shown beside the value and on the chart.
    pub benchmark: Option<Benchmark>,
    /// A benchmark read from a DfE published file (England, region,
    /// statistical neighbours), instead of a fixed `[benchmark]`.
    pub published_benchmark: Option<PublishedBenchmark>,
    /// Statistical process control settings.
    #[serde(default)]
    pub spc: SpcSettings,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SpcSettings {
    /// How many leading months set the mean and limits (default: all).
    pub baseline_months: Option<usize>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, schemars::JsonSchema)]
pub struct Benchmark {
    /// In the indicator's unit.
    pub value: f64,
    /// Whose figure and when, e.g. "England 2024-25".
    pub label: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    Count,
    Number,
    #[serde(rename = "rate_per_10000")]
    RatePer10000,
    Days,
}

/// Published (JSON, CSV, workbook) in words, as `describe` gives it.
impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.describe())
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

impl Unit {
    pub fn describe(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Number => "number",
            Unit::RatePer10000 => "rate per 10,000",
            Unit::Days => "days",
        }
    }

    /// Decimal places shown when the definition gives none.
    pub fn default_decimals(self) -> u32 {
        match self {
            Unit::Count => 0,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    NoJudgement,
}

#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Window {
    pub kind: WindowKind,
    /// Rolling windows only: how many months, ending at the period end.
    pub months: Option<u32>,
}

fn default_window() -> Spanned<Window> {
    Spanned::new(0..0, Window { kind: WindowKind::AsAt, months: None })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// The period end only (window_start = window_end = period_end).
    AsAt,
    /// The calendar month.
    Month,
    /// The last `months` months, ending at the period end.
    Rolling,
    /// From the start of the financial year to the period end.
    FinancialYearToDate,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Lookup {
    #[schemars(with = "String")]
    pub dataset: Spanned<String>,
    /// Key column present in both datasets.
    #[schemars(with = "String")]
    pub on: Spanned<String>,
    #[schemars(with = "Vec<String>")]
    pub columns: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Derived {
    /// A SQL expression over the row.
    #[schemars(with = "Option<String>")]
    pub sql: Option<Spanned<String>>,
    /// Working days after `from` up to and including `to`.
    pub working_days: Option<WorkingDays>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct WorkingDays {
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    #[schemars(with = "String")]
    pub to: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct PerEntity {
    /// Defaults to the dataset's key.
    #[schemars(with = "Option<String>")]
    pub key: Option<Spanned<String>>,
    /// Name -> SQL aggregate over the entity's rows, e.g. `SUM(...)`.
    #[schemars(with = "BTreeMap<String, String>")]
    pub aggregate: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Measure {
    #[schemars(with = "MeasureKind")]
    pub kind: Spanned<MeasureKind>,
    #[schemars(with = "Option<String>")]
    pub numerator: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub denominator: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub weight: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub of: Option<Spanned<String>>,
    #[serde(rename = "where")]
    #[schemars(with = "Option<String>")]
    pub condition: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Count,
    DistinctCount,
    Sum,
    Mean,
    Median,
    Proportion,
    Ratio,
    #[serde(rename = "rate_per_10000")]
    RatePer10000,
}

impl MeasureKind {
    /// Which measure fields the kind requires and which it accepts.
    fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            MeasureKind::Count | MeasureKind::RatePer10000 => (&[], &["where"]),
            MeasureKind::DistinctCount | MeasureKind::Sum | MeasureKind::Mean | MeasureKind::Median => {
                (&["of"], &["of", "where"])
            }
            MeasureKind::Proportion => (&["numerator"], &["numerator", "denominator", "weight"]),
            MeasureKind::Ratio => (&["numerator", "denominator"], &["numerator", "denominator", "where"]),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MeasureKind::Count => "count",
            MeasureKind::DistinctCount => "distinct_count",
            MeasureKind::Sum => "sum",
            MeasureKind::Mean => "mean",
            MeasureKind::Median => "median",
            MeasureKind::Proportion => "proportion",
            MeasureKind::Ratio => "ratio",
            MeasureKind::RatePer10000 => "rate_per_10000",
        }
    }
}

impl Measure {
    fn field(&self, name: &str) -> Option<&Spanned<String>> {
        match name {
            "numerator" => self.numerator.as_ref(),
            "denominator" => self.denominator.as_ref(),
            "weight" => self.weight.as_ref(),
            "of" => self.of.as_ref(),
            "where" => self.condition.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Rag {
    #[schemars(with = "RagMethod")]
    pub method: Spanned<RagMethod>,
    #[schemars(with = "Option<f64>")]
    pub target: Option<Spanned<f64>>,
    /// Target method: amber within this many units of the target.
    #[schemars(with = "Option<f64>")]
    pub tolerance: Option<Spanned<f64>>,
    /// Target method: amber within this percentage of the target.
    #[schemars(with = "Option<f64>")]
    pub tolerance_percent: Option<Spanned<f64>>,
    /// Thresholds method: at or better than `green` is green...
    #[schemars(with = "Option<f64>")]
    pub green: Option<Spanned<f64>>,
    /// ...at or better than `amber` is amber, otherwise red.
    #[schemars(with = "Option<f64>")]
    pub amber: Option<Spanned<f64>>,
    /// Significance method: confidence level, 95 (default) or 99.8.
    #[schemars(with = "Option<f64>")]
    pub level: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RagMethod {
    Target,
    Thresholds,
    /// Better / similar / worse than the `[benchmark]`, within `tolerance`.
    Benchmark,
    /// Fingertips style: the benchmark inside the value's confidence
    /// interval (at `level`, 95 or 99.8) is similar.
    Significance,
}

/// A checked definition and the file it came from.
#[derive(Debug, Clone)]
pub struct Definition {
    pub indicator: Indicator,
    pub source: SourceFile,
    pub theme: String,
}

impl Definition {
    pub fn id(&self) -> &str {
        self.indicator.id.get_ref()
    }

    pub fn decimals(&self) -> u32 {
        self.indicator.decimals.unwrap_or_else(|| self.indicator.unit.get_ref().default_decimals())
    }

    pub fn polarity(&self) -> Polarity {
        *self.indicator.polarity.get_ref()
    }

    pub fn error(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        self.source.error(span, message, label)
    }
}

fn known_keys() -> Vec<&'static str> {
    [
        field_names::<Indicator>(),
        field_names::<Window>(),
        field_names::<Lookup>(),
        field_names::<Derived>(),
        field_names::<WorkingDays>(),
        field_names::<PerEntity>(),
        field_names::<Measure>(),
        field_names::<Rag>(),
        field_names::<Benchmark>(),
        field_names::<SpcSettings>(),
        field_names::<PublishedBenchmark>(),
    ]
    .concat()
}

/// Every `*.toml` under the project's indicator folders, sorted, with its theme folder.
/// Every dataset the definitions read, as the indicator's own or as a lookup.
pub fn used_datasets(definitions: &[Definition]) -> BTreeSet<&str> {
    definitions
        .iter()
        .flat_map(|definition| {
            let indicator = &definition.indicator;
            std::iter::once(indicator.dataset.get_ref().as_str())
                .chain(indicator.lookup.iter().map(|lookup| lookup.dataset.get_ref().as_str()))
        })
        .collect()
}

pub fn definition_files(project: &Project) -> Result<Vec<(PathBuf, String)>, Diagnostics> {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for dir in project.indicator_dirs() {
        let themes = match sorted_entries(&dir) {
            Ok(themes) => themes,
            Err(error) => {
                diagnostics.push(Diagnostic::file(&dir, format!("cannot read indicator folder: {error}")));
                continue;
            }
        };
        for theme_dir in themes.into_iter().filter(|path| path.is_dir()) {
            let theme = theme_dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let entries = sorted_entries(&theme_dir).unwrap_or_default();
            files.extend(
                entries
                    .into_iter()
                    .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
                    .map(|path| (path, theme.clone())),
            );
        }
    }
    diagnostics.into_result(files)
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries =
        std::fs::read_dir(dir)?.map(|entry| entry.map(|entry| entry.path())).collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

/// Load and check every definition. Returns the definitions that passed
/// (so their expressions can be checked too) and every problem found.
pub fn load_all(project: &Project) -> (Vec<Definition>, Diagnostics) {
    let files = match definition_files(project) {
        Ok(files) => files,
        Err(diagnostics) => return (Vec::new(), diagnostics),
    };
    let mut diagnostics = Diagnostics::default();
    let mut definitions: Vec<Definition> = Vec::new();
    let mut first_seen: HashMap<String, PathBuf> = HashMap::new();
    for (path, theme) in files {
        let source = match SourceFile::read(&path) {
            Ok(source) => source,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                continue;
            }
        };
        let (indicator, found) = parse_toml::<Indicator>(&source, &known_keys());
        diagnostics.extend(found);
        let Some(indicator) = indicator else { continue };
        let definition = Definition { theme: indicator.theme.clone().unwrap_or(theme), indicator, source };
        let problems = check(project, &definition);
        let valid = problems.is_empty();
        diagnostics.extend(problems);
        let id = definition.id().to_string();
        if let Some(first) = first_seen.get(&id) {
            let span = definition.indicator.id.span();
            diagnostics.push(
                definition
                    .error(span, format!("duplicate indicator id `{id}`"), "already used")
                    .with_help(format!("first defined in {}", first.display())),
            );
        } else {
            first_seen.insert(id, path);
        }
        if valid {
            definitions.push(definition);
        }
    }
    (definitions, diagnostics)
}

/// Checks that need the project (datasets, columns) but not the expressions.
pub fn check(project: &Project, definition: &Definition) -> Diagnostics {
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
    check_measure(definition, &mut diagnostics);
    check_rag(definition, &mut diagnostics);
    check_published_benchmark(project, definition, &mut diagnostics);
    let dataset_name = indicator.dataset.get_ref();
    let Some(dataset) = project.dataset(dataset_name) else {
        let names = project.file.datasets.keys().map(String::as_str);
        diagnostics.push(
            definition
                .error(indicator.dataset.span(), format!("unknown dataset `{dataset_name}`"), "not in scorecard.toml")
                .with_help_opt(did_you_mean(dataset_name, names)),
        );
        return diagnostics;
    };
    let mut columns: BTreeMap<&str, Option<ColumnType>> =
        dataset.columns.iter().map(|(name, kind)| (name.as_str(), Some(*kind.get_ref()))).collect();
    for lookup in &indicator.lookup {
        check_lookup(project, definition, lookup, &mut columns, &mut diagnostics);
    }
    for (name, derived) in &indicator.derive {
        check_derived(definition, name, derived, &columns, &mut diagnostics);
    }
    columns.extend(indicator.derive.keys().map(|name| (name.as_str(), None)));
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
        match per_entity.key.as_ref().or(dataset.key.as_ref()) {
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
    definition: &Definition,
    lookup: &'a Lookup,
    columns: &mut BTreeMap<&'a str, Option<ColumnType>>,
    diagnostics: &mut Diagnostics,
) {
    let name = lookup.dataset.get_ref();
    let Some(other) = project.dataset(name) else {
        let names = project.file.datasets.keys().map(String::as_str);
        diagnostics.push(
            definition
                .error(lookup.dataset.span(), format!("unknown lookup dataset `{name}`"), "not in scorecard.toml")
                .with_help_opt(did_you_mean(name, names)),
        );
        return;
    };
    let on = lookup.on.get_ref();
    if !columns.contains_key(on.as_str()) || !other.columns.contains_key(on) {
        diagnostics.push(definition.error(
            lookup.on.span(),
            format!("lookup key `{on}` must be a column of both datasets"),
            "not in both",
        ));
    }
    for column in &lookup.columns {
        let wanted = column.get_ref();
        match other.columns.get(wanted) {
            Some(_) if columns.contains_key(wanted.as_str()) => diagnostics.push(definition.error(
                column.span(),
                format!("lookup column `{wanted}` is already a column here"),
                "name clash",
            )),
            Some(kind) => {
                columns.insert(wanted.as_str(), Some(*kind.get_ref()));
            }
            None => diagnostics.push(
                definition
                    .error(column.span(), format!("`{wanted}` is not a column of dataset `{name}`"), "unknown column")
                    .with_help_opt(did_you_mean(wanted, other.columns.keys().map(String::as_str))),
            ),
        }
    }
}

fn check_derived(
    definition: &Definition,
    name: &str,
    derived: &Spanned<Derived>,
    columns: &BTreeMap<&str, Option<ColumnType>>,
    diagnostics: &mut Diagnostics,
) {
    if columns.contains_key(name) {
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
                    Some(Some(ColumnType::Date)) => {}
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

fn check_window(definition: &Definition, diagnostics: &mut Diagnostics) {
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

fn check_measure(definition: &Definition, diagnostics: &mut Diagnostics) {
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

fn check_published_benchmark(project: &Project, definition: &Definition, diagnostics: &mut Diagnostics) {
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
    if project.file.benchmarks.folder.is_none() {
        diagnostics.push(whole_file("[published_benchmark] needs [benchmarks] folder in scorecard.toml".into()));
    }
}

fn check_rag(definition: &Definition, diagnostics: &mut Diagnostics) {
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
    let mut require = |value: &Option<Spanned<f64>>, name: &str| {
        if value.is_none() {
            diagnostics.push(definition.error(spec.method.span(), format!("this RAG method needs `{name}`"), "here"));
        }
    };
    match spec.method.get_ref() {
        RagMethod::Target => {
            require(&spec.target, "target");
            if spec.tolerance.is_some() && spec.tolerance_percent.is_some() {
                diagnostics.push(definition.error(
                    rag.span(),
                    "give `tolerance` or `tolerance_percent`, not both",
                    "here",
                ));
            }
            for tolerance in [&spec.tolerance, &spec.tolerance_percent].into_iter().flatten() {
                if *tolerance.get_ref() < 0.0 {
                    diagnostics.push(definition.error(tolerance.span(), "a tolerance cannot be negative", "here"));
                }
            }
        }
        RagMethod::Thresholds => {
            require(&spec.green, "green");
            require(&spec.amber, "amber");
            if let (Some(green), Some(amber)) = (&spec.green, &spec.amber) {
                let (g, a) = (*green.get_ref(), *amber.get_ref());
                let contradicts = match polarity {
                    Polarity::HigherIsBetter => g < a,
                    Polarity::LowerIsBetter => g > a,
                    Polarity::NoJudgement => false,
                };
                if contradicts {
                    let better = if polarity == Polarity::HigherIsBetter { "higher" } else { "lower" };
                    diagnostics.push(
                        definition
                            .error(
                                green.span(),
                                format!(
                                    "green ({g}) is worse than amber ({a}) for an indicator where {better} is better"
                                ),
                                "contradicts the polarity",
                            )
                            .with_help(format!(
                                "for {better} is better, green must be {better} than or equal to amber"
                            )),
                    );
                }
            }
        }
        RagMethod::Benchmark | RagMethod::Significance => {
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
    }
}
