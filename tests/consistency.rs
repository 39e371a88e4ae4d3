//! Nothing the board reads contradicts itself or its numbers. Thousands of
//! random months (series, numerators, denominators, small numbers that get
//! suppressed) are judged by the engine for a fixed set of definitions
//! (each RAG method and polarity, a rolling figure, a count), and every
//! verdict is checked against the numbers beside it and against the others:
//! - "Improved" holds no figure worse than last month or last year as shown,
//!   unless its rating went up; every rating that went up is there; every
//!   red, amber or rating that went down is under "Needs attention";
//! - a direction word agrees with the shown change: "no change" within one
//!   unit of the rounding, "improving" or "worsening" the right way beyond it;
//! - an assurance verdict agrees with the rating where both speak of the
//!   same target, and there is none across a process change;
//! - SPC never uses a month at or before a suppressed one;
//! - a significance sentence's bounds, as shown, say what the rating says.

use crate::helpers::{Fixture, PROJECT};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use scorecard::evaluate::{Basis, IndicatorSeries, Loaded, Observation};
use scorecard::judge::{self, Assurance, Comparison, Direction, IndicatorReport, PublishedBenchmarks, Rag};
use scorecard::language::Polarity;
use scorecard::project::Month;

/// (id, measure, polarity, window, rag and benchmark tables)
const DEFINITIONS: [(&str, &str, &str, &str, &str); 7] = [
    (
        "target-higher",
        "proportion",
        "higher_is_better",
        "as_at",
        "[rag]\nmethod = \"target\"\ntarget = 80\ntolerance = 10\n",
    ),
    (
        "target-lower",
        "proportion",
        "lower_is_better",
        "as_at",
        "[rag]\nmethod = \"target\"\ntarget = 14\ntolerance_percent = 25\n",
    ),
    (
        "thresholds",
        "proportion",
        "lower_is_better",
        "as_at",
        "[rag]\nmethod = \"thresholds\"\ngreen = 11\namber = 14\n",
    ),
    (
        "significance",
        "proportion",
        "lower_is_better",
        "as_at",
        "[rag]\nmethod = \"significance\"\n[benchmark]\nvalue = 22.6\nlabel = \"England\"\n",
    ),
    (
        "rolling-target",
        "proportion",
        "higher_is_better",
        "rolling",
        "[rag]\nmethod = \"target\"\ntarget = 75\ntolerance = 5\n",
    ),
    ("count", "count", "no_judgement", "as_at", ""),
    (
        "close",
        "count",
        "close_to_target",
        "as_at",
        "[rag]\nmethod = \"target\"\ntarget = 20\ntolerance = 2\namber_tolerance = 5\n",
    ),
];

fn definition((id, measure, polarity, window, rag): (&str, &str, &str, &str, &str)) -> String {
    let window = if window == "rolling" { "{ kind = \"rolling\", months = 12 }" } else { "{ kind = \"as_at\" }" };
    let measure = match measure {
        "proportion" => "[measure]\nkind = \"proportion\"\nnumerator = \"AgencyWorker = 1\"\n",
        _ => "[measure]\nkind = \"count\"\n",
    };
    format!(
        "id = \"{id}\"\ntitle = \"{id}\"\ndescription = \"d\"\nunit = \"{}\"\npolarity = \"{polarity}\"\n\
         dataset = \"workforce\"\nwindow = {window}\n{measure}{rag}",
        if measure.contains("proportion") { "percent" } else { "count" }
    )
}

/// One month's counts for one indicator: `x` of `n` (a count is `x`).
type Counts = (u32, u32);

fn observation(month: Month, (x, n): Counts, proportion: bool) -> Observation {
    let observed = |value| Observation {
        period: month,
        value: Some(value),
        numerator: Some(x as f64),
        denominator: Some(n as f64).filter(|_| proportion),
        missing: None,
    };
    match (proportion, n) {
        (true, 0) => Observation::not_calculable(month, "no denominator"),
        (true, n) => observed(100.0 * x as f64 / n as f64),
        (false, _) => observed(x as f64),
    }
}

