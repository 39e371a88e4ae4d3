//! SPC as Making Data Count runs it, through the whole engine: a rolling
//! indicator is charted as the board knows it but its SPC runs on each
//! month's own figure; too few months, or a definition that says so, give
//! a reason instead of limits.

use crate::helpers::Fixture;
use std::process::Command;

/// Referrals in the 3 months to each month end, counted as a no-judgement count.
const ROLLING: &str = r#"id = "referrals-3-months"
title = "Referrals (3 months)"
description = "Referrals in the 3 months to the end of the month."
unit = "count"
polarity = "no_judgement"
dataset = "referrals"
window = { kind = "rolling", months = 3 }
filter = "CINreferralDate BETWEEN window_start AND window_end"

[measure]
kind = "count"
"#;

/// Referrals per month from January 2024: 6 and 7 alternating, then 21 in
/// January 2025 (all above the fixture's suppression of 1 to 5).
const MONTHLY: [usize; 13] = [6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 21];

fn referrals_fixture(definition: &str) -> Fixture {
    referrals(definition, &MONTHLY)
}

fn referrals(definition: &str, counts: &[usize]) -> Fixture {
    let fixture = Fixture::new();
    fixture.indicator("children-in-need", "referrals-3-months", definition);
    let mut rows = String::from("LAchildID,CINreferralDate\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    for (month, count) in counts.iter().enumerate() {
        let date = start.checked_add_months(chrono::Months::new(month as u32)).unwrap();
        for child in 0..*count {
            rows.push_str(&format!("C{month}-{child},{date}\n"));
        }
    }
    // Each month's snapshot holds every referral so far; later ones are
    // outside the window anyway, so one file serves every month.
    for month in 0..counts.len() {
        let folder = format!("{}-{:02}", 2024 + month / 12, month % 12 + 1);
        fixture.extract(&folder, "referrals.csv", &rows);
    }
    fixture
}

fn build(fixture: &Fixture) -> serde_json::Value {
    fixture.build_json(&[], "1767225600", "2025-01")
}

#[test]
fn a_rolling_indicator_is_charted_rolling_but_its_spc_runs_on_each_months_own_figure() {
    let fixture = referrals_fixture(ROLLING);
    let computed = fixture.compute().unwrap();
    let (_, series) = &computed[0];
    let monthly: Vec<f64> =
        series.monthly.as_ref().expect("a monthly series").iter().map(|o| o.value.unwrap()).collect();
    assert_eq!(monthly, MONTHLY.map(|count| count as f64));
    // The charted value in January 2025 is the 3 months November to January: 6 + 7 + 21.
    assert_eq!(series.series.last().unwrap().value, Some(34.0));

    let json = build(&fixture);
    let indicator = &json["indicators"][0];
    let spc = &indicator["spc"];
    assert_eq!(spc["basis"], "monthly_series");
    // Monthly mean 99 / 13 = 7.6154; moving ranges: eleven of 1 and one of 14,
    // mean 25 / 12 = 2.0833; upper limit 7.6154 + 2.66 * 2.0833 = 13.157.
    approx::assert_relative_eq!(spc["mean"].as_f64().unwrap(), 99.0 / 13.0, epsilon = 1e-9);
    approx::assert_relative_eq!(spc["upper_limit"].as_f64().unwrap(), 99.0 / 13.0 + 2.66 * 25.0 / 12.0, epsilon = 1e-9);
    // 21 is above it: special cause, high (no better direction). And the
    // twelve months of 6 and 7 before it all sit below the mean of 7.6: a
    // shift (7 or more on one side), low.
    assert_eq!(spc["latest"], "high");
    assert_eq!(spc["signals"][0]["rule"], "shift");
    assert_eq!(spc["signals"][0]["variation"], "low");
    assert_eq!(spc["signals"][0]["months"].as_array().unwrap().len(), 12);
    assert_eq!(spc["signals"][1]["rule"], "outside_limits");
    assert_eq!(spc["signals"][1]["months"], serde_json::json!(["2025-01"]));
    let csv = std::fs::read_to_string(fixture.root().join("reports/2025-01/scorecard.csv")).unwrap();
    assert!(csv.contains("monthly_series,shift low 2024-01..2024-12; outside_limits high 2025-01"), "{csv}");
    // On the rolling series, the same month would be judged against limits of
    // overlapping sums; the page says which series SPC used.
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-01/index.html")).unwrap();
    assert!(page.contains("Process control on each month&#x27;s own figure"), "the page names the basis");
}

