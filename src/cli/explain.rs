//! `scorecard explain`: how one figure was worked out, and the records
//! behind it, on screen or to a CSV file. Local use only.

use crate::error::{Error, OutputError, UsageError};
use crate::evaluate::{self, Reading, Shown};
use crate::judge::plain_english;
use crate::project::Month;
use crate::render::{show_count, show_value};
use std::path::Path;

/// The figure to explain: an indicator, a month (default the latest), a member.
pub(super) struct Target<'a> {
    pub id: &'a str,
    pub month: Option<Month>,
    pub authority: Option<&'a str>,
}

pub(super) fn explain(
    root: &Path,
    Target { id, month, authority }: Target,
    shown: Shown,
    file: Option<&Path>,
    out: &mut String,
) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let member = loaded.member(authority)?;
    // Every column only when every column is wanted: reading is most of the time.
    let reading = if shown == Shown::All { Reading::Everything } else { Reading::ForExplain };
    // Only this member's extracts: a consortium's others play no part.
    let data = evaluate::read_member(&loaded, member, reading)?;
    let month = Month::choose(&data.months, month).map_err(UsageError::from)?;
    let explanation = evaluate::explain(&loaded, &data, member, (id, month), shown)?;
    let definition = explanation.definition;
    let window = explanation.window.describe();
    say!(out, "{} ({id}), {month}", definition.title());
    for (label, text) in plain_english(definition, &window) {
        say!(out, "  {label}: {text}");
    }
    let observation = &explanation.observation;
    match observation.reason() {
        Some(reason) => say!(out, "  Value: not calculable: {reason}"),
        None => say!(
            out,
            "  Value: {}  numerator: {}  denominator: {}",
            show_value(observation.value, definition.decimals(), definition.unit()),
            show_count(observation.numerator),
            show_count(observation.denominator)
        ),
    }
    let columns = &explanation.columns;
    let rows = &numerator_first(columns, explanation.rows);
    match file {
        Some(path) => {
            write_csv(path, columns, rows)?;
            say!(out, "wrote {} records to {}", rows.len(), path.display());
        }
        None => {
            say!(out, "  {} records taking part ({window}):", show_count(Some(rows.len() as f64)));
            let (columns, rows, constant) = without_constant_columns(columns, rows);
            if !constant.is_empty() {
                say!(out, "  on every record: {}", constant.join(", "));
            }
            let (columns, rows) = (&columns, &rows);
            let widths: Vec<usize> = (0..columns.len())
                .map(|i| rows.iter().map(|row| row[i].len()).chain([columns[i].len()]).max().unwrap_or(0))
                .collect();
            let line = |cells: &[String]| {
                cells.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect::<Vec<_>>().join("  ")
            };
            say!(out, "  {}", line(columns));
            for row in rows {
                say!(out, "  {}", line(row));
            }
        }
    }
    Ok(())
}

/// The records in the numerator (or counted) first, each part in key order.
fn numerator_first(columns: &[String], mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    if let Some(at) = columns.iter().position(|name| name == "in_numerator" || name == "counted") {
        rows.sort_by_key(|row| row[at] != "true");
    }
    rows
}

/// The table without the columns that are the same on every row (the key,
/// first, always stays), and those columns as `name = value`.
fn without_constant_columns(columns: &[String], rows: &[Vec<String>]) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
    let constant = |index: usize| index > 0 && rows.len() > 1 && rows.iter().all(|row| row[index] == rows[0][index]);
    let (kept, dropped): (Vec<usize>, Vec<usize>) = (0..columns.len()).partition(|index| !constant(*index));
    let described = dropped.iter().map(|index| format!("{} = {}", columns[*index], rows[0][*index])).collect();
    let pick = |row: &[String]| kept.iter().map(|index| row[*index].clone()).collect::<Vec<_>>();
    (pick(columns), rows.iter().map(|row| pick(row)).collect(), described)
}

fn write_csv(path: &Path, columns: &[String], rows: &[Vec<String>]) -> Result<(), Error> {
    let failed = |error: csv::Error| OutputError::io("cannot write", path)(error.into());
    let mut writer = csv::Writer::from_path(path).map_err(failed)?;
    for record in std::iter::once(columns).chain(rows.iter().map(Vec::as_slice)) {
        writer.write_record(record).map_err(failed)?;
    }
    Ok(writer.flush().map_err(OutputError::io("cannot write", path))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|cell| cell.to_string()).collect()
    }

    #[test]
    fn numerator_records_come_first_and_constant_columns_go() {
        let columns = strings(&["child", "in_numerator", "in_denominator"]);
        let rows =
            vec![strings(&["A", "false", "true"]), strings(&["B", "true", "true"]), strings(&["C", "true", "true"])];
        let sorted = numerator_first(&columns, rows);
        assert_eq!(sorted.iter().map(|row| row[0].as_str()).collect::<Vec<_>>(), ["B", "C", "A"]);
        let (kept, rows, constant) = without_constant_columns(&columns, &sorted);
        assert_eq!(kept, strings(&["child", "in_numerator"]));
        assert_eq!(rows[2], strings(&["A", "false"]));
        assert_eq!(constant, ["in_denominator = true"]);
    }
}
