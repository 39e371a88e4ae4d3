//! scorecard.xlsx, a report in its own right: a "Scorecard" sheet with a
//! row per indicator (titles, units, values in the indicator's own number
//! format, target, RAG with its word and fill, the rating explained,
//! direction of travel, benchmark, confidence limits, SPC, commentary) and a
//! "Data" sheet with every month's value as shown beside the unrounded one.
//! Months are dates; headers frozen and filterable; printed A4 landscape,
//! one page wide. Text is written as text, never as a formula.

use super::failure::RenderError;
use super::format::month_name;
use super::months_table::{months_table, MonthCell};
use super::rating::{rated_against, rating_sentence, RatedAgainst};
use super::summary::theme_title;
use super::tables::spc_words;
use crate::evaluate::Observation;
use crate::judge::{round_to, Comparison, IndicatorReport, Rag, Scorecard};
use crate::language::Unit;
use crate::project::Month;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, FilterCondition, FilterCriteria, Format, FormatAlign, Workbook, Worksheet,
    XlsxError,
};

/// A4 in Excel's paper size codes.
pub(super) const A4: u8 = 9;

/// The most characters an Excel cell holds.
const CELL_CHARACTERS: usize = 32_767;

/// Text cells that always fit: a longer text (a commentary line, a team
/// name) used to fail the whole build naming no input; it is cut to Excel's
/// 32,767 characters with a marker saying so, and the cut is logged with
/// the sheet and cell. The page, the PDF and the CSV keep it whole.
pub(super) trait TextCells {
    fn write_text(&mut self, row: u32, column: u16, text: impl AsRef<str>) -> Result<&mut Worksheet, XlsxError>;
    fn write_text_with_format(
        &mut self,
        row: u32,
        column: u16,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError>;
}

impl TextCells for Worksheet {
    fn write_text(&mut self, row: u32, column: u16, text: impl AsRef<str>) -> Result<&mut Worksheet, XlsxError> {
        let text = fitted(self.name(), row, column, text.as_ref());
        self.write_string(row, column, text.as_ref())
    }

    fn write_text_with_format(
        &mut self,
        row: u32,
        column: u16,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        let text = fitted(self.name(), row, column, text.as_ref());
        self.write_string_with_format(row, column, text.as_ref(), format)
    }
}

fn fitted<'t>(sheet: String, row: u32, column: u16, text: &'t str) -> std::borrow::Cow<'t, str> {
    let Some((end, _)) = text.char_indices().nth(CELL_CHARACTERS) else { return text.into() };
    let length = text.chars().count();
    let marker = format!(" [cut: {length} characters, Excel holds {CELL_CHARACTERS}]");
    let keep = CELL_CHARACTERS - marker.chars().count();
    let end = text.char_indices().nth(keep).map_or(end, |(at, _)| at);
    let cell = rust_xlsxwriter::utility::row_col_to_cell(row, column);
    tracing::warn!(
        "scorecard.xlsx '{sheet}'!{cell}: a text of {length} characters was cut to Excel's {CELL_CHARACTERS}"
    );
    format!("{}{marker}", &text[..end]).into()
}

pub(super) fn rag_format(rag: Option<Rag>) -> Format {
    let (fill, font) = match rag {
        Some(Rag::Red) => (0xB3261E, 0xFFFFFF),
        Some(Rag::Amber) => (0xF2B84B, 0x212121),
        Some(Rag::Green) => (0x1B6E3C, 0xFFFFFF),
        None => (0xFFFFFF, 0x212121),
    };
    Format::new()
        .set_background_color(Color::RGB(fill))
        .set_font_color(Color::RGB(font))
        .set_bold()
        .set_align(FormatAlign::Top)
}

/// The Excel number format that shows a value as the page does:
/// `0.0"%"` for a percentage (the cell holds 62.2, not 0.622), `#,##0` for a count.
fn value_format(unit: Unit, decimals: u32) -> Format {
    Format::new().set_num_format(value_code(unit, decimals)).set_align(FormatAlign::Top)
}

pub(super) fn value_code(unit: Unit, decimals: u32) -> String {
    let digits = if decimals == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(decimals as usize)) };
    match unit {
        Unit::Percent => format!("{digits}\"%\""),
        Unit::Days => format!("{digits}\" days\""),
        Unit::RatePer10000 => format!("{digits}\" per 10,000\""),
        Unit::Count | Unit::Number => digits,
    }
}

