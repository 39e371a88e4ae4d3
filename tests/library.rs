//! The indicator library: each indicator added to reach the default pack of
//! 40+ evaluated over a small hand-made extract (working in the comments),
//! every shipped definition naming the national definition it follows, and
//! every England benchmark worked out again from DfE's files.
//!
//! All fixtures are for March 2025: 12-month windows run from 1 April 2024
//! to 31 March 2025 (a Monday), and the population is 2025's 45,500.

use crate::helpers::Fixture;
use approx::assert_relative_eq;
use scorecard::evaluate::Observation;

const POPULATION: f64 = 45_500.0;

fn fixture(definitions: &[&str], extracts: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::shipped(definitions);
    for (file, text) in extracts {
        fixture.extract("2025-03", file, text);
    }
    fixture
}

fn assert_share(observation: &Observation, numerator: f64, denominator: f64) {
    assert_eq!((observation.numerator, observation.denominator), (Some(numerator), Some(denominator)));
    assert_relative_eq!(observation.value.unwrap(), 100.0 * numerator / denominator, epsilon = 1e-9);
}

fn assert_rate(observation: &Observation, events: f64) {
    assert_eq!((observation.numerator, observation.denominator), (Some(events), Some(POPULATION)));
    assert_relative_eq!(observation.value.unwrap(), events / POPULATION * 10_000.0, epsilon = 1e-9);
}

const REFERRALS: &str = "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,CINclosureDate,ReferralNFA\n";

#[test]
fn front_door_referral_rate_and_no_further_action() {
    let rows = "\
A,R1,2024-03-31,1A,2024-05-01,0
B,R2,2024-04-01,1A,2024-06-01,0
C,R3,2025-03-31,1A,,0
D,R4,2024-10-10,1A,2024-10-12,1
";
    let fixture = fixture(
        &["children-in-need/referral-rate-per-10000", "children-in-need/referrals-nfa"],
        &[("cin_referrals.csv", &format!("{REFERRALS}{rows}"))],
    );
    // In the window: B (its first day), C (its last day), D; A is a day early. 3 referrals.
    assert_rate(&fixture.observe("referral-rate-per-10000", "2025-03"), 3.0);
    // Of those 3, D ended in no further action: 1 / 3.
    assert_share(&fixture.observe("referrals-nfa", "2025-03"), 1.0, 3.0);
}

#[test]
fn children_in_need_are_counted_by_open_episode_as_dfe_counts_them() {
    let rows = "\
A,R1,2023-01-01,1A,,0
A,R2,2024-06-01,1A,,0
B,R3,2024-05-01,1A,2025-03-31,0
C,R4,2025-03-31,1A,,0
D,R5,2025-02-01,1A,,1
E,R6,2025-04-02,1A,,0
";
    let fixture =
        fixture(&["children-in-need/cin-rate-per-10000"], &[("cin_referrals.csv", &format!("{REFERRALS}{rows}"))]);
    // Open at 31/03/2025: A's two episodes (from 2023 and June 2024), C's (referred that
    // day). B closed on the month end; D ended in no further action; E is referred after
    // it. 3 episodes, as DfE's table B1 counts episodes open at 31 March (2 children).
    assert_rate(&fixture.observe("cin-rate-per-10000", "2025-03"), 3.0);
}

