//! Whether a change since last month or last year is more than noise. A
//! shown change of one unit of the rounding or less is "no change" (21.4
//! to 21.5 days is not a trend). A larger one is tested where the counts
//! behind the two figures allow, at 95% two-sided: two proportions by the
//! pooled z-test, two counts or rates by the z-test for two Poisson rates.
//! A change the test cannot tell from chance is "no significant change".
//! Means, medians, sums, ratios and weighted proportions have no counts to
//! test and keep the rounding rule alone. A rolling figure shares most of
//! its months with last month's, so the test (which takes the two as
//! independent) is cautious there: it calls fewer changes, never more.

use super::significance::Z95;

/// The counts behind a figure, as the test needs them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Counts {
    /// `x` of `n` (people, unweighted).
    Proportion { x: f64, n: f64 },
    /// `events` over an `exposure` (a population, or 1 for a plain count).
    Rate { events: f64, exposure: f64 },
}

/// Whether two figures differ at 95%, or None when their counts cannot say.
pub(crate) fn differ(now: Counts, then: Counts) -> Option<bool> {
    let z = match (now, then) {
        (Counts::Proportion { x: x1, n: n1 }, Counts::Proportion { x: x2, n: n2 }) => {
            if !(n1 > 0.0 && n2 > 0.0 && (0.0..=n1).contains(&x1) && (0.0..=n2).contains(&x2)) {
                return None;
            }
            let pooled = (x1 + x2) / (n1 + n2);
            let spread = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
            // Both 0% or both 100%: no difference at all.
            (x1 / n1 - x2 / n2) / spread
        }
        (Counts::Rate { events: a, exposure: n1 }, Counts::Rate { events: b, exposure: n2 }) => {
            if !(n1 > 0.0 && n2 > 0.0 && a >= 0.0 && b >= 0.0) {
                return None;
            }
            (a / n1 - b / n2) / (a / (n1 * n1) + b / (n2 * n2)).sqrt()
        }
        _ => return None,
    };
    // 0 / 0 (no events either time, or the same 0% or 100%) is no difference.
    Some(z.is_finite() && z.abs() > Z95)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand, and checked with Python's `statistics.NormalDist`:
    /// 85.8% (103 of 120) against 87.5% (105 of 120): pooled p = 208/240 =
    /// 0.8667, spread = sqrt(0.8667 x 0.1333 x 2/120) = 0.04389, z = -0.0167 /
    /// 0.04389 = -0.38: no. 60 of 100 against 45 of 100: pooled 0.525,
    /// spread = sqrt(0.525 x 0.475 x 0.02) = 0.07062, z = 0.15 / 0.07062 =
    /// 2.12 > 1.96: yes (p = 0.034).
    #[test]
    fn two_proportions() {
        let share = |x, n| Counts::Proportion { x, n };
        assert_eq!(differ(share(103.0, 120.0), share(105.0, 120.0)), Some(false));
        assert_eq!(differ(share(60.0, 100.0), share(45.0, 100.0)), Some(true));
        assert_eq!(differ(share(0.0, 10.0), share(0.0, 12.0)), Some(false));
        assert_eq!(differ(share(1.0, 0.0), share(1.0, 2.0)), None);
    }

    /// 57 against 55 children missing: z = 2 / sqrt(112) = 0.19: no. 80
    /// against 50: z = 30 / sqrt(130) = 2.63: yes. Rates: 161 in 45,500
    /// against 143 in 45,100: 0.0035385 - 0.0031707 = 0.0003678 over
    /// sqrt(161/45500^2 + 143/45100^2) = sqrt(7.777e-8 + 7.031e-8) =
    /// 0.0003848: z = 0.96: no.
    #[test]
    fn two_counts_and_two_rates() {
        let count = |events| Counts::Rate { events, exposure: 1.0 };
        assert_eq!(differ(count(57.0), count(55.0)), Some(false));
        assert_eq!(differ(count(80.0), count(50.0)), Some(true));
        assert_eq!(differ(count(0.0), count(0.0)), Some(false));
        let rate = |events, exposure| Counts::Rate { events, exposure };
        assert_eq!(differ(rate(161.0, 45_500.0), rate(143.0, 45_100.0)), Some(false));
        assert!(differ(rate(1.0, 10.0), count(1.0)).is_some(), "a rate and a count are both Poisson");
        assert_eq!(differ(count(3.0), Counts::Proportion { x: 1.0, n: 2.0 }), None);
    }
}
