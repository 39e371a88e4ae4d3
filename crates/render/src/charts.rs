//! Trend charts and sparklines with plotters, as SVG, PNG and PDF vectors.
//! Text is drawn with the bundled DejaVu Sans (`fonts`); identical inputs
//! give byte-identical files.

use super::doubled::{Doubled, SCALE};
use super::failure::RenderError;
use super::fonts;
use super::format::show_value;
use crate::judge::{
    round_to, ForecastMonth, IndicatorReport, Limits, MonthTarget, RatingBasis, Spc, SpcBasis, Variation,
};
use crate::language::{Event, Frequency, Polarity, Unit};
use crate::project::Month;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;
use std::cell::RefCell;
use std::sync::Once;

const FAMILY: &str = "sans-serif";

/// The chart on the page and in the PNG; phones get a narrower one.
pub(crate) const CHART_SIZE: (u32, u32) = (720, 400);
/// The phone-width chart.
pub(crate) const NARROW_CHART_SIZE: (u32, u32) = (380, 440);
/// The summary table's sparklines.
pub(crate) const SPARKLINE_SIZE: (u32, u32) = (120, 32);

/// Text sizes in plotters' units, 1.24 times the font size an SVG is
/// given: 15 is a 12 px font, so at least 11 px on screen at the chart's
/// natural size and 9 pt printed (the page prints charts at natural size,
/// the board pack at 0.8 of it).
pub(super) const TEXT_SIZE: f64 = 15.0;
const LATEST_SIZE: f64 = 17.0;
const CAPTION_SIZE: f64 = 19.0;
/// Where the plot starts, after the y axis labels.
/// Room between the y tick labels and the axis title, and the title's own.
const Y_TITLE_ROOM: u32 = 26;
const LEGEND_LEFT: i32 = 16;

/// Colours as Making Data Count draws them, from the colour-blind-safe
/// Okabe-Ito palette: the series in dark grey, special-cause points blue
/// (improving) or orange (concerning), purple for high or low where there
/// is no better direction. Pale tints behind it for the RAG bands, each
/// band also carrying its letter so that colour is never the only signal.
pub(super) const SERIES: RGBColor = RGBColor(64, 64, 64);
pub(super) const IMPROVING: RGBColor = RGBColor(0, 114, 178);
pub(super) const CONCERNING: RGBColor = RGBColor(230, 159, 0);
pub(super) const NEUTRAL_SIGNAL: RGBColor = RGBColor(120, 60, 150);
const SIGNAL_COLOURS: [(Variation, RGBColor); 4] = [
    (Variation::Improving, IMPROVING),
    (Variation::Concerning, CONCERNING),
    (Variation::High, NEUTRAL_SIGNAL),
    (Variation::Low, NEUTRAL_SIGNAL),
];
/// The target: red, dashed.
const TARGET: RGBColor = RGBColor(190, 30, 45);
/// The forecast continues the series' grey, dashed, over a pale fan.
const FORECAST: RGBColor = SERIES;
/// The benchmark: Okabe-Ito bluish green, dotted.
const BENCHMARK: RGBColor = RGBColor(0, 158, 115);
/// SPC mean (solid) and process limits (dashed).
const PROCESS: RGBColor = RGBColor(120, 120, 120);
pub(super) const INK: RGBColor = RGBColor(33, 33, 33);
/// Events: dark slate, dotted.
const EVENT: RGBColor = RGBColor(70, 70, 110);
/// Band tints, pale enough for every line to read over them.
const BAND_GREEN: RGBColor = RGBColor(226, 242, 229);
const BAND_AMBER: RGBColor = RGBColor(252, 232, 196);
const BAND_RED: RGBColor = RGBColor(244, 212, 212);

pub(super) fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // The bytes are a known-good font compiled in; failure is impossible in practice
        // and would only lose text, so it is not worth failing a build for.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, fonts::REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, fonts::BOLD);
    });
}

/// The indicator's trend chart as an SVG, at the page's size.
pub fn trend_svg(indicator: &IndicatorReport) -> Result<String, RenderError> {
    trend_svg_sized(indicator, CHART_SIZE, true)
}

/// The chart drawn for a phone's width, with text as large as the page's
/// and no title (the section's heading is right above it; a long title
/// would not fit).
pub(crate) fn narrow_trend_svg(indicator: &IndicatorReport) -> Result<String, RenderError> {
    trend_svg_sized(indicator, NARROW_CHART_SIZE, false)
}

fn trend_svg_sized(indicator: &IndicatorReport, size: (u32, u32), captioned: bool) -> Result<String, RenderError> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw_trend(&root, indicator, captioned)
            .map_err(|error| RenderError::chart(format!("chart for {}", indicator.id), error))?;
    }
    Ok(svg)
}

