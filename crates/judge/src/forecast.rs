//! Where an indicator is heading: a forecast to the end of the financial
//! year and 12 months ahead, with 80% and 95% prediction intervals, and the
//! chance of meeting the year-end target on current trend.
//!
//! The model is exponential smoothing with automatic selection (AutoETS,
//! the `augurs` crate, after Hyndman and Khandakar's `ets` and statsforecast's
//! AutoETS): additive errors, with no trend, an additive trend or a damped
//! one, chosen by AICc. By default it is fitted on the reported scale and
//! its forecast and limits are cut at the unit's bounds (0% to 100%, not
//! below 0); `[forecast] scale = "unit"` fits proportions on the logit
//! scale, rates and counts on the log scale, means as they are, and
//! transforms back (a limit is then the same quantile on either scale, the
//! point the median). The backtests in docs/forecast.md chose the default:
//! the reported scale's ranges held what they say, the unit's were narrower.
//!
//! It declines, and says why, when: the indicator does not report monthly;
//! the latest month is suppressed; there are fewer than 24 months of values
//! in a row up to the latest (a gap or a suppressed month restarts the
//! count); or an event marked `rebase` (a process change) concerning it is
//! within the last 12 months. A run of special-cause points is no reason to
//! decline: a trend is what a forecast is for.

use crate::evaluate::Observation;
use crate::language::{Event, Frequency, Polarity, Unit};
use crate::project::Month;
use augurs::ets::model::TrendComponent;
use augurs::ets::{AutoETS, FittedAutoETS};
use augurs::{Fit, Predict};
use serde::Serialize;

/// Months of values in a row needed before forecasting.
pub(crate) const FORECAST_MINIMUM_MONTHS: usize = 24;
/// How far ahead, in months.
pub(crate) const FORECAST_HORIZON: usize = 12;
const Z95: f64 = 1.959_963_984_540_054;

/// The scale the model is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// log(p / (1 - p)) of a percentage p / 100.
    Logit,
    /// log(r) of a rate r.
    Log,
    /// As reported.
    Original,
}

impl Scale {
    /// The scale for a unit: proportions on the logit, rates and counts on
    /// the log, the rest (means) as they are. A log or logit scale needs
    /// every value inside its range: 0% or 100% months, or a zero count,
    /// send the series to its original scale.
    fn for_series(unit: Unit, values: &[f64]) -> Scale {
        let preferred = match unit {
            Unit::Percent => Scale::Logit,
            Unit::RatePer10000 | Unit::Count => Scale::Log,
            _ => Scale::Original,
        };
        let fits = |value: &f64| match preferred {
            Scale::Logit => *value > 0.0 && *value < 100.0,
            Scale::Log => *value > 0.0,
            Scale::Original => value.is_finite(),
        };
        if values.iter().all(fits) {
            preferred
        } else {
            Scale::Original
        }
    }

    fn to_model(self, value: f64) -> f64 {
        match self {
            Scale::Logit => {
                let p = value / 100.0;
                (p / (1.0 - p)).ln()
            }
            Scale::Log => value.ln(),
            Scale::Original => value,
        }
    }

    fn to_indicator_scale(self, value: f64) -> f64 {
        match self {
            Scale::Logit => 100.0 / (1.0 + (-value).exp()),
            Scale::Log => value.exp(),
            Scale::Original => value,
        }
    }

    /// A target moved just inside the scale's range: a 100% target on the
    /// logit scale is met only by a value the model cannot reach.
    fn inside(self, value: f64) -> f64 {
        match self {
            Scale::Logit => value.clamp(1e-9, 100.0 - 1e-9),
            Scale::Log => value.max(1e-9),
            Scale::Original => value,
        }
    }

    /// The scale in words, for the page.
    pub fn describe(self) -> &'static str {
        match self {
            Scale::Logit => "on the logit scale (a proportion's forecast and limits stay between 0% and 100%)",
            Scale::Log => "on the log scale (a rate's forecast and limits stay above 0)",
            Scale::Original => "on the scale reported",
        }
    }
}

/// One month ahead: the forecast (the median) and its prediction intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForecastMonth {
    /// The month forecast.
    pub period: Month,
    /// The forecast (the median).
    pub point: f64,
    /// The 80% prediction interval's lower end.
    pub lower80: f64,
    /// Its upper end.
    pub upper80: f64,
    /// The 95% prediction interval's lower end.
    pub lower95: f64,
    /// Its upper end.
    pub upper95: f64,
}

