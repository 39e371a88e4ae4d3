//! Every extract the indicators use, of every member, read once: each file
//! parsed and typed on its own (spread over the cores), then each dataset's
//! pieces stacked into one frame tagged by authority and period.

use super::frames::{Piece, Stacked};
use super::loaded::Loaded;
use super::plan::{columns_used, CheckPlan, Plan};
use super::run::Snapshot;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::input;
use crate::language::used_datasets;
use crate::language::LookupRule;
use crate::parallel;
use crate::project::{ColumnType, DatasetConfig, Layout, Member, Month, Project};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every dataset the definitions use, read once and stacked over every
/// member's periods.
pub struct Data {
    /// Every month from the first to the last with any extract.
    pub months: Vec<Month>,
    /// Each dataset's frame and the (member, month) extracts it holds.
    pub(super) datasets: BTreeMap<String, (Stacked, BTreeSet<Snapshot>)>,
    /// Every extract read, with its SHA-256, in path order.
    pub inputs: Vec<(PathBuf, String)>,
    /// Rows of each monthly extract, by dataset and (member, month).
    rows: BTreeMap<(String, Snapshot), usize>,
    /// What each monthly extract's dates say of its period, likewise.
    dates: BTreeMap<(String, Snapshot), ExtractDates>,
    /// Optional columns an extract lacks, by dataset, member and month (no
    /// month: a history extract, lacking them at every month end).
    absent: BTreeMap<(String, usize, Option<Month>), Vec<String>>,
    /// Coded columns' values in no code, by dataset and (member, month).
    unmapped: BTreeMap<(String, Snapshot), Vec<input::Unmapped>>,
    /// History datasets: the month each member's extract ends with.
    history: BTreeMap<(String, usize), Month>,
}

impl Data {
    /// Values of `dataset`'s coded columns in no code, in a member's extract for `month`.
    pub fn unmapped(&self, dataset: &str, member: usize, month: Month) -> &[input::Unmapped] {
        self.unmapped.get(&(dataset.to_string(), (member, month))).map_or(&[], Vec::as_slice)
    }

    /// Optional columns a member's extract of `dataset` for `month` lacks.
    pub fn absent(&self, dataset: &str, member: usize, month: Month) -> &[String] {
        let of = |month| self.absent.get(&(dataset.to_string(), member, month)).map(Vec::as_slice);
        of(Some(month)).or_else(|| of(None)).unwrap_or_default()
    }

    /// What a member's monthly extract of `dataset` for `month` says of its
    /// period, if it was read.
    pub fn dates(&self, dataset: &str, member: usize, month: Month) -> Option<ExtractDates> {
        self.dates.get(&(dataset.to_string(), (member, month))).copied()
    }

    /// Rows in a member's monthly extract of `dataset` for `month`, if it was read.
    pub fn rows(&self, dataset: &str, member: usize, month: Month) -> Option<usize> {
        self.rows.get(&(dataset.to_string(), (member, month))).copied()
    }

    /// An extract's SHA-256, if it was read with hashes (`check` and builds).
    pub fn sha256(&self, path: &std::path::Path) -> Option<&str> {
        let at = self.inputs.binary_search_by(|(read, _)| read.as_path().cmp(path)).ok()?;
        Some(self.inputs[at].1.as_str()).filter(|hash| !hash.is_empty())
    }

    /// The month a member's history extract of `dataset` ends with, if it is one.
    pub(super) fn history_through(&self, dataset: &str, member: usize) -> Option<Month> {
        self.history.get(&(dataset.to_string(), member)).copied()
    }

