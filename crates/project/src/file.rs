//! The project file, `scorecard.toml`: who the authority is, where its
//! extracts live, what each extract looks like, and where outputs go.

use super::calendar::HolidayCalendar;
use super::file_pattern::is_pattern;
use super::names::{is_authority_code, is_safe_id};
use crate::diagnostics::{did_you_mean, Diagnostics, SourceFile};
use crate::diagnostics::{field_names, parse_toml};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The project file's name, in the project folder.
pub(crate) const PROJECT_FILE: &str = "scorecard.toml";
/// The tables a statutory-return XML dataset may be (`table`).
pub const RETURN_TABLES: [&str; 8] =
    ["children", "referrals", "assessments", "cin-plans", "section47", "cp-plans", "workers", "vacancies"];
/// The file extensions read as workbooks rather than CSV.
pub const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];
/// The folder of `*.toml` files of dated events, beside the project file.
pub(crate) const EVENTS_FOLDER: &str = "events";

/// `scorecard.toml`: the authority, where its extracts are, what they look like and where outputs go.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ProjectFile {
    /// `[authority]`: who the scorecard is for (in a consortium, the consortium's name).
    pub(crate) authority: Authority,
    /// Children aged 0-17 by calendar year (ONS mid-year estimates).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, u64>")]
    pub(crate) population: BTreeMap<String, Spanned<u64>>,
    /// `[paths]`: folders, relative to the project folder.
    pub(crate) paths: Paths,
    /// `[calendar]`: financial year and working days.
    #[serde(default)]
    pub(crate) calendar: CalendarConfig,
    /// `[datasets.<name>]`: each extract's file and columns.
    #[schemars(with = "BTreeMap<String, DatasetConfig>")]
    pub(crate) datasets: BTreeMap<String, Spanned<DatasetConfig>>,
    /// `[benchmarks]`: where DfE published statistics are.
    #[serde(default)]
    pub(crate) benchmarks: BenchmarkFiles,
    /// `[disclosure]`: small-number suppression in published outputs.
    #[serde(default)]
    pub(crate) disclosure: Disclosure,
    /// `[consortium]`: a consortium's own name (its members are in `members.csv`).
    #[serde(default)]
    pub(crate) consortium: ConsortiumName,
    /// `[checks]`: what a month must pass, beyond having every extract, to be published.
    #[serde(default)]
    pub(crate) checks: PublishChecks,
    /// `[[events]]`: dated events drawn on the charts (more may be in `events/*.toml`).
    #[serde(default)]
    pub(crate) events: Vec<EventEntry>,
    /// `[board_pack]`: which indicators have pages in board-pack.pdf, and whether full-pack.pdf is written.
    #[serde(default)]
    pub(crate) board_pack: BoardPackConfig,
    /// `[owners]`: each indicator's accountable lead, by indicator id
    /// (`agency-rate = "Head of Workforce"`), shown beside it everywhere.
    /// Kept here, not in the indicator's file, so that shared definitions
    /// stay the same for every council.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub(crate) owners: BTreeMap<String, Spanned<String>>,
    /// `[charts]`: how the trend charts are drawn.
    #[serde(default)]
    pub(crate) charts: ChartsConfig,
    /// `[forecast]`: whether each indicator's forecast is shown.
    #[serde(default)]
    pub(crate) forecast: ForecastConfig,
    /// `[projection]`: the demand projection for children looked after
    /// (`scorecard project`, docs/projection.md).
    #[serde(default)]
    pub(crate) projection: Option<ProjectionConfig>,
}

/// The demand projection for children looked after (docs/projection.md).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectionConfig {
    /// The dataset of SSDA903 episodes (columns CHILD, DECOM, DEC, PLACE).
    #[serde(default = "default_episodes")]
    pub episodes: String,
    /// The dataset of SSDA903 headers (columns CHILD, DOB).
    #[serde(default = "default_header")]
    pub header: String,
    /// Months before the last observed month's end whose entries, exits and
    /// moves set the rates (default 12).
    #[serde(default = "default_reference_months")]
    pub reference_months: u32,
    /// Months projected, 1 to 36 (default 24).
    #[serde(default = "default_projection_months")]
    pub months: u32,
    /// Simulated runs, 100 to 20000 (default 1000).
    #[serde(default = "default_runs")]
    pub runs: u32,
    /// The random seed, so a projection can be repeated exactly (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Weekly cost of a placement of each type, in pounds: `fostering`,
    /// `residential`, `supported`, `other`. With all four the projection
    /// gives each month's cost.
    #[serde(default)]
    pub weekly_costs: Option<WeeklyCosts>,
    /// What-ifs beside the projection at observed rates:
    /// `{ name = "Entries down 10%", entries = 0.9, exits = 1.0 }`.
    #[serde(default)]
    pub scenarios: Vec<ScenarioConfig>,
}

/// Weekly cost of a placement of each type.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyCosts {
    /// Foster care (SSDA903 placement codes U1-U6), pounds a week.
    pub fostering: f64,
    /// Children's homes and residential care (K2, R1), pounds a week.
    pub residential: f64,
    /// Supported accommodation (H5, P2), pounds a week.
    pub supported: f64,
    /// Every other placement, pounds a week.
    pub other: f64,
}

