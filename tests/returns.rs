//! Statutory-return XML read as tables: the CIN census flattened (one row
//! per assessment, factors joined), the workforce census, and hostile or
//! broken files refused with the line.

use crate::helpers::{describe, Fixture, PROJECT};

const DATASETS: &str = r#"
[datasets.cin-assessments]
layout = "monthly"
file = "cin.xml"
table = "assessments"
key = "LAchildID"
columns = { LAchildID = "text", CINdetailsID = "text", AssessmentActualStartDate = "date", AssessmentFactors = "text" }

[datasets.cin-referrals]
layout = "monthly"
file = "cin.xml"
table = "referrals"
key = "LAchildID"
columns = { LAchildID = "text", CINdetailsID = "text", CINreferralDate = "date", DateOfInitialCPC = "date", ReferralNFA = "boolean" }
"#;

pub(crate) fn header(year: u32) -> String {
    format!(
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>\
         <ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails></Header><Children>"
    )
}

/// Child A: referral 1 (two assessments, the first with factors 2A and 2B;
/// a section 47 with its own DateOfInitialCPC) and referral 2 (one
/// assessment); child B: one referral, no assessment.
pub(crate) fn census() -> String {
    format!(
        "{}\n<Child><ChildIdentifiers><LAchildID>A</LAchildID><GenderCurrent>1</GenderCurrent></ChildIdentifiers>\n\
<CINdetails><CINreferralDate>2024-01-05</CINreferralDate><ReferralNFA>false</ReferralNFA>\n\
<Assessments><AssessmentActualStartDate>2024-01-08</AssessmentActualStartDate>\
<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>2B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>\n\
<Assessments><AssessmentActualStartDate>2024-02-01</AssessmentActualStartDate></Assessments>\n\
<Section47><S47ActualStartDate>2024-01-10</S47ActualStartDate><DateOfInitialCPC>2024-01-24</DateOfInitialCPC></Section47>\n\
</CINdetails>\n\
<CINdetails><CINreferralDate>2024-03-01</CINreferralDate><ReferralNFA>true</ReferralNFA>\n\
<Assessments><AssessmentActualStartDate>2024-03-04</AssessmentActualStartDate>\
<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>\n\
</CINdetails></Child>\n\
<Child><ChildIdentifiers><LAchildID>B</LAchildID></ChildIdentifiers>\n\
<CINdetails><CINreferralDate>2024-03-15</CINreferralDate><ReferralNFA>false</ReferralNFA></CINdetails></Child>\n\
</Children></Message>\n",
        header(2024)
    )
}

pub(crate) fn count(id: &str, dataset: &str, filter: &str) -> String {
    format!(
        "id = \"{id}\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"count\"\npolarity = \"no_judgement\"\n\
         dataset = \"{dataset}\"\nwindow = {{ kind = \"as_at\" }}\nfilter = \"{filter}\"\n[measure]\nkind = \"count\"\n"
    )
}

pub(crate) fn fixture(xml: &str) -> Fixture {
    let fixture = Fixture::new();
    fixture.write("scorecard.toml", &format!("{PROJECT}{DATASETS}"));
    fixture.extract("2024-03", "cin.xml", xml);
    fixture
}

fn value(fixture: &Fixture, id: &str) -> Option<f64> {
    fixture.observe(id, "2024-03").value
}

#[test]
fn the_cin_census_is_flattened_one_row_per_record() {
    let fixture = fixture(&census());
    let indicators = [
        ("assessments", count("assessments", "cin-assessments", "TRUE")),
        ("factor-2b", count("factor-2b", "cin-assessments", "AssessmentFactors = '2A,2B'")),
        ("second-referral", count("second-referral", "cin-assessments", "CINdetailsID = '2' AND LAchildID = 'A'")),
        ("referrals", count("referrals", "cin-referrals", "TRUE")),
        ("nfa", count("nfa", "cin-referrals", "ReferralNFA")),
        ("icpc-on-referral", count("icpc-on-referral", "cin-referrals", "DateOfInitialCPC IS NOT NULL")),
    ];
    for (id, text) in &indicators {
        fixture.indicator("t", id, text);
    }
    // Three assessments (two on A's first referral, one on the second);
    // factors joined, never a row each; three referrals, one NFA; the
    // section 47's DateOfInitialCPC belongs to the section 47, not the referral.
    let expected = [3.0, 1.0, 1.0, 3.0, 1.0, 0.0];
    for ((id, _), expected) in indicators.iter().zip(expected) {
        assert_eq!(value(&fixture, id), Some(expected), "{id}");
    }
}

fn error_of(xml: &str) -> String {
    let fixture = fixture(xml);
    fixture.indicator("t", "assessments", &count("assessments", "cin-assessments", "TRUE"));
    describe(&fixture.compute().unwrap_err())
}

#[test]
fn a_doctype_and_unknown_entities_are_refused() {
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n{}</Children></Message>",
        header(2024)
    );
    let error = error_of(&laughs);
    assert!(error.contains("cin.xml:2") && error.contains("a DOCTYPE is refused"), "{error}");
    let entity = census().replace("<LAchildID>B</LAchildID>", "<LAchildID>&xxe;</LAchildID>");
    let error = error_of(&entity);
    assert!(error.contains("entity `&xxe;` is refused"), "{error}");
}