    /// A dataset's frame and the (member, month) extracts it holds.
    pub(super) fn dataset(&self, name: &str) -> Result<&(Stacked, BTreeSet<Snapshot>), &'static str> {
        self.datasets.get(name).ok_or("dataset was not read")
    }

    /// Another group of members' data, its members numbered from `offset`,
    /// kept for what is done after evaluation (row counts, hashes, which
    /// extracts a dataset holds). Frames are not kept: both groups' have
    /// been evaluated, and dropping them is what bounds memory.
    pub(super) fn absorb(&mut self, other: Data, offset: usize) {
        self.drop_frames();
        // Taken apart whole, so that a field added to `Data` cannot be forgotten here
        // (the extracts' dates and absent columns once were: later groups lost their warnings).
        let Data { months, datasets, inputs, rows, dates, absent, unmapped, history } = other;
        let moved = |(member, month): Snapshot| (member + offset, month);
        for (name, (stacked, present)) in datasets {
            let empty = Stacked::empty(stacked.history);
            let (_, held) = self.datasets.entry(name).or_insert_with(|| (empty, BTreeSet::new()));
            held.extend(present.into_iter().map(moved));
        }
        self.inputs.extend(inputs);
        self.inputs.sort_by(|a, b| a.0.cmp(&b.0));
        self.rows.extend(rows.into_iter().map(|((name, snapshot), rows)| ((name, moved(snapshot)), rows)));
        self.dates.extend(dates.into_iter().map(|((name, snapshot), dates)| ((name, moved(snapshot)), dates)));
        self.unmapped.extend(unmapped.into_iter().map(|((name, snapshot), codes)| ((name, moved(snapshot)), codes)));
        self.absent
            .extend(absent.into_iter().map(|((name, member, month), names)| ((name, member + offset, month), names)));
        self.history.extend(history.into_iter().map(|((name, member), month)| ((name, member + offset), month)));
        self.months = span(self.months.iter().chain(&months));
    }

    pub(super) fn drop_frames(&mut self) {
        for (stacked, _) in self.datasets.values_mut() {
            *stacked = Stacked::empty(stacked.history);
        }
    }

    /// The frames of a plan's lookup datasets, in the plan's order.
    pub(super) fn lookups(&self, plan: &Plan) -> Result<Vec<&Stacked>, &'static str> {
        let frame = |lookup: &LookupRule| self.datasets.get(&lookup.dataset).map(|(stacked, _)| stacked);
        plan.lookups.iter().map(|lookup| frame(lookup).ok_or("lookup dataset was not read")).collect()
    }
}

/// Every month from the first to the last of `months`.
pub(super) fn span<'a>(months: impl Iterator<Item = &'a Month>) -> Vec<Month> {
    let (mut first, mut last) = (None::<Month>, None::<Month>);
    for month in months {
        first = Some(first.map_or(*month, |first| first.min(*month)));
        last = Some(last.map_or(*month, |last| last.max(*month)));
    }
    match (first, last) {
        (Some(first), Some(last)) => first.through(last).collect(),
        _ => Vec::new(),
    }
}

/// One extract to read: a member's monthly file, or a periodic or history
/// file (`month` is None) whose rows say their own periods.
struct Extract<'a> {
    dataset: &'a str,
    member: usize,
    month: Option<Month>,
    path: PathBuf,
    /// A history file's month, from its name.
    named_month: Option<Month>,
}

/// What a monthly extract's own dates say about the period it describes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractDates {
    /// The latest date in any of its date columns on or before the end of
    /// the month it is filed under. Dates of birth are not events, so a
    /// column named for them (`DOB`, `...Birth...`) is left out.
    pub latest: Option<chrono::NaiveDate>,
    /// A statutory return's census day (its `<ReferenceDate>`).
    pub reference: Option<chrono::NaiveDate>,
    /// The earliest date in those columns: how far back the extract reaches.
    pub earliest: Option<chrono::NaiveDate>,
}

impl ExtractDates {
    fn of(table: &input::Table, month: Month) -> ExtractDates {
        let end = input::Day::from_date(month.last_day());
        let events =
            table.columns.iter().filter(|(name, _)| !is_birth_date(name)).filter_map(|(_, values)| match values {
                input::Values::Date(days) => Some(days.iter().flatten().filter(|day| **day <= end)),
                _ => None,
            });
        let span = events.flatten().fold(None, |span: Option<(input::Day, input::Day)>, day| match span {
            Some((earliest, latest)) => Some((earliest.min(*day), latest.max(*day))),
            None => Some((*day, *day)),
        });
        let (earliest, latest) = match span {
            Some((earliest, latest)) => (Some(earliest.date()), Some(latest.date())),
            None => (None, None),
        };
        ExtractDates { latest, reference: table.reference_date, earliest }
    }
}

fn is_birth_date(column: &str) -> bool {
    let column = column.to_lowercase();
    column.contains("dob") || column.contains("birth")
}

