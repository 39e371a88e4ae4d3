//! The judged scorecard for one month: what every renderer draws from.

use crate::definitions::{Definition, Polarity};
use crate::judge_rag::{self, Rag};
use crate::judge_trend::{direction, Direction};
use crate::period::Month;
use crate::results::{round_to, Observation};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub authority: String,
    pub authority_code: String,
    pub month: Month,
    pub engine_version: &'static str,
    pub indicators: Vec<IndicatorReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorReport {
    pub id: String,
    pub title: String,
    pub description: String,
    pub plan_ref: Option<String>,
    pub theme: String,
    pub unit: &'static str,
    pub decimals: u32,
    pub polarity: Polarity,
    pub dataset: String,
    /// The window of the latest period, in words.
    pub window: String,
    pub latest: Observation,
    pub rag: Option<Rag>,
    pub target: Option<f64>,
    pub vs_previous_month: Comparison,
    pub vs_last_year: Comparison,
    pub series: Vec<Observation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Breakdown>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub period: Month,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_comparable: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub column: String,
    pub groups: Vec<GroupSeries>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupSeries {
    pub group: String,
    pub latest: Observation,
    pub rag: Option<Rag>,
    pub series: Vec<Observation>,
}

/// Everything computed for one indicator, over every period.
#[derive(Debug, Clone)]
pub struct IndicatorSeries {
    pub series: Vec<Observation>,
    pub groups: Vec<(String, Vec<Observation>)>,
    pub window: String,
}

pub fn judge(definition: &Definition, computed: &IndicatorSeries, month: Month) -> IndicatorReport {
    let indicator = &definition.indicator;
    let upto = |series: &[Observation]| series.iter().filter(|o| o.period <= month).cloned().collect::<Vec<_>>();
    let series = upto(&computed.series);
    let latest = find(&series, month);
    let rag = |observation: &Observation| {
        let spec = indicator.rag.as_ref()?;
        judge_rag::rate(spec.get_ref(), definition.polarity(), round_to(observation.value?, definition.decimals()))
    };
    let groups = computed
        .groups
        .iter()
        .map(|(group, series)| {
            let series = upto(series);
            let latest = find(&series, month);
            GroupSeries { group: group.clone(), rag: rag(&latest), latest, series }
        })
        .collect();
    IndicatorReport {
        id: definition.id().to_string(),
        title: indicator.title.clone(),
        description: indicator.description.clone(),
        plan_ref: indicator.plan_ref.clone(),
        theme: definition.theme.clone(),
        unit: indicator.unit.get_ref().describe(),
        decimals: definition.decimals(),
        polarity: definition.polarity(),
        dataset: indicator.dataset.get_ref().clone(),
        window: computed.window.clone(),
        rag: rag(&latest),
        target: indicator.rag.as_ref().and_then(|spec| spec.get_ref().target.as_ref()).map(|target| *target.get_ref()),
        vs_previous_month: compare(definition, &latest, &find(&series, month.previous())),
        vs_last_year: compare(definition, &latest, &find(&series, month.plus(-12))),
        latest,
        series,
        breakdown: indicator.breakdown.as_ref().map(|column| Breakdown { column: column.get_ref().clone(), groups }),
    }
}

fn find(series: &[Observation], month: Month) -> Observation {
    series
        .iter()
        .find(|observation| observation.period == month)
        .cloned()
        .unwrap_or_else(|| Observation::not_calculable(month, format!("no data for {month}")))
}

fn compare(definition: &Definition, latest: &Observation, earlier: &Observation) -> Comparison {
    let mut comparison = Comparison { period: earlier.period, direction: None, change: None, not_comparable: None };
    match (latest.value, earlier.value) {
        (Some(now), Some(then)) => {
            let decimals = definition.decimals();
            comparison.direction = Some(direction(now, then, definition.polarity(), decimals));
            comparison.change = Some(round_to(round_to(now, decimals) - round_to(then, decimals), decimals));
        }
        (None, _) => comparison.not_comparable = Some("no value this month".to_string()),
        (_, None) => comparison.not_comparable = Some(format!("no value for {}", earlier.period)),
    }
    comparison
}

impl Scorecard {
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |rag: Rag| self.indicators.iter().filter(|indicator| indicator.rag == Some(rag)).count();
        (count(Rag::Red), count(Rag::Amber), count(Rag::Green))
    }
}
