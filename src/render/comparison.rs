//! A consortium's comparison for one month: comparison.html (one ranked
//! table per indicator), comparison.csv (one row per indicator and member)
//! and comparison.json.

use super::bundle::Files;
use super::format::{month_name, number, rag_view, show_count, show_value};
use super::funnel::{funnel_files, funnel_view, shown, FunnelPaths};
use super::html::environment;
use super::tables::write_rows;
use crate::judge::{IndicatorRanking, MemberValue, Ranking};
use crate::language::Polarity;
use minijinja::{context, Value};

pub fn render(ranking: &Ranking, consortium: &str, built: &str) -> Result<Files, String> {
    let mut json = serde_json::to_vec_pretty(ranking).map_err(|error| error.to_string())?;
    json.push(b'\n');
    let mut files: Files = vec![
        ("comparison.csv".into(), csv(ranking)?),
        ("comparison.html".into(), page(ranking, consortium, built)?.into_bytes()),
        ("comparison.json".into(), json),
    ];
    for indicator in &ranking.indicators {
        if let Some(funnel) = &indicator.funnel {
            files.extend(funnel_files(indicator, funnel, None, &FunnelPaths::comparison(indicator))?);
        }
    }
    Ok(files)
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

fn csv(ranking: &Ranking) -> Result<Vec<u8>, String> {
    let mut rows = Vec::new();
    for indicator in &ranking.indicators {
        for member in &indicator.members {
            let value = if member.suppressed { "c".to_string() } else { number(member.value, indicator.decimals) };
            rows.push(vec![
                indicator.id.clone(),
                indicator.title.clone(),
                indicator.unit.to_string(),
                member.code.clone(),
                member.name.clone(),
                value,
                member.not_calculable.clone().unwrap_or_default(),
                member.rank.map(|rank| rank.to_string()).unwrap_or_default(),
                indicator.ranked.to_string(),
                member.rag.map(|rag| rag.name().to_string()).unwrap_or_default(),
                funnel_band(indicator, member),
            ]);
        }
    }
    write_rows(
        &[
            "indicator",
            "title",
            "unit",
            "authority_code",
            "authority",
            "value",
            "not_calculable",
            "rank",
            "of",
            "rag",
            "funnel",
        ],
        rows,
    )
}

fn funnel_band(indicator: &IndicatorRanking, member: &MemberValue) -> String {
    let point = indicator.funnel.as_ref().and_then(|funnel| funnel.points.iter().find(|p| p.code == member.code));
    point.map(|point| point.band.describe().to_string()).unwrap_or_default()
}

fn page(ranking: &Ranking, consortium: &str, built: &str) -> Result<String, String> {
    let indicators: Vec<Value> = ranking
        .indicators
        .iter()
        .map(|indicator| {
            let rows: Vec<Value> = indicator.in_rank_order()
                .iter()
                .enumerate()
                .map(|(index, member)| {
                    context! {
                        number => index + 1,
                        counts => counts(member),
                        rank => member.rank.map(|rank| format!("{rank} of {}", indicator.ranked)).unwrap_or_else(|| "–".into()),
                        code => &member.code,
                        name => &member.name,
                        value => shown(indicator, member),
                        ..Value::from_serialize(rag_view(member.rag)),
                    }
                })
                .collect();
            let polarity_text = match indicator.polarity {
                Polarity::HigherIsBetter => "higher is better",
                Polarity::LowerIsBetter => "lower is better",
                Polarity::CloseToTarget => "nearest the target is best",
                Polarity::NoJudgement => "",
            };
            let median = indicator
                .median
                .map(|median| show_value(Some(median), indicator.decimals, indicator.unit))
                .unwrap_or_else(|| "not calculable".into());
            let funnel = indicator
                .funnel
                .as_ref()
                .map(|funnel| funnel_view(indicator, funnel, None, &FunnelPaths::comparison(indicator)));
            context! { id => &indicator.id, title => &indicator.title, unit => indicator.unit, polarity_text, rows, median, funnel }
        })
        .collect();
    let members = ranking.indicators.first().map_or(0, |indicator| indicator.members.len());
    // The first view: every indicator against every member, RAG letter and value.
    let names: Vec<Value> = ranking
        .indicators
        .first()
        .map(|indicator| indicator.members.iter().map(|m| context! { name => &m.name, code => &m.code }).collect())
        .unwrap_or_default();
    let grid: Vec<Value> = ranking
        .indicators
        .iter()
        .map(|indicator| {
            let cells: Vec<Value> = indicator
                .members
                .iter()
                .map(|member| context! { value => shown(indicator, member), ..Value::from_serialize(rag_view(member.rag)) })
                .collect();
            context! { title => &indicator.title, cells }
        })
        .collect();
    let environment = environment();
    let template = environment.get_template("comparison.html").map_err(|error| error.to_string())?;
    template
        .render(context! {
            consortium,
            members,
            month => ranking.month.to_string(),
            month_name => month_name(ranking.month),
            built,
            names,
            grid,
            indicators,
        })
        .map_err(|error| error.to_string())
}
