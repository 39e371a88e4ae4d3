//! One current extract of dated records, evaluated as at every month end
//! (`layout = "history"`), against the same records cut into month-end
//! snapshots by hand.

use crate::helpers::{Fixture, PROJECT};
use scorecard::evaluate::Basis;
use scorecard::project::Month;

const HISTORY: &str = r#"
[datasets.episodes-history]
layout = "history"
file = "episodes-history.csv"
key = "CHILD"
columns = { CHILD = "text", DECOM = "date", DEC = "date" }
"#;

/// Four children's episodes. As at each month end (DECOM on or before it,
/// DEC blank or after it):
/// 31 Jan: A (DEC 10 Mar is after)                      -> 1
/// 29 Feb: A, B; C started and ended on 29 Feb: not      -> 2
/// 31 Mar: B (A ended 10 Mar)                            -> 1
/// 30 Apr: B, D (D started 30 Apr)                       -> 2
/// Starts in the month: Jan A; Feb B, C; Mar none; Apr D -> 1, 2, 0, 1
const EPISODES: &str = "CHILD,DECOM,DEC\n\
A,15/01/2024,10/03/2024\n\
B,01/02/2024,\n\
C,29/02/2024,29/02/2024\n\
D,30/04/2024,\n";

const MONTHS: [&str; 4] = ["2024-01", "2024-02", "2024-03", "2024-04"];

fn indicators(fixture: &Fixture, dataset: &str) {
    let common = |id: &str, window: &str, filter: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
             dataset = \"{dataset}\"\nwindow = {{ kind = \"{window}\" }}\nfilter = \"{filter}\"\n[measure]\nkind = \"count\"\n"
        )
    };
    let looked_after = "DECOM <= period_end AND (DEC IS NULL OR DEC > period_end)";
    fixture.indicator("t", "looked-after", &common("looked-after", "as_at", looked_after));
    fixture.indicator("t", "starts", &common("starts", "month", "DECOM BETWEEN window_start AND window_end"));
}

fn history_fixture(range: &str) -> Fixture {
    let fixture = Fixture::new();
    fixture.write("scorecard.toml", &format!("{PROJECT}{HISTORY}{range}"));
    fixture.write("data/episodes-history.csv", EPISODES);
    indicators(&fixture, "episodes-history");
    fixture
}

fn values(fixture: &Fixture, id: &str) -> Vec<(String, Option<f64>)> {
    let computed = fixture.compute().unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let (_, series) = computed.into_iter().find(|(found, _)| found == id).expect("computed");
    series.series.iter().map(|o| (o.period.to_string(), o.value)).collect()
}

fn expected(values: [f64; 4]) -> Vec<(String, Option<f64>)> {
    MONTHS.iter().zip(values).map(|(month, value)| (month.to_string(), Some(value))).collect()
}

#[test]
fn a_history_extract_is_evaluated_as_at_each_month_end() {
    let fixture = history_fixture("history = { from = \"2024-01\", through = \"2024-04\" }\n");
    assert_eq!(values(&fixture, "looked-after"), expected([1.0, 2.0, 1.0, 2.0]));
    assert_eq!(values(&fixture, "starts"), expected([1.0, 2.0, 0.0, 1.0]));
}

/// The independent method: the same records cut by hand into what a
/// month-end snapshot would have held (episodes started by then, an end
/// after the month end not yet known), read as monthly extracts.
#[test]
fn history_agrees_with_snapshots_cut_from_the_same_records() {
    let fixture = Fixture::new();
    fixture.write(
        "scorecard.toml",
        &format!("{PROJECT}\n[datasets.snapshots]\nlayout = \"monthly\"\nfile = \"episodes.csv\"\nkey = \"CHILD\"\ncolumns = {{ CHILD = \"text\", DECOM = \"date\", DEC = \"date\" }}\n"),
    );
    indicators(&fixture, "snapshots");
    let snapshots = [
        "A,15/01/2024,\n",
        "A,15/01/2024,\nB,01/02/2024,\nC,29/02/2024,29/02/2024\n",
        "A,15/01/2024,10/03/2024\nB,01/02/2024,\nC,29/02/2024,29/02/2024\n",
        "A,15/01/2024,10/03/2024\nB,01/02/2024,\nC,29/02/2024,29/02/2024\nD,30/04/2024,\n",
    ];
    for (month, rows) in MONTHS.iter().zip(snapshots) {
        fixture.extract(month, "episodes.csv", &format!("CHILD,DECOM,DEC\n{rows}"));
    }
    let history = history_fixture("history = { from = \"2024-01\", through = \"2024-04\" }\n");
    for id in ["looked-after", "starts"] {
        assert_eq!(values(&fixture, id), values(&history, id), "{id}");
    }
}

