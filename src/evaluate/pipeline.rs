//! The build, stage by stage: project -> definitions -> datasets ->
//! evaluate -> judge -> render -> bundle.

use crate::diagnostics::{Diagnostic, Diagnostics};
pub use crate::evaluate::extracts::{read_data, read_data_for, Data, Reading};
use crate::evaluate::observe::{self, Context, Observation};
use crate::evaluate::plan::{self, Plan};
use crate::evaluate::run::{self, Aggregates, Snapshot};
use crate::input;
use crate::input::benchmarks;
use crate::judge::{self, IndicatorSeries, ResolvedBenchmark, Scorecard};
use crate::language::window;
use crate::language::Benchmark;
use crate::language::{self, Definition};
use crate::parallel;
use crate::project::members::{self, Member};
use crate::project::period::Month;
use crate::project::Project;
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
    pub checks: Vec<plan::CheckPlan>,
    /// The authorities reported on: one, or a consortium's members.
    pub members: Vec<Member>,
    /// Published benchmark files, read on first use, per member.
    published: Vec<std::sync::OnceLock<Vec<PublishedByYear>>>,
}

impl Loaded {
    /// A member by its code, or the only member when none is named.
    pub fn member(&self, code: Option<&str>) -> Result<usize, Error> {
        let codes = || self.members.iter().map(|member| member.code.as_str());
        match code {
            Some(code) => codes().position(|found| found == code).ok_or_else(|| {
                let help =
                    crate::diagnostics::did_you_mean(code, codes()).map(|h| format!(" ({h})")).unwrap_or_default();
                Error::Usage(format!("no member authority `{code}`{help}"))
            }),
            None if self.members.len() == 1 => Ok(0),
            None => Err(Error::Usage(format!(
                "this consortium has {} members: name one with --authority (e.g. --authority {})",
                self.members.len(),
                self.members[0].code
            ))),
        }
    }
}

pub fn load(root: &Path) -> Result<Loaded, Error> {
    let project = Project::load(root).map_err(Error::Invalid)?;
    let (definitions, mut diagnostics) = language::load_all(&project);
    let checks = plan::compile_checks(&project).unwrap_or_else(|found| {
        diagnostics.extend(found);
        Vec::new()
    });
    let members = members::load(&project).unwrap_or_else(|found| {
        diagnostics.extend(found);
        Vec::new()
    });
    let published = members.iter().map(|_| Default::default()).collect();
    match plan::compile_all(&project, &definitions) {
        Ok(plans) => diagnostics
            .into_result(Loaded { project, definitions, plans, checks, members, published })
            .map_err(Error::Invalid),
        Err(found) => {
            diagnostics.extend(found);
            Err(Error::Invalid(diagnostics))
        }
    }
}

/// Every indicator's series, per member: `computed[member][indicator]`.
pub type Computed = Vec<Vec<IndicatorSeries>>;

/// Evaluate every indicator over every month of every member.
pub fn compute(loaded: &Loaded, data: &Data) -> Result<Computed, Error> {
    let started = std::time::Instant::now();
    let mut diagnostics = Diagnostics::default();
    let mut computed: Computed = loaded.members.iter().map(|_| Vec::new()).collect();
    let pairs: Vec<(&Definition, &Plan)> = loaded.definitions.iter().zip(&loaded.plans).collect();
    let results = parallel::map(&pairs, |(definition, plan)| compute_one(loaded, data, definition, plan));
    for ((definition, _), result) in pairs.iter().zip(results) {
        match result {
            Ok(by_member) => computed.iter_mut().zip(by_member).for_each(|(series, one)| series.push(one)),
            Err(message) => diagnostics.push(Diagnostic::file(
                &definition.source.path,
                format!("evaluating `{}` failed: {message}", definition.id()),
            )),
        }
    }
    tracing::info!(
        indicators = loaded.definitions.len(),
        authorities = loaded.members.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "evaluated every indicator over every month"
    );
    diagnostics.into_result(computed).map_err(Error::Data)
}