/// The chart as a PNG for slides and print: laid out as the SVG, drawn at
/// twice its size (1440 x 800), marked 300 dots per inch.
pub fn trend_png(indicator: &IndicatorReport) -> Result<Vec<u8>, RenderError> {
    thread_local! {
        /// A chart's pixels, kept for the thread's next chart: a fresh
        /// 3.4 MB buffer for each was paged in and zeroed by the kernel,
        /// a fourteenth of the bundle's time.
        static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    register_fonts();
    let size = (CHART_SIZE.0 * SCALE, CHART_SIZE.1 * SCALE);
    PIXELS.with_borrow_mut(|pixels| {
        pixels.clear();
        pixels.resize((size.0 * size.1 * 3) as usize, 0);
        {
            let root = Doubled(BitMapBackend::with_buffer(pixels, size)).into_drawing_area();
            draw_trend(&root, indicator, true)
                .map_err(|error| RenderError::chart(format!("chart for {}", indicator.id), error))?;
        }
        encode_png(pixels, size)
    })
}

/// 300 dots per inch, in the pixels per metre PNG counts.
const PRINT_DOTS_PER_METRE: u32 = 11_811;

/// An SVG with its title and description for screen readers (plotters
/// writes neither): `role="img"`, then `<title>` and `<desc>` first inside
/// the root element.
pub(super) fn titled_svg(svg: &str, title: &str, description: &str) -> String {
    let escape = |text: &str| text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let Some(start) = svg.find("<svg") else { return svg.to_string() };
    let Some(end) = svg[start..].find('>').map(|end| start + end) else { return svg.to_string() };
    format!(
        "{} role=\"img\"><title>{}</title><desc>{}</desc>{}",
        svg[..end].trim_end_matches('/'),
        escape(title),
        escape(description),
        &svg[end + 1..]
    )
}

fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, RenderError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Measured on the sample's 1440 x 800 charts (release, one core):
        // zlib at level 6 took 13 ms a chart (52-64 KB); fdeflate with the
        // Paeth filter 1.6 ms (135 KB). 43 charts a bundle: the fast one.
        encoder.set_compression(png::Compression::Fast);
        // Sub and Up filter 20% faster but the files are 35-80% larger.
        encoder.set_filter(png::FilterType::Paeth);
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: PRINT_DOTS_PER_METRE,
            yppu: PRINT_DOTS_PER_METRE,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header()?;
        writer.write_image_data(pixels)?;
    }
    Ok(bytes)
}

/// The trend chart drawn into the PDF board pack, as vectors.
pub(super) fn trend_pdf(indicator: &IndicatorReport, backend: super::pdf_chart::PdfBackend) -> Result<(), RenderError> {
    register_fonts();
    let root = backend.into_drawing_area();
    draw_trend(&root, indicator, false)
        .map_err(|error| RenderError::chart(format!("chart for {}", indicator.id), error))
}

/// A small line of the series with its latest point, for the summary table.
pub(crate) fn sparkline_svg(indicator: &IndicatorReport) -> Result<String, RenderError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SPARKLINE_SIZE).into_drawing_area();
        draw_sparkline(&root, indicator)
            .map_err(|error| RenderError::chart(format!("sparkline for {}", indicator.id), error))?;
    }
    Ok(svg)
}

pub(super) type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

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
/// A y tick as few decimals as it needs: "250", "30.5", never "250.0".
pub(super) fn tick(value: f64) -> String {
    let tenths = (value * 10.0).round();
    match tenths % 10.0 == 0.0 {
        true => format!("{:.0}", tenths / 10.0),
        false => format!("{:.1}", tenths / 10.0),
    }
}

/// The y label area's width: the widest tick label the range can give
/// (its ends, with a decimal for the half steps between), a gap, and the
/// axis title beside them.
pub(super) fn y_label_area<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, (low, high): (f64, f64)) -> u32 {
    let candidates = [tick(low), tick(high), format!("{:.1}", high), format!("{:.1}", low)];
    let widest = candidates
        .iter()
        .filter_map(|text| root.estimate_text_size(text, &text_style()).ok())
        .map(|(width, _)| width)
        .max()
        .unwrap_or(40);
    widest + Y_TITLE_ROOM
}

/// The forecast's 80% ranges: the axis holds them, the 95% fan is cut at
/// its edges, so that a wide fan does not flatten the data.
fn forecast_range(indicator: &IndicatorReport) -> Vec<f64> {
    let months = indicator.forecast.iter().flat_map(|forecast| &forecast.months);
    months.flat_map(|month| [month.lower80, month.upper80]).collect()
}

