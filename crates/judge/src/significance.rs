//! Confidence limits, Public Health England "Fingertips" style: Wilson
//! score intervals for proportions, Byar's method for counts (exact Poisson
//! limits below 10 events), at 95% or 99.8%.

use crate::language::Polarity;
use serde::Serialize;

/// z for a two-sided 95% interval.
pub(crate) const Z95: f64 = 1.959_963_984_540_054;
/// z for a two-sided 99.8% interval.
pub(crate) const Z998: f64 = 3.090_232_306_167_813;

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Its lower limit.
    pub lower: f64,
    /// Its upper limit.
    pub upper: f64,
}

/// Wilson score interval for `x` events out of `n`, as proportions (0-1):
/// (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)).
pub(crate) fn wilson(x: f64, n: f64, z: f64) -> Option<Interval> {
    if n <= 0.0 || x < 0.0 || x > n {
        return None;
    }
    let z2 = z * z;
    let spread = z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt();
    let denominator = 2.0 * (n + z2);
    Some(Interval {
        lower: ((2.0 * x + z2 - spread) / denominator).max(0.0),
        upper: ((2.0 * x + z2 + spread) / denominator).min(1.0),
    })
}

/// Limits for a count of events: Byar's approximation from 10 events, exact
/// Poisson limits below that (where Byar's is least accurate).
pub(crate) fn poisson(count: f64, z: f64) -> Option<Interval> {
    if count < 0.0 || !count.is_finite() {
        return None;
    }
    if count < 10.0 {
        return exact_poisson(count.round() as u64, z);
    }
    let lower = count * (1.0 - 1.0 / (9.0 * count) - z / (3.0 * count.sqrt())).powi(3);
    let next = count + 1.0;
    let upper = next * (1.0 - 1.0 / (9.0 * next) + z / (3.0 * next.sqrt())).powi(3);
    Some(Interval { lower, upper })
}

/// Two-sided tail probability of the two levels offered (0.05 for 95%,
/// 0.002 for 99.8%); tabulated rather than approximated from z.
fn tail(z: f64) -> f64 {
    if (z - Z998).abs() < 1e-6 {
        0.002
    } else if (z - Z95).abs() < 1e-6 {
        0.05
    } else {
        f64::NAN
    }
}

/// P(X <= k) for X ~ Poisson(mean), summed in log space.
fn poisson_cdf(k: u64, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 1.0;
    }
    let mut log_term = -mean; // k = 0
    let mut total = log_term.exp();
    for i in 1..=k {
        log_term += mean.ln() - (i as f64).ln();
        total += log_term.exp();
    }
    total.min(1.0)
}

/// The mean at which `f(mean)` crosses `target`, for `f` decreasing in the mean.
fn solve_decreasing(f: impl Fn(f64) -> f64, target: f64) -> f64 {
    let (mut low, mut high) = (0.0_f64, 1000.0_f64);
    for _ in 0..200 {
        let middle = (low + high) / 2.0;
        if f(middle) > target {
            low = middle
        } else {
            high = middle
        }
    }
    (low + high) / 2.0
}

/// Exact (Garwood) limits: the means at which seeing `count` or more, or
/// `count` or fewer, events has probability α/2.
fn exact_poisson(count: u64, z: f64) -> Option<Interval> {
    let half_alpha = tail(z) / 2.0;
    if !half_alpha.is_finite() {
        return None;
    }
    let lower = if count == 0 { 0.0 } else { solve_decreasing(|mean| poisson_cdf(count - 1, mean), 1.0 - half_alpha) };
    let upper = solve_decreasing(|mean| poisson_cdf(count, mean), half_alpha);
    Some(Interval { lower, upper })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Comparison {
    Better,
    Similar,
    Worse,
}

/// Fingertips: the benchmark inside the interval is "similar"; otherwise the
/// value is better or worse by polarity. No judgement gives no comparison.
pub(crate) fn compare(interval: Interval, benchmark: f64, polarity: Polarity) -> Option<Comparison> {
    let above = interval.lower > benchmark;
    let below = interval.upper < benchmark;
    Some(match (polarity, above, below) {
        (Polarity::NoJudgement | Polarity::CloseToTarget, _, _) => return None,
        (_, false, false) => Comparison::Similar,
        (Polarity::HigherIsBetter, true, _) | (Polarity::LowerIsBetter, _, true) => Comparison::Better,
        _ => Comparison::Worse,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    /// Newcombe R. G., "Two-sided confidence intervals for the single
    /// proportion: comparison of seven methods", Statistics in Medicine 17
    /// (1998) 857-872, Table II, method 3 (Wilson score, 95%).
    #[test]
    fn wilson_matches_newcombe_1998() {
        for (x, n, lower, upper) in [
            (81.0, 263.0, 0.2553, 0.3662),
            (15.0, 148.0, 0.0624, 0.1605),
            (0.0, 20.0, 0.0, 0.1611),
            (1.0, 29.0, 0.0061, 0.1718),
        ] {
            let interval = wilson(x, n, Z95).unwrap();
            assert_abs_diff_eq!(interval.lower, lower, epsilon = 0.00006);
            assert_abs_diff_eq!(interval.upper, upper, epsilon = 0.00006);
        }
    }

    /// Exact Poisson 95% limits as tabulated in Ulm K., "A simple method to
    /// calculate the confidence interval of a standardized mortality ratio",
    /// American Journal of Epidemiology 131 (1990) 373-375, and Byar's
    /// approximation for 10 events worked by hand:
    /// lower = 10 (1 - 1/90 - 1.96/(3 sqrt 10))^3 = 10 x 0.782292^3 = 4.7875,
    /// upper = 11 (1 - 1/99 + 1.96/(3 sqrt 11))^3 = 11 x 1.186876^3 = 18.391.
    #[test]
    fn poisson_limits_match_tables() {
        for (count, lower, upper) in [(0.0, 0.0, 3.6889), (1.0, 0.0253, 5.5716), (5.0, 1.6235, 11.6683)] {
            let interval = poisson(count, Z95).unwrap();
            assert_abs_diff_eq!(interval.lower, lower, epsilon = 0.0001);
            assert_abs_diff_eq!(interval.upper, upper, epsilon = 0.0001);
        }
        let byar = poisson(10.0, Z95).unwrap();
        assert_abs_diff_eq!(byar.lower, 4.7875, epsilon = 0.0005);
        assert_abs_diff_eq!(byar.upper, 18.391, epsilon = 0.001);
    }

    #[test]
    fn comparison_follows_polarity() {
        let interval = Interval { lower: 0.20, upper: 0.26 };
        assert_eq!(compare(interval, 0.226, Polarity::LowerIsBetter), Some(Comparison::Similar));
        assert_eq!(compare(interval, 0.30, Polarity::LowerIsBetter), Some(Comparison::Better));
        assert_eq!(compare(interval, 0.30, Polarity::HigherIsBetter), Some(Comparison::Worse));
        assert_eq!(compare(interval, 0.30, Polarity::NoJudgement), None);
    }
}
