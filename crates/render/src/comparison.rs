//! A consortium's comparison for one month: comparison.html (one ranked
//! table per indicator), comparison.csv (one row per indicator and member)
//! and comparison.json.

use super::build_time::BuildTime;
use super::bundle::Files;
use super::comparison_pdf::comparison_pdf;
use super::comparison_xlsx::comparison_workbook;
use super::failure::RenderError;
use super::format::{month_name, number, rag_view};
use super::funnel::{funnel_files, funnel_view, shown, FunnelPaths};
use super::html::environment;
use super::rank_table::{funnel_band, median_text, polarity_text, rank_rows};
use super::tables::write_rows;
use crate::judge::Ranking;
use minijinja::{context, Value};

/// A consortium's comparison bundle for one month: the page, its funnels, the comparison PDF, workbook, CSV and JSON.
pub fn render(ranking: &Ranking, consortium: &str, built: &BuildTime) -> Result<Files, RenderError> {
    let mut json = serde_json::to_vec_pretty(ranking)?;
    json.push(b'\n');
    let mut files: Files = vec![
        ("comparison.csv".into(), csv(ranking)?),
        ("comparison.html".into(), page(ranking, consortium, &built.text)?.into_bytes()),
        ("comparison.json".into(), json),
        ("comparison.pdf".into(), comparison_pdf(ranking, consortium, built)?),
        ("comparison.xlsx".into(), comparison_workbook(ranking, consortium, built.epoch)?),
    ];
    for indicator in &ranking.indicators {
        if let Some(funnel) = &indicator.funnel {
            files.extend(funnel_files(indicator, funnel, None, &FunnelPaths::comparison(indicator))?);
        }
    }
    Ok(files)
}

fn csv(ranking: &Ranking) -> Result<Vec<u8>, RenderError> {
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
                funnel_band(indicator, member).to_string(),
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

fn page(ranking: &Ranking, consortium: &str, built: &str) -> Result<String, RenderError> {
    let indicators: Vec<Value> = ranking
        .indicators
        .iter()
        .map(|indicator| {
            let rows: Vec<Value> = rank_rows(indicator).iter().map(Value::from_serialize).collect();
            let polarity_text = polarity_text(indicator.polarity);
            let median = median_text(indicator);
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
    let template = environment.get_template("comparison.html")?;
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
        .map_err(RenderError::from)
}
