//! The projection from a member's extracts: the month's SSDA903 episodes
//! and headers read as `[projection]` names them, checked settings, and the
//! report `scorecard project` prints and the bundle carries.

use super::{
    care, in_care_on, project, Episode, Placement, Projected, Projection, Rates, Scenario, AGE_BANDS, PLACEMENTS,
};
use crate::error::{Error, UsageError};
use crate::evaluate::Loaded;
use crate::input::{self, Table, Values};
use crate::project::{Month, ProjectionConfig, WeeklyCosts};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A member's projection from `month` (default: the latest month with an
/// episodes extract), as `[projection]` asks.
pub fn from_extracts(loaded: &Loaded, member: usize, month: Option<Month>) -> Result<Report, Error> {
    let Some(config) = loaded.project.projection().cloned() else {
        return Err(UsageError::NoProjection.into());
    };
    check(&config)?;
    let member = &loaded.members[member];
    let datasets = [&config.episodes, &config.header].into_iter().filter_map(|name| loaded.project.dataset(name));
    let months = input::extract_months(&member.data_dir, datasets).map_err(Error::Data)?;
    let (month, episodes_path) = extract(loaded, &member.data_dir, &config.episodes, &months, month)?;
    let (_, header_path) = extract(loaded, &member.data_dir, &config.header, &months, Some(month))?;
    let episodes_table = read(loaded, &config.episodes, &episodes_path)?;
    let header_table = read(loaded, &config.header, &header_path)?;
    let (episodes, undated, short_breaks) = episodes(&episodes_table, &header_table, (&episodes_path, &header_path))?;
    let mut report = run(&config, &episodes, month, &member.code.to_string(), undated, episodes_path);
    report.reference.short_break_episodes_left_out = short_breaks;
    Ok(report)
}

/// The projection as scorecard project's JSON holds it.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    /// The authority's code.
    pub authority: String,
    /// The last month observed; the projection starts the month after.
    pub month: Month,
    /// The SSDA903 episodes extract read.
    pub episodes_file: PathBuf,
    /// What the rates were worked out from.
    pub reference: Reference,
    /// Children in care on the month's last day, by age band.
    pub in_care_by_age: Vec<usize>,
    /// The age bands' names, in order.
    pub age_bands: Vec<&'static str>,
    /// The placement types' names, in order.
    pub placement_types: Vec<&'static str>,
    /// How many runs were simulated.
    pub runs: u32,
    /// Each scenario's projection.
    pub scenarios: Vec<Projected>,
}

/// What a bundle publishes of the projection: everything but counts of
/// real children by age band (a small band's count could be read from the
/// others and the total) and the extract's path on the data team's disk.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishedProjection {
    /// The last month observed.
    pub month: Month,
    /// What the rates were worked out from.
    pub reference: Reference,
    /// Children in care on that month's last day, in all.
    pub in_care_at_start: usize,
    /// The age bands' names, in order.
    pub age_bands: Vec<&'static str>,
    /// The placement types' names, in order.
    pub placement_types: Vec<&'static str>,
    /// How many runs were simulated.
    pub runs: u32,
    /// Each scenario's projection.
    pub scenarios: Vec<Projected>,
}

impl Report {
    /// What a bundle may publish of it.
    pub fn published(self) -> PublishedProjection {
        PublishedProjection {
            month: self.month,
            in_care_at_start: self.in_care_by_age.iter().sum(),
            reference: self.reference,
            age_bands: self.age_bands,
            placement_types: self.placement_types,
            runs: self.runs,
            scenarios: self.scenarios,
        }
    }
}

/// What the rates were worked out from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reference {
    /// The first day counted.
    pub from: chrono::NaiveDate,
    /// The day after the last counted.
    pub to_before: chrono::NaiveDate,
    /// Children entering care in the window.
    pub entries: usize,
    /// Periods of care ending before the child's 18th birthday.
    pub exits_before_18: u32,
    /// Changes of placement type within a period of care.
    pub moves: u32,
    /// Days in care, over every child.
    pub child_days: i64,
    /// Episodes left out: no date of birth in the header, or no start date.
    pub episodes_left_out: usize,
    /// Short-break episodes left out (legal status V3 or V4), as DfE does.
    pub short_break_episodes_left_out: usize,
}