#[test]
fn spc_not_applicable_says_why_and_so_does_too_short_a_series() {
    let reason = "counted over each child's 12 months";
    let fixture = referrals_fixture(&format!("{ROLLING}\n[spc]\nnot_applicable = \"{reason}\"\n"));
    assert!(fixture.compute().unwrap()[0].1.monthly.is_none(), "not evaluated when it does not apply");
    let json = build(&fixture);
    assert!(json["indicators"][0]["spc"].is_null());
    assert_eq!(json["indicators"][0]["spc_not_applicable"], reason);
    let csv = std::fs::read_to_string(fixture.root().join("reports/2025-01/scorecard.csv")).unwrap();
    assert!(csv.contains(&format!("not applicable,,not_applicable: {reason}")), "{csv}");

    // Eleven months of values: one short of Making Data Count's twelve.
    let short = referrals_fixture(ROLLING);
    std::fs::remove_dir_all(short.root().join("data/2024-01")).unwrap();
    std::fs::remove_dir_all(short.root().join("data/2024-02")).unwrap();
    let json = build(&short);
    assert!(json["indicators"][0]["spc"].is_null());
    assert_eq!(json["indicators"][0]["spc_not_applicable"], "11 months with values; SPC needs at least 12");
    // A warning for the analyst in `check` (not for the definition's own choice above).
    let check = Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(short.root()).output().unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    let warning = "warning 2025-01: referrals-3-months has no SPC: 11 months with values; SPC needs at least 12";
    assert!(stdout.contains(warning), "{stdout}");
    let check =
        Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(fixture.root()).output().unwrap();
    assert!(!String::from_utf8_lossy(&check.stdout).contains("has no SPC"));

    // Months of 5 referrals are suppressed (1 to 5 people), and limits come
    // only from the months after the last of them: 5, 6 alternating ends
    // with 5 in November 2024, leaving December's 6 and January's 20.
    let small = referrals(ROLLING, &[5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 20]);
    let json = build(&small);
    assert_eq!(
        json["indicators"][0]["spc_not_applicable"],
        "months with small numbers are suppressed, the latest 2024-11, and SPC needs at least 12 months with values after it (2 so far)"
    );
}

/// Limits from the months around a suppressed one would let it be worked
/// out (their mean times their number, less the rest), and SPC on the
/// others alone described a series that never was (adoptions: "mean 0.0%",
/// from the zero months only). Sixteen months: 6, then 5 in February 2024
/// (suppressed), then fourteen alternating 7 and 6: the limits come from
/// those fourteen only: mean 6.5, moving ranges all 1, limits
/// 6.5 ± 2.66 = 3.84 to 9.16, from 14 points (15 before, with January's 6).
#[test]
fn spc_limits_come_only_from_the_months_after_the_last_suppressed_one() {
    let counts = [6, 5, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6];
    let json = referrals(ROLLING, &counts).build_json(&[], "1767225600", "2025-04");
    let spc = &json["indicators"][0]["spc"];
    assert_eq!(spc["basis"], "monthly_series");
    assert_eq!(spc["baseline_points"], 14);
    approx::assert_relative_eq!(spc["mean"].as_f64().unwrap(), 6.5, epsilon = 1e-9);
    approx::assert_relative_eq!(spc["upper_limit"].as_f64().unwrap(), 6.5 + 2.66, epsilon = 1e-9);
    approx::assert_relative_eq!(spc["lower_limit"].as_f64().unwrap(), 6.5 - 2.66, epsilon = 1e-9);
    // January's point (published, 6) is before the suppressed month: no variation for it.
    assert_eq!(spc["points"][0], serde_json::Value::Null);
    assert_eq!(spc["points"][1], serde_json::Value::Null);
    assert_eq!(spc["points"][2], "common_cause");
}