/// A what-if: entries and exits as multiples of the observed rates.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    /// What the scenario is called on the page and in the packs.
    pub name: String,
    /// The entry rate as a multiple of the observed one (default 1; 0.9 is
    /// 10% fewer entries), 0 to 10.
    #[serde(default = "one")]
    pub entries: f64,
    /// Every exit rate as a multiple of the observed one (default 1), 0 to 10.
    #[serde(default = "one")]
    pub exits: f64,
}

fn default_episodes() -> String {
    "cla-episodes".into()
}

fn default_header() -> String {
    "cla-header".into()
}

fn default_reference_months() -> u32 {
    12
}

fn default_projection_months() -> u32 {
    24
}

fn default_runs() -> u32 {
    1000
}

fn default_seed() -> u64 {
    1
}

fn one() -> f64 {
    1.0
}

/// Forecasts (docs/forecast.md).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct ForecastConfig {
    /// Show where each monthly indicator with 24 months of values is heading
    /// (to the financial year's end and 12 months on, with 80% and 95%
    /// ranges and the chance of meeting the year-end target) on the page,
    /// the packs, the charts and scorecard.json. Default false: in backtests
    /// the ranges held fewer later values than they say on some series
    /// (docs/forecast.md), so a council turns them on knowing that.
    #[serde(default)]
    pub show: bool,
    /// The scale the model is fitted on: `reported` (default; the limits
    /// cut at the unit's bounds) or `unit` (proportions on the logit scale,
    /// rates and counts on the log scale). In the backtests the reported
    /// scale's ranges held what they say and the unit's were too narrow on
    /// a generated consortium (docs/forecast.md).
    #[serde(default)]
    pub scale: ForecastScale,
}

/// What `[forecast] scale` chooses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForecastScale {
    /// The scale the values are reported on.
    #[default]
    Reported,
    /// Proportions on the logit scale, rates and counts on the log scale.
    Unit,
}

/// Trend charts.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct ChartsConfig {
    /// Pale RAG bands behind a chart with SPC limits too (default false:
    /// SPC charts plain, as Making Data Count draws them, with the target
    /// line and the RAG rail at the right edge).
    #[serde(default)]
    pub rag_bands_on_spc: bool,
}

/// The board pack (`board-pack.pdf`) gives a page to each indicator that
/// needs attention; every indicator is a row of its 13-month table. The
/// full pack (`full-pack.pdf`) has a page for every indicator.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct BoardPackConfig {
    /// Indicator ids that have a page in the board pack whatever their
    /// rating (a plan's headline measures, say), besides those needing attention.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub pages_for: Vec<Spanned<String>>,
    /// Whether `full-pack.pdf` is written beside the board pack (default true).
    #[serde(default = "yes")]
    pub full_pack: bool,
}

impl Default for BoardPackConfig {
    fn default() -> BoardPackConfig {
        BoardPackConfig { pages_for: Vec::new(), full_pack: true }
    }
}

fn yes() -> bool {
    true
}

/// A dated event, e.g. a new front door: a labelled marker on every chart
/// whose months it falls in, listed in each indicator's section.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct EventEntry {
    /// `YYYY-MM-DD`, or `YYYY-MM` for a month as a whole (drawn at its start).
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// Drawn on the charts, so short: at most 40 characters, e.g. "New front door".
    #[schemars(with = "String")]
    pub label: Spanned<String>,
    /// The indicator ids it concerns; none means every indicator.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub indicators: Vec<Spanned<String>>,
    /// A change to the process itself: SPC limits of the indicators it
    /// concerns are recalculated from its month, as `spc.rebase` would.
    #[serde(default)]
    pub rebase: bool,
}

/// A consortium's own name, for its front page and comparisons: never a
/// member's.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct ConsortiumName {
    /// E.g. "North East regional consortium"; without it, "Consortium of N authorities".
    pub name: Option<String>,
}

/// Plausibility of a month against the previous one. Each failing check is
/// a warning in `check`, the build's log and the bundle, unless it is named
/// in `fail_on`, when it stops the build (exit 7) before anything is written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct PublishChecks {
    /// Warn when a dataset's row count differs from the previous month's by
    /// more than this percentage, either way (default 30).
    #[serde(default = "thirty")]
    #[schemars(with = "f64")]
    pub row_change_percent: Spanned<f64>,
    /// Warn when a monthly extract's latest date (dates of birth aside) is
    /// more than this many days before the end of the month it is filed
    /// under (default 45): an old file in a new folder.
    #[serde(default = "forty_five")]
    pub latest_date_within_days: u32,
    /// The warnings that stop a build: `row_count`, `identical_extract`, `month_gap`, `period`, `coverage`.
    #[serde(default)]
    pub fail_on: Vec<WarningKind>,
}

impl Default for PublishChecks {
    fn default() -> PublishChecks {
        PublishChecks { row_change_percent: thirty(), latest_date_within_days: forty_five(), fail_on: Vec::new() }
    }
}

