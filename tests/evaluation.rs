//! Shipped definitions evaluated over small hand-made extracts; every
//! expected number is worked out by hand in the comments.

use crate::helpers::{describe, Fixture};
use scorecard::evaluate;

const WORKFORCE_HEADER: &str = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";

#[test]
fn caseload_limits_are_25_and_18_for_asye() {
    let fixture = Fixture::shipped(&["workforce/caseloads-within-limit"]);
    let rows = "\
SW1,Team A,0,1.0,5,01/01/2020,,25,0
SW2,Team A,0,1.0,5,01/01/2020,,26,0
SW3,Team B,0,1.0,5,01/06/2023,,18,1
SW4,Team B,0,1.0,5,01/06/2023,,19,1
SW5,Team B,1,1.0,5,01/01/2024,,10,0
SW6,Team A,0,1.0,3,01/01/2015,,40,0
SW7,Team A,0,1.0,5,01/01/2020,15/03/2024,30,0
";
    fixture.extract("2024-03", "workforce.csv", &format!("{WORKFORCE_HEADER}{rows}"));
    // In post case holders at 31/03/2024: SW1-SW5 (SW6 manages, SW7 left).
    // Within: SW1 (25 <= 25), SW3 (ASYE 18 <= 18), SW5 (10). Over: SW2 (26), SW4 (ASYE 19).
    // 3 / 5 = 60%.
    let observation = fixture.observe("caseloads-within-limit", "2024-03");
    assert_eq!((observation.numerator, observation.denominator), (Some(3.0), Some(5.0)));
    approx::assert_relative_eq!(observation.value.unwrap(), 60.0);

    let computed = fixture.compute().unwrap();
    let groups = &computed[0].1.groups;
    // Team A: SW1 in, SW2 over = 1/2 = 50%. Team B: SW3, SW5 in, SW4 over = 2/3.
    let team = |name: &str| groups.iter().find(|(group, _)| group == name).unwrap().1[0].value.unwrap();
    approx::assert_relative_eq!(team("Team A"), 50.0);
    approx::assert_relative_eq!(team("Team B"), 200.0 / 3.0, epsilon = 1e-9);
}

/// Header and child A of the placement tests: open at the window start, a
/// new placement, a legal-status-only change, then a change of placement
/// with the same carer (T).
const CHILD_A_EPISODES: &str = "\
CHILD,DECOM,RNE,LS,PLACE,DEC,REC,REASON_PLACE_CHANGE,PL_DISTANCE
A,01/01/2024,S,C2,U1,15/05/2024,X1,CARPL,
A,15/05/2024,P,C2,U4,01/08/2024,X1,,
A,01/08/2024,L,E1,U4,01/10/2024,X1,CARPL,
A,01/10/2024,T,E1,U5,,,,
";

#[test]
fn three_placements_rule_counts_open_placement_and_new_placements_only() {
    let fixture = Fixture::shipped(&["looked-after/placements-3-plus"]);
    let episodes = CHILD_A_EPISODES.to_string()
        + "\
B,01/02/2024,S,C2,U1,01/06/2024,X1,CARPL,
B,01/06/2024,P,C2,U4,01/09/2024,X1,,
B,01/09/2024,L,E1,U4,01/12/2024,X1,,
B,01/12/2024,L,C2,U4,,,,
C,10/06/2024,S,V2,U1,10/09/2024,X1,CARPL,
C,10/09/2024,P,V2,U4,10/12/2024,X1,CARPL,
C,10/12/2024,B,C2,R1,,,,
D,01/05/2024,S,V2,U1,01/07/2024,X1,CARPL,
D,01/07/2024,P,V2,U4,,,,
E,01/01/2024,S,V2,U1,01/05/2024,X1,CARPL,
E,01/05/2024,P,V2,U4,01/06/2024,X1,CARPL,
E,01/06/2024,P,V2,U4,01/07/2024,E13,,
F,01/01/2023,S,C2,U1,01/04/2024,X1,CARPL,
F,01/04/2024,P,C2,U4,,,,
";
    fixture.extract("2025-03", "ssda903_episodes.csv", &episodes);
    // Window 01/04/2024 - 31/03/2025. A placement is a new carer: S, P, B.
    // A: open at window start (1) + P (2) + L not counted + T (same carer, not counted) = 2.
    // B: open at start (1) + P (2); two L changes not counted = 2.
    // C: started in window S (1) + P (2) + B (3) = 3 -> counted.
    // D: S (1) + P (2) = 2.
    // E: 3 placements but left care 01/07/2024: not looked after at 31/03/2025.
    // F: first episode ends on the window start so is not open at it; P (1) = 1.
    // Looked after at end: A, B, C, D, F = 5; with 3+: C = 1; 1/5 = 20%.
    let observation = fixture.observe("placements-3-plus", "2025-03");
    assert_eq!((observation.numerator, observation.denominator), (Some(1.0), Some(5.0)));
    approx::assert_relative_eq!(observation.value.unwrap(), 20.0);
}

