//! What the board reads first: the month's story, exceptions first, with
//! every rating explained and the same numbers as scorecard.json.

use crate::helpers::Fixture;
use assert_cmd::Command;

const HEADER: &str = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";

/// Agency FTE `agency` of 10 FTE in all.
fn workforce(agency: f64) -> String {
    format!("{HEADER}S1,T,1,{agency},5,01/01/2020,,10,0\nS2,T,0,{},5,01/01/2020,,10,0\n", 10.0 - agency)
}

fn build(fixture: &Fixture) {
    let output = Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).arg("build").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn read(fixture: &Fixture, file: &str) -> String {
    std::fs::read_to_string(fixture.root().join("reports/2025-02").join(file)).unwrap()
}

#[test]
fn a_rating_worse_than_last_month_leads_the_page_with_its_numbers() {
    // Target 14% with a 25% tolerance (3.5 points): amber to 17.5%.
    // January: agency FTE 1.0 of 10 = 10.0%, green. February: 1.6 of 10 = 16.0%, amber.
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract("2025-01", "workforce.csv", &workforce(1.0));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.6));
    build(&fixture);
    let json: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    let story = &json["story"];
    assert_eq!(json["indicators"][0]["rag"], "amber");
    assert_eq!(story["previous_counts"]["green"], 1);
    let exception = &story["attention"][0];
    assert_eq!(exception["id"], "agency-rate");
    assert_eq!(exception["reasons"][0], "amber, was green");
    // The same numbers as the indicator's own, and as worked out above.
    assert_eq!(exception["latest"]["value"], json["indicators"][0]["latest"]["value"]);
    assert_eq!(exception["latest"]["value"], 16.0);
    assert_eq!(exception["previous"]["value"], 10.0);
    assert!(story["improved"].as_array().unwrap().is_empty());

    let page = read(&fixture, "index.html");
    let attention = &page[page.find("Needs attention").unwrap()..page.find("All indicators").unwrap()];
    // Why: 16.0 less the 14.0 target is 2.0 points, and it was green.
    for expected in
        ["2.0 points above the 14.0% target; was green", "10.0%", "16.0%", "14.0%", "no commentary provided"]
    {
        assert!(attention.contains(expected), "{expected} missing from {attention}");
    }
    // It opens the page: nothing but the header before it.
    assert!(page.find("Needs attention").unwrap() < page.find("All indicators").unwrap());
    assert!(page.contains("1 amber <span class=\"was\">(0 last month)</span>"), "counts beside last month's");
    assert!(page.contains("Amber: 16.0% is above the 14.0% target but within 3.5 points of it (amber to 17.5%)."));
    // `check` says so too, naming the file to write.
    let check = Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(stdout.contains("warning 2025-02: agency-rate is amber with no commentary"), "{stdout}");
}

#[test]
fn commentary_replaces_the_warning_and_an_improvement_is_listed_as_such() {
    // January 16.0% amber, February 10.0% green: improved, and nothing needs attention.
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract("2025-01", "workforce.csv", &workforce(1.6));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.0));
    fixture.write("commentary/2025-02.toml", "agency-rate = \"Six agency workers converted.\\nMore next month.\"\n");
    build(&fixture);
    let json: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    assert!(json["story"]["attention"].as_array().unwrap().is_empty());
    assert_eq!(json["story"]["improved"][0]["reasons"][0], "green, was amber");
    // The first line of the commentary only.
    assert_eq!(json["story"]["improved"][0]["commentary"], "Six agency workers converted.");
    let page = read(&fixture, "index.html");
    // Each list states its rule; an empty one says so.
    assert!(page.contains("Listed: red or amber, rated worse than last month, or a concerning special cause."));
    assert!(page.contains("Needs attention</h2>\n<p class=\"rule\">") && page.contains("None this month."));
    assert!(
        page.contains(
            "at or below the 14.0% target; was amber (16.0% last month, 10.0% now; target 14.0%). Six agency workers converted."
        )
    );
}

