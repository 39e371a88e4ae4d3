//! The projection: every child in care at the start, and every child the
//! entry rate brings in, followed day by day to the horizon, many times
//! over. Each run first redraws every count the rates rest on from a
//! Poisson distribution with the count as its mean, so the intervals carry
//! the uncertainty of a year's rates as well as the chance in who enters
//! and leaves. Every scenario uses the same random numbers, so the
//! difference between two scenarios is the scenario's, not chance's.

use super::care::{birthday, Period, Placement, AGE_BANDS, LEAVING_AGE, PLACEMENTS};
use super::rates::{first_anniversary, Rates};
use crate::project::Month;
use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};

const BANDS: usize = AGE_BANDS.len();
const TYPES: usize = PLACEMENTS.len();

/// A what-if: entries and exits scaled (1.0 leaves them as observed).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Scenario {
    /// Its name ("As observed").
    pub name: String,
    /// Entries into care, times the observed rate.
    pub entries: f64,
    /// Exits from care, times the observed rate.
    pub exits: f64,
}

/// What to project, from the month a snapshot describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// The last month observed: the projection starts the day after it.
    pub from: Month,
    /// How many months ahead (1 to 36).
    pub months: u32,
    /// How many simulated runs.
    pub runs: u32,
    /// The random seed: the same seed gives the same runs.
    pub seed: u64,
    /// Cost of a day in each placement type, if given.
    pub daily_costs: Option<[f64; TYPES]>,
}

/// A projected number across the runs: their mean and the 80% and 95%
/// ranges (the runs' 10th to 90th and 2.5th to 97.5th percentiles).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Spread {
    /// The runs' mean.
    pub mean: f64,
    /// The 10th percentile.
    pub lower80: f64,
    /// The 90th percentile.
    pub upper80: f64,
    /// The 2.5th percentile.
    pub lower95: f64,
    /// The 97.5th percentile.
    pub upper95: f64,
}

/// One month end of a scenario's projection.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProjectedMonth {
    /// The month.
    pub month: Month,
    /// Children looked after on the month's last day.
    pub total: Spread,
    /// Children looked after by age band, in `AGE_BANDS` order.
    pub by_age: Vec<Spread>,
    /// By placement type, in `PLACEMENTS` order.
    pub by_placement: Vec<Spread>,
    /// The month's placement costs, if costs are given.
    pub cost: Option<Spread>,
    /// The same for each placement type, in `PLACEMENTS` order.
    pub cost_by_placement: Option<Vec<Spread>>,
}

/// One scenario's projection, month by month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Projected {
    /// The scenario.
    pub scenario: Scenario,
    /// Each month end projected.
    pub months: Vec<ProjectedMonth>,
}

/// Daily rates for one run, by band, time in care and placement type.
struct Hazards {
    entry: f64,
    exit: [[[f64; TYPES]; 2]; BANDS],
    moves: [[[[f64; TYPES]; TYPES]; 2]; BANDS],
}

/// A child in care at the start: date of birth, the day their period of
/// care began, and their placement type.
pub type InCare = (NaiveDate, NaiveDate, Placement);

/// What one run counted: children on each month end by band and type, and
/// child-days in each month by type.
struct Run {
    on_month_end: Vec<[[u32; TYPES]; BANDS]>,
    days: Vec<[i64; TYPES]>,
}

/// Every scenario's projection of `periods` with `rates`.
pub fn project(periods: &[Period], rates: &Rates, settings: &Projection, scenarios: &[Scenario]) -> Vec<Projected> {
    let in_care = in_care_on(periods, settings.from.last_day());
    let month_ends: Vec<NaiveDate> = (1..=settings.months as i32).map(|k| settings.from.plus(k).last_day()).collect();
    crate::parallel::map(scenarios, |scenario| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(settings.seed);
        let runs: Vec<Run> = (0..settings.runs.max(1))
            .map(|_| {
                let hazards = hazards(rates, scenario, &mut rng);
                one_run(&in_care, &rates.entrants, &hazards, &month_ends, &mut rng)
            })
            .collect();
        Projected { scenario: scenario.clone(), months: summarise(&runs, settings, &month_ends) }
    })
}

/// Each child in care on `day` (and under 18).
pub fn in_care_on(periods: &[Period], day: NaiveDate) -> Vec<InCare> {
    periods
        .iter()
        .filter(|period| day < birthday(period.born, LEAVING_AGE))
        .filter_map(|period| {
            let stretch = period.stretches.iter().find(|s| s.start <= day && s.end.is_none_or(|end| end > day))?;
            Some((period.born, period.start(), stretch.placement))
        })
        .collect()
}