/// A target for the reported figure (here the 3 months' referrals) is not a
/// target for each month's own figure, which SPC runs on: no assurance,
/// and the reason instead; and no icon, since the chart draws the 3-month
/// figure, not the points SPC judged.
#[test]
fn a_target_on_another_basis_than_the_limits_gets_no_assurance_and_no_icon() {
    let definition = ROLLING.replace("polarity = \"no_judgement\"", "polarity = \"lower_is_better\"")
        + "\n[rag]\nmethod = \"target\"\ntarget = 20\ntolerance_percent = 25\n";
    let fixture = referrals_fixture(&definition);
    let json = build(&fixture);
    let spc = &json["indicators"][0]["spc"];
    assert_eq!(spc["basis"], "monthly_series");
    assert!(spc["assurance"].is_null(), "{spc}");
    assert_eq!(
        spc["no_assurance"],
        "no assurance: the target is for the figure reported, the limits for each month's own"
    );
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-01/index.html")).unwrap();
    assert!(page.contains("No assurance: the target is for the figure reported"), "the sentence gives the reason");
    assert!(
        !page.contains("Variation: special cause") && !page.contains("Assurance: target"),
        "no icon without its points"
    );
}

#[test]
fn an_event_marked_rebase_restarts_the_limits_and_is_listed_with_the_indicator() {
    let fixture = referrals_fixture(ROLLING);
    // A process change on 15 July 2024 for this indicator, and an event
    // naming no indicator (so every one), drawn but not rebasing.
    fixture.write(
        "events/2024.toml",
        "[[events]]\ndate = \"2024-07-15\"\nlabel = \"Duty desk\"\nindicators = [\"referrals-3-months\"]\nrebase = true\n\n\
         [[events]]\ndate = \"2024-03\"\nlabel = \"Audit\"\n",
    );
    let json = build(&fixture);
    let indicator = &json["indicators"][0];
    let spc = &indicator["spc"];
    // Monthly figures 6, 7, ... (Jan-Jun 2024), then from July 6, 7, 6, 7, 6, 7, 21.
    // Second segment: mean 60 / 7 = 8.571; moving ranges 1, 1, 1, 1, 1, 14,
    // mean 19 / 6; upper limit 60/7 + 2.66 * 19/6 = 16.995: 21 is above it.
    assert_eq!(spc["segments"].as_array().unwrap().len(), 2);
    assert_eq!(spc["segments"][1]["from"], "2024-07");
    approx::assert_relative_eq!(spc["segments"][1]["mean"].as_f64().unwrap(), 60.0 / 7.0, epsilon = 1e-9);
    approx::assert_relative_eq!(
        spc["segments"][1]["upper_limit"].as_f64().unwrap(),
        60.0 / 7.0 + 2.66 * 19.0 / 6.0,
        epsilon = 1e-9
    );
    // Without the rebase twelve months sat below one mean (a shift); now
    // neither segment has seven on one side: only the last point signals.
    let rules: Vec<&str> = spc["signals"].as_array().unwrap().iter().map(|s| s["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["outside_limits"]);
    let events = indicator["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!((events[0]["date"].as_str(), events[0]["label"].as_str()), (Some("2024-03"), Some("Audit")));
    assert_eq!(events[1]["rebase"], true);
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-01/index.html")).unwrap();
    assert!(page.contains("Event, 15 July 2024: Duty desk (a process change: SPC limits restart in July 2024)."));
    assert!(page.contains("Event, March 2024: Audit."));
    let chart = std::fs::read_to_string(fixture.root().join("reports/2025-01/charts/referrals-3-months.svg")).unwrap();
    assert!(chart.contains(">\nDuty desk\n<") && chart.contains(">\nAudit\n<"), "both drawn on the chart");
}

#[test]
fn every_mistake_in_event_files_is_reported_with_its_file_and_line() {
    let fixture = referrals_fixture(ROLLING);
    fixture.write("events/a.toml", "[[events]]\ndate = \"2024-02-30\"\nlabel = \"Audit\"\n");
    fixture.write(
        "events/b.toml",
        "[[events]]\ndate = \"2024-05\"\nlabel = \"Audit\"\nindicators = [\"referals-3-months\"]\n",
    );
    let errors = fixture.load_errors();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].0.as_str(), errors[0].1), ("a.toml", 2));
    assert!(errors[0].2.contains("2024-02-30"));
    assert_eq!((errors[1].0.as_str(), errors[1].1), ("b.toml", 4));
    assert!(errors[1].2.contains("referrals-3-months"), "suggests the id: {}", errors[1].2);
}