#[test]
fn no_sql_on_the_boards_page_and_all_of_it_in_the_definitions_appendix() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract("2025-01", "workforce.csv", &workforce(1.0));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.6));
    build(&fixture);
    let page = read(&fixture, "index.html");
    let appendix = read(&fixture, "definitions.html");
    // The definition's filter and numerator, as written in indicators/workforce/agency-rate.toml.
    for sql in ["RoleEndDate IS NULL OR RoleEndDate &gt; period_end", "AgencyWorker = 1", "`"] {
        assert!(!page.contains(sql), "{sql} on the board's page");
    }
    for sql in ["RoleEndDate IS NULL OR RoleEndDate &gt; period_end", "AgencyWorker = 1"] {
        assert!(appendix.contains(sql), "{sql} missing from the appendix");
    }
    assert!(page.contains("numerator as a percentage of denominator"), "the rule in words");
    assert!(page.contains("href=\"definitions.html#agency-rate\""));
    assert!(appendix.contains("id=\"agency-rate\""));
}

#[test]
fn a_month_that_moved_since_it_was_published_is_flagged() {
    // January 1.0 of 10 FTE = 10.0% and February 16.0% are published; then
    // January's extract is corrected to 1.2 of 10 = 12.0%, and March (15.0%) arrives.
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract("2025-01", "workforce.csv", &workforce(1.0));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.6));
    let all = Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).args(["build", "--all"]).output();
    assert!(all.unwrap().status.success());
    fixture.extract("2025-01", "workforce.csv", &workforce(1.2));
    fixture.extract("2025-03", "workforce.csv", &workforce(1.5));
    build(&fixture);
    let march = |file: &str| std::fs::read_to_string(fixture.root().join("reports/2025-03").join(file)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&march("scorecard.json")).unwrap();
    let revisions = &json["indicators"][0]["revisions"];
    assert_eq!(revisions.as_array().unwrap().len(), 1, "February did not move: {revisions}");
    assert_eq!(revisions[0]["period"], "2025-01");
    assert_eq!(revisions[0]["reported"], 10.0);
    assert_eq!(revisions[0]["now"], 12.0);
    assert_eq!(revisions[0]["pack"], "2025-02");
    let page = march("index.html");
    assert!(page.contains("January 2025: reported 10.0% in the February 2025 pack, now 12.0%"), "on the page");
    assert!(page.contains("Revised since an earlier pack"));
    assert!(march("scorecard.csv").contains(",2025-01: 10.0 -> 12.0 (2025-02 pack)"));
    // A month built from the same data as its pack has nothing revised.
    let february: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    assert!(february["indicators"][0]["revisions"].as_array().unwrap().is_empty());
}

