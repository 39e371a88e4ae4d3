//! `scorecard project`: the demand projection for children looked after
//! (docs/projection.md): the model in `judge::projection`, fed from the
//! month's SSDA903 episodes and headers, on screen and as JSON.

use crate::error::{Error, OutputError};
use crate::evaluate;
use crate::input::{self, Table, Values};
use crate::judge::projection::{self, Episode, Placement, Projected, Projection, Rates, Scenario, AGE_BANDS};
use crate::project::Month;
use crate::project::{ProjectionConfig, WeeklyCosts};
use crate::render::month_name;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What `scorecard project` was asked for.
pub struct Request<'a> {
    pub month: Option<Month>,
    pub authority: Option<&'a str>,
    pub json: Option<&'a Path>,
}

/// The projection as scorecard project's JSON holds it.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub authority: String,
    /// The last month observed; the projection starts the month after.
    pub month: Month,
    pub episodes_file: PathBuf,
    pub reference: Reference,
    /// Children in care on the month's last day, by age band.
    pub in_care_by_age: Vec<usize>,
    pub age_bands: Vec<&'static str>,
    pub placement_types: Vec<&'static str>,
    pub runs: u32,
    pub scenarios: Vec<Projected>,
}

/// What the rates were worked out from.
#[derive(Debug, serde::Serialize)]
pub struct Reference {
    pub from: chrono::NaiveDate,
    pub to_before: chrono::NaiveDate,
    pub entries: usize,
    pub exits_before_18: u32,
    pub moves: u32,
    pub child_days: i64,
    /// Episodes left out: no date of birth in the header, or no start date.
    pub episodes_left_out: usize,
}

pub fn project(root: &Path, request: Request, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let Some(config) = loaded.project.file.projection.clone() else {
        return Err(Error::Usage(
            "scorecard.toml has no [projection] table: add `[projection]` to project children looked after (docs/projection.md)"
                .into(),
        ));
    };
    check(&config)?;
    let member = &loaded.members[loaded.member(request.authority)?];
    let datasets = [&config.episodes, &config.header].into_iter().filter_map(|name| loaded.project.dataset(name));
    let months = input::extract_months(&member.data_dir, datasets).map_err(Error::Data)?;
    let (month, episodes_path) = extract(&loaded, &member.data_dir, &config.episodes, &months, request.month)?;
    let (_, header_path) = extract(&loaded, &member.data_dir, &config.header, &months, Some(month))?;
    let episodes_table = read(&loaded, &config.episodes, &episodes_path)?;
    let header_table = read(&loaded, &config.header, &header_path)?;
    let (episodes, left_out) = episodes(&episodes_table, &header_table, (&episodes_path, &header_path))?;
    let report = run(&config, &episodes, month, &member.code.to_string(), left_out, episodes_path);
    write_text(&report, out);
    if let Some(path) = request.json {
        let json =
            serde_json::to_vec_pretty(&report).map_err(|error| Error::render(format!("projection JSON: {error}")))?;
        std::fs::write(path, json).map_err(OutputError::io("cannot write", path))?;
        say!(out, "Wrote {}", path.display());
    }
    Ok(())
}

/// The projection of `episodes` from `month` as `config` asks.
pub fn run(
    config: &ProjectionConfig,
    episodes: &[Episode],
    month: Month,
    authority: &str,
    left_out: usize,
    episodes_file: PathBuf,
) -> Report {
    let periods = projection::care::periods(episodes);
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
    let in_care = projection::in_care_on(&periods, month.last_day());
    let mut in_care_by_age = vec![0; AGE_BANDS.len()];
    for (born, _) in &in_care {
        in_care_by_age[projection::care::band_on(*born, month.last_day())] += 1;
    }
    Report {
        authority: authority.to_string(),
        month,
        episodes_file,
        reference: Reference {
            from,
            to_before: rates.to,
            entries: rates.entrants.len(),
            exits_before_18: rates.exits.iter().flatten().sum(),
            moves: rates.moves.iter().flatten().flatten().sum(),
            child_days: rates.exposure.iter().flatten().sum(),
            episodes_left_out: left_out,
        },
        in_care_by_age,
        age_bands: AGE_BANDS.iter().map(|band| band.label).collect(),
        placement_types: projection::PLACEMENTS.iter().map(|p| p.label()).collect(),
        runs: config.runs,
        scenarios: projection::project(&periods, &rates, &settings, &scenarios),
    }
}

fn daily_costs(weekly: WeeklyCosts) -> [f64; 4] {
    [weekly.fostering, weekly.residential, weekly.supported, weekly.other].map(|cost| cost / 7.0)
}

/// Every setting in range, or a usage error naming it and its value.
fn check(config: &ProjectionConfig) -> Result<(), Error> {
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
        false => Err(Error::Usage(format!("scorecard.toml [projection]: {}", problems.join("; ")))),
    }
}

/// The month's file of a dataset (default the latest month with one).
fn extract(
    loaded: &evaluate::Loaded,
    data_dir: &Path,
    name: &str,
    months: &[Month],
    month: Option<Month>,
) -> Result<(Month, PathBuf), Error> {
    let config = loaded.project.dataset(name).ok_or_else(|| {
        Error::Usage(format!("scorecard.toml [projection] names dataset `{name}`, which is not in [datasets]"))
    })?;
    let files = input::locate(data_dir, name, config, months);
    if let Some(path) = files.single {
        let month = month.or(files.named_month).or(months.last().copied());
        return month.map(|month| (month, path)).ok_or_else(|| Error::Usage(format!("no extracts of `{name}`")));
    }
    let available: Vec<Month> = files.monthly.keys().copied().collect();
    let month = Month::choose(&available, month).map_err(|error| Error::Usage(format!("`{name}`: {error}")))?;
    Ok((month, files.monthly[&month].clone()))
}