/// Where an indicator is heading on its current trend, month by month to the financial year's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// "AutoETS (A,Ad,N) on the logit scale".
    pub method: String,
    /// The scale the model was fitted on.
    pub scale: Scale,
    /// The months the model was fitted on, the first and how many.
    pub fitted_from: Month,
    /// How many months it was fitted on.
    pub fitted_months: usize,
    /// Each month ahead, in order.
    pub months: Vec<ForecastMonth>,
    /// The financial year's last month, the first after the latest.
    pub year_end: ForecastMonth,
    /// The target for that month, if the indicator is rated against one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_end_target: Option<f64>,
    /// The chance the year-end value meets it (on the better side, by the
    /// indicator's polarity), from the forecast's distribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chance_of_meeting_target: Option<f64>,
}

/// What a forecast is made from.
pub(crate) struct ForecastInput<'a> {
    /// Fit proportions on the logit and rates on the log scale (`[forecast]
    /// scale = "unit"`); otherwise on the reported scale, the limits cut at
    /// the unit's bounds (0% and 100%, 0), which held the stated coverage
    /// in the backtests where the unit's scale did not (docs/forecast.md).
    pub on_unit_scale: bool,
    pub series: &'a [Observation],
    pub month: Month,
    pub unit: Unit,
    pub frequency: Frequency,
    pub polarity: Polarity,
    /// The events concerning the indicator.
    pub events: &'a [Event],
    /// The month the financial year starts (4: April).
    pub financial_year_start: u32,
    pub target_at: &'a dyn Fn(Month) -> Option<f64>,
}

/// The forecast, or why there is none.
pub(crate) fn forecast(input: &ForecastInput) -> Result<Forecast, String> {
    if input.frequency != Frequency::Monthly {
        return Err("forecasts are made for indicators reported monthly".into());
    }
    let values = trailing_run(input.series, input.month)?;
    if let Some(event) = input.events.iter().find(|event| event.rebase && event.month > input.month.plus(-12)) {
        return Err(format!(
            "a process change ({}, {}) is within the last 12 months, so earlier months may not predict later ones",
            event.label, event.date
        ));
    }
    let scale = match input.on_unit_scale {
        true => Scale::for_series(input.unit, &values),
        false => Scale::Original,
    };
    let bounded = |value: f64| within_unit(input.unit, scale.to_indicator_scale(value));
    let model_values: Vec<f64> = values.iter().map(|value| scale.to_model(*value)).collect();
    let model = fit_model(&model_values)?;
    let at = |level: f64| {
        model.predict(FORECAST_HORIZON, level).map_err(|error| format!("the model could not forecast: {error}"))
    };
    let (p80, p95) = (at(0.80)?, at(0.95)?);
    let (i80, i95) = match (&p80.intervals, &p95.intervals) {
        (Some(i80), Some(i95)) => (i80, i95),
        _ => return Err("the model gave no prediction intervals".into()),
    };
    let months: Vec<ForecastMonth> = (0..FORECAST_HORIZON)
        .map(|step| ForecastMonth {
            period: input.month.plus(step as i32 + 1),
            point: bounded(p95.point[step]),
            lower80: bounded(i80.lower[step]),
            upper80: bounded(i80.upper[step]),
            lower95: bounded(i95.lower[step]),
            upper95: bounded(i95.upper[step]),
        })
        .collect();
    if months.iter().any(|month| ![month.point, month.lower95, month.upper95].iter().all(|v| v.is_finite())) {
        return Err("the model's forecast is not a finite number".into());
    }
    let year_end_step = input.month.months_until(year_end(input.month, input.financial_year_start)) as usize - 1;
    let year_end = months[year_end_step];
    let year_end_target = (input.target_at)(year_end.period);
    let chance_of_meeting_target = year_end_target.and_then(|target| {
        let mean = p95.point[year_end_step];
        let sd = (i95.upper[year_end_step] - i95.lower[year_end_step]) / (2.0 * Z95);
        chance_of_meeting(scale.to_model(scale.inside(target)), mean, sd, input.polarity)
    });
    Ok(Forecast {
        method: format!("{} {}", model_name(&model), scale.describe()),
        scale,
        fitted_from: input.month.plus(1 - values.len() as i32),
        fitted_months: values.len(),
        months,
        year_end,
        year_end_target,
        chance_of_meeting_target,
    })
}

