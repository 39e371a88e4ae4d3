//! A plotters backend that draws a chart laid out at its own size into a
//! bitmap twice as large: every coordinate, line width, radius and letter
//! doubled. The PNGs are for slides and print, where 720 x 400 pixels was too
//! coarse; the layout (and so every label's place) is the SVG's.

use super::memo::Memo;
use plotters::prelude::BitMapBackend;
use plotters::style::{FontDesc, FontError, FontFamily, FontStyle, FontTransform};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use std::sync::Arc;

/// How much larger the bitmap is than the chart's layout.
pub(super) const SCALE: u32 = 2;

type Error<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

pub(super) struct Doubled<'a>(pub BitMapBackend<'a>);

fn doubled((x, y): BackendCoord) -> BackendCoord {
    (x * SCALE as i32, y * SCALE as i32)
}

/// A line or fill style with its stroke doubled.
struct Thick<'s, S>(&'s S);

impl<S: BackendStyle> BackendStyle for Thick<'_, S> {
    fn color(&self) -> BackendColor {
        self.0.color()
    }

    fn stroke_width(&self) -> u32 {
        self.0.stroke_width() * SCALE
    }
}

/// A text style set at twice its size.
struct Bigger<'s, T>(&'s T);

impl<T: BackendTextStyle> Bigger<'_, T> {
    fn font(&self) -> FontDesc<'_> {
        FontDesc::new(self.0.family(), self.0.size() * SCALE as f64, self.0.style()).transform(self.0.transform())
    }
}

impl<T: BackendTextStyle> BackendTextStyle for Bigger<'_, T> {
    type FontError = FontError;

    fn color(&self) -> BackendColor {
        self.0.color()
    }

    fn size(&self) -> f64 {
        self.0.size() * SCALE as f64
    }

    fn transform(&self) -> FontTransform {
        self.0.transform()
    }

    fn style(&self) -> FontStyle {
        self.0.style()
    }

    fn anchor(&self) -> Pos {
        self.0.anchor()
    }

    fn family(&self) -> FontFamily<'_> {
        self.0.family()
    }

    #[allow(clippy::type_complexity)]
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), FontError> {
        self.font().layout_box(text)
    }

    fn draw<E, DrawFunc: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        mut draw: DrawFunc,
    ) -> Result<Result<(), E>, FontError> {
        let colour = self.0.color();
        self.font().draw(text, pos, move |x, y, coverage| {
            draw(x, y, BackendColor { alpha: colour.alpha * coverage as f64, rgb: colour.rgb })
        })
    }
}

/// The pixels plotters fills for a thick horizontal or vertical segment
/// (a polygon swept along the segment: every step but the last, and the
/// half width either side, both ends included), as a rectangle whose lower
/// right corner is outside it; `None` where its sweep goes the other way
/// (a segment no longer than its width) or its half width is not whole.
/// Grid lines are such segments, and filling them as polygons was a sixth
/// of a PNG's time.
fn straight_band(from: BackendCoord, to: BackendCoord, width: u32) -> Option<(BackendCoord, BackendCoord)> {
    let half = (width / 2) as i32;
    if width < 2 || width % 2 == 1 {
        return None;
    }
    let across = |along: fn(BackendCoord) -> i32, other: fn(BackendCoord) -> i32| {
        let (start, end) = (along(from).min(along(to)), along(from).max(along(to)));
        (other(from) == other(to) && end - start > 2 * half).then_some((start, end, other(from)))
    };
    if let Some((start, end, y)) = across(|point| point.0, |point| point.1) {
        return Some(((start, y - half), (end, y + half + 1)));
    }
    across(|point| point.1, |point| point.0).map(|(start, end, x)| ((x - half, start), (x + half + 1, end)))
}

impl Doubled<'_> {
    /// A see-through horizontal band is blended a column at a time, as the
    /// polygon's sweep blends it: plotters rounds a blend of eight or more
    /// pixels in a row otherwise than a shorter one.
    fn fill_band(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        colour: BackendColor,
    ) -> Result<(), Error<'_>> {
        let (width, height) = (bottom_right.0 - upper_left.0, bottom_right.1 - upper_left.1);
        if colour.alpha == 0.0 {
            return Ok(());
        }
        if colour.alpha >= 1.0 || width <= height {
            return self.0.draw_rect(upper_left, bottom_right, &colour, true);
        }
        for x in upper_left.0..bottom_right.0 {
            self.0.draw_rect((x, upper_left.1), (x + 1, bottom_right.1), &colour, true)?;
        }
        Ok(())
    }
}

