//! The sample's local records around the CIN census: contacts to the front
//! door (the census starts at the referral) and, for each child protection
//! plan open at a month end, the dates of the latest visit and review.
//!
//! Each comes from streams of its own (a seed drawn once the census
//! history is made, and the plan's or the day's number), so the census
//! extracts are unchanged and every snapshot agrees with the others.

use super::failure::SampleError;
use super::simulation::{iso, schedule, trend, write_csv, Draw, Lateness};
use crate::project::Month;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::path::Path;

/// What happened to a contact that did not become a referral.
const OUTCOMES: [&str; 5] = ["Information and advice", "Early help", "Early help", "No further action", "Signposted"];
pub(crate) const REFERRAL_OUTCOME: &str = "Referral to children's social care";

/// A plan open at the month end: child, plan id, plan number, start.
pub(crate) struct OpenPlan<'a> {
    pub child: &'a str,
    pub id: &'a str,
    pub number: u64,
    pub start: NaiveDate,
}

/// `cin_cp_record.csv`: visits every 10 working days (about 12 days) and
/// reviews 3 months after the initial conference, then every 6 months.
pub(crate) fn write_plans(dir: &Path, seed: u64, plans: &[OpenPlan], as_at: NaiveDate) -> Result<(), SampleError> {
    let rows: Vec<Vec<String>> = plans
        .iter()
        .map(|plan| {
            let mut draw = Draw::new(seed ^ (plan.number << 20));
            let late = |from: f64, to: f64| Lateness { chance: move |day| trend(day, from, to), days: (7, 40) };
            let visits = schedule(&mut draw, plan.start + Duration::days(7), |_| 12, late(0.12, 0.06), as_at);
            let reviews = schedule(&mut draw, plan.start + Duration::days(91), |_| 182, late(0.15, 0.07), as_at);
            let latest = |events: &[NaiveDate]| events.iter().filter(|d| **d <= as_at).max().map(|d| iso(*d));
            vec![
                plan.child.to_string(),
                plan.id.to_string(),
                iso(plan.start),
                latest(&visits).unwrap_or_default(),
                latest(&reviews).unwrap_or_default(),
            ]
        })
        .collect();
    write_csv(
        &dir.join("cin_cp_record.csv"),
        &["LAchildID", "CPPID", "CPPstartDate", "LastVisitDate", "LastReviewDate"],
        &rows,
    )
}

/// `contacts.csv`: every contact in the 12 months to `as_at`: one for each
/// referral (`referrals`: child and date), and on each weekday about 1.9
/// times as many again that end in advice, early help or no action.
pub(crate) fn write_contacts(
    dir: &Path,
    seed: u64,
    scale: f64,
    referrals: &[(&str, NaiveDate)],
    as_at: NaiveDate,
) -> Result<(), SampleError> {
    let year_ago = Month::months_before(as_at, 12);
    let mut rows: Vec<Vec<String>> = referrals
        .iter()
        .filter(|(_, date)| *date > year_ago && *date <= as_at)
        .map(|(child, date)| vec![child.to_string(), iso(*date), REFERRAL_OUTCOME.into()])
        .collect();
    let mut day = year_ago + Duration::days(1);
    while day <= as_at {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let mut draw = Draw::new(seed ^ ((day.num_days_from_ce() as u64) << 16));
            for number in 0..draw.poisson(12.2 * scale * trend(day, 1.0, 1.1)) {
                let child = format!("K{}{number:03}", day.format("%y%m%d"));
                rows.push(vec![child, iso(day), draw.choose(&OUTCOMES).into()]);
            }
        }
        day += Duration::days(1);
    }
    rows.sort_by(|a, b| a[1].cmp(&b[1]).then_with(|| a[0].cmp(&b[0])));
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let mut row = row;
            row.insert(0, format!("CT{}{:05}", &row[1][2..7].replace('-', ""), index));
            row
        })
        .collect();
    write_csv(&dir.join("contacts.csv"), &["ContactID", "LAchildID", "ContactDate", "ContactOutcome"], &rows)
}
