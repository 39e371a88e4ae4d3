//! `board-pack.pdf`: the month's scorecard as the board reads it on paper.
//! The first page opens with the story (counts against last month, what
//! needs attention, what improved), then the summary of every indicator;
//! then one page per indicator (its chart with the commentary beside it,
//! the rule in words, the rating explained); the definitions as written
//! are an appendix for the analyst. No SQL before the appendix.

use super::build_time::BuildTime;
use super::charts;
use super::failure::RenderError;
use super::fonts::{self, Weight};
use super::format::{month_name, rag_view, show_count};
use super::icons;
use super::pdf_chart::PdfBackend;
use super::pdf_layout::{Align, Badge, Cell, Flow, Mark, Rgb, Role, Style, Table, MARGIN, MUTED};
use super::pdf_style::{
    cell, columns, header, rag_cell, rag_cell_as, rag_colours, BODY, CELL, CELL_STRONG, HEADING, NOTE, STRONG,
    SUBHEADING, SUBTITLE, TITLE, WARNING,
};
use super::pdf_write::{self, Info, CHART_PIXELS};
use super::plan::{action_rag, action_row, actions_sentence};
use super::rating::rating_sentence;
use super::story::{exception_lines, revision_texts, ExceptionLine};
use super::summary::{
    benchmark_text, by_theme, forecast_sentence, group_value, headline, since_last_sentence, statistics, summary_row,
};
use crate::judge::{IndicatorReport, Rag, RagCounts, Scorecard, ATTENTION_RULE, IMPROVED_RULE};

/// The chart's width on an indicator page; the commentary takes the rest.
const CHART_WIDTH: f32 = 350.0;
/// The chart's width on half a page of the board pack: its text still 9 pt
/// (12 px letters drawn at 330 / 440 of their size).
const BLOCK_CHART_WIDTH: f32 = 330.0;
const GUTTER: f32 = 12.0;

/// Which pack: the board's (short: the story, the 13-month table, the
/// plan, then pages only for the indicators that need attention or that the
/// project names) or the full one (a page for every indicator and the
/// definitions as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Board,
    Full,
}

/// The board pack as PDF bytes.
pub fn board_pack(scorecard: &Scorecard, built: &BuildTime) -> Result<Vec<u8>, RenderError> {
    pack(scorecard, built, Profile::Board)
}

/// The full pack as PDF bytes.
pub fn full_pack(scorecard: &Scorecard, built: &BuildTime) -> Result<Vec<u8>, RenderError> {
    pack(scorecard, built, Profile::Full)
}

fn pack(scorecard: &Scorecard, built: &BuildTime, profile: Profile) -> Result<Vec<u8>, RenderError> {
    if profile == Profile::Board {
        warn_of_missing_glyphs(scorecard);
    }
    let mut flow = Flow::new();
    opening(&mut flow, scorecard, built, profile);
    match profile {
        Profile::Board => {
            months_table(&mut flow, scorecard, profile);
            flow.new_page_turned(false);
            key(&mut flow);
            plan(&mut flow, scorecard);
            super::projection::pdf_section(&mut flow, scorecard);
            let chosen = |indicator: &&IndicatorReport| on_board_pages(scorecard, indicator);
            let pages: Vec<(usize, &IndicatorReport)> =
                scorecard.indicators.iter().enumerate().filter(|(_, indicator)| chosen(indicator)).collect();
            if !pages.is_empty() {
                flow.new_page();
                for (index, indicator) in pages {
                    indicator_block(&mut flow, index, indicator);
                }
            }
        }
        Profile::Full => {
            summary(&mut flow, scorecard);
            months_table(&mut flow, scorecard, profile);
            flow.new_page_turned(false);
            plan(&mut flow, scorecard);
            super::projection::pdf_section(&mut flow, scorecard);
            for (index, indicator) in scorecard.indicators.iter().enumerate() {
                indicator_page(&mut flow, index, indicator, scorecard);
            }
            appendix(&mut flow, scorecard);
        }
    }
    let month = month_name(scorecard.month);
    let what = match profile {
        Profile::Board => "board pack",
        Profile::Full => "full pack",
    };
    let (pages, blocks) = flow.finish(&format!("{}: performance scorecard, {month} ({what})", scorecard.authority));
    let info = Info {
        title: format!("{}: performance scorecard, {month} ({what})", scorecard.authority),
        author: scorecard.authority.clone(),
        document_id: format!("scorecard-{}-{}-{what}", scorecard.authority_code, scorecard.month),
        created: built.epoch,
    };
    let draw_chart = |index: usize, backend: PdfBackend<'_, '_>| match scorecard.indicators.get(index) {
        Some(indicator) => charts::trend_pdf(indicator, backend),
        None => match (&scorecard.projection, index == super::projection::PROJECTION_CHART) {
            (Some(projection), true) => super::projection_chart::projection_pdf(projection, backend),
            _ => Err(RenderError::Inconsistent(format!("no indicator {index} to chart"))),
        },
    };
    pdf_write::write(&pages, &blocks, &draw_chart, &info)
}

