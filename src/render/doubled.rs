//! A plotters backend that draws a chart laid out at its own size into a
//! bitmap twice as large: every coordinate, line width, radius and letter
//! doubled. The PNGs are for slides and print, where 720 x 400 pixels was too
//! coarse; the layout (and so every label's place) is the SVG's.

use plotters::prelude::BitMapBackend;
use plotters::style::{FontDesc, FontError, FontFamily, FontStyle, FontTransform};
use plotters_backend::text_anchor::Pos;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};

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
        self.0.draw_line(doubled(from), doubled(to), &Thick(style))
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
        self.0.draw_path(path.into_iter().map(doubled), &Thick(style))
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

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), Error<'a>> {
        self.0.draw_text(text, &Bigger(style), doubled(pos))
    }

    /// At the layout's size: the chart places its labels by it.
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), Error<'a>> {
        self.0.estimate_text_size(text, style)
    }
}