fn forty_five() -> u32 {
    45
}

fn thirty() -> Spanned<f64> {
    Spanned::new(0..0, 30.0)
}

impl WarningKind {
    /// The kind of warning in words.
    pub fn describe(self) -> &'static str {
        match self {
            WarningKind::RowCount => "row count",
            WarningKind::IdenticalExtract => "identical to last month",
            WarningKind::MonthGap => "months missing",
            WarningKind::Period => "another period's data",
            WarningKind::Coverage => "shorter than a window",
        }
    }
}

/// The kinds of plausibility warning.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A dataset's row count moved by more than `row_change_percent` since the previous month.
    RowCount,
    /// An extract is byte for byte the previous month's (a stale copy).
    IdenticalExtract,
    /// Months before this one have no folder.
    MonthGap,
    /// An extract's own dates put it in another period: a return whose
    /// reference date is before the month, or an extract whose latest date
    /// is more than `latest_date_within_days` before the month's end.
    Period,
    /// An extract reaches back less far than the window of an indicator
    /// that reads it (Annex A's six-month List 3 under a 12-month window).
    Coverage,
}

/// Small-number suppression in published outputs.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct Disclosure {
    /// Counts of people from 1 to `suppress_below - 1` are shown as `c`
    /// (DfE: 6, so 1-5); 0 turns suppression off.
    #[serde(default = "six")]
    pub suppress_below: u32,
}

impl Default for Disclosure {
    fn default() -> Disclosure {
        Disclosure { suppress_below: six() }
    }
}

fn six() -> u32 {
    6
}

/// Where published statistics for benchmarks live.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct BenchmarkFiles {
    /// Folder of DfE Explore Education Statistics CSVs.
    pub folder: Option<String>,
    /// The statistical neighbour groupings file in that folder: DfE's 2021
    /// groupings or its 2025 model (`sn_model_2025_wide.csv`).
    pub neighbours: Option<String>,
}

/// The authority a single council's project reports on.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct Authority {
    /// The name shown on every page, e.g. "Northbridge Council".
    pub name: String,
    /// ONS code, e.g. E06000008.
    #[schemars(with = "String")]
    pub(crate) code: Spanned<String>,
    /// The region, as DfE names it (for regional benchmarks).
    pub region: Option<String>,
}

/// Folders, relative to the project folder.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct Paths {
    /// Folder holding `YYYY-MM/` month folders (and period files).
    pub data: String,
    /// Folders searched for `<theme>/<id>.toml` definitions.
    pub indicators: Vec<String>,
    /// Folder that receives `YYYY-MM/` report bundles.
    pub output: String,
}

/// The financial year and the working-day calendar.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct CalendarConfig {
    /// The month the financial year starts (default 4, April).
    #[serde(default = "april")]
    #[schemars(with = "u32")]
    pub financial_year_start_month: Spanned<u32>,
    /// `england-and-wales` (built-in 2015-2030 list) or `none`.
    #[serde(default = "england_and_wales")]
    #[schemars(with = "String")]
    pub bank_holidays: Spanned<String>,
    /// Extra non-working days (YYYY-MM-DD), e.g. a council closure day.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub extra_holidays: Vec<Spanned<String>>,
}

impl Default for CalendarConfig {
    fn default() -> CalendarConfig {
        CalendarConfig {
            financial_year_start_month: april(),
            bank_holidays: england_and_wales(),
            extra_holidays: Vec::new(),
        }
    }
}

fn april() -> Spanned<u32> {
    Spanned::new(0..0, 4)
}

fn england_and_wales() -> Spanned<String> {
    Spanned::new(0..0, "england-and-wales".to_string())
}

/// How a dataset's extracts are laid out in the data folder.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `<data>/YYYY-MM/<file>`: one month-end snapshot per month.
    Monthly,
    /// `<data>/<file>`: one file whose `period_column` says which period a row belongs to.
    Periodic,
    /// `<data>/<file>`: one current extract of dated records (every referral,
    /// every episode), evaluated as at each month end of its `history` range:
    /// `period_end` is that month's last day, so definitions that compare
    /// dates with `period_end` and the window columns work unchanged.
    History,
}

impl HistoryRange {
    /// `from`, once checked.
    pub fn first_month(&self) -> Option<super::period::Month> {
        self.from.as_ref().and_then(|month| month.get_ref().parse().ok())
    }

    /// `through`, once checked.
    pub fn through_month(&self) -> Option<super::period::Month> {
        self.through.as_ref().and_then(|month| month.get_ref().parse().ok())
    }
}

