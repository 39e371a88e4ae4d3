//! The PDFs' type and table cells: sizes chosen so nothing prints below
//! 9 pt, and ratings coloured as on the page with their letter beside.

use super::fonts::Weight;
use super::format::{rag_view, RagView};
use super::pdf_layout::{Align, Cell, Column, Rgb, Style, FOOTER_SIZE, INK, MUTED};
use crate::judge::Rag;

pub(super) const TITLE: Style = Style::new(20.0, Weight::Bold, INK);
pub(super) const SUBTITLE: Style = Style::new(13.0, Weight::Regular, INK);
pub(super) const HEADING: Style = Style::new(13.0, Weight::Bold, INK);
pub(super) const SUBHEADING: Style = Style::new(11.0, Weight::Bold, INK);
pub(super) const BODY: Style = Style::new(10.0, Weight::Regular, INK);
pub(super) const STRONG: Style = Style::new(10.0, Weight::Bold, INK);
/// Nothing smaller on paper (issue 32: 7.5 pt tables were hard to read).
pub(super) const NOTE: Style = Style::new(FOOTER_SIZE, Weight::Regular, MUTED);
pub(super) const CELL: Style = Style::new(9.5, Weight::Regular, INK);
pub(super) const CELL_STRONG: Style = Style::new(9.5, Weight::Bold, INK);
pub(super) const WARNING: Rgb = Rgb(179, 38, 30);

/// Badge colours as on the page, with the text colour that reads on each.
pub(super) fn rag_colours(rag: Option<Rag>) -> (Rgb, Rgb) {
    match rag {
        Some(Rag::Red) => (Rgb(179, 38, 30), Rgb(255, 255, 255)),
        Some(Rag::Amber) => (Rgb(242, 184, 75), INK),
        Some(Rag::Green) => (Rgb(27, 110, 60), Rgb(255, 255, 255)),
        None => (Rgb(255, 255, 255), INK),
    }
}

/// "A amber": the letter keeps the rating readable in black and white.
pub(super) fn rag_cell(rag: Option<Rag>) -> Cell {
    rag_cell_as((rag, rag_view(rag)))
}

/// A rating cell coloured as `rag`, worded as `view`.
pub(super) fn rag_cell_as((rag, view): (Option<Rag>, RagView)) -> Cell {
    let (fill, ink) = rag_colours(rag);
    Cell::new(format!("{} {}", view.rag_letter, view.rag_text), Style::new(CELL.size, Weight::Bold, ink))
        .filled(rag.map(|_| fill))
}

pub(super) fn cell(text: impl Into<String>) -> Cell {
    Cell::new(text, CELL)
}

pub(super) fn header(names: &[&str]) -> Vec<Cell> {
    names.iter().map(|name| Cell::new(*name, CELL_STRONG)).collect()
}

pub(super) fn columns(shares: &[(f32, Align)]) -> Vec<Column> {
    shares.iter().map(|&(share, align)| Column { share, align }).collect()
}