#[test]
fn the_workbook_is_a_report_with_titles_units_formats_and_print_setup() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract("2024-01", "workforce.csv", &workforce(2.0));
    fixture.extract("2025-01", "workforce.csv", &workforce(1.0));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.6));
    build(&fixture);
    let bytes = std::fs::read(fixture.root().join("reports/2025-02/scorecard.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let (scorecard, months, data, strings, styles, names) = (
        part("xl/worksheets/sheet1.xml"),
        part("xl/worksheets/sheet2.xml"),
        part("xl/worksheets/sheet3.xml"),
        part("xl/sharedStrings.xml"),
        part("xl/styles.xml"),
        part("xl/workbook.xml"),
    );
    // Titles and the rating explained, not ids alone.
    for text in ["Agency social worker rate", "Why this rating", "Value as shown", "Value (unrounded)", "95% CI lower"]
    {
        assert!(strings.contains(text), "{text}");
    }
    assert!(strings.contains("Amber: 16.0% is above the 14.0% target but within 3.5 points of it"));
    // 16.0 shown with the indicator's one decimal and its % sign; counts with thousands separators.
    assert!(styles.contains("#,##0.0&quot;%&quot;") && styles.contains("#,##0"), "{styles}");
    // Months are dates shown as months: 2025-02-28 is Excel day 45,716.
    assert!(styles.contains("mmm yyyy") && scorecard.contains("<v>45716</v>"), "{scorecard}");
    for sheet in [&scorecard, &months, &data] {
        assert!(sheet.contains("<autoFilter ref=\"A1:"), "filterable");
        assert!(sheet.contains("ySplit=\"1\""), "header frozen");
        assert!(sheet.contains("paperSize=\"9\"") && sheet.contains("orientation=\"landscape\""), "A4 landscape");
        assert!(sheet.contains("fitToHeight=\"0\""), "one page wide");
        // Every printed page says whose, what and when, and which page of how many.
        assert!(
            sheet.contains("<oddHeader>&amp;L&amp;9Northbridge Borough Council (sample)&amp;C&amp;9&amp;B"),
            "{sheet}"
        );
        assert!(sheet.contains("&amp;R&amp;9February 2025</oddHeader>"), "{sheet}");
        assert!(sheet.contains("<oddFooter>&amp;C&amp;9Page &amp;P of &amp;N</oddFooter>"), "{sheet}");
    }
    // The board's columns print, Theme to Commentary (A:P), the title row
    // on every page; the 13-month sheet repeats its indicator column too.
    assert!(
        names.contains("<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">Scorecard!$A$1:$P$2</definedName>"),
        "{names}"
    );
    assert!(names.contains("'13 months'!$A:$A,'13 months'!$1:$1"), "{names}");
    // The Data sheet opens and prints filtered to the board's 13 months,
    // February 2024 to February 2025: Month >= 29 February 2024, Excel day
    // 45,716 - 365 = 45,351. January 2024, its first row, is hidden; February 2024 is not.
    assert!(data.contains("<customFilter operator=\"greaterThanOrEqual\" val=\"45351\"/>"), "{data}");
    let row = |number: u32| data.split(&format!("<row r=\"{number}\"")).nth(1).unwrap().split('>').next().unwrap();
    assert!(row(2).contains("hidden=\"1\"") && !row(3).contains("hidden"), "{}", row(2));
    // The target is a number (14.0), what it is beside it in words; themes by title.
    assert!(scorecard.contains("<c r=\"F2\" s=\"") && scorecard.contains("<v>14</v>"), "{scorecard}");
    assert!(strings.contains("<t>target</t>") && strings.contains("<t>Workforce</t>"), "{strings}");
    // February's 16.0% is a number shown with its amber letter ("16.0 A"), January's 10.0% green.
    assert!(styles.contains("#,##0.0&quot; A&quot;") && styles.contains("#,##0.0&quot; G&quot;"), "{styles}");
    assert!(months.contains("<v>16</v>") && months.contains("<v>10</v>"), "{months}");
}

/// Fourteen months from January 2024: twelve alternating 20% and 21%
/// (limits about 20.5 ± 2.66, 17.8 to 23.2), then 10% in January 2025 and
/// 11% in February, both below the lower limit: an improving special cause,
/// but February is worse than January as shown (lower is better), so it is
/// not "Improved". Green both months, so not "Needs attention" either.
#[test]
fn an_improving_signal_worse_than_last_month_is_not_listed_as_improved() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    for index in 0..14 {
        let agency = match index {
            12 => 1.0,
            13 => 1.1,
            _ => 2.0 + (index % 2) as f64 * 0.1,
        };
        fixture.extract(&format!("{}-{:02}", 2024 + index / 12, index % 12 + 1), "workforce.csv", &workforce(agency));
    }
    build(&fixture);
    let json: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    let indicator = &json["indicators"][0];
    assert_eq!(indicator["spc"]["latest"], "improving");
    assert_eq!(indicator["vs_previous_month"]["change"], 1.0);
    assert!(json["story"]["improved"].as_array().unwrap().is_empty(), "{}", json["story"]);
    assert!(json["story"]["attention"].as_array().unwrap().is_empty(), "{}", json["story"]);
}

/// Red to amber: the rating improved, and an amber still needs attention:
/// it is in both lists, each by its stated rule. January 20.0% (red, over
/// 17.5%), February 16.0% (amber).
#[test]
fn a_rating_that_improved_to_amber_is_in_both_lists() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    fixture.extract("2025-01", "workforce.csv", &workforce(2.0));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.6));
    build(&fixture);
    let json: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    assert_eq!(json["story"]["attention"][0]["reasons"][0], "amber, was red");
    assert_eq!(json["story"]["improved"][0]["reasons"][0], "amber, was red");
}