/// The month ends a `history` dataset is evaluated at.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct HistoryRange {
    /// The first month, `YYYY-MM` (default: 35 months before `through`, so 36 month ends).
    #[schemars(with = "Option<String>")]
    pub(crate) from: Option<Spanned<String>>,
    /// The last month, `YYYY-MM`. Default: the month of the file name when
    /// `file` is a pattern (the latest such file is read), else the month of
    /// the latest date in the extract's date columns, or the month before it
    /// when that month has not ended yet (an extract taken on 4 December
    /// ends in November).
    #[schemars(with = "Option<String>")]
    pub(crate) through: Option<Spanned<String>>,
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Any text; blank (or a null marker) is no value.
    Text,
    /// Whole numbers.
    Integer,
    /// Numbers with decimals.
    Number,
    /// Dates in one of `date_formats` (or Excel serial numbers).
    Date,
    /// Yes or no, in any case: `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`,
    /// `a) Yes`/`b) No` (Annex A); usable directly as a condition.
    Boolean,
}

/// One extract: its file, layout and typed columns.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct DatasetConfig {
    /// `monthly` (a file in each month folder), `periodic` (one file, a
    /// period column) or `history` (one current extract, evaluated as at each month end).
    pub layout: Layout,
    /// Workbooks (`.xlsx`, `.xls`, `.ods`) only: the sheet's name (any
    /// case). Without it, the one sheet whose header row holds every
    /// declared column is read.
    #[schemars(with = "Option<String>")]
    pub(crate) sheet: Option<Spanned<String>>,
    /// Statutory-return XML only (`file` ending `.xml`): the table of the
    /// return this dataset is. CIN census: `children`, `referrals`,
    /// `assessments`, `cin-plans`, `section47`, `cp-plans`; workforce census:
    /// `workers`, `vacancies`.
    #[schemars(with = "Option<String>")]
    pub(crate) table: Option<Spanned<String>>,
    /// History layout only: the month ends to evaluate at (default: the 36 the extract ends with).
    #[serde(default)]
    pub history: HistoryRange,
    /// The file name, e.g. `ssda903_episodes.csv` (a plain name, no folders).
    pub file: String,
    /// The column identifying one entity (child, worker): used by
    /// `per_entity` aggregation and checked for blanks.
    #[schemars(with = "Option<String>")]
    pub(crate) key: Option<Spanned<String>>,
    /// The column identifying one record (an episode, an assessment), e.g.
    /// `CINdetailsID`: shown by `explain` beside the key, so that records of
    /// one child are told apart.
    #[schemars(with = "Option<String>")]
    pub(crate) record_id: Option<Spanned<String>>,
    /// chrono formats tried in order, e.g. `%d/%m/%Y`.
    #[serde(default = "default_date_formats")]
    pub date_formats: Vec<String>,
    /// Cell values read as "no value".
    #[serde(default = "default_null_markers")]
    pub null_markers: Vec<String>,
    /// Column name -> type. Columns in the file but not listed are ignored.
    #[schemars(with = "BTreeMap<String, ColumnType>")]
    pub(crate) columns: BTreeMap<String, Spanned<ColumnType>>,
    /// Other spellings of a column's header, as suppliers and years drift:
    /// `CINreferralDate = ["Date of Referral", "Referral date"]` (matched
    /// ignoring case and surrounding spaces, like the name itself).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub(crate) headers: BTreeMap<String, Spanned<Vec<String>>>,
    /// Per text column, the code each way of writing an answer stands for:
    /// `Gender = { F = ["Female", "b) Female", "2"], M = ["Male", "a) Male", "1"] }`
    /// (any case). A value that is a code already is kept; any other is kept
    /// as written and reported (how many rows, with examples).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, BTreeMap<String, Vec<String>>>")]
    pub(crate) codes: BTreeMap<String, Spanned<BTreeMap<String, Vec<String>>>>,
    /// Data-quality checks: rows for which `fails` is true are counted and
    /// reported in the bundle's data-quality section; they do not stop a build.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// Periodic layout only: the column naming each row's period.
    #[schemars(with = "Option<String>")]
    pub(crate) period_column: Option<Spanned<String>>,
    /// The largest file this dataset may be, in MB (1 to 2048, the
    /// default): a larger file is refused before a byte of it is read.
    #[schemars(with = "Option<u64>")]
    #[serde(default)]
    pub(crate) largest_file_mb: Option<Spanned<u64>>,
    /// Declared columns a file may lack (versions of a format differ): an
    /// extract without one is read, and only the indicators that use it are
    /// not calculable for that month, saying which column is missing.
    #[serde(default)]
    pub optional: Vec<String>,
    /// `false` when the council does not hold this source (a looked-after
    /// team with only the SSDA903 return): no file is expected, a month is
    /// complete without it, and the indicators reading it are left out.
    #[serde(default = "held_by_default")]
    pub held: bool,
}

fn held_by_default() -> bool {
    true
}

/// The largest extract read, in MB (2 GiB): a CSV is held whole while it is
/// typed, and no council's month of records comes near it.
pub const LARGEST_FILE_MB: u64 = 2048;

/// A data-quality check: rows failing it are counted and reported.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct Check {
    /// Shown in the data-quality section, e.g. "episode ends before it starts".
    pub name: String,
    /// SQL condition true for a failing row, e.g. `DEC < DECOM`.
    #[schemars(with = "String")]
    pub(crate) fails: Spanned<String>,
}

impl Check {
    /// `fails` as written, with where it is in scorecard.toml.
    pub fn condition(&self) -> crate::diagnostics::Written {
        (&self.fails).into()
    }
}

