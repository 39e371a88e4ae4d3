//! A consortium's funnel plot as SVG: each member's value against its
//! denominator, the members' overall value, and the 95% (dashed) and 99.8%
//! (solid) limits. Members outside the 95% limits are named on the chart;
//! the colour of a point (blue better, orange worse, purple where there is
//! no better direction) repeats what its label says, and a filled point is
//! outside the 99.8% limits, a ring outside only the 95% ones.

use super::charts::{
    bold, register_fonts, text_style, DrawResult, CONCERNING, IMPROVING, INK, NEUTRAL_SIGNAL, SERIES, TEXT_SIZE,
};
use super::failure::RenderError;
use super::format::show_count;
use crate::judge::{Band, Funnel, FunnelKind, IndicatorRanking, Interval};
use crate::language::Polarity;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub(crate) const FUNNEL_SIZE: (u32, u32) = (720, 420);
/// For phones: as wide as a phone's page, its text the same size.
pub(crate) const NARROW_FUNNEL_SIZE: (u32, u32) = (380, 440);
const LIMIT: RGBColor = RGBColor(120, 120, 120);
/// One row of the key; a narrow chart takes two.
const KEY_HEIGHT: u32 = 26;

/// Key entries per row: all three across a wide chart (or the PDF's 440
/// px), two on a phone's.
fn key_columns(width: u32) -> u32 {
    if width < 430 {
        2
    } else {
        3
    }
}
/// Points along each limit line.
const STEPS: usize = 160;

/// `you`: the member whose page the plot is on, its dot ringed and named.
pub(crate) fn funnel_svg(
    indicator: &IndicatorRanking,
    funnel: &Funnel,
    size: (u32, u32),
    you: Option<&str>,
) -> Result<String, RenderError> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root, indicator, funnel, you)
            .map_err(|error| RenderError::chart(format!("funnel plot for {}", indicator.id), error))?;
    }
    Ok(svg)
}

/// The funnel drawn onto a PDF page, as vectors.
pub(super) fn funnel_pdf(
    indicator: &IndicatorRanking,
    funnel: &Funnel,
    backend: super::pdf_chart::PdfBackend,
) -> Result<(), RenderError> {
    register_fonts();
    let root = backend.into_drawing_area();
    draw(&root, indicator, funnel, None)
        .map_err(|error| RenderError::chart(format!("funnel plot for {}", indicator.id), error))
}

/// Better or worse where the indicator has a better direction.
fn colour(polarity: Polarity, band: Band) -> RGBColor {
    let above = matches!(band, Band::Above95 | Band::Above998);
    match (band, polarity) {
        (Band::Inside, _) => SERIES,
        (_, Polarity::HigherIsBetter) if above => IMPROVING,
        (_, Polarity::LowerIsBetter) if !above => IMPROVING,
        (_, Polarity::HigherIsBetter | Polarity::LowerIsBetter) => CONCERNING,
        _ => NEUTRAL_SIGNAL,
    }
}

fn x_label(kind: FunnelKind) -> &'static str {
    match kind {
        FunnelKind::Proportion => "Denominator (children or cases counted)",
        FunnelKind::RatePer10000 => "Children aged 0-17",
    }
}