fn hazards(rates: &Rates, scenario: &Scenario, rng: &mut impl Rng) -> Hazards {
    let mut drawn =
        Hazards { entry: 0.0, exit: [[[0.0; TYPES]; 2]; BANDS], moves: [[[[0.0; TYPES]; TYPES]; 2]; BANDS] };
    drawn.entry = poisson(rates.entrants.len() as f64, rng) / rates.days() as f64 * scenario.entries;
    for band in 0..BANDS {
        for duration in 0..2 {
            for from in 0..TYPES {
                let days = rates.exposure[band][duration][from];
                let per_day = |events: u32, rng: &mut _| {
                    if days > 0 {
                        poisson(f64::from(events), rng) / days as f64
                    } else {
                        0.0
                    }
                };
                drawn.exit[band][duration][from] = per_day(rates.exits[band][duration][from], rng) * scenario.exits;
                for to in 0..TYPES {
                    drawn.moves[band][duration][from][to] = per_day(rates.moves[band][duration][from][to], rng);
                }
            }
        }
    }
    drawn
}

/// Days as counts from the common era's first day: the simulation's
/// arithmetic is on these, not on calendar dates.
fn number(day: NaiveDate) -> i32 {
    day.num_days_from_ce()
}

/// The month ends projected, as day numbers, with each month's first day.
struct Calendar {
    ends: Vec<i32>,
    starts: Vec<i32>,
}

fn one_run(
    in_care: &[InCare],
    entrants: &[(i64, Placement)],
    hazards: &Hazards,
    month_ends: &[NaiveDate],
    rng: &mut impl Rng,
) -> Run {
    let mut run =
        Run { on_month_end: vec![[[0; TYPES]; BANDS]; month_ends.len()], days: vec![[0; TYPES]; month_ends.len()] };
    let calendar = Calendar {
        ends: month_ends.iter().map(|end| number(*end)).collect(),
        starts: month_ends.iter().map(|end| number(Month::containing(*end).first_day())).collect(),
    };
    let (Some(&start), Some(&horizon)) = (calendar.starts.first(), calendar.ends.last()) else { return run };
    for &(born, care_start, placement) in in_care {
        let child = Child { born, anniversary: number(first_anniversary(care_start)) };
        follow(&child, placement, start, hazards, &calendar, &mut run, rng);
    }
    // Arrivals in continuous time, each on the day it falls in: a Poisson
    // number of entries each day.
    let mut elapsed = 0.0;
    while hazards.entry > 0.0 && !entrants.is_empty() {
        elapsed += -rng.gen_range(f64::MIN_POSITIVE..1.0).ln() / hazards.entry;
        if elapsed > f64::from(horizon - start) + 1.0 {
            break;
        }
        let arrival = start + elapsed as i32;
        if arrival > horizon {
            break;
        }
        let (age, placement) = entrants[rng.gen_range(0..entrants.len())];
        let born = NaiveDate::from_num_days_from_ce_opt(arrival - age as i32).unwrap_or(NaiveDate::MIN);
        let child = Child { born, anniversary: arrival + 365 };
        follow(&child, placement, arrival, hazards, &calendar, &mut run, rng);
    }
    run
}

/// The days a child moves up a band, and their 18th birthday, as numbers.
fn birthdays(born: NaiveDate) -> [i32; BANDS] {
    let mut days = [0; BANDS];
    for (slot, years) in days.iter_mut().zip(AGE_BANDS[1..].iter().map(|band| band.from_years).chain([LEAVING_AGE])) {
        *slot = number(birthday(born, years));
    }
    days
}

/// A child followed: date of birth, and the day (as a number) they reach
/// a year in care.
struct Child {
    born: NaiveDate,
    anniversary: i32,
}