/// The series the engine would give: a rolling figure sums the last 12 months.
fn series(months: &[Month], counts: &[Counts], proportion: bool, rolling: bool) -> IndicatorSeries {
    let monthly: Vec<Observation> = months.iter().zip(counts).map(|(m, c)| observation(*m, *c, proportion)).collect();
    let reported = match rolling {
        false => monthly.clone(),
        true => (0..months.len())
            .map(|at| {
                let span = &counts[at.saturating_sub(11)..=at];
                let sum = span.iter().fold((0, 0), |(x, n), (a, b)| (x + a, n + b));
                observation(months[at], sum, proportion)
            })
            .collect(),
    };
    IndicatorSeries {
        series: reported,
        groups: Vec::new(),
        window: String::new(),
        monthly: rolling.then_some(monthly),
        basis: Basis::AsReported,
    }
}

/// Counts that wander around a level, so that ratings, signals, small
/// numbers and process changes all occur.
fn counts_strategy(months: usize) -> impl Strategy<Value = Vec<Counts>> {
    let level = 0.02..0.98f64;
    let steps = proptest::collection::vec((-0.08..0.08f64, 0u32..160), months);
    (level, steps, any::<bool>()).prop_map(move |(level, steps, jump)| {
        let mut p: f64 = level;
        steps
            .iter()
            .enumerate()
            .map(|(at, (step, n))| {
                p = (p + step).clamp(0.0, 1.0);
                // Sometimes a lasting change half way: shifts and trends.
                let p = if jump && at > months / 2 { (p + 0.3).min(1.0) } else { p };
                ((p * *n as f64).round() as u32, *n)
            })
            .collect()
    })
}

fn worse_as_shown(comparison: &Comparison, polarity: Polarity) -> bool {
    match (polarity, comparison.change) {
        (Polarity::HigherIsBetter, Some(change)) => change < 0.0,
        (Polarity::LowerIsBetter, Some(change)) => change > 0.0,
        _ => comparison.direction == Some(Direction::Worsening),
    }
}

fn severity(rag: Option<Rag>) -> Option<u8> {
    rag.map(|rag| match rag {
        Rag::Red => 0,
        Rag::Amber => 1,
        Rag::Green => 2,
    })
}