/// A cell linking to the indicator's page when it has one in this pack.
fn linked(cell: Cell, scorecard: &Scorecard, indicator: &IndicatorReport, profile: Profile) -> Cell {
    match profile == Profile::Full || on_board_pages(scorecard, indicator) {
        true => cell.linked(&indicator.id, &indicator.title),
        false => cell,
    }
}

/// Whether an indicator has a page in the board pack: it needs attention,
/// or the project names it in `[board_pack] pages_for`.
fn on_board_pages(scorecard: &Scorecard, indicator: &IndicatorReport) -> bool {
    scorecard.story.attention.iter().any(|exception| exception.id == indicator.id)
        || scorecard.board_pages_for.contains(&indicator.id)
}

/// Every indicator's last 13 months, on pages turned on their side: the
/// table boards know from their spreadsheets.
fn months_table(flow: &mut Flow, scorecard: &Scorecard, profile: Profile) {
    let table = super::months_table::months_table(scorecard);
    flow.new_page_turned(true);
    flow.bookmark("The last 13 months");
    flow.heading(2, "The last 13 months", HEADING, 60.0);
    flow.paragraph(
        "Each indicator's value in each month it reports, rated as it was that month (R red, A amber, G green); c: suppressed, a small number; –: not calculable; blank: not reported that month. The unit is after the indicator's name.",
        NOTE,
    );
    flow.gap(4.0);
    let month_cell = |month: &super::months_table::MonthCell| {
        // The letter under the number: a narrower column, so the names get the room.
        let text = match month.letter {
            "" => month.text.clone(),
            letter => format!("{}\n{letter}", month.text),
        };
        let (fill, ink) = rag_colours(month.rating);
        Cell::new(text, Style::new(CELL.size, Weight::Regular, ink)).filled(month.rating.map(|_| fill))
    };
    let rows: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .zip(&scorecard.indicators)
        .map(|(row, indicator)| {
            let unit = if row.unit.is_empty() { String::new() } else { format!(" ({})", row.unit) };
            let mut cells = vec![linked(cell(format!("{}{unit}", row.title)), scorecard, indicator, profile)];
            cells.extend(row.cells.iter().map(month_cell));
            cells.push(cell(super::rating::target_text(indicator)));
            cells
        })
        .collect();
    // "Mar" over "25", so that the headers are no wider than the values.
    let months: Vec<String> = table.months.iter().map(|month| month.replacen(' ', "\n", 1)).collect();
    let mut names = vec!["Indicator"];
    names.extend(months.iter().map(String::as_str));
    names.push("Target");
    // Month columns as wide as their widest value, so that no value wraps;
    // the target up to 60 pt (longer ones wrap); the indicator the rest.
    let widest = |cells: &mut dyn Iterator<Item = &Cell>| {
        let lines = cells.flat_map(|cell| cell.text.lines().map(move |line| (line, cell.style)));
        lines.map(|(line, style)| super::fonts::width(line, style.weight, style.size)).fold(0.0, f32::max)
    };
    let last = names.len() - 1;
    let header_cells = header(&names);
    let month_width = widest(&mut rows.iter().flat_map(|row| &row[1..last]).chain(&header_cells[1..last])) + 8.0;
    let target_width = widest(&mut rows.iter().map(|row| &row[last])).clamp(40.0, 60.0) + 8.0;
    let indicator_width = flow.body_width() - month_width * table.months.len() as f32 - target_width;
    let mut shares = vec![(indicator_width, Align::Left)];
    shares.extend(std::iter::repeat_n((month_width, Align::Right), table.months.len()));
    shares.push((target_width, Align::Right));
    flow.table(&Table { columns: columns(&shares), header: header_cells, rows });
}