#[test]
fn the_range_defaults_to_36_months_ending_with_the_latest_date() {
    let fixture = history_fixture("");
    // A date after the current month (a typo, a planned date) does not move the end.
    fixture.write("data/episodes-history.csv", &format!("{EPISODES}E,10/06/2024,01/01/2099\n"));
    let computed = fixture.compute().expect("computes");
    let (_, series) = computed.iter().find(|(id, _)| id == "looked-after").expect("computed");
    let months: Vec<Month> = series.series.iter().map(|o| o.period).collect();
    // 2024-06 back 35 months: 2021-07.
    assert_eq!((months.len(), months[0].to_string(), months[35].to_string()), (36, "2021-07".into(), "2024-06".into()));
    assert_eq!(series.basis, Basis::Recalculated { extract: "2024-06".parse().unwrap() });
    // 30 June 2024: B, D and E.
    assert_eq!(series.series[35].value, Some(3.0));
}

#[test]
fn a_patterned_history_file_is_the_latest_one_and_names_its_month() {
    let fixture = Fixture::new();
    let config = HISTORY.replace("episodes-history.csv", "cla_{YYYY}-{MM}.csv");
    fixture.write("scorecard.toml", &format!("{PROJECT}{config}"));
    indicators(&fixture, "episodes-history");
    fixture.write("data/cla_2024-03.csv", "CHILD,DECOM,DEC\nA,15/01/2024,\n");
    fixture.write("data/cla_2024-04.csv", EPISODES);
    let computed = fixture.compute().expect("computes");
    let (_, series) = computed.iter().find(|(id, _)| id == "looked-after").expect("computed");
    assert_eq!(series.basis, Basis::Recalculated { extract: "2024-04".parse().unwrap() });
    let last = series.series.last().expect("months");
    assert_eq!((last.period.to_string(), last.value), ("2024-04".to_string(), Some(2.0)));
}

#[test]
fn history_declarations_are_checked() {
    let fixture = Fixture::new();
    let bad = HISTORY.replace(
        "key = \"CHILD\"",
        "key = \"CHILD\"\nperiod_column = \"DECOM\"\nhistory = { from = \"2024-13\", through = \"2023-01\" }",
    );
    let monthly_with_range = "\n[datasets.other]\nlayout = \"monthly\"\nfile = \"o.csv\"\nsheet = \"List 1\"\ncolumns = { X = \"text\" }\nhistory = { from = \"2024-01\" }\n";
    fixture.write("scorecard.toml", &format!("{PROJECT}{bad}{monthly_with_range}"));
    let errors: Vec<String> = fixture.load_errors().into_iter().map(|(_, _, message)| message).collect();
    let has = |text: &str| errors.iter().any(|message| message.contains(text));
    assert!(has("period_column applies only to layout = \"periodic\""), "{errors:?}");
    assert!(has("`2024-13` is not a month"), "{errors:?}");
    assert!(has("dataset `other`: `history` applies only to layout = \"history\""), "{errors:?}");
    assert!(has("dataset `other`: `sheet` applies only to workbooks"), "{errors:?}");
}

#[test]
fn the_scorecard_says_the_figures_were_recalculated() {
    let fixture = history_fixture("history = { from = \"2024-01\", through = \"2024-04\" }\n");
    // 1 May 2024: the build's clock.
    let json = fixture.build_json(&[], "1714521600", "2024-04");
    let indicator = &json["indicators"][0];
    let expected = "recalculated as at each month end from the April 2024 extract";
    assert_eq!(indicator["basis"], expected);
    let source = indicator["in_words"][0][1].as_str().expect("source line");
    assert!(source.ends_with(&format!("figures {expected}")), "{source}");
}