/// One indicator's series for each member, in member order.
fn compute_one(
    loaded: &Loaded,
    data: &Data,
    definition: &Definition,
    plan: &Plan,
) -> Result<Vec<IndicatorSeries>, String> {
    let indicator = &definition.indicator;
    let dataset = indicator.dataset.get_ref();
    let (stacked, present) = data.datasets.get(dataset).ok_or("dataset was not read")?;
    let fy_start = loaded.project.financial_year_start_month();
    let period_windows = window::windows(&data.months, indicator.window.get_ref(), fy_start);
    let scope = run::Scope { windows: &period_windows, only: None };
    let lookups = plan
        .lookups
        .iter()
        .map(|lookup| {
            data.datasets.get(&lookup.dataset).map(|(stacked, _)| stacked).ok_or("lookup dataset was not read")
        })
        .collect::<Result<Vec<_>, _>>()?;
    let started = std::time::Instant::now();
    let evaluated = run::evaluate(plan, stacked, &lookups, &scope)?;
    tracing::debug!(indicator = definition.id(), elapsed_ms = started.elapsed().as_millis() as u64, "evaluated");
    let window = period_windows.last().map(|window| window.describe()).unwrap_or_default();
    let for_member = |index: usize, member: &Member| {
        let observe = |month: Month, by_snapshot: &BTreeMap<Snapshot, Aggregates>| -> Observation {
            if !present.contains(&(index, month)) {
                return Observation::not_calculable(month, format!("no `{dataset}` extract for {month}"));
            }
            let context = Context {
                kind: *indicator.measure.kind.get_ref(),
                unit: *indicator.unit.get_ref(),
                population: member.population(month.year),
            };
            observe::observe(month, by_snapshot.get(&(index, month)).copied().unwrap_or_default(), &context)
        };
        let series_of = |by_snapshot| data.months.iter().map(|month| observe(*month, by_snapshot)).collect();
        let groups = evaluated
            .groups
            .iter()
            .filter(|(_, by_snapshot)| by_snapshot.keys().any(|(member, _)| *member == index))
            .map(|(group, by_snapshot)| (group.clone(), series_of(by_snapshot)))
            .collect();
        IndicatorSeries { series: series_of(&evaluated.total), groups, window: window.clone() }
    };
    Ok(loaded.members.iter().enumerate().map(|(index, member)| for_member(index, member)).collect())
}