/// Whole counts as `45,500`; FTE sums to 2 places, `152.50`.
pub(super) fn write_quantity(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<f64>,
) -> Result<(), XlsxError> {
    let code = match value {
        Some(value) if value.fract() == 0.0 => "#,##0",
        _ => "#,##0.00",
    };
    write_number(sheet, row, column, value, &Format::new().set_num_format(code))
}

fn month_format() -> Format {
    Format::new().set_num_format("mmm yyyy").set_align(FormatAlign::Left)
}

fn direction(comparison: &Comparison) -> String {
    comparison
        .direction
        .map(|direction| direction.describe().to_string())
        .unwrap_or_else(|| comparison.not_comparable.clone().unwrap_or_default())
}

fn write_number(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    if let Some(value) = value {
        sheet.write_number_with_format(row, column, value, format)?;
    }
    Ok(())
}

/// A month as a date (its last day), shown `Mar 2026`.
fn write_month(sheet: &mut Worksheet, row: u32, column: u16, month: Month) -> Result<(), XlsxError> {
    sheet.write_datetime_with_format(row, column, &month_date(month)?, &month_format())?;
    Ok(())
}

/// A month stands for its last day, the date its figures are as at.
fn month_date(month: Month) -> Result<ExcelDateTime, XlsxError> {
    let last = month.last_day();
    ExcelDateTime::from_ymd(month.year as u16, month.month as u8, chrono::Datelike::day(&last) as u8)
}

/// A value as shown: `c` where suppressed (no number), otherwise the rounded value.
fn write_shown(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    observation: &Observation,
    indicator: &IndicatorReport,
) -> Result<(), XlsxError> {
    if observation.is_suppressed() {
        sheet.write_text(row, column, "c")?;
        return Ok(());
    }
    let shown = observation.value.map(|value| round_to(value, indicator.decimals));
    write_number(sheet, row, column, shown, &value_format(indicator.unit, indicator.decimals))
}

/// Headers in bold on the council's blue, frozen, filterable, and repeated
/// on every printed page; A4 landscape, one page wide, each page headed
/// with the authority, the sheet and the month and numbered "Page i of n".
pub(super) fn set_up(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    rows: u32,
    heading: &PrintHeading,
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x0B3C5D))
        .set_font_color(Color::White)
        .set_text_wrap();
    for (column, (title, width)) in columns.iter().enumerate() {
        sheet.write_text_with_format(0, column as u16, *title, &header)?;
        sheet.set_column_width(column as u16, *width)?;
    }
    sheet.set_row_height(0, 30)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.max(1), columns.len() as u16 - 1)?;
    sheet.set_landscape().set_paper_size(A4).set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.25, 0.25);
    sheet.set_header(heading.header());
    sheet.set_footer("&C&9Page &P of &N");
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// What each printed page is headed with.
pub(super) struct PrintHeading<'a> {
    pub authority: &'a str,
    pub sheet: &'a str,
    pub month: &'a str,
}

impl PrintHeading<'_> {
    /// Excel's header codes: `&L`, `&C`, `&R` sections; a literal `&` is `&&`.
    fn header(&self) -> String {
        let text = |text: &str| text.replace('&', "&&");
        format!("&L&9{}&C&9&B{}&R&9{}", text(self.authority), text(self.sheet), text(self.month))
    }
}

/// `built_at` (seconds since 1970) is stamped as the file's creation time, so
/// that the same inputs give the same bytes.
pub fn workbook(scorecard: &Scorecard, built_at: i64) -> Result<Vec<u8>, RenderError> {
    build(scorecard, built_at).map_err(|source| RenderError::Workbook { file: "scorecard.xlsx", source })
}

fn build(scorecard: &Scorecard, built_at: i64) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // Measured on the sample's workbook (release, one core): deflate level
    // 6 took 39 ms for 139 KB, level 3 30 ms for 153 KB, level 1 24 ms for
    // 228 KB.
    workbook.set_zip_compression_level(3);
    let created = ExcelDateTime::from_timestamp(built_at)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} scorecard {}", scorecard.authority, scorecard.month))
            .set_creation_datetime(&created),
    );
    let month = month_name(scorecard.month);
    let heading = |sheet| PrintHeading { authority: &scorecard.authority, sheet, month: &month };
    scorecard_sheet(workbook.add_worksheet().set_name("Scorecard")?, scorecard, &heading("Scorecard"))?;
    months_sheet(workbook.add_worksheet().set_name("13 months")?, scorecard, &heading("The last 13 months"))?;
    data_sheet(workbook.add_worksheet().set_name("Data")?, scorecard, &heading("Every month's values"))?;
    workbook.save_to_buffer()
}

