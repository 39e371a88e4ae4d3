//! Direction of travel: against the previous month and the same month last
//! year, labelled by polarity. One rule for every direction: values are
//! compared as shown, rounded to the indicator's decimals (last month, last
//! year, first against last, and the points a trend line is fitted to).
//! Since last month and last year, a change of one unit of that rounding or
//! less is "no change", and a larger one that the counts behind it cannot
//! tell from chance (`change`) is "no significant change".

use super::rounding::round_to;
use crate::language::{DirectionMethod, Polarity};
use crate::project::Month;
use serde::Serialize;

/// Direction of travel between two periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Better, by the indicator's polarity.
    Improving,
    /// Worse.
    Worsening,
    /// The same, as shown (rounded).
    NoChange,
    /// A change larger than the rounding that a test of the counts behind
    /// it cannot tell from chance at 95%.
    NotSignificant,
    /// Up, on a no-judgement indicator (they only go up or down).
    Up,
    /// Down, on a no-judgement indicator.
    Down,
}

impl Direction {
    /// The direction in words.
    pub fn describe(self) -> &'static str {
        match self {
            Direction::Improving => "improving",
            Direction::Worsening => "worsening",
            Direction::NoChange => "no change",
            Direction::NotSignificant => "no significant change",
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

pub(crate) fn direction(latest: f64, earlier: f64, polarity: Polarity, decimals: u32) -> Direction {
    let change = round_to(latest, decimals) - round_to(earlier, decimals);
    let tiny = 0.5 * 10f64.powi(-(decimals as i32));
    if approx::abs_diff_eq!(change, 0.0, epsilon = tiny) {
        return Direction::NoChange;
    }
    match (polarity, change > 0.0) {
        (Polarity::HigherIsBetter, true) | (Polarity::LowerIsBetter, false) => Direction::Improving,
        (Polarity::HigherIsBetter, false) | (Polarity::LowerIsBetter, true) => Direction::Worsening,
        (Polarity::NoJudgement | Polarity::CloseToTarget, true) => Direction::Up,
        (Polarity::NoJudgement | Polarity::CloseToTarget, false) => Direction::Down,
    }
}

/// Since an earlier period: no change within one unit of the shown
/// rounding; beyond it, `differ` (the counts' test, where there is one)
/// decides whether it is a change at all, then polarity which way.
pub(crate) fn since(latest: f64, earlier: f64, polarity: Polarity, decimals: u32, differ: Option<bool>) -> Direction {
    let shown = round_to(latest, decimals) - round_to(earlier, decimals);
    let unit = 10f64.powi(-(decimals as i32));
    if shown.abs() <= unit * (1.0 + 1e-9) {
        return Direction::NoChange;
    }
    if differ == Some(false) {
        return Direction::NotSignificant;
    }
    direction(latest, earlier, polarity, decimals)
}

/// For `close_to_target`: nearer the target (as shown) is improving, by
/// more than one unit of the rounding; the same distance is no change.
pub(crate) fn towards(latest: f64, earlier: f64, target: f64, decimals: u32) -> Direction {
    let distance = |value: f64| (round_to(value, decimals) - target).abs();
    since(distance(latest), distance(earlier), Polarity::LowerIsBetter, decimals, None)
}

/// The direction over several months (`direction = { over_months, method }`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TravelOver {
    /// How many months the span covers.
    pub months: u32,
    /// How the change is measured (a fitted line, or first to last).
    pub method: DirectionMethod,
    /// The first month of the span.
    pub from: Month,
    /// The change over the span: the line's rise from its first month to
    /// its last, or the latest value less the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    /// Which way, when comparable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_comparable: Option<String>,
}

/// The direction over `points` (the span's months, oldest first); a
/// change that rounds to nothing at the indicator's decimals is no change.
pub(crate) fn over_months(
    points: &[(Month, Option<f64>)],
    method: DirectionMethod,
    polarity: Polarity,
    decimals: u32,
) -> Option<TravelOver> {
    let from = points.first()?.0;
    let months = points.len() as u32;
    let change = match method {
        DirectionMethod::Regression => regression_rise(&shown(points, decimals)),
        DirectionMethod::FirstLast => match (points.first()?.1, points.last()?.1) {
            (Some(first), Some(last)) => Ok(round_to(last, decimals) - round_to(first, decimals)),
            _ => Err("the first or the last month has no value".to_string()),
        },
    };
    let mut travel = TravelOver { months, method, from, change: None, direction: None, not_comparable: None };
    match change {
        Ok(change) => {
            travel.change = Some(round_to(change, decimals));
            travel.direction = Some(direction(change, 0.0, polarity, decimals));
        }
        Err(reason) => travel.not_comparable = Some(reason),
    }
    Some(travel)
}

/// The points as shown: the line is fitted to what the board sees.
fn shown(points: &[(Month, Option<f64>)], decimals: u32) -> Vec<(Month, Option<f64>)> {
    points.iter().map(|(month, value)| (*month, value.map(|value| round_to(value, decimals)))).collect()
}

/// The least-squares line's rise over the span (slope x (months - 1)),
/// from the months with values; at least 3 are needed.
fn regression_rise(points: &[(Month, Option<f64>)]) -> Result<f64, String> {
    let known: Vec<(f64, f64)> = points.iter().enumerate().filter_map(|(x, (_, y))| y.map(|y| (x as f64, y))).collect();
    if known.len() < 3 {
        return Err(format!("{} months with values; a trend line needs 3", known.len()));
    }
    let n = known.len() as f64;
    let (mean_x, mean_y) = (known.iter().map(|p| p.0).sum::<f64>() / n, known.iter().map(|p| p.1).sum::<f64>() / n);
    let covariance: f64 = known.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    let variance: f64 = known.iter().map(|(x, _)| (x - mean_x).powi(2)).sum();
    Ok(covariance / variance * (points.len() as f64 - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(values: &[Option<f64>]) -> Vec<(Month, Option<f64>)> {
        let start = Month::new(2025, 10).unwrap();
        values.iter().enumerate().map(|(i, v)| (start.plus(i as i32), *v)).collect()
    }

    #[test]
    fn a_least_squares_line_and_first_against_last() {
        // 10, 12, 11, 13, 12, 14 at x = 0..5: mean x 2.5, mean y 12;
        // sum (x - 2.5)(y - 12) = 5 + 0 + 0.5 + 0.5 + 0 + 5 = 11; sum (x - 2.5)^2 = 17.5;
        // slope 11 / 17.5 = 0.628571; rise over 5 steps 3.142857, shown as 3.1.
        let values = months(&[10.0, 12.0, 11.0, 13.0, 12.0, 14.0].map(Some));
        let trend = over_months(&values, DirectionMethod::Regression, Polarity::LowerIsBetter, 1).unwrap();
        assert_eq!((trend.change, trend.direction), (Some(3.1), Some(Direction::Worsening)));
        assert_eq!(trend.from, Month::new(2025, 10).unwrap());
        let first_last = over_months(&values, DirectionMethod::FirstLast, Polarity::HigherIsBetter, 1).unwrap();
        assert_eq!((first_last.change, first_last.direction), (Some(4.0), Some(Direction::Improving)));
        // Flat within rounding: no change.
        let flat = months(&[20.01, 20.02, 19.99, 20.0].map(Some));
        let trend = over_months(&flat, DirectionMethod::Regression, Polarity::HigherIsBetter, 1).unwrap();
        assert_eq!(trend.direction, Some(Direction::NoChange));
        // Two values only: a reason, not a line.
        let sparse = months(&[Some(1.0), None, None, Some(3.0)]);
        let trend = over_months(&sparse, DirectionMethod::Regression, Polarity::HigherIsBetter, 1).unwrap();
        assert_eq!(trend.not_comparable.as_deref(), Some("2 months with values; a trend line needs 3"));
    }

    #[test]
    fn polarity_decides_the_label() {
        assert_eq!(direction(15.0, 16.2, Polarity::LowerIsBetter, 1), Direction::Improving);
        assert_eq!(direction(15.0, 16.2, Polarity::HigherIsBetter, 1), Direction::Worsening);
        assert_eq!(direction(15.0, 16.2, Polarity::NoJudgement, 1), Direction::Down);
    }

    /// Average caseload 21.4 -> 21.5 is one unit of the shown rounding: no
    /// change. 21.4 -> 21.6 is two: a change, unless the counts' test says
    /// it is chance. Placements 8.5% -> 8.4%: no change.
    #[test]
    fn one_unit_of_rounding_is_no_change_and_chance_is_not_a_direction() {
        assert_eq!(since(21.5, 21.4, Polarity::LowerIsBetter, 1, None), Direction::NoChange);
        assert_eq!(since(21.46, 21.44, Polarity::LowerIsBetter, 1, None), Direction::NoChange);
        assert_eq!(since(21.6, 21.4, Polarity::LowerIsBetter, 1, None), Direction::Worsening);
        assert_eq!(since(8.4, 8.5, Polarity::LowerIsBetter, 1, None), Direction::NoChange);
        assert_eq!(since(85.8, 87.5, Polarity::HigherIsBetter, 1, Some(false)), Direction::NotSignificant);
        assert_eq!(since(85.8, 87.5, Polarity::HigherIsBetter, 1, Some(true)), Direction::Worsening);
        assert_eq!(since(57.0, 55.0, Polarity::NoJudgement, 0, Some(false)), Direction::NotSignificant);
        assert_eq!(since(80.0, 50.0, Polarity::NoJudgement, 0, Some(true)), Direction::Up);
    }

    /// Close to a target of 50: 52 -> 49 moves from 2 away to 1 away, one
    /// unit at 0 decimals: no change; 53 -> 49 is 3 away to 1: improving;
    /// 48 -> 52 is the same distance: no change.
    #[test]
    fn close_to_target_is_judged_by_distance() {
        assert_eq!(towards(49.0, 52.0, 50.0, 0), Direction::NoChange);
        assert_eq!(towards(49.0, 53.0, 50.0, 0), Direction::Improving);
        assert_eq!(towards(53.0, 49.0, 50.0, 0), Direction::Worsening);
        assert_eq!(towards(52.0, 48.0, 50.0, 0), Direction::NoChange);
    }

    /// The line is fitted to the values as shown, as first-against-last
    /// compares them. Over three equally spaced months the least-squares
    /// rise is the last less the first: 20.049, 20.1, 20.151 show as 20.0,
    /// 20.1, 20.2, a rise of 0.2 (the raw values rise 0.102, shown 0.1).
    #[test]
    fn the_trend_line_is_fitted_to_the_values_as_shown() {
        let values = months(&[20.049, 20.1, 20.151].map(Some));
        let trend = over_months(&values, DirectionMethod::Regression, Polarity::HigherIsBetter, 1).unwrap();
        assert_eq!(trend.change, Some(0.2));
        let first_last = over_months(&values, DirectionMethod::FirstLast, Polarity::HigherIsBetter, 1).unwrap();
        assert_eq!(first_last.change, Some(0.2));
    }

    #[test]
    fn invisible_changes_are_no_change() {
        // 85.04 and 85.01 both show as 85.0.
        assert_eq!(direction(85.04, 85.01, Polarity::HigherIsBetter, 1), Direction::NoChange);
        assert_eq!(direction(85.06, 85.01, Polarity::HigherIsBetter, 1), Direction::Improving);
    }
}
