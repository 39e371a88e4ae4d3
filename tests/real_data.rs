//! Definitions in the project's own TOML (tests/real-data/), evaluated over
//! DfE's published local-authority files, must reproduce DfE's published
//! rate columns from the published counts, to the published rounding.
//! Runs when ../shared/data/dfe exists; otherwise says it is skipped.

use scorecard::evaluate;
use scorecard::judge::round_to;
use scorecard::project::Month;
use std::collections::HashMap;
use std::path::Path;

use crate::helpers::dfe_dir;

/// One published rate: the file, its column, and the row that carries it.
struct Published {
    id: &'static str,
    file: &'static str,
    column: &'static str,
    /// Computed from FTE, which the file publishes rounded.
    from_fte: bool,
    /// Decimal places DfE publishes the column to.
    decimals: u32,
    /// Column values that pick the row (beside geographic_level).
    row: &'static [(&'static str, &'static str)],
}

fn field<'a>(headers: &csv::StringRecord, record: &'a csv::StringRecord, name: &str) -> &'a str {
    headers
        .iter()
        .position(|header| header.trim_start_matches('\u{feff}') == name)
        .and_then(|index| record.get(index))
        .unwrap_or("")
}

const fn rate(id: &'static str, file: &'static str, column: &'static str, decimals: u32) -> Published {
    Published { id, file, column, from_fte: false, decimals, row: &[] }
}

const fn fte_rate(id: &'static str, column: &'static str) -> Published {
    Published { id, file: "csww_indicators_2017_to_2025.csv", column, from_fte: true, decimals: 1, row: &[] }
}

/// A percentage DfE publishes on one row of a file that holds several.
const fn row_share(
    id: &'static str,
    file: &'static str,
    column: &'static str,
    row: &'static [(&'static str, &'static str)],
) -> Published {
    Published { id, file, column, from_fte: false, decimals: 0, row }
}

const CIN: &str = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv";
const STABILITY: &str = "la_cla_placement_stability.csv";
const HEALTH: &str = "la_conviction_health_outcome_cla.csv";
const ACCOMMODATION: &str = "la_care_leavers_accommodation_suitability.csv";
const ACTIVITY: &str = "la_care_leavers_activity.csv";
const HEALTH_GROUP: (&str, &str) = ("characteristic", "Health assessments: Children looked after all ages");

