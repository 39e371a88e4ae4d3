//! The sample authority: a deterministic generator of month-end extracts
//! for a fictional council ("Northbridge"), in the statutory return shapes.
//!
//! One "true" history is simulated from years before the first report month,
//! then each month-end snapshot is cut from it, so that extracts agree with
//! each other the way real ones do: a placement that ends next month is
//! open in this month's extract.

pub mod cin;
pub mod cla;
pub mod workforce;

use crate::project::calendar::HolidayCalendar;
use crate::project::period::Month;
use crate::sample::cin::CinHistory;
use crate::sample::cla::ClaHistory;
use crate::sample::workforce::WorkforceHistory;
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

pub const FIRST_MONTH: Month = Month { year: 2023, month: 4 };
pub const LAST_MONTH: Month = Month { year: 2026, month: 3 };

/// A seeded random source with the few draws the simulation needs.
pub struct Draw(ChaCha8Rng);

impl Draw {
    pub fn new(seed: u64) -> Draw {
        Draw(ChaCha8Rng::seed_from_u64(seed))
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.0.gen::<f64>() < probability
    }

    /// Uniform whole number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        self.0.gen_range(low..=high)
    }

    pub fn unit(&mut self) -> f64 {
        self.0.gen::<f64>()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.gen_range(0..items.len())]
    }

    /// `pick` for small copyable items such as codes.
    pub fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        *self.pick(items)
    }

    /// Exponential waiting time with the given mean, in days.
    pub fn wait_days(&mut self, mean_days: f64) -> i64 {
        let uniform: f64 = self.0.gen::<f64>().max(1e-12);
        (-uniform.ln() * mean_days).round() as i64
    }

    /// Poisson count (Knuth's method; fine for the small means used here).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let mut product = self.0.gen::<f64>();
        let mut count = 0;
        while product > limit {
            product *= self.0.gen::<f64>();
            count += 1;
        }
        count
    }

    pub fn day_in(&mut self, month: Month) -> NaiveDate {
        month.first_day()
            + Duration::days(self.between(0, month.last_day().signed_duration_since(month.first_day()).num_days()))
    }

    pub fn postcode(&mut self) -> String {
        // "NB" is not a real postcode area, so sample postcodes can't match anyone's.
        let letters = b"ABDEFGHJLNPQRSTUWXYZ";
        let letter = |draw: &mut Draw| letters[draw.between(0, letters.len() as i64 - 1) as usize] as char;
        let district = self.between(1, 9);
        let sector = self.between(1, 9);
        format!("NB{district} {sector}{}{}", letter(self), letter(self))
    }
}

/// Linear change from `from` at the first report month to `to` at the last;
/// flat at `from` before it.
pub fn trend(date: NaiveDate, from: f64, to: f64) -> f64 {
    let start = FIRST_MONTH.first_day();
    let end = LAST_MONTH.last_day();
    if date <= start {
        return from;
    }
    let share = (date - start).num_days() as f64 / (end - start).num_days() as f64;
    from + (to - from) * share.min(1.0)
}

pub fn add_working_days(calendar: &HolidayCalendar, start: NaiveDate, days: i64) -> NaiveDate {
    let mut date = start;
    let mut left = days;
    while left > 0 {
        date = date.succ_opt().expect("dates in range");
        if calendar.is_working_day(date) {
            left -= 1;
        }
    }
    date
}

pub fn dmy(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A date as the extract at `as_at` shows it: blank if it hasn't happened yet.
pub fn shown(date: Option<NaiveDate>, as_at: NaiveDate, format: fn(NaiveDate) -> String) -> String {
    date.filter(|date| *date <= as_at).map(format).unwrap_or_default()
}

pub fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    let mut writer = csv::Writer::from_path(path).map_err(|error| format!("{}: {error}", path.display()))?;
    writer.write_record(header).map_err(|error| error.to_string())?;
    for row in rows {
        writer.write_record(row).map_err(|error| error.to_string())?;
    }
    writer.flush().map_err(|error| format!("{}: {error}", path.display()))
}

/// Write every month's extracts under `out/YYYY-MM/`. Returns a summary line.
pub fn write(out: &Path, seed: u64) -> Result<String, String> {
    let files = write_authority(out, seed, 1.0)?;
    Ok(format!(
        "wrote {files} extracts for {} months ({FIRST_MONTH} to {LAST_MONTH}) to {}",
        FIRST_MONTH.months_until(LAST_MONTH) + 1,
        out.display()
    ))
}

/// One authority's history, `scale` times the size of the sample's, cut
/// into month-end snapshots. Returns the number of files written.
fn write_authority(out: &Path, seed: u64, scale: f64) -> Result<usize, String> {
    let calendar = HolidayCalendar::england_and_wales();
    let cla = ClaHistory::simulate(&mut Draw::new(seed), seed, scale);
    let cin = CinHistory::simulate(&mut Draw::new(seed.wrapping_add(1)), &calendar, scale);
    let workforce = WorkforceHistory::simulate(&mut Draw::new(seed.wrapping_add(2)), scale);
    let mut files = 0;
    for month in FIRST_MONTH.through(LAST_MONTH) {
        let dir = out.join(month.to_string());
        std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        let as_at = month.last_day();
        files += cla.write_snapshot(&dir, as_at)?;
        files += cin.write_snapshot(&dir, as_at)?;
        files += workforce.write_snapshot(&dir, as_at)?;
    }
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
pub fn write_consortium(out: &Path, seed: u64, count: usize) -> Result<String, String> {
    if count == 0 || count > 9999 {
        return Err("--authorities must be between 1 and 9999".into());
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
        write_authority(&out.join(code), *member_seed, *scale)
    });
    let files = written.into_iter().sum::<Result<usize, String>>()?;
    let mut rows = Vec::new();
    for (index, (code, name, scale, _)) in members.iter().enumerate() {
        let mut row = vec![code.clone(), name.clone(), REGIONS[index % REGIONS.len()].to_string()];
        row.extend(POPULATION.iter().map(|(_, children)| ((*children as f64 * scale).round() as u64).to_string()));
        rows.push(row);
    }
    let mut header = vec!["code".to_string(), "name".into(), "region".into()];
    header.extend(POPULATION.iter().map(|(year, _)| format!("population_{year}")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    write_csv(&out.join(crate::project::members::MEMBERS_FILE), &header, &rows)?;
    Ok(format!(
        "wrote {files} extracts for {count} authorities x {} months ({FIRST_MONTH} to {LAST_MONTH}) to {}",
        FIRST_MONTH.months_until(LAST_MONTH) + 1,
        out.display()
    ))
}
