//! The sample's history in the shape of Data to Insight's Standard
//! Safeguarding Dataset: one current extract per `ssd_*` table, taken at the
//! end of the last month, holding every record any month-end snapshot held
//! (its latest version), with SSD's column names. Caseloads become
//! `ssd_involvements`: open involvements per worker at each month end equal
//! the snapshot's caseload (children's ids are made up: a caseload is a count).

use super::csv_table::CsvTable;
use super::failure::SampleError;
use super::simulation::write_csv;
use crate::project::Month;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// Each SSD table: the snapshot file it is made from, the columns that
/// identify a record across snapshots, and each SSD column with the
/// snapshot column it holds.
struct TableShape {
    ssd: &'static str,
    from: &'static str,
    key: &'static [&'static str],
    columns: &'static [(&'static str, &'static str)],
}

const TABLES: [TableShape; 8] = [
    TableShape {
        ssd: "ssd_person.csv",
        from: "ssda903_header.csv",
        key: &["CHILD"],
        columns: &[("pers_person_id", "CHILD"), ("pers_dob", "DOB")],
    },
    TableShape {
        ssd: "ssd_cin_episodes.csv",
        from: "cin_referrals.csv",
        key: &["CINdetailsID"],
        columns: &[
            ("cine_referral_id", "CINdetailsID"),
            ("cine_person_id", "LAchildID"),
            ("cine_referral_date", "CINreferralDate"),
            ("cine_cin_primary_need_code", "PrimaryNeedCode"),
            ("cine_referral_source_code", "ReferralSource"),
            ("cine_referral_nfa", "ReferralNFA"),
            ("cine_close_reason", "ReasonForClosure"),
            ("cine_close_date", "CINclosureDate"),
        ],
    },
    TableShape {
        ssd: "ssd_cin_assessments.csv",
        from: "cin_assessments.csv",
        key: &["AssessmentID"],
        columns: &[
            ("cina_assessment_id", "AssessmentID"),
            ("cina_person_id", "LAchildID"),
            ("cina_referral_id", "CINdetailsID"),
            ("cina_assessment_start_date", "AssessmentActualStartDate"),
            ("cina_assessment_auth_date", "AssessmentAuthorisationDate"),
        ],
    },
    TableShape {
        ssd: "ssd_cp_plans.csv",
        from: "cin_cp_plans.csv",
        key: &["CPPID"],
        columns: &[
            ("cppl_cp_plan_id", "CPPID"),
            ("cppl_referral_id", "CINdetailsID"),
            ("cppl_person_id", "LAchildID"),
            ("cppl_cp_plan_start_date", "CPPstartDate"),
            ("cppl_cp_plan_end_date", "CPPendDate"),
            ("cppl_cp_plan_initial_category", "InitialCategoryOfAbuse"),
            ("cppl_cp_plan_latest_category", "LatestCategoryOfAbuse"),
        ],
    },
    TableShape {
        ssd: "ssd_cla_episodes.csv",
        from: "ssda903_episodes.csv",
        key: &["CHILD", "DECOM"],
        columns: &[
            ("clae_person_id", "CHILD"),
            ("clae_cla_episode_start_date", "DECOM"),
            ("clae_cla_episode_start_reason", "RNE"),
            ("clae_cla_episode_ceased_date", "DEC"),
            ("clae_cla_episode_ceased_reason", "REC"),
        ],
    },
    TableShape {
        ssd: "ssd_missing.csv",
        from: "ssda903_missing.csv",
        key: &["CHILD", "MIS_START"],
        columns: &[
            ("miss_person_id", "CHILD"),
            ("miss_missing_episode_start_date", "MIS_START"),
            ("miss_missing_episode_type", "MISSING"),
            ("miss_missing_episode_end_date", "MIS_END"),
        ],
    },
    TableShape {
        ssd: "ssd_care_leavers.csv",
        from: "ssda903_oc3.csv",
        key: &["CHILD"],
        columns: &[
            ("clea_person_id", "CHILD"),
            ("clea_care_leaver_in_touch", "IN_TOUCH"),
            ("clea_care_leaver_accommodation", "ACCOM"),
            ("clea_care_leaver_activity", "ACTIV"),
        ],
    },
    TableShape {
        ssd: "ssd_professionals.csv",
        from: "workforce.csv",
        key: &["SWENo"],
        columns: &[
            ("prof_professional_id", "SWENo"),
            ("prof_professional_department", "Team"),
            ("prof_agency_worker_flag", "AgencyWorker"),
            ("prof_full_time_equivalency", "FTE"),
            ("prof_professional_job_title", "OrgRole"),
        ],
    },
];

