//! Every definition mistake is found before data is read, all in one pass,
//! each pointing at its file and line.

use crate::helpers::Fixture;

const GOOD: &str = r#"id = "good"
title = "t"
description = "d"
unit = "percent"
polarity = "higher_is_better"
dataset = "workforce"
filter = "OrgRole = 5"

[measure]
kind = "proportion"
numerator = "Cases30 <= 25"
"#;

fn with(line: usize, replacement: &str) -> String {
    let mut lines: Vec<&str> = GOOD.lines().collect();
    lines[line - 1] = replacement;
    lines.join("\n") + "\n"
}

fn errors_for(files: &[(&str, String)]) -> Vec<(String, usize, String)> {
    let fixture = Fixture::new();
    for (id, text) in files {
        fixture.indicator("theme", id, text);
    }
    fixture.load_errors()
}

fn assert_error(errors: &[(String, usize, String)], file: &str, line: usize, needle: &str) {
    assert!(
        errors.iter().any(|(f, l, message)| f == file && *l == line && message.contains(needle)),
        "expected {file}:{line} containing {needle:?} in {errors:#?}"
    );
}

#[test]
fn the_good_definition_loads() {
    assert!(errors_for(&[("good", GOOD.to_string())]).is_empty());
}

#[test]
fn every_mistake_in_every_file_is_reported_in_one_pass() {
    let files = [
        ("a", with(1, "id = \"a\"").replace("numerator =", "numeratr =")),
        ("b", with(1, "id = \"b\"").replace("\"workforce\"", "\"workforse\"")),
        ("c", with(1, "id = \"c\"").replace("Cases30 <= 25", "Cases31 <= 25")),
        ("d", with(1, "id = \"d\"").replace("Cases30 <= 25", "Cases30 <=")),
        ("e", with(1, "id = \"e\"").replace("Cases30 <= 25", "Cases30 + 1")),
        ("f", with(1, "id = \"Bad_Id\"")),
        ("g1", with(1, "id = \"same\"")),
        ("g2", with(1, "id = \"same\"")),
        ("h", with(1, "id = \"h\"") + "\n[rag]\nmethod = \"thresholds\"\ngreen = 10\namber = 20\n"),
        ("i", with(1, "id = \"i\"") + "\n[rag]\nmethod = \"significance\"\nlevel = 90\n"),
    ];
    let errors = errors_for(&files);
    // Unknown key, with a suggestion: line 11 is the numerator line.
    assert_error(&errors, "a.toml", 11, "did you mean `numerator`?");
    assert_error(&errors, "b.toml", 6, "did you mean `workforce`?");
    assert_error(&errors, "c.toml", 11, "unknown column `Cases31` (did you mean `Cases30`?)");
    assert_error(&errors, "d.toml", 11, "cannot parse SQL expression");
    assert_error(&errors, "e.toml", 11, "must be a true/false condition");
    assert_error(&errors, "f.toml", 1, "must use only a-z, 0-9 and -");
    assert_error(&errors, "g2.toml", 1, "duplicate indicator id `same`");
    // higher_is_better with green 10 below amber 20; [rag] starts at line 13.
    assert_error(&errors, "h.toml", 15, "worse than amber");
    // Significance without a benchmark, and a level that is not offered.
    assert_error(&errors, "i.toml", 14, "there is no [benchmark]");
    assert_error(&errors, "i.toml", 15, "level must be 95 or 99.8");
    // a.toml's unknown key also leaves the proportion without a numerator.
    assert_error(&errors, "a.toml", 10, "needs `numerator`");
}

#[test]
fn column_errors_point_at_the_column_inside_the_expression() {
    let fixture = Fixture::new();
    fixture.indicator("theme", "c", &GOOD.replace("Cases30 <= 25", "Cases31 <= 25"));
    let error = scorecard::evaluate::load(fixture.root()).err().unwrap();
    let diagnostic = &error.diagnostics().unwrap().0[0];
    // `numerator = "` is 13 characters, so the column starts at column 14.
    assert_eq!((diagnostic.line, diagnostic.column), (11, 14));
    assert!(diagnostic.render().contains("^^^^^^^"), "{}", diagnostic.render());
    // An unknown name inside a known one's text is underlined where it stands
    // alone: `Team` is a column, `am` is not (and ends `Team`). The expression starts at
    // column 14 and `Team = 'x' OR ` is 14 characters, so `am` is at column 28, not 16.
    let fixture = Fixture::new();
    fixture.indicator("theme", "c", &GOOD.replace("Cases30 <= 25", "Team = 'x' OR am = 1"));
    let error = scorecard::evaluate::load(fixture.root()).err().unwrap();
    let diagnostic = &error.diagnostics().unwrap().0[0];
    assert!(diagnostic.message.contains("unknown column `am`"), "{}", diagnostic.render());
    assert_eq!((diagnostic.line, diagnostic.column), (11, 28));
}

