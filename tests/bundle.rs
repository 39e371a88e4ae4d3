//! The published bundle: charts, page, workbook, manifest and zip.

use crate::helpers::Fixture;
use scorecard::input::sha256;
use scorecard::publish::Manifest;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const WORKFORCE_HEADER: &str = "SWENo,Team,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,Cases30,CFKSSstatus\n";

fn build(fixture: &Fixture, epoch: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .arg("build")
        .current_dir(fixture.root())
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap()
}

/// A workforce fixture with a hostile team name and indicator title.
fn hostile_fixture() -> Fixture {
    let fixture = Fixture::shipped(&["workforce/agency-rate"]);
    let definition = std::fs::read_to_string(fixture.root().join("indicators/workforce/agency-rate.toml")).unwrap();
    let definition = definition
        .replace("title = \"Agency social worker rate\"", "title = \"Agency <script>alert('title')</script> rate\"");
    fixture.write("indicators/workforce/agency-rate.toml", &definition);
    let rows = "S1,<script>alert('team')</script>,1,1.0,5,01/01/2020,,10,0\nS2,=HYPERLINK(\"http://x\"),0,3.0,5,01/01/2020,,10,0\n";
    fixture.extract("2025-03", "workforce.csv", &format!("{WORKFORCE_HEADER}{rows}"));
    fixture.extract("2025-04", "workforce.csv", &format!("{WORKFORCE_HEADER}{rows}"));
    fixture.write("commentary/2025-04.toml", "agency-rate = \"Two <b>new</b> starters & one leaver.\"\n");
    fixture
}

