//! Sample children looked after: SSDA903 header, episodes, missing and
//! care leavers (OC3), simulated from 2012 so that care histories are long.

use super::cla_record::{self, CareEvents, CaredFor};
use super::failure::SampleError;
use super::simulation::{age_on, dmy, shown, trend, write_csv, Draw, LAST_MONTH};
use crate::project::Month;
use chrono::{Datelike, Duration, NaiveDate};
use std::path::Path;

const ETHNICITIES: [&str; 12] =
    ["WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWAS", "APKN", "AIND", "BAFR", "OOTH"];
const PLACEMENTS: [&str; 8] = ["U1", "U4", "U4", "U5", "U6", "R1", "K2", "P1"];
const PROVIDERS: [&str; 4] = ["PR1", "PR1", "PR4", "PR5"];
const LEGAL: [&str; 4] = ["C2", "C2", "V2", "J2"];
const LEAVING: [&str; 5] = ["E4A", "E13", "E11", "E12", "E41"];
const MOVE_REASONS: [&str; 4] = ["CARPL", "CLOSE", "ALLEG", "STAND"];

struct Episode {
    start: NaiveDate,
    end: Option<NaiveDate>,
    rne: &'static str,
    legal_status: &'static str,
    place: &'static str,
    provider: &'static str,
    leaving_reason: Option<&'static str>,
    move_reason: Option<&'static str>,
    placement_postcode: String,
    /// Miles from home (straight line), as the council's system works it
    /// out from the postcodes; set after the history, from its own stream.
    distance: f64,
}

struct Child {
    id: String,
    female: bool,
    dob: NaiveDate,
    ethnicity: &'static str,
    upn: String,
    home_postcode: String,
    care_start: NaiveDate,
    care_end: Option<NaiveDate>,
    episodes: Vec<Episode>,
    missing: Vec<(NaiveDate, NaiveDate, &'static str)>,
}

impl Child {
    fn looked_after_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.care_start <= to && self.care_end.is_none_or(|end| end >= from)
    }

    fn cared_for(&self, index: usize) -> CaredFor<'_> {
        let reason = self.episodes.last().and_then(|episode| episode.leaving_reason);
        CaredFor {
            index,
            id: &self.id,
            dob: self.dob,
            care_start: self.care_start,
            care_end: self.care_end,
            adopted: matches!(reason, Some("E11" | "E12")),
        }
    }

    /// Care leavers: left care aged 16 or over (after 13+ weeks in care).
    fn is_care_leaver(&self) -> bool {
        self.care_end.is_some_and(|end| age_on(self.dob, end) >= 16 && (end - self.care_start).num_days() >= 91)
    }
}

pub(crate) struct ClaHistory {
    children: Vec<Child>,
    events: Vec<CareEvents>,
    seed: u64,
}

const SIMULATION_START: (i32, u32, u32) = (2012, 4, 1);

impl ClaHistory {
    /// `scale`: children coming into care relative to the sample authority.
    pub(crate) fn simulate(draw: &mut Draw, seed: u64, scale: f64) -> ClaHistory {
        let start = NaiveDate::from_ymd_opt(SIMULATION_START.0, SIMULATION_START.1, SIMULATION_START.2).expect("valid");
        let end = LAST_MONTH.last_day();
        let mut children = Vec::new();
        let mut day = start;
        while day <= end {
            // About 16 children a month come into care, rising to 17 or 18.
            let arrivals = draw.poisson(trend(day, 16.0, 17.5) * scale / 30.4);
            for _ in 0..arrivals {
                let id = format!("C{:06}", 100_000 + children.len());
                children.push(simulate_child(draw, id, day, end));
            }
            day = day.succ_opt().expect("dates in range");
        }
        for (index, child) in children.iter_mut().enumerate() {
            place_distances(seed, index, child);
        }
        let events = children
            .iter()
            .enumerate()
            .map(|(index, child)| cla_record::simulate(seed, &child.cared_for(index), end))
            .collect();
        ClaHistory { children, events, seed }
    }