/// Judge every indicator for one member's `month`.
pub fn scorecard(loaded: &Loaded, member: usize, computed: &[IndicatorSeries], month: Month) -> Scorecard {
    let authority = &loaded.members[member];
    Scorecard {
        authority: authority.name.clone(),
        authority_code: authority.code.clone(),
        month,
        engine_version: env!("CARGO_PKG_VERSION"),
        data_quality: Vec::new(),
        indicators: loaded
            .definitions
            .iter()
            .zip(computed)
            .enumerate()
            .map(|(index, (definition, series))| {
                judge::judge(definition, series, month, resolve_benchmark(loaded, member, index, month))
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

fn published_benchmarks(loaded: &Loaded, member: usize) -> &[PublishedByYear] {
    loaded.published[member].get_or_init(|| {
        loaded.definitions.iter().map(|definition| read_published(loaded, member, definition)).collect()
    })
}

fn read_published(loaded: &Loaded, member: usize, definition: &Definition) -> PublishedByYear {
    let indicator = &definition.indicator;
    let Some(source) = &indicator.published_benchmark else { return Ok(None) };
    let project = &loaded.project;
    let folder = project
        .benchmark_folder()
        .ok_or_else(|| Diagnostic::file(&definition.source.path, "no [benchmarks] folder"))?;
    let scale = if *indicator.unit.get_ref() == crate::language::Unit::Percent { 100.0 } else { 1.0 };
    let code = &loaded.members[member].code;
    benchmarks::load(&folder, source, code, project.neighbours_file().as_deref(), scale).map(Some)
}

/// The benchmark for `month`: the fixed one, or the chosen comparator from
/// the published file. A published value that is suppressed or missing
/// leaves the benchmark out ("not available"); so does an unreadable file,
/// which `check_benchmarks` reports before a build relies on it.
fn resolve_benchmark(loaded: &Loaded, member: usize, index: usize, month: Month) -> ResolvedBenchmark {
    let indicator = &loaded.definitions[index].indicator;
    let (Some(source), Ok(Some(by_year))) =
        (&indicator.published_benchmark, &published_benchmarks(loaded, member)[index])
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

/// Every published benchmark file readable for every member, before a
/// build relies on them.
pub fn check_benchmarks(loaded: &Loaded) -> Result<(), Error> {
    let problems = (0..loaded.members.len())
        .flat_map(|member| published_benchmarks(loaded, member))
        .filter_map(|result| result.as_ref().err().cloned());
    Diagnostics(problems.collect()).into_result(()).map_err(Error::Data)
}

pub(crate) fn used_datasets(loaded: &Loaded) -> BTreeSet<&str> {
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

/// The files a member's month bundle is made from: every extract of the
/// datasets in use for that month and the months before it, periodic files,
/// and the month's commentary. Sorted.
pub fn input_files(loaded: &Loaded, member: &Member, month: Month) -> Vec<PathBuf> {
    let project = &loaded.project;
    let folders: Vec<Month> =
        input::month_folders(&member.data_dir).unwrap_or_default().into_iter().filter(|m| *m <= month).collect();
    let mut files: Vec<PathBuf> = Vec::new();
    for name in used_datasets(loaded) {
        let Some(config) = project.dataset(name) else { continue };
        let located = input::locate(&member.data_dir, name, config, &folders);
        files.extend(located.monthly.into_values().chain(located.single));
    }
    let commentary = crate::input::commentary::file(&member.commentary_dir, month);
    if commentary.exists() {
        files.push(commentary);
    }
    files.sort();
    files
}

/// The files a consortium's comparison for `month` is made from: every
/// member's. Sorted.
pub fn comparison_inputs(loaded: &Loaded, month: Month) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> =
        loaded.members.iter().flat_map(|member| input_files(loaded, member, month)).collect();
    inputs.sort();
    inputs
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

pub fn explain(loaded: &Loaded, data: &Data, member: usize, id: &str, month: Month) -> Result<Explanation, Error> {
    let Some(index) = loaded.definitions.iter().position(|definition| definition.id() == id) else {
        let ids = loaded.definitions.iter().map(|definition| definition.id());
        let help = crate::diagnostics::did_you_mean(id, ids).map(|help| format!(" ({help})")).unwrap_or_default();
        return Err(Error::Usage(format!("no indicator `{id}`{help}; `scorecard list` shows them")));
    };
    let (definition, plan) = (&loaded.definitions[index], &loaded.plans[index]);
    let failed = |message: String| {
        Error::Data(Diagnostic::file(&definition.source.path, format!("explaining `{id}` failed: {message}")).into())
    };
    let mut by_member = compute_one(loaded, data, definition, plan).map_err(failed)?;
    let observation = by_member
        .swap_remove(member)
        .series
        .iter()
        .find(|o| o.period == month)
        .cloned()
        .unwrap_or_else(|| Observation::not_calculable(month, "no data for this month"));
    let window = window::PeriodWindow::new(
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
    let scope = run::Scope { windows: std::slice::from_ref(&window), only: Some(month) };
    let (columns, rows) = run::explain(plan, stacked, &lookups, member, &scope).map_err(failed)?;
    let value = crate::evaluate::observe::show_value(
        observation.value,
        definition.decimals(),
        definition.indicator.unit.get_ref().describe(),
    );
    Ok(Explanation {
        title: definition.indicator.title.clone(),
        value,
        rule: judge::plain_english(definition, &window.describe()),
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

/// Every check's failing-record counts for every member and month, worked
/// out once per build.
pub struct DataQuality(Vec<(plan::CheckPlan, BTreeMap<Snapshot, u64>)>);

/// Run every check on a dataset that was read. Findings never stop a
/// build: the indicators' numbers do not depend on them.
pub fn data_quality(loaded: &Loaded, data: &Data) -> Result<DataQuality, Error> {
    let mut counted = Vec::new();
    for check in &loaded.checks {
        let Some((stacked, _)) = data.datasets.get(&check.dataset) else { continue };
        let counts = run::count_failures(check, stacked).map_err(|message| {
            Error::Data(
                Diagnostic::file(&loaded.project.source.path, format!("check `{}`: {message}", check.name)).into(),
            )
        })?;
        counted.push((check.clone(), counts));
    }
    Ok(DataQuality(counted))
}

impl DataQuality {
    /// The findings for a member's month, for each check whose dataset has
    /// an extract that month.
    pub fn findings(&self, data: &Data, member: usize, month: Month) -> Vec<Finding> {
        self.0
            .iter()
            .filter(|(check, _)| {
                data.datasets.get(&check.dataset).is_some_and(|(_, present)| present.contains(&(member, month)))
            })
            .map(|(check, counts)| Finding {
                dataset: check.dataset.clone(),
                check: check.name.clone(),
                records: counts.get(&(member, month)).copied().unwrap_or(0),
            })
            .collect()
    }
}
