//! The committed sample authority: reproducible from its generator, and its
//! numbers agree with an independent calculation straight from the CSV.

use scorecard::evaluate;
use scorecard::judge::Scorecard;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample_scorecard() -> &'static Scorecard {
    static SCORECARD: OnceLock<Scorecard> = OnceLock::new();
    SCORECARD.get_or_init(|| {
        let loaded = evaluate::load(repo()).expect("sample project loads");
        let data = evaluate::read_data(&loaded).expect("sample extracts read");
        let computed = evaluate::compute(&loaded, &data).expect("sample computes");
        let benchmarks = scorecard::judge::PublishedBenchmarks::of(&loaded);
        scorecard::judge::scorecard(&loaded, 0, &computed[0], "2026-03".parse().unwrap(), &benchmarks)
    })
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn committed_sample_is_exactly_what_the_generator_writes() {
    let out = tempfile::tempdir().unwrap();
    scorecard::sample::write(out.path(), 1).unwrap();
    let committed = repo().join("sample-data");
    let generated = files_under(out.path());
    // 14 extracts a month, and the adoption register once (history layout).
    assert_eq!(generated.len(), 36 * 14 + 1);
    for path in generated {
        let relative = path.strip_prefix(out.path()).unwrap();
        let expected = std::fs::read(committed.join(relative)).unwrap_or_default();
        assert!(
            std::fs::read(&path).unwrap() == expected,
            "{} differs from the generator's output",
            relative.display()
        );
    }
}

#[test]
fn every_indicator_has_36_months_of_finite_values_or_reasons() {
    let scorecard = sample_scorecard();
    assert!(scorecard.indicators.len() >= 12);
    for indicator in &scorecard.indicators {
        assert_eq!(indicator.series.len(), 36, "{}", indicator.id);
        for observation in &indicator.series {
            match (observation.value, observation.reason()) {
                (Some(value), None) => assert!(value.is_finite(), "{} {}", indicator.id, observation.period),
                (None, Some(reason)) => assert!(!reason.is_empty()),
                other => panic!("{} {}: {other:?}", indicator.id, observation.period),
            }
        }
    }
}

/// Agency FTE / all FTE in post at 31 March 2026, read with plain string
/// handling rather than the engine.
#[test]
fn agency_rate_matches_an_independent_calculation() {
    let text = std::fs::read_to_string(repo().join("sample-data/2026-03/workforce.csv")).unwrap();
    let (mut agency, mut all) = (0.0, 0.0);
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        // SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus
        let left = !fields[6].is_empty(); // every leaver in this extract left on or before 31/03/2026
        if left {
            continue;
        }
        let fte: f64 = fields[3].parse().unwrap();
        all += fte;
        if fields[2] == "1" {
            agency += fte;
        }
    }
    let engine = sample_scorecard().indicators.iter().find(|i| i.id == "agency-rate").unwrap();
    approx::assert_relative_eq!(engine.latest.value.unwrap(), 100.0 * agency / all, epsilon = 1e-9);
    approx::assert_relative_eq!(engine.latest.denominator.unwrap(), all, epsilon = 1e-9);
}

#[test]
fn sample_trends_are_the_ones_the_board_pack_needs() {
    let scorecard = sample_scorecard();
    let series = |id: &str| {
        scorecard
            .indicators
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .series
            .iter()
            .map(|o| o.value.unwrap())
            .collect::<Vec<_>>()
    };
    let agency = series("agency-rate");
    assert!(agency[0] > 25.0 && *agency.last().unwrap() < 15.0, "{agency:?}");
    let placements = series("placements-3-plus");
    // New carers only (S, P, B), as DfE counts them: 3% to 7% in the sample.
    assert!(placements.iter().all(|v| (3.0..=16.0).contains(v)), "{placements:?}");
    let assessments = series("assessments-in-45-days");
    let mean = assessments.iter().sum::<f64>() / assessments.len() as f64;
    assert!((78.0..=92.0).contains(&mean), "{assessments:?}");
}

/// `values` works out only what it prints: each indicator's series, equal
/// to a build's (the same rows, aggregated the same way), without the
/// one-month series SPC runs on and, unless asked, without the breakdown
/// groups. The sample has both to leave out: rolling indicators (re-referrals
/// sorts its rows once for both windows) and team breakdowns.
#[test]
fn values_leave_out_only_what_they_do_not_print() {
    let loaded = evaluate::load(repo()).expect("sample project loads");
    let data = evaluate::read_data(&loaded).expect("sample extracts read");
    let everything = evaluate::compute(&loaded, &data).expect("sample computes");
    let ids: Vec<&str> = loaded.definitions.iter().map(|definition| definition.id()).collect();
    let rolling = everything[0].iter().filter(|indicator| indicator.monthly.is_some()).count();
    let broken_down = everything[0].iter().filter(|indicator| !indicator.groups.is_empty()).count();
    assert!(rolling >= 5 && broken_down >= 2, "{rolling} monthly series, {broken_down} breakdowns");
    for breakdowns in [false, true] {
        let (values, _) =
            evaluate::compute_in_groups(&loaded, evaluate::Reading::ValuesOnly, evaluate::group_size(), breakdowns)
                .expect("sample values");
        for ((id, all), only) in ids.iter().zip(&everything[0]).zip(&values[0]) {
            assert_eq!(only.series, all.series, "{id}: the series");
            assert!(only.monthly.is_none(), "{id}: no monthly series");
            match breakdowns {
                true => assert_eq!(only.groups, all.groups, "{id}: the groups"),
                false => assert!(only.groups.is_empty(), "{id}: no groups"),
            }
        }
    }
}