const PUBLISHED: [Published; 21] = [
    fte_rate("agency-rate", "agency_rate_fte"),
    fte_rate("turnover-rate", "turnover_rate_fte"),
    fte_rate("caseload", "caseload_fte"),
    fte_rate("vacancy-rate", "vacancy_rate_fte"),
    rate("re-referrals", CIN, "rereferral_percent", 1),
    rate("referrals-nfa", CIN, "no_further_action_percent", 1),
    rate("cp-subsequent", "d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent", 1),
    rate("cp-2-years", "d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more_percent", 1),
    Published {
        row: &[("population_type", "Children looked after on 31 March each year")],
        ..rate("cla-rate", "cla_number_and_rate_per_10k_children.csv", "rate_per_10000", 0)
    },
    Published {
        row: &[("population_type", "Children starting to be looked after each year")],
        ..rate("cla-starts-rate", "cla_number_and_rate_per_10k_children.csv", "rate_per_10000", 0)
    },
    row_share(
        "placements-3-plus",
        STABILITY,
        "children_percent",
        &[("cla_group", "CLA on 31 March"), ("placement_stability", "With 3 or more placements during the year")],
    ),
    row_share(
        "long-term-stability",
        STABILITY,
        "children_percent",
        &[
            ("cla_group", "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"),
            ("placement_stability", "Living with the same carer for at least 2 years"),
        ],
    ),
    row_share(
        "placed-outside-20-miles",
        "la_cla_during_year_new_placements.csv",
        "children_percent",
        &[
            ("characteristic", "Location of new placements during the year"),
            ("breakdown", "Placed outside LA boundary more than 20 miles from home"),
        ],
    ),
    row_share(
        "school-moves",
        "la_cla_school_moves.csv",
        "percentage",
        &[
            ("cla_group", "CLA on 31 March"),
            ("move_measure", "Any moves"),
            ("school_stability", "With one or more moves during the year"),
        ],
    ),
    row_share(
        "social-workers-3-plus",
        "la_cla_swcount.csv",
        "percentage",
        &[("cla_group", "CLA on 31 March"), ("sw_stability", "3 or more social workers during the year")],
    ),
    row_share(
        "health-assessments",
        HEALTH,
        "children_percent",
        &[HEALTH_GROUP, ("breakdown", "Had their annual health assessment")],
    ),
    row_share(
        "dental-checks",
        HEALTH,
        "children_percent",
        &[HEALTH_GROUP, ("breakdown", "Had their teeth checked by a dentist")],
    ),
    row_share(
        "care-leavers-suitable-17-18",
        ACCOMMODATION,
        "care_leaver_percent",
        &[("care_leaver_age", "17 to 18 years"), ("breakdown", "Accommodation considered suitable")],
    ),
    row_share(
        "care-leavers-suitable-19-21",
        ACCOMMODATION,
        "care_leaver_percent",
        &[("care_leaver_age", "19 to 21 years"), ("breakdown", "Accommodation considered suitable")],
    ),
    row_share(
        "care-leavers-eet-17-18",
        ACTIVITY,
        "care_leaver_percent",
        &[("care_leaver_age", "17 to 18 years"), ("breakdown", "Total in education, employment or training")],
    ),
    row_share(
        "care-leavers-eet-19-21",
        ACTIVITY,
        "care_leaver_percent",
        &[("care_leaver_age", "19 to 21 years"), ("breakdown", "Total in education, employment or training")],
    ),
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
    if crate::helpers::shared_data("dfe").is_none() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-data");
    let loaded = evaluate::load(&root).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let data = evaluate::read_data(&loaded).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let computed =
        evaluate::compute(&loaded, &data).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let by_id: HashMap<&str, _> = loaded.definitions.iter().map(|d| d.id()).zip(&computed[0]).collect();
    let mut report = Vec::new();
    let mut all_unexplained = Vec::new();
    for published in &PUBLISHED {
        let series = by_id[published.id];
        let groups: HashMap<&str, &Vec<scorecard::evaluate::Observation>> =
            series.groups.iter().map(|(group, s)| (group.as_str(), s)).collect();
        let mut reader = csv::Reader::from_path(dfe_dir().join(published.file)).unwrap();
        let headers = reader.headers().unwrap().clone();
        let mut tally = Tally::default();
        for record in reader.records() {
            let record = record.unwrap();
            let on_row = published.row.iter().all(|(column, value)| field(&headers, &record, column) == *value);
            if field(&headers, &record, "geographic_level") != "Local authority" || !on_row {
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
                Some((value, _, _)) if (round_to(value, published.decimals) - expected).abs() < 1e-9 => {
                    tally.matched += 1
                }
                Some((value, numerator, denominator))
                    if published.from_fte && within_fte_rounding(value, numerator, denominator, expected, unit) =>
                {
                    tally.fte_rounding += 1
                }
                None if expected == 0.0 && observation.is_none_or(|o| o.value.is_none()) => {
                    tally.undefined_published_as_zero += 1
                }
                other => tally
                    .unexplained
                    .push(format!("{} {code} {year}: published {expected}, engine {other:?}", published.id)),
            }
        }
        let total = tally.matched + tally.fte_rounding + tally.undefined_published_as_zero + tally.unexplained.len();
        report.push(format!(
            "{:<28} {:>5} of {total} matched exactly; {:>3} FTE rounding; {:>2} undefined published as 0; {} unexplained; {:>3} suppressed",
            published.id,
            tally.matched,
            tally.fte_rounding,
            tally.undefined_published_as_zero,
            tally.unexplained.len(),
            tally.suppressed
        ));
        // Rates from whole counts must match exactly whenever they are defined.
        assert!(published.from_fte || tally.fte_rounding == 0);
        assert!(total > 0, "{}: no published rows found", published.id);
        assert!(tally.matched * 100 >= total * 90, "{}: too few exact matches", published.id);
        all_unexplained.extend(tally.unexplained);
    }
    eprintln!("real-data check against {}:\n{}", dfe_dir().display(), report.join("\n"));
    assert!(all_unexplained.is_empty(), "unexplained mismatches:\n{}", all_unexplained.join("\n"));
}

