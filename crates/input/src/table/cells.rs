//! One cell's text as a number, a whole number, a yes or no, or a date in
//! the dataset's formats.

use crate::day::Day;
use chrono::NaiveDate;

/// Excel's day 0 for serial dates (1900 date system, after its leap-year bug).
const EXCEL_EPOCH: (i32, u32, u32) = (1899, 12, 30);

/// Yes or no as extracts write it, in any case: `true`/`false`, `yes`/`no`,
/// `y`/`n`, `1`/`0`, and Annex A's lettered options `a) Yes`/`b) No`.
pub(super) fn parse_boolean(text: &str) -> Option<bool> {
    let answer = match text.split_once(')') {
        Some((letter, rest)) if letter.trim().len() == 1 => rest.trim(),
        _ => text,
    };
    match answer.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// No count, FTE, distance, number of days or sum of money in a council's
/// records comes near 10^15, and beyond it sums stop being exact (a double
/// holds 15-16 significant digits) and soon stop being finite (three FTEs
/// of 1e308 add up to infinity): so a larger value is a bad value, named
/// at its cell, not a figure.
pub(super) const LARGEST_NUMBER: f64 = 1e15;

pub(super) fn parse_number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|number| number.abs() <= LARGEST_NUMBER)
}

/// Whole numbers; `10.0` (as Excel writes them) is read as 10.
/// Bounded by `LARGEST_NUMBER` too, so that no sum of a column can wrap.
pub(super) fn parse_integer(text: &str) -> Option<i64> {
    let whole = text.parse::<i64>().ok().or_else(|| {
        let number = text.parse::<f64>().ok()?;
        (number.fract() == 0.0 && number.abs() <= LARGEST_NUMBER).then_some(number as i64)
    })?;
    (whole.unsigned_abs() <= LARGEST_NUMBER as u64).then_some(whole)
}

/// A dataset's date formats, with the two that extracts almost always use
/// read without chrono's format interpreter (the slowest part of reading).
pub(super) struct DateFormats<'a>(Vec<DateFormat<'a>>);

enum DateFormat<'a> {
    /// `%d/%m/%Y` written in full, as 05/04/2024.
    DayMonthYear,
    /// `%Y-%m-%d` written in full, as 2024-04-05.
    YearMonthDay,
    Other(&'a str),
}

impl<'a> DateFormats<'a> {
    /// `iso_dates`: also read `YYYY-MM-DD`, as a workbook's date cells are given.
    pub(super) fn new(formats: &'a [String], iso_dates: bool) -> DateFormats<'a> {
        let declared = formats.iter().map(|format| match format.as_str() {
            "%d/%m/%Y" => DateFormat::DayMonthYear,
            "%Y-%m-%d" => DateFormat::YearMonthDay,
            other => DateFormat::Other(other),
        });
        DateFormats(declared.chain(iso_dates.then_some(DateFormat::YearMonthDay)).collect())
    }

    /// The declared formats first; then an Excel serial number (what a date
    /// cell becomes when a column is formatted as a number), for days from
    /// 1927 to 2119 only, so that other numbers are not mistaken for dates.
    pub(super) fn parse(&self, text: &str) -> Option<Day> {
        self.0.iter().find_map(|format| format.parse(text)).or_else(|| {
            let serial = parse_integer(text).filter(|days| (10_000..=80_000).contains(days))?;
            let (year, month, day) = EXCEL_EPOCH;
            NaiveDate::from_ymd_opt(year, month, day)?
                .checked_add_days(chrono::Days::new(serial as u64))
                .map(Day::from_date)
        })
    }
}

impl DateFormat<'_> {
    pub(super) fn parse(&self, text: &str) -> Option<Day> {
        let fixed =
            |day: &[u8], month: &[u8], year: &[u8]| Day::from_ymd(digits(year)? as i32, digits(month)?, digits(day)?);
        let bytes = text.as_bytes();
        let fast = match (self, bytes) {
            (DateFormat::DayMonthYear, [_, _, b'/', _, _, b'/', _, _, _, _]) => {
                fixed(&bytes[0..2], &bytes[3..5], &bytes[6..10])
            }
            (DateFormat::YearMonthDay, [_, _, _, _, b'-', _, _, b'-', _, _]) => {
                fixed(&bytes[8..10], &bytes[5..7], &bytes[0..4])
            }
            _ => None,
        };
        if fast.is_some() {
            return fast;
        }
        // Anything else (a one-digit day, say) is chrono's to judge, but
        // only a text holding the format's separator can match it: an ISO
        // date tried as dd/mm/yyyy first (every date of an XML return) was
        // a failed chrono parse each.
        let format = match self {
            DateFormat::DayMonthYear if bytes.contains(&b'/') => "%d/%m/%Y",
            DateFormat::YearMonthDay if bytes.contains(&b'-') => "%Y-%m-%d",
            DateFormat::DayMonthYear | DateFormat::YearMonthDay => return None,
            DateFormat::Other(format) => format,
        };
        NaiveDate::parse_from_str(text, format).ok().map(Day::from_date)
    }
}

/// A run of ASCII digits as a number.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |number, byte| byte.is_ascii_digit().then(|| number * 10 + u32::from(byte - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn booleans_in_every_spelling() {
        for yes in ["true", "TRUE", "Yes", "y", "Y", "1", "a) Yes", "A) yes"] {
            assert_eq!(parse_boolean(yes), Some(true), "{yes}");
        }
        for no in ["false", "False", "NO", "n", "0", "b) No", "B)no"] {
            assert_eq!(parse_boolean(no), Some(false), "{no}");
        }
        for neither in ["maybe", "2", "c) Unknown", "yes please", ")"] {
            assert_eq!(parse_boolean(neither), None, "{neither}");
        }
    }

    /// The fixed-width fast path against chrono's own parser, for every day
    /// from 1999 to 2031 in both layouts and for near misses.
    #[test]
    fn fast_dates_agree_with_chrono() {
        let formats: Vec<String> = vec!["%d/%m/%Y".into(), "%Y-%m-%d".into()];
        let fast = DateFormats::new(&formats, false);
        let chrono = |text: &str| {
            formats.iter().find_map(|format| NaiveDate::parse_from_str(text, format).ok()).map(Day::from_date)
        };
        let mut day = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        while day.year() < 2032 {
            for text in [day.format("%d/%m/%Y").to_string(), day.format("%Y-%m-%d").to_string()] {
                assert_eq!(fast.parse(&text), Some(Day::from_date(day)), "{text}");
                assert_eq!(fast.parse(&text), chrono(&text), "{text}");
            }
            day = day.succ_opt().unwrap();
        }
        for text in [
            "31/02/2025",
            "29/02/2023",
            "29/02/2024",
            "2025-13-01",
            "00/01/2025",
            "1/4/2024",
            "01/04/24",
            "2024-4-1",
            "2024/04/01",
            "0a/04/2024",
            "+024-04-01",
            " 01/04/2024",
            "01-04-2024",
        ] {
            assert_eq!(fast.parse(text), chrono(text), "{text}");
        }
    }
}
