//! The build, stage by stage: project -> definitions -> datasets ->
//! evaluate -> judge -> render -> bundle.

use crate::benchmarks;
use crate::datasets::{self, Table};
use crate::definitions::Benchmark;
use crate::definitions::{self, Definition};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::evaluate::{self, Aggregates};
use crate::evaluate_frames::Stacked;
use crate::evaluate_plan::{self, Plan};
use crate::parallel;
use crate::period::Month;
use crate::project::{Layout, Project};
use crate::report::{self, IndicatorSeries, ResolvedBenchmark, Scorecard};
use crate::results::{self, Context, Observation};
use crate::windows;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Exit codes, documented in the README.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the project or its indicator definitions are invalid")]
    Invalid(Diagnostics),
    #[error("the extracts have errors")]
    Data(Diagnostics),
    #[error("cannot write outputs: {0}")]
    Output(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Locked(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) => 3,
            Error::Data(_) => 4,
            Error::Output(_) => 5,
            Error::Locked(_) => 6,
        }
    }

    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Invalid(diagnostics) | Error::Data(diagnostics) => Some(diagnostics),
            _ => None,
        }
    }
}

/// A project whose definitions have all been checked and compiled.
pub struct Loaded {
    pub project: Project,
    pub definitions: Vec<Definition>,
    pub plans: Vec<Plan>,
    pub checks: Vec<evaluate_plan::CheckPlan>,
    /// Published benchmark files, read on first use.
    published: std::sync::OnceLock<Vec<PublishedByYear>>,
}

pub fn load(root: &Path) -> Result<Loaded, Error> {
    let project = Project::load(root).map_err(Error::Invalid)?;
    let (definitions, mut diagnostics) = definitions::load_all(&project);
    let checks = evaluate_plan::compile_checks(&project).unwrap_or_else(|found| {
        diagnostics.extend(found);
        Vec::new()
    });
    match evaluate_plan::compile_all(&project, &definitions) {
        Ok(plans) => diagnostics
            .into_result(Loaded { project, definitions, plans, checks, published: Default::default() })
            .map_err(Error::Invalid),
        Err(found) => {
            diagnostics.extend(found);
            Err(Error::Invalid(diagnostics))
        }
    }
}

/// Every dataset the definitions use, read once and stacked over periods.
pub struct Data {
    /// Every month from the first to the last with any extract.
    pub months: Vec<Month>,
    datasets: BTreeMap<String, (Stacked, BTreeSet<Month>)>,
    /// Every extract read, with its SHA-256, in path order.
    pub inputs: Vec<(PathBuf, String)>,
}

impl Data {
    pub fn rows(&self, dataset: &str) -> usize {
        self.datasets.get(dataset).map_or(0, |(stacked, _)| stacked.rows())
    }
}

pub fn read_data(loaded: &Loaded) -> Result<Data, Error> {
    let project = &loaded.project;
    let folders = datasets::month_folders(&project.data_dir()).map_err(|error| Error::Data(error.into()))?;
    let used = used_datasets(loaded);
    let used: Vec<&str> = used.into_iter().collect();
    let mut diagnostics = Diagnostics::default();
    let mut stacked = BTreeMap::new();
    let mut inputs = Vec::new();
    for (name, result) in used.iter().zip(parallel::map(&used, |name| read_dataset(project, name, &folders))) {
        match result {
            Ok((frame, months, files)) => {
                stacked.insert(name.to_string(), (frame, months));
                inputs.extend(files);
            }
            Err(found) => diagnostics.extend(found),
        }
    }
    inputs.sort();
    let present: BTreeSet<Month> =
        stacked.values().flat_map(|(_, months)| months.iter().copied()).chain(folders.iter().copied()).collect();
    let months = match (present.first(), present.last()) {
        (Some(first), Some(last)) => first.through(*last).collect(),
        _ => Vec::new(),
    };
    if months.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::file(&project.data_dir(), "no month folders (YYYY-MM) with extracts"));
    }
    diagnostics.into_result(Data { months, datasets: stacked, inputs }).map_err(Error::Data)
}

type ReadDataset = (Stacked, BTreeSet<Month>, Vec<(PathBuf, String)>);

