//! `scorecard init --preset` projects, built from the sample authority's
//! history written in that source's shape (`scorecard sample --shape`).

use std::path::Path;
use std::process::Command;

fn scorecard(args: &[&str], dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scorecard")).args(args).current_dir(dir).output().expect("runs");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// `init --preset <preset>` and `sample --shape <preset>` into a temp
/// folder, with the sample authority's name, code and population in place of
/// the preset's example.
fn preset_with_sample(preset: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join(preset);
    scorecard(&["init", project.to_str().unwrap(), "--preset", preset], dir.path());
    // `init` may make this month's (empty) folder; the sample's months end in March 2026.
    std::fs::remove_dir_all(project.join("data")).expect("empty data folder");
    scorecard(&["sample", "--shape", preset, "--out", "data"], &project);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = std::fs::read_to_string(repo.join("scorecard.toml")).expect("project");
    let written = std::fs::read_to_string(project.join("scorecard.toml")).expect("preset");
    let header = &ours[..ours.find("[paths]").expect("paths")];
    let rest = &written[written.find("[paths]").expect("paths")..];
    std::fs::write(project.join("scorecard.toml"), format!("{header}{rest}")).expect("written");
    (dir, project)
}

/// The files of a returns preset's month.
const RETURNS_FILES: [&str; 6] = [
    "cin_census.xml",
    "csww.xml",
    "ssda903_header.csv",
    "ssda903_episodes.csv",
    "ssda903_missing.csv",
    "ssda903_oc3.csv",
];

/// Replaces the placeholder authority code `init` writes, as a council must.
fn set_authority_code(project: &Path) {
    let file = project.join("scorecard.toml");
    let text = std::fs::read_to_string(&file).expect("project");
    assert!(text.contains("code = \"E00000000\""), "the placeholder");
    std::fs::write(&file, text.replace("code = \"E00000000\"", "code = \"E08000025\"")).expect("written");
}

/// `scorecard values` of the repository's snapshot sample, its header and
/// the lines of the indicators named in `values`.
fn snapshot_lines_of(ids: &[String]) -> Vec<String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = scorecard(&["values"], repo);
    let mut lines = text.lines();
    let header = lines.next().expect("header").to_string();
    let wanted = lines.filter(|line| ids.iter().any(|id| line.split(',').nth(1) == Some(id.as_str())));
    std::iter::once(header).chain(wanted.map(String::from)).collect()
}

fn ids_in(values: &str) -> Vec<String> {
    let mut ids: Vec<String> =
        values.lines().skip(1).filter_map(|line| line.split(',').nth(1)).map(String::from).collect();
    ids.dedup();
    ids
}

/// Every indicator of every month is the same whether the sample authority's
/// CIN and workforce data come as the repository's CSV snapshots or as the
/// CIN census and workforce census XML the returns preset reads: the
/// definitions coincide (the pack is the same; the returns have no team,
/// which only removes the workforce indicators' team breakdown).
#[test]
fn the_returns_preset_agrees_with_the_snapshot_sample() {
    let (_dir, project) = preset_with_sample("returns");
    assert!(
        project.join("data/2026-03/cin_census.xml").exists()
            && !project.join("data/2026-03/cin_referrals.csv").exists()
    );
    let from_returns = scorecard(&["values"], &project);
    let ids = ids_in(&from_returns);
    assert_eq!(ids.len(), 21);
    let lines: Vec<String> = from_returns.lines().map(String::from).collect();
    assert_eq!(lines.len(), 1 + 21 * 36, "a header and 21 indicators x 36 months");
    assert_eq!(lines, snapshot_lines_of(&ids));
}

