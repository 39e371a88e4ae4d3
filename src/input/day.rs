//! A date as extracts' date columns hold it: a count of days from
//! 1970-01-01, which is what a polars date column holds too. Made straight
//! from the year, month and day, without building a calendar date on the
//! way (chrono's constructor was a few percent of reading a consortium).

use chrono::{Datelike, NaiveDate};

/// 1970-01-01 is day 719,163 of the common era (chrono's day 1 is 0001-01-01).
const EPOCH_FROM_CE: i32 = 719_163;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

impl Day {
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce() - EPOCH_FROM_CE)
    }

    /// Days from 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }

    pub fn date(self) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.0 + EPOCH_FROM_CE)
            .expect("a day read from an extract is in chrono's range")
    }

    /// The day of a (proleptic Gregorian) calendar date, if there is one.
    /// Extracts' dates are almost all from 1900 to 2099, looked up in a
    /// table of month starts; other years are worked out.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let month = month as usize;
        if let Some(starts) = usize::try_from(year - TABLE_FIRST_YEAR).ok().and_then(|at| MONTH_STARTS.get(at)) {
            let days = starts[month - 1] + day as i32 - 1;
            return (days < starts[month]).then_some(Day(days));
        }
        let valid = (0..=9999).contains(&year) && day <= days_in_month(year, month);
        valid.then(|| Day(days_from_civil(year, month, day)))
    }
}

const TABLE_FIRST_YEAR: i32 = 1900;
const TABLE_YEARS: usize = 200;

/// Days from 1970-01-01 to the first of each month of each year from 1900,
/// and to the next 1 January (so a month's length is a difference).
static MONTH_STARTS: [[i32; 13]; TABLE_YEARS] = month_starts();

const fn month_starts() -> [[i32; 13]; TABLE_YEARS] {
    let mut table = [[0; 13]; TABLE_YEARS];
    let mut at = 0;
    while at < TABLE_YEARS {
        let year = TABLE_FIRST_YEAR + at as i32;
        let mut month = 0;
        while month < 12 {
            table[at][month] = days_from_civil(year, month + 1, 1);
            month += 1;
        }
        table[at][12] = days_from_civil(year + 1, 1, 1);
        at += 1;
    }
    table
}

/// Howard Hinnant's `days_from_civil`, with the year counted from March so
/// that a leap day is the last of its year.
const fn days_from_civil(year: i32, month: usize, day: u32) -> i32 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month as i32 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day as i32 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i32, month: usize) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against chrono, for every day from year 0 to 9999 (every leap rule:
    /// 1900 and 2100 are not leap years, 2000 is), and for dates that do not exist.
    #[test]
    fn days_agree_with_chrono() {
        let mut date = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while date <= last {
            let day = Day::from_ymd(date.year(), date.month(), date.day());
            assert_eq!(day, Some(Day::from_date(date)), "{date}");
            assert_eq!(day.unwrap().date(), date);
            date = date.succ_opt().unwrap();
        }
        for (year, month, day) in [
            (1900, 2, 29),
            (2100, 2, 29),
            (2023, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
            (2024, 1, 0),
            (2024, 1, 32),
            (2024, 1, u32::MAX),
        ] {
            assert_eq!(Day::from_ymd(year, month, day), None, "{year}-{month}-{day}");
            assert_eq!(NaiveDate::from_ymd_opt(year, month, day), None);
        }
        // Hand-worked anchors: 1970-01-01 is day 0; 2000-03-01 is 30 years of 365 days,
        // 8 leap days (1972..2000 by fours) and 31 + 29 days into 2000: 10,957 + 60 = 11,017.
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2000, 3, 1), Some(Day(11_017)));
    }
}