fn check(indicator: &IndicatorReport, story: &judge::Story, suppressed_before: Option<usize>) -> Result<(), String> {
    let id = &indicator.id;
    let listed = |list: &[judge::Exception]| list.iter().any(|exception| exception.id == *id);
    let (attention, improved) = (listed(&story.attention), listed(&story.improved));
    let up = matches!((severity(indicator.rag), severity(indicator.previous_rag)), (Some(a), Some(b)) if a > b);
    let down = matches!((severity(indicator.rag), severity(indicator.previous_rag)), (Some(a), Some(b)) if a < b);
    if improved && !up {
        for comparison in [&indicator.vs_previous_month, &indicator.vs_last_year] {
            if worse_as_shown(comparison, indicator.polarity) {
                return Err(format!("{id} is Improved but worse than {} as shown: {comparison:?}", comparison.period));
            }
        }
    }
    if up && !improved {
        return Err(format!("{id}'s rating went up and it is not under Improved"));
    }
    if (down || matches!(indicator.rag, Some(Rag::Red | Rag::Amber))) && !attention {
        return Err(format!(
            "{id} is {:?} (was {:?}) and not under Needs attention",
            indicator.rag, indicator.previous_rag
        ));
    }
    let unit = 10f64.powi(-(indicator.decimals as i32));
    for comparison in [&indicator.vs_previous_month, &indicator.vs_last_year] {
        let (Some(direction), Some(change)) = (comparison.direction, comparison.change) else { continue };
        let beyond = change.abs() > unit * (1.0 + 1e-9);
        let agrees = match (direction, indicator.polarity) {
            (Direction::NoChange, Polarity::CloseToTarget) => true, // distance, not the change shown
            (Direction::NoChange, _) => !beyond,
            (Direction::NotSignificant, _) => beyond,
            (Direction::Improving, Polarity::HigherIsBetter) | (Direction::Worsening, Polarity::LowerIsBetter) => {
                beyond && change > 0.0
            }
            (Direction::Improving, Polarity::LowerIsBetter) | (Direction::Worsening, Polarity::HigherIsBetter) => {
                beyond && change < 0.0
            }
            (Direction::Up, _) => beyond && change > 0.0,
            (Direction::Down, _) => beyond && change < 0.0,
            (Direction::Improving | Direction::Worsening, _) => true, // close to target: by distance
        };
        if !agrees {
            return Err(format!("{id}: \"{}\" beside a shown change of {change}", direction.describe()));
        }
    }
    if let Some(spc) = &indicator.spc {
        let target_method = matches!(indicator.rating_basis, Some(judge::RatingBasis::Target { .. }));
        match (spc.assurance, indicator.rag) {
            (Some(Assurance::ConsistentlyMet), Some(rag)) if target_method && rag != Rag::Green => {
                return Err(format!("{id}: target consistently met beside {rag:?}"))
            }
            (Some(Assurance::ConsistentlyMissed), Some(Rag::Green)) if target_method => {
                return Err(format!("{id}: target consistently missed beside green"))
            }
            _ => {}
        }
        if spc.changed.is_some() && spc.assurance.is_some() {
            return Err(format!("{id}: assurance from limits that span a process change"));
        }
        if let Some(last) = suppressed_before {
            if spc.points.iter().take(last + 1).any(Option::is_some) {
                return Err(format!("{id}: SPC used a month at or before the suppressed month {last}"));
            }
        }
        let numbers = [spc.mean, spc.lower_limit, spc.upper_limit];
        if numbers.iter().any(|number| !number.is_finite()) {
            return Err(format!("{id}: SPC figures not finite: {numbers:?}"));
        }
    }
    the_13_month_table_agrees(indicator)?;
    let trend = &indicator.recent_trend;
    if trend.significant != trend.rising.is_some() || (trend.not_tested.is_some() && trend.significant) {
        return Err(format!("{id}: a recent trend that contradicts itself: {trend:?}"));
    }
    if let Some(sentence) = scorecard::render::rating_sentence(indicator).filter(|_| id == "significance") {
        significance_sentence_agrees(&sentence, indicator.rag)?;
    }
    Ok(())
}

/// The 13-month table is the series and the ratings the rest of the pack
/// shows: its months end at the latest, its values are the series', its
/// last rating is the indicator's and the one before is last month's.
fn the_13_month_table_agrees(indicator: &IndicatorReport) -> Result<(), String> {
    let id = &indicator.id;
    let months: Vec<Month> = indicator.recent.iter().map(|month| month.period).collect();
    if months.len() != 13 || months.last() != Some(&indicator.latest.period) {
        return Err(format!("{id}: 13-month table over {months:?}, latest {}", indicator.latest.period));
    }
    for recent in &indicator.recent {
        let in_series = indicator.series.iter().find(|observation| observation.period == recent.period);
        let shown = recent.observation.as_ref().and_then(|observation| observation.value);
        if shown != in_series.and_then(|observation| observation.value) {
            return Err(format!("{id} {}: table {shown:?}, series {in_series:?}", recent.period));
        }
    }
    let (last, before) = (&indicator.recent[12], &indicator.recent[11]);
    if last.rag != indicator.rag || before.rag != indicator.previous_rag {
        return Err(format!(
            "{id}: table rates the last two months {:?}, {:?}; the pack {:?}, was {:?}",
            before.rag, last.rag, indicator.rag, indicator.previous_rag
        ));
    }
    Ok(())
}

/// "Red (worse): England's 6.50% is outside the 95% confidence interval of
/// 7.7%, 6.53% to 9.20%, on the better side.": the shown numbers say it.
fn significance_sentence_agrees(sentence: &str, rag: Option<Rag>) -> Result<(), String> {
    let numbers: Vec<f64> = sentence
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|part| part.trim_matches('.').parse().ok())
        .collect();
    // England's B, the level, the value V, the lower L and upper U.
    let [benchmark, _, _, lower, upper] = numbers[..] else { return Err(format!("unexpected sentence: {sentence}")) };
    let inside = lower <= benchmark && benchmark <= upper;
    let says_inside = sentence.contains("lies within");
    match inside == says_inside && (rag == Some(Rag::Amber)) == says_inside {
        true => Ok(()),
        false => Err(format!("the sentence contradicts its numbers: {sentence}")),
    }
}

