//! One indicator judged for a month: its value, rating, direction of
//! travel, confidence, SPC, benchmark and breakdown, over its series.

use super::benchmarks::{ResolvedBenchmark, Standing};
use super::change::{differ, Counts};
use super::forecast::{self, Forecast, ForecastInput};
use super::funnel::FunnelKind;
use super::rag::{self, Rag};
use super::ranking::IndicatorRanking;
use super::recent_trend::{recent_slope, recent_trend, RecentTrend, PERIODS};
use super::revision::Revision;
use super::rounding::round_to;
use super::significance::{self, Z95, Z998};
use super::spc;
use super::trend::{self, Direction, TravelOver};
use super::wording::{in_words, plain_english};
use crate::evaluate::{IndicatorSeries, Observation};
use crate::input::benchmarks;
use crate::language::window::PeriodWindow;
use crate::language::{
    Benchmark, Definition, Event, Frequency, MeasureRule, Polarity, RatingMethod, RatingRule, Summary, Unit,
};
use crate::project::Month;
use serde::Serialize;
use std::sync::Arc;

/// An action of the improvement plan that an indicator measures.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRef {
    /// As the plan numbers it.
    pub number: String,
    /// What is to be done.
    pub title: String,
}

/// One indicator judged for a member's month: its figures, rating, trend, SPC and words, as every view shows them.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorReport {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it measures, in a sentence.
    pub description: String,
    /// The plan or strategy reference it reports against, when given.
    pub plan_ref: Option<String>,
    /// Whether a chart with SPC limits also has pale RAG bands (`[charts]`).
    #[serde(skip)]
    pub rag_bands_on_spc: bool,
    /// The accountable lead, from the project's `[owners]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Its theme (the folder it is in).
    pub theme: String,
    /// The unit of its values.
    pub unit: Unit,
    /// Decimal places shown.
    pub decimals: u32,
    /// Whether higher or lower is better.
    pub polarity: Polarity,
    /// The dataset it reads.
    pub dataset: String,
    /// How often it is reported; `vs_previous_month` is then since the previous period.
    pub frequency: Frequency,
    /// The window of the latest period, in words.
    pub window: String,
    /// How the figures were arrived at: "as reported each month", or
    /// "recalculated as at each month end from the March 2026 extract".
    pub basis: String,
    /// The latest period's figure, or why there is none.
    pub latest: Observation,
    /// The latest figure's rating; None when unrated or not calculable.
    pub rag: Option<Rag>,
    /// Last month's rating, by the same rule (and last month's benchmark).
    pub previous_rag: Option<Rag>,
    /// The latest period's target, when rated against one.
    pub target: Option<f64>,
    /// The benchmark the latest figure is compared with (fixed, or the chosen published one).
    pub benchmark: Option<crate::language::Benchmark>,
    /// England, region and statistical neighbours from published files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_benchmarks: Option<benchmarks::Values>,
    /// Its England rank and quartile on the latest published year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub england_standing: Option<Standing>,
    /// Confidence limits of the latest value, at 95% and 99.8%, where the
    /// measure has them (unweighted proportions, counts, rates).
    pub confidence: Vec<Confidence>,
    /// Statistical process control over the series (or, for a rolling or
    /// year-to-date indicator, over its monthly series: `spc.basis`).
    pub spc: Option<spc::Spc>,
    /// Why there is no SPC: the definition says it does not apply, or too
    /// few months have values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spc_not_applicable: Option<String>,
    /// How a consortium's funnel plot sets its limits, for a proportion of
    /// children or a rate per 10,000; none for other measures.
    #[serde(skip)]
    pub funnel_kind: Option<FunnelKind>,
    /// Where the RAG bands change this month, for charts.
    pub rag_limits: Option<rag::Limits>,
    /// The target each month of the series was rated against, when targets
    /// change over time (by financial year, or a trajectory).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<MonthTarget>,
    /// What this month's rating compared the value with, for explaining it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating_basis: Option<RatingBasis>,
    /// The rule for the board, label by label, with no SQL.
    pub in_words: Vec<(String, String)>,
    /// The definition spelt out, label by label, generated from the TOML,
    /// expressions as written (the definitions appendix).
    pub definition: Vec<(String, String)>,
    /// Commentary from the service lead, if given for this month.
    pub commentary: Option<String>,
    /// Dated events within the months shown (none after this month).
    pub events: Vec<Event>,
    /// The improvement plan's actions it measures (`plan.toml`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionRef>,
    /// Its place among a consortium's members this month, best first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<Position>,
    /// Every member's value of it this month, in a consortium: drawn as a
    /// funnel on the member's page (published in the comparison bundle, not
    /// in this member's JSON).
    #[serde(skip)]
    pub consortium: Option<Arc<IndicatorRanking>>,
    /// Months whose value moved since an earlier pack published them.
    pub revisions: Vec<Revision>,
    /// Change since the previous period.
    pub vs_previous_month: Comparison,
    /// Change since the same period a year before.
    pub vs_last_year: Comparison,
    /// Over several months, when the definition asks (`direction`).
    #[serde(rename = "direction_over_months", skip_serializing_if = "Option::is_none")]
    pub vs_months: Option<TravelOver>,
    /// Where it is heading on current trend (`judge::forecast`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Forecast>,
    /// Why there is no forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_declined: Option<String>,
    /// Fingertips' recent trend over the last 5 periods (`recent_trend`).
    pub recent_trend: RecentTrend,
    /// Every reported period's figure, oldest first.
    pub series: Vec<Observation>,
    /// The 13 months to the scorecard's month, oldest first: what the
    /// indicator reported in each (nothing in a month it does not report, a
    /// quarterly one's others) and that value's rating by the month's rule
    /// and benchmark. The board's 13-month table.
    pub recent: Vec<RecentMonth>,
    /// Each group's figures, when the definition breaks them down (by team, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Breakdown>,
}

