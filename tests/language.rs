//! The indicator language as an analyst writes it: derived columns built
//! on each other, in any order in the file, and the errors when they
//! cannot be.

use crate::helpers::Fixture;
use std::process::Command;

fn assessments_with(derives: &str) -> String {
    format!(
        r#"id = "long-assessments"
title = "Assessments over 10 working days"
description = "Assessments authorised more than 10 working days after they started."
unit = "count"
polarity = "lower_is_better"
dataset = "assessments"
window = {{ kind = "as_at" }}
{derives}
[measure]
kind = "count"
where = "over_ten"
"#
    )
}

/// A definition with placeholder words: `id`, `unit`, `polarity` and
/// `dataset`, then `rest` (window, filter, `[measure]`, `[rag]`...) as given.
fn plain(id: &str, (unit, polarity): (&str, &str), dataset: &str, rest: &str) -> String {
    format!(
        "id = \"{id}\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"{unit}\"\npolarity = \"{polarity}\"\n\
         dataset = \"{dataset}\"\n{rest}"
    )
}

/// June 2024's assessments extract holding `rows` (child, start, authorised).
fn assessments(fixture: &Fixture, rows: &str) {
    let header = "LAchildID,AssessmentActualStartDate,AssessmentAuthorisationDate\n";
    fixture.extract("2024-06", "assessments.csv", &format!("{header}{rows}"));
}

/// Three assessments over 10 working days or not, worked in the chain test: 9, 11 and 10.
const THREE_ASSESSMENTS: &str = "A,2024-06-03,2024-06-14\nB,2024-06-03,2024-06-18\nC,2024-05-24,2024-06-10\n";

#[test]
fn derived_columns_use_each_other_whatever_their_order_in_the_file() {
    let fixture = Fixture::new();
    // Written last-first: over_ten needs days, days needs end_date.
    let derives = r#"
[derive.over_ten]
sql = "days > 10"
[derive.days]
working_days = { from = "AssessmentActualStartDate", to = "end_date" }
[derive.end_date]
sql = "AssessmentAuthorisationDate"
"#;
    fixture.indicator("t", "long-assessments", &assessments_with(derives));
    // Working days after the start, up to and including the end:
    // A: Mon 3 June to Fri 14 June 2024: 4 + 5 = 9.
    // B: Mon 3 June to Tue 18 June: 9 + 2 = 11, over ten.
    // C: Fri 24 May to Mon 10 June: 27 May is the spring bank holiday, so
    //    28-31 May (4) + 3-7 June (5) + 10 June (1) = 10, not over ten (11 without the holiday).
    assessments(&fixture, THREE_ASSESSMENTS);
    assert_eq!(fixture.observe("long-assessments", "2024-06").value, Some(1.0));
}