#[test]
fn section_47_rate_conference_timeliness_and_conversion() {
    let header = "LAchildID,S47ActualStartDate,InitialCPCtarget,DateOfInitialCPC,ICPCnotRequired\n";
    let rows = "\
A,2025-03-03,2025-03-24,2025-03-24,0
B,2025-03-03,2025-03-24,2025-03-25,0
C,2024-12-16,2025-01-08,2025-01-07,0
D,2024-02-26,2024-03-18,2024-03-20,0
E,2024-06-03,2024-06-24,,1
F,2025-03-20,2025-04-10,,0
";
    let fixture = fixture(
        &[
            "children-in-need/section47-rate-per-10000",
            "children-in-need/icpc-within-15-days",
            "children-in-need/section47-to-icpc",
        ],
        &[("cin_section47.csv", &format!("{header}{rows}"))],
    );
    // Enquiries started in the window: A, B, C, E, F (D started in February 2024). 5.
    assert_rate(&fixture.observe("section47-rate-per-10000", "2025-03"), 5.0);
    // Conferences held in the window: A, B, C (D's was in March 2024).
    // A: Monday 3 March to Monday 24 March: 4 + 5 + 5 + 1 = 15 working days, within.
    // B: to Tuesday 25 March, 16: late.
    // C: Monday 16 December to Tuesday 7 January: 17-20 Dec (4), 23-24 (2), 27 (1; 25 and 26
    //    are bank holidays), 30-31 (2), 2-3 Jan (2; the 1st is a holiday), 6-7 (2) = 13, within.
    // 2 of 3.
    assert_share(&fixture.observe("icpc-within-15-days", "2025-03"), 2.0, 3.0);
    // Started in the window with an outcome: A, B, C (conference held), E (not required);
    // F's is not known yet. 3 of 4 led to a conference.
    assert_share(&fixture.observe("section47-to-icpc", "2025-03"), 3.0, 4.0);
}

#[test]
fn child_protection_plans_starting() {
    let header = "LAchildID,CPPID,CPPstartDate,CPPendDate,InitialCategoryOfAbuse,NumberOfPreviousCPP\n";
    let rows = "\
A,P1,2024-04-01,,NEG,0
B,P2,2025-03-31,,EMO,0
C,P3,2024-03-31,2024-09-01,NEG,0
";
    let fixture =
        fixture(&["child-protection/cp-starts-rate-per-10000"], &[("cin_cp_plans.csv", &format!("{header}{rows}"))]);
    // A and B start on the window's first and last days; C the day before it. 2.
    assert_rate(&fixture.observe("cp-starts-rate-per-10000", "2025-03"), 2.0);
}

const CP_RECORD: &str = "LAchildID,CPPID,CPPstartDate,LastVisitDate,LastReviewDate\n";

#[test]
fn child_protection_visits_and_reviews_in_timescale() {
    let rows = "\
A,P1,2025-01-06,2025-03-17,
B,P2,2024-06-03,2025-03-14,2024-09-30
C,P3,2025-03-24,2025-03-25,
D,P4,2024-11-11,,2025-02-11
E,P5,2024-12-31,2025-03-20,
F,P6,2023-01-01,2025-03-31,2025-01-01
";
    let fixture = fixture(
        &["child-protection/cp-visits-in-timescale", "child-protection/cp-reviews-on-time"],
        &[("cin_cp_record.csv", &format!("{CP_RECORD}{rows}"))],
    );
    // Visits, to Monday 31 March: plans started 10 working days or more before: all but C
    // (24 March: 5 working days). Visited within 10 working days:
    // A: Monday 17 March: 18-21 (4), 24-28 (5), 31 (1) = 10, yes. B: Friday 14th = 11, no.
    // D: no visit recorded, no. E: Thursday 20th: 21 (1), 24-28 (5), 31 (1) = 7, yes. F: that day, yes.
    // 3 of 5.
    assert_share(&fixture.observe("cp-visits-in-timescale", "2025-03"), 3.0, 5.0);
    // Reviews: plans started on or before 31/12/2024 (3 months): B, D, E, F. Reviewed after
    // 30/09/2024 (6 months): D (11 Feb), F (1 Jan); B's was on 30 September itself, E has none. 2 of 4.
    assert_share(&fixture.observe("cp-reviews-on-time", "2025-03"), 2.0, 4.0);
}

#[test]
fn contacts_that_became_referrals_in_the_month() {
    let header = "ContactID,LAchildID,ContactDate,ContactOutcome\n";
    let rows = "\
C1,A,2025-03-03,Referral to children's social care
C2,B,2025-03-04,Early help
C3,C,2025-03-31,Information and advice
C4,D,2025-02-28,Referral to children's social care
";
    let fixture = fixture(&["children-in-need/contacts-to-referrals"], &[("contacts.csv", &format!("{header}{rows}"))]);
    // March: C1, C2, C3 (C4 is February's). One referral: 1 of 3.
    assert_share(&fixture.observe("contacts-to-referrals", "2025-03"), 1.0, 3.0);
}

