//! What the page and the board pack say about each indicator: its summary
//! row (value, target, rating, direction of travel, benchmark, variation)
//! and the sentences of its section. One source for both, so the HTML and
//! the PDF never disagree.

use super::format::{self, month_name, ordinal, place, rag_view, show_value, RagView, Shown};
use super::rating::target_text;
use super::tables;
use crate::judge::{
    Comparison, Direction, GroupSeries, IndicatorReport, Scorecard, SpcBasis, SpcSignal, Standing, TravelOver,
};
use crate::language::{Average, DirectionMethod, Event, Frequency, Polarity};
use serde::Serialize;

/// One indicator's line in the summary table.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SummaryRow {
    pub id: String,
    pub title: String,
    pub plan_ref: String,
    pub owner: String,
    pub value: String,
    pub place: Option<String>,
    pub target: String,
    pub vs_month: String,
    pub vs_month_class: &'static str,
    pub vs_year: String,
    pub vs_year_class: &'static str,
    pub benchmark: String,
    pub variation: String,
    #[serde(flatten)]
    pub rating: RagView,
}

pub(super) fn summary_row(indicator: &IndicatorReport) -> SummaryRow {
    let (mut vs_month, vs_month_class) = travel(&indicator.vs_previous_month);
    // A quarterly or annual indicator's "since last month" is since its previous period.
    if indicator.frequency != Frequency::Monthly {
        vs_month = format!("{vs_month} (since {})", month_name(indicator.vs_previous_month.period));
    }
    let (vs_year, vs_year_class) = travel(&indicator.vs_last_year);
    SummaryRow {
        id: indicator.id.clone(),
        title: indicator.title.clone(),
        plan_ref: indicator.plan_ref.clone().unwrap_or_default(),
        owner: indicator.owner.clone().unwrap_or_default(),
        value: value_text(indicator),
        place: indicator.rank.map(place),
        target: target_text(indicator),
        vs_month,
        vs_month_class,
        vs_year,
        vs_year_class,
        benchmark: benchmark_text(indicator),
        variation: tables::spc_words(indicator).0,
        rating: rag_view(indicator.rag),
    }
}

/// The indicators grouped by theme, themes in the order they first appear.
pub(super) fn by_theme(scorecard: &Scorecard) -> Vec<(String, Vec<&IndicatorReport>)> {
    let mut themes: Vec<(String, Vec<&IndicatorReport>)> = Vec::new();
    for indicator in &scorecard.indicators {
        let title = theme_title(&indicator.theme);
        match themes.iter_mut().find(|(name, _)| *name == title) {
            Some((_, members)) => members.push(indicator),
            None => themes.push((title, vec![indicator])),
        }
    }
    themes
}

pub(super) fn travel(comparison: &Comparison) -> (String, &'static str) {
    match (comparison.direction, &comparison.not_comparable) {
        (Some(direction), _) => (direction.describe().to_string(), travel_class(direction)),
        (None, reason) => (reason.clone().unwrap_or_default(), "none"),
    }
}

fn travel_class(direction: Direction) -> &'static str {
    match direction {
        Direction::Improving => "improving",
        Direction::Worsening => "worsening",
        Direction::NoChange | Direction::NotSignificant => "no-change",
        Direction::Up => "up",
        Direction::Down => "down",
    }
}

pub(super) fn benchmark_text(indicator: &IndicatorReport) -> String {
    match &indicator.benchmark {
        Some(benchmark) => {
            format!("{} ({})", show_value(Some(benchmark.value), indicator.decimals, indicator.unit), benchmark.label)
        }
        None if indicator.published_benchmarks.is_some() => "not available".to_string(),
        None => "none given".to_string(),
    }
}

/// "Since last month: worsening.", or since last quarter or year.
pub(super) fn since_last_sentence(indicator: &IndicatorReport) -> String {
    let (since, _) = travel(&indicator.vs_previous_month);
    format!("Since last {}: {since}.", indicator.frequency.period_name())
}

/// Confidence interval and process control, in sentences.
pub(super) fn statistics(indicator: &IndicatorReport) -> Vec<String> {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let mut lines: Vec<String> = indicator
        .confidence
        .iter()
        .map(|ci| format!("{}% confidence interval: {} to {}.", ci.level, show(ci.lower), show(ci.upper)))
        .collect();
    if let Some(published) = &indicator.published_benchmarks {
        let or_missing = |value: Option<f64>| value.map_or_else(|| "not available".to_string(), show);
        lines.push(format!(
            "Published benchmarks for {}{}: England {}, region {}, statistical neighbours {} ({}{} of 10 with data). Source: {}.",
            published.year,
            if published.latest_available { " (the latest published)" } else { "" },
            or_missing(published.england),
            or_missing(published.region),
            or_missing(published.neighbours),
            if published.neighbours_average == Average::Median { "median; " } else { "" },
            published.neighbours_with_data,
            published.vintage
        ));
    }
    lines.extend(indicator.england_standing.as_ref().map(|standing| standing_line(standing, &show)));
    lines.extend(process_control(indicator));
    lines.extend(indicator.vs_months.as_ref().map(|travel| travel_line(indicator, travel)));
    lines.push(recent_trend_line(indicator));
    lines.extend(forecast_line(indicator));
    lines.extend(indicator.events.iter().map(event_line));
    lines
}