/// The PDF embeds DejaVu Sans only (the page and the workbook leave fonts
/// to the reader's machine): characters it lacks, in any text an indicator
/// carries (title, description, commentary, group names, events...), are
/// named in a warning with the indicator, so the data team can see the pack
/// shows boxes where the page shows the text.
fn warn_of_missing_glyphs(scorecard: &Scorecard) {
    let missing_in = |source: &str, value: serde_json::Value| {
        let mut text = String::new();
        gather_strings(&value, &mut text);
        let missing = fonts::without_glyph(&text);
        if !missing.is_empty() {
            let characters: String = missing.iter().take(20).collect();
            tracing::warn!(authority = %scorecard.authority_code, month = %scorecard.month, source, "board-pack.pdf has no glyph for {characters}: they show as empty boxes there and in full-pack.pdf (index.html and the workbook show them)");
        }
    };
    missing_in("authority", serde_json::Value::from(scorecard.authority.as_str()));
    for indicator in &scorecard.indicators {
        missing_in(&format!("indicator {}", indicator.id), serde_json::to_value(indicator).unwrap_or_default());
    }
}

fn gather_strings(value: &serde_json::Value, text: &mut String) {
    match value {
        serde_json::Value::String(string) => text.push_str(string),
        serde_json::Value::Array(values) => values.iter().for_each(|value| gather_strings(value, text)),
        serde_json::Value::Object(map) => map.values().for_each(|value| gather_strings(value, text)),
        _ => {}
    }
}

fn opening(flow: &mut Flow, scorecard: &Scorecard, built: &BuildTime, profile: Profile) {
    flow.bookmark("Summary");
    flow.heading(1, &scorecard.authority, TITLE, 0.0);
    flow.paragraph(&format!("Performance scorecard: {}", month_name(scorecard.month)), SUBTITLE);
    let as_at = scorecard.month.last_day().format("%-d %B %Y");
    flow.paragraph(
        &format!("Data as at {as_at} · Built {} · Scorecard {}", built.text, scorecard.engine_version),
        NOTE,
    );
    if profile == Profile::Board {
        flow.paragraph(
            "The board pack: each indicator needing attention has half a page of its own, every indicator is a row of the 13-month table, and full-pack.pdf (if published beside it) has a page for every indicator and the definitions as written.",
            NOTE,
        );
    }
    flow.gap(8.0);
    if !scorecard.incomplete.is_empty() {
        let text = format!(
            "This month is incomplete. It was published without {} of its extracts: {}. The indicators that use them are not calculable this month; the others are as reported.",
            scorecard.incomplete.len(),
            scorecard.incomplete.join(", ")
        );
        flow.paragraph(&text, Style::new(BODY.size, Weight::Bold, WARNING));
        flow.gap(6.0);
    }
    let other_period = crate::judge::other_period(&scorecard.warnings);
    if !other_period.is_empty() {
        let text = format!(
            "Check the dates of this month's data. {} The figures are worked out from these files as they are.",
            other_period.join(" ")
        );
        flow.paragraph(&text, Style::new(BODY.size, Weight::Bold, WARNING));
        flow.gap(6.0);
    }
    counts(flow, scorecard);
    flow.gap(10.0);
    flow.heading(2, "Needs attention", HEADING, 40.0);
    flow.paragraph(&format!("Listed: {ATTENTION_RULE}."), NOTE);
    let attention = exception_lines(scorecard, &scorecard.story.attention);
    if attention.is_empty() {
        flow.paragraph("None this month.", BODY);
    } else {
        flow.table(&attention_table(&attention, profile == Profile::Full));
    }
    if profile == Profile::Board && !attention.is_empty() {
        flow.paragraph("Each has half a page after the 13-month table, with its chart and commentary.", NOTE);
    }
    flow.gap(8.0);
    flow.heading(2, "Improved", SUBHEADING, 20.0);
    flow.paragraph(&format!("Listed: {IMPROVED_RULE}."), NOTE);
    let improved = exception_lines(scorecard, &scorecard.story.improved);
    if improved.is_empty() {
        flow.paragraph("None this month.", BODY);
    }
    for line in improved {
        let commentary = line.commentary.map(|text| format!(". {text}")).unwrap_or_default();
        let target = if line.target.is_empty() { String::new() } else { format!("; target {}", line.target) };
        let text = format!(
            "{}: {} ({} last month, {} now{target}){commentary}",
            line.title, line.why, line.previous, line.value
        );
        flow.bullet(&text, BODY);
    }
    revised(flow, scorecard);
}