impl<'a> DrawingBackend for Doubled<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (width, height) = self.0.get_size();
        (width / SCALE, height / SCALE)
    }

    fn ensure_prepared(&mut self) -> Result<(), Error<'a>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error<'a>> {
        self.0.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, colour: BackendColor) -> Result<(), Error<'a>> {
        let (x, y) = doubled(point);
        for dx in 0..SCALE as i32 {
            for dy in 0..SCALE as i32 {
                self.0.draw_pixel((x + dx, y + dy), colour)?;
            }
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), Error<'a>> {
        let (from, to, thick) = (doubled(from), doubled(to), Thick(style));
        match straight_band(from, to, thick.stroke_width()) {
            Some((upper_left, bottom_right)) => self.fill_band(upper_left, bottom_right, style.color()),
            None => self.0.draw_line(from, to, &thick),
        }
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        // A rectangle's last row and column are inside it: so are their doubles.
        let (right, bottom) = doubled(bottom_right);
        let corner = (right + SCALE as i32 - 1, bottom + SCALE as i32 - 1);
        self.0.draw_rect(doubled(upper_left), corner, &Thick(style), fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        let thick = Thick(style);
        let mut path = path.into_iter().map(doubled);
        let (first, second, third) = (path.next(), path.next(), path.next());
        let band = match (first, second, third) {
            (Some(from), Some(to), None) => straight_band(from, to, thick.stroke_width()),
            _ => None,
        };
        match band {
            Some((upper_left, bottom_right)) => self.fill_band(upper_left, bottom_right, style.color()),
            None => self.0.draw_path(first.into_iter().chain(second).chain(third).chain(path), &thick),
        }
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_circle(doubled(centre), radius * SCALE, &Thick(style), fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.fill_polygon(vertices.into_iter().map(doubled), style)
    }

    /// What plotters' own `draw_text` does, but with each text's glyphs
    /// rasterised once per thread: tick labels, month names and legends
    /// repeat on every chart, and outlining them again was about a quarter
    /// of a PNG's time. The pixels and their coverage are plotters' own.
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), Error<'a>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let bigger = Bigger(style);
        let text_pixels = rasterised(text, &bigger).map_err(|error| DrawingErrorKind::FontError(Box::new(error)))?;
        let ((min_x, min_y), (max_x, max_y)) = text_pixels.layout;
        let anchor = bigger.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -(max_x - min_x),
            HPos::Center => -(max_x - min_x) / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -(max_y - min_y) / 2,
            VPos::Bottom => -(max_y - min_y),
        };
        let transform = bigger.transform();
        let (width, height) = self.0.get_size();
        let (x0, y0) = doubled(pos);
        for &(x, y, coverage) in &text_pixels.pixels {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (x0 + x, y0 + y);
            if x >= 0 && x < width as i32 && y >= 0 && y < height as i32 {
                self.0.draw_pixel((x, y), BackendColor { alpha: colour.alpha * coverage as f64, rgb: colour.rgb })?;
            }
        }
        Ok(())
    }

    /// At the layout's size: the chart places its labels by it.
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), Error<'a>> {
        self.0.estimate_text_size(text, style)
    }
}

/// A text drawn at the origin: its layout box and every pixel it covers.
struct TextPixels {
    layout: ((i32, i32), (i32, i32)),
    pixels: Vec<(i32, i32, f32)>,
}

/// The text, the font family and style, and the size's bits.
type TextKey = (String, String, String, u64);

