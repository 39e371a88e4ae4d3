//! Every file of a member's month bundle, rendered in memory: the page,
//! the board pack, the tables, the workbook and the charts (`publish` adds the manifest).

use super::build_time::BuildTime;
use super::funnel::{funnel_files, FunnelPaths};
use super::html::{self, PageContext};
use super::printable::printable;
use super::{board_pack, charts, tables, xlsx};
use crate::judge::{IndicatorReport, Scorecard};
use crate::parallel;
use std::collections::BTreeMap;

pub type Files = Vec<(String, Vec<u8>)>;

/// In a consortium, the funnel of every member's value with this one's dot ringed.
fn member_funnel(indicator: &IndicatorReport, you: &str) -> Result<Files, String> {
    match &indicator.consortium {
        Some(ranking) => match &ranking.funnel {
            Some(funnel) => funnel_files(ranking, funnel, Some(you), &FunnelPaths::member(ranking)),
            None => Ok(Files::new()),
        },
        None => Ok(Files::new()),
    }
}

fn charts(indicator: &IndicatorReport) -> Result<(Files, String), String> {
    let svg = printable(&charts::trend_svg(indicator)?).into_owned();
    let narrow = printable(&charts::narrow_trend_svg(indicator)?).into_owned();
    let png = charts::trend_png(indicator)?;
    let sparkline = charts::sparkline_svg(indicator)?;
    let id = &indicator.id;
    Ok((
        vec![
            (format!("charts/{id}.svg"), svg.into_bytes()),
            (format!("charts/{id}.png"), png),
            // A folder of its own, so no indicator id can collide with it.
            (format!("charts/narrow/{id}.svg"), narrow.into_bytes()),
        ],
        sparkline,
    ))
}

/// Every file of a member's month bundle but its manifest, sorted by name.
pub fn month_files(scorecard: &Scorecard, built: &BuildTime) -> Result<Files, String> {
    let you = &scorecard.authority_code;
    let drawn = parallel::map(&scorecard.indicators, |indicator| -> Result<_, String> {
        Ok((charts(indicator)?, member_funnel(indicator, you)?))
    });
    let mut files: Files = Vec::new();
    let mut sparklines = BTreeMap::new();
    for (indicator, result) in scorecard.indicators.iter().zip(drawn) {
        let ((chart_files, sparkline), funnel_files) = result?;
        files.extend(chart_files);
        files.extend(funnel_files);
        sparklines.insert(indicator.id.clone(), sparkline);
    }
    let page = html::scorecard_page(scorecard, &PageContext { built: &built.text, sparklines: &sparklines })?;
    files.push(("index.html".into(), page.into_bytes()));
    files.push(("definitions.html".into(), html::definitions_page(scorecard)?.into_bytes()));
    files.push(("scorecard.csv".into(), tables::scorecard_csv(scorecard)?));
    files.push(("series.csv".into(), tables::series_csv(scorecard)?));
    files.push(("scorecard.json".into(), tables::scorecard_json(scorecard)?));
    files.push(("scorecard.xlsx".into(), xlsx::workbook(scorecard, built.epoch)?));
    files.push(("board-pack.pdf".into(), board_pack::board_pack(scorecard, built)?));
    if scorecard.full_pack {
        files.push(("full-pack.pdf".into(), board_pack::full_pack(scorecard, built)?));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}