fn read_dataset(project: &Project, name: &str, folders: &[Month]) -> Result<ReadDataset, Diagnostics> {
    let config = project.dataset(name).expect("checked");
    let files = datasets::locate(project, name, config, folders);
    let mut tables: Vec<(Vec<Month>, Table)> = Vec::new();
    let mut inputs = Vec::new();
    let mut diagnostics = Diagnostics::default();
    match config.layout {
        Layout::Monthly => {
            for (month, path) in &files.monthly {
                match datasets::read_table(path, config) {
                    Ok((table, hash)) => {
                        tables.push((vec![*month], table));
                        inputs.push((path.clone(), hash));
                    }
                    Err(found) => diagnostics.extend(found),
                }
            }
        }
        Layout::Periodic => {
            let path = files.single.expect("periodic datasets have one file");
            let column = config.period_column.as_ref().expect("checked").get_ref();
            let (table, hash) = datasets::read_table(&path, config)?;
            inputs.push((path.clone(), hash));
            let periods = datasets::row_periods(&path, &table, column, project.financial_year_start_month())?;
            tables.push((periods, table));
        }
    }
    let present: BTreeSet<Month> = tables.iter().flat_map(|(months, _)| months.iter().copied()).collect();
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let stacked = Stacked::new(config, &tables)
        .map_err(|error| Diagnostic::file(&project.data_dir(), format!("dataset `{name}`: {error}")))?;
    Ok((stacked, present, inputs))
}

/// Evaluate every indicator over every month.
pub fn compute(loaded: &Loaded, data: &Data) -> Result<Vec<IndicatorSeries>, Error> {
    let mut diagnostics = Diagnostics::default();
    let mut computed = Vec::new();
    let pairs: Vec<(&Definition, &Plan)> = loaded.definitions.iter().zip(&loaded.plans).collect();
    let results = parallel::map(&pairs, |(definition, plan)| compute_one(loaded, data, definition, plan));
    for ((definition, _), result) in pairs.iter().zip(results) {
        match result {
            Ok(series) => computed.push(series),
            Err(message) => diagnostics.push(Diagnostic::file(
                &definition.source.path,
                format!("evaluating `{}` failed: {message}", definition.id()),
            )),
        }
    }
    diagnostics.into_result(computed).map_err(Error::Data)
}

fn compute_one(loaded: &Loaded, data: &Data, definition: &Definition, plan: &Plan) -> Result<IndicatorSeries, String> {
    let indicator = &definition.indicator;
    let dataset = indicator.dataset.get_ref();
    let (stacked, present) = data.datasets.get(dataset).ok_or("dataset was not read")?;
    let fy_start = loaded.project.financial_year_start_month();
    let period_windows = windows::windows(&data.months, indicator.window.get_ref(), fy_start);
    let lookups = plan
        .lookups
        .iter()
        .map(|lookup| {
            data.datasets.get(&lookup.dataset).map(|(stacked, _)| stacked).ok_or("lookup dataset was not read")
        })
        .collect::<Result<Vec<_>, _>>()?;
    let evaluated = evaluate::evaluate(plan, stacked, &lookups, &period_windows)?;
    let observe = |month: Month, aggregates: Option<&Aggregates>| -> Observation {
        if !present.contains(&month) {
            return Observation::not_calculable(month, format!("no `{dataset}` extract for {month}"));
        }
        let context = Context {
            kind: *indicator.measure.kind.get_ref(),
            unit: *indicator.unit.get_ref(),
            population: loaded.project.population(month.year),
        };
        results::observe(month, aggregates.copied().unwrap_or_default(), &context)
    };
    let series = data.months.iter().map(|month| observe(*month, evaluated.total.get(month))).collect();
    let groups = evaluated
        .groups
        .iter()
        .map(|(group, by_month)| {
            (group.clone(), data.months.iter().map(|month| observe(*month, by_month.get(month))).collect())
        })
        .collect();
    let window = period_windows.last().map(|window| window.describe()).unwrap_or_default();
    Ok(IndicatorSeries { series, groups, window })
}

