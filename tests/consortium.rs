//! A consortium: members.csv and a folder per member; one evaluation for
//! all, a bundle per member and a comparison with ranks.

use crate::helpers::Fixture;
use assert_cmd::Command;

const HEADER: &str = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";

fn scorecard(fixture: &Fixture, args: &[&str]) -> std::process::Output {
    let mut command = Command::cargo_bin("scorecard").expect("binary built");
    command.current_dir(fixture.root()).args(args).output().expect("runs")
}

/// `scorecard` with members in groups of two (their data is too small for
/// the default grouping by size to make more than one group).
fn scorecard_in_pairs(fixture: &Fixture, args: &[&str]) -> std::process::Output {
    let mut command = Command::cargo_bin("scorecard").expect("binary built");
    command.current_dir(fixture.root()).env("SCORECARD_GROUP", "2").args(args).output().expect("runs")
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Three members with one month each. Agency rate = agency FTE / all FTE:
///   E06900001: 1.0 / (1.0 + 3.0) = 25.0%
///   E06900002: 0.5 / (0.5 + 4.5) = 10.0%
///   E06900003: 1.0 / (1.0 + 9.0) = 10.0%  (ties with 002 at one decimal)
/// Lower is better, so 002 and 003 share rank 1 and 001 is 3rd of 3.
fn consortium() -> Fixture {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.write(
        "sample-data/members.csv",
        "code,name,region,population_2024\n\
         E06900001,First Borough,North West,20000\n\
         E06900002,Second <b>City</b>,North West,30000\n\
         E06900003,=Third Shire,North East,40000\n",
    );
    let workers = [("E06900001", 1.0, 3.0), ("E06900002", 0.5, 4.5), ("E06900003", 1.0, 9.0)];
    for (code, agency, employed) in workers {
        fixture.write(
            &format!("sample-data/{code}/2025-03/workforce.csv"),
            &format!("{HEADER}S1,T,1,{agency},5,01/01/2020,,10,0\nS2,T,0,{employed},5,01/01/2020,,10,0\n"),
        );
    }
    fixture
}

#[test]
fn every_member_gets_a_bundle_and_the_comparison_ranks_them() {
    let fixture = consortium();
    let output = scorecard(&fixture, &["build"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for code in ["E06900001", "E06900002", "E06900003"] {
        let csv = std::fs::read_to_string(fixture.root().join(format!("reports/{code}/2025-03/scorecard.csv")))
            .unwrap_or_else(|_| panic!("{code} has a bundle"));
        assert!(csv.contains("agency-rate"), "{csv}");
        assert!(fixture.root().join(format!("reports/{code}/index.html")).exists());
    }
    let comparison = std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/comparison.csv")).unwrap();
    let rows: Vec<Vec<&str>> = comparison.lines().skip(1).map(|line| line.split(',').collect()).collect();
    // indicator,title,unit,authority_code,authority,value,not_calculable,rank,of,rag (title has no commas)
    let ranks: Vec<(&str, &str, &str, &str)> = rows.iter().map(|row| (row[3], row[5], row[7], row[8])).collect();
    assert_eq!(
        ranks,
        [("E06900001", "25.0", "3", "3"), ("E06900002", "10.0", "1", "3"), ("E06900003", "10.0", "1", "3")]
    );
    // A member name that looks like a formula is neutralised in the CSV.
    assert!(comparison.contains(",'=Third Shire,"), "{comparison}");
    let page = std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/comparison.html")).unwrap();
    assert!(page.contains("1 of 3") && page.contains("3 of 3"), "{page}");
    // Median of 25.0, 10.0, 10.0 is 10.0, shown with the indicator's one decimal.
    assert!(page.contains("Median of the members</th><td class=\"num\">10.0%"), "{page}");
    // Names from members.csv are escaped on the pages.
    assert!(page.contains("Second &lt;b&gt;City&lt;&#x2f;b&gt;") && !page.contains("<b>City"), "{page}");
    let front = std::fs::read_to_string(fixture.root().join("reports/index.html")).unwrap();
    assert!(front.contains(r#"href="comparison/2025-03/comparison.html""#), "{front}");
    assert!(front.contains(r#"href="E06900002/2025-03/index.html""#), "{front}");
    assert!(!front.contains("<b>City"), "{front}");
    let manifest = std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/manifest.json")).unwrap();
    assert!(manifest.contains("sample-data/E06900003/2025-03/workforce.csv"), "{manifest}");
    // Checks run within each member's extract: S1 and S2 are in every member,
    // but no worker id is on two rows of one extract.
    let json = std::fs::read_to_string(fixture.root().join("reports/E06900001/2025-03/scorecard.json")).unwrap();
    let findings: serde_json::Value = serde_json::from_str(&json).unwrap();
    let duplicated = findings["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["check"] == "worker id on more than one row")
        .expect("the check ran");
    assert_eq!(duplicated["records"], 0, "{duplicated}");
    let published = tempfile::tempdir().unwrap();
    let to = published.path().to_str().unwrap();
    let output = scorecard(&fixture, &["publish", "--month", "2025-03", "--authority", "E06900003", "--to", to]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(published.path().join("2025-03/index.html").exists());
    // Nothing changed: every member is up to date and nothing is rewritten.
    let again = stdout(&scorecard(&fixture, &["build"]));
    assert_eq!(again.matches("is up to date").count(), 3, "{again}");
    assert!(!again.contains("compared"), "{again}");
    // A member rebuilt alone after its extract changed leaves the comparison
    // out of date, and the next full build redoes it (and only it).
    fixture.write(
        "sample-data/E06900001/2025-03/workforce.csv",
        &format!("{HEADER}S1,T,1,1.0,5,01/01/2020,,10,0\nS2,T,0,1.0,5,01/01/2020,,10,0\n"),
    );
    assert!(stdout(&scorecard(&fixture, &["build", "--authority", "E06900001"])).contains("built E06900001"));
    let after = stdout(&scorecard(&fixture, &["build"]));
    assert_eq!(after.matches("is up to date").count(), 3, "{after}");
    assert!(after.contains("compared 2025-03"), "{after}");
    let comparison = std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/comparison.csv")).unwrap();
    // E06900001 is now 1.0 / 2.0 = 50.0%: still last of three.
    assert!(comparison.contains("E06900001,First Borough,50.0,,3,3"), "{comparison}");
}

#[test]
fn one_member_can_be_built_alone_and_explain_needs_a_member() {
    let fixture = consortium();
    let output = scorecard(&fixture, &["build", "--authority", "E06900002"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(fixture.root().join("reports/E06900002/2025-03/index.html").exists());
    assert!(!fixture.root().join("reports/E06900001").exists());
    assert!(!fixture.root().join("reports/comparison").exists());

    let unknown = scorecard(&fixture, &["build", "--authority", "E06900004"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no member authority `E06900004`"));

    let unnamed = scorecard(&fixture, &["explain", "agency-rate"]);
    assert_eq!(unnamed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unnamed.stderr).contains("--authority"));
    let named = stdout(&scorecard(&fixture, &["explain", "agency-rate", "--authority", "E06900002"]));
    assert!(named.contains("numerator: 0.5  denominator: 5"), "{named}");

    // `check` names the members and each one's months.
    let check = stdout(&scorecard(&fixture, &["check"]));
    let members =
        "consortium of 3 members: E06900001 First Borough; E06900002 Second <b>City</b>; E06900003 =Third Shire";
    assert!(check.contains(members), "{check}");
    assert!(check.contains("publishable E06900002: 1 of 1 months"), "{check}");
}

#[test]
fn values_lists_every_member_month_and_indicator_unrounded() {
    let fixture = consortium();
    let output = scorecard(&fixture, &["values"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        stdout(&output),
        "authority_code,indicator,month,value,numerator,denominator,not_calculable\n\
         E06900001,agency-rate,2025-03,25,1,4,\n\
         E06900002,agency-rate,2025-03,10,0.5,5,\n\
         E06900003,agency-rate,2025-03,10,1,10,\n"
    );
}

#[test]
fn a_bad_members_file_is_reported_with_line_and_column() {
    let fixture = consortium();
    fixture.write(
        "sample-data/members.csv",
        "code,name,population_2024\nE06900001,First,20000\n../etc,Bad,1\nE06900001,Again,5\nE06900002,Second,lots\n",
    );
    let output = scorecard(&fixture, &["check"]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("members.csv:3:1") && stderr.contains("`../etc` is not an English local authority code"));
    assert!(stderr.contains("members.csv:4:1") && stderr.contains("`E06900001` is listed twice"), "{stderr}");
    assert!(stderr.contains("members.csv:5:3") && stderr.contains("population `lots`"), "{stderr}");
}

#[test]
fn the_sample_consortium_is_deterministic_with_members_of_different_sizes() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&one, &two] {
        let mut command = Command::cargo_bin("scorecard").expect("binary built");
        let output = command.args(["sample", "--authorities", "2", "--out"]).arg(dir.path()).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let read = |dir: &tempfile::TempDir, file: &str| std::fs::read(dir.path().join(file)).unwrap();
    let members = String::from_utf8(read(&one, "members.csv")).unwrap();
    // Two members: sizes 0.75 + 2.5 x (0.5, 1.5) / 2 = 1.375 and 2.625 times
    // the sample's 45,100 children in 2023 (62,013 and 118,388), in some order.
    let populations: Vec<&str> = members.lines().skip(1).map(|line| line.split(',').nth(4).unwrap()).collect();
    let mut sorted = populations.clone();
    sorted.sort();
    assert_eq!(sorted, ["118388", "62013"], "{members}");
    assert_eq!(members, String::from_utf8(read(&two, "members.csv")).unwrap());
    for file in ["E06900001/2026-03/ssda903_episodes.csv", "E06900002/2025-01/cin_referrals.csv"] {
        assert!(read(&one, file) == read(&two, file), "{file} differs between runs");
    }
    assert_ne!(read(&one, "E06900001/2026-03/workforce.csv"), read(&one, "E06900002/2026-03/workforce.csv"));
}

#[test]
fn a_member_without_the_month_extract_is_not_calculable_and_unranked() {
    let fixture = consortium();
    std::fs::remove_file(fixture.root().join("sample-data/E06900003/2025-03/workforce.csv")).unwrap();
    let refused = scorecard(&fixture, &["build"]);
    assert_eq!(refused.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("E06900003 2025-03: no workforce.csv"));
    let output = scorecard(&fixture, &["build", "--allow-incomplete"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let comparison = std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/comparison.csv")).unwrap();
    // The other two rank among themselves: 10.0% 1st of 2, 25.0% 2nd of 2.
    assert!(comparison.contains("E06900001,First Borough,25.0,,2,2"), "{comparison}");
    assert!(comparison.contains(",10.0,,1,2,"), "{comparison}");
    assert!(comparison.contains(",no `workforce` extract for 2025-03,,2,"), "{comparison}");
}

#[test]
fn consortium_pages_carry_its_own_name_a_grid_and_each_members_counts() {
    let fixture = consortium();
    // Without [consortium] name: never a member's name (the project's [authority] is Northbridge's).
    assert!(scorecard(&fixture, &["build"]).status.success());
    let front = std::fs::read_to_string(fixture.root().join("reports/index.html")).unwrap();
    assert!(front.contains("<h1>Consortium of 3 authorities: performance scorecards</h1>"), "{front}");
    assert!(!front.contains("Northbridge"));
    // Each member's counts for its latest month: agency rate 25.0% is red (over 17.5%), 10.0% green.
    assert!(front.contains(r#"<td class="num" data-label="Red">1</td><td class="num" data-label="Amber">0</td><td class="num" data-label="Green">0</td>"#));
    // Each member's own page places it: 25.0% is 3rd of 3; 002 and 003 share 1st at 10.0%.
    let page = |code: &str| {
        std::fs::read_to_string(fixture.root().join(format!("reports/{code}/2025-03/index.html"))).unwrap()
    };
    assert!(page("E06900001").contains("25.0% <span class=\"was\">(3rd of 3)</span>"));
    assert!(page("E06900002").contains("10.0% <span class=\"was\">(1st of 3)</span>"));
    assert!(page("E06900003").contains("1st of 3 in the consortium"));
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{project}\n[consortium]\nname = \"North consortium\"\n"));
    assert!(scorecard(&fixture, &["build", "--force"]).status.success());
    let comparison =
        std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/comparison.html")).unwrap();
    assert!(comparison.contains("<h1>North consortium: every member compared, March 2025</h1>"), "{comparison}");
    // The grid comes first: every member's RAG letter and value for the indicator.
    let grid = &comparison
        [comparison.find("class=\"grid\"").unwrap()..comparison.find("Ranked, indicator by indicator").unwrap()];
    for cell in ["<span class=\"badge\">R</span></span> 25.0%", "<span class=\"badge\">G</span></span> 10.0%"] {
        assert!(grid.contains(cell), "{cell} in {grid}");
    }
}

/// Three members of 100 case-holding workers each, with 66, 72 and 40 of
/// them within the caseload limit. Overall 178 / 300 = 59.33%. Wilson
/// limits at n = 100 around x = 59.33 (z = 1.96): 49.53% to 68.44%; at
/// 99.8% (z = 3.09): 43.99% to 73.05% (worked with the formula in
/// `judge::funnel`'s tests). So 66% is inside, 72% above the 95% limit
/// only, and 40% below the 99.8% limit.
#[test]
fn the_comparison_draws_a_funnel_and_names_members_outside_its_limits() {
    let fixture = Fixture::shipped(&["workforce/caseloads-within-limit"]);
    fixture.write(
        "sample-data/members.csv",
        "code,name,region,population_2024\nE06900001,Inside,North West,20000\nE06900002,High,North West,20000\nE06900003,Low,North West,20000\n",
    );
    for (code, within) in [("E06900001", 66), ("E06900002", 72), ("E06900003", 40)] {
        let rows: String = (0..100)
            .map(|worker| {
                let cases = if worker < within { 10 } else { 30 };
                format!("S{worker},T,0,1.0,5,01/01/2020,,{cases},0\n")
            })
            .collect();
        fixture.write(&format!("sample-data/{code}/2025-03/workforce.csv"), &format!("{HEADER}{rows}"));
    }
    let output = scorecard(&fixture, &["build"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let folder = fixture.root().join("reports/comparison/2025-03");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("comparison.json")).unwrap()).unwrap();
    let funnel = &json["indicators"][0]["funnel"];
    assert!((funnel["centre"].as_f64().unwrap() - 178.0 / 3.0).abs() < 1e-9, "{funnel}");
    let bands: Vec<&str> = funnel["points"].as_array().unwrap().iter().map(|p| p["band"].as_str().unwrap()).collect();
    assert_eq!(bands, ["inside", "above95", "below998"]);
    let csv = std::fs::read_to_string(folder.join("comparison.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",rag,funnel"), "{csv}");
    assert!(csv.contains("E06900003,Low,40.0,,3,3,red,below the 99.8% limit"), "{csv}");
    let page = std::fs::read_to_string(folder.join("comparison.html")).unwrap();
    assert!(page.contains("Outside the limits: Low (below the 99.8% limit); High (above the 95% limit)."), "{page}");
    // A narrower chart for phones, named on the page (slashes escaped, as every attribute is).
    assert!(folder.join("charts/narrow/funnel-caseloads-within-limit.svg").exists());
    assert!(page.contains(r#"srcset="charts&#x2f;narrow&#x2f;funnel-caseloads-within-limit.svg""#), "{page}");
    let chart = std::fs::read_to_string(folder.join("charts/funnel-caseloads-within-limit.svg")).unwrap();
    // Every dot numbered as the rank table numbers it (High 72% 1st,
    // Inside 66% 2nd, Low 40% 3rd), those outside the 95% limits named
    // too; plotters writes each text on a line of its own.
    assert!(chart.contains("\n1 High\n") && chart.contains("\n2\n") && chart.contains("\n3 Low\n"), "{chart}");
    assert!(!chart.contains("Inside\n"), "{chart}");
    // The table beside it: each dot's number and the counts behind its value.
    assert!(page.contains("<td class=\"num\">1</td><td class=\"num\">1 of 3</td>"), "{page}");
    assert!(
        page.contains("<td class=\"num\">72 of 100</td>") && page.contains("<td class=\"num\">40 of 100</td>"),
        "{page}"
    );
    // A screen reader hears what the chart shows.
    let described = "role=\"img\"><title>Funnel plot of Social workers with a caseload within the limit</title><desc>Members overall 59.3%. Dots, numbered as in the table: 1 High 72.0%; 2 Inside 66.0%; 3 Low 40.0%.";
    assert!(chart.contains(described), "{chart}");
    // Inside's own page draws the same funnel with its dot (2nd, 66.0%)
    // ringed and named, says so, and links to the comparison's table.
    let own = fixture.root().join("reports/E06900001/2025-03");
    let chart = std::fs::read_to_string(own.join("charts/consortium/caseloads-within-limit.svg")).unwrap();
    assert!(
        chart.contains("<desc>Inside is dot 2, ringed: 66.0%, inside the limits. Members overall 59.3%."),
        "{chart}"
    );
    assert!(chart.contains("\n2 Inside\n") && chart.contains("\n1 High\n") && chart.contains("\n3 Low\n"), "{chart}");
    assert!(chart.contains("r=\"9\""), "the ring: {chart}");
    let others = std::fs::read_to_string(
        fixture.root().join("reports/E06900002/2025-03/charts/consortium/caseloads-within-limit.svg"),
    )
    .unwrap();
    assert!(others.contains("\n2\n") && !others.contains("Inside\n"), "only on Inside's own page: {others}");
    let page = std::fs::read_to_string(own.join("index.html")).unwrap();
    assert!(
        page.contains("Among the consortium's members: Inside is dot 2, ringed: 66.0%, inside the limits."),
        "{page}"
    );
    assert!(
        page.contains("href=\"..&#x2f;..&#x2f;comparison&#x2f;2025-03&#x2f;comparison.html#caseloads-within-limit\""),
        "{page}"
    );
    assert!(comparison_has_section(&folder, "caseloads-within-limit"));
    comparison_pdf_and_workbook_say_the_same(&folder);
}

/// The comparison on paper and in a workbook, read back independently
/// (lopdf, calamine): the same numbers, in the same rank order, as the page.
fn comparison_pdf_and_workbook_say_the_same(folder: &std::path::Path) {
    use calamine::{Data, DataType, Reader};
    let path = folder.join("comparison.pdf");
    let pack = crate::pdf::Pack::read(&path);
    // Three members fit across a page on its side: the grid opens the PDF.
    assert!(pack.landscape[0]);
    let grid = pack.text(0);
    assert!(grid.contains("Consortium of 3 authorities: every member compared, March 2025"), "{grid}");
    // Members in their file's order; each value with its rating's letter:
    // all red, being more than the tolerance below the 95% target.
    assert!(
        grid.contains("Inside High Low Social workers with a caseload within the limit 66.0% R 72.0% R 40.0% R"),
        "{grid}"
    );
    let page = pack.page_with("Rank Authority").expect("a rank table");
    let text = pack.text(page);
    let order = [
        "1 1 of 3 High E06900002 72.0% 72 of 100",
        "2 2 of 3 Inside E06900001 66.0% 66 of 100",
        "3 3 of 3 Low E06900003 40.0% 40 of 100",
    ];
    for row in order {
        assert!(text.contains(row), "{row} in {text}");
    }
    assert!(text.contains("Median of the members 66.0%"), "{text}");
    assert!(text.contains("Outside the limits: Low (below the 99.8% limit); High (above the 95% limit)."), "{text}");
    let figures = crate::pdf::tagged(&path, "Figure");
    assert_eq!(figures.len(), 1);
    assert!(
        figures[0].contains("Dots, numbered as in the table: 1 High 72.0%; 2 Inside 66.0%; 3 Low 40.0%."),
        "{figures:?}"
    );
    assert!(crate::pdf::tagged(&path, "H2")
        .iter()
        .any(|heading| heading.starts_with("Social workers with a caseload within the limit")));

    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(folder.join("comparison.xlsx")).unwrap();
    let grid = workbook.worksheet_range("Grid").unwrap();
    let header: Vec<Data> = grid.rows().next().unwrap().to_vec();
    assert_eq!(
        header[1..],
        [
            Data::String("Inside".into()),
            Data::String("High".into()),
            Data::String("Low".into()),
            Data::String("Median of the members".into())
        ]
    );
    let row = grid.rows().nth(1).unwrap();
    assert_eq!(row[0], Data::String("Social workers with a caseload within the limit".into()));
    // Numbers, not text: 66, 72, 40 and the median of the three, 66.
    assert_eq!(row[1..], [Data::Float(66.0), Data::Float(72.0), Data::Float(40.0), Data::Float(66.0)]);
    let ranked = workbook.worksheet_range("Ranked").unwrap();
    let rows: Vec<(String, f64, f64)> = ranked
        .rows()
        .skip(1)
        .map(|row| (row[4].to_string(), row[1].get_float().unwrap(), row[7].get_float().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [("High".to_string(), 1.0, 72.0), ("Inside".to_string(), 2.0, 66.0), ("Low".to_string(), 3.0, 40.0)]
    );
}

fn comparison_has_section(folder: &std::path::Path, id: &str) -> bool {
    std::fs::read_to_string(folder.join("comparison.html")).unwrap().contains(&format!("<section id=\"{id}\">"))
}

/// Five members, so that in groups of two (`scorecard_in_pairs`) the last is alone. Agency rate = agency FTE / all FTE, by hand:
/// E06900001..4 in March 2025: 1 of 4, 1 of 5, 1 of 10, 1 of 2 (25%, 20%, 10%, 50%);
/// E06900005: February 2025 1 of 3 (33.3%), March 1 of 4 (25%), with worker S2 on two
/// rows in March (the data-quality check counts 2 rows).
fn five_members() -> Fixture {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let codes = ["E06900001", "E06900002", "E06900003", "E06900004", "E06900005"];
    let members: String = codes.iter().map(|code| format!("{code},Member {code},North West,20000\n")).collect();
    fixture.write("sample-data/members.csv", &format!("code,name,region,population_2024\n{members}"));
    let rows = |employed: f64| format!("{HEADER}S1,T,1,1.0,5,01/01/2020,,10,0\nS2,T,0,{employed},5,01/01/2020,,10,0\n");
    for (code, employed) in codes[..4].iter().zip([3.0, 4.0, 9.0, 1.0]) {
        fixture.write(&format!("sample-data/{code}/2025-03/workforce.csv"), &rows(employed));
    }
    fixture.write("sample-data/E06900005/2025-02/workforce.csv", &rows(2.0));
    let duplicated = format!("{}S2,T,0,1.0,5,01/01/2021,,10,0\n", rows(2.0));
    fixture.write("sample-data/E06900005/2025-03/workforce.csv", &duplicated);
    fixture
}

#[test]
fn members_evaluated_in_groups_give_the_values_of_one_pass() {
    let fixture = five_members();
    let loaded = scorecard::evaluate::load(fixture.root()).unwrap();
    let data = scorecard::evaluate::read_data(&loaded).unwrap();
    // Every observation, overall and by group, of every indicator of every member.
    let observations = |computed: scorecard::evaluate::Computed| -> Vec<serde_json::Value> {
        let each = computed.iter().flatten();
        each.map(|series| serde_json::json!([series.series, series.groups])).collect()
    };
    let one_pass = observations(scorecard::evaluate::compute(&loaded, &data).unwrap());
    use scorecard::evaluate::Grouping;
    let fixed = [1, 2, 3, 4, 5].map(|members| Grouping { members, bytes: None });
    // By size: every member in one group, and the default.
    let sized = [Grouping { members: 1, bytes: Some(u64::MAX) }, scorecard::evaluate::group_size()];
    for group in fixed.into_iter().chain(sized) {
        let (grouped, months) =
            scorecard::evaluate::compute_in_groups(&loaded, scorecard::evaluate::Reading::ValuesOnly, group, true)
                .unwrap();
        assert_eq!(observations(grouped), one_pass, "groups of {group:?}");
        assert_eq!(months.len(), 2, "February and March for every member");
    }
    // By hand, as above: E06900001 has no February extract, so February is not calculable for it.
    let values = stdout(&scorecard(&fixture, &["values"]));
    assert!(values.contains("E06900001,agency-rate,2025-02,,,,no `workforce` extract for 2025-02"), "{values}");
    assert!(values.contains("E06900004,agency-rate,2025-03,50,1,2,"), "{values}");
    assert!(values.contains("E06900005,agency-rate,2025-02,33.33333333333333"), "{values}");
}

#[test]
fn a_build_in_groups_keeps_each_members_checks_and_inputs() {
    let fixture = five_members();
    let output = scorecard_in_pairs(&fixture, &["build"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // E06900005 is alone in the third group: its findings and inputs are its own.
    let json = std::fs::read_to_string(fixture.root().join("reports/E06900005/2025-03/scorecard.json")).unwrap();
    let scorecard: serde_json::Value = serde_json::from_str(&json).unwrap();
    let duplicated = scorecard["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["check"] == "worker id on more than one row")
        .expect("the check ran");
    assert_eq!(duplicated["records"], 2, "{duplicated}");
    let manifest = std::fs::read_to_string(fixture.root().join("reports/E06900005/2025-03/manifest.json")).unwrap();
    assert!(manifest.contains("sample-data/E06900005/2025-03/workforce.csv"), "{manifest}");
    assert!(!manifest.contains("E06900001/2025-03"), "{manifest}");
    // And the first group's members keep theirs: E06900001 has no duplicate.
    let json = std::fs::read_to_string(fixture.root().join("reports/E06900001/2025-03/scorecard.json")).unwrap();
    assert!(json.contains("\"records\": 0"), "{json}");
    // The comparison ranks all five: 10% best, 50% worst.
    let comparison = std::fs::read_to_string(fixture.root().join("reports/comparison/2025-03/comparison.csv")).unwrap();
    assert!(comparison.contains("E06900003,Member E06900003,10.0,,1,5"), "{comparison}");
    assert!(comparison.contains("E06900004,Member E06900004,50.0,,5,5"), "{comparison}");
}

#[test]
fn mistakes_in_every_group_are_reported_together() {
    let fixture = five_members();
    // E06900001 is in the first group, E06900005 in the third: both mistakes are said in one run.
    let bad = format!("{HEADER}S1,T,1,lots,5,01/01/2020,,10,0\n");
    fixture.write("sample-data/E06900001/2025-03/workforce.csv", &bad);
    fixture.write("sample-data/E06900005/2025-03/workforce.csv", &bad);
    let output = scorecard_in_pairs(&fixture, &["build"]);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("E06900001/2025-03/workforce.csv") && said.contains("E06900005/2025-03/workforce.csv"),
        "{said}"
    );
    assert!(said.contains("2 problems found"), "{said}");
}

/// `check` reads members in groups as a build does: the same report in
/// groups of two as in one group; and `explain` reads only the member it
/// explains, whose figure is its own (by hand above: E06900004 1 of 2, 50%;
/// E06900005 in March 1 of 4, 25%, with S2's duplicate row counted in the FTE).
#[test]
fn check_in_groups_reports_as_one_pass_and_explain_reads_its_member() {
    let fixture = five_members();
    let whole = stdout(&scorecard(&fixture, &["check"]));
    let in_pairs = stdout(&scorecard_in_pairs(&fixture, &["check"]));
    assert_eq!(in_pairs, whole);
    assert!(
        whole.contains("data quality E06900005 2025-03: workforce `worker id on more than one row`: 2 records failing"),
        "{whole}"
    );
    assert!(
        whole.contains("data quality E06900001 2025-03: workforce `worker id on more than one row`: 0 records"),
        "{whole}"
    );
    // Each member's extract dates are its own in whichever group: E06900005's latest is 1 January 2021.
    assert!(
        in_pairs.contains("warning E06900005 2025-03: workforce.csv's latest date is 1 January 2021"),
        "{in_pairs}"
    );
    let fourth = stdout(&scorecard(&fixture, &["explain", "agency-rate", "--authority", "E06900004"]));
    assert!(fourth.contains("Value: 50.0%  numerator: 1  denominator: 2"), "{fourth}");
    let fifth =
        stdout(&scorecard(&fixture, &["explain", "agency-rate", "--authority", "E06900005", "--month", "2025-02"]));
    assert!(fifth.contains("Value: 33.3%  numerator: 1  denominator: 3"), "{fifth}");
}
