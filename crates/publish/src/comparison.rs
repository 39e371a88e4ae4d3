//! A consortium's comparison for one month, written as a bundle of its own
//! under `<output>/comparison/`: every member's published value, RAG and rank.

use super::bundle::write_bundle;
use super::context::BuildContext;
use super::inputs::comparison_inputs;
use super::manifest::Manifest;
use crate::error::{Error, UsageError};
use crate::evaluate::{Computed, Loaded};
use crate::judge::{rank, scorecard, PublishedBenchmarks, Ranking, Scorecard};
use crate::project::Month;
use crate::render::{comparison_files, RenderError};
use std::path::PathBuf;

/// Where a consortium's comparison bundles go, under the output folder.
pub(crate) const COMPARISON_FOLDER: &str = "comparison";

/// Every member's published values for `month`, ranked indicator by indicator.
pub(crate) fn rank_month(
    loaded: &Loaded,
    published: &Computed,
    benchmarks: &PublishedBenchmarks,
    month: Month,
) -> Option<Ranking> {
    let scorecards: Vec<Scorecard> = (0..loaded.members.len())
        .map(|member| scorecard(loaded, member, &published[member], month, benchmarks))
        .collect();
    rank(&scorecards)
}

pub(crate) fn write_comparison(context: &BuildContext, month: Month) -> Result<PathBuf, Error> {
    let loaded = context.loaded;
    let ranking = match context.rankings.get(&month) {
        Some(ranking) => ranking.clone(),
        None => rank_month(loaded, context.published, context.benchmarks, month)
            .ok_or(UsageError::NoMembers { doing: "compare" })?,
    };
    let consortium = &loaded.project.consortium_name(loaded.members.len());
    let mut files = comparison_files(&ranking, consortium, context.built)?;
    let inputs = comparison_inputs(loaded, month);
    let manifest = Manifest::for_comparison(loaded, context.data, &inputs, month, &files, context.built);
    files.push(("manifest.json".into(), manifest.to_json().map_err(RenderError::from)?));
    let path = write_bundle(&loaded.project.output_dir().join(COMPARISON_FOLDER), month, &files)?;
    tracing::info!(%month, path = %path.display(), "wrote comparison");
    Ok(path)
}
