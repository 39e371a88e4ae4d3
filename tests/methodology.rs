//! DfE's counting rules for looked-after children, each on episodes worked
//! by hand (docs/library.md, "Counting rules"): short breaks left out,
//! children counted once (the first start, the last cease), the current
//! period of care, a same-carer change no new placement, and the adoption
//! rule of long-term stability.
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
