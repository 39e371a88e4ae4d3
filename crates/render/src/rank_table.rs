//! An indicator's rank table among a consortium's members, as the
//! comparison page, PDF and workbook all show it: rank order, each row
//! numbered as its member's dot on the funnel plot, with the counts behind
//! each value, and the members' median.

use super::format::{rag_view, show_count, show_value, RagView};
use super::funnel::shown;
use crate::judge::{IndicatorRanking, MemberValue, Rag};
use crate::language::Polarity;
use serde::Serialize;

/// A row of an indicator's rank table, in rank order: its number is the
/// member's dot's number on the funnel plot.
#[derive(Serialize)]
pub(super) struct RankRow {
    pub number: usize,
    pub rank: String,
    pub code: String,
    pub name: String,
    pub value: String,
    pub counts: String,
    #[serde(skip)]
    pub rating: Option<Rag>,
    #[serde(flatten)]
    pub view: RagView,
}

pub(super) fn rank_rows(indicator: &IndicatorRanking) -> Vec<RankRow> {
    let rank = |member: &MemberValue| match member.rank {
        Some(rank) => format!("{rank} of {}", indicator.ranked),
        None => "–".into(),
    };
    indicator
        .in_rank_order()
        .iter()
        .enumerate()
        .map(|(index, member)| RankRow {
            number: index + 1,
            rank: rank(member),
            code: member.code.clone(),
            name: member.name.clone(),
            value: shown(indicator, member),
            counts: counts(member),
            rating: member.rag,
            view: rag_view(member.rag),
        })
        .collect()
}

pub(super) fn polarity_text(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::HigherIsBetter => "higher is better",
        Polarity::LowerIsBetter => "lower is better",
        Polarity::CloseToTarget => "nearest the target is best",
        Polarity::NoJudgement => "",
    }
}

/// The members' median with the indicator's decimals.
pub(super) fn median_text(indicator: &IndicatorRanking) -> String {
    match indicator.median {
        Some(median) => show_value(Some(median), indicator.decimals, indicator.unit),
        None => "not calculable".into(),
    }
}

/// "155 of 750": the counts behind a member's value; `c` when suppressed.
fn counts(member: &MemberValue) -> String {
    match (member.suppressed, member.numerator, member.denominator) {
        (true, _, _) => "c".into(),
        (false, Some(numerator), Some(denominator)) => {
            format!("{} of {}", show_count(Some(numerator)), show_count(Some(denominator)))
        }
        (false, _, Some(denominator)) => show_count(Some(denominator)),
        _ => "–".into(),
    }
}

/// Where the member's dot is against the funnel's limits, if drawn.
pub(super) fn funnel_band(indicator: &IndicatorRanking, member: &MemberValue) -> &'static str {
    let point = indicator.funnel.as_ref().and_then(|funnel| funnel.points.iter().find(|p| p.code == member.code));
    point.map_or("", |point| point.band.describe())
}