#[test]
fn a_truncated_file_an_unknown_element_and_a_wrong_year_name_the_line() {
    let full = census();
    let error = error_of(&full[..full.find("<Section47>").unwrap() + 20]);
    assert!(error.contains("cut short") || error.contains("malformed XML"), "{error}");

    let error = error_of(&full.replace("<ReferralNFA>true</ReferralNFA>", "<ReferalNFA>true</ReferalNFA>"));
    // The second referral's line: the header is line 1, child A starts on line 2.
    assert!(error.contains("cin.xml:8") && error.contains("<ReferalNFA> is not an element"), "{error}");
    assert!(error.contains("did you mean `ReferralNFA`?"), "{error}");

    let error = error_of(&full.replace(&header(2024), &header(2026)));
    assert!(error.contains("<GenderCurrent> is not in the 2026 schema (it became <Sex> in 2026)"), "{error}");
}

#[test]
fn a_table_of_the_other_return_is_an_error() {
    let fixture = fixture(&census());
    let project = format!("{PROJECT}{DATASETS}").replace("table = \"referrals\"", "table = \"workers\"");
    fixture.write("scorecard.toml", &project);
    fixture.indicator("t", "referrals", &count("referrals", "cin-referrals", "TRUE"));
    let error = describe(&fixture.compute().unwrap_err());
    assert!(error.contains("table `workers` is read from a CSWW return; this file is a CIN return"), "{error}");
}

#[test]
fn table_declarations_are_checked() {
    let fixture = Fixture::new();
    let project = format!("{PROJECT}{DATASETS}")
        .replace("table = \"referrals\"", "table = \"referral\"")
        .replace("table = \"assessments\"\n", "");
    let csv_with_table = "\n[datasets.other]\nlayout = \"monthly\"\nfile = \"o.csv\"\ntable = \"children\"\ncolumns = { X = \"text\" }\n";
    fixture.write("scorecard.toml", &format!("{project}{csv_with_table}"));
    let errors: Vec<String> = fixture.load_errors().into_iter().map(|(_, _, message)| message).collect();
    let has = |text: &str| errors.iter().any(|message| message.contains(text));
    assert!(has("`referral` is not a table of a return") && has("did you mean `referrals`?"), "{errors:?}");
    assert!(has("dataset `cin-assessments` is an XML return: say which table with `table`"), "{errors:?}");
    assert!(has("dataset `other`: `table` applies only to statutory-return XML files"), "{errors:?}");
}

/// A declared column the table does not have is named, with the table's columns.
#[test]
fn a_column_the_table_lacks_is_named() {
    let fixture = fixture(&census());
    let project = format!("{PROJECT}{DATASETS}").replace("AssessmentFactors = \"text\"", "AssessmentFactor = \"text\"");
    fixture.write("scorecard.toml", &project);
    fixture.indicator("t", "assessments", &count("assessments", "cin-assessments", "TRUE"));
    let error = describe(&fixture.compute().unwrap_err());
    assert!(
        error.contains("missing column `AssessmentFactor`") && error.contains("did you mean `AssessmentFactors`?"),
        "{error}"
    );
}

/// The real-format samples: the CIN census's one child (its assessment's
/// factors 2A and 2B joined) and the workforce census's 30 workers and its
/// authority-level vacancies (79.68 FTE), counted from the files by hand.
#[test]
fn the_real_return_samples_read() {
    let Some(shared) = crate::helpers::shared_data("") else { return };
    let fixture = fixture(&std::fs::read_to_string(shared.join("cin-census/BAR_cin_2022.xml")).unwrap());
    fixture.indicator("t", "factors", &count("factors", "cin-assessments", "AssessmentFactors = '2A,2B'"));
    assert_eq!(value(&fixture, "factors"), Some(1.0));

    let fixture = Fixture::new();
    let workforce =
        "\n[datasets.workers]\nlayout = \"monthly\"\nfile = \"csww.xml\"\ntable = \"workers\"\nkey = \"SWENo\"\n\
        columns = { SWENo = \"text\", AgencyWorker = \"integer\", FTE = \"number\", RoleStartDate = \"date\" }\n\
        [datasets.vacancies]\nlayout = \"monthly\"\nfile = \"csww.xml\"\ntable = \"vacancies\"\n\
        columns = { NumberOfVacancies = \"number\" }\n";
    fixture.write("scorecard.toml", &format!("{PROJECT}{workforce}"));
    std::fs::create_dir_all(fixture.root().join("data/2024-03")).unwrap();
    std::fs::copy(shared.join("csww/social_work_workforce_2022.xml"), fixture.root().join("data/2024-03/csww.xml"))
        .unwrap();
    fixture.indicator("t", "workers", &count("workers", "workers", "TRUE"));
    let vacancies = "id = \"vacant\"\ntitle = \"t\"\ndescription = \"d\"\nunit = \"number\"\npolarity = \"no_judgement\"\n\
        dataset = \"vacancies\"\nwindow = { kind = \"as_at\" }\n[measure]\nkind = \"sum\"\nof = \"NumberOfVacancies\"\n";
    fixture.indicator("t", "vacant", vacancies);
    assert_eq!(value(&fixture, "workers"), Some(30.0));
    assert_eq!(value(&fixture, "vacant"), Some(79.68));
}