/// One extract read.
struct ReadExtract {
    dates: ExtractDates,
    /// Optional columns the file lacks.
    absent: Vec<String>,
    piece: Piece,
    /// The months it holds.
    months: BTreeSet<Month>,
    rows: usize,
    sha256: String,
    unmapped: Vec<input::Unmapped>,
    /// A history extract: what says where it ends.
    history: Option<HistoryEnd>,
}

/// What says where a history extract ends.
#[derive(Debug, Clone, Copy)]
enum HistoryEnd {
    /// `history.through`, or the month in the file's name.
    Pinned(Month),
    /// The month of its latest date.
    Dated(Month),
    /// No dates: a table of today's values (a care leaver's status, a
    /// worker's FTE).
    Undated,
}

/// A member's history extracts are taken together (an SSD export), so
/// those not pinned by `history.through` or their file name all end with
/// the latest month any of them reaches. Each extract, with its end (None
/// when no extract of the member says) and its unmapped values.
fn resolve_history_ends<'a>(
    ends: &[(&'a Extract<'a>, HistoryEnd, Vec<input::Unmapped>)],
) -> Vec<(&'a Extract<'a>, Option<Month>, Vec<input::Unmapped>)> {
    let month_of = |end: &HistoryEnd| match end {
        HistoryEnd::Pinned(month) | HistoryEnd::Dated(month) => Some(*month),
        HistoryEnd::Undated => None,
    };
    let latest = |member: usize| {
        ends.iter().filter(|(extract, ..)| extract.member == member).filter_map(|(_, end, _)| month_of(end)).max()
    };
    ends.iter()
        .map(|(extract, end, unmapped)| {
            let through = match end {
                HistoryEnd::Pinned(month) => Some(*month),
                _ => latest(extract.member),
            };
            (*extract, through, unmapped.clone())
        })
        .collect()
}

/// What extracts are read for, which decides how much of them is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// `scorecard check`: every declared column is parsed and validated.
    Everything,
    /// A build: the columns indicators and checks use, with each file's
    /// SHA-256 for the manifest.
    ForBundles,
    /// `scorecard values`: the columns indicators use; no hashes.
    ValuesOnly,
    /// `scorecard explain`: those and the columns it shows (a record's id); no hashes.
    ForExplain,
}

/// Every member's extracts at once, every declared column, with hashes
/// (what the tests read; the commands read in groups). Every extract is
/// read and typed on its own, spread over the cores, then each dataset's
/// pieces are stacked into one frame.
pub fn read_data(loaded: &Loaded) -> Result<Data, Error> {
    read_members(loaded, &loaded.members, Reading::Everything)
}

/// One member's extracts alone (by its index among the members), as
/// `explain` reads them: the data's months are that member's.
pub fn read_member(loaded: &Loaded, member: usize, reading: Reading) -> Result<Data, Error> {
    read_members(loaded, std::slice::from_ref(&loaded.members[member]), reading)
}

/// `read_data` for some of the members (a group), numbered from 0.
pub(super) fn read_members(loaded: &Loaded, members: &[Member], reading: Reading) -> Result<Data, Error> {
    let started = std::time::Instant::now();
    let project = &loaded.project;
    let configs = dataset_configs(loaded, reading);
    let mut diagnostics = Diagnostics::default();
    let folders = month_folders(loaded, members, &mut diagnostics);
    let used: Vec<&str> = used_datasets(&loaded.definitions).into_iter().collect();
    let extracts = extracts(loaded, members, &used, &folders);
    let hash = matches!(reading, Reading::Everything | Reading::ForBundles);
    let results = read_every_extract(project, &configs, &extracts, hash);
    tracing::debug!(files = extracts.len(), elapsed_ms = started.elapsed().as_millis() as u64, "parsed extracts");
    let mut gathered = Gathered::default();
    for (extract, result) in extracts.iter().zip(results) {
        match result {
            Ok(read) => gathered.add(extract, read),
            Err(found) => diagnostics.extend(naming_the_dataset(found, extract)),
        }
    }
    gathered.end_histories(&configs, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(Error::Data(diagnostics.merge_repeated_file_problems()));
    }
    let Gathered { mut pieces, mut inputs, rows, dates, absent, unmapped, history, .. } = gathered;
    inputs.sort();
    let mut stacked = BTreeMap::new();
    let by_dataset: Vec<(&str, DatasetPieces)> =
        used.iter().map(|&name| (name, pieces.remove(name).unwrap_or_default())).collect();
    // Each dataset's frame on its own core: the first group's evaluation waits for them.
    let frames =
        parallel::map(&by_dataset, |(name, (dataset_pieces, _))| Stacked::new(&configs[*name], dataset_pieces));
    for ((name, (_, present)), frame) in by_dataset.into_iter().zip(frames) {
        match frame {
            Ok(frame) => {
                let megabytes = frame.bytes() / 1_000_000;
                tracing::debug!(dataset = name, rows = frame.rows(), megabytes, "stacked");
                stacked.insert(name.to_string(), (frame, present));
            }
            Err(error) => diagnostics.push(Diagnostic::file(&project.data_dir(), format!("dataset `{name}`: {error}"))),
        }
    }
    let months = months_present(&stacked, &folders);
    if months.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::file(&project.data_dir(), no_extracts(project, members, &used)));
    }
    tracing::info!(files = inputs.len(), elapsed_ms = started.elapsed().as_millis() as u64, "read extracts");
    diagnostics
        .into_result(Data { months, datasets: stacked, inputs, rows, dates, absent, unmapped, history })
        .map_err(Error::Data)
}

