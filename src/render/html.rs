//! The scorecard page, `index.html`, and the archive page listing every
//! month. Templates are minijinja with auto-escaping: every string from a
//! definition, a commentary file or an extract is HTML-escaped.

use super::format::{month_name, place, rag_view, show_count, show_value, Shown};
use super::rating::{rating_sentence, target_text};
use super::story::{revision_texts, story_view};
use super::tables;
use crate::judge::{Comparison, Direction, GroupSeries, IndicatorReport, RagCounts, Scorecard};
use crate::project::Month;
use minijinja::{context, Environment, Value};
use serde::Serialize;
use std::collections::BTreeMap;

pub(super) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.add_template("style.css", include_str!("../../templates/style.css")).expect("template parses");
    env.add_template("page.html", include_str!("../../templates/page.html")).expect("template parses");
    env.add_template("scorecard.html", include_str!("../../templates/scorecard.html")).expect("template parses");
    env.add_template("archive.html", include_str!("../../templates/archive.html")).expect("template parses");
    env.add_template("comparison.html", include_str!("../../templates/comparison.html")).expect("template parses");
    env.add_template("consortium.html", include_str!("../../templates/consortium.html")).expect("template parses");
    env.add_template("definitions.html", include_str!("../../templates/definitions.html")).expect("template parses");
    env
}

/// What the page needs beyond the scorecard.
pub struct PageContext<'a> {
    pub built: &'a str,
    pub sparklines: &'a BTreeMap<String, String>,
}

fn travel(comparison: &Comparison) -> (String, &'static str) {
    match (comparison.direction, &comparison.not_comparable) {
        (Some(direction), _) => (direction.describe().to_string(), travel_class(direction)),
        (None, reason) => (reason.clone().unwrap_or_default(), "none"),
    }
}

fn travel_class(direction: Direction) -> &'static str {
    match direction {
        Direction::Improving => "improving",
        Direction::Worsening => "worsening",
        Direction::NoChange => "no-change",
        Direction::Up => "up",
        Direction::Down => "down",
    }
}

fn benchmark_text(indicator: &IndicatorReport) -> String {
    match &indicator.benchmark {
        Some(benchmark) => {
            format!("{} ({})", show_value(Some(benchmark.value), indicator.decimals, indicator.unit), benchmark.label)
        }
        None if indicator.published_benchmarks.is_some() => "not available".to_string(),
        None => "none given".to_string(),
    }
}

/// Confidence interval and process control, in sentences.
fn statistics(indicator: &IndicatorReport) -> Vec<String> {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let mut lines: Vec<String> = indicator
        .confidence
        .iter()
        .map(|ci| format!("{}% confidence interval: {} to {}.", ci.level, show(ci.lower), show(ci.upper)))
        .collect();
    if let Some(published) = &indicator.published_benchmarks {
        let or_missing = |value: Option<f64>| value.map_or_else(|| "not available".to_string(), show);
        lines.push(format!(
            "Published benchmarks for {}{}: England {}, region {}, statistical neighbours {} ({} of 10 with data). Source: {}.",
            published.year,
            if published.latest_available { " (the latest published)" } else { "" },
            or_missing(published.england),
            or_missing(published.region),
            or_missing(published.neighbours),
            published.neighbours_with_data,
            published.vintage
        ));
    }
    if let Some(spc) = &indicator.spc {
        let (variation, assurance) = tables::spc_words(indicator);
        let assurance = if assurance.is_empty() { String::new() } else { format!("; {assurance}") };
        lines.push(format!(
            "Process control (limits from {} months): mean {}, process limits {} to {}; the latest month shows {variation}{assurance}.",
            spc.baseline_points,
            show(spc.mean),
            show(spc.lower_limit),
            show(spc.upper_limit)
        ));
    }
    lines
}

fn value_text(indicator: &IndicatorReport) -> String {
    match indicator.latest.shown() {
        Shown::Suppressed => "c (suppressed: small number)".to_string(),
        _ => super::format::value_text(&indicator.latest, indicator.decimals, indicator.unit),
    }
}

/// A breakdown group's value: the reason alone when not calculable, to fit the table.
fn group_value(group: &GroupSeries, indicator: &IndicatorReport) -> String {
    match group.latest.shown() {
        Shown::NotCalculable(reason) => reason.to_string(),
        _ => super::format::value_text(&group.latest, indicator.decimals, indicator.unit),
    }
}

fn summary_row(indicator: &IndicatorReport, sparkline: Option<&String>) -> Value {
    let (vs_month, vs_month_class) = travel(&indicator.vs_previous_month);
    let (vs_year, vs_year_class) = travel(&indicator.vs_last_year);
    let target = target_text(indicator);
    context! {
        id => &indicator.id,
        title => &indicator.title,
        plan_ref => indicator.plan_ref.clone().unwrap_or_default(),
        value => value_text(indicator),
        place => indicator.rank.map(place),
        target => target,
        vs_month, vs_month_class, vs_year, vs_year_class,
        benchmark => benchmark_text(indicator),
        variation => tables::spc_words(indicator).0,
        sparkline => Value::from_safe_string(sparkline.cloned().unwrap_or_default()),
        ..Value::from_serialize(rag_view(indicator.rag)),
    }
}

