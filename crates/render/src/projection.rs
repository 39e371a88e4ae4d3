//! The demand projection in words and as a table, for the page and the
//! packs: the same sentences and cells in both.

use super::format::month_name;
use super::pdf_layout::{Flow, Table, MARGIN};
use super::pdf_write::CHART_PIXELS;
use crate::judge::projection::{ProjectedMonth, PublishedProjection, Spread};
use crate::judge::Scorecard;

/// "407 (378 to 435)": a mean and its 80% range, whole children.
pub(super) fn children(spread: &Spread) -> String {
    format!("{:.0} ({:.0} to {:.0})", spread.mean, spread.lower80, spread.upper80)
}

/// "£3.61m (£3.26m to £3.96m)".
fn pounds(spread: &Spread) -> String {
    let m = |value: f64| format!("£{:.2}m", value / 1e6);
    format!("{} ({} to {})", m(spread.mean), m(spread.lower80), m(spread.upper80))
}

/// The projection's chart on the page; phones get a narrower one.
pub(crate) const PROJECTION_CHART_SIZE: (u32, u32) = (720, 400);
pub(crate) const NARROW_PROJECTION_CHART_SIZE: (u32, u32) = (380, 440);

/// The months the table shows: every 12th, and the last.
pub(super) fn shown_months(projection: &PublishedProjection) -> Vec<usize> {
    let count = projection.scenarios.first().map_or(0, |scenario| scenario.months.len());
    (0..count).filter(|k| (k + 1) % 12 == 0 || k + 1 == count).collect()
}

/// What the projection says, in sentences: where the count is heading at
/// the observed rates, each scenario beside it, and the cost.
pub(super) fn sentences(projection: &PublishedProjection) -> Vec<String> {
    let Some(observed) = projection.scenarios.first() else { return Vec::new() };
    let Some(last) = shown_months(projection).last().map(|&k| &observed.months[k]) else { return Vec::new() };
    let mut said = vec![format!(
        "If children enter care, leave it and move between placement types at the rates of the {} months to {}, {} children would be looked after in {}: mean of {} simulated runs, 80% range in brackets. {} were looked after on {}.",
        reference_months(projection),
        month_name(projection.month),
        children(&last.total),
        month_name(last.month),
        projection.runs,
        projection.in_care_at_start,
        projection.month.last_day().format("%-d %B %Y"),
    )];
    for scenario in &projection.scenarios[1..] {
        let month = &scenario.months[shown_months(projection).last().copied().unwrap_or(0)];
        said.push(format!("{}: {} in {}.", scenario.scenario.name, children(&month.total), month_name(month.month)));
    }
    if let Some(cost) = last.cost {
        said.push(format!("Placement costs in {}: {} for the month.", month_name(last.month), pounds(&cost)));
    }
    said
}

fn reference_months(projection: &PublishedProjection) -> i32 {
    let reference = &projection.reference;
    crate::project::Month::containing(reference.from).months_until(projection.month) + 1
}

/// The table: a row per age band, the total, each scenario's total and the
/// cost; a column per shown month.
pub(super) fn table(projection: &PublishedProjection) -> (Vec<String>, Vec<Vec<String>>) {
    let shown = shown_months(projection);
    let Some(observed) = projection.scenarios.first() else { return (Vec::new(), Vec::new()) };
    let at = |k: usize| &observed.months[k];
    let mut header = vec!["Age band, at the observed rates".to_string()];
    header.extend(shown.iter().map(|&k| month_name(at(k).month)));
    let row = |label: &str, cell: &dyn Fn(&ProjectedMonth) -> String| {
        std::iter::once(label.to_string()).chain(shown.iter().map(|&k| cell(at(k)))).collect::<Vec<_>>()
    };
    let mut rows: Vec<Vec<String>> = projection
        .age_bands
        .iter()
        .enumerate()
        .map(|(band, label)| row(label, &|month| children(&month.by_age[band])))
        .collect();
    rows.push(row("All children", &|month| children(&month.total)));
    for scenario in &projection.scenarios[1..] {
        let cells = shown.iter().map(|&k| children(&scenario.months[k].total));
        rows.push(std::iter::once(format!("{}: all children", scenario.scenario.name)).chain(cells).collect());
    }
    if at(0).cost.is_some() {
        rows.push(row("Placement cost in the month", &|month| month.cost.as_ref().map(pounds).unwrap_or_default()));
        for (index, placement) in projection.placement_types.iter().enumerate() {
            let cost =
                |month: &ProjectedMonth| month.cost_by_placement.as_ref().and_then(|costs| costs.get(index)).copied();
            // A type no child is projected to be placed in is left out, not
            // a row of £0.00m.
            if shown.iter().all(|&k| cost(at(k)).is_none_or(|spread| spread.upper95 == 0.0)) {
                continue;
            }
            let of_type = |month: &ProjectedMonth| cost(month).as_ref().map(pounds).unwrap_or_default();
            rows.push(row(&format!("of which {}", placement.to_lowercase()), &of_type));
        }
    }
    (header, rows)
}

