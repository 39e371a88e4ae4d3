//! scorecard.xlsx: a "Scorecard" sheet with the page's columns and RAG cell
//! fills (with the RAG word too, never colour alone), and a "Data" sheet
//! with every monthly value. Text is written as text, never as a formula.

use crate::evaluate::Observation;
use crate::judge::{round_to, Comparison, Rag, Scorecard};
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

fn rag_format(rag: Option<Rag>) -> Format {
    let (fill, font) = match rag {
        Some(Rag::Red) => (0xB3261E, 0xFFFFFF),
        Some(Rag::Amber) => (0xF2B84B, 0x212121),
        Some(Rag::Green) => (0x1B6E3C, 0xFFFFFF),
        None => (0xFFFFFF, 0x212121),
    };
    Format::new().set_background_color(Color::RGB(fill)).set_font_color(Color::RGB(font)).set_bold()
}

fn direction(comparison: &Comparison) -> String {
    comparison
        .direction
        .map(|direction| direction.describe().to_string())
        .unwrap_or_else(|| comparison.not_comparable.clone().unwrap_or_default())
}

fn write_optional(sheet: &mut Worksheet, row: u32, column: u16, value: Option<f64>) -> Result<(), XlsxError> {
    if let Some(value) = value {
        sheet.write_number(row, column, value)?;
    }
    Ok(())
}

/// A suppressed value's cell says `c` (and holds no number).
fn write_c_if_suppressed(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    observation: &Observation,
) -> Result<(), XlsxError> {
    if observation.is_suppressed() {
        sheet.write_string(row, column, "c")?;
    }
    Ok(())
}

/// `built_at` (seconds since 1970) is stamped as the file's creation time, so
/// that the same inputs give the same bytes.
pub fn workbook(scorecard: &Scorecard, built_at: i64) -> Result<Vec<u8>, String> {
    build(scorecard, built_at).map_err(|error| format!("scorecard.xlsx: {error}"))
}

fn build(scorecard: &Scorecard, built_at: i64) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(built_at)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} scorecard {}", scorecard.authority, scorecard.month))
            .set_creation_datetime(&created),
    );
    let header = Format::new().set_bold().set_background_color(Color::RGB(0x0B3C5D)).set_font_color(Color::White);
    let sheet = workbook.add_worksheet().set_name("Scorecard")?;
    let columns = [
        "Theme",
        "Plan",
        "Indicator",
        "Unit",
        "Month",
        "Value",
        "Numerator",
        "Denominator",
        "Target",
        "RAG",
        "Since last month",
        "Since last year",
        "Not calculable",
        "Commentary",
    ];
    for (column, title) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &header)?;
    }
    for (index, indicator) in scorecard.indicators.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &indicator.theme)?;
        sheet.write_string(row, 1, indicator.plan_ref.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 2, &indicator.title)?;
        sheet.write_string(row, 3, indicator.unit.describe())?;
        sheet.write_string(row, 4, indicator.latest.period.to_string())?;
        write_c_if_suppressed(sheet, row, 5, &indicator.latest)?;
        write_optional(sheet, row, 5, indicator.latest.value.map(|value| round_to(value, indicator.decimals)))?;
        write_optional(sheet, row, 6, indicator.latest.numerator)?;
        write_optional(sheet, row, 7, indicator.latest.denominator)?;
        write_optional(sheet, row, 8, indicator.target)?;
        sheet.write_string_with_format(
            row,
            9,
            indicator.rag.map_or("not rated", Rag::name),
            &rag_format(indicator.rag),
        )?;
        sheet.write_string(row, 10, direction(&indicator.vs_previous_month))?;
        sheet.write_string(row, 11, direction(&indicator.vs_last_year))?;
        sheet.write_string(row, 12, indicator.latest.reason().unwrap_or(""))?;
        sheet.write_string(row, 13, indicator.commentary.as_deref().unwrap_or(""))?;
    }
    sheet.set_column_width(2, 60)?;
    sheet.set_column_width(13, 60)?;
    sheet.set_freeze_panes(1, 0)?;

    let data = workbook.add_worksheet().set_name("Data")?;
    for (column, title) in
        ["Indicator", "Group", "Month", "Value", "Numerator", "Denominator", "Not calculable"].iter().enumerate()
    {
        data.write_string_with_format(0, column as u16, *title, &header)?;
    }
    let mut row = 1;
    for indicator in &scorecard.indicators {
        let groups = indicator
            .breakdown
            .iter()
            .flat_map(|breakdown| breakdown.groups.iter().map(|group| (group.group.as_str(), &group.series)));
        for (group, series) in std::iter::once(("", &indicator.series)).chain(groups) {
            for observation in series {
                data.write_string(row, 0, &indicator.id)?;
                data.write_string(row, 1, group)?;
                data.write_string(row, 2, observation.period.to_string())?;
                write_c_if_suppressed(data, row, 3, observation)?;
                write_optional(data, row, 3, observation.value)?;
                write_optional(data, row, 4, observation.numerator)?;
                write_optional(data, row, 5, observation.denominator)?;
                data.write_string(row, 6, observation.reason().unwrap_or(""))?;
                row += 1;
            }
        }
    }
    data.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
