//! `plan.toml`: the improvement plan's priorities and actions, checked
//! against the indicators and shown for the month's quarter.

use crate::helpers::Fixture;

const REFERRALS: &str = "id = \"referrals\"\ntitle = \"Referrals\"\ndescription = \"d\"\nunit = \"count\"\n\
polarity = \"lower_is_better\"\ndataset = \"referrals\"\nwindow = { kind = \"as_at\" }\n[measure]\nkind = \"count\"\n\
[rag]\nmethod = \"target\"\ntarget = 5\ntolerance = 3\n";

fn fixture(plan: &str) -> Fixture {
    let fixture = Fixture::new();
    fixture.indicator("t", "referrals", REFERRALS);
    fixture.write("plan.toml", plan);
    // Seven referrals held at the end of March 2026 (not a small number to
    // suppress): above the target of 5, within 3 of it: amber.
    let rows: String = (0..7).map(|child| format!("C{child},2026-03-02\n")).collect();
    fixture.extract("2026-03", "referrals.csv", &format!("LAchildID,CINreferralDate\n{rows}"));
    fixture
}

#[test]
fn plan_mistakes_are_reported_with_their_lines() {
    let plan = "[[priority]]\nnumber = \"1\"\ntitle = \"Front door\"\n\n[[priority.action]]\nnumber = \"1.1\"\n\
title = \"Consultation line\"\nindicators = [\"referals\"]\nrag = \"purple\"\nprogress = { \"2025-26 Q5\" = \"Started.\" }\n";
    let errors = fixture(plan).load_errors();
    let has = |line: usize, text: &str| {
        errors.iter().any(|(file, at, message)| file == "plan.toml" && *at == line && message.contains(text))
    };
    assert!(has(8, "action 1.1: no indicator `referals`") && has(8, "did you mean `referrals`?"), "{errors:?}");
    assert!(has(9, "action 1.1: `purple` is not a rating"), "{errors:?}");
    assert!(has(10, "`2025-26 Q5` is not a quarter of a financial year"), "{errors:?}");
}

#[test]
fn the_month_shows_its_quarters_progress_and_the_measures_ratings() {
    // March 2026 is in 2025-26 Q4: the Q3 commentary is the latest written by then
    // (the 2026-27 Q1 one is later), and the referrals indicator is amber.
    let plan = "[[priority]]\nnumber = \"1\"\ntitle = \"Front door\"\n\n[[priority.action]]\nnumber = \"1.1\"\n\
title = \"Consultation line\"\nlead = \"Head of Safeguarding\"\nindicators = [\"referrals\"]\nrag = \"green\"\n\
progress = { \"2025-26 Q3\" = \"Line designed.\", \"2026-27 Q1\" = \"Line reviewed.\", \"2025-26 Q2\" = \"Funding agreed.\" }\n";
    let fixture = fixture(plan);
    let json = fixture.build_json(&[], "1775001600", "2026-03");
    let page = std::fs::read_to_string(fixture.root().join("reports/2026-03/index.html")).expect("page");
    assert!(
        page.contains("Plan on a page: progress in 2025-26 Q4")
            && page.contains("Measures plan action 1.1 Consultation line.")
    );
    let action = &json["plan"]["priorities"][0]["actions"][0];
    assert_eq!(json["plan"]["quarter"], "2025-26 Q4");
    assert_eq!(
        (action["progress_quarter"].as_str(), action["progress"].as_str()),
        (Some("2025-26 Q3"), Some("Line designed."))
    );
    assert_eq!((action["rag"].as_str(), action["lead"].as_str()), (Some("green"), Some("Head of Safeguarding")));
    assert_eq!(action["measured_by"][0]["rag"], "amber");
    assert_eq!(json["indicators"][0]["actions"][0]["number"], "1.1");
}

#[test]
fn no_plan_file_no_plan() {
    let fixture = Fixture::new();
    fixture.indicator("t", "referrals", REFERRALS);
    fixture.extract("2026-03", "referrals.csv", "LAchildID,CINreferralDate\nA,2026-03-02\n");
    let json = fixture.build_json(&[], "1775001600", "2026-03");
    assert!(json.get("plan").is_none() && json["indicators"][0].get("actions").is_none());
}

/// A cron build rebuilds a month when only the plan changed: its
/// commentary is part of what the bundle depends on.
#[test]
fn a_changed_plan_rebuilds_the_month() {
    let plan = |progress: &str| {
        format!(
            "[[priority]]\nnumber = \"1\"\ntitle = \"Front door\"\n\n[[priority.action]]\nnumber = \"1.1\"\n\
             title = \"Consultation line\"\nprogress = {{ \"2025-26 Q4\" = \"{progress}\" }}\n"
        )
    };
    let fixture = fixture(&plan("Line designed."));
    let first = fixture.build_json(&[], "1775001600", "2026-03");
    assert_eq!(first["plan"]["priorities"][0]["actions"][0]["progress"], "Line designed.");
    fixture.write("plan.toml", &plan("Line opened."));
    let second = fixture.build_json(&[], "1775001600", "2026-03");
    assert_eq!(second["plan"]["priorities"][0]["actions"][0]["progress"], "Line opened.");
}
