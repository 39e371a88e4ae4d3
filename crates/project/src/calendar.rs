//! Working days: weekends and England & Wales bank holidays excluded.
//!
//! The built-in list (2015-2030, one-off days included) is the gov.uk list;
//! a project can add days or replace the list in `[calendar]`.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

const BUILT_IN: &str = include_str!("bank_holidays_england_wales.csv");

/// The days that are not working days besides weekends: bank holidays, and any a project adds.
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl HolidayCalendar {
    /// England and Wales's bank holidays for 2015-2030, from gov.uk, one-off days included.
    pub fn england_and_wales() -> HolidayCalendar {
        let holidays = BUILT_IN
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(','))
            .map(|(date, _name)| NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("built-in list is valid"))
            .collect();
        HolidayCalendar { holidays }
    }

    /// A calendar of exactly these holidays.
    pub fn from_dates(dates: impl IntoIterator<Item = NaiveDate>) -> HolidayCalendar {
        HolidayCalendar { holidays: dates.into_iter().collect() }
    }

    /// Adds holidays (a project's own closure days).
    pub fn add(&mut self, dates: impl IntoIterator<Item = NaiveDate>) {
        self.holidays.extend(dates);
    }

    /// Every holiday, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// False on a Saturday, a Sunday or a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// Working days after `start` up to and including `end`: an assessment
    /// started on a Monday and authorised on the Tuesday took 1 working day.
    /// This is the count polars' `business_day_count` gives for [start, end)
    /// when both days are working days; the engine uses polars, this is the
    /// reference the tests compare it with.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        if end < start {
            return -self.working_days_between(end, start);
        }
        start.iter_days().skip(1).take_while(|day| *day <= end).filter(|day| self.is_working_day(*day)).count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn built_in_list_has_the_one_off_days() {
        let calendar = HolidayCalendar::england_and_wales();
        for one_off in ["2020-05-08", "2022-06-03", "2022-09-19", "2023-05-08"] {
            assert!(!calendar.is_working_day(date(one_off)), "{one_off}");
        }
        // 8 bank holidays a year, plus 2022 (jubilee, funeral) and 2023 (coronation).
        assert_eq!(calendar.holidays().count(), 16 * 8 + 3);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let calendar = HolidayCalendar::england_and_wales();
        // Thu 17 Apr 2025 -> Tue 22 Apr 2025: Fri 18 Good Friday, Sat, Sun,
        // Mon 21 Easter Monday, Tue 22 counts: 1 working day.
        assert_eq!(calendar.working_days_between(date("2025-04-17"), date("2025-04-22")), 1);
        assert_eq!(calendar.working_days_between(date("2025-04-22"), date("2025-04-17")), -1);
    }
}
