//! Sample children in need: CIN census referrals, assessments, section 47
//! enquiries and child protection plans, simulated from 2018.

use super::cin_record::{self, OpenPlan};
use super::failure::SampleError;
use super::simulation::{add_working_days, iso, shown, trend, write_csv, Draw, LAST_MONTH};
use crate::project::HolidayCalendar;
use crate::project::Month;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::path::Path;

const SOURCES: [&str; 10] = ["1A", "1B", "2A", "2B", "3A", "3B", "3C", "5A", "5C", "9"];
const NEEDS: [&str; 6] = ["N1", "N1", "N2", "N3", "N4", "N8"];
const FACTORS: [&str; 5] = ["2B,3A", "1C", "4A,21", "3B", "6A,2A"];
const CATEGORIES: [&str; 5] = ["NEG", "NEG", "EMO", "PHY", "SAB"];

struct Referral {
    child: String,
    cin_id: String,
    date: NaiveDate,
    source: &'static str,
    need: &'static str,
    closed: NaiveDate,
    no_further_action: bool,
    assessment: Option<Assessment>,
}

struct Assessment {
    id: String,
    start: NaiveDate,
    authorised: NaiveDate,
    factors: &'static str,
    enquiry: Option<Enquiry>,
}

struct Enquiry {
    start: NaiveDate,
    target: NaiveDate,
    conference: Option<NaiveDate>,
    plan: Option<Plan>,
}

struct Plan {
    id: String,
    start: NaiveDate,
    end: NaiveDate,
    category: &'static str,
    previous_plans: u32,
}

pub(crate) struct CinHistory {
    referrals: Vec<Referral>,
    /// Seeds the local records' own streams (contacts, plan visits).
    record_seed: u64,
    scale: f64,
}

impl CinHistory {
    /// `scale`: referrals relative to the sample authority's (6.4 a working day).
    pub(crate) fn simulate(draw: &mut Draw, calendar: &HolidayCalendar, scale: f64) -> CinHistory {
        let mut day = NaiveDate::from_ymd_opt(2018, 4, 1).expect("valid");
        let end = LAST_MONTH.last_day();
        let mut referrals: Vec<Referral> = Vec::new();
        let mut counter = 0;
        while day <= end {
            if calendar.is_working_day(day) {
                for _ in 0..draw.poisson(6.4 * scale) {
                    counter += 1;
                    let child = choose_child(draw, &referrals, day, counter);
                    referrals.push(simulate_referral(draw, calendar, child, day, counter));
                }
            }
            day = day.succ_opt().expect("dates in range");
        }
        // Drawn last, so the census history above is what it was before local records existed.
        let record_seed = draw.between(0, i64::MAX) as u64;
        CinHistory { referrals, record_seed, scale }
    }

    pub(crate) fn write_snapshot(&self, dir: &Path, as_at: NaiveDate) -> Result<usize, SampleError> {
        let since = |months: u32| Month::months_before(as_at, months);
        let visible: Vec<&Referral> = self.referrals.iter().filter(|r| r.date <= as_at && r.date > since(24)).collect();
        write_referrals(dir, &visible, as_at)?;
        let assessed = write_assessments(dir, &visible, as_at)?;
        write_enquiries(dir, &assessed, as_at)?;
        self.write_plans(dir, as_at)?;
        let open_plans: Vec<OpenPlan> = self
            .referrals
            .iter()
            .enumerate()
            .filter_map(|(number, r)| Some((number, r, r.assessment.as_ref()?.enquiry.as_ref()?.plan.as_ref()?)))
            .filter(|(_, _, p)| p.start <= as_at && p.end > as_at)
            .map(|(number, r, p)| OpenPlan { child: &r.child, id: &p.id, number: number as u64, start: p.start })
            .collect();
        cin_record::write_plans(dir, self.record_seed, &open_plans, as_at)?;
        let referrals: Vec<(&str, NaiveDate)> = visible.iter().map(|r| (r.child.as_str(), r.date)).collect();
        cin_record::write_contacts(dir, self.record_seed, self.scale, &referrals, as_at)?;
        Ok(6)
    }