fn ranges(funnel: &Funnel) -> ((f64, f64), (f64, f64)) {
    let widest = funnel.points.iter().map(|point| point.denominator).fold(0.0, f64::max) * 1.1;
    // The limits open without bound towards a denominator of 0: start the
    // axis at a tenth of the smallest member's, as Fingertips does, so the
    // members' part of the funnel fills the plot.
    let narrowest = funnel.points.iter().map(|point| point.denominator).fold(f64::INFINITY, f64::min) * 0.5;
    let at_narrowest = funnel.limits_at(narrowest.max(1.0)).map(|(_, outer)| [outer.lower, outer.upper]);
    let values = funnel.points.iter().map(|point| point.value).chain(at_narrowest.into_iter().flatten());
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), v| (low.min(v), high.max(v)));
    let pad = ((high - low) * 0.08).max(0.5);
    let low = (low - pad).max(0.0);
    let high = if funnel.kind == FunnelKind::Proportion { (high + pad).min(100.0) } else { high + pad };
    ((narrowest.max(1.0), widest.max(2.0)), (low, high.max(low + 1.0)))
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    indicator: &IndicatorRanking,
    funnel: &Funnel,
    you: Option<&str>,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let ((x_low, x_high), (y_low, y_high)) = ranges(funnel);
    let (width, height) = root.dim_in_pixel();
    let key_rows = 3u32.div_ceil(key_columns(width));
    let (plot_area, key_area) = root.split_vertically(height - KEY_HEIGHT * key_rows);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_right(24)
        .x_label_area_size(44)
        .y_label_area_size(super::charts::y_label_area(root, (y_low, y_high)))
        .build_cartesian_2d(x_low..x_high, y_low..y_high)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .x_desc(x_label(funnel.kind))
        .y_desc(indicator.unit.describe())
        .x_label_formatter(&|x| show_count(Some(x.round())))
        .y_label_formatter(&|value: &f64| super::charts::tick(*value))
        .label_style(text_style())
        .axis_desc_style(text_style())
        .draw()?;
    let clamp = |value: f64| value.clamp(y_low, y_high);
    let xs: Vec<f64> = (0..=STEPS).map(|step| x_low + (x_high - x_low) * step as f64 / STEPS as f64).collect();
    let limits: Vec<_> = xs.iter().filter_map(|x| Some((*x, funnel.limits_at(*x)?))).collect();
    let centre = ShapeStyle { color: INK.to_rgba(), filled: false, stroke_width: 2 };
    chart.draw_series(LineSeries::new([(x_low, funnel.centre), (x_high, funnel.centre)], centre))?;
    let inner = ShapeStyle { color: LIMIT.to_rgba(), filled: false, stroke_width: 2 };
    let outer = ShapeStyle { color: LIMIT.to_rgba(), filled: false, stroke_width: 1 };
    for side in [|i: &Interval| i.lower, |i: &Interval| i.upper] {
        let line95 = limits.iter().map(|(x, (at95, _))| (*x, clamp(side(at95))));
        chart.draw_series(DashedLineSeries::new(line95, 7, 5, inner))?;
        chart.draw_series(LineSeries::new(limits.iter().map(|(x, (_, at998))| (*x, clamp(side(at998)))), outer))?;
    }
    // Every dot numbered as the rank table numbers its member; those
    // outside the 95% limits named as well, and the viewing member's dot
    // ringed in ink and named in bold.
    for point in &funnel.points {
        let colour = colour(indicator.polarity, point.band);
        let at = (point.denominator, point.value);
        let filled = matches!(point.band, Band::Inside | Band::Above998 | Band::Below998);
        let style = if filled { colour.filled() } else { colour.stroke_width(2) };
        chart.draw_series(std::iter::once(Circle::new(at, 5, style)))?;
        let number = indicator.dot_number(&point.code).unwrap_or(0);
        let is_you = you == Some(point.code.as_str());
        let text = match is_you || point.band.is_outside_95() {
            true => format!("{number} {}", point.name),
            false => number.to_string(),
        };
        // Labels of dots in the right part of the plot go to their left,
        // so that a name is never cut by the chart's edge.
        let leftwards = (point.denominator - x_low) / (x_high - x_low) > 0.55;
        let anchor = Pos::new(if leftwards { HPos::Right } else { HPos::Left }, VPos::Center);
        let (label, ink) = match is_you {
            true => (TextStyle::from(bold(TEXT_SIZE)).pos(anchor), INK),
            false => (text_style().pos(anchor), colour),
        };
        if is_you {
            chart.draw_series(std::iter::once(Circle::new(at, 9, INK.stroke_width(2))))?;
        }
        let offset = if is_you { 13 } else { 9 };
        let offset = if leftwards { -offset } else { offset };
        chart.draw_series(std::iter::once(EmptyElement::at(at) + Text::new(text, (offset, 0), label.color(&ink))))?;
    }
    draw_key(&key_area)?;
    root.present()
}

/// What the lines are, in a row under the plot.
fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let (width, _) = area.dim_in_pixel();
    let columns = key_columns(width);
    let column = ((width as i32 - 16) / columns as i32).min(200);
    let style = text_style().pos(Pos::new(HPos::Left, VPos::Center));
    let rows: [(&str, ShapeStyle, bool); 3] = [
        ("members overall", ShapeStyle { color: INK.to_rgba(), filled: false, stroke_width: 2 }, false),
        ("95% limits", ShapeStyle { color: LIMIT.to_rgba(), filled: false, stroke_width: 2 }, true),
        ("99.8% limits", ShapeStyle { color: LIMIT.to_rgba(), filled: false, stroke_width: 1 }, false),
    ];
    for (index, (text, line, dashed)) in rows.into_iter().enumerate() {
        let (row, place) = (index as u32 / columns, index as u32 % columns);
        let (left, y) = (16 + place as i32 * column, (row * KEY_HEIGHT + KEY_HEIGHT / 2) as i32);
        let path = [(left, y), (left + 24, y)];
        if dashed {
            area.draw(&DashedPathElement::new(path, 7, 5, line))?;
        } else {
            area.draw(&PathElement::new(path, line))?;
        }
        area.draw(&Text::new(text, (left + 32, y), style.clone()))?;
    }
    Ok(())
}
