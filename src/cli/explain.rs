//! `scorecard explain`: how one figure was worked out, and the records
//! behind it, on screen or to a CSV file. Local use only.

use crate::error::{Error, OutputError};
use crate::evaluate::{self, Reading};
use crate::judge::plain_english;
use crate::project::Month;
use crate::render::{show_quantity, show_value};
use std::path::Path;

pub fn explain(
    root: &Path,
    id: &str,
    month: Option<Month>,
    authority: Option<&str>,
    file: Option<&Path>,
    out: &mut String,
) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let member = loaded.member(authority)?;
    let data = evaluate::read_data_for(&loaded, Reading::ValuesOnly)?;
    let month = Month::choose(&data.months, month).map_err(Error::Usage)?;
    let explanation = evaluate::explain(&loaded, &data, member, id, month)?;
    let definition = explanation.definition;
    let window = explanation.window.describe();
    say!(out, "{} ({id}), {month}", definition.indicator.title);
    for (label, text) in plain_english(definition, &window) {
        say!(out, "  {label}: {text}");
    }
    let observation = &explanation.observation;
    match observation.reason() {
        Some(reason) => say!(out, "  Value: not calculable: {reason}"),
        None => say!(
            out,
            "  Value: {}  numerator: {}  denominator: {}",
            show_value(observation.value, definition.decimals(), *definition.indicator.unit.get_ref()),
            show_quantity(observation.numerator),
            show_quantity(observation.denominator)
        ),
    }
    let (columns, rows) = (&explanation.columns, &explanation.rows);
    match file {
        Some(path) => {
            write_csv(path, columns, rows)?;
            say!(out, "wrote {} records to {}", rows.len(), path.display());
        }
        None => {
            say!(out, "  {} records taking part ({window}):", rows.len());
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

fn write_csv(path: &Path, columns: &[String], rows: &[Vec<String>]) -> Result<(), Error> {
    let failed = |error: csv::Error| OutputError::io("cannot write", path)(error.into());
    let mut writer = csv::Writer::from_path(path).map_err(failed)?;
    for record in std::iter::once(columns).chain(rows.iter().map(Vec::as_slice)) {
        writer.write_record(record).map_err(failed)?;
    }
    Ok(writer.flush().map_err(OutputError::io("cannot write", path))?)
}