    /// Plans are listed while open and for 13 months after they end.
    fn write_plans(&self, dir: &Path, as_at: NaiveDate) -> Result<(), SampleError> {
        let since = |months: u32| Month::months_before(as_at, months);
        let plan_rows: Vec<Vec<String>> = self
            .referrals
            .iter()
            .filter_map(|r| Some((r, r.assessment.as_ref()?.enquiry.as_ref()?.plan.as_ref()?)))
            .filter(|(_, p)| p.start <= as_at && p.end > since(13))
            .map(|(r, p)| {
                vec![
                    r.child.clone(),
                    r.cin_id.clone(),
                    p.id.clone(),
                    iso(p.start),
                    shown(Some(p.end), as_at, iso),
                    p.category.into(),
                    p.category.into(),
                    p.previous_plans.to_string(),
                ]
            })
            .collect();
        write_csv(
            &dir.join("cin_cp_plans.csv"),
            &[
                "LAchildID",
                "CINdetailsID",
                "CPPID",
                "CPPstartDate",
                "CPPendDate",
                "InitialCategoryOfAbuse",
                "LatestCategoryOfAbuse",
                "NumberOfPreviousCPP",
            ],
            &plan_rows,
        )
    }
}

/// The referrals of the last 24 months (`visible`), as `cin_referrals.csv`.
fn write_referrals(dir: &Path, visible: &[&Referral], as_at: NaiveDate) -> Result<(), SampleError> {
    let referral_rows: Vec<Vec<String>> = visible
        .iter()
        .map(|r| {
            let closed = r.closed <= as_at;
            vec![
                r.child.clone(),
                r.cin_id.clone(),
                iso(r.date),
                r.source.into(),
                r.need.into(),
                shown(Some(r.closed), as_at, iso),
                if closed { "RC8".into() } else { String::new() },
                if r.no_further_action { "1".into() } else { "0".into() },
            ]
        })
        .collect();
    write_csv(
        &dir.join("cin_referrals.csv"),
        &[
            "LAchildID",
            "CINdetailsID",
            "CINreferralDate",
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "ReferralNFA",
        ],
        &referral_rows,
    )
}

/// The assessments started in the last 15 months of `visible` referrals;
/// returns them with their referrals.
fn write_assessments<'a>(
    dir: &Path,
    visible: &[&'a Referral],
    as_at: NaiveDate,
) -> Result<Vec<(&'a Referral, &'a Assessment)>, SampleError> {
    let since = |months: u32| Month::months_before(as_at, months);
    let assessed: Vec<(&Referral, &Assessment)> = visible
        .iter()
        .filter_map(|r| Some((*r, r.assessment.as_ref()?)))
        .filter(|(_, a)| a.start <= as_at && a.start > since(15))
        .collect();
    let assessment_rows: Vec<Vec<String>> = assessed
        .iter()
        .map(|(r, a)| {
            vec![
                r.child.clone(),
                r.cin_id.clone(),
                a.id.clone(),
                iso(a.start),
                shown(Some(a.authorised), as_at, iso),
                a.factors.into(),
            ]
        })
        .collect();
    write_csv(
        &dir.join("cin_assessments.csv"),
        &[
            "LAchildID",
            "CINdetailsID",
            "AssessmentID",
            "AssessmentActualStartDate",
            "AssessmentAuthorisationDate",
            "AssessmentFactors",
        ],
        &assessment_rows,
    )?;
    Ok(assessed)
}

/// The section 47 enquiries begun from `assessed` assessments.
fn write_enquiries(dir: &Path, assessed: &[(&Referral, &Assessment)], as_at: NaiveDate) -> Result<(), SampleError> {
    let enquiries: Vec<(&Referral, &Enquiry)> = assessed
        .iter()
        .filter_map(|(r, a)| Some((*r, a.enquiry.as_ref()?)))
        .filter(|(_, e)| e.start <= as_at)
        .collect();
    let enquiry_rows: Vec<Vec<String>> = enquiries
        .iter()
        .map(|(r, e)| {
            let not_required = e.conference.is_none() && e.target <= as_at;
            vec![
                r.child.clone(),
                r.cin_id.clone(),
                iso(e.start),
                iso(e.target),
                shown(e.conference, as_at, iso),
                if not_required { "1".into() } else { "0".into() },
            ]
        })
        .collect();
    write_csv(
        &dir.join("cin_section47.csv"),
        &["LAchildID", "CINdetailsID", "S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"],
        &enquiry_rows,
    )
}

