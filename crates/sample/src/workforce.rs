//! Sample social work workforce: one record per worker per role, with team,
//! agency flag, FTE, ASYE status and the cases held at each month end.

use super::failure::SampleError;
use super::simulation::{dmy, shown, trend, write_csv, Draw, LAST_MONTH};
use crate::project::Month;
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;
use std::path::Path;

/// Team name, case-holding posts, typical caseload per FTE.
const TEAMS: [(&str, usize, f64); 10] = [
    ("Duty and Advice", 14, 23.0),
    ("Assessment North", 15, 25.5),
    ("Assessment South", 15, 22.0),
    ("Child in Need North", 16, 21.0),
    ("Child in Need South", 16, 24.5),
    ("Child Protection", 17, 23.5),
    ("Children in Care East", 16, 19.5),
    ("Children in Care West", 15, 22.5),
    ("Court and Permanence", 13, 17.0),
    ("Leaving Care", 13, 20.0),
];

struct Worker {
    id: String,
    team: usize,
    agency: bool,
    fte: f64,
    case_holder: bool,
    start: NaiveDate,
    end: Option<NaiveDate>,
    asye_until: Option<NaiveDate>,
    /// Cases held at each month end while in post.
    cases: BTreeMap<Month, i64>,
}

impl Worker {
    fn in_post(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| end > date)
    }
}

pub(crate) struct WorkforceHistory {
    workers: Vec<Worker>,
    /// Seeds the absence records' own stream.
    absence_seed: u64,
    /// Posts per team relative to the sample authority's.
    scale: f64,
}

const SIMULATION_START: Month = Month { year: 2021, month: 4 };

impl WorkforceHistory {
    pub(crate) fn simulate(draw: &mut Draw, scale: f64) -> WorkforceHistory {
        let mut history = WorkforceHistory { workers: Vec::new(), absence_seed: 0, scale };
        let first_day = SIMULATION_START.first_day();
        for team in 0..TEAMS.len() {
            // The team manager (OrgRole 3) holds no cases.
            let started = first_day - Duration::days(draw.between(30, 3000));
            history.hire(draw, team, false, started, false);
            for _ in 0..history.posts(team) {
                let started = first_day - Duration::days(draw.between(30, 3000));
                let agency = draw.chance(0.31);
                history.hire(draw, team, agency, started, true);
            }
        }
        for month in SIMULATION_START.through(LAST_MONTH) {
            history.step(draw, month);
        }
        // Drawn last, so the history above is what it was before absence records existed.
        history.absence_seed = draw.between(0, i64::MAX) as u64;
        history
    }

    fn posts(&self, team: usize) -> usize {
        (TEAMS[team].1 as f64 * self.scale).round() as usize
    }

    fn hire(&mut self, draw: &mut Draw, team: usize, agency: bool, start: NaiveDate, case_holder: bool) {
        let asye = case_holder && !agency && draw.chance(0.3);
        let fte = if agency || draw.chance(0.85) { 1.0 } else { draw.choose(&[0.5, 0.6, 0.8]) };
        self.workers.push(Worker {
            id: format!("SW{:06}", 100_000 + self.workers.len() * 37 % 900_000),
            team,
            agency,
            fte,
            case_holder,
            start,
            end: None,
            asye_until: asye.then(|| start + Duration::days(365)),
            cases: BTreeMap::new(),
        });
    }

    /// One month: some leave (agency staff far more often), vacancies are
    /// filled, with employed staff preferred as the agency target falls.
    fn step(&mut self, draw: &mut Draw, month: Month) {
        let month_end = month.last_day();
        for worker in self.workers.iter_mut().filter(|worker| worker.in_post(month.first_day())) {
            let leaving = if worker.agency { 0.05 } else { 0.011 };
            if worker.case_holder && draw.chance(leaving) {
                worker.end = Some(draw.day_in(month));
            }
        }
        let target_agency = trend(month_end, 0.30, 0.13);
        for (team, (_, _, typical)) in TEAMS.iter().enumerate() {
            let in_post =
                self.workers.iter().filter(|w| w.team == team && w.case_holder && w.in_post(month_end)).count();
            for _ in in_post..self.posts(team) {
                if draw.chance(0.75) {
                    let agency = self.agency_share(month_end) < target_agency;
                    let start = draw.day_in(month);
                    self.hire(draw, team, agency, start, true);
                }
            }
            let pressure = typical * trend(month_end, 1.04, 0.94) * (1.0 + 0.05 * ((month.month as f64) / 1.9).sin());
            for worker in self.workers.iter_mut().filter(|w| w.team == team && w.case_holder && w.in_post(month_end)) {
                let protected = if worker.asye_until.is_some_and(|until| until > month_end) { 0.65 } else { 1.0 };
                let cases = (pressure * protected * worker.fte * (0.78 + 0.44 * draw.unit())).round() as i64;
                worker.cases.insert(month, cases);
            }
        }
    }