/// Each member's month folders (a member whose folders are wrong has none,
/// and its problems are told).
fn month_folders(loaded: &Loaded, members: &[Member], diagnostics: &mut Diagnostics) -> Vec<Vec<Month>> {
    let datasets = || loaded.project.datasets().map(|(_, config)| config);
    let folders = members.iter().map(|member| input::extract_months(&member.data_dir, datasets()));
    folders
        .map(|found| {
            found.unwrap_or_else(|found| {
                diagnostics.extend(found);
                Vec::new()
            })
        })
        .collect()
}

/// Every extract read on every core, in the order of `extracts`. A return
/// file is flattened once for every dataset drawn from it (`ReturnFiles`),
/// in an order keeping every core busy (`reading_order`).
fn read_every_extract(
    project: &Project,
    configs: &BTreeMap<String, DatasetConfig>,
    extracts: &[Extract],
    hash: bool,
) -> Vec<Result<ReadExtract, Diagnostics>> {
    let paths: Vec<&Path> = extracts.iter().map(|extract| extract.path.as_path()).collect();
    let returns = input::ReturnFiles::expecting(
        extracts.iter().map(|extract| (extract.path.as_path(), &configs[extract.dataset])),
    );
    let order = input::reading_order(&paths, parallel::workers());
    let read =
        |&index: &usize| read_extract(project, &configs[extracts[index].dataset], &extracts[index], hash, &returns);
    let mut results: Vec<Option<Result<ReadExtract, Diagnostics>>> = extracts.iter().map(|_| None).collect();
    for (index, result) in order.iter().zip(parallel::map(&order, read)) {
        results[*index] = Some(result);
    }
    results.into_iter().map(|result| result.expect("every extract was read")).collect()
}

/// A dataset's extracts as read, and the (member, month) snapshots they hold.
type DatasetPieces = (Vec<Piece>, BTreeSet<Snapshot>);

/// What the extracts read gave, by dataset and snapshot, as `Data` holds it.
#[derive(Default)]
struct Gathered<'a> {
    pieces: BTreeMap<&'a str, DatasetPieces>,
    inputs: Vec<(PathBuf, String)>,
    rows: BTreeMap<(String, Snapshot), usize>,
    dates: BTreeMap<(String, Snapshot), ExtractDates>,
    absent: BTreeMap<(String, usize, Option<Month>), Vec<String>>,
    unmapped: BTreeMap<(String, Snapshot), Vec<input::Unmapped>>,
    /// History extracts, until `end_histories` knows the month each ends with.
    ends: Vec<(&'a Extract<'a>, HistoryEnd, Vec<input::Unmapped>)>,
    history: BTreeMap<(String, usize), Month>,
}

impl<'a> Gathered<'a> {
    fn add(&mut self, extract: &'a Extract<'a>, read: ReadExtract) {
        let dataset = extract.dataset.to_string();
        if !read.absent.is_empty() {
            self.absent.insert((dataset.clone(), extract.member, extract.month), read.absent);
        }
        if let Some(month) = extract.month {
            self.rows.insert((dataset.clone(), (extract.member, month)), read.rows);
            self.dates.insert((dataset.clone(), (extract.member, month)), read.dates);
            self.unmapped.insert((dataset, (extract.member, month)), read.unmapped);
        } else if let Some(end) = read.history {
            self.ends.push((extract, end, read.unmapped));
        }
        let (dataset_pieces, present) = self.pieces.entry(extract.dataset).or_default();
        dataset_pieces.push(read.piece);
        present.extend(read.months.into_iter().map(|month| (extract.member, month)));
        self.inputs.push((extract.path.clone(), read.sha256));
    }