fn default_date_formats() -> Vec<String> {
    vec!["%d/%m/%Y".to_string(), "%Y-%m-%d".to_string()]
}

fn default_null_markers() -> Vec<String> {
    ["", "NULL", "N/A", "NA"].map(String::from).to_vec()
}

impl DatasetConfig {
    /// `key` as written, for the definitions' checker to point at.
    pub fn key_as_written(&self) -> Option<&Spanned<String>> {
        self.key.as_ref()
    }

    /// Column `name`'s declared type, when it is declared.
    pub fn column_type(&self, name: &str) -> Option<ColumnType> {
        self.columns.get(name).map(|column| *column.get_ref())
    }

    /// The column identifying one record (an episode), when declared.
    pub fn record_id_name(&self) -> Option<&str> {
        self.record_id.as_ref().map(|id| id.get_ref().as_str())
    }

    /// The column identifying a record's entity (a child, a worker), when declared.
    pub fn key_name(&self) -> Option<&str> {
        self.key.as_ref().map(|key| key.get_ref().as_str())
    }

    /// The largest file of this dataset that is read, in bytes.
    pub fn largest_file_bytes(&self) -> u64 {
        self.largest_file_mb.as_ref().map_or(LARGEST_FILE_MB, |mb| *mb.get_ref()) << 20
    }

    /// Keeps only the declared columns `keep` is true for (given each
    /// column's name and type): what a command reads of the dataset.
    pub fn retain_columns(&mut self, mut keep: impl FnMut(&str, ColumnType) -> bool) {
        self.columns.retain(|name, kind| keep(name, *kind.get_ref()));
    }

    /// Each declared column and its type, by name.
    pub fn column_types(&self) -> impl Iterator<Item = (&str, ColumnType)> + '_ {
        self.columns.iter().map(|(name, kind)| (name.as_str(), *kind.get_ref()))
    }

    /// The sheet, statutory-return table or element this dataset reads, when named.
    pub fn table_name(&self) -> Option<&str> {
        self.table.as_ref().map(|table| table.get_ref().as_str())
    }

    /// The workbook sheet (a name, or a pattern with `*`) this dataset reads, when named.
    pub fn sheet_name(&self) -> Option<&str> {
        self.sheet.as_ref().map(|sheet| sheet.get_ref().as_str())
    }

    /// Other spellings of column `name`'s header (none when it has none).
    pub fn header_spellings(&self, name: &str) -> &[String] {
        self.headers.get(name).map(|spellings| spellings.get_ref().as_slice()).unwrap_or_default()
    }

    /// Text column `name`'s codes: each code and the ways of writing it.
    pub fn codes_of(&self, name: &str) -> Option<&BTreeMap<String, Vec<String>>> {
        self.codes.get(name).map(Spanned::get_ref)
    }

    /// Periodic layout: the column naming each row's period.
    pub fn period_column_name(&self) -> Option<&str> {
        self.period_column.as_ref().map(|period| period.get_ref().as_str())
    }
}

/// A loaded, checked project.
#[derive(Debug)]
pub struct Project {
    /// The project folder.
    pub root: PathBuf,
    /// The project file's text, for diagnostics.
    pub source: SourceFile,
    /// The project file as read, with its spans: later stages read it
    /// through the accessors below.
    pub(crate) file: ProjectFile,
    /// Bank holidays and extra closure days, for working days.
    pub holidays: HolidayCalendar,
}

impl Project {
    /// Reads and checks `root`'s scorecard.toml: every problem found, in one pass.
    pub fn load(root: &Path) -> Result<Project, Diagnostics> {
        let path = if root == Path::new(".") { PathBuf::from(PROJECT_FILE) } else { root.join(PROJECT_FILE) };
        let source = SourceFile::read(&path)?;
        let (file, mut diagnostics) = parse_toml::<ProjectFile>(&source, &known_keys());
        let Some(file) = file else { return Err(diagnostics) };
        diagnostics.extend(check(&source, &file));
        let holidays = holiday_calendar(&source, &file.calendar, &mut diagnostics);
        diagnostics.into_result(Project { root: root.to_owned(), source, file, holidays })
    }

    /// A path from the project file, relative to the project folder (and
    /// kept relative when that is the current folder, for short messages).
    fn resolve(&self, relative: &str) -> PathBuf {
        if self.root == Path::new(".") {
            PathBuf::from(relative)
        } else {
            self.root.join(relative)
        }
    }

    /// Where the extracts are.
    pub fn data_dir(&self) -> PathBuf {
        self.resolve(&self.file.paths.data)
    }

    /// Where bundles are written.
    pub fn output_dir(&self) -> PathBuf {
        self.resolve(&self.file.paths.output)
    }

    /// The folders indicator definitions are read from.
    pub fn indicator_dirs(&self) -> Vec<PathBuf> {
        self.file.paths.indicators.iter().map(|dir| self.resolve(dir)).collect()
    }

    /// `events/`: files of dated events beside the project file.
    pub fn events_dir(&self) -> PathBuf {
        self.resolve(EVENTS_FOLDER)
    }