/// The projection of `episodes` from `month` as `config` asks.
pub(super) fn run(
    config: &ProjectionConfig,
    episodes: &[Episode],
    month: Month,
    authority: &str,
    left_out: usize,
    episodes_file: PathBuf,
) -> Report {
    let periods = care::periods(episodes);
    let from = month.plus(1 - config.reference_months as i32).first_day();
    let rates = Rates::estimate(&periods, from, month.next().first_day());
    let settings = Projection {
        from: month,
        months: config.months,
        runs: config.runs,
        seed: config.seed,
        daily_costs: config.weekly_costs.map(daily_costs),
    };
    let mut scenarios = vec![Scenario { name: "At the observed rates".into(), entries: 1.0, exits: 1.0 }];
    scenarios.extend(config.scenarios.iter().map(|s| Scenario {
        name: s.name.clone(),
        entries: s.entries,
        exits: s.exits,
    }));
    let in_care = in_care_on(&periods, month.last_day());
    let totals = rates.totals();
    let mut in_care_by_age = vec![0; AGE_BANDS.len()];
    for (born, _, _) in &in_care {
        in_care_by_age[care::band_on(*born, month.last_day())] += 1;
    }
    Report {
        authority: authority.to_string(),
        month,
        episodes_file,
        reference: Reference {
            from,
            to_before: rates.to,
            entries: rates.entrants.len(),
            exits_before_18: totals.0,
            moves: totals.1,
            child_days: totals.2,
            episodes_left_out: left_out,
            short_break_episodes_left_out: 0,
        },
        in_care_by_age,
        age_bands: AGE_BANDS.iter().map(|band| band.label).collect(),
        placement_types: PLACEMENTS.iter().map(|p| p.label()).collect(),
        runs: config.runs,
        scenarios: project(&periods, &rates, &settings, &scenarios),
    }
}

fn daily_costs(weekly: WeeklyCosts) -> [f64; 4] {
    [weekly.fostering, weekly.residential, weekly.supported, weekly.other].map(|cost| cost / 7.0)
}

/// Every setting in range, or a usage error naming it and its value.
pub fn check(config: &ProjectionConfig) -> Result<(), Error> {
    let mut problems = Vec::new();
    if !(1..=36).contains(&config.months) {
        problems.push(format!("`months = {}`: project 1 to 36 months", config.months));
    }
    if !(100..=20_000).contains(&config.runs) {
        problems.push(format!("`runs = {}`: use 100 to 20000 runs", config.runs));
    }
    if !(1..=60).contains(&config.reference_months) {
        problems.push(format!("`reference_months = {}`: use 1 to 60 months", config.reference_months));
    }
    for scenario in &config.scenarios {
        for (key, value) in [("entries", scenario.entries), ("exits", scenario.exits)] {
            if !(value.is_finite() && (0.0..=10.0).contains(&value)) {
                problems.push(format!("scenario `{}`: `{key} = {value}`: a multiple from 0 to 10", scenario.name));
            }
        }
    }
    if let Some(costs) = config.weekly_costs {
        for (key, value) in [
            ("fostering", costs.fostering),
            ("residential", costs.residential),
            ("supported", costs.supported),
            ("other", costs.other),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("`weekly_costs.{key} = {value}`: a cost of 0 or more"));
            }
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(UsageError::Projection(problems).into()),
    }
}

