//! Laid-out pages to PDF bytes with krilla: fonts embedded (subset), text
//! selectable, bookmarks for the pages that have one, metadata dated by the
//! build (so `SOURCE_DATE_EPOCH` gives byte-identical files).

use super::fonts::Weight;
use super::pdf_chart::{circle, PdfBackend};
use super::pdf_layout::{page_size, Mark, Page, Rgb};
use chrono::{Datelike, Timelike};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

/// What the PDF says about itself.
pub(super) struct Info {
    pub title: String,
    pub author: String,
    /// The same for every version of one pack (authority and month).
    pub document_id: String,
    /// Seconds since 1970: the build time.
    pub created: i64,
}

/// Draws chart `indicator` (an index into the scorecard) at the size the backend has.
pub(super) type ChartDrawer<'c> = dyn Fn(usize, PdfBackend) -> Result<(), String> + 'c;

/// The pixel size charts are drawn at before scaling onto the page: 350
/// pt wide there, a scale of 0.8, so their 15-unit text is 9.6 pt.
pub(super) const CHART_PIXELS: (u32, u32) = (440, 330);

pub(super) fn write(pages: &[Page], draw_chart: &ChartDrawer, info: &Info) -> Result<Vec<u8>, String> {
    let fonts = fonts()?;
    let mut document = Document::new();
    for page in pages {
        let (width, height) = page_size(page.landscape);
        let settings = PageSettings::from_wh(width, height).ok_or("the A4 page size is valid")?;
        let mut pdf_page = document.start_page_with(settings);
        let mut surface = pdf_page.surface();
        for mark in &page.marks {
            draw(&mut surface, mark, &fonts, draw_chart)?;
        }
        surface.finish();
        pdf_page.finish();
    }
    document.set_outline(outline(pages));
    document.set_metadata(metadata(info));
    document.finish().map_err(|error| format!("writing the PDF: {error:?}"))
}

fn fonts() -> Result<(Font, Font), String> {
    let font = |weight: Weight| {
        Font::new(weight.bytes().into(), 0).ok_or_else(|| "the bundled DejaVu font could not be read".to_string())
    };
    Ok((font(Weight::Regular)?, font(Weight::Bold)?))
}

fn colour(Rgb(r, g, b): Rgb) -> krilla::paint::Paint {
    rgb::Color::new(r, g, b).into()
}

fn draw(surface: &mut Surface, mark: &Mark, fonts: &(Font, Font), draw_chart: &ChartDrawer) -> Result<(), String> {
    match mark {
        Mark::Text { x, y, size, weight, colour: ink, text } => {
            let font = if *weight == Weight::Bold { fonts.1.clone() } else { fonts.0.clone() };
            surface.set_stroke(None);
            surface.set_fill(Some(Fill { paint: colour(*ink), ..Default::default() }));
            surface.draw_text(Point::from_xy(*x, *y), font, *size, text, false, TextDirection::LeftToRight);
        }
        Mark::Rect { x, y, width, height, fill } => {
            let mut builder = PathBuilder::new();
            if let Some(rect) = krilla::geom::Rect::from_xywh(*x, *y, *width, *height) {
                builder.push_rect(rect);
            }
            if let Some(path) = builder.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill { paint: colour(*fill), ..Default::default() }));
                surface.draw_path(&path);
            }
        }
        Mark::Circle { centre, radius, fill } => {
            if let Some(path) = circle(*centre, *radius) {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill { paint: colour(*fill), ..Default::default() }));
                surface.draw_path(&path);
            }
        }
        Mark::Line { from, to, width, colour: ink } => {
            let mut builder = PathBuilder::new();
            builder.move_to(from.0, from.1);
            builder.line_to(to.0, to.1);
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke { paint: colour(*ink), width: *width, ..Default::default() }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Mark::Chart { x, y, width, indicator, .. } => {
            let scale = width / CHART_PIXELS.0 as f32;
            draw_chart(*indicator, PdfBackend::new(surface, (*x, *y, scale), CHART_PIXELS, fonts.clone()))?;
        }
    }
    Ok(())
}

fn outline(pages: &[Page]) -> Outline {
    let mut outline = Outline::new();
    for (index, page) in pages.iter().enumerate() {
        if let Some(title) = &page.bookmark {
            outline.push_child(OutlineNode::new(title.clone(), XyzDestination::new(index, Point::from_xy(0.0, 0.0))));
        }
    }
    outline
}

fn metadata(info: &Info) -> Metadata {
    let mut metadata = Metadata::new()
        .title(info.title.clone())
        .authors(vec![info.author.clone()])
        .language("en-GB".to_string())
        .creator(format!("Scorecard {}", env!("CARGO_PKG_VERSION")))
        .document_id(info.document_id.clone());
    if let Some(time) = chrono::DateTime::from_timestamp(info.created, 0) {
        let date = DateTime::new(time.year().clamp(0, 9999) as u16)
            .month(time.month() as u8)
            .day(time.day() as u8)
            .hour(time.hour() as u8)
            .minute(time.minute() as u8)
            .second(time.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        metadata = metadata.creation_date(date);
    }
    metadata
}
