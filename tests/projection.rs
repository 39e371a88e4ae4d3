//! The demand projection for children looked after (docs/projection.md):
//! its counts on a tiny episodes table worked by hand, and its simulation
//! against closed forms.

use chrono::NaiveDate;
use scorecard::judge::projection::care::{band_on, periods};
use scorecard::judge::projection::{in_care_on, project, Episode, Placement, Projection, Rates, Scenario};
use scorecard::project::Month;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

fn episode(child: &str, born: &str, start: &str, end: Option<&str>, place: &str) -> Episode {
    Episode {
        child: child.into(),
        born: day(born),
        start: day(start),
        end: end.map(day),
        placement: Placement::of_code(place),
    }
}

/// Six children over a window of 1 January to 31 March 2024 (91 days:
/// 31 + 29 + 31). Time in care: 0 in the first year of a period of care
/// (365 days), 1 after it; only C, E and G are in their first year in the
/// window; A's year ended on 1 January 2024 (365 days after 1 January 2023).
fn five_children() -> Vec<Episode> {
    vec![
        // A, 13: fostered, leaves care on 1 February.
        episode("A", "2010-06-15", "2023-01-01", Some("2024-02-01"), "U1"),
        // B, 15 until 10 March 2024: foster care, then a children's home
        // from 20 January (a move), still there.
        episode("B", "2008-03-10", "2022-05-01", Some("2024-01-20"), "U2"),
        episode("B", "2008-03-10", "2024-01-20", None, "K2"),
        // C, a baby: enters foster care on 15 February.
        episode("C", "2023-11-01", "2024-02-15", None, "U3"),
        // D: supported accommodation until their 18th birthday (not an exit).
        episode("D", "2006-02-20", "2022-01-01", Some("2024-02-20"), "P2"),
        // E, 9: two foster episodes back to back (no move), in care since
        // 1 June 2023: in their first year all window.
        episode("E", "2015-01-01", "2023-06-01", Some("2024-01-10"), "U4"),
        episode("E", "2015-01-01", "2024-01-10", None, "U4"),
        // G, 12: fostered since 10 February 2023, a year (365 days) in care
        // on 10 February 2024.
        episode("G", "2012-01-01", "2023-02-10", None, "U1"),
    ]
}

#[test]
fn rates_count_entries_exits_moves_and_child_days_by_hand() {
    let periods = periods(&five_children());
    assert_eq!(periods.len(), 6, "B's and E's episodes are one period each");
    let rates = Rates::estimate(&periods, day("2024-01-01"), day("2024-04-01"));
    let (fostering, residential, supported) = (Placement::Fostering, Placement::Residential, Placement::Supported);
    let (f, r, s) = (fostering.index(), residential.index(), supported.index());
    // C entered aged 30 (November) + 31 + 31 + 14 = 106 days.
    assert_eq!(rates.entrants, vec![(106, fostering)]);
    assert!((rates.entry_rate() - 1.0 / 91.0).abs() < 1e-12);
    // Band 3 (10 to 15), fostering, a year or more in care: A 31 days (1 to
    // 31 January), B 19 (1 to 19 January), G from 10 February (20 days of
    // February + 31 of March = 51): 101 child-days, with A's exit and B's
    // move. G's first 40 days (1 January to 9 February) are in their
    // first year.
    assert_eq!(rates.exposure[3][1][f], 101);
    assert_eq!(rates.exposure[3][0][f], 40);
    assert!((rates.exit_rate(3, 1, fostering) - 1.0 / 101.0).abs() < 1e-12);
    assert!((rates.move_rate(3, 1, fostering, residential) - 1.0 / 101.0).abs() < 1e-12);
    assert_eq!(rates.exit_rate(3, 0, fostering), 0.0);
    // B in the children's home: 20 January to 9 March aged 15 (12 + 29 + 9
    // = 50 days), from 10 March aged 16 (22 days).
    assert_eq!(rates.exposure[3][1][r], 50);
    assert_eq!(rates.exposure[4][1][r], 22);
    // C, under 1, first year: 15 to 29 February (15 days) + 31 in March.
    assert_eq!(rates.exposure[0][0][f], 46);
    // D, 16 and 17: 1 January to 19 February (31 + 19); leaving at 18 is no exit.
    assert_eq!(rates.exposure[4][1][s], 50);
    assert_eq!(rates.exits[4][1][s], 0);
    // E, 5 to 9, first year, every day.
    assert_eq!(rates.exposure[2][0][f], 91);
    assert_eq!(rates.totals(), (1, 1, 101 + 40 + 50 + 22 + 46 + 50 + 91));
    // In care on 31 March: B (residential, 16), C (fostering, under 1), E, G.
    let mut in_care = in_care_on(&periods, day("2024-03-31"));
    in_care.sort();
    assert_eq!(
        in_care,
        vec![
            (day("2008-03-10"), day("2022-05-01"), residential),
            (day("2012-01-01"), day("2023-02-10"), fostering),
            (day("2015-01-01"), day("2023-06-01"), fostering),
            (day("2023-11-01"), day("2024-02-15"), fostering)
        ]
    );
    assert_eq!(band_on(day("2008-03-10"), day("2024-03-09")), 3);
    assert_eq!(band_on(day("2008-03-10"), day("2024-03-10")), 4);
}

