//! The scorecard page, `index.html`, and the archive page listing every
//! month. Templates are minijinja with auto-escaping: every string from a
//! definition, a commentary file or an extract is HTML-escaped.

use super::charts::{CHART_SIZE, NARROW_CHART_SIZE};
use super::failure::RenderError;
use super::format::{month_name, place, rag_view, show_count, show_value};
use super::funnel::{funnel_view, FunnelPaths};
use super::icons;
use super::months_table::months_table;
use super::plan::{action_row, actions_sentence};
use super::printable::printable;
use super::rating::rating_sentence;
use super::story::{revision_texts, story_view};
use super::summary::{by_theme, group_value, since_last_sentence, statistics, summary_row, value_text};
use crate::judge::{IndicatorReport, PlanView, RagCounts, Scorecard};
use crate::project::Month;
use minijinja::{context, Environment, Value};
use serde::Serialize;
use std::collections::BTreeMap;

pub(super) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Every string is HTML-escaped as before, and loses its control characters.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if value.is_safe() => Ok(out.write_str(&printable(text))?),
        Some(text) => minijinja::escape_formatter(out, state, &Value::from(printable(text).as_ref())),
        None => minijinja::escape_formatter(out, state, value),
    });
    env.add_template("style.css", include_str!("../../../templates/style.css")).expect("template parses");
    env.add_template("page.html", include_str!("../../../templates/page.html")).expect("template parses");
    env.add_template("scorecard.html", include_str!("../../../templates/scorecard.html")).expect("template parses");
    env.add_template("archive.html", include_str!("../../../templates/archive.html")).expect("template parses");
    env.add_template("funnel.html", include_str!("../../../templates/funnel.html")).expect("template parses");
    env.add_template("comparison.html", include_str!("../../../templates/comparison.html")).expect("template parses");
    env.add_template("consortium.html", include_str!("../../../templates/consortium.html")).expect("template parses");
    env.add_template("definitions.html", include_str!("../../../templates/definitions.html")).expect("template parses");
    env
}

/// What the page needs beyond the scorecard.
pub(crate) struct PageContext<'a> {
    pub built: &'a str,
    pub sparklines: &'a BTreeMap<String, String>,
}

fn detail(indicator: &IndicatorReport, scorecard: &Scorecard) -> Value {
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
        owner => &indicator.owner,
        description => &indicator.description,
        value => value_text(indicator),
        place => indicator.rank.map(place),
        numerator => show_count(indicator.latest.numerator),
        denominator => show_count(indicator.latest.denominator),
        target => indicator.target.map(|target| show_value(Some(target), indicator.decimals, indicator.unit)),
        rating_sentence => rating_sentence(indicator),
        revisions => revision_texts(indicator),
        vs_month_sentence => since_last_sentence(indicator),
        alt,
        statistics => statistics(indicator),
        icons => Value::from_safe_string(icon_svgs(indicator)),
        in_words => &indicator.in_words,
        actions => actions_sentence(indicator),
        commentary => &indicator.commentary,
        breakdown,
        consortium => consortium_funnel(indicator, scorecard),
        ..Value::from_serialize(rag_view(indicator.rag)),
    }
}

/// Where this member sits among the consortium's: the funnel with its dot
/// ringed, and a link to the comparison's ranked table.
fn consortium_funnel(indicator: &IndicatorReport, scorecard: &Scorecard) -> Option<Value> {
    let ranking = indicator.consortium.as_ref()?;
    let funnel = ranking.funnel.as_ref()?;
    let comparison = format!("../../comparison/{}/comparison.html#{}", scorecard.month, indicator.id);
    let you = Some(scorecard.authority_code.as_str());
    Some(context! { comparison, ..funnel_view(ranking, funnel, you, &FunnelPaths::member(ranking)) })
}

/// The plan's priorities, each action with links to the indicators that measure it.
fn plan_view(plan: &PlanView) -> Value {
    let priorities: Vec<Value> = plan
        .priorities
        .iter()
        .map(|priority| {
            let actions: Vec<Value> = priority
                .actions
                .iter()
                .map(|action| {
                    let measures: Vec<Value> = action
                        .measured_by
                        .iter()
                        .map(|measure| context! { id => &measure.id, title => &measure.title, ..Value::from_serialize(rag_view(measure.rag)) })
                        .collect();
                    context! { measures, ..Value::from_serialize(action_row(action)) }
                })
                .collect();
            context! { number => &priority.number, title => &priority.title, actions }
        })
        .collect();
    context! { quarter => &plan.quarter, priorities }
}

