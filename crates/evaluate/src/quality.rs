//! Data-quality checks from the project file, counted per member and month.
//! Findings never stop a build: the indicators' numbers do not depend on them.

use super::extracts::Data;
use super::loaded::Loaded;
use super::plan::CheckPlan;
use super::run::{count_failures, Snapshot};
use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::project::Month;
use std::collections::BTreeMap;

/// One data-quality check's result for a month.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Finding {
    /// The dataset checked.
    pub dataset: String,
    /// The check's name, as the project file gives it.
    pub check: String,
    /// Records failing the check (0 when the extract is clean).
    pub records: u64,
}

/// Every check's failing-record counts for every member and month, worked
/// out once per build.
#[derive(Default)]
pub struct DataQuality(Vec<(CheckPlan, BTreeMap<Snapshot, u64>)>);

/// Run every check on a dataset that was read. Findings never stop a
/// build: the indicators' numbers do not depend on them.
pub fn data_quality(loaded: &Loaded, data: &Data) -> Result<DataQuality, Error> {
    let mut counted = Vec::new();
    for check in &loaded.checks {
        let Some((stacked, _)) = data.datasets.get(&check.dataset) else { continue };
        let counts = count_failures(check, stacked).map_err(|message| {
            Error::Data(
                Diagnostic::file(&loaded.project.source.path, format!("check `{}`: {message}", check.name)).into(),
            )
        })?;
        counted.push((check.clone(), counts));
    }
    Ok(DataQuality(counted))
}

impl DataQuality {
    /// Another group of members' counts, its members numbered from `offset`.
    pub(super) fn absorb(&mut self, other: DataQuality, offset: usize) {
        for (check, counts) in other.0 {
            let moved = counts.into_iter().map(|((member, month), count)| ((member + offset, month), count));
            match self.0.iter_mut().find(|(held, _)| held.name == check.name && held.dataset == check.dataset) {
                Some((_, held)) => held.extend(moved),
                None => self.0.push((check, moved.collect())),
            }
        }
    }

    /// The findings for a member's month, for each check whose dataset has
    /// an extract that month.
    pub fn findings(&self, data: &Data, member: usize, month: Month) -> Vec<Finding> {
        let checks = self
            .0
            .iter()
            .filter(|(check, _)| {
                data.datasets.get(&check.dataset).is_some_and(|(_, present)| present.contains(&(member, month)))
            })
            .map(|(check, counts)| Finding {
                dataset: check.dataset.clone(),
                check: check.name.clone(),
                records: counts.get(&(member, month)).copied().unwrap_or(0),
            });
        // Values of coded columns in no code: records, not rules, but found the same way.
        let uncoded = data.datasets.keys().flat_map(|dataset| {
            data.unmapped(dataset, member, month).iter().map(move |unmapped| Finding {
                dataset: dataset.clone(),
                check: format!("{} values in no code (e.g. {})", unmapped.column, unmapped.examples.join(", ")),
                records: unmapped.rows as u64,
            })
        });
        checks.chain(uncoded).collect()
    }
}