/// Confidence limits of a value at one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Confidence {
    /// The level, in percent (95 or 99.8).
    pub level: f64,
    /// The lower limit.
    pub lower: f64,
    /// The upper limit.
    pub upper: f64,
}

/// A figure set beside an earlier period's.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The earlier period.
    pub period: Month,
    /// Better, worse or no change, when both have values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The change, in the indicator's units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    /// Why the two cannot be compared, when they cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_comparable: Option<String>,
}

/// One month of the 13-month table.
#[derive(Debug, Clone, Serialize)]
pub struct RecentMonth {
    /// The month.
    pub period: Month,
    /// None in a month the indicator does not report in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observation: Option<Observation>,
    /// That value's rating, by the month's rule and benchmark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rag: Option<Rag>,
}

/// An indicator's figures by group.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    /// The column grouped by.
    pub column: String,
    /// Each group, in name order.
    pub groups: Vec<GroupSeries>,
}

/// One group's figures.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSeries {
    /// The group's name (the column's value).
    pub group: String,
    /// Its latest figure.
    pub latest: Observation,
    /// That figure's rating.
    pub rag: Option<Rag>,
    /// Every period's figure.
    pub series: Vec<Observation>,
}

/// `benchmark_at`: the benchmark an earlier period's rating uses.
pub(super) fn judge(
    definition: &Definition,
    computed: &IndicatorSeries,
    month: Month,
    resolved: ResolvedBenchmark,
    benchmark_at: &dyn Fn(Month) -> Option<f64>,
    events: &[Event],
    financial_year_start: u32,
) -> IndicatorReport {
    let benchmark_value = resolved.benchmark.as_ref().map(|benchmark| benchmark.value);
    let rating_basis = |latest: &Observation| rating_basis(definition, latest, resolved.benchmark.as_ref());
    // A quarterly or annual indicator reports its latest complete period, and its series is its periods.
    let frequency = definition.frequency();
    let scorecard_month = month;
    let month = frequency.latest_at(month, financial_year_start);
    let previous_period = month.plus(-frequency.step());
    let reported = |o: &&Observation| o.period <= month && frequency.reports_in(o.period, financial_year_start);
    let upto = |series: &[Observation]| series.iter().filter(reported).cloned().collect::<Vec<_>>();
    let series = upto(&computed.series);
    let latest = find(&series, month);
    // The window of the period reported, not of the latest month evaluated.
    let window = PeriodWindow::new(month, definition.window(), financial_year_start).describe();
    let rag = |observation: &Observation| rate(definition, observation, benchmark_value);
    let target = definition.target_for(month);
    let up_to_month = |series: &[Observation]| series.iter().filter(|o| o.period <= month).cloned().collect::<Vec<_>>();
    let monthly = computed.monthly.as_deref().filter(|_| frequency == Frequency::Monthly).map(up_to_month);
    let events: Vec<Event> = events.iter().filter(|event| event.concerns(definition.id())).cloned().collect();
    let (mut spc, spc_not_applicable) = process_control(definition, &series, monthly.as_deref(), target, &events);
    if let Some(spc) = spc.as_mut() {
        agree_with_rating(spc, definition, rag(&latest));
    }
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
    let rating_basis = rating_basis(&latest);
    let latest_rag = rag(&latest);
    let rate_then = |observation: &Observation| match observation.period == month {
        true => latest_rag,
        false => rate(definition, observation, benchmark_at(observation.period)),
    };
    let reports_in = |period: Month| frequency.reports_in(period, financial_year_start);

    let last_13_months = recent_months(&series, scorecard_month, reports_in, rate_then);
    IndicatorReport {
        id: definition.id().to_string(),
        title: definition.title().to_string(),
        description: definition.description().to_string(),
        plan_ref: definition.plan_ref().map(str::to_string),
        owner: None,
        rag_bands_on_spc: false,
        theme: definition.theme.clone(),
        unit: definition.unit(),
        decimals: definition.decimals(),
        polarity: definition.polarity(),
        dataset: definition.dataset().to_string(),
        window: window.clone(),
        basis: computed.basis.describe(),
        rag: latest_rag,
        previous_rag: rate(definition, &find(&series, previous_period), benchmark_at(previous_period)),
        frequency,
        target,
        confidence,
        spc,
        spc_not_applicable,
        funnel_kind: funnel_kind(definition),
        benchmark: resolved.benchmark,
        published_benchmarks: resolved.published,
        england_standing: resolved.standing,
        rag_limits: definition.rating_for(month).and_then(|rule| rag::limits(&rule, definition.polarity())),
        targets: monthly_targets(definition, &series),
        rating_basis,
        definition: plain_english(definition, &window),
        in_words: in_words(definition, &window, computed.basis),
        commentary: None,
        events: events
            .into_iter()
            .filter(|event| event.month <= month && series.first().is_some_and(|first| first.period <= event.month))
            .collect(),
        revisions: Vec::new(),
        actions: Vec::new(),
        rank: None,
        consortium: None,
        vs_previous_month: compare(definition, &latest, &find(&series, previous_period)),
        vs_last_year: compare(definition, &latest, &find(&series, month.plus(-12))),
        vs_months: over_months(definition, &series, month),
        recent_trend: recent(definition, monthly.as_deref().unwrap_or(&series), month),
        forecast: None,
        forecast_declined: None,
        latest,
        series,
        recent: last_13_months,
        breakdown: definition.breakdown().map(|column| Breakdown { column: column.to_string(), groups }),
    }
}