/// A looked-after team that holds only the SSDA903 return: the CIN census
/// and workforce census datasets marked `held = false`, their files absent
/// from every month. The 10 indicators reading them are left out (and
/// named by `check`), the 11 others are the snapshot sample's, and every
/// month is complete, so `build` publishes without `--allow-incomplete`.
#[test]
fn a_returns_preset_holding_only_ssda903_is_complete_without_the_census_returns() {
    let (_dir, project) = preset_with_sample("returns");
    let file = project.join("scorecard.toml");
    let mut text = std::fs::read_to_string(&file).expect("project");
    for dataset in ["cin-referrals", "cin-assessments", "cin-section47", "cp-plans", "workforce", "vacancies"] {
        let header = format!("[datasets.{dataset}]\n");
        assert!(text.contains(&header), "{dataset}");
        text = text.replace(&header, &format!("{header}held = false\n"));
    }
    std::fs::write(&file, text).expect("written");
    for month in std::fs::read_dir(project.join("data")).expect("data") {
        let month = month.expect("month").path();
        if !month.is_dir() {
            continue;
        }
        std::fs::remove_file(month.join("cin_census.xml")).expect("census");
        std::fs::remove_file(month.join("csww.xml")).expect("workforce census");
    }
    let checked = scorecard(&["check"], &project);
    assert!(checked.contains("left out: 10 indicators reading datasets marked `held = false`"), "{checked}");
    assert!(
        checked.contains("re-referrals (cin-referrals)") && checked.contains("agency-rate (workforce)"),
        "{checked}"
    );
    assert!(checked.contains("ok: 11 indicators, extracts 2023-04 to 2026-03"), "{checked}");
    let values = scorecard(&["values"], &project);
    let ids = ids_in(&values);
    assert_eq!(ids.len(), 11);
    assert_eq!(values.lines().map(String::from).collect::<Vec<_>>(), snapshot_lines_of(&ids));
    let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .arg("build")
        .current_dir(&project)
        .env("SOURCE_DATE_EPOCH", "1774915200")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(project.join("reports/2026-03/index.html").exists());
}

/// The Annex A pack's 11 indicators agree month by month with the snapshot
/// sample's: six read the lists with the shipped definitions unchanged;
/// re-referrals and 3+ placements read the lists' 12-month counts (which
/// the shape writer counts by the shipped definitions' rules), CP rate
/// counts plans by their start date (no plan id), and EET reads the code
/// before Annex A's words. Annex A has no workforce list, no missing
/// episodes by date and no placement history: those 6 indicators are not in
/// the pack.
#[test]
fn the_annex_a_preset_agrees_with_the_snapshot_sample() {
    let (_dir, project) = preset_with_sample("annex-a");
    assert!(project.join("data/Annex_A_2026_Mar.xlsx").exists() && !project.join("data/2026-03").exists());
    // The count-based re-referrals is written beside the pack, said in the README, and not read.
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert!(readme.contains("- `options/`: other ways to count an indicator"), "{readme}");
    assert!(project.join("options/re-referrals-from-supplier-count.toml").exists());
    let from_workbooks = scorecard(&["values"], &project);
    let ids = ids_in(&from_workbooks);
    assert_eq!(ids.len(), 11, "{ids:?}");
    let lines: Vec<String> = from_workbooks.lines().map(String::from).collect();
    assert_eq!(lines.len(), 1 + 11 * 36);
    assert_eq!(lines, snapshot_lines_of(&ids));
}

/// Both real-format Annex A workbooks (they drift from each other: List 9
/// lost four columns) load through the preset: every list found by its
/// headers, every date read, every suitability answer mapped to a code.
#[test]
fn the_real_annex_a_workbooks_load_through_the_preset() {
    let Some(shared) = crate::helpers::shared_data("annex-a") else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("annex-a");
    scorecard(&["init", project.to_str().unwrap(), "--preset", "annex-a"], dir.path());
    set_authority_code(&project);
    std::fs::copy(shared.join("Annex_A_2024_Jan.xlsx"), project.join("data/Annex_A_2024_Jan.xlsx")).expect("copy");
    std::fs::copy(shared.join("Annex_A_liia-tools.xlsx"), project.join("data/Annex_A_2024_Feb.xlsx")).expect("copy");
    let output =
        Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(&project).output().expect("runs");
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{said}");
    assert!(said.contains("extracts 2024-01 to 2024-02"), "{said}");
    assert!(!said.contains("code list"), "{said}");
    // The LIIA sample's dates are from 2021: filed as February 2024, the
    // workbook is named, by its own name, as an old extract.
    let old = "warning 2024-02: Annex_A_2024_Feb.xlsx's latest date is 8 February 2021, 1116 days before the end of February 2024";
    assert!(said.contains(old), "{said}");
}