/// One child from `day` until they leave care or the horizon passes.
fn follow(
    child: &Child,
    mut placement: Placement,
    mut day: i32,
    hazards: &Hazards,
    calendar: &Calendar,
    run: &mut Run,
    rng: &mut impl Rng,
) {
    let horizon = *calendar.ends.last().expect("a projection has a month");
    let birthdays = birthdays(child.born);
    let leaves = birthdays[BANDS - 1];
    while day <= horizon && day < leaves {
        let band = birthdays[..BANDS - 1].iter().filter(|&&birthday| birthday <= day).count();
        let duration = usize::from(day >= child.anniversary);
        let exit = hazards.exit[band][duration][placement.index()];
        let moves = &hazards.moves[band][duration][placement.index()];
        let total = exit + moves.iter().sum::<f64>();
        let event = if total > 0.0 { day.saturating_add(wait(total, rng)) } else { i32::MAX };
        let next_class = if duration == 0 { child.anniversary } else { i32::MAX };
        let until = event.min(birthdays[band]).min(next_class);
        record(band, placement, (day, until), calendar, run);
        if until < event {
            day = until;
            continue;
        }
        let mut pick = rng.gen::<f64>() * total - exit;
        if pick < 0.0 {
            return;
        }
        let to = (0..TYPES).find(|&to| {
            pick -= moves[to];
            pick < 0.0
        });
        placement = PLACEMENTS[to.unwrap_or(TYPES - 1)];
        day = event;
    }
}

/// A child in `band` and `placement` from one day up to (not including)
/// another: counted on each month end in that span, and their days in
/// each month.
fn record(band: usize, placement: Placement, (day, until): (i32, i32), calendar: &Calendar, run: &mut Run) {
    let first = calendar.ends.partition_point(|&end| end < day);
    for (k, (&start, &end)) in calendar.starts.iter().zip(&calendar.ends).enumerate().skip(first) {
        if start >= until {
            break;
        }
        if end < until {
            run.on_month_end[k][band][placement.index()] += 1;
        }
        run.days[k][placement.index()] += i64::from(until.min(end + 1) - day.max(start));
    }
}

/// Whole days until an event at `rate` a day: at least one, so a child is
/// in care on the day they arrive. (A day's chance of the event is then
/// 1 - exp(-rate).)
fn wait(rate: f64, rng: &mut impl Rng) -> i32 {
    let uniform: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    let days = (-uniform.ln() / rate).ceil();
    if days < 1e6 {
        (days as i32).max(1)
    } else {
        1_000_000
    }
}

/// A draw from a Poisson distribution with this mean: by counting uniform
/// products (Knuth) when small, else from the normal approximation.
fn poisson(mean: f64, rng: &mut impl Rng) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    if mean < 30.0 {
        let limit = (-mean).exp();
        let (mut count, mut product) = (0.0, rng.gen::<f64>());
        while product > limit {
            count += 1.0;
            product *= rng.gen::<f64>();
        }
        return count;
    }
    let (u1, u2): (f64, f64) = (rng.gen_range(f64::MIN_POSITIVE..1.0), rng.gen());
    let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    (mean + mean.sqrt() * normal).round().max(0.0)
}

fn summarise(runs: &[Run], settings: &Projection, month_ends: &[NaiveDate]) -> Vec<ProjectedMonth> {
    month_ends
        .iter()
        .enumerate()
        .map(|(k, end)| {
            let count = |pick: &dyn Fn(&[[u32; TYPES]; BANDS]) -> u32| {
                spread(runs.iter().map(|run| f64::from(pick(&run.on_month_end[k]))).collect())
            };
            ProjectedMonth {
                month: Month::containing(*end),
                total: count(&|counts| counts.iter().flatten().sum()),
                by_age: (0..BANDS).map(|band| count(&|counts| counts[band].iter().sum())).collect(),
                by_placement: (0..TYPES).map(|t| count(&|counts| counts.iter().map(|band| band[t]).sum())).collect(),
                cost: settings.daily_costs.map(|costs| {
                    spread(runs.iter().map(|run| (0..TYPES).map(|t| run.days[k][t] as f64 * costs[t]).sum()).collect())
                }),
                cost_by_placement: settings.daily_costs.map(|costs| {
                    (0..TYPES)
                        .map(|t| spread(runs.iter().map(|run| run.days[k][t] as f64 * costs[t]).collect()))
                        .collect()
                }),
            }
        })
        .collect()
}

fn spread(mut values: Vec<f64>) -> Spread {
    values.sort_by(f64::total_cmp);
    let at = |share: f64| {
        let index = ((values.len() as f64 * share).ceil() as usize).clamp(1, values.len()) - 1;
        values[index]
    };
    Spread {
        mean: values.iter().sum::<f64>() / values.len().max(1) as f64,
        lower80: at(0.10),
        upper80: at(0.90),
        lower95: at(0.025),
        upper95: at(0.975),
    }
}