/// "On current trend: 13.1% by March 2027 (80% range 11.9% to 14.4%);
/// chance of meeting the 14.0% target: 74%." or why there is no forecast.
pub(super) fn forecast_sentence(indicator: &IndicatorReport) -> Option<String> {
    let forecast = indicator.forecast.as_ref()?;
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let end = &forecast.year_end;
    let mut sentence = format!(
        "On current trend: {} by {} (80% range {} to {})",
        show(end.point),
        month_name(end.period),
        show(end.lower80),
        show(end.upper80)
    );
    if let (Some(target), Some(chance)) = (forecast.year_end_target, forecast.chance_of_meeting_target) {
        sentence.push_str(&format!("; chance of meeting the {} target: {}", show(target), chance_words(chance)));
    }
    sentence.push('.');
    Some(sentence)
}

/// A chance as a whole percentage, never a certainty the model cannot give.
fn chance_words(chance: f64) -> String {
    match chance {
        chance if chance > 0.99 => "more than 99%".to_string(),
        chance if chance < 0.01 => "less than 1%".to_string(),
        chance => format!("{:.0}%", chance * 100.0),
    }
}

/// Nothing when the project does not show forecasts.
fn forecast_line(indicator: &IndicatorReport) -> Option<String> {
    match (forecast_sentence(indicator), &indicator.forecast, &indicator.forecast_declined) {
        (Some(sentence), Some(forecast), _) => Some(format!("{sentence} Forecast by {}.", forecast.method)),
        (_, _, Some(reason)) => Some(format!("No forecast: {reason}.")),
        _ => None,
    }
}

/// "England rank for 2025: 12th of 152 authorities (top quartile) on its published 8.1%; best statistical neighbour 6.2%."
fn standing_line(standing: &Standing, show: &dyn Fn(f64) -> String) -> String {
    let quartile = match standing.quartile {
        1 => "top quartile",
        2 => "second quartile",
        3 => "third quartile",
        _ => "bottom quartile",
    };
    let best =
        standing.best_neighbour.map(|best| format!("; best statistical neighbour {}", show(best))).unwrap_or_default();
    format!(
        "England rank for {}: {} of {} authorities ({quartile}) on its published {}{best}.",
        standing.year,
        ordinal(standing.rank),
        standing.of,
        show(standing.value)
    )
}

/// "Recent trend (the 5 months from November 2025, chi-squared test for
/// trend at 99.8%): increasing and getting worse (significant)."
pub(super) fn recent_trend_line(indicator: &IndicatorReport) -> String {
    let trend = &indicator.recent_trend;
    let test = trend.test.describe();
    let head = format!(
        "Recent trend (the 5 {} from {}, {test} at 99.8%)",
        if indicator.frequency == Frequency::Monthly { "months" } else { "periods" },
        month_name(trend.from)
    );
    let verdict = match (trend.rising, &trend.not_tested, indicator.polarity) {
        (_, Some(reason), _) => format!("not tested: {reason}"),
        (None, None, _) => "no significant change".to_string(),
        (Some(true), None, Polarity::HigherIsBetter) => "increasing and getting better (significant)".to_string(),
        (Some(true), None, Polarity::LowerIsBetter) => "increasing and getting worse (significant)".to_string(),
        (Some(false), None, Polarity::HigherIsBetter) => "decreasing and getting worse (significant)".to_string(),
        (Some(false), None, Polarity::LowerIsBetter) => "decreasing and getting better (significant)".to_string(),
        (Some(true), None, _) => "increasing (significant)".to_string(),
        (Some(false), None, _) => "decreasing (significant)".to_string(),
    };
    format!("{head}: {verdict}.")
}

/// "Over the 6 months from October 2025 (least-squares line): worsening, 3.1 higher."
fn travel_line(indicator: &IndicatorReport, travel: &TravelOver) -> String {
    let how = match travel.method {
        DirectionMethod::Regression => "least-squares line through the monthly values",
        DirectionMethod::FirstLast => "this month against the first",
    };
    let head = format!("Over the {} months from {} ({how})", travel.months, month_name(travel.from));
    match (travel.direction, travel.change, &travel.not_comparable) {
        (Some(direction), Some(change), _) => {
            let size = format!("{:.*}", indicator.decimals as usize, change.abs());
            // Close to a target, the change is in the distance from it.
            let way = match (indicator.polarity, change > 0.0) {
                (Polarity::CloseToTarget, true) if indicator.target.is_some() => "further from the target",
                (Polarity::CloseToTarget, false) if indicator.target.is_some() => "nearer the target",
                (_, true) => "higher",
                (_, false) => "lower",
            };
            if direction == Direction::NoChange {
                format!("{head}: no change.")
            } else {
                format!("{head}: {}, {size} {way}.", direction.describe())
            }
        }
        (_, _, Some(reason)) => format!("{head}: not comparable ({reason})."),
        _ => format!("{head}: not comparable."),
    }
}