/// `[board_pack] pages_for` gives an indicator half a page in the board pack
/// whatever its rating; a series with nothing to draw (here every month
/// suppressed: 2 of 3 workers within the limit, a count of 1 to 5) says so
/// in a line instead of an empty chart. `full_pack = false` leaves
/// full-pack.pdf out; an id that is no indicator is an error at its line.
#[test]
fn the_project_names_indicators_for_the_board_pack_and_a_suppressed_series_is_a_line() {
    let fixture = Fixture::shipped(&["workforce/caseloads-within-limit"]);
    let rows = format!(
        "{HEADER}S1,T,0,1.0,5,01/01/2020,,20,0\nS2,T,0,1.0,5,01/01/2020,,20,0\nS3,T,0,1.0,5,01/01/2020,,30,0\n"
    );
    fixture.extract("2025-02", "workforce.csv", &rows);
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    let named = format!("{project}\n[board_pack]\npages_for = [\"caseloads-within-limit\"]\nfull_pack = false\n");
    fixture.write("scorecard.toml", &named);
    build(&fixture);
    let bundle = fixture.root().join("reports/2025-02");
    assert!(!bundle.join("full-pack.pdf").exists());
    let pack = crate::pdf::Pack::read(&bundle.join("board-pack.pdf"));
    let page = pack.page_with("Every month of this series is suppressed").expect("the line");
    assert!(pack.text(page).contains("Social workers with a caseload within the limit"));
    let wrong = format!("{project}\n[board_pack]\npages_for = [\"caseloads-within-limt\"]\n");
    fixture.write("scorecard.toml", &wrong);
    let output = Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).arg("check").output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let line = project.lines().count() + 3;
    assert!(said.contains("`[board_pack] pages_for` names `caseloads-within-limt`, which is no indicator"), "{said}");
    assert!(said.contains(&format!("scorecard.toml:{line}:")) && said.contains("caseloads-within-limit"), "{said}");
}

/// An owner named in `[owners]` is beside its indicator on the page, in
/// both packs, the workbook, the CSV and the JSON; `check` lists the
/// indicators without one; an id that is no indicator is an error.
#[test]
fn each_indicator_s_owner_is_shown_wherever_it_is() {
    let fixture = Fixture::shipped(&["workforce/agency-rate", "workforce/caseloads-within-limit"]);
    fixture.extract("2025-01", "workforce.csv", &workforce(1.0));
    fixture.extract("2025-02", "workforce.csv", &workforce(1.6));
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{project}\n[owners]\nagency-rate = \"Head of Workforce\"\n"));
    build(&fixture);
    assert!(read(&fixture, "index.html").contains("<p class=\"owner\">Owner: Head of Workforce</p>"));
    let json: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    assert_eq!(json["indicators"][0]["owner"], "Head of Workforce");
    assert!(json["indicators"][1].get("owner").is_none());
    assert!(read(&fixture, "scorecard.csv").contains(",Head of Workforce,"));
    for pack in ["board-pack.pdf", "full-pack.pdf"] {
        let pack = crate::pdf::Pack::read(&fixture.root().join("reports/2025-02").join(pack));
        assert!(pack.page_with("owner: Head of Workforce").is_some());
    }
    let bytes = std::fs::read(fixture.root().join("reports/2025-02/scorecard.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
    assert!(strings.contains("<t>Owner</t>") && strings.contains("<t>Head of Workforce</t>"));
    let check = Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).arg("check").output().unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(said.contains("no owner in `[owners]`: 1 of 2 indicators: caseloads-within-limit"), "{said}");
    fixture.write("scorecard.toml", &format!("{project}\n[owners]\nagency-rat = \"Head of Workforce\"\n"));
    let check = Command::cargo_bin("scorecard").unwrap().current_dir(fixture.root()).arg("check").output().unwrap();
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(
        said.contains("`[owners]` names `agency-rat`, which is no indicator") && said.contains("agency-rate"),
        "{said}"
    );
}

