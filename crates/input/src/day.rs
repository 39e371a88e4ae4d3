//! A date as extracts' date columns hold it: a count of days from
//! 1970-01-01, which is what a polars date column holds too. Made straight
//! from the year, month and day, without building a calendar date on the
//! way (chrono's constructor was a few percent of reading a consortium).

use chrono::{Datelike, NaiveDate};

/// 1970-01-01 is day 719,163 of the common era (chrono's day 1 is 0001-01-01).
const EPOCH_FROM_CE: i32 = 719_163;

/// A date as whole days from 1970-01-01, as polars holds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

impl Day {
    /// The day of `date`.
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce() - EPOCH_FROM_CE)
    }

    /// Days from 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }

    /// The calendar date of the day.
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

    /// The day `days` days from 1970-01-01.
    pub fn from_days(days: i32) -> Day {
        Day(days)
    }

    /// The same day `months` months on (or back), or the last day of that
    /// month when it is shorter: 31 January plus one month is 28 or 29
    /// February, as SQL's `+ INTERVAL '1 month'` gives.
    pub fn add_months(self, months: i32) -> Day {
        let (year, month, day) = civil_from_days(self.0);
        let months_from_zero = year * 12 + month as i32 - 1 + months;
        let (year, month) = (months_from_zero.div_euclid(12), months_from_zero.rem_euclid(12) as usize + 1);
        Day(days_from_civil(year, month, day.min(days_in_month(year, month))))
    }
}

/// Howard Hinnant's `civil_from_days`: the year, month and day of a count
/// of days from 1970-01-01 (the inverse of `days_from_civil`).
fn civil_from_days(days: i32) -> (i32, usize, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as usize;
    let year = year_of_era + era * 400 + i32::from(month <= 2);
    (year, month, day)
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

    /// Against chrono's month arithmetic (which also keeps the day, or the
    /// month's last): every day from 1899 to 2101, months on and back.
    #[test]
    fn months_added_agree_with_chrono() {
        let mut date = NaiveDate::from_ymd_opt(1899, 1, 1).unwrap();
        while date.year() <= 2101 {
            for months in [-25i32, -12, -1, 0, 1, 2, 11, 12, 13, 120] {
                let expected = match months {
                    0.. => date.checked_add_months(chrono::Months::new(months as u32)),
                    _ => date.checked_sub_months(chrono::Months::new(months.unsigned_abs())),
                };
                assert_eq!(Day::from_date(date).add_months(months).date(), expected.unwrap(), "{date} {months}");
            }
            date = date.succ_opt().unwrap();
        }
        // By hand: 31 January 2024 + 1 month is 29 February (a leap year); 2023's is the 28th.
        let day = |y, m, d| Day::from_ymd(y, m, d).unwrap();
        assert_eq!(day(2024, 1, 31).add_months(1), day(2024, 2, 29));
        assert_eq!(day(2023, 1, 31).add_months(1), day(2023, 2, 28));
        assert_eq!(day(2024, 5, 1).add_months(-12), day(2023, 5, 1));
    }
}
