//! An indicator definition as written: the TOML file's fields, with the
//! spans of everything a diagnostic may point at. `check` turns it into the
//! typed rules the engine uses.

use super::published_benchmark::PublishedBenchmark;
use crate::diagnostics::field_names;
use crate::project::Month;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// One indicator: `indicators/<theme>/<id>.toml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Indicator {
    /// Lower-case letters, digits and hyphens: it becomes a file name.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The name the board reads, e.g. "Children with 3 or more placements in 12 months".
    pub title: String,
    /// States the rule in words a service manager can check.
    pub description: String,
    /// Reference in the improvement plan, e.g. "9.1".
    pub plan_ref: Option<String>,
    /// The national definition the rule follows, e.g. "DfE children in
    /// need statistics: re-referrals within 12 months (table C1)", or
    /// "local" for a measure the council defines itself.
    pub national_definition: Option<String>,
    /// Defaults to the name of the folder holding the file.
    pub theme: Option<String>,
    /// How the value is shown: `percent`, `count`, `number`, `rate_per_10000` or `days`.
    #[schemars(with = "Unit")]
    pub unit: Spanned<Unit>,
    /// Which way is better: `higher_is_better`, `lower_is_better`, `close_to_target` (nearest the
    /// target either side) or `no_judgement` (not rated).
    #[schemars(with = "Polarity")]
    pub polarity: Spanned<Polarity>,
    /// The dataset (from `scorecard.toml`) whose rows are measured.
    #[schemars(with = "String")]
    pub dataset: Spanned<String>,
    /// Which dates each period looks at (default: as at the period end).
    #[serde(default = "default_window")]
    #[schemars(with = "Window")]
    pub window: Spanned<Window>,
    /// How often the indicator is reported: `monthly` (default), `quarterly`
    /// (at the ends of the financial year's quarters), `annual` (at the
    /// financial year's end) or `annual_calendar` (at December).
    #[serde(default)]
    pub frequency: Frequency,
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
    /// Aggregate the rows of each entity (child, worker) first, then measure the entities.
    pub per_entity: Option<PerEntity>,
    /// What is worked out for each period.
    pub measure: Measure,
    /// Column giving a value per group (e.g. team) as well as the total.
    #[schemars(with = "Option<String>")]
    pub breakdown: Option<Spanned<String>>,
    /// Decimal places shown; comparisons for "no change" use them too.
    pub decimals: Option<u32>,
    /// How the latest value is rated red, amber or green (none: not rated).
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
    /// A direction of travel over several months, beside the default
    /// since last month and since the same month last year.
    #[schemars(with = "Option<DirectionOver>")]
    pub direction: Option<Spanned<DirectionOver>>,
}

/// `direction = { over_months = 6, method = "regression" }`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DirectionOver {
    /// How many months, ending with this one (3 to 36).
    pub over_months: u32,
    /// `regression` (default: the least-squares line through the months'
    /// values) or `first_last` (this month against the first of them).
    #[serde(default)]
    pub method: DirectionMethod,
}

/// How a direction over several months is worked out.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectionMethod {
    /// The slope of the least-squares line through the months with values.
    #[default]
    Regression,
    /// The latest month against the first month of the span.
    FirstLast,
}

/// `[spc]`: statistical process control settings.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SpcSettings {
    /// How many leading months set the mean and limits (default: all; after
    /// a `rebase`, how many leading months of each new segment).
    pub baseline_months: Option<usize>,
    /// Months in which the process changed (`["2024-10"]`, a new front door,
    /// a new system): the mean and limits are recomputed from each, and no
    /// run of points counts across one.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub rebase: Vec<crate::project::Month>,
    /// Why SPC does not apply to this indicator, shown in its place (for
    /// example "a measure of stability over 12 months has no monthly
    /// form"). Without it, a rolling or year-to-date indicator's SPC runs on
    /// its monthly series: the same measure with a one-month window.
    pub not_applicable: Option<String>,
}

/// `[benchmark]`: a fixed comparator.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, schemars::JsonSchema)]
pub struct Benchmark {
    /// In the indicator's unit.
    pub value: f64,
    /// Whose figure and when, e.g. "England 2024-25".
    pub label: String,
}

/// How a value is shown; a measure's kind decides which units fit it.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A percentage, shown `85.8%` (proportion measures).
    Percent,
    /// A whole number of records or people, shown `55`.
    Count,
    /// Any other number, e.g. an average caseload, shown `21.5`.
    Number,
    /// Per 10,000 children aged 0-17, shown `85.9 per 10,000` (rate measures).
    #[serde(rename = "rate_per_10000")]
    RatePer10000,
    /// Days, shown `30.0 days`.
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
    /// The unit in words.
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

/// Which way is better, for RAG, direction of travel and SPC.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// A higher value is better (e.g. assessments on time).
    HigherIsBetter,
    /// A lower value is better (e.g. re-referrals).
    LowerIsBetter,
    /// Neither: shown and charted, never rated (e.g. the number of children in care).
    NoJudgement,
    /// Nearest the target is best, either side (e.g. an average caseload:
    /// neither overloaded nor under-used). Rated by `method = "target"`:
    /// green within `tolerance` either side, amber within `amber_tolerance`.
    CloseToTarget,
}