/// About a fifth of referrals are for a child referred in the last year,
/// falling over the report years as early help improves.
fn choose_child(draw: &mut Draw, referrals: &[Referral], day: NaiveDate, counter: usize) -> String {
    let year_ago = Month::months_before(day, 12);
    if draw.chance(trend(day, 0.24, 0.19)) {
        let recent: Vec<&Referral> =
            referrals.iter().rev().take_while(|r| r.date >= year_ago).filter(|r| r.closed < day).collect();
        if !recent.is_empty() {
            return draw.pick(&recent).child.clone();
        }
    }
    format!("L{:07}", 2_000_000 + counter)
}

fn simulate_referral(
    draw: &mut Draw,
    calendar: &HolidayCalendar,
    child: String,
    date: NaiveDate,
    counter: usize,
) -> Referral {
    let no_further_action = draw.chance(0.07);
    let assessment = (!no_further_action).then(|| simulate_assessment(draw, calendar, date, counter));
    let last_event = assessment
        .as_ref()
        .map(|a| a.enquiry.as_ref().and_then(|e| e.plan.as_ref()).map_or(a.authorised, |p| p.end))
        .unwrap_or(date);
    let closed =
        last_event + Duration::days(if no_further_action { draw.between(0, 5) } else { draw.between(10, 200) });
    Referral {
        child,
        cin_id: format!("CIN{:07}", counter),
        date,
        source: draw.choose(&SOURCES),
        need: draw.choose(&NEEDS),
        closed,
        no_further_action,
        assessment,
    }
}

/// Timeliness improves from about 80% to about 89% within 45 working days.
fn simulate_assessment(draw: &mut Draw, calendar: &HolidayCalendar, referral: NaiveDate, counter: usize) -> Assessment {
    let start = add_working_days(calendar, referral, draw.between(0, 2));
    let in_time = draw.chance(trend(start, 0.80, 0.89));
    let working_days = if in_time { draw.between(10, 45) } else { draw.between(46, 80) };
    let authorised = add_working_days(calendar, start, working_days);
    let enquiry = draw.chance(0.22).then(|| simulate_enquiry(draw, calendar, start, counter));
    Assessment { id: format!("A{:07}", counter), start, authorised, factors: draw.choose(&FACTORS), enquiry }
}

fn simulate_enquiry(
    draw: &mut Draw,
    calendar: &HolidayCalendar,
    assessment_start: NaiveDate,
    counter: usize,
) -> Enquiry {
    let start = add_working_days(calendar, assessment_start, draw.between(0, 4));
    let target = add_working_days(calendar, start, 15);
    let conference = draw.chance(0.6).then(|| add_working_days(calendar, start, draw.between(8, 20)));
    let plan = conference.filter(|_| draw.chance(0.85)).map(|conference| {
        let months = match draw.unit() {
            u if u < 0.60 => draw.between(3, 9),
            u if u < 0.90 => draw.between(9, 18),
            u if u < 0.965 => draw.between(18, 24),
            _ => draw.between(24, 34),
        };
        let previous_plans = if draw.chance(trend(conference, 0.27, 0.21)) { draw.between(1, 2) as u32 } else { 0 };
        let mut end = conference + Duration::days(months * 30 + draw.between(0, 29));
        while matches!(end.weekday(), Weekday::Sat | Weekday::Sun) {
            end = end.succ_opt().expect("dates in range");
        }
        Plan {
            id: format!("CPP{:07}", counter),
            start: conference,
            end,
            category: draw.choose(&CATEGORIES),
            previous_plans,
        }
    });
    Enquiry { start, target, conference, plan }
}