/// `scorecard values` lines as (indicator, month) -> (value, numerator, denominator).
fn by_month(values: &str) -> std::collections::BTreeMap<(String, String), [String; 3]> {
    values
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            ((cells[1].to_string(), cells[2].to_string()), [cells[3], cells[4], cells[5]].map(String::from))
        })
        .collect()
}

/// The SSD pack, from one current extract per table evaluated as at each
/// month end, against the snapshot sample:
/// - 11 indicators agree in every month: their definitions compare dated
///   records with the month end, and the extract holds every record any
///   snapshot held (caseloads: involvements open at each month end);
/// - care leavers' indicators agree in the extract's own month only: SSD
///   holds today's activity and accommodation, shown in every month;
/// - caseloads within the limit: same workers, never fewer within it (SSD
///   does not say who is in their first year, so 25 applies to all);
/// - second or subsequent CP plans: same plans, never more "second" (SSD
///   has no count of previous plans: only plans in the extract are seen).
#[test]
fn the_ssd_preset_agrees_with_the_snapshot_sample_where_the_definitions_coincide() {
    let (_dir, project) = preset_with_sample("ssd");
    assert!(project.join("data/ssd_involvements.csv").exists() && !project.join("data/2026-03").exists());
    let ssd = by_month(&scorecard(&["values"], &project));
    let snapshots = by_month(&scorecard(&["values"], Path::new(env!("CARGO_MANIFEST_DIR"))));
    let ids: std::collections::BTreeSet<&str> = ssd.keys().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 15, "{ids:?}");
    let number = |text: &str| text.parse::<f64>().unwrap_or(f64::NAN);
    for ((id, month), [value, numerator, denominator]) in &ssd {
        let [their_value, their_numerator, their_denominator] = &snapshots[&(id.clone(), month.clone())];
        match id.as_str() {
            id if id.starts_with("care-leavers") => {
                if month == "2026-03" {
                    assert_eq!(value, their_value, "{id} {month}");
                }
            }
            "caseloads-within-limit" | "cp-plans-second-or-subsequent" => {
                assert_eq!(denominator, their_denominator, "{id} {month}");
                let more = if id == "caseloads-within-limit" { 1.0 } else { -1.0 };
                assert!(more * (number(numerator) - number(their_numerator)) >= 0.0, "{id} {month}");
            }
            _ => assert_eq!(
                [value, numerator, denominator],
                [their_value, their_numerator, their_denominator],
                "{id} {month}"
            ),
        }
    }
    assert_eq!(ssd.len(), 15 * 36);
}

/// The real-format returns load through the returns preset: DfE's CIN
/// census sample and the workforce census sample each month, with the
/// SSDA903 tables of three sources (the 903 validator's fake tables, the
/// LIIA pipeline's 2020 tables with an extra column, the demand model's 2017
/// to 2021 tables); `check` reads every table and computes all 21 indicators
/// (the CIN census writes its yes/no elements `true`/`false`).
#[test]
fn the_real_returns_load_through_the_preset() {
    let Some(shared) = crate::helpers::shared_data("") else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("returns");
    scorecard(&["init", project.to_str().unwrap(), "--preset", "returns"], dir.path());
    set_authority_code(&project);
    std::fs::remove_dir_all(project.join("data")).expect("empty data folder");
    // Month, then where each SSDA903 table comes from (episodes, header, missing, oc3).
    let sources = [
        (
            "2022-01",
            [
                "ssda903-fake/episodes.csv",
                "ssda903-fake/header.csv",
                "ssda903-fake/missing.csv",
                "ssda903-fake/oc3.csv",
            ],
        ),
        (
            "2022-02",
            [
                "ssda903-liia/SSDA903_2020_episodes.csv",
                "ssda903-liia/SSDA903_2020_header.csv",
                "ssda903-fake/missing.csv",
                "ssda903-fake/oc3.csv",
            ],
        ),
        (
            "2022-03",
            [
                "ssda903-demand-model/2021-episodes.csv",
                "ssda903-demand-model/2021-header.csv",
                "ssda903-demand-model/2021-missing.csv",
                "ssda903-demand-model/2021-oc3.csv",
            ],
        ),
    ];
    for (month, tables) in sources {
        let folder = project.join("data").join(month);
        std::fs::create_dir_all(&folder).expect("month folder");
        let copy = |from: &str, to: &str| std::fs::copy(shared.join(from), folder.join(to)).expect("copied");
        copy("cin-census/BAR_cin_2022.xml", "cin_census.xml");
        copy("csww/social_work_workforce_2022.xml", "csww.xml");
        for (from, table) in tables.iter().zip(["episodes", "header", "missing", "oc3"]) {
            copy(from, &format!("ssda903_{table}.csv"));
        }
    }
    let checked = scorecard(&["check"], &project);
    assert!(checked.contains("ok: 21 indicators, extracts 2022-01 to 2022-03"), "{checked}");
}