/// Replace the month folders `first..=last` under `out` with the SSD tables.
pub(crate) fn write(out: &Path, first: Month, last: Month) -> Result<usize, SampleError> {
    let months: Vec<Month> = first.through(last).collect();
    for table in &TABLES {
        let mut latest: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        // Every person is in `ssd_person`: care leavers too, whose dates of birth the leavers' table holds.
        let sources: &[&str] =
            if table.ssd == "ssd_person.csv" { &["ssda903_oc3.csv", table.from] } else { &[table.from] };
        for (month, from) in months.iter().flat_map(|month| sources.iter().map(move |from| (month, from))) {
            let csv = CsvTable::read(&out.join(month.to_string()).join(from))?;
            for row in &csv.rows {
                let key = table.key.iter().map(|column| csv.text(row, column)).collect();
                latest.insert(key, table.columns.iter().map(|(_, column)| iso(&csv, row, column)).collect());
            }
        }
        let header: Vec<&str> = table.columns.iter().map(|(ssd, _)| *ssd).collect();
        write_csv(&out.join(table.ssd), &header, &latest.into_values().collect::<Vec<_>>())?;
    }
    write_involvements(out, &months)?;
    for month in &months {
        let dir = out.join(month.to_string());
        std::fs::remove_dir_all(&dir).map_err(SampleError::io(&dir))?;
    }
    Ok(TABLES.len() + 1)
}

/// SSD dates are `YYYY-MM-DD`, whatever the snapshot wrote; a job title
/// says what the workforce census codes (5: a case holder).
fn iso(csv: &CsvTable, row: &[String], column: &str) -> String {
    let text = csv.text(row, column);
    if column == "OrgRole" {
        let title = if text == "5" { "Social worker (case holder)" } else { "Manager" };
        return title.to_string();
    }
    match NaiveDate::parse_from_str(&text, "%d/%m/%Y") {
        Ok(date) if text.len() == 10 => date.format("%Y-%m-%d").to_string(),
        _ => text,
    }
}

/// Involvements that reproduce each worker's month-end caseload: in each
/// month, new ones start on the 10th when the caseload rises, and the oldest
/// end on the 15th when it falls.
fn write_involvements(out: &Path, months: &[Month]) -> Result<(), SampleError> {
    let mut open: BTreeMap<String, Vec<(usize, NaiveDate)>> = BTreeMap::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut next = 0usize;
    for month in months {
        let csv = CsvTable::read(&out.join(month.to_string()).join("workforce.csv"))?;
        let mut caseloads: BTreeMap<String, usize> = open.keys().map(|worker| (worker.clone(), 0)).collect();
        for row in &csv.rows {
            caseloads.insert(csv.text(row, "SWENo"), csv.text(row, "Cases30").parse().unwrap_or(0));
        }
        let day = |day: u32| NaiveDate::from_ymd_opt(month.year, month.month, day).expect("a day of the month");
        for (worker, cases) in caseloads {
            let held = open.entry(worker.clone()).or_default();
            while held.len() < cases {
                held.push((next, day(10)));
                next += 1;
            }
            while held.len() > cases {
                let (id, start) = held.remove(0);
                rows.push(involvement(id, &worker, start, Some(day(15))));
            }
        }
    }
    for (worker, held) in open {
        rows.extend(held.into_iter().map(|(id, start)| involvement(id, &worker, start, None)));
    }
    rows.sort_by_key(|row| row[0].clone());
    let header = [
        "invo_involvements_id",
        "invo_professional_id",
        "invo_person_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
    ];
    write_csv(&out.join("ssd_involvements.csv"), &header, &rows)
}

fn involvement(id: usize, worker: &str, start: NaiveDate, end: Option<NaiveDate>) -> Vec<String> {
    vec![
        format!("INV{id:07}"),
        worker.to_string(),
        format!("P{id:07}"),
        start.format("%Y-%m-%d").to_string(),
        end.map(|end| end.format("%Y-%m-%d").to_string()).unwrap_or_default(),
    ]
}
