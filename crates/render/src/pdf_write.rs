//! Laid-out pages to PDF bytes with krilla: fonts embedded (subset), text
//! selectable, bookmarks for the pages that have one, metadata dated by the
//! build (so `SOURCE_DATE_EPOCH` gives byte-identical files).

use super::failure::RenderError;
use super::fonts::Weight;
use super::pdf_chart::{circle, PdfBackend};
use super::pdf_layout::{page_size, Block, Mark, Page, Rgb, Role};
use chrono::{Datelike, Timelike};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::Destination;
use krilla::destination::XyzDestination;
use krilla::geom::Rect;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Node, SpanTag, TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::Font;
use krilla::{Document, SerializeSettings};
use std::num::NonZeroU16;

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
pub(super) type ChartDrawer<'c> = dyn Fn(usize, PdfBackend) -> Result<(), RenderError> + 'c;

/// The pixel size charts are drawn at before scaling onto the page: 350
/// pt wide there, a scale of 0.8, so their 15-unit text is 9.6 pt.
pub(super) const CHART_PIXELS: (u32, u32) = (440, 330);

/// Tagged PDF/UA-1, checked by krilla's validator as it writes: every
/// line of text is in a block of the structure tree (heading, paragraph,
/// table cell) or marked an artifact (footers, repeated table headers,
/// rules and fills); every chart is a figure with its text alternative.
pub(super) fn write(
    pages: &[Page],
    blocks: &[Block],
    draw_chart: &ChartDrawer,
    info: &Info,
) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts()?;
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|error| RenderError::Pdf(format!("configuring PDF/UA-1: {error:?}")))?;
    let mut document = Document::new_with(SerializeSettings { configuration, ..SerializeSettings::default() });
    let mut leaves: Vec<Vec<Node>> = vec![Vec::new(); blocks.len()];
    for page in pages {
        let (width, height) = page_size(page.landscape);
        let settings = PageSettings::from_wh(width, height)
            .ok_or_else(|| RenderError::Inconsistent("the A4 page size is not valid".into()))?;
        let mut pdf_page = document.start_page_with(settings);
        let mut surface = pdf_page.surface();
        for mark in page.marks.iter().filter(|mark| !matches!(mark, Mark::Link { .. })) {
            let tag = match mark_block(mark) {
                Some(_) if matches!(mark, Mark::Chart { .. }) => ContentTag::Other,
                Some(_) => ContentTag::Span(SpanTag::empty()),
                None => ContentTag::Artifact(Artifact::new(ArtifactType::Other, None)),
            };
            let identifier = surface.start_tagged(tag);
            let drawn = draw(&mut surface, mark, &fonts, draw_chart);
            surface.end_tagged();
            drawn?;
            if let Some(block) = mark_block(mark) {
                leaves[block].push(identifier.into());
            }
        }
        surface.finish();
        for (area, anchor, block) in page.marks.iter().filter_map(link) {
            let Some(destination) = destination(pages, anchor) else { continue };
            let Some(rect) = Rect::from_xywh(area.0, area.1, area.2, area.3) else { continue };
            let target = Target::Destination(Destination::Xyz(destination));
            let words = match &blocks[block].role {
                Role::Link(words) => Some(words.clone()),
                _ => None,
            };
            let identifier =
                pdf_page.add_tagged_annotation(Annotation::new_link(LinkAnnotation::new(rect, target), words));
            leaves[block].push(identifier.into());
        }
        pdf_page.finish();
    }
    document.set_tag_tree(tag_tree(blocks, leaves));
    document.set_outline(outline(pages));
    document.set_metadata(metadata(info));
    document.finish().map_err(|error| RenderError::Pdf(format!("writing the PDF: {error:?}")))
}

fn mark_block(mark: &Mark) -> Option<usize> {
    match mark {
        Mark::Text { block, .. } => *block,
        Mark::Chart { block, .. } => Some(*block),
        _ => None,
    }
}

/// A link's area (x, y, width, height), its anchor and its block.
type LinkMark<'a> = ((f32, f32, f32, f32), &'a str, usize);