const EPISODES: &str = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,REASON_PLACE_CHANGE,PL_DISTANCE\n";

#[test]
fn children_starting_care_and_where_they_live() {
    let rows = "\
A,01/01/2024,S,C2,U1,01/06/2024,X1,CARPL,5.0
A,01/06/2024,P,C2,K2,,,,5.0
B,01/03/2023,S,C2,U4,,,,5.0
C,01/01/2024,S,V2,R1,31/03/2025,E13,,5.0
D,01/05/2024,S,V2,P1,01/08/2024,E4A,,5.0
D,01/12/2024,S,V2,P1,,,,5.0
E,31/03/2025,S,V2,U6,,,,5.0
F,01/03/2023,S,C2,R1,,,,5.0
G,01/03/2023,S,C2,H5,,,,5.0
";
    let fixture = fixture(
        &["looked-after/cla-starts-rate-per-10000", "looked-after/foster-care", "looked-after/residential-care"],
        &[("ssda903_episodes.csv", &format!("{EPISODES}{rows}"))],
    );
    // Children starting (RNE S) in the window: D (May 2024; its second start in December
    // is not counted again, as DfE counts the first occasion), E (its last day); A, B,
    // C, F and G started before it. 2 children.
    assert_rate(&fixture.observe("cla-starts-rate-per-10000", "2025-03"), 2.0);
    // Looked after at 31/03/2025, by the placement open then: A (K2, a children's home),
    // B (U4, foster), D (P1, with parents), E (U6, foster, from that day), F (R1, a care
    // home: DfE's "other residential settings"), G (H5, semi-independent living). C left
    // that day. Foster: B, E = 2 of 6. Secure units, children's homes and semi-independent
    // living: A, G = 2 of 6.
    assert_share(&fixture.observe("foster-care", "2025-03"), 2.0, 6.0);
    assert_share(&fixture.observe("residential-care", "2025-03"), 2.0, 6.0);
}

#[test]
fn children_leaving_care_by_adoption_and_placements_far_from_home() {
    let rows = "\
A,01/01/2023,S,C2,U1,01/06/2024,E11,,3.0
B,01/01/2023,S,C2,U1,01/09/2024,E4A,,3.0
C,01/01/2023,S,C2,U1,31/03/2025,E12,,3.0
D,01/01/2023,S,C2,U1,01/08/2024,X1,CARPL,3.0
D,01/08/2024,P,C2,U4,,,,20.0
E,01/01/2023,S,C2,U1,31/03/2024,E13,,3.0
F,01/05/2024,S,C2,U1,01/07/2024,X1,,25.0
F,01/07/2024,L,E1,U1,01/09/2024,X1,,25.0
F,01/09/2024,P,E1,U4,,,,20.0
G,31/03/2025,T,C2,U4,,,,20.1
H,31/03/2024,U,C2,U4,,,,50.0
I,11/11/2024,B,C2,U4,,,,
";
    let fixture = fixture(
        &["looked-after/adopted", "looked-after/placed-more-than-20-miles"],
        &[("ssda903_episodes.csv", &format!("{EPISODES}{rows}"))],
    );
    // Left care in the window (an episode ending with a reason other than X1): A (E11),
    // B (E4A), C (E12, on the last day). D's and F's episodes ended with X1 (they moved);
    // E left before the window. Adopted: A, C = 2 of 3.
    assert_share(&fixture.observe("adopted", "2025-03"), 2.0, 3.0);
    // New placements in the window (a new carer: RNE S, P, B): D's P (20.0), F's S (25.0)
    // and P (20.0), I's B (distance not recorded). F's L is no new placement, nor G's T
    // (20.1 miles, the same carer); H's U is before the window. More than 20 miles: F's S =
    // 1 of 4 (exactly 20 is not more than 20; the unrecorded distance stays in the total,
    // as in DfE's).
    assert_share(&fixture.observe("placed-more-than-20-miles", "2025-03"), 1.0, 4.0);
}