/// Judge every indicator for `month`.
pub fn scorecard(loaded: &Loaded, computed: &[IndicatorSeries], month: Month) -> Scorecard {
    let authority = &loaded.project.file.authority;
    Scorecard {
        authority: authority.name.clone(),
        authority_code: authority.code.get_ref().clone(),
        month,
        engine_version: env!("CARGO_PKG_VERSION"),
        data_quality: Vec::new(),
        indicators: loaded
            .definitions
            .iter()
            .zip(computed)
            .enumerate()
            .map(|(index, (definition, series))| {
                report::judge(definition, series, month, resolve_benchmark(loaded, index, month))
            })
            .collect(),
    }
}

/// The month to report: the one asked for, or the latest with extracts.
pub fn choose_month(data: &Data, requested: Option<Month>) -> Result<Month, Error> {
    match requested {
        Some(month) if data.months.contains(&month) => Ok(month),
        Some(month) => Err(Error::Usage(format!(
            "no extracts for {month}: months available are {} to {}",
            data.months.first().map(Month::to_string).unwrap_or_default(),
            data.months.last().map(Month::to_string).unwrap_or_default()
        ))),
        None => data.months.last().copied().ok_or_else(|| Error::Usage("no months with extracts".into())),
    }
}

/// A definition's published benchmark file, read once per run: comparators
/// by year, or None for a definition without `[published_benchmark]`.
type PublishedByYear = Result<Option<BTreeMap<i32, benchmarks::Values>>, Diagnostic>;

fn published_benchmarks(loaded: &Loaded) -> &[PublishedByYear] {
    loaded
        .published
        .get_or_init(|| loaded.definitions.iter().map(|definition| read_published(loaded, definition)).collect())
}

fn read_published(loaded: &Loaded, definition: &Definition) -> PublishedByYear {
    let indicator = &definition.indicator;
    let Some(source) = &indicator.published_benchmark else { return Ok(None) };
    let project = &loaded.project;
    let folder = project
        .benchmark_folder()
        .ok_or_else(|| Diagnostic::file(&definition.source.path, "no [benchmarks] folder"))?;
    let scale = if *indicator.unit.get_ref() == crate::definitions::Unit::Percent { 100.0 } else { 1.0 };
    let code = project.file.authority.code.get_ref();
    benchmarks::load(&folder, source, code, project.neighbours_file().as_deref(), scale).map(Some)
}

/// The benchmark for `month`: the fixed one, or the chosen comparator from
/// the published file. A published value that is suppressed or missing
/// leaves the benchmark out ("not available"); so does an unreadable file,
/// which `check_benchmarks` reports before a build relies on it.
fn resolve_benchmark(loaded: &Loaded, index: usize, month: Month) -> ResolvedBenchmark {
    let indicator = &loaded.definitions[index].indicator;
    let (Some(source), Ok(Some(by_year))) = (&indicator.published_benchmark, &published_benchmarks(loaded)[index])
    else {
        return ResolvedBenchmark { benchmark: indicator.benchmark.clone(), published: None };
    };
    let published = benchmarks::for_month(by_year, month);
    let benchmark = published
        .as_ref()
        .and_then(|values| values.pick(source.compare_with))
        .map(|(value, label)| Benchmark { value, label });
    ResolvedBenchmark { benchmark, published }
}

/// Every published benchmark file readable, before a build relies on them.
pub fn check_benchmarks(loaded: &Loaded) -> Result<(), Error> {
    let problems = published_benchmarks(loaded).iter().filter_map(|result| result.as_ref().err().cloned());
    Diagnostics(problems.collect()).into_result(()).map_err(Error::Data)
}

fn used_datasets(loaded: &Loaded) -> BTreeSet<&str> {
    loaded
        .definitions
        .iter()
        .flat_map(|definition| {
            let indicator = &definition.indicator;
            std::iter::once(indicator.dataset.get_ref().as_str())
                .chain(indicator.lookup.iter().map(|lookup| lookup.dataset.get_ref().as_str()))
        })
        .collect()
}