    /// Each history extract's months, once the month it ends with is known.
    fn end_histories(&mut self, configs: &BTreeMap<String, DatasetConfig>, diagnostics: &mut Diagnostics) {
        for (extract, through, not_coded) in resolve_history_ends(&self.ends) {
            let key = (extract.dataset.to_string(), extract.member);
            match history_range(&configs[extract.dataset], through) {
                Ok(range) => {
                    let through = *range.last().expect("a range holds its last month");
                    let present = &mut self.pieces.entry(extract.dataset).or_default().1;
                    present.extend(range.iter().map(|month| (extract.member, *month)));
                    // A history extract's unmapped values are findings of the month it ends with.
                    self.unmapped.insert((key.0.clone(), (extract.member, through)), not_coded);
                    self.history.insert(key, through);
                }
                Err(problem) => diagnostics.push(Diagnostic::file(&extract.path, problem)),
            }
        }
    }
}

/// Every month from the first to the last that any extract or month folder holds.
fn months_present(stacked: &BTreeMap<String, (Stacked, BTreeSet<Snapshot>)>, folders: &[Vec<Month>]) -> Vec<Month> {
    let present: BTreeSet<Month> = stacked
        .values()
        .flat_map(|(_, present)| present.iter().map(|(_, month)| *month))
        .chain(folders.iter().flatten().copied())
        .collect();
    match (present.first(), present.last()) {
        (Some(first), Some(last)) => first.through(*last).collect(),
        _ => Vec::new(),
    }
}

/// A workbook's problems with the file as a whole (which sheet), named by
/// dataset: several datasets read one workbook, each its own sheet.
fn naming_the_dataset(found: Diagnostics, extract: &Extract) -> Diagnostics {
    if !input::is_workbook(&extract.path) {
        return found;
    }
    let named = found.0.into_iter().map(|mut diagnostic| {
        if diagnostic.line == 0 {
            diagnostic.message = format!("dataset `{}`: {}", extract.dataset, diagnostic.message);
        }
        diagnostic
    });
    Diagnostics(named.collect())
}

/// Why no month has extracts: where the datasets in use look for them, and
/// each file that looks meant for a name pattern but does not match it.
fn no_extracts(project: &Project, members: &[Member], used: &[&str]) -> String {
    let mut expected = vec!["month folder (YYYY-MM)".to_string()];
    let mut near_misses = Vec::new();
    for config in used.iter().filter_map(|name| project.dataset(name)) {
        if !crate::project::is_pattern(&config.file) {
            continue;
        }
        let named = format!("file named like `{}`", config.file);
        if !expected.contains(&named) {
            expected.push(named);
            for member in members {
                let found = crate::project::near_misses(&member.data_dir, &config.file);
                near_misses.extend(found.into_iter().map(|name| format!("`{name}` does not match `{}`", config.file)));
            }
        }
    }
    let found = if near_misses.is_empty() { String::new() } else { format!("; {}", near_misses.join("; ")) };
    format!("no extracts: no {} in the data folder{found}", expected.join(" and no "))
}

fn extracts<'a>(loaded: &Loaded, members: &[Member], used: &[&'a str], folders: &[Vec<Month>]) -> Vec<Extract<'a>> {
    let mut extracts = Vec::new();
    for name in used {
        // `used` holds only datasets the definitions' checks found in the project.
        let Some(config) = loaded.project.dataset(name) else { continue };
        for (member, (details, months)) in members.iter().zip(folders).enumerate() {
            let files = input::locate(&details.data_dir, name, config, months);
            extracts.extend(files.monthly.into_iter().map(|(month, path)| Extract {
                dataset: name,
                member,
                month: Some(month),
                path,
                named_month: None,
            }));
            let named_month = files.named_month;
            extracts.extend(files.single.map(|path| Extract { dataset: name, member, month: None, path, named_month }));
        }
    }
    extracts
}

