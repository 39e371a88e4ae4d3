//! Funnel plots for a consortium, as Public Health England's Fingertips
//! draws them: each member's value against its denominator, around the
//! members' overall value, with control limits at 95% and 99.8% that
//! narrow as the denominator grows. A member outside the 99.8% limits
//! differs from the rest by more than chance would explain; ranks alone
//! cannot say that, because a small authority's value moves further by
//! chance than a large one's.
//!
//! Limits are those of the overall value observed at each denominator:
//! Wilson score limits for a proportion (x = overall proportion x n), and
//! Byar's method (exact Poisson below 10 events) for a rate per 10,000
//! (events = overall rate x population / 10,000), both from `significance`.

use super::significance::{poisson, wilson, Interval, Z95, Z998};
use crate::evaluate::Observation;
use serde::Serialize;

/// Which limits an indicator's funnel takes, from its measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelKind {
    /// Children counted out of children: a percentage, Wilson limits.
    Proportion,
    /// Events per 10,000 of a population: Poisson limits.
    RatePer10000,
}

impl FunnelKind {
    /// From the indicator's value to a fraction of one.
    fn scale(self) -> f64 {
        match self {
            FunnelKind::Proportion => 100.0,
            FunnelKind::RatePer10000 => 10_000.0,
        }
    }

    /// How the limits are worked out, in words.
    pub fn method(self) -> &'static str {
        match self {
            FunnelKind::Proportion => "Wilson score limits for a proportion",
            FunnelKind::RatePer10000 => "Byar's (exact Poisson below 10 events) limits for a rate",
        }
    }
}

/// Where a member falls against the limits at its own denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Above the 99.8% limit.
    Above998,
    /// Above the 95% limit, inside the 99.8%.
    Above95,
    /// Inside the 95% limits.
    Inside,
    /// Below the 95% limit, inside the 99.8%.
    Below95,
    /// Below the 99.8% limit.
    Below998,
}

impl Band {
    /// Where it falls, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Band::Above998 => "above the 99.8% limit",
            Band::Above95 => "above the 95% limit",
            Band::Inside => "inside the limits",
            Band::Below95 => "below the 95% limit",
            Band::Below998 => "below the 99.8% limit",
        }
    }

    /// True outside the 95% limits.
    pub fn is_outside_95(self) -> bool {
        self != Band::Inside
    }
}

/// A consortium's funnel plot of one indicator: each member's value against its denominator, with limits around the overall value.
#[derive(Debug, Clone, Serialize)]
pub struct Funnel {
    /// Which limits.
    pub kind: FunnelKind,
    /// The members' overall value: every numerator over every denominator,
    /// in the indicator's unit.
    pub centre: f64,
    /// Each member plotted.
    pub points: Vec<FunnelPoint>,
}

/// One member's dot.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelPoint {
    /// The member's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// What the value is out of: the denominator's count for a proportion, the children aged 0-17 for a rate.
    pub denominator: f64,
    /// Where it falls against the limits at its denominator.
    pub band: Band,
}

/// One member's latest observation, as published.
pub(crate) struct Member<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub latest: &'a Observation,
}

/// The funnel of the members with a published value, numerator and
/// denominator; none when fewer than two have one.
pub(crate) fn funnel(kind: FunnelKind, members: &[Member]) -> Option<Funnel> {
    let plotted: Vec<(&Member, f64, f64, f64)> = members
        .iter()
        .filter(|member| !member.latest.is_suppressed())
        .filter_map(|member| {
            let latest = member.latest;
            Some((member, latest.value?, latest.numerator?, latest.denominator.filter(|d| *d > 0.0)?))
        })
        .collect();
    let numerators: f64 = plotted.iter().map(|(_, _, numerator, _)| numerator).sum();
    let denominators: f64 = plotted.iter().map(|(_, _, _, denominator)| denominator).sum();
    if plotted.len() < 2 {
        return None;
    }
    let overall = numerators / denominators;
    let points = plotted
        .into_iter()
        .map(|(member, value, _, denominator)| FunnelPoint {
            code: member.code.to_string(),
            name: member.name.to_string(),
            value,
            denominator,
            band: band(kind, overall, denominator, value),
        })
        .collect();
    Some(Funnel { kind, centre: overall * kind.scale(), points })
}

/// The limits around `overall` (a fraction of one) at `denominator`, in the
/// indicator's unit.
pub(crate) fn limits(kind: FunnelKind, overall: f64, denominator: f64, z: f64) -> Option<Interval> {
    let expected = overall * denominator;
    let interval = match kind {
        FunnelKind::Proportion => wilson(expected, denominator, z)?,
        FunnelKind::RatePer10000 => {
            let events = poisson(expected, z)?;
            Interval { lower: events.lower / denominator, upper: events.upper / denominator }
        }
    };
    Some(Interval { lower: interval.lower * kind.scale(), upper: interval.upper * kind.scale() })
}

fn band(kind: FunnelKind, overall: f64, denominator: f64, value: f64) -> Band {
    let outside = |z: f64| {
        let limits = limits(kind, overall, denominator, z)?;
        (value > limits.upper).then_some(true).or((value < limits.lower).then_some(false))
    };
    match (outside(Z998), outside(Z95)) {
        (Some(true), _) => Band::Above998,
        (Some(false), _) => Band::Below998,
        (None, Some(true)) => Band::Above95,
        (None, Some(false)) => Band::Below95,
        (None, None) => Band::Inside,
    }
}

impl Funnel {
    /// "B (above the 99.8% limit), C (below the 95% limit)": the members
    /// outside the 95% limits, furthest out first.
    pub fn outside(&self) -> Vec<&FunnelPoint> {
        let order = [Band::Above998, Band::Below998, Band::Above95, Band::Below95];
        order.iter().flat_map(|band| self.points.iter().filter(move |point| point.band == *band)).collect()
    }

