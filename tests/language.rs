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
    fixture.extract(
        "2024-06",
        "assessments.csv",
        "LAchildID,AssessmentActualStartDate,AssessmentAuthorisationDate\n\
         A,2024-06-03,2024-06-14\nB,2024-06-03,2024-06-18\nC,2024-05-24,2024-06-10\n",
    );
    assert_eq!(fixture.observe("long-assessments", "2024-06").value, Some(1.0));
}

#[test]
fn derived_columns_in_a_circle_are_an_error_at_the_first_naming_the_circle() {
    let fixture = Fixture::new();
    let derives = "\n[derive.a]\nsql = \"b + 1\"\n[derive.b]\nsql = \"c + 1\"\n[derive.c]\nsql = \"a + 1\"\n";
    fixture.indicator("t", "long-assessments", &assessments_with(derives));
    fixture.extract("2024-06", "assessments.csv", "LAchildID,AssessmentActualStartDate,AssessmentAuthorisationDate\n");
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