    /// The folder of published benchmark files, when `[benchmarks]` names one.
    pub fn benchmark_folder(&self) -> Option<PathBuf> {
        self.file.benchmarks.folder.as_deref().map(|folder| self.resolve(folder))
    }

    /// The statistical neighbours file, when named.
    pub fn neighbours_file(&self) -> Option<PathBuf> {
        Some(self.benchmark_folder()?.join(self.file.benchmarks.neighbours.as_deref()?))
    }

    /// Dataset `name`'s settings, when declared.
    pub fn dataset(&self, name: &str) -> Option<&DatasetConfig> {
        self.file.datasets.get(name).map(Spanned::get_ref)
    }

    /// The authority's name, as the pages print it.
    pub fn authority_name(&self) -> &str {
        &self.file.authority.name
    }

    /// `[charts]`.
    pub fn charts(&self) -> &ChartsConfig {
        &self.file.charts
    }

    /// `[forecast]`.
    pub fn forecast(&self) -> &ForecastConfig {
        &self.file.forecast
    }

    /// `[projection]`, when the project projects children looked after.
    pub fn projection(&self) -> Option<&ProjectionConfig> {
        self.file.projection.as_ref()
    }

    /// `[checks] latest_date_within_days`: how many days before the end of
    /// its month a monthly extract's latest date may be before it is called old.
    pub fn latest_date_within_days(&self) -> u32 {
        self.file.checks.latest_date_within_days
    }

    /// `[checks] fail_on`: the warnings that stop a build.
    pub fn fail_on(&self) -> &[WarningKind] {
        &self.file.checks.fail_on
    }

    /// `[disclosure]`.
    pub fn disclosure(&self) -> &Disclosure {
        &self.file.disclosure
    }

    /// `[board_pack] full_pack`: whether `full-pack.pdf` is written beside the board pack.
    pub fn full_pack(&self) -> bool {
        self.file.board_pack.full_pack
    }

    /// True when `[owners]` names anyone.
    pub fn has_owners(&self) -> bool {
        !self.file.owners.is_empty()
    }

    /// `[[events]]` as written, for `language` to check (with their spans).
    pub fn events_as_written(&self) -> &[EventEntry] {
        &self.file.events
    }

    /// Every dataset, by name.
    pub fn datasets(&self) -> impl Iterator<Item = (&str, &DatasetConfig)> + '_ {
        self.file.datasets.iter().map(|(name, config)| (name.as_str(), config.get_ref()))
    }

    /// The accountable lead for indicator `id`, when `[owners]` names one.
    pub fn owner(&self, id: &str) -> Option<&str> {
        self.file.owners.get(id).map(|owner| owner.get_ref().as_str())
    }

    /// The indicators `[board_pack] pages_for` gives a page in the board pack.
    pub fn board_pages_for(&self) -> impl Iterator<Item = &str> + '_ {
        self.file.board_pack.pages_for.iter().map(|id| id.get_ref().as_str())
    }

    /// The indicator ids the project file names, each with its section and
    /// where it is written: `[board_pack] pages_for`, then `[owners]` (the
    /// span of an owner's value, as the key has none).
    pub fn indicators_named(&self) -> impl Iterator<Item = (&'static str, &str, Range<usize>)> + '_ {
        let pages_for = self.file.board_pack.pages_for.iter();
        let pages_for = pages_for.map(|id| ("[board_pack] pages_for", id.get_ref().as_str(), id.span()));
        let owners = self.file.owners.iter().map(|(id, owner)| ("[owners]", id.as_str(), owner.span()));
        pages_for.chain(owners)
    }

    /// `[checks] row_change_percent`: the change in a dataset's rows, in
    /// percent, beyond which a month is flagged.
    pub fn row_change_percent(&self) -> f64 {
        *self.file.checks.row_change_percent.get_ref()
    }

    /// The name a consortium of `members` authorities goes by.
    pub fn consortium_name(&self, members: usize) -> String {
        self.file.consortium.name.clone().unwrap_or_else(|| format!("Consortium of {members} authorities"))
    }

    /// The month the financial year starts (4: April).
    pub fn financial_year_start_month(&self) -> u32 {
        *self.file.calendar.financial_year_start_month.get_ref()
    }
}

fn known_keys() -> Vec<&'static str> {
    [
        field_names::<ProjectFile>(),
        field_names::<Authority>(),
        field_names::<Paths>(),
        field_names::<CalendarConfig>(),
        field_names::<DatasetConfig>(),
        field_names::<BenchmarkFiles>(),
        field_names::<Disclosure>(),
        field_names::<Check>(),
        field_names::<PublishChecks>(),
        field_names::<ConsortiumName>(),
        field_names::<EventEntry>(),
        field_names::<HistoryRange>(),
        field_names::<BoardPackConfig>(),
        field_names::<ChartsConfig>(),
    ]
    .concat()
}

/// The code `init` writes: in the right form, so that nothing else fails,
/// but no authority's, and refused until it is replaced.
pub(crate) const PLACEHOLDER_CODE: &str = "E00000000";

