//! The recent trend, as Fingertips shows it: over the last 5 periods, is
//! the figure rising or falling by more than chance? A proportion by the
//! chi-squared test for trend (Cochran-Armitage, as R's
//! `prop.trend.test`); a count or a rate by its Poisson form (events
//! against their exposure, scores 1 to 5). At 99.8%, the level Fingertips
//! compares at: five monthly points tested for 43 indicators every month
//! would otherwise call about two trends a month by chance alone. A rolling
//! or year-to-date figure is tested on its own months, which do not overlap.
//! Means, medians, sums, ratios and weighted proportions have no counts:
//! their values are tested instead, by the least-squares slope's t-test
//! (3 degrees of freedom for 5 points; significant past 10.215, the 99.8%
//! two-sided point of Student's t).

use super::change::Counts;
use super::significance::Z998;
use crate::project::Month;
use serde::Serialize;

pub(crate) const PERIODS: usize = 5;

/// Which test a recent trend used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendTest {
    /// The chi-squared test for trend, on counts.
    ChiSquared,
    /// The t-test of the least-squares slope, on values.
    Slope,
}

impl TrendTest {
    /// The test's name, as the page cites it.
    pub fn describe(self) -> &'static str {
        match self {
            TrendTest::ChiSquared => "chi-squared test for trend",
            TrendTest::Slope => "t-test of the least-squares slope",
        }
    }
}

/// Fingertips' recent trend: whether the last five periods rise or fall significantly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecentTrend {
    /// The test used (by the measure).
    pub test: TrendTest,
    /// The first of the periods tested.
    pub from: Month,
    /// The chi-squared statistic (1 degree of freedom), and whether it is
    /// past the 99.8% point (3.0902² = 9.5495).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi_squared: Option<f64>,
    /// True when the trend is significant at 99.8%.
    pub significant: bool,
    /// Rising (true) or falling, when significant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rising: Option<bool>,
    /// Why it was not tested, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_tested: Option<String>,
}

impl RecentTrend {
    fn untested(test: TrendTest, from: Month, reason: String) -> RecentTrend {
        RecentTrend { test, from, chi_squared: None, significant: false, rising: None, not_tested: Some(reason) }
    }

    fn tested(test: TrendTest, from: Month, chi_squared: Option<f64>, significant: bool, rising: bool) -> RecentTrend {
        let rising = significant.then_some(rising);
        RecentTrend { test, from, chi_squared, significant, rising, not_tested: None }
    }
}

/// Why fewer than `PERIODS` of the periods can be tested.
fn too_few(known: usize) -> String {
    let short = PERIODS.saturating_sub(known);
    format!("the last {PERIODS} periods include {short} with no value or a small number suppressed")
}

/// The test over `periods` (the last 5, oldest first): None counts for a
/// period with no value, a suppressed one, or one with nothing to count.
pub(crate) fn recent_trend(from: Month, periods: &[Option<Counts>]) -> RecentTrend {
    let test = TrendTest::ChiSquared;
    let known: Vec<Counts> = periods.iter().flatten().copied().collect();
    if known.len() < PERIODS {
        return RecentTrend::untested(test, from, too_few(known.len()));
    }
    let Some((statistic, rising)) = chi_squared_for_trend(&known) else {
        let reason = "the counts cannot be tested (none, or all, meet the numerator)".to_string();
        return RecentTrend::untested(test, from, reason);
    };
    RecentTrend::tested(test, from, Some(statistic), statistic > Z998 * Z998, rising)
}

/// Student's t, 3 degrees of freedom, 0.1% in each tail.
const T_998_DF3: f64 = 10.2145;

/// The slope test for a measure without counts: `values` of the last 5
/// periods, oldest first (None where a period has none).
pub(crate) fn recent_slope(from: Month, values: &[Option<f64>]) -> RecentTrend {
    let test = TrendTest::Slope;
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    if known.len() < PERIODS {
        return RecentTrend::untested(test, from, too_few(known.len()));
    }
    let n = known.len() as f64;
    let mean_x = (n + 1.0) / 2.0;
    let mean_y = known.iter().sum::<f64>() / n;
    let xs = (1..=known.len()).map(|x| x as f64 - mean_x);
    let spread: f64 = xs.clone().map(|x| x * x).sum();
    let slope = xs.clone().zip(&known).map(|(x, y)| x * (y - mean_y)).sum::<f64>() / spread;
    let residuals: f64 = xs.zip(&known).map(|(x, y)| (y - mean_y - slope * x).powi(2)).sum();
    let error = (residuals / (n - 2.0) / spread).sqrt();
    // A perfectly straight line has no error: any slope at all is a trend.
    let t = match (error > 0.0, slope == 0.0) {
        (true, _) => slope / error,
        (false, true) => 0.0,
        (false, false) => f64::INFINITY,
    };
    RecentTrend::tested(test, from, None, t.abs() > T_998_DF3, slope > 0.0)
}

