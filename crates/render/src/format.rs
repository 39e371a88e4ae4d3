//! One rule for how a value is shown everywhere (page, tables, workbook,
//! charts, terminal): rounded to the indicator's decimals with its unit,
//! `c` where disclosure control hides it, or why it cannot be calculated.

use crate::evaluate::Observation;
use crate::judge::{round_to, Position, Rag};
use crate::language::Unit;
use crate::project::Month;
use serde::Serialize;

/// What an observation shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<'a> {
    /// The value.
    Value(f64),
    /// Hidden by disclosure control: shown as `c`.
    Suppressed,
    /// No value, and why.
    NotCalculable(&'a str),
}

/// What `observation` shows.
pub(crate) fn shown(observation: &Observation) -> Shown<'_> {
    match (&observation.value, observation.is_suppressed(), observation.reason()) {
        (_, true, _) => Shown::Suppressed,
        (Some(value), false, _) => Shown::Value(*value),
        (None, false, reason) => Shown::NotCalculable(reason.unwrap_or("no value")),
    }
}

/// The short form: the value with its unit, `c`, or "not calculable: why".
pub fn value_text(observation: &Observation, decimals: u32, unit: Unit) -> String {
    match shown(observation) {
        Shown::Value(value) => show_value(Some(value), decimals, unit),
        Shown::Suppressed => "c".to_string(),
        Shown::NotCalculable(reason) => format!("not calculable: {reason}"),
    }
}

/// A value as the board sees it: rounded, with its unit.
pub fn show_value(value: Option<f64>, decimals: u32, unit: Unit) -> String {
    let Some(value) = value else { return "n/a".to_string() };
    let number = format!("{:.*}", decimals as usize, round_to(value, decimals));
    match unit {
        Unit::Percent => format!("{number}%"),
        Unit::Days => format!("{number} days"),
        Unit::RatePer10000 => format!("{number} per 10,000"),
        Unit::Count | Unit::Number => number,
    }
}

/// Numerators and denominators: whole counts as integers, FTE sums to 2 places.
pub(crate) fn show_quantity(value: Option<f64>) -> String {
    value
        .map(|value| format!("{:.2}", round_to(value, 2)).trim_end_matches('0').trim_end_matches('.').to_string())
        .unwrap_or_default()
}

/// A numerator or denominator for people to read: thousands separated
/// (`45,500`, `1,234.5`); CSV cells keep `show_quantity`'s plain digits.
pub fn show_count(value: Option<f64>) -> String {
    let plain = show_quantity(value);
    let (whole, fraction) =
        plain.split_once('.').map_or((plain.as_str(), None), |(whole, fraction)| (whole, Some(fraction)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |digits| ("-", digits));
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}{}", fraction.map(|fraction| format!(".{fraction}")).unwrap_or_default())
}

/// A place among a consortium's members: `1st of 20`, `3rd of 20`, `12th of 20`.
pub(crate) fn place(position: Position) -> String {
    format!("{} of {}", ordinal(position.position), position.of)
}

/// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st...
pub(crate) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A number for a CSV cell: rounded to `decimals`, blank for none.
pub fn number(value: Option<f64>, decimals: u32) -> String {
    value.map(|value| format!("{:.*}", decimals as usize, round_to(value, decimals))).unwrap_or_default()
}

/// `March 2026`.
pub fn month_name(month: Month) -> String {
    month.first_day().format("%B %Y").to_string()
}

/// A rating as the templates show it: colour class, letter and word.
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct RagView {
    pub rag: &'static str,
    pub rag_letter: &'static str,
    pub rag_text: &'static str,
}

pub(super) fn rag_view(rag: Option<Rag>) -> RagView {
    match rag {
        Some(rag) => RagView { rag: rag.name(), rag_letter: rag.letter(), rag_text: rag.name() },
        None => RagView { rag: "none", rag_letter: "–", rag_text: "not rated" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Month;

    #[test]
    fn every_unit_is_shown_with_its_sign() {
        // 37.46 to 1 decimal is 37.5.
        assert_eq!(show_value(Some(37.46), 1, Unit::Percent), "37.5%");
        assert_eq!(show_value(Some(30.0), 1, Unit::Days), "30.0 days");
        assert_eq!(show_value(Some(85.94), 1, Unit::RatePer10000), "85.9 per 10,000");
        assert_eq!(show_value(Some(55.0), 0, Unit::Count), "55");
        assert_eq!(show_value(None, 1, Unit::Number), "n/a");
    }

    #[test]
    fn suppressed_and_missing_values_say_so() {
        let march = Month::new(2025, 3).unwrap();
        assert_eq!(value_text(&Observation::suppressed(march), 1, Unit::Percent), "c");
        let none = Observation::not_calculable(march, "no records in the window");
        assert_eq!(value_text(&none, 1, Unit::Percent), "not calculable: no records in the window");
        assert_eq!(show_quantity(Some(12.5)), "12.5");
        assert_eq!(show_quantity(Some(12.0)), "12");
        assert_eq!(show_count(Some(45_500.0)), "45,500");
        assert_eq!(show_count(Some(1_234.5)), "1,234.5");
        assert_eq!(show_count(Some(155.0)), "155");
        assert_eq!(show_count(Some(-1_000_000.0)), "-1,000,000");
        assert_eq!(show_count(None), "");
        let of_20 = |position| place(Position { position, of: 20 });
        assert_eq!([of_20(1), of_20(2), of_20(3), of_20(4)], ["1st of 20", "2nd of 20", "3rd of 20", "4th of 20"]);
        assert_eq!(
            [of_20(11), of_20(12), of_20(13), of_20(21)],
            ["11th of 20", "12th of 20", "13th of 20", "21st of 20"]
        );
        assert_eq!(number(None, 1), "");
    }
}