/// Script tags and both kinds of quote in every text field a user writes:
/// authority name, title, description, plan reference, theme, benchmark
/// label, team name (an extract value) and commentary.
#[test]
fn every_text_field_is_escaped_in_the_page() {
    let fixture = hostile_fixture();
    let evil = r#"<script>alert("x")</script>'"#;
    let project = std::fs::read_to_string(fixture.root().join("scorecard.toml")).unwrap();
    fixture.write(
        "scorecard.toml",
        &project.replace("name = \"Northbridge Borough Council (sample)\"", &format!("name = '''{evil}'''")),
    );
    let definition = std::fs::read_to_string(fixture.root().join("indicators/workforce/agency-rate.toml")).unwrap();
    // Replace the multi-line description as a whole.
    let start = definition.find("description = \"\"\"").unwrap();
    let end = start + 18 + definition[start + 18..].find("\"\"\"").unwrap() + 3;
    let definition = format!("{}description = '''{evil}'''{}", &definition[..start], &definition[end..])
        .replace("plan_ref = \"9.1\"", &format!("plan_ref = '''{evil}'''\ntheme = '''{evil}'''"))
        .replace("label = \"England 2025\"", &format!("label = '''{evil}'''"));
    fixture.write("indicators/workforce/agency-rate.toml", &definition);
    fixture.write("commentary/2025-04.toml", &format!("agency-rate = '''{evil}'''\n"));
    let output = build(&fixture, "1767225600");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for file in ["reports/2025-04/index.html", "reports/index.html", "reports/2025-04/charts/agency-rate.svg"] {
        let text = std::fs::read_to_string(fixture.root().join(file)).unwrap();
        assert!(!text.contains("<script"), "{file} has a raw script tag");
        assert!(!text.contains(r#"alert("x")"#), "{file} has a raw double quote from user text");
    }
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-04/index.html")).unwrap();
    assert!(page.matches("&lt;script&gt;").count() >= 6, "every field appears, escaped");
}

#[test]
fn scripts_in_titles_and_team_names_come_out_escaped() {
    let fixture = hostile_fixture();
    let output = build(&fixture, "1767225600");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let page = std::fs::read_to_string(fixture.root().join("reports/2025-04/index.html")).unwrap();
    assert!(!page.contains("<script"), "unescaped script in page");
    assert!(
        page.contains("Agency &lt;script&gt;alert(&#x27;title&#x27;)&lt;&#x2f;script&gt; rate"),
        "title not escaped as expected"
    );
    assert!(page.contains("&lt;script&gt;alert(&#x27;team&#x27;)"), "team name not escaped");
    assert!(page.contains("Two &lt;b&gt;new&lt;&#x2f;b&gt; starters &amp; one leaver."), "commentary not escaped");
    let series = std::fs::read_to_string(fixture.root().join("reports/2025-04/series.csv")).unwrap();
    assert!(series.contains("'=HYPERLINK"), "formula not neutralised in CSV");
    let svg = std::fs::read_to_string(fixture.root().join("reports/2025-04/charts/agency-rate.svg")).unwrap();
    assert!(!svg.contains("<script"), "unescaped script in chart");
}

#[test]
fn manifest_hashes_verify_and_the_zip_lists_the_same_files() {
    let fixture = hostile_fixture();
    assert!(build(&fixture, "1767225600").status.success());
    let bundle = fixture.root().join("reports/2025-04");
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    for file in &manifest.files {
        let bytes = std::fs::read(bundle.join(&file.path)).unwrap();
        assert_eq!(sha256(&bytes), file.sha256, "{}", file.path);
        assert_eq!(bytes.len() as u64, file.bytes, "{}", file.path);
    }
    // Every input extract is listed with its hash.
    let extract = fixture.root().join("sample-data/2025-04/workforce.csv");
    let input =
        manifest.inputs.iter().find(|input| input.path == "sample-data/2025-04/workforce.csv").expect("input listed");
    assert_eq!(input.sha256, sha256(&std::fs::read(extract).unwrap()));
    // The zip holds exactly the manifest's files plus the manifest.
    let zip = std::fs::File::open(fixture.root().join("reports/2025-04.zip")).unwrap();
    let archive = zip::ZipArchive::new(zip).unwrap();
    let zipped: BTreeSet<String> = archive.file_names().map(|name| name.unwrap().into_owned()).collect();
    let mut listed: BTreeSet<String> = manifest.files.iter().map(|file| file.path.clone()).collect();
    listed.insert("manifest.json".into());
    assert_eq!(zipped, listed);
    for expected in [
        "index.html",
        "scorecard.csv",
        "scorecard.json",
        "scorecard.xlsx",
        "series.csv",
        "charts/agency-rate.png",
        "charts/agency-rate.svg",
    ] {
        assert!(listed.contains(expected), "{expected} missing");
    }
    // The archive page links the month with its counts.
    let archive_page = std::fs::read_to_string(fixture.root().join("reports/index.html")).unwrap();
    assert!(archive_page.contains("href=\"2025-04/index.html\""));
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn two_builds_of_the_same_inputs_are_byte_identical() {
    let fixture = hostile_fixture();
    assert!(build(&fixture, "1767225600").status.success());
    let first = files_under(&fixture.root().join("reports"));
    std::fs::remove_dir_all(fixture.root().join("reports")).unwrap();
    assert!(build(&fixture, "1767225600").status.success());
    let second = files_under(&fixture.root().join("reports"));
    assert_eq!(first.len(), second.len());
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{name} differs between builds");
    }
}

#[test]
fn commentary_reaches_page_and_workbook_and_publish_copies_the_bundle() {
    let fixture = hostile_fixture();
    assert!(build(&fixture, "1767225600").status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("reports/2025-04/scorecard.json")).unwrap()).unwrap();
    assert_eq!(json["indicators"][0]["commentary"], "Two <b>new</b> starters & one leaver.");
    let destination = fixture.root().join("published");
    let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["publish", "--month", "2025-04", "--to"])
        .arg(&destination)
        .current_dir(fixture.root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(files_under(&destination.join("2025-04")), files_under(&fixture.root().join("reports/2025-04")));
    assert!(destination.join("2025-04.zip").exists());
    // Nothing half-copied is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&destination)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn unknown_indicator_in_commentary_is_an_error_with_its_line() {
    let fixture = hostile_fixture();
    fixture.write("commentary/2025-04.toml", "agency-rate = \"fine\"\nagency-rat = \"typo\"\n");
    let output = build(&fixture, "1767225600");
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("commentary/2025-04.toml:2:1"), "{stderr}");
    assert!(stderr.contains("did you mean `agency-rate`?"), "{stderr}");
}