fn check(source: &SourceFile, file: &ProjectFile) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let code = &file.authority.code;
    if code.get_ref() == PLACEHOLDER_CODE {
        diagnostics.push(
            source
                .error(code.span(), "the authority code is still the template's placeholder", "set this")
                .with_help("your authority's ONS code, E followed by 8 digits (Birmingham is E08000025): benchmarks, neighbours and the bundle's name use it"),
        );
    } else if !is_authority_code(code.get_ref()) {
        diagnostics.push(source.error(
            code.span(),
            format!("`{}` is not an English local authority code", code.get_ref()),
            "expected E followed by 8 digits, e.g. E06000008",
        ));
    }
    for (year, count) in &file.population {
        if year.parse::<i32>().is_err() || *count.get_ref() == 0 {
            diagnostics.push(source.error(
                count.span(),
                format!("population `{year}` must be a year with a positive count"),
                "here",
            ));
        }
    }
    check_paths(source, &file.paths, &mut diagnostics);
    let band = &file.checks.row_change_percent;
    if !(*band.get_ref() > 0.0 && band.get_ref().is_finite()) {
        diagnostics.push(source.error(band.span(), "row_change_percent must be a positive percentage", "here"));
    }
    let start = &file.calendar.financial_year_start_month;
    if !(1..=12).contains(start.get_ref()) {
        diagnostics.push(source.error(start.span(), "financial_year_start_month must be 1-12", "not a month"));
    }
    for (name, dataset) in &file.datasets {
        check_dataset(source, name, dataset, &mut diagnostics);
    }
    diagnostics
}

/// Builds replace whole folders under the output folder, so it must never
/// hold, or be held by, the extracts or the definitions.
fn check_paths(source: &SourceFile, paths: &Paths, diagnostics: &mut Diagnostics) {
    let normal = |path: &str| -> PathBuf {
        Path::new(path).components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
    };
    let output = normal(&paths.output);
    let inputs = std::iter::once(&paths.data).chain(&paths.indicators);
    for input in inputs {
        let input_path = normal(input);
        if output.as_os_str().is_empty() || output.starts_with(&input_path) || input_path.starts_with(&output) {
            let at = source.text.find("output").unwrap_or(0);
            let message = format!(
                "the output folder `{}` overlaps `{input}`: builds replace folders under the output folder",
                paths.output
            );
            diagnostics.push(source.error(at..at + 6, message, "choose a separate folder"));
        }
    }
}

/// Header spellings and code lists name declared columns (code lists, text ones).
fn check_drift(source: &SourceFile, name: &str, config: &DatasetConfig, diagnostics: &mut Diagnostics) {
    for (column, spellings) in &config.headers {
        if !config.columns.contains_key(column) {
            let message = format!("headers: `{column}` is not a column of dataset `{name}`");
            diagnostics.push(source.error(spellings.span(), message, "declare it in `columns`"));
        }
    }
    for (column, codes) in &config.codes {
        if config.column_type(column) != Some(ColumnType::Text) {
            let message = format!("codes: `{column}` is not a text column of dataset `{name}`");
            diagnostics.push(source.error(codes.span(), message, "code lists map text columns"));
        }
    }
}

fn check_dataset(source: &SourceFile, name: &str, dataset: &Spanned<DatasetConfig>, diagnostics: &mut Diagnostics) {
    let config = dataset.get_ref();
    check_drift(source, name, config, diagnostics);
    for column in config.optional.iter().filter(|column| !config.columns.contains_key(*column)) {
        let message = format!("optional: `{column}` is not a declared column of dataset `{name}`");
        let help = did_you_mean(column, config.columns.keys().map(String::as_str));
        diagnostics.push(source.error(dataset.span(), message, "in this dataset").with_help_opt(help));
    }
    if let Some(mb) = config.largest_file_mb.as_ref().filter(|mb| !(1..=LARGEST_FILE_MB).contains(mb.get_ref())) {
        let message = format!("largest_file_mb is {}: it must be 1 to {LARGEST_FILE_MB}", mb.get_ref());
        diagnostics.push(source.error(mb.span(), message, "here"));
    }
    if !is_safe_id(name) {
        diagnostics.push(source.error(
            dataset.span(),
            format!("dataset name `{name}` must use only a-z, 0-9 and -"),
            "here",
        ));
    }
    let names = config.columns.keys().map(String::as_str);
    let mut check_column = |column: &Spanned<String>, role: &str| {
        if !config.columns.contains_key(column.get_ref()) {
            diagnostics.push(
                source
                    .error(
                        column.span(),
                        format!("{role} `{}` is not a column of dataset `{name}`", column.get_ref()),
                        "unknown column",
                    )
                    .with_help_opt(did_you_mean(column.get_ref(), names.clone())),
            );
        }
    };
    if let Some(key) = &config.key {
        check_column(key, "key");
    }
    if let Some(record_id) = &config.record_id {
        check_column(record_id, "record_id");
    }
    match (config.layout, &config.period_column) {
        (Layout::Periodic, Some(column)) => check_column(column, "period_column"),
        (Layout::Periodic, None) => diagnostics.push(source.error(
            dataset.span(),
            format!("dataset `{name}` has layout = \"periodic\" but no period_column"),
            "add period_column",
        )),
        (Layout::Monthly, Some(column)) => diagnostics.push(source.error(
            column.span(),
            "period_column applies only to layout = \"periodic\"",
            "remove this",
        )),
        (Layout::Monthly | Layout::History, None) => {}
        (Layout::History, Some(column)) => diagnostics.push(source.error(
            column.span(),
            "period_column applies only to layout = \"periodic\": a history extract is evaluated at each month end",
            "remove this",
        )),
    }
    check_history(source, name, config, diagnostics);
    let extension = Path::new(&config.file).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    check_return_table(source, (name, dataset), &extension, diagnostics);
    if let Some(sheet) = config.sheet.as_ref().filter(|_| !WORKBOOK_EXTENSIONS.contains(&extension.as_str())) {
        let message = format!("dataset `{name}`: `sheet` applies only to workbooks (.xlsx, .xlsm, .xls, .ods)");
        diagnostics.push(source.error(sheet.span(), message, "remove this, or name the workbook in `file`"));
    }
    if let Some(problem) = super::file_pattern::pattern_problem(&config.file).filter(|_| is_pattern(&config.file)) {
        diagnostics.push(source.error(
            dataset.span(),
            format!("dataset `{name}`: file `{}`: {problem}", config.file),
            "here",
        ));
    }
    if config.file.contains(['/', '\\']) || config.file.starts_with('.') {
        diagnostics.push(source.error(
            dataset.span(),
            format!("dataset `{name}`: file `{}` must be a plain file name", config.file),
            "here",
        ));
    }
}

