//! Trend charts and sparklines with plotters, as SVG, PNG and PDF vectors.
//! Text is drawn with the bundled DejaVu Sans (`fonts`); identical inputs
//! give byte-identical files.

use super::fonts;
use super::format::show_value;
use crate::judge::{round_to, IndicatorReport, Limits, Spc, SpcBasis, Variation};
use crate::language::{Polarity, Unit};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;
use std::sync::Once;

const FAMILY: &str = "sans-serif";

pub const CHART_SIZE: (u32, u32) = (900, 420);
pub const SPARKLINE_SIZE: (u32, u32) = (120, 32);

/// Colours as Making Data Count draws them, from the colour-blind-safe
/// Okabe-Ito palette: the series in dark grey, special-cause points blue
/// (improving) or orange (concerning), purple for high or low where there
/// is no better direction. Pale tints behind it for the RAG bands, each
/// band also carrying its letter so that colour is never the only signal.
const SERIES: RGBColor = RGBColor(64, 64, 64);
const IMPROVING: RGBColor = RGBColor(0, 114, 178);
const CONCERNING: RGBColor = RGBColor(230, 159, 0);
const NEUTRAL_SIGNAL: RGBColor = RGBColor(120, 60, 150);
const SIGNAL_COLOURS: [(Variation, RGBColor); 4] = [
    (Variation::Improving, IMPROVING),
    (Variation::Concerning, CONCERNING),
    (Variation::High, NEUTRAL_SIGNAL),
    (Variation::Low, NEUTRAL_SIGNAL),
];
/// The target: red, dashed.
const TARGET: RGBColor = RGBColor(190, 30, 45);
/// The benchmark: Okabe-Ito bluish green, dotted.
const BENCHMARK: RGBColor = RGBColor(0, 158, 115);
/// SPC mean (solid) and process limits (dashed).
const PROCESS: RGBColor = RGBColor(120, 120, 120);
const TEXT: RGBColor = RGBColor(33, 33, 33);
const BAND_GREEN: RGBColor = RGBColor(215, 236, 218);
const BAND_AMBER: RGBColor = RGBColor(253, 234, 200);
const BAND_RED: RGBColor = RGBColor(246, 213, 213);

fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // The bytes are a known-good font compiled in; failure is impossible in practice
        // and would only lose text, so it is not worth failing a build for.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, fonts::REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, fonts::BOLD);
    });
}

pub fn trend_svg(indicator: &IndicatorReport) -> Result<String, String> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, CHART_SIZE).into_drawing_area();
        draw_trend(&root, indicator, true).map_err(|error| format!("chart for {}: {error}", indicator.id))?;
    }
    Ok(svg)
}

pub fn trend_png(indicator: &IndicatorReport) -> Result<Vec<u8>, String> {
    register_fonts();
    let (width, height) = CHART_SIZE;
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, CHART_SIZE).into_drawing_area();
        draw_trend(&root, indicator, true).map_err(|error| format!("chart for {}: {error}", indicator.id))?;
    }
    encode_png(&pixels, CHART_SIZE)
}

fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|error| error.to_string())?;
        writer.write_image_data(pixels).map_err(|error| error.to_string())?;
    }
    Ok(bytes)
}

/// The trend chart drawn into the PDF board pack, as vectors.
pub(super) fn trend_pdf(indicator: &IndicatorReport, backend: super::pdf_chart::PdfBackend) -> Result<(), String> {
    register_fonts();
    let root = backend.into_drawing_area();
    draw_trend(&root, indicator, false).map_err(|error| format!("chart for {}: {error}", indicator.id))
}

/// A small line of the series with its latest point, for the summary table.
pub fn sparkline_svg(indicator: &IndicatorReport) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SPARKLINE_SIZE).into_drawing_area();
        draw_sparkline(&root, indicator).map_err(|error| format!("sparkline for {}: {error}", indicator.id))?;
    }
    Ok(svg)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Months as x positions (0 = first month); runs of months with values,
/// split where a month is not calculable.
fn segments(indicator: &IndicatorReport) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (index, observation) in indicator.series.iter().enumerate() {
        match observation.value {
            Some(value) => runs.last_mut().expect("never empty").push((index as f64, value)),
            None => runs.push(Vec::new()),
        }
    }
    runs.into_iter().filter(|run| !run.is_empty()).collect()
}

