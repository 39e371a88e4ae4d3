//! Definitions in the project's own TOML (tests/real-data/), evaluated over
//! DfE's published local-authority files, must reproduce DfE's published
//! rate columns from the published counts, to the published rounding.
//! Runs when ../shared/data/dfe exists; otherwise says it is skipped.

use scorecard::period::Month;
use scorecard::pipeline;
use scorecard::results::round_to;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn dfe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dfe")
}

/// One published rate: the file, its column, and which rows carry it.
struct Published {
    id: &'static str,
    file: &'static str,
    column: &'static str,
    /// Computed from FTE, which the file publishes rounded.
    from_fte: bool,
    /// Decimal places DfE publishes the column to.
    decimals: u32,
    row: fn(&csv::StringRecord, &csv::StringRecord) -> bool,
}

fn field<'a>(headers: &csv::StringRecord, record: &'a csv::StringRecord, name: &str) -> &'a str {
    headers.iter().position(|header| header.trim_start_matches('\u{feff}') == name).and_then(|index| record.get(index)).unwrap_or("")
}

fn any_row(_: &csv::StringRecord, _: &csv::StringRecord) -> bool {
    true
}

fn three_plus_row(headers: &csv::StringRecord, record: &csv::StringRecord) -> bool {
    field(headers, record, "cla_group") == "CLA on 31 March" && field(headers, record, "placement_stability") == "With 3 or more placements during the year"
}

const PUBLISHED: [Published; 6] = [
    Published { id: "agency-rate", file: "csww_indicators_2017_to_2025.csv", column: "agency_rate_fte", from_fte: true, decimals: 1, row: any_row },
    Published { id: "turnover-rate", file: "csww_indicators_2017_to_2025.csv", column: "turnover_rate_fte", from_fte: true, decimals: 1, row: any_row },
    Published { id: "caseload", file: "csww_indicators_2017_to_2025.csv", column: "caseload_fte", from_fte: true, decimals: 1, row: any_row },
    Published { id: "re-referrals", file: "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", column: "rereferral_percent", from_fte: false, decimals: 1, row: any_row },
    Published { id: "cp-subsequent", file: "d3_cpps_subsequent_plan_2013_to_2025.csv", column: "CPP_subsequent_percent", from_fte: false, decimals: 1, row: any_row },
    Published { id: "placements-3-plus", file: "la_cla_placement_stability.csv", column: "children_percent", from_fte: false, decimals: 0, row: three_plus_row },
];

#[derive(Default, Debug)]
struct Tally {
    matched: usize,
    /// Rates DfE computes from unrounded FTE while the file publishes FTE to
    /// 1 dp: recomputing from the published FTE can cross a rounding
    /// boundary. Explained when the published rate lies within the range the
    /// rate takes as each FTE figure moves by its rounding (±0.05 for one
    /// figure, ±0.1 for a sum of two), widened by half a published unit.
    fte_rounding: usize,
    /// DfE publishes 0% where the denominator is 0 or suppressed; the engine
    /// says "not calculable" rather than inventing a 0.
    undefined_published_as_zero: usize,
    unexplained: Vec<String>,
    suppressed: usize,
}

fn within_fte_rounding(value: f64, numerator: f64, denominator: f64, expected: f64, unit: f64) -> bool {
    let scale = value / (numerator / denominator);
    let low = (numerator - 0.05) / (denominator + 0.1) * scale - unit / 2.0;
    let high = (numerator + 0.05) / (denominator - 0.1) * scale + unit / 2.0;
    (low..=high).contains(&expected)
}

#[test]
fn dfe_definitions_reproduce_published_rates() {
    if !dfe_dir().exists() {
        eprintln!("skipped: {} not found (real-data check needs ../shared/data/dfe)", dfe_dir().display());
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-data");
    let loaded = pipeline::load(&root).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let data = pipeline::read_data(&loaded).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let computed = pipeline::compute(&loaded, &data).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let by_id: HashMap<&str, _> = loaded.definitions.iter().map(|d| d.id()).zip(&computed).collect();
    let mut report = Vec::new();
    let mut all_unexplained = Vec::new();
    for published in &PUBLISHED {
        let series = by_id[published.id];
        let groups: HashMap<&str, &Vec<scorecard::results::Observation>> = series.groups.iter().map(|(group, s)| (group.as_str(), s)).collect();
        let mut reader = csv::Reader::from_path(dfe_dir().join(published.file)).unwrap();
        let headers = reader.headers().unwrap().clone();
        let mut tally = Tally::default();
        for record in reader.records() {
            let record = record.unwrap();
            if field(&headers, &record, "geographic_level") != "Local authority" || !(published.row)(&headers, &record) {
                continue;
            }
            let Ok(expected) = field(&headers, &record, published.column).parse::<f64>() else {
                tally.suppressed += 1;
                continue;
            };
            let year: i32 = field(&headers, &record, "time_period").parse().unwrap();
            let code = field(&headers, &record, "new_la_code");
            let month = Month::new(year, 3).unwrap();
            let observation = groups.get(code).and_then(|s| s.iter().find(|o| o.period == month));
            let unit = 10f64.powi(-(published.decimals as i32));
            let parts = observation.and_then(|o| Some((o.value?, o.numerator?, o.denominator?)));
            match parts {
                Some((value, _, _)) if (round_to(value, published.decimals) - expected).abs() < 1e-9 => tally.matched += 1,
                Some((value, numerator, denominator)) if published.from_fte && within_fte_rounding(value, numerator, denominator, expected, unit) => {
                    tally.fte_rounding += 1
                }
                None if expected == 0.0 && observation.is_none_or(|o| o.value.is_none()) => tally.undefined_published_as_zero += 1,
                other => tally.unexplained.push(format!("{} {code} {year}: published {expected}, engine {other:?}", published.id)),
            }
        }
        let total = tally.matched + tally.fte_rounding + tally.undefined_published_as_zero + tally.unexplained.len();
        report.push(format!(
            "{:<18} {:>5} of {total} matched exactly; {:>3} FTE rounding; {:>2} undefined published as 0; {} unexplained; {:>3} suppressed",
            published.id,
            tally.matched,
            tally.fte_rounding,
            tally.undefined_published_as_zero,
            tally.unexplained.len(),
            tally.suppressed
        ));
        // Rates from whole counts must match exactly whenever they are defined.
        assert!(published.from_fte || tally.fte_rounding == 0);
        assert!(tally.matched * 100 >= total * 90, "{}: too few exact matches", published.id);
        all_unexplained.extend(tally.unexplained);
    }
    eprintln!("real-data check against {}:\n{}", dfe_dir().display(), report.join("\n"));
    assert!(all_unexplained.is_empty(), "unexplained mismatches:\n{}", all_unexplained.join("\n"));
}