/// A consortium in a preset's shape: `sample --authorities 2 --shape ssd`
/// writes each member's SSD tables (no month folders), and the preset's
/// project reads them as a consortium, every member evaluated at every month
/// end of its history extracts.
#[test]
fn a_consortium_can_be_generated_in_a_presets_shape() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("ssd");
    scorecard(&["init", project.to_str().unwrap(), "--preset", "ssd"], dir.path());
    set_authority_code(&project);
    std::fs::remove_dir_all(project.join("data")).expect("empty data folder");
    let said = scorecard(&["sample", "--authorities", "2", "--shape", "ssd", "--out", "data"], &project);
    // 9 SSD tables and the adoption register for each of the 2 members.
    assert!(said.starts_with("wrote 20 extracts for 2 authorities"), "{said}");
    for member in ["E06900001", "E06900002"] {
        let files: Vec<String> = std::fs::read_dir(project.join("data").join(member))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files.len(), 10, "{files:?}");
        assert!(files.iter().all(|name| name.ends_with(".csv")), "no month folders: {files:?}");
    }
    let values = scorecard(&["values"], &project);
    let indicators: std::collections::BTreeSet<String> = ids_in(&values).into_iter().collect();
    let indicators = indicators.len();
    assert_eq!(indicators, 15, "the SSD preset's indicators");
    // Every member, every indicator, 36 month ends (April 2023 to March 2026).
    for member in ["E06900001", "E06900002"] {
        let rows = values.lines().filter(|line| line.starts_with(&format!("{member},"))).count();
        assert_eq!(rows, indicators * 36, "{member}");
    }
}

/// A fresh returns preset with its empty month folder (issue 31: `check`
/// panicked at `row_sort.rs`, a LAG over an empty CIN table; the
/// incomplete-month list named cin_census.xml once per table it holds).
/// `check` reports, and `build` refuses with exit 7, naming each missing
/// file once: the CIN census, the workforce census and the SSDA903 files.
#[test]
fn a_fresh_returns_preset_names_each_missing_file_once_and_never_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("returns");
    let said = scorecard(&["init", project.to_str().unwrap(), "--preset", "returns"], dir.path());
    // It says how many files it made (counted here on disk) and names every
    // file the month needs.
    let mut made = 0;
    let mut pending = vec![project.clone()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap().map(Result::unwrap) {
            match entry.path().is_dir() {
                true => pending.push(entry.path()),
                false => made += 1,
            }
        }
    }
    assert!(said.starts_with(&format!("created {made} files in ")), "{made} files on disk: {said}");
    for file in RETURNS_FILES {
        assert!(said.contains(file), "{file} not named: {said}");
    }
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_scorecard")).args(args).current_dir(&project).output().unwrap()
    };
    let readme = std::fs::read_to_string(project.join("README.md")).expect("README");
    assert!(!readme.contains("options/"), "the returns preset has no options: {readme}");
    for file in RETURNS_FILES {
        assert!(readme.contains(&format!("- `data/YYYY-MM/{file}`: in each month's folder")), "{file}: {readme}");
    }
    set_authority_code(&project);
    // `check` stops as `build` would, with its exit code.
    let check = run(&["check"]);
    assert_eq!(check.status.code(), Some(7), "{}", String::from_utf8_lossy(&check.stderr));
    let build = run(&["build"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(7), "{stderr}");
    let line = stderr.lines().find(|line| line.contains(": no ")).unwrap_or_else(|| panic!("{stderr}"));
    let files: Vec<&str> = line.split(": no ").nth(1).unwrap().split(", ").collect();
    let mut unique = files.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(files.len(), unique.len(), "a file named twice: {line}");
    assert!(files.contains(&"cin_census.xml") && files.contains(&"csww.xml"), "{line}");
    let values = run(&["values"]);
    assert!(values.status.success(), "{}", String::from_utf8_lossy(&values.stderr));
}

