//! DfE's counting rules for looked-after children, each on episodes worked
//! by hand (docs/library.md, "Counting rules"): short breaks left out,
//! children counted once (the first start, the last cease), the current
//! period of care, a same-carer change no new placement, and the adoption
//! rule of long-term stability; temporary placements no moves; and which
//! care leavers the in-touch figure divides by.
//!
//! Every case is for 31 March 2025: 12-month windows run from 1 April 2024,
//! and the sample project's population for 2025 is 45,500.

use crate::helpers::Fixture;

const EPISODES: &str = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,REASON_PLACE_CHANGE,PL_DISTANCE\n";
const POPULATION: f64 = 45_500.0;

fn with_episodes(definitions: &[&str], rows: &str) -> Fixture {
    let fixture = Fixture::shipped(definitions);
    fixture.extract("2025-03", "ssda903_episodes.csv", &format!("{EPISODES}{rows}"));
    fixture
}

fn counts(fixture: &Fixture, id: &str) -> (Option<f64>, Option<f64>) {
    let observation = fixture.observe(id, "2025-03");
    (observation.numerator, observation.denominator)
}

/// A: short breaks (V4) all year, the latest still open. B: in full care
/// since 2023. C: a short break (V3) in May, then full care (C2) from
/// September. D: a short break open over 31 March. P: three short breaks,
/// then full care from October.
const SHORT_BREAKS: &str = "\
A,01/04/2024,S,V4,U4,03/04/2024,E17,,
A,25/03/2025,S,V4,U4,,,,
B,01/03/2023,S,C2,U4,,,,
C,01/05/2024,S,V3,U4,03/05/2024,E17,,
C,01/09/2024,S,C2,U1,,,,
D,29/03/2025,S,V3,U4,,,,
P,01/05/2024,S,V3,U4,02/05/2024,E17,,
P,01/06/2024,S,V3,U5,02/06/2024,E17,,
P,01/07/2024,S,V3,U6,02/07/2024,E17,,
P,01/10/2024,S,C2,U4,,,,
";

#[test]
fn children_on_short_breaks_are_not_looked_after_in_dfe_s_figures() {
    let fixture = with_episodes(
        &[
            "looked-after/children-looked-after-rate",
            "looked-after/cla-starts-rate-per-10000",
            "looked-after/foster-care",
            "looked-after/placements-3-plus",
        ],
        SHORT_BREAKS,
    );
    // Looked after at 31 March 2025 other than on a short break: B, C, P = 3
    // (A's and D's open episodes are V4 and V3). Counting every open episode
    // would give 5.
    assert_eq!(counts(&fixture, "children-looked-after-rate"), (Some(3.0), Some(POPULATION)));
    // Started to be looked after in the year, short breaks left out: C (its C2
    // start in September) and P (October) = 2. Every S episode would be 8.
    assert_eq!(counts(&fixture, "cla-starts-rate-per-10000"), (Some(2.0), Some(POPULATION)));
    // In foster care (U1-U6) at 31 March, of the 3: B (U4), C (U1), P (U4).
    assert_eq!(counts(&fixture, "foster-care"), (Some(3.0), Some(3.0)));
    // Placements in the year, short breaks left out: B 1 (open at the start),
    // C 1, P 1; counting P's three short breaks would give P 4, a 3+ child.
    assert_eq!(counts(&fixture, "placements-3-plus"), (Some(0.0), Some(3.0)));
}

/// E: came into care in May, went home in July (E4A), came back in
/// September and was adopted in February (E11). F: adopted in June (E12,
/// a recording the next episode shows was wrong), back in August, home in
/// December (E4A). G: in care since 2023, left to live with relatives in
/// October (E13). H: in care since 2023, still looked after.
const TWICE: &str = "\
E,01/05/2024,S,C2,U4,01/07/2024,E4A,,
E,01/09/2024,S,C2,U4,01/02/2025,E11,,
F,01/05/2024,S,C2,U4,01/06/2024,E12,,
F,01/08/2024,S,C2,U4,01/12/2024,E4A,,
G,01/01/2023,S,C2,U4,01/10/2024,E13,,
H,01/01/2023,S,C2,U4,,,,
";