#[test]
fn a_rolling_indicator_with_a_lag_gives_both_series_from_the_same_sorted_rows() {
    // Referrals with an earlier referral of the same child, in 3 months and
    // (for SPC) in each month. The rows are sorted once for both windows.
    let definition = r#"id = "referrals-3-months"
title = "Repeat referrals (3 months)"
description = "Referrals of a child referred before, in the 3 months to the end of the month."
unit = "count"
polarity = "no_judgement"
dataset = "referrals"
window = { kind = "rolling", months = 3 }
filter = "CINreferralDate BETWEEN window_start AND window_end"
[derive.previous]
sql = "LAG(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)"
[measure]
kind = "count"
where = "previous IS NOT NULL"
"#;
    let fixture = Fixture::new();
    fixture.indicator("children-in-need", "referrals-3-months", definition);
    // R is referred on the 10th of every month January to June 2024; one other
    // child a month, once. Each snapshot holds every referral (later ones fall
    // outside the windows).
    let mut rows = String::from("LAchildID,CINreferralDate\n");
    for month in 1..=6 {
        rows.push_str(&format!("R,2024-{month:02}-10\nC{month},2024-{month:02}-12\n"));
    }
    for month in 1..=6 {
        fixture.extract(&format!("2024-{month:02}"), "referrals.csv", &rows);
    }
    let computed = fixture.compute().unwrap();
    let (_, series) = &computed[0];
    let values = |observations: &[scorecard::evaluate::Observation]| -> Vec<f64> {
        observations.iter().map(|o| o.value.unwrap()).collect()
    };
    // Each month: R's referral has a previous one from February on.
    assert_eq!(values(series.monthly.as_ref().unwrap()), [0.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    // Three months to each month end: 0, 0+1, 0+1+1, then 1+1+1.
    assert_eq!(values(&series.series), [0.0, 1.0, 2.0, 3.0, 3.0, 3.0]);
}

/// Eight months alternating 10 and 11, then eight alternating 20 and 21:
/// the mean is (84 + 164) / 16 = 15.5 and the last eight are all above it,
/// a shift running to the latest month. The page names the change, and
/// `check` suggests a rebase event dated where it began.
#[test]
fn a_process_change_is_named_on_the_page_and_by_check() {
    let counts = [10, 11, 10, 11, 10, 11, 10, 11, 20, 21, 20, 21, 20, 21, 20, 21];
    let fixture = referrals(ROLLING, &counts);
    let json = fixture.build_json(&[], "1767225600", "2025-04");
    let change = &json["indicators"][0]["spc"]["changed"];
    assert_eq!(change["rule"], "shift");
    assert_eq!(change["since"], "2024-09");
    assert_eq!(change["months"], 8);
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-04/index.html")).unwrap();
    assert!(page.contains("Process changed: 8 months above the mean since September 2024"), "the page names it");
    let check =
        Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(fixture.root()).output().unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    let line = "process change 2025-04: referrals-3-months: 8 months above the mean since September 2024; if the change is real and lasting, an event dated September 2024 with `rebase = true` recalculates its limits";
    assert!(stdout.contains(line), "{stdout}");
}

/// A bundle for month M describes M's window, not the latest month's
/// evaluated (issue 29: `build --month 2025-01` said "1 February 2025 to
/// 28 February 2025"). The 3-month window to June 2024 is 1 April 2024 to
/// 30 June 2024; the fixture's data run to January 2025. An
/// `annual_calendar` indicator built for March 2025 reports December 2024,
/// and its calendar-year window is 1 January 2024 to 31 December 2024.
#[test]
fn a_bundle_describes_the_window_of_the_period_it_reports() {
    let fixture = referrals_fixture(ROLLING);
    let json = fixture.build_json(&["--month", "2024-06"], "1767225600", "2024-06");
    assert_eq!(json["indicators"][0]["window"], "1 April 2024 to 30 June 2024");
    let source = &json["indicators"][0]["in_words"][0];
    assert!(source[1].as_str().unwrap().contains("1 April 2024 to 30 June 2024"), "{source}");
    let yearly = ROLLING.replace(
        "window = { kind = \"rolling\", months = 3 }",
        "window = { kind = \"calendar_year_to_date\" }\nfrequency = \"annual_calendar\"",
    );
    let fixture = referrals(&yearly, &[6; 15]);
    let json = fixture.build_json(&["--month", "2025-03"], "1767225600", "2025-03");
    assert_eq!(json["indicators"][0]["latest"]["period"], "2024-12");
    assert_eq!(json["indicators"][0]["window"], "1 January 2024 to 31 December 2024");
}
