//! `comparison.pdf`: a consortium's comparison on paper, tagged as the
//! board pack is. The grid of every indicator against every member first
//! (while the members fit across a page on its side), then each indicator's
//! rank table with its funnel plot and what the plot shows in words.

use super::build_time::BuildTime;
use super::failure::RenderError;
use super::fonts::Weight;
use super::format::{month_name, rag_view};
use super::funnel::{funnel_verdict, funnel_words, shown};
use super::funnel_chart::funnel_pdf;
use super::pdf_chart::PdfBackend;
use super::pdf_layout::{Align, Cell, Flow, Role, Style, Table, MARGIN};
use super::pdf_style::{cell, columns, header, rag_cell, rag_colours, CELL, CELL_STRONG, HEADING, NOTE, TITLE};
use super::pdf_write::{self, Info};
use super::rank_table::{median_text, polarity_text, rank_rows};
use crate::judge::{IndicatorRanking, MemberValue, Ranking};

/// Members a grid page holds across (A4 on its side at 9.5 pt): a larger
/// consortium's grid is in comparison.html and the workbook.
const GRID_MEMBERS: usize = 10;
/// The funnel's place on the page: drawn 440 x 253 px at 0.75, so its
/// 12 px text prints at 9 pt, and two indicators share a page.
const FUNNEL_PLACE: (f32, f32) = (330.0, 190.0);

pub(super) fn comparison_pdf(ranking: &Ranking, consortium: &str, built: &BuildTime) -> Result<Vec<u8>, RenderError> {
    let month = month_name(ranking.month);
    let title = format!("{consortium}: every member compared, {month}");
    let mut flow = Flow::new();
    let members = ranking.indicators.first().map_or(0, |indicator| indicator.members.len());
    // The opening page on its side when it holds the grid.
    flow.new_page_turned(members <= GRID_MEMBERS);
    flow.bookmark("Every member compared");
    flow.heading(1, &title, TITLE, 0.0);
    flow.paragraph(&format!("Built {}", built.text), NOTE);
    flow.gap(6.0);
    flow.paragraph(
        "Each authority's published value and its rank among the authorities with a value (1 is best); equal values, as shown, share a rank. c: suppressed, a small number.",
        NOTE,
    );
    flow.gap(6.0);
    grid(&mut flow, ranking);
    for (index, indicator) in ranking.indicators.iter().enumerate() {
        indicator_section(&mut flow, index, indicator);
    }
    let (pages, blocks) = flow.finish(&title);
    let info = Info {
        title,
        author: consortium.to_string(),
        document_id: format!("comparison-{consortium}-{}", ranking.month),
        created: built.epoch,
    };
    let draw_chart = |index: usize, backend: PdfBackend<'_, '_>| match ranking
        .indicators
        .get(index)
        .and_then(|indicator| Some((indicator, indicator.funnel.as_ref()?)))
    {
        Some((indicator, funnel)) => funnel_pdf(indicator, funnel, backend),
        None => Err(RenderError::Inconsistent(format!("no funnel {index} to draw"))),
    };
    pdf_write::write(&pages, &blocks, &draw_chart, &info)
}

/// Every indicator (rows) against every member (columns), value and
/// rating, on a page on its side.
fn grid(flow: &mut Flow, ranking: &Ranking) {
    let Some(first) = ranking.indicators.first() else { return };
    let members = first.members.len();
    if members > GRID_MEMBERS {
        let text = format!("With {members} members the grid of every indicator against every member is in comparison.html and the workbook's Grid sheet; each indicator's ranked table follows.");
        flow.paragraph(&text, CELL);
        return;
    }
    flow.heading(2, "Every indicator for every member", HEADING, 60.0);
    let rows = ranking
        .indicators
        .iter()
        .map(|indicator| {
            let mut row = vec![cell(indicator.title.clone()).linked(&indicator.id, &indicator.title)];
            row.extend(indicator.members.iter().map(|member| grid_cell(indicator, member)));
            row
        })
        .collect();
    let mut names = vec!["Indicator"];
    names.extend(first.members.iter().map(|member| member.name.as_str()));
    let mut shares = vec![(3.0, Align::Left)];
    shares.extend(std::iter::repeat_n((1.0, Align::Right), members));
    flow.table(&Table { columns: columns(&shares), header: header(&names), rows });
    flow.new_page_turned(false);
}

/// "63.2% A" on amber; an unrated value plain, with no letter.
fn grid_cell(indicator: &IndicatorRanking, member: &MemberValue) -> Cell {
    let (fill, ink) = rag_colours(member.rag);
    let letter = member.rag.map(|rag| format!(" {}", rag_view(Some(rag)).rag_letter)).unwrap_or_default();
    let style = Style::new(CELL.size, Weight::Regular, ink);
    Cell::new(format!("{}{letter}", shown(indicator, member)), style).filled(member.rag.map(|_| fill))
}

/// An indicator's rank table (numbered as its funnel's dots) and its funnel.
fn indicator_section(flow: &mut Flow, index: usize, indicator: &IndicatorRanking) {
    let mut rows: Vec<Vec<Cell>> = rank_rows(indicator)
        .into_iter()
        .map(|row| {
            vec![
                cell(row.number.to_string()),
                cell(row.rank),
                Cell::new(format!("{} {}", row.name, row.code), CELL_STRONG),
                cell(row.value),
                cell(row.counts),
                rag_cell(row.rating),
            ]
        })
        .collect();
    rows.push(vec![
        cell(""),
        cell(""),
        Cell::new("Median of the members", CELL_STRONG),
        cell(median_text(indicator)),
        cell(""),
        cell(""),
    ]);
    let right = Align::Right;
    let table = Table {
        columns: columns(&[
            (0.5, right),
            (0.8, right),
            (3.0, Align::Left),
            (1.2, right),
            (1.4, right),
            (1.2, Align::Left),
        ]),
        header: header(&["No.", "Rank", "Authority", "Value", "Of", "RAG"]),
        rows,
    };
    let (chart_width, chart_height) = FUNNEL_PLACE;
    let chart = if indicator.funnel.is_some() { chart_height + 6.0 } else { 0.0 };
    let heading = Flow::text_height(&indicator.title, HEADING, flow.body_width()) + HEADING.size * 1.3;
    flow.keep(heading + flow.table_height(&table).min(300.0) + chart);
    flow.bookmark(indicator.title.clone());
    flow.anchor(&indicator.id);
    let polarity = match polarity_text(indicator.polarity) {
        "" => String::new(),
        words => format!(": {words}"),
    };
    flow.heading(2, &format!("{} ({}){polarity}", indicator.title, indicator.unit), HEADING, 40.0);
    flow.table(&table);
    if let Some(funnel) = &indicator.funnel {
        flow.gap(6.0);
        let top = flow.block(chart_height);
        let alt = format!("Funnel plot of {}: {}", indicator.title, funnel_words(indicator, funnel, None));
        flow.chart((MARGIN, top, chart_width, chart_height), index, alt);
        // What the plot shows, in a column beside it.
        let note = format!(
            "Funnel plot: each dot is a member, numbered as in the table. {} Limits: {}, at 95% and 99.8%, around the members' overall value; a small authority's value moves further by chance, so its limits are wider.",
            funnel_verdict(funnel),
            funnel.kind.method()
        );
        let column = MARGIN + chart_width + 12.0;
        flow.within(Role::Paragraph, |flow| {
            flow.text_at(&note, NOTE, column, top + 8.0, flow.body_width() - chart_width - 12.0)
        });
    }
    flow.gap(12.0);
}