fn y_range(indicator: &IndicatorReport) -> (f64, f64) {
    let limits = indicator.rag_limits.iter().flat_map(|limits| [limits.green, limits.amber]);
    let benchmark = indicator.benchmark.as_ref().map(|benchmark| benchmark.value);
    let confidence = indicator.confidence.first().into_iter().flat_map(|ci| [ci.lower, ci.upper]);
    let values: Vec<f64> = indicator
        .series
        .iter()
        .filter_map(|o| o.value)
        .chain(indicator.target)
        .chain(indicator.targets.iter().filter_map(|month| month.target))
        .chain(benchmark)
        .chain(limits)
        .chain(confidence)
        .chain(forecast_range(indicator))
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
    let Some(month) = month_at(indicator, index).filter(|_| (x - index).abs() < 1e-9) else {
        return String::new();
    };
    let labelled = |month: u32| (month - 1).is_multiple_of(every);
    if !labelled(month.month) {
        return String::new();
    }
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let name = names[month.month as usize - 1];
    let first_label =
        (0..).map_while(|at| month_at(indicator, at as f64)).position(|m| labelled(m.month)) == Some(index as usize);
    if month.month == 1 || first_label {
        format!("{name} {}", month.year)
    } else {
        name.to_string()
    }
}

/// The month at position `index` of the chart: a month of the series, or
/// past its end, a month of the forecast.
fn month_at(indicator: &IndicatorReport, index: f64) -> Option<Month> {
    if index < 0.0 {
        return None;
    }
    let index = index as usize;
    if let Some(observation) = indicator.series.get(index) {
        return Some(observation.period);
    }
    let forecast = indicator.forecast.as_ref()?;
    forecast.months.get(index - indicator.series.len()).map(|month| month.period)
}

/// A quarterly or annual series: every point labelled with its month and
/// year ("Mar 2025"), or every second or fourth, counting back from the
/// latest, where they would not fit.
fn period_label(indicator: &IndicatorReport, x: f64, stride: usize) -> String {
    let index = x.round();
    let points = indicator.series.len();
    let Some(observation) = indicator.series.get(index as usize).filter(|_| (x - index).abs() < 1e-9 && index >= 0.0)
    else {
        return String::new();
    };
    if !(points - 1 - index as usize).is_multiple_of(stride) {
        return String::new();
    }
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {}", names[observation.period.month as usize - 1], observation.period.year)
}

/// Points between labels of a quarterly or annual series: 1, 2 or 4.
fn period_stride(plot_width: i32, points: usize, label_width: i32) -> usize {
    let per_point = plot_width as f64 / points.max(1) as f64;
    [1, 2, 4].into_iter().find(|stride| per_point * *stride as f64 >= label_width as f64 * 1.2).unwrap_or(4)
}

/// Months between labels: a quarter, a half year or a year, the first
/// that leaves room for a label like "Jan 2025".
fn label_every(plot_width: i32, months: usize, label_width: i32) -> u32 {
    let per_month = plot_width as f64 / months.max(1) as f64;
    [3, 6, 12].into_iter().find(|every| per_month * *every as f64 >= label_width as f64 * 1.2).unwrap_or(12)
}

pub(super) const LEGEND_ROW: u32 = 21;

/// As many legend columns as the longest entry allows, at most three.
pub(super) fn legend_columns<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, entries: &[(Swatch, String)]) -> usize {
    let (width, _) = area.dim_in_pixel();
    let widest = entries
        .iter()
        .map(|(_, text)| area.estimate_text_size(text, &text_style()).map_or(200, |(w, _)| w as i32))
        .max()
        .unwrap_or(0);
    let column = widest + 30 + 14;
    ((width as i32 - LEGEND_LEFT) / column.max(1)).clamp(1, 3) as usize
}

/// The bold face. Made new rather than by `.style(Bold)`, which keeps the
/// regular face's glyphs: the PNG's bold text would be drawn regular.
pub(super) fn bold(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Bold)
}

pub(super) fn text_style() -> TextStyle<'static> {
    (FAMILY, TEXT_SIZE).into_font().color(&INK)
}

/// How a legend entry's sample is drawn.
pub(super) enum Swatch {
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
        let text = if indicator.targets.is_empty() { "target" } else { "target, this month" };
        entries.push((Swatch::Dashed(style), format!("{text} {}", show(target))));
    }
    if let Some(benchmark) = &indicator.benchmark {
        let style = ShapeStyle { color: BENCHMARK.mix(0.55), filled: false, stroke_width: 5 };
        entries.push((Swatch::Line(style), format!("{} {}", benchmark.label, show(benchmark.value))));
    }
    if let Some(spc) = charted_spc(indicator) {
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
    if indicator.forecast.is_some() {
        entries.push((Swatch::Dashed(FORECAST.stroke_width(2)), "forecast (80%, 95%)".to_string()));
    }
    entries
}