    pub(crate) fn write_snapshot(&self, dir: &Path, as_at: NaiveDate) -> Result<usize, SampleError> {
        let year_ago = Month::months_before(as_at, 12) + Duration::days(1);
        let in_scope: Vec<&Child> =
            self.children.iter().filter(|child| child.looked_after_between(year_ago, as_at)).collect();
        write_csv(
            &dir.join("ssda903_header.csv"),
            &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            &in_scope.iter().map(|c| header_row(c)).collect::<Vec<_>>(),
        )?;
        let episodes: Vec<Vec<String>> = in_scope
            .iter()
            .flat_map(|child| {
                child.episodes.iter().filter(|e| e.start <= as_at).map(move |e| episode_row(child, e, as_at))
            })
            .collect();
        write_csv(
            &dir.join("ssda903_episodes.csv"),
            &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
                "PL_DISTANCE",
            ],
            &episodes,
        )?;
        let missing: Vec<Vec<String>> = in_scope
            .iter()
            .flat_map(|child| {
                child.missing.iter().filter(|(start, _, _)| *start >= year_ago && *start <= as_at).map(
                    move |(start, end, kind)| {
                        vec![
                            child.id.clone(),
                            dmy(child.dob),
                            kind.to_string(),
                            dmy(*start),
                            shown(Some(*end), as_at, dmy),
                        ]
                    },
                )
            })
            .collect();
        write_csv(&dir.join("ssda903_missing.csv"), &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], &missing)?;
        let leavers: Vec<Vec<String>> = self
            .children
            .iter()
            .enumerate()
            .filter(|(_, child)| {
                child.is_care_leaver()
                    && child.care_end.is_some_and(|end| end <= as_at)
                    && (17..=21).contains(&age_on(child.dob, as_at))
            })
            .map(|(index, child)| self.leaver_row(index, child, as_at))
            .collect();
        write_csv(&dir.join("ssda903_oc3.csv"), &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], &leavers)?;
        let records: Vec<(CaredFor, &CareEvents)> =
            self.children.iter().enumerate().map(|(index, child)| child.cared_for(index)).zip(&self.events).collect();
        cla_record::write(dir, &records, as_at)?;
        Ok(5)
    }

    /// The adoption register as one current extract (history layout), named
    /// by its month: `ssda903_adoption_YYYY-MM.csv` in `out`.
    pub(crate) fn write_adoptions(&self, out: &Path, month: Month) -> Result<usize, SampleError> {
        let children: Vec<CaredFor> =
            self.children.iter().enumerate().map(|(index, child)| child.cared_for(index)).collect();
        let path = out.join(format!("ssda903_adoption_{month}.csv"));
        cla_record::write_adoptions(&path, &children, self.seed, month.last_day())?;
        Ok(1)
    }

    /// A care leaver's situation changes every three months or so; it is
    /// drawn from its own stream so that snapshots agree with each other.
    fn leaver_row(&self, index: usize, child: &Child, as_at: NaiveDate) -> Vec<String> {
        let block = (as_at.year() * 12 + as_at.month() as i32) / 3;
        let mut draw = Draw::new(self.seed ^ ((index as u64) << 20) ^ block as u64);
        let in_touch = draw.chance(0.95);
        let older = age_on(child.dob, as_at) >= 19;
        let eet_chance = trend(as_at, if older { 0.50 } else { 0.58 }, if older { 0.58 } else { 0.68 });
        let activity = if !in_touch {
            "G6"
        } else if draw.chance(eet_chance) {
            draw.pick(&["F1", "P1", "F2", "P2", "F4", "F5"])
        } else {
            draw.pick(&["G4", "G5", "G6"])
        };
        let suitable = draw.chance(trend(as_at, 0.86, 0.92));
        let accommodation =
            format!("{}{}", draw.pick(&["B", "C", "D", "E", "K", "R", "S", "T"]), if suitable { 1 } else { 2 });
        let touch = if in_touch { "YES" } else { "NO" };
        vec![
            child.id.clone(),
            dmy(child.dob),
            touch.into(),
            activity.into(),
            if in_touch { accommodation } else { "0".into() },
        ]
    }
}

fn header_row(child: &Child) -> Vec<String> {
    let sex = if child.female { "2" } else { "1" };
    vec![
        child.id.clone(),
        sex.into(),
        dmy(child.dob),
        child.ethnicity.into(),
        child.upn.clone(),
        String::new(),
        String::new(),
    ]
}

fn episode_row(child: &Child, episode: &Episode, as_at: NaiveDate) -> Vec<String> {
    let ended = episode.end.filter(|end| *end <= as_at);
    let reason = |value: Option<&'static str>| ended.and(value).unwrap_or("").to_string();
    vec![
        child.id.clone(),
        dmy(episode.start),
        episode.rne.into(),
        episode.legal_status.into(),
        "N1".into(),
        episode.place.into(),
        episode.provider.into(),
        ended.map(dmy).unwrap_or_default(),
        if ended.is_some() { episode.leaving_reason.unwrap_or("X1").into() } else { String::new() },
        reason(episode.move_reason),
        child.home_postcode.clone(),
        episode.placement_postcode.clone(),
        String::new(),
        format!("{:.1}", episode.distance),
    ]
}