fn link(mark: &Mark) -> Option<LinkMark<'_>> {
    match mark {
        Mark::Link { area, anchor, block } => Some((*area, anchor.as_str(), *block)),
        _ => None,
    }
}

/// The page and height where `anchor` was set.
fn destination(pages: &[Page], anchor: &str) -> Option<XyzDestination> {
    pages.iter().enumerate().find_map(|(index, page)| {
        let (_, y) = page.anchors.iter().find(|(name, _)| name == anchor)?;
        Some(XyzDestination::new(index, Point::from_xy(0.0, *y)))
    })
}

/// The blocks nested as they were laid out (cells in rows in tables), in
/// reading order, each holding its marked content.
fn tag_tree(blocks: &[Block], mut leaves: Vec<Vec<Node>>) -> TagTree {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); blocks.len()];
    let mut roots = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        match block.parent {
            Some(parent) => children[parent].push(index),
            None => roots.push(index),
        }
    }
    let mut tree = TagTree::new().with_lang(Some("en-GB".to_string()));
    for root in roots {
        tree.push(tag_group(root, blocks, &children, &mut leaves));
    }
    tree
}

/// Block `index` with its marked content, then its children's groups.
fn tag_group(index: usize, blocks: &[Block], children: &[Vec<usize>], leaves: &mut [Vec<Node>]) -> TagGroup {
    let mut node = TagGroup::new(tag_of(&blocks[index].role));
    for leaf in std::mem::take(&mut leaves[index]) {
        node.push(leaf);
    }
    for &child in &children[index] {
        node.push(tag_group(child, blocks, children, leaves));
    }
    node
}

fn tag_of(role: &Role) -> TagKind {
    match role {
        Role::Heading(level, title) => {
            Tag::Hn(NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN), Some(title.clone())).into()
        }
        Role::Paragraph => Tag::P.into(),
        Role::Table => Tag::Table.into(),
        Role::Row => Tag::TR.into(),
        Role::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
        Role::Cell => Tag::TD.into(),
        Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
        Role::Link(_) => Tag::Link.into(),
    }
}

fn fonts() -> Result<(Font, Font), RenderError> {
    let font = |weight: Weight| {
        Font::new(weight.bytes().into(), 0)
            .ok_or_else(|| RenderError::Pdf("the bundled DejaVu font could not be read".into()))
    };
    Ok((font(Weight::Regular)?, font(Weight::Bold)?))
}

fn colour(Rgb(r, g, b): Rgb) -> krilla::paint::Paint {
    rgb::Color::new(r, g, b).into()
}

fn draw(surface: &mut Surface, mark: &Mark, fonts: &(Font, Font), draw_chart: &ChartDrawer) -> Result<(), RenderError> {
    match mark {
        Mark::Text { x, y, size, weight, colour: ink, text, .. } => {
            let font = if *weight == Weight::Bold { fonts.1.clone() } else { fonts.0.clone() };
            surface.set_stroke(None);
            surface.set_fill(Some(Fill { paint: colour(*ink), ..Default::default() }));
            let text = super::fonts::printable(text);
            let glyphs = super::fonts::glyphs(&text, *weight);
            surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs, font, &text, *size, false);
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
        // Links are annotations, added once the page's content is drawn.
        Mark::Link { .. } => {}
        Mark::Chart { x, y, width, height, indicator, .. } => {
            // Drawn 440 px wide whatever its place's shape, so its text
            // prints at one size; as many pixels high as the place is tall.
            let scale = width / CHART_PIXELS.0 as f32;
            let pixels = (CHART_PIXELS.0, (height / scale).round() as u32);
            draw_chart(*indicator, PdfBackend::new(surface, (*x, *y, scale), pixels, fonts.clone()))?;
        }
    }
    Ok(())
}

fn outline(pages: &[Page]) -> Outline {
    let mut outline = Outline::new();
    for (index, page) in pages.iter().enumerate() {
        for (title, y) in &page.bookmarks {
            outline.push_child(OutlineNode::new(title.clone(), XyzDestination::new(index, Point::from_xy(0.0, *y))));
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
