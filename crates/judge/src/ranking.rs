//! What a consortium's ranking holds: each member's published value of
//! every indicator for one month and its place among the members (worked
//! out by `rank`).

use super::funnel::Funnel;
use super::rag::Rag;
use crate::language::{Polarity, Unit};
use crate::project::Month;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub month: Month,
    /// Shared with every member's scorecard, whose page draws the funnel.
    pub indicators: Vec<Arc<IndicatorRanking>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRanking {
    pub id: String,
    pub title: String,
    pub unit: Unit,
    pub decimals: u32,
    pub polarity: Polarity,
    /// Members with a rank.
    pub ranked: usize,
    /// The median of the members' values as shown (published, rounded),
    /// whether or not the indicator is ranked.
    pub median: Option<f64>,
    pub members: Vec<MemberValue>,
    /// Each member's value against its denominator, for proportions of
    /// children and rates per 10,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funnel: Option<Funnel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberValue {
    pub code: String,
    pub name: String,
    /// The value as published: absent when suppressed or not calculable.
    pub value: Option<f64>,
    pub suppressed: bool,
    /// The counts behind the value, as published (absent when suppressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_calculable: Option<String>,
    pub rag: Option<Rag>,
    /// 1 is best.
    pub rank: Option<usize>,
}

impl IndicatorRanking {
    /// The members in the order of the rank table: ranked best first, then
    /// the rest in member order. Their place in it numbers their funnel dots.
    pub fn in_rank_order(&self) -> Vec<&MemberValue> {
        let mut members: Vec<&MemberValue> = self.members.iter().collect();
        members.sort_by_key(|member| member.rank.unwrap_or(usize::MAX));
        members
    }

    /// The member's number on the funnel plot: its row of the rank table.
    pub fn dot_number(&self, code: &str) -> Option<usize> {
        self.in_rank_order().iter().position(|member| member.code == code).map(|index| index + 1)
    }
}