#[test]
fn care_leavers_in_touch() {
    let header = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n";
    let rows = "\
A,31/03/2008,YES,F1,B1
B,01/04/2003,NO,G6,0
C,31/03/2003,YES,F1,B1
D,06/06/2006,YES,G4,B2
";
    let fixture = fixture(&["care-leavers/care-leavers-in-touch"], &[("ssda903_oc3.csv", &format!("{header}{rows}"))]);
    // Aged 17 to 21 at 31/03/2025: A (17 that day), B (21), D (18); C turned 22 that day.
    // In touch: A, D = 2 of 3.
    assert_share(&fixture.observe("care-leavers-in-touch", "2025-03"), 2.0, 3.0);
}

#[test]
fn the_care_record_gives_health_reviews_visits_and_stability() {
    let header = "CHILD,DOB,CARE_START,LAST_REVIEW,LAST_VISIT,HEALTH_ASSESSMENT,DENTAL_CHECK,SOCIAL_WORKERS_12M,SCHOOL_MOVES_12M\n";
    let rows = "\
A,01/01/2012,01/01/2020,01/10/2024,17/02/2025,01/04/2024,31/03/2024,3,0
B,01/01/2022,31/03/2024,30/09/2024,18/02/2025,,,2,
C,01/01/2014,10/03/2025,,12/03/2025,,,1,2
D,01/01/2013,01/02/2025,25/02/2025,10/02/2025,,,4,1
E,01/01/2010,05/05/2019,01/03/2025,31/03/2025,31/03/2025,30/03/2025,1,0
";
    let definitions = [
        "looked-after/health-assessments",
        "looked-after/dental-checks",
        "looked-after/cla-reviews-on-time",
        "looked-after/cla-visits-in-timescale",
        "looked-after/social-worker-changes",
        "looked-after/school-moves",
    ];
    let fixture = fixture(&definitions, &[("cla_care_record.csv", &format!("{header}{rows}"))]);
    let observe = |id: &str| fixture.observe(id, "2025-03");
    // Looked after 12 months or more (care start on or before 31/03/2024): A, B (that day), E.
    // Health assessment after 31/03/2024: A (1 April 2024), E; B has none. 2 of 3.
    assert_share(&observe("health-assessments"), 2.0, 3.0);
    // Dental check after 31/03/2024: E only (A's was on 31 March 2024 itself). 1 of 3.
    assert_share(&observe("dental-checks"), 1.0, 3.0);
    // Reviews: in care 28 days or more (start on or before 03/03/2025): A, B, D, E (C started
    // on 10 March). Reviewed after 30/09/2024: A, D, E (B's was on 30 September). 3 of 4.
    assert_share(&observe("cla-reviews-on-time"), 3.0, 4.0);
    // Visits: in care 42 days or more (start on or before 17/02/2025): A, B, D (1 February), E.
    // Visited after 17/02/2025: B (18th), E; A on the 17th and D on the 10th are too long ago. 2 of 4.
    assert_share(&observe("cla-visits-in-timescale"), 2.0, 4.0);
    // 3 or more social workers: A (3), D (4) of all 5 children.
    assert_share(&observe("social-worker-changes"), 2.0, 5.0);
    // School age (school moves recorded): A, C, D, E; one or more moves: C (2), D (1). 2 of 4.
    assert_share(&observe("school-moves"), 2.0, 4.0);
}

