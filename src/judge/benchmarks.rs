//! Benchmarks for the report month: a definition's fixed `[benchmark]`, or
//! the chosen comparator from its published DfE file, read once per build
//! for every member.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::evaluate::Loaded;
use crate::input::benchmarks::{self, Values};
use crate::language::{Benchmark, Definition, Unit};
use crate::project::{Member, Month, Project};
use std::collections::BTreeMap;

/// A benchmark resolved for the report month, fixed or published.
#[derive(Debug, Clone, Default)]
pub struct ResolvedBenchmark {
    pub benchmark: Option<Benchmark>,
    pub published: Option<Values>,
}

/// A definition's published benchmark file: comparators by year, or None
/// for a definition without `[published_benchmark]`.
type PublishedByYear = Result<Option<BTreeMap<i32, Values>>, Diagnostic>;

/// Every definition's published benchmark file, for every member (the
/// neighbours and region differ by member): `[member][definition]`.
pub struct PublishedBenchmarks(Vec<Vec<PublishedByYear>>);

impl PublishedBenchmarks {
    pub fn read(project: &Project, definitions: &[Definition], members: &[Member]) -> PublishedBenchmarks {
        let for_member =
            |member: &Member| definitions.iter().map(|definition| read(project, member, definition)).collect();
        PublishedBenchmarks(members.iter().map(for_member).collect())
    }

    /// Every definition's file, for every member of a loaded project.
    pub fn of(loaded: &Loaded) -> PublishedBenchmarks {
        PublishedBenchmarks::read(&loaded.project, &loaded.definitions, &loaded.members)
    }

    /// Every file readable for every member, before a build relies on them.
    pub fn check(&self) -> Result<(), Diagnostics> {
        let problems = self.0.iter().flatten().filter_map(|result| result.as_ref().err().cloned());
        Diagnostics(problems.collect()).into_result(())
    }

    /// The benchmark for `month`: the fixed one, or the chosen comparator from
    /// the published file. A published value that is suppressed or missing
    /// leaves the benchmark out ("not available"); so does an unreadable file,
    /// which `check` reports before a build relies on it.
    pub fn resolve(&self, member: usize, index: usize, definition: &Definition, month: Month) -> ResolvedBenchmark {
        let indicator = &definition.indicator;
        let (Some(source), Some(Ok(Some(by_year)))) =
            (&indicator.published_benchmark, self.0.get(member).and_then(|files| files.get(index)))
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
}

fn read(project: &Project, member: &Member, definition: &Definition) -> PublishedByYear {
    let indicator = &definition.indicator;
    let Some(source) = &indicator.published_benchmark else { return Ok(None) };
    let folder = project
        .benchmark_folder()
        .ok_or_else(|| Diagnostic::file(&definition.source.path, "no [benchmarks] folder"))?;
    let scale = if *indicator.unit.get_ref() == Unit::Percent { 100.0 } else { 1.0 };
    benchmarks::load(&folder, source, member.code.as_str(), project.neighbours_file().as_deref(), scale).map(Some)
}