#[test]
fn a_history_extract_with_no_dates_says_where_to_set_its_end() {
    let fixture = history_fixture("");
    fixture.write("data/episodes-history.csv", "CHILD,DECOM,DEC\nA,,\n");
    let error = crate::helpers::describe(&fixture.compute().unwrap_err());
    assert!(error.contains("episodes-history.csv") && error.contains("set `history.through`"), "{error}");
}

#[test]
fn a_month_after_the_history_range_says_where_the_extract_ends() {
    let fixture = history_fixture("history = { from = \"2024-01\", through = \"2024-03\" }\n");
    // A snapshot dataset with April's extract makes April a month of the scorecard.
    fixture.extract("2024-04", "referrals.csv", "LAchildID,CINreferralDate\nC1,2024-04-02\n");
    let referrals =
        "id = \"referrals\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
        dataset = \"referrals\"\nwindow = { kind = \"as_at\" }\n[measure]\nkind = \"count\"\n";
    fixture.indicator("t", "referrals", referrals);
    let april = fixture.observe("looked-after", "2024-04");
    let reason = april.reason().expect("not calculable");
    assert!(reason.contains("history extract is evaluated up to 2024-03"), "{reason}");
    assert_eq!(fixture.observe("looked-after", "2024-03").value, Some(1.0));
}

/// A derived column over each child's episodes in date order (`LAG`), whose
/// rows the engine sorts once for every month end of a history extract,
/// against snapshots cut by hand. Re-entries, episodes starting in the
/// month after an earlier one of the same child:
/// Jan: A's first -> 0; Feb: B's first -> 0; Mar: A's second -> 1; Apr: B's second -> 1.
#[test]
fn a_sorted_derived_column_agrees_with_snapshots_at_every_month_end() {
    let records = "CHILD,DECOM,DEC\nA,15/01/2024,10/02/2024\nA,20/03/2024,\nB,01/02/2024,\nB,10/04/2024,\n";
    // What each month end's snapshot held: started by then; an end after it not yet known.
    let snapshots = [
        "A,15/01/2024,\n",
        "A,15/01/2024,10/02/2024\nB,01/02/2024,\n",
        "A,15/01/2024,10/02/2024\nA,20/03/2024,\nB,01/02/2024,\n",
        "A,15/01/2024,10/02/2024\nA,20/03/2024,\nB,01/02/2024,\nB,10/04/2024,\n",
    ];
    let re_entries = |fixture: &Fixture, dataset: &str| {
        fixture.indicator(
            "t",
            "re-entries",
            &format!(
                "id = \"re-entries\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
                 dataset = \"{dataset}\"\nwindow = {{ kind = \"month\" }}\n\
                 filter = \"DECOM BETWEEN window_start AND window_end AND previous_start IS NOT NULL\"\n\
                 [derive.previous_start]\nsql = \"LAG(DECOM) OVER (PARTITION BY CHILD ORDER BY DECOM)\"\n\
                 [measure]\nkind = \"count\"\n"
            ),
        );
    };
    let history = Fixture::new();
    let range = "history = { from = \"2024-01\", through = \"2024-04\" }\n";
    history.write("scorecard.toml", &format!("{PROJECT}{}{range}", HISTORY.replace("key = \"CHILD\"\n", "")));
    history.write("data/episodes-history.csv", records);
    re_entries(&history, "episodes-history");
    assert_eq!(values(&history, "re-entries"), expected([0.0, 0.0, 1.0, 1.0]));
    let monthly = Fixture::new();
    monthly.write(
        "scorecard.toml",
        &format!("{PROJECT}\n[datasets.snapshots]\nlayout = \"monthly\"\nfile = \"episodes.csv\"\ncolumns = {{ CHILD = \"text\", DECOM = \"date\", DEC = \"date\" }}\n"),
    );
    for (month, rows) in MONTHS.iter().zip(snapshots) {
        monthly.extract(month, "episodes.csv", &format!("CHILD,DECOM,DEC\n{rows}"));
    }
    re_entries(&monthly, "snapshots");
    assert_eq!(values(&monthly, "re-entries"), values(&history, "re-entries"));
}