/// Each dataset's declared columns, cut down to those in use unless
/// everything is to be validated.
fn dataset_configs(loaded: &Loaded, reading: Reading) -> BTreeMap<String, DatasetConfig> {
    let checks: &[CheckPlan] = if reading == Reading::ForBundles { &loaded.checks } else { &[] };
    let used = columns_used(&loaded.plans, &loaded.definitions, checks, reading == Reading::ForExplain);
    let mut configs = BTreeMap::new();
    for (name, config) in loaded.project.datasets() {
        let mut config = config.clone();
        // A workbook's sheet is the one holding every declared column, so
        // every command reads the same sheet whatever it needs of it.
        let workbook = input::is_workbook(std::path::Path::new(&config.file));
        if reading != Reading::Everything && !workbook {
            let period = config.period_column_name().map(str::to_string);
            // A history extract's dates say where it ends, whatever is read
            // for; a bundle's extracts' dates say whether they are the month's.
            let dates = config.layout == Layout::History || reading == Reading::ForBundles;
            config.retain_columns(|column, kind| {
                used.get(name).is_some_and(|names| names.contains(column))
                    || period.as_deref() == Some(column)
                    || (dates && kind == ColumnType::Date)
            });
        }
        configs.insert(name.to_string(), config);
    }
    configs
}

fn read_extract(
    project: &Project,
    config: &DatasetConfig,
    extract: &Extract,
    hash: bool,
    returns: &input::ReturnFiles,
) -> Result<ReadExtract, Diagnostics> {
    let (mut table, sha256) = returns.read_table(&extract.path, config, hash)?;
    let unmapped = std::mem::take(&mut table.unmapped);
    let absent = std::mem::take(&mut table.absent);
    if config.layout == Layout::History {
        let end = history_end(config, &table, extract.named_month);
        let rows = table.rows;
        // Tagged with one month only: evaluation sets each month end in turn.
        let piece = Piece::new(extract.member, vec![Month::current()], table);
        // Its months are known once every history extract of the member is read.
        let months = BTreeSet::new();
        let dates = ExtractDates::default();
        return Ok(ReadExtract { dates, absent, piece, months, rows, sha256, unmapped, history: Some(end) });
    }
    let periods = match extract.month {
        Some(month) => vec![month],
        None => {
            let Some(column) = config.period_column_name() else {
                return Err(Diagnostic::file(&extract.path, "a periodic dataset needs `period_column`").into());
            };
            input::row_periods(&extract.path, &table, column, project.financial_year_start_month())?
        }
    };
    let months = periods.iter().copied().collect();
    let rows = table.rows;
    let dates = extract.month.map(|month| ExtractDates::of(&table, month)).unwrap_or_default();
    let piece = Piece::new(extract.member, periods, table);
    Ok(ReadExtract { dates, absent, piece, months, rows, sha256, unmapped, history: None })
}

/// What says where a history extract ends: `history.through`, else the
/// file name's month, else the month of its latest date (not counting dates
/// after the current month, and stepping back when that month has not
/// ended).
fn history_end(config: &DatasetConfig, table: &input::Table, named: Option<Month>) -> HistoryEnd {
    if let Some(month) = config.history.through_month().or(named) {
        return HistoryEnd::Pinned(month);
    }
    let current = Month::current();
    let latest = (|| {
        let latest = table
            .columns
            .iter()
            .filter_map(|(_, values)| match values {
                input::Values::Date(dates) => Some(dates.iter().flatten().map(|day| Month::containing(day.date()))),
                _ => None,
            })
            .flatten()
            .filter(|month| *month <= current)
            .max()?;
        Some(if latest == current { latest.previous() } else { latest })
    })();
    latest.map_or(HistoryEnd::Undated, HistoryEnd::Dated)
}

/// The month ends a history extract is evaluated at: from `history.from`
/// (default 35 months before `through`) to `through`.
fn history_range(config: &DatasetConfig, through: Option<Month>) -> Result<BTreeSet<Month>, String> {
    let through = through.ok_or(
        "a history extract needs dated records to say where it ends, and neither it nor any other history \
         extract of the authority has any (set `history.through`)",
    )?;
    let from = config.history.first_month().unwrap_or_else(|| (0..35).fold(through, |month, _| month.previous()));
    if from > through {
        return Err(format!("the history range starts ({from}) after the extract ends ({through})"));
    }
    Ok(from.through(through).collect())
}