/// The board's columns first (printed, one page wide), then the analyst's.
const SCORECARD_COLUMNS: [(&str, f64); 23] = [
    ("Theme", 12.0),
    ("Plan", 5.0),
    ("Indicator", 28.0),
    ("Owner", 14.0),
    ("Value", 14.0),
    ("Rated against", 13.0),
    ("What it is", 13.0),
    ("RAG", 8.0),
    ("Why this rating", 34.0),
    ("Since last month", 10.0),
    ("Since last year", 10.0),
    ("Benchmark", 16.0),
    ("Benchmark source", 13.0),
    ("Variation (SPC)", 15.0),
    ("Assurance (SPC)", 15.0),
    ("Commentary", 34.0),
    ("Month", 9.0),
    ("Unit", 14.0),
    ("Numerator", 10.0),
    ("Denominator", 13.0),
    ("95% CI lower", 11.0),
    ("95% CI upper", 11.0),
    ("Not calculable", 36.0),
];

/// The columns a printed page holds (Theme to Commentary): the month is in
/// every page's heading, and counts, units, confidence limits and reasons
/// are the analyst's, on screen.
const PRINTED_COLUMNS: u16 = 16;

fn scorecard_sheet(sheet: &mut Worksheet, scorecard: &Scorecard, heading: &PrintHeading) -> Result<(), XlsxError> {
    let rows = scorecard.indicators.len() as u32;
    set_up(sheet, &SCORECARD_COLUMNS, rows, heading)?;
    sheet.set_print_area(0, 0, rows, PRINTED_COLUMNS - 1)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (index, indicator) in scorecard.indicators.iter().enumerate() {
        let row = index as u32 + 1;
        let shown = value_format(indicator.unit, indicator.decimals);
        let (variation, assurance) = spc_words(indicator);
        let why = rating_sentence(indicator).unwrap_or_default();
        let commentary = indicator.commentary.clone().unwrap_or_default();
        let against = rated_against(indicator);
        let theme = theme_title(&indicator.theme);
        sheet.write_text_with_format(row, 0, &theme, &wrap)?;
        sheet.write_text_with_format(row, 1, indicator.plan_ref.as_deref().unwrap_or(""), &wrap)?;
        sheet.write_text_with_format(row, 2, &indicator.title, &wrap)?;
        let owner = indicator.owner.clone().unwrap_or_default();
        sheet.write_text_with_format(row, 3, &owner, &wrap)?;
        write_shown(sheet, row, 4, &indicator.latest, indicator)?;
        write_number(sheet, row, 5, against.as_ref().map(RatedAgainst::value), &shown)?;
        sheet.write_text_with_format(row, 6, against.as_ref().map(RatedAgainst::basis).unwrap_or_default(), &wrap)?;
        let rag = indicator.rag.map_or("not rated", Rag::name);
        sheet.write_text_with_format(row, 7, rag, &rag_format(indicator.rag))?;
        sheet.write_text_with_format(row, 8, &why, &wrap)?;
        let (since_month, since_year) = (direction(&indicator.vs_previous_month), direction(&indicator.vs_last_year));
        sheet.write_text_with_format(row, 9, &since_month, &wrap)?;
        sheet.write_text_with_format(row, 10, &since_year, &wrap)?;
        write_number(sheet, row, 11, indicator.benchmark.as_ref().map(|benchmark| benchmark.value), &shown)?;
        let source = indicator.benchmark.as_ref().map_or(String::new(), |benchmark| benchmark.label.clone());
        sheet.write_text_with_format(row, 12, &source, &wrap)?;
        sheet.write_text_with_format(row, 13, &variation, &wrap)?;
        sheet.write_text_with_format(row, 14, &assurance, &wrap)?;
        sheet.write_text_with_format(row, 15, &commentary, &wrap)?;
        write_month(sheet, row, 16, indicator.latest.period)?;
        sheet.write_text(row, 17, indicator.unit.describe())?;
        write_quantity(sheet, row, 18, indicator.latest.numerator)?;
        write_quantity(sheet, row, 19, indicator.latest.denominator)?;
        let ci = indicator.confidence.first();
        let ci_format = value_format(indicator.unit, indicator.decimals + 1);
        write_number(sheet, row, 20, ci.map(|ci| ci.lower), &ci_format)?;
        write_number(sheet, row, 21, ci.map(|ci| ci.upper), &ci_format)?;
        sheet.write_text_with_format(row, 22, indicator.latest.reason().unwrap_or(""), &wrap)?;
        // Excel does not size rows to wrapped text it did not type itself.
        let wrapped = [
            (&theme, 0),
            (&indicator.title, 2),
            (&owner, 3),
            (&why, 8),
            (&since_month, 9),
            (&since_year, 10),
            (&variation, 13),
            (&assurance, 14),
            (&commentary, 15),
            (&source, 12),
        ];
        sheet.set_row_height(row, 15.0 * lines(&wrapped) as f64)?;
    }
    Ok(())
}