/// The SPC icons as inline SVG (each with its text alternative).
fn icon_svgs(indicator: &IndicatorReport) -> String {
    let icons = icons::variation(indicator).into_iter().chain(icons::assurance(indicator));
    icons.map(|icon| icons::svg(&icon, 22)).collect()
}

pub(crate) fn scorecard_page(scorecard: &Scorecard, page: &PageContext) -> Result<String, RenderError> {
    let row = |indicator: &&IndicatorReport| {
        let sparkline = page.sparklines.get(&indicator.id).cloned().unwrap_or_default();
        context! {
            sparkline => Value::from_safe_string(sparkline),
            icons => Value::from_safe_string(icon_svgs(indicator)),
            ..Value::from_serialize(summary_row(indicator))
        }
    };
    let themes: Vec<Value> = by_theme(scorecard)
        .into_iter()
        .map(|(name, indicators)| context! { name, rows => indicators.iter().map(row).collect::<Vec<_>>() })
        .collect();
    let RagCounts { red, amber, green } = scorecard.counts();
    let unrated = scorecard.indicators.len() - red - amber - green;
    let template = environment();
    let template = template.get_template("scorecard.html")?;
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
            months_table => months_table(scorecard),
            key => icons::key().iter().map(|icon| context! {
                icon => Value::from_safe_string(icons::svg(icon, 18)),
                text => &icon.text,
            }).collect::<Vec<_>>(),
            details => scorecard.indicators.iter().map(|indicator| detail(indicator, scorecard)).collect::<Vec<_>>(),
            chart => CHART_SIZE,
            narrow_chart => NARROW_CHART_SIZE,
            data_quality => &scorecard.data_quality,
            plan => scorecard.plan.as_ref().map(plan_view),
            projection => super::projection::page_view(scorecard),
            incomplete => &scorecard.incomplete,
            other_period => crate::judge::other_period(&scorecard.warnings),
            data_to => scorecard.data_to.iter().map(|reach| context! {
                file => &reach.file,
                latest => reach.latest.map_or("no dates to go by".to_string(), |day| day.format("%-d %B %Y").to_string()),
            }).collect::<Vec<_>>(),
            warnings => scorecard.warnings.iter().map(|warning| context! {
                kind => warning.kind.describe(),
                dataset => warning.dataset.clone().unwrap_or_default(),
                message => &warning.message,
            }).collect::<Vec<_>>(),
        })
        .map_err(RenderError::from)
}

/// `definitions.html`: every indicator's definition with its expressions
/// as written, for the analyst; the board's pages show them in words.
pub(crate) fn definitions_page(scorecard: &Scorecard) -> Result<String, RenderError> {
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
    let template = template.get_template("definitions.html")?;
    template
        .render(context! { authority => &scorecard.authority, month_name => month_name(scorecard.month), indicators })
        .map_err(RenderError::from)
}

/// One line of the archive page.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ArchiveEntry {
    /// The month.
    pub month: Month,
    /// How many indicators were red, amber and green.
    #[serde(flatten)]
    pub counts: RagCounts,
}

/// The archive page: every month built, newest first, with its counts.
pub fn archive_page(authority: &str, entries: &[ArchiveEntry]) -> Result<String, RenderError> {
    let entries: Vec<Value> = entries
        .iter()
        .rev()
        .map(|entry| {
            let RagCounts { red, amber, green } = entry.counts;
            context! { month => entry.month.to_string(), name => month_name(entry.month), red, amber, green }
        })
        .collect();
    let template = environment();
    let template = template.get_template("archive.html")?;
    template.render(context! { authority, entries }).map_err(RenderError::from)
}

/// A consortium's front page: every comparison, and every member with its
/// latest scorecard. `members` is (name, code, latest bundle built).
pub fn consortium_page(
    consortium: &str,
    comparisons: &[Month],
    members: &[(String, String, Option<ArchiveEntry>)],
) -> Result<String, RenderError> {
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
    let template = template.get_template("consortium.html")?;
    template.render(context! { consortium, comparisons, members }).map_err(RenderError::from)
}