fn read(loaded: &evaluate::Loaded, name: &str, path: &Path) -> Result<Table, Error> {
    let config = loaded.project.dataset(name).expect("extract() found the dataset");
    input::read_table(path, config, false).map(|(table, _)| table).map_err(Error::Data)
}

/// The episodes with their child's date of birth, and how many were left
/// out (no start date, or a child the header does not date).
pub fn episodes(
    episodes: &Table,
    header: &Table,
    (episodes_path, header_path): (&Path, &Path),
) -> Result<(Vec<Episode>, usize), Error> {
    let born: HashMap<&str, chrono::NaiveDate> = texts(header, "CHILD", header_path)?
        .zip(dates(header, "DOB", header_path)?)
        .filter_map(|(child, born)| Some((child?, born?)))
        .collect();
    let children = texts(episodes, "CHILD", episodes_path)?;
    let starts = dates(episodes, "DECOM", episodes_path)?;
    let ends = dates(episodes, "DEC", episodes_path)?;
    let places = texts(episodes, "PLACE", episodes_path)?;
    let mut kept = Vec::new();
    let mut left_out = 0;
    for (((child, start), end), place) in children.zip(starts).zip(ends).zip(places) {
        let found = child.and_then(|child| Some((child, *born.get(child)?, start?)));
        match found {
            Some((child, born, start)) => kept.push(Episode {
                child: child.to_string(),
                born,
                start,
                end,
                placement: Placement::of_code(place.unwrap_or("")),
            }),
            None => left_out += 1,
        }
    }
    Ok((kept, left_out))
}

fn column<'t>(table: &'t Table, name: &str, path: &Path) -> Result<&'t Values, Error> {
    table.columns.iter().find(|(column, _)| column == name).map(|(_, values)| values).ok_or_else(|| {
        Error::Usage(format!(
            "{}: the projection needs column `{name}`, which its dataset does not declare",
            path.display()
        ))
    })
}

fn texts<'t>(table: &'t Table, name: &str, path: &Path) -> Result<impl Iterator<Item = Option<&'t str>> + 't, Error> {
    match column(table, name, path)? {
        Values::Text(texts) => Ok(texts.iter()),
        _ => Err(Error::Usage(format!("{}: column `{name}` must be declared \"text\"", path.display()))),
    }
}

fn dates<'t>(
    table: &'t Table,
    name: &str,
    path: &Path,
) -> Result<impl Iterator<Item = Option<chrono::NaiveDate>> + 't, Error> {
    match column(table, name, path)? {
        Values::Date(days) => Ok(days.iter().map(|day| day.map(input::Day::date))),
        _ => Err(Error::Usage(format!("{}: column `{name}` must be declared \"date\"", path.display()))),
    }
}

fn write_text(report: &Report, out: &mut String) {
    let reference = &report.reference;
    say!(
        out,
        "Children looked after, {}: projected from {} ({} runs; rates from {} to {})",
        report.authority,
        month_name(report.month),
        report.runs,
        reference.from.format("%-d %B %Y"),
        reference.to_before.pred_opt().unwrap_or(reference.to_before).format("%-d %B %Y"),
    );
    say!(
        out,
        "In care on {}: {}. In the reference months: {} entries, {} exits before 18, {} moves between placement types.",
        report.month.last_day().format("%-d %B %Y"),
        report.in_care_by_age.iter().sum::<usize>(),
        reference.entries,
        reference.exits_before_18,
        reference.moves
    );
    if reference.episodes_left_out > 0 {
        say!(
            out,
            "Left out: {} episodes with no start date or no date of birth in the header.",
            reference.episodes_left_out
        );
    }
    for scenario in &report.scenarios {
        write_scenario(report, scenario, out);
    }
}

/// A scenario's table: each age band now and at every 12 months (and the
/// last month), mean and 80% range.
fn write_scenario(report: &Report, projected: &Projected, out: &mut String) {
    let s = &projected.scenario;
    say!(out, "\n{} (entries x{}, exits x{}): mean, 80% range", s.name, s.entries, s.exits);
    let shown: Vec<&projection::ProjectedMonth> = projected
        .months
        .iter()
        .enumerate()
        .filter(|(k, _)| (k + 1) % 12 == 0 || k + 1 == projected.months.len())
        .map(|(_, month)| month)
        .collect();
    let mut header = format!("  {:<12}{:>8}", "", month_name(report.month));
    shown.iter().for_each(|month| header.push_str(&format!("{:>22}", month_name(month.month))));
    say!(out, "{header}");
    let range =
        |spread: &projection::Spread| format!("{:.0} ({:.0}-{:.0})", spread.mean, spread.lower80, spread.upper80);
    for (band, label) in report.age_bands.iter().enumerate() {
        let mut line = format!("  {label:<12}{:>8}", report.in_care_by_age[band]);
        shown.iter().for_each(|month| line.push_str(&format!("{:>22}", range(&month.by_age[band]))));
        say!(out, "{line}");
    }
    let mut line = format!("  {:<12}{:>8}", "Total", report.in_care_by_age.iter().sum::<usize>());
    shown.iter().for_each(|month| line.push_str(&format!("{:>22}", range(&month.total))));
    say!(out, "{line}");
    let cost: Vec<String> = shown
        .iter()
        .filter_map(|month| {
            month.cost.map(|cost| {
                format!(
                    "{}: £{:.0}k ({:.0}k-{:.0}k)",
                    month_name(month.month),
                    cost.mean / 1e3,
                    cost.lower80 / 1e3,
                    cost.upper80 / 1e3
                )
            })
        })
        .collect();
    if !cost.is_empty() {
        say!(out, "  Placement cost in the month: {}", cost.join("; "));
    }
}