#[test]
fn adoption_timeliness_from_the_adoption_register() {
    let fixture = Fixture::shipped(&["looked-after/adoption-days-to-placed", "looked-after/adoption-days-to-match"]);
    // The register is one current extract (history layout), evaluated as at each month end.
    fixture.write(
        "sample-data/ssda903_adoption_2025-03.csv",
        "CHILD,DOB,DATE_ENTERED_CARE,DATE_INT,DATE_MATCH,DATE_PLACED,DATE_ADOPTED\n\
         A,01/06/2022,01/01/2023,01/03/2023,01/12/2023,01/01/2024,01/06/2024\n\
         B,01/01/2023,01/06/2023,01/09/2023,01/03/2024,01/06/2024,31/03/2025\n\
         C,01/01/2021,01/01/2022,01/03/2022,01/12/2022,01/01/2023,31/03/2024\n\
         D,01/01/2024,01/02/2024,01/05/2024,01/12/2024,01/01/2025,\n",
    );
    // Adopted in the window: A (1 June 2024) and B (31 March 2025); C was adopted the day
    // before it and D not yet. Days from entering care to placed: A 365 (2023 has no
    // 29 February), B 366 (June 2023 to June 2024 crosses 29 February 2024). Mean 365.5.
    let placed = fixture.observe("adoption-days-to-placed", "2025-03");
    assert_eq!(placed.denominator, Some(2.0));
    assert_relative_eq!(placed.value.unwrap(), 365.5);
    // Decision to match, the same two children: A 1 March to 1 December 2023 = 275 days
    // (31+30+31+30+31+31+30+31+30); B 1 September 2023 to 1 March 2024 = 182 (30+31+30+31+31+29).
    // Mean 228.5.
    let matched = fixture.observe("adoption-days-to-match", "2025-03");
    assert_eq!(matched.denominator, Some(2.0));
    assert_relative_eq!(matched.value.unwrap(), 228.5);
}

#[test]
fn vacancy_and_sickness_absence_rates() {
    let vacancies = "Team,EstablishmentFTE,VacantFTE,AgencyCoverFTE\nA,10.0,2.0,1.0\nB,5.0,0.5,0.0\n";
    let absence = "SWENo,FTE,AvailableDays,DaysLost\nS1,1.0,20.0,2.0\nS2,0.5,10.0,0.0\nS3,1.0,20.0,0.0\n";
    let fixture = fixture(
        &["workforce/vacancy-rate", "workforce/sickness-absence"],
        &[("workforce_vacancies.csv", vacancies), ("workforce_absence.csv", absence)],
    );
    // Vacancies: (2.0 + 0.5) / (10 + 5) = 16.67%; team A 2 / 10 = 20%, team B 0.5 / 5 = 10%.
    assert_share(&fixture.observe("vacancy-rate", "2025-03"), 2.5, 15.0);
    let computed = fixture.compute().unwrap();
    let (_, vacancy) = computed.iter().find(|(id, _)| id == "vacancy-rate").unwrap();
    let team = |name: &str| vacancy.groups.iter().find(|(group, _)| group == name).unwrap().1[0].value.unwrap();
    assert_relative_eq!(team("A"), 20.0, epsilon = 1e-9);
    assert_relative_eq!(team("B"), 10.0, epsilon = 1e-9);
    // Sickness: 2 days lost of 20 + 10 + 20 = 50 available: 4%.
    assert_share(&fixture.observe("sickness-absence", "2025-03"), 2.0, 50.0);
}

#[test]
fn every_shipped_indicator_names_the_national_definition_it_follows() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = scorecard::evaluate::load(root).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    assert!(loaded.definitions.len() >= 40, "the default pack has {} indicators", loaded.definitions.len());
    for definition in &loaded.definitions {
        let national = definition.national_definition().unwrap_or("");
        assert!(
            national.starts_with("DfE ") || national.starts_with("local"),
            "{}: national_definition is {national:?}",
            definition.id()
        );
    }
}

/// England's figure from one of DfE's files: the `National` row of `year`
/// whose columns hold `filters`' values.
fn national(file: &str, year: &str, filters: &[(&str, &str)], column: &str) -> f64 {
    let path = crate::helpers::dfe_dir().join(file);
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let headers: Vec<String> =
        reader.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("{file}: no {name}"));
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|row| {
            row[at("time_period")] == *year
                && row[at("geographic_level")] == *"National"
                && filters.iter().all(|(name, value)| row[at(name)] == **value)
        })
        .unwrap_or_else(|| panic!("{file}: no National row for {year} {filters:?}"));
    row[at(column)].parse().unwrap_or_else(|_| panic!("{file} {column}: {:?}", &row[at(column)]))
}