/// How often an indicator is reported.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every month.
    #[default]
    Monthly,
    /// At the end of each quarter of the financial year (June, September,
    /// December and March with an April year).
    Quarterly,
    /// At the end of the financial year.
    Annual,
    /// At the end of the calendar year (December).
    AnnualCalendar,
}

impl Frequency {
    /// Months between reports.
    pub fn step(self) -> i32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Annual | Frequency::AnnualCalendar => 12,
        }
    }

    /// Whether `month` ends a reporting period.
    pub fn reports_in(self, month: Month, financial_year_start_month: u32) -> bool {
        let start = if self == Frequency::AnnualCalendar { 1 } else { financial_year_start_month };
        let into_year = month.financial_year_start(start).months_until(month);
        (into_year + 1) % self.step() == 0
    }

    /// The last month at or before `month` that ends a reporting period.
    pub fn latest_at(self, month: Month, financial_year_start_month: u32) -> Month {
        (0..12).map(|back| month.plus(-back)).find(|m| self.reports_in(*m, financial_year_start_month)).unwrap_or(month)
    }

    /// "month", "quarter" or "year": the period "since last ..." means.
    pub fn period_name(self) -> &'static str {
        match self {
            Frequency::Monthly => "month",
            Frequency::Quarterly => "quarter",
            Frequency::Annual | Frequency::AnnualCalendar => "year",
        }
    }
}

/// `window`: the dates each period looks at, as columns `window_start` and `window_end`.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Window {
    /// `as_at`, `month`, `rolling`, `financial_year_to_date`, `calendar_year_to_date` or `quarter`.
    pub kind: WindowKind,
    /// Rolling windows only: how many months, ending at the period end.
    pub months: Option<u32>,
}

fn default_window() -> Spanned<Window> {
    Spanned::new(0..0, Window { kind: WindowKind::AsAt, months: None })
}

/// The kinds of window.
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
    /// From the start of the calendar year (1 January) to the period end.
    CalendarYearToDate,
    /// From the start of the quarter of the financial year (April-June,
    /// July-September... with an April year) to the period end: the whole
    /// quarter at its last month.
    Quarter,
}

/// `[[lookup]]`: columns joined in from another dataset of the same period.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Lookup {
    /// The dataset to look up in.
    #[schemars(with = "String")]
    pub dataset: Spanned<String>,
    /// Key column present in both datasets.
    #[schemars(with = "String")]
    pub on: Spanned<String>,
    /// The other dataset's columns to bring in (names must not clash).
    #[schemars(with = "Vec<String>")]
    pub columns: Vec<Spanned<String>>,
}

/// `[derive.<name>]`: a column computed on every row before filtering.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Derived {
    /// A SQL expression over the row.
    #[schemars(with = "Option<String>")]
    pub sql: Option<Spanned<String>>,
    /// Working days from `from` to `to`, the ends counted as `count` says (by
    /// default after `from`, up to and including `to`).
    pub working_days: Option<WorkingDays>,
}

/// Working days (weekends and bank holidays excluded) between two date columns.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct WorkingDays {
    /// The start date column (counted or not as `count` says; by default not).
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// The end date column (counted or not as `count` says; by default counted).
    #[schemars(with = "String")]
    pub to: Spanned<String>,
    /// Which ends count: `after_start_to_end` (default: the start day not
    /// counted, the end day counted), `start_to_before_end` (the start day
    /// counted, the end day not) or `start_to_end` (both counted).
    #[serde(default)]
    pub count: WorkingDayCount,
}

/// Which ends of a working-day count are counted.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkingDayCount {
    /// After the start, up to and including the end (Excel's `NETWORKDAYS - 1` from a working day).
    #[default]
    AfterStartToEnd,
    /// From and including the start, up to but not including the end.
    StartToBeforeEnd,
    /// Both the start and the end (Excel's `NETWORKDAYS`).
    StartToEnd,
}

/// `[per_entity]`: one row per entity (the dataset's key by default), with aggregates.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct PerEntity {
    /// Defaults to the dataset's key.
    #[schemars(with = "Option<String>")]
    pub key: Option<Spanned<String>>,
    /// Name -> SQL aggregate over the entity's rows, e.g. `SUM(...)`.
    #[schemars(with = "BTreeMap<String, String>")]
    pub aggregate: BTreeMap<String, Spanned<String>>,
}