/// `counts` in `DEFINITIONS` order; the engine's are in the loaded definitions' order.
fn judged(loaded: &Loaded, months: &[Month], counts: &[Vec<Counts>]) -> (judge::Scorecard, Vec<Option<usize>>) {
    let computed: Vec<IndicatorSeries> = loaded
        .definitions
        .iter()
        .map(|definition| {
            let at = DEFINITIONS.iter().position(|entry| entry.0 == definition.id()).expect("a fixed definition");
            let (_, measure, _, window, _) = DEFINITIONS[at];
            series(months, &counts[at], measure == "proportion", window == "rolling")
        })
        .collect();
    let published = judge::suppress_all(&loaded.definitions, &vec![computed], 6);
    // The last suppressed month SPC must not reach back to: in the series SPC runs on.
    let last_suppressed = published[0]
        .iter()
        .map(|series| series.monthly.as_ref().unwrap_or(&series.series).iter().rposition(Observation::is_suppressed))
        .collect();
    let benchmarks = PublishedBenchmarks::of(loaded);
    let mut scorecard = judge::scorecard(loaded, 0, &published[0], *months.last().unwrap(), &benchmarks);
    scorecard.story = judge::story(&scorecard.indicators);
    (scorecard, last_suppressed)
}

#[test]
fn no_pack_contradicts_itself_or_its_numbers() {
    let fixture = Fixture::new();
    fixture.write("scorecard.toml", PROJECT);
    for entry in DEFINITIONS {
        fixture.indicator("t", entry.0, &definition(entry));
    }
    let loaded = scorecard::evaluate::load(fixture.root()).expect("the definitions load");
    let start = Month::new(2023, 1).unwrap();
    let strategy = (13usize..=36).prop_flat_map(|months| proptest::collection::vec(counts_strategy(months), 7));
    let cases = std::env::var("CONSISTENCY_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(2_000);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<&str, usize>::new());
    let outcome = runner.run(&strategy, |counts| {
        let months: Vec<Month> = (0..counts[0].len()).map(|at| start.plus(at as i32)).collect();
        let (scorecard, last_suppressed) = judged(&loaded, &months, &counts);
        for (indicator, last) in scorecard.indicators.iter().zip(&last_suppressed) {
            check(indicator, &scorecard.story, *last).map_err(TestCaseError::fail)?;
            for (happened, what) in situations(indicator, &scorecard.story, *last) {
                *seen.borrow_mut().entry(what).or_default() += usize::from(happened);
            }
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    // The checks above ran on every situation they speak of.
    let seen = seen.into_inner();
    eprintln!("{seen:?}");
    for (what, count) in &seen {
        assert!(*count > 0, "no case had {what}: the generator misses it ({seen:?})");
    }
}

/// What a case exercised, so that the test can show it tried each.
fn situations(indicator: &IndicatorReport, story: &judge::Story, last: Option<usize>) -> Vec<(bool, &'static str)> {
    let spc = indicator.spc.as_ref();
    let directions = [indicator.vs_previous_month.direction, indicator.vs_last_year.direction];
    vec![
        (story.improved.iter().any(|exception| exception.id == indicator.id), "an indicator under Improved"),
        (indicator.previous_rag.is_some() && indicator.rag != indicator.previous_rag, "a rating change"),
        (directions.contains(&Some(Direction::NotSignificant)), "no significant change"),
        (directions.contains(&Some(Direction::Improving)), "an improving direction"),
        (spc.is_some_and(|spc| spc.changed.is_some()), "a process change"),
        (spc.is_some_and(|spc| spc.assurance.is_some()), "an assurance verdict"),
        (spc.is_some_and(|spc| spc.no_assurance.is_some()), "assurance withheld"),
        (spc.is_some() && last.is_some(), "SPC after a suppressed month"),
        (indicator.spc_not_applicable.is_some(), "SPC not applicable"),
        (indicator.latest.is_suppressed(), "a suppressed latest month"),
        (indicator.recent_trend.significant, "a significant recent trend"),
    ]
}