/// The files a month's bundle is made from: every extract of the datasets
/// in use for that month and the months before it, periodic files, and the
/// month's commentary. Sorted.
pub fn input_files(loaded: &Loaded, month: Month) -> Vec<PathBuf> {
    let project = &loaded.project;
    let folders: Vec<Month> =
        datasets::month_folders(&project.data_dir()).unwrap_or_default().into_iter().filter(|m| *m <= month).collect();
    let mut files: Vec<PathBuf> = Vec::new();
    for name in used_datasets(loaded) {
        let Some(config) = project.dataset(name) else { continue };
        let located = datasets::locate(project, name, config, &folders);
        files.extend(located.monthly.into_values().chain(located.single));
    }
    let commentary = project.root.join(crate::commentary::FOLDER).join(format!("{month}.toml"));
    if commentary.exists() {
        files.push(commentary);
    }
    files.sort();
    files
}

/// A path as the manifest records it: relative to the project, with `/`.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// `scorecard explain`: one indicator's figure for one month and the
/// records behind it. Local only: never part of a bundle.
pub struct Explanation {
    pub title: String,
    /// The value as shown, with its unit.
    pub value: String,
    pub rule: Vec<(String, String)>,
    pub window: String,
    pub observation: Observation,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn explain(loaded: &Loaded, data: &Data, id: &str, month: Month) -> Result<Explanation, Error> {
    let Some(index) = loaded.definitions.iter().position(|definition| definition.id() == id) else {
        let ids = loaded.definitions.iter().map(|definition| definition.id());
        let help = crate::diagnostics::did_you_mean(id, ids).map(|help| format!(" ({help})")).unwrap_or_default();
        return Err(Error::Usage(format!("no indicator `{id}`{help}; `scorecard list` shows them")));
    };
    let (definition, plan) = (&loaded.definitions[index], &loaded.plans[index]);
    let failed = |message: String| {
        Error::Data(Diagnostic::file(&definition.source.path, format!("explaining `{id}` failed: {message}")).into())
    };
    let series = compute_one(loaded, data, definition, plan).map_err(failed)?;
    let observation = series
        .series
        .iter()
        .find(|o| o.period == month)
        .cloned()
        .unwrap_or_else(|| Observation::not_calculable(month, "no data for this month"));
    let window = windows::PeriodWindow::new(
        month,
        definition.indicator.window.get_ref(),
        loaded.project.financial_year_start_month(),
    );
    let (stacked, _) = data
        .datasets
        .get(definition.indicator.dataset.get_ref())
        .ok_or_else(|| failed("dataset was not read".into()))?;
    let lookups = plan
        .lookups
        .iter()
        .filter_map(|lookup| data.datasets.get(&lookup.dataset).map(|(stacked, _)| stacked))
        .collect::<Vec<_>>();
    let (columns, rows) = evaluate::explain(plan, stacked, &lookups, &window).map_err(failed)?;
    let value = crate::results::show_value(
        observation.value,
        definition.decimals(),
        definition.indicator.unit.get_ref().describe(),
    );
    Ok(Explanation {
        title: definition.indicator.title.clone(),
        value,
        rule: report::plain_english(definition, &window.describe()),
        window: window.describe(),
        observation,
        columns,
        rows,
    })
}

/// One data-quality check's result for a month.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Finding {
    pub dataset: String,
    pub check: String,
    /// Records failing the check (0 when the extract is clean).
    pub records: u64,
}

/// Every check on a dataset that was read, for `month`. Findings never stop
/// a build: the indicators' numbers do not depend on them.
pub fn data_quality(loaded: &Loaded, data: &Data, month: Month) -> Result<Vec<Finding>, Error> {
    let mut findings = Vec::new();
    for check in &loaded.checks {
        let Some((stacked, present)) = data.datasets.get(&check.dataset) else { continue };
        if !present.contains(&month) {
            continue;
        }
        let counts = evaluate::count_failures(check, stacked).map_err(|message| {
            Error::Data(
                Diagnostic::file(&loaded.project.source.path, format!("check `{}`: {message}", check.name)).into(),
            )
        })?;
        findings.push(Finding {
            dataset: check.dataset.clone(),
            check: check.name.clone(),
            records: counts.get(&month).copied().unwrap_or(0),
        });
    }
    Ok(findings)
}
