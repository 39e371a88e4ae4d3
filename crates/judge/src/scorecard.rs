//! The judged scorecard for one member's month: what every renderer draws from.

use super::benchmarks::PublishedBenchmarks;
use super::indicator::{judge, IndicatorReport};
use super::plan::{actions_of, view, PlanView};
use super::rag::{Rag, RagCounts};
use super::readiness::Warning;
use super::story::Story;
use crate::evaluate::{Finding, IndicatorSeries, Loaded};
use crate::project::{ForecastScale, Month};
use serde::Serialize;

/// A member's month judged: every indicator, the story and what the page says about the data.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    /// The authority's name.
    pub authority: String,
    /// Its code.
    pub authority_code: String,
    /// The month reported.
    pub month: Month,
    /// The engine's version that judged it.
    pub engine_version: &'static str,
    /// The month's story, exceptions first (made once commentary is added).
    pub story: Story,
    /// Every indicator, in the definitions' order.
    pub indicators: Vec<IndicatorReport>,
    /// The monthly extracts in use that are missing: published only when
    /// the build was told to (`--allow-incomplete`), and said at the top.
    pub incomplete: Vec<String>,
    /// What is implausible about the month against the one before.
    pub warnings: Vec<Warning>,
    /// Data-quality checks for the month (records failing each).
    pub data_quality: Vec<Finding>,
    /// How far each monthly extract reaches (its latest date).
    pub data_to: Vec<super::readiness::DataTo>,
    /// The improvement plan this month, if the project has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanView>,
    /// Indicators given a page in the board pack whatever their rating.
    #[serde(skip)]
    pub board_pages_for: Vec<String>,
    /// Whether full-pack.pdf is published beside the board pack.
    #[serde(skip)]
    pub full_pack: bool,
    /// The demand projection for children looked after, with
    /// `[projection]`, in the latest month's bundle (docs/projection.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection: Option<super::projection::PublishedProjection>,
    /// Why the projection the project asks for is not in this bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_declined: Option<String>,
}

/// Judge every indicator for one member's `month`.
pub fn scorecard(
    loaded: &Loaded,
    member: usize,
    computed: &[IndicatorSeries],
    month: Month,
    benchmarks: &PublishedBenchmarks,
) -> Scorecard {
    let authority = &loaded.members[member];
    let mut scorecard = Scorecard {
        authority: authority.name.clone(),
        authority_code: authority.code.to_string(),
        month,
        engine_version: env!("CARGO_PKG_VERSION"),
        data_quality: Vec::new(),
        data_to: Vec::new(),
        story: Story::default(),
        incomplete: Vec::new(),
        warnings: Vec::new(),
        projection: None,
        projection_declined: None,
        indicators: loaded
            .definitions
            .iter()
            .zip(computed)
            .enumerate()
            .map(|(index, (definition, series))| {
                let benchmark_at = |period: Month| {
                    benchmarks.resolve(member, index, definition, period).benchmark.map(|benchmark| benchmark.value)
                };
                let resolved = benchmarks.resolve(member, index, definition, month);
                let financial_year_start = loaded.project.financial_year_start_month();
                let mut report =
                    judge(definition, series, month, resolved, &benchmark_at, &loaded.events, financial_year_start);
                report.owner = loaded.project.owner(definition.id()).map(str::to_string);
                report.rag_bands_on_spc = loaded.project.charts().rag_bands_on_spc;
                let forecasts = loaded.project.forecast();
                if forecasts.show {
                    report.add_forecast(definition, financial_year_start, forecasts.scale == ForecastScale::Unit);
                }
                report
            })
            .collect(),
        plan: None,
        board_pages_for: loaded.project.board_pages_for().map(str::to_string).collect(),
        full_pack: loaded.project.full_pack(),
    };
    if let Some(plan) = &loaded.plan {
        for indicator in &mut scorecard.indicators {
            indicator.actions = actions_of(plan, &indicator.id);
        }
        let start = loaded.project.financial_year_start_month();
        scorecard.plan = Some(view(plan, month, start, &scorecard.indicators));
    }
    scorecard
}

impl Scorecard {
    /// How many indicators are rated red, amber and green.
    pub fn counts(&self) -> RagCounts {
        let count = |rag: Rag| self.indicators.iter().filter(|indicator| indicator.rag == Some(rag)).count();
        RagCounts { red: count(Rag::Red), amber: count(Rag::Amber), green: count(Rag::Green) }
    }
}