/// The forecast apart from the data: a dashed line from the latest value,
/// over a pale fan (the 95% range, and the 80% range darker inside it).
fn draw_forecast<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    indicator: &IndicatorReport,
    (low, high): (f64, f64),
) -> DrawResult<DB> {
    let (Some(forecast), Some(latest)) = (&indicator.forecast, indicator.series.last()) else { return Ok(()) };
    let Some(value) = latest.value else { return Ok(()) };
    let start = (indicator.series.len() - 1) as f64;
    let at = |step: usize| start + step as f64 + 1.0;
    let clamp = |value: f64| value.clamp(low, high);
    for (shade, lower, upper) in [
        (0.10, &|m: &ForecastMonth| m.lower95, &|m: &ForecastMonth| m.upper95),
        (0.20, &|m: &ForecastMonth| m.lower80, &|m: &ForecastMonth| m.upper80),
    ] as [(f64, &dyn Fn(&ForecastMonth) -> f64, &dyn Fn(&ForecastMonth) -> f64); 2]
    {
        let top = forecast.months.iter().enumerate().map(|(step, month)| (at(step), clamp(upper(month))));
        let bottom = forecast.months.iter().enumerate().rev().map(|(step, month)| (at(step), clamp(lower(month))));
        let outline: Vec<(f64, f64)> = std::iter::once((start, value)).chain(top).chain(bottom).collect();
        chart.draw_series(std::iter::once(Polygon::new(outline, FORECAST.mix(shade).filled())))?;
    }
    let line = std::iter::once((start, value))
        .chain(forecast.months.iter().enumerate().map(|(step, month)| (at(step), clamp(month.point))));
    chart.draw_series(DashedLineSeries::new(line, 6, 4, FORECAST.stroke_width(2)))?;
    Ok(())
}

pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
) -> DrawResult<DB> {
    let (width, _) = area.dim_in_pixel();
    let columns = legend_columns(area, entries);
    let column_width = (width as i32 - LEGEND_LEFT) / columns as i32;
    let style = text_style().pos(Pos::new(HPos::Left, VPos::Center));
    for (index, (swatch, text)) in entries.iter().enumerate() {
        let x = LEGEND_LEFT + (index % columns) as i32 * column_width;
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

/// A band's tint behind the plot, its rail's colour and the letter's colour on the rail.
type BandColours = (RGBColor, RGBColor, RGBColor);
const RED_BAND: BandColours = (BAND_RED, RGBColor(179, 38, 30), WHITE);
const AMBER_BAND: BandColours = (BAND_AMBER, RGBColor(242, 184, 75), INK);
const GREEN_BAND: BandColours = (BAND_GREEN, RGBColor(27, 110, 60), WHITE);
const RAIL_WIDTH: i32 = 16;

/// A band: from, to, its colours and its letter.
type Band = (f64, f64, BandColours, &'static str);

/// Bands either side of the target, for `close_to_target`: red, amber,
/// green around the target, amber, red.
fn close_bands(target: f64, (green, amber): (f64, f64), (low, high): (f64, f64)) -> Vec<Band> {
    let clamp = |value: f64| value.clamp(low, high);
    vec![
        (clamp(target + amber), high, RED_BAND, "R"),
        (clamp(target + green), clamp(target + amber), AMBER_BAND, "A"),
        (clamp(target - green), clamp(target + green), GREEN_BAND, "G"),
        (clamp(target - amber), clamp(target - green), AMBER_BAND, "A"),
        (low, clamp(target - amber), RED_BAND, "R"),
    ]
}

/// Bands from worst to best: (from, to, colours, letter).
fn bands(limits: Limits, polarity: Polarity, (low, high): (f64, f64)) -> Vec<Band> {
    let clamp = |value: f64| value.clamp(low, high);
    match polarity {
        Polarity::HigherIsBetter => vec![
            (low, clamp(limits.amber), RED_BAND, "R"),
            (clamp(limits.amber), clamp(limits.green), AMBER_BAND, "A"),
            (clamp(limits.green), high, GREEN_BAND, "G"),
        ],
        Polarity::LowerIsBetter => vec![
            (clamp(limits.amber), high, RED_BAND, "R"),
            (clamp(limits.green), clamp(limits.amber), AMBER_BAND, "A"),
            (low, clamp(limits.green), GREEN_BAND, "G"),
        ],
        Polarity::NoJudgement | Polarity::CloseToTarget => Vec::new(),
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
    // The forecast's months continue the axis to the right of the data.
    let ahead = indicator.forecast.as_ref().map_or(0, |forecast| forecast.months.len());
    let x_range = -0.5..((months + ahead) as f64 - 0.5);
    let (width, height) = root.dim_in_pixel();
    let legend = legend_entries(indicator);
    let rows = legend.len().div_ceil(legend_columns(root, &legend)) as u32;
    let (plot_area, legend_area) = root.split_vertically(height - rows * LEGEND_ROW - 4);
    let mut builder = ChartBuilder::on(&plot_area);
    if captioned {
        builder.caption(&indicator.title, bold(CAPTION_SIZE).color(&INK));
    }
    // Room on the left for the widest tick label and the axis title beside
    // it, measured (3-digit rates and day counts overlapped a fixed room);
    // on the right for the RAG rail.
    let label_area = y_label_area(root, (low, high));
    let mut chart = builder
        .margin(12)
        .margin_right(12 + RAIL_WIDTH + 4)
        .x_label_area_size(38)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x_range.clone(), low..high)?;
    draw_bands(root, &mut chart, indicator, (low, high))?;
    let label_width = root.estimate_text_size("Jan 2025", &text_style()).map_or(70, |(w, _)| w as i32);
    let plot_width = width as i32 - label_area as i32 - 24;
    let every = label_every(plot_width, months + ahead, label_width);
    let label = |x: &f64| match indicator.frequency {
        Frequency::Monthly => month_label(indicator, *x, every),
        _ => period_label(indicator, *x, period_stride(plot_width, months, label_width)),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .x_labels(months + ahead + 1)
        .x_label_formatter(&label)
        .y_label_formatter(&|value: &f64| tick(*value))
        .y_desc(indicator.unit.describe())
        .label_style(text_style())
        .axis_desc_style(text_style())
        .draw()?;
    // The benchmark as a broad pale line under the target's dashes, so
    // that both show when they are equal.
    if let Some(benchmark) = &indicator.benchmark {
        let style = ShapeStyle { color: BENCHMARK.mix(0.55), filled: false, stroke_width: 5 };
        chart
            .draw_series(LineSeries::new([(x_range.start, benchmark.value), (x_range.end, benchmark.value)], style))?;
    }
    let style = ShapeStyle { color: TARGET.to_rgba(), filled: false, stroke_width: 2 };
    for run in target_runs(indicator) {
        chart.draw_series(DashedLineSeries::new(run, 8, 6, style))?;
    }
    // Limits belong on the chart only when they are limits of the values charted.
    if let Some(spc) = charted_spc(indicator) {
        draw_process_limits(&mut chart, indicator, spc, (low, high))?;
    }
    if let Some(interval) = indicator.confidence.first() {
        let x = (months - 1) as f64;
        let bar = [(x, interval.lower.clamp(low, high)), (x, interval.upper.clamp(low, high))];
        let style = SERIES.mix(0.6).stroke_width(2);
        chart.draw_series(std::iter::once(PathElement::new(bar, style)))?;
    }
    draw_forecast(&mut chart, indicator, (low, high))?;
    draw_events(&mut chart, indicator, (low, high))?;
    draw_suppressed(&mut chart, indicator, low)?;
    for run in segments(indicator) {
        chart.draw_series(LineSeries::new(run.clone(), SERIES.stroke_width(2)))?;
        chart.draw_series(run.into_iter().map(|point| Circle::new(point, 3, SERIES.filled())))?;
    }
    draw_special_causes(&mut chart, indicator)?;
    draw_latest(&mut chart, indicator, (low, high))?;
    draw_legend(&legend_area, &legend)?;
    root.present()
}

/// The target line: level across the chart, or, where targets change
/// over time, a step for each month's target (gaps for months without one).
fn target_runs(indicator: &IndicatorReport) -> Vec<Vec<(f64, f64)>> {
    let ahead = indicator.forecast.as_ref().map_or(0, |forecast| forecast.months.len());
    let last = (indicator.series.len().max(1) + ahead) as f64 - 0.5;
    if indicator.targets.is_empty() {
        return indicator.target.map(|target| vec![(-0.5, target), (last, target)]).into_iter().collect();
    }
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (index, month) in indicator.targets.iter().enumerate() {
        match month.target {
            Some(target) => runs
                .last_mut()
                .expect("never empty")
                .extend([(index as f64 - 0.5, target), (index as f64 + 0.5, target)]),
            None => runs.push(Vec::new()),
        }
    }
    runs.into_iter().filter(|run| !run.is_empty()).collect()
}

/// The SPC result when it ran on the values charted.
fn charted_spc(indicator: &IndicatorReport) -> Option<&Spc> {
    indicator.spc.as_ref().filter(|spc| spc.basis == SpcBasis::ReportedValues)
}

/// RAG bands: a pale tint across the plot and, right of it, a rail in
/// the badges' colours with each band's letter, so the bands stay apart
/// in greyscale and the latest point reads against its band.
fn draw_bands<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut Chart<DB>,
    indicator: &IndicatorReport,
    range: (f64, f64),
) -> DrawResult<DB> {
    let latest = match (&indicator.rating_basis, indicator.rag_limits) {
        (Some(RatingBasis::CloseToTarget { target, green_within, amber_within }), _) => {
            close_bands(*target, (*green_within, *amber_within), range)
        }
        (_, Some(limits)) => bands(limits, indicator.polarity, range),
        _ => return Ok(()),
    };
    let end = indicator.series.len().max(1) as f64 - 0.5;
    // Each month's own bands where its target differs; otherwise one set across.
    let columns: Vec<(f64, f64, Vec<Band>)> = if indicator.targets.is_empty() || indicator.rag_limits.is_none() {
        vec![(-0.5, end, latest.clone())]
    } else {
        let month = |(index, target): (usize, &MonthTarget)| {
            Some((index as f64 - 0.5, index as f64 + 0.5, bands(target.limits?, indicator.polarity, range)))
        };
        indicator.targets.iter().enumerate().filter_map(month).collect()
    };
    // An SPC chart is plain unless the project asks: the limits, mean and
    // target carry it, and the rail still shows the bands.
    let tinted = charted_spc(indicator).is_none() || indicator.rag_bands_on_spc;
    for (from_x, to_x, month_bands) in columns.into_iter().filter(|_| tinted) {
        for (from, to, (tint, ..), _) in month_bands {
            if to > from {
                chart.draw_series(std::iter::once(Rectangle::new([(from_x, from), (to_x, to)], tint.filled())))?;
            }
        }
    }
    let rail_left = chart.plotting_area().get_pixel_range().0.end + 2;
    for (from, to, (_, rail, letter_colour), letter) in latest {
        if to <= from {
            continue;
        }
        let (top, bottom) = (chart.backend_coord(&(end, to)).1, chart.backend_coord(&(end, from)).1);
        root.draw(&Rectangle::new([(rail_left, top), (rail_left + RAIL_WIDTH, bottom)], rail.filled()))?;
        let style = bold(TEXT_SIZE).color(&letter_colour);
        let centre = (rail_left + RAIL_WIDTH / 2, (top + bottom) / 2);
        root.draw(&Text::new(letter, centre, style.pos(Pos::new(HPos::Center, VPos::Center))))?;
    }
    Ok(())
}

/// Where an event falls on the x axis, if within the months charted: in
/// its month by its day, or, on a quarterly or annual chart, just before
/// the first point at or after its month.
fn event_x(indicator: &IndicatorReport, event: &Event) -> Option<f64> {
    let index = indicator.series.iter().position(|o| o.period >= event.month)?;
    let within = if indicator.series[index].period == event.month { event.into_month() } else { 0.0 };
    Some(index as f64 - 0.5 + within)
}

/// Each event a dotted vertical line labelled at the top of the plot; a
/// label that would overlap the one before drops a row.
fn draw_events<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    indicator: &IndicatorReport,
    (low, high): (f64, f64),
) -> DrawResult<DB> {
    let line = ShapeStyle { color: EVENT.to_rgba(), filled: false, stroke_width: 1 };
    let style = (FAMILY, TEXT_SIZE).into_font().color(&EVENT).pos(Pos::new(HPos::Left, VPos::Top));
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let mut rows: Vec<i32> = Vec::new();
    for event in &indicator.events {
        let Some(x) = event_x(indicator, event) else { continue };
        chart.draw_series(DashedLineSeries::new([(x, low), (x, high)], 2, 3, line))?;
        let (w, h) = chart.plotting_area().estimate_text_size(&event.label, &style)?;
        let (w, h) = (w as i32, h as i32);
        let at = chart.backend_coord(&(x, high)).0;
        // Right of the line, or left of it near the plot's right edge.
        let left = if at + 4 + w <= plot_x.end { at + 4 } else { (at - 4 - w).max(plot_x.start) };
        let row = rows.iter().position(|end| *end < left).unwrap_or(rows.len());
        match rows.get_mut(row) {
            Some(end) => *end = left + w,
            None => rows.push(left + w),
        }
        let top = 2 + row as i32 * (h + 2);
        let ground =
            Rectangle::new([(left - at - 2, top - 1), (left - at + w + 2, top + h + 1)], WHITE.mix(0.85).filled());
        let label = Text::new(event.label.clone(), (left - at, top), style.clone());
        chart.plotting_area().draw(&(EmptyElement::at((x, high)) + ground + label))?;
    }
    Ok(())
}

/// The latest point ringed and its value labelled where no line crosses
/// the label: the first of left-above, left-below, above, below and
/// further out that no reference line, event or stretch of the series
/// crosses (or that the fewest do), on a white ground.
fn draw_latest<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    indicator: &IndicatorReport,
    range: (f64, f64),
) -> DrawResult<DB> {
    let months = indicator.series.len();
    let Some(latest) = indicator.series.last().and_then(|o| o.value) else { return Ok(()) };
    let point = ((months - 1) as f64, latest);
    chart.draw_series(std::iter::once(Circle::new(point, 7, SERIES.stroke_width(3))))?;
    let label = format!("{:.*}", indicator.decimals as usize, round_to(latest, indicator.decimals));
    let style = bold(LATEST_SIZE).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    let (w, h) = chart.plotting_area().estimate_text_size(&label, &style)?;
    let (w, h) = (w as i32 + 4, h as i32 + 2);
    let at = chart.backend_coord(&point);
    let obstacles = Obstacles::of(chart, indicator, range);
    let candidates =
        [(-11 - w, -3 - h), (-11 - w, 3), (-w / 2, -11 - h), (-w / 2, 11), (-11 - w, -6 - 2 * h), (-11 - w, 6 + h)];
    let (dx, dy) = candidates
        .into_iter()
        .enumerate()
        .min_by_key(|(order, (dx, dy))| (obstacles.crossing((at.0 + dx, at.1 + dy), (w, h)), *order))
        .map(|(_, offset)| offset)
        .expect("candidates");
    let ground = Rectangle::new([(dx, dy), (dx + w, dy + h)], WHITE.mix(0.85).filled());
    let text = Text::new(label, (dx + 2, dy + 1), style);
    chart.plotting_area().draw(&(EmptyElement::at(point) + ground + text))
}

/// What a label must keep clear of, in pixels: horizontal lines (y and
/// half their width), vertical lines (x, from y, to y) and the series.
struct Obstacles {
    horizontal: Vec<(i32, i32)>,
    vertical: Vec<(i32, i32, i32)>,
    series: Vec<((i32, i32), (i32, i32))>,
    plot: (std::ops::Range<i32>, std::ops::Range<i32>),
}

impl Obstacles {
    fn of<DB: DrawingBackend>(chart: &Chart<DB>, indicator: &IndicatorReport, (low, high): (f64, f64)) -> Obstacles {
        let pixel = |point: (f64, f64)| chart.backend_coord(&point);
        let y = |value: f64| pixel((0.0, value)).1;
        let mut horizontal: Vec<(i32, i32)> = indicator.target.map(|target| (y(target), 2)).into_iter().collect();
        horizontal.extend(indicator.benchmark.as_ref().map(|benchmark| (y(benchmark.value), 3)));
        if let Some(spc) = charted_spc(indicator) {
            let lines = spc.segments.iter().flat_map(|s| [s.mean, s.upper_limit, s.lower_limit]);
            horizontal.extend(lines.filter(|v| (low..=high).contains(v)).map(|v| (y(v), 1)));
        }
        let last = indicator.series.len().saturating_sub(1) as f64;
        let mut vertical: Vec<(i32, i32, i32)> = indicator
            .confidence
            .first()
            .map(|ci| (pixel((last, 0.0)).0, y(ci.upper.min(high)), y(ci.lower.max(low))))
            .into_iter()
            .collect();
        let events = indicator.events.iter().filter_map(|event| event_x(indicator, event));
        vertical.extend(events.map(|x| (pixel((x, 0.0)).0, y(high), y(low))));
        let series = segments(indicator)
            .iter()
            .flat_map(|run| run.windows(2).map(|pair| (pixel(pair[0]), pixel(pair[1]))).collect::<Vec<_>>())
            .collect();
        Obstacles { horizontal, vertical, series, plot: chart.plotting_area().get_pixel_range() }
    }

    /// How many obstacles cross a box at `(x, y)` of `(w, h)`; off the plot counts as many.
    fn crossing(&self, (x, y): (i32, i32), (w, h): (i32, i32)) -> usize {
        let inside = |px: i32, py: i32| px >= x && px <= x + w && py >= y && py <= y + h;
        let (xs, ys) = &self.plot;
        let off_plot = x < xs.start || x + w > xs.end || y < ys.start || y + h > ys.end;
        let lines = self.horizontal.iter().filter(|(line, half)| line + half >= y && line - half <= y + h).count();
        let verticals =
            self.vertical.iter().filter(|(vx, top, bottom)| *vx >= x && *vx <= x + w && *bottom >= y && *top <= y + h);
        let series = self.series.iter().filter(|(from, to)| {
            (0..=16).any(|step| {
                let t = step as f64 / 16.0;
                let px = from.0 as f64 + (to.0 - from.0) as f64 * t;
                let py = from.1 as f64 + (to.1 - from.1) as f64 * t;
                inside(px.round() as i32, py.round() as i32)
            })
        });
        usize::from(off_plot) * 100 + lines + verticals.count() + series.count()
    }
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
    let style = (FAMILY, TEXT_SIZE).into_font().color(&PROCESS).pos(Pos::new(HPos::Center, VPos::Bottom));
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
    let Some(spc) = charted_spc(indicator) else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{self, Weight};

    /// Draws `text` into a white bitmap; returns each inked column.
    fn inked_columns(text: &str) -> Vec<bool> {
        register_fonts();
        let (width, height) = (400u32, 40u32);
        let mut pixels = vec![255u8; (width * height * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
            root.draw(&Text::new(text, (10, 10), text_style())).unwrap();
            root.present().unwrap();
        }
        let dark = |x: u32, y: u32| pixels[((y * width + x) * 3) as usize] < 160;
        (0..width).map(|x| (0..height).any(|y| dark(x, y))).collect()
    }

    /// Ticks without a needless ".0"; the label area holds the widest tick
    /// (a rate's "519.5") and the axis title beside it, where a fixed 52
    /// pixels overlapped them.
    #[test]
    fn y_ticks_and_the_axis_title_have_room() {
        assert_eq!(
            (tick(500.0), tick(30.5), tick(12.04), tick(0.0)),
            ("500".into(), "30.5".into(), "12".into(), "0".into())
        );
        register_fonts();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, CHART_SIZE).into_drawing_area();
        let widest = root.estimate_text_size("519.5", &text_style()).unwrap().0;
        assert!(y_label_area(&root, (300.0, 519.5)) >= widest + Y_TITLE_ROOM);
        assert!(y_label_area(&root, (0.0, 9.5)) < y_label_area(&root, (300.0, 519.5)));
    }

    #[test]
    fn png_text_is_spaced_as_the_font_says() {
        // The bitmap backend sizes text so that ascent + descent fill the
        // size: DejaVu Sans' are 1901 + 483 of 2048 units, so the em is
        // 15 * 2048 / 2384 = 12.89 px. rustybuzz, independently, gives the
        // string's advance at that em; the ink spans it less the side
        // bearings (under 0.15 em at each end for these glyphs).
        let text = "target 11.2";
        let em = (TEXT_SIZE * 2048.0 / 2384.0) as f32;
        let advance = fonts::width(text, Weight::Regular, em);
        let inked = inked_columns(text);
        let first = inked.iter().position(|&ink| ink).unwrap();
        let last = inked.iter().rposition(|&ink| ink).unwrap();
        let ink = (last - first + 1) as f32;
        assert!(ink <= advance + 1.0 && ink >= advance - 0.3 * em - 1.0, "ink {ink} px, advance {advance} px");
        // No glyph stands apart: within "11.2" every gap between inked
        // runs is under a third of an em ("1 1 . 2" spacing would fail).
        let digits = inked_columns("11.2");
        let (start, end) = (digits.iter().position(|&i| i).unwrap(), digits.iter().rposition(|&i| i).unwrap());
        let mut gap = 0;
        let mut widest = 0;
        for &ink in &digits[start..=end] {
            gap = if ink { 0 } else { gap + 1 };
            widest = widest.max(gap);
        }
        assert!((widest as f32) < em / 3.0, "a gap of {widest} px inside 11.2");
        // And "11.2" as wide as the font says, to the pixel.
        let expected = fonts::width("11.2", Weight::Regular, em);
        assert!(
            ((end - start + 1) as f32) <= expected + 1.0 && ((end - start + 1) as f32) >= expected - 0.3 * em - 1.0
        );
    }

    #[test]
    fn labels_every_quarter_half_year_or_year_as_room_allows() {
        // 36 months over 650 px is 18 px a month: a quarter (54 px) is
        // under 1.2 x a 60 px label, a half year (108 px) is not.
        assert_eq!(label_every(650, 36, 60), 6);
        // 12 months over 650 px: 54 px a month, a quarter is 162 px.
        assert_eq!(label_every(650, 12, 60), 3);
        // 36 months over 290 px: 8 px a month; half a year is 48 px, a year 97 px.
        assert_eq!(label_every(290, 36, 60), 12);
    }

    #[test]
    fn a_label_box_counts_what_crosses_it() {
        let obstacles = Obstacles {
            horizontal: vec![(100, 2)],
            vertical: vec![(300, 0, 200)],
            series: vec![((0, 150), (60, 150))],
            plot: (0..400, 0..200),
        };
        // Clear of everything.
        assert_eq!(obstacles.crossing((100, 20), (40, 20)), 0);
        // Across the horizontal line (y 100, 2 px either side).
        assert_eq!(obstacles.crossing((100, 90), (40, 20)), 1);
        // Across the vertical line at x 300 and the horizontal one.
        assert_eq!(obstacles.crossing((280, 95), (40, 20)), 2);
        // Over the series at y 150.
        assert_eq!(obstacles.crossing((10, 140), (20, 20)), 1);
        // Off the plot weighs more than any crossing.
        assert!(obstacles.crossing((390, 20), (40, 20)) >= 100);
    }
}