fn detail(indicator: &IndicatorReport) -> Value {
    let (vs_month, _) = travel(&indicator.vs_previous_month);
    let first = indicator.series.first().map(|o| month_name(o.period)).unwrap_or_default();
    let alt = format!(
        "Line chart of {} by month from {first} to {}; latest value {}{}.",
        indicator.title,
        month_name(indicator.latest.period),
        value_text(indicator),
        indicator
            .target
            .map(|target| format!(", target {}", show_value(Some(target), indicator.decimals, indicator.unit)))
            .unwrap_or_default()
    );
    let breakdown = indicator.breakdown.as_ref().map(|breakdown| {
        let groups: Vec<Value> = breakdown
            .groups
            .iter()
            .map(|group| {
                context! {
                    name => &group.group,
                    value => group_value(group, indicator),
                    numerator => show_count(group.latest.numerator),
                    denominator => show_count(group.latest.denominator),
                    ..Value::from_serialize(rag_view(group.rag)),
                }
            })
            .collect();
        context! { column => &breakdown.column, groups }
    });
    context! {
        id => &indicator.id,
        title => &indicator.title,
        plan_ref => &indicator.plan_ref,
        description => &indicator.description,
        value => value_text(indicator),
        place => indicator.rank.map(place),
        numerator => show_count(indicator.latest.numerator),
        denominator => show_count(indicator.latest.denominator),
        target => indicator.target.map(|target| show_value(Some(target), indicator.decimals, indicator.unit)),
        rating_sentence => rating_sentence(indicator),
        revisions => revision_texts(indicator),
        vs_month_sentence => format!("Since last month: {vs_month}."),
        alt,
        statistics => statistics(indicator),
        in_words => &indicator.in_words,
        commentary => &indicator.commentary,
        breakdown,
        ..Value::from_serialize(rag_view(indicator.rag)),
    }
}

pub fn scorecard_page(scorecard: &Scorecard, page: &PageContext) -> Result<String, String> {
    let mut themes: Vec<(String, Vec<Value>)> = Vec::new();
    for indicator in &scorecard.indicators {
        let row = summary_row(indicator, page.sparklines.get(&indicator.id));
        match themes.iter_mut().find(|(name, _)| *name == indicator.theme) {
            Some((_, rows)) => rows.push(row),
            None => themes.push((indicator.theme.clone(), vec![row])),
        }
    }
    let themes: Vec<Value> =
        themes.into_iter().map(|(name, rows)| context! { name => theme_title(&name), rows }).collect();
    let RagCounts { red, amber, green } = scorecard.counts();
    let unrated = scorecard.indicators.len() - red - amber - green;
    let template = environment();
    let template = template.get_template("scorecard.html").map_err(|error| error.to_string())?;
    template
        .render(context! {
            authority => &scorecard.authority,
            month_name => month_name(scorecard.month),
            data_currency => scorecard.month.last_day().format("%-d %B %Y").to_string(),
            built => page.built,
            engine_version => scorecard.engine_version,
            counts => context! { red, amber, green, unrated },
            story => story_view(scorecard),
            themes,
            details => scorecard.indicators.iter().map(detail).collect::<Vec<_>>(),
            data_quality => &scorecard.data_quality,
            incomplete => &scorecard.incomplete,
            warnings => scorecard.warnings.iter().map(|warning| context! {
                kind => warning.kind.describe(),
                dataset => warning.dataset.clone().unwrap_or_default(),
                message => &warning.message,
            }).collect::<Vec<_>>(),
        })
        .map_err(|error| error.to_string())
}

/// `definitions.html`: every indicator's definition with its expressions
/// as written, for the analyst; the board's pages show them in words.
pub fn definitions_page(scorecard: &Scorecard) -> Result<String, String> {
    let indicators: Vec<Value> = scorecard
        .indicators
        .iter()
        .map(|indicator| {
            context! {
                id => &indicator.id,
                title => &indicator.title,
                plan_ref => &indicator.plan_ref,
                description => &indicator.description,
                definition => &indicator.definition,
            }
        })
        .collect();
    let template = environment();
    let template = template.get_template("definitions.html").map_err(|error| error.to_string())?;
    template
        .render(context! { authority => &scorecard.authority, month_name => month_name(scorecard.month), indicators })
        .map_err(|error| error.to_string())
}

/// `children-in-need` -> `Children in need`.
fn theme_title(theme: &str) -> String {
    let words = theme.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// One line of the archive page.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ArchiveEntry {
    pub month: Month,
    #[serde(flatten)]
    pub counts: RagCounts,
}

pub fn archive_page(authority: &str, entries: &[ArchiveEntry]) -> Result<String, String> {
    let entries: Vec<Value> = entries
        .iter()
        .rev()
        .map(|entry| {
            let RagCounts { red, amber, green } = entry.counts;
            context! { month => entry.month.to_string(), name => month_name(entry.month), red, amber, green }
        })
        .collect();
    let template = environment();
    let template = template.get_template("archive.html").map_err(|error| error.to_string())?;
    template.render(context! { authority, entries }).map_err(|error| error.to_string())
}

/// A consortium's front page: every comparison, and every member with its
/// latest scorecard. `members` is (name, code, latest bundle built).
pub fn consortium_page(
    consortium: &str,
    comparisons: &[Month],
    members: &[(String, String, Option<ArchiveEntry>)],
) -> Result<String, String> {
    let comparisons: Vec<Value> = comparisons
        .iter()
        .rev()
        .map(|month| context! { month => month.to_string(), name => month_name(*month) })
        .collect();
    let members: Vec<Value> = members
        .iter()
        .map(|(name, code, latest)| {
            let month = latest.as_ref().map(|entry| entry.month);
            let counts = latest.as_ref().map(|entry| entry.counts);
            context! {
                name, code,
                latest => month.map(|m| m.to_string()),
                latest_name => month.map(month_name),
                red => counts.map(|c| c.red), amber => counts.map(|c| c.amber), green => counts.map(|c| c.green),
            }
        })
        .collect();
    let template = environment();
    let template = template.get_template("consortium.html").map_err(|error| error.to_string())?;
    template.render(context! { consortium, comparisons, members }).map_err(|error| error.to_string())
}