/// R/A/G counts with last month's beside them, one coloured cell each.
fn counts(flow: &mut Flow, scorecard: &Scorecard) {
    let RagCounts { red, amber, green } = scorecard.counts();
    let before = scorecard.story.previous_counts;
    let unrated = scorecard.indicators.len() - red - amber - green;
    let count = |rag: Rag, now: usize, then: usize| {
        let (fill, ink) = rag_colours(Some(rag));
        let view = rag_view(Some(rag));
        Cell::new(
            format!("{} {now} {}\n{then} last month", view.rag_letter, view.rag_text),
            Style::new(CELL.size, Weight::Bold, ink),
        )
        .filled(Some(fill))
    };
    let row = vec![
        count(Rag::Red, red, before.red),
        count(Rag::Amber, amber, before.amber),
        count(Rag::Green, green, before.green),
        Cell::new(format!("– {unrated} not rated\n"), STRONG),
    ];
    let shares = [(1.0, Align::Left); 4];
    flow.table(&Table { columns: columns(&shares), header: Vec::new(), rows: vec![row] });
}

/// The indicators needing attention, a row each; with their commentary
/// when it is shown nowhere else in the pack.
fn attention_table(lines: &[ExceptionLine], with_commentary: bool) -> Table {
    let rows = lines
        .iter()
        .map(|line| {
            let commentary = match (&line.commentary, line.no_commentary) {
                (Some(text), _) => cell(text.clone()),
                (None, true) => Cell::new("No commentary provided", Style::new(CELL.size, Weight::Bold, WARNING)),
                (None, false) => cell(""),
            };
            let rating = rag_cell(line.rated);
            let mut row = vec![
                // Every indicator needing attention has a page in both packs.
                Cell::new(line.title.clone(), CELL_STRONG).linked(&line.id, &line.title),
                rating,
                cell(line.why.clone()),
                cell(line.previous.clone()),
                cell(line.value.clone()),
                cell(line.target.clone()),
            ];
            if with_commentary {
                row.push(commentary);
            }
            row
        })
        .collect();
    let right = Align::Right;
    let mut shares =
        vec![(2.4, Align::Left), (1.15, Align::Left), (3.0, Align::Left), (1.0, right), (1.0, right), (1.2, right)];
    let mut names = vec!["Indicator", "RAG", "Why", "Last month", "This month", "Target"];
    if with_commentary {
        shares.push((3.0, Align::Left));
        names.push("Commentary");
    }
    Table { columns: columns(&shares), header: header(&names), rows }
}

fn revised(flow: &mut Flow, scorecard: &Scorecard) {
    let revised: Vec<&IndicatorReport> =
        scorecard.indicators.iter().filter(|indicator| !indicator.revisions.is_empty()).collect();
    if revised.is_empty() {
        return;
    }
    flow.gap(6.0);
    flow.heading(2, "Revised since an earlier pack", SUBHEADING, 30.0);
    flow.paragraph(
        "Late recording or corrected records changed these months' values from what an earlier pack published:",
        BODY,
    );
    for indicator in revised {
        flow.bullet(&format!("{}: {}", indicator.title, revision_texts(indicator).join("; ")), BODY);
    }
}