#[test]
fn a_child_who_starts_or_leaves_twice_counts_once() {
    let fixture = with_episodes(&["looked-after/cla-starts-rate-per-10000", "looked-after/adopted"], TWICE);
    // Starts in the year, each child's first: E (May), F (May) = 2; counting
    // every start would give 4.
    assert_eq!(counts(&fixture, "cla-starts-rate-per-10000"), (Some(2.0), Some(POPULATION)));
    // Ceased in the year, each child by the last occasion: E (E11, adopted),
    // F (E4A), G (E13) = 3 children, 1 adopted. Every episode that ended
    // would give 5 ceased and 2 adopted (E's E11 and F's E12).
    assert_eq!(counts(&fixture, "adopted"), (Some(1.0), Some(3.0)));
}

/// Under 16 (born 2012) unless said: 2.5 years before 31 March 2025 is
/// 30 September 2022; 2 years before is 31 March 2023.
/// - J: the same foster carer since June 2014, a change of legal status with
///   that carer (T) in February 2024: stable (the T does not restart it).
/// - K: only changes of legal status (L) in the extract, the first on 26
///   September 2016: in the same placement since then at least: stable.
/// - L: fostered from January 2022, placed for adoption (A5, a new carer) in
///   June 2024: the adoptive placement and the one before it have lasted
///   since January 2022: stable by the adoption rule.
/// - M: fostered June 2022, moved June 2023, placed for adoption January
///   2025: the placement before the adoptive one began after 31 March
///   2023: not stable.
/// - N: in care 2015 to January 2023, back from March 2023: looked after
///   continuously only since March 2023, so not in the count at all.
/// - O: born 2008 (17): not in the count.
/// - Q: fostered 2020, moved in January 2024: not stable.
const STABILITY: &str = "\
J,01/06/2014,S,C2,U4,15/02/2024,X1,,
J,15/02/2024,T,E1,U4,,,,
K,26/09/2016,L,C2,U4,01/01/2024,X1,,
K,01/01/2024,L,E1,U4,,,,
L,01/01/2022,S,C2,U4,01/06/2024,X1,CARPL,
L,01/06/2024,P,E1,A5,,,,
M,01/06/2022,S,C2,U4,01/06/2023,X1,CARPL,
M,01/06/2023,P,C2,U5,01/01/2025,X1,CARPL,
M,01/01/2025,P,E1,A5,,,,
N,01/01/2015,S,C2,U4,01/01/2023,E4A,,
N,01/03/2023,S,C2,U4,,,,
O,01/01/2016,S,C2,U4,,,,
Q,01/01/2020,S,C2,U4,01/01/2024,X1,CARPL,
Q,01/01/2024,P,C2,U5,,,,
";

#[test]
fn long_term_stability_follows_the_carer_the_period_of_care_and_the_adoption_rule() {
    let fixture = with_episodes(&["looked-after/long-term-stability"], STABILITY);
    let births = "CHILD,SEX,DOB,ETHNIC\nJ,1,01/01/2012,WBRI\nK,1,01/01/2012,WBRI\nL,2,01/01/2012,WBRI\n\
                  M,2,01/01/2012,WBRI\nN,1,01/01/2012,WBRI\nO,1,01/01/2008,WBRI\nQ,2,01/01/2012,WBRI\n";
    fixture.extract("2025-03", "ssda903_header.csv", births);
    // Under 16 and looked after continuously 2.5 years: J, K, L, M, Q = 5.
    // Stable: J, K, L = 3.
    assert_eq!(counts(&fixture, "long-term-stability"), (Some(3.0), Some(5.0)));
}

/// R: the extract opens with a change of legal status (L) in June 2024,
/// then two changes of carer (P): the L episode shows the placement R was
/// already in, so 3 placements. S: two episodes open on 1 April 2024
/// (overlapping, a recording error) then one change of carer: the placement
/// open at the start counts once, so 2. Each alone, so that neither can
/// stand in for the other.
#[test]
fn the_first_episode_shows_a_placement_and_the_one_open_at_the_start_counts_once() {
    let opens_with_a_change_of_legal_status = "\
R,01/06/2024,L,C2,U4,01/09/2024,X1,,
R,01/09/2024,P,C2,U5,01/12/2024,X1,CARPL,
R,01/12/2024,P,C2,U6,,,,
";
    let fixture = with_episodes(&["looked-after/placements-3-plus"], opens_with_a_change_of_legal_status);
    assert_eq!(counts(&fixture, "placements-3-plus"), (Some(1.0), Some(1.0)));
    let overlapping_at_the_start = "\
S,01/01/2024,S,C2,U4,01/06/2024,X1,,
S,01/02/2024,L,C2,U4,01/05/2024,X1,,
S,01/06/2024,P,C2,U5,,,,
";
    let fixture = with_episodes(&["looked-after/placements-3-plus"], overlapping_at_the_start);
    assert_eq!(counts(&fixture, "placements-3-plus"), (Some(0.0), Some(1.0)));
}

