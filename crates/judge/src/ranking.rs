//! What a consortium's ranking holds: each member's published value of
//! every indicator for one month and its place among the members (worked
//! out by `rank`).

use super::funnel::Funnel;
use super::rag::Rag;
use crate::language::{Polarity, Unit};
use crate::project::Month;
use serde::Serialize;
use std::sync::Arc;

/// A consortium's month: every indicator's members compared.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    /// The month compared.
    pub month: Month,
    /// Shared with every member's scorecard, whose page draws the funnel.
    pub indicators: Vec<Arc<IndicatorRanking>>,
}

/// One indicator across the members.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRanking {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The unit of its values.
    pub unit: Unit,
    /// Decimal places shown.
    pub decimals: u32,
    /// Whether higher or lower is better (no ranks without a direction).
    pub polarity: Polarity,
    /// Members with a rank.
    pub ranked: usize,
    /// The median of the members' values as shown (published, rounded),
    /// whether or not the indicator is ranked.
    pub median: Option<f64>,
    /// Each member's value, in rank order (unranked last).
    pub members: Vec<MemberValue>,
    /// Each member's value against its denominator, for proportions of
    /// children and rates per 10,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funnel: Option<Funnel>,
}

/// One member's value of an indicator.
#[derive(Debug, Clone, Serialize)]
pub struct MemberValue {
    /// The member's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The value as published: absent when suppressed or not calculable.
    pub value: Option<f64>,
    /// True when disclosure control hides it.
    pub suppressed: bool,
    /// The counts behind the value, as published (absent when suppressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    /// What the value is out of, as published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// Why there is no value, when there is none and it is not suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_calculable: Option<String>,
    /// Its rating by the member's own rule.
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