/// The improvement plan, a table per priority, after the summary.
fn plan(flow: &mut Flow, scorecard: &Scorecard) {
    let Some(plan) = &scorecard.plan else { return };
    flow.gap(10.0);
    flow.heading(2, &format!("Plan on a page: progress in {}", plan.quarter), HEADING, 60.0);
    for priority in &plan.priorities {
        // Kept with the table's header and first row.
        flow.heading(3, &format!("{}. {}", priority.number, priority.title), SUBHEADING, 90.0);
        let rows = priority
            .actions
            .iter()
            .map(|action| {
                let row = action_row(action);
                vec![
                    cell(row.action),
                    cell(row.lead),
                    rag_cell_as(action_rag(action.rag)),
                    cell(row.progress),
                    cell(row.measured_by),
                ]
            })
            .collect();
        let left = Align::Left;
        flow.table(&Table {
            columns: columns(&[(2.2, left), (1.3, left), (1.0, left), (3.0, left), (2.0, left)]),
            header: header(&["Action", "Lead", "RAG", "Progress", "Measured by"]),
            rows,
        });
    }
}

fn summary(flow: &mut Flow, scorecard: &Scorecard) {
    flow.gap(10.0);
    flow.heading(2, "All indicators", HEADING, 60.0);
    let mut rows = Vec::new();
    for (theme, indicators) in by_theme(scorecard) {
        let band = Some(Rgb(245, 245, 245));
        let mut theme_row = vec![Cell::new(theme, CELL_STRONG).filled(band)];
        theme_row.extend((0..7).map(|_| cell("").filled(band)));
        rows.push(theme_row);
        for indicator in indicators {
            let row = summary_row(indicator);
            let value = match &row.place {
                Some(place) => format!("{} ({place})", row.value),
                None => row.value.clone(),
            };
            let plan = if row.plan_ref.is_empty() { String::new() } else { format!("{} ", row.plan_ref) };
            let owner = if row.owner.is_empty() { String::new() } else { format!("\n{}", row.owner) };
            rows.push(vec![
                cell(format!("{plan}{}{owner}", row.title)).linked(&indicator.id, &indicator.title),
                cell(value),
                cell(row.target),
                rag_cell(indicator.rag),
                cell(row.vs_month),
                cell(row.vs_year),
                cell(row.benchmark),
                cell(row.variation).with_badges(badges(indicator)),
            ]);
        }
    }
    let right = Align::Right;
    let left = Align::Left;
    flow.table(&Table {
        columns: columns(&[
            (2.4, left),
            (1.15, right),
            (1.1, right),
            (1.05, left),
            (1.1, left),
            (1.1, left),
            (1.4, left),
            (1.9, left),
        ]),
        header: header(&[
            "Indicator",
            "Latest",
            "Target",
            "RAG",
            "Since last month",
            "Since last year",
            "Benchmark",
            "Variation (SPC)",
        ]),
        rows,
    });
    key(flow);
}

/// What every letter and icon of the pack means.
fn key(flow: &mut Flow) {
    flow.gap(6.0);
    flow.heading(2, "Key", SUBHEADING, 60.0);
    flow.paragraph(
        "RAG: R red, A amber, G green, - not rated. Since last month, since last year: improving or worsening; up or down where there is no better direction; no change (within one unit of the rounding) or no significant change (a test of the counts at 95%). Variation and assurance (SPC), shown only where the chart draws the points they judge:",
        NOTE,
    );
    let entry = |icon: icons::Icon| {
        let (r, g, b) = icon.colour;
        Cell::new(icon.text, CELL).with_badges(vec![Badge { fill: Rgb(r, g, b), letter: icon.letter.to_string() }])
    };
    let entries: Vec<Cell> = icons::key().into_iter().map(entry).collect();
    let half = entries.len().div_ceil(2);
    let (left, right) = entries.split_at(half);
    let rows =
        (0..half).map(|row| vec![left[row].clone(), right.get(row).cloned().unwrap_or_else(|| cell(""))]).collect();
    flow.table(&Table { columns: columns(&[(1.0, Align::Left), (1.0, Align::Left)]), header: Vec::new(), rows });
}