impl IndicatorReport {
    /// Where the indicator is heading, or why that is not said
    /// (`[forecast] show` in scorecard.toml).
    pub fn add_forecast(&mut self, definition: &Definition, financial_year_start: u32, on_unit_scale: bool) {
        let target_at = |period: Month| definition.target_for(period);
        let made = forecast::forecast(&ForecastInput {
            on_unit_scale,
            series: &self.series,
            month: self.latest.period,
            unit: self.unit,
            frequency: self.frequency,
            polarity: self.polarity,
            events: &self.events,
            financial_year_start,
            target_at: &target_at,
        });
        (self.forecast, self.forecast_declined) = match made {
            Ok(forecast) => (Some(forecast), None),
            Err(reason) => (None, Some(reason)),
        };
    }

    /// Why SPC could not run when the definition expected it to (too few
    /// months with values): a warning for the analyst, not a choice.
    pub fn spc_shortfall(&self, definition: &Definition) -> Option<&str> {
        self.spc_not_applicable.as_deref().filter(|_| definition.spc().not_applicable.is_none())
    }
}

/// The 13 months to `month`, each with the observation reported in it and its rating.
fn recent_months(
    series: &[Observation],
    month: Month,
    reports_in: impl Fn(Month) -> bool,
    rate: impl Fn(&Observation) -> Option<Rag>,
) -> Vec<RecentMonth> {
    month
        .plus(-12)
        .through(month)
        .map(|period| {
            // Months before the series begins are blank, not "no data".
            let begun = series.first().is_some_and(|first| first.period <= period);
            let observation = (reports_in(period) && begun).then(|| find(series, period));
            let rag = observation.as_ref().and_then(&rate);
            RecentMonth { period, observation, rag }
        })
        .collect()
}