/// An SPC chart is plain by default, as Making Data Count draws them (limits,
/// mean, target line, the RAG rail at the edge), with no pale bands behind
/// the points; `[charts] rag_bands_on_spc = true` puts the bands back.
/// Fourteen months of agency rates give SPC its 12 points.
#[test]
fn spc_charts_are_plain_unless_the_project_asks_for_bands() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let start: scorecard::project::Month = "2024-01".parse().unwrap();
    for index in 0..14 {
        let month = start.plus(index).to_string();
        fixture.extract(&month, "workforce.csv", &workforce(1.0 + (index % 3) as f64 * 0.2));
    }
    let chart = |fixture: &Fixture| {
        std::fs::read_to_string(fixture.root().join("reports/2025-02/charts/agency-rate.svg")).unwrap()
    };
    build(&fixture);
    let plain = chart(&fixture);
    assert!(plain.contains("process limits"), "an SPC chart");
    // The tints (green #E2F2E5, amber #FCE8C4, red #F4D4D4) are gone; the rail's colours stay.
    assert!(!plain.contains("#E2F2E5") && !plain.contains("#F4D4D4"), "bands behind SPC");
    assert!(plain.contains("#1B6E3C") && plain.contains("#B3261E"), "the rail");
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{project}\n[charts]\nrag_bands_on_spc = true\n"));
    let output = Command::cargo_bin("scorecard")
        .unwrap()
        .current_dir(fixture.root())
        .args(["build", "--force"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(chart(&fixture).contains("#E2F2E5"));
}

/// `[forecast] show = true`: 30 months of an agency rate falling half a
/// point a month, 30.0% in September 2022 to 15.5% in February 2025
/// (agency FTE 3.0 to 1.55 of 10), 0.2 points above and below by turns
/// (15.3% in February). The year ends next month, March 2025,
/// against the 14.0% target (lower is better). Forecast on the reported
/// scale (the default), 12 months from March 2025, each month's ranges nested round its
/// point, falling as the series does; the sentence on the page and the
/// chart's legend say so. Off by default: the other tests' bundles have none.
#[test]
fn a_forecast_is_shown_when_the_project_asks() {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let toml = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write("scorecard.toml", &format!("{toml}\n[forecast]\nshow = true\n"));
    let first: scorecard::project::Month = "2022-09".parse().unwrap();
    for step in 0..30 {
        let month = first.plus(step);
        // A little noise (0.2 points either way), so the ranges have width.
        let noise = if step % 2 == 0 { 0.02 } else { -0.02 };
        fixture.extract(&month.to_string(), "workforce.csv", &workforce(3.0 - 0.05 * step as f64 + noise));
    }
    build(&fixture);
    let json: serde_json::Value = serde_json::from_str(&read(&fixture, "scorecard.json")).unwrap();
    let forecast = &json["indicators"][0]["forecast"];
    assert_eq!(forecast["scale"], "original", "{forecast}");
    assert_eq!(forecast["fitted_months"], 30);
    assert_eq!(forecast["year_end"]["period"], "2025-03");
    assert_eq!(forecast["year_end_target"], 14.0);
    let months = forecast["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["period"], "2025-03");
    assert_eq!(months[11]["period"], "2026-02");
    let number = |month: &serde_json::Value, key: &str| month[key].as_f64().unwrap();
    for month in months {
        let limits = ["lower95", "lower80", "point", "upper80", "upper95"].map(|key| number(month, key));
        assert!(limits.windows(2).all(|pair| pair[0] < pair[1]) && limits[0] >= 0.0 && limits[4] <= 100.0, "{month}");
    }
    // Falling from about 15.5%: below it a month on, further below a year on.
    assert!(number(&months[0], "point") < 15.5 && number(&months[11], "point") < number(&months[0], "point"));
    let chance = forecast["chance_of_meeting_target"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&chance));
    let page = read(&fixture, "index.html");
    let shown = |value: f64| format!("{value:.1}%");
    let sentence = format!(
        "On current trend: {} by March 2025 (80% range {} to {}); chance of meeting the 14.0% target:",
        shown(number(&forecast["year_end"], "point")),
        shown(number(&forecast["year_end"], "lower80")),
        shown(number(&forecast["year_end"], "upper80"))
    );
    assert!(page.contains(&sentence), "{sentence}");
    let chart = read(&fixture, "charts/agency-rate.svg");
    assert!(chart.contains("forecast (80%, 95%)"), "the legend names the fan");
}