/// The 13-month table as the board prints it: a row per indicator, a
/// column per month, each value a number in the indicator's format with its
/// rating's letter after it and its fill; the first column repeated on
/// every printed page.
fn months_sheet(sheet: &mut Worksheet, scorecard: &Scorecard, heading: &PrintHeading) -> Result<(), XlsxError> {
    let table = months_table(scorecard);
    let mut columns: Vec<(&str, f64)> = vec![("Indicator", 30.0), ("Unit", 8.0)];
    columns.extend(table.months.iter().map(|month| (month.as_str(), 9.0)));
    columns.extend([("Rated against", 9.0), ("What it is", 13.0)]);
    let rows = table.rows.len() as u32;
    set_up(sheet, &columns, rows, heading)?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_repeat_columns(0, 0)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let first_month = 2u16;
    let after_months = first_month + table.months.len() as u16;
    for ((index, row), indicator) in table.rows.iter().enumerate().zip(&scorecard.indicators) {
        let at = index as u32 + 1;
        sheet.write_text_with_format(at, 0, &row.title, &wrap)?;
        sheet.write_text_with_format(at, 1, row.unit, &wrap)?;
        for (offset, cell) in row.cells.iter().enumerate() {
            write_month_cell(sheet, at, first_month + offset as u16, cell, indicator.decimals)?;
        }
        let against = rated_against(indicator);
        let shown = value_format(indicator.unit, indicator.decimals);
        write_number(sheet, at, after_months, against.as_ref().map(RatedAgainst::value), &shown)?;
        let basis = against.as_ref().map(RatedAgainst::basis).unwrap_or_default();
        sheet.write_text_with_format(at, after_months + 1, &basis, &wrap)?;
        let lines = row.title.chars().count().div_ceil(30).max(basis.chars().count().div_ceil(13)).max(1);
        sheet.set_row_height(at, 15.0 * lines as f64)?;
    }
    Ok(())
}

/// A month's value: a number shown with the rating's letter ("62.2 A") on
/// the rating's fill; `c` or `–` as text; nothing in a month not reported.
fn write_month_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &MonthCell,
    decimals: u32,
) -> Result<(), XlsxError> {
    match cell.value {
        Some(value) => {
            let mut code = value_code(Unit::Number, decimals);
            if !cell.letter.is_empty() {
                code = format!("{code}\" {}\"", cell.letter);
            }
            let format = match cell.rating {
                Some(_) => rag_format(cell.rating).set_num_format(code),
                None => Format::new().set_num_format(code).set_align(FormatAlign::Top),
            };
            sheet.write_number_with_format(row, column, value, &format)?;
        }
        None if !cell.text.is_empty() => {
            let format = Format::new().set_align(FormatAlign::Right).set_align(FormatAlign::Top);
            sheet.write_text_with_format(row, column, &cell.text, &format)?;
        }
        None => {}
    }
    Ok(())
}

/// The lines the tallest wrapped cell of a row needs: its text over its
/// column's width in characters, less the room lost breaking at spaces.
fn lines(cells: &[(&String, usize)]) -> usize {
    let per_line = |column: usize| ((SCORECARD_COLUMNS[column].1 * 0.85) as usize).max(1);
    let lines_of = |(text, column): &(&String, usize)| text.chars().count().div_ceil(per_line(*column));
    cells.iter().map(lines_of).max().unwrap_or(1).max(1)
}

