//! Fuzzing: random and mutated inputs for the definition loader, the project
//! loader and CSV ingest must give results or diagnostics, never a panic.
//! Each target runs for FUZZ_SECONDS (2 by default, so CI stays quick); the
//! long runs recorded in docs/reliability.md use
//! `FUZZ_SECONDS=600 cargo test --test tests fuzz -- --test-threads 1`.

use crate::helpers::{Fixture, PROJECT};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use scorecard::input::parse_table;
use scorecard::project::DatasetConfig;
use std::time::{Duration, Instant};

const DEFINITION: &str = r#"id = "fuzzed"
title = "t"
description = "d"
unit = "percent"
polarity = "lower_is_better"
dataset = "workforce"
window = { kind = "rolling", months = 12 }
filter = "OrgRole = 5 AND Cases30 IS NOT NULL"
breakdown = "Team"

[derive.double]
sql = "Cases30 * 2"

[per_entity.aggregate]
cases = "SUM(Cases30)"

[measure]
kind = "proportion"
numerator = "cases <= 25"

[rag]
method = "thresholds"
green = 10
amber = 20
"#;

const CSV: &str = "SWENo,Team,FTE,Cases30,RoleStartDate\nSW1,\"A, B\",1.0,20,01/04/2024\nSW2,B,0.5,NULL,2024-04-02\n";

fn seconds() -> Duration {
    Duration::from_secs(std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2))
}

/// Run `test` on values from `strategy` until the time is up; returns cases run.
fn fuzz<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) -> u64
where
    S::Value: std::fmt::Debug,
{
    let deadline = Instant::now() + seconds();
    let mut cases = 0;
    while Instant::now() < deadline {
        let mut runner = TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
        if let Err(failure) = runner.run(&strategy, &test) {
            panic!("fuzzing found a failure: {failure}");
        }
        cases += 64;
    }
    eprintln!("fuzzed {cases} cases in {:?}", seconds());
    cases
}