#[test]
fn derived_columns_in_a_circle_are_an_error_at_the_first_naming_the_circle() {
    let fixture = Fixture::new();
    let derives = "\n[derive.a]\nsql = \"b + 1\"\n[derive.b]\nsql = \"c + 1\"\n[derive.c]\nsql = \"a + 1\"\n";
    fixture.indicator("t", "long-assessments", &assessments_with(derives));
    assessments(&fixture, "");
    let errors = fixture.load_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (file, line, message) = &errors[0];
    // Line 9 of the definition: the blank line after `window`, then `[derive.a]`.
    assert_eq!((file.as_str(), *line), ("long-assessments.toml", 9));
    assert!(message.contains("a -> b -> c -> a"), "{message}");
    // `check` stops before reading data, with the definitions' exit code.
    let check =
        Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(fixture.root()).output().unwrap();
    assert_eq!(check.status.code(), Some(3), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(String::from_utf8_lossy(&check.stderr).contains("long-assessments.toml:9"));
}

#[test]
fn a_boolean_column_reads_every_spelling_and_is_a_condition_by_itself() {
    let fixture = Fixture::new();
    let project = format!(
        "{}\n[datasets.leavers]\nlayout = \"monthly\"\nfile = \"leavers.csv\"\nkey = \"CHILD\"\n\
         columns = {{ CHILD = \"text\", InTouch = \"boolean\" }}\n",
        crate::helpers::PROJECT
    );
    fixture.write("scorecard.toml", &project);
    fixture.indicator(
        "t",
        "in-touch",
        r#"id = "in-touch"
title = "Care leavers in touch"
description = "Care leavers the authority is in touch with."
unit = "percent"
polarity = "higher_is_better"
dataset = "leavers"
window = { kind = "as_at" }
[measure]
kind = "proportion"
numerator = "InTouch"
"#,
    );
    // Yes: A, B, C, D, E (five spellings); no: F, G, H; blank: I (no value,
    // so not in the numerator but still a care leaver in the denominator).
    // 5 of 9 = 55.6%.
    fixture.extract(
        "2024-06",
        "leavers.csv",
        "CHILD,InTouch\nA,true\nB,Yes\nC,y\nD,1\nE,a) Yes\nF,b) No\nG,FALSE\nH,0\nI,\n",
    );
    let june = fixture.observe("in-touch", "2024-06");
    assert_eq!((june.numerator, june.denominator), (Some(5.0), Some(9.0)));
    // Anything else is an error naming the file, line, column and value.
    fixture.extract("2024-07", "leavers.csv", "CHILD,InTouch\nA,yes\nB,maybe\n");
    let error = fixture.compute().err().map(|error| crate::helpers::describe(&error)).expect("an error");
    assert!(error.contains("leavers.csv") && error.contains(":3") && error.contains("maybe"), "{error}");
}

fn referrals_rated(rag: &str, months: &[(&str, usize)]) -> serde_json::Value {
    referrals_rated_as("lower_is_better", rag, months)
}

/// Referrals held at each month end, `months` giving each one's count,
/// rated by the target method with `rag`'s settings.
fn referrals_rated_as(polarity: &str, rag: &str, months: &[(&str, usize)]) -> serde_json::Value {
    let fixture = Fixture::new();
    fixture.indicator(
        "t",
        "referrals",
        &format!(
            r#"id = "referrals"
title = "Referrals"
description = "Referrals held at the month end."
unit = "count"
polarity = "{polarity}"
dataset = "referrals"
window = {{ kind = "as_at" }}
[measure]
kind = "count"
[rag]
method = "target"
{rag}
"#
        ),
    );
    for (month, count) in months {
        let rows: String = (0..*count).map(|child| format!("C{child},2024-01-10\n")).collect();
        fixture.extract(month, "referrals.csv", &format!("LAchildID,CINreferralDate\n{rows}"));
    }
    fixture.build_json(&[], "1767225600", months.last().unwrap().0)
}

#[test]
fn each_month_is_rated_against_its_financial_years_target() {
    // 8 referrals in March and in April 2025. March is in 2024-25 (target 8:
    // green); April in 2025-26 (target 6, amber to 6 + 2 = 8: amber).
    let json = referrals_rated(
        "targets = { \"2024-25\" = 8, \"2025-26\" = 6 }\ntolerance = 2",
        &[("2025-03", 8), ("2025-04", 8)],
    );
    let indicator = &json["indicators"][0];
    assert_eq!(indicator["rag"], "amber");
    assert_eq!(indicator["previous_rag"], "green", "March rated by March's target");
    assert_eq!(indicator["target"], 6.0);
    let targets: Vec<(String, f64)> = indicator["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["period"].as_str().unwrap().to_string(), t["target"].as_f64().unwrap()))
        .collect();
    assert_eq!(targets, [("2025-03".to_string(), 8.0), ("2025-04".to_string(), 6.0)]);
    let words = indicator["in_words"].to_string();
    assert!(words.contains("target by financial year: 2024-25 8, 2025-26 6"), "{words}");
}

#[test]
fn a_trajectory_sets_each_months_target_on_a_straight_line() {
    // From 20 in March 2025 to 14 in June 2025: 20, 18, 16, 14 (steps of 6 / 3 = 2),
    // amber within 10% of each month's target.
    let json = referrals_rated(
        "trajectory = { from = \"2025-03\", start = 20, to = \"2025-06\", end = 14 }\ntolerance_percent = 10",
        &[("2025-03", 19), ("2025-04", 18), ("2025-05", 17), ("2025-06", 16)],
    );
    let indicator = &json["indicators"][0];
    let targets: Vec<f64> =
        indicator["targets"].as_array().unwrap().iter().map(|t| t["target"].as_f64().unwrap()).collect();
    assert_eq!(targets, [20.0, 18.0, 16.0, 14.0]);
    // June: 16 against 14, amber up to 14 + 1.4 = 15.4: red.
    assert_eq!(indicator["rag"], "red");
    // May: 17 against 16, amber up to 16 + 1.6 = 17.6: amber.
    assert_eq!(indicator["previous_rag"], "amber");
}

#[test]
fn targets_over_time_are_checked_with_their_lines() {
    let fixture = Fixture::new();
    let definition = r#"id = "referrals"
title = "Referrals"
description = "Referrals."
unit = "count"
polarity = "lower_is_better"
dataset = "referrals"
window = { kind = "as_at" }
[measure]
kind = "count"
[rag]
method = "target"
targets = { "2024-26" = 8 }
"#;
    fixture.indicator("t", "referrals", definition);
    let errors = fixture.load_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, 12);
    assert!(errors[0].2.contains("`2024-26` is not a financial year"), "{errors:?}");
    let trajectory = definition.replace(
        "targets = { \"2024-26\" = 8 }",
        "trajectory = { from = \"2025-06\", start = 1, to = \"2025-03\", end = 2 }",
    );
    fixture.indicator("t", "referrals", &trajectory);
    let errors = fixture.load_errors();
    assert!(errors.len() == 1 && errors[0].2.contains("`to` must come after `from`"), "{errors:?}");
}

/// Every row of the functions table in docs/indicators.md ("SQL that
/// works"), evaluated on one referral of child `C1` on 29 February 2024 in
/// the March 2024 extract: the expression must equal the result given.
#[test]
fn every_sql_function_the_docs_list_works_as_they_say() {
    every_row_of_the_docs_table_gives_its_result("<!-- sql-functions -->");
}

/// The docs' table of arithmetic on polars' narrow integer types (a date's
/// month is 8-bit, a length unsigned 32-bit): each result worked out by hand
/// for 29 February 2024 (month 2, day 29, Thursday = ISO day 4, ISO week 9,
/// quarter 1, day of year 60, year 2024) and `C1` (length 2); the wrapped
/// results polars gave before are in the table's first column.
#[test]
fn integer_arithmetic_the_docs_list_never_wraps() {
    every_row_of_the_docs_table_gives_its_result("<!-- sql-arithmetic -->");
}

fn every_row_of_the_docs_table_gives_its_result(marker: &str) {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/indicators.md")).unwrap();
    let table = docs.split(marker).nth(1).expect("the table is marked in the docs");
    let code = |cell: &str| cell.trim_matches(|c| c == '|' || c == ' ' || c == '`').to_string();
    let rows: Vec<(String, String)> = table
        .lines()
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| line.starts_with('|'))
        .map(|line| line.split(" | ").collect::<Vec<&str>>())
        .filter(|cells| cells.len() == 3 && cells[1].starts_with('`'))
        .map(|cells| (code(cells[1]), code(cells[2])))
        .collect();
    assert!(rows.len() >= 10, "{} rows", rows.len());
    let fixture = Fixture::new();
    for (index, (expression, result)) in rows.iter().enumerate() {
        let id = format!("f{index}");
        let definition = format!(
            "id = \"{id}\"\ntitle = \"f\"\ndescription = \"f\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
             dataset = \"referrals\"\nwindow = {{ kind = \"month\" }}\n[derive.x]\nsql = \"{}\"\n[measure]\nkind = \"count\"\n\
             where = \"x = {}\"\n",
            expression.replace('"', "\\\""),
            result.replace('"', "\\\"")
        );
        fixture.indicator("t", &id, &definition);
    }
    fixture.extract("2024-03", "referrals.csv", "LAchildID,CINreferralDate\nC1,2024-02-29\n");
    let computed = fixture.compute().unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let month: scorecard::project::Month = "2024-03".parse().unwrap();
    let mut wrong = Vec::new();
    for (id, series) in &computed {
        let index: usize = id[1..].parse().unwrap();
        let value = series.series.iter().find(|o| o.period == month).and_then(|o| o.value);
        if value != Some(1.0) {
            wrong.push(format!("{} is not {}", rows[index].0, rows[index].1));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn explain_shows_the_columns_and_derived_values_the_rule_uses() {
    let fixture = Fixture::new();
    let derives = "\n[derive.over_ten]\nsql = \"days > 10\"\n[derive.days]\n\
                   working_days = { from = \"AssessmentActualStartDate\", to = \"end_date\" }\n\
                   [derive.end_date]\nsql = \"AssessmentAuthorisationDate\"\n";
    fixture.indicator("t", "long-assessments", &assessments_with(derives));
    // Two assessments of the same child.
    assessments(&fixture, "A,2024-06-03,2024-06-14\nA,2024-06-03,2024-06-18\n");
    let out = fixture.root().join("explain.csv");
    let run = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_scorecard"));
        command.args(["explain", "long-assessments", "--out"]).arg(&out).args(extra).current_dir(fixture.root());
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        std::fs::read_to_string(&out).unwrap()
    };
    // The extract's columns as the rule first names them (end_date's SQL,
    // then working_days' start), then the derived columns in the order
    // computed, then the flag; a count's records are those counted: the
    // assessment of 11 working days, not the one of 9.
    let csv = run(&[]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "LAchildID,AssessmentAuthorisationDate,AssessmentActualStartDate,end_date,days,over_ten,counted",
            "A,2024-06-18,2024-06-03,2024-06-18,11,true,true",
        ]
    );
    // Every column: the same here (the dataset has no others), in the dataset's order.
    let all = run(&["--all-columns"]);
    assert!(
        all.starts_with("LAchildID,AssessmentActualStartDate,AssessmentAuthorisationDate,end_date,days,over_ten,"),
        "{all}"
    );
}

/// Working days between AssessmentActualStartDate and AssessmentAuthorisationDate,
/// summed, counting the ends as `count` says.
fn working_days_counted(count: &str) -> String {
    let rest = format!(
        "window = {{ kind = \"as_at\" }}\n[derive.days]\nworking_days = {{ from = \"AssessmentActualStartDate\", \
         to = \"AssessmentAuthorisationDate\", count = \"{count}\" }}\n[measure]\nkind = \"sum\"\nof = \"days\"\n"
    );
    plain(&format!("days-{}", count.replace('_', "-")), ("count", "no_judgement"), "assessments", &rest)
}

#[test]
fn the_three_ways_of_counting_working_days_across_a_weekend_and_a_bank_holiday() {
    let fixture = Fixture::new();
    for count in ["after_start_to_end", "start_to_before_end", "start_to_end"] {
        fixture.indicator("t", &format!("days-{}", count.replace('_', "-")), &working_days_counted(count));
    }
    let header = "LAchildID,AssessmentActualStartDate,AssessmentAuthorisationDate\n";
    // June: Fri 24 May to Sat 1 June 2024; Mon 27 May is the spring bank holiday.
    //   after the start to the end: Tue 28 to Fri 31 May = 4 (Sat 1 June not a working day)
    //   the start to before the end: Fri 24 + Tue 28 to Fri 31 = 5
    //   both: Fri 24 + 28-31 = 5
    fixture.extract("2024-06", "assessments.csv", &format!("{header}A,2024-05-24,2024-06-01\n"));
    // July: Sat 25 May to Fri 31 May.
    //   after the start to the end: 28-31 = 4
    //   the start to before the end: 28-30 = 3
    //   both: 28-31 = 4
    fixture.extract("2024-07", "assessments.csv", &format!("{header}A,2024-05-25,2024-05-31\n"));
    let value = |id: &str, month: &str| fixture.observe(id, month).value;
    assert_eq!(
        (value("days-after-start-to-end", "2024-06"), value("days-after-start-to-end", "2024-07")),
        (Some(4.0), Some(4.0))
    );
    assert_eq!(
        (value("days-start-to-before-end", "2024-06"), value("days-start-to-before-end", "2024-07")),
        (Some(5.0), Some(3.0))
    );
    assert_eq!((value("days-start-to-end", "2024-06"), value("days-start-to-end", "2024-07")), (Some(5.0), Some(4.0)));
}

#[test]
fn a_direction_over_six_months_follows_the_least_squares_line() {
    // 10, 12, 11, 13, 12, 14 referrals from July to December 2025: the
    // line rises 11 / 17.5 a month, 3.14 over the five steps, shown as 3
    // (a count has no decimals); lower is better, so worsening, though
    // December is 2 up on November's 12 and "since last month" says the same.
    let counts = [("2025-07", 10), ("2025-08", 12), ("2025-09", 11), ("2025-10", 13), ("2025-11", 12), ("2025-12", 14)];
    let json = referrals_rated("target = 20\n[direction]\nover_months = 6\n", &counts);
    let travel = &json["indicators"][0]["direction_over_months"];
    assert_eq!(travel["months"], 6);
    assert_eq!(travel["method"], "regression");
    assert_eq!(travel["from"], "2025-07");
    assert_eq!(travel["change"], 3.0);
    assert_eq!(travel["direction"], "worsening");
    // first_last: 14 against 10.
    let json = referrals_rated("target = 20\n[direction]\nover_months = 6\nmethod = \"first_last\"\n", &counts);
    assert_eq!(json["indicators"][0]["direction_over_months"]["change"], 4.0);
}

#[test]
fn quarter_and_calendar_year_to_date_windows() {
    let fixture = Fixture::new();
    for (id, kind) in [("in-quarter", "quarter"), ("in-year", "calendar_year_to_date")] {
        let rest = format!(
            "window = {{ kind = \"{kind}\" }}\n\
             filter = \"CINreferralDate BETWEEN window_start AND window_end\"\n[measure]\nkind = \"count\"\n"
        );
        let definition = plain(id, ("count", "no_judgement"), "referrals", &rest);
        fixture.indicator("t", id, &definition);
    }
    // Referrals on 15 December 2024, 15 January, 10 February, 5 March and 2 April 2025.
    let rows = "LAchildID,CINreferralDate\nA,2024-12-15\nB,2025-01-15\nC,2025-02-10\nD,2025-03-05\nE,2025-04-02\n";
    for month in ["2025-02", "2025-03", "2025-04"] {
        fixture.extract(month, "referrals.csv", rows);
    }
    // Quarter (April year): February and March are in January-March (to date: 2 then 3);
    // April starts April-June (1). Calendar year to date: 2, 3, then 4 (January to April).
    let values = |id: &str| ["2025-02", "2025-03", "2025-04"].map(|month| fixture.observe(id, month).value.unwrap());
    assert_eq!(values("in-quarter"), [2.0, 3.0, 1.0]);
    assert_eq!(values("in-year"), [2.0, 3.0, 4.0]);
}

#[test]
fn a_dataset_s_record_id_is_shown_by_explain_and_must_be_one_of_its_columns() {
    let fixture = Fixture::new();
    let columns = "columns = { LAchildID = \"text\", CINreferralDate = \"date\" }";
    let with_id =
        "record_id = \"RefID\"\ncolumns = { LAchildID = \"text\", RefID = \"text\", CINreferralDate = \"date\" }";
    fixture.write("scorecard.toml", &crate::helpers::PROJECT.replace(columns, with_id));
    fixture.indicator(
        "t",
        "referrals",
        &plain(
            "referrals",
            ("count", "no_judgement"),
            "referrals",
            "filter = \"CINreferralDate >= DATE '2024-01-01'\"\n[measure]\nkind = \"count\"\n",
        ),
    );
    fixture.extract("2024-06", "referrals.csv", "LAchildID,RefID,CINreferralDate\nA,R1,2024-02-01\nA,R2,2024-05-01\n");
    let out = fixture.root().join("explain.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["explain", "referrals", "--out"])
        .arg(&out)
        .current_dir(fixture.root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().next(), Some("LAchildID,RefID,CINreferralDate,counted"), "{csv}");
    assert!(csv.contains("A,R1,2024-02-01,true") && csv.contains("A,R2,2024-05-01,true"), "{csv}");

    fixture
        .write("scorecard.toml", &crate::helpers::PROJECT.replace(columns, &with_id.replace("RefID\"\n", "RefId\"\n")));
    let errors = fixture.load_errors();
    assert!(
        errors.iter().any(|(file, _, message)| file == "scorecard.toml" && message.contains("record_id `RefId`")),
        "{errors:?}"
    );
}

#[test]
fn close_to_target_is_green_either_side_amber_wider_and_nearer_is_improving() {
    let fixture = Fixture::new();
    let definition = |tolerances: &str| {
        let rest = format!("[measure]\nkind = \"count\"\n[rag]\nmethod = \"target\"\ntarget = 20\n{tolerances}\n");
        plain("referrals", ("count", "close_to_target"), "referrals", &rest)
    };
    fixture.indicator("t", "referrals", &definition("tolerance = 2\namber_tolerance = 5"));
    // Target 20, green 18-22, amber 15-25. Months of 26, 25, 22, 17, 14 referrals.
    let counts = [("2025-01", 26), ("2025-02", 25), ("2025-03", 22), ("2025-04", 17), ("2025-05", 14)];
    for (month, count) in counts {
        let rows: String = (0..count).map(|child| format!("C{child},2024-01-10\n")).collect();
        fixture.extract(month, "referrals.csv", &format!("LAchildID,CINreferralDate\n{rows}"));
    }
    let build =
        |month: &str| fixture.build_json(&["--month", month, "--force"], "1767225600", month)["indicators"][0].clone();
    // The band edges: 25 (5 above) amber, 22 (2 above) green, 17 (3 below) amber, 14 (6 below) red.
    let ratings: Vec<String> = ["2025-02", "2025-03", "2025-04", "2025-05"]
        .map(|month| build(month)["rag"].as_str().unwrap().to_string())
        .to_vec();
    assert_eq!(ratings, ["amber", "green", "amber", "red"]);
    // By distance from 20, as shown. February, 25 after 26: 5 away after 6,
    // one unit nearer: no change. March, 22 after 25: 2 away after 5,
    // improving though lower. May, 14 after 17: 6 away after 3, worsening.
    assert_eq!(build("2025-02")["vs_previous_month"]["direction"], "no_change");
    assert_eq!(build("2025-03")["vs_previous_month"]["direction"], "improving");
    assert_eq!(build("2025-05")["vs_previous_month"]["direction"], "worsening");
    build("2025-04");
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-04/index.html")).unwrap();
    assert!(
        page.contains("Amber: 17 is 3 from the 20 target: outside 2 (green) but within 5."),
        "sentence on the page"
    );
    // Only the target method rates it; an amber band narrower than the green is an error.
    fixture.indicator("t", "referrals", &definition("tolerance = 5\namber_tolerance = 2"));
    let errors = fixture.load_errors();
    assert!(errors.iter().any(|(_, _, message)| message.contains("`amber_tolerance` must be at least")), "{errors:?}");
}

#[test]
fn calendar_functions_in_expressions_are_checked_with_their_line() {
    let fixture = Fixture::new();
    let derives = "\n[derive.over_ten]\nsql = \"working_days(AssessmentActualStartDate) > 10\"\n";
    fixture.indicator("t", "long-assessments", &assessments_with(derives));
    let errors = fixture.load_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, 10);
    assert!(errors[0].2.contains("working_days takes 2 (from, to) or 3"), "{errors:?}");
    // Used in the measure's condition, over derived and extract dates: the
    // chain test's assessments again, 1 of 3 over ten working days.
    let fixture = Fixture::new();
    let definition = assessments_with("").replace(
        "where = \"over_ten\"",
        "where = \"working_days(AssessmentActualStartDate, AssessmentAuthorisationDate) > 10\"",
    );
    fixture.indicator("t", "long-assessments", &definition);
    assessments(&fixture, THREE_ASSESSMENTS);
    assert_eq!(fixture.observe("long-assessments", "2024-06").value, Some(1.0));
}

#[test]
fn a_quarterly_indicator_reports_at_quarter_ends_against_the_previous_quarter() {
    let fixture = Fixture::new();
    fixture.indicator(
        "t",
        "referrals-in-quarter",
        "id = \"referrals-in-quarter\"\ntitle = \"Referrals in the quarter\"\ndescription = \"d\"\nunit = \"count\"\n\
         polarity = \"lower_is_better\"\ndataset = \"referrals\"\nfrequency = \"quarterly\"\nwindow = { kind = \"quarter\" }\n\
         filter = \"CINreferralDate BETWEEN window_start AND window_end\"\n[measure]\nkind = \"count\"\n",
    );
    // Ten referrals a month for 36 months from April 2023, except 20 in each
    // of January to March 2025. Every month's extract holds them all.
    let mut rows = String::from("LAchildID,CINreferralDate\n");
    let first = scorecard::project::Month::new(2023, 4).unwrap();
    for step in 0..36 {
        let month = first.plus(step);
        let count =
            if (2025 * 12 + 1..=2025 * 12 + 3).contains(&(month.year * 12 + month.month as i32)) { 20 } else { 10 };
        for child in 0..count {
            rows.push_str(&format!("C{step}-{child},{}\n", month.first_day() + chrono::Days::new(9)));
        }
    }
    for step in 0..36 {
        fixture.extract(&first.plus(step).to_string(), "referrals.csv", &rows);
    }
    let build = |month: &str| fixture.build_json(&["--month", month], "1774915200", month)["indicators"][0].clone();
    let indicator = &build("2025-05");
    // Built in May 2025, it reports the quarter ended March 2025: 3 x 20 = 60,
    // against the quarter ended December 2024: 3 x 10 = 30 (worse: more).
    assert_eq!(indicator["latest"]["period"], "2025-03");
    assert_eq!(indicator["latest"]["value"], 60.0);
    assert_eq!(indicator["vs_previous_month"]["period"], "2024-12");
    assert_eq!(indicator["vs_previous_month"]["direction"], "worsening");
    // The series is the quarters, June 2023 to March 2025: 30 each but the last.
    let periods: Vec<&str> =
        indicator["series"].as_array().unwrap().iter().map(|o| o["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2023-06", "2023-09", "2023-12", "2024-03", "2024-06", "2024-09", "2024-12", "2025-03"]);
    let values: Vec<f64> =
        indicator["series"].as_array().unwrap().iter().map(|o| o["value"].as_f64().unwrap()).collect();
    assert_eq!(values, [30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 60.0]);
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-05/index.html")).unwrap();
    assert!(page.contains("Since last quarter: worsening."), "the section names the period");
    assert!(page.contains("worsening (since December 2024)"), "the summary says since when");
    // Built for March 2026: twelve quarters, SPC on them as reported. Mean
    // (11 x 30 + 60) / 12 = 32.5; moving ranges 0 but 30 and 30, mean 60 / 11;
    // upper limit 32.5 + 2.66 x 60 / 11 = 47.0: the quarter of 60 is outside,
    // higher and so concerning (lower is better).
    let indicator = build("2026-03");
    let spc = &indicator["spc"];
    assert_eq!(spc["basis"], "reported_values");
    approx::assert_relative_eq!(spc["upper_limit"].as_f64().unwrap(), 32.5 + 2.66 * 60.0 / 11.0, epsilon = 1e-9);
    let outside = spc["signals"].as_array().unwrap().iter().find(|s| s["rule"] == "outside_limits").expect("a signal");
    assert_eq!(
        (outside["variation"].as_str(), &outside["months"]),
        (Some("concerning"), &serde_json::json!(["2025-03"]))
    );
}

#[test]
fn a_working_day_count_of_a_derived_text_is_a_definition_error_at_its_line_before_any_data() {
    // A derived start or end has a type only once compiled: a text one is an
    // error at its line from `check` (exit 3), not a failure while evaluating.
    let fixture = Fixture::new();
    let derives = "\n[derive.started]\nsql = \"LAchildID\"\n[derive.days]\n\
                   working_days = { from = \"started\", to = \"AssessmentAuthorisationDate\" }\n\
                   [derive.over_ten]\nsql = \"days > 10\"\n";
    fixture.indicator("t", "long-assessments", &assessments_with(derives));
    assessments(&fixture, "A,2024-06-03,2024-06-14\n");
    let check =
        Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(fixture.root()).output().unwrap();
    assert_eq!(check.status.code(), Some(3), "{}", String::from_utf8_lossy(&check.stderr));
    let stderr = String::from_utf8_lossy(&check.stderr);
    // Line 12: `working_days = { from = "started", ... }`.
    assert!(stderr.contains("long-assessments.toml:12:26") && stderr.contains("`started` is not a date"), "{stderr}");
}

#[test]
fn header_spellings_and_code_lists_absorb_drift_and_unmapped_values_are_reported() {
    let fixture = Fixture::new();
    let project = format!(
        "{}\n[datasets.children]\nlayout = \"monthly\"\nfile = \"children.csv\"\nkey = \"Child\"\n\
         columns = {{ Child = \"text\", Gender = \"text\" }}\n\
         headers = {{ Child = [\"Child ID\", \"Unique Pupil Number\"], Gender = [\"Sex\"] }}\n\
         codes = {{ Gender = {{ F = [\"Female\", \"b) Female\", \"2\"], M = [\"Male\", \"a) Male\", \"1\"] }} }}\n",
        crate::helpers::PROJECT
    );
    fixture.write("scorecard.toml", &project);
    fixture.indicator(
        "t",
        "girls",
        &plain(
            "girls",
            ("percent", "no_judgement"),
            "children",
            "[measure]\nkind = \"proportion\"\nnumerator = \"Gender = 'F'\"\n",
        ),
    );
    // June's file says "Child ID" and "Sex", July's "child id" and "Gender":
    // the same columns. Girls written four ways; one "Unknown" and one "9".
    fixture.extract("2024-06", "children.csv", "Child ID,Sex\nA,Female\nB,b) Female\nC,2\nD,a) Male\nE,Unknown\n");
    fixture.extract("2024-07", "children.csv", "child id,Gender\nA,f\nB,M\nC,9\n");
    // June: 3 girls of 5 = 60%; July: 1 of 3.
    assert_eq!(fixture.observe("girls", "2024-06").numerator, Some(3.0));
    assert_eq!(fixture.observe("girls", "2024-06").denominator, Some(5.0));
    assert_eq!(fixture.observe("girls", "2024-07").numerator, Some(1.0));
    // The values outside the list are reported with the file, column, count and examples.
    let check =
        Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(fixture.root()).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let log = String::from_utf8_lossy(&check.stderr);
    assert!(log.contains("values not in the column's code list") && log.contains("examples=Unknown"), "{log}");
    assert!(log.contains("2024-07/children.csv") && log.contains("rows=1"), "{log}");
    // And in the month's bundle, with the data-quality findings.
    let json = fixture.build_json(&[], "1767225600", "2024-07");
    let finding =
        json["data_quality"].as_array().unwrap().iter().find(|f| f["dataset"] == "children").expect("a finding");
    assert_eq!(
        (finding["check"].as_str(), finding["records"].as_u64()),
        (Some("Gender values in no code (e.g. 9)"), Some(1))
    );
    // A header spelling for an undeclared column is a project error.
    let bad = project.replace("Gender = [\"Sex\"]", "Sex = [\"Gender\"]");
    fixture.write("scorecard.toml", &bad);
    let errors = fixture.load_errors();
    assert!(errors.iter().any(|(_, _, message)| message.contains("headers: `Sex` is not a column")), "{errors:?}");
}

#[test]
fn monthly_files_named_by_their_month_need_no_month_folders() {
    let fixture = Fixture::new();
    let project = crate::helpers::PROJECT.replace("file = \"referrals.csv\"", "file = \"Referrals_{YYYY}_{Mon}.csv\"");
    fixture.write("scorecard.toml", &project);
    fixture.indicator(
        "t",
        "referrals",
        &plain("referrals", ("count", "no_judgement"), "referrals", "[measure]\nkind = \"count\"\n"),
    );
    // Two files in the data folder itself, named as exported (any case), and one that is not an extract.
    fixture.write("data/Referrals_2024_Jan.csv", "LAchildID,CINreferralDate\nA,2024-01-05\n");
    fixture.write("data/referrals_2024_FEB.csv", "LAchildID,CINreferralDate\nA,2024-01-05\nB,2024-02-07\n");
    fixture.write("data/Referrals_2024_Feb.csv.bak", "not,an,extract\n");
    assert_eq!(fixture.observe("referrals", "2024-01").value, Some(1.0));
    assert_eq!(fixture.observe("referrals", "2024-02").value, Some(2.0));
    // A pattern without a month is a project error.
    fixture.write("scorecard.toml", &project.replace("Referrals_{YYYY}_{Mon}.csv", "Referrals_{YYYY}.csv"));
    let errors = fixture.load_errors();
    assert!(errors.iter().any(|(_, _, message)| message.contains("needs {YYYY} and one of {MM}")), "{errors:?}");
}

/// Every window function over an extract with a header and no rows (a
/// return with nothing in one table, issue 30 and 31: `LAG` over an empty
/// CIN table panicked at `row_sort.rs`): no panic, and a count of 0.
#[test]
fn window_functions_over_an_empty_extract_count_nothing() {
    let windows = [
        "LAG(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)",
        "LEAD(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)",
        "ROW_NUMBER() OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)",
        "COUNT(LAchildID) OVER (PARTITION BY LAchildID)",
        "MIN(CINreferralDate) OVER (PARTITION BY LAchildID)",
        "MAX(CINreferralDate) OVER (PARTITION BY LAchildID)",
        "FIRST_VALUE(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate)",
    ];
    for (at, sql) in windows.iter().enumerate() {
        let fixture = Fixture::new();
        let rest = format!(
            "window = {{ kind = \"month\" }}\n[derive.before]\nsql = \"{sql}\"\n[measure]\nkind = \"count\"\nwhere = \"before IS NOT NULL\"\n"
        );
        fixture.indicator(
            "t",
            &format!("w{at}"),
            &plain(&format!("w{at}"), ("count", "no_judgement"), "referrals", &rest),
        );
        fixture.extract("2024-03", "referrals.csv", "LAchildID,CINreferralDate\n");
        let observation = fixture.observe(&format!("w{at}"), "2024-03");
        assert_eq!(observation.value, Some(0.0), "{sql}: {observation:?}");
    }
}

/// `close_to_target` with a target for each financial year and a
/// percentage tolerance: each month's green band is that percentage of its
/// own target. March 2025 (2024-25, target 10): 11 is within 10% (1) of it,
/// green. April 2025 (2025-26, target 20): 21 is within 10% (2), green, where
/// a band worked out from no target (0) made both red.
#[test]
fn close_to_target_takes_its_percentage_of_each_months_target() {
    let json = referrals_rated_as(
        "close_to_target",
        "targets = { \"2024-25\" = 10, \"2025-26\" = 20 }\ntolerance_percent = 10",
        &[("2025-03", 11), ("2025-04", 21)],
    );
    let indicator = &json["indicators"][0];
    assert_eq!(indicator["target"], 20.0);
    assert_eq!(indicator["rag"], "green", "21 against 20, green within 2");
    assert_eq!(indicator["previous_rag"], "green", "11 against 10, green within 1");
    let words = indicator["in_words"].to_string();
    assert!(words.contains("green within 10% of it either way, amber within 10%"), "{words}");
}
