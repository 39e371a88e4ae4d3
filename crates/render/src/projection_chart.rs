//! The demand projection's chart: children looked after at the start and
//! each month ahead, at the observed rates (a line over its 95% and 80%
//! fans) and in each scenario (a dashed line).

use super::charts::{
    draw_legend, legend_columns, register_fonts, text_style, y_label_area, DrawResult, Swatch, INK, LEGEND_ROW,
    NEUTRAL_SIGNAL, SERIES,
};
use super::failure::RenderError;
use crate::judge::projection::{Projected, PublishedProjection};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Okabe-Ito colours that mean nothing else on the charts (blue and orange
/// are SPC's improving and concerning): a scenario is neither.
const SCENARIO_COLOURS: [RGBColor; 3] = [NEUTRAL_SIGNAL, RGBColor(0, 158, 115), RGBColor(86, 180, 233)];

pub(crate) fn projection_svg(projection: &PublishedProjection, size: (u32, u32)) -> Result<String, RenderError> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root, projection).map_err(|error| RenderError::chart("projection chart".into(), error))?;
    }
    Ok(super::charts::titled_svg(&svg, "Children looked after: projection", &super::projection::chart_alt(projection)))
}

pub(super) fn projection_pdf(
    projection: &PublishedProjection,
    backend: super::pdf_chart::PdfBackend,
) -> Result<(), RenderError> {
    register_fonts();
    let root = backend.into_drawing_area();
    draw(&root, projection).map_err(|error| RenderError::chart("projection chart".into(), error))
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, projection: &PublishedProjection) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let Some(observed) = projection.scenarios.first() else { return Ok(()) };
    let months = observed.months.len();
    let start = projection.in_care_at_start as f64;
    let means = projection.scenarios.iter().flat_map(|scenario| scenario.months.iter().map(|month| month.total.mean));
    let highest = means.clone().chain(observed.months.iter().map(|month| month.total.upper95)).fold(start, f64::max);
    let lowest = means.chain(observed.months.iter().map(|month| month.total.lower95)).fold(start, f64::min);
    // The axis holds the 95% range with a margin, not from 0: the change is
    // what the chart is for, and the axis labels say where it starts.
    let margin = ((highest - lowest) * 0.15).max(5.0);
    let (low, high) = ((lowest - margin).max(0.0).floor(), (highest + margin).ceil());
    let legend = legend_entries(projection);
    let (_, height) = root.dim_in_pixel();
    let rows = legend.len().div_ceil(legend_columns(root, &legend)) as u32;
    let (plot_area, legend_area) = root.split_vertically(height - rows * LEGEND_ROW - 4);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(12)
        .margin_right(36)
        .x_label_area_size(38)
        .y_label_area_size(y_label_area(root, (low, high)))
        .build_cartesian_2d(-0.5..(months as f64 + 0.5), low..high)?;
    let (width, _) = root.dim_in_pixel();
    let every = if width < 500 { 12 } else { 6 };
    let label = |x: &f64| {
        let k = x.round() as i32;
        if k >= 0 && k % every == 0 && (*x - k as f64).abs() < 1e-9 {
            projection.month.plus(k).first_day().format("%b %Y").to_string()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(RGBColor(225, 225, 225))
        .x_labels(months + 1)
        .x_label_formatter(&label)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_desc("children looked after")
        .axis_desc_style(text_style())
        .label_style(text_style())
        .axis_style(INK.mix(0.6))
        .draw()?;
    draw_fans(&mut chart, observed, start)?;
    let path = |scenario: &Projected| {
        std::iter::once((0.0, start))
            .chain(scenario.months.iter().enumerate().map(|(k, month)| ((k + 1) as f64, month.total.mean)))
            .collect::<Vec<_>>()
    };
    for (scenario, colour) in projection.scenarios[1..].iter().zip(SCENARIO_COLOURS.iter().cycle()) {
        chart.draw_series(std::iter::once(DashedPathElement::new(path(scenario), 7, 5, colour.stroke_width(2))))?;
    }
    chart.draw_series(LineSeries::new(path(observed), SERIES.stroke_width(3)))?;
    chart.draw_series(std::iter::once(Circle::new((0.0, start), 4, SERIES.filled())))?;
    draw_legend(&legend_area, &legend)
}

fn draw_fans<DB: DrawingBackend>(
    chart: &mut ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    observed: &Projected,
    start: f64,
) -> DrawResult<DB> {
    type Edge = fn(&crate::judge::projection::Spread) -> f64;
    let fans: [(f64, Edge, Edge); 2] = [(0.10, |s| s.lower95, |s| s.upper95), (0.22, |s| s.lower80, |s| s.upper80)];
    for (shade, lower, upper) in fans {
        let top = observed.months.iter().enumerate().map(|(k, month)| ((k + 1) as f64, upper(&month.total)));
        let bottom = observed.months.iter().enumerate().rev().map(|(k, month)| ((k + 1) as f64, lower(&month.total)));
        let outline: Vec<(f64, f64)> = std::iter::once((0.0, start)).chain(top).chain(bottom).collect();
        chart.draw_series(std::iter::once(Polygon::new(outline, SERIES.mix(shade).filled())))?;
    }
    Ok(())
}

fn legend_entries(projection: &PublishedProjection) -> Vec<(Swatch, String)> {
    let mut entries = vec![
        (Swatch::Line(SERIES.stroke_width(3)), "at the observed rates (mean)".to_string()),
        (Swatch::Bar(SERIES.mix(0.3).stroke_width(8)), "80% and 95% ranges".to_string()),
    ];
    for (scenario, colour) in projection.scenarios[1..].iter().zip(SCENARIO_COLOURS.iter().cycle()) {
        entries.push((Swatch::Dashed(colour.stroke_width(2)), scenario.scenario.name.clone()));
    }
    entries
}