/// The variation and assurance icons as the PDF draws them.
fn badges(indicator: &IndicatorReport) -> Vec<Badge> {
    let badge = |icon: icons::Icon| {
        let (r, g, b) = icon.colour;
        Badge { fill: Rgb(r, g, b), letter: icon.letter.to_string() }
    };
    icons::variation(indicator).into_iter().chain(icons::assurance(indicator)).map(badge).collect()
}

fn indicator_page(flow: &mut Flow, index: usize, indicator: &IndicatorReport, scorecard: &Scorecard) {
    flow.new_page();
    indicator_head(flow, indicator);
    if let Some(sentence) = actions_sentence(indicator) {
        flow.paragraph(&sentence, BODY);
    }
    let revisions = revision_texts(indicator);
    if !revisions.is_empty() {
        flow.paragraph(&format!("Revised since it was published: {}.", revisions.join("; ")), STRONG);
    }
    flow.gap(6.0);
    chart_and_commentary(flow, index, indicator, CHART_WIDTH);
    flow.gap(6.0);
    flow.heading(3, "What it measures", SUBHEADING, 20.0);
    flow.paragraph(&indicator.description, BODY);
    flow.gap(4.0);
    let rule: Vec<Vec<Cell>> = indicator
        .in_words
        .iter()
        .map(|(label, text)| vec![Cell::new(label.clone(), CELL_STRONG), cell(text.clone())])
        .collect();
    flow.table(&Table { columns: columns(&[(1.0, Align::Left), (4.0, Align::Left)]), header: Vec::new(), rows: rule });
    flow.gap(6.0);
    flow.heading(3, "Benchmark and statistics", SUBHEADING, 20.0);
    icon_line(flow, indicator);
    flow.paragraph(&format!("Benchmark: {}.", benchmark_text(indicator)), BODY);
    for line in statistics(indicator) {
        flow.bullet(&line, BODY);
    }
    breakdown(flow, indicator, scorecard);
}

/// An indicator's head on its page or half page: its theme, plan and
/// owner, its title (a bookmark and a link's anchor), its rating with the
/// headline figures, and the rating explained.
fn indicator_head(flow: &mut Flow, indicator: &IndicatorReport) {
    flow.bookmark(indicator.title.clone());
    flow.anchor(&indicator.id);
    flow.paragraph(&theme_line(indicator), NOTE);
    flow.heading(2, &indicator.title, HEADING, 0.0);
    flow.gap(4.0);
    rating_line(flow, indicator);
    if let Some(sentence) = rating_sentence(indicator) {
        flow.paragraph(&sentence, STRONG);
    }
}

/// An indicator on half a page of the board pack: its rating and figures,
/// the rating explained, and its chart with the commentary beside it. Two
/// share a page when both fit; a series with no value to draw says so in a
/// line instead of an empty chart.
fn indicator_block(flow: &mut Flow, index: usize, indicator: &IndicatorReport) {
    let sentence = rating_sentence(indicator);
    let forecast = forecast_sentence(indicator);
    let width = flow.body_width();
    let drawable = indicator.series.iter().any(|observation| observation.value.is_some());
    let chart = if drawable { BLOCK_CHART_WIDTH * CHART_PIXELS.1 as f32 / CHART_PIXELS.0 as f32 } else { 0.0 };
    let height = NOTE.size * 1.3
        + Flow::text_height(&indicator.title, HEADING, width)
        + Flow::text_height(&rating_line_text(indicator), BODY, width - 80.0).max(15.0)
        + 8.0
        + sentence.as_deref().map_or(0.0, |text| Flow::text_height(text, STRONG, width))
        + forecast.as_deref().map_or(0.0, |text| Flow::text_height(text, BODY, width))
        + 6.0
        + chart.max(SUBHEADING.size * 1.3 + BODY.size * 1.3 * 3.0)
        + 24.0;
    flow.keep(height);
    indicator_head(flow, indicator);
    if let Some(forecast) = &forecast {
        flow.paragraph(forecast, BODY);
    }
    flow.gap(6.0);
    if drawable {
        chart_and_commentary(flow, index, indicator, BLOCK_CHART_WIDTH);
    } else {
        flow.paragraph("Every month of this series is suppressed or not calculable, so there is no chart.", BODY);
        commentary_below(flow, indicator);
    }
    flow.gap(10.0);
    let right = MARGIN + width;
    let top = flow.block(8.0);
    flow.mark(Mark::Line { from: (MARGIN, top), to: (right, top), width: 0.5, colour: MUTED });
}

