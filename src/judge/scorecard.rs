//! The judged scorecard for one month: what every renderer draws from.

use crate::evaluate::observe::{round_to, Observation};
use crate::judge::rag::{self, Rag};
use crate::judge::significance::{self, Z95, Z998};
use crate::judge::spc;
use crate::judge::trend::{direction, Direction};
use crate::language::{Definition, Polarity};
use crate::language::{MeasureKind, RagMethod};
use crate::project::period::Month;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub authority: String,
    pub authority_code: String,
    pub month: Month,
    pub engine_version: &'static str,
    pub indicators: Vec<IndicatorReport>,
    /// Data-quality checks for the month (records failing each).
    pub data_quality: Vec<crate::evaluate::Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorReport {
    pub id: String,
    pub title: String,
    pub description: String,
    pub plan_ref: Option<String>,
    pub theme: String,
    pub unit: &'static str,
    pub decimals: u32,
    pub polarity: Polarity,
    pub dataset: String,
    /// The window of the latest period, in words.
    pub window: String,
    pub latest: Observation,
    pub rag: Option<Rag>,
    pub target: Option<f64>,
    pub benchmark: Option<crate::language::Benchmark>,
    /// England, region and statistical neighbours from published files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_benchmarks: Option<crate::input::benchmarks::Values>,
    /// Confidence limits of the latest value, at 95% and 99.8%, where the
    /// measure has them (unweighted proportions, counts, rates).
    pub confidence: Vec<Confidence>,
    /// Statistical process control over the series.
    pub spc: Option<spc::Spc>,
    /// Where the RAG bands change, for charts.
    pub rag_limits: Option<rag::Limits>,
    /// The definition spelt out, label by label, generated from the TOML.
    pub definition: Vec<(String, String)>,
    /// Commentary from the service lead, if given for this month.
    pub commentary: Option<String>,
    pub vs_previous_month: Comparison,
    pub vs_last_year: Comparison,
    pub series: Vec<Observation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Breakdown>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Confidence {
    pub level: f64,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub period: Month,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_comparable: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub column: String,
    pub groups: Vec<GroupSeries>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupSeries {
    pub group: String,
    pub latest: Observation,
    pub rag: Option<Rag>,
    pub series: Vec<Observation>,
}

/// Everything computed for one indicator, over every period.
#[derive(Debug, Clone)]
pub struct IndicatorSeries {
    pub series: Vec<Observation>,
    pub groups: Vec<(String, Vec<Observation>)>,
    pub window: String,
}

/// A benchmark resolved for the report month, fixed or published.
#[derive(Debug, Clone, Default)]
pub struct ResolvedBenchmark {
    pub benchmark: Option<crate::language::Benchmark>,
    pub published: Option<crate::input::benchmarks::Values>,
}

pub fn judge(
    definition: &Definition,
    computed: &IndicatorSeries,
    month: Month,
    resolved: ResolvedBenchmark,
) -> IndicatorReport {
    let benchmark_value = resolved.benchmark.as_ref().map(|benchmark| benchmark.value);
    let indicator = &definition.indicator;
    let upto = |series: &[Observation]| series.iter().filter(|o| o.period <= month).cloned().collect::<Vec<_>>();
    let series = upto(&computed.series);
    let latest = find(&series, month);
    let rag = |observation: &Observation| rate(definition, observation, benchmark_value);
    let values: Vec<Option<f64>> = series.iter().map(|o| o.value).collect();
    let target = indicator.rag.as_ref().and_then(|spec| spec.get_ref().target.as_ref()).map(|target| *target.get_ref());
    let spc = spc::analyse(&values, indicator.spc.baseline_months, definition.polarity(), target);
    let confidence = [95.0, 99.8].into_iter().filter_map(|level| confidence(definition, &latest, level)).collect();
    let groups = computed
        .groups
        .iter()
        .map(|(group, series)| {
            let series = upto(series);
            let latest = find(&series, month);
            GroupSeries { group: group.clone(), rag: rag(&latest), latest, series }
        })
        .collect();
    IndicatorReport {
        id: definition.id().to_string(),
        title: indicator.title.clone(),
        description: indicator.description.clone(),
        plan_ref: indicator.plan_ref.clone(),
        theme: definition.theme.clone(),
        unit: indicator.unit.get_ref().describe(),
        decimals: definition.decimals(),
        polarity: definition.polarity(),
        dataset: indicator.dataset.get_ref().clone(),
        window: computed.window.clone(),
        rag: rag(&latest),
        target,
        confidence,
        spc,
        benchmark: resolved.benchmark,
        published_benchmarks: resolved.published,
        rag_limits: indicator.rag.as_ref().and_then(|spec| rag::limits(spec.get_ref(), definition.polarity())),
        definition: plain_english(definition, &computed.window),
        commentary: None,
        vs_previous_month: compare(definition, &latest, &find(&series, month.previous())),
        vs_last_year: compare(definition, &latest, &find(&series, month.plus(-12))),
        latest,
        series,
        breakdown: indicator.breakdown.as_ref().map(|column| Breakdown { column: column.get_ref().clone(), groups }),
    }
}

fn find(series: &[Observation], month: Month) -> Observation {
    series
        .iter()
        .find(|observation| observation.period == month)
        .cloned()
        .unwrap_or_else(|| Observation::not_calculable(month, format!("no data for {month}")))
}

fn compare(definition: &Definition, latest: &Observation, earlier: &Observation) -> Comparison {
    let mut comparison = Comparison { period: earlier.period, direction: None, change: None, not_comparable: None };
    match (latest.value, earlier.value) {
        (Some(now), Some(then)) => {
            let decimals = definition.decimals();
            comparison.direction = Some(direction(now, then, definition.polarity(), decimals));
            comparison.change = Some(round_to(round_to(now, decimals) - round_to(then, decimals), decimals));
        }
        (None, _) => comparison.not_comparable = Some("no value this month".to_string()),
        (_, None) => comparison.not_comparable = Some(format!("no value for {}", earlier.period)),
    }
    comparison
}

impl Scorecard {
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |rag: Rag| self.indicators.iter().filter(|indicator| indicator.rag == Some(rag)).count();
        (count(Rag::Red), count(Rag::Amber), count(Rag::Green))
    }
}

/// The rule as a reader checks it: what is counted, over which dates, and
/// how it is rated. Expressions are quoted as written in the definition.
pub fn plain_english(definition: &Definition, window: &str) -> Vec<(String, String)> {
    let indicator = &definition.indicator;
    let mut lines = vec![("Source".to_string(), format!("the `{}` extract, {window}", indicator.dataset.get_ref()))];
    for lookup in &indicator.lookup {
        let columns: Vec<&str> = lookup.columns.iter().map(|c| c.get_ref().as_str()).collect();
        lines.push((
            "Looked up".into(),
            format!("{} from `{}`, matched on {}", columns.join(", "), lookup.dataset.get_ref(), lookup.on.get_ref()),
        ));
    }
    for (name, derived) in &indicator.derive {
        let rule = match (&derived.get_ref().sql, &derived.get_ref().working_days) {
            (Some(sql), _) => sql.get_ref().clone(),
            (None, Some(days)) => format!(
                "working days after {} up to and including {} (weekends and bank holidays left out)",
                days.from.get_ref(),
                days.to.get_ref()
            ),
            (None, None) => String::new(),
        };
        lines.push((format!("Computed {name}"), rule));
    }
    if let Some(filter) = &indicator.filter {
        lines.push(("Records included".into(), filter.get_ref().clone()));
    }
    if let Some(per_entity) = &indicator.per_entity {
        for (name, aggregate) in &per_entity.aggregate {
            let entity = per_entity.key.as_ref().map_or("entity", |key| key.get_ref().as_str());
            lines.push((format!("Per {entity}, {name}"), aggregate.get_ref().clone()));
        }
    }
    let measure = &indicator.measure;
    let mut push = |label: &str, value: &Option<toml::Spanned<String>>| {
        if let Some(value) = value {
            lines.push((label.to_string(), value.get_ref().clone()));
        }
    };
    push("Counted where", &measure.condition);
    push("Value of", &measure.of);
    push("Numerator", &measure.numerator);
    push("Denominator", &measure.denominator);
    push("Weighted by", &measure.weight);
    lines.push(("Calculation".into(), measure_words(*measure.kind.get_ref()).to_string()));
    if let Some(rating) = rating_words(definition) {
        lines.push(("Rating".into(), rating));
    }
    lines
}

fn measure_words(kind: crate::language::MeasureKind) -> &'static str {
    use crate::language::MeasureKind::*;
    match kind {
        Count => "the number of records",
        DistinctCount => "the number of different values",
        Sum => "the total",
        Mean => "the average (mean)",
        Median => "the middle value (median)",
        Proportion => "numerator as a percentage of denominator",
        Ratio => "total of the numerator divided by total of the denominator",
        RatePer10000 => "the number of records per 10,000 children aged 0-17",
    }
}