/// `count` children of 5 in foster care, to follow for 2024.
fn five_year_olds(count: usize) -> Vec<Episode> {
    (0..count).map(|n| episode(&format!("C{n}"), "2018-06-01", "2023-06-01", None, "U1")).collect()
}

fn settings(runs: u32, costs: Option<[f64; 4]>) -> Projection {
    Projection { from: Month::new(2023, 12).expect("a month"), months: 12, runs, seed: 7, daily_costs: costs }
}

fn at_observed_rates() -> Vec<Scenario> {
    vec![Scenario { name: "observed".into(), entries: 1.0, exits: 1.0 }]
}

/// 2,000 children leaving at 1 in 1,000 a day (100 exits in 100,000
/// child-days). A child is in care on day j after the start with chance
/// exp(-0.001 j): on 31 December 2024, day 365, 2000 exp(-0.365) =
/// 1388.4. The run-to-run spread is mostly the rate's own uncertainty:
/// 100 exits give it a standard error of 10%, so the count's is about
/// 2000 x 365 x exp(-0.365) x 0.0001 = 50.7; with the binomial chance
/// (sqrt(2000 x 0.694 x 0.306) = 20.6), 54.7 in all: an 80% range of
/// about 1388 +- 70.
#[test]
fn children_leave_at_the_rate_observed_with_its_uncertainty() {
    let periods = periods(&five_year_olds(2000));
    let mut rates = Rates::estimate(&periods, day("2023-01-01"), day("2024-01-01"));
    // All a year or more in care (since June 2023 from 2024-06-01; the
    // first-year rates are the same).
    rates.exposure = [[[0; 4]; 2]; 5];
    rates.exits = [[[0; 4]; 2]; 5];
    for duration in 0..2 {
        rates.exposure[2][duration][0] = 100_000;
        rates.exits[2][duration][0] = 100;
    }
    rates.entrants.clear();
    let projected = project(&periods, &rates, &settings(400, None), &at_observed_rates());
    let december = &projected[0].months[11];
    assert_eq!(december.month, Month::new(2024, 12).expect("a month"));
    assert!((december.total.mean - 1388.4).abs() < 10.0, "{:?}", december.total);
    let half_width = (december.total.upper80 - december.total.lower80) / 2.0;
    assert!((half_width - 70.0).abs() < 20.0, "{:?}", december.total);
    assert!((december.by_age[2].mean - december.total.mean).abs() < 1e-9, "all still 5 to 9");
}