/// `[measure]`: what is worked out for each period; each kind takes the fields it names.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Measure {
    /// The calculation: `count`, `distinct_count`, `sum`, `mean`, `median`, `proportion`, `ratio` or
    /// `rate_per_10000` (each kind takes the fields the table in docs/indicators.md gives it).
    #[schemars(with = "MeasureKind")]
    pub kind: Spanned<MeasureKind>,
    /// Proportion: the SQL condition counted in the numerator. Ratio: the SQL value summed.
    #[schemars(with = "Option<String>")]
    pub numerator: Option<Spanned<String>>,
    /// Proportion: the SQL condition for the denominator (default: every row). Ratio: the SQL value summed.
    #[schemars(with = "Option<String>")]
    pub denominator: Option<Spanned<String>>,
    /// Proportion: a SQL value weighting each row (e.g. FTE) instead of counting it.
    #[schemars(with = "Option<String>")]
    pub weight: Option<Spanned<String>>,
    /// distinct_count, sum, mean, median: the SQL value summarised.
    #[schemars(with = "Option<String>")]
    pub of: Option<Spanned<String>>,
    /// `where`: a SQL condition selecting the rows that take part (not for proportion).
    #[serde(rename = "where")]
    #[schemars(with = "Option<String>")]
    pub condition: Option<Spanned<String>>,
}

/// The calculations a measure can make.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// The number of rows (`where` selects them).
    Count,
    /// The number of different values of `of`.
    DistinctCount,
    /// The total of `of`.
    Sum,
    /// The average of `of`.
    Mean,
    /// The middle value of `of`.
    Median,
    /// The share of the denominator's rows also in the numerator, as a percentage.
    Proportion,
    /// The total of `numerator` over the total of `denominator`.
    Ratio,
    /// The number of rows per 10,000 children aged 0-17 (population from the project).
    #[serde(rename = "rate_per_10000")]
    RatePer10000,
}

impl MeasureKind {
    /// Which measure fields the kind requires and which it accepts.
    pub(super) fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            MeasureKind::Count | MeasureKind::RatePer10000 => (&[], &["where"]),
            MeasureKind::DistinctCount | MeasureKind::Sum | MeasureKind::Mean | MeasureKind::Median => {
                (&["of"], &["of", "where"])
            }
            MeasureKind::Proportion => (&["numerator"], &["numerator", "denominator", "weight"]),
            MeasureKind::Ratio => (&["numerator", "denominator"], &["numerator", "denominator", "where"]),
        }
    }

    /// The kind as the definition spells it (`count`, `proportion`, ...).
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
    pub(super) fn field(&self, name: &str) -> Option<&Spanned<String>> {
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

/// `[rag]`: how the latest value is rated; each method takes the fields it names.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Rag {
    /// `target`, `thresholds`, `benchmark` or `significance`.
    #[schemars(with = "RagMethod")]
    pub method: Spanned<RagMethod>,
    /// Target method: green at or better than this (also shown and charted).
    /// With `targets`, the target of financial years not listed there.
    #[schemars(with = "Option<f64>")]
    pub target: Option<Spanned<f64>>,
    /// Target method: a target per financial year, e.g. `{ "2024-25" = 90, "2025-26" = 92 }`.
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub targets: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    /// Target method: a target moving month by month in a straight line
    /// from `start` in month `from` to `end` in month `to` (held before and after).
    #[schemars(with = "Option<Trajectory>")]
    pub trajectory: Option<Spanned<Trajectory>>,
    /// Target method: amber within this many units of the target.
    #[schemars(with = "Option<f64>")]
    pub tolerance: Option<Spanned<f64>>,
    /// Target method: amber within this percentage of the target.
    #[schemars(with = "Option<f64>")]
    pub tolerance_percent: Option<Spanned<f64>>,
    /// Target method, `close_to_target` polarity: amber within this many
    /// units either side (green within `tolerance`); default `tolerance`.
    #[schemars(with = "Option<f64>")]
    pub amber_tolerance: Option<Spanned<f64>>,
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

/// A target moving in a straight line, month by month.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Trajectory {
    /// The first month, `YYYY-MM`, whose target is `start`.
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// The target in `from` (and before it).
    pub start: f64,
    /// The month, `YYYY-MM`, whose target is `end`.
    #[schemars(with = "String")]
    pub to: Spanned<String>,
    /// The target in `to` (and after it).
    pub end: f64,
}

/// The ways of rating.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RagMethod {
    /// Green at or better than `target`, amber within the tolerance, red beyond.
    Target,
    /// Green at or better than `green`, amber at or better than `amber`, red beyond.
    Thresholds,
    /// Better / similar / worse than the `[benchmark]`, within `tolerance`.
    Benchmark,
    /// Fingertips style: the benchmark inside the value's confidence
    /// interval (at `level`, 95 or 99.8) is similar.
    Significance,
}

/// Every field name a definition may use, for "unknown key" diagnostics.
pub(super) fn known_keys() -> Vec<&'static str> {
    [
        field_names::<Indicator>(),
        field_names::<Window>(),
        field_names::<Lookup>(),
        field_names::<Derived>(),
        field_names::<WorkingDays>(),
        field_names::<PerEntity>(),
        field_names::<Measure>(),
        field_names::<Rag>(),
        field_names::<Trajectory>(),
        field_names::<Benchmark>(),
        field_names::<SpcSettings>(),
        field_names::<DirectionOver>(),
        field_names::<PublishedBenchmark>(),
    ]
    .concat()
}
