//! The sample's local care record for children looked after (the fields
//! Ofsted's Annex A List 8 asks for): at each month end, each child looked
//! after with the dates of their latest review, visit, health assessment and
//! dental check, and how many social workers and school moves they had in
//! the 12 months. Also the adoption dates of children adopted.
//!
//! Each child's events come from a stream of their own (the child's number
//! and a salt), so the rest of the simulated history is unchanged and every
//! snapshot agrees with the others.

use super::failure::SampleError;
use super::simulation::{age_on, dmy, schedule, trend, write_csv, Draw, Lateness};
use crate::project::Month;
use chrono::{Duration, NaiveDate};
use std::path::Path;

/// A child's dated events over their period of care.
pub(super) struct CareEvents {
    reviews: Vec<NaiveDate>,
    visits: Vec<NaiveDate>,
    health_assessments: Vec<NaiveDate>,
    dental_checks: Vec<NaiveDate>,
    /// Days a new social worker took over (the first allocation excluded).
    worker_changes: Vec<NaiveDate>,
    school_moves: Vec<NaiveDate>,
}

const SALT: u64 = 0x5ca1_ab1e;

/// What the records need of a child looked after.
pub(super) struct CaredFor<'a> {
    /// The child's number in the history: seeds their streams.
    pub index: usize,
    pub id: &'a str,
    pub dob: NaiveDate,
    pub care_start: NaiveDate,
    pub care_end: Option<NaiveDate>,
    /// Left care by adoption.
    pub adopted: bool,
}

/// Random events at `yearly` a year between `from` and `until`.
fn occurrences(draw: &mut Draw, from: NaiveDate, yearly: f64, until: NaiveDate) -> Vec<NaiveDate> {
    let mut events = Vec::new();
    let mut day = from;
    loop {
        day += Duration::days(draw.wait_days(365.0 / yearly).max(1));
        if day > until {
            return events;
        }
        events.push(day);
    }
}

pub(super) fn simulate(seed: u64, child: &CaredFor, simulation_end: NaiveDate) -> CareEvents {
    let mut draw = Draw::new(seed ^ SALT ^ ((child.index as u64) << 24));
    let until = child.care_end.unwrap_or(simulation_end).min(simulation_end);
    let start = child.care_start;
    let late = |from: f64, to: f64, days: (i64, i64)| Lateness { chance: move |day| trend(day, from, to), days };
    // Reviews: 20 working days (about 28 days) after coming into care, 3 months later, then every 6 months.
    let review_interval = |held: usize| if held == 1 { 91 } else { 182 };
    let reviews = schedule(&mut draw, start + Duration::days(28), review_interval, late(0.16, 0.07, (7, 40)), until);
    // Visits: the local standard is every 6 weeks; most are visited every 4-5 weeks.
    let visits = schedule(&mut draw, start + Duration::days(7), |_| 32, late(0.10, 0.05, (7, 40)), until);
    // Health assessments within 20 working days, then yearly; a quarter are months late.
    let health_assessments =
        schedule(&mut draw, start + Duration::days(28), |_| 365, late(0.3, 0.22, (30, 300)), until);
    // Dental checks about yearly, often missed for months.
    let dental_checks = schedule(&mut draw, start + Duration::days(120), |_| 365, late(0.5, 0.35, (30, 300)), until);
    let worker_changes = occurrences(&mut draw, start, 0.95, until)
        .into_iter()
        .filter(|day| *day > start + Duration::days(14))
        .collect();
    let school_moves = occurrences(&mut draw, start, 0.2, until);
    CareEvents { reviews, visits, health_assessments, dental_checks, worker_changes, school_moves }
}

fn latest(events: &[NaiveDate], as_at: NaiveDate) -> String {
    events.iter().filter(|day| **day <= as_at).max().map(|day| dmy(*day)).unwrap_or_default()
}

fn within_year(events: &[NaiveDate], as_at: NaiveDate) -> usize {
    let year_ago = Month::months_before(as_at, 12);
    events.iter().filter(|day| **day > year_ago && **day <= as_at).count()
}

/// `cla_care_record.csv`: one row per child looked after at `as_at`.
pub(super) fn write(dir: &Path, children: &[(CaredFor, &CareEvents)], as_at: NaiveDate) -> Result<(), SampleError> {
    let rows: Vec<Vec<String>> = children
        .iter()
        .filter(|(child, _)| child.care_start <= as_at && child.care_end.is_none_or(|end| end > as_at))
        .map(|(child, events)| {
            let year_ago = Month::months_before(as_at, 12);
            // Social workers this year: whoever held the case a year ago (or at the start), plus each change.
            let workers = 1 + within_year(&events.worker_changes, as_at);
            let school_age = (5..=15).contains(&age_on(child.dob, year_ago.max(child.care_start)));
            let school_moves =
                if school_age { within_year(&events.school_moves, as_at).to_string() } else { String::new() };
            vec![
                child.id.to_string(),
                dmy(child.dob),
                dmy(child.care_start),
                latest(&events.reviews, as_at),
                latest(&events.visits, as_at),
                latest(&events.health_assessments, as_at),
                latest(&events.dental_checks, as_at),
                workers.to_string(),
                school_moves,
            ]
        })
        .collect();
    write_csv(
        &dir.join("cla_care_record.csv"),
        &[
            "CHILD",
            "DOB",
            "CARE_START",
            "LAST_REVIEW",
            "LAST_VISIT",
            "HEALTH_ASSESSMENT",
            "DENTAL_CHECK",
            "SOCIAL_WORKERS_12M",
            "SCHOOL_MOVES_12M",
        ],
        &rows,
    )
}

/// The adoption register at `as_at`: children placed for adoption and not
/// yet adopted (no DATE_ADOPTED), and every child adopted, with the
/// decision that they should be placed for adoption (DATE_INT), the match
/// and the day they moved in with their adoptive family
/// (placed for adoption), 4 to 11 months before the adoption order.
pub(super) fn write_adoptions(
    path: &Path,
    children: &[CaredFor],
    seed: u64,
    as_at: NaiveDate,
) -> Result<(), SampleError> {
    let rows: Vec<Vec<String>> = children
        .iter()
        .filter(|child| child.adopted)
        .filter_map(|child| {
            let adopted = child.care_end?;
            let mut draw = Draw::new(seed ^ SALT.rotate_left(17) ^ ((child.index as u64) << 24));
            let placed = (adopted - Duration::days(draw.between(120, 330))).max(child.care_start + Duration::days(240));
            let placed = placed.min(adopted);
            // Matched a few weeks before moving in; the decision that the child should be
            // placed for adoption (DATE_INT) 3 to 14 months before the match.
            let matched = (placed - Duration::days(draw.between(7, 60))).max(child.care_start + Duration::days(60));
            let decided = (matched - Duration::days(draw.between(90, 420))).max(child.care_start + Duration::days(30));
            let shown = |day: NaiveDate| if day <= as_at { dmy(day) } else { String::new() };
            (placed <= as_at).then(|| {
                let dates = [child.care_start, decided, matched, placed, adopted];
                [child.id.to_string(), dmy(child.dob)].into_iter().chain(dates.map(shown)).collect()
            })
        })
        .collect();
    let header = ["CHILD", "DOB", "DATE_ENTERED_CARE", "DATE_INT", "DATE_MATCH", "DATE_PLACED", "DATE_ADOPTED"];
    write_csv(path, &header, &rows)
}
