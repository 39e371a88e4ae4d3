//! A reporting period is a calendar month, written `YYYY-MM`.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar month: the period an extract and a figure belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month, when `month` is 1 to 12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// The month `date` falls in.
    pub fn containing(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("month is always valid")
    }

    /// Its last day (the month end extracts are taken at).
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("dates in range")
    }

    /// The month after.
    pub fn next(self) -> Month {
        self.plus(1)
    }

    /// The month before.
    pub fn previous(self) -> Month {
        self.plus(-1)
    }

    /// `months` months on (back when negative).
    pub fn plus(self, months: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + months;
        Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        (later.year * 12 + later.month as i32) - (self.year * 12 + self.month as i32)
    }

    /// First month of the financial year holding this month.
    pub fn financial_year_start(self, start_month: u32) -> Month {
        let year = if self.month >= start_month { self.year } else { self.year - 1 };
        Month { year, month: start_month }
    }

    /// Every month from `self` to `last`, inclusive.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        let count = self.months_until(last) + 1;
        (0..count.max(0)).map(move |offset| self.plus(offset))
    }

    /// The month the build runs in: that of `SOURCE_DATE_EPOCH` when set
    /// (reproducible builds and tests), otherwise of the clock.
    pub fn current() -> Month {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|text| text.trim().parse::<i64>().ok());
        let now = epoch.and_then(|epoch| chrono::DateTime::from_timestamp(epoch, 0)).unwrap_or_else(chrono::Utc::now);
        Month::containing(now.date_naive())
    }

    /// The month to report from those `available` (sorted): the one asked
    /// for, or the latest.
    pub fn choose(available: &[Month], requested: Option<Month>) -> Result<Month, MonthError> {
        let (Some(first), Some(last)) = (available.first().copied(), available.last().copied()) else {
            return Err(MonthError::NoneAvailable);
        };
        match requested {
            Some(month) if available.contains(&month) => Ok(month),
            Some(month) => Err(MonthError::NotAvailable { month, first, last }),
            None => Ok(last),
        }
    }

    /// The day `months` calendar months before `date`, clamped to month end.
    pub fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
        date.checked_sub_months(Months::new(months)).expect("dates in range")
    }
}

/// A month that could not be read or is not among those with extracts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    /// The text as written.
    #[error("`{0}` is not a month written YYYY-MM (for example 2025-03)")]
    NotAMonth(String),
    /// The month asked for, and the first and last months with extracts.
    #[error("no extracts for {month}: months available are {first} to {last}")]
    NotAvailable {
        /// The month asked for.
        month: Month,
        /// The first month with extracts.
        first: Month,
        /// The last.
        last: Month,
    },
    /// No month has extracts.
    #[error("no months with extracts")]
    NoneAvailable,
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = MonthError;

    fn from_str(text: &str) -> Result<Month, MonthError> {
        let invalid = || MonthError::NotAMonth(text.to_string());
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let month = month.parse().map_err(|_| invalid())?;
        Month::new(year, month).ok_or_else(invalid)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Month, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_crosses_years() {
        let march = Month::new(2025, 3).unwrap();
        assert_eq!(march.plus(-12).to_string(), "2024-03");
        assert_eq!(march.plus(10).to_string(), "2026-01");
        assert_eq!(Month::new(2024, 2).unwrap().last_day().to_string(), "2024-02-29");
        assert_eq!(march.financial_year_start(4).to_string(), "2024-04");
        assert_eq!(Month::new(2025, 4).unwrap().financial_year_start(4).to_string(), "2025-04");
    }

    #[test]
    fn the_month_asked_for_or_the_latest() {
        let available: Vec<Month> = Month::new(2025, 1).unwrap().through(Month::new(2025, 3).unwrap()).collect();
        assert_eq!(Month::choose(&available, None), Ok(Month::new(2025, 3).unwrap()));
        assert_eq!(Month::choose(&available, Month::new(2025, 2)), Ok(Month::new(2025, 2).unwrap()));
        let missing = Month::choose(&available, Month::new(2024, 12)).unwrap_err();
        assert_eq!(missing.to_string(), "no extracts for 2024-12: months available are 2025-01 to 2025-03");
        assert_eq!(Month::choose(&[], None), Err(MonthError::NoneAvailable));
        // Nothing to choose from, whatever is asked for.
        assert_eq!(Month::choose(&[], Month::new(2025, 2)), Err(MonthError::NoneAvailable));
    }

    #[test]
    fn parse_rejects_loose_forms() {
        assert_eq!("2025-3".parse::<Month>(), Err(MonthError::NotAMonth("2025-3".to_string())));
        assert!("2025-13".parse::<Month>().is_err());
        assert_eq!("2025-03".parse::<Month>().unwrap(), Month::new(2025, 3).unwrap());
    }
}