#[test]
fn forty_five_working_days_skip_easter_may_bank_holidays_and_weekends() {
    let fixture = Fixture::shipped(&["children-in-need/assessments-in-45-days"]);
    let assessments = "\
LAchildID,AssessmentID,AssessmentActualStartDate,AssessmentAuthorisationDate
X1,A1,2025-03-20,2025-05-28
X2,A2,2025-03-20,2025-05-29
X3,A3,2025-05-01,2025-05-02
X4,A4,2025-03-20,2025-04-30
";
    fixture.extract("2025-05", "cin_assessments.csv", assessments);
    // From Thu 20/03/2025, working days after the start: 21 Mar = 1, 24-28 Mar = 6,
    // 31 Mar-4 Apr = 11, 7-11 Apr = 16, 14-17 Apr = 20 (Good Friday 18th out),
    // 22-25 Apr = 24 (Easter Monday 21st out), 28 Apr-2 May = 29,
    // 6-9 May = 33 (bank holiday 5th out), 12-16 May = 38, 19-23 May = 43,
    // 27 May = 44 (Spring bank holiday 26th out), 28 May = 45.
    // A1 (28 May) took 45: within. A2 (29 May) took 46: late. A3 took 1: within.
    // A4 was authorised in April: outside May's window.
    // 2 of 3 = 66.7%.
    let observation = fixture.observe("assessments-in-45-days", "2025-05");
    assert_eq!((observation.numerator, observation.denominator), (Some(2.0), Some(3.0)));
}

/// Referrals for the re-referral tests (worked through in the first of them).
const REFERRALS: &str = "\
LAchildID,CINdetailsID,CINreferralDate,ReferralSource,CINclosureDate,ReferralNFA
X,1,2023-05-10,1A,,0
X,2,2024-05-10,1A,,0
Y,3,2023-05-10,1A,,0
Y,4,2024-05-11,1A,,0
Z,5,2024-06-01,1A,,0
Z,6,2024-09-01,1A,,0
W,7,2024-07-01,1A,,0
";

#[test]
fn re_referral_exactly_twelve_months_later_counts() {
    let fixture = Fixture::shipped(&["children-in-need/re-referrals"]);
    fixture.extract("2025-03", "cin_referrals.csv", REFERRALS);
    // Window 01/04/2024 - 31/03/2025 holds X2, Y4, Z5, Z6, W7 = 5 referrals.
    // X2 is exactly 12 months after X1: a re-referral. Y4 is 12 months and a
    // day after Y3: not. Z6 is 3 months after Z5: a re-referral. 2/5 = 40%.
    let observation = fixture.observe("re-referrals", "2025-03");
    assert_eq!((observation.numerator, observation.denominator), (Some(2.0), Some(5.0)));
}

#[test]
fn zero_denominator_and_missing_month_are_not_calculable_with_reasons() {
    let fixture = Fixture::shipped(&["children-in-need/assessments-in-45-days"]);
    let header = "LAchildID,AssessmentID,AssessmentActualStartDate,AssessmentAuthorisationDate\n";
    fixture.extract("2025-03", "cin_assessments.csv", &format!("{header}X1,A1,2025-03-03,2025-03-04\n"));
    // April's folder is missing entirely; May's extract has no authorisations in May.
    fixture.extract("2025-05", "cin_assessments.csv", &format!("{header}X1,A1,2025-03-03,2025-03-04\n"));
    let april = fixture.observe("assessments-in-45-days", "2025-04");
    assert_eq!(april.value, None);
    assert_eq!(april.reason(), Some("no `cin-assessments` extract for 2025-04"));
    let may = fixture.observe("assessments-in-45-days", "2025-05");
    assert_eq!(may.value, None);
    assert!(may.reason().unwrap().contains("denominator is zero"));
    // March: 1 working day, within 45: 1/1 = 100%.
    assert_eq!(fixture.observe("assessments-in-45-days", "2025-03").value, Some(100.0));
}

