//! A demand projection for children looked after: how many children, of
//! which ages and in which placements, the authority will be looking after
//! 12 to 36 months ahead if entries, exits and moves go on at the rates of
//! the last year, with intervals from simulation, scenarios and costs
//! (docs/projection.md).
//!
//! The model is the stock-and-flow model of Social Finance's children's
//! services demand model (`cs-demand-model`): children in care are counted
//! by age band and placement type; entries arrive at the observed rate;
//! each child leaves care, or moves to another placement type, at the daily
//! rate observed for their age band, time in care and placement type;
//! children move up an age band on their birthday. It differs in five ways,
//! each said in the docs: every child's own age (not their age when the
//! episode started), time in care, rates as events per child-day (not a
//! mean of daily ratios), leaving care at 18 as a certainty (not a rate),
//! and a simulation of each child rather than expected values, so the
//! projection has intervals.

/// Episodes joined into periods of care, with the model's age bands and placement types.
pub mod care;
mod rates;
mod simulate;
mod source;

pub use care::{AgeBand, Episode, Placement, AGE_BANDS, PLACEMENTS};
pub use rates::{Rates, DURATIONS};
pub use simulate::{in_care_on, project, InCare, Projected, ProjectedMonth, Projection, Scenario, Spread};
pub use source::{check, from_extracts, PublishedProjection, Reference, Report};
