//! What every part of the simulation shares: the report months, a seeded
//! random source, trends over the report months, and dates as extracts
//! write them.

use super::failure::SampleError;
use crate::project::{HolidayCalendar, Month};
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

pub(crate) const FIRST_MONTH: Month = Month { year: 2023, month: 4 };
pub(crate) const LAST_MONTH: Month = Month { year: 2026, month: 3 };

/// A seeded random source with the few draws the simulation needs.
pub(crate) struct Draw(ChaCha8Rng);

impl Draw {
    pub(crate) fn new(seed: u64) -> Draw {
        Draw(ChaCha8Rng::seed_from_u64(seed))
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.0.gen::<f64>() < probability
    }

    /// Uniform whole number in `low..=high`.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        self.0.gen_range(low..=high)
    }

    pub(crate) fn unit(&mut self) -> f64 {
        self.0.gen::<f64>()
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.gen_range(0..items.len())]
    }

    /// `pick` for small copyable items such as codes.
    pub(crate) fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        *self.pick(items)
    }

    /// Exponential waiting time with the given mean, in days.
    pub(crate) fn wait_days(&mut self, mean_days: f64) -> i64 {
        let uniform: f64 = self.0.gen::<f64>().max(1e-12);
        (-uniform.ln() * mean_days).round() as i64
    }

    /// Poisson count (Knuth's method; fine for the small means used here).
    pub(crate) fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let mut product = self.0.gen::<f64>();
        let mut count = 0;
        while product > limit {
            product *= self.0.gen::<f64>();
            count += 1;
        }
        count
    }

    pub(crate) fn day_in(&mut self, month: Month) -> NaiveDate {
        month.first_day()
            + Duration::days(self.between(0, month.last_day().signed_duration_since(month.first_day()).num_days()))
    }

    pub(crate) fn postcode(&mut self) -> String {
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
pub(crate) fn trend(date: NaiveDate, from: f64, to: f64) -> f64 {
    let start = FIRST_MONTH.first_day();
    let end = LAST_MONTH.last_day();
    if date <= start {
        return from;
    }
    let share = (date - start).num_days() as f64 / (end - start).num_days() as f64;
    from + (to - from) * share.min(1.0)
}

pub(crate) fn add_working_days(calendar: &HolidayCalendar, start: NaiveDate, days: i64) -> NaiveDate {
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

pub(crate) fn dmy(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub(crate) fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A date as the extract at `as_at` shows it: blank if it hasn't happened yet.
pub(crate) fn shown(date: Option<NaiveDate>, as_at: NaiveDate, format: fn(NaiveDate) -> String) -> String {
    date.filter(|date| *date <= as_at).map(format).unwrap_or_default()
}

pub(crate) fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), SampleError> {
    let mut writer = csv::Writer::from_path(path).map_err(SampleError::csv(path))?;
    writer.write_record(header).map_err(SampleError::csv(path))?;
    for row in rows {
        writer.write_record(row).map_err(SampleError::csv(path))?;
    }
    writer.flush().map_err(SampleError::io(path))
}

/// How late a scheduled event is: its chance on the day it falls due, and
/// the days it is late by when it is.
pub(crate) struct Lateness<F: Fn(NaiveDate) -> f64> {
    pub chance: F,
    pub days: (i64, i64),
}

/// Events every `interval` days from `first`, late as `lateness` says,
/// until `until`; the next is due from the one held.
pub(crate) fn schedule<F: Fn(NaiveDate) -> f64>(
    draw: &mut Draw,
    first: NaiveDate,
    interval: impl Fn(usize) -> i64,
    lateness: Lateness<F>,
    until: NaiveDate,
) -> Vec<NaiveDate> {
    let mut events = Vec::new();
    let mut due = first;
    while due <= until {
        let late = draw.chance((lateness.chance)(due));
        let held = if late { due + Duration::days(draw.between(lateness.days.0, lateness.days.1)) } else { due };
        events.push(held);
        due = held + Duration::days(interval(events.len()));
    }
    events
}

pub(crate) fn age_on(dob: NaiveDate, date: NaiveDate) -> i32 {
    let mut age = date.year() - dob.year();
    if (date.month(), date.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}