/// AutoETS as statsforecast runs it, without seasons: additive errors
/// (the values are on an unbounded scale once transformed), and no trend,
/// an additive trend or a damped one, whichever has the lowest AICc.
fn fit_model(values: &[f64]) -> Result<FittedAutoETS, String> {
    let search = AutoETS::new(1, "AZN").map_err(|error| format!("the model search could not start: {error}"))?;
    search.fit(values).map_err(|error| format!("no model could be fitted: {error}"))
}

fn model_name(model: &FittedAutoETS) -> String {
    let kind = model.model().model_type();
    let trend = match (kind.trend, model.model().damped()) {
        (TrendComponent::None, _) => "N",
        (_, true) => "Ad",
        (_, false) => "A",
    };
    format!("AutoETS, chosen ETS(A,{trend},N)")
}

/// A value cut at its unit's bounds: a percentage between 0 and 100, a
/// rate, count or mean not below 0.
fn within_unit(unit: Unit, value: f64) -> f64 {
    match unit {
        Unit::Percent => value.clamp(0.0, 100.0),
        _ => value.max(0.0),
    }
}

/// The values of the unbroken run of months that ends at `month`: a month
/// with no value (suppressed, not calculable, missing) ends the run.
fn trailing_run(series: &[Observation], month: Month) -> Result<Vec<f64>, String> {
    let mut values = Vec::new();
    let mut expected = month;
    for observation in series.iter().rev().filter(|observation| observation.period <= month) {
        if observation.period != expected {
            break;
        }
        match observation.value.filter(|value| value.is_finite() && !observation.is_suppressed()) {
            Some(value) => values.push(value),
            None => break,
        }
        expected = expected.previous();
    }
    if values.is_empty() {
        return Err(format!("{month} has no value to forecast from"));
    }
    if values.len() < FORECAST_MINIMUM_MONTHS {
        return Err(format!(
            "a forecast needs {FORECAST_MINIMUM_MONTHS} months of values in a row up to the latest ({} so far)",
            values.len()
        ));
    }
    values.reverse();
    Ok(values)
}

/// The financial year's last month after `month` (March, when the year
/// starts in April): 1 to 12 months ahead.
fn year_end(month: Month, financial_year_start: u32) -> Month {
    (1..=12)
        .map(|step| month.plus(step))
        .find(|later| later.next().month == financial_year_start)
        .unwrap_or(month.plus(12))
}

/// The chance that a normal variable of `mean` and `sd` falls on the better
/// side of `target`; none with no better side.
fn chance_of_meeting(target: f64, mean: f64, sd: f64, polarity: Polarity) -> Option<f64> {
    if !sd.is_finite() {
        return None;
    }
    // A series the model fits exactly has no spread: the forecast is met or not.
    let below = match sd > 0.0 {
        true => normal_cdf((target - mean) / sd),
        false if target > mean => 1.0,
        false if target < mean => 0.0,
        false => 0.5,
    };
    match polarity {
        Polarity::HigherIsBetter => Some(1.0 - below),
        Polarity::LowerIsBetter => Some(below),
        Polarity::CloseToTarget | Polarity::NoJudgement => None,
    }
}