/// No one in care; entries at 1 a day (365 in 2023), each a child of 5
/// into foster care, none leaving: on 31 December 2024 the mean count is
/// the 366 days of 2024 at 1 a day. Entries 10% down: 329.4. January's
/// child-days: a child arriving on day d (0 to 30) is in care 31 - d
/// days, 31 x 32 / 2 = 496 at 1 a day; at £100 a day, £49,600.
#[test]
fn entries_arrive_at_the_rate_observed_and_scenarios_scale_them() {
    let periods = periods(&five_year_olds(0));
    let mut rates = Rates::estimate(&periods, day("2023-01-01"), day("2024-01-01"));
    rates.entrants = vec![(5 * 365 + 30, Placement::Fostering); 365];
    let scenarios =
        vec![at_observed_rates().remove(0), Scenario { name: "entries down 10%".into(), entries: 0.9, exits: 1.0 }];
    let projected = project(&periods, &rates, &settings(400, Some([100.0, 0.0, 0.0, 0.0])), &scenarios);
    let observed = &projected[0].months;
    assert!((observed[11].total.mean - 366.0).abs() < 6.0, "{:?}", observed[11].total);
    assert!((projected[1].months[11].total.mean - 329.4).abs() < 6.0, "{:?}", projected[1].months[11].total);
    let january_cost = observed[0].cost.expect("costs given");
    assert!((january_cost.mean - 49_600.0).abs() < 1_500.0, "{january_cost:?}");
    let by_placement = observed[0].cost_by_placement.as_ref().expect("costs given");
    assert_eq!(by_placement[0], january_cost, "all of it fostering");
    assert!(by_placement[1..].iter().all(|cost| cost.upper95 == 0.0), "nothing else: {by_placement:?}");
    assert!(observed[11].by_placement[0].mean > 300.0, "every entrant fostered");
}

#[test]
fn the_same_seed_gives_the_same_projection() {
    let periods = periods(&five_children());
    let rates = Rates::estimate(&periods, day("2024-01-01"), day("2024-04-01"));
    let run = || project(&periods, &rates, &settings(200, None), &at_observed_rates());
    assert_eq!(run(), run());
}

const PROJECTED: &str = r#"
[datasets.cla-episodes]
layout = "monthly"
file = "ssda903_episodes.csv"
date_formats = ["%Y-%m-%d"]
columns = { CHILD = "text", DECOM = "date", DEC = "date", PLACE = "text", LS = "text" }

[datasets.cla-header]
layout = "monthly"
file = "ssda903_header.csv"
date_formats = ["%Y-%m-%d"]
columns = { CHILD = "text", DOB = "date" }
"#;

/// A project holding the six children's episodes in its March 2024
/// extracts (and F, whom the header does not date), with `projection` as
/// its `[projection]` table.
fn projected_fixture(projection: &str) -> crate::helpers::Fixture {
    let fixture = crate::helpers::Fixture::new();
    fixture.write("scorecard.toml", &format!("{}{PROJECTED}{projection}", crate::helpers::PROJECT));
    let mut episodes = String::from("CHILD,DECOM,DEC,PLACE,LS\n");
    let mut header = String::from("CHILD,DOB\n");
    for e in five_children() {
        let end = e.end.map(|end| end.to_string()).unwrap_or_default();
        let place = match e.placement {
            Placement::Fostering => "U1",
            Placement::Residential => "K2",
            Placement::Supported => "P2",
            Placement::Other => "Z1",
        };
        episodes.push_str(&format!("{},{},{end},{place},C2\n", e.child, e.start));
        if !header.contains(&format!("\n{},", e.child)) {
            header.push_str(&format!("{},{}\n", e.child, e.born));
        }
    }
    episodes.push_str("F,2024-01-05,,U1,C2\n");
    // H, dated, on short breaks (V3): left out, as DfE's counts leave them.
    episodes.push_str("H,2024-03-01,,U1,V3\n");
    header.push_str("H,2014-05-05\n");
    fixture.extract("2024-03", "ssda903_episodes.csv", &episodes);
    fixture.extract("2024-03", "ssda903_header.csv", &header);
    std::fs::create_dir_all(fixture.root().join("indicators")).expect("an indicator folder");
    fixture
}

fn run_project(fixture: &crate::helpers::Fixture) -> Result<(String, serde_json::Value), String> {
    let json = fixture.root().join("projection.json");
    let request = scorecard::cli::project::Request { month: None, authority: None, json: Some(&json) };
    let mut out = String::new();
    scorecard::cli::project::project(fixture.root(), request, &mut out)
        .map_err(|error| crate::helpers::describe(&error))?;
    let text = std::fs::read_to_string(&json).expect("the JSON is written");
    Ok((out, serde_json::from_str(&text).expect("JSON")))
}