/// The y range holding the values, target and band limits, with headroom;
/// percentages stay within 0-100.
fn y_range(indicator: &IndicatorReport) -> (f64, f64) {
    let limits = indicator.rag_limits.iter().flat_map(|limits| [limits.green, limits.amber]);
    let benchmark = indicator.benchmark.as_ref().map(|benchmark| benchmark.value);
    let confidence = indicator.confidence.first().into_iter().flat_map(|ci| [ci.lower, ci.upper]);
    let values: Vec<f64> = indicator
        .series
        .iter()
        .filter_map(|o| o.value)
        .chain(indicator.target)
        .chain(benchmark)
        .chain(limits)
        .chain(confidence)
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((high - low) * 0.15).max(high.abs() * 0.05).max(0.5);
    let (mut low, mut high) = ((low - pad).max(if low >= 0.0 { 0.0 } else { f64::NEG_INFINITY }), high + pad);
    if indicator.unit == Unit::Percent {
        low = low.max(0.0);
        high = high.min(100.0).max(low + 1.0);
    }
    (low, high)
}

/// Months are ticked every month and labelled every quarter (January,
/// April, July, October), or every half year (January, July) where a
/// quarter is too narrow for a label; the year shown in January and on the
/// first label.
fn month_label(indicator: &IndicatorReport, x: f64, every: u32) -> String {
    let index = x.round();
    let Some(observation) = indicator.series.get(index as usize).filter(|_| (x - index).abs() < 1e-9 && index >= 0.0)
    else {
        return String::new();
    };
    let month = observation.period;
    let labelled = |month: u32| (month - 1) % every == 0;
    if !labelled(month.month) {
        return String::new();
    }
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let name = names[month.month as usize - 1];
    let first_label = indicator.series.iter().position(|o| labelled(o.period.month)) == Some(index as usize);
    if month.month == 1 || first_label {
        format!("{name} {}", month.year)
    } else {
        name.to_string()
    }
}

/// Months between labels: 3, or 6 when a quarter is under 45 pixels.
fn label_every(width: u32, months: usize) -> u32 {
    if width as usize / months.max(1) * 3 < 45 {
        6
    } else {
        3
    }
}

const LEGEND_ROW: u32 = 18;

fn legend_columns(width: u32) -> usize {
    if width < 700 {
        2
    } else {
        3
    }
}

/// How a legend entry's sample is drawn.
enum Swatch {
    Line(ShapeStyle),
    Dashed(ShapeStyle),
    Bar(ShapeStyle),
    Dot(RGBColor),
}

/// Every line and mark the chart draws, in words.
fn legend_entries(indicator: &IndicatorReport) -> Vec<(Swatch, String)> {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let mut entries = Vec::new();
    if let Some(target) = indicator.target {
        let style = ShapeStyle { color: TARGET.to_rgba(), filled: false, stroke_width: 2 };
        entries.push((Swatch::Dashed(style), format!("target {}", show(target))));
    }
    if let Some(benchmark) = &indicator.benchmark {
        let style = ShapeStyle { color: BENCHMARK.mix(0.55), filled: false, stroke_width: 5 };
        entries.push((Swatch::Line(style), format!("{} {}", benchmark.label, show(benchmark.value))));
    }
    if let Some(spc) = indicator.spc.as_ref().filter(|spc| spc.basis == SpcBasis::ReportedValues) {
        let grey = ShapeStyle { color: PROCESS.to_rgba(), filled: false, stroke_width: 1 };
        entries.push((Swatch::Line(grey), "mean".to_string()));
        entries.push((Swatch::Dashed(grey), "process limits".to_string()));
        for (variation, colour) in SIGNAL_COLOURS {
            if spc.points.contains(&Some(variation)) {
                entries.push((Swatch::Dot(colour), variation.describe().to_string()));
            }
        }
    }
    if let Some(interval) = indicator.confidence.first() {
        let style = SERIES.mix(0.6).stroke_width(2);
        entries.push((Swatch::Bar(style), format!("{}% interval, latest month", interval.level)));
    }
    entries
}

fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, entries: &[(Swatch, String)]) -> DrawResult<DB> {
    let (width, _) = area.dim_in_pixel();
    let columns = legend_columns(width);
    let column_width = (width as i32 - 72) / columns as i32;
    let style = (FAMILY, 12).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    for (index, (swatch, text)) in entries.iter().enumerate() {
        let x = 72 + (index % columns) as i32 * column_width;
        let y = (index / columns) as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        let line = [(x, y), (x + 22, y)];
        match swatch {
            Swatch::Line(style) => area.draw(&PathElement::new(line, *style))?,
            Swatch::Dashed(style) => area.draw(&DashedPathElement::new(line, 6, 4, *style))?,
            Swatch::Bar(style) => area.draw(&PathElement::new([(x + 11, y - 7), (x + 11, y + 7)], *style))?,
            Swatch::Dot(colour) => area.draw(&Circle::new((x + 11, y), 4, colour.filled()))?,
        }
        area.draw(&Text::new(text.clone(), (x + 30, y), style.clone()))?;
    }
    Ok(())
}