/// A fixture authority (Blackburn with Darwen, E06000008) whose agency rate is
/// benchmarked against DfE's workforce file.
fn benchmark_fixture(compare_with: &str, code: &str, column: &str) -> crate::helpers::Fixture {
    let fixture = crate::helpers::Fixture::shipped(&["workforce/agency-rate"]);
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    let project = project.replace("code = \"E06000999\"", &format!("code = \"{code}\""));
    let folder = dfe_dir().display().to_string().replace('\\', "/");
    fixture.write("scorecard.toml", &format!("{project}\n[benchmarks]\nfolder = \"{folder}\"\nneighbours = \"New_Statistical_Neighbour_Groupings_April_2021.csv\"\n"));
    let definition = std::fs::read_to_string(fixture.root().join("indicators/workforce/agency-rate.toml")).unwrap();
    let (head, _) = definition.split_once("[benchmark]").unwrap();
    fixture.write(
        "indicators/workforce/agency-rate.toml",
        &format!("{head}[published_benchmark]\nfile = \"csww_indicators_2017_to_2025.csv\"\nvalue_column = \"{column}\"\ncompare_with = \"{compare_with}\"\n"),
    );
    let header = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";
    for month in ["2025-03", "2026-03"] {
        fixture.extract(
            month,
            "workforce.csv",
            &format!("{header}S1,T,1,1.0,5,01/01/2020,,10,0\nS2,T,0,9.0,5,01/01/2020,,10,0\n"),
        );
    }
    fixture
}

fn benchmarks_for(fixture: &crate::helpers::Fixture, month: &str) -> Result<scorecard::judge::IndicatorReport, String> {
    let loaded = evaluate::load(fixture.root()).map_err(|e| crate::helpers::describe(&e))?;
    let data = evaluate::read_data(&loaded).map_err(|e| crate::helpers::describe(&e))?;
    let computed = evaluate::compute(&loaded, &data).map_err(|e| crate::helpers::describe(&e))?;
    let month: Month = month.parse().unwrap();
    let benchmarks = scorecard::judge::PublishedBenchmarks::of(&loaded);
    benchmarks.check().map_err(|e| crate::helpers::describe(&scorecard::error::Error::Data(e)))?;
    Ok(scorecard::judge::scorecard(&loaded, 0, &computed[0], month, &benchmarks).indicators.remove(0))
}

#[test]
fn england_region_and_neighbours_come_from_the_published_file() {
    if crate::helpers::shared_data("dfe").is_none() {
        return;
    }
    let fixture = benchmark_fixture("neighbours", "E06000008", "agency_rate_fte");
    let indicator = benchmarks_for(&fixture, "2025-03").unwrap();
    let published = indicator.published_benchmarks.clone().unwrap();
    // csww_indicators_2017_to_2025.csv, time_period 2025: National 13; North West
    // (E12000002, Blackburn with Darwen's region) 16.6; the ten neighbours of LA 889
    // in the April 2021 groupings (380, 335, 350, 874, 354, 831, 382, 353, 331, 894)
    // have 22.2, 7.7, 25.3, 18.4, 15.7, 0, 0, 15.2, 6.1, 4: sum 114.6, mean 11.46.
    assert_eq!((published.year, published.latest_available), (2025, false));
    assert_eq!(published.england, Some(13.0));
    assert_eq!(published.region, Some(16.6));
    approx::assert_relative_eq!(published.neighbours.unwrap(), 11.46, epsilon = 1e-9);
    assert_eq!(published.neighbours_with_data, 10);
    // Its own published rate is 8.1; of the 148 authorities with a 2025 rate
    // (151 rows, 3 suppressed), 42 are lower: 43rd, (43 - 1) x 4 / 148 + 1 = 2nd
    // quartile (counted from the file by a separate script); two neighbours have 0.
    let standing = indicator.england_standing.clone().unwrap();
    assert_eq!((standing.year, standing.value, standing.rank, standing.of), (2025, 8.1, 43, 148));
    assert_eq!((standing.quartile, standing.best_neighbour), (2, Some(0.0)));
    let benchmark = indicator.benchmark.unwrap();
    assert_eq!(benchmark.label, "Statistical neighbours 2025 (10 of 10)");
    // 2026 is not published: 2025 stands in, and says so.
    let later = benchmarks_for(&fixture, "2026-03").unwrap();
    assert!(later.published_benchmarks.unwrap().latest_available);
    assert_eq!(later.benchmark.unwrap().label, "Statistical neighbours 2025 (10 of 10) (latest published)");
}