/// The command on the five children, rates from January to March 2024
/// (worked in `rates_count_entries_exits_moves_and_child_days_by_hand`):
/// in care on 31 March, C (under 1), E (9), G (12) and B (16); one entry,
/// one exit before 18, one move, 400 child-days; F left out, undated, and
/// H's short break (legal status V3) left out, so the entry is C's alone.
#[test]
fn the_command_projects_from_the_months_extracts() {
    let fixture = projected_fixture("[projection]\nreference_months = 3\nmonths = 12\nruns = 200\n");
    let (out, json) = run_project(&fixture).expect("it projects");
    assert_eq!(json["in_care_by_age"], serde_json::json!([1, 0, 1, 1, 1]));
    let reference = &json["reference"];
    assert_eq!(
        [&reference["entries"], &reference["exits_before_18"], &reference["moves"], &reference["child_days"]],
        [1, 1, 1, 400]
    );
    assert_eq!(reference["episodes_left_out"], 1);
    assert_eq!(reference["short_break_episodes_left_out"], 1);
    assert_eq!(reference["from"], "2024-01-01");
    let months = json["scenarios"][0]["months"].as_array().expect("months");
    assert_eq!((months.len(), &months[11]["month"]), (12, &serde_json::json!("2025-03")));
    assert!(out.contains("In care on 31 March 2024: 4."), "{out}");
    assert!(out.contains("Left out: 1 episodes"), "{out}");
    assert!(out.contains("Left out: 1 short-break episodes (legal status V3 or V4)"), "{out}");
}

#[test]
fn a_project_without_a_projection_table_is_told_how_to_add_one() {
    let fixture = projected_fixture("");
    let error = run_project(&fixture).expect_err("no [projection]");
    assert!(error.contains("has no [projection] table"), "{error}");
}

#[test]
fn every_setting_out_of_range_is_named_with_its_value() {
    let fixture =
        projected_fixture("[projection]\nmonths = 40\nruns = 5\nscenarios = [{ name = \"Half\", entries = -0.5 }]\n");
    let error = run_project(&fixture).expect_err("settings out of range");
    for named in ["`months = 40`", "`runs = 5`", "scenario `Half`: `entries = -0.5`"] {
        assert!(error.contains(named), "{named} in {error}");
    }
}

/// With `[projection]`, the latest month's bundle carries it: in
/// scorecard.json (no count of real children by age band: a small band
/// could be read from the others), on the page as sentences, a chart and
/// a table whose cells are the JSON's numbers, and in the board pack.
#[test]
fn the_latest_bundle_carries_the_projection() {
    let fixture = projected_fixture(
        "[projection]\nreference_months = 3\nmonths = 12\nruns = 200\nscenarios = [{ name = \"Entries down 10%\", entries = 0.9 }]\n",
    );
    let json = fixture.build_json(&["--month", "2024-03"], "1711929600", "2024-03");
    let projection = &json["projection"];
    assert_eq!(projection["in_care_at_start"], 4);
    assert!(projection.get("in_care_by_age").is_none(), "no counts of real children by age band");
    assert!(projection.get("episodes_file").is_none(), "no path on the data team's disk");
    let march = &projection["scenarios"][0]["months"][11];
    assert_eq!(march["month"], "2025-03");
    let total = &march["total"];
    let number = |value: &serde_json::Value| value.as_f64().expect("a number");
    let cell =
        format!("{:.0} ({:.0} to {:.0})", number(&total["mean"]), number(&total["lower80"]), number(&total["upper80"]));
    let bundle = fixture.root().join("reports/2024-03");
    let page = std::fs::read_to_string(bundle.join("index.html")).expect("the page");
    assert!(page.contains("Children looked after: where demand is heading"), "the section");
    assert!(page.contains(&format!("<td data-label=\"March 2025\">{cell}</td>")), "All children, March 2025: {cell}");
    assert!(page.contains("would be looked after in March 2025"), "the sentence");
    assert!(page.contains("Entries down 10%: all children"), "the scenario's row");
    for chart in ["wide", "narrow"] {
        let svg = std::fs::read_to_string(bundle.join(format!("charts/projection/{chart}.svg"))).expect("the chart");
        assert!(svg.contains("<title>Children looked after: projection</title>"), "{chart}");
    }
    let pack = lopdf::Document::load(bundle.join("board-pack.pdf")).expect("the board pack");
    let pages: Vec<u32> = pack.get_pages().keys().copied().collect();
    let text = pack.extract_text(&pages).expect("text");
    assert!(text.contains("where demand is heading"), "the pack's page");
}