/// Bands from worst to best: (from, to, colour, letter).
fn bands(limits: Limits, polarity: Polarity, (low, high): (f64, f64)) -> Vec<(f64, f64, RGBColor, &'static str)> {
    let clamp = |value: f64| value.clamp(low, high);
    match polarity {
        Polarity::HigherIsBetter => vec![
            (low, clamp(limits.amber), BAND_RED, "R"),
            (clamp(limits.amber), clamp(limits.green), BAND_AMBER, "A"),
            (clamp(limits.green), high, BAND_GREEN, "G"),
        ],
        Polarity::LowerIsBetter => vec![
            (clamp(limits.amber), high, BAND_RED, "R"),
            (clamp(limits.green), clamp(limits.amber), BAND_AMBER, "A"),
            (low, clamp(limits.green), BAND_GREEN, "G"),
        ],
        Polarity::NoJudgement => Vec::new(),
    }
}

/// `captioned`: with the indicator's title above (not in the PDF, where the
/// page's heading is the title).
fn draw_trend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    indicator: &IndicatorReport,
    captioned: bool,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let months = indicator.series.len().max(1);
    let (low, high) = y_range(indicator);
    let x_range = -0.5..(months as f64 - 0.5);
    let (width, height) = root.dim_in_pixel();
    let rows = legend_entries(indicator).len().div_ceil(legend_columns(width)) as u32;
    let (plot_area, legend_area) = root.split_vertically(height - rows * LEGEND_ROW - 4);
    let mut builder = ChartBuilder::on(&plot_area);
    if captioned {
        builder.caption(&indicator.title, (FAMILY, 18).into_font().style(FontStyle::Bold).color(&TEXT));
    }
    let mut chart = builder
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(60)
        .build_cartesian_2d(x_range.clone(), low..high)?;
    for (from, to, colour, letter) in
        indicator.rag_limits.map(|limits| bands(limits, indicator.polarity, (low, high))).unwrap_or_default()
    {
        if to > from {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x_range.start, from), (x_range.end, to)],
                colour.filled(),
            )))?;
            let label_at = (x_range.start + 0.1, (from + to) / 2.0);
            chart.draw_series(std::iter::once(Text::new(letter, label_at, (FAMILY, 13).into_font().color(&TEXT))))?;
        }
    }
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .x_labels(months + 1)
        .x_label_formatter(&|x| month_label(indicator, *x, label_every(width, months)))
        .y_desc(indicator.unit.describe())
        .label_style((FAMILY, 12).into_font().color(&TEXT))
        .axis_desc_style((FAMILY, 13).into_font().color(&TEXT))
        .draw()?;
    // The benchmark as a broad pale line under the target's dashes, so
    // that both show when they are equal.
    if let Some(benchmark) = &indicator.benchmark {
        let style = ShapeStyle { color: BENCHMARK.mix(0.55), filled: false, stroke_width: 5 };
        chart
            .draw_series(LineSeries::new([(x_range.start, benchmark.value), (x_range.end, benchmark.value)], style))?;
    }
    if let Some(target) = indicator.target {
        let style = ShapeStyle { color: TARGET.to_rgba(), filled: false, stroke_width: 2 };
        chart.draw_series(DashedLineSeries::new([(x_range.start, target), (x_range.end, target)], 8, 6, style))?;
    }
    // Limits belong on the chart only when they are limits of the values charted.
    if let Some(spc) = indicator.spc.as_ref().filter(|spc| spc.basis == SpcBasis::ReportedValues) {
        draw_process_limits(&mut chart, indicator, spc, (low, high))?;
    }
    if let Some(interval) = indicator.confidence.first() {
        let x = (months - 1) as f64;
        let bar = [(x, interval.lower.clamp(low, high)), (x, interval.upper.clamp(low, high))];
        let style = SERIES.mix(0.6).stroke_width(2);
        chart.draw_series(std::iter::once(PathElement::new(bar, style)))?;
    }
    draw_suppressed(&mut chart, indicator, low)?;
    for run in segments(indicator) {
        chart.draw_series(LineSeries::new(run.clone(), SERIES.stroke_width(2)))?;
        chart.draw_series(run.into_iter().map(|point| Circle::new(point, 3, SERIES.filled())))?;
    }
    draw_special_causes(&mut chart, indicator)?;
    if let Some(latest) = indicator.series.last().and_then(|o| o.value) {
        let point = ((months - 1) as f64, latest);
        chart.draw_series(std::iter::once(Circle::new(point, 7, SERIES.stroke_width(3))))?;
        let label = format!("{:.*}", indicator.decimals as usize, round_to(latest, indicator.decimals));
        let style =
            (FAMILY, 14).into_font().style(FontStyle::Bold).color(&TEXT).pos(Pos::new(HPos::Right, VPos::Bottom));
        chart.draw_series(std::iter::once(Text::new(label, (point.0 - 0.4, point.1), style)))?;
    }
    draw_legend(&legend_area, &legend_entries(indicator))?;
    root.present()
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Mean (solid) and process limits (dashed) of each segment, as steps where
/// the process was rebased.
fn draw_process_limits<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    indicator: &IndicatorReport,
    spc: &Spc,
    (low, high): (f64, f64),
) -> DrawResult<DB> {
    let grey = ShapeStyle { color: PROCESS.to_rgba(), filled: false, stroke_width: 1 };
    let months = indicator.series.len();
    let position = |month| indicator.series.iter().position(|o| o.period == month).unwrap_or(0) as f64 - 0.5;
    for (index, segment) in spc.segments.iter().enumerate() {
        let start = position(segment.from);
        let end = spc.segments.get(index + 1).map_or(months as f64 - 0.5, |next| position(next.from));
        let line = |y: f64| [(start, y), (end, y)];
        chart.draw_series(LineSeries::new(line(segment.mean), grey))?;
        for limit in [segment.upper_limit, segment.lower_limit].into_iter().filter(|limit| (low..=high).contains(limit))
        {
            chart.draw_series(DashedLineSeries::new(line(limit), 3, 3, grey))?;
        }
    }
    Ok(())
}