/// DfE's 2025 statistical-neighbour model beside the 2021 groupings, with
/// the neighbours' median as DfE's dashboard shows it. Blackburn with
/// Darwen's 2025 neighbours (380, 353, 350, 831, 354, 335, 373, 861, 330,
/// 382) had agency rates 22.2, 15.2, 25.3, 0, 15.7, 7.7, 0.4, 15.9, 12.4, 0:
/// sorted, the middle two are 12.4 and 15.2, median 13.8 (mean 11.48).
#[test]
fn the_2025_neighbour_model_and_the_median() {
    if crate::helpers::shared_data("dfe").is_none() {
        return;
    }
    let fixture = benchmark_fixture("neighbours", "E06000008", "agency_rate_fte");
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write(
        "scorecard.toml",
        &project.replace("New_Statistical_Neighbour_Groupings_April_2021.csv", "sn_model_2025_wide.csv"),
    );
    let definition = std::fs::read_to_string(fixture.root().join("indicators/workforce/agency-rate.toml")).unwrap();
    fixture.write("indicators/workforce/agency-rate.toml", &format!("{definition}neighbours_average = \"median\"\n"));
    let indicator = benchmarks_for(&fixture, "2025-03").unwrap();
    let published = indicator.published_benchmarks.unwrap();
    approx::assert_relative_eq!(published.neighbours.unwrap(), 13.8, epsilon = 1e-9);
    assert_eq!(indicator.benchmark.unwrap().label, "Statistical neighbours 2025 (10 of 10, median)");
}

#[test]
fn bad_benchmark_mappings_are_clear_errors() {
    if crate::helpers::shared_data("dfe").is_none() {
        return;
    }
    let unknown = benchmarks_for(&benchmark_fixture("england", "E06000999", "agency_rate_fte"), "2025-03").unwrap_err();
    assert!(unknown.contains("authority code `E06000999` does not appear"), "{unknown}");
    let column = benchmarks_for(&benchmark_fixture("england", "E06000008", "agency_rate_ft"), "2025-03").unwrap_err();
    assert!(
        column.contains("no column `agency_rate_ft`") && column.contains("did you mean `agency_rate_fte`?"),
        "{column}"
    );
}

/// `average-caseload` counts agency case holders. DfE's file shows its
/// caseload does too: "in post" is employees only (the agency rate is agency
/// FTE / (in post + agency FTE): England 2025, 5415.9 / (36186.3 + 5415.9) =
/// 13.0%, the published 13), yet some authorities' case-holder FTE exceeds
/// their FTE in post (Isles of Scilly 2025: none in post, 2.0 agency FTE, 1.0
/// case-holder FTE), which only agency case holders can explain.
#[test]
fn dfe_s_caseload_counts_agency_case_holders() {
    if crate::helpers::shared_data("dfe").is_none() {
        return;
    }
    let mut reader = csv::Reader::from_path(dfe_dir().join("csww_indicators_2017_to_2025.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let number = |record: &csv::StringRecord, name: &str| field(&headers, record, name).parse::<f64>().ok();
    let mut agency_rate_is_of_in_post_plus_agency = false;
    let mut case_holders_beyond_employees = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let (Some(in_post), Some(agency), Some(case_holders)) =
            (number(&record, "inpost_fte"), number(&record, "agency_fte"), number(&record, "case_holders_fte"))
        else {
            continue;
        };
        let level = field(&headers, &record, "geographic_level");
        if level == "National" && field(&headers, &record, "time_period") == "2025" {
            let rate = round_to(100.0 * agency / (in_post + agency), 1);
            agency_rate_is_of_in_post_plus_agency = Some(rate) == number(&record, "agency_rate_fte");
        }
        if level == "Local authority" && case_holders > in_post {
            case_holders_beyond_employees.push(field(&headers, &record, "la_name").to_string());
        }
    }
    assert!(agency_rate_is_of_in_post_plus_agency, "in post excludes agency workers");
    assert!(
        case_holders_beyond_employees.contains(&"Isles of Scilly".to_string()),
        "{case_holders_beyond_employees:?}"
    );
}