/// Temporary placements (PLACE T0 to T4) and the return from one are not
/// changes of carer: DfE's validation rule 383 has the return go back to the
/// placement the child was in before. Born 2012 (under 16).
/// - T: fostered (U4) since January 2022, a holiday (T2) in August 2024 and
///   a stay in hospital (T1) in November, each followed by the return (P,
///   U4): 1 placement in the year (each P would make 5). Stable since
///   January 2022, 2 years before 31 March 2025 being 31 March 2023.
/// - U: fostered since January 2022, a carer's absence (T3) in June 2024
///   and the return, then two real moves (U5 in September, U6 in January):
///   1 + 2 = 3 placements, so 3+; not stable.
/// - W: fostered since January 2020, a holiday (T2) open over 31 March
///   2025: 1 placement; stable since 2020, the holiday aside.
const TEMPORARY: &str = "\
T,01/01/2022,S,C2,U4,10/08/2024,X1,,
T,10/08/2024,P,C2,T2,20/08/2024,X1,,
T,20/08/2024,P,C2,U4,01/11/2024,X1,,
T,01/11/2024,P,C2,T1,10/11/2024,X1,,
T,10/11/2024,P,C2,U4,,,,
U,01/01/2022,S,C2,U4,01/06/2024,X1,,
U,01/06/2024,P,C2,T3,10/06/2024,X1,,
U,10/06/2024,P,C2,U4,01/09/2024,X1,,
U,01/09/2024,P,C2,U5,01/01/2025,X1,CARPL,
U,01/01/2025,P,C2,U6,,,,
W,01/01/2020,S,C2,U4,28/03/2025,X1,,
W,28/03/2025,P,C2,T2,,,,
";

#[test]
fn a_temporary_placement_and_the_return_from_it_are_not_moves() {
    let fixture = with_episodes(&["looked-after/placements-3-plus", "looked-after/long-term-stability"], TEMPORARY);
    fixture.extract(
        "2025-03",
        "ssda903_header.csv",
        "CHILD,SEX,DOB,ETHNIC\nT,1,01/01/2012,WBRI\nU,2,01/01/2012,WBRI\nW,1,01/01/2012,WBRI\n",
    );
    // 3+ placements: U only, of T, U, W looked after at 31 March.
    assert_eq!(counts(&fixture, "placements-3-plus"), (Some(1.0), Some(3.0)));
    // Looked after 2.5 years (since 30 September 2022 at the latest): T, U,
    // W. Same carer 2 years: T (since January 2022), W (since 2020) = 2.
    assert_eq!(counts(&fixture, "long-term-stability"), (Some(2.0), Some(3.0)));
}

/// Care leavers aged 17 to 21 at 31 March 2025 (born 1 April 2003 to 31
/// March 2008), one of each IN_TOUCH code, plus one aged 16 and one aged 22
/// who are out of the cohort. In touch: the YES only, of all six codes = 1
/// of 6.
#[test]
fn every_care_leaver_of_the_age_is_in_the_in_touch_denominator() {
    let fixture = Fixture::shipped(&["care-leavers/care-leavers-in-touch"]);
    fixture.extract(
        "2025-03",
        "ssda903_oc3.csv",
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n\
         A,01/04/2003,YES,F1,B1\n\
         B,01/01/2005,NO,G6,0\n\
         C,01/01/2006,DIED,0,0\n\
         D,01/01/2006,REFU,0,0\n\
         E,01/01/2007,NREQ,0,0\n\
         F,31/03/2008,RHOM,0,0\n\
         G,01/04/2008,YES,F1,B1\n\
         H,31/03/2003,YES,F1,B1\n",
    );
    assert_eq!(counts(&fixture, "care-leavers-in-touch"), (Some(1.0), Some(6.0)));
}