    /// The limits at `denominator` (95% and 99.8%), for drawing.
    pub fn limits_at(&self, denominator: f64) -> Option<(Interval, Interval)> {
        let overall = self.centre / self.kind.scale();
        Some((limits(self.kind, overall, denominator, Z95)?, limits(self.kind, overall, denominator, Z998)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Month;
    use approx::assert_abs_diff_eq;

    fn observation(numerator: f64, denominator: f64, scale: f64) -> Observation {
        Observation {
            period: Month::new(2026, 3).unwrap(),
            value: Some(numerator / denominator * scale),
            numerator: Some(numerator),
            denominator: Some(denominator),
            missing: None,
        }
    }

    fn assert_limits(kind: FunnelKind, overall: f64, denominator: f64, z: f64, (lower, upper): (f64, f64)) {
        let interval = limits(kind, overall, denominator, z).unwrap();
        assert_abs_diff_eq!(interval.lower, lower, epsilon = 1e-3);
        assert_abs_diff_eq!(interval.upper, upper, epsilon = 1e-3);
    }

    #[test]
    fn proportion_limits_are_wilson_around_the_overall_value() {
        // Overall 20% at n = 100: x = 20, z = 1.96, z² = 3.8415;
        // spread = 1.96 x sqrt(3.8415 + 4 x 20 x 0.8) = 1.96 x 8.2366 = 16.1434;
        // (40 + 3.8415 -/+ 16.1434) / (2 x 103.8415) = 13.337% and 28.883%.
        // At 99.8% (z = 3.0902) the same working gives 10.519% and 34.711%.
        assert_limits(FunnelKind::Proportion, 0.2, 100.0, Z95, (13.3367, 28.8829));
        assert_limits(FunnelKind::Proportion, 0.2, 100.0, Z998, (10.5192, 34.7111));
        // Narrower at n = 250 (x = 50): 15.512% to 25.396%.
        assert_limits(FunnelKind::Proportion, 0.2, 250.0, Z95, (15.5124, 25.3956));
    }

    #[test]
    fn rate_limits_are_byar_around_the_overall_rate() {
        // Overall 40 per 10,000 in 10,000 children: 40 events expected.
        // Byar: 40 x (1 - 1/360 - 1.96/(3 sqrt 40))³ = 28.573;
        // 41 x (1 - 1/369 + 1.96/(3 sqrt 41))³ = 54.470; per 10,000 of 10,000
        // children the rate limits are the same numbers.
        assert_limits(FunnelKind::RatePer10000, 0.004, 10_000.0, Z95, (28.5733, 54.4701));
        // Twice the children, the same events per child: 20,000 children expect 80 events,
        // so the limits are Byar's for 80 halved: 80 x (1 - 1/720 - 1.96/(3 sqrt 80))³ / 2 = 31.716.
        let twice = limits(FunnelKind::RatePer10000, 0.004, 20_000.0, Z95).unwrap();
        assert_abs_diff_eq!(twice.lower, 31.7164, epsilon = 1e-3);
    }

    #[test]
    fn members_are_placed_against_the_limits_at_their_own_denominator() {
        // Overall: (20 + 20 + 60 + 0) / (100 + 100 + 300 + 0) = 20%; the member with no
        // denominator is not plotted. At n = 100 the limits are 13.3-28.9% (95%) and
        // 10.5-34.7% (99.8%): 20/100 is inside. At n = 300 (x = 60) the 95% limits are
        // 15.87-24.89% and the 99.8% limits 13.84-28.01%, so 60/300 = 20% is inside too.
        // A fourth member with 40/100 = 40% is above 34.7%: above the 99.8% limit, and
        // the overall becomes 140/600 = 23.3%.
        let scale = 100.0;
        let observations = [
            observation(20.0, 100.0, scale),
            observation(20.0, 100.0, scale),
            observation(60.0, 300.0, scale),
            Observation { value: None, numerator: Some(0.0), denominator: Some(0.0), ..observation(1.0, 1.0, scale) },
        ];
        let members: Vec<Member> =
            observations.iter().map(|latest| Member { code: "E06000001", name: "A", latest }).collect();
        let inside = funnel(FunnelKind::Proportion, &members).unwrap();
        assert_abs_diff_eq!(inside.centre, 20.0, epsilon = 1e-9);
        assert_eq!(inside.points.len(), 3);
        assert!(inside.points.iter().all(|point| point.band == Band::Inside));
        let high = observation(40.0, 100.0, scale);
        let mut with_high = members;
        with_high.push(Member { code: "E06000002", name: "B", latest: &high });
        let funnel = funnel(FunnelKind::Proportion, &with_high).unwrap();
        // 140 / 600 = 23.33%.
        assert_abs_diff_eq!(funnel.centre, 23.3333, epsilon = 1e-3);
        // Around 23.3% at n = 100 (x = 23.33) the 99.8% upper limit is 38.36%; 40% is above it.
        assert_eq!(funnel.points[3].band, Band::Above998);
        assert_eq!(funnel.outside().iter().map(|point| point.name.as_str()).collect::<Vec<_>>(), ["B"]);
    }

    #[test]
    fn suppressed_members_and_lone_members_make_no_funnel() {
        let one = observation(20.0, 100.0, 100.0);
        let hidden =
            Observation { missing: Some(crate::evaluate::Missing::Suppressed), ..observation(3.0, 40.0, 100.0) };
        let members = [Member { code: "A", name: "A", latest: &one }, Member { code: "B", name: "B", latest: &hidden }];
        assert!(funnel(FunnelKind::Proportion, &members).is_none());
    }
}
