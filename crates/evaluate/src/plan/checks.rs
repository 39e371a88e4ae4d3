//! The data-quality checks of `scorecard.toml`, compiled like a
//! definition's filter.

use super::checker::Checker;
use super::empty_frame;
use super::row_order::RowOrder;
use crate::diagnostics::Diagnostics;
use crate::project::Project;
use polars::prelude::*;

/// A data-quality check from the project file, ready to run.
#[derive(Clone)]
pub(crate) struct CheckPlan {
    pub dataset: String,
    pub name: String,
    pub fails: Expr,
    pub row_order: Option<RowOrder>,
}

/// Compile every dataset's `checks`; problems point into scorecard.toml.
pub(crate) fn compile_checks(project: &Project) -> Result<Vec<CheckPlan>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut plans = Vec::new();
    for (name, dataset) in project.datasets() {
        for check in &dataset.checks {
            let mut checker = Checker::new(&project.source, &project.holidays, empty_frame(dataset));
            let role = format!("check `{}`", check.name);
            if let Some(fails) = checker.condition(&check.condition(), &role) {
                let row_order = checker.row_order.clone();
                plans.push(CheckPlan { dataset: name.to_string(), name: check.name.clone(), fails, row_order });
            }
            diagnostics.extend(checker.diagnostics);
        }
    }
    diagnostics.into_result(plans)
}