/// The direction over the months the definition's `direction` names, ending with `month`.
fn over_months(definition: &Definition, series: &[Observation], month: Month) -> Option<TravelOver> {
    let settings = definition.direction()?;
    let start = month.plus(1 - settings.over_months as i32);
    let points: Vec<(Month, Option<f64>)> = start.through(month).map(|m| (m, find(series, m).value)).collect();
    let decimals = definition.decimals();
    // Close to a target: the distance from it, as shown, is what gets better or worse.
    match (definition.polarity(), definition.target_for(month)) {
        (Polarity::CloseToTarget, Some(target)) => {
            let distance = |value: f64| (round_to(value, decimals) - target).abs();
            let distances: Vec<_> = points.iter().map(|(m, value)| (*m, value.map(distance))).collect();
            trend::over_months(&distances, settings.method, Polarity::LowerIsBetter, decimals)
        }
        (polarity, _) => trend::over_months(&points, settings.method, polarity, decimals),
    }
}

/// A month's target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthTarget {
    /// The month.
    pub period: Month,
    /// Its target; None for a financial year with none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Where that month's bands changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<rag::Limits>,
}

fn monthly_targets(definition: &Definition, series: &[Observation]) -> Vec<MonthTarget> {
    match &definition.targets {
        Some(targets) if targets.varies() => {
            let limits = |month| rag::limits(&definition.rating_for(month)?, definition.polarity());
            let target = |month| MonthTarget { period: month, target: targets.at(month), limits: limits(month) };
            series.iter().map(|o| target(o.period)).collect()
        }
        _ => Vec::new(),
    }
}

/// Making Data Count's minimum for meaningful limits.
pub(crate) const SPC_MINIMUM_POINTS: usize = 12;

/// SPC on the charted values, or on the monthly series when the charted
/// values overlap (rolling, year to date); or why there is none.
fn process_control(
    definition: &Definition,
    charted: &[Observation],
    monthly: Option<&[Observation]>,
    target: Option<f64>,
    events: &[Event],
) -> (Option<spc::Spc>, Option<String>) {
    let settings = definition.spc();
    if let Some(reason) = &settings.not_applicable {
        return (None, Some(reason.clone()));
    }
    let (observations, basis) = match monthly {
        Some(monthly) => (monthly, spc::Basis::MonthlySeries),
        None => (charted, spc::Basis::ReportedValues),
    };
    // Months with small numbers are suppressed, and limits from the months
    // around them could reveal them (one hidden month is the rest's sum
    // less the mean times their number), so the limits come only from the
    // months after the last suppressed one.
    let last_suppressed = observations.iter().rposition(Observation::is_suppressed);
    let points: Vec<(Month, Option<f64>)> = observations
        .iter()
        .enumerate()
        .map(|(index, o)| (o.period, o.value.filter(|_| last_suppressed.is_none_or(|last| index > last))))
        .collect();
    let known = points.iter().filter(|(_, value)| value.is_some()).count();
    if known < SPC_MINIMUM_POINTS {
        let reason = match last_suppressed {
            Some(last) => format!(
                "months with small numbers are suppressed, the latest {}, and SPC needs at least {SPC_MINIMUM_POINTS} months with values after it ({known} so far)",
                observations[last].period
            ),
            None => format!("{known} months with values; SPC needs at least {SPC_MINIMUM_POINTS}"),
        };
        return (None, Some(reason));
    }
    // The definition's own rebases and those of process changes declared as events.
    let mut rebase = settings.rebase.clone();
    rebase.extend(events.iter().filter(|event| event.rebase).map(|event| event.month));
    rebase.sort();
    rebase.dedup();
    let spc_settings = spc::Settings { baseline: settings.baseline_months, rebase: &rebase };
    // A target is compared with limits on its own basis only: a target for
    // a 12-month or year-to-date figure is not one for each month's own.
    let assured_target = target.filter(|_| basis == spc::Basis::ReportedValues);
    let Some(mut analysed) = spc::analyse(&points, spc_settings, definition.polarity(), assured_target) else {
        return (None, None);
    };
    if target.is_some() && basis == spc::Basis::MonthlySeries {
        analysed.no_assurance =
            Some("no assurance: the target is for the figure reported, the limits for each month's own".to_string());
    }
    let unit = definition.unit();
    (Some(within_range(spc::Spc { basis, ..analysed }, unit)), None)
}