/// "Care leavers · plan 4.1 · owner: Head of Corporate Parenting".
fn theme_line(indicator: &IndicatorReport) -> String {
    let plan = indicator.plan_ref.as_ref().map(|plan| format!(" · plan {plan}")).unwrap_or_default();
    let owner = indicator.owner.as_ref().map(|owner| format!(" · owner: {owner}")).unwrap_or_default();
    format!("{}{plan}{owner}", super::summary::theme_title(&indicator.theme))
}

/// The commentary as a paragraph, when there is no chart to set it beside.
fn commentary_below(flow: &mut Flow, indicator: &IndicatorReport) {
    let (text, style) = commentary(indicator);
    flow.heading(3, "Commentary", SUBHEADING, 14.0);
    flow.paragraph(&text, style);
}

/// The commentary, or what its absence means: a red or amber rating with
/// none is flagged.
fn commentary(indicator: &IndicatorReport) -> (String, Style) {
    match (&indicator.commentary, indicator.rag) {
        (Some(text), _) => (text.clone(), BODY),
        (None, Some(Rag::Red | Rag::Amber)) => {
            ("No commentary provided.".to_string(), Style::new(BODY.size, Weight::Bold, WARNING))
        }
        (None, _) => ("No commentary this month.".to_string(), NOTE),
    }
}

/// The SPC icons with their meaning in words, when there is SPC.
fn icon_line(flow: &mut Flow, indicator: &IndicatorReport) {
    let icons: Vec<icons::Icon> = icons::variation(indicator).into_iter().chain(icons::assurance(indicator)).collect();
    if icons.is_empty() {
        return;
    }
    let words: Vec<String> = icons.iter().map(|icon| icon.text.clone()).collect();
    let cell = Cell::new(words.join("; "), BODY).with_badges(badges(indicator));
    flow.table(&Table { columns: columns(&[(1.0, Align::Left)]), header: Vec::new(), rows: vec![vec![cell]] });
}

/// The RAG badge and the headline figures on one line.
fn rating_line(flow: &mut Flow, indicator: &IndicatorReport) {
    let view = rag_view(indicator.rag);
    let (fill, ink) = rag_colours(indicator.rag);
    let badge = format!("{} {}", view.rag_letter, view.rag_text);
    let badge_width = super::fonts::width(&badge, Weight::Bold, STRONG.size) + 10.0;
    let text = rating_line_text(indicator);
    let text_width = flow.body_width() - badge_width - 8.0;
    let height = Flow::text_height(&text, BODY, text_width).max(15.0);
    let top = flow.block(height);
    if indicator.rag.is_some() {
        flow.mark(Mark::Rect { x: MARGIN, y: top, width: badge_width, height: 14.0, fill });
    }
    flow.within(Role::Paragraph, |flow| {
        flow.text_at(&badge, Style::new(STRONG.size, Weight::Bold, ink), MARGIN + 5.0, top + 1.0, badge_width);
        flow.text_at(&text, BODY, MARGIN + badge_width + 8.0, top + 1.0, text_width);
    });
    flow.gap(4.0);
}

/// What the chart shows, for a reader who cannot see it: the months it
/// covers, the latest value against its target or benchmark, the rating,
/// the direction, and the SPC signals in words.
fn chart_alt(indicator: &IndicatorReport) -> String {
    let first = indicator.series.first().map(|observation| month_name(observation.period)).unwrap_or_default();
    let (variation, assurance) = super::tables::spc_words(indicator);
    let spc = [variation, assurance].into_iter().filter(|words| !words.is_empty()).collect::<Vec<_>>().join("; ");
    let spc = if spc.is_empty() { String::new() } else { format!(" Process control: {spc}.") };
    let forecast =
        forecast_sentence(indicator).map(|text| format!(" Dashed, the forecast: {text}")).unwrap_or_default();
    format!(
        "Chart of {} by month, {first} to {}. {} {}{spc}{forecast}",
        indicator.title,
        month_name(indicator.latest.period),
        rating_line_text(indicator),
        rating_sentence(indicator).unwrap_or_default()
    )
}