/// An XML return's dataset names one of its tables; no other file has tables.
fn check_return_table(
    source: &SourceFile,
    (name, dataset): (&str, &Spanned<DatasetConfig>),
    extension: &str,
    diagnostics: &mut Diagnostics,
) {
    let config = dataset.get_ref();
    let tables = RETURN_TABLES.join(", ");
    match (&config.table, extension == "xml") {
        (Some(table), true) if !RETURN_TABLES.contains(&table.get_ref().as_str()) => diagnostics.push(
            source
                .error(
                    table.span(),
                    format!("`{}` is not a table of a return (tables: {tables})", table.get_ref()),
                    "here",
                )
                .with_help_opt(did_you_mean(table.get_ref(), RETURN_TABLES)),
        ),
        (Some(table), false) => {
            let message = format!("dataset `{name}`: `table` applies only to statutory-return XML files");
            diagnostics.push(source.error(table.span(), message, "remove this, or name the .xml file in `file`"));
        }
        (None, true) => {
            let message = format!("dataset `{name}` is an XML return: say which table with `table` ({tables})");
            diagnostics.push(source.error(dataset.span(), message, "add `table`"));
        }
        _ => {}
    }
}

/// A history range names real months, in order, and only on history datasets.
fn check_history(source: &SourceFile, name: &str, config: &DatasetConfig, diagnostics: &mut Diagnostics) {
    let range = &config.history;
    let bounds = [&range.from, &range.through];
    if config.layout != Layout::History {
        for bound in bounds.into_iter().flatten() {
            let message = format!("dataset `{name}`: `history` applies only to layout = \"history\"");
            diagnostics.push(source.error(bound.span(), message, "remove this"));
        }
        return;
    }
    let mut months = Vec::new();
    for bound in bounds.into_iter().flatten() {
        match bound.get_ref().parse::<super::period::Month>() {
            Ok(month) => months.push(month),
            Err(error) => {
                diagnostics.push(source.error(bound.span(), error.to_string(), "expected YYYY-MM, e.g. 2023-04"))
            }
        }
    }
    if let ([from, through], (Some(_), Some(bound))) = (months.as_slice(), (&range.from, &range.through)) {
        if from > through {
            diagnostics.push(source.error(
                bound.span(),
                format!("`through` ({through}) is before `from` ({from})"),
                "here",
            ));
        }
    }
}

fn holiday_calendar(source: &SourceFile, config: &CalendarConfig, diagnostics: &mut Diagnostics) -> HolidayCalendar {
    let mut calendar = match config.bank_holidays.get_ref().as_str() {
        "england-and-wales" => HolidayCalendar::england_and_wales(),
        "none" => HolidayCalendar::from_dates([]),
        other => {
            diagnostics.push(source.error(
                config.bank_holidays.span(),
                format!("unknown bank holiday list `{other}`"),
                "expected \"england-and-wales\" or \"none\"",
            ));
            HolidayCalendar::from_dates([])
        }
    };
    let extra =
        config.extra_holidays.iter().filter_map(|day| match NaiveDate::parse_from_str(day.get_ref(), "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                diagnostics.push(source.error(
                    day.span(),
                    format!("`{}` is not a date written YYYY-MM-DD", day.get_ref()),
                    "here",
                ));
                None
            }
        });
    calendar.add(extra.collect::<Vec<_>>());
    calendar
}