fn normal_cdf(z: f64) -> f64 {
    use distrs::Normal;
    Normal::cdf(z, 0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::Observation;

    fn month(text: &str) -> Month {
        text.parse().unwrap()
    }

    fn series(from: &str, values: &[f64]) -> Vec<Observation> {
        let first = month(from);
        values
            .iter()
            .enumerate()
            .map(|(index, value)| Observation {
                period: first.plus(index as i32),
                value: Some(*value),
                numerator: None,
                denominator: None,
                missing: None,
            })
            .collect()
    }

    fn input<'a>(
        series: &'a [Observation],
        latest: &str,
        unit: Unit,
        target: &'a dyn Fn(Month) -> Option<f64>,
    ) -> ForecastInput<'a> {
        ForecastInput {
            on_unit_scale: false,
            series,
            month: month(latest),
            unit,
            frequency: Frequency::Monthly,
            polarity: Polarity::HigherIsBetter,
            events: &[],
            financial_year_start: 4,
            target_at: target,
        }
    }

    /// The year ends in March: from March 2026 that is March 2027, 12
    /// months on; from April 2026, 11; from February 2026, 1.
    #[test]
    fn the_year_end_is_the_next_march() {
        assert_eq!(year_end(month("2026-03"), 4), month("2027-03"));
        assert_eq!(year_end(month("2026-04"), 4), month("2027-03"));
        assert_eq!(year_end(month("2026-02"), 4), month("2026-03"));
        // A year starting in January ends in December.
        assert_eq!(year_end(month("2026-03"), 1), month("2026-12"));
    }

    /// 30 months with a gap 10 months back: only the last 9 are in a row.
    #[test]
    fn a_gap_restarts_the_run_and_too_few_months_decline() {
        let mut values = series("2023-10", &[50.0; 30]);
        values.remove(20);
        let error = forecast(&input(&values, "2026-03", Unit::Percent, &|_| None)).unwrap_err();
        assert_eq!(error, "a forecast needs 24 months of values in a row up to the latest (9 so far)");
        let quarterly = series("2023-10", &[50.0; 30]);
        let mut quarterly_input = input(&quarterly, "2026-03", Unit::Percent, &|_| None);
        quarterly_input.frequency = Frequency::Quarterly;
        assert!(forecast(&quarterly_input).unwrap_err().contains("reported monthly"));
    }

    /// A straight line, 10.0 rising 0.5 a month for 36 months (April 2023
    /// to March 2026, the last 27.5), with no noise: additive trend fits it
    /// exactly, so March 2027, 12 months on, is 27.5 + 12 x 0.5 = 33.5, and
    /// the intervals close round it. Days are forecast as they are.
    #[test]
    fn a_straight_line_goes_on_as_a_straight_line() {
        let values: Vec<f64> = (0..36).map(|step| 10.0 + 0.5 * step as f64).collect();
        let observations = series("2023-04", &values);
        let forecast = forecast(&input(&observations, "2026-03", Unit::Days, &|_| Some(30.0))).unwrap();
        assert_eq!(forecast.scale, Scale::Original);
        assert_eq!(forecast.year_end.period, month("2027-03"));
        approx::assert_abs_diff_eq!(forecast.year_end.point, 33.5, epsilon = 0.05);
        approx::assert_abs_diff_eq!(forecast.months[0].point, 28.0, epsilon = 0.05);
        assert!(forecast.year_end.upper95 - forecast.year_end.lower95 < 0.5, "{forecast:?}");
        // 33.5 against a 30 target, higher better, the interval far above it.
        assert!(forecast.chance_of_meeting_target.unwrap() > 0.99);
        assert_eq!(forecast.fitted_months, 36);
        assert_eq!(forecast.fitted_from, month("2023-04"));
    }

    /// A percentage whose logit rises 0.05 a month from logit(20%) = -1.3863:
    /// in March 2027, 47 months after the first, logit -1.3863 + 47 x 0.05 =
    /// 0.9637, so 100 / (1 + e^-0.9637) = 72.4%. A straight line on the
    /// percentage scale would pass 100% in time; this bends below it.
    #[test]
    fn a_proportion_is_forecast_on_the_logit_scale() {
        let start = (0.2_f64 / 0.8).ln();
        let values: Vec<f64> = (0..36).map(|step| 100.0 / (1.0 + (-(start + 0.05 * step as f64)).exp())).collect();
        let observations = series("2023-04", &values);
        let mut on_logit = input(&observations, "2026-03", Unit::Percent, &|_| None);
        on_logit.on_unit_scale = true;
        let forecast = forecast(&on_logit).unwrap();
        assert_eq!(forecast.scale, Scale::Logit);
        approx::assert_abs_diff_eq!(forecast.year_end.point, 72.4, epsilon = 0.2);
        assert!(forecast.months.iter().all(|month| month.upper95 < 100.0 && month.lower95 > 0.0));
        assert_eq!(forecast.chance_of_meeting_target, None);
    }

    /// On the reported scale a percentage climbing 1.5 points a month to
    /// 97.5% would pass 100% within the year: the limits, and the point,
    /// stop at 100%.
    #[test]
    fn the_reported_scale_keeps_to_the_units_bounds() {
        let values: Vec<f64> = (0..36).map(|step| 45.0 + 1.5 * step as f64).collect();
        let observations = series("2023-04", &values);
        let forecast = forecast(&input(&observations, "2026-03", Unit::Percent, &|_| None)).unwrap();
        assert_eq!(forecast.scale, Scale::Original);
        assert!(forecast.months.iter().all(|month| month.upper95 <= 100.0 && month.point <= 100.0), "{forecast:?}");
        assert_eq!(forecast.year_end.upper95, 100.0);
    }

    /// A target on the median: an even chance. 1.96 standard deviations
    /// below it: 97.5% for higher-is-better, 2.5% for lower-is-better.
    #[test]
    fn the_chance_of_meeting_a_target_follows_the_normal_distribution() {
        approx::assert_abs_diff_eq!(
            chance_of_meeting(5.0, 5.0, 2.0, Polarity::HigherIsBetter).unwrap(),
            0.5,
            epsilon = 1e-9
        );
        approx::assert_abs_diff_eq!(
            chance_of_meeting(1.08, 5.0, 2.0, Polarity::HigherIsBetter).unwrap(),
            0.975,
            epsilon = 1e-4
        );
        approx::assert_abs_diff_eq!(
            chance_of_meeting(1.08, 5.0, 2.0, Polarity::LowerIsBetter).unwrap(),
            0.025,
            epsilon = 1e-4
        );
        assert_eq!(chance_of_meeting(1.0, 5.0, 2.0, Polarity::NoJudgement), None);
    }

    /// A rebase within the last 12 months: no forecast, and why.
    #[test]
    fn a_recent_process_change_declines() {
        let observations = series("2023-04", &[50.0; 36]);
        let event = Event {
            date: "2025-09-01".into(),
            month: month("2025-09"),
            day: Some(1),
            label: "New front door".into(),
            indicators: Vec::new(),
            rebase: true,
        };
        let events = [event];
        let mut with_event = input(&observations, "2026-03", Unit::Percent, &|_| None);
        with_event.events = &events;
        let error = forecast(&with_event).unwrap_err();
        assert!(
            error.starts_with("a process change (New front door, 2025-09-01) is within the last 12 months"),
            "{error}"
        );
    }

    /// Coverage on a process whose parameters are known: a local level
    /// (simple exponential smoothing, alpha 0.3, errors N(0, 1)) from 50,
    /// 300 series of 48 months with a fixed seed, fitted on the first 36,
    /// the next 12 checked against the 80% and 95% intervals (3,600 checks
    /// each; the binomial's sd at 80% is 0.7 points).
    ///
    /// Measured: 70.2% and 86.9%. Fitting the true model alone, ETS(A,N,N),
    /// gives 76.0% and 92.1% (parameter uncertainty at 36 months); the rest
    /// is AutoETS choosing a trend it does not have. That is short of issue
    /// 33's target (within 5 points of nominal), which is why forecasts are
    /// off by default (`[forecast] show`). The test holds the intervals to
    /// what was measured, so a change that narrows them further fails it.
    #[test]
    fn the_intervals_cover_as_often_as_they_say() {
        let mut random = Normal01::new(20261207);
        let (mut inside80, mut inside95, mut checks) = (0, 0, 0);
        for _ in 0..300 {
            let mut level = 50.0;
            let values: Vec<f64> = (0..48)
                .map(|_| {
                    let error = random.next();
                    let value = level + error;
                    level += 0.3 * error;
                    value
                })
                .collect();
            let observations = series("2023-04", &values[..36]);
            let Ok(forecast) = forecast(&input(&observations, "2026-03", Unit::Number, &|_| None)) else { continue };
            for (month, actual) in forecast.months.iter().zip(&values[36..]) {
                checks += 1;
                inside80 += usize::from(month.lower80 <= *actual && *actual <= month.upper80);
                inside95 += usize::from(month.lower95 <= *actual && *actual <= month.upper95);
            }
        }
        assert!(checks >= 3000, "{checks} checks: most fits should succeed");
        let share = |inside: usize| inside as f64 / checks as f64 * 100.0;
        assert!((68.0..=85.0).contains(&share(inside80)), "80% intervals held {:.1}%", share(inside80));
        assert!((85.0..=97.0).contains(&share(inside95)), "95% intervals held {:.1}%", share(inside95));
    }

    /// Standard normal draws: xorshift64* uniforms through Box-Muller, so
    /// the test needs no random-number crate and gives the same draws on
    /// every machine.
    struct Normal01 {
        state: u64,
        spare: Option<f64>,
    }

    impl Normal01 {
        fn new(seed: u64) -> Normal01 {
            Normal01 { state: seed.max(1), spare: None }
        }

        fn uniform(&mut self) -> f64 {
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            let bits = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
            (bits as f64 + 0.5) / (1u64 << 53) as f64
        }

        fn next(&mut self) -> f64 {
            if let Some(spare) = self.spare.take() {
                return spare;
            }
            let (u, v) = (self.uniform(), self.uniform());
            let radius = (-2.0 * u.ln()).sqrt();
            let angle = 2.0 * std::f64::consts::PI * v;
            self.spare = Some(radius * angle.sin());
            radius * angle.cos()
        }
    }
}