/// Assurance speaks of the process, the rating of the latest month; where
/// both speak of the same target, "consistently met" beside a month that
/// did not meet it (or "missed" beside one that did) contradicts the page.
/// That month is then a special cause outside the limits, which do not
/// describe it: no assurance, and the reason.
fn agree_with_rating(spc: &mut spc::Spc, definition: &Definition, rag: Option<Rag>) {
    if definition.rating != Some(RatingMethod::Target) {
        return;
    }
    let contradicts = match (spc.assurance, rag) {
        (Some(spc::Assurance::ConsistentlyMet), Some(rag)) => rag != Rag::Green,
        (Some(spc::Assurance::ConsistentlyMissed), Some(rag)) => rag == Rag::Green,
        _ => false,
    };
    if contradicts {
        spc.assurance = None;
        spc.no_assurance = Some(
            "no assurance: the latest month is a special cause on the other side of the target from the process limits"
                .to_string(),
        );
    }
}

/// Limits past what the unit can hold (below 0; above 100%) shown at the
/// bound: no value can cross them, so no signal changes.
fn within_range(mut spc: spc::Spc, unit: Unit) -> spc::Spc {
    let top = if unit == Unit::Percent { 100.0 } else { f64::INFINITY };
    let clamp = |limit: f64| limit.clamp(0.0, top);
    for segment in &mut spc.segments {
        (segment.lower_limit, segment.upper_limit) = (clamp(segment.lower_limit), clamp(segment.upper_limit));
    }
    (spc.lower_limit, spc.upper_limit) = (clamp(spc.lower_limit), clamp(spc.upper_limit));
    spc
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
            let target = definition.target_for(latest.period);
            let significant =
                counts(definition, latest).zip(counts(definition, earlier)).and_then(|(a, b)| differ(a, b));
            comparison.direction = Some(match (definition.polarity(), target) {
                (Polarity::CloseToTarget, Some(target)) => trend::towards(now, then, target, decimals),
                (polarity, _) => trend::since(now, then, polarity, decimals, significant),
            });
            comparison.change = Some(round_to(round_to(now, decimals) - round_to(then, decimals), decimals));
        }
        (None, _) => comparison.not_comparable = Some("no value this month".to_string()),
        (_, None) => comparison.not_comparable = Some(format!("no value for {}", earlier.period)),
    }
    comparison
}

/// Which counts of people a measure has, for the tests of change and trend.
enum Counted {
    /// x of n, unweighted.
    Proportion,
    /// A count of rows or of distinct people.
    Count,
    /// Events per population.
    Rate,
}

fn counted(measure: &MeasureRule) -> Option<Counted> {
    match measure {
        MeasureRule::Proportion { weight: None, .. } => Some(Counted::Proportion),
        MeasureRule::Count { .. } | MeasureRule::Summary { kind: Summary::DistinctCount, .. } => Some(Counted::Count),
        MeasureRule::RatePer10000 { .. } => Some(Counted::Rate),
        _ => None,
    }
}

/// The counts behind one figure, or None for a measure without them or a
/// figure without them (suppressed, not calculable).
fn counts(definition: &Definition, observation: &Observation) -> Option<Counts> {
    Some(match counted(&definition.measure)? {
        Counted::Proportion => Counts::Proportion { x: observation.numerator?, n: observation.denominator? },
        Counted::Count => Counts::Rate { events: observation.value?, exposure: 1.0 },
        Counted::Rate => Counts::Rate { events: observation.numerator?, exposure: observation.denominator? },
    })
}

/// The recent trend over the last 5 periods to `month` of `series` (the
/// reported series, or a rolling figure's own months): the counts' test,
/// or the slope of the values for a measure without counts.
fn recent(definition: &Definition, series: &[Observation], month: Month) -> RecentTrend {
    let upto: Vec<&Observation> = series.iter().filter(|o| o.period <= month).collect();
    let last = &upto[upto.len().saturating_sub(PERIODS)..];
    let from = last.first().map_or(month, |o| o.period);
    match counted(&definition.measure) {
        Some(_) => recent_trend(from, &last.iter().map(|o| counts(definition, o)).collect::<Vec<_>>()),
        None => recent_slope(from, &last.iter().map(|o| o.value).collect::<Vec<_>>()),
    }
}

/// A place in a ranking: `position` of `of` (equal values share a place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1 for the best.
    pub position: usize,
    /// Out of how many members with a value.
    pub of: usize,
}

