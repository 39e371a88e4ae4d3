//! Judging a member's month: RAG ratings against targets and benchmarks,
//! direction of travel, statistical process control, confidence intervals
//! and significance, consortium ranks, and small-number disclosure control
//! (applied before anything is judged). Depends on `project`, `language`,
//! `input` and `evaluate`.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_evaluate as evaluate;
pub(crate) use scorecard_input as input;
pub(crate) use scorecard_language as language;
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::{diagnostics, error, parallel};

mod benchmarks;
mod change;
mod disclosure;
mod forecast;
mod funnel;
mod indicator;
mod plan;
/// Projecting how many children will be looked after (`scorecard project`).
pub mod projection;
mod rag;
mod rank;
mod ranking;
mod readiness;
mod recent_trend;
mod revision;
mod rounding;
mod scorecard;
mod significance;
mod spc;
mod story;
mod trend;
mod wording;

pub use benchmarks::{PublishedBenchmarks, ResolvedBenchmark, Standing};
pub use disclosure::{suppress, suppress_all};
pub use forecast::{Forecast, ForecastMonth, Scale};
pub use funnel::{Band, Funnel, FunnelKind, FunnelPoint};
pub use indicator::{
    ActionRef, Breakdown, Comparison, Confidence, GroupSeries, IndicatorReport, MonthTarget, Position, RatingBasis,
    RecentMonth,
};
pub use plan::{ActionView, Measure, PlanView, PriorityView};
pub use rag::{Limits, Rag, RagCounts};
pub use rank::rank;
pub use ranking::{IndicatorRanking, MemberValue, Ranking};
pub use readiness::{data_to, missing_extracts, other_period, unread_files, warnings, DataTo, Warning};
pub use recent_trend::{RecentTrend, TrendTest};
pub use revision::{revisions, Published, Revision};
pub use rounding::round_to;
pub use scorecard::{scorecard, Scorecard};
pub use significance::Interval;
pub use spc::{
    Assurance, Basis as SpcBasis, Rule as SpcRule, Segment as SpcSegment, Signal as SpcSignal, Spc, Variation,
};
pub use story::{story, Exception, Story, ATTENTION_RULE, IMPROVED_RULE};
pub use trend::{Direction, TravelOver};
pub use wording::plain_english;
