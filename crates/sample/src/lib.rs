//! The sample authority: a deterministic generator of month-end extracts
//! for a fictional council ("Northbridge"), in the statutory return shapes.
//!
//! One "true" history is simulated from years before the first report month,
//! then each month-end snapshot is cut from it, so that extracts agree with
//! each other the way real ones do: a placement that ends next month is
//! open in this month's extract.
//!
//! A tool beside the engine, not part of it: it depends on the `project` crate
//! only (months, calendar, `parallel`), and only the `sample` command uses it.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::parallel;

mod annex_a;
mod cin;
mod cin_record;
mod cla;
mod cla_record;
mod csv_table;
mod failure;
mod returns;
mod simulation;
mod ssd;
mod workforce;

use crate::project::HolidayCalendar;
use cin::CinHistory;
use cla::ClaHistory;
use simulation::{write_csv, Draw, FIRST_MONTH, LAST_MONTH};
use std::path::Path;
use workforce::WorkforceHistory;

pub use failure::SampleError;

/// The shapes the sample's extracts can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Shape {
    /// CSV month-end snapshots, as `scorecard.toml` in the repository reads them.
    #[default]
    Snapshots,
    /// The statutory returns: CIN census and workforce census XML, SSDA903 CSV,
    /// as the `returns` preset reads them.
    Returns,
    /// Ofsted's Annex A: a workbook per month named by its month, as the
    /// `annex-a` preset reads them.
    AnnexA,
    /// Data to Insight's Standard Safeguarding Dataset: one current extract
    /// per `ssd_*` table, as the `ssd` preset reads them (history layout).
    Ssd,
}

/// Write every month's extracts under `out/YYYY-MM/`. Returns a summary line.
pub fn write(out: &Path, seed: u64) -> Result<String, SampleError> {
    write_shaped(out, seed, Shape::Snapshots)
}

/// Write every month's extracts under `out/YYYY-MM/` in `shape`.
pub fn write_shaped(out: &Path, seed: u64, shape: Shape) -> Result<String, SampleError> {
    let snapshots = write_authority(out, seed, 1.0)?;
    let files = reshape(out, shape, snapshots)?;
    Ok(format!(
        "wrote {files} extracts for {} months ({FIRST_MONTH} to {LAST_MONTH}) to {}",
        FIRST_MONTH.months_until(LAST_MONTH) + 1,
        out.display()
    ))
}

/// One authority's snapshots (`snapshots` files under `out`) rewritten in
/// `shape`. Returns the number of files the folder then holds.
fn reshape(out: &Path, shape: Shape, snapshots: usize) -> Result<usize, SampleError> {
    let months = || FIRST_MONTH.through(LAST_MONTH);
    // The adoption register is written once, beside the months, whatever the shape.
    let register = 1;
    match shape {
        Shape::Snapshots => Ok(snapshots),
        Shape::AnnexA => {
            // Each month's snapshot becomes one workbook.
            for month in months() {
                annex_a::write_month(&out.join(month.to_string()), out, month.last_day())?;
            }
            Ok(months().count() + register)
        }
        Shape::Ssd => Ok(ssd::write(out, FIRST_MONTH, LAST_MONTH)? + register),
        Shape::Returns => {
            let mut files = 0;
            for month in months() {
                // A return's year is the year its 31 March falls in.
                let year = if month.month >= 4 { month.year + 1 } else { month.year };
                let reference = month.last_day().format("%Y-%m-%d").to_string();
                files += returns::rewrite_month(&out.join(month.to_string()), year, &reference)?;
            }
            Ok(files + register)
        }
    }
}

