//! Direction of travel: against the previous month and the same month last
//! year, labelled by polarity. Values are compared as shown (rounded), so a
//! change too small to see is "no change".

use super::rounding::round_to;
use crate::language::Polarity;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improving,
    Worsening,
    NoChange,
    /// No-judgement indicators only go up or down.
    Up,
    Down,
}

impl Direction {
    pub fn describe(self) -> &'static str {
        match self {
            Direction::Improving => "improving",
            Direction::Worsening => "worsening",
            Direction::NoChange => "no change",
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

pub fn direction(latest: f64, earlier: f64, polarity: Polarity, decimals: u32) -> Direction {
    let change = round_to(latest, decimals) - round_to(earlier, decimals);
    let tiny = 0.5 * 10f64.powi(-(decimals as i32));
    if approx::abs_diff_eq!(change, 0.0, epsilon = tiny) {
        return Direction::NoChange;
    }
    match (polarity, change > 0.0) {
        (Polarity::HigherIsBetter, true) | (Polarity::LowerIsBetter, false) => Direction::Improving,
        (Polarity::HigherIsBetter, false) | (Polarity::LowerIsBetter, true) => Direction::Worsening,
        (Polarity::NoJudgement, true) => Direction::Up,
        (Polarity::NoJudgement, false) => Direction::Down,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polarity_decides_the_label() {
        assert_eq!(direction(15.0, 16.2, Polarity::LowerIsBetter, 1), Direction::Improving);
        assert_eq!(direction(15.0, 16.2, Polarity::HigherIsBetter, 1), Direction::Worsening);
        assert_eq!(direction(15.0, 16.2, Polarity::NoJudgement, 1), Direction::Down);
    }

    #[test]
    fn invisible_changes_are_no_change() {
        // 85.04 and 85.01 both show as 85.0.
        assert_eq!(direction(85.04, 85.01, Polarity::HigherIsBetter, 1), Direction::NoChange);
        assert_eq!(direction(85.06, 85.01, Polarity::HigherIsBetter, 1), Direction::Improving);
    }
}
