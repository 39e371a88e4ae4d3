//! Benchmarks for the report month: a definition's fixed `[benchmark]`, or
//! the chosen comparator from its published DfE file, read once per build
//! for every member.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::evaluate::Loaded;
use crate::input::benchmarks::{self, Values};
use crate::language::{Benchmark, Definition, Polarity, Unit};
use crate::project::{Member, Month, Project};
use serde::Serialize;
use std::collections::BTreeMap;

/// A benchmark resolved for the report month, fixed or published.
#[derive(Debug, Clone, Default)]
pub struct ResolvedBenchmark {
    /// The value compared with, and its label.
    pub benchmark: Option<Benchmark>,
    /// England's, the region's and the neighbours' published values for the month.
    pub published: Option<Values>,
    /// The authority's England rank on the latest published year.
    pub standing: Option<Standing>,
}

/// The authority's place among every authority on a published year's
/// figures, best first, as DfE's tables show it ("top quartile").
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Standing {
    /// The published year (the calendar year it starts in).
    pub year: i32,
    /// The authority's own published figure.
    pub value: f64,
    /// 1 for the best; authorities with the same figure share a rank.
    pub rank: usize,
    /// How many authorities have a figure.
    pub of: usize,
    /// 1 (the best quarter of authorities) to 4.
    pub quartile: usize,
    /// The best figure among the statistical neighbours that year.
    pub best_neighbour: Option<f64>,
}

/// The standing on the latest year with the authority's own figure; None
/// for an indicator with no better direction.
pub(crate) fn standing(by_year: &BTreeMap<i32, Values>, polarity: Polarity) -> Option<Standing> {
    let better = |a: f64, b: f64| match polarity {
        Polarity::HigherIsBetter => a > b,
        Polarity::LowerIsBetter => a < b,
        _ => false,
    };
    if !matches!(polarity, Polarity::HigherIsBetter | Polarity::LowerIsBetter) {
        return None;
    }
    let values = by_year.values().rev().find(|values| values.own.is_some())?;
    let own = values.own?;
    let of = values.authorities.len();
    let rank = 1 + values.authorities.iter().filter(|other| better(**other, own)).count();
    let quartile = (rank - 1) * 4 / of.max(1) + 1;
    let best_neighbour =
        values.neighbour_values.iter().copied().reduce(|best, next| if better(next, best) { next } else { best });
    Some(Standing { year: values.year, value: own, rank, of, quartile, best_neighbour })
}

/// A definition's published benchmark file: comparators by year, or None
/// for a definition without `[published_benchmark]`.
type PublishedByYear = Result<Option<BTreeMap<i32, Values>>, Diagnostic>;

/// Every definition's published benchmark file, for every member (the
/// neighbours and region differ by member): `[member][definition]`.
pub struct PublishedBenchmarks(Vec<Vec<PublishedByYear>>);

impl PublishedBenchmarks {
    /// Reads each definition's published benchmark file for each member; a file that cannot be read is kept as its problem.
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
        let (Some(source), Some(Ok(Some(by_year)))) =
            (definition.published_benchmark(), self.0.get(member).and_then(|files| files.get(index)))
        else {
            return ResolvedBenchmark { benchmark: definition.benchmark().cloned(), published: None, standing: None };
        };
        let published = benchmarks::for_month(by_year, month);
        let benchmark = published
            .as_ref()
            .and_then(|values| values.pick(source.compare_with))
            .map(|(value, label)| Benchmark { value, label });
        let standing = standing(by_year, definition.polarity());
        ResolvedBenchmark { benchmark, published, standing }
    }
}

fn read(project: &Project, member: &Member, definition: &Definition) -> PublishedByYear {
    let Some(source) = definition.published_benchmark() else { return Ok(None) };
    let folder = project
        .benchmark_folder()
        .ok_or_else(|| Diagnostic::file(&definition.source.path, "no [benchmarks] folder"))?;
    let scale = if definition.unit() == Unit::Percent { 100.0 } else { 1.0 };
    benchmarks::load(&folder, source, member.code.as_str(), project.neighbours_file().as_deref(), scale).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Average, Comparator, PublishedBenchmark};

    /// Eight authorities with a figure and one suppressed. The authority
    /// (E06000008, old code 889) has 20; the others 10, 15, 20, 25, 30, 35,
    /// 40. Its neighbours (801, 805, 806) have 10, 30 and 35.
    fn eight(average: Average) -> BTreeMap<i32, Values> {
        let dir = tempfile::tempdir().unwrap();
        let mut file = String::from("time_period,geographic_level,region_code,old_la_code,new_la_code,rate\n");
        file.push_str("2025,National,,,,22\n2025,Local authority,R,889,E06000008,20\n");
        for (old, rate) in
            [(801, "10"), (802, "15"), (803, "20"), (804, "25"), (805, "30"), (806, "35"), (807, "40"), (808, "c")]
        {
            file.push_str(&format!("2025,Local authority,R,{old},E0600{old},{rate}\n"));
        }
        std::fs::write(dir.path().join("f.csv"), file).unwrap();
        std::fs::write(
            dir.path().join("sn.csv"),
            "code,name,a,b,c,SN1,SNP,SN2,SNP,SN3,SNP\n889,Own,,,,801,1,805,1,806,1\n",
        )
        .unwrap();
        let source = PublishedBenchmark {
            file: "f.csv".into(),
            value_column: Some("rate".into()),
            numerator_column: None,
            denominator_column: None,
            filters: BTreeMap::new(),
            compare_with: Comparator::Neighbours,
            neighbours_average: average,
        };
        benchmarks::load(dir.path(), &source, "E06000008", Some(&dir.path().join("sn.csv")), 1.0).unwrap()
    }

    #[test]
    fn rank_and_quartile_among_every_authority() {
        // Lower is better: 10 and 15 are better, so 3rd (sharing with the other 20);
        // quartile (3 - 1) x 4 / 8 + 1 = 2. The suppressed authority is not counted.
        let lower = standing(&eight(Average::Mean), Polarity::LowerIsBetter).unwrap();
        assert_eq!((lower.rank, lower.of, lower.quartile, lower.value), (3, 8, 2, 20.0));
        assert_eq!(lower.best_neighbour, Some(10.0));
        // Higher is better: 25, 30, 35 and 40 are better, so 5th; (5 - 1) x 4 / 8 + 1 = 3.
        let higher = standing(&eight(Average::Mean), Polarity::HigherIsBetter).unwrap();
        assert_eq!((higher.rank, higher.quartile, higher.best_neighbour), (5, 3, Some(35.0)));
        assert_eq!(standing(&eight(Average::Mean), Polarity::NoJudgement), None);
    }

    #[test]
    fn neighbours_by_mean_or_median() {
        // 10, 30, 35: mean 25, median 30; an even count takes the middle two's mean.
        assert_eq!(Average::Median.of(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(Average::Mean.of(&[]), None);
        assert_eq!(eight(Average::Mean)[&2025].neighbours, Some(25.0));
        let median = &eight(Average::Median)[&2025];
        assert_eq!(median.neighbours, Some(30.0));
        assert_eq!(median.pick(Comparator::Neighbours).unwrap().1, "Statistical neighbours 2025 (3 of 10, median)");
    }
}