/// The statistic and its direction, scores 1, 2, ... for the periods: each
/// period's (events, total or exposure, score), all of one kind.
fn chi_squared_for_trend(periods: &[Counts]) -> Option<(f64, bool)> {
    let proportions = matches!(periods[0], Counts::Proportion { .. });
    let rows: Vec<(f64, f64, f64)> = periods
        .iter()
        .zip(1..)
        .map(|(counts, score)| match (counts, proportions) {
            (Counts::Proportion { x, n }, true) => Some((*x, *n, score as f64)),
            (Counts::Rate { events, exposure }, false) => Some((*events, *exposure, score as f64)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (events, total): (f64, f64) = rows.iter().fold((0.0, 0.0), |(o, n), (a, b, _)| (o + a, n + b));
    let (trend, variance) = if proportions {
        // Cochran-Armitage: scores against x less its share of the events.
        let p = events / total;
        let trend: f64 = rows.iter().map(|(x, n, t)| t * (x - n * p)).sum();
        let (weighted, squares) = rows.iter().fold((0.0, 0.0), |(s, q), (_, n, t)| (s + n * t, q + n * t * t));
        (trend, p * (1.0 - p) * (squares - weighted * weighted / total))
    } else {
        // Poisson: conditional on the total, each period's share is its exposure's.
        let shares: Vec<f64> = rows.iter().map(|(_, e, _)| e / total).collect();
        let trend: f64 = rows.iter().zip(&shares).map(|((o, _, t), w)| t * (o - events * w)).sum();
        let mean: f64 = rows.iter().zip(&shares).map(|((_, _, t), w)| w * t).sum();
        let spread: f64 = rows.iter().zip(&shares).map(|((_, _, t), w)| w * t * t).sum::<f64>() - mean * mean;
        (trend, events * spread)
    };
    (variance > 0.0).then(|| (trend * trend / variance, trend > 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month() -> Month {
        Month::new(2025, 11).unwrap()
    }

    /// 10, 15, 20, 25, 30 of 100 each, worked by hand (and by a separate
    /// Python version of R's `prop.trend.test` formula): p = 100 / 500 =
    /// 0.2; T = 1(-10) + 2(-5) + 3(0) + 4(5) + 5(10) = 50; variance = 0.2 x
    /// 0.8 x (100 x 55 - 300² / 500) = 0.16 x 1000 = 160; 50² / 160 = 15.625.
    #[test]
    fn a_rising_proportion() {
        let share = |x| Some(Counts::Proportion { x, n: 100.0 });
        let trend = recent_trend(month(), &[share(10.0), share(15.0), share(20.0), share(25.0), share(30.0)]);
        approx::assert_relative_eq!(trend.chi_squared.unwrap(), 15.625, epsilon = 1e-9);
        assert!(trend.significant);
        assert_eq!(trend.rising, Some(true));
        // 20, 21, 19, 22, 20 of 100: p = 0.204, T = 20 + 42 + 57 + 88 + 100 - 0.204 x 100 x 15 = 307 - 306 = 1,
        // variance = 0.204 x 0.796 x 1000 = 162.38: chi-squared 0.0062, no trend.
        let flat = recent_trend(month(), &[share(20.0), share(21.0), share(19.0), share(22.0), share(20.0)]);
        approx::assert_relative_eq!(flat.chi_squared.unwrap(), 1.0 / (0.204 * 0.796 * 1000.0), epsilon = 1e-9);
        assert!(!flat.significant && flat.rising.is_none());
    }

    /// Counts 10, 12, 14, 30, 40 over equal exposures: total 106, each
    /// period expects 21.2; U = 1(-11.2) + 2(-9.2) + 3(-7.2) + 4(8.8) +
    /// 5(18.8) = 78; the scores' variance with equal shares is 11 - 9 = 2,
    /// so the variance of U is 106 x 2 = 212 and chi-squared 78² / 212 = 28.70.
    #[test]
    fn a_rising_count() {
        let count = |events| Some(Counts::Rate { events, exposure: 1.0 });
        let trend = recent_trend(month(), &[count(10.0), count(12.0), count(14.0), count(30.0), count(40.0)]);
        approx::assert_relative_eq!(trend.chi_squared.unwrap(), 78.0 * 78.0 / 212.0, epsilon = 1e-9);
        assert_eq!(trend.rising, Some(true));
    }

    /// 20, 21, 22, 23, 25 at x = 1..5: mean 22.2, slope 12 / 10 = 1.2;
    /// fitted 19.8, 21.0, 22.2, 23.4, 24.6, residuals 0.2, 0, -0.2, -0.4,
    /// 0.4, their squares 0.4 over 3 degrees of freedom; the slope's error
    /// sqrt(0.1333 / 10) = 0.11547; t = 10.39, past 10.2145: rising.
    /// 20, 22, 21, 23, 22: mean 21.6, slope 5 / 10 = 0.5; residuals -0.6,
    /// 0.9, -0.6, 0.9, -0.6, squares 2.7 over 3; error sqrt(0.9 / 10) =
    /// 0.3; t = 1.67: no trend. (Both t values checked by a separate
    /// Python fit: 10.392 and 1.667.)
    #[test]
    fn a_mean_is_tested_by_its_slope() {
        let rising = recent_slope(month(), &[20.0, 21.0, 22.0, 23.0, 25.0].map(Some));
        assert_eq!((rising.significant, rising.rising), (true, Some(true)));
        let noisy = recent_slope(month(), &[20.0, 22.0, 21.0, 23.0, 22.0].map(Some));
        assert_eq!((noisy.significant, noisy.rising), (false, None));
        let flat = recent_slope(month(), &[21.0; 5].map(Some));
        assert!(!flat.significant);
    }

    #[test]
    fn a_gap_or_a_suppressed_period_is_not_tested() {
        let share = |x| Some(Counts::Proportion { x, n: 100.0 });
        let trend = recent_trend(month(), &[share(10.0), None, share(20.0), share(25.0), share(30.0)]);
        assert_eq!(
            trend.not_tested.as_deref(),
            Some("the last 5 periods include 1 with no value or a small number suppressed")
        );
    }
}