/// A suppressed month is a gap in the line with a "c" at its foot, never a
/// point at 0.
fn draw_suppressed<DB: DrawingBackend>(chart: &mut Chart<DB>, indicator: &IndicatorReport, low: f64) -> DrawResult<DB> {
    let style = (FAMILY, 12).into_font().color(&PROCESS).pos(Pos::new(HPos::Center, VPos::Bottom));
    let marks = indicator
        .series
        .iter()
        .enumerate()
        .filter(|(_, observation)| observation.is_suppressed())
        .map(|(index, _)| Text::new("c", (index as f64, low), style.clone()));
    chart.draw_series(marks)?;
    Ok(())
}

/// Special-cause points ringed in Making Data Count's colours: blue
/// improving, orange concerning (and purple high or low for no-judgement
/// indicators), when the SPC ran on the charted values.
fn draw_special_causes<DB: DrawingBackend>(chart: &mut Chart<DB>, indicator: &IndicatorReport) -> DrawResult<DB> {
    let Some(spc) = indicator.spc.as_ref().filter(|spc| spc.basis == SpcBasis::ReportedValues) else {
        return Ok(());
    };
    for (variation, colour) in SIGNAL_COLOURS {
        let points: Vec<(f64, f64)> = indicator
            .series
            .iter()
            .zip(&spc.points)
            .enumerate()
            .filter(|(_, (_, point))| **point == Some(variation))
            .filter_map(|(index, (observation, _))| observation.value.map(|value| (index as f64, value)))
            .collect();
        if points.is_empty() {
            continue;
        }
        chart.draw_series(points.into_iter().map(|point| Circle::new(point, 4, colour.filled())))?;
    }
    Ok(())
}

fn draw_sparkline<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, indicator: &IndicatorReport) -> DrawResult<DB> {
    let months = indicator.series.len().max(1);
    let values: Vec<f64> = indicator.series.iter().filter_map(|o| o.value).collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() {
        return root.present();
    }
    let pad = ((high - low) * 0.1).max(0.01);
    let mut chart =
        ChartBuilder::on(root).margin(4).build_cartesian_2d(-0.5..(months as f64 - 0.5), (low - pad)..(high + pad))?;
    for run in segments(indicator) {
        chart.draw_series(LineSeries::new(run, SERIES.stroke_width(1)))?;
    }
    if let Some(latest) = indicator.series.last().and_then(|o| o.value) {
        chart.draw_series(std::iter::once(Circle::new(((months - 1) as f64, latest), 2, SERIES.filled())))?;
    }
    root.present()
}