/// A valid text with one random span replaced by random text (char boundaries kept).
fn mutated(seed: &'static str) -> impl Strategy<Value = String> {
    (0..seed.len(), 0..40usize, ".{0,24}", any::<bool>()).prop_map(move |(start, length, insert, twice)| {
        let floor = |mut at: usize| {
            while !seed.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (start, end) = (floor(start), floor((start + length).min(seed.len())));
        let once = format!("{}{insert}{}", &seed[..start], &seed[end..]);
        if twice {
            format!("{once}{insert}")
        } else {
            once
        }
    })
}

fn config() -> DatasetConfig {
    toml::from_str(
        r#"
        layout = "monthly"
        file = "x.csv"
        key = "SWENo"
        date_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        null_markers = ["", "NULL"]
        columns = { SWENo = "text", Team = "text", FTE = "number", Cases30 = "integer", RoleStartDate = "date" }
        "#,
    )
    .expect("a dataset as scorecard.toml declares one")
}

#[test]
fn fuzz_csv_ingest() {
    let path = std::path::Path::new("fuzz.csv");
    let bytes = prop_oneof![proptest::collection::vec(any::<u8>(), 0..600), mutated(CSV).prop_map(String::into_bytes)];
    assert!(
        fuzz(bytes, |bytes| {
            let _ = parse_table(path, &bytes, &config());
            Ok(())
        }) > 0
    );
}

#[test]
fn fuzz_definition_loader() {
    let fixture = Fixture::new();
    let path = fixture.indicator("theme", "fuzzed", DEFINITION);
    assert!(scorecard::evaluate::load(fixture.root()).is_ok(), "the seed definition is valid");
    assert!(
        fuzz(mutated(DEFINITION), |text| {
            std::fs::write(&path, text).unwrap();
            let _ = scorecard::evaluate::load(fixture.root());
            Ok(())
        }) > 0
    );
}

#[test]
fn fuzz_project_loader() {
    let fixture = Fixture::new();
    assert!(
        fuzz(mutated(PROJECT), |text| {
            fixture.write("scorecard.toml", &text);
            let _ = scorecard::project::Project::load(fixture.root());
            Ok(())
        }) > 0
    );
}

/// Long chains and deep nesting, past the bounds and just inside them: a
/// definition error or a plan, never a stack overflow. Run on the deep
/// stack the binary runs on (a test thread's 2 MiB is not what users get).
#[test]
fn fuzz_extreme_expressions() {
    let fixture = Fixture::new();
    let path = fixture.indicator("theme", "fuzzed", DEFINITION);
    let operators = prop::sample::select(vec![" OR ", " AND ", " + ", " * ", " = "]);
    let strategy = (1..400usize, operators, 0..60usize);
    assert!(
        fuzz(strategy, |(terms, operator, depth)| {
            let chain = vec!["Cases30"; terms].join(operator);
            let filter = format!("{}{chain}{} IS NOT NULL", "(".repeat(depth), ")".repeat(depth));
            std::fs::write(&path, DEFINITION.replace("OrgRole = 5 AND Cases30 IS NOT NULL", &filter)).unwrap();
            let _ = scorecard::parallel::with_deep_stack(|| scorecard::evaluate::load(fixture.root()).is_ok());
            Ok(())
        }) > 0
    );
}

/// A dataset's declaration from a fixture's project file.
fn dataset(fixture: &Fixture, name: &str) -> DatasetConfig {
    let project = scorecard::project::Project::load(fixture.root()).expect("the seed project loads");
    project.dataset(name).unwrap().clone()
}

/// `seed` with up to four bytes overwritten and one span cut out or repeated.
fn mutated_bytes(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let length = seed.len();
    let writes = proptest::collection::vec((0..length, any::<u8>()), 0..4);
    (writes, 0..length, 0..64usize, any::<bool>()).prop_map(move |(writes, start, span, repeat)| {
        let mut bytes = seed.clone();
        for (at, byte) in writes {
            bytes[at] = byte;
        }
        let end = (start + span).min(bytes.len());
        let cut: Vec<u8> = bytes[start..end].to_vec();
        match repeat {
            true => bytes.splice(start..start, cut).for_each(drop),
            false => bytes.splice(start..end, []).for_each(drop),
        }
        bytes
    })
}

/// The workbook reader and its bounds: a sheet's XML mutated as text and
/// packaged, whole packages mutated as bytes, and `.xls` files mutated
/// byte by byte: a table or diagnostics, never a panic or an abort.
#[test]
fn fuzz_workbook_readers() {
    let fixture = crate::workbooks::book_fixture("");
    let config = dataset(&fixture, "referrals-book");
    let sheet: &'static str = Box::leak(crate::hostile::sheet("").into_boxed_str());
    let xlsx = std::path::Path::new("fuzz.xlsx");
    let texts = mutated(sheet).prop_map(|text| crate::workbooks::package(text, Vec::new()));
    let packages = mutated_bytes(crate::workbooks::package(sheet.to_string(), Vec::new()));
    assert!(
        fuzz(prop_oneof![texts, packages], |bytes| {
            let _ = scorecard::input::parse_workbook(xlsx, &bytes, &config);
            Ok(())
        }) > 0
    );
    let xls = std::path::Path::new("fuzz.xls");
    let seed = crate::hostile::xls([0, 2, 0, 4], &crate::hostile::referral_cells(Vec::new()));
    assert!(scorecard::input::parse_workbook(xls, &seed, &config).is_ok(), "the seed .xls reads");
    assert!(
        fuzz(mutated_bytes(seed), |bytes| {
            let _ = scorecard::input::parse_workbook(xls, &bytes, &config);
            Ok(())
        }) > 0
    );
}

/// The statutory-return reader: a CIN census mutated as text and as bytes.
#[test]
fn fuzz_return_reader() {
    let census: &'static str = Box::leak(crate::returns::census().into_boxed_str());
    let fixture = crate::returns::fixture(census);
    let config = dataset(&fixture, "cin-assessments");
    let path = std::path::Path::new("fuzz.xml");
    assert!(scorecard::input::parse_return(path, census.as_bytes(), &config).is_ok(), "the seed census reads");
    let inputs = prop_oneof![mutated(census).prop_map(String::into_bytes), mutated_bytes(census.as_bytes().to_vec())];
    assert!(
        fuzz(inputs, |bytes| {
            let _ = scorecard::input::parse_return(path, &bytes, &config);
            Ok(())
        }) > 0
    );
}