/// Every preset, in each broken state a new user meets, through `check`,
/// `values` and `build`: never a panic (101) or an abort, always an exit
/// code from the README's table, and, when it fails, a message naming the
/// file it expected. The good state is the sample authority's last month
/// (March 2026) in the preset's shape.
#[test]
fn every_preset_in_every_broken_state_fails_clearly_and_never_panics() {
    let documented = [0, 2, 3, 4, 5, 6, 7];
    for preset in ["returns", "annex-a", "ssd"] {
        let (_dir, project) = preset_with_sample(preset);
        keep_the_last_month(&project);
        for state in ["empty", "misnamed", "partial", "wrong file"] {
            let copy = tempfile::tempdir().expect("temp dir");
            copy_tree(&project, copy.path());
            let expected = break_it(preset, state, &copy.path().join("data"));
            for command in ["check", "values", "build"] {
                let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
                    .arg(command)
                    .current_dir(copy.path())
                    .env("SOURCE_DATE_EPOCH", "1775001600")
                    .output()
                    .expect("runs");
                let code = output.status.code().unwrap_or(-1);
                let said =
                    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
                let case = format!("{preset}, {state}, {command}: exit {code}");
                assert!(documented.contains(&code), "{case}\n{said}");
                assert!(code == 0 || said.contains(expected), "{case}: `{expected}` not named\n{said}");
            }
        }
    }
}

/// The sample's months but March 2026 removed: one month's files.
fn keep_the_last_month(project: &Path) {
    for entry in std::fs::read_dir(project.join("data")).expect("data").map(Result::unwrap) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let month_folder = entry.path().is_dir() && name != "2026-03";
        let other_workbook = name.starts_with("Annex_A_") && name != "Annex_A_2026_Mar.xlsx";
        if month_folder {
            std::fs::remove_dir_all(entry.path()).expect("removed");
        } else if other_workbook {
            std::fs::remove_file(entry.path()).expect("removed");
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("readable").map(Result::unwrap) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copied");
        }
    }
}

/// Breaks a copy of the good state's data folder; returns the file name a
/// failure must mention.
fn break_it(preset: &str, state: &str, data: &Path) -> &'static str {
    let (folder, expected, partner) = match preset {
        "returns" => (data.join("2026-03"), "cin_census.xml", "csww.xml"),
        "annex-a" => (data.to_path_buf(), "Annex_A_2026_Mar.xlsx", "Annex_A_2026_Mar.xlsx"),
        _ => (data.to_path_buf(), "ssd_cla_episodes.csv", "ssd_person.csv"),
    };
    let file = folder.join(expected);
    match state {
        "empty" => {
            for entry in std::fs::read_dir(&folder).expect("folder").map(Result::unwrap) {
                if entry.path().is_file() {
                    std::fs::remove_file(entry.path()).expect("removed");
                }
            }
        }
        "misnamed" => std::fs::rename(&file, folder.join(format!("Copy of {expected}"))).expect("renamed"),
        "partial" => {
            let bytes = std::fs::read(&file).expect("read");
            std::fs::write(&file, &bytes[..bytes.len() / 2]).expect("cut");
        }
        _ => {
            let other = match preset {
                "annex-a" => b"Child Unique ID,Date of Birth\nC1,01/01/2010\n".to_vec(),
                _ => std::fs::read(folder.join(partner)).expect("partner"),
            };
            std::fs::write(&file, other).expect("swapped");
        }
    }
    match (preset, state) {
        ("annex-a", "empty" | "misnamed") => "Annex_A_{YYYY}_{Mon}.xlsx",
        _ => expected,
    }
}

