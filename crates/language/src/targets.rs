//! Targets over time for the `target` rating method: one target, one per
//! financial year (with `target` for years not listed), or a trajectory
//! that moves in a straight line month by month. Each month is rated
//! against its own target.

use super::indicator::Rag;
use crate::diagnostics::{Diagnostics, SourceFile};
use crate::project::Month;
use std::collections::BTreeMap;

/// The target each month is rated against.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// The same target every month.
    Fixed(f64),
    /// By the calendar year each financial year starts in.
    ByFinancialYear {
        /// Each financial year's target, by the calendar year it starts in.
        years: BTreeMap<i32, f64>,
        /// The target for a year not listed.
        otherwise: Option<f64>,
        /// The month the financial year starts.
        start_month: u32,
    },
    /// A straight line from `start` in month `from` to `end` in month `to`, flat beyond.
    Trajectory {
        /// The line's first month.
        from: Month,
        /// The target then.
        start: f64,
        /// The line's last month.
        to: Month,
        /// The target then and after.
        end: f64,
    },
}

impl Targets {
    /// The month's target; None for a financial year with none.
    pub fn at(&self, month: Month) -> Option<f64> {
        match self {
            Targets::Fixed(target) => Some(*target),
            Targets::ByFinancialYear { years, otherwise, start_month } => {
                years.get(&month.financial_year_start(*start_month).year).copied().or(*otherwise)
            }
            Targets::Trajectory { from, start, to, end } => {
                let span = from.months_until(*to) as f64;
                let along = (from.months_until(month) as f64 / span).clamp(0.0, 1.0);
                Some(start + (end - start) * along)
            }
        }
    }

    /// Whether months can have different targets.
    pub fn varies(&self) -> bool {
        !matches!(self, Targets::Fixed(_))
    }
}

/// The definition's targets, checked: financial years written `2024-25`,
/// trajectory months `YYYY-MM` with `from` before `to`, and not both kinds.
pub(super) fn targets(spec: &Rag, start_month: u32, source: &SourceFile) -> Result<Option<Targets>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let fixed = spec.target.as_ref().map(|target| *target.get_ref());
    let targets = match (&spec.targets, &spec.trajectory) {
        (Some(_), Some(trajectory)) => {
            let message = "give `targets` by financial year or a `trajectory`, not both";
            diagnostics.push(source.error(trajectory.span(), message, "here"));
            None
        }
        (Some(by_year), None) => {
            let mut years = BTreeMap::new();
            for (label, target) in by_year.get_ref() {
                match financial_year(label) {
                    Some(year) => {
                        years.insert(year, *target.get_ref());
                    }
                    None => diagnostics.push(
                        source
                            .error(target.span(), format!("`{label}` is not a financial year"), "here")
                            .with_help("write financial years as 2024-25"),
                    ),
                }
            }
            Some(Targets::ByFinancialYear { years, otherwise: fixed, start_month })
        }
        (None, Some(trajectory)) => {
            let path = trajectory.get_ref();
            let month = |text: &toml::Spanned<String>, diagnostics: &mut Diagnostics| {
                let parsed = text.get_ref().parse::<Month>();
                parsed
                    .map_err(|message| diagnostics.push(source.error(text.span(), message.to_string(), "not a month")))
                    .ok()
            };
            let (from, to) = (month(&path.from, &mut diagnostics), month(&path.to, &mut diagnostics));
            match (from, to) {
                (Some(from), Some(to)) if from < to => {
                    Some(Targets::Trajectory { from, start: path.start, to, end: path.end })
                }
                (Some(_), Some(_)) => {
                    diagnostics.push(source.error(
                        path.to.span(),
                        "a trajectory's `to` must come after `from`",
                        "here",
                    ));
                    None
                }
                _ => None,
            }
        }
        (None, None) => fixed.map(Targets::Fixed),
    };
    diagnostics.into_result(targets)
}

/// `2024-25` as 2024, the calendar year the financial year starts in.
fn financial_year(label: &str) -> Option<i32> {
    let (start, end) = label.split_once('-')?;
    let year: i32 = start.parse().ok().filter(|_| start.len() == 4)?;
    let next: i32 = end.parse().ok().filter(|_| end.len() == 2)?;
    ((year + 1) % 100 == next).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        text.parse().unwrap()
    }

    #[test]
    fn financial_years_start_in_april_and_others_fall_back() {
        let years = BTreeMap::from([(2024, 90.0), (2025, 92.0)]);
        let targets = Targets::ByFinancialYear { years, otherwise: Some(85.0), start_month: 4 };
        // March 2025 is in 2024-25; April 2025 in 2025-26; March 2024 in 2023-24 (not listed).
        assert_eq!(targets.at(month("2025-03")), Some(90.0));
        assert_eq!(targets.at(month("2025-04")), Some(92.0));
        assert_eq!(targets.at(month("2024-03")), Some(85.0));
        assert_eq!(financial_year("2024-25"), Some(2024));
        assert_eq!(financial_year("1999-00"), Some(1999));
        assert_eq!(financial_year("2024-26"), None);
        assert_eq!(financial_year("24-25"), None);
    }

    #[test]
    fn a_trajectory_moves_in_equal_monthly_steps_and_holds_at_each_end() {
        // 80 in April 2024 to 92 in April 2025: twelve steps of 1.
        let targets = Targets::Trajectory { from: month("2024-04"), start: 80.0, to: month("2025-04"), end: 92.0 };
        assert_eq!(targets.at(month("2024-04")), Some(80.0));
        assert_eq!(targets.at(month("2024-07")), Some(83.0));
        assert_eq!(targets.at(month("2025-03")), Some(91.0));
        assert_eq!(targets.at(month("2025-04")), Some(92.0));
        assert_eq!(targets.at(month("2023-01")), Some(80.0));
        assert_eq!(targets.at(month("2026-01")), Some(92.0));
    }
}
