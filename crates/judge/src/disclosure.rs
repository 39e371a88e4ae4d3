//! Small-number suppression for published outputs, as DfE does: counts of
//! people from 1 to 5 are shown as `c`; so is any percentage or rate whose
//! numerator or denominator is suppressed; a mean or median of 1 to 5
//! records (its count is published); and when one breakdown group is
//! suppressed in a month, the next smallest is too, so that the total minus
//! the other groups cannot reveal it. Values are computed from unrounded
//! counts before any of this. `explain` is local and unsuppressed.

use crate::evaluate::{Computed, IndicatorSeries, Observation};
use crate::language::{Definition, MeasureRule, Summary};

fn small(value: Option<f64>, below: u32) -> bool {
    value.is_some_and(|value| value > 0.0 && value < below as f64)
}

/// Every member's series as they may be published: small numbers hidden
/// before anything is judged, so RAG, SPC and ranks never use them.
pub fn suppress_all(definitions: &[Definition], computed: &Computed, below: u32) -> Computed {
    let member = |series: &Vec<IndicatorSeries>| {
        definitions.iter().zip(series).map(|(definition, one)| suppress(definition, one, below)).collect()
    };
    computed.iter().map(member).collect()
}

/// `below`: counts from 1 up to `below - 1` are suppressed; 0 turns it off.
pub fn suppress(definition: &Definition, series: &IndicatorSeries, below: u32) -> IndicatorSeries {
    // A mean's or median's count is published as its denominator, and it
    // counts the records averaged (children adopted): 5 adoptions hidden
    // as `c` were read off the average time to adoption's n.
    let average = matches!(definition.measure, MeasureRule::Summary { kind: Summary::Mean | Summary::Median, .. });
    if below == 0 || !(definition.measure.counts_people() || average) {
        return series.clone();
    }
    let proportion = matches!(definition.measure, MeasureRule::Proportion { .. });
    let primary = |observation: &Observation| {
        small(observation.numerator, below) || ((proportion || average) && small(observation.denominator, below))
    };
    let mut out = series.clone();
    // The monthly series (for SPC) too: its months hold fewer people than
    // the rolling figure, so more of them are small.
    let groups = out.groups.iter_mut().map(|(_, group)| group);
    for observations in std::iter::once(&mut out.series).chain(out.monthly.as_mut()).chain(groups) {
        for observation in observations.iter_mut() {
            if primary(observation) {
                *observation = Observation::suppressed(observation.period);
            }
        }
    }
    secondary(&mut out.groups);
    out
}

/// In each month with exactly one suppressed group, also suppress the group
/// with the smallest remaining numerator that is not zero: hiding a zero
/// protects nothing (a pair summing to 1 would read as 1 and 0).
fn secondary(groups: &mut [(String, Vec<Observation>)]) {
    let months = groups.first().map_or(0, |(_, series)| series.len());
    for index in 0..months {
        let hidden =
            groups.iter().filter(|(_, series)| series.get(index).is_some_and(Observation::is_suppressed)).count();
        if hidden != 1 {
            continue;
        }
        let smallest = groups
            .iter()
            .enumerate()
            .filter_map(|(at, (_, series))| {
                let observation = series.get(index)?;
                let numerator = observation.numerator.filter(|numerator| *numerator != 0.0)?;
                (!observation.is_suppressed()).then_some((at, numerator))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((at, _)) = smallest {
            let period = groups[at].1[index].period;
            groups[at].1[index] = Observation::suppressed(period);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Month;

    fn observation(numerator: f64, denominator: f64) -> Observation {
        Observation {
            period: Month::new(2025, 3).unwrap(),
            value: Some(100.0 * numerator / denominator),
            numerator: Some(numerator),
            denominator: Some(denominator),
            missing: None,
        }
    }

    #[test]
    fn one_suppressed_group_takes_the_next_smallest_with_it() {
        // Teams A 3/10 (suppressed: 3 is 1-5), B 7/12, C 9/15, total 19/37 shown.
        // With only A hidden, the total minus B and C would give A away, so B
        // (the smallest remaining numerator) is hidden too.
        let mut groups = vec![
            ("A".to_string(), vec![Observation::suppressed(Month::new(2025, 3).unwrap())]),
            ("B".to_string(), vec![observation(7.0, 12.0)]),
            ("C".to_string(), vec![observation(9.0, 15.0)]),
        ];
        secondary(&mut groups);
        assert!(groups[1].1[0].is_suppressed());
        assert!(!groups[2].1[0].is_suppressed());
        assert!(small(Some(5.0), 6) && !small(Some(6.0), 6) && !small(Some(0.0), 6));
    }

    #[test]
    fn a_zero_group_is_never_the_complement() {
        // A hidden (1 of 4), B 0 of 3, C 8 of 9, total 9 shown. Hiding B
        // would leave A + B = 9 - 8 = 1, and a hidden count is 1 to 5, so
        // A = 1 and B = 0: read back. C, the smallest non-zero numerator,
        // goes instead (A + C = 9 has five answers).
        let mut groups = vec![
            ("A".to_string(), vec![Observation::suppressed(Month::new(2025, 3).unwrap())]),
            ("B".to_string(), vec![observation(0.0, 3.0)]),
            ("C".to_string(), vec![observation(8.0, 9.0)]),
        ];
        secondary(&mut groups);
        assert!(!groups[1].1[0].is_suppressed());
        assert!(groups[2].1[0].is_suppressed());
    }
}