#[test]
fn the_output_folder_cannot_be_the_data_folder() {
    let fixture = Fixture::new();
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    for output in ["data", "./data/reports", "."] {
        fixture.write("scorecard.toml", &project.replace("output = \"reports\"", &format!("output = \"{output}\"")));
        let errors = fixture.load_errors();
        assert!(
            errors.iter().any(|(file, _, message)| file == "scorecard.toml" && message.contains("overlaps")),
            "{output}: {errors:?}"
        );
    }
}

/// The binary on a fixture whose definition's filter is `filter`: its exit
/// code and stderr. A stack overflow would abort (exit 134, "overflowed").
fn check_with_filter(filter: &str) -> (Option<i32>, String) {
    let fixture = Fixture::new();
    fixture.indicator("theme", "good", &with(7, &format!("filter = \"{filter}\"")));
    fixture.extract(
        "2025-03",
        "workforce.csv",
        "SWENo,Team,AgencyWorker,FTE,OrgRole,Cases30,CFKSSstatus\nS1,A,0,1,5,10,1\n",
    );
    let output =
        assert_cmd::Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).arg("check").output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn extreme_expressions_are_definition_errors_not_crashes() {
    // 20,000 OR terms: 19,999 ORs and 20,000 `=`, 39,999 operators, 258,888 characters.
    let chain: Vec<String> = (0..20_000).map(|i| format!("Cases30 = {i}")).collect();
    let (code, stderr) = check_with_filter(&chain.join(" OR "));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("good.toml:7:11") && stderr.contains("at most 20000 are allowed"), "{stderr}");
    // Shorter, so that the operator bound is what refuses it: 76 terms, 75 + 76 = 151 operators.
    let (code, stderr) = check_with_filter(&chain[..76].join(" OR "));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("151 operators; at most 150"), "{stderr}");
    // 10,000 nested parentheses: 20,000 of them and the condition, past the length bound too.
    let (code, stderr) = check_with_filter(&format!("{}OrgRole = 5{}", "(".repeat(10_000), ")".repeat(10_000)));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("characters; at most 20000"), "{stderr}");
    let (code, stderr) = check_with_filter(&format!("{}OrgRole = 5{}", "(".repeat(33), ")".repeat(33)));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("nests 33 parentheses deep"), "{stderr}");
    // The largest allowed chain is planned and evaluated: 75 terms, 149 operators.
    let (code, stderr) = check_with_filter(&chain[..75].join(" OR "));
    assert_eq!(code, Some(0), "{stderr}");
}

/// A key that is a field of another table is not suggested back as itself.
#[test]
fn a_field_in_the_wrong_table_says_so_rather_than_suggest_itself() {
    let errors = errors_for(&[("good", with(11, "numerator = \"Cases30 <= 25\"\nvalue = \"Cases30\""))]);
    assert_error(&errors, "good.toml", 12, "unknown key `measure.value`");
    assert_error(&errors, "good.toml", 12, "`value` is a field, but not of this table");
    assert!(!errors.iter().any(|(.., message)| message.contains("did you mean `value`")), "{errors:?}");
}

/// What the user reads for a definition with two mistakes (the carets under
/// each unknown column, the suggestion), kept as a snapshot so that a change
/// of wording or placing is a reviewable diff (`cargo insta review`).
#[test]
fn the_report_of_two_unknown_columns_reads_as_reviewed() {
    let fixture = Fixture::new();
    let text = with(7, "filter = \"OrgRol = 5\"").replace("Cases30 <= 25", "Cases30 <= 25 AND Case31 > 0");
    fixture.indicator("theme", "good", &text);
    let error = scorecard::evaluate::load(fixture.root()).err().expect("refused");
    let root = fixture.root().display().to_string();
    insta::assert_snapshot!("two_unknown_columns", crate::helpers::describe(&error).replace(&root, "[project]"));
}