/// "Event, 6 January 2025: New front door (a process change: SPC limits restart in January 2025)."
fn event_line(event: &Event) -> String {
    let when = match event.day {
        Some(day) => format!("{day} {}", month_name(event.month)),
        None => month_name(event.month),
    };
    let rebase = if event.rebase {
        format!(" (a process change: SPC limits restart in {})", month_name(event.month))
    } else {
        String::new()
    };
    format!("Event, {when}: {}{rebase}.", event.label)
}

pub(super) fn value_text(indicator: &IndicatorReport) -> String {
    match format::shown(&indicator.latest) {
        Shown::Suppressed => "c (suppressed: small number)".to_string(),
        _ => format::value_text(&indicator.latest, indicator.decimals, indicator.unit),
    }
}

/// A breakdown group's value: the reason alone when not calculable, to fit the table.
pub(super) fn group_value(group: &GroupSeries, indicator: &IndicatorReport) -> String {
    match format::shown(&group.latest) {
        Shown::NotCalculable(reason) => reason.to_string(),
        _ => format::value_text(&group.latest, indicator.decimals, indicator.unit),
    }
}

/// `children-in-need` -> `Children in need`.
pub(super) fn theme_title(theme: &str) -> String {
    let words = theme.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// "Latest 20.7% (155 of 750); target 22.0%; 3rd of 20 in the consortium."
pub(super) fn headline(indicator: &IndicatorReport) -> String {
    let mut text = format!("Latest {}", value_text(indicator));
    let (numerator, denominator) = (indicator.latest.numerator, indicator.latest.denominator);
    if numerator.is_some() {
        let of = denominator.map(|d| format!(" of {}", format::show_count(Some(d)))).unwrap_or_default();
        text += &format!(" ({}{of})", format::show_count(numerator));
    }
    if let Some(target) = indicator.target {
        text += &format!("; target {}", show_value(Some(target), indicator.decimals, indicator.unit));
    }
    if let Some(position) = indicator.rank {
        text += &format!("; {} in the consortium", place(position));
    }
    text + "."
}

/// The SPC result in a sentence, with the signals that fired (the latest
/// three), or why there is none.
pub(super) fn process_control(indicator: &IndicatorReport) -> Option<String> {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let Some(spc) = &indicator.spc else {
        return indicator
            .spc_not_applicable
            .as_ref()
            .map(|reason| format!("Process control (SPC) not applicable: {reason}."));
    };
    let (variation, assurance) = tables::spc_words(indicator);
    let assurance = if assurance.is_empty() { String::new() } else { format!("; {assurance}") };
    let basis = match spc.basis {
        SpcBasis::ReportedValues => "on the values charted".to_string(),
        SpcBasis::MonthlySeries => "on each month's own figure, since the charted figure's months overlap".to_string(),
    };
    let rebased = match spc.segments.as_slice() {
        [.., last] if spc.segments.len() > 1 => format!(", recalculated from {}", format::month_name(last.from)),
        _ => String::new(),
    };
    let mut sentence = format!(
        "Process control {basis} (limits from {} months{rebased}): mean {}, process limits {} to {}; the latest month shows {variation}{assurance}.",
        spc.baseline_points,
        show(spc.mean),
        show(spc.lower_limit),
        show(spc.upper_limit)
    );
    if let Some(change) = &spc.changed {
        sentence += &format!(
            " Process changed: {}; these limits span the change (an event marked as a rebase would recalculate them).",
            change.describe(format::month_name)
        );
    }
    if let Some(reason) = &spc.no_assurance {
        sentence += &format!(" {}.", capitalised(reason));
    }
    let signals: Vec<String> = spc.signals.iter().rev().take(3).rev().map(signal_text).collect();
    if !signals.is_empty() {
        sentence += &format!(" Signals: {}.", signals.join("; "));
    }
    Some(sentence)
}

fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    characters.next().map(|first| first.to_uppercase().chain(characters).collect()).unwrap_or_default()
}

fn signal_text(signal: &SpcSignal) -> String {
    let months = match signal.months.as_slice() {
        [only] => format::month_name(*only),
        [first, .., last] => format!("{} to {}", format::month_name(*first), format::month_name(*last)),
        [] => String::new(),
    };
    format!("{} ({}, {months})", signal.rule.describe(), signal.variation.describe())
}
