//! A plotters drawing backend that draws onto a PDF page, so the board
//! pack's charts are the same charts as the page's SVG, as vectors: sharp
//! when printed, with selectable text. Text is placed as the SVG backend
//! places it (plotters' pixel size / 1.24 as the font size).

use super::fonts::{self, Weight};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::Font;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontStyle,
    FontTransform,
};
use std::convert::Infallible;

/// What plotters calls a font's size is 1.24 times the font size it means.
const SIZE_TO_EM: f64 = 1.24;
/// DejaVu Sans' x-height as a share of the em, for centring text as SVG does.
const X_HEIGHT: f32 = 1120.0 / 2048.0;

pub(super) struct PdfBackend<'a, 'b> {
    surface: &'a mut Surface<'b>,
    size: (u32, u32),
    regular: Font,
    bold: Font,
    clipped: bool,
}

impl<'a, 'b> PdfBackend<'a, 'b> {
    /// Draws at (`x`, `y`) on the page, a `size` pixel chart scaled by `scale`,
    /// clipped to its area, until the backend is dropped.
    pub(super) fn new(
        surface: &'a mut Surface<'b>,
        (x, y, scale): (f32, f32, f32),
        size: (u32, u32),
        (regular, bold): (Font, Font),
    ) -> PdfBackend<'a, 'b> {
        surface.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, x, y));
        let area = Rect::from_xywh(0.0, 0.0, size.0 as f32, size.1 as f32).and_then(rectangle);
        if let Some(area) = &area {
            surface.push_clip_path(area, &Default::default());
        }
        PdfBackend { surface, size, regular, bold, clipped: area.is_some() }
    }

    fn stroke<S: BackendStyle>(&mut self, path: Option<krilla::geom::Path>, style: &S) {
        let Some(path) = path else { return };
        let colour = style.color();
        if colour.alpha == 0.0 {
            return;
        }
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: paint(colour),
            width: style.stroke_width().max(1) as f32,
            opacity: opacity(colour),
            ..Default::default()
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
    }

    fn fill(&mut self, path: Option<krilla::geom::Path>, colour: BackendColor) {
        let Some(path) = path else { return };
        if colour.alpha == 0.0 {
            return;
        }
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill { paint: paint(colour), opacity: opacity(colour), ..Default::default() }));
        self.surface.draw_path(&path);
        self.surface.set_fill(None);
    }
}

impl Drop for PdfBackend<'_, '_> {
    fn drop(&mut self) {
        if self.clipped {
            self.surface.pop();
        }
        self.surface.pop();
    }
}

fn rectangle(rect: Rect) -> Option<krilla::geom::Path> {
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    builder.finish()
}

fn polyline(points: impl IntoIterator<Item = BackendCoord>, close: bool) -> Option<krilla::geom::Path> {
    let mut builder = PathBuilder::new();
    for (index, (x, y)) in points.into_iter().enumerate() {
        if index == 0 {
            builder.move_to(x as f32, y as f32);
        } else {
            builder.line_to(x as f32, y as f32);
        }
    }
    if close {
        builder.close();
    }
    builder.finish()
}

/// A circle from four cubic curves (the usual 0.5523 handle length).
pub(super) fn circle((cx, cy): (f32, f32), r: f32) -> Option<krilla::geom::Path> {
    let k = 0.552_284_8 * r;
    let mut builder = PathBuilder::new();
    builder.move_to(cx + r, cy);
    builder.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    builder.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    builder.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    builder.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    builder.close();
    builder.finish()
}

fn point((x, y): BackendCoord) -> (f32, f32) {
    (x as f32, y as f32)
}

fn paint(colour: BackendColor) -> krilla::paint::Paint {
    let (r, g, b) = colour.rgb;
    rgb::Color::new(r, g, b).into()
}

fn opacity(colour: BackendColor) -> NormalizedF32 {
    NormalizedF32::new(colour.alpha.clamp(0.0, 1.0) as f32).unwrap_or(NormalizedF32::ONE)
}

fn weight(style: FontStyle) -> Weight {
    match style {
        FontStyle::Bold => Weight::Bold,
        _ => Weight::Regular,
    }
}

impl DrawingBackend for PdfBackend<'_, '_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, colour: BackendColor) -> Result<(), DrawingErrorKind<Infallible>> {
        self.fill(Rect::from_xywh(x as f32, y as f32, 1.0, 1.0).and_then(rectangle), colour);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.stroke(polyline([from, to], false), style);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (left, top): BackendCoord,
        (right, bottom): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let corners = [(left, top), (right, top), (right, bottom), (left, bottom)];
        if fill {
            self.fill(polyline(corners, true), style.color());
        } else {
            self.stroke(polyline(corners, true), style);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.stroke(polyline(path, false), style);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if fill {
            self.fill(circle(point(centre), radius as f32), style.color());
        } else {
            self.stroke(circle(point(centre), radius as f32), style);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.fill(polyline(vertices, true), style.color());
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let colour = style.color();
        if colour.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let weight = weight(style.style());
        let size = (style.size() / SIZE_TO_EM) as f32;
        let width = fonts::width(text, weight, size);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.76 * size,
            VPos::Center => 0.5 * X_HEIGHT * size,
            VPos::Bottom => -0.5 * X_HEIGHT * size,
        };
        let angle = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        };
        let font = if weight == Weight::Bold { self.bold.clone() } else { self.regular.clone() };
        self.surface.push_transform(&Transform::from_rotate_at(angle, x as f32, y as f32));
        self.surface.set_fill(Some(Fill { paint: paint(colour), opacity: opacity(colour), ..Default::default() }));
        let start = Point::from_xy(x as f32 + dx, y as f32 + dy);
        let text = super::fonts::printable(text);
        let glyphs = fonts::glyphs(&text, weight);
        self.surface.draw_glyphs(start, &glyphs, font, &text, size, false);
        self.surface.pop();
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let weight = weight(style.style());
        let size = (style.size() / SIZE_TO_EM) as f32;
        let (ascent, descent) = fonts::ascent_descent(weight, size);
        Ok((fonts::width(text, weight, size).ceil() as u32, (ascent + descent).ceil() as u32))
    }
}