/// The headline figures and the change since last month, beside the badge.
fn rating_line_text(indicator: &IndicatorReport) -> String {
    format!("{} {}", headline(indicator), since_last_sentence(indicator))
}

/// The chart, `chart_width` wide, with the commentary in a column beside
/// it; commentary longer than the chart is tall continues below it.
fn chart_and_commentary(flow: &mut Flow, index: usize, indicator: &IndicatorReport, chart_width: f32) {
    let chart_height = chart_width * CHART_PIXELS.1 as f32 / CHART_PIXELS.0 as f32;
    let top = flow.block(chart_height);
    flow.chart((MARGIN, top, chart_width, chart_height), index, chart_alt(indicator));
    let column_x = MARGIN + chart_width + GUTTER;
    let column_width = flow.body_width() - chart_width - GUTTER;
    let used = flow.within(Role::Heading(3, "Commentary".into()), |flow| {
        flow.text_at("Commentary", SUBHEADING, column_x, top, column_width)
    });
    let (text, style) = commentary(indicator);
    let lines = super::fonts::wrap(&text, style.weight, style.size, column_width);
    let fits = ((chart_height - used) / (style.size * 1.3)).floor().max(0.0) as usize;
    let (beside, below) = lines.split_at(fits.min(lines.len()));
    flow.within(Role::Paragraph, |flow| flow.text_at(&beside.join("\n"), style, column_x, top + used, column_width));
    if !below.is_empty() {
        flow.paragraph(&below.join(" "), style);
    }
}

/// The breakdown table if it fits on the indicator's page; otherwise where to find it.
fn breakdown(flow: &mut Flow, indicator: &IndicatorReport, scorecard: &Scorecard) {
    let Some(breakdown) = &indicator.breakdown else { return };
    let rows = breakdown
        .groups
        .iter()
        .map(|group| {
            vec![
                Cell::new(group.group.clone(), CELL_STRONG),
                cell(group_value(group, indicator)),
                cell(show_count(group.latest.numerator)),
                cell(show_count(group.latest.denominator)),
                rag_cell(group.rag),
            ]
        })
        .collect();
    let right = Align::Right;
    let table = Table {
        columns: columns(&[(2.0, Align::Left), (1.5, right), (1.0, right), (1.0, right), (1.0, Align::Left)]),
        header: header(&[&breakdown.column, "Value", "Numerator", "Denominator", "RAG"]),
        rows,
    };
    let heading = format!("By {}, {}", breakdown.column, month_name(scorecard.month));
    flow.gap(6.0);
    if flow.table_height(&table) + 30.0 <= flow.remaining() {
        flow.heading(3, &heading, SUBHEADING, 20.0);
        flow.table(&table);
    } else {
        let groups = breakdown.groups.len();
        flow.paragraph(&format!("{heading}: {groups} groups, too many for this page; see the workbook (scorecard.xlsx) or the web page."), NOTE);
    }
}

fn appendix(flow: &mut Flow, scorecard: &Scorecard) {
    flow.new_page();
    flow.bookmark("Appendix: definitions");
    flow.heading(2, "Appendix: definitions as written", HEADING, 0.0);
    flow.paragraph("Each indicator's definition generated from its file in indicators/, expressions as the analyst wrote them. The pages before this one give the same rules in words.", NOTE);
    flow.gap(6.0);
    for indicator in &scorecard.indicators {
        flow.heading(3, &indicator.title, SUBHEADING, 40.0);
        let rows = indicator
            .definition
            .iter()
            .map(|(label, text)| vec![Cell::new(label.clone(), CELL_STRONG), cell(text.clone())])
            .collect();
        flow.table(&Table { columns: columns(&[(1.0, Align::Left), (4.0, Align::Left)]), header: Vec::new(), rows });
        flow.gap(8.0);
    }
}