    fn agency_share(&self, date: NaiveDate) -> f64 {
        let (agency, all) = self
            .workers
            .iter()
            .filter(|w| w.case_holder && w.in_post(date))
            .fold((0.0, 0.0), |(agency, all), w| (agency + if w.agency { w.fte } else { 0.0 }, all + w.fte));
        if all == 0.0 {
            0.0
        } else {
            agency / all
        }
    }

    /// `workforce_vacancies.csv`: each team's establishment (its posts and
    /// the manager's, 1.0 FTE each) and the FTE not filled by employed
    /// staff in post at the month end (agency staff cover vacancies, as the
    /// workforce census counts them).
    fn write_vacancies(&self, dir: &Path, as_at: NaiveDate) -> Result<(), SampleError> {
        let rows: Vec<Vec<String>> = TEAMS
            .iter()
            .enumerate()
            .map(|(team, (name, _, _))| {
                let establishment = (self.posts(team) + 1) as f64;
                let employed: f64 = self
                    .workers
                    .iter()
                    .filter(|w| w.team == team && !w.agency && w.in_post(as_at))
                    .map(|w| w.fte)
                    .sum();
                let agency: f64 =
                    self.workers.iter().filter(|w| w.team == team && w.agency && w.in_post(as_at)).map(|w| w.fte).sum();
                let vacant = (establishment - employed).max(0.0);
                vec![
                    name.to_string(),
                    format!("{establishment:.1}"),
                    format!("{vacant:.1}"),
                    format!("{:.1}", agency.min(vacant)),
                ]
            })
            .collect();
        write_csv(
            &dir.join("workforce_vacancies.csv"),
            &["Team", "EstablishmentFTE", "VacantFTE", "AgencyCoverFTE"],
            &rows,
        )
    }

    /// `workforce_absence.csv`: each employed worker in post at the month
    /// end, the FTE days they could work in the month (FTE x working days)
    /// and the FTE days lost to sickness: mostly none, a few short spells, a
    /// rare month lost whole to long-term sickness.
    fn write_absence(&self, dir: &Path, month: Month, working_days: i64) -> Result<(), SampleError> {
        let as_at = month.last_day();
        let rows: Vec<Vec<String>> = self
            .workers
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.agency && w.in_post(as_at))
            .map(|(index, w)| {
                let mut draw = Draw::new(
                    self.absence_seed ^ ((index as u64) << 20) ^ ((month.year as u64) * 12 + month.month as u64),
                );
                let days = if draw.chance(trend(as_at, 0.012, 0.008)) {
                    working_days
                } else if draw.chance(0.2) {
                    draw.between(1, 5).min(working_days)
                } else {
                    0
                };
                vec![
                    w.id.clone(),
                    format!("{:.1}", w.fte),
                    format!("{:.1}", w.fte * working_days as f64),
                    format!("{:.1}", w.fte * days as f64),
                ]
            })
            .collect();
        write_csv(&dir.join("workforce_absence.csv"), &["SWENo", "FTE", "AvailableDays", "DaysLost"], &rows)
    }

    pub(crate) fn write_snapshot(&self, dir: &Path, as_at: NaiveDate, working_days: i64) -> Result<usize, SampleError> {
        self.write_vacancies(dir, as_at)?;
        self.write_absence(dir, Month::containing(as_at), working_days)?;
        let year_ago = Month::months_before(as_at, 12);
        let month = Month::containing(as_at);
        let rows: Vec<Vec<String>> = self
            .workers
            .iter()
            .filter(|w| w.start <= as_at && w.end.is_none_or(|end| end > year_ago))
            .map(|w| {
                let cases = w.cases.get(&month).filter(|_| w.in_post(as_at)).map(i64::to_string).unwrap_or_default();
                let asye = w.asye_until.is_some_and(|until| until > as_at && w.start <= as_at);
                vec![
                    w.id.clone(),
                    TEAMS[w.team].0.to_string(),
                    if w.agency { "1".into() } else { "0".into() },
                    format!("{:.1}", w.fte),
                    if w.case_holder { "5".into() } else { "3".into() },
                    dmy(w.start),
                    shown(w.end, as_at, dmy),
                    cases,
                    if asye { "1".into() } else { "0".into() },
                ]
            })
            .collect();
        write_csv(
            &dir.join("workforce.csv"),
            &[
                "SWENo",
                "Team",
                "AgencyWorker",
                "FTE",
                "OrgRole",
                "RoleStartDate",
                "RoleEndDate",
                "Cases30",
                "CFKSSstatus",
            ],
            &rows,
        )?;
        Ok(3)
    }
}
