//! What happened in the reference window, counted as the model needs it:
//! each entry (the child's age and first placement), and for each age
//! band, time in care and placement type the child-days in care, the exits
//! and the moves to each other type. A rate is its events over its
//! child-days.

use super::care::{
    band_on, birthday, next_birthday_that_counts, Period, Placement, AGE_BANDS, LEAVING_AGE, PLACEMENTS,
};
use chrono::{Days, NaiveDate};

const BANDS: usize = AGE_BANDS.len();
const TYPES: usize = PLACEMENTS.len();

/// Time in care, in two classes: the first year of a period of care, and
/// after it. Children leave care far more often in their first months; two
/// classes, not more, because a few hundred children leave too few events
/// in finer cells.
pub const DURATIONS: [&str; 2] = ["first year in care", "a year or more in care"];

/// The first anniversary of a period of care starting on `start`.
pub(super) fn first_anniversary(start: NaiveDate) -> NaiveDate {
    start.checked_add_days(Days::new(365)).unwrap_or(NaiveDate::MAX)
}

/// The time-in-care class on `day` of a period that started on `start`.
pub(super) fn duration_on(start: NaiveDate, day: NaiveDate) -> usize {
    usize::from(day >= first_anniversary(start))
}

/// Counts from the days `from` up to (not including) `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// The window's first day.
    pub from: NaiveDate,
    /// The day after its last.
    pub to: NaiveDate,
    /// Each child entering care in the window: age in days, first placement.
    pub entrants: Vec<(i64, Placement)>,
    /// Child-days in care, by age band, time in care and placement type.
    pub exposure: [[[i64; TYPES]; 2]; BANDS],
    /// Periods of care ending before the child's 18th birthday, likewise.
    pub exits: [[[u32; TYPES]; 2]; BANDS],
    /// Changes of placement type within a period of care: band, time in
    /// care, from, to.
    pub moves: [[[[u32; TYPES]; TYPES]; 2]; BANDS],
}

impl Rates {
    /// Counts every period of care's days, entries, exits and moves within the window.
    pub fn estimate(periods: &[Period], from: NaiveDate, to: NaiveDate) -> Rates {
        let mut rates = Rates {
            from,
            to,
            entrants: Vec::new(),
            exposure: [[[0; TYPES]; 2]; BANDS],
            exits: [[[0; TYPES]; 2]; BANDS],
            moves: [[[[0; TYPES]; TYPES]; 2]; BANDS],
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
            let end = stretch.end.unwrap_or(self.to).min(leaves);
            self.add_exposure(period, (stretch.start, end), stretch.placement);
            let Some(end) = stretch.end.filter(|end| within(*end)) else { continue };
            let last_day = end.pred_opt().unwrap_or(end);
            let (band, duration) = (band_on(born, last_day), duration_on(start, last_day));
            let from = stretch.placement.index();
            match period.stretches.get(index + 1) {
                Some(next) => self.moves[band][duration][from][next.placement.index()] += 1,
                None => self.exits[band][duration][from] += 1,
            }
        }
    }

    /// The days from `start` up to `end` inside the window, each in the
    /// band and time-in-care class the child is in that day.
    fn add_exposure(&mut self, period: &Period, (start, end): (NaiveDate, NaiveDate), placement: Placement) {
        let anniversary = first_anniversary(period.start());
        let mut day = start.max(self.from);
        let end = end.min(self.to);
        while day < end {
            let next_class = if day < anniversary { anniversary } else { NaiveDate::MAX };
            let until = next_birthday_that_counts(period.born, day).min(next_class).min(end);
            let (band, duration) = (band_on(period.born, day), duration_on(period.start(), day));
            self.exposure[band][duration][placement.index()] += (until - day).num_days();
            day = until;
        }
    }

    /// The window's length in days (at least 1).
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days().max(1)
    }

    /// Entries a day.
    pub fn entry_rate(&self) -> f64 {
        self.entrants.len() as f64 / self.days() as f64
    }

    /// Exits a child-day, in a band, time-in-care class and placement type
    /// (0 with no days).
    pub fn exit_rate(&self, band: usize, duration: usize, placement: Placement) -> f64 {
        let at = placement.index();
        per_day(self.exits[band][duration][at], self.exposure[band][duration][at])
    }

    /// Moves a child-day from one placement type to another, likewise.
    pub fn move_rate(&self, band: usize, duration: usize, from: Placement, to: Placement) -> f64 {
        let exposure = self.exposure[band][duration][from.index()];
        per_day(self.moves[band][duration][from.index()][to.index()], exposure)
    }

    /// Exits before 18, moves and child-days in the window, all told.
    pub fn totals(&self) -> (u32, u32, i64) {
        let exits = self.exits.iter().flatten().flatten().sum();
        let moves = self.moves.iter().flatten().flatten().flatten().sum();
        (exits, moves, self.exposure.iter().flatten().flatten().sum())
    }
}

fn per_day(events: u32, child_days: i64) -> f64 {
    if child_days > 0 {
        f64::from(events) / child_days as f64
    } else {
        0.0
    }
}
