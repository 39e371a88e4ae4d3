//! Every file of a member's month bundle, rendered in memory: the page,
//! the board pack, the tables, the workbook and the charts (`publish` adds the manifest).

use super::build_time::BuildTime;
use super::failure::RenderError;
use super::funnel::{funnel_files, FunnelPaths};
use super::html::{self, PageContext};
use super::printable::printable;
use super::projection::{NARROW_PROJECTION_CHART_SIZE, PROJECTION_CHART_SIZE};
use super::projection_chart::projection_svg;
use super::{board_pack, charts, tables, xlsx};
use crate::judge::{IndicatorReport, Scorecard};
use crate::parallel;
use std::collections::BTreeMap;

/// A bundle's files: each name (relative to the bundle's folder) and its bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// In a consortium, the funnel of every member's value with this one's dot ringed.
fn member_funnel(indicator: &IndicatorReport, you: &str) -> Result<Files, RenderError> {
    match &indicator.consortium {
        Some(ranking) => match &ranking.funnel {
            Some(funnel) => funnel_files(ranking, funnel, Some(you), &FunnelPaths::member(ranking)),
            None => Ok(Files::new()),
        },
        None => Ok(Files::new()),
    }
}

fn charts(indicator: &IndicatorReport) -> Result<(Files, String), RenderError> {
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

/// A piece of a bundle's rendering that needs nothing from the others.
#[derive(Clone, Copy)]
enum Job {
    FullPack,
    BoardPack,
    Workbook,
    Tables,
    Charts(usize),
    Projection,
}

/// What a job made: its files, and an indicator's sparkline for the page.
type Made = (Files, Option<(String, String)>);

fn run(job: Job, scorecard: &Scorecard, built: &BuildTime) -> Result<Made, RenderError> {
    let files = match job {
        Job::FullPack => vec![("full-pack.pdf".into(), board_pack::full_pack(scorecard, built)?)],
        Job::BoardPack => vec![("board-pack.pdf".into(), board_pack::board_pack(scorecard, built)?)],
        Job::Workbook => vec![("scorecard.xlsx".into(), xlsx::workbook(scorecard, built.epoch)?)],
        Job::Tables => vec![
            ("definitions.html".into(), html::definitions_page(scorecard)?.into_bytes()),
            ("scorecard.csv".into(), tables::scorecard_csv(scorecard)?),
            ("series.csv".into(), tables::series_csv(scorecard)?),
            ("scorecard.json".into(), tables::scorecard_json(scorecard)?),
        ],
        Job::Projection => match &scorecard.projection {
            // A folder of its own: an indicator's id can name no file in it.
            Some(projection) => [("wide", PROJECTION_CHART_SIZE), ("narrow", NARROW_PROJECTION_CHART_SIZE)]
                .into_iter()
                .map(|(name, size)| {
                    Ok((format!("charts/projection/{name}.svg"), projection_svg(projection, size)?.into_bytes()))
                })
                .collect::<Result<_, RenderError>>()?,
            None => Vec::new(),
        },
        Job::Charts(index) => {
            let indicator = &scorecard.indicators[index];
            let (mut files, sparkline) = charts(indicator)?;
            files.extend(member_funnel(indicator, &scorecard.authority_code)?);
            return Ok((files, Some((indicator.id.clone(), sparkline))));
        }
    };
    Ok((files, None))
}

/// Every file of a member's month bundle but its manifest, sorted by name.
/// Everything but the page (which needs the sparklines) is drawn at once
/// on every core, the full pack (the longest job) first.
pub fn month_files(scorecard: &Scorecard, built: &BuildTime) -> Result<Files, RenderError> {
    let packs = if scorecard.full_pack { vec![Job::FullPack, Job::BoardPack] } else { vec![Job::BoardPack] };
    let charts = (0..scorecard.indicators.len()).map(Job::Charts);
    let jobs: Vec<Job> =
        packs.into_iter().chain([Job::Workbook]).chain(charts).chain([Job::Tables, Job::Projection]).collect();
    let mut files: Files = Vec::new();
    let mut sparklines = BTreeMap::new();
    for made in parallel::map(&jobs, |job| run(*job, scorecard, built)) {
        let (made, sparkline) = made?;
        files.extend(made);
        sparklines.extend(sparkline);
    }
    let page = html::scorecard_page(scorecard, &PageContext { built: &built.text, sparklines: &sparklines })?;
    files.push(("index.html".into(), page.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}