#[test]
fn bad_value_names_file_line_column_and_value() {
    let fixture = Fixture::shipped(&["children-in-need/assessments-in-45-days"]);
    let header = "LAchildID,AssessmentID,AssessmentActualStartDate,AssessmentAuthorisationDate\r\n";
    fixture.extract(
        "2025-03",
        "cin_assessments.csv",
        &format!("\u{feff}{header}X1,A1,2025-03-03,2025-03-04\r\nX2,A2,2025-02-31,2025-03-04\r\n"),
    );
    let error = fixture.compute().expect_err("bad date is an error");
    let diagnostic = &error.diagnostics().unwrap().0[0];
    assert!(diagnostic.path.ends_with("2025-03/cin_assessments.csv"));
    assert_eq!((diagnostic.line, diagnostic.column), (3, 3));
    assert!(diagnostic.message.contains("`2025-02-31`"), "{}", diagnostic.message);
}

/// The default project with a periodic dataset `published` (data/csww.csv,
/// periods in `time_period`) of these `columns`.
fn periodic_fixture(columns: &str) -> Fixture {
    let fixture = Fixture::new();
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write(
        "scorecard.toml",
        &format!(
            "{project}\n[datasets.published]\nlayout = \"periodic\"\nfile = \"csww.csv\"\nperiod_column = \"time_period\"\ncolumns = {{ {columns} }}\n"
        ),
    );
    fixture
}

