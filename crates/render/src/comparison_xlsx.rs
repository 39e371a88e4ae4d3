//! `comparison.xlsx`: a consortium's comparison as a workbook. "Grid":
//! every indicator against every member, each value a number in the
//! indicator's format with its rating's letter on its fill, and the
//! members' median; "Ranked": a row per indicator and member, in rank
//! order, numbered as the funnel plot's dots, with the counts behind each
//! value. Printed as scorecard.xlsx is: A4 landscape, one page wide,
//! headed with the consortium, the sheet and the month.

use super::failure::RenderError;
use super::format::month_name;
use super::funnel::shown;
use super::rank_table::{funnel_band, median_text, rank_rows};
use super::xlsx::{rag_format, set_up, value_code, write_quantity, PrintHeading, TextCells};
use crate::judge::{round_to, IndicatorRanking, MemberValue, Ranking};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// `built_at` (seconds since 1970) is stamped as the file's creation time.
pub(super) fn comparison_workbook(ranking: &Ranking, consortium: &str, built_at: i64) -> Result<Vec<u8>, RenderError> {
    build(ranking, consortium, built_at).map_err(|source| RenderError::Workbook { file: "comparison.xlsx", source })
}

fn build(ranking: &Ranking, consortium: &str, built_at: i64) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let month = month_name(ranking.month);
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{consortium}: every member compared, {month}"))
            .set_creation_datetime(&ExcelDateTime::from_timestamp(built_at)?),
    );
    let heading = |sheet| PrintHeading { authority: consortium, sheet, month: &month };
    grid_sheet(workbook.add_worksheet().set_name("Grid")?, ranking, &heading("Every indicator for every member"))?;
    ranked_sheet(workbook.add_worksheet().set_name("Ranked")?, ranking, &heading("Ranked, indicator by indicator"))?;
    workbook.save_to_buffer()
}

fn grid_sheet(sheet: &mut Worksheet, ranking: &Ranking, heading: &PrintHeading) -> Result<(), XlsxError> {
    let Some(first) = ranking.indicators.first() else { return Ok(()) };
    let mut columns: Vec<(&str, f64)> = vec![("Indicator", title_width(ranking))];
    columns.extend(first.members.iter().map(|member| (member.name.as_str(), 16.0)));
    columns.push(("Median of the members", 16.0));
    set_up(sheet, &columns, ranking.indicators.len() as u32, heading)?;
    let top = Format::new().set_align(FormatAlign::Top);
    for (row, indicator) in (1..).zip(&ranking.indicators) {
        sheet.write_text_with_format(row, 0, &indicator.title, &top)?;
        for (column, member) in (1..).zip(&indicator.members) {
            write_member_value(sheet, row, column, indicator, member)?;
        }
        let median_column = indicator.members.len() as u16 + 1;
        match indicator.median {
            Some(median) => {
                let format = Format::new().set_num_format(value_code(indicator.unit, indicator.decimals));
                sheet.write_number_with_format(row, median_column, median, &format.set_align(FormatAlign::Top))?
            }
            None => sheet.write_text_with_format(row, median_column, median_text(indicator), &top)?,
        };
    }
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_repeat_columns(0, 0)?;
    Ok(())
}

/// The value as published, a number in the indicator's format followed by
/// its rating's letter ("63.2% A") on the rating's fill; `c` or "not
/// calculable" as text.
fn write_member_value(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    indicator: &IndicatorRanking,
    member: &MemberValue,
) -> Result<(), XlsxError> {
    let value = member.value.filter(|_| !member.suppressed);
    let Some(value) = value else {
        let format = Format::new().set_align(FormatAlign::Right).set_align(FormatAlign::Top);
        sheet.write_text_with_format(row, column, shown(indicator, member), &format)?;
        return Ok(());
    };
    let mut code = value_code(indicator.unit, indicator.decimals);
    if let Some(rag) = member.rag {
        code = format!("{code}\" {}\"", rag.letter());
    }
    let format = match member.rag {
        Some(_) => rag_format(member.rag).set_num_format(code),
        None => Format::new().set_num_format(code).set_align(FormatAlign::Top),
    };
    sheet.write_number_with_format(row, column, round_to(value, indicator.decimals), &format)?;
    Ok(())
}

/// The title column as wide as the longest title, so that none is cut or
/// wraps (the sheets print one page wide whatever their width).
fn title_width(ranking: &Ranking) -> f64 {
    let longest = ranking.indicators.iter().map(|indicator| indicator.title.chars().count()).max().unwrap_or(0);
    (longest as f64 + 2.0).clamp(30.0, 100.0)
}

const RANKED_COLUMNS: [(&str, f64); 12] = [
    ("Indicator", 40.0),
    ("No.", 5.0),
    ("Rank", 7.0),
    ("Of", 5.0),
    ("Authority", 24.0),
    ("Code", 11.0),
    ("Value", 16.0),
    ("Numerator", 11.0),
    ("Denominator", 12.0),
    ("RAG", 9.0),
    ("Funnel plot", 22.0),
    ("Not calculable", 30.0),
];

fn ranked_sheet(sheet: &mut Worksheet, ranking: &Ranking, heading: &PrintHeading) -> Result<(), XlsxError> {
    let rows: usize = ranking.indicators.iter().map(|indicator| indicator.members.len()).sum();
    set_up(sheet, &RANKED_COLUMNS, rows as u32, heading)?;
    sheet.set_column_width(0, title_width(ranking))?;
    let mut row = 1;
    for indicator in &ranking.indicators {
        let ranked = indicator.in_rank_order();
        for (table_row, member) in rank_rows(indicator).iter().zip(ranked) {
            sheet.write_text(row, 0, &indicator.title)?;
            sheet.write_number(row, 1, table_row.number as f64)?;
            if let Some(rank) = member.rank {
                sheet.write_number(row, 2, rank as f64)?;
                sheet.write_number(row, 3, indicator.ranked as f64)?;
            }
            sheet.write_text(row, 4, &member.name)?;
            sheet.write_text(row, 5, &member.code)?;
            write_member_value(sheet, row, 6, indicator, member)?;
            write_quantity(sheet, row, 7, member.numerator)?;
            write_quantity(sheet, row, 8, member.denominator)?;
            sheet.write_text_with_format(
                row,
                9,
                member.rag.map_or("not rated", |rag| rag.name()),
                &rag_format(member.rag),
            )?;
            sheet.write_text(row, 10, funnel_band(indicator, member))?;
            sheet.write_text(row, 11, member.not_calculable.as_deref().unwrap_or(""))?;
            row += 1;
        }
    }
    Ok(())
}
