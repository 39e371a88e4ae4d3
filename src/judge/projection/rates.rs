//! What happened in the reference window, counted as the model needs it:
//! each entry (the child's age and first placement), and for each age band
//! and placement type the child-days in care, the exits and the moves to
//! each other type. A rate is its events over its child-days.

use super::care::{
    band_on, birthday, next_birthday_that_counts, Period, Placement, AGE_BANDS, LEAVING_AGE, PLACEMENTS,
};
use chrono::NaiveDate;

const BANDS: usize = AGE_BANDS.len();
const TYPES: usize = PLACEMENTS.len();

/// Counts from the days `from` up to (not including) `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Each child entering care in the window: age in days, first placement.
    pub entrants: Vec<(i64, Placement)>,
    /// Child-days in care, by age band and placement type.
    pub exposure: [[i64; TYPES]; BANDS],
    /// Periods of care ending before the child's 18th birthday.
    pub exits: [[u32; TYPES]; BANDS],
    /// Changes of placement type within a period of care: band, from, to.
    pub moves: [[[u32; TYPES]; TYPES]; BANDS],
}

impl Rates {
    pub fn estimate(periods: &[Period], from: NaiveDate, to: NaiveDate) -> Rates {
        let mut rates = Rates {
            from,
            to,
            entrants: Vec::new(),
            exposure: [[0; TYPES]; BANDS],
            exits: [[0; TYPES]; BANDS],
            moves: [[[0; TYPES]; TYPES]; BANDS],
        };
        for period in periods {
            rates.count(period);
        }
        rates
    }

    fn count(&mut self, period: &Period) {
        let born = period.born;
        let leaves = birthday(born, LEAVING_AGE);
        let (from, to) = (self.from, self.to);
        let within = |day: NaiveDate| from <= day && day < to && day < leaves;
        let start = period.start();
        if within(start) {
            self.entrants.push(((start - born).num_days(), period.stretches[0].placement));
        }
        for (index, stretch) in period.stretches.iter().enumerate() {
            self.add_exposure(born, stretch.start, stretch.end.unwrap_or(self.to).min(leaves), stretch.placement);
            let Some(end) = stretch.end.filter(|end| within(*end)) else { continue };
            let band = band_on(born, end.pred_opt().unwrap_or(end));
            match period.stretches.get(index + 1) {
                Some(next) => self.moves[band][stretch.placement.index()][next.placement.index()] += 1,
                None => self.exits[band][stretch.placement.index()] += 1,
            }
        }
    }

    /// The days from `start` up to `end` inside the window, each in the
    /// band the child is in that day.
    fn add_exposure(&mut self, born: NaiveDate, start: NaiveDate, end: NaiveDate, placement: Placement) {
        let mut day = start.max(self.from);
        let end = end.min(self.to);
        while day < end {
            let until = next_birthday_that_counts(born, day).min(end);
            self.exposure[band_on(born, day)][placement.index()] += (until - day).num_days();
            day = until;
        }
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days().max(1)
    }

    /// Entries a day.
    pub fn entry_rate(&self) -> f64 {
        self.entrants.len() as f64 / self.days() as f64
    }

    /// Exits a child-day, in a band and placement type (0 with no days).
    pub fn exit_rate(&self, band: usize, placement: Placement) -> f64 {
        per_day(self.exits[band][placement.index()], self.exposure[band][placement.index()])
    }

    /// Moves a child-day from one placement type to another, in a band.
    pub fn move_rate(&self, band: usize, from: Placement, to: Placement) -> f64 {
        per_day(self.moves[band][from.index()][to.index()], self.exposure[band][from.index()])
    }
}

fn per_day(events: u32, child_days: i64) -> f64 {
    if child_days > 0 {
        f64::from(events) / child_days as f64
    } else {
        0.0
    }
}