/// What a rating compares the value with, so that every rating can be
/// explained in one sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum RatingBasis {
    /// Green at or better than `target`; amber to `amber_until`; red beyond.
    Target {
        /// The month's target.
        target: f64,
        /// Where amber ends: the tolerance beyond the target, on the worse side.
        amber_until: f64,
    },
    /// Green at or better than `green`, amber at or better than `amber`.
    Thresholds {
        /// Where green ends.
        green: f64,
        /// Where amber ends.
        amber: f64,
    },
    /// Green within `green_within` of `target` either side, amber within `amber_within`.
    CloseToTarget {
        /// The month's target.
        target: f64,
        /// Green within this of it.
        green_within: f64,
        /// Amber within this of it.
        amber_within: f64,
    },
    /// Similar (amber) within `tolerance` of the benchmark, either way.
    Benchmark {
        /// The benchmark compared with.
        benchmark: Benchmark,
        /// Amber within this of it.
        tolerance: f64,
    },
    /// Similar (amber) when the benchmark is inside the confidence interval.
    Significance {
        /// The benchmark compared with.
        benchmark: Benchmark,
        /// The value's confidence interval.
        interval: Confidence,
    },
}

fn rating_basis(definition: &Definition, latest: &Observation, benchmark: Option<&Benchmark>) -> Option<RatingBasis> {
    let rule = definition.rating_for(latest.period)?;
    let limits = || rag::limits(&rule, definition.polarity());
    Some(match rule {
        RatingRule::Target { target, .. } => RatingBasis::Target { target, amber_until: limits()?.amber },
        RatingRule::Thresholds { green, amber } => RatingBasis::Thresholds { green, amber },
        RatingRule::CloseToTarget { target, green_within, amber_within } => {
            RatingBasis::CloseToTarget { target, green_within, amber_within }
        }
        RatingRule::Benchmark { tolerance } => RatingBasis::Benchmark { benchmark: benchmark?.clone(), tolerance },
        RatingRule::Significance { level } => RatingBasis::Significance {
            benchmark: benchmark?.clone(),
            interval: confidence(definition, latest, level.percent())?,
        },
    })
}

/// The latest value's RAG rating by the definition's method.
fn rate(definition: &Definition, observation: &Observation, benchmark: Option<f64>) -> Option<Rag> {
    let rule = definition.rating_for(observation.period)?;
    let value = round_to(observation.value?, definition.decimals());
    match rule {
        RatingRule::Target { .. } | RatingRule::Thresholds { .. } | RatingRule::CloseToTarget { .. } => {
            rag::rate(&rule, definition.polarity(), value)
        }
        RatingRule::Benchmark { tolerance } => {
            rag::against_benchmark(value, benchmark?, tolerance, definition.polarity())
        }
        RatingRule::Significance { level } => {
            let limits = confidence(definition, observation, level.percent())?;
            let interval = significance::Interval { lower: limits.lower, upper: limits.upper };
            significance::compare(interval, benchmark?, definition.polarity()).map(rag::from_significance)
        }
    }
}

fn funnel_kind(definition: &Definition) -> Option<FunnelKind> {
    match &definition.measure {
        MeasureRule::Proportion { weight: None, .. } => Some(FunnelKind::Proportion),
        MeasureRule::RatePer10000 { .. } => Some(FunnelKind::RatePer10000),
        _ => None,
    }
}

/// Confidence limits in the indicator's own scale: Wilson for unweighted
/// proportions (x100), Poisson (Byar / exact) for counts, scaled for rates.
pub(super) fn confidence(definition: &Definition, observation: &Observation, level: f64) -> Option<Confidence> {
    let z = if level == 99.8 { Z998 } else { Z95 };
    let numerator = observation.numerator?;
    let interval = match &definition.measure {
        MeasureRule::Proportion { weight: None, .. } => {
            let interval = significance::wilson(numerator, observation.denominator?, z)?;
            significance::Interval { lower: interval.lower * 100.0, upper: interval.upper * 100.0 }
        }
        MeasureRule::Count { .. } | MeasureRule::Summary { kind: Summary::DistinctCount, .. } => {
            significance::poisson(numerator, z)?
        }
        MeasureRule::RatePer10000 { .. } => {
            let per = 10_000.0 / observation.denominator?;
            let interval = significance::poisson(numerator, z)?;
            significance::Interval { lower: interval.lower * per, upper: interval.upper * per }
        }
        _ => return None,
    };
    Some(Confidence { level, lower: interval.lower, upper: interval.upper })
}
