//! A consortium's comparison table: each member's published value of every
//! indicator for one month, and its rank among the members.
//!
//! Ranks compare values rounded to the indicator's decimals (what the board
//! sees), best first by the indicator's polarity; equal values share a rank
//! and the next rank is skipped ("1, 2, 2, 4"). A member whose value is not
//! calculable or suppressed has no rank, and `of` counts only ranked members.
//! Indicators with no polarity are shown but not ranked.

use super::funnel;
use super::ranking::{IndicatorRanking, MemberValue, Ranking};
use super::rounding::round_to;
use super::scorecard::Scorecard;
use crate::language::{Polarity, Unit};
use std::sync::Arc;

/// Rank every member's scorecard for the same month, indicator by indicator.
pub fn rank<'a>(scorecards: &'a [Scorecard]) -> Option<Ranking> {
    let first = scorecards.first()?;
    let indicators = first
        .indicators
        .iter()
        .enumerate()
        .map(|(index, indicator)| {
            let members: Vec<MemberValue> = scorecards
                .iter()
                .map(|scorecard| {
                    let report = &scorecard.indicators[index];
                    let suppressed = report.latest.is_suppressed();
                    MemberValue {
                        code: scorecard.authority_code.clone(),
                        name: scorecard.authority.clone(),
                        value: report.latest.value.filter(|_| !suppressed),
                        suppressed,
                        numerator: report.latest.numerator.filter(|_| !suppressed),
                        denominator: report.latest.denominator.filter(|_| !suppressed),
                        not_calculable: report.latest.reason().map(str::to_string).filter(|_| !suppressed),
                        rag: report.rag,
                        rank: None,
                    }
                })
                .collect();
            let mut ranking = IndicatorRanking {
                id: indicator.id.clone(),
                title: indicator.title.clone(),
                unit: indicator.unit,
                decimals: indicator.decimals,
                polarity: indicator.polarity,
                ranked: 0,
                median: None,
                members,
                funnel: indicator.funnel_kind.and_then(|kind| {
                    let latest = |scorecard: &'a Scorecard| funnel::Member {
                        code: &scorecard.authority_code,
                        name: &scorecard.authority,
                        latest: &scorecard.indicators[index].latest,
                    };
                    let members: Vec<funnel::Member> = scorecards.iter().map(latest).collect();
                    funnel::funnel(kind, &members)
                }),
            };
            assign_ranks(&mut ranking);
            ranking.median = median(&ranking);
            Arc::new(ranking)
        })
        .collect();
    Some(Ranking { month: first.month, indicators })
}

/// The middle value, or the mean of the middle two.
fn median(ranking: &IndicatorRanking) -> Option<f64> {
    let mut values: Vec<f64> =
        ranking.members.iter().filter_map(|m| m.value).map(|v| round_to(v, ranking.decimals)).collect();
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[middle]),
        _ => Some((values[middle - 1] + values[middle]) / 2.0),
    }
}

fn assign_ranks(ranking: &mut IndicatorRanking) {
    // A raw count ranks authorities by size, not performance: rates,
    // percentages, averages and days compare; counts never do.
    if ranking.unit == Unit::Count {
        return;
    }
    let better_first: fn(f64, f64) -> std::cmp::Ordering = match ranking.polarity {
        Polarity::HigherIsBetter => |a, b| b.total_cmp(&a),
        Polarity::LowerIsBetter => |a, b| a.total_cmp(&b),
        Polarity::NoJudgement | Polarity::CloseToTarget => return,
    };
    let decimals = ranking.decimals;
    let shown: Vec<Option<f64>> = ranking.members.iter().map(|m| m.value.map(|v| round_to(v, decimals))).collect();
    let values: Vec<f64> = shown.iter().flatten().copied().collect();
    for (member, value) in ranking.members.iter_mut().zip(&shown) {
        member.rank = value.map(|value| 1 + values.iter().filter(|other| better_first(**other, value).is_lt()).count());
    }
    ranking.ranked = values.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(polarity: Polarity, values: &[Option<f64>]) -> IndicatorRanking {
        IndicatorRanking {
            id: "x".into(),
            title: "x".into(),
            unit: Unit::Percent,
            decimals: 1,
            polarity,
            ranked: 0,
            median: None,
            funnel: None,
            members: values
                .iter()
                .map(|value| MemberValue {
                    code: "E06000001".into(),
                    name: "A".into(),
                    value: *value,
                    suppressed: false,
                    numerator: None,
                    denominator: None,
                    not_calculable: None,
                    rag: None,
                    rank: None,
                })
                .collect(),
        }
    }

    fn ranking(polarity: Polarity, values: &[Option<f64>]) -> Vec<Option<usize>> {
        let mut ranking = indicator(polarity, values);
        assign_ranks(&mut ranking);
        ranking.members.iter().map(|member| member.rank).collect()
    }

    #[test]
    fn best_first_by_polarity_with_shared_ranks_and_gaps() {
        // Higher is better: 80 best, then the two 70s share 2nd, 60 is 4th.
        let values = [Some(70.0), Some(80.0), Some(60.0), Some(70.0)];
        assert_eq!(ranking(Polarity::HigherIsBetter, &values), [Some(2), Some(1), Some(4), Some(2)]);
        // Lower is better reverses it: 60 best, the 70s 2nd, 80 4th.
        assert_eq!(ranking(Polarity::LowerIsBetter, &values), [Some(2), Some(4), Some(1), Some(2)]);
    }

    #[test]
    fn ties_are_judged_on_the_values_the_board_sees() {
        // 12.34 and 12.26 both show as 12.3 at one decimal: a shared 1st.
        assert_eq!(ranking(Polarity::HigherIsBetter, &[Some(12.34), Some(12.26)]), [Some(1), Some(1)]);
    }

    #[test]
    fn median_of_the_values_shown() {
        let median_of = |values: &[Option<f64>]| median(&indicator(Polarity::NoJudgement, values));
        // Odd: 10, 20, 30 -> 20. Even: 10, 20, 30, 41 -> (20 + 30) / 2 = 25.
        assert_eq!(median_of(&[Some(30.0), None, Some(10.0), Some(20.0)]), Some(20.0));
        assert_eq!(median_of(&[Some(30.0), Some(41.0), Some(10.0), Some(20.0)]), Some(25.0));
        // Rounded first, as shown: 10.04 and 10.06 show as 10.0 and 10.1 -> 10.05.
        assert_eq!(median_of(&[Some(10.04), Some(10.06)]), Some(10.05));
        assert_eq!(median_of(&[None]), None);
    }

    #[test]
    fn missing_values_and_unjudged_indicators_have_no_rank() {
        assert_eq!(ranking(Polarity::HigherIsBetter, &[None, Some(5.0), Some(9.0)]), [None, Some(2), Some(1)]);
        assert_eq!(ranking(Polarity::NoJudgement, &[Some(5.0), Some(9.0)]), [None, None]);
    }

    #[test]
    fn raw_counts_are_never_ranked() {
        // 55 children missing in a small authority and 148 in a large one say nothing of either's work.
        let mut counts = indicator(Polarity::LowerIsBetter, &[Some(55.0), Some(148.0)]);
        counts.unit = Unit::Count;
        assign_ranks(&mut counts);
        assert_eq!(counts.members.iter().map(|member| member.rank).collect::<Vec<_>>(), [None, None]);
        assert_eq!(counts.ranked, 0);
    }
}