fn rasterised<T: BackendTextStyle>(text: &str, style: &Bigger<'_, T>) -> Result<Arc<TextPixels>, FontError> {
    // More distinct texts than a bundle's charts hold.
    static TEXTS: Memo<TextKey, Arc<TextPixels>> = Memo::new(4096);
    let key = (
        text.to_string(),
        style.family().as_str().to_string(),
        style.style().as_str().to_string(),
        style.size().to_bits(),
    );
    TEXTS.try_get_or_make(key, || {
        let font = style.font();
        let layout = font.layout_box(text)?;
        let mut pixels = Vec::new();
        font.draw(text, (0, 0), |x, y, coverage| {
            pixels.push((x, y, coverage));
            Ok::<(), FontError>(())
        })??;
        Ok(Arc::new(TextPixels { layout, pixels }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{IntoFont, TextStyle};

    /// Each text drawn by the cache and by plotters' own `draw_text` (the
    /// default it replaces), twice so the second comes from the cache.
    #[test]
    fn cached_text_draws_the_pixels_plotters_draws() {
        super::super::charts::register_fonts();
        let size = (160, 120);
        let draw = |cached: bool| {
            let mut pixels = vec![255u8; (size.0 * size.1 * 3) as usize];
            {
                let mut backend = Doubled(BitMapBackend::with_buffer(&mut pixels, size));
                for (index, (text, h_pos, v_pos, transform)) in [
                    ("Apr 25", HPos::Left, VPos::Top, FontTransform::None),
                    ("12.5%", HPos::Right, VPos::Center, FontTransform::None),
                    ("days", HPos::Center, VPos::Bottom, FontTransform::Rotate270),
                    ("Apr 25", HPos::Center, VPos::Center, FontTransform::None),
                ]
                .into_iter()
                .enumerate()
                {
                    let font = ("sans-serif", 11.0 + index as f64).into_font().transform(transform);
                    let colour = plotters::style::RGBColor(200, 30 * index as u8, 60);
                    let style = TextStyle::from(font).color(&colour).pos(Pos::new(h_pos, v_pos));
                    let at = (40, 30 + 12 * index as i32);
                    if cached {
                        backend.draw_text(text, &style, at).expect("drawn");
                    } else {
                        backend.0.draw_text(text, &Bigger(&style), doubled(at)).expect("drawn");
                    }
                }
            }
            pixels
        };
        let by_plotters = draw(false);
        assert!(by_plotters.iter().any(|&byte| byte != 255), "something was drawn");
        assert_eq!(draw(true), by_plotters);
        assert_eq!(draw(true), by_plotters, "again, from the cache");
    }

    /// Every short and long, forward and backward, opaque and see-through
    /// straight segment, some running off the bitmap, drawn as a band and by
    /// plotters' own polygon fill (what `Thick` lines went through before):
    /// the same pixels. Lines and two-point paths both.
    #[test]
    fn straight_bands_are_the_pixels_plotters_fills() {
        let size = (48, 40);
        let segments: Vec<(BackendCoord, BackendCoord)> = (0..9)
            .flat_map(|length| {
                [
                    ((3, 5), (3 + length, 5)),
                    ((20, 8), (20 - length, 8)),
                    ((6, 2), (6, 2 + length)),
                    ((9, 19), (9, 19 - length)),
                ]
            })
            .chain([((-4, 0), (30, 0)), ((0, -3), (0, 25)), ((10, 19), (30, 19)), ((23, 1), (23, 40))])
            .collect();
        for width in 1..=3 {
            for alpha in [1.0, 0.4] {
                let style = plotters::style::ShapeStyle {
                    color: plotters::style::RGBAColor(180, 40, 90, alpha),
                    filled: false,
                    stroke_width: width,
                };
                for &(from, to) in &segments {
                    let draw = |how: u8| {
                        let mut pixels = vec![230u8; (size.0 * size.1 * 3) as usize];
                        {
                            let mut backend = Doubled(BitMapBackend::with_buffer(&mut pixels, size));
                            match how {
                                0 => backend.0.draw_line(doubled(from), doubled(to), &Thick(&style)).expect("drawn"),
                                1 => backend.draw_line(from, to, &style).expect("drawn"),
                                2 => backend.0.draw_path([doubled(from), doubled(to)], &Thick(&style)).expect("drawn"),
                                _ => backend.draw_path([from, to], &style).expect("drawn"),
                            }
                        }
                        pixels
                    };
                    assert_eq!(draw(1), draw(0), "line {from:?} to {to:?}, width {width}, alpha {alpha}");
                    assert_eq!(draw(3), draw(2), "path {from:?} to {to:?}, width {width}, alpha {alpha}");
                }
            }
        }
        // The test reaches the band, not only the fallback.
        assert_eq!(straight_band((6, 10), (16, 10), 2), Some(((6, 9), (16, 12))));
        assert_eq!(straight_band((8, 30), (8, 4), 4), Some(((6, 4), (11, 30))));
        assert_eq!(straight_band((6, 10), (8, 10), 2), None, "no longer than its width");
    }
}