/// One authority's history, `scale` times the size of the sample's, cut
/// into month-end snapshots. Returns the number of files written.
fn write_authority(out: &Path, seed: u64, scale: f64) -> Result<usize, SampleError> {
    let calendar = HolidayCalendar::england_and_wales();
    let cla = ClaHistory::simulate(&mut Draw::new(seed), seed, scale);
    let cin = CinHistory::simulate(&mut Draw::new(seed.wrapping_add(1)), &calendar, scale);
    let workforce = WorkforceHistory::simulate(&mut Draw::new(seed.wrapping_add(2)), scale);
    let mut files = 0;
    for month in FIRST_MONTH.through(LAST_MONTH) {
        let dir = out.join(month.to_string());
        std::fs::create_dir_all(&dir).map_err(SampleError::io(&dir))?;
        let as_at = month.last_day();
        files += cla.write_snapshot(&dir, as_at)?;
        files += cin.write_snapshot(&dir, as_at)?;
        let working_days = calendar.working_days_between(month.first_day() - chrono::Duration::days(1), as_at);
        files += workforce.write_snapshot(&dir, as_at, working_days)?;
    }
    files += cla.write_adoptions(out, LAST_MONTH)?;
    Ok(files)
}

/// Fictional places: none is an English authority.
const PLACES: [&str; 24] = [
    "Northbridge",
    "Ashmere",
    "Brackenford",
    "Colwick Vale",
    "Dunmore",
    "Eastholme",
    "Fernley",
    "Greyhaven",
    "Hollinsworth",
    "Ironbridge Fields",
    "Kestrel Moor",
    "Larkhill",
    "Marlow Down",
    "Netherby",
    "Oakridge",
    "Pennington",
    "Quarrystone",
    "Ravensholt",
    "Saltmarsh",
    "Thornbury Wells",
    "Upperdale",
    "Wexcombe",
    "Yarrowby",
    "Zennor Bay",
];

const REGIONS: [&str; 3] = ["North West", "North East", "Yorkshire and The Humber"];

/// The sample authority's children (0-17) by year; members scale it.
const POPULATION: [(i32, u64); 4] = [(2022, 44800), (2023, 45100), (2024, 45300), (2025, 45500)];

/// A consortium of `count` fictional authorities under `out/`: members.csv
/// and a folder per member code (E069000NN), each of a different size
/// (0.75 to 3.25 times the sample authority, 2 on average) so that the
/// data total is predictable: sizes are evenly spaced, in shuffled order.
pub fn write_consortium(out: &Path, seed: u64, count: usize, shape: Shape) -> Result<String, SampleError> {
    if count == 0 || count > 9999 {
        return Err(SampleError::Authorities(count));
    }
    let mut sizes: Vec<f64> = (0..count).map(|index| 0.75 + 2.5 * (index as f64 + 0.5) / count as f64).collect();
    let mut draw = Draw::new(seed);
    for index in (1..sizes.len()).rev() {
        sizes.swap(index, draw.between(0, index as i64) as usize);
    }
    let members: Vec<(String, String, f64, u64)> = sizes
        .iter()
        .enumerate()
        .map(|(index, scale)| {
            let name = match PLACES.get(index) {
                Some(place) => format!("{place} (sample)"),
                None => format!("Authority {} (sample)", index + 1),
            };
            (format!("E0690{:04}", index + 1), name, *scale, seed.wrapping_add(1000 * (index as u64 + 1)))
        })
        .collect();
    let written = crate::parallel::map(&members, |(code, _, scale, member_seed)| {
        let folder = out.join(code);
        let snapshots = write_authority(&folder, *member_seed, *scale)?;
        reshape(&folder, shape, snapshots)
    });
    let files = written.into_iter().sum::<Result<usize, SampleError>>()?;
    let mut rows = Vec::new();
    for (index, (code, name, scale, _)) in members.iter().enumerate() {
        let mut row = vec![code.clone(), name.clone(), REGIONS[index % REGIONS.len()].to_string()];
        row.extend(POPULATION.iter().map(|(_, children)| ((*children as f64 * scale).round() as u64).to_string()));
        rows.push(row);
    }
    let mut header = vec!["code".to_string(), "name".into(), "region".into()];
    header.extend(POPULATION.iter().map(|(year, _)| format!("population_{year}")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    write_csv(&out.join(crate::project::MEMBERS_FILE), &header, &rows)?;
    Ok(format!(
        "wrote {files} extracts for {count} authorities x {} months ({FIRST_MONTH} to {LAST_MONTH}) to {}",
        FIRST_MONTH.months_until(LAST_MONTH) + 1,
        out.display()
    ))
}