const DATA_COLUMNS: [(&str, f64); 10] = [
    ("Indicator id", 30.0),
    ("Indicator", 48.0),
    ("Unit", 12.0),
    ("Group", 20.0),
    ("Month", 10.0),
    ("Value as shown", 14.0),
    ("Value (unrounded)", 18.0),
    ("Numerator", 11.0),
    ("Denominator", 12.0),
    ("Not calculable", 36.0),
];

fn data_sheet(sheet: &mut Worksheet, scorecard: &Scorecard, heading: &PrintHeading) -> Result<(), XlsxError> {
    let rows: usize = scorecard
        .indicators
        .iter()
        .map(|indicator| {
            let groups = indicator.breakdown.iter().flat_map(|breakdown| &breakdown.groups);
            indicator.series.len() + groups.map(|group| group.series.len()).sum::<usize>()
        })
        .sum();
    set_up(sheet, &DATA_COLUMNS, rows as u32, heading)?;
    // The title column as wide as the longest title, so none is cut by the
    // unit beside it (the sheet prints one page wide whatever its width).
    let longest = scorecard.indicators.iter().map(|indicator| indicator.title.chars().count()).max().unwrap_or(0);
    sheet.set_column_width(1, (longest as f64 + 2.0).clamp(DATA_COLUMNS[1].1, 100.0))?;
    let first_shown = show_only_the_last_13_months(sheet, scorecard.month)?;
    let mut row = 1;
    for indicator in &scorecard.indicators {
        let groups = indicator
            .breakdown
            .iter()
            .flat_map(|breakdown| breakdown.groups.iter().map(|group| (group.group.as_str(), &group.series)));
        for (group, series) in std::iter::once(("", &indicator.series)).chain(groups) {
            for observation in series {
                sheet.write_text(row, 0, &indicator.id)?;
                sheet.write_text(row, 1, &indicator.title)?;
                sheet.write_text(row, 2, indicator.unit.describe())?;
                sheet.write_text(row, 3, group)?;
                write_month(sheet, row, 4, observation.period)?;
                write_shown(sheet, row, 5, observation, indicator)?;
                if !observation.is_suppressed() {
                    write_number(sheet, row, 6, observation.value, &Format::new())?;
                }
                write_quantity(sheet, row, 7, observation.numerator)?;
                write_quantity(sheet, row, 8, observation.denominator)?;
                sheet.write_text(row, 9, observation.reason().unwrap_or(""))?;
                if observation.period < first_shown {
                    sheet.set_row_hidden(row)?;
                }
                row += 1;
            }
        }
    }
    Ok(())
}

/// The Data sheet opens, and prints, filtered to the 13 months the board
/// sees (the filter on Month is set, so Excel and LibreOffice show it as
/// such); clearing the filter shows every month. The rows are hidden here
/// because rust_xlsxwriter's own filtering does not compare dates.
fn show_only_the_last_13_months(sheet: &mut Worksheet, month: Month) -> Result<Month, XlsxError> {
    let first = month.plus(-12);
    let condition =
        FilterCondition::new().add_custom_filter(FilterCriteria::GreaterThanOrEqualTo, month_date(first)?.to_excel());
    sheet.filter_automatic_off().filter_column(4, &condition)?;
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 40,000 characters: the first 32,767 - 43 (the marker's length) kept
    /// and the marker added, 32,767 in all; 32,767 exactly is untouched.
    #[test]
    fn text_longer_than_a_cell_is_cut_with_a_marker() {
        let long = "é".repeat(40_000);
        let cut = fitted("Scorecard".into(), 4, 20, &long);
        let marker = " [cut: 40000 characters, Excel holds 32767]";
        assert!(cut.ends_with(marker), "{}", &cut[cut.len() - 80..]);
        assert_eq!(cut.chars().count(), 32_767);
        assert_eq!(cut.chars().count() - marker.chars().count(), 32_767 - 43);
        let exact = "x".repeat(32_767);
        assert_eq!(fitted("Data".into(), 1, 1, &exact), exact.as_str());
    }

    #[test]
    fn values_keep_their_unit_and_decimals_in_excel() {
        // The cell holds 62.2 and shows 62.2%; a count shows 45,500.
        assert_eq!(value_code(Unit::Percent, 1), "#,##0.0\"%\"");
        assert_eq!(value_code(Unit::Count, 0), "#,##0");
        assert_eq!(value_code(Unit::Days, 1), "#,##0.0\" days\"");
        assert_eq!(value_code(Unit::RatePer10000, 2), "#,##0.00\" per 10,000\"");
    }
}