/// The month's file of a dataset (default the latest month with one).
fn extract(
    loaded: &Loaded,
    data_dir: &Path,
    name: &str,
    months: &[Month],
    month: Option<Month>,
) -> Result<(Month, PathBuf), Error> {
    let config =
        loaded.project.dataset(name).ok_or_else(|| Error::Usage(UsageError::ProjectionDataset(name.to_string())))?;
    let files = input::locate(data_dir, name, config, months);
    if let Some(path) = files.single {
        let month = month.or(files.named_month).or(months.last().copied());
        return month.map(|month| (month, path)).ok_or_else(|| UsageError::NoExtracts(name.to_string()).into());
    }
    let available: Vec<Month> = files.monthly.keys().copied().collect();
    let month = Month::choose(&available, month)
        .map_err(|source| UsageError::DatasetMonth { dataset: name.to_string(), source })?;
    Ok((month, files.monthly[&month].clone()))
}

fn read(loaded: &Loaded, name: &str, path: &Path) -> Result<Table, Error> {
    let config = loaded.project.dataset(name).expect("extract() found the dataset");
    input::read_table(path, config, false).map(|(table, _)| table).map_err(Error::Data)
}

/// The episodes with their child's date of birth, and how many were left
/// out: (no start date, or a child the header does not date; short breaks).
/// With an `LS` column, episodes of legal status V3 or V4 (an agreed series
/// of short-term placements) are left out, as DfE's counts of children
/// looked after leave them out.
pub(super) fn episodes(
    episodes: &Table,
    header: &Table,
    (episodes_path, header_path): (&Path, &Path),
) -> Result<(Vec<Episode>, usize, usize), Error> {
    let born: HashMap<&str, chrono::NaiveDate> = texts(header, "CHILD", header_path)?
        .zip(dates(header, "DOB", header_path)?)
        .filter_map(|(child, born)| Some((child?, born?)))
        .collect();
    let children = texts(episodes, "CHILD", episodes_path)?;
    let starts = dates(episodes, "DECOM", episodes_path)?;
    let ends = dates(episodes, "DEC", episodes_path)?;
    let places = texts(episodes, "PLACE", episodes_path)?;
    let statuses: Vec<Option<&str>> = match column(episodes, "LS", episodes_path) {
        Ok(_) => texts(episodes, "LS", episodes_path)?.collect(),
        Err(_) => vec![None; episodes.rows],
    };
    let mut kept = Vec::new();
    let (mut undated, mut short_breaks) = (0, 0);
    for ((((child, start), end), place), status) in children.zip(starts).zip(ends).zip(places).zip(statuses) {
        if status.is_some_and(|status| ["V3", "V4"].iter().any(|code| status.trim().eq_ignore_ascii_case(code))) {
            short_breaks += 1;
            continue;
        }
        match child.and_then(|child| Some((child, *born.get(child)?, start?))) {
            Some((child, born, start)) => kept.push(Episode {
                child: child.to_string(),
                born,
                start,
                end,
                placement: Placement::of_code(place.unwrap_or("")),
            }),
            None => undated += 1,
        }
    }
    Ok((kept, undated, short_breaks))
}

fn column<'t>(table: &'t Table, name: &str, path: &Path) -> Result<&'t Values, Error> {
    table.columns.iter().find(|(column, _)| column == name).map(|(_, values)| values).ok_or_else(|| {
        Error::Usage(UsageError::ProjectionColumn { path: path.to_path_buf(), column: name.to_string() })
    })
}

fn texts<'t>(table: &'t Table, name: &str, path: &Path) -> Result<impl Iterator<Item = Option<&'t str>> + 't, Error> {
    match column(table, name, path)? {
        Values::Text(texts) => Ok(texts.iter()),
        _ => Err(UsageError::ColumnType { path: path.to_path_buf(), column: name.to_string(), kind: "text" }.into()),
    }
}

fn dates<'t>(
    table: &'t Table,
    name: &str,
    path: &Path,
) -> Result<impl Iterator<Item = Option<chrono::NaiveDate>> + 't, Error> {
    match column(table, name, path)? {
        Values::Date(days) => Ok(days.iter().map(|day| day.map(input::Day::date))),
        _ => Err(UsageError::ColumnType { path: path.to_path_buf(), column: name.to_string(), kind: "date" }.into()),
    }
}