fn simulate_child(draw: &mut Draw, id: String, care_start: NaiveDate, simulation_end: NaiveDate) -> Child {
    let age = draw.choose(&[0, 0, 0, 1, 2, 4, 6, 8, 10, 11, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17]) as i64;
    let dob = care_start - Duration::days(age * 365 + draw.between(0, 360));
    let long_stay = draw.chance(0.62);
    let stay = if long_stay { draw.wait_days(3.4 * 365.0) } else { draw.wait_days(0.6 * 365.0) } + 14;
    let eighteenth = dob.with_year(dob.year() + 18).unwrap_or(dob + Duration::days(18 * 365));
    let care_end = Some((care_start + Duration::days(stay)).min(eighteenth)).filter(|end| *end <= simulation_end);
    let mut child = Child {
        id,
        female: draw.chance(0.46),
        dob,
        ethnicity: draw.choose(&ETHNICITIES),
        upn: format!("A{:012}", draw.between(0, 999_999_999_999)),
        home_postcode: draw.postcode(),
        care_start,
        care_end,
        episodes: Vec::new(),
        missing: Vec::new(),
    };
    child.episodes = simulate_episodes(draw, care_start, care_end, simulation_end);
    // Adoption is for children who came into care young and leave after one
    // to three years: an older child's or a short stay's drawn adoption
    // becomes a return home, a long stay's a child arrangements order (no
    // draw, so the rest of the history is unchanged).
    let stay = care_end.map_or(0, |end| (end - care_start).num_days());
    if age >= 5 || !(365..=3 * 365).contains(&stay) {
        let instead = if age >= 5 || stay < 365 { "E4A" } else { "E41" };
        for episode in &mut child.episodes {
            if matches!(episode.leaving_reason, Some("E11" | "E12")) {
                episode.leaving_reason = Some(instead);
            }
        }
    }
    child.missing = simulate_missing(draw, &child, simulation_end);
    child
}

/// Placement moves are most frequent early in care, and become less
/// frequent over the report years as the sufficiency strategy bites.
fn simulate_episodes(
    draw: &mut Draw,
    care_start: NaiveDate,
    care_end: Option<NaiveDate>,
    simulation_end: NaiveDate,
) -> Vec<Episode> {
    let stop = care_end.unwrap_or(simulation_end + Duration::days(1));
    let mut episodes = Vec::new();
    let mut start = care_start;
    let mut rne = "S";
    let mut legal_status = draw.choose(&LEGAL);
    let mut place = draw.choose(&PLACEMENTS);
    let mut placement_postcode = draw.postcode();
    loop {
        let months_in_care = (start - care_start).num_days() as f64 / 30.4;
        let yearly_moves = if months_in_care < 6.0 {
            1.2
        } else if months_in_care < 24.0 {
            0.24
        } else {
            0.1
        };
        let yearly_moves = yearly_moves * trend(start, 1.1, 0.75);
        let next_move = start + Duration::days(draw.wait_days(365.0 / yearly_moves).max(1));
        let next_legal = start + Duration::days(draw.wait_days(365.0 / 0.25).max(1));
        let next = next_move.min(next_legal);
        let provider = draw.choose(&PROVIDERS);
        if next >= stop {
            let leaving_reason = care_end.map(|_| draw.choose(&LEAVING));
            episodes.push(Episode {
                start,
                end: care_end,
                rne,
                legal_status,
                place,
                provider,
                leaving_reason,
                move_reason: None,
                placement_postcode,
                distance: 0.0,
            });
            return episodes;
        }
        let moving = next == next_move;
        let move_reason = moving.then(|| draw.choose(&MOVE_REASONS));
        episodes.push(Episode {
            start,
            end: Some(next),
            rne,
            legal_status,
            place,
            provider,
            leaving_reason: None,
            move_reason,
            placement_postcode: placement_postcode.clone(),
            distance: 0.0,
        });
        start = next;
        if moving {
            rne = draw.choose(&["P", "P", "P", "P", "P", "T", "B", "U"]);
            place = draw.choose(&PLACEMENTS);
            placement_postcode = draw.postcode();
            if matches!(rne, "B" | "U") {
                legal_status = draw.choose(&LEGAL);
            }
        } else {
            rne = "L";
            legal_status = draw.choose(&LEGAL);
        }
    }
}

/// Each new placement's distance from home: about one in five more than
/// 20 miles away, fewer as local sufficiency improves. A change of legal
/// status only keeps the placement, and its distance.
fn place_distances(seed: u64, index: usize, child: &mut Child) {
    let mut draw = Draw::new(seed ^ 0xd157_a9ce ^ ((index as u64) << 24));
    let mut distance = 0.0;
    for episode in &mut child.episodes {
        if episode.rne != "L" {
            let far = draw.chance(trend(episode.start, 0.26, 0.18));
            let miles = if far { draw.between(201, 900) } else { draw.between(0, 199) };
            distance = miles as f64 / 10.0;
        }
        episode.distance = distance;
    }
}

fn simulate_missing(
    draw: &mut Draw,
    child: &Child,
    simulation_end: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate, &'static str)> {
    // Most children never go missing; a few teenagers do so repeatedly.
    let teenager = age_on(child.dob, child.care_start) >= 12;
    let yearly = if teenager && draw.chance(0.25) { 3.0 } else { 0.05 };
    let end = child.care_end.unwrap_or(simulation_end);
    let mut missing = Vec::new();
    let mut day = child.care_start;
    loop {
        day += Duration::days(draw.wait_days(365.0 / yearly).max(1));
        if day >= end {
            return missing;
        }
        let kind = if draw.chance(0.8) { "M" } else { "A" };
        missing.push((day, day + Duration::days(draw.between(0, 3)), kind));
    }
}
