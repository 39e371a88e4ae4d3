//! The window each indicator looks at, for each reporting period.

use super::indicator::{Window, WindowKind};
use crate::project::Month;
use chrono::NaiveDate;

/// Dates available to every expression as columns of the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodWindow {
    /// The reporting period.
    pub period: Month,
    /// Its first day.
    pub period_start: NaiveDate,
    /// Its last day.
    pub period_end: NaiveDate,
    /// The window's first day.
    pub window_start: NaiveDate,
    /// The window's last day (the period's end).
    pub window_end: NaiveDate,
}

impl PeriodWindow {
    /// The window `window` describes for `period`.
    pub fn new(period: Month, window: &Window, financial_year_start_month: u32) -> PeriodWindow {
        let period_end = period.last_day();
        let window_start = match window.kind {
            WindowKind::AsAt => period_end,
            WindowKind::Month => period.first_day(),
            // 12 months to 31 March 2025 starts on 1 April 2024.
            WindowKind::Rolling => period.plus(1 - window.months.unwrap_or(12) as i32).first_day(),
            WindowKind::FinancialYearToDate => period.financial_year_start(financial_year_start_month).first_day(),
            WindowKind::CalendarYearToDate => period.financial_year_start(1).first_day(),
            WindowKind::Quarter => {
                let into_year = period.financial_year_start(financial_year_start_month).months_until(period);
                period.plus(-(into_year % 3)).first_day()
            }
        };
        PeriodWindow { period, period_start: period.first_day(), period_end, window_start, window_end: period_end }
    }

    /// Plain words for reports and `explain`.
    pub fn describe(&self) -> String {
        if self.window_start == self.window_end {
            format!("as at {}", self.window_end.format("%-d %B %Y"))
        } else {
            format!("{} to {}", self.window_start.format("%-d %B %Y"), self.window_end.format("%-d %B %Y"))
        }
    }
}

/// The window for each of `periods`.
pub fn windows(periods: &[Month], window: &Window, financial_year_start_month: u32) -> Vec<PeriodWindow> {
    periods.iter().map(|period| PeriodWindow::new(*period, window, financial_year_start_month)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(kind: WindowKind, months: Option<u32>) -> Window {
        Window { kind, months }
    }

    #[test]
    fn bounds_for_each_kind() {
        let march = Month::new(2025, 3).unwrap();
        let text = |w: Window| {
            let bounds = PeriodWindow::new(march, &w, 4);
            format!("{}..{}", bounds.window_start, bounds.window_end)
        };
        assert_eq!(text(window(WindowKind::AsAt, None)), "2025-03-31..2025-03-31");
        assert_eq!(text(window(WindowKind::Month, None)), "2025-03-01..2025-03-31");
        assert_eq!(text(window(WindowKind::Rolling, Some(12))), "2024-04-01..2025-03-31");
        assert_eq!(text(window(WindowKind::Rolling, Some(3))), "2025-01-01..2025-03-31");
        assert_eq!(text(window(WindowKind::FinancialYearToDate, None)), "2024-04-01..2025-03-31");
        let april = PeriodWindow::new(Month::new(2025, 4).unwrap(), &window(WindowKind::FinancialYearToDate, None), 4);
        assert_eq!(april.window_start.to_string(), "2025-04-01");
        assert_eq!(text(window(WindowKind::CalendarYearToDate, None)), "2025-01-01..2025-03-31");
        // March is the last month of the January-March quarter (of an April year).
        assert_eq!(text(window(WindowKind::Quarter, None)), "2025-01-01..2025-03-31");
        let quarter = |month: u32, start: u32| {
            PeriodWindow::new(Month::new(2025, month).unwrap(), &window(WindowKind::Quarter, None), start).window_start
        };
        // August: July-September with an April year; with a January year too;
        // with a February year (February-April, May-July, August-October) it starts in August.
        assert_eq!(quarter(8, 4).to_string(), "2025-07-01");
        assert_eq!(quarter(8, 1).to_string(), "2025-07-01");
        assert_eq!(quarter(8, 2).to_string(), "2025-08-01");
        assert_eq!(quarter(4, 4).to_string(), "2025-04-01");
    }
}