/// The chart's text alternative.
pub(super) fn chart_alt(projection: &PublishedProjection) -> String {
    let mut alt = format!(
        "Line chart of children looked after from {} ({}), projected month by month to the end of the range at the observed rates, with shaded 80% and 95% ranges",
        month_name(projection.month),
        projection.in_care_at_start
    );
    if projection.scenarios.len() > 1 {
        alt.push_str(", and a dashed line for each scenario");
    }
    alt.push_str(". ");
    alt.push_str(&sentences(projection).join(" "));
    alt
}

/// The chart number the packs give the projection's chart (indicators'
/// charts are numbered from 0).
pub(super) const PROJECTION_CHART: usize = usize::MAX;

/// The projection's page in a pack: its sentences, chart and table; or
/// why there is none.
pub(super) fn pdf_section(flow: &mut Flow, scorecard: &Scorecard) {
    use super::pdf_layout::Align;
    use super::pdf_style::{cell, columns, header, BODY, HEADING};
    if let Some(declined) = &scorecard.projection_declined {
        flow.gap(10.0);
        flow.paragraph(&format!("Children looked after: {declined}."), BODY);
        return;
    }
    let Some(projection) = &scorecard.projection else { return };
    flow.new_page();
    flow.bookmark(HEADING_TEXT);
    flow.heading(2, HEADING_TEXT, HEADING, 200.0);
    for sentence in sentences(projection) {
        flow.paragraph(&sentence, BODY);
    }
    // Drawn 440 px wide as every pack chart is (its text prints at 9 pt
    // and up), in the trend charts' shape: the legend takes two rows.
    let width = 420.0_f32.min(flow.body_width());
    let height = width * CHART_PIXELS.1 as f32 / CHART_PIXELS.0 as f32;
    let top = flow.block(height);
    flow.chart((MARGIN, top, width, height), PROJECTION_CHART, chart_alt(projection));
    let (head, rows) = table(projection);
    let mut shape = vec![(2.4, Align::Left)];
    shape.extend(head[1..].iter().map(|_| (1.6, Align::Right)));
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    flow.table(&Table {
        columns: columns(&shape),
        header: header(&head),
        rows: rows.into_iter().map(|row| row.into_iter().map(cell).collect()).collect(),
    });
    flow.paragraph(METHOD, super::pdf_style::NOTE);
}

pub(super) const HEADING_TEXT: &str = "Children looked after: where demand is heading";

/// The method in a sentence, under the table on the page and in the packs.
pub(super) const METHOD: &str = "Stock-and-flow projection as in Social Finance's demand model: entries, exits before 18 and moves between placement types at the reference months' rates by age band, time in care (the first year or later) and placement type; each child ages on their birthday and leaves care at 18. The range is the spread of simulated runs, with the rates' own uncertainty. Method and limits: docs/projection.md.";

/// What the page shows of the projection (the template's `projection`).
pub(super) fn page_view(scorecard: &Scorecard) -> Option<minijinja::Value> {
    if let Some(declined) = &scorecard.projection_declined {
        return Some(minijinja::context! { heading => HEADING_TEXT, declined });
    }
    let projection = scorecard.projection.as_ref()?;
    let (head, rows) = table(projection);
    Some(minijinja::context! {
        heading => HEADING_TEXT,
        sentences => sentences(projection),
        alt => chart_alt(projection),
        size => PROJECTION_CHART_SIZE,
        narrow_size => NARROW_PROJECTION_CHART_SIZE,
        head,
        rows,
        method => METHOD,
    })
}