/// A bad period is placed at its own line and column, even after a row whose
/// quoted text holds a line break: the second row spans lines 3 and 4, so the
/// third row's period is on line 5 (one line per row would say 4).
#[test]
fn a_bad_period_is_placed_at_its_own_line() {
    let fixture = periodic_fixture("time_period = \"text\", new_la_code = \"text\", note = \"text\", fte = \"number\"");
    fixture.write(
        "data/csww.csv",
        "time_period,new_la_code,note,fte\n202324,E1,,40\n202324,E2,\"two\nlines\",60\n2024-13,E1,,50\n",
    );
    fixture.indicator(
        "t",
        "total-fte",
        "id = \"total-fte\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"number\"\npolarity = \"no_judgement\"\ndataset = \"published\"\n\n[measure]\nkind = \"sum\"\nof = \"fte\"\n",
    );
    let error = fixture.compute().expect_err("bad period");
    let diagnostic = &error.diagnostics().unwrap().0[0];
    assert_eq!((diagnostic.line, diagnostic.column), (5, 1), "{}", diagnostic.render());
    assert!(
        diagnostic.message.contains("`2024-13`") && diagnostic.message.contains("a period"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn periodic_files_give_a_value_per_period_with_sum_mean_and_year_to_date() {
    let fixture = periodic_fixture(
        "time_period = \"integer\", new_la_code = \"text\", agency_fte = \"number\", fte = \"number\"",
    );
    // A DfE-shaped file: "202324" is the year to March 2024, "2025" the year to March 2025.
    fixture.write(
        "data/csww.csv",
        "\u{feff}time_period,new_la_code,agency_fte,fte\n202324,E1,10,40\n202324,E2,x,60\n2025,E1,5,50\n2025,E2,15,50\n",
    );
    fixture.indicator(
        "t",
        "agency-share",
        r#"id = "agency-share"
title = "t"
description = "d"
unit = "percent"
polarity = "lower_is_better"
dataset = "published"
window = { kind = "financial_year_to_date" }

[measure]
kind = "ratio"
numerator = "agency_fte"
denominator = "fte"
"#,
    );
    fixture.indicator(
        "t",
        "mean-fte",
        "id = \"mean-fte\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"number\"\npolarity = \"no_judgement\"\ndataset = \"published\"\n\n[measure]\nkind = \"mean\"\nof = \"fte\"\nwhere = \"new_la_code = 'E1'\"\n",
    );
    // "x" is not a number: the whole file is refused, naming line 3, column 3.
    let error = fixture.compute().expect_err("bad number");
    let diagnostic = &error.diagnostics().unwrap().0[0];
    assert_eq!((diagnostic.line, diagnostic.column), (3, 3));

    fixture.write(
        "data/csww.csv",
        "time_period,new_la_code,agency_fte,fte\n202324,E1,10,40\n202324,E2,NULL,60\n2025,E1,5,50\n2025,E2,15,50\n",
    );
    // 2024-03: agency 10 (the NULL is left out) / FTE 100 = 10%. 2025-03: 20 / 100 = 20%.
    assert_eq!(fixture.observe("agency-share", "2024-03").value, Some(10.0));
    assert_eq!(fixture.observe("agency-share", "2025-03").value, Some(20.0));
    // The months between have no rows: not calculable, with the reason.
    assert!(fixture.observe("agency-share", "2024-09").reason().unwrap().contains("no `published` extract"));
    // Mean FTE of E1 only: 40 in 2024-03, 50 in 2025-03.
    assert_eq!(fixture.observe("mean-fte", "2025-03").value, Some(50.0));
}

#[test]
fn significance_rating_compares_the_benchmark_with_the_wilson_interval() {
    let fixture = Fixture::shipped(&["children-in-need/re-referrals"]);
    fixture.extract("2025-03", "cin_referrals.csv", REFERRALS);
    let loaded = scorecard::evaluate::load(fixture.root()).unwrap();
    let data = scorecard::evaluate::read_data(&loaded).unwrap();
    let computed = scorecard::evaluate::compute(&loaded, &data).unwrap();
    let benchmarks = scorecard::judge::PublishedBenchmarks::of(&loaded);
    let scorecard = scorecard::judge::scorecard(&loaded, 0, &computed[0], "2025-03".parse().unwrap(), &benchmarks);
    let indicator = &scorecard.indicators[0];
    // 2 re-referrals of 5 (see above). Wilson 95%, z = 1.96:
    // (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)) = (7.8415 ∓ 5.7617) / 17.683
    // = 11.76% to 76.93%. England's 22.6% is inside: similar, so amber.
    let ci = indicator.confidence.iter().find(|ci| ci.level == 95.0).unwrap();
    approx::assert_abs_diff_eq!(ci.lower, 11.762, epsilon = 0.001);
    approx::assert_abs_diff_eq!(ci.upper, 76.928, epsilon = 0.001);
    assert_eq!(indicator.rag, Some(scorecard::judge::Rag::Amber));
}

/// A child who stays with one foster carer all year (issue 30: child 397815
/// of the SSDA903 sample, an L episode then two T episodes) has one
/// placement, as DfE counts it; a change of carer (P) is a second. Window
/// 01/04/2024 to 31/03/2025. H: open at the start (1), L, T, U (same carer)
/// = 1. K: open (1), T (same carer), P (2), U (same carer), B (3) = 3.
#[test]
fn a_change_with_the_same_carer_is_not_a_new_placement() {
    let fixture = Fixture::shipped(&["looked-after/placements-3-plus"]);
    let episodes = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,REASON_PLACE_CHANGE,PL_DISTANCE\n\
H,01/01/2024,S,C2,U1,01/05/2024,X1,,
H,01/05/2024,L,C2,U1,01/08/2024,X1,,
H,01/08/2024,T,E1,U1,01/11/2024,X1,,
H,01/11/2024,U,C2,U1,,,,
K,01/01/2024,S,C2,U1,01/05/2024,X1,,
K,01/05/2024,T,C2,U1,01/08/2024,X1,,
K,01/08/2024,P,C2,U4,01/10/2024,X1,CARPL,
K,01/10/2024,U,C2,U4,01/12/2024,X1,,
K,01/12/2024,B,E1,U5,,,,
";
    fixture.extract("2025-03", "ssda903_episodes.csv", episodes);
    let observation = fixture.observe("placements-3-plus", "2025-03");
    // Both looked after at 31 March 2025; K alone has 3: 1 of 2.
    assert_eq!((observation.numerator, observation.denominator), (Some(1.0), Some(2.0)));
}

#[test]
fn explain_lists_the_children_behind_the_three_placements_figure() {
    let fixture = Fixture::shipped(&["looked-after/placements-3-plus"]);
    let episodes = CHILD_A_EPISODES.to_string()
        + "\
D,01/05/2024,S,V2,U1,01/07/2024,X1,CARPL,
D,01/07/2024,P,V2,U4,,,,
E,01/01/2024,S,V2,U1,01/05/2024,X1,CARPL,
E,01/05/2024,P,V2,U4,01/07/2024,E13,,
G,01/05/2024,S,V2,U1,01/07/2024,X1,CARPL,
G,01/07/2024,P,V2,U4,01/09/2024,X1,CARPL,
G,01/09/2024,B,C2,U4,,,,
";
    fixture.extract("2025-03", "ssda903_episodes.csv", &episodes);
    let out = fixture.root().join("local/explain.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["explain", "placements-3-plus", "--month", "2025-03", "--out"])
        .arg(&out)
        .current_dir(fixture.root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // A has 2 placements in the window (see the three-placements test), D
    // has 2, G 3 (S, P, B); E left care in July 2024 so is not in the
    // denominator: 1 of 3 = 33.3%.
    assert!(stdout.contains("Value: 33.3%  numerator: 1  denominator: 3"), "{stdout}");
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "CHILD,looked_after_at_end,placements,in_numerator,in_denominator,weight");
    // The children in the numerator first.
    assert_eq!(&lines[1..], ["G,1,3,true,true,1.0", "A,1,2,false,true,1.0", "D,1,2,false,true,1.0"]);
}

/// A count of referrals meeting `condition`, with two window functions: one
/// in the engine's sorted neighbour form, one (a different order) left to polars.
fn lag_definition(id: &str, condition: &str) -> String {
    format!(
        r#"id = "{id}"
title = "Window functions"
description = "Referrals with window functions."
unit = "count"
polarity = "no_judgement"
dataset = "referrals"
window = {{ kind = "as_at" }}
[derive.two_back]
sql = "LAG(CINreferralDate, 2) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)"
[derive.next]
sql = "LAG(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate DESC)"
[measure]
kind = "count"
where = "{condition}"
"#
    )
}

#[test]
fn lag_and_lead_stay_within_each_child_and_month_in_either_form() {
    let fixture = Fixture::new();
    fixture.indicator("t", "two-back", &lag_definition("two-back", "two_back IS NOT NULL"));
    fixture.indicator("t", "has-next", &lag_definition("has-next", "next IS NOT NULL"));
    fixture.indicator("t", "previous-is-before", &lag_definition("previous-is-before", "two_back < CINreferralDate"));
    // Rows out of order. A: 3 referrals, B: 2, C: 1, D: 2 on the same day.
    let rows = "LAchildID,CINreferralDate\nA,2024-05-01\nB,2024-02-20\nD,2024-06-01\nA,2024-01-10\nC,2024-04-04\n\
                B,2024-02-01\nD,2024-06-01\nA,2024-03-01\n";
    fixture.extract("2024-06", "referrals.csv", rows);
    // July repeats June's A only: LAG must not reach back into June's rows.
    fixture.extract("2024-07", "referrals.csv", "LAchildID,CINreferralDate\nA,2024-05-01\n");
    // Two back: only A's third referral (01/05, two back is 10/01). 1.
    assert_eq!(fixture.observe("two-back", "2024-06").value, Some(1.0));
    assert_eq!(fixture.observe("previous-is-before", "2024-06").value, Some(1.0));
    // A later referral exists for A's first two, B's first and one of D's: 4.
    assert_eq!(fixture.observe("has-next", "2024-06").value, Some(4.0));
    assert_eq!(fixture.observe("two-back", "2024-07").value, Some(0.0));
    assert_eq!(fixture.observe("has-next", "2024-07").value, Some(0.0));
}

#[test]
fn rows_tying_on_the_order_keep_their_order_in_the_extract() {
    // Each D is referred twice on one day, by the police (1A) then a school
    // (2A): the second row's previous referral is the first, as the file lists them.
    let definition = |id: &str, source: &str| {
        format!(
            r#"id = "{id}"
title = "Previous source"
description = "Referrals whose previous referral came from one source."
unit = "count"
polarity = "no_judgement"
dataset = "referrals"
window = {{ kind = "as_at" }}
[derive.previous_source]
sql = "LAG(ReferralSource) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)"
[measure]
kind = "count"
where = "previous_source = '{source}'"
"#
        )
    };
    let fixture = Fixture::new();
    let with_source = r#"columns = { LAchildID = "text", CINreferralDate = "date", ReferralSource = "text" }"#;
    let project =
        crate::helpers::PROJECT.replace(r#"columns = { LAchildID = "text", CINreferralDate = "date" }"#, with_source);
    fixture.write("scorecard.toml", &project);
    fixture.indicator("t", "after-police", &definition("after-police", "1A"));
    fixture.indicator("t", "after-school", &definition("after-school", "2A"));
    // Enough children for the sort to be more than an insertion sort (which
    // keeps ties in order anyway): all the first referrals, then all the second.
    let mut rows = String::from("LAchildID,CINreferralDate,ReferralSource\nB,2024-06-03,2A\nA,2024-05-01,1A\n");
    (0..100).for_each(|child| rows.push_str(&format!("D{child},2024-06-01,1A\n")));
    rows.push_str("B,2024-06-04,1A\n");
    (0..100).for_each(|child| rows.push_str(&format!("D{child},2024-06-01,2A\n")));
    fixture.extract("2024-06", "referrals.csv", &rows);
    // After the police: each D's second referral (A has only one): 100.
    assert_eq!(fixture.observe("after-police", "2024-06").value, Some(100.0));
    // After a school: B's second referral (its first, on 3 June, was 2A): 1.
    assert_eq!(fixture.observe("after-school", "2024-06").value, Some(1.0));
}

/// Ordered by text, rows are sorted by polars rather than the engine's own
/// sort: `LAG` still sees only the row before in the same child and month.
#[test]
fn lag_ordered_by_text_stays_within_each_child_and_month() {
    let fixture = Fixture::new();
    let with_source = r#"columns = { LAchildID = "text", CINreferralDate = "date", ReferralSource = "text" }"#;
    let project =
        crate::helpers::PROJECT.replace(r#"columns = { LAchildID = "text", CINreferralDate = "date" }"#, with_source);
    fixture.write("scorecard.toml", &project);
    let definition = r#"id = "by-source"
title = "Previous by source"
description = "Referrals with an earlier one by source code."
unit = "count"
polarity = "no_judgement"
dataset = "referrals"
window = { kind = "as_at" }
[derive.previous]
sql = "LAG(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY ReferralSource)"
[measure]
kind = "count"
where = "previous IS NOT NULL"
"#;
    fixture.indicator("t", "by-source", definition);
    // A: three referrals (two have one before them by source), B: one, C: two (one).
    let rows = "LAchildID,CINreferralDate,ReferralSource\nA,2024-05-01,2A\nB,2024-02-20,1A\nA,2024-01-10,1A\n\
                C,2024-04-04,1B\nA,2024-03-01,3A\nC,2024-06-01,1A\n";
    fixture.extract("2024-06", "referrals.csv", rows);
    // July has A once: its June rows are another snapshot. 0.
    fixture.extract("2024-07", "referrals.csv", "LAchildID,CINreferralDate,ReferralSource\nA,2024-05-01,2A\n");
    assert_eq!(fixture.observe("by-source", "2024-06").value, Some(3.0));
    assert_eq!(fixture.observe("by-source", "2024-07").value, Some(0.0));
}

/// A declared column the project marks `optional`, absent from February's
/// extract: the indicator using it is not calculable that month, naming the
/// column; the one that does not use it is calculable both months; January,
/// which has it, is calculable for both. Not optional, the same file is an
/// error naming the column.
#[test]
fn a_missing_optional_column_makes_only_its_indicators_not_calculable() {
    let fixture = Fixture::new();
    let project = crate::helpers::PROJECT.replace(
        "columns = { CHILD = \"text\", DECOM = \"date\", RNE = \"text\", DEC = \"date\" }",
        "columns = { CHILD = \"text\", DECOM = \"date\", RNE = \"text\", DEC = \"date\" }\noptional = [\"DEC\"]",
    );
    assert_ne!(project, crate::helpers::PROJECT);
    fixture.write("scorecard.toml", &project);
    let count = |id: &str, filter: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
             dataset = \"episodes\"\nfilter = \"{filter}\"\n[measure]\nkind = \"count\"\n"
        )
    };
    fixture.indicator("care", "open-at-end", &count("open-at-end", "DEC IS NULL OR DEC > period_end"));
    fixture.indicator("care", "starts", &count("starts", "RNE = 'S'"));
    fixture.extract("2025-01", "episodes.csv", "CHILD,DECOM,RNE,DEC\nC1,01/01/2024,S,\nC2,01/01/2024,S,01/01/2025\n");
    fixture.extract("2025-02", "episodes.csv", "CHILD,DECOM,RNE\nC1,01/01/2024,S\nC2,01/01/2024,S\n");
    // January: C1 open at its end (C2 left on the 1st); both started.
    assert_eq!(fixture.observe("open-at-end", "2025-01").numerator, Some(1.0));
    assert_eq!(fixture.observe("starts", "2025-01").numerator, Some(2.0));
    let february = fixture.observe("open-at-end", "2025-02");
    let reason = february.missing.as_ref().map(|missing| missing.reason().to_string());
    assert_eq!(reason.as_deref(), Some("the `episodes` extract for 2025-02 has no `DEC` column"));
    assert_eq!(fixture.observe("starts", "2025-02").numerator, Some(2.0));

    fixture.write("scorecard.toml", crate::helpers::PROJECT);
    let error = crate::helpers::describe(&fixture.compute().unwrap_err());
    assert!(error.contains("missing column `DEC`"), "{error}");
}

/// Two referrals of one child on one day tie on re-referrals' `LAG` order,
/// so which is "previous" follows the file: the data-quality check counts
/// the tying rows. Here X's two on 10/05/2024 (2 rows) and Y's three on
/// 01/06/2024 (3 rows) = 5; X's referral of 10/05/2023 and Z's one ties
/// with nothing. 3+ placements and long-term stability share one order (a
/// child's episodes by DECOM), so they share one check: S's two episodes
/// starting 01/01/2024 tie (2 rows), T's one does not.
#[test]
fn rows_tying_on_a_lag_order_are_counted() {
    let fixture = Fixture::shipped(&[
        "children-in-need/re-referrals",
        "looked-after/placements-3-plus",
        "looked-after/long-term-stability",
    ]);
    let referrals = "\
LAchildID,CINdetailsID,CINreferralDate,ReferralSource,CINclosureDate,ReferralNFA
X,1,2023-05-10,1A,,0
X,2,2024-05-10,1A,,0
X,3,2024-05-10,1A,,0
Y,4,2024-06-01,1A,,0
Y,5,2024-06-01,1A,,0
Y,6,2024-06-01,1A,,0
Z,7,2024-06-01,1A,,0
";
    fixture.extract("2025-03", "cin_referrals.csv", referrals);
    let episodes = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,REASON_PLACE_CHANGE,PL_DISTANCE\n\
                    S,01/01/2024,S,C2,U4,,,,\nS,01/01/2024,L,C2,U4,,,,\nT,01/01/2024,S,C2,U4,,,,\n";
    fixture.extract("2025-03", "ssda903_episodes.csv", episodes);
    let loaded = evaluate::load(fixture.root()).unwrap_or_else(|error| panic!("{}", describe(&error)));
    let data = evaluate::read_data(&loaded).unwrap_or_else(|error| panic!("{}", describe(&error)));
    let quality = evaluate::data_quality(&loaded, &data).unwrap_or_else(|error| panic!("{}", describe(&error)));
    let ties: Vec<_> = quality
        .findings(&data, 0, "2025-03".parse().unwrap())
        .into_iter()
        .filter(|finding| finding.check.starts_with("rows tying"))
        .collect();
    let referral_ties = ties.iter().find(|finding| finding.dataset == "cin-referrals").expect("a tie check");
    assert_eq!(referral_ties.records, 5);
    assert!(
        referral_ties.check.contains("same LAchildID on CINreferralDate (LAG in re-referrals"),
        "{}",
        referral_ties.check
    );
    let episode_checks: Vec<_> = ties.iter().filter(|finding| finding.dataset == "cla-episodes").collect();
    assert_eq!(episode_checks.len(), 1, "{episode_checks:?}");
    assert_eq!(episode_checks[0].records, 2);
    assert!(episode_checks[0].check.contains("long-term-stability, placements-3-plus"), "{}", episode_checks[0].check);
}
