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

    /// The day of a (proleptic Gregorian) calendar date, if there is one:
    /// Howard Hinnant's `days_from_civil`, with the year counted from March
    /// so that a leap day is the last of its year.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || !(0..=9999).contains(&year) {
            return None;
        }
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_from_march = (month + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year as i32;
        Some(Day(era * 146_097 + day_of_era - 719_468))
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
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