fn rating_words(definition: &Definition) -> Option<String> {
    let spec = definition.indicator.rag.as_ref()?;
    let limits = rag::limits(spec.get_ref(), definition.polarity())?;
    let (better, worse) = if definition.polarity() == Polarity::HigherIsBetter {
        ("at or above", "below")
    } else {
        ("at or below", "above")
    };
    Some(format!("green {better} {}; amber {better} {}; red {worse} {}", limits.green, limits.amber, limits.amber))
}

/// The latest value's RAG rating by the definition's method.
fn rate(definition: &Definition, observation: &Observation, benchmark: Option<f64>) -> Option<Rag> {
    let spec = definition.indicator.rag.as_ref()?.get_ref();
    let value = round_to(observation.value?, definition.decimals());
    match spec.method.get_ref() {
        RagMethod::Target | RagMethod::Thresholds => rag::rate(spec, definition.polarity(), value),
        RagMethod::Benchmark => rag::against_benchmark(value, benchmark?, rag::tolerance(spec), definition.polarity()),
        RagMethod::Significance => {
            let level = spec.level.as_ref().map_or(95.0, |level| *level.get_ref());
            let limits = confidence(definition, observation, level)?;
            let interval = significance::Interval { lower: limits.lower, upper: limits.upper };
            significance::compare(interval, benchmark?, definition.polarity()).map(rag::from_significance)
        }
    }
}

/// Confidence limits in the indicator's own scale: Wilson for unweighted
/// proportions (x100), Poisson (Byar / exact) for counts, scaled for rates.
fn confidence(definition: &Definition, observation: &Observation, level: f64) -> Option<Confidence> {
    let z = if level == 99.8 { Z998 } else { Z95 };
    let measure = &definition.indicator.measure;
    let numerator = observation.numerator?;
    let interval = match measure.kind.get_ref() {
        MeasureKind::Proportion if measure.weight.is_none() => {
            let interval = significance::wilson(numerator, observation.denominator?, z)?;
            significance::Interval { lower: interval.lower * 100.0, upper: interval.upper * 100.0 }
        }
        MeasureKind::Count | MeasureKind::DistinctCount => significance::poisson(numerator, z)?,
        MeasureKind::RatePer10000 => {
            let per = 10_000.0 / observation.denominator?;
            let interval = significance::poisson(numerator, z)?;
            significance::Interval { lower: interval.lower * per, upper: interval.upper * per }
        }
        _ => return None,
    };
    Some(Confidence { level, lower: interval.lower, upper: interval.upper })
}