/// The Annex A preset's re-referrals, on one List 3 filed as June 2024:
/// - A: 03/01/2024 (the case system's count 1) and 03/06/2024 (count 2): a
///   re-referral both ways;
/// - B: 03/06/2024, count 3 (two earlier referrals the list does not hold);
/// - C: 03/06/2024, count 1.
///
/// From the dates (the default): A's second, 1 of the 4 referrals in the 12
/// months = 25%. From the case system's count (the option file): A's second
/// and B, 2 of 4 = 50%; the check finds 1 record (B) counted by the case
/// system with no earlier referral in the list. With every count left at 0,
/// the dates still give 25%, and the count option is not calculable (a
/// referral counts itself, so 0 is no count), not 0% rated green.
#[test]
fn annex_a_re_referrals_come_from_the_dates_with_the_supplier_count_as_an_option() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let preset = std::fs::read_to_string(repo.join("templates/presets/annex-a/scorecard.toml")).unwrap();
    let start = preset.find("[datasets.cin-referrals]").unwrap();
    let end = start + preset[start..].find("\n\n").unwrap();
    let project = format!(
        "[authority]\nname = \"A\"\ncode = \"E08000025\"\n[paths]\ndata = \"data\"\nindicators = [\"indicators\"]\noutput = \"reports\"\n{}\n",
        &preset[start..end]
    );
    let values_with = |definition: &str, counts: [f64; 4]| -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scorecard.toml"), &project).unwrap();
        std::fs::create_dir_all(dir.path().join("indicators/children-in-need")).unwrap();
        let definition = repo.join("templates/presets/annex-a").join(definition);
        std::fs::copy(definition, dir.path().join("indicators/children-in-need/re-referrals.toml")).unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("List 3").unwrap();
        let header = ["Child Unique ID", "Date of Referral", "Referral NFA?", "Number of Referrals in Last 12 Months"];
        for (column, text) in header.iter().enumerate() {
            sheet.write_string(0, column as u16, *text).unwrap();
        }
        let referrals = [("A", "03/01/2024"), ("A", "03/06/2024"), ("B", "03/06/2024"), ("C", "03/06/2024")];
        for (row, ((child, date), count)) in referrals.iter().zip(counts).enumerate() {
            let row = row as u32 + 1;
            sheet.write_string(row, 0, *child).unwrap();
            sheet.write_string(row, 1, *date).unwrap();
            sheet.write_string(row, 2, "No").unwrap();
            sheet.write_number(row, 3, count).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        book.save(dir.path().join("data/Annex_A_2024_Jun.xlsx")).unwrap();
        let check =
            Command::new(env!("CARGO_BIN_EXE_scorecard")).arg("check").current_dir(dir.path()).output().unwrap();
        let checked = String::from_utf8_lossy(&check.stdout).into_owned();
        scorecard(&["values"], dir.path()) + &checked
    };
    let dates = "indicators/children-in-need/re-referrals.toml";
    let option = "options/re-referrals-from-supplier-count.toml";
    let counted = values_with(dates, [1.0, 2.0, 3.0, 1.0]);
    assert!(counted.contains(",re-referrals,2024-06,25,1,4,"), "{counted}");
    assert!(counted.contains("with no earlier referral in the list within 12 months`: 1 record"), "{counted}");
    let counted = values_with(option, [1.0, 2.0, 3.0, 1.0]);
    assert!(counted.contains(",re-referrals,2024-06,50,2,4,"), "{counted}");
    let zeros = values_with(dates, [0.0; 4]);
    assert!(zeros.contains(",re-referrals,2024-06,25,1,4,"), "{zeros}");
    assert!(zeros.contains("below 1 (the referral itself counts)`: 4 records failing"), "{zeros}");
    let zeros = values_with(option, [0.0; 4]);
    assert!(zeros.contains(",re-referrals,2024-06,,,,the denominator is zero"), "{zeros}");
}