/// An adoption stage's England average, published as "years:months", in
/// days (a month is 365.25 / 12 = 30.44 days).
fn adoption_stage(stage: &str) -> f64 {
    let file = "national_cla_adopted_average_time_between_adoption_process_stages.csv";
    let filters = [("stage_of_adoption_process", stage), ("age_start_poc", "Total")];
    let path = crate::helpers::dfe_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|line| line.starts_with("2025,") && line.contains(&format!(",{},{},", filters[0].1, filters[1].1)))
        .unwrap_or_else(|| panic!("{file}: no 2025 total for {stage}"));
    let (years, months) = line.rsplit(',').next().unwrap().split_once(':').unwrap();
    let months = years.parse::<f64>().unwrap() * 12.0 + months.parse::<f64>().unwrap();
    months * 365.25 / 12.0
}

#[test]
fn england_benchmarks_are_worked_out_again_from_dfe_files() {
    if crate::helpers::shared_data("dfe").is_none() {
        return;
    }
    let children = national("ons_mid-year_population_estimates_2012_to_2024.csv", "2024", &[], "population_estimate");
    let per_10000 = |count: f64| count / children * 10_000.0;
    let cin = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv";
    let cla = "cla_number_and_rate_per_10k_children.csv";
    let placements = "la_cla_during_year_new_placements.csv";
    let location = ("characteristic", "Location of new placements during the year");
    let distance = |breakdown| national(placements, "2025", &[location, ("breakdown", breakdown)], "children_count");
    let health = |breakdown| {
        let group = ("characteristic", "Health assessments: Children looked after all ages");
        national("la_conviction_health_outcome_cla.csv", "2025", &[group, ("breakdown", breakdown)], "children_percent")
    };
    let leavers = |file: &str, age: &str, breakdown: &str, column: &str| {
        national(file, "2025", &[("care_leaver_age", age), ("breakdown", breakdown)], column)
    };
    let suitable = "la_care_leavers_accommodation_suitability.csv";
    let activity = "la_care_leavers_activity.csv";
    let stability = "la_cla_placement_stability.csv";
    let csww = "csww_indicators_2017_to_2025.csv";
    // (indicator, England's figure from the files, decimals the benchmark is given to)
    let expected: Vec<(&str, f64, i32)> = vec![
        ("referral-rate-per-10000", per_10000(national(cin, "2025", &[], "referral_count")), 1),
        ("referrals-nfa", national(cin, "2025", &[], "no_further_action_percent"), 1),
        ("re-referrals", national(cin, "2025", &[], "rereferral_percent"), 1),
        (
            "cin-rate-per-10000",
            per_10000(national("b1_children_in_need_2013_to_2025.csv", "2025", &[], "At31_episodes")),
            1,
        ),
        (
            "cp-starts-rate-per-10000",
            per_10000(national("d3_cpps_subsequent_plan_2013_to_2025.csv", "2025", &[], "CPP_start")),
            1,
        ),
        (
            "cp-plans-second-or-subsequent",
            national("d3_cpps_subsequent_plan_2013_to_2025.csv", "2025", &[], "CPP_subsequent_percent"),
            1,
        ),
        (
            "cp-rate-per-10000",
            per_10000(national("d5_cpps_at31march_by_duration_2013_to_2025.csv", "2025", &[], "CPP_At31")),
            1,
        ),
        (
            "cp-plans-2-years",
            national("d5_cpps_at31march_by_duration_2013_to_2025.csv", "2025", &[], "2_years_or_more_percent"),
            1,
        ),
        (
            "children-looked-after-rate",
            national(
                cla,
                "2025",
                &[("population_type", "Children looked after on 31 March each year")],
                "rate_per_10000",
            ),
            0,
        ),
        (
            "cla-starts-rate-per-10000",
            national(
                cla,
                "2025",
                &[("population_type", "Children starting to be looked after each year")],
                "rate_per_10000",
            ),
            0,
        ),
        (
            "placements-3-plus",
            national(
                stability,
                "2025",
                &[
                    ("cla_group", "CLA on 31 March"),
                    ("placement_stability", "With 3 or more placements during the year"),
                ],
                "children_percent",
            ),
            0,
        ),
        (
            "long-term-stability",
            national(
                stability,
                "2025",
                &[
                    (
                        "cla_group",
                        "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
                    ),
                    ("placement_stability", "Living with the same carer for at least 2 years"),
                ],
                "children_percent",
            ),
            0,
        ),
        (
            "placed-more-than-20-miles",
            100.0
                * (distance("Placed inside LA boundary more than 20 miles from home")
                    + distance("Placed outside LA boundary more than 20 miles from home"))
                / distance("Total new placements"),
            1,
        ),
        ("health-assessments", health("Had their annual health assessment"), 0),
        ("dental-checks", health("Had their teeth checked by a dentist"), 0),
        (
            "social-worker-changes",
            national(
                "la_cla_swcount.csv",
                "2024",
                &[("cla_group", "CLA on 31 March"), ("sw_stability", "3 or more social workers during the year")],
                "percentage",
            ),
            0,
        ),
        (
            "school-moves",
            national(
                "la_cla_school_moves.csv",
                "2024",
                &[
                    ("cla_group", "CLA on 31 March"),
                    ("move_measure", "Any moves"),
                    ("school_stability", "With one or more moves during the year"),
                ],
                "percentage",
            ),
            0,
        ),
        (
            "care-leavers-eet-17-18",
            leavers(activity, "17 to 18 years", "Total in education, employment or training", "care_leaver_percent"),
            0,
        ),
        (
            "care-leavers-eet-19-21",
            leavers(activity, "19 to 21 years", "Total in education, employment or training", "care_leaver_percent"),
            0,
        ),
        (
            "care-leavers-suitable-accommodation",
            100.0
                * (leavers(suitable, "17 to 18 years", "Accommodation considered suitable", "care_leaver_count")
                    + leavers(suitable, "19 to 21 years", "Accommodation considered suitable", "care_leaver_count"))
                / (leavers(suitable, "17 to 18 years", "Suitability total", "care_leaver_count")
                    + leavers(suitable, "19 to 21 years", "Suitability total", "care_leaver_count")),
            1,
        ),
        ("agency-rate", national(csww, "2025", &[], "agency_rate_fte"), 1),
        ("turnover-rate", national(csww, "2025", &[], "turnover_rate_fte"), 1),
        ("vacancy-rate", national(csww, "2025", &[], "vacancy_rate_fte"), 1),
        ("average-caseload", national(csww, "2025", &[], "caseload_fte"), 1),
        ("sickness-absence", national(csww, "2025", &[], "absence_rate_fte"), 1),
        ("adoption-days-to-placed", adoption_stage("4. Total average time between entry into care and date placed for adoption"), 0),
        ("adoption-days-to-match", adoption_stage("2. Average time between decision that child should be placed for adoption and matching of child and adopters"), 0),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = scorecard::evaluate::load(root).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    let mut wrong = Vec::new();
    for (id, figure, decimals) in &expected {
        let definition = loaded.definitions.iter().find(|d| d.id() == *id).unwrap_or_else(|| panic!("no {id}"));
        let benchmark = definition.benchmark().unwrap_or_else(|| panic!("{id} has no benchmark")).value;
        let rounded = scorecard::judge::round_to(*figure, *decimals as u32);
        if (benchmark - rounded).abs() > 1e-9 {
            wrong.push(format!("{id}: benchmark {benchmark}, DfE's files give {figure} ({rounded})"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_library_page_lists_every_shipped_indicator() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/library.md")).unwrap();
    let loaded = scorecard::evaluate::load(root).unwrap_or_else(|error| panic!("{}", crate::helpers::describe(&error)));
    for definition in &loaded.definitions {
        assert!(page.contains(&format!("| `{}` |", definition.id())), "docs/library.md lacks {}", definition.id());
    }
}
